"""TF's block rearrangements of images: `tf.nn.space_to_depth` moves each
`block_size x block_size` patch of pixels into the channels, `depth_to_space` moves
them back. Both are permutations (reshape, transpose, reshape), so their gradients
are the inverse permutation.

>>> import tftape_torch as tf
>>> x = tf.reshape(tf.range(4), [1, 2, 2, 1])
>>> print(tf.nn.space_to_depth(x, 2))
tf.Tensor([[[[0 1 2 3]]]], shape=(1, 1, 1, 4), dtype=int32)
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import torch

from tftape_torch._op_call import as_tensor, call
from tftape_torch.errors import InvalidArgumentError

__all__ = ["depth_to_space", "space_to_depth"]


def _error(message: str, op: str) -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"{message} [Op:{op}]")


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
