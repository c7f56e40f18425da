"""Long subprocesses the tests read, run beside the tests instead of inside them.

Some test modules read a report that one long subprocess writes: the live TensorFlow
re-checks of the golden files (`test_conformance_live.py`, `test_guides.py`) take two
to three minutes each, while the tests around them run on one core. A module declares
its subprocess as `BACKGROUND_JOB = Job(...)`; once pytest has collected the session,
`conftest.py` starts the jobs of the modules it will run, one after another on a
thread of their own, so they use the machine's other core. A fixture then calls
`job.report()`, which waits for the job if it has started, and otherwise runs it there
and then (a job still queued behind another, or one no session started).

    >>> import sys
    >>> job = Job("demo", [sys.executable, "-c",
    ...     "import json, sys; json.dump({'ok': True}, open(sys.argv[-1], 'w'))"])
    >>> start([job])
    >>> job.report()
    {'ok': True}
    >>> stop([job])
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
from typing import Any, Dict, List, Optional, Sequence

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


class Job:
    """One subprocess that writes a JSON report: `argv` gets `--report PATH` appended.

    It runs in the repository root with TensorFlow's logging quiet and no GPU, as the
    live re-checks always have.
    """

    def __init__(self, name: str, argv: Sequence[str], timeout: float = 900.0) -> None:
        self.name = name
        self.argv = list(argv)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._finished = threading.Event()
        self._started = False
        self._process: Optional[subprocess.Popen[str]] = None
        self._folder: Optional[str] = None
        self._failure: Optional[str] = None

    def __repr__(self) -> str:
        return f"Job({self.name!r})"

    def report(self) -> Dict[str, Any]:
        """The job's report, once it has run: fails the calling test when it wrote none."""
        with self._lock:
            run_here = not self._started
            self._started = True
        if run_here:
            self._run()
        elif not self._finished.wait(timeout=_waiting_limit()):
            pytest.fail(f"the {self.name} subprocess did not finish in {_waiting_limit():.0f} s")
        if self._failure is not None:
            pytest.fail(self._failure)
        assert self._folder is not None
        result: Dict[str, Any] = json.loads(
            (pathlib.Path(self._folder) / "report.json").read_text(encoding="utf-8"))
        return result

    def _claim(self) -> bool:
        """Whether the background thread should run this job (no fixture has yet)."""
        with self._lock:
            if self._started:
                return False
            self._started = True
            return True

    def _run(self) -> None:
        try:
            self._folder = tempfile.mkdtemp(prefix=f"tftape-{self.name}-")
            path = pathlib.Path(self._folder) / "report.json"
            env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
            self._process = subprocess.Popen(
                [*self.argv, "--report", str(path)], cwd=ROOT, env=env, text=True,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                _, stderr = self._process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()
                _, stderr = self._process.communicate()
            if not path.exists():
                self._failure = (f"the {self.name} subprocess wrote no report (exit "
                                 f"{self._process.returncode}):\n{stderr[-4000:]}")
        except Exception as error:  # an OSError starting it: the waiting test reports it
            self._failure = f"the {self.name} subprocess did not start: {error!r}"
        finally:
            self._finished.set()

    def _stop(self) -> None:
        with self._lock:
            self._started = True  # nothing starts it from now on
        process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


_JOBS: List[Job] = []


def _waiting_limit() -> float:
    """A waiting fixture's patience: every job queued before and with its own."""
    return sum(job.timeout for job in _JOBS) + 60.0 if _JOBS else 960.0


def start(jobs: Sequence[Job]) -> None:
    """Runs `jobs`, in order, one at a time, on a daemon thread."""
    queued = [job for job in jobs if job not in _JOBS]
    _JOBS.extend(queued)

    def run_all() -> None:
        for job in queued:
            if job._claim():
                job._run()

    if queued:
        threading.Thread(target=run_all, name="background-jobs", daemon=True).start()


def stop(jobs: Optional[Sequence[Job]] = None) -> None:
    """Kills what is still running of `jobs` (all started jobs by default), starts none
    of them from now on, and removes their reports."""
    for job in list(_JOBS if jobs is None else jobs):
        job._stop()
        if job in _JOBS:
            _JOBS.remove(job)
