"""`tf.math`: the elementwise math and reductions, as TF groups them.

Mirrors TF's namespace: `tf.math.log` lives here (TF 2.21 has no top-level `tf.log`),
while `matmul` and `where` are only top-level (`tf.linalg.matmul` in TF).

>>> import tftape_torch as tf
>>> print(tf.math.log(tf.constant([1.0, 1.0])))
tf.Tensor([0. 0.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

from tftape_torch._gather_ops import argmax, argmin
from tftape_torch._math_ops import (
    abs,
    add,
    cos,
    divide,
    exp,
    log,
    maximum,
    minimum,
    multiply,
    pow,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    sigmoid,
    sin,
    sqrt,
    square,
    subtract,
    tanh,
)
from tftape_torch._nn_ops import softmax, softplus
from tftape_torch._norm_ops import l2_normalize

__all__ = [
    "abs",
    "add",
    "argmax",
    "argmin",
    "cos",
    "divide",
    "exp",
    "l2_normalize",
    "log",
    "maximum",
    "minimum",
    "multiply",
    "pow",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "sigmoid",
    "sin",
    "softmax",
    "softplus",
    "sqrt",
    "square",
    "subtract",
    "tanh",
]
