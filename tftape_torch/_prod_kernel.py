"""TF's `Prod` reduction and its gradient.

TF differentiates `reduce_prod` by products of everything but each entry
(`_ProdGrad`: exclusive cumulative products from both ends of the reduced entries),
never dividing: its gradient is finite where an entry is infinite or zero, and it
reads nothing back to the host. torch's `prod` divides the product by each entry
(NaN next to an infinity) and, on CUDA, asks the host whether an entry is zero. The
exclusive products are TF's `Cumprod` (`_kernels.cumprod`), so second derivatives are
TF's too.

>>> x = torch.tensor([[float("inf"), 1.0, 2.0]], requires_grad=True)
>>> torch.autograd.grad(reduce_prod(x, [1], False).sum(), x)[0].tolist()
[[2.0, inf, inf]]
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence, Tuple

import torch

from tftape_torch._kernels import cumprod, needs_grad, visible_to_modes
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
)

__all__ = ["reduce_prod"]


def _product(x: torch.Tensor, dims: Sequence[int], keepdim: bool) -> torch.Tensor:
    out = x
    for axis in sorted(dims, reverse=True):
        out = torch.prod(out, dim=axis, keepdim=True, dtype=x.dtype)
    if not dims:
        out = out.clone()
    if not keepdim:
        out = out.reshape([d for i, d in enumerate(x.shape) if i not in dims])
    return out


def _all_but_each(x: torch.Tensor, dims: Sequence[int]) -> torch.Tensor:
    """For each entry of `x`, the product of the other entries it is reduced with:
    TF's `_ProdGrad` (the reduced dimensions moved first and flattened, exclusive
    cumulative products from both ends, conjugated, moved back)."""
    other = [d for d in range(x.dim()) if d not in dims]
    perm = list(dims) + other
    permuted = x.permute(perm)
    flat = permuted.reshape(math.prod(x.shape[d] for d in dims),
                            math.prod(x.shape[d] for d in other))
    left = cumprod(flat, 0, True, False)
    right = cumprod(flat, 0, True, True)
    y = (left.conj() * right.conj()).reshape(permuted.shape)
    inverse = [0] * len(perm)
    for i, d in enumerate(perm):
        inverse[d] = i
    return y.permute(inverse)


def _expanded(grad: torch.Tensor, x: torch.Tensor, dims: Sequence[int],
              keepdim: bool) -> torch.Tensor:
    if not keepdim:
        for axis in sorted(dims):
            grad = grad.unsqueeze(axis)
    return grad.expand(x.shape)


class _ReduceProd(torch.autograd.Function):
    @staticmethod
    def forward(x: torch.Tensor, dims: Tuple[int, ...], keepdim: bool) -> torch.Tensor:
        with _DisableSubclass():
            return _product(x, dims, keepdim)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, ctx.dims, ctx.keepdim = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None
        (x,) = ctx.saved_tensors
        with _DisableSubclass():
            return (_expanded(grad, x, ctx.dims, ctx.keepdim) * _all_but_each(x, ctx.dims),
                    None, None)

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor, *_: Any) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        with _DisableSubclass():
            # TF transposes its gradient, which conjugates the partials.
            terms = tangent * _all_but_each(x, ctx.dims).conj()
            return torch.sum(terms, dim=list(ctx.dims), keepdim=ctx.keepdim) if ctx.dims else terms


@visible_to_modes
def reduce_prod(x: torch.Tensor, dims: List[int], keepdim: bool) -> torch.Tensor:
    """The product of `x` over `dims` (TF's `Prod`), with TF's gradient for inexact `x`."""
    if (x.is_floating_point() or x.is_complex()) and needs_grad(x):
        return apply_function(_ReduceProd, x, tuple(dims), keepdim)
    with _DisableSubclass():
        return _product(x, dims, keepdim)
