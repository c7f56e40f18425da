"""The jacobian's own forward rules (`_batched_forward`) against torch's engine.

The graphs of `test_batched_backward` (broadcasting, negative and several dimensions,
kept dimensions, one operand without a gradient, convolutions of every kind) are
pushed forward column by column and compared with the engine's rows, in float64;
with `create_graph` the columns' own gradient is compared too. The last test asserts
that these graphs reach every rule the module has.
"""

from __future__ import annotations

from typing import Optional, Set

import pytest
import torch
import torch.nn.functional as F

from tests.graphs import node_names
from tests.test_batched_backward import CASES, K1, _engine_rows, _x
from tests.test_batched_backward_random import _CHUNKS, _PER_CHUNK, _program
from tftape_torch import _batched_forward as bf

_F64 = torch.float64


def _columns(y: torch.Tensor, x: torch.Tensor, create_graph: bool = False
             ) -> Optional[torch.Tensor]:
    """The jacobian of `y` with respect to `x` by forward rules, in the rows' layout."""
    tangents = torch.eye(x.numel(), dtype=x.dtype).reshape(x.numel(), *x.shape)
    result = bf.run([y], [x], [tangents], create_graph)
    if result is None:
        return None
    (columns,) = result
    if columns is None:
        return torch.zeros((*y.shape, *x.shape), dtype=x.dtype)
    assert columns.shape == (x.numel(), *y.shape)
    return columns.reshape(x.numel(), y.numel()).t().reshape(*y.shape, *x.shape)


# Declined on purpose: the weight of a transposed convolution.
_DECLINED = {"conv_transpose2d_weight"}
# No forward rule: `index_add` (a 0-d source needs its own case), the double-backward
# nodes of `where` and `relu` and `select`/`slice` (only in a gradient's graph), and the
# package's own `maximum`/`minimum` and `elu`/`selu` Functions (their columns run the
# double backward), and the fused loss and lookup kernels (`_batched_nn_kernels`: their
# jacobians go by rows), TF's softmax cross-entropy Function, and `gather` and advanced
# indexing and the pools (by rows too).
_NO_RULE = {"zero_d_transpose_index", "max_min_function", "elu_selu_function",
            "nll_loss_none", "nll_loss_mean_weighted", "nll_loss_sum", "nll_loss_ignored",
            "nll_loss_vector", "nll_loss_all_ignored", "bce_logits_none",
            "bce_logits_weighted_mean", "bce_logits_sum", "embedding", "embedding_padding_freq",
            "embedding_sparse", "softmax_xent_function", "softmax_xent_function_dim0",
            "layer_norm_native", "layer_norm_native_affine_of_x", "layer_norm_native_two_dims",
            "layer_norm_native_whole", "gather_rows_and_columns", "gather_negative_dim",
            "index_pairs", "index_non_adjacent", "index_mask_and_ellipsis", "max_pools",
            "max_pool_1d_unbatched_adaptive", "avg_pools", "adaptive_avg_pools"}
# A float32 target of a float64 source: its columns are float32 (the rows, float64).
_FLOAT32_TARGET = {"cumsum_dtype"}
REACHED: Set[str] = set()


@pytest.mark.parametrize("name", sorted(set(CASES) - _DECLINED - _NO_RULE - _FLOAT32_TARGET))
def test_columns_match_engine_rows(name: str) -> None:
    fn, shape = CASES[name]
    x = _x(*shape)
    y = fn(x)
    REACHED.update(node_names(y))
    expected = _engine_rows(y, x).reshape(*y.shape, *x.shape)
    got = _columns(y, x)
    assert got is not None, "a node without a rule"
    assert got.dtype == _F64
    torch.testing.assert_close(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(_DECLINED | _NO_RULE))
def test_graphs_without_rules_decline(name: str) -> None:
    fn, shape = CASES[name]
    x = _x(*shape)
    assert _columns(fn(x), x) is None


@pytest.mark.parametrize("name", ["mm_col", "softmax", "layer_norm", "logsumexp",
                                  "where_both", "conv1d", "conv1d_input_and_weight",
                                  "conv1d_bias", "bmm_both", "mlp"])
def test_create_graph_gives_differentiable_columns(name: str) -> None:
    fn, shape = CASES[name]
    x = _x(*shape)
    y = fn(x)
    columns = _columns(y, x, create_graph=True)
    assert columns is not None and columns.requires_grad
    weights = torch.randn(columns.shape, dtype=_F64)
    (ours,) = torch.autograd.grad((columns * weights).sum(), x, allow_unused=True,
                                  materialize_grads=True, retain_graph=True)
    rows = _engine_rows(y, x, create_graph=True).reshape(columns.shape)
    (theirs,) = torch.autograd.grad((rows * weights).sum(), x, allow_unused=True,
                                    materialize_grads=True)
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-12)


# Scalar overloads and `sgn`, which the backward cases reach only in a gradient's graph.
SCALARS = {
    "mul_div_scalar": lambda x: torch.ops.aten.div.Scalar(torch.ops.aten.mul.Scalar(x, 3.0), 2.0),
    "sgn": lambda x: torch.sgn(x) * x,
}


@pytest.mark.parametrize("name", sorted(SCALARS))
def test_scalar_overloads(name: str) -> None:
    x = _x(5)
    y = SCALARS[name](x)
    REACHED.update(node_names(y))
    got = _columns(y, x)
    assert got is not None
    torch.testing.assert_close(got, _engine_rows(y, x), rtol=1e-10, atol=1e-12)


def test_several_outputs_sources_and_an_intermediate_source() -> None:
    x, w = _x(4), _x(4, 4)
    h = torch.tanh(x @ w)
    y1, y2 = h * 2.0, h.sum(0, keepdim=True) * x
    edge = torch.autograd.graph.get_gradient_edge(h)
    cases = [(x, torch.randn(3, 4, dtype=_F64)), (w, torch.randn(3, 4, 4, dtype=_F64)),
             (edge, torch.randn(3, 4, dtype=_F64))]
    for source, tangent in cases:
        result = bf.run([y1, y2], [source], [tangent], False)
        assert result is not None
        for row in range(3):
            wrt = h if source is edge else source
            for out, got in zip((y1, y2), result):
                # <d out, e_j> . tangent: the engine's row j dotted with the tangent
                flat = out.reshape(-1)
                expected = torch.stack([
                    (torch.autograd.grad(flat[j], wrt, retain_graph=True, allow_unused=True,
                                         materialize_grads=True)[0] * tangent[row]).sum()
                    for j in range(flat.numel())])
                assert got is not None
                torch.testing.assert_close(got[row].reshape(-1), expected, rtol=1e-10,
                                           atol=1e-12)


def test_an_intermediate_source_stops_the_pass_there() -> None:
    # Nodes below h, whose saved tensors a backward pass freed, never run.
    x = _x(4)
    h = torch.sin(x) * 3.0
    torch.autograd.grad(h.sum(), x)
    y = torch.tanh(h) * 2.0
    edge = torch.autograd.graph.get_gradient_edge(h)
    result = bf.run([y], [edge], [torch.eye(4, dtype=_F64)], False)
    assert result is not None and result[0] is not None
    expected = torch.diag(2.0 * (1.0 - torch.tanh(h.detach()) ** 2))
    torch.testing.assert_close(result[0], expected, rtol=1e-12, atol=1e-12)


def test_an_unreached_output_is_none_and_rule_less_nodes_off_the_path_are_fine() -> None:
    x, z = _x(3), _x(3)
    y1 = torch.sin(x) + torch.lgamma(z)  # lgamma has no rule, but carries no tangent
    y2 = torch.lgamma(z) * 2.0
    result = bf.run([y1, y2], [x], [torch.eye(3, dtype=_F64)], False)
    assert result is not None and result[1] is None
    torch.testing.assert_close(result[0], torch.diag(torch.cos(x.detach())))


def test_a_node_without_a_rule_on_the_path_declines() -> None:
    x = _x(2, 5)
    assert bf.run([torch.lgamma(x)], [x], [torch.ones(4, 2, 5, dtype=_F64)], False) is None
    (g,) = torch.autograd.grad(F.conv1d(x.reshape(1, 2, 5), K1).sum(), x, create_graph=True)
    assert bf.run([g], [x], [torch.ones(4, 2, 5, dtype=_F64)], False) is None


def test_mixed_dtypes_cast_as_the_op_promotes() -> None:
    x = torch.randn(4, requires_grad=True)
    y = x * torch.arange(4, dtype=_F64)
    (columns,) = bf.run([y], [x], [torch.eye(4)], False)  # type: ignore[misc]
    assert columns is not None and columns.dtype == _F64
    torch.testing.assert_close(columns, torch.diag(torch.arange(4.0, dtype=_F64)))


def test_every_rule_is_reached() -> None:
    """Runs last in this file: the cases above reached every rule."""
    if len(REACHED) < 10:
        pytest.skip("run with the whole file")
    missing = sorted(bf.FORWARD_RULE_NAMES - REACHED - {"torch::autograd::AccumulateGrad"})
    assert not missing, missing


@pytest.mark.parametrize("chunk", range(_CHUNKS))
def test_random_graph_columns_match_jacrev(chunk: int) -> None:
    """The random graphs of `test_batched_backward_random`, pushed forward one source at
    a time, against `torch.func.jacrev` (float64)."""
    covered = 0
    for seed in range(chunk * _PER_CHUNK, (chunk + 1) * _PER_CHUNK):
        sources, fn = _program(seed, _F64)
        sources = [x.requires_grad_(True) for x in sources]
        try:
            y = fn(*sources)
        except (RuntimeError, IndexError):
            continue  # an op the random shapes do not allow
        expected = torch.func.jacrev(fn, argnums=tuple(range(len(sources))))(
            *[x.detach() for x in sources])
        for x, want in zip(sources, expected):
            got = _columns(y, x)
            if got is None:
                continue  # a node without a forward rule
            covered += 1
            torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-9, msg=f"seed {seed}")
    assert covered >= _PER_CHUNK // 3, "too few programs took the forward rules"


def test_a_cumsum_to_another_dtype_casts_the_tangent_first() -> None:
    """`cumsum(x, dtype=float32)` of a float64 `x`: the tangent is cast, then summed,
    as torch's forward derivative does; its columns are the float32 target's."""
    fn, shape = CASES["cumsum_dtype"]
    x = _x(*shape)
    y = fn(x)
    got = _columns(y, x)
    assert got is not None and got.dtype == torch.float32
    expected = _engine_rows(y, x).reshape(*y.shape, *x.shape)
    torch.testing.assert_close(got, expected.to(torch.float32), rtol=1e-6, atol=1e-6)
