"""The tensors whose `requires_grad` flag tapes switched on, process-wide.

`requires_grad` is a flag of the tensor, which every thread sees. Watching a plain
tensor switches it on for as long as some tape that watches it records; the tensors
so flipped are kept here, under one lock, so a tape never turns the flag off under
another thread's tape, nor mistakes another tape's watched tensor for a user's leaf.

Once the flag is restored, graph recorded on the leaf while it was on may still be
alive (an intermediate's history hangs off the leaf's gradient accumulator). A
sentinel in that accumulator's metadata tells for how long (`flipped_before`).

Which thread's tapes hold each flip is kept too (by the thread's stack of recording
tapes, `_state.THREAD.tapes`, which a thread adopting another's tapes shares): an
op on a thread none of whose tapes holds a flip must see that tensor detached, as
TF records nothing there (`flipped_elsewhere`; NOTE: [Ops beside other threads'
tapes] in `_tensor`). `HOLDER[0]` is the one stack whose tapes hold every flip, if
there is one: the op layer's gate (`FLIPS and HOLDER[0] is not THREAD.tapes`) skips
the check in the single-threaded case.

>>> import torch
>>> x = torch.ones(2)
>>> flipped_before(x)
False
"""

from __future__ import annotations

import threading
import weakref
from functools import partial
from typing import Any, Dict, List, Optional, Tuple

import torch
from torch.autograd.graph import GradientEdge

from tftape_torch import _state
from tftape_torch._torch_internals import (
    DisableTorchFunction,
    current_graph_task_id,
    next_sequence_nr,
)

__all__ = [
    "FLIPPED_BEFORE", "FLIPS", "FLIP_COUNT", "HOLDER", "LOCK", "Flip", "flip", "flipped_before",
    "flipped_elsewhere", "leaf_edge", "remember_flipped",
]


class Flip:
    """A tensor whose `requires_grad` some tapes switched on.

    `owners` are the tapes still holding the flip, `stacks` the stacks of recording
    tapes they record on (one per owner); `watchers` every live, unspent tape that
    held it (weakly): they get the leaf's edge when the flag is restored. Change
    `owners` only through `join` and `leave`, with `LOCK` held.
    """

    __slots__ = (
        "tensor", "owners", "stacks", "watchers", "sequence_nr", "thread", "other_threads",
        "accumulator",
    )

    def __init__(self, tensor: torch.Tensor, tape: Any, stack: List[Any]) -> None:
        self.tensor = tensor
        # The leaf's gradient accumulator, once asked for: one node for the whole flip
        # (held here, so torch cannot make another while the flag is on).
        self.accumulator: Any = None
        # The first owner and watcher, recording on the calling thread on `stack`.
        self.owners: List[Any] = [tape]
        self.stacks: List[List[Any]] = [stack]
        self.watchers: List[weakref.ref[Any]] = [weakref.ref(tape)]
        # Sequence numbers count per thread: compare them only on the same thread.
        self.sequence_nr = next_sequence_nr()
        self.thread = threading.get_ident()
        # Whether a tape on another thread joined: it may have recorded on the leaf,
        # which this thread's sequence numbers cannot tell.
        self.other_threads = False

    def join(self, tape: Any) -> None:
        """`tape`, recording on the calling thread, holds the flip too (`LOCK` held)."""
        stack = _state.recording_tapes()
        self.owners.append(tape)
        self.stacks.append(stack)
        _count_holder(stack, 1)
        if not self.other_threads and threading.get_ident() != self.thread:
            self.other_threads = True

    def leave(self, tape: Any) -> None:
        """`tape`, one of `owners`, lets go of the flip (`LOCK` held)."""
        index = self.owners.index(tape)
        del self.owners[index]
        _count_holder(self.stacks.pop(index), -1)

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
#: id(stack) -> [stack, how many flips its tapes hold], for every stack of recording
#: tapes (`_state.THREAD.tapes`, one per thread) whose tapes hold flips.
_HOLDERS: Dict[int, List[Any]] = {}
#: [the stack whose tapes hold every flip, or None when tapes of several hold them].
#: Read without `LOCK` (one list item: an atomic read), changed under it.
HOLDER: List[Optional[List[Any]]] = [None]


#: [how many flips were ever made]: bumped before the flag goes on, so an op that may
#: have seen a flag on while its flip was not recorded yet can tell, and run again.
FLIP_COUNT: List[int] = [0]


def flip(tensor: torch.Tensor, tape: Any) -> Flip:
    """Switch `tensor`'s flag on for `tape`, recording on the calling thread, and
    record the flip with `tape` as its first owner and watcher (`LOCK` held).

    The record (and `FLIP_COUNT`) come first: an op that finds the flag on finds the
    flip too, or sees the count moved (NOTE: [Ops beside other threads' tapes]).
    """
    FLIP_COUNT[0] += 1
    stack = _state.THREAD.tapes
    record = FLIPS[id(tensor)] = Flip(tensor, tape, stack)
    try:
        tensor.requires_grad_(True)
    except BaseException:
        del FLIPS[id(tensor)]
        raise
    _count_holder(stack, 1)
    return record


def _count_holder(stack: List[Any], change: int) -> None:
    """The tapes of `stack` hold `change` more flips (`LOCK` held)."""
    key = id(stack)
    entry = _HOLDERS.get(key)
    if entry is None:
        _HOLDERS[key] = [stack, change]
        HOLDER[0] = stack if len(_HOLDERS) == 1 else None
        return
    entry[1] += change
    if entry[1] > 0:
        return  # the set of holding stacks (so HOLDER) is unchanged
    del _HOLDERS[key]
    HOLDER[0] = next(iter(_HOLDERS.values()))[0] if len(_HOLDERS) == 1 else None


def flipped_elsewhere(tensor: torch.Tensor, tapes: List[Any]) -> bool:
    """Whether `tensor` requires grad only because tapes recording elsewhere flipped it.

    That is: a flip of `tensor` exists and no tape of `tapes` (the calling thread's
    stack of recording tapes, `_state.THREAD.tapes`) holds it. An op run now on this
    thread must then see `tensor` detached: TF records it on no tape.

    Safe without `LOCK` held: the first look takes none (a tensor with no flip
    answers at once), a flip found is checked under it. Only this thread's tapes
    join or leave through `tapes`, so the answer cannot turn False under the caller;
    other threads may release the flip meanwhile (the flag goes off: the detached
    tensor is then what the op would have seen anyway) or flip a tensor that had
    none (a race TF's tapes do not have: the op may be recorded, as before).

    A thread with no tapes of its own running a backward pass is torch's device
    thread computing a gradient for the thread that asked (the backward of CUDA
    tensors): its ops are that thread's gradient ops, so they see `tensor` as it is.

    >>> import torch
    >>> flipped_elsewhere(torch.ones(2), [])
    False
    """
    if FLIPS.get(id(tensor)) is None:
        return False
    if not tapes and current_graph_task_id() != -1:
        return False
    with LOCK:
        record = FLIPS.get(id(tensor))
        if record is None or record.tensor is not tensor:
            return False
        for stack in record.stacks:
            if stack is tapes:
                return False
        return True


class _Sentinel:
    """Lives in a gradient accumulator's metadata for as long as the node does."""

    __slots__ = ("__weakref__",)


_SENTINEL_KEY = "tftape_torch.flipped"


def _new_accumulator(tensor: torch.Tensor) -> Any:
    with DisableTorchFunction():
        if torch.is_grad_enabled():
            view = tensor.view_as(tensor)
        else:
            with torch.enable_grad():
                view = tensor.view_as(tensor)
        return view.grad_fn.next_functions[0][0]  # type: ignore[union-attr]


def leaf_edge(record: Flip) -> GradientEdge:
    """The gradient edge of the leaf of flip `record`, whose flag is on now.

    Unlike the tensor itself, the edge stays a valid engine input after the flag is
    switched off (by another thread's tape letting go of its flip). Call with `LOCK`
    held, so the flag cannot change in between.
    """
    accumulator = record.accumulator
    if accumulator is None:
        accumulator = record.accumulator = _new_accumulator(record.tensor)
    return GradientEdge(accumulator, 0)


def remember_flipped(record: Flip) -> GradientEdge:
    """Note that graph was recorded on the leaf of flip `record` while it was on.

    Returns the leaf's gradient edge (its accumulator), still valid once the flag
    is restored. Call with `LOCK` held and the flag still on.
    """
    edge = leaf_edge(record)
    sentinel = _Sentinel()
    record.accumulator.metadata[_SENTINEL_KEY] = sentinel
    tensor = record.tensor
    key = id(tensor)
    forget = partial(_forget_flipped, key)
    FLIPPED_BEFORE[key] = (weakref.ref(tensor, forget), weakref.ref(sentinel, forget))
    return edge


def _forget_flipped(key: int, ref: Any) -> None:
    """Weakref callback: the leaf or the graph recorded on it under a flip is gone."""
    with LOCK:
        entry = FLIPPED_BEFORE.get(key)
        if entry is not None and ref in entry:
            del FLIPPED_BEFORE[key]


def flipped_before(tensor: torch.Tensor) -> bool:
    """Whether graph recorded on `tensor` under an earlier flip may still be alive."""
    entry = FLIPPED_BEFORE.get(id(tensor))
    return entry is not None and entry[0]() is tensor and entry[1]() is not None
