# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Logistic regression for binary classification with Core APIs
(tensorflow/docs site/en/guide/core/logistic_regression_core.ipynb), in our own words.

Stand-ins and cuts (no network, and neither pandas, matplotlib, seaborn nor sklearn
are dependencies here):

* The Wisconsin breast-cancer CSV (`pd.read_csv(url, names=column_names)`) becomes a
  seeded in-memory NumPy table with the same 32 columns and dtypes: 569 rows of an
  int64 `id`, the `diagnosis` ('M' or 'B') and 30 positive float64 measurements
  (`tests/guides/standins.py`, `fake_breast_cancer`), the malignant rows larger, so
  that the model can learn them. pandas' calls become NumPy's: `info()` and `head()`
  print the columns and the first rows, `sample(frac=0.75, random_state=1)` is a
  permutation from `RandomState(1)` (427 rows, as pandas rounds), `drop` keeps the
  other rows in order, `iloc[:, 2:]` the measurements and `map({'B': 0, 'M': 1})` a
  comparison; `describe()` prints NumPy's statistics for the first ten columns.
* The plots are dropped, their data printed instead: a few sigmoid values, the
  number of points per metric curve, and the confusion matrices computed with
  `tf.math.confusion_matrix` instead of sklearn (and not drawn).
* `print(tf.__version__)` is left out (it names the installed version, not behaviour).
* Training runs 50 epochs instead of 200, printing every 10th instead of every 20th.
* The saved model goes to `tempfile.mkdtemp(dir='.')`, the runner's directory.

The weights come from `tf.random.uniform(..., seed=22)` under `tf.random.set_seed(22)`
and the batches from `shuffle`; tftape_torch's seeded streams are not TF's bits, so
the sections that print the untrained predictions, training losses, accuracies and
predicted classes, as the guide does, are tagged `[random]`; the sections after them
print what does not hang on the stream (shapes, ranges, whether the loss fell,
whether the accuracy passed 0.9 on this separable stand-in).

`tf.saved_model.save`/`load` (out of scope) are kept as in the guide; an extra
section calls the export module itself.
"""

# %% setup
import os
import tempfile

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_random
from tests.guides.standins import BREAST_CANCER_FEATURES, fake_breast_cancer

# the same random seed for every run
tf.random.set_seed(22)

# %% column-names
features = list(BREAST_CANCER_FEATURES)
column_names = ['id', 'diagnosis']

for attr in ['mean', 'ste', 'largest']:
    for feature in features:
        column_names.append(feature + "_" + attr)
print(len(column_names))

# %% read-csv
# what pd.read_csv(url, names=column_names) reads, column by column
ids, diagnosis, measures = fake_breast_cancer(np.random.RandomState(569))

# %% info
# dataset.info()
print(f"RangeIndex: {len(ids)} entries, 0 to {len(ids) - 1}")
print(f"Data columns (total {len(column_names)} columns):")
columns = [ids, diagnosis] + [measures[:, i] for i in range(measures.shape[1])]
for number, (name, column) in enumerate(zip(column_names, columns)):
    kind = "object" if column.dtype.kind == "U" else column.dtype.name
    print(f" {number:<3} {name:<24} {len(column)} non-null {kind}")

# %% head
# dataset.head()
for row in range(5):
    print(row, ids[row], diagnosis[row], np.round(measures[row, :4], 3))

# %% train-split
# dataset.sample(frac=0.75, random_state=1)
train_rows = np.random.RandomState(1).permutation(len(ids))[:round(0.75 * len(ids))]
show(len(train_rows))

# %% test-split
# dataset.drop(train_dataset.index): the other rows, in order
test_rows = np.setdiff1d(np.arange(len(ids)), train_rows)
show(len(test_rows))

# %% features-labels
# iloc[:, 2:] and iloc[:, 1]: the `id` column is left out
x_train, y_train = measures[train_rows], diagnosis[train_rows]
x_test, y_test = measures[test_rows], diagnosis[test_rows]

# %% preprocess
y_train, y_test = (y_train == 'M').astype(np.int64), (y_test == 'M').astype(np.int64)
x_train, y_train = tf.convert_to_tensor(x_train, dtype=tf.float32), tf.convert_to_tensor(y_train, dtype=tf.float32)
x_test, y_test = tf.convert_to_tensor(x_test, dtype=tf.float32), tf.convert_to_tensor(y_test, dtype=tf.float32)
print(x_train.shape, y_train.shape, x_test.shape, y_test.shape)
print(x_train.dtype == tf.float32, y_test.dtype == tf.float32)
show(y_train[:10])

# %% describe
# train_dataset.describe().transpose()[:10]
train_measures = measures[train_rows]
print("count mean std min 25% 50% 75% max")
for i, name in enumerate(column_names[2:12]):
    column = train_measures[:, i]
    stats = [column.mean(), column.std(ddof=1), column.min(),
             *np.percentile(column, [25, 50, 75]), column.max()]
    print(name, len(column), " ".join(f"{s:.6f}" for s in stats))

# %% normalize
class Normalize(tf.Module):
    def __init__(self, x):
        # mean and standard deviation of each column
        self.mean = tf.Variable(tf.math.reduce_mean(x, axis=0))
        self.std = tf.Variable(tf.math.reduce_std(x, axis=0))

    def norm(self, x):
        # standardize
        return (x - self.mean)/self.std

    def unnorm(self, x):
        # undo the standardization
        return (x * self.std) + self.mean

norm_x = Normalize(x_train)
x_train_norm, x_test_norm = norm_x.norm(x_train), norm_x.norm(x_test)

# %% normalize-values
print(norm_x.mean.shape, norm_x.std.shape)
print(np.round(norm_x.mean.numpy()[:4], 2), np.round(norm_x.std.numpy()[:4], 2))
print(bool(tf.reduce_all(tf.abs(tf.reduce_mean(x_train_norm, axis=0)) < 1e-4)))
print(bool(tf.reduce_all(tf.abs(tf.math.reduce_std(x_train_norm, axis=0) - 1) < 1e-4)))
print(bool(tf.reduce_all(tf.abs(norm_x.unnorm(x_train_norm) - x_train) < 1e-2)))

# %% sigmoid
x = tf.linspace(-10, 10, 500)
x = tf.cast(x, tf.float32)
f = lambda x : (1/20)*x + 0.6
# the guide plots tf.math.sigmoid(x); a few of its points
show(tf.math.sigmoid(x)[::50])

# %% log-loss
def log_loss(y_pred, y):
    # the log loss (binary cross entropy) of logits
    ce = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=y_pred)
    return tf.reduce_mean(ce)

# %% log-loss-value
show(log_loss(tf.constant([2.0, -1.0, 0.5, -3.0]), tf.constant([1.0, 0.0, 0.0, 1.0])))

# %% logistic-regression
class LogisticRegression(tf.Module):

    def __init__(self):
        self.built = False

    def __call__(self, x, train=True):
        # parameters on the first call
        if not self.built:
            # random weights and bias
            rand_w = tf.random.uniform(shape=[x.shape[-1], 1], seed=22)
            rand_b = tf.random.uniform(shape=[], seed=22)
            self.w = tf.Variable(rand_w)
            self.b = tf.Variable(rand_b)
            self.built = True
        # the model's output
        z = tf.add(tf.matmul(x, self.w), self.b)
        z = tf.squeeze(z, axis=1)
        if train:
            return z
        return tf.sigmoid(z)

# %% make-model
log_reg = LogisticRegression()

# %% untrained-predictions [random]
y_pred = log_reg(x_train_norm[:5], train=False)
show(y_pred.numpy())

# %% untrained-predictions-facts
print(y_pred.shape, [v.shape for v in log_reg.variables])
print(bool(tf.reduce_all((y_pred >= 0) & (y_pred <= 1))))

# %% accuracy
def predict_class(y_pred, thresh=0.5):
    # 1 where y_pred is above the threshold, else 0
    return tf.cast(y_pred > thresh, tf.float32)

def accuracy(y_pred, y):
    # share of predicted classes that match y
    y_pred = tf.math.sigmoid(y_pred)
    y_pred_class = predict_class(y_pred)
    check_equal = tf.cast(y_pred_class == y,tf.float32)
    acc_val = tf.reduce_mean(check_equal)
    return acc_val

# %% accuracy-value
show(accuracy(tf.constant([2.0, -1.0, 0.5, -3.0]), tf.constant([1.0, 0.0, 0.0, 1.0])))

# %% datasets
batch_size = 64
train_dataset = tf.data.Dataset.from_tensor_slices((x_train_norm, y_train))
train_dataset = train_dataset.shuffle(buffer_size=x_train.shape[0]).batch(batch_size)
test_dataset = tf.data.Dataset.from_tensor_slices((x_test_norm, y_test))
test_dataset = test_dataset.shuffle(buffer_size=x_test.shape[0]).batch(batch_size)
print(train_dataset.cardinality().numpy(), test_dataset.cardinality().numpy())
print(train_dataset.element_spec)

# %% train [random]
# training parameters
epochs = 50
learning_rate = 0.01
train_losses, test_losses = [], []
train_accs, test_accs = [], []

# the training loop
for epoch in range(epochs):
    batch_losses_train, batch_accs_train = [], []
    batch_losses_test, batch_accs_test = [], []

    # training batches
    for x_batch, y_batch in train_dataset:
        with tf.GradientTape() as tape:
            y_pred_batch = log_reg(x_batch)
            batch_loss = log_loss(y_pred_batch, y_batch)
        batch_acc = accuracy(y_pred_batch, y_batch)
        # a gradient step on each parameter
        grads = tape.gradient(batch_loss, log_reg.variables)
        for g,v in zip(grads, log_reg.variables):
            v.assign_sub(learning_rate * g)
        # batch-level training numbers
        batch_losses_train.append(batch_loss)
        batch_accs_train.append(batch_acc)

    # test batches
    for x_batch, y_batch in test_dataset:
        y_pred_batch = log_reg(x_batch)
        batch_loss = log_loss(y_pred_batch, y_batch)
        batch_acc = accuracy(y_pred_batch, y_batch)
        # batch-level test numbers
        batch_losses_test.append(batch_loss)
        batch_accs_test.append(batch_acc)

    # epoch-level numbers
    train_loss, train_acc = tf.reduce_mean(batch_losses_train), tf.reduce_mean(batch_accs_train)
    test_loss, test_acc = tf.reduce_mean(batch_losses_test), tf.reduce_mean(batch_accs_test)
    train_losses.append(train_loss)
    train_accs.append(train_acc)
    test_losses.append(test_loss)
    test_accs.append(test_acc)
    if epoch % 10 == 0:
        print(f"Epoch: {epoch}, Training log loss: {train_loss:.3f}")

# %% train-facts
print(len(train_losses), len(test_losses), len(train_accs), len(test_accs))
print(bool(train_losses[-1] < train_losses[0]), bool(test_losses[-1] < test_losses[0]))
print(bool(train_accs[-1] > 0.9), bool(test_accs[-1] > 0.9))

# %% plot-loss
# the guide plots both loss curves against the epochs
print(f"log loss: {len(train_losses)} training and {len(test_losses)} testing points")

# %% plot-accuracy
print(f"accuracy: {len(train_accs)} training and {len(test_accs)} testing points")

# %% final-loss [random]
print(f"Final training log loss: {train_losses[-1]:.3f}")
print(f"Final testing log Loss: {test_losses[-1]:.3f}")

# %% final-accuracy [random]
print(f"Final training accuracy: {train_accs[-1]:.3f}")
print(f"Final testing accuracy: {test_accs[-1]:.3f}")

# %% predicted-classes
def show_confusion_matrix(y, y_classes, typ):
    # the matrix the guide draws as a heatmap, row-normalised
    confusion = tf.math.confusion_matrix(y, y_classes, num_classes=2)
    confusion_normalized = confusion / tf.reduce_sum(confusion, axis=1, keepdims=True)
    print(f"Confusion matrix: {typ}")
    print(confusion.shape, int(tf.reduce_sum(confusion)))
    show(tf.reduce_sum(confusion, axis=1))
    print(bool(tf.reduce_all(tf.linalg.diag_part(confusion_normalized) > 0.8)))

y_pred_train, y_pred_test = log_reg(x_train_norm, train=False), log_reg(x_test_norm, train=False)
train_classes, test_classes = predict_class(y_pred_train), predict_class(y_pred_test)
print(train_classes.shape, test_classes.shape)

# %% confusion-training
show_confusion_matrix(y_train, train_classes, 'Training')

# %% confusion-testing
show_confusion_matrix(y_test, test_classes, 'Testing')

# %% export-module
class ExportModule(tf.Module):
    def __init__(self, model, norm_x, class_pred):
        # pre- and postprocessing around the model
        self.model = model
        self.norm_x = norm_x
        self.class_pred = class_pred

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None], dtype=tf.float32)])
    def __call__(self, x):
        # raw measurements in, classes out
        x = self.norm_x.norm(x)
        y = self.model(x, train=False)
        y = self.class_pred(y)
        return y

# %% make-export-module
log_reg_export = ExportModule(model=log_reg,
                              norm_x=norm_x,
                              class_pred=predict_class)

# %% saved-model-save
models = tempfile.mkdtemp(dir='.')
save_path = os.path.join(models, 'log_reg_export')
tf.saved_model.save(log_reg_export, save_path)

# %% saved-model-load [random]
log_reg_loaded = tf.saved_model.load(save_path)
test_preds = log_reg_loaded(x_test)
show(test_preds[:10].numpy())

# %% export-module-call [random]
direct_preds = log_reg_export(x_test)
show(direct_preds[:10].numpy())

# %% export-module-facts
print(direct_preds.shape)
print(bool(tf.reduce_all((direct_preds == 0) | (direct_preds == 1))))
print(bool(tf.reduce_all(direct_preds == test_classes)))
