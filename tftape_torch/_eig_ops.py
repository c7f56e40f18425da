"""TF's eigendecompositions beyond `eigh`: the general `tf.linalg.eig` and
`tf.linalg.eigvals` (also `tf.eig`, `tf.eigvals`), and the Hermitian tridiagonal
`tf.linalg.eigh_tridiagonal` (at the end of this module).

Both are TF's `Eig` op: the eigenvalues `e` and (for `eig`) the eigenvectors `v`
(columns, unit norm) of each innermost square matrix, complex64 for float32 and
complex64 inputs, complex128 for float64 and complex128 ones. The values are
torch's (LAPACK's `geev`). TF's kernel is Eigen's complex Schur solver, which
returns the same eigenvalues in an order of its own and each eigenvector up to a
unit complex factor of its own: neither order nor phase is specified by TF, and
neither is TF's here (tests/conformance/known_differences.md).

The gradient is TF's (`_EigGrad`, eq. 4.77 of Boeddeker et al., arXiv:1701.00392),
for distinct eigenvalues:

    grad_a = V^-H (diag(grad_e) + conj(F) * (V^H grad_v - V^H V diag(Re diag(V^H grad_v)))) V^H

with `F[i, j] = 1 / (e[j] - e[i])` off the diagonal (TF's safe reciprocal) and 0 on
it, cast to the input's dtype (its real part for a real input). Unlike torch's own
`linalg.eig` backward, it accepts losses that depend on the eigenvectors' phases
(TF does; the result then depends on the phase convention) and reads nothing on the
host. The backward pass is made of differentiable torch ops on the saved outputs,
so nested tapes give TF's higher derivatives; forward mode (a `ForwardAccumulator`)
is the matching JVP.

>>> import tftape_torch as tf
>>> e, v = tf.linalg.eig(tf.constant([[2.0, 1.0], [0.0, 3.0]]))
>>> print(e)
tf.Tensor([2.+0.j 3.+0.j], shape=(2,), dtype=complex64)
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np
import torch

from tftape_torch._dtypes import as_dtype
from tftape_torch._kernels import needs_grad, visible_to_modes
from tftape_torch._op_call import as_tensor, call
from tftape_torch._tensor import fresh
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import apply_function
from tftape_torch.errors import InvalidArgumentError

__all__ = ["eig", "eigh_tridiagonal", "eigvals"]

_OP = "Eig"
_COMPLEX_OF = {
    torch.float32: torch.complex64,
    torch.complex64: torch.complex64,
    torch.float64: torch.complex128,
    torch.complex128: torch.complex128,
}
_EPSILON = 1e-20  # TF's `_SafeReciprocal`


def _off_diagonal_reciprocals(e: torch.Tensor) -> torch.Tensor:
    """`F[..., i, j] = 1 / (e[j] - e[i])` off the diagonal, 0 on it: TF's safe
    reciprocal `x / (x * x + 1e-20)`, which is finite for equal eigenvalues."""
    gaps = e.unsqueeze(-2) - e.unsqueeze(-1)
    f = gaps / (gaps * gaps + _EPSILON)
    return f * (1 - torch.eye(e.shape[-1], dtype=f.real.dtype, device=f.device))


def _eig_vjp(e: torch.Tensor, v: torch.Tensor, grad_e: Optional[torch.Tensor],
             grad_v: Optional[torch.Tensor]) -> torch.Tensor:
    """TF's `_EigGrad` (see the module docstring), in complex arithmetic."""
    vh = v.mH
    mid = torch.diag_embed(grad_e) if grad_e is not None else torch.zeros_like(v)
    if grad_v is not None:
        vgv = vh @ grad_v
        normalization = torch.diagonal(vgv, dim1=-2, dim2=-1).real.to(vgv.dtype)
        mid = mid + _off_diagonal_reciprocals(e).conj() * (
            vgv - (vh @ v) * normalization.unsqueeze(-2))
    return torch.linalg.solve(vh, mid @ vh)


def _eig_jvp(e: torch.Tensor, v: torch.Tensor, tangent: torch.Tensor
             ) -> Tuple[torch.Tensor, torch.Tensor]:
    """The eigenvalues' and unit eigenvectors' tangents for a tangent of the matrix
    (the linear map whose adjoint is `_eig_vjp`)."""
    projected = torch.linalg.solve(v, tangent.to(v.dtype) @ v)  # V^-1 dA V
    de = torch.diagonal(projected, dim1=-2, dim2=-1)
    dv = v @ (projected * _off_diagonal_reciprocals(e))
    dv = dv - v * torch.diagonal(v.mH @ dv, dim1=-2, dim2=-1).real.unsqueeze(-2)
    return de, dv


class _Eig(torch.autograd.Function):
    """`torch.linalg.eig` with TF's `Eig` gradient (a differentiable backward)."""

    @staticmethod
    def forward(a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        with _DisableSubclass():
            return torch.linalg.eig(a)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: Any) -> None:
        e, v = output
        ctx.save_for_backward(e, v)
        ctx.save_for_forward(e, v)
        ctx.real_input = not inputs[0].is_complex()
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad_e: Optional[torch.Tensor], grad_v: Optional[torch.Tensor]
                 ) -> Optional[torch.Tensor]:
        if grad_e is None and grad_v is None:  # pruned by a tape: no gradient, not zeros
            return None
        e, v = ctx.saved_tensors
        with _DisableSubclass():
            grad_a = _eig_vjp(e, v, grad_e, grad_v)
            return grad_a.real if ctx.real_input else grad_a

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        e, v = ctx.saved_tensors
        with _DisableSubclass():
            return _eig_jvp(e, v, tangent)


@visible_to_modes
def _eig(a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    if needs_grad(a):
        return tuple(apply_function(_Eig, a))
    with _DisableSubclass():
        return tuple(torch.linalg.eig(a))


@visible_to_modes
def _eigvals(a: torch.Tensor) -> torch.Tensor:
    if needs_grad(a):
        # TF's `Eig` gradient for the eigenvalues alone reads the eigenvectors too.
        return apply_function(_Eig, a)[0]
    with _DisableSubclass():
        return torch.linalg.eigvals(a)


def _square_input(tensor: Any) -> torch.Tensor:
    """`tensor` as `Eig`'s input, with TF's checks in TF's order."""
    # TF's wrapper reads `tensor.dtype` before converting (a list raises
    # AttributeError) and has no output dtype for other dtypes.
    dtype = as_dtype(tensor.dtype)
    if dtype not in _COMPLEX_OF:
        raise UnboundLocalError(
            "cannot access local variable 'out_dtype' where it is not associated with a value")
    a = as_tensor(tensor, dtype)
    with _DisableSubclass():
        rank, sizes = a.dim(), a.size()
    if rank < 2:
        raise InvalidArgumentError(
            None, None, f"Input tensor 0 must have rank >= 2, got {rank} [Op:{_OP}]")
    if sizes[-1] != sizes[-2]:
        raise InvalidArgumentError(None, None, f"Input matrix must be square. [Op:{_OP}]")
    return a


def eig(tensor: Any, name: Optional[str] = None) -> Tuple[torch.Tensor, torch.Tensor]:
    """Computes the eigen decomposition of a batch of matrices.

    The eigenvalues and eigenvectors of each innermost square matrix of `tensor` are
    computed: `tensor[..., :, :] @ v[..., :, i] = e[..., i] * v[..., :, i]`. They are
    complex (complex64 for float32/complex64 input, complex128 for
    float64/complex128); each eigenvector has unit norm. As in TF, their order and
    the eigenvectors' phases are unspecified.

    >>> import tftape_torch as tf
    >>> e, v = tf.linalg.eig(tf.constant([[0.0, -1.0], [1.0, 0.0]]))
    >>> print(tf.sort(tf.math.imag(e)))
    tf.Tensor([-1.  1.], shape=(2,), dtype=float32)

    Args:
      tensor: a `Tensor` (or NumPy array) of shape `[..., N, N]`.
      name: ignored.

    Returns:
      `(e, v)`: eigenvalues `[..., N]`, eigenvectors (columns) `[..., N, N]`.

    Raises:
      AttributeError: for a Python list (TF reads its `dtype`).
      UnboundLocalError: for a dtype other than float32/64 and complex64/128 (TF's
        wrapper fails this way).
      InvalidArgumentError: for rank < 2 or non-square matrices.
    """
    a = _square_input(tensor)
    e, v = fresh(call(_OP, _eig, (a,), a))
    return e, v


def eigvals(tensor: Any, name: Optional[str] = None) -> torch.Tensor:
    """Computes the eigenvalues of one or more matrices (see `eig`).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.eigvals(tf.constant([[2.0, 1.0], [0.0, 3.0]], tf.float64)))
    tf.Tensor([2.+0.j 3.+0.j], shape=(2,), dtype=complex128)

    Raises:
      AttributeError, UnboundLocalError, InvalidArgumentError: as `eig`.
    """
    a = _square_input(tensor)
    return call(_OP, _eigvals, (a,), a)


# ---------------------------------------------------------------------------
# eigh_tridiagonal


def _tridiagonal_eigh(alpha: torch.Tensor, beta: torch.Tensor, vectors: bool) -> Any:
    """The eigenvalues (and eigenvectors) of the Hermitian tridiagonal matrix with
    diagonal `alpha` (its real part) and subdiagonal `beta`, by a dense `eigh`."""
    diagonal = alpha.real if alpha.is_complex() else alpha
    dtype = beta.dtype if beta.is_complex() else diagonal.dtype
    off = beta.to(dtype)  # both triangles, so `beta` moves both entries it stands for
    matrix = (torch.diag_embed(diagonal.to(dtype)) + torch.diag_embed(off, -1)
              + torch.diag_embed(off.conj(), 1))
    if vectors:
        return tuple(torch.linalg.eigh(matrix, UPLO="L"))
    return torch.linalg.eigvalsh(matrix, UPLO="L")


def eigh_tridiagonal(alpha: Any, beta: Any, eigvals_only: bool = True, select: str = "a",
                     select_range: Any = None, tol: Any = None,
                     name: Optional[str] = None) -> Any:
    """Computes the eigenvalues (ascending) of a Hermitian tridiagonal matrix: diagonal
    `alpha` (`[n]`, its real part if complex), subdiagonal `beta` (`[n - 1]`).

    `select` picks all (`"a"`), those in the half-open range `(vl, vu]` (`"v"`) or those
    of indices `il..iu` inclusive (`"i"`), `select_range` giving the bounds. With
    `eigvals_only=False` the eigenvectors (columns) come too, each up to its sign
    (phase), as TF's.

    TF computes by bisection, whose tape gradient is not the eigenvalues' derivative
    (it reaches only the end entries); here the decomposition is torch's `eigh` of the
    dense matrix, and the gradient is the derivative (`d e_k / d alpha_j = |v_jk|^2`)
    (tests/conformance/known_differences.md).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.eigh_tridiagonal(tf.constant([1.0, 2.0]), tf.constant([0.0])))
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)

    Raises:
      ValueError: for an `alpha` that is not floating or complex, or an unknown `select`.
      InvalidArgumentError: for a `beta` whose length is not `len(alpha) - 1`.
    """
    a = as_tensor(alpha)
    if not (a.is_floating_point() or a.is_complex()):
        numpy_type = np.dtype(str(a.dtype).replace("torch.", "")).type
        raise ValueError(f"data type {numpy_type} not inexact")
    b = as_tensor(beta, a.dtype)
    if int(b.shape[-1]) != int(a.shape[-1]) - 1:
        raise InvalidArgumentError(
            None, None, f"Incompatible shapes: [{a.shape[-1]}] vs. [{b.shape[-1] + 1}] "
            "[Op:AddV2]")
    if select not in ("a", "v", "i"):
        raise ValueError(f"Invalid select value: {select!r}; expected 'a', 'v' or 'i'")
    out = fresh(call("EighTridiagonal", _tridiagonal_eigh, (a, b), a, b, not eigvals_only))
    values, vectors = (out, None) if eigvals_only else out
    if select == "a":
        return values if eigvals_only else (values, vectors)
    with _DisableSubclass():
        if select == "v":
            low, high = (float(v) for v in select_range)
            keep: Any = torch.nonzero((values > low) & (values <= high)).reshape(-1)
        else:
            first, last = (int(v) for v in select_range)
            keep = slice(first, last + 1)
        values = fresh(values[keep])
        if vectors is None:
            return values
        return values, fresh(vectors[:, keep])
