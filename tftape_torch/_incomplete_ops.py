"""The regularized incomplete gamma functions `tf.math.igamma` (`P(a, x)`) and
`tf.math.igammac` (`Q(a, x) = 1 - P(a, x)`), with TF's gradients for both operands,
and the regularized incomplete beta function `tf.math.betainc` (`I_x(a, b)`), whose
gradient TF defines for `x` only.

The values are torch's `special.gammainc`/`gammaincc` (Cephes, as TF's Eigen
kernels, in the operands' dtype: in float32 they give TF's bits for 70% of a
random grid, and agree within 3e-5 relative everywhere on it), NaN where `a <= 0`
or `x < 0` as in TF. The gradient with respect to `x` is TF's formula,
`exp(-x + (a - 1) log x - lgamma(a))`, built from differentiable ops. The gradient
with respect to `a` is TF's `IgammaGradA` kernel, ported here: Eigen's power series
for `x <= max(1, a)` and its continued fraction for `Q` beyond, each carrying the
derivative of every term along, in float64. TF registers no gradient for
`IgammaGradA`, so a second derivative in `a` raises its `LookupError`, as in TF.

>>> import tftape_torch as tf
>>> a, x = tf.constant([1.0, 2.0]), tf.constant([2.0, 3.0])
>>> print(tf.math.igamma(a, x))
tf.Tensor([0.86466473 0.8008517 ], shape=(2,), dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Tuple

import torch

from tftape_torch._kernels import needs_grad, visible_to_modes, with_partials
from tftape_torch._op_call import call, disallowed, match_operands
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._torch_internals import apply_function
from tftape_torch.errors import InvalidArgumentError

__all__ = ["betainc", "gamma_sample_grad", "igamma", "igamma_grad_a", "igammac"]

_EPSILON = float(torch.finfo(torch.float64).eps) / 2  # Cephes' MACHEP for double
_BIG = 4.503599627370496e15
_MAX_ITERATIONS = 2000  # Eigen's for the derivative
_CHECK_EVERY = 16  # iterations between convergence checks (one host read each)


def _log_term(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """`a log x - x - lgamma(a)`: the log of `x**a exp(-x) / Gamma(a)`."""
    return a * torch.log(x) - x - torch.lgamma(a)


def _series_da(a: torch.Tensor, x: torch.Tensor, term: torch.Tensor) -> torch.Tensor:
    """d P(a, x) / da by Eigen's `igamma_series_impl` (for `x <= max(1, a)`); `term`
    is `x**a exp(-x) / Gamma(a)`."""
    ax = term / a  # x**a exp(-x) / Gamma(a + 1)
    r, c, ans = a.clone(), torch.ones_like(a), torch.ones_like(a)
    dc_da, dans_da = torch.zeros_like(a), torch.zeros_like(a)
    for i in range(_MAX_ITERATIONS):
        r = r + 1
        term = x / r
        dc_da = term * dc_da - x / (r * r) * c
        dans_da = dans_da + dc_da
        c = c * term
        ans = ans + c
        if i % _CHECK_EVERY == _CHECK_EVERY - 1 and bool(
                (torch.abs(dc_da) <= _EPSILON * torch.abs(dans_da)).all()):
            break
    dlogax_da = torch.log(x) - torch.digamma(a + 1)
    return ans * ax * dlogax_da + dans_da * ax


def _fraction_da(a: torch.Tensor, x: torch.Tensor, ax: torch.Tensor) -> torch.Tensor:
    """d Q(a, x) / da by Eigen's `igammac_cf_impl` (for `x > max(1, a)`); `ax` is
    `x**a exp(-x) / Gamma(a)`."""
    y, z, c = 1 - a, x + 2 - a, torch.zeros_like(a)
    pkm2, qkm2, pkm1, qkm1 = torch.ones_like(a), x, x + 1, (x + 2 - a) * x
    ans = pkm1 / qkm1
    dpkm2, dqkm2, dpkm1, dqkm1 = (torch.zeros_like(a), torch.zeros_like(a),
                                  torch.zeros_like(a), -x)
    dans = (dpkm1 - ans * dqkm1) / qkm1
    for i in range(_MAX_ITERATIONS):
        c, y, z = c + 1, y + 1, z + 2
        yc = y * c
        pk = pkm1 * z - pkm2 * yc
        qk = qkm1 * z - qkm2 * yc
        dpk = dpkm1 * z - pkm1 - dpkm2 * yc + pkm2 * c
        dqk = dqkm1 * z - qkm1 - dqkm2 * yc + qkm2 * c
        moving = qk != 0
        safe_qk = torch.where(moving, qk, 1)
        previous = dans
        ans = torch.where(moving, pk / safe_qk, ans)
        dans = torch.where(moving, (dpk - ans * dqk) / safe_qk, dans)
        pkm2, pkm1, qkm2, qkm1 = pkm1, pk, qkm1, qk
        dpkm2, dpkm1, dqkm2, dqkm1 = dpkm1, dpk, dqkm1, dqk
        scale = torch.where(torch.abs(pk) > _BIG, 1 / _BIG, 1.0)
        pkm2, pkm1, qkm2, qkm1 = pkm2 * scale, pkm1 * scale, qkm2 * scale, qkm1 * scale
        dpkm2, dpkm1, dqkm2, dqkm1 = dpkm2 * scale, dpkm1 * scale, dqkm2 * scale, dqkm1 * scale
        if i % _CHECK_EVERY == _CHECK_EVERY - 1 and bool(
                (torch.abs(dans - previous) <= _EPSILON).all()):
            break
    dlogax_da = torch.log(x) - torch.digamma(a)
    return ans * ax * dlogax_da + dans * ax


def igamma_grad_a(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """TF's `IgammaGradA`: d P(a, x) / da; NaN where `a <= 0` or `x < 0`, 0 at `x == 0`."""
    a, x = torch.broadcast_tensors(a, x)
    a64, x64 = a.to(torch.float64), x.to(torch.float64)
    valid = (a64 > 0) & (x64 > 0) & ~torch.isinf(x64)
    # Eigen's `main_igamma_term`: 0 where x**a exp(-x) / Gamma(a) underflows the
    # operands' dtype or is NaN (a = inf), and so is the derivative.
    log_term = _log_term(a64, x64)
    floor = -math.log(torch.finfo(a.dtype).max)
    valid = valid & ~torch.isnan(log_term) & (log_term >= floor)
    term = torch.exp(log_term)
    by_fraction = valid & (x64 > 1) & (x64 > a64)
    by_series = valid & ~by_fraction
    out = torch.zeros_like(a64)
    if bool(by_series.any()):
        out[by_series] = _series_da(a64[by_series], x64[by_series], term[by_series])
    if bool(by_fraction.any()):
        out[by_fraction] = -_fraction_da(a64[by_fraction], x64[by_fraction],
                                         term[by_fraction])
    nan = (a64 <= 0) | (x64 < 0) | torch.isnan(a64) | torch.isnan(x64)
    out = torch.where(nan & (x64 != 0), torch.nan, out)
    return out.to(a.dtype)


def gamma_sample_grad(alpha: torch.Tensor, sample: torch.Tensor) -> torch.Tensor:
    """TF's `RandomGammaGrad`: d sample / d alpha of a standard Gamma sample at a fixed
    quantile, `-(d P(alpha, x) / d alpha) / p(x; alpha)` (implicit reparameterization)."""
    return -igamma_grad_a(alpha, sample) / _partial_x(alpha, sample)


def _partial_x(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """TF's d P(a, x) / dx: `exp(-x + (a - 1) log x - lgamma(a))`, in log space."""
    return torch.exp(-x + (a - 1) * torch.log(x) - torch.lgamma(a))


_grad_a = unregistered_gradient("IgammaGradA", igamma_grad_a)


def _igamma_partials(a: torch.Tensor, x: torch.Tensor) -> Tuple[Any, torch.Tensor]:
    # `a`'s partial runs a series or continued fraction: made only when asked for.
    return (lambda: _grad_a(a, x)), _partial_x(a, x)


def _igammac_partials(a: torch.Tensor, x: torch.Tensor) -> Tuple[Any, torch.Tensor]:
    return (lambda: -_grad_a(a, x)), -_partial_x(a, x)


def _outside(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Where TF's kernels answer NaN: `a <= 0` or `x < 0` (torch says 1 at `a == 0`)."""
    return (a <= 0) | (x < 0)


def _with_tf_edges(a: torch.Tensor, x: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """`value` with Eigen's answers at its edges: NaN outside the domain or for a NaN
    operand, 0 for `a = x = +inf` (for `P` and `Q` both)."""
    both_inf = (a == float("inf")) & (x == float("inf"))
    value = torch.where(both_inf, torch.zeros_like(value), value)
    return torch.where(_outside(a, x) | torch.isnan(a) | torch.isnan(x), torch.nan, value)


def _lower(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    # Eigen checks `x == 0` (P = 0, whatever `a` is) before anything else.
    value = _with_tf_edges(a, x, torch.special.gammainc(a, x))
    return torch.where(x == 0, torch.zeros_like(value), value)


def _upper(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return _with_tf_edges(a, x, torch.special.gammaincc(a, x))


def _igamma_kernel(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return with_partials(a, x, _lower, _igamma_partials)


def _igammac_kernel(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return with_partials(a, x, _upper, _igammac_partials)


def _operands(a: Any, x: Any, op: str) -> Tuple[torch.Tensor, torch.Tensor]:
    a_, x_ = match_operands(a, x, op)
    if a_.dtype not in (torch.float32, torch.float64):
        raise disallowed(op, a_.dtype, "float, double")
    return a_, x_


def _op(op: str, kernel: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        a: Any, x: Any) -> torch.Tensor:
    a_, x_ = _operands(a, x, op)
    return call(op, kernel, (a_, x_), a_, x_)


def igamma(a: Any, x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The lower regularized incomplete gamma function `P(a, x) = gamma(a, x) /
    Gamma(a)`, elementwise (broadcasting). Differentiable in both operands, as TF's.

    >>> import tftape_torch as tf
    >>> a, x = tf.constant(2.0), tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch([a, x])
    ...     p = tf.math.igamma(a, x)
    >>> [round(float(g), 5) for g in tape.gradient(p, [a, x])]
    [-0.19743, 0.14936]

    Raises:
      InvalidArgumentError: for operands that are not float32 or float64, or of
        different dtypes.
    """
    return _op("Igamma", _igamma_kernel, a, x)


def igammac(a: Any, x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The upper regularized incomplete gamma function `Q(a, x) = 1 - P(a, x)`,
    elementwise (broadcasting). Differentiable in both operands, as TF's.

    >>> import tftape_torch as tf
    >>> print(tf.math.igammac(tf.constant([1.0, 2.0]), tf.constant([2.0, 3.0])))
    tf.Tensor([0.13533528 0.19914828], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: for operands that are not float32 or float64, or of
        different dtypes.
    """
    return _op("Igammac", _igammac_kernel, a, x)


# ---------------------------------------------------------------------- betainc

_TINY = 1e-300


def _beta_fraction(a: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The continued fraction of `I_x(a, b)` (modified Lentz), float64, converging for
    `x < (a + 1) / (a + b + 2)`."""

    def clamp(v: torch.Tensor) -> torch.Tensor:
        return torch.where(torch.abs(v) < _TINY, _TINY, v)

    qab, qap, qam = a + b, a + 1, a - 1
    c = torch.ones_like(x)
    d = 1 / clamp(1 - qab * x / qap)
    h = d
    for m in range(1, 10 * _MAX_ITERATIONS):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 / clamp(1 + aa * d)
        c = clamp(1 + aa / c)
        h = h * d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 / clamp(1 + aa * d)
        c = clamp(1 + aa / c)
        step = d * c
        h = h * step
        if m % _CHECK_EVERY == 0 and bool((torch.abs(step - 1) <= _EPSILON).all()):
            break
    return h


def _betainc_values(a: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """`I_x(a, b)` in float64, rounded to the operands' dtype; TF's NaN outside
    `a, b > 0`, `0 <= x <= 1`."""
    a64, b64, x64 = (t.to(torch.float64) for t in torch.broadcast_tensors(a, b, x))
    inside = (a64 > 0) & (b64 > 0) & (x64 > 0) & (x64 < 1)
    sa, sb, sx = (torch.where(inside, t, 0.5) for t in (a64, b64, x64))
    front = torch.exp(torch.lgamma(sa + sb) - torch.lgamma(sa) - torch.lgamma(sb)
                      + sa * torch.log(sx) + sb * torch.log1p(-sx))
    direct = sx < (sa + 1) / (sa + sb + 2)  # else by symmetry: 1 - I_{1-x}(b, a)
    fa, fb, fx = (torch.where(direct, p, q) for p, q in ((sa, sb), (sb, sa), (sx, 1 - sx)))
    part = front * _beta_fraction(fa, fb, fx) / fa
    value = torch.where(direct, part, 1 - part)
    value = torch.where(x64 == 0, 0.0, torch.where(x64 == 1, 1.0, value))
    valid = (a64 > 0) & (b64 > 0) & (x64 >= 0) & (x64 <= 1)
    return torch.where(valid, value, torch.nan).to(a.dtype)


def _betainc_partial_x(a: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """TF's d I_x(a, b) / dx: `exp(xlog1py(b - 1, -x) + xlogy(a - 1, x) - log B(a, b))`."""
    log_beta = torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)
    return torch.exp(torch.special.xlog1py(b - 1, -x) + torch.xlogy(a - 1, x) - log_beta)


class _Betainc(torch.autograd.Function):
    """`betainc` with TF's gradients: None for `a` and `b`, the density for `x`."""

    @staticmethod
    def forward(a: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return _betainc_values(a, b, x)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(*inputs)
        ctx.save_for_forward(*inputs)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None or not ctx.needs_input_grad[2]:
            return None, None, None
        a, b, x = ctx.saved_tensors
        partial = _betainc_partial_x(a, b, x) * grad
        return None, None, partial.sum_to_size(x.shape)

    @staticmethod
    def jvp(ctx: Any, tangent_a: Any, tangent_b: Any, tangent_x: Any) -> torch.Tensor:
        # TF's forward mode transposes the gradient: `a` and `b` carry none.
        a, b, x = ctx.saved_tensors
        if tangent_x is None:
            return torch.zeros(torch.broadcast_shapes(a.shape, b.shape, x.shape),
                               dtype=x.dtype, device=x.device)
        return _betainc_partial_x(a, b, x) * tangent_x


@visible_to_modes
def _betainc_kernel(a: torch.Tensor, b: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    if needs_grad(x):
        return apply_function(_Betainc, a, b, x)
    return _betainc_values(a, b, x)


def betainc(a: Any, b: Any, x: Any, name: Optional[str] = None) -> torch.Tensor:
    """The regularized incomplete beta function `I_x(a, b) = B(x; a, b) / B(a, b)`,
    elementwise: `a`, `b` and `x` of one shape, or scalars. NaN outside `a, b > 0`,
    `0 <= x <= 1`. The gradient is TF's: `x`'s only (None for `a` and `b`).

    >>> import tftape_torch as tf
    >>> print(tf.math.betainc(tf.constant([0.5, 2.0]), tf.constant([0.5, 3.0]),
    ...                       tf.constant([0.3, 0.5])))
    tf.Tensor([0.36901012 0.6875    ], shape=(2,), dtype=float32)

    Raises:
      InvalidArgumentError: for operands that are not float32 or float64, of different
        dtypes, or of different non-scalar shapes.
    """
    a_, b_ = _operands(a, b, "Betainc")
    a_, x_ = _operands(a_, x, "Betainc")
    if b_.dtype != a_.dtype:
        raise disallowed("Betainc", b_.dtype, "float, double")
    for name_, other in (("b", b_), ("x", x_)):
        if a_.dim() and other.dim() and a_.shape != other.shape:
            raise InvalidArgumentError(
                None, None, f"Shapes of a and {name_} are inconsistent: {list(a_.shape)} vs. "
                f"{list(other.shape)} [Op:Betainc]")
    if b_.dim() and x_.dim() and b_.shape != x_.shape:
        raise InvalidArgumentError(
            None, None, f"Shapes of b and x are inconsistent: {list(b_.shape)} vs. "
            f"{list(x_.shape)} [Op:Betainc]")
    return call("Betainc", _betainc_kernel, (a_, b_, x_), a_, b_, x_)
