"""Re-check the golden files against live TensorFlow, when it is installed.

TensorFlow runs once, in one subprocess (`python -m tests.conformance.record --check`),
so it never enters the pytest process. Each case then gets its own test, which fails
when live TF no longer gives the recorded answer (a stale golden file).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import subprocess
import sys
from typing import Any, Dict, List

import pytest

from tests.conformance import record

ROOT = pathlib.Path(__file__).resolve().parent.parent

_HAVE_TF = importlib.util.find_spec("tensorflow") is not None
if not _HAVE_TF and os.environ.get("TFTAPE_REQUIRE_ORACLE") == "1":
    raise RuntimeError("TFTAPE_REQUIRE_ORACLE=1 (as in CI) but TensorFlow is not installed")

pytestmark = pytest.mark.skipif(
    not _HAVE_TF,
    reason="TensorFlow is not installed (pip install '.[oracle]'): golden files not re-checked",
)


@pytest.fixture(scope="module")
def live_report(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Any]:
    report_path = tmp_path_factory.mktemp("conformance") / "report.json"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run(
        [sys.executable, "-m", "tests.conformance.record", "--check", "--report", str(report_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if not report_path.exists():
        pytest.fail(
            f"the TensorFlow check did not run (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        )
    report: Dict[str, Any] = json.loads(report_path.read_text(encoding="utf-8"))
    return report


def _cases() -> List[Any]:
    params = []
    for module_name in record.case_module_names():
        for case_name, _ in record.cases_of(record.load_module(module_name)):
            params.append(pytest.param(module_name, case_name, id=f"{module_name}.{case_name}"))
    return params


@pytest.mark.parametrize("module_name, case_name", _cases())
def test_golden_matches_live_tensorflow(
    live_report: Dict[str, Any], module_name: str, case_name: str
) -> None:
    entry = live_report["modules"][module_name]
    assert case_name not in entry["missing"], (
        f"{case_name} has no golden answer: run `python -m tests.conformance.record {module_name}`"
    )
    difference = entry["cases"][case_name]
    assert difference is None, (
        f"{difference}\nTensorFlow {live_report['tensorflow_version']} "
        "no longer gives the recorded answer: "
        f"re-record with `python -m tests.conformance.record {module_name}`"
    )


@pytest.mark.parametrize("module_name", record.case_module_names())
def test_golden_has_no_stale_entries_live(live_report: Dict[str, Any], module_name: str) -> None:
    stale = live_report["modules"][module_name]["stale"]
    assert not stale, f"golden/{module_name}.json holds answers for removed cases: {stale}"
