"""The drop-in example scripts print exactly what TensorFlow prints for them.

Each of `examples/01_*.py` .. `04_*.py` runs in a subprocess with tftape_torch; its
standard output must equal, byte for byte, what TensorFlow 2.21 printed for the same
script with `import tensorflow as tf` (recorded in `tests/examples_golden/` by
`python tests/examples_golden/record.py`). When TensorFlow is installed, the golden
files are re-checked against live TensorFlow too, in one subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys
from typing import Any, Dict

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "examples_golden"
sys.path.insert(0, str(GOLDEN))
import record  # noqa: E402  (tests/examples_golden/record.py, put on the path above)

sys.path.remove(str(GOLDEN))

SCRIPTS = list(record.SCRIPTS)


def _env() -> Dict[str, str]:
    return dict(os.environ)  # the examples import the installed package only


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_prints_what_tensorflow_prints(script: str) -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script)],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{script} failed:\n{proc.stderr[-4000:]}"
    expected = record.golden_path(script).read_text(encoding="utf-8")
    diff = record.difference(expected, proc.stdout, labels=("TensorFlow", "tftape_torch"))
    assert diff is None, f"{script} prints something else than TensorFlow:\n{diff}"


def test_scripts_use_the_drop_in_import() -> None:
    for script in SCRIPTS:
        source = (ROOT / "examples" / script).read_text(encoding="utf-8")
        assert record.as_tensorflow(source, script).count("import tensorflow as tf") == 1
        assert "tensorflow" not in source.replace(record.DROP_IN_IMPORT, ""), (
            f"{script} must not mention tensorflow: it runs on tftape_torch only"
        )


@pytest.fixture(scope="module")
def live_report() -> Dict[str, Any]:
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip(
            "TensorFlow is not installed (pip install '.[oracle]'): golden output not re-checked"
        )
    env = dict(_env(), TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run(
        [sys.executable, str(GOLDEN / "record.py"), "--check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report: Dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(
            f"the TensorFlow check did not run (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        )
    return report


@pytest.mark.parametrize("script", SCRIPTS)
def test_golden_output_matches_live_tensorflow(live_report: Dict[str, Any], script: str) -> None:
    diff = live_report["scripts"][pathlib.Path(script).stem]
    assert diff is None, (
        f"TensorFlow {live_report['tensorflow_version']} now prints something else for {script}; "
        f"re-record with `python tests/examples_golden/record.py`:\n{diff}"
    )
