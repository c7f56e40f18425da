"""How a `tf.function` trace becomes a torch graph, and how that graph runs.

A trace runs the Python function once, for real, under `Trace`, a torch dispatch
mode. Every ATen op the function runs reaches the mode: the forward ops, and the ops
of every backward pass a `GradientTape` inside it performs (the autograd engine runs
them under the same mode), so gradients, nested tapes, jacobians and persistent
tapes become plain ops of the graph. The result of that run is the first call's
result; what was recorded is a `Capture`, an fx graph whose later calls run no
Python of the function and no tape bookkeeping.

>>> import tftape_torch as tf
>>> v = tf.Variable(2.0)
>>> @tf.function
... def step(x):
...     with tf.GradientTape() as tape:
...         loss = v * v * x
...     v.assign_sub(0.1 * tape.gradient(loss, v))
...     return loss
>>> print(step(tf.constant(1.0)), step(tf.constant(1.0)))
tf.Tensor(4.0, shape=(), dtype=float32) tf.Tensor(2.5600002, shape=(), dtype=float32)
>>> step.experimental_get_tracing_count()
1

# NOTE: [Variables in a trace]
# A Variable is state: the graph must read its value at call time and write back what
# the function assigns. The first time an op uses a Variable that existed before the
# trace, it becomes a graph input fed with the Variable itself (so reads see current
# values, and torch's in-place ops mutate it). `assign*` rebind the Variable to new
# storage, which no op shows; the trace notices by the Variable's storage (pointer,
# offset, shape, strides): when it changed, the new value is the output of the op
# that produced that storage, and at the end of the trace every Variable whose
# storage changed is written back from the graph. A Variable the trace has not seen
# yet tells it before its first `assign*` (`variable_assigned`), so no scan of every
# live Variable is needed. Variables created during the trace
# are graph inputs from their first use (later calls read them, as TF's lifted
# initializers do). `nn.Parameter`s (module and Keras variables, a Keras optimizer's
# slots) are state too: each is a graph input fed with the Parameter itself, even one
# made during the trace from a traced op's result, so later calls read and update it.
#
# NOTE: [Variables made twice]
# TF traces a function whose first trace made Variables a second time, at once, with
# Variable creation refused: a function that makes a Variable at every call raises
# ValueError on its first call, and Python side effects (`print`) happen twice. Here
# a trace runs the function for real, so the second run is a check run (`dry`): it
# records what it is about to change -- each Variable's storage before `assign*`
# rebinds it, and the old value of every tensor an ATen op writes in place (module
# and Keras variables, optimizer slots) -- and `undo` puts all of it back. Its
# `tf.print`s print nothing (TF's print runs when the graph runs, once per call), and
# torch's random streams are restored. The first run's result and capture stand.
#
# NOTE: [What a trace cannot capture]
# The graph is replayed for later calls, so anything the Python function decided
# from a tensor's *value* would be replayed stale. An op whose result is a Python
# value (`.item()`, `bool(x)`, `float(x)`) on a tensor that depends on the inputs,
# a NumPy read of such a tensor, or an op the graph cannot hold ends the capture:
# the function warns once, naming the reason, and runs eagerly from then on.
# `.item()` and its kin reach the dispatch mode as an ATen op; `tolist()` and
# `numpy()` read the memory without one, so a trace also watches them as torch
# functions (`_HostReads`, a function mode, which sees them even on plain tensors
# with subclass handling disabled). Ops that take a shape, an axis, a seed or a
# permutation from a tensor read it that way: a trace that missed such a read replayed
# the first call's value (`tf.reshape(x, s)`, `tf.one_hot(i, depth)`, `tf.roll`,
# `tf.random.stateless_uniform(seed=s)` gave the first call's answer for new `s`).
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.fx as fx
from torch.overrides import TorchFunctionMode
from torch.utils.weak import WeakIdKeyDictionary

from tftape_torch import _state
from tftape_torch._dtypes import dtype_name
from tftape_torch._leaked import leaked_from, out_of_scope
from tftape_torch._tensor import fresh
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    TorchDispatchMode,
    set_data,
)
from tftape_torch._variable import Variable
from tftape_torch.errors import InvalidArgumentError

__all__ = ["Capture", "Graph", "NotCapturable", "StagingError", "Trace"]

_Tensor = torch.Tensor
_SET_STORAGE = torch.ops.aten.set_.source_Storage_storage_offset
_LITERALS = (int, float, bool, str, type(None), torch.dtype, torch.device, torch.layout,
             torch.memory_format)
_SEEDED = torch.Tag.nondeterministic_seeded

# TF's names of the ops torch runs, for the symbolic text of traced tensors.
_TF_NAMES = {
    "mul": "mul", "add": "add", "sub": "sub", "div": "truediv", "pow": "pow",
    "neg": "Neg", "tanh": "Tanh", "sin": "Sin", "cos": "Cos", "exp": "Exp", "log": "Log",
    "mm": "MatMul", "matmul": "MatMul", "bmm": "MatMul", "sum": "Sum", "mean": "Mean",
    "relu": "Relu", "sigmoid": "Sigmoid", "sqrt": "Sqrt", "view": "Reshape",
    "reshape": "Reshape", "clone": "Identity", "alias": "Identity", "detach": "Identity",
}


class NotCapturable(Exception):
    """Why a trace cannot be replayed as a graph (the message names the reason)."""


def _storage_key(tensor: _Tensor) -> Tuple[Any, ...]:
    """Where `tensor`'s elements live: storage pointer, offset, shape, strides, dtype."""
    with _DisableSubclass():
        try:
            pointer = tensor.untyped_storage().data_ptr()
        except (RuntimeError, NotImplementedError):
            pointer = id(tensor)
        # torch's own accessors: a Variable's `shape` is its declared TensorShape.
        return (pointer, _Tensor.storage_offset(tensor), tuple(_Tensor.size(tensor)),
                _Tensor.stride(tensor), tensor.dtype)


# ---------------------------------------------------------------------------
# Recording


class StagingError(Exception):
    """A `tf.function` called itself for the input signature it is being traced for:
    the trace would never end (TF's AutoGraph raises its `StagingError` there)."""


class _HostReads(TorchFunctionMode):
    """Tells `trace` of every `tolist()`/`numpy()` (NOTE: [What a trace cannot capture])."""

    def __init__(self, trace: Trace) -> None:
        super().__init__()
        self.trace = trace

    def __torch_function__(self, func: Any, types: Any, args: Sequence[Any] = (),
                           kwargs: Optional[Dict[str, Any]] = None) -> Any:
        how = _HOST_READS.get(func)
        if how is not None and args:
            self.trace.value_read(args[0], how)
        return func(*args, **(kwargs or {}))


_HOST_READS = {torch.Tensor.tolist: "tolist()", torch.Tensor.numpy: "its NumPy value"}


class Trace(TorchDispatchMode):
    """Records the ATen ops of one run of a function into an fx graph.

    `inputs` are the flat tensor arguments (EagerTensors and Variables), each a graph
    input named by `names`. Use as a context manager around the run, then `finish`.
    """

    def __init__(self, inputs: Sequence[_Tensor], names: Sequence[str],
                 specs: Sequence[Any], creates_variables: bool = True) -> None:
        super().__init__()
        self.creates_variables = creates_variables  # the function's first trace may
        self.origin: Any = None  # what is traced: (concrete function, input types)
        self.created = 0  # Variables made while this trace ran
        # A check run (NOTE: [Variables made twice]): what it changes is undone after.
        self.dry = False
        self._undo: Dict[Tuple[Any, ...], Tuple[_Tensor, _Tensor]] = {}
        self._rebound: Dict[int, Tuple[Variable, _Tensor]] = {}
        self.graph = fx.Graph()
        self.failure: Optional[str] = None
        self.reads_allowed = False  # while `tf.print` formats what the graph will print
        # tensor -> (node, storage key when bound, dynamic: depends on inputs/state)
        self._nodes: Any = WeakIdKeyDictionary()
        self._by_key: Dict[Tuple[Any, ...], fx.Node] = {}
        self._dynamic: Dict[fx.Node, bool] = {}
        self._names: Dict[fx.Node, str] = {}
        self._shapes: Dict[fx.Node, Any] = {}
        self._used_names: Dict[str, int] = {}
        self.sources: List[Tuple[str, Any]] = []  # ("arg", i) / ("var", v) / ("const", obj)
        self._const_nodes: Dict[int, fx.Node] = {}
        self._keep: List[Any] = []
        self._variables: Dict[int, List[Any]] = {}  # id -> [variable, node, key, first key]
        self._storages: List[Any] = []
        # id -> (variable, storage key before its first `assign*` in this trace), for
        # Variables that existed before it (told by `variable_assigned`).
        self._before: Dict[int, Tuple[Variable, Tuple[Any, ...]]] = {}
        self._paused = 0  # inside `paused()`: ops run unrecorded
        self.python_calls: List[Callable[..., Any]] = []  # graph targets that run Python
        self._inputs = list(inputs)
        for index, (tensor, name, spec) in enumerate(zip(inputs, names, specs)):
            node = self._placeholder(("arg", index), name, True)
            if spec is not Ellipsis:  # a symbolic shape (None: unknown rank)
                self._shapes[node] = spec
            if isinstance(tensor, Variable):
                key = _storage_key(tensor)
                self._variables[id(tensor)] = [tensor, node, key, key]
                self._by_key[key] = node
                self._keep_storage(tensor)
            else:
                self._bind(tensor, node, True)

    def __enter__(self) -> Trace:
        self._host_reads = _HostReads(self)
        self._host_reads.__enter__()
        try:
            super().__enter__()
        except BaseException:
            self._host_reads.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        try:
            super().__exit__(*exc_info)
        finally:
            self._host_reads.__exit__(*exc_info)

    # -- naming (the symbolic text of traced tensors) --------------------------------

    def _unique(self, name: str) -> str:
        count = self._used_names.get(name, 0)
        self._used_names[name] = count + 1
        return name if count == 0 else f"{name}_{count}"

    def _placeholder(self, source: Tuple[str, Any], name: str, dynamic: bool) -> fx.Node:
        node = self.graph.placeholder(f"in{len(self.sources)}")
        self.sources.append(source)
        self._dynamic[node] = dynamic
        self._names[node] = self._unique(name)
        return node

    def symbolic_text(self, tensor: _Tensor, is_repr: bool) -> Optional[str]:
        """TF's text of a traced tensor (`Tensor("x:0", shape=(), dtype=float32)`), or
        None for a tensor this trace does not compute from its inputs."""
        entry = self._nodes.get(tensor)
        if entry is None or not self._dynamic.get(entry[0], False):
            return None
        node = entry[0]
        name = self._names.get(node) or "Identity"
        with _DisableSubclass():
            dtype = dtype_name(tensor.dtype)
            shape = self._shapes[node] if node in self._shapes else tuple(tensor.shape)
        if is_repr:
            shown = "<unknown>" if shape is None else shape_text_none(shape)
            return f"<tf.Tensor '{name}:0' shape={shown} dtype={dtype}>"
        if shape is None:
            return f'Tensor("{name}:0", dtype={dtype})'
        return f'Tensor("{name}:0", shape={shape_text_none(shape)}, dtype={dtype})'

    def value_read(self, tensor: _Tensor, how: str) -> None:
        """Python read the value of `tensor` (`how`): the trace cannot replay that."""
        if self.reads_allowed:
            return
        entry = self._nodes.get(tensor)
        if isinstance(tensor, Variable) or (entry is not None and self._dynamic.get(entry[0])):
            self.fail(f"it reads a tensor's value in Python ({how})")

    def fail(self, reason: str) -> None:
        if self.failure is None:
            self.failure = reason

    # -- tensors -> nodes ----------------------------------------------------------

    def _bind(self, tensor: _Tensor, node: fx.Node, dynamic: bool) -> None:
        key = _storage_key(tensor)
        if isinstance(tensor, Variable):
            state = self._variables.get(id(tensor))
            if state is not None:
                state[1], state[2] = node, key
        else:
            self._nodes[tensor] = (node, key)
        self._by_key[key] = node
        self._dynamic[node] = dynamic
        self._keep_storage(tensor)

    def _keep_storage(self, tensor: _Tensor) -> None:
        """Keep `tensor`'s storage alive until the trace ends: no new tensor may reuse its
        address, which storage keys compare."""
        with _DisableSubclass():
            self._storages.append(tensor.untyped_storage())

    def _const(self, value: Any, state: bool = False) -> fx.Node:
        """A graph input fed with `value` itself at every call: a constant, or (with
        `state`) a tensor whose value may change between calls."""
        node = self._const_nodes.get(id(value))
        if node is None:
            node = self._placeholder(("const", value), "Const", state)
            self._const_nodes[id(value)] = node
            self._keep.append(value)
        return node

    def _variable_node(self, variable: Variable) -> fx.Node:
        state = self._variables.get(id(variable))
        key = _storage_key(variable)
        if state is not None:
            if state[2] != key:  # assigned since: the op that made its new storage
                produced = self._by_key.get(key)
                if produced is None:
                    raise NotCapturable(
                        f"Variable {variable.name} changed in a way the trace cannot follow")
                state[1], state[2] = produced, key
            return state[1]
        before = self._before.get(id(variable))
        if before is not None and before[1] != key:  # assigned in the trace, not yet read
            node = self._by_key.get(key)
            if node is None:
                raise NotCapturable(
                    f"Variable {variable.name} changed in a way the trace cannot follow")
        else:
            node = self._placeholder(("var", variable), variable.name.rsplit(":", 1)[0], True)
        self._keep_storage(variable)
        self._variables[id(variable)] = [variable, node, key, key]
        self._by_key[key] = node
        self._dynamic[node] = True
        return node

    def variable_created(self) -> None:
        """A Variable is being made while this trace runs.

        Raises:
          ValueError: on a trace after the function's first, as TF does.
        """
        self.created += 1
        if not self.creates_variables and not self._paused:
            raise ValueError(
                "tf.function only supports singleton tf.Variables created on the first "
                "call. Make sure the tf.Variable is only created once or created outside "
                "tf.function. See https://www.tensorflow.org/guide/function#creating_tfvariables "
                "for more information."
            )

    def variable_assigned(self, variable: Variable) -> None:
        """`variable` is about to be pointed at new storage by `assign*` (called by the
        Variable, before the change, on the thread that traces)."""
        key = id(variable)
        if self.dry and key not in self._rebound:
            with _DisableSubclass():
                self._rebound[key] = (variable, _Tensor.detach(variable))
        if not self._paused and key not in self._before and key not in self._variables:
            self._before[key] = (variable, _storage_key(variable))
            self._keep_storage(variable)

    @property
    def is_paused(self) -> bool:
        """Whether ops run unrecorded now (inside `paused`, TF's `init_scope`)."""
        return self._paused > 0

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Ops run inside are not part of the graph (TF's `init_scope`): their results
        are constants of the graph, and what they assign to Variables is the state
        later calls start from (see NOTE: [Variables in a trace])."""
        known = {key: (entry[0], entry[1]) for key, entry in self._before.items()}
        for key, state in self._variables.items():
            known.setdefault(key, (state[0], state[2]))
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1
            for key, (variable, before) in known.items():
                now = _storage_key(variable)
                if now != before:
                    self._rebase(key, variable, now)

    def _rebase(self, key: int, variable: Variable, now: Tuple[Any, ...]) -> None:
        """`variable` was assigned outside the graph: its new value is its state."""
        if key in self._before:
            self._before[key] = (variable, now)
        state = self._variables.get(key)
        if state is None:
            return
        if state[1].op != "placeholder":
            self.fail(f"Variable {variable.name} is assigned both in the graph and in "
                      "an init_scope")
            return
        state[2] = state[3] = now
        self._by_key[now] = state[1]

    def python_call(self, fn: Callable[..., Any], tensors: Sequence[_Tensor]) -> Any:
        """`fn(*tensors)` now, unrecorded, and again at every call of the graph (TF's
        `py_function`): returns its result (a tensor, a list of them, or None)."""
        with self.paused():
            result = fn(*tensors)
        if self.failure is None:

            def py_function(*values: Any) -> Any:  # fx names a node after its target
                return fn(*values)

            self.python_calls.append(py_function)

            try:
                node = self.graph.call_function(
                    py_function, tuple(self.node_of(t) for t in tensors))
            except NotCapturable as error:
                self.fail(str(error))
                return result
            if isinstance(result, _Tensor):
                self._bind(result, node, True)
            elif isinstance(result, (list, tuple)):
                for index, item in enumerate(result):
                    self._bind(item, self.graph.call_function(_getitem, (node, index)), True)
        return result

    def variable_read(self, variable: Variable, value: _Tensor) -> None:
        """`value` is a tape's read of `variable` (a detached alias that the tape
        differentiates): the graph feeds the variable's node there, so a replay under a
        tape differentiates through the read the replay feeds (see `Capture`)."""
        if self.failure is None and not self._paused:
            try:
                self._bind(value, self._variable_node(variable), True)
            except NotCapturable as error:
                self.fail(str(error))

    def node_of(self, tensor: _Tensor) -> fx.Node:
        """The node computing `tensor` (a new graph input for one from outside)."""
        if isinstance(tensor, Variable):
            return self._variable_node(tensor)
        entry = self._nodes.get(tensor)
        if entry is not None:
            return entry[0]
        if isinstance(tensor, torch.nn.Parameter):
            # Module and Keras state, read by reference: made from a traced op (a Keras
            # optimizer's slots built on the first call) it is still state, not that op.
            state = self._const(tensor, state=True)
            self._by_key[_storage_key(tensor)] = state
            return state
        # An alias made without an op (`as_subclass`) of a tensor the trace computed:
        # the storages of those stay alive until the trace ends, so the key is theirs.
        node = self._by_key.get(_storage_key(tensor))
        if node is not None:
            return node
        if leaked_from(tensor) is not None:
            raise out_of_scope(tensor)
        return self._const(tensor)

    def _arg(self, value: Any) -> Any:
        if isinstance(value, _Tensor):
            return self.node_of(value)
        kind = type(value)
        if kind is list or kind is tuple:
            return kind(self._arg(item) for item in value)
        if isinstance(value, _LITERALS):
            return value
        return self._const(value)

    def _is_dynamic(self, nodes: Any) -> bool:
        if isinstance(nodes, fx.Node):
            return self._dynamic.get(nodes, False)
        if isinstance(nodes, (list, tuple)):
            return any(self._is_dynamic(item) for item in nodes)
        if isinstance(nodes, dict):
            return any(self._is_dynamic(item) for item in nodes.values())
        return False

    def __torch_dispatch__(self, func: Any, types: Any, args: Sequence[Any] = (),
                           kwargs: Optional[Dict[str, Any]] = None) -> Any:
        kwargs = kwargs or {}
        if self.dry and func._schema.is_mutable:
            self._remember_inputs(func, args, kwargs)
        if self.failure is not None or self._paused:
            return func(*args, **kwargs)
        try:
            if func is _SET_STORAGE:  # an alias made from a storage (`own_leaf`)
                out = func(*args, **kwargs)
                source = self._by_key.get(_storage_key(out))
                if source is None:
                    raise NotCapturable("it aliases a storage the trace did not see")
                node = self.graph.call_function(torch.ops.aten.alias.default, (source,))
                self._bind(out, node, self._dynamic.get(source, False))
                return out
            node_args = self._arg(tuple(args))
            node_kwargs = {key: self._arg(value) for key, value in kwargs.items()}
        except NotCapturable as error:
            self.fail(str(error))
            return func(*args, **kwargs)
        out = func(*args, **kwargs)
        node = self.graph.call_function(func, node_args, node_kwargs)
        dynamic = self._is_dynamic((node_args, node_kwargs)) or _SEEDED in func.tags
        name = _TF_NAMES.get(func.__name__.split(".")[0])
        if isinstance(out, _Tensor):
            self._bind(out, node, dynamic)
            if name:
                self._names[node] = self._unique(name)
        elif isinstance(out, (tuple, list)) and any(isinstance(o, _Tensor) for o in out):
            for index, item in enumerate(out):
                if isinstance(item, _Tensor):
                    self._bind(item, self.graph.call_function(_getitem, (node, index)), dynamic)
        elif out is not None and dynamic:
            self.fail(f"Python uses the value of a tensor (aten.{func.__name__}), as in "
                      "tensor-dependent control flow")
        return out

    def _remember_inputs(self, func: Any, args: Sequence[Any], kwargs: Dict[str, Any]) -> None:
        """Keep the values of the tensors `func` is about to write in place (a check run)."""
        if func.__name__.startswith("set_"):  # rebinding (`Variable.assign`): see `_rebound`
            return
        for index, argument in enumerate(func._schema.arguments):
            info = argument.alias_info
            if info is None or not info.is_write:
                continue
            value = args[index] if index < len(args) else kwargs.get(argument.name)
            for tensor in value if isinstance(value, (list, tuple)) else [value]:  # `_foreach_`
                if isinstance(tensor, _Tensor):
                    key = _storage_key(tensor)
                    if key not in self._undo:
                        self._undo[key] = (tensor, tensor.detach().clone())

    def undo(self) -> None:
        """Put back what a check run changed: Variables rebound by `assign*`, then the
        tensors written in place (latest first)."""
        with torch.no_grad(), _DisableSubclass():
            for variable, before in self._rebound.values():
                set_data(variable, before)
            for value, before in reversed(list(self._undo.values())):
                value.copy_(before)
        self._rebound.clear()
        self._undo.clear()

    def computed(self) -> List[_Tensor]:
        """The tensors ops computed from the inputs or state in this trace that are
        still alive (no Variables; a constant the graph holds is fed to later calls)."""
        return [tensor for tensor, (node, _) in list(self._nodes.items())
                if node.op == "call_function" and self._dynamic.get(node, False)]

    def record_call(self, fn: Callable[..., None], tensors: Sequence[_Tensor]) -> None:
        """Replay `fn(*tensors)` at every call (for `tf.print`)."""
        if self.failure is None:
            try:
                self.graph.call_function(fn, tuple(self.node_of(t) for t in tensors))
            except NotCapturable as error:
                self.fail(str(error))

    # -- the end of the trace ------------------------------------------------------

    def finish(self, outputs: Sequence[Any]) -> Capture:
        """The capture: `outputs` (the flat results) computed from the graph inputs."""
        if self.failure is not None:
            raise NotCapturable(self.failure)
        for value in outputs:
            if not isinstance(value, (_Tensor,) + _LITERALS):
                raise NotCapturable(f"it returns a {type(value).__name__}, which a graph "
                                    "output cannot hold")
        out_nodes = [self.node_of(o) if isinstance(o, _Tensor) else o for o in outputs]
        writes: List[Tuple[str, Any, int]] = []
        write_nodes: List[fx.Node] = []

        def written(variable: Variable, before: Tuple[Any, ...]) -> Optional[fx.Node]:
            now = _storage_key(variable)
            if now == before:
                return None
            node = self._by_key.get(now)
            if node is None:
                raise NotCapturable(
                    f"Variable {variable.name} changed in a way the trace cannot follow")
            return node

        arguments = {}
        for kind, payload in self.sources:
            if kind == "arg" and id(self._inputs[payload]) in self._variables:
                arguments[id(self._inputs[payload])] = payload
        firsts = {id(variable): (variable, before) for variable, before in self._before.values()}
        for variable, _, _, first in self._variables.values():
            if id(variable) not in firsts:  # created in the trace, or an argument
                firsts[id(variable)] = (variable, first)
        for variable, before in firsts.values():
            node = written(variable, before)
            if node is not None:
                where = arguments.get(id(variable))
                target = ("arg", where) if where is not None else ("var", variable)
                writes.append((target[0], target[1], len(out_nodes) + len(write_nodes)))
                write_nodes.append(node)
        self.graph.output(tuple(out_nodes + write_nodes))
        module = fx.GraphModule(torch.nn.Module(), self.graph)
        return Capture(module, self.sources, writes, len(out_nodes), self.python_calls)


# Out-of-place ops that write into a copy of their first argument. Inductor (torch
# 2.13) computes them wrongly when that argument is an `expand`ed view (stride 0): the
# rows a batched jacobian's backward scatters into share their memory, and the result
# sums them. `_materialize_scatter_inputs` gives such ops a contiguous copy.
_SCATTERS = {
    torch.ops.aten.index_add.default, torch.ops.aten.index_copy.default,
    torch.ops.aten.index_put.default, torch.ops.aten.scatter_add.default,
    torch.ops.aten.scatter.src, torch.ops.aten.scatter.value,
    torch.ops.aten.scatter_reduce.two, torch.ops.aten.masked_scatter.default,
    torch.ops.aten.index_fill.int_Scalar, torch.ops.aten.index_fill.int_Tensor,
}


# `as_strided` reads its input's *storage* with explicit strides; Inductor (torch 2.13)
# may lay out a view chain (`expand`, `view`) feeding it differently from eager, and
# then reads the wrong elements (a batch_jacobian through a transpose did). Graphs with
# it are replayed uncompiled.
_AS_STRIDED = {torch.ops.aten.as_strided.default, torch.ops.aten.as_strided_.default,
               torch.ops.aten.as_strided_scatter.default}


def _materialize_scatter_inputs(module: fx.GraphModule) -> None:
    """Give every scatter-like op of `module` a contiguous first argument (see above)."""
    graph = module.graph
    changed = False
    for node in list(graph.nodes):
        if node.op != "call_function" or node.target not in _SCATTERS or not node.args:
            continue
        source = node.args[0]
        if not isinstance(source, fx.Node):
            continue
        with graph.inserting_before(node):
            copy = graph.call_function(torch.ops.aten.clone.default, (source,),
                                       {"memory_format": torch.contiguous_format})
        node.args = (copy,) + tuple(node.args[1:])
        changed = True
    if changed:
        module.recompile()


def _getitem(value: Any, index: int) -> Any:
    return value[index]


def shape_text_none(shape: Sequence[Any]) -> str:
    """A shape as TF prints it, `None` for unknown dimensions: `(None, 2)`."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


# ---------------------------------------------------------------------------
# Replay


class NodeDef(NamedTuple):
    """One node of `Graph.as_graph_def()`: its name, its op and its inputs' names."""

    name: str
    op: str
    input: List[str]


class GraphDef(NamedTuple):
    """What `Graph.as_graph_def()` returns: the nodes, in execution order."""

    node: List[NodeDef]


class Graph:
    """A concrete function's captured torch graph, read through TF's `Graph` API.

    The nodes are the ATen ops of the capture (`aten.mul.Tensor`...), its inputs
    (`Placeholder`: arguments, Variables, constants) and its output (`Identity`), so
    their number and names are torch's, not TF's.

    >>> import tftape_torch as tf
    >>> f = tf.function(lambda x: x * 2.0)
    >>> graph = f.get_concrete_function(tf.constant(1.0)).graph
    >>> [node.op for node in graph.as_graph_def().node]
    ['Placeholder', 'aten.mul.Tensor', 'Identity']
    """

    def __init__(self, graph: fx.Graph) -> None:
        self._graph = graph

    def as_graph_def(self) -> GraphDef:
        nodes = []
        for node in self._graph.nodes:
            if node.op == "placeholder":
                op = "Placeholder"
            elif node.op == "output":
                op = "Identity"
            elif node.op == "get_attr":
                op = "Const"
            else:
                op = str(node.target)  # an ATen op prints as `aten.mul.Tensor`
                if op.startswith("<"):  # a Python function (`py_function`)
                    op = str(getattr(node.target, "__name__", op))
            nodes.append(NodeDef(node.name, op, [n.name for n in node.all_input_nodes]))
        return GraphDef(nodes)

    def get_operations(self) -> List[NodeDef]:
        return self.as_graph_def().node


class Capture:
    """A recorded graph: feeds its inputs, runs, writes Variables back, wraps results."""

    def __init__(self, module: fx.GraphModule, sources: Sequence[Tuple[str, Any]],
                 writes: Sequence[Tuple[str, Any, int]], n_outputs: int,
                 python_calls: Sequence[Callable[..., Any]] = ()) -> None:
        self.module = module
        self.python_calls = list(python_calls)
        self.run: Callable[..., Any] = module
        self.sources = list(sources)
        self.writes = list(writes)
        self.n_outputs = n_outputs
        self.variables = {id(obj): obj for kind, obj in self.sources if kind == "var"}
        self.plain = False  # feed plain tensors (the compiler must not see subclasses)

    def compile(self) -> Optional[str]:
        """Compile the graph with torch's compiler (Inductor), for `jit_compile=True`.

        Returns why the graph stays uncompiled (it is then replayed as it is), or None.
        """
        strided = [node for node in self.module.graph.nodes
                   if node.op == "call_function" and node.target in _AS_STRIDED]
        if strided:
            return ("its graph uses as_strided (from a batched backward), which torch's "
                    "compiler can place on the wrong memory")
        _materialize_scatter_inputs(self.module)
        if self.python_calls:  # the compiler leaves the Python of `py_function`s alone
            for node in self.module.graph.nodes:
                if node.op == "call_function" and node.target in self.python_calls:
                    node.target = torch.compiler.disable(node.target)
            self.module.recompile()
        self.run = torch.compile(self.module, backend="inductor", dynamic=False)
        self.plain = True
        return None

    def __call__(self, flat_args: Sequence[Any]) -> List[Any]:
        recording = bool(_state.THREAD.tapes) or bool(_state.THREAD.accumulators)
        feeds: List[Any] = []
        for kind, payload in self.sources:
            if kind == "arg":
                value = flat_args[payload]
                if recording and isinstance(value, Variable):
                    value = value.read_value()
            elif kind == "var":
                value = payload.read_value() if recording else payload
            else:
                value = payload
            feeds.append(value)
        with _DisableSubclass():
            if self.plain:
                feeds = [(f.as_subclass(_Tensor) if recording else _Tensor.detach(f))
                         if isinstance(f, _Tensor) and type(f) is not _Tensor else f
                         for f in feeds]
            try:
                if recording:
                    results = self.run(*feeds)
                else:
                    with torch.no_grad():
                        results = self.run(*feeds)
            except (IndexError, RuntimeError) as error:  # a kernel failed: TF's class
                raise InvalidArgumentError(
                    None, None, f"Graph execution error:\n\n{error}") from error
        for kind, payload, index in self.writes:
            variable = flat_args[payload] if kind == "arg" else payload
            new = results[index]
            for trace in _state.THREAD.traces:  # a function called while another traces
                trace.variable_assigned(variable)
            if recording:
                variable.assign(new)
            else:
                with _DisableSubclass():
                    set_data(variable, new.detach() if new.requires_grad else new)
        outputs = list(results[: self.n_outputs])
        for index, value in enumerate(outputs):
            if isinstance(value, Variable):
                outputs[index] = value.read_value()
            elif type(value) is _Tensor:
                outputs[index] = fresh(value)
        return outputs

