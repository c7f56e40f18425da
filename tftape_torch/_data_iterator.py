"""The iterator over a `tf.data.Dataset`: `next(it)`, `it.get_next()` (TF's
`OutOfRangeError` at the end) and `it.get_next_as_optional()`. A `tf.train.Checkpoint`
saves its position and restores it by replaying the dataset to there."""

from __future__ import annotations

import collections
import itertools
from typing import Any, Iterator

import torch

from tftape_torch import _state, errors
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

    TFTAPE_CHECKPOINT_SUFFIX = ".ATTRIBUTES/ITERATOR_STATE"

    def __init__(self, dataset: Any, elements: Iterator[Element]) -> None:
        self._dataset = dataset
        self._iterator = elements
        self._position = 0  # elements handed out

    def __iter__(self) -> DatasetIterator:
        return self

    def __next__(self) -> Element:
        trace = _state.tracing()
        if trace is not None:
            # A replayed graph would hand out the traced elements again (TF's graph
            # runs IteratorGetNext at each call): the function runs eagerly instead.
            trace.fail("it takes elements from a tf.data iterator")
        element = next(self._iterator)
        self._position += 1
        return as_public(element)

    def tftape_checkpoint_state(self) -> torch.Tensor:
        return torch.tensor([self._position], dtype=torch.int64)

    def tftape_restore_checkpoint_state(self, state: torch.Tensor) -> None:
        """Go on from a saved position: a fresh pass over the dataset, that far in."""
        position = int(state.reshape(-1)[0])
        elements = iter(self._dataset)._iterator
        collections.deque(itertools.islice(elements, position), maxlen=0)
        self._iterator, self._position = elements, position

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
