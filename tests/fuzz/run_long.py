"""The long differential fuzz run: many random tape programs, TensorFlow vs tftape_torch.

Usage (needs TensorFlow)::

    python -m tests.fuzz.run_long --programs 2000 --seed 1

Program ``i`` of a run is generated from ``random.Random(seed * 1_000_000 + i)``, so
``--seed N --only I`` replays one program. Prints how many programs ran, how many
raised (the same error on both sides counts as agreement), the features exercised,
and every divergence grouped by kind, each shrunk to a small program (``--no-shrink``
to skip) with TensorFlow's answer and ours. Exits 1 when anything diverged.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from typing import Any, Dict, List, Optional, Tuple

from tests.fuzz import generator, interpreter, shrink
from tests.fuzz.generator import Program, RandomChoices, generate

__all__ = ["main", "program_for"]


def program_for(seed: int, index: int) -> Program:
    """Program `index` of the run with `seed`."""
    return generate(RandomChoices(seed * 1_000_000 + index))


def _load_modules() -> Tuple[Any, Any]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")  # (NOTE at `record.ONEDNN`)
    import tensorflow as tf

    import tftape_torch as ours

    return tf, ours


def _detail(answer: Dict[str, Any], difference: str) -> str:
    """The entry of `answer` the difference is about (its first path element)."""
    if "error" in answer:
        return f"raised {answer['error']}: {answer.get('message', '')}"
    path = difference.split(":", 1)[0]
    if path.startswith("['"):
        key = path[2:].split("'", 1)[0]
        value = answer["result"].get(key)
        return f"{key} = {value!r}"[:600]
    return repr(answer["result"])[:600]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", type=int, default=None, help="run just this program index")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--show", action="store_true", help="print each program's source")
    parser.add_argument("--watch-after-use", action="store_true",
                        help="also generate the known difference 'watch after use'")
    parser.add_argument("--thread-on-tape-results", action="store_true",
                        help="also generate the known difference 'another thread's op on a "
                        "tape's result'")
    parser.add_argument("--jacobians", action="store_true",
                        help="also ask tapes for jacobian and batch_jacobian")
    args = parser.parse_args(argv)
    generator.JACOBIANS = args.jacobians
    generator.WATCH_AFTER_USE = args.watch_after_use
    generator.THREAD_ON_TAPE_RESULTS = args.thread_on_tape_results

    tf, ours = _load_modules()
    indices = [args.only] if args.only is not None else range(args.programs)
    started = time.perf_counter()
    counts: collections.Counter = collections.Counter()
    features: collections.Counter = collections.Counter()
    groups: Dict[str, List[Tuple[int, Program, str, Dict[str, Any], Dict[str, Any]]]] = {}
    for index in indices:
        program = program_for(args.seed, index)
        if args.show:
            print(f"# program {index}\n{program.source}")
        features.update(program.features)
        expected, actual, difference = interpreter.run_pair(program, tf, ours)
        counts["programs"] += 1
        if "error" in expected:
            counts["TF raised (whole program)"] += 1
        if difference is None:
            counts["agree"] += 1
            continue
        counts["diverged"] += 1
        key = interpreter.signature(difference)
        groups.setdefault(key, []).append((index, program, difference, expected, actual))
    elapsed = time.perf_counter() - started

    print(f"seed {args.seed}: {counts['programs']} programs in {elapsed:.1f} s")
    for name in ("agree", "diverged", "TF raised (whole program)"):
        print(f"  {name}: {counts[name]}")
    print("  features: " + ", ".join(f"{k} {v}" for k, v in sorted(features.items())))
    for key, cases in groups.items():
        index, program, difference, expected, actual = cases[0]
        print(f"\n=== divergence '{key}': {len(cases)} program(s), first is --only {index}")
        print(f"  {difference}")
        shown = program
        if not args.no_shrink:
            small = shrink.shrink(program, tf, ours, difference)
            if small is not None:
                shown = small
                expected, actual, difference = interpreter.run_pair(small, tf, ours)
                difference = difference or "(shrunk program no longer diverges)"
        print(shown.source)
        print(f"  difference: {difference}")
        print(f"  TF:   {_detail(expected, difference)}")
        print(f"  ours: {_detail(actual, difference)}")
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())
