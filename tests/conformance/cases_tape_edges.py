"""Edges of the tape's core semantics against TensorFlow 2.21: unconnected zeros and
shapes of Variables made with `shape=` holding `None` dimensions, `output_gradients`
with a `None` entry, `tf.scan` of no elements, `tf.switch_case`'s argument checks,
`tf.TensorArray.split` (and `concat`'s and unwritten reads' errors), and the
`sparse_read`, `gather_nd` and `batch_scatter_update` methods of `tf.Variable`, and
jacobians of a Variable target (found by the fuzzer, seed 2512).

Found by sweeping control flow, TensorArrays, the tape API and Variable methods under
tapes (eagerly and in `tf.function`) against TF.
Answers live in `golden/cases_tape_edges.json`.
"""

from __future__ import annotations

from tests.conformance.harness import raises


def _partial_variable(tf):
    return tf.Variable([[1.0, 2.0]], shape=tf.TensorShape([None, 2]))


def case_unconnected_zero_variable_with_unknown_dimension(tf):
    """Zeros for an unconnected Variable of declared shape `[None, 2]` crashed
    (torch.zeros of the declared shape); TF gives zeros shaped like its value."""
    v = _partial_variable(tf)
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        y = w * 2.0
    return tape.gradient(y, [v, w], unconnected_gradients=tf.UnconnectedGradients.ZERO)


def case_ops_on_variable_with_unknown_shape(tf):
    """`tf.shape`, `tf.squeeze` and `tf.map_fn` of a Variable of unknown rank or a
    `None` dimension used its declared shape and raised; TF uses the value's."""
    u = tf.Variable([1.0, 2.0, 3.0], shape=tf.TensorShape(None))
    v = _partial_variable(tf)
    return {
        "shape_u": tf.shape(u),
        "shape_v": tf.shape(v),
        "squeeze": tf.squeeze(v, axis=0),
        "map_fn": tf.map_fn(lambda row: row * 2.0, v),
    }


def case_tape_seeds_and_tangents_of_variable_with_unknown_dimension(tf):
    """An output gradient for a Variable target of declared shape `[None, 2]`, and a
    ForwardAccumulator tangent for it, were checked against the declared shape and
    raised (TypeError, ValueError); TF accepts the value's shape."""
    v = _partial_variable(tf)
    with tf.GradientTape() as tape:
        pass
    seeded = tape.gradient(v, v, output_gradients=tf.constant([[3.0, 4.0]]))
    with tf.autodiff.ForwardAccumulator(v, tf.ones([1, 2])) as acc:
        y = v * 3.0
    z = tf.constant(1.0) * 2.0
    return {"seeded": seeded, "jvp": acc.jvp(y),
            "zero_jvp": acc.jvp(v, unconnected_gradients="zero"), "unrelated": acc.jvp(z)}


def case_output_gradients_with_a_none_entry(tf):
    """A `None` entry in `output_gradients` stood for ones (two targets gave [4.0, 6.0])
    or raised torch's RuntimeError (one target); TF raises ValueError."""
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = tf.reduce_sum(x)
    return {
        "one": raises(lambda: tape.gradient(y, x, output_gradients=[None])),
        "second_none": raises(lambda: tape.gradient([y, z], x,
                                                    output_gradients=[tf.ones([2]), None])),
        "first_none": raises(lambda: tape.gradient([y, z], x,
                                                   output_gradients=[None, tf.constant(2.0)])),
        "dict": raises(lambda: tape.gradient({"a": y}, x, output_gradients={"a": None})),
        "whole_none": tape.gradient([y, z], x, output_gradients=None),
    }


def case_scan_of_no_elements_with_initializer(tf):
    """`tf.scan` over a dimension of size 0 with an initializer raised OutOfRangeError;
    TF returns nothing stacked, shaped `[0] + initializer.shape`, per structure leaf."""
    return {
        "vector": tf.scan(lambda a, e: a + e, tf.zeros([0, 2]),
                          initializer=tf.constant([1.0, 2.0])),
        "nested": tf.scan(lambda a, e: (a[0] + e, a[1]), tf.zeros([0]),
                          initializer=(tf.constant(1.0), tf.constant([1, 2]))),
        "python_float": tf.scan(lambda a, e: a + e, tf.zeros([0]), initializer=1.0),
        "no_initializer": raises(lambda: tf.scan(lambda a, e: a + e, tf.zeros([0, 2]))),
    }


def case_switch_case_argument_checks(tf):
    """`tf.switch_case` ran a float index, a vector index and non-contiguous dict keys;
    TF raises TypeError, InvalidArgumentError and ValueError."""
    branches = [lambda: tf.constant(1.0), lambda: tf.constant(2.0)]
    return {
        "float_index": raises(lambda: tf.switch_case(tf.constant(1.0), branches)),
        "vector_index": raises(lambda: tf.switch_case(tf.constant([1]), branches)),
        "gap_in_keys": raises(lambda: tf.switch_case(
            tf.constant(1), {0: branches[0], 2: branches[1]})),
        "empty": raises(lambda: tf.switch_case(tf.constant(0), [])),
        "not_callable": raises(lambda: tf.switch_case(tf.constant(0), [1.0])),
        "pairs": tf.switch_case(tf.constant(1), [(1, branches[1]), (0, branches[0])]),
        "dict": tf.switch_case(tf.constant(0), {1: branches[1], 0: branches[0]}),
        "int64_index": tf.switch_case(tf.constant(1, tf.int64), branches),
        "out_of_range": tf.switch_case(tf.constant(5), branches),
    }


def case_tensor_array_split_and_gradient(tf):
    """`TensorArray.split` was missing (AttributeError)."""
    x = tf.range(5.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        ta = tf.TensorArray(tf.float32, size=2, clear_after_read=False, infer_shape=False)
        ta = ta.split(x * x, [2, 3])
        second = ta.read(1)
        total = tf.reduce_sum(second) + tf.reduce_sum(ta.concat() * 2.0)
    rows = tf.TensorArray(tf.float32, size=2).split(tf.reshape(tf.range(6.0), [3, 2]), [1, 2])
    return {"second": second, "grad": tape.gradient(total, x), "rows": rows.read(1),
            "dynamic_size": tf.TensorArray(tf.float32, size=0, dynamic_size=True)
            .split(tf.range(5.0), [2, 3]).size()}


def case_tensor_array_split_errors(tf):
    """`TensorArray.split` was missing: TF's InvalidArgumentErrors for its arguments."""
    def ta():
        return tf.TensorArray(tf.float32, size=2)
    return {
        "bad_sum": raises(lambda: ta().split(tf.range(5.0), [2, 2])),
        "wrong_count": raises(lambda: tf.TensorArray(tf.float32, size=3)
                              .split(tf.range(5.0), [2, 3])),
        "scalar": raises(lambda: ta().split(tf.constant(1.0), [1, 0])),
        "matrix_lengths": raises(lambda: ta().split(tf.range(5.0), [[2, 3]])),
    }


def case_tensor_array_concat_and_unwritten_errors(tf):
    """`concat` of scalars and of no elements raised torch's errors, and an unwritten
    element of unknown shape InvalidArgumentError; TF raises InvalidArgumentError for
    the first two and ValueError for the last."""
    return {
        "scalars": raises(lambda: tf.TensorArray(tf.float32, size=2)
                          .write(0, 1.0).write(1, 2.0).concat()),
        "none": raises(lambda: tf.TensorArray(tf.float32, size=0).concat()),
        "unwritten_read": raises(lambda: tf.TensorArray(tf.float32, size=2).read(1)),
        "unwritten_stack": raises(lambda: tf.TensorArray(
            tf.float32, size=2, element_shape=[None, 2]).stack()),
        "vectors": tf.TensorArray(tf.float32, size=2, infer_shape=False)
        .write(0, [1.0]).write(1, [2.0, 3.0]).concat(),
    }


def case_variable_sparse_read_and_gather_nd(tf):
    """`Variable.sparse_read` and `Variable.gather_nd` were missing (AttributeError);
    TF's `sparse_read` gradient is IndexedSlices, `gather_nd`'s here dense."""
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape(persistent=True) as tape:
        rows = v.sparse_read([2, 0, 2])
        points = v.gather_nd([[0, 1], [1, 1]])
        a = tf.reduce_sum(rows * tf.constant([[1.0], [2.0], [3.0]]))
        b = tf.reduce_sum(points * points)
    ga, gb = tape.gradient(a, v), tape.gradient(b, v)
    return {"rows": rows, "points": points, "grad_rows": tf.convert_to_tensor(ga),
            "grad_rows_type": type(ga).__name__, "grad_points": tf.convert_to_tensor(gb)}


def case_variable_batch_scatter_update(tf):
    """`Variable.batch_scatter_update` was missing (AttributeError)."""
    m = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    m.batch_scatter_update(tf.IndexedSlices(tf.constant([[9.0, 7.0], [8.0, 0.0]]),
                                            tf.constant([[1, 2], [0, 0]])))
    v = tf.Variable([1.0, 2.0, 3.0])
    v.batch_scatter_update(tf.IndexedSlices(tf.constant([9.0]), tf.constant([2])))
    return {"matrix": m, "vector": v}


def _variable_target_jacobians(tf, watch_accessed_variables, trainable=True):
    v = tf.Variable([[-2.0, 0.5]], trainable=trainable)
    with tf.GradientTape(persistent=True,
                         watch_accessed_variables=watch_accessed_variables) as tape:
        pass
    before = len(tape.watched_variables())
    jacobian = tape.jacobian(v, v)
    batch = tape.batch_jacobian(v, v)
    return {"before": before, "jacobian": jacobian, "batch_jacobian": batch,
            "gradient": tape.gradient(v, v), "watched": len(tape.watched_variables())}


def case_variable_target_jacobian_reads_it(tf):
    """TF's jacobian and batch_jacobian read a Variable target with the tape recording
    (a reshape under `_ensure_recording`): the tape then watches it (trainable, with
    `watch_accessed_variables`) and the jacobian is the identity; ours watched
    nothing."""
    return _variable_target_jacobians(tf, True)


def case_variable_target_jacobian_unwatched(tf):
    """With `watch_accessed_variables=False` (or an untrainable Variable) that read is
    not watched, so TF's jacobian of a Variable with respect to itself is `None` and
    batch_jacobian's zeros; ours gave the identity. `gradient(v, v)` stays ones (TF
    seeds a target that is its source without reading it)."""
    return {"unwatched": _variable_target_jacobians(tf, False),
            "untrainable": _variable_target_jacobians(tf, True, trainable=False)}


def case_variable_target_read_before_argument_checks(tf):
    """TF reads the Variable target before it checks `parallel_iterations`, the sources
    or the row loop, so a call it rejects still leaves the Variable watched."""
    v = tf.Variable([-2.0, 0.0])
    out = {}
    for name, call in (
        ("parallel_iterations", lambda t: t.jacobian(v, v, parallel_iterations=0)),
        ("string_source", lambda t: t.jacobian(v, "x")),
        ("row_loop", lambda t: t.jacobian(v, v, experimental_use_pfor=False)),
    ):
        with tf.GradientTape() as tape:
            pass
        out[name] = [raises(lambda call=call, tape=tape: call(tape)),
                     len(tape.watched_variables())]
    return out


def case_jacobian_reads_of_variable_sources(tf):
    """Found by the fuzzer (seed 9 with jacobians): inside a recording persistent tape,
    TF's row-loop jacobian reads an unconnected Variable source for its zeros (one
    `gradient` per row), and batch_jacobian reads its source (`shape(source)`); the
    tape sees those reads, so the Variable becomes watched. The vectorized jacobian's
    reads happen inside pfor's function, unseen. Ours read none of them."""
    c = tf.constant([[-2.0, 1.0]])
    v = tf.Variable([[1.5, 2.0]])
    frozen = tf.Variable([[1.5, 2.0]], trainable=False)
    out = {}
    for name, call in (
        ("jacobian", lambda t: t.jacobian(c, v, unconnected_gradients="zero")),
        ("jacobian_loop_zero", lambda t: t.jacobian(
            c, v, unconnected_gradients="zero", experimental_use_pfor=False)),
        ("jacobian_loop_none", lambda t: t.jacobian(c, v, experimental_use_pfor=False)),
        ("batch_jacobian", lambda t: t.batch_jacobian(c, v)),
        ("batch_jacobian_untrainable", lambda t: t.batch_jacobian(c, frozen)),
    ):
        with tf.GradientTape(persistent=True) as tape:
            result = call(tape)
        out[name] = [result, len(tape.watched_variables())]
    with tf.GradientTape(persistent=True) as tape:
        pass
    tape.batch_jacobian(c, v)
    out["batch_jacobian_outside"] = len(tape.watched_variables())
    return out


def case_indexed_slices_given_to_a_tape(tf):
    """Found by the fuzzer (seed 12 with jacobians): a row gather's gradient (an
    IndexedSlices) given back to a tape. TF watches its components, densifies it as a
    jacobian's target, and trips over it as a gradient's target or source with an
    AttributeError; ours refused the watch (ValueError), crashed in the jacobian and
    raised TypeError."""
    v = tf.Variable([[-1.0, 0.0, 0.5], [1.0, 2.0, 3.0]])
    with tf.GradientTape(persistent=True) as tape:
        rows = tf.gather(v, [0, 1, 0], axis=0) * 3.0
        slices = tape.gradient(tf.reduce_sum(rows * rows), v)
        hessian = tape.jacobian(slices, v)
        per_row = tape.batch_jacobian(slices, v)
    with tf.GradientTape() as watcher:
        watcher.watch(slices)
        y = slices.values * 2.0
    return {
        "type": type(slices).__name__,
        "hessian": hessian,
        "batch_jacobian": per_row,
        "through_values": watcher.gradient(y, slices.values),
        "as_target": raises(lambda: tape.gradient(slices, v)),
        "as_source": raises(lambda: tape.gradient(rows, slices)),
    }


def case_watch_while_stopped_under_an_outer_tape(tf):
    """A tape that watches a tensor inside its own `stop_recording()`, while an outer
    tape holds the tensor watched: TF watches it anyway, and records only what runs
    once the inner tape records again. Its `gradient()` while stopped reaches the
    leaf through the outer tape's flip (found when that path lost its test)."""
    x = tf.constant(2.0)
    out = {}
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape(persistent=True) as inner:
            with inner.stop_recording():
                inner.watch(x)
                y = x * x
                out["stopped"] = inner.gradient(y, x)
            z = x * x * x
            with inner.stop_recording():
                out["resumed_then_stopped"] = inner.gradient(z, x)
        out["after_inner"] = inner.gradient(z, x)
        out["after_inner_unrecorded"] = inner.gradient(y, x)
    out["outer"] = outer.gradient(z, x)
    return out


def case_indexed_slices_in_operators(tf):
    """Found by the fuzzer (seed 2802, program 699): a gather's gradient (an
    IndexedSlices) as an operand of a tensor's `*`, `+`, `-` and `/`, in either order,
    densifies as TF's conversion protocol does (ours raised TypeError); a Python
    float does not convert it (TypeError in both), and `tf.identity` keeps it an
    IndexedSlices. Under a recording tape the densified operand is differentiable."""
    c = tf.constant([[1.5, 2.0], [3.0, 4.0]])
    w = tf.constant(3.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(w)
        with tf.GradientTape() as inner:
            inner.watch(c)
            rows = tf.gather(c, [0, 0], axis=0) * w
        slices = inner.gradient(rows, c)
        product = c * slices
    same = tf.identity(slices)
    return {
        "type": type(slices).__name__,
        "tensor_times": product,
        "times_tensor": slices * c,
        "tensor_plus": c + slices,
        "plus_tensor": slices + c,
        "tensor_minus": c - slices,
        "tensor_over": c / slices,
        "float_times": raises(lambda: 2.0 * slices),
        "identity_type": type(same).__name__,
        "identity_values": same.values,
        "identity_indices": same.indices,
        "through_densified": outer.gradient(product, w),
    }


def case_gradient_argument_errors_in_tf_order(tf):
    """TF reads every target's and source's dtype first (a string or None raises
    TypeError there, a Python number AttributeError), and trips over arrays and
    IndexedSlices last, when its tape looks up their ids (AttributeError): a bad
    source is reported before such a target (fuzzer, seed 3801, program 244)."""
    import numpy as np

    v = tf.Variable([-1.0, 2.0])
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.gather(v, [0]) * x)
        slices = tape.gradient(y, v)  # IndexedSlices
    calls = {
        "slices_target_string_source": lambda: tape.gradient(slices, "x"),
        "slices_target_number_source": lambda: tape.gradient(slices, 3.0),
        "slices_target": lambda: tape.gradient(slices, x),
        "array_target_string_source": lambda: tape.gradient(np.ones(1), "x"),
        "numpy_scalar_target_string_source": lambda: tape.gradient(np.float32(1.0), "x"),
        "array_source_then_string": lambda: tape.gradient(y, [np.ones(1), "x"]),
        "array_source": lambda: tape.gradient(y, np.ones(1)),
        "number_target_string_source": lambda: tape.gradient(3.0, "x"),
        "string_target_number_source": lambda: tape.gradient("y", 3.0),
        "none_in_targets": lambda: tape.gradient([None, y], x),
    }
    return {name: raises(call) for name, call in calls.items()}


def case_forward_accumulator_on_an_expanded_primal(tf):
    """A primal whose elements share memory (the gradient of a sum is one value
    broadcast; `broadcast_to`'s result): torch cannot copy the tangent into its
    layout, so ours makes the dual on a contiguous copy (fuzzer, seed 3802, program
    579: ours raised InvalidArgumentError)."""
    v = tf.Variable([0.5, 0.5, -1.0])
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(v)
    ones = tape.gradient(total, v)
    with tf.autodiff.ForwardAccumulator(ones, tf.ones_like(ones) * 3.0) as acc:
        squared = tf.square(ones)
        scaled = ones * tf.constant([1.0, 2.0, 3.0])
    wide = tf.broadcast_to(tf.constant([[1.0, 2.0]]), [3, 2])
    with tf.autodiff.ForwardAccumulator(wide, tf.reshape(tf.range(6.0), [3, 2])) as acc2:
        product = wide * wide
    return {"squared": squared, "jvp_squared": acc.jvp(squared), "jvp_scaled": acc.jvp(scaled),
            "product": product, "jvp_product": acc2.jvp(product)}


def case_op_without_a_gradient_that_no_gradient_reaches(tf):
    """`lstsq(fast=False)` has no gradient in TF, but TF calls no gradient function
    where no gradient arrives: through `round` (none), or on a second tape that did
    not record it (pruned). Ours raised TF's ValueError in both."""
    a = tf.constant([[2.0, 0.5], [0.25, 1.0], [1.0, 1.0]])
    b = tf.constant([[1.0], [2.0], [0.5]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a)
        x = tf.linalg.lstsq(a, b, fast=False)
        rounded = tf.reduce_sum(tf.round(x)) + tf.reduce_sum(a * 2.0)
    with tf.GradientTape() as second:
        second.watch(a)
        y = tf.reduce_sum(x * tf.reduce_sum(a, axis=0, keepdims=True))
    try:
        through = tape.gradient(x, a)
    except ValueError as e:
        through = {"error": type(e).__name__, "message": str(e)}
    return {"rounded": tape.gradient(rounded, a), "pruned": second.gradient(y, a),
            "through": through}
