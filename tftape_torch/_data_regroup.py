"""`tf.data`'s transformations that regroup elements: `Dataset.rebatch`,
`tf.data.experimental.group_by_reducer` (with its `Reducer`), `pad_to_cardinality`
and `from_list`.

`rebatch` re-slices the batches of a batched dataset into batches of other sizes
(cycling through a list of sizes), as `unbatch().batch(n)` would. `group_by_reducer`
keeps one state per int64 key and, at the end of the input, gives each key's
finalized state, in increasing key order (TF keeps the states in a `std::map`).

>>> import tftape_torch as tf
>>> ds = tf.data.Dataset.range(10).batch(4)
>>> [b.numpy().tolist() for b in ds.rebatch([2, 1, 1])]
[[0, 1], [2], [3], [4, 5], [6], [7], [8, 9]]
>>> sums = tf.data.experimental.Reducer(lambda key: tf.constant(0, tf.int64),
...                                     lambda state, x: state + x, lambda state: state)
>>> [int(s) for s in tf.data.Dataset.range(10).apply(
...     tf.data.experimental.group_by_reducer(lambda x: x % 3, sums))]
[18, 12, 15]
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

import torch

from tftape_torch import errors
from tftape_torch._data_elements import (
    Element,
    TensorSpec,
    batched_spec,
    call_on,
    element_spec_of,
    normalize,
    normalize_output,
    stack_elements,
    to_tensor,
    unbatched_spec,
)
from tftape_torch._device import current_device
from tftape_torch._structure import flatten, map_structure, pack_like

__all__ = ["RegroupTransformations", "Reducer", "from_list", "group_by_reducer",
           "pad_to_cardinality"]

UNKNOWN_CARDINALITY = -2


class Reducer:
    """How `group_by_reducer` reduces one group: `init_func(key)` makes the group's
    state, `reduce_func(state, element)` folds in an element, and
    `finalize_func(state)` (a tuple state unpacked into arguments) gives the output."""

    def __init__(self, init_func: Callable[..., Any], reduce_func: Callable[..., Any],
                 finalize_func: Callable[..., Any]) -> None:
        self._init_func = init_func
        self._reduce_func = reduce_func
        self._finalize_func = finalize_func

    @property
    def init_func(self) -> Callable[..., Any]:
        return self._init_func

    @property
    def reduce_func(self) -> Callable[..., Any]:
        return self._reduce_func

    @property
    def finalize_func(self) -> Callable[..., Any]:
        return self._finalize_func


def _batch_sizes(batch_sizes: Any) -> List[int]:
    sizes = to_tensor(batch_sizes)
    if sizes.dim() > 1:
        raise ValueError(
            "Invalid `batch_sizes`. Expected `batch_sizes` to be a scalar or a vector. "
            f"Received `batch_sizes` of rank {sizes.dim()}.")
    values = [int(v) for v in sizes.reshape(-1).tolist()]
    if not values or any(v <= 0 for v in values):
        # TF loops forever on sizes of 0 and fails later on negative ones.
        raise errors.InvalidArgumentError(
            None, None, f"batch_sizes must be positive, got {values} [Op:RebatchDatasetV2]")
    return values


def _int64_key(value: Any) -> int:
    key = to_tensor(value)
    if key.dtype != torch.int64 or key.dim() != 0:
        raise ValueError(
            "Invalid `key_func`. Expected `key_func` to return a scalar tf.int64 tensor, but "
            f"instead `key_func` has output types={key.dtype} and shapes={list(key.shape)}.")
    return int(key.item())


class RegroupTransformations:
    """`rebatch` and the dataset behind `group_by_reducer`, for `Dataset`; the class
    provides `_factory`, `_cardinality` and `element_spec`."""

    _factory: Callable[[], Iterator[Element]]
    _cardinality: int
    element_spec: Any

    def _regrouped(self, factory: Callable[[], Iterator[Element]], cardinality: int,
                   spec: Optional[Callable[[], Any]], tf_name: str) -> Any:
        return type(self)(factory, cardinality, spec, tf_name)  # type: ignore[call-arg]

    def rebatch(self, batch_size: Any, drop_remainder: bool = False,
                name: Optional[str] = None) -> Any:
        """The elements of this batched dataset in batches of `batch_size` (or of the
        sizes in a list, cycled), across the input's batch boundaries.

        Raises:
          ValueError: for scalar elements, or `batch_size` of rank 2 or more.
          InvalidArgumentError: for a size that is not positive.
        """
        specs = flatten(self.element_spec)
        if any(len(spec.shape) == 0 for spec in specs):
            raise ValueError(
                "Invalid `batch_sizes`. Expected dataset with rank of >= 1 but found a dataset "
                "with scalar elements. Fix the issue by adding the `batch` transformation to "
                "the dataset.")
        sizes, drop, source = _batch_sizes(batch_size), bool(drop_remainder), self
        static = sizes[0] if len(set(sizes)) == 1 else None
        if static is not None and not drop:
            known = {spec.shape[0] for spec in specs if spec.shape[0] is not None}
            if not known or any(k % static for k in known):
                static = None  # a partial batch may come

        def factory() -> Iterator[Element]:
            rows = (row for element in source._factory() for row in _rows(element))
            for size in itertools.cycle(sizes):
                chunk = list(itertools.islice(rows, size))
                if not chunk or (drop and len(chunk) < size):
                    return
                yield stack_elements(chunk)

        return self._regrouped(
            factory, UNKNOWN_CARDINALITY,
            lambda: map_structure(lambda s: batched_spec(unbatched_spec(s), static),
                                  source.element_spec),
            "_RebatchDataset")

    def _group_by_reducer(self, key_func: Callable[..., Any], reducer: Reducer) -> Any:
        source, device = self, current_device()

        def factory() -> Iterator[Element]:
            states: Dict[int, Any] = {}
            for element in source._factory():
                key = _int64_key(call_on(key_func, element))
                if key not in states:
                    states[key] = normalize_output(reducer.init_func(
                        torch.tensor(key, dtype=torch.int64, device=device)))
                states[key] = normalize_output(reducer.reduce_func(states[key], element))
            for key in sorted(states):
                yield normalize_output(call_on(reducer.finalize_func, states[key]))

        return self._regrouped(factory, UNKNOWN_CARDINALITY, None,
                               "_GroupByReducerDataset")


def _rows(element: Element) -> Iterator[Element]:
    leaves = flatten(element)
    for index in range(int(leaves[0].shape[0]) if leaves else 0):
        yield pack_like(element, [leaf[index] for leaf in leaves])


def group_by_reducer(key_func: Callable[..., Any], reducer: Reducer) -> Callable[[Any], Any]:
    """For `Dataset.apply`: groups the elements by the int64 key `key_func` gives them
    and reduces each group with `reducer`; one output per key, in increasing key order.

    Raises:
      ValueError: (while iterating) for a key that is not an int64 scalar.
    """
    return lambda dataset: dataset._group_by_reducer(key_func, reducer)


def pad_to_cardinality(cardinality: int, mask_key: str = "valid") -> Callable[[Any], Any]:
    """For `Dataset.apply`: a dataset of dicts, padded to `cardinality` elements with
    zeros, with `mask_key` True on its own elements and False on the padding.

    Raises:
      ValueError: for a dataset of unknown or larger cardinality, or not of dicts.
    """

    def apply(dataset: Any) -> Any:
        known = int(dataset.cardinality())
        if known < 0:
            raise ValueError(
                "The dataset passed into `pad_to_cardinality` must have a known cardinalty, "
                f"but has cardinality {dataset.cardinality()}")
        if known > cardinality:
            raise ValueError(
                "The dataset passed into `pad_to_cardinality` must have a cardinalty less "
                f"than the target cardinality ({cardinality}), but has cardinality "
                f"{dataset.cardinality()}")
        if not isinstance(dataset.element_spec, dict):
            raise ValueError("`pad_to_cardinality` requires its input dataset to be a "
                             "dictionary.")
        filler = {key: torch.zeros(tuple(spec.shape), dtype=spec.dtype)
                  for key, spec in dataset.element_spec.items()}
        filler[mask_key] = torch.tensor(False)
        padding = type(dataset).from_tensors(filler).repeat(cardinality - known)
        return dataset.map(lambda element: {**element, mask_key: torch.tensor(True)}
                           ).concatenate(padding)

    return apply


def _common_spec(specs: Sequence[TensorSpec]) -> TensorSpec:
    first = specs[0]
    dims: List[Optional[int]] = list(first.shape)
    for spec in specs[1:]:
        if len(spec.shape) != len(dims):
            raise TypeError("Invalid `elements`. Elements have incompatible ranks.")
        dims = [d if d == e else None for d, e in zip(dims, spec.shape)]
    return TensorSpec(tuple(dims), first.dtype)


def from_list(dataset_class: Any, elements: Any, name: Optional[str] = None) -> Any:
    """`tf.data.experimental.from_list`: a dataset of the elements of a list, whose
    element spec is the most specific one all of them fit.

    Raises:
      ValueError: for an empty list, or not a list.
      TypeError: for elements of other structures or dtypes.
    """
    if not elements:
        raise ValueError("Invalid `elements`. `elements` should not be empty. If you want an "
                         "empty dataset, use `tf.data.Dataset.range(0)`.")
    if not isinstance(elements, list):
        raise ValueError("Invalid `elements`. `elements` must be a list.")
    held = [normalize(element) for element in elements]
    specs = [element_spec_of(element) for element in held]
    columns = [flatten(spec) for spec in specs]
    if any(len(column) != len(columns[0]) for column in columns):
        raise TypeError("Invalid `elements`. The elements do not have the same structure.")
    for column in zip(*columns):
        if any(spec.dtype != column[0].dtype for spec in column):
            raise TypeError("Invalid `elements`. The elements do not have the same dtypes: "
                            f"{[spec.dtype for spec in column]}.")
    merged = [_common_spec(list(column)) for column in zip(*columns)]
    spec = pack_like(specs[0], merged)
    return dataset_class(lambda: iter(held), len(held), lambda: spec, "_ListDataset")
