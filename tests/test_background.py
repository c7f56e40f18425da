"""`tests/background.py`: the suite's long subprocesses, run beside the tests."""

from __future__ import annotations

import importlib
import importlib.util
import pathlib
import sys
import time

import pytest

from tests import background

# A child that waits `seconds`, then writes its report: when it started and ended.
_CHILD = """
import json, sys, time
start = time.time()
time.sleep(float(sys.argv[1]))
json.dump({"start": start, "end": time.time(), "argv": sys.argv[1:-2]}, open(sys.argv[-1], "w"))
"""


def _job(name: str, seconds: float = 0.0, timeout: float = 60.0) -> background.Job:
    return background.Job(name, [sys.executable, "-c", _CHILD, str(seconds)], timeout=timeout)


def test_a_started_job_runs_on_its_own_thread_and_its_report_is_read() -> None:
    job = _job("one", seconds=0.2)
    try:
        before = time.time()
        background.start([job])
        assert time.time() - before < 0.2  # start() does not wait for the child
        report = job.report()
        assert report["argv"] == ["0.2"]
        assert report["end"] - report["start"] >= 0.2
    finally:
        background.stop([job])


def test_started_jobs_run_one_after_another_in_order() -> None:
    first, second = _job("first", seconds=0.3), _job("second")
    try:
        background.start([first, second])
        earlier = first.report()
        assert second.report()["start"] >= earlier["end"]
    finally:
        background.stop([first, second])


def test_a_queued_job_whose_report_is_asked_for_first_runs_at_once() -> None:
    first, second = _job("first", seconds=2.0), _job("second")
    try:
        background.start([first, second])
        asked = time.time()
        later = second.report()  # runs here, beside `first`, rather than wait its turn
        assert later["start"] - asked < 1.5
        assert later["start"] < first.report()["end"]
    finally:
        background.stop([first, second])


def test_a_job_no_session_started_runs_when_its_report_is_asked_for() -> None:
    job = _job("alone")
    try:
        report = job.report()
        assert report["argv"] == ["0.0"]
        assert job.report() == report  # read again, not run again
    finally:
        background.stop([job])


def test_a_job_that_writes_no_report_fails_the_test_with_its_exit_code_and_stderr() -> None:
    job = background.Job("broken", [sys.executable, "-c", "import sys; sys.exit('no report')"])
    with pytest.raises(pytest.fail.Exception, match=r"broken subprocess wrote no report "
                                                    r"\(exit 1\):\nno report"):
        job.report()


def test_a_job_past_its_timeout_is_killed_and_fails() -> None:
    job = _job("slow", seconds=30, timeout=0.5)
    before = time.time()
    with pytest.raises(pytest.fail.Exception, match="slow subprocess wrote no report"):
        job.report()
    assert time.time() - before < 10


def test_stop_kills_a_running_job_and_removes_its_folder() -> None:
    job = _job("stopped", seconds=30)
    background.start([job])
    deadline = time.time() + 10
    while job._process is None and time.time() < deadline:
        time.sleep(0.01)
    process, folder = job._process, job._folder
    assert process is not None and folder is not None
    background.stop([job])
    assert process.returncode is not None  # killed, not left running
    assert not pathlib.Path(folder).exists()
    assert job not in background._JOBS


@pytest.mark.parametrize("module_name, recorder", [
    ("test_conformance_live", "tests.conformance.record"),
    ("test_guides", "tests.guides.record"),
])
def test_the_live_rechecks_are_declared_as_background_jobs(module_name: str, recorder: str) -> None:
    module = importlib.import_module(f"tests.{module_name}")
    if importlib.util.find_spec("tensorflow") is None:
        assert module.BACKGROUND_JOB is None
        return
    assert isinstance(module.BACKGROUND_JOB, background.Job)
    assert module.BACKGROUND_JOB.argv[1:] == ["-m", recorder, "--check"]
