"""Maxima over sliding windows that remember where they came from:
`tf.nn.max_pool_with_argmax`, the grayscale morphology ops `tf.nn.dilation2d` and
`tf.nn.erosion2d`, and `tf.nn.atrous_conv2d` (and its transpose), the dilated
convolutions TF spells separately.

TF runs these on NHWC images only. Windows scan rows then columns, and a tie goes to
the first maximum in that order, in the values, the argmax and the gradient (TF's
`MaxPoolGradWithArgmax`, `Dilation2DBackpropInput/Filter`): torch's `max` over a
dimension picks the first maximum, and its backward sends the gradient there.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
>>> out, argmax = tf.nn.max_pool_with_argmax(x, 2, 2, "VALID")
>>> print(argmax[0, :, :, 0])
tf.Tensor(
[[ 5  7]
 [13 15]], shape=(2, 2), dtype=int64)
"""

from __future__ import annotations

import math
from typing import Any, List, NamedTuple, Optional, Tuple

import torch
import torch.nn.functional as F

from tftape_torch._conv_ops import conv2d, conv2d_transpose, flat_pad, spatial_values, window_pads
from tftape_torch._dtypes import as_dtype
from tftape_torch._elementwise_ops import negative
from tftape_torch._op_call import as_result, as_tensor, call, float_input
from tftape_torch._shape_ops import reverse
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "MaxPoolWithArgmax",
    "atrous_conv2d",
    "atrous_conv2d_transpose",
    "dilation2d",
    "erosion2d",
    "max_pool_with_argmax",
]

_NHWC_ONLY = "`data_format` values other  than 'NHWC' are not supported. Received: data_format={}"


class MaxPoolWithArgmax(NamedTuple):
    """`max_pool_with_argmax`'s result: the pooled `output` and its `argmax`."""

    output: Any
    argmax: Any


def _check_padding(padding: Any) -> str:
    mode = padding.upper() if isinstance(padding, str) else padding
    if mode not in ("SAME", "VALID"):
        raise ValueError(f"`padding` must be one of 'SAME' or 'VALID'. Received: "
                         f"padding={padding}")
    return str(mode)


# ---------------------------------------------------------------------- max pool + argmax


def _pool_argmax(x: torch.Tensor, k: List[int], s: List[int], pads: List[Tuple[int, int]],
                 index_dtype: torch.dtype, with_batch: bool) -> Tuple[torch.Tensor, ...]:
    b, h, w, c = x.shape
    planes = F.pad(torch.movedim(x, -1, 1), flat_pad(pads), value=-math.inf)
    out, where = F.max_pool2d(planes, k, s, return_indices=True)
    padded_w = w + pads[1][0] + pads[1][1]
    with torch.no_grad():  # positions in the padded plane -> TF's flat NHWC index
        row, col = where // padded_w - pads[0][0], where % padded_w - pads[1][0]
        channel = torch.arange(c, device=x.device).reshape(1, c, 1, 1)
        index = (row * w + col) * c + channel
        if with_batch:
            index = index + torch.arange(b, device=x.device).reshape(b, 1, 1, 1) * (h * w * c)
    return torch.movedim(out, 1, -1), torch.movedim(index, 1, -1).to(index_dtype)


def max_pool_with_argmax(input: Any, ksize: Any, strides: Any, padding: Any,
                         data_format: str = "NHWC", output_dtype: Any = "int64",
                         include_batch_in_index: bool = False,
                         name: Optional[str] = None) -> MaxPoolWithArgmax:
    """`max_pool2d` of an NHWC batch, and where each maximum sits: the flat index
    `(y * width + x) * channels + c` (plus `b * height * width * channels` with
    `include_batch_in_index`). The gradient goes to the maxima; `argmax` has none.

    >>> import tftape_torch as tf
    >>> out, argmax = tf.nn.max_pool_with_argmax(tf.ones([1, 2, 2, 1]), 2, 2, "VALID")
    >>> print(float(out[0, 0, 0, 0]), int(argmax[0, 0, 0, 0]))
    1.0 0

    Raises:
      ValueError: for a `data_format` other than `"NHWC"`.
      InvalidArgumentError: for an input that is not 4-D.
    """
    if data_format != "NHWC":
        raise ValueError(_NHWC_ONLY.format(data_format))
    x = float_input(input, "MaxPoolWithArgmax", allow_complex=False)
    if x.dim() != 4:
        raise InvalidArgumentError(None, None, f"tensor_in must be 4-dimensional ({x.dim()}) "
                                   "[Op:MaxPoolWithArgmax]")
    index_dtype = as_dtype(output_dtype)
    if index_dtype not in (torch.int32, torch.int64):
        raise TypeError(f"output_dtype must be int32 or int64, got {output_dtype!r}")
    k = spatial_values(ksize, 2, "ksize", True)
    s = spatial_values(strides, 2, "strides", True)
    pads = window_pads(list(x.shape[1:3]), k, s, [1, 1], _check_padding(padding), True)
    out, index = call("MaxPoolWithArgmax", _pool_argmax, (x,), x, k, s, pads, index_dtype,
                      bool(include_batch_in_index))
    return MaxPoolWithArgmax(as_result(out), as_result(index))


# ---------------------------------------------------------------------- morphology


def _dilate(x: torch.Tensor, f: torch.Tensor, s: List[int], r: List[int],
            pads: List[Tuple[int, int]]) -> torch.Tensor:
    b, _, _, c = x.shape
    fh, fw = int(f.shape[0]), int(f.shape[1])
    planes = F.pad(torch.movedim(x, -1, 1), flat_pad(pads), value=-math.inf)
    oh = (planes.shape[2] - (fh - 1) * r[0] - 1) // s[0] + 1
    ow = (planes.shape[3] - (fw - 1) * r[1] - 1) // s[1] + 1
    patches = F.unfold(planes, (fh, fw), dilation=tuple(r), stride=tuple(s))  # [B, C*fh*fw, L]
    patches = patches.reshape(b, c, fh * fw, oh, ow)
    shifted = patches + torch.movedim(f, -1, 0).reshape(1, c, fh * fw, 1, 1)
    return torch.movedim(torch.max(shifted, 2).values, 1, -1)  # the first maximum


def dilation2d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str,
               dilations: Any, name: Optional[str] = None) -> torch.Tensor:
    """Grayscale dilation: the maximum of `input + filters` over each window,
    channel by channel (`filters` `[height, width, channels]`; `strides` and
    `dilations` are `[1, y, x, 1]`).

    >>> import tftape_torch as tf
    >>> y = tf.nn.dilation2d(tf.reshape(tf.range(9.0), [1, 3, 3, 1]), tf.zeros([2, 2, 1]),
    ...                      [1, 1, 1, 1], "VALID", "NHWC", [1, 1, 1, 1])
    >>> print(y[0, :, :, 0])
    tf.Tensor(
    [[4. 5.]
     [7. 8.]], shape=(2, 2), dtype=float32)

    Raises:
      ValueError: for a `data_format` other than `"NHWC"` or an unknown `padding`.
      InvalidArgumentError: for an input that is not 4-D or filters that are not 3-D.
    """
    if data_format != "NHWC":
        raise ValueError(_NHWC_ONLY.format(data_format))
    mode = _check_padding(padding)
    x = float_input(input, "Dilation2D", allow_complex=False)
    f = as_tensor(filters, x.dtype)
    if x.dim() != 4 or f.dim() != 3:
        raise InvalidArgumentError(
            None, None, f"input must be 4-dimensional and filter 3-dimensional: "
            f"{list(x.shape)} {list(f.shape)} [Op:Dilation2D]")
    if int(f.shape[2]) != int(x.shape[3]):
        raise InvalidArgumentError(
            None, None, f"input and filter must have the same depth: {int(x.shape[3])} vs "
            f"{int(f.shape[2])} [Op:Dilation2D]")
    s = spatial_values(strides, 2, "strides", True)
    r = spatial_values(dilations, 2, "dilations", True)
    pads = window_pads(list(x.shape[1:3]), [int(f.shape[0]), int(f.shape[1])], s, r, mode, True)
    return call("Dilation2D", _dilate, (x, f), x, f, s, r, pads)


def erosion2d(value: Any, filters: Any, strides: Any, padding: Any, data_format: str,
              dilations: Any, name: Optional[str] = None) -> torch.Tensor:
    """Grayscale erosion: the minimum of `value - filters` over each window (TF's
    `-dilation2d(-value, reverse(filters))`).

    >>> import tftape_torch as tf
    >>> y = tf.nn.erosion2d(tf.reshape(tf.range(9.0), [1, 3, 3, 1]), tf.zeros([2, 2, 1]),
    ...                     [1, 1, 1, 1], "VALID", "NHWC", [1, 1, 1, 1])
    >>> print(y[0, :, :, 0])
    tf.Tensor(
    [[-0.  1.]
     [ 3.  4.]], shape=(2, 2), dtype=float32)

    Raises:
      ValueError: for a `data_format` other than `"NHWC"` or an unknown `padding`.
    """
    if data_format != "NHWC":
        raise ValueError(_NHWC_ONLY.format(data_format))
    flipped = reverse(as_tensor(filters), [0, 1])
    return negative(dilation2d(negative(value), flipped, strides, padding, data_format,
                               dilations))


# ---------------------------------------------------------------------- atrous convolutions


def _rate(rate: Any) -> int:
    value = int(rate)
    if value < 1:
        raise ValueError(f"all values of `dilation_rate` must be positive. Received: "
                         f"dilation_rate=[{value} {value}]")
    return value


def atrous_conv2d(value: Any, filters: Any, rate: Any, padding: Any,
                  name: Optional[str] = None) -> torch.Tensor:
    """`conv2d` with stride 1 and `rate - 1` zeros between filter taps (a dilated or
    "atrous" convolution): NHWC `value`, filters `[height, width, in, out]`.

    >>> import tftape_torch as tf
    >>> y = tf.nn.atrous_conv2d(tf.ones([1, 5, 5, 1]), tf.ones([2, 2, 1, 1]), 2, "VALID")
    >>> print(y.shape, float(y[0, 0, 0, 0]))
    (1, 3, 3, 1) 4.0

    Raises:
      ValueError: for `rate` below 1 or a `padding` other than `"SAME"` and `"VALID"`.
    """
    r = _rate(rate)
    return conv2d(value, filters, 1, _check_padding(padding), "NHWC", [r, r])


def atrous_conv2d_transpose(value: Any, filters: Any, output_shape: Any, rate: Any,
                            padding: Any, name: Optional[str] = None) -> torch.Tensor:
    """The transpose of `atrous_conv2d` (its gradient with respect to its input):
    filters `[height, width, out, in]`, a result of `output_shape`.

    >>> import tftape_torch as tf
    >>> y = tf.nn.atrous_conv2d_transpose(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]),
    ...                                   [1, 5, 5, 1], 2, "VALID")
    >>> print(y.shape, float(y[0, 2, 2, 0]))
    (1, 5, 5, 1) 4.0

    Raises:
      ValueError: for `rate` below 1 or a `padding` other than `"SAME"` and `"VALID"`.
    """
    r = _rate(rate)
    return conv2d_transpose(value, filters, output_shape, 1, _check_padding(padding), "NHWC",
                            [r, r])
