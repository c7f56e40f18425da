"""Run a guide script section by section, the way a notebook runs its cells.

Script conventions (`tests/guides/<guide>.py`):

* exactly one line `import tftape_torch as tf`; under TensorFlow it becomes
  `import tensorflow as tf` (nothing else in a script names tensorflow);
* sections start with a marker line `# %% <name>` (name: letters, digits, `-`, `_`),
  optionally followed by tags in brackets, e.g. `# %% while-loop [random]`; code
  before the first marker is not allowed;
* values a notebook would display are printed with `show`, values from random streams
  with `show_random` and caught exceptions with `show_error` (`tests/guides/show.py`);
* a section tagged `[random]` prints values of a random stream through `tf.print` or
  in amounts that depend on them: only whether it raises (and what) is compared.

All sections run in one namespace, in order, in the working directory given (files
the guides save land there). A section that raises does not stop the next ones. For
each section the runner keeps everything written to standard output and standard
error (both `print` and `tf.print`, which TF writes to the process's stderr), with
memory addresses masked, and the exception class (and message) if one escaped.

Command line (used by `record.py`, `report.py` and `tests/test_guides.py`, always in
a fresh subprocess)::

    python -m tests.guides.runner <guide> --backend tftape_torch|tensorflow --out result.json
"""

from __future__ import annotations

import argparse
import ctypes
import io
import json
import os
import pathlib
import re
import sys
import tempfile
import time
import traceback
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent

#: The guides of tensorflow/docs site/en/guide rewritten here, in this order.
GUIDES = (
    "basics",
    "tensor",
    "variable",
    "autodiff",
    "advanced_autodiff",
    "intro_to_modules",
    "basic_training_loops",
    "function",
    "checkpoint",
    "random_numbers",
    "tensor_slicing",
    "intro_to_graphs",
    "optimizers_core",
    "matrix_core",
    "data",
    "mlp_core",
    "effective_tf2",
    "dcgan",
    "cvae",
    "quickstart_advanced",
    "custom_training_walkthrough",
    "customization_basics",
    "custom_layers",
    "logistic_regression_core",
    "custom_training_loop_keras",
    "custom_train_step_keras",
    "quickstart_core",
)

DROP_IN_IMPORT = "import tftape_torch as tf"
TF_IMPORT = "import tensorflow as tf"
BACKENDS = ("tftape_torch", "tensorflow")

_MARKER = re.compile(r"^# %% ([A-Za-z0-9_-]+)\s*(?:\[([A-Za-z0-9_, -]*)\])?\s*$")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
# Log lines TensorFlow's C++ and Python loggers may write to stderr; never program output.
_LOG_LINE = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+:\d+\]|WARNING: All log messages before absl"
    r"|WARNING:tensorflow:|WARNING:absl:|I\d{4} |W\d{4} |E\d{4} )"
)


class Section(NamedTuple):
    name: str
    tags: Tuple[str, ...]
    line: int  # 1-based line of the marker
    code: str  # the section's source, padded with blank lines to keep line numbers


def script_path(guide: str) -> pathlib.Path:
    return HERE / f"{guide}.py"


def split_sections(source: str, where: str = "<script>") -> List[Section]:
    """The script's sections, in order."""
    lines = source.splitlines(keepends=True)
    sections: List[Section] = []
    current: Optional[Tuple[str, Tuple[str, ...], int]] = None
    body: List[str] = []

    def close() -> None:
        if current is not None:
            name, tags, line = current
            padding = "\n" * line  # the marker line and everything above it
            sections.append(Section(name, tags, line, padding + "".join(body)))

    for number, line in enumerate(lines, start=1):
        match = _MARKER.match(line.rstrip("\n"))
        if match:
            close()
            tags = tuple(t.strip() for t in (match.group(2) or "").split(",") if t.strip())
            current = (match.group(1), tags, number)
            body = []
        elif current is None:
            is_code = line.strip() and not line.lstrip().startswith("#")
            if is_code and not _in_docstring(lines, number):
                raise ValueError(f"{where}:{number}: code before the first `# %%` marker")
        else:
            body.append(line)
    close()
    names = [s.name for s in sections]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{where}: duplicate section names {duplicates}")
    return sections


def _in_docstring(lines: List[str], number: int) -> bool:
    """Whether line `number` lies in the module docstring at the top of the file."""
    quotes = 0
    for line in lines[:number]:
        quotes += line.count('"""')
    # Inside when an odd number of quotes precede it, or the line itself holds them.
    return quotes % 2 == 1 or '"""' in lines[number - 1]


def sections_of(guide: str) -> List[Section]:
    path = script_path(guide)
    return split_sections(path.read_text(encoding="utf-8"), str(path))


def for_backend(code: str, backend: str, where: str = "<script>") -> str:
    """The code with the drop-in import swapped for TensorFlow's when asked."""
    if backend == "tftape_torch":
        return code
    return "".join(
        line.replace(DROP_IN_IMPORT, TF_IMPORT) if line.strip() == DROP_IN_IMPORT else line
        for line in code.splitlines(keepends=True)
    )


def normalize(text: str) -> str:
    """Section output as compared: addresses masked, log lines dropped."""
    text = _ADDRESS.sub("0x…", text)
    return "".join(line for line in text.splitlines(keepends=True) if not _LOG_LINE.match(line))


def _prepare_backend(backend: str) -> None:
    import warnings

    # Warnings are diagnostics, not program output: TF logs its own through a logger
    # silenced below, tftape_torch through `warnings`; neither is compared.
    warnings.filterwarnings("ignore")
    if backend == "tensorflow":
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # (NOTE at `record.ONEDNN`)
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        try:
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
        except ImportError:  # pragma: no cover
            pass
    else:
        import tftape_torch  # noqa: F401


class _Capture:
    """Send fd 1 and 2, and `sys.stdout`/`sys.stderr`, to one file, in write order."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._saved_fds = (os.dup(1), os.dup(2))
        self._saved_streams = (sys.stdout, sys.stderr)

    def __enter__(self) -> _Capture:
        _flush_all()
        os.dup2(self._file.fileno(), 1)
        os.dup2(self._file.fileno(), 2)
        raw = io.FileIO(self._file.fileno(), "wb", closefd=False)
        stream = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", write_through=True)
        sys.stdout = sys.stderr = stream
        return self

    def __exit__(self, *exc: Any) -> None:
        _flush_all()
        sys.stdout, sys.stderr = self._saved_streams
        os.dup2(self._saved_fds[0], 1)
        os.dup2(self._saved_fds[1], 2)
        os.close(self._saved_fds[0])
        os.close(self._saved_fds[1])

    def text(self) -> str:
        self._file.seek(0)
        return self._file.read().decode("utf-8", errors="replace")


def _flush_all() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # pragma: no cover
            pass
    try:
        ctypes.CDLL(None).fflush(None)
    except Exception:  # pragma: no cover
        pass


def run_guide(guide: str, backend: str) -> Dict[str, Any]:
    """Run every section of `guide` under `backend`; the per-section results."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    _prepare_backend(backend)
    path = script_path(guide)
    namespace: Dict[str, Any] = {"__name__": "__main__", "__file__": str(path)}
    results: Dict[str, Any] = {}
    for section in sections_of(guide):
        code = for_backend(section.code, backend, str(path))
        capture = _Capture()
        error: Optional[BaseException] = None
        started = time.perf_counter()
        with capture:
            try:
                exec(compile(code, str(path), "exec"), namespace)
            except BaseException as caught:  # noqa: BLE001 - a cell's failure is data
                error = caught
        entry: Dict[str, Any] = {
            "output": normalize(capture.text()),
            "error": None if error is None else type(error).__name__,
            "seconds": round(time.perf_counter() - started, 3),
        }
        if error is not None:
            entry["message"] = str(error)[:500]
            entry["traceback"] = "".join(
                traceback.format_exception(type(error), error, error.__traceback__, limit=-3)
            )[-2000:]
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                results[section.name] = entry
                break
        results[section.name] = entry
    return results


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("guide", choices=GUIDES)
    parser.add_argument("--backend", choices=BACKENDS, default="tftape_torch")
    parser.add_argument("--out", required=True, help="where to write the JSON results")
    args = parser.parse_args(argv)
    out = pathlib.Path(args.out).resolve()
    with tempfile.TemporaryDirectory(prefix=f"guide-{args.guide}-") as workdir:
        os.chdir(workdir)  # the guides write checkpoints and saved models
        try:
            results = run_guide(args.guide, args.backend)
        finally:
            os.chdir(ROOT)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


def run_in_subprocess(
    guide: str, backend: str, timeout: float = 600, env: Optional[Dict[str, str]] = None
) -> Dict[str, Any]:
    """`run_guide` in a fresh Python process (never imports a framework here)."""
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "result.json"
        full_env = dict(os.environ if env is None else env)
        full_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        full_env["PYTHONPATH"] = os.pathsep.join(
            p for p in (full_env.get("PYTHONPATH"), str(ROOT)) if p
        )
        if backend == "tensorflow":
            full_env.setdefault("CUDA_VISIBLE_DEVICES", "")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.guides.runner",
                guide,
                "--backend",
                backend,
                "--out",
                str(out),
            ],
            cwd=ROOT,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if not out.exists():
            raise RuntimeError(
                f"{guide} under {backend} did not finish (exit {proc.returncode}):\n"
                f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
            )
        result: Dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return result


def compare(section: Section, golden: Dict[str, Any], ours: Dict[str, Any]) -> Optional[str]:
    """Why `ours` differs from TF's recorded `golden` for `section`, or None."""
    if golden.get("error") != ours.get("error"):
        theirs = golden.get("error") or "no exception"
        mine = ours.get("error") or "no exception"
        detail = f": {ours.get('message', '')}" if ours.get("error") else ""
        return f"TensorFlow: {theirs}; tftape_torch: {mine}{detail}"
    if "random" in section.tags:
        return None
    if golden["output"] != ours["output"]:
        import difflib

        diff = "".join(
            difflib.unified_diff(
                golden["output"].splitlines(keepends=True),
                ours["output"].splitlines(keepends=True),
                fromfile="TensorFlow",
                tofile="tftape_torch",
            )
        )
        return "output differs:\n" + (diff or "(whitespace)")
    return None


if __name__ == "__main__":
    sys.exit(main())
