"""TF's approximate top-k: `tf.math.approx_max_k`, `tf.math.approx_min_k` and
`tf.approx_top_k` (TF's `ApproxTopK`).

TF's op trades recall for speed on TPUs; elsewhere its XLA lowering may return the
exact answer, and so does this one, always: the `k` largest (or smallest) entries
along `reduction_dimension` and their int32 indices, sorted, ties in index order, a
NaN counted as the largest. `recall_target`, `reduction_input_size_override` and
`aggregate_to_topk` are accepted and change nothing. The gradient flows to the
selected entries, as TF's.

TF's eager CPU kernel covers only the largest entries of the last dimension and
raises `NotFoundError` otherwise (its XLA kernels, under `jit_compile`, cover
everything); these cover everything everywhere (tests/conformance/known_differences.md).

>>> import tftape_torch as tf
>>> values, indices = tf.math.approx_max_k(tf.constant([3.0, 1.0, 4.0, 1.0, 5.0]), 2)
>>> print(values, indices)
tf.Tensor([5. 4.], shape=(2,), dtype=float32) tf.Tensor([4 2], shape=(2,), dtype=int32)
"""

from __future__ import annotations

import collections
from typing import Any, List, Optional

import torch

from tftape_torch._array_ops import transpose
from tftape_torch._dtypes import kernel_name
from tftape_torch._elementwise_ops import negative
from tftape_torch._op_call import as_tensor
from tftape_torch._sequence_ops import top_k
from tftape_torch.errors import InvalidArgumentError

__all__ = ["approx_max_k", "approx_min_k", "approx_top_k"]

ApproxTopK = collections.namedtuple("ApproxTopK", ["values", "indices"])

_ALLOWED = (torch.float16, torch.bfloat16, torch.float32)
_OP = "ApproxTopK"


def _error(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"{message} [Op:{_OP}]")


def approx_top_k(input: Any, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, is_max_k: bool = True,
                 reduction_input_size_override: int = -1, aggregate_to_topk: bool = True,
                 name: Optional[str] = None) -> Any:
    """Returns the `k` largest (`is_max_k`) or smallest entries of `input` along
    `reduction_dimension` and their indices (exactly: see the module docstring).

    >>> import tftape_torch as tf
    >>> print(tf.approx_top_k(tf.constant([[3.0, 1.0], [0.0, 2.0]]), 1, is_max_k=False).indices)
    tf.Tensor(
    [[1]
     [0]], shape=(2, 1), dtype=int32)

    Raises:
      InvalidArgumentError: for a dtype other than half, bfloat16 or float32, a
        negative `k` or one beyond the dimension, or a dimension out of range.
    """
    x = as_tensor(input)
    if x.dtype not in _ALLOWED:
        raise _error(f"Value for attr 'T' of {kernel_name(x.dtype)} is not in the list of "
                     "allowed values: half, bfloat16, float")
    k = int(k)
    if k < 0:
        raise _error(f"Value for attr 'k' of {k} must be at least minimum 0")
    rank = x.dim()
    dim = int(reduction_dimension)
    if not -rank <= dim < rank:
        raise _error(f"reduction_dimension {dim} is out of range for an input of rank {rank}")
    dim %= rank
    if x.shape[dim] < k:
        raise _error(f"input must have at least k columns. Had {x.shape[dim]}, needed {k}")
    order: List[int] = list(range(rank))
    order[dim], order[-1] = order[-1], order[dim]  # a swap: its own inverse
    moved = x if dim == rank - 1 else transpose(x, order)
    values, indices = top_k(moved if is_max_k else negative(moved), k)
    if not is_max_k:
        values = negative(values)
    if dim != rank - 1:
        values, indices = transpose(values, order), transpose(indices, order)
    return ApproxTopK(values, indices)


def approx_max_k(operand: Any, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True, name: Optional[str] = None) -> Any:
    """Returns the `k` largest entries along `reduction_dimension` and their indices
    (`approx_top_k` with `is_max_k=True`)."""
    return approx_top_k(operand, k, reduction_dimension, recall_target, True,
                        reduction_input_size_override, aggregate_to_topk)


def approx_min_k(operand: Any, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True, name: Optional[str] = None) -> Any:
    """Returns the `k` smallest entries along `reduction_dimension` and their indices
    (`approx_top_k` with `is_max_k=False`).

    >>> import tftape_torch as tf
    >>> print(tf.math.approx_min_k(tf.constant([3.0, 1.0, 4.0]), 2).values)
    tf.Tensor([1. 3.], shape=(2,), dtype=float32)
    """
    return approx_top_k(operand, k, reduction_dimension, recall_target, False,
                        reduction_input_size_override, aggregate_to_topk)
