"""Printing helpers the guide scripts share, under TensorFlow and tftape_torch alike.

* `show(value)` stands for a notebook cell's last expression: it prints `repr(value)`
  (nothing for `None`), as IPython displays it.
* `show_random(value)` prints a value drawn from a random stream by its structure,
  shape and dtype only, e.g. `<random shape=[3, 2] dtype=float32>`: TF's and torch's
  random generators differ, so only these can be compared. The dtype is named
  without a framework prefix (`tf.float32` and `torch.float32` both read `float32`).
* `show_error(error)` prints the class of a caught exception (messages differ between
  the two frameworks; the guides print them as illustrations).

The helpers duck-type their arguments, so they import neither framework.
"""

from __future__ import annotations

from typing import Any


def show(value: Any) -> None:
    """Print what a notebook displays for a cell ending in `value`."""
    if value is not None:
        print(repr(value))


def describe_random(value: Any) -> str:
    """The shape-and-dtype description `show_random` prints."""
    if isinstance(value, (list, tuple)):
        inner = ", ".join(describe_random(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {describe_random(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "<random bool>"
    if isinstance(value, (int, float, complex)):
        return f"<random {type(value).__name__}>"
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        dims = [None if d is None else int(d) for d in shape]
        name = getattr(dtype, "name", None) or str(dtype).replace("torch.", "")
        return f"<random shape={dims} dtype={name}>"
    return f"<random {type(value).__name__}>"


def show_random(value: Any) -> None:
    """Print a random value's structure, shapes and dtypes, never its numbers."""
    print(describe_random(value))


def show_error(error: BaseException) -> None:
    """Print the class of a caught exception."""
    print(type(error).__name__)
