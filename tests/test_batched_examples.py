"""Jacobian rows carried example by example (NOTE [Per-example rows] in
`tftape_torch/_batched_examples.py`) against the same rows carried one by one.

Every graph runs `_batched_backward.run` twice on the identity's rows, once per
example and once as plain rows, and the two must agree; each case also checks that
the per-example form was taken (or, where a node mixes the examples, that the pass
fell back to rows and still agrees). The graphs put the examples where an op could
mistake them for another dimension of the same size: square matrices, permutes and
transposes that move the first dimension, reductions, softmax and indexing along it,
products that contract it, parameters broadcast along it.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tests.test_batched_backward_random import _program
from tftape_torch import GradientTape, _batched_backward, _batched_examples
from tftape_torch import _xent_kernel as xent_kernel

Tensor = torch.Tensor
F = torch.nn.functional


@pytest.fixture(autouse=True)
def every_pass_per_example(monkeypatch: pytest.MonkeyPatch) -> None:
    """The graphs here are small, and most differentiate with respect to the examples'
    own inputs, where the tape keeps plain rows (`examples_in`): carry their rows per
    example all the same, to check the rules."""
    monkeypatch.setattr(_batched_backward, "examples_in",
                        lambda output, nodes, edges: output.dim() >= 1 and output.shape[0] >= 2)


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> Dict[str, int]:
    """How many nodes ran per example, and how many fell back to rows."""
    counts = {"kept": 0, "rows": 0}
    step = _batched_backward.example_step

    def counted(*args: Any) -> Any:
        result = step(*args)
        counts["kept" if result is not None else "rows"] += 1
        return result

    monkeypatch.setattr(_batched_backward, "example_step", counted)
    return counts


def _both(fn: Callable[..., Tensor], *inputs: Tensor) -> List[List[Any]]:
    """`fn`'s jacobian rows by our rules, per example and as rows."""
    sources = [x.detach().clone().requires_grad_(True) for x in inputs]
    y = fn(*sources)
    seeds = torch.eye(y.numel(), dtype=y.dtype).reshape((y.numel(), *y.shape))
    return [_batched_backward.run([y], sources, [seeds], create_graph=False,
                                  per_example=per_example)
            for per_example in (True, False)]


def _agree(fn: Callable[..., Tensor], *inputs: Tensor) -> None:
    per_example, plain = _both(fn, *inputs)
    assert per_example is not None and plain is not None
    for got, want in zip(per_example, plain):
        assert (got is None) == (want is None)
        if want is not None:
            assert got.shape == want.shape and got.dtype == want.dtype
            torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)


def _randn(*shape: int, seed: int = 0) -> Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed),
                       dtype=torch.float64)


W = _randn(4, 4, seed=1)  # as many rows as the examples: a wrong reading would fit
B4 = _randn(4, seed=2)
LABELS = torch.tensor([3, 0, 2, 2])

# Each keeps the examples in the first dimension all the way down.
KEPT: Dict[str, Callable[[Tensor], Tensor]] = {
    "dense_layer": lambda x: torch.tanh(x @ W + B4),
    "addmm_row_bias": lambda x: torch.addmm(B4, x, W),
    "addmm_column_bias": lambda x: torch.addmm(B4.unsqueeze(1), x, W),
    "addmm_full_bias": lambda x: torch.addmm(x * 2.0, x, W, beta=0.5, alpha=2.0),
    "mul_by_broadcast_row": lambda x: x * B4.reshape(1, 4),
    "div_by_broadcast_column": lambda x: x / (B4.abs() + 1).reshape(4, 1),
    "sub_of_per_example": lambda x: x - torch.sin(x),
    "reshape_keeping_examples": lambda x: torch.tanh(x.reshape(4, 2, 2)).reshape(4, 4),
    "permute_keeping_examples": lambda x: torch.sigmoid(
        x.reshape(4, 2, 2).permute(0, 2, 1)).reshape(4, 4),
    "softmax_last": lambda x: torch.softmax(x @ W, -1),
    "log_softmax_last": lambda x: torch.log_softmax(x, 1),
    "sum_last_keepdim": lambda x: x * x.sum(-1, keepdim=True),
    "mean_last": lambda x: x.mean(1),
    "amax_last": lambda x: torch.amax(x, 1, keepdim=True) * x,
    "logsumexp_last": lambda x: torch.logsumexp(x, -1),
    "unsqueeze_later": lambda x: (x.unsqueeze(1) * W.unsqueeze(0)).sum(-1),
    "index_select_columns": lambda x: torch.index_select(x, 1, torch.tensor([3, 0, 0])),
    "cumsum_along_row": lambda x: torch.cumsum(x, 1),
    "flip_columns": lambda x: x.flip(1),
    "select_column": lambda x: x.select(1, 2) * x[:, 1],
    "slice_columns": lambda x: x[:, 1:3] ** 2,
    "transpose_later": lambda x: x.reshape(4, 2, 2).transpose(1, 2).reshape(4, 4),
    # Per-example losses, as TF's and Keras's losses record them.
    "sparse_softmax_xent": lambda x: F.nll_loss(torch.log_softmax(x @ W, 1), LABELS,
                                                reduction="none"),
    "sparse_xent_some_ignored": lambda x: F.nll_loss(x * x, LABELS.where(LABELS != 2, -100),
                                                     weight=B4.abs(), reduction="none"),
    "sigmoid_xent": lambda x: F.binary_cross_entropy_with_logits(
        x @ W, torch.sigmoid(x), pos_weight=B4.abs(), reduction="none"),
    "softmax_xent_function": lambda x: xent_kernel.softmax_xent(
        torch.softmax(x, 1), x @ W, -1),
    # A per-example loss picked at each example's label.
    "gather_at_labels": lambda x: -torch.log_softmax(x @ W, 1).gather(1, LABELS[:, None]),
    "take_along_labels": lambda x: torch.take_along_dim(x * x, LABELS[:, None], 1)[:, 0],
    "index_at_labels": lambda x: -torch.log_softmax(x @ W, 1)[torch.arange(4), LABELS],
    # Each example's own image pooled.
    "max_pool_of_each_image": lambda x: F.max_pool2d(x.reshape(4, 1, 2, 2) * 2.0, 2,
                                                     padding=1).reshape(4, 4),
    "avg_pools_of_each_image": lambda x: F.avg_pool2d(torch.tanh(x).reshape(4, 1, 2, 2), 2,
                                                      1, 1).reshape(4, 9)
    + F.adaptive_avg_pool2d(x.reshape(4, 1, 2, 2), 1).reshape(4, 1),
    "gelu_silu": lambda x: F.gelu(x @ W) * F.silu(x),
    "layer_norm_of_each_example": lambda x: F.layer_norm(x @ W, (4,), B4, B4 * 0.5),
    "layer_norm_over_trailing_dims": lambda x: F.layer_norm(
        x.reshape(4, 2, 2), (2, 2)).reshape(4, 4) * W,
    # Batched products of each example's own matrices (attention), the gradient
    # arriving expanded from a mean.
    "bmm_of_each_examples_matrices": lambda x: torch.bmm(
        x.reshape(4, 2, 2), torch.tanh(x).reshape(4, 2, 2).mT).reshape(4, 4),
    "attention_then_mean": lambda x: torch.bmm(torch.softmax(torch.bmm(
        x.reshape(4, 2, 2), x.reshape(4, 2, 2).mT), -1), x.reshape(4, 2, 2)).mean(1),
}

# Each mixes the examples somewhere (the pass must fall back to rows there).
MIXED: Dict[str, Callable[[Tensor], Tensor]] = {
    "left_product": lambda x: W @ x,
    "transpose": lambda x: torch.tanh(x.t()) @ W,
    "transpose_dims": lambda x: x.transpose(0, 1) * B4,
    "permute_moves_examples": lambda x: x.reshape(4, 2, 2).permute(1, 0, 2).reshape(4, 4),
    "softmax_over_examples": lambda x: torch.softmax(x, 0),
    "sum_over_examples": lambda x: x * x.sum(0),
    "mean_over_examples": lambda x: x - x.mean(0, keepdim=True),
    "cumsum_over_examples": lambda x: torch.cumsum(x, 0),
    "flip_examples": lambda x: x.flip(0) * x,
    "index_select_examples": lambda x: torch.index_select(x, 0, torch.tensor([3, 1, 2, 0])),
    "gather_across_examples": lambda x: x.gather(0, LABELS[None, :]) * x,
    "index_at_other_rows": lambda x: x[torch.tensor([1, 0, 2, 3]), LABELS] * x[:, 0],
    "index_of_examples": lambda x: x[LABELS] * x,
    "reshape_moves_examples": lambda x: x.reshape(2, 8).reshape(4, 4) * x.reshape(-1).reshape(
        4, 4).t(),
    "expand_of_a_row": lambda x: x[:1].expand(4, 4) * x,
    "slice_of_examples": lambda x: x[1:] * x[:-1],
    # The first dimension of the result is as long as the examples, but is another one.
    "permute_swaps_equal_dims": lambda x: torch.tanh(
        x.unsqueeze(2).permute(1, 0, 2)).squeeze(2) * x,
    "softmax_xent_over_examples": lambda x: xent_kernel.softmax_xent(
        torch.softmax(x, 1), x @ W, 0),
    "nll_loss_of_the_batch": lambda x: F.nll_loss(x, LABELS) * x,
    "embedding_of_one_id": lambda x: F.embedding(torch.tensor(2), x) * 3.0,
    "layer_norm_across_examples": lambda x: F.layer_norm(x * 2.0, (4, 4)),
    "sum_over_examples_of_a_product": lambda x: (x.unsqueeze(2) * x.unsqueeze(1)).sum(0),
    "mean_over_examples_of_a_product": lambda x: (x.unsqueeze(2) * x.unsqueeze(1)).mean([0]),
    "amax_over_examples": lambda x: torch.amax(x.unsqueeze(2) * x.unsqueeze(1), 0),
    "logsumexp_over_examples": lambda x: torch.logsumexp(x.unsqueeze(2) * x.unsqueeze(1), 0),
}


@pytest.mark.parametrize("name", sorted(KEPT))
def test_graphs_that_keep_the_examples_run_per_example(name: str,
                                                       steps: Dict[str, int]) -> None:
    _agree(KEPT[name], _randn(4, 4, seed=3))
    assert steps["kept"] > 0 and steps["rows"] == 0


@pytest.mark.parametrize("name", sorted(MIXED))
def test_graphs_that_mix_the_examples_fall_back_to_rows(name: str,
                                                        steps: Dict[str, int]) -> None:
    _agree(MIXED[name], _randn(4, 4, seed=3))
    assert steps["kept"] + steps["rows"] > 0


LAYERS: Dict[str, Callable[[Tensor, Tensor, Tensor], Tensor]] = {
    "matmul_and_add": lambda x, w, b: x @ w + b,
    "linear": lambda x, w, b: F.linear(x, w.t(), b),  # (`addmm`)
    "addmm_with_a_row_of_biases": lambda x, w, b: torch.addmm(b.unsqueeze(0), x, w),
    "scaled_addmm": lambda x, w, b: torch.addmm(b, x, w, beta=0.5, alpha=3.0),
    "divided_by_a_row": lambda x, w, b: (x @ w) / (b.abs() + 1.0),
    "times_a_column": lambda x, w, b: (x @ w) * b[:1].reshape(1, 1) - b,
    "layer_norm_with_its_weight": lambda x, w, b: F.layer_norm(x @ w, (5,), b, b * 2.0),
}


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_parameter_gets_each_examples_own_gradient(layer: str,
                                                     steps: Dict[str, int]) -> None:
    # The jacobian of per-example outputs with respect to shared weights: rows of
    # per-example gradients, against `torch.func`'s per-example `vmap(grad)`.
    x = _randn(6, 3, seed=4)
    w1, b1, w2 = _randn(3, 5, seed=5), _randn(5, seed=6), _randn(5, 2, seed=7)

    def net(w1: Tensor, b1: Tensor, w2: Tensor, x: Tensor = x) -> Tensor:
        return torch.tanh(LAYERS[layer](x, w1, b1)) @ w2

    per_example, plain = _both(net, w1, b1, w2)
    expected = torch.func.vmap(
        torch.func.jacrev(lambda x, *ws: net(*ws, x=x.unsqueeze(0))[0], argnums=(1, 2, 3)),
        in_dims=(0, None, None, None))(x, w1, b1, w2)
    for got, want, rows in zip(per_example, expected, plain):
        torch.testing.assert_close(got, want.reshape(got.shape), rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(got, rows, rtol=1e-12, atol=1e-12)
    assert steps["kept"] >= 3 and steps["rows"] == 0


CONVOLUTIONS: Dict[str, Any] = {
    "conv1d": (F.conv1d, (5, 2, 9), (3, 2, 3), {}),
    "conv1d_padded": (F.conv1d, (5, 2, 9), (3, 2, 3), {"padding": 1}),
    "conv1d_strided_dilated": (F.conv1d, (5, 2, 9), (3, 2, 3),
                               {"stride": 2, "padding": 2, "dilation": 2}),
    "conv2d": (F.conv2d, (4, 2, 5, 5), (3, 2, 3, 3), {"padding": 1, "stride": (1, 2)}),
    "conv2d_grouped": (F.conv2d, (4, 2, 5, 5), (4, 1, 3, 3), {"groups": 2}),  # (rows)
}


@pytest.mark.parametrize("name", sorted(CONVOLUTIONS))
def test_a_convolutions_weights_get_each_examples_own_gradient(
        name: str, steps: Dict[str, int]) -> None:
    conv, input_shape, weight_shape, settings = CONVOLUTIONS[name]
    x = _randn(*input_shape, seed=14)
    w, b = _randn(*weight_shape, seed=15), _randn(weight_shape[0], seed=16)

    def net(w: Tensor, b: Tensor, x: Tensor = x) -> Tensor:
        return torch.tanh(conv(x, w, b, **settings)).flatten(1)[:, ::3]

    per_example, plain = _both(net, w, b)
    want = torch.func.jacrev(net, argnums=(0, 1))(w, b)
    for got, rows, expected in zip(per_example, plain, want):
        torch.testing.assert_close(got, rows, rtol=1e-12, atol=1e-12)
        torch.testing.assert_close(got.reshape(expected.shape), expected, rtol=1e-12,
                                   atol=1e-12)
    assert steps["kept"] > 0 and (steps["rows"] > 0) == ("groups" in settings)
    # The input's gradient too, per example, through the convolution and on.
    _agree(lambda x: torch.tanh(conv(x, w, b, **settings)).sum(1), x)


V = _randn(3, 4, seed=20)

# Several rows per example (a sequence of 3 per example, folded into the first
# dimension, as `x @ W` of a 3-D `x` does): each example owns a block of them.
BLOCKS: Dict[str, Callable[[Tensor], Tensor]] = {
    "matmul_of_a_sequence": lambda w: torch.tanh(X3 @ w).sum(1),
    "linear_of_a_sequence": lambda w: F.linear(X3, w.t(), B4[:4]).mean(1) ** 2,
    "folded_rows": lambda w: torch.sigmoid(X3.reshape(12, 3) @ w).reshape(4, 12),
    "softmax_within_the_sequence": lambda w: (torch.softmax(X3 @ w, 1) * X3.sum(-1, True)
                                              ).reshape(4, -1),
    "bias_broadcast_over_rows": lambda w: (torch.tanh(X3 @ w + w[0]) * 2.0).amax(1),
    "convolution_of_each_row": lambda w: torch.tanh(F.conv1d(
        X3.reshape(12, 1, 3), w[0].reshape(2, 1, 2))).reshape(4, -1),
    "refolded_twice": lambda w: (X3.reshape(12, 1, 3) @ w).reshape(4, 3, 4).reshape(4, 12),
    "bias_broadcast_over_folded_rows": lambda w: torch.tanh(
        X3.reshape(12, 3) @ w + w[0]).reshape(4, 12),
    "layer_norm_of_a_sequence": lambda w: F.layer_norm(X3 @ w, (4,), w[0], w[1]).sum(1),
    "layer_norm_of_folded_rows": lambda w: F.layer_norm(
        X3.reshape(12, 3) @ w, (4,), w[2], w[0] * w[1]).reshape(4, 12),
    "convolution_with_a_bias": lambda w: torch.tanh(F.conv1d(
        X3.reshape(12, 1, 3), w[0].reshape(2, 1, 2), w[1, :2])).reshape(4, -1),
}
X3 = _randn(4, 3, 3, seed=21)

# Several rows per example, mixed across the examples' blocks (rows, from there).
BLOCKS_MIXED: Dict[str, Callable[[Tensor], Tensor]] = {
    "cumsum_across_blocks": lambda w: torch.cumsum(X3.reshape(12, 3) @ w, 0).reshape(4, 12),
    "flip_across_blocks": lambda w: (X3.reshape(12, 3) @ w).flip(0).reshape(4, 12),
    "transposed_fold": lambda w: (X3.reshape(12, 3) @ w).t().reshape(4, 12),
    # 6 blocks of 2 rows: not a whole number of blocks per example
    "folded_into_other_blocks": lambda w: (X3.reshape(6, 2, 3) @ w).reshape(12, 4).reshape(
        4, 12),
}


@pytest.mark.parametrize("name", sorted(BLOCKS) + sorted(BLOCKS_MIXED))
def test_examples_owning_blocks_of_rows(name: str, steps: Dict[str, int]) -> None:
    fn = BLOCKS.get(name) or BLOCKS_MIXED[name]
    w = V.clone()
    per_example, plain = _both(fn, w)
    torch.testing.assert_close(per_example[0], plain[0], rtol=1e-12, atol=1e-12)
    expected = torch.func.jacrev(fn)(w)
    torch.testing.assert_close(per_example[0].reshape(expected.shape), expected, rtol=1e-12,
                               atol=1e-12)
    assert steps["kept"] > 0
    assert (steps["rows"] > 0) == (name in BLOCKS_MIXED)


# An embedding table looked up by each example's ids (`tf.gather(table, ids)`: an
# `index_select` along the table's first dimension), one id or a block of them per
# example; ids repeat within an example and across them.
LOOKUPS: Dict[str, Callable[[Tensor], Tensor]] = {
    "one_id_each": lambda t: torch.tanh(torch.index_select(t, 0, IDS[:4]) @ W[:3]),
    "a_sequence_each": lambda t: torch.tanh(torch.index_select(t, 0, IDS).reshape(4, 3, 3)
                                            @ W[:3, :2]).sum(1),
    "flattened_sequence": lambda t: torch.index_select(t, 0, IDS).reshape(4, 9) * 2.0,
    "through_a_loss": lambda t: F.nll_loss(torch.log_softmax(
        torch.index_select(t, 0, IDS).reshape(4, 3, 3).mean(1), 1), LABELS[:4] % 3,
        reduction="none"),
    # `F.embedding` (torch's spelling, `nn.Embedding`), ids `[B, T]`.
    "embedding": lambda t: torch.tanh(F.embedding(IDS.reshape(4, 3), t) @ W[:3]).sum(1),
    "embedding_padding": lambda t: F.embedding(IDS.reshape(4, 3), t * t,
                                               padding_idx=5).reshape(4, 9),
}
IDS = torch.tensor([5, 0, 5, 2, 1, 1, 0, 4, 3, 5, 5, 2])


def test_an_embedding_scaled_by_the_batchs_id_counts_falls_back_to_rows(
        steps: Dict[str, int]) -> None:
    fn = lambda t: F.embedding(IDS.reshape(4, 3), t.sin(),  # noqa: E731
                               scale_grad_by_freq=True).reshape(4, 9)
    table = _randn(6, 3, seed=23)
    per_example, plain = _both(fn, table)
    expected = torch.func.jacrev(fn)(table)
    torch.testing.assert_close(per_example[0], plain[0], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(plain[0].reshape(expected.shape), expected, rtol=1e-12,
                               atol=1e-12)
    assert steps["rows"] > 0


@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_an_embedding_table_gets_each_examples_own_gradient(name: str,
                                                            steps: Dict[str, int]) -> None:
    table = _randn(6, 3, seed=22)
    per_example, plain = _both(LOOKUPS[name], table)
    expected = torch.func.jacrev(LOOKUPS[name])(table)
    torch.testing.assert_close(per_example[0], plain[0], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(per_example[0].reshape(expected.shape), expected, rtol=1e-12,
                               atol=1e-12)
    assert steps["kept"] > 0 and steps["rows"] == 0


def test_a_losss_ignore_index_is_read_signed() -> None:
    from tftape_torch._batched_nn_kernels import _signed

    x = _randn(2, 3).requires_grad_(True)
    for ignore_index in (-100, -1, 0, 2):
        node = F.nll_loss(x, torch.tensor([0, 2]), ignore_index=ignore_index).grad_fn
        assert _signed(node._saved_ignore_index) == ignore_index


def test_blas_ready_copies_only_matrices_without_a_unit_stride() -> None:
    from tftape_torch._batch_first import _blas_ready

    plain = _randn(3, 4, 5)
    assert _blas_ready(plain) is plain
    assert _blas_ready(plain.mT) is not None and _blas_ready(plain.mT).data_ptr() == \
        plain.data_ptr()
    expanded = _randn(3, 1, 5).expand(3, 4, 5)  # a mean's gradient: row stride 0
    ready = _blas_ready(expanded)
    assert ready.stride() == (20, 5, 1)
    torch.testing.assert_close(ready, expanded, rtol=0, atol=0)
    every_other = _randn(3, 4, 10)[:, :, ::2]
    assert _blas_ready(every_other).is_contiguous()


@pytest.mark.parametrize("seed", range(120))
def test_random_graphs_agree_with_rows(seed: int) -> None:
    sources, fn = _program(seed, torch.float64)
    try:
        y = fn(*sources)
    except (RuntimeError, IndexError):
        return  # an op the random shapes do not allow
    if y.dim() == 0 or y.shape[0] < 2:
        return
    results = _both(fn, *sources)
    if results[1] is None:
        assert results[0] is None
        return
    for got, want in zip(*results):
        assert (got is None) == (want is None), f"seed {seed}"
        if want is not None:
            torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12, msg=f"seed {seed}")


def test_tf_per_example_jacobian_of_a_dense_model_matches_per_example_gradients() -> None:
    rng = np.random.RandomState(0)
    x = tf.constant(rng.randn(8, 3))
    w1, b1 = tf.Variable(rng.randn(3, 4)), tf.Variable(rng.randn(4))
    w2 = tf.Variable(rng.randn(4, 1))
    with tf.GradientTape() as tape:
        losses = tf.reshape(tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2), [-1]) ** 2
    jacobians = tape.jacobian(losses, [w1, b1, w2])
    for variable, jacobian in zip([w1, b1, w2], jacobians):
        assert jacobian.shape == [8] + variable.shape
        for b in range(8):
            with tf.GradientTape() as one:
                loss = tf.reshape(tf.matmul(tf.nn.relu(tf.matmul(x[b:b + 1], w1) + b1), w2),
                                  [-1]) ** 2
            np.testing.assert_allclose(jacobian[b].numpy(), one.gradient(loss, variable)
                                       .numpy()[None].reshape(variable.shape), rtol=1e-12)


def test_second_order_through_per_example_rows() -> None:
    # A jacobian taken while an outer tape records is differentiable; per example or
    # as rows, the outer gradient is the same.
    x = _randn(5, 3, seed=8)
    w = _randn(3, 3, seed=9).requires_grad_(True)
    results = []
    for per_example in (True, False):
        with GradientTape() as outer:
            with GradientTape() as inner:
                y = torch.tanh(x @ w).sum(1)
            rows = inner.jacobian(y, w) if per_example else inner.jacobian(
                y, w, parallel_iterations=2)  # (chunks: never per example)
            total = (rows ** 2).sum()
        results.append((rows.detach(), outer.gradient(total, w)))
    torch.testing.assert_close(results[0][0], results[1][0], rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(results[0][1], results[1][1], rtol=1e-12, atol=1e-12)


def test_rows_of_a_compact_gradient_are_the_identity_rows() -> None:
    compact = _batched_examples.seed((3, 2), torch.float64, torch.device("cpu"))
    assert compact.shape == (2, 3, 2)
    torch.testing.assert_close(_batched_examples.rows(compact, 3),
                               torch.eye(6, dtype=torch.float64).reshape(6, 3, 2))


def test_the_tape_takes_rows_per_example_where_a_weight_gains(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the tape's own choice
    calls = [0]
    step = _batched_backward.example_step

    def counted(*args: Any) -> Any:
        calls[0] += 1
        return step(*args)

    monkeypatch.setattr(_batched_backward, "example_step", counted)

    def jacobian_calls(x: Tensor, w: Tensor) -> int:
        calls[0] = 0
        with GradientTape() as tape:
            tape.watch(w)
            y = torch.tanh(x @ w)
        got = tape.jacobian(y, w)
        want = torch.func.jacrev(lambda w: torch.tanh(x @ w))(w)
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)
        return calls[0]

    assert jacobian_calls(_randn(64, 8, seed=11), _randn(8, 3, seed=12)) > 0
    assert jacobian_calls(_randn(1, 8, seed=11), _randn(8, 3, seed=12)) == 0  # one example
    assert jacobian_calls(_randn(8, 8, seed=11), _randn(8, 3, seed=12)) == 0  # few rows
    # Whatever the weight's sizes (here its first is the batch's, as large as the target);
    # not without a weight (the input's own jacobian through a product with a constant).
    x, w = _randn(64, 64, seed=11), _randn(64, 6, seed=12)
    for source, expected_calls in (("w", True), ("x", False)):
        calls[0] = 0
        inputs = {"x": x, "w": w}
        watched = inputs[source].clone().requires_grad_(True)
        inputs[source] = watched
        with GradientTape() as tape:
            y = torch.tanh(inputs["x"] @ inputs["w"])
        want = torch.func.jacrev(lambda v, source=source: torch.tanh(
            (v if source == "x" else x) @ (v if source == "w" else w)))(watched.detach())
        torch.testing.assert_close(tape.jacobian(y, watched), want, rtol=1e-12, atol=1e-12)
        assert (calls[0] > 0) == expected_calls, source
    x = _randn(64, 8, seed=13).requires_grad_(True)
    with GradientTape() as tape:
        y = torch.tanh(x * 2.0)
    torch.testing.assert_close(tape.jacobian(y, x), torch.func.jacrev(
        lambda x: torch.tanh(x * 2.0))(x.detach()), rtol=1e-12, atol=1e-12)
    assert calls[0] == 0


def test_a_branch_to_a_leaf_that_is_no_source_is_left_alone(steps: Dict[str, int]) -> None:
    # The pass does not run nodes that lead to no source (here the leaf `p`, which
    # requires grad but is not asked about): their per-example gradient is dropped.
    x = _randn(6, 3, seed=17)
    w = _randn(3, 4, seed=18).requires_grad_(True)
    p = _randn(6, 4, seed=19).requires_grad_(True)
    y = torch.tanh(x @ w) * torch.sin(p)
    seeds = torch.eye(y.numel(), dtype=y.dtype).reshape((y.numel(), *y.shape))
    got = [_batched_backward.run([y], [w], [seeds], create_graph=False, per_example=flag)
           for flag in (True, False)]
    torch.testing.assert_close(got[0][0], got[1][0], rtol=1e-12, atol=1e-12)
    want = torch.func.jacrev(lambda w: torch.tanh(x @ w) * torch.sin(p.detach()))(w.detach())
    torch.testing.assert_close(got[0][0].reshape(want.shape), want, rtol=1e-12, atol=1e-12)
    assert steps["kept"] > 0 and steps["rows"] == 0


def test_per_example_rows_win_over_columns_when_sources_are_small(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """256 per-example losses of a pooled CNN with respect to 104 weight elements:
    as rows they would be 256 passes against 104 columns, but per example they are one
    (`compact_rows`), so the tape takes them and not the columns (a CNN with pooling
    at 256 examples took 4.3-6.4x the per-example `vmap(jacrev)` by columns)."""
    monkeypatch.undo()  # the tape's own choice
    from tftape_torch import _jacobian

    monkeypatch.setattr(_jacobian, "by_columns", lambda *args: pytest.fail("took columns"))
    g = torch.Generator().manual_seed(5)
    x = torch.randn(256, 1, 8, 8, generator=g, dtype=torch.float64)
    k = torch.randn(4, 1, 3, 3, generator=g, dtype=torch.float64).requires_grad_(True)
    w = torch.randn(64, 1, generator=g, dtype=torch.float64).requires_grad_(True)

    def losses(k: Tensor, w: Tensor) -> Tensor:
        pooled = F.max_pool2d(torch.relu(F.conv2d(x, k, padding=1)), 2)
        return ((pooled.flatten(1) @ w) ** 2).reshape(-1)

    with GradientTape() as tape:
        y = losses(k, w)
    got = tape.jacobian(y, [k, w])
    want = torch.func.jacrev(losses, argnums=(0, 1))(k.detach(), w.detach())
    for a, b in zip(got, want):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)
    assert _batched_examples.compact_rows((256,)) == 1
    assert _batched_examples.compact_rows((8,)) == 8  # too few rows to travel compactly
    assert _batched_examples.compact_rows((64, 10)) == 10
