"""TF's neural-network ops (TF's `nn_ops`), public as `tf.nn.*`.

>>> import tftape_torch as tf
>>> print(tf.nn.relu(tf.constant([-1.0, 2.0])))
tf.Tensor([0. 2.], shape=(2,), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Optional

import torch
import torch.nn.functional as F

from tftape_torch._op_call import call, float_input, number_input
from tftape_torch.errors import AbortedError, InvalidArgumentError

__all__ = ["relu", "softmax", "softplus"]


def relu(features: Any, name: Optional[str] = None) -> torch.Tensor:
    """`max(features, 0)`, elementwise (gradient 0 at 0, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.nn.relu(tf.constant([-3, 0, 3])))
    tf.Tensor([0 0 3], shape=(3,), dtype=int32)
    """
    x = number_input(features, "Relu")
    return call("Relu", torch.relu, (x,), x)


def softplus(features: Any, name: Optional[str] = None) -> torch.Tensor:
    """`log(exp(features) + 1)`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.nn.softplus(tf.constant(0.0)))
    tf.Tensor(0.6931472, shape=(), dtype=float32)
    """
    x = float_input(features, "Softplus", allow_complex=False)
    return call("Softplus", F.softplus, (x,), x)


def softmax(logits: Any, axis: Optional[int] = None, name: Optional[str] = None) -> torch.Tensor:
    """`exp(logits) / reduce_sum(exp(logits), axis)`, along `axis` (the last by default).

    >>> import tftape_torch as tf
    >>> print(tf.nn.softmax(tf.constant([0.0, 0.0])))
    tf.Tensor([0.5 0.5], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: if `logits` is not floating, or `axis` is out of range.
      AbortedError: if `logits` is a scalar (TF's kernel needs rank >= 1).
    """
    x = float_input(logits, "Softmax", allow_complex=False)
    dim = -1 if axis is None else int(axis)
    rank = x.dim()
    if rank == 0:
        raise AbortedError(None, None, "Input dims must be <= 5 and >=1 [Op:Softmax]")
    if not -rank <= dim < rank:
        raise InvalidArgumentError(
            None,
            None,
            f"`axis` must be in the range [{-rank}, {rank}) where {rank} is the number of "
            f"dimensions in the input. Received: axis={dim} [Op:Softmax]",
        )
    return call("Softmax", torch.softmax, (x,), x, dim)
