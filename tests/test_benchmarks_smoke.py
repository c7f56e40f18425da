"""The benchmark command runs end to end (tiny sizes, few rounds); no timing assertions.

`python benchmarks/run.py` is what the README tells users to run, so it must work from
a fresh clone: every section (timing table, memory, overhead profile) is exercised
here with `--quick`, and the variants must agree with raw torch (exit status 0).
"""

from __future__ import annotations

import importlib.util
import os
import pathlib
import subprocess
import sys
from typing import List

import pytest
import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUN = ROOT / "benchmarks" / "run.py"


def _run(args: List[str], timeout: float = 600) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, str(RUN), *args], cwd=str(ROOT), env=env, capture_output=True,
        text=True, timeout=timeout, check=False,
    )


def test_quick_run_prints_every_section() -> None:
    result = _run(["--quick", "--no-tf", "--profile", "--repeat", "3",
                   "--memory-iterations", "20"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    for heading in ("== time per call", "== memory", "== overhead profile", "== targets"):
        assert heading in out
    for workload in ("seed_chain", "nested_2nd", "mlp_small", "mlp_step", "persistent_10",
                     "jacobian", "batch_jacobian", "hessian", "elementwise_50"):
        assert workload in out
    assert "disagree" not in out
    assert "non-persistent tapes release activation memory at gradient(): yes" in out
    assert "=> no growth: yes" in out


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                    reason="TensorFlow is not installed")
def test_quick_run_with_tensorflow() -> None:
    result = _run(["--quick", "--only", "seed_chain,mlp_small", "--repeat", "3",
                   "--memory-iterations", "20"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "tensorflow 2." in result.stdout
    assert "TF eager, non-persistent" in result.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_cuda_without_a_gpu_fails_clearly() -> None:
    result = _run(["--device", "cuda", "--no-tf"], timeout=120)
    assert result.returncode != 0
    assert "torch.cuda.is_available() is False" in result.stderr


def test_unknown_workload_is_refused() -> None:
    result = _run(["--only", "no_such_workload", "--no-tf"], timeout=120)
    assert result.returncode != 0
    assert "unknown workload" in result.stderr


def test_jacobian_matrix_quick_run() -> None:
    """`bench_jacobian_matrix.py --quick`: every formulation x mode at size 16, checked."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_jacobian_matrix.py"), "--quick"],
        cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert "| formulation | mode | size |" in out
    for form in ("matmul_col", "matmul_col_T", "matmul_row", "matmul_row_T", "matvec",
                 "einsum", "mlp", "softmax", "layer_norm", "conv1d", "conv2d", "gather",
                 "logsumexp", "reduce_max", "elementwise", "rosenbrock"):
        assert f"| {form} |" in out
    for mode in ("| jacobian |", "| batch_jacobian |", "| hessian |", "| jacobian pi="):
        assert mode in out
    assert "disagrees" not in out and "Error" not in out
