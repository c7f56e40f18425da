"""`ForwardAccumulator`: TensorFlow's forward-mode autodiff on `torch.autograd.forward_ad`.

TF's accumulator watches *existing* tensors: ops run on them while it is active get
JVPs, and `acc.jvp(t)` looks a JVP up by tensor, also after the `with` block. torch's
forward AD instead wants the user to compute with new dual tensors. The bridge:

* While active, the accumulator holds a torch dual level and a `TorchFunctionMode`
  (scoped like `torch.no_grad`, on this thread only). The mode replaces each watched
  tensor an op reads by a dual view of it (`make_dual`, which keeps the view attached
  to the backward graph) and records the tangent of every output that has one, keyed
  weakly by the output, so `jvp` still answers after the level has been closed.
  Results the mode cannot see are recorded by hooks: gradients a tape computes
  (a gradient hook in `_state`) and `custom_gradient` results (`note_outputs`).
* A `Variable` primal gets its tangent through the variable read hook
  (a read hook in `_state`): every read while the accumulator is active is a dual.
* Closing the level drops every tangent torch holds, so ops after the block carry no
  JVP, as in TF. Re-entering opens a new level; tensors whose JVP was recorded before
  are watched again with that JVP.
* Gradient tapes nest both ways: a tape inside the accumulator computes gradients of
  dual tensors, and torch propagates the tangents through the backward pass
  (forward-over-backward, Hessian-vector products); a tape that was recording when
  the accumulator was entered records the tangent computations, so
  `tape.gradient(acc.jvp(y), x)` works (backward-over-forward). As in TF, a tape
  entered inside the accumulator does not see them (their JVPs come back detached).

Limits: torch's forward AD has one dual level at a time in the process, so
accumulators do not nest in one another (TF's do, for higher-order JVPs); a tape that
is entered inside the accumulator while one outside also records sees the JVP
computations too.

Why nesting is out of reach on torch 2.13: `enter_dual_level` refuses a second level
("Nested forward mode AD is not supported at the moment", forward_grad.cpp), and
`make_dual` on a dual of another level is refused as well. functorch nests `jvp`
only as a function transform: each level wraps its inputs in `TensorWrapper`s and
unwraps its outputs when the function returns, reusing dual level 0 inside. An
accumulator watches tensors the user already holds and hands back results that
outlive the block, so its results would be wrappers of a dead level, outside every
tape. What would work is TF's own construction (a JVP as the transpose of a
vector-Jacobian product, computed by two reverse passes with `create_graph`, which
the outer level's tangents flow through); it needs the inner accumulator to record
a backward graph like a tape, which this class does not do.

>>> import torch
>>> from tftape_torch import autodiff
>>> x = torch.tensor([1.0, 2.0])
>>> with autodiff.ForwardAccumulator(x, torch.tensor([1.0, 0.0])) as acc:
...     y = x * x
>>> acc.jvp(y)
tensor([2., 0.])
"""

from __future__ import annotations

import functools
import warnings
import weakref
from typing import Any, Callable, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.autograd.forward_ad as fwAD
from torch.overrides import TorchFunctionMode

from tftape_torch import _state, _structure
from tftape_torch._op_kinds import IN_PLACE, READ, SETTERS, kind_of
from tftape_torch._tensor import EagerTensor, as_eager
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    below_autograd,
    finding_gradient_edge,
    is_zerotensor,
    make_dual,
    tangent_of,
)
from tftape_torch._unconnected import UnconnectedGradients, zeros
from tftape_torch._variable import Variable

__all__ = ["ForwardAccumulator"]


# Window numbers with a special meaning in the JVP table.
_ALWAYS = -1  # a primal: every window reads it as a dual
_NEVER = -2  # a non-floating primal: its tangent is kept but never propagated

# Calls whose tensor arguments are graph handles, not values: never dualized.
_NO_SUBSTITUTION = frozenset({torch.autograd.grad, torch.autograd.backward})
# `t.view_as(t)` is how `torch.autograd.graph.get_gradient_edge` finds a leaf's
# accumulator; a dual view there would hand the tape the wrong edge.
_VIEW_AS = torch.Tensor.view_as
def note_outputs(tensors: Sequence[Any]) -> None:
    """Records the tangents of `tensors` made by code the accumulator's mode cannot see.

    (`torch.autograd.Function.apply` does not dispatch through torch-function modes.)
    """
    accumulators = _state.THREAD.accumulators
    if accumulators:
        accumulators[-1]._capture(list(tensors))


class _Entry:
    __slots__ = ("ref", "tangent", "window")

    def __init__(self, ref: Any, tangent: torch.Tensor, window: int) -> None:
        self.ref = ref
        self.tangent = tangent
        self.window = window


class ForwardAccumulator:
    """Computes Jacobian-vector products ("JVP"s) using forward-mode autodiff.

    `primals` are the tensors (or `Variable`s) to watch and `tangents` the vector
    that right-multiplies the Jacobian, one tangent per primal, of the same shape.
    Ops run on watched tensors while the accumulator is active compute their JVPs
    alongside; `jvp` fetches them, during or after the `with` block.

    >>> import tftape_torch as tf
    >>> x = tf.constant([[2.0, 3.0], [1.0, 4.0]])
    >>> w = tf.constant([[1.0], [-1.0]])
    >>> with tf.autodiff.ForwardAccumulator(w, tf.constant([[1.0], [0.0]])) as acc:
    ...     y = tf.matmul(x, w)
    >>> print(acc.jvp(y))
    tf.Tensor(
    [[2.]
     [1.]], shape=(2, 1), dtype=float32)

    Forward-over-backward Hessian-vector product:

    >>> v = tf.Variable([1.0, 2.0])
    >>> with tf.autodiff.ForwardAccumulator(v, tf.constant([1.0, 0.0])) as acc:
    ...     with tf.GradientTape() as tape:
    ...         y = tf.reduce_sum(v ** 3.0)
    ...     backward = tape.gradient(y, v)
    >>> print(backward)
    tf.Tensor([ 3. 12.], shape=(2,), dtype=float32)
    >>> print(acc.jvp(backward))
    tf.Tensor([6. 0.], shape=(2,), dtype=float32)

    Args:
      primals: a tensor, `Variable` or nested structure of them, each listed once.
      tangents: the same structure, one tensor (or value convertible to one) per
        primal, with the primal's shape and dtype.

    Raises:
      ValueError: if a primal is listed twice, if `tangents` does not have the
        structure of `primals`, or a tangent's dtype or shape does not match.
      TypeError: if the structures differ only in their sequence types.
    """

    def __init__(self, primals: Any, tangents: Any) -> None:
        self._recording = False
        self._level: Optional[int] = None
        self._window = 0
        self._table: Dict[int, _Entry] = {}
        self._mode: Optional[_JVPMode] = None
        self._outer_tapes: Tuple[Any, ...] = ()
        self._hooks: Tuple[_state.Handle, ...] = ()
        self._self_ref = weakref.ref(self)
        seen = set()
        for primal in _structure.flatten(primals):
            if id(primal) in seen:
                # TF 2.21's text word for word, its unfilled "{}" included
                # (tensorflow/python/eager/forwardprop.py never formats it).
                raise ValueError(
                    "Tensor {} was specified as a primal multiple times. This may "
                    "indicate an error. If it was intended, please sum the "
                    "corresponding tangents."
                )
            seen.add(id(primal))
        _assert_same_structure(primals, tangents)
        for primal, tangent in zip(_structure.flatten(primals), _structure.flatten(tangents)):
            self._watch(primal, tangent)

    @property
    def level(self) -> Optional[int]:
        """The torch dual level of this accumulator while it is active, else None."""
        return self._level

    # ------------------------------------------------------------------ watching

    def _watch(self, primal: Any, tangent: Any) -> None:
        if not isinstance(primal, torch.Tensor):
            raise AttributeError(f"'{type(primal).__name__}' object has no attribute 'dtype'")
        floating = primal.is_floating_point() or primal.is_complex()
        if not floating:
            warnings.warn(
                "The dtype of the watched primal must be floating (e.g. tf.float32), "
                f"got {_tf_dtype_name(primal.dtype)}",
                stacklevel=3,
            )
        tangent = _convert_tangent(tangent, primal)
        with _DisableSubclass():  # the value's size (a Variable's `shape` may hold None)
            primal_size = torch.Tensor.size(primal)
        if tuple(tangent.shape) != tuple(primal_size):
            raise ValueError(
                f"The tangent for a primal of shape {_shape_str(primal.shape)} has shape "
                f"{_shape_str(tangent.shape)}; ForwardAccumulator needs the same shape."
            )
        self._store(primal, tangent, _ALWAYS if floating else _NEVER)

    def _store(self, tensor: torch.Tensor, tangent: torch.Tensor, window: int) -> None:
        key = id(tensor)
        old = self._table.get(key)
        if old is not None and old.ref() is tensor:
            if old.window == _ALWAYS:
                return  # a primal's tangent stays the one it was given
            old.tangent, old.window = tangent, window
            return
        ref = weakref.ref(tensor, functools.partial(_forget, self._self_ref, key))
        self._table[key] = _Entry(ref, tangent, window)

    def _forget_key(self, key: int, ref: Any) -> None:
        entry = self._table.get(key)
        if entry is not None and entry.ref is ref:
            del self._table[key]

    def _lookup(self, tensor: torch.Tensor) -> Optional[_Entry]:
        entry = self._table.get(id(tensor))
        if entry is not None and entry.ref() is tensor:
            return entry
        return None

    # ------------------------------------------------------------------ context

    def __enter__(self) -> ForwardAccumulator:
        if self._recording:
            raise ValueError("Accumulator is already recording.")
        try:
            level = fwAD.enter_dual_level()
        except RuntimeError as error:
            raise NotImplementedError(
                "ForwardAccumulators cannot be nested (nor entered inside "
                "torch.autograd.forward_ad.dual_level): torch's forward-mode AD has "
                "one level at a time."
            ) from error
        self._level = level
        # Tapes recording now are "outside" the accumulator: they record its JVP
        # computations (backward-over-forward). Tapes entered later do not, as in TF.
        self._outer_tapes = tuple(_state.recording_tapes())
        # Entries recorded in earlier windows (and primals) are dualized again when read.
        self._window += 1
        self._mode = _JVPMode(self)
        self._mode.__enter__()
        self._hooks = (
            _state.add_read_hook(self._read_hook),
            _state.add_gradient_hook(self._capture),
        )
        _state.push_accumulator(self)
        self._recording = True
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if not self._recording:
            return
        self._recording = False
        self._outer_tapes = ()
        _state.pop_accumulator(self)
        for handle in self._hooks:
            handle.remove()
        self._hooks = ()
        mode, self._mode = self._mode, None
        try:
            if mode is not None:
                mode.__exit__(*exc_info)
        finally:
            fwAD.exit_dual_level(level=self._level)
            self._level = None

    # ------------------------------------------------------------------ propagation

    def _dual(self, tensor: torch.Tensor, entry: _Entry, level: int) -> torch.Tensor:
        with _DisableSubclass():
            dual = make_dual(tensor, entry.tangent, level)
        if isinstance(tensor, EagerTensor):
            dual.__class__ = EagerTensor  # fresh: re-typed in place (NOTE: [Fresh results])
        return dual

    def _substitute(self, value: Any) -> Any:
        """`value` with every watched tensor that is not a dual yet replaced by one."""
        level = self._level
        if level is None:
            return value
        if isinstance(value, torch.Tensor):
            entry = self._table.get(id(value))
            if (
                entry is None
                or entry.window == self._window
                or entry.window == _NEVER
                or isinstance(value, Variable)  # the read hook handles variables
                or entry.ref() is not value
            ):
                return value
            return self._dual(value, entry, level)
        if type(value) in (list, tuple):
            items = [self._substitute(item) for item in value]
            if any(new is not old for new, old in zip(items, value)):
                return type(value)(items)
        return value

    def _capture(self, out: Any) -> None:
        """Remember the tangent of every tensor in `out` that has one."""
        level = self._level
        if level is None:
            return
        if isinstance(out, torch.Tensor):
            with _DisableSubclass():
                tangent = tangent_of(out, level)
            if tangent is not None:
                self._store(out, self._visible(tangent), self._window)
        elif isinstance(out, (list, tuple)):
            for item in out:
                if isinstance(item, torch.Tensor):
                    self._capture(item)

    def _visible(self, tangent: torch.Tensor) -> torch.Tensor:
        """`tangent` with its backward graph only if a tape outside records it.

        torch records the tangent computation on every tape recording at the time;
        in TF only tapes entered before the accumulator do.
        """
        if tangent.requires_grad and not any(t.recording for t in self._outer_tapes):
            with _DisableSubclass():
                return torch.Tensor.detach(tangent)
        return tangent

    def _read_hook(self, variable: Variable, value: torch.Tensor) -> torch.Tensor:
        entry = self._lookup(variable)
        if entry is None or entry.window == _NEVER or self._level is None:
            return value
        with _DisableSubclass():
            dual = make_dual(value, entry.tangent, self._level)
        # Fresh, so re-typed in place (NOTE: [Fresh results] in `_tensor`): the object
        # `read_value()` returns is the one whose JVP is recorded here.
        dual.__class__ = EagerTensor
        self._store(dual, entry.tangent, self._window)
        return dual

    # ------------------------------------------------------------------ results

    def jvp(
        self,
        primals: Any,
        unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
    ) -> Any:
        """Fetches the Jacobian-vector product computed for `primals`.

        Performs no computation: looks up the JVP computed while the accumulator
        was active, during or after the `with` block.

        Args:
          primals: a watched tensor, or a nested structure of tensors.
          unconnected_gradients: `"none"` (the default) returns `None` for a tensor
            without a JVP, `"zero"` returns zeros shaped like it.

        Returns:
          Tensors in the structure of `primals`: the JVPs, or `None`.
        """
        unconnected = UnconnectedGradients(unconnected_gradients)

        def fetch(tensor: Any) -> Optional[torch.Tensor]:
            if not isinstance(tensor, torch.Tensor):
                raise AttributeError(f"'{type(tensor).__name__}' object has no attribute '_id'")
            result: Optional[torch.Tensor] = None
            entry = self._lookup(tensor)
            if entry is not None:
                result = entry.tangent
            elif self._level is not None and not isinstance(tensor, Variable):
                with _DisableSubclass():
                    result = tangent_of(tensor, self._level)
                if result is not None:
                    result = self._visible(result)
            if result is not None:
                with _DisableSubclass():
                    if is_zerotensor(result):  # an ordinary tensor, as in `_tape._compute`
                        result = torch.Tensor.clone(result)
            if result is None and unconnected is UnconnectedGradients.ZERO:
                with _DisableSubclass():
                    size = torch.Tensor.size(tensor)
                return zeros(size, tensor.dtype, tensor.device, tensor)
            if result is not None and isinstance(tensor, EagerTensor):
                result = as_eager(result)
            return result

        return _structure.map_structure(fetch, primals)

    def __repr__(self) -> str:
        state = "recording" if self._recording else "idle"
        return f"<tftape_torch.autodiff.ForwardAccumulator {state}>"


ForwardAccumulator.__module__ = "tftape_torch.autodiff"


class _JVPMode(TorchFunctionMode):
    """Dualizes watched tensors going into ops and records tangents coming out."""

    def __init__(self, accumulator: ForwardAccumulator) -> None:
        super().__init__()
        self._accumulator = accumulator

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Sequence[type],
        args: Sequence[Any] = (),
        kwargs: Optional[Dict[str, Any]] = None,
    ) -> Any:
        accumulator = self._accumulator
        if below_autograd():
            # Python decompositions torch runs inside an op's forward-AD formula (or
            # inside the backward pass): internal values, not the user's ops.
            return func(*args, **(kwargs or {}))
        kind = kind_of(func)
        if kind == READ:
            if func not in _NO_SUBSTITUTION and not _finds_edge(func, args):
                args = accumulator._substitute(tuple(args))
                if kwargs:
                    kwargs = {key: accumulator._substitute(v) for key, v in kwargs.items()}
        elif kind == IN_PLACE and args and getattr(func, "__name__", "") not in SETTERS:
            # `y.mul_(x)`: `y` is written in place, `x` is read.
            args = (args[0], *accumulator._substitute(tuple(args[1:])))
            if kwargs:
                kwargs = {key: accumulator._substitute(v) for key, v in kwargs.items()}
        out = func(*args, **(kwargs or {}))
        if accumulator.level is not None:
            accumulator._capture(out)
        return out


# ---------------------------------------------------------------------- helpers


def _finds_edge(func: Any, args: Sequence[Any]) -> bool:
    """Whether this is `torch.autograd.graph`'s `t.view_as(t)` looking for `t`'s edge."""
    if func is not _VIEW_AS or len(args) != 2 or args[0] is not args[1]:
        return False
    return finding_gradient_edge(2)


def _forget(accumulator_ref: Any, key: int, ref: Any) -> None:
    accumulator = accumulator_ref()
    if accumulator is not None:
        accumulator._forget_key(key, ref)


def _convert_tangent(tangent: Any, primal: torch.Tensor) -> torch.Tensor:
    if isinstance(tangent, Variable):
        tangent = tangent.read_value()
    if isinstance(tangent, torch.Tensor):
        if tangent.dtype != primal.dtype:
            raise ValueError(
                f"Tensor conversion requested dtype {_tf_dtype_name(primal.dtype)[3:]} for "
                f"Tensor with dtype {_tf_dtype_name(tangent.dtype)[3:]}: {tangent!r}"
            )
        if tangent.device != primal.device:
            tangent = tangent.to(primal.device)
        return tangent
    if tangent is None:
        raise ValueError(
            "Attempt to convert a value (None) with an unsupported type "
            "(<class 'NoneType'>) to a Tensor."
        )
    with _DisableSubclass():
        return torch.as_tensor(np.asarray(tangent), device=primal.device).to(primal.dtype)


def _assert_same_structure(a: Any, b: Any) -> None:
    """TF's `nest.assert_same_structure` (with types checked) for two structures."""

    def fail(error: type) -> None:
        raise error(
            "The two structures don't have the same nested structure.\n\n"
            f"First structure: type={type(a).__name__} str={a!r}\n\n"
            f"Second structure: type={type(b).__name__} str={b!r}"
        )

    def walk(x: Any, y: Any) -> None:
        nested_x, nested_y = _structure.is_nested(x), _structure.is_nested(y)
        if nested_x != nested_y:
            fail(ValueError)
        if not nested_x:
            return
        if isinstance(x, dict) or isinstance(y, dict):
            if not (isinstance(x, dict) and isinstance(y, dict)):
                fail(TypeError)
            if sorted(x) != sorted(y):
                fail(ValueError)
            for key in x:
                walk(x[key], y[key])
            return
        if len(x) != len(y):
            fail(ValueError)
        if type(x) is not type(y):
            fail(TypeError)
        for item_x, item_y in zip(x, y):
            walk(item_x, item_y)

    walk(a, b)


def _shape_str(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def _tf_dtype_name(dtype: torch.dtype) -> str:
    return "tf." + str(dtype).replace("torch.", "")
