"""Dimension arithmetic for tensors with a leading batch dimension: the jacobian's own
batching rules, backward (`_batched_backward`) and forward (`_batched_forward`), hold a
batch of rows or columns first and the graph's saved tensors unbatched.

>>> import torch
>>> batched_dims(-1, 2)  # the last dimension of a 2-d tensor, in its batch
[2]
>>> sum_to(torch.ones(4, 3, 5), (1, 5)).shape
torch.Size([4, 1, 5])
"""

from __future__ import annotations

from typing import Any, List, Sequence, Tuple

import torch
from torch import Tensor

from tftape_torch._torch_internals import saved

__all__ = ["batched_dim", "batched_dims", "fold_bmm_left", "fold_bmm_right", "fold_left",
           "kept_sum", "lifted", "reduced", "restored", "sum_to"]


def sum_to(grad: Tensor, shape: Sequence[int]) -> Tensor:
    """`at::sum_to` below the batch dimension: `grad` `[B, ...]` summed to `[B, *shape]`."""
    rank = len(shape)
    lead = grad.dim() - 1 - rank
    if lead < 0:
        raise RuntimeError(f"batched gradient {tuple(grad.shape)} does not fit {tuple(shape)}")
    dims = list(range(1, 1 + lead))
    dims += [1 + lead + i for i, size in enumerate(shape)
             if size == 1 and grad.shape[1 + lead + i] != 1]
    if dims:
        grad = grad.sum(dims, keepdim=True)
    if lead:
        grad = grad.reshape((grad.shape[0], *shape))
    if grad.shape[1:] != tuple(shape):
        raise RuntimeError(f"batched gradient {tuple(grad.shape)} does not fit {tuple(shape)}")
    return grad


def lifted(t: Tensor, rank: int) -> Tensor:
    """Batched `t` with size-1 dimensions after the batch, so that its rows have `rank`
    dims and broadcast against unbatched tensors of that rank as the rows would."""
    missing = rank + 1 - t.dim()
    if missing <= 0:
        return t
    return t.reshape((t.shape[0],) + (1,) * missing + tuple(t.shape[1:]))


def batched_dim(dim: int, rank: int) -> int:
    """`dim` of an unbatched tensor of `rank` dims, moved past the batch dimension."""
    return (dim + rank if dim < 0 else dim) + 1 if rank else 1


def batched_dims(dims: Any, rank: int) -> List[int]:
    """Reduced `dims` of an unbatched tensor of `rank` dims, moved past the batch
    dimension; none for a 0-d tensor, whose dim 0 (or -1) is the tensor itself."""
    if not rank:
        return []
    if dims is None or (not isinstance(dims, int) and len(dims) == 0):
        return list(range(1, rank + 1))
    if isinstance(dims, int):
        dims = [dims]
    return sorted(batched_dim(int(d), rank) for d in dims)


def kept_sum(t: Tensor, dim: int, rank: int) -> Tensor:
    """`t` summed over `dim` (kept) of a batched tensor whose rows have `rank` dims;
    `t` itself for 0-d rows (a 0-d tensor's dim 0 is the tensor itself)."""
    return t.sum(dim, keepdim=True) if rank else t


def fold_left(matrix: Tensor, g: Tensor) -> Tensor:
    """`matrix @ g` for a 2-D `matrix` and `g` `[B, k, n]`, as one `mm` of the batch
    folded into the columns: `at::matmul` would run a `bmm` of B products instead."""
    batch, k, n = g.shape
    folded = g.transpose(0, 1).reshape(k, batch * n)
    return (matrix @ folded).reshape(matrix.shape[0], batch, n).transpose(0, 1)


def fold_bmm_right(g: Tensor, matrices: Tensor) -> Tensor:
    """`g @ matrices` for `g` `[B, b, m, k]` and `matrices` `[b, k, n]`, as one `bmm` of the
    batch folded into the rows: `at::matmul` would broadcast `matrices` over B and run
    B times as many matrix-vector products."""
    batch, b, m, k = g.shape
    rows = _blas_ready(g.transpose(0, 1).reshape(b, batch * m, k))
    return torch.bmm(rows, _blas_ready(matrices)).reshape(b, batch, m, -1).transpose(0, 1)


def fold_bmm_left(matrices: Tensor, g: Tensor) -> Tensor:
    """`matrices @ g` for `matrices` `[b, m, k]` and `g` `[B, b, k, n]`, as one `bmm` of
    the batch folded into the columns."""
    batch, b, k, n = g.shape
    columns = _blas_ready(g.permute(1, 2, 0, 3).reshape(b, k, batch * n))
    return torch.bmm(_blas_ready(matrices), columns).reshape(b, -1, batch, n).permute(2, 0, 1, 3)


def _blas_ready(matrices: Tensor) -> Tensor:
    """`matrices` (`[b, m, n]`) as they are where each is a BLAS operand (rows or
    columns of unit stride); otherwise a contiguous copy. A gradient that arrives
    expanded (the backward of a mean: a stride of 0) sends torch's CPU `bmm` down a
    matrix-by-matrix path: 256 8x16 by 16x8 products took 1.25 ms, 53 us copied."""
    _, m, n = matrices.shape
    row_step, column_step = matrices.stride(1), matrices.stride(2)
    if (column_step == 1 and row_step >= max(n, 1)) or (row_step == 1 and column_step >= max(m, 1)):
        return matrices
    return matrices.contiguous()


def restored(g: Tensor, sizes: Sequence[int], dims: Any, keepdim: bool) -> Tensor:
    """`g` of a reduction over `dims`, with the reduced dimensions back (size 1)."""
    rank = len(sizes)
    if not keepdim:
        for d in batched_dims(dims, rank):
            g = g.unsqueeze(d)
    return g


def reduced(node: Any) -> Tuple[Tensor, Tensor, Any, bool]:
    """A reduction's input, its result with the reduced dimensions kept, its dims and
    `keepdim` (`amax`, `logsumexp`)."""
    self = saved(node, "self")
    dims, keepdim = saved(node, "dim"), saved(node, "keepdim")
    result = saved(node, "result")
    if not keepdim:
        for d in batched_dims(dims, self.dim()):
            result = result.unsqueeze(d - 1)
    return self, result, dims, keepdim
