"""How a `tf.function` binds its arguments and what it returns, as TF 2.21 does.

A call is bound to the Python function's signature (defaults applied), or, with an
`input_signature`, to the signature TF builds from it: one parameter per spec
(`*args` become `args_0`, `args_1`... positional-only), later parameters fixed to
their defaults. Each argument is cast to its spec (Python values converted, nested
lists, tuples and dicts matched item by item), with TF's `TypeError` otherwise.
NumPy arrays become tensors. What the function returns becomes tensors too: Python
numbers, NumPy arrays, fully known shapes; other objects raise TF's `TypeError`.

>>> import tftape_torch as tf
>>> @tf.function(input_signature=[(tf.TensorSpec([], tf.float32),) * 2])
... def add(pair):
...     return pair[0] + pair[1]
>>> print(add((1.0, 2.0)))
tf.Tensor(3.0, shape=(), dtype=float32)
>>> try:
...     add([1.0, 2.0])
... except TypeError as error:
...     print(str(error).split("`")[1])
Can not cast [1.0, 2.0] to tuple type.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch._convert import convert_value
from tftape_torch._dtypes import dtype_name
from tftape_torch._indexed_slices import IndexedSlices
from tftape_torch._optional import OptionalValue
from tftape_torch._structure import flatten, pack_like
from tftape_torch._tensor import fresh
from tftape_torch._tensor_array import TensorArray
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._tensor_spec import TensorSpec, shape_fits
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch._torch_internals import set_data
from tftape_torch._variable import Variable

__all__ = [
    "CastError", "binding_error", "call_signature", "cast", "cast_fixed", "check_unmodified",
    "copied", "dtype_word", "feed", "general_type", "graph_inputs", "leaf_names",
    "live_variables", "numpy_as_tensors", "output_specs", "returned", "signature_text",
    "snapshot", "spec_of", "storage_alias", "storage_copy", "variables_kept", "zeros_for",
]

_Tensor = torch.Tensor
_SIZE = torch.Tensor.size
_DTYPE = torch.Tensor.dtype.__get__  # type: ignore[attr-defined]
_DEFAULT = "<captured_default_value>"


# ---------------------------------------------------------------------------
# The signature calls are bound to


def call_signature(function: Callable[..., Any], input_signature: Optional[List[Any]]
                   ) -> Tuple[inspect.Signature, int]:
    """The signature calls bind to, and how many of its parameters have a spec.

    Without `input_signature`, `function`'s own. With one, TF's: `*args` becomes one
    positional-only parameter per remaining spec, and every parameter after the specs
    must have a default (its value is then fixed).

    Raises:
      TypeError: more specs than parameters, or a parameter without a spec or default.
    """
    signature = inspect.signature(function)
    if input_signature is None:
        return signature, 0
    params = list(signature.parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
    name = getattr(function, "__name__", "function")
    if len(input_signature) > len(positional) and not varargs:
        raise TypeError(
            f"input_signature must be a possibly nested sequence of TensorSpec "
            f"objects, with one spec per parameter of {name}"
        )
    if varargs:
        extra = [inspect.Parameter(f"args_{i}", inspect.Parameter.POSITIONAL_ONLY)
                 for i in range(len(input_signature) - len(positional))]
        params = [p.replace(kind=p.POSITIONAL_ONLY) for p in positional] + extra
    for param in params[len(input_signature):]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.default is param.empty:
            raise TypeError(f"input_signature missing type constraint for {param.name}")
    params = [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    return signature.replace(parameters=params), len(input_signature)


def signature_text(signature: inspect.Signature, input_signature: Optional[List[Any]]) -> str:
    """The signature as TF's binding errors print it."""
    if input_signature is None:
        return ", ".join(signature.parameters)
    parts = []
    params = list(signature.parameters.values())
    for index, param in enumerate(params):
        if index < len(input_signature):
            parts.append(f"{param.name}: {input_signature[index]!r}")
        else:
            parts.append(f"{param.name}: Literal[{param.default!r}] = {_DEFAULT}")
    if params and params[-1].kind == inspect.Parameter.POSITIONAL_ONLY:
        parts.append("/")
    return ", ".join(parts)


def binding_error(reason: str, args: Sequence[Any], kwargs: Dict[str, Any], text: str) -> str:
    return (
        f"Binding inputs to tf.function failed due to `{reason}`. Received args: "
        f"{tuple(args)!r} and kwargs: {kwargs!r} for signature: ({text})."
    )


class CastError(TypeError):
    """An argument does not fit its spec (the message is TF's reason)."""


def cast(value: Any, spec: Any) -> Any:
    """`value` cast to `spec` (a TensorSpec, or a list, tuple or dict of them).

    Raises:
      CastError: it does not fit, with TF's reason.
    """
    if isinstance(spec, (list, tuple)):
        if not isinstance(value, (list, tuple)) or (
            isinstance(spec, tuple) != isinstance(value, tuple)
        ):
            kind = "tuple" if isinstance(spec, tuple) else "list"
            raise CastError(f"Can not cast {value!r} to {kind} type.")
        if len(value) != len(spec):
            raise CastError(f"Expected {value!r} to have length of {len(spec)}")
        return type(value)(cast(v, s) for v, s in zip(value, spec))
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise CastError(f"{value!r} has different keys with the TraceType "
                            f"{_dict_text(spec)}.")
        return {key: cast(value[key], spec[key]) for key in value}
    if not isinstance(spec, TensorSpec):
        return value
    tensor = value
    if not isinstance(value, _Tensor):
        try:
            tensor = fresh(convert_value(value, spec.dtype))
        except (TypeError, ValueError):
            raise CastError(f"Can not cast {value!r} to {spec!r}") from None
    with _DisableSubclass():
        size = tuple(_SIZE(tensor))
        found = TensorSpec(size, _DTYPE(tensor))
    if found.dtype != spec.dtype or not shape_fits(size, spec.dims):
        raise CastError(f"Can not cast {found!r} to {spec!r}")
    return tensor


def _dict_text(spec: Dict[Any, Any]) -> str:
    return "Dict[" + ", ".join(f"[{k!r}, {v!r}]" for k, v in spec.items()) + "]"


def cast_fixed(value: Any, default: Any) -> None:
    """A parameter after the specs: only its default is accepted (TF's Literal)."""
    if value is not default and value != default:
        raise CastError(f"Can not cast {value!r} to Literal[{default!r}]")


# ---------------------------------------------------------------------------
# Arguments as the trace sees them


def numpy_as_tensors(value: Any) -> Any:
    """`value` with its NumPy array leaves made tensors: TF traces them as tensors
    (one trace per dtype and shape) and the function sees tensors, not arrays."""
    if isinstance(value, (np.ndarray, np.generic)):
        return fresh(convert_value(value))
    if isinstance(value, (list, tuple, dict)):
        leaves = flatten(value)
        if any(isinstance(leaf, (np.ndarray, np.generic)) for leaf in leaves):
            return pack_like(value, [feed(leaf) for leaf in leaves])
    return value


def feed(leaf: Any) -> Any:
    if isinstance(leaf, (np.ndarray, np.generic)):
        return fresh(convert_value(leaf))
    return leaf


def graph_inputs(values: List[Any]) -> List[Any]:
    """The tensor leaves of the arguments `values`, in the order of the graph inputs:
    Python values are part of the trace, not inputs."""
    return [feed(leaf) for leaf in flatten(values)
            if isinstance(leaf, (_Tensor, np.ndarray, np.generic))]


def snapshot(value: Any) -> Any:
    """What a check after tracing compares to tell that the function changed a list or
    dict argument (TF's ValueError): its structure and the identity of its items."""
    if isinstance(value, dict):
        return ("d", id(value), tuple((k, snapshot(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("l", id(value), tuple(snapshot(v) for v in value))
    if type(value) is tuple:
        return tuple(snapshot(v) for v in value)
    return id(value)


def copied(value: Any) -> Any:
    """`value` with its lists, dicts and tuples rebuilt: a trace gets its own (TF traces
    on new structures, so the caller's stay as they were)."""
    if type(value) is list:
        return [copied(item) for item in value]
    if type(value) is dict:
        return {key: copied(item) for key, item in value.items()}
    if type(value) is tuple:
        return tuple(copied(item) for item in value)
    return value


def check_unmodified(function: Callable[..., Any], before: Dict[str, Any],
                     arguments: Dict[str, Any]) -> None:
    """Raises TF's ValueError when tracing changed a list or dict argument."""
    changed = [name for name, shot in before.items() if snapshot(arguments[name]) != shot]
    if changed:
        name = getattr(function, "__name__", "function")
        raise ValueError(
            f"{name}({', '.join(arguments)}) should not modify its Python input "
            f"arguments. Modifying a copy is allowed. The following parameter(s) were "
            f"modified: {', '.join(changed)}"
        )


# ---------------------------------------------------------------------------
# Results


def _as_result(value: Any, function: Any) -> Any:
    """A returned leaf as TF returns it: Python numbers and NumPy arrays become
    tensors, Variables their reads; objects a graph cannot return raise."""
    if isinstance(value, Variable):
        return value.read_value()
    if isinstance(value, _Tensor) or value is None or type(value) is str:
        return value
    if isinstance(value, _COMPOSITES) or _is_dataset(value):
        return value  # TF's composite tensors (a Dataset too) are returned as they are
    if type(value) in (int, float, bool) or isinstance(value, (np.ndarray, np.generic)):
        return fresh(convert_value(value))
    raise TypeError(
        "To be compatible with tf.function, Python functions must return zero or more "
        f"Tensors or ExtensionTypes or None values; in compilation of {function!r}, found "
        f"return value of type {_type_name(value)}, which is not a Tensor or ExtensionType."
    )


_COMPOSITES = (IndexedSlices, TensorArray, OptionalValue)


def _is_dataset(value: Any) -> bool:
    """A `tf.data.Dataset` (told by its interface: `data` imports this module's users)."""
    kind = type(value)
    return hasattr(kind, "element_spec") and hasattr(kind, "__iter__")


def _type_name(value: Any) -> str:
    if isinstance(value, torch.dtype):
        return "DType"
    return type(value).__name__


def _shapes_as_tensors(result: Any) -> Any:
    """`result` with each (fully known) TensorShape in it as TF returns one: an int32
    tensor of its dimensions."""
    if isinstance(result, TensorShape) and result.is_fully_defined():
        return fresh(convert_value(result.as_list(), torch.int32))
    if type(result) in (list, tuple):
        return type(result)(_shapes_as_tensors(item) for item in result)
    if type(result) is dict:
        return {key: _shapes_as_tensors(item) for key, item in result.items()}
    return result


def returned(result: Any, function: Any) -> Tuple[Any, List[Any]]:
    """What a `tf.function` returns for its Python function's `result` (shapes and
    Python numbers as tensors, Variables read), and the leaves of it.

    Raises:
      TypeError: `result` holds an object no graph can return (TF's message).
    """
    result = _shapes_as_tensors(result)
    leaves = [_as_result(leaf, function) for leaf in flatten(result)]
    result = pack_like(result, leaves) if isinstance(result, (list, tuple, dict)) else leaves[0]
    return result, leaves


def output_specs(outputs: Any) -> Any:
    """`outputs` with each tensor as a TensorSpec (a concrete function's outputs)."""
    def spec(leaf: Any) -> Any:
        if isinstance(leaf, _Tensor):
            with _DisableSubclass():
                return TensorSpec(tuple(_SIZE(leaf)), _DTYPE(leaf))
        return leaf
    leaves = [spec(leaf) for leaf in flatten(outputs)]
    if isinstance(outputs, (list, tuple, dict)):
        return pack_like(outputs, leaves)
    return leaves[0] if leaves else outputs


# ---------------------------------------------------------------------------
# Trace types and specs


def leaf_names(trace_type: Any, name: str) -> List[Tuple[str, str]]:
    """The flat names TF gives the leaves of an argument (`pair_0`, `d_k`), with their
    trace type tags, in `flatten` order."""
    tag = trace_type[0]
    if tag in ("list", "tuple", "namedtuple"):
        return [leaf for i, item in enumerate(trace_type[-1])
                for leaf in leaf_names(item, f"{name}_{i}")]
    if tag == "dict":
        return [leaf for key, item in trace_type[1] for leaf in leaf_names(item, f"{name}_{key}")]
    return [(name, tag)]


def dtype_word(dtype: torch.dtype) -> str:
    """TF's word for a dtype in a kernel's input error (`float`, `double`, `int32`)."""
    return {torch.float32: "float", torch.float64: "double", torch.float16: "half"}.get(
        dtype, dtype_name(dtype))


def spec_of(trace_type: Any, name: str) -> Any:
    """The spec TF shows for an argument of `trace_type` (nested leaves named
    `name_0`, `name_key`)."""
    tag = trace_type[0]
    if tag in ("T", "V"):
        return TensorSpec(trace_type[2], trace_type[1], name)
    if tag == "L":
        return trace_type[1]
    if tag in ("list", "tuple"):
        items = [spec_of(item, f"{name}_{i}") for i, item in enumerate(trace_type[-1])]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {k: spec_of(v, f"{name}_{k}") for k, v in trace_type[1]}
    return trace_type


def general_type(trace_type: Any, spec: Any) -> Any:
    """`trace_type` relaxed to the shapes of `spec` (an `input_signature` entry)."""
    if isinstance(spec, TensorSpec) and trace_type[0] == "T":
        return ("T", spec.dtype, spec.dims)
    if isinstance(spec, (list, tuple)) and trace_type[0] in ("list", "tuple"):
        return trace_type[:-1] + (tuple(general_type(t, s) for t, s in zip(trace_type[-1], spec)),)
    if isinstance(spec, dict) and trace_type[0] == "dict":
        return ("dict", tuple((k, general_type(t, spec.get(k))) for k, t in trace_type[1]))
    return trace_type


def zeros_for(value: Any) -> Any:
    """`value` with each TensorSpec in it as zeros of its shape (unknown sizes: 1)."""
    if isinstance(value, TensorSpec):
        shape = [1 if d is None else d for d in (value.dims or ())]
        return fresh(torch.zeros(shape, dtype=value.dtype))
    if isinstance(value, (list, tuple)):
        return type(value)(zeros_for(item) for item in value)
    if isinstance(value, dict):
        return {k: zeros_for(v) for k, v in value.items()}
    return value


@contextlib.contextmanager
def variables_kept() -> Iterator[None]:
    """Every live Variable as it was before the block (a trace for
    `get_concrete_function` runs the Python for real; TF's only builds a graph)."""
    saved = [(v, storage_alias(v), storage_copy(v)) for v in live_variables()]
    try:
        yield
    finally:
        for variable, storage, values in saved:
            with _DisableSubclass():
                set_data(variable, storage)
                storage.copy_(values)


def live_variables() -> List[Variable]:
    return [obj for obj in gc.get_objects() if issubclass(type(obj), Variable)]


def storage_alias(variable: Variable) -> _Tensor:
    with _DisableSubclass():
        return torch.Tensor.detach(variable)


def storage_copy(variable: Variable) -> _Tensor:
    with _DisableSubclass():
        return torch.Tensor.detach(variable).clone()
