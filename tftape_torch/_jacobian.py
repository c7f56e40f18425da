"""`jacobian` and `batch_jacobian` on a recorded tape: one vectorized backward pass.

Design constraints:

* TensorFlow vectorizes a jacobian with `pfor` over the rows `gradient(y[i], x)`. The
  torch equivalent needs no rewriting: one vector-Jacobian product over the tape's
  recorded graph whose output gradient is a *batch*, the rows of an identity matrix,
  run under `vmap` (NOTE [Which vmap] in `_jacobian_plan` says which). Every row
  goes through the graph at once; the result has a leading dimension of
  `target.numel()` and is reshaped to `target.shape + source.shape`.
* `batch_jacobian` relies on `target[i]` depending only on `source[i]`: the output
  gradient for output column `m` is one-hot in column `m` for *every* example at
  once, so `M = prod(target.shape[1:])` batched rows (not `B * M`) give every
  per-example jacobian; a transpose puts the batch dimension first.
* Where the target has many more elements than the sources, or the graph holds a
  convolution, the jacobian goes by columns instead: forward mode over the recorded
  graph, by our own forward rules where they cover it, else through its double
  backward (NOTE [Rows or columns]).
* `parallel_iterations` bounds memory: the rows (or columns) are sent in chunks of
  that many and copied into the result as they come. A non-persistent tape keeps its
  graph alive between chunks and frees it with the last one, as `gradient` does.
* Where an op's backward cannot be batched (a custom backward calling `.item()` or
  NumPy, an in-place write into an unbatched tensor) torch raises; the rows are then
  computed one at a time, with a warning, so the answer is never wrong. If the tape
  already freed part of its graph (non-persistent), the row loop cannot run and TF's
  `ValueError` for a failed vectorization is raised instead.
* `experimental_use_pfor=False` is that row loop from the start; like TF it needs a
  persistent tape.
* The result is differentiable while any tape records (the tape's `_compute` builds
  the gradient graph then), so Hessians come from nesting tapes.

>>> import torch
>>> from tftape_torch import GradientTape
>>> x = torch.tensor([1.0, 2.0])
>>> with GradientTape() as g:
...     g.watch(x)
...     y = x * x
>>> g.jacobian(y, x)
tensor([[2., 0.],
        [0., 4.]])
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, List, Optional, Sequence, Tuple

import torch

from tftape_torch import _state
from tftape_torch._batched_examples import compact_rows
from tftape_torch._jacobian_columns import (
    MIN_COLUMN_ROWS,
    by_columns,
    numel_sum,
    prefer_columns,
)
from tftape_torch._jacobian_passes import (
    JVP,
    VJP,
    Seeds,
    column_rows,
    dims_of,
    identity_rows,
)
from tftape_torch._jacobian_plan import LOOP, Plan, plan_for
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    add_batch_dim,
    is_freed_graph_error,
    is_vmap_error,
    remove_batch_dim,
    vmap_level,
)
from tftape_torch._unconnected import UnconnectedGradients, zeros

__all__ = ["batch_jacobian", "check_batch_shapes", "check_row_loop",
    "chunk_size", "jacobian"]


# TF's messages, word for word (spacing included).
LOOP_NEEDS_PERSISTENT = {
    "jacobian": "GradientTape must be created with persistent=True to compute the jacobian "
    "with eager execution enabled and with  experimental_use_pfor set to False.",
    "batch_jacobian": "GradientTape must be created with persistent=True to compute the "
    "batch_jacobian with eager execution enabled and  with experimental_use_pfor set to False.",
}
_VECTORIZATION_FAILED = (
    "Encountered an exception while vectorizing the {what} computation. "
    "Vectorization can be disabled by setting experimental_use_pfor to False."
)
_FALLBACK_WARNING = (
    "Could not vectorize the {what} computation ({reason}); computing it one row "
    "at a time instead, which is slower. Pass experimental_use_pfor=False to skip "
    "the vectorized attempt."
)

# Seeds `start:stop`, batch dimension first (or last).
# ---------------------------------------------------------------------- public


def jacobian(
    vjp: VJP,
    target: Any,
    target_shape: Tuple[int, ...],
    sources: Sequence[Any],
    unconnected: UnconnectedGradients,
    chunk: Optional[int],
    vectorize: bool,
    jvp: Optional[JVP] = None,
) -> List[Optional[torch.Tensor]]:
    """The jacobian of `target` with respect to each of `sources` (see `GradientTape.jacobian`).

    `target_shape` is the shape of the target the caller asked about (`target` may be
    a stand-in for it); `chunk` comes from `chunk_size`; `jvp`, where given, runs
    columns by forward rules.

    >>> import torch
    >>> from tftape_torch import GradientTape
    >>> x = torch.tensor([1.0, 2.0])
    >>> with GradientTape() as g:
    ...     g.watch(x)
    ...     y = x * x
    >>> g.jacobian(y, x).shape
    torch.Size([2, 2])
    """
    count = math.prod(target_shape)
    grads: Optional[List[Optional[torch.Tensor]]] = None
    if count == 0:
        grads = _empty_rows(vjp, target, sources)
    else:
        plan = plan_for(target) if vectorize else LOOP
        forward = jvp if plan.own_rules and not plan.double else None
        # (rows that travel per example cost one example's: NOTE [Per-example rows])
        rows = compact_rows(target_shape) if forward is not None and plan.weights else count
        if plan.columns and rows >= MIN_COLUMN_ROWS and prefer_columns(
            plan, target, sources, rows, numel_sum(sources), forward=forward is not None
        ):
            grads = by_columns(vjp, target, sources, chunk, None, forward)
        if grads is None:
            grads = _rows(
                vjp, target, sources, identity_rows(target, target_shape, count), count, chunk,
                vectorize, "jacobian", plan, identity=True,
            )
    assert grads is not None
    results: List[Optional[torch.Tensor]] = []
    for source, grad in zip(sources, grads):
        shape = target_shape + dims_of(source)
        if grad is not None:
            with _DisableSubclass():  # plain tensors: the tape re-types them
                results.append(grad if grad.shape == shape else torch.Tensor.reshape(grad, shape))
        else:
            results.append(None)
    if unconnected is UnconnectedGradients.ZERO:
        return fill_unconnected_rows(results, sources, target_shape)
    return results


def fill_unconnected_rows(
    results: Sequence[Optional[torch.Tensor]], sources: Sequence[Any], target_shape: Tuple[int, ...]
) -> List[Optional[torch.Tensor]]:
    """`results` with zeros of shape `target_shape + source.shape` for each `None`."""
    return [result if result is not None
            else zeros(target_shape + dims_of(source), source.dtype, source.device, source)
            for result, source in zip(results, sources)]


def batch_jacobian(
    vjp: VJP,
    target: Any,
    source: Any,
    unconnected: UnconnectedGradients,
    chunk: Optional[int],
    vectorize: bool,
    jvp: Optional[JVP] = None,
) -> torch.Tensor:
    """Per-example jacobians of `target[i]` with respect to `source[i]`.

    See `GradientTape.batch_jacobian`; the shapes were checked by `check_batch_shapes`.

    >>> import torch
    >>> from tftape_torch import GradientTape
    >>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> with GradientTape() as g:
    ...     g.watch(x)
    ...     y = x * x
    >>> g.batch_jacobian(y, x).shape
    torch.Size([2, 2, 2])
    """
    target_shape = dims_of(target)
    batch = target_shape[0]
    row_size = math.prod(target_shape) // batch  # TF's ZeroDivisionError for batch 0
    shape = target_shape + dims_of(source)[1:]
    grad: Optional[torch.Tensor] = None
    if row_size:
        plan = plan_for(target) if vectorize else LOOP
        grads = None
        columns = math.prod(dims_of(source)[1:])
        forward = jvp if plan.own_rules and not plan.double else None
        if plan.columns and columns and prefer_columns(
            plan, target, [source], row_size, columns, batch, forward is not None
        ):
            grads = by_columns(vjp, target, [source], chunk, batch, forward)
        if grads is None:
            grads = _rows(
                vjp, target, [source], column_rows(target, batch, row_size), row_size, chunk,
                vectorize, "batch_jacobian", plan,
            )
        (grad,) = grads
    if grad is None:
        # TF: zeros in the target's dtype, or the source's with "zero" (its
        # gradient function then returns zeros shaped like the source).
        dtype = source.dtype if unconnected is UnconnectedGradients.ZERO else target.dtype
        return zeros(shape, dtype, source.device, source, target)
    # [M, B, *source.shape[1:]] -> [B, M, *source.shape[1:]] -> final shape.
    with _DisableSubclass():  # a plain tensor: the tape re-types it
        return torch.Tensor.reshape(torch.Tensor.transpose(grad, 0, 1), shape)


# ---------------------------------------------------------------------- checks


def check_batch_shapes(target_shape: Tuple[int, ...], source_shape: Tuple[int, ...]) -> None:
    """TF's checks of `batch_jacobian`'s shapes, in TF's order and with its exception classes."""
    if not target_shape:
        raise IndexError("list index out of range")
    for shape in (target_shape, source_shape):
        if len(shape) < 2:
            raise ValueError(f"Shape {_shape_str(shape)} must have rank at least 2")
    if target_shape[0] != source_shape[0]:
        raise ValueError(
            f"Need first dimension of target shape ({_shape_str(target_shape)}) and "
            f"source shape ({_shape_str(source_shape)}) to match."
        )


def _shape_str(shape: Tuple[int, ...]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def check_row_loop(what: str, vectorize: bool, persistent: bool) -> None:
    """TF's RuntimeError for a row loop (`experimental_use_pfor=False`) on a
    non-persistent tape; TF raises it before the tape is used up."""
    if not vectorize and not persistent:
        raise RuntimeError(LOOP_NEEDS_PERSISTENT[what])


def chunk_size(parallel_iterations: Any, vectorize: bool, what: str) -> Optional[int]:
    """Rows per batched backward pass; None for all at once. TF's argument errors."""
    if parallel_iterations is None:
        return None
    if isinstance(parallel_iterations, bool) or not isinstance(
        parallel_iterations, numbers.Integral
    ):
        raise TypeError(
            f"Argument `parallel_iterations` must be None or a positive integer, got "
            f"{parallel_iterations!r} of type '{type(parallel_iterations).__name__}'."
        )
    value = int(parallel_iterations)
    if not vectorize:
        if value < 1:
            raise TypeError("'parallel_iterations' must be a positive integer.")
        return value
    if value < 1:
        cause = ValueError(
            f"Argument `parallel_iterations` must be None or a positive integer. Received: {value}."
        )
    elif value == 1:
        cause = ValueError("Found `parallel_iterations == 1`. Use `for_loop` instead.")
    else:
        return value
    raise ValueError(_VECTORIZATION_FAILED.format(what=what)) from cause


# ---------------------------------------------------------------------- engine


def _rows(
    vjp: VJP,
    target: Any,
    sources: Sequence[Any],
    seeds: Seeds,
    count: int,
    chunk: Optional[int],
    vectorize: bool,
    what: str,
    plan: Plan,
    identity: bool = False,
) -> List[Optional[torch.Tensor]]:
    """VJPs of `target` with seeds `0:count`, stacked: `[count, *source.shape]` or None.

    Batched passes of `chunk` rows (all rows when None); row by row when not
    `vectorize` or once a batched pass hits an op torch cannot batch. `identity`: the
    seeds are the rows of the target's identity, which a first-order pass of every row
    by our own rules carries example by example (NOTE [Per-example rows] in
    `_batched_examples`).
    """
    step = count if chunk is None else chunk
    legacy, last = plan.legacy, plan.last
    small_legacy = plan.legacy_faster and step * numel_sum(sources) <= _LEGACY_FASTER_UP_TO
    own = plan.own_rules and not small_legacy
    if own and chunk is None and plan.double and plan.convolution_bytes:
        # torch's CPU convolutions slow down per example once a call's output leaves
        # the cache: passes of rows whose largest convolution fits (NOTE [Rows or columns])
        step = max(1, min(count, _CONVOLUTION_PASS_BYTES // plan.convolution_bytes))
    if own or small_legacy or _state.THREAD.accumulators:
        # NOTE [Which vmap]; under a ForwardAccumulator functorch cannot batch the
        # tangents' `_unpack_dual`, the legacy rules can. A batched pass (batch-first)
        # through a graph our own rules cover runs them (NOTE [Own batching rules]
        # in `_batched_backward`), unless the legacy rules' C++ is faster.
        legacy = True
    stack: Optional[_Stack] = None
    start = 0
    failure: Optional[RuntimeError] = None
    while start < count:
        stop = min(count, start + step)
        retain = None if stop == count else True
        if vectorize:
            try:
                if legacy:
                    grads = vjp(
                        [target],
                        sources,
                        [seeds(start, stop, False)],
                        is_grads_batched=True,
                        retain_graph=retain,
                        own_rules=own,
                        per_example=identity and own and not plan.double and stop - start == count,
                    )
                else:
                    grads = _vmapped(vjp, target, sources, seeds(start, stop, last), last, retain)
            except RuntimeError as error:
                if not is_vmap_error(error):
                    raise
                reason = str(error).strip().splitlines()[0]
                warnings.warn(_FALLBACK_WARNING.format(what=what, reason=reason), stacklevel=4)
                vectorize = False
                failure = error
                continue
        else:
            grads = _row_loop(vjp, target, sources, seeds, start, stop, retain, what, failure)
        if start == 0 and stop == count:
            return grads  # every row in one pass
        if stack is None:
            stack = _Stack(sources, count)
        stack.add(start, stop, grads)
        start = stop
    return (stack or _Stack(sources, count)).result()


class _Stack:
    """The rows of several chunks, stacked: `[count, *source.shape]` (or None) per source.

    Chunks are copied into one buffer per source as they arrive, so `parallel_iterations`
    bounds the peak at the result plus one chunk; while a tape records (the result
    must stay differentiable) they are concatenated at the end instead.
    """

    def __init__(self, sources: Sequence[Any], count: int) -> None:
        self.sources = sources
        self.count = count
        self.pieces: List[Tuple[int, List[Optional[torch.Tensor]]]] = []
        self.buffers: List[Optional[torch.Tensor]] = [None] * len(sources)
        self.in_place = not _state.THREAD.tapes

    def add(self, start: int, stop: int, grads: List[Optional[torch.Tensor]]) -> None:
        if not self.in_place:
            self.pieces.append((stop - start, grads))
        else:
            with _DisableSubclass():
                for index, grad in enumerate(grads):
                    if grad is None:
                        continue
                    buffer = self.buffers[index]
                    if buffer is None:
                        buffer = self.buffers[index] = torch.zeros(
                            (self.count,) + tuple(grad.shape)[1:],
                            dtype=grad.dtype,
                            device=grad.device,
                        )
                    buffer[start:stop].copy_(grad)

    def result(self) -> List[Optional[torch.Tensor]]:
        if not self.in_place:
            return [
                _concat([(size, grads[index]) for size, grads in self.pieces], source)
                for index, source in enumerate(self.sources)
            ]
        return self.buffers


def _vmapped(
    vjp: VJP,
    target: Any,
    sources: Sequence[Any],
    seeds: torch.Tensor,
    last: bool,
    retain: Optional[bool],
) -> List[Optional[torch.Tensor]]:
    """One backward pass over the tape's graph, batched over `seeds` by functorch.

    The same as `torch.func.vmap(vjp, in_dims=-1 if last else 0)(seeds)`, written
    with functorch's primitives: `torch.func.vmap` spends ~20 µs per call flattening
    and checking its arguments, a fifth of a small jacobian.
    """
    in_dim = seeds.dim() - 1 if last else 0
    size = seeds.shape[in_dim]

    with vmap_level(size) as level:
        grads = vjp([target], sources, [add_batch_dim(seeds, in_dim, level)], retain_graph=retain)
        return [None if g is None else remove_batch_dim(g, level, size, 0) for g in grads]


_LEGACY_FASTER_UP_TO = 2**16  # entries of one batched pass (NOTE [Which vmap])
_CONVOLUTION_PASS_BYTES = 2**21  # the largest convolution of one pass of our own rules


def _row_loop(
    vjp: VJP,
    target: Any,
    sources: Sequence[Any],
    seeds: Seeds,
    start: int,
    stop: int,
    retain: Optional[bool],
    what: str,
    failure: Optional[RuntimeError],
) -> List[Optional[torch.Tensor]]:
    rows = seeds(start, stop, False)
    per_row: List[List[Optional[torch.Tensor]]] = []
    for offset in range(stop - start):
        last = offset == stop - start - 1
        try:
            grads = vjp(
                [target],
                sources,
                [rows[offset]],
                retain_graph=retain if last else True,
            )
        except RuntimeError as error:
            if failure is not None and is_freed_graph_error(error):
                # The failed batched pass freed part of a non-persistent tape's graph.
                raise ValueError(_VECTORIZATION_FAILED.format(what=what)) from failure
            raise
        per_row.append(grads)
    stacked: List[Optional[torch.Tensor]] = []
    for index, source in enumerate(sources):
        column = [grads[index] for grads in per_row]
        if all(grad is None for grad in column):
            stacked.append(None)
            continue
        filled = [grad if grad is not None else _zeros_like(source) for grad in column]
        stacked.append(torch.stack(filled))
    return stacked


def _concat(
    pieces: List[Tuple[int, Optional[torch.Tensor]]], source: Any
) -> Optional[torch.Tensor]:
    """Join the rows of every chunk; a chunk that missed a source gives zeros."""
    if len(pieces) == 1:
        return pieces[0][1]
    if all(grad is None for _, grad in pieces):
        return None
    filled = []
    for size, grad in pieces:
        if grad is None:
            with _DisableSubclass():
                grad = torch.zeros(
                    (size,) + dims_of(source), dtype=source.dtype, device=source.device
                )
        filled.append(grad)
    return torch.cat(filled)


def _zeros_like(source: Any) -> torch.Tensor:
    with _DisableSubclass():
        return torch.zeros(dims_of(source), dtype=source.dtype, device=source.device)


def _empty_rows(vjp: VJP, target: Any, sources: Sequence[Any]) -> List[Optional[torch.Tensor]]:
    """A jacobian with no rows: which sources are connected, and empty results for them."""
    with _DisableSubclass():
        seed = torch.zeros(dims_of(target), dtype=target.dtype, device=target.device)
    grads = vjp([target], sources, [seed])
    return [
        None if grad is None else grad.new_zeros((0,) + dims_of(source))
        for grad, source in zip(grads, sources)
    ]
