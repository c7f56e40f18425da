"""`tf.train`: `Checkpoint`, `CheckpointManager` and the checkpoint directory's state
(`latest_checkpoint`, `get_checkpoint_state`, `checkpoints_iterator`), as in TF 2.21.

A `Checkpoint` saves the variables reachable from the objects it is given (modules,
their sub-modules, lists and dicts of them, variables) and restores them by *object
graph*: a variable is restored from the value saved at the same path of attribute
names (`model/layers/0/w`), whatever the variable's own name. Objects that do not
exist yet when `restore` runs are restored when they are assigned later (TF's
restore-on-create), for attributes of `tf.Module`s and of the `Checkpoint` itself.

>>> import os, tempfile
>>> import tftape_torch as tf
>>> model = tf.Module()
>>> model.w = tf.Variable([1.0, 2.0])
>>> ckpt = tf.train.Checkpoint(model=model)
>>> path = ckpt.save(os.path.join(tempfile.mkdtemp(), "ckpt"))
>>> os.path.basename(path)
'ckpt-1'
>>> _ = model.w.assign([0.0, 0.0])
>>> ckpt.restore(path).assert_consumed()  # doctest: +ELLIPSIS
<...CheckpointLoadStatus object at ...>
>>> print(model.w)
<tf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>

Files: `save(prefix)` writes `prefix-N.index` and `prefix-N.data-00000-of-00001` and a
`checkpoint` state file beside them, in TF's own checkpoint format (TensorBundle; see
`_checkpoint_bundle`) with TF's object graph under `_CHECKPOINTABLE_OBJECT_GRAPH`: TF
restores these files (`tf.train.Checkpoint(...).restore(path)`) and its tools list
them, and this module restores and reads checkpoints TF wrote (pre-trained weights),
by their object graph. For variables and `tf.Module` trees the files are byte for byte
TF's. Checkpoints of this package's earlier `torch.save` format are still read.

What is saved, under which keys, is `_checkpoint_graph`'s: Keras 3 layers and
optimizers by their variables (TF's keys where Keras on TF has the same attributes, and
restored when an unbuilt one is built, as TF defers), `tf.data` iterators by their
position, `tf.random.Generator`s by their state, and (beyond TF) any other
`torch.nn.Module` or `torch.optim.Optimizer` through its `state_dict()`.

Differences from TF: restore-on-create reaches items appended after `restore` to a list
assigned to a `Checkpoint` (a `ListWrapper`, as in TF), but not to a list attribute of
a `tf.Module` (TF wraps those too); an iterator is restored by replaying its
dataset up to the saved position, so a pipeline that reshuffles each epoch goes on in
a new epoch's order (TF restores the exact buffer); status messages of `assert_*`
follow TF's wording for variables but not its full object-graph dump. TF restores the
variables of these files but not the iterator, generator and torch states (saved under
keys TF ignores; see `_checkpoint_files`). A Keras model's saved object graph has its
layers and variables but not the empty bookkeeping lists Keras on TF adds as nodes, so
its `.index` differs from TF's while its keys, dtypes and shapes are TF's.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from typing import Any, Dict, List, Optional, Set, Tuple

import torch

from tftape_torch import errors
from tftape_torch._checkpoint_files import SavedCheckpoint, not_found, write_checkpoint
from tftape_torch._checkpoint_graph import (
    VALUE,
    ListWrapper,
    children,
    collect,
    escape,
    is_container,
    is_trackable,
    leaf_suffix,
    restore_leaf,
    saves_nothing,
    walk,
    when_built,
)
from tftape_torch._checkpoint_options import CheckpointOptions, run_write_callbacks
from tftape_torch._checkpoint_state import (
    INDEX_SUFFIX,
    CheckpointState,
    checkpoints_iterator,
    get_checkpoint_state,
    latest_checkpoint,
    write_state,
)
from tftape_torch._module import PENDING_RESTORE, Module, run_pending_restore
from tftape_torch._moving_averages import ExponentialMovingAverage
from tftape_torch._printing import numpy_value
from tftape_torch._variable import Variable

__all__ = [
    "Checkpoint",
    "CheckpointManager",
    "CheckpointOptions",
    "ExponentialMovingAverage",
    "checkpoints_iterator",
    "get_checkpoint_state",
    "latest_checkpoint",
    "list_variables",
    "load_checkpoint",
    "load_variable",
]

_DATA_SUFFIX = ".data-00000-of-00001"
_INDEX_SUFFIX = INDEX_SUFFIX


# ---------------------------------------------------------------------------
# Files


def _write(prefix: str, payload: Dict[str, Any]) -> str:
    write_checkpoint(prefix, payload)
    return prefix


def _read(path: str) -> SavedCheckpoint:
    return SavedCheckpoint(os.fspath(path))


def _remove_checkpoint(prefix: str) -> None:
    for suffix in (_INDEX_SUFFIX, _DATA_SUFFIX):
        try:
            os.remove(prefix + suffix)
        except OSError:
            pass


def _numpy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return numpy_value(value.clone())
    return value


def list_variables(ckpt_dir_or_file: str) -> List[Tuple[str, List[int]]]:
    """`(key, shape)` of every value in a checkpoint (a file prefix or a directory),
    sorted by key, the object graph's key included, as TF lists them.

    >>> import os, tempfile
    >>> import tftape_torch as tf
    >>> path = tf.train.Checkpoint(w=tf.Variable([1.0, 2.0])).write(
    ...     os.path.join(tempfile.mkdtemp(), "l"))
    >>> tf.train.list_variables(path)
    [('_CHECKPOINTABLE_OBJECT_GRAPH', []), ('w/.ATTRIBUTES/VARIABLE_VALUE', [2])]

    Raises:
      tf.errors.NotFoundError: if there is no checkpoint there.
    """
    saved = _read(_resolve(ckpt_dir_or_file))
    return [(key, saved.shape(key)) for key in saved.keys()]


def load_variable(ckpt_dir_or_file: str, name: str) -> Any:
    """The value saved under checkpoint key `name`, as NumPy.

    Raises:
      tf.errors.NotFoundError: for a key the checkpoint does not have.
    """
    return CheckpointReader(_resolve(ckpt_dir_or_file)).get_tensor(name)


class CheckpointReader:
    """The values of one checkpoint by key (what `tf.train.load_checkpoint` returns),
    TF's checkpoints and this package's alike.

    >>> import os, tempfile
    >>> import tftape_torch as tf
    >>> path = tf.train.Checkpoint(w=tf.Variable([1.0, 2.0])).write(
    ...     os.path.join(tempfile.mkdtemp(), "r"))
    >>> reader = tf.train.load_checkpoint(path)
    >>> reader.get_variable_to_shape_map()["w/.ATTRIBUTES/VARIABLE_VALUE"]
    [2]
    >>> reader.get_tensor("w/.ATTRIBUTES/VARIABLE_VALUE")
    array([1., 2.], dtype=float32)
    """

    def __init__(self, path: str) -> None:
        self._saved = _read(path)

    def get_variable_to_shape_map(self) -> Dict[str, List[int]]:
        """Each key's shape (`[]` for the object graph and for non-tensor states)."""
        return {key: self._saved.shape(key) for key in self._saved.keys()}

    def get_variable_to_dtype_map(self) -> Dict[str, torch.dtype]:
        """Each tensor value's dtype (torch's dtypes, as everywhere in this package; the
        string values, such as the object graph, are left out)."""
        found = {}
        for key in self._saved.keys():
            dtype = self._saved.dtype(key)
            if dtype is not None:
                found[key] = dtype
        return found

    def has_tensor(self, key: str) -> bool:
        return key in self._saved

    def debug_string(self) -> bytes:
        """Each key with its dtype and shape, a line each, as TF's reader lists them."""
        return "".join(
            f"{key} ({self._saved.dtype_name(key)}) {self._saved.shape(key)}\n"
            for key in self._saved.keys()).encode()

    def get_tensor(self, key: str) -> Any:
        """The value saved under `key`, as NumPy (bytes for a string scalar).

        Raises:
          tf.errors.NotFoundError: for a key the checkpoint does not have.
          tf.errors.OpError: for a value whose checksum does not match (TF's reader
            raises the bare `OpError`).
          tf.errors.InternalError: for a variant tensor (TF's iterator state), which
            has no NumPy value.
        """
        if key in self._saved and self._saved.dtype_name(key) == "DT_VARIANT":
            raise errors.InternalError(
                None, None, "Tensorflow type 21 not convertible to numpy dtype.")
        try:
            return _numpy(self._saved.value(key))
        except errors.DataLossError as error:
            raise errors.OpError(None, None, error.message, errors.UNKNOWN) from None
        except errors.OutOfRangeError as error:
            raise IndexError(error.message) from None  # as TF's reader


def load_checkpoint(ckpt_dir_or_file: str) -> CheckpointReader:
    """A `CheckpointReader` of a checkpoint (a file prefix, or a directory's latest).

    Raises:
      tf.errors.NotFoundError: if there is no checkpoint there.
    """
    return CheckpointReader(_resolve(ckpt_dir_or_file))


def _resolve(ckpt_dir_or_file: str) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise errors.NotFoundError(
                None,
                None,
                f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}",
            )
        return latest
    if not os.path.isfile(path + _INDEX_SUFFIX):
        raise not_found(path)
    return path


# ---------------------------------------------------------------------------
# Restoring


class _Node:
    """Saved values below one node of the saved object graph."""

    def __init__(self, saved: Optional[SavedCheckpoint] = None) -> None:
        self.children: Dict[str, _Node] = {}
        self.key: Optional[str] = None
        self.name: str = ""
        self._saved = saved

    @property
    def value(self) -> Any:
        """The saved value (read from the files at the first use).

        Raises:
          tf.errors.DataLossError: for a value whose checksum does not match.
        """
        assert self._saved is not None and self.key is not None
        try:
            return self._saved.value(self.key)
        except errors.OutOfRangeError as error:
            raise IndexError(error.message) from None  # as TF's restore


def _tree(saved: SavedCheckpoint) -> _Node:
    """The saved values by object: from the saved object graph (TF's and this
    package's checkpoints), else (former checkpoints) by path, where an alias path
    leads to its value's node."""
    nodes = saved.nodes
    if nodes is not None:
        made = [_Node(saved) for _ in nodes]
        for node, proto in zip(made, nodes):
            for name, child in proto.children:
                node.children.setdefault(escape(name), made[child])
            for _, full_name, key in proto.attributes[:1]:
                if key not in saved:  # TF saves some states under key + a suffix
                    key = next((k for k in saved.keys() if k.startswith(key)), key)
                if key in saved:
                    node.key, node.name = key, full_name
        return made[0]
    root = _Node(saved)
    payload = saved.legacy or {"values": {}}
    names: Dict[str, str] = payload.get("names", {})
    values: Dict[str, Any] = payload["values"]
    aliases: Dict[str, str] = payload.get("aliases", {})
    for key in list(values) + [alias for alias in aliases if aliases[alias] in values]:
        canonical = aliases.get(key, key)
        node = root
        for part in key.split("/")[:-2]:
            node = node.children.setdefault(part, _Node(saved))
        node.key, node.name = canonical, names.get(canonical, "")
    return root


def _node_path(key: str) -> str:
    parts = key.split("/")[:-2]
    return ".".join(["(root)"] + parts)


class _Restore:
    """Shared book-keeping of one `restore` call (also for deferred restorations)."""

    def __init__(self, saved: SavedCheckpoint) -> None:
        self.root = _tree(saved)
        self.unused: Dict[str, _Node] = {}
        self._index(self.root, set())
        self.unmatched: List[Any] = []
        self.matched = 0
        self.restored: Set[int] = set()  # leaves restored (reached along one path only)

    def _index(self, node: _Node, seen: Set[int]) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if node.key is not None:
            self.unused[node.key] = node
        for child in node.children.values():
            self._index(child, seen)

    def apply(self, obj: Any, node: _Node, path: Tuple[str, ...], visited: Set[int]) -> None:
        """Restore `obj` (and what it holds) from `node`."""
        if id(obj) in visited:
            return
        visited.add(id(obj))
        suffix = leaf_suffix(obj)
        if suffix is not None:
            if node.key is None or not node.key.endswith(suffix):
                self.unmatched.append(obj)
                return
            if id(obj) not in self.restored:
                self.restored.add(id(obj))
                try:
                    restore_leaf(obj, node.key, node.value)
                except errors.UnimplementedError as error:  # TF's iterator state...
                    logging.getLogger("tensorflow").warning(error.message)
                    self.unmatched.append(obj)
                    return
            self._consume(node)
            return
        if when_built(obj, functools.partial(self.apply, obj, node, path, set())):
            return  # an unbuilt Keras layer or optimizer: restored once it is built
        held = dict(children(obj))
        for name, child in held.items():
            child_node = node.children.get(escape(name))
            if child_node is None:
                self._unmatched_tree(child, visited)
            else:
                self.apply(child, child_node, path + (name,), visited)
        present = {escape(n) for n in held}  # saved names the object has now
        if isinstance(obj, ListWrapper):  # saved items not there yet: on arrival
            for escaped, child_node in node.children.items():
                if escaped not in present and escaped.isdigit():
                    obj.tftape_pending[int(escaped)] = functools.partial(
                        self._apply_on_assign, child_node, escaped)
        deferrable = isinstance(obj, (Checkpoint, Module))
        for escaped, child_node in node.children.items():
            if escaped in present or not deferrable:
                continue
            pending = obj.__dict__.get(PENDING_RESTORE)
            if pending is None:
                pending = {}
                object.__setattr__(obj, PENDING_RESTORE, pending)
            name = escaped.replace(".S", "/").replace("..", ".")
            pending[name] = functools.partial(self._apply_on_assign, child_node, name)

    def _apply_on_assign(self, node: _Node, key: str, value: Any) -> None:
        """Restore `node` into `value`, just set as attribute `key` (restore-on-create)."""
        if is_trackable(value):
            self.apply(value, node, (key,), set())

    def _consume(self, node: _Node) -> None:
        if node.key is not None and self.unused.pop(node.key, None) is not None:
            self.matched += 1

    def _unmatched_tree(self, obj: Any, visited: Set[int]) -> None:
        for _, item in walk(obj):
            if id(item) in visited:
                continue
            visited.add(id(item))
            if not is_container(item) and not saves_nothing(item):
                self.unmatched.append(item)


class CheckpointLoadStatus:
    """What a `restore`/`read` matched; its `assert_*` methods check it."""

    def __init__(self, restore: _Restore, root: Any) -> None:
        self._restore = restore
        self._root = root

    def assert_consumed(self) -> CheckpointLoadStatus:
        """Asserts that every checkpointed value was restored and every object matched.

        Raises:
          AssertionError: if not.
        """
        for key, node in self._restore.unused.items():
            if key.endswith(VALUE):
                raise AssertionError(
                    f"Unresolved object in checkpoint {_node_path(key)}: attributes {{\n"
                    f'  name: "VARIABLE_VALUE"\n  full_name: "{node.name}"\n'
                    f'  checkpoint_key: "{key}"\n}}\nhas_checkpoint_values {{\n'
                    "  value: true\n}\n"
                )
            raise AssertionError(f"Unresolved object in checkpoint {_node_path(key)}")
        return self.assert_existing_objects_matched()

    def assert_existing_objects_matched(self) -> CheckpointLoadStatus:
        """Asserts that every object in the graph now got a value from the checkpoint.

        Raises:
          AssertionError: if some did not.
        """
        unmatched = self._restore.unmatched
        if unmatched:
            shown = unmatched[:10]
            raise AssertionError(
                f"Found {len(unmatched)} Python objects that were not bound to checkpointed "
                "values, likely due to changes in the Python program. Showing "
                f"{len(shown)} of {len(unmatched)} unmatched objects: {shown!r}"
            )
        return self

    def assert_nontrivial_match(self) -> CheckpointLoadStatus:
        """Asserts that something besides the save counter was restored.

        Raises:
          AssertionError: if nothing was.
        """
        counter_only = int(
            self._restore.root.children.get("save_counter") is not None
            and "save_counter/" + VALUE not in self._restore.unused
        )
        if self._restore.matched - counter_only <= 0:
            raise AssertionError(
                "Nothing except the root object matched a checkpointed value. Typically this "
                "means that the checkpoint does not match the Python program."
            )
        return self

    def expect_partial(self) -> CheckpointLoadStatus:
        """Silences warnings about values of the checkpoint left unused."""
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to run in eager mode."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to run in eager mode."""


class InitializationOnlyStatus:
    """The status of `restore(None)`: nothing is restored."""

    def assert_consumed(self) -> InitializationOnlyStatus:
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    def assert_existing_objects_matched(self) -> InitializationOnlyStatus:
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    def assert_nontrivial_match(self) -> InitializationOnlyStatus:
        raise AssertionError("No checkpoint specified (save_path=None); nothing is being restored.")

    def expect_partial(self) -> InitializationOnlyStatus:
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to run."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to run."""


# ---------------------------------------------------------------------------
# Checkpoint


class Checkpoint:
    """Manages saving/restoring trackable values to disk.

    >>> import os, tempfile
    >>> import tftape_torch as tf
    >>> step = tf.Variable(3)
    >>> ckpt = tf.train.Checkpoint(step=step)
    >>> path = ckpt.write(os.path.join(tempfile.mkdtemp(), "w"))
    >>> _ = step.assign(7)
    >>> _ = ckpt.read(path)
    >>> int(step)
    3

    Args:
      root: an object whose dependencies become the checkpoint's own.
      **kwargs: objects to save, each under its keyword.

    Raises:
      ValueError: if a value is not trackable (a variable, module, torch module or
        optimizer, list, tuple or dict), or a keyword is given also by `root`.
    """

    _tftape_children: Dict[str, Any]
    _root: Any
    _save_counter: Optional[Variable]

    def __init__(self, root: Any = None, **kwargs: Any) -> None:
        object.__setattr__(self, "_tftape_children", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_root", root)
        if root is not None and not is_trackable(root):
            raise ValueError(
                f"`Checkpoint` was expecting root to be a trackable object (an object derived "
                f"from `Trackable`), got {root}. If you believe this object should be trackable "
                "(i.e. it is part of the TensorFlow Python API and manages state), please open "
                "an issue."
            )
        root_names = {name for name, _ in children(root)} if root is not None else set()
        for key, value in sorted(kwargs.items()):
            if not is_trackable(value):
                raise ValueError(
                    f"`Checkpoint` was expecting {key} to be a trackable object (an object "
                    f"derived from `Trackable`), got {value}. If you believe this object should "
                    "be trackable (i.e. it is part of the TensorFlow Python API and manages "
                    "state), please open an issue."
                )
            if key in root_names:
                raise ValueError(
                    f"Cannot create a Checkpoint with keyword argument {key} if root."
                    f"{key} already exists."
                )
        for key, value in sorted(kwargs.items()):  # TF's order: by keyword
            setattr(self, key, value)

    def __setattr__(self, key: str, value: Any) -> None:
        if type(value) is list:  # TF's ListWrapper: restores items appended later
            value = ListWrapper(value)
        object.__setattr__(self, key, value)
        if not key.startswith("_tftape_") and is_trackable(value):
            self._tftape_children[key] = value
        pending = self.__dict__.get(PENDING_RESTORE)
        if pending is not None and key in pending:
            run_pending_restore(self, key, value)

    def tftape_graph_children(self) -> List[Tuple[str, Any]]:
        found: List[Tuple[str, Any]] = []
        if self._root is not None:
            found.extend(children(self._root))
        found.extend(self._tftape_children.items())
        if self._save_counter is not None:
            found.append(("save_counter", self._save_counter))
        return found

    @property
    def save_counter(self) -> Variable:
        """The number of `save` calls so far (an int64 variable, created on first use)."""
        self._maybe_create_save_counter()
        counter = self._save_counter
        assert counter is not None
        return counter

    def _maybe_create_save_counter(self) -> None:
        if self._save_counter is None:
            counter = Variable(0, dtype=torch.int64, trainable=False, name="save_counter")
            object.__setattr__(self, "_save_counter", counter)
            pending = self.__dict__.get(PENDING_RESTORE)
            if pending is not None and "save_counter" in pending:
                run_pending_restore(self, "save_counter", counter)

    def write(self, file_prefix: str, options: Any = None) -> str:
        """Writes a checkpoint to `file_prefix` (no counter, no state file); returns it.
        The write callbacks of `options` (a `CheckpointOptions`) run afterwards."""
        path = _write(os.fspath(file_prefix), collect(self))
        run_write_callbacks(options, path)
        return path

    def save(self, file_prefix: str, options: Any = None) -> str:
        """Saves to `file_prefix-N` (N: the incremented `save_counter`) and records it as
        the directory's latest checkpoint; returns the path."""
        self._maybe_create_save_counter()
        self.save_counter.assign_add(1)
        path = self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter)}", options)
        directory = os.path.dirname(path)
        write_state(directory, path, [path])
        return path

    def sync(self) -> None:
        """Waits for an asynchronous save to finish (TF's `enable_async`): saves here are
        synchronous, so there is nothing to wait for."""

    def read(self, save_path: str, options: Any = None) -> CheckpointLoadStatus:
        """Restores the values saved at `save_path` (as `restore`, without creating the
        save counter).

        Raises:
          tf.errors.NotFoundError: if there is no checkpoint at `save_path`.
        """
        restore = _Restore(_read(os.fspath(save_path)))
        restore.apply(self, restore.root, (), set())
        return CheckpointLoadStatus(restore, self)

    def restore(self, save_path: Optional[str], options: Any = None) -> Any:
        """Restores the values saved at `save_path`; objects not created yet get their
        values when they are assigned. `None` restores nothing.

        Returns:
          A status object (`assert_consumed()`, `expect_partial()`, ...).

        Raises:
          tf.errors.NotFoundError: if there is no checkpoint at `save_path`.
        """
        if save_path is None:
            return InitializationOnlyStatus()
        status = self.read(save_path, options)
        self._maybe_create_save_counter()
        return status


Checkpoint.__module__ = "tftape_torch.train"


class CheckpointManager:
    """Keeps the newest `max_to_keep` checkpoints of `checkpoint` in `directory`.

    >>> import tempfile
    >>> import tftape_torch as tf
    >>> ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    >>> manager = tf.train.CheckpointManager(ckpt, tempfile.mkdtemp(), max_to_keep=2)
    >>> paths = [manager.save() for _ in range(3)]
    >>> [p.rsplit("-", 1)[1] for p in manager.checkpoints], manager.latest_checkpoint == paths[-1]
    (['2', '3'], True)

    Raises:
      ValueError: if `max_to_keep` is not positive.
    """

    def __init__(
        self,
        checkpoint: Checkpoint,
        directory: str,
        max_to_keep: Optional[int],
        keep_checkpoint_every_n_hours: Optional[float] = None,
        checkpoint_name: str = "ckpt",
        step_counter: Any = None,
        checkpoint_interval: Optional[int] = None,
        init_fn: Any = None,
    ) -> None:
        if max_to_keep is not None and max_to_keep <= 0:
            raise ValueError(
                f"Expected a positive integer or `None` for `max_to_keep`, got {max_to_keep}."
            )
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._keep_every = keep_checkpoint_every_n_hours
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._init_fn = init_fn
        self._maybe_delete: Dict[str, float] = {}
        self._latest: Optional[str] = None
        self._last_preserved = time.time()
        state: Optional[CheckpointState] = get_checkpoint_state(self._directory)
        if state is not None:
            self._latest = state.model_checkpoint_path
            paths = state.all_model_checkpoint_paths
            stamps = state.all_model_checkpoint_timestamps
            if len(stamps) != len(paths):
                stamps = [time.time()] * len(paths)
            for path, stamp in zip(paths, stamps):
                self._maybe_delete[path] = stamp
            if state.last_preserved_timestamp:
                self._last_preserved = state.last_preserved_timestamp

    @property
    def directory(self) -> str:
        return self._directory

    @property
    def checkpoint(self) -> Checkpoint:
        return self._checkpoint

    @property
    def latest_checkpoint(self) -> Optional[str]:
        """The prefix of the newest checkpoint, or None."""
        return self._latest

    @property
    def checkpoints(self) -> List[str]:
        """The checkpoints kept, oldest first."""
        return list(self._maybe_delete)

    def save(self, checkpoint_number: Optional[int] = None, check_interval: bool = True,
             options: Any = None) -> Optional[str]:
        """Writes a new checkpoint, deletes the oldest beyond `max_to_keep`; returns its
        path."""
        counter = self._checkpoint.save_counter
        counter.assign_add(1)
        number = int(counter) if checkpoint_number is None else int(checkpoint_number)
        path = self._checkpoint.write(f"{self._prefix}-{number}", options)
        stamp = time.time()
        self._maybe_delete.pop(path, None)
        self._maybe_delete[path] = stamp
        self._latest = path
        self._sweep()
        self._record_state()
        return path

    def _sweep(self) -> None:
        if self._max_to_keep is None:
            return
        while len(self._maybe_delete) > self._max_to_keep:
            oldest = next(iter(self._maybe_delete))
            stamp = self._maybe_delete.pop(oldest)
            if (self._keep_every is not None
                    and stamp - self._keep_every * 3600.0 >= self._last_preserved):
                self._last_preserved = stamp
                continue
            _remove_checkpoint(oldest)

    def _record_state(self) -> None:
        if self._latest is None:
            return
        write_state(
            self._directory,
            self._latest,
            list(self._maybe_delete),
            list(self._maybe_delete.values()),
            self._last_preserved,
        )

    def restore_or_initialize(self) -> Optional[str]:
        """Restores the latest checkpoint if there is one (returns its path), else runs
        `init_fn` (returns None)."""
        if self._latest is not None:
            self._checkpoint.restore(self._latest)
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None
