"""A `tf.train.Checkpoint`'s files: the payload `_checkpoint_graph.collect` makes,
written as TF's own checkpoint (TensorBundle, `_checkpoint_bundle`) with TF's object
graph, and checkpoints read back, TF's and this package's alike.

NOTE (what is saved beyond TF, and how). Variables are saved as TF saves them, so TF
reads the files and restores them. The states this package saves that TF has no
tensor for are saved under the keys `_checkpoint_graph` gives them, which TF lists but
never restores (no TF object asks for them): a `tf.data` iterator's position as an
int64 tensor (`.ATTRIBUTES/ITERATOR_STATE`; TF saves an iterator as a variant tensor
of its buffers, which cannot be made here), and a torch module's or optimizer's
`state_dict()` as a string scalar of `torch.save` bytes
(`.ATTRIBUTES/TORCH_STATE_DICT`, read back with `torch.load(weights_only=True)`),
since a state dict may hold non-tensor entries. Checkpoints written by earlier
versions of this package (`torch.save` files, recognised by their zip header) are
still read.

>>> import os, tempfile
>>> import tftape_torch as tf
>>> from tftape_torch._checkpoint_graph import collect
>>> prefix = os.path.join(tempfile.mkdtemp(), "c")
>>> write_checkpoint(prefix, collect(tf.train.Checkpoint(v=tf.Variable([1.0, 2.0]))))
>>> saved = SavedCheckpoint(prefix)
>>> saved.keys()
['_CHECKPOINTABLE_OBJECT_GRAPH', 'v/.ATTRIBUTES/VARIABLE_VALUE']
>>> saved.value("v/.ATTRIBUTES/VARIABLE_VALUE")
tensor([1., 2.])
"""

from __future__ import annotations

import io
import os
from typing import Any, Dict, List, Optional, Tuple

import torch

from tftape_torch import errors
from tftape_torch._checkpoint_bundle import (
    DATA_SUFFIX,
    DT_STRING,
    INDEX_SUFFIX,
    BundleReader,
    Value,
    dtype_name,
    torch_dtype,
    write_bundle,
)
from tftape_torch._checkpoint_graph import FORMAT, STATE
from tftape_torch._checkpoint_proto import GraphNode, decode_object_graph, encode_object_graph
from tftape_torch._checkpoint_sstable import TableError

__all__ = ["GRAPH_KEY", "SavedCheckpoint", "not_found", "write_checkpoint"]

GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"
_ZIP_MAGIC = b"PK\x03\x04"


def _state_bytes(state: Any) -> bytes:
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def write_checkpoint(prefix: str, payload: Dict[str, Any]) -> None:
    """Write `payload` (from `collect`) as TF's checkpoint `prefix`: the values in the
    order of their objects' node ids, then the object graph, as TF orders them."""
    values: List[Tuple[str, Value]] = []
    for key, value in payload["values"].items():
        values.append((key, _state_bytes(value) if key.endswith(STATE) else value))
    nodes = [GraphNode(children=list(edges), attributes=[attribute] if attribute else [])
             for edges, attribute in payload["nodes"]]
    values.append((GRAPH_KEY, encode_object_graph(nodes)))
    write_bundle(prefix, values)


def not_found(path: str) -> errors.NotFoundError:
    return errors.NotFoundError(
        None, None,
        f"Error when restoring from checkpoint or SavedModel at {path}: Unsuccessful "
        f"TensorSliceReader constructor: Failed to find any matching files for {path}\n"
        "Please double-check that the path is correct. You may be missing the checkpoint "
        "suffix (e.g. the '-1' in 'path/to/ckpt-1').",
    )


class SavedCheckpoint:
    """The checkpoint at `path`: its keys, each key's shape and dtype, its values (read
    on demand) and its object graph.

    Raises:
      tf.errors.NotFoundError: if there is no checkpoint at `path`.
      tf.errors.OpError: for an index file that is not a checkpoint's (TF's messages).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        if not os.path.isfile(path + INDEX_SUFFIX):
            raise not_found(path)
        with open(path + INDEX_SUFFIX, "rb") as file:
            head = file.read(4)
        self._legacy: Optional[Dict[str, Any]] = None
        self._bundle: Optional[BundleReader] = None
        self._cache: Dict[str, Any] = {}
        if head == _ZIP_MAGIC:
            self._legacy = self._read_legacy(path)
        else:
            self._bundle = BundleReader(path)
        self._nodes: Optional[List[GraphNode]] = None

    @staticmethod
    def _read_legacy(path: str) -> Dict[str, Any]:
        if not os.path.isfile(path + DATA_SUFFIX):
            raise errors.OpError(None, None, f"{path}{DATA_SUFFIX}; No such file or directory",
                                 errors.UNKNOWN)
        payload: Dict[str, Any] = torch.load(path + DATA_SUFFIX, weights_only=True)
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise errors.DataLossError(
                None, None, f"Unable to open table file {path}: not a tftape_torch checkpoint")
        return payload

    @property
    def legacy(self) -> Optional[Dict[str, Any]]:
        """The payload of a checkpoint in this package's former format, else None."""
        return self._legacy

    def keys(self) -> List[str]:
        """Every key, sorted (the object graph's included)."""
        if self._bundle is not None:
            return self._bundle.keys()
        assert self._legacy is not None
        return sorted([GRAPH_KEY, *self._legacy["values"]])

    def __contains__(self, key: str) -> bool:
        if self._bundle is not None:
            return key in self._bundle.entries and not key.startswith("\x00")
        assert self._legacy is not None
        return key == GRAPH_KEY or key in self._legacy["values"]

    def shape(self, key: str) -> List[int]:
        if self._bundle is not None:
            return list(self._bundle.entries[key].shape or [])
        assert self._legacy is not None
        value = self._legacy["values"].get(key)
        return list(value.shape) if isinstance(value, torch.Tensor) else []

    def dtype(self, key: str) -> Optional[torch.dtype]:
        """The torch dtype of a tensor's key; None for strings and others."""
        if self._bundle is not None:
            return torch_dtype(self._bundle.entries[key].dtype)
        assert self._legacy is not None
        value = self._legacy["values"].get(key)
        return value.dtype if isinstance(value, torch.Tensor) else None

    def dtype_name(self, key: str) -> str:
        """TF's name of the dtype of `key` (`DT_FLOAT`, `DT_STRING`, ...)."""
        if self._bundle is not None:
            number = self._bundle.entries[key].dtype
        else:
            dtype = self.dtype(key)
            number = DT_STRING if dtype is None else next(
                n for n in range(1, 24) if torch_dtype(n) == dtype)
        name = dtype_name(number)
        return "DT_" + {"float32": "FLOAT", "float64": "DOUBLE", "float16": "HALF"}.get(
            name, name.upper())

    def value(self, key: str) -> Any:
        """The value saved under `key` (a state dict for a torch state's key).

        Raises:
          tf.errors.NotFoundError: for a key the checkpoint does not have.
          tf.errors.DataLossError: for a value whose checksum does not match.
        """
        if key in self._cache:
            return self._cache[key]
        if self._legacy is not None:
            if key == GRAPH_KEY:
                return b""
            values = self._legacy["values"]
            if key not in values:
                raise errors.NotFoundError(None, None, f"Key {key} not found in checkpoint")
            return values[key]
        assert self._bundle is not None
        value: Any = self._bundle.read(key)
        if key.endswith(STATE) and isinstance(value, bytes):
            value = torch.load(io.BytesIO(value), weights_only=True)
        if key != GRAPH_KEY:
            self._cache[key] = value
        return value

    @property
    def nodes(self) -> Optional[List[GraphNode]]:
        """The saved object graph, or None (a former-format checkpoint, or none saved).

        Raises:
          tf.errors.DataLossError: for an object graph that cannot be parsed.
          IndexError: for a data file cut short (as TF's reader raises).
        """
        if self._nodes is None and self._bundle is not None and GRAPH_KEY in self:
            try:
                raw = self._bundle.read(GRAPH_KEY)
            except errors.OutOfRangeError as error:  # TF's reader: an IndexError
                raise IndexError(error.message) from None
            try:
                self._nodes = decode_object_graph(raw if isinstance(raw, bytes) else b"")
            except (TableError, UnicodeDecodeError) as error:
                raise errors.DataLossError(
                    None, None, f"Unable to parse the object graph of checkpoint "
                    f"{self.path}: {error}") from None
        return self._nodes
