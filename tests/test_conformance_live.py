"""Re-check the golden files against live TensorFlow, when it is installed.

TensorFlow runs once, in one subprocess (`python -m tests.conformance.record --check`),
so it never enters the pytest process; the subprocess runs beside the other tests
(`tests/background.py`). Each case then gets its own test, which fails
when live TF no longer gives the recorded answer (a stale golden file).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any, Dict, List

import pytest

from tests import background
from tests.conformance import record

_HAVE_TF = importlib.util.find_spec("tensorflow") is not None
if not _HAVE_TF and os.environ.get("TFTAPE_REQUIRE_ORACLE") == "1":
    raise RuntimeError("TFTAPE_REQUIRE_ORACLE=1 (as in CI) but TensorFlow is not installed")

pytestmark = pytest.mark.skipif(
    not _HAVE_TF,
    reason="TensorFlow is not installed (pip install '.[oracle]'): golden files not re-checked",
)


# Started beside the tests once pytest has collected them (tests/background.py).
BACKGROUND_JOB = (
    background.Job(
        "conformance-live", [sys.executable, "-m", "tests.conformance.record", "--check"])
    if _HAVE_TF else None
)


@pytest.fixture(scope="module")
def live_report() -> Dict[str, Any]:
    assert BACKGROUND_JOB is not None
    return BACKGROUND_JOB.report()


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
