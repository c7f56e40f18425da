"""What a `tf.train.Checkpoint` saves: the object graph below it, the key of each
value, and how each kind of leaf is saved and restored.

**The graph.** A checkpoint's children are its attributes; a `tf.Module`'s are its
trackable attributes; a list's, tuple's or dict's are its trackable items. A Keras 3
layer's children are its variables (`_kernel`, `bias`, `moving_mean`...), its
sublayers, its public lists and dicts of them, and last the layers a model is made of
(a Sequential's `_functional`, a functional model's `_operations`); a Keras
optimizer's are, as Keras on TF tracks them, its variables, lists and dicts in the
order they were set (`_variables`, `_trainable_variables`, ..., `_iterations`,
`_learning_rate`, the slot lists). The keys are TF's
(`net/l1/_kernel/.ATTRIBUTES/VARIABLE_VALUE`, `optimizer/_variables/2/...`, and a
Sequential's kernel `optimizer/_trainable_variables/0/...` when its optimizer is
saved too). An object reached along several paths is saved once, under its first path
(breadth first, as TF numbers its object graph's nodes); `collect` also gives that
graph, whose edges lead to an object along every path.

**The leaves** and their key suffixes:

* `tf.Variable` and Keras variables: `.ATTRIBUTES/VARIABLE_VALUE`, the value;
* objects with `tftape_checkpoint_state()`/`tftape_restore_checkpoint_state(value)` and a
  `TFTAPE_CHECKPOINT_SUFFIX` (the `tf.data` iterator: `.ATTRIBUTES/ITERATOR_STATE`);
* other `torch.nn.Module`s and `torch.optim.Optimizer`s: `.ATTRIBUTES/TORCH_STATE_DICT`,
  their `state_dict()`.

Keras objects are recognized only once `keras` is imported (no object can be one
before), so this module never imports Keras.

>>> import tftape_torch as tf
>>> root = tf.train.Checkpoint(v=tf.Variable(1.0), pair=[tf.Variable(2.0)])
>>> [key for key, _ in collect(root)["values"].items()]
['v/.ATTRIBUTES/VARIABLE_VALUE', 'pair/0/.ATTRIBUTES/VARIABLE_VALUE']
"""

from __future__ import annotations

import collections.abc
import functools
import sys
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

import torch

from tftape_torch import errors
from tftape_torch._module import Module
from tftape_torch._torch_internals import DisableTorchFunctionSubclass
from tftape_torch._variable import Variable

__all__ = [
    "FORMAT", "STATE", "VALUE", "ListWrapper", "children", "collect", "escape", "is_container",
    "is_trackable", "leaf_suffix", "restore_leaf", "saves_nothing", "walk", "when_built",
]

FORMAT = "tftape_torch-checkpoint-1"
VALUE = ".ATTRIBUTES/VARIABLE_VALUE"
STATE = ".ATTRIBUTES/TORCH_STATE_DICT"

# Keras bookkeeping attributes that only repeat what other children hold.
_KERAS_SKIP = frozenset({"_torch_params"})
# Torch-backend attributes of a Keras optimizer that Keras on TF does not have.
_KERAS_OPTIMIZER_SKIP = frozenset({"_tracker", "param_groups", "state", "defaults"})


# ---------------------------------------------------------------------------
# Lists a checkpoint holds


class ListWrapper(list):  # type: ignore[type-arg]
    """A list assigned to a `tf.train.Checkpoint` (TF's `ListWrapper`): a plain list,
    except that an item placed at an index a restore is waiting for (saved, but not
    there when `restore` ran) is restored as it arrives.

    >>> import tftape_torch as tf
    >>> ckpt = tf.train.Checkpoint()
    >>> ckpt.items = []
    >>> ckpt.items
    ListWrapper([])
    """

    def __init__(self, items: Any = ()) -> None:
        super().__init__(items)
        self.tftape_pending: Dict[int, Callable[[Any], None]] = {}

    def __repr__(self) -> str:
        return f"ListWrapper({list.__repr__(self)})"

    def _placed(self, start: int) -> None:
        for index in range(start, len(self)):
            restore = self.tftape_pending.pop(index, None)
            if restore is not None:
                restore(self[index])

    def append(self, item: Any) -> None:
        super().append(item)
        self._placed(len(self) - 1)

    def extend(self, items: Any) -> None:
        start = len(self)
        super().extend(items)
        self._placed(start)

    def insert(self, index: Any, item: Any) -> None:
        super().insert(index, item)
        self._placed(0)

    def __setitem__(self, index: Any, item: Any) -> None:
        super().__setitem__(index, item)
        self._placed(0)

    def __iadd__(self, items: Any) -> ListWrapper:  # type: ignore[misc]
        self.extend(items)
        return self


# ---------------------------------------------------------------------------
# Kinds of objects


def _keras() -> Optional[Any]:
    return sys.modules.get("keras")


def is_keras_variable(obj: Any) -> bool:
    keras = _keras()
    return keras is not None and isinstance(obj, keras.Variable)


def is_keras_layer(obj: Any) -> bool:
    keras = _keras()
    return keras is not None and isinstance(obj, keras.layers.Layer)


def is_keras_optimizer(obj: Any) -> bool:
    keras = _keras()
    return keras is not None and isinstance(obj, keras.optimizers.Optimizer)


def _is_graph_node(obj: Any) -> bool:
    """Objects whose children the graph walks (not leaves, not containers)."""
    return (hasattr(type(obj), "tftape_graph_children") or isinstance(obj, Module)
            or is_keras_layer(obj) or is_keras_optimizer(obj))


def _has_own_state(obj: Any) -> bool:
    return hasattr(type(obj), "tftape_restore_checkpoint_state")


def _has_torch_state(obj: Any) -> bool:
    return isinstance(obj, (torch.nn.Module, torch.optim.Optimizer)) and not is_keras_layer(obj)


def is_container(obj: Any) -> bool:
    return isinstance(obj, (list, tuple, collections.abc.Mapping))


def is_trackable(obj: Any) -> bool:
    """Objects a checkpoint can hold: variables (TF's and Keras's), checkpoints,
    modules, Keras layers and optimizers, iterators and generators, torch modules and
    optimizers, and lists, tuples and dicts (of anything)."""
    return (isinstance(obj, Variable) or _is_graph_node(obj) or _has_own_state(obj)
            or _has_torch_state(obj) or is_keras_variable(obj) or is_container(obj))


# ---------------------------------------------------------------------------
# Children


def _holds_keras(value: Any) -> bool:
    items = value.values() if isinstance(value, collections.abc.Mapping) else value
    return any(is_keras_layer(item) or is_keras_variable(item) or is_keras_optimizer(item)
               for item in items)


def _keras_layer_children(layer: Any) -> List[Tuple[str, Any]]:
    attributes = vars(layer)
    found = [(key, value) for key, value in attributes.items() if is_keras_variable(value)]
    for key, value in getattr(layer, "_modules", {}).items():
        if key not in _KERAS_SKIP and not key.startswith("_") and is_keras_layer(value):
            found.append((key, value))
    for key, value in attributes.items():
        if not key.startswith("_") and is_container(value) and _holds_keras(value):
            found.append((key, value))
    # The layers a model is made of, where Keras on TF tracks them: a Sequential's
    # functional model, a functional model's operations, else the layer list.
    functional = getattr(layer, "_modules", {}).get("_functional")
    if is_keras_layer(functional):
        found.append(("_functional", functional))
        return found
    layers = attributes.get("_operations")
    if not isinstance(layers, (list, tuple)) or not layers:  # an unbuilt Sequential
        keras = _keras()
        sequential = keras is not None and isinstance(layer, keras.Sequential)
        layers = attributes.get("_layers") if sequential else None
        if isinstance(layers, (list, tuple)) and layers:
            found.append(("_layers", layers))
        return found
    found.append(("_operations", layers))
    return found


def _keras_optimizer_children(optimizer: Any) -> List[Tuple[str, Any]]:
    """As Keras on TF tracks them: every variable, optimizer, list and dict attribute,
    in the order they were set (`_variables`, `_trainable_variables`, ...,
    `_iterations`, `_learning_rate`, the slot lists)."""
    return [(key, value) for key, value in vars(optimizer).items()
            if key not in _KERAS_OPTIMIZER_SKIP and (
                is_keras_variable(value) or is_keras_optimizer(value)
                or isinstance(value, (list, dict)))]


def children(obj: Any) -> List[Tuple[str, Any]]:
    """The named dependencies of `obj`, in a stable order."""
    if hasattr(type(obj), "tftape_graph_children"):
        return list(obj.tftape_graph_children())
    if isinstance(obj, Module):
        found = []
        for key, value in vars(obj).items():
            if key in ("_name", "_name_scope") or key.startswith(("_tftape_", "_self_")):
                continue
            if is_trackable(value):
                found.append((key, value))
        return found
    if is_keras_layer(obj):
        return _keras_layer_children(obj)
    if is_keras_optimizer(obj):
        return _keras_optimizer_children(obj)
    if isinstance(obj, collections.abc.Mapping):
        return [(str(key), value) for key, value in obj.items() if is_trackable(value)]
    if isinstance(obj, (list, tuple)):
        return [(str(i), value) for i, value in enumerate(obj) if is_trackable(value)]
    return []


def walk(root: Any) -> Iterator[Tuple[Tuple[str, ...], Any]]:
    """Every object reachable from `root` once, with its first path (breadth first)."""
    seen: Set[int] = {id(root)}
    queue: List[Tuple[Tuple[str, ...], Any]] = [((), root)]
    while queue:
        path, obj = queue.pop(0)
        yield path, obj
        for name, child in children(obj):
            if id(child) not in seen:
                seen.add(id(child))
                queue.append((path + (name,), child))


def escape(name: str) -> str:
    return name.replace(".", "..").replace("/", ".S")


def key_of(path: Tuple[str, ...], suffix: str) -> str:
    return "/".join(escape(part) for part in path) + ("/" if path else "") + suffix


# ---------------------------------------------------------------------------
# Leaves


def leaf_suffix(obj: Any) -> Optional[str]:
    """The key suffix under which `obj` is saved, or None for a non-leaf."""
    if isinstance(obj, Variable) or is_keras_variable(obj):
        return VALUE
    if _has_own_state(obj):
        suffix: str = obj.TFTAPE_CHECKPOINT_SUFFIX
        return suffix
    if _has_torch_state(obj):
        return STATE
    return None


def _saved_value(obj: Any) -> Any:
    if isinstance(obj, Variable):
        with DisableTorchFunctionSubclass():
            return torch.Tensor.detach(obj).cpu().clone()
    if is_keras_variable(obj):
        with DisableTorchFunctionSubclass():
            value = torch.Tensor.detach(obj.value).cpu().clone()
        if value.dtype == torch.int32 and getattr(obj, "name", "") == "iteration":
            value = value.to(torch.int64)  # Keras's "int" optimizer step: int64 on TF
        return value
    if _has_own_state(obj):
        return obj.tftape_checkpoint_state()
    return obj.state_dict()


def saves_nothing(obj: Any) -> bool:
    """Whether `obj` is a Keras layer with no variables below it (an `InputLayer`):
    such a layer cannot miss a value, so a restore does not report it unmatched."""
    return is_keras_layer(obj) and all(leaf_suffix(item) is None for _, item in walk(obj))


def restore_leaf(obj: Any, key: str, value: Any) -> None:
    """Restore leaf `obj` from the `value` saved under `key`.

    Raises:
      ValueError: for a variable of another shape than the saved value's.
      tf.errors.UnimplementedError: for a variable or state saved as a string (as TF
        saves a `tf.data` iterator) rather than a tensor.
    """
    if (isinstance(obj, Variable) or is_keras_variable(obj) or _has_own_state(obj)) and (
            not isinstance(value, torch.Tensor)):
        raise errors.UnimplementedError(
            None, None, f"The value saved under {key} is not a tensor (TF's serialized "
            f"state of another kind of object): it cannot restore a {type(obj).__name__}")
    if isinstance(obj, Variable) or is_keras_variable(obj):
        if tuple(value.shape) != tuple(obj.shape):
            raise ValueError(
                f"Received incompatible tensor with shape {tuple(value.shape)} when "
                f"attempting to restore variable with shape {tuple(obj.shape)} and name "
                f"{key}."
            )
        dtype = obj.dtype if isinstance(obj, Variable) else obj.value.dtype
        obj.assign(value.to(dtype=dtype))
    elif _has_own_state(obj):
        obj.tftape_restore_checkpoint_state(value)
    else:
        obj.load_state_dict(value)


def _graph(root: Any) -> Tuple[List[Any], List[List[Tuple[str, int]]]]:
    """The objects reachable from `root`, numbered breadth first (TF's node ids), and
    each one's named edges to others (to objects met before too)."""
    objects: List[Any] = [root]
    ids: Dict[int, int] = {id(root): 0}
    edges: List[List[Tuple[str, int]]] = []
    for obj in objects:  # grows while walked
        found = []
        for name, child in children(obj):
            number = ids.get(id(child))
            if number is None:
                number = ids[id(child)] = len(objects)
                objects.append(child)
            found.append((name, number))
        edges.append(found)
    return objects, edges


def collect(root: Any) -> Dict[str, Any]:
    """The payload of a checkpoint of `root`: values (by key, in node order), variable
    names, aliases (other paths to a saved object), and the object graph (`nodes`:
    each object's named edges and the `(attribute, full_name, key)` it saves, as
    TF's `TrackableObjectGraph` has them)."""
    values: Dict[str, Any] = {}
    names: Dict[str, str] = {}
    objects, edges = _graph(root)
    paths: List[Tuple[str, ...]] = [()] * len(objects)
    for number, found in enumerate(edges):  # first paths: a child follows its parent
        for name, child in found:
            if child > number and not paths[child] and child:
                paths[child] = paths[number] + (name,)
    nodes: List[Tuple[List[Tuple[str, int]], Optional[Tuple[str, str, str]]]] = []
    for number, obj in enumerate(objects):
        suffix = leaf_suffix(obj)
        attribute = None
        if suffix is not None:
            key = key_of(paths[number], suffix)
            values[key] = _saved_value(obj)
            name = obj.name if isinstance(obj, Variable) else getattr(obj, "path", "")
            full_name = name[:-2] if isinstance(name, str) and name.endswith(":0") else name
            if isinstance(full_name, str) and full_name:
                names[key] = full_name
            attribute = (suffix.rsplit("/", 1)[-1], names.get(key, ""), key)
        nodes.append((edges[number], attribute))
    aliases = {}
    for number, found in enumerate(edges):
        for name, child in found:
            attribute = nodes[child][1]
            path = paths[number] + (name,)
            if attribute is not None and path != paths[child]:
                aliases[key_of(path, leaf_suffix(objects[child]) or "")] = attribute[2]
    return {"format": FORMAT, "values": values, "names": names, "aliases": aliases,
            "nodes": nodes}


# ---------------------------------------------------------------------------
# Keras objects restored once they are built


def _in_stateless_scope() -> bool:
    """Whether Keras is building symbolically (its variables not yet initialized and
    their assignments discarded). `keras.src.backend.in_stateless_scope` is Keras's
    own (not exported; present in the Keras range the `keras` extra allows)."""
    keras = _keras()
    check = getattr(getattr(getattr(keras, "src", None), "backend", None),
                    "in_stateless_scope", None)
    return bool(check()) if check is not None else False


def when_built(obj: Any, restore: Callable[[], None]) -> bool:
    """Call `restore` once the unbuilt Keras layer or optimizer `obj` has made and
    initialized its variables (TF's deferred restoration). True when nothing of `obj`
    can be restored before that (an unbuilt layer has no variables); False for an
    optimizer (its iterations and learning rate exist already) and for other objects.

    A layer is restored just before its first call runs (a torch forward pre-hook:
    Keras layers are torch modules), after Keras has built it, outside the symbolic
    pass in which Keras builds a model (where variables have no values yet); its
    first output already uses the restored values. An optimizer is restored right
    after its `build` (the first `apply_gradients`), by wrapping the instance's
    `build` once.
    """
    if getattr(obj, "built", True):
        return False
    if is_keras_layer(obj):
        handles: List[Any] = []

        def before_call(module: Any, args: Any) -> None:
            if obj.built and not _in_stateless_scope():
                handles.pop().remove()
                restore()

        handles.append(obj.register_forward_pre_hook(before_call))
        return True
    if not is_keras_optimizer(obj):
        return False
    original = obj.build

    @functools.wraps(original)
    def build(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)
        object.__delattr__(obj, "build")
        restore()
        return result

    object.__setattr__(obj, "build", build)
    return False
