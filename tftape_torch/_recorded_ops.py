"""Ops TF records on a tape without a working gradient: their results are on the tape
(a gradient *with respect to* such a result exists), but a gradient *through* them
gives their inputs `None` (`without_gradient`: `Round`, `Floor`, `ZerosLike`...) or
raises as TF does (`unregistered_gradient`: TF registers no gradient function, as for
`Unique`; `failing_gradient`: TF's gradient function fails for these shapes, as
`RFFT`'s does for a cropped input). NOTE: [TF's gradient conventions] in `_kernels`.

>>> import torch
>>> x = torch.tensor([1.4, 2.6], requires_grad=True)
>>> y = unregistered_gradient("Round", torch.round)(x)
>>> try:
...     torch.autograd.grad(y.sum(), x)
... except LookupError as e:
...     print(e)
gradient registry has no entry for: Round
"""

from __future__ import annotations

from typing import Any, Callable, List, Tuple

import torch

from tftape_torch import _state
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)

__all__ = ["failing_gradient", "recorded_constant", "replaced_gradient",
           "unregistered_gradient", "without_gradient"]


class _NoGradient(torch.autograd.Function):
    """Passes `out` through as a recorded result whose inputs get no gradient."""

    @staticmethod
    def forward(ctx: Any, out: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
        ctx.count = len(inputs)
        return out

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Tuple[None, ...]:
        return (None,) * (1 + ctx.count)


def _recorded(fn: Callable[..., torch.Tensor],
              attach: Callable[[torch.Tensor, List[torch.Tensor]], torch.Tensor]
              ) -> Callable[..., torch.Tensor]:
    """`fn` run without recording, its result then given a node by `attach(out, inputs)`
    when some input requires grad (forward mode keeps torch's own handling)."""

    def run(*args: Any, **kwargs: Any) -> torch.Tensor:
        with torch.no_grad():
            out = fn(*args, **kwargs)
        if (torch.is_grad_enabled() and not _state.THREAD.accumulators
                and isinstance(out, torch.Tensor)
                and (out.is_floating_point() or out.is_complex())):
            inputs = [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad]
            if inputs:
                with _DisableSubclass():
                    return attach(out, inputs)
        return out

    return run


def without_gradient(fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """`fn` as an op TF records but registers no gradient for.

    >>> x = torch.tensor([1.4, 2.6], requires_grad=True)
    >>> y = without_gradient(torch.round)(x)
    >>> torch.autograd.grad((y * 2.0).sum(), [y, x], allow_unused=True)
    (tensor([2., 2.]), None)
    """
    return _recorded(fn, lambda out, inputs: _NoGradient.apply(out, *inputs))


def recorded_constant(out: torch.Tensor, source: torch.Tensor) -> torch.Tensor:
    """`out`, a value without graph that TF computes by ops reading `source`, as a
    result the tapes recording now see (where `source` is on them): a gradient with
    respect to it exists, one through it gives `source` none.

    TF's vectorized jacobians are such ops: even a constant jacobian (of a linear
    function, the identity of a target with respect to itself, the zeros of
    `unconnected_gradients='zero'`) is a result of the target's, on every tape that
    records the target.

    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> j = recorded_constant(torch.eye(2), x)
    >>> torch.autograd.grad((j * 3.0).sum(), [j, x], allow_unused=True)
    (tensor([[3., 3.],
            [3., 3.]]), None)
    """
    return without_gradient(_given)(out, source)


def _given(out: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
    return out


class _FailingGradient(torch.autograd.Function):
    """Passes `out` through as a recorded result whose gradient TF cannot compute:
    asking for a gradient through it raises `error` (made when asked). TF calls no
    gradient function where no gradient arrives: neither does this (a tape pruned the
    node, or the gradient flows elsewhere)."""

    @staticmethod
    def forward(ctx: Any, error: Callable[[], Exception], out: torch.Tensor,
                *inputs: torch.Tensor) -> torch.Tensor:
        ctx.error = error
        ctx.count = len(inputs)
        ctx.set_materialize_grads(False)
        return out

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        if all(grad is None for grad in grads):
            return (None,) * (2 + ctx.count)
        raise ctx.error()


def failing_gradient(error: Callable[[], Exception], fn: Callable[..., torch.Tensor]
                     ) -> Callable[..., torch.Tensor]:
    """`fn` as an op whose gradient raises `error()` in TF (no gradient function is
    registered for it, or TF's raises for these shapes)."""
    return _recorded(fn, lambda out, inputs: _FailingGradient.apply(error, out, *inputs))


class _ReplacedGradient(torch.autograd.Function):
    """Passes `out` through as a recorded result whose one input gets `grad_fn(grad)`."""

    @staticmethod
    def forward(ctx: Any, grad_fn: Callable[[torch.Tensor], torch.Tensor], out: torch.Tensor,
                x: torch.Tensor) -> torch.Tensor:
        ctx.grad_fn = grad_fn
        return out

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        return None, None, ctx.grad_fn(grad)


def replaced_gradient(grad_fn: Callable[[torch.Tensor], torch.Tensor],
                      fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """`fn` of one tensor, as an op whose gradient TF computes as `grad_fn(grad)` where
    that differs from the derivative (TF's gradient of `RFFT` of a cropped input)."""
    return _recorded(fn, lambda out, inputs: _ReplacedGradient.apply(grad_fn, out, *inputs))


def unregistered_gradient(op: str, fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
    """`fn` as TF op `op`, which TF records but registers no gradient function for
    (`TruncateMod`, `Unique`): a gradient through its result raises `LookupError`."""
    return failing_gradient(
        lambda: LookupError(f"gradient registry has no entry for: {op}"), fn)
