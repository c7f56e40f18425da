"""`tf.math.special`: TF's special functions (here, its twelve Bessel functions).

>>> import tftape_torch as tf
>>> print(tf.math.special.bessel_j0(tf.constant([0.0])))
tf.Tensor([1.], shape=(1,), dtype=float32)
"""

from __future__ import annotations

from tftape_torch._bessel_ops import (
    bessel_i0,
    bessel_i0e,
    bessel_i1,
    bessel_i1e,
    bessel_j0,
    bessel_j1,
    bessel_k0,
    bessel_k0e,
    bessel_k1,
    bessel_k1e,
    bessel_y0,
    bessel_y1,
)

__all__ = [
    "bessel_i0",
    "bessel_i0e",
    "bessel_i1",
    "bessel_i1e",
    "bessel_j0",
    "bessel_j1",
    "bessel_k0",
    "bessel_k0e",
    "bessel_k1",
    "bessel_k1e",
    "bessel_y0",
    "bessel_y1",
]
