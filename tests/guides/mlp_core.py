# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Multilayer perceptrons for digit recognition with Core APIs
(tensorflow/docs site/en/guide/core/mlp_core.ipynb), in our own words.

Stand-ins and cuts (no network, and neither TF Datasets (`tfds`), pandas, matplotlib,
seaborn nor sklearn are dependencies here):

* MNIST (`tfds.load`) becomes seeded in-memory NumPy "digits": 28x28x1 uint8 images
  with int64 labels 0-9 (tfds's dtypes), 640 for training (the first 128 are the
  validation split, as the guide takes `train[0:10000]`) and 128 for testing. Each
  image is noise with a bright bar whose row gives its label, so the MLP can learn
  it. The splits go through `tf.data.Dataset.from_tensor_slices(...).batch(128)`, as
  `tfds.load(..., batch_size=128, as_supervised=True)` hands them over, then the
  guide's `map(preprocess)`; `batch_size=-1` loads become plain tensors.
* The plots are dropped, their data printed instead: the nine image titles, the
  digit counts (NumPy's `bincount` for seaborn's countplot), a few ReLU and softmax
  values, the number of points per metric curve, and the confusion matrix computed
  with `tf.math.confusion_matrix` instead of sklearn (and not drawn).
* `print(tf.__version__)` is left out (it names the installed version, not behaviour).
* Training runs 3 epochs instead of 10 (on 4 batches of 128).

The weights come from `tf.random.uniform(..., seed=22)` under `tf.random.set_seed(22)`;
tftape_torch's seeded streams are not TF's bits, so the sections that print training
losses and accuracies, as the guide does, are tagged `[random]`; the sections after
them print what does not hang on the stream (shapes, whether the loss fell, whether
the accuracy passed 0.9 on these easy stand-in digits).

`tf.saved_model.save`/`load` (out of scope) are kept as in the guide; the test-set
cells use the loaded model as the guide does, and an extra section runs the same
test on the export module itself.
"""

# %% setup
import os
import tempfile

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random
from tests.guides.standins import fake_mnist

tf.random.set_seed(22)  # as the guide, for reproducible results

# %% load-data
digit_rng = np.random.RandomState(22)

train_images, train_labels = fake_mnist(digit_rng, 640)
test_images, test_labels = fake_mnist(digit_rng, 128)

def as_batches(images, labels):
    # what tfds.load(..., batch_size=128, as_supervised=True) yields
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(128)

train_data = as_batches(train_images[128:], train_labels[128:])
val_data = as_batches(train_images[:128], train_labels[:128])
test_data = as_batches(test_images, test_labels)
print(train_data.cardinality().numpy(), val_data.cardinality().numpy(),
      test_data.cardinality().numpy())

# %% visualize
x_viz, y_viz = tf.constant(train_images[:1500]), tf.constant(train_labels[:1500])
x_viz = tf.squeeze(x_viz, axis=3)
print(x_viz.shape)

for i in range(9):
    # each subplot's title
    print(f"True Label: {y_viz[i]}")

# %% digit-counts
show(np.bincount(y_viz.numpy(), minlength=10))

# %% preprocess
def preprocess(x, y):
    x = tf.reshape(x, shape=[-1, 784])  # flatten each image
    x = x / 255  # pixel values into [0, 1]
    return x, y

train_data, val_data = train_data.map(preprocess), val_data.map(preprocess)
first_x, first_y = next(iter(train_data))
print(first_x.shape, first_y.shape)
print(tf.reduce_min(first_x).numpy(), tf.reduce_max(first_x).numpy())

# %% relu
x = tf.linspace(-2, 2, 201)
x = tf.cast(x, tf.float32)
relu_x = tf.nn.relu(x)
show(relu_x[::25])

# %% softmax
x = tf.linspace(-4, 4, 201)
x = tf.cast(x, tf.float32)
softmax_x = tf.nn.softmax(x, axis=0)
show(softmax_x[::50])
print(f"{tf.reduce_sum(softmax_x).numpy():.4f}")

# %% xavier-init
def xavier_init(shape):
    # Glorot-uniform values for a weight matrix
    in_dim, out_dim = shape
    xavier_lim = tf.sqrt(6.) / tf.sqrt(tf.cast(in_dim + out_dim, tf.float32))
    weight_vals = tf.random.uniform(shape=(in_dim, out_dim),
                                    minval=-xavier_lim, maxval=xavier_lim, seed=22)
    return weight_vals

# %% xavier-values
sample_weights = xavier_init((784, 700))
show_random(sample_weights)
bound = tf.sqrt(6.) / tf.sqrt(784. + 700.)
print(bool(tf.reduce_all(tf.abs(sample_weights) <= bound)))

# %% dense-layer
class DenseLayer(tf.Module):

    def __init__(self, out_dim, weight_init=xavier_init, activation=tf.identity):
        # sizes and activation; the input size waits for the first call
        self.out_dim = out_dim
        self.weight_init = weight_init
        self.activation = activation
        self.built = False

    def __call__(self, x):
        if not self.built:
            # the first call fixes the input size
            self.in_dim = x.shape[1]
            # weights and biases
            self.w = tf.Variable(self.weight_init(shape=(self.in_dim, self.out_dim)))
            self.b = tf.Variable(tf.zeros(shape=(self.out_dim,)))
            self.built = True
        # forward pass
        z = tf.add(tf.matmul(x, self.w), self.b)
        return self.activation(z)

# %% mlp-class
class MLP(tf.Module):

    def __init__(self, layers):
        self.layers = layers

    @tf.function
    def __call__(self, x, preds=False):
        # the layers, one after the other
        for layer in self.layers:
            x = layer(x)
        return x

# %% mlp-model
hidden_layer_1_size = 700
hidden_layer_2_size = 500
output_size = 10

mlp_model = MLP([
    DenseLayer(out_dim=hidden_layer_1_size, activation=tf.nn.relu),
    DenseLayer(out_dim=hidden_layer_2_size, activation=tf.nn.relu),
    DenseLayer(out_dim=output_size)])
print(len(mlp_model.variables))  # none before the first call

# %% loss-function
def cross_entropy_loss(y_pred, y):
    # cross entropy with a sparse (integer label) op
    sparse_ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=y_pred)
    return tf.reduce_mean(sparse_ce)

# %% accuracy-function
def accuracy(y_pred, y):
    # share of class predictions that hit the label
    class_preds = tf.argmax(tf.nn.softmax(y_pred), axis=1)
    is_equal = tf.equal(y, class_preds)
    return tf.reduce_mean(tf.cast(is_equal, tf.float32))

# %% loss-accuracy-values
demo_logits = tf.constant([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]])
demo_labels = tf.constant([0, 1], dtype=tf.int64)
print(f"{cross_entropy_loss(demo_logits, demo_labels).numpy():.5f}")
print(accuracy(demo_logits, demo_labels).numpy())

# %% adam
class Adam:

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        # hyperparameters and the (empty) slot variables
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.learning_rate = learning_rate
        self.ep = ep
        self.t = 1.
        self.v_dvar, self.s_dvar = [], []
        self.built = False

    def apply_gradients(self, grads, vars):
        # make the slots on the first call
        if not self.built:
            for var in vars:
                v = tf.Variable(tf.zeros(shape=var.shape))
                s = tf.Variable(tf.zeros(shape=var.shape))
                self.v_dvar.append(v)
                self.s_dvar.append(s)
            self.built = True
        # update each variable from its gradient
        for i, (d_var, var) in enumerate(zip(grads, vars)):
            self.v_dvar[i].assign(self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var)
            self.s_dvar[i].assign(self.beta_2 * self.s_dvar[i] + (1 - self.beta_2) * tf.square(d_var))
            v_dvar_bc = self.v_dvar[i] / (1 - (self.beta_1 ** self.t))
            s_dvar_bc = self.s_dvar[i] / (1 - (self.beta_2 ** self.t))
            var.assign_sub(self.learning_rate * (v_dvar_bc / (tf.sqrt(s_dvar_bc) + self.ep)))
        self.t += 1.
        return

# %% train-val-steps
def train_step(x_batch, y_batch, loss, acc, model, optimizer):
    # one update of the model on a batch
    with tf.GradientTape() as tape:
        y_pred = model(x_batch)
        batch_loss = loss(y_pred, y_batch)
    batch_acc = acc(y_pred, y_batch)
    grads = tape.gradient(batch_loss, model.variables)
    optimizer.apply_gradients(grads, model.variables)
    return batch_loss, batch_acc

def val_step(x_batch, y_batch, loss, acc, model):
    # loss and accuracy on a validation batch
    y_pred = model(x_batch)
    batch_loss = loss(y_pred, y_batch)
    batch_acc = acc(y_pred, y_batch)
    return batch_loss, batch_acc

# %% train-model-function
def train_model(mlp, train_data, val_data, loss, acc, optimizer, epochs):
    # per-epoch history
    train_losses, train_accs = [], []
    val_losses, val_accs = [], []

    for epoch in range(epochs):
        batch_losses_train, batch_accs_train = [], []
        batch_losses_val, batch_accs_val = [], []

        # training batches: gradients and updates
        for x_batch, y_batch in train_data:
            batch_loss, batch_acc = train_step(x_batch, y_batch, loss, acc, mlp, optimizer)
            batch_losses_train.append(batch_loss)
            batch_accs_train.append(batch_acc)

        # validation batches
        for x_batch, y_batch in val_data:
            batch_loss, batch_acc = val_step(x_batch, y_batch, loss, acc, mlp)
            batch_losses_val.append(batch_loss)
            batch_accs_val.append(batch_acc)

        # epoch-level numbers
        train_loss, train_acc = tf.reduce_mean(batch_losses_train), tf.reduce_mean(batch_accs_train)
        val_loss, val_acc = tf.reduce_mean(batch_losses_val), tf.reduce_mean(batch_accs_val)
        train_losses.append(train_loss)
        train_accs.append(train_acc)
        val_losses.append(val_loss)
        val_accs.append(val_acc)
        print(f"Epoch: {epoch}")
        print(f"Training loss: {train_loss:.3f}, Training accuracy: {train_acc:.3f}")
        print(f"Validation loss: {val_loss:.3f}, Validation accuracy: {val_acc:.3f}")
    return train_losses, train_accs, val_losses, val_accs

# %% train [random]
train_losses, train_accs, val_losses, val_accs = train_model(mlp_model, train_data, val_data,
                                                             loss=cross_entropy_loss, acc=accuracy,
                                                             optimizer=Adam(), epochs=3)

# %% train-facts
print(len(train_losses), len(val_accs))
print([v.shape for v in mlp_model.variables])
print(bool(train_losses[-1] < train_losses[0]), bool(val_losses[-1] < val_losses[0]))
print(bool(train_accs[-1] > 0.9), bool(val_accs[-1] > 0.9))

# %% plot-metrics-function
def plot_metrics(train_metric, val_metric, metric_type):
    # the guide draws both curves against the epochs; print what they hold
    print(f"{metric_type}: {len(train_metric)} training and {len(val_metric)} validation points")

# %% plot-loss
plot_metrics(train_losses, val_losses, "cross entropy loss")

# %% plot-accuracy
plot_metrics(train_accs, val_accs, "accuracy")

# %% export-module
class ExportModule(tf.Module):
    def __init__(self, model, preprocess, class_pred):
        # pre- and postprocessing around the model
        self.model = model
        self.preprocess = preprocess
        self.class_pred = class_pred

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None, None, None], dtype=tf.uint8)])
    def __call__(self, x):
        # raw images in, classes out
        x = self.preprocess(x)
        y = self.model(x)
        y = self.class_pred(y)
        return y

# %% export-helpers
def preprocess_test(x):
    # raw, unlabeled images
    x = tf.reshape(x, shape=[-1, 784])
    x = x / 255
    return x

def class_pred_test(y):
    # classes from the MLP's logits
    return tf.argmax(tf.nn.softmax(y), axis=1)

# %% make-export-module
mlp_model_export = ExportModule(model=mlp_model,
                                preprocess=preprocess_test,
                                class_pred=class_pred_test)

# %% saved-model-save
models = tempfile.mkdtemp(dir='.')
save_path = os.path.join(models, 'mlp_model_export')
tf.saved_model.save(mlp_model_export, save_path)

# %% saved-model-load
mlp_loaded = tf.saved_model.load(save_path)

# %% test-accuracy [random]
def accuracy_score(y_pred, y):
    # share of equal entries
    is_equal = tf.equal(y_pred, y)
    return tf.reduce_mean(tf.cast(is_equal, tf.float32))

x_test, y_test = tf.constant(test_images), tf.constant(test_labels)  # batch_size=-1
test_classes = mlp_loaded(x_test)
test_acc = accuracy_score(test_classes, y_test)
print(f"Test Accuracy: {test_acc:.3f}")

# %% per-digit-accuracy [random]
print("Accuracy breakdown by digit:")
print("---------------------------")
label_accs = {}
for label in range(10):
    label_ind = (y_test == label)
    # predictions for the images of this digit
    pred_label = test_classes[label_ind]
    labels = y_test[label_ind]
    # accuracy for this digit
    label_accs[accuracy_score(pred_label, labels).numpy()] = label
for key in sorted(label_accs):
    print(f"Digit {label_accs[key]}: {key:.3f}")

# %% export-module-test
def accuracy_score(y_pred, y):
    # share of equal entries
    is_equal = tf.equal(y_pred, y)
    return tf.reduce_mean(tf.cast(is_equal, tf.float32))

x_test, y_test = tf.constant(test_images), tf.constant(test_labels)
direct_classes = mlp_model_export(x_test)
print(direct_classes.shape)
print(bool(accuracy_score(direct_classes, y_test) > 0.9))
per_digit = [accuracy_score(direct_classes[y_test == d], y_test[y_test == d]) for d in range(10)]
print(len(per_digit), bool(min(per_digit) > 0.5))

# %% confusion-matrix
def confusion_counts(test_labels, test_classes):
    # the matrix the guide draws as a heatmap, row-normalised
    confusion = tf.math.confusion_matrix(test_labels, test_classes, num_classes=10)
    confusion_normalized = confusion / tf.reduce_sum(confusion, axis=1, keepdims=True)
    return confusion, confusion_normalized

confusion, confusion_normalized = confusion_counts(y_test, direct_classes)
print(confusion.shape, int(tf.reduce_sum(confusion)))
show(tf.reduce_sum(confusion, axis=1))
print(bool(tf.reduce_all(tf.linalg.diag_part(confusion_normalized) > 0.5)))
