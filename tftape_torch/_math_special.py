"""`tf.math.special`: TF's special functions. This module holds its twelve Bessel
functions (`bessel_i0`, `bessel_i0e`, `bessel_i1`, `bessel_i1e`, also in `tf.math`;
`bessel_j0/j1`, `bessel_y0/y1`, `bessel_k0/k0e/k1/k1e`), with TF's values outside
their domain and TF's gradients, and exports the Cephes ports of `_special_cephes`
(`dawsn`, `expint`, `fresnel_cos`, `fresnel_sin`, `spence`).

The values are torch's (`torch.special`), computed in float32 for half tensors where
torch has no half kernel, except float64 `j0`, `j1`, `y0` and `y1`: torch's are only
float32-accurate in places there (1e-8 off at x = 5), so those are TF's own algorithms
(Cephes' `j0.c` and `j1.c`, ported in `_special_bessel`), within 1e-16 of TF's.
TF's kernels (Cephes, through Eigen) answer outside the domain where torch gives NaN:
`y0`/`y1` are -inf for x < 0 and the `k` functions +inf; `y1` at 0 is NaN in half
and float32 and -inf in float64. bfloat16 has no kernel in TF (`NotFoundError`);
integers are refused (`InvalidArgumentError`).

The gradients are TF's registered ones, written with these same functions so that
nested tapes give TF's higher derivatives (`with_derivative`): for example
d/dx i1(x) = i0(x) - i1(x) / x, imputed as 1 at x = 0 (TF's value; the true limit
is 1/2), and d/dx j1(x) = j0(x) - j1(x) / x, 1/2 at 0. Where TF divides by x at 0
(`k1`, `y1`...) the gradient is NaN there, as in TF.

>>> import tftape_torch as tf
>>> print(tf.math.bessel_i0(tf.constant([0.5, 1.0])))
tf.Tensor([1.0634835 1.266066 ], shape=(2,), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Tuple

import torch

from tftape_torch import _special_bessel as float64_bessel
from tftape_torch._dtypes import FLOATING, dtype_name
from tftape_torch._kernels import needs_grad, visible_to_modes, zero_for
from tftape_torch._op_call import as_tensor, call, disallowed
from tftape_torch._special_cephes import dawsn, expint, fresnel_cos, fresnel_sin, spence
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import apply_function
from tftape_torch.errors import NotFoundError

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
    "dawsn",
    "expint",
    "fresnel_cos",
    "fresnel_sin",
    "spence",
]

Fn = Callable[[torch.Tensor], torch.Tensor]


def _half_as_float(fn: Fn) -> Fn:
    """`fn`, run in float32 for half tensors (torch has no half kernel for it)."""

    def run(x: torch.Tensor) -> torch.Tensor:
        if x.dtype == torch.float16:
            return fn(x.float()).half()
        return fn(x)

    return run


def _full(value: float, like: torch.Tensor) -> torch.Tensor:
    return torch.full((), value, dtype=like.dtype, device=like.device)


def _below_zero_is(value: float, fn: Fn) -> Fn:
    """`fn`, and `value` for x < 0 (TF's Cephes kernels; torch says NaN)."""

    def run(x: torch.Tensor) -> torch.Tensor:
        return torch.where(x < 0, _full(value, x), fn(x))

    return run


def _float64_is(fn64: Fn, fn: Fn) -> Fn:
    """`fn64` for float64 tensors (TF's double kernels, `_special_bessel`), else `fn`."""

    def run(x: torch.Tensor) -> torch.Tensor:
        return fn64(x) if x.dtype == torch.float64 else fn(x)

    return run


def _y1_value(x: torch.Tensor) -> torch.Tensor:
    """float32 and half `y1`: -inf for x < 0 and NaN at 0, as TF's kernels."""
    y = torch.where(x < 0, _full(-float("inf"), x), _half_as_float(torch.special.bessel_y1)(x))
    return torch.where(x == 0, _full(float("nan"), x), y)


_VALUES = {
    "i0": torch.special.i0,
    "i0e": torch.special.i0e,
    "i1": torch.special.i1,
    "i1e": torch.special.i1e,
    "j0": _float64_is(float64_bessel.j0, _half_as_float(torch.special.bessel_j0)),
    "j1": _float64_is(float64_bessel.j1, _half_as_float(torch.special.bessel_j1)),
    "y0": _float64_is(float64_bessel.y0, _below_zero_is(
        -float("inf"), _half_as_float(torch.special.bessel_y0))),
    "y1": _float64_is(float64_bessel.y1, _y1_value),
    "k0": _below_zero_is(float("inf"), _half_as_float(torch.special.modified_bessel_k0)),
    "k0e": _below_zero_is(
        float("inf"), _half_as_float(torch.special.scaled_modified_bessel_k0)),
    "k1": _below_zero_is(float("inf"), _half_as_float(torch.special.modified_bessel_k1)),
    "k1e": _below_zero_is(
        float("inf"), _half_as_float(torch.special.scaled_modified_bessel_k1)),
}


def _at_zero(value: float, x: torch.Tensor, elsewhere: torch.Tensor) -> torch.Tensor:
    return torch.where(x == 0, _full(value, x), elsewhere)


# TF's registered gradients (math_grad.py): d/dx as a function of x and y = f(x).
_DERIVATIVES = {
    "i0": lambda x, y: _kernel("i1")(x),
    "i0e": lambda x, y: _kernel("i1e")(x) - torch.sign(x) * y,
    "i1": lambda x, y: _at_zero(1.0, x, _kernel("i0")(x) - y / x),
    "i1e": lambda x, y: _at_zero(0.5, x, _kernel("i0e")(x) - y * (torch.sign(x) + 1 / x)),
    "j0": lambda x, y: -_kernel("j1")(x),
    "j1": lambda x, y: _at_zero(0.5, x, _kernel("j0")(x) - y / x),
    "y0": lambda x, y: -_kernel("y1")(x),
    "y1": lambda x, y: _kernel("y0")(x) - y / x,
    "k0": lambda x, y: -_kernel("k1")(x),
    "k0e": lambda x, y: y - _kernel("k1e")(x),
    "k1": lambda x, y: -_kernel("k0")(x) - y / x,
    "k1e": lambda x, y: y * (1 - 1 / x) - _kernel("k0e")(x),
}


class _WithDerivative(torch.autograd.Function):
    """`fn(x)` whose gradient is `derivative(x, fn(x))` times the incoming one."""

    @staticmethod
    def forward(x: torch.Tensor, fn: Any, derivative: Any) -> torch.Tensor:
        with _DisableSubclass():
            return fn(x)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, _, ctx.derivative = inputs
        ctx.save_for_backward(x, output)
        ctx.save_for_forward(x, output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], None, None]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None
        x, out = ctx.saved_tensors
        with _DisableSubclass():
            return grad * ctx.derivative(x, out), None, None

    @staticmethod
    def jvp(ctx: Any, tangent: Optional[torch.Tensor], *_: Any) -> torch.Tensor:
        x, out = ctx.saved_tensors
        with _DisableSubclass():
            return ctx.derivative(x, out) * zero_for(tangent, x)


@visible_to_modes
def with_derivative(x: torch.Tensor, fn: Callable[[torch.Tensor], torch.Tensor],
                    derivative: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
                    ) -> torch.Tensor:
    """`fn(x)`, elementwise and real, whose gradient is `derivative(x, fn(x))` times the
    incoming one: TF's registered gradient where torch has none or a different one
    (the Bessel functions). `derivative` should be differentiable (made of such ops)
    for higher derivatives.

    >>> x = torch.tensor([2.0], requires_grad=True)
    >>> out = with_derivative(x, torch.square, lambda x, y: 2 * x)
    >>> torch.autograd.grad(out.sum(), x)
    (tensor([4.]),)
    """
    if needs_grad(x):
        return apply_function(_WithDerivative, x, fn, derivative)
    with _DisableSubclass():
        return fn(x)


def _kernel(kind: str) -> Fn:
    """Bessel function `kind` on a plain tensor, with TF's gradient."""
    value, derivative = _VALUES[kind], _DERIVATIVES[kind]

    def run(x: torch.Tensor) -> torch.Tensor:
        return with_derivative(x, value, derivative)

    return run


def _bessel(kind: str, doc: str) -> Callable[..., torch.Tensor]:
    op = "Bessel" + kind[0].upper() + kind[1:]
    kernel = _kernel(kind)

    def bessel(x: Any, name: Optional[str] = None) -> torch.Tensor:
        t = as_tensor(x)
        dtype = t.dtype
        if dtype not in FLOATING:
            raise disallowed(op, dtype, "bfloat16, half, float, double")
        if dtype == torch.bfloat16:
            raise NotFoundError(
                None, None, f"Could not find device for node: {{{{node {op}}}}} = {op}"
                f"[T=DT_{dtype_name(dtype).upper()}] [Op:{op}]"
            )
        return call(op, kernel, (t,), t)

    bessel.__name__ = bessel.__qualname__ = f"bessel_{kind}"
    bessel.__doc__ = doc + """
    Raises:
      InvalidArgumentError: for an integer or complex `x`.
      NotFoundError: for bfloat16 (TF has no kernel for it).
    """
    return bessel


bessel_i0 = _bessel("i0", """The modified Bessel function of the first kind of order 0,
    elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_i0(tf.constant([0.5])))
    tf.Tensor([1.0634835], shape=(1,), dtype=float32)
""")
bessel_i0e = _bessel("i0e", """`exp(-|x|) * bessel_i0(x)`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_i0e(tf.constant([1.0])))
    tf.Tensor([0.46575963], shape=(1,), dtype=float32)
""")
bessel_i1 = _bessel("i1", """The modified Bessel function of the first kind of order 1,
    elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_i1(tf.constant([0.0, 1.0])))
    tf.Tensor([0.        0.5651591], shape=(2,), dtype=float32)
""")
bessel_i1e = _bessel("i1e", """`exp(-|x|) * bessel_i1(x)`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_i1e(tf.constant([0.0, 1.0])))
    tf.Tensor([0.         0.20791042], shape=(2,), dtype=float32)
""")
bessel_j0 = _bessel("j0", """The Bessel function of the first kind of order 0, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_j0(tf.constant([0.0, 1.0])))
    tf.Tensor([1.         0.76519763], shape=(2,), dtype=float32)
""")
bessel_j1 = _bessel("j1", """The Bessel function of the first kind of order 1, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_j1(tf.constant([0.0, 1.0])))
    tf.Tensor([0.         0.44005063], shape=(2,), dtype=float32)
""")
bessel_y0 = _bessel("y0", """The Bessel function of the second kind of order 0,
    elementwise (-inf for x <= 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_y0(tf.constant([0.0, 1.0])))
    tf.Tensor([      -inf 0.08825695], shape=(2,), dtype=float32)
""")
bessel_y1 = _bessel("y1", """The Bessel function of the second kind of order 1,
    elementwise (-inf for x < 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_y1(tf.constant([0.5])))
    tf.Tensor([-1.4714724], shape=(1,), dtype=float32)
""")
bessel_k0 = _bessel("k0", """The modified Bessel function of the second kind of order 0,
    elementwise (+inf for x <= 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_k0(tf.constant([3.0])))
    tf.Tensor([0.03473951], shape=(1,), dtype=float32)
""")
bessel_k0e = _bessel("k0e", """`exp(x) * bessel_k0(x)`, elementwise (+inf for x <= 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_k0e(tf.constant([4.0])))
    tf.Tensor([0.6092977], shape=(1,), dtype=float32)
""")
bessel_k1 = _bessel("k1", """The modified Bessel function of the second kind of order 1,
    elementwise (+inf for x <= 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_k1(tf.constant([0.5])))
    tf.Tensor([1.656441], shape=(1,), dtype=float32)
""")
bessel_k1e = _bessel("k1e", """`exp(x) * bessel_k1(x)`, elementwise (+inf for x <= 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.bessel_k1e(tf.constant([0.5])))
    tf.Tensor([2.7310095], shape=(1,), dtype=float32)
""")
