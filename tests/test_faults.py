"""Faults: exceptions (and KeyboardInterrupt) anywhere in tape use leave no state behind.

After an exception escapes a `with GradientTape()` block, a `stop_recording()` block,
a `custom_gradient` function or `gradient()` itself:

* the thread's tape stack is empty (`_STATE.stack == []`) and no tensor is still
  flipped (`_FLIPS == {}`);
* torch's grad mode is what it was;
* watched tensors have `requires_grad` back off, so later ops are not recorded;
* a Variable read outside tapes is the Variable itself, and the next tape reads a
  fresh alias (not one cached by the failed tape), with correct gradients.

Expected gradients are from TF 2.21 (run the same code with `import tensorflow as tf`)
or plain calculus, written next to each assertion.
"""

from __future__ import annotations

from typing import Any, Iterator, List

import pytest
import torch

import tftape_torch as tf
from tftape_torch import _flips, _state


class Boom(Exception):
    """The exception the tests raise on purpose."""


def _assert_clean(*watched: torch.Tensor, grad_mode: bool = True) -> None:
    assert _state.recording_tapes() == []
    assert _flips.FLIPS == {}
    assert torch.is_grad_enabled() is grad_mode
    for tensor in watched:
        assert not tensor.requires_grad
        assert tensor.grad_fn is None
    # ops after the failure are not recorded anywhere
    for tensor in watched:
        assert not (tensor * 2.0).requires_grad


def _assert_variable_fresh(v: tf.Variable, stale: List[torch.Tensor]) -> None:
    """Reads of `v` outside tapes are `v`; a new tape reads a new alias with gradients."""
    assert v.read_for_op() is v
    with tf.GradientTape() as tape:
        alias = v.read_for_op()
        y = tf.reduce_sum(v * v)
    assert all(alias is not old for old in stale)
    assert alias.requires_grad
    assert tape.gradient(y, v).numpy().tolist() == (2 * v.numpy()).tolist()  # d sum(v^2) = 2v


@pytest.fixture(autouse=True)
def _no_state_before_or_after() -> Iterator[None]:
    assert _state.recording_tapes() == [] and _flips.FLIPS == {}
    yield
    assert _state.recording_tapes() == [] and _flips.FLIPS == {}


# --------------------------------------------------------------------------- with blocks


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("persistent", [False, True])
def test_exception_in_nested_with_blocks(depth: int, persistent: bool, device: str) -> None:
    x = torch.tensor([1.0, 2.0], device=device)
    v = tf.Variable(torch.tensor([0.5, 1.5], device=device))
    stale: List[torch.Tensor] = []

    def nest(level: int) -> None:
        with tf.GradientTape(persistent=persistent) as tape:
            tape.watch(x)
            stale.append(v.read_for_op())
            _ = x * v
            if level == depth:
                raise Boom()
            nest(level + 1)

    with pytest.raises(Boom):
        nest(1)
    _assert_clean(x)
    _assert_variable_fresh(v, stale)


def test_exception_after_reset_and_reenter(device: str) -> None:
    x = torch.tensor(3.0, device=device)
    tape = tf.GradientTape(persistent=True)
    with tape:
        tape.watch(x)
        _ = x * x
    with pytest.raises(Boom):
        with tape:  # a persistent tape re-entered: a second recording window
            tape.reset()
            tape.watch(x)
            raise Boom()
    _assert_clean(x)
    with tf.GradientTape() as fresh:
        fresh.watch(x)
        y = x * x
    assert fresh.gradient(y, x).item() == 6.0  # d x^2 = 2x at 3


def test_exception_in_stop_recording_escaping_the_tape(device: str) -> None:
    x = torch.tensor(2.0, device=device)
    with pytest.raises(Boom):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                with inner.stop_recording():
                    with outer.stop_recording():
                        raise Boom()
    _assert_clean(x)


def test_exception_in_stop_recording_caught_inside_the_tape(device: str) -> None:
    x = torch.tensor([1.0, 2.0], device=device)
    with tf.GradientTape() as tape:
        tape.watch(x)
        try:
            with tape.stop_recording():
                z = x * 5.0
                raise Boom()
        except Boom:
            pass
        assert _state.recording_tapes() == [tape]  # recording again
        y = x * x + z
    # TF 2.21: [2., 4.] (z was not recorded; x*x was)
    assert tape.gradient(y, x).tolist() == [2.0, 4.0]
    _assert_clean(x)


# --------------------------------------------------------------------------- custom_gradient


def test_exception_in_custom_gradient_forward() -> None:
    @tf.custom_gradient
    def broken(a: Any) -> Any:
        raise Boom()

    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        with pytest.raises(Boom):
            broken(x)
        y = x * 3.0
    assert tape.gradient(y, x).numpy().tolist() == [3.0, 3.0]  # TF 2.21: [3., 3.]
    _assert_clean(x)


def test_exception_in_custom_gradient_backward_under_an_outer_tape() -> None:
    @tf.custom_gradient
    def double(a: Any) -> Any:
        def grad(upstream: Any) -> Any:
            raise Boom()

        return a * 2.0, grad

    x = tf.constant([1.0, 2.0])
    v = tf.Variable(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = double(x)
            z = x * x * v
        with pytest.raises(Boom):
            inner.gradient(y, [x, v])
        assert _state.recording_tapes() == [outer]
        w = z * 2.0
    # TF 2.21: [8., 16.] and [2., 4.] (the outer tape is unharmed)
    assert outer.gradient(w, x).numpy().tolist() == [8.0, 16.0]
    assert outer.gradient(z, x).numpy().tolist() == [4.0, 8.0]
    del outer
    _assert_clean(x)
    _assert_variable_fresh(v, [])


# --------------------------------------------------------------------------- gradient()


@pytest.mark.parametrize("case", ["output_gradients_shape", "bad_source", "bad_unconnected"])
def test_exception_inside_gradient_of_an_inner_tape(case: str, device: str) -> None:
    x = torch.tensor([1.0, 2.0], device=device)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = x * x
        with pytest.raises((tf.errors.InvalidArgumentError, TypeError, ValueError)):
            if case == "output_gradients_shape":
                inner.gradient(y, x, output_gradients=torch.ones(3, device=device))
            elif case == "bad_source":
                inner.gradient(y, "not a tensor")
            else:
                inner.gradient(y, x, unconnected_gradients="bogus")
        assert _state.recording_tapes() == [outer]
        assert x.requires_grad  # still watched by outer
    assert outer.gradient(y, x).tolist() == [2.0, 4.0]  # d x^2 = 2x
    _assert_clean(x)


def test_exception_inside_gradient_of_a_persistent_tape_keeps_it_usable() -> None:
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(tf.errors.InvalidArgumentError):
        tape.gradient(y, x, output_gradients=tf.ones(3))
    # TF 2.21: the persistent tape still answers, [2., 4.]
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 4.0]
    _assert_clean(x)


def test_exception_from_a_hook_during_backward_on_a_dirty_tape() -> None:
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        before = x * 10.0
        tape.reset()  # the tape is dirty: gradient() puts pruning hooks on the graph
        tape.watch(x)
        y = before * x

    def explode(grad: torch.Tensor) -> torch.Tensor:
        raise Boom()

    handle = y.register_hook(explode)
    with pytest.raises(Boom):
        tape.gradient(y, x)
    handle.remove()
    # TF 2.21: [10., 20.] (`before` predates the reset, so it is a constant)
    assert tape.gradient(y, x).numpy().tolist() == [10.0, 20.0]
    # a tape that recorded the whole graph is not affected by the first tape's hooks
    with tf.GradientTape() as other:
        other.watch(x)
        before = x * 10.0
        y = before * x
    assert other.gradient(y, x).numpy().tolist() == [20.0, 40.0]  # d 10x^2 = 20x
    del tape
    _assert_clean(x)


# --------------------------------------------------------------------------- KeyboardInterrupt


def test_keyboard_interrupt_mid_recording(device: str) -> None:
    x = torch.tensor([1.0, 2.0], device=device)
    v = tf.Variable([3.0, 4.0])
    stale: List[torch.Tensor] = []
    with pytest.raises(KeyboardInterrupt):
        with tf.GradientTape(persistent=True) as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                stale.append(v.read_for_op())
                with inner.stop_recording():
                    _ = x * 2.0
                    raise KeyboardInterrupt()
    _assert_clean(x)
    _assert_variable_fresh(v, stale)


def test_keyboard_interrupt_during_backward() -> None:
    x = tf.constant([1.0, 2.0])
    v = tf.Variable([3.0, 4.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x * x * v)

        def interrupt(grad: torch.Tensor) -> torch.Tensor:
            raise KeyboardInterrupt()

        y.register_hook(interrupt)
        with pytest.raises(KeyboardInterrupt):
            inner.gradient(y, [x, v])
        assert _state.recording_tapes() == [outer]
    _assert_clean(x)
    _assert_variable_fresh(v, [])


def test_grad_mode_off_is_kept_through_a_failing_tape() -> None:
    x = tf.constant(2.0)
    with torch.no_grad():
        with pytest.raises(Boom):
            with tf.GradientTape() as tape:
                tape.watch(x)
                raise Boom()
        assert not torch.is_grad_enabled()
        _assert_clean(x, grad_mode=False)
    assert torch.is_grad_enabled()
