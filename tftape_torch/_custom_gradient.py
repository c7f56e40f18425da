"""`custom_gradient`: TensorFlow's decorator for functions with a hand-written gradient.

Design (after TF's `custom_gradient._eager_mode_decorator`):

* `f` runs *outside* any `torch.autograd.Function`, with grad mode and every tape as
  they are, exactly like TF runs it under the recording tape. Tensors `grad_fn`
  closes over therefore keep their history, so a tape that records while `grad_fn`
  runs (a nested tape, `create_graph`) differentiates through them: second
  derivatives through a custom gradient work as in TF.
* Its results then go through `_CustomGradientFunction`, an identity whose inputs are
  the arguments and the variables `f` read, and whose backward calls `grad_fn`. The
  node is created inside the recording windows of the tapes that are open, so it is
  numbered like any other op; the results' own graph is cut there (TF replaces the
  results' recorded op the same way).
* Variables: a read hook (registered in `_state`) sees every trainable `Variable`
  `f` reads, as TF's `VariableWatcher` does. Variables passed as arguments are inputs,
  not `variables`. After `f`, each variable is read once more (outside the hook) and
  that read, an alias leaf when a tape watches the variable, is what the Function
  takes as input, so the tape's edge for the variable receives `grad_fn`'s gradient.
* Forward mode (`ForwardAccumulator`): TF computes the JVP of a custom-gradient call
  from the ops of `f` and ignores `grad_fn`. The Function takes the results' tangents
  as inputs (on a detached primal) and its `jvp` passes them on.
* What `grad_fn` returns, TF passes on unchanged: a gradient of another shape or
  dtype than its input, or a Python number. torch's engine needs a tensor of the
  input's shape and dtype, so the Function hands it a converted one that carries the
  raw gradient along (NOTE: [Raw gradients]); when that tensor arrives unchanged as a
  tape's result for a source, a gradient hook (in `_state`) puts the raw one back.

>>> import torch
>>> from tftape_torch import GradientTape, custom_gradient
>>> @custom_gradient
... def clip_gradients(y):
...     def backward(dy):
...         return dy.clamp(-0.5, 0.5)
...     return y, backward
>>> x = torch.tensor(2.0)
>>> with GradientTape() as tape:
...     tape.watch(x)
...     out = clip_gradients(x * x)
>>> tape.gradient(out, x)  # upstream 1.0 clipped to 0.5, times d(x*x)/dx = 4
tensor(2.)
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch import _forward, _state, _structure
from tftape_torch._tensor import EagerTensor, as_eager
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    make_dual,
    tangent_of,
    version_of,
)
from tftape_torch._variable import Variable

__all__ = ["custom_gradient", "grad_pass_through", "recompute_grad"]


def custom_gradient(f: Optional[Callable[..., Any]] = None) -> Any:
    """Decorator to define a function with a custom gradient.

    `f(*x)` returns a pair `(y, grad_fn)`: `y` is a tensor or nested structure of
    tensors, and `grad_fn(*upstream)` receives one upstream gradient per (flattened)
    element of `y` and returns one gradient per (flattened) argument in `x`; a single
    tensor is allowed when there is one argument. If `f` reads trainable `Variable`s
    that are not among its arguments, `grad_fn` must accept a keyword argument
    `variables` and return a pair `(input_grads, variable_grads)`, one gradient per
    variable, in the order of `variables`.

    A numerically stable gradient for `log(1 + exp(x))`:

    >>> import tftape_torch as tf
    >>> @tf.custom_gradient
    ... def log1pexp(x):
    ...     e = tf.exp(x)
    ...     def grad(upstream):
    ...         return upstream * (1 - 1 / (1 + e))
    ...     return tf.math.log(1 + e), grad
    >>> x = tf.constant(100.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = log1pexp(x)
    >>> print(tape.gradient(y, x))
    tf.Tensor(1.0, shape=(), dtype=float32)

    With a variable:

    >>> weights = tf.Variable([1.0, 1.0])
    >>> @tf.custom_gradient
    ... def linear_poly(x):
    ...     poly = weights[1] * x + weights[0]
    ...     def grad_fn(dpoly, variables):
    ...         grad_vars = [tf.stack([tf.reduce_sum(dpoly), tf.reduce_sum(dpoly * x)])]
    ...         return dpoly * weights[1], grad_vars
    ...     return poly, grad_fn
    >>> x = tf.constant([1.0, 2.0, 3.0])
    >>> with tf.GradientTape() as tape:
    ...     poly = linear_poly(x)
    >>> print(tape.gradient(poly, weights))
    tf.Tensor([3. 6.], shape=(2,), dtype=float32)

    The gradient function runs like any other op while a tape records, so nested
    tapes give second derivatives through it.

    Args:
      f: the function; `custom_gradient` also works as `@custom_gradient()` and on
        methods.

    Returns:
      A function `h(*x)` returning the same values as `f(*x)[0]`, whose gradient is
      given by `f(*x)[1]`.

    Raises:
      TypeError: when called, if `f` reads variables and `grad_fn` takes no
        `variables` argument.
      ValueError: when the gradient is computed, if `grad_fn` returns the wrong
        number of gradients.
    """
    if f is None:
        return custom_gradient
    return _CustomGradient(f)


class _CustomGradient:
    """The decorated function; binds like a function when used as a method."""

    def __init__(self, f: Callable[..., Any]) -> None:
        self._f = f
        functools.update_wrapper(self, f)

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        return _CustomGradient(self._f.__get__(instance, owner))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _call(self._f, args, kwargs)

    def __repr__(self) -> str:
        return f"<custom_gradient {getattr(self._f, '__qualname__', self._f)!r}>"


# ---------------------------------------------------------------------- forward


class _VariableWatcher:
    """Collects the trainable variables read on this thread while active."""

    def __init__(self) -> None:
        self.variables: List[Variable] = []
        self._seen: Dict[int, Variable] = {}

    def _hook(self, variable: Variable, value: torch.Tensor) -> torch.Tensor:
        if variable.trainable and id(variable) not in self._seen:
            self._seen[id(variable)] = variable
            self.variables.append(variable)
        return value

    def __enter__(self) -> _VariableWatcher:
        self._handle = _state.add_read_hook(self._hook)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._handle.remove()


def _call(f: Callable[..., Any], args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Any:
    with _VariableWatcher() as watcher:
        result, grad_fn = f(*args, **kwargs)
    flat_args = _structure.flatten(args)
    inputs = flat_args + _structure.flatten(kwargs)
    variables = [v for v in watcher.variables if all(v is not item for item in inputs)]
    if variables and not _accepts_variables(grad_fn):
        raise TypeError(
            "@tf.custom_gradient grad_fn must accept keyword argument 'variables', "
            f"since function uses variables: {variables}"
        )

    flat_result = _structure.flatten(result)
    out_positions = [i for i, y in enumerate(flat_result) if isinstance(y, torch.Tensor)]
    arg_positions = [i for i, x in enumerate(flat_args) if isinstance(x, torch.Tensor)]
    arg_tensors = [_value(flat_args[i]) for i in arg_positions]
    variable_reads = [v.read_for_op() for v in variables]

    if not out_positions:
        return result  # no tensor results: nothing for a gradient to flow through
    level = _state.forward_level()
    outputs = [_output_input(flat_result[i], level) for i in out_positions]
    connected = torch.is_grad_enabled() and any(
        t.requires_grad for t in arg_tensors + variable_reads
    )
    if not connected and not (level is not None and any(_has_tangent(t, level) for t in outputs)):
        return result  # nothing records this call: TF's identity would change nothing

    spec = _Spec(
        grad_fn=grad_fn,
        variables=variables,
        arg_count=len(flat_args),
        arg_positions=arg_positions,
        arg_meta=[_Meta(t) for t in arg_tensors],
        out_meta=[_Meta(flat_result[i]) for i in out_positions],
        out_count=len(flat_result),
        out_positions=out_positions,
    )
    if _restore_raw not in _state.THREAD.gradient_hooks:
        _state.add_gradient_hook(_restore_raw)  # for the life of the thread
    new = _CustomGradientFunction.apply(spec, *arg_tensors, *variable_reads, *outputs)
    flat = list(flat_result)
    for position, value in zip(out_positions, new):
        if isinstance(flat_result[position], EagerTensor) and type(value) is torch.Tensor:
            value.__class__ = EagerTensor  # a fresh result: re-typed in place, no alias node
        flat[position] = value
    _forward.note_outputs([flat[i] for i in out_positions])
    return _structure.pack_like(result, flat)


def _accepts_variables(grad_fn: Callable[..., Any]) -> bool:
    try:
        spec = inspect.getfullargspec(grad_fn)
    except TypeError:  # builtins and other objects without a signature
        return False
    return "variables" in spec.args or "variables" in spec.kwonlyargs or spec.varkw is not None


def _value(arg: torch.Tensor) -> torch.Tensor:
    """What the Function takes for an argument: a variable's current read."""
    return arg.read_for_op() if isinstance(arg, Variable) else arg


def _output_input(y: torch.Tensor, level: Optional[int]) -> torch.Tensor:
    """`y` without its graph, still carrying its tangent at `level` if it has one."""
    with _DisableSubclass():
        if level is not None:
            tangent = tangent_of(y, level)
            if tangent is not None:
                return make_dual(torch.Tensor.detach(y), tangent, level)
        return torch.Tensor.detach(y)


def _has_tangent(tensor: torch.Tensor, level: int) -> bool:
    with _DisableSubclass():
        return tangent_of(tensor, level) is not None


# ---------------------------------------------------------------------- backward


class _Meta:
    """Shape, dtype and device of a tensor, to build zeros and convert gradients."""

    __slots__ = ("shape", "dtype", "device", "eager")

    def __init__(self, tensor: torch.Tensor) -> None:
        self.shape = tensor.shape
        self.dtype = tensor.dtype
        self.device = tensor.device
        self.eager = isinstance(tensor, EagerTensor)

    def zeros(self) -> torch.Tensor:
        with _DisableSubclass():
            zeros = torch.zeros(self.shape, dtype=self.dtype, device=self.device)
        return as_eager(zeros) if self.eager else zeros

    def convert(self, grad: Any) -> Optional[torch.Tensor]:
        """`grad` as the engine needs it: a tensor of this shape and dtype.

        A converted tensor carries the raw `grad` (NOTE: [Raw gradients]). A shape
        that does not reduce to this one is left to the engine's error.
        """
        if grad is None:
            return None
        if isinstance(grad, torch.Tensor):
            with _DisableSubclass():
                out = grad
                if out.dtype != self.dtype and (out.is_floating_point() or out.is_complex()):
                    out = out.to(self.dtype)
                if out.shape != self.shape:
                    try:
                        out = out.sum_to_size(self.shape)
                    except RuntimeError:
                        return grad
        else:
            out = torch.as_tensor(np.asarray(grad), dtype=self.dtype, device=self.device)
        if out is not grad:
            out.__dict__[_RAW] = (grad, version_of(out))
        return out


# NOTE: [Raw gradients]
# TF hands a tape's caller whatever a custom gradient function returned for a source:
# a `[5]` gradient for a scalar, a float64 one for a float32 input, the Python number
# 2.0. torch's engine reduces, casts or refuses those, so `_Meta.convert` gives it a
# tensor of the input's shape and dtype, with the raw gradient stored in the tensor's
# `__dict__` under `_RAW`, with its version counter. If that very tensor comes out of
# the backward pass as a source's gradient, unchanged (nothing computed from it, and
# the engine did not accumulate another gradient into it in place: same version),
# the gradient hook `_restore_raw` puts the raw gradient in its place. A gradient that
# flows on through other ops is the converted one (TF would fail or broadcast there).
_RAW = "_tftape_raw_gradient"


def _restore_raw(results: List[Any]) -> None:
    """Put back the raw custom gradients among a tape's `results` (in place)."""
    for index, grad in enumerate(results):
        if grad is not None:
            stored = grad.__dict__.get(_RAW)
            if stored is not None and stored[1] == version_of(grad):
                results[index] = stored[0]


class _Spec:
    """What `_CustomGradientFunction` needs to call `grad_fn` the way TF does."""

    def __init__(
        self,
        grad_fn: Callable[..., Any],
        variables: List[Variable],
        arg_count: int,
        arg_positions: List[int],
        arg_meta: List[_Meta],
        out_meta: List[_Meta],
        out_count: int,
        out_positions: List[int],
    ) -> None:
        self.grad_fn = grad_fn
        self.variables = variables
        self.arg_count = arg_count
        self.arg_positions = arg_positions
        self.arg_meta = arg_meta
        self.out_meta = out_meta
        self.out_count = out_count
        self.out_positions = out_positions
        # The calling thread's tape stack and read hooks (lists changed in place).
        self.caller = _state.snapshot()

    def calling_thread_state(self) -> Any:
        """Run `grad_fn` with the tapes of the thread that called the function.

        torch runs the backward of CUDA ops on a device thread; the tapes (and read
        hooks) recording on the thread that computes the gradient live there, so
        that `grad_fn`'s ops and variable reads are recorded as in TF.
        """
        return _state.adopted(self.caller)

    def gradients(self, upstream: Sequence[Optional[torch.Tensor]]) -> List[Optional[torch.Tensor]]:
        """Call `grad_fn`; one gradient per Function input (args, then variables)."""
        result_grads: List[Any] = [None] * self.out_count
        for position, meta, grad in zip(self.out_positions, self.out_meta, upstream):
            if grad is None:
                grad = meta.zeros()
            elif meta.eager:
                grad = as_eager(grad)
            result_grads[position] = grad
        if self.variables:
            input_grads, variable_grads = self.grad_fn(*result_grads, variables=self.variables)
            variable_grads = list(variable_grads)
            if len(variable_grads) != len(self.variables):
                raise ValueError(
                    "Must return gradient for each variable from @custom_gradient grad_fn."
                )
        else:
            input_grads = self.grad_fn(*result_grads)
            variable_grads = []
        flat_grads = _structure.flatten(input_grads)
        if len(flat_grads) != self.arg_count:
            raise ValueError(
                f"custom_gradient function expected to return {self.arg_count} "
                f"gradients, but returned {len(flat_grads)} instead."
            )
        grads = [meta.convert(flat_grads[i]) for i, meta in zip(self.arg_positions, self.arg_meta)]
        for variable, grad in zip(self.variables, variable_grads):
            grads.append(_Meta(variable).convert(grad))
        return grads


class _CustomGradientFunction(torch.autograd.Function):
    """Identity on the results of a `custom_gradient` function; backward is `grad_fn`.

    Inputs: the spec, the argument tensors, the variable reads, then the results
    (detached). Outputs: the results, as views of those inputs.
    """

    @staticmethod
    def forward(ctx: Any, spec: _Spec, *tensors: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        ctx.spec = spec
        ctx.set_materialize_grads(False)
        return tuple(tensors[len(tensors) - len(spec.out_positions):])

    @staticmethod
    def backward(ctx: Any, *upstream: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        spec: _Spec = ctx.spec
        with spec.calling_thread_state():
            grads = spec.gradients(upstream)
        return (None, *grads, *([None] * len(spec.out_positions)))

    @staticmethod
    def jvp(ctx: Any, *tangents: Optional[torch.Tensor]) -> Tuple[Optional[torch.Tensor], ...]:
        spec: _Spec = ctx.spec
        out_tangents = tangents[len(tangents) - len(spec.out_positions):]
        # Outputs are inputs returned as-is, so their tangents must be views too.
        return tuple(None if t is None else t.view_as(t) for t in out_tangents)


def grad_pass_through(f: Callable[..., Any]) -> Callable[..., Any]:
    """`f` whose gradient is the identity: each input gets the incoming gradient as if
    `f` were not there (a straight-through estimator; Variables `f` uses get none).

    >>> import tftape_torch as tf
    >>> x = tf.constant([1.4, 2.6])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = tf.grad_pass_through(tf.round)(x) * 3.0
    >>> print(tape.gradient(y, x))
    tf.Tensor([3. 3.], shape=(2,), dtype=float32)
    """

    @custom_gradient
    def passed_through(*args: Any, **kwargs: Any) -> Any:
        def grad(*upstream: Any, variables: Any = None) -> Any:
            if variables is not None:
                return upstream, [None] * len(variables)
            return upstream

        return f(*args, **kwargs), grad

    return functools.wraps(f)(passed_through)


def recompute_grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """`f` that keeps none of its intermediate results for the backward pass: the
    gradient runs `f` again under a tape of its own (gradient checkpointing, to save
    memory). Gradients, second-order ones included, and Variables `f` reads are as
    without it.

    >>> import tftape_torch as tf
    >>> square = tf.recompute_grad(lambda v: v * v)
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = square(x)
    >>> print(tape.gradient(y, x))
    tf.Tensor(6.0, shape=(), dtype=float32)
    """
    from tftape_torch._array_ops import identity
    from tftape_torch._tape import GradientTape
    from tftape_torch._unconnected import UnconnectedGradients

    @custom_gradient
    def recomputed(*args: Any, **kwargs: Any) -> Any:
        with torch.no_grad():  # nothing kept: the gradient runs `f` again
            result = f(*args, **kwargs)

        def grad(*upstream: Any, variables: Any = None) -> Any:
            building = torch.is_grad_enabled()
            # torch runs a backward pass with grad mode off unless it builds a graph
            # of the gradients itself; this tape must record the recomputation.
            with torch.enable_grad(), GradientTape() as tape:
                inputs = [identity(a) if isinstance(a, torch.Tensor) else a for a in args]
                tape.watch([a for a in inputs if isinstance(a, torch.Tensor)])
                if variables:
                    tape.watch(list(variables))
                again = f(*inputs, **kwargs)
            sources = [a for a in inputs if isinstance(a, torch.Tensor)] + list(variables or [])
            grads = tape.gradient(again, sources, output_gradients=list(upstream),
                                  unconnected_gradients=UnconnectedGradients.ZERO)
            if not building:  # a first-order pass: return plain values
                grads = [g.detach() for g in grads]
            count = len(sources) - len(variables or [])
            if variables is not None:
                return grads[:count], grads[count:]
            return grads[:count]

        return result, grad

    return functools.wraps(f)(recomputed)
