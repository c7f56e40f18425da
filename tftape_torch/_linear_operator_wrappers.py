"""Operators made of other operators: `tf.linalg.LinearOperatorAdjoint` (`A^H`),
`LinearOperatorInversion` (`A^{-1}`) and `LinearOperatorComposition`
(`A1 @ A2 @ ... @ An`).

They are what `op.H`, `op.inverse()` and `op1 @ op2` give when the classes involved
know nothing better; each acts through the operators it wraps, never through a dense
matrix unless those do.

>>> import tftape_torch as tf
>>> a = tf.linalg.LinearOperatorFullMatrix([[1.0, 2.0], [0.0, 1.0]])
>>> type(a.H).__name__, a.H.name
('LinearOperatorAdjoint', 'LinearOperatorFullMatrix_adjoint')
>>> print(a.inverse().matvec([3.0, 1.0]))
tf.Tensor([1. 1.], shape=(2,), dtype=float32)
>>> c = tf.linalg.LinearOperatorComposition([a, a])
>>> print(c.to_dense())
tf.Tensor(
[[1. 4.]
 [0. 1.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from tftape_torch._array_ops import expand_dims
from tftape_torch._complex_ops import conj
from tftape_torch._dtypes import dtype_name
from tftape_torch._elementwise_ops import sign
from tftape_torch._linalg_ops import adjoint as matrix_adjoint
from tftape_torch._linalg_ops import cholesky
from tftape_torch._linear_operator import (
    LinearOperator,
    operator_class,
    register_operator_class,
)
from tftape_torch._linear_operator_util import (
    combine_hint,
    each_operator_hint,
    is_aat_form,
    operator_list,
)
from tftape_torch._shape_ops import broadcast_static_shape
from tftape_torch._tensor_shape import TensorShape

__all__ = ["LinearOperatorAdjoint", "LinearOperatorComposition", "LinearOperatorInversion"]


def _combined_hints(operator: LinearOperator, hints: Dict[str, Optional[bool]],
                    relation: str) -> Dict[str, Optional[bool]]:
    """The wrapper's hints: the operator's or the given ones, `ValueError` on a clash."""
    words = {"is_square": "square", "is_non_singular": "non-singular",
             "is_self_adjoint": "self-adjoint", "is_positive_definite": "positive-definite"}
    return {
        key: combine_hint(operator, key, hints[key],
                          f"An operator is {word} if and only if its {relation} is {word}.")
        for key, word in words.items()
    }


class LinearOperatorAdjoint(LinearOperator):
    """`LinearOperator` representing the adjoint of another operator.

    >>> import tftape_torch as tf
    >>> a = tf.linalg.LinearOperatorFullMatrix([[1.0, 2.0], [3.0, 4.0]])
    >>> print(tf.linalg.LinearOperatorAdjoint(a).to_dense())
    tf.Tensor(
    [[1. 3.]
     [2. 4.]], shape=(2, 2), dtype=float32)

    Args:
      operator: the `LinearOperator` to take the adjoint of.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints; they
        must agree with `operator`'s.
      name: the operator's name; `operator.name + "_adjoint"` when `None`.

    Raises:
      ValueError: for hints that contradict `operator`'s.
    """

    def __init__(self, operator: LinearOperator, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None, name: Optional[str] = None) -> None:
        parameters = dict(operator=operator, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._operator = operator
        hints = _combined_hints(operator, dict(
            is_square=is_square, is_non_singular=is_non_singular,
            is_self_adjoint=is_self_adjoint, is_positive_definite=is_positive_definite),
            "adjoint")
        super().__init__(dtype=operator.dtype, parameters=parameters,
                         name=operator.name + "_adjoint" if name is None else name, **hints)

    @property
    def operator(self) -> LinearOperator:
        """The operator this is the adjoint of."""
        return self._operator

    def _linop_adjoint(self) -> LinearOperator:
        return self.operator

    def _assert_non_singular(self) -> Any:
        return self.operator.assert_non_singular()

    def _assert_positive_definite(self) -> Any:
        return self.operator.assert_positive_definite()

    def _assert_self_adjoint(self) -> Any:
        return self.operator.assert_self_adjoint()

    def _shape(self) -> TensorShape:
        shape = self.operator.shape
        return TensorShape(list(shape[:-2]) + [shape[-1], shape[-2]])

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self.operator.matmul(x, adjoint=not adjoint, adjoint_arg=adjoint_arg)

    def _matvec(self, x: Any, adjoint: bool = False) -> Any:
        return self.operator.matvec(x, adjoint=not adjoint)

    def _determinant(self) -> Any:
        if self.is_self_adjoint:
            return self.operator.determinant()
        return conj(self.operator.determinant())

    def _log_abs_determinant(self) -> Any:
        return self.operator.log_abs_determinant()

    def _trace(self) -> Any:
        if self.is_self_adjoint:
            return self.operator.trace()
        return conj(self.operator.trace())

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self.operator.solve(rhs, adjoint=not adjoint, adjoint_arg=adjoint_arg)

    def _solvevec(self, rhs: Any, adjoint: bool = False) -> Any:
        return self.operator.solvevec(rhs, adjoint=not adjoint)

    def _to_dense(self) -> Any:
        if self.is_self_adjoint:
            return self.operator.to_dense()
        return matrix_adjoint(self.operator.to_dense())

    def _add_to_tensor(self, x: Any) -> Any:
        return self.to_dense() + x

    def _eigvals(self) -> Any:
        values = self.operator.eigvals()
        if not self.operator.is_self_adjoint:
            values = conj(values)
        return values

    def _cond(self) -> Any:
        return self.operator.cond()

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"operator": 0}


class LinearOperatorInversion(LinearOperator):
    """`LinearOperator` representing the inverse of another operator: its `matmul`
    is the operator's `solve` and the other way round.

    >>> import tftape_torch as tf
    >>> a = tf.linalg.LinearOperatorDiag([2.0, 4.0])
    >>> print(tf.linalg.LinearOperatorInversion(a).to_dense())
    tf.Tensor(
    [[0.5  0.  ]
     [0.   0.25]], shape=(2, 2), dtype=float32)

    Args:
      operator: the `LinearOperator` to invert (not hinted singular or non-square).
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name; `operator.name + "_inv"` when `None`.

    Raises:
      ValueError: for an operator or hint saying singular or non-square, or hints that
        contradict `operator`'s.
    """

    def __init__(self, operator: LinearOperator, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None, name: Optional[str] = None) -> None:
        parameters = dict(operator=operator, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._operator = operator
        if operator.is_non_singular is False or is_non_singular is False:
            raise ValueError(
                "Argument `is_non_singular` or argument `operator` must have supplied hint "
                "`is_non_singular` equal to `True` or `None`. Found "
                f"`operator.is_non_singular`: {operator.is_non_singular}, "
                f"`is_non_singular`: {is_non_singular}.")
        if operator.is_square is False or is_square is False:
            raise ValueError(
                "Argument `is_square` or argument `operator` must have supplied hint "
                "`is_square` equal to `True` or `None`. Found "
                f"`operator.is_square`: {operator.is_square}, `is_square`: {is_square}.")
        hints = _combined_hints(operator, dict(
            is_square=is_square, is_non_singular=is_non_singular,
            is_self_adjoint=is_self_adjoint, is_positive_definite=is_positive_definite),
            "inverse")
        super().__init__(dtype=operator.dtype, parameters=parameters,
                         name=operator.name + "_inv" if name is None else name, **hints)

    @property
    def operator(self) -> LinearOperator:
        """The operator this is the inverse of."""
        return self._operator

    def _linop_inverse(self) -> LinearOperator:
        return self.operator

    def _linop_solve(self, left_operator: LinearOperator,
                     right_operator: LinearOperator) -> LinearOperator:
        return left_operator.operator.matmul(right_operator)  # type: ignore

    def _assert_non_singular(self) -> Any:
        return self.operator.assert_non_singular()

    def _assert_positive_definite(self) -> Any:
        return self.operator.assert_positive_definite()

    def _assert_self_adjoint(self) -> Any:
        return self.operator.assert_self_adjoint()

    def _shape(self) -> TensorShape:
        return self.operator.shape

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self.operator.solve(x, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _determinant(self) -> Any:
        return 1.0 / self.operator.determinant()

    def _log_abs_determinant(self) -> Any:
        return -1.0 * self.operator.log_abs_determinant()

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        return self.operator.matmul(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _eigvals(self) -> Any:
        return 1.0 / self.operator.eigvals()

    def _cond(self) -> Any:
        return self.operator.cond()

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"operator": 0}


def _must_be_self_adjoint(operators: List[LinearOperator]) -> bool:
    if len(operators) == 1 and operators[0].is_self_adjoint:
        return True
    return is_aat_form(operators)


class LinearOperatorComposition(LinearOperator):
    """`LinearOperator` representing the product `A1 @ A2 @ ... @ An` of operators.

    >>> import tftape_torch as tf
    >>> a = tf.linalg.LinearOperatorDiag([1.0, 2.0])
    >>> b = tf.linalg.LinearOperatorFullMatrix([[1.0, 1.0], [0.0, 1.0]])
    >>> c = tf.linalg.LinearOperatorComposition([a, b])
    >>> c.name
    'LinearOperatorDiag_o_LinearOperatorFullMatrix'
    >>> print(c.matvec([1.0, 1.0]))
    tf.Tensor([2. 2.], shape=(2,), dtype=float32)

    Args:
      operators: a non-empty iterable of operators of one dtype, each's domain the
        range of the next.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name; the operators' names joined by `"_o_"` when `None`.

    Raises:
      TypeError: for operators of different dtypes, or `operators` not an iterable.
      ValueError: for no operators, or a hint the operators contradict.
    """

    def __init__(self, operators: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None, name: Optional[str] = None) -> None:
        parameters = dict(operators=operators, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        operators = operator_list(operators,
                                  "Expected a non-empty list of operators. Found: {}")
        self._operators = operators
        dtype = operators[0].dtype
        for operator in operators:
            if operator.dtype != dtype:
                names = "   ".join(f"({o.name!r}, tf.{dtype_name(o.dtype)})"
                                   for o in operators)
                raise TypeError(
                    f"Expected all operators to have the same dtype.  Found {names}")
        is_non_singular = each_operator_hint(
            operators, "is_non_singular", is_non_singular,
            "The composition of non-singular operators is always non-singular.")
        if _must_be_self_adjoint(operators):
            if is_self_adjoint is False:
                raise ValueError("The composition was determined to be self-adjoint but user "
                                 "provided incorrect `False` hint.")
            is_self_adjoint = True
        aat = is_aat_form(operators)
        if aat:
            if is_square is False:
                raise ValueError("The composition was determined have the form A @ A.H, "
                                 "hence it must be square. The user provided an incorrect "
                                 "`False` hint.")
            is_square = True
        if aat and is_non_singular:
            if is_positive_definite is False:
                raise ValueError("The composition was determined to be non-singular and have "
                                 "the form A @ A.H, hence it must be positive-definite. The "
                                 "user provided an incorrect `False` hint.")
            is_positive_definite = True
        if name is None:
            name = "_o_".join(operator.name for operator in operators)
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
        for operator in self.operators[1:]:
            rows = operator.range_dimension
            if domain is not None and rows is not None and domain != rows:
                raise ValueError(f"Dimensions {domain} and {rows} are not compatible")
            domain = operator.domain_dimension
        batch = self.operators[0].batch_shape
        for operator in self.operators[1:]:
            batch = broadcast_static_shape(batch, operator.batch_shape)
        return TensorShape(list(batch) + [self.operators[0].range_dimension,
                                          self.operators[-1].domain_dimension])

    def _linop_cholesky(self) -> LinearOperator:
        lower = operator_class("lower_triangular")
        first = self.operators[0]
        if not (len(self.operators) == 2 and is_aat_form(self.operators)
                and isinstance(first, lower)):
            return lower(cholesky(self.to_dense()), is_non_singular=True,
                         is_self_adjoint=False, is_square=True)
        if first.is_positive_definite:
            return first
        signs = expand_dims(sign(first.diag_part()), -2)
        return lower(tril=first.tril / signs,
                     is_non_singular=first.is_non_singular,
                     is_self_adjoint=first.is_self_adjoint,
                     is_positive_definite=True if first.is_positive_definite else None,
                     is_square=True)

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        order = self.operators if adjoint else list(reversed(self.operators))
        result = order[0].matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)
        for operator in order[1:]:
            result = operator.matmul(result, adjoint=adjoint)
        return result

    def _determinant(self) -> Any:
        result = self.operators[0].determinant()
        for operator in self.operators[1:]:
            result = result * operator.determinant()
        return result

    def _log_abs_determinant(self) -> Any:
        result = self.operators[0].log_abs_determinant()
        for operator in self.operators[1:]:
            result = result + operator.log_abs_determinant()
        return result

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        order = list(reversed(self.operators)) if adjoint else self.operators
        solution = order[0].solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)
        for operator in order[1:]:
            solution = operator.solve(solution, adjoint=adjoint)
        return solution

    def _assert_non_singular(self) -> Any:
        if all(operator.is_square for operator in self.operators):
            for operator in self.operators:
                operator.assert_non_singular()
            return None
        return super()._assert_non_singular()

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"operators": [0] * len(self.operators)}


register_operator_class("adjoint", LinearOperatorAdjoint)
register_operator_class("inversion", LinearOperatorInversion)
register_operator_class("composition", LinearOperatorComposition)
