"""The checkpoint directory's state: `tf.train.get_checkpoint_state`, `latest_checkpoint`,
`checkpoints_iterator`, and `tf.train.CheckpointOptions`' write callbacks.

Every expected value below is what TensorFlow 2.21 gave for the same calls (the script
that compared the two printed identical results; paths shown relative to the
directory `D`).
"""

from __future__ import annotations

import os
from typing import Any, List

import pytest

import tftape_torch as tf


@pytest.fixture()
def manager(tmp_path: Any) -> Any:
    return tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)), str(tmp_path),
                                      max_to_keep=2)


def _shown(text: Any, directory: str) -> Any:
    return None if text is None else str(text).replace(directory, "D")


def test_state_of_a_managed_directory(manager: Any) -> None:
    directory = manager.directory
    assert tf.train.get_checkpoint_state(directory) is None
    for _ in range(3):
        manager.save()
    state = tf.train.get_checkpoint_state(directory)
    assert _shown(state, directory).split("all_model_checkpoint_timestamps")[0] == (
        'model_checkpoint_path: "D/ckpt-3"\n'
        'all_model_checkpoint_paths: "D/ckpt-2"\n'
        'all_model_checkpoint_paths: "D/ckpt-3"\n')
    assert len(state.all_model_checkpoint_timestamps) == 2
    assert state.last_preserved_timestamp > 0
    assert tf.train.latest_checkpoint(directory) == os.path.join(directory, "ckpt-3")


@pytest.mark.parametrize("content, state, latest", [
    ("", ("ValueError", "Invalid checkpoint state loaded from D"), None),
    ('all_model_checkpoint_paths: "x"\n', ("ValueError", "Invalid checkpoint state loaded from D"),
     None),
    ("garbage\n", None, None),
    ('model_checkpoint_path: "/abs/ckpt-1"\nall_model_checkpoint_paths: "rel-1"\n',
     'model_checkpoint_path: "/abs/ckpt-1"\nall_model_checkpoint_paths: "D/rel-1"\n', None),
    ('model_checkpoint_path: "ckpt-1"\nlast_preserved_timestamp: 3\n',
     'model_checkpoint_path: "D/ckpt-1"\nlast_preserved_timestamp: 3\n', None),
    ('model_checkpoint_path: "ckpt-3"\n', 'model_checkpoint_path: "D/ckpt-3"\n', "D/ckpt-3"),
])
def test_state_files_read_as_tf_reads_them(manager: Any, content: str, state: Any,
                                           latest: Any) -> None:
    directory = manager.directory
    for _ in range(3):
        manager.save()
    with open(os.path.join(directory, "checkpoint"), "w", encoding="utf-8") as f:
        f.write(content)
    if isinstance(state, tuple):
        for read in (tf.train.get_checkpoint_state, tf.train.latest_checkpoint):
            with pytest.raises(ValueError) as caught:
                read(directory)
            assert _shown(caught.value, directory) == state[1]
        return
    assert _shown(tf.train.get_checkpoint_state(directory), directory) == state
    assert _shown(tf.train.latest_checkpoint(directory), directory) == latest


def test_checkpoints_iterator_yields_each_new_checkpoint(manager: Any) -> None:
    manager.save()
    calls: List[int] = []

    def timeout_fn() -> bool:
        calls.append(1)
        if len(calls) == 1:
            manager.save()  # a new checkpoint: the iterator waits again and finds it
            return False
        return True

    found = tf.train.checkpoints_iterator(manager.directory, timeout=0, timeout_fn=timeout_fn)
    assert [os.path.basename(p) for p in found] == ["ckpt-1", "ckpt-2"]
    assert len(calls) == 2


def test_checkpoints_iterator_times_out_without_checkpoints(tmp_path: Any) -> None:
    assert list(tf.train.checkpoints_iterator(str(tmp_path / "none"), timeout=0.5)) == []


def test_write_callbacks_run_after_each_write(tmp_path: Any) -> None:
    got: List[Any] = []
    options = tf.train.CheckpointOptions(
        experimental_write_callbacks=[got.append, lambda: got.append("none")])
    checkpoint = tf.train.Checkpoint(v=tf.Variable(1.0))
    path = checkpoint.save(str(tmp_path / "cb"), options=options)
    assert [os.path.basename(p) for p in got] == ["cb-1", "none"] and got[0] == path
    got.clear()
    checkpoint.write(str(tmp_path / "w"), options=tf.train.CheckpointOptions(
        experimental_write_callbacks=[got.append]))
    assert [os.path.basename(p) for p in got] == ["w"]
    async_options = tf.train.CheckpointOptions(enable_async=True)
    assert async_options.enable_async and async_options.experimental_enable_async_checkpoint
    path = checkpoint.save(str(tmp_path / "a"), options=async_options)
    checkpoint.sync()
    assert tf.train.latest_checkpoint(str(tmp_path)) == path


def test_write_callbacks_take_at_most_one_argument() -> None:
    with pytest.raises(AssertionError):
        tf.train.CheckpointOptions(experimental_write_callbacks=[lambda a, b: None])
