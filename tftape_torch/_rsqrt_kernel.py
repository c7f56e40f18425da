"""TF's `Rsqrt` kernel, whose gradient differs from torch's, in the manner of
`_kernels` (NOTE: [TF's gradient conventions] there): like `sqrt`, TF's gradient
(`RsqrtGrad`) is 0 where the incoming gradient is 0 (torch's is `0 * inf = NaN` at
0), and `RsqrtGrad` has TF's own gradient.

>>> import torch
>>> x = torch.tensor([0.0, 4.0], requires_grad=True)
>>> torch.autograd.grad((rsqrt(x) * torch.tensor([0.0, 1.0])).sum(), x)[0]
tensor([ 0.0000, -0.0625])
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from tftape_torch._kernels import all_positive, needs_grad, visible_to_modes
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
)

__all__ = ["rsqrt"]


def _conjugate(x: torch.Tensor) -> torch.Tensor:
    return x.conj() if x.is_complex() else x


class _Rsqrt(torch.autograd.Function):
    """`rsqrt` whose gradient is 0 wherever the incoming gradient is 0 (TF's kernel)."""

    @staticmethod
    def forward(x: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return torch.rsqrt(x)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Optional[torch.Tensor]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None
        (out,) = ctx.saved_tensors
        return apply_function(_RsqrtGrad, out, grad)

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor) -> torch.Tensor:
        # TF transposes `RsqrtGrad`: `-0.5 * tangent * out ** 3`, not masked.
        (out,) = ctx.saved_tensors
        with _DisableSubclass():
            return -0.5 * (tangent * out) * (out * out)


def _rsqrt_grad(out: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """TF's `RsqrtGrad`: `-0.5 * grad * conj(out) ** 3`, and 0 where `grad` is 0."""
    out = _conjugate(out)
    zero = torch.zeros((), dtype=grad.dtype, device=grad.device)
    return torch.where(grad == 0, zero, -0.5 * (grad * out) * (out * out))


class _RsqrtGrad(torch.autograd.Function):
    """TF's `RsqrtGrad` op with its registered gradient (`_RsqrtGradGrad`): in `out`
    `-1.5 * conj(g) * grad * conj(out) ** 2` (not masked), in `grad` `RsqrtGrad` again."""

    @staticmethod
    def forward(out: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return _rsqrt_grad(out, grad)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(*inputs)
        ctx.save_for_forward(*inputs)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, g: Optional[torch.Tensor]
                 ) -> Tuple[Optional[torch.Tensor], Optional[torch.Tensor]]:
        if g is None:
            return None, None
        out, grad = ctx.saved_tensors
        with _DisableSubclass():
            conj_out = _conjugate(out)
            grad_out = -1.5 * _conjugate(g) * grad * torch.square(conj_out)
        return grad_out, apply_function(_RsqrtGrad, conj_out, g)

    @staticmethod
    def jvp(ctx: Any, t_out: Optional[torch.Tensor], t_grad: Optional[torch.Tensor]
            ) -> torch.Tensor:
        out, grad = ctx.saved_tensors
        with _DisableSubclass():
            total = torch.zeros_like(grad)
            if t_out is not None:
                total = total + -1.5 * t_out * grad * torch.square(out)
            if t_grad is not None:
                total = total + -0.5 * (t_grad * out) * (out * out)
            return total


@visible_to_modes
def rsqrt(x: torch.Tensor) -> torch.Tensor:
    """Elementwise `1 / sqrt(x)` with TF's zero-safe gradient."""
    if needs_grad(x) and not all_positive(x):
        return apply_function(_Rsqrt, x)
    with _DisableSubclass():
        return torch.rsqrt(x)
