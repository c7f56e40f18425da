"""A jacobian's rows carried example by example through our own batching rules.

NOTE: [Per-example rows]

The jacobian of a target whose first dimension holds B examples (a batch of
per-example losses, a layer's outputs for a batch) runs B*K rows, K the elements of one
example's part of the target: row (b, k) starts as the one-hot seed at element k of
example b. Through a node whose backward sends slice b of its output's first dimension
to slice b of its inputs' first dimensions only -- elementwise ops whose operands keep
that dimension, the first operand of a matrix product, reshapes and permutes that keep
it, reductions, softmax, gathers and indexing along other dimensions, a label picked
from each example's own row (`gather` by an index as long as the examples,
`x[arange(B), labels]`), pools, batched products of each example's own matrices
(attention's `bmm`), per-example loss kernels (sparse and dense softmax cross-entropy,
binary cross-entropy from logits), a layer norm's input -- a row's gradient stays
zero outside its example's slice. Such gradients travel compactly, as one tensor
`[K, B, ...]`: row (b, k)'s gradient is `compact[k]` with every slice but b zeroed. That
is B times fewer elements than the rows, and every rule of `_batched_backward` runs on
it unchanged (a batch of K rows, each shaped like the node's output).

Where a gradient leaves the example dimension -- a matrix product's second operand,
an operand broadcast along the examples (a layer's weights and biases, the parameters
a jacobian of per-example losses asks about) -- each row's gradient is its own
example's contribution alone: for `x @ W`, row (b, k)'s gradient of `W` is the outer
product of `x[b]` and `compact[k, b]`, a per-example gradient, where the rows run `x^T
@ g` over all B examples (B times the work; the per-example `vmap(grad)` a torch user
writes by hand does the former); for a convolution's filter (not transposed, one
group), one grouped `convolution_backward` whose groups are the rows; for an embedding
table looked up by each example's ids (`index_select` along its first dimension,
`F.embedding`), each row's lookups added into its own copy of the table. An example may
own a block of T rows of a tensor's first dimension (`[K, B*T, ...]`): a 3-D `x @ W`
folds a sequence into the rows of one `mm`, and a reshape keeps each example's
elements in their block wherever the first size is a multiple of B; an example's
weight gradient is then its block's product, `x[block]^T @ g[k, block]`. Anywhere else
the compact gradient is expanded to its rows (`rows`) and the pass goes on by the
ordinary rules, so a graph the compact form does not cover costs what it did. A pass
takes this form only where it can gain (`examples_in`): a first-order pass of every
row of the identity (`_jacobian._rows`), rows of at least `_MIN_ROW_ELEMENTS`
elements, and a weight reached through a matrix product's second operand or a
convolution's filter.

Measured (`benchmarks/bench_per_example.py`, torch 2.13, 1 thread, CPU; the README's
"Per-example jacobians"): the jacobians of two-layer MLPs' per-example losses with
respect to their weights at 256 examples, 7.5-8.1x torch's fastest method as rows,
0.29-0.33x per example; ten logits per example at 128 examples, 25x and 0.75x; a
dense layer on 16-step sequences at 256 examples, 115x and 0.68x.

>>> import torch
>>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
>>> seed((3,), torch.float32, x.device)  # three rows, one per example, as one
tensor([[1., 1., 1.]])
>>> rows(seed((3,), torch.float32, x.device), 3)  # the rows it stands for
tensor([[1., 0., 0.],
        [0., 1., 0.],
        [0., 0., 1.]])
"""

from __future__ import annotations

import math
from typing import (
    Any,
    Callable,
    Container,
    Dict,
    Iterable,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
)

import torch

from tftape_torch._batch_first import sum_to
from tftape_torch._jacobian_passes import unit_strides_as_batch
from tftape_torch._torch_internals import DisableTorchFunctionSubclass, node_input_meta, saved

__all__ = ["compact_rows", "examples_in", "joined", "rows", "seed", "step", "weight_edge"]

Tensor = torch.Tensor
Grads = List[Optional[Tensor]]
Edges = Tuple[Tuple[Any, int], ...]
Rule = Callable[[Any, Tensor, Any], Grads]
#: What `step` returns: each edge's gradient, and whether it is compact.
Step = Tuple[Grads, List[bool]]


def seed(shape: Sequence[int], dtype: torch.dtype, device: torch.device) -> Tensor:
    """The compact seeds of every row of a jacobian of a target of `shape` (`[B, ...]`):
    `[K, B, ...]`, row (b, k) one-hot at element k of example b."""
    batch, rest = shape[0], tuple(shape[1:])
    count = math.prod(rest)
    eye = torch.eye(count, dtype=dtype, device=device)
    return eye.reshape((count, 1) + rest).expand((count, batch) + rest)


def rows(compact: Tensor, batch: int) -> Tensor:
    """The B*K rows compact gradient `compact` (`[K, N, ...]`, example b owning block b
    of the N = B*T along its first dimension; B = `batch`) stands for, batch-first in
    the target's order (row b*K + k)."""
    count, length = compact.shape[0], compact.shape[1]
    rest = tuple(compact.shape[2:])
    mask = torch.eye(batch, dtype=compact.dtype, device=compact.device)
    if length != batch:
        mask = mask.repeat_interleave(length // batch, dim=1)
    mask = mask.reshape((batch, 1, length) + (1,) * len(rest))
    return unit_strides_as_batch(
        (mask * compact.unsqueeze(0)).reshape((batch * count, length) + rest))


def examples_in(output: Tensor, nodes: Iterable[Any], edges: Dict[Any, Edges]) -> bool:
    """Whether the rows of `output`'s identity should travel per example through
    `nodes` (those the pass runs; `edges`, each node's `next_functions`): `output`'s
    first dimension holds two or more examples, the rows are many enough to gain by it
    (`_MIN_ROW_ELEMENTS`), and a weight gets a gradient through a node where the rows'
    own examples' terms save the work: a matrix product's second operand or a
    convolution's filter. Elsewhere (a vector's jacobian with respect to a vector
    through elementwise ops, softmax, gathers) the rows reach the sources as full rows
    anyway, and the per-example form only adds its steps (measured 1.05-1.4x where the
    graph mixes the examples early)."""
    with DisableTorchFunctionSubclass():
        if output.dim() < 1:
            return False
        batch = output.shape[0]
        if batch < 2 or batch * output.numel() < _MIN_ROW_ELEMENTS:
            return False
    for node in nodes:
        index = weight_edge(node)
        if index is not None and edges[node][index][0] is not None:
            return True
    return False


def weight_edge(node: Any) -> Optional[int]:
    """The index of `node`'s weight among its edges, where the rows' own examples'
    terms are cheap to take (a matrix product's second operand, a convolution's
    filter), or None for other nodes."""
    kind = type(node)
    index = _WEIGHT_EDGE.get(kind, -1)
    if index == -1:
        index = _WEIGHT_EDGE[kind] = _WEIGHT_EDGE_BY_NAME.get(node.name())
    return index


def compact_rows(shape: Sequence[int]) -> int:
    """How many rows the per-example form carries for a target of `shape` whose graph
    holds a weight (`examples_in` without the walk): one example's elements where it
    applies, all of them otherwise."""
    count = math.prod(shape)
    if not shape or shape[0] < 2 or shape[0] * count < _MIN_ROW_ELEMENTS:
        return count
    return count // shape[0]


#: The elements of the rows of a target's identity from which they travel per example.
#: Through a weight they gain from small batches on (measured with the form on and off:
#: 32 examples' losses through two dense layers 0.65x, 16 images' through a convolution
#: 0.62x, 64 of them 0.08x), but a few small tensors' worth of rows cost more than the
#: form's own steps save: the 256 rows of a 16-vector through a column product 1.09x,
#: 16 examples' losses 0.92x.
_MIN_ROW_ELEMENTS = 2**10

#: The edge of a node's weight, where its per-example gradients are cheap to take.
_WEIGHT_EDGE_BY_NAME = {"MmBackward0": 1, "AddmmBackward0": 2, "ConvolutionBackward0": 1}
_WEIGHT_EDGE: Dict[type, Optional[int]] = {}  # node type -> its weight's edge, learnt


def joined(node: Any, out: Tensor, held: Optional[Tensor], per_example: bool,
           compact: Set[Any], batch: int) -> Tuple[Tensor, Optional[Tensor]]:
    """Gradient `out` (per example or not) arriving at `node`, which holds `held`, as
    two tensors of one form: both per example (then `node` is in `compact`) or both
    rows."""
    if held is None:
        if per_example:
            compact.add(node)
        return out, None
    if node in compact:
        if per_example:
            return out, held
        compact.discard(node)
        return out, rows(held, batch)
    return (rows(out, batch) if per_example else out), held


def _own_rows(value: Tensor, batch: int) -> Tensor:
    """Rows `[B*K, T, ...]`, each its own example's block, from `value` `[K, B*T, ...]`
    (a gradient about to be summed over the examples: each row's sum is its own)."""
    count, length = value.shape[0], value.shape[1]
    rest = tuple(value.shape[2:])
    blocks = value.reshape((count, batch, length // batch) + rest).transpose(0, 1)
    return blocks.reshape((batch * count, length // batch) + rest)


def step(node: Any, g: Tensor, nexts: Edges, rule: Rule, elementwise: Container[str],
         batch: int) -> Optional[Step]:
    """`node`'s gradients for compact `g` (`[K, B*T, ...]`: `batch` examples, each
    owning a block of T along the first dimension) by its batched `rule`, each marked
    compact or rows; None where `node`'s backward leaves the example blocks in a way
    not covered here (the caller expands `g` to its rows). `elementwise` names the node
    types whose one input is shaped like the output, each element from its own."""
    kind = _KINDS.get(type(node))
    if kind is None:
        name = node.name()
        kind = _keeps if name in elementwise else _BY_NAME.get(name, _other)
        _KINDS[type(node)] = kind
    return kind(node, g, nexts, rule, batch)


# ---------------------------------------------------------------------- node kinds


def _other(node: Any, g: Tensor, nexts: Edges, rule: Rule, batch: int) -> Optional[Step]:
    return None


def _keeps(node: Any, g: Tensor, nexts: Edges, rule: Rule, batch: int) -> Optional[Step]:
    """A node whose one input is shaped like its output, each element from its own."""
    return rule(node, g, nexts), [True]


def _kept(nexts: Edges, rank: int, length: int) -> Optional[List[bool]]:
    """For each connected edge of an elementwise op with broadcasting, whether its
    input keeps the examples' blocks (same rank and first size as the output, `length`);
    None for an edge it reaches broadcast along them (the op sums its gradient over
    them)."""
    kept: List[bool] = []
    for next_node, slot in nexts:
        if next_node is None:
            kept.append(False)
            continue
        shape, _ = node_input_meta(next_node, slot)
        if len(shape) != rank or shape[0] != length:
            return None
        kept.append(True)
    return kept


def _broadcasting(terms: Callable[[Any, Tensor, Edges], Grads]) -> Callable[..., Optional[Step]]:
    """An elementwise op with broadcasting: its own rule where every input keeps the
    examples; otherwise `terms` (each edge's gradient before the sum to its input's
    shape), summed example by example where an input is broadcast along them."""

    def kind(node: Any, g: Tensor, nexts: Edges, rule: Rule, batch: int) -> Optional[Step]:
        rank, length = g.dim() - 1, g.shape[1]
        kept = _kept(nexts, rank, length)
        if kept is not None:
            return rule(node, g, nexts), kept
        grads: Grads = []
        compact: List[bool] = []
        for (next_node, slot), term in zip(nexts, terms(node, g, nexts)):
            if next_node is None or term is None:
                grads.append(None)
                compact.append(False)
                continue
            shape, dtype = node_input_meta(next_node, slot)
            keeps = len(shape) == rank and shape[0] == length
            grad = sum_to(term if keeps else _own_rows(term, batch), shape)
            grads.append(grad if grad.dtype == dtype else grad.to(dtype))
            compact.append(keeps)
        return grads, compact

    return kind


def _add_terms(node: Any, g: Tensor, nexts: Edges) -> Grads:
    alpha = saved(node, "alpha")
    return [g, g if alpha == 1 else g * alpha]


def _sub_terms(node: Any, g: Tensor, nexts: Edges) -> Grads:
    alpha = saved(node, "alpha")
    return [g, -g if alpha == 1 else -g * alpha]


def _mul_terms(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = nexts[0][0] is not None, nexts[1][0] is not None
    return [g * saved(node, "other") if first else None,
            g * saved(node, "self") if second else None]


def _div_terms(node: Any, g: Tensor, nexts: Edges) -> Grads:
    first, second = nexts[0][0] is not None, nexts[1][0] is not None
    other = saved(node, "other")
    return [g / other if first else None,
            -g * ((saved(node, "self") / other) / other) if second else None]


def _outer(left: Tensor, g: Tensor, batch: int) -> Tensor:
    """Rows `[B*K, n, m]`: row (b, k) is the gradient of `W` in `left @ W` from example
    b's block alone, `left[block b]^T @ g[k, block b]` (`left` `[B*T, n]`, `g` `[K, B*T,
    m]`): with one row per example (T = 1), the outer product of `left[b]` and `g[k, b]`."""
    count, length = g.shape[0], g.shape[1]
    if length != batch:  # blocks of T rows: one product per example, K at once
        span = length // batch
        blocks = left.reshape(batch, span, left.shape[1]).mT
        per_example = g.reshape(count, batch, span, g.shape[2]).permute(1, 2, 0, 3)
        product = blocks @ per_example.reshape(batch, span, count * g.shape[2])
        return product.reshape(batch, left.shape[1], count, g.shape[2]).transpose(1, 2).reshape(
            batch * count, left.shape[1], g.shape[2])
    # (`g` example-major first: the product is then laid out as its rows, no copy)
    product = left.unsqueeze(1).unsqueeze(-1) * g.transpose(0, 1).contiguous().unsqueeze(2)
    return product.reshape(batch * count, left.shape[1], g.shape[2])


def _mm(node: Any, g: Tensor, nexts: Edges, rule: Rule, batch: int) -> Optional[Step]:
    first, second = nexts[0][0] is not None, nexts[1][0] is not None
    return ([g @ saved(node, "mat2").mT if first else None,
             _outer(saved(node, "self"), g, batch) if second else None], [first, False])


def _addmm(node: Any, g: Tensor, nexts: Edges, rule: Rule, batch: int) -> Optional[Step]:
    alpha, beta = saved(node, "alpha"), saved(node, "beta")
    grads: Grads = [None, None, None]
    compact = [False, False, False]
    bias_node, bias_slot = nexts[0]
    if bias_node is not None:
        shape, dtype = node_input_meta(bias_node, bias_slot)
        term = g if beta == 1 else g * beta
        keeps = len(shape) == 2 and shape[0] == g.shape[1]
        grad = sum_to(term if keeps else _own_rows(term, batch), shape)
        grads[0], compact[0] = grad if grad.dtype == dtype else grad.to(dtype), keeps
    if nexts[1][0] is not None:
        grads[1], compact[1] = _scaled(g @ saved(node, "mat2").mT, alpha), True
    if nexts[2][0] is not None:
        grads[2] = _scaled(_outer(saved(node, "mat1"), g, batch), alpha)
    return grads, compact


def _convolution(node: Any, g: Tensor, nexts: Edges, rule: Rule,
                 batch: int) -> Optional[Step]:
    """A convolution (not transposed, one group): the input's gradient by its own rule
    (each example's from its own), the weight's and bias's example by example: one
    grouped `convolution_backward` whose groups are the rows, each row's channels its
    example's."""
    if saved(node, "transposed") or saved(node, "groups") != 1:
        return None
    grads: Grads = [None, None, None]
    compact = [False, False, False]
    if nexts[0][0] is not None:
        unused = (None, 0)
        grads[0] = rule(node, g, (nexts[0],) + (unused,) * (len(nexts) - 1))[0]
        compact[0] = True
    count, span = g.shape[0], g.shape[1] // batch
    if nexts[1][0] is not None:
        input, weight = saved(node, "input"), saved(node, "weight")
        rows = batch * count
        # The convolution's examples: each example's block (T); its channels: the rows'.
        blocks = g.reshape((count, batch, span) + tuple(g.shape[2:])).transpose(0, 2)
        per_row = blocks.reshape((span, rows * g.shape[2]) + tuple(g.shape[3:]))
        inputs = input.reshape((batch, 1, span) + tuple(input.shape[1:])).expand(
            (batch, count, span) + tuple(input.shape[1:])).permute(
                2, 0, 1, *range(3, input.dim() + 2))
        inputs = inputs.reshape((span, rows * input.shape[1]) + tuple(input.shape[2:]))
        grad = torch.ops.aten.convolution_backward(
            per_row, inputs, weight.repeat((rows,) + (1,) * (weight.dim() - 1)), None,
            saved(node, "stride"), saved(node, "padding"), saved(node, "dilation"), False,
            saved(node, "output_padding"), rows, [False, True, False])[1]
        grads[1] = grad.reshape((rows,) + tuple(weight.shape))
    if len(nexts) > 2 and nexts[2][0] is not None:
        grads[2] = _own_rows(g.sum(list(range(3, g.dim()))), batch).sum(1)
    return grads, compact


def _scaled(value: Tensor, alpha: Any) -> Tensor:
    return value if alpha == 1 else value * alpha


def _normalized(dims: Any, rank: int) -> List[int]:
    if isinstance(dims, int):
        dims = [dims]
    return [d + rank if d < 0 else d for d in dims]


Keeps = Callable[[Any, Tensor, int], bool]


def _when(keeps: Keeps, edges: int = 1) -> Callable[..., Optional[Step]]:
    """A node with `edges` inputs, each shaped like its output along the first
    dimension, whose backward keeps the examples where `keeps(node, g)` holds: its own
    rule then, the rows otherwise."""
    kept = [True] * edges

    def kind(node: Any, g: Tensor, nexts: Edges, rule: Rule, batch: int) -> Optional[Step]:
        if not keeps(node, g, batch):
            return None
        return rule(node, g, nexts), kept

    return kind


def _always(node: Any, g: Tensor, batch: int) -> bool:
    return True


def _xent_keeps(node: Any, g: Tensor, batch: int) -> bool:
    """TF's softmax cross-entropy (`_xent_kernel`) along a class axis other than 0."""
    return bool(node.dim % node.saved_tensors[1].dim() != 0)


def _index_select(node: Any, g: Tensor, nexts: Edges, rule: Rule,
                  batch: int) -> Optional[Step]:
    """`index_select` along another dimension than the first keeps the examples. Along
    the first (an embedding lookup: `tf.gather(table, ids)`), each row's gradient of the
    table is its own example's block of lookups, added at their indices."""
    sizes = saved(node, "self_sym_sizes")
    if not sizes:
        return None
    if _normalized(saved(node, "dim"), len(sizes)) != [0]:
        return rule(node, g, nexts), [True]
    # (a 1-D index: a 0-d one gives a first size of 1, not B*T)
    return [_own_lookups(g, saved(node, "index"), sizes[0], batch)], [False]


def _embedding(node: Any, g: Tensor, nexts: Edges, rule: Rule,
               batch: int) -> Optional[Step]:
    """`F.embedding`: each row's gradient of the table from its own example's ids (a
    block of the first dimension of `indices`, as of the output)."""
    indices = saved(node, "indices")
    if saved(node, "scale_grad_by_freq") or indices.dim() == 0:
        return None  # (the counts are the whole batch's)
    table = saved(node, "weight_sym_argsize_0")
    out = _own_lookups(g.reshape(g.shape[0], indices.numel(), g.shape[-1]),
                       indices.reshape(-1), table, batch)
    padding = saved(node, "padding_idx")
    if 0 <= padding < table:  # (-1, none, reads as 2**64 - 1)
        out[:, padding] = 0
    return [out], [False]


def _layer_norm(node: Any, g: Tensor, nexts: Edges, rule: Rule,
                batch: int) -> Optional[Step]:
    """A layer norm over trailing dimensions: the input's gradient by its own rule
    (each example normalized apart), the weight's and bias's from each row's own
    example's block."""
    x = saved(node, "input")
    count = len(saved(node, "normalized_shape"))
    if count >= x.dim():
        return None  # (normalized across the examples)
    unused = (None, 0)
    grads = rule(node, g, (nexts[0],) + (unused,) * (len(nexts) - 1))
    others = tuple(range(1, x.dim() - count + 1))  # (of the own rows: [B*K, T, ...])
    if len(nexts) > 1 and nexts[1][0] is not None:
        x_hat = (x - saved(node, "result1")) * saved(node, "result2")
        grads[1] = _own_rows(g * x_hat, batch).sum(others)
    if len(nexts) > 2 and nexts[2][0] is not None:
        grads[2] = _own_rows(g, batch).sum(others)
    return grads, [True, False, False]


def _own_lookups(g: Tensor, ids: Tensor, table: int, batch: int) -> Tensor:
    """Rows `[B*K, table, ...]` of a lookup's table gradient, from `g` `[K, N, ...]` of
    the `ids` (`[N]`, example b's a block of N / B): row (b, k) adds up `g[k, j]` at
    row `ids[j]` for the lookups j of example b alone."""
    count, length = g.shape[0], g.shape[1]
    span, rest = length // batch, tuple(g.shape[2:])
    blocks = g.reshape((count, batch, span) + rest).transpose(0, 1)  # [B, K, T, ...]
    where = ids.reshape((batch, 1, span) + (1,) * len(rest)).expand(blocks.shape)
    out = g.new_zeros((batch, count, table) + rest).scatter_add_(2, where, blocks)
    return out.reshape((batch * count, table) + rest)


def _gather_keeps(node: Any, g: Tensor, batch: int) -> bool:
    """`gather` along another dimension than the first, by an index as long as its
    input there (`log_probs.gather(1, labels[:, None])`, `tf.gather(x, ids,
    batch_dims=1)`): output row b gathers from input row b."""
    sizes = saved(node, "self").shape
    return (len(sizes) > 0 and _normalized(saved(node, "dim"), len(sizes)) != [0]
            and saved(node, "index").shape[0] == sizes[0])


def _index_keeps(node: Any, g: Tensor, batch: int) -> bool:
    """Advanced indexing whose first index is `arange` over the first dimension and
    whose index tensors are all vectors (`log_probs[torch.arange(B), labels]`,
    `tf.gather_nd(x, tf.stack([tf.range(B), labels], 1))`): output row b reads input
    row b. (Our own rules run on host tensors only: reading the index costs no sync.)"""
    indices = saved(node, "indices")
    first = indices[0] if indices else None
    if first is None or first.dim() != 1 or first.dtype not in (torch.int64, torch.int32):
        return False
    length = saved(node, "self_sym_sizes")[0]
    if first.shape[0] != length or any(
            index is not None and (index.dim() != 1 or index.shape[0] != length
                                   or index.dtype in (torch.bool, torch.uint8))
            for index in indices):
        return False
    return bool(torch.equal(first, torch.arange(length, dtype=first.dtype)))


def _first_size_kept(node: Any, g: Tensor, batch: int) -> bool:
    """A reshape's or squeeze's input starts with blocks of the examples, as its output
    does: a first size that is a multiple of theirs (a reshape keeps each example's
    elements where they were, in order)."""
    sizes = saved(node, "self_sym_sizes")
    return len(sizes) > 0 and sizes[0] > 0 and sizes[0] % batch == 0


def _permute_keeps(node: Any, g: Tensor, batch: int) -> bool:
    dims = saved(node, "dims")
    return _normalized(dims[0], len(dims)) == [0]


def _transpose_keeps(node: Any, g: Tensor, batch: int) -> bool:
    return 0 not in _normalized([saved(node, "dim0"), saved(node, "dim1")], g.dim() - 1)


def _reduction_keeps(node: Any, g: Tensor, batch: int) -> bool:
    dims = saved(node, "dim")
    if dims is None or (not isinstance(dims, int) and len(dims) == 0):
        return False  # every dimension
    return 0 not in _normalized(dims, len(saved(node, "self_sym_sizes")))


def _reduction_of_self_keeps(node: Any, g: Tensor, batch: int) -> bool:
    dims = saved(node, "dim")
    if not isinstance(dims, int) and len(dims) == 0:
        return False  # every dimension
    return 0 not in _normalized(dims, saved(node, "self").dim())


def _dim_keeps(name: str, of_input: bool = False) -> Keeps:
    """The node's `name` dimension(s), of its output's rank (or its input's), exclude 0."""

    def keeps(node: Any, g: Tensor, batch: int) -> bool:
        rank = len(saved(node, "self_sym_sizes")) if of_input else g.dim() - 1
        return 0 not in _normalized(saved(node, name), rank)

    return keeps


def _expand(node: Any, g: Tensor, nexts: Edges, rule: Rule, batch: int) -> Optional[Step]:
    sizes = saved(node, "self_sym_sizes")
    if len(sizes) == g.dim() - 1 and sizes[0] == g.shape[1]:
        return rule(node, g, nexts), [True]
    return [sum_to(_own_rows(g, batch), sizes)], [False]  # broadcast along the examples


_BY_NAME: Dict[str, Callable[..., Optional[Step]]] = {
    "AddBackward0": _broadcasting(_add_terms),
    "SubBackward0": _broadcasting(_sub_terms),
    "MulBackward0": _broadcasting(_mul_terms),
    "DivBackward0": _broadcasting(_div_terms),
    "MmBackward0": _mm,
    "AddmmBackward0": _addmm,
    "ConvolutionBackward0": _convolution,
    "ViewBackward0": _when(_first_size_kept),
    "UnsafeViewBackward0": _when(_first_size_kept),
    "ReshapeAliasBackward0": _when(_first_size_kept),
    "SqueezeBackward0": _when(_first_size_kept),
    "SqueezeBackward1": _when(_first_size_kept),
    "SqueezeBackward2": _when(_first_size_kept),
    "SqueezeBackward4": _when(_first_size_kept),
    "PermuteBackward0": _when(_permute_keeps),
    "TransposeBackward0": _when(_transpose_keeps),
    "TBackward0": _when(lambda node, g, batch: g.dim() < 3),  # (a vector's `t` is itself)
    "UnsqueezeBackward0": _when(_dim_keeps("dim")),
    "ExpandBackward0": _expand,
    "SumBackward1": _when(_reduction_keeps),
    "MeanBackward1": _when(_reduction_keeps),
    "AmaxBackward0": _when(_reduction_of_self_keeps),
    "LogsumexpBackward0": _when(_reduction_of_self_keeps),
    "SoftmaxBackward0": _when(_dim_keeps("dim")),
    "LogSoftmaxBackward0": _when(_dim_keeps("dim")),
    "CumsumBackward0": _when(_dim_keeps("dim")),
    "FlipBackward0": _when(_dim_keeps("dims")),
    "SelectBackward0": _when(_dim_keeps("dim", of_input=True)),
    "SliceBackward0": _when(_dim_keeps("dim", of_input=True)),
    "IndexSelectBackward0": _index_select,
    "GatherBackward0": _when(_gather_keeps),
    "IndexBackward0": _when(_index_keeps),
    "EmbeddingBackward0": _embedding,
    "NativeLayerNormBackward0": _layer_norm,
    "BmmBackward0": _when(_always, edges=2),
    # (a loss reduced over the batch is 0-d: never reached per example)
    "NllLossBackward0": _when(_always),
    # (pools run over the last two dimensions: a first one, examples or channels, stays)
    "MaxPool2DWithIndicesBackward0": _when(_always),
    "AdaptiveMaxPool2DBackward0": _when(_always),
    "AvgPool2DBackward0": _when(_always),
    "AdaptiveAvgPool2DBackward0": _when(_always),
    "BinaryCrossEntropyWithLogitsBackward0": _when(_always, edges=2),
    "_SoftmaxXentBackward": _when(_xent_keeps, edges=2),
}
_KINDS: Dict[type, Callable[..., Optional[Step]]] = {}  # node type -> its kind, learnt
