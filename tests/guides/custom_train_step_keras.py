# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Customizing what happens in `fit()` with TensorFlow (keras-team/keras-io, the guide
`custom_train_step_in_<TF>.py`), in our own words.

Stand-ins and cuts (no network):

* The guide selects Keras's TF backend (`KERAS_BACKEND`) and imports `keras` (and its
  `layers`) next to TF; here Keras is reached as `tf.keras` (the scripts name
  TensorFlow only through their one `import ... as tf` line), Keras 3 on TF's backend under
  TensorFlow and on its torch backend under tftape_torch: `fit` and `evaluate` run
  Keras's TF trainer (the steps in a `tf.function`) under TensorFlow and Keras's torch
  trainer (eager torch) under tftape_torch, calling the guide's `train_step` and
  `test_step`, whose tapes are TF's or this package's.
* The guide's `np.random.random` data come from a seeded `np.random.RandomState`
  (Keras's trainers draw their shuffles from other streams, so the data stay the same
  under both frameworks); 256 samples instead of 1000.
* `fit` and `evaluate` run with `verbose=0` (their progress bars carry timings); the
  sections print the history's keys and lengths instead, the values by shape (they
  hang on Keras's random initial weights and shuffles), and whether the loss fell.
  Extra `*-fixed` sections set every weight to seeded NumPy values and train without
  shuffling, so that their losses print to 4 decimals.
* MNIST (`keras.datasets.mnist.load_data()`, training and test digits together)
  becomes 64 seeded in-memory "digits" (`tests/guides/standins.py`) scaled to [0, 1],
  in batches of 16 instead of 64, and the GAN trains on 3 batches instead of 100 (the
  convolutions are large for two shared CPU cores). An extra section fits it again
  after `gan.built = True`, as keras-io's torch version of the guide has it (Keras's
  torch trainer will not fit an unbuilt model without `call()`), and another that
  also gives `keras.random.uniform` the shape `keras.ops.shape(labels)` for the
  guide's `tf.shape(labels)` (Keras's torch backend takes no tensor for a shape).

`tf.keras.utils.set_random_seed` seeds each framework's streams, yet Keras's initial
weights, its shuffles and the GAN's noise come from TF's and torch's different random
streams.
"""

# %% setup
import os

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random
from tests.guides.standins import fake_mnist

keras = tf.keras
layers = keras.layers
keras.utils.set_random_seed(1337)
data_rng = np.random.RandomState(2020)


def fixed_weights(model, seed):
    # the same weights under both frameworks (Keras draws its own from each
    # framework's random streams)
    rng = np.random.RandomState(seed)
    model.set_weights([rng.uniform(-0.3, 0.3, size=w.shape).astype("float32")
                       for w in model.get_weights()])


def history_facts(history):
    # what a History holds that does not hang on random streams
    print(sorted(history.history), {k: len(v) for k, v in history.history.items()})
    print(history.params)
    losses = history.history["loss"]
    show_random(losses[-1])
    print("loss decreased:", losses[-1] < losses[0])


# %% custom-model
class CustomModel(keras.Model):
    def train_step(self, data):
        # `data` is what fit() is given, batch by batch: here (x, y)
        x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # forward pass
            # the loss that compile() configured
            loss = self.compute_loss(y=y, y_pred=y_pred)

        # gradients
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        # one update
        self.optimizer.apply(gradients, trainable_vars)

        # the metrics, the loss's tracker among them
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)

        # metric names to their current values
        return {m.name: m.result() for m in self.metrics}

# %% custom-model-fit
inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])

# fit as usual
x = data_rng.random_sample((256, 32))
y = data_rng.random_sample((256, 1))
history = model.fit(x, y, epochs=3, verbose=0)
history_facts(history)
print([m.name for m in model.metrics], int(model.optimizer.iterations.numpy()))

# %% custom-model-fixed
inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
fixed_weights(model, 0)
history = model.fit(x, y, epochs=3, shuffle=False, verbose=0)
print({k: [f"{v:.4f}" for v in values] for k, values in history.history.items()})

# %% lower-level
class CustomModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # forward pass
            # our own loss
            loss = self.loss_fn(y, y_pred)

        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        self.optimizer.apply(gradients, trainable_vars)

        # our own metrics
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {
            "loss": self.loss_tracker.result(),
            "mae": self.mae_metric.result(),
        }

    @property
    def metrics(self):
        # listed here, the metrics are reset at the start of every epoch and of
        # evaluate()
        return [self.loss_tracker, self.mae_metric]


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)

# compile() only configures the optimizer here
model.compile(optimizer="adam")

x = data_rng.random_sample((256, 32))
y = data_rng.random_sample((256, 1))
history = model.fit(x, y, epochs=5, verbose=0)
history_facts(history)
print([m.name for m in model.metrics], int(model.optimizer.iterations.numpy()))

# %% lower-level-fixed
inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam")
fixed_weights(model, 1)
history = model.fit(x, y, epochs=5, shuffle=False, verbose=0)
print({k: [f"{v:.4f}" for v in values] for k, values in history.history.items()})
show_random(model.loss_tracker.result())
print(f"{float(model.loss_tracker.result()):.4f}", f"{float(model.mae_metric.result()):.4f}")

# %% sample-weight
class CustomModel(keras.Model):
    def train_step(self, data):
        # the data come with sample weights when fit() is given them
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data

        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)  # forward pass
            # the loss compile() configured, weighted
            loss = self.compute_loss(
                y=y,
                y_pred=y_pred,
                sample_weight=sample_weight,
            )

        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        self.optimizer.apply(gradients, trainable_vars)

        # the metrics compile() configured, weighted too
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)

        # metric names (the loss's among them) to their current values
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])

# fit() now takes sample_weight
x = data_rng.random_sample((256, 32))
y = data_rng.random_sample((256, 1))
sw = data_rng.random_sample((256, 1))
history = model.fit(x, y, sample_weight=sw, epochs=3, verbose=0)
history_facts(history)

# %% sample-weight-fixed
inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(optimizer="adam", loss="mse", metrics=["mae"])
fixed_weights(model, 2)
history = model.fit(x, y, sample_weight=sw, epochs=3, shuffle=False, verbose=0)
print({k: [f"{v:.4f}" for v in values] for k, values in history.history.items()})

# %% test-step
class CustomModel(keras.Model):
    def test_step(self, data):
        x, y = data
        # predictions
        y_pred = self(x, training=False)
        # the loss, for the metric that tracks it
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        # metric names (the loss's among them) to their current values
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(32,))
outputs = keras.layers.Dense(1)(inputs)
model = CustomModel(inputs, outputs)
model.compile(loss="mse", metrics=["mae"])

# evaluate() runs our test_step
x = data_rng.random_sample((256, 32))
y = data_rng.random_sample((256, 1))
results = model.evaluate(x, y, verbose=0)
show_random(results)

# %% test-step-fixed
fixed_weights(model, 3)
results = model.evaluate(x, y, verbose=0)
print([f"{v:.4f}" for v in results])
results = model.evaluate(x, y, verbose=0, return_dict=True)
print({k: f"{v:.4f}" for k, v in results.items()})

# %% gan-networks
discriminator = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(64, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(128, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ],
    name="discriminator",
)

latent_dim = 128
generator = keras.Sequential(
    [
        keras.Input(shape=(latent_dim,)),
        # 128 coefficients per position of a 7x7 map
        layers.Dense(7 * 7 * 128),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Reshape((7, 7, 128)),
        layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(128, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
    ],
    name="generator",
)
print(discriminator.output_shape, generator.output_shape)
print(discriminator.count_params(), generator.count_params())

# %% gan-class
class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.seed_generator = keras.random.SeedGenerator(1337)

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        # random points of the latent space
        batch_size = tf.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )

        # turned into fake images
        generated_images = self.generator(random_latent_vectors)

        # next to the real ones
        combined_images = tf.concat([generated_images, real_images], axis=0)

        # labels telling the fake images from the real ones
        labels = tf.concat(
            [tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0
        )
        # noise on the labels, the guide's trick
        labels += 0.05 * keras.random.uniform(
            tf.shape(labels), seed=self.seed_generator
        )

        # the discriminator's step
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        # new random points of the latent space
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )

        # labels that call every image real
        misleading_labels = tf.zeros((batch_size, 1))

        # the generator's step (the discriminator's weights stay as they are)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)

        # the metrics, and their values
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {
            "d_loss": self.d_loss_tracker.result(),
            "g_loss": self.g_loss_tracker.result(),
        }

# %% gan-dataset
batch_size = 16
gan_rng = np.random.RandomState(4)
(x_train, _), (x_test, _) = fake_mnist(gan_rng, 48), fake_mnist(gan_rng, 16)
all_digits = np.concatenate([x_train[..., 0], x_test[..., 0]])
all_digits = all_digits.astype("float32") / 255.0
all_digits = np.reshape(all_digits, (-1, 28, 28, 1))
dataset = tf.data.Dataset.from_tensor_slices(all_digits)
dataset = dataset.shuffle(buffer_size=1024).batch(batch_size)
show(dataset.element_spec)
print(dataset.cardinality().numpy())

# %% gan-compile
gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
print([m.name for m in gan.metrics])

# %% gan-fit
# a few batches only, to keep it short (nice digits take about 20 epochs)
history = gan.fit(dataset.take(3), epochs=1, verbose=0)
print(sorted(history.history), history.params)
show_random(history.history)
print(all(np.isfinite(v[0]) for v in history.history.values()))
print(int(gan.d_optimizer.iterations.numpy()), int(gan.g_optimizer.iterations.numpy()))

# %% gan-fit-built
# Keras's torch trainer traces an unbuilt model symbolically before fit(), which a
# model without call() cannot take: keras-io's torch version of this guide sets
# `self.built = True` in GAN.__init__ for that
gan.built = True
history = gan.fit(dataset.take(3), epochs=1, verbose=0)
print(sorted(history.history), history.params)
show_random(history.history)
print(all(np.isfinite(v[0]) for v in history.history.values()))
print(int(gan.d_optimizer.iterations.numpy()), int(gan.g_optimizer.iterations.numpy()))

# %% gan-fit-portable
# the labels' shape as `keras.ops.shape(labels)`, which both Keras backends take:
# Keras's torch backend hands the shape to torch.rand, which takes no tensor
# (`tf.shape(labels)`) for it, and keras-io's torch version's `labels.shape` has no
# batch size in the graph Keras's TF trainer traces
class BuiltGAN(GAN):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.built = True

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = tf.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(random_latent_vectors)
        combined_images = tf.concat([generated_images, real_images], axis=0)
        labels = tf.concat(
            [tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0
        )
        labels += 0.05 * keras.random.uniform(keras.ops.shape(labels), seed=self.seed_generator)

        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        misleading_labels = tf.zeros((batch_size, 1))

        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply(grads, self.generator.trainable_weights)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {
            "d_loss": self.d_loss_tracker.result(),
            "g_loss": self.g_loss_tracker.result(),
        }


gan = BuiltGAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
before = [w.numpy().copy() for w in generator.trainable_weights]
history = gan.fit(dataset.take(3), epochs=1, verbose=0)
print(sorted(history.history), history.params)
show_random(history.history)
print(all(np.isfinite(v[0]) for v in history.history.values()))
print(int(gan.d_optimizer.iterations.numpy()), int(gan.g_optimizer.iterations.numpy()))
print("generator changed:", all(not np.array_equal(b, w.numpy())
                                for b, w in zip(before, generator.trainable_weights)))
