"""TF's `SoftmaxCrossEntropyWithLogits` kernel, with TF's derivatives.

The loss is `sum(labels * (lse - shifted))` along the class axis, where `shifted`
is the logits less their maximum and `lse` the log of `sum(exp(shifted))`, as TF's
kernel computes it. Its gradients are TF's: `softmax(logits) - labels` for the logits
(whatever the labels sum to) and `-log_softmax(logits)` for the labels.

NOTE [Cross-entropy second derivatives]: TF's gradient function returns the logits'
gradient through the op's second output, `softmax - labels`, whose own gradient
reaches the logits only. So the logits' gradient has no derivative for the labels
(TF gives zeros there), while the labels' gradient, `-log_softmax(logits)`, is
differentiated in the logits (`softmax - 1` per class). The mixed derivatives are
not symmetric, so no scalar formula of labels and logits gives both; `_SoftmaxXent`
is an `autograd.Function` whose backward formulas detach the labels in the logits'
gradient (connected, with a zero derivative) and keep the logits in the labels'.

>>> import torch
>>> x = torch.tensor([[0.0, 0.0]], requires_grad=True)
>>> y = torch.tensor([[1.0, 0.0]], requires_grad=True)
>>> gx, gy = torch.autograd.grad(softmax_xent(y, x, -1).sum(), (x, y), create_graph=True)
>>> gx.tolist(), gy.tolist()
([[-0.5, 0.5]], [[0.6931471824645996, 0.6931471824645996]])
>>> torch.autograd.grad(gx.sum(), y)[0].tolist()
[[0.0, 0.0]]
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._kernels import needs_grad, visible_to_modes
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
)

__all__ = ["softmax_xent"]


def _loss(labels: torch.Tensor, logits: torch.Tensor, dim: int) -> torch.Tensor:
    if logits.shape[dim] == 0:  # no classes: TF's loss is 0
        return torch.zeros_like(logits.sum(dim))
    shifted = logits - torch.amax(logits, dim=dim, keepdim=True)
    lse = torch.logsumexp(shifted, dim=dim, keepdim=True)
    return torch.sum(labels * (lse - shifted), dim=dim)


def _gradients(weight: torch.Tensor, labels: torch.Tensor, logits: torch.Tensor,
               dim: int, wanted: Tuple[bool, bool]
               ) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
    """The labels' and the logits' gradients (NOTE [Cross-entropy second derivatives])
    for the loss's gradient `weight`, unsqueezed along the class axis `dim`; None for
    one not `wanted`."""
    for_labels = for_logits = None
    if wanted[0]:
        for_labels = weight * -torch.log_softmax(logits, dim)
    if wanted[1]:
        constant = labels.detach()
        if labels.requires_grad and torch.is_grad_enabled():
            # Connected with a zero derivative, as TF's second output: 0, not None.
            constant = torch.where(torch.zeros((), dtype=torch.bool, device=labels.device),
                                   labels, constant)
        for_logits = weight * (torch.softmax(logits, dim) - constant)
    return for_labels, for_logits


class _SoftmaxXent(torch.autograd.Function):
    """The loss of `labels` against `logits` along `dim`, differentiated as TF does."""

    @staticmethod
    def forward(labels: torch.Tensor, logits: torch.Tensor, dim: int) -> torch.Tensor:
        with _DisableSubclass():
            return _loss(labels, logits, dim)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        labels, logits, ctx.dim = inputs
        ctx.save_for_backward(labels, logits)
        ctx.save_for_forward(labels, logits)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None
        labels, logits = ctx.saved_tensors
        with _DisableSubclass():
            for_labels, for_logits = _gradients(grad.unsqueeze(ctx.dim), labels, logits,
                                                ctx.dim, ctx.needs_input_grad[:2])
        return for_labels, for_logits, None

    @staticmethod
    def tftape_batched_backward(node: Any, g: torch.Tensor, nexts: Any) -> List[Any]:
        """`backward` for a batch of gradients, batch first (NOTE [Own batching rules]
        in `_batched_backward`)."""
        labels, logits = node.saved_tensors
        dim = node.dim % logits.dim()
        wanted = (nexts[0][0] is not None, nexts[1][0] is not None)
        return [*_gradients(g.unsqueeze(dim + 1), labels, logits, dim, wanted), None]

    @staticmethod
    def jvp(ctx: Any, labels_tangent: Optional[torch.Tensor],
            logits_tangent: Optional[torch.Tensor], _: Any) -> torch.Tensor:
        labels, logits = ctx.saved_tensors
        dim = ctx.dim
        with _DisableSubclass():
            out = torch.zeros_like(logits.sum(dim))
            if labels_tangent is not None:
                out = out + torch.sum(labels_tangent * -torch.log_softmax(logits, dim), dim)
            if logits_tangent is not None:
                out = out + torch.sum(
                    logits_tangent * (torch.softmax(logits, dim) - labels), dim)
            return out


@visible_to_modes
def softmax_xent(labels: torch.Tensor, logits: torch.Tensor, dim: int) -> torch.Tensor:
    """TF's `SoftmaxCrossEntropyWithLogits` loss of same-shaped `labels` and `logits`
    along `dim` (see the module's docstring)."""
    if needs_grad(labels, logits):
        return apply_function(_SoftmaxXent, labels, logits, dim)
    with _DisableSubclass():
        return _loss(labels, logits, dim)
