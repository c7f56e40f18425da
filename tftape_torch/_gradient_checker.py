"""`tf.test.compute_gradient`: a function's jacobians by the tape and by central
differences, side by side, for gradient checks in tests.

For `y = f(*xs)`, each argument gets two 2-D NumPy arrays of `y.size` rows and
`x.size` columns: the theoretical jacobian (the tape's, all rows in one batched
pass) and the numeric one (`(f(x + delta) - f(x - delta)) / (2 delta)`, one column
per element of `x`, computed on NumPy copies of the arguments, as TF does). A
complex tensor counts as twice as many reals (real and imaginary parts
interleaved), and an argument `y` does not depend on gets a zero jacobian, as in TF.

>>> import tftape_torch as tf
>>> theoretical, numeric = tf.test.compute_gradient(lambda x: x * x, [3.0])
>>> theoretical, numeric
((array([[6.]], dtype=float32),), (array([[6.]], dtype=float32),))
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._dtypes import COMPLEX, INEXACT, dtype_name
from tftape_torch._printing import numpy_value
from tftape_torch._tape import GradientTape

__all__ = ["compute_gradient"]

Jacobians = Tuple[Tuple[np.ndarray, ...], Tuple[np.ndarray, ...]]


def compute_gradient(f: Callable[..., Any], x: Sequence[Any],
                     delta: Optional[float] = None) -> Jacobians:
    """The theoretical and the numeric jacobian of `f` at `x`, for every argument.

    Args:
      f: the function; it takes one tensor per item of `x` and returns one tensor.
      x: the arguments, a list or tuple of values convertible to tensors.
      delta: the step of the central differences (default 1/1024, exact in binary).

    Returns:
      `(theoretical, numeric)`: two tuples with one `[y_size, x_size]` NumPy array
      per argument.

    Raises:
      ValueError: if `x` is not a list or tuple, or `y` is empty while the gradient
        is not zero.
      AssertionError: for an argument or result that is not floating or complex.
    """
    if not isinstance(x, (list, tuple)):
        raise ValueError(
            "`x` must be a list or tuple of values convertible to a Tensor "
            f"(arguments to `f`), not a {type(x)}")
    step = 1.0 / 1024 if delta is None else delta
    xs = [convert_to_tensor(value) for value in x]
    y = f(*xs)
    pairs = [_jacobians(f, y.shape, y.dtype, xs, index, step) for index in range(len(xs))]
    theoretical = tuple(pair[0] for pair in pairs)
    numeric = tuple(pair[1] for pair in pairs)
    return theoretical, numeric


def _jacobians(f: Callable[..., Any], y_shape: Sequence[int], y_dtype: torch.dtype,
               xs: List[torch.Tensor], index: int, delta: float) -> Tuple[np.ndarray, np.ndarray]:
    for dtype, what in ((xs[index].dtype, f"argument {index}"), (y_dtype, "y")):
        if dtype not in INEXACT:
            raise AssertionError(
                f"Cannot compute gradient for unsupported type {dtype_name(dtype)} of {what}")
    return (_theoretical(f, tuple(y_shape), y_dtype, xs, index),
            _numeric(f, math.prod(y_shape), y_dtype, xs, index, delta))


def _real_numpy_dtype(dtype: torch.dtype) -> Any:
    """The NumPy dtype of `dtype`'s real part (bfloat16: float32, NumPy has none)."""
    real = torch.empty((), dtype=dtype).real.dtype
    return np.float32 if real == torch.bfloat16 else torch.empty((), dtype=real).numpy().dtype


def _theoretical(f: Callable[..., Any], y_shape: Tuple[int, ...], y_dtype: torch.dtype,
                 xs: List[torch.Tensor], index: int) -> np.ndarray:
    x = xs[index]
    x_size = math.prod(x.shape) * (2 if x.dtype in COMPLEX else 1)
    y_size = math.prod(y_shape) * (2 if y_dtype in COMPLEX else 1)
    jacobian = np.zeros((y_size, x_size), dtype=_real_numpy_dtype(x.dtype))
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(*xs)
    if y_size == 0:
        # No rows: the gradient must still be zeros of x's shape.
        gradient = tape.gradient(y, x, output_gradients=torch.zeros_like(y))
        if gradient is None:
            return jacobian
        grad = _dense(gradient)
        if tuple(grad.shape) != tuple(x.shape):
            raise ValueError(f"Empty gradient has wrong shape: expected {tuple(x.shape)}, "
                             f"got {tuple(grad.shape)}")
        if np.any(grad):
            raise ValueError("Empty tensor with nonzero gradients")
        return jacobian
    if x.dtype not in COMPLEX and y_dtype not in COMPLEX:
        rows = tape.jacobian(y, x)  # every row in one batched pass
        if rows is not None:
            jacobian[:] = _numpy(rows).reshape(y_size, x_size)
        return jacobian
    # Complex: one row per real or imaginary part of an element of y, as TF seeds them.
    seed = np.zeros(y_shape, dtype=torch.empty((), dtype=y_dtype).numpy().dtype)
    seed_reals = seed.ravel().view(_real_numpy_dtype(y_dtype))
    for row in range(y_size):
        seed_reals[row] = 1
        grad = tape.gradient(y, x, output_gradients=convert_to_tensor(seed.copy()))
        if grad is not None:
            jacobian[row, :] = _dense(grad).ravel().view(jacobian.dtype)
        seed_reals[row] = 0
    return jacobian


def _numeric(f: Callable[..., Any], y_size: int, y_dtype: torch.dtype,
             xs: List[torch.Tensor], index: int, delta: float) -> np.ndarray:
    x_dtype = xs[index].dtype
    x_real = _real_numpy_dtype(x_dtype)
    y_real = _real_numpy_dtype(y_dtype)
    arrays = [np.array(_numpy(value)) for value in xs]  # copies: perturbed in place
    x = arrays[index]
    x_size = x.size * (2 if x_dtype in COMPLEX else 1)
    y_size = y_size * (2 if y_dtype in COMPLEX else 1)
    scale = np.asarray(2 * delta, dtype=y_real)[()]
    jacobian = np.zeros((y_size, x_size), dtype=x_real)
    reals = x.reshape(-1).view(x_real)  # a view: perturbs `x` in place

    def run() -> np.ndarray:
        return np.asarray(_numpy(f(*[convert_to_tensor(a) for a in arrays])))

    for column in range(x_size):
        original = reals[column]
        reals[column] += delta
        y_plus = run()
        reals[column] = original
        reals[column] -= delta
        y_minus = run()
        reals[column] = original
        jacobian[:, column] = ((y_plus - y_minus) / scale).ravel().view(y_real)
    return jacobian


def _dense(grad: Any) -> np.ndarray:
    """A gradient (an `IndexedSlices` too) as a NumPy array."""
    return np.asarray(_numpy(convert_to_tensor(grad)))


def _numpy(value: torch.Tensor) -> np.ndarray:
    """`value` as a NumPy array of its own (bfloat16 as float32)."""
    return np.array(numpy_value(value))
