"""TF's functional and control-flow ops, with TF's eager semantics.

`tf.cond` and `tf.while_loop` run the Python branch or loop directly; `tf.map_fn`
and `tf.vectorized_map` call `fn` per element and stack the results; `tf.TensorArray`
is TF's eager one, a list of tensors; `tf.py_function` calls the Python function on
this package's tensors. Gradients flow through all of them as through the ops they run.

>>> import tftape_torch as tf
>>> print(tf.map_fn(lambda x: x * x, tf.constant([1.0, 2.0, 3.0])))
tf.Tensor([1. 4. 9.], shape=(3,), dtype=float32)
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import time
from typing import Any, Callable, Iterator, List, Optional

import numpy as np
import torch

from tftape_torch import _state
from tftape_torch._array_ops import convert_to_tensor, identity, stack, zeros
from tftape_torch._dtypes import as_dtype, dtype_name
from tftape_torch._op_call import as_tensor
from tftape_torch._structure import flatten, is_nested, map_structure, pack_like
from tftape_torch._tensor_array import TensorArray
from tftape_torch._tensor_spec import TensorSpec
from tftape_torch._variable import Variable
from tftape_torch.errors import InvalidArgumentError, OutOfRangeError

__all__ = [
    "case",
    "cond",
    "control_dependencies",
    "foldl",
    "foldr",
    "group",
    "identity_n",
    "init_scope",
    "map_fn",
    "no_op",
    "numpy_function",
    "py_function",
    "scan",
    "switch_case",
    "timestamp",
    "vectorized_map",
    "while_loop",
]


def _index(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return int(value.item())
    return int(value)


def _spec_dtype(spec: Any) -> Optional[torch.dtype]:
    if isinstance(spec, TensorSpec):
        return as_dtype(spec.dtype)
    if spec is None:
        return None
    return as_dtype(spec)


# ---------------------------------------------------------------------------
# Ordering: eager code runs in program order, so these only keep TF code running


def no_op(name: Optional[str] = None) -> None:
    """Does nothing (TF's graph placeholder op; eagerly it returns `None`)."""


def group(*inputs: Any, **kwargs: Any) -> None:
    """Groups ops to run together in a TF graph; eagerly they already ran: `None`."""


def control_dependencies(control_inputs: Any) -> Any:
    """A context manager that does nothing: eagerly, every op runs when it is called,
    so `control_inputs` have already run (TF returns a null context manager too).

    >>> import tftape_torch as tf
    >>> with tf.control_dependencies([tf.constant(1.0)]):
    ...     print(tf.constant(2.0))
    tf.Tensor(2.0, shape=(), dtype=float32)
    """
    return contextlib.nullcontext()


def timestamp(name: Optional[str] = None) -> torch.Tensor:
    """Seconds since the epoch, as a float64 scalar (TF's `tf.timestamp`).

    >>> import tftape_torch as tf
    >>> tf.timestamp().dtype
    torch.float64
    """
    return convert_to_tensor(time.time(), torch.float64)


# ---------------------------------------------------------------------------
# Conditionals and loops


def cond(
    pred: Any,
    true_fn: Optional[Callable[[], Any]] = None,
    false_fn: Optional[Callable[[], Any]] = None,
    name: Optional[str] = None,
) -> Any:
    """`true_fn()` if `pred` else `false_fn()` (eagerly only that branch runs).

    >>> import tftape_torch as tf
    >>> x = tf.constant(2.0)
    >>> print(tf.cond(x > 1.0, lambda: x * 10.0, lambda: x))
    tf.Tensor(20.0, shape=(), dtype=float32)

    Raises:
      TypeError: if a branch is missing or not callable, or `pred` is a Python bool
        inside `tf.function`.
      ValueError: if `pred` has more than one element.
    """
    if true_fn is None:
        raise TypeError("'true_fn' must not be None.")
    if false_fn is None:
        raise TypeError("'false_fn' must not be None.")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    if isinstance(pred, builtins.bool) and _state.tracing() is not None:
        # A graph's cond takes a tensor: TF refuses a Python bool inside tf.function
        # (where a Python `if` is what picks a branch at trace time).
        raise TypeError("pred must not be a Python bool", pred)
    p = as_tensor(pred)
    with torch.no_grad():
        value = p.detach().cpu().numpy()
    # Python's truth value of the NumPy value, as TF's eager cond takes it: a
    # non-bool scalar counts by its value, several elements raise ValueError.
    result = true_fn() if builtins.bool(value) else false_fn()
    return result


def _read_variables(structure: Any) -> Any:
    flat = [v.read_value() if isinstance(v, Variable) else v for v in flatten(structure)]
    return pack_like(structure, flat)


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    shape_invariants: Any = None,
    parallel_iterations: int = 10,
    back_prop: builtins.bool = True,
    swap_memory: builtins.bool = False,
    maximum_iterations: Any = None,
    name: Optional[str] = None,
) -> Any:
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)`, then returns them.

    The result has the structure of what `body` returns (of `loop_vars` if it never
    runs), its leaves converted to tensors; `maximum_iterations` caps the number of
    iterations.

    >>> import tftape_torch as tf
    >>> i = tf.constant(0)
    >>> result = tf.while_loop(lambda i: tf.less(i, 10), lambda i: (tf.add(i, 1),), [i])
    >>> print(result)
    (<tf.Tensor: shape=(), dtype=int32, numpy=10>,)

    Raises:
      TypeError: if `cond` or `body` is not callable, or `body` returns a single
        tensor for a list of loop variables.
      ValueError: if `loop_vars` is empty, or `body` returns another structure.
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    loop_vars = _read_variables(loop_vars)
    if not loop_vars and not isinstance(loop_vars, torch.Tensor):
        raise ValueError("'loop_vars' must be provided.")
    limit = None if maximum_iterations is None else _index(maximum_iterations)
    structure = list(loop_vars)
    count = 0
    while (limit is None or count < limit) and builtins.bool(cond(*loop_vars)):
        loop_vars = body(*loop_vars)
        if limit is not None:
            _same_structure(structure, loop_vars, True)
        else:
            _same_structure(structure, list(loop_vars), True)
        count += 1
    return map_structure(_loop_output, loop_vars)


def _loop_output(value: Any) -> Any:
    if isinstance(value, TensorArray):
        return value
    return convert_to_tensor(value)


def _same_structure(a: Any, b: Any, top: builtins.bool = False) -> None:
    """TF's `nest.assert_same_structure` (sequence types checked below the top level)."""
    if is_nested(a) != is_nested(b):
        raise ValueError(
            "The two structures don't have the same nested structure: the loop variables "
            f"{a!r} and what `body` returned, {b!r}."
        )
    if not is_nested(a):
        return
    if not top and type(a) is not type(b):
        raise TypeError(
            f"The two structures don't have the same sequence type: {type(a)} and {type(b)}."
        )
    if isinstance(a, dict):
        if sorted(a) != sorted(b):
            raise ValueError("The two structures don't have the same keys.")
        for key in a:
            _same_structure(a[key], b[key])
        return
    if len(a) != len(b):
        raise ValueError(
            f"The two structures don't have the same number of elements: {len(a)} and {len(b)}."
        )
    for x, y in zip(a, b):
        _same_structure(x, y)


# ---------------------------------------------------------------------------
# Mapping over a batch


def _check_lengths(leaves: List[torch.Tensor]) -> int:
    if not leaves:
        raise ValueError("elems must be a Tensor or (possibly nested) sequence of Tensors.")
    for t in leaves:
        if t.dim() == 0:
            raise ValueError(
                "Elements in elems must be 1+ dimensional Tensors, not scalars"
            )
    # `size(0)`, the value's: a Variable's `shape` is its declared one (`None`s too).
    n = leaves[0].size(0)
    for t in leaves[1:]:
        if t.size(0) != n:
            raise ValueError(
                "All elements in elems must have the same size on the first dimension; got "
                f"{[int(u.size(0)) for u in leaves]}"
            )
    return int(n)


def _slices(elems: Any) -> Any:
    """`elems` as its leaves (tensors) and their common first dimension."""
    leaves = [as_tensor(v) for v in flatten(elems)]
    return leaves, _check_lengths(leaves)


def _item(elems: Any, leaves: List[torch.Tensor], i: int) -> Any:
    return pack_like(elems, [t[i] for t in leaves]) if is_nested(elems) else leaves[0][i]


def _fold(fn: Callable[[Any, Any], Any], elems: Any, initializer: Any,
          indices: List[int], keep: builtins.bool) -> Any:
    leaves, n = _slices(elems)
    if initializer is None:
        if n == 0:
            raise OutOfRangeError(None, None, "Tried to read from index 0 but array size is: 0")
        acc = _item(elems, leaves, indices[0])
        indices = indices[1:]
        steps = [acc]
    else:
        acc, steps = initializer, []
    for i in indices:
        acc = fn(acc, _item(elems, leaves, i))
        steps.append(acc)
    return steps if keep else acc


def foldl(fn: Callable[[Any, Any], Any], elems: Any, initializer: Any = None,
          parallel_iterations: int = 10, back_prop: builtins.bool = True,
          swap_memory: builtins.bool = False, name: Optional[str] = None) -> Any:
    """`fn(...fn(fn(initializer, elems[0]), elems[1])..., elems[n-1])`: `elems` folded from
    the left (without `initializer`, the first slice starts). Gradients flow through.

    >>> import tftape_torch as tf
    >>> print(tf.foldl(lambda a, x: a * x, tf.constant([1.0, 2.0, 3.0, 4.0])))
    tf.Tensor(24.0, shape=(), dtype=float32)

    Raises:
      OutOfRangeError: `elems` is empty and there is no `initializer`.
    """
    _, n = _slices(elems)
    return _fold(fn, elems, initializer, list(builtins.range(n)), keep=False)


def foldr(fn: Callable[[Any, Any], Any], elems: Any, initializer: Any = None,
          parallel_iterations: int = 10, back_prop: builtins.bool = True,
          swap_memory: builtins.bool = False, name: Optional[str] = None) -> Any:
    """`elems` folded from the right: as `foldl`, last slice first.

    >>> import tftape_torch as tf
    >>> print(tf.foldr(lambda a, x: a - x, tf.constant([1.0, 2.0]), initializer=tf.constant(0.0)))
    tf.Tensor(-3.0, shape=(), dtype=float32)
    """
    _, n = _slices(elems)
    return _fold(fn, elems, initializer, list(builtins.range(n))[::-1], keep=False)


def scan(fn: Callable[[Any, Any], Any], elems: Any, initializer: Any = None,
         parallel_iterations: int = 10, back_prop: builtins.bool = True,
         swap_memory: builtins.bool = False, infer_shape: builtins.bool = True,
         reverse: builtins.bool = False, name: Optional[str] = None) -> Any:
    """Every intermediate accumulator of `foldl` (of `foldr` with `reverse`), stacked
    along a new first dimension in the order of `elems`.

    >>> import tftape_torch as tf
    >>> print(tf.scan(lambda a, x: a + x, tf.constant([1.0, 2.0, 3.0])))
    tf.Tensor([1. 3. 6.], shape=(3,), dtype=float32)
    """
    _, n = _slices(elems)
    order = list(builtins.range(n))
    steps = _fold(fn, elems, initializer, order[::-1] if reverse else order, keep=True)
    if reverse:
        steps = steps[::-1]
    if not steps:  # no elements, with an initializer: TF stacks nothing, shaped like it
        empty = [as_tensor(value) for value in flatten(initializer)]
        empty = [zeros([0] + list(value.size()), value.dtype) for value in empty]
        return pack_like(initializer, empty) if is_nested(initializer) else empty[0]
    flat = [flatten(step) for step in steps]
    stacked = [stack([as_tensor(values[j]) for values in flat])
               for j in builtins.range(len(flat[0]))]
    return pack_like(steps[0], stacked) if is_nested(steps[0]) else stacked[0]


def switch_case(branch_index: Any, branch_fns: Any, default: Optional[Callable[[], Any]] = None,
                name: str = "switch_case") -> Any:
    """The result of `branch_fns[branch_index]()`; an index out of range runs `default`
    (or, without one, the branch of the greatest index). `branch_fns` is a list, a list
    of `(index, fn)` pairs or a dict.

    >>> import tftape_torch as tf
    >>> print(tf.switch_case(tf.constant(1), [lambda: tf.constant(10), lambda: tf.constant(20)]))
    tf.Tensor(20, shape=(), dtype=int32)

    Raises:
      TypeError: `branch_index` is not an integer tensor, or `branch_fns` is not a
        list, tuple or dict of callables (with Python `int` keys).
      ValueError: `branch_fns` is empty, or its keys are not `0, ..., n - 1`.
      InvalidArgumentError: `branch_index` is not a scalar.
    """
    actions = _branch_actions(branch_index, branch_fns)
    if branch_index.dim() != 0:
        raise InvalidArgumentError(
            None, None, "'then' must be at least a vector, but saw shape: "
            f"{list(branch_index.shape)} [Op:Select]")
    index = _index(branch_index)
    if 0 <= index < len(actions):
        return actions[index]()
    return default() if default is not None else actions[-1]()


def _branch_actions(branch_index: Any, branch_fns: Any) -> List[Callable[[], Any]]:
    """TF's checks of `switch_case`'s arguments; the branches in index order."""
    if not isinstance(branch_index, torch.Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    if branch_index.is_floating_point() or branch_index.is_complex() or (
            branch_index.dtype == torch.bool):
        raise TypeError("'branch_index' must be an integer Tensor, got "
                        f"<dtype: '{dtype_name(branch_index.dtype)}'>")
    if not branch_fns:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    if not isinstance(branch_fns, (list, tuple, dict)):
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    pairs = list(branch_fns.items()) if isinstance(branch_fns, dict) else list(branch_fns)
    if builtins.all(callable(fn) for fn in pairs):
        pairs = list(enumerate(pairs))
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"Each entry in 'branch_fns' must be a 2-tuple. Received {pair}.")
        key, fn = pair
        if not isinstance(key, int):
            raise TypeError(f"key must be a Python `int`, got {type(key)}")
        if not callable(fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = [key for key, _ in pairs]
    if builtins.min(keys) < 0 or builtins.max(keys) >= len(keys) or len(set(keys)) != len(keys):
        raise ValueError(
            f"branch indices (keys) must form contiguous range of [0 to {len(keys)}) but "
            f"found {{{','.join(map(str, sorted(keys)))}}}")
    return [fn for _, fn in sorted(pairs, key=lambda pair: pair[0])]


def case(pred_fn_pairs: Any, default: Optional[Callable[[], Any]] = None,
         exclusive: builtins.bool = False, strict: builtins.bool = False,
         name: str = "case") -> Any:
    """The result of the `fn` of the first `(pred, fn)` pair whose `pred` is true, or of
    `default`.

    >>> import tftape_torch as tf
    >>> pairs = [(tf.constant(False), lambda: tf.constant(1))]
    >>> print(tf.case(pairs, default=lambda: tf.constant(3)))
    tf.Tensor(3, shape=(), dtype=int32)

    Raises:
      InvalidArgumentError: no `pred` is true and there is no `default`.
    """
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    for pred, fn in pairs:
        if builtins.bool(pred):
            return fn()
    if default is None:
        shown = ", ".join(str(builtins.bool(pred)) for pred, _ in pairs)
        raise InvalidArgumentError(
            None, None, "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. "
            f"Summarized data: b'Input error: None of conditions evaluated as True:'\n{shown}"
        )
    return default()


def map_fn(
    fn: Callable[[Any], Any],
    elems: Any,
    dtype: Any = None,
    parallel_iterations: Optional[int] = None,
    back_prop: builtins.bool = True,
    swap_memory: builtins.bool = False,
    infer_shape: builtins.bool = True,
    name: Optional[str] = None,
    fn_output_signature: Any = None,
) -> Any:
    """`fn` applied to each slice of `elems` along its first dimension, results stacked.

    `elems` may be a nested structure of tensors with one first dimension; `fn` then
    takes that structure. `fn_output_signature` (a dtype, a `tf.TensorSpec` or a
    structure of them) says what `fn` returns where it differs from `elems`.

    >>> import tftape_torch as tf
    >>> print(tf.map_fn(lambda t: tf.reduce_sum(t), tf.constant([[1, 2], [3, 4]])))
    tf.Tensor([3 7], shape=(2,), dtype=int32)
    >>> print(tf.map_fn(lambda t: t[0] * t[1], (tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])),
    ...                 fn_output_signature=tf.float32))
    tf.Tensor([3. 8.], shape=(2,), dtype=float32)

    Raises:
      TypeError: if `fn` is not callable.
      ValueError: if `elems` holds a scalar or first dimensions differ.
      InvalidArgumentError: if `fn` returns another dtype than expected.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable. Received: {fn!r}")
    if fn_output_signature is None:
        fn_output_signature = dtype
    leaves = [as_tensor(v) for v in flatten(elems)]
    n = _check_lengths(leaves)
    if fn_output_signature is None:
        signature: Any = pack_like(elems, [t.dtype for t in leaves]) if is_nested(elems) \
            else leaves[0].dtype
    else:
        signature = fn_output_signature
    expected = [_spec_dtype(s) for s in flatten(signature)]
    results: List[List[Any]] = [[] for _ in expected]
    for i in builtins.range(n):
        item = pack_like(elems, [t[i] for t in leaves]) if is_nested(elems) else leaves[0][i]
        out = fn(item)
        flat = flatten(out)
        if len(flat) != len(expected):
            raise ValueError(
                "The two structures don't have the same nested structure: fn returned "
                f"{len(flat)} value(s), fn_output_signature has {len(expected)}."
            )
        for j, (value, want) in enumerate(zip(flat, expected)):
            t = as_tensor(value, want)
            if want is not None and t.dtype != want:
                raise InvalidArgumentError(
                    None,
                    None,
                    f"TensorArray dtype is {dtype_name(want)} but Op is trying to write dtype "
                    f"{dtype_name(t.dtype)} ",
                )
            results[j].append(t)
    stacked = []
    for j, spec in enumerate(flatten(signature)):
        if results[j]:
            stacked.append(stack(results[j]))
        else:
            shape = list(spec.shape) if isinstance(spec, TensorSpec) else []
            stacked.append(zeros([0] + [d or 0 for d in shape], expected[j]))
    return pack_like(signature, stacked) if is_nested(signature) else stacked[0]


def vectorized_map(
    fn: Callable[[Any], Any],
    elems: Any,
    fallback_to_while_loop: builtins.bool = True,
    warn: builtins.bool = True,
) -> Any:
    """`fn` applied to each slice of `elems` along its first dimension, results stacked.

    TF vectorizes `fn`; here it runs per slice (same values, dtypes and gradients).

    >>> import tftape_torch as tf
    >>> print(tf.vectorized_map(lambda t: t + 1, tf.constant([1, 2])))
    tf.Tensor([2 3], shape=(2,), dtype=int32)
    """
    leaves = [as_tensor(v) for v in flatten(elems)]
    n = _check_lengths(leaves)
    outputs = []
    for i in builtins.range(n):
        item = pack_like(elems, [t[i] for t in leaves]) if is_nested(elems) else leaves[0][i]
        outputs.append(fn(item))
    if not outputs:
        raise ValueError("vectorized_map needs a non-empty first dimension here")
    columns = [stack([as_tensor(v) for v in column])
               for column in zip(*(flatten(o) for o in outputs))]
    return pack_like(outputs[0], columns)


# ---------------------------------------------------------------------------
# Python functions and scopes


def numpy_function(func: Callable[..., Any], inp: Any, Tout: Any,
                   stateful: builtins.bool = True, name: Optional[str] = None) -> Any:
    """Calls the Python `func` on NumPy arrays of `inp` and converts its result to `Tout`.

    No gradient flows through `func` (it computes on arrays); like `py_function`, it
    runs at every call of a traced `tf.function`. Each result keeps its array's dtype,
    as in TF.

    >>> import tftape_torch as tf
    >>> print(tf.numpy_function(lambda a: a * 2, [tf.constant([1.0, 2.0])], tf.float32))
    tf.Tensor([2. 4.], shape=(2,), dtype=float32)
    """

    args = [as_tensor(v) for v in (inp or [])]
    run = functools.partial(_run_numpy, func, Tout)
    trace = _state.tracing()
    if trace is not None:
        return trace.python_call(run, args)
    return run(*args)


def _run_numpy(func: Callable[..., Any], Tout: Any, *args: Any) -> Any:
    out = func(*[np.asarray(as_tensor(a).numpy()) for a in args])
    # TF keeps each array's own dtype (`Tout` only declares it).
    if isinstance(Tout, (list, tuple)):
        values = list(out) if isinstance(out, (list, tuple)) else [out]
        return [convert_to_tensor(np.asarray(v)) for v in values]
    return convert_to_tensor(np.asarray(out))


def py_function(
    func: Optional[Callable[..., Any]] = None,
    inp: Any = None,
    Tout: Any = None,
    name: Optional[str] = None,
) -> Any:
    """Calls the Python `func` on the tensors `inp` and converts its result to `Tout`.

    `func` runs eagerly, also inside a `tf.function`: there it runs at every call of
    the traced graph, not only while tracing. It sees this package's tensors
    (`.numpy()` works) and gradients flow through what it computes. Without `func`,
    returns a decorator (`@tf.py_function(Tout=tf.float32)`).

    >>> import tftape_torch as tf
    >>> print(tf.py_function(lambda a, b: a * b, [tf.constant(2.0), 3.0], Tout=tf.float32))
    tf.Tensor(6.0, shape=(), dtype=float32)
    >>> @tf.py_function(Tout=tf.float32)
    ... def plus(a, b):
    ...     return a + b
    >>> print(plus(tf.constant(1.0), tf.constant(2.0)))
    tf.Tensor(3.0, shape=(), dtype=float32)
    """
    if func is None:
        if Tout is None:
            raise TypeError("py_function needs `func`, or `Tout` to be used as a decorator")

        def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(function)
            def wrapper(*args: Any) -> Any:
                return py_function(function, list(args), Tout, name)

            return wrapper

        return decorate
    args = [as_tensor(v) for v in (inp or [])]
    run = functools.partial(_run_python, func, Tout)
    trace = _state.tracing()
    if trace is not None:
        return trace.python_call(run, args)
    return run(*args)


def _run_python(func: Callable[..., Any], Tout: Any, *args: Any) -> Any:
    out = func(*[as_tensor(a) for a in args])
    if isinstance(Tout, (list, tuple)):
        values = list(out) if isinstance(out, (list, tuple)) else [out]
        if len(values) != len(Tout):
            raise InvalidArgumentError(
                None, None, f"pyfunc returned {len(values)} values, but expected {len(Tout)} "
                "[Op:EagerPyFunc]"
            )
        return [_py_output(v, t) for v, t in zip(values, Tout)]
    if Tout is None:
        return None
    return _py_output(out, Tout)


def _py_output(value: Any, dtype: Any) -> torch.Tensor:
    want = as_dtype(dtype)
    t = convert_to_tensor(value, dtype_hint=want)
    if t.dtype != want:
        raise InvalidArgumentError(
            None, None, f"Expected {dtype_name(want)}, but got {dtype_name(t.dtype)} "
            "[Op:EagerPyFunc]"
        )
    return t


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """A context that lifts code out of `tf.function` graphs and pauses tapes.

    Inside a `tf.function` being traced, the code runs once, while tracing: its ops
    are not part of the graph (their results are its constants) and what it assigns
    to Variables stays assigned. Tapes recording on this thread do not record it, as
    in TF. Eagerly and with no tape, it changes nothing.

    >>> import tftape_torch as tf
    >>> v = tf.Variable(0)
    >>> @tf.function
    ... def f():
    ...     with tf.init_scope():
    ...         v.assign_add(1)  # once, while tracing
    ...     return v.read_value()
    >>> print(f().numpy(), f().numpy(), v.numpy())
    1 1 1
    """
    with contextlib.ExitStack() as stack:
        for trace in reversed(_state.THREAD.traces):
            stack.enter_context(trace.paused())
        for tape in reversed(list(_state.recording_tapes())):
            stack.enter_context(tape.stop_recording())
        yield


def identity_n(input: Any, name: Optional[str] = None) -> List[torch.Tensor]:
    """`tf.identity` of each tensor in the list `input`.

    >>> import tftape_torch as tf
    >>> a, b = tf.identity_n([tf.constant(1), tf.constant(2.0)])
    >>> print(a, b)
    tf.Tensor(1, shape=(), dtype=int32) tf.Tensor(2.0, shape=(), dtype=float32)
    """
    return [identity(v) for v in input]
