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
from tftape_torch._function_signature import (
    CastError,
    binding_error,
    call_signature,
    cast,
    cast_fixed,
    check_unmodified,
    copied,
    dtype_word,
    feed,
    general_type,
    graph_inputs,
    leaf_names,
    numpy_as_tensors,
    output_specs,
    returned,
    signature_text,
    snapshot,
    spec_of,
    variables_kept,
    zeros_for,
)
from tftape_torch._function_tracing import Capture, Graph, NotCapturable, StagingError, Trace
from tftape_torch._leaked import mark_leaked
from tftape_torch._print_op import quiet_stdout
from tftape_torch._structure import flatten, pack_like
from tftape_torch._tensor import EagerTensor, fresh
from tftape_torch._tensor_spec import TensorSpec
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._trace_type import aliasing, fits, join, kept, output_text, type_text
from tftape_torch._trace_type import trace_type as type_of
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "ConcreteFunction", "Function", "executing_eagerly", "function", "inside_function",
]

_Tensor = torch.Tensor
_SIZE = torch.Tensor.size
_DTYPE = torch.Tensor.dtype.__get__  # type: ignore[attr-defined]

def _view(tensor: torch.Tensor) -> torch.Tensor:
    """A new tensor object viewing `tensor` (with its history)."""
    with _DisableSubclass():
        view = torch.Tensor.view_as(tensor, tensor)
    return fresh(view)


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
        self._alias: Any = None  # which Variable arguments are the same (`aliasing`)
        self._spec_names: Dict[str, Optional[str]] = {}  # names given by TensorSpecs

    # -- TF's API ------------------------------------------------------------------

    @property
    def structured_input_signature(self) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
        """The argument specs: `((TensorSpec(..., name='x'), 2), {})`."""
        specs = []
        for (name, _), trace_type in zip(self._names, self._type):
            specs.append(spec_of(trace_type, self._spec_names.get(name) or name))
        return tuple(specs), {}

    @property
    def structured_outputs(self) -> Any:
        """The outputs' structure, each tensor as a `tf.TensorSpec` (TF: a graph tensor)."""
        return output_specs(self._outputs)

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
        varargs = any(kind == "VAR_POSITIONAL" for _, kind in self._names)
        for (name, kind), trace_type in zip(self._names, self._type):
            if kind == "VAR_POSITIONAL":  # TF lists `*args` as `args_0`, `args_1`...
                lines.extend(f"  {name}_{i} (POSITIONAL_ONLY): {type_text(item)}"
                             for i, item in enumerate(trace_type[-1]))
            elif kind == "VAR_KEYWORD":
                lines.extend(f"  {key} (KEYWORD_ONLY): {type_text(item)}"
                             for key, item in trace_type[1])
            else:
                if varargs and kind == "POSITIONAL_OR_KEYWORD":
                    kind = "POSITIONAL_ONLY"
                text = type_text(trace_type, self._spec_names.get(name))
                lines.append(f"  {name} ({kind}): {text}")
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
        index = 0
        for (name, _), general in zip(self._names, self._type):
            value = bound.arguments[name]
            if general[0] == "T":  # TF converts; runs any shape; checks the dtype
                if not isinstance(value, _Tensor):
                    try:
                        value = fresh(convert_value(value, general[1]))
                    except (TypeError, ValueError) as error:
                        raise TypeError(self._error(str(error), args, kwargs)) from None
                with _DisableSubclass():
                    dtype = _DTYPE(value)
                if dtype != general[1]:
                    what = getattr(self._owner.python_function, "__name__", "function")
                    raise InvalidArgumentError(
                        None, None, f"cannot compute {what} as input #{index}(zero-based)"
                        f" was expected to be a {dtype_word(general[1])} "
                        f"tensor but is a {dtype_word(dtype)} tensor")
                bound.arguments[name] = value
            elif general[0] == "L" and not fits(type_of(value, []), general):
                raise TypeError(self._error(f"Can not cast {value!r} to "
                                            f"{type_text(general)}", args, kwargs))
            index += len(graph_inputs([value]))
        keep: List[Any] = []
        exact = tuple(type_of(bound.arguments[name], keep) for name, _ in self._names)
        if not all(fits(a, b) for a, b in zip(exact, self._type) if a[0] != "T"):
            raise TypeError(self._error(f"{exact!r} does not fit {self._type!r}", args, kwargs))
        return self._owner._run(self, bound, exact)

    def _error(self, reason: str, args: Sequence[Any], kwargs: Dict[str, Any]) -> str:
        params = ", ".join(
            f"{name}: {type_text(t)}" for (name, _), t in zip(self._names, self._type))
        return (f"Binding inputs to tf.function failed due to `{reason}`. Received args: "
                f"{tuple(args)!r} and kwargs: {kwargs!r} for signature: ({params}) -> "
                f"{output_text(self._outputs)}.")


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
                raise TypeError(self._error(str(error), args, kwargs)) from None
            return flat
        return self._owner._cast_all(bound, args, kwargs)

    def _bind_flat(
        self, args: Sequence[Any], kwargs: Dict[str, Any]
    ) -> Optional[inspect.BoundArguments]:
        """TF's fallback "flat signature": only the tensor parameters, positionally or
        by name; the other parameters keep the values this function was traced with."""
        slots = [(flat, name, index) for (name, _), t in zip(self._names, self._type)
                 for index, (flat, kind) in enumerate(leaf_names(t, name)) if kind in ("T", "V")]
        tensors = [flat for flat, _, _ in slots]
        if len(args) > len(tensors) or any(key not in tensors for key in kwargs):
            return None
        given = dict(zip(tensors, args))
        if any(key in given for key in kwargs):
            return None
        given.update(kwargs)
        if set(given) != set(tensors) or not all(isinstance(v, _Tensor) for v in given.values()):
            return None
        bound = inspect.BoundArguments(self._template.signature, self._template.arguments.copy())
        leaves = {name: flatten(bound.arguments[name]) for _, name, _ in slots}
        for flat, name, index in slots:
            leaves[name][index] = given[flat]
        for name, items in leaves.items():
            value = bound.arguments[name]
            bound.arguments[name] = pack_like(value, items) if isinstance(
                value, (list, tuple, dict)) else items[0]
        return bound




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
        self._input_signature = None if input_signature is None else list(input_signature)
        self._deferred: Optional[str] = None  # a method's signature is checked when bound
        try:
            self._signature, self._n_specs = call_signature(
                python_function, self._input_signature)
        except TypeError as error:
            if self._input_signature is None or "missing type constraint" not in str(error):
                raise
            self._signature, self._n_specs = inspect.signature(python_function), 0
            self._deferred = str(error)
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
                if keep:
                    alias = aliasing(keep)
                    if alias is not None:
                        fast_key = (fast_key, alias)
                hit = self._fast.get(fast_key)
            except TypeError:
                hit, fast_key = None, None
            if hit is not None:
                capture = hit[0]._graphs.get(hit[1])
                if capture is not None:
                    flat = graph_inputs(list(args))
                    return pack_like(hit[0].output_structure, capture(flat))
        bound = self._bind(args, kwargs)
        concrete, exact = self._concrete_for(bound)
        result = self._run(concrete, bound, exact)
        if fast_key is not None:
            self._keep.extend(kept(keep))
            self._fast[fast_key] = (concrete, exact)
        return result

    def _bind(self, args: Sequence[Any], kwargs: Dict[str, Any]) -> inspect.BoundArguments:
        """The arguments bound to the parameters (defaults applied), checked against
        `input_signature` (TF's TypeError otherwise)."""
        if self._deferred is not None:
            raise TypeError(self._deferred)
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
            try:
                for index, (name, param) in enumerate(self._signature.parameters.items()):
                    if name not in bound.arguments:
                        continue
                    if index < self._n_specs:
                        spec = self._input_signature[index]
                        bound.arguments[name] = cast(bound.arguments[name], spec)
                    else:
                        cast_fixed(bound.arguments[name], param.default)
            except CastError as error:
                raise TypeError(self._binding_error(str(error), args, kwargs)) from None
        for name, value in bound.arguments.items():
            bound.arguments[name] = numpy_as_tensors(value)
        return bound

    def _binding_error(self, reason: str, args: Sequence[Any], kwargs: Dict[str, Any]) -> str:
        return binding_error(
            reason, args, kwargs, signature_text(self._signature, self._input_signature)
        )

    def _params(self, bound: inspect.BoundArguments) -> List[Tuple[str, str]]:
        return [(name, str(self._signature.parameters[name].kind)) for name in bound.arguments]

    def _concrete_for(self, bound: inspect.BoundArguments) -> Tuple[ConcreteFunction, Any]:
        """The concrete function for these arguments (traced if new), and their exact type."""
        keep: List[Any] = []
        exact = tuple(type_of(value, keep) for value in bound.arguments.values())
        alias = aliasing(keep)
        self._keep.extend(kept(keep))
        for concrete in self._concrete:
            if (len(exact) == len(concrete._type) and concrete._alias == alias
                    and all(fits(a, b) for a, b in zip(exact, concrete._type))):
                return concrete, exact
        general = exact
        if self._input_signature is not None:
            general = self._generalized(exact)
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
        concrete._alias = alias
        if self._input_signature is not None:
            concrete._spec_names.update(
                (name, spec.name) for name, spec in zip(bound.arguments, self._input_signature)
                if isinstance(spec, TensorSpec))
        self._concrete.append(concrete)
        return concrete, exact

    def _generalized(self, exact: Any) -> Any:
        """`exact` relaxed to `input_signature` (the specs' shapes), if there is one."""
        if self._input_signature is None:
            return exact
        specs = self._input_signature + [None] * (len(exact) - len(self._input_signature))
        return tuple(general_type(t, spec) for t, spec in zip(exact, specs))

    def _run(self, concrete: ConcreteFunction, bound: inspect.BoundArguments, exact: Any) -> Any:
        """Run `concrete` on `bound` arguments of exact type `exact` (tracing if needed)."""
        graphs = concrete._graphs
        if exact in graphs:
            capture = graphs[exact]
            if capture is None:  # runs eagerly, but returns what a graph would
                result = self.python_function(*bound.args, **bound.kwargs)
                return returned(result, self.python_function)[0]
            flat = graph_inputs(list(bound.arguments.values()))
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
        traced, self._traced = self._traced, True
        before = {}
        for name, value in bound.arguments.items():
            if type(value) in (list, dict):
                bound.arguments[name] = value = copied(value)
                before[name] = snapshot(value)
        _state.push_trace(trace)
        try:
            with trace:
                if quiet:
                    with quiet_stdout():
                        result = self.python_function(*bound.args, **bound.kwargs)
                else:
                    result = self.python_function(*bound.args, **bound.kwargs)
                if before:
                    check_unmodified(self.python_function, before, bound.arguments)
                result, leaves = returned(result, self.python_function)  # reads: in the graph
        except BaseException:
            self._traced = traced
            if not concrete._graphs and concrete in self._concrete:  # TF counts no failed trace
                self._concrete.remove(concrete)
                self._tracing_count -= 1
            raise
        finally:
            _state.pop_trace(trace)
        if trace.created:
            self._tracing_count += 1  # TF counts the check trace of NOTE: [Variables made twice]
            self._trace_again_without_variables(bound, inputs, names, specs, origin)
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
            if not concrete._graphs:  # traced, not run: what it did to Variables is undone
                with variables_kept():
                    self._run(concrete, bound, exact)
            return concrete
        # Specs: trace on zeros of those shapes, and undo what the run did to Variables.
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        keep: List[Any] = []
        general = self._generalized(
            tuple(type_of(value, keep) for value in bound.arguments.values()))
        for concrete in self._concrete:
            if len(general) == len(concrete._type) and all(
                    fits(a, b) for a, b in zip(general, concrete._type)):
                return concrete
        concrete = ConcreteFunction(self, general, self._params(bound), bound)
        self._concrete.append(concrete)
        concrete._spec_names.update(
            (name, spec.name) for name, spec in bound.arguments.items()
            if isinstance(spec, TensorSpec))
        for name in bound.arguments:
            bound.arguments[name] = zeros_for(bound.arguments[name])
        exact = tuple(type_of(value, keep) for value in bound.arguments.values())
        self._keep.extend(kept(keep))
        self._tracing_count += 1
        with variables_kept():
            self._trace(concrete, bound, exact, symbolic=general, quiet=False)
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
            inputs.append(feed(leaf))
            names.append(name)
            specs.append(tuple(np.shape(leaf)))


def _flat_types(trace_type: Any) -> List[Any]:
    tag = trace_type[0]
    if tag in ("list", "tuple", "namedtuple"):
        return [leaf for item in trace_type[-1] for leaf in _flat_types(item)]
    if tag == "dict":
        return [leaf for _, item in trace_type[1] for leaf in _flat_types(item)]
    return [trace_type]




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
    trace = _state.tracing()
    return trace is None or trace.is_paused


def inside_function() -> bool:
    """Whether a `tf.function` is tracing its Python on this thread.

    >>> import tftape_torch as tf
    >>> tf.inside_function()
    False
    """
    return _state.tracing() is not None
