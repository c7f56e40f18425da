"""TF's linear-algebra ops (TF's `linalg_ops`), public as `tf.linalg.*`.

Each op is torch's `torch.linalg` kernel run through `_op_call.call`, with TF's
argument names, output order (`svd` returns `s, u, v`; `slogdet` `sign, log|det|`)
and gradients. Where TF's gradient is not the one torch's kernel gives, the op is
written as TF computes it (NOTE: [TF's linalg gradients]):

* `eigh`/`eigvalsh` read only the lower triangle and their gradient is lower
  triangular (TF folds the upper part onto it), so they run on the Hermitian
  matrix built from the lower triangle, through which torch's gradient folds the
  same way;
* `lstsq` is TF's Cholesky solve of the normal equations, `logdet` twice the
  log-diagonal sum of the Cholesky factor (norms: `_norm_ops`; `matvec`, `tensordot`
  and `cross`: `_products`).

>>> import tftape_torch as tf
>>> print(tf.linalg.det(tf.constant([[2.0, 1.0], [0.0, 3.0]])))
tf.Tensor(6.0, shape=(), dtype=float32)
"""

from __future__ import annotations

import builtins
import collections
from typing import Any, Optional, Tuple

import torch

from tftape_torch._determinant_kernels import det as determinant_kernel
from tftape_torch._determinant_kernels import matrix_inverse
from tftape_torch._determinant_kernels import slogdet as slogdet_kernel
from tftape_torch._diag_band_ops import band_diag, band_diag_part, band_of
from tftape_torch._op_call import (
    as_tensor,
    axis_arg,
    call,
    float_input,
    match_operands,
)
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._operator_dispatch import LinalgDispatchable
from tftape_torch._recorded_ops import failing_gradient
from tftape_torch._svd_kernel import pseudo_inverse, rank, singular_values
from tftape_torch._svd_kernel import svd as svd_kernel
from tftape_torch._tensor import EagerTensor
from tftape_torch.errors import InvalidArgumentError

_Tensor = torch.Tensor

__all__ = [
    "adjoint",
    "band_part",
    "cholesky",
    "cholesky_solve",
    "det",
    "diag",
    "diag_part",
    "eigh",
    "eigvalsh",
    "expm",
    "inv",
    "logdet",
    "lstsq",
    "matrix_rank",
    "matrix_transpose",
    "pinv",
    "qr",
    "slogdet",
    "solve",
    "solve_triangular_matrix",
    "svd",
    "trace",
    "triangular_solve",
]


Qr = collections.namedtuple("Qr", ["q", "r"])
LogMatrixDeterminant = collections.namedtuple(
    "LogMatrixDeterminant", ["sign", "log_abs_determinant"]
)


def _matrix(value: Any, op: str, square: builtins.bool = True) -> torch.Tensor:
    """A float/complex input of rank >= 2 (square when `square`), checked as TF does."""
    x = float_input(value, op)
    if x.dim() < 2:
        raise _error(f"Input must have rank >= 2, got {x.dim()}", op)
    if square and x.shape[-1] != x.shape[-2]:
        raise _error("Input matrix must be square.", op)
    return x


def _pair(out: Any) -> Any:
    items = list(out)
    for item in items:
        if type(item) is _Tensor:
            item.__class__ = EagerTensor
    return tuple(items)


def _mh(x: torch.Tensor) -> torch.Tensor:
    return x.mT.conj() if x.is_complex() else x.mT


# ---------------------------------------------------------------------------
# Shapes of matrices


def _adjoint(x: torch.Tensor, conj: builtins.bool) -> torch.Tensor:
    out = x.mT.conj() if conj and x.is_complex() else x.mT
    return out.clone()


def adjoint(matrix: Any, name: Optional[str] = None) -> torch.Tensor:
    """The conjugate transpose of the last two dimensions.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.adjoint([[1.0, 2.0]]))
    tf.Tensor(
    [[1.]
     [2.]], shape=(2, 1), dtype=float32)
    """
    if isinstance(matrix, LinalgDispatchable):
        return matrix.adjoint(name=name)  # type: ignore[attr-defined]
    x = as_tensor(matrix)
    if x.dim() < 2:
        raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  Received "
                         f"`a` = {x} with shape: {list(x.shape)}")
    return call("Transpose", _adjoint, (x,), x, True)


def matrix_transpose(
    a: Any, name: str = "matrix_transpose", conjugate: builtins.bool = False
) -> torch.Tensor:
    """Transposes the last two dimensions (conjugating with `conjugate=True`).

    >>> import tftape_torch as tf
    >>> tf.linalg.matrix_transpose(tf.ones((4, 2, 3))).shape
    TensorShape([4, 3, 2])
    """
    x = as_tensor(a)
    if x.dim() < 2:
        raise ValueError(f"Argument `a` should be a (batch) matrix with rank >= 2.  Received "
                         f"`a` = {x} with shape: {list(x.shape)}")
    return call("Transpose", _adjoint, (x,), x, builtins.bool(conjugate))


def _diag(
    x: torch.Tensor, k: int, rows: int, cols: int, padding: torch.Tensor
) -> torch.Tensor:
    n = x.shape[-1]
    out = padding.to(x.dtype).expand(*x.shape[:-1], rows, cols).clone()
    steps = torch.arange(n, device=x.device)
    out[..., steps + builtins.max(-k, 0), steps + builtins.max(k, 0)] = x
    return out


def diag(
    diagonal: Any,
    name: str = "diag",
    k: Any = 0,
    num_rows: int = -1,
    num_cols: int = -1,
    padding_value: Any = 0,
    align: str = "RIGHT_LEFT",
) -> torch.Tensor:
    """A (batch of) matrix with `diagonal` on its `k`-th diagonal, `padding_value` elsewhere.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.diag([1.0, 2.0]))
    tf.Tensor(
    [[1. 0.]
     [0. 2.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for a scalar `diagonal`, or `num_rows`/`num_cols` too small.
    """
    x = as_tensor(diagonal)
    if x.dim() < 1:
        raise _error("diagonal must be at least 1-dim", "MatrixDiagV3")
    lo, offset = band_of(k, "MatrixDiagV3")
    if lo != offset:
        return band_diag(x, lo, offset, int(num_rows), int(num_cols),
                         as_tensor(padding_value, x.dtype), align)
    n = x.shape[-1]
    min_rows, min_cols = n + builtins.max(-offset, 0), n + builtins.max(offset, 0)
    rows, cols = int(num_rows), int(num_cols)
    if (rows != -1 and rows < min_rows) or (cols != -1 and cols < min_cols):
        raise _error(f"The number of {'rows' if rows != -1 and rows < min_rows else 'columns'}"
                     " is too small.", "MatrixDiagV3")
    if rows == -1 and cols == -1:
        rows = cols = builtins.max(min_rows, min_cols)  # TF assumes a square result
    elif rows == -1:
        rows = min_rows
    elif cols == -1:
        cols = min_cols
    if rows != min_rows and cols != min_cols:
        raise _error(
            "The number of rows or columns is not consistent with the specified d_lower, "
            "d_upper, and diagonal.",
            "MatrixDiagV3",
        )
    pad = as_tensor(padding_value, x.dtype)
    return call("MatrixDiagV3", _diag, (x, pad), x, offset, rows, cols, pad)


def _diag_part(x: torch.Tensor, k: int, padding: torch.Tensor) -> torch.Tensor:
    return torch.diagonal(x, offset=k, dim1=-2, dim2=-1).clone()


def diag_part(
    input: Any,
    name: str = "diag_part",
    k: Any = 0,
    padding_value: Any = 0,
    align: str = "RIGHT_LEFT",
) -> torch.Tensor:
    """The `k`-th diagonal of each innermost matrix.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.diag_part([[1.0, 2.0], [3.0, 4.0]]))
    tf.Tensor([1. 4.], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: for rank < 2, or `k` outside the matrix.
    """
    if isinstance(input, LinalgDispatchable):
        return input.diag_part(name=name)  # type: ignore[attr-defined]
    x = as_tensor(input)
    if x.dim() < 2:
        raise _error("input must be at least 2-dim, received shape: "
                     f"[{','.join(map(str, x.shape))}]", "MatrixDiagPartV3")
    pad = as_tensor(padding_value, x.dtype)
    lo, offset = band_of(k, "MatrixDiagPartV3")
    if lo != offset:
        return band_diag_part(x, k, pad, align)
    rows, cols = x.shape[-2], x.shape[-1]
    if not (-rows < offset < cols) and not (offset == 0):
        raise _error(f"Diagonal offset {offset} is out of bounds", "MatrixDiagPartV3")
    return call("MatrixDiagPartV3", _diag_part, (x,), x, offset, pad)


def _trace(x: torch.Tensor) -> torch.Tensor:
    return torch.diagonal(x, dim1=-2, dim2=-1).sum(-1, dtype=x.dtype)


def trace(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The sum of the main diagonal of each innermost matrix.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.trace([[1, 2], [3, 4]]))
    tf.Tensor(5, shape=(), dtype=int32)
    """
    if isinstance(x, LinalgDispatchable):
        return x.trace(name=name)  # type: ignore[attr-defined]
    t = as_tensor(x)
    if t.dim() < 2:
        raise InvalidArgumentError(
            None, None, "input must be at least 2-dim, received shape: "
            f"[{','.join(map(str, t.shape))}] [Op:MatrixDiagPartV3]")
    return call("Trace", _trace, (t,), t)


def _band_part(x: torch.Tensor, lower: int, upper: int) -> torch.Tensor:
    rows, cols = x.shape[-2], x.shape[-1]
    i = torch.arange(rows, device=x.device).unsqueeze(-1)
    j = torch.arange(cols, device=x.device)
    keep = torch.ones((rows, cols), dtype=torch.bool, device=x.device)
    if lower >= 0:
        keep = keep & (i - j <= lower)
    if upper >= 0:
        keep = keep & (j - i <= upper)
    return torch.where(keep, x, torch.zeros((), dtype=x.dtype, device=x.device))


def band_part(
    input: Any, num_lower: Any, num_upper: Any, name: Optional[str] = None
) -> torch.Tensor:
    """Keeps a band of `num_lower` sub- and `num_upper` super-diagonals (-1: all), zeroes the rest.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.band_part(tf.ones((3, 3)), 0, -1))
    tf.Tensor(
    [[1. 1. 1.]
     [0. 1. 1.]
     [0. 0. 1.]], shape=(3, 3), dtype=float32)

    Raises:
      InvalidArgumentError: for rank < 2, or a band wider than the matrix.
    """
    x = as_tensor(input)
    if x.dim() < 2:
        raise _error(f"input must be at least 2-dim, received shape: "
                     f"[{','.join(map(str, x.shape))}]", "MatrixBandPart")
    lower, upper = int(axis_arg(num_lower)), int(axis_arg(num_upper))
    if lower > x.shape[-2]:
        raise _error(f"num_lower must be negative or less or equal to number of rows "
                     f"({x.shape[-2]}) got: {lower}", "MatrixBandPart")
    if upper > x.shape[-1]:
        raise _error(f"num_upper must be negative or less or equal to number of columns "
                     f"({x.shape[-1]}) got: {upper}", "MatrixBandPart")
    return call("MatrixBandPart", _band_part, (x,), x, lower, upper)


# ---------------------------------------------------------------------------
# Solving and factoring


def _solve(a: torch.Tensor, b: torch.Tensor, flip: builtins.bool) -> torch.Tensor:
    # torch's solve backward computes A's gradient only if the saved A requires grad
    # *then*; a leaf a tape watched has its flag restored by then, a view does not.
    return torch.linalg.solve(_mh(a) if flip else a.view_as(a), b)


def solve(matrix: Any, rhs: Any, adjoint: builtins.bool = False, name: Optional[str] = None) -> Any:
    """Solves `matrix @ x = rhs` (or `adjoint(matrix) @ x = rhs`) for `x`.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.solve([[2.0, 0.0], [0.0, 4.0]], [[2.0], [2.0]]))
    tf.Tensor(
    [[1. ]
     [0.5]], shape=(2, 1), dtype=float32)

    Raises:
      InvalidArgumentError: for a singular or non-square matrix, or mismatched shapes.
    """
    if isinstance(matrix, LinalgDispatchable):
        return matrix.solve(rhs, adjoint=adjoint, name=name)  # type: ignore[attr-defined]
    a = _matrix(matrix, "MatrixSolve")
    b = as_tensor(rhs, a.dtype)
    if b.dtype != a.dtype:
        a, b = match_operands(a, b, "MatrixSolve")
    if b.dim() < 2 or b.shape[-2] != a.shape[-1]:
        raise _error("Input matrix and right-hand side must have the same number of rows: "
                     f"{a.shape[-2]} vs. {b.shape[-2] if b.dim() >= 2 else b.shape}",
                     "MatrixSolve")
    return call("MatrixSolve", _solve, (a, b), a, b, builtins.bool(adjoint))


def _inv(a: torch.Tensor, flip: builtins.bool) -> torch.Tensor:
    return matrix_inverse(_mh(a) if flip else a)


def inv(input: Any, adjoint: builtins.bool = False, name: Optional[str] = None) -> torch.Tensor:
    """The inverse of each innermost square matrix (of its adjoint with `adjoint=True`).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.inv([[2.0, 0.0], [0.0, 4.0]]))
    tf.Tensor(
    [[0.5  0.  ]
     [0.   0.25]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for a singular or non-square matrix.
    """
    if isinstance(input, LinalgDispatchable):
        return input.inverse(name=name)  # type: ignore[attr-defined]
    a = _matrix(input, "MatrixInverse")
    return call("MatrixInverse", _inv, (a,), a, builtins.bool(adjoint))


def det(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The determinant of each innermost square matrix.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.det([[2.0, 0.0], [0.0, 4.0]]))
    tf.Tensor(8.0, shape=(), dtype=float32)
    """
    if isinstance(input, LinalgDispatchable):
        return input.determinant(name=name)  # type: ignore[attr-defined]
    a = _matrix(input, "MatrixDeterminant")
    return call("MatrixDeterminant", determinant_kernel, (a,), a)


def _slogdet(a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    return slogdet_kernel(a)  # TF: complex logs for complex matrices; no sign gradient


def slogdet(input: Any, name: Optional[str] = None) -> Any:
    """The sign and the log of the absolute value of each determinant.

    >>> import tftape_torch as tf
    >>> sign, log_abs = tf.linalg.slogdet([[-2.0, 0.0], [0.0, 4.0]])
    >>> print(sign, log_abs)
    tf.Tensor(-1.0, shape=(), dtype=float32) tf.Tensor(2.0794415, shape=(), dtype=float32)
    """
    a = _matrix(input, "LogMatrixDeterminant")
    return LogMatrixDeterminant(*_pair(call("LogMatrixDeterminant", _slogdet, (a,), a)))


def _logdet(a: torch.Tensor) -> torch.Tensor:
    chol = _cholesky(a)  # (NaN where the matrix is not positive definite, as TF's)
    return 2.0 * torch.log(torch.diagonal(chol, dim1=-2, dim2=-1).real).sum(-1)


def logdet(matrix: Any, name: Optional[str] = None) -> torch.Tensor:
    """The log of the determinant of each Hermitian positive definite matrix.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.logdet([[2.0, 0.0], [0.0, 8.0]]))
    tf.Tensor(2.7725887, shape=(), dtype=float32)
    """
    if isinstance(matrix, LinalgDispatchable):
        return matrix.log_abs_determinant(name=name)  # type: ignore[attr-defined]
    a = _matrix(matrix, "Cholesky")
    return call("Cholesky", _logdet, (a,), a)


def _cholesky(a: torch.Tensor) -> torch.Tensor:
    """TF's CPU `Cholesky`: where the factorization fails (the matrix is not positive
    definite), the lower triangle is NaN, in value and gradient; no host sync."""
    chol, info = torch.linalg.cholesky_ex(a)
    lower = torch.ones(a.shape[-2:], dtype=torch.bool, device=a.device).tril()
    failed = (info != 0)[..., None, None] & lower
    one = torch.ones((), dtype=chol.dtype, device=chol.device)
    return chol * torch.where(failed, torch.full((), float("nan"), dtype=chol.dtype,
                                                 device=chol.device), one)


def cholesky(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The lower Cholesky factor `L` (`L @ adjoint(L) = input`) of each Hermitian PD matrix.

    Only the lower triangle of `input` is read. As TF's CPU kernel, a matrix that is
    not positive definite gives a lower triangle of NaN, not an error.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.cholesky([[4.0, 2.0], [2.0, 5.0]]))
    tf.Tensor(
    [[2. 0.]
     [1. 2.]], shape=(2, 2), dtype=float32)
    """
    if isinstance(input, LinalgDispatchable):
        return input.cholesky(name=name)  # type: ignore[attr-defined]
    a = _matrix(input, "Cholesky")
    return call("Cholesky", _cholesky, (a,), a)


def _lower_hermitian(a: torch.Tensor) -> torch.Tensor:
    low = torch.tril(a, -1)
    return low + _mh(low) + torch.diag_embed(torch.diagonal(a, dim1=-2, dim2=-1).real.to(a.dtype))


def _eigh(a: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    values, vectors = torch.linalg.eigh(_lower_hermitian(a))
    return values, vectors


def _eigvalsh(a: torch.Tensor) -> torch.Tensor:
    return torch.linalg.eigvalsh(_lower_hermitian(a))


def eigh(tensor: Any, name: Optional[str] = None) -> Any:
    """Eigenvalues (ascending) and eigenvectors (columns) of Hermitian matrices.

    Only the lower triangle of `tensor` is read; each eigenvector's sign (phase) is
    whatever the solver gives, as in TF.

    >>> import tftape_torch as tf
    >>> e, v = tf.linalg.eigh([[2.0, 0.0], [0.0, 1.0]])
    >>> print(e)
    tf.Tensor([1. 2.], shape=(2,), dtype=float32)
    """
    a = _matrix(tensor, "SelfAdjointEigV2")
    return _pair(call("SelfAdjointEigV2", _eigh, (a,), a))


def eigvalsh(tensor: Any, name: Optional[str] = None) -> torch.Tensor:
    """Eigenvalues (ascending) of Hermitian matrices (lower triangle read).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.eigvalsh([[2.0, 1.0], [1.0, 2.0]]))
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)
    """
    a = _matrix(tensor, "SelfAdjointEigV2")
    return call("SelfAdjointEigV2", _eigvalsh, (a,), a)


def svd(
    tensor: Any,
    full_matrices: builtins.bool = False,
    compute_uv: builtins.bool = True,
    name: Optional[str] = None,
) -> Any:
    """Singular values `s` (descending) and, with `compute_uv`, vectors `u`, `v`.

    `tensor == u @ tf.linalg.diag(s) @ adjoint(v)`; note the order (s, u, v) and
    that `v` is returned, not its adjoint. Signs of singular vectors are whatever the
    solver gives, as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.svd([[3.0, 0.0], [0.0, -4.0]], compute_uv=False))
    tf.Tensor([4. 3.], shape=(2,), dtype=float32)
    """
    a = _matrix(tensor, "Svd", square=False)
    if not compute_uv:
        return call("Svd", singular_values, (a,), a)
    return _pair(call("Svd", svd_kernel, (a,), a, builtins.bool(full_matrices)))


def _qr(a: torch.Tensor, full: builtins.bool) -> Tuple[torch.Tensor, torch.Tensor]:
    q, r = torch.linalg.qr(a, mode="complete" if full else "reduced")
    return q, r


def qr(input: Any, full_matrices: builtins.bool = False, name: Optional[str] = None) -> Any:
    """The QR decomposition `input = q @ r` (q orthonormal columns, r upper triangular).

    Returns a named pair `(q, r)`.

    >>> import tftape_torch as tf
    >>> q, r = tf.linalg.qr([[1.0, 0.0], [0.0, 1.0]])
    >>> print(q.shape, r.shape)
    (2, 2) (2, 2)
    """
    a = _matrix(input, "Qr", square=False)
    return Qr(*_pair(call("Qr", _qr, (a,), a, builtins.bool(full_matrices))))


def solve_triangular_matrix(
    a: torch.Tensor, b: torch.Tensor, lower: builtins.bool, flip: builtins.bool
) -> torch.Tensor:
    """`a^-1 b` (`adjoint(a)^-1 b` with `flip`) for triangular `a` (lower or upper):
    the body of `triangular_solve`, also `banded_triangular_solve`'s once dense."""
    if flip:
        return torch.linalg.solve_triangular(_mh(a), b, upper=lower)
    return torch.linalg.solve_triangular(a, b, upper=not lower)


def triangular_solve(
    matrix: Any,
    rhs: Any,
    lower: builtins.bool = True,
    adjoint: builtins.bool = False,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Solves `matrix @ x = rhs` for a triangular `matrix` (only that triangle is read).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.triangular_solve([[2.0, 0.0], [1.0, 1.0]], [[2.0], [3.0]]))
    tf.Tensor(
    [[1.]
     [2.]], shape=(2, 1), dtype=float32)
    """
    a = _matrix(matrix, "MatrixTriangularSolve")
    b = as_tensor(rhs, a.dtype)
    if b.dtype != a.dtype:
        a, b = match_operands(a, b, "MatrixTriangularSolve")
    if b.dim() < 2 or b.shape[-2] != a.shape[-1]:
        raise _error("Incompatible shapes: matrix and right-hand side rows differ",
                     "MatrixTriangularSolve")
    return call("MatrixTriangularSolve", solve_triangular_matrix, (a, b), a, b,
                builtins.bool(lower), builtins.bool(adjoint))


def _lstsq(a: torch.Tensor, b: torch.Tensor, l2: float) -> torch.Tensor:
    ah = _mh(a)
    m, n = a.shape[-2], a.shape[-1]
    if m >= n:
        gram = ah @ a
        if l2:
            gram = gram + l2 * torch.eye(n, dtype=a.dtype, device=a.device)
        chol = _cholesky(gram)
        return torch.cholesky_solve(ah @ b, chol)
    gram = a @ ah
    if l2:
        gram = gram + l2 * torch.eye(m, dtype=a.dtype, device=a.device)
    chol = _cholesky(gram)
    return ah @ torch.cholesky_solve(b, chol)


def lstsq(
    matrix: Any,
    rhs: Any,
    l2_regularizer: Any = 0.0,
    fast: builtins.bool = True,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Least-squares solution of `matrix @ x = rhs`: by the normal equations (`fast`,
    with `l2_regularizer`), or the minimum-norm solution (`fast=False`, which has no
    gradient, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.lstsq([[1.0], [1.0]], [[1.0], [3.0]]))
    tf.Tensor([[2.]], shape=(1, 1), dtype=float32)
    """
    a = _matrix(matrix, "MatrixSolveLs", square=False)
    b = as_tensor(rhs, a.dtype)
    if b.dtype != a.dtype:
        a, b = match_operands(a, b, "MatrixSolveLs")
    if b.dim() < 2 or b.shape[-2] != a.shape[-2]:
        raise _error("Incompatible shapes: matrix and right-hand side rows differ",
                     "MatrixSolveLs")
    l2 = float(l2_regularizer.item() if isinstance(l2_regularizer, _Tensor) else l2_regularizer)
    if not fast:  # TF: a complete orthogonal decomposition's minimum-norm solution (no
        # `l2_regularizer`, rank-deficient matrices too), which TF does not differentiate
        return call("MatrixSolveLs", _LSTSQ_ROBUST, (a, b), a, b)
    return call("MatrixSolveLs", _lstsq, (a, b), a, b, l2)


_LSTSQ_ROBUST = failing_gradient(lambda: ValueError("Gradient not defined for fast=False"),
                                 lambda a, b: torch.linalg.pinv(a) @ b)


# ---------------------------------------------------------------------------
# Pseudo-inverse, rank, matrix exponential, Cholesky solves, diagonals


def pinv(a: Any, rcond: Any = None, validate_args: builtins.bool = False,
         name: Optional[str] = None) -> torch.Tensor:
    """The Moore-Penrose pseudo-inverse of each matrix of `a` (through its SVD; singular
    values below `rcond` times the largest count as 0; TF's default `rcond` is
    `10 * max(rows, cols) * eps`).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.pinv(tf.constant([[2.0, 0.0], [0.0, 4.0]])))
    tf.Tensor(
    [[0.5  0.  ]
     [0.   0.25]], shape=(2, 2), dtype=float32)
    """
    x = _matrix(a, "Pinv", square=False)
    if rcond is None:
        eps = torch.finfo(x.dtype if x.dtype.is_floating_point else torch.float32).eps
        rcond = 10.0 * builtins.max(x.shape[-1], x.shape[-2]) * eps
    return call("Pinv", pseudo_inverse, (x,), x, float(rcond))


def _matrix_rank(a: torch.Tensor, tol: Optional[float]) -> torch.Tensor:
    with torch.no_grad():
        return rank(a, tol)


def matrix_rank(a: Any, tol: Any = None, validate_args: builtins.bool = False,
                name: Optional[str] = None) -> torch.Tensor:
    """The number of singular values of each matrix above `tol` (by default TF's
    `max(singular values) * max(rows, cols) * eps`), as int32.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.matrix_rank(tf.constant([[1.0, 2.0], [2.0, 4.0]])))
    tf.Tensor(1, shape=(), dtype=int32)
    """
    x = as_tensor(a)
    if x.dim() < 2:
        raise ValueError(f"Input `a` must have at least 2 dimensions (saw: {x.dim()}).")
    x = _matrix(x, "MatrixRank", square=False)
    return call("MatrixRank", _matrix_rank, (x,), x, None if tol is None else float(tol))


def expm(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The matrix exponential of each square matrix of `input`.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.expm(tf.zeros([2, 2])))
    tf.Tensor(
    [[1. 0.]
     [0. 1.]], shape=(2, 2), dtype=float32)
    """
    x = _matrix(input, "MatrixExponential")
    return call("MatrixExponential", torch.linalg.matrix_exp, (x,), x)


def _cholesky_solve(chol: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
    return torch.cholesky_solve(rhs, chol, upper=False)


def cholesky_solve(chol: Any, rhs: Any, name: Optional[str] = None) -> torch.Tensor:
    """Solves `A X = rhs` given `chol`, the lower Cholesky factor of `A`.

    >>> import tftape_torch as tf
    >>> chol = tf.linalg.cholesky(tf.constant([[4.0, 2.0], [2.0, 5.0]]))
    >>> print(tf.linalg.cholesky_solve(chol, tf.constant([[4.0], [2.0]])))
    tf.Tensor(
    [[1.]
     [0.]], shape=(2, 1), dtype=float32)
    """
    c, b = match_operands(chol, rhs, "CholeskySolve")
    return call("CholeskySolve", _cholesky_solve, (c, b), c, b)
