"""A backward pass that runs only the graph nodes a tape recorded, one node at a time.

NOTE: [Recorded-only passes]

A dirty tape's pass puts a gradient-dropping pre-hook on every node it did not
record (`_pruning`), and torch's engine still runs those nodes, on no gradient. A
node whose saved tensors another tape's pass freed (a non-persistent tape that
recorded the same op and computed its gradient first), or whose saved tensor was
written in place since (a watched plain tensor updated between two tapes), then
raises, where TF, which never runs an op its tape did not record, answers. This
pass is what the tape runs instead, then: it calls each node the tape recorded that
leads to a source, in the engine's order (a node runs once every recorded consumer
gave its gradient), from Python, and never calls the others. Each node runs as the
engine runs it (grad mode on for a differentiable pass, under the same vmap level for
a batched one), and its results get the engine's checks: summed to the input's shape
where they broadcast, cast to its dtype (a complex gradient for a real input is an
error). Gradient hooks on the nodes do not run (TF has none).

It costs a Python call per node where the engine loops in C++, so the tape runs it
only once the engine ran into such a node.

>>> import torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> y = x * x
>>> recorded_backward([y], [x], [torch.ones(2)], {id(y.grad_fn): True}, False, False)
[tensor([2., 4.])]
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import torch
from torch import Tensor

from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass,
    add_batch_dim,
    call_node,
    gradient_edge_of,
    node_input_meta,
    node_output_count,
    remove_batch_dim,
    vmap_level,
)

__all__ = ["recorded_backward"]

_Slot = Tuple[int, int]  # (id of a node, which of its inputs)


def recorded_backward(
    outputs: Sequence[Tensor],
    inputs: Sequence[Any],
    upstream: Sequence[Tensor],
    recorded: Dict[int, bool],
    create_graph: bool,
    is_grads_batched: bool,
) -> List[Optional[Tensor]]:
    """The gradients at `inputs` (gradient edges or leaf tensors) of `outputs` seeded
    with `upstream`, through the nodes `recorded` marks True (by id; the caller keeps
    the nodes alive) only: None where an input is not reached through them.

    With `is_grads_batched`, every seed has a leading batch dimension, and so has every
    result (functorch batches the node calls, as a batched engine pass).
    """
    if not is_grads_batched:
        return _pass(outputs, inputs, upstream, recorded, create_graph)
    size = int(upstream[0].shape[0])
    with vmap_level(size) as level:
        batched = [add_batch_dim(seed, 0, level) for seed in upstream]
        grads = _pass(outputs, inputs, batched, recorded, create_graph)
        return [None if grad is None else remove_batch_dim(grad, level, size, 0)
                for grad in grads]


def _pass(
    outputs: Sequence[Tensor],
    inputs: Sequence[Any],
    upstream: Sequence[Tensor],
    recorded: Dict[int, bool],
    create_graph: bool,
) -> List[Optional[Tensor]]:
    with DisableTorchFunctionSubclass():  # raw reads: a drop-in tensor's are Python calls
        keys = [gradient_edge_of(item) for item in inputs]
        arrived: Dict[_Slot, Tensor] = {}
        roots = []
        for output, seed in zip(outputs, upstream):
            node, slot = gradient_edge_of(output)
            if node is not None:
                roots.append(node)
                _arrive(arrived, node, slot, seed)
        captured = {id(node) for node, _ in keys if node is not None}
        with torch.set_grad_enabled(create_graph):  # as the engine runs a node
            for node in _run_order(roots, recorded, captured):
                grads = [arrived.get((id(node), slot)) for slot in range(node_output_count(node))]
                if all(grad is None for grad in grads):
                    continue
                for (child, slot), grad in zip(node.next_functions, call_node(node, grads)):
                    if child is not None and grad is not None:
                        _arrive(arrived, child, slot, grad)
        return [None if node is None else arrived.get((id(node), slot)) for node, slot in keys]


def _run_order(roots: Sequence[Any], recorded: Dict[int, bool], captured: Set[int]) -> List[Any]:
    """The recorded nodes below `roots` from which a node in `captured` is reached
    through recorded nodes, every consumer before what it consumes (reversed
    post-order of a depth-first walk)."""
    leads: Dict[int, bool] = {}  # id -> whether the node runs
    post_order: List[Any] = []
    pending: List[Tuple[Any, bool]] = [(root, False) for root in reversed(roots)]
    while pending:
        node, expanded = pending.pop()
        key = id(node)
        if expanded:
            runs = leads[key] = any(
                child is not None and (id(child) in captured or leads.get(id(child), False))
                for child, _ in node.next_functions)
            if runs:
                post_order.append(node)
            continue
        if key in leads:
            continue
        if not recorded.get(key):
            leads[key] = False  # unrecorded, or a leaf: gradients stop here
            continue
        leads[key] = False  # (visiting: the graph has no cycles)
        pending.append((node, True))
        for child, _ in node.next_functions:
            if child is not None and id(child) not in leads:
                pending.append((child, False))
    post_order.reverse()
    return post_order


def _arrive(arrived: Dict[_Slot, Tensor], node: Any, slot: int, grad: Tensor) -> None:
    """Add `grad` to what arrived at input `slot` of `node`, as the engine checks it:
    summed to the input's shape where it broadcast, cast to its dtype."""
    shape, dtype = node_input_meta(node, slot)
    if tuple(grad.shape) != shape:
        grad = grad.sum_to_size(shape)
    if grad.dtype != dtype:
        if grad.is_complex() and not dtype.is_complex:
            raise RuntimeError(
                f"{node.name()} got a complex gradient for a real input (the engine's check)")
        grad = grad.to(dtype)
    key = (id(node), slot)
    total = arrived.get(key)
    arrived[key] = grad if total is None else total + grad
