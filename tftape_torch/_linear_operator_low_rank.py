"""`tf.linalg.LinearOperatorLowRankUpdate`: a base operator plus a low-rank term,
`A = L + U D V^H`.

`L` is any `LinearOperator` of shape `[..., M, N]`, `U` and `V` are `[..., M, K]` and
`[..., N, K]` tensors with `K` small, `D` a `K x K` diagonal (the identity when no
`diag_update` is given). The update is never added up: products apply the three
factors in turn, the determinant comes from the matrix determinant lemma and solves
from the Woodbury identity, both through the `K x K` "capacitance" matrix
`C = D^{-1} + V^H L^{-1} U`, factored by Cholesky when `L` is self-adjoint positive
definite, `D` positive and `V = U`.

>>> import tftape_torch as tf
>>> base = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0], is_positive_definite=True)
>>> op = tf.linalg.LinearOperatorLowRankUpdate(base, u=[[1.0], [0.0], [1.0]])
>>> op.is_self_adjoint, op.is_positive_definite
(True, True)
>>> print(op.to_dense())
tf.Tensor(
[[2. 0. 1.]
 [0. 2. 0.]
 [1. 0. 4.]], shape=(3, 3), dtype=float32)
>>> print(op.solvevec([3.0, 2.0, 5.0]))
tf.Tensor([1. 1. 1.], shape=(3,), dtype=float32)
>>> round(float(op.determinant()), 4)
14.0
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from tftape_torch._array_ops import cast, convert_to_tensor, expand_dims
from tftape_torch._complex_ops import conj
from tftape_torch._linalg_ops import cholesky, cholesky_solve, det, diag_part
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_basic import LinearOperatorDiag
from tftape_torch._linear_operator_identity import LinearOperatorIdentity
from tftape_torch._linear_operator_util import (
    as_parameter,
    check_dimensions,
    matrix_solve_with_broadcast,
)
from tftape_torch._math_ops import abs as abs_
from tftape_torch._math_ops import exp, log, matmul, reduce_sum
from tftape_torch._shape_ops import broadcast_static_shape
from tftape_torch._tensor_shape import TensorShape

__all__ = ["LinearOperatorLowRankUpdate"]


class LinearOperatorLowRankUpdate(LinearOperator):
    """`LinearOperator` acting like `L + U D V^H`: a [batch] base operator `L` plus a
    low-rank update.

    >>> import tftape_torch as tf
    >>> base = tf.linalg.LinearOperatorIdentity(2)
    >>> op = tf.linalg.LinearOperatorLowRankUpdate(
    ...     base, u=[[1.0], [1.0]], diag_update=[2.0], is_diag_update_positive=True)
    >>> print(op.solvevec([5.0, 5.0]))
    tf.Tensor([1. 1.], shape=(2,), dtype=float32)

    Args:
      base_operator: the `LinearOperator` `L`, shape `[B1, ..., Bb, M, N]`.
      u: a tensor of shape `[B1, ..., Bb, M, K]`, of `L`'s dtype.
      diag_update: optional tensor of shape `[B1, ..., Bb, K]`, the diagonal of `D`
        (the identity when `None`).
      v: optional tensor of shape `[B1, ..., Bb, N, K]`; `u` when `None`.
      is_diag_update_positive: whether every entry of `diag_update` is positive.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name.

    Raises:
      ValueError: for shapes that do not fit, or hints the structure contradicts.
    """

    def __init__(self, base_operator: LinearOperator, u: Any, diag_update: Any = None,
                 v: Any = None, is_diag_update_positive: Optional[bool] = None,
                 is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorLowRankUpdate") -> None:
        parameters = dict(base_operator=base_operator, u=u, diag_update=diag_update, v=v,
                          is_diag_update_positive=is_diag_update_positive,
                          is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        dtype = base_operator.dtype
        if diag_update is not None:
            if is_diag_update_positive and dtype.is_complex:
                logging.getLogger("tensorflow").warning(
                    "Note: setting is_diag_update_positive with a complex dtype means that "
                    "diagonal is real and positive.")
        if diag_update is None:
            if is_diag_update_positive is False:
                raise ValueError(
                    "Default diagonal is the identity, which is positive.  However, user set "
                    "'is_diag_update_positive' to False.")
            is_diag_update_positive = True
        self._use_cholesky = bool(
            base_operator.is_positive_definite and base_operator.is_self_adjoint
            and is_diag_update_positive and v is None)
        if base_operator.is_self_adjoint and v is None and not dtype.is_complex:
            if is_self_adjoint is False:
                raise ValueError(
                    "A = L + UDU^H, with L self-adjoint and D real diagonal.  Since UDU^H is "
                    "self-adjoint, this must be a self-adjoint operator.")
            is_self_adjoint = True
        if self._use_cholesky:
            if (is_positive_definite is False or is_self_adjoint is False
                    or is_non_singular is False):
                raise ValueError(
                    "Arguments imply this is self-adjoint positive-definite operator.")
            is_positive_definite = True
            is_self_adjoint = True
        self._u = as_parameter(u)
        self._v = self._u if v is None else as_parameter(v)
        self._diag_update = None if diag_update is None else as_parameter(diag_update)
        self._base_operator = base_operator
        super().__init__(dtype=dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)
        self._diag_operator: LinearOperator
        if self._diag_update is not None:
            self._diag_operator = LinearOperatorDiag(
                self._diag_update, is_positive_definite=is_diag_update_positive)
        else:
            self._diag_operator = LinearOperatorIdentity(
                num_rows=int(self._u.shape[-1]), dtype=self.dtype)
        self._is_diag_update_positive = is_diag_update_positive
        self._check_shapes()

    def _check_shapes(self) -> None:
        uv_shape = broadcast_static_shape(TensorShape(self.u.shape), TensorShape(self.v.shape))
        batch = broadcast_static_shape(self.base_operator.batch_shape, uv_shape[:-2])
        check_dimensions(self.base_operator.domain_dimension, uv_shape[-2])
        if self._diag_update is not None:
            check_dimensions(uv_shape[-1], self._diag_update.shape[-1])
            broadcast_static_shape(batch, TensorShape(self._diag_update.shape[:-1]))

    @property
    def u(self) -> Any:
        """`U`, the tensor the update is built from on the left."""
        return self._u

    @property
    def v(self) -> Any:
        """`V`, the tensor on the right (`u` itself when none was given)."""
        return self._v

    @property
    def is_diag_update_positive(self) -> Optional[bool]:
        """Whether the diagonal of `D` is known to be positive."""
        return self._is_diag_update_positive

    @property
    def diag_update(self) -> Any:
        """The diagonal of `D` as given (`None` for the identity)."""
        return self._diag_update

    @property
    def diag_operator(self) -> LinearOperator:
        """`D` as an operator (a `LinearOperatorDiag` or `LinearOperatorIdentity`)."""
        return self._diag_operator

    @property
    def base_operator(self) -> LinearOperator:
        """`L`, the operator being updated."""
        return self._base_operator

    def _assert_self_adjoint(self) -> Any:
        if self.u is self.v and self.diag_update is None:
            return self.base_operator.assert_self_adjoint()
        # TF defers to the public method, which comes back here (a RecursionError).
        return super().assert_self_adjoint()

    def _shape(self) -> TensorShape:
        batch = broadcast_static_shape(self.base_operator.batch_shape,
                                       self.diag_operator.batch_shape)
        batch = broadcast_static_shape(batch, TensorShape(self.u.shape[:-2]))
        batch = broadcast_static_shape(batch, TensorShape(self.v.shape[:-2]))
        return TensorShape(list(batch) + list(self.base_operator.shape[-2:]))

    def _get_uv_as_tensors(self) -> Any:
        u = convert_to_tensor(self.u)
        v = u if self.v is self.u else convert_to_tensor(self.v)
        return u, v

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        u, v = self._get_uv_as_tensors()
        leading_term = self.base_operator.matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)
        if adjoint:
            uh_x = matmul(u, x, adjoint_a=True, adjoint_b=adjoint_arg)
            d_uh_x = self.diag_operator.matmul(uh_x, adjoint=adjoint)
            return leading_term + matmul(v, d_uh_x)
        vh_x = matmul(v, x, adjoint_a=True, adjoint_b=adjoint_arg)
        d_vh_x = self.diag_operator.matmul(vh_x, adjoint=adjoint)
        return leading_term + matmul(u, d_vh_x)

    def _make_capacitance(self, u: Any, v: Any) -> Any:
        """`C = D^{-1} + V^H L^{-1} U`."""
        vh_linv_u = matmul(v, self.base_operator.solve(u), adjoint_a=True)
        return self._diag_operator.inverse().add_to_tensor(vh_linv_u)

    def _determinant(self) -> Any:
        if self.is_positive_definite:
            return exp(self.log_abs_determinant())
        u, v = self._get_uv_as_tensors()
        det_c = det(self._make_capacitance(u=u, v=v))
        return det_c * self.diag_operator.determinant() * self.base_operator.determinant()

    def _diag_part(self) -> Any:
        u, v = self._get_uv_as_tensors()
        product = u * conj(v)
        if self.diag_update is not None:
            product = product * expand_dims(self.diag_update, -2)
        return reduce_sum(product, axis=-1) + self.base_operator.diag_part()

    def _log_abs_determinant(self) -> Any:
        u, v = self._get_uv_as_tensors()
        log_abs_det_d = self.diag_operator.log_abs_determinant()
        log_abs_det_l = self.base_operator.log_abs_determinant()
        if self._use_cholesky:
            chol_cap_diag = diag_part(cholesky(self._make_capacitance(u=u, v=v)))
            log_abs_det_c = 2 * reduce_sum(log(chol_cap_diag), axis=[-1])
        else:
            det_c = det(self._make_capacitance(u=u, v=v))
            log_abs_det_c = log(abs_(det_c))
            if self.dtype.is_complex:
                log_abs_det_c = cast(log_abs_det_c, self.dtype)
        return log_abs_det_c + log_abs_det_d + log_abs_det_l

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        if self.base_operator.is_non_singular is False:
            raise ValueError("Solve not implemented unless this is a perturbation of a "
                             "non-singular LinearOperator.")
        base = self.base_operator
        if adjoint:
            v, u = self._get_uv_as_tensors()
            capacitance = self._make_capacitance(u=v, v=u)
        else:
            u, v = self._get_uv_as_tensors()
            capacitance = self._make_capacitance(u=u, v=v)
        linv_rhs = base.solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)
        vh_linv_rhs = matmul(v, linv_rhs, adjoint_a=True)
        if self._use_cholesky:
            capinv_vh_linv_rhs = cholesky_solve(cholesky(capacitance), vh_linv_rhs)
        else:
            capinv_vh_linv_rhs = matrix_solve_with_broadcast(capacitance, vh_linv_rhs,
                                                             adjoint=adjoint)
        u_capinv_vh_linv_rhs = matmul(u, capinv_vh_linv_rhs)
        return linv_rhs - base.solve(u_capinv_vh_linv_rhs, adjoint=adjoint)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"base_operator": 0, "u": 2, "diag_update": 1, "v": 2}
