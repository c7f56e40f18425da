"""Leaks: 10 000 iterations of tape use leave no growth in live tensors, tapes,
Variable aliases or per-thread tape state.

The loop cycles through non-persistent tapes reading Variables, persistent tapes
with two gradient calls, nested tapes (a second derivative), and tapes that
`reset()` and `stop_recording()` (the "dirty" path that puts pruning hooks on the
graph). Growth is measured with `gc` between iteration 1 000 and 10 000 (after warm
up), and every tape and Variable alias made in the loop is tracked with a weak
reference, which must be dead at the end.
"""

from __future__ import annotations

import gc
import warnings
import weakref
from typing import Any, Callable, List, Tuple

import torch

import tftape_torch as tf
from tftape_torch import _flips, _state

ITERATIONS = 10_000
WARM_UP = 1_000


def _live_objects() -> Tuple[int, int, int]:
    """(live torch tensors, live GradientTapes, all gc-tracked objects)."""
    gc.collect()
    tensors = tapes = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # isinstance on some module objects warns
        objects = gc.get_objects()
        for obj in objects:
            if type(obj) is tf.GradientTape:
                tapes += 1
            elif isinstance(obj, torch.Tensor):
                tensors += 1
    return tensors, tapes, len(objects)


class _Tracker:
    """Weak references to every tape and Variable alias a step made."""

    def __init__(self) -> None:
        self.tapes: List[weakref.ref[Any]] = []
        self.aliases: List[weakref.ref[Any]] = []

    def tape(self, tape: Any) -> Any:
        self.tapes.append(weakref.ref(tape))
        return tape

    def alias(self, variable: Any) -> None:
        self.aliases.append(weakref.ref(variable.read_for_op()))

    def count(self) -> int:
        return len(self.tapes) + len(self.aliases)

    def alive(self) -> Tuple[int, int]:
        gc.collect()
        return (sum(ref() is not None for ref in self.tapes),
                sum(ref() is not None for ref in self.aliases))


def _steps(track: _Tracker) -> List[Callable[[], Any]]:
    v = tf.Variable([1.0, 2.0])
    w = tf.Variable(3.0, trainable=False)
    x = tf.constant([0.5, 1.5])

    def plain() -> Any:
        with track.tape(tf.GradientTape()) as tape:
            track.alias(v)
            loss = tf.reduce_sum(v * x)
        return tape.gradient(loss, [v, x])

    def persistent() -> Any:
        with track.tape(tf.GradientTape(persistent=True)) as tape:
            tape.watch(x)
            tape.watch(w)
            track.alias(w)
            y = tf.reduce_sum(x * x * w)
        return tape.gradient(y, x), tape.gradient(y, [w, v])

    def nested() -> Any:
        with track.tape(tf.GradientTape()) as outer:
            outer.watch(x)
            with track.tape(tf.GradientTape()) as inner:
                inner.watch(x)
                track.alias(v)
                y = tf.reduce_sum(x * x * v)
            g = inner.gradient(y, x)
        return outer.gradient(g, [x, v])

    def dirty() -> Any:
        with track.tape(tf.GradientTape()) as tape:
            tape.watch(x)
            y = x * 2.0
            tape.reset()
            tape.watch(x)
            with tape.stop_recording():
                z = y * 3.0
            q = tf.reduce_sum(x * v + z)
        return tape.gradient(q, [x, v])

    return [plain, persistent, nested, dirty]


def test_ten_thousand_tape_iterations_do_not_grow_memory() -> None:
    track = _Tracker()
    steps = _steps(track)
    for i in range(WARM_UP):
        steps[i % len(steps)]()
    before = _live_objects()
    tracked = track.count()
    for i in range(WARM_UP, ITERATIONS):
        steps[i % len(steps)]()
    after = _live_objects()
    own = track.count() - tracked  # the tracker's own weak references
    assert after[0] <= before[0], f"live tensors grew from {before[0]} to {after[0]}"
    assert after[1] <= before[1], f"live tapes grew from {before[1]} to {after[1]}"
    assert after[2] - own <= before[2] + 50, f"gc objects grew from {before[2]} to {after[2] - own}"
    tapes, aliases = track.alive()
    assert tapes == 0, f"{tapes} tapes are still alive"
    # each Variable keeps (at most) its last read cached until the next read
    assert aliases <= 2, f"{aliases} Variable aliases are still alive"
    assert _state.recording_tapes() == [] and _flips.FLIPS == {}
    live = [key for key, sentinel in _flips.FLIPPED_BEFORE.items() if sentinel() is not None]
    assert len(live) <= 2, f"{len(live)} leaves still have graph recorded under a flip"


def test_flipped_before_drops_the_entries_of_dead_graphs() -> None:
    # 1 000 distinct constants, each watched with an op recorded on it: the entry
    # each leaves (for later tapes to see its graph) goes once the graph is gone.
    for i in range(1_000):
        x = tf.constant(float(i))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        assert _flips.flipped_before(x)
        assert float(tape.gradient(y, x)) == 2.0 * i
        del tape, y
        assert not _flips.flipped_before(x)
    assert len(_flips.FLIPPED_BEFORE) <= 128  # dropped in batches, not one by one


def test_gradients_do_not_keep_the_graph_alive() -> None:
    x = tf.constant([1.0, 2.0])
    v = tf.Variable([3.0, 4.0])
    grads = []
    for _ in range(200):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.sin(x * v))
        grads.append(tape.gradient(y, [x, v]))
    assert all(g.grad_fn is None and not g.requires_grad for pair in grads for g in pair)


def test_long_lived_outer_tape_does_not_grow_with_inner_tapes() -> None:
    x = tf.constant(1.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        for _ in range(WARM_UP):
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x * x
            inner.gradient(y, x)
        gc.collect()
        size = len(outer._overlaps)
        for _ in range(ITERATIONS - WARM_UP):
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x * x
            inner.gradient(y, x)
        gc.collect()
        assert len(outer._overlaps) <= size + 10
        # The flip of `x` the outer tape holds: every inner tape watched it too.
        assert len(_flips.FLIPS[id(x)].watchers) <= 10
