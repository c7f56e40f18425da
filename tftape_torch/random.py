"""`tf.random`: random tensors, and `set_seed` for reproducible sequences.

The numbers come from torch's generators, so they differ from TF's for the same
seed; what carries over is TF's contract: after `tf.random.set_seed(s)` the sequence
of random ops repeats run after run, and an op-level `seed` gives the op its own
repeatable stream. Without any seed, torch's default generator is used. The seed is
per thread (TF's is process-wide).

>>> import tftape_torch as tf
>>> tf.random.set_seed(1)
>>> a = tf.random.normal((2,))
>>> tf.random.set_seed(1)
>>> bool((a == tf.random.normal((2,))).all())
True
"""

from __future__ import annotations

import types as _types
from typing import Any, List, Optional, Tuple

import torch

from tftape_torch import _state
from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._candidate_sampling import (
    all_candidate_sampler,
    fixed_unigram_candidate_sampler,
    log_uniform_candidate_sampler,
    uniform_candidate_sampler,
)
from tftape_torch._device import current_device
from tftape_torch._dtypes import FLOATING, INTEGER, as_dtype, dtype_name, dtype_repr, kernel_name
from tftape_torch._incomplete_ops import gamma_sample_grad
from tftape_torch._kernels import needs_grad
from tftape_torch._op_call import as_tensor, shape_arg
from tftape_torch._random_draws import (
    binomial_sample,
    draw,
    generator_from_pair,
    seed_pair,
    seed_tensor,
)
from tftape_torch._random_generator import Generator, get_global_generator, set_global_generator
from tftape_torch._random_seeds import mixed_seed, op_generator
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._rng_state import Algorithm, algorithm_code, create_rng_state
from tftape_torch._tensor import fresh, seen_here
from tftape_torch._torch_internals import DisableTorchFunctionSubclass, apply_function
from tftape_torch._truncated_normal import BoundsGradient, standard_sample
from tftape_torch.errors import InvalidArgumentError, NotFoundError

__all__ = [
    "Algorithm",
    "Generator",
    "all_candidate_sampler",
    "categorical",
    "create_rng_state",
    "experimental",
    "fixed_unigram_candidate_sampler",
    "fold_in",
    "gamma",
    "get_global_generator",
    "log_uniform_candidate_sampler",
    "normal",
    "poisson",
    "set_global_generator",
    "set_seed",
    "shuffle",
    "split",
    "stateless_binomial",
    "stateless_categorical",
    "stateless_gamma",
    "stateless_normal",
    "stateless_parameterized_truncated_normal",
    "stateless_poisson",
    "stateless_truncated_normal",
    "stateless_uniform",
    "truncated_normal",
    "uniform",
    "uniform_candidate_sampler",
]

def set_seed(seed: Optional[int]) -> None:
    """Sets the global random seed (of this thread); `None` goes back to unseeded.

    >>> import tftape_torch as tf
    >>> tf.random.set_seed(1234)
    """
    _state.set_random_seed(None if seed is None else int(seed))


def normal(
    shape: Any,
    mean: Any = 0.0,
    stddev: Any = 1.0,
    dtype: Any = torch.float32,
    seed: Optional[int] = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Random values from a normal distribution.

    >>> import tftape_torch as tf
    >>> tf.random.normal((2, 3), mean=1.0, stddev=0.5).shape
    TensorShape([2, 3])

    Raises:
      TypeError: if `dtype` is not floating.
    """
    resolved = as_dtype(dtype)
    if resolved not in FLOATING:
        raise TypeError(f"Cannot convert 0.0 to EagerTensor of dtype {dtype_name(resolved)}")
    dims = shape_arg(shape, "RandomStandardNormal")
    device = current_device()
    sample = torch.randn(dims, dtype=resolved, device=device, generator=op_generator(device, seed))
    mean_t = seen_here(as_tensor(mean, resolved))
    stddev_t = seen_here(as_tensor(stddev, resolved))
    with DisableTorchFunctionSubclass():
        return fresh(sample * stddev_t + mean_t)


def uniform(
    shape: Any,
    minval: Any = 0,
    maxval: Any = None,
    dtype: Any = torch.float32,
    seed: Optional[int] = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Random values from a uniform distribution in `[minval, maxval)`.

    Floating dtypes default to `[0, 1)`; integer dtypes need `maxval`.

    >>> import tftape_torch as tf
    >>> x = tf.random.uniform((3,), minval=2, maxval=5, dtype=tf.int32)
    >>> x.dtype, bool(((x >= 2) & (x < 5)).all())
    (torch.int32, True)

    Raises:
      ValueError: for an integer dtype without `maxval`.
    """
    resolved = as_dtype(dtype)
    if resolved not in _UNIFORM_DTYPES:
        raise ValueError(
            f"Argument `dtype` got invalid value <dtype: '{dtype_name(resolved)}'>. Accepted "
            "dtypes are (tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int32, tf.int64).")
    if resolved in INTEGER and maxval is None:
        raise ValueError(f"Must specify maxval for integer dtype tf.{dtype_name(resolved)}")
    generator = op_generator(current_device(), seed)
    return draw("uniform", generator, shape, resolved, minval, maxval, "RandomUniformInt")


def truncated_normal(
    shape: Any,
    mean: Any = 0.0,
    stddev: Any = 1.0,
    dtype: Any = torch.float32,
    seed: Optional[int] = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """Random values from a normal distribution cut at two standard deviations.

    >>> import tftape_torch as tf
    >>> x = tf.random.truncated_normal((1000,), stddev=2.0)
    >>> bool((abs(x) <= 4.0).all())
    True

    Raises:
      TypeError: if `dtype` is not floating.
    """
    resolved = as_dtype(dtype)
    if resolved not in FLOATING:
        raise TypeError(f"Cannot convert 0.0 to EagerTensor of dtype {dtype_name(resolved)}")
    return draw("truncated", op_generator(current_device(), seed), shape, resolved, mean, stddev)


_UNIFORM_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int32,
                   torch.int64)


def categorical(
    logits: Any,
    num_samples: int,
    dtype: Any = None,
    seed: Optional[int] = None,
    name: Optional[str] = None,
) -> torch.Tensor:
    """`num_samples` class indices per row of `logits` (unnormalized log-probabilities),
    drawn with replacement; int64 unless `dtype` says int32.

    >>> import tftape_torch as tf
    >>> tf.random.categorical([[0.0, 0.0]], 4).shape
    TensorShape([1, 4])

    Raises:
      InvalidArgumentError: `logits` is not a matrix.
    """
    t = as_tensor(logits)
    return _categorical(t, num_samples, torch.int64 if dtype is None else as_dtype(dtype),
                        op_generator(t.device, seed), "Multinomial")


def _categorical(t: torch.Tensor, num_samples: int, out: torch.dtype,
                 generator: Optional[torch.Generator], op: str) -> torch.Tensor:
    if t.dim() != 2:
        raise InvalidArgumentError(
            None, None, f"logits should be a matrix, got shape {list(t.shape)} [Op:{op}]"
        )
    count = int(num_samples)
    if count < 0:
        raise InvalidArgumentError(
            None, None, f"num_samples should be non-negative, got {count} [Op:{op}]")
    if count == 0:
        return fresh(torch.zeros((t.shape[0], 0), dtype=out, device=t.device))
    with DisableTorchFunctionSubclass(), torch.no_grad():
        # TF's kernel weighs only finite logits (an infinite or NaN one is never drawn),
        # and a row without any draws `num_classes`, one past the last class.
        logits = t.to(torch.float64)
        finite = torch.isfinite(logits)
        top = torch.where(finite, logits, -torch.inf).amax(-1, keepdim=True)
        weights = torch.where(finite, torch.exp(logits - top), 0.0)
        empty = ~finite.any(-1, keepdim=True)
        drawn = torch.multinomial(torch.where(empty, 1.0, weights), int(num_samples),
                                  replacement=True, generator=generator)
        drawn = torch.where(empty, logits.shape[-1], drawn)
    return fresh(drawn.to(out))


def shuffle(value: Any, seed: Optional[int] = None, name: Optional[str] = None
            ) -> torch.Tensor:
    """`value` with its first dimension randomly permuted (no gradient, as in TF).

    >>> import tftape_torch as tf
    >>> sorted(tf.random.shuffle(tf.constant([1, 2, 3])).numpy().tolist())
    [1, 2, 3]
    """
    t = as_tensor(value)
    if t.dim() == 0:
        with DisableTorchFunctionSubclass():
            return fresh(t.detach().clone())
    order = torch.randperm(t.shape[0], device=t.device, generator=op_generator(t.device, seed))
    with DisableTorchFunctionSubclass():
        return fresh(t.detach()[order])


# ---------------------------------------------------------------------------
# Stateless ops (a seed pair decides the values) and `tf.random.Generator`


def stateless_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                     dtype: Any = torch.float32, name: Optional[str] = None,
                     alg: str = "auto_select") -> torch.Tensor:
    """Normal samples that depend only on `seed` (a pair of ints): the same seed gives
    the same values (not TF's values: the generators differ).

    >>> import tftape_torch as tf
    >>> a = tf.random.stateless_normal([3], seed=[1, 2])
    >>> bool(tf.reduce_all(a == tf.random.stateless_normal([3], seed=[1, 2])))
    True

    Raises:
      InvalidArgumentError: `seed` is not a pair.
    """
    _stateless_algorithm(alg, "StatelessRandomNormalV2")
    generator = generator_from_pair(seed_pair(seed), current_device())
    return draw("normal", generator, shape, dtype, mean, stddev)


def stateless_truncated_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                               dtype: Any = torch.float32, name: Optional[str] = None,
                               alg: str = "auto_select") -> torch.Tensor:
    """`truncated_normal` samples that depend only on `seed` (a pair of ints)."""
    _stateless_algorithm(alg, "StatelessTruncatedNormalV2")
    generator = generator_from_pair(seed_pair(seed), current_device())
    return draw("truncated", generator, shape, dtype, mean, stddev)


def stateless_uniform(shape: Any, seed: Any, minval: Any = 0, maxval: Any = None,
                      dtype: Any = torch.float32, name: Optional[str] = None,
                      alg: str = "auto_select") -> torch.Tensor:
    """`uniform` samples that depend only on `seed` (a pair of ints); for an integer
    `dtype` with `minval` and `maxval` both None, over every value of `dtype`.

    >>> import tftape_torch as tf
    >>> tf.random.stateless_uniform([2], [1, 2], minval=None, maxval=None,
    ...                             dtype=tf.int64).dtype
    torch.int64

    Raises:
      ValueError: for a `dtype` TF draws no uniform numbers of, an integer `dtype`
        with just one of `minval` and `maxval`, or an unknown `alg`.
      InvalidArgumentError: for integer bounds that are not scalars or not in order.
    """
    resolved = as_dtype(dtype)
    if resolved not in _UNIFORM_TYPES:
        raise ValueError(f"Argument `dtype` got invalid value {dtype_repr(resolved)}. Accepted "
                         "dtypes are (tf.float16, tf.bfloat16, tf.float32, tf.float64, "
                         "tf.int32, tf.int64, tf.uint32, tf.uint64).")
    if resolved in INTEGER and (minval is None) != (maxval is None):
        raise ValueError(f"For integer `dtype` argument {dtype_repr(resolved)}, argument "
                         "`minval` and `maxval` must be both None or not None. Got "
                         f"`minval`={minval} and `maxval`={maxval}.")
    _stateless_algorithm(alg, "StatelessRandomUniformV2" if resolved in FLOATING else
                         "StatelessRandomUniformIntV2" if minval is not None else
                         "StatelessRandomUniformFullIntV2")
    generator = generator_from_pair(seed_pair(seed), current_device())
    return draw("uniform", generator, shape, resolved, minval, maxval)


def _stateless_algorithm(alg: Any, op: str) -> None:
    """TF's checks of a stateless op's `alg`: known (ValueError), and not ThreeFry,
    whose one-word counter TF's non-XLA kernels refuse."""
    if algorithm_code(alg) == 2:
        raise InvalidArgumentError(
            None, None, "counter must be a vector with length at least 2; got shape: [1]. "
            f"(Note that batched counters are not supported yet.) [Op:{op}]")


_UNIFORM_TYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int32,
                  torch.int64)


def stateless_categorical(logits: Any, num_samples: int, seed: Any, dtype: Any = torch.int64,
                          name: Optional[str] = None) -> torch.Tensor:
    """`categorical` draws that depend only on `seed` (a pair of ints)."""
    t = as_tensor(logits)
    generator = generator_from_pair(seed_pair(seed), t.device)
    return _categorical(t, num_samples, as_dtype(dtype), generator, "StatelessMultinomial")


def stateless_shuffle(value: Any, seed: Any, alg: str = "auto_select",
                      name: Optional[str] = None) -> torch.Tensor:
    """`value` with its first dimension permuted as `seed` (a pair of ints) decides."""
    _stateless_algorithm(alg, "StatelessShuffle")
    t = as_tensor(value)
    if t.dim() == 0:
        return shuffle(t)
    order = torch.randperm(t.shape[0], device=t.device,
                           generator=generator_from_pair(seed_pair(seed), t.device))
    with DisableTorchFunctionSubclass():
        return fresh(t.detach()[order])


def fold_in(seed: Any, data: Any, alg: str = "auto_select") -> torch.Tensor:
    """A new seed pair made from `seed` and the integer `data`, deterministically."""
    _stateless_algorithm(alg, "StatelessRandomUniformFullIntV2")
    pair = seed_pair(seed)
    mixed = mixed_seed("fold_in", *pair, int(data))
    return fresh(torch.tensor([mixed & 0x7FFF_FFFF, (mixed >> 31) & 0x7FFF_FFFF],
                              dtype=torch.int32, device=current_device()))


def split(seed: Any, num: int = 2, alg: str = "auto_select") -> torch.Tensor:
    """`num` new seed pairs (a `[num, 2]` tensor of the seed's dtype) made from `seed`."""
    _stateless_algorithm(alg, "StatelessRandomUniformFullIntV2")
    seed_t = seed_tensor(seed)
    first, second = seed_t.tolist()
    rows = []
    for i in range(int(num)):
        mixed = mixed_seed("split", int(first), int(second), i)
        rows.append([mixed & 0x7FFF_FFFF, (mixed >> 31) & 0x7FFF_FFFF])
    # TF's new seeds have the seed's dtype.
    return fresh(torch.tensor(rows, dtype=seed_t.dtype).reshape(int(num), 2))


_GAMMA_TYPES = (torch.float16, torch.float32, torch.float64)
_POISSON_TYPES = (torch.float16, torch.float32, torch.float64, torch.int32, torch.int64)


def _count_dtype(dtype: Any, op: str) -> torch.dtype:
    """The output dtype of a counting sampler (Poisson, binomial), as TF allows them."""
    resolved = as_dtype(dtype)
    if resolved not in _POISSON_TYPES:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'dtype' of {dtype_name(resolved)} is not in the list "
            f"of allowed values: half, float, double, int32, int64 [Op:{op}]")
    return resolved


def _parameter(value: Any, dtype: torch.dtype, argument: str) -> torch.Tensor:
    """A distribution parameter as a tensor of `dtype` (TF's ValueError otherwise)."""
    tensor = as_tensor(value, dtype)
    if tensor.dtype != dtype:
        raise ValueError(
            f"{argument}: Tensor conversion requested dtype {dtype_name(dtype)} for Tensor "
            f"with dtype {dtype_name(tensor.dtype)}: {tensor!r}")
    return seen_here(tensor)


def _seeded_sample(generator: Optional[torch.Generator], draw: Any) -> torch.Tensor:
    """`draw()` (a torch sampler without a `generator` argument) made repeatable by
    `generator`: it runs on torch's global generator, seeded from `generator` and put
    back as it was afterwards."""
    if generator is None:
        return draw()
    seed = int(torch.randint(0, 2**62, (1,), generator=generator, device=generator.device))
    devices = [generator.device.index or 0] if generator.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        return draw()


def gamma(shape: Any, alpha: Any, beta: Any = None, dtype: Any = torch.float32,
          seed: Optional[int] = None, name: Optional[str] = None) -> torch.Tensor:
    """Samples of shape `shape + broadcast(alpha, beta).shape` from Gamma distributions
    of concentration `alpha` and rate `beta` (1 when None). Like TF's, the samples are
    differentiable in `alpha` (implicit reparameterization) and `beta`.

    >>> import tftape_torch as tf
    >>> alpha = tf.constant([1.0, 2.0])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(alpha)
    ...     samples = tf.random.gamma([3], alpha, seed=1)
    >>> print(samples.shape, tape.gradient(samples, alpha).shape)
    (3, 2) (2,)

    Raises:
      TypeError: if `dtype` is not half, float32 or float64.
      ValueError: if `alpha` or `beta` is a tensor of another dtype.
    """
    resolved = as_dtype(dtype)
    if resolved not in _GAMMA_TYPES:
        raise TypeError(f"Value passed to parameter 'dtype' has DataType "
                        f"{dtype_name(resolved)} not in list of allowed values: "
                        "float16, float32, float64")
    dims = shape_arg(shape, "RandomGamma")
    device = current_device()
    alpha_t = _parameter(alpha, resolved, "alpha")
    beta_t = None if beta is None else _parameter(beta, resolved, "beta")
    generator = op_generator(device, seed)
    with DisableTorchFunctionSubclass():
        batch = alpha_t.shape if beta_t is None else torch.broadcast_shapes(
            alpha_t.shape, beta_t.shape)
        return _gamma_sample(alpha_t.expand(torch.Size(dims) + batch), beta_t, generator)


class _StandardGamma(torch.autograd.Function):
    """Standard Gamma samples (drawn in `forward`'s caller) whose gradient in the
    concentration is TF's `RandomGammaGrad` (`_incomplete_ops.gamma_sample_grad`)."""

    @staticmethod
    def forward(alpha: torch.Tensor, sample: torch.Tensor) -> torch.Tensor:
        return sample.clone()

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        alpha, sample = inputs
        ctx.d_alpha = gamma_sample_grad(alpha.detach(), sample)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Tuple[Any, None]:
        return (None if grad is None else grad * ctx.d_alpha), None

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor, _: Any) -> torch.Tensor:
        return tangent * ctx.d_alpha


def _gamma_sample(concentration: torch.Tensor, beta: Optional[torch.Tensor],
                  generator: Optional[torch.Generator]) -> torch.Tensor:
    """Gamma samples of `concentration` (already of the output's shape) and rate `beta`
    (None: 1), from `generator`, differentiable as TF's (torch functions off)."""
    dtype = concentration.dtype
    # torch samples Gamma in float32 and wider only.
    wide = concentration.to(torch.float32 if dtype == torch.float16 else dtype)
    distribution = torch.distributions.Gamma(
        wide.detach(), torch.ones((), dtype=wide.dtype, device=wide.device), validate_args=False)
    sample = _seeded_sample(generator, distribution.sample)
    if needs_grad(concentration):
        sample = apply_function(_StandardGamma, wide, sample)
    sample = sample.to(dtype)
    # TF's kernel draws NaN for a negative or NaN concentration (torch: the smallest
    # normal number), and TF keeps a scaled sample at or above it (`beta < 0`: tiny).
    sample = torch.where(concentration.detach() >= 0, sample, torch.nan)
    if beta is not None:
        sample = torch.maximum(sample / beta, torch.tensor(torch.finfo(dtype).tiny,
                                                          dtype=dtype, device=sample.device))
    return fresh(sample)


def poisson(shape: Any, lam: Any, dtype: Any = torch.float32, seed: Optional[int] = None,
            name: Optional[str] = None) -> torch.Tensor:
    """Samples of shape `shape + lam.shape` from Poisson distributions of rate `lam`.
    As in TF, they have no gradient (asking for one raises `LookupError`).

    >>> import tftape_torch as tf
    >>> print(tf.random.poisson([4], [0.5, 3.0], dtype=tf.int32).shape)
    (4, 2)

    Raises:
      InvalidArgumentError: if `dtype` is not half, float32, float64, int32 or int64.
    """
    resolved = _count_dtype(dtype, "RandomPoissonV2")
    dims = shape_arg(shape, "RandomPoissonV2")
    device = current_device()
    rate = seen_here(as_tensor(lam))
    generator = op_generator(device, seed)
    with DisableTorchFunctionSubclass():
        sample = _poisson_counts(rate.expand(torch.Size(dims) + rate.shape), generator, resolved)
        # TF records `RandomPoissonV2` but has no gradient for it: asking raises LookupError.
        return fresh(unregistered_gradient("RandomPoissonV2", _sample_of)(sample, rate))


def _sample_of(sample: torch.Tensor, rate: torch.Tensor) -> torch.Tensor:
    return sample


def _poisson_counts(rates: torch.Tensor, generator: Optional[torch.Generator],
                    dtype: torch.dtype) -> torch.Tensor:
    """Poisson draws of `rates` (already of the output's shape) as `dtype`, with TF's
    kernel at the edges: a rate at or below 0 (-inf too) draws 0, and +inf draws inf
    (0 in an integer dtype)."""
    wide = rates.detach().to(torch.float64 if rates.dtype == torch.float64 else torch.float32)
    # NOTE: TF's sampler never returns for a NaN rate (its rejection loop never
    # accepts); here NaN draws NaN (0 in an integer dtype) instead of hanging.
    usable = (wide > 0) & torch.isfinite(wide)
    sample = torch.poisson(torch.where(usable, wide, 0.0), generator=generator)
    if dtype.is_floating_point:
        sample = torch.where(torch.isnan(wide) | (wide == torch.inf), wide, sample)
    return sample.to(dtype)


# ---------------------------------------------------------------------------
# Stateless distributions: `shape` is the whole output shape and must end with the
# parameters' broadcast shape (TF's `StatelessRandomGammaV3` and its siblings).


def _parameters_fit(dims: List[int], parameters: List[torch.Tensor], op: str) -> None:
    """TF's check: `dims` ends with the parameters' broadcast shape."""
    try:
        batch = list(torch.broadcast_shapes(*(p.shape for p in parameters)))
    except RuntimeError as error:
        raise InvalidArgumentError(None, None, f"{error} [Op:{op}]") from error
    if batch and dims[len(dims) - len(batch):] != batch:
        raise InvalidArgumentError(
            None, None, f"Shape passed in must end with broadcasted shape. [Op:{op}]")


def stateless_gamma(shape: Any, seed: Any, alpha: Any, beta: Any = None,
                    dtype: Any = torch.float32, name: Optional[str] = None) -> torch.Tensor:
    """Gamma samples of shape `shape` (which ends with `broadcast(alpha, beta).shape`) that
    depend only on `seed` (a pair of ints; not TF's values: the generators differ). As
    TF's, they are differentiable in `alpha` (implicit reparameterization) and `beta`.

    >>> import tftape_torch as tf
    >>> alpha = tf.constant([0.5, 1.5])
    >>> with tf.GradientTape() as tape:
    ...     tape.watch(alpha)
    ...     samples = tf.random.stateless_gamma([10, 2], seed=[1, 2], alpha=alpha)
    >>> print(samples.shape, tape.gradient(samples, alpha).shape)
    (10, 2) (2,)

    Raises:
      TypeError: if `dtype` is not half, float32 or float64.
      InvalidArgumentError: if `shape` does not end with the parameters' shape, or
        `seed` is not a pair.
    """
    op = "StatelessRandomGammaV3"
    resolved = as_dtype(dtype)
    alpha_t = seen_here(as_tensor(alpha, resolved))
    beta_t = None if beta is None else seen_here(as_tensor(beta, resolved))
    if resolved not in _GAMMA_TYPES:
        raise TypeError(f"Value passed to parameter 'dtype' has DataType "
                        f"{dtype_name(resolved)} not in list of allowed values: "
                        "float16, float32, float64")
    dims = shape_arg(shape, op)
    _parameters_fit(dims, [alpha_t] if beta_t is None else [alpha_t, beta_t], op)
    generator = generator_from_pair(seed_pair(seed), current_device())
    with DisableTorchFunctionSubclass():
        return _gamma_sample(alpha_t.expand(dims), beta_t, generator)


def stateless_poisson(shape: Any, seed: Any, lam: Any, dtype: Any = torch.int32,
                      name: Optional[str] = None) -> torch.Tensor:
    """Poisson samples of shape `shape` (which ends with `lam.shape`) that depend only on
    `seed`. They have no gradient (a tape gives None, as TF's).

    >>> import tftape_torch as tf
    >>> print(tf.random.stateless_poisson([4, 2], seed=[1, 2], lam=[0.5, 3.0]).dtype)
    torch.int32

    Raises:
      InvalidArgumentError: if `dtype` is not half, float32, float64, int32 or int64, or
        `shape` does not end with `lam.shape`.
    """
    op = "StatelessRandomPoisson"
    resolved = _count_dtype(dtype, op)
    rate = seen_here(as_tensor(lam))
    dims = shape_arg(shape, op)
    _parameters_fit(dims, [rate], op)
    generator = generator_from_pair(seed_pair(seed), current_device())
    with DisableTorchFunctionSubclass():
        return fresh(_poisson_counts(rate.expand(dims), generator, resolved))


def stateless_binomial(shape: Any, seed: Any, counts: Any, probs: Any,
                       output_dtype: Any = torch.int32, name: Optional[str] = None
                       ) -> torch.Tensor:
    """Binomial samples (`counts` trials of success probability `probs`) of shape `shape`
    (which ends with their broadcast shape) that depend only on `seed`; no gradient.

    >>> import tftape_torch as tf
    >>> draws = tf.random.stateless_binomial([3], seed=[1, 2], counts=10, probs=0.5)
    >>> print(draws.dtype, bool(tf.reduce_all(draws <= 10)))
    torch.int32 True

    Raises:
      InvalidArgumentError: if `output_dtype` is not half, float32, float64, int32 or
        int64, or `shape` does not end with the parameters' broadcast shape.
    """
    op = "StatelessRandomBinomial"
    resolved = _count_dtype(output_dtype, op)
    # TF converts Python `probs` to float32 and Python `counts` to `probs`'s dtype.
    prob_t = seen_here(convert_to_tensor(probs, dtype_hint=torch.float32))
    count_t = seen_here(convert_to_tensor(counts, dtype_hint=prob_t.dtype))
    if count_t.dtype not in _GAMMA_TYPES:  # TF's kernels take half, float and double
        raise NotFoundError(
            None, None, f"Could not find device for node: {{{{node {op}}}}} = {op}[S=DT_INT32, "
            f"T=DT_{kernel_name(count_t.dtype).upper()}, Tseed=DT_INT32, "
            f"dtype=DT_{kernel_name(resolved).upper()}]")
    dims = shape_arg(shape, op)
    _parameters_fit(dims, [count_t, prob_t], op)
    generator = generator_from_pair(seed_pair(seed), current_device())
    return binomial_sample(count_t, prob_t, dims, generator, resolved)


def stateless_parameterized_truncated_normal(
    shape: Any, seed: Any, means: Any = 0.0, stddevs: Any = 1.0, minvals: Any = -2.0,
    maxvals: Any = 2.0, name: Optional[str] = None,
) -> torch.Tensor:
    """Normal samples of mean `means` and deviation `stddevs` truncated to
    `[minvals, maxvals]`, of shape `shape` (which ends with the parameters' broadcast
    shape), depending only on `seed`. The first derivatives in all four parameters are
    TF's (implicit reparameterization: 1 in the mean, the standardized sample in the
    deviation, TF's formulas in the bounds).

    >>> import tftape_torch as tf
    >>> x = tf.random.stateless_parameterized_truncated_normal([100], [1, 2], 0.0, 1.0,
    ...                                                        -0.5, 0.5)
    >>> print(bool(tf.reduce_all(tf.abs(x) <= 0.5)))
    True

    Raises:
      InvalidArgumentError: if `shape` does not end with the parameters' broadcast
        shape, or `seed` is not a pair.
    """
    op = "StatelessParameterizedTruncatedNormal"
    mean_t = seen_here(as_tensor(means))
    dtype = mean_t.dtype
    std_t, low_t, high_t = (seen_here(as_tensor(v)) for v in (stddevs, minvals, maxvals))
    for index, given in enumerate((std_t, low_t, high_t), start=3):
        if given.dtype != dtype:  # TF converts each on its own: no mixing
            raise InvalidArgumentError(
                None, None, f"cannot compute {op} as input #{index}(zero-based) was expected "
                f"to be a {kernel_name(dtype)} tensor but is a {kernel_name(given.dtype)} tensor "
                f"[Op:{op}]")
    dims = shape_arg(shape, op)
    _parameters_fit(dims, [mean_t, std_t, low_t, high_t], op)
    generator = generator_from_pair(seed_pair(seed), current_device())
    with DisableTorchFunctionSubclass():
        m, s, lo, hi = (t.detach().to(torch.float64) for t in (mean_t, std_t, low_t, high_t))
        a, b = (lo - m) / s, (hi - m) / s
        if not bool(((s > 0) & (a < b) & (torch.isfinite(a) | torch.isfinite(b))).all()):
            raise InvalidArgumentError(None, None, f"Invalid parameters [Op:{op}]")
        z, cdf = standard_sample(a, b, dims, generator)
        # TF's gradient in the bounds, from the standardized sample.
        tiny, eps = torch.finfo(dtype).tiny, torch.finfo(dtype).eps
        cdf = cdf.clamp(tiny, 1 - eps)
        d_max = torch.exp(0.5 * (z * z - b * b) + torch.log(cdf))
        d_min = torch.exp(0.5 * (z * z - a * a) + torch.log1p(-cdf))
        z, d_min, d_max = z.to(dtype), d_min.to(dtype), d_max.to(dtype)
        sample = mean_t + std_t * z
        if needs_grad(low_t, high_t):
            sample = sample + apply_function(BoundsGradient, low_t, high_t, d_min, d_max)
        return fresh(sample)


experimental = _types.SimpleNamespace(
    Algorithm=Algorithm, Generator=Generator, create_rng_state=create_rng_state,
    get_global_generator=get_global_generator, set_global_generator=set_global_generator,
    stateless_fold_in=fold_in, stateless_shuffle=stateless_shuffle, stateless_split=split)
experimental.__doc__ = ("`tf.random.experimental`: the generator API, and `stateless_fold_in`, "
                        "`stateless_split` and `stateless_shuffle`.")
