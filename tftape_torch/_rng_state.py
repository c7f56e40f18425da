"""TF's RNG algorithms and states: `tf.random.Algorithm` and `tf.random.create_rng_state`.

This package draws from torch's generators whichever algorithm is named; the names
and the state layout exist for TF code that passes them around.

>>> import tftape_torch as tf
>>> print(tf.random.create_rng_state([12, 34], "threefry"))
tf.Tensor([12 34], shape=(2,), dtype=int64)
"""

from __future__ import annotations

import enum
from typing import Any

import torch

from tftape_torch._op_call import as_tensor
from tftape_torch._tensor import fresh

__all__ = ["Algorithm", "algorithm_code", "create_rng_state"]


class Algorithm(enum.Enum):
    """TF's random-number algorithms, accepted wherever an `alg` argument is (this
    package's streams are torch's generators whichever is named).

    >>> import tftape_torch as tf
    >>> tf.random.Algorithm.PHILOX.value
    1
    """

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


_STATE_SIZES = {1: 3, 2: 2, 3: 3}  # Philox: counter (2) and key; ThreeFry: 2
_ALGORITHM_NAMES = {"philox": 1, "threefry": 2, "autoselect": 3}


def algorithm_code(alg: Any) -> int:
    """TF's number for the algorithm `alg` names (an `Algorithm`, its number, or
    "philox", "threefry" or "auto_select", in any case, with or without `-`/`_`).

    >>> algorithm_code("Auto-Select"), algorithm_code(Algorithm.PHILOX)
    (3, 1)

    Raises:
      ValueError: for an unknown algorithm (TF's message).
      TypeError: for an `alg` that is none of these types.
    """
    if isinstance(alg, Algorithm):
        return alg.value
    if isinstance(alg, str):
        code = _ALGORITHM_NAMES.get(alg.strip().lower().replace("-", "").replace("_", ""))
        if code is None:
            raise ValueError(f"Argument `alg` got unsupported value {alg}. Supported values are "
                             "philox for the Philox algorithm, threefry for the ThreeFry "
                             "algorithm, and auto_select for auto-selection.")
        return code
    if isinstance(alg, int) and not isinstance(alg, bool):
        if alg not in _STATE_SIZES:
            raise ValueError(f"Argument `alg` got unsupported value {alg}. Supported values are "
                             "1 for the Philox algorithm, 2 for the ThreeFry algorithm, and 3 "
                             "for auto-selection.")
        return alg
    raise TypeError(f"Can't convert argument `alg` (of value {alg} and type {type(alg)}) to int.")


def create_rng_state(seed: Any, alg: Any) -> torch.Tensor:
    """TF's RNG state for `seed` (an int, chopped into 64-bit words, or a list of
    them), left-padded with zeros to the size `alg` keeps: 3 for Philox, 2 for ThreeFry.

    >>> import tftape_torch as tf
    >>> print(tf.random.create_rng_state(1234, "philox"))
    tf.Tensor([1234    0    0], shape=(3,), dtype=int64)

    Raises:
      ValueError: for an unknown algorithm.
    """
    size = _STATE_SIZES[algorithm_code(alg)]
    if isinstance(seed, int):
        words = []
        for _ in range(size):
            words.append(seed & 0xFFFF_FFFF_FFFF_FFFF)
            seed >>= 64
    else:
        words = [int(word) for word in as_tensor(seed).reshape(-1).tolist()][:size]
        words = [0] * (size - len(words)) + words
    signed = [word - (1 << 64) if word >= 1 << 63 else word for word in words]
    return fresh(torch.tensor(signed, dtype=torch.int64))
