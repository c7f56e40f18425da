"""`tf.summary`'s writers and per-thread state: the default writer, the default step
and the recording condition.

`tf.summary.create_file_writer(logdir)` makes a writer with a new event file in
`logdir`; `writer.as_default()` makes it the thread's default writer (and, given a
`step`, sets the default step) for the `with` block, and flushes it at the end;
`set_as_default()` does so for good. Summaries are only written while a default
writer is set and the condition of `tf.summary.record_if` (True by default) holds.

>>> import tempfile
>>> import tftape_torch as tf
>>> writer = tf.summary.create_file_writer(tempfile.mkdtemp())
>>> with writer.as_default(step=3):
...     print(tf.summary.experimental.get_step())
...     print(tf.summary.should_record_summaries())
...     with tf.summary.record_if(False):
...         print(tf.summary.should_record_summaries())
3
tf.Tensor(True, shape=(), dtype=bool)
tf.Tensor(False, shape=(), dtype=bool)
>>> print(tf.summary.experimental.get_step())
None
>>> writer.close()
"""

from __future__ import annotations

import contextlib
import os
import threading
from typing import Any, Iterator, Literal, Optional, Tuple

import torch

from tftape_torch._array_ops import cast, constant, convert_to_tensor
from tftape_torch._event_file import EventFileWriter

__all__ = [
    "SummaryWriter",
    "create_file_writer",
    "create_noop_writer",
    "current_writer",
    "flush",
    "get_step",
    "recording_condition",
    "record_if",
    "set_step",
    "should_record_summaries",
]


class _SummaryState(threading.local):
    """TF's `_summary_state`: per thread, the default writer, step and condition."""

    def __init__(self) -> None:
        super().__init__()
        self.is_recording: Any = None
        self.writer: Optional[SummaryWriter] = None
        self.step: Any = None


_STATE = _SummaryState()


class _SummaryContextManager:
    """What `SummaryWriter.as_default()` returns (a class, so that `set_as_default`
    can be `as_default().__enter__()`)."""

    def __init__(self, writer: SummaryWriter, step: Any = None) -> None:
        self._writer = writer
        self._step = step
        self._old_writer: Optional[SummaryWriter] = None
        self._old_step: Any = None

    def __enter__(self) -> SummaryWriter:
        self._old_writer = _STATE.writer
        _STATE.writer = self._writer
        if self._step is not None:
            self._old_step = _STATE.step
            _STATE.step = self._step
        return self._writer

    def __exit__(self, *exc: Any) -> Literal[False]:
        if _STATE.writer is not None:
            _STATE.writer.flush()
        _STATE.writer = self._old_writer
        if self._step is not None:
            _STATE.step = self._old_step
        return False


class SummaryWriter:
    """Interface representing a stateful summary writer object."""

    def set_as_default(self, step: Any = None) -> None:
        """Enables this summary writer for the current thread (and, when `step` is
        not None, makes it the default step)."""
        self.as_default(step).__enter__()

    def as_default(self, step: Any = None) -> Any:
        """A context manager that makes this writer the thread's default writer
        (and `step`, when not None, the default step) and flushes it on exit."""
        return _SummaryContextManager(self, step)

    def init(self) -> Any:
        """Initializes the summary writer."""
        raise NotImplementedError()

    def flush(self) -> Any:
        """Flushes any buffered data."""
        raise NotImplementedError()

    def close(self) -> Any:
        """Flushes and closes the summary writer."""
        raise NotImplementedError()


class _FileSummaryWriter(SummaryWriter):
    """A writer appending to one event file (TF's `_ResourceSummaryWriter`)."""

    def __init__(self, logdir: str, max_queue: int, flush_millis: int,
                 filename_suffix: str) -> None:
        self._events: Optional[EventFileWriter] = None
        self._events = EventFileWriter(logdir, max_queue, flush_millis, filename_suffix)
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"SummaryWriter {self!r} is already closed")

    def set_as_default(self, step: Any = None) -> None:
        """See `SummaryWriter.set_as_default`."""
        self._check_open()
        super().set_as_default(step)

    def as_default(self, step: Any = None) -> Any:
        """See `SummaryWriter.as_default`."""
        self._check_open()
        return super().as_default(step)

    def init(self) -> None:
        """See `SummaryWriter.init` (the event file is made with the writer)."""
        self._check_open()

    def flush(self) -> None:
        """See `SummaryWriter.flush`."""
        if not self._closed and self._events is not None:
            self._events.flush()

    def close(self) -> None:
        """See `SummaryWriter.close`."""
        if self._closed:
            return
        self._closed = True
        if self._events is not None:
            self._events.close()

    def add_event(self, event: bytes) -> None:
        """Queues a serialized `Event` (dropped once the writer is closed)."""
        if not self._closed and self._events is not None:
            self._events.add_event(event)

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001  (interpreter shutdown)
            pass


class _NoopSummaryWriter(SummaryWriter):
    """A summary writer that does nothing, for `create_noop_writer()`."""

    def set_as_default(self, step: Any = None) -> None:
        pass

    @contextlib.contextmanager
    def as_default(self, step: Any = None) -> Iterator[None]:
        yield

    def init(self) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def _int_arg(value: Any, default: int) -> int:
    if value is None:
        return default
    return int(convert_to_tensor(value))


def create_file_writer(logdir: Any, max_queue: Any = None, flush_millis: Any = None,
                       filename_suffix: Any = None, name: Optional[str] = None,
                       experimental_trackable: bool = False,
                       experimental_mesh: Any = None) -> SummaryWriter:
    """Creates a summary file writer for the given log directory.

    The directory is created if needed, and a new event file
    (`events.out.tfevents.<time>.<host>.<pid>.<n><filename_suffix>`) is opened in it
    at once. `max_queue` (10) events are kept before they are written;
    `flush_millis` (120,000) is the longest time between writes; `filename_suffix`
    defaults to `.v2`. `name`, `experimental_trackable` and `experimental_mesh` are
    accepted and ignored.

    Raises:
      ValueError: if `logdir` is None.
    """
    del name, experimental_trackable, experimental_mesh
    if logdir is None:
        raise ValueError("Argument `logdir` cannot be None")
    if isinstance(logdir, torch.Tensor):
        raise TypeError("tftape_torch has no string tensors: pass `logdir` as a str")
    suffix = ".v2" if filename_suffix is None else str(filename_suffix)
    return _FileSummaryWriter(os.fspath(logdir), _int_arg(max_queue, 10),
                              _int_arg(flush_millis, 120000), suffix)


def create_noop_writer() -> SummaryWriter:
    """Returns a summary writer that does nothing.

    This is useful as a placeholder in code that expects a context manager.
    """
    return _NoopSummaryWriter()


def current_writer() -> Optional[SummaryWriter]:
    """The thread's default writer, or None."""
    return _STATE.writer


def get_step() -> Any:
    """Returns the default summary step for the current thread.

    Returns:
      The step set by `tf.summary.experimental.set_step()` if one has been set,
      otherwise None.
    """
    return _STATE.step


def set_step(step: Any) -> None:
    """Sets the default summary step for the current thread.

    The value can be a constant or a `tf.Variable` (read at each write), or None
    to unset it.
    """
    _STATE.step = step


@contextlib.contextmanager
def record_if(condition: Any) -> Iterator[None]:
    """Sets summary recording on or off per the provided boolean value.

    `condition` can be True, False, a bool tensor, or a callable returning one
    (called at each summary, so that a condition such as `step % 100 == 0` is
    decided when the summary is written).
    """
    old = _STATE.is_recording
    try:
        _STATE.is_recording = condition
        yield
    finally:
        _STATE.is_recording = old


def recording_condition() -> Tuple[bool, Optional[torch.Tensor]]:
    """(False, None) when nothing is recorded for sure, else (True, the condition
    as a bool tensor, or None for "always")."""
    if _STATE.writer is None:
        return False, None
    condition = _STATE.is_recording
    if callable(condition):
        condition = condition()
    if condition is None:
        return True, None
    if isinstance(condition, (bool, int)):
        return bool(condition), None
    return True, convert_to_tensor(condition)


def should_record_summaries() -> torch.Tensor:
    """Returns boolean Tensor which is True if summaries will be recorded.

    If no default summary writer is currently registered, this always returns
    False. Otherwise, this reflects the recording condition has been set via
    `tf.summary.record_if()`. If no recording condition is active, it defaults to
    True.
    """
    record, condition = recording_condition()
    if condition is not None:
        return cast(condition, torch.bool)
    return constant(record)


def flush(writer: Any = None, name: Any = None) -> None:
    """Forces summary writer to send any buffered data to storage.

    Args:
      writer: The `tf.summary.SummaryWriter` to flush. If None, the current
        default writer will be used instead; if there is no current writer, this
        does nothing.
      name: Ignored legacy argument for a name for the operation.

    Raises:
      ValueError: if `writer` is not a `SummaryWriter`.
    """
    del name
    if writer is None:
        writer = _STATE.writer
        if writer is None:
            return
    if isinstance(writer, SummaryWriter):
        writer.flush()
        return
    raise ValueError(f"Invalid argument to flush(): {writer!r}")
