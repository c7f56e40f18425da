"""`tf.train.ExponentialMovingAverage`: shadow copies of variables that trail them.

Eagerly, as TF: the first `apply` makes each variable's average, a non-trainable
Variable holding its current value; every `apply` then moves each average toward its
variable, `average -= (average - variable) * (1 - decay)`, where `decay` is capped at
`(1 + n) / (10 + n)` when `num_updates` (`n`, read at each `apply`) is given.

>>> import tftape_torch as tf
>>> v = tf.Variable(1.0)
>>> ema = tf.train.ExponentialMovingAverage(decay=0.9)
>>> ema.apply([v])
>>> _ = v.assign(2.0)
>>> ema.apply([v])
>>> print(ema.average(v))
<tf.Variable 'Variable/ExponentialMovingAverage:0' shape=() dtype=float32, numpy=1.100000023841858>
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import torch

from tftape_torch._array_ops import cast
from tftape_torch._dtypes import FLOATING
from tftape_torch._elementwise_ops import minimum
from tftape_torch._op_call import as_tensor
from tftape_torch._variable import Variable

__all__ = ["ExponentialMovingAverage"]


def _base_name(var: Any) -> str:
    name = str(getattr(var, "name", "Variable"))
    return name[:-2] if name.endswith(":0") else name


class ExponentialMovingAverage:
    """Maintains exponential moving averages of variables (see the module).

    Args:
      decay: how much of the old average each `apply` keeps (e.g. 0.999).
      num_updates: optional count of updates so far (an int or a Variable such as an
        optimizer's `iterations`): the decay is then at most `(1 + n) / (10 + n)`, so
        early averages move faster.
      zero_debias: TF applies it to tensors only, which eager `apply` refuses: it has
        no effect on variables.
      name: the averages' name suffix.
    """

    def __init__(self, decay: Any, num_updates: Any = None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage") -> None:
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: Dict[int, Tuple[Any, Any]] = {}  # id(var): (var, average)

    @property
    def name(self) -> str:
        return self._name

    def _decay_value(self) -> torch.Tensor:
        decay = as_tensor(self._decay, torch.float32)
        if self._num_updates is not None:
            updates = cast(as_tensor(self._num_updates), torch.float32)
            decay = minimum(decay, (1.0 + updates) / (10.0 + updates))
        return decay

    def apply(self, var_list: Optional[Sequence[Any]] = None) -> None:
        """Makes averages for variables that have none (their current values), then
        moves every average in `var_list` one step toward its variable.

        Raises:
          ValueError: without `var_list` (TF's default, every trainable variable of
            the graph, has no eager counterpart).
          TypeError: for a tensor that is not a Variable, or a variable that is not
            float16, bfloat16, float32 or float64.
        """
        if var_list is None:
            raise ValueError("Pass `var_list`: there is no global collection of trainable "
                             "variables in eager mode")
        variables = list(var_list)
        for var in variables:
            if not isinstance(var, Variable):
                raise TypeError("tf.train.ExponentialMovingAverage does not support "
                                "non-Variable tensors when eager execution is enabled.")
            if var.dtype not in FLOATING:
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
        for var in variables:
            if id(var) not in self._averages:
                average = Variable(var.read_value(), trainable=False,
                                   name=f"{_base_name(var)}/{self._name}")
                self._averages[id(var)] = (var, average)
        one_minus_decay = 1.0 - self._decay_value()
        for var in variables:
            average = self._averages[id(var)][1]
            step = cast(one_minus_decay, average.dtype)
            average.assign_sub((average.read_value() - var.read_value()) * step)

    def average(self, var: Any) -> Optional[Any]:
        """The Variable holding `var`'s average, or None before `apply` saw `var`."""
        entry = self._averages.get(id(var))
        return None if entry is None else entry[1]

    def average_name(self, var: Any) -> str:
        """The name of `var`'s average (also before it exists)."""
        average = self.average(var)
        if average is not None:
            return _base_name(average)
        return f"{_base_name(var)}/{self._name}"
