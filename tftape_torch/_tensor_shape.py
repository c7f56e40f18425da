"""`TensorShape`: the shape of a tensor as TF shows it.

>>> import tftape_torch as tf
>>> tf.ones((2, 3)).shape
TensorShape([2, 3])
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Tuple

__all__ = ["TensorShape"]


class TensorShape(Tuple[Any, ...]):
    """The shape of a tensor, as TF shows it: prints `(2, 2)`, has `.as_list()`, `.rank`.

    A `tuple` of ints, so torch accepts it wherever it takes a size. A dimension may
    be `None` (unknown), and `TensorShape(None)` is a shape of unknown rank: its
    `rank` and `dims` are `None`, and `len()`, iteration and `as_list()` raise TF's
    `ValueError`.

    >>> import tftape_torch as tf
    >>> s = tf.ones((2, 3)).shape
    >>> print(s), s.rank, s.as_list(), s[1:], s == [2, 3]
    (2, 3)
    (None, 2, [2, 3], TensorShape([3]), True)
    """

    # (no `__slots__`: a tuple subclass cannot have any, and an unknown-rank shape
    # carries its flag as an instance attribute)
    _unknown_rank = False

    def __new__(cls, dims: Any = ()) -> TensorShape:
        if dims is None:
            shape = super().__new__(cls, ())
            shape._unknown_rank = True
            return shape
        if isinstance(dims, TensorShape) and dims._unknown_rank:
            return dims
        if isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    def _known(self, what: str) -> None:
        if self._unknown_rank:
            raise ValueError(what)

    def __len__(self) -> int:
        if self._unknown_rank:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return tuple.__len__(self)

    def __iter__(self) -> Any:
        if self._unknown_rank:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return tuple.__iter__(self)

    def __repr__(self) -> str:
        if self._unknown_rank:
            return "TensorShape(None)"
        return f"TensorShape({list(self)!r})"

    def __str__(self) -> str:
        if self._unknown_rank:
            return "<unknown>"
        if len(self) == 1:
            return f"({'None' if self[0] is None else self[0]},)"
        return "(" + ", ".join("None" if d is None else str(d) for d in self) + ")"

    def __getitem__(self, key: Any) -> Any:
        if self._unknown_rank:
            return TensorShape(None) if isinstance(key, slice) else None
        if isinstance(key, slice):  # ints and Nones already
            return tuple.__new__(TensorShape, tuple.__getitem__(self, key))
        return tuple.__getitem__(self, key)

    def __eq__(self, other: Any) -> bool:
        if self._unknown_rank or (isinstance(other, TensorShape) and other._unknown_rank):
            return isinstance(other, TensorShape) and self._unknown_rank == other._unknown_rank
        try:
            return tuple(self) == tuple(other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other: Any) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = tuple.__hash__

    def __add__(self, other: Any) -> TensorShape:
        return self.concatenate(other)

    def __radd__(self, other: Any) -> TensorShape:
        return TensorShape(tuple(other) + tuple(self))

    @property
    def rank(self) -> Optional[int]:
        """The number of dimensions (`None` for a shape of unknown rank)."""
        return None if self._unknown_rank else tuple.__len__(self)

    @property
    def ndims(self) -> Optional[int]:
        """The number of dimensions (TF's older name for `rank`)."""
        return self.rank

    @property
    def dims(self) -> Optional[List[Optional[int]]]:
        """The dimensions, as a list (`None` for a shape of unknown rank)."""
        return None if self._unknown_rank else list(tuple.__iter__(self))

    def as_list(self) -> List[Optional[int]]:
        """The dimensions, as a list of ints.

        Raises:
          ValueError: for a shape of unknown rank.
        """
        self._known("as_list() is not defined on an unknown TensorShape.")
        return list(tuple.__iter__(self))

    def num_elements(self) -> Optional[int]:
        """The number of elements a tensor of this shape holds."""
        if self._unknown_rank or any(d is None for d in self):
            return None
        return math.prod(self)

    numel = num_elements  # torch.Size's name, for torch code handed a TensorShape

    def is_fully_defined(self) -> bool:
        """True when every dimension is known."""
        return not self._unknown_rank and all(d is not None for d in self)

    def is_compatible_with(self, other: Any) -> bool:
        """True when the two shapes could describe the same tensor."""
        other = TensorShape(other)
        if self._unknown_rank or other._unknown_rank:
            return True
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
        if self._unknown_rank or other._unknown_rank:
            return other if self._unknown_rank else self
        return TensorShape(a if a is not None else b for a, b in zip(self, other))

    def concatenate(self, other: Any) -> TensorShape:
        """This shape followed by `other`'s dimensions."""
        other = TensorShape(other)
        if self._unknown_rank or other._unknown_rank:
            return TensorShape(None)
        return TensorShape(tuple(self) + tuple(TensorShape(other)))


TensorShape.__module__ = "tftape_torch"
