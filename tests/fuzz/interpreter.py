"""Run a generated program against a `tf` module and compare canonical answers.

`run(program, tf)` executes `program.source` with `tf` bound to either real
TensorFlow or `tftape_torch` and returns its canonical answer (the JSON-able form of
`tests.conformance.harness.canonical`): ``{"result": {...}}``, or ``{"error": cls,
"message": ...}`` when the program itself raised. Exceptions returned by `attempt`
become ``"raised <class name>"`` strings.

`compare(expected, actual)` returns `None` when two answers agree and a one-line
description of the first difference otherwise: structures, kinds (tensor, Variable,
`None`, exception), dtypes, shapes and exception classes must be equal, floating
values agree within `RTOL` relative and an absolute tolerance scaled to the largest
value of the program (float32 round-off grows with the values it accumulates).

This module never imports TensorFlow; the caller passes the module in.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import warnings
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

import numpy as np

from tests.conformance import harness
from tests.fuzz.generator import Program

__all__ = ["RTOL", "compare", "run", "run_pair", "signature"]

RTOL = 1e-4
ATOL_SCALE = 1e-5

_PRELUDE = '''
def attempt(fn):
    try:
        return fn()
    except Exception as error:  # the class is what is compared
        return error


def leaf(gradients, path, fallback):
    for key in path:
        if gradients is None or isinstance(gradients, Exception):
            return fallback
        gradients = gradients[key]
    if gradients is None or isinstance(gradients, Exception):
        return fallback
    return gradients


def in_thread(fn):
    import threading

    out = []

    def body():
        try:
            out.append((True, fn()))
        except Exception as error:  # raised again on the caller's thread
            out.append((False, error))

    worker = threading.Thread(target=body)
    worker.start()
    worker.join()
    ok, value = out[0]
    if not ok:
        raise value
    return value


def try_stop(tape):
    try:
        with tape.stop_recording():
            pass
    except Exception as error:
        return error
    return None
'''

_HELPERS: Dict[str, Any] = {}
exec(compile(_PRELUDE, "<fuzz prelude>", "exec"), _HELPERS)
_COMPILED: Dict[str, Callable[..., Any]] = {}


def _compiled(program: Program) -> Callable[..., Any]:
    fn = _COMPILED.get(program.source)
    if fn is None:
        namespace: Dict[str, Any] = {"in_thread": _HELPERS["in_thread"]}
        exec(compile(program.source, "<fuzz program>", "exec"), namespace)
        fn = namespace["program"]
        if len(_COMPILED) > 512:
            _COMPILED.clear()
        _COMPILED[program.source] = fn
    return fn


def _exceptions_to_markers(obj: Any) -> Any:
    if isinstance(obj, BaseException):
        return f"raised {type(obj).__name__}"
    if isinstance(obj, dict):
        return {key: _exceptions_to_markers(value) for key, value in obj.items()}
    return obj


def run(program: Program, tf: Any, quiet: bool = True) -> Dict[str, Any]:
    """Run `program` with `tf` and return its canonical answer.

    `quiet` silences warnings while it runs (`warnings.catch_warnings`, which is not
    thread-safe: threads pass `quiet=False` and silence warnings once, outside).
    """
    fn = _compiled(program)
    with _quiet() if quiet else contextlib.nullcontext():
        try:
            result = fn(tf, _HELPERS["attempt"], _HELPERS["leaf"], _HELPERS["try_stop"])
        except Exception as error:  # noqa: BLE001 - the class is the answer
            return {"error": type(error).__name__, "message": str(error)[:300]}
        return {"result": harness.canonical(_exceptions_to_markers(result), tf)}


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No Python warnings and no TF log warnings while a program runs."""
    logger = logging.getLogger("tensorflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def run_pair(
    program: Program, tf: Any, ours: Any
) -> Tuple[Dict[str, Any], Dict[str, Any], Optional[str]]:
    """Run `program` with both modules; returns (TF's answer, ours, difference or None)."""
    expected = run(program, tf)
    actual = run(program, ours)
    return expected, actual, compare(expected, actual)


# --------------------------------------------------------------------------- comparison


def _decode(values: Any) -> Any:
    if isinstance(values, list):
        return [_decode(v) for v in values]
    if values == "nan":
        return math.nan
    if values == "inf":
        return math.inf
    if values == "-inf":
        return -math.inf
    return values


def _scale(obj: Any) -> float:
    """The largest finite magnitude in a canonical answer."""
    if isinstance(obj, dict):
        is_float = str(obj.get("dtype", "")).startswith(("float", "complex"))
        if obj.get("kind") in ("tensor", "variable") and is_float:
            array = np.asarray(_decode(obj["value"]), dtype=np.float64)
            finite = array[np.isfinite(array)]
            return float(np.abs(finite).max()) if finite.size else 0.0
        return max((_scale(v) for v in obj.values()), default=0.0)
    if isinstance(obj, list):
        return max((_scale(v) for v in obj), default=0.0)
    return 0.0


def _kind(obj: Any) -> str:
    if obj is None:
        return "None"
    if isinstance(obj, dict):
        kind = obj.get("kind")
        return kind if isinstance(kind, str) else "dict"
    if isinstance(obj, list):
        return "list"
    return type(obj).__name__


def _walk(want: Any, got: Any, path: str, atol: float) -> Optional[str]:
    kind_w, kind_g = _kind(want), _kind(got)
    if kind_w != kind_g:
        return f"{path}: TF gives {kind_w} {_short(want)}, ours gives {kind_g} {_short(got)}"
    if kind_w in ("tensor", "variable"):
        if want["dtype"] != got["dtype"]:
            return f"{path}: dtype differs: TF {want['dtype']}, ours {got['dtype']}"
        if list(want["shape"]) != list(got["shape"]):
            return f"{path}: shape differs: TF {want['shape']}, ours {got['shape']}"
        w = np.asarray(_decode(want["value"]))
        g = np.asarray(_decode(got["value"]))
        if want["dtype"].startswith(("float", "complex")):  # complex: [re, im] pairs
            close = np.isclose(g.astype(np.float64), w.astype(np.float64), rtol=RTOL, atol=atol,
                               equal_nan=True)
            if not np.all(close):
                return f"{path}: values differ: TF {want['value']}, ours {got['value']}"
        elif not np.array_equal(w, g):
            return f"{path}: values differ: TF {want['value']}, ours {got['value']}"
        return None
    if kind_w in ("tuple", "list"):
        items_w = want["items"] if kind_w == "tuple" else want
        items_g = got["items"] if kind_w == "tuple" else got
        if len(items_w) != len(items_g):
            return f"{path}: length differs: TF {len(items_w)}, ours {len(items_g)}"
        for i, (w, g) in enumerate(zip(items_w, items_g)):
            found = _walk(w, g, f"{path}[{i}]", atol)
            if found:
                return found
        return None
    if kind_w == "dict":
        map_w = want["items"] if "kind" in want else want
        map_g = got["items"] if "kind" in got else got
        if set(map_w) != set(map_g):
            return f"{path}: keys differ: TF {sorted(map_w)}, ours {sorted(map_g)}"
        for key in map_w:  # program order: the first difference is the earliest
            found = _walk(map_w[key], map_g[key], f"{path}[{key!r}]", atol)
            if found:
                return found
        return None
    if want != got:
        if isinstance(want, str) and isinstance(got, str):
            return f"{path}: TF {want}, ours {got}"
        return f"{path}: TF {_short(want)}, ours {_short(got)}"
    return None


def _short(obj: Any, limit: int = 200) -> str:
    text = repr(obj)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def compare(expected: Dict[str, Any], actual: Dict[str, Any]) -> Optional[str]:
    """`None` when the answers agree, else a description of the first difference."""
    if "error" in expected or "error" in actual:
        if expected.get("error") == actual.get("error"):
            return None
        tf_side = f"raised {expected['error']}" if "error" in expected else "returned"
        our_side = (f"raised {actual['error']}: {actual.get('message', '')}" if "error" in actual
                    else "returned")
        return f"program: TF {tf_side}, ours {our_side}"
    atol = ATOL_SCALE * max(1.0, _scale(expected["result"]))
    return _walk(expected["result"], actual["result"], "", atol)


def signature(difference: str) -> str:
    """A coarse key for a difference, stable under shrinking: what differs, not where."""
    if difference.startswith("program"):
        return difference.split(": ", 2)[1]
    text = difference.split(": ", 1)[-1]
    markers = ("values differ", "dtype differs", "shape differs", "length differs", "keys differ")
    for marker in markers:
        if text.startswith(marker):
            return marker
    raised = re.findall(r"raised (\w+)", text)
    words = [w for w in text.split() if not any(ch.isdigit() or ch in "[]{}'" for ch in w)]
    text = " ".join(words)
    extra = [name for name in raised if name not in text]
    return " ".join([text] + extra)[:120]
