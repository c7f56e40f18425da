"""TF's own guides, section by section: tftape_torch prints what TensorFlow printed.

Each script `tests/guides/<guide>.py` is one of tensorflow/docs' guides rewritten in
our own words (conventions in `tests/guides/runner.py`). It runs once per guide, in a
subprocess with tftape_torch, every section after the previous ones as a notebook runs
its cells; each section's output and escaping exception class must equal what
TensorFlow 2.21 gave (`tests/guides/golden/<guide>.json`, recorded by
`python -m tests.guides.record`). Sections listed in `tests/guides/known_differences.md`
are expected to differ (strict xfail: a section that starts passing must leave the
list). When TensorFlow is installed the golden files are re-checked against it, in
one subprocess (TensorFlow never enters this process), run beside the other tests
(`tests/background.py`).

`python -m tests.guides.report` prints the per-guide table.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from typing import Any, Dict, List

import pytest

from tests import background
from tests.guides import record, report, runner

ROOT = runner.ROOT
KNOWN = report.known_differences()
_HAVE_TF = importlib.util.find_spec("tensorflow") is not None


@functools.cache
def _ours(guide: str) -> Dict[str, Any]:
    return runner.run_in_subprocess(guide, "tftape_torch", timeout=300)


def _params() -> List[Any]:
    params = []
    for guide in runner.GUIDES:
        for section in runner.sections_of(guide):
            marks = []
            reason = KNOWN.get((guide, section.name))
            if reason is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            params.append(pytest.param(guide, section, id=f"{guide}::{section.name}", marks=marks))
    return params


@pytest.mark.parametrize("guide, section", _params())
def test_section_prints_what_tensorflow_prints(guide: str, section: runner.Section) -> None:
    golden = record.load_golden(guide)
    assert golden is not None, f"no golden file for {guide}: run `python -m tests.guides.record`"
    want = golden["sections"].get(section.name)
    assert want is not None, (
        f"{guide}::{section.name} has no golden entry: run `python -m tests.guides.record {guide}`"
    )
    got = _ours(guide)[section.name]
    difference = runner.compare(section, want, got)
    assert difference is None, f"{guide}::{section.name}: {difference}\n{got.get('traceback', '')}"


def test_known_differences_name_real_sections() -> None:
    sections = {(g, s.name) for g in runner.GUIDES for s in runner.sections_of(g)}
    stale = sorted(f"{g}::{s}" for g, s in KNOWN if (g, s) not in sections)
    assert not stale, f"known_differences.md lists sections that do not exist: {stale}"


@pytest.mark.parametrize("guide", runner.GUIDES)
def test_golden_has_every_section_and_nothing_else(guide: str) -> None:
    golden = record.load_golden(guide)
    assert golden is not None, f"no golden file for {guide}: run `python -m tests.guides.record`"
    names = [s.name for s in runner.sections_of(guide)]
    assert list(golden["sections"]) == names, (
        f"golden/{guide}.json is out of date with {guide}.py: "
        f"run `python -m tests.guides.record {guide}`"
    )


@pytest.mark.parametrize("guide", runner.GUIDES)
def test_script_uses_the_drop_in_import_only(guide: str) -> None:
    source = runner.script_path(guide).read_text(encoding="utf-8")
    lines = [line.strip() for line in source.splitlines()]
    assert lines.count(runner.DROP_IN_IMPORT) == 1, f"{guide}.py: one `{runner.DROP_IN_IMPORT}`"
    assert "tensorflow" not in source.replace(runner.DROP_IN_IMPORT, "").replace(
        "tensorflow/docs", ""
    ), f"{guide}.py must not name tensorflow: it runs on tftape_torch"
    assert "import keras" not in source, f"{guide}.py: reach Keras as tf.keras"


# Started beside the tests once pytest has collected them (tests/background.py).
BACKGROUND_JOB = (
    background.Job("guides-live", [sys.executable, "-m", "tests.guides.record", "--check"])
    if _HAVE_TF else None
)


@pytest.fixture(scope="module")
def live_report() -> Dict[str, Any]:
    if BACKGROUND_JOB is None:
        pytest.skip("TensorFlow is not installed (pip install '.[oracle]'): golden not re-checked")
    return BACKGROUND_JOB.report()


@pytest.mark.parametrize("guide", runner.GUIDES)
def test_golden_matches_live_tensorflow(live_report: Dict[str, Any], guide: str) -> None:
    differences = {s: d for s, d in live_report["guides"][guide].items() if d is not None}
    assert not differences, (
        f"TensorFlow {live_report['tensorflow_version']} now prints something else for "
        f"{guide}; re-record with `python -m tests.guides.record {guide}`:\n"
        + "\n".join(f"{s}: {d}" for s, d in differences.items())
    )
