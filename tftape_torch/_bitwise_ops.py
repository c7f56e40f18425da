"""Ops on bits: TF's bitwise ops (`tf.bitwise`: and, or, xor, invert and the shifts, on
integers) and `tf.bitcast`, which reads a tensor's bytes as another dtype.

Operands match as TF's binary ops do (one integer dtype; a Python int takes the
tensor's). The shifts clamp the shift amount to `[0, bits - 1]`, as TF's kernels do
(shifting an int32 by 33 shifts it by 31, by -1 not at all); `right_shift` is
arithmetic on signed integers. Integer ops have no gradient, nor has `bitcast` (its
result is still on the tape, as TF's).

>>> import tftape_torch as tf
>>> print(tf.bitwise.bitwise_and(tf.constant([5, 6]), 3))
tf.Tensor([1 2], shape=(2,), dtype=int32)
"""

from __future__ import annotations

from typing import Any, Callable, Optional

import torch

from tftape_torch._dtypes import INTEGER, as_dtype, dtype_name
from tftape_torch._op_call import as_tensor, call, disallowed, match_operands
from tftape_torch._recorded_ops import without_gradient
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "bitcast", "bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift",
    "right_shift",
]

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


_BITCAST_TYPES = ("bfloat16, half, float, double, int64, int32, uint8, uint16, uint32, "
                  "uint64, int8, int16, complex64, complex128, qint8, quint8, qint16, "
                  "quint16, qint32")


def _bitcast(x: torch.Tensor, target: torch.dtype) -> torch.Tensor:
    size, new = x.element_size(), torch.empty((), dtype=target).element_size()
    x = x.contiguous()
    if size == new:
        return x.view(target)
    if size > new:  # one more dimension, of size / new
        return x.unsqueeze(-1).view(target)
    return x.view(target).squeeze(-1)  # the last dimension (new / size) goes


def bitcast(input: Any, type: Any, name: Optional[str] = None) -> torch.Tensor:
    """`input`'s bytes read as dtype `type`, without copying values.

    To a smaller dtype, the result gets one more dimension (the ratio of the sizes);
    to a larger one, `input`'s last dimension must be that ratio, and goes. There is
    no gradient through it.

    >>> import tftape_torch as tf
    >>> print(tf.bitcast(tf.constant([1.0, 2.0]), tf.int32))
    tf.Tensor([1065353216 1073741824], shape=(2,), dtype=int32)

    Raises:
      InvalidArgumentError: for a bool dtype on either side, or a last dimension that
        is not the ratio of the sizes.
    """
    t = as_tensor(input)
    target = as_dtype(type)
    if t.dtype == torch.bool:
        raise disallowed("Bitcast", t.dtype, _BITCAST_TYPES)
    if target == torch.bool:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'type' of {dtype_name(target)} is not in the list "
            f"of allowed values: {_BITCAST_TYPES} [Op:Bitcast]"
        )
    size, new = t.element_size(), torch.empty((), dtype=target).element_size()
    if size < new and (t.dim() == 0 or t.shape[-1] * size != new):
        raise InvalidArgumentError(None, None, f"Cannot bitcast from {size} to {new} [Op:Bitcast]")
    return call("Bitcast", without_gradient(_bitcast), (t,), t, target)
