"""`tf.data`'s transformations that join datasets or split their elements: `zip`,
`concatenate` and `unbatch`, with TF's element specs, cardinalities and checks.

`Dataset` inherits them from `CombineTransformations` (`data` imports this module,
not the other way round).

>>> import tftape_torch as tf
>>> a = tf.data.Dataset.from_tensors([1, 2])
>>> a.concatenate(tf.data.Dataset.from_tensors([3, 4, 5])).element_spec
TensorSpec(shape=(None,), dtype=tf.int32, name=None)
>>> tf.data.Dataset.from_tensors([[1, 2], [3, 4]]).unbatch().cardinality().numpy()
np.int64(2)
"""

from __future__ import annotations

import collections.abc
from typing import Any, Callable, Iterator, List, Optional

from tftape_torch._data_elements import Element, common_spec, unbatched_spec
from tftape_torch._structure import flatten, map_structure, pack_like

__all__ = ["CombineTransformations"]

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2

#: Datasets whose element spec is exact (not read off elements, see `probed_spec`):
#: `unbatch` trusts their leading dimension for its cardinality.
_EXACT_SPECS = ("_TensorDataset", "_TensorSliceDataset", "_BatchDataset",
                "_ParallelBatchDataset", "_PaddedBatchDataset")


def _check_members(structure: Any) -> None:
    """TF's check that `structure` is a structure of datasets, where (as in TF's
    `tf.data` nest) a Python list is a leaf, not a structure."""
    if isinstance(structure, list):
        raise TypeError(
            "Invalid input to `zip`. Inputs are expected to be (nested) structures of "
            "`tf.data.Dataset` objects. Python `list` is not supported and you should "
            "use `tuple` instead.")
    if isinstance(structure, collections.abc.Mapping):
        for key in structure:
            _check_members(structure[key])
    elif isinstance(structure, tuple):
        for member in structure:
            _check_members(member)
    elif not hasattr(structure, "_factory"):
        raise TypeError(
            "Invalid input to `zip`. Inputs are expected to be (nested) structures of "
            f"`tf.data.Dataset` objects but encountered object of type {type(structure)}.")


class CombineTransformations:
    """`zip`, `concatenate` and `unbatch` of `Dataset`.

    The datasets they make are of the class they are called on, which takes
    `(factory, cardinality, spec, tf_name)` and provides `_factory` (the elements),
    `_cardinality`, `_tf_name` and `element_spec`.
    """

    _factory: Callable[[], Iterator[Element]]
    _cardinality: int
    _tf_name: str
    element_spec: Any

    @classmethod
    def zip(cls, *args: Any, datasets: Any = None, name: Optional[str] = None) -> Any:
        """A dataset zipping together a structure of datasets (or several datasets):
        one argument is the structure (a single dataset included), several a tuple.

        Raises:
          TypeError: without datasets, with both `args` and `datasets`, or for a
            structure holding something else than datasets (a Python list among them).
        """
        if not args and datasets is None:
            raise TypeError("Must pass at least one dataset to `zip`.")
        if args and datasets is not None:
            raise TypeError("Both `*args` and `datasets` cannot be set.")
        structure = datasets if datasets is not None else args[0] if len(args) == 1 else args
        _check_members(structure)
        members: List[CombineTransformations] = flatten(structure)
        cards = [member._cardinality for member in members]
        if any(card == UNKNOWN_CARDINALITY for card in cards):
            card = UNKNOWN_CARDINALITY
        elif all(card == INFINITE_CARDINALITY for card in cards):
            card = INFINITE_CARDINALITY
        else:
            card = min(card for card in cards if card != INFINITE_CARDINALITY)

        def factory() -> Iterator[Element]:
            for parts in zip(*(iter(member._factory()) for member in members)):
                yield pack_like(structure, list(parts))

        return cls(factory, card,  # type: ignore[call-arg]
                   lambda: pack_like(structure, [m.element_spec for m in members]),
                   "_ZipDataset")

    def concatenate(self, dataset: Any, name: Optional[str] = None) -> Any:
        """The elements of this dataset followed by those of `dataset`; the element
        spec is the most specific one both datasets' elements fit (TF's common
        supertype).

        Raises:
          TypeError: for elements of other structures or dtypes than this dataset's.
        """
        first, second = self, dataset
        try:
            spec = common_spec(first.element_spec, second.element_spec)
        except TypeError as cause:
            raise TypeError(f"Incompatible dataset elements:\n  {first.element_spec} vs. "
                            f"  {second.element_spec}") from cause

        def factory() -> Iterator[Element]:
            yield from first._factory()
            yield from second._factory()

        a, b = first._cardinality, second._cardinality
        if INFINITE_CARDINALITY in (a, b):
            card = INFINITE_CARDINALITY
        elif UNKNOWN_CARDINALITY in (a, b):
            card = UNKNOWN_CARDINALITY
        else:
            card = a + b
        return type(self)(factory, card, lambda: spec,  # type: ignore[call-arg]
                          "_ConcatenateDataset")

    def unbatch(self, name: Optional[str] = None) -> Any:
        """Splits elements into their slices along the first dimension; the
        cardinality is known when the elements' leading dimension is (TF's rule).

        Raises:
          ValueError: for elements with a scalar component, or components whose
            leading dimensions differ.
        """
        source, spec = self, self.element_spec
        leaves = flatten(spec)
        if any(leaf.dims is not None and len(leaf.dims) == 0 for leaf in leaves):
            raise ValueError("Cannot unbatch an input with scalar components.")
        known: Optional[int] = None
        for leaf in leaves:
            dim = leaf.dims[0] if leaf.dims else None
            if dim is not None and known is not None and dim != known:
                raise ValueError("`unbatch()` is only supported for datasets of elements "
                                 "whose components have a matching leading dimension. "
                                 f"Encountered both {known} and {dim}.")
            known = dim if dim is not None else known

        def factory() -> Iterator[Element]:
            for element in source._factory():
                parts = flatten(element)
                for index in range(int(parts[0].shape[0]) if parts else 0):
                    yield pack_like(element, [part[index].clone() for part in parts])

        card = self._cardinality
        if card >= 0:
            card = (card * known if known is not None and self._tf_name in _EXACT_SPECS
                    else UNKNOWN_CARDINALITY)
        return type(self)(factory, card,  # type: ignore[call-arg]
                          lambda: map_structure(unbatched_spec, spec), "_UnbatchDataset")
