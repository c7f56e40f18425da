"""`tf.image.sample_distorted_bounding_box` and its stateless twin: a random crop of an
image (`begin` and `size` for `tf.slice`, and the box for `draw_bounding_boxes`) that
meets area, aspect-ratio and object-coverage constraints.

Both port TF 2.21's `SampleDistortedBoundingBoxBaseOp`: up to `max_attempts` times
draw an aspect ratio, then a height (width follows by rounding), then a position, and
keep the first crop that covers at least `min_object_covered` of one of the boxes;
after `max_attempts` failures, the whole image. The random bits come from a port of
TF's Philox-4x32-10 generator (`SimplePhilox` over `PhiloxRandom`). The stateless op
keys it from the seed as TF's `GenerateKey` does, so it returns TF's crop for every
seed; the stateful op keys it from the package's random generator (TF's global and op
seed rules, `tf.random.set_seed`), so it gives other crops than TF, from the same
distribution.

>>> import tftape_torch as tf
>>> begin, size, box = tf.image.stateless_sample_distorted_bounding_box(
...     [3, 3, 1], tf.constant([[[0.0, 0.0, 1.0, 1.0]]]), seed=(1, 2))
>>> print(begin, size)
tf.Tensor([0 0 0], shape=(3,), dtype=int32) tf.Tensor([ 2  2 -1], shape=(3,), dtype=int32)
"""

from __future__ import annotations

from typing import Any, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import torch

from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._device import current_device
from tftape_torch._dtypes import kernel_name
from tftape_torch._op_call import as_result, as_tensor, call
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._random_seeds import op_generator
from tftape_torch._recorded_ops import unregistered_gradient, without_gradient
from tftape_torch._torch_internals import DisableTorchFunctionSubclass
from tftape_torch.errors import InvalidArgumentError

__all__ = ["sample_distorted_bounding_box", "stateless_sample_distorted_bounding_box"]

_MASK = 0xFFFFFFFF
_F32 = np.float32
_SIZE_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


# ---------------------------------------------------------------------------
# TF's Philox-4x32-10 (`tensorflow/core/lib/random/philox_random.h`)


def _philox(counter: Sequence[int], key: Sequence[int]) -> List[int]:
    """One block of four 32-bit words for `counter` (4 words) and `key` (2 words)."""
    c0, c1, c2, c3 = counter
    k0, k1 = key
    for _ in range(10):
        p0 = 0xD2511F53 * c0
        p1 = 0xCD9E8D57 * c2
        c0, c1, c2, c3 = (p1 >> 32) ^ c1 ^ k0, p1 & _MASK, (p0 >> 32) ^ c3 ^ k1, p0 & _MASK
        k0 = (k0 + 0x9E3779B9) & _MASK
        k1 = (k1 + 0xBB67AE85) & _MASK
    return [c0, c1, c2, c3]


def _stateless_key(seed0: int, seed1: int) -> Tuple[List[int], List[int]]:
    """TF's `GenerateKey`: the key and counter a `[2]` seed gives stateless ops."""
    seed0 &= (1 << 64) - 1
    seed1 &= (1 << 64) - 1
    mix = _philox([seed0 & _MASK, seed0 >> 32, seed1 & _MASK, seed1 >> 32],
                  [0x3EC8F720, 0x02461E29])
    return [mix[0], mix[1]], [0, 0, mix[2], mix[3]]


class _SimplePhilox:
    """TF's `SimplePhilox`: 32-bit words, floats in `[0, 1)` and exact uniform ints."""

    def __init__(self, key: List[int], counter: List[int]) -> None:
        self._words = self._stream(key, list(counter))

    @staticmethod
    def _stream(key: List[int], counter: List[int]) -> Iterator[int]:
        while True:
            yield from _philox(counter, key)
            for i in range(4):
                counter[i] = (counter[i] + 1) & _MASK
                if counter[i]:
                    break

    def rand32(self) -> int:
        return next(self._words)

    def rand_float(self) -> np.float32:
        bits = np.array([(127 << 23) | (self.rand32() & 0x7FFFFF)], np.uint32)
        return _F32(bits.view(np.float32)[0] - _F32(1.0))

    def uniform(self, n: int) -> int:
        """TF's `ExactUniformInt`: uniform in `[0, n)` by rejection sampling."""
        if n == 0:
            self.rand32()
            return 0
        if n & (n - 1) == 0:
            return self.rand32() & (n - 1)
        rem = (_MASK % n) + 1
        while True:
            bits = self.rand32()
            if bits >= rem:
                return bits % n


# ---------------------------------------------------------------------------
# The kernel's sampling


def _lrintf(value: Any) -> int:
    return int(np.rint(_F32(value)))


def _random_crop(width: int, height: int, min_area_frac: np.float32,
                 max_area_frac: np.float32, ratio: np.float32, rng: _SimplePhilox
                 ) -> Optional[Tuple[int, int, int, int]]:
    """TF's `GenerateRandomCrop`: `(x_min, y_min, x_max, y_max)` or None, in the
    kernel's float32 arithmetic."""
    if max_area_frac <= 0 or ratio <= 0 or width <= 0 or height <= 0 \
            or min_area_frac > max_area_frac:
        return None
    min_area = _F32(_F32(min_area_frac * _F32(width)) * _F32(height))
    max_area = _F32(_F32(max_area_frac * _F32(width)) * _F32(height))
    crop_h = _lrintf(np.sqrt(_F32(min_area / ratio)))
    max_h = _lrintf(np.sqrt(_F32(max_area / ratio)))
    if _lrintf(_F32(max_h) * ratio) > width:
        max_h = int((width + 0.5 - float(_F32(1e-7))) / float(ratio))
        if _lrintf(_F32(max_h) * ratio) > width:
            max_h -= 1
    max_h = min(max_h, height)
    crop_h = min(crop_h, max_h)
    if crop_h < max_h:
        crop_h += rng.uniform(max_h - crop_h + 1)
    crop_w = _lrintf(_F32(crop_h) * ratio)
    area = _F32(crop_w * crop_h)
    if area < min_area:
        crop_h += 1
        crop_w = _lrintf(_F32(crop_h) * ratio)
        area = _F32(crop_w * crop_h)
    if area > max_area:
        crop_h -= 1
        crop_w = _lrintf(_F32(crop_h) * ratio)
        area = _F32(crop_w * crop_h)
    if area < min_area or area > max_area or crop_w > width or crop_h > height \
            or crop_w <= 0 or crop_h <= 0:
        return None
    y = rng.uniform(height - crop_h) if crop_h < height else 0
    x = rng.uniform(width - crop_w) if crop_w < width else 0
    return x, y, x + crop_w, y + crop_h


def _area(r: Tuple[int, int, int, int]) -> np.float32:
    return _F32((r[2] - r[0]) * (r[3] - r[1]))


def _covers(crop: Tuple[int, int, int, int], fraction: np.float32,
            boxes: List[Tuple[int, int, int, int]]) -> bool:
    """TF's `SatisfiesOverlapConstraints`."""
    if _area(crop) < 1:
        return False
    for box in boxes:
        box_area = _area(box)
        if box_area < 1:
            continue
        lo_x, lo_y = max(crop[0], box[0]), max(crop[1], box[1])
        hi_x, hi_y = min(crop[2], box[2]), min(crop[3], box[3])
        inter = (0, 0, 0, 0) if lo_x > hi_x or lo_y > hi_y else (lo_x, lo_y, hi_x, hi_y)
        if _F32(_area(inter) / box_area) >= fraction:
            return True
    return False


# ---------------------------------------------------------------------------
# Arguments


def _dims(shape: Any) -> str:
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _num(value: Any) -> str:
    """A float32 as TF's `StrCat` prints it (shortest of 6 or 9 significant digits)."""
    v = _F32(value)
    text = f"{float(v):.6g}"
    if _F32(float(text)) != v:
        text = f"{float(v):.9g}"
    return text


def _not_allowed(attr: str, dtype: torch.dtype, allowed: str, op: str) -> InvalidArgumentError:
    return _error(f"Value for attr '{attr}' of {kernel_name(dtype)} is not in the list of "
                  f"allowed values: {allowed}", op)


def _attrs(aspect_ratio_range: Any, area_range: Any, max_attempts: Any, op: str
           ) -> Tuple[List[np.float32], List[np.float32], int]:
    """The constructor's checks of the op's attributes, with TF's defaults."""
    ratios = [_F32(v) for v in (aspect_ratio_range if aspect_ratio_range is not None
                                else [0.75, 1.33])]
    if len(ratios) != 2:
        raise _error("Aspect ratio range field must specify 2 dimensions", op)
    if not (ratios[0] > 0 and ratios[1] > 0):
        raise _error(f"Aspect ratio range must be non-negative: [{_num(ratios[0])}, "
                     f"{_num(ratios[1])}]", op)
    areas = [_F32(v) for v in (area_range if area_range is not None else [0.05, 1.0])]
    if len(areas) != 2:
        raise _error("Area range field must specify 2 dimensions", op)
    if not (areas[0] > 0 and areas[1] > 0):
        raise _error(f"Area range must be non-negative: [{_num(areas[0])}, "
                     f"{_num(areas[1])}]", op)
    if not (areas[0] <= 1 and areas[1] <= 1):
        raise _error(f"Area range must be less then or equal to 1.0: [{_num(areas[0])}, "
                     f"{_num(areas[1])}]", op)
    attempts = 100 if max_attempts is None else int(max_attempts)
    if attempts <= 0:
        raise _error(f"Max attempts must be non-negative: {attempts}", op)
    return ratios, areas, attempts


def _sample(op: str, image_size: Any, bounding_boxes: Any, min_object_covered: Any,
            aspect_ratio_range: Any, area_range: Any, max_attempts: Any,
            use_image_if_no_bounding_boxes: Any, seed: Any, stateless: bool
            ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    size_t = as_tensor(image_size)
    if size_t.dtype not in _SIZE_DTYPES:
        raise _not_allowed("T", size_t.dtype, "uint8, int8, int16, int32, int64", op)
    boxes_t = convert_to_tensor(bounding_boxes, torch.float32)
    covered_t = convert_to_tensor(min_object_covered, torch.float32)
    seed_t = None
    if stateless:
        seed_t = as_tensor(seed)
        if seed_t.dtype not in (torch.int32, torch.int64):
            raise _not_allowed("Tseed", seed_t.dtype, "int32, int64", op)
    ratios, areas, attempts = _attrs(aspect_ratio_range, area_range, max_attempts, op)
    if seed_t is not None and (seed_t.dim() != 1 or seed_t.shape[0] != 2):
        raise _error(f"seed must have shape [2], not {_dims(seed_t.shape)}", op)
    if size_t.dim() != 1:
        raise _error(f"image_size must be 1-dimensional{_dims(size_t.shape)}", op)
    if size_t.shape[0] != 3:
        raise _error(f"image_size must contain 3 elements{_dims(size_t.shape)}", op)
    with DisableTorchFunctionSubclass():
        height, width = (int(v) for v in size_t.tolist()[:2])
        corners = boxes_t.detach().cpu().numpy().astype(np.float32)
        covered = _F32(covered_t.item()) if covered_t.dim() == 0 else None
    for what, extent in (("height", height), ("width", width)):
        if not 0 <= extent < 2**31 - 1:
            raise _error(f"image {what} cannot be >= int32 max", op)
    if boxes_t.dim() != 3:
        raise _error("input boxes must be 3-dimensional [batch, num_boxes, coords]: "
                     f"{_dims(boxes_t.shape)}", op)
    if boxes_t.shape[-1] != 4:
        raise _error(f"bounding boxes must have shape [4] or [*, 4], got {_dims(boxes_t.shape)}",
                     op)
    if covered is None:
        raise _error(f"min_object_covered must be 0-D, got shape {_dims(covered_t.shape)}", op)
    if not covered >= 0:
        raise _error(f"Min object covered must be non-negative: {_num(covered)}", op)
    boxes: List[Tuple[int, int, int, int]] = []
    for row in corners.reshape(-1, 4):
        for v in row:
            if not 0.0 <= v <= 1.0:
                raise _error(f"All bounding box coordinates must be in [0.0, 1.0]: {_num(v)}",
                             op)
        boxes.append((int(row[1] * _F32(width)), int(row[0] * _F32(height)),
                      int(row[3] * _F32(width)), int(row[2] * _F32(height))))
    image_rect = (0, 0, width, height)
    if not boxes:
        if not use_image_if_no_bounding_boxes:
            raise _error("No bounding boxes provided as input. One must enable "
                         "use_image_if_no_bounding_boxes if you wish to not provide any "
                         "bounding boxes.", op)
        boxes.append(image_rect)

    if seed_t is not None:
        with DisableTorchFunctionSubclass():
            key, counter = _stateless_key(*(int(v) for v in seed_t.tolist()))
    else:
        key, counter = _stateful_key(seed, op)
    rng = _SimplePhilox(key, counter)
    crop = image_rect
    for _ in range(attempts):
        ratio = _F32(_F32(rng.rand_float() * _F32(ratios[1] - ratios[0])) + ratios[0])
        candidate = _random_crop(width, height, areas[0], areas[1], ratio, rng)
        if candidate is not None and _covers(candidate, covered, boxes):
            crop = candidate
            break

    np_dtype = {torch.uint8: np.uint8, torch.int8: np.int8, torch.int16: np.int16,
                torch.int32: np.int32, torch.int64: np.int64}[size_t.dtype]
    begin = np.array([crop[1], crop[0], 0], np.int64).astype(np_dtype)
    size = np.array([crop[3] - crop[1], crop[2] - crop[0], -1], np.int64).astype(np_dtype)
    bbox = np.array([crop[1] / _F32(height), crop[0] / _F32(width),
                     crop[3] / _F32(height), crop[2] / _F32(width)], np.float32)
    device = boxes_t.device
    values = [torch.from_numpy(begin).to(device), torch.from_numpy(size).to(device),
              torch.from_numpy(bbox.reshape(1, 1, 4)).to(device)]
    inputs = (size_t, boxes_t, covered_t)
    fn = unregistered_gradient(op, _passed) if stateless else without_gradient(_passed)
    out = [as_result(call(op, fn, inputs, v, *inputs)) for v in values]
    return out[0], out[1], out[2]


def _passed(value: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
    return value


def _stateful_key(seed: Any, op: str) -> Tuple[List[int], List[int]]:
    """A Philox key and counter drawn from the package's generator for op seed `seed`
    (0: unseeded, as TF, which then ignores the global seed too)."""
    if seed:
        generator = op_generator(current_device(), int(seed))
    else:
        if torch.are_deterministic_algorithms_enabled():
            raise ValueError(
                "tf.image.sample_distorted_bounding_box requires a non-zero seed to be "
                f"passed in when determinism is enabled, but got seed={seed}. Please pass "
                'in a non-zero seed, e.g. by passing "seed=1".')
        generator = None
    device = generator.device if generator is not None else None
    words = torch.randint(0, 2**32, (6,), dtype=torch.int64, generator=generator,
                          device=device)
    with DisableTorchFunctionSubclass():
        w = [int(v) for v in words.tolist()]
    return w[:2], w[2:]


def sample_distorted_bounding_box(image_size: Any, bounding_boxes: Any, seed: int = 0,
                                  min_object_covered: Any = 0.1,
                                  aspect_ratio_range: Optional[Sequence[float]] = None,
                                  area_range: Optional[Sequence[float]] = None,
                                  max_attempts: Optional[int] = None,
                                  use_image_if_no_bounding_boxes: Optional[bool] = None,
                                  name: Optional[str] = None
                                  ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A random crop of an image of `image_size` (`[height, width, channels]`, an
    integer tensor) that covers at least `min_object_covered` of one of
    `bounding_boxes` (`[batch, N, 4]` float32, `[y_min, x_min, y_max, x_max]` in
    `[0, 1]`).

    The crop's area is within `area_range` (default `[0.05, 1]`) of the image's, its
    aspect ratio (width / height) within `aspect_ratio_range` (default `[0.75, 1.33]`);
    after `max_attempts` (default 100) failed draws it is the whole image. With no
    boxes, `use_image_if_no_bounding_boxes=True` uses the whole image as the box.
    Returns `begin` and `size` (for `tf.slice`, of `image_size`'s dtype) and the crop as
    a `[1, 1, 4]` float32 box. `seed` is the op seed (0: unseeded).

    >>> import tftape_torch as tf
    >>> begin, size, box = tf.image.sample_distorted_bounding_box(
    ...     [40, 60, 3], tf.constant([[[0.2, 0.2, 0.8, 0.8]]]), seed=4,
    ...     area_range=[0.3, 1.0])
    >>> int(begin[2]), int(size[2]), box.shape
    (0, -1, TensorShape([1, 1, 4]))
    >>> bool(0.3 * 2400 <= int(size[0]) * int(size[1]) <= 2400)
    True

    Raises:
      InvalidArgumentError: for bad ranks, sizes, dtypes or ranges (TF's messages).
      ValueError: for `seed=0` while op determinism is enabled.
    """
    return _sample("SampleDistortedBoundingBoxV2", image_size, bounding_boxes,
                   min_object_covered, aspect_ratio_range, area_range, max_attempts,
                   use_image_if_no_bounding_boxes, seed, stateless=False)


def stateless_sample_distorted_bounding_box(
        image_size: Any, bounding_boxes: Any, seed: Any, min_object_covered: Any = 0.1,
        aspect_ratio_range: Optional[Sequence[float]] = None,
        area_range: Optional[Sequence[float]] = None, max_attempts: Optional[int] = None,
        use_image_if_no_bounding_boxes: Optional[bool] = None, name: Optional[str] = None
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """`sample_distorted_bounding_box` whose crop depends only on `seed` (a `[2]` int32
    or int64 seed): TF's crop for that seed, bit for bit.

    >>> import tftape_torch as tf
    >>> image = tf.reshape(tf.range(1, 10), [3, 3, 1])
    >>> begin, size, _ = tf.image.stateless_sample_distorted_bounding_box(
    ...     tf.shape(image), tf.constant([[[0.0, 0.0, 1.0, 1.0]]]), seed=(1, 2))
    >>> print(tf.slice(image, begin, size)[:, :, 0])
    tf.Tensor(
    [[1 2]
     [4 5]], shape=(2, 2), dtype=int32)

    Raises:
      InvalidArgumentError: for a seed not of shape `[2]`, and as
        `sample_distorted_bounding_box`.
    """
    return _sample("StatelessSampleDistortedBoundingBox", image_size, bounding_boxes,
                   min_object_covered, aspect_ratio_range, area_range, max_attempts,
                   use_image_if_no_bounding_boxes, seed, stateless=True)
