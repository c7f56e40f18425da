"""The passes a jacobian runs over a tape's recorded graph: the tape's vector-Jacobian
product (rows, `_jacobian`) and Jacobian-vector product (columns, `_jacobian_columns`),
and the seeds both send through them: rows of an identity, batch-first.

>>> import torch
>>> identity_rows(torch.zeros(3), (3,), 3)(0, 2, False)
tensor([[1., 0., 0.],
        [0., 1., 0.]])
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Protocol, Sequence, Tuple

import torch

from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import device_of, dtype_of

__all__ = ["JVP", "VJP", "Seeds", "column_rows", "dims_of", "identity_rows",
           "unit_strides_as_batch"]


class VJP(Protocol):
    """A tape's vector-Jacobian product over its recorded graph.

    `vjp(targets, sources, seeds)` gives, for each source, the gradient of
    `sum(seed * target)` (None where unconnected). With `is_grads_batched`, every
    seed has a leading batch dimension, and so has every result; `own_rules` runs
    such a pass by `_batched_backward`'s rules where they cover the graph, and
    `per_example` (the seeds are every row of the target's identity) carries its rows
    example by example where it can (NOTE [Per-example rows] in `_batched_examples`).
    `retain_graph=None` lets the tape decide whether the graph survives the call.
    """

    def __call__(
        self,
        targets: Sequence[Any],
        sources: Sequence[Any],
        output_gradients: Optional[Sequence[Any]] = None,
        *,
        is_grads_batched: bool = False,
        retain_graph: Optional[bool] = None,
        create_graph: bool = False,
        own_rules: bool = False,
        per_example: bool = False,
    ) -> List[Optional[torch.Tensor]]: ...


class JVP(Protocol):
    """A tape's batched Jacobian-vector product over its recorded graph, by forward
    rules (NOTE [Own forward rules] in `_batched_forward`).

    `jvp(target, source, tangents)` gives `[J @ tangents]` for batch-first `tangents`
    shaped like `source` (`[None]` where `source` is unconnected), or None where the
    rules do not cover the graph.
    """

    def __call__(
        self, target: Any, source: Any, tangents: torch.Tensor
    ) -> Optional[List[Optional[torch.Tensor]]]: ...


Seeds = Callable[[int, int, bool], torch.Tensor]


def dims_of(tensor: Any) -> Tuple[int, ...]:
    """`tuple(tensor.shape)`, without the drop-in tensor's `TensorShape` property."""
    if not isinstance(tensor, torch.Tensor):  # a foreign variable (Keras)
        return tuple(tensor.shape)
    with _DisableSubclass():
        return tuple(torch.Tensor.size(tensor))


def identity_rows(target: torch.Tensor, shape: Tuple[int, ...], count: int) -> Seeds:
    """Rows `start:stop` of the identity, each of `target`'s `shape`."""

    def rows(start: int, stop: int, last: bool) -> torch.Tensor:
        size = stop - start
        with _DisableSubclass():
            # (raw reads: a drop-in target's `dtype` and `device` are Python calls)
            dtype, device = dtype_of(target), device_of(target)
            if size == count:  # every row: the identity itself (symmetric)
                eye = torch.eye(count, dtype=dtype, device=device)
                if len(shape) == 1:  # a vector target: the identity is the seeds
                    return eye
                if last:
                    return eye.view(shape + (size,))
                return unit_strides_as_batch(eye.view((size,) + shape))
            if last:
                seeds = torch.zeros((count, size), dtype=dtype, device=device)
                seeds.diagonal(offset=-start).fill_(1)
                return seeds.view(shape + (size,))
            seeds = torch.zeros((size, count), dtype=dtype, device=device)
            seeds.diagonal(offset=start).fill_(1)
            return unit_strides_as_batch(seeds.view((size,) + shape))

    return rows


def unit_strides_as_batch(seeds: torch.Tensor) -> torch.Tensor:
    """Batch-first `seeds` whose size-1 dimensions step like the batch dimension.

    A size-1 dimension's stride is arbitrary, and `at::matmul` only folds a batched
    operand into one matrix product when its leading dimensions collapse by their
    strides: with torch's choice (the product of the later sizes) a `[B, n, 1]`
    gradient transposed to `[B, 1, n]` on its way to a matrix product does not, and
    the product runs as a `bmm` of B matrix-vector products (`tanh((x W)^T)`, 256
    inputs: 1.24 ms; 0.31 ms with the batch stride). Elementwise backward formulas
    keep the layout.
    """
    shape = tuple(seeds.shape)
    if 1 not in shape[1:]:
        return seeds
    strides = list(seeds.stride())
    for dim in range(1, len(shape)):
        if shape[dim] == 1:
            strides[dim] = strides[0]
    return seeds.as_strided(shape, strides)


def column_rows(target: torch.Tensor, batch: int, row_size: int,
                 shape: Optional[Tuple[int, ...]] = None) -> Seeds:
    """Seeds `start:stop` of a batch_jacobian: seed `m` is 1 in column `m` of every
    example; shaped like `target` (dtype and device) or as `shape`."""
    shape = dims_of(target) if shape is None else shape

    def rows(start: int, stop: int, last: bool) -> torch.Tensor:
        size = stop - start
        with _DisableSubclass():
            # (raw reads: a drop-in target's `dtype` and `device` are Python calls)
            dtype, device = dtype_of(target), device_of(target)
            if size == row_size and not last:  # every column
                eye = torch.eye(row_size, dtype=dtype, device=device)
                return unit_strides_as_batch(
                    eye.unsqueeze(1).expand(size, batch, row_size).reshape((size,) + shape)
                )
            if last:
                eye = torch.zeros((1, row_size, size), dtype=dtype, device=device)
                eye.diagonal(offset=-start, dim1=1, dim2=2).fill_(1)
                return eye.expand(batch, row_size, size).reshape(shape + (size,))
            eye = torch.zeros((size, 1, row_size), dtype=dtype, device=device)
            eye.diagonal(offset=start, dim1=0, dim2=2).fill_(1)
            return unit_strides_as_batch(
                eye.expand(size, batch, row_size).reshape((size,) + shape)
            )

    return rows
