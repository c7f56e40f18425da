# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Introduction to gradients and automatic differentiation
(tensorflow/docs site/en/guide/autodiff.ipynb), in our own words.

Plots become array conversions (`np.asarray`), as matplotlib would do them; caught
exceptions print their class only.
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random

# %% square-gradient
t = tf.Variable(3.0)

with tf.GradientTape() as tape:
    out = t**2

# %% square-gradient-value
slope = tape.gradient(out, t)
show(slope.numpy())

# %% tensor-sources
kernel = tf.Variable(tf.random.normal((3, 2)), name='w')
offset = tf.Variable(tf.zeros(2, dtype=tf.float32), name='b')
inputs = [[1., 2., 3.]]

with tf.GradientTape(persistent=True) as tape:
    pred = inputs @ kernel + offset
    loss = tf.reduce_mean(pred**2)

# %% tensor-sources-gradient
[grad_kernel, grad_offset] = tape.gradient(loss, [kernel, offset])

# %% gradient-shape
print(kernel.shape)
print(grad_kernel.shape)

# %% dict-sources [random]
sources = {
    'w': kernel,
    'b': offset,
}

grads = tape.gradient(loss, sources)
show(grads['b'])

# %% keras-layer
dense = tf.keras.layers.Dense(2, activation='relu')
batch = tf.constant([[1., 2., 3.]])

with tf.GradientTape() as tape:
    out = dense(batch)
    loss = tf.reduce_mean(out**2)

# %% keras-layer-gradient
grads = tape.gradient(loss, dense.trainable_variables)

# %% keras-layer-gradient-shapes
for var, g in zip(dense.trainable_variables, grads):
    print(f'{var.name}, shape: {g.shape}')

# %% what-is-watched
trained = tf.Variable(3.0, name='x0')
frozen = tf.Variable(3.0, name='x1', trainable=False)
plus_one = tf.Variable(2.0, name='x2') + 1.0  # a tensor, not a variable
fixed = tf.constant(3.0, name='x3')

with tf.GradientTape() as tape:
    out = (trained**2) + (frozen**2) + (plus_one**2)

grads = tape.gradient(out, [trained, frozen, plus_one, fixed])

for g in grads:
    print(g)

# %% watched-variables
show([var.name for var in tape.watched_variables()])

# %% watch-constant
t = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(t)
    out = t**2

slope = tape.gradient(out, t)
print(slope.numpy())

# %% watch-accessed-off
a = tf.Variable(0.0)
b = tf.Variable(10.0)

with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(b)
    sin_a = tf.math.sin(a)
    soft_b = tf.nn.softplus(b)
    total = sin_a + soft_b
    summed = tf.reduce_sum(total)

grads = tape.gradient(summed, {'x0': a, 'x1': b})

print('d/da:', grads['x0'])
print('d/db:', grads['x1'].numpy())

# %% intermediate-target
t = tf.constant(3.0)

with tf.GradientTape() as tape:
    tape.watch(t)
    sq = t * t
    quad = sq * sq

# d(quad)/d(sq) = 2 * sq
print(tape.gradient(quad, sq).numpy())

# %% persistent
t = tf.constant([1, 3.0])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(t)
    sq = t * t
    quad = sq * sq

print(tape.gradient(quad, t).numpy())  # 4 * t**3
print(tape.gradient(sq, t).numpy())  # 2 * t
del tape

# %% two-targets-persistent
t = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    sq = t**2
    inv = 1 / t

print(tape.gradient(sq, t).numpy())
print(tape.gradient(inv, t).numpy())

# %% dict-of-targets
t = tf.Variable(2.0)
with tf.GradientTape() as tape:
    sq = t**2
    inv = 1 / t

print(tape.gradient({'y0': sq, 'y1': inv}, t).numpy())

# %% non-scalar-target
t = tf.Variable(2.)

with tf.GradientTape() as tape:
    out = t * [3., 4.]

print(tape.gradient(out, t).numpy())

# %% elementwise-sigmoid
grid = tf.linspace(-10.0, 10.0, 200+1)

with tf.GradientTape() as tape:
    tape.watch(grid)
    sig = tf.nn.sigmoid(grid)

dsig = tape.gradient(sig, grid)
# the guide plots sig and dsig against grid
print(np.asarray(grid).shape, np.asarray(sig).shape, np.asarray(dsig).shape)

# %% control-flow
t = tf.constant(1.0)

first = tf.Variable(2.0)
second = tf.Variable(2.0)

with tf.GradientTape(persistent=True) as tape:
    tape.watch(t)
    if t > 0.0:
        chosen = first
    else:
        chosen = second**2

d_first, d_second = tape.gradient(chosen, [first, second])

print(d_first)
print(d_second)

# %% control-flow-condition
d_t = tape.gradient(chosen, t)

print(d_t)

# %% unconnected
p = tf.Variable(2.)
q = tf.Variable(3.)

with tf.GradientTape() as tape:
    r = q * q
print(tape.gradient(r, p))

# %% variable-replaced-by-tensor
t = tf.Variable(2.0)

for step in range(2):
    with tf.GradientTape() as tape:
        out = t + 1

    print(type(t).__name__, ":", tape.gradient(out, t))
    t = t + 1  # a Tensor now; `t.assign_add(1)` would keep the variable

# %% numpy-breaks-tape
t = tf.Variable([[1.0, 2.0],
                 [3.0, 4.0]], dtype=tf.float32)

with tf.GradientTape() as tape:
    sq = t**2

    # computed by NumPy, so the tape does not see it
    col_means = np.mean(sq, axis=0)

    # converted back to a (constant) tensor by the op
    col_means = tf.reduce_mean(col_means, axis=0)

print(tape.gradient(col_means, t))

# %% integer-source
n = tf.constant(10)

with tf.GradientTape() as g:
    g.watch(n)
    out = n * n

print(g.gradient(out, n))

# %% stateful-assign
src = tf.Variable(3.0)
acc = tf.Variable(0.0)

with tf.GradientTape() as tape:
    acc.assign_add(src)  # the tape does not record through the assignment
    out = acc**2

print(tape.gradient(out, src))

# %% no-gradient-registered
picture = tf.Variable([[[0.5, 0.0, 0.0]]])
amount = tf.Variable(0.1)

with tf.GradientTape() as tape:
    adjusted = tf.image.adjust_contrast(picture, amount)

try:
    print(tape.gradient(adjusted, [picture, amount]))
    assert False  # never reached
except LookupError as err:
    show_error(err)

# %% unconnected-zero
vec = tf.Variable([2., 2.])
other = tf.Variable(3.)

with tf.GradientTape() as tape:
    out = other**2
print(tape.gradient(out, vec, unconnected_gradients=tf.UnconnectedGradients.ZERO))
