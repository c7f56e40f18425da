"""TF's `TensorScatterMax`/`TensorScatterMin` kernels and their registered gradient.

# NOTE: [TF's scatter max and min]
# TF's kernel updates each element with `std::max(out, update)` (`std::min`), which
# keeps `out` when either is NaN: a NaN already in the tensor stays, a NaN update is
# ignored. torch's `scatter_reduce` propagates both, so a NaN update is replaced by
# the reduction's identity first.
# TF's gradient splits `grad` evenly among the tensor's element and the updates equal
# to the result: `x_ind = (x == out)`, `y_ind = (y == out[indices])`, `n = x_ind +
# scatter_add(y_ind)`; `dx = grad * x_ind / n` and `dy = (grad / n)[indices] * y_ind`.
# Where nothing equals the result (a NaN), `n` is 0: `dx` is NaN there (0 / 0), and so
# is `dy` of each update to it.

>>> import torch
>>> rows, index = torch.tensor([float("nan"), 2.0]), torch.tensor([0, 1])
>>> scatter_extreme(rows, index, torch.tensor([1.0, float("nan")]), True)
tensor([nan, 2.])
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from tftape_torch._kernels import needs_grad, visible_to_modes, zero_for
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import apply_function

__all__ = ["scatter_extreme"]


def _values(rows: torch.Tensor, index: torch.Tensor, updates: torch.Tensor,
            maximum: bool) -> torch.Tensor:
    if updates.is_floating_point():
        identity = float("-inf") if maximum else float("inf")
        updates = torch.where(torch.isnan(updates), identity, updates)
    return torch.scatter_reduce(rows, 0, index, updates, "amax" if maximum else "amin")


def _indicators(rows: torch.Tensor, index: torch.Tensor, updates: torch.Tensor,
                out: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    x_ind = (rows == out).to(out.dtype)
    y_ind = (updates == torch.gather(out, 0, index)).to(out.dtype)
    return x_ind, y_ind, x_ind + torch.zeros_like(out).scatter_add(0, index, y_ind)


class _ScatterExtreme(torch.autograd.Function):
    """TF's values and gradient (NOTE: [TF's scatter max and min])."""

    @staticmethod
    def forward(rows: torch.Tensor, index: torch.Tensor, updates: torch.Tensor,
                maximum: bool) -> torch.Tensor:
        with _DisableSubclass():
            return _values(rows, index, updates, maximum)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        rows, index, updates, _ = inputs
        ctx.save_for_backward(rows, index, updates, output)
        ctx.save_for_forward(rows, index, updates, output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None, None
        rows, index, updates, out = ctx.saved_tensors
        with _DisableSubclass():
            x_ind, y_ind, count = _indicators(rows, index, updates, out.detach())
            share = grad / count
            return grad * x_ind / count, None, torch.gather(share, 0, index) * y_ind, None

    @staticmethod
    def jvp(ctx: Any, tangent_rows: Optional[torch.Tensor], _: Any,
            tangent_updates: Optional[torch.Tensor], *__: Any) -> torch.Tensor:
        # The transpose of the gradient above.
        rows, index, updates, out = ctx.saved_tensors
        with _DisableSubclass():
            x_ind, y_ind, count = _indicators(rows, index, updates, out)
            moved = zero_for(tangent_updates, updates) * y_ind
            spread = torch.zeros_like(out).scatter_add(0, index, moved.expand_as(y_ind))
            return (zero_for(tangent_rows, rows) * x_ind + spread) / count


@visible_to_modes
def scatter_extreme(rows: torch.Tensor, index: torch.Tensor, updates: torch.Tensor,
                    maximum: bool) -> torch.Tensor:
    """`rows` with each `updates[i]` folded into row `index[i]` by TF's max (or min).

    `index` is expanded to the shape of `updates`, as `torch.scatter_reduce` takes it.
    """
    if needs_grad(rows, updates):
        return apply_function(_ScatterExtreme, rows, index, updates, maximum)
    with _DisableSubclass():
        return _values(rows, index, updates, maximum)
