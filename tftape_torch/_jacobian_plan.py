"""How a jacobian is batched over the graph below its target: the choice of torch's
batching path and of the seeds' layout, made by one walk over the recorded graph.

NOTE: [Which vmap]

torch batches a backward pass over a recorded graph in two ways:
`torch.autograd.grad(..., is_grads_batched=True)` (the legacy `_vmap_internals`
batching rules) and functorch's `vmap` around the engine call. Both are run here
with their primitives (a vmap level, batch dimensions added and removed), without
the argument handling `torch.func.vmap` and `autograd.grad` wrap them in (~20 and
~50 us per call). Where a legacy rule is missing or poor the legacy path is slow
(it runs the op once per row: `tanh_backward`, `where`, `masked_fill`, index and
softmax backward; jacobians through `mv` are 40x, through `conv2d` 5x, through
`softmax` 6x slower), so functorch is the default. Where every node of the graph
has a legacy rule the legacy path is faster: it dispatches each batched op in C++
without functorch's interpreter stack, 15-25% less per pass for small passes
(torch 2.13, 1 thread, 16 and 256 rows: arithmetic, `exp`/`log`/`sqrt` and other
unary ops, `sum`/`mean`/`amax`/`logsumexp`/`var` reductions, views, slices, `mm`;
as fast at 256 x 256 entries, mixed at 1024 x 1024). So the walk checks every node
against an allow-list measured that way (`_BATCHED_NODES`), and a pass of at most
2**16 entries through such a graph takes the legacy rules (`Plan.legacy_faster`).
One case breaks it: a 0-d tensor that gets a gradient (`x - reduce_mean(x)`), whose
broadcast's backward sums to a scalar with a full `sum`, which has no legacy rule;
such a tensor comes from a leaf, a reduction, a select or a view, so those nodes'
output ranks are read (the target's own rank does not matter). What departs from
functorch with the batch dimension first:
* functorch's batching rule for `_cdist_backward` returns wrong values (every `p`;
  `torch.func.jacrev` is wrong too). Graphs holding a `CdistBackward0` node take the
  legacy path, which is right. A sweep of torch's OpInfo database (2111 samples,
  float64) found no other op on which either path disagrees with a row loop.
* Small passes through graphs of legacy-batched nodes, above.
* Matrix products whose gradient becomes a batch of matrix-vector products. For
  `matmul(W, x)` with `x` a column (`[n, 1]`, as TF code writes it) the batched
  gradient of `x` is `W^T @ G` with `G` `[B, n, 1]`; `at::matmul` never folds a 2-D
  times 3-D product, so functorch's `mm` rule expands `W` and runs a `bmm` of B
  matrix-vector products (256x256 jacobian, 1 thread: 4.7 ms with the batch
  dimension first, 1.3 ms last, where `bmm` takes its strided per-matrix path; the
  same jacobian through `x @ W` takes 0.35 ms first but 1.6 ms last). Which layout
  wins is a property of the graph, not of the target: a reshape or transpose after
  the product hides the column from the target's shape (the rule this replaces keyed
  on the target's last dimension being 1, and missed both). So `plan_for` walks the
  graph once (node kinds cached by node type): a `Mm`/`Bmm`/`Addmm`/`Baddbmm`
  node whose second operand gets a gradient (its edge is connected) and whose output
  is one column (`_input_metadata`'s last dimension 1; `[1, n, 1]` from the `bmm` of
  an `einsum`) makes the seeds batch-last. A batch of columns does not: in a
  `batch_jacobian` of `matmul(W, x)` with `x` `[B, n, 1]` the batched gradient runs
  as a `bmm` of matrix-vector products in either layout, and batch-last only adds
  a copy (16 examples of 64: 3.2 ms first, 4.5 ms last; of 256: 239 and 316 ms);
  every other graph is batch-first, with one more batch-last case: a gradient's
  own graph (a Hessian by nested tapes; it holds `...BackwardBackward` nodes) in
  which a transpose feeds a matrix product whose output is a row and whose first
  operand gets a gradient. There the batched gradient reaches the product as a
  transposed view that `at::matmul` will not fold, and again runs as a `bmm` of
  matrix-vector products (`tanh((x_row @ W)^T)`, n = 256: 5.4 ms batch-first,
  2.5 ms last, `jacrev(jacrev)` 2.7 ms); the plain jacobian of the same function
  stays batch-first, its seeds arriving contiguous. Measured on the benchmark matrix
  (`benchmarks/bench_jacobian_matrix.py`): column products with or without a
  reshape/transpose after them, `einsum` (a `bmm` with a column) batch-last; row
  products, `mv`, MLPs, softmax, layer norm, convolutions, gather, reductions and
  elementwise chains batch-first.

All of the above is for graphs with a node our own batching rules do not cover. A
first-order graph made only of nodes they cover (NOTE [Own batching rules] in
`_batched_backward`: arithmetic, unary ops, views, padding, reductions, matrix
products, convolutions, softmax, `index_select`, flips, cumulative sums, stacking,
tiling, clamps and the common activations) runs its batched pass there,
batch-first, without either vmap (`Plan.own_rules`); those rules fold the batch of a
column product into one `mm` themselves. Whether a convolution's jacobian goes by
rows or columns is decided as before (NOTE [Rows or columns] in `_jacobian`). A
gradient's own graph (a Hessian by nested tapes) runs there only if it holds a
convolution, whose batched backward torch runs as a slow kernel (NOTE [Rows or
columns]: a Hessian through a convolution runs 0.3-0.7x torch's fastest method
there); otherwise it does not: it holds
three to four times as many nodes, most of them elementwise, where the Python loop
costs what functorch's interpreter does and more than the legacy rules' C++
(16-d Hessians, torch 2.13, 1 thread, ours with the rules / without: `matmul`
0.93-1.00x, softmax 0.94x, elementwise chain 1.11x, layer norm 1.21x, `reduce_max`
1.24x; jacobians of the same functions 0.62-0.91x, layer norm 1.04x).

All of the above is the host's arithmetic. On a GPU (any target not on the CPU) the
kernels of these jacobians take microseconds and the launches set the time, so the
plan is batch-first and by rows whatever the graph holds: the `bmm` of matrix-vector
products is one launch either way, while batch-last seeds add a copy, and a
forward-over-reverse column pass launches the double-backward graph on top of the
rows' work. Measured on an H200 (`benchmarks/bench_jacobian_matrix.py --device
cuda`): batch-last seeds for column products cost 1.3x batch-first at every size (16
to 1024), columns for convolutions 1.6-2.3x the batch-first rows.

>>> import torch
>>> w, x = torch.randn(3, 3), torch.randn(3, 1, requires_grad=True)
>>> plan_for(torch.tanh(w @ x)).own_rules  # our own rules cover it: batch-first there
True
>>> plan_for(torch.erfinv(torch.tanh(w @ x))).last  # not covered, a column product
True
"""

from __future__ import annotations

import math
from typing import Any, Dict, NamedTuple, Optional, Tuple

from torch import Tensor
from torch.autograd.function import BackwardCFunction

from tftape_torch._batched_backward import RULE_NAMES, function_rule
from tftape_torch._batched_examples import weight_edge
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass,
    dtype_of,
    grad_fn_of,
    node_output_dims,
    node_output_rank,
)

__all__ = ["LOOP", "Plan", "plan_for"]

# Backward nodes whose functorch batching rule gives wrong values (NOTE [Which vmap]).
_LEGACY_VMAP_NODES = frozenset({"CdistBackward0"})


class Plan(NamedTuple):
    """How to batch a jacobian over the graph below its target (NOTE [Which vmap])."""

    legacy: bool  # a node functorch batches wrongly: `is_grads_batched` rows
    last: bool  # seeds batch-last (NOTE [Which vmap]: column products, transposed rows)
    convolutions: int  # convolution nodes (their batched backward is slow)
    columns: bool  # forward-over-reverse columns may be tried (no Python backward)
    legacy_faster: bool  # every node has a fast legacy rule: small passes take them
    own_rules: bool = False  # a graph `_batched_backward` covers: rows run there
    double: bool = False  # a gradient's own graph (a Hessian by nested tapes)
    convolution_bytes: int = 0  # the largest convolution output (or input) node's size
    weights: bool = False  # a weight edge the per-example rows gain at (`_batched_examples`)


LOOP = Plan(False, False, 0, False, False)
# A node type's kind, legacy batching rule, whether `_batched_backward` has a rule for
# it, and its weight's edge (`_batched_examples.weight_edge`).
_Entry = Tuple[int, int, bool, Optional[int]]


def plan_for(target: Any) -> Plan:
    """One walk over the graph below `target`; node kinds are cached by node type."""
    if not isinstance(target, Tensor):
        return LOOP
    with DisableTorchFunctionSubclass():  # plain reads, not the drop-in tensor's properties
        root, dtype, on_host = grad_fn_of(target), dtype_of(target), target.is_cpu
    if root is None:
        return LOOP
    last = custom = double = transposed_row = weights = False
    legacy = own = dtype.is_floating_point
    convolutions = convolution_bytes = 0
    kinds = _NODE_KINDS
    seen = {root}
    pending = [root]
    pop, push, add = pending.pop, pending.append, seen.add
    while pending:
        node = pop()
        entry = kinds.get(type(node))
        if entry is None:
            entry = kinds[type(node)] = _classify(node)
        kind, rule, ours, weight = entry
        nexts = node.next_functions
        own = own and ours
        if weight is not None and not weights:
            weights = nexts[weight][0] is not None
        if legacy:
            legacy = rule == _BATCHED or (rule == _BATCHED_UNLESS_SCALAR
                                          and (node is root or not _makes_scalar(node)))
        if kind:
            if kind == _LEGACY:
                return Plan(True, False, 0, False, False)
            if kind == _CONVOLUTION or kind == _CONVOLUTION_DOUBLE:
                convolutions += 1
                double = double or kind == _CONVOLUTION_DOUBLE
                dims = node_output_dims(node)  # (its backward's node: the input's shape)
                if dims is not None:
                    convolution_bytes = max(convolution_bytes, math.prod(dims) * dtype.itemsize)
            elif kind == _CUSTOM:
                custom = True
            elif kind == _DOUBLE:
                double = True
            elif kind == _TRANSPOSE:
                transposed_row = transposed_row or any(
                    _is_row_product(next_node, kinds) for next_node, _ in nexts)
            elif not last and nexts[kind][0] is not None and _one_column(node):
                last = True
        for next_node, _ in nexts:
            if next_node is not None and next_node not in seen:
                add(next_node)
                push(next_node)
    if not on_host:  # launches, not arithmetic, set the time (NOTE [Which vmap])
        return Plan(False, False, convolutions, False, False)
    if own and (not double or convolutions):  # NOTE [Own batching rules] in `_batched_backward`
        return Plan(False, False, convolutions, not custom, legacy, True, double,
                    convolution_bytes, weights)
    last = last or (double and transposed_row)
    return Plan(False, last, convolutions, not custom and dtype.is_floating_point,
                legacy and not last, False, double)


def _makes_scalar(node: Any) -> bool:
    """Whether `node`'s forward op returned a 0-d tensor (for a leaf: is one)."""
    return not node_output_rank(node)  # None (unknown) counts as 0-d


def _one_column(node: Any) -> bool:
    """Whether a matrix product's output is one column: `[n, 1]`, or `[1, n, 1]` from a
    `bmm` (`einsum`); a batch of columns is not (NOTE [Which vmap])."""
    dims = node_output_dims(node)
    return dims is not None and len(dims) >= 2 and dims[-1] == 1 and math.prod(dims[:-2]) == 1


def _is_row_product(node: Any, kinds: Dict[type, _Entry]) -> bool:
    """Whether `node` is a matrix product with a row output (`[..., 1, n]`) whose first
    operand gets a gradient (the product a transposed row feeds)."""
    if node is None:
        return False
    entry = kinds.get(type(node))
    if entry is None:
        entry = kinds[type(node)] = _classify(node)
    kind = entry[0]
    if kind <= 0 or node.next_functions[kind - 1][0] is None:
        return False
    dims = node_output_dims(node)
    return dims is not None and len(dims) >= 2 and dims[-2] == 1


# Node type -> 0 (nothing to note), _LEGACY, _CONVOLUTION, _CUSTOM, or the index of a matrix
# product's second operand in `next_functions`.
_LEGACY = -1
_CONVOLUTION = -2
_CUSTOM = -3
_TRANSPOSE = -4
_DOUBLE = -5
_CONVOLUTION_DOUBLE = -6
_TRANSPOSES = frozenset({"TransposeBackward0", "TBackward0", "PermuteBackward0"})
_MAT2_INDEX = {"MmBackward0": 1, "BmmBackward0": 1, "AddmmBackward0": 2, "BaddbmmBackward0": 2}

# Node types whose backward (and, in a Hessian's graph, whose own nodes' backward) the
# legacy rules batch without a per-row loop, measured faster than functorch (NOTE
# [Which vmap]). A 0-d tensor that gets a gradient rules them out: a broadcasting op's
# backward sums to it with a full `sum`, which the legacy rules run row by row. Such
# a tensor comes from a leaf, a reduction, a select or a view, so only those are read.
_BATCHED_NODES = frozenset({
    "AbsBackward0", "AddBackward0", "AddBackward1", "CloneBackward0", "CosBackward0",
    "DiagonalBackward0", "DiagonalBackwardBackward0", "DivBackward0", "DivBackward1",
    "ErfBackward0", "ExpBackward0", "ExpandBackward0", "Expm1Backward0", "Log1PBackward0",
    "LogBackward0", "MmBackward0", "MulBackward0", "MulBackward1", "NegBackward0",
    "PermuteBackward0", "PowBackward0", "ReciprocalBackward0", "RepeatBackward0", "RsqrtBackward0",
    "RsubBackward1", "SelectBackwardBackward0", "SgnBackward0", "SigmoidBackward0",
    "SigmoidBackwardBackward0", "SinBackward0", "SliceBackward0", "SliceBackwardBackward0",
    "SqrtBackward0", "SubBackward0", "TBackward0", "ToCopyBackward0", "TransposeBackward0",
    "UnsqueezeBackward0",
})
_BATCHED_UNLESS_SCALAR_NODES = frozenset({
    "torch::autograd::AccumulateGrad", "AmaxBackward0", "AminBackward0",
    "LogsumexpBackward0", "MeanBackward0", "MeanBackward1", "SelectBackward0",
    "SqueezeBackward0", "SqueezeBackward1", "SumBackward0", "SumBackward1",
    "UnsafeViewBackward0", "VarBackward0", "ViewBackward0",
})
_NOT_BATCHED, _BATCHED, _BATCHED_UNLESS_SCALAR = 0, 1, 2
# node type -> (kind, legacy rule, has a rule in `_batched_backward`)
_NODE_KINDS: Dict[type, _Entry] = {}


def _classify(node: Any) -> _Entry:
    """`node`'s kind, batching rules and weight edge (`_batched_examples.weight_edge`),
    cached by node type in `_NODE_KINDS`."""
    if isinstance(node, BackwardCFunction):
        # A Python backward may leave the graph (NumPy, `.item()`, no_grad): its
        # gradient need not be differentiable, so no columns through it. Some of the
        # package's own Functions have a batching rule (`_batched_backward`).
        return _CUSTOM, _NOT_BATCHED, function_rule(type(node)) is not None, None
    name = node.name()
    if name in _BATCHED_NODES:
        rule = _BATCHED
    elif name in _BATCHED_UNLESS_SCALAR_NODES:
        rule = _BATCHED_UNLESS_SCALAR
    else:
        rule = _NOT_BATCHED
    return _node_kind(name), rule, name in RULE_NAMES, weight_edge(node)


def _node_kind(name: str) -> int:
    if name in _LEGACY_VMAP_NODES:
        return _LEGACY
    if name.startswith("ConvolutionBackwardBackward"):  # a convolution's backward's node
        return _CONVOLUTION_DOUBLE
    if name.startswith("ConvolutionBackward") or name.startswith("MkldnnConvolutionBackward"):
        return _CONVOLUTION
    if name in _TRANSPOSES:
        return _TRANSPOSE
    if "BackwardBackward" in name:  # a node of a gradient's own graph (a Hessian)
        return _DOUBLE
    return _MAT2_INDEX.get(name, 0)
