"""`tf.Module`: a named container of `tf.Variable`s and other modules, as TF 2.21 has it.

A `Module` finds the variables and sub-modules held in its attributes by reflection:
attributes are walked sorted by name, each value flattened as `tf.nest` flattens it
(lists, tuples, namedtuples, dicts with their keys sorted, nested to any depth), and
sub-modules are visited after the module's own attributes (breadth first), each
object once. `variables`, `trainable_variables`, `non_trainable_variables` and
`submodules` come back as tuples in that order.

>>> import tftape_torch as tf
>>> class Dense(tf.Module):
...     def __init__(self, in_features, out_features, name=None):
...         super().__init__(name=name)
...         self.w = tf.Variable(tf.ones([in_features, out_features]), name="w")
...         self.b = tf.Variable(tf.zeros([out_features]), name="b")
...     def __call__(self, x):
...         return tf.matmul(x, self.w) + self.b
>>> d = Dense(3, 2)
>>> d.name, [v.name for v in d.trainable_variables]
('dense', ['b:0', 'w:0'])
>>> with tf.GradientTape() as tape:
...     loss = tf.reduce_sum(d(tf.ones([1, 3])))
>>> print(tape.gradient(loss, d.trainable_variables)[0])
tf.Tensor([1. 1.], shape=(2,), dtype=float32)

Variables are torch tensors, so `torch.optim.SGD(d.trainable_variables, lr=0.1)` works
too (the optimizer updates them in place, as `assign_sub` would).

**`torch.nn.Module`s held as attributes.** TF collects only `tf.Variable`s: a torch
module held in an attribute is a leaf that is neither a variable nor a `tf.Module`,
so its parameters are *not* in `variables`/`trainable_variables` and it is not in
`submodules`. That is TF's rule (TF would ignore any foreign object there) and it
keeps `trainable_variables` a list of objects with TF's Variable API (`assign`,
`name`, `trainable`) that tapes watch automatically; `nn.Parameter`s are neither.
Use `module.torch_layer.parameters()` for those (a tape sees them when watched
explicitly), and `tf.train.Checkpoint` saves and restores such a torch module's
`state_dict` with the rest of the object graph.

**Name scopes.** `module.name_scope` is a context manager whose `.name` is TF's
scope name (`"outer/inner/"` for a module created inside another's scope), and
`Module.with_name_scope` enters it around a method. One difference from TF: a
`tf.Variable` created inside a module's name scope keeps its bare name (`"w:0"`,
where TF says `"mlp/w:0"`); the names do not affect tracking, tapes or checkpoints.
(`Variable` takes its name as given; prefixing it needs a hook in `_variable.py`.)
Lists and dicts assigned to attributes are kept as they are, where TF wraps them
(`ListWrapper`, `_DictWrapper`): tracking sees later appends either way, but their
`repr` shows a plain `[...]` where TF prints `ListWrapper([...])`.
"""

from __future__ import annotations

import collections.abc
import functools
import re
from typing import (
    Any,
    Callable,
    Hashable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
)

from tftape_torch import _state
from tftape_torch._variable import Variable

__all__ = ["Module", "camel_to_snake", "get_current_name_scope", "name_scope", "valid_identifier"]

_F = TypeVar("_F", bound=Callable[..., Any])

_CAMEL_TO_SNAKE_R = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
_VALID_IDENTIFIER = re.compile(r"^[a-zA-Z_]([a-zA-Z0-9_])*$")


def valid_identifier(name: str) -> bool:
    """Whether `name` may name a module (a Python identifier in ASCII).

    >>> valid_identifier("dense_1"), valid_identifier("1dense"), valid_identifier("a b")
    (True, False, False)
    """
    return bool(_VALID_IDENTIFIER.match(name))


def camel_to_snake(value: str) -> str:
    """TF's default module name for a class name.

    >>> camel_to_snake("MyMLPModule")
    'my_mlp_module'
    """
    return _CAMEL_TO_SNAKE_R.sub(r"_\1", value).lower()


# ---------------------------------------------------------------------------
# Name scopes (eager: no uniquification, as TF 2 in eager mode)


current_scope = _state.current_name_scope


def get_current_name_scope() -> str:
    """The name scope open on this thread, as `tf.name_scope` spells it (no trailing
    slash; `''` at the top).

    >>> import tftape_torch as tf
    >>> with tf.name_scope("outer"), tf.name_scope("inner"):
    ...     print(tf.get_current_name_scope())
    outer/inner
    """
    return current_scope().rstrip("/")

#: Where `tf.train` leaves restorations that wait for an attribute to be set
#: (TF's restore-on-create): a dict of attribute name -> `callback(value)`.
PENDING_RESTORE = "_tftape_pending_restore"


def run_pending_restore(obj: Any, key: str, value: Any) -> None:
    """Run the restoration waiting for `obj.key`, now set to `value`, if there is one."""
    pending = obj.__dict__.get(PENDING_RESTORE)
    if not pending or key not in pending:
        return
    callback = pending.pop(key)
    if not pending:
        object.__delattr__(obj, PENDING_RESTORE)
    callback(value)


class name_scope:
    """A context manager for use when defining a Python op (eager: names only).

    `name` ending in `/` is taken as an absolute scope name; otherwise it is appended
    to the scope open now (in eager mode TF neither validates nor uniquifies it).

    >>> import tftape_torch as tf
    >>> with tf.name_scope("outer") as outer:
    ...     with tf.name_scope("inner") as inner:
    ...         pass
    >>> outer, inner
    ('outer/', 'outer/inner/')

    Raises:
      ValueError: if `name` is not a string.
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise ValueError("name for name_scope must be a string.")
        self._name = name
        self._pushed: List[int] = []

    @property
    def name(self) -> str:
        return self._name

    def _scope_name(self) -> str:
        name = self._name
        if not name:
            return ""
        if name.endswith("/"):
            return name
        return current_scope() + name + "/"

    def __enter__(self) -> str:
        scope = self._scope_name()
        self._pushed.append(_state.push_name_scope(scope))
        return scope

    def __exit__(self, *exc: Any) -> None:
        _state.pop_name_scopes(self._pushed.pop())


# ---------------------------------------------------------------------------
# Flattening as `tf.nest.flatten_with_tuple_paths` does


def _is_namedtuple(obj: Any) -> bool:
    return isinstance(obj, tuple) and hasattr(type(obj), "_fields")


def _sorted_keys(mapping: Any) -> List[Any]:
    try:
        return sorted(mapping)
    except TypeError as cause:
        raise TypeError("nest only supports dicts with sortable keys.") from cause


def _flatten_with_paths(
    structure: Any, prefix: Tuple[Hashable, ...] = ()
) -> Iterator[Tuple[Tuple[Hashable, ...], Any]]:
    """Leaves of `structure` with their tuple paths, in `tf.nest`'s order."""
    if isinstance(structure, collections.abc.Mapping):
        for key in _sorted_keys(structure):
            yield from _flatten_with_paths(structure[key], prefix + (key,))
    elif _is_namedtuple(structure):
        for field in type(structure)._fields:
            yield from _flatten_with_paths(getattr(structure, field), prefix + (field,))
    elif isinstance(structure, (list, tuple)):
        for index, item in enumerate(structure):
            yield from _flatten_with_paths(item, prefix + (index,))
    else:
        yield prefix, structure


def _is_variable(obj: Any) -> bool:
    return isinstance(obj, Variable)


def _is_trainable_variable(obj: Any) -> bool:
    return _is_variable(obj) and bool(getattr(obj, "trainable", False))


def _is_non_trainable_variable(obj: Any) -> bool:
    return _is_variable(obj) and not getattr(obj, "trainable", False)


def _is_module(obj: Any) -> bool:
    return isinstance(obj, Module)


# ---------------------------------------------------------------------------
# Module


class Module:
    """Base neural network module class.

    A module is a named container for `tf.Variable`s, other `tf.Module`s and
    functions which apply to user input.

    >>> import tftape_torch as tf
    >>> class MLP(tf.Module):
    ...     def __init__(self, sizes, name=None):
    ...         super().__init__(name=name)
    ...         with self.name_scope:
    ...             self.layers = [tf.Module(name=f"layer{i}") for i in range(len(sizes))]
    ...         for layer, size in zip(self.layers, sizes):
    ...             layer.w = tf.Variable(tf.zeros([size]), name="w")
    >>> mlp = MLP([2, 3])
    >>> [v.shape.as_list() for v in mlp.variables]
    [[2], [3]]
    >>> [m.name for m in mlp.submodules], mlp.layers[1].name_scope.name
    (['layer0', 'layer1'], 'mlp/layer1/')

    Args:
      name: the module's name; by default the class name in snake case.

    Raises:
      ValueError: if `name` is not a valid Python identifier.
    """

    # Attributes TF's AutoTrackable adds that flattening skips.
    _TF_MODULE_IGNORED_PROPERTIES: frozenset[str] = frozenset(
        ("_self_unconditional_checkpoint_dependencies", "_self_unconditional_dependency_names")
    )

    _name: str
    _name_scope: name_scope

    def __init__(self, name: Optional[str] = None) -> None:
        if name is None:
            name = camel_to_snake(type(self).__name__)
        elif not valid_identifier(name):
            raise ValueError(
                f"{name!r} is not a valid module name. Module names must be valid Python "
                "identifiers (e.g. a valid class name)."
            )
        self._name = name
        with name_scope(name) as scope_name:
            self._name_scope = name_scope(scope_name)

    def __setattr__(self, key: str, value: Any) -> None:
        object.__setattr__(self, key, value)
        if PENDING_RESTORE in self.__dict__:
            run_pending_restore(self, key, value)

    @property
    def name(self) -> str:
        """The name of this module as passed or determined in the constructor.

        Not the same as `self.name_scope.name`, which includes parent module names.
        """
        return self._name

    @property
    def name_scope(self) -> name_scope:
        """A `tf.name_scope` instance for this module."""
        return self._name_scope

    @property
    def variables(self) -> Tuple[Variable, ...]:
        """Variables owned by this module and its submodules.

        Returns:
          The variables of this module (sorted by attribute name) followed by the
          variables of all submodules recursively (breadth first).
        """
        return tuple(self._flatten(predicate=_is_variable, expand_composites=True))

    @property
    def trainable_variables(self) -> Tuple[Variable, ...]:
        """Trainable variables owned by this module and its submodules (see `variables`)."""
        return tuple(self._flatten(predicate=_is_trainable_variable, expand_composites=True))

    @property
    def non_trainable_variables(self) -> Tuple[Variable, ...]:
        """Non-trainable variables owned by this module and its submodules."""
        return tuple(
            self._flatten(predicate=_is_non_trainable_variable, expand_composites=True)
        )

    @property
    def submodules(self) -> Tuple[Module, ...]:
        """All sub-modules: modules held by this one, by those, and so on.

        >>> import tftape_torch as tf
        >>> a, b, c = tf.Module(), tf.Module(), tf.Module()
        >>> a.b = b
        >>> b.c = c
        >>> list(a.submodules) == [b, c], list(b.submodules) == [c], list(c.submodules)
        (True, True, [])
        """
        return tuple(self._flatten(predicate=_is_module))

    def _flatten(
        self,
        recursive: bool = True,
        predicate: Optional[Callable[[Any], bool]] = None,
        attribute_traversal_key: Optional[Callable[[str], Any]] = None,
        with_path: bool = False,
        expand_composites: bool = False,
    ) -> Iterator[Any]:
        """Flattened attribute values, attributes sorted by name (TF's `_flatten`).

        With `with_path`, yields `(path, value)` pairs and does not de-duplicate.
        """
        if predicate is None:
            predicate = _always
        return _flatten_module(
            self,
            recursive=recursive,
            predicate=predicate,
            attributes_to_ignore=self._TF_MODULE_IGNORED_PROPERTIES,
            attribute_traversal_key=attribute_traversal_key,
            with_path=with_path,
            module_path=(),
            seen=None,
            recursion_stack=None,
        )

    @classmethod
    def with_name_scope(cls, method: _F) -> _F:
        """Decorator to enter the module's name scope around a method.

        >>> import tftape_torch as tf
        >>> class Scoped(tf.Module):
        ...     @tf.Module.with_name_scope
        ...     def __call__(self):
        ...         with tf.name_scope("op") as scope:
        ...             return scope
        >>> Scoped()()
        'scoped/op/'
        """

        @functools.wraps(method)
        def method_with_name_scope(self: Module, *args: Any, **kwargs: Any) -> Any:
            with self.name_scope:
                return method(self, *args, **kwargs)

        return method_with_name_scope  # type: ignore[return-value]


Module.__module__ = "tftape_torch"


def _always(_: Any) -> bool:
    return True


def _flatten_module(
    module: Module,
    recursive: bool,
    predicate: Callable[[Any], bool],
    attribute_traversal_key: Optional[Callable[[str], Any]],
    attributes_to_ignore: Any,
    with_path: bool,
    module_path: Tuple[Hashable, ...],
    seen: Optional[Set[int]],
    recursion_stack: Optional[List[int]],
) -> Iterator[Any]:
    """TF's `_flatten_module`: the module's own leaves, then its submodules'."""
    module_id = id(module)
    if seen is None:
        seen = {module_id}
    if recursion_stack is None:
        recursion_stack = []
    if module_id in recursion_stack:  # a cycle: do not follow back edges
        recursive = False
    module_dict = vars(module)
    submodules: List[Tuple[Tuple[Hashable, ...], Module]] = []
    keys: Sequence[str] = sorted(module_dict, key=attribute_traversal_key)
    for key in keys:
        if key in attributes_to_ignore or key.startswith("_tftape_"):
            continue
        prop = module_dict[key]
        try:
            leaves = list(_flatten_with_paths(prop))
        except Exception as cause:  # noqa: BLE001 - TF wraps any failure
            raise ValueError(f"Error processing property {key!r} of {prop!r}") from cause
        for leaf_path, leaf in leaves:
            path = (key,) + leaf_path
            if not with_path:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (module_path + path, leaf) if with_path else leaf
            if recursive and _is_module(leaf):
                submodules.append((module_path + path, leaf))
    recursion_stack.append(module_id)
    for submodule_path, submodule in submodules:
        yield from _flatten_module(
            submodule,
            recursive=recursive,
            predicate=predicate,
            attribute_traversal_key=attribute_traversal_key,
            attributes_to_ignore=submodule._TF_MODULE_IGNORED_PROPERTIES,
            with_path=with_path,
            module_path=submodule_path,
            seen=seen,
            recursion_stack=recursion_stack,
        )
    recursion_stack.pop()
