# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Random number generation (tensorflow/docs site/en/guide/random_numbers.ipynb), in our
own words.

TF's and torch's random streams differ, so every drawn value prints by shape and dtype
(`show_random`), and each cell adds the comparisons the guide states in words and both
frameworks must get right: generators from one seed agree, `reset_from_seed` replays the
stream, split generators differ from each other, a restored checkpoint replays the stream
from the saving point, stateless ops with one seed agree, and so on. A distribution
strategy's per-replica result prints as its class name, its number of local results,
their shapes and dtypes and the number of distinct values among them.

The SavedModel cells are kept (`tf.saved_model` is out of scope for tftape_torch, see
known_differences.md). Nothing is skipped: the guide runs offline (its virtual CPUs
stand in for the strategy's devices).
"""

# %% setup
import tftape_torch as tf

from tests.guides.show import show, show_error, show_random


def same(a, b):
    """Whether two tensors hold the same values."""
    return bool(tf.reduce_all(a == b))


def replicas(strategy, per_replica):
    """The local results of a strategy's `run`: class, count, shapes and distinct values."""
    values = strategy.experimental_local_results(per_replica)
    print(type(per_replica).__name__, len(values), end=" ")
    show_random(values)
    print("distinct values:", len({float(v) for v in values}))
    return values

# %% virtual-devices
# three virtual CPUs (cpu:0, cpu:1, cpu:2) for the distribution strategies below
cpus = tf.config.list_physical_devices("CPU")
tf.config.experimental.set_virtual_device_configuration(
    cpus[0], [
        tf.config.experimental.VirtualDeviceConfiguration(),
        tf.config.experimental.VirtualDeviceConfiguration(),
        tf.config.experimental.VirtualDeviceConfiguration()
    ])
print(len(tf.config.list_logical_devices("CPU")))

# %% generator-from-seed
g1 = tf.random.Generator.from_seed(1)
first_draw = g1.normal(shape=[2, 3])
show_random(first_draw)
g2 = tf.random.get_global_generator()
show_random(g2.normal(shape=[2, 3]))
print("same seed, same draw:", same(first_draw, tf.random.Generator.from_seed(1).normal([2, 3])))
print("global generator is one object:", g2 is tf.random.get_global_generator())

# %% generator-philox
g1 = tf.random.Generator.from_seed(1, alg='philox')
philox_draw = g1.normal(shape=[2, 3])
show_random(philox_draw)
print("philox, same seed, same draw:",
      same(philox_draw, tf.random.Generator.from_seed(1, alg='philox').normal([2, 3])))

# %% non-deterministic-state
g = tf.random.Generator.from_non_deterministic_state()
show_random(g.normal(shape=[2, 3]))

# %% reset-from-seed
g = tf.random.Generator.from_seed(1)
first = g.normal([])
second = g.normal([])
show_random([first, second])
g.reset_from_seed(1)
replayed = g.normal([])
show_random(replayed)
print("next draws differ:", not same(first, second))
print("reset replays the stream:", same(replayed, first))

# %% split
g = tf.random.Generator.from_seed(1)
show_random(g.normal([]))
children = g.split(3)
child_draws = [child.normal([]) for child in children]
for draw in child_draws:
    show_random(draw)
show_random(g.normal([]))
print("split generators differ:", len({float(d) for d in child_draws}))
replay = tf.random.Generator.from_seed(1)
replay.normal([])
print("split is deterministic:",
      [same(a, b.normal([])) for a, b in zip(child_draws, replay.split(3))])

# %% split-on-device
with tf.device("cpu"):  # the device the new generator should live on
    g = tf.random.get_global_generator().split(1)[0]
    show_random(g.normal([]))  # no cross-device copy, unlike the global generator

# %% function-outer-generator
g = tf.random.Generator.from_seed(1)
@tf.function
def foo():
    return g.normal([])
in_graph = foo()
show_random(in_graph)
print("same as eager:", same(in_graph, tf.random.Generator.from_seed(1).normal([])))
print("the state advances:", not same(foo(), in_graph))

# %% function-inner-generator
g = None
@tf.function
def foo():
    global g
    if g is None:
        g = tf.random.Generator.from_seed(1)
    return g.normal([])
first = foo()
second = foo()
show_random([first, second])
print("one generator, made once:", not same(first, second))
print("same as eager:", same(first, tf.random.Generator.from_seed(1).normal([])))

# %% function-generator-argument
num_traces = 0
@tf.function
def foo(g):
    global num_traces
    num_traces += 1
    return g.normal([])
foo(tf.random.Generator.from_seed(1))
foo(tf.random.Generator.from_seed(2))
print(num_traces)

# %% function-variable-argument
num_traces = 0
@tf.function
def foo(v):
    global num_traces
    num_traces += 1
    return v.read_value()
foo(tf.Variable(1))
foo(tf.Variable(2))
print(num_traces)

# %% strategy-outer-generator
g = tf.random.Generator.from_seed(1)
strat = tf.distribute.MirroredStrategy(devices=["cpu:0", "cpu:1"])
with strat.scope():
    def f():
        show_random(g.normal([]))  # each replica draws in turn
    results = strat.run(f)
print(strat.num_replicas_in_sync)

# %% strategy-inner-generator
strat = tf.distribute.MirroredStrategy(devices=["cpu:0", "cpu:1"])
with strat.scope():
    g = tf.random.Generator.from_seed(1)
    run1 = replicas(strat, strat.run(lambda: g.normal([])))
    run2 = replicas(strat, strat.run(lambda: g.normal([])))
print("second run differs:", [not same(a, b) for a, b in zip(run1, run2)])

# %% strategy-seeded-per-replica
strat = tf.distribute.MirroredStrategy(devices=["cpu:0", "cpu:1"])
with strat.scope():
    def f():
        g = tf.random.Generator.from_seed(1)
        a = g.normal([])
        b = g.normal([])
        return tf.stack([a, b])
    run1 = strat.experimental_local_results(strat.run(f))
    run2 = strat.experimental_local_results(strat.run(f))
    show_random(run1)
    show_random(run2)
print("determined by the seed:", [same(a, b) for a, b in zip(run1, run2)])
print("distinct replica streams:", len({tuple(v.numpy().tolist()) for v in run1}))

# %% checkpoint-make
filename = "./checkpoint"
g = tf.random.Generator.from_seed(1)
cp = tf.train.Checkpoint(generator=g)
show_random(g.normal([]))

# %% checkpoint-write
cp.write(filename)
print("RNG stream from saving point:")
after_save = [g.normal([]), g.normal([])]
show_random(after_save)

# %% checkpoint-restore
cp.restore(filename)
print("RNG stream from restoring point:")
after_restore = [g.normal([]), g.normal([])]
show_random(after_restore)
print("replayed:", [same(a, b) for a, b in zip(after_save, after_restore)])

# %% strategy-checkpoint-make
filename = "./checkpoint"
strat = tf.distribute.MirroredStrategy(devices=["cpu:0", "cpu:1"])
with strat.scope():
    g = tf.random.Generator.from_seed(1)
    cp = tf.train.Checkpoint(my_generator=g)
    replicas(strat, strat.run(lambda: g.normal([])))

# %% strategy-checkpoint-write
with strat.scope():
    cp.write(filename)
    print("RNG stream from saving point:")
    saved1 = replicas(strat, strat.run(lambda: g.normal([])))
    saved2 = replicas(strat, strat.run(lambda: g.normal([])))

# %% strategy-checkpoint-restore
with strat.scope():
    cp.restore(filename)
    print("RNG stream from restoring point:")
    restored1 = replicas(strat, strat.run(lambda: g.normal([])))
    restored2 = replicas(strat, strat.run(lambda: g.normal([])))
print("replayed:", [same(a, b) for a, b in zip(saved1 + saved2, restored1 + restored2)])

# %% strategy-checkpoint-make-two
filename = "./checkpoint"
strat1 = tf.distribute.MirroredStrategy(devices=["cpu:0", "cpu:1"])
with strat1.scope():
    g1 = tf.random.Generator.from_seed(1)
    cp1 = tf.train.Checkpoint(my_generator=g1)
    replicas(strat1, strat1.run(lambda: g1.normal([])))

# %% strategy-checkpoint-write-two
with strat1.scope():
    cp1.write(filename)
    print("RNG stream from saving point:")
    saved1 = replicas(strat1, strat1.run(lambda: g1.normal([])))
    saved2 = replicas(strat1, strat1.run(lambda: g1.normal([])))

# %% strategy-checkpoint-restore-three
strat2 = tf.distribute.MirroredStrategy(devices=["cpu:0", "cpu:1", "cpu:2"])
with strat2.scope():
    g2 = tf.random.Generator.from_seed(1)
    cp2 = tf.train.Checkpoint(my_generator=g2)
    cp2.restore(filename)
    print("RNG stream from restoring point:")
    restored1 = replicas(strat2, strat2.run(lambda: g2.normal([])))
    restored2 = replicas(strat2, strat2.run(lambda: g2.normal([])))
# the replicas both strategies have (cpu:0, cpu:1) replay the saved streams
print("replayed:", [same(a, b) for a, b in zip(saved1, restored1)],
      [same(a, b) for a, b in zip(saved2, restored2)])

# %% saved-model-module
filename = "./saved_model"

class MyModule(tf.Module):

    def __init__(self):
        super(MyModule, self).__init__()
        self.g = tf.random.Generator.from_seed(0)

    @tf.function
    def __call__(self):
        return self.g.normal([])

    @tf.function
    def state(self):
        return self.g.state

strat = tf.distribute.MirroredStrategy(devices=["cpu:0", "cpu:1"])
with strat.scope():
    m = MyModule()
    replicas(strat, strat.run(m))
    state_at_save = m.state()
    print("state:", end=" ")
    show_random(state_at_save)

# %% saved-model-save
with strat.scope():
    tf.saved_model.save(m, filename)
    print("RNG stream from saving point:")
    replicas(strat, strat.run(m))
    print("state:", end=" ")
    show_random(m.state())
    replicas(strat, strat.run(m))
    print("state:", end=" ")
    show_random(m.state())

# %% saved-model-load
imported = tf.saved_model.load(filename)
print("RNG stream from loading point:")
loaded_state = imported.state()
print("state:", end=" ")
show_random(loaded_state)
show_random(imported())
print("state:", end=" ")
show_random(imported.state())
show_random(imported())
print("state:", end=" ")
show_random(imported.state())
print("loaded state is the saved one:", same(loaded_state, state_at_save))

# %% stateless
once = tf.random.stateless_normal(shape=[2, 3], seed=[1, 2])
again = tf.random.stateless_normal(shape=[2, 3], seed=[1, 2])
show_random(once)
show_random(again)
print("same seed, same values:", same(once, again))
print("other seed, other values:",
      not same(once, tf.random.stateless_normal(shape=[2, 3], seed=[1, 3])))
