# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Custom training: walkthrough (tensorflow/docs
site/en/tutorials/customization/custom_training_walkthrough.ipynb), in our own words.

Stand-ins and cuts (no network, and neither TF Datasets (`tfds`), pandas nor
matplotlib are dependencies here):

* The penguins data (`tfds.load('penguins/simple')` and `'penguins/processed'`)
  becomes 344 seeded in-memory NumPy records (`penguin_records` below), as many as
  the real set, with tfds's features and dtypes: `penguins/simple` is a dict of
  float32 `body_mass_g`, `culmen_depth_mm`, `culmen_length_mm`, `flipper_length_mm`
  and int64 class labels `island`, `sex`, `species` (keys in tfds's sorted order);
  `penguins/processed` with `as_supervised=True` is (float32 features of shape (4,),
  int64 species), the four measurements scaled to [0, 1]. Each species' measurements
  scatter around its real means, more tightly than the real birds' do, so that the
  tutorial's small model and plain SGD separate them within the shortened training
  (Adelie and Chinstrap differ mostly in culmen length). The split
  `['train[:20%]', 'train[20%:]']` takes the first 69 records for testing and the
  other 275 for training, as tfds rounds it.
* `tfds.as_dataframe(...)` tables become printed rows of the same records, and
  `print(info.features)` prints the dataset's `element_spec` instead (`info` is not
  made).
* The plots are dropped, their data printed instead: each species' mean of the two
  plotted features, and the number of points per metric curve.
* `!pip install`, the TF Datasets and matplotlib imports and the version prints are
  left out (versions name the installation, not behaviour).
* Training runs 101 epochs instead of 201 (`num_epochs`); every 50th epoch still
  prints.

The model's weights start from Keras's random initialisers, whose streams differ
between TF and torch, so the sections that print predictions, losses and accuracies
as the tutorial does are tagged `[random]`; after each of them a section prints what
does not hang on the stream (shapes, step counts, whether the loss fell, whether the
accuracy passed 0.7 on these well-separated stand-in penguins: most starts reach 100%
within the 101 epochs, a few stay at 80% longer, when the model has not yet told the
smallest species, Chinstrap, from the others).
"""

# %% setup
import os

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random

# %% penguin-records
def penguin_records(count=344):
    # raw measurements around each species' real means (Adelie, Chinstrap, Gentoo)
    rng = np.random.RandomState(344)
    species = rng.choice(3, size=count, p=[0.44, 0.2, 0.36]).astype(np.int64)
    means = np.array([[38.8, 18.3, 190.0, 3700.0],
                      [48.8, 18.4, 196.0, 3733.0],
                      [47.5, 15.0, 217.0, 5076.0]])
    spread = np.array([0.6, 0.25, 1.5, 100.0])  # tighter than the real ones
    raw = means[species] + rng.normal(size=(count, 4)) * spread
    culmen_length, culmen_depth = np.round(raw[:, 0], 1), np.round(raw[:, 1], 1)
    flipper_length, body_mass = np.round(raw[:, 2]), np.round(raw[:, 3] / 25) * 25
    island = np.where(species == 2, 0, np.where(species == 1, 1, rng.randint(0, 3, count)))
    sex = rng.choice(3, size=count, p=[0.49, 0.48, 0.03])
    simple = {
        'body_mass_g': body_mass.astype(np.float32),
        'culmen_depth_mm': culmen_depth.astype(np.float32),
        'culmen_length_mm': culmen_length.astype(np.float32),
        'flipper_length_mm': flipper_length.astype(np.float32),
        'island': island.astype(np.int64),
        'sex': sex.astype(np.int64),
        'species': species,
    }
    measured = np.stack([culmen_length, culmen_depth, flipper_length, body_mass], axis=1)
    scaled = (measured - measured.min(axis=0)) / (measured.max(axis=0) - measured.min(axis=0))
    return simple, (scaled.astype(np.float32), species)

simple_columns, processed_columns = penguin_records()
print(sorted(simple_columns), processed_columns[0].shape, processed_columns[1].shape)

# %% preview
ds_preview = tf.data.Dataset.from_tensor_slices(simple_columns)
# the rows tfds.as_dataframe shows
for record in ds_preview.take(5):
    print(', '.join(f'{key}={value.numpy()}' for key, value in record.items()))
show(ds_preview.element_spec)

# %% class-names
class_names = ['Adélie', 'Chinstrap', 'Gentoo']

# %% processed-split
ds_full = tf.data.Dataset.from_tensor_slices(processed_columns)
ds_split = [ds_full.take(69), ds_full.skip(69)]  # train[:20%], train[20%:]

ds_test = ds_split[0]
ds_train = ds_split[1]
assert isinstance(ds_test, tf.data.Dataset)

show(ds_train.element_spec)
print(ds_test.cardinality().numpy(), ds_train.cardinality().numpy())
print("Test dataset sample: ")
for features, species in ds_test.take(5):
    print(features.numpy(), species.numpy())

print("Train dataset sample: ")
for features, species in ds_train.take(5):
    print(features.numpy(), species.numpy())

ds_train_batch = ds_train.batch(32)

# %% first-batch
features, labels = next(iter(ds_train_batch))

print(features)
print(labels)

# %% plot-clusters
# the scatter plot's data: features 0 and 2 of the batch, coloured by label
for label in range(3):
    mask = tf.equal(labels, label)
    x_axis = tf.boolean_mask(features[:, 0], mask)
    y_axis = tf.boolean_mask(features[:, 2], mask)
    print(label, int(tf.size(x_axis)),
          f"{tf.reduce_mean(x_axis).numpy():.3f}", f"{tf.reduce_mean(y_axis).numpy():.3f}")

# %% model
model = tf.keras.Sequential([
  tf.keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),  # input shape required
  tf.keras.layers.Dense(10, activation=tf.nn.relu),
  tf.keras.layers.Dense(3)
])
print([tuple(v.shape) for v in model.trainable_variables])

# %% use-model
predictions = model(features)
show_random(predictions[:5])

# %% softmax
probabilities = tf.nn.softmax(predictions[:5])
show_random(probabilities)
print(bool(np.allclose(tf.reduce_sum(probabilities, axis=1).numpy(), 1.0)))

# %% argmax [random]
print("Prediction: {}".format(tf.math.argmax(predictions, axis=1)))
print("    Labels: {}".format(labels))

# %% argmax-facts
show_random(tf.math.argmax(predictions, axis=1))
print("    Labels: {}".format(labels))

# %% loss-object
loss_object = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)

# %% loss [random]
def loss(model, x, y, training):
  # training=training matters only for layers that act differently in training
  # (Dropout, say)
  y_ = model(x, training=training)

  return loss_object(y_true=y, y_pred=y_)

l = loss(model, features, labels, training=False)
print("Loss test: {}".format(l))

# %% loss-facts
show_random(l)
print(bool(l > 0))

# %% grad
def grad(model, inputs, targets):
  with tf.GradientTape() as tape:
    loss_value = loss(model, inputs, targets, training=True)
  return loss_value, tape.gradient(loss_value, model.trainable_variables)

# %% optimizer
optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)

# %% one-step [random]
loss_value, grads = grad(model, features, labels)

print("Step: {}, Initial Loss: {}".format(optimizer.iterations.numpy(),
                                          loss_value.numpy()))

optimizer.apply_gradients(zip(grads, model.trainable_variables))

print("Step: {},         Loss: {}".format(optimizer.iterations.numpy(),
                                          loss(model, features, labels, training=True).numpy()))

# %% one-step-facts
print(int(optimizer.iterations.numpy()))
print([tuple(g.shape) for g in grads])
show_random(loss_value.numpy())

# %% iterations-numpy
show(optimizer.iterations.numpy())

# %% training-loop [random]
## Note: running this cell again goes on from the same model parameters

# results, for the plots
train_loss_results = []
train_accuracy_results = []

num_epochs = 101

for epoch in range(num_epochs):
  epoch_loss_avg = tf.keras.metrics.Mean()
  epoch_accuracy = tf.keras.metrics.SparseCategoricalAccuracy()

  # batches of 32
  for x, y in ds_train_batch:
    # one optimisation step
    loss_value, grads = grad(model, x, y)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

    # progress
    epoch_loss_avg.update_state(loss_value)  # this batch's loss
    # predicted against true labels (training=True only matters for layers such as
    # Dropout)
    epoch_accuracy.update_state(y, model(x, training=True))

  # end of the epoch
  train_loss_results.append(epoch_loss_avg.result())
  train_accuracy_results.append(epoch_accuracy.result())

  if epoch % 50 == 0:
    print("Epoch {:03d}: Loss: {:.3f}, Accuracy: {:.3%}".format(epoch,
                                                                epoch_loss_avg.result(),
                                                                epoch_accuracy.result()))

# %% training-facts
print(len(train_loss_results), len(train_accuracy_results))
print(int(optimizer.iterations.numpy()))
print(epoch_loss_avg.name, epoch_accuracy.name)
print(int(epoch_loss_avg.count.numpy()), int(epoch_accuracy.count.numpy()))
print(bool(train_loss_results[-1] < train_loss_results[0]))
print(bool(train_accuracy_results[-1] > 0.7))

# %% plot-metrics
# the two curves the tutorial draws against the epochs
for title, results in (("Loss", train_loss_results), ("Accuracy", train_accuracy_results)):
    print(f"{title}: {len(results)} points")

# %% test-accuracy [random]
test_accuracy = tf.keras.metrics.Accuracy()
ds_test_batch = ds_test.batch(10)

for (x, y) in ds_test_batch:
  # training=False: inference behaviour
  logits = model(x, training=False)
  prediction = tf.math.argmax(logits, axis=1, output_type=tf.int64)
  test_accuracy(prediction, y)

print("Test set accuracy: {:.3%}".format(test_accuracy.result()))

# %% test-accuracy-facts
print(test_accuracy.name, int(test_accuracy.count.numpy()))
print(bool(test_accuracy.result() > 0.7))
show(y)

# %% last-batch [random]
show(tf.stack([y,prediction],axis=1))

# %% last-batch-facts
show_random(tf.stack([y,prediction],axis=1))

# %% predict [random]
predict_dataset = tf.convert_to_tensor([
    [0.3, 0.8, 0.4, 0.5,],
    [0.4, 0.1, 0.8, 0.5,],
    [0.7, 0.9, 0.8, 0.4]
])

# training=False: inference behaviour
predictions = model(predict_dataset, training=False)

for i, logits in enumerate(predictions):
  class_idx = tf.math.argmax(logits).numpy()
  p = tf.nn.softmax(logits)[class_idx]
  name = class_names[class_idx]
  print("Example {} prediction: {} ({:4.1f}%)".format(i, name, 100*p))

# %% predict-facts
show(predict_dataset)
show_random(predictions)
print([type(tf.math.argmax(logits).numpy()).__name__ for logits in predictions])
