"""Nested structures (list, tuple, dict, namedtuple) as TensorFlow's `tf.nest` sees them.

`flatten` walks a structure in TF's order (dict keys sorted) and `pack_like` rebuilds
the same structure from a flat list, so gradients come back shaped like `sources`.
"""

from __future__ import annotations

from typing import Any, Callable, List, Sequence

__all__ = ["flatten", "pack_like", "map_structure", "is_nested"]


def is_nested(obj: Any) -> bool:
    """True for the containers TF's `nest` recurses into."""
    return isinstance(obj, (list, tuple, dict))


def _is_namedtuple(obj: Any) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_fields")


def flatten(structure: Any) -> List[Any]:
    """Leaves of `structure` in TF's order.

    >>> flatten({"b": [1, 2], "a": (3,)})
    [3, 1, 2]
    """
    out: List[Any] = []
    _flatten_into(structure, out)
    return out


def _flatten_into(structure: Any, out: List[Any]) -> None:
    if isinstance(structure, dict):
        for key in sorted(structure):
            _flatten_into(structure[key], out)
    elif isinstance(structure, (list, tuple)):
        for item in structure:
            _flatten_into(item, out)
    else:
        out.append(structure)


def pack_like(structure: Any, flat: Sequence[Any]) -> Any:
    """Rebuild `structure` with the leaves of `flat`, in `flatten`'s order.

    >>> pack_like({"b": [0, 0], "a": (0,)}, [3, 1, 2])
    {'b': [1, 2], 'a': (3,)}
    """
    iterator = iter(flat)
    packed = _pack(structure, iterator)
    return packed


def _pack(structure: Any, leaves: Any) -> Any:
    if isinstance(structure, dict):
        filled = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return type(structure)((key, filled[key]) for key in structure)
    if _is_namedtuple(structure):
        return type(structure)(*(_pack(item, leaves) for item in structure))
    if isinstance(structure, (list, tuple)):
        return type(structure)(_pack(item, leaves) for item in structure)
    return next(leaves)


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """Apply `fn` to every leaf, keeping the structure."""
    return pack_like(structure, [fn(leaf) for leaf in flatten(structure)])
