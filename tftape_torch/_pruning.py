"""Which nodes of torch's graph a tape recorded, by TF's rule, and pruning the rest.

torch records every op on tensors that require grad; a TF tape records an op only
when it runs while the tape records *and* one of its inputs is watched by the tape
(watched before the op ran) or came from an op the tape recorded. For a *dirty* tape
(NOTE: [Recording windows] in `_tape`) the graph below a target may hold nodes TF
would not have recorded; `prune_unrecorded` walks it once and puts a
gradient-dropping pre-hook on each, so gradient stops there as it does in TF.

>>> import torch
>>> view = RecordedView(lambda nr: True, set(), {}, accessed=True)
>>> x = torch.ones(2, requires_grad=True)
>>> derives_from_watched((x * 2).grad_fn, view)
True
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, NamedTuple, Optional, Sequence, Set, Tuple

import torch

from tftape_torch._flips import FLIPS
from tftape_torch._torch_internals import LEAF_SEQUENCE_NR, node_sequence_nr

__all__ = ["RecordedView", "derives_from_watched", "prune_unrecorded"]


class RecordedView(NamedTuple):
    """What a tape knows that decides which nodes it recorded.

    `in_window(nr)`: whether a node numbered `nr` was created while the tape recorded;
    `watched_leaves`: ids of the leaf tensors it watches (Variable reads included);
    `watched_nodes`: id of a watched intermediate's node -> the sequence number at
    which it was watched; `accessed`: whether it watches trainable leaves it sees.
    """

    in_window: Callable[[int], bool]
    watched_leaves: Set[int]
    watched_nodes: Dict[int, int]
    accessed: bool


def _leaf_is_watched(node: Any, view: RecordedView) -> bool:
    leaf = getattr(node, "variable", None)
    return leaf is not None and (
        id(leaf) in view.watched_leaves
        or (view.accessed and leaf.requires_grad and id(leaf) not in FLIPS)
    )


def derives_from_watched(node: Any, view: RecordedView) -> bool:
    """Whether recorded `node` has, below it through recorded nodes, a watched input.

    An intermediate computed in the tape's window from tensors the tape does not
    watch is not on the tape.
    """
    watched_nodes = view.watched_nodes
    seen: Set[int] = set()
    pending = [node]
    while pending:
        node = pending.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if id(node) in watched_nodes:
            return True
        nr = node_sequence_nr(node)
        if nr == LEAF_SEQUENCE_NR:
            if _leaf_is_watched(node, view):
                return True
            continue
        if view.in_window(nr):
            pending.extend(next_node for next_node, _ in node.next_functions)
    return False


def prune_unrecorded(outputs: Sequence[torch.Tensor], view: RecordedView) -> List[Any]:
    """Put a gradient-dropping pre-hook on every node below `outputs` TF would not record.

    A node outside the tape's windows, or one inside whose inputs are neither watched
    nor recorded, is a boundary. Walks the graph once, children before parents.
    Returns the hook handles; the caller removes them after the backward pass.
    """
    recorded: Dict[int, bool] = {}
    visiting: Set[int] = set()
    hooks = []
    pending: List[Tuple[Any, bool]] = [(output.grad_fn, False) for output in outputs]
    while pending:
        node, children_done = pending.pop()
        if node is None:
            continue
        key = id(node)
        nr = node_sequence_nr(node)
        if children_done:
            recorded[key] = ok = any(
                _input_is_recorded(child, nr, recorded, view)
                for child, _ in node.next_functions
                if child is not None
            )
            if not ok:
                hooks.append(node.register_prehook(_drop_gradient))
            continue
        if key in recorded or key in visiting or nr == LEAF_SEQUENCE_NR:
            continue
        if not view.in_window(nr):
            recorded[key] = False
            hooks.append(node.register_prehook(_drop_gradient))
            continue
        visiting.add(key)
        pending.append((node, True))
        for child, _ in node.next_functions:
            if child is not None and id(child) not in recorded:
                pending.append((child, False))
    return hooks


def _input_is_recorded(
    child: Any, consumer_nr: int, recorded: Dict[int, bool], view: RecordedView
) -> bool:
    """Whether the input `child` of a node numbered `consumer_nr` makes it recorded."""
    watched_at = view.watched_nodes.get(id(child))
    if watched_at is not None and watched_at <= consumer_nr:
        return True
    if node_sequence_nr(child) == LEAF_SEQUENCE_NR:
        return _leaf_is_watched(child, view)
    return recorded.get(id(child), False)


def _drop_gradient(grad_outputs: Tuple[Optional[torch.Tensor], ...]) -> Tuple[None, ...]:
    return (None,) * len(grad_outputs)
