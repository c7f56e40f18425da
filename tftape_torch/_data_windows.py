"""`tf.data`'s windowing transformations: `window`, `group_by_window` and
`bucket_by_sequence_length`, as methods `Dataset` inherits from `WindowTransformations`.

A window is itself a dataset (a structure of datasets, one per component of the
elements, as in TF), made from elements held in a buffer while the input streams
past: an infinite input gives windows one at a time. `group_by_window` keeps one
group per key and hands a group to `reduce_func` as a dataset when it is full; at the
end of the input the groups left over go out in increasing key order (TF's).

>>> import tftape_torch as tf
>>> ds = tf.data.Dataset.range(5).window(2, shift=1, drop_remainder=True)
>>> [[int(x) for x in w] for w in ds]
[[0, 1], [1, 2], [2, 3], [3, 4]]
>>> ds.flat_map(lambda w: w.batch(2)).cardinality().numpy(), len(ds)
(np.int64(-2), 4)
"""

from __future__ import annotations

import collections
from typing import Any, Callable, Deque, Dict, Iterator, List, Optional, Sequence

import numpy as np
import torch

from tftape_torch import errors
from tftape_torch._data_elements import (
    Element,
    TensorSpec,
    call_on,
    dtype_text,
    flatten_up_to,
    shape_list,
    to_tensor,
)
from tftape_torch._device import current_device
from tftape_torch._structure import flatten, map_structure, pack_like
from tftape_torch._tensor import as_eager

__all__ = ["DatasetSpec", "WindowTransformations"]

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class DatasetSpec:
    """The spec of an element that is a dataset (`tf.data.DatasetSpec`).

    >>> import torch
    >>> DatasetSpec(TensorSpec((), torch.int64))
    DatasetSpec(TensorSpec(shape=(), dtype=tf.int64, name=None), TensorShape([]))
    """

    def __init__(self, element_spec: Any, dataset_shape: Sequence[int] = ()) -> None:
        self.element_spec = element_spec
        self.dataset_shape = tuple(dataset_shape)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, DatasetSpec) and self.element_spec == other.element_spec
                and self.dataset_shape == other.dataset_shape)

    def __hash__(self) -> int:
        return hash((DatasetSpec, self.dataset_shape))

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec!r}, TensorShape({list(self.dataset_shape)}))"


def _positive(value: Any, what: str) -> int:
    if isinstance(value, torch.Tensor):
        _int64_scalar(value, what)  # TF converts `size`, `shift`, `stride` to int64
    number = int(to_tensor(value)) if not isinstance(value, int) else value
    if number <= 0:
        raise errors.InvalidArgumentError(
            None, None, f"Window {what} must be greater than zero. [Op:WindowDataset]")
    return number


class WindowTransformations:
    """`window`, `group_by_window` and `bucket_by_sequence_length` of `Dataset`.

    The datasets they make are of the class of the dataset they start from; the
    class provides `_factory` (the elements), `_cardinality`, `element_spec`, `batch`
    and `padded_batch`.
    """

    _factory: Callable[[], Iterator[Element]]
    _cardinality: int
    element_spec: Any

    def _made(self, factory: Callable[[], Iterator[Element]], cardinality: int,
              spec: Optional[Callable[[], Any]], tf_name: str) -> Any:
        return type(self)(factory, cardinality, spec, tf_name)  # type: ignore[call-arg]

    def _elements(self) -> Iterator[Element]:
        return self._factory()

    def _window_of(self, elements: List[Element]) -> Any:
        """The window holding `elements`: a dataset per component, in their structure."""
        specs = flatten(self.element_spec)
        columns = [[flatten(element)[i] for element in elements] for i in range(len(specs))]
        datasets = [self._held(column, spec) for column, spec in zip(columns, specs)]
        return pack_like(self.element_spec, datasets)

    def _held(self, elements: List[Element], spec: Any) -> Any:
        """A dataset of `elements` (held in memory) whose element spec is `spec`."""
        return self._made(lambda: iter(elements), len(elements), lambda: spec,
                          "_VariantDataset")

    def window(self, size: Any, shift: Any = None, stride: Any = 1,
               drop_remainder: bool = False, name: Optional[str] = None) -> Any:
        """Windows of `size` elements (each a dataset, or a structure of datasets for
        structured elements), starting every `shift` elements (default `size`) and
        taking every `stride`-th element; the last windows may be shorter unless
        `drop_remainder`.

        Raises:
          InvalidArgumentError: for a `size`, `shift` or `stride` that is not positive.
        """
        size = _positive(size, "size")
        shift = size if shift is None else _positive(shift, "shift")
        stride = _positive(stride, "stride")
        span = (size - 1) * stride + 1  # input elements one window covers
        source, drop = self, bool(drop_remainder)

        def factory() -> Iterator[Any]:
            buffer: Deque[Element] = collections.deque()  # from the next window's start
            elements, exhausted = source._elements(), False
            while True:
                while not exhausted and len(buffer) < span:
                    try:
                        buffer.append(next(elements))
                    except StopIteration:
                        exhausted = True
                if not buffer or (drop and len(buffer) < span):
                    return
                yield source._window_of(list(buffer)[::stride][:size])
                for _ in range(shift):
                    if not buffer:
                        # a shift past the buffer skips input elements
                        if exhausted or next(elements, None) is None:
                            exhausted = True
                        continue
                    buffer.popleft()

        count = self._cardinality
        if count >= 0:
            count = (max(0, (count - span) // shift + 1) if drop
                     else (count + shift - 1) // shift)
        return self._made(factory, count, lambda: map_structure(DatasetSpec, self.element_spec),
                          "_WindowDataset")

    def group_by_window(self, key_func: Callable[..., Any], reduce_func: Callable[..., Any],
                        window_size: Any = None, window_size_func: Optional[Callable[..., Any]]
                        = None, name: Optional[str] = None) -> Any:
        """Groups elements by the int64 key `key_func` gives them; each group that
        reaches its window size (`window_size`, or `window_size_func(key)`) is passed
        as a dataset to `reduce_func(key, window)`, whose dataset's elements are the
        output. Groups left at the end of the input follow, in increasing key order.

        Raises:
          ValueError: unless exactly one of `window_size` and `window_size_func` is
            given, or for a key that is not an int64 scalar.
        """
        if (window_size is not None and window_size_func) or not (
                window_size is not None or window_size_func):
            raise ValueError("Either the `window_size` argument or the `window_size_func` "
                             "argument must be specified.")
        source, device = self, current_device()  # keys live where the dataset was made

        def key_of(element: Element) -> int:
            return _int64_scalar(call_on(key_func, element), "key_func")

        def size_of(key: int) -> int:
            size = (int(window_size) if window_size_func is None
                    else _int64_scalar(window_size_func(_int64(key, device)), "window_size_func"))
            if size <= 0:
                raise errors.InvalidArgumentError(
                    None, None, f"Window size must be greater than zero, but got {size}.")
            return size

        def reduced(key: int, group: List[Element]) -> Any:
            try:
                out = reduce_func(_int64(key, device), source._held(group, source.element_spec))
            except errors.OpError as error:  # TF: an error running the reduce function
                raise errors.InternalError(None, None, error.message) from error
            if not isinstance(out, WindowTransformations):
                raise TypeError("Invalid `reduce_func`. `reduce_func` must return a single "
                                f"`tf.data.Dataset` object but its return type is {out!r}.")
            return out

        def spec() -> Any:
            # TF's: that of `reduce_func`'s dataset for a window (here: of the first
            # element), not read off the (differently long) batches it makes
            first = next(source._elements(), None)
            return None if first is None else reduced(key_of(first), [first]).element_spec

        def factory() -> Iterator[Element]:
            groups: Dict[int, List[Element]] = {}
            for element in source._elements():
                key = key_of(element)
                group = groups.setdefault(key, [])
                group.append(element)
                if len(group) >= size_of(key):
                    del groups[key]
                    yield from reduced(key, group)._elements()
            for key in sorted(groups):
                yield from reduced(key, groups[key])._elements()

        return self._made(factory, UNKNOWN_CARDINALITY, spec, "_GroupByWindowDataset")

    def bucket_by_sequence_length(
        self,
        element_length_func: Callable[..., Any],
        bucket_boundaries: Sequence[int],
        bucket_batch_sizes: Sequence[int],
        padded_shapes: Any = None,
        padding_values: Any = None,
        pad_to_bucket_boundary: bool = False,
        no_padding: bool = False,
        drop_remainder: bool = False,
        name: Optional[str] = None,
    ) -> Any:
        """Batches elements of similar length together: an element of length `n` goes
        to the bucket `i` with `bucket_boundaries[i-1] <= n < bucket_boundaries[i]`,
        whose batches hold `bucket_batch_sizes[i]` elements, padded (to the batch's
        longest, or with `pad_to_bucket_boundary` to the bucket's boundary - 1).

        Raises:
          ValueError: for `len(bucket_batch_sizes) != len(bucket_boundaries) + 1`.
          InvalidArgumentError: with `pad_to_bucket_boundary`, for an element as long as
            the last boundary or longer.
        """
        if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
            raise ValueError(
                "`len(bucket_batch_sizes)` must equal `len(bucket_boundaries) + 1` but "
                f"`len(bucket_batch_sizes)={len(bucket_batch_sizes)}` and "
                f"`len(bucket_boundaries)={len(bucket_boundaries)}`.")
        boundaries = [int(b) for b in bucket_boundaries]
        sizes = [int(b) for b in bucket_batch_sizes]
        lows = [np.iinfo(np.int32).min, *boundaries]
        highs = [*boundaries, np.iinfo(np.int32).max]

        def bucket_of(*element: Any) -> int:
            length = to_tensor(element_length_func(*element))
            if length.dtype != torch.int32:  # compared with TF's int32 bucket bounds
                raise TypeError(f"`element_length_func` must return an int32 length, not "
                                f"{dtype_text(length.dtype)}")
            return next(i for i, (lo, hi) in enumerate(zip(lows, highs)) if lo <= int(length) < hi)

        def batched(bucket: Any, window: Any) -> Any:
            size = sizes[int(bucket)]
            if no_padding:
                return window.batch(size, drop_remainder=drop_remainder)
            filler = None
            if pad_to_bucket_boundary:
                if int(bucket) >= len(sizes) - 1:
                    raise errors.InvalidArgumentError(
                        None, None, "When pad_to_bucket_boundary=True, elements must have "
                        "length < max(bucket_boundaries).")
                filler = boundaries[int(bucket)] - 1
            spec = window.element_spec
            given = ([leaf.shape for leaf in flatten(spec)] if padded_shapes is None
                     else flatten_up_to(spec, padded_shapes))
            shapes = [[filler if d is None else d for d in shape_list(shape)] for shape in given]
            return window.padded_batch(size, pack_like(spec, shapes), padding_values,
                                       drop_remainder=drop_remainder)

        grouped = self.group_by_window(bucket_of, batched,
                                       window_size_func=lambda bucket: sizes[int(bucket)])

        def spec() -> Any:
            # TF traces `batched` with a symbolic bucket: the batch size and the
            # bucket's padded length are unknown there, given `padded_shapes` known
            given = flatten(self.element_spec) if padded_shapes is None else flatten_up_to(
                self.element_spec, padded_shapes)
            leaves = [TensorSpec((None, *shape_list(leaf.shape if padded_shapes is None
                                                    else leaf)), kind.dtype)
                      for leaf, kind in zip(given, flatten(self.element_spec))]
            return pack_like(self.element_spec, leaves)

        return self._made(grouped._elements, UNKNOWN_CARDINALITY, spec,
                          "_GroupByWindowDataset")


def _int64(value: int, device: Optional[torch.device] = None) -> torch.Tensor:
    return as_eager(torch.tensor(value, dtype=torch.int64, device=device))


def _int64_scalar(value: Any, what: str) -> int:
    """`value` as TF converts a function's result to an int64 scalar."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, torch.Tensor)):
        value = to_tensor(value)
    if isinstance(value, torch.Tensor):
        if value.dtype != torch.int64:
            raise ValueError(f"Tensor conversion requested dtype int64 for Tensor with dtype "
                             f"{dtype_text(value.dtype)[3:]}: {value!r}")
        if value.dim() != 0:
            raise ValueError(f"Invalid `{what}`. `{what}` must return a single `tf.int64` "
                             f"scalar tensor but its return type is "
                             f"{TensorSpec(tuple(value.shape), value.dtype)!r}.")
        return int(value)
    return int(value)
