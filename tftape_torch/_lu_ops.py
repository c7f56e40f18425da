"""TF's LU decomposition with partial pivoting and the ops that use it:
`tf.linalg.lu`, `lu_reconstruct`, `lu_solve` and `lu_matrix_inverse`.

`lu(a)` returns `(lower_upper, perm)`: the unit lower triangle `L` (diagonal left
out) and the upper triangle `U` packed in one matrix, and the row permutation `perm`
with `a[perm] == L @ U`. The factorization is LAPACK's (`torch.linalg.lu_factor`),
so pivots match TF's. As in TF, `Lu` itself has no gradient (asking raises
`LookupError`); the other three are differentiable in `lower_upper`.

>>> import tftape_torch as tf
>>> a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
>>> lower_upper, perm = tf.linalg.lu(a)
>>> print(perm)
tf.Tensor([1 0], shape=(2,), dtype=int32)
>>> print(tf.linalg.lu_reconstruct(lower_upper, perm))
tf.Tensor(
[[1. 2.]
 [3. 4.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Tuple

import torch

from tftape_torch._dtypes import as_dtype, dtype_name, kernel_name
from tftape_torch._op_call import as_tensor, call
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._tensor import as_eager
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch.errors import InvalidArgumentError

__all__ = ["lu", "lu_matrix_inverse", "lu_reconstruct", "lu_solve"]

_LU_TYPES = (torch.float16, torch.float32, torch.float64, torch.complex64, torch.complex128)


class Lu(NamedTuple):
    """What `tf.linalg.lu` returns."""

    lu: torch.Tensor
    p: torch.Tensor


def _square(value: Any, op: str) -> torch.Tensor:
    a = as_tensor(value)
    if a.dtype not in _LU_TYPES:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'T' of {kernel_name(a.dtype)} is not in the list of "
            f"allowed values: double, float, half, complex64, complex128 [Op:{op}]")
    if a.dim() < 2 or a.shape[-1] != a.shape[-2]:
        raise InvalidArgumentError(None, None, f"Input matrix must be square. [Op:{op}]")
    return a


def _factor(a: torch.Tensor, index_dtype: torch.dtype) -> Tuple[torch.Tensor, torch.Tensor]:
    wide = a.to(torch.float32) if a.dtype == torch.float16 else a  # no half LAPACK
    packed, pivots, info = torch.linalg.lu_factor_ex(wide)
    if bool((info != 0).any()):
        raise InvalidArgumentError(None, None, "Input is not invertible. [Op:Lu]")
    permutation = torch.lu_unpack(packed, pivots, unpack_data=False)[0]
    # a = P L U, so a[perm] = L U with perm[i] the row P puts at place i.
    perm = torch.argmax(permutation.real if permutation.is_complex() else permutation, dim=-2)
    return packed.to(a.dtype), perm.to(index_dtype)


def _packed(packed: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
    return packed


def lu(input: Any, output_idx_type: Any = torch.int32, name: Optional[str] = None) -> Lu:
    """The LU decomposition of square matrices `input` (`[..., n, n]`) with partial
    pivoting: `(lu, p)` with `input[..., p, :] == L @ U` (module docstring).

    Raises:
      InvalidArgumentError: for a non-square, non-floating or singular input.
    """
    a = _square(input, "Lu")
    index_dtype = as_dtype(output_idx_type)
    if index_dtype not in (torch.int32, torch.int64):
        raise TypeError(f"output_idx_type must be int32 or int64, got {dtype_name(index_dtype)}")
    with _DisableSubclass():
        with torch.no_grad():
            packed, perm = _factor(a, index_dtype)
        # TF records `Lu` but has no gradient for it: asking raises LookupError.
        packed = unregistered_gradient("Lu", _packed)(packed, a)
    return Lu(as_eager(packed), as_eager(perm))


def _triangles(packed: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    eye = torch.eye(packed.shape[-1], dtype=packed.dtype, device=packed.device)
    return torch.tril(packed, -1) + eye, torch.triu(packed)


def _rows(x: torch.Tensor, order: torch.Tensor) -> torch.Tensor:
    """`x[..., order, :]` with `order` batched like `x`."""
    index = order.to(torch.int64).unsqueeze(-1).expand(*order.shape, x.shape[-1])
    return torch.gather(x, -2, index)


def _reconstruct(packed: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    lower, upper = _triangles(packed)
    return _rows(lower @ upper, torch.argsort(perm.to(torch.int64), dim=-1))


def _solve(packed: torch.Tensor, perm: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
    batch = torch.broadcast_shapes(packed.shape[:-2], rhs.shape[:-2], perm.shape[:-1])
    n, k = packed.shape[-1], rhs.shape[-1]
    packed = packed.expand(*batch, n, n)
    rhs = rhs.expand(*batch, n, k)
    perm = perm.expand(*batch, n)
    lower, upper = _triangles(packed)
    permuted = _rows(rhs, perm)
    inner = torch.linalg.solve_triangular(lower, permuted, upper=False, unitriangular=True)
    return torch.linalg.solve_triangular(upper, inner, upper=True)


def _inverse(packed: torch.Tensor, perm: torch.Tensor) -> torch.Tensor:
    eye = torch.eye(packed.shape[-1], dtype=packed.dtype, device=packed.device)
    return _solve(packed, perm, eye)


def _lu_pair(lower_upper: Any, perm: Any, op: str) -> Tuple[torch.Tensor, torch.Tensor]:
    packed = _square(lower_upper, op)
    p = as_tensor(perm)
    if p.dtype not in (torch.int32, torch.int64) or tuple(p.shape) != tuple(packed.shape[:-1]):
        raise InvalidArgumentError(
            None, None, f"perm must be an int32 or int64 tensor of shape "
            f"{list(packed.shape[:-1])}; got {dtype_name(p.dtype)} {list(p.shape)} [Op:{op}]")
    return packed, p


def lu_reconstruct(lower_upper: Any, perm: Any, validate_args: bool = False,
                   name: Optional[str] = None) -> torch.Tensor:
    """The matrix `lu` factored: `P^T L U` from `tf.linalg.lu`'s `(lower_upper, perm)`.

    >>> import tftape_torch as tf
    >>> a = tf.constant([[0.0, 1.0], [2.0, 3.0]])
    >>> print(tf.linalg.lu_reconstruct(*tf.linalg.lu(a)))
    tf.Tensor(
    [[0. 1.]
     [2. 3.]], shape=(2, 2), dtype=float32)
    """
    packed, p = _lu_pair(lower_upper, perm, "LuReconstruct")
    return call("LuReconstruct", _reconstruct, (packed,), packed, p)


def lu_solve(lower_upper: Any, perm: Any, rhs: Any, validate_args: bool = False,
             name: Optional[str] = None) -> torch.Tensor:
    """Solves `a @ x = rhs` for `x`, given `tf.linalg.lu(a)` (batch dimensions broadcast).

    >>> import tftape_torch as tf
    >>> a = tf.constant([[2.0, 0.0], [1.0, 1.0]])
    >>> lower_upper, perm = tf.linalg.lu(a)
    >>> print(tf.linalg.lu_solve(lower_upper, perm, [[2.0], [3.0]]))
    tf.Tensor(
    [[1.]
     [2.]], shape=(2, 1), dtype=float32)
    """
    packed, p = _lu_pair(lower_upper, perm, "LuSolve")
    b = as_tensor(rhs, packed.dtype)
    if b.dtype != packed.dtype or b.dim() < 2 or b.shape[-2] != packed.shape[-1]:
        raise InvalidArgumentError(
            None, None, f"rhs must be a [..., {packed.shape[-1]}, k] tensor of "
            f"{dtype_name(packed.dtype)}; got {dtype_name(b.dtype)} {list(b.shape)} [Op:LuSolve]")
    return call("LuSolve", _solve, (packed, b), packed, p, b)


def lu_matrix_inverse(lower_upper: Any, perm: Any, validate_args: bool = False,
                      name: Optional[str] = None) -> torch.Tensor:
    """The inverse of the matrix `tf.linalg.lu` factored into `(lower_upper, perm)`.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.lu_matrix_inverse(*tf.linalg.lu(tf.constant([[2.0, 0.0], [0.0, 4.0]]))))
    tf.Tensor(
    [[0.5  0.  ]
     [0.   0.25]], shape=(2, 2), dtype=float32)
    """
    packed, p = _lu_pair(lower_upper, perm, "LuMatrixInverse")
    return call("LuMatrixInverse", _inverse, (packed,), packed, p)
