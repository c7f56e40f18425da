"""TF's dispatch of linear-algebra functions to `tf.linalg.LinearOperator` arguments:
`tf.linalg.det(operator)` is `operator.determinant()`, `tf.matmul(operator, x)` is
`operator.matmul(x)`, as TF's `dispatch_for_types(..., LinearOperator)` registrations
say (adjoint, cholesky, det, diag_part, inv, logdet, matmul, matvec, solve, trace).

The functions test their arguments against `LinalgDispatchable`, the base class of
`LinearOperator` defined here so that the ops' modules need not import the operators.

>>> import tftape_torch as tf
>>> operator = tf.linalg.LinearOperatorDiag([2.0, 3.0])
>>> print(tf.linalg.det(operator))
tf.Tensor(6.0, shape=(), dtype=float32)
>>> print(tf.matmul([[1.0, 1.0]], operator))
tf.Tensor([[2. 3.]], shape=(1, 2), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Optional

import torch

from tftape_torch._op_call import call

__all__ = ["LinalgDispatchable", "matmul_with_operator", "matvec_with_operator"]


class LinalgDispatchable:
    """Objects that TF's linalg functions hand themselves to (`LinearOperator`)."""

    __slots__ = ()


def _check_flags(transpose: bool, sparse: bool) -> None:
    if transpose:
        raise ValueError("Transposing not supported at this time.")
    if sparse:
        raise ValueError("Sparse methods not supported at this time.")


def _adjoint(x: torch.Tensor) -> torch.Tensor:
    return x.transpose(-2, -1).conj()


def matmul_with_operator(a: Any, b: Any, transpose_a: bool, transpose_b: bool,
                         adjoint_a: bool, adjoint_b: bool, sparse: bool,
                         name: Optional[str]) -> Any:
    """`tf.matmul` with an operator on either side; a tensor times an operator is
    `(b^H a^H)^H`, as in TF."""
    _check_flags(transpose_a or transpose_b, sparse)
    if isinstance(a, LinalgDispatchable):
        return a.matmul(b, adjoint=adjoint_a, adjoint_arg=adjoint_b, name=name)  # type: ignore[attr-defined]
    product = b.matmul(a, adjoint=not adjoint_b, adjoint_arg=not adjoint_a, name=name)
    return call("Transpose", _adjoint, (product,), product)


def matvec_with_operator(a: Any, b: Any, transpose_a: bool, adjoint_a: bool, sparse: bool,
                         name: Optional[str]) -> Any:
    """`tf.linalg.matvec` with an operator `a`."""
    _check_flags(transpose_a, sparse)
    return a.matvec(b, adjoint=adjoint_a, name=name)
