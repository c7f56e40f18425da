"""`tf.summary`'s ops: `write`, and TensorBoard's `scalar`, `histogram`, `image` and
`text` as TF 2.21 writes them (its `summary_v2` ops: the same tags, plugin metadata
and tensors).

Each op returns a bool tensor: True when a summary was written, False when no
default writer is set or the recording condition is False. With a default writer, a
step is required (`step=`, or the default step), else `ValueError`. Values may live
on any device: they are read to the host only when a summary is written. Inside a
`tf.function`, a summary op is part of the captured graph, so every call writes
(with the writer and default step found when the function was traced; a
`tf.Variable` step is read at each call).

>>> import tempfile
>>> import tftape_torch as tf
>>> writer = tf.summary.create_file_writer(tempfile.mkdtemp())
>>> with writer.as_default(step=0):
...     print(tf.summary.scalar("loss", 0.25))
...     print(tf.summary.histogram("weights", tf.constant([1.0, 2.0, 2.0]), step=1))
tf.Tensor(True, shape=(), dtype=bool)
tf.Tensor(True, shape=(), dtype=bool)
>>> print(tf.summary.scalar("loss", 0.25, step=1))  # no default writer
tf.Tensor(False, shape=(), dtype=bool)
"""

from __future__ import annotations

import contextlib
import re
import time
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

import torch

from tftape_torch._array_ops import cast, constant, convert_to_tensor, reshape
from tftape_torch._dtypes import dtype_name
from tftape_torch._event_file import encode_event, encode_metadata, encode_tensor, encode_value
from tftape_torch._host_effects import run_and_replay
from tftape_torch._image_color import convert_image_dtype
from tftape_torch._module import get_current_name_scope, name_scope
from tftape_torch._printing import numpy_value
from tftape_torch._summary_payloads import (
    DT_DOUBLE,
    encode_png,
    histogram_buckets,
    is_string_data,
    string_payload,
    string_tensor_proto,
    tensor_proto,
)
from tftape_torch._summary_writer import current_writer, get_step, recording_condition
from tftape_torch._unsupported import UnsupportedError
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "audio",
    "graph",
    "histogram",
    "image",
    "scalar",
    "summary_scope",
    "text",
    "trace_export",
    "trace_off",
    "trace_on",
    "write",
    "write_raw_pb",
]

_NO_STEP = ("No step set. Please specify one either through the `step` argument or "
            "through tf.summary.experimental.set_step()")
_INVALID_SCOPE_CHARACTERS = re.compile(r"[^-_/.A-Za-z0-9]")

#: What a lazily made summary tensor is: the tensors the graph computes, and how to
#: encode them (read on the host) as a `TensorProto`.
Payload = Tuple[List[torch.Tensor], Callable[[Sequence[torch.Tensor]], bytes]]


@contextlib.contextmanager
def summary_scope(name: Optional[str], default_name: str = "summary",
                  values: Any = None) -> Iterator[Tuple[str, str]]:
    """Experimental context manager for use when defining a custom summary op.

    This behaves similarly to `tf.name_scope`, except that it returns a generated
    summary tag in addition to the scope name: `name` prefixed with the enclosing
    name scopes, keeping characters a scope name may not hold.

    >>> import tftape_torch as tf
    >>> with tf.name_scope("train"):
    ...     with tf.summary.experimental.summary_scope("loss (avg)") as (tag, scope):
    ...         print(tag, scope)
    train/loss (avg) train/lossavg/

    Yields:
      A tuple `(tag, scope)`.
    """
    del values
    name = name or default_name
    current = get_current_name_scope()
    tag = current + "/" + name if current else name
    scope_name = _INVALID_SCOPE_CHARACTERS.sub("", name) or default_name
    with name_scope(scope_name) as scope:
        yield tag, scope


def _choose_step(step: Any) -> torch.Tensor:
    """`step` as a scalar int64 tensor (a Variable is read now)."""
    value = convert_to_tensor(step, dtype=torch.int64)
    if value.numel() != 1:
        raise ValueError("Argument `step` must be a scalar. "
                         f"Received step with shape {tuple(value.shape)}.")
    return value


def _metadata_bytes(metadata: Any) -> bytes:
    """Serialized `SummaryMetadata`: bytes, a str, or a proto (`SerializeToString`)."""
    if metadata is None:
        return b""
    if hasattr(metadata, "SerializeToString"):
        return bytes(metadata.SerializeToString())
    if isinstance(metadata, str):
        return metadata.encode("utf-8")
    return bytes(metadata)


def _payload(value: Any) -> Payload:
    """The payload of a `tf.summary.write` tensor (text: a string tensor)."""
    if is_string_data(value):
        shape, items = string_payload(value)
        return [], lambda _: string_tensor_proto(shape, items)
    return [convert_to_tensor(value)], lambda values: tensor_proto(values[0])


def _emit(writer: Any, tag: str, metadata: bytes, payload: Payload, step: torch.Tensor,
          condition: Optional[torch.Tensor]) -> None:
    """Writes the summary now, and again at every call of each `tf.function` graph
    being traced (as `tf.print` does): the graph feeds the replay its tensors."""
    tensors, encode = payload
    count = len(tensors)
    inputs = [*tensors, step] + ([condition] if condition is not None else [])

    def write_summary(*values: torch.Tensor) -> None:
        if count + 1 == len(values) or bool(numpy_value(values[count + 1])):
            summary = encode_value(tag, encode(values[:count]), metadata)
            writer.add_event(encode_event(time.time(), int(numpy_value(values[count])),
                                          summary_values=[summary]))

    run_and_replay(write_summary, inputs)


def _write(tag: str, make: Callable[[], Payload], step: Any, metadata: bytes) -> torch.Tensor:
    """TF's `tf.summary.write` with a lazily made tensor: `make` runs only when a
    summary is recorded."""
    if step is not None:
        step = _choose_step(step)
    writer = current_writer()
    if writer is None:
        return constant(False)
    if step is None:
        step = get_step()
    record, condition = recording_condition()
    if not record:
        return constant(False)
    if step is None:
        raise ValueError(_NO_STEP)
    step = _choose_step(step)
    payload = make()
    _emit(writer, tag, metadata, payload, step, condition)
    if condition is not None:
        return cast(condition, torch.bool)
    return constant(True)


def write(tag: str, tensor: Any, step: Any = None, metadata: Any = None,
          name: Optional[str] = None) -> torch.Tensor:
    """Writes a generic summary to the default SummaryWriter if one exists.

    Args:
      tag: string tag used to identify the summary (e.g. in TensorBoard), usually
        generated with `tf.summary.experimental.summary_scope`.
      tensor: the tensor holding the summary data (text as a `str`, `bytes` or
        nested lists of them), or a callable that returns it, called only when a
        summary is recorded.
      step: Explicit `int64`-castable monotonic step value for this summary. If
        omitted, this defaults to `tf.summary.experimental.get_step()`, which must
        not be None.
      metadata: Optional `SummaryMetadata`, as a proto or serialized bytes.
      name: Ignored (TF's op name).

    Returns:
      True on success, or False if no summary was written because no default
      summary writer was available.

    Raises:
      ValueError: if a default writer exists, but no step was provided and
        `tf.summary.experimental.get_step()` is None.
    """
    del name

    def make() -> Payload:
        return _payload(tensor() if callable(tensor) else tensor)

    return _write(tag, make, step, _metadata_bytes(metadata))


def _plugin_metadata(plugin: str, description: Optional[str]) -> bytes:
    return encode_metadata(plugin, description=description or "")


def scalar(name: str, data: Any, step: Any = None,
           description: Optional[str] = None) -> torch.Tensor:
    """Write a scalar summary (a float32 scalar, plugin `scalars`).

    Args:
      name: A name for this summary, prefixed by any active name scopes.
      data: A real numeric scalar value, convertible to a `float32` Tensor.
      step: Explicit `int64`-castable monotonic step value for this summary, or
        None for `tf.summary.experimental.get_step()`.
      description: Optional long-form description for this summary (Markdown).

    Returns:
      True on success, or False if no summary was written because no default
      summary writer was available.

    Raises:
      ValueError: if `data` is not a scalar, or if a default writer exists but no
        step was provided and `tf.summary.experimental.get_step()` is None.
    """
    metadata = _plugin_metadata("scalars", description)
    with summary_scope(name, "scalar_summary") as (tag, _):
        value = convert_to_tensor(data)
        if value.dim() != 0:
            raise ValueError(f"Expected scalar shape, saw shape: {tuple(value.shape)}.")
        value = cast(value, torch.float32)
        return _write(tag, lambda: ([value], lambda values: tensor_proto(values[0])),
                      step, metadata)


def _bucket_count(buckets: Any) -> int:
    """TF's checks of `buckets`: a scalar int32."""
    if buckets is None:
        return 30
    count = convert_to_tensor(buckets)
    if count.dim() != 0:
        raise ValueError(f"Expected scalar shape, saw shape: {tuple(count.shape)}.")
    if count.dtype != torch.int32:
        raise TypeError(f"tensor must be of type tf.int32; got tf.{dtype_name(count.dtype)}")
    return int(numpy_value(count))


def histogram(name: str, data: Any, step: Any = None, buckets: Optional[int] = None,
              description: Optional[str] = None) -> torch.Tensor:
    """Write a histogram summary (plugin `histograms`).

    The histogram is computed over all the elements of `data`, as TensorBoard's
    `summary_v2` does: a `[buckets, 3]` float64 tensor of `[left_edge, right_edge,
    count]` rows, `buckets` (default 30) equal-width buckets from the minimum to the
    maximum; all zeros when `data` is empty; when every value is the same, all
    edges are that value and only the last bucket counts.

    Returns:
      True on success, or False if no summary was written because no default
      summary writer was available.

    Raises:
      ValueError: if a default writer exists, but no step was provided and
        `tf.summary.experimental.get_step()` is None.
      TypeError: (when recording) if `buckets` is not an int32 scalar.
    """
    metadata = _plugin_metadata("histograms", description)
    with summary_scope(name, "histogram_summary") as (tag, _):

        def make() -> Payload:
            count = _bucket_count(buckets)
            values = cast(reshape(convert_to_tensor(data), [-1]), torch.float64)

            def encode(arrays: Sequence[torch.Tensor]) -> bytes:
                table = histogram_buckets(numpy_value(arrays[0]), count)
                return encode_tensor(DT_DOUBLE, list(table.shape),
                                     table.astype("<f8").tobytes())

            return [values.detach()], encode

        return _write(tag, make, step, metadata)


def _images(data: Any, max_outputs: Any) -> Payload:
    """TensorBoard's image tensor: width, height, then up to `max_outputs` PNGs."""
    images = convert_to_tensor(data)
    if images.dim() != 4:
        raise ValueError(f"Tensor  must have rank 4.  Received rank {images.dim()}, "
                         f"shape {tuple(images.shape)}")
    limit = int(numpy_value(convert_to_tensor(max_outputs)))
    if limit < 0:
        raise InvalidArgumentError(
            None, None, "\nCondition x >= 0 did not hold element-wise:\n"
            f"x (shape=() dtype=int32) = \n{limit}")
    height, width, channels = (int(size) for size in images.shape[1:])
    if channels not in (1, 2, 3, 4):
        raise InvalidArgumentError(
            None, None, f"image must have 1, 2, 3, or 4 channels, got {channels}")
    pixels = convert_image_dtype(images, torch.uint8, saturate=True)[:limit]

    def encode(arrays: Sequence[torch.Tensor]) -> bytes:
        batch = numpy_value(arrays[0])
        items = [str(width).encode(), str(height).encode()]
        items += [encode_png(batch[index]) for index in range(batch.shape[0])]
        return string_tensor_proto([len(items)], items)

    return [pixels.detach()], encode


def image(name: str, data: Any, step: Any = None, max_outputs: Any = 3,
          description: Optional[str] = None) -> torch.Tensor:
    """Write an image summary (plugin `images`).

    `data` is a `[k, h, w, c]` batch (`c` is 1, 2, 3 or 4); floats are in `[0, 1]`
    (`tf.image.convert_image_dtype` scales them to uint8, saturating). The first
    `max_outputs` images are written as PNGs, after the width and height, as a
    string tensor.

    Returns:
      True on success, or False if no summary was written because no default
      summary writer was available.

    Raises:
      ValueError: if a default writer exists, but no step was provided and
        `tf.summary.experimental.get_step()` is None, or (when recording) if `data`
        is not of rank 4.
      InvalidArgumentError: (when recording) if `max_outputs` is negative or the
        images have an unsupported number of channels.
    """
    metadata = _plugin_metadata("images", description)
    with summary_scope(name, "image_summary") as (tag, _):
        return _write(tag, lambda: _images(data, max_outputs), step, metadata)


def text(name: str, data: Any, step: Any = None,
         description: Optional[str] = None) -> torch.Tensor:
    """Write a text summary (plugin `text`).

    `data` is text: a `str` (or `bytes`), or nested lists (or a NumPy array) of
    them, written as a string tensor of that shape (the package has no string
    tensors).

    >>> import tempfile
    >>> import tftape_torch as tf
    >>> with tf.summary.create_file_writer(tempfile.mkdtemp()).as_default(step=0):
    ...     print(tf.summary.text("notes", [["a", "b"], ["c", "d"]]))
    tf.Tensor(True, shape=(), dtype=bool)

    Raises:
      TypeError: if `data` is not text.
      ValueError: if a default writer exists, but no step was provided and
        `tf.summary.experimental.get_step()` is None.
    """
    metadata = _plugin_metadata("text", description)
    with summary_scope(name, "text_summary") as (tag, _):
        shape, items = string_payload(data)
        return _write(tag, lambda: ([], lambda _: string_tensor_proto(shape, items)),
                      step, metadata)


def write_raw_pb(tensor: Any, step: Any = None, name: Optional[str] = None) -> torch.Tensor:
    """Writes a summary using raw `tf.compat.v1.Summary` protocol buffers.

    `tensor` holds serialized `Summary` protos (bytes, or a list of them; protos
    with `SerializeToString` also do): they are written, unchecked, as one event
    whose summary holds all their values (TF merges them).

    Raises:
      ValueError: if a default writer exists, but no step was provided and
        `tf.summary.experimental.get_step()` is None.
    """
    del name
    if step is not None:
        step = _choose_step(step)
    writer: Any = current_writer()
    if writer is None:
        return constant(False)
    if step is None:
        step = get_step()
        if step is None:
            raise ValueError(_NO_STEP)
    record, condition = recording_condition()
    if not record:
        return constant(False)
    items = tensor if isinstance(tensor, (list, tuple)) else [tensor]
    protos = [_metadata_bytes(item) for item in items]
    inputs = [_choose_step(step)] + ([condition] if condition is not None else [])

    def write_protos(*values: torch.Tensor) -> None:
        if len(values) == 1 or bool(numpy_value(values[1])):
            writer.add_event(encode_event(time.time(), int(numpy_value(values[0])),
                                          raw_summary=b"".join(protos)))

    run_and_replay(write_protos, inputs)
    return constant(True) if condition is None else cast(condition, torch.bool)


def _unsupported(what: str, instead: str) -> UnsupportedError:
    return UnsupportedError(f"tftape_torch does not support {what}; {instead}.")


def audio(name: str, data: Any, sample_rate: Any, step: Any = None, max_outputs: Any = 3,
          encoding: Any = None, description: Optional[str] = None) -> Any:
    """Not supported: raises `UnsupportedError`."""
    raise _unsupported("`tf.summary.audio` (WAV summaries)",
                       "write `tf.summary.scalar`s, or use "
                       "`torch.utils.tensorboard.SummaryWriter.add_audio`")


def graph(graph_data: Any) -> Any:
    """Not supported: raises `UnsupportedError` (there are no `tf.Graph`s here)."""
    raise _unsupported("`tf.summary.graph` (there are no TF GraphDefs here)",
                       "in torch, use `torch.utils.tensorboard.SummaryWriter.add_graph`")


def trace_on(graph: bool = True, profiler: bool = False, profiler_outdir: Any = None) -> Any:
    """Not supported: raises `UnsupportedError`."""
    raise _unsupported("`tf.summary.trace_on` (graph and profiler traces)",
                       "in torch, use `torch.profiler.profile`")


def trace_export(name: str, step: Any = None, profiler_outdir: Any = None) -> Any:
    """Not supported: raises `UnsupportedError`."""
    raise _unsupported("`tf.summary.trace_export` (graph and profiler traces)",
                       "in torch, use `torch.profiler.profile`")


def trace_off() -> Any:
    """Not supported: raises `UnsupportedError`."""
    raise _unsupported("`tf.summary.trace_off` (graph and profiler traces)",
                       "in torch, use `torch.profiler.profile`")
