"""Record (or re-check) the golden answers of the conformance cases with real TensorFlow.

Usage, from the repository root::

    python -m tests.conformance.record                     # record every cases_*.py
    python -m tests.conformance.record cases_core          # record some modules
    python -m tests.conformance.record --check --report r.json   # compare live TF with golden
    python -m tests.conformance.record --function          # record function mode

``--function`` records every case with its body under `tf.function` (called twice:
trace, then the captured graph; `harness.in_function`) into
``golden_function/<module>.json``, for `tests/test_conformance_function.py`.

Recording writes ``golden/<module>.json`` with sorted keys, so re-recording with the same
TensorFlow gives a byte-identical file. ``--check`` writes a JSON report
(``{"modules": {module: {"cases": {case: null | "difference"}, "missing": [...],
"stale": [...]}}}``) and exits 1 when live TF disagrees with a golden file.

Importing this module does not import TensorFlow; only running it does.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import pathlib
import re
import sys
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from tests.conformance import harness

__all__ = [
    "FUNCTION_GOLDEN_DIR",
    "GOLDEN_DIR",
    "KNOWN_DIFFERENCES",
    "case_module_names",
    "cases_of",
    "function_module_names",
    "golden_path",
    "known_differences",
    "load_golden",
    "load_module",
    "main",
]

HERE = pathlib.Path(__file__).resolve().parent
GOLDEN_DIR = HERE / "golden"
FUNCTION_GOLDEN_DIR = HERE / "golden_function"
KNOWN_DIFFERENCES = HERE / "known_differences.md"
PACKAGE = "tests.conformance"

CaseFn = Callable[[Any], Any]


def case_module_names() -> List[str]:
    """Names (``cases_core``, ...) of every case module in this folder, sorted."""
    return sorted(p.stem for p in HERE.glob("cases_*.py"))


#: Case modules without a function mode: iterating a `tf.data.Dataset` inside a
#: `tf.function` is graph construction in TF (`list(ds.repeat())` never ends there).
NO_FUNCTION_MODE = {"cases_data", "cases_data_edges", "cases_data_extra", "cases_data_files",
                    "cases_data_regroup", "cases_data_window",
                    # Printed text: inside a tf.function TF prints symbolic tensors.
                    "cases_printing",
                    # About tf.function itself (tracing counts, concrete functions).
                    "cases_function_edges"}


#: Cases whose function mode aborts the TensorFlow process (a failed C++ check):
#: recorded as raising `TFAbort`, so the test skips them.
FUNCTION_MODE_ABORTS = {
    ("cases_ops_math", "case_fn_cond_not_scalar_error"),
}


def function_module_names() -> List[str]:
    """The case modules recorded and checked in function mode."""
    return [name for name in case_module_names() if name not in NO_FUNCTION_MODE]


def load_module(name: str) -> ModuleType:
    """Import a case module by its short name (``cases_core``) or dotted name."""
    short = name.rsplit(".", 1)[-1]
    if short.endswith(".py"):
        short = short[:-3]
    short = pathlib.Path(short).name
    return importlib.import_module(f"{PACKAGE}.{short}")


def cases_of(module: ModuleType) -> List[Tuple[str, CaseFn]]:
    """The ``case_*`` functions defined in `module`, in source order."""
    found = []
    for name, fn in vars(module).items():
        if name.startswith("case_") and inspect.isfunction(fn) and fn.__module__ == module.__name__:
            found.append((fn.__code__.co_firstlineno, name, fn))
    return [(name, fn) for _, name, fn in sorted(found)]


def golden_path(module_name: str, function: bool = False) -> pathlib.Path:
    return (FUNCTION_GOLDEN_DIR if function else GOLDEN_DIR) / f"{module_name}.json"


def load_golden(module_name: str, function: bool = False) -> Optional[Dict[str, Any]]:
    """The golden answers of one module (``{case: answer}``), or None without a file;
    `function`: those of function mode."""
    path = golden_path(module_name, function)
    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    cases: Dict[str, Any] = data["cases"]
    return cases


_ENTRY = re.compile(
    r"^\s*[-*]\s+`?(cases_\w+)(?:\.|::)(case_\w+)`?(?:\s+\[(cpu|cuda|function)\])?\s*:\s*(.+?)\s*$"
)


def known_differences(function: bool = False) -> Dict[Tuple[str, str], Tuple[Optional[str], str]]:
    """Entries of ``known_differences.md``: ``(module, case) -> (device or None, reason)``.

    `function`: the entries tagged ``[function]`` (function mode) instead of the others.
    """
    entries: Dict[Tuple[str, str], Tuple[Optional[str], str]] = {}
    if not KNOWN_DIFFERENCES.exists():
        return entries
    for line in KNOWN_DIFFERENCES.read_text(encoding="utf-8").splitlines():
        match = _ENTRY.match(line)
        if match:
            module, case, device, reason = match.groups()
            if (device == "function") == function:
                entries[(module, case)] = (None if function else device, reason)
    return entries


# TF's x86 wheels run their CPU ops on oneDNN's kernels by default on some CPUs (Intel's)
# and on TF's own elsewhere (AMD's), and the two differ in what they accept and raise
# (dilated and 3-D convolutions, pooling ranks, a scalar's softmax) and in rounding.
# The golden files hold the oneDNN answers; every TF run of the tests pins that
# choice, so a golden file means the same on any machine (`TF_ENABLE_ONEDNN_OPTS`,
# set before TF is imported; one already in the environment is kept).
ONEDNN = ("TF_ENABLE_ONEDNN_OPTS", "1")


def _import_tensorflow() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    os.environ.setdefault(*ONEDNN)
    import tensorflow as tf

    tf.get_logger().setLevel("WARNING")
    return tf


def _run_module(tf: Any, module: ModuleType, function: bool = False) -> Dict[str, Any]:
    answers = {}
    for name, fn in cases_of(module):
        tf.random.set_seed(0)
        short = module.__name__.rsplit(".", 1)[-1]
        if function and (short, name) in FUNCTION_MODE_ABORTS:
            answers[name] = {"error": "TFAbort"}
            continue
        answers[name] = harness.run_case(harness.in_function(fn) if function else fn, tf)
    return answers


def _dump(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=1, allow_nan=False, ensure_ascii=True) + "\n"


def record(tf: Any, module_names: Sequence[str], function: bool = False) -> None:
    path_of = golden_path
    (FUNCTION_GOLDEN_DIR if function else GOLDEN_DIR).mkdir(exist_ok=True)
    for module_name in module_names:
        module = load_module(module_name)
        answers = _run_module(tf, module, function)
        data = {"tensorflow_version": tf.__version__, "cases": answers}
        path_of(module_name, function).write_text(_dump(data), encoding="utf-8")
        errors = sum(1 for a in answers.values() if "error" in a)
        print(
            f"{module_name}: recorded {len(answers)} cases ({errors} raise) "
            f"-> {path_of(module_name, function)}"
        )


def check(tf: Any, module_names: Sequence[str]) -> Dict[str, Any]:
    report: Dict[str, Any] = {"tensorflow_version": tf.__version__, "modules": {}}
    for module_name in module_names:
        module = load_module(module_name)
        golden = load_golden(module_name) or {}
        entry: Dict[str, Any] = {"cases": {}, "missing": [], "stale": []}
        case_names = set()
        for name, fn in cases_of(module):
            case_names.add(name)
            if name not in golden:
                entry["missing"].append(name)
                continue
            tf.random.set_seed(0)
            live = harness.run_case(fn, tf)
            rtol, atol = getattr(
                fn, "conformance_tolerance", (harness.DEFAULT_RTOL, harness.DEFAULT_ATOL)
            )
            try:
                harness.compare(
                    golden[name], live, rtol=rtol, atol=atol, labels=("golden", "live TF")
                )
                entry["cases"][name] = None
            except AssertionError as e:
                entry["cases"][name] = str(e)
        entry["stale"] = sorted(set(golden) - case_names)
        report["modules"][module_name] = entry
    return report


def _report_failed(report: Dict[str, Any]) -> bool:
    for entry in report["modules"].values():
        if (
            entry["missing"]
            or entry["stale"]
            or any(v is not None for v in entry["cases"].values())
        ):
            return True
    return False


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.conformance.record", description=__doc__.split("\n")[0]
    )
    parser.add_argument("modules", nargs="*", help="case modules (default: every cases_*.py)")
    parser.add_argument(
        "--check", action="store_true", help="compare live TF with the golden files instead"
    )
    parser.add_argument(
        "--report", help="with --check: write the JSON report here (default: stdout)"
    )
    parser.add_argument(
        "--function", action="store_true",
        help="record the cases with their bodies under tf.function (golden_function/)",
    )
    args = parser.parse_args(argv)
    names = [
        load_module(m).__name__.rsplit(".", 1)[-1] for m in args.modules
    ] or (function_module_names() if args.function else case_module_names())
    tf = _import_tensorflow()
    if not args.check:
        record(tf, names, function=args.function)
        return 0
    report = check(tf, names)
    text = _dump(report)
    if args.report:
        pathlib.Path(args.report).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    failed = _report_failed(report)
    for module_name, entry in report["modules"].items():
        bad = [case for case, diff in entry["cases"].items() if diff is not None]
        print(
            f"{module_name}: {len(entry['cases'])} checked, {len(bad)} differ, "
            f"{len(entry['missing'])} missing from golden, {len(entry['stale'])} stale in golden",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
