"""The low layer of TF's checkpoint files: CRC32C checksums, varints and the LevelDB
table (SSTable) that a checkpoint's `.index` file is, written and read as TF 2.21's
`table::TableBuilder` and `table::Table` do.

**CRC32C** (Castagnoli) is computed with NumPy, fast enough for model-sized tensors:
the bytes are cut into many equal chunks whose checksums advance side by side four
bytes a step (two lookups in 16-bit tables), then the chunk checksums are combined
pairwise with the GF(2) matrices that shift a checksum past a run of bytes. An
installed `google_crc32c` or `crc32c` module is used instead where present. TF stores
checksums *masked* (`mask`).

**The table**: data blocks of entries with prefix-compressed keys (a restart point
every 16 keys), each block followed by a one-byte compression type and the masked
CRC32C of block and type; an empty metaindex block; an index block holding, for each
data block, a short separator key and the block's offset and size; and a 48-byte
footer (the two blocks' handles, zero padding, magic number 0xdb4775248b80fb57).
Blocks are closed at 256 KiB, uncompressed, as TF writes them; Snappy-compressed
blocks (written by TF 1.1) are read too.

>>> crc32c(b"123456789") == 0xE3069283
True
>>> rows = read_table(build_table([(b"", b"header"), (b"a/b", b"1")]), "t.index")
>>> rows
[(b'', b'header'), (b'a/b', b'1')]
"""

from __future__ import annotations

import struct
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

__all__ = [
    "TableError", "build_table", "crc32c", "crc32c_extend", "decode_varint", "encode_varint",
    "mask", "read_table", "unmask",
]

Buffer = Union[bytes, bytearray, memoryview, np.ndarray]

_POLY = 0x82F63B78  # CRC32C, reflected
_MASK_DELTA = 0xA282EAD8
_MAGIC = 0xDB4775248B80FB57
_FOOTER_SIZE = 48
_TRAILER_SIZE = 5
_BLOCK_SIZE = 262144
_RESTART_INTERVAL = 16
_PYTHON_LOOP_BELOW = 2048  # bytes: below this a Python byte loop beats NumPy's setup


class TableError(Exception):
    """A malformed table: the message is TF's (`not an sstable (bad magic number)`...)."""


# ---------------------------------------------------------------------------
# CRC32C


def _byte_table() -> List[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (_POLY if crc & 1 else 0)
        table.append(crc)
    return table


_TABLE = _byte_table()
_TABLE_NP = np.array(_TABLE, dtype=np.uint32)


def _zero_byte(state: int) -> int:
    """The raw (unconditioned) CRC state after one zero byte."""
    return _TABLE[state & 0xFF] ^ (state >> 8)


_Matrix = List[int]  # 32 columns: the image of each bit


def _apply(matrix: _Matrix, vector: int) -> int:
    result, bit = 0, 0
    while vector:
        if vector & 1:
            result ^= matrix[bit]
        vector >>= 1
        bit += 1
    return result


def _compose(outer: _Matrix, inner: _Matrix) -> _Matrix:
    return [_apply(outer, column) for column in inner]


_SHIFT_POW2: List[_Matrix] = [[_zero_byte(1 << bit) for bit in range(32)]]  # 2**k bytes
for _ in range(40):
    _SHIFT_POW2.append(_compose(_SHIFT_POW2[-1], _SHIFT_POW2[-1]))
_SHIFT_CACHE: Dict[int, _Matrix] = {}


def _shift_matrix(length: int) -> _Matrix:
    """The matrix that moves a raw CRC state past `length` zero bytes."""
    cached = _SHIFT_CACHE.get(length)
    if cached is not None:
        return cached
    matrix = [1 << bit for bit in range(32)]
    k = 0
    rest = length
    while rest:
        if rest & 1:
            matrix = _compose(_SHIFT_POW2[k], matrix)
        rest >>= 1
        k += 1
    if len(_SHIFT_CACHE) < 256:
        _SHIFT_CACHE[length] = matrix
    return matrix


def _shift(state: int, length: int) -> int:
    return _apply(_shift_matrix(length), state) if length and state else state


def _span_tables(matrix: _Matrix, bits: int) -> List[np.ndarray]:
    """Lookup tables applying `matrix` to a uint32, `bits` input bits per table."""
    index = np.arange(1 << bits, dtype=np.uint32)
    tables = []
    for start in range(0, 32, bits):
        table = np.zeros(1 << bits, dtype=np.uint32)
        for bit in range(bits):
            table ^= ((index >> np.uint32(bit)) & np.uint32(1)) * np.uint32(matrix[start + bit])
        tables.append(table)
    return tables


_WORD_LO, _WORD_HI = (t.astype(np.int64) for t in _span_tables(_shift_matrix(4), 16))


def _python_raw(state: int, data: Any) -> int:
    table = _TABLE
    for byte in bytes(data):
        state = table[(state ^ byte) & 0xFF] ^ (state >> 8)
    return state


def _numpy_raw(data: np.ndarray) -> int:
    """The raw CRC (zero initial state) of a uint8 array."""
    size = data.size
    if size < _PYTHON_LOOP_BELOW:
        return _python_raw(0, data.tobytes())
    chunks = 1 << min(16, max(4, (size // 256).bit_length() - 1))
    step_words = size // (chunks * 4)
    head = chunks * step_words * 4
    words = np.ascontiguousarray(
        data[:head].view("<u4").reshape(chunks, step_words).T)
    state = np.zeros(chunks, dtype=np.int64)  # int64: indexes without a conversion
    lo, hi = _WORD_LO, _WORD_HI
    for row in words:
        state ^= row
        state = lo[state & 0xFFFF] ^ hi[state >> 16]
    state = state.astype(np.uint32)
    length = step_words * 4
    while state.size > 1:  # combine neighbours: crc(a + b) = shift(crc(a), |b|) ^ crc(b)
        tables = _span_tables(_shift_matrix(length), 8)
        left, right = state[0::2], state[1::2]
        state = right ^ tables[0][left & np.uint32(0xFF)]
        for k in range(1, 4):
            state ^= tables[k][(left >> np.uint32(8 * k)) & np.uint32(0xFF)]
        length *= 2
    crc = int(state[0])
    tail = data[head:]
    if tail.size:
        crc = _shift(crc, tail.size) ^ _numpy_raw(tail)
    return crc


def _as_uint8(data: Buffer) -> np.ndarray:
    if isinstance(data, np.ndarray):
        return np.ascontiguousarray(data).reshape(-1).view(np.uint8)
    return np.frombuffer(data, dtype=np.uint8)


def _fast_module() -> Optional[Callable[[int, Any], int]]:
    try:
        import google_crc32c

        def extend_google(crc: int, data: Any) -> int:
            return int(google_crc32c.extend(crc, bytes(data)))

        return extend_google
    except ImportError:
        pass
    try:
        import crc32c as module

        def extend_crc32c(crc: int, data: Any) -> int:
            return int(module.crc32c(bytes(data), crc))

        return extend_crc32c
    except ImportError:
        return None


_FAST = _fast_module()


def crc32c_extend(crc: int, data: Buffer) -> int:
    """The CRC32C of the bytes `crc` is the CRC32C of, followed by `data`."""
    array = _as_uint8(data)
    if _FAST is not None and array.size >= _PYTHON_LOOP_BELOW:
        return _FAST(crc, array.data)
    state = crc ^ 0xFFFFFFFF
    if array.size < _PYTHON_LOOP_BELOW:
        return _python_raw(state, array.tobytes()) ^ 0xFFFFFFFF
    return (_numpy_raw(array) ^ _shift(state, array.size)) ^ 0xFFFFFFFF


def crc32c(data: Buffer) -> int:
    """The CRC32C (Castagnoli) checksum of `data`."""
    return crc32c_extend(0, data)


def mask(crc: int) -> int:
    """TF's masked form of a CRC (what its files store)."""
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked: int) -> int:
    rotated = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rotated >> 17) | (rotated << 15)) & 0xFFFFFFFF


# ---------------------------------------------------------------------------
# Varints


def encode_varint(value: int) -> bytes:
    """Protobuf's base-128 varint (a negative value as its 64-bit two's complement)."""
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def decode_varint(data: bytes, pos: int) -> Tuple[int, int]:
    """The varint at `data[pos:]` and the position after it.

    Raises:
      TableError: for a varint that runs past the end of `data` or beyond 64 bits.
    """
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise TableError("bad varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


# ---------------------------------------------------------------------------
# Writing a table


class _Block:
    def __init__(self, restart_interval: int) -> None:
        self.buffer = bytearray()
        self.restarts = [0]
        self.counter = 0
        self.last_key = b""
        self.interval = restart_interval

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self.counter < self.interval:
            limit = min(len(self.last_key), len(key))
            while shared < limit and self.last_key[shared] == key[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buffer))
            self.counter = 0
        self.buffer += encode_varint(shared) + encode_varint(len(key) - shared)
        self.buffer += encode_varint(len(value)) + key[shared:] + value
        self.last_key = key
        self.counter += 1

    def size_estimate(self) -> int:
        return len(self.buffer) + 4 * len(self.restarts) + 4

    def finish(self) -> bytes:
        restarts = b"".join(struct.pack("<I", r) for r in self.restarts)
        return bytes(self.buffer) + restarts + struct.pack("<I", len(self.restarts))


def _separator(start: bytes, limit: bytes) -> bytes:
    common = 0
    shortest = min(len(start), len(limit))
    while common < shortest and start[common] == limit[common]:
        common += 1
    if common < shortest:
        byte = start[common]
        if byte < 0xFF and byte + 1 < limit[common]:
            return start[:common] + bytes([byte + 1])
    return start


def _successor(key: bytes) -> bytes:
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def build_table(rows: Sequence[Tuple[bytes, bytes]]) -> bytes:
    """The bytes of a table of `rows` (keys strictly increasing), as TF writes it."""
    out = bytearray()
    data = _Block(_RESTART_INTERVAL)
    index = _Block(1)
    pending: Optional[Tuple[int, int]] = None
    last_key = b""

    def write_block(block: _Block) -> Tuple[int, int]:
        contents = block.finish() + b"\x00"
        handle = (len(out), len(contents) - 1)
        out.extend(contents)
        out.extend(struct.pack("<I", mask(crc32c(contents))))
        return handle

    def handle_bytes(handle: Tuple[int, int]) -> bytes:
        return encode_varint(handle[0]) + encode_varint(handle[1])

    for number, (key, value) in enumerate(rows):
        if number and len(key) + len(value) >= 2 * _BLOCK_SIZE and data.buffer:
            pending = write_block(data)
            data = _Block(_RESTART_INTERVAL)
        if pending is not None:
            index.add(_separator(last_key, key), handle_bytes(pending))
            pending = None
        last_key = key
        data.add(key, value)
        if data.size_estimate() >= _BLOCK_SIZE:
            pending = write_block(data)
            data = _Block(_RESTART_INTERVAL)
    if data.buffer:
        pending = write_block(data)
    metaindex = write_block(_Block(_RESTART_INTERVAL))
    if pending is not None:
        index.add(_successor(last_key), handle_bytes(pending))
    index_handle = write_block(index)
    footer = handle_bytes(metaindex) + handle_bytes(index_handle)
    out.extend(footer + b"\x00" * (40 - len(footer)) + struct.pack("<Q", _MAGIC))
    return bytes(out)


# ---------------------------------------------------------------------------
# Reading a table


def _snappy_decompress(data: bytes) -> bytes:
    length, pos = decode_varint(data, 0)
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:  # literal
            size = tag >> 2
            if size >= 60:
                extra = size - 59
                size = int.from_bytes(data[pos:pos + extra], "little")
                pos += extra
            size += 1
            out += data[pos:pos + size]
            pos += size
            continue
        if kind == 1:
            size = ((tag >> 2) & 7) + 4
            offset = ((tag >> 5) << 8) | data[pos]
            pos += 1
        else:
            width = 2 if kind == 2 else 4
            size = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + width], "little")
            pos += width
        if offset == 0 or offset > len(out):
            raise TableError("corrupted compressed block contents")
        for _ in range(size):
            out.append(out[-offset])
    if len(out) != length:
        raise TableError("corrupted compressed block contents")
    return bytes(out)


def _read_block(file: bytes, handle: Tuple[int, int]) -> bytes:
    offset, size = handle
    end = offset + size + _TRAILER_SIZE
    if end > len(file):
        raise TableError("truncated block read")
    contents = file[offset:offset + size + 1]
    (stored,) = struct.unpack_from("<I", file, offset + size + 1)
    if unmask(stored) != crc32c(contents):
        raise TableError("block checksum mismatch")
    kind = contents[-1]
    if kind == 0:
        return contents[:-1]
    if kind == 1:
        return _snappy_decompress(contents[:-1])
    raise TableError("bad block type")


def _block_rows(block: bytes) -> List[Tuple[bytes, bytes]]:
    if len(block) < 4:
        raise TableError("bad block contents")
    (restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    end = len(block) - 4 - 4 * restarts
    if restarts == 0 or end < 0:
        raise TableError("bad block contents")
    rows: List[Tuple[bytes, bytes]] = []
    pos, key = 0, b""
    while pos < end:
        shared, pos = decode_varint(block, pos)
        unshared, pos = decode_varint(block, pos)
        size, pos = decode_varint(block, pos)
        if shared > len(key) or pos + unshared + size > end:
            raise TableError("bad entry in block")
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        rows.append((key, block[pos:pos + size]))
        pos += size
    return rows


def _handle(data: bytes, pos: int) -> Tuple[Tuple[int, int], int]:
    offset, pos = decode_varint(data, pos)
    size, pos = decode_varint(data, pos)
    return (offset, size), pos


def read_table(file: bytes, name: str) -> List[Tuple[bytes, bytes]]:
    """Every (key, value) row of the table whose bytes are `file`, in key order.

    Raises:
      TableError: with TF's message, for a file that is not a table or is corrupt.
    """
    del name  # kept for the callers' messages
    if len(file) < _FOOTER_SIZE:
        raise TableError("file is too short to be an sstable")
    (magic,) = struct.unpack_from("<Q", file, len(file) - 8)
    if magic != _MAGIC:
        raise TableError("not an sstable (bad magic number)")
    footer = file[len(file) - _FOOTER_SIZE:]
    try:
        _, pos = _handle(footer, 0)
        index_handle, _ = _handle(footer, pos)
        rows: List[Tuple[bytes, bytes]] = []
        for _, value in _block_rows(_read_block(file, index_handle)):
            handle, _ = _handle(value, 0)
            rows.extend(_block_rows(_read_block(file, handle)))
    except (struct.error, IndexError) as error:
        raise TableError("bad block contents") from error
    return rows
