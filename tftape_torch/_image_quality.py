"""Image quality metrics: `tf.image.psnr`, `ssim` and `ssim_multiscale`, the peak
signal-to-noise ratio, the structural similarity (SSIM) of two image batches and its
multi-scale form (MS-SSIM), following TF 2.21's Python composites op by op.

SSIM compares the local means, variances and covariance of the two images under a
Gaussian window. For MS-SSIM, at each of `len(power_factors)` scales (each downsampled
by a 2x2 average pool, after symmetric padding to even sizes) it computes SSIM's
contrast-structure term; the last scale contributes full SSIM. Each per-channel term
is clamped at 0, raised to its power factor and multiplied over the scales, then
averaged over channels. Being built from differentiable ops, both have TF's gradients.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(48.0 * 48.0) / 2304.0, [48, 48, 1])
>>> print(tf.image.ssim_multiscale(x, x, 1.0, filter_size=3))
tf.Tensor(1.0, shape=(), dtype=float32)
"""

from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch._array_ops import (
    cast,
    constant,
    convert_to_tensor,
    identity,
    reshape,
    stack,
)
from tftape_torch._conv_ops import avg_pool, depthwise_conv2d
from tftape_torch._elementwise_ops import squared_difference
from tftape_torch._image_color import convert_image_dtype
from tftape_torch._math_ops import log, pow, reduce_mean, reduce_prod, square, subtract
from tftape_torch._nn_ops import relu, softmax
from tftape_torch._op_call import as_tensor
from tftape_torch._shape_ops import pad, tile
from tftape_torch.errors import InvalidArgumentError

__all__ = ["psnr", "ssim", "ssim_multiscale"]

# Wang, Simoncelli and Bovik (2004): the weights of the five scales.
_MSSSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def _shape_text(shape: Sequence[int]) -> str:
    dims = [int(d) for d in shape]
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(d) for d in dims) + ")"


def _verify_compatible(a: torch.Tensor, b: torch.Tensor) -> None:
    """TF's `_verify_compatible_image_shapes`: rank at least 3, equal last three
    dimensions, broadcastable batch dimensions."""
    for img in (a, b):
        if img.dim() < 3:
            raise ValueError(f"Shape {_shape_text(img.shape)} must have rank at least 3")
    if list(a.shape[-3:]) != list(b.shape[-3:]):
        raise ValueError(f"Shapes {_shape_text(a.shape[-3:])} and "
                         f"{_shape_text(b.shape[-3:])} are incompatible")
    for d1, d2 in zip(reversed(a.shape[:-3]), reversed(b.shape[:-3])):
        if not (d1 == 1 or d2 == 1 or d1 == d2):
            raise ValueError(f"Two images are not compatible: {_shape_text(a.shape)} and "
                             f"{_shape_text(b.shape)}")


def _gauss_filter(size: int, sigma: torch.Tensor) -> torch.Tensor:
    """TF's `_fspecial_gauss`: a normalized `[size, size, 1, 1]` Gaussian window."""
    coords = constant([float(i) for i in range(size)], sigma.dtype)
    coords = coords - constant((size - 1) / 2.0, sigma.dtype)
    g = square(coords) * (-0.5 / square(sigma))
    g = reshape(g, [1, -1]) + reshape(g, [-1, 1])
    g = softmax(reshape(g, [1, -1]))
    return reshape(g, [size, size, 1, 1])


def _ssim_per_channel(img1: torch.Tensor, img2: torch.Tensor, max_val: torch.Tensor,
                      filter_size: int, filter_sigma: float, k1: float, k2: float,
                      return_index_map: bool = False) -> Tuple[torch.Tensor, torch.Tensor]:
    """TF's `_ssim_per_channel`: per-channel SSIM and contrast-structure, `[..., C]`
    (with `return_index_map`, SSIM's map over the window positions, `[..., H', W', C]`)."""
    for img in (img1, img2):
        if any(int(d) < filter_size for d in img.shape[-3:-1]):
            raise InvalidArgumentError(
                None, None, "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. "
                "Summarized data: " + ", ".join(str(int(d)) for d in img.shape)
                + f"\n{filter_size}")
    sigma = constant(filter_sigma, img1.dtype)
    kernel = tile(_gauss_filter(filter_size, sigma), [1, 1, int(img1.shape[-1]), 1])

    def reducer(x: torch.Tensor) -> torch.Tensor:
        dims = [int(d) for d in x.shape]
        y = depthwise_conv2d(reshape(x, [-1, *dims[-3:]]), kernel, [1, 1, 1, 1], "VALID")
        return reshape(y, [*dims[:-3], *(int(d) for d in y.shape[1:])])

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mean0, mean1 = reducer(img1), reducer(img2)
    num0 = mean0 * mean1 * 2.0
    den0 = square(mean0) + square(mean1)
    luminance = (num0 + c1) / (den0 + c1)
    num1 = reducer(img1 * img2) * 2.0
    den1 = reducer(square(img1) + square(img2))
    c2 = c2 * 1.0
    cs = (num1 - num0 + c2) / (den1 - den0 + c2)
    if return_index_map:
        return luminance * cs, cs
    return reduce_mean(luminance * cs, [-3, -2]), reduce_mean(cs, [-3, -2])


def psnr(a: Any, b: Any, max_val: Any, name: Optional[str] = None) -> torch.Tensor:
    """Peak signal-to-noise ratio between images `a` and `b` (last three dimensions),
    in decibels, for pixel values up to `max_val`; computed in float32.

    >>> import tftape_torch as tf
    >>> print(tf.image.psnr(tf.fill([2, 2, 1], 0.5), tf.fill([2, 2, 1], 0.6), 1.0))
    tf.Tensor(19.999998, shape=(), dtype=float32)
    """
    if not hasattr(a, "dtype"):
        raise AttributeError(f"'{type(a).__name__}' object has no attribute 'dtype'")
    a, b = as_tensor(a), as_tensor(b)
    peak = convert_image_dtype(cast(max_val, a.dtype), torch.float32)
    a = convert_image_dtype(a, torch.float32)
    b = convert_image_dtype(b, torch.float32)
    mse = reduce_mean(squared_difference(a, b), [-3, -2, -1])
    first = 20 * log(peak) / log(constant(10.0))
    value = subtract(first, np.float32(10 / np.log(10)) * log(mse))
    _verify_compatible(a, b)
    return identity(value)


def ssim(img1: Any, img2: Any, max_val: Any, filter_size: int = 11,
         filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03,
         return_index_map: bool = False) -> torch.Tensor:
    """The structural similarity index between images `img1` and `img2` (last three
    dimensions, at least `filter_size` high and wide), with a Gaussian window;
    `return_index_map=True` gives the per-position map instead of its mean.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(144.0) / 144.0, [12, 12, 1])
    >>> print(tf.image.ssim(x, x, 1.0))
    tf.Tensor(1.0, shape=(), dtype=float32)

    Raises:
      ValueError: for images of rank below 3 or incompatible shapes.
      InvalidArgumentError: if an image is smaller than the filter.
    """
    img1, img2 = convert_to_tensor(img1), convert_to_tensor(img2)
    _verify_compatible(img1, img2)
    peak = convert_image_dtype(cast(max_val, img1.dtype), torch.float32)
    img1 = convert_image_dtype(img1, torch.float32)
    img2 = convert_image_dtype(img2, torch.float32)
    value, _ = _ssim_per_channel(img1, img2, peak, int(filter_size), filter_sigma, k1, k2,
                                 return_index_map)
    return reduce_mean(value, [-1])


def ssim_multiscale(img1: Any, img2: Any, max_val: Any,
                    power_factors: Sequence[float] = _MSSSIM_WEIGHTS, filter_size: int = 11,
                    filter_sigma: float = 1.5, k1: float = 0.01, k2: float = 0.03
                    ) -> torch.Tensor:
    """The MS-SSIM of `img1` and `img2` (last three dimensions `[height, width,
    channels]`, batch dimensions broadcast), for pixel values up to `max_val`; one
    value in `[0, 1]` per image, computed in float32.

    `power_factors` weighs the scales (the first is the full resolution, each next one
    halves it); the defaults are the original paper's five. Each scale must stay at
    least `filter_size` high and wide.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(2.0 * 24 * 24) / 1152.0, [2, 24, 24, 1])
    >>> y = tf.image.ssim_multiscale(x, x * 0.9, 1.0, power_factors=(0.5, 0.5),
    ...                              filter_size=5)
    >>> y.shape, bool(tf.reduce_all(y < 1.0))
    (TensorShape([2]), True)

    Raises:
      ValueError: for images of rank below 3 or incompatible shapes.
      InvalidArgumentError: if a scale is smaller than the filter.
    """
    img1, img2 = convert_to_tensor(img1), convert_to_tensor(img2)
    _verify_compatible(img1, img2)
    img1 = identity(img1)
    peak = convert_image_dtype(cast(max_val, img1.dtype), torch.float32)
    imgs = [convert_image_dtype(img1, torch.float32), convert_image_dtype(img2, torch.float32)]
    heads = [[int(d) for d in x.shape[:-3]] for x in imgs]
    tails = [[int(d) for d in x.shape[-3:]] for x in imgs]
    divisor = [1, 2, 2, 1]
    size = int(filter_size)
    mcs: List[torch.Tensor] = []
    ssim_per_channel = cs = imgs[0]
    for k in range(len(power_factors)):
        if k > 0:
            flat = [reshape(x, [-1, *t]) for x, t in zip(imgs, tails)]
            remainder = [tails[0][0] % 2, tails[0][1] % 2]
            if any(remainder):
                paddings = [[0, 0], [0, remainder[0]], [0, remainder[1]], [0, 0]]
                flat = [pad(x, paddings, mode="SYMMETRIC") for x in flat]
            down = [avg_pool(x, divisor, divisor, "VALID") for x in flat]
            tails = [[int(d) for d in x.shape[1:]] for x in down]
            imgs = [reshape(x, [*h, *t]) for x, h, t in zip(down, heads, tails)]
        ssim_per_channel, cs = _ssim_per_channel(imgs[0], imgs[1], peak, size,
                                                 filter_sigma, k1, k2)
        mcs.append(relu(cs))
    mcs.pop()
    mcs_and_ssim = stack([*mcs, relu(ssim_per_channel)], axis=-1)
    ms_ssim = reduce_prod(pow(mcs_and_ssim, list(power_factors)), [-1])
    return reduce_mean(ms_ssim, [-1])
