"""`tf.bitwise`: bitwise and, or, xor, invert and shifts on integer tensors.

>>> import tftape_torch as tf
>>> print(tf.bitwise.invert(tf.constant([0], tf.int8)))
tf.Tensor([-1], shape=(1,), dtype=int8)
"""

from __future__ import annotations

from tftape_torch._bitwise_ops import (
    bitwise_and,
    bitwise_or,
    bitwise_xor,
    invert,
    left_shift,
    right_shift,
)

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "invert", "left_shift", "right_shift"]
