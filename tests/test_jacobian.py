"""`GradientTape.jacobian` / `batch_jacobian` on plain torch tensors.

Expected values come from calculus (closed forms) or from torch's own reference
jacobians (`torch.autograd.functional`, `torch.func`); TF's behaviours (errors, dtypes,
`None`s) were checked against TensorFlow 2.21 and are also in the conformance suite.
"""

from __future__ import annotations

import collections
import warnings
from typing import Any, List, Tuple

import pytest
import torch

from tftape_torch import GradientTape, UnconnectedGradients, _jacobian_plan

SPENT = "A non-persistent GradientTape can only be used to compute one set of gradients"
Pair = collections.namedtuple("Pair", ["a", "b"])


def _counting(tape: GradientTape, monkeypatch: pytest.MonkeyPatch) -> List[Any]:
    """Record (physical seed shape, how) for every backward pass the tape runs.

    `how` is "vmap" (inside `torch.func.vmap`), "batched" (`is_grads_batched`),
    "row" (one plain backward pass) or "forward" (columns by forward rules: the
    tangents' shape).
    """
    calls: List[Any] = []
    compute = tape._rows_vjp  # the VJP a jacobian's passes go through
    push = tape._columns_jvp  # the JVP of its columns by forward rules

    def forward(target: Any, source: Any, tangents: torch.Tensor) -> Any:
        calls.append((tuple(tangents.shape), "forward"))
        return push(target, source, tangents)

    monkeypatch.setattr(tape, "_columns_jvp", forward)

    def wrapper(targets: Any, sources: Any, grads: Any = None, **kwargs: Any) -> Any:
        seed = grads[0]
        if torch._C._functorch.is_batchedtensor(seed):
            physical = torch._C._functorch.get_unwrapped(seed)
            calls.append((tuple(physical.shape), "vmap"))
        else:
            how = "batched" if kwargs.get("is_grads_batched") else "row"
            calls.append((tuple(seed.shape), how))
        return compute(targets, sources, grads, **kwargs)

    monkeypatch.setattr(tape, "_rows_vjp", wrapper)
    return calls


class _ItemSquare(torch.autograd.Function):
    """x**2 whose backward calls `.item()`: torch cannot batch it (vmap)."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        scale = 2.0 if grad.sum().item() > -1e30 else 0.0
        return scale * x * grad


class _Boom(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        return x.clone()

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("boom in backward")


# ---------------------------------------------------------------------- jacobian


def test_jacobian_elementwise(device: str) -> None:
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    j = g.jacobian(y, x)
    assert j.shape == (3, 3) and j.dtype == torch.float32 and j.device.type == device
    torch.testing.assert_close(j, torch.diag(2 * x))
    assert not j.requires_grad


def test_jacobian_matches_torch_reference(device: str) -> None:
    torch.manual_seed(0)
    w = torch.randn(4, 3, 5, dtype=torch.float64, device=device)
    x = torch.randn(3, 5, dtype=torch.float64, device=device)
    b = torch.randn(3, 2, dtype=torch.float64, device=device)

    def f(x: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.tanh(torch.einsum("ijk,jk->ij", w, x)) @ b

    with GradientTape() as g:
        g.watch([x, b])
        y = f(x, b)
    jx, jb = g.jacobian(y, [x, b])
    ref_x, ref_b = torch.autograd.functional.jacobian(f, (x, b))
    assert jx.shape == (4, 2, 3, 5) and jb.shape == (4, 2, 3, 2)
    torch.testing.assert_close(jx, ref_x)
    torch.testing.assert_close(jb, ref_b)


def test_scalar_target_and_scalar_source() -> None:
    x = torch.tensor(3.0)
    xs = torch.linspace(-1.0, 1.0, 5)
    with GradientTape(persistent=True) as g:
        g.watch([x, xs])
        y = x * x
        z = torch.sigmoid(xs + x)
    assert g.jacobian(y, x).shape == ()
    torch.testing.assert_close(g.jacobian(y, x), torch.tensor(6.0))
    assert g.jacobian(y, xs) is None
    dz_dx = g.jacobian(z, x)
    s = torch.sigmoid(xs + x)
    assert dz_dx.shape == (5,)
    torch.testing.assert_close(dz_dx, s * (1 - s))


def test_results_mirror_nested_sources() -> None:
    x = torch.tensor([1.0, 2.0])
    z = torch.tensor(5.0)
    with GradientTape() as g:
        g.watch([x, z])
        y = x * z
    out = g.jacobian(y, {"b": [x, Pair(z, x)], "a": (z,)})
    assert list(out) == ["b", "a"] and isinstance(out["a"], tuple)
    assert isinstance(out["b"][1], Pair)
    torch.testing.assert_close(out["a"][0], x)
    torch.testing.assert_close(out["b"][0], torch.diag(z.expand(2)))
    torch.testing.assert_close(out["b"][1].a, x)
    torch.testing.assert_close(out["b"][1].b, torch.diag(z.expand(2)))


def test_unconnected_none_and_zero() -> None:
    x = torch.tensor([1.0, 2.0])
    z = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch([x, z])
        y = x * x
    assert g.jacobian(y, [x, z])[1] is None
    for mode in (UnconnectedGradients.ZERO, "zero"):
        zeros = g.jacobian(y, z, unconnected_gradients=mode)
        assert zeros.shape == (2, 3) and zeros.dtype == torch.float64  # the source's dtype
        assert not zeros.any()


def test_integer_target_is_unconnected() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = (x * x).to(torch.int32)
    assert g.jacobian(y, x) is None
    zeros = g.jacobian(y, x, unconnected_gradients="zero")
    assert zeros.shape == (2, 2) and zeros.dtype == torch.float32


def test_mixed_dtypes_follow_the_source() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as g:
        g.watch(x)
        y = (x * x).double()
    j = g.jacobian(y, x)
    assert j.dtype == torch.float32
    torch.testing.assert_close(j, torch.diag(2 * x))


def test_jacobian_of_watched_source_wrt_itself_is_identity() -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    with GradientTape() as g:
        g.watch(x)
    assert torch.equal(g.jacobian(x, x), torch.eye(4).reshape(2, 2, 2, 2))


def test_jacobian_of_unwatched_tensor_wrt_itself_is_none() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape(persistent=True) as g:
        _ = x * x
    assert g.jacobian(x, x) is None
    assert not g.jacobian(x, x, unconnected_gradients="zero").any()
    assert not g.batch_jacobian(x.reshape(1, 2), x.reshape(1, 2)).any()


def test_jacobian_of_intermediate_wrt_itself_is_identity() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    assert torch.equal(g.jacobian(y, y), torch.eye(2))


def test_empty_target() -> None:
    x = torch.zeros(0, 2)
    v = torch.tensor(1.0)
    with GradientTape(persistent=True) as g:
        g.watch([x, v])
        y = x * x
        w = v * torch.zeros(0, 7)
    assert g.jacobian(y, x).shape == (0, 2, 0, 2)
    assert g.jacobian(w, v).shape == (0, 7)
    assert g.jacobian(w, x) is None
    assert g.jacobian(w, x, unconnected_gradients="zero").shape == (0, 7, 0, 2)


def test_non_tensor_target_and_bad_arguments() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises(AttributeError):
        g.jacobian([y], x)
    with pytest.raises(ValueError, match="unconnected_gradients"):
        g.jacobian(y, x, unconnected_gradients="bogus")
    # neither error used up the tape
    torch.testing.assert_close(g.jacobian(y, x), torch.diag(2 * x))


# ---------------------------------------------------------------------- tape use


def test_non_persistent_tape_is_used_up() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    g.jacobian(y, x)
    with pytest.raises(RuntimeError, match=SPENT):
        g.jacobian(y, x)
    with pytest.raises(RuntimeError, match=SPENT):
        g.gradient(y, x)
    with pytest.raises(RuntimeError, match=SPENT):
        g.batch_jacobian(y.reshape(1, 2), x.reshape(1, 2))


def test_gradient_then_jacobian_on_non_persistent_tape() -> None:
    x = torch.tensor([[1.0, 2.0]])
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    g.gradient(y, x)
    with pytest.raises(RuntimeError, match=SPENT):
        g.batch_jacobian(y, x)


def test_never_entered_tape() -> None:
    with pytest.raises(RuntimeError, match=SPENT):
        GradientTape().jacobian(torch.ones(2), torch.ones(2))


def test_non_persistent_tape_frees_the_graph() -> None:
    x = torch.tensor([1.0, 2.0, 3.0])
    with GradientTape() as g:
        g.watch(x)
        y = torch.sin(x) * x
    g.jacobian(y, x, parallel_iterations=2)
    with pytest.raises(RuntimeError, match="second time"):
        y.sum().backward()
    with GradientTape() as g:
        g.watch(x)
        y = torch.sin(x) * x
    g.jacobian(y, x)
    with pytest.raises(RuntimeError, match="second time"):
        y.sum().backward()


def test_persistent_tape_keeps_the_graph() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.sin(x) * x
    first = g.jacobian(y, x)
    assert torch.equal(first, g.jacobian(y, x))
    assert torch.equal(first, g.jacobian(y, x, experimental_use_pfor=False))


def test_jacobian_inside_its_own_non_persistent_context() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as g:
        g.watch(x)
        y = x * x
        j = g.jacobian(y, x)
        z = y * 2
    torch.testing.assert_close(j, torch.diag(2 * x))
    with pytest.raises(RuntimeError, match=SPENT):
        g.gradient(z, x)


def test_persistent_tape_inside_its_context_warns() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        with pytest.warns(UserWarning, match="less efficient"):
            g.jacobian(y, x)


# ---------------------------------------------------------------------- vectorization


@pytest.mark.usefixtures("torch_batching")
def test_one_batched_pass_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    x = torch.arange(6.0).reshape(2, 3)
    with GradientTape() as g:
        g.watch(x)
        y = torch.tanh(x) @ torch.ones(3, 4)
    calls = _counting(g, monkeypatch)
    g.jacobian(y, x)
    assert calls == [((8, 2, 4), "vmap")]


def test_parallel_iterations_chunks_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    x = torch.linspace(-1.0, 1.0, 7)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.outer(torch.tanh(x), x)[:, :3]
    full = g.jacobian(y, x)
    calls = _counting(g, monkeypatch)
    chunked = g.jacobian(y, x, parallel_iterations=5)
    assert [shape[0] for shape, _ in calls] == [5, 5, 5, 5, 1]
    torch.testing.assert_close(chunked, full)
    calls.clear()
    assert torch.equal(g.jacobian(y, x, parallel_iterations=100), full)
    assert len(calls) == 1


def test_parallel_iterations_on_non_persistent_tape() -> None:
    # TF 2.21 fails here (its chunked pfor calls `gradient` twice); we chunk.
    x = torch.linspace(-1.0, 1.0, 5)
    with GradientTape(persistent=True) as ref:
        ref.watch(x)
        y = torch.sin(x)[:, None] * x
    expected = ref.jacobian(y, x)
    with GradientTape() as g:
        g.watch(x)
        y = torch.sin(x)[:, None] * x
    torch.testing.assert_close(g.jacobian(y, x, parallel_iterations=3), expected)


def test_parallel_iterations_keeps_unconnected_none() -> None:
    # TF 2.21 raises ValueError here: its tiled pfor (parallel_iterations at most the
    # rows) converts each row's gradients to tensors, and None is not one. We chunk
    # and give None (batch_jacobian: zeros), as TF does in one pass.
    x = torch.tensor([[1.5, 2.0], [1.0, -0.5]])
    c = torch.tensor([[0.5, -1.5], [-1.5, -1.0]])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.cos(x) * 2.0
    jac_x, jac_c = g.jacobian(y, [x, c], parallel_iterations=2)
    assert jac_c is None
    torch.testing.assert_close(jac_x, g.jacobian(y, x))
    batch = g.batch_jacobian(y, c, parallel_iterations=2)
    assert batch.shape == (2, 2, 2) and batch.dtype == torch.float32
    assert not batch.any()


@pytest.mark.parametrize("value, error, message", [
    (1, ValueError, "vectorizing the jacobian"),
    (0, ValueError, "vectorizing the jacobian"),
    (-2, ValueError, "vectorizing the jacobian"),
    (2.5, TypeError, "parallel_iterations"),
])
def test_bad_parallel_iterations(value: Any, error: type, message: str) -> None:
    x = torch.tensor([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
    with pytest.raises(error, match=message):
        g.jacobian(y, x, parallel_iterations=value)


def test_row_loop_needs_a_persistent_tape() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match="persistent=True"):
        g.jacobian(y, x, experimental_use_pfor=False)
    with pytest.raises(RuntimeError, match="persistent=True"):
        g.batch_jacobian(y.reshape(1, 2), x.reshape(1, 2), experimental_use_pfor=False)
    # as in TF, the refused call did not use up the tape
    torch.testing.assert_close(g.jacobian(y, x), torch.diag(2 * x))


def test_row_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.sin(x) * x
    vectorized = g.jacobian(y, x)
    batched = g.batch_jacobian(y, x)
    calls = _counting(g, monkeypatch)
    torch.testing.assert_close(g.jacobian(y, x, experimental_use_pfor=False), vectorized)
    assert calls == [((2, 2), "row")] * 4
    calls.clear()
    looped = g.batch_jacobian(y, x, experimental_use_pfor=False, parallel_iterations=1)
    torch.testing.assert_close(looped, batched)
    assert calls == [((2, 2), "row")] * 2
    with pytest.raises(TypeError, match="positive integer"):
        g.jacobian(y, x, experimental_use_pfor=False, parallel_iterations=0)


def test_op_without_batching_rule_falls_back_with_a_warning() -> None:
    x = torch.tensor([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.tanh(_ItemSquare.apply(x) * 2.0)
        xb = x.reshape(3, 1)
        yb = torch.tanh(_ItemSquare.apply(xb) * 2.0)
    message = "Could not vectorize the jacobian.*item.*one row at a time"
    with pytest.warns(UserWarning, match=message):
        j = g.jacobian(y, x)
    expected = torch.diag((1 - y * y) * 4.0 * x)
    torch.testing.assert_close(j, expected)
    with pytest.warns(UserWarning, match="batch_jacobian"):
        jb = g.batch_jacobian(yb, xb, parallel_iterations=3)
    torch.testing.assert_close(jb, torch.diagonal(expected).reshape(3, 1, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.testing.assert_close(g.jacobian(y, x, experimental_use_pfor=False), expected)


def test_fallback_on_non_persistent_tape() -> None:
    x = torch.tensor([1.0, 2.0])
    # the op torch cannot batch runs first in the backward pass: nothing freed yet
    with GradientTape() as g:
        g.watch(x)
        y = _ItemSquare.apply(x)
    with pytest.warns(UserWarning, match="one row at a time"):
        torch.testing.assert_close(g.jacobian(y, x), torch.diag(2 * x))
    # deeper in the graph: the batched attempt already freed the nodes above it
    with GradientTape() as g:
        g.watch(x)
        y = torch.sin(_ItemSquare.apply(x))
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="vectorizing the jacobian"):
        g.jacobian(y, x)


def test_other_errors_propagate() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = _Boom.apply(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeError, match="boom"):
            g.jacobian(y, x)


# ---------------------------------------------------------------------- batch_jacobian


def test_batch_jacobian_elementwise(device: str) -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    jb = g.batch_jacobian(y, x)
    assert jb.shape == (2, 2, 2) and jb.device.type == device
    torch.testing.assert_close(jb, torch.stack([torch.diag(2 * row) for row in x]))


@pytest.mark.usefixtures("torch_batching")
def test_batch_jacobian_matches_per_example_reference(
    device: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    torch.manual_seed(0)
    w1 = torch.randn(5, 8, dtype=torch.float64, device=device)
    w2 = torch.randn(8, 6, dtype=torch.float64, device=device)
    x = torch.randn(7, 5, dtype=torch.float64, device=device)

    def f(row: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(torch.tanh(row @ w1) @ w2).reshape(2, 3)

    with GradientTape() as g:
        g.watch(x)
        y = torch.sigmoid(torch.tanh(x @ w1) @ w2).reshape(7, 2, 3)
    calls = _counting(g, monkeypatch)
    jb = g.batch_jacobian(y, x)
    assert calls == [((6, 7, 2, 3), "vmap")]  # M = 6 seeds, not B * M
    assert jb.shape == (7, 2, 3, 5)
    torch.testing.assert_close(jb, torch.func.vmap(torch.func.jacrev(f))(x))


def test_batch_jacobian_multi_dim_source_and_chunks() -> None:
    torch.manual_seed(1)
    x = torch.randn(3, 2, 4, dtype=torch.float64)
    w = torch.randn(4, 5, dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.tanh(x @ w)  # [3, 2, 5]
    jb = g.batch_jacobian(y, x)
    ref = torch.func.vmap(torch.func.jacrev(lambda r: torch.tanh(r @ w)))(x)
    assert jb.shape == (3, 2, 5, 2, 4)
    torch.testing.assert_close(jb, ref)
    torch.testing.assert_close(g.batch_jacobian(y, x, parallel_iterations=4), ref)
    torch.testing.assert_close(g.batch_jacobian(y, x, experimental_use_pfor=False), ref)


def test_batch_jacobian_sums_over_the_batch_when_examples_interact() -> None:
    # TF documents the result only for independent examples; for dependent ones
    # it (and we) give d sum_b y[b, m] / d x[i, :].
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    with GradientTape() as g:
        g.watch(x)
        y = x @ x
    # values recorded from TF 2.21
    expected = torch.tensor([[[5.0, 3.0], [2.0, 8.0]], [[7.0, 3.0], [2.0, 10.0]]])
    assert torch.equal(g.batch_jacobian(y, x), expected)


def test_batch_jacobian_shape_errors() -> None:
    x = torch.ones(3, 2)
    z = torch.ones(4, 2)
    with GradientTape(persistent=True) as g:
        g.watch([x, z])
        y = z * 2
        r1 = x.sum(dim=1)
        r0 = x.sum()
    with pytest.raises(ValueError) as info:
        g.batch_jacobian(y, x)
    assert str(info.value) == (
        "Need first dimension of target shape ((4, 2)) and source shape ((3, 2)) to match."
    )
    with pytest.raises(ValueError, match=r"^Shape \(3,\) must have rank at least 2$"):
        g.batch_jacobian(r1, x)
    with pytest.raises(ValueError, match=r"^Shape \(3,\) must have rank at least 2$"):
        g.batch_jacobian(x * 1, r1)
    with pytest.raises(IndexError):
        g.batch_jacobian(r0, x)
    with pytest.raises(AttributeError):
        g.batch_jacobian(y, [z])


def test_batch_jacobian_degenerate_shapes() -> None:
    x = torch.zeros(2, 0)
    e = torch.zeros(0, 2)
    with GradientTape(persistent=True) as g:
        g.watch([x, e])
        y = x * x
        ye = e * e
    assert g.batch_jacobian(y, x).shape == (2, 0, 0)
    with pytest.raises(ZeroDivisionError):
        g.batch_jacobian(ye, e)


def test_batch_jacobian_unconnected_is_zeros() -> None:
    x = torch.ones(3, 2)
    z = torch.ones(3, 4, dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch([x, z])
        y = x * 2
        n = (x * x).to(torch.int32)
    zeros = g.batch_jacobian(y, z)
    assert zeros.shape == (3, 2, 4) and zeros.dtype == torch.float32  # target's dtype
    assert not zeros.any()
    zeros = g.batch_jacobian(y, z, unconnected_gradients="zero")
    assert zeros.dtype == torch.float64  # the source's dtype
    ints = g.batch_jacobian(n, x)
    assert ints.dtype == torch.int32 and ints.shape == (3, 2, 2) and not ints.any()


def test_batch_jacobian_bad_parallel_iterations() -> None:
    x = torch.ones(2, 3)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
    with pytest.raises(ValueError, match="vectorizing the batch_jacobian"):
        g.batch_jacobian(y, x, parallel_iterations=1)


# ---------------------------------------------------------------------- higher order


def test_hessian_jacobian_of_gradient(device: str) -> None:
    x = torch.tensor([1.0, 2.0, 3.0], device=device)
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = (x**3).sum() + x[0] * x[1]
        grad = inner.gradient(y, x)
    h = outer.jacobian(grad, x)
    expected = torch.diag(6 * x)
    expected[0, 1] = expected[1, 0] = 1.0
    torch.testing.assert_close(h, expected)


def test_constant_jacobian_under_a_recording_tape_is_its_result(device: str) -> None:
    """TF records a vectorized jacobian's ops on the tapes around it, so even a constant
    jacobian (of a linear map) is a result a gradient can be taken with respect to;
    through it the input gets `None` (`cases_jacobian.case_jac_constant_*` pin TF's)."""
    x = torch.tensor([1.0, 2.0], device=device)
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
    with GradientTape(persistent=True) as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = torch.mv(w, x)
        j = inner.jacobian(y, x)
        s = (j * j).sum()
    torch.testing.assert_close(j, w)
    assert type(j) is torch.Tensor and j.grad_fn is not None
    torch.testing.assert_close(outer.gradient(s, j), 2 * w)
    assert outer.gradient(s, x) is None
    with GradientTape() as alone:
        alone.watch(x)
        y = torch.mv(w, x)
    assert alone.jacobian(y, x).grad_fn is None  # no tape records: a plain constant


def test_hessian_of_model_loss_matches_torch() -> None:
    torch.manual_seed(0)
    x = torch.randn(7, 5, dtype=torch.float64)
    w1 = torch.randn(5, 4, dtype=torch.float64)
    w2 = torch.randn(4, 3, dtype=torch.float64)

    def loss_fn(w1: torch.Tensor) -> torch.Tensor:
        return (torch.tanh(torch.tanh(x @ w1) @ w2) ** 2).mean()

    with GradientTape() as t2:
        t2.watch(w1)
        with GradientTape() as t1:
            t1.watch(w1)
            loss = loss_fn(w1)
        g = t1.gradient(loss, w1)
    h = t2.jacobian(g, w1)
    assert h.shape == (5, 4, 5, 4)
    torch.testing.assert_close(h, torch.autograd.functional.hessian(loss_fn, w1))


def test_jacobian_inside_an_outer_tape_is_differentiable() -> None:
    x = torch.tensor([0.5, -1.0])
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = torch.sin(x) * x.sum()
        j = inner.jacobian(y, x)
        total = j.sum()
    grad = outer.gradient(total, x)
    ref = torch.func.grad(lambda v: torch.func.jacrev(lambda u: torch.sin(u) * u.sum())(v).sum())(x)
    torch.testing.assert_close(grad, ref)


def test_nested_batch_jacobian() -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]])
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = x**3 + x[:, :1] * x
        first = inner.batch_jacobian(y, x)
    second = outer.batch_jacobian(first, x)
    f = lambda r: r**3 + r[:1] * r  # noqa: E731
    ref = torch.func.vmap(torch.func.jacrev(torch.func.jacrev(f)))(x)
    assert second.shape == (3, 2, 2, 2)
    torch.testing.assert_close(first, torch.func.vmap(torch.func.jacrev(f))(x))
    torch.testing.assert_close(second, ref)


def test_batch_jacobian_of_inner_jacobian() -> None:
    # TF's backprop_test.py test_nested_jacobian (graph mode there).
    x = torch.ones(10, 2)
    with GradientTape() as g:
        g.watch(x)
        with GradientTape() as gg:
            gg.watch(x)
            y = (x * x).sum()
        dy_x = gg.jacobian(y, x)
    dy_xx = g.batch_jacobian(dy_x, x)
    assert torch.equal(dy_xx, torch.tensor([[[2.0, 0.0], [0.0, 2.0]]] * 10))


def test_results_outside_tapes_carry_no_graph() -> None:
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as g:
        g.watch(x)
        y = x * x
    assert g.jacobian(y, x).grad_fn is None


# ---------------------------------------------------------------------- NOTE [Which vmap]


class _NumpySquare(torch.autograd.Function):
    """x**2 whose backward goes through NumPy: torch cannot batch it."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (x,) = ctx.saved_tensors
        return torch.from_numpy(2 * x.detach().numpy() * grad.numpy())


@pytest.mark.usefixtures("torch_batching")
def test_column_target_seeds_batch_last(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)
    w = torch.randn(6, 6, dtype=torch.float64)
    x = torch.randn(6, 1, dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.tanh(w @ x)  # a column, as TF code writes it
    calls = _counting(g, monkeypatch)
    j = g.jacobian(y, x)
    assert calls == [((6, 1, 6), "vmap")]  # the batch dimension last
    ref = torch.autograd.functional.jacobian(lambda v: torch.tanh(w @ v), x)
    torch.testing.assert_close(j, ref)
    calls.clear()
    torch.testing.assert_close(g.jacobian(y, x, parallel_iterations=4), ref)
    assert calls == [((6, 1, 4), "vmap"), ((6, 1, 2), "vmap")]


def test_column_hessian() -> None:
    torch.manual_seed(1)
    w = torch.randn(5, 5, dtype=torch.float64)
    x = torch.randn(5, 1, dtype=torch.float64)

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.sum(torch.tanh(w @ v) ** 2)

    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        grad = inner.gradient(y, x)  # [5, 1]: batch-last seeds, with create_graph
    h = outer.jacobian(grad, x)
    torch.testing.assert_close(h, torch.autograd.functional.hessian(f, x))


def test_cdist_uses_the_legacy_batching_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    # torch.func's batching rule for `_cdist_backward` gives wrong values.
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    b = torch.tensor([[0.5, 1.0], [2.0, -1.0], [0.0, 0.0]], dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.cdist(x, b)
    calls = _counting(g, monkeypatch)
    j = g.jacobian(y, x)
    assert calls == [((6, 2, 3), "batched")]
    xr = x.clone().requires_grad_()
    yr = torch.cdist(xr, b).reshape(-1)
    rows = [torch.autograd.grad(yr[i], xr, retain_graph=True)[0] for i in range(6)]
    torch.testing.assert_close(j, torch.stack(rows).reshape(2, 3, 2, 2))


def test_numpy_backward_falls_back() -> None:
    x = torch.tensor([1.0, 2.0, 3.0])
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.sin(_NumpySquare.apply(x))
    with pytest.warns(UserWarning, match="one row at a time"):
        j = g.jacobian(y, x)
    torch.testing.assert_close(j, torch.diag(torch.cos(x * x) * 2 * x))


def test_variable_source_gives_drop_in_tensors() -> None:
    from tftape_torch import Variable
    from tftape_torch._tensor import EagerTensor

    v = Variable([[1.0, 2.0], [3.0, 4.0]])
    with GradientTape(persistent=True) as g:
        y = v * v
    j = g.jacobian(y, v)
    assert isinstance(j, EagerTensor) and not isinstance(j, Variable)
    with torch._C.DisableTorchFunctionSubclass():
        expected = torch.diag(2 * torch.tensor([1.0, 2.0, 3.0, 4.0])).reshape(2, 2, 2, 2)
        assert torch.equal(torch.Tensor.as_subclass(j, torch.Tensor), expected)
    jb = g.batch_jacobian(y, v)
    assert isinstance(jb, EagerTensor)
    zeros = g.jacobian(y, Variable(1.0), unconnected_gradients="zero")
    assert isinstance(zeros, EagerTensor)


# ---------------------------------------------------------------------- layouts (issue 16)


def _seed_layouts(
    tape: GradientTape, monkeypatch: pytest.MonkeyPatch, target: Any, source: Any
) -> Any:
    calls = _counting(tape, monkeypatch)
    result = tape.jacobian(target, source)
    return calls, result


def _layouts_of(
    monkeypatch: pytest.MonkeyPatch, f: Any, x: torch.Tensor
) -> Tuple[List[Any], torch.Tensor]:
    """The seed layouts of the jacobian of `f` at `x` (checked against `jacrev`), and f(x)."""
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = f(x)
    calls, j = _seed_layouts(g, monkeypatch, y, x)
    torch.testing.assert_close(j, torch.func.jacrev(f)(x))
    return calls, y


@pytest.mark.usefixtures("torch_batching")
@pytest.mark.parametrize("reshape", [False, True])
def test_column_matmul_seeds_batch_last_whatever_the_target_shape(
    monkeypatch: pytest.MonkeyPatch, reshape: bool
) -> None:
    # The layout follows the graph: matmul(W, column) feeds the column's gradient,
    # even when the target is reshaped (the column hidden) afterwards.
    torch.manual_seed(0)
    w = torch.randn(4, 6, dtype=torch.float64)
    x = torch.randn(6, dtype=torch.float64)

    def f(v: torch.Tensor) -> torch.Tensor:
        y = torch.tanh(w @ v.reshape(6, 1))
        return y.reshape(2, 2) if reshape else y

    calls, y = _layouts_of(monkeypatch, f, x)
    assert calls == [(tuple(y.shape) + (4,), "vmap")]  # batch dimension last


@pytest.mark.usefixtures("torch_batching")
def test_einsum_column_seeds_batch_last(monkeypatch: pytest.MonkeyPatch) -> None:
    # einsum('ij,j->i') runs as a `bmm` of one matrix and one column: `[1, n, 1]`.
    torch.manual_seed(0)
    w = torch.randn(4, 6, dtype=torch.float64)
    x = torch.randn(6, dtype=torch.float64)

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.tanh(torch.einsum("ij,...j->...i", w, v))

    calls, _ = _layouts_of(monkeypatch, f, x)
    assert calls == [((4, 4), "vmap")]  # batch dimension last


@pytest.mark.usefixtures("torch_batching")
def test_batch_of_columns_seeds_batch_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # batch_jacobian of matmul(W, x as columns): a `bmm` over a batch of columns runs
    # as matrix-vector products either way; batch-last would only add a copy.
    torch.manual_seed(0)
    w = torch.randn(5, 5, dtype=torch.float64)
    x = torch.randn(3, 5, dtype=torch.float64)

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.tanh(torch.matmul(w, v.reshape(-1, 5, 1)).transpose(-1, -2))

    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = f(x)
    assert not _jacobian_plan.plan_for(y).last
    calls = _counting(g, monkeypatch)
    jb = g.batch_jacobian(y, x)
    assert calls == [((5, 3, 1, 5), "vmap")]  # batch dimension first
    expected = torch.func.vmap(torch.func.jacrev(lambda v: f(v.reshape(1, 5))[0]))(x)
    assert jb.shape == (3, 1, 5, 5)
    torch.testing.assert_close(jb, expected)


@pytest.mark.usefixtures("torch_batching")
def test_row_matmul_seeds_batch_first(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)
    w = torch.randn(6, 4, dtype=torch.float64)
    x = torch.randn(6, dtype=torch.float64)

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.tanh(v.reshape(1, 6) @ w).reshape(4, 1)  # a column target

    calls, _ = _layouts_of(monkeypatch, f, x)
    assert calls == [((4, 4, 1), "vmap")]  # batch dimension first


@pytest.mark.usefixtures("torch_batching")
@pytest.mark.parametrize("hessian", [False, True])
def test_transposed_row_product_seeds_batch_last_in_a_hessian(
    monkeypatch: pytest.MonkeyPatch, hessian: bool
) -> None:
    # tanh((x_row @ W)^T): in the gradient's own graph the row product receives a
    # transposed batch that `at::matmul` cannot fold (a `bmm` of matrix-vector
    # products), so a Hessian seeds batch-last; the plain jacobian stays batch-first.
    torch.manual_seed(0)
    w = torch.randn(6, 6, dtype=torch.float64)
    x = torch.randn(6, dtype=torch.float64)

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.tanh((v.reshape(1, 6) @ w).transpose(0, 1))

    def loss(v: torch.Tensor) -> torch.Tensor:
        return (f(v) ** 2).sum()

    with GradientTape(persistent=True) as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = f(x)
            total = (y ** 2).sum()
        g = inner.gradient(total, x)
    if hessian:
        assert _jacobian_plan.plan_for(g).last  # the batch dimension last
        torch.testing.assert_close(outer.jacobian(g, x), torch.func.hessian(loss)(x))
    else:
        assert not _jacobian_plan.plan_for(y).last
        calls, j = _seed_layouts(outer, monkeypatch, y, x)
        assert calls == [((6, 6, 1), "vmap")]  # batch dimension first
        torch.testing.assert_close(j, torch.func.jacrev(f)(x))


@pytest.mark.usefixtures("torch_batching")
def test_column_matmul_wrt_the_matrix_only_seeds_batch_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only W's gradient is wanted (the column is a constant): the product's second
    # operand gets no gradient, so nothing becomes a batch of matrix-vector products.
    torch.manual_seed(0)
    w = torch.randn(4, 6, dtype=torch.float64)
    x = torch.randn(6, 1, dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch(w)
        y = torch.tanh(w @ x).reshape(2, 2)
    calls, j = _seed_layouts(g, monkeypatch, y, w)
    assert calls == [((4, 2, 2), "vmap")]
    torch.testing.assert_close(j, torch.func.jacrev(lambda m: torch.tanh(m @ x).reshape(2, 2))(w))


@pytest.mark.usefixtures("torch_batching")
def test_a_graph_off_the_host_is_planned_batch_first_by_rows() -> None:
    # Off the CPU (here the meta device, which records the same graph) launches set
    # the time: no batch-last seeds for a column product, no columns for a convolution.
    w = torch.randn(6, 6, device="meta")
    x = torch.randn(6, 1, device="meta", requires_grad=True)
    column = torch.tanh(w @ x).reshape(6)
    k = torch.randn(4, 1, 3, device="meta")
    conv = torch.tanh(torch.nn.functional.conv1d(x.reshape(1, 1, 6), k, padding=1))
    host = torch.tanh(torch.randn(6, 6) @ torch.randn(6, 1, requires_grad=True))
    nothing = (False, False, 0, False, False, False, False, 0, False)
    assert _jacobian_plan.plan_for(column) == nothing
    assert _jacobian_plan.plan_for(conv) == nothing[:2] + (1,) + nothing[3:]
    assert _jacobian_plan.plan_for(host).last and _jacobian_plan.plan_for(host).columns


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_jacobians_run_batch_first_by_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(0)
    w = torch.randn(64, 64, dtype=torch.float64, device="cuda")
    k = torch.randn(4, 1, 3, dtype=torch.float64, device="cuda")
    x = torch.randn(64, dtype=torch.float64, device="cuda")

    def column(v: torch.Tensor) -> torch.Tensor:
        return torch.tanh(w @ v.reshape(64, 1)).reshape(64)

    for f, rows in ((column, 64), (_conv(k), 256)):
        calls, _ = _layouts_of(monkeypatch, f, x)
        assert calls == [((rows, rows), "vmap")]  # every row in one batch-first pass


# ---------------------------------------------------------------------- columns (issue 16)


def _conv(k: torch.Tensor) -> Any:
    def f(v: torch.Tensor) -> torch.Tensor:
        lead = v.shape[:-1]
        y = torch.nn.functional.conv1d(v.reshape(-1, 1, v.shape[-1]), k, padding=1)
        return torch.tanh(y).reshape(*lead, -1)

    return f


@pytest.mark.parametrize("covered", [True, False])
def test_convolution_jacobian_by_columns(monkeypatch: pytest.MonkeyPatch, covered: bool) -> None:
    # 4 filters: 4x more rows than columns: one pass of 64 columns by forward rules,
    # or, through `lgamma` (no rule), one VJP with create_graph and columns below the tape.
    torch.manual_seed(0)
    conv = _conv(torch.randn(4, 1, 3, dtype=torch.float64))
    f = conv if covered else (lambda v: conv(torch.lgamma(v)))
    x = torch.randn(64, dtype=torch.float64)
    other = torch.randn(3, dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch([x, other])
        y = f(x)
    calls = _counting(g, monkeypatch)
    j = g.jacobian(y, x)
    # forward: the tangents; else the dummy seed, the columns running below the tape
    assert calls == ([((64, 64), "forward")] if covered else [((256,), "row")])
    ref = torch.func.jacrev(f)(x)
    torch.testing.assert_close(j, ref)
    torch.testing.assert_close(g.jacobian(y, x, parallel_iterations=10), ref)
    both = g.jacobian(y, [x, other])
    torch.testing.assert_close(both[0], ref)
    assert both[1] is None
    zero = g.jacobian(y, other, unconnected_gradients="zero")
    assert torch.equal(zero, torch.zeros(256, 3, dtype=torch.float64))


def test_convolution_hessian_by_our_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    # A Hessian through a convolution runs by rows with our own rules (the
    # convolution's backward node has one: NOTE [Own batching rules]), never by columns,
    # which would run a third-order graph (NOTE [Rows or columns]).
    torch.manual_seed(2)
    conv = _conv(torch.randn(4, 1, 3, dtype=torch.float64))
    x = torch.randn(256, dtype=torch.float64)
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = torch.sum(conv(x) ** 2)
        g = inner.gradient(y, x)
    plan = _jacobian_plan.plan_for(g)
    assert plan.double and plan.convolutions and plan.own_rules
    assert plan.convolution_bytes == 4 * 256 * 8  # the convolution's output, float64
    assert not _jacobian_plan.plan_for(y).double
    calls = _counting(outer, monkeypatch)
    h = outer.jacobian(g, x)
    assert calls == [((256, 256), "batched")]  # the 256 rows in one pass, no columns
    torch.testing.assert_close(h, torch.func.hessian(lambda v: torch.sum(conv(v) ** 2))(x))


def test_large_convolution_hessian_rows_in_passes_that_fit_the_cache(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # torch's CPU convolutions slow down per example once a call leaves the cache: the
    # rows go in passes whose largest convolution holds 2**21 bytes (here 8 channels of
    # 512 float64 values per row: 64 rows a pass), unless `parallel_iterations` says.
    torch.manual_seed(3)
    conv = _conv(torch.randn(8, 1, 3, dtype=torch.float64))
    x = torch.randn(512, dtype=torch.float64)
    xg = x.clone().requires_grad_(True)
    (first,) = torch.autograd.grad(torch.sum(torch.tanh(conv(xg)) ** 2), xg, create_graph=True)
    (expected,) = torch.autograd.grad(first, xg, torch.eye(512, dtype=torch.float64),
                                      is_grads_batched=True)
    for parallel_iterations, passes in ((None, [((64, 512), "batched")] * 8),
                                        (200, [((200, 512), "batched")] * 2
                                         + [((112, 512), "batched")])):
        with GradientTape() as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                y = torch.sum(torch.tanh(conv(x)) ** 2)
            g = inner.gradient(y, x)
        calls = _counting(outer, monkeypatch)
        h = outer.jacobian(g, x, parallel_iterations=parallel_iterations)
        assert calls == passes
        torch.testing.assert_close(h, expected)


def test_convolution_batch_jacobian_by_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(1)
    f = _conv(torch.randn(4, 1, 3, dtype=torch.float64))
    x = torch.randn(3, 64, dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = f(x)
    calls = _counting(g, monkeypatch)
    bj = g.batch_jacobian(y, x)
    assert calls == [((65, 3, 64), "forward")]  # 64 columns and a probe of interaction
    ref = torch.func.vmap(torch.func.jacrev(f))(x)
    torch.testing.assert_close(bj, ref)
    torch.testing.assert_close(g.batch_jacobian(y, x, parallel_iterations=7), ref)


@pytest.mark.parametrize("interact", [False, True])
def test_batch_jacobian_columns_are_checked_against_a_row(
    monkeypatch: pytest.MonkeyPatch, interact: bool
) -> None:
    # TF's batch_jacobian is rows; columns agree only while examples do not interact
    # (here: every example times the first one). A probe column in the same pass checks
    # (NOTE [Columns of interacting examples]); the rows run if not.
    torch.manual_seed(4)
    conv = _conv(torch.randn(4, 1, 3, dtype=torch.float64))
    x = torch.randn(3, 64, dtype=torch.float64)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        first = x[:1].reshape(1, 1, 64).expand(3, 4, 64).reshape(3, 256)
        y = conv(x) * (first if interact else 1.0)
    calls = _counting(g, monkeypatch)
    bj = g.batch_jacobian(y, x)
    assert calls[0] == ((65, 3, 64), "forward")  # 64 columns and the probe
    assert len(calls) == (2 if interact else 1)  # the rows' pass when the probe disagrees
    torch.testing.assert_close(bj, g.batch_jacobian(y, x, experimental_use_pfor=False))


def test_columns_on_a_non_persistent_tape_and_for_an_expansion() -> None:
    torch.manual_seed(2)
    w = torch.randn(512, 128, dtype=torch.float64) / 10

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.sin(w @ torch.tanh(v))  # 4x more rows than columns

    x = torch.randn(128, dtype=torch.float64)
    with GradientTape() as g:
        g.watch(x)
        y = f(x)
    torch.testing.assert_close(g.jacobian(y, x), torch.func.jacrev(f)(x))
    with pytest.raises(RuntimeError, match=SPENT):
        g.jacobian(y, x)


def test_columns_inside_an_outer_tape_are_differentiable() -> None:
    torch.manual_seed(3)
    k = torch.randn(4, 1, 3, dtype=torch.float64)
    f = _conv(k)
    x = torch.randn(64, dtype=torch.float64)
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        j = inner.jacobian(y, x)
        total = torch.sum(j * j)
    grad = outer.gradient(total, x)

    def reference(v: torch.Tensor) -> torch.Tensor:
        return torch.sum(torch.func.jacrev(f)(v) ** 2)

    torch.testing.assert_close(grad, torch.func.grad(reference)(x))


class _NumpyTanh(torch.autograd.Function):
    """tanh whose backward goes through NumPy: not differentiable, not batchable."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (y,) = ctx.saved_tensors
        return torch.from_numpy((1 - y.detach().numpy() ** 2) * grad.numpy())


def test_python_backward_never_goes_by_columns() -> None:
    # J^T u through a NumPy backward is not differentiable in u: columns would
    # silently drop that path, so such graphs take rows (here the row loop).
    torch.manual_seed(4)
    w = torch.randn(512, 128, dtype=torch.float64) / 10
    x = torch.randn(128, dtype=torch.float64)

    def f(v: torch.Tensor, tanh: Any) -> torch.Tensor:
        return torch.cat([w @ tanh(v), torch.sin(w @ v)])

    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = f(x, _NumpyTanh.apply)
    with pytest.warns(UserWarning, match="one row at a time"):
        j = g.jacobian(y, x)
    torch.testing.assert_close(j, torch.func.jacrev(lambda v: f(v, torch.tanh))(x))


class _OnceTanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor) -> torch.Tensor:
        y = torch.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
        (y,) = ctx.saved_tensors
        return (1 - y * y) * grad


def test_once_differentiable_backward_takes_rows() -> None:
    torch.manual_seed(5)
    w = torch.randn(512, 128, dtype=torch.float64) / 10
    x = torch.randn(128, dtype=torch.float64)
    with GradientTape() as g:  # non-persistent: the rows run on the same graph
        g.watch(x)
        y = w @ _OnceTanh.apply(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        j = g.jacobian(y, x)
    torch.testing.assert_close(j, torch.func.jacrev(lambda v: w @ torch.tanh(v))(x))


def _peak_bytes(fn: Any) -> int:
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
    current = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):
        current += event.nbytes()
        peak = max(peak, current)
    return peak


def test_parallel_iterations_bounds_peak_memory() -> None:
    x = torch.linspace(-1.0, 1.0, 512)
    with GradientTape(persistent=True) as g:
        g.watch(x)
        y = torch.sin(x) * torch.exp(-x * x) + torch.tanh(x) * x
    full = _peak_bytes(lambda: g.jacobian(y, x))
    chunked = _peak_bytes(lambda: g.jacobian(y, x, parallel_iterations=32))
    result = 512 * 512 * 4  # the jacobian itself
    assert full > 3 * result  # seeds and every op's batched gradient, all rows at once
    assert chunked < 1.5 * result  # the result and one chunk's worth
    torch.testing.assert_close(g.jacobian(y, x, parallel_iterations=32), g.jacobian(y, x))
