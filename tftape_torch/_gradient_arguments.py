"""The arguments of `gradient`/`jacobian`: sources, targets and output gradients, TF's way.

Sources and targets may be tensors, Variables, nested structures of them, an
`nn.Module` (its named parameters) or an iterator such as `model.parameters()`.
Bad arguments raise the exception classes TF raises, naming the argument.

>>> import torch
>>> flatten_sources(as_structure({"b": torch.ones(1), "a": [torch.zeros(1)]}))
[tensor([0.]), tensor([1.])]
"""

from __future__ import annotations

import warnings
from typing import Any, List, Optional, Sequence

import numpy as np
import torch

from tftape_torch import _structure
from tftape_torch._convert import convert_value
from tftape_torch._dtypes import dtype_name
from tftape_torch._indexed_slices import IndexedSlices
from tftape_torch._tensor import EagerTensor, as_eager
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._unconnected import UnconnectedGradients, zeros
from tftape_torch._variable import (
    ResourceVariable,
    Variable,
    is_foreign_variable,
    variable_storage,
)
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "SINGLE_TENSOR_TYPES",
    "as_structure",
    "check_sources",
    "check_targets",
    "fill_unconnected",
    "flatten_sources",
    "output_gradient_seeds",
    "raise_bad_source",
    "warn_not_floating",
]

SINGLE_TENSOR_TYPES = (torch.Tensor, EagerTensor, torch.nn.Parameter, ResourceVariable)


def as_structure(sources: Any) -> Any:
    """`sources` as a structure TF's `nest` knows.

    An `nn.Module` stands for the dict of its named parameters, and an iterator
    (such as `model.parameters()`) for the list of what it yields.
    """
    if type(sources) in SINGLE_TENSOR_TYPES:
        return sources
    if isinstance(sources, torch.nn.Module):
        return dict(sources.named_parameters())
    if isinstance(sources, (torch.Tensor, list, tuple, dict, str)) or not hasattr(
        sources, "__next__"
    ):
        return sources
    return list(sources)


def flatten_sources(structure: Any) -> List[Any]:
    if (type(structure) in SINGLE_TENSOR_TYPES or isinstance(structure, Variable)
            or is_foreign_variable(structure)):
        return [structure]
    if _is_flat_list(structure):
        return structure
    return _structure.flatten(structure)


def watched_components(structure: Any) -> List[Any]:
    """What `watch(structure)` watches: its tensors, with an IndexedSlices expanded into
    its components (values, indices, dense shape), as TF's `nest` expands composites."""
    items: List[Any] = []
    for item in flatten_sources(structure):
        if isinstance(item, IndexedSlices):
            items += [part for part in (item.values, item.indices, item.dense_shape)
                      if part is not None]
        else:
            items.append(item)
    return items


def _is_flat_list(structure: Any) -> bool:
    """A list of tensors (such as `list(model.parameters())`): its own flattening."""
    if type(structure) is not list:
        return False
    for item in structure:
        if type(item) not in SINGLE_TENSOR_TYPES:
            return False
    return True


def output_gradient_seeds(
    output_gradients: Any, flat_targets: Sequence[Any]
) -> Optional[List[Any]]:
    """One upstream gradient per target, TF's way (`None`: ones for every target).

    Each entry converts as `tf.convert_to_tensor` does, without the target's dtype
    (a Python int is int32, a float64 array float64): a dtype that differs from the
    target's raises TF's `InvalidArgumentError`. As in TF, entries beyond the targets
    are ignored.
    """
    if output_gradients is None:
        return None
    flat = _structure.flatten(output_gradients)
    if len(flat) < len(flat_targets):
        raise ValueError(
            "Argument `output_gradients` must have the same structure as `target`: "
            f"got {len(flat)} output gradients for {len(flat_targets)} targets."
        )
    # NOTE: a `None` entry is not "ones" in TF: only `output_gradients=None` as a
    # whole is. TF's tape tries to convert the entry and raises.
    if any(seed is None for seed in flat[: len(flat_targets)]):
        raise ValueError(
            "Attempt to convert a value (None) with an unsupported type "
            "(<class 'NoneType'>) to a Tensor."
        )
    return [_as_seed(seed, target) for seed, target in zip(flat, flat_targets)]


def _as_seed(seed: Any, target: Any) -> Optional[torch.Tensor]:
    if seed is None or not isinstance(target, torch.Tensor):
        return None
    with _DisableSubclass():
        if not isinstance(seed, torch.Tensor):
            try:
                seed = convert_value(seed, None, target.device)
            except (TypeError, ValueError) as error:
                raise InvalidArgumentError(
                    None, None, f"Argument `output_gradients` has an entry {seed!r}: {error}"
                ) from None
        if seed.dtype != target.dtype:
            raise InvalidArgumentError(
                None, None,
                f"Argument `output_gradients` has an entry of dtype {dtype_name(seed.dtype)} "
                f"for a target of dtype {dtype_name(target.dtype)}.",
            )
        size = torch.Tensor.size(target)  # not `target.shape`: a Variable's may hold None
        if seed.shape != size:
            try:  # broadcasting is as close as torch gets (NOTE in known_differences)
                seed = torch.broadcast_to(seed, size)
            except RuntimeError:
                raise InvalidArgumentError(
                    None, None,
                    "Argument `output_gradients` has an entry of shape "
                    f"{tuple(seed.shape)} that does not broadcast to its target's shape "
                    f"{tuple(target.shape)}.",
                ) from None
    return seed


def fill_unconnected(
    grads: List[Optional[torch.Tensor]],
    sources: Sequence[Any],
    unconnected: UnconnectedGradients,
) -> List[Optional[torch.Tensor]]:
    if unconnected is UnconnectedGradients.NONE:
        return grads
    return [
        grad if grad is not None else _zeros_like(source)
        for grad, source in zip(grads, sources)
    ]


def _zeros_like(source: Any) -> torch.Tensor:
    if is_foreign_variable(source):  # a library's variable: TF's tensors of its storage
        storage = variable_storage(source)
        return as_eager(zeros(storage.shape, storage.dtype, storage.device))
    # NOTE: the value's shape, not `source.shape`: a Variable made with
    # `shape=TensorShape([None, 2])` reports `None` dimensions there (TF's zeros take
    # the shape of the value the variable holds).
    with _DisableSubclass():
        shape = torch.Tensor.size(source)
    return zeros(shape, source.dtype, source.device, source)


def check_sources(sources: Sequence[Any], first: bool = False) -> None:
    """TF's errors for anything among `sources` that is not a tensor or a Variable.

    With `first`, only TF's first check's: it reads each source's dtype, which
    arrays and IndexedSlices have (its tape trips over them last, after the output
    gradients and `unconnected_gradients` are checked: `gradient` checks twice).
    """
    for source in sources:
        if (type(source) not in SINGLE_TENSOR_TYPES and not isinstance(source, torch.Tensor)
                and not is_foreign_variable(source) and not (first and _has_dtype(source))):
            raise_bad_source(source)


def check_targets(targets: Sequence[Any], first: bool = False) -> None:
    """`check_sources` for targets (TF checks them first)."""
    for target in targets:
        if not isinstance(target, torch.Tensor) and not (first and _has_dtype(target)):
            raise_bad_source(target, "target")


def _has_dtype(item: Any) -> bool:
    return isinstance(item, (IndexedSlices, np.ndarray, np.generic))


def raise_bad_source(source: Any, argument: str = "sources") -> None:
    message = (
        f"Argument `{argument}` must contain tensors or Variables, got {source!r} of type "
        f"'{type(source).__name__}'."
    )
    # TF trips over numbers, arrays and IndexedSlices with an AttributeError (no
    # `_id`/`dtype`) and over anything else (None, strings, objects) with a TypeError;
    # keep its classes.
    if isinstance(source, IndexedSlices):
        raise AttributeError(f"'IndexedSlices' object has no attribute '_id' ({message} "
                             "Convert it with tf.convert_to_tensor.)")
    if isinstance(source, (int, float, complex, np.generic, np.ndarray)):
        raise AttributeError(message)
    raise TypeError(message)


def warn_not_floating(dtype: torch.dtype) -> None:
    warnings.warn(
        "The dtype of the watched tensor must be floating (e.g. tf.float32), "
        f"got tf.{str(dtype).replace('torch.', '')}",
        stacklevel=3,
    )
