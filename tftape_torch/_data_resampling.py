"""`Dataset.rejection_resample`: elements resampled toward a target distribution of
their classes, as TF 2.21 builds it.

TF mixes two streams: the input itself, drawn with probability `m`, and the input
filtered by per-class acceptance probabilities `a`, where, with `r = target /
initial`, `m = min(r)` and `a = (r - m) / (max(r) - m)` (TF's
`_calculate_acceptance_probs_with_mixing`). Without `initial_dist` the initial
distribution is estimated as the input streams past: class counts that start at 10
each, updated a batch of 32 class values at a time, and the estimate of a batch holds
for each of its elements. Each stream is its own pass over the input, as TF's are;
the mixture stops when the stream it picks is empty. The random draws are torch's (a
seed repeats them), not TF's. While the acceptance probabilities reject half of the
input or more, the first 10 elements of each pass print TF's warning to standard
error (`Proportion of examples rejected by sampler is high: [rejected][initial]
[acceptance]`).

>>> import tftape_torch as tf
>>> ds = tf.data.Dataset.range(8).map(lambda x: x % 2)
>>> out = ds.rejection_resample(lambda x: tf.cast(x, tf.int32), [0.5, 0.5],
...                             initial_dist=[0.5, 0.5], seed=1)
>>> [(int(c), int(x)) for c, x in out][:3]  # the input, with its classes
[(0, 0), (1, 1), (0, 0)]
"""

from __future__ import annotations

import itertools
import sys
from typing import Any, Callable, Iterator, List, Optional, Tuple

import torch

from tftape_torch._data_elements import Element, call_on, normalize_output, seed_for, to_tensor
from tftape_torch._random_seeds import mixed_seed

__all__ = ["ResamplingTransformations"]

UNKNOWN_CARDINALITY = -2
_ESTIMATION_BATCH = 32  # TF's dist_estimation_batch_size
_SMOOTHING = 10  # TF's smoothing_constant: every class starts counted this often


def _acceptance(initial: torch.Tensor, target: torch.Tensor) -> Tuple[torch.Tensor, float]:
    """TF's per-class acceptance probabilities and probability of the original."""
    ratio = target / (initial + torch.finfo(initial.dtype).tiny)
    low, high = ratio.min(), ratio.max()
    return (ratio - low) / (high - low), float(low)


_WARNINGS = 10  # TF prints its warning for the first 10 elements (first_n)


def _warn_on_large_rejection(accept: torch.Tensor, initial: torch.Tensor) -> None:
    """TF's `Print` of a high rejection rate, in its format."""
    rejected = float(torch.sum((1 - accept) * initial))  # float32, as TF's
    if rejected >= 0.5:
        def text(values: torch.Tensor) -> str:
            return "[" + " ".join(f"{float(v):.9g}" for v in values.reshape(-1)) + "]"

        print("Proportion of examples rejected by sampler is high: "  # float32: %.9g
              f"[{rejected:.9g}]{text(initial)}{text(accept)}", file=sys.stderr)


def _estimates(classes: Iterator[int], num_classes: int) -> Iterator[torch.Tensor]:
    """The estimated initial distribution in force at each input element."""
    counts = torch.full((num_classes,), _SMOOTHING, dtype=torch.int64)
    while True:
        chunk = list(itertools.islice(classes, _ESTIMATION_BATCH))
        if not chunk:
            return
        counts = counts + torch.bincount(torch.tensor(chunk), minlength=num_classes)[:num_classes]
        dist = (counts.double() / counts.sum()).float()
        yield from itertools.repeat(dist, len(chunk))


def _generator(seed: Optional[int], stream: str) -> torch.Generator:
    generator = torch.Generator()
    if seed is None:
        generator.seed()  # its own entropy; `torch.seed()` would reseed torch's global
    else:
        generator.manual_seed(mixed_seed("rejection_resample", stream, seed))
    return generator


class ResamplingTransformations:
    """`rejection_resample` of `Dataset`; the class provides `_factory`, `map`."""

    _factory: Callable[[], Iterator[Element]]
    map: Callable[..., Any]

    def rejection_resample(self, class_func: Callable[..., Any], target_dist: Any,
                           initial_dist: Any = None, seed: Optional[int] = None,
                           name: Optional[str] = None) -> Any:
        """Resamples the elements so that their classes (`class_func`, an int32 scalar
        in `[0, num_classes)`) follow `target_dist`; the elements become pairs
        `(class, element)`. `initial_dist`, when given, is the input's distribution;
        otherwise it is estimated as the input streams past.
        """
        target = to_tensor(target_dist).to(torch.float32)
        op_seed, source = seed_for(seed), self

        def class_of(element: Element) -> Any:
            return call_on(class_func, element)

        def with_class(element: Element) -> Element:
            return normalize_output((class_of(element), element))

        def classes() -> Iterator[int]:
            return (int(to_tensor(class_of(element))) for element in source._factory())

        if initial_dist is not None:
            initial = to_tensor(initial_dist).to(torch.float32)
            static = float(torch.min(target / initial))
            if static == 1:
                return self.map(lambda *x: (class_func(*x), x[0] if len(x) == 1 else x))

            def initials() -> Iterator[torch.Tensor]:
                return itertools.repeat(initial)
        else:
            static = None

            def initials() -> Iterator[torch.Tensor]:
                return _estimates(classes(), len(target))

        def plans() -> Iterator[Tuple[torch.Tensor, float]]:
            return (_acceptance(dist, target) for dist in initials())

        def filtered() -> Iterator[Element]:
            draws = _generator(op_seed, "filter")
            for index, (dist, element) in enumerate(zip(initials(), source._factory())):
                accept, _ = _acceptance(dist, target)
                if index < _WARNINGS:
                    _warn_on_large_rejection(accept, dist)
                value = class_of(element)
                if torch.rand((), generator=draws) < accept[int(to_tensor(value))]:
                    yield normalize_output((value, element))

        if static == 0:
            return self._resampled(filtered)

        def mixed() -> Iterator[Element]:
            draws = _generator(op_seed, "mix")
            streams: List[Iterator[Any]] = [
                (with_class(element) for element in source._factory()), filtered()]
            for _, original in plans():
                pick = 0 if float(torch.rand((), generator=draws, dtype=torch.float64)) < \
                    original else 1
                element = next(streams[pick], None)
                if element is None:
                    return  # TF's stop_on_empty_dataset=True
                yield element

        return self._resampled(mixed)

    def _resampled(self, factory: Callable[[], Iterator[Element]]) -> Any:
        return type(self)(factory, UNKNOWN_CARDINALITY, None,  # type: ignore[call-arg]
                          "_DirectedInterleaveDataset")
