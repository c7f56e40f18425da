"""`tf.train.Checkpoint` / `CheckpointManager` round trips (behaviour checked by hand
against TF 2.21: file names, paths, state file, counters, statuses, restore-on-create)."""

from __future__ import annotations

import os
import pathlib
from typing import Any

import numpy as np
import pytest
import torch

import tftape_torch as tf


class Dense(tf.Module):
    def __init__(self, n_in: int, n_out: int, name: Any = None) -> None:
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([n_in, n_out]), name="w")
        self.b = tf.Variable(tf.zeros([n_out]), name="b")


class Net(tf.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layers = [Dense(2, 3), Dense(3, 1)]
        self.scale = tf.Variable(2.0, trainable=False)


def _values(module: tf.Module) -> list:
    return [v.numpy().copy() for v in module.variables]


def _scramble(module: tf.Module) -> None:
    for v in module.variables:
        v.assign(v * 0 + 7)


def test_save_change_restore(tmp_path: pathlib.Path) -> None:
    net = Net()
    net.layers[0].w.assign_add(tf.ones([2, 3]))
    before = _values(net)
    ckpt = tf.train.Checkpoint(model=net, step=tf.Variable(5))
    path = ckpt.save(str(tmp_path / "ckpt"))
    assert path == str(tmp_path / "ckpt") + "-1"
    assert sorted(os.listdir(tmp_path)) == [
        "checkpoint", "ckpt-1.data-00000-of-00001", "ckpt-1.index"]
    assert (tmp_path / "checkpoint").read_text() == (
        'model_checkpoint_path: "ckpt-1"\nall_model_checkpoint_paths: "ckpt-1"\n')
    _scramble(net)
    ckpt.step.assign(0)
    status = ckpt.restore(path)
    assert status.assert_consumed() is status
    for got, want in zip(_values(net), before):
        np.testing.assert_array_equal(got, want)
    assert int(ckpt.step) == 5
    assert int(ckpt.save_counter) == 1
    assert ckpt.save(str(tmp_path / "ckpt")).endswith("ckpt-2")
    assert tf.train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-2")


def test_restore_into_fresh_objects_by_graph_not_names(tmp_path: pathlib.Path) -> None:
    net = Net()
    net.layers[1].b.assign([3.0])
    path = tf.train.Checkpoint(model=net).save(str(tmp_path / "ckpt"))
    fresh = Net()
    for v in fresh.variables:  # names differ from the saved ones: graph matching ignores them
        v._var_name = "renamed"
    ckpt = tf.train.Checkpoint(model=fresh)
    ckpt.restore(path).assert_consumed()
    assert fresh.layers[1].b.numpy().tolist() == [3.0]
    assert int(ckpt.save_counter) == 1  # restore creates the counter and restores it


def test_keys_and_list_variables(tmp_path: pathlib.Path) -> None:
    net = Net()
    path = tf.train.Checkpoint(model=net).write(str(tmp_path / "w"))
    assert path == str(tmp_path / "w")
    assert sorted(os.listdir(tmp_path)) == ["w.data-00000-of-00001", "w.index"]
    assert tf.train.latest_checkpoint(str(tmp_path)) is None  # write records no state
    keys = dict(tf.train.list_variables(path))
    assert keys["model/layers/0/w/.ATTRIBUTES/VARIABLE_VALUE"] == [2, 3]
    assert keys["model/scale/.ATTRIBUTES/VARIABLE_VALUE"] == []
    assert "_CHECKPOINTABLE_OBJECT_GRAPH" in keys
    np.testing.assert_array_equal(
        tf.train.load_variable(path, "model/layers/1/w/.ATTRIBUTES/VARIABLE_VALUE"),
        np.ones((3, 1), np.float32))


def test_partial_restore_statuses(tmp_path: pathlib.Path) -> None:
    m = tf.Module()
    m.w = tf.Variable([1.0, 2.0])
    path = tf.train.Checkpoint(model=m, step=tf.Variable(0)).save(str(tmp_path / "c"))
    m2 = tf.Module()
    m2.w = tf.Variable([0.0, 0.0])
    status = tf.train.Checkpoint(model=m2).restore(path)
    assert m2.w.numpy().tolist() == [1.0, 2.0]
    with pytest.raises(AssertionError, match=r"Unresolved object in checkpoint \(root\)\.step"):
        status.assert_consumed()
    assert status.assert_existing_objects_matched() is status
    assert status.expect_partial() is status
    m3 = tf.Module()
    m3.w = tf.Variable([0.0, 0.0])
    m3.z = tf.Variable(1.0)
    status = tf.train.Checkpoint(model=m3).restore(path)
    with pytest.raises(AssertionError, match="Found 1 Python objects that were not bound"):
        status.assert_existing_objects_matched()


def test_restore_on_create(tmp_path: pathlib.Path) -> None:
    m = tf.Module()
    m.w = tf.Variable([1.0, 2.0])
    m.subs = [tf.Module()]
    m.subs[0].v = tf.Variable(3.0)
    path = tf.train.Checkpoint(model=m).save(str(tmp_path / "c"))
    later = tf.Module()
    status = tf.train.Checkpoint(model=later).restore(path)
    later.w = tf.Variable([0.0, 0.0])
    assert later.w.numpy().tolist() == [1.0, 2.0]
    later.subs = [tf.Module()]
    later.subs[0].v = tf.Variable(0.0)
    assert float(later.subs[0].v) == 3.0
    status.assert_consumed()


def test_restore_shape_mismatch(tmp_path: pathlib.Path) -> None:
    path = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).write(str(tmp_path / "c"))
    with pytest.raises(ValueError, match="incompatible tensor with shape"):
        tf.train.Checkpoint(v=tf.Variable([1.0, 2.0, 3.0])).read(path)


def test_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="was expecting model to be a trackable object"):
        tf.train.Checkpoint(model=3)
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "missing"))
    status = tf.train.Checkpoint(v=tf.Variable(1.0)).restore(None)
    assert type(status).__name__ == "InitializationOnlyStatus"
    with pytest.raises(AssertionError):
        status.assert_consumed()
    with pytest.raises(ValueError, match="Expected a positive integer"):
        tf.train.CheckpointManager(tf.train.Checkpoint(), str(tmp_path), max_to_keep=0)


def test_manager_max_to_keep_and_resume(tmp_path: pathlib.Path) -> None:
    v = tf.Variable(0.0)
    ckpt = tf.train.Checkpoint(v=v)
    directory = str(tmp_path / "m")
    manager = tf.train.CheckpointManager(ckpt, directory, max_to_keep=2)
    assert manager.latest_checkpoint is None and manager.checkpoints == []
    assert manager.restore_or_initialize() is None
    paths = []
    for i in range(4):
        v.assign(float(i))
        paths.append(manager.save())
    assert paths == [os.path.join(directory, f"ckpt-{i}") for i in range(1, 5)]
    assert manager.checkpoints == paths[-2:]
    assert manager.latest_checkpoint == paths[-1]
    assert sorted(os.listdir(directory)) == [
        "checkpoint", "ckpt-3.data-00000-of-00001", "ckpt-3.index",
        "ckpt-4.data-00000-of-00001", "ckpt-4.index"]
    state = (tmp_path / "m" / "checkpoint").read_text().splitlines()
    assert state[:3] == ['model_checkpoint_path: "ckpt-4"',
                         'all_model_checkpoint_paths: "ckpt-3"',
                         'all_model_checkpoint_paths: "ckpt-4"']
    assert manager.save(checkpoint_number=100) == os.path.join(directory, "ckpt-100")
    assert int(ckpt.save_counter) == 5
    assert tf.train.latest_checkpoint(directory) == os.path.join(directory, "ckpt-100")
    # A new program: a fresh manager picks up the state, restore resumes the counter.
    v2 = tf.Variable(-1.0)
    ckpt2 = tf.train.Checkpoint(v=v2)
    manager2 = tf.train.CheckpointManager(ckpt2, directory, max_to_keep=3)
    assert manager2.checkpoints == [os.path.join(directory, "ckpt-4"),
                                    os.path.join(directory, "ckpt-100")]
    assert manager2.restore_or_initialize() == os.path.join(directory, "ckpt-100")
    assert float(v2) == 3.0 and int(ckpt2.save_counter) == 5
    assert manager2.save() == os.path.join(directory, "ckpt-6")


def test_torch_module_and_optimizer_state(tmp_path: pathlib.Path) -> None:
    torch.manual_seed(0)
    layer = torch.nn.Linear(2, 1)
    opt = torch.optim.Adam(layer.parameters(), lr=0.1)
    layer(torch.ones(1, 2)).sum().backward()
    opt.step()
    holder = tf.Module()
    holder.layer = layer
    assert holder.variables == ()  # TF's rule: only tf.Variables are variables
    path = tf.train.Checkpoint(model=holder, optimizer=opt).save(str(tmp_path / "c"))
    saved = {k: t.clone() for k, t in layer.state_dict().items()}
    with torch.no_grad():
        layer.weight.zero_()
    opt2 = torch.optim.Adam(layer.parameters(), lr=0.1)
    tf.train.Checkpoint(model=holder, optimizer=opt2).restore(path).assert_consumed()
    for key, value in layer.state_dict().items():
        torch.testing.assert_close(value, saved[key])
    assert opt2.state_dict()["state"][0]["step"] == 1


def test_module_variables_with_torch_optim(tmp_path: pathlib.Path) -> None:
    net = Net()
    opt = torch.optim.SGD(net.trainable_variables, lr=0.1)
    x = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        h = tf.matmul(x, net.layers[0].w) + net.layers[0].b
        loss = tf.reduce_sum(tf.matmul(h, net.layers[1].w) + net.layers[1].b)
    grads = tape.gradient(loss, net.trainable_variables)
    for var, grad in zip(net.trainable_variables, grads):
        var.grad = torch.Tensor.detach(grad).as_subclass(torch.Tensor)
    opt.step()
    assert net.layers[1].b.numpy().tolist() == pytest.approx([-0.1])
    path = tf.train.Checkpoint(model=net).write(str(tmp_path / "w"))
    fresh = Net()
    tf.train.Checkpoint(model=fresh).read(path).assert_consumed()
    assert fresh.layers[1].b.numpy().tolist() == pytest.approx([-0.1])
