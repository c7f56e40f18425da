"""`tf.linalg.experimental.conjugate_gradient`: solves `A x = rhs` for a self-adjoint,
positive definite `tf.linalg.LinearOperator` `A` by (preconditioned) conjugate
gradients, as TF's loop does: the same state, stopping rule (`max_iter` steps, or
every residual norm at most `tol` times the right-hand side's) and batching. Each
step is recorded by tapes like any other op, so the solution can be differentiated
through the iterations.

>>> import tftape_torch as tf
>>> operator = tf.linalg.LinearOperatorFullMatrix(
...     [[4.0, 1.0], [1.0, 3.0]], is_self_adjoint=True, is_positive_definite=True)
>>> result = tf.linalg.experimental.conjugate_gradient(operator, tf.constant([1.0, 2.0]))
>>> print(result.x)
tf.Tensor([0.09090909 0.6363636 ], shape=(2,), dtype=float32)
>>> print(result.i)
tf.Tensor(2, shape=(), dtype=int32)
"""

from __future__ import annotations

import builtins
from typing import Any, NamedTuple

from tftape_torch._array_ops import concat, constant, convert_to_tensor, shape, squeeze, zeros
from tftape_torch._math_ops import reduce_any
from tftape_torch._norm_ops import norm
from tftape_torch._products import matvec
from tftape_torch._shape_ops import broadcast_dynamic_shape, broadcast_to

__all__ = ["CGState", "conjugate_gradient"]


class CGState(NamedTuple):
    """The loop's state: iterations run, solution, residual, search direction and
    `<r, M r>` (`M` the preconditioner)."""

    i: Any
    x: Any
    r: Any
    p: Any
    gamma: Any


def _dot(x: Any, y: Any) -> Any:
    return squeeze(matvec(x[..., None], y, adjoint_a=True), axis=-1)


def conjugate_gradient(operator: Any, rhs: Any, preconditioner: Any = None, x: Any = None,
                       tol: Any = 1e-5, max_iter: int = 20,
                       name: str = "conjugate_gradient") -> CGState:
    """Solves `operator @ x = rhs` by conjugate gradients; returns the final `CGState`.

    Raises:
      ValueError: unless `operator` is hinted self-adjoint and positive definite.
    """
    if not (operator.is_self_adjoint and operator.is_positive_definite):
        raise ValueError("Expected a self-adjoint, positive definite operator.")
    rhs = convert_to_tensor(rhs)
    batch = broadcast_dynamic_shape(shape(rhs)[:-1], operator.batch_shape_tensor())
    if preconditioner is not None:
        batch = broadcast_dynamic_shape(batch, preconditioner.batch_shape_tensor())
    rhs_shape = concat([batch, shape(rhs)[-1:]], axis=-1)
    r = broadcast_to(rhs, rhs_shape)
    tol = tol * norm(r, axis=-1)
    if x is None:
        x = zeros(rhs_shape, dtype=rhs.dtype)
    else:
        r = rhs - matvec(operator, x)
    p = r if preconditioner is None else matvec(preconditioner, r)
    gamma = _dot(r, p)
    i = constant(0)
    while i < max_iter and builtins.bool(reduce_any(norm(r, axis=-1) > tol)):
        z = matvec(operator, p)
        alpha = gamma / _dot(p, z)
        x = x + alpha[..., None] * p
        r = r - alpha[..., None] * z
        q = r if preconditioner is None else preconditioner.matvec(r)
        new_gamma = _dot(r, q)
        p = q + (new_gamma / gamma)[..., None] * p
        gamma = new_gamma
        i = i + 1
    return CGState(i, x, r, p, gamma)


