"""The operators held as one tensor: `tf.linalg.LinearOperatorFullMatrix` (any matrix),
`LinearOperatorDiag` (its diagonal) and `LinearOperatorLowerTriangular` (a triangle;
entries above the diagonal are ignored).

A diagonal times a diagonal stays a diagonal, a diagonal times a triangle a triangle;
solves against a diagonal divide and against a triangle substitute.

>>> import tftape_torch as tf
>>> d = tf.linalg.LinearOperatorDiag([2.0, 4.0])
>>> print((d @ d).diag)
tf.Tensor([ 4. 16.], shape=(2,), dtype=float32)
>>> t = tf.linalg.LinearOperatorLowerTriangular([[1.0, 9.0], [2.0, 3.0]])
>>> print(t.to_dense())
tf.Tensor(
[[1. 0.]
 [2. 3.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from tftape_torch import debugging
from tftape_torch._array_ops import cast, convert_to_tensor, expand_dims
from tftape_torch._complex_ops import conj, real
from tftape_torch._diag_band_ops import set_diag
from tftape_torch._linalg_ops import adjoint as matrix_adjoint
from tftape_torch._linalg_ops import band_part, diag, diag_part, triangular_solve
from tftape_torch._linear_operator import (
    LinearOperator,
    operator_class,
    register_operator_class,
)
from tftape_torch._linear_operator_util import (
    as_parameter,
    assert_no_entries_with_modulus_zero,
    assert_zero_imag_part,
    commuting_positive_definite_hint,
    commuting_self_adjoint_hint,
    non_singular_hint,
)
from tftape_torch._math_ops import abs as abs_
from tftape_torch._math_ops import (
    log,
    matmul,
    reduce_max,
    reduce_min,
    reduce_prod,
    reduce_sum,
    sqrt,
)
from tftape_torch._tensor_shape import TensorShape

__all__ = [
    "LinearOperatorDiag",
    "LinearOperatorFullMatrix",
    "LinearOperatorLowerTriangular",
    "scaled_identity_multiplier",
]

_MATRIX_DTYPES = (torch.float16, torch.float32, torch.float64, torch.complex64,
                  torch.complex128)


class LinearOperatorFullMatrix(LinearOperator):
    """`LinearOperator` acting like a [batch] matrix, held as that matrix.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorFullMatrix([[1.0, 2.0], [3.0, 4.0]])
    >>> print(op.matvec([1.0, 0.0]))
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)

    Args:
      matrix: a float or complex tensor of shape `[B1, ..., Bb, M, N]` (a Variable is
        kept as it is and read at every use).
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name.

    Raises:
      TypeError: for a matrix of another dtype.
      ValueError: for a matrix of rank below 2.
    """

    def __init__(self, matrix: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorFullMatrix") -> None:
        parameters = dict(matrix=matrix, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._matrix = as_parameter(matrix)
        dtype = self._matrix.dtype
        if dtype not in _MATRIX_DTYPES:
            allowed = ", ".join(f"tf.{d}".replace("torch.", "") for d in _MATRIX_DTYPES)
            raise TypeError(f"Argument `matrix` must have dtype in [{allowed}]. "
                            f"Received: <dtype: '{str(dtype).replace('torch.', '')}'>.")
        if self._matrix.dim() < 2:
            raise ValueError(f"Argument `matrix` must have at least 2 dimensions. "
                             f"Received: {convert_to_tensor(self._matrix)}.")
        super().__init__(dtype=dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)

    @property
    def matrix(self) -> Any:
        """The matrix the operator was built from."""
        return self._matrix

    def _shape(self) -> TensorShape:
        return TensorShape(self._matrix.shape)

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return matmul(self._matrix, x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self._dense_solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _to_dense(self) -> Any:
        return self._matrix

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"matrix": 2}


class LinearOperatorDiag(LinearOperator):
    """`LinearOperator` acting like a [batch] square diagonal matrix.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorDiag([[1.0, 2.0], [3.0, 4.0]])
    >>> op.shape, op.is_self_adjoint
    (TensorShape([2, 2, 2]), True)
    >>> print(op.determinant())
    tf.Tensor([ 2. 12.], shape=(2,), dtype=float32)

    Args:
      diag: a tensor of shape `[B1, ..., Bb, N]`, the diagonal(s).
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name.

    Raises:
      ValueError: for a scalar `diag`, `is_self_adjoint=False` with a real `diag`, or
        `is_square=False`.
    """

    def __init__(self, diag: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None, name: str = "LinearOperatorDiag") -> None:
        parameters = dict(diag=diag, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._diag = as_parameter(diag)
        self._check_diag(self._diag)
        if not self._diag.dtype.is_complex:
            if is_self_adjoint is False:
                raise ValueError("A real diagonal operator is always self adjoint.")
            is_self_adjoint = True
        if is_square is False:
            raise ValueError("Only square diagonal operators currently supported.")
        super().__init__(dtype=self._diag.dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=True,
                         parameters=parameters, name=name)

    def _check_diag(self, value: Any) -> None:
        if value.dim() < 1:
            raise ValueError("Argument diag must have at least 1 dimension.  "
                             f"Found: {value!s}")

    @property
    def diag(self) -> Any:
        """The diagonal the operator was built from."""
        return self._diag

    def _shape(self) -> TensorShape:
        dims = list(self._diag.shape)
        return TensorShape(dims + dims[-1:])

    def _hints_with(self, left: LinearOperator, right: LinearOperator) -> Dict[str, Any]:
        return dict(is_non_singular=non_singular_hint(left, right),
                    is_self_adjoint=commuting_self_adjoint_hint(left, right),
                    is_positive_definite=commuting_positive_definite_hint(left, right),
                    is_square=True)

    def _linop_inverse(self) -> LinearOperator:
        return LinearOperatorDiag(
            1.0 / self.diag, is_non_singular=self.is_non_singular,
            is_self_adjoint=self.is_self_adjoint,
            is_positive_definite=self.is_positive_definite, is_square=True)

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        hints = self._hints_with(left_operator, right_operator)
        left_diag = left_operator.diag  # type: ignore[attr-defined]
        if isinstance(right_operator, LinearOperatorDiag):
            return LinearOperatorDiag(diag=left_diag * right_operator.diag, **hints)
        multiplier = scaled_identity_multiplier(right_operator)
        if multiplier is not None:
            return LinearOperatorDiag(diag=left_diag * multiplier, **hints)
        if isinstance(right_operator, LinearOperatorLowerTriangular):
            hints["is_positive_definite"] = None
            return LinearOperatorLowerTriangular(
                tril=expand_dims(left_diag, -1) * right_operator.to_dense(), **hints)
        return super()._linop_matmul(left_operator, right_operator)

    def _linop_solve(self, left_operator: LinearOperator,
                     right_operator: LinearOperator) -> LinearOperator:
        hints = self._hints_with(left_operator, right_operator)
        left_diag = left_operator.diag  # type: ignore[attr-defined]
        if isinstance(right_operator, LinearOperatorDiag):
            return LinearOperatorDiag(diag=right_operator.diag / left_diag, **hints)
        multiplier = scaled_identity_multiplier(right_operator)
        if multiplier is not None:
            return LinearOperatorDiag(diag=multiplier / left_diag, **hints)
        if isinstance(right_operator, LinearOperatorLowerTriangular):
            hints["is_positive_definite"] = None
            return LinearOperatorLowerTriangular(
                tril=right_operator.to_dense() / expand_dims(left_diag, -1), **hints)
        return super()._linop_solve(left_operator, right_operator)

    def _assert_non_singular(self) -> Any:
        return assert_no_entries_with_modulus_zero(
            self._diag, message="Singular operator:  Diagonal contained zero values.")

    def _assert_positive_definite(self) -> Any:
        if self.dtype.is_complex:
            message = ("Diagonal operator had diagonal entries with non-positive real part, "
                       "thus was not positive definite.")
        else:
            message = ("Real diagonal operator had non-positive diagonal entries, "
                       "thus was not positive definite.")
        return debugging.assert_positive(real(self._diag), message=message)

    def _assert_self_adjoint(self) -> Any:
        return assert_zero_imag_part(
            self._diag, message=("This diagonal operator contained non-zero imaginary "
                                 "values.   Thus it was not self-adjoint."))

    def _linop_adjoint(self) -> LinearOperator:
        value = conj(self.diag) if self.diag.dtype.is_complex else self.diag
        return LinearOperatorDiag(
            diag=value, is_non_singular=self.is_non_singular,
            is_self_adjoint=self.is_self_adjoint,
            is_positive_definite=self.is_positive_definite, is_square=True)

    def _linop_cholesky(self) -> LinearOperator:
        return LinearOperatorDiag(sqrt(self.diag),
                                  is_non_singular=True, is_self_adjoint=True,
                                  is_positive_definite=True, is_square=True)

    def _diag_term(self, adjoint: bool) -> Any:
        return conj(self._diag) if adjoint else self._diag

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        x = matrix_adjoint(x) if adjoint_arg else x
        return expand_dims(self._diag_term(adjoint), -1) * x

    def _matvec(self, x: Any, adjoint: bool = False) -> Any:
        return self._diag_term(adjoint) * x

    def _determinant(self) -> Any:
        return reduce_prod(self._diag, axis=[-1])

    def _log_abs_determinant(self) -> Any:
        value = reduce_sum(log(abs_(self._diag)), axis=[-1])
        if self.dtype.is_complex:
            value = cast(value, self.dtype)
        return value

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        return rhs * expand_dims(1.0 / self._diag_term(adjoint), -1)

    def _to_dense(self) -> Any:
        return diag(self._diag)

    def _diag_part(self) -> Any:
        return self.diag

    def _add_to_tensor(self, x: Any) -> Any:
        return set_diag(x, self._diag + diag_part(x))

    def _eigvals(self) -> Any:
        return convert_to_tensor(self.diag)

    def _cond(self) -> Any:
        magnitude = abs_(self.diag)
        return reduce_max(magnitude, axis=-1) / reduce_min(magnitude, axis=-1)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"diag": 1}


class LinearOperatorLowerTriangular(LinearOperator):
    """`LinearOperator` acting like a [batch] square lower triangular matrix.

    Only the lower triangle of `tril` (diagonal included) is read; the entries above
    it are ignored and get no gradient.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorLowerTriangular([[2.0, 0.0], [1.0, 4.0]])
    >>> print(op.solvevec([2.0, 5.0]))
    tf.Tensor([1. 1.], shape=(2,), dtype=float32)

    Args:
      tril: a tensor of shape `[B1, ..., Bb, N, N]`.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name.

    Raises:
      ValueError: for `is_square=False` or a `tril` of rank below 2.
    """

    def __init__(self, tril: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorLowerTriangular") -> None:
        parameters = dict(tril=tril, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        if is_square is False:
            raise ValueError("Only square lower triangular operators supported at this time.")
        self._tril = as_parameter(tril)
        if self._tril.dim() < 2:
            raise ValueError("Argument tril must have at least 2 dimensions.  "
                             f"Found: {self._tril!s}")
        super().__init__(dtype=self._tril.dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=True,
                         parameters=parameters, name=name)

    @property
    def tril(self) -> Any:
        """The tensor the operator was built from (upper triangle included)."""
        return self._tril

    def _get_tril(self) -> Any:
        return band_part(self._tril, -1, 0)

    def _get_diag(self) -> Any:
        return diag_part(self._tril)

    def _shape(self) -> TensorShape:
        return TensorShape(self._tril.shape)

    def _assert_non_singular(self) -> Any:
        return assert_no_entries_with_modulus_zero(
            self._get_diag(), message="Singular operator:  Diagonal contained zero values.")

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return matmul(self._get_tril(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        if isinstance(right_operator, LinearOperatorDiag):
            return LinearOperatorLowerTriangular(
                tril=left_operator.to_dense() * right_operator.diag,
                is_non_singular=non_singular_hint(right_operator, left_operator),
                is_self_adjoint=commuting_self_adjoint_hint(right_operator, left_operator),
                is_positive_definite=None, is_square=True)
        return super()._linop_matmul(left_operator, right_operator)

    def _determinant(self) -> Any:
        return reduce_prod(self._get_diag(), axis=[-1])

    def _log_abs_determinant(self) -> Any:
        return reduce_sum(log(abs_(self._get_diag())), axis=[-1])

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        return triangular_solve(self._get_tril(), rhs, lower=True, adjoint=adjoint)

    def _to_dense(self) -> Any:
        return self._get_tril()

    def _eigvals(self) -> Any:
        return self._get_diag()

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"tril": 2}


def scaled_identity_multiplier(operator: LinearOperator) -> Any:
    """The multiplier of a `LinearOperatorScaledIdentity` (None for any other operator)."""
    try:
        cls = operator_class("scaled_identity")
    except KeyError:
        return None
    return operator.multiplier if isinstance(operator, cls) else None


register_operator_class("lower_triangular", LinearOperatorLowerTriangular)
