"""TF's distribution strategies with one replica: the default strategy,
`OneDeviceStrategy` and `MirroredStrategy`, the replica context, and the losses
scaled by the number of replicas (`tf.nn.compute_average_loss`).

TF code written for `tf.distribute` (a custom training loop under
`strategy.scope()`, steps through `strategy.run`, `strategy.reduce` of their losses)
runs unchanged, as TF runs it with one replica: `run` calls the step once, on the
strategy's device, with the whole batch; `reduce` of one replica's value is the value
(reduced along `axis` if given); a distributed dataset is the dataset.

`MirroredStrategy` over several GPUs would run one replica per GPU in TF. Here it
runs one replica on its first device: with losses scaled by the global batch size
(`compute_average_loss`, as TF's guides do) the updates are the ones N replicas would
make. For several GPUs or processes, use `torch.nn.parallel.DistributedDataParallel`
with tapes (`_data_parallel`) and `tf.distribute.all_reduce_gradients`.

# NOTE: [Replica context]
# TF keeps, per thread, which strategy is current and whether code runs in a
# replica (inside `strategy.run`) or in the cross-replica context (inside
# `strategy.scope()`, outside `run`). Outside every scope, code runs in the default
# strategy's replica context, unless `experimental_set_strategy` made a strategy
# current: then it is that strategy's cross-replica context. The default strategy's
# own `scope()` changes nothing. `_state.THREAD.strategies` holds (strategy,
# in_replica) pairs and `_state.THREAD.set_strategy` the set one; `_current` reads
# them. A scope or `run` of another strategy inside a scope is TF's RuntimeError.

>>> import tftape_torch as tf
>>> strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
>>> with strategy.scope():
...     v = tf.Variable(2.0)
>>> print(strategy.run(lambda x: v * x, args=(tf.constant(3.0),)))
tf.Tensor(6.0, shape=(), dtype=float32)
"""

from __future__ import annotations

import contextlib
import enum
import warnings
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import torch

from tftape_torch import _state, _structure
from tftape_torch._array_ops import cast, constant, convert_to_tensor, shape
from tftape_torch._device import device, parse_device
from tftape_torch._elementwise_ops import truediv
from tftape_torch._math_ops import reduce_sum
from tftape_torch._op_call import as_tensor
from tftape_torch._special_ops import divide_no_nan
from tftape_torch._tensor import EagerTensor
from tftape_torch.data import Dataset
from tftape_torch.debugging import assert_integer, assert_non_negative, assert_scalar

__all__ = [
    "CrossDeviceOps", "HierarchicalCopyAllReduce", "InputContext", "MirroredStrategy",
    "NcclAllReduce", "OneDeviceStrategy", "ReduceOp", "ReductionToOneDevice",
    "ReplicaContext", "Strategy", "StrategyExtended", "compute_average_loss",
    "experimental_set_strategy", "get_replica_context", "get_strategy", "has_strategy",
    "in_cross_replica_context", "scale_regularization_loss",
]


class ReduceOp(enum.Enum):
    """How values of the replicas combine: `SUM` or `MEAN`.

    >>> import tftape_torch as tf
    >>> tf.distribute.ReduceOp("SUM") is tf.distribute.ReduceOp.SUM
    True
    """

    SUM = "SUM"
    MEAN = "MEAN"


def _reduce_op(reduce_op: Any) -> ReduceOp:
    if isinstance(reduce_op, ReduceOp):
        return reduce_op
    if isinstance(reduce_op, str):
        return ReduceOp(reduce_op.upper())
    raise ValueError(f"Invalid reduce_op: {reduce_op!r}; expected tf.distribute.ReduceOp "
                     "or 'SUM' / 'MEAN'")


class InputContext:
    """What a `dataset_fn` of `distribute_datasets_from_function` is told: one input
    pipeline, for one replica.

    >>> import tftape_torch as tf
    >>> tf.distribute.InputContext().get_per_replica_batch_size(8)
    8
    """

    def __init__(self, num_input_pipelines: int = 1, input_pipeline_id: int = 0,
                 num_replicas_in_sync: int = 1) -> None:
        self.num_input_pipelines = num_input_pipelines
        self.input_pipeline_id = input_pipeline_id
        self.num_replicas_in_sync = num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size: int) -> int:
        """`global_batch_size` split evenly among the replicas.

        Raises:
          ValueError: if the replicas do not divide `global_batch_size`.
        """
        if global_batch_size % self.num_replicas_in_sync != 0:
            raise ValueError(
                f"The `global_batch_size` {global_batch_size} is not divisible by "
                f"`num_replicas_in_sync` {self.num_replicas_in_sync}")
        return global_batch_size // self.num_replicas_in_sync


class CrossDeviceOps:
    """How a `MirroredStrategy` reduces across devices; with one replica, a reduction
    returns its value."""

    def reduce(self, reduce_op: Any, per_replica_value: Any, destinations: Any = None,
               options: Any = None) -> Any:
        _reduce_op(reduce_op)
        return per_replica_value

    def batch_reduce(self, reduce_op: Any, value_destination_pairs: Sequence[Any],
                     options: Any = None) -> List[Any]:
        _reduce_op(reduce_op)
        return [value for value, _ in value_destination_pairs]


class NcclAllReduce(CrossDeviceOps):
    """NCCL all-reduce (accepted for `MirroredStrategy(cross_device_ops=...)`)."""

    def __init__(self, num_packs: int = 1) -> None:
        self.num_packs = num_packs


class HierarchicalCopyAllReduce(CrossDeviceOps):
    """Hierarchical copy all-reduce (accepted for `MirroredStrategy`)."""

    def __init__(self, num_packs: int = 1) -> None:
        self.num_packs = num_packs


class ReductionToOneDevice(CrossDeviceOps):
    """Reduction on one device (accepted for `MirroredStrategy`)."""

    def __init__(self, reduce_to_device: Optional[str] = None,
                 accumulation_fn: Optional[Callable[..., Any]] = None) -> None:
        self.reduce_to_device = reduce_to_device
        self.accumulation_fn = accumulation_fn


class StrategyExtended:
    """A strategy's details: the devices its replicas and variables live on."""

    def __init__(self, strategy: Strategy) -> None:
        self._strategy = strategy

    @property
    def worker_devices(self) -> Tuple[str, ...]:
        return (self._strategy._device_name or "/cpu:0",)

    @property
    def parameter_devices(self) -> Tuple[str, ...]:
        return (self._strategy._device_name or "/cpu:0",)

    def variable_created_in_scope(self, v: Any) -> bool:
        return True


class ReplicaContext:
    """The replica running `strategy.run`'s function (or, outside every strategy, the
    default strategy's only replica).

    >>> import tftape_torch as tf
    >>> tf.distribute.get_replica_context().num_replicas_in_sync
    1
    """

    def __init__(self, strategy: Strategy, default: bool = False) -> None:
        self._strategy = strategy
        self._default = default

    @property
    def strategy(self) -> Strategy:
        return self._strategy

    @property
    def num_replicas_in_sync(self) -> int:
        return 1

    @property
    def replica_id_in_sync_group(self) -> Any:
        """0: a Python int in the default replica context, a tensor in `run`, as TF's."""
        return 0 if self._default else constant(0)

    def all_reduce(self, reduce_op: Any, value: Any, options: Any = None) -> Any:
        """`value` reduced across the replicas: with one replica, `value` (as tensors)."""
        _reduce_op(reduce_op)
        return _structure.map_structure(as_tensor, value)

    def all_gather(self, value: Any, axis: int, options: Any = None) -> Any:
        return _structure.map_structure(as_tensor, value)

    def merge_call(self, merge_fn: Callable[..., Any], args: Sequence[Any] = (),
                   kwargs: Optional[Dict[str, Any]] = None) -> Any:
        """Runs `merge_fn(strategy, *args, **kwargs)` in the cross-replica context."""
        _state.push_strategy(self._strategy, False)
        try:
            return merge_fn(self._strategy, *args, **(kwargs or {}))
        finally:
            _state.pop_strategy()


class Strategy:
    """A distribution strategy with one replica on one device (see the module)."""

    def __init__(self, device_name: Optional[str] = None) -> None:
        self._device_name = device_name
        self._extended = StrategyExtended(self)

    @property
    def num_replicas_in_sync(self) -> int:
        return 1

    @property
    def extended(self) -> StrategyExtended:
        return self._extended

    def _placement(self) -> Any:
        return device(self._device_name) if self._device_name else contextlib.nullcontext()

    def _enter(self, in_replica: bool) -> None:
        current = _current()[0]
        if in_replica and _in_run():
            raise RuntimeError("`run` was called inside `run` of the same strategy: call it "
                               "from the cross-replica context")
        if current is not _DEFAULT and current is not self:
            raise RuntimeError(
                "Mixing different tf.distribute.Strategy objects: "
                f"{type(self).__name__} inside the scope of {type(current).__name__}")
        _state.push_strategy(self, in_replica)

    @contextlib.contextmanager
    def scope(self) -> Iterator[Strategy]:
        """Variables (and Keras models) made inside belong to this strategy; code
        inside runs in its cross-replica context (NOTE: [Replica context]).

        Raises:
          RuntimeError: inside the scope of another strategy.
        """
        self._enter(False)
        try:
            with self._placement():
                yield self
        finally:
            _state.pop_strategy()

    def run(self, fn: Callable[..., Any], args: Any = (),
            kwargs: Optional[Dict[str, Any]] = None, options: Any = None) -> Any:
        """`fn(*args, **kwargs)` on each replica (here: once, on the strategy's device,
        in its replica context).

        Raises:
          TypeError: for a `fn` that is not callable.
          ValueError: for `args` that are not a list or tuple.
          RuntimeError: inside `run`, or inside another strategy's scope.
        """
        if not callable(fn):
            raise TypeError(f"`fn` must be callable; got {fn!r}")
        if not isinstance(args, (list, tuple)):
            raise ValueError(f"`args` must be a list or tuple; got {type(args).__name__}")
        args, kwargs = self._on_replica_device((tuple(args), kwargs or {}))
        self._enter(True)
        try:
            with self._placement():
                return fn(*args, **kwargs)
        finally:
            _state.pop_strategy()

    def _on_replica_device(self, value: Any) -> Any:
        """`value` with its tensors copied to the replica's device, as TF's `run`
        gives each replica its inputs (torch ops do not copy across devices)."""
        target = parse_device(self._device_name) if self._device_name else None
        if target is None:
            return value

        def place(leaf: Any) -> Any:
            if type(leaf) in (torch.Tensor, EagerTensor) and leaf.device != target:
                return leaf.to(target)
            return leaf

        return _structure.map_structure(place, value)

    def reduce(self, reduce_op: Any, value: Any, axis: Optional[int] = None) -> Any:
        """`value` reduced across the replicas, and along `axis` if given: with one
        replica, `value` itself (as it is, a Python value included), or its sum or mean
        along `axis` (the mean divides as `/` does: integers give float64).

        Raises:
          ValueError: for an unknown `reduce_op`, or an `axis` out of range.
          RuntimeError: inside `run`.
        """
        op = _reduce_op(reduce_op)
        if _in_run():
            raise RuntimeError("`reduce` must be called in the cross-replica context, not "
                               "inside `run`")
        if axis is None:
            return value

        def one(item: Any) -> Any:
            t = as_tensor(item)
            if not -t.dim() <= axis < t.dim():
                raise ValueError(f"axis {axis} is out of range for a value of shape "
                                 f"{list(t.shape)}")
            total = reduce_sum(t, axis)
            return total if op is ReduceOp.SUM else truediv(total, t.shape[axis])

        return _structure.map_structure(one, value)

    def experimental_local_results(self, value: Any) -> Tuple[Any, ...]:
        """The values of the replicas on this worker: a tuple of one."""
        return (value,)

    def gather(self, value: Any, axis: int) -> Any:
        """The replicas' values concatenated along `axis`: with one replica, the value."""
        return _structure.map_structure(as_tensor, value)

    def experimental_distribute_dataset(self, dataset: Any, options: Any = None) -> Any:
        """The dataset each replica reads: with one replica, all of `dataset`.

        Raises:
          AttributeError: for a `dataset` that is not a `tf.data.Dataset` (the default
            strategy passes anything through, as TF's).
        """
        if not isinstance(dataset, Dataset) and not isinstance(self, _DefaultStrategy):
            raise AttributeError(f"'{type(dataset).__name__}' object has no attribute 'options'")
        return dataset

    def distribute_datasets_from_function(self, dataset_fn: Callable[[InputContext], Any],
                                          options: Any = None) -> Any:
        """`dataset_fn(input_context)` for the one input pipeline."""
        return dataset_fn(InputContext())

    def experimental_distribute_values_from_function(self, value_fn: Callable[..., Any]
                                                     ) -> Any:
        """`value_fn(context)` for the one replica (`context.replica_id_in_sync_group` 0)."""
        return value_fn(_ValueContext())


class _ValueContext:
    replica_id_in_sync_group = 0
    num_replicas_in_sync = 1


class _DefaultStrategy(Strategy):
    """The strategy in effect outside every `strategy.scope()`: no placement, and a
    `scope()` that changes nothing (NOTE: [Replica context])."""

    @contextlib.contextmanager
    def scope(self) -> Iterator[Strategy]:
        yield self


class OneDeviceStrategy(Strategy):
    """A strategy that places variables and runs its one replica on `device`.

    >>> import tftape_torch as tf
    >>> s = tf.distribute.OneDeviceStrategy("/cpu:0")
    >>> print(s.reduce("MEAN", tf.constant([1.0, 3.0]), axis=0))
    tf.Tensor(2.0, shape=(), dtype=float32)

    Raises:
      ValueError: for a `device` string TF cannot parse.
    """

    def __init__(self, device: str) -> None:
        parse_device(device)
        super().__init__(device)


class MirroredStrategy(Strategy):
    """Synchronous training on the devices of this machine, as one replica on the
    first of `devices` (default: the first GPU, else the CPU); see the module.

    >>> import tftape_torch as tf
    >>> tf.distribute.MirroredStrategy().num_replicas_in_sync
    1
    """

    def __init__(self, devices: Optional[Sequence[str]] = None,
                 cross_device_ops: Optional[CrossDeviceOps] = None) -> None:
        if devices is None:
            devices = ["/gpu:0"] if torch.cuda.is_available() else ["/cpu:0"]
        devices = list(devices)
        for name in devices:
            parse_device(name)
        if len(devices) > 1:
            warnings.warn(
                f"MirroredStrategy runs one replica, on {devices[0]}, not one per device "
                f"of {devices}: use DistributedDataParallel for several devices",
                stacklevel=2)
        super().__init__(devices[0])
        self.cross_device_ops = cross_device_ops

    def reduce(self, reduce_op: Any, value: Any, axis: Optional[int] = None) -> Any:
        """As `Strategy.reduce`; a `SUM` of values that are not the replicas' (Python
        numbers, lists) comes back as tensors, as TF's `MirroredStrategy` gives them."""
        out = super().reduce(reduce_op, value, axis)
        if axis is None and _reduce_op(reduce_op) is ReduceOp.SUM:
            out = _structure.map_structure(convert_to_tensor, out)
        return out


_DEFAULT = _DefaultStrategy()


def _current() -> Tuple[Strategy, bool]:
    """The current strategy, and whether code runs in one of its replicas."""
    stack = _state.THREAD.strategies
    if stack:
        return stack[-1]
    chosen = _state.THREAD.set_strategy
    return (chosen, False) if chosen is not None else (_DEFAULT, True)


def _in_run() -> bool:
    """Whether code runs inside some strategy's `run`."""
    stack = _state.THREAD.strategies
    return bool(stack) and stack[-1][1]


def get_strategy() -> Strategy:
    """The current strategy: the innermost `strategy.scope()`'s (or `run`'s), else
    the one `experimental_set_strategy` set, else the default one.

    >>> import tftape_torch as tf
    >>> tf.distribute.get_strategy().num_replicas_in_sync
    1
    """
    return _current()[0]


def has_strategy() -> bool:
    """Whether some strategy other than the default one is current."""
    return _current()[0] is not _DEFAULT


def in_cross_replica_context() -> bool:
    """Whether code runs in a strategy's scope outside its `run` (NOTE: [Replica
    context]); False outside every strategy (the default replica context)."""
    return not _current()[1]


def get_replica_context() -> Optional[ReplicaContext]:
    """The current replica's context; `None` in a cross-replica context."""
    strategy, in_replica = _current()
    if not in_replica:
        return None
    return ReplicaContext(strategy, default=not _in_run())


def experimental_set_strategy(strategy: Optional[Strategy]) -> None:
    """Makes `strategy` current on this thread outside every scope, as if its
    `scope()` were entered for good (`None`: the default strategy again).

    Raises:
      RuntimeError: inside a strategy's scope.
    """
    if _state.THREAD.strategies:
        raise RuntimeError("Must not be called inside a `tf.distribute.Strategy` scope.")
    _state.set_strategy(None if strategy is _DEFAULT else strategy)


def _replica_only(name: str) -> None:
    if has_strategy() and in_cross_replica_context():
        raise RuntimeError(f"You are calling `{name}` in cross replica context, while it was "
                           "expected to be called in replica context.")


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None,
                         global_batch_size: Any = None) -> torch.Tensor:
    """The sum of `per_example_loss` (times `sample_weight`) over the global batch size
    (default: this replica's batch times the replicas), 0 for an empty batch.

    >>> import tftape_torch as tf
    >>> print(tf.nn.compute_average_loss(tf.constant([1.0, 2.0, 3.0]), global_batch_size=6))
    tf.Tensor(1.0, shape=(), dtype=float32)

    Raises:
      ValueError: for a scalar `per_example_loss`.
      RuntimeError: in a strategy's cross-replica context without `global_batch_size`.
      InvalidArgumentError: for a `global_batch_size` that is not a non-negative integer.
    """
    losses = as_tensor(per_example_loss)
    dtype = losses.dtype
    if losses.dim() == 0:
        raise ValueError(
            "Invalid value passed for `per_example_loss`. Expected a tensor with at least "
            f"rank 1. Received per_example_loss={losses} with rank 0")
    if sample_weight is not None:
        losses = _weighted(losses, as_tensor(sample_weight))
    losses = cast(losses, dtype)
    if global_batch_size is None:
        _replica_only("compute_average_loss")
        global_batch_size = shape(losses)[0] * get_strategy().num_replicas_in_sync
    assert_scalar(global_batch_size, message="global_batch_size must be scalar.")
    assert_integer(global_batch_size, message="global_batch_size must be an integer.")
    assert_non_negative(global_batch_size, message="global_batch_size must be non-negative.")
    return divide_no_nan(reduce_sum(losses), cast(global_batch_size, dtype))


def _weighted(losses: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """TF's `scale_losses_by_sample_weight`: both in float32, the weights' last axis
    squeezed or expanded to the losses' rank."""
    losses, weights = cast(losses, torch.float32), cast(weights, torch.float32)
    if weights.dim() != 0:
        if weights.dim() - losses.dim() == 1:
            weights = weights.squeeze(-1)
        elif losses.dim() - weights.dim() == 1:
            weights = weights.unsqueeze(-1)
    return losses * weights


def scale_regularization_loss(regularization_loss: Any) -> torch.Tensor:
    """The sum of `regularization_loss` divided by the number of replicas.

    >>> import tftape_torch as tf
    >>> print(tf.nn.scale_regularization_loss(tf.constant([1.0, 2.0])))
    tf.Tensor(3.0, shape=(), dtype=float32)

    Raises:
      RuntimeError: in a strategy's cross-replica context.
    """
    _replica_only("scale_regularization_loss")
    return reduce_sum(regularization_loss) / get_strategy().num_replicas_in_sync
