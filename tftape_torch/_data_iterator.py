"""The iterator over a `tf.data.Dataset`: `next(it)`, `it.get_next()` (TF's
`OutOfRangeError` at the end) and `it.get_next_as_optional()`."""

from __future__ import annotations

from typing import Any, Iterator

from tftape_torch import errors
from tftape_torch._data_elements import Element, as_public
from tftape_torch._optional import OptionalValue

__all__ = ["DatasetIterator"]

_END = object()


class DatasetIterator:
    """An iterator over a `Dataset` (`next(it)`, or `it.get_next()`).

    >>> import tftape_torch as tf
    >>> it = iter(tf.data.Dataset.range(1))
    >>> print(it.get_next())
    tf.Tensor(0, shape=(), dtype=int64)
    >>> print(it.get_next_as_optional().has_value())
    tf.Tensor(False, shape=(), dtype=bool)
    """

    def __init__(self, dataset: Any, elements: Iterator[Element]) -> None:
        self._dataset = dataset
        self._iterator = elements

    def __iter__(self) -> DatasetIterator:
        return self

    def __next__(self) -> Element:
        return as_public(next(self._iterator))

    def get_next(self) -> Element:
        """The next element.

        Raises:
          tf.errors.OutOfRangeError: at the end of the dataset.
        """
        try:
            return next(self)
        except StopIteration:
            raise errors.OutOfRangeError(
                None, None, "End of sequence [Op:IteratorGetNext] name: "
            ) from None

    def get_next_as_optional(self) -> OptionalValue:
        """The next element as an optional value, empty at the end of the dataset."""
        element = next(self, _END)
        if element is _END:
            return OptionalValue.empty(self.element_spec)
        return OptionalValue(element, self.element_spec)

    @property
    def element_spec(self) -> Any:
        return self._dataset.element_spec
