"""The tensors whose `requires_grad` flag tapes switched on, process-wide.

`requires_grad` is a flag of the tensor, which every thread sees. Watching a plain
tensor switches it on for as long as some tape that watches it records; the tensors
so flipped are kept here, under one lock, so a tape never turns the flag off under
another thread's tape, nor mistakes another tape's watched tensor for a user's leaf.

Once the flag is restored, graph recorded on the leaf while it was on may still be
alive (an intermediate's history hangs off the leaf's gradient accumulator). A
sentinel in that accumulator's metadata tells for how long (`flipped_before`).

>>> import torch
>>> x = torch.ones(2)
>>> flipped_before(x)
False
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Dict, List, Tuple

import torch
from torch.autograd.graph import GradientEdge

from tftape_torch._torch_internals import DisableTorchFunction, next_sequence_nr

__all__ = [
    "FLIPPED_BEFORE", "FLIPS", "LOCK", "Flip", "flipped_before", "leaf_edge", "remember_flipped",
]


class Flip:
    """A tensor whose `requires_grad` some tapes switched on.

    `owners` are the tapes still holding the flip; `watchers` every live, unspent
    tape that held it (weakly): they get the leaf's edge when the flag is restored.
    """

    __slots__ = ("tensor", "owners", "watchers", "sequence_nr", "thread", "other_threads")

    def __init__(self, tensor: torch.Tensor) -> None:
        self.tensor = tensor
        self.owners: List[Any] = []
        self.watchers: List[weakref.ref[Any]] = []
        # Sequence numbers count per thread: compare them only on the same thread.
        self.sequence_nr = next_sequence_nr()
        self.thread = threading.get_ident()
        # Whether a tape on another thread joined: it may have recorded on the leaf,
        # which this thread's sequence numbers cannot tell.
        self.other_threads = False

    def join(self, tape: Any) -> None:
        """`tape`, recording on the calling thread, holds the flip too (`LOCK` held)."""
        self.owners.append(tape)
        if not self.other_threads and threading.get_ident() != self.thread:
            self.other_threads = True

    def untouched_since_flip(self) -> bool:
        """Whether no tape can have recorded an op on the leaf since the flip."""
        return (
            not self.other_threads
            and self.thread == threading.get_ident()
            and self.sequence_nr == next_sequence_nr()
        )


#: id(tensor) -> its Flip, for every tensor whose flag is on because of tapes.
FLIPS: Dict[int, Flip] = {}
#: Leaves flipped earlier that had ops recorded on them: (tensor, sentinel) weakly.
FLIPPED_BEFORE: Dict[int, Tuple[weakref.ref[torch.Tensor], weakref.ref[Any]]] = {}
#: Guards FLIPS and FLIPPED_BEFORE (re-entrant: weakref callbacks take it too).
LOCK = threading.RLock()


class _Sentinel:
    """Lives in a gradient accumulator's metadata for as long as the node does."""

    __slots__ = ("__weakref__",)


_SENTINEL_KEY = "tftape_torch.flipped"


def _accumulator(tensor: torch.Tensor) -> Any:
    """The gradient accumulator of leaf `tensor`, which requires grad."""
    with DisableTorchFunction():
        if torch.is_grad_enabled():
            view = tensor.view_as(tensor)
        else:
            with torch.enable_grad():
                view = tensor.view_as(tensor)
        return view.grad_fn.next_functions[0][0]  # type: ignore[union-attr]


def leaf_edge(tensor: torch.Tensor) -> GradientEdge:
    """The gradient edge of leaf `tensor`, which requires grad now.

    Unlike the tensor itself, the edge stays a valid engine input after the flag is
    switched off (by another thread's tape letting go of its flip). Call with `LOCK`
    held, so the flag cannot change in between.
    """
    return GradientEdge(_accumulator(tensor), 0)


def remember_flipped(tensor: torch.Tensor) -> GradientEdge:
    """Note that graph was recorded on leaf `tensor` while a tape had it flipped.

    Returns the leaf's gradient edge (its accumulator), still valid once the flag
    is restored. Call with `LOCK` held and the flag still on.
    """
    accumulator = _accumulator(tensor)
    sentinel = _Sentinel()
    accumulator.metadata[_SENTINEL_KEY] = sentinel
    key = id(tensor)

    def forget(ref: Any, key: int = key) -> None:
        with LOCK:
            entry = FLIPPED_BEFORE.get(key)
            if entry is not None and ref in entry:
                del FLIPPED_BEFORE[key]

    FLIPPED_BEFORE[key] = (weakref.ref(tensor, forget), weakref.ref(sentinel, forget))
    return GradientEdge(accumulator, 0)


def flipped_before(tensor: torch.Tensor) -> bool:
    """Whether graph recorded on `tensor` under an earlier flip may still be alive."""
    entry = FLIPPED_BEFORE.get(id(tensor))
    return entry is not None and entry[0]() is tensor and entry[1]() is not None
