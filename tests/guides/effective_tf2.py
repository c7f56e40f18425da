# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Effective TensorFlow 2 (tensorflow/docs site/en/guide/effective_tf2.ipynb), in our own
words.

Stand-ins (no network; TF Datasets (`tfds`) is not a dependency here):

* MNIST (`tfds.load(name='mnist', with_info=True, as_supervised=True)`) becomes seeded
  in-memory NumPy "digits": 28x28x1 uint8 images with int64 labels 0-9 (tfds's
  dtypes), 512 for training and 128 for testing, each noise with a bright bar whose
  row gives the label. The splits are `tf.data.Dataset.from_tensor_slices((images,
  labels))` (unbatched (image, label) pairs, as tfds hands them over); `info` is not
  made. The guide's own pipeline follows unchanged: `map(scale).shuffle(10).batch(64)`,
  `take(5)`.
* Training runs 2 epochs instead of 5 (`NUM_EPOCHS`), still on 5 steps per epoch.

Keras's `fit`/`evaluate` run with `verbose=0` (their progress bars carry timings); what
they return is printed instead: history keys and params, the loss and accuracy by
type (`show_random`: the weights start from Keras's random initialisers, and shuffling
and dropout draw from the random stream, which differ between TF and torch). The
custom loops print their epoch lines; the losses and accuracies the guide prints with
the metrics are random too, so that section is tagged `[random]` and the next one
prints what does not depend on the stream.

The guide was written for Keras 2; under TF 2.21 (Keras 3) some of its calls fail.
Each such call is kept and its error class printed, followed by the Keras 3
spelling: `DynamicRNN.__init__` passes `self` on to `Model.__init__`,
`LSTMCell.get_initial_state` takes no `dtype`, and metrics have `reset_state`,
not `reset_states`.
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random
from tests.guides.standins import fake_mnist

# %% load-data
digit_rng = np.random.RandomState(2)

datasets = {
    'train': tf.data.Dataset.from_tensor_slices(fake_mnist(digit_rng, 512)),
    'test': tf.data.Dataset.from_tensor_slices(fake_mnist(digit_rng, 128)),
}
mnist_train, mnist_test = datasets['train'], datasets['test']
print(mnist_train.cardinality().numpy(), mnist_test.cardinality().numpy())

# %% constants-scale
BUFFER_SIZE = 10  # real code wants a much larger buffer
BATCH_SIZE = 64
NUM_EPOCHS = 2


def scale(image, label):
    image = tf.cast(image, tf.float32)
    image /= 255

    return image, label

# %% pipeline
train_data = mnist_train.map(scale).shuffle(BUFFER_SIZE).batch(BATCH_SIZE)
test_data = mnist_test.map(scale).batch(BATCH_SIZE)

STEPS_PER_EPOCH = 5

train_data = train_data.take(STEPS_PER_EPOCH)
test_data = test_data.take(STEPS_PER_EPOCH)
print(train_data.cardinality().numpy(), test_data.cardinality().numpy())

# %% first-batch
image_batch, label_batch = next(iter(train_data))
print(image_batch.shape, label_batch.shape)
print(tf.reduce_min(image_batch).numpy(), tf.reduce_max(image_batch).numpy())

# %% keras-fit
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(32, 3, activation='relu',
                           kernel_regularizer=tf.keras.regularizers.l2(0.02),
                           input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dropout(0.1),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dense(10)
])

# no custom layers in this model
model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])

fit_history = model.fit(train_data, epochs=NUM_EPOCHS, verbose=0)
loss, acc = model.evaluate(test_data, verbose=0)

print(sorted(fit_history.history), fit_history.params)
print("Loss", end=" ")
show_random(loss)
print("Accuracy", end=" ")
show_random(acc)

# %% custom-loop
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(32, 3, activation='relu',
                           kernel_regularizer=tf.keras.regularizers.l2(0.02),
                           input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dropout(0.1),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.BatchNormalization(),
    tf.keras.layers.Dense(10)
])

optimizer = tf.keras.optimizers.Adam(0.001)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

@tf.function
def train_step(inputs, labels):
    with tf.GradientTape() as tape:
        predictions = model(inputs, training=True)
        regularization_loss = tf.math.add_n(model.losses)
        pred_loss = loss_fn(labels, predictions)
        total_loss = pred_loss + regularization_loss

    gradients = tape.gradient(total_loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))

for epoch in range(NUM_EPOCHS):
    for inputs, labels in train_data:
        train_step(inputs, labels)
    print("Finished epoch", epoch)

# %% custom-loop-facts
print(len(model.losses), len(model.trainable_variables), len(model.variables))
print(int(optimizer.iterations.numpy()))

# %% dynamic-rnn-keras2
class DynamicRNN(tf.keras.Model):

    def __init__(self, rnn_cell):
        super(DynamicRNN, self).__init__(self)
        self.cell = rnn_cell

try:
    DynamicRNN(tf.keras.layers.LSTMCell(units=13))
except Exception as err:  # Keras 3: Model.__init__ takes no positional `self`
    show_error(err)

# %% dynamic-rnn
class DynamicRNN(tf.keras.Model):

    def __init__(self, rnn_cell):
        super(DynamicRNN, self).__init__()
        self.cell = rnn_cell

    @tf.function(input_signature=[tf.TensorSpec(dtype=tf.float32, shape=[None, None, 3])])
    def call(self, input_data):

        # [batch, time, features] -> [time, batch, features]
        input_data = tf.transpose(input_data, [1, 0, 2])
        timesteps = tf.shape(input_data)[0]
        batch_size = tf.shape(input_data)[1]
        outputs = tf.TensorArray(tf.float32, timesteps)
        state = self.cell.get_initial_state(batch_size=batch_size)
        for i in tf.range(timesteps):
            output, state = self.cell(input_data[i], state)
            outputs = outputs.write(i, output)
        return tf.transpose(outputs.stack(), [1, 0, 2]), state

# %% dynamic-rnn-initial-state-dtype
lstm_cell = tf.keras.layers.LSTMCell(units=13)
try:
    lstm_cell.get_initial_state(batch_size=2, dtype=tf.float32)
except TypeError as err:  # Keras 3's get_initial_state takes no dtype
    show_error(err)

# %% dynamic-rnn-run
lstm_cell = tf.keras.layers.LSTMCell(units=13)

my_rnn = DynamicRNN(lstm_cell)
outputs, state = my_rnn(tf.random.normal(shape=[10, 20, 3]))
print(outputs.shape)
print([s.shape for s in state])

# %% loss-object
cce = tf.keras.losses.CategoricalCrossentropy(from_logits=True)
show(cce([[1, 0]], [[-1.0, 3.0]]).numpy())

# %% metrics-reset-states
loss_metric = tf.keras.metrics.Mean(name='train_loss')
try:
    loss_metric.reset_states()
except AttributeError as err:  # Keras 3: reset_state
    show_error(err)

# %% metrics-loop [random]
# the metrics
loss_metric = tf.keras.metrics.Mean(name='train_loss')
accuracy_metric = tf.keras.metrics.SparseCategoricalAccuracy(name='train_accuracy')

@tf.function
def train_step(inputs, labels):
    with tf.GradientTape() as tape:
        predictions = model(inputs, training=True)
        regularization_loss = tf.math.add_n(model.losses)
        pred_loss = loss_fn(labels, predictions)
        total_loss = pred_loss + regularization_loss

    gradients = tape.gradient(total_loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    # the metrics follow each step
    loss_metric.update_state(total_loss)
    accuracy_metric.update_state(labels, predictions)


for epoch in range(NUM_EPOCHS):
    # start each epoch afresh
    loss_metric.reset_state()
    accuracy_metric.reset_state()

    for inputs, labels in train_data:
        train_step(inputs, labels)
    # read the metrics
    mean_loss = loss_metric.result()
    mean_accuracy = accuracy_metric.result()

    print('Epoch: ', epoch)
    print('  loss:     {:.3f}'.format(mean_loss))
    print('  accuracy: {:.3f}'.format(mean_accuracy))

# %% metrics-facts
print(loss_metric.name, accuracy_metric.name)
print(int(loss_metric.count.numpy()), int(accuracy_metric.count.numpy()))
print(0.0 <= float(accuracy_metric.result()) <= 1.0, float(loss_metric.result()) > 0.0)
loss_metric.reset_state()
show(loss_metric.result().numpy())

# %% metric-names
model.compile(
    optimizer=tf.keras.optimizers.Adam(0.001),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=['acc', 'accuracy', tf.keras.metrics.SparseCategoricalAccuracy(name="my_accuracy")])
history = model.fit(train_data, verbose=0)

# %% history-keys
show(history.history.keys())
