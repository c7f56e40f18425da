"""`tf.train.Checkpoint`'s files are TF's own (TensorBundle V2 with TF's object graph).

* Checkpoints written by real TF 2.21 (`tests/data/tf_checkpoints/`, made by its
  `make.py`, which also recorded TF's reading of them in `expected.json`) are listed
  and restored with TF's keys, shapes, dtypes and values.
* Ours round-trip, and for a `tf.Module` program our `.index` and data files are byte
  for byte those TF wrote for the same program.
* Ours are restored by real TF (in a subprocess: TF never enters this process), with
  `assert_consumed()`; skipped without TF unless `TFTAPE_REQUIRE_ORACLE=1` (as in CI).
* Corrupt files raise TF's errors with TF's messages (checked against TF 2.21 by hand).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
from typing import Any, Dict, List

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tftape_torch._checkpoint_bundle import BundleReader, write_bundle
from tftape_torch._checkpoint_proto import decode_object_graph
from tftape_torch._checkpoint_sstable import build_table, crc32c, crc32c_extend, read_table

ROOT = pathlib.Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "tf_checkpoints"
GRAPH = "_CHECKPOINTABLE_OBJECT_GRAPH"

_HAVE_TF = importlib.util.find_spec("tensorflow") is not None
if not _HAVE_TF and os.environ.get("TFTAPE_REQUIRE_ORACLE") == "1":
    raise RuntimeError("TFTAPE_REQUIRE_ORACLE=1 (as in CI) but TensorFlow is not installed")
needs_tf = pytest.mark.skipif(not _HAVE_TF, reason="TensorFlow is not installed")
keras_available = pytest.mark.skipif(
    importlib.util.find_spec("keras") is None, reason="needs Keras 3 (the keras extra)")


def _expected(name: str) -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads((DATA / name / "expected.json").read_text())
    return data


def _copy(name: str, tmp_path: pathlib.Path) -> pathlib.Path:
    target = tmp_path / name
    shutil.copytree(DATA / name, target, ignore=shutil.ignore_patterns("*.json"))
    return target


def _as_expected(value: Any, dtype: str) -> List[Any]:
    if dtype == "string":
        return [v.hex() for v in np.asarray(value, dtype=object).reshape(-1)]
    array = np.asarray(value).reshape(-1)
    if dtype.startswith("complex"):
        return [[float(v.real), float(v.imag)] for v in array]
    return array.astype(np.float64).tolist()


# ---------------------------------------------------------------------------
# The pieces: CRC32C and the table


def test_crc32c_known_values_and_numpy_path() -> None:
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert crc32c(b"") == 0
    assert crc32c(bytes(32)) == 0x8A9136AA  # RFC 3720, B.4: 32 bytes of zeros
    assert crc32c(b"\xff" * 32) == 0x62A8AB43  # RFC 3720, B.4: 32 bytes of ones
    data = np.random.default_rng(0).integers(0, 256, 300_001, dtype=np.uint8).tobytes()
    state = 0xFFFFFFFF  # a byte-at-a-time reference, beside the vectorised path
    for byte in data:
        state ^= byte
        for _ in range(8):
            state = (state >> 1) ^ (0x82F63B78 if state & 1 else 0)
    assert crc32c(data) == state ^ 0xFFFFFFFF
    assert crc32c_extend(crc32c(data[:12345]), data[12345:]) == crc32c(data)


def test_table_rows_round_trip_and_tfs_index_rebuilds_byte_for_byte() -> None:
    rows = [(b"", b"h")] + [(f"key/{i:04d}".encode(), bytes([i % 256]) * (i % 7))
                            for i in range(2000)]
    assert read_table(build_table(rows), "t") == rows
    for name in ("module/ckpt-1", "keras/ckpt-1", "strings/ckpt"):
        index = (DATA / f"{name}.index").read_bytes()
        assert build_table(read_table(index, name)) == index


# ---------------------------------------------------------------------------
# (a) TF's checkpoints, read and restored


@pytest.mark.parametrize("name", ["module", "keras", "manager", "strings", "iterator"])
def test_tf_checkpoints_list_tfs_keys_shapes_dtypes_and_values(name: str) -> None:
    expected = _expected(name)
    prefix = str(DATA / name / expected["prefix"])
    entries = expected["entries"]
    assert tf.train.list_variables(prefix) == [
        (key, entries[key]["shape"]) for key in sorted(entries)]
    reader = tf.train.load_checkpoint(prefix)
    dtypes = reader.get_variable_to_dtype_map()
    for key, entry in entries.items():
        if entry["dtype"] in ("string", "variant"):
            assert key not in dtypes
        else:
            assert str(dtypes[key]).replace("torch.", "") == entry["dtype"], key
        if entry["value"] is not None:
            value = reader.get_tensor(key)
            assert _as_expected(value, entry["dtype"]) == entry["value"], key
    assert reader.debug_string().startswith(b"_CHECKPOINTABLE_OBJECT_GRAPH (DT_STRING) []\n")


def _module_program(zero: bool = False) -> Any:
    """The program of `make.py`'s `module_program` (zeros: to be restored into)."""
    def var(value: Any, dtype: Any) -> Any:
        array = np.asarray(value)
        return tf.Variable(np.zeros_like(array) if zero else array, dtype=dtype)

    m = tf.Module()
    m.f32 = var([[1.5, -2.0, 3.25]], tf.float32)
    m.f16 = var([0.5, -1.25], tf.float16)
    m.f64 = var(np.pi, tf.float64)
    m.bf16 = var([1.5, -3.0, 256.0], tf.bfloat16)
    m.i8 = var([-128, 127], tf.int8)
    m.i16 = var([-300, 300], tf.int16)
    m.i32 = var([[1, 2], [3, 4]], tf.int32)
    m.i64 = var(2**40 + 1, tf.int64)
    m.u8 = var([0, 255, 7], tf.uint8)
    m.flags = var([True, False, True], tf.bool)
    m.c64 = var([1 + 2j, -3.5j], tf.complex64)
    m.c128 = var(0.25 - 4j, tf.complex128)
    m.layers = [var([1.0, 2.0], tf.float32), var([3.0], tf.float32)]
    m.table = {"b": var(7.0, tf.float32), "a": var(8.0, tf.float32)}
    shared = var([9.0, 10.0], tf.float32)
    m.shared = shared
    m.inner = tf.Module()
    m.inner.again = shared
    return tf.train.Checkpoint(model=m, step=var(5, tf.int64))


def test_tf_module_checkpoint_restores_tfs_values(tmp_path: pathlib.Path) -> None:
    expected = _expected("module")["entries"]
    ckpt = _module_program(zero=True)
    ckpt.restore(str(DATA / "module" / "ckpt-1")).assert_consumed()
    m = ckpt.model
    got = {"model/f32": m.f32, "model/bf16": m.bf16, "model/i64": m.i64, "model/c64": m.c64,
           "model/flags": m.flags, "model/u8": m.u8, "model/layers/1": m.layers[1],
           "model/table/a": m.table["a"], "model/shared": m.inner.again, "step": ckpt.step}
    for path, variable in got.items():
        entry = expected[path + "/.ATTRIBUTES/VARIABLE_VALUE"]
        assert list(variable.shape) == entry["shape"]
        assert _as_expected(variable.numpy(), entry["dtype"]) == entry["value"], path
    assert m.bf16.dtype == torch.bfloat16 and m.c128.dtype == torch.complex128
    assert int(ckpt.save_counter) == 1


@keras_available
def test_tf_keras_checkpoint_restores_model_and_optimizer() -> None:
    expected = _expected("keras")
    model = tf.keras.Sequential([
        tf.keras.Input((3,)),
        tf.keras.layers.Dense(4, activation="relu"),
        tf.keras.layers.Dense(2),
    ])
    optimizer = tf.keras.optimizers.Adam(0.05)
    status = tf.train.Checkpoint(model=model, optimizer=optimizer).restore(
        str(DATA / "keras" / "ckpt-1"))
    output = model(np.array(expected["input"], np.float32)).numpy()
    np.testing.assert_allclose(output, np.array(expected["output"]), rtol=1e-6, atol=1e-6)
    assert int(optimizer.iterations) == 1
    optimizer.build(model.trainable_variables)  # the slots are restored once they exist
    status.assert_consumed()
    momentum = expected["entries"]["optimizer/_variables/2/.ATTRIBUTES/VARIABLE_VALUE"]
    np.testing.assert_allclose(np.asarray(optimizer.variables[2]).reshape(-1),
                               momentum["value"], rtol=1e-6)


def test_tf_checkpoint_manager_directory(tmp_path: pathlib.Path) -> None:
    directory = _copy("manager", tmp_path)
    assert tf.train.latest_checkpoint(str(directory)) == str(directory / "ckpt-3")
    assert tf.train.load_variable(str(directory), "step/.ATTRIBUTES/VARIABLE_VALUE") == 30
    step = tf.Variable(0, dtype=tf.int64)
    ckpt = tf.train.Checkpoint(step=step)
    manager = tf.train.CheckpointManager(ckpt, str(directory), max_to_keep=2)
    assert manager.checkpoints == [str(directory / "ckpt-2"), str(directory / "ckpt-3")]
    assert manager.restore_or_initialize() == str(directory / "ckpt-3")
    assert int(step) == 30 and int(ckpt.save_counter) == 3
    assert manager.save() == str(directory / "ckpt-4")
    assert sorted(p.name for p in directory.glob("*.index")) == ["ckpt-3.index", "ckpt-4.index"]


def test_tf_string_tensors_read_as_bytes() -> None:
    reader = tf.train.load_checkpoint(str(DATA / "strings" / "ckpt"))
    assert reader.get_tensor("word/.ATTRIBUTES/VARIABLE_VALUE") == b"hello"
    words = reader.get_tensor("words/.ATTRIBUTES/VARIABLE_VALUE")
    assert words.shape == (2, 2) and words.tolist() == [[b"a", b""], [b"bcd", b"\xffz"]]
    graph = decode_object_graph(reader.get_tensor(GRAPH))
    assert [name for name, _ in graph[0].children] == ["word", "words"]


def test_tf_iterator_state_is_left_unmatched_with_a_warning() -> None:
    """TF saves an iterator as a variant tensor (its buffers, serialized), which this
    package cannot restore: the rest is restored, the iterator stays unmatched."""
    prefix = str(DATA / "iterator" / "ckpt")
    with pytest.raises(tf.errors.InternalError, match="type 21 not convertible to numpy"):
        tf.train.load_checkpoint(prefix).get_tensor("it/.ATTRIBUTES/ITERATOR_STATE")
    step, iterator = tf.Variable(0), iter(tf.data.Dataset.range(10))
    # The "tensorflow" logger need not propagate (as TF's), and other code may have
    # raised its level (`tf.get_logger().setLevel("ERROR")`): listen to it directly.
    records: List[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        status = tf.train.Checkpoint(it=iterator, step=step).read(prefix)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert int(step) == 3 and int(next(iterator)) == 0
    assert any("it/.ATTRIBUTES/ITERATOR_STATE is not a tensor" in record.getMessage()
               for record in records)
    with pytest.raises(AssertionError):
        status.assert_consumed()
    status.expect_partial()


# ---------------------------------------------------------------------------
# (b) ours, round trip; (d) byte for byte TF's


def test_module_program_files_are_tfs_byte_for_byte(tmp_path: pathlib.Path) -> None:
    path = _module_program().save(str(tmp_path / "ckpt"))
    for suffix in (".index", ".data-00000-of-00001"):
        assert pathlib.Path(path + suffix).read_bytes() == (
            DATA / "module" / f"ckpt-1{suffix}").read_bytes(), suffix


@keras_available
def test_keras_program_keys_shapes_dtypes_are_tfs(tmp_path: pathlib.Path) -> None:
    """Keras's bookkeeping lists (TF's graph has empty nodes for them) are not in
    ours, so the files differ; compared after parsing, the entries agree."""
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4),
                                 tf.keras.layers.Dense(2)])
    optimizer = tf.keras.optimizers.Adam(0.05)
    optimizer.build(model.trainable_variables)
    optimizer.iterations.assign(1)
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "k"))
    ours, theirs = BundleReader(path), BundleReader(str(DATA / "keras" / "ckpt-1"))
    assert {k: (e.dtype, e.shape) for k, e in ours.entries.items()} == {
        k: (e.dtype, e.shape) for k, e in theirs.entries.items()}


def test_round_trip_of_every_dtype_and_non_tensor_states(tmp_path: pathlib.Path) -> None:
    saved = _module_program()
    saved.net = torch.nn.Linear(2, 3)
    saved.opt = torch.optim.SGD(saved.net.parameters(), lr=0.5, momentum=0.9)
    saved.net(torch.ones(1, 2)).sum().backward()
    saved.opt.step()
    saved.gen = tf.random.Generator.from_seed(7)
    saved.it = iter(tf.data.Dataset.range(10))
    next(saved.it), next(saved.it)
    path = saved.write(str(tmp_path / "r"))
    expected_draw = saved.gen.normal([3]).numpy()

    loaded = _module_program(zero=True)
    loaded.net = torch.nn.Linear(2, 3)
    loaded.opt = torch.optim.SGD(loaded.net.parameters(), lr=0.1, momentum=0.9)
    loaded.gen = tf.random.Generator.from_seed(1)
    loaded.it = iter(tf.data.Dataset.range(10))
    loaded.read(path).assert_consumed()
    for a, b in zip(saved.model.variables, loaded.model.variables):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert loaded.opt.param_groups[0]["lr"] == 0.5  # a non-tensor state entry
    torch.testing.assert_close(loaded.net.weight, saved.net.weight)
    np.testing.assert_array_equal(loaded.gen.normal([3]).numpy(), expected_draw)
    assert int(next(loaded.it)) == 2
    reader = tf.train.load_checkpoint(path)
    assert reader.get_variable_to_shape_map()["opt/.ATTRIBUTES/TORCH_STATE_DICT"] == []
    assert reader.get_tensor("opt/.ATTRIBUTES/TORCH_STATE_DICT")["param_groups"][0]["lr"] == 0.5


def test_large_variable_round_trip(tmp_path: pathlib.Path) -> None:
    value = np.random.default_rng(1).standard_normal((1000, 700)).astype(np.float32)
    path = tf.train.Checkpoint(w=tf.Variable(value)).write(str(tmp_path / "big"))
    w = tf.Variable(tf.zeros([1000, 700]))
    tf.train.Checkpoint(w=w).read(path).assert_consumed()
    np.testing.assert_array_equal(w.numpy(), value)


def test_former_torch_save_checkpoints_still_restore(tmp_path: pathlib.Path) -> None:
    """The format of this package's earlier versions (a `torch.save` per file)."""
    key = "v/.ATTRIBUTES/VARIABLE_VALUE"
    payload = {"format": "tftape_torch-checkpoint-1", "values": {key: torch.tensor([4.0, 5.0])},
               "names": {key: "v"}, "aliases": {}}
    prefix = str(tmp_path / "old-1")
    torch.save(payload, prefix + ".data-00000-of-00001")
    torch.save({"format": payload["format"], "shapes": {key: [2]}}, prefix + ".index")
    v = tf.Variable([0.0, 0.0])
    tf.train.Checkpoint(v=v).read(prefix).assert_consumed()
    assert v.numpy().tolist() == [4.0, 5.0]
    assert tf.train.list_variables(prefix) == [(GRAPH, []), (key, [2])]


# ---------------------------------------------------------------------------
# (c) ours, restored by real TF


_TF_RESTORE = textwrap.dedent("""
    import json, os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow as tf
    m = tf.Module()
    m.w = tf.Variable(tf.zeros([2, 3]))
    m.bf = tf.Variable(tf.zeros([2], dtype=tf.bfloat16))
    m.c = tf.Variable(tf.zeros([1], dtype=tf.complex128))
    m.flags = tf.Variable([False, False])
    m.items = [tf.Variable(0, dtype=tf.int64), tf.Variable(tf.zeros([1], dtype=tf.int8))]
    ckpt = tf.train.Checkpoint(model=m, step=tf.Variable(0))
    ckpt.restore(sys.argv[1]).assert_consumed()
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
    optimizer = tf.keras.optimizers.Adam(0.1)
    keras_ckpt = tf.train.Checkpoint(model=model, optimizer=optimizer)
    status = keras_ckpt.restore(sys.argv[2])
    optimizer.build(model.trainable_variables)
    status.assert_consumed()
    print(json.dumps({
        "w": m.w.numpy().tolist(), "bf": m.bf.numpy().astype(float).tolist(),
        "c": [m.c.numpy()[0].real, m.c.numpy()[0].imag], "flags": m.flags.numpy().tolist(),
        "items": [int(m.items[0]), m.items[1].numpy().tolist()], "step": int(ckpt.step),
        "counter": int(ckpt.save_counter), "kernel": model.layers[0].kernel.numpy().tolist(),
        "iterations": int(optimizer.iterations),
        "momentum": optimizer.variables[2].numpy().tolist(),
        "keys": [k for k, _ in tf.train.list_variables(sys.argv[2])],
    }))
""")


@needs_tf
@keras_available
def test_real_tf_restores_our_checkpoints(tmp_path: pathlib.Path) -> None:
    m = tf.Module()
    m.w = tf.Variable(tf.reshape(tf.range(6.0), [2, 3]))
    m.bf = tf.Variable([1.5, -2.0], dtype=tf.bfloat16)
    m.c = tf.Variable(np.array([3 - 1j]), dtype=tf.complex128)
    m.flags = tf.Variable([True, False])
    m.items = [tf.Variable(2**33, dtype=tf.int64), tf.Variable(np.array([-7], np.int8))]
    plain = tf.train.Checkpoint(model=m, step=tf.Variable(4)).save(str(tmp_path / "m"))

    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
    optimizer = tf.keras.optimizers.Adam(0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(tf.ones([4, 3])) ** 2)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    keras_path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(
        str(tmp_path / "k"))

    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", _TF_RESTORE, plain, keras_path],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["w"] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert got["bf"] == [1.5, -2.0] and got["c"] == [3.0, -1.0]
    assert got["flags"] == [True, False] and got["items"] == [2**33, [-7]]
    assert got["step"] == 4 and got["counter"] == 1
    np.testing.assert_array_equal(np.array(got["kernel"], np.float32),
                                  model.layers[0].kernel.numpy())
    assert got["iterations"] == 1
    np.testing.assert_array_equal(np.array(got["momentum"], np.float32),
                                  np.asarray(optimizer.variables[2]))
    assert got["keys"] == [key for key, _ in tf.train.list_variables(keras_path)]


_TF_GENERATOR = textwrap.dedent("""
    import json, sys
    import tensorflow as tf
    g = tf.random.Generator.from_seed(5)
    tf.train.Checkpoint(g=g).restore(sys.argv[1]).assert_consumed()
    print(json.dumps(g.state.numpy().tolist()))
""")


@needs_tf
def test_generators_are_saved_as_tfs_state_variable(tmp_path: pathlib.Path) -> None:
    """TF saves a Generator's state variable (`g/_state_var`): TF restores ours."""
    g = tf.random.Generator.from_seed(1)
    g.normal([2])
    path = tf.train.Checkpoint(g=g).save(str(tmp_path / "g"))
    keys = [key for key, _ in tf.train.list_variables(path)]
    assert "g/_state_var/.ATTRIBUTES/VARIABLE_VALUE" in keys
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, "-c", _TF_GENERATOR, path],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == g.state.numpy().tolist()


# ---------------------------------------------------------------------------
# (e) corrupt files


def _corrupt(tmp_path: pathlib.Path, index: Any = None, data: Any = None) -> str:
    directory = _copy("module", tmp_path)
    prefix = directory / "ckpt-1"
    for suffix, change in ((".index", index), (".data-00000-of-00001", data)):
        if change is not None:
            file = pathlib.Path(str(prefix) + suffix)
            file.write_bytes(change(bytearray(file.read_bytes())))
    return str(prefix)


def _flip(position: int) -> Any:
    def change(raw: bytearray) -> bytes:
        raw[position] ^= 0xFF
        return bytes(raw)
    return change


@pytest.mark.parametrize("change, message", [
    (_flip(-1), "not an sstable (bad magic number)"),
    (lambda raw: bytes(raw[:30]), "file is too short to be an sstable"),
    (lambda raw: b"", "file is too short to be an sstable"),
    (_flip(40), "block checksum mismatch"),
])
def test_corrupt_index_raises_tfs_op_error(tmp_path: pathlib.Path, change: Any,
                                           message: str) -> None:
    prefix = _corrupt(tmp_path, index=change)
    for call in (lambda: tf.train.load_checkpoint(prefix),
                 lambda: tf.train.list_variables(prefix),
                 lambda: tf.train.Checkpoint(model=tf.Module()).read(prefix)):
        with pytest.raises(tf.errors.OpError) as caught:
            call()
        assert type(caught.value) is tf.errors.OpError  # TF's reader: the bare class
        assert caught.value.error_code == tf.errors.UNKNOWN
        assert message in caught.value.message


def test_corrupt_data_raises_data_loss_on_restore(tmp_path: pathlib.Path) -> None:
    reader = BundleReader(str(DATA / "module" / "ckpt-1"))
    offset = reader.entries["model/f32/.ATTRIBUTES/VARIABLE_VALUE"].offset
    prefix = _corrupt(tmp_path, data=_flip(offset + 1))
    ckpt = _module_program(zero=True)
    with pytest.raises(tf.errors.DataLossError, match=(
            r"TensorBundle at .*ckpt-1 shard 0 \(12 bytes\): Checksum does not match: "
            r"stored \d+ vs. calculated on the restored bytes \d+")):
        ckpt.read(prefix)
    with pytest.raises(tf.errors.OpError, match="Checksum does not match"):
        tf.train.load_checkpoint(prefix).get_tensor("model/f32/.ATTRIBUTES/VARIABLE_VALUE")
    # other values are still read: TF checks each value's checksum as it reads it
    assert tf.train.load_variable(prefix, "step/.ATTRIBUTES/VARIABLE_VALUE") == 5


def test_missing_or_truncated_data_file(tmp_path: pathlib.Path) -> None:
    prefix = _corrupt(tmp_path, data=lambda raw: bytes(raw[:12]))
    with pytest.raises(IndexError, match="Read less bytes than requested"):
        tf.train.Checkpoint(model=tf.Module()).read(prefix)
    os.remove(prefix + ".data-00000-of-00001")
    assert len(tf.train.list_variables(prefix)) == 20  # the index alone lists the keys
    with pytest.raises(tf.errors.OpError, match=r"ckpt-1.data-00000-of-00001; No such file"):
        tf.train.load_checkpoint(prefix).get_tensor("step/.ATTRIBUTES/VARIABLE_VALUE")


def test_bad_value_to_save_and_duplicate_keys(tmp_path: pathlib.Path) -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="Adding duplicate key: k"):
        write_bundle(str(tmp_path / "d"), [("k", torch.zeros(1)), ("k", torch.ones(1))])
    with pytest.raises(TypeError, match="quint8"):
        write_bundle(str(tmp_path / "q"), [("q", torch.quantize_per_tensor(
            torch.ones(1), 1.0, 0, torch.quint8))])
