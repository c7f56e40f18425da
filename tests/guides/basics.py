# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""TensorFlow basics (tensorflow/docs site/en/guide/basics.ipynb), in our own words.

Plots become array conversions (`np.asarray`), as matplotlib would do them.
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_random

# %% tensor-intro
grid = tf.constant([[1., 2., 3.],
                    [4., 5., 6.]])
print(grid)
print(grid.shape)
print(grid.dtype)

# %% tensor-add
show(grid + grid)

# %% tensor-scale
show(5 * grid)

# %% tensor-matmul-transpose
show(grid @ tf.transpose(grid))

# %% tensor-concat
show(tf.concat([grid, grid, grid], axis=0))

# %% tensor-softmax
show(tf.nn.softmax(grid, axis=-1))

# %% tensor-reduce-sum
show(tf.reduce_sum(grid))

# %% convert-list
show(tf.convert_to_tensor([1, 2, 3]))

# %% reduce-sum-list
show(tf.reduce_sum([1, 2, 3]))

# %% gpu-check
if tf.config.list_physical_devices('GPU'):
    print("a GPU is in use")
else:
    print("no GPU in use")

# %% variable-create
state = tf.Variable([0.0, 0.0, 0.0])

# %% variable-assign
show(state.assign([1, 2, 3]))

# %% variable-assign-add
show(state.assign_add([1, 1, 1]))

# %% autodiff-function
point = tf.Variable(1.0)

def parabola(t):
    return t**2 + 2*t - 5

# %% autodiff-value
show(parabola(point))

# %% autodiff-gradient
with tf.GradientTape() as tape:
    value = parabola(point)

slope = tape.gradient(value, point)  # d(value)/d(point)
show(slope)

# %% function-define
@tf.function
def summed(t):
    print('Tracing.\n')
    return tf.reduce_sum(t)

# %% function-first-call
show(summed(tf.constant([1, 2, 3])))

# %% function-same-signature
show(summed(tf.constant([10, 9, 8])))

# %% function-new-dtype
show(summed(tf.constant([10.0, 9.1, 8.2], dtype=tf.float32)))

# %% module-define
class Scaler(tf.Module):
    def __init__(self, factor):
        self.factor = tf.Variable(factor)

    @tf.function
    def multiply(self, t):
        return t * self.factor

# %% module-call
scaler = Scaler(3)
show(scaler.multiply(tf.constant([1, 2, 3])))

# %% saved-model-save
export_dir = './saved'
tf.saved_model.save(scaler, export_dir)

# %% saved-model-load
restored = tf.saved_model.load(export_dir)
show(restored.multiply(tf.constant([1, 2, 3])))

# %% training-data [random]
xs = tf.linspace(-2, 2, 201)
xs = tf.cast(xs, tf.float32)

def parabola(t):
    return t**2 + 2*t - 5

ys = parabola(xs) + tf.random.normal(shape=[201])

np.asarray(xs.numpy()), np.asarray(ys.numpy())  # what plotting the data converts
np.asarray(xs), np.asarray(parabola(xs))
show_random(ys)

# %% quadratic-model
class Quadratic(tf.Module):

    def __init__(self):
        # random starting values for the three parameters
        start = tf.random.uniform(shape=[3], minval=0., maxval=5., seed=22)
        self.w_q = tf.Variable(start[0])
        self.w_l = tf.Variable(start[1])
        self.b = tf.Variable(start[2])

    @tf.function
    def __call__(self, t):
        # w_q * t^2 + w_l * t + b
        return self.w_q * (t**2) + self.w_l * t + self.b

# %% quadratic-instance
quadratic = Quadratic()

# %% predictions-before
def predictions(t, targets, truth, model):
    # what the guide's plot shows: data, ground truth and predictions
    return np.asarray(t), np.asarray(targets), np.asarray(truth(t)), np.asarray(model(t))

show_random(predictions(xs, ys, parabola, quadratic))

# %% mse-loss
def mse(predicted, target):
    return tf.reduce_mean(tf.square(predicted - target))

# %% dataset
batch_size = 32
data = tf.data.Dataset.from_tensor_slices((xs, ys))
data = data.shuffle(buffer_size=xs.shape[0]).batch(batch_size)

# %% training-loop
epochs = 100
learning_rate = 0.01
history = []

for epoch in range(epochs):
    for x_batch, y_batch in data:
        with tf.GradientTape() as tape:
            batch_loss = mse(quadratic(x_batch), y_batch)
        grads = tape.gradient(batch_loss, quadratic.variables)
        for grad, var in zip(grads, quadratic.variables):
            var.assign_sub(learning_rate * grad)
    epoch_loss = mse(quadratic(xs), ys)
    history.append(epoch_loss)
    if epoch % 10 == 0:
        print(f'MSE after epoch {epoch}:', end=' ')
        show_random(epoch_loss.numpy())

print("\n")
np.asarray(history)  # the loss curve the guide plots
print(len(history))

# %% predictions-after
show_random(predictions(xs, ys, parabola, quadratic))

# %% keras-model
keras_model = tf.keras.Sequential([
    tf.keras.layers.Lambda(lambda t: tf.stack([t, t**2], axis=1)),
    tf.keras.layers.Dense(units=1, kernel_initializer=tf.random.normal)])

# %% keras-fit
keras_model.compile(
    loss=tf.keras.losses.MSE,
    optimizer=tf.keras.optimizers.SGD(learning_rate=0.01))

fit_history = keras_model.fit(xs, ys,
                              epochs=100,
                              batch_size=32,
                              verbose=0)

keras_model.save('./my_new_model.keras')

# %% keras-history
print(len(fit_history.history['loss']))
show_random(fit_history.history['loss'][-1])

# %% keras-predictions
show_random(predictions(xs, ys, parabola, keras_model))
