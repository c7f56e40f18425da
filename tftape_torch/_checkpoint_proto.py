"""The protobuf messages of TF's checkpoint files, encoded and decoded by hand (this
package does not depend on `protobuf`): `BundleHeaderProto` and `BundleEntryProto`
(with `TensorShapeProto` and `VersionDef`) of the `.index` table, and the
`TrackableObjectGraph` saved under `_CHECKPOINTABLE_OBJECT_GRAPH`.

Fields are written in field-number order and left out at their default values, as
protobuf's C++ serializer does, so the bytes equal TF's.

>>> entry = Entry(dtype=1, shape=[2], offset=8, size=8, crc32c=123)
>>> decode_entry(encode_entry(entry)) == entry
True
>>> graph = [GraphNode(children=[("w", 1)]),
...          GraphNode(attributes=[("VARIABLE_VALUE", "w", "w/.ATTRIBUTES/VARIABLE_VALUE")])]
>>> decode_object_graph(encode_object_graph(graph))[0].children
[('w', 1)]
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from tftape_torch._checkpoint_sstable import TableError, decode_varint, encode_varint

__all__ = [
    "Entry", "GraphNode", "decode_entry", "decode_header", "decode_object_graph",
    "encode_entry", "encode_header", "encode_object_graph",
]

_VARINT, _FIXED64, _BYTES, _FIXED32 = 0, 1, 2, 5


# ---------------------------------------------------------------------------
# Wire format


def _key(number: int, wire: int) -> bytes:
    return encode_varint(number << 3 | wire)


def _int(number: int, value: int) -> bytes:
    return _key(number, _VARINT) + encode_varint(value) if value else b""


def _bytes(number: int, value: bytes) -> bytes:
    return _key(number, _BYTES) + encode_varint(len(value)) + value


def _message_fields(data: bytes) -> Dict[int, List[object]]:
    """The fields of one message: number -> values (ints, or bytes for length-delimited)."""
    found: Dict[int, List[object]] = {}
    pos = 0
    while pos < len(data):
        key, pos = decode_varint(data, pos)
        number, wire = key >> 3, key & 7
        value: object
        if wire == _VARINT:
            value, pos = decode_varint(data, pos)
        elif wire == _BYTES:
            size, pos = decode_varint(data, pos)
            if pos + size > len(data):
                raise TableError("truncated message")
            value, pos = data[pos:pos + size], pos + size
        elif wire == _FIXED32:
            if pos + 4 > len(data):
                raise TableError("truncated message")
            (value,) = struct.unpack_from("<I", data, pos)
            pos += 4
        elif wire == _FIXED64:
            if pos + 8 > len(data):
                raise TableError("truncated message")
            (value,) = struct.unpack_from("<Q", data, pos)
            pos += 8
        else:
            raise TableError(f"unsupported wire type {wire}")
        if number == 0:
            raise TableError("invalid field number 0")
        found.setdefault(number, []).append(value)
    return found


def _last_int(fields: Dict[int, List[object]], number: int, signed: bool = True) -> int:
    values = fields.get(number)
    if not values:
        return 0
    value = values[-1]
    if not isinstance(value, int):
        raise TableError(f"field {number} is not an integer")
    if signed and value >= 1 << 63:
        value -= 1 << 64
    return value


def _last_bytes(fields: Dict[int, List[object]], number: int) -> bytes:
    values = fields.get(number)
    if not values:
        return b""
    value = values[-1]
    if not isinstance(value, bytes):
        raise TableError(f"field {number} is not length-delimited")
    return value


def _all_bytes(fields: Dict[int, List[object]], number: int) -> List[bytes]:
    values = fields.get(number, [])
    if not all(isinstance(value, bytes) for value in values):
        raise TableError(f"field {number} is not length-delimited")
    return [value for value in values if isinstance(value, bytes)]


# ---------------------------------------------------------------------------
# The bundle's header and entries


def encode_header() -> bytes:
    """TF's `BundleHeaderProto`: one shard, little-endian, format version 1."""
    return _int(1, 1) + _bytes(3, _int(1, 1))


def decode_header(data: bytes) -> Tuple[int, int, int]:
    """`(num_shards, endianness, producer version)` of a `BundleHeaderProto`."""
    fields = _message_fields(data)
    version = _message_fields(_last_bytes(fields, 3))
    return _last_int(fields, 1), _last_int(fields, 2), _last_int(version, 1)


@dataclass
class Entry:
    """A `BundleEntryProto`: where a tensor lies in the data file, and what it is."""

    dtype: int = 0
    shape: Optional[List[int]] = None  # None: unknown rank
    shard_id: int = 0
    offset: int = 0
    size: int = 0
    crc32c: int = 0  # masked, as stored
    sliced: bool = False


def encode_entry(entry: Entry) -> bytes:
    dims = b"".join(_bytes(2, _int(1, size)) for size in entry.shape or [])
    shape = dims if entry.shape is not None else _int(3, 1)
    out = _int(1, entry.dtype) + _bytes(2, shape) + _int(3, entry.shard_id)
    out += _int(4, entry.offset) + _int(5, entry.size)
    if entry.crc32c:
        out += _key(6, _FIXED32) + struct.pack("<I", entry.crc32c)
    return out


def decode_entry(data: bytes) -> Entry:
    fields = _message_fields(data)
    shape_fields = _message_fields(_last_bytes(fields, 2))
    shape: Optional[List[int]] = [
        _last_int(_message_fields(dim), 1) for dim in _all_bytes(shape_fields, 2)]
    if _last_int(shape_fields, 3):
        shape = None
    return Entry(
        dtype=_last_int(fields, 1), shape=shape, shard_id=_last_int(fields, 3),
        offset=_last_int(fields, 4), size=_last_int(fields, 5),
        crc32c=_last_int(fields, 6, signed=False), sliced=bool(fields.get(7)))


# ---------------------------------------------------------------------------
# The object graph


@dataclass
class GraphNode:
    """One `TrackableObject` of a `TrackableObjectGraph`: its named children (node
    ids), its saved attributes `(name, full_name, checkpoint_key)` and slot variables
    `(original_variable_node_id, slot_name, slot_variable_node_id)`."""

    children: List[Tuple[str, int]] = field(default_factory=list)
    attributes: List[Tuple[str, str, str]] = field(default_factory=list)
    slot_variables: List[Tuple[int, str, int]] = field(default_factory=list)


def _with_values(nodes: List[GraphNode]) -> List[bool]:
    """TF's `has_checkpoint_values`: a node saves something or leads to one that does."""
    parents: Dict[int, List[int]] = {}
    for number, node in enumerate(nodes):
        for _, child in node.children:
            parents.setdefault(child, []).append(number)
    marked = {number for number, node in enumerate(nodes)
              if node.attributes or node.slot_variables}
    todo = list(marked)
    while todo:
        for parent in parents.pop(todo.pop(), []):
            if parent not in marked:
                marked.add(parent)
                todo.append(parent)
    return [number in marked for number in range(len(nodes))]


def encode_object_graph(nodes: List[GraphNode]) -> bytes:
    """The bytes of a `TrackableObjectGraph` of `nodes` (node 0: the root)."""
    out = bytearray()
    for node, has_values in zip(nodes, _with_values(nodes)):
        body = bytearray()
        for name, child in node.children:
            body += _bytes(1, _int(1, child) + _bytes(2, name.encode()))
        for name, full_name, key in node.attributes:
            body += _bytes(2, _bytes(1, name.encode()) + _bytes(2, full_name.encode())
                           + _bytes(3, key.encode()))
        for original, slot_name, slot in node.slot_variables:
            body += _bytes(3, _int(1, original) + _bytes(2, slot_name.encode())
                           + _int(3, slot))
        body += _bytes(5, _int(1, int(has_values)))
        out += _bytes(1, bytes(body))
    return bytes(out)


def decode_object_graph(data: bytes) -> List[GraphNode]:
    """The nodes of a `TrackableObjectGraph` (children, attributes, slot variables).

    Raises:
      TableError: for bytes that are not such a message.
    """
    nodes = []
    for raw in _all_bytes(_message_fields(data), 1):
        fields = _message_fields(raw)
        node = GraphNode()
        for reference in _all_bytes(fields, 1):
            ref = _message_fields(reference)
            node.children.append((_last_bytes(ref, 2).decode(errors="replace"),
                                  _last_int(ref, 1)))
        for attribute in _all_bytes(fields, 2):
            ref = _message_fields(attribute)
            node.attributes.append(tuple(  # type: ignore[arg-type]
                _last_bytes(ref, n).decode(errors="replace") for n in (1, 2, 3)))
        for slot in _all_bytes(fields, 3):
            ref = _message_fields(slot)
            node.slot_variables.append((_last_int(ref, 1),
                                        _last_bytes(ref, 2).decode(errors="replace"),
                                        _last_int(ref, 3)))
        nodes.append(node)
    for node in nodes:
        for _, child in node.children:
            if not 0 <= child < len(nodes):
                raise TableError(f"object graph child {child} out of range")
    return nodes
