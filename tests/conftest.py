"""Shared pytest fixtures (the `device` fixture: cpu, plus cuda when torch sees a GPU),
and the hooks that run the collected modules' long subprocesses beside the tests
(`tests/background.py`)."""

from __future__ import annotations

import os
import pathlib
import sys
from typing import List

import pytest

# Make `tests.conformance` importable however pytest was started. The root goes
# *last* on the path, so the tests exercise the installed `tftape_torch` (CI installs
# it as a wheel), not the source tree beside them: a packaging mistake fails here.
ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

# TensorFlow, wherever the tests run it (here or in a subprocess, which inherits this),
# on oneDNN's CPU kernels, as the golden files were recorded (`tests/conformance/
# record.py`, ONEDNN: TF's default for them depends on the CPU).
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def _devices() -> List[str]:
    devices = ["cpu"]
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a hard dependency
        return devices
    if torch.cuda.is_available():
        devices.append("cuda")
    return devices


DEVICES = _devices()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Starts the `BACKGROUND_JOB`s of the modules this session will run, in order."""
    if session.config.option.collectonly:
        return
    from tests import background

    jobs: List[background.Job] = []
    for item in session.items:
        job = getattr(getattr(item, "module", None), "BACKGROUND_JOB", None)
        if isinstance(job, background.Job) and job not in jobs:
            jobs.append(job)
    background.start(jobs)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from tests import background

    background.stop()


@pytest.fixture(params=DEVICES)
def device(request: pytest.FixtureRequest) -> str:
    """The torch device type a test runs on: "cpu", and "cuda" where available."""
    return str(request.param)


@pytest.fixture
def torch_batching(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jacobians planned as for graphs our own batching rules do not cover (NOTE [Own
    batching rules] in `_batched_backward`): torch's vmap, seeds by NOTE [Which vmap]."""
    from tftape_torch import _jacobian_plan

    monkeypatch.setattr(_jacobian_plan, "RULE_NAMES", frozenset())
    monkeypatch.setattr(_jacobian_plan, "_NODE_KINDS", {})
