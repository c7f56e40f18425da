# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Convolutional Variational Autoencoder
(tensorflow/docs site/en/tutorials/generative/cvae.ipynb), in our own words.

Stand-ins and cuts (no network; neither TensorFlow Probability, matplotlib, PIL,
imageio, IPython nor the TF Docs package's `embed` are dependencies here):

* MNIST (`tf.keras.datasets.mnist.load_data()`) becomes seeded in-memory NumPy
  "digits" (`tests/guides/standins.py`): 256 for training and 64 for testing, 28x28x1
  uint8 images, each noise with a bright bar whose row gives its label. The guide's
  own `preprocess_images` binarizes them unchanged, and its pipelines
  (`from_tensor_slices(...).shuffle(size).batch(32)`) follow with `train_size = 256`
  and `test_size = 64` instead of 60000 and 10000.
* Training runs 2 epochs instead of 10. The per-epoch line, whose ELBO comes from
  the random stream and whose seconds vary, is printed in a `[random]` section as
  the guide prints it; the loop also keeps each epoch's ELBO, so that the next
  section can print what does not hang on the stream (finite, improved).
* `generate_and_save_images` draws nothing: it prints the file name it would save,
  the predictions' shape and whether they are probabilities. `display.clear_output`,
  `display_image` and the GIF cells are dropped (the GIF section prints the sorted
  names of the images the run would have saved).
* `tfp.distributions.Normal(0, 1)` becomes a small stand-in class whose `quantile`
  is `loc + scale * tf.math.ndtri(p)` in float32, as TFP computes it.
  `plot_latent_images` decodes the guide's 20x20 grid into the same image but
  draws nothing: it prints the image's shape and whether its pixels are
  probabilities.

The weights start from Keras's random initialisers and the reparameterization draws
from `tf.random.normal`, whose bits differ between TF and torch: those values are
printed by shape and dtype only (`show_random`). The guide's `log_normal_pdf` and
the latent grid's quantiles run on fixed values, which print the same under both.
"""

# %% setup
import time

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random
from tests.guides.standins import fake_mnist

# %% load-data
digit_rng = np.random.RandomState(7)
(train_images, _), (test_images, _) = fake_mnist(digit_rng, 256), fake_mnist(digit_rng, 64)
print(train_images.shape, test_images.shape, train_images.dtype)

# %% preprocess
def preprocess_images(images):
  images = images.reshape((images.shape[0], 28, 28, 1)) / 255.
  return np.where(images > .5, 1.0, 0.0).astype('float32')

train_images = preprocess_images(train_images)
test_images = preprocess_images(test_images)
print(train_images.shape, train_images.dtype, np.unique(train_images))
print(int(train_images.sum()), int(test_images.sum()))

# %% sizes
train_size = 256
batch_size = 32
test_size = 64

# %% datasets
train_dataset = (tf.data.Dataset.from_tensor_slices(train_images)
                 .shuffle(train_size).batch(batch_size))
test_dataset = (tf.data.Dataset.from_tensor_slices(test_images)
                .shuffle(test_size).batch(batch_size))
print(train_dataset.cardinality().numpy(), test_dataset.cardinality().numpy())
print(train_dataset.element_spec)

# %% cvae-class
class CVAE(tf.keras.Model):
  """Convolutional variational autoencoder."""

  def __init__(self, latent_dim):
    super(CVAE, self).__init__()
    self.latent_dim = latent_dim
    self.encoder = tf.keras.Sequential(
        [
            tf.keras.layers.InputLayer(input_shape=(28, 28, 1)),
            tf.keras.layers.Conv2D(
                filters=32, kernel_size=3, strides=(2, 2), activation='relu'),
            tf.keras.layers.Conv2D(
                filters=64, kernel_size=3, strides=(2, 2), activation='relu'),
            tf.keras.layers.Flatten(),
            # No activation
            tf.keras.layers.Dense(latent_dim + latent_dim),
        ]
    )

    self.decoder = tf.keras.Sequential(
        [
            tf.keras.layers.InputLayer(input_shape=(latent_dim,)),
            tf.keras.layers.Dense(units=7*7*32, activation=tf.nn.relu),
            tf.keras.layers.Reshape(target_shape=(7, 7, 32)),
            tf.keras.layers.Conv2DTranspose(
                filters=64, kernel_size=3, strides=2, padding='same',
                activation='relu'),
            tf.keras.layers.Conv2DTranspose(
                filters=32, kernel_size=3, strides=2, padding='same',
                activation='relu'),
            # No activation
            tf.keras.layers.Conv2DTranspose(
                filters=1, kernel_size=3, strides=1, padding='same'),
        ]
    )

  @tf.function
  def sample(self, eps=None):
    if eps is None:
      eps = tf.random.normal(shape=(100, self.latent_dim))
    return self.decode(eps, apply_sigmoid=True)

  def encode(self, x):
    mean, logvar = tf.split(self.encoder(x), num_or_size_splits=2, axis=1)
    return mean, logvar

  def reparameterize(self, mean, logvar):
    eps = tf.random.normal(shape=mean.shape)
    return eps * tf.exp(logvar * .5) + mean

  def decode(self, z, apply_sigmoid=False):
    logits = self.decoder(z)
    if apply_sigmoid:
      probs = tf.sigmoid(logits)
      return probs
    return logits

# %% loss-and-train-step
optimizer = tf.keras.optimizers.Adam(1e-4)


def log_normal_pdf(sample, mean, logvar, raxis=1):
  log2pi = tf.math.log(2. * np.pi)
  return tf.reduce_sum(
      -.5 * ((sample - mean) ** 2. * tf.exp(-logvar) + logvar + log2pi),
      axis=raxis)


def compute_loss(model, x):
  mean, logvar = model.encode(x)
  z = model.reparameterize(mean, logvar)
  x_logit = model.decode(z)
  cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
  logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
  logpz = log_normal_pdf(z, 0., 0.)
  logqz_x = log_normal_pdf(z, mean, logvar)
  return -tf.reduce_mean(logpx_z + logpz - logqz_x)


@tf.function
def train_step(model, x, optimizer):
  """Executes one training step and returns the loss.

  This function computes the loss and gradients, and uses the latter to
  update the model's parameters.
  """
  with tf.GradientTape() as tape:
    loss = compute_loss(model, x)
  gradients = tape.gradient(loss, model.trainable_variables)
  optimizer.apply_gradients(zip(gradients, model.trainable_variables))

# %% log-normal-pdf-values
points = tf.constant([[0.5, -1.0], [2.0, 0.0]])
show(log_normal_pdf(points, 0., 0.))
print(f"{float(tf.math.log(2. * np.pi)):.6f}")
print([f"{v:.5f}" for v in log_normal_pdf(points, tf.constant([[0.0, -1.0], [1.0, 1.0]]),
                                          tf.constant([[0.5, 0.0], [-1.0, 0.25]])).numpy()])

# %% model
epochs = 2
# set the dimensionality of the latent space to a plane for visualization later
latent_dim = 2
num_examples_to_generate = 16

# keeping the random vector constant for generation (prediction) so
# it will be easier to see the improvement.
random_vector_for_generation = tf.random.normal(
    shape=[num_examples_to_generate, latent_dim])
model = CVAE(latent_dim)
show_random(random_vector_for_generation)
print(model.encoder.output_shape, model.decoder.output_shape)
print(len(model.encoder.layers), len(model.decoder.layers))
print([tuple(v.shape) for v in model.trainable_variables])

# %% generate-and-save-images
saved_images = set()

def generate_and_save_images(model, epoch, test_sample):
  mean, logvar = model.encode(test_sample)
  z = model.reparameterize(mean, logvar)
  predictions = model.sample(z)
  # the guide draws a 4x4 grid of predictions[i, :, :, 0] and saves it
  filename = 'image_at_epoch_{:04d}.png'.format(epoch)
  saved_images.add(filename)
  print(filename, predictions.shape,
        bool(tf.reduce_all((predictions >= 0.0) & (predictions <= 1.0))))

# %% test-sample
# Pick a sample of the test set for generating output images
assert batch_size >= num_examples_to_generate
for test_batch in test_dataset.take(1):
  test_sample = test_batch[0:num_examples_to_generate, :, :, :]
print(test_sample.shape)

# %% encode-decode
mean, logvar = model.encode(test_sample)
z = model.reparameterize(mean, logvar)
show_random([mean, logvar, z])
show_random(model.decode(z))
show_random(model.sample())
show_random(compute_loss(model, test_sample))

# %% train [random]
elbos = []  # not in the guide: for the facts below
generate_and_save_images(model, 0, test_sample)

for epoch in range(1, epochs + 1):
  start_time = time.time()
  for train_x in train_dataset:
    train_step(model, train_x, optimizer)
  end_time = time.time()

  loss = tf.keras.metrics.Mean()
  for test_x in test_dataset:
    loss(compute_loss(model, test_x))
  elbo = -loss.result()
  elbos.append(float(elbo))
  print('Epoch: {}, Test set ELBO: {}, time elapse for current epoch: {}'
        .format(epoch, elbo, end_time - start_time))
  generate_and_save_images(model, epoch, test_sample)

# %% train-facts
print(len(elbos), int(optimizer.iterations.numpy()), int(loss.count.numpy()))
print(all(np.isfinite(elbos)), all(e < 0 for e in elbos), elbos[-1] > elbos[0])
print(epoch)

# %% gif-files
# the guide opens the last image with PIL and makes cvae.gif from them with imageio
filenames = sorted(saved_images)
print(filenames)

# %% normal-standin
class Normal:
  """What the guide uses of `tfp.distributions.Normal`: its quantile function."""

  def __init__(self, loc, scale):
    self.loc = tf.cast(loc, tf.float32)
    self.scale = tf.cast(scale, tf.float32)

  def quantile(self, value):
    return self.loc + self.scale * tf.math.ndtri(tf.cast(value, tf.float32))

norm = Normal(0, 1)
show(norm.quantile(np.linspace(0.05, 0.95, 5)))

# %% plot-latent-images
def plot_latent_images(model, n, digit_size=28):
  """Plots n x n digit images decoded from the latent space."""

  norm = Normal(0, 1)
  grid_x = norm.quantile(np.linspace(0.05, 0.95, n))
  grid_y = norm.quantile(np.linspace(0.05, 0.95, n))
  image_width = digit_size*n
  image_height = image_width
  image = np.zeros((image_height, image_width))

  for i, yi in enumerate(grid_x):
    for j, xi in enumerate(grid_y):
      z = np.array([[xi, yi]])
      x_decoded = model.sample(z)
      digit = tf.reshape(x_decoded[0], (digit_size, digit_size))
      image[i * digit_size: (i + 1) * digit_size,
            j * digit_size: (j + 1) * digit_size] = digit.numpy()

  # the guide shows the image with plt.imshow
  print(image.shape, image.dtype, bool(((image >= 0) & (image <= 1)).all()))

# %% plot-latent-images-run
plot_latent_images(model, 20)
