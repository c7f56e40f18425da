"""Jacobians through torch's ops, one by one: where the formulation matrix's ops end.

`bench_jacobian_matrix.py` measures 17 formulations in depth. This sweep measures
breadth: about 50 functions of a vector `x`, most of them one op after a matrix
product (`f(W @ x)`: activations, special functions, sorting, pooling, masking,
indexing, recurrences by `split`/`unbind`, attention), each through

* ``jacobian``: `tape.jacobian(f(x), x)` (core API, plain tensors), and
* ``hessian``: the jacobian of `tape.gradient(sum(f(x)**2), x)` by nested tapes,

timed interleaved in one process against every torch method that gives the right
answer: `torch.func.jacrev` (`hessian` for the Hessian) on the function, and on the
recorded graph `autograd.grad(is_grads_batched=True)` and `torch.func.vmap` over
`autograd.grad`. Each answer is checked first against the engine's own rows (one
`autograd.grad` per row, float32 tolerances); a torch method that disagrees is
reported and left out (``--quick`` still checks everything). The ratio is ours over
the fastest torch method, the median of per-round ratios with its 95% interval
(`_timing.paired_ratio`); a row is a miss when the whole interval is above 1.2x.
Run from the repository root::

    python benchmarks/bench_jacobian_ops.py                     # jacobians at 256
    python benchmarks/bench_jacobian_ops.py --modes hessian --size 16
    python benchmarks/bench_jacobian_ops.py --only mish,sort --quick
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import warnings
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from benchmarks._timing import PairedRatio, paired_ratio, time_interleaved  # noqa: E402
from benchmarks._workloads import hessian_by_nested_tapes  # noqa: E402
from tftape_torch import GradientTape  # noqa: E402

__all__ = ["FUNCTIONS", "main", "sweep"]

Fn = Callable[[torch.Tensor], torch.Tensor]
MODES = ("jacobian", "hessian")


@dataclass
class Params:
    """The constants the functions close over, for vectors of `n` entries."""

    n: int
    w: torch.Tensor
    idx: torch.Tensor
    keys: torch.Tensor
    corners: torch.Tensor

    @classmethod
    def make(cls, n: int) -> Params:
        generator = torch.Generator().manual_seed(n)
        w = torch.randn(n, n, generator=generator) / n ** 0.5
        idx = torch.randint(0, n, (n,), generator=generator)
        keys = torch.randn(4, 8, max(n // 32, 1), generator=generator)
        corners = torch.tensor([-3.0, 3.0, -3.5, 0.5]).repeat(n // 4)
        return cls(n, w, idx, keys, corners)


def _recurrence(p: Params, x: torch.Tensor, unbind: bool) -> torch.Tensor:
    """Eight steps of `h = tanh(h @ W + x_t)` over `x` cut into eight pieces."""
    width = p.n // 8
    weight, h = p.w[:width, :width], x.new_zeros(width)
    steps = torch.unbind(x.reshape(8, width)) if unbind else torch.split(x, width)
    outs = []
    for piece in steps:
        h = torch.tanh(h @ weight + piece)
        outs.append(h)
    return torch.stack(outs).reshape(-1) if unbind else torch.cat(outs)


def _functions(p: Params) -> Dict[str, Fn]:
    w, idx = p.w, p.idx

    def wx(x: torch.Tensor) -> torch.Tensor:
        return w @ x

    return {
        # activations (most of them Keras's too)
        "sigmoid": lambda x: torch.sigmoid(wx(x)),
        "log_sigmoid": lambda x: F.logsigmoid(wx(x)),
        "softsign": lambda x: F.softsign(wx(x)),
        "mish": lambda x: F.mish(wx(x)),
        "hardswish": lambda x: F.hardswish(wx(x) * 4.0),
        "hardsigmoid": lambda x: F.hardsigmoid(wx(x) * 4.0),
        "hard_corners": lambda x: F.hardswish(x - x.detach() + p.corners) * wx(x),
        "celu": lambda x: F.celu(wx(x)),
        "relu6": lambda x: F.relu6(wx(x) * 4.0),
        "glu": lambda x: F.glu(wx(x)),
        "prelu": lambda x: F.prelu(wx(x), torch.tensor([0.2])),
        "threshold": lambda x: F.threshold(wx(x), 0.1, 0.0),
        "hardshrink": lambda x: F.hardshrink(wx(x)),
        "softshrink": lambda x: F.softshrink(wx(x)),
        "tanhshrink": lambda x: F.tanhshrink(wx(x)),
        # elementwise math
        "abs": lambda x: torch.abs(wx(x)),
        "sign_times": lambda x: torch.sign(x) * wx(x),
        "asinh": lambda x: torch.asinh(wx(x)),
        "expm1": lambda x: torch.expm1(wx(x)),
        "log1p": lambda x: torch.log1p(torch.sigmoid(wx(x))),
        "logit": lambda x: torch.logit(torch.sigmoid(wx(x))),
        "rsqrt": lambda x: torch.rsqrt(1 + wx(x) ** 2),
        "reciprocal": lambda x: torch.reciprocal(1 + wx(x) ** 2),
        "sinc": lambda x: torch.sinc(wx(x)),
        "erfinv": lambda x: torch.erfinv(torch.tanh(wx(x)) * 0.9),
        "lgamma": lambda x: torch.lgamma(torch.sigmoid(wx(x)) + 1),
        "digamma": lambda x: torch.digamma(torch.sigmoid(wx(x)) + 1),
        "polygamma": lambda x: torch.polygamma(1, torch.sigmoid(wx(x)) + 1),
        "xlogy": lambda x: torch.xlogy(x, torch.sigmoid(wx(x))),
        "atan2": lambda x: torch.atan2(wx(x), x),
        "fmod": lambda x: torch.fmod(wx(x), 0.7),
        "remainder": lambda x: torch.remainder(wx(x), 0.7),
        "frac": lambda x: torch.frac(wx(x)),
        "nan_to_num": lambda x: torch.nan_to_num(wx(x)),
        "clamp_by_tensor": lambda x: torch.clamp(wx(x), min=x),
        # selection, masking, reordering
        "where": lambda x: torch.where(x > 0, wx(x), x * x),
        "masked_fill": lambda x: wx(x).masked_fill(x > 0.5, 0.0),
        "index": lambda x: torch.tanh(wx(x))[idx] * x,
        "index_add": lambda x: x.new_zeros(p.n).index_add(0, idx, torch.tanh(wx(x))),
        "sort": lambda x: torch.sort(wx(x))[0],
        "topk": lambda x: torch.topk(wx(x), p.n // 2)[0],
        "roll": lambda x: torch.roll(torch.tanh(wx(x)), 3),
        "diff": lambda x: torch.diff(torch.tanh(wx(x))),
        "max_pool": lambda x: F.max_pool1d(wx(x).reshape(1, 1, -1), 2).reshape(-1),
        # reductions and products
        "prod": lambda x: torch.prod(torch.sigmoid(wx(x)).reshape(-1, 4), 1),
        "cumprod": lambda x: torch.cumprod(torch.sigmoid(wx(x)), 0),
        "normalize": lambda x: x / torch.linalg.vector_norm(wx(x)),
        "standardize": lambda x: (wx(x) - wx(x).mean()) / torch.var(wx(x)),
        "outer": lambda x: torch.outer(x[:16], torch.tanh(wx(x))[:16]).reshape(-1),
        "outer_diagonal": lambda x: torch.diagonal(torch.outer(x, wx(x))),
        "cdist": lambda x: torch.cdist(wx(x).reshape(-1, 4), x.reshape(-1, 4)).reshape(-1),
        # layers
        "rnn_split": lambda x: _recurrence(p, x, unbind=False),
        "rnn_unbind": lambda x: _recurrence(p, x, unbind=True),
        "attention": lambda x: F.scaled_dot_product_attention(
            x.reshape(4, 8, -1), p.keys, p.keys).reshape(-1),
    }


FUNCTIONS = tuple(_functions(Params.make(32)))


def _engine_rows(y: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The reference: one `autograd.grad` per row, `[*y.shape, *x.shape]`."""
    flat = y.reshape(-1)
    rows = [torch.autograd.grad(flat[i], x, retain_graph=True, allow_unused=True)[0]
            for i in range(flat.numel())]
    rows = [torch.zeros_like(x) if r is None else r for r in rows]
    return torch.stack(rows).reshape(*y.shape, *x.shape)


def _variants(fn: Fn, x: torch.Tensor, mode: str) -> Dict[str, Callable[[], torch.Tensor]]:
    """Ours and every torch method for `fn` at `x` in `mode`."""
    xg = x.clone().requires_grad_(True)
    if mode == "jacobian":
        def ours() -> torch.Tensor:
            with GradientTape() as tape:
                tape.watch(x)
                y = fn(x)
            result: torch.Tensor = tape.jacobian(y, x)
            return result

        def recorded() -> torch.Tensor:
            return fn(xg)

        func = torch.func.jacrev(fn)
        on_function = ("jacrev", lambda: func(x))
    else:
        def scalar(v: torch.Tensor) -> torch.Tensor:
            return (fn(v) ** 2).sum()

        def ours() -> torch.Tensor:
            result: torch.Tensor = hessian_by_nested_tapes(GradientTape, scalar, x)
            return result

        def recorded() -> torch.Tensor:
            return torch.autograd.grad(scalar(xg), xg, create_graph=True)[0]

        func = torch.func.hessian(scalar)
        on_function = ("func.hessian", lambda: func(x))

    def rows_of(how: str) -> Callable[[], torch.Tensor]:
        def run() -> torch.Tensor:
            y = recorded()
            seeds = torch.eye(y.numel()).reshape(y.numel(), *y.shape)
            if how == "batched":
                rows = torch.autograd.grad(y, xg, seeds, is_grads_batched=True)[0]
            else:
                rows = torch.func.vmap(
                    lambda v: torch.autograd.grad(y, xg, v, retain_graph=True)[0])(seeds)
            return rows.reshape(*y.shape, *x.shape)
        return run

    return {"ours": ours, on_function[0]: on_function[1],
            "graph:batched": rows_of("batched"), "graph:vmap": rows_of("vmap")}


@dataclass
class Row:
    name: str
    mode: str
    ours_s: float
    best: str
    best_s: float
    ratio: PairedRatio
    wrong: List[str]


def _verdict(ratio: PairedRatio) -> str:
    text = f"{ratio.median:.2f} ({ratio.low:.2f}-{ratio.high:.2f})"
    if ratio.low > 1.2:
        return f"**{text}**"
    return f"_{text}_" if ratio.high > 1.2 else text


def _measure(name: str, fn: Fn, x: torch.Tensor, mode: str, repeat: int,
             budget_s: float) -> Optional[Row]:
    """The row of `name` in `mode`, or None where torch's engine cannot compute it
    (a second derivative torch does not have)."""
    variants = _variants(fn, x, mode)
    xg = x.clone().requires_grad_(True)
    try:
        if mode == "jacobian":
            expected = _engine_rows(fn(xg), xg)
        else:
            g = torch.autograd.grad((fn(xg) ** 2).sum(), xg, create_graph=True)[0]
            expected = _engine_rows(g, xg)
    except (RuntimeError, NotImplementedError):
        return None
    checked: Dict[str, Callable[[], object]] = {}
    wrong: List[str] = []
    for key, run in variants.items():
        try:
            got = run()
        except (RuntimeError, NotImplementedError) as error:
            if key == "ours":
                raise
            wrong.append(f"{key} raised {type(error).__name__}")
            continue
        if got.shape != expected.shape or not torch.allclose(got, expected, rtol=1e-4,
                                                              atol=1e-4):
            if key == "ours":
                raise AssertionError(f"{name} {mode}: ours differs from the engine's rows")
            wrong.append(f"{key} gives a wrong answer")
            continue
        checked[key] = run
    torch_methods = [key for key in checked if key != "ours"]
    if not torch_methods:
        raise AssertionError(f"{name} {mode}: no torch method gives the engine's answer")
    timings = time_interleaved(checked, repeat=repeat, budget_s=budget_s)
    best = min(torch_methods, key=lambda key: timings[key].median)
    ratio = paired_ratio(timings["ours"].samples, timings[best].samples)
    return Row(name, mode, timings["ours"].median, best, timings[best].median, ratio, wrong)


def sweep(names: Sequence[str], modes: Sequence[str], n: int, repeat: int,
          budget_s: float) -> List[Row]:
    """Measure each function of `names` in each mode of `modes`, at `n` inputs."""
    params = Params.make(n)
    functions = _functions(params)
    x = torch.sin(torch.arange(n) * 0.37 + 0.1)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # (functorch's "performance drop" fallbacks)
        for mode in modes:
            for name in names:
                row = _measure(name, functions[name], x, mode, repeat, budget_s)
                if row is None:
                    print(f"  {name:16s} {mode:9s} left out: torch's engine has no "
                          "derivative to compare with", flush=True)
                    continue
                rows.append(row)
                print(f"  {name:16s} {mode:9s} {_verdict(row.ratio)}", flush=True)
    return rows


def table(rows: Sequence[Row], n: int) -> str:
    lines = [
        "| function | mode | size | ours µs | fastest torch µs (method) | ours/torch (95% "
        "interval) | torch methods left out |",
        "| --- | --- | --- | ---: | --- | ---: | --- |",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {row.mode} | {n} | {row.ours_s * 1e6:,.0f} | "
            f"{row.best_s * 1e6:,.0f} ({row.best}) | {_verdict(row.ratio)} | "
            f"{'; '.join(row.wrong) or '-'} |")
    within = sum(row.ratio.high <= 1.2 for row in rows)
    missed = sum(row.ratio.low > 1.2 for row in rows)
    lines.append("")
    lines.append(f"within 1.2x of the fastest torch method: {within}/{len(rows)} within, "
                 f"{len(rows) - within - missed} undecided, {missed} missed")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated functions")
    parser.add_argument("--modes", default="jacobian", help="jacobian,hessian")
    parser.add_argument("--size", type=int, default=256, help="entries of x (a multiple of 32)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--budget-s", type=float, default=3.0, help="seconds per row at most")
    parser.add_argument("--quick", action="store_true", help="size 32, 3 rounds: proves it runs")
    args = parser.parse_args(argv)
    names = [name for name in args.only.split(",") if name] or list(FUNCTIONS)
    unknown = [name for name in names if name not in FUNCTIONS]
    if unknown:
        parser.error(f"unknown functions: {', '.join(unknown)} (known: {', '.join(FUNCTIONS)})")
    modes = [mode for mode in args.modes.split(",") if mode]
    if set(modes) - set(MODES):
        parser.error(f"modes are {', '.join(MODES)}")
    n, repeat, budget_s = args.size, args.repeat, args.budget_s
    if args.quick:
        n, repeat, budget_s = 32, 3, 0.3
    if n % 32:
        parser.error("--size must be a multiple of 32")
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, {repeat} interleaved rounds; "
          "ratios: medians of per-round ratios, 95% intervals")
    rows = sweep(names, modes, n, repeat, budget_s)
    print()
    print(table(rows, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
