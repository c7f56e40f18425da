"""`tf.nn.fractional_max_pool` and `tf.nn.fractional_avg_pool`: pooling of NHWC
images by a non-integer ratio (Graham, "Fractional Max-Pooling", 2014).

Each spatial dimension of length `n` becomes `floor(n / ratio)` cells. The cell
boundaries are a pooling sequence `0 = s_0 < s_1 < ... < s_m = n` whose steps are
`floor(n / m)` or one more, drawn as TF's kernel draws them: a random permutation of
those steps, or with `pseudo_random` TF's `ceil(alpha * (i + u))` for one random
`u`. Cell `i` covers `[s_i, s_(i+1))`, or `[s_i, s_(i+1)]` (clipped to the image)
when `overlapping`. The draws come from torch's generators under TF's seed rules
(`seed=0`: a fresh draw), not TF's Philox stream; given the sequences, which both ops
return, the values and gradients are TF's (a window's first maximum, in row-major
order, takes a max pooling's gradient).

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(1.0, 17.0), [1, 4, 4, 1])
>>> out, rows, cols = tf.nn.fractional_max_pool(x, [1.0, 2.0, 2.0, 1.0])
>>> print(out[0, :, :, 0], rows)
tf.Tensor(
[[ 6.  8.]
 [14. 16.]], shape=(2, 2), dtype=float32) tf.Tensor([0 2 4], shape=(3,), dtype=int64)
"""

from __future__ import annotations

import collections
import math
from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._device import current_device
from tftape_torch._op_call import as_tensor, call, disallowed
from tftape_torch._random_seeds import op_generator
from tftape_torch._tensor import fresh
from tftape_torch._torch_internals import DisableTorchFunctionSubclass as _DisableSubclass
from tftape_torch.errors import InvalidArgumentError, UnimplementedError

__all__ = ["fractional_avg_pool", "fractional_max_pool"]

FractionalMaxPool = collections.namedtuple(
    "FractionalMaxPool", ["output", "row_pooling_sequence", "col_pooling_sequence"])
FractionalAvgPool = collections.namedtuple(
    "FractionalAvgPool", ["output", "row_pooling_sequence", "col_pooling_sequence"])

_ALLOWED = (torch.float32, torch.float64, torch.int32, torch.int64)


def _ratios(pooling_ratio: Any) -> List[float]:
    """TF's checks of `pooling_ratio`, then the four per-dimension ratios."""
    if isinstance(pooling_ratio, (list, tuple)):
        if pooling_ratio[0] != 1.0 or pooling_ratio[-1] != 1.0:
            raise ValueError("`pooling_ratio` should have first and last elements with value "
                             f"1.0. Received: pooling_ratio={pooling_ratio}")
        for element in pooling_ratio:
            if element < 1.0:
                raise ValueError("`pooling_ratio` elements should be >= 1.0. Received: "
                                 f"pooling_ratio={pooling_ratio}")
        values = [float(v) for v in pooling_ratio]
    elif isinstance(pooling_ratio, (int, float)):
        if pooling_ratio < 1.0:
            raise ValueError("`pooling_ratio` should be >= 1.0. Received: "
                             f"pooling_ratio={pooling_ratio}")
        values = [float(pooling_ratio)]
    else:
        raise ValueError("`pooling_ratio` should be an int or a list of ints. Received: "
                         f"pooling_ratio={pooling_ratio}")
    if len(values) == 1:
        return [1.0, values[0], values[0], 1.0]
    if len(values) == 2:
        return [1.0, values[0], values[1], 1.0]
    if len(values) == 4:
        return values
    raise ValueError(f"pooling_ratio should be of length 1, 2 or 4. Received: "
                     f"pooling_ratio={pooling_ratio}")


def _avg_ratios(pooling_ratio: Any) -> List[float]:
    """`fractional_avg_pool`'s `pooling_ratio`: TF's op takes only a list of 4, checked
    by its kernel (TF's Python wrapper checks only the max pool's)."""
    op = "FractionalAvgPool"
    if not isinstance(pooling_ratio, (list, tuple)):
        raise TypeError(f"Expected list for 'pooling_ratio' argument to 'fractional_avg_pool' "
                        f"Op, not {pooling_ratio}.")
    if len(pooling_ratio) < 4:
        raise InvalidArgumentError(None, None, f"Length for attr 'pooling_ratio' of "
                                   f"{len(pooling_ratio)} must be at least minimum 4 [Op:{op}]")
    values = [float(v) for v in pooling_ratio]
    for value in values:
        if value < 1.0:
            raise InvalidArgumentError(None, None, f"pooling_ratio cannot be smaller than 1, "
                                       f"got: {value} [Op:{op}]")
    if values[0] != 1.0 or values[3] != 1.0:
        raise UnimplementedError(None, None, "Fractional average pooling is not yet supported "
                                 f"on the batch nor channel dimension. [Op:{op}]")
    return values


def _sequence(length: int, cells: int, pseudo_random: bool,
              generator: Optional[torch.Generator]) -> List[int]:
    """TF's `GeneratePoolingSequence`: the `cells + 1` boundaries of `length`."""
    k = length // cells
    if pseudo_random:
        alpha = length / cells
        max_u = min((k + 2) / alpha - 1, (length + 1 - k) / alpha - (cells - 1))
        u = float(torch.rand((), dtype=torch.float64, generator=generator)) * max_u
        marks = [1] + [math.ceil(alpha * (i + u)) for i in range(1, cells)] + [length + 1]
        steps = [b - a for a, b in zip(marks, marks[1:])]
    else:
        steps = [k + 1 if i < length % cells else k for i in range(cells)]
        order = torch.randperm(cells, generator=generator).tolist()
        steps = [steps[i] for i in order]
    boundaries = [0]
    for step in steps:
        boundaries.append(boundaries[-1] + step)
    return boundaries


def _windows(boundaries: List[int], size: int, overlapping: bool
             ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Each cell's indices along one dimension, padded to one length, and their mask."""
    spans = []
    for start, stop in zip(boundaries, boundaries[1:]):
        end = min(stop if overlapping else stop - 1, size - 1)
        spans.append(list(range(start, end + 1)))
    width = max(len(span) for span in spans)
    index = torch.tensor([span + [span[-1]] * (width - len(span)) for span in spans])
    mask = torch.tensor([[True] * len(span) + [False] * (width - len(span)) for span in spans])
    return index, mask


def _pool(x: torch.Tensor, rows: List[int], cols: List[int], overlapping: bool,
          largest: bool) -> torch.Tensor:
    """Pool NHWC `x` over the cells the two pooling sequences bound."""
    row_index, row_mask = _windows(rows, x.shape[1], overlapping)
    col_index, col_mask = _windows(cols, x.shape[2], overlapping)
    batch, channels = x.shape[0], x.shape[3]
    cells_r, len_r = row_index.shape
    cells_c, len_c = col_index.shape
    device = x.device
    patches = x[:, row_index.to(device)][:, :, :, col_index.to(device)]  # [B, R, Lr, C', Lc, ch]
    patches = patches.permute(0, 1, 3, 2, 4, 5).reshape(
        batch, cells_r, cells_c, len_r * len_c, channels)
    mask = (row_mask[:, None, :, None] & col_mask[None, :, None, :]).reshape(
        cells_r, cells_c, len_r * len_c, 1).to(device)
    if largest:
        floor = (torch.finfo(x.dtype).min if x.is_floating_point()
                 else torch.iinfo(x.dtype).min)
        filled = torch.where(mask, patches, torch.full((), floor, dtype=x.dtype, device=device))
        return filled.max(dim=3).values
    zero = torch.zeros((), dtype=x.dtype, device=device)
    total = torch.where(mask, patches, zero).sum(3, dtype=x.dtype)
    count = mask.sum(2).to(x.dtype)
    if x.is_floating_point():
        return total / count
    return torch.div(total, count, rounding_mode="trunc")


def _fractional(op: str, result: Any, value: Any, pooling_ratio: Any, pseudo_random: bool,
                overlapping: bool, seed: int, largest: bool) -> Any:
    ratios = _ratios(pooling_ratio) if largest else _avg_ratios(pooling_ratio)
    x = as_tensor(value)
    if x.dtype not in _ALLOWED:
        raise disallowed(op, x.dtype, "float, double, int32, int64")
    if x.dim() != 4:
        raise InvalidArgumentError(None, None, f"tensor_in must be 4-dimensional [Op:{op}]")
    sizes = [int(d) for d in x.shape]
    out_sizes = [int(size / ratio) for size, ratio in zip(sizes, ratios)]
    for size, out_size in zip(sizes[1:3], out_sizes[1:3]):
        if out_size <= 0:
            raise InvalidArgumentError(
                None, None, f"output_size must be positive, got {out_size} for input size "
                f"{size} [Op:{op}]")
    generator = op_generator(torch.device("cpu"), int(seed) if seed else None)
    rows = _sequence(sizes[1], out_sizes[1], bool(pseudo_random), generator)
    cols = _sequence(sizes[2], out_sizes[2], bool(pseudo_random), generator)
    output = call(op, _pool, (x,), x, rows, cols, bool(overlapping), largest)
    device = current_device()
    with _DisableSubclass():
        sequences = (torch.tensor(rows, dtype=torch.int64, device=device),
                     torch.tensor(cols, dtype=torch.int64, device=device))
    return result(output, *fresh(sequences))


def fractional_max_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False,
                        overlapping: bool = False, seed: int = 0,
                        name: Optional[str] = None) -> Any:
    """Performs fractional max pooling on `value` `[batch, height, width, channels]`.

    Args:
      value: a 4-D tensor (float32/64, int32/64).
      pooling_ratio: a float, or a list of 1, 2 or 4 floats >= 1 (4: batch and channel
        ratios 1.0).
      pseudo_random: draw the pooling sequences pseudo-randomly (TF's scheme) rather
        than as a random permutation of the steps.
      overlapping: whether adjacent cells share their boundary row/column.
      seed: 0 draws afresh; another value gives repeatable draws (TF's seed rules).
      name: ignored.

    Returns:
      `(output, row_pooling_sequence, col_pooling_sequence)`.

    Raises:
      ValueError: for a `pooling_ratio` TF refuses.
      InvalidArgumentError: for an input of another rank or dtype, or one too small.
    """
    return _fractional("FractionalMaxPool", FractionalMaxPool, value, pooling_ratio,
                       pseudo_random, overlapping, seed, True)


def fractional_avg_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False,
                        overlapping: bool = False, seed: int = 0,
                        name: Optional[str] = None) -> Any:
    """Performs fractional average pooling on `value` (arguments as
    `fractional_max_pool`, except that `pooling_ratio` must be a list of 4, as TF's op
    requires; integer inputs average by truncating division).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(1.0, 17.0), [1, 4, 4, 1])
    >>> print(tf.nn.fractional_avg_pool(x, [1.0, 2.0, 2.0, 1.0]).output[0, :, :, 0])
    tf.Tensor(
    [[ 3.5  5.5]
     [11.5 13.5]], shape=(2, 2), dtype=float32)
    """
    return _fractional("FractionalAvgPool", FractionalAvgPool, value, pooling_ratio,
                       pseudo_random, overlapping, seed, False)
