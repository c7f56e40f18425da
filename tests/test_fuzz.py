"""Differential fuzzing: random tape programs run under real TensorFlow and tftape_torch.

The programs (see `tests/fuzz/generator.py`) mix elementwise ops, reductions, matmul,
reshape, where, Python control flow, watched constants and Variables, persistent and
nested tapes, `stop_recording`, `reset`, structured targets and sources,
`output_gradients` and `unconnected_gradients`. Values, dtypes, shapes, `None`s and
exception classes must agree.

This is the bounded CI profile: 300 examples (``TFTAPE_FUZZ_EXAMPLES`` overrides),
derandomized, no example database, about 10 s. A failure prints the program shrunk
at the source level. The long run is
``python -m tests.fuzz.run_long --programs 2000 --seed N``; known differences are in
`tests/fuzz/known_differences.md`.
Needs TensorFlow; skipped without it unless ``TFTAPE_REQUIRE_ORACLE=1`` (as in CI),
where a missing TensorFlow is a failure.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
if os.environ.get("TFTAPE_REQUIRE_ORACLE") == "1":
    import tensorflow as real_tf  # a missing oracle fails the run in CI
else:
    real_tf = pytest.importorskip("tensorflow")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import tftape_torch  # noqa: E402
from tests.fuzz import interpreter, shrink  # noqa: E402
from tests.fuzz.generator import HypothesisChoices, Program, RandomChoices, generate  # noqa: E402
from tests.fuzz.regressions import REGRESSIONS  # noqa: E402

CI_EXAMPLES = int(os.environ.get("TFTAPE_FUZZ_EXAMPLES", "300"))


def _report(program: Program, difference: str) -> str:
    """The failure message: the program shrunk (source level), with both answers."""
    still_fails = shrink.diverges_like(real_tf, tftape_torch, interpreter.signature(difference))
    small = shrink.shrink_source(program, still_fails)
    expected, actual, small_difference = interpreter.run_pair(small, real_tf, tftape_torch)
    return (
        f"tftape_torch diverges from TensorFlow: {small_difference or difference}\n"
        f"--- program, shrunk (rerun with tests.fuzz.interpreter.run_pair) ---\n{small}\n"
        f"--- TF ---\n{str(expected)[:2000]}\n--- ours ---\n{str(actual)[:2000]}"
    )


@settings(
    max_examples=CI_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=False,
    report_multiple_bugs=False,
    # Hypothesis' own shrinking reruns both frameworks for minutes; the failure
    # message shrinks the program's source instead, in seconds.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_random_programs_match_tensorflow(data: st.DataObject) -> None:
    program = generate(HypothesisChoices(data))
    _, _, difference = interpreter.run_pair(program, real_tf, tftape_torch)
    if difference is not None:
        pytest.fail(_report(program, difference), pytrace=False)


def test_generator_is_reproducible_and_shape_exact() -> None:
    """The same seed gives the same program, and every tracked shape is TF's shape."""
    for seed in range(60):
        program = generate(RandomChoices(seed))
        assert generate(RandomChoices(seed)).source == program.source
        answer = interpreter.run(program, real_tf)
        assert "result" in answer, (program.source, answer)
        for name, shape in program.shapes.items():
            value = answer["result"][name]
            assert tuple(value["shape"]) == shape, (seed, name, program.source)


def test_comparison_catches_differences() -> None:
    """The comparison itself: a wrong value, a dtype, a None and an exception class."""
    program = generate(RandomChoices(3))
    answer = interpreter.run(program, real_tf)
    assert interpreter.compare(answer, answer) is None
    tensor = {"kind": "tensor", "dtype": "float32", "shape": [1], "value": [1.0]}
    assert interpreter.compare({"result": {"g": tensor}}, {"result": {"g": None}})
    assert interpreter.compare({"result": {"g": tensor}},
                               {"result": {"g": dict(tensor, value=[1.01])}})
    assert interpreter.compare({"result": {"g": tensor}},
                               {"result": {"g": dict(tensor, dtype="float64")}})
    assert interpreter.compare({"result": {"g": "raised RuntimeError"}},
                               {"result": {"g": "raised ValueError"}})
    assert interpreter.compare({"result": {"g": tensor}},
                               {"result": {"g": dict(tensor, value=[1.00001])}}) is None


def _regressions() -> Any:
    for name, (source, open_reason) in REGRESSIONS.items():
        marks = [pytest.mark.xfail(strict=True, reason=open_reason)] if open_reason else []
        yield pytest.param(source, id=name, marks=marks)


@pytest.mark.parametrize("source", list(_regressions()))
def test_divergences_found_earlier(source: str) -> None:
    """Every divergence the fuzzer found, shrunk: fixed ones stay fixed."""
    program = Program(source, ())
    expected, actual, difference = interpreter.run_pair(program, real_tf, tftape_torch)
    assert "error" not in expected, expected
    assert difference is None, f"{difference}\nTF: {expected}\nours: {actual}"
