"""`tf.nest`: nested structures (lists, tuples, namedtuples, dicts) as TF walks them.

Leaves come in TF's order (a dict's values by sorted key); tensors, Variables,
strings and `None` are leaves. The same walk orders a tape's targets, sources and
gradients.

>>> import tftape_torch as tf
>>> tf.nest.flatten({"b": [1, 2], "a": (3,)})
[3, 1, 2]
>>> tf.nest.map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)])
[11, (22, 33)]
"""

from __future__ import annotations

from typing import Any, Callable, List, Sequence

from tftape_torch import _structure

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]


def is_nested(seq: Any) -> bool:
    """Whether `seq` is a list, tuple (namedtuples too) or dict, which TF recurses into.

    >>> import tftape_torch as tf
    >>> tf.nest.is_nested([1]), tf.nest.is_nested("text"), tf.nest.is_nested(tf.constant([1]))
    (True, False, False)
    """
    return _structure.is_nested(seq)


def flatten(structure: Any, expand_composites: bool = False) -> List[Any]:
    """The leaves of `structure`, in TF's order (a leaf alone gives a one-item list).

    >>> import tftape_torch as tf
    >>> tf.nest.flatten(None)
    [None]
    """
    return _structure.flatten(structure)


def pack_sequence_as(structure: Any, flat_sequence: Sequence[Any],
                     expand_composites: bool = False) -> Any:
    """`structure` with its leaves replaced, in `flatten`'s order, by `flat_sequence`.

    >>> import tftape_torch as tf
    >>> tf.nest.pack_sequence_as({"b": [0, 0], "a": 0}, [1, 2, 3])
    {'b': [2, 3], 'a': 1}

    Raises:
      ValueError: `flat_sequence` has another number of items than `structure` leaves.
    """
    flat_sequence = list(flat_sequence)
    count = len(_structure.flatten(structure))
    if count != len(flat_sequence):
        raise ValueError(
            f"Could not pack sequence. Structure had {count} atoms, but flat_sequence had "
            f"{len(flat_sequence)} items.  Structure: {structure}, flat_sequence: "
            f"{flat_sequence}."
        )
    if not _structure.is_nested(structure):
        return flat_sequence[0]
    return _structure.pack_like(structure, flat_sequence)


def _mismatch(first: Any, second: Any, detail: str) -> str:
    return (
        "The two structures don't have the same nested structure.\n\n"
        f"First structure: type={type(first).__name__} str={first}\n\n"
        f"Second structure: type={type(second).__name__} str={second}\n\n"
        f"More specifically: {detail}"
    )


def _check(first: Any, second: Any, check_types: bool, top: Any) -> None:
    nested = _structure.is_nested(first)
    if nested != _structure.is_nested(second):
        inner = first if nested else second
        raise ValueError(_mismatch(
            top[0], top[1],
            f'Substructure "type={type(inner).__name__} str={inner}" is a sequence, while '
            f'substructure "type={type(second if nested else first).__name__} '
            f'str={second if nested else first}" is not',
        ))
    if not nested:
        return
    if check_types and type(first) is not type(second):
        if not (isinstance(first, dict) and isinstance(second, dict)):
            raise TypeError(_mismatch(
                top[0], top[1],
                "The two namedtuples don't have the same sequence type. First structure "
                f"type={type(first).__name__} str={first} has type {type(first).__name__}, "
                f"while second structure type={type(second).__name__} str={second} has "
                f"type {type(second).__name__}",
            ))
    if isinstance(first, dict):
        if sorted(first) != sorted(second):
            raise ValueError(_mismatch(
                top[0], top[1],
                "The two dictionaries don't have the same set of keys. First structure has "
                f"keys {sorted(first)}, while second structure has keys {sorted(second)}.",
            ))
        for key in sorted(first):
            _check(first[key], second[key], check_types, top)
        return
    if len(first) != len(second):
        raise ValueError(_mismatch(
            top[0], top[1],
            f"The two structures don't have the same number of elements. First structure "
            f"type={type(first).__name__} str={first} has length {len(first)}, while second "
            f"structure type={type(second).__name__} str={second} has length {len(second)}.",
        ))
    for a, b in zip(first, second):
        _check(a, b, check_types, top)


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raises unless `nest1` and `nest2` nest alike (with `check_types`, in the same
    container types: a list is not a tuple).

    Raises:
      ValueError: the nesting or the number of items differ.
      TypeError: `check_types` and the container types differ.
    """
    _check(nest1, nest2, check_types, (nest1, nest2))


def map_structure(func: Callable[..., Any], *structure: Any, check_types: bool = True,
                  expand_composites: bool = False) -> Any:
    """`func` applied leaf by leaf across one or more structures of the same nesting,
    packed as the first.

    >>> import tftape_torch as tf
    >>> tf.nest.map_structure(lambda x: x * 2, {"b": 1, "a": 2})
    {'b': 2, 'a': 4}

    Raises:
      ValueError, TypeError: as `assert_same_structure`, when the structures differ.
    """
    if not structure:
        raise ValueError("Must provide at least one structure")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    leaves = [_structure.flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*args) for args in zip(*leaves)])
