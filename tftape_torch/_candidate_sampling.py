"""TF's candidate samplers (`tf.random.*_candidate_sampler`) and
`tf.nn.compute_accidental_hits`: the negative classes of sampled losses.

A sampler draws `num_sampled` classes from `[0, range_max)` (all different when
`unique`) and reports, for them and for the true classes, the expected number of
times each would be drawn, the `Q` that `nce_loss` and `sampled_softmax_loss`
subtract (`log Q`). As in TF's `RangeSampler`:

* without `unique` the expected count is `p * num_sampled`;
* with `unique`, draws repeat until `num_sampled` distinct classes came up, after
  `num_tries` draws, and the expected count is `1 - (1 - p)^num_tries`
  (`-expm1(num_tries * log1p(-p))`, in float32).

The distributions are TF's: uniform; log-uniform (Zipfian) `p(k) = log((k + 2) /
(k + 1)) / log(range_max + 1)`, drawn as `floor(exp(u * log(range_max + 1))) - 1`;
a fixed unigram distribution `unigrams[k]^distortion`, after `num_reserved_ids`
classes of weight 0, keeping the classes of one `shard`. The draws come from torch's
generators (TF's seed rules, `_random_seeds`), not TF's Philox stream, so the
candidates differ from TF's for the same seed; the counts follow from them as in TF.
Samplers have no gradient (TF stops it too).

>>> import tftape_torch as tf
>>> out = tf.random.uniform_candidate_sampler(tf.constant([[1]], tf.int64), 1, 3, False, 10)
>>> print(out.true_expected_count)
tf.Tensor([[0.3]], shape=(1, 1), dtype=float32)
"""

from __future__ import annotations

import collections
import math
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch import errors
from tftape_torch._device import current_device
from tftape_torch._dtypes import dtype_name
from tftape_torch._op_call import as_tensor
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._random_seeds import op_generator
from tftape_torch._tensor import fresh
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass

__all__ = [
    "all_candidate_sampler",
    "compute_accidental_hits",
    "fixed_unigram_candidate_sampler",
    "log_uniform_candidate_sampler",
    "uniform_candidate_sampler",
]

def _sampler_result(op: str) -> Any:
    """The named tuple a sampler op returns (TF names it after the op)."""
    return collections.namedtuple(
        op, ["sampled_candidates", "true_expected_count", "sampled_expected_count"])


UniformCandidateSampler = _sampler_result("UniformCandidateSampler")
LogUniformCandidateSampler = _sampler_result("LogUniformCandidateSampler")
FixedUnigramCandidateSampler = _sampler_result("FixedUnigramCandidateSampler")
AllCandidateSampler = _sampler_result("AllCandidateSampler")
ComputeAccidentalHits = collections.namedtuple("ComputeAccidentalHits",
                                               ("indices", "ids", "weights"))

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _int64_input(value: Any, index: int, op: str) -> np.ndarray:
    """An int64 input of the op (lists convert to int64; int32 tensors are refused),
    read on the host: samplers run on the CPU, as TF's do."""
    x = value if isinstance(value, torch.Tensor) else as_tensor(value, torch.int64)
    with _DisableSubclass():
        if x.dtype != torch.int64:
            raise _error(f"cannot compute {op} as input #{index}(zero-based) was expected to "
                         f"be a int64 tensor but is a {dtype_name(x.dtype)} tensor", op)
        return x.detach().cpu().numpy()


def _at_least_one(value: Any, attr: str, op: str) -> int:
    number = int(value)
    if number < 1:
        raise _error(f"Value for attr '{attr}' of {number} must be at least minimum 1", op)
    return number


def _true_classes(true_classes: Any, num_true: Any, op: str) -> Tuple[np.ndarray, int]:
    classes = _int64_input(true_classes, 0, op)
    num_true = _at_least_one(num_true, "num_true", op)
    if classes.ndim != 2:
        raise _error("true_classes must be a matrix", op)
    if classes.shape[1] != num_true:
        raise _error(f"true_classes must have num_true columns, expected: {num_true} was: "
                     f"{classes.shape[1]}", op)
    return classes, num_true


def _check_range(classes: np.ndarray, range_max: int, op: str) -> None:
    outside = (classes < 0) | (classes >= range_max)
    if outside.any():
        raise _error(f"`true_candidate` out of range [0, {range_max}), received "
                     f"{int(classes[outside][0])}", op)


def _draws(draw: Callable[[int], np.ndarray], num_sampled: int, unique: bool
           ) -> Tuple[np.ndarray, int]:
    """`num_sampled` classes from `draw(n)` (n draws at a time) and how many draws it
    took: the first distinct ones, in the order drawn, when `unique`."""
    if not unique:
        return draw(num_sampled), num_sampled
    stream = np.zeros(0, dtype=np.int64)
    while True:
        stream = np.concatenate([stream, draw(max(2 * num_sampled, 16))])
        _, first = np.unique(stream, return_index=True)
        if first.size >= num_sampled:
            first.sort()
            taken = first[:num_sampled]
            return stream[taken], int(taken[-1]) + 1


def _expected_counts(p: np.ndarray, num_sampled: int, num_tries: int) -> torch.Tensor:
    """TF's `ExpectedCountHelper`, in float32."""
    prob = torch.from_numpy(np.asarray(p, dtype=np.float32))
    if num_tries == num_sampled:
        return prob * num_sampled
    return -torch.expm1(num_tries * torch.log1p(-prob))


def _sample(op: str, make: Callable[..., Any], true_classes: Any, num_true: Any,
            num_sampled: Any, unique: Any, range_max: int,
            draw: Callable[[Optional[torch.Generator], int], np.ndarray],
            probability: Callable[[np.ndarray], np.ndarray], seed: Optional[int]) -> Any:
    classes, _ = _true_classes(true_classes, num_true, op)
    num_sampled = _at_least_one(num_sampled, "num_sampled", op)
    unique = bool(unique)
    if unique and num_sampled > range_max:
        raise _error("Sampler's range is too small.", op)
    _check_range(classes, range_max, op)
    generator = op_generator(torch.device("cpu"), seed)
    sampled, tries = _draws(lambda n: draw(generator, n), num_sampled, unique)
    device = current_device()
    with _DisableSubclass():
        results = (
            torch.from_numpy(np.asarray(sampled, dtype=np.int64)).to(device),
            _expected_counts(probability(classes), num_sampled, tries).to(device),
            _expected_counts(probability(sampled), num_sampled, tries).to(device),
        )
    return make(*fresh(results))


def _uniform_doubles(generator: Optional[torch.Generator], n: int) -> np.ndarray:
    return torch.rand(n, dtype=torch.float64, generator=generator).numpy()


def uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                              range_max: int, seed: Optional[int] = None,
                              name: Optional[str] = None) -> Any:
    """Samples a set of classes using a uniform base distribution over `[0, range_max)`.

    >>> import tftape_torch as tf
    >>> out = tf.random.uniform_candidate_sampler([[1, 2]], 2, 4, True, 10)
    >>> print(out.sampled_candidates.shape, out.sampled_candidates.dtype)
    (4,) torch.int64

    Returns:
      `(sampled_candidates, true_expected_count, sampled_expected_count)`: int64
      `[num_sampled]`, float32 `[batch_size, num_true]` and float32 `[num_sampled]`.

    Raises:
      InvalidArgumentError: for `true_classes` that are not an int64 matrix with
        `num_true` columns or hold a class outside `[0, range_max)`, a `num_sampled`
        over `range_max` when `unique`, or counts below 1.
    """
    op = "UniformCandidateSampler"
    range_max = _at_least_one(range_max, "range_max", op)
    return _sample(
        op, UniformCandidateSampler, true_classes, num_true, num_sampled, unique, range_max,
        lambda g, n: torch.randint(0, range_max, (n,), generator=g).numpy(),
        lambda values: np.full(np.shape(values), 1.0 / range_max), seed)


def log_uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int,
                                  unique: bool, range_max: int, seed: Optional[int] = None,
                                  name: Optional[str] = None) -> Any:
    """Samples a set of classes using a log-uniform (Zipfian) base distribution:
    `P(class) = (log(class + 2) - log(class + 1)) / log(range_max + 1)`, for classes
    sorted by decreasing frequency (the default sampler of `sampled_softmax_loss` and
    `nce_loss`).

    >>> import tftape_torch as tf
    >>> out = tf.random.log_uniform_candidate_sampler([[0]], 1, 2, False, 4)
    >>> print(out.true_expected_count)  # 2 * log(2) / log(5)
    tf.Tensor([[0.8613531]], shape=(1, 1), dtype=float32)

    Returns and raises as `uniform_candidate_sampler`.
    """
    op = "LogUniformCandidateSampler"
    range_max = _at_least_one(range_max, "range_max", op)
    log_range = math.log1p(range_max)

    def draw(generator: Optional[torch.Generator], n: int) -> np.ndarray:
        values = np.exp(_uniform_doubles(generator, n) * log_range).astype(np.int64) - 1
        return np.minimum(values, range_max - 1)  # exp rounding at u close to 1

    def probability(values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        return np.log((values + 2.0) / (values + 1.0)) / log_range

    return _sample(op, LogUniformCandidateSampler, true_classes, num_true, num_sampled, unique,
                   range_max, draw, probability, seed)


def _vocabulary_counts(path: str, op: str) -> List[float]:
    """TF's vocabulary file: one class per non-empty line, comma-separated fields, the
    last the class's count (or relative probability)."""
    try:
        with open(path, encoding="utf-8") as handle:
            lines = [line.rstrip("\n") for line in handle]
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory "
                                   f"[Op:{op}]") from None
    counts = []
    for line in lines:
        if not line:
            continue
        fields = line.split(",")
        if len(fields) < 2:
            raise _error(f"Wrong vocabulary format at line: {line}", op)
        counts.append(float(fields[-1]))
    return counts


def fixed_unigram_candidate_sampler(
    true_classes: Any, num_true: int, num_sampled: int, unique: bool, range_max: int,
    vocab_file: str = "", distortion: float = 1.0, num_reserved_ids: int = 0,
    num_shards: int = 1, shard: int = 0, unigrams: Sequence[float] = (),
    seed: Optional[int] = None, name: Optional[str] = None,
) -> Any:
    """Samples a set of classes using a fixed unigram distribution, `unigrams[k] **
    distortion` for class `num_reserved_ids + k` (reserved classes have weight 0); with
    `num_shards`, only the classes `c` with `c % num_shards == shard` are kept, and
    `range_max` must count exactly those. The counts come from `unigrams` or, as in
    TF, from `vocab_file`: one line per class, its last comma-separated field the
    count.

    >>> import tftape_torch as tf
    >>> out = tf.random.fixed_unigram_candidate_sampler(
    ...     [[1]], 1, 1, True, 3, unigrams=[1.0, 3.0], num_reserved_ids=1)
    >>> print(out.true_expected_count)
    tf.Tensor([[0.25]], shape=(1, 1), dtype=float32)

    Raises:
      InvalidArgumentError: as `uniform_candidate_sampler`; also without `unigrams` or
        `vocab_file`, for a vocabulary line without a comma, or when `range_max` is not
        the number of kept classes.
      NotFoundError: for a `vocab_file` that does not exist.
    """
    op = "FixedUnigramCandidateSampler"
    if vocab_file:
        unigrams = _vocabulary_counts(str(vocab_file), op)
    elif len(unigrams) == 0:
        raise _error("Must provide either vocab_file or unigrams.", op)
    range_max = _at_least_one(range_max, "range_max", op)
    shards, shard = int(num_shards), int(shard)
    weights: List[float] = []
    for class_id in range(int(num_reserved_ids) + len(unigrams)):
        if class_id % shards == shard:
            reserved = class_id < int(num_reserved_ids)
            weights.append(0.0 if reserved else
                           float(unigrams[class_id - int(num_reserved_ids)]) ** float(distortion))
    if len(weights) != range_max:
        raise _error(f"range is {range_max} must be equal to weights size  {len(weights)}", op)
    table = np.asarray(weights, dtype=np.float64)
    p = table / table.sum()
    cumulative = np.cumsum(p)

    def draw(generator: Optional[torch.Generator], n: int) -> np.ndarray:
        picked = np.searchsorted(cumulative, _uniform_doubles(generator, n), side="right")
        return np.minimum(picked, range_max - 1).astype(np.int64)

    return _sample(op, FixedUnigramCandidateSampler, true_classes, num_true, num_sampled, unique,
                   range_max, draw, lambda values: p[np.asarray(values, dtype=np.int64)], seed)


def all_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                          seed: Optional[int] = None, name: Optional[str] = None) -> Any:
    """Generates the set of all classes `[0, num_sampled)`, each with expected count 1
    (a test aid, as in TF).

    >>> import tftape_torch as tf
    >>> print(tf.random.all_candidate_sampler([[1]], 1, 3, True).sampled_candidates)
    tf.Tensor([0 1 2], shape=(3,), dtype=int64)
    """
    op = "AllCandidateSampler"
    classes, _ = _true_classes(true_classes, num_true, op)
    num_sampled = _at_least_one(num_sampled, "num_sampled", op)
    _check_range(classes, num_sampled, op)
    device = current_device()
    with _DisableSubclass():
        results = (
            torch.arange(num_sampled, dtype=torch.int64, device=device),
            torch.ones(classes.shape, dtype=torch.float32, device=device),
            torch.ones(num_sampled, dtype=torch.float32, device=device),
        )
    return AllCandidateSampler(*fresh(results))


def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int,
                            seed: Optional[int] = None, name: Optional[str] = None) -> Any:
    """Computes the positions in `sampled_candidates` that match `true_classes`.

    For each row `i` and each of its true classes found among the sampled ones, one
    hit: `indices` (int32) holds `i`, `ids` (int64) the position in
    `sampled_candidates` (its last occurrence, as TF's kernel), `weights` (float32)
    `-FLOAT_MAX`, to add to the sampled logits, in row order and then true-class order.

    >>> import tftape_torch as tf
    >>> hits = tf.nn.compute_accidental_hits([[1, 2]], [2, 5, 1], 2)
    >>> print(hits.indices, hits.ids)
    tf.Tensor([0 0], shape=(2,), dtype=int32) tf.Tensor([2 0], shape=(2,), dtype=int64)

    Raises:
      InvalidArgumentError: for inputs that are not int64, `true_classes` that are
        not a matrix of `num_true` columns, or `sampled_candidates` that are not a vector.
    """
    op = "ComputeAccidentalHits"
    classes = _int64_input(true_classes, 0, op)
    sampled = _int64_input(sampled_candidates, 1, op)
    if classes.ndim != 2 or classes.shape[1] != int(num_true):
        raise _error("true_candidates must be a batch_size * num_true matrix", op)
    if sampled.ndim != 1:
        raise _error("sampled_candidates must be a vector, which is typically an output from "
                     "CandidateSampler", op)
    position = {int(value): index for index, value in enumerate(sampled.tolist())}
    rows: List[int] = []
    ids: List[int] = []
    for row, values in enumerate(classes.tolist()):
        for value in values:
            found = position.get(value)
            if found is not None:
                rows.append(row)
                ids.append(found)
    device = current_device()
    with _DisableSubclass():
        results = (
            torch.tensor(rows, dtype=torch.int32, device=device),
            torch.tensor(ids, dtype=torch.int64, device=device),
            torch.full((len(rows),), -_FLOAT32_MAX, dtype=torch.float32, device=device),
        )
    return ComputeAccidentalHits(*fresh(results))
