"""Complex numbers: build them from parts, take them apart (`tf.complex`, `tf.math.real`...).

Gradients follow TF's convention for complex inputs (the incoming gradient times the
conjugate derivative), which is torch's: `real`'s gradient is `complex(g, 0)`,
`imag`'s is `complex(0, g)`, `complex`'s splits `g` into its parts.

>>> import tftape_torch as tf
>>> z = tf.complex(tf.constant([3.0]), tf.constant([4.0]))
>>> print(tf.math.real(z), tf.math.imag(z))
tf.Tensor([3.], shape=(1,), dtype=float32) tf.Tensor([4.], shape=(1,), dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any, Optional

import torch

from tftape_torch._array_ops import identity, where, zeros_like
from tftape_torch._dtypes import COMPLEX, dtype_name
from tftape_torch._op_call import as_tensor, call
from tftape_torch._variable import Variable

__all__ = ["angle", "complex", "conj", "imag", "real"]


def _real_or_read(x: torch.Tensor) -> torch.Tensor:
    """A real `input` as TF returns it: the tensor itself, or a Variable's read."""
    return identity(x) if isinstance(x, Variable) else x


def _real_part(z: torch.Tensor) -> torch.Tensor:
    return torch.real(z).clone()


def _imag_part(z: torch.Tensor) -> torch.Tensor:
    return torch.imag(z).clone()


def real(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The real part of each element of `input` (a real `input` is returned as it is).

    >>> import tftape_torch as tf
    >>> print(tf.math.real(tf.constant([3 + 4j, -1 - 2j])))
    tf.Tensor([ 3. -1.], shape=(2,), dtype=float64)
    """
    x = as_tensor(input)
    if x.dtype not in COMPLEX:
        return _real_or_read(x)
    return call("Real", _real_part, (x,), x)


def imag(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The imaginary part of each element of `input` (zeros for a real `input`).

    >>> import tftape_torch as tf
    >>> print(tf.math.imag(tf.constant([3 + 4j, -1 - 2j])))
    tf.Tensor([ 4. -2.], shape=(2,), dtype=float64)
    """
    x = as_tensor(input)
    if x.dtype not in COMPLEX:
        return zeros_like(x)
    return call("Imag", _imag_part, (x,), x)


def conj(x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The complex conjugate of each element of `x` (a real `x` is returned as it is).

    >>> import tftape_torch as tf
    >>> print(tf.math.conj(tf.constant([3 + 4j])))
    tf.Tensor([3.-4.j], shape=(1,), dtype=complex128)
    """
    t = as_tensor(x)
    if t.dtype not in COMPLEX:
        return _real_or_read(t)
    return call("Conj", torch.conj_physical, (t,), t)


def angle(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The argument of each element of `input`, in `(-pi, pi]`.

    A real `input` gives `pi` where it is negative and 0 elsewhere, with no gradient.

    >>> import tftape_torch as tf
    >>> print(tf.math.angle(tf.constant([-1.0, 2.0])))
    tf.Tensor([3.1415927 0.       ], shape=(2,), dtype=float32)
    """
    x = as_tensor(input)
    if x.dtype in COMPLEX:
        return call("Angle", torch.angle, (x,), x)
    if x.dtype.is_floating_point:
        negative = x < 0
        return where(negative, torch.full_like(negative, math.pi, dtype=x.dtype),
                     zeros_like(x))
    raise TypeError(f"Cannot convert {math.pi!r} to EagerTensor of dtype {dtype_name(x.dtype)}")


def complex(real: Any, imag: Any, name: Optional[str] = None) -> torch.Tensor:
    """Complex numbers `real + imag * 1j`, elementwise (the parts broadcast).

    float32 parts give complex64, float64 parts complex128.

    >>> import tftape_torch as tf
    >>> print(tf.complex(tf.constant([1.0, 2.0]), tf.constant(0.5)))
    tf.Tensor([1.+0.5j 2.+0.5j], shape=(2,), dtype=complex64)
    """
    re, im = as_tensor(real), as_tensor(imag)
    if re.dtype != im.dtype or re.dtype not in (torch.float32, torch.float64):
        raise TypeError(
            "The `real` and `imag` components have incorrect types: "
            f"{dtype_name(re.dtype)} {dtype_name(im.dtype)}. They must be consistent, "
            "and one of [tf.float32, tf.float64]"
        )
    return call("Complex", _from_parts, (re, im), re, im)


def _from_parts(re: torch.Tensor, im: torch.Tensor) -> torch.Tensor:
    re, im = torch.broadcast_tensors(re, im)
    return torch.complex(re, im)
