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
"""

from __future__ import annotations

from typing import Optional

import torch

from tftape_torch import _state

__all__ = ["op_generator"]

# TF's default graph seed, used when only an op-level seed is given.
_DEFAULT_SEED = 87654321


def op_generator(device: Optional[torch.device], seed: Optional[int]) -> Optional[torch.Generator]:
    """The generator of a random op with op-level `seed` on `device` (None: torch's default)."""
    global_seed = _state.random_seed()
    if global_seed is None and seed is None:
        return None
    dev = torch.device(device) if device is not None else torch.device("cpu")
    key = (str(dev), None if seed is None else int(seed))

    def make() -> torch.Generator:
        base = _DEFAULT_SEED if global_seed is None else global_seed
        generator = torch.Generator(device=dev)
        generator.manual_seed(hash((base, key[1])) & 0x7FFF_FFFF_FFFF_FFFF)
        return generator

    return _state.cached_generator(key, make)
