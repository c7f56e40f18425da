# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Better performance with tf.function (tensorflow/docs site/en/guide/function.ipynb),
in our own words.

`assert_raises` prints the caught class, not a traceback; timings and values of random
streams print by type, shape and dtype.
"""

# %% setup
import contextlib
import timeit

import tftape_torch as tf

from tests.guides.show import show, show_error, show_random

# %% assert-raises-helper
@contextlib.contextmanager
def assert_raises(expected):
    try:
        yield
    except expected as err:
        print('caught the expected', expected.__name__, end=': ')
        show_error(err)
    except Exception as err:
        raise err
    else:
        raise Exception(f'{expected.__name__} was expected but nothing was raised')

# %% usage
@tf.function  # `add` becomes a polymorphic function
def add(lhs, rhs):
    return lhs + rhs

show(add(tf.ones([2, 2]), tf.ones([2, 2])))  # [[2., 2.], [2., 2.]]

# %% usage-gradient
v = tf.Variable(1.0)
with tf.GradientTape() as tape:
    result = add(v, 1.0)
show(tape.gradient(result, v))

# %% usage-nested
@tf.function
def dense_layer(inputs, kernel, bias):
    return add(tf.matmul(inputs, kernel), bias)

show(dense_layer(tf.ones([3, 2]), tf.ones([2, 2]), tf.ones([2])))

# %% conv-timing
conv = tf.keras.layers.Conv2D(100, 3)

@tf.function
def conv_fn(picture):
    return conv(picture)

picture = tf.zeros([1, 200, 200, 100])
conv(picture); conv_fn(picture)
print("eager conv:", end=" ")
show_random(timeit.timeit(lambda: conv(picture), number=10))
print("function conv:", end=" ")
show_random(timeit.timeit(lambda: conv_fn(picture), number=10))
print("convolutions gain little from a graph")

# %% tracing
@tf.function
def twice(value):
    print("Tracing with", value)
    return value + value

print(twice(tf.constant(1)))
print()
print(twice(tf.constant(1.1)))
print()
print(twice(tf.constant("a")))
print()

# %% tracing-reuse
print(twice(tf.constant("b")))

# %% concrete-signatures
print(twice.pretty_printed_concrete_signatures())

# %% input-signature
@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
def collatz_step(n):
    print("Tracing with", n)
    return tf.where(n % 2 == 0, n // 2, 3 * n + 1)

print(collatz_step(tf.constant([1, 2])))
with assert_raises(TypeError):
    collatz_step(tf.constant([[1, 2], [3, 4]]))

with assert_raises(TypeError):
    collatz_step(tf.constant([1.0, 2.0]))

# %% unknown-dimension
@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
def passthrough(n):
    print('Tracing with', n)
    return n

print(passthrough(tf.constant([1, 2, 3])))
print(passthrough(tf.constant([1, 2, 3, 4, 5])))

# %% reduce-retracing
@tf.function(reduce_retracing=True)
def passthrough(n):
    print('Tracing with', n)
    return n

print(passthrough(tf.constant([1, 2, 3])))

print(passthrough(tf.constant([1, 2, 3, 4, 5])))

print(passthrough(tf.constant([1, 2, 3, 4, 5, 6, 7])))
print(passthrough(tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9])))

# %% tensors-not-literals
def one_step():
    pass

@tf.function
def run_steps(num_steps):
    print("Tracing with num_steps =", num_steps)
    tf.print("Executing with num_steps =", num_steps)
    for _ in tf.range(num_steps):
        one_step()

print("Python arguments retrace:")
run_steps(num_steps=10)
run_steps(num_steps=20)

print()
print("Tensor arguments reuse the trace:")
run_steps(num_steps=tf.constant(10))
run_steps(num_steps=tf.constant(20))

# %% new-function-each-time
def noisy():
    print('Tracing!')
    tf.print('Executing')

tf.function(noisy)()
tf.function(noisy)()

# %% tracing-protocol
@tf.function
def mixed_flavor(first, second):
    return first.flavor + second.flavor

class Fruit:
    flavor = tf.constant([0, 0])

class Apple(Fruit):
    flavor = tf.constant([1, 2])

class Mango(Fruit):
    flavor = tf.constant([3, 4])

show(mixed_flavor(Apple(), Mango()))  # a new trace
show(mixed_flavor(Apple(), Mango()))  # and another one


class FruitTraceType(tf.types.experimental.TraceType):
    def __init__(self, fruit):
        self.fruit_type = type(fruit)
        self.fruit_value = fruit

    def is_subtype_of(self, other):
        return (type(other) is FruitTraceType and
                self.fruit_type is other.fruit_type)

    def most_specific_common_supertype(self, others):
        return self if all(self == other for other in others) else None

    def placeholder_value(self, placeholder_context=None):
        # trace with the fruit itself
        return self.fruit_value

    def __eq__(self, other):
        return type(other) is FruitTraceType and self.fruit_type == other.fruit_type

    def __hash__(self):
        return hash(self.fruit_type)

class TracedFruit:

    def __tf_tracing_type__(self, context):
        return FruitTraceType(self)

class TracedApple(TracedFruit):
    flavor = tf.constant([1, 2])

class TracedMango(TracedFruit):
    flavor = tf.constant([3, 4])

show(mixed_flavor(TracedApple(), TracedMango()))  # a new trace
show(mixed_flavor(TracedApple(), TracedMango()))  # the same trace again

# %% concrete-function
print("getting a concrete function")
twice_strings = twice.get_concrete_function(tf.constant("a"))
print("calling it")
print(twice_strings(tf.constant("a")))
print(twice_strings(value=tf.constant("b")))

# %% concrete-function-from-spec
twice_strings_from_spec = twice.get_concrete_function(tf.TensorSpec(shape=[], dtype=tf.string))
print(twice_strings_from_spec(tf.constant("c")))

# %% concrete-function-print
print(twice_strings)

# %% concrete-function-type
print(twice_strings.function_type)

# %% concrete-function-wrong-dtype
with assert_raises(tf.errors.InvalidArgumentError):
    twice_strings(tf.constant(1))

# %% concrete-function-python-argument
@tf.function
def power(base, exponent):
    return base ** exponent

squarer = power.get_concrete_function(base=tf.TensorSpec(None, tf.float32), exponent=2)
print(squarer)

# %% concrete-function-fixed-argument
assert squarer(tf.constant(10.0)) == 100

with assert_raises(TypeError):
    squarer(tf.constant(10.0), exponent=3)

# %% graph-nodes
graph = twice_strings.graph
for node in graph.as_graph_def().node:
    print(f'{node.input} -> {node.name}')

# %% atomic-function
atomic = twice_strings.inference_fn
show(atomic(tf.constant("a")))

# %% autograph-while [random]
@tf.function
def shrink(t):
    while tf.reduce_sum(t) > 1:
        tf.print(t)
        t = tf.tanh(t)
    return t

show_random(shrink(tf.random.uniform([5])))

# %% autograph-to-code
print(tf.autograph.to_code(shrink.python_function))

# %% fizzbuzz
@tf.function
def fizzbuzz(n):
    for i in tf.range(1, n + 1):
        print('tracing the loop')
        if i % 15 == 0:
            print('tracing the fizzbuzz branch')
            tf.print('fizzbuzz')
        elif i % 3 == 0:
            print('tracing the fizz branch')
            tf.print('fizz')
        elif i % 5 == 0:
            print('tracing the buzz branch')
            tf.print('buzz')
        else:
            print('tracing the default branch')
            tf.print(i)

fizzbuzz(tf.constant(5))
fizzbuzz(tf.constant(20))

# %% graph-size
def graph_size(fn, *args):
    g = fn.get_concrete_function(*args).graph
    print("{}({}) has {} nodes".format(
        fn.__name__, ', '.join(map(str, args)), len(g.as_graph_def().node)))

@tf.function
def total_gap(pairs):
    acc = tf.constant(0)
    for a, b in pairs:
        acc += tf.abs(b - a)  # stand-in work
    return acc

few = [(1, 1)] * 3
many = [(1, 1)] * 10
graph_size(total_gap, few)
graph_size(total_gap, many)

graph_size(total_gap, tf.data.Dataset.from_generator(
    lambda: few, (tf.int32, tf.int32)))
graph_size(total_gap, tf.data.Dataset.from_generator(
    lambda: many, (tf.int32, tf.int32)))

# %% tensor-array-rnn
batch_size = 2
seq_len = 3
feature_size = 4

def cell(inp, state):
    return inp + state

@tf.function
def unrolled(cell, inputs, initial_state):
    # [batch, time, features] -> [time, batch, features]
    inputs = tf.transpose(inputs, [1, 0, 2])
    steps = inputs.shape[0]

    states = tf.TensorArray(tf.float32, size=steps)
    state = initial_state
    for i in tf.range(steps):
        state = cell(inputs[i], state)
        states = states.write(i, state)
    return tf.transpose(states.stack(), [1, 0, 2])

show_random(unrolled(cell,
                     tf.random.uniform([batch_size, seq_len, feature_size]),
                     tf.zeros([batch_size, feature_size])))

# %% side-effects
@tf.function
def report(t):
    print("Traced with", t)
    tf.print("Executed with", t)

report(1)
report(1)
report(2)

# %% py-function-define
@tf.py_function(Tout=tf.float32)
def eager_plus(a, b):
    print('Running eagerly.')
    return a + b

@tf.function
def wrapper(a, b):
    print('Tracing.')
    return eager_plus(a, b)

# %% py-function-first
show(wrapper(tf.constant(1.0), tf.constant(2.0)).numpy())

# %% py-function-second
show(wrapper(tf.constant(1.0), tf.constant(2.0)).numpy())

# %% python-list-side-effect
outside = []

@tf.function
def append_outside(t):
    print('Python side effect')
    outside.append(t)

append_outside(1)
append_outside(1)
append_outside(1)
assert len(outside) == 1

# %% python-counter-in-function
class Counter(tf.Module):
    def __init__(self):
        self.v = tf.Variable(0)
        self.calls = 0

    @tf.function
    def __call__(self):
        if self.calls == 0:
            # Python state, changed only while tracing
            self.calls += 1
            self.v.assign_add(1)

        return self.v

counter = Counter()
for _ in range(3):
    print(counter().numpy())  # 1, 2, 3

# %% init-scope
class Counter(tf.Module):
    def __init__(self):
        self.v = tf.Variable(0)
        self.calls = 0

    @tf.function
    def __call__(self):
        if self.calls == 0:
            # runs eagerly, outside the graph being built
            with tf.init_scope():
                self.calls += 1
                self.v.assign_add(1)

        return self.v

counter = Counter()
for _ in range(3):
    print(counter().numpy())  # 1, 1, 1

# %% python-iterator
@tf.function
def take_next_python(it):
    tf.print("value:", next(it))

it = iter([1, 2, 3])
take_next_python(it)
take_next_python(it)
take_next_python(it)

# %% dataset-iterator
@tf.function
def take_next_dataset(it):
    # a tf.data iterator advances on every call
    tf.print("value:", next(it))

numbers = tf.data.Dataset.from_tensor_slices([1, 2, 3])
it = iter(numbers)
take_next_dataset(it)
take_next_dataset(it)
take_next_dataset(it)

# %% leaked-tensor
leaked = None

@tf.function
def leaky(a):
    global leaked
    leaked = a + 1  # escapes the function: a graph tensor
    return a + 2

kept = leaky(tf.constant(1))

print(kept.numpy())  # returned values are fine
try:
    leaked.numpy()  # a graph tensor has no value here
except AttributeError as err:
    show_error(err)

# %% leaked-tensor-captured
@tf.function
def leaky(a):
    global leaked
    leaked = a + 1
    return leaked

kept = leaky(tf.constant(1))

print(kept.numpy())
try:
    leaked.numpy()
except AttributeError as err:
    show_error(err)

@tf.function
def uses_leaked(b):
    b += leaked  # captures the escaped graph tensor
    return b

with assert_raises(TypeError):
    uses_leaked(tf.constant(2))

# %% leaks-into-python-objects
class Holder:

    def __init__(self):
        self.field = None

outside = []
holder = Holder()

def leaky():
    a = tf.constant(1)
    outside.append(a)
    holder.field = a

# %% recursion-unsupported
@tf.function
def count_down(n):
    if n > 0:
        return count_down(n - 1)
    else:
        return 1

with assert_raises(Exception):
    count_down(tf.constant(5))  # too deep

# %% recursion-python-int
@tf.function
def count_down(n):
    if n > 0:
        print('tracing')
        return count_down(n - 1)
    else:
        return 1

show(count_down(5))  # traces once per level

# %% global-python-value
@tf.function
def add_global():
    return 1 + foo

@tf.function
def add_argument(foo):
    return 1 + foo

foo = 1
print("global:", add_global())
print("argument:", add_argument(foo))

# %% global-python-value-changed
print("foo becomes 100")
foo = 100
print("global:", add_global())  # still the traced value
print("argument:", add_argument(foo))

# %% global-variable
@tf.function
def add_variable():
    return 1 + foo

foo = tf.Variable(1)
print("variable:", add_variable())

# %% global-variable-changed
print("foo becomes 100")
foo.assign(100)
print("variable:", add_variable())

# %% python-object-attributes
class PlainModel(tf.Module):
    def __init__(self):
        # plain Python numbers, not variables
        self.bias = 0.
        self.weight = 2.

@tf.function
def evaluate(model, t):
    return model.weight * t + model.bias

plain = PlainModel()
t = tf.constant(10.)
print(evaluate(plain, t))

# %% python-object-attributes-changed
print("adding a bias")
plain.bias += 5.0
print(evaluate(plain, t))  # unchanged

# %% concrete-per-object-state
def evaluate(model, t):
    return model.weight * t + model.bias

plain2 = PlainModel()
no_bias = tf.function(evaluate).get_concrete_function(plain2, t)
print(no_bias(t))

# %% concrete-per-object-state-changed
print("adding a bias")
plain2.bias += 5.0
with_bias = tf.function(evaluate).get_concrete_function(plain2, t)
print(with_bias(t))  # called without the model

# %% variables-as-state
class VariableModel:

    def __init__(self):
        self.bias = tf.Variable(0.)
        self.weight = tf.Variable(2.)

@tf.function
def evaluate(model, t):
    return model.weight * t + model.bias

var_model = VariableModel()
print(evaluate(var_model, t))

# %% variables-as-state-changed
print("adding a bias")
var_model.bias.assign_add(5.0)  # not `var_model.bias += 5`
print(evaluate(var_model, t))  # sees the new value

# %% variable-in-function
@tf.function
def makes_variable(t):
    made = tf.Variable(1.0)
    return made

with assert_raises(ValueError):
    makes_variable(1.0)

# %% variable-created-once
class Count(tf.Module):
    def __init__(self):
        self.count = None

    @tf.function
    def __call__(self):
        if self.count is None:
            self.count = tf.Variable(0)
        return self.count.assign_add(1)

count = Count()
print(count())
print(count())

# %% keras-optimizers-one-function
adam_fast = tf.keras.optimizers.Adam(learning_rate = 1e-2)
adam_slow = tf.keras.optimizers.Adam(learning_rate = 1e-3)

@tf.function
def train_step(w, inputs, targets, optimizer):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(w*inputs - targets))
    grads = tape.gradient(loss, [w])
    optimizer.apply_gradients(zip(grads, [w]))

w = tf.Variable(2.)
inputs = tf.constant([-1.])
targets = tf.constant([2.])

train_step(w, inputs, targets, adam_fast)
print("now with the other optimizer")
with assert_raises(ValueError):
    train_step(w, inputs, targets, adam_slow)

# %% keras-optimizers-per-module
class TrainStep(tf.Module):
    def __init__(self, optimizer):
        self.optimizer = optimizer

    @tf.function
    def __call__(self, w, inputs, targets):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(w*inputs - targets))
        grads = tape.gradient(loss, [w])
        self.optimizer.apply_gradients(zip(grads, [w]))


adam_fast = tf.keras.optimizers.Adam(learning_rate = 1e-2)
adam_slow = tf.keras.optimizers.Adam(learning_rate = 1e-3)

step_fast = TrainStep(adam_fast)
step_slow = TrainStep(adam_slow)

step_fast(w, inputs, targets)
step_slow(w, inputs, targets)

# %% keras-optimizers-one-function-each
adam_fast = tf.keras.optimizers.Adam(learning_rate = 1e-2)
adam_slow = tf.keras.optimizers.Adam(learning_rate = 1e-3)

def train_step(w, inputs, targets, optimizer):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(w*inputs - targets))
    grads = tape.gradient(loss, [w])
    optimizer.apply_gradients(zip(grads, [w]))

w = tf.Variable(2.)
inputs = tf.constant([-1.])
targets = tf.constant([2.])

step_one = tf.function(train_step)
step_two = tf.function(train_step)
for i in range(10):
    if i % 2 == 0:
        step_one(w, inputs, targets, adam_fast)
    else:
        step_two(w, inputs, targets, adam_slow)
print(w.numpy())
