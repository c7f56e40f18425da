"""Batched backward rules of torch's fused `nn` kernels: losses, lookups, layer norm
and activations.

`tf.nn.sparse_softmax_cross_entropy_with_logits`, and Keras's sparse categorical
cross-entropy on its torch backend, end in torch's `nll_loss` (`NllLossBackward0`).
Keras's binary cross-entropy from logits ends in `binary_cross_entropy_with_logits`.
These are the per-example losses whose jacobians DP-SGD and per-example-gradient code
asks for. An embedding written for torch (`F.embedding`, `nn.Embedding`, Keras's
`Embedding`) records `EmbeddingBackward0`, a layer norm (`F.layer_norm`, Keras's
`LayerNormalization`) `NativeLayerNormBackward0`; activations (Keras's GELU, swish,
ELU, hard swish, hard sigmoid, log-sigmoid, CELU, soft shrink; torch's mish, ...)
their own nodes, whose rules are here too (`ACTIVATIONS`). Without a rule here such a
graph leaves our own batching rules (NOTE [Own batching rules] in
`_batched_backward`) for functorch's vmap, which has no batching rule for
`nll_loss_backward` and runs that op once per row: the jacobian of 256 sparse
cross-entropy losses with respect to their logits took 0.89-1.01x `torch.func.jacrev`'s
time, and takes 0.31-0.35x here (Keras's binary cross-entropy 0.22-0.26x, now
0.17-0.19x).

Each rule is torch's backward formula (`tools/autograd/derivatives.yaml` and
`FunctionsManual.cpp`) applied to a batch of gradients, batch first: `g` is `[R,
*output]`, and the result is `[R, *input]`.

>>> import torch
>>> logits = torch.zeros(2, 3, requires_grad=True)
>>> loss = torch.nn.functional.nll_loss(logits, torch.tensor([0, 2]), reduction="none")
>>> rows = nll_loss(loss.grad_fn, torch.eye(2), loss.grad_fn.next_functions)[0]
>>> rows.shape  # each loss's gradient: -1 at its own row's target class
torch.Size([2, 2, 3])
>>> rows.nonzero().tolist(), rows.sum().item()
([[0, 0, 0], [1, 1, 2]], -2.0)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch

from tftape_torch._torch_internals import saved

__all__ = ["NN_KERNEL_RULES", "binary_cross_entropy_with_logits", "elu_derivative", "embedding",
           "gelu_derivative", "layer_norm", "nll_loss", "silu_derivative"]

Tensor = torch.Tensor
Grads = List[Optional[Tensor]]
Edges = Tuple[Tuple[Any, int], ...]

_NONE, _MEAN = 0, 1  # torch's `Reduction` enum (2 is sum)


def _signed(value: int) -> int:
    """An int64 that the autograd node returns as unsigned (`ignore_index`'s -100,
    `padding_idx`'s -1 for none)."""
    return value - 2**64 if value >= 2**63 else value


def _per_row(g: Tensor, rank: int) -> Tensor:
    """A reduced loss's batch of gradients `[R]`, broadcast against an input of `rank`
    dimensions."""
    return g.reshape((g.shape[0],) + (1,) * rank)


def nll_loss(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`NllLossBackward0`: each row's gradient `-g * weight[target]` at the target's
    class, 0 elsewhere and where the target is `ignore_index`; divided by the total
    weight for a mean."""
    x, target = saved(node, "self"), saved(node, "target")
    weight, reduction = saved(node, "weight"), saved(node, "reduction")
    ignored = target == _signed(saved(node, "ignore_index"))
    picked = torch.where(ignored, torch.zeros_like(target), target)  # a class to write to
    scale = (torch.full(picked.shape, -1.0, dtype=x.dtype, device=x.device) if weight is None
             else -weight[picked])
    if reduction == _MEAN:
        scale = scale / saved(node, "total_weight")
    scale = torch.where(ignored, torch.zeros_like(scale), scale)  # 0, even where 0/0
    rows = g.shape[0]
    terms = (g if reduction == _NONE else _per_row(g, picked.dim())) * scale
    out = g.new_zeros((rows,) + tuple(x.shape))
    class_dim = 1 if x.dim() == 1 else 2  # `[C]` or `[N, C]`, batch first
    index = picked.unsqueeze(-1).expand((rows,) + tuple(picked.shape) + (1,))
    return [out.scatter_(class_dim, index, terms.unsqueeze(-1))]


def binary_cross_entropy_with_logits(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`BinaryCrossEntropyWithLogitsBackward0`: the logits' gradient `g * (sigmoid(x) -
    target)` (with `pos_weight`: `g * ((pos_weight * target + 1 - target) * sigmoid(x)
    - pos_weight * target)`), the target's `g * -x` (with `pos_weight`: `g *
    (log_sigmoid(-x) - pos_weight * log_sigmoid(x))`), each times `weight`, over
    the elements for a mean."""
    x, target = saved(node, "self"), saved(node, "target")
    weight, pos_weight = saved(node, "weight"), saved(node, "pos_weight")
    reduction = saved(node, "reduction")
    rows = g if reduction == _NONE else _per_row(g, x.dim())
    if weight is not None:
        rows = rows * weight
    if reduction == _MEAN:
        rows = rows / x.numel()
    out: Grads = [None, None]
    if nexts[0][0] is not None:
        if pos_weight is None:
            local = torch.sigmoid(x) - target
        else:
            positive = pos_weight * target
            local = (positive + 1 - target) * torch.sigmoid(x) - positive
        out[0] = rows * local
    if nexts[1][0] is not None:
        if pos_weight is None:
            local = -x
        else:
            local = _log_sigmoid(-x) - _log_sigmoid(x) * pos_weight
        out[1] = rows * local
    return out


_log_sigmoid = torch.nn.functional.logsigmoid


def embedding(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`EmbeddingBackward0`: each looked-up row's gradient added into the table's row
    it came from (divided by how often its id occurs, with `scale_grad_by_freq`), none
    into `padding_idx`'s row. A sparse embedding's gradient is given dense here, as
    the jacobian holds it."""
    indices = saved(node, "indices").reshape(-1)
    rows, width = g.shape[0], g.shape[-1]
    terms = g.reshape(rows, indices.shape[0], width)
    if saved(node, "scale_grad_by_freq"):
        counts = torch.bincount(indices, minlength=saved(node, "weight_sym_argsize_0"))
        terms = terms / counts[indices].to(g.dtype).unsqueeze(-1)
    out = g.new_zeros((rows, saved(node, "weight_sym_argsize_0"), width))
    out.index_add_(1, indices, terms)
    padding = _signed(saved(node, "padding_idx"))
    if padding >= 0:
        out[:, padding] = 0
    return [out]


def layer_norm(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`NativeLayerNormBackward0` (`F.layer_norm`, Keras's `LayerNormalization`): with
    `x_hat` the normalized input and `gw` the gradient times the weight, the input's
    gradient `rstd * (gw - mean(gw) - x_hat * mean(gw * x_hat))` over the normalized
    dimensions; the weight's `g * x_hat` and the bias's `g`, each summed over the
    others."""
    x, mean, rstd = saved(node, "input"), saved(node, "result1"), saved(node, "result2")
    weight = saved(node, "weight")
    count = len(saved(node, "normalized_shape"))
    normalized = tuple(range(g.dim() - count, g.dim()))
    others = tuple(range(1, g.dim() - count))
    x_hat = (x - mean) * rstd
    out: Grads = [None] * len(nexts)
    if nexts[0][0] is not None:
        scaled = g if weight is None else g * weight
        out[0] = rstd * (scaled - scaled.mean(normalized, keepdim=True)
                         - x_hat * (scaled * x_hat).mean(normalized, keepdim=True))
    if len(nexts) > 1 and nexts[1][0] is not None:
        out[1] = (g * x_hat).sum(others) if others else g * x_hat
    if len(nexts) > 2 and nexts[2][0] is not None:
        out[2] = g.sum(others) if others else g
    return out


_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_TANH_BETA = math.sqrt(2.0 / math.pi)  # torch's `kBeta` of the tanh approximation
_TANH_KAPPA = 0.044715


def gelu_derivative(node: Any) -> Tensor:
    """`GeluBackward0`'s derivative at its input (torch's `gelu_backward` formulas,
    exact and tanh-approximated)."""
    x = saved(node, "self")
    if saved(node, "approximate") == "tanh":
        inner = torch.tanh(_TANH_BETA * (x + _TANH_KAPPA * x * x * x))
        return 0.5 * (1 + inner) + 0.5 * x * (1 - inner * inner) * _TANH_BETA * (
            1 + 3 * _TANH_KAPPA * x * x)
    return 0.5 * (1 + torch.erf(x * _SQRT_HALF)) + x * torch.exp(-0.5 * x * x) * _INV_SQRT_2PI


def silu_derivative(node: Any) -> Tensor:
    """`SiluBackward0`'s derivative: `sigmoid(x) * (1 + x * (1 - sigmoid(x)))`."""
    x = saved(node, "self")
    sigmoid = torch.sigmoid(x)
    return sigmoid * (1 + x * (1 - sigmoid))


def elu_derivative(node: Any) -> Tensor:
    """`EluBackward0`'s derivative (ELU, SELU, CELU): `scale` above 0, `scale * alpha *
    input_scale * exp(x * input_scale)` at or below it."""
    x, scale = saved(node, "self"), saved(node, "scale")
    input_scale = saved(node, "input_scale")
    below = scale * saved(node, "alpha") * input_scale * torch.exp(x * input_scale)
    return torch.where(x > 0, torch.full_like(x, scale), below)


def max_pool(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`MaxPool2DWithIndicesBackward0` and `AdaptiveMaxPool2DBackward0` (also the 1-D
    pools, which run the 2-D ones): each row's gradient added at the saved indices of
    the maxima, which count positions within each input plane."""
    x, indices = saved(node, "self"), saved(node, "result1")
    planes, rows = tuple(x.shape[:-2]), g.shape[0]
    where = indices.reshape(planes + (-1,)).expand((rows,) + planes + (-1,))
    out = g.new_zeros((rows,) + planes + (x.shape[-2] * x.shape[-1],))
    return [out.scatter_add_(-1, where, g.reshape((rows,) + planes + (-1,)))
            .reshape((rows,) + tuple(x.shape))]


def _folded(node: Any, g: Tensor, backward: Callable[[Tensor, Tensor], Tensor]) -> Grads:
    """A pool's own backward kernel on the rows folded into its batch dimension (an
    unbatched `[C, H, W]` input takes the rows as its batch); the kernel reads only
    the input's shape, so a stride-0 stand-in of the folded shape serves."""
    x, rows = saved(node, "self"), g.shape[0]
    lead = (rows * x.shape[0],) if x.dim() == 4 else (rows,)
    stand_in = x.new_empty(()).expand(lead + tuple(x.shape[-3:]))
    out = backward(g.reshape(lead + tuple(g.shape[-3:])), stand_in)
    return [out.reshape((rows,) + tuple(x.shape))]


def avg_pool(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`AvgPool2DBackward0` (also the 1-D pool): torch's `avg_pool2d_backward`."""
    return _folded(node, g, lambda grad, stand_in: torch.ops.aten.avg_pool2d_backward(
        grad, stand_in, saved(node, "kernel_size"), saved(node, "stride"),
        saved(node, "padding"), saved(node, "ceil_mode"), saved(node, "count_include_pad"),
        saved(node, "divisor_override")))


def adaptive_avg_pool(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`AdaptiveAvgPool2DBackward0`: torch's `_adaptive_avg_pool2d_backward`."""
    return _folded(node, g, torch.ops.aten._adaptive_avg_pool2d_backward)


def _celu(node: Any, g: Tensor) -> Tensor:
    """torch's `CeluBackward0` formula: `elu_backward` with input scale `1 / alpha`, the
    alpha read as a float (`alpha.toFloat()` in `derivatives.yaml`)."""
    alpha = saved(node, "alpha")
    return torch.ops.aten.elu_backward(g, alpha, 1, 1.0 / _as_float32(alpha), False,
                                       saved(node, "self"))


def _as_float32(value: float) -> float:
    """`value` rounded to float32 (what C++'s `Scalar.toFloat()` gives)."""
    return torch.tensor(value, dtype=torch.float32).item()


Formula = Callable[[Any, Tensor], Tensor]

#: Activations' rules by node name: each `g` times the derivative at the saved input,
#: for `_batched_backward`'s elementwise table (applied to a tangent, it is the forward
#: derivative too). Where torch's backward kernel broadcasts the saved input against
#: the rows it is called as it is (exact corners and constants: hard swish at -3 and 3,
#: hard sigmoid's float 1/6); GELU's, SiLU's and ELU's derivatives are taken once and
#: broadcast (torch's CPU `gelu_backward` raises in oneDNN for a float32 gradient
#: broadcast against its input). Without a rule, functorch runs `mish_backward` once
#: per row: a jacobian through 256 mish outputs took 1.96x `torch.func.jacrev`'s time.
ACTIVATIONS: Dict[str, Formula] = {
    "SoftplusBackward0": lambda node, g: torch.ops.aten.softplus_backward(
        g, saved(node, "self"), saved(node, "beta"), saved(node, "threshold")),
    "LeakyReluBackward0": lambda node, g: torch.ops.aten.leaky_relu_backward(
        g, saved(node, "self"), saved(node, "negative_slope"), False),
    "HardtanhBackward0": lambda node, g: torch.ops.aten.hardtanh_backward(
        g, saved(node, "self"), saved(node, "min_val"), saved(node, "max_val")),
    "GeluBackward0": lambda node, g: g * gelu_derivative(node),
    "SiluBackward0": lambda node, g: g * silu_derivative(node),
    "EluBackward0": lambda node, g: g * elu_derivative(node),
    "CeluBackward0": _celu,
    "MishBackward0": lambda node, g: torch.ops.aten.mish_backward(g, saved(node, "self")),
    "HardswishBackward0": lambda node, g: torch.ops.aten.hardswish_backward(
        g, saved(node, "self")),
    "HardsigmoidBackward0": lambda node, g: torch.ops.aten.hardsigmoid_backward(
        g, saved(node, "self")),
    "LogSigmoidBackward0": lambda node, g: torch.ops.aten.log_sigmoid_backward(
        g, saved(node, "self"), saved(node, "buffer")),
    "SoftshrinkBackward0": lambda node, g: torch.ops.aten.softshrink_backward(
        g, saved(node, "self"), saved(node, "lambd")),
    "HardshrinkBackward0": lambda node, g: torch.ops.aten.hardshrink_backward(
        g, saved(node, "self"), saved(node, "lambd")),
}

#: The rules by node name, for `_batched_backward`'s table.
NN_KERNEL_RULES: Dict[str, Any] = {
    "NllLossBackward0": nll_loss,
    "BinaryCrossEntropyWithLogitsBackward0": binary_cross_entropy_with_logits,
    "EmbeddingBackward0": embedding,
    "NativeLayerNormBackward0": layer_norm,
    "MaxPool2DWithIndicesBackward0": max_pool,
    "AdaptiveMaxPool2DBackward0": max_pool,
    "AvgPool2DBackward0": avg_pool,
    "AdaptiveAvgPool2DBackward0": adaptive_avg_pool,
}
