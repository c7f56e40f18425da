"""tf.distribute with one replica against TensorFlow 2.21: the default strategy,
`OneDeviceStrategy("/cpu:0")` and `MirroredStrategy()` (one CPU replica when recorded).

Strategy and replica contexts (`get_strategy`, `has_strategy`,
`in_cross_replica_context`, `get_replica_context`, `experimental_set_strategy`),
`num_replicas_in_sync`, Variables made under `strategy.scope()`, `strategy.run`,
`reduce`, `experimental_local_results`, `gather`, `experimental_distribute_dataset`,
`distribute_datasets_from_function` and its `InputContext`, `ReduceOp`,
`ReplicaContext.all_reduce`, `tf.nn.compute_average_loss` and a custom training loop
in the style of TF's distributed custom-training guide. Answers live in
`golden/cases_distribute.json`.

Every value case loops over the three strategies and keys its answers by
"default", "one_device" and "mirrored". Error classes and other string answers sit in
their own cases (strings keep a case out of function mode) so that the value cases run
there too.
"""

from __future__ import annotations

import weakref

import numpy as np

from tests.conformance.harness import raises as _raises

#: Under `tf.device('/GPU:0')` (the CUDA run) `OneDeviceStrategy("/cpu:0")` still
#: places its variables and runs its replica on the CPU, as TF's does: results on the
#: CPU are right here (`tests/test_conformance.py` reads this).
RESULTS_MAY_BE_ON_CPU = True

#: Strategies per `tf` object, for traces of a case body (see `_strategies`).
_TRACED_STRATEGIES = weakref.WeakKeyDictionary()


def _strategies(tf):
    """The three single-replica strategies, by name.

    Made afresh in eager mode. Under `tf.function` (function mode) TF traces a body that
    makes Variables twice and the harness hands the second trace the Variables of the
    first; a MirroredVariable belongs to the MirroredStrategy it was made under, so the
    traces of one case share their strategies (as real code, which makes its strategy
    once, does).
    """
    if not tf.executing_eagerly():
        try:
            return _TRACED_STRATEGIES[tf]
        except (KeyError, TypeError):
            pass
    made = {
        "default": tf.distribute.get_strategy(),
        "one_device": tf.distribute.OneDeviceStrategy("/cpu:0"),
        "mirrored": tf.distribute.MirroredStrategy(),
    }
    if not tf.executing_eagerly():
        try:
            _TRACED_STRATEGIES[tf] = made
        except TypeError:
            pass
    return made


def _each(tf, per_strategy):
    """`per_strategy(tf, s)` for each of the three strategies, by name."""
    return {name: per_strategy(tf, s) for name, s in _strategies(tf).items()}


def _context(tf):
    """What the context functions say where this is called."""
    rc = tf.distribute.get_replica_context()
    return {
        "has_strategy": tf.distribute.has_strategy(),
        "in_cross_replica_context": tf.distribute.in_cross_replica_context(),
        "replica_context_is_none": rc is None,
        "num_replicas_in_sync": tf.distribute.get_strategy().num_replicas_in_sync,
    }


# ---------------------------------------------------------------------------
# Contexts


def case_distribute_default_context(tf):
    s = tf.distribute.get_strategy()
    rc = tf.distribute.get_replica_context()
    return {
        "context": _context(tf),
        "same_object": tf.distribute.get_strategy() is s,
        "num_replicas_in_sync": s.num_replicas_in_sync,
        "replica_id_in_sync_group": rc.replica_id_in_sync_group,
        "replica_num_replicas_in_sync": rc.num_replicas_in_sync,
        "replica_context_strategy_is_default": rc.strategy is s,
    }


def case_distribute_isinstance(tf):
    out = {}
    for name, s in _strategies(tf).items():
        out[name] = {
            "strategy": isinstance(s, tf.distribute.Strategy),
            "extended": isinstance(s.extended, tf.distribute.StrategyExtended),
            "num_replicas_in_sync": s.num_replicas_in_sync,
        }
    return out


def case_distribute_scope_context(tf):
    out = {}
    for name, s in _strategies(tf).items():
        with s.scope() as entered:
            inside = _context(tf)
            inside["get_strategy_is_strategy"] = tf.distribute.get_strategy() is s
            inside["scope_returns_strategy"] = entered is s
            with s.scope():
                inside["nested_same_has_strategy"] = tf.distribute.has_strategy()
        after = _context(tf)
        after["get_strategy_is_strategy"] = tf.distribute.get_strategy() is s
        out[name] = {"inside": inside, "after": after}
    return out


def _run_context(tf, s):
    def probe():
        rc = tf.distribute.get_replica_context()
        ctx = _context(tf)
        ctx["replica_id_in_sync_group"] = rc.replica_id_in_sync_group
        ctx["replica_num_replicas_in_sync"] = rc.num_replicas_in_sync
        ctx["replica_context_strategy_is_strategy"] = rc.strategy is s
        ctx["get_strategy_is_strategy"] = tf.distribute.get_strategy() is s
        return ctx

    plain = s.run(probe)
    with s.scope():
        scoped = s.run(probe)
    return {"run": plain, "run_in_scope": scoped}


def case_distribute_run_context(tf):
    return _each(tf, _run_context)


def case_distribute_experimental_set_strategy(tf):
    s = tf.distribute.OneDeviceStrategy("/cpu:0")
    tf.distribute.experimental_set_strategy(s)
    try:
        set_ = _context(tf)
        set_["get_strategy_is_strategy"] = tf.distribute.get_strategy() is s
        ran = s.run(lambda: tf.distribute.get_replica_context().replica_id_in_sync_group)
    finally:
        tf.distribute.experimental_set_strategy(None)
    return {"set": set_, "run": ran, "unset": _context(tf)}


# ---------------------------------------------------------------------------
# Variables under scope


def case_distribute_scope_variables(tf):
    out = {}
    for name, s in _strategies(tf).items():
        with s.scope():
            w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
            b = tf.Variable(0.5, trainable=False)
            c = tf.Variable([1, 2, 3], dtype=tf.int64)
        w_first = tf.identity(w)
        w.assign_sub(tf.constant([[0.5, 0.5], [0.5, 0.5]]))
        b.assign_add(1.0)
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(w * w) + b
        g = tape.gradient(y, w)
        out[name] = {
            "w_first": w_first,
            "w": tf.convert_to_tensor(w),
            "b": tf.convert_to_tensor(b),
            "c": tf.convert_to_tensor(c),
            "w_plus_one": w + 1.0,
            "trainable": [w.trainable, b.trainable, c.trainable],
            "shape": w.shape.as_list(),
            "dtype_is_float32": w.dtype == tf.float32,
            "grad": g,
            "local_results": [tf.convert_to_tensor(v) for v in s.experimental_local_results(w)],
            "local_results_len": len(s.experimental_local_results(w)),
        }
    return out


def _variable_assign_in_run(tf, s):
    with s.scope():
        v = tf.Variable(1.0)

    def step(x):
        v.assign_add(x)
        return v.read_value()

    first = s.run(step, args=(tf.constant(2.0),))
    second = s.run(step, args=(tf.constant(3.0),))
    return {"first": first, "second": second, "final": tf.convert_to_tensor(v)}


def case_distribute_variable_assign_in_run(tf):
    return _each(tf, _variable_assign_in_run)


# ---------------------------------------------------------------------------
# run


def case_distribute_run_values(tf):
    out = {}
    for name, s in _strategies(tf).items():

        def fn(x, y=1.0):
            return x * 2.0 + y

        out[name] = {
            "args_kwargs": s.run(fn, args=(tf.constant([1.0, 2.0]),), kwargs={"y": 3.0}),
            "args_only": s.run(fn, args=(tf.constant([1.0, 2.0]),)),
            "args_list": s.run(fn, args=[tf.constant(4.0)]),
            "python_args": s.run(lambda a, b: a + b, args=(1, 2)),
            "mixed_args": s.run(lambda a, b: a + b, args=(tf.constant(1), 2)),
            "tuple": s.run(lambda: (tf.constant(1.0), tf.constant([2, 3]))),
            "dict": s.run(lambda: {"a": tf.constant(1.0), "b": (tf.constant(2), tf.constant(3.0))}),
            "list": s.run(lambda: [tf.constant(1), 2.0, None]),
            "none": s.run(lambda: None),
            "no_args": s.run(lambda: tf.constant([[1.0]])),
        }
    return out


def _run_in_tf_function(tf, s):
    @tf.function
    def step(x):
        def replica_fn(a):
            rc = tf.distribute.get_replica_context()
            return a * 2.0, rc.replica_id_in_sync_group, rc.num_replicas_in_sync

        return s.run(replica_fn, args=(x,))

    return {"first": step(tf.constant(2.0)), "second": step(tf.constant([1.0, 5.0]))}


def case_distribute_run_in_tf_function(tf):
    return _each(tf, _run_in_tf_function)


def case_distribute_all_reduce(tf):
    out = {}
    for name, s in _strategies(tf).items():

        def fn():
            rc = tf.distribute.get_replica_context()
            x = tf.constant([1.0, 3.0])
            return {
                "sum": rc.all_reduce(tf.distribute.ReduceOp.SUM, x),
                "mean": rc.all_reduce(tf.distribute.ReduceOp.MEAN, x),
                "sum_string": rc.all_reduce("SUM", x),
                "nested": rc.all_reduce("SUM", (x, tf.constant(2.0))),
            }

        out[name] = s.run(fn)
    return out


# ---------------------------------------------------------------------------
# reduce, experimental_local_results, gather


def case_distribute_reduce(tf):
    SUM = tf.distribute.ReduceOp.SUM
    MEAN = tf.distribute.ReduceOp.MEAN
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    out = {}
    for name, s in _strategies(tf).items():
        per_replica = s.run(lambda: tf.constant([1.0, 2.0, 6.0]))
        out[name] = {
            "sum_none": s.reduce(SUM, x, axis=None),
            "mean_none": s.reduce(MEAN, x, axis=None),
            "sum_0": s.reduce(SUM, x, axis=0),
            "mean_0": s.reduce(MEAN, x, axis=0),
            "sum_1": s.reduce(SUM, x, axis=1),
            "sum_neg1": s.reduce(SUM, x, axis=-1),
            "string_op_sum": s.reduce("SUM", x, axis=0),
            "string_op_mean_none": s.reduce("MEAN", x, axis=None),
            "mean_int_0": s.reduce(MEAN, tf.constant([1, 2, 4]), axis=0),
            "sum_int_0": s.reduce(SUM, tf.constant([1, 2, 4]), axis=0),
            "per_replica_sum": s.reduce(SUM, per_replica, axis=None),
            "per_replica_mean_0": s.reduce(MEAN, per_replica, axis=0),
            "tuple_sum": s.reduce(SUM, (tf.constant(1.0), tf.constant([2.0, 3.0])), axis=None),
            "empty_sum_0": s.reduce(SUM, tf.zeros([0]), axis=0),
            "empty_mean_0": s.reduce(MEAN, tf.zeros([0]), axis=0),
        }
    return out


def case_distribute_reduce_python_values(tf):
    SUM = tf.distribute.ReduceOp.SUM
    MEAN = tf.distribute.ReduceOp.MEAN
    out = {}
    for name, s in _strategies(tf).items():
        out[name] = {
            "sum_float": s.reduce(SUM, 3.0, axis=None),
            "mean_float": s.reduce(MEAN, 3.0, axis=None),
            "sum_int": s.reduce(SUM, 3, axis=None),
            "mean_int": s.reduce(MEAN, 3, axis=None),
            "sum_list": s.reduce(SUM, [1.0, 2.0], axis=None),
        }
    return out


def case_distribute_local_results(tf):
    out = {}
    for name, s in _strategies(tf).items():
        x = tf.constant([1.0, 2.0])
        per_replica = s.run(lambda: (tf.constant(1.0), {"a": tf.constant([2, 3])}))
        out[name] = {
            "tensor": s.experimental_local_results(x),
            "per_replica": s.experimental_local_results(per_replica),
            "python": s.experimental_local_results(3.0),
            "nested": s.experimental_local_results((1, x)),
            "dict": s.experimental_local_results({"a": 1}),
            "none": s.experimental_local_results(None),
            "is_tuple": isinstance(s.experimental_local_results(x), tuple),
            "length": len(s.experimental_local_results(x)),
        }
    return out


def case_distribute_gather(tf):
    out = {}
    for name, s in _strategies(tf).items():
        x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
        per_replica = s.run(lambda: tf.constant([[5, 6, 7]]))
        out[name] = {
            "axis0": s.gather(x, axis=0),
            "axis1": s.gather(x, axis=1),
            "per_replica": s.gather(per_replica, axis=0),
            "scalar_tensor": s.gather(tf.constant(3.0), axis=0),
        }
    return out


# ---------------------------------------------------------------------------
# Datasets


def case_distribute_dataset_sum(tf):
    out = {}
    for name, s in _strategies(tf).items():
        ds = tf.data.Dataset.from_tensor_slices(tf.range(6.0)).batch(2)
        dist = s.experimental_distribute_dataset(ds)
        total = tf.constant(0.0)
        count = tf.constant(0)
        for batch in dist:
            per_replica = s.run(lambda b: tf.reduce_sum(b * b), args=(batch,))
            total += s.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
            count += 1
        out[name] = {"total": total, "count": count}
    return out


def case_distribute_dataset_batches(tf):
    out = {}
    for name, s in _strategies(tf).items():
        ds = tf.data.Dataset.from_tensor_slices(
            {"x": tf.range(6.0), "y": tf.range(6, dtype=tf.int64)}).batch(4)
        batches = []
        for batch in s.experimental_distribute_dataset(ds):
            batches.append(s.run(lambda b: {"x2": b["x"] * 2.0, "y": b["y"]}, args=(batch,)))
        first = next(iter(s.experimental_distribute_dataset(ds)))
        out[name] = {"batches": batches, "first": first}
    return out


def _dataset_train_step(tf, s):
    features = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
    labels = np.array([[2.0], [4.0], [6.0], [8.0]], np.float32)
    with s.scope():
        w = tf.Variable([[0.5]])
    ds = tf.data.Dataset.from_tensor_slices((features, labels)).batch(2)

    def step(inputs):
        x, y = inputs
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        g = tape.gradient(loss, w)
        w.assign_sub(0.05 * g)
        return loss

    total = tf.constant(0.0)
    for batch in s.experimental_distribute_dataset(ds):
        total += s.reduce("SUM", s.run(step, args=(batch,)), axis=None)
    return {"total_loss": total, "w": tf.convert_to_tensor(w)}


def case_distribute_dataset_train_step(tf):
    return _each(tf, _dataset_train_step)


def _datasets_from_function(tf, s):
    seen = []

    def dataset_fn(input_context):
        seen.append({
            "num_input_pipelines": input_context.num_input_pipelines,
            "input_pipeline_id": input_context.input_pipeline_id,
            "num_replicas_in_sync": input_context.num_replicas_in_sync,
            "per_replica_batch_size_8": input_context.get_per_replica_batch_size(8),
        })
        batch = input_context.get_per_replica_batch_size(4)
        return tf.data.Dataset.from_tensor_slices(tf.range(5.0)).batch(batch)

    dist = s.distribute_datasets_from_function(dataset_fn)
    total = tf.constant(0.0)
    for batch in dist:
        total += s.reduce("SUM", s.run(tf.reduce_sum, args=(batch,)), axis=None)
    return {"input_context": seen, "total": total}


def case_distribute_datasets_from_function(tf):
    return _each(tf, _datasets_from_function)


# ---------------------------------------------------------------------------
# Losses and a custom training loop


def case_distribute_compute_average_loss(tf):
    losses = tf.constant([1.0, 2.0, 3.0])
    out = {
        "no_strategy": tf.nn.compute_average_loss(losses),
        "global_6": tf.nn.compute_average_loss(losses, global_batch_size=6),
        "global_0": tf.nn.compute_average_loss(losses, global_batch_size=0),
        "weighted": tf.nn.compute_average_loss(
            losses, sample_weight=tf.constant([1.0, 0.0, 2.0]), global_batch_size=4),
        "scalar_weight": tf.nn.compute_average_loss(losses, sample_weight=2.0),
        "matrix": tf.nn.compute_average_loss(tf.constant([[1.0, 3.0], [5.0, 7.0]])),
        "float64": tf.nn.compute_average_loss(tf.constant([1.0, 2.0], tf.float64)),
        "scale_regularization": tf.nn.scale_regularization_loss(tf.constant(2.0)),
    }
    for name, s in _strategies(tf).items():
        out[name] = s.run(lambda: {
            "in_run": tf.nn.compute_average_loss(losses),
            "in_run_global": tf.nn.compute_average_loss(losses, global_batch_size=4),
            "scale_regularization": tf.nn.scale_regularization_loss(tf.constant(2.0)),
        })
        with s.scope():
            out[name]["in_scope_global"] = tf.nn.compute_average_loss(losses, global_batch_size=6)
    return out


def _training_data():
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0],
                  [1.0, 2.0], [0.5, 0.5], [3.0, 0.0], [0.0, 3.0]], np.float32)
    y = (x @ np.array([[2.0], [-1.0]], np.float32) + 0.5).astype(np.float32)
    return x, y


def _training_loop(tf, s, use_function, use_iterator=False):
    global_batch_size = 4
    lr = 0.1
    x, y = _training_data()
    with s.scope():
        w = tf.Variable(tf.zeros([2, 1]), name="kernel")
        b = tf.Variable(tf.zeros([1]), name="bias")
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch_size)
    dist = s.experimental_distribute_dataset(ds)

    def train_step(inputs):
        features, labels = inputs
        with tf.GradientTape() as tape:
            pred = tf.matmul(features, w) + b
            per_example_loss = tf.reduce_sum(tf.square(pred - labels), axis=1)
            loss = tf.nn.compute_average_loss(
                per_example_loss, global_batch_size=global_batch_size)
        grads = tape.gradient(loss, [w, b])
        for v, g in zip([w, b], grads):
            v.assign_sub(lr * g)
        return loss

    def distributed_train_step(inputs):
        per_replica_losses = s.run(train_step, args=(inputs,))
        return s.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)

    if use_function:
        distributed_train_step = tf.function(distributed_train_step)
    losses = []
    for _ in range(3):
        if use_iterator:
            # The guide's other pattern: a fixed number of `next(iterator)` steps.
            iterator = iter(dist)
            for _ in range(2):
                losses.append(distributed_train_step(next(iterator)))
        else:
            for batch in dist:
                losses.append(distributed_train_step(batch))
    return {"losses": losses, "w": tf.convert_to_tensor(w), "b": tf.convert_to_tensor(b),
            "trainable": [w.trainable, b.trainable]}


def case_distribute_training_loop(tf):
    return {name: _training_loop(tf, s, False) for name, s in _strategies(tf).items()}


def case_distribute_training_loop_tf_function(tf):
    return {name: _training_loop(tf, s, True) for name, s in _strategies(tf).items()}


def case_distribute_training_loop_iterator(tf):
    # Not MirroredStrategy: with the whole body under tf.function (function mode), TF
    # 2.21's MirroredStrategy hangs now and then in `next()` of an iterator made there.
    strategies = _strategies(tf)
    return {name: _training_loop(tf, strategies[name], True, True)
            for name in ("default", "one_device")}


def _training_loop_mean_reduce(tf, s):
    x, y = _training_data()
    with s.scope():
        w = tf.Variable([[0.1], [0.2]])
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(3)

    def step(features, labels):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(features, w) - labels))
        w.assign_sub(0.05 * tape.gradient(loss, w))
        return loss

    total = tf.constant(0.0)
    for features, labels in s.experimental_distribute_dataset(ds):
        total += s.reduce(tf.distribute.ReduceOp.MEAN,
                          s.run(step, args=(features, labels)), axis=None)
    return {"total": total, "w": tf.convert_to_tensor(w)}


def case_distribute_training_loop_mean_reduce(tf):
    # Loss as a plain batch mean, combined with ReduceOp.MEAN (also common in the wild).
    return _each(tf, _training_loop_mean_reduce)


# ---------------------------------------------------------------------------
# ReduceOp


def case_distribute_reduce_op(tf):
    R = tf.distribute.ReduceOp
    return {
        "sum_value": R.SUM.value,
        "mean_value": R.MEAN.value,
        "from_string_sum": R("SUM") is R.SUM,
        "from_string_mean": R("MEAN") is R.MEAN,
        "members": [op.value for op in R],
        "name": R.SUM.name,
        "equal": R.SUM == R("SUM"),
        "not_equal": R.SUM != R.MEAN,
    }


# ---------------------------------------------------------------------------
# Errors (strings: eager mode only)


def case_distribute_errors(tf):
    one = tf.distribute.OneDeviceStrategy("/cpu:0")
    mirrored = tf.distribute.MirroredStrategy()
    default = tf.distribute.get_strategy()
    x = tf.constant([1.0, 2.0])
    out = {
        "reduce_op_lowercase": _raises(lambda: tf.distribute.ReduceOp("sum")),
        "reduce_op_unknown": _raises(lambda: tf.distribute.ReduceOp("PROD")),
        "one_device_bad_spec": _raises(lambda: tf.distribute.OneDeviceStrategy("/foo:0")),
        "mirrored_bad_spec": _raises(lambda: tf.distribute.MirroredStrategy(["/foo:0"])),
        "one_device_no_slash": _raises(lambda: tf.distribute.OneDeviceStrategy("cpu:0")),
        "compute_average_loss_float_batch": _raises(
            lambda: tf.nn.compute_average_loss(x, global_batch_size=6.0)),
        "compute_average_loss_negative_batch": _raises(
            lambda: tf.nn.compute_average_loss(x, global_batch_size=-1)),
    }

    def mixed_scopes():
        with one.scope():
            with mirrored.scope():
                pass

    def set_in_scope():
        with one.scope():
            tf.distribute.experimental_set_strategy(mirrored)

    def average_loss_cross_replica():
        with one.scope():
            tf.nn.compute_average_loss(x)

    def run_in_other_scope():
        with one.scope():
            mirrored.run(lambda: tf.constant(1.0))

    out["mixed_scopes"] = _raises(mixed_scopes)
    out["set_strategy_in_scope"] = _raises(set_in_scope)
    out["compute_average_loss_cross_replica"] = _raises(average_loss_cross_replica)
    out["run_in_other_scope"] = _raises(run_in_other_scope)
    for name, s in (("default", default), ("one_device", one), ("mirrored", mirrored)):
        out[name] = _strategy_errors(tf, s, x)
    return out


def _strategy_errors(tf, s, x):
    return {
        "reduce_unknown_op": _raises(lambda: s.reduce("PROD", x, axis=None)),
        "reduce_lowercase_op": _raises(lambda: s.reduce("sum", x, axis=None)),
        "reduce_axis_out_of_range": _raises(
            lambda: s.reduce(tf.distribute.ReduceOp.SUM, x, axis=1)),
        "reduce_scalar_axis_0": _raises(
            lambda: s.reduce(tf.distribute.ReduceOp.SUM, tf.constant(3.0), axis=0)),
        "run_non_callable": _raises(lambda: s.run(3)),
        "run_none": _raises(lambda: s.run(None)),
        "run_args_not_sequence": _raises(lambda: s.run(lambda a: a, args=x)),
        "run_too_many_args": _raises(lambda: s.run(lambda a: a, args=(1, 2))),
        "run_inside_run": _raises(lambda: s.run(lambda: s.run(lambda: tf.constant(1.0)))),
        "reduce_inside_run": _raises(
            lambda: s.run(lambda: s.reduce("SUM", tf.constant(1.0), axis=None))),
        "distribute_list": _raises(lambda: s.experimental_distribute_dataset([1, 2])),
    }


def case_distribute_replica_context_isinstance(tf):
    RC = tf.distribute.ReplicaContext
    out = {"outside": isinstance(tf.distribute.get_replica_context(), RC)}
    for name, s in _strategies(tf).items():
        out[name] = s.run(lambda: isinstance(tf.distribute.get_replica_context(), RC))
    return out
