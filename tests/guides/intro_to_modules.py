# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Introduction to modules, layers, and models
(tensorflow/docs site/en/guide/intro_to_modules.ipynb), in our own words.

Shell cells (`!ls`) list files with `glob`; values of random weights print by shape
and dtype; `keras.saving.register_keras_serializable` is reached as
`tf.keras.utils.register_keras_serializable`, the same function (Keras only as `tf.keras`).
"""

# %% setup
import glob
import os
from datetime import datetime

import tftape_torch as tf

from tests.guides.show import show, show_random

# %% simple-module
class TwoVariables(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, t):
        return self.a_variable * t + self.non_trainable_variable

two_vars = TwoVariables(name="simple")

show(two_vars(tf.constant(5.0)))

# %% simple-module-variables
print("trainable:", two_vars.trainable_variables)
print("all:", two_vars.variables)

# %% dense-module
class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(
            tf.random.normal([in_features, out_features]), name='w')
        self.b = tf.Variable(tf.zeros([out_features]), name='b')

    def __call__(self, t):
        return tf.nn.relu(tf.matmul(t, self.w) + self.b)

# %% sequential-module
class TwoLayers(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)

        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    def __call__(self, t):
        return self.dense_2(self.dense_1(t))

net = TwoLayers(name="the_model")

print("output:", end=" ")
show_random(net(tf.constant([[2.0, 2.0, 2.0]])))

# %% submodules
print("submodules:", net.submodules)

# %% variables-listing
for var in net.variables:
    print(var.name, end=" ")
    show_random(var)

# %% deferred-variables
class LazyDense(tf.Module):
    # the input size is read from the first input
    def __init__(self, out_features, name=None):
        super().__init__(name=name)
        self.is_built = False
        self.out_features = out_features

    def __call__(self, t):
        if not self.is_built:  # variables are made on the first call
            self.w = tf.Variable(
                tf.random.normal([t.shape[-1], self.out_features]), name='w')
            self.b = tf.Variable(tf.zeros([self.out_features]), name='b')
            self.is_built = True

        return tf.nn.relu(tf.matmul(t, self.w) + self.b)

# %% deferred-sequential
class LazyTwoLayers(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)

        self.dense_1 = LazyDense(out_features=3)
        self.dense_2 = LazyDense(out_features=2)

    def __call__(self, t):
        return self.dense_2(self.dense_1(t))

net = LazyTwoLayers(name="the_model")
print("output:", end=" ")
show_random(net(tf.constant([[2.0, 2.0, 2.0]])))

# %% checkpoint-write
ckpt_prefix = "my_checkpoint"
ckpt = tf.train.Checkpoint(model=net)
show(ckpt.write(ckpt_prefix))

# %% checkpoint-files
print(sorted(glob.glob("my_checkpoint*")))

# %% checkpoint-list-variables
show(tf.train.list_variables(ckpt_prefix))

# %% checkpoint-restore
fresh = LazyTwoLayers()
fresh_ckpt = tf.train.Checkpoint(model=fresh)
fresh_ckpt.restore("my_checkpoint")

show_random(fresh(tf.constant([[2.0, 2.0, 2.0]])))

# %% function-module
class TracedTwoLayers(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)

        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    @tf.function
    def __call__(self, t):
        return self.dense_2(self.dense_1(t))

traced = TracedTwoLayers(name="the_model")

# %% function-module-calls
show_random(traced([[2.0, 2.0, 2.0]]))
show_random(traced([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]))

# %% summary-trace
stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
logdir = "logs/func/%s" % stamp
writer = tf.summary.create_file_writer(logdir)

other = TracedTwoLayers()

tf.summary.trace_on(graph=True)
tf.profiler.experimental.start(logdir)
result = other(tf.constant([[2.0, 2.0, 2.0]]))
show_random(result)
with writer.as_default():
    tf.summary.trace_export(
        name="my_func_trace",
        step=0,
        profiler_outdir=logdir)

# %% saved-model-save
tf.saved_model.save(traced, "the_saved_model")

# %% saved-model-files
print(sorted(os.listdir("the_saved_model")))

# %% saved-model-variable-files
print(sorted(os.listdir("the_saved_model/variables")))

# %% saved-model-load
loaded = tf.saved_model.load("the_saved_model")

# %% saved-model-isinstance
show(isinstance(loaded, TwoLayers))

# %% saved-model-calls
show_random(traced([[2.0, 2.0, 2.0]]))
show_random(traced([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]))

# %% keras-layer
class DenseLayer(tf.keras.layers.Layer):
    # **kwargs passes Keras's own layer arguments on
    def __init__(self, in_features, out_features, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(
            tf.random.normal([in_features, out_features]), name='w')
        self.b = tf.Variable(tf.zeros([out_features]), name='b')

    def call(self, t):
        return tf.nn.relu(tf.matmul(t, self.w) + self.b)

dense_layer = DenseLayer(name="simple", in_features=3, out_features=3)

# %% keras-layer-call
show_random(dense_layer([[2.0, 2.0, 2.0]]))

# %% keras-build
class BuiltDense(tf.keras.layers.Layer):
    def __init__(self, out_features, **kwargs):
        super().__init__(**kwargs)
        self.out_features = out_features

    def build(self, input_shape):  # weights are made here
        self.w = tf.Variable(
            tf.random.normal([input_shape[-1], self.out_features]), name='w')
        self.b = tf.Variable(tf.zeros([self.out_features]), name='b')

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

built_dense = BuiltDense(out_features=3)

# %% keras-build-no-variables-yet
show(built_dense.variables)

# %% keras-build-call
print("output:", end=" ")
show_random(built_dense(tf.constant([[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]])))

# %% keras-build-variables
show_random(built_dense.variables)

# %% keras-build-wrong-shape
try:
    print("output:", built_dense(tf.constant([[2.0, 2.0, 2.0, 2.0]])))
except tf.errors.InvalidArgumentError as err:
    print("failed:", type(err).__name__)

# %% keras-model
@tf.keras.utils.register_keras_serializable()
class TwoLayerModel(tf.keras.Model):
    def __init__(self, name=None, **kwargs):
        super().__init__(**kwargs)

        self.dense_1 = BuiltDense(out_features=3)
        self.dense_2 = BuiltDense(out_features=2)

    def call(self, t):
        return self.dense_2(self.dense_1(t))

keras_net = TwoLayerModel(name="the_model")

print("output:", end=" ")
show_random(keras_net(tf.constant([[2.0, 2.0, 2.0]])))

# %% keras-model-variables
show_random(keras_net.variables)

# %% keras-model-submodules
show(keras_net.submodules)

# %% keras-functional
inputs = tf.keras.Input(shape=[3,])

h = BuiltDense(3)(inputs)
h = BuiltDense(2)(h)

functional = tf.keras.Model(inputs=inputs, outputs=h)

functional.summary()

# %% keras-functional-call
show_random(functional(tf.constant([[2.0, 2.0, 2.0]])))

# %% keras-save
keras_net.save("exname_of_file.keras")

# %% keras-load
rebuilt = tf.keras.models.load_model("exname_of_file.keras")

# %% keras-load-call
show_random(rebuilt(tf.constant([[2.0, 2.0, 2.0]])))
