"""The sampling that `tf.random`'s ops and `Generator` share: seeds as TF's stateless
ops take them, torch generators made from seed pairs, and normal, truncated normal and
uniform draws (integers in a range or over a whole dtype) from a generator.

The numbers are torch's, not TF's; the shapes, dtypes, ranges and TF's argument
checks are TF's.

>>> import torch
>>> draw("uniform", generator_from_pair((1, 2), None), [3], torch.int32, 0, 5).dtype
torch.int32
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._device import current_device
from tftape_torch._dtypes import FLOATING, INTEGER, as_dtype, dtype_name, kernel_name
from tftape_torch._op_call import as_tensor, shape_arg
from tftape_torch._random_seeds import mixed_seed
from tftape_torch._tensor import fresh, seen_here
from tftape_torch._torch_internals import DisableTorchFunctionSubclass
from tftape_torch.errors import InvalidArgumentError

__all__ = ["binomial_sample", "draw", "full_int", "generator_from_pair", "integer_bound",
           "seed_pair", "seed_tensor"]


def seed_tensor(seed: Any) -> torch.Tensor:
    """`seed` as TF's stateless ops take it: an int32 or int64 tensor of shape [2]."""
    t = as_tensor(seed)
    if t.dtype not in (torch.int32, torch.int64):
        raise InvalidArgumentError(
            None, None, f"Value for attr 'Tseed' of {kernel_name(t.dtype)} is not in the list of "
            "allowed values: int32, int64 [Op:StatelessRandomGetKeyCounter]")
    if list(t.shape) != [2]:
        raise InvalidArgumentError(
            None, None, f"seed must have shape [2], not [{','.join(map(str, t.shape))}] "
            "[Op:StatelessRandomGetKeyCounter]"
        )
    return t


def seed_pair(seed: Any) -> Tuple[int, int]:
    first, second = seed_tensor(seed).tolist()
    return int(first), int(second)


def generator_from_pair(pair: Tuple[int, int], device: Optional[torch.device]) -> torch.Generator:
    generator = torch.Generator(device=device if device is not None else "cpu")
    generator.manual_seed(mixed_seed("stateless", *pair))
    return generator


def draw(kind: str, generator: Optional[torch.Generator], shape: Any, dtype: Any,
          low: Any, high: Any, op: str = "StatelessRandomUniformIntV2") -> torch.Tensor:
    """A normal ("normal"/"truncated": `low` is the mean, `high` the stddev) or uniform
    sample of `shape` from `generator` (None: this thread's seeded or torch's default);
    integers over the whole range of `dtype` when `low` and `high` are None (`op`
    names TF's integer kernel in errors)."""
    resolved = as_dtype(dtype)
    dims = shape_arg(shape, "StatelessRandom")
    device = current_device()
    if kind == "uniform" and resolved in INTEGER:
        if low is None and high is None:
            return full_int(dims, resolved, device, generator)
        if high is None:
            raise ValueError(f"Must specify maxval for integer dtype tf.{dtype_name(resolved)}")
        low_v, high_v = (integer_bound(v, resolved, name, op) for v, name in ((low, "minval"),
                                                                      (high, "maxval")))
        if low_v >= high_v:
            raise InvalidArgumentError(
                None, None, f"Need minval < maxval, got {low_v} >= {high_v} [Op:{op}]")
        return fresh(torch.randint(low_v, high_v, dims, dtype=resolved, device=device,
                                   generator=generator))
    if resolved not in FLOATING:
        raise TypeError(f"Cannot convert 0.0 to EagerTensor of dtype {dtype_name(resolved)}")
    if kind == "uniform":
        sample = torch.rand(dims, dtype=resolved, device=device, generator=generator)
        low_t = seen_here(as_tensor(low, resolved))
        high_t = seen_here(as_tensor(1.0 if high is None else high, resolved))
        with DisableTorchFunctionSubclass():
            return fresh(sample * (high_t - low_t) + low_t)
    if kind == "truncated":
        u = torch.rand(dims, dtype=torch.float64, device=device, generator=generator)
        lo, hi = 0.022750131948179195, 0.9772498680518208  # the normal CDF at -2 and 2
        sample = torch.special.ndtri(lo + (hi - lo) * u).clamp(-2.0, 2.0).to(resolved)
    else:
        sample = torch.randn(dims, dtype=resolved, device=device, generator=generator)
    mean_t = seen_here(as_tensor(low, resolved))
    stddev_t = seen_here(as_tensor(high, resolved))
    with DisableTorchFunctionSubclass():
        return fresh(sample * stddev_t + mean_t)


def integer_bound(value: Any, dtype: torch.dtype, name: str, op: str) -> int:
    """An integer uniform's bound, a scalar (TF's check) of `dtype`."""
    bound = as_tensor(value, dtype)
    if bound.dim() != 0:
        raise InvalidArgumentError(
            None, None, f"{name} must be 0-D, got shape {list(bound.shape)} [Op:{op}]")
    return int(bound)


def full_int(dims: List[int], dtype: torch.dtype, device: Optional[torch.device],
              generator: Optional[torch.Generator]) -> torch.Tensor:
    """Integers drawn evenly from every value of `dtype` (TF's `UniformFullInt`)."""
    def draw(low: int, high: int) -> torch.Tensor:
        return torch.randint(low, high, dims, dtype=torch.int64, device=device,
                             generator=generator)

    if dtype == torch.int64:  # two 32-bit halves
        return fresh(draw(-(2**31), 2**31) * 2**32 + draw(0, 2**32))
    info = torch.iinfo(dtype)
    return fresh(draw(info.min, info.max + 1).to(dtype))


def binomial_sample(counts: torch.Tensor, probs: torch.Tensor, dims: List[int],
                    generator: Optional[torch.Generator], dtype: torch.dtype) -> torch.Tensor:
    """Binomial draws of `counts` trials with success probability `probs` (both
    broadcast to `dims`) as `dtype`, with TF's kernel at the edges: a count or
    probability at or below 0 draws 0, a probability at or above 1 draws the count
    itself (fractional too), a NaN probability NaN (0 in an integer dtype), and a
    fractional count draws as many trials as its integer part."""
    with DisableTorchFunctionSubclass():
        trials = counts.detach().to(torch.float64).expand(dims)
        chance = probs.detach().to(torch.float64).expand(dims)
        drawn_ok = (trials > 0) & (chance > 0) & (chance < 1) & torch.isfinite(trials)
        sample = torch.binomial(torch.where(drawn_ok, torch.floor(trials), 0.0),
                                torch.where(drawn_ok, chance, 0.5), generator=generator)
        # NOTE: TF's sampler never returns for a NaN or infinite count with a
        # probability strictly between 0 and 1; here those draw NaN.
        sample = torch.where(drawn_ok, sample, torch.nan)
        sample = torch.where(chance >= 1, trials, sample)
        sample = torch.where((trials <= 0) | (chance <= 0), 0.0, sample)
        if not dtype.is_floating_point:
            sample = torch.where(torch.isfinite(sample), sample, 0.0)
        return fresh(sample.to(dtype))
