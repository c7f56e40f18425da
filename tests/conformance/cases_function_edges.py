"""Edges of `tf.function` against TensorFlow 2.21: Variable arguments that alias,
returned Variables read at every call, failed traces left uncounted, the check trace
of a function that makes Variables, `input_signature` casting of nested arguments,
fixed defaults and `*args`, concrete functions called with other shapes, Python
values and wrong dtypes, TF's errors for unhashable arguments, unreturnable results
and modified list arguments, nested spec names, and errors at replay.

Found by a differential sweep of several hundred small `tf.function` programs run
under TF and under tftape_torch. Answers live in `golden/cases_function_edges.json`.
These cases are about `tf.function` itself: they are not run inside another one
(the module is in `NO_FUNCTION_MODE`).
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises


def case_variable_arguments_that_alias_retrace(tf):
    """A trace made for `f(v, v)` wrote back to the wrong Variable when reused for
    `f(v, w)`; TF traces again (its VariableSpecs carry alias ids)."""
    @tf.function
    def f(a, b):
        a.assign_add(1.0)
        return a + b

    v, w = tf.Variable(1.0), tf.Variable(1.0)
    first = f(v, v)
    after_first = v.numpy()
    second = f(v, w)
    return {"first": first, "v1": after_first, "second": second, "v2": v.numpy(),
            "w": w.numpy(), "count": f.experimental_get_tracing_count()}


def case_returned_variable_is_read_at_every_call(tf):
    """A returned Variable was read once, after the trace: later calls returned the
    stale value."""
    v = tf.Variable(3.0)

    @tf.function
    def f():
        return v, {"v": v}

    first = f()
    v.assign(4.0)
    return [first, f()]


def case_failed_trace_is_not_counted(tf):
    @tf.function
    def f(x, fail):
        if fail:
            raise KeyError("k")
        return x * 2.0

    a = raises(lambda: f(tf.constant(1.0), True))
    b = f(tf.constant(1.0), False)
    c = raises(lambda: f(tf.constant(1.0), True))
    return {"a": a, "b": b, "c": c, "count": f.experimental_get_tracing_count()}


def case_variable_creating_trace_counts_its_check_trace(tf):
    holder = []

    @tf.function
    def f(x):
        if not holder:
            holder.append(tf.Variable(2.0))
        return holder[0] * x

    counts = []
    for x in (tf.constant(1.0), tf.constant(3.0), tf.constant([1.0, 2.0])):
        f(x)
        counts.append(f.experimental_get_tracing_count())
    return counts


def case_input_signature_nested_casts(tf):
    pair_spec = (tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32))

    @tf.function(input_signature=[pair_spec])
    def f(pair):
        return pair[0] + pair[1]

    @tf.function(input_signature=[{"a": tf.TensorSpec([], tf.float32),
                                   "b": tf.TensorSpec([None], tf.float32)}])
    def g(d):
        return d["a"] + tf.reduce_sum(d["b"])

    return {
        "tuple": f((1.0, 2.0)),
        "list_for_tuple": raises(lambda: f([tf.constant(1.0), tf.constant(2.0)])),
        "length": raises(lambda: f((1.0, 2.0, 3.0))),
        "dict": [g({"a": 1.0, "b": [1.0, 2.0]}), g({"a": 2.0, "b": [3.0]})],
        "dict_count": g.experimental_get_tracing_count(),
        "missing_key": raises(lambda: g({"a": tf.constant(1.0)})),
    }


def case_input_signature_fixes_later_defaults(tf):
    def h(x, y=2):
        return x * y

    f = tf.function(h, input_signature=[tf.TensorSpec([], tf.float32)])
    return {
        "default": f(tf.constant(1.5)),
        "same": f(tf.constant(1.5), 2),
        "other": raises(lambda: f(tf.constant(1.5), 3)),
        "no_default": raises(lambda: tf.function(
            lambda x, y: x, input_signature=[tf.TensorSpec([])])(tf.constant(1.0), 2)),
    }


def case_input_signature_with_varargs(tf):
    @tf.function(input_signature=[tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.int32)])
    def f(*args):
        return args[0] * tf.cast(args[1], tf.float32)

    return {
        "call": f(tf.constant(1.5), tf.constant(2)),
        "python": f(2.0, 3),
        "missing": raises(lambda: f(tf.constant(1.0))),
        "three": raises(lambda: f(1.0, 2, 3)),
        "keywords": raises(lambda: f(args_0=1.0, args_1=2)),
        "signature": f.get_concrete_function().pretty_printed_signature(),
    }


def case_method_with_input_signature(tf):
    class M(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def f(self, x):
            return x * 2.0

    m = M()
    results = [m.f(tf.constant([1.0])), m.f(tf.constant([1.0, 2.0]))]
    return {"results": results, "count": m.f.experimental_get_tracing_count(),
            "signature": str(m.f.get_concrete_function().structured_input_signature)}


def case_concrete_function_of_input_signature_is_shared(tf):
    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
    def f(x):
        return x + 1

    a = f.get_concrete_function()
    b = f.get_concrete_function(tf.TensorSpec([2], tf.int32))

    @tf.function
    def g(x):
        return x

    c = g.get_concrete_function(tf.TensorSpec([None], tf.float32))
    d = g.get_concrete_function(tf.TensorSpec([2], tf.float32))
    return {"same": a is b, "relaxed": c is d, "f": f.experimental_get_tracing_count(),
            "g": g.experimental_get_tracing_count()}


def case_concrete_function_calls(tf):
    """A concrete function converts Python values, runs other shapes and refuses
    other dtypes (InvalidArgumentError), as TF's does."""
    @tf.function
    def f(x, n=3):
        return x * n

    c = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    return {
        "list": c([1.0, 2.0], 3),
        "list_flat": raises(lambda: c([1.0, 2.0])),
        "rank": c(tf.constant(2.0)),
        "numpy": c(np.array([1.0, 2.0], np.float32), 3),
        "numpy_flat": raises(lambda: c(np.array([1.0, 2.0], np.float32))),
        "keyword": c(x=tf.constant([1.0])),
        "same_literal": c(tf.constant([1.0]), 3),
        "dtype": raises(lambda: c(tf.constant([1, 2]))),
        "float64": raises(lambda: c(tf.constant([1.0], tf.float64))),
        "literal": raises(lambda: c(tf.constant([1.0]), 4)),
        "none": raises(lambda: c(None)),
        "too_many": raises(lambda: c(tf.constant([1.0]), 3, 4)),
    }


def case_concrete_function_flat_call_of_nested_arguments(tf):
    @tf.function
    def f(pair, d):
        return pair[0] + pair[1] * d["k"]

    c = f.get_concrete_function(
        (tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32)),
        {"k": tf.TensorSpec([], tf.float32)})
    return {
        "nested": c((tf.constant(1.0), tf.constant(2.0)), {"k": tf.constant(3.0)}),
        "flat": c(tf.constant(1.0), tf.constant(2.0), tf.constant(3.0)),
        "signature": str(c.structured_input_signature),
    }


def case_concrete_function_traces_without_running(tf):
    """`get_concrete_function(v)` with a Variable ran the assignment; TF only traces."""
    @tf.function
    def f(v):
        v.assign_add(1.0)
        return v.read_value()

    a = tf.Variable(1.0)
    c = f.get_concrete_function(a)
    before = a.numpy()
    result = c(a)
    return [before, result, a.numpy()]


def case_pretty_printed_varargs_and_keywords(tf):
    @tf.function
    def f(a, b=1, *args, c=2, **kw):
        return a

    f(tf.constant(1.0), 2, tf.constant(3.0), 4, c=5, z=tf.constant(1), y=3)
    return f.pretty_printed_concrete_signatures()


def case_named_specs_in_signatures(tf):
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="inp")])
    def f(x):
        return tf.reduce_sum(x)

    f(tf.ones([3, 2]))

    @tf.function
    def g(x, n=2):
        return x * n

    c = g.get_concrete_function(tf.TensorSpec([2], tf.float32, name="zz"))
    return {"f": f.pretty_printed_concrete_signatures(),
            "g": str(c.structured_input_signature)}


def case_unhashable_arguments_raise(tf):
    class Box:
        __hash__ = None

        def __init__(self, k):
            self.k = k

    f = tf.function(lambda b, x: x * b.k)
    g = tf.function(lambda s: len(s))
    return {"object": raises(lambda: f(Box(2.0), tf.constant(1.0))),
            "set": raises(lambda: g({1, 2})),
            "count": f.experimental_get_tracing_count()}


def case_returned_values_a_graph_cannot_hold(tf):
    @tf.function
    def dtype(x):
        return x.dtype

    @tf.function
    def array(x):
        return np.array([1.0, 2.0]), x

    return {"dtype": raises(lambda: dtype(tf.constant(1.0))),
            "array": array(tf.constant(1.0))}


def case_modified_list_argument_raises(tf):
    @tf.function
    def f(items):
        items.append(1)
        return tf.constant(len(items))

    @tf.function
    def g(d):
        d["x"] = d["x"] * 2.0
        return d["x"]

    items = [tf.constant(1.0)]
    d = {"x": tf.constant(1.0)}
    return {"list": raises(lambda: f(items)), "length": len(items),
            "dict": raises(lambda: g(d)), "value": d["x"],
            "count": f.experimental_get_tracing_count()}


def case_kernel_error_at_a_later_call(tf):
    """An op failing when the captured graph runs (not while tracing) raised torch's
    IndexError; TF's graph execution raises InvalidArgumentError."""
    @tf.function
    def f(x, i):
        return tf.gather(x, i)

    first = f(tf.constant([1.0, 2.0, 3.0]), tf.constant(1))
    return {"first": first,
            "later": raises(lambda: f(tf.constant([1.0, 2.0, 3.0]), tf.constant(5)))}


def case_init_scope_executes_eagerly(tf):
    seen = []

    @tf.function
    def f(x):
        with tf.init_scope():
            seen.append((tf.executing_eagerly(), tf.inside_function()))
        seen.append((tf.executing_eagerly(), tf.inside_function()))
        return x

    f(tf.constant(1.0))
    return seen


def case_python_literals_that_compare_equal_share_a_trace(tf):
    traced = []

    @tf.function
    def f(x):
        traced.append(x)
        return x

    results = [f(v) for v in (1, 1.0, True, 2, 2.0, 0, False, None)]
    return {"results": results, "traced": traced, "count": f.experimental_get_tracing_count()}
