"""TF ops that matter only to graph mode: `tf.tuple` (eagerly, its tensors as they
are), `tf.parallel_stack` (refused eagerly, a `stack` while a `tf.function`
traces) and `tf.gradients`/`tf.hessians` (refused: symbolic differentiation of a
graph, where this package differentiates with tapes).

>>> import tftape_torch as tf
>>> print(tf.tuple([tf.constant(1), tf.constant(2)]))
[<tf.Tensor: shape=(), dtype=int32, numpy=1>, <tf.Tensor: shape=(), dtype=int32, numpy=2>]
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import torch

from tftape_torch import _state
from tftape_torch._array_ops import identity, stack

__all__ = ["gradients", "hessians", "parallel_stack", "tuple"]


def tuple(tensors: Any, control_inputs: Any = None, name: Optional[str] = None) -> Any:
    """Groups `tensors` so that each is ready only when all are (a graph-mode
    barrier). Eagerly every tensor is ready: `tensors` come back as they are; while a
    `tf.function` traces, as identities, as TF's graph gives them.

    >>> import tftape_torch as tf
    >>> a, b = tf.tuple([tf.constant(1.0), tf.constant(2.0)])
    >>> print(float(a + b))
    3.0
    """
    if _state.tracing() is None:
        return tensors
    return [None if t is None else identity(t) for t in tensors]


def parallel_stack(values: Sequence[Any], name: str = "parallel_stack") -> torch.Tensor:
    """`tf.stack(values)` for graph mode (TF copies the inputs in parallel as they
    become ready); eagerly TF refuses it.

    >>> import tftape_torch as tf
    >>> f = tf.function(lambda: tf.parallel_stack([tf.constant(1), tf.constant(2)]))
    >>> print(f())
    tf.Tensor([1 2], shape=(2,), dtype=int32)

    Raises:
      RuntimeError: when called eagerly, as in TF.
    """
    if _state.tracing() is None:
        raise RuntimeError("tf.parallel_stack() is not compatible with eager execution.")
    return stack(values)


_NO_SYMBOLIC_GRADIENTS = ("tf.gradients is not supported when eager execution is enabled. "
                          "Use tf.GradientTape instead.")


def _refuse_symbolic_gradients() -> RuntimeError:
    if _state.tracing() is None:
        return RuntimeError(_NO_SYMBOLIC_GRADIENTS)
    # A trace runs the function's Python for real (eagerly), so there is no graph to
    # differentiate symbolically either.
    return RuntimeError(
        f"{_NO_SYMBOLIC_GRADIENTS} (A tftape_torch tf.function runs its Python eagerly "
        "while it traces, so tf.gradients is not supported inside it either: record "
        "the computation under a tf.GradientTape in the function.)"
    )


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str = "gradients",
              gate_gradients: bool = False, aggregation_method: Any = None,
              stop_gradients: Any = None, unconnected_gradients: Any = None) -> Any:
    """TF1's symbolic `tf.gradients`: graph mode only. Eagerly TF refuses it, and so
    does this package, in and out of `tf.function`; use `tf.GradientTape`.

    >>> import tftape_torch as tf
    >>> x = tf.constant(3.0)
    >>> try:
    ...     tf.gradients(x * x, x)
    ... except RuntimeError as e:
    ...     print(e)
    tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead.

    Raises:
      RuntimeError: always, with TF's eager message.
    """
    raise _refuse_symbolic_gradients()


def hessians(ys: Any, xs: Any, gate_gradients: bool = False, aggregation_method: Any = None,
             name: str = "hessians") -> Any:
    """TF1's symbolic `tf.hessians`: refused as `tf.gradients` is (TF's eager message);
    use nested `tf.GradientTape`s, the outer one's `jacobian` of the inner gradient.

    >>> import tftape_torch as tf
    >>> try:
    ...     tf.hessians(tf.constant(1.0), tf.constant(1.0))
    ... except RuntimeError as e:
    ...     print("Use tf.GradientTape" in str(e))
    True

    Raises:
      RuntimeError: always, with TF's eager message.
    """
    raise _refuse_symbolic_gradients()
