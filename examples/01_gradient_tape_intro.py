"""A first look at tf.GradientTape: gradients, expiring tapes, persistent and nested tapes.

Our own rewrite of an introductory Colab on `tf.GradientTape`, cell by cell. Only
the import differs from the TensorFlow version, and the output is the same, byte
for byte (the test suite checks it against TensorFlow 2.21).

Run: python examples/01_gradient_tape_intro.py
"""

import tftape_torch as tf

# --- The basics -----------------------------------------------------------------
# Watch a 2x2 matrix of ones, reduce it to one number and square that.
# d(sum(x)^2)/dx = 2 * sum(x) = 8 for every entry.
x = tf.ones((2, 2))

with tf.GradientTape() as t:
    t.watch(x)  # constants are not watched automatically: ask for it
    y = tf.reduce_sum(x)
    z = tf.square(y)

dz_dx = t.gradient(z, x)
print(dz_dx)

# --- A tape is good for one gradient call ---------------------------------------
# z = (x^2)^2, so dz/dx = 4 x^3 = 108 at x = 3.
x = tf.constant(3.0)

with tf.GradientTape() as t:  # persistent=False is the default
    t.watch(x)
    y = x**2
    z = y**2

dz_dx = t.gradient(z, x)
print(dz_dx)

# Asking the same (non-persistent) tape again fails.
try:
    dy_dx = t.gradient(y, x)
    print(dy_dx)
except RuntimeError as e:
    print("The error message is:")
    print(e)

# --- persistent=True keeps the tape for several calls ---------------------------
x = tf.constant(3.0)

with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = x**2
    z = y**2

dz_dx = t.gradient(z, x)
print(dz_dx)

# The same tape, a second time: dy/dx = 2x = 6.
dy_dx = t.gradient(y, x)
print(dy_dx)

# Drop the tape once it is no longer needed, to free what it holds.
del t

# --- Nested tapes give higher-order derivatives -----------------------------------
# y = x^3 at x = 1: dy/dx = 3 x^2 = 3 and d2y/dx2 = 6x = 6.
# The inner gradient must be computed while the outer tape still records.
x = tf.Variable(1.0)

with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x**3
    dy_dx = tape_1.gradient(y, x)  # inside the outer block
d2y_dx2 = tape_2.gradient(dy_dx, x)

print(dy_dx)
print(d2y_dx2)

# Computing the inner gradient inside the inner block works as well.
x = tf.Variable(1.0)

with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x**3
        dy_dx = tape_1.gradient(y, x)  # inside both blocks
d2y_dx2 = tape_2.gradient(dy_dx, x)

print(dy_dx)
print(d2y_dx2)
