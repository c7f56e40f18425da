"""Core GradientTape behaviour on plain torch tensors, Parameters and Variables.

Expected values come from calculus shown inline (d/dx x**n = n x**(n-1)) or from
TF 2.21 runs recorded in the conformance golden files; these tests cover what the
conformance suite cannot: threads, exception safety, memory, torch interop.
"""

from __future__ import annotations

import collections
import gc
import threading
import weakref

import pytest
import torch

from tftape_torch import GradientTape, UnconnectedGradients, Variable, _flips, _state, errors


def _scalar(value: float, device: str) -> torch.Tensor:
    return torch.tensor(value, device=device)


def test_watched_tensor_gradient_and_flag_restored(device: str) -> None:
    x = _scalar(3.0, device)
    with GradientTape() as tape:
        tape.watch(x)
        assert x.requires_grad
        y = x * x
    assert not x.requires_grad, "watch must not leave requires_grad on after the tape"
    grad = tape.gradient(y, x)
    assert grad.item() == 6.0  # d(x^2)/dx at 3
    assert grad.device == x.device and grad.dtype == x.dtype
    assert type(grad) is torch.Tensor  # plain sources give plain gradients


def test_users_requires_grad_leaf_is_left_alone(device: str) -> None:
    x = torch.tensor(2.0, device=device, requires_grad=True)
    with GradientTape() as tape:
        tape.watch(x)
        y = x ** 3
    assert x.requires_grad
    assert tape.gradient(y, x).item() == 12.0  # 3 x^2


def test_ops_after_the_tape_are_not_recorded(device: str) -> None:
    x = _scalar(3.0, device)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    z = y * y
    w = x * 2.0
    assert tape.gradient(z, x) is None
    assert not w.requires_grad


def test_nested_structures_mirror_sources(device: str) -> None:
    Pair = collections.namedtuple("Pair", "a b")
    x, y = _scalar(1.0, device), _scalar(2.0, device)
    with GradientTape() as tape:
        tape.watch({"x": x, "y": [y]})
        out = [x * y, {"k": x * x}]
    grads = tape.gradient(out, {"first": Pair(a=x, b=y), "second": [x]})
    # d/dx (xy + x^2) = y + 2x = 4 ; d/dy = x = 1
    assert isinstance(grads["first"], Pair)
    assert grads["first"].a.item() == 4.0 and grads["first"].b.item() == 1.0
    assert isinstance(grads["second"], list) and grads["second"][0].item() == 4.0


def test_output_gradients_weight_targets(device: str) -> None:
    x = torch.tensor([1.0, 2.0], device=device)
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x
    grad = tape.gradient(y, x, output_gradients=torch.tensor([10.0, 100.0], device=device))
    assert grad.tolist() == [20.0, 400.0]  # upstream * 2x


def test_unconnected_zero_and_bad_value(device: str) -> None:
    x, unused = _scalar(1.0, device), torch.ones(2, 3, device=device, dtype=torch.float64)
    with GradientTape(persistent=True) as tape:
        tape.watch([x, unused])
        y = x * 2.0
    none, zero = tape.gradient(y, [x, unused])[1], tape.gradient(
        y, [x, unused], unconnected_gradients=UnconnectedGradients.ZERO)[1]
    assert none is None
    assert zero.shape == (2, 3) and zero.dtype == torch.float64 and not zero.any()
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(y, x, unconnected_gradients="sometimes")


def test_non_persistent_tape_is_spent(device: str) -> None:
    x = _scalar(3.0, device)
    with GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        GradientTape().gradient(y, x)


def test_persistent_gradient_inside_context_warns(device: str) -> None:
    x = _scalar(3.0, device)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        with pytest.warns(UserWarning, match="less efficient"):
            assert tape.gradient(y, x).item() == 6.0


def test_reenter_while_recording_and_not_recording_errors() -> None:
    tape = GradientTape()
    with tape:
        with pytest.raises(ValueError, match="still recording"):
            tape.__enter__()
    with pytest.raises(ValueError, match="not recording"):
        tape.reset()
    with pytest.raises(ValueError, match="not recording"):
        with tape.stop_recording():
            pass


def test_watch_rejects_non_tensors_and_warns_on_ints() -> None:
    with GradientTape() as tape:
        with pytest.raises(ValueError, match="3.0 of type 'float'"):
            tape.watch(3.0)
        with pytest.warns(UserWarning, match="must be floating"):
            tape.watch(torch.tensor(3))
    assert _state.recording_tapes() == []


# ------------------------------------------------------------------ Variables


def test_variable_reads_are_scoped(device: str) -> None:
    v = Variable(torch.tensor(2.0, device=device))
    outside = v * v
    assert not outside.requires_grad and not v.requires_grad
    with GradientTape() as tape:
        y = v * v * v
    assert tape.watched_variables() == (v,)
    assert tape.gradient(y, v).item() == 12.0  # 3 v^2


def test_torch_optim_steps_a_variable(device: str) -> None:
    v = Variable(torch.tensor([1.0, -2.0], device=device))
    optimizer = torch.optim.SGD([v], lr=0.1)
    with GradientTape() as tape:
        loss = (v * v).sum()
    v.grad = tape.gradient(loss, v)
    optimizer.step()
    assert isinstance(v, Variable)
    torch.testing.assert_close(v.detach().cpu(), torch.tensor([0.8, -1.6]))  # v - 0.1 * 2v


# ------------------------------------------------------------------ torch interop


def test_module_parameters_and_optimizer_training_loss_falls(device: str) -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)
    ).to(device)
    inputs = torch.randn(64, 4, device=device)
    targets = inputs.sum(dim=1, keepdim=True).sin()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(60):
        with GradientTape() as tape:
            loss = torch.nn.functional.mse_loss(model(inputs), targets)
        grads = tape.gradient(loss, list(model.parameters()))
        for param, grad in zip(model.parameters(), grads):
            param.grad = grad
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < 0.2 * losses[0]


def test_parameter_not_watched_without_accessed_variables(device: str) -> None:
    layer = torch.nn.Linear(2, 1).to(device)
    with GradientTape(watch_accessed_variables=False) as tape:
        out = layer(torch.ones(1, 2, device=device)).sum()
    assert tape.gradient(out, layer.weight) is None


# ------------------------------------------------------------------ safety


def test_exception_in_with_block_restores_everything(device: str) -> None:
    x = _scalar(1.0, device)
    grad_mode = torch.is_grad_enabled()
    with pytest.raises(KeyError):
        with GradientTape() as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                with inner.stop_recording():
                    raise KeyError("boom")
    assert _state.recording_tapes() == []
    assert not x.requires_grad
    assert torch.is_grad_enabled() == grad_mode
    assert _flips.FLIPS == {}


def test_exception_inside_gradient_leaves_no_state(device: str) -> None:
    x = _scalar(1.0, device)
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as tape:
            tape.watch(x)
            y = x * 2.0
        with pytest.raises(errors.InvalidArgumentError, match="output_gradients"):
            tape.gradient(y, x, output_gradients=torch.ones(3, device=device))
        assert _state.recording_tapes() == [outer]
    assert _state.recording_tapes() == [] and not x.requires_grad


def test_threads_have_their_own_tape_stacks() -> None:
    barrier = threading.Barrier(2)
    results: dict = {}

    def work(name: str, power: int) -> None:
        x = torch.tensor(2.0)
        with GradientTape() as tape:
            tape.watch(x)
            barrier.wait()  # both tapes are recording at the same time
            y = x ** power
            results[name + "-stack"] = list(_state.recording_tapes()) == [tape]
            barrier.wait()
        results[name] = tape.gradient(y, x).item()

    threads = [
        threading.Thread(target=work, args=("a", 2)),
        threading.Thread(target=work, args=("b", 3)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {"a-stack": True, "b-stack": True, "a": 4.0, "b": 12.0}


def test_threads_stress_match_single_thread() -> None:
    def run(seed: int) -> float:
        x = torch.tensor(float(seed % 7) + 0.5)
        v = Variable(1.5)
        with GradientTape(persistent=True) as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                y = x * x * v
            dy = inner.gradient(y, x)
        return outer.gradient(dy, x).item() + outer.gradient(y, v).item()

    expected = {seed: run(seed) for seed in range(8)}
    failures = []

    def worker(offset: int) -> None:
        for step in range(40):
            seed = (offset + step) % 8
            if run(seed) != expected[seed]:
                failures.append(seed)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert expected[3] == 2 * 1.5 + 3.5 ** 2  # d2/dx2 (x^2 v) = 2v ; d/dv = x^2


class _Saved:
    """Counts tensors autograd saves for backward and whether they are still held."""

    def __init__(self) -> None:
        self.refs: list = []

    def pack(self, tensor: torch.Tensor) -> torch.Tensor:
        self.refs.append(weakref.ref(tensor))
        return tensor

    def alive(self) -> int:
        gc.collect()
        return sum(ref() is not None for ref in self.refs)


def test_non_persistent_gradient_frees_saved_activations() -> None:
    saved = _Saved()
    x = torch.randn(256, 256)
    with torch.autograd.graph.saved_tensors_hooks(saved.pack, lambda t: t):
        with GradientTape() as tape:
            tape.watch(x)
            loss = torch.tanh(torch.tanh(x) @ x).sum()
    activations = [ref() for ref in saved.refs if ref() is not None and ref() is not x]
    assert activations, "the graph saved intermediate activations"
    handles = [weakref.ref(t) for t in activations]
    del activations
    tape.gradient(loss, x)
    gc.collect()
    # `loss` (and so its graph) is still alive here: memory must come back anyway.
    assert all(ref() is None for ref in handles)


def test_persistent_tape_keeps_activations_until_dropped() -> None:
    saved = _Saved()
    x = torch.randn(64, 64)
    with torch.autograd.graph.saved_tensors_hooks(saved.pack, lambda t: t):
        with GradientTape(persistent=True) as tape:
            tape.watch(x)
            # sin and mm save their inputs (an op saving its own output would make
            # a reference cycle through the pack hook, a torch artifact).
            loss = (torch.sin(x) @ x).sum()
    tape.gradient(loss, x)
    assert saved.alive() > 0
    second = tape.gradient(loss, x)
    assert second is not None
    del tape, loss, second
    alive = [ref() for ref in saved.refs if ref() is not None and ref() is not x]
    assert alive == []  # only x itself may remain


def test_no_growth_over_many_tapes() -> None:
    v = Variable([1.0, 2.0])
    x = torch.ones(2)

    def step() -> None:
        with GradientTape() as tape:
            tape.watch(x)
            loss = (v * x).sum()
        tape.gradient(loss, [v, x])

    for _ in range(50):
        step()
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(500):
        step()
    gc.collect()
    assert len(gc.get_objects()) - before < 50
    assert _flips.FLIPS == {} and _state.recording_tapes() == []


def test_sources_may_be_a_module_or_an_iterator(device: str) -> None:
    layer = torch.nn.Linear(2, 1).to(device)
    inputs = torch.tensor([[1.0, 2.0]], device=device)
    with GradientTape(persistent=True) as tape:
        out = layer(inputs).sum()
    as_list = tape.gradient(out, layer.parameters())
    as_dict = tape.gradient(out, layer)
    assert isinstance(as_list, list) and len(as_list) == 2
    assert sorted(as_dict) == ["bias", "weight"]
    # out = w . inputs + b: d/dw = inputs, d/db = 1
    assert as_dict["weight"].tolist() == [[1.0, 2.0]] and as_dict["bias"].tolist() == [1.0]
    assert as_list[0].tolist() == [[1.0, 2.0]]


def test_a_structurally_zero_second_derivative_is_an_ordinary_tensor() -> None:
    # torch's backward of `sgn` (so `abs`'s second derivative) returns an
    # `_efficientzerotensor`: immutable, no `.numpy()`, and a 0-d one plus a Python
    # float is float64. TF's second derivative of abs is an ordinary 0.0 (float32).
    import tftape_torch as tf

    x = tf.constant(0.5)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.abs(x)
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)
    assert float(h) == 0.0 and h.dtype == tf.float32
    assert (h + 3.0).dtype == tf.float32 and float(h + 3.0) == 3.0
    assert h.numpy() == 0.0

    v = torch.tensor([0.5, -1.0])
    with GradientTape() as outer:
        outer.watch(v)
        with GradientTape() as inner:
            inner.watch(v)
            y = torch.abs(v).sum()
        g = inner.gradient(y, v)
    h = outer.gradient(g, v)
    assert type(h) is torch.Tensor and h.tolist() == [0.0, 0.0]
    h.add_(1.0)  # a ZeroTensor refuses in-place ops
    assert h.tolist() == [1.0, 1.0]
