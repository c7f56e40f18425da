"""Run a conformance case under some `tf` module and compare canonical answers.

A case is a function `case_<name>(tf)` written in TensorFlow style. It returns any
nesting of dicts, lists, tuples, namedtuples, tensors, Variables, numpy values,
`None`, Python numbers, bools and strings. `run_case` turns that into a JSON-able
canonical form that does not depend on the framework that produced it:

* a tensor becomes ``{"kind": "tensor", "dtype": "float32", "shape": [2], "value": [...]}``
  (``"variable"`` for Variables, ``"ndarray"`` for numpy values; NaN and infinities
  are written as the strings ``"nan"``, ``"inf"``, ``"-inf"``);
* a tuple becomes ``{"kind": "tuple", "items": [...]}``, a namedtuple
  ``{"kind": "namedtuple", "name": ..., "items": {field: ...}}``, a list stays a list,
  a dict with string keys stays a dict;
* an exception escaping the case becomes ``{"error": "<exception class name>"}``,
  and a normal return ``{"result": <canonical value>}``.

Cases that care about a message return ``str(e)`` themselves; cases that care about
warnings wrap the code in `capture_warnings()` and return the list it fills. TF's
warnings arrive through its Python logger, ours through `warnings`: both are captured.

Design constraint: this module never imports TensorFlow (the golden files exist so that
the suite runs without it) and only touches torch when torch is already imported.
"""

from __future__ import annotations

import collections.abc
import contextlib
import logging
import math
import sys
import warnings
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple

import numpy as np

__all__ = [
    "HarnessError",
    "canonical",
    "capture_warnings",
    "compare",
    "execute",
    "first_and_second",
    "in_function",
    "raises",
    "run_case",
    "tolerance",
    "torch_devices",
]

DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-6

_IGNORED_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ResourceWarning, FutureWarning)


class HarnessError(Exception):
    """A case returned something the harness cannot put in canonical form."""


# ---------------------------------------------------------------------------
# Case helpers


def sin_array(shape: Any, k: float = 0.0) -> np.ndarray:
    """A deterministic float64 array of `shape`: sin of a scaled arange, plus 0.25.

    >>> sin_array([2]).round(3).tolist()
    [0.546, 1.091]
    """
    n = int(np.prod(shape))
    return np.sin(0.7 * np.arange(n) + k + 0.3).reshape(shape) + 0.25


def weighted_sum(tf: Any, y: Any, k: float = 1.0) -> Any:
    """A scalar depending on every entry of `y` with distinct weights (a target whose
    gradient tells every entry's apart)."""
    n = int(np.prod(y.shape.as_list()))
    w = np.cos(0.37 * np.arange(n) + k).reshape(y.shape.as_list()) + 1.5
    return tf.reduce_sum(y * tf.constant(w, y.dtype))


def first_and_second(tf: Any, fn: Callable[[Any], Any], x: Any) -> Dict[str, Any]:
    """`fn(x)`, its gradient and the gradient of that gradient, by nested tapes
    (keys `y`, `grad`, `second`)."""
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = fn(x)
        g = inner.gradient(y, x)
    return {"y": y, "grad": g, "second": outer.gradient(g, x)}


def raises(fn: Callable[[], Any]) -> str:
    """`"raised <class name>"` for what `fn()` raises, else `"returned"`: an error
    class as part of a case's answer (several checks in one case).

    >>> raises(lambda: 1 / 0)
    'raised ZeroDivisionError'
    """
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class is the answer
        return f"raised {type(e).__name__}"
    return "returned"


def tolerance(rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> Callable[[Any], Any]:
    """Give one case a looser comparison tolerance than the default.

    >>> @tolerance(rtol=1e-4)
    ... def case_exp(tf):
    ...     return tf.exp(1.0)
    >>> case_exp.conformance_tolerance
    (0.0001, 1e-06)
    """

    def mark(fn: Any) -> Any:
        fn.conformance_tolerance = (rtol, atol)
        return fn

    return mark


class _ListHandler(logging.Handler):
    def __init__(self, sink: List[str]) -> None:
        super().__init__(level=logging.WARNING)
        self._sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self._sink.append(record.getMessage())


def _reset_tf_log_counters() -> None:
    # TF logs some warnings with `log_first_n` (once per process per call site).
    # Clearing its counters makes a recording independent of the order of cases.
    tf_logging = sys.modules.get("tensorflow.python.platform.tf_logging")
    counters = getattr(tf_logging, "_log_counter_per_token", None)
    if isinstance(counters, dict):
        counters.clear()


@contextlib.contextmanager
def capture_warnings() -> Iterator[List[str]]:
    """Collect the warning messages emitted inside the block, in order.

    Python `warnings` (except deprecation/resource/future warnings) and records of
    level WARNING or above on the ``"tensorflow"`` logger are both collected, as plain
    message strings.

    >>> import warnings
    >>> with capture_warnings() as caught:
    ...     warnings.warn("careful")
    >>> caught
    ['careful']
    """
    messages: List[str] = []
    _reset_tf_log_counters()
    logger = logging.getLogger("tensorflow")
    handler = _ListHandler(messages)
    old_level = logger.level
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)

    def show(message: Any, category: Any, *args: Any, **kwargs: Any) -> None:
        if not issubclass(category, _IGNORED_WARNINGS):
            messages.append(str(message))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = show
            yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        _reset_tf_log_counters()


# ---------------------------------------------------------------------------
# Running a case


@contextlib.contextmanager
def _without_tf32() -> Iterator[None]:
    """Full float32 convolutions and matrix products on CUDA: the goldens are TF's
    CPU numbers, and on Ampere or later GPUs both TF and torch round convolutions to
    TensorFloat-32 by default (about 1e-4 relative)."""
    import torch

    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


def execute(
    fn: Callable[[Any], Any], tf: Any, device: Optional[str] = None
) -> Tuple[Any, Optional[BaseException]]:
    """Call ``fn(tf)`` (under ``tf.device('/GPU:0')`` when `device` is "cuda").

    Returns ``(result, None)`` or ``(None, exception)``. Warnings are silenced except
    inside the case's own `capture_warnings()` blocks.
    """
    if device in (None, "cpu"):
        ctx: Any = contextlib.nullcontext()
    elif device == "cuda":
        ctx = contextlib.ExitStack()
        ctx.enter_context(tf.device("/GPU:0"))
        ctx.enter_context(_without_tf32())
    else:
        raise HarnessError(f"unknown device {device!r}; expected 'cpu' or 'cuda'")
    try:
        with warnings.catch_warnings(), ctx:
            # Warnings count only where a case opts in with `capture_warnings()`.
            warnings.simplefilter("ignore")
            return fn(tf), None
    except Exception as e:  # noqa: BLE001 - the exception class is the answer
        return None, e


def in_function(fn: Callable[[Any], Any], **options: Any) -> Callable[[Any], Any]:
    """The case `fn` with its body under `tf.function` (with `options`), called twice:
    the first call traces, the second runs what the trace captured. Returns both
    answers, `{"first": ..., "second": ...}`."""

    def case(tf: Any) -> Any:
        module = _OnceVariables(tf)

        def run() -> Any:
            module.made_so_far = 0
            return fn(module)

        body = tf.function(run, **options)
        first = body()
        return {"first": first, "second": body()}

    case.__name__ = fn.__name__
    tolerance_of = getattr(fn, "conformance_tolerance", None)
    if tolerance_of is not None:
        case.conformance_tolerance = tolerance_of  # type: ignore[attr-defined]
    return case


class _OnceVariables:
    """`tf`, except that the n-th `tf.Variable(...)` of every run of a case body is the
    one its first run made: TF lets a `tf.function` make Variables on its first trace
    only, so a body that makes them at every run needs them made once."""

    def __init__(self, tf: Any) -> None:
        self._tf = tf
        self._made: List[Any] = []
        self.made_so_far = 0
        real = tf.Variable
        module = self

        class _Meta(type):
            def __instancecheck__(cls, obj: Any) -> bool:
                return isinstance(obj, real)

            def __call__(cls, *args: Any, **kwargs: Any) -> Any:
                index = module.made_so_far
                module.made_so_far += 1
                if index < len(module._made):
                    return module._made[index]
                made = real(*args, **kwargs)
                module._made.append(made)
                return made

        self.Variable = _Meta("Variable", (), {})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tf, name)


def run_case(fn: Callable[[Any], Any], tf: Any, device: Optional[str] = None) -> Dict[str, Any]:
    """Run one case and return ``{"result": canonical}`` or ``{"error": class name}``."""
    result, error = execute(fn, tf, device)
    if error is not None:
        return {"error": type(error).__name__}
    return {"result": canonical(result, tf)}


# ---------------------------------------------------------------------------
# Canonical form


def _encode_float(x: float) -> Any:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _encode_values(values: Any) -> Any:
    if isinstance(values, list):
        return [_encode_values(v) for v in values]
    if isinstance(values, float):
        return _encode_float(values)
    if isinstance(values, bytes):  # a TF string tensor's element
        return values.decode("utf-8", "replace")
    return values


def _array_form(kind: str, array: np.ndarray, dtype_name: str) -> Dict[str, Any]:
    shape = [int(d) for d in array.shape]
    if array.dtype.kind == "c":  # each entry as its [real, imaginary] pair
        array = np.stack([array.real, array.imag], axis=-1)
    return {
        "kind": kind,
        "dtype": dtype_name,
        "shape": shape,
        "value": _encode_values(array.tolist()),
    }


def _torch_module() -> Any:
    return sys.modules.get("torch")


def _is_variable(obj: Any, tf: Any) -> bool:
    variable_type = getattr(tf, "Variable", None)
    return isinstance(variable_type, type) and isinstance(obj, variable_type)


def _torch_tensor_form(obj: Any, tf: Any) -> Dict[str, Any]:
    if _is_variable(obj, tf):
        kind = "variable"
    elif type(obj).__name__ == "Tensor" and type(obj).__module__ == "torch":
        # A plain torch.Tensor leaking out of the drop-in namespace: TF has no such thing.
        kind = "plain_torch_tensor"
    else:
        kind = "tensor"
    array = obj.detach().cpu().resolve_conj().resolve_neg().numpy()
    return _array_form(kind, np.asarray(array), str(obj.dtype).replace("torch.", ""))


def _tf_tensor_form(obj: Any, tf: Any) -> Dict[str, Any]:
    kind = "variable" if _is_variable(obj, tf) else "tensor"
    return _array_form(kind, np.asarray(obj.numpy()), obj.dtype.name)


def _looks_like_tf_tensor(obj: Any) -> bool:
    module = type(obj).__module__ or ""
    return (
        module.startswith(("tensorflow", "tf_keras", "keras"))
        and hasattr(obj, "numpy")
        and hasattr(obj, "dtype")
    )


def canonical(obj: Any, tf: Any) -> Any:
    """The JSON-able canonical form of a case's return value (see module docstring)."""
    torch = _torch_module()
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int) and not isinstance(obj, bool):
        return obj
    if isinstance(obj, float):
        value = _encode_float(obj)
        return value if isinstance(value, float) else {"kind": "nonfinite_float", "value": value}
    if torch is not None:
        if isinstance(obj, torch.Size):
            return {"kind": "shape", "dims": [int(d) for d in obj]}
        if isinstance(obj, torch.dtype):
            return {"kind": "dtype", "name": str(obj).replace("torch.", "")}
        if isinstance(obj, torch.Tensor):
            return _torch_tensor_form(obj, tf)
    if isinstance(obj, (np.ndarray, np.generic)):
        array = np.asarray(obj)
        return _array_form("ndarray", array, array.dtype.name)
    type_name = type(obj).__name__
    if type_name == "TensorShape":
        dims = obj.as_list() if obj.rank is not None else None
        return {"kind": "shape", "dims": dims}
    if type_name == "DType" and hasattr(obj, "name"):
        return {"kind": "dtype", "name": obj.name}
    if type_name == "IndexedSlices" and hasattr(tf, "convert_to_tensor"):
        return canonical(tf.convert_to_tensor(obj), tf)
    if _looks_like_tf_tensor(obj):
        return _tf_tensor_form(obj, tf)
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return {
            "kind": "namedtuple",
            "name": type_name,
            "items": {field: canonical(getattr(obj, field), tf) for field in obj._fields},
        }
    if isinstance(obj, tuple):
        return {"kind": "tuple", "items": [canonical(item, tf) for item in obj]}
    if isinstance(obj, list):
        return [canonical(item, tf) for item in obj]
    if isinstance(obj, collections.abc.Mapping):
        if not all(isinstance(key, str) for key in obj):
            raise HarnessError(f"dict keys must be strings, got {list(obj)!r}")
        items = {key: canonical(value, tf) for key, value in obj.items()}
        return {"kind": "dict", "items": items} if "kind" in items else items
    raise HarnessError(
        f"cannot put an object of type {type(obj).__module__}.{type_name} in canonical form"
    )


def torch_devices(obj: Any) -> Set[str]:
    """The device types ("cpu", "cuda") of every torch tensor inside a case result."""
    torch = _torch_module()
    found: Set[str] = set()
    if torch is None:
        return found

    def walk(x: Any) -> None:
        if isinstance(x, torch.Tensor):
            found.add(x.device.type)
        elif isinstance(x, (list, tuple)):
            for item in x:
                walk(item)
        elif isinstance(x, collections.abc.Mapping):
            for item in x.values():
                walk(item)

    walk(obj)
    return found


# ---------------------------------------------------------------------------
# Comparison


def _decode_values(values: Any) -> Any:
    if isinstance(values, list):
        return [_decode_values(v) for v in values]
    if values == "nan":
        return math.nan
    if values == "inf":
        return math.inf
    if values == "-inf":
        return -math.inf
    return values


def _short(obj: Any, limit: int = 300) -> str:
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _compare_arrays(
    expected: Dict[str, Any],
    actual: Dict[str, Any],
    path: str,
    rtol: float,
    atol: float,
    labels: Tuple[str, str],
) -> None:
    want_name, got_name = labels
    dtype = expected["dtype"]
    want = np.asarray(_decode_values(expected["value"]))
    got = np.asarray(_decode_values(actual["value"]))
    if want.size == 0 and got.size == 0:
        return
    if dtype.startswith(("float", "bfloat", "half", "double", "complex")):  # ([re, im] pairs)
        if dtype in ("float16", "bfloat16"):
            rtol, atol = max(rtol, 1e-3), max(atol, 1e-3)
        want_f = want.astype(np.float64)
        got_f = got.astype(np.float64)
        close = np.isclose(got_f, want_f, rtol=rtol, atol=atol, equal_nan=True)
        if not np.all(close):
            bad = np.argwhere(~close)
            first = tuple(int(i) for i in bad[0]) if bad.size else ()
            raise AssertionError(
                f"{path}: values differ (rtol={rtol}, atol={atol}) at {len(bad)} of {want.size} "
                f"element(s), first at index {first}: {want_name} {float(want_f[first])!r}, "
                f"{got_name} {float(got_f[first])!r}\n"
                f"  {want_name}: {_short(expected['value'])}\n"
                f"  {got_name}: {_short(actual['value'])}"
            )
    elif not np.array_equal(want, got):
        raise AssertionError(
            f"{path}: values differ\n  {want_name}: {_short(expected['value'])}\n"
            f"  {got_name}: {_short(actual['value'])}"
        )


def _kind(x: Any) -> str:
    if x is None:
        return "None"
    if isinstance(x, dict):
        return str(x.get("kind", "dict")) if isinstance(x.get("kind"), str) else "dict"
    if isinstance(x, list):
        return "list"
    return type(x).__name__


def _compare(
    expected: Any, actual: Any, path: str, rtol: float, atol: float, labels: Tuple[str, str]
) -> None:
    want_name, got_name = labels
    kind_e, kind_a = _kind(expected), _kind(actual)
    if kind_e != kind_a:
        raise AssertionError(
            f"{path}: {want_name} gives {kind_e} {_short(expected)}, "
            f"{got_name} gives {kind_a} {_short(actual)}"
        )
    if kind_e in ("tensor", "variable", "ndarray"):
        if expected["dtype"] != actual["dtype"]:
            raise AssertionError(
                f"{path}: dtype differs: {want_name} {expected['dtype']}, "
                f"{got_name} {actual['dtype']}"
            )
        if list(expected["shape"]) != list(actual["shape"]):
            raise AssertionError(
                f"{path}: shape differs: {want_name} {expected['shape']}, "
                f"{got_name} {actual['shape']}"
            )
        _compare_arrays(expected, actual, path, rtol, atol, labels)
    elif kind_e == "float" and isinstance(expected, float):
        if not math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol):
            raise AssertionError(f"{path}: {want_name} {expected!r}, {got_name} {actual!r}")
    elif kind_e in ("tuple", "list"):
        want = expected["items"] if kind_e == "tuple" else expected
        got = actual["items"] if kind_e == "tuple" else actual
        if len(want) != len(got):
            raise AssertionError(
                f"{path}: {kind_e} length differs: {want_name} {len(want)}, {got_name} {len(got)}"
            )
        for i, (w, g) in enumerate(zip(want, got)):
            _compare(w, g, f"{path}[{i}]", rtol, atol, labels)
    elif kind_e == "namedtuple":
        if expected["name"] != actual["name"]:
            raise AssertionError(
                f"{path}: namedtuple type differs: {want_name} {expected['name']}, "
                f"{got_name} {actual['name']}"
            )
        _compare_mapping(expected["items"], actual["items"], path, rtol, atol, labels)
    elif kind_e == "dict":
        want_map = expected["items"] if "kind" in expected else expected
        got_map = actual["items"] if "kind" in actual else actual
        _compare_mapping(want_map, got_map, path, rtol, atol, labels)
    elif expected != actual:
        raise AssertionError(f"{path}: {want_name} {_short(expected)}, {got_name} {_short(actual)}")


def _compare_mapping(
    expected: Dict[str, Any],
    actual: Dict[str, Any],
    path: str,
    rtol: float,
    atol: float,
    labels: Tuple[str, str],
) -> None:
    want_name, got_name = labels
    if set(expected) != set(actual):
        raise AssertionError(
            f"{path}: keys differ: only in {want_name} {sorted(set(expected) - set(actual))}, "
            f"only in {got_name} {sorted(set(actual) - set(expected))}"
        )
    for key in sorted(expected):
        _compare(expected[key], actual[key], f"{path}[{key!r}]", rtol, atol, labels)


def compare(
    expected: Dict[str, Any],
    actual: Dict[str, Any],
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    labels: Tuple[str, str] = ("TF", "ours"),
) -> None:
    """Assert that two `run_case` answers agree; the message says where and how not.

    Structures, kinds (tensor/Variable/None/...), dtypes, shapes, error class names and
    strings must be equal; floating-point values must agree within `rtol`/`atol`.
    `labels` names the two sides in the message.

    >>> compare({"result": [1.0, None]}, {"result": [1.0 + 1e-9, None]})
    >>> compare({"error": "ValueError"}, {"result": None})
    Traceback (most recent call last):
    ...
    AssertionError: TF raised ValueError, ours returned None
    """
    want_name, got_name = labels
    if "error" in expected or "error" in actual:
        if expected.get("error") == actual.get("error"):
            return
        if "error" not in actual:
            raise AssertionError(
                f"{want_name} raised {expected['error']}, "
                f"{got_name} returned {_short(actual.get('result'))}"
            )
        if "error" not in expected:
            raise AssertionError(
                f"{want_name} returned {_short(expected.get('result'))}, "
                f"{got_name} raised {actual['error']}"
            )
        raise AssertionError(
            f"{want_name} raised {expected['error']}, {got_name} raised {actual['error']}"
        )
    _compare(expected["result"], actual["result"], "result", rtol, atol, labels)
