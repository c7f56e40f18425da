"""Non-maximum suppression (`tf.image.non_max_suppression` and its family): from boxes
scored by a detector, keep the best ones and drop those that overlap a kept box.

Boxes are `[y1, x1, y2, x2]` rows, corners in either order. The greedy kernels
(`non_max_suppression`, `..._with_scores`, `..._overlaps`, `combined_...`) are TF's
CPU kernels line by line: candidates leave a priority queue by score (the lower index
first on ties), the overlap is TF's float32 intersection-over-union, and soft-NMS
(`soft_nms_sigma > 0`) re-queues a candidate whose score decayed. Like TF's own
kernels they run on the host: the result's size depends on the values. The overlap
matrix is computed at once, in NumPy, with TF's float32 arithmetic.
`non_max_suppression_padded` is TF's tiled, batched algorithm (its own overlap, with an
epsilon, and its own suppression rule), ported op for op with torch.

None of these ops has a gradient in TF; asking for one through a float output raises
TF's `LookupError`.

>>> import tftape_torch as tf
>>> boxes = tf.constant([[0.0, 0.0, 1.0, 1.0], [0.0, 0.1, 1.0, 1.1],
...                      [0.0, 10.0, 1.0, 11.0]])
>>> print(tf.image.non_max_suppression(boxes, tf.constant([0.9, 0.8, 0.7]), 3))
tf.Tensor([0 2], shape=(2,), dtype=int32)
"""

from __future__ import annotations

import builtins
import heapq
import math
from typing import Any, List, NamedTuple, Optional, Tuple

import numpy as np
import torch

from tftape_torch._dtypes import dtype_name
from tftape_torch._op_call import as_result, as_tensor, disallowed
from tftape_torch._op_call import invalid_argument as _error
from tftape_torch._printing import numpy_value
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._tensor import dtype_mismatch
from tftape_torch._torch_internals import DisableTorchFunctionSubclass

__all__ = [
    "combined_non_max_suppression",
    "non_max_suppression",
    "non_max_suppression_overlaps",
    "non_max_suppression_padded",
    "non_max_suppression_with_scores",
]

_GREEDY_DTYPES = (torch.float16, torch.float32)


def _dims(t: torch.Tensor) -> str:
    return "[" + ",".join(str(d) for d in t.shape) + "]"


def _scalar(value: Any, name: str, op: str, detailed: bool, dtype: Optional[torch.dtype] = None
            ) -> torch.Tensor:
    """A 0-D argument of the kernel; V3's messages add the rank in words."""
    t = as_tensor(value, dtype)
    if t.dim() != 0:
        detail = f" (Shape must be rank 0 but is rank {t.dim()})" if detailed else ""
        raise _error(f"{name} must be 0-D, got shape {_dims(t)}{detail}", op)
    return t


def _threshold(value: Any, name: str, op: str, detailed: bool = False) -> torch.Tensor:
    t = _scalar(value, name, op, detailed)
    if t.dtype not in _GREEDY_DTYPES:
        raise _error(f"Value for attr 'T_threshold' of {dtype_name(t.dtype)} is not in the "
                     "list of allowed values: half, float", op)
    return t


def _boxes_and_scores(boxes: Any, scores: Any, op: str, dtypes: Tuple[torch.dtype, ...]
                      ) -> Tuple[torch.Tensor, torch.Tensor]:
    b = as_tensor(boxes)
    if b.dtype not in dtypes:
        raise disallowed(op, b.dtype, "half, float")
    s = as_tensor(scores)
    if s.dtype != b.dtype:
        raise dtype_mismatch(op, b.dtype, s.dtype)
    return b, s


def _check_shapes(b: torch.Tensor, s: torch.Tensor, op: str) -> None:
    if b.dim() != 2:
        raise _error(f"boxes must be 2-D{_dims(b)} (Shape must be rank 2 but is rank "
                     f"{b.dim()})", op)
    if b.shape[1] != 4:
        raise _error(f"boxes must have 4 columns (Dimension must be 4 but is {b.shape[1]})", op)
    if s.dim() != 1:
        raise _error(f"scores must be 1-D{_dims(s)} (Shape must be rank 1 but is rank "
                     f"{s.dim()})", op)
    if s.shape[0] != b.shape[0]:
        raise _error("scores has incompatible shape (Dimensions must be equal, but are "
                     f"{b.shape[0]} and {s.shape[0]})", op)


def _iou_matrix(boxes: np.ndarray) -> np.ndarray:
    """TF's `IOU(boxes, i, j)` for every pair, in float32 and in its order of operations:
    corners sorted, 0 where either box has no area."""
    b = boxes.astype(np.float32)
    ymin, ymax = np.minimum(b[:, 0], b[:, 2]), np.maximum(b[:, 0], b[:, 2])
    xmin, xmax = np.minimum(b[:, 1], b[:, 3]), np.maximum(b[:, 1], b[:, 3])
    area = (ymax - ymin) * (xmax - xmin)
    height = np.maximum(np.minimum(ymax[:, None], ymax) - np.maximum(ymin[:, None], ymin),
                        np.float32(0))
    width = np.maximum(np.minimum(xmax[:, None], xmax) - np.maximum(xmin[:, None], xmin),
                       np.float32(0))
    intersection = height * width
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = intersection / (area[:, None] + area - intersection)
    return np.where((area[:, None] <= 0) | (area <= 0), np.float32(0), iou).astype(np.float32)


def _greedy(scores: np.ndarray, similarity: np.ndarray, max_output_size: int,
            threshold: Any, score_threshold: Any, soft_nms_sigma: Any
            ) -> Tuple[List[int], List[Any]]:
    """TF's `DoNonMaxSuppressionOp`, with NumPy scalars of the kernel's type `T` so that
    every product rounds as TF's does."""
    t = scores.dtype.type
    threshold, score_threshold, sigma = t(threshold), t(score_threshold), t(soft_nms_sigma)
    queue = [(-t(s), i, 0) for i, s in enumerate(scores) if s > score_threshold]
    heapq.heapify(queue)
    soft = builtins.bool(sigma > 0)
    scale = t(-0.5) / sigma if soft else t(0)
    selected: List[int] = []
    selected_scores: List[Any] = []
    while len(selected) < max_output_size and queue:
        negative, index, begin = heapq.heappop(queue)
        score = original = -negative
        hard = False
        for j in range(len(selected) - 1, begin - 1, -1):
            sim = t(similarity[index, selected[j]])
            weight = t(np.exp(scale * sim * sim))
            score = t(score * (weight if soft or sim <= threshold else t(0)))
            if not soft and sim > threshold:
                hard = True
                break
            if score <= score_threshold:
                break
        if hard:
            continue
        if score == original:
            selected.append(index)
            selected_scores.append(score)
        elif score > score_threshold:
            heapq.heappush(queue, (-score, index, len(selected)))
    return selected, selected_scores


def _max_output_size(value: Any, op: str, detailed: bool) -> int:
    size = int(_scalar(value, "max_output_size", op, detailed, torch.int32).item())
    if size < 0:
        raise _error("output size must be non-negative", op)
    return size


def _indices(selected: List[int], like: torch.Tensor) -> torch.Tensor:
    return as_result(torch.tensor(selected, dtype=torch.int32, device=like.device))


def _passed(value: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
    return value


def _no_gradient(op: str, value: torch.Tensor, *inputs: torch.Tensor) -> torch.Tensor:
    """`value`, computed on the host from `inputs`, as TF op `op`'s output: a gradient
    through it raises TF's `LookupError`."""
    return as_result(unregistered_gradient(op, _passed)(value, *inputs))


def non_max_suppression(boxes: Any, scores: Any, max_output_size: Any,
                        iou_threshold: Any = 0.5, score_threshold: Any = float("-inf"),
                        name: Optional[str] = None) -> torch.Tensor:
    """The indices (int32) of at most `max_output_size` boxes, best score first, none of
    which overlaps a better one by an IoU above `iou_threshold`; boxes scoring at most
    `score_threshold` are never chosen.

    >>> import tftape_torch as tf
    >>> boxes = [[0.0, 0.0, 1.0, 1.0], [0.0, 0.5, 1.0, 1.5]]
    >>> print(tf.image.non_max_suppression(boxes, [0.6, 0.9], 2, iou_threshold=0.3))
    tf.Tensor([1], shape=(1,), dtype=int32)

    Raises:
      InvalidArgumentError: for boxes not `[N, 4]`, scores not `[N]`, a threshold
        outside [0, 1], a negative or non-scalar `max_output_size`, or dtypes other
        than half/float.
    """
    op = "NonMaxSuppressionV3"
    b, s = _boxes_and_scores(boxes, scores, op, _GREEDY_DTYPES)
    size = _max_output_size(max_output_size, op, True)
    iou = _threshold(iou_threshold, "iou_threshold", op, True)
    if not 0 <= float(iou) <= 1:
        raise _error("iou_threshold must be in [0, 1]", op)
    floor = _threshold(score_threshold, "score_threshold", op)
    _check_shapes(b, s, op)
    selected, _ = _greedy(numpy_value(s), _iou_matrix(numpy_value(b)), size,
                          numpy_value(iou), numpy_value(floor), 0)
    return _indices(selected, b)


def non_max_suppression_with_scores(boxes: Any, scores: Any, max_output_size: Any,
                                    iou_threshold: Any = 0.5,
                                    score_threshold: Any = float("-inf"),
                                    soft_nms_sigma: Any = 0.0,
                                    name: Optional[str] = None
                                    ) -> Tuple[torch.Tensor, torch.Tensor]:
    """`non_max_suppression` that also returns the chosen boxes' scores; with
    `soft_nms_sigma > 0` an overlap decays a score by `exp(-iou**2 / (2 sigma))`
    instead of removing the box (Soft-NMS, Bodla et al. 2017).

    >>> import tftape_torch as tf
    >>> boxes = [[0.0, 0.0, 1.0, 1.0], [0.0, 0.5, 1.0, 1.5]]
    >>> indices, kept = tf.image.non_max_suppression_with_scores(
    ...     boxes, [0.6, 0.9], 2, soft_nms_sigma=0.5)
    >>> print(indices)
    tf.Tensor([1 0], shape=(2,), dtype=int32)
    """
    op = "NonMaxSuppressionV5"
    b, s = _boxes_and_scores(boxes, scores, op, _GREEDY_DTYPES)
    size = _max_output_size(max_output_size, op, False)
    arguments = []
    for index, (value, arg) in enumerate(((iou_threshold, "iou_threshold"),
                                          (score_threshold, "score_threshold"),
                                          (soft_nms_sigma, "soft_nms_sigma")), start=3):
        t = as_tensor(value)
        if t.dtype != b.dtype:
            raise dtype_mismatch(op, b.dtype, t.dtype, index)
        arguments.append(_scalar(t, arg, op, False))
    iou, floor, sigma = arguments
    if not 0 <= float(iou) <= 1:
        raise _error("iou_threshold must be in [0, 1]", op)
    if float(sigma) < 0:
        raise _error("soft_nms_sigma_val must be >= 0", op)
    _check_shapes(b, s, op)
    selected, kept = _greedy(numpy_value(s), _iou_matrix(numpy_value(b)), size,
                             numpy_value(iou), numpy_value(floor), numpy_value(sigma))
    values = torch.tensor(np.array(kept, dtype=numpy_value(s).dtype).reshape(-1),
                          dtype=b.dtype, device=b.device)
    return _indices(selected, b), _no_gradient(op, values, s, b)


def non_max_suppression_overlaps(overlaps: Any, scores: Any, max_output_size: Any,
                                 overlap_threshold: Any = 0.5,
                                 score_threshold: Any = float("-inf"),
                                 name: Optional[str] = None) -> torch.Tensor:
    """`non_max_suppression` with the overlaps given: `overlaps[i, j]` is how much box
    `i` overlaps box `j` (float32, `[N, N]`); a box goes if it overlaps a chosen one by
    more than `overlap_threshold`.

    >>> import tftape_torch as tf
    >>> print(tf.image.non_max_suppression_overlaps(
    ...     [[1.0, 0.6], [0.6, 1.0]], [0.5, 0.6], 2))
    tf.Tensor([1], shape=(1,), dtype=int32)
    """
    op = "NonMaxSuppressionWithOverlaps"
    o = as_tensor(overlaps)
    if o.dtype != torch.float32:
        raise dtype_mismatch(op, torch.float32, o.dtype, 0)
    s = as_tensor(scores)
    if s.dtype != torch.float32:
        raise dtype_mismatch(op, torch.float32, s.dtype, 1)
    size = _max_output_size(max_output_size, op, False)
    threshold = _scalar(overlap_threshold, "overlap_threshold", op, False, torch.float32)
    floor = _scalar(score_threshold, "score_threshold", op, False, torch.float32)
    if o.dim() != 2:
        raise _error(f"overlaps must be 2-D{_dims(o)}", op)
    if o.shape[1] != o.shape[0]:
        raise _error(f"overlaps must be square{_dims(o)}", op)
    if s.dim() != 1:
        raise _error(f"scores must be 1-D{_dims(s)} (Shape must be rank 1 but is rank "
                     f"{s.dim()})", op)
    if s.shape[0] != o.shape[0]:
        raise _error("scores has incompatible shape (Dimensions must be equal, but are "
                     f"{o.shape[0]} and {s.shape[0]})", op)
    selected, _ = _greedy(numpy_value(s), numpy_value(o), size, numpy_value(threshold),
                          numpy_value(floor), 0)
    return _indices(selected, o)


class CombinedNonMaxSuppression(NamedTuple):
    """What `tf.image.combined_non_max_suppression` returns."""

    nmsed_boxes: torch.Tensor
    nmsed_scores: torch.Tensor
    nmsed_classes: torch.Tensor
    valid_detections: torch.Tensor


def _per_class(boxes: np.ndarray, scores: np.ndarray, limit: int, iou_threshold: float,
               score_threshold: float) -> List[Tuple[float, int]]:
    """TF's `DoNMSPerClass`: (score, box) of the boxes one class keeps, best first."""
    order = sorted((i for i in range(len(scores)) if scores[i] > score_threshold),
                   key=lambda i: -scores[i])
    iou = _iou_matrix(boxes) if order else np.zeros((0, 0), np.float32)
    kept: List[int] = []
    for i in order:
        if len(kept) >= limit:
            break
        if all(iou[i, j] <= iou_threshold for j in reversed(kept)):
            kept.append(i)
    return [(float(scores[i]), i) for i in kept]


def combined_non_max_suppression(boxes: Any, scores: Any, max_output_size_per_class: Any,
                                 max_total_size: Any, iou_threshold: Any = 0.5,
                                 score_threshold: Any = float("-inf"),
                                 pad_per_class: bool = False, clip_boxes: bool = True,
                                 name: Optional[str] = None) -> CombinedNonMaxSuppression:
    """Greedy NMS per image and class, then the best `max_total_size` detections of each
    image across its classes, padded with zeros.

    `boxes` is `[batch, num_boxes, q, 4]` (`q` 1, or one box per class), `scores`
    `[batch, num_boxes, num_classes]`. Returns `nmsed_boxes` `[batch, size, 4]` (clipped
    to [0, 1] unless `clip_boxes=False`), `nmsed_scores`, `nmsed_classes` (float32) and
    `valid_detections` (int32, `[batch]`), where `size` is `max_total_size`, or
    `min(max_total_size, max_output_size_per_class * num_classes)` with `pad_per_class`.
    Equal scores keep the order of classes and boxes (TF's heap and sort leave that
    order unspecified).

    >>> import tftape_torch as tf
    >>> out = tf.image.combined_non_max_suppression(
    ...     tf.constant([[[[0.0, 0.0, 1.0, 1.0]], [[0.0, 0.1, 1.0, 1.1]]]]),
    ...     tf.constant([[[0.9, 0.1], [0.8, 0.7]]]), 1, 3)
    >>> print(out.nmsed_scores)
    tf.Tensor([[0.9 0.7 0. ]], shape=(1, 3), dtype=float32)
    """
    op = "CombinedNonMaxSuppression"
    b, s = as_tensor(boxes), as_tensor(scores)
    for index, t in enumerate((b, s)):
        if t.dtype != torch.float32:
            raise dtype_mismatch(op, torch.float32, t.dtype, index)
    if b.dim() and s.dim() and b.shape[0] != s.shape[0]:  # TF 2.21 checks this first
        raise _error("boxes and scores must have same batch size", op)
    if b.dim() != 4:
        raise _error(f"boxes must be 4-D{_dims(b)}", op)
    if s.dim() != 3:
        raise _error(f"scores must be 3-D{_dims(s)}", op)
    batch, num_boxes, q, classes = b.shape[0], b.shape[1], b.shape[2], s.shape[2]
    if q not in (1, classes):
        raise _error("third dimension of boxes must be either 1 or num classes", op)
    if b.shape[3] != 4:
        raise _error("boxes must have 4 columns", op)
    if s.shape[1] != num_boxes:
        raise _error("scores has incompatible shape", op)
    per_class = int(_scalar(max_output_size_per_class, "max_size_per_class", op, False,
                            torch.int32).item())
    if per_class <= 0:
        raise _error("max_size_per_class must be positive", op)
    total_t = as_tensor(max_total_size)
    if total_t.dtype != torch.int32:
        raise dtype_mismatch(op, torch.int32, total_t.dtype, 3)
    total = int(_scalar(total_t, "max_total_size", op, False).item())
    if total <= 0:
        raise _error("max_total_size must be > 0", op)
    iou = float(_scalar(iou_threshold, "iou_threshold", op, False, torch.float32))
    floor = float(np.float32(_scalar(score_threshold, "score_threshold", op, False,
                                     torch.float32)))
    if not 0 <= iou <= 1:
        raise _error("iou_threshold must be in [0, 1]", op)
    size = builtins.min(total, per_class * classes) if pad_per_class else total
    box_values, score_values = numpy_value(b), numpy_value(s)
    out_boxes = np.zeros((batch, size, 4), np.float32)
    out_scores = np.zeros((batch, size), np.float32)
    out_classes = np.zeros((batch, size), np.float32)
    valid = np.zeros((batch,), np.int32)
    limit = builtins.min(per_class, num_boxes)
    for n in range(batch):
        found = []
        for c in range(classes):
            kept = _per_class(box_values[n, :, c if q > 1 else 0], score_values[n, :, c],
                              limit, np.float32(iou), np.float32(floor))
            found += [(score, c, i) for score, i in kept]
        found.sort(key=lambda item: -item[0])
        count = builtins.min(len(found), total if not pad_per_class else size)
        valid[n] = count
        for k, (score, c, i) in enumerate(found[:count]):
            corner = box_values[n, i, c if q > 1 else 0]
            out_boxes[n, k] = np.clip(corner, 0.0, 1.0) if clip_boxes else corner
            out_scores[n, k] = score
            out_classes[n, k] = c
    nmsed_boxes, nmsed_scores, nmsed_classes = (
        _no_gradient(op, torch.from_numpy(a).to(b.device), b, s)
        for a in (out_boxes, out_scores, out_classes))
    return CombinedNonMaxSuppression(nmsed_boxes, nmsed_scores, nmsed_classes,
                                     as_result(torch.from_numpy(valid).to(b.device)))


# ---------------------------------------------------------------------------
# non_max_suppression_padded: TF's tiled algorithm (non_max_suppression_padded_v2)


def _bbox_overlap(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    a_ymin, a_xmin, a_ymax, a_xmax = a.split(1, dim=2)
    b_ymin, b_xmin, b_ymax, b_xmax = (t.transpose(1, 2) for t in b.split(1, dim=2))
    width = torch.clamp_min(torch.minimum(a_xmax, b_xmax) - torch.maximum(a_xmin, b_xmin), 0)
    height = torch.clamp_min(torch.minimum(a_ymax, b_ymax) - torch.maximum(a_ymin, b_ymin), 0)
    intersection = width * height
    a_area = (a_ymax - a_ymin) * (a_xmax - a_xmin)
    b_area = (b_ymax - b_ymin) * (b_xmax - b_xmin)
    return intersection / (a_area + b_area - intersection + 1e-8)


def _self_suppression(iou: torch.Tensor, threshold: float) -> torch.Tensor:
    total = iou.sum(dim=(1, 2))
    while True:
        can_suppress = (iou.amax(dim=1) < threshold).to(iou.dtype).unsqueeze(-1)
        iou = ((can_suppress * iou).amax(dim=1) < threshold).to(iou.dtype).unsqueeze(-1) * iou
        new_total = iou.sum(dim=(1, 2))
        if not builtins.bool(torch.any(total - new_total > threshold)):
            return iou
        total = new_total


def _suppress_tile(boxes: torch.Tensor, threshold: float, index: int, tile: int
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
    tile_boxes = boxes[:, index * tile:(index + 1) * tile]
    for earlier in range(index):
        iou = _bbox_overlap(boxes[:, earlier * tile:(earlier + 1) * tile], tile_boxes)
        tile_boxes = torch.all(iou < threshold, dim=1).to(tile_boxes.dtype).unsqueeze(-1) \
            * tile_boxes
    iou = _bbox_overlap(tile_boxes, tile_boxes)
    steps = torch.arange(tile, device=boxes.device)
    upper = (steps.view(1, -1) > steps.view(-1, 1)).unsqueeze(0)
    iou = iou * (upper & (iou >= threshold)).to(iou.dtype)
    suppressed = _self_suppression(iou, threshold).sum(dim=1) > 0
    tile_boxes = tile_boxes * (1.0 - suppressed.to(tile_boxes.dtype)).unsqueeze(-1)
    boxes = torch.cat([boxes[:, :index * tile], tile_boxes, boxes[:, (index + 1) * tile:]], 1)
    return boxes, torch.any(tile_boxes > 0, dim=2).to(torch.int32).sum(dim=1)


def _padded_indices(boxes: torch.Tensor, scores: torch.Tensor, max_output_size: int,
                    iou_threshold: float, score_threshold: float, sorted_input: bool,
                    canonicalized_coordinates: bool, tile_size: int
                    ) -> Tuple[torch.Tensor, torch.Tensor]:
    num_boxes = boxes.shape[-2]
    boxes, scores = boxes.reshape(-1, num_boxes, 4), scores.reshape(-1, num_boxes)
    if score_threshold != float("-inf"):
        mask = (scores > score_threshold).to(scores.dtype)
        scores = scores * mask
        boxes = boxes * mask.to(boxes.dtype).unsqueeze(-1)
    if not canonicalized_coordinates:
        y1, x1, y2, x2 = boxes.split(1, dim=2)
        if not builtins.bool(y1[0, 0, 0] <= y2[0, 0, 0]):
            y1, y2 = y2, y1
        if not builtins.bool(x1[0, 0, 0] <= x2[0, 0, 0]):
            x1, x2 = x2, x1
        boxes = torch.cat([y1, x1, y2, x2], dim=2)
    order = torch.zeros_like(scores, dtype=torch.int64)
    if not sorted_input:
        order = torch.sort(scores, dim=1, descending=True, stable=True).indices
        boxes = torch.gather(boxes, 1, order.unsqueeze(-1).expand(-1, -1, 4))
    padded = math.ceil(builtins.max(num_boxes, max_output_size) / tile_size) * tile_size
    boxes = torch.nn.functional.pad(boxes.float(), (0, 0, 0, padded - num_boxes))
    sizes = torch.zeros(boxes.shape[0], dtype=torch.int32, device=boxes.device)
    for index in range(padded // tile_size):
        if not builtins.bool(sizes.min() < max_output_size):
            break
        boxes, found = _suppress_tile(boxes, iou_threshold, index, tile_size)
        sizes = sizes + found.to(torch.int32)
    valid = torch.clamp_max(sizes, max_output_size)
    rank = torch.any(boxes > 0, dim=2).to(torch.int32) * torch.arange(
        padded, 0, -1, dtype=torch.int32, device=boxes.device)
    top = torch.topk(rank, max_output_size, dim=1).values
    chosen = torch.clamp_max(padded - top, num_boxes - 1).long()
    if not sorted_input:
        chosen = torch.gather(order, 1, chosen)
    places = torch.arange(max_output_size, device=boxes.device).unsqueeze(0)
    chosen = torch.where(places < valid.unsqueeze(1), chosen, torch.zeros_like(chosen))
    return chosen.to(torch.int32), valid


def non_max_suppression_padded(boxes: Any, scores: Any, max_output_size: Any,
                               iou_threshold: Any = 0.5, score_threshold: Any = float("-inf"),
                               pad_to_max_output_size: bool = False,
                               name: Optional[str] = None, sorted_input: bool = False,
                               canonicalized_coordinates: bool = False, tile_size: int = 512
                               ) -> Tuple[torch.Tensor, torch.Tensor]:
    """Batched NMS with outputs of a fixed size: `(indices, num_valid)`, the indices
    padded with zeros to `max_output_size` per image (`pad_to_max_output_size=True`,
    required for batched `[..., N, 4]` boxes) or cut to the valid ones.

    TF's tiled algorithm: boxes sorted by score, tiles of `tile_size` suppressed by the
    tiles before them and then among themselves; its overlap adds 1e-8 to the union
    and suppresses from an IoU *at* the threshold, and a box whose corners are all
    `<= 0` counts as removed, all as in TF.

    >>> import tftape_torch as tf
    >>> boxes = tf.constant([[0.0, 0.0, 1.0, 1.0], [0.0, 0.1, 1.0, 1.1],
    ...                      [0.0, 10.0, 1.0, 11.0]])
    >>> indices, valid = tf.image.non_max_suppression_padded(
    ...     boxes, tf.constant([0.9, 0.8, 0.7]), 3, pad_to_max_output_size=True)
    >>> print(indices, valid)
    tf.Tensor([0 2 0], shape=(3,), dtype=int32) tf.Tensor(2, shape=(), dtype=int32)

    Raises:
      ValueError: for batched boxes without `pad_to_max_output_size`.
    """
    b, s = as_tensor(boxes), as_tensor(scores)
    if not pad_to_max_output_size and b.dim() > 2:
        raise ValueError(f"'pad_to_max_output_size' (value {pad_to_max_output_size}) must be "
                         "True for batched input")
    size = int(as_tensor(max_output_size).item())
    with DisableTorchFunctionSubclass():
        indices, valid = _padded_indices(
            b, s, size, float(as_tensor(iou_threshold).item()),
            float(as_tensor(score_threshold).item()), sorted_input, canonicalized_coordinates,
            int(tile_size))
    valid = as_result(valid.reshape(b.shape[:-2]))
    if not pad_to_max_output_size:
        return as_result(indices[0, :int(valid.item())]), valid
    return as_result(indices.reshape(*b.shape[:-2], size)), valid
