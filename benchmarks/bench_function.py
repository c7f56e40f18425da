"""`tf.function` benchmark (issue 15): each workload's step wrapped in `tf.function`.

Variants, timed interleaved in one process (medians of per-call times after warm-up):

* ``ours eager``: the step run through ``import tftape_torch as tf``, undecorated;
* ``ours function``: ``tftape_torch.function(step)`` (the captured graph, replayed);
* ``ours jit``: ``tftape_torch.function(step, jit_compile=True)`` (Inductor);
* ``TF graph`` / ``TF jit``: the same step on real TensorFlow under ``tf.function``,
  without and with ``jit_compile=True`` (XLA).

The first two calls of each variant (the trace, then the compile for ``jit``; ours
compiles at the second call, TF at the first) are timed separately. Run from the repository root::

    python benchmarks/bench_function.py             # full sizes, 1 thread
    python benchmarks/bench_function.py --quick     # small sizes, few rounds
    python benchmarks/bench_function.py --no-jit    # skip the compiled variants
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time
from typing import Any, Callable, Dict, List, Optional

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import tftape_torch  # noqa: E402
from benchmarks._timing import time_interleaved  # noqa: E402
from benchmarks._workloads import WORKLOADS, Context  # noqa: E402

__all__ = ["main"]

NAMES = ["seed_chain", "mlp_step", "hessian", "persistent_10", "elementwise_50"]


def _numpy(value: Any) -> List[np.ndarray]:
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _numpy(item)]
    return [np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.float64)]


def _first_calls(fn: Callable[[], Any]) -> float:
    """The first two calls: the trace, then (for `jit_compile`) the compile."""
    start = time.perf_counter()
    fn()
    fn()
    return time.perf_counter() - start


def _variants(ctx: Context, name: str, jit: bool) -> Dict[str, Callable[[], Any]]:
    workload = next(w for w in WORKLOADS if w.name == name)
    build = workload.build_tf_style
    assert build is not None
    ours = tftape_torch
    out: Dict[str, Callable[[], Any]] = {"ours eager": build(ctx, ours)}  # type: ignore[dict-item]
    out["ours function"] = ours.function(build(ctx, ours))
    if jit:
        out["ours jit"] = ours.function(build(ctx, ours), jit_compile=True)
    if ctx.tf is not None:
        out["TF graph"] = ctx.tf.function(build(ctx, ctx.tf))
        if jit:
            out["TF jit"] = ctx.tf.function(build(ctx, ctx.tf), jit_compile=True)
    return out


def run(quick: bool, use_tf: bool, jit: bool, names: List[str], rounds: int) -> str:
    tf: Optional[Any] = None
    if use_tf:
        try:
            import tensorflow as tf  # noqa: F811

            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except ImportError:
            tf = None
    ctx = Context(device="cpu", quick=quick, dropin=tftape_torch, tf=tf)
    lines = [
        f"tf.function benchmark: torch {torch.__version__}, 1 thread, "
        f"{'quick' if quick else 'full'} sizes, load average {os.getloadavg()[0]:.2f}",
        "",
        "| workload | variant | median | first 2 calls | vs TF graph | vs ours eager |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        variants = _variants(ctx, name, jit)
        firsts = {key: _first_calls(fn) for key, fn in variants.items()}
        reference = _numpy(_variants(ctx, name, False)["ours eager"]())
        for key, fn in variants.items():
            if name == "mlp_step":
                continue  # Variables moved by the calls above: checked by the tests
            got = _numpy(fn())
            assert all(np.allclose(a, b, rtol=1e-3, atol=1e-4) for a, b in zip(got, reference)), \
                f"{name}: {key} disagrees with the eager step"
        timings = time_interleaved(variants, repeat=rounds, budget_s=10 if quick else 60)
        tf_graph = timings["TF graph"].median if "TF graph" in timings else None
        eager = timings["ours eager"].median
        for key, timing in timings.items():
            vs_tf = f"{timing.median / tf_graph:.2f}" if tf_graph else "-"
            first = "-" if key == "ours eager" else f"{firsts[key] * 1e3:.0f} ms"
            lines.append(f"| {name} | {key} | {timing.median * 1e3:.3f} ms | {first} | {vs_tf} | "
                         f"{timing.median / eager:.2f} |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds")
    parser.add_argument("--no-tf", action="store_true", help="skip TensorFlow")
    parser.add_argument("--no-jit", action="store_true", help="skip jit_compile variants")
    parser.add_argument("--workloads", default=",".join(NAMES))
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    rounds = args.rounds or (5 if args.quick else 30)
    print(run(args.quick, not args.no_tf, not args.no_jit, args.workloads.split(","), rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
