"""Conformance: every `case_*` of `tests/conformance/cases_*.py`, run with
`import tftape_torch as tf` on each device, must give TensorFlow's recorded answer.

A case without a golden entry fails: record it with
`python -m tests.conformance.record <module>` (needs TensorFlow). Cases listed in
`tests/conformance/known_differences.md` are expected to fail (strict xfail).
"""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional

import pytest

from tests.conformance import harness, record

MODULES = record.case_module_names()
GOLDEN: Dict[str, Optional[Dict[str, Any]]] = {name: record.load_golden(name) for name in MODULES}
KNOWN = record.known_differences()


def _params() -> List[Any]:
    params = []
    for module_name in MODULES:
        module = record.load_module(module_name)
        for case_name, fn in record.cases_of(module):
            marks = []
            known = KNOWN.get((module_name, case_name))
            if known is not None and known[0] is None:
                marks.append(pytest.mark.xfail(strict=True, reason=known[1]))
            params.append(
                pytest.param(
                    module_name, case_name, fn, id=f"{module_name}.{case_name}", marks=marks
                )
            )
    return params


def _tf() -> Any:
    import tftape_torch as tf

    return tf


@pytest.mark.parametrize("module_name, case_name, fn", _params())
def test_case(
    module_name: str, case_name: str, fn: Any, device: str, request: pytest.FixtureRequest
) -> None:
    known = KNOWN.get((module_name, case_name))
    if known is not None and known[0] == device:
        request.applymarker(pytest.mark.xfail(strict=True, reason=known[1]))
    golden = GOLDEN[module_name]
    assert golden is not None, (
        f"no golden file for {module_name}: run `python -m tests.conformance.record {module_name}`"
    )
    assert case_name in golden, (
        f"{case_name} has no golden answer: "
        f"run `python -m tests.conformance.record {module_name}` with TensorFlow"
    )
    tf = _tf()
    if device == "cuda" and not hasattr(tf, "device"):
        pytest.skip("tftape_torch has no tf.device yet")
    result, error = harness.execute(fn, tf, device)
    actual = (
        {"error": type(error).__name__}
        if error is not None
        else {"result": harness.canonical(result, tf)}
    )
    rtol, atol = getattr(fn, "conformance_tolerance", (harness.DEFAULT_RTOL, harness.DEFAULT_ATOL))
    try:
        harness.compare(golden[case_name], actual, rtol=rtol, atol=atol)
    except AssertionError as mismatch:
        if error is not None:
            raise AssertionError(
                f"{mismatch}\n  ours raised {type(error).__name__}: {error}"
            ) from error
        raise
    if device == "cuda" and error is None and not getattr(
        sys.modules[fn.__module__], "RESULTS_MAY_BE_ON_CPU", False
    ):
        devices = harness.torch_devices(result)
        assert "cpu" not in devices, (
            f"under tf.device('/GPU:0') the case returned tensors on {sorted(devices)}"
        )


@pytest.mark.parametrize("module_name", MODULES)
def test_golden_file_has_no_stale_entries(module_name: str) -> None:
    golden = GOLDEN[module_name]
    assert golden is not None, (
        f"no golden file for {module_name}: run `python -m tests.conformance.record {module_name}`"
    )
    names = {name for name, _ in record.cases_of(record.load_module(module_name))}
    stale = sorted(set(golden) - names)
    assert not stale, (
        f"golden/{module_name}.json has answers for cases that no longer exist: {stale}; re-record"
    )


def test_known_differences_name_existing_cases() -> None:
    existing = {
        (module_name, case_name)
        for module_name in MODULES
        for case_name, _ in record.cases_of(record.load_module(module_name))
    }
    unknown = sorted(f"{m}.{c}" for m, c in KNOWN if (m, c) not in existing)
    assert not unknown, f"known_differences.md lists cases that do not exist: {unknown}"
