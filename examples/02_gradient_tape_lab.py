"""Gradient tape basics, lab style: where each gradient call may (and may not) go.

Our own rewrite of a course lab on `tf.GradientTape`, cell by cell, with
`import tftape_torch as tf`. It prints what TensorFlow 2.21 prints for the same
script (the test suite checks it byte for byte).

Run: python examples/02_gradient_tape_lab.py
"""

import tftape_torch as tf

# --- Basics: the gradient of sum(x)^2 ----------------------------------------------
x = tf.ones((2, 2))

with tf.GradientTape() as t:
    t.watch(x)  # record what happens to x
    y = tf.reduce_sum(x)  # one number: the sum of the entries
    z = tf.square(y)

dz_dx = t.gradient(z, x)  # 2 * sum(x) = 8 everywhere
print(dz_dx)

# --- A tape expires after one use ----------------------------------------------
x = tf.constant(3.0)

with tf.GradientTape() as t:
    t.watch(x)
    y = x * x  # y = x^2
    z = y * y  # z = y^2 = x^4

dz_dx = t.gradient(z, x)  # 4 x^3 = 108 at x = 3
print(dz_dx)

# A second call on the expired tape raises.
try:
    dy_dx = t.gradient(y, x)  # would be 6.0
    print(dy_dx)
except RuntimeError as e:
    print("The error message you get is:")
    print(e)

# --- A persistent tape can be asked again -----------------------------------------
x = tf.constant(3.0)

with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = x * x
    z = y * y

dz_dx = t.gradient(z, x)
print(dz_dx)

dy_dx = t.gradient(y, x)  # still allowed: 6.0
print(dy_dx)

del t  # let the tape go

# --- Nested tapes: the first gradient inside the outer block --------------------------
x = tf.Variable(1.0)

with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x * x * x
    # still inside tape_2: this gradient is recorded, so it can be differentiated
    dy_dx = tape_1.gradient(y, x)
d2y_dx2 = tape_2.gradient(dy_dx, x)
print(dy_dx)
print(d2y_dx2)

# ... or inside the inner block, which also works.
x = tf.Variable(1.0)
with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x * x * x
        dy_dx = tape_1.gradient(y, x)
d2y_dx2 = tape_2.gradient(dy_dx, x)

print(dy_dx)
print(d2y_dx2)

# --- Not outside both blocks: the outer tape never saw the first gradient --------------
x = tf.Variable(1.0)
with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x * x * x

dy_dx = tape_1.gradient(y, x)  # computed after tape_2 stopped recording
d2y_dx2 = tape_2.gradient(dy_dx, x)  # so this is None

print(dy_dx)
print(d2y_dx2)

# persistent=True on both tapes does not change that.
x = tf.Variable(1.0)

with tf.GradientTape(persistent=True) as tape_2:
    with tf.GradientTape(persistent=True) as tape_1:
        y = x * x * x

dy_dx = tape_1.gradient(y, x)
d2y_dx2 = tape_2.gradient(dy_dx, x)

print(dy_dx)
print(d2y_dx2)

# --- Where the second gradient call may go ---------------------------------------------
# As deep as the first one, but not deeper.
x = tf.Variable(1.0)
with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x * x * x

        dy_dx = tape_1.gradient(y, x)

        # fine: at the same depth as the first gradient
        d2y_dx2 = tape_2.gradient(dy_dx, x)

print(dy_dx)
print(d2y_dx2)

# Also fine: one level up, inside the outer block.
x = tf.Variable(1.0)
with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x * x * x
        dy_dx = tape_1.gradient(y, x)
    d2y_dx2 = tape_2.gradient(dy_dx, x)
print(dy_dx)
print(d2y_dx2)

# Also fine: after both blocks closed.
x = tf.Variable(1.0)
with tf.GradientTape() as tape_2:
    with tf.GradientTape() as tape_1:
        y = x * x * x
        dy_dx = tape_1.gradient(y, x)
d2y_dx2 = tape_2.gradient(dy_dx, x)
print(dy_dx)
print(d2y_dx2)
