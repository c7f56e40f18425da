"""A jacobian by columns: one forward pass per source element, where the target has
many more elements than the sources, or a convolution makes the rows' pass slow.

NOTE: [Rows or columns] (the seeds' layout: NOTE [Which vmap] in `_jacobian_plan`)
A reverse-mode jacobian costs one batched pass per target element (row); forward
mode costs one per source element (column). The tape cannot re-run the function
forward, but it can push tangents forward through the recorded graph. Where our own
forward rules cover the graph (a first-order graph of the node types NOTE [Own
forward rules] in `_batched_forward` lists), the columns run there: a column then
costs about what a row does, so columns win from twice as many rows at 2**14
jacobian entries, and with a convolution in the graph (whose batched backward is
slow) from as many rows at 2**12 (measured, torch 2.13, CPU, 1 thread, columns /
rows: `tanh(W sin(x))` 64 -> 256 0.76x, 128 -> 512 0.39x, 64 -> 128 1.15x, 16 -> 64
1.34x; conv1d of 64 inputs with 2 filters 0.87x, 4 filters 0.72x; conv2d of a 16x16
image with 4 filters 0.17x, and 0.92x `torch.func.jacfwd` on the function).
Elsewhere columns come from the double backward: `g = J^T u` for a dummy `u` (one
VJP with `create_graph`), then batched VJPs of `g` with respect to `u` give `J e_k`
(`_columns`). A column then runs the double-backward graph: measured, it costs
1.3-1.5x a row plus one extra pass of ~0.1 ms, so columns pay from twice as many
rows as columns at 2**17 jacobian entries (a 512x256 expansion: 0.89x rows;
1024x256: 0.28x), and with a convolution in the graph from as many rows as columns
at 2**14 entries (conv1d, 4 filters, 256 inputs: rows 21.5 ms, columns 2.2 ms; 1
filter, square: 1.7 vs 1.2 ms). A Hessian's graph (a gradient's own, whose rows
already run the convolutions' double backward) is the exception: its columns run a
third-order graph. Where our own rules cover it (a convolution's backward node has
one) it goes by rows there, in passes whose largest convolution holds 2**21 bytes:
torch's CPU convolutions slow down per example once a call leaves the cache (4 to 1
channels over 1024 values: 7 us an example in calls of 1 to 64 examples, 40 us in
one call of 1024). Measured, the Hessian of `sum(tanh(conv(x))**2)` by nested tapes
against torch's fastest method on the recorded graph (`is_grads_batched`, functorch's
vmap, or a Python loop of rows): conv1d of 1024 inputs, 4 filters 43 against 137 ms,
16 filters 112 against 316 ms; conv2d of a 32x32 image, 4 filters 58 against 181 ms,
16 filters 137 against 296 ms; 2048 inputs 136 against 468 ms; 256 inputs
0.58-0.68x. Otherwise (a node without our rule) its columns pay only from 2**20
entries (columns / rows by functorch's vmap, 4 filters: 256 inputs 1.04-1.11x, 512
1.21x, a 24x24 image 1.09x, 1024 inputs 0.97x, 32x32 0.90x). Graphs
with a Python backward (`autograd.Function`, `custom_gradient`) never go by columns:
such a backward may leave the graph (NumPy, `.item()`), and `J^T u` would then
silently miss that path. If the double backward fails (an op without one,
`once_differentiable`), the rows run instead.

>>> import torch
>>> from tftape_torch import GradientTape
>>> w = torch.randn(256, 64)
>>> x = torch.randn(64)
>>> with GradientTape() as g:
...     g.watch(x)
...     y = torch.tanh(w @ torch.sin(x))
>>> g.jacobian(y, x).shape  # 64 columns pushed forward, not 256 rows
torch.Size([256, 64])
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Sequence, Tuple

import torch

from tftape_torch import _state
from tftape_torch._jacobian_passes import JVP, VJP, column_rows, dims_of, identity_rows
from tftape_torch._jacobian_plan import Plan
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    add_batch_dim,
    device_of,
    dtype_of,
    remove_batch_dim,
    vmap_level,
)

__all__ = ["MIN_COLUMN_ROWS", "by_columns", "numel_sum", "prefer_columns"]


def numel_sum(sources: Sequence[Any]) -> int:
    return sum(math.prod(dims_of(source)) for source in sources)


def prefer_columns(
    plan: Plan,
    target: Any,
    sources: Sequence[Any],
    rows: int,
    columns: int,
    batch: int = 1,
    forward: bool = False,
) -> bool:
    """Whether `columns` forward passes beat `rows` reverse passes.

    Measured on torch 2.13, CPU (NOTE [Rows or columns]). By forward rules (`forward`)
    columns win from twice as many rows on jacobians of 2**14 entries, and with a
    convolution in the graph from as many rows on 2**12 entries. By the double
    backward a column costs 1.3-1.5x a row plus one extra pass (~0.1 ms), so columns
    win from twice as many rows on jacobians of 2**17 entries; with a convolution in
    the graph (torch's batched convolution backward is several times slower than its
    forward) from as many rows on jacobians of 2**14 entries (a `batch_jacobian`
    counts every example's: conv1d, 16 examples of 16 inputs: rows 1.3 ms, columns
    0.67 ms), and in a Hessian's graph our own rules do not cover from 2**20 entries
    (one they cover goes by rows there).
    """
    size = rows * columns * batch
    if forward:
        convolutions = bool(plan.convolutions)
        if (rows < (1 if convolutions else 2) * columns
                or size < (_FORWARD_CONV_COLUMNS_FROM if convolutions else _FORWARD_COLUMNS_FROM)):
            return False
    elif plan.convolutions:
        if plan.own_rules and plan.double:
            return False  # rows by our own rules, in passes that fit the cache (`_rows`)
        if columns > rows or size < (_HESSIAN_CONV_COLUMNS_FROM if plan.double
                                     else _CONV_COLUMNS_FROM):
            return False
    elif rows < 2 * columns or size < _COLUMNS_FROM:
        return False
    with _DisableSubclass():  # a raw read: a drop-in target's `dtype` is a Python call
        dtype = dtype_of(target)
    return all(getattr(source, "dtype", None) == dtype for source in sources)


_COLUMNS_FROM = 2**17
_CONV_COLUMNS_FROM = 2**14
_HESSIAN_CONV_COLUMNS_FROM = 2**20
_FORWARD_COLUMNS_FROM = 2**14
_FORWARD_CONV_COLUMNS_FROM = 2**12
#: Fewest rows a `jacobian` takes columns from (rows >= columns, 2**12 entries): below it
#: `prefer_columns` need not be asked, nor the sources' sizes summed.
MIN_COLUMN_ROWS = math.isqrt(_FORWARD_CONV_COLUMNS_FROM)


def by_columns(
    vjp: VJP,
    target: Any,
    sources: Sequence[Any],
    chunk: Optional[int],
    batch: Optional[int],
    jvp: Optional[JVP] = None,
) -> Optional[List[Optional[torch.Tensor]]]:
    """The jacobian by columns, in `_rows`' layout; None when torch cannot do it, or
    when a `batch_jacobian`'s examples interact (NOTE [Columns of interacting
    examples]): the rows then give TF's answer.
    """
    try:
        return _columns(vjp, target, sources, chunk, batch, jvp)
    except _Interacting:
        return None


# NOTE: [Columns of interacting examples]
# TF's `batch_jacobian` is rows: row `m` of example `b` is the gradient at `source[b]`
# of target column `m` summed over every example. Column `k` is the derivative of
# `target[b]` with respect to source column `k` of every example. The two agree when
# no example's target depends on another example's source (what `batch_jacobian`
# assumes), and need not otherwise (a batch norm in training mode, a product across
# examples). So the columns' first pass carries one more tangent, a probe: `r[i] *
# s[k]` in column `k` of example `i`, weights free of rational relations. Without
# interaction its image is `r[b] * sum_k s[k] * column k` of example `b`, which the
# columns give; any dependence of one example on another shows, beyond rounding
# (`_probe_agrees`), and the rows run instead. The probe costs one column's share of
# the first pass.


class _Interacting(Exception):
    """A `batch_jacobian`'s examples interact: the columns are not TF's answer."""


def _probe(like: Any, batch: int, shape: Tuple[int, ...]
           ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The probe tangent `[1, *shape]` and its weights over examples and columns:
    uniform in [1, 2) from a generator of its own (the global one is the user's)."""
    size = math.prod(shape[1:])
    with _DisableSubclass():
        device = device_of(like)
        generator = torch.Generator(device=device).manual_seed(_PROBE_SEED)
        weights = torch.rand(batch + size, generator=generator, dtype=dtype_of(like),
                             device=device) + 1.0
        r, s = weights[:batch], weights[batch:]
        return torch.outer(r, s).reshape((1,) + shape), r, s


def _probe_agrees(image: torch.Tensor, predicted: torch.Tensor) -> bool:
    """Whether the probe's `image` is what the columns predict without interaction
    (False for NaN: the rows run)."""
    tolerance = _F64_TOLERANCE if image.dtype == torch.float64 else _TOLERANCE
    difference, scale = torch.stack([(predicted - image).abs().max(), image.abs().max()])
    return bool(difference <= scale * tolerance)


_PROBE_SEED = 2026
_TOLERANCE = 1e-4  # of the largest entry: the passes round differently
_F64_TOLERANCE = 1e-10


def _columns(
    vjp: VJP,
    target: Any,
    sources: Sequence[Any],
    chunk: Optional[int],
    batch: Optional[int],
    jvp: Optional[JVP],
) -> Optional[List[Optional[torch.Tensor]]]:
    """The jacobian by columns, in `_rows`' layout; None when torch cannot do it.

    By forward rules where `jvp` is given and covers the graph (NOTE [Own forward
    rules] in `_batched_forward`). Otherwise by the double backward: `g = J^T u` for a
    dummy `u` (one VJP with `create_graph`), then batched VJPs of `g` with respect to
    `u` give `J e_k` (`batch`: the columns of a `batch_jacobian`, one-hot in every
    example).
    """
    rows = math.prod(dims_of(target)) // (batch or 1)
    if jvp is not None:
        found = forward_columns(jvp, target, sources, chunk, batch, rows)
        if found is not None:
            return found
    with _DisableSubclass():
        dummy = torch.zeros(
            dims_of(target), dtype=target.dtype, device=target.device, requires_grad=True
        )
    try:
        firsts = vjp([target], sources, [dummy], retain_graph=True, create_graph=True)
    except RuntimeError:
        return None
    differentiable = bool(_state.THREAD.tapes)
    results: List[Optional[torch.Tensor]] = []
    for first in firsts:
        if first is None:
            results.append(None)
            continue
        if not first.requires_grad:
            return None  # a backward formula left the graph: J^T u says nothing of J
        with _DisableSubclass():
            first = torch.Tensor.view_as(first, first)  # a plain tensor

        def column_pass(seeds: torch.Tensor, first: torch.Tensor = first) -> torch.Tensor:
            return _column_pass(first, dummy, seeds, differentiable)

        try:
            grad = _gathered(column_pass, first, dims_of(first), rows, chunk, batch,
                             differentiable)
        except RuntimeError:
            return None
        results.append(grad)
    return results


class _Uncovered(Exception):
    """The forward rules do not cover a source's pass."""


def forward_columns(
    jvp: JVP,
    target: Any,
    sources: Sequence[Any],
    chunk: Optional[int],
    batch: Optional[int],
    rows: int,
) -> Optional[List[Optional[torch.Tensor]]]:
    """`_columns` by forward rules, one pass (or chunk of passes) per source; None
    where the rules do not cover a source's pass."""
    differentiable = bool(_state.THREAD.tapes)
    results: List[Optional[torch.Tensor]] = []
    for source in sources:

        def column_pass(seeds: torch.Tensor, source: Any = source) -> Optional[torch.Tensor]:
            found = jvp(target, source, seeds)
            if found is None:
                raise _Uncovered
            return found[0]

        try:
            results.append(_gathered(column_pass, target, dims_of(source), rows, chunk, batch,
                                     differentiable))
        except _Uncovered:
            return None
    return results


def _gathered(
    column_pass: Callable[[torch.Tensor], Optional[torch.Tensor]],
    like: Any,
    shape: Tuple[int, ...],
    rows: int,
    chunk: Optional[int],
    batch: Optional[int],
    differentiable: bool,
) -> Optional[torch.Tensor]:
    """One source's jacobian from `column_pass(seeds)`, `[k, *target.shape]` for `k`
    seeds shaped like the source (`shape`; dtype and device of `like`), chunks of
    `chunk` at a time, in `_rows`' layout: `[rows, *shape]`, or `[rows, batch,
    *shape[1:]]` for a `batch_jacobian`; None when the source is unconnected."""
    with _DisableSubclass():
        if batch is None:
            size = math.prod(shape)
            seeds = identity_rows(like, shape, size)
        else:
            size = math.prod(shape[1:])
            seeds = column_rows(like, batch, size, shape)
        step = size if chunk is None else chunk
        pieces = []
        # Rows layout: [rows, columns], or [rows, batch, columns] for a batch_jacobian.
        layout = (rows, size) if batch is None else (rows, batch, size)
        buffer = (
            None
            if differentiable or step >= size
            else torch.empty(layout, dtype=like.dtype, device=like.device)
        )
        probe = None if batch is None else _probe(like, batch, shape)
        image = predicted = None
        for start in range(0, size, step):
            stop = min(size, start + step)
            chunk_seeds = seeds(start, stop, False)
            if probe is not None and start == 0:  # one more tangent in the first pass
                chunk_seeds = torch.cat([chunk_seeds, probe[0]])
            cols = column_pass(chunk_seeds)
            if cols is None:
                return None  # unconnected (in every chunk alike)
            if probe is not None:
                if start == 0:
                    image, cols = cols[-1].detach().reshape(-1), cols[:-1]
                # sum_k s[k] * column k, of every example: [batch * rows]
                # (`mv`, not `vector @ matrix`: at::matmul's `squeeze_` would be an
                # in-place write to a tf.function trace)
                term = torch.mv(cols.detach().reshape(stop - start, -1).t(), probe[2][start:stop])
                predicted = term if predicted is None else predicted + term
            # [k, *target.shape] -> [rows, k] (or [rows, batch, k])
            if batch is None:
                cols = cols.reshape(stop - start, rows).t()
            else:
                cols = cols.reshape(stop - start, batch, rows).permute(2, 1, 0)
            if buffer is None:
                pieces.append(cols)
            else:
                buffer[..., start:stop] = cols
        if buffer is None:
            buffer = pieces[0] if len(pieces) == 1 else torch.cat(pieces, dim=-1)
        if image is not None and predicted is not None and probe is not None:
            weighted = (predicted.reshape(-1, rows) * probe[1][:, None]).reshape(-1)
            if not _probe_agrees(image, weighted):
                raise _Interacting
        return buffer.reshape((rows,) + shape if batch is None else (rows, batch) + shape[1:])


def _column_pass(
    first: torch.Tensor, dummy: torch.Tensor, seeds: torch.Tensor, differentiable: bool
) -> torch.Tensor:
    size = seeds.shape[0]
    with vmap_level(size) as level:
        (col,) = torch.autograd.grad(
            [first],
            [dummy],
            [add_batch_dim(seeds, 0, level)],
            retain_graph=True,
            create_graph=differentiable,
            allow_unused=True,
        )
        if col is None:
            return torch.zeros((size,) + tuple(dummy.shape), dtype=dummy.dtype, device=dummy.device)
        return remove_batch_dim(col, level, size, 0)
