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
from typing import Any, List, Optional, Tuple, Union

import numpy as np
import torch

from tftape_torch._dtypes import dtype_name, kernel_name
from tftape_torch._kernels import maximum, needs_grad, visible_to_modes
from tftape_torch._op_call import as_tensor, axis_arg, call, disallowed
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._rsqrt_kernel import rsqrt
from tftape_torch._svd_kernel import singular_values
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
)
from tftape_torch.errors import InvalidArgumentError, NotFoundError

_Tensor = torch.Tensor

__all__ = ["global_norm", "l2_normalize", "local_response_normalization", "norm", "normalize"]


_Ord = Union[str, int, float]
_AXIS_MESSAGE = "'axis' must be None, an integer, or a tuple of 2 unique integers, got {}"


def _norm(
    x: torch.Tensor, order: _Ord, axes: Optional[List[int]], matrix: builtins.bool,
    keep: builtins.bool,
) -> torch.Tensor:
    dims = list(builtins.range(x.dim())) if axes is None else axes
    if matrix and order in (2, 2.0):
        moved = torch.movedim(x, dims, [-2, -1])
        # NOTE: TF takes `abs` of the singular values first: its gradient, `sign`, is 0
        # at a zero singular value, so a zero matrix has gradient 0 (not 0.5 * I).
        out = torch.amax(torch.abs(singular_values(moved)), dim=-1)
        if keep:
            for d in sorted(d % x.dim() for d in dims):
                out = out.unsqueeze(d)
        return out
    if order in ("fro", "euclidean", 2, 2.0):
        # TF's `sqrt(reduce_sum(x * conj(x)))`: complex for a complex `x` (0j imaginary)
        # (torch's `mul`: `*` on a drop-in tensor would run its TF operator again)
        squares = torch.mul(x, x.conj()) if x.is_complex() else torch.mul(x, x)
        if not x.is_complex():  # (one reduction to the result's shape, no squeeze)
            return torch.sqrt(torch.sum(squares, dim=dims, keepdim=keep))
        out = torch.sqrt(torch.sum(squares, dim=dims, keepdim=True))
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
    return out if out.dtype == x.dtype or x.is_complex() else out.to(x.dtype)  # int sums


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
    # NOTE: TF takes Python ints only: a tensor or NumPy integer axis is a ValueError.
    matrix = isinstance(axis, (tuple, list)) and len(axis) == 2
    if matrix:
        pair = list(axis)
        if not all(isinstance(a, int) for a in pair) or pair[0] == pair[1]:
            raise ValueError(_AXIS_MESSAGE.format(tuple(axis)))
        if ord not in ("euclidean", "fro", 1, 2, np.inf):
            raise ValueError(f"'ord' must be a supported matrix norm in "
                             f"['euclidean', 'fro', 1, 2, inf], got {ord}")
        axes: Optional[List[int]] = [int(a) for a in pair]
    else:
        if not (axis is None or isinstance(axis, int)):
            raise ValueError(_AXIS_MESSAGE.format(axis))
        if ord not in ("euclidean", 1, 2, np.inf) and (
            isinstance(ord, str) or not np.isreal(ord) or ord <= 0
        ):
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        axes = None if axis is None else [int(axis)]
    x = as_tensor(tensor)
    if not (x.is_floating_point() or x.is_complex()):
        _check_integer_norm(x.dtype, ord, matrix)
    if axes is not None:
        for a in axes:
            if not -x.dim() <= a < builtins.max(x.dim(), 1):
                raise _error(f"Invalid reduction dimension ({a} for input with {x.dim()} "
                             "dimension(s)", "Sum")
        axes = [a % x.dim() for a in axes]
    return call("Norm", _norm, (x,), x, ord, axes, matrix, keep)


def _check_integer_norm(dtype: torch.dtype, order: _Ord, matrix: builtins.bool) -> None:
    """TF's failures for an integer tensor: only the 1- and infinity norms (abs, sum,
    max) have integer kernels."""
    if matrix and order in (2, 2.0):
        raise disallowed("Svd", dtype, "double, float, half, complex64, complex128")
    if order in ("fro", "euclidean", 2, 2.0):
        raise disallowed("Sqrt", dtype, "bfloat16, half, float, double, complex64, complex128")
    if order not in (1, np.inf):
        raise TypeError(f"Cannot convert {1.0 / float(order)!r} to EagerTensor of dtype "
                        f"{dtype_name(dtype)}")


def _l2_normalize(x: torch.Tensor, axes: Optional[List[int]], epsilon: float) -> torch.Tensor:
    dims = list(builtins.range(x.dim())) if axes is None else axes
    if x.is_complex():
        square_sum = torch.sum(x.real * x.real + x.imag * x.imag, dim=dims, keepdim=True)
        inv_norm = rsqrt(_at_least(square_sum, epsilon))
        return x * inv_norm.to(x.dtype)
    square_sum = torch.sum(torch.mul(x, x), dim=dims, keepdim=True)
    if epsilon > 0:  # NOTE: [l2_normalize's fast path]
        return torch.mul(x, torch.rsqrt(torch.clamp_min(square_sum, epsilon)))
    # TF's `rsqrt` gradient is 0 where its incoming gradient is: a zero row with
    # `epsilon` 0 has gradient `grad * inf`, not NaN.
    return torch.mul(x, rsqrt(_at_least(square_sum, epsilon)))


# NOTE: [l2_normalize's fast path]
# TF computes `x * rsqrt(maximum(square_sum, epsilon))` with its own `rsqrt` and
# `maximum` gradients. With `epsilon > 0` (the default 1e-12) torch's `clamp_min` and
# `rsqrt` give the same values and gradients but at a NaN or overflowed float32 row,
# whose second derivatives differ (TF's `maximum` sends a NaN sum no gradient), at a
# third of the cost (16x16 under a tape: about 118 against 170 us); `epsilon` 0 takes
# TF's composite.


def _at_least(square_sum: torch.Tensor, epsilon: float) -> torch.Tensor:
    # NOTE: TF's `maximum`, whose gradient skips a NaN sum (`x >= y` is false there);
    # torch's `clamp_min` passes it on, and a NaN entry spoils its whole row's Hessian.
    return maximum(square_sum, torch.full((), epsilon, dtype=square_sum.dtype,
                                          device=square_sum.device))


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
    t = as_tensor(x)
    if not (t.is_floating_point() or t.is_complex()):
        # TF's `maximum(square_sum, epsilon)` converts `epsilon` to the integer dtype,
        # then `rsqrt` has no integer kernel.
        if isinstance(epsilon, float) or float(epsilon) != int(epsilon):
            raise TypeError(f"Cannot convert {epsilon!r} to EagerTensor of dtype "
                            f"{dtype_name(t.dtype)}")
        raise disallowed("Rsqrt", t.dtype, "bfloat16, half, float, double, complex64, "
                         "complex128")
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


_L2_LOSS_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def global_norm(t_list: Any, name: Optional[str] = None) -> torch.Tensor:
    """`sqrt(sum(||t||^2 for t in t_list))`, skipping `None`s (the norm
    `clip_by_global_norm` clips by).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.global_norm([tf.constant([3.0]), None, tf.constant([4.0])]))
    tf.Tensor(5.0, shape=(), dtype=float32)

    Raises:
      TypeError: `t_list` is not a sequence.
      InvalidArgumentError: for tensors that are not floating or of different dtypes.
    """
    if isinstance(t_list, (torch.Tensor, str)) or not hasattr(t_list, "__iter__"):
        raise TypeError("`t_list` should be a sequence of tensors. Received "
                        f"{type(t_list)}.")
    tensors = [as_tensor(t) for t in t_list if t is not None]
    for t in tensors:
        if t.dtype not in _L2_LOSS_DTYPES:
            raise disallowed("L2Loss", t.dtype, "half, bfloat16, float, double")
    for index, t in enumerate(tensors[1:], 1):
        if t.dtype != tensors[0].dtype:  # TF stacks the halved squared norms
            raise InvalidArgumentError(
                None, None, f"cannot compute Pack as input #{index}(zero-based) was expected "
                f"to be a {kernel_name(tensors[0].dtype)} tensor but is a "
                f"{kernel_name(t.dtype)} tensor [Op:Pack]")
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


def _window_sum(values: torch.Tensor, radius: int) -> torch.Tensor:
    """Sums of `values` over `[d - radius, d + radius]` along the last axis."""
    depth = values.shape[-1]
    window = torch.ones((1, 1, 2 * radius + 1), dtype=values.dtype, device=values.device)
    sums = torch.nn.functional.conv1d(values.reshape(-1, 1, depth), window, padding=radius)
    return sums.reshape(values.shape)


def _lrn(x: torch.Tensor, radius: int, bias: float, alpha: float, beta: float
         ) -> torch.Tensor:
    return x / torch.pow(bias + alpha * _window_sum(torch.square(x), radius), beta)


def _lrn_grad(grad: torch.Tensor, x: torch.Tensor, out: torch.Tensor, radius: int,
              bias: float, alpha: float, beta: float) -> torch.Tensor:
    """TF's CPU `LRNGrad`: for each output `j` with a nonzero incoming gradient, adds
    `grad_j * (x_k * -2 alpha beta out_j / norm_j + [k == j] norm_j ** -beta)` to each
    `k` of its window. Outputs whose gradient is 0 are skipped, so a NaN activation
    (`x = 0` with `bias = 0`) costs nothing where nothing flows through it."""
    norm = bias + alpha * _window_sum(torch.square(x), radius)
    live = grad != 0
    zero = torch.zeros((), dtype=grad.dtype, device=grad.device)
    spread = torch.where(live, (-2.0 * alpha * beta) * out / norm * grad, zero)
    direct = torch.where(live, torch.pow(norm, -beta) * grad, zero)
    reached = _window_sum(live.to(grad.dtype), radius) > 0
    return torch.where(reached, x * _window_sum(spread, radius) + direct, zero)


_LRN_GRAD = unregistered_gradient("LRNGrad", _lrn_grad)


class _LRN(torch.autograd.Function):
    """`LRN` with TF's `LRNGrad` (which has no gradient in TF)."""

    @staticmethod
    def forward(x: torch.Tensor, radius: int, bias: float, alpha: float, beta: float
                ) -> torch.Tensor:
        with _DisableSubclass():
            return _lrn(x, radius, bias, alpha, beta)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.args = inputs[1:]
        ctx.save_for_backward(inputs[0], output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None, None, None
        x, out = ctx.saved_tensors
        with _DisableSubclass():
            return _LRN_GRAD(grad, x, out, *ctx.args), None, None, None, None

    @staticmethod
    def jvp(ctx: Any, *tangents: Any) -> torch.Tensor:
        # TF's forward mode transposes `LRNGrad`, which has no gradient.
        raise LookupError("gradient registry has no entry for: LRNGrad")


@visible_to_modes
def _lrn_op(x: torch.Tensor, radius: int, bias: float, alpha: float, beta: float
            ) -> torch.Tensor:
    if needs_grad(x):
        out: torch.Tensor = apply_function(_LRN, x, radius, bias, alpha, beta)
        return out
    with _DisableSubclass():
        return _lrn(x, radius, bias, alpha, beta)


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
      InvalidArgumentError: for an input that is not 4-D, or not float16 or float32.
      NotFoundError: for bfloat16 (TF has no CPU kernel for it).
    """
    x = as_tensor(input)
    if x.dtype == torch.bfloat16:  # TF registers the op for bfloat16 but no CPU kernel
        raise NotFoundError(
            None, None, "Could not find device for node: {{node LRN}} = LRN[T=DT_BFLOAT16, "
            f"alpha={float(alpha):g}, beta={float(beta):g}, bias={float(bias):g}, "
            f"depth_radius={int(depth_radius)}]\nAll kernels registered for op LRN:\n"
            "  device='CPU'; T in [DT_HALF]\n  device='CPU'; T in [DT_FLOAT]\n [Op:LRN]")
    if x.dtype not in _LRN_DTYPES:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'T' of {kernel_name(x.dtype)} is not in the list of "
            "allowed values: half, bfloat16, float [Op:LRN]")
    if x.dim() != 4:
        raise _error(f"in must be 4-dimensional, got shape {list(x.shape)}", "LRN")
    return call("LRN", _lrn_op, (x,), x, int(depth_radius), float(bias), float(alpha),
                float(beta))
