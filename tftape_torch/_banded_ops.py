"""TF's banded linear-algebra ops, public as `tf.linalg.*`: `tridiagonal_solve`,
`tridiagonal_matmul` and `banded_triangular_solve`.

Each op builds the dense `[..., M, M]` matrix from its diagonals (a scatter of
torch ops) and runs torch's dense kernel on it, so its gradients (of any order, and
under `tape.jacobian`'s vmapped backward pass) are torch's, composed:

* `tridiagonal_solve` costs O(M^3) per matrix (a dense LU solve), not TF's O(M);
  a singular matrix gives NaN (as TF's CPU kernel does), and without
  `partial_pivoting` a zero pivot of the unpivoted elimination gives NaN too;
* `tridiagonal_matmul` is three shifted elementwise products (O(M K));
* `banded_triangular_solve` is a dense triangular solve.

The diagonals' padding entries (TF's 'LEFT_RIGHT' alignment: superdiagonals padded
on the right, subdiagonals on the left) are never read, and their gradient is 0.

NOTE: [Complex tridiagonal gradients] TF's `TridiagonalSolve` gradient solves with the
transpose, not the adjoint, of the matrix (and multiplies by the solution, not its
conjugate), so for complex inputs it is not the conjugate gradient other TF ops give.
Complex solves that need a derivative therefore run as an `autograd.Function` with
TF's formula (its backward composed of differentiable torch ops, reading the saved
solution, so nested tapes give TF's higher derivatives); real ones are plain torch.

>>> import tftape_torch as tf
>>> diagonals = tf.constant([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0], [0.0, 1.0, 1.0]])
>>> print(tf.linalg.tridiagonal_matmul(diagonals, tf.ones([3, 1]))[:, 0])
tf.Tensor([3. 4. 3.], shape=(3,), dtype=float32)
"""

from __future__ import annotations

import builtins
from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._kernels import needs_grad, visible_to_modes
from tftape_torch._linalg_ops import solve_triangular_matrix
from tftape_torch._op_call import as_tensor, call, disallowed
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import apply_function
from tftape_torch.errors import NotFoundError

__all__ = ["banded_triangular_solve", "tridiagonal_matmul", "tridiagonal_solve"]

_ALLOWED = (torch.float32, torch.float64, torch.complex64, torch.complex128)
_ALLOWED_NAMES = "double, float, complex64, complex128"


def _tensor_arg(value: Any) -> torch.Tensor:
    """A tensor argument TF's Python wrapper reads `.shape.rank` of: anything else
    fails there with AttributeError, as in TF."""
    if not isinstance(value, torch.Tensor):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute 'shape'")
    return value


def _same_dtype(first: torch.Tensor, other: Any, op: str, index: int) -> torch.Tensor:
    """`other` converted to `first`'s dtype (a value) or checked against it (a tensor)."""
    if first.dtype not in _ALLOWED:
        raise disallowed(op, first.dtype, _ALLOWED_NAMES)
    x = as_tensor(other, first.dtype)
    if x.dtype != first.dtype:
        raise _error(
            f"cannot compute {op} as input #{index}(zero-based) was expected to be a "
            f"{_dtype_word(first.dtype)} tensor but is a {_dtype_word(x.dtype)} tensor", op
        )
    return x


def _dtype_word(dtype: torch.dtype) -> str:
    names = {torch.float32: "float", torch.float64: "double", torch.float16: "half"}
    return names.get(dtype, str(dtype).replace("torch.", ""))


def _dense(compact: torch.Tensor) -> torch.Tensor:
    """The `[..., M, M]` tridiagonal matrix of compact diagonals `[..., 3, M]`."""
    out = torch.diag_embed(compact[..., 1, :])
    if compact.shape[-1] > 1:
        out = out + torch.diag_embed(compact[..., 0, :-1], offset=1)
        out = out + torch.diag_embed(compact[..., 2, 1:], offset=-1)
    return out


# ---------------------------------------------------------------------------
# tridiagonal_solve


def _zero_pivot(compact: torch.Tensor) -> torch.Tensor:
    """Whether the unpivoted (Thomas) elimination of each matrix meets a zero pivot."""
    with torch.no_grad():
        sup, diag, sub = compact[..., 0, :], compact[..., 1, :], compact[..., 2, :]
        pivot = diag[..., 0]
        bad = pivot == 0
        for i in range(1, compact.shape[-1]):
            pivot = diag[..., i] - sub[..., i] * sup[..., i - 1] / pivot
            bad = bad | (pivot == 0)
        return bad


def _tridiagonal_solve(
    compact: torch.Tensor, rhs: torch.Tensor, pivoting: builtins.bool
) -> torch.Tensor:
    if compact.shape[-1] == 0 or rhs.shape[-1] == 0:
        return rhs.clone()
    x, info = torch.linalg.solve_ex(_dense(compact), rhs)
    bad = info != 0
    if not pivoting:
        bad = bad | _zero_pivot(compact)
    nan = torch.full((), float("nan"), dtype=x.dtype, device=x.device)
    return torch.where(bad[..., None, None], nan, x)


def _transpose_compact(compact: torch.Tensor) -> torch.Tensor:
    """The compact diagonals of the transposed matrices (TF's padding kept)."""
    zero = torch.zeros_like(compact[..., 0, :1])
    sup = torch.cat((compact[..., 2, 1:], zero), -1)
    sub = torch.cat((zero, compact[..., 0, :-1]), -1)
    return torch.stack((sup, compact[..., 1, :], sub), -2)


def _three_diagonals(left: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    """The compact diagonals of `left @ right^T` (TF's `_MatmulExtractingThreeDiagonals`)."""
    zero = torch.zeros_like(right[..., :1, :])
    sup = (left * torch.cat((right[..., 1:, :], zero), -2)).sum(-1)
    sub = (left * torch.cat((zero, right[..., :-1, :]), -2)).sum(-1)
    return torch.stack((sup, (left * right).sum(-1), sub), -2)


class _ComplexTridiagonalSolve(torch.autograd.Function):
    """A complex tridiagonal solve with TF's `TridiagonalSolve` gradient."""

    @staticmethod
    def forward(compact: torch.Tensor, rhs: torch.Tensor, pivoting: builtins.bool) -> Any:
        with _DisableSubclass():
            return _tridiagonal_solve(compact, rhs, pivoting)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(inputs[0], output)
        ctx.save_for_forward(inputs[0], output)
        ctx.pivoting = inputs[2]
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Any, Any, None]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None
        compact, x = ctx.saved_tensors
        with _DisableSubclass():
            # Through this Function again: TF's second derivatives use its own gradient.
            transposed = _transpose_compact(compact)
            if torch.is_grad_enabled():
                grad_rhs = apply_function(_ComplexTridiagonalSolve, transposed, grad,
                                          ctx.pivoting)
            else:
                grad_rhs = _tridiagonal_solve(transposed, grad, ctx.pivoting)
            return -_three_diagonals(grad_rhs, x), grad_rhs, None

    @staticmethod
    def jvp(ctx: Any, t_compact: Optional[torch.Tensor], t_rhs: Optional[torch.Tensor],
            _: Any) -> torch.Tensor:
        compact, x = ctx.saved_tensors
        with _DisableSubclass():
            total = torch.zeros_like(x) if t_rhs is None else t_rhs
            if t_compact is not None:
                total = total - _dense(t_compact) @ x
            return _tridiagonal_solve(compact, total, ctx.pivoting)


@visible_to_modes
def _complex_solve(compact: torch.Tensor, rhs: torch.Tensor) -> Any:
    return apply_function(_ComplexTridiagonalSolve, compact, rhs, True)


@visible_to_modes
def _complex_solve_unpivoted(compact: torch.Tensor, rhs: torch.Tensor) -> Any:
    return apply_function(_ComplexTridiagonalSolve, compact, rhs, False)


def _stack_sequence(diagonals: Any) -> torch.Tensor:
    if not isinstance(diagonals, (tuple, list)) or len(diagonals) != 3:
        raise ValueError("Expected diagonals to be a sequence of length 3.")
    superdiag, maindiag, subdiag = (_tensor_arg(d) for d in diagonals)
    if superdiag.shape[:-1] != maindiag.shape[:-1] or subdiag.shape[:-1] != maindiag.shape[:-1]:
        raise ValueError(
            "Tensors representing the three diagonals must have the same shape,except for "
            f"the last dimension, got {subdiag.shape}, {maindiag.shape}, {superdiag.shape}"
        )
    m = maindiag.shape[-1]
    parts: List[torch.Tensor] = []
    for t, name, before in ((superdiag, "superdiagonal", False), (maindiag, "", False),
                            (subdiag, "subdiagonal", True)):
        n = t.shape[-1] if t.dim() else 0
        if n and n != m:
            if n != m - 1:
                raise ValueError(
                    f"Expected {name} to be have length {m} or {m - 1}, got {n}.")
            zero = torch.zeros((*t.shape[:-1], 1), dtype=t.dtype, device=t.device)
            t = torch.cat((zero, t) if before else (t, zero), -1)
        parts.append(t)
    if any(p.dtype != parts[0].dtype for p in parts):
        raise _error("cannot stack tensors of different dtypes", "Pack")
    if any(p.shape != parts[0].shape for p in parts):
        raise _error("Shapes of all inputs must match", "Pack")
    return call("Pack", torch.stack, parts, parts, -2)


def _matrix_compact(diagonals: Any) -> torch.Tensor:
    x = _tensor_arg(diagonals)
    if x.dim() < 2:
        raise ValueError(f"Shape must be at least rank 2 but is rank {x.dim()}")
    m1, m2 = x.shape[-1], x.shape[-2]
    if m1 and m2 and m1 != m2:
        raise ValueError(
            f"Expected last two dimensions of diagonals to be same, got {m1} and {m2}")
    return call("MatrixDiagPartV3", _compact_of_dense, (x,), x)


def _compact_of_dense(x: torch.Tensor) -> torch.Tensor:
    """TF's `matrix_diag_part(x, k=(-1, 1), align='LEFT_RIGHT')`, zero-padded."""
    m = x.shape[-1]
    zero = torch.zeros((*x.shape[:-2], builtins.min(m, 1)), dtype=x.dtype, device=x.device)
    sup = torch.cat((torch.diagonal(x, 1, -2, -1), zero), -1)
    sub = torch.cat((zero, torch.diagonal(x, -1, -2, -1)), -1)
    return torch.stack((sup, torch.diagonal(x, 0, -2, -1), sub), -2)


def tridiagonal_solve(
    diagonals: Any,
    rhs: Any,
    diagonals_format: str = "compact",
    transpose_rhs: builtins.bool = False,
    conjugate_rhs: builtins.bool = False,
    name: Optional[str] = None,
    partial_pivoting: builtins.bool = True,
    perturb_singular: builtins.bool = False,
) -> torch.Tensor:
    """Solves tridiagonal systems `A @ x = rhs` for `x`.

    `diagonals` holds `A` in one of three formats: 'compact' (`[..., 3, M]`:
    superdiagonal, diagonal, subdiagonal; `[..., 0, M-1]` and `[..., 2, 0]` ignored),
    'sequence' (a tuple of three tensors `[..., N]`, `[..., M]`, `[..., N]` with `N`
    `M` or `M - 1`) or 'matrix' (`[..., M, M]`, entries off the three diagonals
    ignored). `rhs` is `[..., M]` or `[..., M, K]` (`[..., K, M]` with
    `transpose_rhs`); batch dimensions must equal those of `diagonals`.

    Runs as a dense solve: O(M^3) per matrix, not TF's O(M). A singular matrix gives
    NaN; `perturb_singular` is accepted but (unlike TF) does not perturb.

    >>> import tftape_torch as tf
    >>> diagonals = tf.constant([[1.0, 1.0, 0.0], [2.0, 2.0, 2.0], [0.0, 1.0, 1.0]])
    >>> print(tf.linalg.tridiagonal_solve(diagonals, tf.constant([3.0, 4.0, 3.0])))
    tf.Tensor([1. 1. 1.], shape=(3,), dtype=float32)

    Raises:
      ValueError: for a bad format, shapes, or `perturb_singular` without pivoting.
      InvalidArgumentError: for a dtype other than float32/64 or complex64/128.
    """
    if perturb_singular and not partial_pivoting:
        raise ValueError("partial_pivoting must be True if perturb_singular is.")
    if diagonals_format == "compact":
        compact = _tensor_arg(diagonals)
    elif diagonals_format == "sequence":
        compact = _stack_sequence(diagonals)
    elif diagonals_format == "matrix":
        compact = _matrix_compact(diagonals)
    else:
        raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")
    b = _tensor_arg(rhs)
    d_rank, r_rank = compact.dim(), b.dim()
    if d_rank < 2:
        raise ValueError(f"Expected diagonals to have rank at least 2, got {d_rank}")
    if r_rank not in (d_rank, d_rank - 1):
        raise ValueError(
            f"Expected the rank of rhs to be {d_rank - 1} or {d_rank}, got {r_rank}")
    if compact.shape[:-2] != b.shape[:d_rank - 2]:
        raise ValueError(
            f"Batch shapes {tuple(compact.shape[:-2])} and {tuple(b.shape[:d_rank - 2])} "
            "are incompatible")
    if compact.shape[-2] != 3:
        raise ValueError(f"Expected 3 diagonals got {compact.shape[-2]}")
    vector = r_rank == d_rank - 1
    rows = b.shape[-1] if vector or (transpose_rhs and r_rank) else b.shape[-2]
    if compact.shape[-1] and rows and compact.shape[-1] != rows:
        raise ValueError(
            "Expected number of left-hand sided and right-hand sides to be equal, got "
            f"{compact.shape[-1]} and {rows}")
    b = _same_dtype(compact, b, "TridiagonalSolve", 1)
    return call("TridiagonalSolve", _solve_body, (compact, b), compact, b, vector,
                builtins.bool(transpose_rhs), builtins.bool(conjugate_rhs),
                builtins.bool(partial_pivoting))


def _solve_body(
    compact: torch.Tensor,
    rhs: torch.Tensor,
    vector: builtins.bool,
    transpose: builtins.bool,
    conjugate: builtins.bool,
    pivoting: builtins.bool,
) -> torch.Tensor:
    if conjugate and rhs.is_complex():
        rhs = rhs.conj()
    if vector:
        rhs = rhs.unsqueeze(-1)
    elif transpose:
        rhs = rhs.mT
    rhs = rhs.resolve_conj()
    if compact.is_complex() and needs_grad(compact, rhs):
        solve = _complex_solve if pivoting else _complex_solve_unpivoted
        out = solve(compact, rhs)
    else:
        out = _tridiagonal_solve(compact, rhs, pivoting)
    return out.squeeze(-1) if vector else out


# ---------------------------------------------------------------------------
# tridiagonal_matmul


def _tridiagonal_matmul(
    sup: torch.Tensor, diag: torch.Tensor, sub: torch.Tensor, rhs: torch.Tensor
) -> torch.Tensor:
    # TF's kernel reads the diagonals as [..., 1, M]; each row i of the product is
    # sup[i] * rhs[i + 1] + diag[i] * rhs[i] + sub[i] * rhs[i - 1].
    sup, diag, sub = (d.squeeze(-2).unsqueeze(-1) for d in (sup, diag, sub))
    out = diag * rhs
    if rhs.shape[-2] > 1:
        zero = torch.zeros_like(rhs[..., :1, :])
        out = out + sup * torch.cat((rhs[..., 1:, :], zero), -2)
        out = out + sub * torch.cat((zero, rhs[..., :-1, :]), -2)
    return out


def _diagonal_rows(diagonals: Any, diagonals_format: str) -> Tuple[Any, Any, Any]:
    if diagonals_format == "compact":
        return diagonals[..., 0, :], diagonals[..., 1, :], diagonals[..., 2, :]
    if diagonals_format == "sequence":
        sup, diag, sub = diagonals
        return sup, diag, sub
    if diagonals_format == "matrix":
        compact = _matrix_compact(diagonals)
        return compact[..., 0, :], compact[..., 1, :], compact[..., 2, :]
    raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")


def tridiagonal_matmul(
    diagonals: Any, rhs: Any, diagonals_format: str = "compact", name: Optional[str] = None
) -> torch.Tensor:
    """Multiplies tridiagonal matrices by `rhs` (`[..., M, N]`).

    `diagonals` is 'compact' (`[..., 3, M]`), 'sequence' (three `[..., M]` tensors:
    superdiagonal, diagonal, subdiagonal; the superdiagonal's last and the
    subdiagonal's first element ignored) or 'matrix' (`[..., M, M]`). Batch
    dimensions must be equal (no broadcasting), as in TF.

    >>> import tftape_torch as tf
    >>> diagonals = (tf.constant([-1.0, -1.0, 0.0]), tf.constant([2.0, 2.0, 2.0]),
    ...              tf.constant([0.0, -1.0, -1.0]))
    >>> x = tf.linalg.tridiagonal_matmul(diagonals, tf.ones([3, 2]), diagonals_format="sequence")
    >>> print(x[:, 0])
    tf.Tensor([1. 0. 1.], shape=(3,), dtype=float32)

    Raises:
      ValueError: for a bad format or non-square matrices.
      InvalidArgumentError: for mismatched ranks, shapes or dtypes.
    """
    op = "TridiagonalMatMul"
    rows = _diagonal_rows(diagonals, diagonals_format)
    first = as_tensor(rows[0])
    if first.dtype not in _ALLOWED:
        raise disallowed(op, first.dtype, _ALLOWED_NAMES)
    sup = first.unsqueeze(-2) if first.dim() else first
    diag, sub = (_same_dtype(first, r, op, i + 1) for i, r in enumerate(rows[1:]))
    diag, sub = (t.unsqueeze(-2) if t.dim() else t for t in (diag, sub))
    b = _same_dtype(first, rhs, op, 3)
    if not (sup.dim() == diag.dim() == sub.dim() == b.dim()):
        raise _error("All input tensors must have the same rank.", op)
    if b.dim() < 2:
        raise _error("Expected the rank of rhs to be at least 2", op)
    want = (*b.shape[:-2], 1, b.shape[-2])
    for t, part in ((sup, "superdiagonal"), (diag, "maindiagonal"), (sub, "subdiagonal")):
        if tuple(t.shape) != want:
            raise _error(f"Invalid {part} shape.", op)
    return call(op, _tridiagonal_matmul, (sup, diag, sub, b), sup, diag, sub, b)


# ---------------------------------------------------------------------------
# banded_triangular_solve


def _banded_dense(bands: torch.Tensor, lower: builtins.bool) -> torch.Tensor:
    """The `[..., M, M]` triangular matrix of `[..., K, M]` bands ('LEFT_RIGHT')."""
    count, m = bands.shape[-2], bands.shape[-1]
    out = torch.diag_embed(bands[..., 0 if lower else count - 1, :])
    for k in range(1, builtins.min(count, m)):
        if lower:  # row k: subdiagonal k, padded on the left
            out = out + torch.diag_embed(bands[..., k, k:], offset=-k)
        else:  # row K-1-k: superdiagonal k, padded on the right
            out = out + torch.diag_embed(bands[..., count - 1 - k, : m - k], offset=k)
    return out


def _banded_solve(
    bands: torch.Tensor, rhs: torch.Tensor, lower: builtins.bool, adjoint: builtins.bool
) -> torch.Tensor:
    return solve_triangular_matrix(_banded_dense(bands, lower), rhs, lower, adjoint)


def banded_triangular_solve(
    bands: Any,
    rhs: Any,
    lower: builtins.bool = True,
    adjoint: builtins.bool = False,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Solves triangular systems `A @ x = rhs` (or `adjoint(A) @ x = rhs`) whose
    matrix is given by its bands.

    `bands` is `[..., K, M]`: with `lower`, row `k` is the `k`-th subdiagonal (the
    diagonal first, each padded on the left); otherwise rows run from the `K-1`-th
    superdiagonal (padded on the right) down to the diagonal. `rhs` is
    `[..., M, N]`; batch dimensions broadcast.

    >>> import tftape_torch as tf
    >>> bands = tf.constant([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]])
    >>> print(tf.linalg.banded_triangular_solve(bands, tf.ones([3, 1]))[:, 0])
    tf.Tensor([0.5  0.   0.25], shape=(3,), dtype=float32)

    Raises:
      InvalidArgumentError: for bad ranks or shapes, an empty `bands`, a zero on the
        diagonal, or mismatched dtypes.
    """
    op = "BandedTriangularSolve"
    a = as_tensor(bands)
    if a.dtype == torch.float16:
        raise NotFoundError(None, None, f"Could not find device for node: {op} [Op:{op}]")
    b = _same_dtype(a, rhs, op, 1)
    for index, t in enumerate((a, b)):
        if t.dim() < 2:
            raise _error(f"In[{index}] ndims must be >= 2: {t.dim()}", op)
    if a.numel() == 0:
        raise _error("In[0] must not be an empty tensor", op)
    if a.shape[-1] != b.shape[-2]:
        raise _error(f"In[0] mismatch In[1] shape: {a.shape[-1]} vs. {b.shape[-2]}", op)
    try:
        torch.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except RuntimeError:
        raise _error("In[0] and In[1] must have compatible batch dimensions", op) from None
    row = 0 if lower else a.shape[-2] - 1
    if bool((a.detach()[..., row, :] == 0).any()):
        raise _error("Input matrix is not invertible.", op)
    return call(op, _banded_solve, (a, b), a, b, builtins.bool(lower), builtins.bool(adjoint))
