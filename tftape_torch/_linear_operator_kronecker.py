"""`tf.linalg.LinearOperatorKronecker`: the Kronecker product `op1 x op2 x ... x opJ`
of operators.

The product is never formed: `matmul` and `solve` reshape the argument so that each
factor acts on its own axis (the "vec trick"), the determinant, log-determinant,
trace, diagonal and eigenvalues come from the factors', and the adjoint, inverse and
Cholesky factor are Kronecker products of the factors' adjoints, inverses and
Cholesky factors.

>>> import tftape_torch as tf
>>> a = tf.linalg.LinearOperatorFullMatrix([[1.0, 2.0], [3.0, 4.0]])
>>> b = tf.linalg.LinearOperatorFullMatrix([[1.0, 0.0], [2.0, 1.0]])
>>> op = tf.linalg.LinearOperatorKronecker([a, b])
>>> op.shape, op.name
(TensorShape([4, 4]), 'LinearOperatorFullMatrix_x_LinearOperatorFullMatrix')
>>> print(op.to_dense())
tf.Tensor(
[[1. 0. 2. 0.]
 [2. 1. 4. 2.]
 [3. 0. 4. 0.]
 [6. 3. 8. 4.]], shape=(4, 4), dtype=float32)
>>> print(op.determinant())
tf.Tensor(4.0, shape=(), dtype=float32)
>>> type(op.inverse()).__name__
'LinearOperatorKronecker'
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from tftape_torch._array_ops import cast, constant, expand_dims, reshape
from tftape_torch._complex_ops import conj
from tftape_torch._dtypes import dtype_name
from tftape_torch._linalg_ops import matrix_transpose
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_util import (
    DerivedFromEach,
    each_operator_hint,
    operator_list,
)
from tftape_torch._shape_ops import broadcast_static_shape
from tftape_torch._tensor_shape import TensorShape
from tftape_torch.errors import InvalidArgumentError

__all__ = ["LinearOperatorKronecker"]

_NOT_ALL_SQUARE = ("All Kronecker factors must be square for the product to be invertible. "
                   "Expected hint `is_square` to be True for every operator in argument "
                   "`operators`.")


def _outer_flat(left: Any, right: Any) -> Any:
    """`left[..., i] * right[..., j]` flattened over `(i, j)` (a Kronecker product of
    vectors, batch dimensions broadcast)."""
    product = expand_dims(left, -1) * expand_dims(right, -2)
    return reshape(product, list(product.shape[:-2]) + [-1])


class LinearOperatorKronecker(DerivedFromEach, LinearOperator):
    """Kronecker product between two or more `LinearOperator`s.

    If `opj` has shape `batch_shape_j + [M_j, N_j]`, the product has shape
    `broadcast_batch_shape + [prod M_j, prod N_j]`. Every operation costs what the
    factors' operations cost.

    >>> import tftape_torch as tf
    >>> a = tf.linalg.LinearOperatorDiag([1.0, 2.0])
    >>> b = tf.linalg.LinearOperatorFullMatrix([[2.0, 1.0], [1.0, 2.0]])
    >>> op = tf.linalg.LinearOperatorKronecker([a, b])
    >>> print(op.matvec([1.0, 0.0, 0.0, 1.0]))
    tf.Tensor([2. 1. 2. 4.], shape=(4,), dtype=float32)
    >>> print(op.log_abs_determinant())
    tf.Tensor(3.583519, shape=(), dtype=float32)

    Args:
      operators: a non-empty iterable of `LinearOperator`s of one dtype, the factors.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints; the
        first three are `True` when every factor has them.
      name: the operator's name; the factors' names joined by `"_x_"` when `None`.

    Raises:
      TypeError: for factors of different dtypes, or `operators` not an iterable.
      ValueError: for no factors, or a hint the factors contradict.
    """

    def __init__(self, operators: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None, name: Optional[str] = None) -> None:
        parameters = dict(operators=operators, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        operators = operator_list(
            operators, "Argument `operators` must be a list of >=1 operators. Received: {}.")
        self._operators: List[LinearOperator] = operators
        dtype = operators[0].dtype
        for operator in operators:
            if operator.dtype != dtype:
                name_type = [str((o.name, _DtypeRepr(o.dtype))) for o in operators]
                raise TypeError("Expected every operation in argument `operators` to have "
                                f"the same dtype. Received {name_type}.")
        is_non_singular = each_operator_hint(
            operators, "is_non_singular", is_non_singular,
            "The Kronecker product of non-singular operators is always non-singular. "
            f"Expected argument `is_non_singular` to be True. Received: {is_non_singular}.")
        is_self_adjoint = each_operator_hint(
            operators, "is_self_adjoint", is_self_adjoint,
            "The Kronecker product of self-adjoint operators is always self-adjoint. "
            f"Expected argument `is_self_adjoint` to be True. Received: {is_self_adjoint}.")
        is_positive_definite = each_operator_hint(
            operators, "is_positive_definite", is_positive_definite,
            "The Kronecker product of positive-definite operators is always "
            "positive-definite. Expected argument `is_positive_definite` to be True. "
            f"Received: {is_positive_definite}.")
        if name is None:
            name = "_x_".join(operator.name for operator in operators)
        super().__init__(dtype=dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)

    @property
    def operators(self) -> List[LinearOperator]:
        """The factors, leftmost first."""
        return self._operators

    def _shape(self) -> TensorShape:
        domain = self.operators[0].domain_dimension
        rows = self.operators[0].range_dimension
        batch = self.operators[0].batch_shape
        for operator in self.operators[1:]:
            domain = _times(domain, operator.domain_dimension)
            rows = _times(rows, operator.range_dimension)
            batch = broadcast_static_shape(batch, operator.batch_shape)
        return TensorShape(list(batch) + [rows, domain])

    # -- Derived operators -----------------------------------------------------------

    # -- Products and solves ---------------------------------------------------------

    def _solve_matmul_internal(self, x: Any, fn: Callable[..., Any], adjoint: bool = False,
                               adjoint_arg: bool = False) -> Any:
        """Apply `fn` (a factor's matmul or solve) factor by factor, last first: the
        argument, transposed, is reshaped so that each factor acts on its own axis."""
        complex_ = self.dtype.is_complex
        if adjoint_arg:
            output = conj(x) if complex_ else x
        else:
            output = matrix_transpose(x)
        for operator in reversed(self.operators):
            size = int((operator.range_dimension if adjoint else operator.domain_dimension)
                       or 0)
            dims = list(output.shape)
            output = reshape(output, dims[:-2] + [dims[-2] * dims[-1] // size, size])
            if complex_:
                output = conj(output)
            output = fn(operator, output, adjoint=adjoint, adjoint_arg=True)
        columns = x.shape[-2] if adjoint_arg else x.shape[-1]
        rows = self.domain_dimension if adjoint else self.range_dimension
        return reshape(output, list(output.shape[:-2]) + [rows, columns])

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        def matmul_fn(o: LinearOperator, y: Any, adjoint: bool, adjoint_arg: bool) -> Any:
            return o.matmul(y, adjoint=adjoint, adjoint_arg=adjoint_arg)
        return self._solve_matmul_internal(x, matmul_fn, adjoint=adjoint,
                                           adjoint_arg=adjoint_arg)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        def solve_fn(o: LinearOperator, y: Any, adjoint: bool, adjoint_arg: bool) -> Any:
            return o.solve(y, adjoint=adjoint, adjoint_arg=adjoint_arg)
        return self._solve_matmul_internal(rhs, solve_fn, adjoint=adjoint,
                                           adjoint_arg=adjoint_arg)

    # -- Scalars and dense views -----------------------------------------------------

    def _power(self, operator: LinearOperator) -> Any:
        """How often a factor's determinant enters the product's: `N / N_j`."""
        total = int(self.domain_dimension or 0)
        return cast(constant(total / int(operator.domain_dimension or 1)), operator.dtype)

    def _determinant(self) -> Any:
        result: Any = 1.0
        for operator in self.operators:
            result = result * operator.determinant() ** self._power(operator)
        return result

    def _log_abs_determinant(self) -> Any:
        result: Any = 0.0
        for operator in self.operators:
            result = result + operator.log_abs_determinant() * self._power(operator)
        return result

    def _trace(self) -> Any:
        result: Any = 1.0
        for operator in self.operators:
            result = result * operator.trace()
        return result

    def _diag_part(self) -> Any:
        result = self.operators[0].diag_part()
        for operator in self.operators[1:]:
            result = _outer_flat(result, operator.diag_part())
        size = min(int(self.range_dimension or 0), int(self.domain_dimension or 0))
        _check_shape(result, list(self.batch_shape) + [size])
        return result

    def _to_dense(self) -> Any:
        product = self.operators[0].to_dense()
        for operator in self.operators[1:]:
            left = expand_dims(expand_dims(product, -1), -3)
            right = expand_dims(expand_dims(operator.to_dense(), -2), -4)
            product = left * right
            dims = list(product.shape)
            product = reshape(product, dims[:-4] + [dims[-4] * dims[-3], dims[-2] * dims[-1]])
        return product

    def _eigvals(self) -> Any:
        result = self.operators[0].eigvals()
        for operator in self.operators[1:]:
            result = _outer_flat(result, operator.eigvals())
        return result

    # -- Assertions ------------------------------------------------------------------

    def _assert_non_singular(self) -> Any:
        if all(operator.is_square for operator in self.operators):
            for operator in self.operators:
                operator.assert_non_singular()
            return None
        raise InvalidArgumentError(None, None, _NOT_ALL_SQUARE)

    def _assert_self_adjoint(self) -> Any:
        if all(operator.is_square for operator in self.operators):
            for operator in self.operators:
                operator.assert_self_adjoint()
            return None
        raise InvalidArgumentError(None, None, _NOT_ALL_SQUARE)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"operators": [0] * len(self.operators)}


class _DtypeRepr:
    """A dtype that prints as TF's `repr` does (`tf.float32`), for messages."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"tf.{dtype_name(self.dtype)}"


def _times(a: Optional[int], b: Optional[int]) -> Optional[int]:
    return None if a is None or b is None else a * b


def _check_shape(value: Any, expected: List[Any]) -> None:
    """TF's `set_shape`: `ValueError` when `value`'s shape differs from `expected`."""
    if list(value.shape) != list(expected):
        raise ValueError(f"Tensor's shape {tuple(value.shape)} is not compatible with "
                         f"supplied shape {tuple(expected)}.")
