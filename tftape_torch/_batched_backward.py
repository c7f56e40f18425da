"""A jacobian's batched backward pass, run node by node with our own batching rules.

NOTE: [Own batching rules]

A jacobian by rows is one backward pass whose output gradient is a batch (the rows
of an identity). torch batches such a pass by running its engine under a vmap
(functorch's `vmap`, or the legacy rules of `is_grads_batched`): every op of every
node's backward formula goes through a batching interpreter, and where a rule is
poor the op runs once per row or as a `bmm` of matrix-vector products (NOTE [Which
vmap] in `_jacobian_plan`). Most graphs a jacobian meets are made of a few dozen node
types whose backward formulas (torch's `derivatives.yaml`) are one or two ops each,
and each of those ops takes a leading batch dimension as it is. So a graph made only
of such nodes can run its pass here: the nodes in the engine's order (a node runs
once every edge into it has delivered), each node's formula written once with the
batch dimension first, the saved tensors read from the node, and the engine's
check on the gradients of ops that broadcast or promote (summed to the input's
shape, cast to its dtype). Matrix products fold the batch into the rows or columns
of one `mm`/`bmm` where `at::matmul` would broadcast the saved operand, so the seeds
are batch-first whatever the graph.

This is a Python loop over the nodes: it wins where torch's batching is poor or its
per-call overhead large, and loses to the legacy rules' C++ on long chains of cheap
elementwise nodes (chains of reshapes or of permutes run as one op: `_batched_views`).
Every row of a jacobian whose target holds many examples travels per example where the
graph keeps each example's slice in its own (NOTE [Per-example rows] in
`_batched_examples`): per-example gradients of shared weights are outer products.
Measured (torch 2.13, 1 thread, CPU, ours with / without these rules): jacobians of
16-vectors through `matmul`, `mv`, `einsum`, MLPs, softmax and elementwise chains
0.63-0.91x, and through flips, `cumsum`, `stack`, `repeat`, `erf`, clamps, softplus
and leaky ReLU after a product 0.77-0.95x; at 256, 0.29-0.31x for
column products and `einsum`, 0.38x for softmax's batch jacobian, 0.50x for the
elementwise chain; Hessians (a gradient's own graph, three to four times as many
nodes) 0.93-1.00x through
matrix products but 1.2-1.35x through layer norm and `reduce_max`. So
`_jacobian_plan` sends first-order graphs here, unless every node has a fast legacy
rule and the pass is small, and Hessians through convolutions, whose backward node
has its rule in `_batched_convolution` (NOTE [Rows or columns] in
`_jacobian_columns`). Convolutions fold the batch into their examples (the input's
gradient) or groups (the weight's); with unit strides the input's gradient
is a convolution by the flipped filter, which torch's CPU kernels run in 0.45-0.85x
the time of the backward-data kernel that torch's batching calls (CNN input
jacobians: 16x16 conv1d/conv2d 0.89-0.95x ours without the rule, a two-layer CNN
on four 14x14 images 0.77x). The fused `nn` kernels TF's losses and torch's
embeddings record (`nll_loss`, binary cross-entropy from logits, `embedding`, layer
norm) have their rules in `_batched_nn_kernels` (functorch runs `nll_loss`'s backward once per
row). A graph holding a node without a rule here (an
`autograd.Function` other than the package's own that carry a rule
(`FUNCTION_RULE`), an edge to a convolution's backward node at another output than
the input's gradient, any type not in `_RULES`)
keeps torch's vmap,
and so does a complex or integer pass, one under a ForwardAccumulator, one whose
graph a dirty tape prunes, DDP/FSDP parameters, and tensors off the CPU (not
measured there). The rules are checked against the engine, node type by node type,
first and second order, in `tests/test_batched_backward.py`. Tensor hooks on
intermediate results (`Tensor.register_hook`; TF has none) do not run in these
passes; `gradient()` runs them.

>>> import torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> y = torch.tanh(x) * 2.0
>>> run([y], [x], [torch.eye(2)], create_graph=False)[0]
tensor([[0.8399, 0.0000],
        [0.0000, 0.1413]])
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple

import torch

from tftape_torch._batch_first import (
    batched_dim,
    batched_dims,
    fold_bmm_left,
    fold_bmm_right,
    fold_left,
    kept_sum,
    reduced,
    restored,
    sum_to,
)
from tftape_torch._batched_convolution import convolution, convolution_backward_backward
from tftape_torch._batched_examples import examples_in, joined
from tftape_torch._batched_examples import rows as example_rows
from tftape_torch._batched_examples import seed as examples_seed
from tftape_torch._batched_examples import step as example_step
from tftape_torch._batched_nn_kernels import ACTIVATIONS, NN_KERNEL_RULES
from tftape_torch._batched_views import fuse_chains, permute, reshaped
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass,
    grad_fn_of,
    gradient_edge_of,
    node_input_meta,
    output_nr_of,
    saved,
)

__all__ = ["ELEMENTWISE", "FUNCTION_RULE", "RULE_NAMES", "function_rule", "run"]

Tensor = torch.Tensor
Grads = List[Optional[Tensor]]
Rule = Callable[[Any, Tensor, Any], Grads]

_ACCUMULATE = "torch::autograd::AccumulateGrad"


# ---------------------------------------------------------------------- the pass


def run(
    outputs: Sequence[Tensor],
    inputs: Sequence[Any],
    upstream: Sequence[Tensor],
    create_graph: bool,
    per_example: bool = False,
) -> Optional[List[Optional[Tensor]]]:
    """The batched gradients at `inputs` (gradient edges or leaf tensors), or None
    when a node below the outputs has no rule here (the engine runs the pass instead).

    `upstream` holds one batch-first seed per output; the results are batch-first,
    None where an input is not reached. `per_example` says the seeds are every row of the
    identity of one output whose first dimension holds examples: the rows then travel
    example by example where the graph allows (NOTE [Per-example rows] in
    `_batched_examples`).
    """
    with DisableTorchFunctionSubclass():  # raw reads: a drop-in output's are Python calls
        nodes = [grad_fn_of(output) for output in outputs]
        if any(output_nr_of(output) for output in outputs):
            return None  # every node here has one output: only multi-output ones have others
    roots = list(dict.fromkeys(nodes))
    keys = [gradient_edge_of(item) for item in inputs]
    if any(slot for _, slot in keys):
        return None
    found = _graph(roots)
    if found is None:
        return None
    pending, edges, links = found
    targets = {node for node, _ in keys if node is not None}
    # Only the nodes above a source run, as in the engine: the others (below an
    # intermediate source, or on paths to tensors that are not sources) may hold
    # tensors a spent tape freed, and their gradients go nowhere.
    runs = _above(targets, edges)
    arrived: Dict[Any, Tensor] = {}
    compact: Set[Any] = set()  # the nodes whose arrived gradient is per example
    batch = 0  # (the examples, where they are)
    if per_example and len(outputs) == 1 and examples_in(outputs[0], runs, edges):
        with DisableTorchFunctionSubclass():
            batch = outputs[0].shape[0]
            arrived[nodes[0]] = examples_seed(outputs[0].shape, outputs[0].dtype,
                                              outputs[0].device)
        compact.add(nodes[0])
        links = []  # (chains run node by node: each node decides whether it keeps examples)
    else:
        for node, seed in zip(nodes, upstream):
            held = arrived.get(node)
            arrived[node] = seed if held is None else held + seed
    fused = (fuse_chains(links, edges, pending, runs, targets, arrived, _BY_TYPE) if links
             else None)
    captured: Dict[Any, Tensor] = {}
    ready = [root for root in roots if root not in pending]
    rules = _BY_TYPE
    kinds: Optional[List[bool]] = None  # which of a node's gradients are per example
    with torch.set_grad_enabled(create_graph), DisableTorchFunctionSubclass():
        while ready:
            node = ready.pop()
            grad = arrived.pop(node, None)
            nexts = edges[node]
            if grad is None:
                outs: Grads = _NOTHING
            else:
                stepped = None
                if compact and node in compact:  # NOTE [Per-example rows]
                    compact.discard(node)
                    if node in runs and node not in targets:
                        stepped = example_step(node, grad, nexts, rules[type(node)],
                                               ELEMENTWISE, batch)
                    if stepped is None and (node in runs or node in targets):
                        # (the output's own node: its rows are the seeds themselves)
                        grad = upstream[0] if node is nodes[0] else example_rows(grad, batch)
                if node in targets:
                    captured[node] = grad
                if stepped is not None:
                    outs, kinds = stepped
                elif node not in runs:
                    outs = _NOTHING
                elif fused and node in fused:  # (a chain: `_batched_views`)
                    outs = fused[node](grad)
                else:
                    outs = rules[type(node)](node, grad, nexts)
                grad = None  # each batched gradient freed once passed on (peak memory)
            for index, (next_node, _) in enumerate(nexts):
                if next_node is None:
                    continue
                out = outs[index] if index < len(outs) else None
                if out is not None:
                    held = arrived.get(next_node)
                    if kinds is not None or compact:
                        out, held = joined(next_node, out, held, kinds is not None
                                           and kinds[index], compact, batch)
                    arrived[next_node] = out if held is None else held + out
                    out = held = None
                left = pending[next_node] - 1
                if left:
                    pending[next_node] = left
                else:
                    del pending[next_node]
                    ready.append(next_node)
            outs = _NOTHING
            kinds = None
    return [captured.get(node) for node, _ in keys]


Edges = Tuple[Tuple[Any, int], ...]
_NOTHING: Grads = []


def _graph(roots: Sequence[Any]
           ) -> Optional[Tuple[Dict[Any, int], Dict[Any, Edges], List[Any]]]:
    """The nodes below `roots`: how many edges lead into each (the engine's dependency
    count: a node runs once all of them delivered), each node's edges, and the reshape
    or permute nodes whose one edge leads to another of their kind (`fuse_chains`);
    None when a node has no rule, or an edge leads to another output than a node's
    first."""
    rules = _BY_TYPE
    pending: Dict[Any, int] = {}
    edges: Dict[Any, Edges] = {}
    links: List[Any] = []
    stack = [root for root in roots if root is not None]
    while stack:
        node = stack.pop()
        if node in edges:
            continue  # an output's node reached from another output's: walked once
        rule = rules.get(type(node))
        if rule is None:
            if not _learn(node):
                return None
            rule = rules[type(node)]
        nexts = edges[node] = node.next_functions
        if ((rule is reshaped or rule is permute) and len(nexts) == 1
                and rules.get(type(nexts[0][0])) is rule):
            links.append(node)
        for next_node, slot in nexts:
            if next_node is not None:
                if slot:
                    return None
                if next_node in pending:
                    pending[next_node] += 1
                else:
                    pending[next_node] = 1
                    if next_node not in edges:
                        stack.append(next_node)
    return pending, edges, links


def _above(targets: Any, edges: Dict[Any, Edges]) -> Set[Any]:
    """The nodes from which an edge leads to a target or to a node above one: those a
    pass to `targets` runs (the engine runs no others)."""
    parents: Dict[Any, List[Any]] = {}
    for node, nexts in edges.items():
        for next_node, _ in nexts:
            if next_node is not None:
                parents.setdefault(next_node, []).append(node)
    above: Set[Any] = set()
    stack = list(targets)
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in above:
                above.add(parent)
                stack.append(parent)
    return above


def _learn(node: Any) -> bool:
    """Whether `node`'s type has a rule (remembered by type in `_BY_TYPE`)."""
    rule = _RULES.get(node.name()) or function_rule(type(node))
    if rule is None:
        return False
    _BY_TYPE[type(node)] = rule
    return True


def _checked(nexts: Edges, index: int, grad: Optional[Tensor],
             like: Optional[Tensor] = None) -> Optional[Tensor]:
    """The engine's `validate_outputs` for a batched gradient sent along edge `index`
    of a node (an op that broadcasts or promotes): summed to the shape of the input it
    reaches, cast to its dtype. `like` is that input itself, where the node saved it
    (its shape and dtype are read there, cheaper than the node's metadata)."""
    if grad is None:
        return None
    shape: Sequence[int]
    if like is not None:
        shape, dtype = like.shape, like.dtype
    else:
        next_node, slot = nexts[index]
        shape, dtype = node_input_meta(next_node, slot)
    if grad.shape[1:] != shape:
        grad = sum_to(grad, shape)
    if grad.dtype != dtype:
        grad = grad.to(dtype)
    return grad



# ---------------------------------------------------------------------- the rules
# Each rule is torch's backward formula (tools/autograd/derivatives.yaml and
# FunctionsManual.cpp, torch 2.13) for real dtypes, with `g` batch-first. A rule
# returns one gradient per `next_functions` entry, None where that edge is absent.


def _wanted(nexts: Edges) -> Tuple[bool, bool]:
    """Whether a binary op's two edges are connected."""
    return nexts[0][0] is not None, nexts[1][0] is not None


def _unary(formula: Callable[[Any, Tensor], Tensor]) -> Rule:
    return lambda node, g, nexts: [formula(node, g)]


def _add(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    alpha = saved(node, "alpha")
    return [_checked(nexts, 0, g) if first else None,
            _checked(nexts, 1, g if alpha == 1 else g * alpha) if second else None]


def _sub(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    alpha = saved(node, "alpha")
    return [_checked(nexts, 0, g) if first else None,
            _checked(nexts, 1, -g if alpha == 1 else -g * alpha) if second else None]


def _rsub_scalar(node: Any, g: Tensor, nexts: Edges) -> Grads:
    alpha = saved(node, "alpha")
    return [-g if alpha == 1 else -g * alpha]


def _mul(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    self, other = saved(node, "self"), saved(node, "other")  # each saved if the other's wanted
    return [_checked(nexts, 0, g * other, self) if first else None,
            _checked(nexts, 1, g * self, other) if second else None]


def _div(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    self, other = saved(node, "self"), saved(node, "other")  # `self` only if `other` wanted
    return [_checked(nexts, 0, g / other, self) if first else None,
            _checked(nexts, 1, -g * ((self / other) / other), other) if second else None]


def _mm(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    return [g @ saved(node, "mat2").mT if first else None,
            fold_left(saved(node, "self").mT, g) if second else None]


def _addmm(node: Any, g: Tensor, nexts: Edges) -> Grads:
    bias = nexts[0][0] is not None
    first, second = _wanted(nexts[1:])
    alpha, beta = saved(node, "alpha"), saved(node, "beta")
    out: Grads = [None, None, None]
    if bias:
        out[0] = _checked(nexts, 0, g if beta == 1 else g * beta)
    if first:
        out[1] = _scaled(g @ saved(node, "mat2").mT, alpha)
    if second:
        out[2] = _scaled(fold_left(saved(node, "mat1").mT, g), alpha)
    return out


def _scaled(value: Tensor, alpha: Any) -> Tensor:
    return value if alpha == 1 else value * alpha




def _bmm(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`bmm` with `g` `[B, b, m, n]`: the batch folded into the rows (first operand's
    gradient) or the columns (second's), one `bmm` each."""
    first, second = _wanted(nexts)
    return [fold_bmm_right(g, saved(node, "mat2").mT) if first else None,
            fold_bmm_left(saved(node, "self").mT, g) if second else None]


def _mv(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    return [g.unsqueeze(-1) * saved(node, "vec") if first else None,
            g @ saved(node, "self") if second else None]


def _tanh_backward_backward(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    output = saved(node, "output")
    return [torch.ops.aten.tanh_backward(g, output) if first else None,
            g * (-2 * output * saved(node, "grad_output")) if second else None]


def _sigmoid_backward_backward(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    output = saved(node, "output")
    return [torch.ops.aten.sigmoid_backward(g, output) if first else None,
            g * saved(node, "grad_output") * (-2 * output + 1) if second else None]


def _threshold_backward_backward(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    return [torch.ops.aten.threshold_backward(g, saved(node, "self"), saved(node, "threshold"))
            if first else None,
            torch.zeros_like(g) if second else None]


def _softmax(node: Any, g: Tensor, nexts: Edges) -> Grads:
    result = saved(node, "result")
    dim = batched_dim(saved(node, "dim"), result.dim())
    if result.dim() == 1:  # the row sums as one matrix-vector product
        out = g - (g @ result).unsqueeze(1)
    else:
        out = g - kept_sum(g * result, dim, result.dim())
    return [out.mul_(result) if not out.requires_grad else out * result]


def _log_softmax(node: Any, g: Tensor, nexts: Edges) -> Grads:
    result = saved(node, "result")
    dim = batched_dim(saved(node, "dim"), result.dim())
    return [g - torch.exp(result) * kept_sum(g, dim, result.dim())]


def _softmax_backward_backward(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    output, grad_output = saved(node, "output"), saved(node, "grad_output")
    rank = output.dim()
    dim = batched_dim(saved(node, "dim"), rank)  # of `g`; `dim - 1` of the saved ones
    out: Grads = [None, None]
    if first:
        out[0] = output * (g - kept_sum(g * output, dim, rank))
    if second:
        out[1] = (grad_output * g - kept_sum(output * grad_output, dim - 1, rank) * g
                  - grad_output * kept_sum(g * output, dim, rank))
    return out


def _log_softmax_backward_backward(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    output, grad_output = saved(node, "output"), saved(node, "grad_output")
    rank = output.dim()
    dim = batched_dim(saved(node, "dim"), rank)
    out: Grads = [None, None]
    if first:
        out[0] = g - kept_sum(g * torch.exp(output), dim, rank)
    if second:
        out[1] = -g * torch.exp(output) * kept_sum(grad_output, dim - 1, rank)
    return out


def _expand(node: Any, g: Tensor, nexts: Edges) -> Grads:
    return [sum_to(g, saved(node, "self_sym_sizes"))]


def _transpose(node: Any, g: Tensor, nexts: Edges) -> Grads:
    rank = g.dim() - 1
    if not rank:
        return [g]  # a 0-d tensor's transpose is itself
    return [g.transpose(batched_dim(saved(node, "dim0"), rank),
                        batched_dim(saved(node, "dim1"), rank))]


def _flip(node: Any, g: Tensor, nexts: Edges) -> Grads:
    rank = g.dim() - 1
    dims = [batched_dim(int(d), rank) for d in saved(node, "dims")]
    return [g.flip(dims) if rank and dims else g]


def _cumsum(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """The sums from the end: `g` flipped, summed cumulatively and flipped back."""
    rank = g.dim() - 1
    if not rank:
        return [_checked(nexts, 0, g)]
    dim = batched_dim(saved(node, "dim"), rank)
    return [_checked(nexts, 0, g.flip(dim).cumsum(dim).flip(dim))]


def _stack(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """Input `i`'s gradient is slice `i` of `g` along the stacked dimension."""
    dim = batched_dim(saved(node, "dim"), g.dim() - 1)
    return [_checked(nexts, i, g.select(dim, i)) if next_node is not None else None
            for i, (next_node, _) in enumerate(nexts)]


def _repeat(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """The tiles summed: `g` split into (repeat, size) pairs per dimension, the repeat
    dimensions summed (leading repeats beyond the input's rank included)."""
    repeats = [int(r) for r in saved(node, "repeats")]
    sizes = [int(s) for s in saved(node, "self_sym_sizes")]
    padded = [1] * (len(repeats) - len(sizes)) + sizes
    split = [g.shape[0]]
    for repeat, size in zip(repeats, padded):
        split += [repeat, size]
    summed = g.reshape(split).sum(list(range(1, 2 * len(repeats), 2)))
    return [summed.reshape([g.shape[0], *sizes])]


def _rsub(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`other - alpha * self`, two tensors: `sub` with the operands swapped."""
    return _sub(node, g, nexts[::-1])[::-1]


def _t(node: Any, g: Tensor, nexts: Edges) -> Grads:
    return [g.transpose(1, 2) if g.dim() == 3 else g]


def _unsqueeze(node: Any, g: Tensor, nexts: Edges) -> Grads:
    return [g.squeeze(batched_dim(saved(node, "dim"), g.dim() - 1))]


def _sum_all(node: Any, g: Tensor, nexts: Edges) -> Grads:
    sizes = saved(node, "self_sym_sizes")
    return [g.reshape((g.shape[0],) + (1,) * len(sizes)).expand((g.shape[0], *sizes))]



def _sum_dims(node: Any, g: Tensor, nexts: Edges) -> Grads:
    sizes = saved(node, "self_sym_sizes")
    g = restored(g, sizes, saved(node, "dim"), saved(node, "keepdim"))
    return [g.expand((g.shape[0], *sizes))]


def _mean_all(node: Any, g: Tensor, nexts: Edges) -> Grads:
    sizes = saved(node, "self_sym_sizes")
    g = g / math.prod(sizes)
    return [g.reshape((g.shape[0],) + (1,) * len(sizes)).expand((g.shape[0], *sizes))]


def _mean_dims(node: Any, g: Tensor, nexts: Edges) -> Grads:
    sizes = saved(node, "self_sym_sizes")
    dims = batched_dims(saved(node, "dim"), len(sizes))
    count = math.prod(sizes[d - 1] for d in dims)
    g = restored(g, sizes, saved(node, "dim"), saved(node, "keepdim")) / count
    return [g.expand((g.shape[0], *sizes))]



def _amax(node: Any, g: Tensor, nexts: Edges) -> Grads:
    self, result, dims, keepdim = reduced(node)
    mask = (result == self).to(g.dtype)
    count = mask.sum([d - 1 for d in batched_dims(dims, self.dim())], keepdim=True)
    return [restored(g, self.shape, dims, keepdim) / count * mask]


def _logsumexp(node: Any, g: Tensor, nexts: Edges) -> Grads:
    self, result, dims, keepdim = reduced(node)
    return [restored(g, self.shape, dims, keepdim) * torch.exp(self - result)]


def _select(node: Any, g: Tensor, nexts: Edges) -> Grads:
    sizes = saved(node, "self_sym_sizes")
    out = g.new_zeros((g.shape[0], *sizes))
    out.select(batched_dim(saved(node, "dim"), len(sizes)), saved(node, "index")).copy_(g)
    return [out]


def _slice(node: Any, g: Tensor, nexts: Edges) -> Grads:
    sizes = saved(node, "self_sym_sizes")
    out = g.new_zeros((g.shape[0], *sizes))
    dim = batched_dim(saved(node, "dim"), len(sizes))
    where = (slice(None),) * dim + (slice(saved(node, "start"), saved(node, "end"),
                                          saved(node, "step")),)
    out[where] = g
    return [out]


def _select_backward_backward(node: Any, g: Tensor, nexts: Edges) -> Grads:
    dim = batched_dim(saved(node, "dim"), g.dim() - 1)
    return [g.select(dim, saved(node, "index"))]


def _slice_backward_backward(node: Any, g: Tensor, nexts: Edges) -> Grads:
    dim = batched_dim(saved(node, "dim"), g.dim() - 1)
    where = (slice(None),) * dim + (slice(saved(node, "start"), saved(node, "end"),
                                          saved(node, "step")),)
    return [g[where]]


def _index_select(node: Any, g: Tensor, nexts: Edges) -> Grads:
    sizes = saved(node, "self_sym_sizes")
    if not sizes:
        return [g]  # a 0-d tensor indexed by its one index (torch allows no other)
    dim = batched_dim(saved(node, "dim"), len(sizes))
    out = g.new_zeros((g.shape[0], *sizes))
    return [out.index_add(dim, saved(node, "index"), g)]


def _gather(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """`gather`'s backward (torch's dense one, also for `sparse_grad`): each row's
    gradient added into zeros at the gathered positions."""
    sizes = saved(node, "self").shape
    if not sizes:
        return [g]  # a 0-d tensor gathered by a 0-d index of 0
    index = saved(node, "index")
    dim = batched_dim(saved(node, "dim"), len(sizes))
    out = g.new_zeros((g.shape[0], *sizes))
    return [out.scatter_add_(dim, index.expand(g.shape[0], *index.shape), g)]


def _index(node: Any, g: Tensor, nexts: Edges) -> Grads:
    """Advanced indexing's backward (`x[idx]`, `x[:, idx]`, `x[rows, cols]`, masks,
    `tf.gather_nd`): each row's gradient put, accumulating, at the indexed positions.
    The batch goes in front as one more full slice, which keeps the indexed dimensions
    where they were when the index tensors stand together and are not masks; otherwise
    the rows go one by one through torch's own `index_put`."""
    sizes, indices = saved(node, "self_sym_sizes"), list(saved(node, "indices"))
    out = g.new_zeros((g.shape[0], *sizes))
    given = [i for i, index in enumerate(indices) if index is not None]
    if given and given[-1] - given[0] == len(given) - 1 and all(
            indices[i].dtype not in (torch.bool, torch.uint8) for i in given):
        return [torch.ops.aten.index_put_(out, [None, *indices], g, True)]
    return [torch.stack([torch.ops.aten.index_put_(row, indices, grad, True)
                         for row, grad in zip(out, g)])]


def _index_add(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts)
    out: Grads = [g if first else None, None]
    if second:
        rank = g.dim() - 1
        picked = (g.index_select(batched_dim(saved(node, "dim"), rank), saved(node, "index"))
                  if rank else g)
        if saved(node, "source_dim") == 0:  # a 0-d source of a 1-element index
            picked = picked.reshape(g.shape[0])
        out[1] = _scaled(picked, saved(node, "alpha"))
    return out


def _where(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = _wanted(nexts[-2:])
    condition = saved(node, "condition")
    zero = g.new_zeros(())
    lead: Grads = [None] * (len(nexts) - 2)
    return lead + [_checked(nexts, len(lead), torch.where(condition, g, zero)) if first else None,
                   _checked(nexts, len(lead) + 1, torch.where(condition, zero, g))
                   if second else None]


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)  # erf's derivative at 0

# Elementwise ops: each formula multiplies by the op's derivative at its input, so
# applied to a tangent it is the forward derivative too (`_batched_forward`).
ELEMENTWISE: Dict[str, Rule] = {
    "AddBackward1": _unary(lambda node, g: g),
    "SubBackward1": _unary(lambda node, g: g),
    "RsubBackward1": _rsub_scalar,
    "MulBackward1": _unary(lambda node, g: g * saved(node, "other")),
    "DivBackward1": _unary(lambda node, g: g / saved(node, "other")),
    "NegBackward0": _unary(lambda node, g: -g),
    "CloneBackward0": _unary(lambda node, g: g),
    "AliasBackward0": _unary(lambda node, g: g),
    "ExpBackward0": _unary(lambda node, g: g * saved(node, "result")),
    "Expm1Backward0": _unary(lambda node, g: g * (saved(node, "result") + 1)),
    "LogBackward0": _unary(lambda node, g: g / saved(node, "self")),
    "Log1PBackward0": _unary(lambda node, g: g / (saved(node, "self") + 1)),
    "SinBackward0": _unary(lambda node, g: g * torch.cos(saved(node, "self"))),
    "CosBackward0": _unary(lambda node, g: g * -torch.sin(saved(node, "self"))),
    "TanhBackward0": _unary(lambda node, g: torch.ops.aten.tanh_backward(
        g, saved(node, "result"))),
    "SigmoidBackward0": _unary(lambda node, g: torch.ops.aten.sigmoid_backward(
        g, saved(node, "result"))),
    "ReluBackward0": _unary(lambda node, g: torch.ops.aten.threshold_backward(
        g, saved(node, "result"), 0)),
    "SqrtBackward0": _unary(lambda node, g: g / (2 * saved(node, "result"))),
    "RsqrtBackward0": _unary(lambda node, g: -0.5 * g * saved(node, "result").pow(3)),
    "ReciprocalBackward0": _unary(lambda node, g: -g * (saved(node, "result")
                                                         * saved(node, "result"))),
    "PowBackward0": _unary(lambda node, g: _pow(node, g)),
    "AbsBackward0": _unary(lambda node, g: g * torch.sgn(saved(node, "self"))),
    "SgnBackward0": _unary(lambda node, g: torch.zeros_like(g)),
    "RoundBackward0": _unary(lambda node, g: torch.zeros_like(g)),
    "FloorBackward0": _unary(lambda node, g: torch.zeros_like(g)),
    "CeilBackward0": _unary(lambda node, g: torch.zeros_like(g)),
    "SignBackward0": _unary(lambda node, g: torch.zeros_like(g)),
    "ErfBackward0": _unary(lambda node, g: g * (_TWO_OVER_SQRT_PI * torch.exp(
        -saved(node, "self").square()))),
    "ErfcBackward0": _unary(lambda node, g: g * (-_TWO_OVER_SQRT_PI * torch.exp(
        -saved(node, "self").square()))),
    "AtanBackward0": _unary(lambda node, g: g / (saved(node, "self").square() + 1)),
    "SinhBackward0": _unary(lambda node, g: g * torch.cosh(saved(node, "self"))),
    "CoshBackward0": _unary(lambda node, g: g * torch.sinh(saved(node, "self"))),
    **{name: _unary(formula) for name, formula in ACTIVATIONS.items()},
    "ClampMinBackward0": _unary(lambda node, g: _passed(
        g, saved(node, "self") >= saved(node, "min"))),
    "ClampBackward1": _unary(lambda node, g: _clamp(node, g)),
}


def _passed(g: Tensor, where: Tensor) -> Tensor:
    """`g` where `where` holds, else 0 (the gradient of a clamp, as torch's `where`)."""
    return torch.where(where, g, torch.zeros((), dtype=g.dtype, device=g.device))


def _clamp(node: Any, g: Tensor) -> Tensor:
    """torch's `clamp_backward` for scalar bounds, either of them None."""
    x, low, high = saved(node, "self"), saved(node, "min"), saved(node, "max")
    if low is None and high is None:
        return g
    if low is None:
        return _passed(g, x <= high)
    if high is None:
        return _passed(g, x >= low)
    return _passed(g, (x >= low) & (x <= high))

_RULES: Dict[str, Rule] = {
    **ELEMENTWISE,
    **NN_KERNEL_RULES,
    _ACCUMULATE: lambda node, g, nexts: [],
    "AddBackward0": _add,
    "SubBackward0": _sub,
    "MulBackward0": _mul,
    "DivBackward0": _div,
    "TanhBackwardBackward0": _tanh_backward_backward,
    "SigmoidBackwardBackward0": _sigmoid_backward_backward,
    "ThresholdBackwardBackward0": _threshold_backward_backward,
    "MmBackward0": _mm,
    "AddmmBackward0": _addmm,
    "BmmBackward0": _bmm,
    "MvBackward0": _mv,
    "ConvolutionBackward0": convolution,
    "ConvolutionBackwardBackward0": convolution_backward_backward,
    "SoftmaxBackward0": _softmax,
    "LogSoftmaxBackward0": _log_softmax,
    "SoftmaxBackwardDataBackward0": _softmax_backward_backward,
    "LogSoftmaxBackwardDataBackward0": _log_softmax_backward_backward,
    "ViewBackward0": reshaped,
    "UnsafeViewBackward0": reshaped,
    "ReshapeAliasBackward0": reshaped,
    "SqueezeBackward0": reshaped,
    "SqueezeBackward1": reshaped,
    "SqueezeBackward2": reshaped,
    "SqueezeBackward4": reshaped,
    "ExpandBackward0": _expand,
    "ConstantPadNdBackward0": _unary(lambda node, g: torch.constant_pad_nd(
        g, [-p for p in saved(node, "pad")])),
    "PermuteBackward0": permute,
    "FlipBackward0": _flip,
    "CumsumBackward0": _cumsum,
    "StackBackward0": _stack,
    "RepeatBackward0": _repeat,
    "RsubBackward0": _rsub,
    "TransposeBackward0": _transpose,
    "TBackward0": _t,
    "UnsqueezeBackward0": _unsqueeze,
    "SumBackward0": _sum_all,
    "SumBackward1": _sum_dims,
    "MeanBackward0": _mean_all,
    "MeanBackward1": _mean_dims,
    "AmaxBackward0": _amax,
    "LogsumexpBackward0": _logsumexp,
    "SelectBackward0": _select,
    "SliceBackward0": _slice,
    "SelectBackwardBackward0": _select_backward_backward,
    "SliceBackwardBackward0": _slice_backward_backward,
    "IndexSelectBackward0": _index_select,
    "GatherBackward0": _gather,
    "IndexBackward0": _index,
    "IndexAddBackward0": _index_add,
    "WhereBackward0": _where,
}


def _pow(node: Any, g: Tensor) -> Tensor:
    exponent = saved(node, "exponent")
    if exponent == 0:
        return torch.zeros_like(g)
    return g * (exponent * saved(node, "self").pow(exponent - 1))


#: The node types a pass can run here by name (`_jacobian_plan` checks a graph against
#: them, and against `function_rule`).
RULE_NAMES = frozenset(_RULES)
#: The attribute through which one of the package's own `autograd.Function`s gives the
#: rule of its backward node: a static method called as `rule(node, g, nexts)`, `g`
#: batch-first, returning one gradient per `next_functions` entry.
FUNCTION_RULE = "tftape_batched_backward"
_BY_TYPE: Dict[type, Rule] = {}  # node type -> its rule, learnt by name or Function


def function_rule(node_type: type) -> Optional[Rule]:
    """The batched rule a package `autograd.Function` gives its backward nodes, if any
    (a user's Function has none: the attribute is the package's own)."""
    forward = getattr(node_type, "_forward_cls", None)
    rule: Optional[Rule] = getattr(forward, FUNCTION_RULE, None)
    return rule
