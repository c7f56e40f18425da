"""`tf.random.Generator`: a generator object whose draws advance its own state, and
the per-thread global generator.

>>> import tftape_torch as tf
>>> g = tf.random.Generator.from_seed(5)
>>> g.normal([2]).shape
TensorShape([2])
"""

from __future__ import annotations

from typing import Any, List, Optional

import torch

from tftape_torch import _state
from tftape_torch._device import current_device
from tftape_torch._dtypes import INTEGER, as_dtype, dtype_repr
from tftape_torch._op_call import shape_arg
from tftape_torch._random_draws import draw, full_int
from tftape_torch._random_seeds import mixed_seed
from tftape_torch._rng_state import algorithm_code
from tftape_torch._tensor import fresh

__all__ = ["Generator", "get_global_generator", "set_global_generator"]


class Generator:
    """A random number generator object (TF's `tf.random.Generator`): its draws
    advance its own state, so two generators made from one seed give the same
    sequences. The numbers are torch's, not TF's.

    >>> import tftape_torch as tf
    >>> a = tf.random.Generator.from_seed(5).normal([2])
    >>> bool(tf.reduce_all(a == tf.random.Generator.from_seed(5).normal([2])))
    True
    """

    TFTAPE_CHECKPOINT_SUFFIX = ".ATTRIBUTES/GENERATOR_STATE"

    def __init__(self, generator: torch.Generator, alg: Any = None) -> None:
        self._generator = generator
        self._algorithm = 1 if alg is None else algorithm_code(alg)  # TF's default: Philox

    @classmethod
    def from_seed(cls, seed: int, alg: Any = None) -> Generator:
        """A generator whose draws are decided by `seed` (the same in every run)."""
        generator = torch.Generator(device=current_device() or "cpu")
        generator.manual_seed(mixed_seed("generator", int(seed)))
        return cls(generator, alg)

    def reset_from_seed(self, seed: int) -> None:
        """Starts this generator over, as `from_seed(seed)` starts.

        >>> import tftape_torch as tf
        >>> g = tf.random.Generator.from_seed(3)
        >>> first = g.uniform([2])
        >>> g.reset_from_seed(3)
        >>> bool(tf.reduce_all(g.uniform([2]) == first))
        True
        """
        self._generator.manual_seed(mixed_seed("generator", int(seed)))

    def tftape_checkpoint_state(self) -> torch.Tensor:
        return self._generator.get_state().clone()

    def tftape_restore_checkpoint_state(self, state: torch.Tensor) -> None:
        self._generator.set_state(state)

    @classmethod
    def from_non_deterministic_state(cls, alg: Any = None) -> Generator:
        generator = torch.Generator(device=current_device() or "cpu")
        generator.seed()
        return cls(generator, alg)

    def normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
               dtype: Any = torch.float32, name: Optional[str] = None) -> torch.Tensor:
        return draw("normal", self._generator, shape, dtype, mean, stddev)

    def truncated_normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                         dtype: Any = torch.float32, name: Optional[str] = None
                         ) -> torch.Tensor:
        return draw("truncated", self._generator, shape, dtype, mean, stddev)

    def uniform(self, shape: Any, minval: Any = 0, maxval: Any = None,
                dtype: Any = torch.float32, name: Optional[str] = None) -> torch.Tensor:
        """Uniform samples in `[minval, maxval)`; for an integer `dtype` with `minval`
        and `maxval` both None, over every value of `dtype`."""
        resolved = as_dtype(dtype)
        if resolved in INTEGER and (minval is None) != (maxval is None):
            raise ValueError(f"For integer dtype {dtype_repr(resolved)}, minval and maxval must "
                             "be both `None` or both non-`None`; got minval="
                             f"{minval} and maxval={maxval}")
        return draw("uniform", self._generator, shape, dtype, minval, maxval)

    def uniform_full_int(self, shape: Any, dtype: Any = torch.int64,
                         name: Optional[str] = None) -> torch.Tensor:
        """Integers drawn evenly from every value of `dtype` (TF's default dtype is
        uint64, which tftape_torch lacks: int64 here).

        >>> import tftape_torch as tf
        >>> tf.random.Generator.from_seed(1).uniform_full_int([2], tf.int32).dtype
        torch.int32
        """
        return full_int(shape_arg(shape, "StatefulUniformFullInt"), as_dtype(dtype),
                         self._generator.device, self._generator)

    @property
    def algorithm(self) -> int:
        """TF's number of the algorithm this generator was made with (1: Philox, 2:
        ThreeFry, 3: auto-select); its numbers are torch's whichever it is."""
        return self._algorithm

    def make_seeds(self, count: int = 1) -> torch.Tensor:
        """`count` seed pairs for the stateless ops, as a `[2, count]` int64 tensor."""
        return fresh(torch.randint(0, 2**62, (2, int(count)), dtype=torch.int64,
                                   device=self._generator.device, generator=self._generator))

    def split(self, count: int = 1) -> List[Generator]:
        """`count` new generators, each seeded from this one's next draws."""
        out = []
        for _ in range(int(count)):
            generator = torch.Generator(device=self._generator.device)
            seed = int(torch.randint(0, 2**62, (1,), device=self._generator.device,
                                     generator=self._generator))
            generator.manual_seed(seed)
            out.append(Generator(generator))
        return out


def get_global_generator() -> Generator:
    """This thread's global `Generator`: the one `set_global_generator` set, else one
    over torch's default generator (so `torch.manual_seed` seeds it).

    >>> import tftape_torch as tf
    >>> tf.random.get_global_generator() is tf.random.get_global_generator()
    True
    """
    if _state.THREAD.global_generator is None:
        _state.THREAD.global_generator = Generator(torch.default_generator)
    return _state.THREAD.global_generator


def set_global_generator(generator: Generator) -> None:
    """Make `generator` this thread's global generator (TF's is process-wide, like its
    seed; here both are per thread).

    >>> import tftape_torch as tf
    >>> g = tf.random.Generator.from_seed(1)
    >>> tf.random.set_global_generator(g)
    >>> tf.random.get_global_generator() is g
    True
    """
    _state.THREAD.global_generator = generator
