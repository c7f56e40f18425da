"""`GradientTape`: TensorFlow's tape semantics on top of torch.autograd.

This module is over 800 lines because it is one class: TF's public `GradientTape`,
whose methods (with TF-docs docstrings and examples, about a third of the file) share
its recording state. Flag bookkeeping (`_flips`), TF's recording rule over torch's
graph (`_pruning`), argument handling (`_gradient_arguments`) and jacobians
(`_jacobian`) live in their own modules.

>>> import torch
>>> from tftape_torch import GradientTape
>>> x = torch.tensor(3.0)
>>> with GradientTape() as tape:
...     tape.watch(x)
...     y = x * x
>>> tape.gradient(y, x)
tensor(6.)
"""

from __future__ import annotations

import contextlib
import math
import warnings
import weakref
from typing import Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

import torch
from torch.autograd.graph import GradientEdge, get_gradient_edge

from tftape_torch import _jacobian, _state, _structure
from tftape_torch._batched_backward import run as own_batched_backward
from tftape_torch._batched_forward import run as own_batched_forward
from tftape_torch._data_parallel import active as data_parallel_active
from tftape_torch._data_parallel import backward as data_parallel_backward
from tftape_torch._flips import FLIPS, LOCK, flip, flipped_before, leaf_edge, restore
from tftape_torch._gradient_arguments import (
    SINGLE_TENSOR_TYPES,
    as_structure,
    check_sources,
    check_targets,
    fill_unconnected,
    flatten_sources,
    output_gradient_seeds,
    raise_bad_source,
    warn_not_floating,
    watched_components,
)
from tftape_torch._indexed_slices import IndexedSlices, sparse_gradient
from tftape_torch._keras import adopt_keras, keras_unadopted
from tftape_torch._pruning import (
    DeviceBackward,
    RecordedView,
    all_recorded,
    derives_from_watched,
    device_made_numbers,
    prune_unrecorded,
    recorded_nodes,
)
from tftape_torch._recorded_ops import recorded_constant, without_gradient
from tftape_torch._recorded_pass import recorded_backward
from tftape_torch._tensor import EagerTensor, as_eager
from tftape_torch._torch_internals import (
    LEAF_SEQUENCE_NR as _LEAF_SEQUENCE_NR,
)
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    grad_fn_of as _GRAD_FN,
)
from tftape_torch._torch_internals import (
    is_cpu_of,
    is_freed_graph_error,
    is_modified_in_place_error,
    is_zerotensor,
    refcount,
)
from tftape_torch._torch_internals import (
    next_sequence_nr as _next_sequence_nr,
)
from tftape_torch._torch_internals import (
    requires_grad_of as _REQUIRES_GRAD,
)
from tftape_torch._unconnected import UnconnectedGradients, as_unconnected
from tftape_torch._variable import (
    ResourceVariable,
    Variable,
    creation_order,
    is_foreign_variable,
    storage_owner,
    variable_storage,
    watched_when_read,
)

__all__ = ["GradientTape", "UnconnectedGradients"]

# torch's own methods: a drop-in tensor's overrides are Python calls.
_IS_FLOATING = torch.Tensor.is_floating_point
_IS_COMPLEX = torch.Tensor.is_complex

# NOTE: [Recording windows]
# torch records every op on tensors that require grad; a TF tape records only the ops
# run *while it records*. We bridge the two with autograd sequence numbers: every graph
# node gets a thread-local, increasing number when it is created, and a tape notes the
# number at which each of its recording windows opens and closes. A node is "on the
# tape" when its number falls inside one of the tape's windows.
#
# * Watching a plain tensor flips `requires_grad` on for the tape's life and captures
#   its gradient edge (`_flips`); the flag is restored when the last tape that flipped
#   it stops recording, so ops after the tape are not recorded.
# * When the graph below a target may hold nodes the tape did not record (ops before a
#   `reset()`, inside `stop_recording()`, before the tape watched a tensor that already
#   had history), the tape is *dirty*: `gradient()` walks the recorded part of the
#   graph and puts a pruning pre-hook on every unrecorded node it meets (`_pruning`),
#   so gradient stops there as it does in TF. Clean tapes (the common case) skip it.
# * TF records an op only if an input was watched *before* it ran: a tape notes the
#   sequence number at which it watched each tensor, leaf or intermediate, and the
#   pruning walk compares it with the consumer's number.
# * Threads: sequence numbers count per thread and torch does not expose the thread
#   that created a node, so windows mean something only for the tape's own thread.
#   The `requires_grad` flag, though, is process-wide: a tape that lets go of a flip
#   another tape (maybe on another thread) still holds keeps the leaf's gradient edge
#   at that moment, so its `gradient()` never depends on the flag staying on; and a
#   flip joined from another thread always counts as recorded on (`_flips`). Drop-in
#   ops on a thread whose tapes do not hold a flip see the tensor detached, so the
#   other thread's numbers never reach this tape's graph (NOTE: [Ops beside other
#   threads' tapes] in `_tensor`); core-API ops on plain tensors still can.
# * The backward of CUDA tensors runs on torch's thread for that device, so the nodes
#   a differentiable gradient (`create_graph`) makes there are numbered on that thread.
#   Each tape recording during such a pass keeps a `_pruning.DeviceBackward` record;
#   its pruning walk counts the pass's new nodes as made when the pass was called
#   (TF records gradient ops run while a tape records), and each returned gradient
#   gets a `view_as` node numbered on the caller's thread.
# * `create_graph` only while some tape is recording; `retain_graph` only for
#   persistent tapes, for differentiable gradients, and while another unspent tape
#   recorded the same ops. A non-persistent tape frees saved tensors at `gradient()`.

# Lists of weak references to tapes (`_overlaps`, a flip's `watchers`) grow by appends
# and drop dead entries once this long: most hold one or two.
_PRUNE_AT = 8

_SPENT_MESSAGE = (
    "A non-persistent GradientTape can only be used to compute one set of "
    "gradients (or jacobians)"
)
_NOT_RECORDING_MESSAGE = "Tape is not recording."
_PERSISTENT_IN_CONTEXT_WARNING = (
    "Calling GradientTape.gradient on a persistent tape inside its context is "
    "significantly less efficient than calling it outside the context (it causes "
    "the gradient ops to be recorded on the tape, leading to increased CPU and "
    "memory usage). Only call GradientTape.gradient inside the context if you "
    "actually want to trace the gradient in order to compute higher order "
    "derivatives."
)


def _typed_like_eager(source: Any) -> bool:
    """Whether a gradient for `source` is an `EagerTensor` (for the drop-in tensors,
    Variables and foreign variables; a plain tensor or Parameter gets a plain one)."""
    return type(source) is not torch.Tensor and (
        isinstance(source, EagerTensor) or is_foreign_variable(source))


class GradientTape:
    """Records operations for automatic differentiation.

    Operations run inside this context manager are recorded if at least one of
    their inputs is "watched": trainable `Variable`s read inside the context are
    watched automatically, tensors are watched with `watch`. `gradient` then
    computes gradients of recorded targets with respect to watched sources.

    >>> import tftape_torch as tf
    >>> x = tf.constant(3.0)
    >>> with tf.GradientTape() as g:
    ...     g.watch(x)
    ...     y = x * x
    >>> print(g.gradient(y, x))
    tf.Tensor(6.0, shape=(), dtype=float32)

    Nest tapes for higher-order derivatives:

    >>> with tf.GradientTape() as g:
    ...     g.watch(x)
    ...     with tf.GradientTape() as gg:
    ...         gg.watch(x)
    ...         y = x * x
    ...     dy_dx = gg.gradient(y, x)
    >>> print(g.gradient(dy_dx, x))
    tf.Tensor(2.0, shape=(), dtype=float32)

    Args:
      persistent: whether `gradient` (or `jacobian`) may be called more than once.
      watch_accessed_variables: whether trainable variables (and `torch` leaves
        that require grad, such as `nn.Parameter`s) read while the tape is active
        are watched automatically.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._recording = False
        self._entered = False
        self._spent = False
        self._dirty = False
        # [start, end) autograd sequence numbers; end is None while open.
        self._windows: List[List[Optional[int]]] = []
        # id -> (tensor, its gradient edge, or None for a leaf: its own input).
        self._watched: Dict[int, Tuple[torch.Tensor, Optional[GradientEdge]]] = {}
        self._flipped: List[int] = []
        self._flipped_subclass = False  # whether a flipped tensor is a tensor subclass
        # id -> sequence number at which an intermediate (non-leaf) was watched.
        self._watch_nr: Dict[int, int] = {}
        self._watched_variables: Dict[int, Variable] = {}
        self._variable_edges: Dict[int, List[torch.Tensor]] = {}  # alias leaves read
        # Tapes that recorded at the same time as this one (weak references),
        # which may still need the graph this tape would free.
        self._overlaps: List[weakref.ref[GradientTape]] = []
        # Differentiable backward passes run on autograd device threads while this
        # tape recorded (see `_pruning.DeviceBackward`).
        self._device_passes: List[DeviceBackward] = []

    @property
    def recording(self) -> bool:
        """Whether this tape is recording now (inside its `with` block, not stopped)."""
        return self._recording

    # ------------------------------------------------------------------ context

    def __enter__(self) -> GradientTape:
        if self._recording:
            raise ValueError(
                "Tape is still recording, This can happen if you try to re-enter "
                "an already-active tape."
            )
        if self._spent:  # TF starts a fresh tape when a spent one is re-entered.
            self._forget()
            self._spent = False
            self._windows = []
        self._entered = True
        if keras_unadopted():
            adopt_keras()
        self._push()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        now = _next_sequence_nr()
        windows = self._windows
        if windows and windows[-1][1] != now:
            self._dirty = True  # ops ran between two windows of this tape
        windows.append([now, None])
        stack = _state.THREAD.tapes
        if stack:
            mine = weakref.ref(self)
            for other in stack:
                other._note_overlap(mine)
                self._note_overlap(weakref.ref(other))
        self._recording = True
        if self._watched:
            for tensor, _ in list(self._watched.values()):
                self._flip(tensor)
        _state.push_tape(self)

    def _note_overlap(self, other: weakref.ref[GradientTape]) -> None:
        overlaps = self._overlaps
        if len(overlaps) >= _PRUNE_AT:  # a long-lived tape meets many: drop those gone
            overlaps = self._overlaps = [ref for ref in overlaps if ref() is not None]
        overlaps.append(other)

    def _pop(self) -> None:
        self._windows[-1][1] = _next_sequence_nr()
        self._recording = False
        _state.remove_tape(self)
        if self._flipped:
            if self._flipped_subclass:  # its `requires_grad` setter would dispatch
                with _DisableSubclass():
                    self._release_flips()
            else:
                self._release_flips()

    def _flip(self, tensor: torch.Tensor) -> None:
        """Make `tensor` require grad while this tape records."""
        with _DisableSubclass(), LOCK:
            self._flip_plain(tensor)

    def _flip_plain(self, tensor: torch.Tensor) -> None:
        flips = FLIPS
        record = flips.get(id(tensor))
        if record is None or record.tensor is not tensor:
            if _REQUIRES_GRAD(tensor):
                return  # the user's own leaf or graph: nothing to restore
            flip(tensor, self)  # this tape: the first owner and watcher
            self._flipped.append(id(tensor))
            if type(tensor) is not torch.Tensor:
                self._flipped_subclass = True
            return
        if self not in record.owners:
            record.join(self)
            self._flipped.append(id(tensor))
            if type(tensor) is not torch.Tensor:
                self._flipped_subclass = True
            watchers = record.watchers
            if len(watchers) >= _PRUNE_AT:  # drop tapes gone or spent (a repeat is harmless)
                watchers = record.watchers = [
                    ref for ref in watchers
                    if (tape := ref()) is not None and tape is not self and not tape._spent]
            watchers.append(weakref.ref(self))

    def _release_flips(self) -> None:
        """Let go of every flip this tape holds (torch functions off if one of them
        is a tensor subclass's)."""
        flips = FLIPS
        with LOCK:
            for key in self._flipped:
                record = flips.get(key)
                if record is None or self not in record.owners:
                    continue
                if record.leave(self):
                    # Other tapes keep the flag on and may let go of it on another
                    # thread at any moment: keep the leaf's edge now, while it is on.
                    known = self._watched.get(key)
                    if known is not None and known[0] is record.tensor and known[1] is None:
                        self._watched[key] = (record.tensor, leaf_edge(record))
                    continue
                edge = restore(record)
                if edge is not None:
                    # Graph was recorded on the leaf: its watchers keep its edge for
                    # `gradient()` now that the flag is off.
                    for ref in record.watchers:
                        tape = ref()
                        if tape is None:
                            continue
                        known = tape._watched.get(key)
                        if known is not None and known[0] is record.tensor:
                            tape._watched[key] = (record.tensor, edge)
            self._flipped = []
            self._flipped_subclass = False

    def _recorded(self, node: Any) -> bool:
        """Whether graph node `node` was created while this tape recorded."""
        nr = node._sequence_nr()
        for start, end in self._windows:
            if start <= nr and (end is None or nr < end):
                return True
        return False

    def _recorded_nr(self) -> Any:
        """`_recorded` on sequence numbers, for walking many nodes."""
        windows = [(start, end if end is not None else _LEAF_SEQUENCE_NR)
                   for start, end in self._windows]
        if len(windows) == 1:
            start, end = windows[0]
            return lambda nr: start <= nr < end
        return lambda nr: any(start <= nr < end for start, end in windows)

    # ------------------------------------------------------------------ watching

    def watch(self, tensor: Any) -> None:
        """Ensures that `tensor` is being traced by this tape.

        As in TF, this does nothing while no tape records on the calling thread
        (inside `stop_recording()` of the only tape, or after its context exited);
        while another tape records, this one watches `tensor` even if it is stopped.

        Args:
          tensor: a tensor, a `Variable`, a nested structure of them, or an
            `nn.Module` (its parameters).

        Raises:
          ValueError: if it encounters something that is not a tensor.
          AttributeError: if the tape was never entered, or is a used-up
            non-persistent tape (TF's error: it has no tape to watch with).
        """
        kind = type(tensor)
        if kind is torch.Tensor and self._entered and not self._spent:
            # The common case: one tensor, on a tape that is (or was) recording. A
            # plain tensor's raw reads need no switch of torch functions.
            if _IS_FLOATING(tensor) or _IS_COMPLEX(tensor):
                if _state.THREAD.tapes:
                    with LOCK:
                        self._watch_plain(tensor)
                return
        elif kind is EagerTensor and self._entered and not self._spent:
            with _DisableSubclass():
                if _IS_FLOATING(tensor) or _IS_COMPLEX(tensor):  # (raw: no drop-in method)
                    if _state.THREAD.tapes:
                        with LOCK:
                            self._watch_plain(tensor)
                    return
        for item in watched_components(as_structure(tensor)):
            foreign = is_foreign_variable(item)  # NOTE: [Foreign variables] in `_variable`
            if not foreign and (owner := storage_owner(item)) is not None:
                item, foreign = owner, True  # `watch(v.value)` of a Keras variable
            variable = foreign or isinstance(item, Variable)
            if not variable and not isinstance(item, torch.Tensor):
                raise ValueError(
                    f"Passed in object {item} of type '{type(item).__name__}', not "
                    "tf.Tensor or tf.Variable or ExtensionType."
                )
            if not self._entered or self._spent:
                # TF's tape object does not exist before `__enter__` or once used up.
                raise AttributeError("'NoneType' object has no attribute '_tape'")
            storage = variable_storage(item) if foreign else item
            with _DisableSubclass():
                inexact = _IS_FLOATING(storage) or _IS_COMPLEX(storage)
            if not inexact:
                warn_not_floating(storage.dtype)
                if not variable:
                    continue
            if not _state.THREAD.tapes:
                continue  # no tape records on this thread: TF's watch does nothing
            if variable:
                self._watched_variables.setdefault(id(item), item)
                _state.tapes_changed()
                continue
            self._watch_tensor(item)

    def _watch_tensor(self, tensor: torch.Tensor) -> None:
        with _DisableSubclass(), LOCK:
            self._watch_plain(tensor)

    def _watch_plain(self, tensor: torch.Tensor) -> None:
        known = self._watched.get(id(tensor))
        if known is not None and known[0] is tensor:
            return
        now = _next_sequence_nr()
        edge = None  # a leaf is its own input to the engine
        # TF records an op only on inputs watched before it ran (see `_pruning`).
        self._watch_nr[id(tensor)] = now
        if _REQUIRES_GRAD(tensor):
            record = FLIPS.get(id(tensor))
            if _GRAD_FN(tensor) is not None:
                # An intermediate with history: ops after it may predate the tape.
                if _GRAD_FN(tensor)._sequence_nr() + 1 != now:
                    self._dirty = True
                edge = get_gradient_edge(tensor)
            elif record is not None and record.tensor is tensor and (
                not record.untouched_since_flip() or flipped_before(tensor)
            ):
                # Ops another tape recorded (now or under an earlier flip) may hang
                # off this leaf: they are not on this tape.
                self._dirty = True
        elif flipped_before(tensor):
            self._dirty = True
        if self._recording:
            self._flip_plain(tensor)
        self._watched[id(tensor)] = (tensor, edge)

    # The interface Variables use (through `_state`) while this tape records.

    def wants(self, variable: Variable) -> bool:
        """Whether reading `variable` now should be recorded by this tape."""
        if self._watch_accessed_variables and watched_when_read(variable):
            return True
        return id(variable) in self._watched_variables

    def record_read(self, variable: Variable, alias: Optional[torch.Tensor]) -> None:
        """Note a read of `variable` as leaf `alias` (None for one without gradient)."""
        self._watched_variables.setdefault(id(variable), variable)
        if alias is not None:
            self._variable_edges.setdefault(id(variable), []).append(alias)

    def watched_variables(self) -> Tuple[Variable, ...]:
        """Variables watched by this tape, in the order they were created (as TF)."""
        return tuple(sorted(self._watched_variables.values(), key=creation_order))

    # ------------------------------------------------------------------ control

    @contextlib.contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Temporarily stops recording operations on this tape.

        Operations run inside this context manager are not recorded by this tape
        (other active tapes keep recording).

        >>> import tftape_torch as tf
        >>> x = tf.constant(4.0)
        >>> with tf.GradientTape() as tape:
        ...     tape.watch(x)
        ...     with tape.stop_recording():
        ...         y = x ** 2
        >>> print(tape.gradient(y, x))
        None

        Raises:
          RuntimeError: if the tape was never entered (or is spent).
          ValueError: if the tape is not currently recording.
        """
        if not self._entered or self._spent:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        if not self._recording:
            raise ValueError(_NOT_RECORDING_MESSAGE)
        self._pop()
        try:
            yield
        finally:
            if not self._recording:
                self._push()

    def reset(self) -> None:
        """Clears all information stored in this tape.

        Equivalent to exiting and re-entering the tape context manager with a new
        tape: what was recorded and watched before is forgotten.

        Raises:
          ValueError: if the tape is not currently recording.
        """
        if not self._recording:
            raise ValueError(_NOT_RECORDING_MESSAGE)
        self._pop()
        if _next_sequence_nr() != self._windows[0][0]:
            self._dirty = True
        self._forget()
        self._windows = []
        self._push()

    def _forget(self) -> None:
        self._device_passes = []
        self._watched = {}
        self._watch_nr = {}
        self._watched_variables = {}
        self._variable_edges = {}

    # ------------------------------------------------------------------ gradients

    def gradient(
        self,
        target: Any,
        sources: Any,
        output_gradients: Any = None,
        unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
    ) -> Any:
        """Computes the gradient using operations recorded in context of this tape.

        Args:
          target: a tensor or a nested structure of tensors to differentiate;
            several targets (or a non-scalar one) are summed.
          sources: a tensor, `Variable` or nested structure of them; an
            `nn.Module` stands for the dict of its named parameters and an
            iterator such as `model.parameters()` for a list.
          output_gradients: `None`, or gradients of some scalar with respect to
            each target (the "upstream" gradients), in `target`'s structure.
          unconnected_gradients: what to return for a source `target` does not
            depend on: `None` (the default) or zeros.

        Returns:
          Gradients in the structure of `sources`.

        Raises:
          RuntimeError: if called a second time on a non-persistent tape, or on a
            tape that was never entered.
        """
        self._begin_use()
        kind = type(target)
        if (
            output_gradients is None
            and unconnected_gradients is UnconnectedGradients.NONE
            and (kind is torch.Tensor or kind is EagerTensor)
            and ((kind := type(sources)) is torch.Tensor or kind is EagerTensor)
        ):
            # The common call, one tensor for one tensor: nothing to check or pack.
            self._consume()
            try:
                return sparse_gradient(self._compute((target,), (sources,))[0])
            finally:
                self._end_use()
        if target is None:
            raise TypeError(
                "Argument `target` should be a list or nested structure of Tensors, "
                "Variables or CompositeTensors to be differentiated, but received None."
            )
        # Every argument is checked before the tape is used up: a call that raises
        # leaves a non-persistent tape usable, as in TF.
        sources = as_structure(sources)
        flat_sources = flatten_sources(sources)
        flat_targets = flatten_sources(target)
        check_targets(flat_targets, first=True)  # TF's order: NOTE in `check_sources`
        check_sources(flat_sources, first=True)
        flat_output_gradients = output_gradient_seeds(output_gradients, flat_targets)
        unconnected = (
            UnconnectedGradients.NONE
            if unconnected_gradients is UnconnectedGradients.NONE
            else as_unconnected(unconnected_gradients)
        )
        check_targets(flat_targets)
        check_sources(flat_sources)
        self._consume()
        try:
            grads = self._compute(flat_targets, flat_sources, flat_output_gradients)
            grads = self._fill_unconnected(grads, flat_sources, unconnected)
            # A row gather's gradient is TF's IndexedSlices: NOTE: [Sparse gradients].
            grads = [sparse_gradient(grad) for grad in grads]
            if (type(sources) in SINGLE_TENSOR_TYPES or isinstance(sources, Variable)
                    or is_foreign_variable(sources)):
                return grads[0]
            if flat_sources is sources:
                return grads  # a flat list of tensors
            return _structure.pack_like(sources, grads)
        finally:
            self._end_use()

    def jacobian(
        self,
        target: Any,
        sources: Any,
        unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
        parallel_iterations: Optional[int] = None,
        experimental_use_pfor: bool = True,
    ) -> Any:
        """Computes the jacobian using operations recorded in context of this tape.

        Every row `gradient(target[i], sources)` is computed in one vectorized
        backward pass. Unless `persistent=True`, this uses up the tape like `gradient`.

        >>> import tftape_torch as tf
        >>> with tf.GradientTape() as g:
        ...     x = tf.constant([1.0, 2.0])
        ...     g.watch(x)
        ...     y = x * x
        >>> print(g.jacobian(y, x))
        tf.Tensor(
        [[2. 0.]
         [0. 4.]], shape=(2, 2), dtype=float32)

        Called inside an outer tape, the jacobian is differentiable; a Hessian:

        >>> x = tf.constant([1.0, 2.0])
        >>> with tf.GradientTape() as outer:
        ...     outer.watch(x)
        ...     with tf.GradientTape() as inner:
        ...         inner.watch(x)
        ...         y = tf.reduce_sum(x ** 3)
        ...     g = inner.gradient(y, x)
        >>> print(outer.jacobian(g, x))
        tf.Tensor(
        [[ 6.  0.]
         [ 0. 12.]], shape=(2, 2), dtype=float32)

        Args:
          target: the tensor to differentiate.
          sources: a tensor, `Variable` or nested structure of them.
          unconnected_gradients: what to return for a source `target` does not
            depend on: `None` (the default) or zeros.
          parallel_iterations: how many rows go through the graph together; bounds
            the memory used. `None` sends all rows at once.
          experimental_use_pfor: if False, computes the rows one at a time (needs
            a persistent tape).

        Returns:
          In the structure of `sources`, tensors of shape
          `target.shape + source.shape` (or `None`).

        Raises:
          RuntimeError: if called on a used non-persistent tape, or on a
            non-persistent tape with `experimental_use_pfor=False`.
          ValueError: if the vectorized computation fails (or for
            `parallel_iterations` below 2 with vectorization, as in TF).
        """
        self._check_usable()
        if isinstance(target, torch.Tensor):
            with _DisableSubclass():  # not the drop-in tensor's `TensorShape` property
                target_shape = tuple(torch.Tensor.size(target))
        else:
            target_shape = tuple(target.shape)  # TF's AttributeError for a non-tensor
        target = self._read_target(target)
        # TF refuses a row loop on a non-persistent tape before using it up; it checks
        # `parallel_iterations` only after the first row's gradient used the tape up.
        _jacobian.check_row_loop("jacobian", experimental_use_pfor, self._persistent)
        kind = type(sources)
        single = kind is torch.Tensor or kind is EagerTensor  # the common call: no structure
        if not single:
            sources = as_structure(sources)
        flat_sources = [sources] if single else _structure.flatten(sources)
        self._begin_use()
        unconnected = as_unconnected(unconnected_gradients)
        if not single:
            check_sources(flat_sources)
        self._consume()
        try:
            chunk = _jacobian.chunk_size(parallel_iterations, experimental_use_pfor, "jacobian")
            # TF's row loop calls `gradient` for each row, whose zeros read a Variable.
            row_zeros = (not experimental_use_pfor and unconnected is UnconnectedGradients.ZERO
                         and math.prod(target_shape) > 0)
            results = _jacobian.jacobian(
                self._rows_vjp, self._as_target(target, flat_sources), target_shape,
                flat_sources, UnconnectedGradients.NONE if row_zeros else unconnected, chunk,
                experimental_use_pfor, self._columns_jvp,
            )
            if row_zeros:
                results = self._fill_unconnected(results, flat_sources, unconnected,
                                                 target_shape)
            if experimental_use_pfor and _state.THREAD.tapes:
                _record_constants(results, target)
            for index, source in enumerate(flat_sources):
                if type(results[index]) is torch.Tensor and _typed_like_eager(source):
                    _retype_fresh(results, index)
            _hand_out(results)  # the rows went out unstacked: their JVPs are not these
            return results[0] if single else _structure.pack_like(sources, results)
        finally:
            self._end_use()

    def batch_jacobian(
        self,
        target: Any,
        source: Any,
        unconnected_gradients: Union[UnconnectedGradients, str] = UnconnectedGradients.NONE,
        parallel_iterations: Optional[int] = None,
        experimental_use_pfor: bool = True,
    ) -> Any:
        """Computes and stacks per-example jacobians.

        `target[i]` must depend only on `source[i]`. All per-example jacobians come
        from `prod(target.shape[1:])` backward passes run as one vectorized pass.

        >>> import tftape_torch as tf
        >>> with tf.GradientTape() as g:
        ...     x = tf.constant([[1., 2.], [3., 4.]])
        ...     g.watch(x)
        ...     y = x * x
        >>> print(g.batch_jacobian(y, x))
        tf.Tensor(
        [[[2. 0.]
          [0. 4.]]
        <BLANKLINE>
         [[6. 0.]
          [0. 8.]]], shape=(2, 2, 2), dtype=float32)

        Args:
          target: a tensor of shape `[b, y1, ..., yn]`.
          source: a tensor of shape `[b, x1, ..., xm]`.
          unconnected_gradients: with `"zero"`, zeros of the source's dtype for an
            unconnected source; by default zeros of the target's dtype (as TF).
          parallel_iterations: how many output columns go through the graph
            together; bounds the memory used.
          experimental_use_pfor: if False, computes the columns one at a time
            (needs a persistent tape).

        Returns:
          A tensor of shape `[b, y1, ..., yn, x1, ..., xm]`.

        Raises:
          RuntimeError: if called on a used non-persistent tape, or on a
            non-persistent tape with `experimental_use_pfor=False`.
          ValueError: if `target` or `source` has rank below 2 or their first
            dimensions differ.
        """
        self._check_usable()  # TF names a spent tape before looking at shapes
        if isinstance(target, IndexedSlices):  # (its shape is the dense one's)
            target = self._read_target(target)
        for value in (target, source):
            if not isinstance(value, torch.Tensor):  # TF reads `.shape.rank` of each
                raise AttributeError(
                    f"'{type(value).__name__}' object has no attribute 'rank' (`target` "
                    "and `source` of batch_jacobian must be tensors)"
                )
        with _DisableSubclass():  # not the drop-in tensor's `TensorShape` property
            shapes = tuple(torch.Tensor.size(target)), tuple(torch.Tensor.size(source))
        _jacobian.check_batch_shapes(*shapes)
        if isinstance(source, Variable) and _state.THREAD.tapes:
            source.read_for_op()  # TF's `shape(source)`, which tapes recording now see
        target = self._read_target(target)
        _jacobian.check_row_loop("batch_jacobian", experimental_use_pfor, self._persistent)
        self._begin_use()
        unconnected = as_unconnected(unconnected_gradients)
        self._consume()
        try:
            chunk = _jacobian.chunk_size(
                parallel_iterations, experimental_use_pfor, "batch_jacobian"
            )
            results = [_jacobian.batch_jacobian(
                self._rows_vjp, self._as_target(target, [source]), source, unconnected,
                chunk, experimental_use_pfor, self._columns_jvp,
            )]
            if experimental_use_pfor and _state.THREAD.tapes:
                _record_constants(results, target)
            if type(results[0]) is torch.Tensor and _typed_like_eager(source):
                _retype_fresh(results, 0)
            _hand_out(results)
            return results[0]
        finally:
            self._end_use()

    def _read_target(self, target: Any) -> Any:
        """`target` as TF's jacobians see it: a Variable read, an IndexedSlices made
        dense, with this tape recording (they reshape the target under
        `_ensure_recording`, before any other check).

        The read is what gets differentiated: connected to the Variable only if this
        tape watches it, explicitly or as a trainable Variable it reads
        (`watch_accessed_variables`), which the read itself makes it do.
        """
        slices = isinstance(target, IndexedSlices)
        if not slices and not isinstance(target, Variable):
            return target
        pushed = not self._recording
        if pushed:
            self._push()
        try:
            return target.__tf_tensor__() if slices else target.read_value()
        finally:
            if pushed:
                self._pop()

    def _as_target(self, target: Any, sources: Sequence[Any]) -> Any:
        """`target`, or a stand-in when it is a source this tape knows nothing about.

        TF differentiates a reshape of `target` recorded on the tape: for a tensor that
        is neither watched nor recorded that reshape is not recorded either, so the
        jacobian of such a tensor with respect to itself is unconnected, not the identity.
        """
        for source in sources:
            if target is source:
                break
        else:
            return target
        if self._watches(target):
            return target
        with _DisableSubclass():
            return torch.Tensor.detach(target)

    def _check_usable(self) -> None:
        """TF's RuntimeError for a spent non-persistent tape or one never entered."""
        if not self._entered or self._spent:
            raise RuntimeError(_SPENT_MESSAGE)

    def _begin_use(self) -> None:
        """Checks that the tape may compute gradients now; a non-persistent one stops
        recording (even if the call then fails, as in TF)."""
        self._check_usable()
        if self._recording:
            if not self._persistent:
                self._pop()
            else:
                warnings.warn(_PERSISTENT_IN_CONTEXT_WARNING, stacklevel=3)

    def _consume(self) -> None:
        """Uses up a non-persistent tape: call once every argument has been checked."""
        if not self._persistent:
            self._spent = True

    def _end_use(self) -> None:
        """Lets go of what a non-persistent tape held, once it has been used."""
        if not self._persistent:
            # TF still answers `watched_variables()` after a tape is spent.
            self._watched = {}
            self._variable_edges = {}
            self._overlaps = []
            self._device_passes = []

    def _fill_unconnected(
        self,
        grads: List[Optional[torch.Tensor]],
        sources: Sequence[Any],
        unconnected: UnconnectedGradients,
        rows: Optional[Tuple[int, ...]] = None,
    ) -> List[Optional[torch.Tensor]]:
        """`grads` with zeros for unconnected sources when `unconnected` is ZERO.

        TF builds those zeros with `zeros_like(source)`, which reads a Variable source:
        while tapes record (a persistent tape used inside its context), they see that
        read as any other, so the Variable becomes watched, and the zeros are a result
        they recorded (gradients with respect to them exist; NOTE: [TF's gradient
        conventions] in `_kernels`). With `rows` (a jacobian's row loop, one
        `gradient` per row of a target of that shape) the Variables are read the same
        way and the zeros are `rows + source.shape`.
        """
        if unconnected is UnconnectedGradients.NONE:
            return grads
        if rows is not None:
            reads: List[Any] = [None] * len(grads)
            for index, (grad, source) in enumerate(zip(grads, sources)):
                if grad is None and _state.THREAD.tapes:
                    if isinstance(source, Variable):
                        reads[index] = source.read_for_op()
                    elif is_foreign_variable(source):
                        source.value  # noqa: B018 - the library's read, which tapes see
                    else:
                        reads[index] = source
            filled = _jacobian.fill_unconnected_rows(grads, sources, rows)
            for index, (read, zeros_rows) in enumerate(zip(reads, filled)):
                if isinstance(read, torch.Tensor) and zeros_rows is not None:
                    # each row's zeros_like(source), stacked
                    filled[index] = recorded_constant(zeros_rows, read)
            return filled
        if _state.THREAD.tapes:
            grads = list(grads)
            for index, (grad, source) in enumerate(zip(grads, sources)):
                if grad is not None:
                    continue
                if is_foreign_variable(source) and not isinstance(source, Variable):
                    source.value  # noqa: B018 - the library's read, which tapes see
                    continue
                read = source.read_for_op() if isinstance(source, Variable) else source
                if isinstance(read, torch.Tensor) and read.requires_grad:
                    grads[index] = as_eager(without_gradient(torch.zeros_like)(read))
        return fill_unconnected(grads, sources, unconnected)

    def _compute(
        self,
        targets: Sequence[Any],
        sources: Sequence[Any],
        output_gradients: Optional[Sequence[Any]] = None,
        *,
        is_grads_batched: bool = False,
        retain_graph: Optional[bool] = None,
        create_graph: bool = False,
        retype: bool = True,
        own_rules: bool = False,
        per_example: bool = False,
    ) -> List[Optional[torch.Tensor]]:
        """Gradients of the sum of `targets` with respect to each of `sources`.

        One `torch.autograd.grad` call over the recorded graph; `None` where a
        source is unconnected. With `is_grads_batched`, every output gradient has
        a leading batch dimension, and so has every result. `create_graph` records
        the gradients' own graph even when no tape is recording (`jacobian`'s
        forward-over-reverse columns). Without `retype`, gradients stay plain
        tensors (a jacobian's rows: the tape re-types the stacked result). With
        `own_rules`, a batched pass runs by `_batched_backward`'s rules where they
        cover the graph (NOTE [Own batching rules] there), with `per_example` (seeds
        that are every row of one target's identity) example by example where it can
        (NOTE [Per-example rows] in `_batched_examples`).
        """
        options = (retain_graph, create_graph, is_grads_batched, own_rules, per_example)
        results = self._pass(targets, sources, output_gradients, options)
        _ordinary_zeros(results)
        if retype:
            for index, source in enumerate(sources):
                if type(results[index]) is torch.Tensor and _typed_like_eager(source):
                    _retype_fresh(results, index)
        _hand_out(results)
        return results

    def _single_edge(self, target: Any, source: Any) -> Optional[List[Any]]:
        """The one engine input of `source`, when `target` is a recorded tensor (not
        `source` itself) and `source` is reached by exactly one edge: the common call,
        which `_pass` sends straight to the engine; else None."""
        if target is source or not isinstance(target, torch.Tensor):
            return None
        with _DisableSubclass():
            node = _GRAD_FN(target)
            if node is None or not self._recorded(node):
                return None
            edges = self._source_inputs(source)
        return edges if len(edges) == 1 else None

    def _pass(
        self,
        targets: Sequence[Any],
        sources: Sequence[Any],
        output_gradients: Optional[Sequence[Any]],
        options: Tuple[Optional[bool], bool, bool, bool, bool],
    ) -> List[Optional[torch.Tensor]]:
        """`_compute`'s gradients, plain tensors (None where a source is unconnected)."""
        if len(sources) == 1 and len(targets) == 1:
            # Most of a small `gradient()`'s or jacobian row's work besides the engine's.
            single = self._single_edge(targets[0], sources[0])
            if single is not None:
                with _DisableSubclass():
                    seed = (torch.ones_like(targets[0]) if output_gradients is None
                            else output_gradients[0])
                return [self._run_backward([targets[0]], single, [seed], *options)[0]]
        results: List[Optional[torch.Tensor]] = [None] * len(sources)
        edges: List[Any] = []  # GradientEdges and leaf tensors
        owners: List[int] = []
        outputs: List[torch.Tensor] = []
        upstream: List[torch.Tensor] = []
        with _DisableSubclass():
            for index, source in enumerate(sources):
                found = self._source_inputs(source)
                if found:
                    edges.extend(found)
                    owners.extend([index] * len(found))
            source_ids = {id(source) for source in sources}
            for position, target in enumerate(targets):
                seed = None if output_gradients is None else output_gradients[position]
                node = _GRAD_FN(target) if isinstance(target, torch.Tensor) else None
                through_graph = node is not None and self._recorded(node)
                if id(target) in source_ids:
                    # d(target)/d(target) is the seed: the engine captures it at the
                    # target's own edge when it has one; otherwise add it here.
                    for index, source in enumerate(sources):
                        if target is source and not (through_graph and index in owners):
                            results[index] = _add(results[index], _seed_like(target, seed))
                if not through_graph:
                    continue
                outputs.append(target)
                upstream.append(torch.ones_like(target) if seed is None else seed)

        if outputs and edges:
            grads = self._run_backward(outputs, edges, upstream, *options)
            for index, grad in zip(owners, grads):
                if grad is not None:
                    total = results[index]
                    results[index] = grad if total is None else total + grad
        return results

    def _run_backward(
        self,
        outputs: List[torch.Tensor],
        edges: List[Any],
        upstream: List[torch.Tensor],
        retain_graph: Optional[bool],
        create_graph: bool,
        is_grads_batched: bool,
        own_rules: bool,
        per_example: bool = False,
    ) -> Sequence[Optional[torch.Tensor]]:
        """The engine pass of `_compute`: one gradient per edge (None where unused),
        over this tape's recorded graph only."""
        create_graph = create_graph or bool(_state.THREAD.tapes)
        if retain_graph is None:
            retain_graph = self._persistent or create_graph or self._shares_graph()
        hooks: Sequence[Any] = ()
        if self._dirty:
            view = self._recorded_view()
            if not all_recorded(outputs, view):
                hooks = prune_unrecorded(outputs, view)
        if hooks:
            # The engine still runs pruned nodes (on no gradient); their saved
            # tensors belong to graphs other tapes may differentiate.
            retain_graph = True
        if (own_rules and is_grads_batched and not hooks and not _state.THREAD.accumulators
                and not data_parallel_active() and _all_on_cpu(outputs)):
            # A jacobian's rows by our own batching rules, where they cover the graph
            # (NOTE [Own batching rules] in `_batched_backward`).
            own = own_batched_backward(outputs, edges, upstream, create_graph,
                                       per_example=per_example)
            if own is not None:
                return own
        called_at = _next_sequence_nr()
        try:
            # DDP / FSDP2 parameters take `.backward()`'s reducing path (NOTE:
            # [Data-parallel backward]); everything else is `engine_backward`.
            grads = data_parallel_backward(
                outputs, edges, upstream, retain_graph, create_graph, is_grads_batched
            )
        except RuntimeError as error:
            # A pruned node whose saved tensors another tape's pass freed (a
            # non-persistent tape's `gradient` inside its context), or that were
            # written in place since: the engine runs pruned nodes too.
            if not hooks or data_parallel_active() or not (
                    is_freed_graph_error(error) or is_modified_in_place_error(error)):
                raise
            grads = self._recorded_only(outputs, edges, upstream, create_graph, is_grads_batched)
        finally:
            for hook in hooks:
                hook.remove()
        if create_graph and any(grad is not None and not grad.is_cpu for grad in grads):
            # An autograd device thread made the new nodes (NOTE: [Recording windows]):
            # the tapes recording now note the pass, and each gradient gets a node
            # numbered on this thread.
            made = DeviceBackward(
                called_at,
                [tensor.grad_fn for tensor in (*outputs, *upstream)],
                [grad.grad_fn for grad in grads if grad is not None],
            )
            for tape in _state.recording_tapes():
                tape._device_passes.append(made)
            grads = [grad.view_as(grad) if grad is not None and not grad.is_cpu else grad
                     for grad in grads]
        return grads

    def _recorded_only(
        self,
        outputs: List[torch.Tensor],
        edges: List[Any],
        upstream: List[torch.Tensor],
        create_graph: bool,
        is_grads_batched: bool,
    ) -> Sequence[Optional[torch.Tensor]]:
        """`_run_backward`'s gradients after its pruned pass ran into a node it cannot
        run, freed or written in place (the engine runs pruned nodes too): the nodes
        this tape recorded, run one by one
        (NOTE: [Recorded-only passes] in `_recorded_pass`)."""
        recorded, met = recorded_nodes(outputs, self._recorded_view())
        grads = recorded_backward(outputs, edges, upstream, recorded, create_graph,
                                  is_grads_batched)
        del met  # (kept alive until here: `recorded` is keyed by the nodes' ids)
        return grads

    def _rows_vjp(
        self,
        targets: Sequence[Any],
        sources: Sequence[Any],
        output_gradients: Optional[Sequence[Any]] = None,
        **options: Any,
    ) -> List[Optional[torch.Tensor]]:
        """`_compute` for a jacobian's rows (`_jacobian.VJP`): plain tensors, since the
        tape re-types only the stacked result."""
        return self._compute(targets, sources, output_gradients, retype=False, **options)

    def _columns_jvp(
        self, target: Any, source: Any, tangents: torch.Tensor
    ) -> Optional[List[Optional[torch.Tensor]]]:
        """A jacobian's columns (`_jacobian.JVP`): `[J @ tangents]` for batch-first
        `tangents` of `source`, pushed forward through this tape's recorded graph by
        `_batched_forward`'s rules (NOTE [Own forward rules] there); `[None]` where
        `source` is unconnected; None where the rules do not cover the pass."""
        if (self._dirty or _state.THREAD.accumulators or data_parallel_active()
                or not isinstance(target, torch.Tensor) or target is source):
            return None  # a pruned graph, tangents of forward mode, DDP: the engine's way
        with _DisableSubclass():
            node = _GRAD_FN(target)
            if node is None or not target.is_cpu or not self._recorded(node):
                return None
            edges = self._source_inputs(source)
        if not edges:
            return [None]
        return own_batched_forward([target], edges, [tangents] * len(edges),
                                   bool(_state.THREAD.tapes))

    def _watches(self, tensor: Any) -> bool:
        """Whether `tensor` is watched by this tape (explicitly or as a recorded op)."""
        known = self._watched.get(id(tensor))
        if known is not None and known[0] is tensor:
            return True
        return bool(self._source_edges(tensor))

    def _source_edges(self, source: Any) -> List[Any]:
        """Engine inputs for `source`: gradient edges, or leaf tensors themselves."""
        with _DisableSubclass():
            return self._source_inputs(source)

    def _source_inputs(self, source: Any) -> List[Any]:
        kind = type(source)
        if kind is ResourceVariable:
            return self._variable_edges.get(id(source), [])
        if kind is not torch.nn.Parameter and kind is not torch.Tensor and kind is not EagerTensor:
            if isinstance(source, Variable):
                return self._variable_edges.get(id(source), [])
            if is_foreign_variable(source):
                return self._variable_edges.get(id(source), [])
            if not isinstance(source, torch.Tensor):
                raise_bad_source(source)
        known = self._watched.get(id(source))
        if known is not None and known[0] is source:
            if known[1] is not None:
                return [known[1]]
            if self._recording:
                # A leaf this tape holds flipped (or the user's own): itself while it
                # requires grad; else nothing was recorded on it.
                return [source] if _REQUIRES_GRAD(source) else []
            return self._released_leaf_inputs(source)
        if _REQUIRES_GRAD(source):
            if _GRAD_FN(source) is None:
                if not self._watch_accessed_variables:
                    return []
                with LOCK:  # flips change only under the lock
                    record = FLIPS.get(id(source))
                    if record is not None and record.tensor is source:
                        return []  # another tape watches it; this one did not
                    return [source] if _REQUIRES_GRAD(source) else []
            elif self._recorded(_GRAD_FN(source)) and derives_from_watched(
                _GRAD_FN(source), self._recorded_view()
            ):
                return [get_gradient_edge(source)]
        return []

    def _released_leaf_inputs(self, source: torch.Tensor) -> List[Any]:
        """Engine inputs for a leaf this tape watched and no longer holds flipped.

        Another tape (maybe on another thread) may still hold the flag on, and may let
        go of it at any moment: the leaf's gradient edge, taken under the lock, stays
        a valid input after that, where the tensor itself would not.
        """
        with LOCK:
            known = self._watched.get(id(source))
            if known is not None and known[0] is source and known[1] is not None:
                return [known[1]]  # the edge the last flip's release left us
            if not _REQUIRES_GRAD(source):
                return []  # nothing was recorded on it
            record = FLIPS.get(id(source))
            if record is None or record.tensor is not source:
                return [source]  # the user's own leaf: its flag is not the tapes'
            return [leaf_edge(record)]

    def _shares_graph(self) -> bool:
        """Whether another unspent tape recorded alongside this one."""
        for ref in self._overlaps:
            other = ref()
            if other is not None and other is not self and not other._spent:
                return True
        return False

    def _recorded_view(self) -> RecordedView:
        """What decides which graph nodes this tape recorded (see `_pruning`)."""
        leaves: Dict[int, int] = {}
        nodes: Dict[int, int] = {}
        watch_nr = self._watch_nr
        for tensor, edge in self._watched.values():
            if _GRAD_FN(tensor) is None:
                leaves[id(tensor)] = watch_nr.get(id(tensor), 0)
            elif edge is not None:
                nodes[id(edge.node)] = watch_nr.get(id(tensor), 0)
        for aliases in self._variable_edges.values():
            for alias in aliases:
                leaves[id(alias)] = 0
        foreign: Set[int] = set()
        if self._watch_accessed_variables:
            # Variable reads other tapes made while this one recorded are leaves that
            # require grad, but not the user's: this tape did not watch them.
            for ref in self._overlaps:
                other = ref()
                if other is not None and other is not self:
                    for aliases in list(other._variable_edges.values()):
                        foreign.update(id(alias) for alias in aliases if id(alias) not in leaves)
        return RecordedView(
            self._recorded_nr(),
            leaves,
            nodes,
            self._watch_accessed_variables,
            foreign,
            device_made_numbers(self._device_passes) if self._device_passes else {},
        )

    def __repr__(self) -> str:
        state = "recording" if self._recording else "idle"
        kind = "persistent" if self._persistent else "non-persistent"
        return f"<tftape_torch.GradientTape {kind}, {state}>"


GradientTape.__module__ = "tftape_torch"


# ---------------------------------------------------------------------- helpers


def _hand_out(results: List[Any]) -> None:
    """Show the gradients a tape hands out to the thread's gradient hooks (an active
    `ForwardAccumulator` notes their JVPs; `custom_gradient` restores raw values)."""
    for hook in _state.THREAD.gradient_hooks:
        hook(results)


def _record_constants(results: List[Any], target: Any) -> None:
    """A vectorized jacobian's results without graph, as results of `target` on the
    tapes recording now: TF computes even a constant jacobian with ops that read the
    target, which those tapes record (`recorded_constant`); its row loop does not. In
    a `tf.function` trace TF's vectorized jacobian gives them no such ops either."""
    trace = _state.tracing()
    if not isinstance(target, torch.Tensor) or (trace is not None and not trace.is_paused):
        return
    for index, result in enumerate(results):
        if isinstance(result, torch.Tensor) and result.grad_fn is None:
            results[index] = recorded_constant(result, target)


def _ordinary_zeros(results: List[Any]) -> None:
    """Replace torch's ZeroTensor gradients (`sgn`'s backward returns one) by ordinary
    zeros, as TF's: a clone, which keeps the graph. (A function of its own: its loop
    variable is gone when it returns, and `_retype_fresh` re-types in place only a
    result the list alone holds.)"""
    for index, result in enumerate(results):
        if type(result) is torch.Tensor and is_zerotensor(result):
            results[index] = result.clone()


def _retype_fresh(results: List[Any], index: int) -> None:
    """Make `results[index]`, a plain tensor, an `EagerTensor`: in place when the list
    holds the only reference (a fresh result), else as an alias."""
    if refcount(results[index]) == 2:  # `results` and the call's argument
        results[index].__class__ = EagerTensor
    else:
        results[index] = as_eager(results[index])


def _add(total: Optional[torch.Tensor], term: torch.Tensor) -> torch.Tensor:
    return term if total is None else total + term


def _seed_like(target: torch.Tensor, seed: Optional[torch.Tensor]) -> torch.Tensor:
    if seed is not None:
        return seed
    if type(target) is torch.Tensor:
        return torch.ones_like(target)
    with _DisableSubclass():
        return torch.ones_like(target)


def _all_on_cpu(tensors: Sequence[torch.Tensor]) -> bool:
    """Whether every tensor of `tensors` is on the CPU (raw reads, no drop-in dispatch)."""
    with _DisableSubclass():
        return all(is_cpu_of(tensor) for tensor in tensors)
