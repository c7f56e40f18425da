"""Variable names under `tf.name_scope` and a Module's `name_scope`, against TF 2.21:
TF prefixes the scope (`outer/inner/u:0`, `mymod/k:0`); ours ignored it. Found by
helper-53's printing sweep (a Variable's repr shows its name). Answers live in
`golden/cases_variable_names.json`.
"""

from __future__ import annotations


def case_variable_names_under_name_scopes(tf):
    with tf.name_scope("outer"):
        v = tf.Variable(1.0)
        w = tf.Variable(2.0, name="w")
        with tf.name_scope("inner"):
            u = tf.Variable(3.0, name="u")
    with tf.name_scope("absolute/"):
        z = tf.Variable(1.0, name="z")
    top = tf.Variable(1.0, name="top")
    return {"v": v.name, "w": w.name, "u": u.name, "z": z.name, "top": top.name,
            "repr": repr(w)}


def case_variable_names_in_a_module_scope(tf):
    class Dense(tf.Module):
        def __init__(self):
            super().__init__(name="mymod")
            with self.name_scope:
                self.k = tf.Variable([[1.0]], name="k")
            self.b = tf.Variable([0.0], name="b")

    layer = Dense()
    return {"k": layer.k.name, "b": layer.b.name,
            "trainable": [var.name for var in layer.trainable_variables]}
