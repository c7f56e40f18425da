"""What `tf.data` pipelines carry: elements (structures of plain tensors, converted
with TF's rules), their `TensorSpec`s, and the small steps transformations share
(calling a user function on an element, stacking elements into a batch).

>>> import torch
>>> spec_of(torch.zeros(2, 3))
TensorSpec(shape=(2, 3), dtype=tf.float32, name=None)
"""

from __future__ import annotations

import collections.abc
import itertools
from typing import Any, Callable, Iterator, List, Optional, Sequence

import torch

from tftape_torch import _state, errors
from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._dtypes import as_dtype
from tftape_torch._structure import flatten, map_structure, pack_like
from tftape_torch._tensor import as_eager
from tftape_torch._tensor_spec import TensorSpec, join_shapes
from tftape_torch._torch_internals import DisableTorchFunctionSubclass
from tftape_torch._variable import Variable

__all__ = [
    "Element", "TensorSpec", "as_public", "batched_spec", "common_spec", "flatten_up_to", "call_on",
    "dtype_text", "element_spec_of", "probed_spec", "is_namedtuple", "is_true", "normalize",
    "normalize_generated", "normalize_output", "row", "seed_for", "shape_list", "spec_of",
    "stack_elements", "to_tensor", "unbatched_spec",
]

Element = Any


# ---------------------------------------------------------------------------
# Specs


def dtype_text(dtype: torch.dtype) -> str:
    return "tf." + str(dtype).replace("torch.", "")


def spec_of(tensor: torch.Tensor) -> TensorSpec:
    return TensorSpec(tuple(tensor.shape), tensor.dtype)


def batched_spec(spec: TensorSpec, size: Optional[int]) -> TensorSpec:
    return TensorSpec((size, *(spec.dims or ())), spec.dtype)


def unbatched_spec(spec: TensorSpec) -> TensorSpec:
    return TensorSpec(None if spec.dims is None else spec.dims[1:], spec.dtype)


def common_spec(a: Any, b: Any) -> Any:
    """The most specific element spec both `a` and `b` fit (TF's common supertype: the
    same structure and dtypes, each dimension kept where both agree on it).

    >>> common_spec((TensorSpec((2,), torch.int32),), (TensorSpec((3,), torch.int32),))
    (TensorSpec(shape=(None,), dtype=tf.int32, name=None),)

    Raises:
      TypeError: for specs of different structures or dtypes.
    """
    if isinstance(a, TensorSpec) and isinstance(b, TensorSpec):
        if a.dtype != b.dtype:
            raise TypeError(f"No common supertype of {a!r} and {b!r}.")
        return TensorSpec(join_shapes(a.dims, b.dims), a.dtype, a.name if a == b else None)
    if isinstance(a, collections.abc.Mapping) and isinstance(b, collections.abc.Mapping):
        if set(a) != set(b):
            raise TypeError(f"No common supertype of {a!r} and {b!r}.")
        return type(a)((key, common_spec(a[key], b[key])) for key in a)  # type: ignore[call-arg]
    if isinstance(a, (tuple, list)) and type(a) is type(b) and len(a) == len(b):
        parts = [common_spec(x, y) for x, y in zip(a, b)]
        return type(a)(*parts) if is_namedtuple(a) else type(a)(parts)
    if a == b:  # a window's `DatasetSpec`s
        return a
    raise TypeError(f"No common supertype of {a!r} and {b!r}.")


def probed_spec(elements: Iterator[Element]) -> Any:
    """The element spec read off a dataset's first two `elements` (None when empty).

    NOTE: TF infers the spec of a function's outputs (`map`, `flat_map`...) from its
    graph, where a dimension that depends on the values is unknown. Two elements
    whose dimensions differ show such a dimension: it becomes `None` here too, so
    that `padded_batch` and `bucket_by_sequence_length` do not pad to the first
    element's size. A dimension the first two elements share stays a number.
    """
    probes = [element_spec_of(element) for element in itertools.islice(elements, 2)]
    if not probes:
        return None
    try:
        return common_spec(probes[0], probes[-1])
    except TypeError:  # a function that changes structure or dtype: TF fails at tracing
        return probes[0]


# ---------------------------------------------------------------------------
# Elements


def is_namedtuple(obj: Any) -> bool:
    return isinstance(obj, tuple) and hasattr(type(obj), "_fields")


def to_tensor(value: Any) -> torch.Tensor:
    """A plain, detached torch tensor holding `value` (TF's conversion rules)."""
    if isinstance(value, Variable):
        value = value.read_value()
    if not isinstance(value, torch.Tensor):
        value = convert_to_tensor(value)
    with DisableTorchFunctionSubclass():
        return torch.Tensor.detach(value).as_subclass(torch.Tensor)


def normalize(value: Any) -> Any:
    """A structure of plain tensors: tuples, namedtuples and dicts are structure,
    everything else (lists included) becomes one tensor."""
    if isinstance(value, collections.abc.Mapping):
        return type(value)((key, normalize(item)) for key, item in value.items())  # type: ignore[call-arg]
    if is_namedtuple(value):
        return type(value)(*(normalize(item) for item in value))
    if isinstance(value, tuple):
        return tuple(normalize(item) for item in value)
    return to_tensor(value)


def normalize_output(value: Any) -> Any:
    """A function's output as an element: a returned list counts as a tuple (TF)."""
    if isinstance(value, list):
        value = tuple(value)
    return normalize(value)


def normalize_generated(value: Any, dtypes: Any, device: Optional[torch.device]) -> Any:
    """A generator's output as an element: laid out as `dtypes` (a structure of dtypes,
    where a list the generator yields for one dtype is one tensor, as in TF), or, with
    `dtypes` None, as `normalize_output` makes it; on `device` (None: where made)."""
    if dtypes is None:
        value = normalize_output(value)
        return value if device is None else map_structure(lambda t: t.to(device), value)

    def up_to(kinds: Any, item: Any) -> Any:
        if isinstance(kinds, collections.abc.Mapping):
            return type(kinds)((key, up_to(kinds[key], item[key])) for key in kinds)  # type: ignore[call-arg]
        if isinstance(kinds, (tuple, list)):
            parts = [up_to(kind, part) for kind, part in zip(kinds, item)]
            return type(kinds)(*parts) if is_namedtuple(kinds) else tuple(parts)
        return to_tensor(item).to(device, kinds)

    return up_to(dtypes, value)


def as_public(element: Element) -> Element:
    """The element as the user sees it: leaves as this package's tensors (a window's
    datasets stay datasets)."""
    return map_structure(lambda leaf: as_eager(leaf) if isinstance(leaf, torch.Tensor)
                         else leaf, element)


def declared_spec(types: Any, shapes: Any) -> Any:
    """The element spec `from_generator`'s `output_types` and `output_shapes` declare:
    `output_types`' structure, each shape `output_shapes` gives at its place (the whole
    shape at a dtype), unknown (`shape=<unknown>`) where it gives none."""
    if isinstance(types, dict):
        return {key: declared_spec(value, None if shapes is None else shapes[key])
                for key, value in types.items()}
    if isinstance(types, (list, tuple)):
        parts = [declared_spec(value, None if shapes is None else shapes[i])
                 for i, value in enumerate(types)]
        return type(types)(*parts) if is_namedtuple(types) else type(types)(parts)
    return TensorSpec(None if shapes is None else shapes, as_dtype(types))


def fitting(element: Element, specs: Sequence[TensorSpec]) -> Element:
    """`element`, checked to fit the shapes `specs` (its flattened spec) declare.

    Raises:
      InvalidArgumentError: TF's, for a generated element of another shape.
    """
    for leaf, spec in zip(flatten(element), specs):
        if spec.shape is not None and not spec.shape.is_compatible_with(leaf.shape):
            raise errors.InvalidArgumentError(
                None, None, f"TypeError: `generator` yielded an element of shape "
                f"{tuple(leaf.shape)} where an element of shape {tuple(spec.shape)} was "
                "expected.")
    return element


def numpy_value(tensor: torch.Tensor) -> Any:
    """A tensor as NumPy (a 0-d one as a NumPy scalar), as `as_numpy_iterator` gives it."""
    array = tensor.detach().cpu().numpy()
    return array[()] if array.ndim == 0 else array


def element_spec_of(element: Element) -> Any:
    return map_structure(spec_of, element)


def call_on(fn: Callable[..., Any], element: Element) -> Any:
    """`fn(*element)` for a plain tuple (TF unpacks those), else `fn(element)`."""
    public = as_public(element)
    if type(public) is tuple:
        return fn(*public)
    return fn(public)


def is_true(value: Any) -> bool:
    tensor = to_tensor(value)
    if tensor.dtype != torch.bool or tensor.dim() != 0:
        raise ValueError(
            "Invalid `predicate`. `predicate` must return a `tf.bool` scalar tensor, but its "
            f"return type is {spec_of(tensor)!r}."
        )
    return bool(tensor.item())


def stack_elements(elements: Sequence[Element]) -> Element:
    first = elements[0]
    columns = [flatten(element) for element in elements]
    stacked = []
    for index in range(len(columns[0])):
        parts = [column[index] for column in columns]
        try:
            stacked.append(torch.stack(parts))
        except RuntimeError as cause:
            raise errors.InvalidArgumentError(
                None, None,
                "Cannot batch tensors with different shapes in component "
                f"{index}. First element had shape {list(parts[0].shape)} and element "
                f"{next(i for i, p in enumerate(parts) if p.shape != parts[0].shape)} had "
                f"shape {list(next(p for p in parts if p.shape != parts[0].shape).shape)}.",
            ) from cause
    return pack_like(first, stacked)


def seed_for(seed: Optional[int]) -> Optional[int]:
    """The op seed TF would use: `seed`, else one derived from the global seed."""
    if seed is not None:
        return int(seed)
    return _state.random_seed()



def row(tensor: torch.Tensor, index: int) -> torch.Tensor:
    """Row `index` of `tensor`, as its own storage."""
    return tensor[index].clone()


def flatten_up_to(spec: Any, values: Any) -> List[Any]:
    """The leaves of `values` laid out as `spec`'s structure (a `TensorSpec` takes one
    whole value there, a shape list included)."""
    if isinstance(spec, TensorSpec):
        return [values]
    if isinstance(spec, collections.abc.Mapping):
        return [leaf for key in spec for leaf in flatten_up_to(spec[key], values[key])]
    return [leaf for sub, value in zip(spec, values) for leaf in flatten_up_to(sub, value)]


def shape_list(shape: Any) -> List[Optional[int]]:
    """A padded shape (list, tuple, `TensorShape` or tensor) as ints and `None`s."""
    if isinstance(shape, torch.Tensor):
        shape = shape.reshape(-1).tolist()
    return [None if d is None or int(d) < 0 else int(d) for d in shape]
