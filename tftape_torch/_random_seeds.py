"""Which torch generator a random op draws from, after TF's seed rules.

TF's random ops take two seeds: the global one (`tf.random.set_seed`, kept per
thread in `_state`) and the op's own. With neither, the op draws from torch's
default generator; with either, from a generator of its own, made once per
(device, op seed) from both seeds and cached, so that after `set_seed` the sequence
of random ops repeats run after run, and an op-level seed alone still gives the
op a repeatable stream (TF's default graph seed stands in for the global one).

>>> import tftape_torch as tf
>>> tf.random.set_seed(5)
>>> op_generator(None, 7) is op_generator(None, 7)  # one per (device, op seed)
True
>>> tf.random.set_seed(None)
>>> op_generator(None, None) is None  # unseeded: torch's default generator
True

Seeds are mixed by `mixed_seed`, never by Python's `hash`: the hash of a string (and,
before Python 3.12, of `None`) changes from process to process, and a seed must give
the same numbers in every run.
"""

from __future__ import annotations

import hashlib
from typing import Optional, Union

import torch

from tftape_torch import _state

__all__ = ["mixed_seed", "op_generator"]


def mixed_seed(*parts: Union[int, str, None]) -> int:
    """A torch seed (63 bits) made from `parts`, the same in every process.

    >>> mixed_seed("stateless", 1, 2) == mixed_seed("stateless", 1, 2)
    True
    >>> mixed_seed("stateless", 1, 2) != mixed_seed("stateless", 2, 1)
    True
    """
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") & 0x7FFF_FFFF_FFFF_FFFF

# TF's default graph seed, used when only an op-level seed is given.
_DEFAULT_SEED = 87654321


def op_generator(device: Optional[torch.device], seed: Optional[int]) -> Optional[torch.Generator]:
    """The generator of a random op with op-level `seed` on `device` (None: torch's default)."""
    global_seed = _state.random_seed()
    if global_seed is None and seed is None:
        if torch.are_deterministic_algorithms_enabled():  # `enable_op_determinism()`
            raise RuntimeError(
                "Random ops require a seed to be set when determinism is enabled. Please "
                "set a seed before running the op, e.g. by calling tf.random.set_seed(1).")
        return None
    dev = torch.device(device) if device is not None else torch.device("cpu")
    key = (str(dev), None if seed is None else int(seed))

    def make() -> torch.Generator:
        base = _DEFAULT_SEED if global_seed is None else global_seed
        generator = torch.Generator(device=dev)
        generator.manual_seed(mixed_seed("op", base, key[1]))
        return generator

    return _state.cached_generator(key, make)
