"""The orthogonal operators held as vectors: `tf.linalg.LinearOperatorPermutation`
(a permutation matrix, held as the permutation) and `tf.linalg.LinearOperatorHouseholder`
(the reflection `I - 2 v v^H / |v|^2` through the hyperplane orthogonal to `v`).

Both act without a dense matrix: a permutation gathers rows, a reflection subtracts a
projection. Their solves are their adjoints' products.

>>> import tftape_torch as tf
>>> p = tf.linalg.LinearOperatorPermutation([1, 2, 0])
>>> print(p.matvec([10.0, 20.0, 30.0]))
tf.Tensor([20. 30. 10.], shape=(3,), dtype=float32)
>>> h = tf.linalg.LinearOperatorHouseholder([1.0, 0.0])
>>> print(h.to_dense())
tf.Tensor(
[[-1. -0.]
 [-0.  1.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np
import torch

from tftape_torch._array_ops import (
    cast,
    concat,
    convert_to_tensor,
    ones,
    reshape,
    zeros,
)
from tftape_torch._complex_ops import conj
from tftape_torch._diag_band_ops import set_diag
from tftape_torch._dtypes import as_dtype
from tftape_torch._elementwise_ops import equal
from tftape_torch._gather_ops import gather
from tftape_torch._linalg_ops import adjoint as matrix_adjoint
from tftape_torch._linalg_ops import diag_part
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_util import as_parameter
from tftape_torch._math_ops import matmul
from tftape_torch._norm_ops import l2_normalize
from tftape_torch._range_ops import range as range_
from tftape_torch._shape_ops import broadcast_static_shape, broadcast_to
from tftape_torch._sort_ops import argsort
from tftape_torch._tensor_shape import TensorShape
from tftape_torch.errors import InvalidArgumentError

__all__ = ["LinearOperatorHouseholder", "LinearOperatorPermutation"]


class LinearOperatorPermutation(LinearOperator):
    """`LinearOperator` acting like a [batch] of permutation matrices: row `i` of the
    matrix is the unit row `perm[i]`, so `(P x)[i] = x[perm[i]]`.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorPermutation([2, 0, 1])
    >>> print(op.to_dense())
    tf.Tensor(
    [[0. 0. 1.]
     [1. 0. 0.]
     [0. 1. 0.]], shape=(3, 3), dtype=float32)

    Args:
      perm: integers of shape `[B1, ..., Bb, N]`, each row a permutation of `0..N-1`.
      dtype: the operator's dtype (`tf.float32` by default).
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name.

    Raises:
      TypeError: for a non-integer `perm`.
      ValueError: for a scalar `perm`, a row that is no permutation, or hints saying
        singular or not square.
    """

    def __init__(self, perm: Any, dtype: Any = torch.float32,
                 is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorPermutation") -> None:
        parameters = dict(perm=perm, dtype=dtype, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._perm = as_parameter(perm)
        self._check_perm(self._perm)
        if is_non_singular is False:
            raise ValueError("A Permutation operator is always non-singular. Expected "
                             f"argument `is_non_singular` to be True. Received: "
                             f"{is_non_singular}.")
        if is_square is False:
            raise ValueError("A Permutation operator is always square. Expected argument "
                             f"`is_square` to be True. Received: {is_square}.")
        super().__init__(dtype=as_dtype(dtype), is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=True,
                         parameters=parameters, name=name)

    def _check_perm(self, perm: Any) -> None:
        if perm.dim() < 1:
            raise ValueError(
                f"Argument `perm` must have at least 1 dimension. Received: {perm}.")
        if perm.dtype.is_floating_point or perm.dtype.is_complex or perm.dtype == torch.bool:
            raise TypeError(f"Argument `perm` must be integer dtype. Received: {perm}.")
        static = np.asarray(convert_to_tensor(perm).numpy())
        ordered = np.sort(static, axis=-1)
        if np.any(ordered != np.arange(0, static.shape[-1])):
            raise ValueError("Argument `perm` must be a vector of unique integers from 0 to "
                             f"{static.shape[-1] - 1}.")

    @property
    def perm(self) -> Any:
        """The permutation(s) the operator was built from."""
        return self._perm

    def _shape(self) -> TensorShape:
        dims = list(self._perm.shape)
        return TensorShape(dims + dims[-1:])

    def _assert_non_singular(self) -> Any:
        return None

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        perm = convert_to_tensor(self.perm)
        if adjoint and not self.is_self_adjoint:
            perm = argsort(perm, axis=-1)
        x = matrix_adjoint(x) if adjoint_arg else x
        batch = list(broadcast_static_shape(TensorShape(list(x.shape)[:-1]),
                                            TensorShape(perm.shape)))
        k = x.shape[-1]
        x = broadcast_to(x, batch + [k])
        perm = broadcast_to(perm, batch)
        m = x.shape[-2]
        gathered = gather(reshape(x, [-1, m, k]), reshape(perm, [-1, m]), axis=-2,
                          batch_dims=1)
        return reshape(gathered, batch + [k])

    def _log_abs_determinant(self) -> Any:
        return zeros(self.batch_shape.as_list(), dtype=self.dtype)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self._matmul(rhs, adjoint=not adjoint, adjoint_arg=adjoint_arg)

    def _to_dense(self) -> Any:
        perm = convert_to_tensor(self.perm)
        hits = equal(range_(0, perm.shape[-1]), perm[..., None])
        return cast(hits, self.dtype)

    def _diag_part(self) -> Any:
        perm = convert_to_tensor(self.perm)
        return cast(equal(range_(0, perm.shape[-1]), perm), self.dtype)

    def _cond(self) -> Any:
        return ones(self.batch_shape.as_list(), dtype=self.dtype)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"perm": 1}


class LinearOperatorHouseholder(LinearOperator):
    """`LinearOperator` acting like a [batch] of Householder reflections
    `I - 2 v v^H / |v|^2`, given the reflection axis `v`.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorHouseholder([0.0, 1.0])
    >>> print(op.matvec([3.0, 4.0]))
    tf.Tensor([ 3. -4.], shape=(2,), dtype=float32)

    Args:
      reflection_axis: a tensor of shape `[B1, ..., Bb, N]`.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints; a
        reflection is self-adjoint, square and not positive definite.
      name: the operator's name.

    Raises:
      ValueError: for a scalar axis or contradicting hints.
    """

    def __init__(self, reflection_axis: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorHouseholder") -> None:
        parameters = dict(reflection_axis=reflection_axis, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._reflection_axis = as_parameter(reflection_axis)
        if self._reflection_axis.dim() < 1:
            raise ValueError("Argument reflection_axis must have at least 1 dimension.  "
                             f"Found: {self._reflection_axis!s}")
        if is_self_adjoint is False:
            raise ValueError("A Householder operator is always self adjoint.")
        if is_positive_definite is True:
            raise ValueError("A Householder operator is always non-positive definite.")
        if is_square is False:
            raise ValueError("A Householder operator is always square.")
        super().__init__(dtype=self._reflection_axis.dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=True, is_positive_definite=False, is_square=True,
                         parameters=parameters, name=name)

    @property
    def reflection_axis(self) -> Any:
        """The axis the operator reflects along."""
        return self._reflection_axis

    def _shape(self) -> TensorShape:
        dims = list(self._reflection_axis.shape)
        return TensorShape(dims + dims[-1:])

    def _assert_non_singular(self) -> Any:
        return None

    def _assert_positive_definite(self) -> Any:
        raise InvalidArgumentError(None, None,
                                   "Householder operators are always non-positive definite.")

    def _assert_self_adjoint(self) -> Any:
        return None

    def _linop_adjoint(self) -> LinearOperator:
        return self

    def _linop_inverse(self) -> LinearOperator:
        return self

    def _unit_column(self) -> Any:
        axis = convert_to_tensor(self.reflection_axis)
        return l2_normalize(axis, axis=-1)[..., None]

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        x = matrix_adjoint(x) if adjoint_arg else x
        column = self._unit_column()
        return x - 2 * column * matmul(column, x, adjoint_a=True)

    def _trace(self) -> Any:
        n = self.shape[-1]
        return cast(n - 2, self.dtype) * ones(self.batch_shape.as_list(), dtype=self.dtype)

    def _determinant(self) -> Any:
        return -ones(self.batch_shape.as_list(), dtype=self.dtype)

    def _log_abs_determinant(self) -> Any:
        return zeros(self.batch_shape.as_list(), dtype=self.dtype)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self._matmul(rhs, adjoint, adjoint_arg)

    def _to_dense(self) -> Any:
        column = self._unit_column()
        matrix = -2 * matmul(column, column, adjoint_b=True)
        return set_diag(matrix, 1.0 + diag_part(matrix))

    def _diag_part(self) -> Any:
        unit = l2_normalize(convert_to_tensor(self.reflection_axis), axis=-1)
        return 1.0 - 2 * unit * conj(unit)

    def _eigvals(self) -> Any:
        dims = list(self.reflection_axis.shape)
        rest = ones(dims[:-1] + [dims[-1] - 1], dtype=self.dtype)
        return concat([-ones(dims[:-1] + [1], dtype=self.dtype), rest], axis=-1)

    def _cond(self) -> Any:
        return ones(self.batch_shape.as_list(), dtype=self.dtype)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"reflection_axis": 1}
