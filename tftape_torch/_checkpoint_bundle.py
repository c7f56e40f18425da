"""TF's checkpoint files (the TensorBundle V2 format of TF 2.21), written and read.

A checkpoint `prefix` is two files. `prefix.data-00000-of-00001` holds the tensors'
bytes one after another, in the order they were added: little-endian, as in memory
for numbers and bools; a string tensor as the varint64 lengths of its elements, the
masked CRC32C of those lengths (taken over them as uint32s), then the elements' bytes.
`prefix.index` is a table (`_checkpoint_sstable`) from each key to a
`BundleEntryProto` (dtype, shape, offset and size in the data file, masked CRC32C of
the bytes), with a `BundleHeaderProto` under the empty key.

>>> import os, tempfile, torch
>>> prefix = os.path.join(tempfile.mkdtemp(), "b")
>>> write_bundle(prefix, [("x", torch.tensor([1.5, 2.0])), ("s", b"bytes")])
>>> reader = BundleReader(prefix)
>>> reader.keys()
['s', 'x']
>>> reader.read("x"), reader.read("s")
(tensor([1.5000, 2.0000]), b'bytes')
"""

from __future__ import annotations

import os
import struct
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from tftape_torch import errors
from tftape_torch._checkpoint_proto import (
    Entry,
    decode_entry,
    decode_header,
    encode_entry,
    encode_header,
)
from tftape_torch._checkpoint_sstable import (
    TableError,
    build_table,
    crc32c,
    crc32c_extend,
    decode_varint,
    encode_varint,
    mask,
    read_table,
    unmask,
)

__all__ = [
    "DATA_SUFFIX", "DT_STRING", "DT_VARIANT", "INDEX_SUFFIX", "BundleReader", "Value",
    "dtype_name", "write_bundle",
]

INDEX_SUFFIX = ".index"
DATA_SUFFIX = ".data-00000-of-00001"
DT_STRING = 7
DT_VARIANT = 21

#: A saved value: a tensor, bytes (a string scalar) or an array of bytes objects.
Value = Union[torch.Tensor, bytes, np.ndarray]

# TF's DataType numbers, and the NumPy dtype of the bytes on disk.
_TORCH_TO_TF: Dict[torch.dtype, int] = {
    torch.float32: 1, torch.float64: 2, torch.int32: 3, torch.uint8: 4, torch.int16: 5,
    torch.int8: 6, torch.complex64: 8, torch.int64: 9, torch.bool: 10,
    torch.bfloat16: 14, torch.uint16: 17, torch.complex128: 18, torch.float16: 19,
    torch.uint32: 22, torch.uint64: 23,
}
_TF_TO_TORCH = {number: dtype for dtype, number in _TORCH_TO_TF.items()}
_NAMES = {
    1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
    DT_STRING: "string", 8: "complex64", 9: "int64", 10: "bool", 14: "bfloat16",
    17: "uint16", 18: "complex128", 19: "float16", 20: "resource", DT_VARIANT: "variant",
    22: "uint32", 23: "uint64",
}
_FILE_DTYPE = {
    1: "<f4", 2: "<f8", 3: "<i4", 4: "u1", 5: "<i2", 6: "i1", 8: "<c8", 9: "<i8",
    10: "?", 14: "<i2", 17: "<u2", 18: "<c16", 19: "<f2", 22: "<u4", 23: "<u8",
}
_BITS_AS = {torch.bfloat16: torch.int16, torch.uint16: torch.int16,
            torch.uint32: torch.int32, torch.uint64: torch.int64}


def dtype_name(number: int) -> str:
    """The name of TF's DataType `number` (`float32`, `string`, ...)."""
    return _NAMES.get(number, f"DataType({number})")


def torch_dtype(number: int) -> Optional[torch.dtype]:
    """The torch dtype of TF's DataType `number`, None for strings and variants."""
    return _TF_TO_TORCH.get(number)


# ---------------------------------------------------------------------------
# Writing


def _tensor_bytes(value: torch.Tensor) -> np.ndarray:
    tensor = value.detach().cpu().contiguous().resolve_conj().resolve_neg()
    if tensor.dtype in _BITS_AS:
        tensor = tensor.view(_BITS_AS[tensor.dtype])
    return tensor.numpy().reshape(-1).view(np.uint8)


def _string_bytes(items: Sequence[bytes]) -> Tuple[bytes, int]:
    """The on-disk layout of a string tensor and the CRC32C TF records for it."""
    lengths = b"".join(encode_varint(len(item)) for item in items)
    crc = 0
    for item in items:
        size = len(item)
        crc = crc32c_extend(crc, struct.pack("<I" if size <= 0xFFFFFFFF else "<Q", size))
    checksum = struct.pack("<I", mask(crc))
    crc = crc32c_extend(crc, checksum)
    for item in items:
        crc = crc32c_extend(crc, item)
    return lengths + checksum + b"".join(items), crc


def _replace(path: str, data: Any) -> None:
    temporary = f"{path}.tempstate{os.getpid()}"
    with open(temporary, "wb") as file:
        for chunk in data:
            file.write(chunk)
    os.replace(temporary, path)


def write_bundle(prefix: str, values: Sequence[Tuple[str, Value]]) -> None:
    """Write `values` (key, tensor or bytes) as TF's checkpoint `prefix`: data in the
    order given, the index by key.

    Raises:
      InvalidArgumentError: for a key given twice.
      TypeError: for a tensor of a dtype TF's checkpoints cannot hold.
    """
    entries: Dict[str, Entry] = {}
    chunks: List[Any] = []
    offset = 0
    for key, value in values:
        if key in entries:
            raise errors.InvalidArgumentError(None, None, f"Adding duplicate key: {key}")
        if isinstance(value, torch.Tensor):
            if value.dtype not in _TORCH_TO_TF:
                raise TypeError(f"Cannot save a tensor of dtype {value.dtype} under {key}")
            data = _tensor_bytes(value)
            entry = Entry(dtype=_TORCH_TO_TF[value.dtype], shape=list(value.shape),
                          crc32c=mask(crc32c(data)))
        else:
            items = ([bytes(value)] if isinstance(value, (bytes, bytearray))
                     else [bytes(item) for item in np.asarray(value, dtype=object).reshape(-1)])
            shape = [] if isinstance(value, (bytes, bytearray)) else list(np.shape(value))
            raw, crc = _string_bytes(items)
            data = np.frombuffer(raw, dtype=np.uint8)
            entry = Entry(dtype=DT_STRING, shape=shape, crc32c=mask(crc))
        entry.offset, entry.size = offset, data.size
        offset += data.size
        entries[key] = entry
        chunks.append(data.data)
    directory = os.path.dirname(prefix)
    if directory:
        os.makedirs(directory, exist_ok=True)
    _replace(prefix + DATA_SUFFIX, chunks)
    rows = [(b"", encode_header())] + [
        (key.encode(), encode_entry(entries[key])) for key in sorted(entries, key=str.encode)]
    _replace(prefix + INDEX_SUFFIX, [build_table(rows)])


# ---------------------------------------------------------------------------
# Reading


def _unknown(message: str) -> errors.OpError:
    return errors.OpError(None, None, message, errors.UNKNOWN)


class BundleReader:
    """The entries of checkpoint `prefix`, and their values read on demand.

    Raises (when made):
      tf.errors.OpError: for an index file that is not TF's table, or a corrupt one
        (TF's messages: `not an sstable (bad magic number)`, `block checksum
        mismatch`, ...).
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        index = prefix + INDEX_SUFFIX
        with open(index, "rb") as file:
            raw = file.read()
        try:
            rows = read_table(raw, index)
        except TableError as error:
            if str(error) in ("not an sstable (bad magic number)",
                              "file is too short to be an sstable"):
                raise _unknown(str(error)) from None
            raise _unknown(
                f"Unable to read file ({index}). Perhaps the file is corrupt or was produced "
                "by a newer version of TensorFlow with format changes (failed to seek to "
                f"header entry): {error}") from None
        if not rows or rows[0][0] != b"":
            raise _unknown(f"Unable to read file ({index}). Perhaps the file is corrupt or "
                           "was produced by a newer version of TensorFlow with format changes "
                           "(failed to seek to header entry)")
        try:
            shards, endianness, _ = decode_header(rows[0][1])
            self.entries: Dict[str, Entry] = {
                key.decode(errors="surrogateescape"): decode_entry(value)
                for key, value in rows[1:]}
        except (TableError, UnicodeDecodeError) as error:
            raise errors.DataLossError(
                None, None, f"Unable to read file ({index}). Perhaps the file is corrupt or "
                f"was produced by a newer version of TensorFlow with format changes "
                f"(unable to parse header): {error}") from None
        if endianness != 0:
            raise errors.UnimplementedError(
                None, None, f"TensorBundle at {prefix} is big-endian: not supported here")
        self.num_shards = max(shards, 1)

    def keys(self) -> List[str]:
        """The keys of the full tensors (not of slices of partitioned ones), sorted."""
        return [key for key in self.entries if not key.startswith("\x00")]

    def _data_file(self, entry: Entry) -> str:
        return f"{self.prefix}.data-{entry.shard_id:05d}-of-{self.num_shards:05d}"

    def _bytes(self, entry: Entry) -> bytearray:
        path = self._data_file(entry)
        try:
            with open(path, "rb") as file:
                file.seek(entry.offset)
                buffer = bytearray(entry.size)
                read = file.readinto(buffer)
        except FileNotFoundError:
            raise _unknown(f"{path}; No such file or directory") from None
        if read != entry.size:
            raise errors.OutOfRangeError(None, None, "Read less bytes than requested")
        return buffer

    def _checksum_error(self, entry: Entry, actual: int) -> errors.DataLossError:
        return errors.DataLossError(
            None, None, f"TensorBundle at {self.prefix} shard {entry.shard_id} ({entry.size} "
            f"bytes): Checksum does not match: stored {unmask(entry.crc32c):08d} vs. "
            f"calculated on the restored bytes {actual}")

    def read(self, key: str) -> Value:
        """The value under `key`: a tensor, or for strings bytes (a scalar) or a NumPy
        array of bytes objects.

        Raises:
          tf.errors.NotFoundError: for a key the checkpoint does not have.
          tf.errors.DataLossError: for bytes whose checksum does not match, or a size
            that does not fit the shape.
          tf.errors.UnimplementedError: for a partitioned (sliced) tensor.
        """
        entry = self.entries.get(key)
        if entry is None or key.startswith("\x00"):
            raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint")
        if entry.sliced:
            raise errors.UnimplementedError(
                None, None, f"Sliced checkpoints are not supported: {key} is partitioned")
        shape = entry.shape or []
        count = int(np.prod(shape)) if shape else 1
        if entry.dtype in (DT_STRING, DT_VARIANT):
            items = (self._strings(entry, key, count) if entry.dtype == DT_STRING
                     else self._variants(entry, count))
            return items[0] if not shape else np.array(
                items + [None], dtype=object)[:-1].reshape(shape)
        dtype = torch_dtype(entry.dtype)
        if dtype is None:
            raise errors.UnimplementedError(
                None, None, f"Data type {dtype_name(entry.dtype)} of {key} not supported")
        expected = count * np.dtype(_FILE_DTYPE[entry.dtype]).itemsize
        if entry.size != expected:
            raise errors.DataLossError(
                None, None, f"Invalid size in bundle entry: key {key}; stored size "
                f"{entry.size}; expected size {expected}")
        buffer = self._bytes(entry)
        actual = crc32c(buffer)
        if unmask(entry.crc32c) != actual:
            raise self._checksum_error(entry, actual)
        array = np.frombuffer(buffer, dtype=_FILE_DTYPE[entry.dtype]).reshape(shape)
        tensor = torch.from_numpy(array)
        return tensor.view(dtype) if dtype in _BITS_AS else tensor

    def _strings(self, entry: Entry, key: str, count: int) -> List[bytes]:
        if entry.size == 0:
            return [b""] * count
        data = bytes(self._bytes(entry))
        lengths, pos, crc = [], 0, 0
        try:
            for _ in range(count):
                length, pos = decode_varint(data, pos)
                lengths.append(length)
                crc = crc32c_extend(
                    crc, struct.pack("<I" if length <= 0xFFFFFFFF else "<Q", length))
        except TableError:
            raise errors.DataLossError(
                None, None, f"String lengths longer than expected offset "
                f"{entry.offset + entry.size}") from None
        (stored,) = struct.unpack_from("<I", data.ljust(pos + 4, b"\0"), pos)
        if unmask(stored) != crc:
            raise errors.DataLossError(
                None, None, f"The length checksum does not match: expected "
                f"{unmask(stored):08d} but actual is {crc:08d}")
        crc = crc32c_extend(crc, data[pos:pos + 4])
        pos += 4
        items = []
        for length in lengths:
            items.append(data[pos:pos + length])
            pos += length
        crc = crc32c_extend(crc, data[pos - sum(lengths):pos])
        if pos > len(data):
            raise errors.OutOfRangeError(None, None, "Read less bytes than requested")
        if unmask(entry.crc32c) != crc:
            raise self._checksum_error(entry, crc)
        return items

    def _variants(self, entry: Entry, count: int) -> List[bytes]:
        data = bytes(self._bytes(entry)) if entry.size else b""
        items, pos, crc = [], 0, 0
        try:
            for number in range(count):
                length, pos = decode_varint(data, pos)
                crc = crc32c_extend(crc, struct.pack("<Q", length))
                items.append(data[pos:pos + length])
                crc = crc32c_extend(crc, items[-1])
                pos += length
                (stored,) = struct.unpack_from("<I", data, pos)
                if unmask(stored) != crc:
                    raise errors.DataLossError(
                        None, None, f"The checksum after Variant {number} does not match. "
                        f"Expected: {unmask(stored):08d} Actual: {crc:08d}")
                crc = crc32c_extend(crc, data[pos:pos + 4])
                pos += 4
        except (TableError, struct.error):
            raise errors.OutOfRangeError(None, None, "Read less bytes than requested") from None
        if unmask(entry.crc32c) != crc:
            raise self._checksum_error(entry, crc)
        return items
