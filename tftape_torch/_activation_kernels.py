"""TF's kernels for the activations whose torch counterparts round or differentiate
otherwise: `Elu` and `Selu`, `Softsign`.

TF's `Elu`/`Selu` compute `exp(x) - 1` (not `expm1`): for a small negative `x` the
activation rounds to 0 (float32: `elu(-1e-8)` is 0, torch's `-1e-8`), and their
gradients select on the *activation* (`EluGrad(g, y) = y < 0 ? g * (y + 1) : g`), so
where the activation rounded to 0 the gradient is the positive side's (`selu`: 1.0507
where torch's says 1.7581). The second derivatives are TF's `EluGradGrad` and
`SeluGradGrad`, which torch records from these backward formulas. `Softsign`'s
gradient is TF's `SoftsignGrad`, `g / (1 + |x|)^2`: 0 at infinity, where the
derivative of `x / (1 + |x|)` computed by parts is NaN; TF registers no gradient for
`SoftsignGrad`, so a second derivative (or a forward-mode derivative, which TF takes
through it) raises `LookupError`, as in TF.

>>> import torch
>>> x = torch.tensor([-1e-8, -1.0], requires_grad=True)
>>> y = elu(x)
>>> y.tolist(), torch.autograd.grad(y.sum(), x)[0].tolist()
([0.0, -0.6321205496788025], [1.0, 0.3678794503211975])
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._kernels import needs_grad, visible_to_modes
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
)

__all__ = ["elu", "selu", "softsign"]

# TF's constants (relu_op_functor.h), cast to the features' dtype by the kernel.
SELU_SCALE = 1.0507009873554804934193349852946
SELU_SCALE_ALPHA = 1.7580993408473768599402175208123


def _exp_linear(x: torch.Tensor, scale: float, scale_alpha: float) -> torch.Tensor:
    negative = torch.exp(x) - 1.0
    if scale_alpha != 1.0:
        negative = scale_alpha * negative
    return torch.where(x < 0, negative, x if scale == 1.0 else scale * x)


def _exp_linear_grad(grad: torch.Tensor, out: torch.Tensor, scale: float,
                     scale_alpha: float) -> torch.Tensor:
    """TF's `EluGrad`/`SeluGrad`: selected on the activation `out`."""
    positive = grad if scale == 1.0 else grad * scale
    return torch.where(out < 0, grad * (out + scale_alpha), positive)


class _ExpLinear(torch.autograd.Function):
    """`elu` (scale 1, alpha 1) or `selu`, as TF's kernels compute and differentiate it."""

    @staticmethod
    def forward(x: torch.Tensor, scale: float, scale_alpha: float) -> torch.Tensor:
        with _DisableSubclass():
            return _exp_linear(x, scale, scale_alpha)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        _, ctx.scale, ctx.scale_alpha = inputs
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None
        (out,) = ctx.saved_tensors
        with _DisableSubclass():
            return _exp_linear_grad(grad, out, ctx.scale, ctx.scale_alpha), None, None

    @staticmethod
    def tftape_batched_backward(node: Any, g: torch.Tensor, nexts: Any) -> List[Any]:
        """`backward` for a batch of gradients, batch first (NOTE [Own batching rules]
        in `_batched_backward`)."""
        (out,) = node.saved_tensors
        return [_exp_linear_grad(g, out, node.scale, node.scale_alpha)]

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor, *_: Any) -> torch.Tensor:
        (out,) = ctx.saved_tensors
        with _DisableSubclass():
            return _exp_linear_grad(tangent, out, ctx.scale, ctx.scale_alpha)


@visible_to_modes
def elu(x: torch.Tensor) -> torch.Tensor:
    """TF's `Elu` kernel on floating tensor `x` (see the module's docstring)."""
    if needs_grad(x):
        return apply_function(_ExpLinear, x, 1.0, 1.0)
    with _DisableSubclass():
        return _exp_linear(x, 1.0, 1.0)


@visible_to_modes
def selu(x: torch.Tensor) -> torch.Tensor:
    """TF's `Selu` kernel on floating tensor `x` (see the module's docstring)."""
    if needs_grad(x):
        return apply_function(_ExpLinear, x, SELU_SCALE, SELU_SCALE_ALPHA)
    with _DisableSubclass():
        return _exp_linear(x, SELU_SCALE, SELU_SCALE_ALPHA)


def _softsign(x: torch.Tensor) -> torch.Tensor:
    return x / (torch.abs(x) + 1.0)


def _softsign_grad(grad: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """TF's `SoftsignGrad`."""
    return grad / torch.square(torch.abs(x) + 1.0)


_SOFTSIGN_GRAD = unregistered_gradient("SoftsignGrad", _softsign_grad)


class _Softsign(torch.autograd.Function):
    """`softsign` with TF's `SoftsignGrad` (which has no gradient in TF)."""

    @staticmethod
    def forward(x: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return _softsign(x)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(inputs[0])
        ctx.save_for_forward(inputs[0])
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None
        (x,) = ctx.saved_tensors
        with _DisableSubclass():
            out: torch.Tensor = _SOFTSIGN_GRAD(grad, x)
            return out

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor) -> torch.Tensor:
        # TF's forward mode transposes `SoftsignGrad`, which has no gradient.
        raise LookupError("gradient registry has no entry for: SoftsignGrad")


@visible_to_modes
def softsign(x: torch.Tensor) -> torch.Tensor:
    """TF's `Softsign` kernel on floating tensor `x` (see the module's docstring)."""
    if needs_grad(x):
        return apply_function(_Softsign, x)
    with _DisableSubclass():
        return _softsign(x)
