"""The `checkpoint` state file of a checkpoint directory, and the functions that read it:
`tf.train.get_checkpoint_state`, `latest_checkpoint` and `checkpoints_iterator`.

The file is TF's: a `CheckpointState` message in protobuf text format, naming the
newest checkpoint and the ones kept, paths relative to the directory where they lie in
it. `get_checkpoint_state` returns it with every path joined to the directory, as TF's.

>>> import os, tempfile
>>> import tftape_torch as tf
>>> directory = tempfile.mkdtemp()
>>> write_state(directory, os.path.join(directory, "ckpt-2"),
...             [os.path.join(directory, p) for p in ("ckpt-1", "ckpt-2")])
>>> state = tf.train.get_checkpoint_state(directory)
>>> os.path.basename(state.model_checkpoint_path), len(state.all_model_checkpoint_paths)
('ckpt-2', 2)
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any, Callable, Iterator, List, Optional

__all__ = [
    "INDEX_SUFFIX",
    "CheckpointState",
    "checkpoints_iterator",
    "get_checkpoint_state",
    "latest_checkpoint",
    "write_state",
]

#: A checkpoint prefix's index file (its presence is what makes the checkpoint exist).
INDEX_SUFFIX = ".index"
_STATE_FILENAME = "checkpoint"
_LOG = logging.getLogger("tensorflow")


class CheckpointState:
    """What a directory's `checkpoint` file records (TF's `CheckpointState` message).

    Prints as TF prints the message (protobuf text format; fields at their defaults
    are left out).

    >>> state = CheckpointState("d/ckpt-2", ["d/ckpt-1", "d/ckpt-2"])
    >>> print(state)
    model_checkpoint_path: "d/ckpt-2"
    all_model_checkpoint_paths: "d/ckpt-1"
    all_model_checkpoint_paths: "d/ckpt-2"
    <BLANKLINE>

    Attributes:
      model_checkpoint_path: the newest checkpoint's prefix.
      all_model_checkpoint_paths: the prefixes of the checkpoints kept, oldest first.
      all_model_checkpoint_timestamps: when each of them was written (seconds since
        the epoch), where the writer recorded it.
      last_preserved_timestamp: when the last checkpoint kept for good
        (`keep_checkpoint_every_n_hours`) was written, or 0.0.
    """

    def __init__(self, model_checkpoint_path: str = "",
                 all_model_checkpoint_paths: Optional[List[str]] = None,
                 all_model_checkpoint_timestamps: Optional[List[float]] = None,
                 last_preserved_timestamp: float = 0.0) -> None:
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths or [])
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps or [])
        self.last_preserved_timestamp = last_preserved_timestamp

    def __str__(self) -> str:
        lines = []
        if self.model_checkpoint_path:
            lines.append(f"model_checkpoint_path: {_quoted(self.model_checkpoint_path)}")
        lines += [f"all_model_checkpoint_paths: {_quoted(p)}"
                  for p in self.all_model_checkpoint_paths]
        lines += [f"all_model_checkpoint_timestamps: {_number(t)}"
                  for t in self.all_model_checkpoint_timestamps]
        if self.last_preserved_timestamp:
            lines.append(f"last_preserved_timestamp: {_number(self.last_preserved_timestamp)}")
        return "".join(line + "\n" for line in lines)

    __repr__ = __str__

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, CheckpointState) and str(self) == str(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, as TF's messages


CheckpointState.__module__ = "tftape_torch.train"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(value: float) -> str:
    """A double as protobuf's text format writes it (`3`, `1796470345.9243274`)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def write_state(directory: str, latest: str, all_paths: List[str],
                timestamps: Optional[List[float]] = None,
                last_preserved: Optional[float] = None) -> None:
    """Write `directory`'s `checkpoint` file: `latest` and `all_paths` (relative to
    `directory` where they lie in it), with their `timestamps` if given."""
    state = CheckpointState(_relative(directory, latest),
                            [_relative(directory, p) for p in all_paths],
                            timestamps or [], last_preserved or 0.0)
    os.makedirs(directory or ".", exist_ok=True)
    with open(os.path.join(directory or ".", _STATE_FILENAME), "w", encoding="utf-8") as f:
        f.write(str(state))


def _relative(directory: str, path: str) -> str:
    rel = os.path.relpath(path, directory or ".")
    return path if rel.startswith("..") else rel


# `field: "text"` or `field: number`, one per line (what TF and this module write).
_FIELD = re.compile(r'^\s*(\w+)\s*:\s*(?:"((?:[^"\\]|\\.)*)"|([-+0-9.eE]+|inf|nan))\s*$')
_STRING_FIELDS = ("model_checkpoint_path", "all_model_checkpoint_paths")
_NUMBER_FIELDS = ("all_model_checkpoint_timestamps", "last_preserved_timestamp")


class _ParseError(Exception):
    pass


def _parse(text: str) -> CheckpointState:
    state = CheckpointState()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _FIELD.match(line)
        field = match.group(1) if match else line.split(":")[0].strip().split()[0]
        if field not in _STRING_FIELDS + _NUMBER_FIELDS:
            raise _ParseError(f'{number}:1 : Message type "tensorflow.CheckpointState" has '
                              f'no field named "{field}".')
        if match is None or (match.group(2) is None) != (field in _NUMBER_FIELDS):
            raise _ParseError(f"{number}:1 : Couldn't parse the value of field \"{field}\".")
        if field == "model_checkpoint_path":
            state.model_checkpoint_path = re.sub(r"\\(.)", r"\1", match.group(2))
        elif field == "all_model_checkpoint_paths":
            state.all_model_checkpoint_paths.append(re.sub(r"\\(.)", r"\1", match.group(2)))
        elif field == "all_model_checkpoint_timestamps":
            state.all_model_checkpoint_timestamps.append(float(match.group(3)))
        else:
            state.last_preserved_timestamp = float(match.group(3))
    return state


def get_checkpoint_state(checkpoint_dir: Any,
                         latest_filename: Optional[str] = None) -> Optional[CheckpointState]:
    """What `checkpoint_dir`'s state file (`checkpoint`, or `latest_filename`) records,
    relative paths joined to `checkpoint_dir`; None where there is no such file, or
    (with TF's warnings) one that does not parse.

    >>> import tempfile
    >>> import tftape_torch as tf
    >>> print(tf.train.get_checkpoint_state(tempfile.mkdtemp()))
    None

    Raises:
      ValueError: for a state file that names no newest checkpoint.
    """
    directory = os.fspath(checkpoint_dir)
    filename = os.path.join(directory, latest_filename or _STATE_FILENAME)
    if not os.path.isfile(filename):
        return None
    try:
        with open(filename, encoding="utf-8") as f:
            state = _parse(f.read())
    except (OSError, UnicodeDecodeError, _ParseError) as error:
        kind = "ParseError" if isinstance(error, _ParseError) else type(error).__name__
        _LOG.warning("%s: %s", kind, error)
        _LOG.warning("%s: Checkpoint ignored", filename)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + directory)
    state.model_checkpoint_path = _joined(directory, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [_joined(directory, p)
                                        for p in state.all_model_checkpoint_paths]
    return state


def _joined(directory: str, path: str) -> str:
    return path if os.path.isabs(path) else os.path.join(directory, path)


def latest_checkpoint(checkpoint_dir: Any, latest_filename: Optional[str] = None) -> Optional[str]:
    """The prefix of the newest checkpoint recorded in `checkpoint_dir`, or None (no
    state file, or the checkpoint it names is gone).

    >>> import tempfile
    >>> import tftape_torch as tf
    >>> print(tf.train.latest_checkpoint(tempfile.mkdtemp()))
    None

    Raises:
      ValueError: for a state file that names no newest checkpoint.
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not state.model_checkpoint_path:
        return None
    if os.path.isfile(state.model_checkpoint_path + INDEX_SUFFIX):
        return state.model_checkpoint_path
    _LOG.error("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None


def _wait_for_new_checkpoint(checkpoint_dir: Any, last_checkpoint: Optional[str],
                             seconds_to_sleep: float = 1, timeout: Optional[float] = None
                             ) -> Optional[str]:
    _LOG.info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        path = latest_checkpoint(checkpoint_dir)
        if path is None or path == last_checkpoint:
            if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
                return None
            time.sleep(seconds_to_sleep)
        else:
            _LOG.info("Found new checkpoint at %s", path)
            return path


def checkpoints_iterator(checkpoint_dir: Any, min_interval_secs: float = 0,
                         timeout: Optional[float] = None,
                         timeout_fn: Optional[Callable[[], bool]] = None) -> Iterator[str]:
    """Yields each new checkpoint of `checkpoint_dir` as it appears (the newest one
    first, then each newer one), waiting at least `min_interval_secs` between two.

    Checks once a second. With `timeout`, a wait longer than `timeout` seconds ends
    the iteration, unless `timeout_fn` is given and returns False (wait again).

    >>> import os, tempfile
    >>> import tftape_torch as tf
    >>> directory = tempfile.mkdtemp()
    >>> manager = tf.train.CheckpointManager(tf.train.Checkpoint(), directory, 2)
    >>> path = manager.save()
    >>> [os.path.basename(p) for p in tf.train.checkpoints_iterator(directory, timeout=0)]
    ['ckpt-1']
    """
    path: Optional[str] = None
    while True:
        new_path = _wait_for_new_checkpoint(checkpoint_dir, path, timeout=timeout)
        if new_path is None:
            if not timeout_fn:
                _LOG.info("Timed-out waiting for a checkpoint.")
                return
            if timeout_fn():
                return
            continue
        start = time.time()
        path = new_path
        yield path
        remaining = start + min_interval_secs - time.time()
        if remaining > 0:
            time.sleep(remaining)

