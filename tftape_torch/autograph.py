"""`tf.autograph`: TF's names for AutoGraph, which this package does not run.

TF's `tf.function` rewrites Python `if`/`for`/`while` on tensors into graph control
flow (AutoGraph). Ours captures the torch ops one trace runs (README, "`tf.function`"):
Python control flow runs while tracing, on the traced values. These names exist so
that TF code using them runs unchanged: `experimental.do_not_convert` and
`experimental.set_loop_options` change nothing here, `to_graph` returns its argument,
and `to_code` returns the function's own source (TF's is the converted code).

>>> import tftape_torch as tf
>>> @tf.autograph.experimental.do_not_convert
... def double(x):
...     return x * 2
>>> print(double(tf.constant(3)))
tf.Tensor(6, shape=(), dtype=int32)
"""

from __future__ import annotations

import enum
import functools
import inspect
import textwrap
import types as _types
from typing import Any, Callable, Optional

__all__ = ["experimental", "set_verbosity", "to_code", "to_graph", "trace"]


class ConversionError(Exception):
    """What TF's AutoGraph raises for something it cannot convert (not a function)."""


def _source_of(entity: Any) -> Callable[..., Any]:
    if not callable(entity):
        raise ConversionError(f"converting {entity!r}: not a function or a method")
    return getattr(entity, "python_function", entity)  # a `tf.function`'s Python


def to_code(entity: Any, recursive: bool = True,
            experimental_optional_features: Any = None) -> str:
    """The source code of `entity` (TF returns AutoGraph's conversion of it).

    >>> import tftape_torch as tf
    >>> def f(x):
    ...     return x + 1
    >>> print(tf.autograph.to_code(f).splitlines()[0])  # doctest: +SKIP
    def f(x):

    Raises:
      ConversionError: `entity` is not callable.
      OSError: its source is not available (as in TF).
    """
    return textwrap.dedent(inspect.getsource(_source_of(entity)))


def to_graph(entity: Any, recursive: bool = True,
             experimental_optional_features: Any = None) -> Any:
    """`entity` itself: there is no AutoGraph conversion to apply.

    >>> import tftape_torch as tf
    >>> f = lambda x: x
    >>> tf.autograph.to_graph(f) is f
    True
    """
    _source_of(entity)
    return entity


def set_verbosity(level: int, alsologtostdout: bool = False) -> None:
    """Accepted for TF code; AutoGraph's logging does not exist here."""


def trace(*args: Any) -> None:
    """Prints `args`, as TF's `tf.autograph.trace` does when run eagerly.

    >>> import tftape_torch as tf
    >>> tf.autograph.trace(1, tf.constant(2.0), "a")
    1 tf.Tensor(2.0, shape=(), dtype=float32) a
    """
    print(*args)


class Feature(enum.Enum):
    """AutoGraph's optional features (accepted, and unused here)."""

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


def do_not_convert(func: Optional[Callable[..., Any]] = None) -> Any:
    """`func`, wrapped as TF wraps it, otherwise unchanged (a decorator, with or without
    parentheses).

    >>> import tftape_torch as tf
    >>> tf.autograph.experimental.do_not_convert(lambda x: x * 2)(3)
    6
    """
    if func is None:
        return do_not_convert

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return call


_UNSPECIFIED = object()


def set_loop_options(parallel_iterations: Any = _UNSPECIFIED, swap_memory: Any = _UNSPECIFIED,
                     maximum_iterations: Any = _UNSPECIFIED,
                     shape_invariants: Any = _UNSPECIFIED) -> None:
    """Accepted for TF code: Python loops run as Python here, so there is nothing to set."""


experimental = _types.SimpleNamespace(
    Feature=Feature, do_not_convert=do_not_convert, set_loop_options=set_loop_options
)
experimental.__doc__ = "`tf.autograph.experimental`: `do_not_convert`, `set_loop_options`."
