"""`jacobian` and `batch_jacobian` on a recorded tape: one vectorized backward pass.

Design constraints (SPEC §3 "Jacobians"):

* TensorFlow vectorizes a jacobian with `pfor` over the rows `gradient(y[i], x)`. The
  torch equivalent needs no rewriting: one vector-Jacobian product over the tape's
  recorded graph whose output gradient is a *batch*, the rows of an identity matrix,
  run under `vmap` (NOTE [Which vmap] below says which). Every row goes through the graph at once;
  the result has a leading dimension of `target.numel()` and is reshaped to
  `target.shape + source.shape`.
* `batch_jacobian` relies on `target[i]` depending only on `source[i]`: the output
  gradient for output column `m` is one-hot in column `m` for *every* example at
  once, so `M = prod(target.shape[1:])` batched rows (not `B * M`) give every
  per-example jacobian; a transpose puts the batch dimension first.
* `parallel_iterations` bounds memory: the rows are sent in chunks of that many. A
  non-persistent tape keeps its graph alive between chunks and frees it with the
  last one, as `gradient` does.
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
import re
import warnings
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Sequence, Tuple, Union

import torch

from tftape_torch import _structure
from tftape_torch._tape import UnconnectedGradients, _unconnected
from tftape_torch._tensor import EagerTensor, as_eager
from tftape_torch._variable import Variable

if TYPE_CHECKING:  # pragma: no cover
    from tftape_torch._tape import GradientTape

__all__ = ["batch_jacobian", "jacobian"]

_DisableSubclass = torch._C.DisableTorchFunctionSubclass

# NOTE: [Which vmap]
# torch batches a backward pass over a recorded graph in two ways:
# `torch.autograd.grad(..., is_grads_batched=True)` (the legacy `_vmap_internals`
# batching rules) and functorch's `vmap` around the engine call. On torch 2.13
# functorch is as fast or faster on everything we measured and much faster where the
# legacy rules are missing or poor (`tanh_backward` runs as a per-row loop; jacobians
# through `mv` are 80x, through `conv2d` 5x, through `layer_norm` 8x slower), so it
# is the default. Two exceptions:
# * functorch's batching rule for `_cdist_backward` returns wrong values (every `p`;
#   `torch.func.jacrev` is wrong too). Graphs holding a `CdistBackward0` node take the
#   legacy path, which is right. A sweep of torch's OpInfo database (2111 samples,
#   float64) found no other op on which either path disagrees with a row loop.
# * `matmul(W, x)` with `x` a column (`[n, 1]`, as TF code writes it): the batched
#   gradient reaching `mm` is `[B, n, 1]` and functorch's `mm` rule turns it into a
#   `bmm` of B matrix-vector products (a 256x256 jacobian: 30 ms, 26 of them in `bmm`).
#   With the batch dimension last it stays one matrix product (1.5 ms); on other
#   graphs batch-last is up to 7x slower. So targets whose last dimension is 1
#   (columns) get batch-last seeds, all others batch-first.

# TF's messages, word for word (spacing included).
_LOOP_NEEDS_PERSISTENT = {
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
# What torch says when it cannot batch an op of the backward pass.
_VMAP_ERROR = re.compile(
    r"vmap|[Bb]atching rule|BatchedTensor|batched tensor|doesn't have storage"
)
_GRAPH_FREED = "backward through the graph a second time"
# Backward nodes whose functorch batching rule gives wrong values (NOTE [Which vmap]).
_LEGACY_VMAP_NODES = frozenset({"CdistBackward0"})

# Seeds `start:stop`, batch dimension first (or last).
Seeds = Callable[[int, int, bool], torch.Tensor]


# ---------------------------------------------------------------------- public


def jacobian(
    tape: "GradientTape",
    target: Any,
    sources: Any,
    unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
    parallel_iterations: Optional[int] = None,
    experimental_use_pfor: bool = True,
) -> Any:
    """The jacobian of `target` with respect to each of `sources` (see `GradientTape.jacobian`).

    >>> import torch
    >>> from tftape_torch import GradientTape
    >>> x = torch.tensor([1.0, 2.0])
    >>> with GradientTape() as g:
    ...     g.watch(x)
    ...     y = x * x
    >>> jacobian(g, y, x).shape
    torch.Size([2, 2])
    """
    unconnected = _unconnected(unconnected_gradients)
    target_shape = tuple(target.shape)  # TF's AttributeError for a non-tensor target
    if not experimental_use_pfor and not tape._persistent:
        raise RuntimeError(_LOOP_NEEDS_PERSISTENT["jacobian"])
    flat_sources = _structure.flatten(sources)
    tape._begin_use()
    try:
        chunk = _chunk_size(parallel_iterations, experimental_use_pfor, "jacobian")
        count = math.prod(target_shape)
        target = _as_target(tape, target, flat_sources)
        if count == 0:
            grads = _empty_rows(tape, target, flat_sources)
        else:
            grads = _rows(
                tape, target, flat_sources, _identity_rows(target, count), count, chunk,
                experimental_use_pfor, "jacobian",
            )
        results: List[Optional[torch.Tensor]] = []
        for source, grad in zip(flat_sources, grads):
            shape = target_shape + tuple(source.shape)
            if grad is not None:
                results.append(grad.reshape(shape))
            elif unconnected is UnconnectedGradients.ZERO:
                results.append(_zeros(shape, source.dtype, source.device, source))
            else:
                results.append(None)
        return _structure.pack_like(sources, results)
    finally:
        tape._end_use()


def batch_jacobian(
    tape: "GradientTape",
    target: Any,
    source: Any,
    unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
    parallel_iterations: Optional[int] = None,
    experimental_use_pfor: bool = True,
) -> torch.Tensor:
    """Per-example jacobians of `target[i]` with respect to `source[i]` (see `GradientTape.batch_jacobian`).

    >>> import torch
    >>> from tftape_torch import GradientTape
    >>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> with GradientTape() as g:
    ...     g.watch(x)
    ...     y = x * x
    >>> batch_jacobian(g, y, x).shape
    torch.Size([2, 2, 2])
    """
    unconnected = _unconnected(unconnected_gradients)
    tape._check_usable()  # TF names a spent tape before looking at shapes
    target_shape = tuple(target.shape)
    source_shape = tuple(source.shape)
    _check_batch_shapes(target_shape, source_shape)
    batch = target_shape[0]
    row_size = math.prod(target_shape) // batch  # TF's ZeroDivisionError for batch 0
    if not experimental_use_pfor and not tape._persistent:
        raise RuntimeError(_LOOP_NEEDS_PERSISTENT["batch_jacobian"])
    tape._begin_use()
    try:
        chunk = _chunk_size(parallel_iterations, experimental_use_pfor, "batch_jacobian")
        shape = target_shape + source_shape[1:]
        target = _as_target(tape, target, [source])
        grad: Optional[torch.Tensor] = None
        if row_size:
            (grad,) = _rows(
                tape, target, [source], _column_rows(target, batch, row_size), row_size,
                chunk, experimental_use_pfor, "batch_jacobian",
            )
        if grad is None:
            # TF: zeros in the target's dtype, or the source's with "zero" (its
            # gradient function then returns zeros shaped like the source).
            dtype = source.dtype if unconnected is UnconnectedGradients.ZERO else target.dtype
            return _zeros(shape, dtype, source.device, source, target)
        # [M, B, *source.shape[1:]] -> [B, M, *source.shape[1:]] -> final shape.
        return grad.transpose(0, 1).reshape(shape)
    finally:
        tape._end_use()


# ---------------------------------------------------------------------- checks


def _check_batch_shapes(target_shape: Tuple[int, ...], source_shape: Tuple[int, ...]) -> None:
    """TF's checks, in TF's order and with its exception classes."""
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


def _chunk_size(parallel_iterations: Any, vectorize: bool, what: str) -> Optional[int]:
    """Rows per batched backward pass; None for all at once. TF's argument errors."""
    if parallel_iterations is None:
        return None
    if not isinstance(parallel_iterations, numbers.Integral) or isinstance(parallel_iterations, bool):
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
            "Argument `parallel_iterations` must be None or a positive integer. "
            f"Received: {value}."
        )
    elif value == 1:
        cause = ValueError("Found `parallel_iterations == 1`. Use `for_loop` instead.")
    else:
        return value
    raise ValueError(_VECTORIZATION_FAILED.format(what=what)) from cause


# ---------------------------------------------------------------------- seeds


def _as_target(tape: "GradientTape", target: Any, sources: Sequence[Any]) -> Any:
    """`target`, or a stand-in when it is a source the tape knows nothing about.

    TF differentiates a reshape of `target` recorded on the tape: for a tensor that
    is neither watched nor recorded that reshape is not recorded either, so the
    jacobian of such a tensor with respect to itself is unconnected, not the identity.
    """
    if isinstance(target, Variable) or not any(target is source for source in sources):
        return target
    if tape._watches(target):
        return target
    with _DisableSubclass():
        return torch.Tensor.detach(target)


def _identity_rows(target: torch.Tensor, count: int) -> Seeds:
    """Rows `start:stop` of the identity, each shaped like `target`."""
    shape = tuple(target.shape)

    def rows(start: int, stop: int, last: bool) -> torch.Tensor:
        size = stop - start
        with _DisableSubclass():
            if size == count:  # every row: the identity itself (symmetric)
                eye = torch.eye(count, dtype=target.dtype, device=target.device)
                return eye.view(shape + (size,) if last else (size,) + shape)
            if last:
                seeds = torch.zeros((count, size), dtype=target.dtype, device=target.device)
                seeds.diagonal(offset=-start).fill_(1)
                return seeds.view(shape + (size,))
            seeds = torch.zeros((size, count), dtype=target.dtype, device=target.device)
            seeds.diagonal(offset=start).fill_(1)
            return seeds.view((size,) + shape)

    return rows


def _column_rows(target: torch.Tensor, batch: int, row_size: int) -> Seeds:
    """Seeds `start:stop` of a batch_jacobian: seed `m` is 1 in column `m` of every example."""
    shape = tuple(target.shape)

    def rows(start: int, stop: int, last: bool) -> torch.Tensor:
        size = stop - start
        with _DisableSubclass():
            if size == row_size and not last:  # every column
                eye = torch.eye(row_size, dtype=target.dtype, device=target.device)
                return eye.unsqueeze(1).expand(size, batch, row_size).reshape((size,) + shape)
            if last:
                eye = torch.zeros((1, row_size, size), dtype=target.dtype, device=target.device)
                eye.diagonal(offset=-start, dim1=1, dim2=2).fill_(1)
                return eye.expand(batch, row_size, size).reshape(shape + (size,))
            eye = torch.zeros((size, 1, row_size), dtype=target.dtype, device=target.device)
            eye.diagonal(offset=start, dim1=0, dim2=2).fill_(1)
            return eye.expand(size, batch, row_size).reshape((size,) + shape)

    return rows


def _zeros(
    shape: Tuple[int, ...], dtype: torch.dtype, device: torch.device, *like: Any
) -> torch.Tensor:
    with _DisableSubclass():
        zeros = torch.zeros(shape, dtype=dtype, device=device)
    if any(isinstance(item, EagerTensor) for item in like):
        zeros = as_eager(zeros)
    return zeros


# ---------------------------------------------------------------------- engine


def _rows(
    tape: "GradientTape",
    target: Any,
    sources: Sequence[Any],
    seeds: Seeds,
    count: int,
    chunk: Optional[int],
    vectorize: bool,
    what: str,
) -> List[Optional[torch.Tensor]]:
    """VJPs of `target` with seeds `0:count`, stacked: `[count, *source.shape]` or None.

    Batched passes of `chunk` rows (all rows when None); row by row when not
    `vectorize` or once a batched pass hits an op torch cannot batch.
    """
    step = count if chunk is None else chunk
    legacy = vectorize and _has_node(target, _LEGACY_VMAP_NODES)
    last = not legacy and target.dim() >= 2 and target.shape[-1] == 1
    pieces: List[Tuple[int, List[Optional[torch.Tensor]]]] = []
    start = 0
    failure: Optional[RuntimeError] = None
    while start < count:
        stop = min(count, start + step)
        retain = None if stop == count else True
        if vectorize:
            try:
                if legacy:
                    grads = tape._compute(
                        [target], sources, [seeds(start, stop, False)],
                        is_grads_batched=True, retain_graph=retain,
                    )
                else:
                    grads = _vmapped(tape, target, sources, seeds(start, stop, last), last, retain)
            except RuntimeError as error:
                if not _VMAP_ERROR.search(str(error)):
                    raise
                reason = str(error).strip().splitlines()[0]
                warnings.warn(_FALLBACK_WARNING.format(what=what, reason=reason), stacklevel=4)
                vectorize = False
                failure = error
                continue
        else:
            grads = _row_loop(tape, target, sources, seeds, start, stop, retain, what, failure)
        pieces.append((stop - start, grads))
        start = stop
    return [
        _concat([(size, grads[index]) for size, grads in pieces], source)
        for index, source in enumerate(sources)
    ]


try:  # functorch's primitives: `torch.func.vmap` minus its per-call pytree work
    from torch._C._functorch import (
        _add_batch_dim,
        _remove_batch_dim,
        _vmap_decrement_nesting,
        _vmap_increment_nesting,
    )
except ImportError:  # pragma: no cover - other torch versions
    _vmap_increment_nesting = None  # type: ignore[assignment]

_UNCONNECTED = torch.zeros(())  # stands for None in `torch.func.vmap`'s outputs


def _vmapped(
    tape: "GradientTape",
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

    def vjp(seed: torch.Tensor) -> List[Optional[torch.Tensor]]:
        return tape._compute([target], sources, [seed], retain_graph=retain)

    if _vmap_increment_nesting is not None:
        level = _vmap_increment_nesting(size, "error")
        try:
            grads = vjp(_add_batch_dim(seeds, in_dim, level))
            rows = [None if g is None else _remove_batch_dim(g, level, size, 0) for g in grads]
        finally:
            _vmap_decrement_nesting()
    else:  # pragma: no cover - other torch versions
        connected: List[bool] = []

        def total(seed: torch.Tensor) -> List[torch.Tensor]:
            grads = vjp(seed)
            connected[:] = [grad is not None for grad in grads]
            return [_UNCONNECTED if grad is None else grad for grad in grads]

        batched = torch.func.vmap(total, in_dims=in_dim)(seeds)
        rows = [grad if present else None for grad, present in zip(batched, connected)]
    return [
        as_eager(grad) if grad is not None and isinstance(source, EagerTensor) else grad
        for source, grad in zip(sources, rows)
    ]


def _has_node(target: Any, names: frozenset) -> bool:
    """Whether the graph below `target` holds a node of one of these types."""
    root = getattr(target, "grad_fn", None)
    if root is None:
        return False
    seen = {root}
    pending = [root]
    pop, push, add = pending.pop, pending.append, seen.add
    while pending:
        node = pop()
        if node.name() in names:
            return True
        for next_node, _ in node.next_functions:
            if next_node is not None and next_node not in seen:
                add(next_node)
                push(next_node)
    return False


def _row_loop(
    tape: "GradientTape",
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
            grads = tape._compute(
                [target], sources, [rows[offset]],
                retain_graph=retain if last else True,
            )
        except RuntimeError as error:
            if failure is not None and _GRAPH_FREED in str(error):
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


def _concat(pieces: List[Tuple[int, Optional[torch.Tensor]]], source: Any) -> Optional[torch.Tensor]:
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
                    (size,) + tuple(source.shape), dtype=source.dtype, device=source.device
                )
        filled.append(grad)
    return torch.cat(filled)


def _zeros_like(source: Any) -> torch.Tensor:
    with _DisableSubclass():
        return torch.zeros(tuple(source.shape), dtype=source.dtype, device=source.device)


def _empty_rows(
    tape: "GradientTape", target: Any, sources: Sequence[Any]
) -> List[Optional[torch.Tensor]]:
    """A jacobian with no rows: which sources are connected, and empty results for them."""
    with _DisableSubclass():
        seed = torch.zeros(tuple(target.shape), dtype=target.dtype, device=target.device)
    grads = tape._compute([target], sources, [seed])
    return [
        None if grad is None else grad.new_zeros((0,) + tuple(source.shape))
        for grad, source in zip(grads, sources)
    ]
