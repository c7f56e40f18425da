"""`TensorShape`: the shape of a tensor as TF shows it.

>>> import tftape_torch as tf
>>> tf.ones((2, 3)).shape
TensorShape([2, 3])
"""

from __future__ import annotations

import math
from typing import Any, List, Optional

__all__ = ["TensorShape"]


class TensorShape(tuple):
    """The shape of a tensor, as TF shows it: prints `(2, 2)`, has `.as_list()`, `.rank`.

    A `tuple` of ints, so torch accepts it wherever it takes a size.

    >>> import tftape_torch as tf
    >>> s = tf.ones((2, 3)).shape
    >>> print(s), s.rank, s.as_list(), s[1:], s == [2, 3]
    (2, 3)
    (None, 2, [2, 3], TensorShape([3]), True)
    """

    __slots__ = ()

    def __new__(cls, dims: Any = ()) -> TensorShape:
        if dims is None:
            raise ValueError("tftape_torch has no shapes of unknown rank (TensorShape(None))")
        if isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    def __repr__(self) -> str:
        return f"TensorShape({list(self)!r})"

    def __str__(self) -> str:
        if len(self) == 1:
            return f"({'None' if self[0] is None else self[0]},)"
        return "(" + ", ".join("None" if d is None else str(d) for d in self) + ")"

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, slice):
            return TensorShape(tuple.__getitem__(self, key))
        return tuple.__getitem__(self, key)

    def __eq__(self, other: Any) -> bool:
        try:
            return tuple(self) == tuple(other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = tuple.__hash__

    def __add__(self, other: Any) -> TensorShape:  # type: ignore[override]
        return self.concatenate(other)

    def __radd__(self, other: Any) -> TensorShape:
        return TensorShape(tuple(other) + tuple(self))

    @property
    def rank(self) -> int:
        """The number of dimensions."""
        return len(self)

    @property
    def ndims(self) -> int:
        """The number of dimensions (TF's older name for `rank`)."""
        return len(self)

    @property
    def dims(self) -> List[Optional[int]]:
        """The dimensions, as a list."""
        return list(self)

    def as_list(self) -> List[Optional[int]]:
        """The dimensions, as a list of ints."""
        return list(self)

    def num_elements(self) -> Optional[int]:
        """The number of elements a tensor of this shape holds."""
        if any(d is None for d in self):
            return None
        return math.prod(self)

    numel = num_elements  # torch.Size's name, for torch code handed a TensorShape

    def is_fully_defined(self) -> bool:
        """True when every dimension is known."""
        return all(d is not None for d in self)

    def is_compatible_with(self, other: Any) -> bool:
        """True when the two shapes could describe the same tensor."""
        other = TensorShape(other)
        return len(self) == len(other) and all(
            a is None or b is None or a == b for a, b in zip(self, other)
        )

    def assert_is_compatible_with(self, other: Any) -> None:
        """Raises `ValueError` if `other` is not compatible with this shape."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Shapes {self} and {TensorShape(other)} are incompatible")

    def merge_with(self, other: Any) -> TensorShape:
        """The most specific shape compatible with both."""
        other = TensorShape(other)
        self.assert_is_compatible_with(other)
        return TensorShape(a if a is not None else b for a, b in zip(self, other))

    def concatenate(self, other: Any) -> TensorShape:
        """This shape followed by `other`'s dimensions."""
        return TensorShape(tuple(self) + tuple(TensorShape(other)))


TensorShape.__module__ = "tftape_torch"
