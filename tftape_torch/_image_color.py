"""`tf.image`'s pixel-value ops: dtype conversion, color spaces and adjustments,
standardization and image gradients (the quality metrics are `_image_quality`'s).

Each op follows TF 2.21's Python composite (or, for TF's C++ kernels `RGBToHSV`,
`HSVToRGB`, `AdjustContrastv2`, `AdjustSaturation` and `AdjustHue`, the kernel's
formula), so values, dtypes and gradients are TF's: integer images convert to float32
and back with `convert_image_dtype`'s scaling, `rgb_to_hsv` has TF's registered
gradient, `hsv_to_rgb` none, and the adjust kernels no registered gradient at all.

>>> import tftape_torch as tf
>>> image = tf.constant([[[0, 128, 255]]], tf.uint8)
>>> print(tf.image.convert_image_dtype(image, tf.float32))
tf.Tensor([[[0.         0.5019608  1.        ]]], shape=(1, 1, 3), dtype=float32)
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from tftape_torch._array_ops import (
    cast,
    concat,
    constant,
    convert_to_tensor,
    expand_dims,
    identity,
    reshape,
    zeros,
)
from tftape_torch._clip_ops import saturate_cast
from tftape_torch._conv_ops import depthwise_conv2d
from tftape_torch._dtypes import FLOATING, INTEGER, as_dtype, kernel_name
from tftape_torch._elementwise_ops import floordiv, maximum, rsqrt
from tftape_torch._math_ops import (
    abs,
    add,
    divide,
    multiply,
    reduce_mean,
    reduce_std,
    reduce_sum,
    subtract,
)
from tftape_torch._op_call import as_tensor, call
from tftape_torch._recorded_ops import unregistered_gradient, without_gradient
from tftape_torch._shape_ops import pad, tile
from tftape_torch.errors import FailedPreconditionError, InvalidArgumentError, NotFoundError

__all__ = [
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_hue",
    "adjust_saturation",
    "convert_image_dtype",
    "grayscale_to_rgb",
    "hsv_to_rgb",
    "image_gradients",
    "per_image_standardization",
    "rgb_to_grayscale",
    "rgb_to_hsv",
    "rgb_to_yiq",
    "rgb_to_yuv",
    "sobel_edges",
    "total_variation",
    "yiq_to_rgb",
    "yuv_to_rgb",
]

_HALF_OR_FLOAT = (torch.float16, torch.float32)


def _int_max(dtype: torch.dtype) -> int:
    return int(torch.iinfo(dtype).max)


def _shape_text(shape: Any) -> str:
    dims = list(shape)
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(d) for d in dims) + ")"


def _graph_tensor(value: Any) -> torch.Tensor:
    """TF's ops that read `value.get_shape()` first: a non-tensor raises AttributeError."""
    if not isinstance(value, torch.Tensor):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute 'get_shape'")
    return as_tensor(value)


# ---------------------------------------------------------------------------
# dtype conversion


def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False,
                        name: Optional[str] = None) -> torch.Tensor:
    """Converts `image` to `dtype`, scaling its values: floats are in `[0, 1)`,
    integers in `[0, dtype.max]`; integer to integer rescales by a power-of-two factor,
    float to integer multiplies by `max + 0.5` and truncates (`saturate=True` clips
    first).

    >>> import tftape_torch as tf
    >>> print(tf.image.convert_image_dtype(tf.constant([0.5, 1.0]), tf.uint8))
    tf.Tensor([127 255], shape=(2,), dtype=uint8)

    Raises:
      AttributeError: if `dtype` or `image`'s dtype is neither floating nor integer.
    """
    image = convert_to_tensor(image)
    target = as_dtype(dtype)
    if target not in FLOATING and target not in INTEGER:
        raise AttributeError("dtype must be either floating point or integer")
    source = image.dtype
    if source not in FLOATING and source not in INTEGER:
        raise AttributeError("image dtype must be either floating point or integer")
    if target == source:
        return identity(image)
    if source in INTEGER and target in INTEGER:
        scale_in, scale_out = _int_max(source), _int_max(target)
        if scale_in > scale_out:
            scaled = floordiv(image, (scale_in + 1) // (scale_out + 1))
            return saturate_cast(scaled, target) if saturate else cast(scaled, target)
        converted = saturate_cast(image, target) if saturate else cast(image, target)
        return multiply(converted, (scale_out + 1) // (scale_in + 1))
    if source in FLOATING and target in FLOATING:
        return cast(image, target)
    if source in INTEGER:
        return multiply(cast(image, target), 1.0 / _int_max(source))
    scaled = multiply(image, _int_max(target) + 0.5)
    return saturate_cast(scaled, target) if saturate else cast(scaled, target)


def _to_float(image: torch.Tensor) -> torch.Tensor:
    """`image` as float16/float32 as it is, any other dtype converted to float32."""
    if image.dtype in _HALF_OR_FLOAT:
        return image
    return convert_image_dtype(image, torch.float32)


# ---------------------------------------------------------------------------
# Grayscale, standardization, brightness, contrast, gamma


def rgb_to_grayscale(images: Any, name: Optional[str] = None) -> torch.Tensor:
    """Converts RGB images (last dimension 3) to grayscale (last dimension 1), with
    weights 0.2989, 0.587 and 0.114, computed in float32 and converted back.

    >>> import tftape_torch as tf
    >>> print(tf.image.rgb_to_grayscale(tf.constant([[[1.0, 2.0, 3.0]]])))
    tf.Tensor([[[1.8149]]], shape=(1, 1, 1), dtype=float32)
    """
    images = convert_to_tensor(images)
    flt = convert_image_dtype(images, torch.float32)
    weights = constant([0.2989, 0.587, 0.114], torch.float32)
    if flt.shape[-1] != 3:
        raise InvalidArgumentError(
            None, None,
            f"Matrix size-incompatible: In[0]: [{int(np.prod(flt.shape[:-1]))},"
            f"{flt.shape[-1]}], In[1]: [3,1]")
    gray = call("MatMul", lambda a, w: torch.matmul(a, w), (flt, weights), flt, weights)
    return convert_image_dtype(expand_dims(gray, -1), images.dtype)


def grayscale_to_rgb(images: Any, name: Optional[str] = None) -> torch.Tensor:
    """Converts grayscale images (last dimension 1) to RGB by repeating the channel.

    >>> import tftape_torch as tf
    >>> print(tf.image.grayscale_to_rgb(tf.constant([[[0.5]]])))
    tf.Tensor([[[0.5 0.5 0.5]]], shape=(1, 1, 3), dtype=float32)

    Raises:
      ValueError: if `images` has rank below 2 or a last dimension other than 1.
    """
    images = _graph_tensor(images)
    if images.dim() < 2:
        raise ValueError(f"A grayscale image (shape {_shape_text(images.shape)}) must be "
                         "at least two-dimensional.")
    if images.shape[-1] != 1:
        raise ValueError("Last dimension of a grayscale image should be size 1.")
    return tile(images, [1] * (images.dim() - 1) + [3])


def _check_3d(image: torch.Tensor) -> None:
    if image.dim() < 3:
        raise ValueError(f"'image' (shape {_shape_text(image.shape)}) must be at least "
                         "three-dimensional.")
    if any(d == 0 for d in image.shape[-3:]):
        raise ValueError(f"inner 3 dims of 'image.shape' must be > 0: "
                         f"{_shape_text(image.shape)}")


def per_image_standardization(image: Any) -> torch.Tensor:
    """Scales each image (the last three dimensions) to mean 0 and variance 1:
    `(x - mean) / max(stddev, 1 / sqrt(num_pixels))`, in float32.

    >>> import tftape_torch as tf
    >>> print(tf.image.per_image_standardization(tf.constant([[[1.0], [3.0]]])))
    tf.Tensor(
    [[[-1.]
      [ 1.]]], shape=(1, 2, 1), dtype=float32)

    Raises:
      ValueError: if `image` has rank below 3 or an empty inner dimension.
    """
    image = convert_to_tensor(image)
    _check_3d(image)
    image = cast(image, torch.float32)
    num_pixels = int(np.prod(image.shape[-3:]))
    mean = reduce_mean(image, [-1, -2, -3], keepdims=True)
    stddev = reduce_std(image, [-1, -2, -3], keepdims=True)
    min_stddev = rsqrt(constant(float(num_pixels), torch.float32))
    return divide(subtract(image, mean), maximum(stddev, min_stddev))


def adjust_brightness(image: Any, delta: Any) -> torch.Tensor:
    """Adds `delta` to every pixel, in float (integer images convert to float32 and
    back, saturating).

    >>> import tftape_torch as tf
    >>> print(tf.image.adjust_brightness(tf.constant([[[0.25, 0.5, 0.75]]]), 0.1))
    tf.Tensor([[[0.35 0.6  0.85]]], shape=(1, 1, 3), dtype=float32)
    """
    image = convert_to_tensor(image)
    flt = _to_float(image)
    adjusted = add(flt, cast(delta, flt.dtype))
    return convert_image_dtype(adjusted, image.dtype, saturate=True)


def _contrast_kernel(x: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
    work = x.float()
    mean = work.mean(dim=(-3, -2), keepdim=True)
    return ((work - mean) * factor.float() + mean).to(x.dtype)


def adjust_contrast(images: Any, contrast_factor: Any) -> torch.Tensor:
    """Moves each channel of each image away from (or toward) its mean:
    `(x - mean) * contrast_factor + mean`, the mean over height and width.

    >>> import tftape_torch as tf
    >>> print(tf.image.adjust_contrast(tf.constant([[[1.0], [3.0]]]), 2.0))
    tf.Tensor(
    [[[0.]
      [4.]]], shape=(1, 2, 1), dtype=float32)

    Raises:
      InvalidArgumentError: if `images` has rank below 3 or `contrast_factor` is not a
        scalar.
    """
    images = convert_to_tensor(images)
    flt = _to_float(images)
    factor = convert_to_tensor(contrast_factor, torch.float32)
    _no_half_kernel(flt, "AdjustContrastv2")
    if flt.dim() < 3:
        raise InvalidArgumentError(
            None, None,
            f"input must be at least 3-D, got shape{list(flt.shape)}".replace(" ", ""))
    if factor.dim() != 0:
        raise InvalidArgumentError(
            None, None,
            f"contrast_factor must be scalar: {list(factor.shape)}".replace(", ", ","))
    adjusted = call("AdjustContrastv2",
                    unregistered_gradient("AdjustContrastv2", _contrast_kernel),
                    (flt, factor), flt, factor)
    return convert_image_dtype(adjusted, images.dtype, saturate=True)


def adjust_gamma(image: Any, gamma: Any = 1, gain: Any = 1) -> torch.Tensor:
    """Gamma correction: `gain * image ** gamma`, in float (integer images convert to
    float32 and back, saturating).

    >>> import tftape_torch as tf
    >>> print(tf.image.adjust_gamma(tf.constant([[[0.25, 1.0]]]), gamma=2.0))
    tf.Tensor([[[0.0625 1.    ]]], shape=(1, 1, 2), dtype=float32)

    Raises:
      ValueError: if `gamma` is negative.
    """
    image = convert_to_tensor(image)
    flt = _to_float(image)
    if not bool(np.all(np.asarray(gamma >= 0))):
        if isinstance(gamma, torch.Tensor):  # TF asserts on a tensor gamma
            raise InvalidArgumentError(None, None, "assertion failed: [Gamma should be a "
                                       "non-negative real number.]")
        raise ValueError("Gamma should be a non-negative real number.")
    adjusted = gain * flt ** gamma
    return convert_image_dtype(adjusted, image.dtype, saturate=True)


# ---------------------------------------------------------------------------
# HSV


def _std_max(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """C++'s `std::max(a, b)`, `(a < b) ? b : a`: a NaN `a` wins, a NaN `b` loses."""
    return torch.where(a < b, b, a)


def _std_min(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """C++'s `std::min(a, b)`, `(b < a) ? b : a`: a NaN `a` wins, a NaN `b` loses."""
    return torch.where(b < a, b, a)


def _hsv_from_rgb(x: torch.Tensor) -> torch.Tensor:
    """TF's `RGBToHSV` functor."""
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    # NOTE: TF takes V and the minimum with Eigen's channel reductions, which fold
    # `accum = std::max(value, accum)` from red to blue: a NaN channel replaces the
    # running value and the next non-NaN channel replaces it again (torch's maximum
    # would make every pixel with a NaN channel NaN).
    v = _std_max(b, _std_max(g, r))
    spread = v - _std_min(b, _std_min(g, r))
    zero = torch.zeros_like(v)
    s = torch.where(v > 0, spread / v, zero)
    norm = torch.reciprocal(spread) * (1.0 / 6.0)
    h = torch.where(r == v, norm * (g - b),
                    torch.where(g == v, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0))
    h = torch.where(spread > 0, h, zero)
    h = torch.where(h < 0, h + 1, h)
    return torch.stack([h, s, v], dim=-1)


def _reciprocal(x: torch.Tensor) -> torch.Tensor:
    safe = torch.where(x == 0, torch.ones_like(x), x)
    return torch.where(x == 0, torch.zeros_like(x), 1.0 / safe)


def _hsv_gradient(x: torch.Tensor, out: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """TF's registered gradient of `RGBToHSV` (`image_grad._RGBToHSVGrad`)."""
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    s, v = out[..., 1], out[..., 2]
    t = x.dtype
    rb, gb, bb = ((r >= b) & (r >= g)).to(t), ((g > r) & (g >= b)).to(t), ((b > r) & (b > g)).to(t)
    rs, gs, bs = ((r < b) & (r < g)).to(t), ((g <= r) & (g < b)).to(t), ((b <= r) & (b <= g)).to(t)
    rp, gp, bp = (r > 0).to(t), (g > 0).to(t), (b > 0).to(t)
    rec = _reciprocal
    ds_dr = rp * (rb * (gs * g + bs * b) * rec(r * r) + rs * -1 * rec(gb * g + bb * b))
    ds_dg = gp * (gb * (rs * r + bs * b) * rec(g * g) + gs * -1 * rec(rb * r + bb * b))
    ds_db = bp * (bb * (gs * g + rs * r) * rec(b * b) + bs * -1 * rec(gb * g + rb * r))
    sv = rec(s * s) * rec(v * v)
    dh_dr = 60 * (rp * rb * -1 * (g - b) * sv) + 60 * (gp * gb * rs * (b - g) * rec(
        (r - g) * (r - g))) + 60 * (gp * gb * bs * -1 * rec(g - b)) + 60 * (
        bp * bb * rs * (b - g) * rec((b - r) * (b - r))) + 60 * (bp * bb * gs * rec(b - g))
    dh_dg = 60 * (gp * gb * -1 * (b - r) * sv) + 60 * (rp * rb * gs * (r - b) * rec(
        (r - g) * (r - g))) + 60 * (rp * rb * bs * rec(r - b)) + 60 * (
        bp * bb * gs * (r - b) * rec((b - g) * (b - g))) + 60 * (bp * bb * rs * -1 * rec(b - r))
    dh_db = 60 * (bp * bb * -1 * (r - g) * sv) + 60 * (rp * rb * bs * (g - r) * rec(
        (r - b) * (r - b))) + 60 * (rp * rb * gs * -1 * rec(r - g)) + 60 * (
        gp * gb * bs * (g - r) * rec((g - b) * (g - b))) + 60 * (gp * gb * rs * rec(g - r))
    gh, gs_, gv = grad[..., 0], grad[..., 1], grad[..., 2]
    dv = torch.stack([gv * rb, gv * gb, gv * bb], dim=-1)
    ds = torch.stack([gs_ * ds_dr, gs_ * ds_dg, gs_ * ds_db], dim=-1)
    dh = torch.stack([gh * (dh_dr / 360), gh * (dh_dg / 360), gh * (dh_db / 360)], dim=-1)
    return (dv + ds) + dh


class _RGBToHSV(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.set_materialize_grads(False)
        out = _hsv_from_rgb(x)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
        if grad is None:
            return None
        x, out = ctx.saved_tensors
        return _hsv_gradient(x, out, grad)


def _check_float_channels(images: torch.Tensor, op: str) -> None:
    if images.dtype not in FLOATING:
        raise InvalidArgumentError(
            None, None,
            f"Value for attr 'T' of {kernel_name(images.dtype)} is not in the "
            f"list of allowed values: half, bfloat16, float, double ; op {op}")
    if images.dim() < 1:
        raise InvalidArgumentError(None, None, "input must be at least 1D[]")
    if images.shape[-1] != 3:
        raise FailedPreconditionError(None, None, "input must have 3 channels but input only "
                                   f"has {images.shape[-1]} channels.")


def rgb_to_hsv(images: Any, name: Optional[str] = None) -> torch.Tensor:
    """Converts float RGB images (last dimension 3, values in `[0, 1]`) to HSV, each
    of hue, saturation and value in `[0, 1]`; differentiable with TF's gradient.

    >>> import tftape_torch as tf
    >>> print(tf.image.rgb_to_hsv(tf.constant([[[1.0, 0.5, 0.0]]])))
    tf.Tensor([[[0.08333334 1.         1.        ]]], shape=(1, 1, 3), dtype=float32)

    Raises:
      FailedPreconditionError: if the last dimension is not 3.
    """
    images = convert_to_tensor(images)
    _check_float_channels(images, "RGBToHSV")
    return call("RGBToHSV", _RGBToHSV.apply, (images,), images)


def _rgb_from_hsv(x: torch.Tensor) -> torch.Tensor:
    """TF's `HSVToRGB` functor."""
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    dh = h * 6
    dr = ((dh - 3).abs() - 1).clamp(0, 1)
    dg = (-(dh - 2).abs() + 2).clamp(0, 1)
    db = (-(dh - 4).abs() + 2).clamp(0, 1)
    rest = 1 - s
    return torch.stack([(rest + s * dr) * v, (rest + s * dg) * v, (rest + s * db) * v], dim=-1)


def hsv_to_rgb(images: Any, name: Optional[str] = None) -> torch.Tensor:
    """Converts float HSV images (last dimension 3) to RGB; TF gives it no gradient.

    >>> import tftape_torch as tf
    >>> print(tf.image.hsv_to_rgb(tf.constant([[[0.5, 1.0, 1.0]]])))
    tf.Tensor([[[0. 1. 1.]]], shape=(1, 1, 3), dtype=float32)

    Raises:
      FailedPreconditionError: if the last dimension is not 3.
    """
    images = convert_to_tensor(images)
    _check_float_channels(images, "HSVToRGB")
    return call("HSVToRGB", without_gradient(_rgb_from_hsv), (images,), images)


def _category(h: torch.Tensor) -> torch.Tensor:
    """`static_cast<int>(h)`, with x86's INT_MIN for NaN (outside every category)."""
    return torch.where(torch.isnan(h), torch.iinfo(torch.int32).min, h.to(torch.int32))


def _saturation_kernel(x: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """TF's CPU `AdjustSaturation` kernel, in float32 (C++'s `std::max`/`std::min`,
    so a NaN channel counts as in TF)."""
    work = x.float()
    r, g, b = work[..., 0], work[..., 1], work[..., 2]
    v = _std_max(r, _std_max(g, b))
    spread = v - _std_min(r, _std_min(g, b))
    s = torch.where(v > 0, spread / v, torch.zeros_like(v))
    norm = 1.0 / (6.0 * spread)
    # NOTE: the kernel adds the double constants `2.0 / 6.0` and `4.0 / 6.0` in double
    # and rounds the sum to float once.
    h = torch.where(r == v, norm * (g - b),
                    torch.where(g == v, ((norm * (b - r)).double() + 2.0 / 6.0).float(),
                                ((norm * (r - g)).double() + 4.0 / 6.0).float()))
    h = torch.where(spread <= 0, torch.zeros_like(h), h)
    h = torch.where(h < 0, h + 1, h)
    s = _std_min(torch.ones_like(s), _std_max(torch.zeros_like(s), s * scale.float()))
    c = s * v
    m = v - c
    dh = h * 6
    category = _category(dh)
    fmodu = torch.fmod(dh, 2.0)
    xx = c * (1 - (fmodu - 1).abs())
    zero = torch.zeros_like(c)
    table = [(c, xx, zero), (xx, c, zero), (zero, c, xx), (zero, xx, c), (xx, zero, c),
             (c, zero, xx)]
    channels = []
    for k in range(3):
        value = zero
        for cat, entry in enumerate(table):
            value = torch.where(category == cat, entry[k], value)
        channels.append(value + m)
    return torch.stack(channels, dim=-1).to(x.dtype)


def _no_half_kernel(images: torch.Tensor, op: str) -> None:
    """TF registers no CPU kernel of the adjust ops for float16."""
    if images.dtype == torch.float16:
        raise NotFoundError(None, None, f"Could not find device for node: {{{{node {op}}}}} = "
                            f"{op}[T=DT_HALF]")


def _check_adjust(images: torch.Tensor, scalar: torch.Tensor, what: str) -> None:
    if images.dim() < 3:
        raise InvalidArgumentError(
            None, None,
            f"input must be at least 3-D, got shape{list(images.shape)}".replace(" ", ""))
    if scalar.dim() != 0:
        raise InvalidArgumentError(
            None, None,
            f"{what} must be scalar: {list(scalar.shape)}".replace(", ", ","))
    if images.shape[-1] != 3:
        raise InvalidArgumentError(
            None, None,
            f"input must have 3 channels but instead has {images.shape[-1]} channels.")


def adjust_saturation(image: Any, saturation_factor: Any,
                      name: Optional[str] = None) -> torch.Tensor:
    """Scales the saturation of RGB images by `saturation_factor` (clipped to
    `[0, 1]`), through HSV; integer images convert to float32 and back.

    >>> import tftape_torch as tf
    >>> print(tf.image.adjust_saturation(tf.constant([[[1.0, 0.5, 0.0]]]), 0.5))
    tf.Tensor([[[1.   0.75 0.5 ]]], shape=(1, 1, 3), dtype=float32)

    Raises:
      InvalidArgumentError: if `image` has rank below 3 or not 3 channels.
    """
    image = convert_to_tensor(image)
    flt = _to_float(image)
    factor = convert_to_tensor(saturation_factor, torch.float32)
    _no_half_kernel(flt, "AdjustSaturation")
    _check_adjust(flt, factor, "scale")
    adjusted = call("AdjustSaturation",
                    unregistered_gradient("AdjustSaturation", _saturation_kernel),
                    (flt, factor), flt, factor)
    return convert_image_dtype(adjusted, image.dtype)


def _hue_kernel(x: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
    """TF's CPU `AdjustHue` kernel (hue and value range, no saturation), in float32."""
    work = x.float()
    r, g, b = work[..., 0], work[..., 1], work[..., 2]
    r_lt_g = r < g
    lo = torch.where(r_lt_g, torch.where(b < r, 1, torch.where(b > g, 3, 2)),
                     torch.where(b < g, 0, torch.where(b > r, 4, 5)))
    # NOTE: the kernel picks the largest, middle and smallest channel by these
    # comparisons, not by max/min, so a NaN channel lands where they send it.
    v_max = torch.where((lo == 0) | (lo == 5), r, torch.where((lo == 1) | (lo == 2), g, b))
    v_min = torch.where((lo == 0) | (lo == 1), b, torch.where((lo == 2) | (lo == 3), r, g))
    v_mid = torch.where((lo == 0) | (lo == 3), g, torch.where((lo == 1) | (lo == 4), r, b))
    ratio = (v_mid - v_min) / (v_max - v_min)
    even = lo % 2 == 0
    h = lo.float() + torch.where(even, ratio, 1 - ratio)
    h = torch.where(v_max == v_min, torch.zeros_like(h), h)
    h = h + delta.float() * 6
    for _ in range(2):
        h = torch.where(h < 0, h + 6, h)
    for _ in range(2):
        h = torch.where(h >= 6, h - 6, h)
    category = _category(h)
    part = h - category.float()
    part = torch.where(category % 2 == 0, part, 1 - part)
    mid = v_min + part * (v_max - v_min)
    table = [(v_max, mid, v_min), (mid, v_max, v_min), (v_min, v_max, mid),
             (v_min, mid, v_max), (mid, v_min, v_max)]
    channels = []
    for k, last in enumerate((v_max, v_min, mid)):
        value = last
        for cat, entry in enumerate(table):
            value = torch.where(category == cat, entry[k], value)
        channels.append(value)
    return torch.stack(channels, dim=-1).to(x.dtype)


def adjust_hue(image: Any, delta: Any, name: Optional[str] = None) -> torch.Tensor:
    """Rotates the hue of RGB images by `delta` (a fraction of the color circle, in
    `[-1, 1]`); integer images convert to float32 and back.

    >>> import tftape_torch as tf
    >>> print(tf.image.adjust_hue(tf.constant([[[1.0, 0.0, 0.0]]]), 1.0 / 3.0))
    tf.Tensor([[[0. 1. 0.]]], shape=(1, 1, 3), dtype=float32)

    Raises:
      ValueError: if `delta` is outside `[-1, 1]`.
    """
    if bool(np.any(np.asarray(delta < -1))) or bool(np.any(np.asarray(delta > 1))):
        raise ValueError("delta must be in the interval [-1, 1]")
    image = convert_to_tensor(image)
    flt = _to_float(image)
    shift = convert_to_tensor(delta, torch.float32)
    _no_half_kernel(flt, "AdjustHue")
    _check_adjust(flt, shift, "delta")
    adjusted = call("AdjustHue", unregistered_gradient("AdjustHue", _hue_kernel),
                    (flt, shift), flt, shift)
    return convert_image_dtype(adjusted, image.dtype)


# ---------------------------------------------------------------------------
# YUV

_RGB_TO_YUV: List[List[float]] = [[0.299, -0.14714119, 0.61497538],
                                   [0.587, -0.28886916, -0.51496512],
                                   [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB: List[List[float]] = [[1, 1, 1], [0, -0.394642334, 2.03206185],
                                   [1.13988303, -0.58062185, 0]]
_RGB_TO_YIQ: List[List[float]] = [[0.299, 0.59590059, 0.2115],
                                   [0.587, -0.27455667, -0.52273617],
                                   [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB: List[List[float]] = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
                                   [0.6208248, -0.64720424, 1.70423049]]


def _color_matrix(images: Any, matrix: List[List[float]]) -> torch.Tensor:
    images = convert_to_tensor(images)
    kernel = constant(matrix, images.dtype)
    if images.dim() < 1 or images.shape[-1] != 3:
        raise InvalidArgumentError(
            None, None, f"Matrix size-incompatible: In[0]: [{int(np.prod(images.shape[:-1]))},"
            f"{images.shape[-1] if images.dim() else 1}], In[1]: [3,3]")
    return call("MatMul", torch.matmul, (images, kernel), images, kernel)


def rgb_to_yuv(images: Any) -> torch.Tensor:
    """Converts RGB images (last dimension 3) to YUV: Y in `[0, 1]`, U and V in
    `[-0.5, 0.5]` for RGB in `[0, 1]`.

    >>> import tftape_torch as tf
    >>> print(tf.image.rgb_to_yuv(tf.constant([[[1.0, 1.0, 1.0]]])))
    tf.Tensor([[[1.0000000e+00 0.0000000e+00 1.4901161e-08]]], shape=(1, 1, 3), dtype=float32)
    """
    return _color_matrix(images, _RGB_TO_YUV)


def yuv_to_rgb(images: Any) -> torch.Tensor:
    """Converts YUV images (last dimension 3) back to RGB.

    >>> import tftape_torch as tf
    >>> print(tf.image.yuv_to_rgb(tf.constant([[[0.5, 0.0, 0.0]]])))
    tf.Tensor([[[0.5 0.5 0.5]]], shape=(1, 1, 3), dtype=float32)
    """
    return _color_matrix(images, _YUV_TO_RGB)


def rgb_to_yiq(images: Any) -> torch.Tensor:
    """Converts RGB images (last dimension 3) to YIQ.

    >>> import tftape_torch as tf
    >>> print(tf.image.rgb_to_yiq(tf.constant([[[1.0, 0.0, 0.0]]])))
    tf.Tensor([[[0.299      0.5959006  0.2115    ]]], shape=(1, 1, 3), dtype=float32)
    """
    return _color_matrix(images, _RGB_TO_YIQ)


def yiq_to_rgb(images: Any) -> torch.Tensor:
    """Converts YIQ images (last dimension 3) back to RGB.

    >>> import tftape_torch as tf
    >>> print(tf.image.yiq_to_rgb(tf.constant([[[0.5, 0.0, 0.0]]])))
    tf.Tensor([[[0.5 0.5 0.5]]], shape=(1, 1, 3), dtype=float32)
    """
    return _color_matrix(images, _YIQ_TO_RGB)


# ---------------------------------------------------------------------------
# Gradients


def image_gradients(image: Any) -> Tuple[torch.Tensor, torch.Tensor]:
    """The forward differences `(dy, dx)` of a `[batch, height, width, depth]` image,
    each padded with zeros at the bottom (right) edge to `image`'s shape.

    >>> import tftape_torch as tf
    >>> dy, dx = tf.image.image_gradients(tf.reshape(tf.range(4.0), [1, 2, 2, 1]))
    >>> print(tf.reshape(dy, [-1]))
    tf.Tensor([2. 2. 0. 0.], shape=(4,), dtype=float32)
    >>> print(tf.reshape(dx, [-1]))
    tf.Tensor([1. 0. 1. 0.], shape=(4,), dtype=float32)

    Raises:
      ValueError: if `image` is not 4-D.
    """
    image = _graph_tensor(image)
    if image.dim() != 4:
        raise ValueError("image_gradients expects a 4D tensor [batch_size, h, w, d], not "
                         f"{_shape_text(image.shape)}.")
    batch, height, width, depth = (int(d) for d in image.shape)
    dy = image[:, 1:, :, :] - image[:, :-1, :, :]
    dx = image[:, :, 1:, :] - image[:, :, :-1, :]
    dy = concat([dy, zeros([batch, 1, width, depth], image.dtype)], 1)
    dx = concat([dx, zeros([batch, height, 1, depth], image.dtype)], 2)
    return dy, dx


def sobel_edges(image: Any) -> torch.Tensor:
    """Sobel edge maps of a `[batch, height, width, depth]` image, reflect-padded:
    `[batch, height, width, depth, 2]`, the vertical (dy) then horizontal (dx) response.

    >>> import tftape_torch as tf
    >>> edges = tf.image.sobel_edges(tf.reshape(tf.range(9.0), [1, 3, 3, 1]))
    >>> print(edges[0, 1, 1, 0])
    tf.Tensor([24.  8.], shape=(2,), dtype=float32)
    """
    image = _graph_tensor(image)
    if image.dtype not in FLOATING:
        raise InvalidArgumentError(None, None, "No OpKernel was registered to support Op "
                                   "'DepthwiseConv2dNative' with these attrs.")
    kernels = np.array([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
                        [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]])
    kernels = np.expand_dims(np.transpose(kernels, (1, 2, 0)), -2)
    filters = tile(constant(kernels, image.dtype), [1, 1, int(image.shape[-1]), 1])
    padded = pad(image, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")
    output = depthwise_conv2d(padded, filters, [1, 1, 1, 1], "VALID")
    return reshape(output, [*(int(d) for d in image.shape), 2])


def total_variation(images: Any, name: Optional[str] = None) -> torch.Tensor:
    """The total variation (sum of absolute neighbour differences) of a 3-D image, or
    of each image of a 4-D batch.

    >>> import tftape_torch as tf
    >>> print(tf.image.total_variation(tf.reshape(tf.range(4.0), [2, 2, 1])))
    tf.Tensor(6.0, shape=(), dtype=float32)

    Raises:
      ValueError: if `images` is neither 3-D nor 4-D.
    """
    images = _graph_tensor(images)
    if images.dim() == 3:
        dif1 = images[1:, :, :] - images[:-1, :, :]
        dif2 = images[:, 1:, :] - images[:, :-1, :]
        axis: Any = None
    elif images.dim() == 4:
        dif1 = images[:, 1:, :, :] - images[:, :-1, :, :]
        dif2 = images[:, :, 1:, :] - images[:, :, :-1, :]
        axis = [1, 2, 3]
    else:
        raise ValueError("'images' must be either 3 or 4-dimensional.")
    return reduce_sum(abs(dif1), axis=axis) + reduce_sum(abs(dif2), axis=axis)
