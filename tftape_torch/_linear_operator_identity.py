"""The operators without entries of their own: `tf.linalg.LinearOperatorIdentity`,
`LinearOperatorScaledIdentity` (the identity times one scalar per batch member) and
`LinearOperatorZeros` (a possibly non-square zero matrix).

Their sizes are given as integers (`num_rows`, `num_columns`, `batch_shape`), checked
as TF checks them; a product with an identity is the other factor, with a zero
operator the zero operator.

>>> import tftape_torch as tf
>>> i = tf.linalg.LinearOperatorIdentity(2, batch_shape=[3])
>>> i.shape
TensorShape([3, 2, 2])
>>> s = tf.linalg.LinearOperatorScaledIdentity(2, 3.0)
>>> print(s.matvec([1.0, 2.0]))
tf.Tensor([3. 6.], shape=(2,), dtype=float32)
>>> type(s @ i).__name__
'LinearOperatorScaledIdentity'
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from tftape_torch import debugging
from tftape_torch._array_ops import (
    cast,
    convert_to_tensor,
    expand_dims,
    ones,
    where,
    zeros,
    zeros_like,
)
from tftape_torch._array_ops import shape as shape_of
from tftape_torch._complex_ops import conj, imag, real
from tftape_torch._diag_band_ops import set_diag
from tftape_torch._dtypes import as_dtype
from tftape_torch._elementwise_ops import equal
from tftape_torch._linalg_ops import adjoint as matrix_adjoint
from tftape_torch._linalg_ops import diag_part
from tftape_torch._linear_operator import LinearOperator, register_operator_class
from tftape_torch._linear_operator_basic import LinearOperatorDiag
from tftape_torch._linear_operator_util import (
    as_parameter,
    commuting_positive_definite_hint,
    commuting_self_adjoint_hint,
    non_singular_hint,
    refuse_ref,
)
from tftape_torch._math_ops import abs as abs_
from tftape_torch._math_ops import log, sqrt
from tftape_torch._shape_ops import broadcast_static_shape
from tftape_torch._tensor_shape import TensorShape
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "LinearOperatorIdentity",
    "LinearOperatorScaledIdentity",
    "LinearOperatorZeros",
]


def _size_arg(value: Any, arg_name: str) -> Tuple[torch.Tensor, np.ndarray]:
    """A `num_rows`-like argument as a tensor and its value, checked as TF does."""
    if isinstance(value, (tuple, list)) and not value:
        tensor = convert_to_tensor(value, dtype=torch.int32)
    else:
        tensor = convert_to_tensor(value)
    if tensor.dtype.is_floating_point or tensor.dtype.is_complex or tensor.dtype == torch.bool:
        raise TypeError(f"Argument {arg_name} must be integer type.  Found: {tensor!s}")
    static = np.asarray(tensor.numpy())
    if static.ndim != 0:
        raise ValueError(f"Argument {arg_name} must be a 0-D Tensor.  Found: {static}")
    if static < 0:
        raise ValueError(f"Argument {arg_name} must be non-negative.  Found: {static}")
    return tensor, static


def _batch_shape_arg(value: Any) -> Tuple[Optional[torch.Tensor], Optional[np.ndarray]]:
    """The `batch_shape` argument as a 1-D integer tensor and its value (or Nones)."""
    if value is None:
        return None, None
    if isinstance(value, (tuple, list)) and not value:
        tensor = convert_to_tensor(value, dtype=torch.int32)
    else:
        tensor = convert_to_tensor(list(value) if isinstance(value, TensorShape) else value)
    if tensor.dtype.is_floating_point or tensor.dtype.is_complex or tensor.dtype == torch.bool:
        raise TypeError(f"Argument batch_shape must be integer type.  Found: {tensor!s}")
    static = np.asarray(tensor.numpy())
    if static.ndim != 1:
        raise ValueError(f"Argument batch_shape must be a 1-D Tensor.  Found: {static}")
    if np.any(static < 0):
        raise ValueError(f"Argument batch_shape must be non-negative.  Found:{static}")
    return tensor, static


class _SizedOperator(LinearOperator):
    """What the identity-like and zero operators share: sizes given as integers, an
    optional `batch_shape` that results broadcast against."""

    _batch_shape_arg: Optional[torch.Tensor] = None
    _batch_shape_static: Optional[np.ndarray] = None

    def _min_matrix_dim(self) -> int:
        return min(int(self.domain_dimension or 0), int(self.range_dimension or 0))

    def _diag_of(self, fill: Any) -> Any:
        return fill(self.batch_shape.as_list() + [self._min_matrix_dim()], dtype=self.dtype)

    def _possibly_broadcast_batch_shape(self, x: Any) -> Any:
        if self._batch_shape_arg is None:
            return x
        special = TensorShape(list(self.batch_shape) + [1, 1])
        target = broadcast_static_shape(TensorShape(x.shape), special)
        if target == TensorShape(x.shape):
            return x
        return x + zeros(list(special), dtype=self.dtype)

    def __getitem__(self, slices: Any) -> LinearOperator:
        new_batch = shape_of(ones(self._batch_shape_arg)[slices])
        return type(self)(**dict(self.parameters, batch_shape=new_batch))


class LinearOperatorIdentity(_SizedOperator):
    """`LinearOperator` acting like a [batch] square identity matrix.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorIdentity(num_rows=2, batch_shape=[2])
    >>> print(op.determinant())
    tf.Tensor([1. 1.], shape=(2,), dtype=float32)

    Args:
      num_rows: the size `N` (a non-negative integer scalar).
      batch_shape: optional 1-D integers, the batch shape; results are broadcast to it.
      dtype: the operator's dtype (`tf.float32` by default).
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints, each
        necessarily `True`.
      assert_proper_shapes: accepted for TF's signature (shapes are always static here).
      name: the operator's name.

    Raises:
      ValueError: for a hint other than `True`, or sizes of the wrong rank or sign.
      TypeError: for non-integer sizes, or sizes given as Variables.
    """

    def __init__(self, num_rows: Any, batch_shape: Any = None, dtype: Any = None,
                 is_non_singular: bool = True, is_self_adjoint: bool = True,
                 is_positive_definite: bool = True, is_square: bool = True,
                 assert_proper_shapes: bool = False,
                 name: str = "LinearOperatorIdentity") -> None:
        parameters = dict(num_rows=num_rows, batch_shape=batch_shape, dtype=dtype,
                          is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          assert_proper_shapes=assert_proper_shapes, name=name)
        self._assert_proper_shapes = assert_proper_shapes
        if not is_self_adjoint:
            raise ValueError("An identity operator is always self adjoint.")
        if not is_non_singular:
            raise ValueError("An identity operator is always non-singular.")
        if not is_positive_definite:
            raise ValueError("An identity operator is always positive-definite.")
        if not is_square:
            raise ValueError("An identity operator is always square.")
        super().__init__(dtype=as_dtype(dtype or torch.float32),
                         is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)
        refuse_ref(num_rows, "num_rows")
        refuse_ref(batch_shape, "batch_shape")
        self._num_rows, self._num_rows_static = _size_arg(num_rows, "num_rows")
        self._batch_shape_arg, self._batch_shape_static = _batch_shape_arg(batch_shape)

    def _shape(self) -> TensorShape:
        n = int(self._num_rows_static)
        batch: List[int] = ([] if self._batch_shape_static is None
                            else [int(d) for d in self._batch_shape_static])
        return TensorShape(batch + [n, n])

    def _linop_adjoint(self) -> LinearOperator:
        return self

    def _linop_cholesky(self) -> LinearOperator:
        return LinearOperatorIdentity(num_rows=self._num_rows, batch_shape=self.batch_shape,
                                      dtype=self.dtype)

    def _linop_inverse(self) -> LinearOperator:
        return self

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        return right_operator

    def _linop_solve(self, left_operator: LinearOperator,
                     right_operator: LinearOperator) -> LinearOperator:
        return right_operator

    def _assert_non_singular(self) -> Any:
        return None

    def _assert_positive_definite(self) -> Any:
        return None

    def _assert_self_adjoint(self) -> Any:
        return None

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        x = matrix_adjoint(x) if adjoint_arg else x
        return self._possibly_broadcast_batch_shape(x)

    def _determinant(self) -> Any:
        return ones(self.batch_shape.as_list(), dtype=self.dtype)

    def _log_abs_determinant(self) -> Any:
        return zeros(self.batch_shape.as_list(), dtype=self.dtype)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self._matmul(rhs, adjoint_arg=adjoint_arg)

    def _trace(self) -> Any:
        return self._min_matrix_dim() * ones(self.batch_shape.as_list(), dtype=self.dtype)

    def _diag_part(self) -> Any:
        return self._diag_of(ones)

    def add_to_tensor(self, mat: Any, name: str = "add_to_tensor") -> Any:
        """`mat` plus the identity (its diagonal plus one)."""
        mat = convert_to_tensor(mat)
        return set_diag(mat, 1 + diag_part(mat))

    def _eigvals(self) -> Any:
        return self._diag_of(ones)

    def _cond(self) -> Any:
        return ones(self.batch_shape.as_list(), dtype=self.dtype)


class LinearOperatorScaledIdentity(_SizedOperator):
    """`LinearOperator` acting like a [batch] scaled identity matrix `c * I`.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorScaledIdentity(num_rows=2, multiplier=[2.0, 3.0])
    >>> op.shape
    TensorShape([2, 2, 2])
    >>> print(op.log_abs_determinant())
    tf.Tensor([1.3862944 2.1972246], shape=(2,), dtype=float32)

    Args:
      num_rows: the size `N` (a non-negative integer scalar).
      multiplier: a tensor of shape `[B1, ..., Bb]`, the scale of each batch member.
      is_non_singular, is_self_adjoint, is_positive_definite: hints.
      is_square: must be `True`.
      assert_proper_shapes: accepted for TF's signature.
      name: the operator's name.

    Raises:
      ValueError: for `is_square` other than `True`, `is_self_adjoint=False` with a
        real multiplier, or a bad `num_rows`.
    """

    def __init__(self, num_rows: Any, multiplier: Any,
                 is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None, is_square: bool = True,
                 assert_proper_shapes: bool = False,
                 name: str = "LinearOperatorScaledIdentity") -> None:
        parameters = dict(num_rows=num_rows, multiplier=multiplier,
                          is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          assert_proper_shapes=assert_proper_shapes, name=name)
        self._assert_proper_shapes = assert_proper_shapes
        self._multiplier = as_parameter(multiplier)
        if not self._multiplier.dtype.is_complex:
            if is_self_adjoint is False:
                raise ValueError("A real diagonal operator is always self adjoint.")
            is_self_adjoint = True
        if not is_square:
            raise ValueError("A ScaledIdentity operator is always square.")
        refuse_ref(num_rows, "num_rows")
        super().__init__(dtype=self._multiplier.dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)
        self._num_rows, self._num_rows_static = _size_arg(num_rows, "num_rows")

    @property
    def multiplier(self) -> Any:
        """The scale(s) the operator was built from."""
        return self._multiplier

    def _shape(self) -> TensorShape:
        n = int(self._num_rows_static)
        return TensorShape(list(self._multiplier.shape) + [n, n])

    def _assert_non_singular(self) -> Any:
        return debugging.assert_positive(abs_(self.multiplier),
                                         message="LinearOperator was singular")

    def _assert_positive_definite(self) -> Any:
        return debugging.assert_positive(real(self.multiplier),
                                         message="LinearOperator was not positive definite.")

    def _assert_self_adjoint(self) -> Any:
        part = imag(self.multiplier)
        return debugging.assert_equal(zeros_like(part), part,
                                      message="LinearOperator was not self-adjoint")

    def _multiplier_matrix(self, conjugate: bool = False) -> Any:
        value = expand_dims(expand_dims(self.multiplier, -1), -1)
        return conj(value) if conjugate else value

    def _like(self, multiplier: Any, **hints: Any) -> LinearOperatorScaledIdentity:
        return LinearOperatorScaledIdentity(num_rows=self._num_rows, multiplier=multiplier,
                                            is_square=True, **hints)

    def _linop_adjoint(self) -> LinearOperator:
        value = self.multiplier
        if value.dtype.is_complex:
            value = conj(value)
        return self._like(value, is_non_singular=self.is_non_singular,
                          is_self_adjoint=self.is_self_adjoint,
                          is_positive_definite=self.is_positive_definite)

    def _linop_cholesky(self) -> LinearOperator:
        return self._like(sqrt(self.multiplier), is_non_singular=True, is_self_adjoint=True,
                          is_positive_definite=True)

    def _linop_inverse(self) -> LinearOperator:
        return self._like(1.0 / self.multiplier, is_non_singular=self.is_non_singular,
                          is_self_adjoint=True,
                          is_positive_definite=self.is_positive_definite)

    def _combined(self, left: LinearOperator, right: LinearOperator, solve: bool
                  ) -> Optional[LinearOperator]:
        hints: Dict[str, Any] = dict(is_non_singular=non_singular_hint(left, right),
                     is_self_adjoint=commuting_self_adjoint_hint(left, right),
                     is_positive_definite=commuting_positive_definite_hint(left, right),
                     is_square=True)
        scale = left.multiplier  # type: ignore[attr-defined]
        if isinstance(right, LinearOperatorScaledIdentity):
            value = right.multiplier / scale if solve else scale * right.multiplier
            return LinearOperatorScaledIdentity(num_rows=left.domain_dimension_tensor(),
                                                multiplier=value, **hints)
        if isinstance(right, LinearOperatorDiag):
            value = right.diag / scale if solve else right.diag * scale
            return LinearOperatorDiag(diag=value, **hints)
        return None

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        found = self._combined(left_operator, right_operator, solve=False)
        return found or super()._linop_matmul(left_operator, right_operator)

    def _linop_solve(self, left_operator: LinearOperator,
                     right_operator: LinearOperator) -> LinearOperator:
        found = self._combined(left_operator, right_operator, solve=True)
        return found or super()._linop_solve(left_operator, right_operator)

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        x = matrix_adjoint(x) if adjoint_arg else x
        return x * self._multiplier_matrix(conjugate=adjoint)

    def _determinant(self) -> Any:
        return self.multiplier ** cast(self._num_rows, self.dtype)

    def _log_abs_determinant(self) -> Any:
        return cast(self._num_rows, self.dtype.to_real()) * log(abs_(self.multiplier))

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        return rhs / self._multiplier_matrix(conjugate=adjoint)

    def _trace(self) -> Any:
        batch_of_ones = ones(self.batch_shape.as_list(), dtype=self.dtype)
        return self.multiplier * self._min_matrix_dim() * batch_of_ones

    def _diag_part(self) -> Any:
        return self._diag_of(ones) * expand_dims(self.multiplier, -1)

    def add_to_tensor(self, mat: Any, name: str = "add_to_tensor") -> Any:
        """`mat` plus the scaled identity (its diagonal plus the multiplier)."""
        column = expand_dims(self.multiplier, -1)
        mat = convert_to_tensor(mat)
        return set_diag(mat, column + diag_part(mat))

    def _eigvals(self) -> Any:
        return self._diag_part()

    def _cond(self) -> Any:
        return where(equal(self._multiplier, 0.0),
                     cast(float("nan"), self.dtype), cast(1.0, self.dtype))

    def __getitem__(self, slices: Any) -> LinearOperator:
        return LinearOperator.__getitem__(self, slices)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"multiplier": 0}


class LinearOperatorZeros(_SizedOperator):
    """`LinearOperator` acting like a [batch] zero matrix, square or not.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorZeros(num_rows=2, num_columns=3, is_square=False,
    ...                                     is_self_adjoint=False)
    >>> print(op.matvec([1.0, 2.0, 3.0]))
    tf.Tensor([0. 0.], shape=(2,), dtype=float32)

    Args:
      num_rows: `M` (a non-negative integer scalar).
      num_columns: `N`; `num_rows` when `None`.
      batch_shape: optional 1-D integers, the batch shape.
      dtype: the operator's dtype (`tf.float32` by default).
      is_non_singular, is_positive_definite: hints, necessarily `False`.
      is_self_adjoint: must be `True` for a square operator.
      is_square: `False` for a non-square operator.
      assert_proper_shapes: accepted for TF's signature.
      name: the operator's name.

    Raises:
      ValueError: for contradicting hints or sizes, `is_square=True` with
        `num_rows != num_columns`.
      TypeError: for non-integer sizes.
    """

    def __init__(self, num_rows: Any, num_columns: Any = None, batch_shape: Any = None,
                 dtype: Any = None, is_non_singular: bool = False,
                 is_self_adjoint: bool = True, is_positive_definite: bool = False,
                 is_square: bool = True, assert_proper_shapes: bool = False,
                 name: str = "LinearOperatorZeros") -> None:
        parameters = dict(num_rows=num_rows, num_columns=num_columns,
                          batch_shape=batch_shape, dtype=dtype,
                          is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          assert_proper_shapes=assert_proper_shapes, name=name)
        self._assert_proper_shapes = assert_proper_shapes
        if not is_self_adjoint and is_square:
            raise ValueError("A zero operator is always self adjoint.")
        if is_non_singular:
            raise ValueError("A zero operator is always singular.")
        if is_positive_definite:
            raise ValueError("A zero operator is always not positive-definite.")
        super().__init__(dtype=as_dtype(dtype or torch.float32),
                         is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)
        refuse_ref(num_rows, "num_rows")
        refuse_ref(num_columns, "num_columns")
        refuse_ref(batch_shape, "batch_shape")
        rows = _integer_tensor(num_rows, "num_rows")
        columns = _integer_tensor(num_rows if num_columns is None else num_columns,
                                  "num_columns")
        self._num_rows, self._num_rows_static = _size_arg(rows, "num_rows")
        self._num_columns, self._num_columns_static = _size_arg(columns, "num_columns")
        if is_square and self._num_rows_static != self._num_columns_static:
            raise ValueError(
                "LinearOperatorZeros initialized as is_square=True, but got "
                f"num_rows({self._num_rows_static}) != "
                f"num_columns({self._num_columns_static})")
        self._batch_shape_arg, self._batch_shape_static = _batch_shape_arg(batch_shape)

    def _shape(self) -> TensorShape:
        batch: List[int] = ([] if self._batch_shape_static is None
                            else [int(d) for d in self._batch_shape_static])
        return TensorShape(batch + [int(self._num_rows_static),
                                    int(self._num_columns_static)])

    def _assert_non_singular(self) -> Any:
        raise InvalidArgumentError(None, None, "Zero operators are always non-invertible.")

    def _assert_positive_definite(self) -> Any:
        raise InvalidArgumentError(None, None,
                                   "Zero operators are always non-positive definite.")

    def _assert_self_adjoint(self) -> Any:
        return None

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        dims = list(x.shape)
        if self.is_square:
            out = dims[:-2] + dims[-2:][::-1] if adjoint_arg else dims
        else:
            n = int(self._num_columns_static if adjoint else self._num_rows_static)
            out = dims[:-2] + [n, dims[-2] if adjoint_arg else dims[-1]]
        return self._possibly_broadcast_batch_shape(zeros(out, dtype=x.dtype))

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        if not left_operator.is_square or not right_operator.is_square:
            raise ValueError("Matmul with non-square `LinearOperator`s or non-square "
                             "`LinearOperatorZeros` not supported at this time.")
        return left_operator

    def _determinant(self) -> Any:
        return zeros(self.batch_shape.as_list(), dtype=self.dtype)

    def _trace(self) -> Any:
        return zeros(self.batch_shape.as_list(), dtype=self.dtype)

    def _diag_part(self) -> Any:
        return self._diag_of(zeros)

    def add_to_tensor(self, mat: Any, name: str = "add_to_tensor") -> Any:
        """`mat` itself (broadcast to the operator's batch shape)."""
        return self._possibly_broadcast_batch_shape(mat)

    def _eigvals(self) -> Any:
        return self._diag_of(zeros)


def _integer_tensor(value: Any, arg_name: str) -> torch.Tensor:
    """TF checks both sizes' dtypes before either's value."""
    if isinstance(value, (tuple, list)) and not value:
        tensor = convert_to_tensor(value, dtype=torch.int32)
    else:
        tensor = convert_to_tensor(value)
    if tensor.dtype.is_floating_point or tensor.dtype.is_complex or tensor.dtype == torch.bool:
        raise TypeError(f"Argument {arg_name} must be integer type.  Found: {tensor!s}")
    return tensor


register_operator_class("identity", LinearOperatorIdentity)
register_operator_class("scaled_identity", LinearOperatorScaledIdentity)
register_operator_class("zeros", LinearOperatorZeros)
