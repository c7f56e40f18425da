"""Ops whose gradients follow TensorFlow's conventions where torch's differ.

Each is a `torch.autograd.Function` with a differentiable backward (so nested tapes
give TF's higher derivatives) and a `jvp` (so forward mode works). The drop-in
namespace uses them only when a derivative can be asked for (an input requires grad,
or carries a tangent of the active ForwardAccumulator); otherwise it calls the plain
torch op, which computes the same values.

# NOTE: [TF's gradient conventions]
# * `maximum(x, y)` / `minimum(x, y)`: at a tie the whole gradient goes to `x`
#   (TF selects with `x >= y` / `x <= y`); torch splits it half and half.
# * `sqrt`: TF's kernel returns 0 where the incoming gradient is 0, so the NaN of
#   `sqrt(-1.)` in the branch `tf.where` did not pick does not leak into the result;
#   torch computes `0 / (2 * nan) = nan`. Its JVP is not masked.
# * `pow(x, y)`: TF's d/dx is `y * x**(y-1)` everywhere (NaN at x = y = 0, where torch
#   says 0) and its d/dy masks `log(x)` to 0 for x <= 0 (torch gives NaN for x < 0;
#   complex x: masked only at 0).
# * `x / y`: TF's d/dy is `(-x / y) / y`; torch 2.13's own backward computes the same
#   (`-grad * ((x / y) / y)`), so only forward mode takes the custom node (TF's JVP,
#   below).
# * Complex inputs: the gradient is the incoming one times the *conjugate* derivative
#   (`grad * conj(f'(z))`, torch's convention too); the JVP is not conjugated
#   (`tangent * f'(z)`). Except where TF's registered gradient forgets the conjugate:
#   `MulNoNan`, `Xlogy`, `Xdivy` and `Cumprod` give `grad * f'(z)`, and their JVPs
#   (TF transposes the gradient function, through `Mul`/`DivNoNan` gradients that do
#   conjugate) `tangent * conj(f'(z))`, except `MulNoNan`'s (`tangent * f'(z)`).
# * `cumprod`: TF's gradient is `div_no_nan(cumsum(prod * grad, reversed), x)`, so 0
#   wherever `x` is 0; torch's is the true derivative there.
# * Ops TF registers no gradient for (`Round`, `Floor`, `ZerosLike`, `FloorDiv`...)
#   are still recorded: their inputs get `None` through them, but their results are
#   on the tape, so a gradient *with respect to such a result* exists
#   (`tape.gradient(f(tf.round(x)), tf.round(x))`). `_recorded_ops.without_gradient` gives the
#   result a node whose backward returns nothing.
# * Forward mode: TF computes a JVP by transposing the op's gradient function, so it
#   is the sum over *every* floating input of its partial derivative times its
#   tangent, an input without one counting as a zero tangent. Where such a partial is
#   infinite or NaN the JVP is NaN (`1 / x` at 0, `pow(0., y)` at y = 0), where
#   torch's formulas skip the term.

>>> import torch
>>> x = torch.tensor(1.0, requires_grad=True)
>>> torch.autograd.grad(maximum(x, torch.tensor(1.0)), x)
(tensor(1.),)
"""

from __future__ import annotations

import functools
from typing import Any, Callable, List, Optional, Tuple

import torch
from torch.overrides import handle_torch_function

from tftape_torch import _state
from tftape_torch._batch_first import sum_to
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
    functorch_transforms_active,
    tangent_of,
    torch_function_mode_enabled,
)

__all__ = [
    "cumprod", "divide", "floor_divide", "floor_mod",
    "maximum", "minimum",
    "multiply_no_nan", "needs_grad", "pow", "rpow", "scalar_pow", "scan", "sqrt", "stitch",
    "visible_to_modes", "with_partials", "zero_for",
]


def visible_to_modes(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Let torch-function modes (a ForwardAccumulator) see the whole op and its inputs.

    `Function.apply` never reaches torch-function modes on its own.
    """

    @functools.wraps(fn)
    def dispatch(*args: Any) -> Any:
        if torch_function_mode_enabled():
            return handle_torch_function(dispatch, args, *args)
        return fn(*args)

    return dispatch


def _sum_to(grad: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """Reduce a broadcast gradient back to an input's shape."""
    if grad.shape == shape:
        return grad
    return grad.sum_to_size(shape)


def needs_grad(*tensors: Any) -> bool:
    """Whether a derivative of an op on `tensors` can be asked for: TF's kernel runs.

    True if one of them requires grad (with grad mode on) or carries a tangent of the
    active ForwardAccumulator's dual level.
    """
    if torch.is_grad_enabled():
        for t in tensors:
            if isinstance(t, torch.Tensor) and t.requires_grad:
                return True
    if _state.THREAD.accumulators:
        return _has_tangent(tensors)
    return False


def _has_tangent(tensors: Tuple[Any, ...]) -> bool:
    level = _state.forward_level()
    if level is None:
        return False
    with _DisableSubclass():
        for t in tensors:
            if isinstance(t, torch.Tensor) and tangent_of(t, level) is not None:
                return True
    return False


def zero_for(tangent: Optional[torch.Tensor], like: torch.Tensor) -> torch.Tensor:
    """`tangent`, or a zero tangent for an input that has none (TF's convention)."""
    if tangent is not None:
        return tangent
    return torch.zeros((), dtype=like.dtype, device=like.device)


def _inexact(x: torch.Tensor) -> bool:
    return x.is_floating_point() or x.is_complex()


def _conj(x: torch.Tensor) -> torch.Tensor:
    return x.conj() if x.is_complex() else x


class _MaxMin(torch.autograd.Function):
    """`maximum`/`minimum` whose gradient at a tie goes to the first argument."""

    @staticmethod
    def forward(x: torch.Tensor, y: torch.Tensor, take_max: bool) -> torch.Tensor:
        with _DisableSubclass():
            return torch.maximum(x, y) if take_max else torch.minimum(x, y)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: Any) -> None:
        x, y, take_max = inputs
        with _DisableSubclass():
            mask = torch.ge(x, y) if take_max else torch.le(x, y)
            ctx.x_shape, ctx.y_shape = x.shape, y.shape
        ctx.mask = mask
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None
        with _DisableSubclass():
            zero = torch.zeros((), dtype=grad.dtype, device=grad.device)
            grad_x = grad_y = None
            if ctx.needs_input_grad[0]:
                grad_x = _sum_to(torch.where(ctx.mask, grad, zero), ctx.x_shape)
            if ctx.needs_input_grad[1]:
                grad_y = _sum_to(torch.where(ctx.mask, zero, grad), ctx.y_shape)
        return grad_x, grad_y, None

    @staticmethod
    def tftape_batched_backward(node: Any, g: torch.Tensor, nexts: Any) -> List[Any]:
        """`backward` for a batch of gradients, batch first (NOTE [Own batching rules]
        in `_batched_backward`): `g` to `x` where it was taken, to `y` elsewhere."""
        zero = torch.zeros((), dtype=g.dtype, device=g.device)
        return [None if nexts[0][0] is None else
                sum_to(torch.where(node.mask, g, zero), node.x_shape),
                None if nexts[1][0] is None else
                sum_to(torch.where(node.mask, zero, g), node.y_shape)]

    @staticmethod
    def jvp(ctx: Any, tangent_x: Any, tangent_y: Any, _: Any) -> torch.Tensor:
        with _DisableSubclass():
            mask = ctx.mask
            if tangent_x is None:
                tangent_x = torch.zeros((), dtype=tangent_y.dtype, device=tangent_y.device)
            if tangent_y is None:
                tangent_y = torch.zeros((), dtype=tangent_x.dtype, device=tangent_x.device)
            return torch.where(mask, tangent_x, tangent_y)


@visible_to_modes
def maximum(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise max; the gradient at a tie goes to `x`, as in TF."""
    if needs_grad(x, y):
        return apply_function(_MaxMin, x, y, True)
    with _DisableSubclass():
        return torch.maximum(x, y)


@visible_to_modes
def minimum(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Elementwise min; the gradient at a tie goes to `x`, as in TF."""
    if needs_grad(x, y):
        return apply_function(_MaxMin, x, y, False)
    with _DisableSubclass():
        return torch.minimum(x, y)


class _Sqrt(torch.autograd.Function):
    """`sqrt` whose gradient is 0 wherever the incoming gradient is 0 (TF's kernel)."""

    @staticmethod
    def forward(x: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return torch.sqrt(x)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Optional[torch.Tensor]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None
        (out,) = ctx.saved_tensors
        with _DisableSubclass():
            return _sqrt_grad(_conj(out), grad)

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor) -> torch.Tensor:
        # TF transposes `SqrtGrad` (its `_SqrtGradGrad`): `0.5 * tangent / out`, not
        # masked, so a zero tangent at sqrt(0) gives NaN.
        (out,) = ctx.saved_tensors
        with _DisableSubclass():
            return 0.5 * tangent / out


def _sqrt_grad(out: torch.Tensor, grad: torch.Tensor) -> torch.Tensor:
    """TF's `SqrtGrad`: `0.5 * grad / out`, and 0 where `grad` is 0."""
    zero = torch.zeros((), dtype=grad.dtype, device=grad.device)
    return torch.where(grad == 0, zero, 0.5 * grad / out)


@visible_to_modes
def sqrt(x: torch.Tensor) -> torch.Tensor:
    """Elementwise square root with TF's zero-safe gradient."""
    if needs_grad(x) and not all_positive(x):
        return apply_function(_Sqrt, x)
    with _DisableSubclass():
        return torch.sqrt(x)


def all_positive(x: torch.Tensor) -> bool:
    """Whether every element of real CPU tensor `x` is > 0, where TF's masked `sqrt`
    gradient is torch's own (`grad / (2 * out)` with a finite, nonzero `out` is 0 when
    `grad` is), so torch's built-in node, much cheaper in batched backward passes, gives
    TF's numbers. False without looking where looking costs a host sync (CUDA), would
    end a `tf.function` capture, or runs under a functorch transform."""
    if _state.THREAD.traces or functorch_transforms_active() or torch.compiler.is_compiling():
        return False
    with _DisableSubclass():  # (a drop-in tensor's `is_cpu` would cost a dispatch)
        if not x.is_cpu or x.is_complex():
            return False
        # One reduction and one read (NaN's minimum is NaN: not > 0); `all(x > 0)`
        # costs three times as much on small tensors. One element: just the read.
        count = x.numel()
        if count == 1:
            return x.item() > 0
        return count == 0 or x.detach().min().item() > 0


class _Pow(torch.autograd.Function):
    """`x ** y` for tensor `x` and `y`, differentiated as TF's `_PowGrad` does."""

    @staticmethod
    def forward(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return torch.pow(x, y)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, y = inputs
        ctx.save_for_backward(x, y, output)
        ctx.save_for_forward(x, y, output)
        ctx.x_shape, ctx.y_shape = x.shape, y.shape
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None
        x, y, out = ctx.saved_tensors
        grad_x = grad_y = None
        with _DisableSubclass():
            x, y, out = _conj(x), _conj(y), _conj(out)
            if ctx.needs_input_grad[0]:
                grad_x = _sum_to(grad * y * pow(x, y - 1), ctx.x_shape)
            if ctx.needs_input_grad[1]:
                grad_y = _sum_to(grad * out * _masked_log(x), ctx.y_shape)
        return grad_x, grad_y

    @staticmethod
    def jvp(ctx: Any, tangent_x: Any, tangent_y: Any) -> torch.Tensor:
        x, y, out = ctx.saved_tensors
        with _DisableSubclass():
            tangent_x, tangent_y = zero_for(tangent_x, x), zero_for(tangent_y, y)
            return tangent_x * y * pow(x, y - 1) + tangent_y * out * _masked_log(x)


def _masked_log(x: torch.Tensor) -> torch.Tensor:
    """`log(x)` where x > 0 (complex: x != 0), else 0 (TF's guard at a false singularity)."""
    mask = x != 0 if x.is_complex() else x > 0
    one = torch.ones((), dtype=x.dtype, device=x.device)
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    return torch.where(mask, torch.log(torch.where(mask, x, one)), zero)


@visible_to_modes
def pow(x: torch.Tensor, y: Any) -> torch.Tensor:
    """`x ** y` with TF's gradient; `y` a tensor or a Python number.

    A Python exponent other than 0 and a positive base take torch's own op: its
    gradient is TF's there.
    """
    with _DisableSubclass():
        if not isinstance(y, torch.Tensor):
            if y != 0 or not (_inexact(x) and needs_grad(x)):
                return scalar_pow(x, y)
            y = torch.zeros((), dtype=x.dtype, device=x.device)
        elif not (_inexact(x) and needs_grad(x, y)):
            return torch.pow(x, y)
    return apply_function(_Pow, x, y)


def scalar_pow(x: torch.Tensor, y: Any) -> torch.Tensor:
    """`x ** y` for a Python number `y`, as IEEE `pow` (TF's kernel) computes it.

    torch computes `x ** 0.5` as `sqrt(x)` and `x ** -0.5` as `rsqrt(x)` (and so the
    gradient of `x ** 1.5`, and every derivative of a half-integer power): they part
    from `pow` at -inf and -0 (`pow(-inf, 0.5)` is inf, `sqrt(-inf)` NaN;
    `pow(-0.0, 0.5)` is 0, `sqrt(-0.0)` -0). A fractional exponent of an inexact
    tensor is therefore a 0-d tensor, which torch's `pow` (and its derivatives) take
    to IEEE `pow`; integer exponents keep the Python number, whose products are exact.

    >>> import torch
    >>> scalar_pow(torch.tensor([-float("inf"), -0.0, 4.0]), 0.5)
    tensor([inf, 0., 2.])
    """
    if type(y) is float and y % 1 and _inexact(x):  # NaN and +-inf too
        y = torch.full((), y, dtype=x.dtype, device=x.device)
    return torch.pow(x, y)


@visible_to_modes
def rpow(base: Any, exponent: torch.Tensor) -> torch.Tensor:
    """`base ** exponent` for a Python number `base`, with TF's gradient.

    A positive (or non-zero complex) base takes torch's own op: its derivatives are
    TF's there.
    """
    with _DisableSubclass():
        plain = base != 0 and (isinstance(base, complex) or base > 0)
        if plain or not (_inexact(exponent) and needs_grad(exponent)):
            return torch.pow(base, exponent)
        base_tensor = torch.full((), base, dtype=exponent.dtype, device=exponent.device)
    return apply_function(_Pow, base_tensor, exponent)


class _Div(torch.autograd.Function):
    """`x / y` for inexact tensors, differentiated as TF's `_RealDivGrad`/`_DivGrad`."""

    @staticmethod
    def forward(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return torch.div(x, y)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, y = inputs
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        ctx.x_shape, ctx.y_shape = x.shape, y.shape
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None
        x, y = ctx.saved_tensors
        grad_x = grad_y = None
        with _DisableSubclass():
            x, y = _conj(x), _conj(y)
            if ctx.needs_input_grad[0]:
                grad_x = _sum_to(divide(grad, y), ctx.x_shape)
            if ctx.needs_input_grad[1]:
                grad_y = _sum_to(grad * divide(divide(-x, y), y), ctx.y_shape)
        return grad_x, grad_y

    @staticmethod
    def jvp(ctx: Any, tangent_x: Any, tangent_y: Any) -> torch.Tensor:
        x, y = ctx.saved_tensors
        with _DisableSubclass():
            tangent_x, tangent_y = zero_for(tangent_x, x), zero_for(tangent_y, y)
            return tangent_x / y + tangent_y * ((-x / y) / y)


@visible_to_modes
def divide(x: Any, y: Any) -> torch.Tensor:
    """`x / y` with TF's derivatives, for inexact tensors (a Python number on one side).

    Used where torch's own division differs from TF: in forward mode, where TF's JVP
    also counts the partial derivative of an operand without a tangent.
    """
    with _DisableSubclass():
        if not isinstance(x, torch.Tensor):
            if not (_inexact(y) and needs_grad(y)):
                return torch.Tensor.__rtruediv__(y, x)
            x = torch.full((), x, dtype=y.dtype, device=y.device)
        elif not isinstance(y, torch.Tensor):
            if not (_inexact(x) and needs_grad(x)):
                return torch.div(x, y)
            y = torch.full((), y, dtype=x.dtype, device=x.device)
        elif not (_inexact(x) and needs_grad(x, y)):
            return torch.div(x, y)
    return apply_function(_Div, x, y)


def _as_operand(value: Any, like: torch.Tensor) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    return torch.full((), value, dtype=like.dtype, device=like.device)


def floor_divide(x: Any, y: Any) -> torch.Tensor:
    """TF's `FloorDiv`: `floor(x / y)` for floating operands (torch's floor division
    corrects the quotient's rounding, so `1.0 // 0.1` is 9 there and 10 in TF), torch's
    integer floor division otherwise. One side may be a Python number.

    >>> float(floor_divide(torch.tensor(1.0), 0.1))
    10.0
    """
    with _DisableSubclass():
        tensor = x if isinstance(x, torch.Tensor) else y
        a, b = _as_operand(x, tensor), _as_operand(y, tensor)
        if tensor.is_floating_point():
            return torch.floor(torch.div(a, b))
        return torch.div(a, b, rounding_mode="floor")


def floor_mod(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """TF's `FloorMod` on floating tensors: torch's remainder (the same values), with
    TF's gradient in `y`, `-grad * floor(x / y)` (TF's `FloorDiv`, not torch's)."""
    return with_partials(x, y, torch.remainder, lambda a, b: (
        torch.ones((), dtype=a.dtype, device=a.device), lambda: -floor_divide(a, b)))


def _mul_no_nan(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """`x * y`, and 0 wherever `y` is 0 (even where `x` is inf or NaN)."""
    product = torch.mul(x, y)
    return torch.where(y == 0, torch.zeros((), dtype=product.dtype, device=product.device),
                       product)


class _MulNoNan(torch.autograd.Function):
    """TF's `MulNoNan`: its gradients are `mul_no_nan(grad, y)` and `mul_no_nan(x, grad)`
    (so `y`'s is `x * grad` even where `y` is 0; for complex operands not conjugated,
    unlike TF's `Mul`)."""

    @staticmethod
    def forward(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return _mul_no_nan(x, y)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, y = inputs
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        ctx.set_materialize_grads(False)

    @staticmethod
    def jvp(ctx: Any, tangent_x: Optional[torch.Tensor], tangent_y: Optional[torch.Tensor]
            ) -> torch.Tensor:
        x, y = ctx.saved_tensors
        with _DisableSubclass():
            return (_mul_no_nan(zero_for(tangent_x, x), y)
                    + _mul_no_nan(x, zero_for(tangent_y, y)))

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None
        x, y = ctx.saved_tensors
        with _DisableSubclass():
            grad_x = grad_y = None
            if ctx.needs_input_grad[0]:
                grad_x = _sum_to(multiply_no_nan(grad, y), x.shape)
            if ctx.needs_input_grad[1]:
                grad_y = _sum_to(multiply_no_nan(x, grad), y.shape)
        return grad_x, grad_y


@visible_to_modes
def multiply_no_nan(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """`x * y` with 0 where `y` is 0, and TF's gradients.

    >>> x = torch.tensor([float("inf"), 2.0], requires_grad=True)
    >>> y = torch.tensor([0.0, 3.0], requires_grad=True)
    >>> multiply_no_nan(x, y)
    tensor([0., 6.], grad_fn=<_MulNoNanBackward>)
    """
    if needs_grad(x, y):
        return apply_function(_MulNoNan, x, y)
    with _DisableSubclass():
        return _mul_no_nan(x, y)


def scan(x: torch.Tensor, axis: int, exclusive: bool, reverse: bool, product: bool
         ) -> torch.Tensor:
    """TF's `Cumsum`/`Cumprod` (with `exclusive` and `reverse`) by torch's own scans."""
    if reverse:
        x = torch.flip(x, [axis])
    if exclusive and x.shape[axis]:
        pad_shape = list(x.shape)
        pad_shape[axis] = 1
        start = torch.ones if product else torch.zeros
        head = start(pad_shape, dtype=x.dtype, device=x.device)
        x = torch.cat([head, torch.narrow(x, axis, 0, x.shape[axis] - 1)], dim=axis)
    out = (torch.cumprod if product else torch.cumsum)(x, dim=axis, dtype=x.dtype)
    if reverse:
        out = torch.flip(out, [axis])
    return out


def _div_no_nan(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    zero = y == 0
    quotient = x / torch.where(zero, torch.ones((), dtype=y.dtype, device=y.device), y)
    return torch.where(zero, torch.zeros((), dtype=quotient.dtype, device=y.device), quotient)


class _Cumprod(torch.autograd.Function):
    """TF's `Cumprod` gradient: `div_no_nan(cumsum(prod * grad, reversed), x)`. It is 0
    where `x` is 0 (torch's is the true derivative there) and, for complex `x`, not
    conjugated."""

    @staticmethod
    def forward(x: torch.Tensor, axis: int, exclusive: bool, reverse: bool) -> torch.Tensor:
        with _DisableSubclass():
            return scan(x, axis, exclusive, reverse, True)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, ctx.axis, ctx.exclusive, ctx.reverse = inputs
        ctx.save_for_backward(x)
        ctx.save_for_forward(x)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None, None
        (x,) = ctx.saved_tensors
        axis, exclusive, reverse = ctx.axis, ctx.exclusive, ctx.reverse
        with _DisableSubclass():
            prod = cumprod(x, axis, exclusive, reverse)
            out = scan(prod * grad, axis, exclusive, not reverse, False)
            return _div_no_nan(out, x), None, None, None

    @staticmethod
    def jvp(ctx: Any, tangent: Optional[torch.Tensor], *_: Any) -> torch.Tensor:
        # TF's forward mode transposes the gradient function (through its `Mul` and
        # `DivNoNan` gradients, which conjugate): conjugated for complex `x`.
        (x,) = ctx.saved_tensors
        axis, exclusive, reverse = ctx.axis, ctx.exclusive, ctx.reverse
        with _DisableSubclass():
            x = _conj(x)
            prod = scan(x, axis, exclusive, reverse, True)
            return prod * scan(_div_no_nan(zero_for(tangent, x), x), axis, exclusive,
                               reverse, False)


@visible_to_modes
def cumprod(x: torch.Tensor, axis: int, exclusive: bool, reverse: bool) -> torch.Tensor:
    """TF's cumulative product along `axis`, with TF's gradient.

    >>> x = torch.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> torch.autograd.grad(cumprod(x, 0, False, False).sum(), x)
    (tensor([1., 0., 0.]),)
    """
    if needs_grad(x):
        return apply_function(_Cumprod, x, axis, exclusive, reverse)
    with _DisableSubclass():
        return scan(x, axis, exclusive, reverse, True)


class _WithPartials(torch.autograd.Function):
    """`fn(x, y)` whose gradients are `partials(x, y)` times the incoming gradient."""

    @staticmethod
    def forward(x: torch.Tensor, y: torch.Tensor, fn: Any, partials: Any) -> torch.Tensor:
        with _DisableSubclass():
            return fn(x, y)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, y, _, ctx.partials = inputs
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None, None
        x, y = ctx.saved_tensors
        with _DisableSubclass():
            grads = [None if p is None or not needed else _sum_to(_partial(p) * grad, t.shape)
                     for p, needed, t in zip(ctx.partials(x, y), ctx.needs_input_grad, (x, y))]
        return grads[0], grads[1], None, None

    @staticmethod
    def jvp(ctx: Any, tangent_x: Optional[torch.Tensor], tangent_y: Optional[torch.Tensor],
            *_: Any) -> torch.Tensor:
        # TF's forward mode transposes `partial * grad` through its `Mul` gradient,
        # which conjugates.
        x, y = ctx.saved_tensors
        with _DisableSubclass():
            terms = [_conj(_partial(p)) * zero_for(tangent, t) for p, tangent, t
                     in zip(ctx.partials(x, y), (tangent_x, tangent_y), (x, y)) if p is not None]
            return terms[0] if len(terms) == 1 else terms[0] + terms[1]


def _partial(p: Any) -> torch.Tensor:
    """A partial given as a tensor, or as a function making it (an expensive partial,
    made only for an operand whose gradient is asked for)."""
    return p() if callable(p) else p


@visible_to_modes
def with_partials(x: torch.Tensor, y: torch.Tensor, fn: Callable[..., torch.Tensor],
                  partials: Callable[..., Tuple[Any, ...]]) -> torch.Tensor:
    """`fn(x, y)`, whose gradients are the `partials(x, y)` times the incoming one, not
    conjugated: TF's `Xlogy` and `Xdivy` gradients for complex operands (TF's other
    complex gradients conjugate the derivative, as torch's do). A partial of None is
    an operand TF registers no gradient for (`Polygamma`'s order, `Zeta`'s `x`); a
    partial may be a function that makes it, called only when that gradient is needed.

    >>> x, y = torch.tensor([1j], requires_grad=True), torch.tensor([2 + 0j])
    >>> out = with_partials(x, y, torch.mul, lambda a, b: (b, a))
    >>> torch.autograd.grad(out.real.sum(), x)
    (tensor([2.+0.j]),)
    """
    if needs_grad(x, y):
        return apply_function(_WithPartials, x, y, fn, partials)
    with _DisableSubclass():
        return fn(x, y)


def _stitch(index: torch.Tensor, size: int, tail: Tuple[int, ...],
            values: Tuple[torch.Tensor, ...]) -> torch.Tensor:
    rows = torch.cat([v.reshape((-1,) + tail) for v in values])
    positions = torch.arange(index.numel(), device=index.device)
    last = torch.full((size,), -1, dtype=torch.int64, device=index.device)
    last = last.scatter_reduce(0, index, positions, "amax")  # a later value wins
    merged = torch.index_select(rows, 0, last.clamp(min=0))
    present = (last >= 0).reshape((size,) + (1,) * len(tail))
    return torch.where(present, merged, torch.zeros((), dtype=rows.dtype, device=rows.device))


class _Stitch(torch.autograd.Function):
    """TF's `DynamicStitch`. Its gradient gathers every value's entry, overridden ones
    too; its JVP (that gradient transposed) sums the tangents of a repeated index."""

    @staticmethod
    def forward(index: torch.Tensor, size: int, tail: Tuple[int, ...], counts: Tuple[int, ...],
                *values: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return _stitch(index, size, tail, values)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.index, ctx.size, ctx.tail, ctx.counts = inputs[:4]
        ctx.shapes = [tuple(v.shape) for v in inputs[4:]]
        ctx.dtype = output.dtype
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Tuple[Optional[torch.Tensor], ...]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return (None,) * (4 + len(ctx.shapes))
        with _DisableSubclass():
            rows = torch.index_select(grad, 0, ctx.index)
            pieces = torch.split(rows, list(ctx.counts))
            grads = [piece.reshape(shape) for piece, shape in zip(pieces, ctx.shapes)]
        return (None, None, None, None, *grads)

    @staticmethod
    def jvp(ctx: Any, *tangents: Optional[torch.Tensor]) -> torch.Tensor:
        with _DisableSubclass():
            rows = torch.cat([
                (torch.zeros(shape, dtype=ctx.dtype, device=ctx.index.device)
                 if t is None else t).reshape((-1,) + ctx.tail)
                for t, shape in zip(tangents[4:], ctx.shapes)
            ])
            total = torch.zeros((ctx.size,) + ctx.tail, dtype=rows.dtype, device=rows.device)
            return torch.index_add(total, 0, ctx.index, rows)


@visible_to_modes
def stitch(index: torch.Tensor, size: int, tail: Tuple[int, ...], counts: Tuple[int, ...],
           *values: torch.Tensor) -> torch.Tensor:
    """TF's `DynamicStitch` of `values` at the flat int64 `index` (each value's rows in
    order, `counts` of them), into `size` rows shaped `tail`, with TF's gradients.

    >>> a = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> stitch(torch.tensor([0, 0]), 1, (), (2,), a)
    tensor([2.], grad_fn=<_StitchBackward>)
    """
    if needs_grad(*values):
        return apply_function(_Stitch, index, size, tail, counts, *values)
    with _DisableSubclass():
        return _stitch(index, size, tail, values)
