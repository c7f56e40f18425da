"""`tf.random.Generator`: a generator object whose draws advance its own state, and
the per-thread global generator.

As in TF, the state is an int64 `tf.Variable` (`Generator.state`): for Philox (and
auto-select) a 128-bit counter in two words and a key, for ThreeFry a counter and a
key. Every draw reads the state and advances the counter by 256 per element drawn
(`skip(n)` advances it as a draw of `n` elements does), so resetting to a saved state
repeats the draws made from it, and `skip(n)` before a draw gives the draw that would
follow an `n`-element one. The numbers are torch's, drawn from a torch generator
seeded from the state read; they are not TF's.

>>> import tftape_torch as tf
>>> g = tf.random.Generator.from_seed(5)
>>> g.normal([2]).shape
TensorShape([2])
>>> print(g.state)
<tf.Variable 'StateVar:0' shape=(3,) dtype=int64, numpy=array([517,   0,   0])>
"""

from __future__ import annotations

import math
import secrets
from typing import Any, List, Optional, Tuple

import torch

from tftape_torch import _state
from tftape_torch._device import current_device
from tftape_torch._dtypes import FLOATING, INTEGER, as_dtype, dtype_name, dtype_repr, kernel_name
from tftape_torch._op_call import as_tensor, shape_arg
from tftape_torch._random_draws import binomial_sample, draw, full_int
from tftape_torch._random_seeds import mixed_seed
from tftape_torch._rng_state import algorithm_code, create_rng_state
from tftape_torch._tensor import fresh
from tftape_torch._torch_internals import DisableTorchFunctionSubclass
from tftape_torch._variable import Variable
from tftape_torch.errors import InvalidArgumentError, UnimplementedError

__all__ = ["Generator", "get_global_generator", "set_global_generator"]

_WORD = (1 << 64) - 1
_STATE_SIZES = {1: 3, 2: 2, 3: 3}  # auto-select keeps Philox's state, as in TF
_SKIP_PER_ELEMENT = 256  # TF's counter advance per element drawn


def _signed(word: int) -> int:
    word &= _WORD
    return word - (1 << 64) if word >= 1 << 63 else word


def _shape_text(shape: Tuple[int, ...]) -> str:
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _state_tensor(value: Any, size: Optional[int]) -> torch.Tensor:
    """`value` as TF's `_convert_to_state_tensor` makes it (int64; Python ints past
    int64 wrap), checked to have shape `[size]` (`[]` for None)."""
    if isinstance(value, torch.Tensor):
        with DisableTorchFunctionSubclass():
            t = value.detach().to(torch.int64)
    else:
        def wrap(item: Any) -> Any:
            if isinstance(item, (list, tuple)):
                return [wrap(i) for i in item]
            return _signed(item) if isinstance(item, int) and item >= 1 << 63 else item
        with DisableTorchFunctionSubclass():
            t = as_tensor(wrap(value)).to(torch.int64)
    want = [] if size is None else [size]
    if list(t.shape) != want:
        raise ValueError(f"Shapes {_shape_text(tuple(t.shape))} and {want} are incompatible")
    return t


def _no_determinism(what: str) -> None:
    if torch.are_deterministic_algorithms_enabled():  # `enable_op_determinism()`
        raise RuntimeError(what)


class Generator:
    """A random number generator object (TF's `tf.random.Generator`) whose state is
    an int64 variable that every draw advances; generators of equal states draw
    equal numbers. The numbers are torch's, not TF's; the states and how draws,
    `skip`, `split` and `make_seeds` advance them are TF's.

    >>> import tftape_torch as tf
    >>> g = tf.random.Generator.from_seed(1)
    >>> saved = g.state.numpy()
    >>> first = g.normal([3])
    >>> g.reset(saved)
    >>> bool(tf.reduce_all(g.normal([3]) == first))
    True

    Raises:
      AssertionError: as TF, without `copy_from`, or without both `state` and `alg`.
      ValueError: for a `state` of another shape than the algorithm's.
    """

    def __init__(self, copy_from: Optional[Generator] = None, state: Any = None,
                 alg: Any = None) -> None:
        if copy_from is not None:
            if (alg or state) is not None:  # TF asserts
                raise AssertionError()
            self._alg = copy_from.algorithm
            self._state_var = self._variable(copy_from.state)
            return
        if alg is None or state is None:  # TF asserts
            raise AssertionError()
        self._alg = algorithm_code(alg)
        size = _STATE_SIZES[self._alg]
        if isinstance(state, Variable):
            if list(state.shape) != [size]:
                raise ValueError(f"Shapes {_shape_text(tuple(state.shape))} and [{size}] are "
                                 "incompatible")
            self._state_var = state  # TF reuses a variable it is given
        else:
            self._state_var = self._variable(_state_tensor(state, size))

    @staticmethod
    def _variable(value: Any) -> Variable:
        with DisableTorchFunctionSubclass():
            start = torch.Tensor.detach(value).clone()
        return Variable(start, dtype=torch.int64, trainable=False, name="StateVar")

    @classmethod
    def from_state(cls, state: Any, alg: Any) -> Generator:
        """A generator of state `state` (a variable is used as it is, shared).

        >>> import tftape_torch as tf
        >>> print(tf.random.Generator.from_state([1, 2, 3], "philox").state.numpy())
        [1 2 3]
        """
        return cls(state=state, alg=alg)

    @classmethod
    def from_seed(cls, seed: Any, alg: Any = None) -> Generator:
        """A generator whose state is `create_rng_state(seed, alg)` (Philox by default).

        >>> import tftape_torch as tf
        >>> print(tf.random.Generator.from_seed(7).state.numpy())
        [7 0 0]
        """
        code = 1 if alg is None else algorithm_code(alg)
        return cls(state=create_rng_state(seed, code), alg=code)

    @classmethod
    def from_non_deterministic_state(cls, alg: Any = None) -> Generator:
        """A generator of a state drawn from the operating system's entropy.

        Raises:
          RuntimeError: while op determinism is enabled.
        """
        _no_determinism('"from_non_deterministic_state" cannot be called when determinism '
                        "is enabled.")
        code = 1 if alg is None else algorithm_code(alg)
        words = [_signed(secrets.randbits(64)) for _ in range(_STATE_SIZES[code])]
        return cls(state=words, alg=code)

    @classmethod
    def from_key_counter(cls, key: Any, counter: Any, alg: Any) -> Generator:
        """A generator of state `counter + [key]` (the counter has 2 words for Philox,
        1 for ThreeFry).

        >>> import tftape_torch as tf
        >>> print(tf.random.Generator.from_key_counter(5, [1, 2], "philox").state.numpy())
        [1 2 5]

        Raises:
          ValueError: for a counter of another length, or a key that is not a scalar.
        """
        code = algorithm_code(alg)
        return cls(state=_key_counter_state(key, counter, code), alg=code)

    # -- the state ------------------------------------------------------------------

    @property
    def state(self) -> Variable:
        """The generator's state, an int64 `tf.Variable` (assigning it re-positions the
        generator)."""
        return self._state_var

    @property
    def algorithm(self) -> int:
        """TF's number of the algorithm this generator was made with (1: Philox, 2:
        ThreeFry, 3: auto-select, which is Philox's state and stream)."""
        return self._alg

    @property
    def key(self) -> torch.Tensor:
        """The key part of the state (its last word), an int64 scalar."""
        return fresh(torch.tensor(self._words()[-1], dtype=torch.int64))

    def _words(self) -> List[int]:
        with DisableTorchFunctionSubclass():
            return [int(w) for w in torch.Tensor.tolist(self._state_var)]

    def _assign(self, value: torch.Tensor) -> None:
        self._state_var.assign(value)

    def reset(self, state: Any) -> None:
        """Sets the state to `state`.

        Raises:
          ValueError: for a state of another shape than the algorithm's.
        """
        self._assign(_state_tensor(state, _STATE_SIZES[self._alg]))

    def reset_from_seed(self, seed: Any) -> None:
        """Starts this generator over, as `from_seed(seed)` starts.

        >>> import tftape_torch as tf
        >>> g = tf.random.Generator.from_seed(3)
        >>> first = g.uniform([2])
        >>> g.reset_from_seed(3)
        >>> bool(tf.reduce_all(g.uniform([2]) == first))
        True
        """
        self._assign(create_rng_state(seed, self._alg))

    def reset_from_key_counter(self, key: Any, counter: Any) -> None:
        """Sets the state to `counter + [key]`.

        Raises:
          ValueError: for a counter of another length, or a key that is not a scalar.
        """
        self._assign(_key_counter_state(key, counter, self._alg))

    def skip(self, delta: Any) -> torch.Tensor:
        """Advances the counter as a draw of `delta` elements would (by `256 * delta`,
        wrapping), and returns the state before.

        >>> import tftape_torch as tf
        >>> g = tf.random.Generator.from_seed(0)
        >>> print(g.skip(3).numpy(), g.state.numpy())
        [0 0 0] [768   0   0]

        Raises:
          InvalidArgumentError: for a `delta` that is not a scalar.
          UnimplementedError: for ThreeFry (TF runs it only under XLA).
        """
        step = as_tensor(delta)
        if step.dim() != 0:
            raise InvalidArgumentError(
                None, None, "input 2 (0-based) must have shape [], not "
                f"[{','.join(map(str, step.shape))}] [Op:RngReadAndSkip]")
        with DisableTorchFunctionSubclass():
            value = step.item()
        count = math.trunc(value) if isinstance(value, float) else int(value)
        return fresh(torch.tensor(self._read_and_skip(count), dtype=torch.int64))

    def _read_and_skip(self, count: int) -> List[int]:
        """The state (signed words) before advancing the counter by `256 * count`."""
        if self._alg == 2:
            raise UnimplementedError(None, None, "Non-XLA devices don't support the ThreeFry "
                                     "algorithm. [Op:RngReadAndSkip]")
        old = self._words()
        # NOTE: TF multiplies in uint64 (wrapping) and adds to the 128-bit counter.
        counter = (old[0] & _WORD) | ((old[1] & _WORD) << 64)
        counter = (counter + ((count * _SKIP_PER_ELEMENT) & _WORD)) & ((1 << 128) - 1)
        self._assign(torch.tensor([_signed(counter), _signed(counter >> 64), old[2]],
                                  dtype=torch.int64))
        return old

    def _stream(self, count: int) -> torch.Generator:
        """A torch generator seeded from the state, which advances by `count` elements."""
        old = self._read_and_skip(count)
        generator = torch.Generator(device=current_device() or "cpu")
        generator.manual_seed(mixed_seed("generator", *old))
        return generator

    def tftape_graph_children(self) -> List[Tuple[str, Any]]:
        """What a checkpoint saves of a generator, as TF's: its state variable
        (`g/_state_var/.ATTRIBUTES/VARIABLE_VALUE`)."""
        return [("_state_var", self._state_var)]

    # -- draws ----------------------------------------------------------------------

    def normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
               dtype: Any = torch.float32, name: Optional[str] = None) -> torch.Tensor:
        """Normal samples of `shape`.

        Raises:
          TypeError: for a `dtype` that is not floating.
        """
        dims = _float_dims(shape, dtype, 0.0, "StatelessRandomNormalV2")
        return draw("normal", self._stream(math.prod(dims)), dims, dtype, mean, stddev)

    def truncated_normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                         dtype: Any = torch.float32, name: Optional[str] = None
                         ) -> torch.Tensor:
        """Normal samples of `shape` cut at two standard deviations.

        Raises:
          TypeError: for a `dtype` that is not floating.
        """
        dims = _float_dims(shape, dtype, 0.0, "StatelessTruncatedNormalV2")
        return draw("truncated", self._stream(math.prod(dims)), dims, dtype, mean, stddev)

    def uniform(self, shape: Any, minval: Any = 0, maxval: Any = None,
                dtype: Any = torch.float32, name: Optional[str] = None) -> torch.Tensor:
        """Uniform samples in `[minval, maxval)`; for an integer `dtype` with `minval`
        and `maxval` both None, over every value of `dtype`.

        Raises:
          ValueError: for an integer `dtype` with just one of `minval` and `maxval`.
          TypeError: for a `dtype` that is neither floating nor integer.
        """
        resolved = as_dtype(dtype)
        if resolved in INTEGER and (minval is None) != (maxval is None):
            raise ValueError(f"For integer dtype {dtype_repr(resolved)}, minval and maxval must "
                             "be both `None` or both non-`None`; got minval="
                             f"{minval} and maxval={maxval}")
        if resolved not in INTEGER:
            _float_dims(shape, resolved, minval, "StatelessRandomUniformV2")
        dims = shape_arg(shape, "StatelessRandomUniformV2")
        return draw("uniform", self._stream(math.prod(dims)), dims, resolved, minval, maxval)

    def uniform_full_int(self, shape: Any, dtype: Any = torch.int64,
                         name: Optional[str] = None) -> torch.Tensor:
        """Integers drawn evenly from every value of `dtype` (TF's default dtype is
        uint64, which tftape_torch lacks: int64 here).

        >>> import tftape_torch as tf
        >>> tf.random.Generator.from_seed(1).uniform_full_int([2], tf.int32).dtype
        torch.int32
        """
        dims = shape_arg(shape, "StatelessRandomUniformFullIntV2")
        generator = self._stream(math.prod(dims))
        return full_int(dims, as_dtype(dtype), generator.device, generator)

    def binomial(self, shape: Any, counts: Any, probs: Any, dtype: Any = torch.int32,
                 name: Optional[str] = None) -> torch.Tensor:
        """Binomial samples of `shape` (which ends with the broadcast shape of `counts`
        and `probs`, floating tensors of one dtype); TF's rules at the edges (a
        probability at or above 1 draws the count, at or below 0 draws 0).

        >>> import tftape_torch as tf
        >>> g = tf.random.Generator.from_seed(2)
        >>> print(g.binomial([2, 2], counts=[5.0, 8.0], probs=[0.0, 1.0]))
        tf.Tensor(
        [[0 8]
         [0 8]], shape=(2, 2), dtype=int32)

        Raises:
          InvalidArgumentError: for counts and probs that are not floating or not of
            one dtype or shape-incompatible, a `dtype` other than half, float32,
            float64, int32 and int64, a `shape` not ending with their broadcast shape,
            or an algorithm other than Philox.
        """
        resolved = as_dtype(dtype)
        count_t, prob_t = as_tensor(counts), as_tensor(probs)
        dims = shape_arg(shape, "StatefulRandomBinomial")
        batches, per_batch = _binomial_layout(count_t, prob_t, resolved, dims, self._alg)
        # TF reserves 2 * 100 * (samples + 3) / 4 Philox blocks per batch member.
        generator = self._stream(batches * 200 * (per_batch + 3) // 4)
        return binomial_sample(count_t, prob_t, dims, generator, resolved)

    def make_seeds(self, count: int = 1) -> torch.Tensor:
        """`count` seed pairs for the stateless ops, a `[2, count]` int64 tensor: full
        int64 keys over a row of zeros (TF's layout), advancing the state by `count`.

        >>> import tftape_torch as tf
        >>> seeds = tf.random.Generator.from_seed(1).make_seeds(3)
        >>> print(seeds.shape, seeds[1].numpy())
        (2, 3) [0 0 0]
        """
        keys = self.uniform_full_int([int(count)], torch.int64)
        with DisableTorchFunctionSubclass():
            return fresh(torch.stack([keys, torch.zeros_like(keys)]))

    def split(self, count: int = 1) -> List[Generator]:
        """`count` new generators of this one's algorithm, each with a zero counter and
        a key drawn from this one (which advances by `count`).

        >>> import tftape_torch as tf
        >>> a, b = tf.random.Generator.from_seed(1).split(2)
        >>> print(a.state.numpy()[:2], a.algorithm)
        [0 0] 1
        """
        keys = self.uniform_full_int([int(count)], torch.int64)
        size = _STATE_SIZES[self._alg]
        with DisableTorchFunctionSubclass():
            key_list = [int(k) for k in torch.Tensor.tolist(keys)]
        return [Generator(state=[0] * (size - 1) + [key], alg=self._alg) for key in key_list]


def _key_counter_state(key: Any, counter: Any, alg: int) -> torch.Tensor:
    counter_t = _state_tensor(counter, _STATE_SIZES[alg] - 1)
    key_t = _state_tensor(key, None)
    with DisableTorchFunctionSubclass():
        return torch.cat([counter_t, key_t.reshape(1)])


def _float_dims(shape: Any, dtype: Any, value: Any, op: str) -> List[int]:
    """`shape` as a list, after TF's check that `value` converts to floating `dtype`."""
    resolved = as_dtype(dtype)
    if resolved not in FLOATING:
        raise TypeError(f"Cannot convert {value} to EagerTensor of dtype {dtype_name(resolved)}")
    return shape_arg(shape, op)


_BINOMIAL_TYPES = (torch.float16, torch.float32, torch.float64, torch.int32, torch.int64)


def _binomial_layout(counts: torch.Tensor, probs: torch.Tensor, dtype: torch.dtype,
                     dims: List[int], alg: int) -> Tuple[int, int]:
    """TF's `StatefulRandomBinomial` checks; the number of batch members (the
    parameters' broadcast size) and of samples of each."""
    op = "[Op:StatefulRandomBinomial]"
    if dtype not in _BINOMIAL_TYPES:
        raise InvalidArgumentError(
            None, None, f"Value for attr 'dtype' of {dtype_name(dtype)} is not in the list of "
            f"allowed values: half, float, double, int32, int64 {op}")
    if counts.dtype not in FLOATING or counts.dtype == torch.bfloat16:
        raise InvalidArgumentError(
            None, None, "No OpKernel was registered to support Op 'StatefulRandomBinomial' with "
            f"these attrs: [dtype={kernel_name(dtype)}, T={kernel_name(counts.dtype)}] {op}")
    if probs.dtype != counts.dtype:
        raise InvalidArgumentError(
            None, None, "cannot compute StatefulRandomBinomial as input #4(zero-based) was "
            f"expected to be a {kernel_name(counts.dtype)} tensor but is a "
            f"{kernel_name(probs.dtype)} tensor {op}")
    try:
        batch = list(torch.broadcast_shapes(counts.shape, probs.shape))
    except RuntimeError:
        raise InvalidArgumentError(
            None, None, "counts and probs must have compatible batch dimensions: "
            f"{list(counts.shape)} vs. {list(probs.shape)} {op}".replace(", ", ",")) from None
    if len(batch) > len(dims) or dims[len(dims) - len(batch):] != batch:
        raise InvalidArgumentError(
            None, None, f"Shape passed in must end with broadcasted shape. {op}")
    if alg != 1:
        raise InvalidArgumentError(None, None, f"Unsupported algorithm id: {alg} {op}")
    return math.prod(batch), math.prod(dims[:len(dims) - len(batch)])


def get_global_generator() -> Generator:
    """This thread's global `Generator`: the one `set_global_generator` set, else one
    made on first use, its state drawn from torch's default generator (so a
    `torch.manual_seed` before that first use decides it).

    >>> import tftape_torch as tf
    >>> tf.random.get_global_generator() is tf.random.get_global_generator()
    True

    Raises:
      RuntimeError: while op determinism is enabled and no global generator is set.
    """
    if _state.THREAD.global_generator is None:
        _no_determinism('"get_global_generator" cannot be called if determinism is enabled, '
                        'unless "set_global_generator" has already been called. Please call '
                        '"set_global_generator" first.')
        words = torch.randint(-(2**63), 2**63 - 1, (3,), dtype=torch.int64,
                              generator=torch.default_generator)
        _state.THREAD.global_generator = Generator(state=words, alg=1)
    generator: Generator = _state.THREAD.global_generator
    return generator


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
