"""`tf.data`: input pipelines over in-memory data, as TF 2.21's `tf.data.Dataset`.

A `Dataset` is a lazy, re-iterable sequence of *elements*; an element is a tensor or a
structure of tensors (tuples, namedtuples and dicts; a Python list given as data is one
tensor, as in TF). Iterating yields this package's tensors, with the structure kept.

>>> import tftape_torch as tf
>>> ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0, 3.0], [0, 1, 0]))
>>> ds = ds.map(lambda x, y: (x * 2, y)).batch(2)
>>> for x, y in ds:
...     print(x, y)
tf.Tensor([2. 4.], shape=(2,), dtype=float32) tf.Tensor([0 1], shape=(2,), dtype=int32)
tf.Tensor([6.], shape=(1,), dtype=float32) tf.Tensor([0], shape=(1,), dtype=int32)
>>> len(ds), list(tf.data.Dataset.range(3).as_numpy_iterator())
(2, [np.int64(0), np.int64(1), np.int64(2)])

**What of torch is reused.** `Dataset` subclasses `torch.utils.data.IterableDataset`,
so `torch.utils.data.DataLoader(ds, batch_size=None)` accepts it; batches are
`torch.stack`s; everything else is plain Python over torch tensors (a pipeline of
in-memory tensors needs neither worker processes nor samplers).

**Differences from TF.**

* `shuffle` uses the same buffer algorithm as TF (fill a buffer of `buffer_size`
  elements, emit a random one, refill its slot), seeded by `seed` (or by
  `tf.random.set_seed`'s global seed when set), but TF's random stream cannot be
  reproduced: the order is a different permutation than TF's, equally distributed.
* TF traces `map`/`filter`/`reduce` functions once into a graph; here they run
  eagerly on every element (Python side effects run per element, `.numpy()` works
  inside them). `element_spec` of a `map` is read off its first two output
  elements (a dimension in which they differ is `None`), so a dimension TF leaves
  unknown (`None`, e.g. after a `batch`) may show as a number when they agree.
* `prefetch` and `num_parallel_calls` are accepted and change nothing (the data is
  in memory already); `cache(filename)` caches in memory even when given a file name.
* TF runs pipelines on the CPU and copies elements to the GPU ops that use them;
  torch ops do not copy, so a dataset's new tensors go where `tf.device` puts
  constructors' when the dataset is made (`range`, `counter`, `from_generator`...).
"""

from __future__ import annotations

import functools
import itertools
import os
from typing import (
    Any,
    Callable,
    Iterable,
    List,
    Optional,
    Sequence,
)
from typing import (
    Iterator as PyIterator,
)

import numpy as np
import torch
import torch.utils.data

from tftape_torch import _data_iteration as iteration
from tftape_torch import errors
from tftape_torch._data_combine import CombineTransformations
from tftape_torch._data_elements import (
    Element,
    TensorSpec,
    as_public,
    batched_spec,
    call_on,
    declared_spec,
    element_spec_of,
    fitting,
    is_true,
    normalize,
    normalize_generated,
    normalize_output,
    numpy_value,
    probed_spec,
    row,
    seed_for,
    spec_of,
    stack_elements,
    unbatched_spec,
)
from tftape_torch._data_experimental import ExperimentalFunctions, random_elements
from tftape_torch._data_files import SavedDatasets
from tftape_torch._data_iterator import DatasetIterator
from tftape_torch._data_options import Options
from tftape_torch._data_regroup import RegroupTransformations
from tftape_torch._data_resampling import ResamplingTransformations
from tftape_torch._data_windows import DatasetSpec, WindowTransformations
from tftape_torch._device import current_device
from tftape_torch._dtypes import as_dtype
from tftape_torch._structure import flatten, map_structure
from tftape_torch._tensor import as_eager

__all__ = [
    "AUTOTUNE",
    "Dataset",
    "DatasetSpec",
    "INFINITE_CARDINALITY",
    "Iterator",
    "Options",
    "UNKNOWN_CARDINALITY",
    "experimental",
]

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2

_Factory = Callable[[], PyIterator[Element]]


# ---------------------------------------------------------------------------
# Dataset


class Dataset(CombineTransformations, WindowTransformations, RegroupTransformations,
              ResamplingTransformations, SavedDatasets,
              torch.utils.data.IterableDataset):  # type: ignore[type-arg]
    """Represents a potentially large set of elements (here: held in memory).

    >>> import tftape_torch as tf
    >>> ds = tf.data.Dataset.range(10).filter(lambda x: x % 3 == 0).repeat(2)
    >>> [int(x) for x in ds]
    [0, 3, 6, 9, 0, 3, 6, 9]
    >>> print(ds.cardinality())
    tf.Tensor(-2, shape=(), dtype=int64)
    """

    _tf_name = "DatasetV2"

    def __init__(
        self,
        factory: _Factory,
        cardinality: int,
        spec: Optional[Callable[[], Any]] = None,
        tf_name: Optional[str] = None,
    ) -> None:
        self._factory = factory
        self._cardinality = int(cardinality)
        self._spec_fn = spec
        self._spec_value: Any = None
        self._spec_known = False
        self._options: Optional[Options] = None
        if tf_name is not None:
            self._tf_name = tf_name

    # ------------------------------------------------------------------ sources

    @staticmethod
    def from_tensor_slices(tensors: Any, name: Optional[str] = None) -> Dataset:
        """A dataset whose elements are slices of `tensors` along their first dimension.

        Raises:
          ValueError: if the components differ in their first dimension, or one is a
            scalar.
        """
        data = normalize(tensors)
        leaves = flatten(data)
        if not leaves:
            raise ValueError("Invalid `tensors`. `tensors` should not be empty.")
        for leaf in leaves:
            if leaf.dim() == 0:
                raise ValueError(
                    f"Unbatching a tensor is only supported for rank >= 1, got {leaf.dim()}"
                )
        count = int(leaves[0].shape[0])
        for leaf in leaves[1:]:
            if int(leaf.shape[0]) != count:
                raise ValueError(
                    f"Dimensions {count} and {int(leaf.shape[0])} are not compatible"
                )

        def factory() -> PyIterator[Element]:
            for index in range(count):
                yield map_structure(functools.partial(row, index=index), data)

        return Dataset(
            factory,
            count,
            lambda: map_structure(lambda t: unbatched_spec(spec_of(t)), data),
            "_TensorSliceDataset",
        )

    @staticmethod
    def from_tensors(tensors: Any, name: Optional[str] = None) -> Dataset:
        """A dataset with one element, `tensors`.

        Raises:
          InvalidArgumentError: for `tensors` without components (`()`, `None`).
        """
        data = iteration.components(tensors, "TensorDataset")
        return Dataset(lambda: iter([data]), 1, lambda: element_spec_of(data), "_TensorDataset")

    @staticmethod
    def range(*args: int, **kwargs: Any) -> Dataset:
        """A dataset of a step-separated range of values: `range(stop)`,
        `range(start, stop[, step])`, `output_type=tf.int64`."""
        output_type = kwargs.pop("output_type", torch.int64)
        kwargs.pop("name", None)
        if kwargs:
            raise TypeError(f"range() got an unexpected keyword argument {next(iter(kwargs))!r}")
        if not 1 <= len(args) <= 3:
            raise ValueError(f"Invalid `args`. The length of `args` should be between 1 and 3 "
                             f"but was {len(args)}.")
        start, stop, step = (0, int(args[0]), 1) if len(args) == 1 else (
            int(args[0]), int(args[1]), int(args[2]) if len(args) == 3 else 1)
        if step == 0:
            raise errors.InvalidArgumentError(
                None, None, "step must be a non-zero integer. [Op:RangeDataset]"
            )
        values = range(start, stop, step)
        device = current_device()

        def factory() -> PyIterator[Element]:
            for value in values:
                yield torch.tensor(value, dtype=output_type, device=device)

        return Dataset(factory, len(values), lambda: TensorSpec((), output_type), "_RangeDataset")

    @staticmethod
    def from_generator(
        generator: Callable[[], Iterable[Any]],
        output_types: Any = None,
        output_shapes: Any = None,
        args: Optional[Sequence[Any]] = None,
        output_signature: Any = None,
        name: Optional[str] = None,
    ) -> Dataset:
        """A dataset whose elements `generator(*args)` yields (converted to tensors).

        Raises:
          TypeError: for `output_signature` given with `output_types` or
            `output_shapes`, or neither of `output_signature` and `output_types`.
          InvalidArgumentError: when iterating, for an element that does not fit the
            declared structure, or a `ValueError`/`TypeError` the generator raises
            (its other exceptions as TF maps them: see `_data_iteration.generated`).
        """
        iteration.check_generator_arguments(output_types, output_shapes, output_signature)
        if output_types is None and output_signature is None:
            raise TypeError(
                "The `output_types` argument can not be None when `output_signature` "
                "is not provided."
            )
        dtypes = output_types
        if output_signature is not None:
            dtypes = map_structure(lambda spec: spec.dtype, output_signature)
        device = current_device()

        signature = (lambda: declared_spec(output_types, output_shapes)) if (
            output_signature is None) else lambda: map_structure(
            lambda spec: TensorSpec(spec.shape, spec.dtype), output_signature)

        def factory() -> PyIterator[Element]:
            specs = flatten(signature())
            return iteration.generated(
                lambda: generator(*(args or ())),
                lambda value: fitting(normalize_generated(value, dtypes, device), specs))

        return Dataset(factory, UNKNOWN_CARDINALITY, signature, "_FlatMapDataset")

    # ------------------------------------------------------------------ transformations

    def batch(
        self,
        batch_size: int,
        drop_remainder: bool = False,
        num_parallel_calls: Optional[int] = None,
        deterministic: Optional[bool] = None,
        name: Optional[str] = None,
    ) -> Dataset:
        """Combines consecutive elements into batches (stacked along a new first axis)."""
        size = int(batch_size)
        if size <= 0:
            raise errors.InvalidArgumentError(
                None, None, "Batch size must be greater than zero. [Op:BatchDatasetV2] name: "
            )
        source = self

        def factory() -> PyIterator[Element]:
            iterator = source._factory()
            while True:
                chunk = list(itertools.islice(iterator, size))
                if not chunk or (drop_remainder and len(chunk) < size):
                    return
                yield stack_elements(chunk)

        card = self._cardinality
        if card >= 0:
            card = card // size if drop_remainder else -(-card // size)
        return Dataset(
            factory,
            card,
            lambda: map_structure(
                lambda s: batched_spec(s, size if drop_remainder else None),
                source.element_spec,
            ),
            "_BatchDataset" if num_parallel_calls is None else "_ParallelBatchDataset",
        )

    def shuffle(
        self,
        buffer_size: int,
        seed: Optional[int] = None,
        reshuffle_each_iteration: Optional[bool] = None,
        name: Optional[str] = None,
    ) -> Dataset:
        """Randomly shuffles the elements, through a buffer of `buffer_size` elements.

        The order is a random permutation (TF's exact order cannot be reproduced); with
        a `seed` it is the same on every run, and, unless `reshuffle_each_iteration` is
        False, different on each pass over the dataset.
        """
        size = int(buffer_size)
        if size <= 0 and size != AUTOTUNE:
            raise errors.InvalidArgumentError(
                None, None, "buffer_size must be greater than zero. [Op:ShuffleDatasetV3]"
            )
        op_seed = seed_for(seed)
        reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        source = self
        epochs = itertools.count()

        def factory() -> PyIterator[Element]:
            epoch = next(epochs) if reshuffle else 0
            if op_seed is None:
                rng = np.random.default_rng()
            else:
                rng = np.random.default_rng([op_seed & 0xFFFFFFFF, epoch])
            buffer: List[Element] = []
            iterator = source._factory()
            limit = size if size > 0 else 1 << 20
            for element in iterator:
                buffer.append(element)
                if len(buffer) >= limit:
                    break
            for element in iterator:
                pick = int(rng.integers(len(buffer)))
                yield buffer[pick]
                buffer[pick] = element
            while buffer:
                pick = int(rng.integers(len(buffer)))
                buffer[pick], buffer[-1] = buffer[-1], buffer[pick]
                yield buffer.pop()

        return Dataset(factory, self._cardinality, lambda: source.element_spec, "_ShuffleDataset")

    def map(
        self,
        map_func: Callable[..., Any],
        num_parallel_calls: Optional[int] = None,
        deterministic: Optional[bool] = None,
        synchronous: Optional[bool] = None,
        use_unbounded_threadpool: bool = False,
        name: Optional[str] = None,
    ) -> Dataset:
        """Applies `map_func` to each element (a tuple element is unpacked into args)."""
        source = self

        def factory() -> PyIterator[Element]:
            for element in source._factory():
                yield normalize_output(call_on(map_func, element))

        dataset = Dataset(
            factory,
            self._cardinality,
            None,
            "_MapDataset" if num_parallel_calls is None else "_ParallelMapDataset",
        )
        return dataset

    def flat_map(self, map_func: Callable[..., Dataset], name: Optional[str] = None) -> Dataset:
        """Maps each element to a dataset and flattens the results."""
        source = self

        def factory() -> PyIterator[Element]:
            for element in source._factory():
                inner = call_on(map_func, element)
                if not isinstance(inner, Dataset):
                    raise TypeError(
                        "The `map_func` argument must return a `Dataset` object. Got "
                        f"{type(inner)!r}."
                    )
                yield from inner._factory()

        return Dataset(factory, UNKNOWN_CARDINALITY, iteration.inner_spec(self._factory, map_func),
                       "_FlatMapDataset")

    def filter(self, predicate: Callable[..., Any], name: Optional[str] = None) -> Dataset:
        """Keeps the elements for which `predicate` returns a true `tf.bool` scalar.

        Raises:
          ValueError: if `predicate` does not return a `tf.bool` scalar.
        """
        source = self
        first = next(iter(source._factory()), None)
        if first is not None:  # TF traces the predicate here, and checks what it returns
            is_true(call_on(predicate, first))

        def factory() -> PyIterator[Element]:
            for element in source._factory():
                if is_true(call_on(predicate, element)):
                    yield element

        return Dataset(factory, UNKNOWN_CARDINALITY, lambda: source.element_spec, "_FilterDataset")

    def take(self, count: int, name: Optional[str] = None) -> Dataset:
        """The first `count` elements (all of them when `count` is -1)."""
        count = int(count)
        source = self

        def factory() -> PyIterator[Element]:
            iterator = source._factory()
            return iterator if count < 0 else itertools.islice(iterator, count)

        card = self._cardinality
        if count != -1 and card != UNKNOWN_CARDINALITY:  # TF: count < -1 shows too
            card = count if card == INFINITE_CARDINALITY else min(card, count)
        return Dataset(factory, card, lambda: source.element_spec, "_TakeDataset")

    def skip(self, count: int, name: Optional[str] = None) -> Dataset:
        """All but the first `count` elements (none when `count` is -1)."""
        count = int(count)
        source = self

        def factory() -> PyIterator[Element]:
            iterator = source._factory()
            if count < 0:
                return iter(())
            return itertools.islice(iterator, count, None)

        card = self._cardinality
        if card >= 0:
            card = 0 if count < 0 else max(0, card - count)
        return Dataset(factory, card, lambda: source.element_spec, "_SkipDataset")

    def repeat(self, count: Optional[int] = None, name: Optional[str] = None) -> Dataset:
        """Repeats the dataset `count` times (forever when `count` is None or -1)."""
        times = -1 if count is None else int(count)
        source = self

        def factory() -> PyIterator[Element]:
            passes: Iterable[int] = itertools.count() if times < 0 else range(times)
            for _ in passes:
                empty = True
                for element in source._factory():
                    empty = False
                    yield element
                if empty:
                    return

        card = self._cardinality
        if times == 0 or card == 0:
            card = 0
        elif times < 0:  # TF: infinite, an input of unknown length too
            card = INFINITE_CARDINALITY
        elif card >= 0:
            card = card * times
        return Dataset(factory, card, lambda: source.element_spec, "_RepeatDataset")

    def prefetch(self, buffer_size: int, name: Optional[str] = None) -> Dataset:
        """Accepted for TF compatibility; the data is in memory, so it changes nothing.

        Raises:
          InvalidArgumentError: for a `buffer_size` below -1 (`AUTOTUNE`).
        """
        source = self
        iteration.check_buffer_size(buffer_size)
        return Dataset(source._factory, self._cardinality, lambda: source.element_spec,
                       "_PrefetchDataset")

    def cache(self, filename: str = "", name: Optional[str] = None) -> Dataset:
        """Caches the elements of the first complete pass in memory."""
        source = self
        cached: List[Element] = []
        done = [False]

        def factory() -> PyIterator[Element]:
            if done[0]:
                yield from cached
                return
            seen: List[Element] = []
            for element in source._factory():
                seen.append(element)
                yield element
            cached[:] = seen
            done[0] = True

        return Dataset(factory, self._cardinality, lambda: source.element_spec, "CacheDataset")

    def enumerate(self, start: int = 0, name: Optional[str] = None) -> Dataset:
        """Pairs each element with its int64 index, counting from `start`."""
        count = Dataset.range(int(start), (1 << 63) - 1)
        count._cardinality = INFINITE_CARDINALITY
        return Dataset.zip((count, self))

    def padded_batch(self, batch_size: int, padded_shapes: Any = None,
                     padding_values: Any = None, drop_remainder: bool = False,
                     name: Optional[str] = None) -> Dataset:
        """Batches elements of different shapes, each component padded with
        `padding_values` (default 0) to `padded_shapes` (default: the batch's largest
        size in every dimension; `None` or -1 there too).

        Raises:
          InvalidArgumentError: for a `batch_size` below 1.
          DataLossError: when iterating, for an element larger than a fixed padded
            size (TF's class).
        """
        return iteration.padded_batch(Dataset, self._factory, self._cardinality,
                                      self.element_spec, int(batch_size), padded_shapes,
                                      padding_values, bool(drop_remainder))

    def interleave(self, map_func: Callable[..., Dataset], cycle_length: Optional[int] = None,
                   block_length: Optional[int] = None, num_parallel_calls: Optional[int] = None,
                   deterministic: Optional[bool] = None, name: Optional[str] = None) -> Dataset:
        """The elements of `map_func(element)`'s datasets, `cycle_length` (default: the
        CPU cores, as TF's) at a time, `block_length` from each in turn, in TF's order."""
        cycle = os.cpu_count() or 1 if cycle_length in (None, AUTOTUNE) else int(cycle_length)
        block = 1 if block_length is None else int(block_length)
        if cycle <= 0 or block <= 0:
            raise errors.InvalidArgumentError(
                None, None, "cycle_length and block_length must be positive "
                "[Op:InterleaveDatasetV2]")
        source = self

        def factory() -> PyIterator[Element]:
            return iteration.interleave(
                source._factory(), lambda e: call_on(map_func, e)._factory(), cycle, block)

        return Dataset(factory, UNKNOWN_CARDINALITY, iteration.inner_spec(self._factory, map_func),
                       "_InterleaveDataset")

    def shard(self, num_shards: int, index: int, name: Optional[str] = None) -> Dataset:
        """Every `num_shards`-th element, starting with element `index`.

        Raises:
          InvalidArgumentError: for `num_shards < 1` or `index` outside
            `[0, num_shards)`.
        """
        return iteration.shard(Dataset, self._factory, self._cardinality,
                               lambda: self.element_spec, int(num_shards), int(index))

    def scan(self, initial_state: Any, scan_func: Callable[..., Any],
             name: Optional[str] = None) -> Dataset:
        """A running transformation: `scan_func(state, element)` returns the new state
        and the output element."""
        return iteration.scan(Dataset, self._factory, self._cardinality, initial_state,
                              scan_func)

    def take_while(self, predicate: Callable[..., Any], name: Optional[str] = None) -> Dataset:
        """The elements up to the first one `predicate` is False for.

        Raises:
          ValueError: unless `predicate` returns a bool scalar (checked on the first
            element, as TF's tracing checks it).
        """
        return iteration.take_while(Dataset, self._factory, lambda: self.element_spec,
                                    predicate)

    def unique(self, name: Optional[str] = None) -> Dataset:
        """The distinct elements, in order of first appearance (int32 and int64 scalars).

        Raises:
          TypeError: for elements that are not one int32 or int64 tensor.
        """
        return iteration.unique(Dataset, self._factory, self.element_spec)

    def get_single_element(self, name: Optional[str] = None) -> Any:
        """The dataset's only element.

        Raises:
          InvalidArgumentError: for an empty dataset, or one of more elements.
        """
        iterator = self._factory()
        first = next(iterator, None)
        if first is None:
            raise errors.InvalidArgumentError(None, None, "Dataset was empty.")
        if next(iterator, None) is not None:
            raise errors.InvalidArgumentError(None, None, "Dataset had more than one element.")
        return as_public(first)

    @staticmethod
    def counter(start: int = 0, step: int = 1, dtype: Any = torch.int64,
                name: Optional[str] = None) -> Dataset:
        """`start`, `start + step`, ... forever, of `dtype`."""
        kind = as_dtype(dtype)
        device = current_device()

        def factory() -> PyIterator[Element]:
            for value in itertools.count(int(start), int(step)):
                yield torch.tensor(value, dtype=kind, device=device)

        return Dataset(factory, INFINITE_CARDINALITY, lambda: TensorSpec((), kind),
                       "_CounterDataset")

    @staticmethod
    def random(seed: Optional[int] = None, rerandomize_each_iteration: Optional[bool] = None,
               name: Optional[str] = None) -> Dataset:
        """Random int64 scalars, forever: the same each iteration for a seed (the op's or
        the global one) unless `rerandomize_each_iteration` (torch's draws, not TF's)."""
        return random_elements(Dataset, seed, rerandomize_each_iteration, "_RandomDataset")

    @staticmethod
    def choose_from_datasets(datasets: Sequence[Dataset], choice_dataset: Dataset,
                             stop_on_empty_dataset: bool = True) -> Dataset:
        """For each int64 scalar `c` of `choice_dataset`, the next element of
        `datasets[c]`; a finished dataset ends the result (`stop_on_empty_dataset`) or
        is skipped.

        Raises:
          TypeError: for a `choice_dataset` of other elements than int64 scalars.
          ValueError: for an empty `datasets`.
        """
        return iteration.choose_from(
            Dataset, [d._factory for d in datasets], [d.element_spec for d in datasets],
            [d._cardinality for d in datasets], choice_dataset._factory,
            choice_dataset.element_spec, bool(stop_on_empty_dataset))

    @staticmethod
    def sample_from_datasets(datasets: Sequence[Dataset], weights: Any = None,
                             seed: Optional[int] = None, stop_on_empty_dataset: bool = False,
                             rerandomize_each_iteration: Optional[bool] = None) -> Dataset:
        """Elements drawn at random from `datasets`, dataset `i` with probability
        proportional to `weights[i]` (default: equal). TF's random stream is not
        reproduced: the draw differs from TF's for the same seed (same distribution).

        Raises:
          ValueError: for an empty `datasets`, or `weights` of another length.
        """
        if isinstance(weights, list) and any(isinstance(w, int) for w in weights):
            raise TypeError("Invalid `weights`. `weights` type must be either `tf.float32` or "
                            "`tf.float64` but is `tf.int32`.")
        if isinstance(weights, list) and datasets:  # TF drops a listed weight of 0 or less
            kept = [d for d, w in zip(datasets, weights) if float(w) > 0]
            if len(kept) <= 1 and len(weights) == len(datasets):
                return kept[0] if kept else datasets[0].take(0)
        if len(datasets) == 1 and weights is None:
            return datasets[0]
        return iteration.sample_from(
            Dataset, [d._factory for d in datasets], [d.element_spec for d in datasets],
            [d._cardinality for d in datasets], weights, seed_for(seed),
            bool(stop_on_empty_dataset))

    def options(self) -> Options:
        """The options `with_options` attached (TF's defaults otherwise)."""
        return self._options if self._options is not None else Options()

    def with_options(self, options: Options, name: Optional[str] = None) -> Dataset:
        """This dataset with `options` merged in (kept and reported: `_data_options`)."""
        out = Dataset(self._factory, self._cardinality, lambda: self.element_spec,
                      "_OptionsDataset")
        out._options = self.options().merge(options)
        return out

    def apply(self, transformation_func: Callable[[Dataset], Dataset]) -> Dataset:
        """`transformation_func(self)`.

        Raises:
          TypeError: when `transformation_func` returns no dataset.
        """
        return iteration.applied(Dataset, self, transformation_func)

    def reduce(self, initial_state: Any, reduce_func: Callable[[Any, Any], Any],
               name: Optional[str] = None) -> Any:
        """Folds `reduce_func(state, element)` over the dataset, from `initial_state`
        (a tuple element is one argument, as in TF: `map` unpacks it, `reduce` not)."""
        state = normalize_output(initial_state)
        for element in self._factory():
            state = iteration.new_state(
                state, normalize_output(reduce_func(as_public(state), as_public(element))))
        return as_public(state)

    # ------------------------------------------------------------------ inspection

    @property
    def element_spec(self) -> Any:
        """The type specification of an element: `TensorSpec`s in the element's structure."""
        if not self._spec_known:
            if self._spec_fn is not None:
                self._spec_value = self._spec_fn()
            else:
                self._spec_value = probed_spec(self._factory())
            self._spec_known = True
        return self._spec_value

    def cardinality(self) -> torch.Tensor:
        """The number of elements, as an int64 scalar tensor: -1 when infinite
        (`tf.data.INFINITE_CARDINALITY`), -2 when unknown (`UNKNOWN_CARDINALITY`)."""
        return as_eager(
            torch.tensor(self._cardinality, dtype=torch.int64, device=current_device())
        )

    def __len__(self) -> int:
        """The number of elements.

        Raises:
          TypeError: if the dataset is infinite or its length is unknown.
        """
        if self._cardinality == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if self._cardinality == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return self._cardinality

    def __bool__(self) -> bool:
        return True

    def __iter__(self) -> DatasetIterator:
        return DatasetIterator(self, self._factory())

    def as_numpy_iterator(self) -> PyIterator[Any]:
        """An iterator over the elements as NumPy values (scalars as NumPy scalars)."""
        for element in self._factory():
            yield map_structure(numpy_value, element)

    def __repr__(self) -> str:
        return f"<{self._tf_name} element_spec={self.element_spec!r}>"


Iterator = DatasetIterator
"""`tf.data.Iterator`."""


class experimental(ExperimentalFunctions):
    """`tf.data.experimental`: TF's constants there, and the functions that are now
    `Dataset` methods, spelled the old way (`ds.apply(tf.data.experimental.unbatch())`)."""

    _dataset_class = Dataset
    AUTOTUNE = AUTOTUNE
    INFINITE_CARDINALITY = INFINITE_CARDINALITY
    UNKNOWN_CARDINALITY = UNKNOWN_CARDINALITY
    sample_from_datasets = staticmethod(Dataset.sample_from_datasets)
    choose_from_datasets = staticmethod(Dataset.choose_from_datasets)
    Counter = staticmethod(Dataset.counter)
    RandomDataset = staticmethod(Dataset.random)
    get_single_element = staticmethod(Dataset.get_single_element)
    save = staticmethod(Dataset.save)
    load = staticmethod(Dataset.load)
    cardinality = staticmethod(Dataset.cardinality)

    @staticmethod
    def assert_cardinality(expected_cardinality: int) -> Callable[[Dataset], Dataset]:
        """For `apply`: the dataset, checked to have `expected_cardinality` elements
        while iterating (TF's `FailedPreconditionError` when it has not)."""
        return lambda dataset: iteration.assert_cardinality(
            Dataset, dataset._factory, lambda: dataset.element_spec, int(expected_cardinality))
