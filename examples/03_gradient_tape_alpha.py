"""Gradient tape and automatic differentiation, as the TensorFlow 2.0 alpha notebook shows it.

Our own rewrite of that notebook, cell by cell, with `import tftape_torch as tf`.
The notebook only asserts its results; this script asserts the same things and
prints the values it checks, so its output can be compared with TensorFlow 2.21's
(the test suite does, byte for byte).

Run: python examples/03_gradient_tape_alpha.py
"""


import tftape_torch as tf

# --- The tape records every op run inside its block ----------------------------
x = tf.ones((2, 2))

with tf.GradientTape() as t:
    t.watch(x)
    y = tf.reduce_sum(x)
    z = tf.multiply(y, y)

# The derivative of z with respect to the input x.
dz_dx = t.gradient(z, x)
for i in [0, 1]:
    for j in [0, 1]:
        assert dz_dx[i][j].numpy() == 8.0
print("dz/dx =", dz_dx.numpy().tolist())

# --- Gradients with respect to an intermediate value ---------------------------------
x = tf.ones((2, 2))

with tf.GradientTape() as t:
    t.watch(x)
    y = tf.reduce_sum(x)
    z = tf.multiply(y, y)

# The derivative of z with respect to y, a value computed on the tape.
dz_dy = t.gradient(z, y)
assert dz_dy.numpy() == 8.0
print("dz/dy =", dz_dy.numpy())

# --- A persistent tape answers several gradient calls ---------------------------------
x = tf.constant(3.0)
with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = x * x
    z = y * y
dz_dx = t.gradient(z, x)  # 4 x^3 = 108
dy_dx = t.gradient(y, x)  # 2 x = 6
print("dz/dx =", dz_dx.numpy(), " dy/dx =", dy_dx.numpy())

del t  # drop the tape's resources


# --- Python control flow is recorded as it runs ------------------------------------
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


x = tf.convert_to_tensor(2.0)

assert grad(x, 6).numpy() == 12.0
assert grad(x, 5).numpy() == 12.0
assert grad(x, 4).numpy() == 4.0
print("grad(x, 6), grad(x, 5), grad(x, 4) =", [float(grad(x, n)) for n in (6, 5, 4)])

# --- Higher-order gradients -----------------------------------------------------------
# Gradients computed inside a recording tape are themselves recorded.
x = tf.Variable(1.0)  # a variable initialized to 1.0

with tf.GradientTape() as t:
    with tf.GradientTape() as t2:
        y = x * x * x
    # inside t: this gradient computation is differentiable too
    dy_dx = t2.gradient(y, x)
d2y_dx2 = t.gradient(dy_dx, x)

assert dy_dx.numpy() == 3.0
assert d2y_dx2.numpy() == 6.0
print("dy/dx =", dy_dx.numpy(), " d2y/dx2 =", d2y_dx2.numpy())
