"""TF's block rearrangements: `tf.nn.space_to_depth` moves each
`block_size x block_size` patch of pixels into the channels, `depth_to_space` moves
them back; `tf.space_to_batch` (`space_to_batch_nd`) moves the blocks of the padded
spatial dimensions into the batch, `tf.batch_to_space` moves them back and crops.
All are permutations (reshape, transpose, reshape) around a pad or a crop, so their
gradients are the inverse permutation.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(4), [1, 2, 2, 1])
>>> print(tf.nn.space_to_depth(x, 2))
tf.Tensor([[[[0 1 2 3]]]], shape=(1, 1, 1, 4), dtype=int32)
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, Optional, Tuple

import numpy as np
import torch

from tftape_torch._op_call import as_result, as_tensor, call
from tftape_torch._op_call import invalid_argument as _error

__all__ = ["batch_to_space", "depth_to_space", "required_space_to_batch_paddings",
           "space_to_batch", "space_to_depth", "with_space_to_batch"]


def _checked(input: Any, block_size: Any, data_format: str, op: str
             ) -> Tuple[torch.Tensor, int]:
    x = as_tensor(input)
    block = int(block_size)
    if block < 2:
        raise _error(f"Value for attr 'block_size' of {block} must be at least minimum 2", op)
    if data_format not in ("NHWC", "NCHW"):
        raise _error(f"Invalid data_format: {data_format}", op)
    if x.dim() != 4:
        raise _error(f"input rank should be 4 instead of {x.dim()}", op)
    return x, block


def _space_to_depth(x: torch.Tensor, block: int, channels_first: bool) -> torch.Tensor:
    if channels_first:
        x = x.permute(0, 2, 3, 1)
    n, h, w, c = x.shape
    out = x.reshape(n, h // block, block, w // block, block, c).permute(0, 1, 3, 2, 4, 5)
    out = out.reshape(n, h // block, w // block, block * block * c)
    return out.permute(0, 3, 1, 2) if channels_first else out


def _depth_to_space(x: torch.Tensor, block: int, channels_first: bool) -> torch.Tensor:
    if channels_first:
        x = x.permute(0, 2, 3, 1)
    n, h, w, c = x.shape
    out = x.reshape(n, h, w, block, block, c // (block * block)).permute(0, 1, 3, 2, 4, 5)
    out = out.reshape(n, h * block, w * block, c // (block * block))
    return out.permute(0, 3, 1, 2) if channels_first else out


def space_to_depth(input: Any, block_size: int, data_format: str = "NHWC",
                   name: Optional[str] = None) -> torch.Tensor:
    """Moves each `block_size x block_size` block of pixels into the channels: `[batch,
    height, width, depth]` becomes `[batch, height / b, width / b, b * b * depth]`,
    the block's rows first.

    >>> import tftape_torch as tf
    >>> print(tf.nn.space_to_depth(tf.ones([1, 4, 4, 1]), 2).shape)
    (1, 2, 2, 4)

    Raises:
      InvalidArgumentError: for a `block_size` below 2, an input that is not 4-D, or
        a height or width `block_size` does not divide.
    """
    x, block = _checked(input, block_size, data_format, "SpaceToDepth")
    channels_first = data_format == "NCHW"
    h, w = (x.shape[2], x.shape[3]) if channels_first else (x.shape[1], x.shape[2])
    if h % block or w % block:
        raise _error(f"Image width {w} and height {h} should be divisible by block_size: "
                     f"{block}", "SpaceToDepth")
    return call("SpaceToDepth", _space_to_depth, (x,), x, block, channels_first)


def depth_to_space(input: Any, block_size: int, data_format: str = "NHWC",
                   name: Optional[str] = None) -> torch.Tensor:
    """The inverse of `space_to_depth`: `[batch, height, width, depth]` becomes
    `[batch, height * b, width * b, depth / (b * b)]`.

    >>> import tftape_torch as tf
    >>> print(tf.nn.depth_to_space(tf.reshape(tf.range(4), [1, 1, 1, 4]), 2)[0, :, :, 0])
    tf.Tensor(
    [[0 1]
     [2 3]], shape=(2, 2), dtype=int32)

    Raises:
      InvalidArgumentError: for a `block_size` below 2, an input that is not 4-D, or
        a depth not divisible by `block_size ** 2`.
    """
    x, block = _checked(input, block_size, data_format, "DepthToSpace")
    depth = x.shape[1] if data_format == "NCHW" else x.shape[3]
    if depth % (block * block):
        raise _error(f"Input depth dimension {depth} should be divisible by: "
                     f"{block * block}", "DepthToSpace")
    return call("DepthToSpace", _depth_to_space, (x,), x, block, data_format == "NCHW")


def _int_pairs(value: Any, count: int, what: str, op: str) -> List[Tuple[int, int]]:
    """`paddings`/`crops` as `count` (before, after) pairs, with TF's checks."""
    t = as_tensor(value)
    if tuple(t.shape) != (count, 2):
        dims = ",".join(str(d) for d in t.shape)
        raise _error(f"{what} should have shape [{count}, 2] instead of [{dims}]", op)
    pairs = [(int(a), int(b)) for a, b in t.tolist()]
    if any(a < 0 or b < 0 for a, b in pairs):
        raise _error(f"{what.capitalize()} must be non-negative", op)
    return pairs


def _blocks(input: Any, block_shape: Any, op: str) -> Tuple[torch.Tensor, List[int]]:
    x = as_tensor(input)
    blocks = [int(b) for b in as_tensor(block_shape).reshape(-1).tolist()]
    for index, block in enumerate(blocks):
        if block < 1:
            raise _error(f"All values in block_shape must be positive, got value, {block} "
                         f"at index {index}.", op)
    if x.dim() < 1 + len(blocks):
        raise _error(f"input rank should be >= {1 + len(blocks)} instead of {x.dim()}", op)
    return x, blocks


def space_to_batch(input: Any, block_shape: Any, paddings: Any,
                   name: Optional[str] = None) -> torch.Tensor:
    """Pads the `M` spatial dimensions after the batch with `paddings`, cuts them
    into blocks of `block_shape` and moves each block position into the batch (also
    `tf.space_to_batch_nd`, `tf.nn.space_to_batch`).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(4.0), [1, 2, 2, 1])
    >>> print(tf.space_to_batch(x, [2, 2], [[0, 0], [0, 0]])[:, 0, 0, 0])
    tf.Tensor([0. 1. 2. 3.], shape=(4,), dtype=float32)

    Raises:
      InvalidArgumentError: for a block that is not positive, negative or misshapen
        `paddings`, too few dimensions, or a padded size the block does not divide.
    """
    op = "SpaceToBatchND"
    x, blocks = _blocks(input, block_shape, op)
    pads = _int_pairs(paddings, len(blocks), "paddings", op)
    for index, (block, (before, after)) in enumerate(zip(blocks, pads)):
        size = int(x.shape[1 + index]) + before + after
        if size % block:
            raise _error(f"padded_shape[{index}]={size} is not divisible by "
                         f"block_shape[{index}]={block}", op)
    return call(op, _space_to_batch, (x,), x, blocks, pads)


def _space_to_batch(x: torch.Tensor, blocks: List[int], pads: List[Tuple[int, int]]
                    ) -> torch.Tensor:
    m, rest = len(blocks), list(x.shape[1 + len(blocks):])
    flat_pads = [p for before, after in reversed(pads) for p in (before, after)]
    x = torch.nn.functional.pad(x, [0, 0] * len(rest) + flat_pads) if any(flat_pads) else x
    batch, spatial = int(x.shape[0]), [int(d) for d in x.shape[1:1 + m]]
    split = [batch] + [d for size, b in zip(spatial, blocks) for d in (size // b, b)] + rest
    order = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    order += list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    out = x.reshape(split).permute(order)
    return out.reshape([batch * math.prod(blocks)] + [s // b for s, b in zip(spatial, blocks)]
                       + rest)


def batch_to_space(input: Any, block_shape: Any, crops: Any,
                   name: Optional[str] = None) -> torch.Tensor:
    """The inverse of `space_to_batch`: moves the block positions out of the batch
    into the `M` spatial dimensions after it, then crops them by `crops`.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(4.0), [4, 1, 1, 1])
    >>> print(tf.batch_to_space(x, [2, 2], [[0, 0], [0, 0]])[0, ..., 0])
    tf.Tensor(
    [[0. 1.]
     [2. 3.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for a block that is not positive, negative or misshapen
        `crops`, a batch the blocks do not divide, or a crop larger than the size.
    """
    op = "BatchToSpaceND"
    x, blocks = _blocks(input, block_shape, op)
    crops_ = _int_pairs(crops, len(blocks), "crops", op)
    product = math.prod(blocks)
    if int(x.shape[0]) % product:
        raise _error(f"Input batch dimension ({int(x.shape[0])}) is not divisible by product "
                     f"of block sizes ({product})", op)
    for index, (block, (before, after)) in enumerate(zip(blocks, crops_)):
        size = int(x.shape[1 + index]) * block - before - after
        if size < 0:
            raise _error(f"cropped_shape[{index}]={size} must be non-negative", op)
    return call(op, _batch_to_space, (x,), x, blocks, crops_)


def _batch_to_space(x: torch.Tensor, blocks: List[int], crops: List[Tuple[int, int]]
                    ) -> torch.Tensor:
    m, rest = len(blocks), list(x.shape[1 + len(blocks):])
    batch = int(x.shape[0]) // math.prod(blocks)
    spatial = [int(d) for d in x.shape[1:1 + m]]
    out = x.reshape(blocks + [batch] + spatial + rest)
    order = [m] + [d for i in range(m) for d in (m + 1 + i, i)]
    order += list(range(1 + 2 * m, 1 + 2 * m + len(rest)))
    out = out.permute(order).reshape([batch] + [s * b for s, b in zip(spatial, blocks)] + rest)
    for index, (before, after) in enumerate(crops):
        if before or after:
            out = out.narrow(1 + index, before, int(out.shape[1 + index]) - before - after)
    return out


def required_space_to_batch_paddings(input_shape: Any, block_shape: Any,
                                     base_paddings: Any = None, name: Optional[str] = None
                                     ) -> Tuple[torch.Tensor, torch.Tensor]:
    """`(paddings, crops)` (int32, `[M, 2]`) for `space_to_batch`/`batch_to_space`: the
    `base_paddings` plus what the end of each dimension needs for `block_shape` to
    divide it; `crops` removes that extra again.

    >>> import tftape_torch as tf
    >>> paddings, crops = tf.required_space_to_batch_paddings([5, 4], [2, 3])
    >>> print(paddings)
    tf.Tensor(
    [[0 1]
     [0 2]], shape=(2, 2), dtype=int32)
    """
    blocks = np.asarray(_host_ints(block_shape), np.int32).reshape(-1)
    count = blocks.shape[0]
    sizes = np.asarray(_host_ints(input_shape), np.int32).reshape(-1)
    if sizes.shape[0] != count:
        raise ValueError(f"Shapes {list(sizes.shape)} and [{count}] are incompatible")
    base = (np.zeros([count, 2], np.int32) if base_paddings is None
            else np.asarray(_host_ints(base_paddings), np.int32).reshape(-1, 2))
    full = sizes + base[:, 0] + base[:, 1]
    extra = (blocks - full % blocks) % blocks
    paddings = np.stack([base[:, 0], base[:, 1] + extra], axis=1).reshape(count, 2)
    crops = np.stack([np.zeros_like(extra), extra], axis=1).reshape(count, 2)
    return as_result(torch.from_numpy(paddings)), as_result(torch.from_numpy(crops))


def _host_ints(value: Any) -> Any:
    return value.tolist() if isinstance(value, torch.Tensor) else value


def _spread(values: np.ndarray, fill: int, spatial_dims: List[int]) -> np.ndarray:
    """TF's `_with_space_to_batch_adjust`: `values` (one row per spatial dimension) with
    rows of `fill` for the dimensions between them."""
    rows, previous = [], 0
    for row, dim in zip(values, spatial_dims):
        rows += [np.full(values.shape[1:], fill, values.dtype)] * (dim - 1 - previous)
        rows.append(row)
        previous = dim
    return np.stack(rows)


def with_space_to_batch(input: Any, dilation_rate: Any, padding: str,
                        op: Callable[[Any, int, str], Any], filter_shape: Any = None,
                        spatial_dims: Any = None, data_format: Optional[str] = None) -> Any:
    """Runs `op(converted_input, num_spatial_dims, "VALID")` on `input` rearranged by
    `space_to_batch` for a `dilation_rate`, and rearranges the result back: how TF
    builds an atrous (dilated) operation from an undilated one.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> pooled = tf.nn.with_space_to_batch(
    ...     x, [2, 2], "VALID", lambda x, n, padding: tf.nn.max_pool2d(x, 2, 1, padding))
    >>> print(pooled[0, :, :, 0])
    tf.Tensor(
    [[10. 11.]
     [14. 15.]], shape=(2, 2), dtype=float32)
    """
    x = as_tensor(input)
    rates = np.asarray(_host_ints(dilation_rate), np.int32)
    if rates.ndim != 1:
        raise ValueError(f"`dilation_rate.shape.rank` must be 1. Received: "
                         f"dilation_rate={dilation_rate} of rank {rates.ndim}")
    count = int(rates.shape[0])
    first = 2 if data_format is not None and data_format.startswith("NC") else 1
    dims = list(range(first, first + count)) if spatial_dims is None else [
        int(d) for d in spatial_dims]
    if dims != sorted(set(dims)) or any(d < 1 for d in dims):
        raise ValueError("`spatial_dims` must be a monotonically increasing sequence of "
                         f"positive integers. Received: spatial_dims={dims}")
    rank = dims[-1] + (0 if first == 2 else 1)
    if x.dim() < rank:
        raise ValueError(f"`input.shape.rank` must be at least {rank}. Received: "
                         f"input.shape={tuple(x.shape)} with rank {x.dim()}")
    if np.any(rates < 1):
        raise ValueError(f"`dilation_rate` must be positive. Received: dilation_rate={rates}")
    if np.all(rates == 1):
        return op(x, count, padding)
    if padding == "SAME":
        if filter_shape is None:
            raise ValueError("`filter_shape` must be specified for `padding='SAME'`. "
                             f"Received: filter_shape={filter_shape} and padding={padding}")
        extra = (np.asarray(_host_ints(filter_shape), np.int32)[:count] - 1) * rates
        base = np.stack([extra // 2, extra - extra // 2], axis=1)
    elif padding == "VALID":
        base = np.zeros([count, 2], np.int32)
    else:
        raise ValueError(f"`padding` must be one of 'SAME' or 'VALID'. Received: "
                         f"padding={padding}")
    paddings, crops = required_space_to_batch_paddings(
        [int(x.shape[d]) for d in dims], rates, base)
    blocks = _spread(rates, 1, dims)
    converted = space_to_batch(x, blocks, _spread(paddings.numpy(), 0, dims))
    result = op(converted, count, "VALID")
    return batch_to_space(result, blocks, _spread(crops.numpy(), 0, dims))
