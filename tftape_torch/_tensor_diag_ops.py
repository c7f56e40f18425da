"""TF's diagonals of rank-2k tensors: `tf.linalg.tensor_diag` (TF's `Diag`) and
`tf.linalg.tensor_diag_part` (`DiagPart`).

`tensor_diag(d)` of a tensor of shape `[D1, ..., Dk]` has shape
`[D1, ..., Dk, D1, ..., Dk]`, with `d[i1, ..., ik]` at `[i1, ..., ik, i1, ..., ik]` and
zeros elsewhere; `tensor_diag_part` reads that diagonal back. Both are the diagonal
of the `N x N` matrix (`N = D1 * ... * Dk`) the tensor reshapes to, so their gradients
are each other, as in TF.

>>> import tftape_torch as tf
>>> print(tf.linalg.tensor_diag_part(tf.reshape(tf.range(16.0), [2, 2, 2, 2])))
tf.Tensor(
[[ 0.  5.]
 [10. 15.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any, Optional

import torch

from tftape_torch._op_call import as_tensor, call, disallowed
from tftape_torch.errors import InvalidArgumentError

__all__ = ["tensor_diag", "tensor_diag_part"]

_ALLOWED = frozenset({
    torch.bfloat16, torch.float16, torch.float32, torch.float64, torch.int32, torch.int64,
    torch.complex64, torch.complex128,
})
_ALLOWED_NAMES = "bfloat16, half, float, double, int32, int64, complex64, complex128"


def _checked(value: Any, op: str) -> torch.Tensor:
    x = as_tensor(value)
    if x.dtype not in _ALLOWED:
        raise disallowed(op, x.dtype, _ALLOWED_NAMES)
    return x


def _diag(x: torch.Tensor) -> torch.Tensor:
    return torch.diag_embed(x.reshape(-1)).reshape(x.shape + x.shape)


def _diag_part(x: torch.Tensor, half: int) -> torch.Tensor:
    n = math.prod(x.shape[:half])
    return torch.diagonal(x.reshape(n, n)).reshape(x.shape[:half])


def tensor_diag(diagonal: Any, name: Optional[str] = None) -> torch.Tensor:
    """Returns a diagonal tensor with given diagonal values.

    For `diagonal` of shape `[D1, ..., Dk]` the result has shape
    `[D1, ..., Dk, D1, ..., Dk]` and holds `diagonal[i1, ..., ik]` at
    `[i1, ..., ik, i1, ..., ik]`, zeros elsewhere.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.tensor_diag([1.0, 2.0]))
    tf.Tensor(
    [[1. 0.]
     [0. 2.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for a scalar `diagonal`, or a dtype TF's `Diag` lacks
        (bool, small integers).
    """
    x = _checked(diagonal, "Diag")
    if x.dim() < 1:
        raise InvalidArgumentError(None, None,
                                   f"Input must be at least rank 1, got {x.dim()} [Op:Diag]")
    return call("Diag", _diag, (x,), x)


def tensor_diag_part(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """Returns the diagonal part of a tensor of rank `2k`: `[D1, ..., Dk, D1, ..., Dk]`
    gives `[D1, ..., Dk]`, the values at `[i1, ..., ik, i1, ..., ik]`.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.tensor_diag_part(tf.constant([[1.0, 2.0], [3.0, 4.0]])))
    tf.Tensor([1. 4.], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: for an odd rank, a second half of the shape that is not
        the first, or a dtype TF's `DiagPart` lacks.
    """
    x = _checked(input, "DiagPart")
    shape = list(x.shape)
    written = "[" + ",".join(str(d) for d in shape) + "]"  # TF's spelling of a shape
    if len(shape) % 2:
        raise InvalidArgumentError(
            None, None, "The rank of the tensor should be even and positive, got shape "
            f"{written} [Op:DiagPart]")
    half = len(shape) // 2
    for i in range(half):
        if shape[i] != shape[i + half]:
            raise InvalidArgumentError(
                None, None, f"Invalid shape {written}: dimensions {i} and {i + half} do not "
                "match. [Op:DiagPart]")
    return call("DiagPart", _diag_part, (x,), x, half)
