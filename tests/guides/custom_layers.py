# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Custom layers (tensorflow/docs site/en/tutorials/customization/custom_layers.ipynb),
in our own words.

Values of randomly initialised weights print by shape and dtype (`show_random`), with
their paths; the layers' outputs on the guide's all-zero inputs do not hang on the
weights, so they print in full.

The guide was written for Keras 2; under TF 2.21 (Keras 3) `add_weight("kernel",
shape=...)` raises `ValueError` (Keras 3 takes the name as a keyword only), so building
`MyDenseLayer` fails. That call is kept and its error class printed, followed by the
Keras 3 spelling (`add_weight(name="kernel", shape=...)`). The guide's
`_ = layer(...)` and `_ = block(...)` cells display nothing; here `_` is printed.
"""

# %% setup
import tftape_torch as tf

from tests.guides.show import show, show_error, show_random

# %% gpu-list
print(tf.config.list_physical_devices('GPU'))

# %% dense-layers
# layers are objects; the first argument is usually the number of outputs
layer = tf.keras.layers.Dense(100)
# the input size can be given, though the first call would infer it
layer = tf.keras.layers.Dense(10, input_shape=(None, 5))

# %% dense-call
show(layer(tf.zeros([10, 5])))

# %% dense-variables
show_random(layer.variables)
print([v.path for v in layer.variables])

# %% dense-kernel-bias
show_random((layer.kernel, layer.bias))

# %% my-dense-layer
class MyDenseLayer(tf.keras.layers.Layer):
    def __init__(self, num_outputs):
        super(MyDenseLayer, self).__init__()
        self.num_outputs = num_outputs

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel",
                                      shape=[int(input_shape[-1]),
                                             self.num_outputs])

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel)

layer = MyDenseLayer(10)

# %% my-dense-build-keras2
try:
    _ = layer(tf.zeros([10, 5]))  # the first call builds the layer
except Exception as err:  # Keras 3: add_weight takes the name as a keyword only
    show_error(err)

# %% my-dense-layer-keras3
class MyDenseLayer(tf.keras.layers.Layer):
    def __init__(self, num_outputs):
        super(MyDenseLayer, self).__init__()
        self.num_outputs = num_outputs

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel",
                                      shape=[int(input_shape[-1]),
                                             self.num_outputs])

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel)

layer = MyDenseLayer(10)

# %% my-dense-build
_ = layer(tf.zeros([10, 5]))  # the first call builds the layer
show(_)

# %% my-dense-variable-names
print([var.name for var in layer.trainable_variables])

# %% resnet-block
class ResnetIdentityBlock(tf.keras.Model):
    def __init__(self, kernel_size, filters):
        super(ResnetIdentityBlock, self).__init__(name='')
        filters1, filters2, filters3 = filters

        self.conv2a = tf.keras.layers.Conv2D(filters1, (1, 1))
        self.bn2a = tf.keras.layers.BatchNormalization()

        self.conv2b = tf.keras.layers.Conv2D(filters2, kernel_size, padding='same')
        self.bn2b = tf.keras.layers.BatchNormalization()

        self.conv2c = tf.keras.layers.Conv2D(filters3, (1, 1))
        self.bn2c = tf.keras.layers.BatchNormalization()

    def call(self, input_tensor, training=False):
        x = self.conv2a(input_tensor)
        x = self.bn2a(x, training=training)
        x = tf.nn.relu(x)

        x = self.conv2b(x)
        x = self.bn2b(x, training=training)
        x = tf.nn.relu(x)

        x = self.conv2c(x)
        x = self.bn2c(x, training=training)

        x += input_tensor
        return tf.nn.relu(x)


block = ResnetIdentityBlock(1, [1, 2, 3])

# %% resnet-call
_ = block(tf.zeros([1, 2, 3, 3]))
show(_)

# %% resnet-layers
show(block.layers)

# %% resnet-variables
show(len(block.variables))

# %% resnet-summary
block.summary()

# %% sequential
my_seq = tf.keras.Sequential([tf.keras.layers.Conv2D(1, (1, 1),
                                                     input_shape=(
                                                         None, None, 3)),
                              tf.keras.layers.BatchNormalization(),
                              tf.keras.layers.Conv2D(2, 1,
                                                     padding='same'),
                              tf.keras.layers.BatchNormalization(),
                              tf.keras.layers.Conv2D(3, (1, 1)),
                              tf.keras.layers.BatchNormalization()])
show(my_seq(tf.zeros([1, 2, 3, 3])))

# %% sequential-summary
my_seq.summary()
