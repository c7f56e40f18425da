"""Helpers the `tf.linalg.LinearOperator` family shares: how an operator keeps its
parameters, how the structural hints of two operators combine, and the dense fallbacks
(a solve that broadcasts batch dimensions, value assertions).

A parameter stays as it was given when it is a Variable (so the operator reads it
afresh at every use and a tape watching it sees every read); anything else becomes a
tensor once, with TF's conversion rules.

>>> import tftape_torch as tf
>>> from tftape_torch._linear_operator_util import as_parameter
>>> print(as_parameter([1.0, 2.0]))
tf.Tensor([1. 2.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

import logging
from typing import Any, List, Optional, Sequence

import numpy as np
import torch

from tftape_torch import debugging
from tftape_torch._array_ops import convert_to_tensor, zeros_like
from tftape_torch._complex_ops import imag
from tftape_torch._dtypes import dtype_name
from tftape_torch._linalg_ops import solve
from tftape_torch._math_ops import abs as abs_
from tftape_torch._module import Module
from tftape_torch._shape_ops import broadcast_static_shape, broadcast_to
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._variable import Variable

__all__ = [
    "DerivedFromEach",
    "as_parameter",
    "assert_no_entries_with_modulus_zero",
    "assert_zero_imag_part",
    "broadcast_matrix_batch_dims",
    "check_dimensions",
    "combine_hint",
    "each_operator_hint",
    "commuting_positive_definite_hint",
    "commuting_self_adjoint_hint",
    "is_aat_form",
    "is_ref",
    "matrix_solve_with_broadcast",
    "non_singular_hint",
    "operator_list",
    "refuse_ref",
    "square_hint",
    "warn_default",
]


def is_ref(value: Any) -> bool:
    """True for what an operator keeps unconverted: a Variable, or a module that has a
    dtype and a shape (another operator, say)."""
    return isinstance(value, Variable) or (
        isinstance(value, Module) and hasattr(value, "dtype") and hasattr(value, "shape")
    )


def as_parameter(value: Any, dtype: Any = None) -> Any:
    """An operator's tensor parameter: Variables (and modules with a dtype and shape)
    as they are, anything else converted with TF's rules (`None` stays `None`).

    Raises:
      TypeError: for a Variable of another dtype than `dtype`, or a value that does
        not convert.
    """
    if value is None:
        return None
    if is_ref(value):
        if dtype is not None and value.dtype != dtype:
            raise TypeError(
                f"Argument `value` must be of dtype `{dtype_name(dtype)}` "
                f"Received: `{dtype_name(value.dtype)}`."
            )
        return value
    return convert_to_tensor(value, dtype=dtype)


def refuse_ref(value: Any, arg_name: str) -> None:
    """TF's refusal of a Variable where a static shape argument is expected."""
    if is_ref(value):
        raise TypeError(f"Argument {arg_name} cannot be reference type. Found: {type(value)}.")


def warn_default(what: str, dense: bool = True) -> None:
    """TF's log line when an operator falls back on a dense default implementation."""
    tail = "  Requires conversion to a dense matrix"
    tail += " and O(N^3) operations." if dense else "."
    logging.getLogger("tensorflow").warning(
        f"Using (possibly slow) default implementation of {what}.{tail}"
    )


def check_dimensions(expected: Optional[int], got: Optional[int]) -> None:
    """TF's `Dimension.assert_is_compatible_with`: equal sizes, or either unknown."""
    if expected is not None and got is not None and expected != got:
        raise ValueError(f"Dimensions {expected} and {got} are not compatible")


# ---------------------------------------------------------------------------
# Hints


def combine_hint(operator: Any, attr: str, provided: Optional[bool], message: str
                 ) -> Optional[bool]:
    """The hint a wrapper of `operator` gets: the operator's or the one provided,
    whichever says something; `ValueError(message)` when they contradict."""
    own = getattr(operator, attr)
    if own is False and provided:
        raise ValueError(message)
    if own and provided is False:
        raise ValueError(message)
    if own or provided:
        return True
    if own is False or provided is False:
        return False
    return None


def each_operator_hint(operators: Sequence[Any], attr: str, provided: Optional[bool],
                       message: str) -> Optional[bool]:
    """The hint of an operator made of `operators` (a product or a direct sum) whose
    hint `attr` holds when it holds for each: True then (`ValueError(message)` if
    `provided` is False), else `provided`."""
    if all(getattr(operator, attr) for operator in operators):
        if provided is False:
            raise ValueError(message)
        return True
    return provided


def operator_list(operators: Any, empty_message: str) -> List[Any]:
    """`operators`, a proper iterable (TF's `TypeError` otherwise), as a list;
    `ValueError(empty_message.format(operators))` for none."""
    debugging.assert_proper_iterable(operators)
    items = list(operators)
    if not items:
        raise ValueError(empty_message.format(items))
    return items


class DerivedFromEach:
    """`adjoint()`, `cholesky()` and `inverse()` of an operator made of `operators`
    factor by factor (a Kronecker product, a block diagonal): the same kind of
    operator, of each operator's adjoint, Cholesky factor or inverse (a mixin of
    `LinearOperator`s with `operators` and TF's constructor arguments)."""

    def _linop_adjoint(self: Any) -> Any:
        return type(self)(
            operators=[operator.adjoint() for operator in self.operators],
            is_non_singular=self.is_non_singular, is_self_adjoint=self.is_self_adjoint,
            is_positive_definite=self.is_positive_definite, is_square=True)

    def _linop_cholesky(self: Any) -> Any:
        return type(self)(
            operators=[operator.cholesky() for operator in self.operators],
            is_non_singular=True, is_self_adjoint=None, is_square=True)

    def _linop_inverse(self: Any) -> Any:
        return type(self)(
            operators=[operator.inverse() for operator in self.operators],
            is_non_singular=self.is_non_singular, is_self_adjoint=self.is_self_adjoint,
            is_positive_definite=self.is_positive_definite, is_square=True)


def square_hint(a: Any, b: Any) -> Optional[bool]:
    """Whether `a @ b` is square, as far as the two operators' hints tell."""
    if a.is_square and b.is_square:
        return True
    if a.is_square is False and b.is_square is False:
        rows, cols = a.range_dimension, b.domain_dimension
        if rows is not None and cols is not None:
            return bool(rows == cols)
    if a.is_square is not None and b.is_square is not None and a.is_square != b.is_square:
        return False
    return None


def non_singular_hint(a: Any, b: Any) -> Optional[bool]:
    """A product is non-singular when both factors are, singular when either is."""
    if a.is_non_singular is False or b.is_non_singular is False:
        return False
    return a.is_non_singular and b.is_non_singular


def commuting_self_adjoint_hint(a: Any, b: Any) -> Optional[bool]:
    """Self-adjointness of a product of two commuting operators."""
    if a.is_self_adjoint and b.is_self_adjoint:
        return True
    if (a.is_self_adjoint is True and b.is_self_adjoint is False) or (
        a.is_self_adjoint is False and b.is_self_adjoint is True
    ):
        return False
    return None


def commuting_positive_definite_hint(a: Any, b: Any) -> Optional[bool]:
    """Positive definiteness of a product of two commuting operators."""
    if (a.is_positive_definite is True and a.is_self_adjoint is True
            and b.is_positive_definite is True and b.is_self_adjoint is True):
        return True
    return None


def _adjoint_pair(x: Any, y: Any) -> bool:
    if x is y:
        if x.is_self_adjoint is False:
            return False
        if x.is_self_adjoint:
            return True
    return x.H is y or y.H is x


def is_aat_form(operators: Sequence[Any]) -> bool:
    """True when the operators read `A1 ... An An^H ... A1^H`."""
    operators = list(operators)
    if not operators:
        raise ValueError("AAT form is undefined for empty operators")
    if len(operators) % 2:
        return False
    return all(_adjoint_pair(operators[i], operators[-1 - i])
               for i in range(len(operators) // 2))


# ---------------------------------------------------------------------------
# Dense fallbacks


def broadcast_matrix_batch_dims(matrices: Sequence[Any]) -> List[torch.Tensor]:
    """The matrices (rank >= 2 each) broadcast to their common batch shape."""
    out = [convert_to_tensor(m) for m in matrices]
    for m in out:
        if m.dim() < 2:
            raise ValueError(
                f"Expected [batch] matrix to have at least two dimensions. Found: {m}."
            )
    if len(out) < 2:
        return out
    batch = TensorShape(out[0].shape[:-2])
    for m in out[1:]:
        batch = broadcast_static_shape(batch, TensorShape(m.shape[:-2]))
    return [m if tuple(m.shape[:-2]) == tuple(batch)
            else broadcast_to(m, list(batch) + list(m.shape[-2:])) for m in out]


def matrix_solve_with_broadcast(matrix: Any, rhs: Any, adjoint: bool = False) -> torch.Tensor:
    """`tf.linalg.solve` after broadcasting the batch dimensions of both sides."""
    matrix = convert_to_tensor(matrix)
    rhs = convert_to_tensor(rhs, dtype=matrix.dtype)
    matrix, rhs = broadcast_matrix_batch_dims([matrix, rhs])
    return solve(matrix, rhs, adjoint=adjoint)


def assert_no_entries_with_modulus_zero(x: Any, message: str) -> None:
    """`InvalidArgumentError` (with `message`) when an entry of `x` has modulus zero."""
    x = convert_to_tensor(x)
    zero = convert_to_tensor(np.zeros((), dtype=np.float64), dtype=x.dtype.to_real())
    debugging.assert_less(zero, abs_(x), message=message)


def assert_zero_imag_part(x: Any, message: str) -> None:
    """`InvalidArgumentError` (with `message`) when a complex `x` has an imaginary part."""
    x = convert_to_tensor(x)
    if not x.dtype.is_complex:
        return
    part = imag(x)
    debugging.assert_equal(zeros_like(part), part, message=message)
