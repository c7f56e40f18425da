"""Tensors that leaked out of a `tf.function` trace.

In TF, a tensor a traced function stores outside itself (a global, an attribute) is
a symbolic graph tensor: it has no value (`.numpy()` raises `AttributeError`) and
another function cannot capture it (`TypeError`). Here a trace runs on real values,
so such a tensor has one; the function marks the tensors its trace computed and did
not return, and `numpy()` and the traces of other functions refuse the marked ones
as TF does.

>>> import torch
>>> t = torch.ones(2)
>>> mark_leaked(t, "f")
>>> leaked_from(t), leaked_from(torch.ones(2))
('f', None)
"""

from __future__ import annotations

from typing import Any, Optional

__all__ = ["leaked_from", "mark_leaked", "out_of_scope"]

_MARK = "_tftape_leaked_from"


def mark_leaked(tensor: Any, function_name: str) -> None:
    """Mark `tensor` as computed by the trace of `function_name` and not returned."""
    tensor.__dict__[_MARK] = function_name


def leaked_from(tensor: Any) -> Optional[str]:
    """The function whose trace computed `tensor` without returning it, if any."""
    return getattr(tensor, "__dict__", {}).get(_MARK)


def out_of_scope(tensor: Any) -> TypeError:
    """TF's error for a function that uses a tensor leaked from another's trace."""
    return TypeError(
        f"A tensor computed while tf.function {leaked_from(tensor)!r} was traced, and not "
        f"returned by it, is out of scope and cannot be used here (in TF it is a symbolic "
        f"graph tensor). Return it from that function, or pass it as an argument.")
