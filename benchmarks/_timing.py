"""Interleaved timing: every variant of a workload is timed in each round, in a
shuffled order, so machine noise (other processes, frequency changes) hits all
variants alike. Medians over rounds; each round times a calibrated batch of calls.
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence

__all__ = ["PairedRatio", "Timing", "paired_ratio", "time_interleaved"]


@dataclass
class Timing:
    """Per-call times (seconds) of one variant, one entry per round."""

    samples: List[float] = field(default_factory=list)
    number: int = 1

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def iqr(self) -> float:
        if len(self.samples) < 4:
            return 0.0
        q = statistics.quantiles(self.samples, n=4)
        return q[2] - q[0]


def _batch(fn: Callable[[], object], number: int, sync: Callable[[], None]) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    sync()
    return time.perf_counter() - start


def time_interleaved(
    variants: Dict[str, Callable[[], object]],
    *,
    repeat: int,
    sample_s: float = 0.005,
    warmup_s: float = 0.1,
    budget_s: float = 60.0,
    min_repeat: int = 5,
    sync: Optional[Callable[[], None]] = None,
    seed: int = 0,
) -> Dict[str, Timing]:
    """Times every variant `repeat` times, interleaved, and returns per-call samples.

    Each variant is warmed up for `warmup_s` (at least 3 calls), then its batch
    size is set so that one batch takes about `sample_s`. Rounds stop early once
    `budget_s` is spent (never before `min_repeat` rounds). The garbage collector
    is off inside a round (as `timeit` does) and runs between rounds.
    """
    sync = sync or (lambda: None)
    timings: Dict[str, Timing] = {}
    for name, fn in variants.items():
        calls, spent = 0, 0.0
        while calls < 3 or spent < warmup_s:
            spent += _batch(fn, 1, sync)
            calls += 1
            if calls >= 1000:
                break
        per_call = max(spent / calls, 1e-7)
        # Re-estimate with short batches, keeping the fastest: on a busy machine a
        # batch that was preempted would otherwise set a batch size far too small.
        probe = max(1, min(1000, int(0.2 * sample_s / per_call)))
        per_call = max(min(_batch(fn, probe, sync) / probe for _ in range(5)), 1e-7)
        timings[name] = Timing(number=max(1, int(sample_s / per_call)))

    rng = random.Random(seed)
    order = list(variants)
    started = time.perf_counter()
    gc_was_enabled = gc.isenabled()
    try:
        for round_index in range(repeat):
            rng.shuffle(order)
            gc.collect()
            gc.disable()
            for name in order:
                timing = timings[name]
                elapsed = _batch(variants[name], timing.number, sync)
                timing.samples.append(elapsed / timing.number)
            if gc_was_enabled:
                gc.enable()
            if round_index + 1 >= min_repeat and time.perf_counter() - started > budget_s:
                break
    finally:
        if gc_was_enabled:
            gc.enable()
    return timings


class PairedRatio(NamedTuple):
    """The median of per-round ratios of one variant to another, with a distribution-free
    interval for it (about 95%)."""

    median: float
    low: float
    high: float


def paired_ratio(samples: Sequence[float], baseline: Sequence[float]) -> PairedRatio:
    """The ratio of `samples` to `baseline` taken round by round (both from one
    `time_interleaved` call, so round `i` of each ran within the same fraction of a
    second), its median, and the order statistics that bound that median with about 95%
    confidence (ranks `n/2 -+ 1.96 sqrt(n)/2`, the binomial sign-test interval).

    A round's two samples share the machine's state of the moment (another process,
    a frequency change, a slow phase of a shared host lasting seconds), which cancels
    in their ratio; the ratio of the two medians keeps whatever drift separated them.

    >>> paired_ratio([2.0, 4.0, 3.0], [1.0, 2.0, 1.0]).median
    2.0
    """
    if len(samples) != len(baseline) or not samples:
        raise ValueError(
            f"samples and baseline must be rounds of one run, got {len(samples)} and "
            f"{len(baseline)} samples"
        )
    ratios = sorted(a / b for a, b in zip(samples, baseline))
    n = len(ratios)
    spread = 1.96 * math.sqrt(n) / 2
    low = max(0, math.floor(n / 2 - spread))  # 0-based ranks of the interval
    high = min(n - 1, math.ceil(n / 2 + spread) - 1)
    return PairedRatio(statistics.median(ratios), ratios[low], ratios[high])
