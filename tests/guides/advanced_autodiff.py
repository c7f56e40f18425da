# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Advanced automatic differentiation (tensorflow/docs site/en/guide/advanced_autodiff.ipynb),
in our own words.

Plots become array conversions (`np.asarray`), as matplotlib would do them; values
computed from random inputs print by shape and dtype.
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_random

# %% stop-recording
a = tf.Variable(2.0)
b = tf.Variable(3.0)

with tf.GradientTape() as tape:
    a_sq = a * a
    with tape.stop_recording():
        b_sq = b * b
    total = a_sq + b_sq

grads = tape.gradient(total, {'x': a, 'y': b})

print('d/da:', grads['x'])  # 2 * a
print('d/db:', grads['y'])

# %% reset
a = tf.Variable(2.0)
b = tf.Variable(3.0)
start_over = True

with tf.GradientTape() as tape:
    b_sq = b * b
    if start_over:
        # forget everything recorded so far
        tape.reset()
    total = a * a + b_sq

grads = tape.gradient(total, {'x': a, 'y': b})

print('d/da:', grads['x'])
print('d/db:', grads['y'])

# %% stop-gradient
a = tf.Variable(2.0)
b = tf.Variable(3.0)

with tf.GradientTape() as tape:
    b_sq = b**2
    total = a**2 + tf.stop_gradient(b_sq)

grads = tape.gradient(total, {'x': a, 'y': b})

print('d/da:', grads['x'])
print('d/db:', grads['y'])

# %% custom-gradient-clip
@tf.custom_gradient
def clipped_backward(value):
    def grad_fn(upstream):
        return tf.clip_by_norm(upstream, 0.5)
    return value, grad_fn

w = tf.Variable(2.0)
with tf.GradientTape() as tape:
    out = clipped_backward(w * w)
print(tape.gradient(out, w))  # 4 clipped to norm 0.5, times 2 * w

# %% custom-gradient-saved-model
class ClipModule(tf.Module):

    @tf.function(input_signature=[tf.TensorSpec(None)])
    def call_custom_grad(self, value):
        return clipped_backward(value)

clip_module = ClipModule()
tf.saved_model.save(
    clip_module,
    'saved_model',
    options=tf.saved_model.SaveOptions(experimental_custom_gradients=True))

w = tf.Variable(2.0)
reloaded = tf.saved_model.load('saved_model')
with tf.GradientTape() as tape:
    out = reloaded.call_custom_grad(w * w)
print(tape.gradient(out, w))

# %% two-tapes
c0 = tf.constant(0.0)
c1 = tf.constant(0.0)

with tf.GradientTape() as tape_a, tf.GradientTape() as tape_b:
    tape_a.watch(c0)
    tape_b.watch(c1)

    s0 = tf.math.sin(c0)
    s1 = tf.nn.sigmoid(c1)

    both = s0 + s1

    summed = tf.reduce_sum(both)

# %% two-tapes-first
show(tape_a.gradient(summed, c0).numpy())  # cos(0) = 1

# %% two-tapes-second
show(tape_b.gradient(summed, c1).numpy())  # sigmoid'(0) = 0.25

# %% second-derivative
t = tf.Variable(1.0)

with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        cube = t * t * t

    # inside `outer`, so this gradient is itself recorded
    d_cube = inner.gradient(cube, t)
d2_cube = outer.gradient(d_cube, t)

print('first:', d_cube.numpy())  # 3 * t**2
print('second:', d2_cube.numpy())  # 6 * t

# %% gradient-penalty
batch = tf.random.normal([7, 5])

dense = tf.keras.layers.Dense(10, activation=tf.nn.relu)
with tf.GradientTape() as outer:
    # the inner tape differentiates with respect to the input only
    with tf.GradientTape(watch_accessed_variables=False) as inner:
        inner.watch(batch)
        out = dense(batch)
        energy = tf.reduce_sum(dense(batch)**2)
    # gradient with respect to the input ...
    grad_in = inner.gradient(energy, batch)
    # ... and its norm
    grad_norm = tf.norm(grad_in)

grad_of_norm = outer.gradient(grad_norm, dense.trainable_variables)
show([var.shape for var in grad_of_norm])

# %% jacobian-scalar-source
grid = tf.linspace(-10.0, 10.0, 200+1)
shift = tf.Variable(0.0)

with tf.GradientTape() as tape:
    sig = tf.nn.sigmoid(grid + shift)

d_sig = tape.jacobian(sig, shift)

# %% jacobian-scalar-source-shapes
print(sig.shape)
print(d_sig.shape)

# %% jacobian-scalar-source-plot
print(np.asarray(grid.numpy()).shape, np.asarray(sig).shape, np.asarray(d_sig).shape)

# %% jacobian-tensor-source
batch = tf.random.normal([7, 5])
dense = tf.keras.layers.Dense(10, activation=tf.nn.relu)

with tf.GradientTape(persistent=True) as tape:
    out = dense(batch)

show(out.shape)

# %% kernel-shape
show(dense.kernel.shape)

# %% jacobian-of-kernel
jac = tape.jacobian(out, dense.kernel)
show(jac.shape)

# %% jacobian-vs-gradient
grad = tape.gradient(out, dense.kernel)
print('grad shape:', grad.shape)

jac_sum = tf.reduce_sum(jac, axis=[0, 1])
gap = tf.reduce_max(abs(grad - jac_sum)).numpy()
assert gap < 1e-3
print('gap:', end=' ')
show_random(gap)

# %% hessian
batch = tf.random.normal([7, 5])
first_layer = tf.keras.layers.Dense(8, activation=tf.nn.relu)
second_layer = tf.keras.layers.Dense(6, activation=tf.nn.relu)

with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        batch = first_layer(batch)
        batch = second_layer(batch)
        loss = tf.reduce_mean(batch**2)

    grad = inner.gradient(loss, first_layer.kernel)

hess = outer.jacobian(grad, first_layer.kernel)

# %% hessian-shapes
print(f'kernel shape: {first_layer.kernel.shape}')
print(f'hessian shape: {hess.shape}')

# %% hessian-flatten
n_params = tf.reduce_prod(first_layer.kernel.shape)

grad_col = tf.reshape(grad, [n_params, 1])
hess_mat = tf.reshape(hess, [n_params, n_params])

# %% hessian-plot-helper
def centered_image(image, **kwargs):
    limit = tf.reduce_max(abs(image))
    # the guide draws `image` with a color scale centered on zero
    return np.asarray(image), -limit, limit

# %% hessian-plot
show_random(centered_image(hess_mat)[0])

# %% newton-step
eps = 1e-3
damping = tf.eye(hess_mat.shape[0])*eps
step = tf.linalg.solve(hess_mat + damping, grad_col)

_ = first_layer.kernel.assign_sub(tf.reshape(step, first_layer.kernel.shape))

# %% batch-jacobian-setup
batch = tf.random.normal([7, 5])

first_layer = tf.keras.layers.Dense(8, activation=tf.nn.elu)
second_layer = tf.keras.layers.Dense(6, activation=tf.nn.elu)

with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
    tape.watch(batch)
    out = first_layer(batch)
    out = second_layer(out)

show(out.shape)

# %% full-jacobian
jac = tape.jacobian(out, batch)
show(jac.shape)

# %% full-jacobian-slice-plot
show_random(centered_image(jac[:, 0, :, 0])[0])

# %% patches-plot
def as_patches(jac):
    # put each diagonal block next to the others
    jac = tf.transpose(jac, [1, 0, 3, 2])
    # pad between the blocks
    limit = tf.reduce_max(abs(jac))
    jac = tf.pad(jac, [[0, 0], [1, 1], [0, 0], [1, 1]],
                 constant_values=-limit)
    # one image
    dims = jac.shape
    jac = tf.reshape(jac, [dims[0]*dims[1], dims[2]*dims[3]])
    return centered_image(jac)[0]

show_random(as_patches(jac))

# %% diagonal-sum
jac_sum = tf.reduce_sum(jac, axis=2)
print(jac_sum.shape)
jac_diag = tf.einsum('bxby->bxy', jac)
print(jac_diag.shape)

# %% batch-jacobian
jac_batch = tape.batch_jacobian(out, batch)
show(jac_batch.shape)

# %% batch-jacobian-check
err = tf.reduce_max(abs(jac_batch - jac_sum))
assert err < 1e-3
show_random(err.numpy())

# %% batchnorm-jacobian
batch = tf.random.normal([7, 5])

first_layer = tf.keras.layers.Dense(8, activation=tf.nn.elu)
norm = tf.keras.layers.BatchNormalization()
second_layer = tf.keras.layers.Dense(6, activation=tf.nn.elu)

with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
    tape.watch(batch)
    out = first_layer(batch)
    out = norm(out, training=True)
    out = second_layer(out)

jac = tape.jacobian(out, batch)
print(f'jacobian shape: {jac.shape}')

# %% batchnorm-patches
show_random(as_patches(jac))

# %% batchnorm-batch-jacobian
jac_batch = tape.batch_jacobian(out, batch)
print(f'batch jacobian shape: {jac_batch.shape}')
