"""The tensors whose `requires_grad` flag tapes switched on, process-wide.

`requires_grad` is a flag of the tensor, which every thread sees. Watching a plain
tensor switches it on for as long as some tape that watches it records; the tensors
so flipped are kept here, under one lock, so a tape never turns the flag off under
another thread's tape, nor mistakes another tape's watched tensor for a user's leaf.

Once the flag is restored, graph recorded on the leaf while it was on may still be
alive (an intermediate's history hangs off the leaf's gradient accumulator). A
sentinel in that accumulator's metadata tells for how long (`flipped_before`): the
accumulator holds the leaf, so while the sentinel lives the leaf's `id` is its own.

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
from typing import Any, Dict, List, Optional

import torch
from torch.autograd.graph import GradientEdge

from tftape_torch import _state
from tftape_torch._torch_internals import (
    DisableTorchFunction,
    current_graph_task_id,
    next_sequence_nr,
    set_requires_grad,
)

__all__ = [
    "FLIPPED_BEFORE", "FLIPS", "FLIP_COUNT", "HOLDER", "LOCK", "Flip", "flip", "flipped_before",
    "flipped_elsewhere", "leaf_edge", "restore",
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
        "edge",
    )

    def __init__(self, tensor: torch.Tensor, tape: Any, stack: List[Any]) -> None:
        self.tensor = tensor
        # The edge of the leaf's gradient accumulator, once asked for: one node for the
        # whole flip (held here, so torch cannot make another while the flag is on).
        self.edge: Optional[GradientEdge] = None
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
        stack = _state.THREAD.tapes
        if not _among(stack, self.stacks):  # a new stack holds the flip
            _count_holder(stack, 1)
        self.owners.append(tape)
        self.stacks.append(stack)
        if not self.other_threads and threading.get_ident() != self.thread:
            self.other_threads = True

    def leave(self, tape: Any) -> bool:
        """`tape`, one of `owners`, lets go of the flip (`LOCK` held); returns whether
        other tapes still hold it (else call `restore`)."""
        index = self.owners.index(tape)
        del self.owners[index]
        stack = self.stacks.pop(index)
        if not _among(stack, self.stacks):  # no other owner records on this stack
            _count_holder(stack, -1)
        return bool(self.owners)

    def untouched_since_flip(self) -> bool:
        """Whether no tape can have recorded an op on the leaf since the flip."""
        return (
            not self.other_threads
            and self.thread == threading.get_ident()
            and self.sequence_nr == next_sequence_nr()
        )


#: id(tensor) -> its Flip, for every tensor whose flag is on because of tapes.
FLIPS: Dict[int, Flip] = {}
#: id(leaf) -> its sentinel, weakly, for leaves flipped earlier that had ops recorded
#: on them. Entries whose sentinel died are dropped in batches (`restore`).
FLIPPED_BEFORE: Dict[int, weakref.ref[Any]] = {}
#: The size of FLIPPED_BEFORE at which the next batch of dead entries is dropped.
_DROP_AT: List[int] = [64]
#: Guards FLIPS and FLIPPED_BEFORE (re-entrant: code run under it, a torch function
#: mode's say, may reach a tape again without deadlocking).
LOCK = threading.RLock()
#: id(stack) -> [stack, how many flips its tapes hold], for every stack of recording
#: tapes (`_state.THREAD.tapes`, one per thread) whose tapes hold flips (a flip held
#: by several tapes of one stack counts once).
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
        set_requires_grad(tensor, True)  # (the raw setter: a drop-in tensor's is Python)
    except BaseException:
        del FLIPS[id(tensor)]
        raise
    _count_holder(stack, 1)
    return record


def _among(stack: List[Any], stacks: List[List[Any]]) -> bool:
    """Whether `stack` itself (not merely an equal list) is one of `stacks`."""
    for other in stacks:
        if other is stack:
            return True
    return False


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


#: `GradientEdge(node, output_nr)` without the named tuple's Python `__new__`.
_new_tuple = tuple.__new__


def leaf_edge(record: Flip) -> GradientEdge:
    """The gradient edge of the leaf of flip `record`, whose flag is on now.

    Unlike the tensor itself, the edge stays a valid engine input after the flag is
    switched off (by another thread's tape letting go of its flip). Call with `LOCK`
    held, so the flag cannot change in between.
    """
    edge = record.edge
    if edge is None:
        # torch reaches a leaf's gradient accumulator only through a view's graph.
        tensor = record.tensor
        with DisableTorchFunction():  # (a subclass's `view_as` would dispatch)
            if torch.is_grad_enabled():
                view = tensor.view_as(tensor)
            else:
                with torch.enable_grad():
                    view = tensor.view_as(tensor)
        accumulator = view.grad_fn.next_functions[0][0]  # type: ignore[union-attr]
        edge = record.edge = _new_tuple(GradientEdge, (accumulator, 0))
    return edge


def restore(record: Flip) -> Optional[GradientEdge]:
    """Switch the flag of flip `record`'s leaf back off: its last owner let go.

    Returns the leaf's gradient edge (its accumulator), still valid once the flag is
    off, if graph was recorded on the leaf under the flip (a sentinel in the
    accumulator then tells later tapes, `flipped_before`); None if nothing was. Call
    with `LOCK` held, torch functions off for a tensor subclass.
    """
    edge = None
    tensor = record.tensor
    if not record.untouched_since_flip():
        edge = leaf_edge(record)
        sentinel = _Sentinel()
        accumulator: Any = edge.node
        accumulator.metadata[_SENTINEL_KEY] = sentinel
        FLIPPED_BEFORE[id(tensor)] = weakref.ref(sentinel)
        if len(FLIPPED_BEFORE) >= _DROP_AT[0]:
            _drop_dead()
    set_requires_grad(tensor, False)
    # Only now: while the flag is on, its flip is in FLIPS, for the ops of other
    # threads to find (NOTE: [Ops beside other threads' tapes] in `_tensor`).
    del FLIPS[id(tensor)]
    return edge


def _drop_dead() -> None:
    """Drop the entries of FLIPPED_BEFORE whose graph is gone (`LOCK` held).

    Run when the dict has doubled since the last time, so each entry costs O(1).
    """
    for key in [key for key, sentinel in FLIPPED_BEFORE.items() if sentinel() is None]:
        del FLIPPED_BEFORE[key]
    _DROP_AT[0] = max(64, 2 * len(FLIPPED_BEFORE))


def flipped_before(tensor: torch.Tensor) -> bool:
    """Whether graph recorded on `tensor` under an earlier flip may still be alive.

    A live sentinel keeps its accumulator's leaf alive, so no other tensor has its id.
    """
    sentinel = FLIPPED_BEFORE.get(id(tensor))
    return sentinel is not None and sentinel() is not None
