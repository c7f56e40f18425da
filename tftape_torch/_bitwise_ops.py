"""TF's bitwise ops (`tf.bitwise`): and, or, xor, invert and the shifts, on integers.

Operands match as TF's binary ops do (one integer dtype; a Python int takes the
tensor's). The shifts clamp the shift amount to `[0, bits - 1]`, as TF's kernels do
(shifting an int32 by 33 shifts it by 31, by -1 not at all); `right_shift` is
arithmetic on signed integers. Integer ops have no gradient.

>>> import tftape_torch as tf
>>> print(tf.bitwise.bitwise_and(tf.constant([5, 6]), 3))
tf.Tensor([1 2], shape=(2,), dtype=int32)
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import torch

from tftape_torch._dtypes import INTEGER
from tftape_torch._op_call import as_tensor, call, disallowed, match_operands

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]

_ALLOWED = "int8, int16, int32, int64, uint8, uint16, uint32, uint64"


def _operands(x: Any, y: Any, op: str) -> Any:
    a, b = match_operands(x, y, op)
    if a.dtype not in INTEGER:
        raise disallowed(op, a.dtype, _ALLOWED)
    if not isinstance(b, torch.Tensor):
        b = torch.tensor(b, dtype=a.dtype, device=a.device)
    return a, b


def _clamped(shift: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
             ) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    def run(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return shift(x, torch.clamp(y, 0, torch.iinfo(x.dtype).bits - 1))

    return run


def _binary(name: str, op: str, fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
            doc: str) -> Callable[..., torch.Tensor]:
    def binary(x: Any, y: Any, name: Optional[str] = None) -> torch.Tensor:
        a, b = _operands(x, y, op)
        return call(op, fn, (a, b), a, b)

    binary.__name__ = binary.__qualname__ = name
    binary.__doc__ = doc + """
    Raises:
      InvalidArgumentError: for operands that are not integers, or of two dtypes.
    """
    return binary


bitwise_and = _binary("bitwise_and", "BitwiseAnd", torch.bitwise_and, """`x & y`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.bitwise.bitwise_and(tf.constant([5, -3]), tf.constant([1, 2])))
    tf.Tensor([1 0], shape=(2,), dtype=int32)
""")
bitwise_or = _binary("bitwise_or", "BitwiseOr", torch.bitwise_or, """`x | y`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.bitwise.bitwise_or(tf.constant([5, -3]), tf.constant([1, 2])))
    tf.Tensor([ 5 -1], shape=(2,), dtype=int32)
""")
bitwise_xor = _binary("bitwise_xor", "BitwiseXor", torch.bitwise_xor, """`x ^ y`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.bitwise.bitwise_xor(tf.constant([5, -3]), tf.constant([1, 2])))
    tf.Tensor([ 4 -1], shape=(2,), dtype=int32)
""")
left_shift = _binary("left_shift", "LeftShift", _clamped(torch.bitwise_left_shift),
                     """`x << y`, elementwise, `y` clamped to `[0, bits - 1]`.

    >>> import tftape_torch as tf
    >>> print(tf.bitwise.left_shift(tf.constant([5, 7]), tf.constant([1, 33])))
    tf.Tensor([         10 -2147483648], shape=(2,), dtype=int32)
""")
right_shift = _binary("right_shift", "RightShift", _clamped(torch.bitwise_right_shift),
                      """`x >> y`, elementwise (arithmetic for signed integers), `y` clamped
    to `[0, bits - 1]`.

    >>> import tftape_torch as tf
    >>> print(tf.bitwise.right_shift(tf.constant([5, -3]), tf.constant([1, 2])))
    tf.Tensor([ 2 -1], shape=(2,), dtype=int32)
""")


def invert(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """`~x`, elementwise: every bit flipped.

    >>> import tftape_torch as tf
    >>> print(tf.bitwise.invert(tf.constant([5, -3])))
    tf.Tensor([-6  2], shape=(2,), dtype=int32)

    Raises:
      InvalidArgumentError: for a tensor that is not an integer one.
    """
    t = as_tensor(x)
    if t.dtype not in INTEGER:
        raise disallowed("Invert", t.dtype, _ALLOWED)
    return call("Invert", torch.bitwise_not, (t,), t)
