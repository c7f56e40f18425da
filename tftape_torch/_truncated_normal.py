"""Standard normal samples truncated to `[a, b]`, accurate at every distance from the
mean, with TF's first derivatives in the bounds (`stateless_parameterized_truncated_normal`).

NOTE: [Truncated normal tails]

The inverse-CDF recipe `ndtri(ndtr(a) + (ndtr(b) - ndtr(a)) * u)` fails away from the
mean: in float64 `ndtr(8)` is 1 and `ndtr(-38)` is 0, so every sample on `[10, 11]`
fell on a bound, on `[8, inf]` some were `inf`, and `[8, 9]` lost most of its digits.
TF's kernel samples by rejection. Here, as TF's, a region entirely below the mean is
mirrored above it; a region that straddles the mean keeps the CDF recipe (both CDFs
are far from 0 and 1 where it matters); a region whose lower end `a` is above the mean
inverts the survival function `S(x) = ndtr(-x)` while `a < 5` (where `S` keeps full
relative precision), and past 5 draws by rejection from the exponential proposal
`a + E / a` truncated to `b` (Robert, 1995), accepting with probability
`exp(-(z - a)**2 / 2)`: at least 0.96 per draw there, so a few rounds accept every
sample. The numbers are not TF's (the generators differ); their distribution is.

The bounds' derivatives are TF's (`_StatelessParameterizedTruncatedNormalGrad`,
implicit reparameterization): `exp((z**2 - b**2) / 2) * F` in `maxval` and
`exp((z**2 - a**2) / 2) * (1 - F)` in `minval`, with `F` the truncated CDF at `z`
clipped to `[tiny, 1 - eps]` as TF clips it. TF computes `F` from differences of
CDFs in the op's dtype, which are 0/0 in the tails; here it comes from log-survival
functions in float64, which keep its digits there.

>>> import torch
>>> g = torch.Generator().manual_seed(0)
>>> z, _ = standard_sample(torch.tensor(10.0, dtype=torch.float64),
...                           torch.tensor(11.0, dtype=torch.float64), [1000], g)
>>> bool(((z >= 10) & (z <= 11)).all()), round(float(z.mean()), 2)
(True, 10.1)
"""

from __future__ import annotations

from typing import Any, List, Tuple

import torch

__all__ = ["BoundsGradient", "standard_sample"]

# Above this lower bound (in standard deviations) samples come by rejection.
_REJECTION_FROM = 5.0
_MAX_ROUNDS = 64


def standard_sample(
    a: torch.Tensor, b: torch.Tensor, dims: List[int], generator: torch.Generator
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Samples `z` of the standard normal truncated to `[a, b]` (float64, broadcast to
    `dims`), and the truncated CDF `F(z)` (NOTE: [Truncated normal tails])."""
    a, b = a.expand(dims), b.expand(dims)
    mirrored = b <= 0  # entirely below the mean: sample -z on [-b, -a]
    low = torch.where(mirrored, -b, a)
    high = torch.where(mirrored, -a, b)
    u = torch.rand(dims, dtype=torch.float64, device=a.device, generator=generator)

    straddles = low < 0
    cdf_low, cdf_high = torch.special.ndtr(low), torch.special.ndtr(high)
    central = torch.special.ndtri(cdf_low + (cdf_high - cdf_low) * u)

    surv_low, surv_high = torch.special.ndtr(-low), torch.special.ndtr(-high)
    upper = -torch.special.ndtri(surv_low - (surv_low - surv_high) * u)

    z = torch.where(straddles, central, upper)
    tail = ~straddles & (low >= _REJECTION_FROM)
    if bool(tail.any()):
        z = torch.where(tail, _tail_sample(low, high, tail, generator), z)
    z = torch.minimum(torch.maximum(z, low), high)

    log_s_low, log_s_high, log_s_z = (torch.special.log_ndtr(-v) for v in (low, high, z))
    # F(z) and 1 - F(z) on [low, high] from log-survival functions.
    span = -torch.expm1(log_s_high - log_s_low)
    below = -torch.expm1(log_s_z - log_s_low) / span  # (S(low) - S(z)) / (S(low) - S(high))
    # (S(z) - S(high)) / (S(low) - S(high)), finite for an infinite `high` too.
    above = torch.exp(log_s_z - log_s_low) * -torch.expm1(log_s_high - log_s_z) / span
    return torch.where(mirrored, -z, z), torch.where(mirrored, above, below)


def _tail_sample(low: torch.Tensor, high: torch.Tensor, where: torch.Tensor,
                 generator: torch.Generator) -> torch.Tensor:
    """Rejection samples on `[low, high]` with `low >= 5`, where `where` holds
    (NOTE: [Truncated normal tails]); elsewhere `low`."""
    rate = torch.where(where, low, torch.ones_like(low))
    width = torch.where(where, high - low, torch.zeros_like(low))
    # The exponential proposal truncated to the width: E = -log(1 - u (1 - exp(-rate w))).
    reach = -torch.expm1(-rate * width)
    out = low.clone()
    pending = where.clone()
    for _ in range(_MAX_ROUNDS):
        u = torch.rand(low.shape, dtype=torch.float64, device=low.device, generator=generator)
        v = torch.rand(low.shape, dtype=torch.float64, device=low.device, generator=generator)
        step = -torch.log1p(-u * reach) / rate
        accept = pending & (v <= torch.exp(-0.5 * step * step))
        out = torch.where(accept, low + step, out)
        pending = pending & ~accept
        if not bool(pending.any()):
            break
    return out


class BoundsGradient(torch.autograd.Function):
    """The zero of a sample whose gradients in the bounds are TF's `dminval`/`dmaxval`
    (`_StatelessParameterizedTruncatedNormalGrad`), for the given standardized sample."""

    @staticmethod
    def forward(minval: torch.Tensor, maxval: torch.Tensor, d_min: torch.Tensor,
                d_max: torch.Tensor) -> torch.Tensor:
        return torch.zeros_like(d_min)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        minval, maxval, d_min, d_max = inputs
        ctx.save_for_backward(d_min, d_max)
        ctx.shapes = (minval.shape, maxval.shape)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Any, ...]:
        d_min, d_max = ctx.saved_tensors
        min_shape, max_shape = ctx.shapes
        return (_sum_to_shape(grad * d_min, min_shape), _sum_to_shape(grad * d_max, max_shape),
                None, None)


def _sum_to_shape(value: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    lead = value.dim() - len(shape)
    value = value.sum(tuple(range(lead))) if lead else value
    kept = tuple(i for i, size in enumerate(shape) if size == 1 and value.shape[i] != 1)
    return value.sum(kept, keepdim=True) if kept else value
