"""TF's segment maxima and minima (`SegmentMax`, `UnsortedSegmentMin`, ...) with TF's
gradient.

TF's unsorted kernels start every segment at the dtype's lowest (for a maximum) or
highest (for a minimum) finite value and fold the entries in, so a segment of `-inf`
entries has maximum `lowest`, not `-inf`; the sorted kernels start at the first entry.

TF's gradient (`_SegmentMinOrMaxGrad`, `_UnsortedSegmentMinOrMaxGrad`) selects the
entries equal to their segment's result and splits the segment's gradient evenly among
them, by `where`: a segment whose result is NaN (a NaN entry) or the fold's start
selects nothing, and every entry of it gets 0. torch's `scatter_reduce` gradient
multiplies by the selection instead, so a NaN segment's entries get NaN.

>>> import torch
>>> x = torch.tensor([1.0, float("nan"), 3.0, 3.0], requires_grad=True)
>>> y = segment_extreme(x, torch.tensor([0, 0, 1, 1]), 2, True, False)
>>> torch.autograd.grad(y.sum(), x)[0].tolist()
[0.0, 0.0, 0.5, 0.5]
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from tftape_torch._kernels import needs_grad, visible_to_modes
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
)

__all__ = ["segment_extreme"]


def _extreme_value(x: torch.Tensor, ids: torch.Tensor, count: int, largest: bool,
                   unsorted: bool) -> torch.Tensor:
    info: Any = torch.finfo(x.dtype) if x.dtype.is_floating_point else torch.iinfo(x.dtype)
    start = info.min if largest else info.max
    out = torch.full([count, *x.shape[1:]], start, dtype=x.dtype, device=x.device)
    index = ids.reshape([-1] + [1] * (x.dim() - 1)).expand_as(x)
    # (the unsorted fold takes its start in; the sorted one starts at the first entry)
    return torch.scatter_reduce(out, 0, index, x, "amax" if largest else "amin",
                                include_self=unsorted)


def _weights(x: torch.Tensor, ids: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    """Each entry's share of its segment's gradient: 1 / (entries equal to the
    result) where it equals the result, else 0."""
    selected = x == out.index_select(0, ids)
    counts = torch.zeros(out.shape, dtype=x.dtype, device=x.device)
    counts = counts.index_add(0, ids, selected.to(x.dtype))
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    return torch.where(selected, 1.0 / counts.index_select(0, ids), zero)


class _SegmentExtreme(torch.autograd.Function):
    """The maxima or minima of the rows of `x` per segment id, with TF's gradient."""

    @staticmethod
    def forward(x: torch.Tensor, ids: torch.Tensor, count: int, largest: bool,
                unsorted: bool) -> torch.Tensor:
        with _DisableSubclass():
            return _extreme_value(x, ids, count, largest, unsorted)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, ids = inputs[0], inputs[1]
        with _DisableSubclass():
            weights = _weights(x.detach(), ids, output.detach())
        ctx.save_for_backward(ids, weights)
        ctx.save_for_forward(ids, weights)
        ctx.count = inputs[2]
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None, None, None
        ids, weights = ctx.saved_tensors
        with _DisableSubclass():
            return grad.index_select(0, ids) * weights, None, None, None, None

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor, *_: Any) -> torch.Tensor:
        ids, weights = ctx.saved_tensors
        with _DisableSubclass():
            out = torch.zeros([ctx.count, *tangent.shape[1:]], dtype=tangent.dtype,
                              device=tangent.device)
            return out.index_add(0, ids, tangent * weights)


@visible_to_modes
def segment_extreme(x: torch.Tensor, ids: torch.Tensor, count: int, largest: bool,
                    unsorted: bool) -> torch.Tensor:
    """The maximum (`largest`) or minimum of the rows of `x` in each of `count`
    segments, given the int64 segment id of each row (see the module's docstring).
    Empty segments hold the fold's start."""
    if needs_grad(x) and x.is_floating_point():
        return apply_function(_SegmentExtreme, x, ids, count, largest, unsorted)
    with _DisableSubclass():
        return _extreme_value(x, ids, count, largest, unsorted)
