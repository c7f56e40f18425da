"""What `tf.summary` ops write: tensors as `TensorProto`s, text as string tensors,
histograms as `[k, 3]` bucket tensors, images as PNG strings.

`histogram_buckets` is TensorBoard's `summary_v2` bucketing (TF 2.21's
`tf.summary.histogram`): `k` equal-width buckets from the data's minimum to its
maximum, each row `[left_edge, right_edge, count]` in float64; all zeros for empty
data; when every value is the same, `k` degenerate buckets at that value with the
whole count in the last one. `encode_png` is a minimal PNG encoder (8 bits per
channel, no filtering, zlib at level 6): TensorBoard decodes it to the same pixels
as TF's `tf.image.encode_png` output, though the bytes differ (libpng filters rows).

>>> import numpy as np
>>> from tftape_torch import _summary_payloads
>>> print(_summary_payloads.histogram_buckets(np.array([1.0, 2.0, 2.5, 4.0]), 3))
[[1. 2. 1.]
 [2. 3. 2.]
 [3. 4. 1.]]
>>> _summary_payloads.encode_png(np.zeros([1, 1, 3], np.uint8))[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import struct
import zlib
from typing import Any, List, Sequence, Tuple

import numpy as np
import torch

from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._dtypes import dtype_name
from tftape_torch._event_file import encode_tensor
from tftape_torch._printing import numpy_value

__all__ = [
    "DT_DOUBLE",
    "DT_STRING",
    "encode_png",
    "histogram_buckets",
    "is_string_data",
    "string_payload",
    "string_tensor_proto",
    "tensor_proto",
]

DT_DOUBLE = 2
DT_STRING = 7
DT_BFLOAT16 = 14

#: torch dtype -> TF's `DataType` enum value.
_DATA_TYPES = {
    torch.float32: 1,
    torch.float64: 2,
    torch.int32: 3,
    torch.uint8: 4,
    torch.int16: 5,
    torch.int8: 6,
    torch.complex64: 8,
    torch.int64: 9,
    torch.bool: 10,
    torch.bfloat16: DT_BFLOAT16,
    torch.uint16: 17,
    torch.complex128: 18,
    torch.float16: 19,
    torch.uint32: 22,
    torch.uint64: 23,
}


def tensor_proto(value: torch.Tensor) -> bytes:
    """`value` (read to the host) as the `TensorProto` TF's summary writer makes of
    a numeric tensor: its raw little-endian bytes in `tensor_content`."""
    dtype = value.dtype
    if dtype not in _DATA_TYPES:
        raise TypeError(f"tf.summary cannot write a tensor of dtype {dtype_name(dtype)}")
    array = np.asarray(numpy_value(value))
    if dtype == torch.bfloat16:  # read as float32: keep the upper 16 bits
        bits = (np.ascontiguousarray(array, np.float32).view(np.uint32) >> 16)
        content = bits.astype("<u2").tobytes()
    else:
        content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    return encode_tensor(_DATA_TYPES[dtype], list(value.shape), content)


def is_string_data(data: Any) -> bool:
    """Whether `data` is text: a str or bytes, an array of them, or nested lists
    whose first leaf is one."""
    if isinstance(data, (str, bytes)):
        return True
    if isinstance(data, np.ndarray):
        return data.dtype.kind in "USO"
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, (str, bytes, np.str_, np.bytes_))


def _got(data: Any) -> str:
    """TF's name of the dtype `data` converts to (for the error message)."""
    try:
        return "tf." + dtype_name(convert_to_tensor(data).dtype)
    except (TypeError, ValueError):
        return type(data).__name__


def string_payload(data: Any) -> Tuple[List[int], List[bytes]]:
    """(shape, elements as UTF-8 bytes) of text data.

    Raises:
      TypeError: if `data` is not text, as TF's `assert_type(data, tf.string)`.
    """
    if not is_string_data(data):
        raise TypeError(f"tensor must be of type tf.string; got {_got(data)}")
    array = np.asarray(data, dtype=object)
    items = []
    for item in array.reshape(-1):
        if isinstance(item, (str, np.str_)):
            items.append(str(item).encode("utf-8"))
        elif isinstance(item, (bytes, np.bytes_)):
            items.append(bytes(item))
        else:
            raise TypeError(f"tensor must be of type tf.string; got {type(item).__name__}")
    return list(array.shape), items


def string_tensor_proto(shape: Sequence[int], items: Sequence[bytes]) -> bytes:
    """A `DT_STRING` `TensorProto` (its elements in `string_val`)."""
    return encode_tensor(DT_STRING, shape, string_val=items)


_INT_MIN = -(2 ** 31)


def histogram_buckets(data: np.ndarray, bucket_count: int) -> np.ndarray:
    """TensorBoard's histogram buckets of `data`: a `[k, 3]` float64 array of
    `[left_edge, right_edge, count]` rows (`k = max(bucket_count, 0)`), computed
    with the same float64 operations as TF's graph (`tf.linspace` edges)."""
    k = max(0, int(bucket_count))
    values = np.asarray(data, dtype=np.float64).reshape(-1)
    if values.size == 0 or k == 0:
        return np.zeros((k, 3), np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        low = np.min(values)
        high = np.max(values)
        span = high - low
        if span == 0:
            edges = np.full([k], high)
            counts = np.zeros([k])
            counts[-1] = values.size
            return np.stack([edges, edges, counts], axis=1)
        width = span / np.float64(k)
        position = np.floor((values - low) / width)
        # TF casts to int32 as x86 does: NaN, infinities and overflow become INT_MIN.
        fits = np.abs(position) < 2.0 ** 31
        index = np.where(fits, position, _INT_MIN).astype(np.int64)
        index = np.minimum(index, k - 1)
        counts = np.bincount(index[index >= 0], minlength=k).astype(np.float64)
        inner = low + width * np.arange(1, k, dtype=np.float64)
        edges = np.concatenate([[low], inner, [high]])
    return np.stack([edges[:-1], edges[1:], counts], axis=1)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


#: channels -> PNG color type (gray, gray + alpha, RGB, RGBA).
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}


def encode_png(pixels: np.ndarray) -> bytes:
    """A PNG of a `[height, width, channels]` uint8 image (1 to 4 channels)."""
    height, width, channels = pixels.shape
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    rows = np.ascontiguousarray(pixels, np.uint8).reshape(height, width * channels)
    raw = np.concatenate([np.zeros([height, 1], np.uint8), rows], axis=1).tobytes()
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b""))
