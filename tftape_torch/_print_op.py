"""`tf.print`: prints tensors with TF's formatting, at every call of a `tf.function`.

Inside a `tf.function`, `tf.print` is part of the traced graph: it prints each time
the function runs, where Python's `print` runs only while the function is traced.

>>> import sys
>>> import tftape_torch as tf
>>> tf.print("x:", tf.constant([1.0, 2.5]), tf.constant(3), output_stream=sys.stdout)
x: [1 2.5] 3
"""

from __future__ import annotations

import contextlib
import io
import sys
from typing import Any, Iterator, List

import numpy as np
import torch

from tftape_torch._host_effects import run_and_replay
from tftape_torch._printing import numpy_value
from tftape_torch._structure import flatten, pack_like

__all__ = ["print_", "quiet_stdout"]


class _Quiet(io.StringIO):
    """Where `print` writes while a function is traced again for a new shape."""

    def __init__(self, real: Any) -> None:
        super().__init__()
        self.real = real

    def write(self, text: str) -> int:
        return len(text)


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Drop what Python's `print` writes in the block (`tf.print` still prints)."""
    saved = sys.stdout
    sys.stdout = _Quiet(saved)
    try:
        yield
    finally:
        sys.stdout = saved


def _scalar(value: Any) -> str:
    if isinstance(value, (bytes, np.bytes_)):
        return '"' + value.decode(errors="replace") + '"'
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):g}"
    return str(value)


def format_value(array: Any, summarize: int = 3) -> str:
    """A tensor's value as TF's `tf.print` writes it (`[1 2.5]`, `[0 1 2 ... 7 8 9]`).

    >>> format_value(np.arange(10))
    '[0 1 2 ... 7 8 9]'
    >>> print(format_value(np.array([[1.5, 2.0], [3.0, 4.0]])))
    [[1.5 2]
     [3 4]]
    """
    array = np.asarray(array)

    def render(part: np.ndarray, depth: int) -> str:
        if part.ndim == 0:
            return _scalar(part[()])
        size = part.shape[0]
        if 0 <= summarize and 2 * summarize < size:
            rows: List[Any] = [*range(summarize), None, *range(size - summarize, size)]
        else:
            rows = list(range(size))
        items = ["..." if row is None else render(part[row], depth + 1) for row in rows]
        separator = " " if part.ndim == 1 else "\n" * (part.ndim - 1) + " " * (depth + 1)
        return "[" + separator.join(items) + "]"

    return render(array, 0)


def _text(value: Any, summarize: int) -> str:
    if isinstance(value, torch.Tensor):
        return format_value(numpy_value(value), summarize)
    if isinstance(value, (list, tuple, dict)):
        shown = pack_like(value, [_Shown(_text(leaf, summarize)) if isinstance(leaf, torch.Tensor)
                                  else leaf for leaf in flatten(value)])
        return str(shown)
    return str(value)


class _Shown:
    """A leaf printed as its text, without quotes (tensors inside a structure)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def print_(*inputs: Any, output_stream: Any = None, summarize: int = 3, sep: str = " ",
           end: str = "\n", name: Any = None) -> None:
    """Prints `inputs` (tensors as TF formats them) to `output_stream` (standard error).

    Tensors may be nested in lists, tuples and dicts. `summarize` elements are shown
    at each end of every dimension (-1: all of them).

    >>> import sys
    >>> import tftape_torch as tf
    >>> tf.print(tf.range(10), {"a": tf.constant(1.5)}, output_stream=sys.stdout)
    [0 1 2 ... 7 8 9] {'a': 1.5}
    """
    stream = output_stream
    if isinstance(stream, _Quiet):
        stream = stream.real
    # Standard streams are looked up when printing (as TF does), not when traced.
    standard = stream is None or stream is sys.stderr or stream is sys.stdout
    use_stdout = stream is sys.stdout
    tensors = [leaf for leaf in flatten(list(inputs)) if isinstance(leaf, torch.Tensor)]

    def emit(*values: torch.Tensor) -> None:
        swapped = iter(values)
        filled = pack_like(list(inputs), [next(swapped) if isinstance(leaf, torch.Tensor)
                                          else leaf for leaf in flatten(list(inputs))])
        target = stream
        if standard:
            target = sys.stdout if use_stdout else sys.stderr
            if isinstance(target, _Quiet):
                target = target.real
        target.write(sep.join(_text(value, summarize) for value in filled) + end)

    run_and_replay(emit, tensors)
