"""`TensorShape`: the shape of a tensor as TF shows it.

>>> import tftape_torch as tf
>>> tf.ones((2, 3)).shape
TensorShape([2, 3])
"""

from __future__ import annotations

import math
import operator
from typing import Any, List, Optional, Tuple

__all__ = ["Dimension", "TensorShape"]


def _value(other: Any) -> Optional[int]:
    """The size `other` stands for, as TF's `as_dimension` reads it."""
    if isinstance(other, Dimension):
        return other.value
    return Dimension(other).value


class Dimension:
    """One dimension of a `TensorShape` as TF's `dims` lists it: `Dimension(3)`,
    `Dimension(None)` for an unknown size.

    Comparisons with an unknown dimension give `None`, and arithmetic keeps it
    unknown.

    >>> import tftape_torch as tf
    >>> tf.TensorShape([None, 3]).dims
    [Dimension(None), Dimension(3)]
    >>> d = tf.TensorShape([None, 3]).dims[1]
    >>> print(d, d == 3, d * 2, int(d))
    3 True 6 3

    Raises:
      ValueError: for a negative size.
      TypeError: for a size that is not an integer or `None`.
    """

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        if isinstance(value, Dimension):
            value = value.value
        elif value is not None and not isinstance(value, int):
            try:
                value = int(value.__index__())
            except AttributeError:
                raise TypeError(
                    "Dimension value must be integer or None or have an __index__ method, "
                    f"got value '{value!r}' with type '{type(value)!r}'") from None
        if value is not None and value < 0:
            raise ValueError(f"Dimension {value} must be >= 0")
        self._value: Optional[int] = value

    @property
    def value(self) -> Optional[int]:
        """The size, or `None` if it is unknown."""
        return self._value

    def __repr__(self) -> str:
        return f"Dimension({self._value!r})"

    def __str__(self) -> str:
        return "?" if self._value is None else str(self._value)

    def __int__(self) -> Optional[int]:  # TF's: None when unknown
        return self._value

    def __index__(self) -> Optional[int]:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def _compare(self, other: Any, op: Any) -> Any:
        try:
            known = _value(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self._value is None or known is None:
            return None
        return op(self._value, known)

    def __eq__(self, other: Any) -> Any:
        return self._compare(other, operator.eq)

    def __ne__(self, other: Any) -> Any:
        return self._compare(other, operator.ne)

    def __lt__(self, other: Any) -> Any:
        return self._compare(other, operator.lt)

    def __le__(self, other: Any) -> Any:
        return self._compare(other, operator.le)

    def __gt__(self, other: Any) -> Any:
        return self._compare(other, operator.gt)

    def __ge__(self, other: Any) -> Any:
        return self._compare(other, operator.ge)

    __hash__ = None  # type: ignore[assignment]  # as TF's (it defines `__eq__` only)

    def _combine(self, other: Any, op: Any, reflected: bool = False) -> Dimension:
        known = _value(other)
        if self._value is None or known is None:
            return Dimension(None)
        return Dimension(op(known, self._value) if reflected else op(self._value, known))

    def __add__(self, other: Any) -> Dimension:
        return self._combine(other, operator.add)

    def __radd__(self, other: Any) -> Dimension:
        return self._combine(other, operator.add, True)

    def __sub__(self, other: Any) -> Dimension:
        return self._combine(other, operator.sub)

    def __rsub__(self, other: Any) -> Dimension:
        return self._combine(other, operator.sub, True)

    def __mul__(self, other: Any) -> Dimension:
        return self._combine(other, operator.mul)

    def __rmul__(self, other: Any) -> Dimension:
        return self._combine(other, operator.mul, True)

    def __floordiv__(self, other: Any) -> Dimension:
        return self._combine(other, operator.floordiv)

    def __rfloordiv__(self, other: Any) -> Dimension:
        return self._combine(other, operator.floordiv, True)

    def __mod__(self, other: Any) -> Dimension:
        return self._combine(other, operator.mod)

    def __rmod__(self, other: Any) -> Dimension:
        return self._combine(other, operator.mod, True)

    def is_compatible_with(self, other: Any) -> bool:
        """True when either size is unknown or both are equal."""
        known = _value(other)
        return self._value is None or known is None or self._value == known

    def assert_is_compatible_with(self, other: Any) -> None:
        """Raises `ValueError` if `other` is not compatible with this dimension."""
        if not self.is_compatible_with(other):
            raise ValueError(f"Dimensions {self} and {Dimension(other)} are not compatible")

    def merge_with(self, other: Any) -> Dimension:
        """The known one of the two sizes (`ValueError` if they differ)."""
        self.assert_is_compatible_with(other)
        return Dimension(_value(other) if self._value is None else self._value)


Dimension.__module__ = "tftape_torch"


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

    # A shape of unknown rank is an `_UnknownRankShape`, so a known shape's `len()` and
    # iteration are the tuple's own (every `x.shape` loop and unpacking runs them).
    _unknown_rank = False

    def __new__(cls, dims: Any = ()) -> TensorShape:
        if dims is None or cls is _UnknownRankShape:
            return tuple.__new__(_UnknownRankShape, ())
        if isinstance(dims, TensorShape) and dims._unknown_rank:
            return dims
        if isinstance(dims, int):
            dims = (dims,)
        return super().__new__(cls, (None if d is None else int(d) for d in dims))

    def _known(self, what: str) -> None:
        if self._unknown_rank:
            raise ValueError(what)

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
    def dims(self) -> Optional[List[Dimension]]:
        """The dimensions, as a list of `Dimension`s (`None` for a shape of unknown
        rank); `as_list()` gives them as ints."""
        return None if self._unknown_rank else [Dimension(d) for d in tuple.__iter__(self)]

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


class _UnknownRankShape(TensorShape):
    """`TensorShape(None)`: a shape of unknown rank (no `len()`, no iteration, as TF's)."""

    _unknown_rank = True

    def __len__(self) -> int:
        raise ValueError("Cannot take the length of shape with unknown rank.")

    def __iter__(self) -> Any:
        raise ValueError("Cannot iterate over a shape with unknown rank.")


TensorShape.__module__ = "tftape_torch"
