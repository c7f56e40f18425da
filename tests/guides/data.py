# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""tf.data: Build TensorFlow input pipelines (tensorflow/docs site/en/guide/data.ipynb),
in our own words.

Skipped, because they read files the guide downloads (no network here) and work on
string tensors (file names, text lines, encoded images, `tf.train.Example` protos):

* "Consuming Python generators" with Keras's `ImageDataGenerator` over the flowers
  photos (`get_file`);
* "Consuming TFRecord data" and "Parsing `tf.Example` protocol buffer messages"
  (the FSNS TFRecord file);
* "Consuming text data" (the Iliad text files, `TextLineDataset`, `interleave` of
  files, the Titanic lines filtered with `tf.strings.substr`);
* "Consuming CSV data" with the Titanic file (pandas, `make_csv_dataset`,
  `CsvDataset` with string columns);
* "Consuming sets of files" and "Decoding image data and resizing it"
  (`list_files`, `tf.io.read_file`, `decode_jpeg` on the flowers photos).

Kept with a stand-in for the downloaded data (the guide's point survives):

* "Consuming NumPy arrays" and "Using tf.data with tf.keras": Fashion-MNIST becomes
  a seeded NumPy array of 28x28 images and labels (fewer of them, to stay fast);
* "Consuming CSV data": the guide's own `missing.csv` is written by the script
  (the guide makes it with `%%writefile`); `CsvDataset` parses text, so these two
  sections are the only string-based ones kept;
* "Processing multiple epochs" and "Randomly shuffling input data": the 628 lines of
  the Titanic CSV become `Dataset.range(628)` (what is shown is batch sizes and item
  ids, not the lines);
* "Applying arbitrary Python logic": the rotated image is a seeded NumPy image
  instead of a flowers photo, turned by random quarter turns with NumPy in a
  `tf.py_function` (the guide rotates by any angle with scipy, not a dependency here);
* "Resampling": the credit-card CSV becomes seeded in-memory features and labels,
  about 1% positive, batched by 1024 as `make_csv_dataset` would.

Plots are dropped (the values they would draw are printed: batch sizes, the number
of batch means). Shuffle orders and resampled labels come from TF's and torch's
different random streams, so those sections print order-independent facts (batch
sizes, sorted ids, which labels occur); Keras's training losses print by type only
(`show_random`), and `fit`/`evaluate`/`predict` run with `verbose=0` (their progress
bars carry timings).
"""

# %% setup
import os
import pathlib

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random

np.set_printoptions(precision=4)

# %% basic-dataset
digits = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
show(digits)

# %% basic-iterate
for item in digits:
    print(item.numpy())

# %% basic-next
digits_it = iter(digits)
print(next(digits_it).numpy())

# %% basic-reduce
print(digits.reduce(0, lambda total, item: total + item).numpy())

# %% structure-spec
uniform_ds = tf.data.Dataset.from_tensor_slices(tf.random.uniform([4, 10]))
show(uniform_ds.element_spec)

# %% structure-tuple-spec
pair_ds = tf.data.Dataset.from_tensor_slices(
    (tf.random.uniform([4]),
     tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
show(pair_ds.element_spec)

# %% structure-zip-spec
zipped_ds = tf.data.Dataset.zip((uniform_ds, pair_ds))
show(zipped_ds.element_spec)

# %% structure-sparse-spec
# A dataset whose one element is a sparse tensor; `value_type` names its class.
sparse_ds = tf.data.Dataset.from_tensors(
    tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4]))
show(sparse_ds.element_spec)
show(sparse_ds.element_spec.value_type)

# %% structure-int-dataset
uniform_ds = tf.data.Dataset.from_tensor_slices(
    tf.random.uniform([4, 10], minval=1, maxval=10, dtype=tf.int32))
show(uniform_ds)

# %% structure-int-elements
for row in uniform_ds:
    show_random(row)

# %% structure-tuple-dataset
pair_ds = tf.data.Dataset.from_tensor_slices(
    (tf.random.uniform([4]),
     tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
show(pair_ds)

# %% structure-zip-dataset
zipped_ds = tf.data.Dataset.zip((uniform_ds, pair_ds))
show(zipped_ds)

# %% structure-zip-shapes
for a, (b, c) in zipped_ds:
    print('shapes: {}, {}, {}'.format(a.shape, b.shape, c.shape))

# %% numpy-arrays
# Stand-in for Fashion-MNIST's training split: seeded 28x28 uint8 images and labels.
pixel_rng = np.random.RandomState(7)
train_images = pixel_rng.randint(0, 256, size=(2000, 28, 28)).astype(np.uint8)
train_labels = pixel_rng.randint(0, 10, size=(2000,)).astype(np.uint8)

scaled_images = train_images / 255
fashion_ds = tf.data.Dataset.from_tensor_slices((scaled_images, train_labels))
show(fashion_ds)

# %% generator-python
def count_up(stop):
    n = 0
    while n < stop:
        yield n
        n += 1

for n in count_up(5):
    print(n)

# %% generator-dataset
counter_ds = tf.data.Dataset.from_generator(
    count_up, args=[25], output_types=tf.int32, output_shapes=())

for chunk in counter_ds.repeat().batch(10).take(10):
    print(chunk.numpy())

# %% generator-series-python
def series_gen():
    n = 0
    while True:
        length = np.random.randint(0, 10)
        yield n, np.random.normal(size=(length,))
        n += 1

np.random.seed(11)
for n, values in series_gen():
    print(n, ":", str(values))
    if n > 5:
        break

# %% generator-series-dataset
series_ds = tf.data.Dataset.from_generator(
    series_gen,
    output_types=(tf.int32, tf.float32),
    output_shapes=((), (None,)))
show(series_ds)

# %% generator-series-padded
# shuffle(20) draws from TF's or torch's random stream: print what does not depend on it.
padded_series = series_ds.shuffle(20).padded_batch(10)

ids, value_batch = next(iter(padded_series))
print(ids.shape, bool(tf.reduce_max(ids) < 30))
print(value_batch.shape[0], value_batch.shape[1] <= 9)

# %% csv-missing
with open("missing.csv", "w") as f:
    f.write("1,2,3,4\n,2,3,4\n1,,3,4\n1,2,,4\n1,2,3,\n,,,\n")

# Four integer columns; a missing value takes its column's default.
defaults = [999, 999, 999, 999]
csv_ds = tf.data.experimental.CsvDataset("missing.csv", defaults)
csv_ds = csv_ds.map(lambda *cols: tf.stack(cols))
show(csv_ds)
for record in csv_ds:
    print(record.numpy())

# %% csv-select-cols
defaults = [999, 999]  # defaults of the selected columns only
csv_ds = tf.data.experimental.CsvDataset("missing.csv", defaults, select_cols=[1, 3])
csv_ds = csv_ds.map(lambda *cols: tf.stack(cols))
show(csv_ds)
for record in csv_ds:
    print(record.numpy())

# %% batch-simple
up_ds = tf.data.Dataset.range(100)
down_ds = tf.data.Dataset.range(0, -100, -1)
both_ds = tf.data.Dataset.zip((up_ds, down_ds))
batched = both_ds.batch(4)

for batch in batched.take(4):
    print([part.numpy() for part in batch])

# %% batch-repr
show(batched)

# %% batch-drop-remainder
batched = both_ds.batch(7, drop_remainder=True)
show(batched)

# %% padded-batch
ragged_rows = tf.data.Dataset.range(100)
ragged_rows = ragged_rows.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
ragged_rows = ragged_rows.padded_batch(4, padded_shapes=(None,))

for batch in ragged_rows.take(2):
    print(batch.numpy())
    print()

# %% epochs-data
# Stand-in for the 628 lines of the Titanic CSV file.
lines = tf.data.Dataset.range(628)

def batch_sizes(ds):
    return [batch.shape[0] for batch in ds]

# %% epochs-repeat-then-batch
print(batch_sizes(lines.repeat(3).batch(128)))

# %% epochs-batch-then-repeat
print(batch_sizes(lines.batch(128).repeat(3)))

# %% epochs-loop
num_epochs = 3
line_batches = lines.batch(128)

for epoch in range(num_epochs):
    for batch in line_batches:
        print(batch.shape)
    print("End of epoch: ", epoch)

# %% shuffle-counter
counter = tf.data.experimental.Counter()

numbered = tf.data.Dataset.zip((counter, lines))
numbered = numbered.shuffle(buffer_size=100)
numbered = numbered.batch(20)
show(numbered)

# %% shuffle-first-batch
n, line_batch = next(iter(numbered))
# A buffer of 100 can only have seen the first 119 items by the 20th draw.
print(n.shape, bool(tf.reduce_max(n) < 120), len(set(n.numpy().tolist())))

# %% shuffle-then-repeat
numbered = tf.data.Dataset.zip((counter, lines))
shuffled = numbered.shuffle(buffer_size=100).batch(10).repeat(2)

print("Batch sizes near the epoch boundary:")
near = [n.numpy() for n, line_batch in shuffled.skip(60).take(5)]
print([len(ids) for ids in near])
# The next epoch starts over: its first two batches come from its first 120 items.
print([bool(ids.max() < 120) for ids in near[3:]])

# %% shuffle-then-repeat-means
shuffle_repeat = [n.numpy().mean() for n, line_batch in shuffled]
print(len(shuffle_repeat))
every_id = np.sort(np.concatenate([n.numpy() for n, _ in shuffled]))
print(bool((every_id == np.repeat(np.arange(628), 2)).all()))

# %% repeat-then-shuffle
numbered = tf.data.Dataset.zip((counter, lines))
shuffled = numbered.repeat(2).shuffle(buffer_size=100).batch(10)

print("Batch sizes near the epoch boundary:")
near = [n.numpy() for n, line_batch in shuffled.skip(55).take(15)]
print([len(ids) for ids in near])

# %% repeat-then-shuffle-means
repeat_shuffle = [n.numpy().mean() for n, line_batch in shuffled]
print(len(repeat_shuffle))
every_id = np.sort(np.concatenate([n.numpy() for n, _ in shuffled]))
print(bool((every_id == np.repeat(np.arange(628), 2)).all()))

# %% py-function
@tf.py_function(Tout=tf.float32)
def random_rotate_image(image):
    # the guide rotates by a random angle with scipy.ndimage; NumPy alone: quarter turns
    image = np.rot90(image.numpy(), k=np.random.randint(4), axes=(0, 1)).copy()
    return image

# %% py-function-images
# Stand-in for the decoded flowers photos: seeded 128x128 RGB images, integer labels.
photo_rng = np.random.RandomState(3)
photos = photo_rng.uniform(size=(4, 128, 128, 3)).astype(np.float32)
images_ds = tf.data.Dataset.from_tensor_slices((photos, [0, 1, 2, 3]))
show(images_ds.element_spec)

# %% py-function-call
image, label = next(iter(images_ds))
np.random.seed(5)
rotated = random_rotate_image(image)
print(rotated.shape, label.numpy())
print(np.round(float(np.sum(rotated.numpy())), 2))

# %% py-function-set-shape
def tf_random_rotate_image(image, label):
    image_shape = image.shape
    image = random_rotate_image(image)
    image.set_shape(image_shape)
    return image, label

# %% py-function-map
rotated_ds = images_ds.map(tf_random_rotate_image)
show(rotated_ds.element_spec)

for image, label in rotated_ds.take(2):
    print(image.shape, label.numpy())

# %% window-range
range_ds = tf.data.Dataset.range(100000)

# %% window-batch
batches = range_ds.batch(10, drop_remainder=True)

for batch in batches.take(5):
    print(batch.numpy())

# %% window-dense-1-step
def dense_1_step(batch):
    # features and labels one step apart
    return batch[:-1], batch[1:]

one_step = batches.map(dense_1_step)

for features, label in one_step.take(3):
    print(features.numpy(), " => ", label.numpy())

# %% window-next-5-steps
batches = range_ds.batch(15, drop_remainder=True)

def label_next_5_steps(batch):
    return (batch[:-5],  # inputs: all but the last 5 steps
            batch[-5:])  # labels: the last 5 steps

five_steps = batches.map(label_next_5_steps)

for features, label in five_steps.take(3):
    print(features.numpy(), " => ", label.numpy())

# %% window-overlap-zip
feature_length = 10
label_length = 3

features = range_ds.batch(feature_length, drop_remainder=True)
labels = range_ds.batch(feature_length).skip(1).map(lambda labels: labels[:label_length])

predicted_steps = tf.data.Dataset.zip((features, labels))

for features, label in predicted_steps.take(5):
    print(features.numpy(), " => ", label.numpy())

# %% window-datasets
window_size = 5

windows = range_ds.window(window_size, shift=1)
for sub_ds in windows.take(5):
    print(sub_ds)

# %% window-flat-map
for x in windows.flat_map(lambda x: x).take(30):
    print(x.numpy(), end=' ')

# %% window-sub-to-batch
def sub_to_batch(sub):
    return sub.batch(window_size, drop_remainder=True)

for example in windows.flat_map(sub_to_batch).take(5):
    print(example.numpy())

# %% window-make-dataset
def make_window_dataset(ds, window_size=5, shift=1, stride=1):
    windows = ds.window(window_size, shift=shift, stride=stride)

    def sub_to_batch(sub):
        return sub.batch(window_size, drop_remainder=True)

    return windows.flat_map(sub_to_batch)

# %% window-strided
strided = make_window_dataset(range_ds, window_size=10, shift=5, stride=3)

for example in strided.take(10):
    print(example.numpy())

# %% window-strided-labels
dense_labels = strided.map(dense_1_step)

for inputs, labels in dense_labels.take(3):
    print(inputs.numpy(), "=>", labels.numpy())

# %% resample-data
# Stand-in for the credit-card CSV: a few float feature columns and a 0/1 "Class"
# label, about 1% positive, in batches of 1024 as `make_csv_dataset` makes them.
card_rng = np.random.RandomState(2024)
num_rows = 12000
card_features = {
    "Time": card_rng.uniform(0, 1000, size=num_rows).astype(np.float32),
    "V1": card_rng.normal(size=num_rows).astype(np.float32),
    "Amount": card_rng.uniform(0, 200, size=num_rows).astype(np.float32),
}
card_labels = (card_rng.uniform(size=num_rows) < 0.01).astype(np.int32)
creditcard_ds = tf.data.Dataset.from_tensor_slices((card_features, card_labels)).batch(1024)

# %% resample-count-fn
def count(counts, batch):
    features, labels = batch
    class_1 = tf.cast(labels == 1, tf.int32)
    class_0 = tf.cast(labels == 0, tf.int32)

    counts['class_0'] += tf.reduce_sum(class_0)
    counts['class_1'] += tf.reduce_sum(class_1)
    return counts

# %% resample-fractions
counts = creditcard_ds.take(10).reduce(
    initial_state={'class_0': 0, 'class_1': 0},
    reduce_func=count)

counts = np.array([counts['class_0'].numpy(),
                   counts['class_1'].numpy()]).astype(np.float32)

fractions = counts / counts.sum()
print(fractions)

# %% resample-split
negative_ds = (
    creditcard_ds
    .unbatch()
    .filter(lambda features, label: label == 0)
    .repeat())
positive_ds = (
    creditcard_ds
    .unbatch()
    .filter(lambda features, label: label == 1)
    .repeat())

# %% resample-positives
for features, label in positive_ds.batch(10).take(1):
    print(label.numpy())

# %% resample-sample-from-datasets
balanced_ds = tf.data.Dataset.sample_from_datasets(
    [negative_ds, positive_ds], [0.5, 0.5]).batch(10)

# %% resample-sample-from-datasets-labels
# Which label each draw takes is random: print the batch shapes and the labels seen.
seen = set()
for features, labels in balanced_ds.take(10):
    print(labels.shape, sorted(features))
    seen.update(labels.numpy().tolist())
print(seen <= {0, 1}, len(seen) > 0)

# %% resample-class-func
def class_func(features, label):
    return label

# %% rejection-resample
resampled = (
    creditcard_ds
    .unbatch()
    .rejection_resample(class_func, target_dist=[0.5, 0.5],
                        initial_dist=fractions)
    .batch(10))

# %% rejection-resample-drop-class
balanced_ds = resampled.map(lambda extra_label, features_and_label: features_and_label)

# %% rejection-resample-labels
seen = set()
for features, labels in balanced_ds.take(10):
    print(labels.shape, sorted(features))
    seen.update(labels.numpy().tolist())
print(seen <= {0, 1}, len(seen) > 0)

# %% iterator-checkpoint
range_ds = tf.data.Dataset.range(20)

range_it = iter(range_ds)
ckpt = tf.train.Checkpoint(step=tf.Variable(0), iterator=range_it)
manager = tf.train.CheckpointManager(ckpt, 'my_ckpt', max_to_keep=3)

print([next(range_it).numpy() for _ in range(5)])

save_path = manager.save()

print([next(range_it).numpy() for _ in range(5)])

ckpt.restore(manager.latest_checkpoint)

print([next(range_it).numpy() for _ in range(5)])

# %% keras-data
# Stand-in for Fashion-MNIST (as in numpy-arrays), labels as int32.
fit_images = train_images / 255.0
fit_labels = train_labels.astype(np.int32)

# %% keras-model
fit_ds = tf.data.Dataset.from_tensor_slices((fit_images, fit_labels))
fit_ds = fit_ds.shuffle(5000).batch(32)

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10)
])

model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=['accuracy'])

# %% keras-fit
history = model.fit(fit_ds, epochs=2, verbose=0)
print(sorted(history.history), len(history.history['loss']), history.params)
show_random(history.history['loss'][-1])

# %% keras-fit-repeat
history = model.fit(fit_ds.repeat(), epochs=2, steps_per_epoch=20, verbose=0)
print(sorted(history.history), len(history.history['loss']), history.params)

# %% keras-evaluate
loss, accuracy = model.evaluate(fit_ds, verbose=0)
show_random(loss)
show_random(accuracy)

# %% keras-evaluate-steps
loss, accuracy = model.evaluate(fit_ds.repeat(), steps=10, verbose=0)
show_random(loss)
show_random(accuracy)

# %% keras-predict
predict_ds = tf.data.Dataset.from_tensor_slices(fit_images).batch(32)
result = model.predict(predict_ds, steps=10, verbose=0)
print(result.shape)

# %% keras-predict-labeled
result = model.predict(fit_ds, steps=10, verbose=0)
print(result.shape)
