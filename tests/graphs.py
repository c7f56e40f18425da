"""Reading a recorded torch graph in tests."""

from __future__ import annotations

from typing import Any, Set


def node_names(tensor: Any) -> Set[str]:
    """The names of every node in `tensor`'s recorded graph."""
    names, seen, pending = set(), set(), [tensor.grad_fn]
    while pending:
        node = pending.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.add(node.name())
        pending.extend(next_node for next_node, _ in node.next_functions)
    return names
