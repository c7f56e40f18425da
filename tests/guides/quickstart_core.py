# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Quickstart for the TensorFlow Core APIs
(tensorflow/docs site/en/guide/core/quickstart_core.ipynb), in our own words.

Stand-ins and cuts (no network, and neither pandas nor matplotlib are dependencies
here):

* The UCI Auto MPG file (`pd.read_csv(url, names=column_names, na_values='?', ...)`)
  becomes a seeded in-memory NumPy table with the same eight columns, six unknown
  horsepowers among 398 rows (`tests/guides/standins.py`, `fake_auto_mpg`); MPG falls
  with weight and horsepower, so a linear model fits it. pandas' calls become NumPy's:
  `dropna()` keeps the rows without NaN (392) and `tail()` prints the last five.
* The plot is dropped, the number of points on each curve printed instead.
* `print(tf.__version__)` is left out (it names the installed version, not behaviour).

`tf.random.shuffle(..., seed=22)` splits the rows, and the weights come from
`tf.random.uniform` under `tf.random.set_seed(22)`; tftape_torch's seeded streams are
not TF's bits, so the sections that print the shuffled features, the untrained
prediction and the training losses, as the guide does, are tagged `[random]`; the
sections after them print what does not hang on the stream (shapes, that the split is
a permutation, the normalization, how often the model's `tf.function` traced, whether
the loss fell).

`tf.saved_model.save`/`load` (out of scope) are kept as in the guide; an extra
section calls the export module itself.
"""

# %% setup
import os
import tempfile

import numpy as np

import tftape_torch as tf

from tests.guides.show import show
from tests.guides.standins import AUTO_MPG_COLUMNS, fake_auto_mpg

# a random seed for reproducible results
tf.random.set_seed(22)

# %% load-dataset
column_names = list(AUTO_MPG_COLUMNS)
# what pd.read_csv(url, names=column_names, na_values='?', ...) reads
raw = fake_auto_mpg(np.random.RandomState(398))
# dataset.dropna(): the rows with a known horsepower
dataset = raw[~np.isnan(raw).any(axis=1)]
dataset_tf = tf.convert_to_tensor(dataset, dtype=tf.float32)
# dataset.tail()
print(column_names)
print(len(raw), len(dataset))
print(dataset[-5:])

# %% split
dataset_shuffled = tf.random.shuffle(dataset_tf, seed=22)
train_data, test_data = dataset_shuffled[100:], dataset_shuffled[:100]
x_train, y_train = train_data[:, 1:], train_data[:, 0]
x_test, y_test = test_data[:, 1:], test_data[:, 0]
print(x_train.shape, y_train.shape, x_test.shape, y_test.shape)

# %% split-facts
# the shuffle moves whole rows: every column keeps its values
print(bool(tf.reduce_all(tf.sort(dataset_shuffled, axis=0) == tf.sort(dataset_tf, axis=0))))

# %% onehot-origin [random]
def onehot_origin(x):
    origin = tf.cast(x[:, -1], tf.int32)
    # origin - 1: the feature counts from 1
    origin_oh = tf.one_hot(origin - 1, 3)
    x_ohe = tf.concat([x[:, :-1], origin_oh], axis = 1)
    return x_ohe

x_train_ohe, x_test_ohe = onehot_origin(x_train), onehot_origin(x_test)
show(x_train_ohe.numpy())

# %% onehot-facts
print(x_train_ohe.shape, x_test_ohe.shape, x_train_ohe.dtype == tf.float32)
# one 1 per row among the last three columns, where the origin column was
print(bool(tf.reduce_all(tf.reduce_sum(x_train_ohe[:, -3:], axis=1) == 1.0)))
print(bool(tf.reduce_all(tf.argmax(x_test_ohe[:, -3:], axis=1) + 1
                         == tf.cast(x_test[:, -1], tf.int64))))

# %% normalize
class Normalize(tf.Module):
    def __init__(self, x):
        # mean and standard deviation of each column
        self.mean = tf.math.reduce_mean(x, axis=0)
        self.std = tf.math.reduce_std(x, axis=0)

    def norm(self, x):
        # standardize
        return (x - self.mean)/self.std

    def unnorm(self, x):
        # undo the standardization
        return (x * self.std) + self.mean

# %% normalize-data
norm_x = Normalize(x_train_ohe)
norm_y = Normalize(y_train)
x_train_norm, y_train_norm = norm_x.norm(x_train_ohe), norm_y.norm(y_train)
x_test_norm, y_test_norm = norm_x.norm(x_test_ohe), norm_y.norm(y_test)

# %% normalize-facts
print(norm_x.mean.shape, norm_x.std.shape, norm_y.mean.shape)
print(bool(tf.reduce_all(tf.abs(tf.reduce_mean(x_train_norm, axis=0)) < 1e-4)))
print(bool(tf.reduce_all(tf.abs(tf.math.reduce_std(x_train_norm, axis=0) - 1) < 1e-4)))
print(bool(tf.reduce_all(tf.abs(norm_y.unnorm(y_train_norm) - y_train) < 1e-3)))
# a tf.Module finds no variables among plain tensors
print(len(norm_x.variables), len(norm_x.trainable_variables))

# %% linear-regression
class LinearRegression(tf.Module):

    def __init__(self):
        self.built = False

    @tf.function
    def __call__(self, x):
        # the parameters, made on the first call
        if not self.built:
            # random weight vector and bias
            rand_w = tf.random.uniform(shape=[x.shape[-1], 1])
            rand_b = tf.random.uniform(shape=[])
            self.w = tf.Variable(rand_w)
            self.b = tf.Variable(rand_b)
            self.built = True
        y = tf.add(tf.matmul(x, self.w), self.b)
        return tf.squeeze(y, axis=1)

# %% untrained-prediction [random]
lin_reg = LinearRegression()
prediction = lin_reg(x_train_norm[:1])
prediction_unnorm = norm_y.unnorm(prediction)
show(prediction_unnorm.numpy())

# %% untrained-prediction-facts
print(prediction.shape, [v.shape for v in lin_reg.variables])
print(lin_reg.built, len(lin_reg.trainable_variables))
print(bool(tf.reduce_all((lin_reg.w >= 0) & (lin_reg.w < 1))))

# %% mse-loss
def mse_loss(y_pred, y):
    return tf.reduce_mean(tf.square(y_pred - y))

show(mse_loss(tf.constant([1.0, 2.0, 4.0]), tf.constant([0.5, 3.0, 4.0])))

# %% dataset
batch_size = 64
dataset = tf.data.Dataset.from_tensor_slices((x_train_norm, y_train_norm))
dataset = dataset.shuffle(buffer_size=x_train.shape[0]).batch(batch_size)
print(dataset.cardinality().numpy())
print(dataset.element_spec)

# %% train [random]
# training parameters
epochs = 100
learning_rate = 0.01
train_losses, test_losses = [], []

# the training loop
for epoch in range(epochs):
    for x_batch, y_batch in dataset:
        batch_losses = []
        with tf.GradientTape() as tape:
            y_pred_batch = lin_reg(x_batch)
            batch_loss = mse_loss(y_pred_batch, y_batch)
        # a gradient step on each parameter
        grads = tape.gradient(batch_loss, lin_reg.variables)
        for g,v in zip(grads, lin_reg.variables):
            v.assign_sub(learning_rate * g)
        # batch-level performance
        batch_losses.append(batch_loss)
    # epoch-level performance
    train_loss = tf.reduce_mean(batch_losses)
    test_loss = mse_loss(lin_reg(x_test_norm), y_test_norm)
    train_losses.append(train_loss)
    test_losses.append(test_loss)
    if epoch % 10 == 0:
        print(f'Mean squared error for step {epoch}: {train_loss.numpy():0.3f}')

# the final losses
print(f"\nFinal train loss: {train_loss:0.3f}")
print(f"Final test loss: {test_loss:0.3f}")

# %% train-facts
print(len(train_losses), len(test_losses))
print(bool(train_losses[-1] < train_losses[0]), bool(test_losses[-1] < test_losses[0]))
print(bool(test_losses[-1] < 0.5))
# traces of the model's tf.function: one per input shape (1, 64 and the last batch's
# 36 rows, 100 for the test set)
print(lin_reg.__call__.experimental_get_tracing_count())

# %% plot-loss
# the guide plots both loss curves against the epochs
print(f"MSE loss: {len(train_losses)} training and {len(test_losses)} testing points")

# %% export-module
class ExportModule(tf.Module):
    def __init__(self, model, extract_features, norm_x, norm_y):
        # pre- and postprocessing around the model
        self.model = model
        self.extract_features = extract_features
        self.norm_x = norm_x
        self.norm_y = norm_y

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None], dtype=tf.float32)])
    def __call__(self, x):
        # raw features in, MPG out
        x = self.extract_features(x)
        x = self.norm_x.norm(x)
        y = self.model(x)
        y = self.norm_y.unnorm(y)
        return y

# %% make-export-module
lin_reg_export = ExportModule(model=lin_reg,
                              extract_features=onehot_origin,
                              norm_x=norm_x,
                              norm_y=norm_y)

# %% saved-model-save
models = tempfile.mkdtemp(dir='.')
save_path = os.path.join(models, 'lin_reg_export')
tf.saved_model.save(lin_reg_export, save_path)

# %% saved-model-load [random]
lin_reg_loaded = tf.saved_model.load(save_path)
test_preds = lin_reg_loaded(x_test)
show(test_preds[:10].numpy())

# %% export-module-call [random]
direct_preds = lin_reg_export(x_test)
show(direct_preds[:10].numpy())

# %% export-module-facts
print(direct_preds.shape, direct_preds.dtype == tf.float32)
print(bool(tf.reduce_all(tf.abs(direct_preds - norm_y.unnorm(lin_reg(x_test_norm))) < 1e-3)))
# the export's MSE, in MPG squared, is the normalized test loss times the variance
print(bool(tf.abs(mse_loss(direct_preds, y_test) - test_losses[-1] * norm_y.std ** 2) < 1e-2))
