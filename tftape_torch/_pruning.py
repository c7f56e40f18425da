"""Which nodes of torch's graph a tape recorded, by TF's rule, and pruning the rest.

torch records every op on tensors that require grad; a TF tape records an op only
when it runs while the tape records *and* one of its inputs is watched by the tape
(watched before the op ran) or came from an op the tape recorded. For a *dirty* tape
(NOTE: [Recording windows] in `_tape`) the graph below a target may hold nodes TF
would not have recorded; `prune_unrecorded` walks it once and puts a
gradient-dropping pre-hook on each, so gradient stops there as it does in TF.

>>> import torch
>>> view = RecordedView(lambda nr: True, {}, {}, accessed=True)
>>> x = torch.ones(2, requires_grad=True)
>>> derives_from_watched((x * 2).grad_fn, view)
True
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

import torch

from tftape_torch._flips import FLIPS
from tftape_torch._torch_internals import LEAF_SEQUENCE_NR, node_sequence_nr

__all__ = [
    "DeviceBackward",
    "RecordedView",
    "all_recorded",
    "derives_from_watched",
    "device_made_numbers",
    "prune_unrecorded",
    "recorded_nodes",
]


class RecordedView(NamedTuple):
    """What a tape knows that decides which nodes it recorded.

    `in_window(nr)`: whether a node numbered `nr` was created while the tape recorded;
    `watched_leaves`: id of each leaf tensor it watches -> the sequence number at which
    it was watched (0 for Variable reads: read before any op uses them);
    `watched_nodes`: id of a watched intermediate's node -> the sequence number at
    which it was watched; `accessed`: whether it watches trainable leaves it sees;
    `foreign_leaves`: ids of leaves other tapes' Variable reads made (never this
    tape's, even when they require grad); `renumbered`: id of a node an autograd device
    thread made -> (the number it counts as on the tape's thread, the node itself,
    kept alive so that its id stays its own; `device_made_numbers`).
    """

    in_window: Callable[[int], bool]
    watched_leaves: Dict[int, int]
    watched_nodes: Dict[int, int]
    accessed: bool
    foreign_leaves: Set[int] = frozenset()  # type: ignore[assignment]
    renumbered: Dict[int, Tuple[int, Any]] = {}  # noqa: RUF012 - never mutated


class DeviceBackward(NamedTuple):
    """A differentiable backward pass whose new nodes an autograd device thread made.

    torch runs the backward of CUDA tensors on a thread of its own per device, so the
    nodes a `create_graph` pass makes there carry that thread's sequence numbers, which
    mean nothing in a tape's windows (NOTE: [Recording windows] in `_tape`). A tape
    recording during the pass keeps this record: `called_at`, the number on its own
    thread when the pass ran; `old`, the nodes below the pass's targets and seeds (the
    graph that existed before); `new`, the nodes of the gradients it returned.
    """

    called_at: int
    old: List[Any]
    new: List[Any]


def device_made_numbers(passes: Sequence[DeviceBackward]) -> Dict[int, Tuple[int, Any]]:
    """id of each node the `passes` made -> (the pass's `called_at`, the node), for
    `RecordedView.renumbered`.

    The made nodes are those below a pass's gradients that are not below its targets
    or seeds: TF records gradient ops run while a tape records, so they count as made
    on the tape's thread when the pass was called. (Python objects of torch's C++
    nodes live only while referenced, and a new one may take a dead one's id: the
    walks key nodes by id and so keep every node they meet.)
    """
    numbers: Dict[int, Tuple[int, Any]] = {}
    for called_at, old, new in passes:
        before = _reachable(old, {})
        for key, node in _reachable(new, before).items():
            numbers.setdefault(key, (called_at, node))
    return numbers


def _reachable(roots: Sequence[Any], stop: Dict[int, Any]) -> Dict[int, Any]:
    """The non-leaf nodes reachable from `roots` without entering `stop`, by id."""
    seen: Dict[int, Any] = {}
    pending = [root for root in roots if root is not None]
    while pending:
        node = pending.pop()
        key = id(node)
        if key in seen or key in stop or node_sequence_nr(node) == LEAF_SEQUENCE_NR:
            continue
        seen[key] = node
        pending.extend(child for child, _ in node.next_functions if child is not None)
    return seen


def _number(node: Any, view: RecordedView) -> int:
    """`node`'s sequence number on the tape's thread (see `RecordedView.renumbered`)."""
    if view.renumbered:
        made = view.renumbered.get(id(node))
        if made is not None:
            return made[0]
    return node_sequence_nr(node)


def _leaf_watched_at(node: Any, view: RecordedView) -> Optional[int]:
    """The sequence number from which leaf node `node` is watched; None if it is not."""
    leaf = getattr(node, "variable", None)
    if leaf is None:
        return None
    watched_at = view.watched_leaves.get(id(leaf))
    if watched_at is not None:
        return watched_at
    if (view.accessed and leaf.requires_grad and id(leaf) not in FLIPS
            and id(leaf) not in view.foreign_leaves):
        return 0  # a leaf of the user's own (an `nn.Parameter`): watched when accessed
    return None


def _input_watched(child: Any, consumer_nr: int, view: RecordedView) -> bool:
    """Whether `child` is a watched node or leaf, watched before its consumer was made.

    TF records an op only if one of its inputs was watched *before* the op ran.
    """
    watched_at = view.watched_nodes.get(id(child))
    if watched_at is None and node_sequence_nr(child) == LEAF_SEQUENCE_NR:
        watched_at = _leaf_watched_at(child, view)
    return watched_at is not None and watched_at <= consumer_nr


def derives_from_watched(node: Any, view: RecordedView) -> bool:
    """Whether recorded `node` has, below it through recorded nodes, a watched input.

    An intermediate computed in the tape's window from tensors the tape does not
    watch (or watched only after the op ran) is not on the tape.
    """
    seen: Dict[int, Any] = {}  # (the nodes kept: see `device_made_numbers`)
    pending = [node]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen[id(node)] = node
        nr = _number(node, view)
        if nr == LEAF_SEQUENCE_NR or not view.in_window(nr):
            continue
        for child, _ in node.next_functions:
            if child is None:
                continue
            if _input_watched(child, nr, view):
                return True
            pending.append(child)
    return False


def all_recorded(outputs: Sequence[torch.Tensor], view: RecordedView) -> bool:
    """Whether TF would have recorded every node below `outputs` (nothing to prune).

    `prune_unrecorded`'s rule in one visit per node, for the common case: every node is
    inside the tape's windows and has an input that is itself such a node or a leaf
    watched before the node ran. From the leaves up, every node is then recorded. False
    means only that the full walk must decide.
    """
    in_window = view.in_window
    seen: Dict[int, Any] = {}  # (the nodes kept: see `device_made_numbers`)
    pending = [output.grad_fn for output in outputs]
    while pending:
        node = pending.pop()
        if node is None or id(node) in seen:
            continue
        seen[id(node)] = node
        nr = _number(node, view)
        if not in_window(nr):
            return False  # (a leaf's number is in no window: never pushed below)
        recorded = False
        for child, _ in node.next_functions:
            if child is None:
                continue
            if node_sequence_nr(child) != LEAF_SEQUENCE_NR:
                recorded = True  # if it passes in turn
                pending.append(child)
            elif not recorded:
                recorded = _input_watched(child, nr, view)
        if not recorded:
            return False
    return True


def prune_unrecorded(outputs: Sequence[torch.Tensor], view: RecordedView) -> List[Any]:
    """Put a gradient-dropping pre-hook on every node below `outputs` TF would not record.

    A node outside the tape's windows, or one inside whose inputs are neither watched
    nor recorded, is a boundary (`recorded_nodes`). Returns the hook handles; the
    caller removes them after the backward pass.
    """
    recorded, met = recorded_nodes(outputs, view)
    return [node.register_prehook(_drop_gradient) for node in met
            if recorded.get(id(node)) is False]


def recorded_nodes(
    outputs: Sequence[torch.Tensor], view: RecordedView
) -> Tuple[Dict[int, bool], List[Any]]:
    """Whether TF would have recorded each node below `outputs` (by id; leaves are not
    keyed), and every node met, kept so that the ids stay their own.

    Walks the graph once, children before parents (each node's sequence number and
    inputs read once: a fresh graph's nodes get their Python objects on first touch,
    the walk's main cost).
    """
    recorded: Dict[int, bool] = {}
    visiting: Set[int] = set()
    met: List[Any] = []
    in_window = view.in_window
    # (node, None) to visit; (node, (its number, its inputs)) once its inputs are done
    pending: List[Tuple[Any, Optional[Tuple[int, List[Any]]]]] = [
        (output.grad_fn, None) for output in outputs
    ]
    while pending:
        node, done = pending.pop()
        if node is None:
            continue
        key = id(node)
        if done is not None:
            nr, children = done
            recorded[key] = any(
                _input_is_recorded(child, nr, recorded, view) for child in children
            )
            continue
        if key in recorded or key in visiting:
            continue
        met.append(node)
        nr = _number(node, view)
        if nr == LEAF_SEQUENCE_NR:
            continue
        if not in_window(nr):
            recorded[key] = False
            continue
        visiting.add(key)
        children = [child for child, _ in node.next_functions if child is not None]
        pending.append((node, (nr, children)))
        for child in children:
            if id(child) not in recorded:
                pending.append((child, None))
    return recorded, met


def _input_is_recorded(
    child: Any, consumer_nr: int, recorded: Dict[int, bool], view: RecordedView
) -> bool:
    """Whether the input `child` of a node numbered `consumer_nr` makes it recorded.

    (A recorded child, the common answer, is one dictionary lookup.)
    """
    return recorded.get(id(child), False) or _input_watched(child, consumer_nr, view)


def _drop_gradient(grad_outputs: Tuple[Optional[torch.Tensor], ...]) -> Tuple[None, ...]:
    return (None,) * len(grad_outputs)
