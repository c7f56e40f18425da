"""`tf.nn.isotonic_regression`: the monotone sequence closest (in squared error) to
each row of a tensor, by TF's pool-adjacent-violators pass.

Along `axis`, entries are pooled left to right into segments; a new entry (or a
pooled segment) merges with the one before while that one's mean is strictly below
its own (above, when increasing): equal means stay apart, and a NaN never merges.
Each entry becomes its segment's mean. The segments are found on the host (TF's
kernel is CPU-only too); the output is then the segment means gathered back, torch
ops in the input, so the gradient is TF's: the mean of the incoming gradient over
each segment.

>>> import tftape_torch as tf
>>> print(tf.nn.isotonic_regression([[1.0, 3.0, 2.0, 4.0]]).output)
tf.Tensor([[2.5 2.5 2.5 2.5]], shape=(1, 4), dtype=float32)
"""

from __future__ import annotations

import collections
from typing import Any, List, Optional

import numpy as np
import torch

from tftape_torch._array_ops import cast, transpose
from tftape_torch._dtypes import FLOATING
from tftape_torch._op_call import as_tensor, axis_arg, call
from tftape_torch._tensor import fresh
from tftape_torch.errors import InvalidArgumentError

__all__ = ["isotonic_regression"]

IsotonicRegression = collections.namedtuple("IsotonicRegression", ["output", "segments"])


def _segments(row: np.ndarray, decreasing: bool) -> List[int]:
    """TF's pool-adjacent-violators pass over one row: the segment of each entry."""
    sums: List[float] = []
    counts: List[int] = []
    for value in row.tolist():
        total, count = value, 1
        while sums and ((sums[-1] / counts[-1] < total / count) if decreasing
                        else (sums[-1] / counts[-1] > total / count)):
            total, count = total + sums.pop(), count + counts.pop()
        sums.append(total)
        counts.append(count)
    segments: List[int] = []
    for index, count in enumerate(counts):
        segments.extend([index] * count)
    return segments


def _pooled(x: torch.Tensor, decreasing: bool) -> Any:
    """The isotonic fit of each row of `x` (last axis) and its int32 segments."""
    n = x.shape[-1]
    rows = x.detach().reshape(-1, n).to(torch.float64).cpu().numpy()
    found = np.asarray([_segments(row, decreasing) for row in rows], dtype=np.int64)
    segments = torch.from_numpy(found.reshape(rows.shape)).to(x.device)
    ids = (segments + torch.arange(rows.shape[0], device=x.device).unsqueeze(-1) * n).reshape(-1)
    flat = x.reshape(-1)
    sums = torch.zeros_like(flat).index_add(0, ids, flat)
    counts = torch.zeros_like(flat).index_add(0, ids, torch.ones_like(flat))
    output = (sums / counts.clamp(min=1))[ids].reshape(x.shape)
    return output, segments.to(torch.int32).reshape(x.shape)


def isotonic_regression(inputs: Any, decreasing: bool = True, axis: Any = -1,
                        name: Optional[str] = None) -> Any:
    """Solves isotonic regression problems along `axis` (decreasing by default).

    >>> import tftape_torch as tf
    >>> output, segments = tf.nn.isotonic_regression([[1.0, 3.0, 2.0, 4.0]], decreasing=False)
    >>> print(output)
    tf.Tensor([[1.  2.5 2.5 4. ]], shape=(1, 4), dtype=float32)
    >>> print(segments)
    tf.Tensor([[0 1 1 2]], shape=(1, 4), dtype=int32)

    Returns:
      `(output, segments)`: the fit (integer inputs give float64) and the int32 index
      of each entry's segment within its row (a named tuple when decreasing along the
      last axis, else a plain one, as TF's).

    Raises:
      InvalidArgumentError: for an `axis` out of range.
    """
    x = as_tensor(inputs)
    if x.dtype not in FLOATING:
        x = cast(x, torch.float64)
    rank = x.dim()
    if rank == 0:
        return IsotonicRegression(fresh(x.clone()), fresh(torch.zeros((), dtype=torch.int32)))
    dim = int(axis_arg(axis))
    if not -rank <= dim < rank:
        raise InvalidArgumentError(None, None, f"axis {dim} is out of range for a tensor of "
                                   f"rank {rank} [Op:IsotonicRegression]")
    dim %= rank
    order = list(range(rank))
    order[dim], order[-1] = order[-1], order[dim]  # a swap: its own inverse
    moved = x if dim == rank - 1 else transpose(x, order)
    if moved.shape[-1] == 0:
        output, segments = moved, fresh(torch.zeros(moved.shape, dtype=torch.int32))
    else:
        output, segments = fresh(call("IsotonicRegression", _pooled, (moved,), moved,
                                      bool(decreasing)))
    if dim != rank - 1:
        return transpose(output, order), transpose(segments, order)
    # TF's op result is the named tuple; its Python wrapper hands back a plain tuple when
    # it negated (increasing) or transposed (another axis) around the op.
    return IsotonicRegression(output, segments) if decreasing else (output, segments)
