"""Benchmarks: tftape_torch vs raw torch.autograd vs TensorFlow eager (SPEC §4).

Runs every SPEC §4 workload up to four ways in one process, interleaved round by
round, and prints medians (µs per call) and ratios:

* ``tf-style``: TF code through ``import tftape_torch as tf`` (drop-in tensors,
  Variables);
* ``core``: ``from tftape_torch import GradientTape`` on plain torch tensors and
  ``nn.Module``s;
* ``torch``: hand-written raw torch, the fastest of the versions offered;
* ``TF``: the same TF code on real TensorFlow (eager, CPU), when importable.

Then memory (peak / retained per workload; activation memory released by a
non-persistent ``gradient()``; no growth over 10 000 tape iterations), and with
``--profile`` where the tape's own time goes. ``--device cuda`` runs the torch
sides on the GPU and checks that the gradient path never synchronises host and
device.

Run from the repository root::

    python benchmarks/run.py                  # full CPU run (several minutes)
    python benchmarks/run.py --quick          # seconds: tiny sizes, few rounds
    python benchmarks/run.py --device cuda    # torch sides on the GPU
"""

from __future__ import annotations

import argparse
import gc
import os
import pathlib
import sys
import time
from typing import Any, Dict, List, Optional, Sequence

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from benchmarks import _machine, _timing, _workloads  # noqa: E402

__all__ = ["main"]

TINY_LIMIT, LIMIT, TF_FACTOR = 1.5, 1.10, 5.0


def _parse(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="tftape_torch vs raw torch vs TensorFlow eager (SPEC §4).")
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda / cuda:N")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes and few rounds: proves the command works")
    parser.add_argument("--repeat", type=int, default=None,
                        help="timed rounds per workload (default 300, quick 5)")
    parser.add_argument("--sample-ms", type=float, default=None,
                        help="target length of one timed batch (default 1 ms: short "
                        "batches dodge preemption on a busy machine)")
    parser.add_argument("--budget-s", type=float, default=None,
                        help="stop a workload's rounds after this long (default 60 s)")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch (and TF) intra-op threads (default 1: least noise)")
    parser.add_argument("--only", default="",
                        help="comma-separated workload names (default: all)")
    parser.add_argument("--no-tf", action="store_true", help="do not import TensorFlow")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory section")
    parser.add_argument("--no-timing", action="store_true",
                        help="skip the timing table (memory / profile / CUDA checks only)")
    parser.add_argument("--memory-iterations", type=int, default=None,
                        help="iterations of the no-growth loops (default 10000, quick 300)")
    parser.add_argument("--profile", action="store_true",
                        help="also profile the tape's own overhead (cProfile, micro-costs)")
    parser.add_argument("--jacobian-detail", action="store_true",
                        help="also run benchmarks/bench_jacobian.py (every torch way to "
                        "compute the jacobian workloads)")
    parser.add_argument("--markdown", action="store_true",
                        help="print the tables as Markdown")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 5 if args.quick else 300
    if args.sample_ms is None:
        args.sample_ms = 1.0
    if args.budget_s is None:
        args.budget_s = 5.0 if args.quick else 60.0
    if args.memory_iterations is None:
        args.memory_iterations = 300 if args.quick else 10_000
    return args


def _check_device(device: str) -> str:
    if device == "cpu":
        return device
    if not device.startswith("cuda"):
        raise SystemExit(f"--device must be cpu or cuda[:N], got {device!r}")
    if not torch.cuda.is_available():
        raise SystemExit(
            f"--device {device} asked for, but torch.cuda.is_available() is False "
            f"(torch {torch.__version__}, built with CUDA {torch.version.cuda}). Run on a "
            "machine with an NVIDIA GPU and a CUDA build of torch, or drop --device.")
    torch.cuda.init()
    return device


def _import_tf(threads: int) -> Any:
    """Real TensorFlow, imported lazily (it takes seconds), or None."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow as tf  # noqa: WPS433
    except ImportError:
        return None
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        tf.config.set_visible_devices([], "GPU")  # TF stays on the CPU
    except (RuntimeError, ValueError):
        pass
    return tf


def _dropin() -> Any:
    import tftape_torch

    return tftape_torch if hasattr(tftape_torch, "constant") else None


# ---------------------------------------------------------------------- checking


def to_numpy(value: Any) -> Any:
    """Results of any variant as NumPy (lists stay lists)."""
    if isinstance(value, (list, tuple)):
        return [to_numpy(item) for item in value]
    if isinstance(value, torch.Tensor):
        with torch._C.DisableTorchFunctionSubclass():
            return torch.Tensor.numpy(value.detach().cpu()).copy()
    if value is None:
        return None
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _agree(reference: Any, other: Any) -> bool:
    if isinstance(reference, list) or isinstance(other, list):
        return (isinstance(reference, list) and isinstance(other, list)
                and len(reference) == len(other)
                and all(_agree(a, b) for a, b in zip(reference, other)))
    if reference is None or other is None:
        return reference is None and other is None
    return (np.shape(reference) == np.shape(other)
            and bool(np.allclose(reference, other, rtol=1e-4, atol=1e-5)))


def check_variants(variants: Dict[str, Any]) -> List[str]:
    """Calls each variant once; returns the names whose result disagrees with torch."""
    results = {name: to_numpy(fn()) for name, fn in variants.items()}
    reference = next(results[name] for name in results if name.startswith("torch:"))
    return [name for name, result in results.items() if not _agree(reference, result)]


# ---------------------------------------------------------------------- timing table


def _us(seconds: Optional[float]) -> str:
    return "n/a" if seconds is None else f"{seconds * 1e6:,.1f}"


def _ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def _fmt_ratio(value: Optional[float], limit: Optional[float] = None,
               at_least: bool = False) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.2f}x"
    if limit is not None:
        ok = value >= limit if at_least else value <= limit
        text += " ok" if ok else " MISS"
    return text


def run_timings(args: argparse.Namespace, ctx: _workloads.Context,
                workloads: List[_workloads.Workload]) -> List[Dict[str, Any]]:
    sync = torch.cuda.synchronize if ctx.device != "cpu" else None
    rows = []
    for workload in workloads:
        variants = workload.variants(ctx)
        bad = check_variants(variants)
        if bad:
            print(f"  !! {workload.name}: results of {bad} disagree with raw torch")
        started = time.perf_counter()
        timings = _timing.time_interleaved(
            variants, repeat=args.repeat, sample_s=args.sample_ms / 1e3,
            warmup_s=0.02 if args.quick else 0.3, budget_s=args.budget_s,
            min_repeat=min(5, args.repeat), sync=sync)
        medians = {name: timing.median for name, timing in timings.items()}
        raw = {name: value for name, value in medians.items() if name.startswith("torch:")}
        best_raw = min(raw, key=lambda name: raw[name])
        row = {
            "workload": workload,
            "tf-style": medians.get("tf-style"),
            "core": medians.get("core"),
            "torch": raw[best_raw],
            "torch_how": best_raw.split(":", 1)[1],
            "raw_all": raw,
            "TF": medians.get("TF"),
            "rounds": len(next(iter(timings.values())).samples),
            "iqr": {name: timing.iqr for name, timing in timings.items()},
            "disagree": bad,
        }
        rows.append(row)
        print(f"  {workload.name:<15} {row['rounds']:>4} rounds in "
              f"{time.perf_counter() - started:5.1f}s: " + ", ".join(
                  f"{name} {_us(value)}" for name, value in medians.items()), flush=True)
    return rows


def print_table(rows: List[Dict[str, Any]], markdown: bool) -> List[str]:
    """Prints the medians and ratios; returns the lines of target misses."""
    header = ["workload", "tf-style µs", "core µs", "raw torch µs", "TF eager µs",
              "core/torch", "tf-style/torch", "TF/tf-style", "TF/core"]
    lines = []
    misses = []
    for row in rows:
        workload = row["workload"]
        limit = TINY_LIMIT if workload.tiny else LIMIT
        tf_limit = TF_FACTOR if workload.small_op else None
        core_ratio = _ratio(row["core"], row["torch"])
        style_ratio = _ratio(row["tf-style"], row["torch"])
        tf_style = _ratio(row["TF"], row["tf-style"])
        tf_core = _ratio(row["TF"], row["core"])
        lines.append([
            workload.name, _us(row["tf-style"]), _us(row["core"]), _us(row["torch"]),
            _us(row["TF"]), _fmt_ratio(core_ratio, limit), _fmt_ratio(style_ratio, limit),
            _fmt_ratio(tf_style, tf_limit, at_least=True),
            _fmt_ratio(tf_core, tf_limit, at_least=True),
        ])
        for label, value in (("core/torch", core_ratio), ("tf-style/torch", style_ratio)):
            if value is not None and value > limit:
                misses.append(f"{workload.name}: {label} {value:.2f}x > {limit:.2f}x")
        if tf_limit is not None and tf_style is not None and tf_style < tf_limit:
            misses.append(f"{workload.name}: TF/tf-style {tf_style:.2f}x < {tf_limit:.0f}x")
    _print_grid(header, lines, markdown)
    print()
    print("raw torch = fastest of: " + "; ".join(
        f"{row['workload'].name}: " + ", ".join(
            f"{how.split(':', 1)[1]} {_us(value)}" for how, value in row["raw_all"].items())
        for row in rows))
    tiny = ", ".join(row["workload"].name for row in rows if row["workload"].tiny)
    small = ", ".join(row["workload"].name for row in rows if row["workload"].small_op)
    print(f"targets: ours/torch <= {LIMIT:.2f}x ({TINY_LIMIT:.1f}x on tiny scalar workloads: "
          f"{tiny or 'none here'}); TF/tf-style >= {TF_FACTOR:.0f}x on small-op workloads: "
          f"{small or 'none here'}")
    return misses


def _print_grid(header: List[str], lines: List[List[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("| " + " | ".join("---" if i == 0 else "---:" for i in range(len(header))) + " |")
        for line in lines:
            print("| " + " | ".join(line) + " |")
        return
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    for index, line in enumerate([header] + lines):
        print("  ".join(str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
                        for i, (cell, w) in enumerate(zip(line, widths))))
        if index == 0:
            print("  ".join("-" * w for w in widths))


# ---------------------------------------------------------------------- main


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parse(argv)
    device = _check_device(args.device)
    torch.set_num_threads(args.threads)
    tf = None if args.no_tf else _import_tf(args.threads)
    dropin = _dropin()
    ctx = _workloads.Context(device=device, quick=args.quick, dropin=dropin, tf=tf)
    wanted = [name for name in args.only.split(",") if name]
    unknown = sorted(set(wanted) - {w.name for w in _workloads.WORKLOADS})
    if unknown:
        raise SystemExit(f"unknown workload(s) {unknown}; choose from "
                         f"{[w.name for w in _workloads.WORKLOADS]}")
    workloads = [w for w in _workloads.WORKLOADS if not wanted or w.name in wanted]
    # Everything imported so far (TF holds ~400k objects) goes to the permanent
    # generation: collections between rounds stay cheap and do not disturb timings.
    gc.collect()
    gc.freeze()

    print("== tftape_torch benchmarks (SPEC §4)" + (" [quick]" if args.quick else ""))
    for line in _machine.machine_lines(device, tf, args.threads):
        print("  " + line)
    if dropin is None:
        print("  note: drop-in namespace (tftape_torch.constant, ...) not available: "
              "tf-style column skipped")
    if not _workloads._has_jacobian():
        print("  note: GradientTape.jacobian/batch_jacobian not available: ours skipped "
              "on jacobian workloads")
    print(f"  rounds {args.repeat}, ~{args.sample_ms:g} ms per timed batch, variants "
          "interleaved in shuffled order each round, gc off while timing; medians of "
          "per-call time")
    print()
    rows: List[Dict[str, Any]] = []
    misses: List[str] = []
    if not args.no_timing:
        print("== time per call (median µs) and ratios")
        rows = run_timings(args, ctx, workloads)
        print()
        misses = print_table(rows, args.markdown)
        print("  " + _machine.load_line())
        print()

    if not args.no_memory:
        from benchmarks import _memory

        _memory.run(args, ctx, workloads)
    if device != "cpu":
        from benchmarks import _cuda

        _cuda.run(ctx, workloads)
    if args.jacobian_detail:
        from benchmarks import bench_jacobian

        print("== jacobian workloads in detail (benchmarks/bench_jacobian.py)")
        detail = ["--device", device, "--threads", str(args.threads)]
        detail += ["--quick"] * args.quick + ["--no-tf"] * (tf is None)
        bench_jacobian.main(detail)
        print()
    if args.profile:
        from benchmarks import _overhead

        _overhead.run(args, ctx, workloads, rows)

    print("== targets")
    if misses:
        for miss in misses:
            print("  MISS " + miss)
    elif rows:
        print("  all timing targets hold")
    disagree = [(row["workload"].name, row["disagree"]) for row in rows if row["disagree"]]
    for name, bad in disagree:
        print(f"  WRONG {name}: {bad} disagree with raw torch")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
