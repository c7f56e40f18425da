"""`tf.image`'s geometric ops: resizing, cropping, padding, flipping and rotating.

Images are channels last, `[height, width, channels]` or `[batch, height, width,
channels]`. Every resize method but `nearest` is separable: TF's per-axis weights
(computed in float32 the way TF's kernels compute them) form one matrix per axis,
applied with `einsum`, so the tape differentiates it the way TF's gradient ops do.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(4.0), [2, 2, 1])
>>> print(tf.image.resize(x, [1, 1])[..., 0])
tf.Tensor([[1.5]], shape=(1, 1), dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Tuple

import numpy as np
import torch

from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._op_call import as_tensor, call
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch.errors import OutOfRangeError, UnimplementedError

__all__ = [
    "ResizeMethod",
    "central_crop",
    "crop_and_resize",
    "crop_to_bounding_box",
    "extract_patches",
    "flip_left_right",
    "flip_up_down",
    "pad_to_bounding_box",
    "resize",
    "resize_with_crop_or_pad",
    "resize_with_pad",
    "rot90",
    "transpose",
]

_F32 = np.float32
_TABLE = 1024
_TINY = 1000.0 * float(np.finfo(np.float32).tiny)


# ---------------------------------------------------------------------------
# Per-axis weights


def _keys(x: np.ndarray, a: float = -0.5) -> np.ndarray:
    x = np.abs(x).astype(_F32)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return np.where(x <= 1, near, np.where(x < 2, far, 0)).astype(_F32)


def _bilinear(n_in: int, n_out: int) -> np.ndarray:
    scale = _F32(n_in) / _F32(n_out)
    where = (np.arange(n_out, dtype=_F32) + _F32(0.5)) * scale - _F32(0.5)
    low_f = np.floor(where)
    lerp = (where - low_f).astype(_F32)
    low = np.maximum(low_f.astype(np.int64), 0)
    high = np.minimum(np.ceil(where).astype(np.int64), n_in - 1)
    w = np.zeros((n_out, n_in), _F32)
    rows = np.arange(n_out)
    np.add.at(w, (rows, low), 1 - lerp)
    np.add.at(w, (rows, high), lerp)
    return w


def _bicubic(n_in: int, n_out: int) -> np.ndarray:
    scale = _F32(n_in) / _F32(n_out)
    where = (np.arange(n_out, dtype=_F32) + _F32(0.5)) * scale - _F32(0.5)
    base = np.floor(where)
    delta = (where - base).astype(_F32)
    quantized = np.rint(delta * _TABLE).astype(_F32) / _F32(_TABLE)
    w = np.zeros((n_out, n_in), _F32)
    for tap in range(-1, 3):
        idx = base.astype(np.int64) + tap
        weight = _keys(quantized - tap)
        inside = (idx >= 0) & (idx < n_in)
        rows = np.nonzero(inside)[0]
        np.add.at(w, (rows, idx[inside]), weight[inside])
    total = w.sum(axis=1, keepdims=True)
    return np.where(np.abs(total) >= _TINY, w / np.where(total == 0, 1, total), w)


def _area(n_in: int, n_out: int) -> np.ndarray:
    scale = _F32(n_in) / _F32(n_out)
    w = np.zeros((n_out, n_in), _F32)
    for y in range(n_out):
        lo = _F32(y) * scale
        hi = _F32(y + 1) * scale
        for i in range(int(math.floor(lo)), int(math.ceil(hi))):
            if i < lo:
                part = scale if i + 1 > hi else _F32(i + 1) - lo
            else:
                part = hi - _F32(i) if i + 1 > hi else _F32(1.0)
            w[y, min(i, n_in - 1)] += part
    return (w / scale).astype(_F32)


def _lanczos(radius: float) -> Callable[[np.ndarray], np.ndarray]:
    def kernel(x: np.ndarray) -> np.ndarray:
        x = np.abs(x).astype(np.float64)
        px = x * math.pi
        with np.errstate(divide="ignore", invalid="ignore"):
            far = radius * np.sin(px) * np.sin(px / radius) / (px * px)
        near = 1 - px * px * (1 + 1 / (radius * radius)) / 6
        return np.where(x > radius, 0.0, np.where(px < 1e-3, near, far))
    return kernel


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - np.abs(x))


def _gaussian(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    return np.where(x >= 1.5, 0.0, np.exp(-x * x / 0.5))


def _mitchell(x: np.ndarray) -> np.ndarray:
    x = np.abs(x)
    far = (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    near = (7.0 / 6.0 * x - 2.0) * x * x + 8.0 / 9.0
    return np.where(x >= 2, 0.0, np.where(x >= 1, far, near))


_KERNELS = {
    "triangle": (_triangle, 1.0),
    "keyscubic": (_keys, 2.0),
    "lanczos3": (_lanczos(3.0), 3.0),
    "lanczos5": (_lanczos(5.0), 5.0),
    "gaussian": (_gaussian, 1.5),
    "mitchellcubic": (_mitchell, 2.0),
}


def _scale_translate(kind: str, antialias: bool) -> Callable[[int, int], np.ndarray]:
    kernel, radius = _KERNELS[kind]

    def weights(n_in: int, n_out: int) -> np.ndarray:
        inv_scale = _F32(1.0) / (_F32(n_out) / _F32(n_in))
        kernel_scale = max(float(inv_scale), 1.0) if antialias else 1.0
        w = np.zeros((n_out, n_in), _F32)
        for x in range(n_out):
            sample = float((_F32(x) + _F32(0.5)) * inv_scale)
            if sample < 0 or sample > n_in:
                continue
            start = min(max(math.ceil(sample - radius * kernel_scale - 0.5), 0), n_in - 1)
            end = min(max(math.floor(sample + radius * kernel_scale - 0.5), 0), n_in - 1) + 1
            src = np.arange(start, end)
            row = np.asarray(kernel((src + 0.5 - sample) / kernel_scale), _F32)
            total = float(row.sum())
            if abs(total) >= _TINY:
                row = row * _F32(1.0 / total)
            w[x, start:end] = row
        return w
    return weights


def _separable(x: torch.Tensor, wy: np.ndarray, wx: np.ndarray) -> torch.Tensor:
    my = torch.as_tensor(wy, device=x.device)
    mx = torch.as_tensor(wx, device=x.device)
    return torch.einsum("oh,pw,nhwc->nopc", my, mx, x)


def _nearest_index(n_in: int, n_out: int) -> torch.Tensor:
    scale = _F32(n_in) / _F32(n_out)
    where = np.floor((np.arange(n_out, dtype=_F32) + _F32(0.5)) * scale)
    return torch.as_tensor(np.clip(where, 0, n_in - 1).astype(np.int64))


def _nearest(x: torch.Tensor, h: int, w: int) -> torch.Tensor:
    rows = _nearest_index(x.shape[1], h).to(x.device)
    cols = _nearest_index(x.shape[2], w).to(x.device)
    return x.index_select(1, rows).index_select(2, cols)


_METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
            "mitchellcubic")
_OPS = {"bilinear": "ResizeBilinear", "nearest": "ResizeNearestNeighbor",
        "bicubic": "ResizeBicubic", "area": "ResizeArea"}


class ResizeMethod:
    """The names of `tf.image.resize`'s methods.

    >>> import tftape_torch as tf
    >>> tf.image.ResizeMethod.BICUBIC
    'bicubic'
    """

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _size_arg(size: Any) -> List[int]:
    try:
        t = as_tensor(size)
    except (TypeError, ValueError) as e:
        raise ValueError("'size' must be a 1-D int32 Tensor") from e
    if t.dtype.is_floating_point or t.dtype.is_complex or t.dtype == torch.bool:
        raise ValueError("'size' must be a 1-D int32 Tensor")
    if t.dim() != 1 or t.shape[0] != 2:
        raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
    return [int(v) for v in t.tolist()]


def resize(images: Any, size: Any, method: str = "bilinear",
           preserve_aspect_ratio: bool = False, antialias: bool = False,
           name: Optional[str] = None) -> torch.Tensor:
    """Resizes `images` to `size` (`[new_height, new_width]`) using `method`.

    Pixel centers sit at half-integers (TF2's `half_pixel_centers`). Every method but
    `'nearest'` returns float32, whatever the input dtype; `'nearest'` keeps it.
    `antialias` widens the filter when downsampling (not for `'nearest'` or `'area'`).
    With `preserve_aspect_ratio`, the image is scaled to fit inside `size`.

    >>> import tftape_torch as tf
    >>> x = tf.constant([[[1.0], [3.0]]])
    >>> print(tf.image.resize(x, [1, 4])[0, :, 0])
    tf.Tensor([1.  1.5 2.5 3. ], shape=(4,), dtype=float32)

    Raises:
      ValueError: for images not 3-D or 4-D, a `size` that is not 2 integers, or an
        unknown method.
      InvalidArgumentError: for a non-positive size or an empty image.
    """
    x = as_tensor(images)
    if x.dim() not in (3, 4):
        raise ValueError("'images' must have either 3 or 4 dimensions.")
    new = _size_arg(size)
    for d in new:
        if d < -1:  # TF's static shape check (-1 reads as an unknown size there)
            raise ValueError(f"Dimension {d} must be >= 0")
    method = str(method)
    batched = x.dim() == 4
    if not batched:
        x = x.unsqueeze(0)
    h, w = int(x.shape[1]), int(x.shape[2])
    if preserve_aspect_ratio:
        factor = min(_F32(new[0]) / _F32(h), _F32(new[1]) / _F32(w))
        new = [int(np.rint(factor * _F32(h))), int(np.rint(factor * _F32(w)))]
    if method not in _METHODS:
        raise ValueError(f"Resize method is not implemented: {method}")
    scaled = method not in _OPS or (antialias and method in ("bilinear", "bicubic"))
    op = "ScaleAndTranslate" if scaled else _OPS[method]
    if new[0] <= 0 or new[1] <= 0:
        raise _error("output dimensions must be positive", op)
    if h == 0 or w == 0:
        raise _error("input image must be of non-zero size", op)
    if x.shape[3] == 0:
        raise _error("image must have at least one channel", op)
    if method == "nearest":
        out = call(op, _nearest, (x,), x, new[0], new[1])
    else:
        if scaled:
            kind = {"bilinear": "triangle", "bicubic": "keyscubic"}.get(method, method)
            weights = _scale_translate(kind, antialias)
        else:
            weights = {"bilinear": _bilinear, "bicubic": _bicubic, "area": _area}[method]
        wy, wx = weights(h, new[0]), weights(w, new[1])
        def run(t: torch.Tensor) -> torch.Tensor:
            return _separable(t.to(torch.float32), wy, wx)
        fn = unregistered_gradient(op, run) if method == "area" and not scaled else run
        out = call(op, fn, (x,), x)
    return out if batched else out.squeeze(0)


# ---------------------------------------------------------------------------
# Flips, rotations, transposes


def _image_3d_or_4d(image: Any, op: str) -> torch.Tensor:
    x = as_tensor(image)
    if x.dim() < 3:
        raise ValueError(f"'image' (shape {_shape(x)}) must be at least three-dimensional.")
    if any(d == 0 for d in x.shape[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {_shape(x)}")
    if x.dim() > 4:
        raise ValueError(f"'image' (shape {_shape(x)})must have either 3 or 4 dimensions.")
    return x


def _shape(x: torch.Tensor) -> str:
    return "(" + ", ".join(str(d) for d in x.shape) + ("," if x.dim() == 1 else "") + ")"


def flip_left_right(image: Any) -> torch.Tensor:
    """Flips an image (or each image of a batch) horizontally: reverses the width axis.

    >>> import tftape_torch as tf
    >>> print(tf.image.flip_left_right(tf.constant([[[1], [2], [3]]]))[0, :, 0])
    tf.Tensor([3 2 1], shape=(3,), dtype=int32)

    Raises:
      ValueError: for an image not 3-D or 4-D, or with an empty inner dimension.
    """
    x = _image_3d_or_4d(image, "ReverseV2")
    return call("ReverseV2", torch.flip, (x,), x, [x.dim() - 2])


def flip_up_down(image: Any) -> torch.Tensor:
    """Flips an image (or each image of a batch) vertically: reverses the height axis.

    >>> import tftape_torch as tf
    >>> print(tf.image.flip_up_down(tf.constant([[[1]], [[2]]]))[:, 0, 0])
    tf.Tensor([2 1], shape=(2,), dtype=int32)

    Raises:
      ValueError: for an image not 3-D or 4-D, or with an empty inner dimension.
    """
    x = _image_3d_or_4d(image, "ReverseV2")
    return call("ReverseV2", torch.flip, (x,), x, [x.dim() - 3])


def rot90(image: Any, k: Any = 1, name: Optional[str] = None) -> torch.Tensor:
    """Rotates an image (or each image of a batch) counter-clockwise by `k` quarter turns.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(4), [2, 2, 1])
    >>> print(tf.image.rot90(x)[..., 0])
    tf.Tensor(
    [[1 3]
     [0 2]], shape=(2, 2), dtype=int32)

    Raises:
      ValueError: for an image not 3-D or 4-D, or with an empty inner dimension, and for
        a `k` that is a tensor of another dtype than int32 or not a scalar.
      TypeError: for a `k` that is a Python float (TF converts `k` to int32).
    """
    x = _image_3d_or_4d(image, "Rot90")
    try:
        turns_t = convert_to_tensor(k, torch.int32)
    except ValueError as error:  # TF's conversion error names the argument
        raise ValueError(f"k: {error}") from None
    if turns_t.dim() != 0:
        raise ValueError(f"Shape {tuple(turns_t.shape)} must have rank 0")
    turns = int(turns_t.item()) % 4
    dims = (x.dim() - 3, x.dim() - 2)
    return call("Rot90", lambda t: torch.rot90(t, turns, dims).contiguous(), (x,), x)


def transpose(image: Any, name: Optional[str] = None) -> torch.Tensor:
    """Swaps the height and width of an image (or of each image of a batch).

    >>> import tftape_torch as tf
    >>> print(tf.image.transpose(tf.zeros([2, 3, 1])).shape)
    (3, 2, 1)

    Raises:
      ValueError: for an image not 3-D or 4-D, or with an empty inner dimension.
    """
    x = _image_3d_or_4d(image, "Transpose")
    d = x.dim()
    return call("Transpose", lambda t: t.transpose(d - 3, d - 2).contiguous(), (x,), x)


# ---------------------------------------------------------------------------
# Crops and pads


def central_crop(image: Any, central_fraction: float) -> torch.Tensor:
    """Keeps the central `central_fraction` of an image's height and width.

    >>> import tftape_torch as tf
    >>> print(tf.image.central_crop(tf.zeros([10, 8, 3]), 0.5).shape)
    (6, 4, 3)

    Raises:
      ValueError: for a fraction outside `(0, 1]`, or an image not 3-D or 4-D.
    """
    x = as_tensor(image)
    fraction = float(as_tensor(central_fraction).item()) if isinstance(
        central_fraction, torch.Tensor) else float(central_fraction)
    if fraction <= 0.0 or fraction > 1.0:
        raise ValueError("central_fraction must be within (0, 1]")
    if fraction == 1.0:
        return x
    if x.dim() < 3:
        raise ValueError(f"'image' (shape {_shape(x)}) must be at least three-dimensional.")
    if x.dim() != 3 and x.dim() != 4:
        raise ValueError("`image` should either be a Tensor with rank = 3 or rank = 4. "
                         f"Had rank = {x.dim()}.")
    h, w = int(x.shape[-3]), int(x.shape[-2])
    top = int((float(h) - float(h) * fraction) / 2)
    left = int((float(w) - float(w) * fraction) / 2)
    return _slice(x, top, left, h - 2 * top, w - 2 * left)


def _slice(x: torch.Tensor, top: int, left: int, height: int, width: int) -> torch.Tensor:
    d = x.dim()
    return call("Slice", lambda t: t.narrow(d - 3, top, height).narrow(d - 2, left, width)
                .contiguous(), (x,), x)


def _batched(image: Any) -> Tuple[torch.Tensor, bool]:
    x = as_tensor(image)
    if x.dim() not in (3, 4):
        raise ValueError(f"'image' (shape {_shape(x)}) must have either 3 or 4 dimensions.")
    return x, x.dim() == 4


def _int(value: Any) -> int:
    return int(as_tensor(value).item()) if isinstance(value, torch.Tensor) else int(value)


def crop_to_bounding_box(image: Any, offset_height: Any, offset_width: Any,
                         target_height: Any, target_width: Any) -> torch.Tensor:
    """Crops `image` to the box whose top-left corner is `(offset_height,
    offset_width)` and whose size is `(target_height, target_width)`.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(9), [3, 3, 1])
    >>> print(tf.image.crop_to_bounding_box(x, 1, 1, 2, 2)[..., 0])
    tf.Tensor(
    [[4 5]
     [7 8]], shape=(2, 2), dtype=int32)

    Raises:
      ValueError: for an image not 3-D or 4-D, or a box outside the image.
    """
    x, _ = _batched(image)
    if x.dim() and any(d == 0 for d in x.shape[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {_shape(x)}")
    top, left = _int(offset_height), _int(offset_width)
    th, tw = _int(target_height), _int(target_width)
    h, w = int(x.shape[-3]), int(x.shape[-2])
    for ok, message in ((left >= 0, "offset_width must be >= 0."),
                        (top >= 0, "offset_height must be >= 0."),
                        (tw > 0, "target_width must be > 0."),
                        (th > 0, "target_height must be > 0."),
                        (w >= tw + left, "width must be >= target + offset."),
                        (h >= th + top, "height must be >= target + offset.")):
        if not ok:
            raise ValueError(message)
    return _slice(x, top, left, th, tw)


def pad_to_bounding_box(image: Any, offset_height: Any, offset_width: Any,
                        target_height: Any, target_width: Any) -> torch.Tensor:
    """Pads `image` with zeros to `(target_height, target_width)`, its top-left corner
    at `(offset_height, offset_width)`.

    >>> import tftape_torch as tf
    >>> print(tf.image.pad_to_bounding_box(tf.ones([1, 1, 1]), 1, 0, 2, 2)[..., 0])
    tf.Tensor(
    [[0. 0.]
     [1. 0.]], shape=(2, 2), dtype=float32)

    Raises:
      ValueError: for an image not 3-D or 4-D, negative offsets, or a target too small.
    """
    x, _ = _batched(image)
    if any(d == 0 for d in x.shape[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {_shape(x)}")
    top, left = _int(offset_height), _int(offset_width)
    th, tw = _int(target_height), _int(target_width)
    h, w = int(x.shape[-3]), int(x.shape[-2])
    bottom, right = th - top - h, tw - left - w
    for ok, message in ((top >= 0, "offset_height must be >= 0"),
                        (left >= 0, "offset_width must be >= 0"),
                        (bottom >= 0, "height must be <= target - offset"),
                        (right >= 0, "width must be <= target - offset")):
        if not ok:
            raise ValueError(message)
    pads = (0, 0, left, right, top, bottom)
    return call("Pad", lambda t: torch.nn.functional.pad(t, pads), (x,), x)


def _checked_target(image: Any, target_height: Any, target_width: Any
                    ) -> Tuple[torch.Tensor, int, int]:
    """The image as a batch, and the target size, with TF's checks of both."""
    x, _ = _batched(image)
    if any(d == 0 for d in x.shape[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: {_shape(x)}")
    th, tw = _int(target_height), _int(target_width)
    if tw <= 0:
        raise ValueError("target_width must be > 0.")
    if th <= 0:
        raise ValueError("target_height must be > 0.")
    return x, th, tw


def resize_with_crop_or_pad(image: Any, target_height: Any, target_width: Any
                            ) -> torch.Tensor:
    """Crops (centrally) or pads (evenly, with zeros) an image to `(target_height,
    target_width)`.

    >>> import tftape_torch as tf
    >>> print(tf.image.resize_with_crop_or_pad(tf.ones([4, 1, 1]), 2, 3)[..., 0])
    tf.Tensor(
    [[0. 1. 0.]
     [0. 1. 0.]], shape=(2, 3), dtype=float32)

    Raises:
      ValueError: for an image not 3-D or 4-D, or a non-positive target.
    """
    x, th, tw = _checked_target(image, target_height, target_width)
    h, w = int(x.shape[-3]), int(x.shape[-2])
    crop_top, crop_left = max((h - th) // 2, 0), max((w - tw) // 2, 0)
    pad_top, pad_left = max((th - h) // 2, 0), max((tw - w) // 2, 0)
    cropped = crop_to_bounding_box(x, crop_top, crop_left, min(th, h), min(tw, w))
    return pad_to_bounding_box(cropped, pad_top, pad_left, th, tw)


def resize_with_pad(image: Any, target_height: Any, target_width: Any,
                    method: str = "bilinear", antialias: bool = False) -> torch.Tensor:
    """Resizes an image to fit inside `(target_height, target_width)` keeping its
    aspect ratio, then pads it evenly with zeros to exactly that size.

    >>> import tftape_torch as tf
    >>> print(tf.image.resize_with_pad(tf.ones([2, 4, 1]), 4, 4)[..., 0])
    tf.Tensor(
    [[0. 0. 0. 0.]
     [1. 1. 1. 1.]
     [1. 1. 1. 1.]
     [0. 0. 0. 0.]], shape=(4, 4), dtype=float32)

    Raises:
      ValueError: for an image not 3-D or 4-D, or a non-positive target.
    """
    x, th, tw = _checked_target(image, target_height, target_width)
    h, w = _F32(x.shape[-3]), _F32(x.shape[-2])
    ratio = max(w / _F32(tw), h / _F32(th))
    new_h, new_w = h / ratio, w / ratio
    top = max(0, int(np.floor((_F32(th) - new_h) / _F32(2))))
    left = max(0, int(np.floor((_F32(tw) - new_w) / _F32(2))))
    resized = resize(x, [int(np.floor(new_h)), int(np.floor(new_w))], method,
                     antialias=antialias)
    return pad_to_bounding_box(resized, top, left, th, tw)


def _crop_points(lo: torch.Tensor, hi: torch.Tensor, size: int, count: int) -> torch.Tensor:
    """Where each of `count` samples between box edges `lo` and `hi` (`[boxes]`)
    falls on an axis of `size` pixels, as TF's `CropAndResize` computes it."""
    if count > 1:
        step = (hi - lo) * (size - 1) / (count - 1)
        grid = torch.arange(count, dtype=torch.float32, device=lo.device)
        return lo[:, None] * (size - 1) + grid[None, :] * step[:, None]
    return (0.5 * (lo + hi) * (size - 1))[:, None]


def _crop_and_resize(x: torch.Tensor, boxes: torch.Tensor, index: torch.Tensor,
                     size: Tuple[int, int], nearest: bool, fill: float) -> torch.Tensor:
    x = x.to(torch.float32)
    height, width = int(x.shape[1]), int(x.shape[2])
    ys = _crop_points(boxes[:, 0], boxes[:, 2], height, size[0])
    xs = _crop_points(boxes[:, 1], boxes[:, 3], width, size[1])
    inside = (((ys >= 0) & (ys <= height - 1))[:, :, None]
              & ((xs >= 0) & (xs <= width - 1))[:, None, :])[..., None]
    n = index.long()[:, None, None]
    if nearest:
        row = torch.floor(ys.detach() + 0.5).clamp(0, height - 1).long()[:, :, None]
        col = torch.floor(xs.detach() + 0.5).clamp(0, width - 1).long()[:, None, :]
        picked = x[n, row, col]
        # TF's gradient with respect to the boxes is the bilinear one, whatever the method.
        smooth = _crop_and_resize(x.detach(), boxes, index, size, False, fill)
        filled = torch.where(inside, picked, torch.full((), fill, device=x.device))
        return filled + (smooth - smooth.detach())
    top_f, left_f = torch.floor(ys), torch.floor(xs)
    dy = (ys - top_f)[:, :, None, None]
    dx = (xs - left_f)[:, None, :, None]
    top = top_f.detach().clamp(0, height - 1).long()[:, :, None]
    bottom = torch.ceil(ys.detach()).clamp(0, height - 1).long()[:, :, None]
    left = left_f.detach().clamp(0, width - 1).long()[:, None, :]
    right = torch.ceil(xs.detach()).clamp(0, width - 1).long()[:, None, :]
    upper = x[n, top, left] + (x[n, top, right] - x[n, top, left]) * dx
    lower = x[n, bottom, left] + (x[n, bottom, right] - x[n, bottom, left]) * dx
    out = upper + (lower - upper) * dy
    return torch.where(inside, out, torch.full((), fill, device=x.device))


def crop_and_resize(image: Any, boxes: Any, box_indices: Any, crop_size: Any,
                    method: str = "bilinear", extrapolation_value: float = 0.0,
                    name: Optional[str] = None) -> torch.Tensor:
    """Crops boxes out of a batch of images and resizes each crop to `crop_size`.

    `boxes` is `[num_boxes, 4]` float32, each row `[y1, x1, y2, x2]` in coordinates
    normalized to `[0, 1]` (`y2 < y1` flips the crop); `box_indices` (int32) picks the
    image of each box. Samples outside the image take `extrapolation_value`. The
    result is float32 `[num_boxes, crop_height, crop_width, depth]`.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(9.0), [1, 3, 3, 1])
    >>> print(tf.image.crop_and_resize(x, [[0.0, 0.0, 0.5, 0.5]], [0], [2, 2])[0, ..., 0])
    tf.Tensor(
    [[0. 1.]
     [3. 4.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for an image not 4-D, boxes not `[n, 4]`, mismatched box
        indices, a crop size not 2 positive integers, or an unknown method.
      OutOfRangeError: for a box index outside the batch.
    """
    op = "CropAndResize"
    x = as_tensor(image)
    b = as_tensor(boxes, torch.float32)
    idx = as_tensor(box_indices, torch.int32)
    if b.dtype != torch.float32 or idx.dtype != torch.int32:
        raise ValueError("crop_and_resize needs float32 boxes and int32 box_indices, "
                         f"got {b.dtype} and {idx.dtype}")
    size = [int(v) for v in as_tensor(crop_size, torch.int32).reshape(-1).tolist()]
    if method not in ("bilinear", "nearest"):
        raise _error(f"Value for attr 'method' of \"{method}\" is not in the list of allowed "
                     "values: \"bilinear\", \"nearest\"", op)
    if x.dim() != 4:
        raise _error(f"input image must be 4-D{list(x.shape)}", op)
    if b.dim() != 2 or b.shape[1] != 4:
        raise _error("boxes must have 4 columns", op)
    if idx.dim() != 1 or idx.shape[0] != b.shape[0]:
        raise _error("box_index has incompatible shape", op)
    if len(size) != 2:
        raise _error(f"crop_size must have two elements[{len(size)}]", op)
    if size[0] <= 0 or size[1] <= 0:
        raise _error("crop dimensions must be positive", op)
    if idx.numel() and (int(idx.min()) < 0 or int(idx.max()) >= x.shape[0]):
        raise OutOfRangeError(
            None, None, f"box_index has values outside [0, batch_size) [Op:{op}]")
    return call(op, _crop_and_resize, (x, b, idx), x, b, idx, (size[0], size[1]),
                method == "nearest", float(extrapolation_value))


def _window(size: int, k: int, stride: int, rate: int, same: bool) -> Tuple[int, int]:
    """The number of windows along an axis and the padding before the first."""
    reach = (k - 1) * rate + 1
    if same:
        count = -(-size // stride)
        return count, max((count - 1) * stride + reach - size, 0) // 2
    span = size - reach + stride
    count = abs(span) // stride * (1 if span >= 0 else -1)  # C++'s truncating division
    if count < 0:
        raise _error(f"Computed output size would be negative: {count} [input_size: {size}, "
                     f"effective_filter_size: {reach}, stride: {stride}]", "ExtractImagePatches")
    return count, 0


def _extract_patches(x: torch.Tensor, k: Tuple[int, int], stride: Tuple[int, int],
                     rate: Tuple[int, int], same: bool) -> torch.Tensor:
    n, h, w, c = x.shape
    oh, top = _window(h, k[0], stride[0], rate[0], same)
    ow, left = _window(w, k[1], stride[1], rate[1], same)
    rows = (torch.arange(oh)[:, None] * stride[0] + torch.arange(k[0])[None, :] * rate[0]
            - top).to(x.device)
    cols = (torch.arange(ow)[:, None] * stride[1] + torch.arange(k[1])[None, :] * rate[1]
            - left).to(x.device)
    row_ok = (rows >= 0) & (rows < h)
    col_ok = (cols >= 0) & (cols < w)
    picked = x[:, rows.clamp(0, max(h - 1, 0))][:, :, :, cols.clamp(0, max(w - 1, 0))]
    ok = (row_ok[:, :, None, None] & col_ok[None, None, :, :])[None, ..., None]
    picked = torch.where(ok, picked, torch.zeros((), dtype=x.dtype, device=x.device))
    return picked.permute(0, 1, 3, 2, 4, 5).reshape(n, oh, ow, k[0] * k[1] * c)


def extract_patches(images: Any, sizes: Any, strides: Any, rates: Any, padding: str,
                    name: Optional[str] = None) -> torch.Tensor:
    """Gathers `sizes[1] x sizes[2]` patches of a batch of images into the depth.

    `sizes`, `strides` and `rates` are `[1, rows, cols, 1]`; `rates` spaces a
    patch's pixels apart (dilation). `padding` is `'VALID'` or `'SAME'` (zeros). The
    result is `[batch, out_rows, out_cols, rows * cols * depth]`, each patch's pixels
    in row-major order with their channels innermost.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(9), [1, 3, 3, 1])
    >>> print(tf.image.extract_patches(x, [1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1],
    ...                                "VALID")[0, 0])
    tf.Tensor(
    [[0 1 3 4]
     [1 2 4 5]], shape=(2, 4), dtype=int32)

    Raises:
      InvalidArgumentError: for images not 4-D, a `padding` other than `'VALID'` or
        `'SAME'`, or `sizes`, `strides` or `rates` not of length 4.
      UnimplementedError: for sizes, strides or rates across the batch or channels.
      OutOfRangeError: for sizes, strides or rates below 1.
    """
    op = "ExtractImagePatches"
    x = as_tensor(images)
    lists = [[int(v) for v in as_tensor(a).reshape(-1).tolist()]
             for a in (sizes, strides, rates)]
    if padding not in ("VALID", "SAME") or any(len(a) != 4 for a in lists):
        raise _error("NodeDef mentions attrs of wrong length or value: ksizes, strides, "
                     f"rates {lists}, padding={padding!r}", op)
    if x.dim() != 4:
        raise _error(f"input must be 4-dimensional{list(x.shape)}", op)
    for values, what in zip(lists, ("ksizes", "strides", "rates")):
        if values[0] != 1 or values[3] != 1:
            raise UnimplementedError(
                None, None, f"Only support {what} across space. [Op:{op}]")
    for values, what in zip(lists, ("ksizes", "strides", "rates")):
        if values[1] < 1 or values[2] < 1:
            raise OutOfRangeError(None, None, f"{what} is out of range. [Op:{op}]")
    k, s, r = ((a[1], a[2]) for a in lists)
    for axis in (0, 1):
        _window(int(x.shape[1 + axis]), k[axis], s[axis], r[axis], padding == "SAME")
    return call(op, _extract_patches, (x,), x, k, s, r, padding == "SAME")
