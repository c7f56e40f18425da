"""`tf.extract_volume_patches`: the 3-D `tf.image.extract_patches`. Each
`planes x rows x cols` patch of a `[batch, planes, rows, cols, depth]` volume becomes
the depth of one output position, its voxels in (plane, row, column) order with the
channels innermost; `"SAME"` pads with zeros. Gathers, so the gradient scatters back.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(8), [1, 2, 2, 2, 1])
>>> print(tf.extract_volume_patches(x, [1, 2, 2, 2, 1], [1, 1, 1, 1, 1], "VALID"))
tf.Tensor([[[[[0 1 2 3 4 5 6 7]]]]], shape=(1, 1, 1, 1, 8), dtype=int32)
"""

from __future__ import annotations

from typing import Any, List, Optional, Tuple

import torch

from tftape_torch._op_call import as_tensor, call
from tftape_torch.errors import InvalidArgumentError, OutOfRangeError, UnimplementedError

__all__ = ["extract_volume_patches"]

_OP = "ExtractVolumePatches"


def _error(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"{message} [Op:{_OP}]")


def _window(size: int, k: int, stride: int, same: bool) -> Tuple[int, int]:
    """The number of windows along an axis and the padding before the first."""
    if same:
        count = -(-size // stride)
        return count, max((count - 1) * stride + k - size, 0) // 2
    span = size - k + stride
    count = abs(span) // stride * (1 if span >= 0 else -1)  # C++'s truncating division
    if count < 0:
        raise _error(f"Computed output size would be negative: {count} [input_size: {size}, "
                     f"effective_filter_size: {k}, stride: {stride}]")
    return count, 0


def _patches(x: torch.Tensor, k: List[int], strides: List[int], same: bool) -> torch.Tensor:
    n, c = x.shape[0], x.shape[-1]
    picked, masks, counts = x, [], []
    for axis in range(3):
        size = int(x.shape[1 + axis])
        count, before = _window(size, k[axis], strides[axis], same)
        index = (torch.arange(count)[:, None] * strides[axis] + torch.arange(k[axis])[None, :]
                 - before).to(x.device)
        masks.append((index >= 0) & (index < size))
        counts.append(count)
        # Axis 1 + 2 * axis holds this axis's positions; its window goes right after.
        picked = torch.index_select(picked, 1 + 2 * axis, index.clamp(0, max(size - 1, 0))
                                    .reshape(-1)).unflatten(1 + 2 * axis, (count, k[axis]))
    inside = (masks[0][:, :, None, None, None, None] & masks[1][None, None, :, :, None, None]
              & masks[2][None, None, None, None, :, :])
    picked = torch.where(inside[None, ..., None], picked,
                         torch.zeros((), dtype=x.dtype, device=x.device))
    return picked.permute(0, 1, 3, 5, 2, 4, 6, 7).reshape(
        n, *counts, k[0] * k[1] * k[2] * c)


def extract_volume_patches(input: Any, ksizes: Any, strides: Any, padding: str,
                           name: Optional[str] = None) -> torch.Tensor:
    """Gathers `ksizes[1:4]` patches of `input` `[batch, planes, rows, cols, depth]` into
    the depth, every `strides[1:4]` voxels (`ksizes`, `strides`: `[1, p, r, c, 1]`).

    Raises:
      InvalidArgumentError: for `input` not 5-D, lists not of length 5, or a `padding`
        other than `"SAME"` and `"VALID"`.
      UnimplementedError: for sizes or strides across the batch or channels.
      OutOfRangeError: for sizes or strides below 1.
    """
    x = as_tensor(input)
    lists = [[int(v) for v in as_tensor(a).reshape(-1).tolist()] for a in (ksizes, strides)]
    for values, what in zip(lists, ("ksizes", "strides")):
        if len(values) < 5:
            raise InvalidArgumentError(None, None, f"Length for attr '{what}' of {len(values)} "
                                       "must be at least minimum 5")
    if padding not in ("SAME", "VALID"):
        raise InvalidArgumentError(None, None, f"Value for attr 'padding' of \"{padding}\" is "
                                   "not in the list of allowed values: \"SAME\", \"VALID\"")
    if x.dim() != 5:
        raise _error(f"input must be 5-dimensional[{','.join(map(str, x.shape))}]")
    for values, what in zip(lists, ("ksizes", "strides")):
        if values[0] != 1 or values[4] != 1:
            raise UnimplementedError(None, None, f"Only support {what} across space. "
                                     f"[Op:{_OP}]")
    for values, what in zip(lists, ("ksizes", "strides")):
        if min(values[1:4]) < 1:
            raise OutOfRangeError(None, None, f"{what} is out of range. [Op:{_OP}]")
    k, s = lists[0][1:4], lists[1][1:4]
    for axis in range(3):
        _window(int(x.shape[1 + axis]), k[axis], s[axis], padding == "SAME")
    return call(_OP, _patches, (x,), x, k, s, padding == "SAME")
