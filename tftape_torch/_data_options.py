"""`tf.data.Options` and the option groups TF code sets on pipelines (determinism,
auto-sharding, threading, autotuning, optimizations).

Here a pipeline runs in memory, in order, on the calling thread, so the options are
kept and reported (`dataset.options()`) but change nothing: the elements come out
in TF's deterministic order whatever `deterministic` says.

>>> import tftape_torch as tf
>>> options = tf.data.Options()
>>> options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
>>> ds = tf.data.Dataset.range(3).with_options(options)
>>> ds.options().experimental_distribute.auto_shard_policy
<AutoShardPolicy.DATA: 2>
"""

from __future__ import annotations

import copy
import enum
from typing import Any, Dict, Tuple

__all__ = [
    "AutoShardPolicy", "AutotuneOptions", "DistributeOptions", "OptimizationOptions",
    "Options", "ThreadingOptions",
]


_BOOLEAN = frozenset({"deterministic", "enabled", "apply_default_optimizations",
                      "experimental_slack", "experimental_symbolic_checkpoint",
                      "experimental_warm_start"})


class AutoShardPolicy(enum.IntEnum):
    """How a distributed dataset is split among workers (TF's values)."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class _OptionGroup:
    """Attributes with defaults; setting an unknown one is TF's AttributeError."""

    _defaults: Dict[str, Any] = {}

    def __init__(self) -> None:
        for name, value in self._defaults.items():
            object.__setattr__(self, name, copy.copy(value))

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._defaults:
            raise AttributeError(
                f"Cannot set the property {name} on {type(self).__name__}.")
        default = self._defaults[name]
        if value is not None and default is None and name in _BOOLEAN and not isinstance(
                value, bool):
            raise TypeError(f"Property `{name}` must be of type bool, got {value!r}.")
        object.__setattr__(self, name, value)

    def _items(self) -> Tuple[Tuple[str, Any], ...]:
        return tuple((name, getattr(self, name)) for name in self._defaults)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _OptionGroup) and self._items() == other._items()

    def __hash__(self) -> int:
        return hash(self._items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._items())})"


class AutotuneOptions(_OptionGroup):
    _defaults = {"enabled": None, "cpu_budget": None, "ram_budget": None,
                 "autotune_algorithm": None, "initial_parallelism": None,
                 "min_parallelism": None}


class DistributeOptions(_OptionGroup):
    _defaults = {"auto_shard_policy": AutoShardPolicy.AUTO, "num_devices": None}


class OptimizationOptions(_OptionGroup):
    _defaults = {name: None for name in (
        "apply_default_optimizations", "filter_fusion", "filter_parallelization",
        "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion", "map_fusion",
        "map_parallelization", "noop_elimination", "parallel_batch", "seq_interleave_prefetch",
        "shuffle_and_repeat_fusion")}


class ThreadingOptions(_OptionGroup):
    _defaults = {"max_intra_op_parallelism": None, "private_threadpool_size": None}


class Options(_OptionGroup):
    """Options for a `tf.data` pipeline (see the module); `Dataset.with_options`
    attaches them, `Dataset.options()` reads them back.

    >>> import tftape_torch as tf
    >>> print(tf.data.Options().deterministic)
    None
    """

    _defaults = {
        "autotune": AutotuneOptions(), "dataset_name": None, "deterministic": None,
        "experimental_distribute": DistributeOptions(),
        "experimental_external_state_policy": None,
        "experimental_optimization": OptimizationOptions(), "experimental_slack": None,
        "experimental_symbolic_checkpoint": None, "experimental_warm_start": None,
        "framework_type": None, "threading": ThreadingOptions(),
    }

    def merge(self, options: Options) -> Options:
        """These options overridden by every option `options` sets (not default)."""
        merged = copy.deepcopy(self)
        fresh = Options()
        for name, value in options._items():
            if isinstance(value, _OptionGroup):
                group = getattr(merged, name)
                for key, item in value._items():
                    if item != getattr(getattr(fresh, name), key):
                        setattr(group, key, item)
            elif value != getattr(fresh, name):
                setattr(merged, name, value)
        return merged
