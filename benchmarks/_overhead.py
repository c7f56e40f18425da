"""Where the tape's own time goes.

Two views:

* micro-costs: the price of each piece of tape machinery on its own (entering and
  leaving a tape, `watch`, a Variable read, a drop-in tensor op), timed the same
  interleaved way as the main table against the bare torch operation;
* cProfile of each workload's tftape_torch variants: the share of time spent in
  tftape_torch's Python code, and the functions that take it. cProfile slows Python
  code more than C code, so the shares are upper bounds; the micro-costs are the
  real prices.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
from typing import Any, Dict, List, Tuple

import numpy as np
import torch

from benchmarks import _timing, _workloads
from tftape_torch import GradientTape

__all__ = ["run"]


def _micro_variants(ctx: _workloads.Context) -> Dict[str, Any]:
    x = ctx.torch_tensor(np.asarray(3.0, np.float32))
    leaf = ctx.torch_tensor(np.asarray(3.0, np.float32), requires_grad=True)
    out: Dict[str, Any] = {}

    out["plain x*x (no tape)"] = lambda: x * x
    out["leaf x*x (requires_grad, records)"] = lambda: leaf * leaf

    def enter_exit() -> None:
        with GradientTape():
            pass

    def enter_watch_exit() -> None:
        with GradientTape() as tape:
            tape.watch(x)

    def seed_ours() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = x * x
        return tape.gradient(y, x)

    def seed_raw() -> Any:
        y = leaf * leaf
        return torch.autograd.grad(y, leaf)[0]

    def second_raw() -> Any:
        y = leaf * leaf * leaf
        g = torch.autograd.grad(y, leaf, create_graph=True)[0]
        return torch.autograd.grad(g, leaf)[0]

    out["GradientTape enter+exit"] = enter_exit
    out["... + watch(x)"] = enter_watch_exit
    out["... + y=x*x + gradient (core)"] = seed_ours
    out["raw: y=x*x + autograd.grad"] = seed_raw
    # A plain tensor's flag is switched on for the tapes and back (a flip); a leaf
    # that already requires grad needs neither.
    out["nested tapes d2(x^3), x plain"] = _workloads.nested_second_derivative(x)
    out["nested tapes d2(x^3), x requires grad"] = _workloads.nested_second_derivative(leaf)
    out["raw: d2(x^3) by autograd.grad twice"] = second_raw

    tf = ctx.dropin
    if tf is not None:
        ex = ctx.tf_constant(tf, np.asarray(3.0, np.float32))
        v = ctx.tf_variable(tf, np.asarray(3.0, np.float32))
        out["drop-in EagerTensor x*x"] = lambda: ex * ex
        out["Variable v*2. (no tape)"] = lambda: v * 2.0

        def var_in_tape() -> None:
            with GradientTape():
                v * 2.0

        def var_in_tape_x10() -> None:
            with GradientTape():
                for _ in range(10):
                    v * 2.0

        out["tape enter+exit + 1 Variable op"] = var_in_tape
        out["tape enter+exit + 10 Variable ops"] = var_in_tape_x10
    return out


def micro_costs(args: argparse.Namespace, ctx: _workloads.Context) -> None:
    variants = _micro_variants(ctx)
    timings = _timing.time_interleaved(
        variants, repeat=max(5, args.repeat // 2), sample_s=args.sample_ms / 1e3,
        warmup_s=0.02 if args.quick else 0.2, budget_s=args.budget_s,
        sync=torch.cuda.synchronize if ctx.device != "cpu" else None)
    print("-- micro-costs (median µs per call)")
    for name, timing in timings.items():
        print(f"   {name:<40} {timing.median * 1e6:8.2f}")
    med = {name: timing.median * 1e6 for name, timing in timings.items()}
    enter = med["GradientTape enter+exit"]
    watch = med["... + watch(x)"] - enter
    seed = med["... + y=x*x + gradient (core)"] - med["raw: y=x*x + autograd.grad"]
    print(f"   => tape enter+exit {enter:.2f} µs; watch {watch:.2f} µs; "
          f"seed chain overhead over raw torch {seed:.2f} µs")
    raw2 = med["raw: d2(x^3) by autograd.grad twice"]
    flipped = med["nested tapes d2(x^3), x plain"] - raw2
    leaf2 = med["nested tapes d2(x^3), x requires grad"] - raw2
    print(f"   => nested tapes over raw torch: {flipped:.2f} µs watching a plain tensor "
          f"(its flag flipped), {leaf2:.2f} µs a leaf that requires grad")
    if "drop-in EagerTensor x*x" in med:
        plain = med["plain x*x (no tape)"]
        eager = med["drop-in EagerTensor x*x"] - plain
        variable = med["Variable v*2. (no tape)"] - plain
        in_tape = (med["tape enter+exit + 10 Variable ops"]
                   - med["tape enter+exit + 1 Variable op"]) / 9
        print(f"   => drop-in op overhead {eager:.2f} µs/op; Variable op (no tape) "
              f"{variable:.2f} µs/op; Variable op in a tape {in_tape:.2f} µs/op")


def _profile(fn: Any, calls: int) -> pstats.Stats:
    profiler = cProfile.Profile()
    gc.collect()
    gc.disable()  # as when timing: a collection would be billed to whoever allocated
    try:
        profiler.enable()
        for _ in range(calls):
            fn()
        profiler.disable()
    finally:
        gc.enable()
    return pstats.Stats(profiler)


def _shares(stats: pstats.Stats, calls: int) -> Tuple[float, Dict[str, Tuple[float, int]]]:
    """(total µs/call, {tftape_torch function: (own µs/call, calls per call)})."""
    total = 0.0
    funcs: Dict[str, Tuple[float, int]] = {}
    entries = stats.stats.items()  # type: ignore[attr-defined]
    for (filename, _line, name), (_, ncalls, tottime, _, _) in entries:
        total += tottime
        path = filename.replace("\\", "/")
        if "/tftape_torch/" in path:
            key = f"{path.rsplit('/', 1)[-1]}:{name}"
            own, count = funcs.get(key, (0.0, 0))
            funcs[key] = (own + tottime / calls * 1e6, count + ncalls)
    return total / calls * 1e6, funcs


def _robust_profile(
    fn: Any, calls: int, chunks: int
) -> Tuple[float, float, List[Tuple[str, float, float]]]:
    """Profiles `chunks` batches of `calls` calls; medians per function over batches.

    On a busy machine a preemption lands in whichever function runs; the median
    over batches drops such outliers.
    """
    totals: List[float] = []
    per_func: Dict[str, List[float]] = {}
    counts: Dict[str, float] = {}
    for chunk in range(chunks):
        total, funcs = _shares(_profile(fn, calls), calls)
        totals.append(total)
        for key, (own, count) in funcs.items():
            per_func.setdefault(key, [0.0] * chunk).append(own)
            counts[key] = count / calls
        for values in per_func.values():
            if len(values) < chunk + 1:
                values.append(0.0)
    medians = [(key, statistics.median(values), counts[key]) for key, values in per_func.items()]
    medians.sort(key=lambda item: -item[1])
    ours = sum(value for _, value, _ in medians)
    return statistics.median(totals), ours, medians


def profile_workloads(args: argparse.Namespace, ctx: _workloads.Context,
                      workloads: List[_workloads.Workload], rows: List[Dict[str, Any]]) -> None:
    print("-- cProfile of ours (own time in tftape_torch's Python code, per call; "
          "cProfile inflates Python-heavy code)")
    measured = {row["workload"].name: row for row in rows}
    for workload in workloads:
        variants = workload.variants(ctx)
        for name in [n for n in ("core", "tf-style") if n in variants]:
            fn = variants[name]
            for _ in range(3):
                fn()
            row = measured.get(workload.name)
            per_call = row[name] if row and row.get(name) else 1e-3
            calls = max(3, min(2000, int((0.01 if args.quick else 0.2) / per_call)))
            total, ours, funcs = _robust_profile(fn, calls, 3 if args.quick else 7)
            top = ", ".join(f"{fname} {own:.1f}µs" + (f" ×{n:g}" if n != 1 else "")
                            for fname, own, n in funcs[:6])
            extra = ""
            if row and row.get(name) and row.get("torch"):
                extra = (f"; measured gap to raw torch "
                         f"{(row[name] - row['torch']) * 1e6:+.1f} µs")
            print(f"   {workload.name:<15} {name:<8} {ours:7.1f} of {total:8.1f} µs "
                  f"({100 * ours / total if total else 0:4.1f}%) in tftape_torch{extra}")
            if top:
                print(f"      {top}")
        del variants


def run(args: argparse.Namespace, ctx: _workloads.Context,
        workloads: List[_workloads.Workload], rows: List[Dict[str, Any]]) -> None:
    print("== overhead profile")
    micro_costs(args, ctx)
    print()
    profile_workloads(args, ctx, workloads, rows)
    print()
