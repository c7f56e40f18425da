"""TF's optional value (`tf.experimental.Optional`): what
`iterator.get_next_as_optional()` returns, an element or nothing.

>>> import tftape_torch as tf
>>> it = iter(tf.data.Dataset.range(1))
>>> first = it.get_next_as_optional()
>>> print(first.has_value(), first.get_value())
tf.Tensor(True, shape=(), dtype=bool) tf.Tensor(0, shape=(), dtype=int64)
>>> print(it.get_next_as_optional().has_value())
tf.Tensor(False, shape=(), dtype=bool)
"""

from __future__ import annotations

from typing import Any

import torch

from tftape_torch._device import current_device
from tftape_torch._tensor import fresh
from tftape_torch.errors import InvalidArgumentError

__all__ = ["OptionalValue"]

_NOTHING = object()


class OptionalValue:
    """An element (a structure of tensors) or nothing, with its `element_spec`."""

    def __init__(self, value: Any, element_spec: Any) -> None:
        self._value = value
        self.element_spec = element_spec

    @classmethod
    def empty(cls, element_spec: Any) -> OptionalValue:
        """An optional holding nothing."""
        return cls(_NOTHING, element_spec)

    def has_value(self, name: Any = None) -> torch.Tensor:
        """Whether there is a value, as a boolean scalar tensor."""
        return fresh(torch.tensor(self._value is not _NOTHING, device=current_device()))

    def get_value(self, name: Any = None) -> Any:
        """The value.

        Raises:
          InvalidArgumentError: if there is none (as TF's `OptionalGetValue`).
        """
        if self._value is _NOTHING:
            raise InvalidArgumentError(
                None, None, "The optional does not have a value [Op:OptionalGetValue]")
        return self._value
