"""Jacobian benchmarks: `GradientTape.jacobian` / `batch_jacobian` and a Hessian by
nested tapes, against every way torch can compute the same thing, and TF eager.

Three workloads (SPEC §4, issue 4):

* ``jacobian``: 256x256, ``y = tanh(matmul(W, x))`` with ``x`` a 256x1 column;
* ``batch_jacobian``: 64x32x32, ``y = tanh(x @ W)`` with ``x`` of shape 64x32;
* ``hessian``: 64x64, by nested tapes, of ``sum(tanh(x @ W))``.

Each runs, interleaved round by round (medians of per-call times):

* ``ours``: ``tftape_torch.GradientTape`` on plain torch tensors (and ``ours tf-style``
  through ``import tftape_torch as tf`` when the drop-in namespace is there);
* ``graph:*``: the best torch can do on the same *recorded* graph, the situation a tape
  is in: one ``autograd.grad(..., is_grads_batched=True)``, ``torch.func.vmap`` over
  ``autograd.grad`` (for the column jacobian also with the batch dimension last, see
  NOTE [Which vmap] in ``tftape_torch/_jacobian_plan.py``), and a Python row loop of
  ``autograd.grad`` calls;
* ``retrace:*``: ``torch.func`` transforms that re-trace the *function*
  (``jacrev``, ``vjp`` + ``vmap``, ``hessian``): a reference a tape cannot use, as it
  only sees the graph after the fact, but the number to chase;
* ``TF``: the same TF code on real TensorFlow, eager (imported only here, and only
  when importable; ``--no-tf`` skips it).

Every variant includes the forward pass (a tape must record it each time) and
returns its jacobian; all variants are checked against each other first.

Run from the repository root::

    python benchmarks/bench_jacobian.py                 # CPU, 1 thread
    python benchmarks/bench_jacobian.py --device cuda   # torch sides on the GPU
    python benchmarks/bench_jacobian.py --quick         # a few rounds: proves it runs
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Sequence

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import tftape_torch  # noqa: E402
from benchmarks._timing import time_interleaved  # noqa: E402
from tftape_torch import GradientTape  # noqa: E402

__all__ = ["main"]

Fn = Callable[[], Any]
GRAPH_LIMIT = 1.2  # ours / best recorded-graph method


@dataclass
class Setup:
    device: str
    tf: Any  # real TensorFlow or None
    dropin: Any  # tftape_torch when it has the drop-in namespace, else None

    def tensor(self, array: np.ndarray, requires_grad: bool = False) -> torch.Tensor:
        return torch.tensor(array, device=self.device, requires_grad=requires_grad)

    def tf_constant(self, module: Any, array: np.ndarray) -> Any:
        value = module.constant(array)
        if module is self.dropin and self.device != "cpu":
            value = value.to(self.device)
        return value


def _f32(array: Any) -> np.ndarray:
    return np.asarray(array, dtype=np.float32)


# ---------------------------------------------------------------------- jacobian


def _jacobian(setup: Setup, n: int) -> Dict[str, Fn]:
    rng = np.random.default_rng(2)
    w_np = _f32(rng.standard_normal((n, n)) / np.sqrt(n))
    x_np = _f32(rng.standard_normal((n, 1)))
    w, x = setup.tensor(w_np), setup.tensor(x_np)
    variants: Dict[str, Fn] = {}

    def ours() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = torch.tanh(torch.matmul(w, x))
        return tape.jacobian(y, x)  # (n, 1, n, 1)

    variants["ours"] = ours

    def tf_code(tf: Any) -> Fn:
        wt, xt = setup.tf_constant(tf, w_np), setup.tf_constant(tf, x_np)

        def step() -> Any:
            with tf.GradientTape() as tape:
                tape.watch(xt)
                y = tf.tanh(tf.matmul(wt, xt))
            return tape.jacobian(y, xt)

        return step

    if setup.dropin is not None:
        variants["ours tf-style"] = tf_code(setup.dropin)

    xg = setup.tensor(x_np, requires_grad=True)
    eye = torch.eye(n, device=setup.device).reshape(n, n, 1)

    def batched() -> Any:
        y = torch.tanh(w @ xg)
        (rows,) = torch.autograd.grad(y, xg, eye, is_grads_batched=True)
        return rows.reshape(n, 1, n, 1)

    def vmap_grad() -> Any:
        y = torch.tanh(w @ xg)
        rows = torch.func.vmap(lambda v: torch.autograd.grad(y, xg, v, retain_graph=True)[0])(eye)
        return rows.reshape(n, 1, n, 1)

    def row_loop() -> Any:
        y = torch.tanh(w @ xg)
        rows = [torch.autograd.grad(y, xg, eye[i], retain_graph=True)[0] for i in range(n)]
        return torch.stack(rows).reshape(n, 1, n, 1)

    eye_last = torch.eye(n, device=setup.device).reshape(n, 1, n)  # batch dimension last

    def vmap_grad_last() -> Any:
        y = torch.tanh(w @ xg)
        rows = torch.func.vmap(
            lambda v: torch.autograd.grad(y, xg, v, retain_graph=True)[0], in_dims=-1
        )(eye_last)
        return rows.reshape(n, 1, n, 1)

    variants["graph:autograd.grad(is_grads_batched)"] = batched
    variants["graph:vmap(autograd.grad)"] = vmap_grad
    variants["graph:vmap(autograd.grad), batch last"] = vmap_grad_last
    variants["graph:row loop"] = row_loop

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.tanh(w @ v)

    jacrev = torch.func.jacrev(f)

    def vjp_vmap() -> Any:
        vjp_fn = torch.func.vjp(f, x)[1]
        return torch.func.vmap(vjp_fn)(eye)[0].reshape(n, 1, n, 1)

    def vjp_vmap_last() -> Any:
        vjp_fn = torch.func.vjp(f, x)[1]
        return torch.func.vmap(vjp_fn, in_dims=-1)(eye_last)[0].reshape(n, 1, n, 1)

    variants["retrace:func.jacrev"] = lambda: jacrev(x)
    variants["retrace:func.vjp+vmap"] = vjp_vmap
    variants["retrace:func.vjp+vmap, batch last"] = vjp_vmap_last
    if setup.tf is not None:
        variants["TF"] = tf_code(setup.tf)
    return variants


# ---------------------------------------------------------------------- batch_jacobian


def _batch_jacobian(setup: Setup, b: int, n: int) -> Dict[str, Fn]:
    rng = np.random.default_rng(3)
    x_np = _f32(rng.standard_normal((b, n)))
    w_np = _f32(rng.standard_normal((n, n)) / np.sqrt(n))
    x, w = setup.tensor(x_np), setup.tensor(w_np)
    variants: Dict[str, Fn] = {}

    def ours() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = torch.tanh(x @ w)
        return tape.batch_jacobian(y, x)  # (b, n, n)

    variants["ours"] = ours

    def tf_code(tf: Any) -> Fn:
        xt, wt = setup.tf_constant(tf, x_np), setup.tf_constant(tf, w_np)

        def step() -> Any:
            with tf.GradientTape() as tape:
                tape.watch(xt)
                y = tf.tanh(tf.matmul(xt, wt))
            return tape.batch_jacobian(y, xt)

        return step

    if setup.dropin is not None:
        variants["ours tf-style"] = tf_code(setup.dropin)

    xg = setup.tensor(x_np, requires_grad=True)
    # Seed m: one-hot in output column m for every example at once (m rows, not b*m).
    seeds = torch.eye(n, device=setup.device).unsqueeze(1).expand(n, b, n).contiguous()

    def batched() -> Any:
        y = torch.tanh(xg @ w)
        (rows,) = torch.autograd.grad(y, xg, seeds, is_grads_batched=True)
        return rows.transpose(0, 1)

    def vmap_grad() -> Any:
        y = torch.tanh(xg @ w)
        rows = torch.func.vmap(lambda v: torch.autograd.grad(y, xg, v, retain_graph=True)[0])(seeds)
        return rows.transpose(0, 1)

    def row_loop() -> Any:
        y = torch.tanh(xg @ w)
        rows = [torch.autograd.grad(y, xg, seeds[m], retain_graph=True)[0] for m in range(n)]
        return torch.stack(rows, dim=1)

    variants["graph:autograd.grad(is_grads_batched)"] = batched
    variants["graph:vmap(autograd.grad)"] = vmap_grad
    variants["graph:row loop"] = row_loop

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.tanh(v @ w)

    per_example = torch.func.vmap(torch.func.jacrev(f))

    def vjp_vmap() -> Any:
        vjp_fn = torch.func.vjp(f, x)[1]
        return torch.func.vmap(vjp_fn)(seeds)[0].transpose(0, 1)

    variants["retrace:func.vmap(jacrev)"] = lambda: per_example(x)
    variants["retrace:func.vjp+vmap"] = vjp_vmap
    if setup.tf is not None:
        variants["TF"] = tf_code(setup.tf)
    return variants


# ---------------------------------------------------------------------- Hessian


def _hessian(setup: Setup, n: int) -> Dict[str, Fn]:
    rng = np.random.default_rng(4)
    x_np = _f32(rng.standard_normal(n))
    w_np = _f32(rng.standard_normal((n, n)) / np.sqrt(n))
    x, w = setup.tensor(x_np), setup.tensor(w_np)
    variants: Dict[str, Fn] = {}

    def ours() -> Any:
        with GradientTape() as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                y = torch.sum(torch.tanh(x.reshape(1, n) @ w))
            g = inner.gradient(y, x)
        return outer.jacobian(g, x)  # (n, n)

    variants["ours"] = ours

    def tf_code(tf: Any) -> Fn:
        xt, wt = setup.tf_constant(tf, x_np), setup.tf_constant(tf, w_np)

        def step() -> Any:
            with tf.GradientTape() as outer:
                outer.watch(xt)
                with tf.GradientTape() as inner:
                    inner.watch(xt)
                    y = tf.reduce_sum(tf.tanh(tf.matmul(tf.reshape(xt, [1, n]), wt)))
                g = inner.gradient(y, xt)
            return outer.jacobian(g, xt)

        return step

    if setup.dropin is not None:
        variants["ours tf-style"] = tf_code(setup.dropin)

    xg = setup.tensor(x_np, requires_grad=True)
    eye = torch.eye(n, device=setup.device)

    def first(v: torch.Tensor) -> torch.Tensor:
        y = torch.sum(torch.tanh(v.reshape(1, n) @ w))
        return torch.autograd.grad(y, v, create_graph=True)[0]

    def batched() -> Any:
        g = first(xg)
        return torch.autograd.grad(g, xg, eye, is_grads_batched=True)[0]

    def vmap_grad() -> Any:
        g = first(xg)
        return torch.func.vmap(lambda v: torch.autograd.grad(g, xg, v, retain_graph=True)[0])(eye)

    def row_loop() -> Any:
        g = first(xg)
        rows = [torch.autograd.grad(g, xg, eye[i], retain_graph=True)[0] for i in range(n)]
        return torch.stack(rows)

    variants["graph:autograd.grad(is_grads_batched)"] = batched
    variants["graph:vmap(autograd.grad)"] = vmap_grad
    variants["graph:row loop"] = row_loop

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.sum(torch.tanh(v.reshape(1, n) @ w))

    hessian = torch.func.hessian(f)  # jacfwd(jacrev)
    jacrev2 = torch.func.jacrev(torch.func.jacrev(f))
    variants["retrace:func.hessian"] = lambda: hessian(x)
    variants["retrace:func.jacrev(jacrev)"] = lambda: jacrev2(x)
    if setup.tf is not None:
        variants["TF"] = tf_code(setup.tf)
    return variants


# ---------------------------------------------------------------------- running


def _as_numpy(value: Any) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        with torch._C.DisableTorchFunctionSubclass():
            return value.detach().cpu().numpy()
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def _check(name: str, variants: Dict[str, Fn]) -> None:
    """All variants must agree with ours; a disagreeing tf-style variant is dropped."""
    reference = _as_numpy(variants["ours"]())
    for label in list(variants):
        got = _as_numpy(variants[label]())
        if got.shape == reference.shape and np.allclose(got, reference, rtol=1e-4, atol=1e-5):
            continue
        detail = (f"shape {got.shape} vs {reference.shape}" if got.shape != reference.shape
                  else f"max abs diff {np.max(np.abs(got - reference)):.3g}")
        if label == "ours tf-style":
            print(f"   NOTE {name}: ours tf-style disagrees with ours ({detail}); not timed")
            del variants[label]
            continue
        raise AssertionError(f"{name}: {label} disagrees with ours ({detail})")


def _table(name: str, description: str, timings: Dict[str, Any]) -> Dict[str, float]:
    medians = {label: t.median for label, t in timings.items()}
    minima = {label: min(t.samples) for label, t in timings.items()}
    print(f"== {name}: {description}")
    print(f"   {'variant':<42} {'median µs':>11} {'IQR µs':>9} {'min µs':>9} {'/ ours':>8}")
    for label, t in sorted(timings.items(), key=lambda item: item[1].median):
        print(f"   {label:<42} {t.median * 1e6:>11.1f} {t.iqr * 1e6:>9.1f} "
              f"{minima[label] * 1e6:>9.1f} {t.median / medians['ours']:>8.2f}")
    summary: Dict[str, float] = {}
    for stat, values in (("median", medians), ("min", minima)):
        ours = values["ours"]
        graph = {k: v for k, v in values.items() if k.startswith("graph:")}
        retrace = {k: v for k, v in values.items() if k.startswith("retrace:")}
        best_graph = min(graph, key=graph.__getitem__)
        best_retrace = min(retrace, key=retrace.__getitem__)
        summary[f"graph/{stat}"] = ours / graph[best_graph]
        summary[f"retrace/{stat}"] = ours / retrace[best_retrace]
        verdict = "ok" if summary[f"graph/{stat}"] <= GRAPH_LIMIT else "MISSED"
        print(f"   by {stat}: ours / best recorded-graph ({best_graph[6:]}) = "
              f"{summary[f'graph/{stat}']:.2f} (target <= {GRAPH_LIMIT}: {verdict}); "
              f"ours / best re-tracing ({best_retrace[8:]}) = {summary[f'retrace/{stat}']:.2f}")
        if "TF" in values:
            summary[f"tf/{stat}"] = values["TF"] / ours
    if "ours tf-style" in medians:
        print(
            f"   ours tf-style / ours: {medians['ours tf-style'] / medians['ours']:.2f} (median), "
            f"{minima['ours tf-style'] / minima['ours']:.2f} (min)"
        )
    if "TF" in medians:
        verdict = "ok" if summary["tf/median"] > 1 else "MISSED"
        print(f"   TF eager / ours: {summary['tf/median']:.1f}x (median), "
              f"{summary['tf/min']:.1f}x (min) (target > 1: {verdict})")
    print()
    return summary


def _import_tf(threads: int) -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        import tensorflow as tf
    except ImportError:
        return None
    tf.get_logger().setLevel("ERROR")
    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
        tf.config.set_visible_devices([], "GPU")
    except (RuntimeError, ValueError):  # already initialised
        pass
    return tf


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--threads", type=int, default=1, help="torch and TF intra-op threads")
    parser.add_argument("--repeat", type=int, default=None, help="timed rounds (default 60)")
    parser.add_argument("--budget-s", type=float, default=None,
                        help="stop a workload's rounds after this long (default 60 s)")
    parser.add_argument("--sample-ms", type=float, default=5.0,
                        help="length of one timed batch of calls (default 5 ms); shorter "
                        "batches make the minima robust on a busy machine")
    parser.add_argument("--quick", action="store_true", help="few rounds: proves it runs")
    parser.add_argument("--no-tf", action="store_true", help="do not import TensorFlow")
    parser.add_argument("--only", default="", help="comma-separated workloads")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 60)
    budget = args.budget_s or (5.0 if args.quick else 60.0)

    torch.set_num_threads(args.threads)
    device = args.device
    if device.startswith("cuda") and not torch.cuda.is_available():
        print("CUDA is not available", file=sys.stderr)
        return 2
    tf = None if args.no_tf else _import_tf(args.threads)
    dropin = tftape_torch if hasattr(tftape_torch, "constant") else None
    setup = Setup(device=device, tf=tf, dropin=dropin)
    sync = torch.cuda.synchronize if device.startswith("cuda") else None

    print(f"torch {torch.__version__} on {device} ({args.threads} thread(s)); "
          f"TF {'eager ' + tf.__version__ + ' (CPU)' if tf is not None else 'not run'}; "
          f"drop-in namespace: {'yes' if dropin is not None else 'not built yet'}")
    print("Per-call medians (and minima) over interleaved rounds; ratios use medians; "
          "every variant includes the forward pass.")
    print()
    workloads = {
        "jacobian": ("256x256 of tanh(matmul(W, x)), x 256x1", lambda: _jacobian(setup, 256)),
        "batch_jacobian": ("64x32x32 of tanh(x @ W)", lambda: _batch_jacobian(setup, 64, 32)),
        "hessian": ("64x64 by nested tapes of sum(tanh(x @ W))", lambda: _hessian(setup, 64)),
    }
    only = [name for name in args.only.split(",") if name]
    results: Dict[str, Dict[str, float]] = {}
    for name, (description, build) in workloads.items():
        if only and name not in only:
            continue
        variants = build()
        _check(name, variants)
        timings = time_interleaved(variants, repeat=repeat, budget_s=budget, sync=sync,
                                   sample_s=args.sample_ms / 1000)
        results[name] = _table(name, description, timings)

    print("== summary (ratios by median; by minimum in brackets: robust on a busy machine)")
    print(f"   {'workload':<16} {'ours/best graph':>22} {'ours/best retrace':>22} {'TF/ours':>18}")
    for name, summary in results.items():
        tf_ratio = (f"{summary['tf/median']:.1f}x [{summary['tf/min']:.1f}x]"
                    if "tf/median" in summary else "-")
        graph = f"{summary['graph/median']:.2f} [{summary['graph/min']:.2f}]"
        retrace = f"{summary['retrace/median']:.2f} [{summary['retrace/min']:.2f}]"
        print(f"   {name:<16} {graph:>22} {retrace:>22} {tf_ratio:>18}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
