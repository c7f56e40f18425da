"""When a tape walks its graph to prune what TF would not have recorded.

A tape is *dirty* when nodes it did not record may hang below its targets (NOTE:
[Recording windows] in `tftape_torch/_tape.py`). Watching a plain tensor in a loop while
the previous iteration's result is still alive makes every tape dirty, although
nothing of the old graph is below the new target: one cheap visit of the graph
(`all_recorded`) settles that, and the full pruning walk runs only when it cannot.
The values asserted here are TensorFlow 2.21's (and follow from calculus).
"""

from __future__ import annotations

from typing import Any, List

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tftape_torch import GradientTape, _tape


def _count_full_walks(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    calls: List[int] = []
    real = _tape.prune_unrecorded

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(_tape, "prune_unrecorded", counting)
    return calls


def test_a_loop_keeping_its_previous_result_needs_no_full_walk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walks = _count_full_walks(monkeypatch)
    x = tf.constant([1.0, 2.0])
    previous = None
    for _ in range(3):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.sin(x) * x)
        assert previous is None or tape._dirty  # the old graph is alive: dirty
        grad = tape.gradient(y, x)
        previous = y
    assert previous is not None
    # d/dx sum(x sin x) = sin x + x cos x (TF: [1.3817732, 0.07700372])
    np.testing.assert_allclose(grad.numpy(), [1.3817732, 0.07700372], rtol=1e-6)
    assert walks == []


def test_an_old_result_below_the_target_is_still_pruned(monkeypatch: pytest.MonkeyPatch) -> None:
    walks = _count_full_walks(monkeypatch)
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as first:
        first.watch(x)
        a = x * x
    with tf.GradientTape() as second:
        second.watch(x)
        b = a * 3.0 + x * x  # `a` was recorded by `first` only: a constant here
    # TF: [2., 4.] (2x, not 2x + 6x)
    np.testing.assert_allclose(second.gradient(b, x).numpy(), [2.0, 4.0])
    assert walks == [1]
    np.testing.assert_allclose(first.gradient(a, x).numpy(), [2.0, 4.0])


def test_watching_an_intermediate_after_an_op_used_it_is_still_pruned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    walks = _count_full_walks(monkeypatch)
    x = torch.tensor([1.0, 2.0])
    with GradientTape() as outer:
        outer.watch(x)
        with GradientTape() as inner:
            a = x * 2.0  # recorded by `outer` only: `inner` watches nothing yet
            b = a * 3.0
            inner.watch(a)  # after `b` used it: TF does not record `b` on `inner`
            c = a + b
        grad = inner.gradient(c, a)
    # TF: 1 (through `a + b`'s first input only; `b = 3a` is not on `inner`)
    np.testing.assert_allclose(grad.numpy(), [1.0, 1.0])
    assert walks == [1]


# Nodes made on another thread: torch runs the backward of CUDA tensors on a device
# thread, whose sequence numbers mean nothing in the tape's windows. A Python thread
# numbers its nodes the same foreign way, so the mechanism is tested here on the CPU
# (the CUDA conformance run checks the whole path: Hessians through dirty tapes).


def _made_on_another_thread(make: Any) -> Any:
    import threading

    out: List[Any] = []
    thread = threading.Thread(target=lambda: out.append(make()))
    thread.start()
    thread.join()
    return out[0]


def _view_from(start: int, x: torch.Tensor, renumbered: Any = None) -> Any:
    from tftape_torch._pruning import RecordedView

    return RecordedView(
        lambda nr: nr >= start, {id(x): start}, {}, False, frozenset(), renumbered or {}
    )


def test_nodes_another_thread_made_are_pruned_unless_their_pass_is_noted() -> None:
    from tftape_torch._pruning import DeviceBackward, device_made_numbers, prune_unrecorded
    from tftape_torch._torch_internals import next_sequence_nr

    for _ in range(64):  # this thread's numbers run well ahead of a fresh thread's
        torch.ones(1, requires_grad=True) * 2
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    start = next_sequence_nr()
    y = x.sin()  # made here, inside the window
    # the "gradient pass": two nodes made on another thread, then one made here
    g = _made_on_another_thread(lambda: (y * 3.0).exp()).view_as(x)
    hooks = prune_unrecorded([g], _view_from(start, x))
    # without the note: the foreign `exp` node is a boundary, and the view above it,
    # whose only input is that boundary, is not recorded either
    assert len(hooks) == 2
    for hook in hooks:
        hook.remove()
    made = device_made_numbers([DeviceBackward(start, [y.grad_fn], [g.grad_fn])])
    # the two foreign nodes and the view (not y's node: it was there before the pass)
    assert len(made) == 3 and id(y.grad_fn) not in made
    assert {number for number, _ in made.values()} == {start}
    assert prune_unrecorded([g], _view_from(start, x, made)) == []
    (dx,) = torch.autograd.grad(g.sum(), x)
    expected = (3.0 * torch.cos(x) * torch.exp(3.0 * torch.sin(x))).detach()
    np.testing.assert_allclose(dx.numpy(), expected.numpy(), rtol=1e-6)


@pytest.mark.parametrize("persistent", [False, True])
def test_an_earlier_tapes_result_stays_a_constant_after_its_input_is_written_in_place(
    persistent: bool,
) -> None:
    # `a` is the first tape's; the second treats it as a constant (TF's rule), so the
    # engine's pruned run of `sin`'s node, whose saved `x` was since updated in place,
    # must not happen: d(a * x)/dx = a = sin(x before the update).
    x = torch.tensor([0.5, -1.0, 2.0])
    with GradientTape(persistent=persistent) as first:
        first.watch(x)
        a = torch.sin(x)
    before = x.clone()
    x.add_(1.0)
    with GradientTape() as second:
        second.watch(x)
        b = a * x
    grad = second.gradient(b, x)
    torch.testing.assert_close(grad, torch.sin(before))
    assert not x.requires_grad
    with GradientTape(persistent=True) as third:
        third.watch(x)
        c = a * x * x
    torch.testing.assert_close(third.jacobian(c, x), torch.diag(2.0 * torch.sin(before) * x))


def test_an_earlier_tapes_op_without_a_gradient_is_not_run() -> None:
    # `lstsq(fast=False)` has no gradient in TF. The second tape did not record it, so
    # TF never runs its gradient: sum(x * colsum(a)) = sum(x) * sum(a) with x a
    # constant, whose gradient is sum(x) everywhere.
    a = tf.constant([[2.0, 0.5], [0.25, 1.0], [1.0, 1.0]])
    b = tf.constant([[1.0], [2.0], [0.5]])
    with tf.GradientTape(persistent=True) as first:
        first.watch(a)
        x = tf.linalg.lstsq(a, b, fast=False)
    with tf.GradientTape() as second:
        second.watch(a)
        y = tf.reduce_sum(x * tf.reduce_sum(a, axis=0, keepdims=True))
    grad = second.gradient(y, a)
    np.testing.assert_allclose(grad.numpy(), np.full((3, 2), x.numpy().sum()), rtol=1e-6)
    # TF 2.21: [[1.3333334, 1.3333334]] * 3
    np.testing.assert_allclose(grad.numpy(), np.full((3, 2), 4.0 / 3.0), rtol=1e-6)
    # Through the op on the tape that recorded it, TF's error stands.
    with pytest.raises(ValueError, match="Gradient not defined for fast=False"):
        first.gradient(x, a)


def test_a_recorded_nodes_error_still_comes_through_a_pruned_pass() -> None:
    a = tf.constant([[2.0, 0.5], [0.25, 1.0], [1.0, 1.0]])
    b = tf.constant([[1.0], [2.0], [0.5]])
    with tf.GradientTape(persistent=True) as first:
        first.watch(a)
        old = tf.sin(a)
    first.gradient(old, a)
    with tf.GradientTape() as second:
        second.watch(a)
        x = tf.linalg.lstsq(a, b, fast=False)  # recorded: TF's error
        y = tf.reduce_sum(x) + tf.reduce_sum(old * a)
    assert second._dirty
    with pytest.raises(ValueError, match="Gradient not defined for fast=False"):
        second.gradient(y, a)
