"""Sums of linear operators, as TF's `linear_operator_addition.add_operators` forms
them: operators of the five addable classes combine in tiers (scaled identities,
then diagonals, lower triangles and full matrices), each pair into the cheapest class
that holds the sum, with TF's hints and names.

>>> import tftape_torch as tf
>>> total = add_operators([tf.linalg.LinearOperatorDiag([1.0, 2.0]),
...                        tf.linalg.LinearOperatorIdentity(2)])
>>> [type(op).__name__ for op in total]
['LinearOperatorDiag']
>>> print(total[0].diag)
tf.Tensor([2. 3.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List

from tftape_torch._array_ops import ones
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_basic import (
    LinearOperatorDiag,
    LinearOperatorFullMatrix,
    LinearOperatorLowerTriangular,
)
from tftape_torch._linear_operator_identity import (
    LinearOperatorIdentity,
    LinearOperatorScaledIdentity,
)
from tftape_torch._shape_ops import broadcast_static_shape

__all__ = ["ADDABLE", "add_operators"]

# The classes TF's adder combines; a sum with anything else fails.
ADDABLE = (LinearOperatorDiag, LinearOperatorLowerTriangular, LinearOperatorFullMatrix,
            LinearOperatorIdentity, LinearOperatorScaledIdentity)
_IDENTITY_FAMILY = (LinearOperatorIdentity, LinearOperatorScaledIdentity)
_DIAG_LIKE = (LinearOperatorDiag,) + _IDENTITY_FAMILY


def _all_of(kinds: Any, *operators: LinearOperator) -> bool:
    return all(isinstance(op, kinds) for op in operators)


def _sum_hints(op1: LinearOperator, op2: LinearOperator) -> Dict[str, Any]:
    is_positive_definite = op1.is_positive_definite and op2.is_positive_definite
    return dict(is_non_singular=True if is_positive_definite else None,
                is_self_adjoint=op1.is_self_adjoint and op2.is_self_adjoint,
                is_positive_definite=is_positive_definite)


def _add_pair(tier: int, op1: LinearOperator, op2: LinearOperator) -> LinearOperator:
    """`op1 + op2` as the operator of TF's adder for `tier`."""
    hints = _sum_hints(op1, op2)
    name = "Add/" + op1.name + "__" + op2.name + "/"
    if tier == 0:
        multipliers = [op.multiplier if isinstance(op, LinearOperatorScaledIdentity)
                       else ones(op.batch_shape.as_list(), dtype=op.dtype)
                       for op in (op1, op2)]
        return LinearOperatorScaledIdentity(num_rows=op1.range_dimension_tensor(),
                                            multiplier=multipliers[0] + multipliers[1],
                                            name=name, **hints)
    if tier == 1:
        return LinearOperatorDiag(diag=op1.diag_part() + op2.diag_part(), name=name, **hints)
    adding, other = (op1, op2) if isinstance(op1, _DIAG_LIKE) else (op2, op1)
    dense = adding.add_to_tensor(other.to_dense())
    if tier == 2:
        return LinearOperatorLowerTriangular(tril=dense, name=name, **hints)
    return LinearOperatorFullMatrix(matrix=dense, name=name, **hints)


def _can_add(tier: int, op1: LinearOperator, op2: LinearOperator) -> bool:
    kinds = [_IDENTITY_FAMILY, _DIAG_LIKE, _DIAG_LIKE + (LinearOperatorLowerTriangular,),
             (LinearOperator,)][tier]
    return _all_of(kinds, op1, op2)


def add_operators(operators: List[LinearOperator]) -> List[LinearOperator]:
    """The sum of `operators` (of the five addable classes), by TF's tiers: scaled
    identities first, then diagonals, triangles, and full matrices."""
    operators = list(reversed(operators))
    if len(operators) > 1:
        for attr, what in (("domain_dimension", "`operators`"), ("range_dimension", "operators")):
            dims = [(op.name, getattr(op, attr)) for op in operators
                    if getattr(op, attr) is not None]
            if len({d for _, d in dims}) > 1:
                raise ValueError(f"All {what} must have the same `{attr}`. Received: {dims}.")
        functools.reduce(broadcast_static_shape, [op.batch_shape for op in operators])
    next_tier = list(operators)
    for tier in range(4):
        this_tier, next_tier = next_tier, []
        while this_tier:
            op1 = this_tier.pop()
            match = next((i for i in range(1, len(this_tier) + 1)
                          if _can_add(tier, op1, this_tier[-i])), None)
            if match is None:
                next_tier.append(op1)
            else:
                this_tier.append(_add_pair(tier, op1, this_tier.pop(-match)))
    return next_tier
