"""TF's `CumulativeLogsumexp` kernel and its registered gradient.

# NOTE: [TF's log-sum-exp scan]
# TF's kernel folds `acc = f(acc, x[i])` from `acc = -inf`, where
# `f(a, b) = ma if ma < lowest else ma + log1p(exp(mi - ma))` with `mi = b < a ? b : a`
# and `ma = a < b ? b : a` (`std::min`/`std::max`). So a NaN input leaves the
# accumulator as it is except for adding log(2) (`acc == -inf` stays -inf), and two
# +inf give NaN; `torch.logcumsumexp` propagates the NaN and gives +inf. Inputs with
# neither NaN nor +inf take torch's scan, which agrees, and so do accelerator tensors
# (no host sync to look for them; TF's GPU kernel scans otherwise too).
# TF's gradient is `exp(clse(log(g+) - y, reversed) + x) - exp(clse(log(g-) - y,
# reversed) + x)` with `log(g+)` the log of the positive part of the incoming gradient
# (the dtype's lowest value where there is none), `g-` likewise; torch's differs
# wherever `x` or `y` is infinite or NaN (an all -inf input: NaN against TF's 0).

>>> import torch
>>> cumulative_logsumexp(torch.tensor([1.0, float("nan"), 2.0]), 0, False, False)
tensor([1.0000, 1.6931, 2.5514])
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from tftape_torch._kernels import needs_grad, visible_to_modes, zero_for
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import apply_function

__all__ = ["cumulative_logsumexp"]


def _fold(x: torch.Tensor, axis: int) -> torch.Tensor:
    """TF's sequential scan (NOTE: [TF's log-sum-exp scan]), one step per position."""
    lowest = torch.finfo(x.dtype).min
    acc = torch.full_like(torch.select(x, axis, 0), float("-inf"))
    steps = []
    for b in torch.unbind(x, axis):
        mi = torch.where(b < acc, b, acc)
        ma = torch.where(acc < b, b, acc)
        acc = torch.where(ma < lowest, ma, ma + torch.log1p(torch.exp(mi - ma)))
        steps.append(acc)
    return torch.stack(steps, axis)


def _values(x: torch.Tensor, axis: int, exclusive: bool, reverse: bool) -> torch.Tensor:
    if x.shape[axis] == 0:
        return x.clone()
    if reverse:
        x = torch.flip(x, [axis])
    if exclusive:
        pad_shape = list(x.shape)
        pad_shape[axis] = 1
        head = torch.full(pad_shape, float("-inf"), dtype=x.dtype, device=x.device)
        x = torch.cat([head, torch.narrow(x, axis, 0, x.shape[axis] - 1)], axis)
    # (TF's CPU kernel; on an accelerator no host sync to look for NaN and +inf)
    odd = x.device.type == "cpu" and bool((torch.isnan(x) | (x == float("inf"))).any())
    out = _fold(x, axis) if odd else torch.logcumsumexp(x, axis)
    return torch.flip(out, [axis]) if reverse else out


def _log_parts(g: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    lowest = torch.full((), torch.finfo(g.dtype).min, dtype=g.dtype, device=g.device)
    positive = torch.where(g > 0, torch.log(torch.where(g > 0, g, 1)), lowest)
    negative = torch.where(g < 0, torch.log(torch.where(g < 0, -g, 1)), lowest)
    return positive, negative


class _CumulativeLogsumexp(torch.autograd.Function):
    """TF's values and gradient (NOTE: [TF's log-sum-exp scan])."""

    @staticmethod
    def forward(x: torch.Tensor, axis: int, exclusive: bool, reverse: bool) -> torch.Tensor:
        with _DisableSubclass():
            return _values(x, axis, exclusive, reverse)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, ctx.axis, ctx.exclusive, ctx.reverse = inputs
        ctx.save_for_backward(x, output)
        ctx.save_for_forward(x, output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None, None
        x, y = ctx.saved_tensors
        axis, exclusive, reverse = ctx.axis, ctx.exclusive, ctx.reverse
        with _DisableSubclass():
            parts = []
            for log_g in _log_parts(grad):
                scanned = cumulative_logsumexp(log_g - y, axis, exclusive, not reverse)
                parts.append(torch.exp(scanned + x))
            return parts[0] - parts[1], None, None, None

    @staticmethod
    def jvp(ctx: Any, tangent: Optional[torch.Tensor], *_: Any) -> torch.Tensor:
        # The same scan weights, forwards: sum over i of t[i] * exp(x[i] - y[j]).
        x, y = ctx.saved_tensors
        axis, exclusive, reverse = ctx.axis, ctx.exclusive, ctx.reverse
        with _DisableSubclass():
            parts = []
            for log_t in _log_parts(zero_for(tangent, x)):
                scanned = cumulative_logsumexp(log_t + x, axis, exclusive, reverse)
                parts.append(torch.exp(scanned - y))
            return parts[0] - parts[1]


@visible_to_modes
def cumulative_logsumexp(x: torch.Tensor, axis: int, exclusive: bool, reverse: bool
                         ) -> torch.Tensor:
    """TF's `log(cumsum(exp(x)))` along `axis` (NOTE: [TF's log-sum-exp scan])."""
    if needs_grad(x):
        return apply_function(_CumulativeLogsumexp, x, axis, exclusive, reverse)
    with _DisableSubclass():
        return _values(x, axis, exclusive, reverse)
