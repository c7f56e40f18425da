"""The block operators: `tf.linalg.LinearOperatorBlockDiag` (operators along the
diagonal, zeros elsewhere) and `LinearOperatorBlockLowerTriangular` (operators on and
below the diagonal).

Both act block by block: the argument of `matmul` or `solve` is split along its rows
into one piece per block column (or given as that list of pieces, which gives back a
list), each block acts on its piece, and the pieces of the result are concatenated.
A block-lower-triangular solve is a forward (or, for the adjoint, backward)
substitution over the blocks; determinants are the products of the diagonal blocks'.

>>> import tftape_torch as tf
>>> a = tf.linalg.LinearOperatorFullMatrix([[2.0, 1.0], [0.0, 3.0]])
>>> b = tf.linalg.LinearOperatorDiag([4.0])
>>> op = tf.linalg.LinearOperatorBlockDiag([a, b])
>>> op.shape, op.name
(TensorShape([3, 3]), 'LinearOperatorFullMatrix_ds_LinearOperatorDiag')
>>> print(op.matvec([1.0, 1.0, 1.0]))
tf.Tensor([3. 3. 4.], shape=(3,), dtype=float32)
>>> print(op.determinant())
tf.Tensor(24.0, shape=(), dtype=float32)
>>> [t.shape for t in op.matvec([[1.0, 1.0], [1.0]])]
[TensorShape([2]), TensorShape([1])]
"""

from __future__ import annotations

import functools
from typing import Any, Dict, List, Optional

from tftape_torch import debugging
from tftape_torch._array_ops import (
    cast,
    concat,
    convert_to_tensor,
    expand_dims,
    squeeze,
    zeros,
)
from tftape_torch._dtypes import dtype_name, dtype_repr
from tftape_torch._linalg_ops import adjoint as matrix_adjoint
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_addition import ADDABLE, add_operators
from tftape_torch._linear_operator_basic import (
    LinearOperatorFullMatrix,
)
from tftape_torch._linear_operator_identity import (
    LinearOperatorScaledIdentity,
)
from tftape_torch._linear_operator_util import (
    DerivedFromEach,
    broadcast_matrix_batch_dims,
    check_dimensions,
    each_operator_hint,
    non_singular_hint,
    operator_list,
)
from tftape_torch._math_ops import exp
from tftape_torch._shape_ops import broadcast_static_shape, split
from tftape_torch._tensor_shape import TensorShape

__all__ = ["LinearOperatorBlockDiag", "LinearOperatorBlockLowerTriangular", "arg_is_blockwise"]


def arg_is_blockwise(block_dimensions: List[Optional[int]], arg: Any,
                     arg_split_dim: int) -> bool:
    """True when `arg` is a list (or tuple) of one piece per block rather than one
    tensor, read as TF reads it.

    Raises:
      ValueError: for nested pieces whose sizes match neither reading.
    """
    if not (isinstance(arg, (tuple, list)) and len(arg) == len(block_dimensions)):
        return False
    if not any(isinstance(x, (tuple, list, dict)) for x in arg):
        return True
    arg_dims = [convert_to_tensor(x).shape[arg_split_dim] for x in arg]
    if all(d is None for d in block_dimensions):
        if len(arg_dims) == 1:
            return False
        if any(d != arg_dims[0] for d in arg_dims):
            return True
        raise ValueError("Parsing of the input structure is ambiguous. Please input a "
                         "blockwise iterable of `Tensor`s or a single `Tensor`.")
    if all(d == a or d is None for d, a in zip(block_dimensions, arg_dims)):
        return True
    total = sum(d for d in block_dimensions if d is not None)
    if all(a == arg_dims[0] for a in arg_dims) and arg_dims[0] >= total:
        return False
    raise ValueError("Input dimension does not match operator dimension.")


def _check_agree(right: LinearOperator, left: LinearOperator, message: str) -> None:
    if (right.range_dimension is not None and left.domain_dimension is not None
            and right.range_dimension != left.domain_dimension):
        raise ValueError(message)


class _BlockOperator(LinearOperator):
    """What the block operators share: the diagonal blocks' sizes, the checks of a
    blockwise argument, and the vector forms of `matmul` and `solve`."""

    _diagonal_operators: List[LinearOperator]

    def _block_range_dimensions(self) -> List[Optional[int]]:
        return [op.range_dimension for op in self._diagonal_operators]

    def _block_domain_dimensions(self) -> List[Optional[int]]:
        return [op.domain_dimension for op in self._diagonal_operators]

    def _checked_blocks(self, blocks: Any, dims: List[Optional[int]], arg_dim: int
                        ) -> List[Any]:
        """The pieces of a blockwise argument as tensors, each checked; like TF, a list
        argument is updated in place and a tuple is refused.

        Raises:
          TypeError: for a tuple argument (TF assigns into it).
        """
        for i, block in enumerate(blocks):
            if not isinstance(block, LinearOperator):
                block = convert_to_tensor(block)
                self._check_input_dtype(block)
                check_dimensions(dims[i], block.shape[arg_dim])
                if isinstance(blocks, tuple):
                    raise TypeError("'tuple' object does not support item assignment")
                blocks[i] = block
        return list(blocks)

    def _checked_tensor(self, x: Any, dim: Optional[int], arg_dim: int) -> Any:
        x = convert_to_tensor(x)
        self._check_input_dtype(x)
        check_dimensions(dim, x.shape[arg_dim])
        return x

    def _checked_matmul_arg(self, x: Any, adjoint: bool, adjoint_arg: bool) -> Any:
        """`x` checked: a list of tensors when blockwise, else one tensor."""
        arg_dim = -1 if adjoint_arg else -2
        dims = self._block_range_dimensions() if adjoint else self._block_domain_dimensions()
        if arg_is_blockwise(dims, x, arg_dim):
            return self._checked_blocks(x, dims, arg_dim)
        return self._checked_tensor(
            x, self.range_dimension if adjoint else self.domain_dimension, arg_dim)

    def _checked_solve_arg(self, rhs: Any, adjoint: bool, adjoint_arg: bool) -> Any:
        """`(blockwise, rhs)` with `rhs` checked (a list of tensors when blockwise)."""
        dims = self._block_domain_dimensions() if adjoint else self._block_range_dimensions()
        arg_dim = -1 if adjoint_arg else -2
        if arg_is_blockwise(dims, rhs, arg_dim):
            return True, self._checked_blocks(rhs, dims, arg_dim)
        return False, self._checked_tensor(
            rhs, self.domain_dimension if adjoint else self.range_dimension, arg_dim)

    def _split(self, x: Any, axis: int, dims: Optional[List[Optional[int]]] = None
               ) -> List[Any]:
        """`x` split along `axis` into one piece per block (of the blocks' domain sizes
        unless `dims` says otherwise)."""
        if dims is None:
            dims = self._block_domain_dimensions()
        return split(x, [int(d or 0) for d in dims], axis=axis)

    def _concat(self, pieces: List[Any]) -> Any:
        return concat(broadcast_matrix_batch_dims(pieces), axis=-2)

    def _column_diagonal(self, values: List[Any]) -> Any:
        """Per-block vectors (diagonals, eigenvalues) broadcast and concatenated."""
        columns = broadcast_matrix_batch_dims([expand_dims(v, -1) for v in values])
        return squeeze(concat(columns, axis=-2), -1)

    def matvec(self, x: Any, adjoint: bool = False, name: str = "matvec") -> Any:
        """`self @ x` for a [batch of] vector[s] `x`, or a list of one vector per block
        (which gives a list)."""
        dims = self._block_range_dimensions() if adjoint else self._block_domain_dimensions()
        if arg_is_blockwise(dims, x, -1):
            blocks = self._checked_blocks(x, dims, -1)
            result = self.matmul([expand_dims(b, -1) for b in blocks], adjoint=adjoint)
            return [squeeze(y, -1) for y in result]
        x = self._checked_tensor(x, self.range_dimension if adjoint else self.domain_dimension,
                                 -1)
        return squeeze(self.matmul(expand_dims(x, -1), adjoint=adjoint), -1)

    def solvevec(self, rhs: Any, adjoint: bool = False, name: str = "solve") -> Any:
        """`x` with `self @ x = rhs` for a [batch of] vector[s] `rhs`, or a list of one
        vector per block (which gives a list)."""
        dims = self._block_domain_dimensions() if adjoint else self._block_range_dimensions()
        if arg_is_blockwise(dims, rhs, -1):
            blocks = self._checked_blocks(rhs, dims, -1)
            result = self.solve([expand_dims(b, -1) for b in blocks], adjoint=adjoint)
            return [squeeze(y, -1) for y in result]
        rhs = self._checked_tensor(
            rhs, self.domain_dimension if adjoint else self.range_dimension, -1)
        return squeeze(self.solve(expand_dims(rhs, -1), adjoint=adjoint), -1)

    def _check_solvable(self) -> None:
        if self.is_non_singular is False:
            raise NotImplementedError(
                "Exact solve not implemented for an operator that is expected to be singular.")
        self._square_for("Exact solve")


class LinearOperatorBlockDiag(DerivedFromEach, _BlockOperator):
    """`LinearOperator` acting like a [batch] block diagonal matrix: the direct sum
    `op1 (+) op2 (+) ... (+) opJ` of operators.

    If `opj` has shape `batch_shape_j + [M_j, N_j]`, the operator has shape
    `broadcast_batch_shape + [sum M_j, sum N_j]`. `matmul`, `matvec`, `solve` and
    `solvevec` also take a list of one piece per block, and then give a list.

    >>> import tftape_torch as tf
    >>> a = tf.linalg.LinearOperatorDiag([1.0, 2.0])
    >>> b = tf.linalg.LinearOperatorFullMatrix([[3.0]])
    >>> op = tf.linalg.LinearOperatorBlockDiag([a, b])
    >>> print(op.to_dense())
    tf.Tensor(
    [[1. 0. 0.]
     [0. 2. 0.]
     [0. 0. 3.]], shape=(3, 3), dtype=float32)
    >>> type(op @ op).__name__
    'LinearOperatorBlockDiag'

    Args:
      operators: a non-empty iterable of `LinearOperator`s of one dtype, the blocks.
      is_non_singular, is_self_adjoint, is_positive_definite: hints; `True` when every
        block has them.
      is_square: a hint, `True` by default.
      name: the operator's name; the blocks' names joined by `"_ds_"` when `None`.

    Raises:
      TypeError: for blocks of different dtypes, or `operators` not an iterable.
      ValueError: for no blocks, or a hint the blocks contradict.
    """

    def __init__(self, operators: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = True, name: Optional[str] = None) -> None:
        parameters = dict(operators=operators, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        operators = operator_list(operators,
                                  "Expected a non-empty list of operators. Found: {}")
        self._operators: List[LinearOperator] = operators
        self._diagonal_operators = operators
        dtype = operators[0].dtype
        for operator in operators:
            if operator.dtype != dtype:
                found = "   ".join(f"({o.name!r}, tf.{dtype_name(o.dtype)})" for o in operators)
                raise TypeError(f"Expected all operators to have the same dtype.  Found {found}")
        is_non_singular = each_operator_hint(
            operators, "is_non_singular", is_non_singular,
            "The direct sum of non-singular operators is always non-singular.")
        is_self_adjoint = each_operator_hint(
            operators, "is_self_adjoint", is_self_adjoint,
            "The direct sum of self-adjoint operators is always self-adjoint.")
        is_positive_definite = each_operator_hint(
            operators, "is_positive_definite", is_positive_definite,
            "The direct sum of positive definite operators is always positive definite.")
        if name is None:
            name = "_ds_".join(operator.name for operator in operators)
        super().__init__(dtype=dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)

    @property
    def operators(self) -> List[LinearOperator]:
        """The diagonal blocks, top left first."""
        return self._operators

    def _shape(self) -> TensorShape:
        domain = _sum_dims(self._block_domain_dimensions())
        rows = _sum_dims(self._block_range_dimensions())
        batch = functools.reduce(broadcast_static_shape, [op.batch_shape for op in self.operators])
        return TensorShape(list(batch) + [rows, domain])

    # -- Derived operators -----------------------------------------------------------

    def _blockwise(self, left: Any, right: Any, what: str) -> LinearOperator:
        """Block `i` of the result is `left`'s block `i` `what` (matmul or solve)
        `right`'s."""
        return LinearOperatorBlockDiag(
            operators=[getattr(o1, what)(o2) for o1, o2 in zip(left.operators,
                                                                right.operators)],
            is_non_singular=non_singular_hint(left, right), is_self_adjoint=None,
            is_positive_definite=None, is_square=True)

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        if isinstance(right_operator, LinearOperatorBlockDiag):
            return self._blockwise(left_operator, right_operator, "matmul")
        return super()._linop_matmul(left_operator, right_operator)

    def _linop_solve(self, left_operator: LinearOperator,
                     right_operator: LinearOperator) -> LinearOperator:
        if isinstance(right_operator, LinearOperatorBlockDiag):
            return self._blockwise(left_operator, right_operator, "solve")
        return super()._linop_solve(left_operator, right_operator)

    # -- Products and solves ---------------------------------------------------------

    def _operator_pair(self, x: LinearOperator, adjoint: bool, adjoint_arg: bool,
                       what: str) -> Any:
        """The two operators of `self @ x` (or a solve), checked block by block."""
        left = self.adjoint() if adjoint else self
        right = x.adjoint() if adjoint_arg else x
        _check_agree(right, left, "Operators are incompatible. Expected `x` to have "
                     f"dimension {left.domain_dimension} but got {right.range_dimension}.")
        blockwise = x if what == "matmul" else right
        if isinstance(blockwise, LinearOperatorBlockDiag):
            if len(left.operators) != len(right.operators):  # type: ignore[attr-defined]
                raise ValueError(
                    "Can not efficiently multiply two `LinearOperatorBlockDiag`s together "
                    "when number of blocks differ." if what == "matmul" else
                    "Can not efficiently solve `LinearOperatorBlockDiag` when number of "
                    "blocks differ.")
            for o1, o2 in zip(left.operators, right.operators):  # type: ignore[attr-defined]
                _check_agree(o2, o1, "Blocks are incompatible. Expected `x` to have "
                             f"dimension {o1.domain_dimension} but got {o2.range_dimension}.")
        return left, right

    def matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False,
               name: str = "matmul") -> Any:
        """`self @ x`, as `LinearOperator.matmul`; a list of one piece per block for
        `x` gives a list (`ValueError` also for blocks that do not fit)."""
        if isinstance(x, LinearOperator):
            left, right = self._operator_pair(x, adjoint, adjoint_arg, "matmul")
            return self._linop_matmul(left, right)
        x = self._checked_matmul_arg(x, adjoint, adjoint_arg)
        return self._matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        arg_dim = -1 if adjoint_arg else -2
        dims = self._block_range_dimensions() if adjoint else self._block_domain_dimensions()
        blockwise = arg_is_blockwise(dims, x, arg_dim)
        pieces = x if blockwise else self._split(x, arg_dim, dims)
        result = [operator.matmul(piece, adjoint=adjoint, adjoint_arg=adjoint_arg)
                  for operator, piece in zip(self.operators, pieces)]
        return result if blockwise else self._concat(result)

    def solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False,
              name: str = "solve") -> Any:
        """`X` with `self @ X = rhs`, as `LinearOperator.solve`; a list of one piece per
        block for `rhs` gives a list (`ValueError` also for blocks that do not fit)."""
        self._check_solvable()
        if isinstance(rhs, LinearOperator):
            left, right = self._operator_pair(rhs, adjoint, adjoint_arg, "solve")
            return self._linop_solve(left, right)
        blockwise, rhs = self._checked_solve_arg(rhs, adjoint, adjoint_arg)
        pieces = rhs if blockwise else self._split(rhs, -1 if adjoint_arg else -2)
        result = [operator.solve(piece, adjoint=adjoint, adjoint_arg=adjoint_arg)
                  for operator, piece in zip(self.operators, pieces)]
        return result if blockwise else self._concat(result)

    # -- Scalars and dense views -----------------------------------------------------

    def _determinant(self) -> Any:
        return _product([operator.determinant() for operator in self.operators])

    def _log_abs_determinant(self) -> Any:
        return _total([operator.log_abs_determinant() for operator in self.operators])

    def _require_square_blocks(self, what: str) -> None:
        if not all(operator.is_square for operator in self.operators):
            raise NotImplementedError(
                f"`{what}` not implemented for an operator whose blocks are not square.")

    def _diag_part(self) -> Any:
        self._require_square_blocks("diag_part")
        return self._column_diagonal([operator.diag_part() for operator in self.operators])

    def _trace(self) -> Any:
        self._require_square_blocks("trace")
        return _total([operator.trace() for operator in self.operators])

    def _to_dense(self) -> Any:
        blocks = broadcast_matrix_batch_dims([operator.to_dense() for operator in self.operators])
        total = int(self.domain_dimension or 0)
        rows = []
        before = 0
        for block in blocks:
            dims = list(block.shape)
            after = total - before - dims[-1]
            rows.append(concat([zeros(dims[:-1] + [before], dtype=block.dtype), block,
                                zeros(dims[:-1] + [after], dtype=block.dtype)], axis=-1))
            before += dims[-1]
        return concat(rows, axis=-2)

    def _eigvals(self) -> Any:
        self._require_square_blocks("eigvals")
        return self._column_diagonal([operator.eigvals() for operator in self.operators])

    # -- Assertions ------------------------------------------------------------------

    def _assert_non_singular(self) -> Any:
        _each(operator.assert_non_singular() for operator in self.operators)

    def _assert_self_adjoint(self) -> Any:
        _each(operator.assert_self_adjoint() for operator in self.operators)

    def _assert_positive_definite(self) -> Any:
        _each(operator.assert_positive_definite() for operator in self.operators)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"operators": [0] * len(self.operators)}


def _each(results: Any) -> None:
    """Run every check `results` yields (TF's `group` of assertions, `None` eagerly)."""
    for _ in results:
        pass


def _total(values: List[Any]) -> Any:
    """`values[0] + values[1] + ...`, left to right."""
    return functools.reduce(lambda a, b: a + b, values)


def _product(values: List[Any]) -> Any:
    """`values[0] * values[1] * ...`, left to right."""
    return functools.reduce(lambda a, b: a * b, values)


def _sum_dims(dims: List[Optional[int]]) -> Optional[int]:
    return None if any(d is None for d in dims) else sum(int(d or 0) for d in dims)


class LinearOperatorBlockLowerTriangular(_BlockOperator):
    """`LinearOperator` acting like a [batch] square block lower triangular matrix.

    `operators` is a list of rows, row `i` holding the `i + 1` blocks on and left of
    the diagonal; the last block of each row sits on the diagonal and must be square.
    `matmul`, `matvec`, `solve` and `solvevec` also take a list of one piece per block
    (and then give a list); solves substitute block by block.

    >>> import tftape_torch as tf
    >>> a = tf.linalg.LinearOperatorDiag([2.0])
    >>> b = tf.linalg.LinearOperatorFullMatrix([[1.0]])
    >>> c = tf.linalg.LinearOperatorDiag([4.0])
    >>> op = tf.linalg.LinearOperatorBlockLowerTriangular([[a], [b, c]])
    >>> print(op.to_dense())
    tf.Tensor(
    [[2. 0.]
     [1. 4.]], shape=(2, 2), dtype=float32)
    >>> print(op.solvevec(tf.constant([2.0, 5.0])))
    tf.Tensor([1. 1.], shape=(2,), dtype=float32)

    Args:
      operators: a non-empty list of lists of `LinearOperator`s of one dtype, row `i`
        of length `i + 1`.
      is_non_singular: a hint; `True` when every diagonal block is non-singular.
      is_self_adjoint, is_positive_definite: hints.
      is_square: must not be `False`.
      name: the operator's name.

    Raises:
      TypeError: for blocks of different dtypes, or arguments not iterables.
      ValueError: for no rows, rows of the wrong length, blocks whose sizes do not
        line up, non-square diagonal blocks, or contradicting hints.
    """

    def __init__(self, operators: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorBlockLowerTriangular") -> None:
        parameters = dict(operators=operators, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        debugging.assert_proper_iterable(operators)
        for row in operators:
            debugging.assert_proper_iterable(row)
        operators = [list(row) for row in operators]
        if not operators:
            raise ValueError("Argument `operators` must be a list of >=1 operators. "
                             f"Received: {operators}.")
        self._operators: List[List[LinearOperator]] = operators
        self._diagonal_operators = [row[-1] for row in operators]
        dtype = operators[0][0].dtype
        self._validate_dtype(dtype)
        is_non_singular = self._validate_non_singular(is_non_singular)
        self._validate_num_operators()
        self._validate_operator_dimensions()
        is_square = self._validate_square(is_square)
        super().__init__(dtype=dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)

    def _validate_num_operators(self) -> None:
        for i, row in enumerate(self.operators):
            if len(row) != i + 1:
                raise ValueError(f"Argument `operators[{i}]` must contain `{i + 1}` blocks. "
                                 f"Received: {len(row)} blocks.")

    def _validate_operator_dimensions(self) -> None:
        for i in range(1, len(self.operators)):
            for j in range(i):
                op = self.operators[i][j]
                above = self.operators[i - 1][j]
                right = self.operators[i][j + 1]
                if (op.domain_dimension is not None and above.domain_dimension is not None
                        and op.domain_dimension != above.domain_dimension):
                    raise ValueError(
                        f"Argument `operators[{i}][{j}].domain_dimension` "
                        f"({op.domain_dimension}) must be the same as "
                        f"`operators[{i - 1}][{j}].domain_dimension` "
                        f"({above.domain_dimension}).")
                if (op.range_dimension is not None and right.range_dimension is not None
                        and op.range_dimension != right.range_dimension):
                    raise ValueError(
                        f"Argument `operators[{i}][{j}].range_dimension` "
                        f"({op.range_dimension}) must be the same as "
                        f"`operators[{i}][{j + 1}].range_dimension` "
                        f"({right.range_dimension}).")

    def _validate_non_singular(self, is_non_singular: Optional[bool]) -> Optional[bool]:
        if all(op.is_non_singular for op in self._diagonal_operators):
            if is_non_singular is False:
                raise ValueError(
                    "A blockwise lower-triangular operator with non-singular operators on "
                    "the main diagonal is always non-singular. Expected argument "
                    f"`is_non_singular` to be True. Received: {is_non_singular}.")
            return True
        if any(op.is_non_singular is False for op in self._diagonal_operators):
            if is_non_singular is True:
                raise ValueError(
                    "A blockwise lower-triangular operator with a singular operator on the "
                    "main diagonal is always singular. Expected argument `is_non_singular` "
                    f"to be True. Received: {is_non_singular}.")
            return False
        return is_non_singular

    def _validate_square(self, is_square: Optional[bool]) -> bool:
        if is_square is False:
            raise ValueError("`LinearOperatorBlockLowerTriangular` must be square. Expected "
                             f"argument `is_square` to be True. Received: {is_square}.")
        for i, op in enumerate(self._diagonal_operators):
            if op.is_square is False:
                raise ValueError(
                    "Matrices on the diagonal (the final elements of each row-partition in "
                    "the `operators` list) must be square. Expected argument "
                    f"`operators[{i}][-1].is_square` to be True. Received: {op.is_square}.")
        return True

    def _validate_dtype(self, dtype: Any) -> None:
        for i, row in enumerate(self.operators):
            for operator in row:
                if operator.dtype != dtype:
                    # TF formats the generator itself, not the pairs it would give.
                    name_type = (str((o.name, o.dtype)) for o in row)
                    raise TypeError(
                        f"Expected all operators to have the same dtype.  Found {name_type} "
                        f"in row {i} and {dtype_repr(dtype)} in row 0.")

    @property
    def operators(self) -> List[List[LinearOperator]]:
        """The rows of blocks, row `i` holding `i + 1` of them."""
        return self._operators

    def _shape(self) -> TensorShape:
        domain = _sum_dims(self._block_domain_dimensions())
        rows = _sum_dims(self._block_range_dimensions())
        batch = functools.reduce(broadcast_static_shape,
                                 [op.batch_shape for row in self.operators for op in row])
        return TensorShape(list(batch) + [domain, rows])

    def _linop_inverse(self) -> LinearOperator:
        """The inverse, block lower triangular too: the top-left part's inverse, then
        the bottom row `-B^{-1} (sum of the row times the inverse's columns)`."""
        hints: Dict[str, Any] = dict(is_non_singular=self.is_non_singular,
                                     is_self_adjoint=self.is_self_adjoint,
                                     is_positive_definite=self.is_positive_definite,
                                     is_square=True)
        if len(self.operators) == 1:
            return LinearOperatorBlockLowerTriangular([[self.operators[0][0].inverse()]],
                                                      **hints)
        size = len(self.operators)
        upper_left_inverse = LinearOperatorBlockLowerTriangular(self.operators[:-1]).inverse()
        upper_rows = upper_left_inverse.operators  # type: ignore[attr-defined]
        bottom_row = self.operators[-1]
        bottom_right_inverse = bottom_row[-1].inverse()
        inverse_bottom_row: List[LinearOperator] = []
        for i in range(size - 1):
            blocks = []
            for j in range(i, size - 1):
                result = bottom_row[j].matmul(upper_rows[j][i])
                if not isinstance(result, ADDABLE):
                    result = LinearOperatorFullMatrix(result.to_dense())
                blocks.append(result)
            summed = add_operators(blocks)
            assert len(summed) == 1
            block = bottom_right_inverse.matmul(summed[0])
            block = LinearOperatorScaledIdentity(
                num_rows=bottom_right_inverse.domain_dimension_tensor(),
                multiplier=cast(-1, dtype=block.dtype)).matmul(block)
            inverse_bottom_row.append(block)
        inverse_bottom_row.append(bottom_right_inverse)
        return LinearOperatorBlockLowerTriangular(upper_rows + [inverse_bottom_row], **hints)

    # -- Products and solves ---------------------------------------------------------

    def matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False,
               name: str = "matmul") -> Any:
        """`self @ x`, as `LinearOperator.matmul`; a list of one piece per block for
        `x` gives a list."""
        if isinstance(x, LinearOperator):
            return super().matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)
        x = self._checked_matmul_arg(x, adjoint, adjoint_arg)
        return self._matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        arg_dim = -1 if adjoint_arg else -2
        dims = self._block_range_dimensions() if adjoint else self._block_domain_dimensions()
        blockwise = arg_is_blockwise(dims, x, arg_dim)
        pieces = x if blockwise else self._split(x, arg_dim)
        size = len(self.operators)
        result_list = []
        for index in range(size):
            if adjoint:
                terms = [(self.operators[j][index], j) for j in range(index, size)]
            else:
                terms = [(op, j) for j, op in enumerate(self.operators[index])]
            result = None
            for operator, j in terms:
                term = operator.matmul(pieces[j], adjoint=adjoint, adjoint_arg=adjoint_arg)
                result = term if result is None else result + term
            result_list.append(result)
        return result_list if blockwise else self._concat(result_list)

    def solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False,
              name: str = "solve") -> Any:
        """`X` with `self @ X = rhs` by block substitution, as `LinearOperator.solve`; a
        list of one piece per block for `rhs` gives a list."""
        self._check_solvable()
        if isinstance(rhs, LinearOperator):
            return super().solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)
        blockwise, rhs = self._checked_solve_arg(rhs, adjoint, adjoint_arg)
        if blockwise:
            pieces = [matrix_adjoint(y) for y in rhs] if adjoint_arg else rhs
        else:
            pieces = self._split(matrix_adjoint(rhs) if adjoint_arg else rhs, -2)
        size = len(self.operators)
        solution_list: List[Any] = []
        if adjoint:
            for index in reversed(range(size)):
                y = pieces[index]
                for j in reversed(range(index + 1, size)):
                    y = y - self.operators[j][index].matmul(solution_list[size - 1 - j],
                                                            adjoint=adjoint)
                solution_list.append(self._diagonal_operators[index].solve(y, adjoint=adjoint))
            solution_list.reverse()
        else:
            for row, y in zip(self.operators, pieces):
                for i, operator in enumerate(row[:-1]):
                    y = y - operator.matmul(solution_list[i], adjoint=adjoint)
                solution_list.append(row[-1].solve(y, adjoint=adjoint))
        return solution_list if blockwise else self._concat(solution_list)

    # -- Scalars and dense views -----------------------------------------------------

    def _determinant(self) -> Any:
        if all(op.is_positive_definite for op in self._diagonal_operators):
            return exp(self._log_abs_determinant())
        return _product([op.determinant() for op in self._diagonal_operators])

    def _log_abs_determinant(self) -> Any:
        return _total([op.log_abs_determinant() for op in self._diagonal_operators])

    def _diag_part(self) -> Any:
        return self._column_diagonal([op.diag_part() for op in self._diagonal_operators])

    def _trace(self) -> Any:
        return _total([op.trace() for op in self._diagonal_operators])

    def _to_dense(self) -> Any:
        flat = broadcast_matrix_batch_dims([op.to_dense() for row in self.operators
                                            for op in row])
        total = int(self.domain_dimension or 0)
        dense_rows = []
        columns = 0
        for i in range(len(self.operators)):
            blocks = flat[i * (i + 1) // 2:(i + 1) * (i + 2) // 2]
            dims = list(blocks[0].shape)
            columns += int(blocks[-1].shape[-1])
            blocks.append(zeros(dims[:-1] + [total - columns], dtype=self.dtype))
            dense_rows.append(concat(blocks, axis=-1))
        return concat(dense_rows, axis=-2)

    def _assert_non_singular(self) -> Any:
        _each(op.assert_non_singular() for op in self._diagonal_operators)

    def _eigvals(self) -> Any:
        return self._column_diagonal([op.eigvals() for op in self._diagonal_operators])

    def __getitem__(self, slices: Any) -> LinearOperator:
        # Slice every block as one block-diagonal operator would (broadcasting each
        # against the common batch shape), then put the rows back together.
        flat = LinearOperatorBlockDiag([op for row in self.operators for op in row])[slices]
        sliced = flat.operators  # type: ignore[attr-defined]
        rows = [sliced[i * (i + 1) // 2:(i + 1) * (i + 2) // 2]
                for i in range(len(self.operators))]
        return LinearOperatorBlockLowerTriangular(**dict(self.parameters, operators=rows))
