"""`tf.linalg.LinearOperator`: a (batch of) matrices known by what it does, not by its
entries.

An operator acts like a `[B1, ..., Bb, M, N]` tensor: `matmul`, `solve`,
`determinant`, `to_dense`... are computed from its structure (a diagonal, a
triangle, a product of operators) where that is cheaper than from the dense matrix,
with TF's dense fallbacks (and their log line) where it is not. Hints (`is_square`,
`is_non_singular`, `is_self_adjoint`, `is_positive_definite`) are the caller's
promises, checked for consistency as TF checks them.

Combining operators gives operators (`Diag @ Diag` is a `LinearOperatorDiag`, an
inverse a `LinearOperatorInversion` unless the class knows better): each class says
how in its `_linop_matmul`/`_linop_solve`/`_linop_inverse`/`_linop_adjoint`/
`_linop_cholesky`. The generic results are classes defined in later modules, which
register themselves here (`register_operator_class`) so that this module imports
none of them.

>>> import tftape_torch as tf
>>> op = tf.linalg.LinearOperatorFullMatrix([[2.0, 0.0], [1.0, 1.0]])
>>> op.shape, op.is_square
(TensorShape([2, 2]), True)
>>> print(op.matvec([1.0, 1.0]))
tf.Tensor([2. 2.], shape=(2,), dtype=float32)
>>> type(op @ op).__name__
'LinearOperatorComposition'
"""

from __future__ import annotations

import abc
import collections.abc
from typing import Any, Dict, List, Optional

import torch

from tftape_torch import debugging
from tftape_torch._array_ops import (
    constant,
    convert_to_tensor,
    expand_dims,
    eye,
    squeeze,
)
from tftape_torch._dtypes import as_dtype, dtype_repr
from tftape_torch._linalg_ops import (
    adjoint as matrix_adjoint,
)
from tftape_torch._linalg_ops import (
    cholesky,
    cholesky_solve,
    det,
    diag_part,
    eigvalsh,
    slogdet,
    svd,
)
from tftape_torch._linear_operator_util import (
    check_dimensions,
    matrix_solve_with_broadcast,
    non_singular_hint,
    square_hint,
    warn_default,
)
from tftape_torch._math_ops import abs as abs_
from tftape_torch._math_ops import (
    exp,
    log,
    reduce_max,
    reduce_min,
    reduce_sum,
)
from tftape_torch._module import Module
from tftape_torch._operator_dispatch import LinalgDispatchable
from tftape_torch._shape_ops import broadcast_to
from tftape_torch._tensor_shape import TensorShape

__all__ = ["LinearOperator", "operator_class", "register_operator_class"]

_CLASSES: Dict[str, Any] = {}


def register_operator_class(role: str, cls: Any) -> None:
    """Make `cls` the class this module builds for `role` ("adjoint", "inversion",
    "composition", "lower_triangular"), or recognises ("identity", "zeros")."""
    _CLASSES[role] = cls


def operator_class(role: str) -> Any:
    """The class registered for `role` (see `register_operator_class`)."""
    return _CLASSES[role]


def _is(operator: Any, role: str) -> bool:
    cls = _CLASSES.get(role)
    return cls is not None and isinstance(operator, cls)


class LinearOperator(Module, LinalgDispatchable, metaclass=abc.ABCMeta):
    """Base class defining a [batch of] linear operator[s].

    Subclasses implement `_shape` and `_matmul` (and, for speed, `_solve`,
    `_determinant`, `_to_dense`...); the public methods check arguments and hints and
    call them. An operator of shape `[B1, ..., Bb, M, N]` acts on tensors of shape
    `[B1, ..., Bb, N, R]` (batch dimensions broadcast).

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorDiag([1.0, 2.0])
    >>> op.batch_shape, op.domain_dimension, op.is_self_adjoint
    (TensorShape([]), 2, True)
    >>> print(op.solvevec([1.0, 1.0]))
    tf.Tensor([1.  0.5], shape=(2,), dtype=float32)

    Args:
      dtype: the dtype of the matrix the operator stands for.
      graph_parents: ignored (TF's deprecated argument).
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints, `None`
        when unknown.
      name: a name; the class name when `None`.
      parameters: the arguments the operator was built from (`parameters`).

    Raises:
      ValueError: for contradicting hints.
    """

    def __init__(
        self,
        dtype: Any,
        graph_parents: Any = None,
        is_non_singular: Optional[bool] = None,
        is_self_adjoint: Optional[bool] = None,
        is_positive_definite: Optional[bool] = None,
        is_square: Optional[bool] = None,
        name: Optional[str] = None,
        parameters: Optional[Dict[str, Any]] = None,
    ) -> None:
        if is_positive_definite:
            if is_non_singular is False:
                raise ValueError("A positive definite matrix is always non-singular.")
            is_non_singular = True
        if is_non_singular:
            if is_square is False:
                raise ValueError("A non-singular matrix is always square.")
            is_square = True
        if is_self_adjoint:
            if is_square is False:
                raise ValueError("A self-adjoint matrix is always square.")
            is_square = True
        self._is_square_set_or_implied_by_hints = is_square
        self._graph_parents: List[Any] = list(graph_parents or [])
        self._dtype = as_dtype(dtype) if dtype else dtype
        self._is_non_singular = is_non_singular
        self._is_self_adjoint = is_self_adjoint
        self._is_positive_definite = is_positive_definite
        self._parameters = dict(parameters) if parameters is not None else {}
        self._name = name or type(self).__name__

    # -- Descriptions ------------------------------------------------------------

    @property
    def parameters(self) -> Dict[str, Any]:
        """The arguments this operator was built from (a copy)."""
        return dict(self._parameters)

    @property
    def dtype(self) -> Any:
        """The dtype of the matrix this operator stands for."""
        return self._dtype

    @property
    def name(self) -> str:
        """The operator's name."""
        return self._name

    @property
    def is_non_singular(self) -> Optional[bool]:
        return self._is_non_singular

    @property
    def is_self_adjoint(self) -> Optional[bool]:
        return self._is_self_adjoint

    @property
    def is_positive_definite(self) -> Optional[bool]:
        return self._is_positive_definite

    @property
    def is_square(self) -> Optional[bool]:
        """True when the operator's matrices are square (from the hint or the shape).

        Raises:
          ValueError: when the hint said not square and the shape is square.
        """
        auto = self.domain_dimension == self.range_dimension
        if self._is_square_set_or_implied_by_hints is False and auto:
            raise ValueError("User set is_square hint to False, but the operator was square.")
        if self._is_square_set_or_implied_by_hints is None:
            return auto
        return self._is_square_set_or_implied_by_hints

    # -- Shapes --------------------------------------------------------------------

    @abc.abstractmethod
    def _shape(self) -> TensorShape:
        raise NotImplementedError("_shape is not implemented.")

    @property
    def shape(self) -> TensorShape:
        """The `TensorShape` of the operator: `batch_shape + [M, N]`."""
        return self._shape()

    def _shape_tensor(self) -> torch.Tensor:
        raise NotImplementedError("_shape_tensor is not implemented.")

    def shape_tensor(self, name: str = "shape_tensor") -> torch.Tensor:
        """The shape as a 1-D `int32` tensor."""
        if self.shape.is_fully_defined():
            return _shape_constant(self.shape.as_list())
        return self._shape_tensor()

    @property
    def batch_shape(self) -> TensorShape:
        """The batch dimensions `[B1, ..., Bb]`."""
        return self.shape[:-2]

    def batch_shape_tensor(self, name: str = "batch_shape_tensor") -> torch.Tensor:
        """The batch dimensions as a 1-D `int32` tensor."""
        return self._batch_shape_tensor()

    def _batch_shape_tensor(self, shape: Any = None) -> torch.Tensor:
        if self.batch_shape.is_fully_defined():
            return _shape_constant(self.batch_shape.as_list())
        full = self.shape_tensor() if shape is None else shape
        return full[:-2]

    @property
    def tensor_rank(self) -> Optional[int]:
        """The rank of the tensor the operator stands for: `b + 2`."""
        return self.shape.ndims

    def tensor_rank_tensor(self, name: str = "tensor_rank_tensor") -> torch.Tensor:
        """`tensor_rank` as an `int32` scalar tensor."""
        return convert_to_tensor(self.tensor_rank)

    @property
    def domain_dimension(self) -> Optional[int]:
        """`N`, the size of the vectors the operator acts on."""
        if self.shape.rank is None:
            return None
        return self.shape[-1]

    def domain_dimension_tensor(self, name: str = "domain_dimension_tensor") -> torch.Tensor:
        """`domain_dimension` as an `int32` scalar tensor."""
        dim = self.domain_dimension
        return convert_to_tensor(dim) if dim is not None else self.shape_tensor()[-1]

    @property
    def range_dimension(self) -> Optional[int]:
        """`M`, the size of the vectors the operator produces."""
        if self.shape.rank:
            return self.shape[-2]
        return None

    def range_dimension_tensor(self, name: str = "range_dimension_tensor") -> torch.Tensor:
        """`range_dimension` as an `int32` scalar tensor."""
        dim = self.range_dimension
        return convert_to_tensor(dim) if dim is not None else self.shape_tensor()[-2]

    # -- Assertions ------------------------------------------------------------------

    def _max_condition_number_to_be_non_singular(self) -> torch.Tensor:
        """The condition number beyond which a matrix counts as singular: one over
        `max(100, M, N)` machine epsilons."""
        real = self.dtype.to_real()
        size = constant(max(100, self.range_dimension or 0, self.domain_dimension or 0),
                        dtype=real)
        return 1.0 / (size * torch.finfo(real).eps)

    def _assert_non_singular(self) -> Any:
        warn_default("assert_non_singular")
        if self._can_use_cholesky():
            return self.assert_positive_definite()
        values = svd(self.to_dense(), compute_uv=False)
        cond = reduce_max(values, axis=-1) / reduce_min(values, axis=-1)
        return debugging.assert_less(
            cond, self._max_condition_number_to_be_non_singular(),
            message="Singular matrix up to precision epsilon.")

    def assert_non_singular(self, name: str = "assert_non_singular") -> Any:
        """Checks that the operator is not singular (`InvalidArgumentError` if it is)."""
        return self._assert_non_singular()

    def _assert_positive_definite(self) -> Any:
        warn_default("assert_positive_definite")
        if self.is_self_adjoint:
            return debugging.assert_positive(
                diag_part(cholesky(self.to_dense())),
                message="Matrix was not positive definite.")
        raise NotImplementedError("assert_positive_definite is not implemented.")

    def assert_positive_definite(self, name: str = "assert_positive_definite") -> Any:
        """Checks that the operator is positive definite."""
        return self._assert_positive_definite()

    def _assert_self_adjoint(self) -> Any:
        dense = self.to_dense()
        warn_default("assert_self_adjoint", dense=False)
        return debugging.assert_equal(
            dense, matrix_adjoint(dense), message="Matrix was not equal to its adjoint.")

    def assert_self_adjoint(self, name: str = "assert_self_adjoint") -> Any:
        """Checks that the operator equals its adjoint."""
        return self._assert_self_adjoint()

    def _check_input_dtype(self, arg: Any) -> None:
        if arg.dtype != self.dtype:
            raise TypeError(
                f"Expected argument to have dtype {dtype_repr(self.dtype)}.  Found: "
                f"{dtype_repr(arg.dtype)} in tensor {arg!s}"
            )

    # -- Products --------------------------------------------------------------------

    @abc.abstractmethod
    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        raise NotImplementedError("_matmul is not implemented.")

    def matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False,
               name: str = "matmul") -> Any:
        """`self @ x` (or with `self`'s / `x`'s adjoint): a tensor, or an operator when
        `x` is one.

        Raises:
          ValueError: for incompatible dimensions.
          TypeError: for an argument of another dtype.
        """
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            _check_operators_fit(left, right, "x")
            return self._linop_matmul(left, right)
        x = convert_to_tensor(x)
        self._check_input_dtype(x)
        check_dimensions(self.shape[-2 if adjoint else -1],
                         x.shape[-1 if adjoint_arg else -2])
        return self._matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        if _is(right_operator, "identity"):
            return left_operator
        if _is(right_operator, "zeros"):
            if not right_operator.is_square or not left_operator.is_square:
                raise ValueError(
                    "Matmul with non-square `LinearOperator`s or non-square "
                    "`LinearOperatorZeros` not supported at this time.")
            return right_operator
        return _composed([left_operator, right_operator], left_operator, right_operator)

    def __matmul__(self, other: Any) -> Any:
        return self.matmul(other)

    def _matvec(self, x: Any, adjoint: bool = False) -> Any:
        return squeeze(self.matmul(expand_dims(x, -1), adjoint=adjoint), -1)

    def matvec(self, x: Any, adjoint: bool = False, name: str = "matvec") -> Any:
        """`self @ x` for a [batch of] vector[s] `x` (of shape `[..., N]`)."""
        x = convert_to_tensor(x)
        self._check_input_dtype(x)
        check_dimensions(self.shape[-2 if adjoint else -1], x.shape[-1])
        return self._matvec(x, adjoint=adjoint)

    # -- Determinants -------------------------------------------------------------

    def _determinant(self) -> Any:
        warn_default("determinant")
        if self._can_use_cholesky():
            return exp(self.log_abs_determinant())
        return det(self.to_dense())

    def determinant(self, name: str = "det") -> Any:
        """The determinant of each matrix of the batch.

        Raises:
          NotImplementedError: for an operator hinted not square.
        """
        self._square_for("Determinant")
        return self._determinant()

    def _log_abs_determinant(self) -> Any:
        warn_default("determinant")
        if self._can_use_cholesky():
            chol_diag = diag_part(cholesky(self.to_dense()))
            return 2 * reduce_sum(log(chol_diag), axis=[-1])
        return slogdet(self.to_dense())[1]

    def log_abs_determinant(self, name: str = "log_abs_det") -> Any:
        """`log|det|` of each matrix of the batch."""
        self._square_for("Determinant")
        return self._log_abs_determinant()

    def _square_for(self, what: str) -> None:
        if self.is_square is False:
            raise NotImplementedError(
                f"{what} not implemented for an operator that is expected to not be square.")

    # -- Solves ----------------------------------------------------------------------

    def _dense_solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        """Solve through the dense matrix (Cholesky when the hints allow)."""
        if self.is_square is False:
            raise NotImplementedError("Solve is not yet implemented for non-square operators.")
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        if self._can_use_cholesky():
            return cholesky_solve(cholesky(self.to_dense()), rhs)
        return matrix_solve_with_broadcast(self.to_dense(), rhs, adjoint=adjoint)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        warn_default("solve")
        return self._dense_solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False,
              name: str = "solve") -> Any:
        """`X` with `self @ X = rhs` (or `self^H @ X`, or `= rhs^H`); an operator when
        `rhs` is one.

        Raises:
          NotImplementedError: for an operator hinted singular or not square.
        """
        if self.is_non_singular is False:
            raise NotImplementedError(
                "Exact solve not implemented for an operator that is expected to be singular.")
        self._square_for("Exact solve")
        if isinstance(rhs, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = rhs.adjoint() if adjoint_arg else rhs
            _check_operators_fit(left, right, "rhs")
            return self._linop_solve(left, right)
        rhs = convert_to_tensor(rhs)
        self._check_input_dtype(rhs)
        check_dimensions(self.shape[-1 if adjoint else -2],
                         rhs.shape[-1 if adjoint_arg else -2])
        return self._solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _linop_solve(self, left_operator: LinearOperator,
                     right_operator: LinearOperator) -> LinearOperator:
        if _is(right_operator, "identity"):
            return left_operator.inverse()
        inverse = operator_class("inversion")(left_operator)
        return _composed([inverse, right_operator], left_operator, right_operator)

    def _solvevec(self, rhs: Any, adjoint: bool = False) -> Any:
        return squeeze(self.solve(expand_dims(rhs, -1), adjoint=adjoint), -1)

    def solvevec(self, rhs: Any, adjoint: bool = False, name: str = "solve") -> Any:
        """`x` with `self @ x = rhs` for a [batch of] vector[s] `rhs`."""
        rhs = convert_to_tensor(rhs)
        self._check_input_dtype(rhs)
        check_dimensions(self.shape[-1 if adjoint else -2], rhs.shape[-1])
        return self._solvevec(rhs, adjoint=adjoint)

    # -- Derived operators -------------------------------------------------------

    def adjoint(self, name: str = "adjoint") -> LinearOperator:
        """The adjoint (conjugate transpose) operator; `self` when self-adjoint."""
        if self.is_self_adjoint is True:
            return self
        return self._linop_adjoint()

    H = property(adjoint, None)

    def _linop_adjoint(self) -> LinearOperator:
        return operator_class("adjoint")(
            self,
            is_non_singular=self.is_non_singular,
            is_self_adjoint=self.is_self_adjoint,
            is_positive_definite=self.is_positive_definite,
            is_square=self.is_square)

    def inverse(self, name: str = "inverse") -> LinearOperator:
        """The inverse operator.

        Raises:
          ValueError: for an operator hinted singular or not square.
        """
        if self.is_square is False:
            raise ValueError(
                "Cannot take the Inverse: This operator represents a non square matrix.")
        if self.is_non_singular is False:
            raise ValueError(
                "Cannot take the Inverse: This operator represents a singular matrix.")
        return self._linop_inverse()

    def _linop_inverse(self) -> LinearOperator:
        return operator_class("inversion")(
            self,
            is_non_singular=self.is_non_singular,
            is_self_adjoint=self.is_self_adjoint,
            is_positive_definite=self.is_positive_definite,
            is_square=self.is_square)

    def cholesky(self, name: str = "cholesky") -> LinearOperator:
        """The lower-triangular Cholesky factor, as an operator.

        Raises:
          ValueError: unless hinted self-adjoint and positive definite.
        """
        if not self._can_use_cholesky():
            raise ValueError("Cannot take the Cholesky decomposition: "
                             "Not a positive definite self adjoint matrix.")
        return self._linop_cholesky()

    def _linop_cholesky(self) -> LinearOperator:
        return operator_class("lower_triangular")(
            cholesky(self.to_dense()), is_non_singular=True, is_self_adjoint=False,
            is_square=True)

    # -- Dense views ---------------------------------------------------------------

    def _to_dense(self) -> Any:
        n = int(self.domain_dimension or 0)
        identity = eye(n, batch_shape=self.batch_shape.as_list(), dtype=self.dtype)
        return self.matmul(identity)

    def to_dense(self, name: str = "to_dense") -> Any:
        """The dense `[..., M, N]` tensor the operator stands for."""
        return self._to_dense()

    def _diag_part(self) -> Any:
        return diag_part(self.to_dense())

    def diag_part(self, name: str = "diag_part") -> Any:
        """The main diagonal of each matrix, shape `[..., min(M, N)]`."""
        return self._diag_part()

    def _trace(self) -> Any:
        return reduce_sum(self.diag_part(), axis=-1)

    def trace(self, name: str = "trace") -> Any:
        """The trace of each matrix of the batch."""
        return self._trace()

    def _add_to_tensor(self, x: Any) -> Any:
        return self.to_dense() + x

    def add_to_tensor(self, x: Any, name: str = "add_to_tensor") -> Any:
        """`to_dense() + x`."""
        x = convert_to_tensor(x)
        self._check_input_dtype(x)
        return self._add_to_tensor(x)

    def _eigvals(self) -> Any:
        return eigvalsh(self.to_dense())

    def eigvals(self, name: str = "eigvals") -> Any:
        """The eigenvalues of a self-adjoint operator.

        Raises:
          NotImplementedError: unless the operator is hinted self-adjoint.
        """
        if not self.is_self_adjoint:
            raise NotImplementedError("Only self-adjoint matrices are supported.")
        return self._eigvals()

    def _cond(self) -> Any:
        if not self.is_self_adjoint:
            values = svd(self.to_dense(), compute_uv=False)
        else:
            values = abs_(self._eigvals())
        return reduce_max(values, axis=-1) / reduce_min(values, axis=-1)

    def cond(self, name: str = "cond") -> Any:
        """The condition number (largest over smallest singular value)."""
        return self._cond()

    def _can_use_cholesky(self) -> Optional[bool]:
        return self.is_self_adjoint and self.is_positive_definite

    # -- Batch slicing ---------------------------------------------------------------

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {}

    def __getitem__(self, slices: Any) -> LinearOperator:
        if not isinstance(slices, collections.abc.Sequence):
            slices = (slices,)
        slices = tuple(slices)
        overrides: Dict[str, Any] = {}
        if not (len(slices) == 1 and slices[0] is Ellipsis):
            batch = list(self.batch_shape)
            for key, ndims in self._experimental_parameter_ndims_to_matrix_ndims.items():
                param = getattr(self, key)
                if param is None:
                    continue
                if isinstance(param, (list, tuple)):
                    overrides[key] = type(param)(
                        _slice_parameter(p, n, slices, batch) for p, n in zip(param, ndims))
                else:
                    overrides[key] = _slice_parameter(param, ndims, slices, batch)
        return type(self)(**dict(self.parameters, **overrides))


def _shape_constant(dims: List[Any]) -> torch.Tensor:
    return constant(dims, dtype=torch.int32)


def _check_operators_fit(left: LinearOperator, right: LinearOperator, what: str) -> None:
    rows, cols = right.range_dimension, left.domain_dimension
    if rows is not None and cols is not None and rows != cols:
        raise ValueError(
            f"Operators are incompatible. Expected `{what}` to have dimension {cols} but "
            f"got {rows}.")


def _composed(operators: List[LinearOperator], left: LinearOperator,
              right: LinearOperator) -> LinearOperator:
    """The generic product of two operators, with TF's hints for it."""
    is_square = square_hint(left, right)
    is_non_singular = is_self_adjoint = is_positive_definite = None
    if is_square:
        is_non_singular = non_singular_hint(left, right)
    elif is_square is False:
        is_non_singular = is_self_adjoint = is_positive_definite = False
    return operator_class("composition")(
        operators=operators, is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
        is_positive_definite=is_positive_definite, is_square=is_square)


# -- Batch slicing of one parameter (TF's `slicing.batch_slice`) ---------------------


def _param_batch(param: Any, ndims: int) -> List[int]:
    if isinstance(param, LinearOperator):
        return list(param.batch_shape)
    dims = list(param.shape)
    return dims[: len(dims) - ndims]


def _broadcast_param(param: Any, ndims: int, batch: List[int]) -> Any:
    """`param` with its batch dimensions broadcast against `batch` (ones here)."""
    if isinstance(param, LinearOperator):
        overrides = {}
        for key, sub_ndims in param._experimental_parameter_ndims_to_matrix_ndims.items():
            sub = getattr(param, key)
            if isinstance(sub, (list, tuple)):
                overrides[key] = type(sub)(
                    _broadcast_param(s, n, batch) for s, n in zip(sub, sub_ndims))
            elif sub is not None:
                overrides[key] = _broadcast_param(sub, sub_ndims, batch)
        return type(param)(**dict(param.parameters, **overrides))
    dims = list(param.shape)
    base = batch + [1] * ndims
    rank = max(len(base), len(dims))
    base = [1] * (rank - len(base)) + base
    full = [1] * (rank - len(dims)) + dims
    target = [max(a, b) for a, b in zip(base, full)]
    return param if target == dims else broadcast_to(param, target)


def _slice_parameter(param: Any, ndims: int, slices: Any, batch: List[int]) -> Any:
    param = _broadcast_param(param, ndims, [1] * len(batch))
    param_batch = _param_batch(param, ndims)
    if batch and not param_batch:
        return param
    sanitized: List[Any] = []
    idx = 0
    for item in slices:
        if item is Ellipsis:
            if idx < 0:
                raise ValueError(f"Found multiple `...` in slices {slices}")
            after = slices[list(slices).index(Ellipsis) + 1:]
            idx = -sum(s is not None for s in after)
        elif item is None:
            pass
        else:
            broadcast = batch[idx] > param_batch[idx]
            if isinstance(item, slice):
                start, stop, step = item.start, item.stop, item.step
                item = slice(None if start is None else (0 if broadcast else start),
                             None if stop is None else (1 if broadcast else stop),
                             None if step is None else (1 if broadcast else step))
            else:
                item = 0 if broadcast else item
            idx += 1
        sanitized.append(item)
    if ndims > 0:
        if Ellipsis not in [s for s in slices if not isinstance(s, torch.Tensor)]:
            sanitized.append(Ellipsis)
        sanitized += [slice(None)] * ndims
    return param[tuple(sanitized)]
