# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Training checkpoints (tensorflow/docs site/en/guide/checkpoint.ipynb), in our own words.

The model and optimizer are `tf.keras` ones (Keras 3; on tftape_torch its torch backend).
Values that come from the model's random initial weights (losses, restored weights) print
by shape and dtype (`show_random`), next to equality checks both frameworks must get right.
`!ls ./tf_ckpts` becomes a sorted `os.listdir`. Keras 3's `save_weights` only accepts a
`.weights.h5` name and a built model, so the guide's `save_weights('easy_checkpoint')` is
caught (its error class printed), and the model is built and saved under
`easy_checkpoint.weights.h5`. Keras 3's `Dense` tracks its kernel as `_kernel`, so the
checkpoint key and the deferred restore use that name (the guide's `kernel` is shown to
restore nothing). The repr of the status object (a TF module path) prints as its class name.

Besides the guide's cells, `assert_consumed` (which the guide says would raise after the
partial restore), `expect_partial` and `tf.train.list_variables` get a short section each,
and restored values are compared with the saved ones (`tf.train.load_variable`).
Nothing is skipped: the guide's only non-code parts are its dependency-graph pictures.
"""

# %% setup
import os

import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random

# %% model
class Net(tf.keras.Model):
    """A one-layer linear model."""

    def __init__(self):
        super(Net, self).__init__()
        self.l1 = tf.keras.layers.Dense(5)

    def call(self, x):
        return self.l1(x)

# %% make-model
net = Net()

# %% keras-save-weights
try:
    net.save_weights('easy_checkpoint')  # Keras 2 wrote a TF checkpoint here
except ValueError as err:
    show_error(err)
try:
    net.save_weights('easy_checkpoint.weights.h5')
except ValueError as err:
    show_error(err)  # Keras 3 saves built models only
net(tf.zeros([1, 1]))  # builds l1 as the first training step would
net.save_weights('easy_checkpoint.weights.h5')
print(sorted(name for name in os.listdir('.') if name.startswith('easy_checkpoint')))

# %% toy-dataset
def toy_dataset():
    features = tf.range(10.)[:, None]
    targets = features * 5. + tf.range(5.)[None, :]
    return tf.data.Dataset.from_tensor_slices(
        dict(x=features, y=targets)).repeat().batch(2)

# %% train-step
def train_step(net, batch, optimizer):
    """One optimizer step of `net` on `batch`."""
    with tf.GradientTape() as tape:
        prediction = net(batch['x'])
        loss = tf.reduce_mean(tf.abs(prediction - batch['y']))
    variables = net.trainable_variables
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))
    return loss

# %% checkpoint-objects
opt = tf.keras.optimizers.Adam(0.1)
dataset = toy_dataset()
iterator = iter(dataset)
ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net, iterator=iterator)
manager = tf.train.CheckpointManager(ckpt, './tf_ckpts', max_to_keep=3)

# %% train-and-checkpoint-fn
def train_and_checkpoint(net, manager):
    ckpt.restore(manager.latest_checkpoint)
    if manager.latest_checkpoint:
        print("Restored from {}".format(manager.latest_checkpoint))
    else:
        print("Initializing from scratch.")

    for _ in range(50):
        batch = next(iterator)
        loss = train_step(net, batch, opt)
        ckpt.step.assign_add(1)
        if int(ckpt.step) % 10 == 0:
            saved_to = manager.save()
            print("Saved checkpoint for step {}: {}".format(int(ckpt.step), saved_to))
            print("loss", end=" ")
            show_random(loss.numpy())

# %% train-first
train_and_checkpoint(net, manager)

# %% restore-and-continue
opt = tf.keras.optimizers.Adam(0.1)
net = Net()
dataset = toy_dataset()
iterator = iter(dataset)
ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net, iterator=iterator)
manager = tf.train.CheckpointManager(ckpt, './tf_ckpts', max_to_keep=3)

train_and_checkpoint(net, manager)

# %% manager-checkpoints
print(manager.checkpoints)  # the three kept

# %% ls-ckpts
print(sorted(os.listdir('./tf_ckpts')))

# %% restore-bias-only
bias_only = tf.Variable(tf.zeros([5]))
print(bias_only.numpy())  # zeros
layer_stub = tf.train.Checkpoint(bias=bias_only)
net_stub = tf.train.Checkpoint(l1=layer_stub)
stub_root = tf.train.Checkpoint(net=net_stub)
status = stub_root.restore(tf.train.latest_checkpoint('./tf_ckpts/'))
show_random(bias_only.numpy())  # now the saved bias
saved_bias = tf.train.load_variable('./tf_ckpts/', 'net/l1/bias/.ATTRIBUTES/VARIABLE_VALUE')
print("restored == saved:", np.array_equal(bias_only.numpy(), saved_bias))

# %% assert-existing-matched
matched = status.assert_existing_objects_matched()  # passes
print(type(matched).__name__, matched is status)

# %% assert-consumed-raises
try:
    status.assert_consumed()  # the kernel and the optimizer's slots were not matched
except AssertionError as err:
    show_error(err)
status.expect_partial()  # no warnings about the unmatched values

# %% deferred-restore
late_kernel = tf.Variable(tf.zeros([1, 5]))
print(late_kernel.numpy())  # still zeros
layer_stub.kernel = late_kernel
print(late_kernel.numpy())  # still zeros: Keras 3's Dense tracks its kernel as `_kernel`
late_kernel = tf.Variable(tf.zeros([1, 5]))
layer_stub._kernel = late_kernel
show_random(late_kernel.numpy())  # restored on attachment
saved_kernel = tf.train.load_variable('./tf_ckpts/', 'net/l1/_kernel/.ATTRIBUTES/VARIABLE_VALUE')
print("restored == saved:", np.array_equal(late_kernel.numpy(), saved_kernel))

# %% reader-keys
reader = tf.train.load_checkpoint('./tf_ckpts/')
shapes_by_key = reader.get_variable_to_shape_map()
dtypes_by_key = reader.get_variable_to_dtype_map()

show(sorted(shapes_by_key.keys()))

# %% reader-one-key
key = 'net/l1/_kernel/.ATTRIBUTES/VARIABLE_VALUE'  # `kernel` in Keras 2

print("Shape:", shapes_by_key[key])
print("Dtype:", dtypes_by_key[key].name)

# %% reader-get-tensor
show_random(reader.get_tensor(key))

# %% list-variables
# (TF's iterator state is a variant whose shape changes from run to run, with what its
# prefetch buffers held at the save: printed without it.)
for name, shape in tf.train.list_variables('./tf_ckpts/'):
    print(name, "(iterator state)" if "ITERATOR_STATE" in name else shape)

# %% track-containers
saver = tf.train.Checkpoint()
saver.listed = [tf.Variable(1.)]
saver.listed.append(tf.Variable(2.))
saver.mapped = {'one': saver.listed[0]}
saver.mapped['two'] = saver.listed[1]
list_path = saver.save('./tf_list_example')
print(list_path)

loader = tf.train.Checkpoint()
second = tf.Variable(0.)
assert 0. == second.numpy()  # nothing restored yet
loader.mapped = {'two': second}
loader.restore(list_path)
assert 2. == second.numpy()
print(second.numpy())

# %% list-wrapper-restore
loader.listed = []
print(loader.listed)  # ListWrapper([])
first = tf.Variable(0.)
loader.listed.append(first)  # restored from the restore() above
assert 1. == first.numpy()
print(first.numpy())
