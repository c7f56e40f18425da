"""`tf.summary`: the event files the package writes are the ones TF 2.21 writes.

Each comparison writes the same summaries with real TensorFlow and with the package
into two directories and compares the parsed events (read back by TF, which checks
the record CRCs): the same sequence of events, steps, tags, metadata and tensors,
ignoring `wall_time`. Histograms are compared to float tolerance, images as the
pixels TensorBoard decodes (the package's PNG encoder compresses differently from
libpng's). TF's `tf.summary.scalar` / `histogram` / `image` / `text` are
TensorBoard's `summary_v2` ops; without the `tensorboard` package (not installed
with TF 2.21) the oracle is a transcription of those ops onto TF's
`tf.summary.write` and TF's own ops (`ORACLE_OPS` below).
"""

from __future__ import annotations

import glob
import importlib.util
import os
import pathlib
import re
import socket
import types
import warnings
from typing import Any, Callable, Iterator, List

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tftape_torch import _event_file
from tftape_torch._unsupported import UnsupportedError

_HAVE_TF = importlib.util.find_spec("tensorflow") is not None
if not _HAVE_TF and os.environ.get("TFTAPE_REQUIRE_ORACLE") == "1":
    raise RuntimeError("TFTAPE_REQUIRE_ORACLE=1 (as in CI) but TensorFlow is not installed")


# TensorFlow never enters the main pytest process (with a CUDA torch, triton imported
# after TensorFlow crashes it; Keras would also be set up for TF's backend for every
# later test): the tests that compare with TF run in a child pytest process, which
# `test_tensorflow_comparisons_in_a_child_process` starts.
_CHILD = os.environ.get("TFTAPE_SUMMARY_TF_CHILD") == "1"


@pytest.fixture(scope="module")
def real() -> Any:
    if not _CHILD:
        pytest.skip("compared with TensorFlow in a child process "
                    "(test_tensorflow_comparisons_in_a_child_process)")
    return pytest.importorskip("tensorflow")


@pytest.mark.skipif(_CHILD or not _HAVE_TF, reason="the child itself, or no TensorFlow")
def test_tensorflow_comparisons_in_a_child_process() -> None:
    """Runs this module's comparisons with TF in a child process; all must pass."""
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parent.parent
    env = dict(os.environ, TFTAPE_SUMMARY_TF_CHILD="1", TF_CPP_MIN_LOG_LEVEL="3",
               CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         str(pathlib.Path(__file__).relative_to(root))],
        cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-3000:]
    passed = re.search(r"(\d+) passed", proc.stdout.splitlines()[-1])
    assert passed is not None and int(passed.group(1)) >= 25, proc.stdout[-3000:]


# -- the oracle: TensorBoard's summary_v2 ops ---------------------------------------


def _tf_buckets(real: Any, data: Any, bucket_count: Any) -> Any:
    """TensorBoard 2.21's `histogram.summary_v2._buckets`, in TF ops."""
    if bucket_count is None:
        bucket_count = 30
    bucket_count = real.math.maximum(0, bucket_count)
    data = real.cast(real.reshape(data, shape=[-1]), real.float64)
    data_size = real.size(input=data)
    is_empty = real.logical_or(real.equal(data_size, 0), real.less_equal(bucket_count, 0))

    def when_empty() -> Any:
        return real.zeros((bucket_count, 3), dtype=real.float64)

    def when_nonempty() -> Any:
        min_, max_ = real.reduce_min(data), real.reduce_max(data)
        range_ = max_ - min_

        def when_multiple_values() -> Any:
            width = range_ / real.cast(bucket_count, real.float64)
            indices = real.cast(real.floor((data - min_) / width), real.int32)
            clamped = real.minimum(indices, bucket_count - 1)
            one_hots = real.one_hot(clamped, depth=bucket_count, dtype=real.float64)
            counts = real.cast(real.reduce_sum(one_hots, axis=0), real.float64)
            edges = real.linspace(min_, max_, bucket_count + 1)
            edges = real.concat([edges[:-1], [max_]], 0)
            return real.transpose(real.stack([edges[:-1], edges[1:], counts]))

        def when_single_value() -> Any:
            edges = real.fill([bucket_count], max_)
            zeroes = real.fill([bucket_count], 0)
            counts = real.cast(real.concat([zeroes[:-1], [data_size]], 0)[:bucket_count],
                               real.float64)
            return real.transpose(real.stack([edges, edges, counts]))

        return real.cond(real.equal(range_, 0), when_single_value, when_multiple_values)

    return real.cond(is_empty, when_empty, when_nonempty)


def _tb_ops(real: Any) -> Any:
    """TF's `tf.summary` ops: TensorBoard's own where installed, else a transcription
    of TensorBoard 2.21's `summary_v2` onto TF's `tf.summary.write`."""
    if importlib.util.find_spec("tensorboard") is not None:
        return real.summary

    scope = real.summary.experimental.summary_scope

    def metadata(plugin: str, description: Any) -> Any:
        meta = real.compat.v1.SummaryMetadata()
        meta.plugin_data.plugin_name = plugin
        if description:
            meta.summary_description = description
        return meta

    def scalar(name: str, data: Any, step: Any = None, description: Any = None) -> Any:
        with scope(name, "scalar_summary", values=[data, step]) as (tag, _):
            real.debugging.assert_scalar(data)
            return real.summary.write(tag=tag, tensor=real.cast(data, real.float32),
                                      step=step, metadata=metadata("scalars", description))

    def histogram(name: str, data: Any, step: Any = None, buckets: Any = None,
                  description: Any = None) -> Any:
        data = real.stop_gradient(data)
        with scope(name, "histogram_summary", values=[data, buckets, step]) as (tag, _):
            return real.summary.write(tag=tag, tensor=lambda: _tf_buckets(real, data, buckets),
                                      step=step, metadata=metadata("histograms", description))

    def image(name: str, data: Any, step: Any = None, max_outputs: int = 3,
              description: Any = None) -> Any:
        with scope(name, "image_summary", values=[data, max_outputs, step]) as (tag, _):
            def lazy() -> Any:
                images = real.image.convert_image_dtype(data, real.uint8, saturate=True)
                encoded = real.image.encode_png(images[:max_outputs])
                shape = real.shape(images)
                dims = real.stack([real.as_string(shape[2]), real.as_string(shape[1])])
                return real.concat([dims, encoded], axis=0)

            return real.summary.write(tag=tag, tensor=lazy, step=step,
                                      metadata=metadata("images", description))

    def text(name: str, data: Any, step: Any = None, description: Any = None) -> Any:
        with scope(name, "text_summary", values=[data, step]) as (tag, _):
            real.debugging.assert_type(data, real.string)
            return real.summary.write(tag=tag, tensor=data, step=step,
                                      metadata=metadata("text", description))

    return types.SimpleNamespace(scalar=scalar, histogram=histogram, image=image, text=text)


def _event_path(logdir: str) -> str:
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    return path


def _events(real: Any, logdir: str) -> List[Any]:
    """The events of the one event file in `logdir`, read by TF (CRCs checked)."""
    events = []
    for record in real.data.TFRecordDataset(_event_path(logdir)):
        events.append(real.compat.v1.Event.FromString(record.numpy()))
    return events


def _normalized(real: Any, event: Any) -> Any:
    """`event` without its wall time, histograms rounded, PNGs decoded to pixels."""
    event = type(event).FromString(event.SerializeToString())
    event.wall_time = 0
    for value in event.summary.value:
        plugin = value.metadata.plugin_data.plugin_name
        if plugin == "histograms":
            table = real.make_ndarray(value.tensor)
            value.tensor.tensor_content = np.round(table, 9).astype("<f8").tobytes()
        if plugin == "images":
            strings = list(value.tensor.string_val)
            del value.tensor.string_val[2:]
            for png in strings[2:]:
                pixels = real.io.decode_png(png).numpy()
                value.tensor.string_val.append(repr((pixels.shape, pixels.tolist())).encode())
    return event


def _assert_same_events(real: Any, tf_dir: str, our_dir: str) -> None:
    ours = [_normalized(real, e) for e in _events(real, our_dir)]
    theirs = [_normalized(real, e) for e in _events(real, tf_dir)]
    assert len(ours) == len(theirs)
    for index, (mine, want) in enumerate(zip(ours, theirs)):
        assert mine == want, f"event {index} differs:\n{mine}\nTF:\n{want}"


def _both(real: Any, tmp_path: pathlib.Path, body: Callable[[Any, Any], None]) -> None:
    """Runs `body(tf_module, summary_ops)` with real TF and with the package, each
    with a file writer of its own made default, then compares the files."""
    dirs = str(tmp_path / "tf"), str(tmp_path / "ours")
    tf_writer = real.summary.create_file_writer(dirs[0])
    with tf_writer.as_default():
        body(real, _tb_ops(real))
    tf_writer.close()
    our_writer = tf.summary.create_file_writer(dirs[1])
    with our_writer.as_default():
        body(tf, tf.summary)
    our_writer.close()
    _assert_same_events(real, *dirs)


# -- the file format ------------------------------------------------------------------


def test_crc32c_and_record_framing(tmp_path: pathlib.Path, real: Any) -> None:
    assert _event_file.crc32c(b"") == 0
    assert _event_file.crc32c(b"123456789") == 0xE3069283
    assert _event_file.crc32c(bytes(32)) == 0x8A9136AA
    path = str(tmp_path / "records")
    with open(path, "wb") as f:
        for data in (b"", b"abc", bytes(range(256)) * 40):
            f.write(_event_file.frame(data))
    read = [r.numpy() for r in real.data.TFRecordDataset(path)]
    assert read == [b"", b"abc", bytes(range(256)) * 40]
    assert list(_event_file.read_records(path)) == read


def test_file_name_and_first_event_match_tf(tmp_path: pathlib.Path, real: Any) -> None:
    real.summary.create_file_writer(str(tmp_path / "tf")).close()
    writer = tf.summary.create_file_writer(str(tmp_path / "ours" / "nested"))
    writer.close()
    name = os.path.basename(_event_path(str(tmp_path / "ours" / "nested")))
    pattern = r"events\.out\.tfevents\.(\d{10})\.(.+)\.(\d+)\.(\d+)\.v2"
    match = re.fullmatch(pattern, name)
    assert match is not None, name
    assert match.group(2) == socket.gethostname()
    assert int(match.group(3)) == os.getpid()
    assert re.fullmatch(pattern, os.path.basename(_event_path(str(tmp_path / "tf"))))
    (ours,) = _events(real, str(tmp_path / "ours" / "nested"))
    (theirs,) = _events(real, str(tmp_path / "tf"))
    assert ours.wall_time == int(match.group(1))
    ours.wall_time = theirs.wall_time = 0
    assert ours == theirs
    assert ours.file_version == "brain.Event:2"


def test_files_of_successive_writers_are_numbered(tmp_path: pathlib.Path) -> None:
    first = tf.summary.create_file_writer(str(tmp_path))
    second = tf.summary.create_file_writer(str(tmp_path), filename_suffix=".x")
    names = sorted(os.listdir(tmp_path))
    first.close()
    second.close()
    counters = sorted(int(n.split(".")[-2]) for n in names)
    assert counters[1] == counters[0] + 1
    assert any(n.endswith(".x") for n in names)


def test_events_wait_in_the_queue_until_flushed(tmp_path: pathlib.Path, real: Any) -> None:
    writer = tf.summary.create_file_writer(str(tmp_path), max_queue=3)
    size = os.path.getsize(_event_path(str(tmp_path)))
    with writer.as_default(step=1):
        tf.summary.scalar("a", 1.0)
        assert os.path.getsize(_event_path(str(tmp_path))) == size
        tf.summary.flush()
        assert len(_events(real, str(tmp_path))) == 2
        for _ in range(4):  # more than max_queue waiting: written
            tf.summary.scalar("a", 1.0)
        assert len(_events(real, str(tmp_path))) == 6
        tf.summary.scalar("a", 1.0)
    assert len(_events(real, str(tmp_path))) == 7  # as_default flushes on exit
    writer.close()


# -- the summaries match TF's ----------------------------------------------------------


def test_scalars_match_tf(tmp_path: pathlib.Path, real: Any) -> None:
    def body(m: Any, ops: Any) -> None:
        ops.scalar("loss", 0.5, step=0)
        ops.scalar("loss", 2, step=7, description="the loss")
        ops.scalar("acc", m.constant(0.25, dtype=m.float64), step=m.constant(3, m.int64))
        ops.scalar("flag", True, step=-4)
        ops.scalar("big", np.float32(1e30), step=2 ** 40)
        with m.name_scope("train"):
            ops.scalar("loss (avg)", 1.5, step=1)
        m.summary.experimental.set_step(9)
        ops.scalar("default", 3.0)
        m.summary.experimental.set_step(None)

    _both(real, tmp_path, body)


def test_default_step_from_as_default(tmp_path: pathlib.Path, real: Any) -> None:
    dirs = str(tmp_path / "tf"), str(tmp_path / "ours")
    for m, ops, logdir in ((real, _tb_ops(real), dirs[0]), (tf, tf.summary, dirs[1])):
        writer = m.summary.create_file_writer(logdir)
        with writer.as_default(step=5):
            ops.scalar("a", 1.0)
            assert m.summary.experimental.get_step() == 5
        assert m.summary.experimental.get_step() is None
        step = m.Variable(0, dtype=m.int64)
        with writer.as_default(step=step):
            for _ in range(2):
                step.assign_add(1)
                ops.scalar("b", 2.0)
        writer.close()
    _assert_same_events(real, *dirs)


def test_histograms_match_tf(tmp_path: pathlib.Path, real: Any) -> None:
    rng = np.random.RandomState(0)
    normal = rng.normal(size=[40, 5]).astype(np.float32)

    def body(m: Any, ops: Any) -> None:
        ops.histogram("h", [1.0, 2.0, 2.5, 10.0], step=1)
        ops.histogram("normal", m.constant(normal), step=2, description="weights")
        ops.histogram("grid", np.arange(20, dtype=np.float64).reshape(4, 5), step=3, buckets=4)
        ops.histogram("one", [0.1, 0.7, 0.3], step=3, buckets=1)
        ops.histogram("ints", m.constant([1, 5, 5, 9]), step=3, buckets=7)
        ops.histogram("empty", np.zeros([0], np.float32), step=4)
        ops.histogram("same", [3.0, 3.0, 3.0], step=5, buckets=5)
        ops.histogram("none", [1.0, 2.0], step=6, buckets=0)
        ops.histogram("negative", [1.0, 2.0], step=6, buckets=-3)
        ops.histogram("bools", [True, False, True], step=7, buckets=3)

    _both(real, tmp_path, body)


def test_histogram_buckets_match_tf_exactly(real: Any) -> None:
    from tftape_torch._summary_payloads import histogram_buckets

    rng = np.random.RandomState(1)
    cases = [(rng.uniform(-3, 7, size=1000), 30), (rng.normal(size=17), 6),
             (np.array([0.1, 0.2, 0.3, 0.7]), 3), (np.array([5.0]), 4),
             (np.array([1.0, np.inf]), 3), (np.array([1.0, np.nan]), 3),
             (np.array([-np.inf, 0.0, 1.0]), 2), (np.array([2.0, 1.0]), 1)]
    for data, count in cases:
        want = _tf_buckets(real, real.constant(data), count).numpy()
        got = histogram_buckets(data, count)
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, want)


def test_images_match_tf(tmp_path: pathlib.Path, real: Any) -> None:
    rng = np.random.RandomState(0)
    rgb = rng.rand(2, 4, 5, 3).astype(np.float32)
    gray = rng.rand(5, 3, 2, 1)
    gray_alpha = rng.rand(1, 3, 3, 2).astype(np.float32)
    rgba = (rng.rand(1, 6, 7, 4) * 255).astype(np.uint8)
    ints = rng.randint(0, 2 ** 31 - 1, size=[1, 2, 2, 3]).astype(np.int32)
    saturated = np.array([[[[-0.5], [0.5]], [[1.5], [1.0]]]], np.float32)
    large = rng.rand(3, 64, 48, 3).astype(np.float32)

    def body(m: Any, ops: Any) -> None:
        ops.image("rgb", rgb, step=1)
        ops.image("gray", gray, step=2, max_outputs=2)
        ops.image("gray_alpha", gray_alpha, step=2)
        ops.image("rgba", rgba, step=3, description="raw")
        ops.image("ints", m.constant(ints), step=4)
        ops.image("saturated", saturated, step=5)
        ops.image("none", rgb, step=6, max_outputs=0)
        ops.image("large", m.constant(large), step=7)

    _both(real, tmp_path, body)


def test_text_matches_tf(tmp_path: pathlib.Path, real: Any) -> None:
    def body(m: Any, ops: Any) -> None:
        data = [["a", "b"], ["c", "é"]]
        ops.text("t", "hello" if m is tf else m.constant("hello"), step=1)
        ops.text("table", data if m is tf else m.constant(data), step=2, description="d")
        ops.text("bytes", b"\x00raw" if m is tf else m.constant(b"\x00raw"), step=3)
        ops.text("empty", np.array([], str) if m is tf else m.constant([], m.string), step=4)

    _both(real, tmp_path, body)


def test_generic_write_matches_tf(tmp_path: pathlib.Path, real: Any) -> None:
    meta = b"\x0a\x05\x0a\x03abc\x1a\x01d"

    def body(m: Any, ops: Any) -> None:
        m.summary.write("f", 1.0, step=1)
        m.summary.write("ints", [[1, 2, 3]], step=2)
        m.summary.write("i64", m.constant([7, -8], m.int64), step=2, metadata=meta)
        m.summary.write("f64", np.array([0.5, 1e-300]), step=3)
        m.summary.write("f16", m.constant([1.5, -2.0], m.float16), step=3)
        m.summary.write("u8", m.constant([0, 255], m.uint8), step=3)
        m.summary.write("bool", [True, False], step=4)
        m.summary.write("c64", m.constant([1 + 2j], m.complex64), step=4)
        m.summary.write("empty", m.zeros([0, 2]), step=5)
        m.summary.write("lazy", lambda: m.constant([4.0]), step=6)
        m.summary.write("s", "text" if m is tf else m.constant("text"), step=7)
        m.summary.write("", 2.0, step=-5)

    _both(real, tmp_path, body)


def test_write_raw_pb_matches_tf(tmp_path: pathlib.Path, real: Any) -> None:
    raw = real.compat.v1.Summary(value=[real.compat.v1.Summary.Value(
        tag="v1", simple_value=2.5)]).SerializeToString()

    def body(m: Any, ops: Any) -> None:
        m.summary.experimental.write_raw_pb(raw, step=3)
        m.summary.experimental.write_raw_pb([raw, raw], step=4)

    _both(real, tmp_path, body)


# -- steps, writers and recording ----------------------------------------------------


def test_no_default_writer_writes_nothing_and_needs_no_step() -> None:
    for result in (tf.summary.scalar("a", 1.0), tf.summary.histogram("h", [1.0]),
                   tf.summary.image("i", np.zeros([1, 2, 2, 3])), tf.summary.text("t", "x"),
                   tf.summary.write("w", 1.0), tf.summary.experimental.write_raw_pb(b"")):
        assert result.dtype == tf.bool and not bool(result)
    assert not bool(tf.summary.should_record_summaries())
    tf.summary.flush()  # no writer: nothing to do


def test_missing_step_raises_tfs_value_error(tmp_path: pathlib.Path, real: Any) -> None:
    message = re.escape("No step set. Please specify one either through the `step` "
                        "argument or through tf.summary.experimental.set_step()")
    for m in (real, tf):
        writer = m.summary.create_file_writer(str(tmp_path / m.__name__))
        with writer.as_default():
            with pytest.raises(ValueError, match=message):
                m.summary.write("a", 1.0)
            with m.summary.record_if(False):  # not recording: no step needed
                assert not bool(m.summary.write("a", 1.0))
        writer.close()
    writer = tf.summary.create_file_writer(str(tmp_path / "ours"))
    with writer.as_default():
        for call in (lambda: tf.summary.scalar("a", 1.0), lambda: tf.summary.text("t", "x"),
                     lambda: tf.summary.histogram("h", [1.0]),
                     lambda: tf.summary.image("i", np.zeros([1, 1, 1, 1]))):
            with pytest.raises(ValueError, match=message):
                call()
    writer.close()


@pytest.mark.parametrize("step, error", [([1, 2], ValueError), (1.5, TypeError)])
def test_bad_steps_raise_tfs_errors(tmp_path: pathlib.Path, real: Any, step: Any,
                                    error: type) -> None:
    messages = []
    for m in (real, tf):
        with pytest.raises(error) as info:
            m.summary.write("a", 1.0, step=step)  # checked even without a writer
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_bad_inputs_raise_tfs_errors(tmp_path: pathlib.Path) -> None:
    # TF's messages, recorded with TF 2.21 and TensorBoard 2.21.
    with pytest.raises(ValueError, match=re.escape("Expected scalar shape, saw shape: (2,).")):
        tf.summary.scalar("x", [1.0, 2.0], step=1)  # checked even without a writer
    with pytest.raises(TypeError, match="tensor must be of type tf.string; got tf.int32"):
        tf.summary.text("x", 3, step=1)
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        with pytest.raises(ValueError, match=re.escape(
                "Tensor  must have rank 4.  Received rank 3, shape (2, 2, 3)")):
            tf.summary.image("x", np.zeros([2, 2, 3]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x >= 0"):
            tf.summary.image("x", np.zeros([1, 2, 2, 3]), max_outputs=-1)
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="image must have 1, 2, 3, or 4 channels, got 5"):
            tf.summary.image("x", np.zeros([1, 2, 2, 5]))
        with pytest.raises(AttributeError,
                           match="image dtype must be either floating point or integer"):
            tf.summary.image("x", np.zeros([1, 2, 2, 3], np.bool_))
        with pytest.raises(TypeError, match="tensor must be of type tf.int32; got tf.float32"):
            tf.summary.histogram("x", [1.0], buckets=2.5)
        with pytest.raises(TypeError, match="tensor must be of type tf.int32; got tf.int64"):
            tf.summary.histogram("x", [1.0], buckets=np.int64(3))
    writer.close()
    with pytest.raises(ValueError, match="Argument `logdir` cannot be None"):
        tf.summary.create_file_writer(None)
    with pytest.raises(ValueError, match="Invalid argument to flush"):
        tf.summary.flush(writer=3)


def test_closed_writer(tmp_path: pathlib.Path, real: Any) -> None:
    for m in (real, tf):
        writer = m.summary.create_file_writer(str(tmp_path / m.__name__))
        writer.close()
        writer.close()  # a second close does nothing
        writer.flush()
        with pytest.raises(RuntimeError, match="is already closed"):
            writer.as_default()
        with pytest.raises(RuntimeError, match="is already closed"):
            writer.set_as_default()


def _record_if_run(m: Any, logdir: str) -> None:
    writer = m.summary.create_file_writer(logdir)
    step = m.Variable(0, dtype=m.int64)
    with writer.as_default(step=step):
        assert bool(m.summary.should_record_summaries())
        with m.summary.record_if(False):
            assert not bool(m.summary.should_record_summaries())
            assert not bool(m.summary.write("off", 1.0))
        with m.summary.record_if(m.constant(True)):
            assert bool(m.summary.write("tensor", 1.0))
        with m.summary.record_if(lambda: m.equal(step % 2, 0)):
            for _ in range(4):
                m.summary.write("every_other", 1.0)
                step.assign_add(1)
    writer.close()


def test_record_if(tmp_path: pathlib.Path, real: Any) -> None:
    dirs = str(tmp_path / "tf"), str(tmp_path / "ours")
    _record_if_run(real, dirs[0])
    _record_if_run(tf, dirs[1])
    _assert_same_events(real, *dirs)


def test_noop_writer() -> None:
    writer = tf.summary.create_noop_writer()
    assert isinstance(writer, tf.summary.SummaryWriter)
    with writer.as_default(step=4):
        assert tf.summary.experimental.get_step() is None  # TF's noop sets no step
        assert not bool(tf.summary.scalar("a", 1.0))
    writer.set_as_default()
    writer.flush()
    writer.close()
    assert writer.init() is None


def test_nested_as_default(tmp_path: pathlib.Path, real: Any) -> None:
    a = tf.summary.create_file_writer(str(tmp_path / "a"))
    b = tf.summary.create_file_writer(str(tmp_path / "b"))
    with a.as_default(step=10):
        tf.summary.scalar("x", 1.0)
        with b.as_default(step=20):
            tf.summary.scalar("y", 2.0)
        tf.summary.scalar("z", 3.0)
    assert not bool(tf.summary.scalar("none", 1.0, step=1))
    a.close()
    b.close()
    seen_a = [(e.step, e.summary.value[0].tag) for e in _events(real, str(tmp_path / "a"))[1:]]
    seen_b = [(e.step, e.summary.value[0].tag) for e in _events(real, str(tmp_path / "b"))[1:]]
    assert seen_a == [(10, "x"), (10, "z")]
    assert seen_b == [(20, "y")]


def test_set_as_default(tmp_path: pathlib.Path, real: Any) -> None:
    from tftape_torch import _summary_writer

    writer = tf.summary.create_file_writer(str(tmp_path))
    try:
        writer.set_as_default(step=3)
        assert tf.summary.experimental.get_step() == 3
        assert bool(tf.summary.scalar("a", 1.0))
        tf.summary.flush()
        assert [e.step for e in _events(real, str(tmp_path))] == [0, 3]
    finally:
        _summary_writer.set_step(None)
        _summary_writer._STATE.writer = None
        writer.close()


def test_summary_scope(real: Any) -> None:
    for name, default in (("a b/c", "dflt"), (None, "dflt"), ("", "dflt"), ("%%", "dflt")):
        with real.name_scope("outer"):
            with real.summary.experimental.summary_scope(name, default) as expected:
                pass
        with tf.name_scope("outer"):
            with tf.summary.experimental.summary_scope(name, default) as got:
                assert tf.get_current_name_scope() == got[1].rstrip("/")
        assert got == expected


# -- in training loops -----------------------------------------------------------------


def _function_run(m: Any, ops: Any, logdir: str) -> None:
    writer = m.summary.create_file_writer(logdir)
    v = m.Variable(2.0)
    step = m.Variable(0, dtype=m.int64)

    @m.function
    def train(x: Any) -> Any:
        with m.GradientTape() as tape:
            loss = v * v * x
        grad = tape.gradient(loss, v)
        v.assign_sub(0.1 * grad)
        step.assign_add(1)
        ops.scalar("loss", loss, step=step)
        ops.histogram("grad", m.stack([grad, loss]), step=step, buckets=3)
        m.summary.write("fixed_step", x, step=7)
        return loss

    with writer.as_default(), warnings.catch_warnings():
        warnings.simplefilter("error")  # the package's function stays captured
        for _ in range(3):
            train(m.constant(1.0))
    assert train.experimental_get_tracing_count() == 1
    writer.close()


def test_writing_inside_a_tf_function_writes_at_every_call(tmp_path: pathlib.Path,
                                                          real: Any) -> None:
    dirs = str(tmp_path / "tf"), str(tmp_path / "ours")
    _function_run(real, _tb_ops(real), dirs[0])
    _function_run(tf, tf.summary, dirs[1])
    _assert_same_events(real, *dirs)
    assert [s for s, tag, _ in _scalars_or_hist(real, dirs[1]) if tag == "loss"] == [1, 2, 3]


def test_a_training_loop_with_a_gradient_tape(tmp_path: pathlib.Path, real: Any) -> None:
    writer = tf.summary.create_file_writer(str(tmp_path))
    w = tf.Variable([[0.5], [-0.5]])
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    y = tf.constant([[1.0], [2.0]])
    losses = []
    with writer.as_default():
        for step in range(5):
            tf.summary.experimental.set_step(step)
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
            grad = tape.gradient(loss, w)
            w.assign_sub(0.01 * grad)
            losses.append(float(loss))
            tf.summary.scalar("loss", loss)
            tf.summary.histogram("weights", w)
    tf.summary.experimental.set_step(None)
    writer.close()
    got = [(s, v) for s, tag, v in _scalars_or_hist(real, str(tmp_path)) if tag == "loss"]
    assert got == [(s, pytest.approx(v)) for s, v in enumerate(losses)]


def _scalars_or_hist(real: Any, logdir: str) -> Iterator[Any]:
    for e in _events(real, logdir)[1:]:
        value = e.summary.value[0]
        array = real.make_ndarray(value.tensor)
        yield e.step, value.tag, float(array) if array.ndim == 0 else array


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_values(tmp_path: pathlib.Path, real: Any) -> None:
    writer = tf.summary.create_file_writer(str(tmp_path))
    with tf.device("GPU:0"), writer.as_default(step=1):
        value = tf.constant([1.0, 2.0, 4.0])
        assert value.device.type == "cuda"
        tf.summary.scalar("s", tf.reduce_sum(value))
        tf.summary.histogram("h", value, buckets=3)
        tf.summary.image("i", tf.ones([1, 2, 2, 3]))
    writer.close()
    got = list(_scalars_or_hist(real, str(tmp_path)))
    assert got[0][2] == 7.0
    assert got[1][2][:, 2].tolist() == [1.0, 1.0, 1.0]


# -- the namespace -----------------------------------------------------------------------


def test_namespace_and_unsupported_parts() -> None:
    assert "summary" in tf.__all__ and hasattr(tf, "summary")
    for name in ("get_step", "set_step", "summary_scope", "write_raw_pb"):
        assert callable(getattr(tf.summary.experimental, name))
    for call in (lambda: tf.summary.audio("a", tf.zeros([1, 4, 1]), 16000, step=0),
                 lambda: tf.summary.graph(None), lambda: tf.summary.trace_on(),
                 lambda: tf.summary.trace_off(), lambda: tf.summary.trace_export("t")):
        with pytest.raises(UnsupportedError, match="does not support"):
            call()
    with pytest.raises(NotImplementedError):
        tf.summary.trace_on()


def test_functions_that_make_variables_or_nest_write_once_per_call(
        tmp_path: pathlib.Path, real: Any) -> None:
    class Model(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.v: Any = None

        @tf.function
        def __call__(self, x: Any) -> Any:
            if self.v is None:  # made on the first trace: TF traces twice (a check run)
                self.v = tf.Variable(1.0)
            tf.summary.scalar("made", self.v * x, step=1)
            return x

    @tf.function
    def inner(x: Any) -> Any:
        tf.summary.scalar("inner", x, step=2)
        return x * 2

    @tf.function
    def outer(x: Any) -> Any:
        return inner(x) + 1

    writer = tf.summary.create_file_writer(str(tmp_path))
    model = Model()
    with writer.as_default():
        for i in range(3):
            model(tf.constant(float(i)))
        for i in range(2):
            outer(tf.constant(float(i)))
    writer.close()
    assert list(_scalars_or_hist(real, str(tmp_path))) == [
        (1, "made", 0.0), (1, "made", 1.0), (1, "made", 2.0), (2, "inner", 0.0),
        (2, "inner", 1.0)]


def test_lazy_tensors_are_made_only_when_recording(tmp_path: pathlib.Path) -> None:
    calls = []

    def lazy() -> Any:
        calls.append(1)
        return tf.constant(1.0)

    assert not bool(tf.summary.write("a", lazy, step=1))  # no writer
    writer = tf.summary.create_file_writer(str(tmp_path))
    with writer.as_default(step=1):
        with tf.summary.record_if(False):
            assert not bool(tf.summary.write("a", lazy))
            tf.summary.histogram("h", "not numbers")  # never converted
        assert calls == []
        assert bool(tf.summary.write("a", lazy))
    writer.close()
    assert calls == [1]
