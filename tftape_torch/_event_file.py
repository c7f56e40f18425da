"""TensorBoard event files: TFRecord framing, CRC-32C and the few protobuf messages
`tf.summary` writes, encoded by hand (no `protobuf` or `tensorboard` at run time).

An event file is a sequence of records, each framed as TFRecord frames them: the
data's length as a little-endian `uint64`, the masked CRC-32C of those 8 bytes, the
data, and the masked CRC-32C of the data. Each record's data is one serialized
`tensorflow.Event`; the first says `file_version: "brain.Event:2"`. Messages are
serialized as TF's C++ serializer does: fields in field-number order, proto3 default
values left out.

>>> import os, tempfile
>>> import tftape_torch as tf
>>> from tftape_torch import _event_file
>>> hex(_event_file.crc32c(b"123456789"))
'0xe3069283'
>>> logdir = tempfile.mkdtemp()
>>> writer = _event_file.EventFileWriter(logdir)
>>> writer.close()
>>> name, = os.listdir(logdir)
>>> name.startswith("events.out.tfevents.") and name.endswith(".v2")
True
>>> [len(data) for data in _event_file.read_records(os.path.join(logdir, name))]
[62]
"""

from __future__ import annotations

import itertools
import os
import socket
import struct
import threading
import time
from typing import BinaryIO, Iterator, List, Optional, Sequence

__all__ = [
    "EventFileWriter",
    "crc32c",
    "encode_event",
    "encode_metadata",
    "encode_tensor",
    "encode_value",
    "frame",
    "masked_crc32c",
    "read_records",
]

# -- CRC-32C (Castagnoli), reflected polynomial 0x82F63B78 ---------------------------


def _make_table() -> List[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _make_table()


def crc32c(data: bytes) -> int:
    """The CRC-32C of `data` (table-driven, one byte at a time)."""
    table = _TABLE
    crc = 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotated right by 15 bits plus a constant."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def frame(data: bytes) -> bytes:
    """One TFRecord: length, masked CRC of the length, data, masked CRC of the data."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data
            + struct.pack("<I", masked_crc32c(data)))


def read_records(path: str) -> Iterator[bytes]:
    """The data of each record in the TFRecord file `path`, checking both CRCs.

    Raises:
      ValueError: on a truncated record or a CRC mismatch.
    """
    with open(path, "rb") as f:
        content = f.read()
    offset = 0
    while offset < len(content):
        header = content[offset:offset + 12]
        if len(header) < 12:
            raise ValueError(f"truncated record header at byte {offset} of {path}")
        (length,) = struct.unpack("<Q", header[:8])
        (length_crc,) = struct.unpack("<I", header[8:])
        if masked_crc32c(header[:8]) != length_crc:
            raise ValueError(f"corrupted record length at byte {offset} of {path}")
        data = content[offset + 12:offset + 12 + length]
        footer = content[offset + 12 + length:offset + 16 + length]
        if len(data) < length or len(footer) < 4:
            raise ValueError(f"truncated record at byte {offset} of {path}")
        if masked_crc32c(data) != struct.unpack("<I", footer)[0]:
            raise ValueError(f"corrupted record data at byte {offset} of {path}")
        yield data
        offset += 16 + length


# -- protobuf wire format ------------------------------------------------------------


def _varint(value: int) -> bytes:
    """A varint; negative values as their 64-bit two's complement (10 bytes)."""
    value &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _key(field: int, wire_type: int) -> bytes:
    return _varint((field << 3) | wire_type)


def _bytes_field(field: int, payload: bytes) -> bytes:
    """A length-delimited field (string, bytes or message)."""
    return _key(field, 2) + _varint(len(payload)) + payload


def _int_field(field: int, value: int) -> bytes:
    """A varint field (int64, int32, enum); zero is left out (proto3)."""
    return _key(field, 0) + _varint(value) if value else b""


def _double_field(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", value) if value else b""


def encode_tensor(dtype_enum: int, shape: Sequence[int], content: bytes = b"",
                  string_val: Optional[Sequence[bytes]] = None) -> bytes:
    """A `TensorProto`: `dtype` (the `DataType` enum), `tensor_shape`, and either
    `tensor_content` (raw little-endian values) or `string_val` (one per element)."""
    dims = b"".join(_bytes_field(2, _int_field(1, size)) for size in shape)
    out = _int_field(1, dtype_enum) + _bytes_field(2, dims)
    if content:
        out += _bytes_field(4, content)
    for item in string_val or ():
        out += _bytes_field(8, item)
    return out


def encode_metadata(plugin_name: str, content: bytes = b"", display_name: str = "",
                    description: str = "") -> bytes:
    """A `SummaryMetadata`: `plugin_data { plugin_name content }`, `display_name`,
    `summary_description` (empty strings left out)."""
    plugin = b""
    if plugin_name:
        plugin += _bytes_field(1, plugin_name.encode())
    if content:
        plugin += _bytes_field(2, content)
    out = _bytes_field(1, plugin)
    if display_name:
        out += _bytes_field(2, display_name.encode())
    if description:
        out += _bytes_field(3, description.encode())
    return out


def encode_value(tag: str, tensor: bytes, metadata: bytes = b"") -> bytes:
    """A `Summary.Value`: `tag`, `tensor` and (when not empty) `metadata`."""
    out = _bytes_field(1, tag.encode()) if tag else b""
    out += _bytes_field(8, tensor)
    if metadata:
        out += _bytes_field(9, metadata)
    return out


def encode_event(wall_time: float, step: int = 0, file_version: str = "",
                 summary_values: Sequence[bytes] = (), source_writer: str = "",
                 raw_summary: Optional[bytes] = None) -> bytes:
    """An `Event`: `wall_time`, `step`, then `file_version` or a `summary` (of the
    serialized `Summary.Value`s, or `raw_summary`, a serialized `Summary`), and
    `source_metadata { writer }`."""
    out = _double_field(1, wall_time) + _int_field(2, step)
    if file_version:
        out += _bytes_field(3, file_version.encode())
    if summary_values:
        raw_summary = b"".join(_bytes_field(1, value) for value in summary_values)
    if raw_summary is not None:
        out += _bytes_field(5, raw_summary)
    if source_writer:
        out += _bytes_field(10, _bytes_field(1, source_writer.encode()))
    return out


# -- the file ------------------------------------------------------------------------

#: TF's process-wide count of event files opened (the number before the suffix).
_FILE_COUNTER = itertools.count()


class EventFileWriter:
    """Appends events to a new event file in `logdir`, as TF's `EventsWriter` and
    `SummaryFileWriter` do: the file (and `logdir`) is created at once with its
    `file_version` event; later events are queued and written when more than
    `max_queue` wait, when `flush_millis` passed since the last flush, or on `flush`.
    """

    def __init__(self, logdir: str, max_queue: int = 10, flush_millis: int = 120000,
                 filename_suffix: str = ".v2") -> None:
        os.makedirs(logdir, exist_ok=True)
        now = time.time()
        name = (f"events.out.tfevents.{int(now):010d}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_FILE_COUNTER)}{filename_suffix}")
        self.path = os.path.join(logdir, name)
        self._max_queue = max_queue
        self._flush_seconds = flush_millis / 1000.0
        self._queue: List[bytes] = []
        self._lock = threading.Lock()
        self._file: Optional[BinaryIO] = open(self.path, "ab")  # noqa: SIM115
        first = encode_event(float(int(now)), file_version="brain.Event:2",
                             source_writer="tensorflow.core.util.events_writer")
        self._write_now([frame(first)])
        self._last_flush = time.time()

    @property
    def closed(self) -> bool:
        return self._file is None

    def _write_now(self, records: List[bytes]) -> None:
        f = self._file
        if f is None:
            return
        f.write(b"".join(records))
        f.flush()

    def add_event(self, event: bytes) -> None:
        """Queues one serialized `Event`."""
        with self._lock:
            if self._file is None:
                raise ValueError(f"the event file {self.path} is closed")
            self._queue.append(frame(event))
            if (len(self._queue) > self._max_queue
                    or time.time() - self._last_flush > self._flush_seconds):
                self._flush_locked()

    def _flush_locked(self) -> None:
        records, self._queue = self._queue, []
        if records:
            self._write_now(records)
        self._last_flush = time.time()

    def flush(self) -> None:
        """Writes every queued event to the file."""
        with self._lock:
            self._flush_locked()

    def close(self) -> None:
        """Flushes and closes the file (a second call does nothing)."""
        with self._lock:
            if self._file is None:
                return
            self._flush_locked()
            f, self._file = self._file, None
            f.close()
