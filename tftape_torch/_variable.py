"""`Variable`: mutable state whose reads a `GradientTape` watches, as in TensorFlow.

A `Variable` is a `torch.Tensor` (so torch functions and `torch.optim` accept it) that
never requires grad itself. Every op that reads it sees a *read* instead:

* outside any recording tape, the variable's own storage, recording nothing;
* while tapes that watch it record, an alias leaf (same storage, `requires_grad`)
  whose gradient edge each of those tapes keeps. One alias serves all reads until the
  set of recording tapes changes, so `reset()`, `stop_recording()` and "read before
  the tape opened" behave as in TF without any graph surgery.

`assign*` rebind the variable to new storage, so aliases read earlier keep the values
the tape recorded. In-place torch ops (what `torch.optim` does), `.data =` and
`.grad =` act on the variable itself.

>>> import tftape_torch as tf
>>> v = tf.Variable(2.0)
>>> with tf.GradientTape() as tape:
...     y = v * v * v
>>> v.assign(10.0)
<tf.Variable 'Variable:0' shape=() dtype=float32, numpy=10.0>
>>> print(tape.gradient(y, v))
tf.Tensor(12.0, shape=(), dtype=float32)
"""

from __future__ import annotations

import itertools
import weakref
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch import _indexing, _state
from tftape_torch._convert import convert_value
from tftape_torch._dtypes import as_dtype, dtype_name
from tftape_torch._op_kinds import IN_PLACE, READ, kind_of
from tftape_torch._printing import variable_repr
from tftape_torch._tensor import EagerTensor, as_eager, sliced
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    TensorBase as _Base,
)
from tftape_torch._torch_internals import (
    dtype_of as _DTYPE,
)
from tftape_torch._torch_internals import (
    make_subclass,
    set_data,
    torch_function_enabled,
)
from tftape_torch._variable_modes import validate_modes
from tftape_torch._variable_scatter import ScatterMethods
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "BoundValue",
    "ResourceVariable",
    "Variable",
    "creation_order",
    "is_foreign_variable",
    "is_variable",
    "note_created",
    "read_foreign",
    "register_variable_type",
    "storage_owner",
    "variable_storage",
    "watched_when_read",
]

# Creation order, which TF's `watched_variables()` follows.
_next_uid = itertools.count().__next__


def _read_all(args: Any) -> Any:
    """`args` with every Variable in it (also inside lists and tuples) read."""
    if isinstance(args, Variable):
        return args.read_for_op()
    kind = type(args)
    if kind is tuple or kind is list:
        return kind([_read_all(item) if type(item) in _CONTAINERS or isinstance(item, Variable)
                     else item for item in args])
    return args


_CONTAINERS = (tuple, list)


def _refused(message: str) -> Callable[[Any, Any], Any]:
    """An augmented-assignment operator that raises TF's RuntimeError."""

    def operator(self: Any, other: Any) -> Any:
        raise RuntimeError(message)

    return operator


class Variable(ScatterMethods, EagerTensor):  # type: ignore[misc]
    """A tensor-valued variable: state that `GradientTape` watches when read.

    >>> import tftape_torch as tf
    >>> v = tf.Variable([1.0, 2.0])
    >>> with tf.GradientTape() as tape:
    ...     loss = tf.reduce_sum(v * v)
    >>> print(tape.gradient(loss, v))
    tf.Tensor([2. 4.], shape=(2,), dtype=float32)

    Args:
      initial_value: a tensor, or a value convertible to one (Python floats become
        float32, ints int32), or a callable returning one.
      trainable: whether tapes watch the variable automatically when it is read.
      name: the variable's name; `v.name` is `name + ":0"`.
      dtype: the dtype to convert `initial_value` to.
    """

    _trainable: Any
    _synchronization: Any
    _aggregation: Any
    _var_name: str
    _read_cache: Optional[Tuple[object, torch.Tensor]]
    _uid: int
    _declared_shape: Optional[TensorShape]
    _constraint: Any

    def __new__(
        cls,
        initial_value: Any = None,
        trainable: Any = None,
        validate_shape: bool = True,
        caching_device: Any = None,
        name: Optional[str] = None,
        variable_def: Any = None,
        dtype: Any = None,
        import_scope: Any = None,
        constraint: Any = None,
        synchronization: Any = None,
        aggregation: Any = None,
        shape: Any = None,
        **unused: Any,
    ) -> Variable:
        if initial_value is None:
            raise ValueError("Argument `initial_value` must be specified.")
        if name is not None and not isinstance(name, str):
            raise ValueError("name for name_scope must be a string.")
        if callable(initial_value):
            initial_value = initial_value()
        value = _initial_tensor(initial_value, None if dtype is None else as_dtype(dtype))
        declared = None
        if shape is not None:
            declared = TensorShape(shape)
            with _DisableSubclass():
                actual = TensorShape(torch.Tensor.size(value))
            if validate_shape and not declared.is_compatible_with(actual):
                raise ValueError(
                    f"In this `tf.Variable` creation, the initial value's shape ({actual}) is "
                    f"not compatible with the explicitly supplied `shape` argument "
                    f"({_dims_text(declared)})."
                )
            if declared.is_fully_defined():
                declared = None  # the value's own shape says it all
        self = make_subclass(ResourceVariable if cls is Variable else cls, value, False)
        self._synchronization, self._aggregation, self._trainable = validate_modes(
            synchronization, aggregation, trainable, name)
        # Under `tf.name_scope` (a Module's `name_scope` too) the name is prefixed.
        self._var_name = _state.current_name_scope() + (name if name is not None else "Variable")
        self._read_cache = None
        self._uid = _next_uid()
        self._declared_shape = declared
        self._constraint = constraint
        _created_in_trace()
        return self

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @property
    def shape(self) -> TensorShape:  # type: ignore[override]
        """The variable's shape: the `shape=` it was made with (`None` dimensions and
        unknown rank included), else the shape of its value."""
        declared = self._declared_shape
        if declared is not None:
            return declared
        with _DisableSubclass():
            return TensorShape(torch.Tensor.size(self))

    # ------------------------------------------------------------------ copies

    def __copy__(self) -> Variable:
        """`copy.copy(v)` is `v` itself, as in TF: a copy shares the variable's state."""
        return self

    def __deepcopy__(self, memo: Dict[int, Any]) -> Variable:
        """An independent Variable with a copy of the value, trainability, modes and name."""
        if id(self) in memo:
            return memo[id(self)]
        with _DisableSubclass():
            value = torch.Tensor.clone(torch.Tensor.detach(self))
        new = make_subclass(type(self), value, False)
        new._trainable = self._trainable
        new._synchronization, new._aggregation = self._synchronization, self._aggregation
        new._var_name = self._var_name
        new._read_cache = None
        new._uid = _next_uid()
        new._declared_shape = self._declared_shape
        new._constraint = self._constraint
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------ reads

    def read_for_op(self) -> torch.Tensor:
        """The tensor an op sees when it reads this variable now (package-internal).

        Outside recording tapes, the variable itself (an op on it records nothing);
        while tapes that watch it record, an alias leaf they know. The op-running
        code of the package calls this once per op; users call `read_value()`.
        """
        state = _state.THREAD
        if state.read_hooks:
            value = self._read_recorded(state)
            for hook in state.read_hooks:
                value = hook(self, value)
            return value
        return self._read_recorded(state)

    def _read_recorded(self, state: Any) -> torch.Tensor:
        """The read, with the tapes that watch it told about it."""
        if not state.tapes:
            return self
        cache = self._read_cache
        if cache is not None and cache[0] is state.config and not state.traces:
            return cache[1]
        tapes = [tape for tape in state.tapes if tape.wants(self)]
        with _DisableSubclass():
            value = torch.Tensor.detach(self)
            if tapes and (value.is_floating_point() or value.is_complex()):
                value.requires_grad_(True)
                edge: Optional[torch.Tensor] = value  # a leaf: its own input to the engine
            else:
                edge = None
        for tape in tapes:
            tape.record_read(self, edge)
        for trace in state.traces:  # the read is the variable, not a detached copy
            trace.variable_read(self, value)
        self._read_cache = (state.config, value)
        return value

    @classmethod
    def __torch_function__(
        cls,
        func: Callable[..., Any],
        types: Sequence[type],
        args: Sequence[Any] = (),
        kwargs: Optional[Dict[str, Any]] = None,
    ) -> Any:
        kwargs = kwargs or {}
        kind = kind_of(func)
        if kind == READ:
            args = _read_all(args)
            if kwargs:
                kwargs = {key: _read_all(value) for key, value in kwargs.items()}
            # What the op sees now are tensors: TF's operand rules apply as usual.
            return EagerTensor.__torch_function__(func, types, args, kwargs)
        if kind == IN_PLACE:
            for arg in args:
                if isinstance(arg, Variable):
                    arg._read_cache = None
            with _DisableSubclass(), torch.no_grad():
                return func(*args, **kwargs)
        with _DisableSubclass():
            return func(*args, **kwargs)

    __hash__ = torch.Tensor.__hash__  # NOTE: [Hashable tensors] in `_tensor`

    # ------------------------------------------------------------------ slices

    def __getitem__(self, spec: Any) -> Any:
        """TF's indexing of the variable's read; the slice has TF's `assign`.

        >>> import tftape_torch as tf
        >>> v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        >>> _ = v[:, 1].assign([7.0, 8.0])
        >>> print(v[1])
        tf.Tensor([3. 8.], shape=(2,), dtype=float32)
        """
        if not torch_function_enabled():
            return _Base.__getitem__(self, spec)
        with _DisableSubclass():
            shape = torch.Tensor.size(self)
        slicing = _indexing.parse(spec, shape)
        out = sliced(self.read_for_op(), slicing)
        if slicing.mask is None:  # TF's strided slices of a Variable can be assigned
            variable = self

            def assign(value: Any, name: Optional[str] = None) -> Variable:
                """Assigns `value` (broadcast) to this slice of the variable."""
                return variable._assign_slice(slicing, value)

            out.assign = assign  # type: ignore[attr-defined]
        return out

    def __setitem__(self, spec: Any, value: Any) -> None:
        if not torch_function_enabled():
            _Base.__setitem__(self, spec, value)
            return
        raise TypeError(
            "'Variable' object does not support item assignment: use `v[...].assign(value)`"
        )

    def _assign_slice(self, slicing: _indexing.Slicing, value: Any) -> Variable:
        """TF's `ResourceStridedSliceAssign`: write `value` into the sliced positions.

        Earlier reads keep their values (the variable is rebound to new storage).

        Raises:
          InvalidArgumentError: if `value` does not broadcast to the slice's shape.
        """
        new_values = self._convert(value)
        with _DisableSubclass():
            where = _indexing.positions(torch.Tensor.size(self), slicing, self.device)
            try:
                new_values = torch.broadcast_to(new_values, where.shape)
            except RuntimeError:
                raise InvalidArgumentError(
                    None, None,
                    f"Cannot broadcast input shape {list(new_values.shape)} into final shape "
                    f"{list(where.shape)} [Op:ResourceStridedSliceAssign]",
                ) from None
            new = torch.Tensor.clone(
                torch.Tensor.detach(self), memory_format=torch.contiguous_format
            )
            flat = new.reshape(-1)
            flat[where.reshape(-1)] = new_values.reshape(-1)
        self._rebind(new)
        return self

    # TF refuses augmented assignment on variables (texts as TF 2.21 words them).
    __iadd__ = _refused(
        "`variable += value` with `tf.Variable`s is not supported. Use `variable.assign_add"
        "(value)` to modify the variable, or `out = variable + value` if you need to get a "
        "new output Tensor."
    )
    __isub__ = _refused(
        "`variable -= value` with `tf.Variable`s is not supported. Use `variable.assign_sub"
        "(value)` to modify the variable, or `out = variable * value` if you need to get a "
        "new output Tensor."
    )
    __imul__ = _refused(
        "`var *= value` with `tf.Variable`s is not supported. Use `var.assign(var * value)` "
        "to modify the variable, or `out = var * value` if you need to get a new output Tensor."
    )
    __itruediv__ = _refused(
        "`var /= value` with `tf.Variable`s is not supported. Use `var.assign(var / value)` "
        "to modify the variable, or `out = var / value` if you need to get a new output Tensor."
    )

    # ------------------------------------------------------------------ TF API

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def name(self) -> str:
        return self._var_name + ":0"

    @property
    def synchronization(self) -> Any:
        """The `tf.VariableSynchronization` it was made with (`AUTO` by default)."""
        return self._synchronization

    @property
    def aggregation(self) -> Any:
        """The `tf.VariableAggregation` it was made with (`NONE` by default)."""
        return self._aggregation

    def read_value(self) -> torch.Tensor:
        """The variable's current value, as a tensor (recorded by watching tapes)."""
        value = self.read_for_op()
        if value is self:
            with _DisableSubclass():
                value = torch.Tensor.detach(self)
        return as_eager(value)

    @property
    def value(self) -> BoundValue:
        """`v.value()` is the variable's value as a tensor, as in TF.

        `v.value` itself is also a tensor holding the variable's storage (so Keras's
        optimizers, which update `v.value` in place, update this variable); call it
        for TF's read.

        >>> import tftape_torch as tf
        >>> v = tf.Variable([1.0, 2.0])
        >>> print(v.value())
        tf.Tensor([1. 2.], shape=(2,), dtype=float32)
        """
        with _DisableSubclass():
            storage = torch.Tensor.detach(self)
        bound: BoundValue = make_subclass(BoundValue, storage, False)
        bound.variable = self
        return bound

    @property
    def constraint(self) -> Any:
        """The constraint function given at construction, or `None`."""
        return self._constraint

    def assign(
        self,
        value: Any,
        use_locking: bool = False,
        name: Optional[str] = None,
        read_value: bool = True,
    ) -> Optional[Variable]:
        """Assigns a new value to the variable; earlier reads keep their value.

        Returns:
          The variable, or `None` when `read_value` is False.

        Raises:
          ValueError: if `value`'s shape is not compatible with the variable's.
        """
        self._rebind(self._checked(self._convert(value)).clone())
        return self if read_value else None

    def assign_add(
        self,
        delta: Any,
        use_locking: bool = False,
        name: Optional[str] = None,
        read_value: bool = True,
    ) -> Optional[Variable]:
        """Adds `delta` to the variable; earlier reads keep their value.

        Returns:
          The variable, or `None` when `read_value` is False.
        """
        self._update(torch.add, delta, "AssignAddVariableOp")
        return self if read_value else None

    def assign_sub(
        self,
        delta: Any,
        use_locking: bool = False,
        name: Optional[str] = None,
        read_value: bool = True,
    ) -> Optional[Variable]:
        """Subtracts `delta` from the variable; earlier reads keep their value.

        Returns:
          The variable, or `None` when `read_value` is False.
        """
        self._update(torch.sub, delta, "AssignSubVariableOp")
        return self if read_value else None

    def _update(self, op: Callable[..., torch.Tensor], delta: Any, tf_op: str) -> None:
        kind = type(delta)
        with _DisableSubclass():
            new = None
            if (kind is EagerTensor or kind is torch.Tensor) and _same_dtype_and_shape(self, delta):
                try:  # the common case, checked (only the devices may still differ)
                    new = op(self, torch.Tensor.detach(delta))
                except RuntimeError:
                    new = None
            if new is None:  # TF neither converts dtypes nor broadcasts here
                new = op(self, self._checked(self._convert(delta), update=tf_op))
            self._will_assign()
            set_data(self, new)  # never recorded: the variable never requires grad
        self._assigned()

    def _checked(self, new: torch.Tensor, update: Optional[str] = None) -> torch.Tensor:
        """`new`, if it has the variable's shape; else TF's error (`ValueError` for
        `assign`, `InvalidArgumentError` for the `update` ops)."""
        shape: Sequence[Optional[int]]
        with _DisableSubclass():
            shape, new_shape = torch.Tensor.size(self), torch.Tensor.size(new)
        declared = self._declared_shape
        if declared is not None and update is None:
            if declared.is_compatible_with(new_shape):
                return new
            shape = declared
        if new_shape != shape and update is not None:
            raise InvalidArgumentError(
                None,
                None,
                f"Cannot update variable with shape {list(shape)} using a Tensor with shape "
                f"{list(new_shape)}, shapes must be equal. [Op:{update}]",
            )
        if new_shape != shape:
            raise ValueError(
                f"Cannot assign value to variable ' {self.name}': Shape mismatch."
                f"The variable shape {_shape_str(shape)}, and the assigned value "
                f"shape {_shape_str(new_shape)} are incompatible."
            )
        return new

    def _convert(self, value: Any) -> torch.Tensor:
        """`value` as a tensor of this variable's dtype, on its device.

        Raises:
          ValueError: for a tensor or Variable of another dtype (TF converts only
            Python and NumPy values).
        """
        if isinstance(value, Variable):
            if value.dtype != self.dtype:
                raise ValueError(
                    f"Incompatible type conversion requested to type {dtype_name(self.dtype)} "
                    f"for `tf.Variable of type {dtype_name(value.dtype)}. (Variable: {value!r})"
                )
            value = value.read_for_op()
        if isinstance(value, torch.Tensor):
            with _DisableSubclass():
                same = _DTYPE(value) is _DTYPE(self)
                if same:
                    return value.detach().to(device=self.device)
            raise ValueError(
                f"Tensor conversion requested dtype {dtype_name(self.dtype)} for Tensor with "
                f"dtype {dtype_name(value.dtype)}: {as_eager(value.detach())!r}"
            )
        with _DisableSubclass():
            return convert_value(value, self.dtype, self.device)

    def _rebind(self, new: torch.Tensor) -> None:
        """Point the variable at `new` storage, leaving earlier reads intact."""
        self._will_assign()
        with _DisableSubclass():  # setting `.data` is never recorded
            set_data(self, new)
        self._assigned()

    def _will_assign(self) -> None:
        """Tell `tf.function` traces in progress that this variable changes storage."""
        for trace in _state.THREAD.traces:
            trace.variable_assigned(self)

    def _assigned(self) -> None:
        """Bookkeeping after the variable was pointed at new storage."""
        self._read_cache = None
        for tape in _state.THREAD.tapes:  # TF counts an assignment as an access
            if tape.wants(self):
                tape.record_read(self, None)

    def __repr__(self, *, tensor_contents: Any = None) -> str:  # type: ignore[override]
        return variable_repr(self)

    __str__ = __repr__

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        """A copy of the value (writing to it leaves the variable alone), as TF's."""
        return np.asarray(self.numpy())

    def __round__(self, ndigits: Any = None) -> Any:
        # TF's Variables are no tensors: `round(v)` finds no `__round__` (TF's
        # tensors have NumPy's, which fails otherwise: see `EagerTensor.__round__`).
        raise TypeError(f"type {type(self).__name__} doesn't define __round__ method")

    def __format__(self, format_spec: str) -> str:
        """`f"{v}"` is `str(v)`; TF's Variables take no format spec (`f"{v:.2f}"`
        raises `TypeError`: format `v.numpy()` instead)."""
        if format_spec:
            raise TypeError(f"unsupported format string passed to {type(self).__name__}.__format__")
        return variable_repr(self)


Variable.__module__ = "tftape_torch"


class ResourceVariable(Variable):
    """The type of every `tf.Variable(...)`, as in TF: `Variable` is the abstract type
    that `isinstance` checks name, `ResourceVariable` the one `type(v)` reports.

    >>> import tftape_torch as tf
    >>> v = tf.Variable(1.0)
    >>> type(v).__name__, isinstance(v, tf.Variable)
    ('ResourceVariable', True)
    """


class BoundValue(torch.Tensor):
    """What `v.value` is: the variable's storage as a tensor, and, called, TF's read.

    TF code calls `v.value()`; Keras's optimizers update `v.value` in place
    (`torch._foreach_add_`), which writes into the variable.
    """

    variable: Variable

    def __call__(self) -> torch.Tensor:
        return self.variable.read_value()

    def __repr__(self, *, tensor_contents: Any = None) -> str:  # type: ignore[override]
        return f"<bound method BaseResourceVariable.value of {self.variable!r}>"


# NOTE: [Foreign variables]
# Other libraries' variables (Keras 3's, whose torch backend keeps the value in an
# `nn.Parameter`) are not tensors, but a tape treats them as it treats ours: they may
# be sources and `watch`ed, reads of them while tapes record are alias leaves the tapes
# keep (`read_foreign`, called from the library's own read path, which the bridge
# module wraps), and `watched_variables()` lists them. A library registers its variable
# class with `register_variable_type`, giving how to reach its storage tensor.

_FOREIGN: Dict[type, Callable[[Any], torch.Tensor]] = {}
_foreign_types: Tuple[type, ...] = ()


def register_variable_type(cls: type, storage: Callable[[Any], torch.Tensor]) -> None:
    """Make tapes treat instances of `cls` as Variables; `storage(v)` is v's tensor."""
    global _foreign_types
    _FOREIGN[cls] = storage
    _foreign_types = tuple(_FOREIGN)


def is_foreign_variable(obj: Any) -> bool:
    """Whether `obj` is a variable of a registered library (not one of ours)."""
    return bool(_foreign_types) and isinstance(obj, _foreign_types)


def is_variable(obj: Any) -> bool:
    """Whether tapes treat `obj` as a Variable (ours or a registered library's)."""
    return isinstance(obj, Variable) or is_foreign_variable(obj)


def variable_storage(variable: Any) -> torch.Tensor:
    """The tensor that holds `variable`'s value (for its shape, dtype and device)."""
    if isinstance(variable, Variable):
        return variable
    for cls, storage in _FOREIGN.items():
        if isinstance(variable, cls):
            return storage(variable)
    raise TypeError(f"{type(variable).__name__} is not a registered variable type")


def read_foreign(variable: Any, storage: torch.Tensor) -> torch.Tensor:
    """The tensor an op sees when it reads foreign `variable` (storage `storage`) now.

    As for ours (`Variable.read_for_op`): the storage itself outside recording tapes
    (and for tapes that do not watch it), else an alias leaf the watching tapes keep.
    """
    state = _state.THREAD
    if not state.tapes:
        return storage
    cache = getattr(variable, "_tftape_read", None)
    if cache is not None and cache[0] is state.config and cache[1] is storage:
        return cache[2]
    tapes = [tape for tape in state.tapes if tape.wants(variable)]
    value = storage
    edge: Optional[torch.Tensor] = None
    if not tapes:  # a tape may still `watch(v.value)`: remember whose storage it is
        _STORAGE_OWNERS[id(storage)] = weakref.ref(variable)
    else:
        with _DisableSubclass():
            value = torch.Tensor.detach(storage)
            if value.is_floating_point() or value.is_complex():
                value.requires_grad_(True)
                edge = value
        for tape in tapes:
            tape.record_read(variable, edge)
    variable._tftape_read = (state.config, storage, value)
    return value


_STORAGE_OWNERS: Dict[int, Any] = {}  # id(storage) -> weak reference to its variable


def storage_owner(tensor: Any) -> Any:
    """The foreign variable whose storage `tensor` is (as read by a tape), else None."""
    if not _STORAGE_OWNERS:
        return None
    ref = _STORAGE_OWNERS.get(id(tensor))
    variable = None if ref is None else ref()
    if variable is None or variable_storage(variable) is not tensor:
        return None
    return variable


def watched_when_read(variable: Any) -> bool:
    """Whether tapes watch `variable` automatically when it is read.

    Ours: when trainable. A foreign variable: when it was made trainable (TF's tape
    watches the `tf.Variable` inside a Keras variable, whose trainability is fixed at
    creation: `layer.trainable = False` does not stop it).
    """
    if isinstance(variable, Variable):
        return bool(variable.trainable)
    made = getattr(variable, "_tftape_trainable", None)
    return bool(variable.trainable if made is None else made)


_next_foreign_uid = itertools.count(-(2**62)).__next__


def note_created(variable: Any, trainable: bool) -> None:
    """Give foreign `variable` its place in creation order and the trainability it was
    made with (call when it is made)."""
    variable._tftape_uid = _next_uid()
    variable._tftape_trainable = bool(trainable)
    _created_in_trace()


def _created_in_trace() -> None:
    """A Variable was made: a `tf.function` trace in progress may refuse it (TF's
    `ValueError` for Variables made on a later trace than the first)."""
    trace = _state.tracing()
    if trace is not None:
        trace.variable_created()


def creation_order(variable: Any) -> int:
    """A number that orders Variables by creation (TF's `watched_variables()` order)."""
    if isinstance(variable, Variable):
        return variable._uid
    uid = getattr(variable, "_tftape_uid", None)
    if uid is None:  # made before the bridge was installed: before all others
        uid = variable._tftape_uid = _next_foreign_uid()
    return int(uid)


def _same_dtype_and_shape(variable: torch.Tensor, value: torch.Tensor) -> bool:
    """Whether `value` has `variable`'s dtype and shape (torch functions off)."""
    return _DTYPE(value) is _DTYPE(variable) and _SIZE(value) == _SIZE(variable)


_SIZE = torch.Tensor.size


def _shape_str(shape: Sequence[Optional[int]]) -> str:
    if isinstance(shape, TensorShape):
        return str(shape)
    return "(" + ", ".join(str(dim) for dim in shape) + ("," if len(shape) == 1 else "") + ")"


def _dims_text(shape: TensorShape) -> str:
    """A declared shape as TF's constructor error shows it: `[3]`, `[None, 2]`."""
    return "<unknown>" if shape.rank is None else str(shape.as_list())


def _initial_tensor(value: Any, dtype: Optional[torch.dtype]) -> torch.Tensor:
    """A fresh tensor holding `value`, with TF's conversion rules (and `tf.device`).

    Raises:
      ValueError: if `value` is a tensor or Variable whose dtype is not `dtype` (TF
        converts only Python and NumPy values).
    """
    with _DisableSubclass():
        if isinstance(value, torch.Tensor):
            tensor = torch.Tensor.detach(value)
            if dtype is not None and _DTYPE(tensor) is not dtype:
                if isinstance(value, Variable):
                    raise ValueError(
                        f"Incompatible type conversion requested to type {dtype_name(dtype)} "
                        f"for `tf.Variable of type {dtype_name(_DTYPE(tensor))}. (Variable: "
                        f"{value!r})"
                    )
                raise ValueError(
                    f"initial_value: Tensor conversion requested dtype {dtype_name(dtype)} for "
                    f"Tensor with dtype {dtype_name(_DTYPE(tensor))}: {as_eager(tensor)!r}"
                )
        else:
            tensor = convert_value(value, dtype)
        return tensor.clone()
