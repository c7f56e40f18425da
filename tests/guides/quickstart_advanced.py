# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""TensorFlow 2 quickstart for experts (tensorflow/docs
site/en/tutorials/quickstart/advanced.ipynb), in our own words.

Stand-ins and cuts (no network):

* MNIST (`tf.keras.datasets.mnist.load_data()`) becomes seeded in-memory NumPy
  "digits" with what `load_data` hands over: 28x28 uint8 images and uint8 labels 0-9,
  512 for training and 128 for testing (`tests/guides/standins.py`, its channel axis
  dropped). Each image is noise with a bright bar whose row gives its label, so the
  model learns them in a few steps. The tutorial's own pipeline follows unchanged
  (`/ 255.0`, `[..., tf.newaxis].astype("float32")`, `shuffle(10000).batch(32)`).
* `print(tf.__version__)` is left out (it names the installed version, not
  behaviour); the tutorial imports `Dense`, `Flatten`, `Conv2D` and `Model` from TF's
  Keras package by name, here they are assigned from `tf.keras` (the scripts name
  TensorFlow only through their one `import ... as tf` line).
* Training runs 2 epochs instead of 5 (`EPOCHS`).

The model's weights start from Keras's random initialisers and the training set is
shuffled, both drawn from random streams that differ between TF and torch, so the
section that prints the epoch lines is tagged `[random]`; the sections after it print
what does not hang on the stream (metric names and counts, step counts, variable
shapes, and whether the accuracy passed 0.9 on these easy stand-in digits).
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random
from tests.guides.standins import fake_mnist

Dense, Flatten, Conv2D = tf.keras.layers.Dense, tf.keras.layers.Flatten, tf.keras.layers.Conv2D
Model = tf.keras.Model

# %% load-data
def load_data():
    # what tf.keras.datasets.mnist.load_data() returns: uint8 images and labels
    digit_rng = np.random.RandomState(7)
    train_images, train_labels = fake_mnist(digit_rng, 512)
    test_images, test_labels = fake_mnist(digit_rng, 128)
    return ((train_images[..., 0], train_labels.astype(np.uint8)),
            (test_images[..., 0], test_labels.astype(np.uint8)))

(x_train, y_train), (x_test, y_test) = load_data()
x_train, x_test = x_train / 255.0, x_test / 255.0

# a channels axis
x_train = x_train[..., tf.newaxis].astype("float32")
x_test = x_test[..., tf.newaxis].astype("float32")
print(x_train.shape, x_train.dtype, y_train.shape, y_train.dtype)
print(x_test.shape, x_test.dtype, y_test.shape, y_test.dtype)

# %% datasets
train_ds = tf.data.Dataset.from_tensor_slices(
    (x_train, y_train)).shuffle(10000).batch(32)

test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)
show(train_ds.element_spec)
print(train_ds.cardinality().numpy(), test_ds.cardinality().numpy())

# %% model
class MyModel(Model):
  def __init__(self):
    super().__init__()
    self.conv1 = Conv2D(32, 3, activation='relu')
    self.flatten = Flatten()
    self.d1 = Dense(128, activation='relu')
    self.d2 = Dense(10)

  def call(self, x):
    x = self.conv1(x)
    x = self.flatten(x)
    x = self.d1(x)
    return self.d2(x)

# one instance
model = MyModel()
print(len(model.variables))  # none before the first call

# %% loss-optimizer
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

optimizer = tf.keras.optimizers.Adam()

# %% metrics
train_loss = tf.keras.metrics.Mean(name='train_loss')
train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='train_accuracy')

test_loss = tf.keras.metrics.Mean(name='test_loss')
test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name='test_accuracy')

# %% train-step
@tf.function
def train_step(images, labels):
  with tf.GradientTape() as tape:
    # training=True matters only for layers that act differently in training
    # (Dropout, say)
    predictions = model(images, training=True)
    loss = loss_object(labels, predictions)
  gradients = tape.gradient(loss, model.trainable_variables)
  optimizer.apply_gradients(zip(gradients, model.trainable_variables))

  train_loss(loss)
  train_accuracy(labels, predictions)

# %% test-step
@tf.function
def test_step(images, labels):
  # training=False: inference behaviour
  predictions = model(images, training=False)
  t_loss = loss_object(labels, predictions)

  test_loss(t_loss)
  test_accuracy(labels, predictions)

# %% train [random]
EPOCHS = 2

for epoch in range(EPOCHS):
  # the metrics start afresh each epoch
  train_loss.reset_state()
  train_accuracy.reset_state()
  test_loss.reset_state()
  test_accuracy.reset_state()

  for images, labels in train_ds:
    train_step(images, labels)

  for test_images, test_labels in test_ds:
    test_step(test_images, test_labels)

  print(
    f'Epoch {epoch + 1}, '
    f'Loss: {train_loss.result():0.2f}, '
    f'Accuracy: {train_accuracy.result() * 100:0.2f}, '
    f'Test Loss: {test_loss.result():0.2f}, '
    f'Test Accuracy: {test_accuracy.result() * 100:0.2f}'
  )

# %% train-facts
print(train_loss.name, train_accuracy.name, test_loss.name, test_accuracy.name)
print(int(train_loss.count.numpy()), int(test_loss.count.numpy()))
print(int(optimizer.iterations.numpy()))
print([tuple(v.shape) for v in model.trainable_variables])
print(bool(train_accuracy.result() > 0.9), bool(test_accuracy.result() > 0.9))
print(bool(test_loss.result() < 1.0))
