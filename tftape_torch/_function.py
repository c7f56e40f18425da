"""`tf.function`.

>>> import tftape_torch as tf
>>> tf.function(lambda x: x + 1)(tf.constant(1))
<tf.Tensor: shape=(), dtype=int32, numpy=2>
"""

from __future__ import annotations

import builtins
import functools
from typing import Any, Callable, Optional

import torch

_Tensor = torch.Tensor

__all__ = [
    "function",
]


# ---------------------------------------------------------------------------
# Functions


def function(
    func: Optional[Callable[..., Any]] = None,
    input_signature: Any = None,
    autograph: builtins.bool = True,
    jit_compile: Any = None,
    reduce_retracing: builtins.bool = False,
    experimental_implements: Any = None,
    experimental_autograph_options: Any = None,
    experimental_attributes: Any = None,
    experimental_relax_shapes: Any = None,
    experimental_compile: Any = None,
    experimental_follow_type_hints: Any = None,
) -> Any:
    """`tf.function`, which here runs the Python function eagerly, every call.

    There is no graph to trace: the decorated function behaves exactly like the
    undecorated one (Python side effects happen on every call), which is what TF does
    under `tf.config.run_functions_eagerly(True)`.

    >>> import tftape_torch as tf
    >>> @tf.function
    ... def f(x):
    ...     return x * x
    >>> print(f(tf.constant(3.0)))
    tf.Tensor(9.0, shape=(), dtype=float32)
    """

    def decorate(python_function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(python_function)
        def run(*args: Any, **kwargs: Any) -> Any:
            return python_function(*args, **kwargs)

        run.python_function = python_function  # type: ignore[attr-defined]
        return run

    if func is None:
        return decorate
    return decorate(func)
