"""TensorFlow's autodiff guide, the gradient-tape part, as a script.

Our own rewrite of a notebook that follows TF's "Automatic differentiation and
gradient tape" guide, cell by cell, with `import tftape_torch as tf`. Where the
notebook only displays a value or asserts it, this script prints it; the output
is TensorFlow 2.21's, byte for byte (the test suite checks it).

Run: python examples/04_autodiff_guide.py
"""


import numpy as np

import tftape_torch as tf

# --- Gradient tapes --------------------------------------------------------------------
# Everything run inside the tape's block is recorded; the tape then plays the
# recording backwards to get gradients (reverse-mode differentiation).
x = tf.ones((2, 2))  # a 2x2 matrix of ones

with tf.GradientTape() as t:
    t.watch(x)  # record what happens to x
    y = tf.reduce_sum(x)  # the sum of the entries: 4
    z = tf.multiply(y, y)  # 16

# The derivative of z with respect to the input x: 2 * y = 8 for every entry.
dz_dx = t.gradient(z, x)
for i in [0, 1]:
    for j in [0, 1]:
        assert dz_dx[i][j].numpy() == 8.0

print(repr(dz_dx))  # what the notebook shows for `dz_dx`

# Gradients with respect to an intermediate value recorded on the tape.
x = tf.ones((2, 2))

with tf.GradientTape() as t:
    t.watch(x)
    y = tf.reduce_sum(x)
    z = tf.multiply(y, y)

dz_dy = t.gradient(z, y)  # 2 * y = 8
assert dz_dy.numpy() == 8.0

print(repr(dz_dy))

# A tape frees its resources at the first gradient() call; a persistent one keeps
# them until it is deleted, so it can answer several calls.
x = tf.constant(3.0)
with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = x * x  # 9
    z = y * y  # 81
dz_dx = t.gradient(z, x)  # 4 * x^3 = 108
dy_dx = t.gradient(y, x)  # 2 * x = 6
print(dz_dx, dy_dx)
del t  # let the tape go


# --- Recording control flow ---------------------------------------------------------------
# The tape records ops as they run, so ifs and loops just work.
def f(x, y):
    output = 1.0
    for i in range(y):
        if i > 1 and i < 5:
            output = tf.multiply(output, x)
    return output


def grad(x, y):
    with tf.GradientTape() as t:
        t.watch(x)
        out = f(x, y)
    return t.gradient(out, x)


x = tf.convert_to_tensor(2.0)  # a tensor made from a Python float

assert grad(x, 6).numpy() == 12.0
assert grad(x, 5).numpy() == 12.0
assert grad(x, 4).numpy() == 4.0
for n in (6, 5, 4):
    print("y =", n, "->", grad(x, n))

# --- Higher-order gradients ---------------------------------------------------------------
# Gradient computations inside a recording tape are recorded too, so the same API
# gives second derivatives.
x = tf.Variable(1.0)  # a variable initialized to 1.0

with tf.GradientTape() as t:
    with tf.GradientTape() as t2:
        y = x * x * x
    # computed inside t: differentiable as well
    dy_dx = t2.gradient(y, x)  # 3 x^2 = 3
d2y_dx2 = t.gradient(dy_dx, x)  # 6 x = 6

assert dy_dx.numpy() == 3.0
assert d2y_dx2.numpy() == 6.0

print(repr(d2y_dx2))
print(np.float32(d2y_dx2), dy_dx.numpy() + d2y_dx2.numpy())
