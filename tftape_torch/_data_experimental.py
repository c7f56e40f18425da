"""`tf.data.experimental`'s functions that TF kept from before they became `Dataset`
methods (`map_and_batch`, `shuffle_and_repeat`, `parallel_interleave`, ...), its
device helpers, `at`, `get_structure`, and `Dataset.random`'s elements.

The transformations are functions for `Dataset.apply`, spelled as TF spells them
and computing what TF's recommended replacement computes. `copy_to_device` and
`prefetch_to_device` move each element's tensors to the device (torch's, named the
TF way); `enable_debug_mode` has nothing to switch: the pipeline runs eagerly.

>>> import tftape_torch as tf
>>> ds = tf.data.Dataset.range(5).apply(tf.data.experimental.map_and_batch(lambda x: x * 2, 2))
>>> [b.numpy().tolist() for b in ds]
[[0, 2], [4, 6], [8]]
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

import torch

from tftape_torch import _data_iteration as iteration
from tftape_torch import _state, errors
from tftape_torch._data_elements import TensorSpec
from tftape_torch._data_options import AutoShardPolicy
from tftape_torch._data_regroup import Reducer, from_list, group_by_reducer, pad_to_cardinality
from tftape_torch._device import parse_device
from tftape_torch._random_seeds import mixed_seed
from tftape_torch._structure import map_structure

__all__ = ["ExperimentalFunctions", "random_elements"]

_INT64_LIMITS = (-(2**63), 2**63 - 1)


def map_and_batch(map_func: Callable[..., Any], batch_size: int,
                  num_parallel_batches: Optional[int] = None, drop_remainder: bool = False,
                  num_parallel_calls: Optional[int] = None) -> Callable[[Any], Any]:
    """`map(map_func)` then `batch(batch_size, drop_remainder)`, for `Dataset.apply`."""
    return lambda dataset: dataset.map(map_func).batch(batch_size, drop_remainder=drop_remainder)


def shuffle_and_repeat(buffer_size: int, count: Optional[int] = None,
                       seed: Optional[int] = None) -> Callable[[Any], Any]:
    """`shuffle(buffer_size, seed)` then `repeat(count)`, for `Dataset.apply`.

    >>> import tftape_torch as tf
    >>> ds = tf.data.Dataset.range(3).apply(tf.data.experimental.shuffle_and_repeat(3, 2))
    >>> sorted(int(x) for x in ds)
    [0, 0, 1, 1, 2, 2]
    """
    return lambda dataset: dataset.shuffle(buffer_size, seed=seed).repeat(count)


def parallel_interleave(map_func: Callable[..., Any], cycle_length: int, block_length: int = 1,
                        sloppy: Optional[bool] = False,
                        buffer_output_elements: Optional[int] = None,
                        prefetch_input_elements: Optional[int] = None) -> Callable[[Any], Any]:
    """`interleave(map_func, cycle_length, block_length)`, for `Dataset.apply` (the
    order is the deterministic one, which a `sloppy` TF pipeline may also produce)."""
    return lambda dataset: dataset.interleave(map_func, cycle_length, block_length)


def get_structure(dataset_or_iterator: Any) -> Any:
    """The `element_spec` of a dataset or an iterator over one.

    Raises:
      TypeError: for anything else.
    """
    spec = getattr(dataset_or_iterator, "element_spec", None)
    if spec is None:
        raise TypeError("`dataset_or_iterator` must be a `tf.data.Dataset` or tf.data.Iterator "
                        f"object, but got {type(dataset_or_iterator)}.")
    return spec


def at(dataset: Any, index: int) -> Any:
    """The element of `dataset` at `index`.

    >>> import tftape_torch as tf
    >>> print(tf.data.experimental.at(tf.data.Dataset.range(10), 3))
    tf.Tensor(3, shape=(), dtype=int64)

    Raises:
      OutOfRangeError: for an index outside `[0, cardinality)`.
    """
    index = int(index)
    size = int(dataset.cardinality())
    if index >= 0 and (size < 0 or index < size):
        for position, element in enumerate(dataset):
            if position == index:
                return element
    shown = size if size >= 0 else "?"
    raise errors.OutOfRangeError(
        None, None, f"Index out of range [0, {shown}):{index} [Op:GetElementAtIndex]")


def enable_debug_mode() -> None:
    """TF's switch to run `tf.data` functions eagerly: they already run eagerly here."""


def get_next_as_optional(iterator: Any) -> Any:
    """`iterator.get_next_as_optional()`."""
    return iterator.get_next_as_optional()


def copy_to_device(target_device: str, source_device: str = "/cpu:0") -> Callable[[Any], Any]:
    """For `Dataset.apply`: the elements, with their tensors moved to `target_device`."""
    device = parse_device(target_device) or torch.device("cpu")

    def move(*parts: Any) -> Any:
        moved = [map_structure(lambda t: t.to(device) if isinstance(t, torch.Tensor) else t, part)
                 for part in parts]
        return moved[0] if len(moved) == 1 else tuple(moved)

    return lambda dataset: dataset.map(move)


def prefetch_to_device(device: str, buffer_size: Optional[int] = None) -> Callable[[Any], Any]:
    """For `Dataset.apply`: `copy_to_device(device)`, then `prefetch(buffer_size)`."""
    copy = copy_to_device(device)
    return lambda dataset: copy(dataset).prefetch(-1 if buffer_size is None else buffer_size)


def random_elements(dataset_class: Any, seed: Optional[int], rerandomize: Optional[bool],
                    tf_name: str) -> Any:
    """`Dataset.random`: an endless dataset of random int64 scalars. With a seed (the
    op's or the global one) every iteration repeats the same values unless
    `rerandomize`; without, each draws afresh (torch's generators, not TF's values)."""
    global_seed = _state.random_seed()
    seeded = seed is not None or global_seed is not None
    base = mixed_seed("Dataset.random", global_seed, seed)
    epochs = [0]

    def factory() -> Iterator[torch.Tensor]:
        generator = None
        if seeded:
            generator = torch.Generator()
            generator.manual_seed(base + (epochs[0] if rerandomize else 0))
            epochs[0] += 1
        while True:
            value = torch.randint(*_INT64_LIMITS, (), dtype=torch.int64, generator=generator)
            yield value

    return dataset_class(factory, -1, lambda: TensorSpec((), torch.int64), tf_name)


class ExperimentalFunctions:
    """The functions of `tf.data.experimental` that need no `Dataset` class (the
    namespace, in `data`, adds those that do, and the constants)."""

    _dataset_class: Any  # `Dataset` (set by the namespace in `data`)
    AutoShardPolicy = AutoShardPolicy
    Reducer = Reducer
    group_by_reducer = staticmethod(group_by_reducer)
    pad_to_cardinality = staticmethod(pad_to_cardinality)
    scan = iteration.method_transformation("scan")
    take_while = iteration.method_transformation("take_while")
    unique = iteration.method_transformation("unique")
    unbatch = iteration.method_transformation("unbatch")
    enumerate_dataset = iteration.method_transformation("enumerate")
    group_by_window = iteration.method_transformation("group_by_window")
    bucket_by_sequence_length = iteration.method_transformation("bucket_by_sequence_length")
    map_and_batch = staticmethod(map_and_batch)
    shuffle_and_repeat = staticmethod(shuffle_and_repeat)
    parallel_interleave = staticmethod(parallel_interleave)
    copy_to_device = staticmethod(copy_to_device)
    prefetch_to_device = staticmethod(prefetch_to_device)
    at = staticmethod(at)
    get_structure = staticmethod(get_structure)
    get_next_as_optional = staticmethod(get_next_as_optional)

    @classmethod
    def from_list(cls, elements: Any, name: Optional[str] = None) -> Any:
        """A dataset of the elements of the list `elements` (see `_data_regroup`)."""
        return from_list(cls._dataset_class, elements, name)
    enable_debug_mode = staticmethod(enable_debug_mode)
