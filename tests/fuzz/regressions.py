"""Divergences the fuzzer found, shrunk by hand, kept as programs.

Each entry is ``name -> (source, open_reason)``. `tests/test_fuzz.py` runs every
program under real TensorFlow and tftape_torch and compares the answers; an entry
whose `open_reason` is not `None` is a divergence still open (a strict xfail: it must
start passing once fixed, and then its reason is set to `None`).
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

__all__ = ["REGRESSIONS"]

_HEADER = "def program(tf, attempt, leaf, try_stop):\n"


def _program(body: str) -> str:
    lines = body.strip("\n").split("\n")
    return _HEADER + "\n".join("    " + line for line in lines) + "\n"


REGRESSIONS: Dict[str, Tuple[str, Optional[str]]] = {
    "target_is_source_counts_its_seed_once": (_program("""
x = tf.constant([1.0, 2.0])
with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = x * 2.0
return {'y_y': t.gradient(y, y), 'yy_y': t.gradient([y, y], y), 'x_x': t.gradient(x, x)}
"""), None),
    "inner_tape_does_not_see_outer_watch": (_program("""
x = tf.constant(1.0)
with tf.GradientTape() as outer:
    outer.watch(x)
    with tf.GradientTape() as inner:
        y = x * 2.0
    g = inner.gradient(y, x)
return {'g': g}
"""), None),
    "watched_variables_in_creation_order": (_program("""
v = tf.Variable(1.0)
w = tf.Variable(2.0)
with tf.GradientTape() as t:
    t.watch(w)
    t.watch(v)
return {'watched': t.watched_variables()}
"""), None),
    "stop_recording_on_a_spent_tape": (_program("""
x = tf.constant(1.0)
with tf.GradientTape() as t:
    t.watch(x)
    y = x * 2.0
    g = t.gradient(y, x)
return {'g': g, 'stop': try_stop(t)}
"""), None),
    "pruned_custom_op_gives_zeros_not_none": (_program("""
x = tf.constant([-2.0, -1.0])
with tf.GradientTape() as t0:
    t0.watch(x)
    a = tf.identity(x)
b = tf.maximum(a, x)
with tf.GradientTape() as t1:
    t1.watch(x)
    c = b * 2.0
return {'g': attempt(lambda: t1.gradient(c, x))}
"""), None),
    "pruning_runs_and_frees_another_tapes_graph": (_program("""
x = tf.constant([1.0, -2.0])
with tf.GradientTape() as t0:
    t0.watch(x)
    y = tf.sin(x)
with tf.GradientTape() as t1:
    t1.watch(x)
    z = y * 2.0
return {'t1': attempt(lambda: t1.gradient(z, x)), 't0': attempt(lambda: t0.gradient(y, x))}
"""), None),
    "pruning_runs_a_freed_graph": (_program("""
x = tf.constant(0.5)
with tf.GradientTape() as t0:
    t0.watch(x)
    y = tf.cos(x)
g = t0.gradient(y, x)
with tf.GradientTape() as t1:
    t1.watch(x)
    z = y * 2.0
return {'g': g, 't1': attempt(lambda: t1.gradient(z, x))}
"""), None),  # the engine still runs the pruned node cos, whose buffers t0 freed: where no
    # source is reached through recorded nodes, the freed-graph error now gives None
    # Seeds 41 (#244) and 42 (#1509) with --jacobians: the same through a non-persistent
    # tape's gradient inside its context, which frees the graph a later tape prunes.
    "gradient_inside_context_frees_what_a_later_tape_prunes": (_program("""
c = tf.constant([-1.5])
v = tf.Variable([0.0, 1.5, -0.5], trainable=False)
with tf.GradientTape() as t7:
    t7.watch(c)
    a = tf.divide(v, tf.square(c - c) + 1.0)
    g = t7.gradient(a, [v, c])
with tf.GradientTape(persistent=True) as t16:
    t16.watch(c)
    b = tf.reduce_sum([v, a], axis=0)
    s = tf.sigmoid(a)
return {'g': g, 'j': t16.jacobian(b, c, unconnected_gradients='zero'),
        'loop': t16.jacobian(b, c, experimental_use_pfor=False), 'grad': t16.gradient(s, c)}
"""), None),
    # Seed 41 (#1925) with --jacobians: a node another tape recorded and freed lies
    # between the target and a watched intermediate source; the engine runs it (pruned
    # or not) and raised. Our own rules now run the pass on the recorded nodes only.
    "freed_node_above_a_watched_intermediate": (_program("""
c = tf.constant([1.0, 1.5, 2.0], dtype=tf.float64)
with tf.GradientTape() as t0:
    t0.watch(c)
    a = tf.cos(c)
    b = tf.multiply(a, a)
j0 = t0.jacobian(b, c)
with tf.GradientTape(persistent=True) as t1:
    t1.watch(a)
    y = tf.tanh(b * a)
return {'j0': j0, 'j': attempt(lambda: t1.jacobian(y, a)),
        'g': attempt(lambda: t1.gradient(y, a))}
"""), None),
    # Seed 2701 (#127): two sources, one reached through recorded nodes, the other only
    # through the freed node: TF's answer for it is None (zeros here).
    "freed_node_leads_only_to_an_unreached_source": (_program("""
c1 = tf.constant([2.0, 0.5, 1.5], dtype=tf.float64)
c2 = tf.constant([0.0, -2.0, 1.0], dtype=tf.float64)
with tf.GradientTape() as t0:
    t0.watch(c1)
    a = tf.divide(c1, tf.square(c1) + 1.0)
    g = t0.gradient(a, c1)
with tf.GradientTape(persistent=True) as t1:
    t1.watch(a)
    t1.watch(c1)
    y = c2 * (a + 1.0)
return {'g': g, 'j': attempt(lambda: t1.jacobian(y, [a, c1], unconnected_gradients='zero')),
        'grad': attempt(lambda: t1.gradient(y, [a, c1]))}
"""), None),
    # The same with a node our own rules do not cover (lgamma; this used cumsum until
    # the rules covered it): the pass runs again to the sources reached through recorded
    # nodes only, None (zeros) for the other.
    "freed_node_with_a_node_our_rules_do_not_cover": (_program("""
c1 = tf.constant([2.0, 0.5, 1.5], dtype=tf.float64)
c2 = tf.constant([0.0, -2.0, 1.0], dtype=tf.float64)
with tf.GradientTape() as t0:
    t0.watch(c1)
    a = tf.math.cumsum(c1 * c1)
    g = t0.gradient(a, c1)
with tf.GradientTape(persistent=True) as t1:
    t1.watch(a)
    t1.watch(c1)
    y = tf.math.cumsum(c2 * tf.math.lgamma(a + 3.0))
return {'g': g, 'j': attempt(lambda: t1.jacobian(y, [a, c1], unconnected_gradients='zero')),
        'grad': attempt(lambda: t1.gradient(y, [a, c1]))}
"""), None),
    # Seed 2802 (#2090): a freed node below a reversed slice (`FlipBackward0`), which
    # our own rules did not cover, so the freed graph's error stood; they cover it now.
    "freed_node_below_a_reversed_slice": (_program("""
c1 = tf.constant([[2.0], [-1.5]], dtype=tf.float32)
c2 = tf.constant([[-2.0, 1.5, -2.0], [-1.0, -2.0, -1.0]], dtype=tf.float32)
v4 = tf.Variable([0.0], dtype=tf.float32, trainable=True)
with tf.GradientTape() as t5:
    t5.watch(c2)
    a6 = tf.cos(c2)
    a8 = tf.divide(v4, (tf.square(a6) + 1.0))
    a9 = tf.subtract(c1, a8)
a11 = a8[::-1]
g22 = attempt(lambda: t5.gradient(a9, {'k1': v4}))
with tf.GradientTape(persistent=False) as t26:
    t26.watch({'k1': a6})
    a27 = tf.nn.log_softmax(a11)
    a30 = tf.reduce_logsumexp(a6, axis=1, keepdims=True)
    g32 = attempt(lambda: t26.gradient([a30, a27], [a6]))
return {'g22': g22, 'g32': g32}
"""), None),
    # Seed 2702 (#1152): our own rules ran every node below the target when every
    # source was a leaf, even those leading to no source (here: the freed sigmoid).
    "own_rules_run_only_nodes_above_a_source": (_program("""
c1 = tf.constant(-1.5)
c3 = tf.constant(-0.5)
with tf.GradientTape() as t0:
    t0.watch(c3)
    a = tf.sigmoid(c3)
    g = t0.gradient(a, c3)
with tf.GradientTape() as t1:
    t1.watch(c1)
    y = tf.exp(a)
    j = attempt(lambda: t1.jacobian(y, [a, c1], unconnected_gradients='zero'))
return {'g': g, 'j': j}
"""), None),
    "op_on_a_tensor_only_another_tape_watches": (_program("""
x = tf.constant(2.0)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        inner.watch(x)
        y = x * 3.0
    z = y * y
return {'g': attempt(lambda: outer.gradient(z, y))}
"""), None),
    "watch_after_use_of_a_tensor_with_history": (_program("""
x = tf.constant(1.0)
with tf.GradientTape() as t0:
    t0.watch(x)
    y = x * 2.0
with tf.GradientTape() as t1:
    z = y * 3.0
    t1.watch(y)
return {'g': attempt(lambda: t1.gradient(z, y))}
"""), None),
    "watch_a_view_of_a_watched_tensor": (_program("""
a = tf.constant([0.5, 2.0])
b = tf.reshape(a, [2, 1])
with tf.GradientTape() as t:
    t.watch(a)
    t.watch(b)
    y = a * b
return {'g': attempt(lambda: t.gradient(y, [a, b]))}
"""), None),
    "negate_a_variable": (_program("""
v = tf.Variable([1.0, -2.0])
return {'neg': -v}
"""), None),
    "assign_inside_a_tape_watches_the_variable": (_program("""
v = tf.Variable([0.0])
with tf.GradientTape() as t:
    v.assign_add(tf.constant([1.0]))
return {'watched': t.watched_variables()}
"""), None),
    # Seed 13 with --jacobians: our own batching rules ran the nodes below an
    # intermediate source (the gather a spent tape had freed) and raised RuntimeError.
    "jacobian_stops_at_an_intermediate_source": (_program("""
v = tf.Variable([2.0, -0.5, -2.0], dtype=tf.float64)
with tf.GradientTape() as t3:
    a4 = tf.gather(v, [1, 1, 1], axis=0)
    g5 = t3.gradient(a4, v)
a9 = tf.where(v > 0.0, a4, v)
with tf.GradientTape(watch_accessed_variables=False) as t10:
    t10.watch(a9)
    a12 = tf.exp(a9)
    j = t10.jacobian(a12, a9)
with tf.GradientTape(persistent=True) as t11:
    t11.watch(a9)
    b = tf.nn.softmax(a9 * 2.0)
return {'j': j, 'softmax': t11.jacobian(b, a9), 'bj': t11.batch_jacobian(
    tf.reshape(b, [1, 3]), tf.reshape(a9, [1, 3]))}
"""), None),
    # Seed 4202 (#1210) with --jacobians: the freed node is complex, which our own rules
    # do not cover, and the source is reached through it and past it. The tape now runs
    # the recorded nodes alone, one by one (NOTE: [Recorded-only passes]).
    "freed_complex_node_below_a_recorded_subtraction": (_program("""
c3 = tf.constant([(-1+1j), (-1.5+1j), (1+1j)], dtype=tf.complex64)
with tf.GradientTape() as t4:
    t4.watch(c3)
    a5 = tf.square(c3)
j6 = t4.jacobian(a5, c3)
with tf.GradientTape(persistent=True) as t13:
    t13.watch(c3)
    a14 = tf.subtract(c3, a5) * tf.exp(c3)
return {'j6': j6, 'j': attempt(lambda: t13.jacobian(a14, c3)),
        'loop': attempt(lambda: t13.jacobian(a14, c3, experimental_use_pfor=False)),
        'g': attempt(lambda: t13.gradient(a14, c3))}
"""), None),
    # The same through nodes of several outputs (unstack), a custom gradient (a Python
    # node) and a float64 leaf mixed into complex arithmetic (the engine's checks:
    # real parts for a real input), inside a differentiable outer tape.
    "freed_node_below_unstack_and_a_custom_gradient": (_program("""
c = tf.constant([[1.0, -0.5], [2.0, 0.25]], dtype=tf.float64)
@tf.custom_gradient
def twice(v):
    return v * 2.0, lambda dy: dy * 3.0
with tf.GradientTape() as t0:
    t0.watch(c)
    a = tf.square(tf.complex(c, c * 0.5))
g0 = t0.gradient(a, c)
with tf.GradientTape() as outer:
    outer.watch(c)
    with tf.GradientTape() as t1:
        t1.watch(c)
        zc = tf.complex(c, c * 0.5)
        first, second = tf.unstack(twice(zc) - a)
        y = tf.abs(first * tf.cast(c[0], tf.complex128) + second)
    g = attempt(lambda: t1.gradient(y, c))
return {'g0': g0, 'g': g, 'gg': attempt(lambda: outer.gradient(g, c))}
"""), None),
}
