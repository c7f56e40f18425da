"""`tf.image` non-maximum suppression against TensorFlow 2.21: `non_max_suppression`,
`..._with_scores` (hard and soft NMS, float32 and float16), `..._overlaps`,
`combined_non_max_suppression` (one box per class or shared, `pad_per_class`,
`clip_boxes`) and `non_max_suppression_padded` (single, batched, tiles, sorted and
canonical input), on 200 random boxes with tied scores and corners in either order;
TF's errors (class and message) and its missing gradients.
Answers live in `golden/cases_image_nms.json`.
"""

from __future__ import annotations

import numpy as np


def _boxes(n, seed):
    """`n` random boxes (corners swapped for about 30% of them) and scores whose first
    four are equal."""
    r = np.random.RandomState(seed)
    centers, sizes = r.uniform(0, 10, (n, 2)), r.uniform(0.5, 3, (n, 2))
    boxes = np.concatenate([centers - sizes / 2, centers + sizes / 2], 1).astype(np.float32)
    swap = r.rand(n) < 0.3
    boxes[swap] = boxes[swap][:, [2, 3, 0, 1]]
    scores = r.uniform(0, 1, n).astype(np.float32)
    scores[:3] = scores[3]
    return boxes, scores


def _error(fn):
    """Class and first message line (without TF's `{{function_node ...}}` prefix and
    `[Op:...] name: ` tail) of what `fn()` raises, else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        text = str(e).split("\n")[0].split("}} ")[-1].removesuffix(" name: ")
        return f"{type(e).__name__}: {text.split(' [Op:')[0]}"
    return "returned"


def case_nms(tf):
    b, s = (tf.constant(a) for a in _boxes(200, 1))
    return {
        "top": tf.image.non_max_suppression(b, s, 50),
        "thresholds": tf.image.non_max_suppression(b, s, 200, iou_threshold=0.3,
                                                   score_threshold=0.4),
        "none": tf.image.non_max_suppression(b, s, 0),
        "half": tf.image.non_max_suppression(tf.cast(b, tf.float16), tf.cast(s, tf.float16),
                                             100, iou_threshold=0.2),
        "tensor_args": tf.image.non_max_suppression(b, s, tf.constant(30),
                                                    tf.constant(0.6), tf.constant(0.2)),
    }


def case_nms_with_scores(tf):
    b, s = (tf.constant(a) for a in _boxes(200, 1))
    out = {}
    for sigma in (0.0, 0.1, 0.5, 1.0):
        out[f"sigma_{sigma}"] = tf.image.non_max_suppression_with_scores(
            b, s, 60, iou_threshold=0.4, score_threshold=0.05, soft_nms_sigma=sigma)
    half = tf.float16
    out["half"] = tf.image.non_max_suppression_with_scores(
        tf.cast(b, half), tf.cast(s, half), 60, iou_threshold=tf.constant(0.4, half),
        score_threshold=tf.constant(0.05, half), soft_nms_sigma=tf.constant(0.3, half))
    return out


def case_nms_overlaps(tf):
    r = np.random.RandomState(3)
    overlaps, scores = r.rand(40, 40).astype(np.float32), r.rand(40).astype(np.float32)
    return {
        "default": tf.image.non_max_suppression_overlaps(overlaps, scores, 20,
                                                         overlap_threshold=0.6),
        "threshold": tf.image.non_max_suppression_overlaps(
            overlaps, scores, 40, overlap_threshold=0.9, score_threshold=0.2),
    }


def case_combined_nms(tf):
    r = np.random.RandomState(5)
    boxes = np.stack([_boxes(60, k)[0] for k in range(6)]).reshape(2, 60, 3, 4) / 12.0
    scores = tf.constant(r.rand(2, 60, 3).astype(np.float32))
    out = {}
    for key, kw in {"default": {}, "pad_per_class": {"pad_per_class": True},
                    "unclipped": {"clip_boxes": False, "score_threshold": 0.3},
                    "iou": {"iou_threshold": 0.2}}.items():
        out[f"per_class_{key}"] = list(tf.image.combined_non_max_suppression(
            tf.constant(boxes, tf.float32), scores, 5, 12, **kw))
        out[f"shared_{key}"] = list(tf.image.combined_non_max_suppression(
            tf.constant(boxes[:, :, :1], tf.float32), scores, 7, 30, **kw))
    return out


def case_nms_padded(tf):
    b, s = (tf.constant(a) for a in _boxes(200, 1))
    pair_b, pair_s = tf.stack([b, b[::-1]]), tf.stack([s, s[::-1]])
    return {
        "single": list(tf.image.non_max_suppression_padded(b, s, 30)),
        "padded": list(tf.image.non_max_suppression_padded(
            b, s, 30, pad_to_max_output_size=True, score_threshold=0.3, tile_size=64)),
        "batched": list(tf.image.non_max_suppression_padded(
            pair_b, pair_s, 250, pad_to_max_output_size=True, iou_threshold=0.3,
            tile_size=32)),
        "sorted_canonical": list(tf.image.non_max_suppression_padded(
            tf.abs(pair_b), pair_s, 10, pad_to_max_output_size=True, sorted_input=True,
            canonicalized_coordinates=True)),
    }


def case_nms_gradients(tf):
    b, s = (tf.constant(a) for a in _boxes(20, 2))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([b, s])
        _, kept = tf.image.non_max_suppression_with_scores(b, s, 10, soft_nms_sigma=0.5)
        combined = tf.image.combined_non_max_suppression(
            tf.reshape(b / 12.0, [1, 20, 1, 4]), tf.reshape(s, [1, 20, 1]), 3, 3)
    return {
        "with_scores": _error(lambda: tape.gradient(kept, [b, s])),
        "combined_boxes": _error(lambda: tape.gradient(combined.nmsed_boxes, b)),
        "combined_scores": _error(lambda: tape.gradient(combined.nmsed_scores, s)),
    }


def case_nms_errors(tf):
    b, s = (tf.constant(a[:6]) for a in _boxes(6, 1))
    nms, combined = tf.image.non_max_suppression, tf.image.combined_non_max_suppression
    checks = {
        "double": lambda: nms(tf.cast(b, tf.float64), tf.cast(s, tf.float64), 3),
        "mixed": lambda: nms(b, tf.cast(s, tf.float16), 3),
        "negative_size": lambda: nms(b, s, -1),
        "iou_range": lambda: nms(b, s, 3, iou_threshold=1.5),
        "boxes_rank": lambda: nms(b[0], s, 3),
        "scores_size": lambda: nms(b, s[:2], 3),
        "columns": lambda: nms(b[:, :3], s, 3),
        "size_rank": lambda: nms(b, s, [3]),
        "size_float": lambda: nms(b, s, 3.0),
        "iou_rank": lambda: nms(b, s, 3, iou_threshold=[0.5]),
        "scores_rank": lambda: nms(b, tf.reshape(s, [2, 3]), 3),
        "v5_threshold_dtype": lambda: tf.image.non_max_suppression_with_scores(
            tf.cast(b, tf.float16), tf.cast(s, tf.float16), 3),
        "v5_sigma": lambda: tf.image.non_max_suppression_with_scores(
            b, s, 3, soft_nms_sigma=-1.0),
        "overlaps_square": lambda: tf.image.non_max_suppression_overlaps(
            tf.ones([3, 4]), tf.ones([3]), 2),
        "combined_q": lambda: combined(tf.ones([1, 3, 2, 4]), tf.ones([1, 3, 3]), 2, 3),
        "combined_per_class": lambda: combined(tf.ones([1, 3, 1, 4]), tf.ones([1, 3, 3]), 0, 3),
        "combined_total": lambda: combined(tf.ones([1, 3, 1, 4]), tf.ones([1, 3, 3]), 2, 0),
        "combined_batch": lambda: combined(tf.ones([3, 1, 4]), tf.ones([1, 3, 3]), 2, 3),
        "combined_rank": lambda: combined(tf.ones([1, 3, 4]), tf.ones([1, 3, 3]), 2, 3),
        "combined_scores_rank": lambda: combined(
            tf.ones([1, 3, 1, 4]), tf.ones([1, 3, 3, 1]), 2, 3),
        "combined_columns": lambda: combined(tf.ones([1, 3, 1, 3]), tf.ones([1, 3, 3]), 2, 3),
        "combined_boxes": lambda: combined(tf.ones([1, 3, 1, 4]), tf.ones([1, 4, 3]), 2, 3),
        "combined_size_rank": lambda: combined(tf.ones([1, 3, 1, 4]), tf.ones([1, 3, 3]),
                                               [2], 3),
        "combined_iou": lambda: combined(tf.ones([1, 3, 1, 4]), tf.ones([1, 3, 3]), 2, 3,
                                         iou_threshold=2.0),
        "padded_batch": lambda: tf.image.non_max_suppression_padded(
            tf.ones([2, 3, 4]), tf.ones([2, 3]), 2),
    }
    return {key: _error(fn) for key, fn in checks.items()}
