"""`tf.image`'s random augmentations: flips, brightness, contrast, hue, saturation and
crops, each in a stateful spelling (`random_*`, drawing from `tf.random.uniform` with
the global and op seeds) and a stateless one (`stateless_random_*`, drawing from
`tf.random.stateless_uniform` with a `[2]` seed).

Each op draws what TF's draws (one scalar per call; one value per image for a flip of
a batch; one offset per dimension for a crop) and applies the deterministic op, so
values, dtypes, gradients and argument errors are TF's. The random numbers are not
TF's bits: neither generator here is TF's Philox stream, so the same seed picks a
different flip or delta than in TF, from the same distribution. `random_jpeg_quality`
is left out (no JPEG codec).

>>> import tftape_torch as tf
>>> image = tf.reshape(tf.range(8.0), [2, 2, 2])
>>> a = tf.image.stateless_random_brightness(image, 0.2, seed=(1, 2))
>>> b = tf.image.stateless_random_brightness(image, 0.2, seed=(1, 2))
>>> bool(tf.reduce_all(a == b)), bool(tf.reduce_all(tf.abs(a - image) <= 0.2))
(True, True)
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional

import torch

from tftape_torch import random as _random
from tftape_torch._image_color import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
)
from tftape_torch._image_geometry import flip_left_right, flip_up_down
from tftape_torch._op_call import as_tensor
from tftape_torch._shape_ops import slice as _slice
from tftape_torch._torch_internals import DisableTorchFunctionSubclass
from tftape_torch.errors import InvalidArgumentError

__all__ = [
    "random_brightness",
    "random_contrast",
    "random_crop",
    "random_flip_left_right",
    "random_flip_up_down",
    "random_hue",
    "random_saturation",
    "stateless_random_brightness",
    "stateless_random_contrast",
    "stateless_random_crop",
    "stateless_random_flip_left_right",
    "stateless_random_flip_up_down",
    "stateless_random_hue",
    "stateless_random_saturation",
]

# draw(shape, minval, maxval, dtype) -> a tensor of uniform samples.
Draw = Callable[[List[int], Any, Any, torch.dtype], torch.Tensor]


def _stateful(seed: Optional[int]) -> Draw:
    def draw(shape: List[int], low: Any, high: Any, dtype: torch.dtype) -> torch.Tensor:
        return _random.uniform(shape, low, high, dtype=dtype, seed=seed)

    return draw


def _stateless(seed: Any) -> Draw:
    def draw(shape: List[int], low: Any, high: Any, dtype: torch.dtype) -> torch.Tensor:
        return _random.stateless_uniform(shape, seed, low, high, dtype=dtype)

    return draw


# ---------------------------------------------------------------------- flips


def _flip(image: Any, flip: Callable[[Any], torch.Tensor], draw: Draw) -> torch.Tensor:
    """TF's `_random_flip`: one coin for a 3-D image (the image or its flip); for a
    batch, one coin per image, blended as `flips * flipped + (1 - flips) * image`."""
    x = as_tensor(image)
    shape = tuple(int(d) for d in x.shape)
    if len(shape) < 3:
        raise ValueError(f"'image' (shape {shape}) must be at least three-dimensional.")
    if len(shape) > 4:
        raise ValueError(f"'image' (shape {shape}) must have either 3 or 4 dimensions.")
    if len(shape) == 3:
        coin = draw([], 0, 1.0, torch.float32)
        return flip(x) if bool(coin < 0.5) else x
    coin = draw([shape[0]], 0, 1.0, torch.float32)
    with DisableTorchFunctionSubclass():
        flips = torch.round(coin).reshape(shape[0], 1, 1, 1).to(x.dtype)
    flipped = flip(x)
    return flips * flipped + (1 - flips) * x


def random_flip_left_right(image: Any, seed: Optional[int] = None) -> torch.Tensor:
    """Flips `image` (`[height, width, channels]`) left to right with probability 1/2;
    each image of a batch (`[batch, height, width, channels]`) on its own coin.

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(4), [1, 4, 1])
    >>> y = tf.image.random_flip_left_right(x)
    >>> sorted(y[0, :, 0].numpy().tolist()) == [0, 1, 2, 3], y.dtype == x.dtype
    (True, True)

    Raises:
      ValueError: for an image that is not 3-D or 4-D.
    """
    return _flip(image, flip_left_right, _stateful(seed))


def random_flip_up_down(image: Any, seed: Optional[int] = None) -> torch.Tensor:
    """Flips `image` upside down with probability 1/2 (each image of a batch on its
    own coin); see `random_flip_left_right`.

    >>> import tftape_torch as tf
    >>> tf.image.random_flip_up_down(tf.ones([2, 3, 1])).shape
    TensorShape([2, 3, 1])
    """
    return _flip(image, flip_up_down, _stateful(seed))


def stateless_random_flip_left_right(image: Any, seed: Any) -> torch.Tensor:
    """`random_flip_left_right` whose coins depend only on `seed` (a `[2]` int seed).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(8.0), [2, 2, 2, 1])
    >>> a = tf.image.stateless_random_flip_left_right(x, seed=(1, 2))
    >>> bool(tf.reduce_all(a == tf.image.stateless_random_flip_left_right(x, seed=(1, 2))))
    True

    Raises:
      InvalidArgumentError: for a seed that is not of shape `[2]`.
    """
    return _flip(image, flip_left_right, _stateless(seed))


def stateless_random_flip_up_down(image: Any, seed: Any) -> torch.Tensor:
    """`random_flip_up_down` whose coins depend only on `seed` (a `[2]` int seed).

    >>> import tftape_torch as tf
    >>> tf.image.stateless_random_flip_up_down(tf.ones([2, 3, 1]), seed=(0, 0)).shape
    TensorShape([2, 3, 1])
    """
    return _flip(image, flip_up_down, _stateless(seed))


# ---------------------------------------------------------------------- pixel values


def _check_delta(max_delta: Any, hue: bool = False) -> None:
    if hue and max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")


def _check_range(lower: Any, upper: Any) -> None:
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")


def _by_delta(adjust: Callable[[Any, Any], torch.Tensor], image: Any, max_delta: Any,
              draw: Draw, hue: bool = False) -> torch.Tensor:
    """`adjust(image, delta)`, `delta` drawn from `[-max_delta, max_delta)`."""
    _check_delta(max_delta, hue)
    return adjust(image, draw([], -max_delta, max_delta, torch.float32))


def _by_factor(adjust: Callable[[Any, Any], torch.Tensor], image: Any, lower: Any,
               upper: Any, draw: Draw) -> torch.Tensor:
    """`adjust(image, factor)`, `factor` drawn from `[lower, upper)`."""
    _check_range(lower, upper)
    return adjust(image, draw([], lower, upper, torch.float32))


def random_brightness(image: Any, max_delta: Any, seed: Optional[int] = None) -> torch.Tensor:
    """`adjust_brightness` by a delta drawn uniformly from `[-max_delta, max_delta)`.

    >>> import tftape_torch as tf
    >>> y = tf.image.random_brightness(tf.zeros([2, 2, 3]), 0.1)
    >>> bool(tf.reduce_all(tf.abs(y) <= 0.1))
    True

    Raises:
      ValueError: for a negative `max_delta`.
    """
    return _by_delta(adjust_brightness, image, max_delta, _stateful(seed))


def stateless_random_brightness(image: Any, max_delta: Any, seed: Any) -> torch.Tensor:
    """`random_brightness` with a delta that depends only on `seed`.

    >>> import tftape_torch as tf
    >>> tf.image.stateless_random_brightness(tf.zeros([2, 2, 3]), 0.1, (1, 2)).shape
    TensorShape([2, 2, 3])
    """
    return _by_delta(adjust_brightness, image, max_delta, _stateless(seed))


def random_contrast(image: Any, lower: Any, upper: Any, seed: Optional[int] = None
                    ) -> torch.Tensor:
    """`adjust_contrast` by a factor drawn uniformly from `[lower, upper)`.

    >>> import tftape_torch as tf
    >>> tf.image.random_contrast(tf.ones([2, 2, 3]), 0.5, 1.5).shape
    TensorShape([2, 2, 3])

    Raises:
      ValueError: unless `0 <= lower < upper`.
    """
    return _by_factor(adjust_contrast, image, lower, upper, _stateful(seed))


def stateless_random_contrast(image: Any, lower: Any, upper: Any, seed: Any) -> torch.Tensor:
    """`random_contrast` with a factor that depends only on `seed`.

    >>> import tftape_torch as tf
    >>> tf.image.stateless_random_contrast(tf.ones([2, 2, 3]), 0.5, 1.5, (1, 2)).shape
    TensorShape([2, 2, 3])
    """
    return _by_factor(adjust_contrast, image, lower, upper, _stateless(seed))


def random_hue(image: Any, max_delta: Any, seed: Optional[int] = None) -> torch.Tensor:
    """`adjust_hue` (RGB images) by a delta drawn uniformly from `[-max_delta,
    max_delta)`, `max_delta` in `[0, 0.5]`.

    >>> import tftape_torch as tf
    >>> tf.image.random_hue(tf.ones([2, 2, 3]), 0.2).shape
    TensorShape([2, 2, 3])

    Raises:
      ValueError: for `max_delta` outside `[0, 0.5]`.
    """
    return _by_delta(adjust_hue, image, max_delta, _stateful(seed), hue=True)


def stateless_random_hue(image: Any, max_delta: Any, seed: Any) -> torch.Tensor:
    """`random_hue` with a delta that depends only on `seed`.

    >>> import tftape_torch as tf
    >>> tf.image.stateless_random_hue(tf.ones([2, 2, 3]), 0.2, (1, 2)).shape
    TensorShape([2, 2, 3])
    """
    return _by_delta(adjust_hue, image, max_delta, _stateless(seed), hue=True)


def random_saturation(image: Any, lower: Any, upper: Any, seed: Optional[int] = None
                      ) -> torch.Tensor:
    """`adjust_saturation` (RGB images) by a factor drawn uniformly from `[lower, upper)`.

    >>> import tftape_torch as tf
    >>> tf.image.random_saturation(tf.ones([2, 2, 3]), 0.5, 1.5).shape
    TensorShape([2, 2, 3])

    Raises:
      ValueError: unless `0 <= lower < upper`.
    """
    return _by_factor(adjust_saturation, image, lower, upper, _stateful(seed))


def stateless_random_saturation(image: Any, lower: Any, upper: Any, seed: Any
                                ) -> torch.Tensor:
    """`random_saturation` with a factor that depends only on `seed`.

    >>> import tftape_torch as tf
    >>> tf.image.stateless_random_saturation(tf.ones([2, 2, 3]), 0.5, 1.5, (1, 2)).shape
    TensorShape([2, 2, 3])
    """
    return _by_factor(adjust_saturation, image, lower, upper, _stateless(seed))


# ---------------------------------------------------------------------- crops


def _crop(value: Any, size: Any, draw: Draw) -> torch.Tensor:
    """TF's `random_crop`: offsets `uniform(0, int32 max) % (shape - size + 1)`."""
    x = as_tensor(value)
    sizes = as_tensor(size, torch.int32)
    shape = [int(d) for d in x.shape]
    wanted = [int(v) for v in sizes.reshape(-1).tolist()]
    if sizes.dim() > 1 or len(wanted) != len(shape):
        raise InvalidArgumentError(
            None, None,
            f"Incompatible shapes: [{len(shape)}] vs. [{len(wanted)}] [Op:GreaterEqual] name: ")
    if any(have < want for have, want in zip(shape, wanted)):
        raise InvalidArgumentError(
            None, None,
            "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "
            "b'Need value.shape >= size, got '\n" + ", ".join(map(str, shape)) + "\n"
            + ", ".join(map(str, wanted)))
    draws = draw([len(shape)], 0, 2**31 - 1, torch.int32)
    with DisableTorchFunctionSubclass():
        limits = torch.tensor([have - want + 1 for have, want in zip(shape, wanted)],
                              dtype=torch.int32, device=draws.device)
        offsets = [int(v) for v in torch.remainder(draws, limits).tolist()]
    return _slice(x, offsets, wanted)


def random_crop(value: Any, size: Any, seed: Optional[int] = None,
                name: Optional[str] = None) -> torch.Tensor:
    """A slice of `value` of shape `size` at a uniformly drawn offset (every
    dimension is cropped: give the full size to keep one).

    >>> import tftape_torch as tf
    >>> tf.image.random_crop(tf.ones([4, 4, 3]), [2, 2, 3]).shape
    TensorShape([2, 2, 3])

    Raises:
      InvalidArgumentError: if `size` does not give one size per dimension of
        `value`, or asks for more than `value` has.
    """
    return _crop(value, size, _stateful(seed))


def stateless_random_crop(value: Any, size: Any, seed: Any,
                          name: Optional[str] = None) -> torch.Tensor:
    """`random_crop` with offsets that depend only on `seed` (a `[2]` int seed).

    >>> import tftape_torch as tf
    >>> tf.image.stateless_random_crop(tf.ones([4, 4, 3]), [2, 2, 3], seed=(1, 2)).shape
    TensorShape([2, 2, 3])
    """
    return _crop(value, size, _stateless(seed))
