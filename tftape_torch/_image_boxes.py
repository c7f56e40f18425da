"""`tf.image`'s box ops: drawing boxes on images (`draw_bounding_boxes`), cutting
windows out of them (`extract_glimpse`) and decoding region proposals from anchors
(`generate_bounding_box_proposals`).

Each op ports its TF 2.21 kernel (`DrawBoundingBoxes[V2]`, `ExtractGlimpseV2`,
`GenerateBoundingBoxProposals`): the same pixels, windows and boxes, TF's argument
errors, and TF's gradients (none for `DrawBoundingBoxes`, `LookupError` for the others,
which TF registers no gradient for). `extract_glimpse` fills the part of a window
outside the image with zeros (`noise='zero'`, as TF), or with noise drawn from
`tf.random.uniform` / `tf.random.normal` (`'uniform'`, `'gaussian'`): TF's distribution
and clipping, other random numbers. TF has only a GPU kernel for
`GenerateBoundingBoxProposals` (on CPU it raises NotFoundError); ours runs on every
device, following the CUDA kernel step by step.

>>> import tftape_torch as tf
>>> image = tf.zeros([1, 4, 5, 1])
>>> boxes = tf.constant([[[0.0, 0.0, 1.0, 0.5]]])
>>> out = tf.image.draw_bounding_boxes(image, boxes, tf.constant([[1.0]]))
>>> print(out[0, :, :, 0])
tf.Tensor(
[[1. 1. 1. 0. 0.]
 [1. 0. 1. 0. 0.]
 [1. 0. 1. 0. 0.]
 [1. 1. 1. 0. 0.]], shape=(4, 5), dtype=float32)
"""

from __future__ import annotations

import collections
import math
from typing import Any, List, Optional, Tuple

import numpy as np
import torch

from tftape_torch import random as _random
from tftape_torch._array_ops import convert_to_tensor
from tftape_torch._dtypes import kernel_name
from tftape_torch._op_call import as_result, as_tensor, call, disallowed
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._recorded_ops import unregistered_gradient, without_gradient
from tftape_torch._torch_internals import DisableTorchFunctionSubclass
from tftape_torch.errors import OutOfRangeError

__all__ = [
    "draw_bounding_boxes",
    "extract_glimpse",
    "generate_bounding_box_proposals",
]


def _dims(shape: Any) -> str:
    """TF's `TensorShape::DebugString`: `[1,2]`."""
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _float_input(value: Any, index: int, op: str) -> torch.Tensor:
    """An input TF declares `float`: Python values convert to float32, a tensor of
    another dtype is refused as TF's eager executor does."""
    x = as_tensor(value, torch.float32)
    if x.dtype != torch.float32:
        raise _error(f"cannot compute {op} as input #{index}(zero-based) was expected to be "
                     f"a float tensor but is a {kernel_name(x.dtype)} tensor", op)
    return x


# ---------------------------------------------------------------------------
# draw_bounding_boxes

# TF's `DefaultColorTable`: yellow, blue, red, lime, purple, olive, maroon, navy blue,
# aqua, fuchsia (RGBA).
_DEFAULT_COLORS: List[List[float]] = [
    [1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
    [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1],
]


def _box_edge(coordinate: np.float32, size: int) -> int:
    """`static_cast<int64>(coordinate * (size - 1))`, in float32 as the kernel."""
    return int(np.float32(coordinate) * np.float32(size - 1))


def _draw(images: torch.Tensor, boxes: torch.Tensor, table: List[List[float]]) -> torch.Tensor:
    out = images.clone()
    batch, height, width, depth = (int(d) for d in images.shape)
    colors = torch.tensor([row[:depth] for row in table], dtype=torch.float32)
    colors = colors.to(device=images.device, dtype=images.dtype)
    corners = boxes.detach().cpu().numpy().astype(np.float32)
    for b in range(batch):
        for k in range(corners.shape[1]):
            color = colors[k % len(table)]
            y0, x0 = _box_edge(corners[b, k, 0], height), _box_edge(corners[b, k, 1], width)
            y1, x1 = _box_edge(corners[b, k, 2], height), _box_edge(corners[b, k, 3], width)
            if y0 > y1 or x0 > x1:
                continue  # inverted: TF logs a warning and skips it
            if y0 >= height or y1 < 0 or x0 >= width or x1 < 0:
                continue  # completely outside the image
            r0, r1 = max(y0, 0), min(y1, height - 1)
            c0, c1 = max(x0, 0), min(x1, width - 1)
            if y0 >= 0:
                out[b, y0, c0:c1 + 1] = color
            if y1 < height:
                out[b, y1, c0:c1 + 1] = color
            if x0 >= 0:
                out[b, r0:r1 + 1, x0] = color
            if x1 < width:
                out[b, r0:r1 + 1, x1] = color
    return out


def draw_bounding_boxes(images: Any, boxes: Any, colors: Any,
                        name: Optional[str] = None) -> torch.Tensor:
    """Draws the outlines of `boxes` on a copy of `images` (`[batch, height, width,
    depth]`, float32 or float16, depth 1, 3 or 4).

    `boxes` is `[batch, num_boxes, 4]` float32, each `[y_min, x_min, y_max, x_max]` in
    `[0, 1]` relative to the image (a corner `c` lands on pixel `int(c * (size - 1))`);
    box `k` takes color `k % len(colors)`. Parts outside the image are not drawn;
    inverted boxes are skipped. `colors` (`[num_colors, >= depth]` float32) empty or
    `None` means TF's table (yellow, blue, red, lime, purple, olive, maroon, navy blue,
    aqua, fuchsia; channel 0 set to 1 for one-channel images).

    >>> import tftape_torch as tf
    >>> out = tf.image.draw_bounding_boxes(tf.zeros([1, 3, 3, 3]),
    ...                                    tf.constant([[[0.0, 0.0, 0.5, 0.5]]]), None)
    >>> print(out[0, :, :, 2])
    tf.Tensor(
    [[0. 0. 0.]
     [0. 0. 0.]
     [0. 0. 0.]], shape=(3, 3), dtype=float32)
    >>> print(out[0, :2, :2, 0])
    tf.Tensor(
    [[1. 1.]
     [1. 1.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for another image dtype, bad ranks or sizes, or `colors`
        that is not a matrix with at least `depth` columns.
    """
    op = "DrawBoundingBoxes" if colors is None else "DrawBoundingBoxesV2"
    x = as_tensor(images, torch.float32)
    if x.dtype not in (torch.float32, torch.float16):
        raise disallowed(op, x.dtype, "float, half")
    b = _float_input(boxes, 1, op)
    c = None if colors is None else _float_input(colors, 2, op)
    if x.dim() != 4:
        raise _error("The rank of the images should be 4", op)
    if b.dim() != 3:
        raise _error("The rank of the boxes tensor should be 3", op)
    if x.shape[0] != b.shape[0]:
        raise _error("The batch sizes should be the same", op)
    depth = int(x.shape[3])
    if depth not in (1, 3, 4):
        raise _error("Channel depth should be either 1 (GRY), 3 (RGB), or 4 (RGBA)", op)
    if b.shape[2] != 4:
        raise _error("The size of the third dimension of the box must be 4. Received: "
                     f"{int(b.shape[2])}", op)
    table: List[List[float]] = []
    if c is not None:
        if c.dim() != 2:
            raise _error(f"colors must be a 2-D matrix{_dims(c.shape)}", op)
        if c.shape[1] < depth:
            raise _error("colors must have equal or more channels than the image provided: "
                         f"{_dims(c.shape)}", op)
        if c.numel():
            with DisableTorchFunctionSubclass():
                table = [[float(v) for v in row[:depth]] for row in c.detach().cpu().tolist()]
    if not table:
        table = [list(row) for row in _DEFAULT_COLORS]
        if depth == 1:
            for row in table:
                row[0] = 1
    inputs = (x, b) if c is None else (x, b, c)
    kernel = without_gradient(_draw) if c is None else unregistered_gradient(op, _draw)
    return call(op, lambda *t: kernel(t[0], t[1], table), inputs, *inputs)


# ---------------------------------------------------------------------------
# extract_glimpse


def _glimpse_origin(offset: Tuple[float, float], size: Tuple[int, int],
                    image: Tuple[int, int], centered: bool, normalized: bool) -> List[int]:
    """The window's top-left pixel (TF's `GlimpseExtractionOp`, version 2), in float32
    and truncated toward zero as the kernel."""
    origin = []
    for value, glimpse, extent in zip(offset, size, image):
        v = np.float32(value)
        if normalized:
            v = np.float32(v * np.float32(extent))
            if centered:
                v = np.float32(v / np.float32(2.0))
                v = np.float32(v + np.float32(extent / 2.0))
                v = np.float32(v - np.float32(glimpse / 2.0))
        elif centered:
            v = np.float32(v + np.float32(extent / 2.0))
        origin.append(int(v))
    return origin


def _noise(image: torch.Tensor, shape: List[int], noise: str) -> torch.Tensor:
    """The background of a window that leaves the image: zeros; uniform noise in
    `[min, max)` of the whole image; or per channel a Gaussian with the channel's mean
    and standard deviation, clipped to the channel's range."""
    if noise == "zero":
        return torch.zeros(shape, dtype=image.dtype, device=image.device)
    if noise == "uniform":
        low, high = image.min(), image.max()
        draw = _random.uniform(shape, 0.0, 1.0, torch.float32)
        with DisableTorchFunctionSubclass():
            return (low + draw.to(image.device) * (high - low)).to(image.dtype)
    flat = image.reshape(-1, image.shape[-1]).to(torch.float32)
    mean = flat.mean(0)
    sigma = (flat - mean).square().mean(0).sqrt()
    draw = _random.normal(shape, dtype=torch.float32)
    with DisableTorchFunctionSubclass():
        value = mean + draw.to(image.device) * sigma
        return torch.minimum(torch.maximum(value, flat.min(0).values), flat.max(0).values)


def _glimpses(x: torch.Tensor, height: int, width: int, offsets: np.ndarray,
              centered: bool, normalized: bool, noise: str) -> torch.Tensor:
    batch, in_h, in_w, depth = (int(d) for d in x.shape)
    rows = []
    for i in range(batch):
        oy, ox = _glimpse_origin((float(offsets[i, 0]), float(offsets[i, 1])),
                                 (height, width), (in_h, in_w), centered, normalized)
        spans = []
        for origin, glimpse, extent in ((oy, height, in_h), (ox, width, in_w)):
            # (source start, target start, length, partial)
            if origin < 0:
                length = max(0, glimpse + origin)
                spans.append((0, glimpse - length, min(extent, length), True))
            elif origin + glimpse >= extent:
                length = max(0, extent - origin)
                spans.append((origin, 0, min(extent, length), True))
            else:
                spans.append((origin, 0, glimpse, False))
        (sy, ty, ly, py), (sx, tx, lx, px) = spans
        if not (py or px):
            rows.append(x[i, sy:sy + ly, sx:sx + lx])
            continue
        window = _noise(x[i], [height, width, depth], noise)
        if ly > 0 and lx > 0:
            window[ty:ty + ly, tx:tx + lx] = x[i, sy:sy + ly, sx:sx + lx]
        rows.append(window)
    return torch.stack(rows) if rows else x.new_zeros([0, height, width, depth])


def extract_glimpse(input: Any, size: Any, offsets: Any, centered: bool = True,
                    normalized: bool = True, noise: str = "uniform",
                    name: Optional[str] = None) -> torch.Tensor:
    """Extracts a window ("glimpse") of `size` (`[height, width]`) from each image of
    `input` (`[batch, height, width, channels]` float32), placed by `offsets`
    (`[batch, 2]`, `(y, x)`).

    With `normalized` and `centered`, offsets run from -1 to 1 across the image and
    place the window's center; `normalized` alone maps 0 and 1 to the image's edges;
    otherwise offsets are pixels (from the center when `centered`), placing the
    window's top-left corner. The part of a window outside the image is zeros
    (`noise='zero'`), uniform noise over the image's range (`'uniform'`) or clipped
    Gaussian noise per channel (`'gaussian'`).

    >>> import tftape_torch as tf
    >>> x = tf.reshape(tf.range(9.0), [1, 3, 3, 1])
    >>> y = tf.image.extract_glimpse(x, size=(2, 2), offsets=[[1, 1]],
    ...                              centered=False, normalized=False)
    >>> print(y[0, :, :, 0])
    tf.Tensor(
    [[4. 5.]
     [7. 8.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for bad ranks or shapes, a negative size or an unknown
        `noise`.
      ValueError: for tensors of other dtypes than float32 (`input`, `offsets`) and
        int32 (`size`).
    """
    op = "ExtractGlimpseV2"
    x = convert_to_tensor(input, torch.float32)
    window = convert_to_tensor(size, torch.int32)
    where = convert_to_tensor(offsets, torch.float32)
    if noise not in ("uniform", "gaussian", "zero"):
        raise _error(f"The noise could only be uniform, gaussian, or zero, got{noise}", op)
    if x.dim() != 4:
        raise _error("input must be 4-dimensional (batch_size, height, width, depth)"
                     f"{_dims(x.shape)}", op)
    if window.dim() != 1 or window.shape[0] != 2:
        raise _error(f"input must be a vector of size 2 (height, width){_dims(window.shape)}",
                     op)
    with DisableTorchFunctionSubclass():
        height, width = (int(v) for v in window.tolist())
    for extent in (height, width):
        if extent < 0:
            raise _error(f"Expected a non-negative size, got {extent}", op)
    if where.dim() != 2:
        raise _error(f"input must be a matrix{_dims(where.shape)}", op)
    if where.shape[0] != x.shape[0]:
        raise _error(f"first dimension should be batch{_dims(where.shape)}", op)
    if where.shape[1] != 2:
        raise _error(f"second dimension should be of size 2 (y,x){_dims(where.shape)}", op)
    shape = [int(x.shape[0]), height, width, int(x.shape[3])]

    def run(x: torch.Tensor, where: torch.Tensor) -> torch.Tensor:
        if math.prod(shape) == 0:
            return x.new_zeros(shape)
        return _glimpses(x, height, width, where.detach().cpu().numpy(), bool(centered),
                         bool(normalized), noise)

    return call(op, unregistered_gradient(op, run), (x, where), x, where)


# ---------------------------------------------------------------------------
# generate_bounding_box_proposals

_BBOX_XFORM_CLIP = np.float32(math.log(1000.0 / 16.0))

# TF's generated wrapper returns this namedtuple.
_Proposals = collections.namedtuple(  # type: ignore[name-match]
    "GenerateBoundingBoxProposals", ["rois", "roi_probabilities"])


def _passed(value: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
    return value


def _scalar(value: Any, index: int, dtype: torch.dtype, op: str) -> float:
    t = as_tensor(value, dtype)
    if t.dim() != 0:
        raise _error(f"Expected a scalar in input {index}but got shape {_dims(t.shape)}", op)
    with DisableTorchFunctionSubclass():
        return float(t.item())


def _nms_gpu(boxes: np.ndarray, threshold: np.float32, limit: int) -> List[int]:
    """TF's `NmsGpu` on boxes `[n, (x1, y1, x2, y2)]` sorted by score: keep a box
    unless an earlier kept one overlaps it with `intersection > union * threshold`
    (boxes of zero area overlap nothing)."""
    f32 = np.float32
    x1, y1, x2, y2 = (boxes[:, i].astype(f32) for i in range(4))
    area = ((x2 - x1) * (y2 - y1)).astype(f32)
    kept: List[int] = []
    removed = np.zeros(len(boxes), bool)
    for i in range(len(boxes)):
        if removed[i]:
            continue
        kept.append(i)
        if len(kept) >= limit:
            break
        w = np.maximum(np.minimum(x2[i], x2) - np.maximum(x1[i], x1), f32(0))
        h = np.maximum(np.minimum(y2[i], y2) - np.maximum(y1[i], y1), f32(0))
        inter = (w * h).astype(f32)
        union = ((area[i] + area).astype(f32) - inter).astype(f32)
        over = inter > (union * threshold).astype(f32)
        over &= (area[i] != 0) & (area != 0)
        over[: i + 1] = False
        removed |= over
    return kept


def _proposals(scores: np.ndarray, deltas: np.ndarray, info: np.ndarray,
               anchors: np.ndarray, nms_threshold: float, pre_nms_topn: int,
               min_size: float, post_nms_topn: int) -> Tuple[np.ndarray, np.ndarray]:
    f32 = np.float32
    count, height, width, num_anchors = scores.shape
    per_image = height * width * num_anchors
    keep_n = min(per_image, pre_nms_topn)
    anchors = anchors.reshape(-1, 4).astype(f32)
    rois = np.zeros([count, post_nms_topn, 4], f32)
    probs = np.zeros([count, post_nms_topn], f32)
    for n in range(count):
        flat = scores[n].reshape(-1)
        order = np.argsort(-flat, kind="stable")[:keep_n]  # cub's stable radix sort
        top = flat[order]
        a = anchors[order]
        d = deltas[n].reshape(-1, 4)[order].astype(f32)
        dw = np.minimum(d[:, 3], _BBOX_XFORM_CLIP)
        dh = np.minimum(d[:, 2], _BBOX_XFORM_CLIP)
        box_w = (a[:, 3] - a[:, 1]).astype(f32)
        ctr_x = (a[:, 1] + f32(0.5) * box_w).astype(f32)
        pred_x = (ctr_x + box_w * d[:, 1]).astype(f32)
        pred_w = (box_w * np.exp(dw)).astype(f32)
        box_h = (a[:, 2] - a[:, 0]).astype(f32)
        ctr_y = (a[:, 0] + f32(0.5) * box_h).astype(f32)
        pred_y = (ctr_y + box_h * d[:, 0]).astype(f32)
        pred_h = (box_h * np.exp(dh)).astype(f32)
        img_h, img_w = f32(info[n, 0]), f32(info[n, 1])
        least = f32(f32(min_size) * f32(info[n, 2]))
        xa = np.clip(pred_x - f32(0.5) * pred_w, f32(0), img_w).astype(f32)
        xb = np.clip(pred_x + f32(0.5) * pred_w, f32(0), img_w).astype(f32)
        ya = np.clip(pred_y - f32(0.5) * pred_h, f32(0), img_h).astype(f32)
        yb = np.clip(pred_y + f32(0.5) * pred_h, f32(0), img_h).astype(f32)
        keep = np.minimum(xb - xa, yb - ya) >= least
        boxes = np.stack([xa, ya, xb, yb], 1)[keep]
        kept = _nms_gpu(boxes, f32(nms_threshold), post_nms_topn)
        chosen = boxes[kept]
        rois[n, : len(kept)] = chosen[:, [1, 0, 3, 2]]
        probs[n, : len(kept)] = top[keep][kept]
    return rois, probs


def generate_bounding_box_proposals(scores: Any, bbox_deltas: Any, image_info: Any,
                                    anchors: Any, nms_threshold: Any = 0.7,
                                    pre_nms_topn: Any = 6000, min_size: Any = 16,
                                    post_nms_topn: int = 300, name: Optional[str] = None
                                    ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Region proposals: for each image, the `pre_nms_topn` best-scoring anchors are
    decoded with their deltas, clipped to the image, filtered by `min_size` and
    suppressed with non-maximum suppression at `nms_threshold`; the `post_nms_topn`
    best remain, zero-padded.

    `scores` is `[num_images, height, width, num_anchors]`, `bbox_deltas`
    `[num_images, height, width, 4 * num_anchors]` (`[dy, dx, dh, dw]` per anchor),
    `image_info` `[num_images, 5]` (height, width, scale, ...), `anchors`
    `[height, width, 4 * num_anchors]` (`[y1, x1, y2, x2]`). Returns `rois`
    (`[num_images, post_nms_topn, 4]`, `[y1, x1, y2, x2]`) and `roi_probabilities`
    (`[num_images, post_nms_topn]`), sorted by score.

    >>> import tftape_torch as tf
    >>> rois, probs = tf.image.generate_bounding_box_proposals(
    ...     tf.constant([[[[0.9]]]]), tf.zeros([1, 1, 1, 4]),
    ...     tf.constant([[64.0, 64.0, 1.0, 0.0, 0.0]]),
    ...     tf.constant([[[0.0, 0.0, 32.0, 40.0]]]), post_nms_topn=2)
    >>> print(rois)
    tf.Tensor(
    [[[ 0.  0. 32. 40.]
      [ 0.  0.  0.  0.]]], shape=(1, 2, 4), dtype=float32)
    >>> print(probs)
    tf.Tensor([[0.9 0. ]], shape=(1, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for a `post_nms_topn` or `pre_nms_topn` below 1, an
        `nms_threshold` outside `[0, 1]`, non-scalar thresholds, or inputs of other
        ranks or sizes than above.
      OutOfRangeError: when the anchors' last dimension is not `4 * num_anchors`.
    """
    op = "GenerateBoundingBoxProposals"
    if int(post_nms_topn) <= 0:
        raise _error("post_nms_topn can't be 0 or less", op)
    tensors = [_float_input(v, i, op) for i, v in
               enumerate((scores, bbox_deltas, image_info, anchors))]
    s, d, info, a = tensors
    for t, rank, what in ((s, 4, "scores"), (d, 4, "bbox_deltas"), (info, 2, "image_info"),
                          (a, 3, "anchors")):
        if t.dim() != rank:
            raise _error(f"{what} must be rank {rank} but is rank {t.dim()}", op)
    count, height, width, num_anchors = (int(v) for v in s.shape)
    if num_anchors == 0 or int(a.shape[2]) // num_anchors != 4:
        raise OutOfRangeError(None, None, f"Box dimensions need to be 4 [Op:{op}]")
    if (list(d.shape) != [count, height, width, 4 * num_anchors]
            or int(a.numel()) != height * width * num_anchors * 4
            or list(info.shape[:1]) != [count] or int(info.shape[1]) < 3):
        raise _error("scores, bbox_deltas, image_info and anchors have incompatible shapes: "
                     f"{_dims(s.shape)}, {_dims(d.shape)}, {_dims(info.shape)}, "
                     f"{_dims(a.shape)}", op)
    threshold = _scalar(nms_threshold, 4, torch.float32, op)
    if threshold < 0 or threshold > 1.0:
        raise _error(f"nms_threshold should be between 0 and 1. Got {threshold:g}", op)
    top_n = int(_scalar(pre_nms_topn, 5, torch.int32, op))
    if top_n <= 0:
        raise _error(f"pre_nms_topn should be greater than 0{top_n}", op)
    least = _scalar(min_size, 6, torch.float32, op)
    with DisableTorchFunctionSubclass():
        arrays = [t.detach().cpu().numpy() for t in tensors]
    rois, probs = _proposals(arrays[0], arrays[1], arrays[2], arrays[3], threshold, top_n,
                             least, int(post_nms_topn))
    outputs = []
    for value in (rois, probs):
        out = torch.from_numpy(value).to(s.device)
        outputs.append(as_result(call(op, unregistered_gradient(op, _passed), tensors, out,
                                      *tensors)))
    return _Proposals(outputs[0], outputs[1])
