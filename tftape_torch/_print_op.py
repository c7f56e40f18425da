"""`tf.print`: prints tensors with TF's formatting, at every call of a `tf.function`.

Inside a `tf.function`, `tf.print` is part of the traced graph: it prints each time
the function runs, where Python's `print` runs only while the function is traced.

The text is TF's, character for character: the inputs are laid out as TF's
`print_v2` lays them out (`pprint.pformat` of each structure, tensors in its place),
and each tensor as TF's `PrintV2` kernel writes it (the first and last `summarize`
entries of every dimension, floats with the fewest of 6 or 9 digits, 15 or 17 for
doubles, that read back exactly, complex entries as `?`).

>>> import sys
>>> import tftape_torch as tf
>>> tf.print("x:", tf.constant([1.0, 2.5]), tf.constant(3), output_stream=sys.stdout)
x: [1 2.5] 3
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import pprint
import random
import sys
from typing import Any, Callable, Iterator, List, Optional

import numpy as np
import torch

from tftape_torch._host_effects import run_and_replay
from tftape_torch._printing import numpy_value
from tftape_torch._structure import flatten, pack_like

__all__ = ["format_value", "print_", "quiet_stdout"]


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


# -- One element, as TF's C++ writes it ------------------------------------------------

_FLOAT32_TINY = float(np.finfo(np.float32).tiny)
_FLOAT64_TINY = float(np.finfo(np.float64).tiny)


def _special(value: float) -> Optional[str]:
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    if math.isinf(value):
        return "-inf" if value < 0 else "inf"
    return None


def _float_text(value: float, double: bool) -> str:
    """`%.6g`, or `%.9g` where that does not read back as a float32 (TF's
    `FloatToBuffer`); with `double`, `%.15g` or `%.17g` (`DoubleToBuffer`). Denormals
    print as zero (TF's kernels flush them)."""
    special = _special(value)
    if special is not None:
        return special
    if abs(value) < (_FLOAT64_TINY if double else _FLOAT32_TINY):
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    short, long, parse = (15, 17, float) if double else (6, 9, np.float32)
    text = f"{value:.{short}g}"
    if parse(text) != parse(value):
        text = f"{value:.{long}g}"
    return text


def _element_formatter(dtype: np.dtype) -> Callable[[Any], str]:
    if dtype == np.float64:
        return lambda x: _float_text(float(x), True)
    if dtype.kind == "f":  # float32, float16 and bfloat16 (held as float32) alike
        return lambda x: _float_text(float(x), False)
    if dtype.kind == "b":
        return lambda x: "1" if x else "0"
    return lambda x: str(int(x))


def format_value(array: Any, summarize: Optional[int] = 3) -> str:
    """A tensor's value as TF's `tf.print` writes it (`[1 2.5]`, `[0 1 2 ... 7 8 9]`).

    The first and last `summarize` entries of each dimension are shown (all of them
    for a negative `summarize`; `None` means 3).

    >>> format_value(np.arange(10))
    '[0 1 2 ... 7 8 9]'
    >>> print(format_value(np.array([[1.5, 2.0], [3.0, 4.0]])))
    [[1.5 2]
     [3 4]]
    """
    array = np.asarray(array)
    if summarize is None:
        summarize = 3
    count = int(array.size)
    max_entries = count if summarize < 0 else int(summarize)
    limit = min(max_entries, count)
    if array.dtype.kind == "c":  # TF writes no complex values, only `?`
        text = " ".join("?" * limit)
        if max_entries < count:
            text += "..."
        return f"[{text}]" if array.ndim else text
    element = _element_formatter(array.dtype)
    if array.ndim == 0:
        return element(array[()]) if limit else "..."
    flat = array.reshape(-1)
    shape = array.shape
    dims = len(shape)
    parts: List[str] = []

    def spacing(dim: int) -> None:
        if dim == dims - 1:
            parts.append(" ")
        else:
            parts.append("\n" * (dims - dim - 1) + " " * (dim + 1))

    def one_dim(dim: int, start: int) -> None:  # TF's `PrintOneDimV2`
        if dim == dims:
            parts.append(element(flat[start]))
            return
        parts.append("[")
        size = shape[dim]
        start_of_end = max(limit, size - limit)
        stride = math.prod(shape[dim + 1:])
        for i in range(min(limit, size)):
            if i > 0:
                spacing(dim)
            one_dim(dim + 1, start + stride * i)
        if size > 2 * limit:
            spacing(dim)
            parts.append("...")
        for i in range(start_of_end, size):
            spacing(dim)
            one_dim(dim + 1, start + stride * i)
        parts.append("]")

    one_dim(0, 0)
    return "".join(parts)


# -- Laying out the inputs, as TF's `print_v2` does -------------------------------------


def _placeholder(text: str) -> str:
    """A placeholder that `text` does not contain (TF's `_generate_placeholder_string`)."""
    placeholder = "{}"
    rng = random.Random(5)
    while placeholder in text:
        placeholder += str(rng.randint(0, 9))
    return placeholder


def _template(inputs: List[Any], sep: str) -> str:
    """The inputs as text, with a placeholder where each tensor goes."""
    tensor_free = " ".join(
        pprint.pformat(pack_like(value, ["" if isinstance(leaf, torch.Tensor) else leaf
                                         for leaf in flatten(value)]))
        for value in inputs)
    placeholder = _placeholder(tensor_free)
    templates = []
    for value in inputs:
        if isinstance(value, str):
            templates.append(value)
        else:
            leaves = [placeholder if isinstance(leaf, torch.Tensor) else leaf
                      for leaf in flatten(value)]
            templates.append(pprint.pformat(pack_like(value, leaves)))
    return placeholder + "\0" + sep.join(templates).replace(f"'{placeholder}'", placeholder)


_LOG_STREAMS = {logging.INFO, logging.WARNING, logging.ERROR, logging.info, logging.warning,
                logging.warn, logging.error}


def _stream_kind(stream: Any) -> str:
    """`"stdout"`, `"stderr"`, `"file"` or `"log"` (TF's output stream constants).

    Raises:
      ValueError: for anything else (TF takes no other stream, not even a
        `StringIO`).
    """
    if isinstance(stream, _Quiet):
        return "stdout"
    if isinstance(stream, str) and stream.startswith("file://"):
        return "file"
    if stream is sys.stdout:
        return "stdout"
    if stream is sys.stderr:
        return "stderr"
    try:
        if stream in _LOG_STREAMS:
            return "log"
    except TypeError:  # unhashable
        pass
    raise ValueError(
        f"Unsupported output stream, logging level, or file.{stream}. Supported streams are "
        "sys.stdout, sys.stderr, tf.logging.info, tf.logging.warning, tf.logging.error. "
        "File needs to be in the form of 'file://<filepath>'.")


def print_(*inputs: Any, **kwargs: Any) -> None:
    """Prints `inputs` (tensors as TF formats them) to `output_stream` (standard error).

    Tensors may be nested in lists, tuples and dicts, which print as `pprint` shows
    them. Keyword arguments: `output_stream` (`sys.stderr`, `sys.stdout`, a logging
    level, or `"file://<path>"` to append to a file), `summarize` (entries shown at
    each end of every dimension, default 3, -1 for all), `sep` (default `" "`), `end`
    (default `os.linesep`) and `name`.

    >>> import sys
    >>> import tftape_torch as tf
    >>> tf.print(tf.range(10), {"a": tf.constant(1.5)}, output_stream=sys.stdout)
    [0 1 2 ... 7 8 9] {'a': 1.5}

    Raises:
      ValueError: for an unsupported `output_stream`, or an unknown keyword argument.
    """
    stream = kwargs.pop("output_stream", sys.stderr)
    kwargs.pop("name", None)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", os.linesep)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {kwargs}")
    kind = _stream_kind(stream)
    placeholder, template = _template(list(inputs), sep).split("\0", 1)
    pieces = template.split(placeholder)
    tensors = [leaf for leaf in flatten(list(inputs)) if isinstance(leaf, torch.Tensor)]

    def emit(*values: torch.Tensor) -> None:
        texts = [format_value(numpy_value(value), summarize) for value in values]
        text = pieces[0] + "".join(t + p for t, p in zip(texts, pieces[1:])) + end
        if kind == "file":
            with open(stream[len("file://"):], "a", encoding="utf-8") as file:
                file.write(text)
            return
        # Standard streams are looked up when printing (as TF does), not when traced.
        target = sys.stdout if kind == "stdout" else sys.stderr
        if isinstance(target, _Quiet):
            target = target.real
        target.write(text)

    run_and_replay(emit, tensors)
