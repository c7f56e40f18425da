"""`tf.function`: TF's tracing model, replayed as a captured torch graph.

A `tf.function` traces its Python function once per *input signature*: the shapes
and dtypes of its tensor arguments, and the values of its other arguments. Python
side effects (`print`) happen while tracing; later calls with the same signature run
the captured graph (see `_function_tracing`), not the Python. `tf.print` prints at
every call. Results are tensors, as TF returns them.

>>> import tftape_torch as tf
>>> @tf.function
... def f(x):
...     print("Tracing with", x)
...     tf.print("Executing with", x)
...     return x * x
>>> y = f(tf.constant(2.0))
Tracing with Tensor("x:0", shape=(), dtype=float32)
>>> y = f(tf.constant(3.0))
>>> print(y)
tf.Tensor(9.0, shape=(), dtype=float32)
>>> f.experimental_get_tracing_count()
1

How to keep a function capturable: decide Python control flow from Python values
and shapes, not from tensor values (TF's AutoGraph would turn `if x > 0:` into a
graph conditional; here such a function warns once and runs eagerly), and read
tensor values (`.numpy()`, `float(x)`) outside the function.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import warnings
import weakref
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch import _state
from tftape_torch._convert import convert_value
from tftape_torch._function_tracing import Capture, Graph, NotCapturable, StagingError, Trace
from tftape_torch._leaked import mark_leaked
from tftape_torch._print_op import quiet_stdout
from tftape_torch._structure import flatten, pack_like
from tftape_torch._tensor import EagerTensor, fresh
from tftape_torch._tensor_shape import TensorShape
from tftape_torch._tensor_spec import TensorSpec, shape_fits
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    set_data,
)
from tftape_torch._trace_type import fits, join, output_text, type_text
from tftape_torch._trace_type import trace_type as type_of
from tftape_torch._variable import Variable

__all__ = [
    "ConcreteFunction", "Function", "executing_eagerly", "function", "inside_function",
]

_Tensor = torch.Tensor
_SIZE = torch.Tensor.size
_DTYPE = torch.Tensor.dtype.__get__  # type: ignore[attr-defined]

def _as_result(value: Any) -> Any:
    """A returned leaf as TF returns it: Python numbers become tensors, Variables
    their reads."""
    if isinstance(value, Variable):
        return value.read_value()
    if type(value) in (int, float, bool):
        return fresh(convert_value(value))
    return value


def _view(tensor: torch.Tensor) -> torch.Tensor:
    """A new tensor object viewing `tensor` (with its history)."""
    with _DisableSubclass():
        view = torch.Tensor.view_as(tensor, tensor)
    return fresh(view)


def _shapes_as_tensors(result: Any) -> Any:
    """`result` with each (fully known) TensorShape in it as TF returns one: an int32
    tensor of its dimensions."""
    if isinstance(result, TensorShape) and result.is_fully_defined():
        return fresh(convert_value(result.as_list(), torch.int32))
    if type(result) in (list, tuple):
        return type(result)(_shapes_as_tensors(item) for item in result)
    if type(result) is dict:
        return {key: _shapes_as_tensors(item) for key, item in result.items()}
    return result


def _returned(result: Any) -> Tuple[Any, List[Any]]:
    """What a `tf.function` returns for its Python function's `result` (shapes and
    Python numbers as tensors, Variables read), and the leaves of it."""
    result = _shapes_as_tensors(result)
    leaves = [_as_result(leaf) for leaf in flatten(result)]
    result = pack_like(result, leaves) if isinstance(result, (list, tuple, dict)) else leaves[0]
    return result, leaves


# ---------------------------------------------------------------------------
# Concrete functions


class ConcreteFunction:
    """One trace of a `tf.function`: a signature, and the graphs that run it.

    >>> import tftape_torch as tf
    >>> f = tf.function(lambda x: x + 1)
    >>> concrete = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    >>> print(concrete(tf.constant([1.0, 2.0])))
    tf.Tensor([2. 3.], shape=(2,), dtype=float32)
    """

    def __init__(
        self,
        owner: Function,
        trace_type: Any,
        names: List[Tuple[str, str]],
        bound: inspect.BoundArguments,
    ) -> None:
        self._owner = owner
        self._type = trace_type
        self._names = names  # (parameter name, kind)
        self._template = bound  # arguments as first traced (structure, Python values)
        self._graphs: Dict[Any, Optional[Capture]] = {}  # exact type -> capture (None: eager)
        self._outputs: Any = None
        self.output_structure: Any = None

    # -- TF's API ------------------------------------------------------------------

    @property
    def structured_input_signature(self) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
        """The argument specs: `((TensorSpec(..., name='x'), 2), {})`."""
        specs = []
        for (name, _), trace_type in zip(self._names, self._type):
            specs.append(_spec_of(trace_type, name))
        return tuple(specs), {}

    @property
    def python_function(self) -> Callable[..., Any]:
        return self._owner.python_function

    @property
    def graph(self) -> Graph:
        """The captured graph (torch's ops, TF's `Graph` API: `as_graph_def().node`).

        Raises:
          ValueError: the function could not be captured and runs eagerly (it warned).
        """
        for capture in self._graphs.values():
            if capture is not None:
                return Graph(capture.module.graph)
        raise ValueError(
            "This concrete function has no graph: it could not be captured and runs "
            "eagerly (see the warning its first call gave)."
        )

    def pretty_printed_signature(self, verbose: bool = True) -> str:
        """The signature as TF prints it: parameters, output type, captures."""
        lines = ["Input Parameters:"]
        for (name, kind), trace_type in zip(self._names, self._type):
            lines.append(f"  {name} ({kind}): {type_text(trace_type)}")
        lines.append("Output Type:")
        lines.append(f"  {output_text(self._outputs)}")
        lines.append("Captures:")
        lines.append("  None")
        return "\n".join(lines)

    def __str__(self) -> str:
        return "ConcreteFunction " + self.pretty_printed_signature()

    def __repr__(self) -> str:
        params = ", ".join(
            f"{name}: {type_text(t)}" for (name, _), t in zip(self._names, self._type)
        )
        return f"<ConcreteFunction ({params}) -> {output_text(self._outputs)} at 0x{id(self):X}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        bound = self._bind(args, kwargs)
        values = [bound.arguments[name] for name, _ in self._names]
        keep: List[Any] = []
        exact = tuple(type_of(value, keep) for value in values)
        if not all(fits(a, b) for a, b in zip(exact, self._type)):
            raise TypeError(
                f"Binding inputs to tf.function failed: {exact!r} does not fit this "
                "concrete function's signature"
            )
        return self._owner._run(self, bound, exact)


    def _bind(self, args: Sequence[Any], kwargs: Dict[str, Any]) -> inspect.BoundArguments:
        """The arguments bound to every parameter (a concrete function has no defaults),
        or else to the flat signature of tensor parameters (TF's fallback)."""
        signature = self._template.signature
        required = signature.replace(
            parameters=[p.replace(default=p.empty) for p in signature.parameters.values()]
        )
        try:
            bound = required.bind(*args, **kwargs)
        except TypeError as error:
            flat = self._bind_flat(args, kwargs)
            if flat is None:
                params = ", ".join(
                    f"{name}: {type_text(t)}" for (name, _), t in zip(self._names, self._type)
                )
                raise TypeError(
                    f"Binding inputs to tf.function failed due to `{error}`. Received args: "
                    f"{tuple(args)!r} and kwargs: {kwargs!r} for signature: ({params}) -> "
                    f"{output_text(self._outputs)}."
                ) from None
            return flat
        return self._owner._cast_all(bound, args, kwargs)

    def _bind_flat(
        self, args: Sequence[Any], kwargs: Dict[str, Any]
    ) -> Optional[inspect.BoundArguments]:
        """TF's fallback "flat signature": only the tensor parameters, positionally or
        by name; the other parameters keep the values this function was traced with."""
        tensors = [name for (name, _), t in zip(self._names, self._type) if t[0] in ("T", "V")]
        if len(args) > len(tensors) or any(key not in tensors for key in kwargs):
            return None
        given = dict(zip(tensors, args))
        if any(key in given for key in kwargs):
            return None
        given.update(kwargs)
        if set(given) != set(tensors) or not all(isinstance(v, _Tensor) for v in given.values()):
            return None
        bound = inspect.BoundArguments(self._template.signature, self._template.arguments.copy())
        bound.arguments.update(given)
        return bound


def _spec_of(trace_type: Any, name: str) -> Any:
    tag = trace_type[0]
    if tag in ("T", "V"):
        return TensorSpec(trace_type[2], trace_type[1], name)
    if tag == "L":
        return trace_type[1]
    if tag in ("list", "tuple"):
        items = [_spec_of(item, name) for item in trace_type[-1]]
        return items if tag == "list" else tuple(items)
    if tag == "dict":
        return {k: _spec_of(v, name) for k, v in trace_type[1]}
    return trace_type


# ---------------------------------------------------------------------------
# Functions


class Function:
    """A `tf.function`: traces per input signature and runs the captured graph.

    >>> import tftape_torch as tf
    >>> @tf.function
    ... def add(a, b):
    ...     return a + b
    >>> print(add(tf.constant(1), 2))
    tf.Tensor(3, shape=(), dtype=int32)
    >>> print(add(1, 2))
    tf.Tensor(3, shape=(), dtype=int32)
    >>> add.experimental_get_tracing_count()
    2
    """

    def __init__(
        self,
        python_function: Callable[..., Any],
        input_signature: Any = None,
        jit_compile: Any = None,
        reduce_retracing: builtins.bool = False,
    ) -> None:
        self.python_function = python_function
        self._signature = inspect.signature(python_function)
        self._input_signature = None if input_signature is None else list(input_signature)
        self._jit_compile = bool(jit_compile)
        self._reduce_retracing = bool(reduce_retracing)
        self._concrete: List[ConcreteFunction] = []
        self._fast: Dict[Any, Tuple[ConcreteFunction, Any]] = {}
        self._keep: List[Any] = []
        self._tracing_count = 0
        self._traced = False  # Variables may be made only while tracing the first time
        self._warned = False
        self._instances: Any = weakref.WeakKeyDictionary()
        params = list(self._signature.parameters.values())
        # Calls with exactly this many positional arguments skip binding when cached.
        self._positional = (
            len(params)
            if input_signature is None
            and all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
            else -1
        )
        functools.update_wrapper(self, python_function)
        if self._input_signature is not None:
            params = [
                p
                for p in self._signature.parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            if len(self._input_signature) > len(params):
                raise TypeError(
                    f"input_signature must be a possibly nested sequence of TensorSpec "
                    f"objects, with one spec per parameter of {python_function.__name__}"
                )

    # -- methods -------------------------------------------------------------------

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        try:
            bound = self._instances.get(instance)
        except TypeError:
            bound = None
        if bound is None:
            bound = Function(
                self.python_function.__get__(instance, owner),
                self._input_signature,
                self._jit_compile,
                self._reduce_retracing,
            )
            try:
                self._instances[instance] = bound
            except TypeError:
                pass
        return bound

    # -- calls ---------------------------------------------------------------------

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _state.THREAD.run_eagerly:
            return self.python_function(*args, **kwargs)
        fast_key = None
        if not kwargs and len(args) == self._positional:
            keep: List[Any] = []
            try:
                fast_key = type_of(args, keep)
                hit = self._fast.get(fast_key)
            except TypeError:
                hit, fast_key = None, None
            if hit is not None:
                capture = hit[0]._graphs.get(hit[1])
                if capture is not None:
                    flat = _graph_inputs(list(args))
                    return pack_like(hit[0].output_structure, capture(flat))
        bound = self._bind(args, kwargs)
        concrete, exact = self._concrete_for(bound)
        if fast_key is not None:
            self._keep.extend(keep)
            self._fast[fast_key] = (concrete, exact)
        return self._run(concrete, bound, exact)

    def _bind(self, args: Sequence[Any], kwargs: Dict[str, Any]) -> inspect.BoundArguments:
        """The arguments bound to the parameters (defaults applied), checked against
        `input_signature` (TF's TypeError otherwise)."""
        try:
            bound = self._signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(self._binding_error(str(error), args, kwargs)) from None
        bound.apply_defaults()
        return self._cast_all(bound, args, kwargs)

    def _cast_all(
        self, bound: inspect.BoundArguments, args: Sequence[Any], kwargs: Dict[str, Any]
    ) -> inspect.BoundArguments:
        """`bound` with its arguments cast to `input_signature` (TF's TypeError)."""
        if self._input_signature is not None:
            names = list(self._signature.parameters)
            for name, spec in zip(names, self._input_signature):
                value = bound.arguments[name]
                bound.arguments[name] = self._cast(value, spec, args, kwargs)
        for name, value in bound.arguments.items():
            bound.arguments[name] = _numpy_as_tensors(value)
        return bound

    def _binding_error(self, reason: str, args: Sequence[Any], kwargs: Dict[str, Any]) -> str:
        if self._input_signature is not None:
            names = list(self._signature.parameters)
            signature = ", ".join(
                f"{name}: {spec!r}" for name, spec in zip(names, self._input_signature)
            )
        else:
            signature = ", ".join(self._signature.parameters)
        return (
            f"Binding inputs to tf.function failed due to `{reason}`. Received args: "
            f"{tuple(args)!r} and kwargs: {kwargs!r} for signature: ({signature})."
        )

    def _cast(self, value: Any, spec: Any, args: Sequence[Any], kwargs: Dict[str, Any]) -> Any:
        if (
            isinstance(spec, (list, tuple))
            and isinstance(value, (list, tuple))
            and len(spec) == len(value)
        ):
            return type(value)(self._cast(v, s, args, kwargs) for v, s in zip(value, spec))
        if not isinstance(spec, TensorSpec):
            return value
        tensor = value
        if not isinstance(value, _Tensor):
            try:
                tensor = fresh(convert_value(value, spec.dtype))
            except (TypeError, ValueError):
                tensor = None
        if tensor is None:
            raise TypeError(
                self._binding_error(f"Can not cast {value!r} to {spec!r}", args, kwargs)
            )
        if not isinstance(value, _Tensor):
            with _DisableSubclass():
                size = tuple(_SIZE(tensor))
                found = TensorSpec(size, _DTYPE(tensor))
            if not shape_fits(size, spec.dims):
                raise TypeError(
                    self._binding_error(f"Can not cast {found!r} to {spec!r}", args, kwargs)
                )
            return tensor
        with _DisableSubclass():
            size = tuple(_SIZE(tensor))
            found = TensorSpec(size, _DTYPE(tensor))
        if found.dtype != spec.dtype or not shape_fits(size, spec.dims):
            raise TypeError(
                self._binding_error(f"Can not cast {found!r} to {spec!r}", args, kwargs)
            )
        return value

    def _params(self, bound: inspect.BoundArguments) -> List[Tuple[str, str]]:
        return [(name, str(self._signature.parameters[name].kind)) for name in bound.arguments]

    def _concrete_for(self, bound: inspect.BoundArguments) -> Tuple[ConcreteFunction, Any]:
        """The concrete function for these arguments (traced if new), and their exact type."""
        keep: List[Any] = []
        exact = tuple(type_of(value, keep) for value in bound.arguments.values())
        self._keep.extend(keep)
        for concrete in self._concrete:
            if len(exact) == len(concrete._type) and all(
                fits(a, b) for a, b in zip(exact, concrete._type)
            ):
                return concrete, exact
        general = exact
        if self._input_signature is not None:
            general = tuple(
                _general(t, spec)
                for t, spec in zip(
                    exact,
                    self._input_signature + [None] * (len(exact) - len(self._input_signature)),
                )
            )
        elif self._reduce_retracing and self._concrete:
            for concrete in self._concrete:
                joined = (
                    tuple(join(a, b) for a, b in zip(exact, concrete._type))
                    if len(exact) == len(concrete._type)
                    else None
                )
                if joined is not None and all(j is not None for j in joined):
                    general = joined
        concrete = ConcreteFunction(self, general, self._params(bound), bound)
        self._concrete.append(concrete)
        return concrete, exact

    def _run(self, concrete: ConcreteFunction, bound: inspect.BoundArguments, exact: Any) -> Any:
        """Run `concrete` on `bound` arguments of exact type `exact` (tracing if needed)."""
        graphs = concrete._graphs
        if exact in graphs:
            capture = graphs[exact]
            if capture is None:  # runs eagerly, but returns what a graph would
                return _returned(self.python_function(*bound.args, **bound.kwargs))[0]
            flat = _graph_inputs(list(bound.arguments.values()))
            return pack_like(concrete.output_structure, capture(flat))
        first = not graphs
        if first:
            self._tracing_count += 1
        return self._trace(concrete, bound, exact, symbolic=concrete._type, quiet=not first)

    def _trace(
        self,
        concrete: ConcreteFunction,
        bound: inspect.BoundArguments,
        exact: Any,
        symbolic: Any,
        quiet: bool,
    ) -> Any:
        names: List[str] = []
        specs: List[Any] = []
        inputs: List[_Tensor] = []
        for (name, _), value, general in zip(concrete._names, bound.arguments.values(), symbolic):
            _tensor_leaves(value, general, name, inputs, names, specs)
        origin = (concrete, exact)
        if any(active.origin == origin for active in _state.THREAD.traces):
            raise StagingError(
                f"tf.function {getattr(self.python_function, '__name__', '<function>')!r} "
                f"calls itself with the input signature it is being traced for, so the "
                f"trace never ends (in TF, a RecursionError). Recursion of a tf.function "
                f"must change a Python argument at each level, or use tf.while_loop."
            )
        trace = Trace(inputs, names, specs, creates_variables=not self._traced)
        trace.origin = origin
        self._traced = True
        _state.push_trace(trace)
        try:
            with trace:
                if quiet:
                    with quiet_stdout():
                        result = self.python_function(*bound.args, **bound.kwargs)
                else:
                    result = self.python_function(*bound.args, **bound.kwargs)
        finally:
            _state.pop_trace(trace)
        if trace.created:
            self._trace_again_without_variables(bound, inputs, names, specs, origin)
        result, leaves = _returned(result)
        if concrete._outputs is None:
            concrete._outputs = result
        concrete.output_structure = result
        capture: Optional[Capture]
        try:
            capture = trace.finish(leaves)
            uncompiled = capture.compile() if self._jit_compile else None
            if uncompiled is not None and not self._warned:
                self._warned = True
                warnings.warn(
                    f"tf.function {getattr(self.python_function, '__name__', '<function>')!r} "
                    f"with jit_compile=True runs its captured graph uncompiled: {uncompiled}.",
                    stacklevel=4,
                )
        except NotCapturable as why:
            capture = None
            if not self._warned:
                self._warned = True
                warnings.warn(
                    f"tf.function {getattr(self.python_function, '__name__', '<function>')!r} "
                    f"runs eagerly: its trace cannot be replayed as a graph because {why}. "
                    "Compute Python control flow from Python values and shapes, not tensor "
                    "values, to keep it capturable.",
                    stacklevel=4,
                )
        concrete._graphs[exact] = capture
        if capture is not None:  # replayed from now on: what the trace kept is symbolic
            result = self._mark_leaked(trace, result)
        return result

    def _mark_leaked(self, trace: Trace, result: Any) -> Any:
        """Mark the tensors `trace` computed and left alive (NOTE in `_leaked`); the
        call returns views of those it returns, as TF returns new tensors."""
        computed = [t for t in trace.computed() if type(t) is EagerTensor]
        ids = {id(t) for t in computed}
        leaves = [_view(leaf) if id(leaf) in ids else leaf for leaf in flatten(result)]
        name = getattr(self.python_function, "__name__", "<function>")
        for tensor in computed:
            mark_leaked(tensor, name)
        if isinstance(result, (list, tuple, dict)):
            return pack_like(result, leaves)
        return leaves[0] if leaves else result

    def _trace_again_without_variables(
        self,
        bound: inspect.BoundArguments,
        inputs: List[_Tensor],
        names: List[str],
        specs: List[Any],
        origin: Any,
    ) -> None:
        """The check run of NOTE: [Variables made twice]: ValueError if the function
        makes a Variable again; everything else it changes is undone."""
        trace = Trace(inputs, names, specs, creates_variables=False)
        trace.origin = origin
        trace.dry = True
        _state.push_trace(trace)
        try:
            with _state.random_state_kept(), trace:
                self.python_function(*bound.args, **bound.kwargs)
        finally:
            _state.pop_trace(trace)
            trace.undo()
        self._mark_leaked(trace, None)

    # -- TF's introspection ----------------------------------------------------------

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """The concrete function for these arguments (tensors or `tf.TensorSpec`s),
        tracing it if needed."""
        if not args and not kwargs and self._input_signature is not None:
            args = tuple(self._input_signature)
        specs = any(isinstance(leaf, TensorSpec) for leaf in flatten([list(args), kwargs]))
        if not specs:
            bound = self._bind(args, kwargs)
            concrete, exact = self._concrete_for(bound)
            if not concrete._graphs:
                self._run(concrete, bound, exact)
            return concrete
        # Specs: trace on zeros of those shapes, and undo what the run did to Variables.
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        keep: List[Any] = []
        general = tuple(type_of(value, keep) for value in bound.arguments.values())
        for concrete in self._concrete:
            if concrete._type == general:
                return concrete
        concrete = ConcreteFunction(self, general, self._params(bound), bound)
        self._concrete.append(concrete)
        for name in bound.arguments:
            bound.arguments[name] = _zeros_for(bound.arguments[name])
        exact = tuple(type_of(value, keep) for value in bound.arguments.values())
        self._keep.extend(keep)
        self._tracing_count += 1
        saved = [(v, _alias(v), _copy(v)) for v in _live_variables()]
        try:
            self._trace(concrete, bound, exact, symbolic=general, quiet=False)
        finally:
            for variable, storage, values in saved:
                with _DisableSubclass():
                    set_data(variable, storage)
                    storage.copy_(values)
        return concrete

    def experimental_get_tracing_count(self) -> int:
        """How many times the function was traced (one per concrete function)."""
        return self._tracing_count

    def pretty_printed_concrete_signatures(self, verbose: builtins.bool = True) -> str:
        """Every concrete function's signature, as TF prints them."""
        return "\n\n".join(c.pretty_printed_signature(verbose) for c in self._concrete)

    @property
    def input_signature(self) -> Any:
        return None if self._input_signature is None else tuple(self._input_signature)

    @property
    def function_spec(self) -> Any:
        return self._signature

    def __repr__(self) -> str:
        return f"<tftape_torch.function {getattr(self.python_function, '__name__', '')}>"


Function.__module__ = ConcreteFunction.__module__ = "tftape_torch"


def _ordered(kwargs: Dict[str, Any]) -> List[Any]:
    return [kwargs[key] for key in sorted(kwargs)]


def _numpy_as_tensors(value: Any) -> Any:
    """`value` with its NumPy array leaves made tensors: TF traces them as tensors
    (one trace per dtype and shape) and the function sees tensors, not arrays."""
    if isinstance(value, (np.ndarray, np.generic)):
        return fresh(convert_value(value))
    if isinstance(value, (list, tuple, dict)):
        leaves = flatten(value)
        if any(isinstance(leaf, (np.ndarray, np.generic)) for leaf in leaves):
            return pack_like(value, [_feed(leaf) for leaf in leaves])
    return value


def _feed(leaf: Any) -> Any:
    if isinstance(leaf, (np.ndarray, np.generic)):
        return fresh(convert_value(leaf))
    return leaf


def _graph_inputs(values: List[Any]) -> List[Any]:
    """The tensor leaves of the arguments `values`, in the order of the graph inputs
    (see `_tensor_leaves`): Python values are part of the trace, not inputs."""
    return [_feed(leaf) for leaf in flatten(values)
            if isinstance(leaf, (_Tensor, np.ndarray, np.generic))]


def _general(trace_type: Any, spec: Any) -> Any:
    if isinstance(spec, TensorSpec) and trace_type[0] == "T":
        return ("T", spec.dtype, spec.dims)
    if isinstance(spec, (list, tuple)) and trace_type[0] in ("list", "tuple"):
        return trace_type[:-1] + (tuple(_general(t, s) for t, s in zip(trace_type[-1], spec)),)
    return trace_type


def _tensor_leaves(
    value: Any, general: Any, name: str, inputs: List[_Tensor], names: List[str], specs: List[Any]
) -> None:
    """The tensors of one argument, in `flatten` order, with their symbolic shapes."""
    leaves = flatten(value)
    kinds = _flat_types(general)
    for index, leaf in enumerate(leaves):
        if isinstance(leaf, _Tensor):
            inputs.append(leaf)
            names.append(name if len(leaves) == 1 else f"{name}_{index}")
            kind = kinds[index] if index < len(kinds) else None
            specs.append(kind[2] if kind is not None and kind[0] in ("T", "V") else ...)
        elif isinstance(leaf, (np.ndarray, np.generic)):
            inputs.append(_feed(leaf))
            names.append(name)
            specs.append(tuple(np.shape(leaf)))


def _flat_types(trace_type: Any) -> List[Any]:
    tag = trace_type[0]
    if tag in ("list", "tuple", "namedtuple"):
        return [leaf for item in trace_type[-1] for leaf in _flat_types(item)]
    if tag == "dict":
        return [leaf for _, item in trace_type[1] for leaf in _flat_types(item)]
    return [trace_type]


def _zeros_for(value: Any) -> Any:
    if isinstance(value, TensorSpec):
        shape = [1 if d is None else d for d in (value.dims or ())]
        return fresh(torch.zeros(shape, dtype=value.dtype))
    if isinstance(value, (list, tuple)):
        return type(value)(_zeros_for(item) for item in value)
    if isinstance(value, dict):
        return {k: _zeros_for(v) for k, v in value.items()}
    return value


def _live_variables() -> List[Variable]:
    import gc

    return [obj for obj in gc.get_objects() if issubclass(type(obj), Variable)]


def _alias(variable: Variable) -> _Tensor:
    with _DisableSubclass():
        return torch.Tensor.detach(variable)


def _copy(variable: Variable) -> _Tensor:
    with _DisableSubclass():
        return torch.Tensor.detach(variable).clone()


def function(
    func: Optional[Callable[..., Any]] = None,
    input_signature: Any = None,
    autograph: builtins.bool = True,
    jit_compile: Any = None,
    reduce_retracing: builtins.bool = False,
    experimental_implements: Any = None,
    experimental_autograph_options: Any = None,
    experimental_attributes: Any = None,
    experimental_relax_shapes: Any = None,
    experimental_compile: Any = None,
    experimental_follow_type_hints: Any = None,
) -> Any:
    """Compiles a function into a callable graph: TF's `tf.function`.

    The function is traced once per input signature (Python side effects run then);
    later calls run the captured torch graph. `jit_compile=True` compiles that graph
    with torch's Inductor. `input_signature` (a list of `tf.TensorSpec`) fixes the
    signature; `reduce_retracing=True` relaxes shapes that change between calls.

    >>> import tftape_torch as tf
    >>> @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    ... def double(x):
    ...     return 2 * x
    >>> print(double(tf.constant([1.0, 2.0])))
    tf.Tensor([2. 4.], shape=(2,), dtype=float32)
    >>> print(double(tf.constant([1.0, 2.0, 3.0])))
    tf.Tensor([2. 4. 6.], shape=(3,), dtype=float32)
    >>> double.experimental_get_tracing_count()
    1
    """
    relax = reduce_retracing or bool(experimental_relax_shapes)
    compile_ = jit_compile if jit_compile is not None else experimental_compile

    def decorate(python_function: Callable[..., Any]) -> Function:
        return Function(python_function, input_signature, compile_, relax)

    if func is None:
        return decorate
    return decorate(func)


def executing_eagerly() -> bool:
    """False while a `tf.function` traces its Python (the ops are being captured), else
    True, as in TF.

    >>> import tftape_torch as tf
    >>> tf.executing_eagerly()
    True
    >>> tf.function(lambda: tf.constant(tf.executing_eagerly()))()
    <tf.Tensor: shape=(), dtype=bool, numpy=False>
    """
    return _state.tracing() is None


def inside_function() -> bool:
    """Whether a `tf.function` is tracing its Python on this thread.

    >>> import tftape_torch as tf
    >>> tf.inside_function()
    False
    """
    return _state.tracing() is not None
