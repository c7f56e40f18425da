"""`tf.train.Checkpoint` of the objects TF's checkpoint guide saves: Keras 3 models and
optimizers, `tf.data` iterators, `tf.random.Generator`s, attributes of any name,
objects reachable along several paths, and `tf.train.load_checkpoint`'s reader.

Expected keys were produced by TF 2.21 (Keras 3 on its TF backend) for the same
objects; expected values are the saved ones, or what continuing without a checkpoint
gives.
"""

from __future__ import annotations

import importlib.util
import pathlib
from typing import Any, List, Tuple

import numpy as np
import pytest
import torch

import tftape_torch as tf

keras_available = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None, reason="needs Keras 3 (the keras extra)"
)


class Net:
    """The guide's model: one Dense layer (made lazily, as a Keras class must be)."""

    @staticmethod
    def make() -> Any:
        class Net(tf.keras.Model):
            def __init__(self) -> None:
                super().__init__()
                self.l1 = tf.keras.layers.Dense(5)

            def call(self, x: Any) -> Any:
                return self.l1(x)

        return Net()


def _pipeline() -> Any:
    return iter(tf.data.Dataset.range(100).map(lambda x: tf.cast(x, tf.float32)).batch(2))


def _train_step(net: Any, optimizer: Any, iterator: Any) -> float:
    batch = next(iterator)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.abs(net(batch[:, None]) - 3.0))
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    return float(loss)


def _guide_objects() -> Tuple[Any, Any, Any, Any]:
    net, optimizer, iterator = Net.make(), tf.keras.optimizers.Adam(0.1), _pipeline()
    ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=optimizer, net=net,
                               iterator=iterator)
    return ckpt, net, optimizer, iterator


@keras_available
def test_keras_model_optimizer_and_iterator_keys_are_tfs(tmp_path: pathlib.Path) -> None:
    ckpt, net, optimizer, iterator = _guide_objects()
    _train_step(net, optimizer, iterator)
    path = ckpt.write(str(tmp_path / "c"))
    keys = [key for key, _ in tf.train.list_variables(path)]
    # TF 2.21 for a Checkpoint(optimizer=Adam, net=Net) after one step (the iterator's
    # and step's keys are TF's too, from its checkpoint guide).
    assert keys == [
        "_CHECKPOINTABLE_OBJECT_GRAPH",
        "iterator/.ATTRIBUTES/ITERATOR_STATE",
        "net/l1/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "net/l1/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_variables/3/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_variables/4/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_variables/5/.ATTRIBUTES/VARIABLE_VALUE",
        "step/.ATTRIBUTES/VARIABLE_VALUE",
    ]


@keras_available
def test_training_resumes_exactly_in_fresh_unbuilt_objects(tmp_path: pathlib.Path) -> None:
    ckpt, net, optimizer, iterator = _guide_objects()
    for _ in range(3):
        _train_step(net, optimizer, iterator)
        ckpt.step.assign_add(1)
    path = ckpt.save(str(tmp_path / "ckpt"))

    ckpt2, net2, optimizer2, iterator2 = _guide_objects()  # unbuilt model and optimizer
    status = ckpt2.restore(path)
    assert int(ckpt2.step) == 4
    assert int(optimizer2.iterations) == 3  # exists before the optimizer is built
    with pytest.raises(AssertionError):
        status.assert_consumed()  # the layer and the slots wait for their variables

    # The next step of the restored run is the next step of the original run.
    for _ in range(2):
        assert _train_step(net2, optimizer2, iterator2) == _train_step(net, optimizer, iterator)
    np.testing.assert_array_equal(net2.l1.kernel.numpy(), net.l1.kernel.numpy())
    np.testing.assert_array_equal(net2.l1.bias.numpy(), net.l1.bias.numpy())
    assert [v.numpy().tolist() for v in optimizer2.variables] == [
        v.numpy().tolist() for v in optimizer.variables]
    status.assert_consumed()
    assert "build" not in vars(optimizer2)  # the wrapper is gone once used


@keras_available
def test_built_model_with_other_keras_names_restores(tmp_path: pathlib.Path) -> None:
    net = Net.make()
    net(tf.ones([1, 1]))
    path = tf.train.Checkpoint(net=net).write(str(tmp_path / "n"))
    other = Net.make()  # Keras names its variables net_1/dense_1/...: paths still match
    other(tf.ones([1, 1]))
    tf.train.Checkpoint(net=other).read(path).assert_consumed()
    np.testing.assert_array_equal(other.l1.kernel.numpy(), net.l1.kernel.numpy())


@keras_available
def test_sequential_restored_when_first_called(tmp_path: pathlib.Path) -> None:
    def make() -> Any:
        return tf.keras.Sequential([tf.keras.layers.Dense(3), tf.keras.layers.Dense(2)])

    model = make()
    x = tf.reshape(tf.range(8.0), [2, 4])
    expected = model(x).numpy()
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "s"))
    fresh = make()
    status = tf.train.Checkpoint(model=fresh).read(path)
    np.testing.assert_array_equal(fresh(x).numpy(), expected)  # the first call is restored
    status.assert_consumed()


def test_iterator_resumes_where_it_was_saved(tmp_path: pathlib.Path) -> None:
    iterator = iter(tf.data.Dataset.range(10).batch(3))
    next(iterator)
    ckpt = tf.train.Checkpoint(it=iterator)
    path = ckpt.write(str(tmp_path / "i"))
    rest = [x.numpy().tolist() for x in iterator]
    assert rest == [[3, 4, 5], [6, 7, 8], [9]]
    ckpt.read(path).assert_consumed()
    assert [x.numpy().tolist() for x in iterator] == rest
    other = iter(tf.data.Dataset.range(10).batch(3))
    tf.train.Checkpoint(it=other).read(path)
    assert next(other).numpy().tolist() == [3, 4, 5]
    assert tf.train.load_checkpoint(path).get_variable_to_shape_map()[
        "it/.ATTRIBUTES/ITERATOR_STATE"] == [1]


def test_generator_replays_its_stream_after_restore(tmp_path: pathlib.Path) -> None:
    g = tf.random.Generator.from_seed(1)
    g.normal([3])
    ckpt = tf.train.Checkpoint(generator=g)
    path = ckpt.write(str(tmp_path / "g"))
    after = [g.normal([2]).numpy() for _ in range(2)]
    ckpt.read(path).assert_consumed()
    replayed = [g.normal([2]).numpy() for _ in range(2)]
    for a, b in zip(after, replayed):
        np.testing.assert_array_equal(a, b)
    other = tf.random.Generator.from_seed(99)
    tf.train.Checkpoint(generator=other).read(path)
    np.testing.assert_array_equal(other.normal([2]).numpy(), after[0])


def test_generator_reset_from_seed_starts_over() -> None:
    g = tf.random.Generator.from_seed(5)
    first = g.uniform([4]).numpy()
    g.uniform([4])
    g.reset_from_seed(5)
    np.testing.assert_array_equal(g.uniform([4]).numpy(), first)
    np.testing.assert_array_equal(tf.random.Generator.from_seed(5).uniform([4]).numpy(), first)


def test_underscore_attributes_are_tracked(tmp_path: pathlib.Path) -> None:
    ckpt = tf.train.Checkpoint()
    ckpt._k = tf.Variable(1.0)
    path = ckpt.write(str(tmp_path / "u"))
    # TF 2.21: [('_CHECKPOINTABLE_OBJECT_GRAPH', []), ('_k/.ATTRIBUTES/VARIABLE_VALUE', [])]
    assert tf.train.list_variables(path) == [
        ("_CHECKPOINTABLE_OBJECT_GRAPH", []), ("_k/.ATTRIBUTES/VARIABLE_VALUE", [])]


def test_restore_through_another_path_to_the_same_variable(tmp_path: pathlib.Path) -> None:
    # TF's checkpoint guide: a variable listed and mapped is saved once, and a
    # restore that reaches it by the mapping gets its value (TF prints 2.0).
    saver = tf.train.Checkpoint()
    saver.listed = [tf.Variable(1.0)]
    saver.listed.append(tf.Variable(2.0))
    saver.mapped = {"one": saver.listed[0]}
    saver.mapped["two"] = saver.listed[1]
    path = saver.save(str(tmp_path / "alias"))
    assert [key for key, _ in tf.train.list_variables(path)] == [
        "_CHECKPOINTABLE_OBJECT_GRAPH", "listed/0/.ATTRIBUTES/VARIABLE_VALUE",
        "listed/1/.ATTRIBUTES/VARIABLE_VALUE", "save_counter/.ATTRIBUTES/VARIABLE_VALUE"]
    loader = tf.train.Checkpoint()
    second = tf.Variable(0.0)
    loader.mapped = {"two": second}
    loader.restore(path)
    assert second.numpy() == 2.0


def test_checkpoint_reader(tmp_path: pathlib.Path) -> None:
    ckpt = tf.train.Checkpoint(w=tf.Variable([[1.0, 2.0]]), n=tf.Variable(3))
    path = ckpt.write(str(tmp_path / "r"))
    reader = tf.train.load_checkpoint(str(tmp_path / "r"))
    assert reader.get_variable_to_shape_map() == {
        "_CHECKPOINTABLE_OBJECT_GRAPH": [], "w/.ATTRIBUTES/VARIABLE_VALUE": [1, 2],
        "n/.ATTRIBUTES/VARIABLE_VALUE": []}
    assert reader.get_variable_to_dtype_map() == {
        "w/.ATTRIBUTES/VARIABLE_VALUE": torch.float32, "n/.ATTRIBUTES/VARIABLE_VALUE": torch.int32}
    value = reader.get_tensor("w/.ATTRIBUTES/VARIABLE_VALUE")
    assert isinstance(value, np.ndarray) and value.tolist() == [[1.0, 2.0]]
    assert reader.has_tensor("n/.ATTRIBUTES/VARIABLE_VALUE")
    assert not reader.has_tensor("missing")
    with pytest.raises(tf.errors.NotFoundError):
        reader.get_tensor("missing")
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.load_checkpoint(str(tmp_path / "nothing-here"))
    assert path == str(tmp_path / "r")


def test_objects_without_state_are_still_refused() -> None:
    with pytest.raises(ValueError, match="trackable"):
        tf.train.Checkpoint(thing=object())
    unwatched: List[Any] = []
    assert tf.train.Checkpoint(items=unwatched) is not None  # containers are trackable


def _functional_and_subclassed() -> Tuple[Any, Any]:
    inputs = tf.keras.Input([4])
    h = tf.keras.layers.Dense(3)(inputs)
    h = tf.keras.layers.BatchNormalization()(h)
    functional = tf.keras.Model(inputs, tf.keras.layers.Dropout(0.5)(h))

    class Sub(tf.keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.body = tf.keras.Sequential([tf.keras.layers.Dense(2)])
            self.drop = tf.keras.layers.Dropout(0.1)
            self.emb = tf.keras.layers.Embedding(5, 2)

        def call(self, x: Any) -> Any:
            return self.drop(self.body(x)) + tf.reduce_sum(self.emb(tf.constant([1])))

    return functional, Sub()


@keras_available
def test_functional_sequential_and_embedding_keys_are_tfs(tmp_path: pathlib.Path) -> None:
    functional, sub = _functional_and_subclassed()
    x = tf.reshape(tf.range(8.0), [2, 4])
    expected = (functional(x).numpy(), sub(x).numpy())
    path = tf.train.Checkpoint(fn=functional, sub=sub).write(str(tmp_path / "k"))
    # TF 2.21 (Keras 3 on its TF backend) for the same two models.
    assert [key for key, _ in tf.train.list_variables(path)] == [
        "_CHECKPOINTABLE_OBJECT_GRAPH",
        "fn/_operations/1/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "fn/_operations/1/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "fn/_operations/2/beta/.ATTRIBUTES/VARIABLE_VALUE",
        "fn/_operations/2/gamma/.ATTRIBUTES/VARIABLE_VALUE",
        "fn/_operations/2/moving_mean/.ATTRIBUTES/VARIABLE_VALUE",
        "fn/_operations/2/moving_variance/.ATTRIBUTES/VARIABLE_VALUE",
        "sub/body/_functional/_operations/1/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "sub/body/_functional/_operations/1/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "sub/emb/_embeddings/.ATTRIBUTES/VARIABLE_VALUE",
    ]
    functional2, sub2 = _functional_and_subclassed()  # sub2 unbuilt
    status = tf.train.Checkpoint(fn=functional2, sub=sub2).read(path)
    np.testing.assert_array_equal(functional2(x).numpy(), expected[0])
    np.testing.assert_array_equal(sub2(x).numpy(), expected[1])
    status.assert_consumed()


def test_items_appended_after_restore_are_restored(tmp_path: pathlib.Path) -> None:
    # TF's checkpoint guide: `loader.listed = []` prints `ListWrapper([])`, and a
    # variable appended to it after `restore` gets the saved value (TF prints 1.0).
    saver = tf.train.Checkpoint()
    saver.listed = [tf.Variable(1.0), tf.Variable(2.0)]
    path = saver.save(str(tmp_path / "list"))
    loader = tf.train.Checkpoint()
    loader.restore(path)
    loader.listed = []
    assert repr(loader.listed) == "ListWrapper([])" and loader.listed == []
    first = tf.Variable(0.0)
    loader.listed.append(first)
    assert first.numpy() == 1.0
    rest = [tf.Variable(0.0)]
    loader.listed += rest
    assert rest[0].numpy() == 2.0
    assert isinstance(loader.listed, list)
