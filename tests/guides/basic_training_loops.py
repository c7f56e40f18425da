# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Basic training loops (tensorflow/docs site/en/guide/basic_training_loops.ipynb),
in our own words.

The data carry random noise, so losses and fitted values print by shape and dtype;
plots become array conversions (`np.asarray`), as matplotlib would do them. Two Keras
calls are spelled as the Keras 3 that TF 2.21 ships needs them (the guide's raise
there): `save_weights` takes a `.weights.h5` name, and `losses.mean_squared_error` is
reached as its alias `losses.MSE`.
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show_random

# %% data
SLOPE = 3.0
INTERCEPT = 2.0

N = 201

xs = tf.linspace(-2, 2, N)
xs = tf.cast(xs, tf.float32)

def line(t):
    return t * SLOPE + INTERCEPT

noise = tf.random.normal(shape=[N])

ys = line(xs) + noise

# %% data-plot
print(np.asarray(xs).shape, np.asarray(ys).shape)

# %% model
class Line(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # fixed starting values (random ones are the usual practice)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, t):
        return self.w * t + self.b

model = Line()

print("variables:", model.variables)

assert model(3.0).numpy() == 15.0

# %% loss
def loss(target, predicted):
    return tf.reduce_mean(tf.square(target - predicted))

# %% loss-before-training
print(np.asarray(xs).shape, np.asarray(line(xs)).shape, np.asarray(model(xs)).shape)

print("loss now:", end=" ")
show_random(loss(ys, model(xs)).numpy())

# %% train-step
def train(model, t, target, learning_rate):

    with tf.GradientTape() as tape:
        # the tape watches the model's trainable variables by itself
        current = loss(target, model(t))

    d_w, d_b = tape.gradient(current, [model.w, model.b])

    model.w.assign_sub(learning_rate * d_w)
    model.b.assign_sub(learning_rate * d_b)

# %% training-loop-define
model = Line()

slopes = []
intercepts = []
epochs = range(10)

def summary(model, current):
    return [model.w.numpy(), model.b.numpy(), current]

def training_loop(model, t, target):

    for epoch in epochs:
        # one step on the whole data set
        train(model, t, target, learning_rate=0.1)

        slopes.append(model.w.numpy())
        intercepts.append(model.b.numpy())
        current = loss(target, model(t))

        print(f"epoch {epoch:2d}:")
        show_random(summary(model, current))

# %% training-loop-run
current = loss(ys, model(xs))

print("start:")
show_random(summary(model, current))

training_loop(model, xs, ys)

# %% training-plot
print(np.asarray(slopes).shape, np.asarray(intercepts).shape)

# %% loss-after-training
print(np.asarray(model(xs)).shape)
print("loss now:", end=" ")
show_random(loss(model(xs), ys).numpy())

# %% keras-model
class KerasLine(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def call(self, t):
        return self.w * t + self.b

keras_line = KerasLine()

training_loop(keras_line, xs, ys)

keras_line.save_weights("my_checkpoint.weights.h5")

# %% keras-compile
keras_line = KerasLine()

keras_line.compile(
    # fit() runs in a tf.function unless run_eagerly is set
    run_eagerly=False,
    optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
    loss=tf.keras.losses.MSE,
)

# %% keras-fit [random]
print(xs.shape[0])
keras_line.fit(xs, ys, epochs=10, batch_size=1000)
