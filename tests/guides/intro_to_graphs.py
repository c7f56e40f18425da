# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Introduction to graphs and tf.function (tensorflow/docs site/en/guide/intro_to_graphs.ipynb),
in our own words.

Left out of the printed output, as TF-internal or timing-dependent: the AutoGraph
code that `tf.autograph.to_code` returns and the GraphDef proto of a concrete
function (both calls still run; only the type of what they return is printed), and
the `timeit` measurements (the timed computations run, ten repetitions instead of the
guide's thousand to keep the script short; only the type of the result is printed).
Values drawn from `tf.random` print by shape and dtype (`show_random`); a caught
exception prints its class (`show_error`).
"""

# %% setup
import timeit
from datetime import datetime

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random

# %% function-as-graph
def plain_affine(x, w, b):
    x = tf.matmul(x, w)
    x = x + b
    return x

# a PolymorphicFunction wrapping the plain one
graph_affine = tf.function(plain_affine)

row = tf.constant([[1.0, 2.0]])
column = tf.constant([[2.0], [3.0]])
offset = tf.constant(4.0)

eager_result = plain_affine(row, column, offset).numpy()
# called like any Python function
graph_result = graph_affine(row, column, offset).numpy()
assert eager_result == graph_result

# %% nested-functions
def inner_affine(x, w, b):
    x = tf.matmul(x, w)
    x = x + b
    return x

@tf.function
def outer_affine(x):
    w = tf.constant([[2.0], [3.0]])
    b = tf.constant(4.0)
    return inner_affine(x, w, b)

# one graph holds both functions
show(outer_affine(tf.constant([[1.0, 2.0]])).numpy())

# %% python-control-flow
def relu_by_if(x):
    if tf.greater(x, 0):
        return x
    else:
        return 0

graph_relu_by_if = tf.function(relu_by_if)

print("Positive input, as a graph:", graph_relu_by_if(tf.constant(1)).numpy())
print("Negative input, as a graph:", graph_relu_by_if(tf.constant(-1)).numpy())

# %% autograph-code
# the code AutoGraph generates (TF-internal: not printed)
generated = tf.autograph.to_code(relu_by_if)
print(type(generated).__name__)

# %% graph-def
# the graph itself (a TF-internal proto: not printed)
graph_def = graph_relu_by_if.get_concrete_function(tf.constant(1)).graph.as_graph_def()

# %% polymorphism
@tf.function
def clip_below_zero(x):
    return tf.maximum(0., x)

# each new kind of input makes a new graph
print(clip_below_zero(tf.constant(5.5)))
print(clip_below_zero([1, -1]))
print(clip_below_zero(tf.constant([3., -3.])))

# %% polymorphism-reuse
# same input types as before: no new graphs
print(clip_below_zero(tf.constant(-2.5)))
print(clip_below_zero(tf.constant([-1., 1.])))

# %% concrete-signatures
# one ConcreteFunction per graph, each with its return type and shape
print(clip_below_zero.pretty_printed_concrete_signatures())

# %% mse-define
@tf.function
def mean_squared_error(truth, guess):
    squared = tf.pow(truth - guess, 2)
    return tf.reduce_mean(squared)

# %% mse-data
truth = tf.random.uniform([5], maxval=10, dtype=tf.int32)
guess = tf.random.uniform([5], maxval=10, dtype=tf.int32)
show_random(truth)
show_random(guess)

# %% mse-graph
show_random(mean_squared_error(truth, guess))

# %% run-eagerly-on
tf.config.run_functions_eagerly(True)

# %% mse-eager
show_random(mean_squared_error(truth, guess))

# %% run-eagerly-off
# back to graphs
tf.config.run_functions_eagerly(False)

# %% mse-with-print
@tf.function
def mean_squared_error(truth, guess):
    print("Computing the MSE!")
    squared = tf.pow(truth - guess, 2)
    return tf.reduce_mean(squared)

# %% mse-print-graph
# prints once: only while tracing
loss = mean_squared_error(truth, guess)
loss = mean_squared_error(truth, guess)
loss = mean_squared_error(truth, guess)

# %% run-eagerly-on-again
tf.config.run_functions_eagerly(True)

# %% mse-print-eager
# prints on every call now
loss = mean_squared_error(truth, guess)
loss = mean_squared_error(truth, guess)
loss = mean_squared_error(truth, guess)

# %% run-eagerly-off-again
tf.config.run_functions_eagerly(False)

# %% non-strict-eager
def unused_gather_eager(x):
    # index 1 is out of range for a one-element x
    tf.gather(x, [1])  # result unused
    return x

try:
    print(unused_gather_eager(tf.constant([0.0])))
except tf.errors.InvalidArgumentError as err:
    # eagerly, every op runs, so this raises
    show_error(err)

# %% non-strict-graph
@tf.function
def unused_gather_graph(x):
    tf.gather(x, [1])  # result unused
    return x

# a graph runs only the ops its outputs need: no error
print(unused_gather_graph(tf.constant([0.0])))

# %% speed-up-setup
base = tf.random.uniform(shape=[10, 10], minval=-1, maxval=2, dtype=tf.dtypes.int32)

def matrix_power(x, times):
    result = tf.eye(10, dtype=tf.dtypes.int32)
    for _ in range(times):
        result = tf.matmul(x, result)
    return result

# %% speed-up-eager
print("Eager execution:", end=" ")
show_random(timeit.timeit(lambda: matrix_power(base, 100), number=10))

# %% speed-up-graph
graph_power = tf.function(matrix_power)
print("Graph execution:", end=" ")
show_random(timeit.timeit(lambda: graph_power(base, 100), number=10))

# %% tracing-side-effect
@tf.function
def square_plus_two(x):
    print("Tracing!")  # a Python side effect: runs only while tracing
    return x * x + tf.constant(2)

# traced on the first call
print(square_plus_two(tf.constant(2)))
# not traced again
print(square_plus_two(tf.constant(3)))

# %% tracing-python-arguments
# each new Python value traces again
print(square_plus_two(2))
print(square_plus_two(3))
