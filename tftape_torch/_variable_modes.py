"""How a `tf.Variable` is synchronized and aggregated across replicas:
`tf.VariableSynchronization` and `tf.VariableAggregation` (TF's
`VariableAggregationV2`), and TF's validation of a Variable's `synchronization`,
`aggregation` and `trainable` arguments.

There is one replica per process here (data parallelism is torch's DDP/FSDP), so the
modes are recorded on the Variable and read back, as Keras and distribution-aware
code expect; the one they change is `trainable`'s default: a Variable synchronized
`ON_READ` (a metric's accumulator) is not trainable unless asked.

>>> import tftape_torch as tf
>>> v = tf.Variable(0.0, synchronization=tf.VariableSynchronization.ON_READ,
...                 aggregation=tf.VariableAggregation.SUM)
>>> print(v.trainable, v.aggregation)
False VariableAggregationV2.SUM
"""

from __future__ import annotations

import enum
from typing import Any, Optional, Tuple

__all__ = ["VariableAggregation", "VariableSynchronization", "validate_modes"]


class VariableSynchronization(enum.Enum):
    """When a distributed Variable's replicas are synchronized: `AUTO` (the
    strategy's choice), `NONE`, `ON_WRITE` (on every update) or `ON_READ` (when read
    across replicas; such Variables are not trainable by default)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed Variable's updates from several replicas combine: `NONE`,
    `SUM`, `MEAN` or `ONLY_FIRST_REPLICA` (TF's `VariableAggregationV2`)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


VariableAggregation.__name__ = VariableAggregation.__qualname__ = "VariableAggregationV2"


def _mode(kind: Any, value: Any, default: Any, what: str, name: Optional[str]) -> Any:
    """`value` as a member of enum `kind` (by value too; `default` for None)."""
    if value is None:
        return default
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"Invalid variable {what} mode: {value} for variable: {name}") from None


def validate_modes(synchronization: Any, aggregation: Any, trainable: Optional[bool],
                   name: Optional[str]) -> Tuple[VariableSynchronization, VariableAggregation,
                                                 bool]:
    """TF's `validate_synchronization_aggregation_trainable`: the modes as enums (by
    value too), and `trainable` defaulting to False only for `ON_READ`.

    Raises:
      ValueError: for a mode that is none of the enum's values.
    """
    aggregation = _mode(VariableAggregation, aggregation, VariableAggregation.NONE,
                        "aggregation", name)
    synchronization = _mode(VariableSynchronization, synchronization,
                            VariableSynchronization.AUTO, "synchronization", name)
    if trainable is None:
        trainable = synchronization != VariableSynchronization.ON_READ
    return synchronization, aggregation, bool(trainable)
