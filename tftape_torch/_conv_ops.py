"""TF's convolutions and pooling: `tf.nn.conv1d`, `conv2d`, `conv3d`, `max_pool1d/2d/3d`,
`avg_pool1d/2d/3d` and the transposed convolutions.

TF's layouts (channels last: `NWC`/`NHWC`/`NDHWC`; filters `[width, in, out]`,
`[height, width, in, out]`, `[depth, height, width, in, out]`) and padding:
`"VALID"`, or `"SAME"`, where the output size is `ceil(input / stride)` and an odd
total padding puts the extra row or column at the end. The work is torch's
convolutions and pooling on a channels-first view.

>>> import tftape_torch as tf
>>> x = tf.ones([1, 3, 3, 1])
>>> print(tf.reshape(tf.nn.conv2d(x, tf.ones([2, 2, 1, 1]), 1, "SAME"), [3, 3]))
tf.Tensor(
[[4. 4. 2.]
 [4. 4. 2.]
 [2. 2. 1.]], shape=(3, 3), dtype=float32)
"""

from __future__ import annotations

import builtins
import math
from typing import Any, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from tftape_torch._array_ops import expand_dims, reshape, squeeze
from tftape_torch._convert import convert_value
from tftape_torch._dtypes import FLOATING
from tftape_torch._op_call import as_tensor, call, call_inline, float_input
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    dtype_of as _DTYPE_GET,
)
from tftape_torch.errors import InvalidArgumentError, UnimplementedError

__all__ = [
    "avg_pool",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "conv1d",
    "conv1d_transpose",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "conv_transpose",
    "convolution",
    "depthwise_conv2d",
    "depthwise_conv2d_backprop_filter",
    "depthwise_conv2d_backprop_input",
    "max_pool",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "separable_conv2d",
]


def spatial_values(value: Any, n: int, name: str, channels_last: bool) -> List[int]:
    """A stride/dilation/ksize argument (int, or a list of 1, n or n + 2) as n ints."""
    if value is None:
        return [1] * n
    if isinstance(value, int):
        return [value] * n
    items = [int(v) for v in value]
    if len(items) == 1:
        return items * n
    if len(items) == n:
        return items
    if len(items) == n + 2:
        return items[1:-1] if channels_last else items[2:]
    raise ValueError(f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value}")


def window_pads(sizes: Sequence[int], kernel: Sequence[int], strides: Sequence[int],
          dilations: Sequence[int], padding: Any, channels_last: bool,
          op: str = "Conv2D") -> List[Tuple[int, int]]:
    """Each spatial dimension's (before, after) padding, as TF's kernels compute it.

    Raises:
      InvalidArgumentError: for a stride below 1 or a padding string other than
        TF's (case-sensitive) `"SAME"`/`"VALID"`, as TF's kernel `op` does.
    """
    for stride in strides:
        if stride <= 0:
            raise InvalidArgumentError(None, None,
                                       f"Stride must be > 0, but got {stride} [Op:{op}]")
    if isinstance(padding, str):
        if padding == "VALID":
            return [(0, 0)] * len(sizes)
        if padding != "SAME":
            allowed = '"SAME", "VALID"' + (
                "" if op in _NO_EXPLICIT_PADDING else ', "EXPLICIT"')
            raise InvalidArgumentError(
                None, None, f"Value for attr 'padding' of \"{padding}\" is not in the list of "
                f"allowed values: {allowed}\n\t; [Op:{op}]")
        pads = []
        for size, k, s, d in zip(sizes, kernel, strides, dilations):
            total = (-(-size // s) - 1) * s + (k - 1) * d + 1 - size  # ceil(size / s) outputs
            if total < 0:
                total = 0
            pads.append((total // 2, total - total // 2))
        return pads
    pairs = [tuple(int(v) for v in p) for p in padding]
    pairs = pairs[1:-1] if channels_last else pairs[2:]
    return [(p[0], p[1]) for p in pairs]


# TF's kernels that take no explicit padding list.
_NO_EXPLICIT_PADDING = frozenset({"AvgPool", "AvgPool3D", "Conv3D", "MaxPool3D"})


def flat_pad(pads: List[Tuple[int, int]]) -> List[int]:
    flat: List[int] = []
    for before, after in reversed(pads):
        flat += [before, after]
    return flat


_TORCH_FILTER_ORDER = {n: (n + 1, n) + tuple(range(n)) for n in (1, 2, 3)}
# Channel-major output back to channels-last: [batch, out, *spatial] -> [batch, *spatial, out].
_CHANNELS_LAST_ORDER = {n: (0,) + tuple(range(2, n + 2)) + (1,) for n in (1, 2, 3)}
_TORCH_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CHANNELS_LAST_FORMAT = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


def _one_or_all(values: List[int]) -> Any:
    """`values` as one int where they are all equal (torch parses an int fastest)."""
    first = values[0]
    return first if values.count(first) == len(values) else values


def _conv(x: torch.Tensor, w: torch.Tensor, strides: List[int], dilations: List[int],
          pads: List[Tuple[int, int]], channels_last: bool) -> torch.Tensor:
    n = len(strides)
    if channels_last:
        sizes = x.size()
        # One input channel: channel-major strides, so torch's layout guess (which
        # reads strides) runs the convolution channel-major, as for a plain NCW input.
        x = torch.movedim(x, -1, 1) if sizes[-1] != 1 else x.reshape(
            (sizes[0], 1) + sizes[1:-1])
    groups = x.size(1) // w.size(-2)
    # [out, in, *spatial], copied: torch's convolutions copy a permuted weight on every
    # call, and a Hessian's graph calls them again in each backward pass.
    weight = torch.permute(w, _TORCH_FILTER_ORDER[n]).contiguous()
    even = []  # (a loop, not a comprehension: no new function per call)
    for before, after in pads:
        if before == after:
            even.append(before)
    if len(even) != n:  # uneven padding: a pad node (else the convolution pads)
        x = F.pad(x, flat_pad(pads))
        even = [0] * n
    conv = _TORCH_CONV[n]
    padding: Any
    if n == 1:
        stride, padding, dilation = strides[0], even[0], dilations[0]
    else:
        stride, padding, dilation = _one_or_all(strides), _one_or_all(even), _one_or_all(
            dilations)
    if not x.is_floating_point():  # TF has int32 kernels; torch's CPU conv does not
        wide = conv(x.to(torch.float64), weight.to(torch.float64), None, stride, padding,
                    dilation, groups)
        out = torch.round(wide).to(x.dtype)
    else:
        out = conv(x, weight, None, stride, padding, dilation, groups)
    return torch.permute(out, _CHANNELS_LAST_ORDER[n]) if channels_last else out


def _convolve(op: str, n: int, input: Any, filters: Any, strides: Any, padding: Any,
              data_format: Optional[str], dilations: Any) -> torch.Tensor:
    if (type(strides) is int and dilations is None and type(padding) is str
            and (data_format is None or data_format == _CHANNELS_LAST_FORMAT[n])):
        out = call_inline(_common_conv, (input, filters), input, filters, n, strides,
                          padding == "SAME", padding == "VALID")
        if out is not None:
            return out
    x = input if isinstance(input, torch.Tensor) else convert_value(input)
    w = filters
    if not isinstance(filters, torch.Tensor):  # converted to the input's dtype
        with _DisableSubclass():
            w = convert_value(filters, _DTYPE_GET(x))
    return call(op, _checked_conv, (x, w), op, n, x, w, strides, padding, data_format,
                dilations)


def _common_conv(x: torch.Tensor, w: torch.Tensor, n: int, stride: int, same: bool,
                 valid: bool) -> Optional[torch.Tensor]:
    """`_checked_conv`'s common call in one frame: channels last, one int stride > 0,
    no dilation, `"SAME"` padding even on both sides of every dimension or `"VALID"`,
    one group; None for anything else (then `_checked_conv` gives TF's result or
    error). Torch functions are off; `x` and `w` share one floating dtype."""
    sizes, w_size = x.size(), w.size()
    if (len(sizes) != n + 2 or len(w_size) != n + 2 or sizes[-1] != w_size[-2] or stride <= 0
            or not (same or valid)):
        return None
    pad = 0
    if same:
        first = True
        for index in range(n):
            size = sizes[index + 1]
            total = (-(-size // stride) - 1) * stride + w_size[index] - size
            if total < 0:
                total = 0
            if total % 2 or (not first and total // 2 != pad):
                return None  # uneven padding: a pad node (`_conv`)
            pad, first = total // 2, False
    x = torch.movedim(x, -1, 1) if sizes[-1] != 1 else x.reshape((sizes[0], 1) + sizes[1:-1])
    weight = torch.permute(w, _TORCH_FILTER_ORDER[n]).contiguous()  # (as `_conv`)
    return torch.permute(_TORCH_CONV[n](x, weight, None, stride, pad), _CHANNELS_LAST_ORDER[n])


def _checked_conv(op: str, n: int, x: torch.Tensor, w: torch.Tensor, strides: Any,
                  padding: Any, data_format: Optional[str], dilations: Any) -> torch.Tensor:
    """`_convolve`'s body: TF's checks, then `_conv` (torch functions are off: plain reads)."""
    dtype, x_size = _DTYPE_GET(x), x.size()
    if dtype != torch.int32 and dtype not in FLOATING:
        float_input(x, op, allow_complex=False)  # raises TF's error
    w_dtype, w_size = _DTYPE_GET(w), w.size()
    channels_last = data_format is None or data_format.endswith("C")
    if len(w_size) != n + 2:
        # (TF's 1-D convolution is its 2-D one, with the filter expanded)
        shown = ([1] if n == 1 else []) + list(w_size)
        raise InvalidArgumentError(
            None, None, f"filter must be {builtins.max(n, 2) + 2}-dimensional: "
            f"[{','.join(map(str, shown))}] [Op:{op}]")
    if len(x_size) != n + 2:
        raise ValueError(
            f"input must be {n + 2}-dimensional and filters {n + 2}-dimensional; got shapes "
            f"{list(x_size)} and {list(w_size)}"
        )
    if w_dtype != dtype:
        raise InvalidArgumentError(None, None, f"filters' dtype differs from input's [Op:{op}]")
    channels = x_size[-1] if channels_last else x_size[1]
    if channels % w_size[-2] != 0:
        raise InvalidArgumentError(
            None, None, f"input depth must be evenly divisible by filter depth: {channels} vs "
            f"{w_size[-2]} [Op:{op}]"
        )
    # (the common arguments, one int and None, without a call)
    s = [strides] * n if type(strides) is int else spatial_values(
        strides, n, "strides", channels_last)
    d = [1] * n if dilations is None else spatial_values(
        dilations, n, "dilations", channels_last)
    sizes = x_size[1:-1] if channels_last else x_size[2:]
    pads = window_pads(sizes, w_size[:n], s, d, padding, channels_last, op)
    return _conv(x, w, s, d, pads, channels_last)


def conv2d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NHWC",
           dilations: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """2-D convolution of `input` `[batch, height, width, in]` with `filters`
    `[height, width, in, out]` (TF's layout), `padding` `"SAME"` or `"VALID"`.

    >>> import tftape_torch as tf
    >>> y = tf.nn.conv2d(tf.ones([1, 4, 4, 2]), tf.ones([3, 3, 2, 5]), strides=2, padding="VALID")
    >>> print(y.shape)
    (1, 1, 1, 5)

    Raises:
      ValueError: for inputs or filters of the wrong rank, or an unknown padding.
      InvalidArgumentError: if the input channels do not match the filters'.
    """
    return _convolve("Conv2D", 2, input, filters, strides, padding, data_format, dilations)


def conv3d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NDHWC",
           dilations: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """3-D convolution of `input` `[batch, depth, height, width, in]` with `filters`
    `[depth, height, width, in, out]`; `strides` and `dilations` list 5 values, the
    first and last 1, as TF requires.

    >>> import tftape_torch as tf
    >>> y = tf.nn.conv3d(tf.ones([1, 3, 3, 3, 1]), tf.ones([2, 2, 2, 1, 4]),
    ...                  [1, 1, 1, 1, 1], "VALID")
    >>> print(y.shape, float(y[0, 0, 0, 0, 0]))
    (1, 2, 2, 2, 4) 8.0

    Raises:
      ValueError: for inputs or filters of the wrong rank, or an unknown padding.
      TypeError: for strides or dilations that are not lists.
      InvalidArgumentError: for strides or dilations not of length 5, or input channels
        that do not match the filters'.
      UnimplementedError: for a stride or dilation other than 1 in the batch or channel
        place (TF's kernels have none).
    """
    for argument, value in (("strides", strides), ("dilations", dilations)):
        if value is None and argument == "dilations":
            continue
        if not isinstance(value, (list, tuple)):
            raise TypeError(f"Expected list for '{argument}' argument to 'conv3d' Op, not "
                            f"{value!r}.")
        items = [int(v) for v in value]
        if len(items) != 5:
            raise InvalidArgumentError(
                None, None, f"Length for attr '{argument}' of {len(items)} must be at least "
                "minimum 5 [Op:Conv3D]")
        if items[0] != 1 or items[4] != 1:
            raise UnimplementedError(
                None, None, f"Current implementation does not yet support {argument} in the "
                "batch and depth dimensions. [Op:Conv3D]")
    return _convolve("Conv3D", 3, input, filters, strides, padding, data_format, dilations)


def conv1d(input: Any, filters: Any, stride: Any, padding: Any, data_format: str = "NWC",
           dilations: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """1-D convolution of `input` `[batch, width, in]` with `filters` `[width, in, out]`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.conv1d(tf.ones([1, 3, 1]), tf.ones([2, 1, 1]), 1, "SAME")[0, :, 0])
    tf.Tensor([2. 2. 1.], shape=(3,), dtype=float32)
    """
    return _convolve("Conv2D", 1, input, filters, stride, padding, data_format, dilations)


def _max_pool(x: torch.Tensor, k: List[int], s: List[int], pads: List[Tuple[int, int]]
              ) -> torch.Tensor:
    pool = F.max_pool2d if len(k) == 2 else F.max_pool3d
    x = torch.movedim(x, -1, 1)
    if _padded(pads):
        x = F.pad(x, flat_pad(pads), value=-math.inf)
    return torch.movedim(pool(x, k, s), 1, -1)


def _padded(pads: List[Tuple[int, int]]) -> bool:
    """Whether a window op pads its input at all ("VALID", or "SAME" that fits)."""
    for before, after in pads:
        if before or after:
            return True
    return False


def _avg_pool(x: torch.Tensor, k: List[int], s: List[int], pads: List[Tuple[int, int]]
              ) -> torch.Tensor:
    # TF averages over the window's elements inside the input only.
    pool = F.avg_pool2d if len(k) == 2 else F.avg_pool3d
    x = torch.movedim(x, -1, 1)
    padded = [size + before + after for size, (before, after) in zip(x.shape[2:], pads)]
    if any(size < window for size, window in zip(padded, k)):
        # A window larger than the (padded) input: TF's result is empty there.
        outs = [builtins.max((size - window) // stride + 1, 0)
                for size, window, stride in zip(padded, k, s)]
        empty = x.reshape(-1)[:0] * 0.0  # (connected to `x`, as TF's empty result is)
        return empty.reshape([x.shape[0], *outs, x.shape[1]])
    if not _padded(pads):  # every window inside the input: torch's own average
        return torch.movedim(pool(x, k, s), 1, -1)
    total = pool(F.pad(x, flat_pad(pads)), k, s)
    ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
    counted = pool(F.pad(ones, flat_pad(pads)), k, s)
    return torch.movedim(total / counted, 1, -1)


def _pool(op: str, fn: Any, input: Any, ksize: Any, strides: Any, padding: Any,
          data_format: str, n: int = 2) -> torch.Tensor:
    x = float_input(input, op, allow_complex=False)
    layout = "NHWC" if n == 2 else "NDHWC"
    if data_format != layout:
        raise ValueError(f"data_format {data_format!r} is not supported here; use {layout!r}")
    if x.dim() != n + 2:
        raise InvalidArgumentError(None, None, f"Input must be 4 or 5-dimensional [Op:{op}]")
    k = spatial_values(ksize, n, "ksize", True)
    s = spatial_values(strides, n, "strides", True)
    pads = window_pads(list(x.shape[1:-1]), k, s, [1] * n, padding, True, op)
    return call(op, fn, (x,), x, k, s, pads)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
               name: Optional[str] = None) -> torch.Tensor:
    """The maximum of each `ksize` window of `input` `[batch, height, width, channels]`.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> print(tf.reshape(tf.nn.max_pool2d(x, 2, 2, "VALID"), [2, 2]))
    tf.Tensor(
    [[ 5.  7.]
     [13. 15.]], shape=(2, 2), dtype=float32)
    """
    return _pool("MaxPool", _max_pool, input, ksize, strides, padding, data_format)


def avg_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
               name: Optional[str] = None) -> torch.Tensor:
    """The mean of each `ksize` window (with `"SAME"`, of its elements inside `input`).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(9.0), [1, 3, 3, 1])
    >>> print(tf.reshape(tf.nn.avg_pool2d(x, 2, 2, "SAME"), [2, 2]))
    tf.Tensor(
    [[2.  3.5]
     [6.5 8. ]], shape=(2, 2), dtype=float32)
    """
    return _pool("AvgPool", _avg_pool, input, ksize, strides, padding, data_format)


def max_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NDHWC", name: Optional[str] = None) -> torch.Tensor:
    """The maximum of each `ksize` window of `input` `[batch, depth, height, width,
    channels]`.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(8.0), [1, 2, 2, 2, 1])
    >>> print(tf.reshape(tf.nn.max_pool3d(x, 2, 2, "VALID"), []))
    tf.Tensor(7.0, shape=(), dtype=float32)
    """
    return _pool("MaxPool3D", _max_pool, input, ksize, strides, padding, data_format, 3)


def avg_pool3d(input: Any, ksize: Any, strides: Any, padding: Any,
               data_format: str = "NDHWC", name: Optional[str] = None) -> torch.Tensor:
    """The mean of each `ksize` window of `input` `[batch, depth, height, width,
    channels]` (with `"SAME"`, of its elements inside `input`).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(8.0), [1, 2, 2, 2, 1])
    >>> print(tf.reshape(tf.nn.avg_pool3d(x, 2, 2, "VALID"), []))
    tf.Tensor(3.5, shape=(), dtype=float32)
    """
    return _pool("AvgPool3D", _avg_pool, input, ksize, strides, padding, data_format, 3)


def _one_dim(value: Any, name: str) -> List[int]:
    """A 1-D pooling `ksize`/`strides` (an int, or a list of 1 or 3) as 2-D `[1, n]`."""
    values = [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)]
    if len(values) == 3:
        values = values[1:2]
    if len(values) != 1:
        raise ValueError(f"`{name}` should be of length 1 or 3. Received: {name}={value}")
    return [1, values[0]]


def _pool1d(pool2d: Any, input: Any, ksize: Any, strides: Any, padding: Any,
            data_format: str) -> torch.Tensor:
    if data_format != "NWC":
        raise ValueError(f"data_format {data_format!r} is not supported here; use 'NWC'")
    x = float_input(input, "MaxPool" if pool2d is max_pool2d else "AvgPool",
                    allow_complex=False)
    if x.dim() != 3:
        raise InvalidArgumentError(None, None, f"input must be 4-dimensional after a width "
                                   f"dimension is added; got shape {list(x.shape)} [Op:MaxPool]")
    out = pool2d(expand_dims(x, 1), _one_dim(ksize, "ksize"), _one_dim(strides, "strides"),
                 padding)
    return squeeze(out, [1])


def max_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",
               name: Optional[str] = None) -> torch.Tensor:
    """The maximum of each `ksize` window of `input` `[batch, width, channels]`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.max_pool1d(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID")[0, :, 0])
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)
    """
    return _pool1d(max_pool2d, input, ksize, strides, padding, data_format)


def avg_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",
               name: Optional[str] = None) -> torch.Tensor:
    """The mean of each `ksize` window of `input` `[batch, width, channels]`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.avg_pool1d(tf.reshape(tf.range(4.0), [1, 4, 1]), 2, 2, "VALID")[0, :, 0])
    tf.Tensor([0.5 2.5], shape=(2,), dtype=float32)
    """
    return _pool1d(avg_pool2d, input, ksize, strides, padding, data_format)


def _pool_by_rank(pools: Tuple[Any, Any, Any], input: Any, ksize: Any, strides: Any,
                  padding: Any, data_format: Optional[str]) -> torch.Tensor:
    rank = float_input(input, "Pool", allow_complex=False).dim()
    if rank not in (3, 4, 5):
        raise ValueError(f"`input.shape.rank` must be 3, 4 or 5. Received: "
                         f"input.shape={tuple(input.shape)} of rank {rank}")
    layout = data_format or ("NWC", "NHWC", "NDHWC")[rank - 3]
    return pools[rank - 3](input, ksize, strides, padding, layout)


def max_pool(input: Any, ksize: Any, strides: Any, padding: Any,
             data_format: Optional[str] = None, name: Optional[str] = None) -> torch.Tensor:
    """`max_pool1d`, `max_pool2d` or `max_pool3d`, by the rank of `input` (3, 4 or 5)."""
    return _pool_by_rank((max_pool1d, max_pool2d, max_pool3d), input, ksize, strides,
                         padding, data_format)


def avg_pool(input: Any, ksize: Any, strides: Any, padding: Any,
             data_format: Optional[str] = None, name: Optional[str] = None) -> torch.Tensor:
    """`avg_pool1d`, `avg_pool2d` or `avg_pool3d`, by the rank of `input` (3, 4 or 5)."""
    return _pool_by_rank((avg_pool1d, avg_pool2d, avg_pool3d), input, ksize, strides,
                         padding, data_format)


# ---------------------------------------------------------------------------
# Transposed convolutions: the gradient of the convolution with respect to its input


def _conv_transpose(x: torch.Tensor, w: torch.Tensor, out_shape: List[int],
                    strides: List[int], dilations: List[int],
                    pads: List[Tuple[int, int]]) -> torch.Tensor:
    probe = torch.zeros(out_shape, dtype=x.dtype, device=x.device, requires_grad=True)
    with torch.enable_grad():
        forward = _conv(probe, w, strides, dilations, pads, True)
    building = torch.is_grad_enabled() and (x.requires_grad or w.requires_grad)
    (out,) = torch.autograd.grad(forward, probe, grad_outputs=x, create_graph=building)
    return out if building else out.detach()


def _padding_attr(padding: Any, op: str) -> None:
    """The kernel's `padding` attribute: `"SAME"` or `"VALID"` (TF's op check)."""
    if isinstance(padding, str) and padding.upper() not in ("SAME", "VALID"):
        raise InvalidArgumentError(
            None, None, f"Value for attr 'padding' of \"{padding}\" is not in the list of "
            f"allowed values: \"SAME\", \"VALID\" [Op:{op}]")


def _transpose(op: str, n: int, input: Any, filters: Any, output_shape: Any, strides: Any,
               padding: Any, data_format: Optional[str], dilations: Any) -> torch.Tensor:
    _padding_attr(padding, op)
    x = float_input(input, op, allow_complex=False)
    w = as_tensor(filters, x.dtype)
    if data_format not in (None, "NWC", "NHWC", "NDHWC"):
        raise ValueError(f"data_format {data_format!r} is not supported here; use channels last")
    out_shape = [int(v) for v in (output_shape.tolist() if isinstance(output_shape,
                                                                      torch.Tensor)
                                  else output_shape)]
    if len(out_shape) != n + 2:
        raise InvalidArgumentError(
            None, None, f"output_shape must have {n + 2} elements, got {out_shape} [Op:{op}]")
    if x.dim() != n + 2 or w.dim() != n + 2:
        raise ValueError(f"input and filters must have rank {n + 2}; got {list(x.shape)} and "
                         f"{list(w.shape)}")
    if w.shape[-2] != out_shape[-1]:
        raise InvalidArgumentError(
            None, None, f"filters [..., out, in] = {list(w.shape)} do not match output "
            f"channels {out_shape[-1]} [Op:{op}]")
    if w.shape[-1] != x.shape[-1]:
        raise ValueError(f"filters [..., out, in] = {list(w.shape)} do not match input "
                         f"channels {x.shape[-1]}")
    s = spatial_values(strides, n, "strides", True)
    d = spatial_values(dilations, n, "dilations", True)
    pads = window_pads(out_shape[1:-1], list(w.shape[:n]), s, d, padding, True)
    _check_backprop_sizes(op, n, list(x.shape), out_shape, list(w.shape[:n]), s, d, padding)
    return call(op, _conv_transpose, (x, w), x, w, out_shape, s, d, pads)


def _check_backprop_sizes(op: str, n: int, x_shape: List[int], out_shape: List[int],
                          kernel: List[int], strides: List[int], dilations: List[int],
                          padding: str) -> None:
    """TF's kernel checks that `output_shape` maps back to the input's shape through
    the convolution (its InvalidArgumentErrors; the 1-D op is the 2-D one on an
    expanded input, so its width is spatial dimension 2)."""
    kernel_name = "Conv3DBackpropInputOp" if n == 3 else "Conv2DCustomBackpropInput"
    if x_shape[0] != out_shape[0]:
        raise InvalidArgumentError(
            None, None, f"{kernel_name}: input and out_backprop must have the same batch size."
            f" Input batch: {out_shape[0]}, outbackprop batch: {x_shape[0]}, batch_dim: 0 "
            f"[Op:{op}]")
    for i in range(n):
        size, k, stride, dilation = out_shape[i + 1], kernel[i], strides[i], dilations[i]
        effective = (k - 1) * dilation + 1
        computed = ((size + stride - 1) // stride if padding == "SAME"
                    else max(size - effective + stride, 0) // stride)
        if computed != x_shape[i + 1]:
            raise InvalidArgumentError(
                None, None, f"{kernel_name}: Size of out_backprop doesn't match computed: "
                f"actual = {x_shape[i + 1]}, computed = {computed} spatial_dim: "
                f"{i + 1 + (n == 1)} input: {size} filter: {k} output: {x_shape[i + 1]} "
                f"stride: {stride} dilation: {dilation} [Op:{op}]")


def conv2d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,
                     padding: str = "SAME", data_format: str = "NHWC", dilations: Any = None,
                     name: Optional[str] = None) -> torch.Tensor:
    """The transpose of `conv2d` (the gradient of `conv2d` with respect to its input, as
    TF defines it): `filters` `[height, width, out, in]`, result of `output_shape`.

    >>> import tftape_torch as tf
    >>> y = tf.nn.conv2d_transpose(tf.ones([1, 2, 2, 1]), tf.ones([2, 2, 3, 1]),
    ...                            [1, 4, 4, 3], strides=2, padding="SAME")
    >>> print(y.shape)
    (1, 4, 4, 3)

    Raises:
      ValueError: for mismatched ranks or input channels.
      InvalidArgumentError: for filters whose output channels differ from
        `output_shape`'s, an `output_shape` the convolution does not map back to the
        input's shape (as TF's kernel), or a `padding` other than `"SAME"` and
        `"VALID"`.
    """
    return _transpose("Conv2DBackpropInput", 2, input, filters, output_shape, strides,
                      padding, data_format, dilations)


def conv1d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,
                     padding: str = "SAME", data_format: str = "NWC", dilations: Any = None,
                     name: Optional[str] = None) -> torch.Tensor:
    """The transpose of `conv1d`: `filters` `[width, out, in]`, result of
    `output_shape` `[batch, width, out]`."""
    return _transpose("Conv2DBackpropInput", 1, input, filters, output_shape, strides,
                      padding, data_format, dilations)


def conv3d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,
                     padding: str = "SAME", data_format: str = "NDHWC", dilations: Any = None,
                     name: Optional[str] = None) -> torch.Tensor:
    """The transpose of `conv3d`: `filters` `[depth, height, width, out, in]`, result of
    `output_shape` `[batch, depth, height, width, out]`.

    >>> import tftape_torch as tf
    >>> y = tf.nn.conv3d_transpose(tf.ones([1, 1, 1, 1, 2]), tf.ones([2, 2, 2, 3, 2]),
    ...                            [1, 2, 2, 2, 3], strides=2, padding="VALID")
    >>> print(y.shape, float(y[0, 0, 0, 0, 0]))
    (1, 2, 2, 2, 3) 2.0
    """
    return _transpose("Conv3DBackpropInputV2", 3, input, filters, output_shape, strides,
                      padding, data_format, dilations)


def conv_transpose(input: Any, filters: Any, output_shape: Any, strides: Any,
                   padding: str = "SAME", data_format: Optional[str] = None,
                   dilations: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """`conv1d_transpose`, `conv2d_transpose` or `conv3d_transpose`, by the length of
    `output_shape`."""
    n = len(output_shape.tolist() if isinstance(output_shape, torch.Tensor) else output_shape)
    fn, layout = {3: (conv1d_transpose, "NWC"), 4: (conv2d_transpose, "NHWC")}.get(
        n, (conv3d_transpose, "NDHWC"))
    return fn(input, filters, output_shape, strides, padding, data_format or layout, dilations)


_FORMATS = {1: ("NWC", "NCW", "NHWC"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def convolution(input: Any, filters: Any, strides: Any = None, padding: str = "VALID",
                data_format: Optional[str] = None, dilations: Any = None,
                name: Optional[str] = None) -> torch.Tensor:
    """A 1-D, 2-D or 3-D convolution, by the rank of `filters` (`[*spatial, in, out]`):
    `conv1d`, `conv2d` or `conv3d` with `strides` and `dilations` of one value per
    spatial dimension (or one for all).

    >>> import tftape_torch as tf
    >>> print(tf.nn.convolution(tf.ones([1, 4, 1]), tf.ones([2, 1, 1]))[0, :, 0])
    tf.Tensor([2. 2. 2.], shape=(3,), dtype=float32)

    Raises:
      ValueError: for `filters` that are not of rank 3, 4 or 5, an unknown
        `data_format`, or strides and dilations both above 1.
      TypeError: for a `padding` that is not a string.
    """
    w = as_tensor(filters)
    n = w.dim() - 2
    if n not in (1, 2, 3):
        raise ValueError(f"`num_spatial_dims` must be 1, 2, or 3. Received: num_spatial_dims={n}.")
    if data_format is not None and data_format not in _FORMATS[n]:
        raise ValueError(f"`data_format` must be one of {_FORMATS[n]}. Received: "
                         f"data_format={data_format}")
    if not isinstance(padding, str):
        raise TypeError(f"`padding` must be 'VALID' or 'SAME' for tf.nn.convolution. Received: "
                        f"padding={padding!r}")
    _padding_attr(padding, "Conv3D" if n == 3 else "Conv2D")
    s = spatial_values(strides, n, "strides", True)
    d = spatial_values(dilations, n, "dilations", True)
    if any(v > 1 for v in s) and any(v > 1 for v in d):
        raise ValueError(f"`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                         f"Received: strides={strides} and dilation_rate={dilations}")
    op = "Conv3D" if n == 3 else "Conv2D"
    layout = "NWC" if data_format == "NHWC" and n == 1 else data_format  # TF's old 1-D alias
    return _convolve(op, n, input, w, strides, padding, layout, dilations)


# ---------------------------------------------------------------------------
# Depthwise and separable convolutions: grouped convolutions


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any,
                     data_format: Optional[str] = None, dilations: Any = None,
                     name: Optional[str] = None) -> torch.Tensor:
    """Convolves each input channel with its own `channel_multiplier` filters:
    `filter` `[height, width, in, multiplier]`, output channel `i * multiplier + m`.

    >>> import tftape_torch as tf
    >>> y = tf.nn.depthwise_conv2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 2, 3]),
    ...                            [1, 1, 1, 1], "VALID")
    >>> print(y.shape)
    (1, 2, 2, 6)
    """
    w = as_tensor(filter)
    if w.dim() != 4:
        raise ValueError(f"filter must be 4-dimensional; got shape {list(w.shape)}")
    grouped = reshape(w, [w.shape[0], w.shape[1], 1, w.shape[2] * w.shape[3]])
    return _convolve("DepthwiseConv2dNative", 2, input, grouped, strides, padding,
                     data_format or "NHWC", dilations)


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any, strides: Any,
                     padding: Any, data_format: Optional[str] = None, dilations: Any = None,
                     name: Optional[str] = None) -> torch.Tensor:
    """`depthwise_conv2d`, then a 1x1 convolution with `pointwise_filter`
    `[1, 1, in * multiplier, out]`.

    >>> import tftape_torch as tf
    >>> y = tf.nn.separable_conv2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 2, 3]),
    ...                            tf.ones([1, 1, 6, 4]), [1, 1, 1, 1], "VALID")
    >>> print(y.shape)
    (1, 2, 2, 4)
    """
    depthwise = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format,
                                 dilations)
    return conv2d(depthwise, pointwise_filter, 1, "VALID", data_format or "NHWC")


# ---------------------------------------------------------------------------
# The depthwise convolution's gradients as ops of their own


def _depthwise_filter_gradient(x: torch.Tensor, dy: torch.Tensor, filter_shape: List[int],
                               strides: List[int], dilations: List[int],
                               pads: List[Tuple[int, int]]) -> torch.Tensor:
    probe = torch.zeros(filter_shape, dtype=x.dtype, device=x.device, requires_grad=True)
    with torch.enable_grad():
        w = probe.reshape(*filter_shape[:2], 1, -1)
        forward = _conv(x, w, strides, dilations, pads, True)
    if list(forward.shape) != list(dy.shape):
        raise ValueError(f"out_backprop has shape {list(dy.shape)}; the convolution gives "
                         f"{list(forward.shape)}")
    building = torch.is_grad_enabled() and (x.requires_grad or dy.requires_grad)
    (out,) = torch.autograd.grad(forward, probe, grad_outputs=dy, create_graph=building)
    return out if building else out.detach()


def _sizes(value: Any) -> List[int]:
    return [int(v) for v in (value.tolist() if isinstance(value, torch.Tensor) else value)]


def _backprop(op: str, x_or_sizes: Any, w_or_sizes: Any, out_backprop: Any, strides: Any,
              padding: Any, data_format: str, dilations: Any, wanted: str) -> torch.Tensor:
    """The gradient of a 2-D depthwise convolution with respect to its input
    (`wanted="input"`: `x_or_sizes` gives the input's shape) or its filter (the
    filter's shape in `w_or_sizes`), in channels-last layout."""
    if data_format != "NHWC":
        raise ValueError(f"data_format {data_format!r} is not supported here; use 'NHWC'")
    _padding_attr(padding, op)
    dy = float_input(out_backprop, op, allow_complex=False)
    s = spatial_values(strides, 2, "strides", True)
    d = spatial_values(dilations, 2, "dilations", True)
    if wanted == "input":
        w = as_tensor(w_or_sizes, dy.dtype)
        input_shape = _sizes(x_or_sizes)
        grouped = reshape(w, [w.shape[0], w.shape[1], 1, -1])
        pads = window_pads(input_shape[1:-1], list(w.shape[:2]), s, d, padding, True)
        return call(op, _conv_transpose, (dy, grouped), dy, grouped, input_shape, s, d, pads)
    x = as_tensor(x_or_sizes, dy.dtype)
    filter_shape = _sizes(w_or_sizes)
    pads = window_pads(list(x.shape[1:-1]), filter_shape[:2], s, d, padding, True)
    return call(op, _depthwise_filter_gradient, (x, dy), x, dy, filter_shape, s, d, pads)


def depthwise_conv2d_backprop_input(input_sizes: Any, filter: Any, out_backprop: Any,
                                    strides: Any, padding: Any, data_format: str = "NHWC",
                                    dilations: Any = (1, 1, 1, 1),
                                    name: Optional[str] = None) -> torch.Tensor:
    """The gradient of `depthwise_conv2d` with respect to its input, whose shape is
    `input_sizes`, for the output's gradient `out_backprop`.

    `dilations` is accepted and ignored, as by TF's CPU kernel (which computes the
    undilated gradient); a dilated convolution's gradient is a tape's to compute.

    >>> import tftape_torch as tf
    >>> dx = tf.nn.depthwise_conv2d_backprop_input(
    ...     [1, 3, 3, 1], tf.ones([2, 2, 1, 1]), tf.ones([1, 2, 2, 1]), [1, 1, 1, 1], "VALID")
    >>> print(dx[0, :, :, 0])
    tf.Tensor(
    [[1. 2. 1.]
     [2. 4. 2.]
     [1. 2. 1.]], shape=(3, 3), dtype=float32)
    """
    return _backprop("DepthwiseConv2dNativeBackpropInput", input_sizes, filter, out_backprop,
                     strides, padding, data_format, None, "input")


def depthwise_conv2d_backprop_filter(input: Any, filter_sizes: Any, out_backprop: Any,
                                     strides: Any, padding: Any, data_format: str = "NHWC",
                                     dilations: Any = (1, 1, 1, 1),
                                     name: Optional[str] = None) -> torch.Tensor:
    """The gradient of `depthwise_conv2d` with respect to its filter, of shape
    `filter_sizes` `[height, width, in, multiplier]` (`dilations` ignored, as by TF's CPU
    kernel)."""
    return _backprop("DepthwiseConv2dNativeBackpropFilter", input, filter_sizes, out_backprop,
                     strides, padding, data_format, None, "filter")
