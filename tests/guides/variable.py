# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Introduction to variables (tensorflow/docs site/en/guide/variable.ipynb), in our own words.

Caught exceptions print their class only (`show_error`).
"""

# %% setup
import tftape_torch as tf

from tests.guides.show import show, show_error

# %% create
start = tf.constant([[1.0, 2.0], [3.0, 4.0]])
weights = tf.Variable(start)

flags = tf.Variable([False, False, False, True])
complex_values = tf.Variable([5 + 4j, 6 + 1j])

# %% properties
print("shape:", weights.shape)
print("dtype:", weights.dtype)
print("as numpy:", weights.numpy())

# %% ops-on-variables
print("the variable:", weights)
print("\nas a tensor:", tf.convert_to_tensor(weights))
print("\nargmax:", tf.math.argmax(weights))

# This makes a new tensor; the variable keeps its shape.
print("\nreshaped copy:", tf.reshape(weights, [1, 4]))

# %% assign-and-wrong-shape
pair = tf.Variable([2.0, 3.0])
pair.assign([1, 2])  # keeps float32
try:
    pair.assign([1.0, 2.0, 3.0])  # a variable's shape is fixed
except Exception as err:
    show_error(err)

# %% copies-do-not-share
pair = tf.Variable([2.0, 3.0])
copy = tf.Variable(pair)  # a new variable with the same value
pair.assign([5, 6])

print(pair.numpy())
print(copy.numpy())

print(pair.assign_add([2, 3]).numpy())  # [7. 9.]
print(pair.assign_sub([7, 9]).numpy())  # [0. 0.]

# %% names
first = tf.Variable(start, name="Mark")
second = tf.Variable(start + 1, name="Mark")  # the same name is allowed
print(first == second)  # elementwise

# %% not-trainable
steps = tf.Variable(1, trainable=False)

# %% device-placement
with tf.device('CPU:0'):
    lhs = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    rhs = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    product = tf.matmul(lhs, rhs)

print(product)

# %% device-cross
with tf.device('CPU:0'):
    lhs = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    rhs = tf.Variable([[1.0, 2.0, 3.0]])

with tf.device('GPU:0'):
    # elementwise product, placed on a GPU when there is one
    scaled = lhs * rhs

print(scaled)
