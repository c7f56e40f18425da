"""TF's neural-network ops (TF's `nn_ops`), public as `tf.nn.*`.

>>> import tftape_torch as tf
>>> print(tf.nn.relu(tf.constant([-1.0, 2.0])))
tf.Tensor([0. 2.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from tftape_torch._activation_kernels import elu as elu_kernel
from tftape_torch._activation_kernels import selu as selu_kernel
from tftape_torch._array_ops import cast, squeeze, stop_gradient, where, zeros_like
from tftape_torch._dtypes import FLOATING, dtype_name, kernel_name
from tftape_torch._elementwise_ops import greater_equal, rsqrt, squared_difference
from tftape_torch._math_ops import multiply, reduce_mean
from tftape_torch._op_call import (
    as_tensor,
    call,
    call_inline,
    float_input,
    number_input,
    shape_arg,
)
from tftape_torch._random_seeds import op_generator as random_generator
from tftape_torch._tensor import dtype_mismatch
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    TensorBase as _Base,
)
from tftape_torch._torch_internals import (
    dtype_of as _DTYPE_GET,
)
from tftape_torch._xent_kernel import softmax_xent
from tftape_torch.errors import AbortedError, InvalidArgumentError
from tftape_torch.random import stateless_uniform

_Tensor = torch.Tensor

__all__ = [
    "batch_normalization",
    "bias_add",
    "crelu",
    "dropout",
    "elu",
    "gelu",
    "l2_loss",
    "leaky_relu",
    "log_poisson_loss",
    "log_softmax",
    "moments",
    "relu",
    "relu6",
    "selu",
    "sigmoid_cross_entropy_with_logits",
    "silu",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "sparse_softmax_cross_entropy_with_logits",
    "swish",
    "weighted_cross_entropy_with_logits",
]


def relu(features: Any, name: Optional[str] = None) -> torch.Tensor:
    """`max(features, 0)`, elementwise (gradient 0 at 0, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.nn.relu(tf.constant([-3, 0, 3])))
    tf.Tensor([0 0 3], shape=(3,), dtype=int32)
    """
    x = number_input(features, "Relu")
    return call("Relu", torch.relu, (x,), x)


def softplus(features: Any, name: Optional[str] = None) -> torch.Tensor:
    """`log(exp(features) + 1)`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.nn.softplus(tf.constant(0.0)))
    tf.Tensor(0.6931472, shape=(), dtype=float32)
    """
    x = float_input(features, "Softplus", allow_complex=False)
    return call("Softplus", F.softplus, (x,), x)


def _softmax_of_rows(x: torch.Tensor, dim: int) -> Optional[torch.Tensor]:
    """`softmax`'s common call (`_op_call.call_inline`): rank >= 1 (an axis out of range
    raises)."""
    return torch.softmax(x, dim) if _Base.dim(x) else None


def softmax(logits: Any, axis: Optional[int] = None, name: Optional[str] = None) -> torch.Tensor:
    """`exp(logits) / reduce_sum(exp(logits), axis)`, along `axis` (the last by default).

    >>> import tftape_torch as tf
    >>> print(tf.nn.softmax(tf.constant([0.0, 0.0])))
    tf.Tensor([0.5 0.5], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: if `logits` is not floating, or `axis` is out of range.
      AbortedError: if `logits` is a float32 or bfloat16 scalar (TF's kernel needs
        rank >= 1); `InvalidArgumentError` for a scalar of another dtype.
    """
    if axis is None or type(axis) is int:  # inline (`_op_call.call_inline`)
        result = call_inline(_softmax_of_rows, (logits,), logits, -1 if axis is None else axis)
        if result is not None:
            return result
    x = float_input(logits, "Softmax", allow_complex=False)
    dim = _softmax_axis(x, axis, "Softmax")
    return call("Softmax", torch.softmax, (x,), x, dim)


# ---------------------------------------------------------------------------
# More activations


def _activation(
    name: str, op: str, fn: Callable[..., torch.Tensor], doc: str
) -> Callable[..., torch.Tensor]:
    def activation(features: Any, name: Optional[str] = None) -> torch.Tensor:
        x = float_input(features, op, allow_complex=False)
        return call(op, fn, (x,), x)

    activation.__name__ = activation.__qualname__ = name
    activation.__doc__ = doc
    return activation


elu = _activation(
    "elu",
    "Elu",
    elu_kernel,
    """`features` where positive, else `exp(features) - 1`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.elu(tf.constant([-1.0, 2.0])))
    tf.Tensor([-0.63212055  2.        ], shape=(2,), dtype=float32)
    """,
)

selu = _activation(
    "selu",
    "Selu",
    selu_kernel,
    """`scale * elu(features, alpha)` with the self-normalizing constants.

    >>> import tftape_torch as tf
    >>> print(tf.nn.selu(tf.constant([0.0, 1.0])))
    tf.Tensor([0.       1.050701], shape=(2,), dtype=float32)
    """,
)


def _crelu(x: torch.Tensor, axis: int) -> torch.Tensor:
    return torch.relu(torch.cat([x, -x], axis))


def crelu(features: Any, axis: int = -1, name: Optional[str] = None) -> torch.Tensor:
    """The concatenated ReLU: `relu(concat([x, -x], axis))`, twice as deep along `axis`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.crelu(tf.constant([-1.0, 2.0])))
    tf.Tensor([0. 2. 1. 0.], shape=(4,), dtype=float32)
    """
    x = number_input(features, "Relu")
    return call("Relu", _crelu, (x,), x, int(axis))


def _relu6(x: torch.Tensor) -> torch.Tensor:
    return F.hardtanh(x, 0.0, 6.0)


def relu6(features: Any, name: Optional[str] = None) -> torch.Tensor:
    """`min(max(features, 0), 6)`; the gradient is 0 at 0 and at 6, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.nn.relu6(tf.constant([-1.0, 3.0, 8.0])))
    tf.Tensor([0. 3. 6.], shape=(3,), dtype=float32)
    """
    x = number_input(features, "Relu6")
    if x.dtype in FLOATING:
        return call("Relu6", _relu6, (x,), x)
    return call("Relu6", torch.clamp, (x,), x, 0, 6)


def _leaky(x: torch.Tensor, alpha: float) -> torch.Tensor:
    return F.leaky_relu(x, alpha)


def leaky_relu(features: Any, alpha: float = 0.2, name: Optional[str] = None) -> torch.Tensor:
    """`features` where positive, else `alpha * features` (gradient `alpha` at 0).

    Integer features are cast to float32 first, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.nn.leaky_relu(tf.constant([-1.0, 2.0])))
    tf.Tensor([-0.2  2. ], shape=(2,), dtype=float32)
    """
    x = number_input(features, "LeakyRelu")
    if x.dtype not in FLOATING:
        x = cast(x, torch.float32)
    # TF's `alpha` is a float attr: float32, whatever the features' dtype.
    return call("LeakyRelu", _leaky, (x,), x, float(np.float32(alpha)))


# TF's composite casts these Python floats to the features' dtype through a float32
# tensor (`math_ops.cast(0.044715, features.dtype)`): float32 values, in float64 too.
_GELU_CUBIC = float(np.float32(0.044715))
_GELU_SQRT_HALF = float(np.float32(0.7071067811865476))


def _gelu(x: torch.Tensor, approximate: bool) -> torch.Tensor:
    if approximate:
        inner = 0.7978845608028654 * (x + _GELU_CUBIC * torch.pow(x, 3))
        return 0.5 * x * (1.0 + torch.tanh(inner))
    return 0.5 * x * torch.erfc(torch.neg(x) * _GELU_SQRT_HALF)


def gelu(features: Any, approximate: bool = False, name: Optional[str] = None) -> torch.Tensor:
    """`x * P(X <= x)` for a standard normal `X`; `approximate=True` uses TF's tanh form.

    >>> import tftape_torch as tf
    >>> print(tf.nn.gelu(tf.constant([0.0, 1.0])))
    tf.Tensor([0.        0.8413447], shape=(2,), dtype=float32)
    """
    x = as_tensor(features)
    if not x.is_floating_point():
        raise ValueError("`features.dtype` must be a floating point tensor."
                         f"Received:features.dtype=<dtype: '{dtype_name(x.dtype)}'>")
    return call("Gelu", _gelu, (x,), x, bool(approximate))


def _silu(x: torch.Tensor, beta: Any) -> torch.Tensor:
    return x * torch.sigmoid(beta * x)


def silu(features: Any, beta: Any = 1.0, name: Optional[str] = None) -> torch.Tensor:
    """`features * sigmoid(beta * features)` (also `tf.nn.swish`).

    >>> import tftape_torch as tf
    >>> print(tf.nn.silu(tf.constant([0.0, 1.0])))
    tf.Tensor([0.        0.7310586], shape=(2,), dtype=float32)
    """
    x = float_input(features, "Silu", allow_complex=False)
    b = as_tensor(beta, x.dtype)
    return call("Silu", _silu, (x, b), x, b)


swish = silu


def _softmax_axis(x: torch.Tensor, axis: Any, op: str) -> int:
    dim = -1 if axis is None else int(axis)
    rank = x.dim()
    if rank == 0:
        # NOTE: TF's oneDNN Softmax (float32, bfloat16) aborts on a scalar; its other
        # kernels refuse one as an invalid argument.
        if op == "Softmax" and x.dtype in (torch.float32, torch.bfloat16):
            raise AbortedError(None, None, f"Input dims must be <= 5 and >=1 [Op:{op}]")
        if op == "SoftmaxCrossEntropyWithLogits":  # TF's Python wrapper slices the shape
            raise InvalidArgumentError(
                None, None, "Expected begin[0] == 0 (got -1) and size[0] == 0 (got 1) when "
                "input.dim_size(0) == 0 [Op:Slice]"
            )
        raise InvalidArgumentError(
            None, None, f"logits must have >= 1 dimension, got [] [Op:{op}]"
        )
    if not -rank <= dim < rank:
        raise InvalidArgumentError(
            None,
            None,
            f"`axis` must be in the range [{-rank}, {rank}) where {rank} is the number of "
            f"dimensions in the input. Received: axis={dim} [Op:{op}]",
        )
    return dim


def log_softmax(logits: Any, axis: Optional[int] = None, name: Optional[str] = None
                ) -> torch.Tensor:
    """`logits - log(reduce_sum(exp(logits), axis))`, along `axis` (the last by default).

    >>> import tftape_torch as tf
    >>> print(tf.nn.log_softmax(tf.constant([0.0, 0.0])))
    tf.Tensor([-0.6931472 -0.6931472], shape=(2,), dtype=float32)
    """
    x = float_input(logits, "LogSoftmax", allow_complex=False)
    dim = _softmax_axis(x, axis, "LogSoftmax")
    return call("LogSoftmax", torch.log_softmax, (x,), x, dim)


# ---------------------------------------------------------------------------
# Losses


def softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, axis: int = -1, name: Optional[str] = None
) -> torch.Tensor:
    """The cross entropy of `softmax(logits)` against the distributions `labels`.

    Differentiable in both; the gradient for the logits is `softmax(logits) - labels`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.softmax_cross_entropy_with_logits([[1.0, 0.0]], [[0.0, 0.0]]))
    tf.Tensor([0.6931472], shape=(1,), dtype=float32)

    Raises:
      InvalidArgumentError: if the shapes of `labels` and `logits` differ.
    """
    x = float_input(logits, "SoftmaxCrossEntropyWithLogits", allow_complex=False)
    if axis != -1 and not 0 <= int(axis) < x.dim():
        # NOTE: TF moves `axis` last with `range(axis)` and `range(axis + 1, rank)`:
        # any other negative axis (or one past the rank) fails there.
        start, limit = (0, int(axis)) if int(axis) < 0 else (int(axis) + 1, x.dim())
        raise InvalidArgumentError(
            None, None, f"Requires start <= limit when delta > 0: {start}/{limit} [Op:Range]")
    y = as_tensor(labels)
    if y.dtype != x.dtype:
        y = cast(y, x.dtype)
    if list(y.shape) != list(x.shape):
        raise InvalidArgumentError(
            None, None, f"logits and labels must be broadcastable: logits_size={list(x.shape)} "
            f"labels_size={list(y.shape)} [Op:SoftmaxCrossEntropyWithLogits]"
        )
    dim = _softmax_axis(x, axis, "SoftmaxCrossEntropyWithLogits")
    return call("SoftmaxCrossEntropyWithLogits", softmax_xent, (y, x), y, x, dim)


def _sparse_xent(labels: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    classes = logits.size(-1)
    batch = logits.dim() == 2  # (the common case: no reshapes)
    flat_labels = labels if batch else labels.reshape(-1)
    if flat_labels.numel():
        low, high = torch.aminmax(flat_labels)  # TF's CPU kernel checks every label
        if int(low) < 0 or int(high) >= classes:
            bad = (flat_labels < 0) | (flat_labels >= classes)
            index = int(torch.nonzero(bad)[0, 0])
            raise InvalidArgumentError(
                None, None, f"Received a label value of {int(flat_labels[index])} which is "
                f"outside the valid range of [0, {classes}).  Label values: "
                f"{' '.join(str(v) for v in flat_labels.tolist())} "
                "[Op:SparseSoftmaxCrossEntropyWithLogits]"
            )
    if flat_labels.dtype != torch.int64:  # (torch's kernel takes int64 class ids only)
        flat_labels = flat_labels.to(torch.int64)
    if batch:
        return F.cross_entropy(logits, flat_labels, reduction="none")
    out = F.cross_entropy(logits.reshape(-1, classes), flat_labels, reduction="none")
    return out.reshape(labels.size())


def sparse_softmax_cross_entropy_with_logits(
    labels: Any, logits: Any, name: Optional[str] = None
) -> torch.Tensor:
    """The cross entropy of `softmax(logits)` against int class ids `labels`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.sparse_softmax_cross_entropy_with_logits([0], [[0.0, 0.0]]))
    tf.Tensor([0.6931472], shape=(1,), dtype=float32)

    Raises:
      ValueError: if `labels` is not of rank `rank(logits) - 1` or the shapes differ.
      InvalidArgumentError: for a label outside `[0, num_classes)`.
    """
    x = float_input(logits, "SparseSoftmaxCrossEntropyWithLogits", allow_complex=False)
    y = as_tensor(labels)
    with _DisableSubclass():  # (raw sizes and dtype: no `TensorShape` per read)
        y_size, x_size, y_dtype = y.size(), x.size(), _DTYPE_GET(y)
    if len(y_size) != len(x_size) - 1:
        raise ValueError(
            f"Rank mismatch: Rank of labels (received {len(y_size)}) should equal rank of "
            f"logits minus 1 (received {len(x_size)})."
        )
    if y_size != x_size[:-1]:
        raise ValueError(
            f"`labels.shape` must equal `logits.shape` except for the last dimension. "
            f"Received: labels.shape={tuple(y_size)} and logits.shape={tuple(x_size)}"
        )
    if y_dtype not in (torch.int32, torch.int64):
        raise InvalidArgumentError(
            None, None, f"Value for attr 'Tlabels' of {kernel_name(y_dtype)} is not in the list "
            "of allowed values: int32, int64\n\t; NodeDef: {{node "
            "SparseSoftmaxCrossEntropyWithLogits}}; Op<name=SparseSoftmaxCrossEntropyWithLogits;"
            " signature=features:T, labels:Tlabels -> loss:T, backprop:T; attr=T:type,allowed="
            "[DT_HALF, DT_BFLOAT16, DT_FLOAT, DT_DOUBLE]; attr=Tlabels:type,default=DT_INT64,"
            "allowed=[DT_INT32, DT_INT64]> [Op:SparseSoftmaxCrossEntropyWithLogits]")
    return call("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent, (y, x), y, x)


def _sigmoid_xent(labels: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    # TF's formula, with its `where`s (so the gradient at logits == 0 is TF's).
    zeros = torch.zeros_like(logits)
    cond = logits >= zeros
    relu_logits = torch.where(cond, logits, zeros)
    neg_abs_logits = torch.where(cond, -logits, logits)
    return relu_logits - logits * labels + torch.log1p(torch.exp(neg_abs_logits))


def sigmoid_cross_entropy_with_logits(
    labels: Any = None, logits: Any = None, name: Optional[str] = None
) -> torch.Tensor:
    """The elementwise cross entropy of `sigmoid(logits)` against probabilities `labels`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0]))
    tf.Tensor([0.6931472], shape=(1,), dtype=float32)

    Raises:
      ValueError: if the shapes of `labels` and `logits` differ.
    """
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    x = as_tensor(logits)
    y = as_tensor(labels)  # NOTE: TF converts each on its own: [1, 0] is int32
    if list(y.shape) != list(x.shape):
        raise ValueError(
            f"`logits` and `labels` must have the same shape, received "
            f"({tuple(x.shape)} vs {tuple(y.shape)})."
        )
    if y.dtype != x.dtype:  # TF's `logits * labels`
        raise dtype_mismatch("Mul", x.dtype, y.dtype)
    return call("SigmoidCrossEntropyWithLogits", _sigmoid_xent, (y, x), y, x)


def _weighted_xent(labels: torch.Tensor, logits: torch.Tensor, pos_weight: torch.Tensor
                   ) -> torch.Tensor:
    # TF's stable form: (1 - z) * x + (1 + (q - 1) * z) * (log1p(exp(-|x|)) + max(-x, 0))
    log_weight = 1 + (pos_weight - 1) * labels
    return (1 - labels) * logits + log_weight * (
        torch.log1p(torch.exp(-torch.abs(logits))) + torch.relu(-logits))


def weighted_cross_entropy_with_logits(labels: Any, logits: Any, pos_weight: Any,
                                       name: Optional[str] = None) -> torch.Tensor:
    """`sigmoid_cross_entropy_with_logits` with the positive term weighted by `pos_weight`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.weighted_cross_entropy_with_logits([1.0], [0.0], 2.0))
    tf.Tensor([1.3862944], shape=(1,), dtype=float32)

    Raises:
      ValueError: if the shapes of `labels` and `logits` differ.
    """
    x = as_tensor(logits)
    y = as_tensor(labels, x.dtype)
    if list(y.shape) != list(x.shape):
        raise ValueError(f"`logits` and `labels` must have the same shape, received "
                         f"({tuple(x.shape)} vs {tuple(y.shape)}).")
    q = as_tensor(pos_weight, x.dtype)
    return call("WeightedCrossEntropyWithLogits", _weighted_xent, (y, x, q), y, x, q)


def _log_poisson(targets: torch.Tensor, log_input: torch.Tensor, full: bool) -> torch.Tensor:
    result = torch.exp(log_input) - log_input * targets
    if full:
        # Stirling's approximation of log(targets!), for targets > 1 (TF's form).
        point_five = torch.full((), 0.5, dtype=targets.dtype, device=targets.device)
        two_pi = torch.full((), 2 * 3.141592653589793, dtype=targets.dtype,
                            device=targets.device)
        stirling = (targets * torch.log(targets) - targets
                    + point_five * torch.log(two_pi * targets))
        zeros = torch.zeros((), dtype=targets.dtype, device=targets.device)
        ones = torch.ones((), dtype=targets.dtype, device=targets.device)
        keep = torch.logical_and(targets >= zeros, targets <= ones)
        result = result + torch.where(keep, torch.zeros_like(stirling), stirling)
    return result


def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False,
                     name: Optional[str] = None) -> torch.Tensor:
    """The negative log-likelihood of `targets` under Poisson rates `exp(log_input)`
    (with `compute_full_loss`, plus Stirling's term for `log(targets!)`).

    >>> import tftape_torch as tf
    >>> print(tf.nn.log_poisson_loss(tf.constant([2.0]), tf.constant([0.0])))
    tf.Tensor([1.], shape=(1,), dtype=float32)

    Raises:
      ValueError: if the shapes differ.
    """
    x = as_tensor(log_input)
    t = as_tensor(targets, x.dtype)
    if list(t.shape) != list(x.shape):
        raise ValueError(f"`log_input` and `targets` must have the same shape, received "
                         f"({tuple(x.shape)} vs {tuple(t.shape)}).")
    return call("LogPoissonLoss", _log_poisson, (t, x), t, x, bool(compute_full_loss))


def _batch_norm(x: torch.Tensor, mean: torch.Tensor, variance: torch.Tensor,
                offset: Optional[torch.Tensor], scale: Optional[torch.Tensor],
                epsilon: float) -> torch.Tensor:
    inv = torch.rsqrt(variance + epsilon)
    if scale is not None:
        inv = inv * scale
    shift = (offset - mean * inv) if offset is not None else -mean * inv
    return x * inv.to(x.dtype) + shift.to(x.dtype)


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any,
                        variance_epsilon: float, name: Optional[str] = None) -> torch.Tensor:
    """`(x - mean) / sqrt(variance + variance_epsilon) * scale + offset`, in TF's order
    of operations (`offset` and `scale` may be `None`).

    >>> import tftape_torch as tf
    >>> x = tf.constant([[1.0, 3.0]])
    >>> print(tf.nn.batch_normalization(x, 2.0, 1.0, None, None, 0.0))
    tf.Tensor([[-1.  1.]], shape=(1, 2), dtype=float32)
    """
    t = float_input(x, "BatchNorm", allow_complex=False)
    given = [a for a in (mean, variance, offset, scale) if a is not None]
    if all(isinstance(a, torch.Tensor) and a.dtype == t.dtype for a in given):
        inputs = [t] + given
        return call("BatchNorm", _batch_norm, inputs, t, mean, variance, offset, scale,
                    float(variance_epsilon))
    # NOTE: TF's Python composite, op for op, keeps each argument's own dtype: Python
    # floats for `variance` make `inv` a float32 `rsqrt` even for float64 `x` (cast
    # afterwards), and arguments of another dtype than `inv` fail in its `Mul`.
    inv = rsqrt(variance + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shifted = offset - mean * inv if offset is not None else -mean * inv
    return t * cast(inv, t.dtype) + cast(shifted, t.dtype)


def _l2(x: torch.Tensor) -> torch.Tensor:
    return torch.sum(x * x) / 2


def l2_loss(t: Any, name: Optional[str] = None) -> torch.Tensor:
    """`sum(t ** 2) / 2`: half the squared 2-norm, without the square root.

    >>> import tftape_torch as tf
    >>> print(tf.nn.l2_loss(tf.constant([1.0, 2.0])))
    tf.Tensor(2.5, shape=(), dtype=float32)
    """
    x = float_input(t, "L2Loss", allow_complex=False)
    return call("L2Loss", _l2, (x,), x)


def moments(
    x: Any, axes: Any, shift: Any = None, keepdims: bool = False, name: Optional[str] = None
) -> Tuple[torch.Tensor, torch.Tensor]:
    """The mean and variance of `x` across `axes`, as a pair.

    As in TF, the variance's gradient treats the mean as a constant.

    >>> import tftape_torch as tf
    >>> mean, variance = tf.nn.moments(tf.constant([1.0, 2.0, 3.0, 4.0]), axes=[0])
    >>> print(mean, variance)
    tf.Tensor(2.5, shape=(), dtype=float32) tf.Tensor(1.25, shape=(), dtype=float32)
    """
    y = as_tensor(x)
    dims = _moment_dims(y, axes)
    if dims is not None:
        pair = _moments_inline(y, dims, keepdims)
        if pair is not None:
            return pair
    low_precision = y.dtype == torch.float16
    if low_precision:
        y = cast(y, torch.float32)
    mean = reduce_mean(y, axes, keepdims=True)
    variance = reduce_mean(squared_difference(y, stop_gradient(mean)), axes, keepdims=True)
    if not keepdims:
        if isinstance(axes, torch.Tensor):  # TF's `squeeze` takes a list of ints only
            raise TypeError(f"Expected list for 'axis' argument to 'squeeze' Op, not {axes!r}.")
        mean = squeeze(mean, axes)
        variance = squeeze(variance, axes)
    if low_precision:
        return cast(mean, torch.float16), cast(variance, torch.float16)
    return mean, variance


def _moment_dims(y: torch.Tensor, axes: Any) -> Optional[Tuple[int, ...]]:
    """`moments`' common `axes` (a list or tuple of distinct ints within the rank of a
    float32/float64 tensor) as torch dims, else None."""
    if (type(axes) is not list and type(axes) is not tuple) or not axes:
        return None
    with _DisableSubclass():  # (raw reads of a drop-in tensor)
        if _DTYPE_GET(y) not in _MOMENT_DTYPES:
            return None
        rank = _Base.dim(y)
    dims = []
    for axis in axes:
        if type(axis) is not int or not -rank <= axis < rank:
            return None
        dims.append(axis % rank)
    if len(set(dims)) != len(dims):
        return None
    return tuple(dims)


_MOMENT_DTYPES = frozenset({torch.float32, torch.float64})


def _centered_square_mean(y: torch.Tensor, mean: torch.Tensor, dims: Tuple[int, ...]
                          ) -> torch.Tensor:
    centered = torch.sub(y, mean.detach())  # TF's `stop_gradient(mean)`
    return torch.mean(torch.mul(centered, centered), dims, keepdim=True)


def _moments_inline(y: torch.Tensor, dims: Tuple[int, ...], keepdims: bool
                    ) -> Optional[Tuple[torch.Tensor, torch.Tensor]]:
    """`moments` as TF computes it (`reduce_mean`, `squared_difference` from the
    stopped mean, `reduce_mean`, `squeeze`), each op inline (`_op_call.call_inline`),
    or None where one of them is not its common call."""
    mean = call_inline(torch.mean, (y,), y, dims, True)
    if mean is None:
        return None
    variance = call_inline(_centered_square_mean, (y, mean), y, mean, dims)
    if variance is None:
        return None
    if keepdims:
        return mean, variance
    mean = call_inline(torch.squeeze, (mean,), mean, dims)
    variance = call_inline(torch.squeeze, (variance,), variance, dims)
    if mean is None or variance is None:
        return None
    return mean, variance


# ---------------------------------------------------------------------------
# Dropout and bias


def _dropout(x: torch.Tensor, rate: float, shape: List[int],
             generator: Optional[torch.Generator]) -> torch.Tensor:
    keep = torch.rand(shape, generator=generator, device=x.device, dtype=torch.float32) >= rate
    # (torch's `mul`: `x * scale` on a drop-in tensor would run its TF operator again)
    return torch.where(keep, torch.mul(x, 1.0 / (1.0 - rate)), 0.0)


def dropout(
    x: Any,
    rate: Any,
    noise_shape: Any = None,
    seed: Optional[int] = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Zeroes each element of `x` with probability `rate`, scaling the rest by `1 / (1 - rate)`.

    The random stream is torch's (seeded as `tf.random` seeds it), so which elements
    drop differs from TF's for the same seed; the scaling and the statistics are TF's.

    >>> import tftape_torch as tf
    >>> y = tf.nn.dropout(tf.ones([2, 3]), rate=0.5, seed=1)
    >>> print(sorted(set(y.numpy().ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0]))
    True

    Raises:
      ValueError: if `rate` is not in `[0, 1)`, or `x` is not floating.
    """
    t = as_tensor(x)
    with _DisableSubclass():  # (raw reads of a drop-in tensor)
        dtype, sizes, device = _DTYPE_GET(t), t.size(), t.device
    if dtype not in FLOATING:
        raise ValueError(
            f"`x.dtype` must be a floating point tensor as `x` will be scaled. "
            f"Received: x_dtype=<dtype: '{dtype_name(dtype)}'>"
        )
    r = float(rate.item()) if isinstance(rate, torch.Tensor) else rate
    if isinstance(r, (int, float)) and not 0 <= r < 1:
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")
    r = float(r)
    shape = list(sizes) if noise_shape is None else shape_arg(noise_shape, "dropout")
    generator = random_generator(device, seed)
    return call("Dropout", _dropout, (t,), t, r, shape, generator)


def _noise_shape(x: torch.Tensor, noise_shape: Any) -> List[int]:
    """TF's `_get_noise_shape`: `x`'s shape, or `noise_shape` with its `None`s filled
    from `x`'s."""
    if noise_shape is None:
        return list(x.shape)
    dims = noise_shape.tolist() if isinstance(noise_shape, torch.Tensor) else list(noise_shape)
    if len(dims) == x.dim():
        dims = [x.shape[i] if d is None else d for i, d in enumerate(dims)]
    return shape_arg(dims, "dropout")


def general_dropout(x: Any, rate: Any, uniform_sampler: Callable[..., Any],
                    noise_shape: Any = None, name: Optional[str] = None) -> Any:
    """Dropout with the uniforms drawn by `uniform_sampler(shape=..., dtype=...)`: an
    element stays (scaled by `1 / (1 - rate)`) where its uniform is at least `rate`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.experimental.general_dropout(
    ...     tf.ones([4]), 0.5, lambda shape, dtype: tf.constant([0.1, 0.9, 0.5, 0.2])))
    tf.Tensor([0. 2. 2. 0.], shape=(4,), dtype=float32)

    Raises:
      ValueError: if `rate` is not in `[0, 1)`, or `x` is not floating.
    """
    t = as_tensor(x)
    if isinstance(rate, (int, float)) and not 0 <= rate < 1:
        raise ValueError(f"`rate` must be a scalar tensor or a float in the range [0, 1). "
                         f"Received: rate={rate}")
    if t.dtype not in FLOATING:
        raise ValueError(
            f"`x.dtype` must be a floating point tensor as `x` will be scaled. "
            f"Received: x_dtype=<dtype: '{dtype_name(t.dtype)}'>")
    if isinstance(rate, (int, float)) and rate == 0:
        return t
    rate_t = as_tensor(rate, t.dtype)
    kept = multiply(t, 1.0 / (1.0 - rate_t))
    uniforms = uniform_sampler(shape=_noise_shape(t, noise_shape), dtype=t.dtype)
    return where(greater_equal(uniforms, rate_t), kept, zeros_like(kept))


def stateless_dropout(x: Any, rate: Any, seed: Any, rng_alg: Any = None,
                      noise_shape: Any = None, name: Optional[str] = None) -> Any:
    """`general_dropout` with uniforms from `tf.random.stateless_uniform(seed=seed)`:
    the same seed drops the same elements (not TF's: the generators differ)."""
    return general_dropout(x, rate, lambda shape, dtype: stateless_uniform(
        shape, seed=seed, dtype=dtype), noise_shape)


def _bias_add(value: torch.Tensor, bias: torch.Tensor, channels_first: bool) -> torch.Tensor:
    # (torch's `add`: `+` on a drop-in tensor would run its TF operator again)
    if channels_first:
        return torch.add(value, bias.reshape([-1] + [1] * (value.dim() - 2)))
    return torch.add(value, bias)


def bias_add(value: Any, bias: Any, data_format: Optional[str] = None,
             name: Optional[str] = None) -> torch.Tensor:
    """`value + bias`, the 1-D `bias` added along the channel dimension.

    The channels are last by default (`"N...C"`), second with `data_format="NC..."`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.bias_add(tf.zeros([2, 2]), tf.constant([1.0, 2.0])))
    tf.Tensor(
    [[1. 2.]
     [1. 2.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: if `bias` is not 1-D or does not match the channels.
    """
    v = number_input(value, "BiasAdd")
    b = as_tensor(bias, v.dtype)
    channels_first = data_format is not None and data_format.startswith("NC")
    with _DisableSubclass():  # (raw sizes: no `TensorShape` per read)
        v_size, b_size = v.size(), b.size()
    if len(v_size) < 2:
        raise InvalidArgumentError(
            None, None, f"Input tensor must be at least 2D: {list(v_size)} [Op:BiasAdd]"
        )
    if len(b_size) != 1:
        raise InvalidArgumentError(
            None, None, f"Biases must be 1D: {list(b_size)} [Op:BiasAdd]"
        )
    channels = v_size[1] if channels_first else v_size[-1]
    if b_size[0] != channels:
        raise InvalidArgumentError(
            None, None, f"Must provide as many biases as the channel dimension of the input "
            f"tensor: {list(b_size)} vs. {list(v_size)} [Op:BiasAdd]"
        )
    return call("BiasAdd", _bias_add, (v, b), v, b, channels_first)
