"""TF's `MatrixInverse`, `MatrixDeterminant` and `LogMatrixDeterminant` kernels and
their gradients, for real and complex matrices.

TF differentiates a determinant through the inverse: `grad * det * inv(a)^H` (the
determinant not conjugated, unlike torch's complex rule), and `log|det|` by
`grad * inv(a)^H` (the sign's gradient ignored). At a singular matrix the inverse
fails, so the gradient raises TF's `InvalidArgumentError` ("Input is not
invertible."), where torch's `det` answers zeros (not the adjugate, the derivative
there). The inverse is checked on the host, as TF's kernel (and torch's `inv`) does.

>>> import torch
>>> a = torch.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
>>> torch.autograd.grad(det(a), a)[0].tolist()
[[3.0, -1.0], [-1.0, 2.0]]
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
from tftape_torch.errors import InvalidArgumentError

__all__ = ["det", "matrix_inverse", "slogdet"]


def matrix_inverse(a: torch.Tensor) -> torch.Tensor:
    """The inverse of each innermost matrix of `a`; TF's error for a singular one.

    Raises:
      InvalidArgumentError: if a matrix is not invertible.
    """
    inverse, info = torch.linalg.inv_ex(a)
    if bool((info != 0).any()):  # a host read, as TF's kernel's and torch's `inv`
        raise InvalidArgumentError(None, None, "Input is not invertible. [Op:MatrixInverse]")
    return inverse


def _trace_of_solve(a: torch.Tensor, tangent: torch.Tensor) -> torch.Tensor:
    """`trace(inv(a) @ tangent)`: the derivative of `log det` along `tangent`."""
    return torch.linalg.solve(a, tangent).diagonal(dim1=-2, dim2=-1).sum(-1)


class _Det(torch.autograd.Function):
    """TF's `MatrixDeterminant` gradient: `grad * det * inv(a)^H`."""

    @staticmethod
    def forward(a: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return torch.linalg.det(a)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(inputs[0], output)
        ctx.save_for_forward(inputs[0], output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None
        a, out = ctx.saved_tensors
        with _DisableSubclass():
            return (grad * out)[..., None, None] * matrix_inverse(a).mH

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor) -> torch.Tensor:
        # TF transposes its gradient function: the determinant conjugated.
        a, out = ctx.saved_tensors
        with _DisableSubclass():
            return out.conj() * _trace_of_solve(a, tangent)


class _Slogdet(torch.autograd.Function):
    """TF's `LogMatrixDeterminant`: the sign, and `log|det|` in the input's dtype
    (complex for complex matrices); the sign's gradient ignored, the log's
    `grad * inv(a)^H`."""

    @staticmethod
    def forward(a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        with _DisableSubclass():
            sign, logabs = torch.linalg.slogdet(a)
            return sign, logabs.to(a.dtype)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: Any) -> None:
        ctx.save_for_backward(inputs[0])
        ctx.save_for_forward(inputs[0])
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad_sign: Any, grad_log: Optional[torch.Tensor]
                 ) -> Optional[torch.Tensor]:
        (a,) = ctx.saved_tensors
        if grad_log is None:  # only the sign's gradient, which TF ignores: zeros
            return None if grad_sign is None else torch.zeros_like(a)
        with _DisableSubclass():
            return grad_log[..., None, None] * matrix_inverse(a).mH

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        (a,) = ctx.saved_tensors
        with _DisableSubclass():
            trace = _trace_of_solve(a, tangent)
            return torch.zeros_like(trace), trace


@visible_to_modes
def det(a: torch.Tensor) -> torch.Tensor:
    """The determinant of each innermost matrix, with TF's gradient."""
    if needs_grad(a):
        return apply_function(_Det, a)
    with _DisableSubclass():
        return torch.linalg.det(a)


@visible_to_modes
def slogdet(a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """TF's `(sign, log|det|)` of each innermost matrix, with TF's gradient."""
    if needs_grad(a):
        return apply_function(_Slogdet, a)
    with _DisableSubclass():
        sign, logabs = torch.linalg.slogdet(a)
        return sign, logabs.to(a.dtype)
