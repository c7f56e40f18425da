"""The jacobian matrix's rows counted in machine instructions, not timed: what each
variant executes per call, under valgrind's callgrind, free of a shared machine's noise.

Wall-clock ratios of the small rows of `bench_jacobian_matrix.py` move by 15-30% from
one run to the next on a shared VM (the same code, interleaved round by round), far
more than the differences they are meant to show. Instructions executed do not: the
same call counts the same within a fraction of a percent. So this runs the same rows
(the same formulations, variants and inputs) in one process under callgrind and
reports instructions per call, ours against the torch method with the fewest.

Instructions are not time. Where a row's work is host overhead (Python, dispatch:
rows at size 16) the two track each other; kernels that wait on memory (large rows)
take more time per instruction. Use this to tell a code change from the machine's
noise, and the timed matrix for what a user sees.

How: the child process builds the rows, checks every variant against ours and warms
each up outside any measurement, then calls each variant `--calls` times inside one
`operator.call`; callgrind collects only inside `_operator_call` and dumps its
counters after each (`--toggle-collect`, `--dump-after`), one file per variant.

Run from the repository root (needs `valgrind`; about 90 s to start torch under it,
then seconds per row)::

    python benchmarks/count_instructions.py --only logsumexp --modes hessian
    python benchmarks/count_instructions.py --sizes 16 --modes jacobian,hessian
"""

from __future__ import annotations

import argparse
import operator
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

LIMIT = 1.2
_MEASURE = "_operator_call"  # the C function callgrind collects in and dumps after
_MARKER_MOST = 20_000  # instructions: one call of `_marker`, and no more


def _calls(fn: Callable[[], Any], calls: int) -> None:
    for _ in range(calls):
        fn()


def _count(fn: Callable[[], Any], calls: int) -> None:
    """`calls` calls of `fn` inside one `operator.call` (Python 3.11's, which nothing
    else here calls): one callgrind dump."""
    call = getattr(operator, "call", None)  # the parent refuses Pythons without it
    if call is None:
        _calls(fn, calls)
    else:
        call(_calls, fn, calls)


def _matrix_args(args: argparse.Namespace) -> argparse.Namespace:
    """The options `bench_jacobian_matrix.build_rows` reads."""
    return argparse.Namespace(
        only=args.only, modes=args.modes, sizes=args.sizes, large=args.large,
        batch=args.batch, max_batch_n=256, max_hessian_n=256,
        parallel_iterations=0, pi_forms=[],
    )


def child(args: argparse.Namespace) -> int:
    """Builds, checks and warms every row, then counts each variant (under callgrind)."""
    import torch

    import tftape_torch
    from benchmarks import bench_jacobian_matrix as matrix

    torch.set_num_threads(args.threads)
    setup = matrix.Setup("cpu", tftape_torch)
    rows = [build() for build in matrix.build_rows(_matrix_args(args), setup)]
    for row in rows:  # every check and warm-up before the first measurement
        matrix._check(row)
        for fn in row.variants.values():
            for _ in range(args.warmup):
                fn()
    labels = [_MARKER]
    _count(_marker, 1)
    for row in rows:
        for label, fn in row.variants.items():
            _count(fn, args.calls)
            labels.append(f"{row.form}\t{row.mode}\t{row.size}\t{label}")
    pathlib.Path(args.labels).write_text("\n".join(labels) + "\n")
    return 0


_MARKER = "marker"


def _marker() -> None:
    """Counted first: the dump it leaves marks where the measurements begin (were
    `operator.call` run before, its dumps would come first)."""


_SUMMARY = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def _instructions(dump: pathlib.Path) -> int:
    found = _SUMMARY.search(dump.read_text())
    if found is None:
        raise RuntimeError(f"no instruction total in {dump}")
    return int(found.group(1))


def _dumps(out: pathlib.Path) -> List[pathlib.Path]:
    """callgrind's dumps after each measurement, `<out>.1`, `<out>.2`, ... in order
    (a multi-part run may name them `<out>.<pid>.<n>`: the number last either way)."""
    found = [p for p in out.parent.glob(out.name + ".*") if p.name.rsplit(".", 1)[-1].isdigit()]
    return sorted(found, key=lambda p: int(p.name.rsplit(".", 1)[-1]))


def _table(counts: Dict[Tuple[str, str, str], Dict[str, float]]) -> Tuple[str, int, int, int, int]:
    lines = [
        "| formulation | mode | size | ours instr | ours tf instr | fewest torch instr (method) "
        "| ours/torch | tf/torch |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | ---: |",
    ]
    core = core_ok = styled = styled_ok = 0
    for (form, mode, size), variants in counts.items():
        torch_labels = [label for label in variants if not label.startswith("ours")]
        best = min(torch_labels, key=variants.__getitem__)
        ratio = variants["ours"] / variants[best]
        core += 1
        core_ok += ratio <= LIMIT
        tf_cell = tf_ratio = "-"
        if "ours tf" in variants:
            styled_ratio = variants["ours tf"] / variants[best]
            styled += 1
            styled_ok += styled_ratio <= LIMIT
            tf_cell = f"{variants['ours tf'] / 1e3:,.0f}k"
            tf_ratio = _verdict(styled_ratio)
        lines.append(
            f"| {form} | {mode} | {size} | {variants['ours'] / 1e3:,.0f}k | {tf_cell} | "
            f"{variants[best] / 1e3:,.0f}k ({best}) | {_verdict(ratio)} | {tf_ratio} |"
        )
    return "\n".join(lines), core_ok, core, styled_ok, styled


def _verdict(ratio: float) -> str:
    return f"{ratio:.2f}" if ratio <= LIMIT else f"**{ratio:.2f}**"


def parent(args: argparse.Namespace, argv: Sequence[str]) -> int:
    if not hasattr(operator, "call"):
        print("counting needs Python 3.11 or newer (operator.call)", file=sys.stderr)
        return 2
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="count_instructions_") as folder:
        work = pathlib.Path(folder)
        out, labels = work / "callgrind.out", work / "labels.txt"
        command = [
            valgrind, "--tool=callgrind", "--collect-atstart=no",
            f"--toggle-collect={_MEASURE}", f"--dump-after={_MEASURE}",
            f"--callgrind-out-file={out}",
            # The interpreter binary itself, not a launcher script (pyenv's shims).
            str(pathlib.Path(sys.executable).resolve()), __file__, "--child",
            "--labels", str(labels), *argv,
        ]
        done = subprocess.run(command, cwd=_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
            return done.returncode
        names = labels.read_text().splitlines()
        dumps = _dumps(out)[-len(names):]
        if len(dumps) != len(names) or _instructions(dumps[0]) > _MARKER_MOST:
            print(f"the {len(names)} callgrind dumps of the measurements are not the last "
                  f"ones: something else ran {_MEASURE} inside a measurement", file=sys.stderr)
            return 1
        counts: Dict[Tuple[str, str, str], Dict[str, float]] = {}
        for name, dump in zip(names[1:], dumps[1:]):
            form, mode, size, label = name.split("\t")
            counts.setdefault((form, mode, size), {})[label] = _instructions(dump) / args.calls
    table, core_ok, core, styled_ok, styled = _table(counts)
    print(f"instructions per call (callgrind), {args.calls} calls per variant after "
          f"{args.warmup} warm-up calls, {args.threads} thread(s)")
    print()
    print(table)
    print()
    print(f"within {LIMIT}x of the torch method with the fewest instructions: core API "
          f"{core_ok}/{core} rows, tf-style {styled_ok}/{styled}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated formulations")
    parser.add_argument("--modes", default="jacobian,batch_jacobian,hessian")
    parser.add_argument("--sizes", default="16")
    parser.add_argument("--large", type=int, default=0, help="extra size for large formulations")
    parser.add_argument("--batch", type=int, default=16, help="batch_jacobian batch")
    parser.add_argument("--calls", type=int, default=50, help="counted calls per variant")
    parser.add_argument("--warmup", type=int, default=20, help="uncounted calls first")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--labels", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    return parent(args, argv)


if __name__ == "__main__":
    sys.exit(main())
