"""Record (or re-check) what TensorFlow prints for the drop-in example scripts.

Each script in `SCRIPTS` is run with its `import tftape_torch as tf` line replaced by
`import tensorflow as tf`, all in one process (TensorFlow is imported once), and
its standard output is stored as `tests/examples_golden/<script stem>.txt`.
`tests/test_examples.py` then runs the scripts with tftape_torch and compares.

Usage, from the repository root::

    python tests/examples_golden/record.py            # (re-)record the golden files
    python tests/examples_golden/record.py --check    # compare live TF with them

`--check` prints a JSON report (`{"tensorflow_version": ..., "scripts": {stem:
null | "difference"}}`) and exits 1 when live TF prints something else.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import pathlib
import sys
from typing import Dict, List, Optional, Sequence

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXAMPLES = ROOT / "examples"

#: The drop-in scripts whose output must be TensorFlow's, byte for byte.
SCRIPTS = (
    "01_gradient_tape_intro.py",
    "02_gradient_tape_lab.py",
    "03_gradient_tape_alpha.py",
    "04_autodiff_guide.py",
)

DROP_IN_IMPORT = "import tftape_torch as tf"
TF_IMPORT = "import tensorflow as tf"


def golden_path(script: str) -> pathlib.Path:
    """Where the recorded output of `script` lives."""
    return HERE / (pathlib.Path(script).stem + ".txt")


def as_tensorflow(source: str, script: str) -> str:
    """The script's source with the drop-in import swapped for TensorFlow's."""
    lines = source.splitlines(keepends=True)
    count = sum(1 for line in lines if line.strip() == DROP_IN_IMPORT)
    if count != 1:
        raise ValueError(f"{script}: expected exactly one `{DROP_IN_IMPORT}` line, found {count}")
    return "".join(
        line.replace(DROP_IN_IMPORT, TF_IMPORT) if line.strip() == DROP_IN_IMPORT else line
        for line in lines
    )


def run_with_tensorflow(script: str) -> str:
    """Standard output of `script` run with `import tensorflow as tf`, in this process."""
    path = EXAMPLES / script
    code = compile(as_tensorflow(path.read_text(encoding="utf-8"), script), str(path), "exec")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {"__name__": "__main__", "__file__": str(path)})
    return out.getvalue()


def _import_tensorflow() -> str:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # (NOTE at `record.ONEDNN`)
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return str(tf.__version__)


def difference(
    expected: str, actual: str, labels: Sequence[str] = ("golden", "live")
) -> Optional[str]:
    """A unified diff of two outputs, or None when they are identical."""
    if expected == actual:
        return None
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=labels[0],
            tofile=labels[1],
        )
    ) or "outputs differ in line endings or trailing whitespace"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of recording")
    args = parser.parse_args(argv)
    version = _import_tensorflow()
    report: Dict[str, Optional[str]] = {}
    for script in SCRIPTS:
        output = run_with_tensorflow(script)
        if args.check:
            path = golden_path(script)
            recorded = path.read_text(encoding="utf-8") if path.exists() else ""
            report[pathlib.Path(script).stem] = difference(recorded, output)
        else:
            golden_path(script).write_text(output, encoding="utf-8")
            print(f"recorded {script} -> {golden_path(script).relative_to(ROOT)}", file=sys.stderr)
    if args.check:
        print(json.dumps({"tensorflow_version": version, "scripts": report}, indent=1))
        return 1 if any(v is not None for v in report.values()) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
