"""`tf.distribute`'s one-replica strategies beyond the conformance cases: a custom
training loop gives the same variables with and without a strategy, the replica
context is restored when the step raises, `MirroredStrategy` over several devices
says it runs one replica, and `tf.config.threading` sets torch's thread pools.

Values, contexts and errors against TF are in `tests/conformance/cases_distribute.py`.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tftape_torch as tf


def _train(strategy) -> np.ndarray:
    features = np.sin(np.arange(16.0)).reshape(8, 2).astype(np.float32)
    labels = (features @ np.array([[2.0], [-1.0]], np.float32)).reshape(8)
    dataset = tf.data.Dataset.from_tensor_slices((features, labels)).batch(4)
    scope = strategy.scope() if strategy is not None else tf.name_scope("none")
    with scope:
        w = tf.Variable(tf.zeros([2, 1]))

    def step(x, y):
        with tf.GradientTape() as tape:
            per_example = tf.square(tf.reshape(tf.matmul(x, w), [-1]) - y)
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=4)
        w.assign_sub(0.1 * tape.gradient(loss, w))
        return loss

    for _ in range(3):
        if strategy is None:
            for x, y in dataset:
                step(x, y)
        else:
            for x, y in strategy.experimental_distribute_dataset(dataset):
                losses = strategy.run(tf.function(step), args=(x, y))
                strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)
    return w.numpy()


@pytest.mark.parametrize("make", [lambda: tf.distribute.get_strategy(),
                                  lambda: tf.distribute.OneDeviceStrategy("/cpu:0"),
                                  lambda: tf.distribute.MirroredStrategy()])
def test_training_under_a_strategy_matches_training_without(make) -> None:
    np.testing.assert_allclose(_train(make()), _train(None), rtol=1e-6)


def test_the_replica_context_is_restored_when_the_step_raises() -> None:
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")

    def failing():
        assert tf.distribute.get_replica_context() is not None
        raise KeyError("boom")

    with strategy.scope():
        with pytest.raises(KeyError):
            strategy.run(failing)
        assert tf.distribute.in_cross_replica_context()
        assert tf.distribute.get_replica_context() is None
    assert not tf.distribute.has_strategy()
    assert not tf.distribute.in_cross_replica_context()
    assert tf.distribute.get_strategy().num_replicas_in_sync == 1


def test_compute_average_loss_refuses_the_cross_replica_context() -> None:
    with tf.distribute.OneDeviceStrategy("/cpu:0").scope():
        with pytest.raises(RuntimeError, match="cross replica context"):
            tf.nn.compute_average_loss(tf.constant([1.0, 2.0]))
        loss = tf.nn.compute_average_loss(tf.constant([1.0, 2.0]), global_batch_size=4)
    assert float(loss) == pytest.approx(0.75)


def test_mirrored_strategy_over_several_devices_warns_it_runs_one_replica() -> None:
    with pytest.warns(UserWarning, match="one replica"):
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    assert strategy.num_replicas_in_sync == 1
    assert strategy.extended.worker_devices == ("/cpu:0",)
    with pytest.raises(ValueError):
        tf.distribute.OneDeviceStrategy("/tpu:0:bad")


def test_strategy_runs_plain_torch_code() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    y = strategy.run(lambda t: (t * t).sum(), args=(x,))
    (grad,) = torch.autograd.grad(y, x)
    assert grad.tolist() == [2.0, 4.0]


def test_threading_sets_torch_thread_pools() -> None:
    before = torch.get_num_threads()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        assert tf.config.threading.get_intra_op_parallelism_threads() == 1
        assert torch.get_num_threads() == 1
        tf.config.threading.set_intra_op_parallelism_threads(0)  # 0: leave as is
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert isinstance(tf.config.threading.get_inter_op_parallelism_threads(), int)


def test_get_logger_is_tensorflows_python_logger() -> None:
    import logging

    assert tf.get_logger() is logging.getLogger("tensorflow")


def test_logical_devices_split_a_physical_one() -> None:
    cpu = tf.config.list_physical_devices("CPU")[0]
    assert tf.config.get_logical_device_configuration(cpu) is None
    try:
        tf.config.experimental.set_virtual_device_configuration(
            cpu, [tf.config.experimental.VirtualDeviceConfiguration()] * 3)
        # TF 2.21 lists /device:CPU:0, :1 and :2 after the same call.
        assert [d.name for d in tf.config.list_logical_devices("CPU")] == [
            "/device:CPU:0", "/device:CPU:1", "/device:CPU:2"]
        assert tf.config.get_logical_device_configuration(cpu) == [
            tf.config.LogicalDeviceConfiguration()] * 3
    finally:
        tf.config.set_logical_device_configuration(cpu, None)
    assert len(tf.config.list_logical_devices("CPU")) == 1
    with pytest.raises(ValueError, match="device"):
        tf.config.set_logical_device_configuration("CPU:0", [])
