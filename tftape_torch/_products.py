"""TF's products of tensors beside `matmul`: `linalg.matvec`, `tensordot`, `linalg.cross`.

Public as `tf.linalg.*` (and `tf.tensordot`). `matvec` of one matrix is torch's `mv`
(or one `mm` for a batch of vectors), whose gradients batch well in a jacobian's
vectorized passes; its common call runs inline (`_op_call.call_inline`).

>>> import tftape_torch as tf
>>> print(tf.linalg.matvec([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]))
tf.Tensor([3. 7.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

import builtins
from typing import Any, Optional

import torch

from tftape_torch._op_call import (
    axis_arg,
    call,
    call_inline,
    invalid_argument,
    match_operands,
)
from tftape_torch._operator_dispatch import LinalgDispatchable, matvec_with_operator
from tftape_torch.errors import FailedPreconditionError

_Tensor = torch.Tensor

__all__ = ["cross", "matvec", "tensordot"]


def _matvec(a: torch.Tensor, b: torch.Tensor, flip: builtins.bool, conj: builtins.bool) -> Any:
    if flip:
        a = a.mT.conj() if conj and a.is_complex() else a.mT
    if a.dim() == 2:
        # One matrix: `mv` for one vector, one `mm` for a batch of them. The column
        # form below would expand `a` into a `bmm` of matrix-vector products, and its
        # gradients (a jacobian's batched pass) too.
        return torch.mv(a, b) if b.dim() == 1 else torch.matmul(b, a.mT)
    return torch.matmul(a, b.unsqueeze(-1)).squeeze(-1)


def _matrix_vectors(a: torch.Tensor, b: torch.Tensor) -> Optional[torch.Tensor]:
    """`matvec`'s common call (`_op_call.call_inline`): one matrix, one or more vectors."""
    if _Tensor.dim(a) != 2:  # (torch functions are off here)
        return None
    rank_b = _Tensor.dim(b)
    if rank_b == 1:
        return torch.mv(a, b)
    return torch.matmul(b, a.mT) if rank_b == 2 else None  # (as `_matvec`)


def matvec(
    a: Any,
    b: Any,
    transpose_a: builtins.bool = False,
    adjoint_a: builtins.bool = False,
    a_is_sparse: builtins.bool = False,
    b_is_sparse: builtins.bool = False,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Matrix-vector product `a @ b` (leading dimensions broadcast).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.matvec([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0]))
    tf.Tensor([3. 7.], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: for mismatched dtypes or dimensions.
    """
    if isinstance(a, LinalgDispatchable):  # TF dispatches on `a` only
        return matvec_with_operator(a, b, transpose_a, adjoint_a, a_is_sparse or b_is_sparse,
                                    name)
    if transpose_a and adjoint_a:
        raise ValueError("Only one of transpose_a and adjoint_a can be True.")
    if not (transpose_a or adjoint_a):
        result = call_inline(_matrix_vectors, (a, b), a, b)
        if result is not None:
            return result
    left, right = match_operands(a, b, "MatMul")
    if left.dim() < 2 or right.dim() < 1:
        raise invalid_argument("In[0] and In[1] must have compatible ranks", "MatMul")
    return call("MatMul", _matvec, (left, right), left, right,
                builtins.bool(transpose_a or adjoint_a), builtins.bool(adjoint_a))


def _tensordot(a: torch.Tensor, b: torch.Tensor, dims: Any) -> torch.Tensor:
    return torch.tensordot(a, b, dims=dims)


def tensordot(a: Any, b: Any, axes: Any, name: Optional[str] = None) -> torch.Tensor:
    """Sums the products of `a` and `b` over the axes `axes` names.

    `axes` is an int N (the last N axes of `a` with the first N of `b`), or a pair
    of axis lists (or of single axes).

    >>> import tftape_torch as tf
    >>> print(tf.tensordot([[1.0, 2.0], [3.0, 4.0]], [1.0, 1.0], axes=1))
    tf.Tensor([3. 7.], shape=(2,), dtype=float32)

    Raises:
      ValueError: for `axes` of the wrong form or out of range.
      InvalidArgumentError: for mismatched dtypes or dimensions.
    """
    left, right = match_operands(a, b, "MatMul")
    spec = axis_arg(axes) if not isinstance(axes, (list, tuple)) else axes
    if isinstance(spec, int):
        if spec < 0:
            raise ValueError(f"'axes' must be at least 0, got {spec}.")
        if spec > left.dim() or spec > right.dim():
            raise ValueError(
                f"'axes' must not be larger than the number of dimensions of tensor {left}, "
                f"got {spec}."
            )
        dims: Any = spec
    else:
        pair = [axis_arg(part) for part in spec]
        if len(pair) != 2:
            raise ValueError(f"`axes` must be an integer or have length 2. Received {axes}.")
        first = [pair[0]] if isinstance(pair[0], int) else list(pair[0])
        second = [pair[1]] if isinstance(pair[1], int) else list(pair[1])
        if len(first) != len(second):
            raise ValueError(
                f"Different number of contraction axes `a` and `b`, {len(first)} != "
                f"{len(second)}."
            )
        dims = (first, second)
    return call("MatMul", _tensordot, (left, right), left, right, dims)


def _cross(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.linalg.cross(a, b, dim=-1)


def cross(a: Any, b: Any, name: Optional[str] = None) -> torch.Tensor:
    """The cross product of 3-element vectors (along the last dimension).

    >>> import tftape_torch as tf
    >>> print(tf.linalg.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]))
    tf.Tensor([0. 0. 1.], shape=(3,), dtype=float32)

    Raises:
      FailedPreconditionError: if the last dimension is not 3.
      InvalidArgumentError: if the shapes differ.
    """
    left, right = match_operands(a, b, "Cross")
    if left.shape != right.shape:
        raise invalid_argument(
            f"Both inputs must be of same shape: {list(left.shape)} vs. {list(right.shape)}",
            "Cross",
        )
    if left.dim() < 1 or left.shape[-1] != 3:
        raise FailedPreconditionError(
            None, None, "Cross-products are only defined for 3-element vectors. [Op:Cross]"
        )
    return call("Cross", _cross, (left, right), left, right)
