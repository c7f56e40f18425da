"""Which of torch's batching rules a jacobian's rows take (NOTE [Which vmap] in
`tftape_torch/_jacobian_plan.py`): the legacy rules for a small pass through a graph
whose every node has a fast legacy rule, functorch's otherwise.

The allow-list is checked against the installed torch: every graph built from its
nodes must batch without the legacy per-row fallback (torch warns about it when asked
to), and give the values `torch.func` gives.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Dict, Iterator, List, Set

import pytest
import torch

from tftape_torch import GradientTape, _jacobian_plan

# These graphs are covered by our own batching rules too; here the plan is checked as
# it stands for graphs they do not cover.
pytestmark = pytest.mark.usefixtures("torch_batching")

F64 = torch.float64
_W = torch.linspace(-1.0, 1.0, 16, dtype=F64).reshape(4, 4)


def _layer_norm(x: torch.Tensor) -> torch.Tensor:
    centered = x - x.mean(-1, keepdim=True)
    variance = (centered * centered).mean(-1, keepdim=True)
    return centered / torch.sqrt(variance + 1e-5) * 1.5 + 0.1


FAST: Dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "layer_norm": _layer_norm,
    "logsumexp": lambda x: torch.logsumexp(x.reshape(-1, 4), -1),
    "reduce_max": lambda x: x.reshape(-1, 4).amax(-1) * 2.0,
    "reduce_min_var": lambda x: x.reshape(4, 4).amin(-1) + x.reshape(4, 4).var(-1),
    "sum_mean": lambda x: x.reshape(4, 4).sum(-1) * x.reshape(4, 4).mean(0),
    "rosenbrock": lambda x: 100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2,
    "elementwise": lambda x: torch.sin(x) * torch.exp(-x * x / 2) + torch.cos(x) * x,
    "unary": lambda x: (torch.rsqrt(x * x + 1) + torch.reciprocal(x * x + 2)
                        + torch.log1p(x * x) + torch.expm1(x) + torch.erf(x)
                        + torch.sigmoid(x) + torch.abs(x) + torch.log(x * x + 1) - x / 3),
    "views": lambda x: x.reshape(4, 4).t().permute(1, 0).transpose(0, 1)[1:, :].select(0, 2)
    * x.reshape(4, 4).unsqueeze(0).squeeze(0)[0] + x.reshape(1, 16).squeeze()[:4],
    "matrix_product": lambda x: (x.reshape(4, 4) @ _W).diagonal()
    * (x.reshape(2, 8) @ x.reshape(8, 2)).reshape(4),
    "copies": lambda x: x.to(torch.float32).to(F64).clone().repeat(2) ** 3,
}

SLOW: Dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    # tanh_backward has no legacy rule (a per-row loop).
    "tanh": lambda x: torch.tanh(x.reshape(4, 4) @ _W).reshape(16),
    # A 0-d tensor that gets a gradient: its broadcast's backward is a full `sum`.
    "scalar_mean": lambda x: x - x.mean(),
    "scalar_norm": lambda x: x / torch.sqrt((x * x).sum()),
}


@pytest.fixture
def fallback_warnings() -> Iterator[List[str]]:
    """The legacy rules' per-row fallback warnings raised meanwhile (torch only warns
    when asked, process-wide: the flag is restored after)."""
    before = torch._C._debug_only_are_vmap_fallback_warnings_enabled()
    torch._C._debug_only_display_vmap_fallback_warnings(True)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            messages: List[str] = []
            yield messages
            messages.extend(str(w.message) for w in caught if "performance drop" in str(w.message))
    finally:
        torch._C._debug_only_display_vmap_fallback_warnings(before)


def _x(n: int = 16) -> torch.Tensor:
    return torch.linspace(-0.9, 1.1, n, dtype=F64)


def _how(tape: GradientTape, monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """How each backward pass of `tape`'s jacobian was batched: "legacy" or "functorch"."""
    calls: List[str] = []
    compute = tape._rows_vjp

    def wrapper(targets: Any, sources: Any, grads: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("is_grads_batched"):
            calls.append("legacy")
        elif torch._C._functorch.is_batchedtensor(grads[0]):
            calls.append("functorch")
        else:
            calls.append("row")
        return compute(targets, sources, grads, **kwargs)

    monkeypatch.setattr(tape, "_rows_vjp", wrapper)
    return calls


def _jacobian(f: Any, x: torch.Tensor, monkeypatch: pytest.MonkeyPatch) -> Any:
    with GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    how = _how(tape, monkeypatch)
    return tape.jacobian(y, x), how, _jacobian_plan.plan_for(y)


def _hessian(f: Any, x: torch.Tensor, monkeypatch: pytest.MonkeyPatch) -> Any:
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            s = (f(x) ** 2).sum()
        g = inner.gradient(s, x)
    how = _how(outer, monkeypatch)
    return outer.jacobian(g, x), how, _jacobian_plan.plan_for(g)


@pytest.mark.parametrize("name", sorted(FAST))
def test_small_jacobians_through_fast_nodes_take_the_legacy_rules(
    name: str, monkeypatch: pytest.MonkeyPatch, fallback_warnings: List[str]
) -> None:
    f, x = FAST[name], _x()
    j, how, plan = _jacobian(f, x, monkeypatch)
    assert plan.legacy_faster and not plan.legacy
    assert how == ["legacy"]
    torch.testing.assert_close(j, torch.func.jacrev(f)(x))
    h, how, plan = _hessian(f, x, monkeypatch)
    assert plan.legacy_faster
    assert how == ["legacy"]
    torch.testing.assert_close(h, torch.func.hessian(lambda v: (f(v) ** 2).sum())(x))
    assert fallback_warnings == []


@pytest.mark.parametrize("name", sorted(FAST))
def test_fast_graphs_never_fall_back_to_a_row_loop(
    name: str, fallback_warnings: List[str]
) -> None:
    # What the test above asks of the tape, asked of torch directly: the allow-list
    # holds for the installed torch.
    x = _x().requires_grad_(True)
    y = FAST[name](x)
    seeds = torch.eye(y.numel(), dtype=F64).reshape((y.numel(), *y.shape))
    torch.autograd.grad(y, x, seeds, is_grads_batched=True, retain_graph=True)
    g = torch.autograd.grad((y**2).sum(), x, create_graph=True)[0]
    torch.autograd.grad(g, x, torch.eye(16, dtype=F64), is_grads_batched=True)
    assert fallback_warnings == []


@pytest.mark.parametrize("name", sorted(SLOW))
def test_other_graphs_take_functorch(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    f, x = SLOW[name], _x()
    j, how, plan = _jacobian(f, x, monkeypatch)
    assert not plan.legacy_faster
    assert how == ["functorch"]
    torch.testing.assert_close(j, torch.func.jacrev(f)(x))


def test_a_large_pass_takes_functorch(monkeypatch: pytest.MonkeyPatch) -> None:
    # 512 rows of 512 entries: past the size where the legacy rules were measured faster.
    x = _x(512)
    j, how, plan = _jacobian(_layer_norm, x, monkeypatch)
    assert plan.legacy_faster
    assert how == ["functorch"]
    torch.testing.assert_close(j, torch.func.jacrev(_layer_norm)(x))


SCALAR: Dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "logsumexp": lambda x: torch.logsumexp(x, 0),
    "mean": lambda x: (x * x).mean(),
    "sum": lambda x: torch.exp(x).sum(),
}


@pytest.mark.parametrize("name", sorted(SCALAR))
def test_a_scalar_target_takes_the_legacy_rules(
    name: str, monkeypatch: pytest.MonkeyPatch, fallback_warnings: List[str]
) -> None:
    # The target itself may be 0-d: its seeds are a batch of scalars, nothing sums to
    # it. In the Hessian of its square the 0-d value gets a gradient: functorch.
    f, x = SCALAR[name], _x()
    j, how, _ = _jacobian(f, x, monkeypatch)
    assert how == ["legacy"]
    torch.testing.assert_close(j, torch.func.jacrev(f)(x))
    h, how, _ = _hessian(f, x, monkeypatch)
    assert how == ["functorch"]
    torch.testing.assert_close(h, torch.func.hessian(lambda v: f(v) ** 2)(x))
    assert fallback_warnings == []


def _node_names(tensor: torch.Tensor) -> Set[str]:
    seen: Set[Any] = set()
    pending = [tensor.grad_fn]
    while pending:
        node = pending.pop()
        if node is not None and node not in seen:
            seen.add(node)
            pending.extend(next_node for next_node, _ in node.next_functions)
    return {node.name() for node in seen}


def test_every_allowed_node_is_in_a_checked_graph() -> None:
    # Each node type the plan sends to the legacy rules appears in a graph the tests
    # above run against torch (so a torch release that drops a rule fails here).
    seen: Set[str] = set()
    for f in (*FAST.values(), *SCALAR.values()):
        x = _x().requires_grad_(True)
        y = f(x)
        seen |= _node_names(y)
        seen |= _node_names(torch.autograd.grad((y**2).sum(), x, create_graph=True)[0])
    allowed = _jacobian_plan._BATCHED_NODES | _jacobian_plan._BATCHED_UNLESS_SCALAR_NODES
    assert allowed - seen == set()


def test_a_jacobian_on_the_legacy_rules_is_differentiable() -> None:
    # Inside a recording tape the rows keep their graph: the gradient of the
    # jacobian's sum is torch.func's.
    f, x = _layer_norm, _x()
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        total = tape.jacobian(y, x).sum()
    assert _jacobian_plan.plan_for(y).legacy_faster
    expected = torch.func.grad(lambda v: torch.func.jacrev(f)(v).sum())(x)
    torch.testing.assert_close(outer.gradient(total, x), expected)


def test_a_batch_jacobian_on_the_legacy_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    x = torch.linspace(-1.0, 1.0, 64, dtype=F64).reshape(4, 16)
    with GradientTape() as tape:
        tape.watch(x)
        y = _layer_norm(x)
    how = _how(tape, monkeypatch)
    got = tape.batch_jacobian(y, x)
    assert how == ["legacy"]
    torch.testing.assert_close(got, torch.func.vmap(torch.func.jacrev(_layer_norm))(x))
