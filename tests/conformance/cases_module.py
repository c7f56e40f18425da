"""`tf.Module` cases: tracking of variables and sub-modules, TF's order, names, name
scopes, name validation, and training through `trainable_variables` with a tape.

Answers live in `golden/cases_module.json`, recorded from TensorFlow 2.21.
"""

from __future__ import annotations

import collections

Pair = collections.namedtuple("Pair", ["second", "first"])


def _dense(tf):
    class Dense(tf.Module):
        def __init__(self, in_features, out_features, name=None):
            super().__init__(name=name)
            self.w = tf.Variable(tf.ones([in_features, out_features]), name="w")
            self.b = tf.Variable(tf.zeros([out_features]), name="b")

        def __call__(self, x):
            return tf.nn.relu(tf.matmul(x, self.w) + self.b)

    return Dense


def _names(variables):
    return [v.name for v in variables]


def case_module_default_name_snake_case(tf):
    class MyHTTPModule2D(tf.Module):
        pass

    return [MyHTTPModule2D().name, tf.Module().name, tf.Module(name="given").name]


def case_module_name_scope_name(tf):
    outer = tf.Module(name="outer")
    with outer.name_scope:
        inner = tf.Module(name="inner")
    return [outer.name_scope.name, inner.name_scope.name, inner.name]


def case_module_invalid_name(tf):
    try:
        tf.Module(name="not valid")
    except ValueError as e:
        return str(e)


def case_module_invalid_name_digit(tf):
    tf.Module(name="1abc")


def case_module_name_not_string(tf):
    tf.Module(name=3)


def case_module_variables_sorted_by_attribute(tf):
    m = tf.Module()
    m.z = tf.Variable(1.0, name="z")
    m.a = tf.Variable(2.0, name="a")
    m.m = tf.Variable(3.0, name="m")
    return {"names": _names(m.variables), "type": type(m.variables).__name__}


def case_module_trainable_and_non_trainable(tf):
    m = tf.Module()
    m.a = tf.Variable(1.0, name="a")
    m.b = tf.Variable(2.0, name="b", trainable=False)
    m.c = tf.Variable(3.0, name="c")
    return {
        "all": _names(m.variables),
        "trainable": _names(m.trainable_variables),
        "non_trainable": _names(m.non_trainable_variables),
    }


def case_module_nested_containers(tf):
    m = tf.Module()
    m.d = {"y": tf.Variable(1.0, name="d_y"), "x": [tf.Variable(2.0, name="d_x0"),
                                                   (tf.Variable(3.0, name="d_x1"),)]}
    m.c = [tf.Variable(4.0, name="c0"), {"k": tf.Variable(5.0, name="c_k")}]
    m.b = (tf.Variable(6.0, name="b0"),)
    m.p = Pair(second=tf.Variable(7.0, name="p_second"), first=tf.Variable(8.0, name="p_first"))
    return _names(m.variables)


def case_module_private_attributes_tracked(tf):
    m = tf.Module()
    m._hidden = tf.Variable(1.0, name="hidden")
    m.public = tf.Variable(2.0, name="public")
    return _names(m.variables)


def case_module_dense_variables_and_call(tf):
    Dense = _dense(tf)
    d = Dense(3, 2)
    y = d(tf.constant([[1.0, -2.0, 3.0]]))
    return {"name": d.name, "vars": _names(d.variables), "y": y}


def case_module_submodules_breadth_first(tf):
    a, b, c, d = tf.Module(name="a"), tf.Module(name="b"), tf.Module(name="c"), tf.Module(name="d")
    a.z_child = b
    a.y_child = c
    b.child = d
    return [m.name for m in a.submodules]


def case_module_variables_breadth_first(tf):
    Dense = _dense(tf)

    class MLP(tf.Module):
        def __init__(self):
            super().__init__()
            self.layers = [Dense(2, 3, name="first"), Dense(3, 1, name="second")]
            self.scale = tf.Variable(2.0, name="scale")

    mlp = MLP()
    return {
        "vars": _names(mlp.variables),
        "shapes": [v.shape.as_list() for v in mlp.trainable_variables],
        "subs": [m.name for m in mlp.submodules],
    }


def case_module_shared_variable_once(tf):
    v = tf.Variable(1.0, name="shared")
    m = tf.Module()
    m.a = v
    m.b = [v, v]
    child = tf.Module()
    child.v = v
    m.child = child
    return {"n": len(m.variables), "subs": len(m.submodules)}


def case_module_cycle(tf):
    a, b = tf.Module(name="a"), tf.Module(name="b")
    a.b = b
    b.a = a
    a.v = tf.Variable(1.0, name="va")
    b.v = tf.Variable(2.0, name="vb")
    return {"vars": _names(a.variables), "subs": [m.name for m in a.submodules]}


def case_module_with_name_scope(tf):
    class Scoped(tf.Module):
        @tf.Module.with_name_scope
        def __call__(self, x):
            with tf.name_scope("inner") as scope:
                return scope, x * 2

    s = Scoped(name="scoped")
    scope, y = s(tf.constant(2.0))
    return {"scope": scope, "y": y, "method": Scoped.__call__.__name__}


def case_module_name_scope_strings(tf):
    with tf.name_scope("a") as a:
        with tf.name_scope("b") as b:
            with tf.name_scope("abs/") as c:
                pass
    return [a, b, c]


def case_module_name_scope_not_string(tf):
    tf.name_scope(None)


def case_module_unsortable_dict_keys(tf):
    m = tf.Module()
    m.d = {1: tf.Variable(1.0), "a": tf.Variable(2.0)}
    try:
        m.variables  # noqa: B018 - the property raises
    except ValueError as e:
        return {"error": type(e).__name__, "cause": type(e.__cause__).__name__}


def case_module_flatten_with_path(tf):
    m = tf.Module()
    m.x = [tf.Variable(1.0), tf.Variable(2.0)]
    m.y = {"j": tf.Variable(3.0), "i": tf.Variable(4.0)}
    return [list(path) for path, _ in m._flatten(predicate=lambda v: isinstance(v, tf.Variable),
                                                 with_path=True)]


def case_module_tape_gradient_trainable_variables(tf):
    Dense = _dense(tf)
    d = Dense(2, 2)
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(d(x) ** 2)
    return tape.gradient(loss, d.trainable_variables)


def case_module_training_loop(tf):
    class Linear(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x + self.b

    model = Linear()
    xs = tf.constant([0.0, 1.0, 2.0, 3.0])
    ys = 3.0 * xs + 2.0
    losses = []
    for _ in range(10):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(xs) - ys))
        dw, db = tape.gradient(loss, [model.w, model.b])
        model.w.assign_sub(0.1 * dw)
        model.b.assign_sub(0.1 * db)
        losses.append(loss)
    return {"w": model.w, "b": model.b, "losses": losses}


def case_module_variable_added_later_tracked(tf):
    m = tf.Module()
    m.layers = []
    m.layers.append(tf.Variable(1.0, name="late"))
    return _names(m.variables)


def case_module_non_variable_leaves_ignored(tf):
    m = tf.Module()
    m.t = tf.constant(1.0)
    m.n = 3
    m.s = "text"
    m.f = lambda: None
    return {"vars": len(m.variables), "subs": len(m.submodules)}
