"""What a `tf.function` call is traced as: the trace type of each argument.

A trace is reused by every later call whose arguments' trace types *fit* its own:
tensors by dtype and shape (a `None` dimension fits any size), Python values by
value, other objects by identity, and objects that define `__tf_tracing_type__` by
their `TraceType` (TF's tracing protocol). `join` relaxes two types to the most
specific one both fit, for `reduce_retracing`.

>>> import tftape_torch as tf
>>> keep = []
>>> fits(trace_type(tf.constant([1.0, 2.0]), keep), ("T", tf.float32, (None,)))
True
"""

from __future__ import annotations

import abc
import builtins
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch

from tftape_torch._dtypes import dtype_name
from tftape_torch._tensor import EagerTensor
from tftape_torch._tensor_spec import TensorSpec, join_shapes, shape_fits, shape_repr
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._variable import Variable

__all__ = [
    "TraceType", "aliasing", "fits", "join", "kept", "output_text", "trace_type", "type_text",
]

_Tensor = torch.Tensor
_SIZE = torch.Tensor.size
_DTYPE = torch.Tensor.dtype.__get__  # type: ignore[attr-defined]

# Trace types: ("T", dtype, shape) for tensors (shape None: unknown rank; None entries:
# unknown dimensions), ("V", dtype, shape) for Variables, ("L", value) for Python
# values, ("O", id) for other objects, and containers as (kind, items).


class TraceType(abc.ABC):
    """What a `tf.function` traces an argument as: objects that define
    `__tf_tracing_type__(context)` return one, and calls whose arguments' trace types
    are subtypes of a trace's reuse it (TF's tracing protocol).

    >>> import tftape_torch as tf
    >>> class Kind(tf.types.experimental.TraceType):
    ...     def __init__(self, kind): self.kind = kind
    ...     def is_subtype_of(self, other): return self == other
    ...     def most_specific_common_supertype(self, others):
    ...         return self if all(self == o for o in others) else None
    ...     def placeholder_value(self, placeholder_context=None): return self.kind
    ...     def __eq__(self, other): return type(other) is Kind and other.kind == self.kind
    ...     def __hash__(self): return hash(self.kind)
    >>> class Scale:
    ...     def __init__(self, k): self.k = k
    ...     def __tf_tracing_type__(self, context): return Kind(type(self))
    >>> f = tf.function(lambda s, x: s.k * x)
    >>> print(f(Scale(2.0), tf.constant(1.0)), f(Scale(2.0), tf.constant(3.0)))
    tf.Tensor(2.0, shape=(), dtype=float32) tf.Tensor(6.0, shape=(), dtype=float32)
    >>> f.experimental_get_tracing_count()
    1
    """

    @abc.abstractmethod
    def is_subtype_of(self, other: TraceType) -> builtins.bool:
        """Whether a trace made for `other` may run a call of this type."""

    @abc.abstractmethod
    def most_specific_common_supertype(self, others: Sequence[TraceType]) -> Optional[TraceType]:
        """The most specific type this and `others` are subtypes of, or None."""

    @abc.abstractmethod
    def placeholder_value(self, placeholder_context: Any = None) -> Any:
        """The value the function is traced with for this type."""

    @abc.abstractmethod
    def __eq__(self, other: object) -> builtins.bool: ...

    @abc.abstractmethod
    def __hash__(self) -> int: ...


def trace_type(value: Any, keep: List[Any]) -> Any:
    """The trace type of an argument (`keep` holds objects traced by identity)."""
    kind = type(value)
    protocol = getattr(kind, "__tf_tracing_type__", None)
    if protocol is not None:
        return ("P", protocol(value, None))
    if kind is EagerTensor or kind is _Tensor:
        with _DisableSubclass():
            return ("T", _DTYPE(value), tuple(_SIZE(value)))
    if kind is int or kind is float or kind is bool or kind is str or value is None:
        return ("L", value)
    if isinstance(value, Variable):
        keep.append(value)  # for `aliasing`; `kept` drops it
        with _DisableSubclass():
            return ("V", _DTYPE(value), tuple(_SIZE(value)))
    if isinstance(value, _Tensor):
        with _DisableSubclass():
            return ("T", _DTYPE(value), tuple(_SIZE(value)))
    if kind is list or kind is tuple:
        return (kind.__name__, tuple(trace_type(item, keep) for item in value))
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        keep.append(kind)
        return ("namedtuple", id(kind), tuple(trace_type(item, keep) for item in value))
    if isinstance(value, dict):
        return ("dict", tuple((key, trace_type(value[key], keep)) for key in sorted(value)))
    if isinstance(value, TensorSpec):
        return ("T", value.dtype, value.dims)
    if isinstance(value, (np.ndarray, np.generic)):
        return ("T", torch.from_numpy(np.asarray(value)).dtype, tuple(np.shape(value)))
    try:
        hash(value)
    except TypeError:
        raise TypeError(
            f"Could not generate a generic TraceType for {value!r}.Please verify that it is "
            "immutable/hashable. Otherwise, consider implementing the Tracing Protocol for it."
        ) from None
    if isinstance(value, (np.dtype, torch.dtype)):
        return ("L", value)
    keep.append(value)
    return ("O", id(value))


def aliasing(keep: List[Any]) -> Any:
    """Which Variable arguments are the same Variable (a trace made for `f(v, v)` must
    not run `f(v, w)`, as TF's alias ids say): None when all differ, else for each
    Variable argument the index of its first occurrence.

    >>> import tftape_torch as tf
    >>> v, w = tf.Variable(1.0), tf.Variable(2.0)
    >>> keep = []
    >>> _ = trace_type((v, w, v), keep)
    >>> aliasing(keep)
    (0, 1, 0)
    """
    ids = [id(item) for item in keep if isinstance(item, Variable)]
    if len(set(ids)) == len(ids):
        return None
    first: Dict[int, int] = {}
    return tuple(first.setdefault(key, index) for index, key in enumerate(ids))


def kept(keep: List[Any]) -> List[Any]:
    """The objects of `keep` a function must hold (traced by identity): not Variables."""
    return [item for item in keep if not isinstance(item, Variable)]


def fits(concrete: Any, general: Any) -> bool:
    """Whether a call of trace type `concrete` may run the trace of type `general`."""
    if concrete == general:
        return True
    if type(concrete) is not tuple or type(general) is not tuple or not concrete or not general:
        return False
    tag = concrete[0]
    if tag in ("T", "V"):
        return (general[0] == tag and concrete[1] == general[1]
                and shape_fits(concrete[2], general[2]))
    if tag != general[0] or len(concrete) != len(general):
        return False
    if tag == "P":
        return builtins.bool(concrete[1].is_subtype_of(general[1]))
    if tag == "L" or tag == "O":
        return False
    return all(fits(a, b) for a, b in zip(concrete[1:], general[1:]))


def join(a: Any, b: Any) -> Any:
    """The most specific trace type both `a` and `b` fit, or None."""
    if a == b:
        return a
    if type(a) is not tuple or type(b) is not tuple or not a or not b or a[0] != b[0]:
        return None
    if a[0] in ("T", "V"):
        return (a[0], a[1], join_shapes(a[2], b[2])) if a[1] == b[1] else None
    if a[0] == "P":
        joined = a[1].most_specific_common_supertype([b[1]])
        return None if joined is None else ("P", joined)
    if a[0] in ("L", "O") or len(a) != len(b):
        return None
    if a[0] == "dict":
        if [k for k, _ in a[1]] != [k for k, _ in b[1]]:
            return None
        items = tuple((k, join(x, y)) for (k, x), (_, y) in zip(a[1], b[1]))
        return None if any(v is None for _, v in items) else ("dict", items)
    head = a[:-1]
    if head != b[:-1] or len(a[-1]) != len(b[-1]):
        return None
    items = tuple(join(x, y) for x, y in zip(a[-1], b[-1]))
    return None if any(item is None for item in items) else head + (items,)


def type_text(trace_type: Any, name: Optional[str] = None) -> str:
    """TF's text of a trace type in a printed signature (`name`: a TensorSpec's)."""
    tag = trace_type[0]
    if tag == "T":
        shape, dtype = shape_repr(trace_type[2]), dtype_name(trace_type[1])
        return f"TensorSpec(shape={shape}, dtype=tf.{dtype}, name={name!r})"
    if tag == "V":
        shape, dtype = shape_repr(trace_type[2]), dtype_name(trace_type[1])
        return (
            f"VariableSpec(shape={shape}, dtype=tf.{dtype}, trainable=True, alias_id=None)"
        )
    if tag == "L":
        return f"Literal[{trace_type[1]!r}]"
    if tag == "O":
        return f"Opaque[{trace_type[1]}]"
    if tag == "P":
        return repr(trace_type[1])
    if tag == "dict":
        return "Dict[" + ", ".join(f"[{k!r}, {type_text(v)}]" for k, v in trace_type[1]) + "]"
    name = {"list": "List", "tuple": "Tuple", "namedtuple": "NamedTuple"}.get(tag, tag)
    return name + "[" + ", ".join(type_text(item) for item in trace_type[-1]) + "]"


def output_text(value: Any) -> str:
    if isinstance(value, _Tensor):
        with _DisableSubclass():
            return (
                f"TensorSpec(shape={shape_repr(tuple(_SIZE(value)))}, "
                f"dtype=tf.{dtype_name(_DTYPE(value))}, name=None)"
            )
    if value is None:
        return "Literal[None]"
    if isinstance(value, dict):
        return "Dict[" + ", ".join(f"[{k!r}, {output_text(value[k])}]" for k in value) + "]"
    if isinstance(value, (list, tuple)):
        name = "List" if isinstance(value, list) else "Tuple"
        return name + "[" + ", ".join(output_text(item) for item in value) + "]"
    return f"Literal[{value!r}]"
