"""`tf.function` (issue 15): the capture is what runs, `tf.print`, warnings, and the
conformance cases of `cases_function` again with `jit_compile=True`.

The compiled run of every case takes minutes on a small machine (one Inductor
compile per function): it runs when `TFTAPE_JIT_TESTS=1`; one compiled training step
always runs.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from typing import Any

import pytest
import torch

import tftape_torch as tf
from tests.conformance import cases_function, harness, record
from tftape_torch import _state


def test_later_calls_run_the_capture_not_the_python() -> None:
    calls = []

    @tf.function
    def f(x: Any) -> Any:
        calls.append(1)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        return tape.gradient(y, x)

    assert [float(f(tf.constant(v))) for v in (1.0, 2.0, 3.0)] == [2.0, 4.0, 6.0]
    assert len(calls) == 1


def test_tf_print_prints_at_every_call_with_tfs_formatting() -> None:
    @tf.function
    def f(x: Any) -> Any:
        tf.print("exec", x, 2, output_stream=sys.stdout)
        return x

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        f(tf.constant(1.0))
        f(tf.constant(2.5))
        f(tf.constant([1.0, 2.0]))
        tf.print("a", tf.constant([1.0, 2.0]), {"k": tf.constant(1)}, [1, 2],
                 output_stream=sys.stdout)
        tf.print(tf.range(20), output_stream=sys.stdout)
        tf.print(tf.constant([[1.5, 2], [3, 4]]), tf.constant(True), sep="|", end="!\n",
                 output_stream=sys.stdout)
    # What TF 2.21 prints for the same calls.
    assert out.getvalue() == (
        "exec 1 2\nexec 2.5 2\nexec [1 2] 2\na [1 2] {'k': 1} [1, 2]\n"
        "[0 1 2 ... 17 18 19]\n[[1.5 2]\n [3 4]]|1!\n"
    )


def test_uncapturable_function_warns_once_and_stays_right() -> None:
    @tf.function
    def f(x: Any) -> Any:
        return x * 2 if x > 0 else -x

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = [float(f(tf.constant(v))) for v in (3.0, -1.0, -4.0, 5.0)]
    assert values == [6.0, 1.0, 4.0, 10.0]
    assert len(caught) == 1 and "runs eagerly" in str(caught[0].message)


def test_uncapturable_function_returns_tensors_at_every_call() -> None:
    # intro_to_graphs: `return 0` from an `if` on a tensor's value. TF returns the
    # tensor 0 (int32) at every call; the calls after the first used to return the int.
    @tf.function
    def relu_by_if(x: Any) -> Any:
        if tf.greater(x, 0):
            return x
        return 0

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = [relu_by_if(tf.constant(v)) for v in (1, -1, -2, 3)]
    assert all(isinstance(r, tf.Tensor) for r in results)
    assert [r.dtype for r in results] == [tf.int32] * 4
    assert [int(r) for r in results] == [1, 0, 0, 3]


def test_spec_trace_leaves_variables_alone() -> None:
    v = tf.Variable(1.0)

    @tf.function
    def f(x: Any) -> Any:
        v.assign_add(1.0)
        return x + v

    f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    assert float(v) == 1.0
    assert f(tf.constant([1.0])).numpy().tolist() == [3.0]
    assert float(v) == 2.0


def test_compiled_training_step_matches_eager() -> None:
    def build() -> Any:
        w = tf.Variable([[0.5], [-0.5]])
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]])

        def step() -> Any:
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.square(tf.matmul(x, w)))
            w.assign_sub(0.01 * tape.gradient(loss, w))
            return loss

        return step, w

    eager, w_eager = build()
    compiled, w_compiled = build()
    compiled = tf.function(compiled, jit_compile=True)
    for _ in range(3):
        assert abs(float(eager()) - float(compiled())) < 1e-4
    assert abs(w_eager.numpy() - w_compiled.numpy()).max() < 1e-5


GOLDEN = record.load_golden("cases_function") or {}
KNOWN = record.known_differences()


@pytest.mark.skipif(os.environ.get("TFTAPE_JIT_TESTS") != "1",
                    reason="compiles every case with Inductor: set TFTAPE_JIT_TESTS=1")
@pytest.mark.parametrize("name, fn", record.cases_of(cases_function))
def test_case_with_jit_compile(name: str, fn: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    if ("cases_function", name) in KNOWN:
        pytest.skip("known difference")
    monkeypatch.setattr(cases_function, "JIT", {"jit_compile": True})
    result, error = harness.execute(fn, tf)
    actual = ({"error": type(error).__name__} if error is not None
              else {"result": harness.canonical(result, tf)})
    harness.compare(GOLDEN[name], actual, rtol=1e-4, atol=1e-5)


def test_nested_functions_print_and_compute_at_every_call() -> None:
    @tf.function
    def inner(x: Any) -> Any:
        tf.print("inner", x, output_stream=sys.stdout)
        return x * 2

    @tf.function
    def outer(x: Any) -> Any:
        return inner(x) + 1

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        inner(tf.constant(1.0))
        values = [float(outer(tf.constant(v))) for v in (2.0, 3.0)]
    assert values == [5.0, 7.0]
    assert out.getvalue() == "inner 1\ninner 2\ninner 3\n"


def test_benchmark_quick_run_without_tf_and_jit() -> None:
    from benchmarks import bench_function

    table = bench_function.run(quick=True, use_tf=False, jit=False,
                               names=["seed_chain", "hessian"], rounds=2)
    assert "| hessian | ours function |" in table


def test_concrete_function_graph_lists_the_captured_ops() -> None:
    @tf.function
    def affine(x: Any, v: Any) -> Any:
        return x * v + 1.0

    v = tf.Variable([2.0, 3.0])
    concrete = affine.get_concrete_function(tf.constant([1.0, 1.0]), v)
    nodes = concrete.graph.as_graph_def().node
    ops = [node.op for node in nodes]
    assert ops[0] == "Placeholder" and ops[-1] == "Identity"
    assert "aten.mul.Tensor" in ops and "aten.add.Tensor" in ops
    names = {node.name for node in nodes}
    for node in nodes:  # every input names an earlier node
        assert set(node.input) <= names
    assert concrete.graph.get_operations() == nodes


def test_concrete_function_of_an_eager_fallback_has_no_graph() -> None:
    @tf.function
    def branchy(x: Any) -> Any:
        if float(tf.reduce_sum(x)) > 0:  # a tensor value decides: not capturable
            return x * 2.0
        return x

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        concrete = branchy.get_concrete_function(tf.constant([1.0]))
        with pytest.raises(ValueError, match="no graph"):
            concrete.graph  # noqa: B018 - the property raises


def test_recursion_on_the_signature_being_traced_raises_staging_error() -> None:
    @tf.function
    def count_down(n):  # type: ignore[no-untyped-def]
        if n > 0:
            return count_down(n - 1)
        return 1

    with pytest.raises(Exception) as caught:
        count_down(tf.constant(5))
    assert type(caught.value).__name__ == "StagingError"  # TF's class name
    assert "calls itself" in str(caught.value)
    assert not _state.THREAD.traces  # the trace stack is clean again

    levels = []

    @tf.function
    def by_python_int(n):  # type: ignore[no-untyped-def]
        levels.append(n)
        return by_python_int(n - 1) if n > 0 else tf.constant(1)

    assert int(by_python_int(3)) == 1  # a new signature per level: traces, as in TF
    assert levels == [3, 2, 1, 0]

    @tf.function
    def by_shape(x):  # type: ignore[no-untyped-def]
        return by_shape(tf.reduce_sum(x)) * 2.0 if x.shape.rank else x + 1.0

    assert float(by_shape(tf.constant([1.0, 2.0]))) == 8.0  # (3 + 1) * 2


def test_function_that_made_variables_is_checked_by_a_second_run_that_changes_nothing(
        capsys: pytest.CaptureFixture[str]) -> None:
    class Counter(tf.Module):
        def __init__(self) -> None:
            self.count: Any = None
            self.slots = torch.zeros(2)

        @tf.function
        def __call__(self, step):  # type: ignore[no-untyped-def]
            print("tracing")
            tf.print("running")
            if self.count is None:
                self.count = tf.Variable(0.0)
            self.count.assign_add(step)
            self.slots.add_(1.0)  # torch state written in place
            return self.count + tf.random.uniform([])

    counter = Counter()
    tf.random.set_seed(None)  # unseeded: tf.random draws on torch's default generator
    torch.manual_seed(0)
    counter(tf.constant(1.0))
    after_first = torch.rand(())
    out = capsys.readouterr()
    assert out.out == "tracing\ntracing\n"  # TF traces twice, as here
    assert out.err == "running\n"  # the check run's tf.print prints nothing
    assert float(counter.count) == 1.0
    assert counter.slots.tolist() == [1.0, 1.0]
    torch.manual_seed(0)
    torch.rand(())  # the function drew one number: the check run's draw was undone
    assert torch.equal(torch.rand(()), after_first)
    counter(tf.constant(2.0))
    assert float(counter.count) == 3.0 and counter.slots.tolist() == [2.0, 2.0]

    tf.random.set_seed(3)  # seeded: this thread's generators are restored too
    Counter()(tf.constant(0.0))
    after = tf.random.uniform([])
    tf.random.set_seed(3)
    tf.random.uniform([])  # the one draw of the function's first run
    expected = tf.random.uniform([])
    tf.random.set_seed(None)
    assert float(after) == float(expected)

    @tf.function
    def makes_a_variable_at_every_call(x):  # type: ignore[no-untyped-def]
        return tf.Variable(x) * 2.0

    with pytest.raises(ValueError, match="singleton tf.Variables"):
        makes_a_variable_at_every_call(tf.constant(1.0))
    assert not _state.THREAD.traces


def test_tensors_leaked_out_of_a_trace_are_symbolic_as_in_tf() -> None:
    leaked = {}

    @tf.function
    def leaky(a):  # type: ignore[no-untyped-def]
        leaked["sum"] = a + 1
        leaked["const"] = tf.constant(5.0)  # computed from no input: a graph constant
        return leaked["sum"]

    kept = leaky(tf.constant(1))
    assert int(kept.numpy()) == 2  # what the call returned is a value
    assert kept is not leaked["sum"]  # TF returns a new tensor, not the graph's
    with pytest.raises(AttributeError, match="SymbolicTensor"):
        leaked["sum"].numpy()
    assert int(leaky(tf.constant(4)).numpy()) == 5  # later calls replay the graph

    @tf.function
    def uses_leaked(b):  # type: ignore[no-untyped-def]
        return b + leaked["sum"]

    with pytest.raises(TypeError, match="out of scope"):
        uses_leaked(tf.constant(2))
    assert not _state.THREAD.traces

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:  # the returned view keeps the gradient path
        tape.watch(x)
        y = tf.function(lambda v: v * v)(x)
    assert float(tape.gradient(y, x)) == 6.0


def test_symbolic_gradients_are_refused_inside_a_function_too() -> None:
    """TF differentiates a graph symbolically inside `tf.function`; a trace here runs the
    Python eagerly, so `tf.gradients` raises TF's RuntimeError there too, pointing at
    the tape, and the tape inside the function still works."""

    @tf.function
    def symbolic(x: Any) -> Any:
        return tf.gradients(x * x, x)

    with pytest.raises(RuntimeError, match="Use tf.GradientTape instead.*inside it either"):
        symbolic(tf.constant(3.0))

    @tf.function
    def taped(x: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        return tape.gradient(y, x)

    assert float(taped(tf.constant(3.0))) == 6.0


def test_retrace_of_an_aliased_variable_call_writes_the_right_variable() -> None:
    # A trace for f(v, v) reused for f(v, w) once wrote `a`'s update into `w`.
    @tf.function
    def f(a: Any, b: Any) -> Any:
        a.assign_add(1.0)
        return a + b

    v, w = tf.Variable(1.0), tf.Variable(1.0)
    f(v, v)
    f(v, w)
    f(v, w)  # the cached (fast) path
    assert (float(v.numpy()), float(w.numpy())) == (4.0, 1.0)
    assert f.experimental_get_tracing_count() == 2


def test_failed_trace_leaves_no_concrete_function_behind() -> None:
    @tf.function
    def f(x: Any) -> Any:
        raise ValueError("boom")

    for _ in range(2):
        with pytest.raises(ValueError, match="boom"):
            f(tf.constant(1.0))
    assert f.experimental_get_tracing_count() == 0
    assert f.pretty_printed_concrete_signatures() == ""


_C = tf.constant

#: Ops that take a shape, an axis, a seed, a count or a permutation from a tensor, which
#: they read with `tolist()`/`numpy()`; called with two values of that tensor (same
#: shape, so one trace), each call must answer as the same call run eagerly.
_VALUE_READS = {
    "reshape": (lambda x, s: tf.reshape(x, s), (_C([1, 2, 3, 4]), _C([2, 2])),
                (_C([1, 2, 3, 4]), _C([4, 1]))),
    "one_hot_depth": (lambda d: tf.one_hot([0, 1], d), (_C(3),), (_C(4),)),
    "slice_begin": (lambda x, b: tf.slice(x, b, [1]), (_C([1, 2, 3]), _C([0])),
                    (_C([1, 2, 3]), _C([2]))),
    "tile": (lambda x, m: tf.tile(x, m), (_C([1, 2]), _C([2])), (_C([1, 2]), _C([3]))),
    "roll": (lambda x, s: tf.roll(x, s, 0), (_C([1, 2, 3]), _C(1)), (_C([1, 2, 3]), _C(2))),
    "pad": (lambda x, p: tf.pad(x, p), (_C([1, 2]), _C([[1, 0]])), (_C([1, 2]), _C([[0, 2]]))),
    "transpose": (lambda x, p: tf.transpose(x, p), (_C([[1, 2]]), _C([0, 1])),
                  (_C([[1, 2]]), _C([1, 0]))),
    "reduce_sum_axis": (lambda x, a: tf.reduce_sum(x, a), (_C([[1, 2], [3, 4]]), _C(0)),
                        (_C([[1, 2], [3, 4]]), _C(1))),
    "zeros": (lambda d: tf.zeros(d), (_C([2]),), (_C([3]),)),
    "stateless_uniform_seed": (lambda s: tf.random.stateless_uniform([2], seed=s),
                               (_C([1, 2]),), (_C([3, 4]),)),
    "bincount": (lambda x: tf.math.bincount(x), (_C([1, 1]),), (_C([2, 0]),)),
    "resize": (lambda s: tf.shape(tf.image.resize(tf.ones([1, 4, 4, 1]), s)),
               (_C([2, 2]),), (_C([3, 3]),)),
}


@pytest.mark.parametrize("name", sorted(_VALUE_READS))
def test_values_read_in_python_are_not_replayed_stale(name: str) -> None:
    fn, first, second = _VALUE_READS[name]
    traced = tf.function(fn)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the function runs eagerly, with a warning
        got = [traced(*first), traced(*second)]
    want = [fn(*first), fn(*second)]
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        assert bool(tf.reduce_all(g == w))


def test_an_iterator_advances_at_every_call_of_a_function() -> None:
    iterator = iter(tf.data.Dataset.range(3))

    @tf.function
    def take() -> Any:
        return next(iterator)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert [int(take()) for _ in range(3)] == [0, 1, 2]


def test_shape_reads_keep_the_function_captured() -> None:
    """Values read from shapes (fixed within a trace) are no reason to run eagerly."""

    @tf.function
    def f(x: Any) -> Any:
        return tf.reduce_sum(tf.reshape(x, [tf.shape(x)[0], -1]) + tf.zeros(tf.shape(x)))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert float(f(tf.ones([2, 3]))) == 6.0 and float(f(tf.ones([2, 3]) * 2)) == 12.0
    assert f.experimental_get_tracing_count() == 1


@pytest.mark.parametrize("jit_compile", [False, True])
def test_cond_on_a_python_bool_inside_a_function_is_refused_as_in_tf(jit_compile: bool) -> None:
    """TF 2.21: `tf.cond(True, ...)` in a tf.function raises
    TypeError('pred must not be a Python bool', True); eagerly it picks the branch."""

    @tf.function(jit_compile=jit_compile)
    def f(x: Any) -> Any:
        return tf.cond(True, lambda: x + 1.0, lambda: x - 1.0)

    for _ in range(2):  # a failed trace leaves nothing behind: the next call raises too
        with pytest.raises(TypeError) as caught:
            f(tf.constant(1.0))
        assert caught.value.args == ("pred must not be a Python bool", True)
    assert int(tf.cond(True, lambda: tf.constant(1), lambda: tf.constant(2))) == 1

    @tf.function(jit_compile=jit_compile)
    def g(x: Any) -> Any:
        return tf.cond(tf.constant(True), lambda: x + 1.0, lambda: x - 1.0)

    assert float(g(tf.constant(1.0))) == 2.0
