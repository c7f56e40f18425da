"""`tf.config`: visible devices, `experimental`'s memory, determinism and policy calls,
and `optimizer`'s recorded options. Expected values are TF 2.21's on a CPU-only
machine (run with `import tensorflow as tf`) unless a comment says otherwise."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import torch

import tftape_torch as tf

E = tf.config.experimental


def on_new_thread(fn: Any) -> Any:
    """`fn()` on a new thread: `tf.config` settings are per thread, so nothing it sets
    reaches other tests."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as error:  # noqa: BLE001 - re-raised below
            box["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_defaults_are_tfs() -> None:
    def read() -> Any:
        return (
            E.get_memory_info("CPU:0"), E.get_memory_usage("CPU:0"),
            E.get_device_details(tf.config.list_physical_devices("CPU")[0]),
            E.get_device_policy(), E.get_synchronous_execution(),
            tf.config.get_visible_devices("CPU"), tf.config.get_soft_device_placement(),
            tf.config.experimental_functions_run_eagerly(), tf.config.optimizer.get_jit(),
            tf.config.optimizer.get_experimental_options(),
        )

    assert on_new_thread(read) == (
        {"current": 0, "peak": 0}, 0, {}, "silent", True,
        [tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")], True, False, "",
        {"disable_model_pruning": False, "disable_meta_optimizer": False},
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="the no-GPU answers")
def test_a_missing_gpu_is_tfs_value_error() -> None:
    with pytest.raises(ValueError, match="No matching devices found for 'GPU:0'"):
        E.get_memory_info("GPU:0")
    assert tf.config.get_visible_devices("GPU") == []


def test_device_policy_is_checked_and_recorded() -> None:
    def run() -> Any:
        E.set_device_policy("warn")
        first = E.get_device_policy()
        E.set_device_policy(None)
        return first, E.get_device_policy()

    assert on_new_thread(run) == ("warn", "silent")
    with pytest.raises(ValueError, match="Invalid argument `device_policy`: 'bogus'"):
        E.set_device_policy("bogus")


def test_optimizer_options_are_recorded_and_merged() -> None:
    def run() -> Any:
        tf.config.optimizer.set_experimental_options({"layout_optimizer": False})
        tf.config.optimizer.set_jit(True)
        return tf.config.optimizer.get_experimental_options(), tf.config.optimizer.get_jit()

    options, jit = on_new_thread(run)
    assert options == {"disable_model_pruning": False, "disable_meta_optimizer": False,
                       "layout_optimizer": False}
    assert jit == "autoclustering"  # TF's value after set_jit(True)


def test_the_cpu_cannot_be_hidden_and_unknown_devices_are_refused() -> None:
    with pytest.raises(ValueError):
        tf.config.set_visible_devices([], "CPU")
    with pytest.raises(ValueError, match="Unrecognized device"):
        tf.config.set_visible_devices([tf.config.PhysicalDevice("/physical_device:GPU:7", "GPU")])


def test_hiding_every_gpu_places_gpu_scopes_on_the_cpu() -> None:
    def run() -> Any:
        tf.config.set_visible_devices([], "GPU")
        with tf.device("/GPU:0"):
            placed = tf.ones([2]).device
        return tf.config.get_visible_devices("GPU"), tf.config.list_logical_devices("GPU"), placed

    visible, logical, placed = on_new_thread(run)
    assert visible == [] and logical == []
    assert placed == torch.device("cpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_visible_gpus_are_renumbered_cuda() -> None:
    def run() -> Any:
        gpus = tf.config.list_physical_devices("GPU")
        tf.config.set_visible_devices([gpus[-1]], "GPU")
        with tf.device("/GPU:0"):
            placed = tf.ones([2]).device
        info = E.get_memory_info("GPU:0")
        return placed, info, tf.config.list_logical_devices("GPU")

    placed, info, logical = on_new_thread(run)
    assert placed == torch.device("cuda", torch.cuda.device_count() - 1)
    assert set(info) == {"current", "peak"}
    assert [d.name for d in logical] == ["/device:GPU:0"]


def test_op_determinism_requires_seeds_for_random_ops() -> None:
    assert not torch.are_deterministic_algorithms_enabled()
    try:
        E.enable_op_determinism()
        assert torch.are_deterministic_algorithms_enabled()

        def unseeded() -> Any:
            return tf.random.uniform([1])

        with pytest.raises(RuntimeError, match="Random ops require a seed to be set when "
                                               "determinism is enabled"):
            on_new_thread(unseeded)

        def seeded() -> Any:
            tf.random.set_seed(1)
            return tf.random.uniform([1]).shape

        assert on_new_thread(seeded) == (1,)
    finally:
        torch.use_deterministic_algorithms(False)


def test_tensor_float_32_flags_are_torchs() -> None:
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    try:
        E.enable_tensor_float_32_execution(True)
        assert E.tensor_float_32_execution_enabled() is True
        assert torch.backends.cudnn.allow_tf32 is True
        E.enable_tensor_float_32_execution(False)
        assert E.tensor_float_32_execution_enabled() is False
        assert torch.backends.cudnn.allow_tf32 is False
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def test_deprecated_eager_spellings_are_the_same_functions() -> None:
    assert tf.config.experimental_run_functions_eagerly is tf.config.run_functions_eagerly
    assert tf.config.experimental_functions_run_eagerly is tf.config.functions_run_eagerly
