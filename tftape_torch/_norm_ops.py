"""TF's norms: `tf.norm` / `tf.linalg.norm`, `l2_normalize` (`tf.math`, `tf.nn`, `tf.linalg`)
and `tf.nn.local_response_normalization`.

Both are TF's composites, not torch's fused kernels, so their gradients are TF's: the
Euclidean norm is `sqrt(reduce_sum(x * x))`, whose gradient at 0 is NaN as in TF,
ties of the infinity norms share the gradient equally (TF's `reduce_max`), and the
spectral norm is the largest singular value.

>>> import tftape_torch as tf
>>> print(tf.norm(tf.constant([[3.0, 4.0]]), axis=1))
tf.Tensor([5.], shape=(1,), dtype=float32)
"""

from __future__ import annotations

import builtins
from typing import Any, List, Optional, Union

import numpy as np
import torch

from tftape_torch._dtypes import kernel_name
from tftape_torch._op_call import as_tensor, axis_arg, call, float_input
from tftape_torch.errors import InvalidArgumentError

_Tensor = torch.Tensor

__all__ = ["global_norm", "l2_normalize", "local_response_normalization", "norm", "normalize"]


def _error(message: str, op: str) -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"{message} [Op:{op}]")


_Ord = Union[str, int, float]
_AXIS_MESSAGE = "'axis' must be None, an integer, or a tuple of 2 unique integers, got {}"


def _norm(
    x: torch.Tensor, order: _Ord, axes: Optional[List[int]], matrix: builtins.bool,
    keep: builtins.bool,
) -> torch.Tensor:
    dims = list(builtins.range(x.dim())) if axes is None else axes
    if matrix and order in (2, 2.0):
        moved = torch.movedim(x, dims, [-2, -1])
        out = torch.amax(torch.linalg.svdvals(moved), dim=-1)
        if keep:
            for d in sorted(d % x.dim() for d in dims):
                out = out.unsqueeze(d)
        return out
    if order in ("fro", "euclidean", 2, 2.0):
        squares = x * x.conj() if x.is_complex() else x * x
        out = torch.sqrt(torch.sum(squares, dim=dims, keepdim=True))
        out = out.real if out.is_complex() else out
    else:
        size = torch.abs(x)
        if order == 1:
            if matrix:
                out = torch.amax(torch.sum(size, dims[0], keepdim=True), dims[1], keepdim=True)
            else:
                out = torch.sum(size, dim=dims, keepdim=True)
        elif order == np.inf:
            if matrix:
                out = torch.amax(torch.sum(size, dims[1], keepdim=True), dims[0], keepdim=True)
            else:
                out = torch.amax(size, dim=dims, keepdim=True)
        else:
            p = float(order)
            out = torch.pow(torch.sum(torch.pow(size, p), dim=dims, keepdim=True), 1.0 / p)
    if not keep:
        out = torch.squeeze(out, tuple(dims)) if dims else out
    return out


def norm(
    tensor: Any,
    ord: _Ord = "euclidean",
    axis: Any = None,
    keepdims: Optional[builtins.bool] = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """The vector norm (over all entries, or `axis`) or matrix norm (a pair of axes).

    `ord`: "euclidean"/2 (the default), 1, `np.inf` or any p > 0 for vectors; "fro",
    "euclidean", 1, 2 or `np.inf` for matrices. Computed as TF does, so the gradient
    of the Euclidean norm at 0 is NaN, as TF's.

    >>> import tftape_torch as tf
    >>> print(tf.norm([3.0, 4.0]))
    tf.Tensor(5.0, shape=(), dtype=float32)
    >>> print(tf.norm([[1.0, -2.0], [3.0, 4.0]], ord=1, axis=[0, 1]))
    tf.Tensor(6.0, shape=(), dtype=float32)

    Raises:
      ValueError: for an unsupported `ord` or a bad `axis`.
    """
    keep = builtins.bool(keepdims) if keepdims is not None else False
    axes_value = axis_arg(axis) if isinstance(axis, (_Tensor, np.ndarray)) else axis
    matrix = isinstance(axes_value, (tuple, list)) and len(axes_value) == 2
    if matrix:
        pair = [a for a in axes_value]
        if not all(isinstance(a, (int, np.integer)) for a in pair) or pair[0] == pair[1]:
            raise ValueError(_AXIS_MESSAGE.format(axis))
        if ord not in ("euclidean", "fro", 1, 2, np.inf):
            raise ValueError(f"'ord' must be a supported matrix norm in "
                             f"['euclidean', 'fro', 1, 2, inf], got {ord}")
        axes: Optional[List[int]] = [int(a) for a in pair]
    else:
        if not (axes_value is None or isinstance(axes_value, (int, np.integer))):
            raise ValueError(_AXIS_MESSAGE.format(axis))
        if ord not in ("euclidean", 1, 2, np.inf) and (
            isinstance(ord, str) or not np.isreal(ord) or ord <= 0
        ):
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        axes = None if axes_value is None else [int(axes_value)]
    x = as_tensor(tensor)
    if axes is not None:
        for a in axes:
            if not -x.dim() <= a < builtins.max(x.dim(), 1):
                raise _error(f"Invalid reduction dimension ({a} for input with {x.dim()} "
                             "dimension(s)", "Sum")
        axes = [a % x.dim() for a in axes]
    return call("Norm", _norm, (x,), x, ord, axes, matrix, keep)


def _l2_normalize(x: torch.Tensor, axes: Optional[List[int]], epsilon: float) -> torch.Tensor:
    dims = list(builtins.range(x.dim())) if axes is None else axes
    if x.is_complex():
        square_sum = torch.sum(x.real * x.real + x.imag * x.imag, dim=dims, keepdim=True)
        inv_norm = torch.rsqrt(torch.clamp_min(square_sum, epsilon))
        return x * inv_norm.to(x.dtype)
    square_sum = torch.sum(x * x, dim=dims, keepdim=True)
    return x * torch.rsqrt(torch.clamp_min(square_sum, epsilon))


def l2_normalize(
    x: Any,
    axis: Any = None,
    epsilon: float = 1e-12,
    name: Optional[str] = None,
    dim: Any = None,
) -> torch.Tensor:
    """`x / sqrt(max(reduce_sum(x ** 2, axis), epsilon))` along `axis` (all axes by default).

    >>> import tftape_torch as tf
    >>> print(tf.math.l2_normalize([3.0, 4.0]))
    tf.Tensor([0.6 0.8], shape=(2,), dtype=float32)
    """
    t = float_input(x, "L2Normalize")
    chosen = axis if axis is not None else dim
    axes = None
    if chosen is not None:
        found = axis_arg(chosen)
        axes = [found] if isinstance(found, int) else list(found)
        for a in axes:
            if not -t.dim() <= a < builtins.max(t.dim(), 1):
                raise _error(f"Invalid reduction dimension ({a} for input with {t.dim()} "
                             "dimension(s)", "Sum")
        axes = [a % t.dim() for a in axes]
    return call("L2Normalize", _l2_normalize, (t,), t, axes, float(epsilon))


def _global_norm(tensors: List[torch.Tensor]) -> torch.Tensor:
    total = torch.sum(tensors[0] * tensors[0])
    for t in tensors[1:]:
        total = total + torch.sum(t * t)
    return torch.sqrt(total)


def global_norm(t_list: Any, name: Optional[str] = None) -> torch.Tensor:
    """`sqrt(sum(||t||^2 for t in t_list))`, skipping `None`s (the norm
    `clip_by_global_norm` clips by).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.global_norm([tf.constant([3.0]), None, tf.constant([4.0])]))
    tf.Tensor(5.0, shape=(), dtype=float32)

    Raises:
      TypeError: `t_list` is not a sequence.
    """
    if isinstance(t_list, (torch.Tensor, str)) or not hasattr(t_list, "__iter__"):
        raise TypeError("`t_list` should be a sequence of tensors. Received "
                        f"{type(t_list)}.")
    tensors = [float_input(t, "GlobalNorm") for t in t_list if t is not None]
    if not tensors:
        return call("GlobalNorm", torch.zeros, (), ())
    return call("GlobalNorm", _global_norm, tensors, tensors)


def normalize(tensor: Any, ord: _Ord = "euclidean", axis: Any = None,
              name: Optional[str] = None) -> Any:
    """`tensor` divided by its norm along `axis`, and that norm (kept dimensions).

    >>> import tftape_torch as tf
    >>> unit, size = tf.linalg.normalize(tf.constant([3.0, 4.0]))
    >>> print(unit, size)
    tf.Tensor([0.6 0.8], shape=(2,), dtype=float32) tf.Tensor([5.], shape=(1,), dtype=float32)
    """
    size = norm(tensor, ord=ord, axis=axis, keepdims=True)
    x = as_tensor(tensor)
    return call("RealDiv", torch.div, (x, size), x, size), size


_LRN_DTYPES = (torch.float16, torch.bfloat16, torch.float32)


def _lrn(x: torch.Tensor, radius: int, bias: float, alpha: float, beta: float
         ) -> torch.Tensor:
    squares = torch.square(x)
    depth = x.shape[-1]
    window = torch.ones((1, 1, 2 * radius + 1), dtype=x.dtype, device=x.device)
    sums = torch.nn.functional.conv1d(squares.reshape(-1, 1, depth), window, padding=radius)
    return x / torch.pow(bias + alpha * sums.reshape(x.shape), beta)


def local_response_normalization(input: Any, depth_radius: int = 5, bias: float = 1.0,
                                 alpha: float = 1.0, beta: float = 0.5,
                                 name: Optional[str] = None) -> torch.Tensor:
    """Normalizes each value of a 4-D `input` by the squares of its `depth_radius`
    neighbours along the last axis: `x / (bias + alpha * sum(x[d - r : d + r + 1] ** 2))
    ** beta`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.local_response_normalization(tf.fill([1, 1, 1, 2], 1.0), 1, 0.0, 1.0, 1.0))
    tf.Tensor([[[[0.5 0.5]]]], shape=(1, 1, 1, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for an input that is not 4-D, or not float16, bfloat16 or
        float32.
    """
    x = as_tensor(input)
    if x.dtype not in _LRN_DTYPES:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'T' of {kernel_name(x.dtype)} is not in the list of "
            "allowed values: half, bfloat16, float [Op:LRN]")
    if x.dim() != 4:
        raise _error(f"in must be 4-dimensional, got shape {list(x.shape)}", "LRN")
    return call("LRN", _lrn, (x,), x, int(depth_radius), float(bias), float(alpha),
                float(beta))
