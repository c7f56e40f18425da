"""Threads: TF's tape stack is per thread, so tapes in different threads never see
each other's recordings, and running tape programs concurrently changes no result.

The stress test runs generated fuzz programs (`tests/fuzz/generator.py`; nested and
persistent tapes, Variables, stop_recording, reset, ...) in N threads x M iterations
and compares every answer with the single-threaded one. No TensorFlow needed: the
reference is tftape_torch itself, run on one thread.
"""

from __future__ import annotations

import math
import random
import threading
import traceback
import warnings
from typing import Any, Callable, Dict, List

import torch

import tftape_torch as tf
from tests.fuzz import interpreter
from tests.fuzz.generator import RandomChoices, generate
from tftape_torch import _flips, _state

THREADS = 4
ITERATIONS = 3
PROGRAMS = 24


def _run_threads(workers: List[Callable[[], None]]) -> List[str]:
    """Run each worker in its own thread; the tracebacks of those that raised."""
    errors: List[str] = []

    def wrap(fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                fn()
            except BaseException:  # noqa: BLE001 - reported below
                errors.append(traceback.format_exc())

        return run

    threads = [threading.Thread(target=wrap(fn)) for fn in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return errors


def test_fuzz_programs_in_threads_match_single_thread() -> None:
    # Not forward mode: torch has one dual level per process, so two threads cannot
    # run ForwardAccumulators at once (a difference the README lists).
    candidates = (generate(RandomChoices(10_000 + seed)) for seed in range(4 * PROGRAMS))
    programs = [p for p in candidates
                if not any(f.startswith("forward") for f in p.features)][:PROGRAMS]
    assert len(programs) == PROGRAMS
    with warnings.catch_warnings():  # set once here: catch_warnings is not thread-safe
        warnings.simplefilter("ignore")
        expected = [interpreter.run(program, tf, quiet=False) for program in programs]
        mismatches: List[str] = []

        def worker(offset: int) -> Callable[[], None]:
            def run() -> None:
                order = list(range(PROGRAMS)) * ITERATIONS
                random.Random(offset).shuffle(order)
                for index in order:
                    answer = interpreter.run(programs[index], tf, quiet=False)
                    difference = interpreter.compare(expected[index], answer)
                    if difference is not None:
                        mismatches.append(f"program {index}: {difference}")
                assert _state.recording_tapes() == []

            return run

        errors = _run_threads([worker(i) for i in range(THREADS)])
    assert errors == [], errors[0] if errors else ""
    assert _flips.FLIPS == {}
    assert mismatches == []


def test_each_thread_records_only_its_own_variable_reads() -> None:
    v = tf.Variable([1.0, 2.0])
    barrier = threading.Barrier(2)
    results: Dict[str, Any] = {}

    def reader() -> None:
        with tf.GradientTape() as tape:
            barrier.wait()
            y = tf.reduce_sum(v * v)
            barrier.wait()
        results["reader"] = tape.gradient(y, v)

    def bystander() -> None:
        with tf.GradientTape() as tape:
            barrier.wait()  # the other thread reads v while this tape records
            barrier.wait()
            results["bystander_watched"] = tape.watched_variables()
            z = tf.constant(2.0) * 3.0
        results["bystander"] = tape.gradient(z, v)

    errors = _run_threads([reader, bystander])
    assert errors == [], errors[0] if errors else ""
    assert results["reader"].numpy().tolist() == [2.0, 4.0]  # d/dv sum(v*v) = 2v
    assert results["bystander_watched"] == ()
    assert results["bystander"] is None


def test_ops_outside_tapes_in_another_thread_are_not_recorded_by_mine() -> None:
    x = torch.tensor([1.0, 2.0])
    barrier = threading.Barrier(2)
    results: Dict[str, Any] = {}

    def recorder() -> None:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            barrier.wait()  # 1: the other thread's tape is open now
            barrier.wait()  # 2: it has taken its gradient
        results["recorder"] = tape.gradient(y, x)

    def other() -> None:
        other_x = torch.tensor([3.0])
        with tf.GradientTape() as tape:
            tape.watch(other_x)
            barrier.wait()  # 1
            z = other_x * 5.0
        results["other"] = tape.gradient(z, [other_x, x])
        barrier.wait()  # 2

    errors = _run_threads([recorder, other])
    assert errors == [], errors[0] if errors else ""
    assert results["recorder"].tolist() == [2.0, 4.0]
    assert results["other"][0].tolist() == [5.0]
    assert results["other"][1] is None
    assert not x.requires_grad


def test_tensor_watched_by_another_threads_tape_is_not_watched_by_mine() -> None:
    x = torch.tensor([1.0, 2.0])
    barrier = threading.Barrier(2)
    results: Dict[str, Any] = {}

    def recorder() -> None:
        with tf.GradientTape() as tape:
            tape.watch(x)
            barrier.wait()  # 1
            barrier.wait()  # 2: the other thread has taken its gradient

    def other() -> None:
        other_x = torch.tensor([3.0])
        with tf.GradientTape() as tape:
            tape.watch(other_x)
            barrier.wait()  # 1: x is watched by the other thread's tape
            z = other_x * x
        results["other"] = tape.gradient(z, [other_x, x])
        barrier.wait()  # 2

    errors = _run_threads([recorder, other])
    assert errors == [], errors[0] if errors else ""
    assert results["other"][0].tolist() == [3.0]  # d(sum other_x * x)/d other_x = sum x
    assert results["other"][1] is None  # TF: this tape never watched x


def test_tensor_watched_in_two_threads_keeps_recording_in_the_second() -> None:
    x = tf.constant([1.0, 2.0])
    barrier = threading.Barrier(2)
    results: Dict[str, Any] = {}

    def short_lived() -> None:
        with tf.GradientTape() as tape:
            tape.watch(x)
            barrier.wait()  # 1: both tapes watch x
            barrier.wait()  # 2
        barrier.wait()  # 3: this tape has closed

    def long_lived() -> None:
        with tf.GradientTape() as tape:
            barrier.wait()  # 1
            tape.watch(x)
            barrier.wait()  # 2
            barrier.wait()  # 3
            y = x * x
        results["gradient"] = tape.gradient(y, x)

    errors = _run_threads([short_lived, long_lived])
    assert errors == [], errors[0] if errors else ""
    assert results["gradient"] is not None
    assert results["gradient"].numpy().tolist() == [2.0, 4.0]  # TF: 2x
    assert not x.requires_grad


# ---------------------------------------------------------------------------
# Stress: many threads, each with its own tapes, sharing watched tensors and Variables
# (issue 18 items 6 and 8). Every gradient is checked against its analytic value.

STRESS_THREADS = 8
STRESS_TAPES = 500


def _close(got: Any, want: float) -> bool:
    return got is not None and abs(float(got) - want) <= 1e-4 * max(1.0, abs(want))


def _stress_worker(
    index: int,
    x: Any,
    v: Any,
    w: Any,
    stop: threading.Event,
    failures: List[str],
    published: List[Any],
) -> Callable[[], None]:
    """One thread's tapes: seven shapes of program over the shared `x`, `v` and `w`,
    and over `published[0]`, `x * x` as a bystander thread computed it (a constant)."""
    k = float(index + 1)
    xv, vv, wv = float(x), float(v), float(w)

    def check(what: str, got: Any, want: float) -> None:
        if not _close(got, want):
            failures.append(f"thread {index} {what}: got {got}, want {want}")

    def run() -> None:
        try:
            steps(run_steps=STRESS_TAPES)
        finally:
            stop.set()

    def steps(run_steps: int) -> None:
        for step in range(run_steps):
            shape = (step + index) % 7
            if shape == 0:  # a watched shared constant
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    y = x * x * k
                check("x*x*k", tape.gradient(y, x), 2 * k * xv)
            elif shape == 1:  # a shared trainable Variable
                with tf.GradientTape() as tape:
                    y = v * v * k
                check("v*v*k", tape.gradient(y, v), 2 * k * vv)
            elif shape == 2:  # both, one gradient call
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    y = x * v + k * x
                gx, gv = tape.gradient(y, [x, v])
                check("d(xv+kx)/dx", gx, vv + k)
                check("d(xv+kx)/dv", gv, xv)
            elif shape == 3:  # persistent: two calls, one inside the context
                with tf.GradientTape(persistent=True) as tape:
                    tape.watch(x)
                    y = x * w * k
                    inside = tape.gradient(y, x)
                check("persistent inside", inside, wv * k)
                check("persistent after", tape.gradient(y, w), xv * k)
            elif shape == 4:  # nested: a second derivative
                with tf.GradientTape() as outer:
                    outer.watch(x)
                    with tf.GradientTape() as inner:
                        inner.watch(x)
                        y = x * x * x * k
                    dy = inner.gradient(y, x)
                check("second derivative", outer.gradient(dy, x), 6 * k * xv)
            elif shape == 6:  # a bystander's result is a constant here (TF: no tape saw it)
                z = published[0]
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    y = z * x * k
                check("bystander's z * x * k", tape.gradient(y, x), xv * xv * k)
            else:  # an op before the watch and one in stop_recording are not recorded
                with tf.GradientTape() as tape:
                    a = x * 2.0
                    tape.watch(x)
                    with tape.stop_recording():
                        b = x * 3.0
                    y = a * x + b * x + x * k
                check("watch-after-use", tape.gradient(y, x), 2 * xv + 3 * xv + k)

    return run


def _bystander(
    x: Any, v: Any, stop: threading.Event, failures: List[str], published: List[Any]
) -> Callable[[], None]:
    """Drop-in ops on the shared tensors on a thread with no tape, while the others
    record: TF records them on no tape, so every result must be a constant
    (`requires_grad=False`) even while another thread's tape holds `x` flipped (issue 18
    item 6). The last `x * x` is published for the workers' tapes to use."""
    xv, vv = float(x), float(v)

    def run() -> None:
        while not stop.is_set():
            results = {
                "x * x": (x * x, xv * xv),
                "v * 2": (v * 2.0, vv * 2.0),
                "tf.multiply(x, v)": (tf.multiply(x, v), xv * vv),
                "tf.reduce_sum(x)": (tf.reduce_sum(x), xv),
                "-x": (-x, -xv),
                "x[None][0]": (x[None][0], xv),
                "tf.sin(x)": (tf.sin(x), math.sin(xv)),
                "torch.mul(x, 3.0)": (torch.mul(x, 3.0), 3.0 * xv),
                "x.exp()": (x.exp(), math.exp(xv)),
                "tf.concat": (tf.concat([x[None], x[None]], 0)[1], xv),
            }
            for what, (got, want) in results.items():
                if got.requires_grad or got.grad_fn is not None or not _close(got, want):
                    failures.append(
                        f"bystander {what}: {got!r} requires_grad={got.requires_grad}"
                    )
                    return
            published[0] = results["x * x"][0]

    return run


def test_stress_threads_share_watched_constants_and_variables() -> None:
    x = tf.constant(1.5)
    v = tf.Variable(2.0)
    w = tf.Variable(-0.5)
    failures: List[str] = []
    stops = [threading.Event() for _ in range(STRESS_THREADS)]
    all_done = threading.Event()
    published = [x * x]
    workers = [
        _stress_worker(i, x, v, w, stops[i], failures, published)
        for i in range(STRESS_THREADS)
    ]

    def bystander_stop() -> None:
        for event in stops:
            event.wait(timeout=120)
        all_done.set()

    errors = _run_threads(
        workers + [_bystander(x, v, all_done, failures, published),
                   _bystander(x, v, all_done, failures, published), bystander_stop]
    )
    assert errors == [], f"{len(errors)} errors; first:\n{errors[0]}" if errors else ""
    assert failures == [], f"{len(failures)} wrong answers; first: {failures[0]}"
    assert not x.requires_grad
    assert not _flips.FLIPS
    assert _flips.HOLDER == [None]


# ---------------------------------------------------------------------------
# Drop-in ops on another thread see a tensor watched only by this thread's tapes as a
# constant (issue 18 item 6); the core API on plain torch tensors cannot.


def _on_thread(fn: Callable[[], Any]) -> Any:
    out: Dict[str, Any] = {}

    def run() -> None:
        out["value"] = fn()

    errors = _run_threads([run])
    assert errors == [], errors[0]
    return out["value"]


def test_drop_in_op_on_a_tapeless_thread_is_a_constant_for_my_tape() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = _on_thread(lambda: x * x)
        assert not z.requires_grad and z.grad_fn is None
        y = z * x
    assert float(tape.gradient(y, x)) == 9.0  # TF: 9.0 (z is a constant)
    assert not x.requires_grad and _flips.HOLDER == [None]


def test_drop_in_op_on_a_plain_tensor_on_a_tapeless_thread_is_a_constant() -> None:
    x = torch.tensor(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = _on_thread(lambda: tf.multiply(x, x))
        assert not z.requires_grad
        y = z * x
    assert float(tape.gradient(y, x)) == 9.0


def test_thread_with_its_own_tape_sees_my_watched_tensor_as_a_constant() -> None:
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)

        def other() -> Any:
            own = tf.constant(2.0)
            with tf.GradientTape() as other_tape:
                other_tape.watch(own)
                z = x * own
            return z, other_tape.gradient(z, [own, x])

        z, (d_own, d_x) = _on_thread(other)
        y = z * x
    assert float(d_own) == 3.0 and d_x is None
    assert float(tape.gradient(y, x)) == 6.0  # TF: z = 6 is a constant here, d(6x)/dx
    assert not x.requires_grad


def test_core_api_op_on_a_tapeless_thread_is_recorded_known_limit() -> None:
    """The limit (README, "Differences"): the core API on plain torch tensors never
    passes through the drop-in op layer. While this thread's tape holds `x` flipped,
    torch records `x * x` on another thread too, and the tape cannot tell it from its
    own ops: the result requires grad, and the gradient goes through it (27.0 where
    TF, for whom it would be a constant, gives 9.0). Pinned so a change is noticed."""
    x = torch.tensor(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = _on_thread(lambda: x * x)
        recorded = z.requires_grad
        y = z * x
    grad = tape.gradient(y, x)
    assert recorded
    assert float(grad) == 27.0


def test_a_backward_pass_on_a_tapeless_thread_sees_flipped_inputs_as_they_are() -> None:
    # torch runs the backward of CUDA tensors on a device thread with no tapes; the
    # gradient ops it runs (here `bessel_i1`'s TF gradient, drop-in ops on the saved
    # input) belong to the thread that asked, so they must not see the flipped input
    # detached, or the second derivative loses terms. A helper thread running the
    # backward pass plays the device thread on the CPU.
    x = tf.constant(1.5)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.math.special.bessel_i1(x)
        expected = outer.gradient(inner.gradient(y, x), x)
    out: Dict[str, Any] = {}
    with tf.GradientTape() as tape:
        tape.watch(x)  # the flip a tapeless thread would otherwise see detached
        y = tf.math.special.bessel_i1(x)

        def second_derivative() -> None:
            (g,) = torch.autograd.grad(y, x, create_graph=True)
            (out["h"],) = torch.autograd.grad(g, x)

        worker = threading.Thread(target=second_derivative)
        worker.start()
        worker.join()
    assert abs(float(out["h"]) - float(expected)) < 1e-6, (float(out["h"]), float(expected))
