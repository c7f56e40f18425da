# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Deep Convolutional Generative Adversarial Network
(tensorflow/docs site/en/tutorials/generative/dcgan.ipynb), in our own words.

Stand-ins and cuts (no network; neither matplotlib, PIL, imageio, IPython nor the
TF Docs package's `embed` are dependencies here):

* MNIST (`tf.keras.datasets.mnist.load_data()`) becomes 256 seeded in-memory NumPy
  "digits" (`tests/guides/standins.py`): 28x28x1 uint8 images, each noise with a
  bright bar whose row gives its label. The guide's own preprocessing follows
  unchanged (float32, scaled to [-1, 1]), and so does its pipeline
  (`from_tensor_slices(...).shuffle(BUFFER_SIZE).batch(BATCH_SIZE)`) with
  `BUFFER_SIZE = 256` and `BATCH_SIZE = 64` (4 batches) instead of 60000 and 256.
* Training runs 2 epochs instead of 50 and saves a checkpoint every epoch instead of
  every 15th, so that the restore cell has one to restore. The checkpoints land in
  `./training_checkpoints` under the runner's temporary working directory.
* `generate_and_save_images` draws nothing: it prints the file name it would save,
  the predictions' shape and whether they are finite and within tanh's [-1, 1].
  The per-epoch line leaves out the seconds an epoch took; `display.clear_output`,
  `display_image` and the GIF cells are dropped (the GIF section prints the sorted
  names of the images the run would have saved).
* The restore cell's load status is printed by class name (its repr names the
  framework's module) and checked with `assert_consumed`; an extra section restores
  the first checkpoint too.
* `tf.__version__` and the `pip install` cells are left out; the guide's import of
  Keras's `layers` module becomes `layers = tf.keras.layers`.

The weights start from Keras's random initialisers and the noise comes from
`tf.random.normal`, whose bits differ between TF and torch: the untrained
discriminator's decision is printed in a `[random]` section, as the guide prints it,
and the sections after it print what does not hang on the stream (shapes, dtypes,
variable counts, whether losses are finite). The guide's loss functions also run on
fixed logits; their sum prints to 6 decimals, as TF's `sigmoid_cross_entropy_with_logits`
rounds softplus(-2) one float32 ulp below the correctly rounded value that torch gives.
"""

# %% setup
import os
import time

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random
from tests.guides.standins import fake_mnist

layers = tf.keras.layers

# %% load-data
digit_rng = np.random.RandomState(5)
train_images, train_labels = fake_mnist(digit_rng, 256)
print(train_images.shape, train_images.dtype, train_labels.shape)

# %% normalize
train_images = train_images.reshape(train_images.shape[0], 28, 28, 1).astype('float32')
train_images = (train_images - 127.5) / 127.5  # Normalize the images to [-1, 1]
print(train_images.dtype, train_images.min(), train_images.max())

# %% sizes
BUFFER_SIZE = 256
BATCH_SIZE = 64

# %% dataset
# Batch and shuffle the data
train_dataset = tf.data.Dataset.from_tensor_slices(train_images).shuffle(BUFFER_SIZE).batch(BATCH_SIZE)
print(train_dataset.cardinality().numpy())
print(train_dataset.element_spec)

# %% generator-model
def make_generator_model():
    model = tf.keras.Sequential()
    model.add(layers.Dense(7*7*256, use_bias=False, input_shape=(100,)))
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Reshape((7, 7, 256)))
    assert model.output_shape == (None, 7, 7, 256)  # Note: None is the batch size

    model.add(layers.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding='same', use_bias=False))
    assert model.output_shape == (None, 7, 7, 128)
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding='same', use_bias=False))
    assert model.output_shape == (None, 14, 14, 64)
    model.add(layers.BatchNormalization())
    model.add(layers.LeakyReLU())

    model.add(layers.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding='same', use_bias=False, activation='tanh'))
    assert model.output_shape == (None, 28, 28, 1)

    return model

# %% generator-image
generator = make_generator_model()

noise = tf.random.normal([1, 100])
generated_image = generator(noise, training=False)

# the guide shows generated_image[0, :, :, 0] with plt.imshow
show_random(generated_image[0, :, :, 0])
print(generator.output_shape)
print(len(generator.layers), len(generator.trainable_variables), len(generator.variables))
print([tuple(v.shape) for v in generator.trainable_variables])

# %% discriminator-model
def make_discriminator_model():
    model = tf.keras.Sequential()
    model.add(layers.Conv2D(64, (5, 5), strides=(2, 2), padding='same',
                                     input_shape=[28, 28, 1]))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))

    model.add(layers.Conv2D(128, (5, 5), strides=(2, 2), padding='same'))
    model.add(layers.LeakyReLU())
    model.add(layers.Dropout(0.3))

    model.add(layers.Flatten())
    model.add(layers.Dense(1))

    return model

# %% discriminator-decision [random]
discriminator = make_discriminator_model()
decision = discriminator(generated_image)
print (decision)

# %% discriminator-facts
show_random(decision)
print(discriminator.output_shape)
print(len(discriminator.layers), len(discriminator.trainable_variables))
print([tuple(v.shape) for v in discriminator.trainable_variables])
print([v.path for v in discriminator.trainable_variables])
print(generator.name, discriminator.name, [layer.name for layer in generator.layers[:3]])

# %% cross-entropy
# This method returns a helper function to compute cross entropy loss
cross_entropy = tf.keras.losses.BinaryCrossentropy(from_logits=True)

# %% discriminator-loss
def discriminator_loss(real_output, fake_output):
    real_loss = cross_entropy(tf.ones_like(real_output), real_output)
    fake_loss = cross_entropy(tf.zeros_like(fake_output), fake_output)
    total_loss = real_loss + fake_loss
    return total_loss

# %% generator-loss
def generator_loss(fake_output):
    return cross_entropy(tf.ones_like(fake_output), fake_output)

# %% losses-on-fixed-logits
real_logits = tf.constant([[3.0], [1.5], [-0.5], [2.0]])
fake_logits = tf.constant([[-2.0], [0.5], [-1.0], [-4.0]])
show(generator_loss(fake_logits))
show(cross_entropy(tf.ones_like(real_logits), real_logits).numpy())
print(f"{discriminator_loss(real_logits, fake_logits).numpy():.6f}")

# %% optimizers
generator_optimizer = tf.keras.optimizers.Adam(1e-4)
discriminator_optimizer = tf.keras.optimizers.Adam(1e-4)
print(float(generator_optimizer.learning_rate), float(discriminator_optimizer.learning_rate))

# %% checkpoint
checkpoint_dir = './training_checkpoints'
checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")
checkpoint = tf.train.Checkpoint(generator_optimizer=generator_optimizer,
                                 discriminator_optimizer=discriminator_optimizer,
                                 generator=generator,
                                 discriminator=discriminator)

# %% training-constants
EPOCHS = 2
noise_dim = 100
num_examples_to_generate = 16

# You will reuse this seed overtime (so it's easier)
# to visualize progress in the animated GIF)
seed = tf.random.normal([num_examples_to_generate, noise_dim])
show_random(seed)

# %% train-step
# Notice the use of `tf.function`
# This annotation causes the function to be "compiled".
@tf.function
def train_step(images):
    noise = tf.random.normal([BATCH_SIZE, noise_dim])

    with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
      generated_images = generator(noise, training=True)

      real_output = discriminator(images, training=True)
      fake_output = discriminator(generated_images, training=True)

      gen_loss = generator_loss(fake_output)
      disc_loss = discriminator_loss(real_output, fake_output)

    gradients_of_generator = gen_tape.gradient(gen_loss, generator.trainable_variables)
    gradients_of_discriminator = disc_tape.gradient(disc_loss, discriminator.trainable_variables)

    generator_optimizer.apply_gradients(zip(gradients_of_generator, generator.trainable_variables))
    discriminator_optimizer.apply_gradients(zip(gradients_of_discriminator, discriminator.trainable_variables))

# %% train-function
def train(dataset, epochs):
  for epoch in range(epochs):
    start = time.time()

    for image_batch in dataset:
      train_step(image_batch)

    # Produce images for the GIF as you go
    generate_and_save_images(generator,
                             epoch + 1,
                             seed)

    # Save the model every epoch (the guide: every 15)
    if (epoch + 1) % 1 == 0:
      checkpoint.save(file_prefix = checkpoint_prefix)

    # the guide also prints time.time()-start
    print ('Time for epoch {} is measured'.format(epoch + 1))

  # Generate after the final epoch
  generate_and_save_images(generator,
                           epochs,
                           seed)

# %% generate-and-save-images
saved_images = set()

def generate_and_save_images(model, epoch, test_input):
  # Notice `training` is set to False.
  # This is so all layers run in inference mode (batchnorm).
  predictions = model(test_input, training=False)

  # the guide draws a 4x4 grid of predictions[i, :, :, 0] * 127.5 + 127.5 and saves it
  pixels = predictions[:, :, :, 0] * 127.5 + 127.5
  filename = 'image_at_epoch_{:04d}.png'.format(epoch)
  saved_images.add(filename)
  print(filename, predictions.shape,
        bool(tf.reduce_all(tf.math.is_finite(pixels))),
        bool(tf.reduce_all(tf.abs(predictions) <= 1.0)))

# %% train
train(train_dataset, EPOCHS)

# %% train-facts
print(int(generator_optimizer.iterations.numpy()), int(discriminator_optimizer.iterations.numpy()))
image_batch = next(iter(train_dataset))
fake_output = discriminator(generator(seed, training=False), training=False)
real_output = discriminator(image_batch, training=False)
gen_loss = generator_loss(fake_output)
disc_loss = discriminator_loss(real_output, fake_output)
show_random(gen_loss)
print(bool(tf.math.is_finite(gen_loss)), bool(tf.math.is_finite(disc_loss)))
print(sorted(os.listdir(checkpoint_dir)))

# %% restore
before = generator(seed, training=False).numpy()
status = checkpoint.restore(tf.train.latest_checkpoint(checkpoint_dir))
print(type(status).__name__)
print(tf.train.latest_checkpoint(checkpoint_dir))
status.assert_consumed()
after = generator(seed, training=False).numpy()
print(bool(np.array_equal(before, after)))

# %% restore-earlier
status = checkpoint.restore(os.path.join(checkpoint_dir, 'ckpt-1'))
status.assert_existing_objects_matched()
earlier = generator(seed, training=False).numpy()
print(bool(np.array_equal(before, earlier)), earlier.shape)

# %% gif-files
# the guide opens the last image with PIL and makes dcgan.gif from them with imageio
filenames = sorted(saved_images)
print(filenames)
