"""The regularized incomplete gamma functions `tf.math.igamma` (`P(a, x)`) and
`tf.math.igammac` (`Q(a, x) = 1 - P(a, x)`), with TF's gradients for both operands.

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

from tftape_torch._kernels import with_partials
from tftape_torch._op_call import call, disallowed, match_operands
from tftape_torch._recorded_ops import unregistered_gradient

__all__ = ["igamma", "igammac"]

_EPSILON = float(torch.finfo(torch.float64).eps) / 2  # Cephes' MACHEP for double
_BIG = 4.503599627370496e15
_MAX_ITERATIONS = 2000  # Eigen's for the derivative
_CHECK_EVERY = 16  # iterations between convergence checks (one host read each)


def _log_term(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """`a log x - x - lgamma(a)`: the log of `x**a exp(-x) / Gamma(a)`."""
    return a * torch.log(x) - x - torch.lgamma(a)


def _series_da(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """d P(a, x) / da by Eigen's `igamma_series_impl` (for `x <= max(1, a)`)."""
    ax = torch.exp(_log_term(a, x)) / a  # x**a exp(-x) / Gamma(a + 1)
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


def _fraction_da(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """d Q(a, x) / da by Eigen's `igammac_cf_impl` (for `x > max(1, a)`)."""
    ax = torch.exp(_log_term(a, x))
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


def _igamma_grad_a(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """TF's `IgammaGradA`: d P(a, x) / da; NaN where `a <= 0` or `x < 0`, 0 at `x == 0`."""
    a, x = torch.broadcast_tensors(a, x)
    a64, x64 = a.to(torch.float64), x.to(torch.float64)
    valid = (a64 > 0) & (x64 > 0) & ~torch.isinf(x64)
    # Eigen's `main_igamma_term`: 0 where x**a exp(-x) / Gamma(a) underflows the
    # operands' dtype or is NaN (a = inf), and so is the derivative.
    log_term = _log_term(a64, x64)
    floor = -math.log(torch.finfo(a.dtype).max)
    valid = valid & ~torch.isnan(log_term) & (log_term >= floor)
    by_fraction = valid & (x64 > 1) & (x64 > a64)
    by_series = valid & ~by_fraction
    out = torch.zeros_like(a64)
    if bool(by_series.any()):
        out[by_series] = _series_da(a64[by_series], x64[by_series])
    if bool(by_fraction.any()):
        out[by_fraction] = -_fraction_da(a64[by_fraction], x64[by_fraction])
    nan = (a64 <= 0) | (x64 < 0) | torch.isnan(a64) | torch.isnan(x64)
    out = torch.where(nan & (x64 != 0), torch.nan, out)
    return out.to(a.dtype)


def _partial_x(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """TF's d P(a, x) / dx: `exp(-x + (a - 1) log x - lgamma(a))`, in log space."""
    return torch.exp(-x + (a - 1) * torch.log(x) - torch.lgamma(a))


_grad_a = unregistered_gradient("IgammaGradA", _igamma_grad_a)


def _igamma_partials(a: torch.Tensor, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    return _grad_a(a, x), _partial_x(a, x)


def _igammac_partials(a: torch.Tensor, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    da, dx = _igamma_partials(a, x)
    return -da, -dx


def _outside(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Where TF's kernels answer NaN: `a <= 0` or `x < 0` (torch says 1 at `a == 0`)."""
    return (a <= 0) | (x < 0)


def _lower(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    # Eigen checks `x == 0` (P = 0) before the domain.
    return torch.where(_outside(a, x) & (x != 0), torch.nan, torch.special.gammainc(a, x))


def _upper(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return torch.where(_outside(a, x), torch.nan, torch.special.gammaincc(a, x))


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
