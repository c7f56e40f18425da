"""Conformance in function mode: every `case_*` with its body under our `tf.function`.

Each case of `tests/conformance/cases_*.py` runs as `tf.function(lambda: case(tf))`,
called twice (`harness.in_function`): the first call traces, the second runs the
captured graph. The answers are compared with TensorFlow's in the same mode, recorded
by `python -m tests.conformance.record --function` into `golden_function/`.

Cases TensorFlow cannot run in function mode (it raises: `.numpy()` inside, Python
control flow on tensor values, Variables made at every call, ...) are skipped: what
TF raises there is its graph machinery, which the eager answer in
`tests/test_conformance.py` already pins. So are cases whose function-mode answer
holds string tensors (TF turns returned Python strings into them; strings are out of
scope). Known differences of function mode are listed in `known_differences.md`
under "Function mode" with the tag `[function]`. `cases_data` has no function mode
(`record.NO_FUNCTION_MODE`).

Plain `tf.function` runs every case; `jit_compile=True` (Inductor) runs `JIT_CASES`,
and every case with `TFTAPE_JIT_TESTS=1`.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional

import pytest

from tests.conformance import harness, record

MODULES = record.function_module_names()
GOLDEN: Dict[str, Optional[Dict[str, Any]]] = {
    name: record.load_golden(name, function=True) for name in MODULES
}
KNOWN = record.known_differences(function=True)
#: A known difference of eager mode is one of function mode too.
KNOWN.update({key: entry for key, entry in record.known_differences().items()
              if entry[0] is None})

#: Cases compiled with `jit_compile=True` in every run: tapes, nested tapes,
#: jacobians, Variables, persistent tapes.
JIT_CASES = {
    "cases_core.case_spec_watched_constant",
    "cases_core.case_spec_trainable_variable_watched_automatically",
    "cases_core.case_seed1_nested_second_gradient_in_outer_block",
    "cases_core.case_spec_persistent_many_calls",
    "cases_core.case_doc_persistent",
    "cases_jacobian.case_doc_jacobian",
    "cases_jacobian.case_doc_batch_jacobian",
    "cases_jacobian.case_guide_hessian",
    "cases_advanced.case_doc_fwd_hessian_vector_product",
    # Inductor once summed the rows a batched backward scatters into (`index_add`
    # on an expanded input): `_function_tracing._materialize_scatter_inputs`.
    "cases_jacobian.case_form_gather",
    "cases_jacobian.case_form_matmul_row_transposed",
}


def _has_strings(answer: Any) -> bool:
    if isinstance(answer, dict):
        if answer.get("dtype") == "string":
            return True
        return any(_has_strings(v) for v in answer.values())
    if isinstance(answer, list):
        return any(_has_strings(v) for v in answer)
    return False


def _params(jit: bool) -> List[Any]:
    params = []
    everything = os.environ.get("TFTAPE_JIT_TESTS") == "1"
    for module_name in MODULES:
        golden = GOLDEN[module_name] or {}
        module = record.load_module(module_name)
        for case_name, fn in record.cases_of(module):
            key = f"{module_name}.{case_name}"
            if jit and not everything and key not in JIT_CASES:
                continue
            marks = []
            answer = golden.get(case_name)
            if answer is None:
                marks.append(pytest.mark.skip(reason="no function-mode golden answer: "
                                              "python -m tests.conformance.record --function"))
            elif "error" in answer:
                marks.append(pytest.mark.skip(reason=f"TF raises {answer['error']} in "
                                              "function mode"))
            elif _has_strings(answer):
                marks.append(pytest.mark.skip(reason="TF returns string tensors"))
            elif (module_name, case_name) in KNOWN:
                marks.append(pytest.mark.xfail(strict=True,
                                               reason=KNOWN[(module_name, case_name)][1]))
            params.append(pytest.param(module_name, case_name, fn, id=key, marks=marks))
    return params


def _check(module_name: str, case_name: str, fn: Any, **options: Any) -> None:
    import tftape_torch as tf

    golden = GOLDEN[module_name]
    assert golden is not None
    result, error = harness.execute(harness.in_function(fn, **options), tf)
    actual = ({"error": type(error).__name__} if error is not None
              else {"result": harness.canonical(result, tf)})
    rtol, atol = getattr(fn, "conformance_tolerance", (harness.DEFAULT_RTOL, harness.DEFAULT_ATOL))
    try:
        harness.compare(golden[case_name], actual, rtol=rtol, atol=atol)
    except AssertionError as mismatch:
        if error is not None:
            raise AssertionError(f"{mismatch}\n  ours raised {type(error).__name__}: {error}"
                                 ) from error
        raise


@pytest.mark.parametrize("module_name, case_name, fn", _params(jit=False))
def test_case_in_function(module_name: str, case_name: str, fn: Any) -> None:
    _check(module_name, case_name, fn)


@pytest.mark.parametrize("module_name, case_name, fn", _params(jit=True))
def test_case_in_jit_compiled_function(module_name: str, case_name: str, fn: Any) -> None:
    _check(module_name, case_name, fn, jit_compile=True)
