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


def test_instruction_count_child_runs_every_variant(tmp_path: pathlib.Path) -> None:
    """`count_instructions.py`'s child (what runs under callgrind) checks, warms and
    calls every variant of the rows and names them in order, the marker first."""
    labels = tmp_path / "labels.txt"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "count_instructions.py"), "--child",
         "--labels", str(labels), "--only", "matvec", "--modes", "jacobian,hessian",
         "--calls", "1", "--warmup", "1"],
        cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    names = labels.read_text().splitlines()
    assert names[0] == "marker"
    rows = {tuple(name.split("\t")[:3]) for name in names[1:]}
    assert rows == {("matvec", "jacobian", "16"), ("matvec", "hessian", "16")}
    labels_of_hessian = [name.split("\t")[3] for name in names[1:] if "\thessian\t" in name]
    assert labels_of_hessian[:2] == ["ours", "ours tf"]
    assert {"graph:grad+batched", "graph:grad+vmap", "func.hessian"} <= set(labels_of_hessian)


def test_instruction_count_table_takes_the_fewest_torch_instructions() -> None:
    spec = importlib.util.spec_from_file_location(
        "count_instructions", ROOT / "benchmarks" / "count_instructions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = {("matvec", "hessian", "16"): {
        "ours": 1_300_000.0, "ours tf": 1_100_000.0, "func.hessian": 4_000_000.0,
        "graph:grad+vmap": 1_000_000.0}}
    table, core_ok, core, styled_ok, styled = module._table(counts)
    assert (core_ok, core, styled_ok, styled) == (0, 1, 1, 1)
    assert ("| matvec | hessian | 16 | 1,300k | 1,100k | 1,000k (graph:grad+vmap) | **1.30** "
            "| 1.10 |") in table


def test_paired_ratio_is_the_median_of_per_round_ratios_with_its_sign_test_interval() -> None:
    from benchmarks import _timing as timing
    # rounds 1..30 of a variant against a baseline of 1: the ratios are 1..30, their
    # median 15.5, and the binomial interval of a median of 30 spans ranks 10 and 21.
    ratio = timing.paired_ratio([float(i) for i in range(1, 31)], [1.0] * 30)
    assert ratio == (15.5, 10.0, 21.0)
    # A slow phase hitting both variants of a round cancels in the round's ratio.
    drift = [1.0, 3.0, 1.0, 2.5, 1.0, 2.0, 1.0, 3.0, 1.0, 1.5, 1.0]
    ratio = timing.paired_ratio([1.1 * d for d in drift], drift)
    assert ratio.low == ratio.median == ratio.high == pytest.approx(1.1)
    # Not the ratio of the medians (3.0 / 3.0): the rounds' ratios 1.5, 1, 1, 1.2, 1.3.
    assert timing.paired_ratio([1.5, 2.0, 3.0, 4.8, 6.5], [1.0, 2.0, 3.0, 4.0, 5.0]).median == (
        pytest.approx(1.2))
    assert timing.paired_ratio([2.0, 4.0, 3.0], [1.0, 2.0, 1.0]) == (2.0, 2.0, 3.0)
    with pytest.raises(ValueError, match="rounds of one run"):
        timing.paired_ratio([1.0, 2.0], [1.0])


def test_matrix_verdict_needs_the_whole_interval_on_one_side_of_the_limit() -> None:
    from benchmarks import bench_jacobian_matrix as matrix
    from benchmarks._timing import PairedRatio as ratio
    within, undecided, missed = ratio(1.10, 1.02, 1.19), ratio(1.15, 1.08, 1.26), ratio(
        1.30, 1.22, 1.41)
    assert [matrix._side(r) for r in (within, undecided, missed)] == [
        "within", "noise", "missed"]
    assert matrix._verdict(missed) == "**1.30 (1.22-1.41)**"
    assert matrix._verdict(undecided) == "_1.15 (1.08-1.26)_"
    assert matrix._tally([within, undecided, missed]) == (
        "1/3 within, 1 undecided, 1 missed (medians 2/3)")


def test_dropin_ops_spellings_agree_and_step_differentiates_each_source() -> None:
    """`bench_dropin_ops.py`: each op's TF call and torch spelling give the same numbers,
    and a step gives one gradient per source, of its shape, in both spellings."""
    from benchmarks import bench_dropin_ops as bench

    inputs = bench._inputs()
    for op in bench.OPS:
        bench._check(op, inputs)
        if not op.sources:
            continue
        variants = bench._variants(op, "step", inputs)
        tf_grads, torch_grads = variants["tf"](), variants["torch"]()
        assert len(tf_grads) == len(torch_grads) == len(op.sources), op.name
        for got, want in zip(tf_grads, torch_grads):
            got = bench.tf.convert_to_tensor(got)  # a row gather's `IndexedSlices` too
            assert tuple(got.shape) == tuple(want.shape), op.name
            if not op.random:
                assert torch.allclose(got.detach(), want, rtol=1e-5, atol=1e-6), op.name


def _table_rows(script: str, *args: str) -> List[List[str]]:
    """The first two cells of each table row `benchmarks/<script>` prints (it must exit
    0), after checking that it refuses an unknown name with exit status 2."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONUNBUFFERED="1")
    path = str(ROOT / "benchmarks" / script)
    result = subprocess.run([sys.executable, path, *args], cwd=str(ROOT), env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    bad = subprocess.run([sys.executable, path, "--only", "nope"], cwd=str(ROOT), env=env,
                         capture_output=True, text=True, timeout=300, check=False)
    assert bad.returncode == 2 and "nope" in bad.stderr and "unknown" in bad.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")][2:]
    return [row.split(" | ")[:2] for row in rows]


def test_dropin_ops_quick_run_prints_a_row_per_op_and_mode() -> None:
    assert _table_rows("bench_dropin_ops.py", "--quick", "--only", "clip_by_value,argmax") == [
        ["| clip_by_value", "forward"], ["| clip_by_value", "step"], ["| clip_by_value", "eager"],
        ["| argmax", "forward"], ["| argmax", "eager"]]


def test_per_example_quick_run_checks_every_variant_and_prints_a_row_per_size() -> None:
    """`bench_per_example.py --quick`: each variant's jacobian is checked against
    `jacrev` before it is timed (a disagreement exits non-zero)."""
    assert _table_rows("bench_per_example.py", "--quick", "--only",
                       "losses,centered,attention_losses") == [
        ["| losses", "8"], ["| losses", "64"], ["| centered", "16x4"],
        ["| attention_losses", "8"]]


def test_jacobian_ops_quick_run_checks_answers_and_leaves_out_wrong_torch_methods() -> None:
    """`bench_jacobian_ops.py --quick`: ours is checked against the engine's rows before
    timing, a torch method with a wrong answer is named and left out (functorch's
    `_cdist_backward` rule, NOTE in `_jacobian_plan`), and a Hessian torch cannot
    compute (no derivative of `hardsigmoid_backward`) is left out of the table."""
    rows = _table_rows("bench_jacobian_ops.py", "--quick", "--only", "mish,cdist,hardsigmoid",
                       "--modes", "jacobian,hessian")
    assert rows == [["| mish", "jacobian"], ["| cdist", "jacobian"],
                    ["| hardsigmoid", "jacobian"], ["| mish", "hessian"]]


def test_jacobian_ops_names_the_torch_methods_left_out() -> None:
    from benchmarks import bench_jacobian_ops as bench

    x = torch.sin(torch.arange(32) * 0.37 + 0.1)
    functions = bench._functions(bench.Params.make(32))
    row = bench._measure("cdist", functions["cdist"], x, "jacobian", repeat=3, budget_s=0.2)
    assert row is not None and "jacrev gives a wrong answer" in row.wrong
    assert row.best == "graph:batched"
    assert bench._measure("hardsigmoid", functions["hardsigmoid"], x, "hessian", 3, 0.2) is None
