"""A backward pass over the recorded nodes alone, node by node (`_recorded_pass`).

Every expected value here is torch's own engine's answer on the same graph (with the
unrecorded part cut off by `detach` where a node is left out), so the pass must give
what the engine gives: multi-output nodes, Python Functions with non-tensor arguments,
the engine's checks of a node's results, batched seeds and differentiable passes.
"""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
import torch

from tftape_torch._recorded_pass import recorded_backward

_F64 = torch.float64


def _all_recorded(*outputs: torch.Tensor) -> Dict[int, bool]:
    """Every node below `outputs` marked recorded (leaves are not keyed)."""
    marks: Dict[int, bool] = {}
    pending = [output.grad_fn for output in outputs]
    while pending:
        node = pending.pop()
        if node is None or id(node) in marks or "AccumulateGrad" in node.name():
            continue
        marks[id(node)] = True
        pending.extend(child for child, _ in node.next_functions)
    return marks


class _Scaled(torch.autograd.Function):
    """`x * k + y` with a non-tensor argument first and in the middle."""

    @staticmethod
    def forward(ctx: Any, tag: str, x: torch.Tensor, k: float, y: torch.Tensor) -> torch.Tensor:
        ctx.k = k
        return x * k + y

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        return None, grad * ctx.k, None, grad


class _WideGradient(torch.autograd.Function):
    """Returns a gradient of another dtype and a broadcast shape: the engine sums it to
    the input's shape and casts it to its dtype."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x * 2.0

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return (grad * 2.0).to(torch.float32).expand(3, *grad.shape)


class _ComplexGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x * 2.0

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        return grad * (2.0 + 1.0j)


def _graph() -> Any:
    x = torch.tensor([0.5, -1.0, 2.0], dtype=_F64, requires_grad=True)
    y = torch.tensor([1.5, 0.25, -0.5], dtype=_F64, requires_grad=True)
    h = torch.sin(x) * y
    first, second, third = torch.unbind(torch.stack([h, x * x, y.exp()]))
    out = _Scaled.apply("tag", first, 3.0, second) + _WideGradient.apply(third) * first
    return x, y, h, out


def test_every_node_recorded_gives_the_engines_gradients() -> None:
    x, y, h, out = _graph()
    seed = torch.tensor([1.0, -2.0, 0.5], dtype=_F64)
    edge = torch.autograd.graph.get_gradient_edge(h)
    got = recorded_backward([out], [x, y, edge], [seed], _all_recorded(out), False, False)
    want = torch.autograd.grad(out, [x, y, h], seed, retain_graph=True)
    for a, b in zip(got, want):
        assert a is not None and a.dtype == _F64
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_batched_seeds_give_one_row_each() -> None:
    x, y, _, out = _graph()
    seeds = torch.eye(3, dtype=_F64) * torch.tensor([1.0, 2.0, -1.0], dtype=_F64)[:, None]
    got = recorded_backward([out], [x, y], [seeds], _all_recorded(out), False, True)
    for row in range(3):
        want = torch.autograd.grad(out, [x, y], seeds[row], retain_graph=True)
        for a, b in zip(got, want):
            assert a is not None and a.shape == (3, 3)
            torch.testing.assert_close(a[row], b, rtol=1e-12, atol=1e-12)


def test_a_differentiable_pass_gives_second_derivatives() -> None:
    x = torch.tensor([0.5, -1.0, 2.0], dtype=_F64, requires_grad=True)
    out = torch.tanh(x) * x.sum()
    (got,) = recorded_backward([out], [x], [torch.ones(3, dtype=_F64)], _all_recorded(out),
                               True, False)
    assert got is not None and got.requires_grad
    (want,) = torch.autograd.grad(out, x, torch.ones(3, dtype=_F64), create_graph=True)
    torch.testing.assert_close(torch.autograd.grad(got.sum(), x, retain_graph=True)[0],
                               torch.autograd.grad(want.sum(), x)[0], rtol=1e-12, atol=1e-12)


def test_an_unrecorded_node_is_never_run_and_stops_the_gradient() -> None:
    # `frozen`'s node had its saved tensors freed: left out, it is never called, and
    # the gradient is the engine's on the graph with `frozen` detached.
    x = torch.tensor([0.5, -1.0, 2.0], dtype=_F64, requires_grad=True)
    frozen = torch.sin(x)
    torch.autograd.grad(frozen.sum(), x)  # frees sin's saved input
    out = frozen * x * 2.0
    marks = _all_recorded(out)
    marks[id(frozen.grad_fn)] = False
    (got,) = recorded_backward([out], [x], [torch.ones(3, dtype=_F64)], marks, False, False)
    expected = frozen.detach() * 2.0
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)


def test_an_input_reached_only_through_unrecorded_nodes_gets_none() -> None:
    x = torch.tensor([0.5, -1.0], dtype=_F64, requires_grad=True)
    y = torch.tensor([2.0, 3.0], dtype=_F64, requires_grad=True)
    inner = torch.exp(y)
    out = inner * x
    marks = _all_recorded(out)
    marks[id(inner.grad_fn)] = False
    got: List[Any] = recorded_backward([out], [x, y], [torch.ones(2, dtype=_F64)], marks,
                                       False, False)
    torch.testing.assert_close(got[0], inner.detach(), rtol=1e-12, atol=1e-12)
    assert got[1] is None


def test_a_complex_gradient_for_a_real_input_is_the_engines_error() -> None:
    x = torch.tensor([0.5, -1.0], dtype=_F64, requires_grad=True)
    out = _ComplexGradient.apply(x * 1.0)
    with pytest.raises(RuntimeError):
        torch.autograd.grad(out.sum(), x, retain_graph=True)
    with pytest.raises(RuntimeError, match="complex gradient for a real input"):
        recorded_backward([out], [x], [torch.ones(2, dtype=_F64)], _all_recorded(out),
                          False, False)
