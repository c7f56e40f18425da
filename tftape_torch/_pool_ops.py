"""`tf.nn.pool`: N-D (1, 2 or 3 spatial dimensions) max or average pooling, with
dilated windows.

Without dilation it is `max_pool`/`avg_pool` of the same rank (TF's `"SAME"` average
counts only the window's elements inside the input). A dilated window (`dilations`,
each window element `dilation` apart) is taken with `"VALID"` padding and unit
strides only, as in TF, which refuses the other combinations with its own
`ValueError`s. Channels-first `data_format`s (`"NCW"`, `"NCHW"`, `"NCDHW"`) pool the
same windows.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(1.0, 9.0), [1, 8, 1])
>>> print(tf.nn.pool(x, [2], "AVG", dilations=[2])[0, :, 0])
tf.Tensor([2. 3. 4. 5. 6. 7.], shape=(6,), dtype=float32)
"""

from __future__ import annotations

import itertools
import math
from typing import Any, List, Optional

import torch
import torch.nn.functional as F

from tftape_torch._array_ops import transpose
from tftape_torch._conv_ops import avg_pool, max_pool
from tftape_torch._op_call import call, float_input

__all__ = ["pool"]


def _values(value: Any, n: int) -> List[int]:
    if value is None:
        return [1] * n
    values = [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)] * n
    return values


def _dilated(x: torch.Tensor, window: List[int], dilations: List[int], largest: bool
             ) -> torch.Tensor:
    """`"VALID"`, unit-stride pooling of channels-last `x` over dilated windows."""
    n = len(window)
    if largest:  # torch's kernel: ties and gradients go to the first maximum, as TF's
        pool = (F.max_pool1d, F.max_pool2d, F.max_pool3d)[n - 1]
        out = pool(torch.movedim(x, -1, 1), window, stride=1, dilation=dilations)
        return torch.movedim(out, 1, -1)
    sizes = [x.shape[1 + i] - dilations[i] * (window[i] - 1) for i in range(n)]
    total = None
    for offsets in itertools.product(*(range(w) for w in window)):
        index = (slice(None),) + tuple(slice(o * d, o * d + size) for o, d, size in
                                       zip(offsets, dilations, sizes)) + (slice(None),)
        piece = x[index]
        total = piece if total is None else total + piece
    assert total is not None
    return total / math.prod(window)


def pool(input: Any, window_shape: Any, pooling_type: str, strides: Any = None,
         padding: str = "VALID", data_format: Optional[str] = None, dilations: Any = None,
         name: Optional[str] = None) -> torch.Tensor:
    """Performs an N-D pooling operation (`pooling_type` `"MAX"` or `"AVG"`).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(1.0, 17.0), [1, 4, 4, 1])
    >>> print(tf.nn.pool(x, [2, 2], "MAX", strides=[2, 2])[0, :, :, 0])
    tf.Tensor(
    [[ 6.  8.]
     [14. 16.]], shape=(2, 2), dtype=float32)

    Raises:
      ValueError: for a window of rank other than 1, 2 or 3, an input of another rank
        than the window's plus 2, an unknown `pooling_type`, or dilation together with
        `"SAME"` padding or strides (TF's errors).
    """
    window = [int(w) for w in window_shape]
    n = len(window)
    if n not in (1, 2, 3):
        raise ValueError(f"`len(window_shape)` must be 1, 2, or 3. Received: "
                         f"window_shape={window_shape} of length {n}")
    x = float_input(input, "MaxPool" if pooling_type == "MAX" else "AvgPool",
                    allow_complex=False)
    if x.dim() != n + 2:
        raise ValueError(f"Shape {tuple(x.shape)} must have rank {n + 2}")
    steps, dilation = _values(strides, n), _values(dilations, n)
    if pooling_type not in ("MAX", "AVG"):
        raise ValueError(f"{n}-D {pooling_type} pooling is not supported.")
    dilated = any(d > 1 for d in dilation)
    if dilated and padding == "SAME":
        raise ValueError("pooling with 'SAME' padding is not implemented for `dilation_rate` "
                         f"> 1. Received: padding={padding} and dilation_rate={dilations}")
    if dilated and any(s > 1 for s in steps):
        raise ValueError("`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                         f"Received: strides={strides} and dilation_rate={dilations}")
    channels_first = data_format is not None and data_format.startswith("NC")
    if channels_first:
        x = transpose(x, [0] + list(range(2, n + 2)) + [1])
    if dilated:
        out = call("MaxPool" if pooling_type == "MAX" else "AvgPool", _dilated, (x,), x, window,
                   dilation, pooling_type == "MAX")
    else:
        out = (max_pool if pooling_type == "MAX" else avg_pool)(x, window, steps, padding)
    if channels_first:
        out = transpose(out, [0, n + 1] + list(range(1, n + 1)))
    return out
