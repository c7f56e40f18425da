# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Writing a training loop from scratch in TensorFlow (keras-team/keras-io, the
guide `writing_a_custom_training_loop_in_<TF>.py`), in our own words.

Stand-ins and cuts (no network; PIL is not a dependency here):

* The guide selects Keras's TF backend (`KERAS_BACKEND`) and imports `keras` next to
  TF; here Keras is reached as `tf.keras` (the scripts name TensorFlow only through
  their one `import ... as tf` line), which is Keras 3 on TF's backend under
  TensorFlow and on its torch backend under tftape_torch.
* MNIST (`keras.datasets.mnist.load_data()`) becomes seeded in-memory NumPy "digits"
  (`tests/guides/standins.py`): 28x28 uint8 images and uint8 labels, 768 for training
  and 128 for testing, of which the last 128 training ones are held out for validation
  (the guide holds out 10,000). The images are fed unscaled, as the guide feeds them.
  The GAN's dataset is 64 of these digits scaled to [0, 1], in batches of 16 instead
  of 64, and training stops after 3 steps instead of 12 (the convolutions are large
  for two shared CPU cores).
* The loops log every 10 steps instead of every 100 (an epoch here has 20 batches),
  and "Time taken" prints without its seconds. The GAN's `keras.utils.array_to_img`
  and `img.save` (PIL) become a print of the image's shape and the file name.
* The regularization section's `train_step` is defined, as in the guide, and also run
  for a few steps here; `model.losses` is read after an eager call (after a traced one
  TF's holds symbolic tensors).
* Extra sections (`*-facts`, `*-fixed`) print what does not hang on a random stream:
  variable shapes, step counts, metric names, whether a loss fell; and the losses of
  a model whose weights are set to fixed seeded NumPy values (`fixed-weights`),
  trained on unshuffled batches, to 4 decimals (6 significant digits for the
  regularized model's losses of several hundred).

`tf.keras.utils.set_random_seed` seeds each framework's streams, yet Keras's initial
weights, the shuffle orders and the GAN's noise come from TF's and torch's different
random streams, so sections that print losses and accuracies as the guide does are
tagged `[random]`.
"""

# %% setup
import time
import os

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random
from tests.guides.standins import fake_mnist

keras = tf.keras
keras.utils.set_random_seed(1337)

# %% get-model
def get_model():
    inputs = keras.Input(shape=(784,), name="digits")
    x1 = keras.layers.Dense(64, activation="relu")(inputs)
    x2 = keras.layers.Dense(64, activation="relu")(x1)
    outputs = keras.layers.Dense(10, name="predictions")(x2)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


model = get_model()
print([layer.name for layer in model.layers])
print([tuple(w.shape) for w in model.trainable_weights])

# %% load-data
def load_data():
    # what keras.datasets.mnist.load_data() returns: uint8 images and labels
    digit_rng = np.random.RandomState(11)
    train_images, train_labels = fake_mnist(digit_rng, 768)
    test_images, test_labels = fake_mnist(digit_rng, 128)
    return ((train_images[..., 0], train_labels.astype(np.uint8)),
            (test_images[..., 0], test_labels.astype(np.uint8)))

# %% optimizer-loss-data
# an optimizer, a loss function and the data
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

batch_size = 32
(x_train, y_train), (x_test, y_test) = load_data()
x_train = np.reshape(x_train, (-1, 784))
x_test = np.reshape(x_test, (-1, 784))

# hold out the last 128 samples for validation
x_val = x_train[-128:]
y_val = y_train[-128:]
x_train = x_train[:-128]
y_train = y_train[:-128]

train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_dataset = train_dataset.shuffle(buffer_size=1024).batch(batch_size)

val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val))
val_dataset = val_dataset.batch(batch_size)

print(x_train.shape, x_train.dtype, x_val.shape, y_val.dtype)
show(train_dataset.element_spec)
print(train_dataset.cardinality().numpy(), val_dataset.cardinality().numpy())

# %% first-loop [random]
first_losses = []
epochs = 3
for epoch in range(epochs):
    print(f"\nStart of epoch {epoch}")

    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        # the tape records the forward pass, so that it can differentiate it
        with tf.GradientTape() as tape:
            logits = model(x_batch_train, training=True)  # this batch's logits

            # this batch's loss
            loss_value = loss_fn(y_batch_train, logits)

        # gradients of the loss with respect to the trainable weights
        grads = tape.gradient(loss_value, model.trainable_weights)

        # one gradient-descent update of the weights
        optimizer.apply(grads, model.trainable_weights)
        first_losses.append(float(loss_value))

        if step % 10 == 0:
            print(
                f"Training loss (for 1 batch) at step {step}: {float(loss_value):.4f}"
            )
            print(f"Seen so far: {(step + 1) * batch_size} samples")

# %% first-loop-facts
print(len(first_losses), int(optimizer.iterations.numpy()))
print(type(grads).__name__, len(grads), [tuple(g.shape) for g in grads])
show_random(loss_value)
print("loss decreased:", bool(np.mean(first_losses[-5:]) < np.mean(first_losses[:5])))

# %% fixed-weights
def fixed_weights(model, seed):
    # the same starting weights under both frameworks (Keras draws its own from
    # each framework's random streams)
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(-0.1, 0.1, size=w.shape).astype("float32")
                       for w in model.get_weights()])

# %% first-loop-fixed
model_fixed = get_model()
fixed_weights(model_fixed, 0)
optimizer_fixed = keras.optimizers.Adam(learning_rate=1e-3)
for x_batch, y_batch in tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size).take(5):
    with tf.GradientTape() as tape:
        logits = model_fixed(x_batch, training=True)
        loss_value = loss_fn(y_batch, logits)
    grads = tape.gradient(loss_value, model_fixed.trainable_weights)
    optimizer_fixed.apply(grads, model_fixed.trainable_weights)
    print(f"{float(loss_value):.4f}")

# %% metrics-setup
# a fresh model
model = get_model()

optimizer = keras.optimizers.Adam(learning_rate=1e-3)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

# the metrics
train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
val_acc_metric = keras.metrics.SparseCategoricalAccuracy()
print(train_acc_metric.name, val_acc_metric.name)
show(train_acc_metric.result())

# %% metrics-loop [random]
epoch_val_accs = []
epochs = 2
for epoch in range(epochs):
    print(f"\nStart of epoch {epoch}")
    start_time = time.time()

    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        with tf.GradientTape() as tape:
            logits = model(x_batch_train, training=True)
            loss_value = loss_fn(y_batch_train, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply(grads, model.trainable_weights)

        # the training metric
        train_acc_metric.update_state(y_batch_train, logits)

        if step % 10 == 0:
            print(
                f"Training loss (for 1 batch) at step {step}: {float(loss_value):.4f}"
            )
            print(f"Seen so far: {(step + 1) * batch_size} samples")

    # the epoch's metrics
    train_acc = train_acc_metric.result()
    print(f"Training acc over epoch: {float(train_acc):.4f}")

    # start the next epoch afresh
    train_acc_metric.reset_state()

    # a validation pass after each epoch
    for x_batch_val, y_batch_val in val_dataset:
        val_logits = model(x_batch_val, training=False)
        val_acc_metric.update_state(y_batch_val, val_logits)
    val_acc = val_acc_metric.result()
    val_acc_metric.reset_state()
    epoch_val_accs.append(float(val_acc))
    print(f"Validation acc: {float(val_acc):.4f}")
    print(f"Time taken: {time.time() - start_time >= 0}")

# %% metrics-loop-facts
show(train_acc_metric.result())
show(val_acc_metric.result())
print(int(optimizer.iterations.numpy()), len(epoch_val_accs))
print("validation accuracy above 0.5:", epoch_val_accs[-1] > 0.5)

# %% metrics-fixed
fixed_weights(model_fixed, 1)
fixed_acc = keras.metrics.SparseCategoricalAccuracy()
for x_batch_val, y_batch_val in val_dataset:
    fixed_acc.update_state(y_batch_val, model_fixed(x_batch_val, training=False))
show(fixed_acc.result())
print(int(fixed_acc.count.numpy()))

# %% train-step-function
@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    train_acc_metric.update_state(y, logits)
    return loss_value

# %% test-step-function
@tf.function
def test_step(x, y):
    val_logits = model(x, training=False)
    val_acc_metric.update_state(y, val_logits)

# %% compiled-loop [random]
compiled_losses = []
epochs = 2
for epoch in range(epochs):
    print(f"\nStart of epoch {epoch}")
    start_time = time.time()

    for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
        loss_value = train_step(x_batch_train, y_batch_train)
        compiled_losses.append(float(loss_value))

        if step % 10 == 0:
            print(
                f"Training loss (for 1 batch) at step {step}: {float(loss_value):.4f}"
            )
            print(f"Seen so far: {(step + 1) * batch_size} samples")

    train_acc = train_acc_metric.result()
    print(f"Training acc over epoch: {float(train_acc):.4f}")

    train_acc_metric.reset_state()

    for x_batch_val, y_batch_val in val_dataset:
        test_step(x_batch_val, y_batch_val)

    val_acc = val_acc_metric.result()
    val_acc_metric.reset_state()
    print(f"Validation acc: {float(val_acc):.4f}")
    print(f"Time taken: {time.time() - start_time >= 0}")

# %% compiled-loop-facts
show_random(loss_value)
print(len(compiled_losses), int(optimizer.iterations.numpy()))
print("validation accuracy above 0.5:", float(val_acc) > 0.5)
print(type(train_step).__name__, type(test_step).__name__)

# %% compiled-fixed
# the same compiled step on fixed weights and the first five batches, unshuffled
fixed_weights(model_fixed, 2)
optimizer_fixed = keras.optimizers.Adam(learning_rate=1e-3)
fixed_acc.reset_state()

@tf.function
def fixed_train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model_fixed(x, training=True)
        loss_value = loss_fn(y, logits)
    grads = tape.gradient(loss_value, model_fixed.trainable_weights)
    optimizer_fixed.apply(grads, model_fixed.trainable_weights)
    fixed_acc.update_state(y, logits)
    return loss_value

for x_batch, y_batch in tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size).take(5):
    print(f"{float(fixed_train_step(x_batch, y_batch)):.4f}")
print(f"{float(fixed_acc.result()):.4f}", int(optimizer_fixed.iterations.numpy()))

# %% activity-regularization-layer
class ActivityRegularizationLayer(keras.layers.Layer):
    def call(self, inputs):
        self.add_loss(1e-2 * tf.reduce_sum(inputs))
        return inputs

# %% regularized-model
inputs = keras.Input(shape=(784,), name="digits")
x = keras.layers.Dense(64, activation="relu")(inputs)
# the activity regularization, as a layer
x = ActivityRegularizationLayer()(x)
x = keras.layers.Dense(64, activation="relu")(x)
outputs = keras.layers.Dense(10, name="predictions")(x)

model = keras.Model(inputs=inputs, outputs=outputs)
print(len(model.layers), len(model.losses))

# %% regularized-train-step
@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        logits = model(x, training=True)
        loss_value = loss_fn(y, logits)
        # the losses the forward pass added
        loss_value += sum(model.losses)
    grads = tape.gradient(loss_value, model.trainable_weights)
    optimizer.apply(grads, model.trainable_weights)
    train_acc_metric.update_state(y, logits)
    return loss_value

# %% regularized-train-step-run
optimizer = keras.optimizers.Adam(learning_rate=1e-3)
fixed_weights(model, 3)
for x_batch, y_batch in tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(batch_size).take(3):
    loss_value = train_step(x_batch, y_batch)
    print(f"{float(loss_value):.6g}")
# after a traced call model.losses holds the trace's tensors: an eager call refills it
model(x_batch)
print(len(model.losses))
show(model.losses[0].shape)
print(f"{float(sum(model.losses)):.6g}")

# %% discriminator
discriminator = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.GlobalMaxPooling2D(),
        keras.layers.Dense(1),
    ],
    name="discriminator",
)
discriminator.summary()

# %% generator
latent_dim = 128

generator = keras.Sequential(
    [
        keras.Input(shape=(latent_dim,)),
        # 128 coefficients per position of a 7x7 map
        keras.layers.Dense(7 * 7 * 128),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Reshape((7, 7, 128)),
        keras.layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        keras.layers.LeakyReLU(negative_slope=0.2),
        keras.layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
    ],
    name="generator",
)
print(generator.output_shape, len(generator.trainable_weights))

# %% gan-train-step
# one optimizer per network
d_optimizer = keras.optimizers.Adam(learning_rate=0.0003)
g_optimizer = keras.optimizers.Adam(learning_rate=0.0004)

loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)


@tf.function
def train_step(real_images):
    # random points of the latent space
    random_latent_vectors = tf.random.normal(shape=(batch_size, latent_dim))
    # turned into fake images
    generated_images = generator(random_latent_vectors)
    # next to the real ones
    combined_images = tf.concat([generated_images, real_images], axis=0)

    # labels telling the fake images from the real ones
    labels = tf.concat(
        [tf.ones((batch_size, 1)), tf.zeros((real_images.shape[0], 1))], axis=0
    )
    # noise on the labels, the guide's trick
    labels += 0.05 * tf.random.uniform(labels.shape)

    # the discriminator's step
    with tf.GradientTape() as tape:
        predictions = discriminator(combined_images)
        d_loss = loss_fn(labels, predictions)
    grads = tape.gradient(d_loss, discriminator.trainable_weights)
    d_optimizer.apply(grads, discriminator.trainable_weights)

    # new random points of the latent space
    random_latent_vectors = tf.random.normal(shape=(batch_size, latent_dim))
    # labels that call every image real
    misleading_labels = tf.zeros((batch_size, 1))

    # the generator's step (the discriminator's weights stay as they are)
    with tf.GradientTape() as tape:
        predictions = discriminator(generator(random_latent_vectors))
        g_loss = loss_fn(misleading_labels, predictions)
    grads = tape.gradient(g_loss, generator.trainable_weights)
    g_optimizer.apply(grads, generator.trainable_weights)
    return d_loss, g_loss, generated_images

# %% gan-dataset
batch_size = 16
gan_rng = np.random.RandomState(3)
x_gan, _ = fake_mnist(gan_rng, 48)
x_gan_test, _ = fake_mnist(gan_rng, 16)
all_digits = np.concatenate([x_gan[..., 0], x_gan_test[..., 0]])
all_digits = all_digits.astype("float32") / 255.0
all_digits = np.reshape(all_digits, (-1, 28, 28, 1))
dataset = tf.data.Dataset.from_tensor_slices(all_digits)
dataset = dataset.shuffle(buffer_size=1024).batch(batch_size)
show(dataset.element_spec)
print(dataset.cardinality().numpy())

# %% gan-train [random]
epochs = 1  # real digits take at least 20
save_dir = "./"
gan_losses = []

for epoch in range(epochs):
    print(f"\nStart epoch {epoch}")

    for step, real_images in enumerate(dataset):
        # one step of each network on one batch of real images
        d_loss, g_loss, generated_images = train_step(real_images)
        gan_losses.append((float(d_loss), float(g_loss)))

        if step % 100 == 0:
            print(f"discriminator loss at step {step}: {d_loss:.2f}")
            print(f"adversarial loss at step {step}: {g_loss:.2f}")

            # the guide saves one generated image with PIL
            img = generated_images[0] * 255.0
            print(tuple(img.shape), os.path.join(save_dir, f"generated_img_{step}.png"))

        # stop early to keep it short
        if step >= 2:
            break

# %% gan-facts
print(len(gan_losses), int(d_optimizer.iterations.numpy()), int(g_optimizer.iterations.numpy()))
show_random((d_loss, g_loss, generated_images))
print(all(np.isfinite(gan_losses).ravel()))
print(bool(tf.reduce_all((generated_images >= 0) & (generated_images <= 1))))
