"""TF's `Svd` kernel on matrices with a NaN or an infinity.

torch's CPU solver refuses the whole batch when one matrix holds a non-finite value
("the algorithm failed to converge"); TF's Eigen solver fails for that matrix alone
and fills its singular values and vectors with NaN. So a refused batch runs again
with those matrices zeroed, and their results are made NaN, in value and gradient.
A batch without one costs nothing more.

>>> import torch
>>> a = torch.tensor([[[1.0, float("nan")], [0.0, 1.0]], [[3.0, 0.0], [0.0, 4.0]]])
>>> singular_values(a).tolist()
[[nan, nan], [4.0, 3.0]]
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import torch

__all__ = ["pseudo_inverse", "rank", "singular_values", "svd"]


def _mh(x: torch.Tensor) -> torch.Tensor:
    return x.mT.conj() if x.is_complex() else x.mT


class _Zeroed(torch.autograd.Function):
    """`a` with the matrices selected by `bad` zeroed; their gradient is NaN (TF's
    through its NaN results), the others' passes through."""

    @staticmethod
    def forward(ctx: Any, a: torch.Tensor, bad: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(bad)
        return torch.where(bad, torch.zeros((), dtype=a.dtype, device=a.device), a)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[torch.Tensor, None]:
        (bad,) = ctx.saved_tensors
        nan = torch.full((), float("nan"), dtype=grad.dtype, device=grad.device)
        return torch.where(bad, nan, grad), None


_Solver = Callable[[torch.Tensor], Tuple[torch.Tensor, ...]]


def _nan_where_not_finite(a: torch.Tensor, solve: _Solver) -> Tuple[torch.Tensor, ...]:
    """`solve(a)`, rerun with the matrices holding a non-finite value zeroed and
    their results made NaN if torch refuses `a`."""
    try:
        return solve(a)
    except RuntimeError:
        bad = ~torch.isfinite(a).all(-1).all(-1)
        if not bool(bad.any()):
            raise
    results = solve(_Zeroed.apply(a, bad[..., None, None]))
    marked = []
    for out in results:
        rows = bad.reshape(bad.shape + (1,) * (out.dim() - bad.dim()))
        nan = torch.full((), float("nan"), dtype=out.dtype, device=out.device)
        marked.append(out * torch.where(rows, nan, torch.ones((), dtype=out.dtype,
                                                               device=out.device)))
    return tuple(marked)


def singular_values(a: torch.Tensor) -> torch.Tensor:
    """The singular values of each matrix of `a`, descending (NaN where it holds a
    non-finite value)."""
    return _nan_where_not_finite(a, lambda m: (torch.linalg.svdvals(m),))[0]


def svd(a: torch.Tensor, full: bool) -> Tuple[torch.Tensor, ...]:
    """TF's `(s, u, v)` of each matrix of `a` (NaN where it holds a non-finite value)."""
    def solve(m: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        u, s, vh = torch.linalg.svd(m, full_matrices=full)
        return s, u, _mh(vh)

    return _nan_where_not_finite(a, solve)


def pseudo_inverse(a: torch.Tensor, rtol: float) -> torch.Tensor:
    """The pseudo-inverse of each matrix of `a`, singular values below `rtol` times
    the largest dropped (NaN where it holds a non-finite value)."""
    return _nan_where_not_finite(a, lambda m: (torch.linalg.pinv(m, rtol=rtol),))[0]


def rank(a: torch.Tensor, atol: Optional[float]) -> torch.Tensor:
    """The int32 number of singular values of each matrix of `a` above `atol` (by
    default the largest times `max(rows, cols) * eps`); 0 where it holds a non-finite
    value (TF's NaN singular values compare false)."""
    try:
        return torch.linalg.matrix_rank(a, atol=atol).to(torch.int32)
    except RuntimeError:
        values = singular_values(a)
    if atol is None:
        eps = torch.finfo(values.dtype).eps
        bound = values.amax(-1, keepdim=True) * (max(a.shape[-2:]) * eps)
    else:
        bound = torch.full((), atol, dtype=values.dtype, device=values.device)
    return (values > bound).sum(-1).to(torch.int32)
