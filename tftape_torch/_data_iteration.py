"""How the `tf.data` transformations that combine several streams produce their
elements: padded batches, `interleave`'s cycle, `choose_from_datasets`' selection
and the weighted sampling of `sample_from_datasets`, each in TF's order.

They work on Python iterators of elements (structures of plain tensors, see
`_data_elements`). The functions that build datasets take the `Dataset` class as
`make` (`data` imports this module, not the other way round).

>>> import torch
>>> batch = pad_and_stack([torch.tensor([1]), torch.tensor([2, 3])], torch.tensor([-1]), [None])
>>> batch.tolist()
[[1, -1], [2, 3]]
"""

from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator, List, Optional, Sequence

import torch

from tftape_torch import errors
from tftape_torch._data_elements import (
    Element,
    TensorSpec,
    as_public,
    call_on,
    common_spec,
    flatten_up_to,
    is_true,
    normalize,
    normalize_output,
    shape_list,
    spec_of,
    to_tensor,
)
from tftape_torch._dtypes import dtype_name, dtype_repr
from tftape_torch._structure import flatten, pack_like

__all__ = [
    "applied", "assert_cardinality", "check_buffer_size", "check_generator_arguments",
    "choose", "choose_from", "components", "generated",
    "inner_spec", "interleave", "method_transformation", "new_state", "pad_and_stack",
    "padded_batch", "padded_batch_element", "sample", "sample_from", "scan", "shard",
    "take_while", "unique",
]

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def pad_and_stack(parts: Sequence[torch.Tensor], value: torch.Tensor,
                  shape: Sequence[Optional[int]]) -> torch.Tensor:
    """`parts` (one component of each element of a batch) padded with `value` to
    `shape` (`None`: the batch's largest size there) and stacked.

    Raises:
      InvalidArgumentError: for a component of another rank than `shape`.
      DataLossError: for a component larger than a fixed size of `shape` (TF's class).
    """
    rank = len(shape)
    for part in parts:
        if part.dim() != rank:
            raise errors.InvalidArgumentError(
                None, None, f"All elements in a batch must have the same rank as the padded "
                f"shape for component: expected rank {rank} but got element with rank "
                f"{part.dim()}")
    target = [
        max((int(p.shape[d]) for p in parts), default=0) if size is None or size < 0 else size
        for d, size in enumerate(shape)
    ]
    fill = value.to(dtype=parts[0].dtype, device=parts[0].device)
    out = fill.expand([len(parts)] + target).clone()
    for i, part in enumerate(parts):
        if any(int(part.shape[d]) > target[d] for d in range(rank)):
            raise errors.DataLossError(  # TF's class for it
                None, None, "Attempted to pad to a smaller size than the input element.")
        out[(i,) + tuple(slice(0, int(n)) for n in part.shape)] = part
    return out


def padded_batch_element(chunk: Sequence[Element], shapes: Sequence[Any],
                         values: Sequence[torch.Tensor]) -> Element:
    """One padded batch of `chunk`, each flattened component by its shape and value."""
    columns = [flatten(element) for element in chunk]
    stacked = [pad_and_stack([column[i] for column in columns], values[i], shapes[i])
               for i in range(len(columns[0]))]
    return pack_like(chunk[0], stacked)


def interleave(inputs: Iterator[Element], open_element: Callable[[Element], Iterator[Element]],
               cycle_length: int, block_length: int) -> Iterator[Element]:
    """TF's `InterleaveDataset`: up to `cycle_length` open iterators (one per input
    element, in slots), taking `block_length` elements from each in turn; a finished
    iterator's slot takes the next input element when its turn comes."""
    slots: List[Optional[Iterator[Element]]] = [None] * cycle_length
    index, taken, open_count, input_done = 0, 0, 0, False
    while not input_done or open_count > 0:
        current = slots[index]
        if current is not None:
            item = next(current, _END)
            if item is not _END:
                taken += 1
                if taken == block_length:
                    taken, index = 0, (index + 1) % cycle_length
                yield item
                continue
            slots[index] = None
            open_count -= 1
            taken, index = 0, (index + 1) % cycle_length
        elif not input_done:
            element = next(inputs, _END)
            if element is _END:
                input_done = True
            else:
                slots[index] = open_element(element)
                open_count += 1
        else:
            taken, index = 0, (index + 1) % cycle_length


_END = object()


def choose(sources: Sequence[Iterator[Element]], choices: Iterator[int],
           stop_on_empty: bool) -> Iterator[Element]:
    """TF's `DirectedInterleave` with a choice stream: an element of `sources[c]` for
    each choice `c`; an exhausted source ends everything (`stop_on_empty`) or is
    skipped, and all sources exhausted end it.

    Raises:
      InvalidArgumentError: for a choice outside `[0, len(sources))`.
    """
    done = [False] * len(sources)
    for choice in choices:
        if not 0 <= choice < len(sources):
            raise errors.InvalidArgumentError(
                None, None, f"Selector index out of range: {choice} >= {len(sources)}")
        if done[choice]:
            continue
        item = next(sources[choice], _END)
        if item is _END:
            done[choice] = True
            if stop_on_empty or all(done):
                return
            continue
        yield item


def sample(sources: Sequence[Iterator[Element]], weights: Sequence[float],
           generator: torch.Generator, stop_on_empty: bool) -> Iterator[Element]:
    """An element of a source drawn with probability proportional to `weights`, until
    a source runs out (`stop_on_empty`) or all do (the exhausted ones drop out)."""
    live = torch.tensor([float(w) for w in weights], dtype=torch.float64)
    while bool((live > 0).any()):
        choice = int(torch.multinomial(live, 1, generator=generator).item())
        item = next(sources[choice], _END)
        if item is _END:
            if stop_on_empty:
                return
            live[choice] = 0.0
            continue
        yield item


def padded_batch(make: Any, source: Callable[[], Iterator[Element]], card: int,
                 element_spec: Any, size: int, padded_shapes: Any, padding_values: Any,
                 drop_remainder: bool) -> Any:
    """`Dataset.padded_batch` of the dataset whose iterators `source` makes."""
    if size <= 0:
        raise errors.InvalidArgumentError(
            None, None, "Batch size must be greater than zero. [Op:PaddedBatchDatasetV2]")
    spec = flatten(element_spec)
    for index, leaf in enumerate(spec):
        if padded_shapes is None and leaf.dims is None:
            raise ValueError("You must provide `padded_shapes` argument because component "
                             f"{index} has unknown rank.")
    shapes: List[List[Optional[int]]] = (
        [[None] * len(leaf.shape) for leaf in spec] if padded_shapes is None
              else [shape_list(shape) for shape in
                    flatten_up_to(element_spec, padded_shapes)])
    for shape, leaf in zip(shapes, spec):
        if len(shape) != len(leaf.shape):
            raise ValueError(f"The padded shape {tuple(shape)} is not compatible with the shape "
                             f"{tuple(leaf.shape)} of the corresponding input component.")
    if padding_values is None:
        values = [torch.zeros((), dtype=leaf.dtype) for leaf in spec]
    else:
        given = flatten(normalize(padding_values))
        given = given * len(spec) if len(given) == 1 else given
        values = []
        for value, leaf in zip(given, spec):
            if value.dim() != 0:
                raise ValueError("Invalid `padding_values`. `padding_values` values should be "
                                 f"scalars, but got {tuple(value.shape)}.")
            if value.dtype != leaf.dtype:
                raise TypeError(f"Invalid `padding_values`. `padding_values` {value.tolist()} of "
                                f"type {dtype_repr(value.dtype)} does not match type "
                                f"{dtype_repr(leaf.dtype)} of the "
                                "corresponding input component.")
            values.append(value)

    def factory() -> Iterator[Element]:
        iterator = source()
        while True:
            chunk = list(itertools.islice(iterator, size))
            if not chunk or (drop_remainder and len(chunk) < size):
                return
            yield padded_batch_element(chunk, shapes, values)

    if card >= 0:
        card = card // size if drop_remainder else -(-card // size)
    first = size if drop_remainder else None
    return make(factory, card, lambda: pack_like(element_spec, [
        TensorSpec((first,) + tuple(shape), leaf.dtype) for shape, leaf in zip(shapes, spec)
    ]), "_PaddedBatchDataset")


def _compatible(specs: Sequence[Any]) -> None:
    """TF's check that datasets combined into one have one element structure and dtypes."""
    first = [(type(leaf), getattr(leaf, "dtype", None), len(getattr(leaf, "shape", ())))
             for leaf in flatten(specs[0])]
    for other in specs[1:]:
        leaves = [(type(leaf), getattr(leaf, "dtype", None), len(getattr(leaf, "shape", ())))
                  for leaf in flatten(other)]
        if leaves != first or type(other) is not type(specs[0]):
            raise TypeError("Invalid `datasets`. `datasets` must have compatible element specs. "
                            f"Received {specs[0]!r} and {other!r}.")


def _combined_cardinality(cards: Sequence[int]) -> int:
    """Unknown, or infinite when an input is (TF's `DirectedInterleave`)."""
    return INFINITE_CARDINALITY if INFINITE_CARDINALITY in cards else UNKNOWN_CARDINALITY


def choose_from(make: Any, sources: Sequence[Callable[[], Iterator[Element]]],
                specs: Sequence[Any], cards: Sequence[int],
                choice_source: Callable[[], Iterator[Element]], choice_spec: Any,
                stop_on_empty: bool) -> Any:
    """`Dataset.choose_from_datasets` of the datasets whose iterators `sources` make."""
    if not sources:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    if choice_spec != TensorSpec((), torch.int64):
        raise TypeError("Invalid `choice_dataset`. Elements of `choice_dataset` must be "
                        f"scalar `tf.int64` tensors but are {choice_spec!r}.")
    _compatible(specs)

    def factory() -> Iterator[Element]:
        choices = (int(c.item()) for c in choice_source())
        return choose([make_one() for make_one in sources], choices, stop_on_empty)

    return make(factory, _combined_cardinality(cards), lambda: specs[0],
                "_DirectedInterleaveDataset")


def sample_from(make: Any, sources: Sequence[Callable[[], Iterator[Element]]],
                specs: Sequence[Any], cards: Sequence[int], weights: Any, seed: Optional[int],
                stop_on_empty: bool) -> Any:
    """`Dataset.sample_from_datasets` of the datasets whose iterators `sources` make
    (the cases TF hands back a single dataset for are `Dataset`'s)."""
    if not sources:
        raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
    _compatible(specs)
    if weights is None:
        shares = [1.0] * len(sources)
    else:
        tensor = normalize(weights)
        if not tensor.is_floating_point():
            raise TypeError("Invalid `weights`. `weights` type must be either `tf.float32` or "
                            f"`tf.float64` but is {dtype_repr(tensor.dtype)}.")
        shares = [float(w) for w in tensor.reshape(-1).tolist()]
    if len(shares) != len(sources):
        raise ValueError("Invalid `weights`. The shape of `weights` should be compatible with "
                         f"`[len(datasets)]` but is {[len(shares)]}.")

    def factory() -> Iterator[Element]:
        generator = torch.Generator()
        if seed is None:
            generator.seed()  # its own entropy; `torch.seed()` would reseed torch's global
        else:
            generator.manual_seed(seed)
        return sample([make_one() for make_one in sources], shares, generator, stop_on_empty)

    return make(factory, _combined_cardinality(cards), lambda: specs[0],
                "_DirectedInterleaveDataset")


def assert_cardinality(make: Any, source: Callable[[], Iterator[Element]],
                       spec: Callable[[], Any], expected: int) -> Any:
    """The dataset `source` iterates, failing unless it has `expected` elements."""

    def factory() -> Iterator[Element]:
        count = 0
        for element in source():
            count += 1
            if 0 <= expected < count:
                raise errors.FailedPreconditionError(
                    None, None, f"Input dataset was expected to contain {expected} elements "
                    f"but contained at least {count} elements.")
            yield element
        if count < expected or expected < 0:
            wanted = "an infinite number of" if expected < 0 else str(expected)
            raise errors.FailedPreconditionError(
                None, None, f"Input dataset was expected to contain {wanted} elements but "
                f"contained only {count} elements.")

    return make(factory, expected, spec, "_AssertCardinalityDataset")


def unique(make: Any, source: Callable[[], Iterator[Element]], spec: Any) -> Any:
    """`Dataset.unique`: distinct int32/int64 elements in order of first appearance."""
    if not isinstance(spec, TensorSpec):
        raise errors.InvalidArgumentError(
            None, None, "UniqueDataset only supports inputs with a single component.")
    if spec.dtype not in (torch.int32, torch.int64):
        raise TypeError(f"`tf.data.Dataset.unique` does not support type <dtype: "
                        f"'{dtype_name(spec.dtype)}'> -- only `tf.int32`, "
                        "`tf.int64`, and `tf.string` are supported.")

    def factory() -> Iterator[Element]:
        seen = set()
        for element in source():
            key = tuple(element.reshape(-1).tolist())
            if key not in seen:
                seen.add(key)
                yield element

    return make(factory, UNKNOWN_CARDINALITY, lambda: spec, "_UniqueDataset")


def scan(make: Any, source: Callable[[], Iterator[Element]], card: int, initial_state: Any,
         scan_func: Callable[..., Any]) -> Any:
    """`Dataset.scan(initial_state, scan_func)` of the dataset `source` iterates.

    Raises:
      TypeError: when `scan_func`'s new state differs in dtype from the initial one
        (checked on the first element, as TF's tracing checks it).
    """
    start = normalize_output(initial_state)
    first = next(source(), None)
    if first is not None:
        state, _ = scan_func(as_public(start), as_public(first))
        for old, new in zip(flatten(start), flatten(normalize_output(state))):
            if old.dtype != new.dtype:
                raise TypeError("Invalid `scan_func`. The element types for the new state must "
                                f"match the initial state. Expected <dtype: "
                                f"'{dtype_name(old.dtype)}'>, got <dtype: "
                                f"'{dtype_name(new.dtype)}'>.")

    def factory() -> Iterator[Element]:
        state = normalize_output(initial_state)
        for element in source():
            state, out = scan_func(as_public(state), as_public(element))
            state = normalize_output(state)
            yield normalize_output(out)

    return make(factory, card, None, "_ScanDataset")


def shard(make: Any, source: Callable[[], Iterator[Element]], card: int,
          spec: Callable[[], Any], count: int, start: int) -> Any:
    """`Dataset.shard(count, start)` of the dataset `source` iterates."""
    if count <= 0:
        raise errors.InvalidArgumentError(
            None, None, "Number of shards must be greater than zero (currently num_shards = "
            f"{count}). [Op:ShardDataset]")
    if not 0 <= start < count:
        raise errors.InvalidArgumentError(
            None, None, f"Index must be between 0 and {count - 1} (currently index = "
            f"{start}). [Op:ShardDataset]")

    def factory() -> Iterator[Element]:
        return itertools.islice(source(), start, None, count)

    if card >= 0:
        card = card // count + (1 if start < card % count else 0)
    return make(factory, card, spec, "_ShardDataset")


def take_while(make: Any, source: Callable[[], Iterator[Element]], spec: Callable[[], Any],
               predicate: Callable[..., Any]) -> Any:
    """`Dataset.take_while(predicate)` of the dataset `source` iterates; the predicate's
    result is checked on the first element at once, as TF's tracing checks it."""
    first = next(source(), None)
    if first is not None:
        out = to_tensor(call_on(predicate, first))
        if out.dtype != torch.bool or out.dim() != 0:  # TF's message, space missing too
            raise ValueError("Invalid `predicate`. `predicate` must return a `tf.bool` scalar "
                             f"tensor but its return type is{spec_of(out)!r}.")

    def factory() -> Iterator[Element]:
        return itertools.takewhile(lambda e: is_true(call_on(predicate, e)), source())

    return make(factory, UNKNOWN_CARDINALITY, spec, "_TakeWhileDataset")


def method_transformation(method: str) -> Any:
    """`tf.data.experimental.<method>(...)`: a function for `Dataset.apply` that calls
    the dataset's `method(...)`."""

    def transformation(*args: Any, **kwargs: Any) -> Callable[[Any], Any]:
        return lambda dataset: getattr(dataset, method)(*args, **kwargs)

    transformation.__name__ = method
    return staticmethod(transformation)


def inner_spec(source: Callable[[], Iterator[Element]],
               map_func: Callable[..., Any]) -> Callable[[], Any]:
    """The element spec of `flat_map`/`interleave`: that of the datasets `map_func`
    makes of the first two elements, joined as `probed_spec` joins elements' (TF's:
    the traced function's dataset's), None for an empty input."""

    def spec() -> Any:
        specs = [getattr(call_on(map_func, element), "element_spec", None)
                 for element in itertools.islice(source(), 2)]
        try:
            return common_spec(specs[0], specs[-1]) if specs else None
        except TypeError:
            return specs[0]

    return spec


def applied(make: Any, dataset: Any, transformation_func: Callable[[Any], Any]) -> Any:
    """`dataset.apply(transformation_func)`.

    Raises:
      TypeError: when `transformation_func` returns no dataset.
    """
    out = transformation_func(dataset)
    if not isinstance(out, make):
        raise TypeError("`transformation_func` must return a `tf.data.Dataset` object. "
                        f"Got {type(out)}.")
    return out


def new_state(state: Any, new: Any) -> Any:
    """`reduce`'s `new` state, checked against the old `state` as TF's tracing does.

    Raises:
      TypeError: for a new state of other dtypes.
      InvalidArgumentError: for one of another number of components (TF's, from the
        op that runs the reduce function).
    """
    old_leaves, new_leaves = flatten(state), flatten(new)
    if len(old_leaves) != len(new_leaves):
        raise errors.InvalidArgumentError(
            None, None, "The number of components of the initial state and the reduce "
            f"function's new state differ: {len(old_leaves)} vs. {len(new_leaves)}.")
    for old, leaf in zip(old_leaves, new_leaves):
        if old.dtype != leaf.dtype:
            raise TypeError("The element types for the new state must match the initial "
                            f"state. Expected <dtype: '{dtype_name(old.dtype)}'> but got "
                            f"<dtype: '{dtype_name(leaf.dtype)}'>.")
    return new


def check_buffer_size(buffer_size: Any) -> None:
    """`prefetch`'s check of its `buffer_size`.

    Raises:
      InvalidArgumentError: for a `buffer_size` below -1 (`AUTOTUNE`).
    """
    if int(buffer_size) < -1:
        raise errors.InvalidArgumentError(
            None, None, "buffer_size must be >= 0 or set buffer_size to be -1 for "
            "auto-tuning. [Op:PrefetchDataset]")


def check_generator_arguments(output_types: Any, output_shapes: Any, output_signature: Any
                              ) -> None:
    """`from_generator`'s checks of how its element structure is declared.

    Raises:
      TypeError: for `output_signature` with `output_types` or `output_shapes`.
    """
    if output_signature is None:
        return
    for what, value in (("output_types", output_types), ("output_shapes", output_shapes)):
        if value is not None:
            raise TypeError(f"The `{what}` argument can not be used together with the "
                            "`output_signature` argument.")


#: The `OpError` classes TF's `py_func` turns a generator's Python exceptions into
#: (`UnknownError` for the others).
_PY_FUNC_ERRORS = (((ValueError, TypeError), errors.InvalidArgumentError),
                   ((NotImplementedError,), errors.UnimplementedError),
                   ((MemoryError,), errors.ResourceExhaustedError))


def generated(start: Callable[[], Any], convert: Callable[[Any], Element]) -> Iterator[Element]:
    """The elements of the iterable `start()` makes, each through `convert`: what
    `from_generator` yields.

    NOTE: TF runs the generator in a `py_func`, so what it raises (or `convert` raises
    for the value it gave) arrives as an `OpError`: `InvalidArgumentError` for a
    `ValueError` or `TypeError`, `UnknownError` for most others.

    >>> list(generated(lambda: iter([1]), lambda v: v + 1))
    [2]
    """
    try:
        iterator = iter(start())
        while True:
            try:
                value = next(iterator)
            except StopIteration:
                return
            element = convert(value)
            yield element
    except (errors.OpError, GeneratorExit):
        raise
    except Exception as error:
        kind = next((kind for types, kind in _PY_FUNC_ERRORS if isinstance(error, types)),
                    errors.UnknownError)
        raise kind(None, None, f"{type(error).__name__}: {error}") from error


def components(value: Any, op: str) -> Any:
    """`value` as an element (see `normalize`), which must have a component.

    Raises:
      InvalidArgumentError: TF's, for a structure without tensors (`()`, `None`).
    """
    data = None if value is None else normalize(value)
    if data is None or not flatten(data):
        raise errors.InvalidArgumentError(
            None, None, "Length for attr 'Toutput_types' of 0 must be at least minimum 1\n\t; "
            f"NodeDef: {{{{node {op}}}}}")
    return data
