"""The drop-in tensor type: a `torch.Tensor` that prints, converts and promotes like TF's.

Tensors made through the drop-in namespace (`tf.constant`, `tf.ones`, ...) are
`EagerTensor`s. They are still `torch.Tensor`s, so every torch function accepts them,
and ops on them return `EagerTensor`s again. Plain torch tensors never pass through
here: users of the core API pay nothing per op.

What an `EagerTensor` adds to a `torch.Tensor`:

* TF's `str()`/`repr()` (`tf.Tensor(8.0, shape=(), dtype=float32)`), `.numpy()` that
  always works (a NumPy scalar for 0-d tensors, as in TF), `.shape` as a `TensorShape`
  (`(2, 2)`, `.as_list()`, `.rank`);
* TF's dtype rules in the arithmetic and comparison operators: both operands must
  have the same dtype (`InvalidArgumentError` otherwise), a Python number takes the
  tensor's dtype (a float into an int tensor is TF's error), `/` of integers gives
  float64, `x += y` makes a new tensor instead of writing into `x`;
* TF's gradient conventions for `**` (see `_kernels`).
* TF's indexing (`x[[0, 1]]` is `x[0, 1]`, negative steps, TF's errors; see
  `_indexing`), no item assignment, `hash()` refused (`x.ref()` is the key), and
  `bool()`/`float()`/`int()` only where TF allows them.

This module is over 800 lines because the tensor type and TF's operator rules are
one unit: every operator handler re-types its result to `EagerTensor`, and
`EagerTensor`'s operators are those handlers (splitting them would need one module to
patch a name into the other). Conversion, shapes, indexing and printing live apart.

>>> import tftape_torch as tf
>>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
>>> x.shape, x.shape.as_list()
(TensorShape([2, 2]), [2, 2])
>>> print(x * 2)
tf.Tensor(
[[2. 4.]
 [6. 8.]], shape=(2, 2), dtype=float32)

# NOTE: [Fresh results]
# An op run with torch functions disabled returns a plain `torch.Tensor` that nothing
# else references. Re-typing it in place (`out.__class__ = EagerTensor`, as torch's own
# `UninitializedParameter.materialize` does) costs nothing and adds no autograd node;
# `as_subclass` would add an `AliasBackward0` node per op. Only results known to be
# fresh are re-typed that way (`fresh`); anything else goes through `as_eager`.
"""

from __future__ import annotations

import functools
import operator
from typing import Any, Callable, Dict, Iterator, Optional, Sequence

import numpy as np
import torch

from tftape_torch import _indexing, _kernels, _recorded_ops, _state
from tftape_torch._convert import cannot_convert, convert_value
from tftape_torch._dtypes import (
    INEXACT,
    INTEGER,
    kernel_name,
)
from tftape_torch._flips import FLIP_COUNT, FLIPS, HOLDER, flipped_elsewhere
from tftape_torch._leaked import leaked_from
from tftape_torch._op_kinds import READ, kind_of
from tftape_torch._printing import numpy_value, tensor_format, tensor_repr, tensor_str
from tftape_torch._state import THREAD
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    TensorBase as _Base,
)
from tftape_torch._torch_internals import (
    device_of as _DEVICE_GET,
)
from tftape_torch._torch_internals import (
    dtype_of as _DTYPE_GET,
)
from tftape_torch._torch_internals import (
    grad_fn_of as _GRAD_FN_GET,
)
from tftape_torch._torch_internals import (
    is_leaf_of as _IS_LEAF_GET,
)
from tftape_torch._torch_internals import (
    is_view,
    make_dual,
    refcount,
    set_requires_grad,
    tangent_of,
    torch_function_enabled,
    unwrapped_getters,
)
from tftape_torch._torch_internals import (
    output_nr_of as _OUTPUT_NR_GET,
)
from tftape_torch._torch_internals import (
    requires_grad_of as _REQUIRES_GRAD_GET,
)
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "EagerTensor",
    "Reference",
    "as_eager",
    "check_signed",
    "dtype_mismatch",
    "fresh",
    "has_history",
    "op_error",
    "operator_matmul",
    "operator_pow",
    "operator_truediv",
    "other_operand",
    "own_leaf",
    "seen_here",
    "wrap_outputs",
]

_Tensor = torch.Tensor



# ---------------------------------------------------------------------------
# Re-typing results


def as_eager(tensor: torch.Tensor) -> torch.Tensor:
    """View `tensor` as an `EagerTensor` (same storage, same autograd history)."""
    if type(tensor) is torch.Tensor:
        return tensor.as_subclass(EagerTensor)
    return tensor


# NOTE: [Ops beside other threads' tapes]
# `requires_grad` is one flag for every thread. While a tape on thread A watches a
# plain tensor x, its flag is on (`_flips`), so torch records an op on x run on thread
# B too, numbered by B's sequence counter, which A's recording windows cannot tell
# from A's own numbers (NOTE: [Recording windows] in `_tape`). TF records an op only
# on the tapes of the thread that runs it. So every drop-in op (the operators and
# their handlers, `__torch_function__`, `_op_call.call`, TF indexing, `tf.random`'s
# tensor arguments) sees an input flipped only by tapes of other threads
# (`_flips.flipped_elsewhere`) as its detached alias: a constant, with no history and
# `requires_grad=False` results, as in TF. A flip that begins while the op runs (after
# the check) is caught after it: `_flips.FLIP_COUNT` moves before any flag goes on, so
# an op whose result has history while the count moved runs once more, now seeing
# the flip (a flip released meanwhile leaves its flag off: the second run records
# nothing on it either). The gate in front of the check,
# `FLIPS and HOLDER[0] is not THREAD.tapes`, is false when nothing is flipped or when
# this thread's tapes hold every flip (any single-threaded program), so those pay two
# reads per op. Ops of the core API on plain tensors (`x * 3` on a `torch.Tensor`)
# never pass through here: torch records them, and a tape on another thread may
# count them as its own (README, "Differences").

_AUTOGRAD_CALLS = frozenset(
    {torch.autograd.grad, torch.autograd.backward, _Tensor.backward, _Tensor.retain_grad}
)


def seen_here(value: Any) -> Any:
    """`value` as an op on this thread sees it: a tensor flipped only by other threads'
    tapes becomes its detached alias (in lists and tuples too); see NOTE: [Ops beside
    other threads' tapes]. Right anywhere; hot paths call it only past the gate
    `FLIPS and HOLDER[0] is not THREAD.tapes`.

    >>> import torch
    >>> x = torch.ones(2)
    >>> seen_here(x) is x, seen_here([x, 1.0])[0] is x
    (True, True)
    """
    kind = type(value)
    if kind is tuple or kind is list:
        items = [seen_here(item) for item in value]
        for new, old in zip(items, value):
            if new is not old:
                return kind(items)
        return value
    if isinstance(value, _Tensor) and flipped_elsewhere(value, THREAD.tapes):
        with _DisableSubclass():
            return _Base.detach(value)
    return value


def _computes(func: Callable[..., Any]) -> bool:
    """Whether `func` computes a result from its tensor arguments' values (an op an
    input flipped elsewhere must see detached: not autograd's own calls)."""
    return kind_of(func) == READ and func not in _AUTOGRAD_CALLS


def _seen_here_call(
    func: Callable[..., Any], args: Sequence[Any], kwargs: Optional[Dict[str, Any]]
) -> Any:
    """`args` and `kwargs` of `func` as `seen_here` makes them, if `func` `_computes`."""
    if not _computes(func):
        return args, kwargs
    args = seen_here(args)
    if kwargs:
        kwargs = {key: seen_here(item) for key, item in kwargs.items()}
    return args, kwargs


def has_history(out: Any) -> bool:
    """Whether an op's result (a tensor, or a tuple or list of them) requires grad."""
    if isinstance(out, _Tensor):
        return _REQUIRES_GRAD_GET(out)
    if type(out) is tuple or type(out) is list:
        for item in out:
            if isinstance(item, _Tensor) and _REQUIRES_GRAD_GET(item):
                return True
    return False


def own_leaf(out: torch.Tensor) -> torch.Tensor:
    """`out` itself, or, for a view of a tensor without grad, a plain alias of it.

    TF's reshape, identity, slicing and transpose give new tensors: each can be
    watched on its own. A torch view of a tensor that does not require grad would
    instead follow its base into autograd once the base is watched, so such a
    result becomes a plain alias of the same storage (no copy, no view tracking).
    """
    if _REQUIRES_GRAD_GET(out) or not is_view(out):
        return out
    accumulators = _state.THREAD.accumulators
    if len(accumulators) > 1:
        return out  # tangents of several levels: keep the view, which carries them all
    if out.is_conj() or out.is_neg():
        # A copy: an alias of the storage would drop the conjugate or negative bit.
        return out.resolve_conj().resolve_neg()
    # `detach` (not a view of the storage by `set_`, a third of the cost) is never
    # recorded, even if another thread's tape flipped `out`'s base meanwhile; the alias
    # shares the base's version counter, so an in-place write to either is seen by
    # autograd's checks of saved tensors.
    alias = _Base.detach(out)
    if accumulators:  # the active ForwardAccumulator's tangent goes with the alias
        level = accumulators[0].level
        tangent = tangent_of(out, level)
        if tangent is not None:
            return make_dual(alias, tangent, level)
    return alias


def fresh(out: Any) -> Any:
    """Re-type a fresh op result (and the tensors of a fresh tuple/list) in place.

    Only for results no one else references; see NOTE: [Fresh results].
    """
    if type(out) is _Tensor:
        out.__class__ = EagerTensor
    elif type(out) in (tuple, list):
        for item in out:
            if type(item) is _Tensor:
                item.__class__ = EagerTensor
    return out


def _retype_items(out: Any) -> Any:
    """Re-type the plain tensors of an op's tuple/list result (fresh ones in place)."""
    aliased = None
    for index in range(len(out)):
        if type(out[index]) is _Tensor:
            # Referenced by `out` and by the call's argument only: fresh.
            if refcount(out[index]) == 2:
                out[index].__class__ = EagerTensor
            else:
                if aliased is None:
                    aliased = list(out)
                aliased[index] = out[index].as_subclass(EagerTensor)
    if aliased is None:
        return out
    return type(out)(aliased)


def _operand(tensor: torch.Tensor, value: Any) -> torch.Tensor:
    """A list/tuple operand of `tensor`'s operator, converted to `tensor`'s dtype as TF does."""
    with _DisableSubclass():
        dtype, device = _DTYPE_GET(tensor), tensor.device
    return fresh(convert_value(value, dtype, device))


def _numpy_values(value: Any) -> Any:
    """`value` with every tensor in it (in lists, tuples, dicts) replaced by its NumPy value."""
    if isinstance(value, _Tensor):
        return numpy_value(value)
    if type(value) in (list, tuple):
        return type(value)(_numpy_values(item) for item in value)
    if type(value) is dict:
        return {key: _numpy_values(item) for key, item in value.items()}
    return value


def wrap_outputs(out: Any) -> Any:
    """Turn every plain tensor in an op's result into an `EagerTensor`."""
    if type(out) is torch.Tensor:
        return out.as_subclass(EagerTensor)
    if type(out) in (tuple, list):
        return type(out)(wrap_outputs(item) for item in out)
    return out


def dtype_mismatch(name: str, expected: torch.dtype, got: torch.dtype, index: int = 1) -> Exception:
    return InvalidArgumentError(
        None,
        None,
        f"cannot compute {name} as input #{index}(zero-based) was expected to be a "
        f"{kernel_name(expected)} tensor but is a {kernel_name(got)} tensor [Op:{name}]",
    )


# Unsigned integer dtypes: TF registers `Abs`, `Neg`, `Sign`, `Pow` and others for signed
# numbers only, where torch computes them (wrapping around).
_UNSIGNED = frozenset({torch.uint8, torch.uint16, torch.uint32, torch.uint64})
#: Float dtypes whose largest finite value a Python exponent may exceed: torch's `pow`
#: refuses such a number, which TF converts to inf (the exponent's tensor path).
_NARROW_FLOATS = {torch.float16: 65504.0, torch.bfloat16: 3.3895313892515355e38}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_SIGNED_NUMBERS = "bfloat16, half, float, double, int8, int16, int32, int64, complex64, complex128"
_ABS_TYPES = "bfloat16, half, float, double, int8, int16, int32, int64"


def check_signed(op: str, dtype: torch.dtype, allowed: str) -> None:
    """Raise TF's error for an unsigned `dtype` given to `op`, whose dtypes are `allowed`.

    >>> import torch
    >>> check_signed("Abs", torch.int8, "int8")

    Raises:
      InvalidArgumentError: if `dtype` is an unsigned integer type.
    """
    if dtype in _UNSIGNED:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'T' of {kernel_name(dtype)} is not in the list of "
            f"allowed values: {allowed} [Op:{op}]")


def _not_allowed(op: str, dtype: torch.dtype, allowed: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        None, None, f"Value for attr 'T' of {kernel_name(dtype)} is not in the list of allowed "
        f"values: {allowed} [Op:{op}]")


_BIT_TYPES = "int8, int16, int32, int64, uint8, uint16, uint32, uint64"


def _bits(x: Any, op: str) -> Any:
    """`x`, if TF's bitwise or logical operators take its dtype (bool or integer)."""
    with _DisableSubclass():
        dtype = _DTYPE_GET(x)
    if dtype != torch.bool and (dtype.is_floating_point or dtype.is_complex):
        raise _not_allowed(op, dtype, _BIT_TYPES)
    return x


def op_error(name: str, error: Exception, operands: Sequence[Any] = ()) -> InvalidArgumentError:
    """TF's `InvalidArgumentError` for torch's `error` in op `name`; torch's broadcasting
    error between two tensor operands reads as TF's "Incompatible shapes: [2] vs. [3]".

    >>> print(op_error("AddV2", RuntimeError("The size of tensor a (2) must match the size "
    ...       "of tensor b (3) at non-singleton dimension 0"), (torch.ones(2), torch.ones(3))))
    Incompatible shapes: [2] vs. [3] [Op:AddV2]
    """
    text = str(error)
    if text.startswith("The size of tensor a"):
        shapes = [tuple(item.shape) for item in operands if isinstance(item, _Tensor)]
        if len(shapes) == 2:
            first, second = (",".join(str(int(d)) for d in shape) for shape in shapes)
            text = f"Incompatible shapes: [{first}] vs. [{second}]"
    return InvalidArgumentError(None, None, f"{text} [Op:{name}]")



def other_operand(a: torch.Tensor, b: Any, name: str, float_error: type) -> Any:
    """Check (and if needed convert) the second operand of `a <op> b`, as TF does.

    Runs with torch functions disabled. A Python int or bool passes as is (torch
    keeps `a`'s dtype for Python scalars, as TF does); a Python float needs a
    floating `a`; a tensor needs `a`'s dtype; anything else is converted to it.
    """
    kind = type(b)
    if kind is float:
        dtype = _DTYPE_GET(a)
        if dtype not in INEXACT:
            if float_error is TypeError:
                raise cannot_convert(b, dtype)
            raise dtype_mismatch(name, dtype, torch.float32)
        return b
    if kind is int or kind is bool:
        if kind is int:
            if _DTYPE_GET(a) == torch.bool:
                if float_error is TypeError:
                    raise cannot_convert(b, torch.bool)
                raise dtype_mismatch(name, torch.bool, torch.int32)
            if not _INT64_MIN <= b <= _INT64_MAX:  # torch would wrap it silently
                raise ValueError(
                    "Can't convert Python sequence with out-of-range integer to Tensor.")
        return b
    if isinstance(b, _Tensor):
        dtype = _DTYPE_GET(a)
        if _DTYPE_GET(b) != dtype:
            raise dtype_mismatch(name, dtype, _DTYPE_GET(b))
        return b
    if isinstance(b, (np.ndarray, np.generic)):
        return convert_value(b, a.dtype, a.device)
    try:
        return convert_value(b, a.dtype, a.device)
    except TypeError:
        if float_error is TypeError:
            raise
        found = convert_value(b, None, a.device)
        raise dtype_mismatch(name, a.dtype, found.dtype) from None


# TF's operator kernels that have no bool version, and the error class TF raises for
# a bool operand (`RealDiv`'s Python wrapper raises before any kernel runs).
_NO_BOOL_KERNEL: Dict[str, type] = {
    "AddV2": InvalidArgumentError,
    "Sub": InvalidArgumentError,
    "RealDiv": TypeError,
    "FloorDiv": InvalidArgumentError,
    "FloorMod": InvalidArgumentError,
    "Pow": InvalidArgumentError,
    "Less": InvalidArgumentError,
    "LessEqual": InvalidArgumentError,
    "Greater": InvalidArgumentError,
    "GreaterEqual": InvalidArgumentError,
}
_BOOL = torch.bool


def _bool_refused(name: str, error: type) -> Exception:
    if error is TypeError:
        return TypeError(f"Invalid dtype bool for `{name}`: TF has no {name} of bool tensors.")
    return InvalidArgumentError(
        None, None, f"Value for attr 'T' of bool is not in the list of allowed values [Op:{name}]"
    )


def _binary(
    fn: Callable[[Any, Any], torch.Tensor],
    name: str,
    float_error: type = TypeError,
    bool_numbers: bool = False,
    other_operands: Optional[Callable[[Any, Any], Any]] = None,
) -> Callable[[Any, Any], Any]:
    """An operator handler: TF's operand checks, then `fn(a, b)` with torch functions off.

    The common cases (two tensors of one dtype; a tensor and a Python number) are
    checked inline: this is the per-op cost every drop-in operator pays. A Python
    number never converts into a bool tensor's dtype (TF's error), except that with
    `bool_numbers` it stands for its truth value (TF's `bool_tensor * 1` is a
    `logical_and`); ops TF has no bool kernel for refuse bool tensors.

    As an operator method (`other_operands` given) it takes the common operands
    itself, a drop-in tensor and a drop-in or plain tensor or a Python number, and
    hands any other pair to `other_operands`: one Python frame per operator.
    """
    bool_error = _NO_BOOL_KERNEL.get(name)
    # A second run (a flip began meanwhile) takes operands `seen_here` may have made plain.
    checks_only = None if other_operands is None else _binary(fn, name, float_error, bool_numbers)

    def handler(a: Any, b: Any) -> Any:
        if other_operands is not None:
            kind = type(b)
            if type(a) is not EagerTensor or not (
                    kind is EagerTensor or kind is float or kind is int or kind is _Tensor):
                return other_operands(a, b)
        count = FLIP_COUNT[0]
        if FLIPS and HOLDER[0] is not THREAD.tapes:  # NOTE: [Ops beside other threads' tapes]
            a, b = seen_here(a), seen_here(b)
        with _DisableSubclass():
            dtype = _DTYPE_GET(a)
            kind = type(b)
            if kind is EagerTensor or kind is _Tensor:
                if dtype is not _DTYPE_GET(b):
                    raise dtype_mismatch(name, dtype, _DTYPE_GET(b))
            elif bool_numbers and dtype is _BOOL and (kind is int or kind is float):
                b = bool(b)
            elif kind is float:
                if dtype not in INEXACT:
                    b = other_operand(a, b, name, float_error)  # raises TF's error
            elif kind is int:
                if dtype is _BOOL or not _INT64_MIN <= b <= _INT64_MAX:
                    b = other_operand(a, b, name, float_error)  # raises TF's error
            else:
                b = other_operand(a, b, name, float_error)
            if dtype is _BOOL and bool_error is not None:
                raise _bool_refused(name, bool_error)
            try:
                out = fn(a, b)
            except (RuntimeError, IndexError) as e:
                raise op_error(name, e, (a, b)) from e
        if FLIP_COUNT[0] != count and has_history(out):
            return (checks_only or handler)(a, b)  # a flip began meanwhile: once more, seeing it
        if type(out) is _Tensor:
            out.__class__ = EagerTensor
        return out

    handler.__name__ = f"_tf_{name}"
    return handler


def _none_is(result: bool, handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """TF's `x == None` is False (and `x != None` True) instead of an error."""

    def compare(a: Any, b: Any) -> Any:
        if b is None:
            return result
        return handler(a, b)

    return compare


def operator_pow(a: torch.Tensor, b: Any) -> torch.Tensor:
    if _DTYPE_GET(a) in _UNSIGNED:
        check_signed("Pow", _DTYPE_GET(a), "bfloat16, float, half, double, int8, int16, "
                     "int32, int64, complex64, complex128")
    kind = type(b)
    if (kind is int or kind is float) and b != 0:
        # torch's gradient is TF's for a non-zero exponent, and so are its derivatives
        # up to the one whose exponent is 0, which torch takes as zeros where TF's
        # `0 * x ** -1` is NaN at 0 (and has a gradient): the second for `x ** 1`, which
        # takes TF's op; the third of `x ** 2` (README, "Differences").
        if b != 1 and not _state.THREAD.accumulators and (
                _DTYPE_GET(a) not in _NARROW_FLOATS or abs(b) <= _NARROW_FLOATS[_DTYPE_GET(a)]):
            if kind is int:
                return torch.pow(a, b)  # (`_kernels.scalar_pow`'s integer exponent)
            return _kernels.scalar_pow(a, b)
        # Forward mode: TF's JVP, whose zero tangent of the exponent times `x ** y *
        # log(x)` is NaN where the power is infinite (see `_kernels`).
        b = torch.full((), b, dtype=_DTYPE_GET(a), device=_DEVICE_GET(a))
    if isinstance(b, _Tensor) and _DTYPE_GET(b) in INTEGER and bool((b < 0).any()):
        raise InvalidArgumentError(
            None, None, "Integers to negative integer powers are not allowed [Op:Pow]"
        )
    return _kernels.pow(a, b)


# TF's true division: integers become floats of a width that holds them exactly.
TRUEDIV_DTYPES = {
    torch.int8: torch.float32,
    torch.uint8: torch.float32,
    torch.int16: torch.float32,
    torch.int32: torch.float64,
    torch.int64: torch.float64,
}


def operator_truediv(a: torch.Tensor, b: Any) -> torch.Tensor:
    target = TRUEDIV_DTYPES.get(_DTYPE_GET(a))
    if target is not None:
        a = a.to(target)
        if isinstance(b, _Tensor):
            b = b.to(target)
    if _state.THREAD.accumulators:  # forward mode: TF's JVP (see `_kernels`)
        return _kernels.divide(a, b)
    return _Base.div(a, b)


def _rtruediv(a: torch.Tensor, b: Any) -> torch.Tensor:
    target = TRUEDIV_DTYPES.get(_DTYPE_GET(a))
    if target is not None:
        a = a.to(target)
    if _state.THREAD.accumulators:  # forward mode: TF's JVP (see `_kernels`)
        return _kernels.divide(b, a)
    return _Tensor.__rdiv__(a, b)


def _check_divisor(divisor: Any, dividend: Any, name: str) -> None:
    """TF's error for an integer division by zero on CUDA, where torch gives -1 (on the
    CPU torch raises, and `op_error` turns that into TF's error). A host read, as
    TF's own integer kernels run on the host; integers have no gradient path."""
    tensor = dividend if isinstance(dividend, _Tensor) else divisor
    if (not tensor.is_cpu and _DTYPE_GET(tensor) in INTEGER
            and bool(_Base.any(_Base.eq(divisor, 0)) if isinstance(divisor, _Tensor)
                     else divisor == 0)):
        raise InvalidArgumentError(None, None, f"Integer division by zero [Op:{name}]")


def _floordiv(a: torch.Tensor, b: Any) -> torch.Tensor:
    # TF: FloorDiv is recorded but not differentiable (gradient None)
    _check_divisor(b, a, "FloorDiv")
    return _recorded_ops.without_gradient(_kernels.floor_divide)(a, b)


def _rfloordiv(a: torch.Tensor, b: Any) -> torch.Tensor:
    _check_divisor(a, b, "FloorDiv")
    return _recorded_ops.without_gradient(_floor_divide_reflected)(a, b)


def _floor_divide_reflected(a: torch.Tensor, b: Any) -> torch.Tensor:
    return _kernels.floor_divide(b, a)


def _mod(a: torch.Tensor, b: Any) -> torch.Tensor:
    _check_divisor(b, a, "FloorMod")
    if isinstance(b, _Tensor) and _Base.is_floating_point(a):
        return _kernels.floor_mod(a, b)  # TF's gradient in `b`
    return _Base.remainder(a, b)


def operator_matmul(a: torch.Tensor, b: Any) -> torch.Tensor:
    if not isinstance(b, _Tensor):
        b = convert_value(b, _DTYPE_GET(a), a.device)
    rank_a, rank_b = _Base.dim(a), _Base.dim(b)  # (torch functions are off here)
    if rank_a < 2 or rank_b < 2:
        raise InvalidArgumentError(
            None, None, f"In[{0 if rank_a < 2 else 1}] ndims must be >= 2 [Op:MatMul]"
        )
    dtype = _DTYPE_GET(a)
    if _DTYPE_GET(b) is not dtype:
        raise dtype_mismatch("MatMul", dtype, _DTYPE_GET(b))
    if dtype == torch.bool:
        raise InvalidArgumentError(
            None,
            None,
            "Value for attr 'T' of bool is not in the list of allowed values [Op:MatMul]",
        )
    if not a.is_cpu and not dtype.is_floating_point and not dtype.is_complex:
        # CUDA has no integer matrix product; TF runs integer MatMul on the CPU too.
        return _Base.matmul(_Base.cpu(a), _Base.cpu(b)).to(a.device)
    if (rank_a == 2 and rank_b > 2 and _Base.size(b, -2) == _Base.size(a, 1)
            and _Base.numel(b) != 0):
        # One matrix times a batch (`W @ x`, `x` a batch of columns): `at::matmul` would
        # expand `a` into a `bmm` of per-example products, and a jacobian's batched
        # backward pass into a `bmm` of matrix-vector products (16 examples of 256
        # columns: 65 ms). As rows, `(b^T a^T)^T`, the whole batch is one `mm`, and so
        # is the batched backward pass (3 ms).
        sizes = _Base.size(b)
        rows = _Base.reshape(b.mT, (-1, sizes[-2]))
        product = _Base.mm(rows, a.mT)
        return product.reshape(sizes[:-2] + (sizes[-1], _Base.size(a)[0])).mT
    return _Base.matmul(a, b)


def _rmatmul(a: torch.Tensor, b: Any) -> torch.Tensor:
    return operator_matmul(b, a)


def _equal(a: torch.Tensor, b: Any) -> Any:
    """TF's `==`: `False` against `None`, and against a shape that does not broadcast."""
    try:
        return _Base.eq(a, b)
    except RuntimeError:
        if isinstance(b, _Tensor) and _DTYPE_GET(a) == _DTYPE_GET(b):
            return torch.tensor(False, device=a.device)
        raise


def _not_equal(a: torch.Tensor, b: Any) -> Any:
    try:
        return _Base.ne(a, b)
    except RuntimeError:
        if isinstance(b, _Tensor) and _DTYPE_GET(a) == _DTYPE_GET(b):
            return torch.tensor(True, device=a.device)
        raise


def _rpow(a: torch.Tensor, b: Any) -> torch.Tensor:
    if isinstance(b, _Tensor):
        return _kernels.pow(b, a)
    return _kernels.rpow(b, a)


def _rsub(a: torch.Tensor, b: Any) -> torch.Tensor:
    return torch.rsub(a, b)


def _rmod(a: torch.Tensor, b: Any) -> torch.Tensor:
    _check_divisor(a, b, "FloorMod")
    return _Tensor.__rmod__(a, b)


# Keyed by the function torch hands `__torch_function__` for each operator.
_HANDLERS: Dict[Any, Callable[..., Any]] = {
    _Base.add: _binary(_Base.add, "AddV2", InvalidArgumentError),
    _Base.sub: _binary(_Base.sub, "Sub"),
    _Tensor.__rsub__: _binary(_rsub, "Sub"),
    _Base.mul: _binary(_Base.mul, "Mul"),
    _Base.div: _binary(operator_truediv, "RealDiv"),
    _Tensor.__rdiv__: _binary(_rtruediv, "RealDiv"),
    _Tensor.__pow__: _binary(operator_pow, "Pow"),
    _Base.pow: _binary(operator_pow, "Pow"),
    _Tensor.__rpow__: _binary(_rpow, "Pow"),
    _Tensor.__floordiv__: _binary(_floordiv, "FloorDiv"),
    _Tensor.__rfloordiv__: _binary(_rfloordiv, "FloorDiv"),
    _Base.remainder: _binary(_mod, "FloorMod"),
    _Tensor.__rmod__: _binary(_rmod, "FloorMod"),
    _Base.matmul: _binary(operator_matmul, "MatMul"),
    _Tensor.__rmatmul__: _binary(_rmatmul, "MatMul"),
    _Base.lt: _binary(_Base.lt, "Less"),
    _Base.le: _binary(_Base.le, "LessEqual"),
    _Base.gt: _binary(_Base.gt, "Greater"),
    _Base.ge: _binary(_Base.ge, "GreaterEqual"),
    _Base.__eq__: _none_is(False, _binary(_equal, "Equal")),
    _Base.eq: _none_is(False, _binary(_equal, "Equal")),
    _Base.ne: _none_is(True, _binary(_not_equal, "NotEqual")),
    _Base.__ne__: _none_is(True, _binary(_not_equal, "NotEqual")),
}


# NOTE: [Operator fast path]
# `x * y` on two drop-in tensors (or one and a Python number) is the op TF code runs
# most. The operators below do TF's checks and the torch op directly, skipping torch's
# `__torch_function__` round trip (about 1 us). A Variable operand is read first (its
# `read_for_op()`, which tells the watching tapes) and the op runs on the read. Anything else
# (NumPy values, other tensor subclasses) takes the usual path through
# `__torch_function__`. A list or tuple operand is converted to the tensor's dtype
# first, as TF does (torch's operators refuse lists, and `list * tensor` would repeat
# the list). Torch function *modes* still see the op.


@functools.cache
def _read_on_use(kind: type) -> bool:
    """Whether operands of type `kind` are read before an op uses them (Variables)."""
    return issubclass(kind, EagerTensor) and hasattr(kind, "read_for_op")


def _operator(
    fn: Callable[[Any, Any], torch.Tensor],
    name: str,
    float_error: type,
    fallback: Callable[[Any, Any], Any],
    reflected: bool = False,
    bool_numbers: bool = False,
) -> Callable[[Any, Any], Any]:
    compute = _binary(fn, name, float_error, bool_numbers)  # TF's checks, then `fn`

    def other_operands(self: Any, other: Any) -> Any:
        kind = type(other)
        fast = kind is EagerTensor or kind is float or kind is int or kind is _Tensor
        mine = type(self)
        if (mine is EagerTensor or _read_on_use(mine)) and (fast or _read_on_use(kind)):  # type: ignore[arg-type]
            a = self if mine is EagerTensor else self.read_for_op()  # a Variable: its read
            return compute(a, other if fast else other.read_for_op())
        if kind is float and reflected and float_error is TypeError:
            if self.dtype not in INEXACT:
                raise cannot_convert(other, self.dtype)
        if kind is list or kind is tuple:
            other = _operand(self, other)
        elif getattr(kind, "__tf_tensor__", None) is not None:
            # TF's conversion protocol (a `tf.IndexedSlices` densifies), then TF's rules
            return method(self, _operand(self, other))
        return fallback(self, other)

    # The common operands run in `method` itself (NOTE in `_binary`), the rest above.
    method = _binary(fn, name, float_error, bool_numbers, other_operands)
    method.__name__ = method.__qualname__ = f"_{name}_operator"
    return method


def _comparison(fn: Callable[[Any, Any], torch.Tensor], name: str,
                fallback: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """A comparison operator: TF's (`_operator`) from user code, torch's own from the
    package's code, which runs with torch functions disabled."""
    tf_compare = _operator(fn, name, TypeError, fallback)

    def method(self: Any, other: Any) -> Any:
        if not torch_function_enabled():
            return fallback(self, other)
        return tf_compare(self, other)

    method.__name__ = method.__qualname__ = tf_compare.__name__
    return method


# ---------------------------------------------------------------------------
# Hashing

# NOTE: [Hashable tensors]
# TF's tensors and Variables raise `TypeError` on `hash()` and offer `x.ref()` as a
# key. Ours keep torch's identity hash: torch and the libraries built on it key state
# by tensor (an optimizer's `state[p]`, module parameter sets, Keras, Dynamo), and
# drop-in tensors and Variables are handed to them. TF code never relies on the
# error, so `x.ref()`/`deref()` are here for it and `hash()` keeps working.


class Reference:
    """A hashable reference to a tensor or Variable (what `x.ref()` returns, as TF's).

    Two references are equal when they wrap the same object.

    >>> import tftape_torch as tf
    >>> x = tf.constant(1.0)
    >>> x.ref() == x.ref(), x.ref().deref() is x
    (True, True)
    """

    __slots__ = ("_wrapped",)

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped

    def deref(self) -> Any:
        """The tensor or Variable this reference wraps."""
        return self._wrapped

    def __hash__(self) -> int:
        return id(self._wrapped)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Reference) and other._wrapped is self._wrapped

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._wrapped!r}>"


def sliced(value: torch.Tensor, slicing: _indexing.Slicing) -> torch.Tensor:
    """`value` (a tensor, or a Variable's read) sliced as `slicing` says, as a new
    drop-in tensor (NOTE: [Fresh results])."""
    count = FLIP_COUNT[0]
    if FLIPS and HOLDER[0] is not THREAD.tapes:  # NOTE: [Ops beside other threads' tapes]
        value = seen_here(value)
    with _DisableSubclass():
        try:
            if slicing.mask is None and not slicing.flips:
                out = _Base.__getitem__(value, slicing.index)  # the common case, inline
            else:
                out = _indexing.apply(value, slicing)
        except (RuntimeError, IndexError) as e:
            raise op_error("StridedSlice", e) from e
        if FLIP_COUNT[0] != count and has_history(out):
            return sliced(value, slicing)  # a flip began meanwhile: once more, seeing it
        out = own_leaf(out)
    if refcount(out) == 2:
        out.__class__ = EagerTensor
        return out
    return out.as_subclass(EagerTensor)


_NOT_SCALAR = "only 0-dimensional arrays can be converted to Python scalars"


# ---------------------------------------------------------------------------
# EagerTensor


class EagerTensor(torch.Tensor):
    """A `torch.Tensor` with TensorFlow's face (printing, `.numpy()`, dtype rules).

    >>> import tftape_torch as tf
    >>> x = tf.constant(3.0)
    >>> x
    <tf.Tensor: shape=(), dtype=float32, numpy=3.0>
    >>> x.numpy(), f"{x:.2f}"
    (np.float32(3.0), '3.00')
    """

    @classmethod
    def __torch_function__(
        cls,
        func: Callable[..., Any],
        types: Sequence[type],
        args: Sequence[Any] = (),
        kwargs: Optional[Dict[str, Any]] = None,
    ) -> Any:
        handler = _HANDLERS.get(func)
        if handler is not None and not kwargs and len(args) == 2:
            return handler(*args)
        count = FLIP_COUNT[0]
        if FLIPS and HOLDER[0] is not THREAD.tapes:  # NOTE: [Ops beside other threads' tapes]
            args, kwargs = _seen_here_call(func, args, kwargs)
        with _DisableSubclass():
            out = func(*args, **kwargs) if kwargs else func(*args)
            while FLIP_COUNT[0] != count and has_history(out) and _computes(func):
                # A flip began meanwhile: once more, seeing it.
                count = FLIP_COUNT[0]
                args, kwargs = _seen_here_call(func, args, kwargs)
                out = func(*args, **kwargs) if kwargs else func(*args)
            if type(out) is _Tensor:
                if func in _NO_WRAP:
                    return out
                out = own_leaf(out)
                if refcount(out) == 2:  # only `out` holds it: fresh, re-type in place
                    out.__class__ = EagerTensor
                    return out
                return out.as_subclass(EagerTensor)
            if isinstance(out, (tuple, list)) and func not in _NO_WRAP:
                return _retype_items(out)
        return out

    # -- what TF's EagerTensor shows ------------------------------------------

    @property
    def shape(self) -> TensorShape:  # type: ignore[override]
        """The shape, as a `TensorShape` (prints `(2, 2)`; `.as_list()`, `.rank`)."""
        with _DisableSubclass():
            return tuple.__new__(TensorShape, _Base.size(self))  # ints already

    def get_shape(self) -> TensorShape:
        """The shape, as a `TensorShape` (TF's alias of `.shape`)."""
        return self.shape

    def set_shape(self, shape: Any) -> None:
        """Checks that the shape is compatible with `shape` (an eager tensor's shape is
        known: nothing changes), as TF's eager tensors do.

        >>> import tftape_torch as tf
        >>> tf.constant([1.0, 2.0]).set_shape([None])

        Raises:
          ValueError: if `shape` does not fit the tensor's shape.
        """
        if shape is None:
            return
        wanted = shape if isinstance(shape, TensorShape) else TensorShape(shape)
        if not self.shape.is_compatible_with(wanted):
            raise ValueError(f"Tensor's shape {self.shape} is not compatible with supplied "
                             f"shape {wanted}.")

    @property
    def dtype(self) -> torch.dtype:  # type: ignore[override]
        """The dtype: `tf.float32` and friends, which are torch's dtypes."""
        with _DisableSubclass():
            return _DTYPE_GET(self)

    @property
    def device(self) -> torch.device:  # type: ignore[override]
        """The torch device the tensor lives on (read directly, as `dtype`: ops read it
        to place their constants)."""
        with _DisableSubclass():
            return _DEVICE_GET(self)

    # The autograd attributes a tape reads on every use: read directly (a property
    # here costs a third of a trip through `__torch_function__`).

    @property
    def requires_grad(self) -> bool:
        with _DisableSubclass():
            return _REQUIRES_GRAD_GET(self)

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        set_requires_grad(self, value)

    @property
    def grad_fn(self) -> Any:  # type: ignore[override]
        with _DisableSubclass():
            return _GRAD_FN_GET(self)

    @property
    def is_leaf(self) -> bool:  # type: ignore[override]
        with _DisableSubclass():
            return _IS_LEAF_GET(self)

    @property
    def output_nr(self) -> int:  # type: ignore[override]
        with _DisableSubclass():
            return _OUTPUT_NR_GET(self)

    def is_floating_point(self) -> bool:
        with _DisableSubclass():
            return _Base.is_floating_point(self)

    def dim(self) -> int:
        with _DisableSubclass():
            return _Base.dim(self)

    def numpy(self, *, force: bool = False) -> Any:
        """The value as NumPy: a scalar for a 0-d tensor, else a copy as an array.

        Works also for tensors that require grad, carry a graph or live on CUDA.

        Raises:
          AttributeError: for a tensor leaked out of a `tf.function` trace (as TF's
            symbolic tensors, which have no `numpy`).
        """
        if leaked_from(self) is not None:
            raise AttributeError("'SymbolicTensor' object has no attribute 'numpy'")
        value = numpy_value(self)
        if isinstance(value, np.ndarray):
            return value.copy()
        return value

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        # `np.array(x)` (copy=True) gets its own copy, `np.asarray(x)` a read-only
        # view, as from TF; NumPy does any cast to `dtype` itself (its ComplexWarning
        # then names the caller's line).
        value = np.asarray(numpy_value(self))
        if copy:
            return value.copy()
        value = value.view()
        value.flags.writeable = False
        return value

    def __deepcopy__(self, memo: Dict[int, Any]) -> Any:
        if type(self) is not EagerTensor:
            return _Tensor.__deepcopy__(self, memo)
        if id(self) in memo:
            return memo[id(self)]
        with _DisableSubclass():
            new = _Base.clone(_Base.detach(self))
            if _IS_LEAF_GET(self) and _REQUIRES_GRAD_GET(self):
                new.requires_grad_(True)
        new.__class__ = EagerTensor
        memo[id(self)] = new
        return new

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # `ndarray + tensor` and `tensor + ndarray` reach here as `np.add` of the two:
        # TF gives a tensor for them (the operator runs on the tensor, the array
        # converted to its dtype), so an operator ufunc of this tensor and a NumPy
        # array or scalar is computed the TF way. Every other call (`np.add(t, 1)`,
        # `np.add(t, t)`, `np.exp(t)`) sees NumPy values and returns NumPy's result, as
        # with TF's tensors.
        op = _UFUNC_OPERATORS.get(ufunc)
        if op is not None and method == "__call__" and not kwargs and len(inputs) == 2:
            left, right = inputs
            if left is self and isinstance(right, (np.ndarray, np.generic)):
                with _DisableSubclass():
                    right = fresh(convert_value(right, self.dtype, self.device))
                return op(left, right)
            if right is self and isinstance(left, (np.ndarray, np.generic)):
                with _DisableSubclass():
                    left = fresh(convert_value(left, self.dtype, self.device))
                return op(left, right)
        arrays = [numpy_value(x) if isinstance(x, _Tensor) else x for x in inputs]
        return getattr(ufunc, method)(*arrays, **kwargs)

    def __repr__(self, *, tensor_contents: Any = None) -> str:  # type: ignore[override]
        return tensor_repr(self)

    def __str__(self) -> str:
        return tensor_str(self)

    def __format__(self, format_spec: str) -> str:
        return tensor_format(self, format_spec)

    def __iter__(self) -> Iterator[torch.Tensor]:
        if self.dim() == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        return iter(self.unbind(0))

    # -- What TF's tensors refuse or restrict -------------------------------------

    __hash__ = torch.Tensor.__hash__  # NOTE: [Hashable tensors]

    def ref(self) -> Reference:
        """A hashable reference to this tensor (the key TF uses instead of the tensor).

        >>> import tftape_torch as tf
        >>> x = tf.constant(1.0)
        >>> {x.ref(): "x"}[x.ref()]
        'x'
        """
        return Reference(self)

    experimental_ref = ref

    def __bool__(self) -> bool:
        """The truth of a one-element tensor; False for an empty one.

        Raises:
          ValueError: for more than one element (as NumPy, which TF defers to).
        """
        with _DisableSubclass():
            count = _Base.numel(self)
            if count == 1:
                return _Base.__bool__(self)
        if count == 0:
            return False
        raise ValueError(
            "The truth value of an array with more than one element is ambiguous. Use a.any() "
            "or a.all()"
        )

    def __float__(self) -> float:
        """The value of a 0-d tensor as a Python float (`TypeError` otherwise, as TF)."""
        with _DisableSubclass():
            if _Base.dim(self) == 0:  # TF reads the value: no autograd warning
                try:
                    return _Base.__float__(_Base.detach(self))
                except RuntimeError:  # complex: the real part, with NumPy's ComplexWarning
                    if not _Base.is_complex(self):
                        raise
                return float(numpy_value(self))
        raise TypeError(_NOT_SCALAR)

    def __int__(self) -> int:
        """The value of a 0-d tensor as a Python int (`TypeError` otherwise, as TF)."""
        with _DisableSubclass():
            if _Base.dim(self) == 0:  # TF reads the value: no autograd warning
                try:
                    return _Base.__int__(_Base.detach(self))
                except RuntimeError:  # complex: the real part, with NumPy's ComplexWarning
                    if not _Base.is_complex(self):
                        raise
                return int(numpy_value(self))
        raise TypeError(_NOT_SCALAR)

    def __complex__(self) -> complex:
        with _DisableSubclass():
            if _Base.dim(self) == 0:  # TF reads the value: no autograd warning
                return _Base.__complex__(_Base.detach(self))
        raise TypeError(_NOT_SCALAR)

    def __index__(self) -> int:
        """A 0-d integer tensor as an index (`[1, 2][tf.constant(1)]`), as TF allows.

        Raises:
          TypeError: for a tensor that is not 0-d.
          AttributeError: for a 0-d tensor that is not an integer (TF asks its NumPy
            scalar for an `__index__` it does not have).
        """
        with _DisableSubclass():
            if _Base.dim(self) == 0:
                if _DTYPE_GET(self) in INTEGER:
                    return _Base.__index__(self)
                raise AttributeError(
                    f"'numpy.{numpy_value(self).dtype.name}' object has no attribute '__index__'"
                )
        raise TypeError("only integer scalar arrays can be converted to a scalar index")

    def __getitem__(self, spec: Any) -> Any:
        """TF's indexing: `x[0, 1]`, `x[[0, 1]]` (the same), `x[:, ::-1]`, `x[..., None]`.

        See `_indexing` for the rules. The package's own code, which runs with torch
        functions disabled, gets torch's indexing.

        >>> import tftape_torch as tf
        >>> x = tf.constant([[1, 2, 3], [4, 5, 6]])
        >>> print(x[[0, 1]], x[:, ::-1][0])
        tf.Tensor(2, shape=(), dtype=int32) tf.Tensor([3 2 1], shape=(3,), dtype=int32)

        Raises:
          TypeError: for an index that is not an integer, slice, `...` or `tf.newaxis`.
          InvalidArgumentError: for an index out of range, a zero step, too many
            indices, or any index into a scalar.
        """
        if not torch_function_enabled():
            return _Base.__getitem__(self, spec)
        if type(spec) is slice and not (FLIPS and HOLDER[0] is not THREAD.tapes):
            # The common `x[1:]`, `x[:-1]`, `x[::2]` of a tensor of rank >= 1, int
            # bounds, a positive step: torch's own slice, inline (as `sliced`).
            start, stop, step = spec.start, spec.stop, spec.step
            if ((start is None or type(start) is int) and (stop is None or type(stop) is int)
                    and (step is None or (type(step) is int and step > 0))):
                count = FLIP_COUNT[0]
                with _DisableSubclass():
                    # (torch hands back `self` itself for a slice of everything)
                    out = _Base.__getitem__(self, spec) if _Base.dim(self) else self
                    if out is not self and (FLIP_COUNT[0] == count or not has_history(out)):
                        out = own_leaf(out)
                        out.__class__ = EagerTensor  # fresh (NOTE: [Fresh results])
                        return out
        with _DisableSubclass():
            slicing = _indexing.parse(spec, _Base.size(self))
        return sliced(self, slicing)

    def __setitem__(self, spec: Any, value: Any) -> None:
        """TF's tensors are immutable: item assignment is a `TypeError`."""
        if not torch_function_enabled():
            _Base.__setitem__(self, spec, value)
            return
        raise TypeError(f"'{type(self).__name__}' object does not support item assignment")

    # -- The arithmetic operators: see NOTE: [Operator fast path] -------------------

    __add__ = _operator(_Base.add, "AddV2", InvalidArgumentError, _Base.__add__)
    __radd__ = _operator(_Base.add, "AddV2", TypeError, _Base.__radd__, reflected=True)
    __sub__ = _operator(_Base.sub, "Sub", TypeError, _Base.__sub__)
    __rsub__ = _operator(_rsub, "Sub", TypeError, _Tensor.__rsub__, reflected=True)
    __mul__ = _operator(_Base.mul, "Mul", TypeError, _Base.__mul__, bool_numbers=True)
    __rmul__ = _operator(_Base.mul, "Mul", TypeError, _Base.__rmul__, reflected=True)
    __truediv__ = _operator(operator_truediv, "RealDiv", TypeError, _Base.__truediv__)
    __rtruediv__ = _operator(_rtruediv, "RealDiv", TypeError, _Tensor.__rtruediv__, reflected=True)
    __pow__ = _operator(operator_pow, "Pow", TypeError, _Tensor.__pow__)
    __rpow__ = _operator(_rpow, "Pow", TypeError, _Tensor.__rpow__, reflected=True)
    __matmul__ = _operator(operator_matmul, "MatMul", TypeError, _Base.__matmul__)
    __rmatmul__ = _operator(_rmatmul, "MatMul", TypeError, _Tensor.__rmatmul__, reflected=True)
    # Comparisons take lists and tuples as TF's do (torch's refuse them); `a < b` with a
    # list on the left is Python's reflected `b > a`. Defining `__eq__` would drop the
    # inherited hash: it is kept (NOTE: [Hashable tensors]).
    __lt__ = _comparison(_Base.lt, "Less", _Base.__lt__)
    __le__ = _comparison(_Base.le, "LessEqual", _Base.__le__)
    __gt__ = _comparison(_Base.gt, "Greater", _Base.__gt__)
    __ge__ = _comparison(_Base.ge, "GreaterEqual", _Base.__ge__)
    __eq__ = _comparison(_equal, "Equal", _Base.__eq__)
    __ne__ = _comparison(_not_equal, "NotEqual", _Base.__ne__)
    __hash__ = _Tensor.__hash__

    def __neg__(self) -> Any:
        with _DisableSubclass():
            check_signed("Neg", _DTYPE_GET(self), _SIGNED_NUMBERS)
        try:
            if type(self) is not EagerTensor:
                return _Base.neg(self)  # a Variable: its own __torch_function__ reads it
            count = FLIP_COUNT[0]
            value = self
            if FLIPS and HOLDER[0] is not THREAD.tapes:  # NOTE: [Ops beside other threads' tapes]
                value = seen_here(self)
            with _DisableSubclass():
                out = _Base.neg(value)
            if FLIP_COUNT[0] != count and has_history(out):
                return self.__neg__()  # a flip began meanwhile: once more, seeing it
        except RuntimeError as e:  # a bool tensor: TF has no Neg kernel for it
            raise op_error("Neg", e) from e
        out.__class__ = EagerTensor
        return out

    def __abs__(self) -> Any:
        with _DisableSubclass():
            dtype = _DTYPE_GET(self)
        check_signed("Abs", dtype, _ABS_TYPES)
        if dtype == torch.bool:
            raise _not_allowed("Abs", dtype, _ABS_TYPES)
        return _Tensor.__abs__(self)

    # `&`, `|`, `^` and `~` are logical on bool tensors and bitwise on integer ones, as
    # TF's; other dtypes get TF's error (torch's `NotImplementedError` leaked).
    def __and__(self, other: Any) -> Any:
        return _Base.__and__(_bits(self, "BitwiseAnd"), other)

    def __rand__(self, other: Any) -> Any:
        return _Base.__rand__(_bits(self, "BitwiseAnd"), other)

    def __or__(self, other: Any) -> Any:
        return _Base.__or__(_bits(self, "BitwiseOr"), other)

    def __ror__(self, other: Any) -> Any:
        return _Base.__ror__(_bits(self, "BitwiseOr"), other)

    def __xor__(self, other: Any) -> Any:
        return _Base.__xor__(_bits(self, "BitwiseXor"), other)

    def __rxor__(self, other: Any) -> Any:
        return _Base.__rxor__(_bits(self, "BitwiseXor"), other)

    def __invert__(self) -> Any:
        return _Base.__invert__(_bits(self, "Invert"))

    # TF's tensors have no unary `+` and no shifts (`tf.bitwise.left_shift` is the op).
    def __pos__(self) -> Any:
        raise TypeError(f"bad operand type for unary +: '{type(self).__name__}'")

    def __lshift__(self, other: Any) -> Any:
        return NotImplemented

    __rlshift__ = __rshift__ = __rrshift__ = __lshift__

    def __round__(self, ndigits: Any = None) -> Any:
        # TF's `round(t)` is NumPy's `around`, which calls the NumPy-only `astype`:
        # without NumPy behaviour enabled, TF's tensors raise this for every dtype.
        raise AttributeError(
            f"{type(self).__name__} object has no attribute 'astype'. \n"
            "        If you are looking for numpy-related methods, please run the following:\n"
            "        tf.experimental.numpy.experimental_enable_numpy_behavior()\n      "
        )

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        # NumPy functions (`np.mean(x, axis=0)`) see NumPy values, as with TF tensors,
        # instead of calling torch's methods of the same name.
        return func(*_numpy_values(args), **_numpy_values(kwargs))

    # -- TF tensors are immutable: `x += y` rebinds `x` to a new tensor ----------

    def __iadd__(self, other: Any) -> Any:
        return self + other

    def __isub__(self, other: Any) -> Any:
        return self - other

    def __imul__(self, other: Any) -> Any:
        return self * other

    def __itruediv__(self, other: Any) -> Any:
        return self / other

    def __ifloordiv__(self, other: Any) -> Any:  # type: ignore[misc]
        return self // other

    def __imod__(self, other: Any) -> Any:  # type: ignore[misc]
        return self % other

    def __ipow__(self, other: Any) -> Any:
        return self**other

    def __imatmul__(self, other: Any) -> Any:
        return self @ other


EagerTensor.__module__ = "tftape_torch._tensor"  # where pickle finds it


_UFUNC_OPERATORS: Dict[Any, Callable[[Any, Any], Any]] = {
    np.add: operator.add,
    np.subtract: operator.sub,
    np.multiply: operator.mul,
    np.true_divide: operator.truediv,
    np.floor_divide: operator.floordiv,
    np.remainder: operator.mod,
    np.power: operator.pow,
    np.matmul: operator.matmul,
    np.less: operator.lt,
    np.less_equal: operator.le,
    np.greater: operator.gt,
    np.greater_equal: operator.ge,
    np.equal: operator.eq,
    np.not_equal: operator.ne,
}

# Attribute reads that hand back a tensor stored elsewhere: never re-typed (as torch).
_NO_WRAP = unwrapped_getters
