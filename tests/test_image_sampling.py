"""Statistical and reference checks of `tf.image`'s sampling and box ops that a single
conformance answer cannot hold: `sample_distorted_bounding_box` over many seeds
(constraints of every crop, determinism, the distribution of areas against TF's
stateless op where TF is installed), `extract_glimpse`'s noise statistics, and
`generate_bounding_box_proposals` (TF has only a GPU kernel) against a NumPy reading of
TF's CUDA kernel and a hand-worked example.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from typing import Any, List

import numpy as np
import pytest

import tftape_torch as tf

BOX = np.array([[[0.2, 0.1, 0.7, 0.6]]], np.float32)


def _crops(op, n, **kwargs):
    out = []
    for k in range(n):
        seed = (k, 7) if op is tf.image.stateless_sample_distorted_bounding_box else k + 1
        begin, size, bbox = op([60, 90, 3], tf.constant(BOX), seed, **kwargs)
        out.append((begin.numpy().tolist(), size.numpy().tolist(), bbox.numpy().reshape(-1)))
    return out


@pytest.mark.parametrize("stateless", [False, True])
def test_every_crop_meets_the_constraints(stateless: bool) -> None:
    op = (tf.image.stateless_sample_distorted_bounding_box if stateless
          else tf.image.sample_distorted_bounding_box)
    kwargs = {"min_object_covered": 0.5, "aspect_ratio_range": (0.5, 2.0),
              "area_range": (0.1, 0.8)}
    obj = (int(0.1 * 90), int(0.2 * 60), int(0.6 * 90), int(0.7 * 60))  # x0, y0, x1, y1
    fallbacks = 0
    for begin, size, bbox in _crops(op, 300, **kwargs):
        assert begin[2] == 0 and size[2] == -1
        if begin[:2] == [0, 0] and size[:2] == [60, 90]:
            fallbacks += 1
            continue
        y, x, h, w = begin[0], begin[1], size[0], size[1]
        assert 0 <= y and 0 <= x and y + h <= 60 and x + w <= 90
        assert 0.1 * 5400 <= h * w <= 0.8 * 5400
        # width = round(height * ratio) with ratio in range
        assert round(h * 0.5) - 1 <= w <= round(h * 2.0) + 1
        ix = max(0, min(x + w, obj[2]) - max(x, obj[0]))
        iy = max(0, min(y + h, obj[3]) - max(y, obj[1]))
        assert ix * iy >= 0.5 * (obj[2] - obj[0]) * (obj[3] - obj[1])
        np.testing.assert_allclose(bbox, [y / 60, x / 90, (y + h) / 60, (x + w) / 90],
                                   rtol=1e-6)
    assert fallbacks < 30


def test_impossible_constraints_fall_back_to_the_whole_image() -> None:
    for stateless in (False, True):
        op = (tf.image.stateless_sample_distorted_bounding_box if stateless
              else tf.image.sample_distorted_bounding_box)
        for begin, size, bbox in _crops(op, 20, area_range=(0.01, 0.02),
                                        min_object_covered=0.99, max_attempts=3):
            assert begin == [0, 0, 0] and size == [60, 90, -1]
            assert bbox.tolist() == [0.0, 0.0, 1.0, 1.0]


def test_stateless_repeats_and_stateful_follows_the_global_seed() -> None:
    s = tf.image.stateless_sample_distorted_bounding_box
    a = [t.numpy().tolist() for t in s([60, 90, 3], BOX, (3, 4))]
    b = [t.numpy().tolist() for t in s([60, 90, 3], BOX, (3, 4))]
    assert a == b
    seeds = {tuple(s([60, 90, 3], BOX, (k, 4))[1].numpy().tolist()) for k in range(20)}
    assert len(seeds) > 5

    def run():
        tf.random.set_seed(11)
        op = tf.image.sample_distorted_bounding_box
        return [op([60, 90, 3], BOX, seed=3)[1].numpy().tolist() for _ in range(5)]

    try:
        first, second = run(), run()
    finally:
        tf.random.set_seed(None)
    assert first == second
    assert len({tuple(v) for v in first}) > 1  # the op's stream moves on call by call


def test_stateful_area_distribution_is_the_stateless_ones() -> None:
    """Our stateful op (other random bits) against our stateless one (TF's bits): the
    same distribution of crop areas (two-sample Kolmogorov-Smirnov, loose)."""
    kwargs = {"min_object_covered": 0.1, "area_range": (0.05, 1.0)}
    ours = [s[0] * s[1] for _, s, _ in _crops(tf.image.sample_distorted_bounding_box, 400,
                                               **kwargs)]
    tf_bits = [s[0] * s[1] for _, s, _ in
               _crops(tf.image.stateless_sample_distorted_bounding_box, 400, **kwargs)]
    grid = np.linspace(0, 5400, 200)
    cdf_a = np.searchsorted(np.sort(ours), grid, side="right") / len(ours)
    cdf_b = np.searchsorted(np.sort(tf_bits), grid, side="right") / len(tf_bits)
    assert np.max(np.abs(cdf_a - cdf_b)) < 0.12


def _sampling_problems() -> List[Any]:
    r = np.random.RandomState(5)
    problems = []
    for _ in range(60):
        height, width = (int(v) for v in r.randint(1, 500, 2))
        lo = r.uniform(0.0, 0.6, (1, 2, 2))
        boxes = np.concatenate([lo, np.minimum(lo + r.uniform(0, 0.5, (1, 2, 2)), 1.0)],
                               -1).astype(np.float32)
        kwargs = {"min_object_covered": float(r.choice([0.0, 0.3, 0.8])),
                  "aspect_ratio_range": sorted(r.uniform(0.3, 3.0, 2).tolist()),
                  "area_range": sorted(r.uniform(0.02, 1.0, 2).tolist()),
                  "max_attempts": int(r.choice([1, 10, 100]))}
        seed = [int(v) for v in r.randint(-2**31, 2**31 - 1, 2)]
        problems.append(([height, width, 3], boxes.tolist(), seed, kwargs))
    return problems


_TF_CHILD = """
import json, sys
import numpy as np
import tensorflow as tf
out = []
for shape, boxes, seed, kwargs in json.load(sys.stdin):
    results = tf.image.stateless_sample_distorted_bounding_box(
        shape, np.array(boxes, np.float32), seed, **kwargs)
    out.append([r.numpy().tolist() for r in results])
print(json.dumps(out))
"""


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs TensorFlow")
def test_stateless_matches_tensorflow_for_many_seeds() -> None:
    """TF's crops computed in a child process (TensorFlow never enters this one)."""
    problems = _sampling_problems()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
    proc = subprocess.run([sys.executable, "-c", _TF_CHILD], input=json.dumps(problems),
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    wanted = json.loads(proc.stdout.strip().splitlines()[-1])
    for (shape, boxes, seed, kwargs), want in zip(problems, wanted):
        got = tf.image.stateless_sample_distorted_bounding_box(
            shape, np.array(boxes, np.float32), seed, **kwargs)
        for w, g in zip(want, got):
            np.testing.assert_array_equal(np.array(w, dtype=g.numpy().dtype), g.numpy())


# ---------------------------------------------------------------------------
# extract_glimpse noise


def test_glimpse_noise_statistics() -> None:
    r = np.random.RandomState(0)
    image = np.stack([r.uniform(2.0, 6.0, (40, 50)), r.normal(1.0, 0.5, (40, 50))], -1)
    x = tf.constant(image[None].astype(np.float32))
    far = [[50.0, 50.0]]  # wholly outside: every pixel is noise
    uniform = tf.image.extract_glimpse(x, [60, 60], far, noise="uniform").numpy()
    assert uniform.shape == (1, 60, 60, 2) and uniform.dtype == np.float32
    lo, hi = image.min(), image.max()
    assert uniform.min() >= lo and uniform.max() < hi
    assert abs(uniform.mean() - (lo + hi) / 2) < 0.05 * (hi - lo)
    assert abs(uniform.std() - (hi - lo) / np.sqrt(12)) < 0.05 * (hi - lo)
    gauss = tf.image.extract_glimpse(x, [60, 60], far, noise="gaussian").numpy()
    for c in range(2):
        channel = image[..., c].astype(np.float32)
        values = gauss[0, :, :, c]
        assert values.min() >= channel.min() and values.max() <= channel.max()
        assert abs(np.median(values) - channel.mean()) < 0.1 * channel.std()
        assert abs(values.std() - channel.std()) < 0.15 * channel.std()
    zero = tf.image.extract_glimpse(x, [60, 60], far, noise="zero").numpy()
    assert not zero.any()


# ---------------------------------------------------------------------------
# generate_bounding_box_proposals


def _reference(scores, deltas, info, anchors, nms, pre, min_size, post):
    """TF's CUDA kernel read literally, one box at a time, in float32."""
    f = np.float32
    n, h, w, a = scores.shape
    rois = np.zeros([n, post, 4], f)
    probs = np.zeros([n, post], f)
    clip = f(np.log(1000.0 / 16.0))
    for i in range(n):
        flat = scores[i].reshape(-1)
        order = sorted(range(flat.size), key=lambda k: -flat[k])[:min(flat.size, pre)]
        boxes, kept_scores = [], []
        for k in order:
            y1, x1, y2, x2 = anchors.reshape(-1, 4)[k]
            dy, dx, dh, dw = deltas[i].reshape(-1, 4)[k]
            dw, dh = min(dw, clip), min(dh, clip)
            bw = f(x2 - x1)
            cx = f(x1 + f(0.5) * bw)
            px = f(cx + f(bw * dx))
            pw = f(bw * f(np.exp(dw)))
            bh = f(y2 - y1)
            cy = f(y1 + f(0.5) * bh)
            py = f(cy + f(bh * dy))
            ph = f(bh * f(np.exp(dh)))
            bx1 = max(min(f(px - f(0.5) * pw), info[i, 1]), f(0))
            bx2 = max(min(f(px + f(0.5) * pw), info[i, 1]), f(0))
            by1 = max(min(f(py - f(0.5) * ph), info[i, 0]), f(0))
            by2 = max(min(f(py + f(0.5) * ph), info[i, 0]), f(0))
            if min(f(bx2 - bx1), f(by2 - by1)) >= f(min_size * info[i, 2]):
                boxes.append((bx1, by1, bx2, by2))
                kept_scores.append(flat[k])
        keep: list = []
        for j, b in enumerate(boxes):
            if len(keep) >= post:
                break
            ok = True
            for m in keep:
                c = boxes[m]
                area_c = f(f(c[2] - c[0]) * f(c[3] - c[1]))
                area_b = f(f(b[2] - b[0]) * f(b[3] - b[1]))
                if area_c == 0 or area_b == 0:
                    continue
                iw = max(f(min(c[2], b[2]) - max(c[0], b[0])), f(0))
                ih = max(f(min(c[3], b[3]) - max(c[1], b[1])), f(0))
                inter = f(iw * ih)
                if inter > f(f(f(area_c + area_b) - inter) * f(nms)):
                    ok = False
                    break
            if ok:
                keep.append(j)
        for slot, j in enumerate(keep):
            b = boxes[j]
            rois[i, slot] = [b[1], b[0], b[3], b[2]]
            probs[i, slot] = kept_scores[j]
    return rois, probs


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generate_bounding_box_proposals_matches_the_kernel(seed: int) -> None:
    r = np.random.RandomState(seed)
    n, h, w, a = 2, 5, 6, 3
    scores = r.rand(n, h, w, a).astype(np.float32)
    scores[0, 0, 0, :2] = scores[0, 1, 1, 0]  # ties keep their order
    deltas = r.normal(0, 0.3, (n, h, w, 4 * a)).astype(np.float32)
    centers = r.uniform(0, 64, (h, w, a, 2))
    sizes = r.uniform(4, 40, (h, w, a, 2))
    anchors = np.concatenate([centers - sizes / 2, centers + sizes / 2], -1)
    anchors = anchors.reshape(h, w, 4 * a).astype(np.float32)
    info = np.array([[64, 60, 1.0, 0, 0], [50, 64, 0.5, 0, 0]], np.float32)
    for nms, pre, min_size, post in ((0.7, 6000, 16.0, 300), (0.3, 40, 4.0, 25),
                                     (0.5, 10, 0.0, 5)):
        rois, probs = tf.image.generate_bounding_box_proposals(
            scores, deltas, info, anchors, nms_threshold=nms, pre_nms_topn=pre,
            min_size=min_size, post_nms_topn=post)
        want_rois, want_probs = _reference(scores, deltas, info, anchors, nms, pre,
                                           min_size, post)
        assert rois.shape == (2, post, 4) and probs.shape == (2, post)
        assert rois.dtype == tf.float32 and probs.dtype == tf.float32
        np.testing.assert_allclose(rois.numpy(), want_rois, rtol=1e-6, atol=1e-5)
        np.testing.assert_array_equal(probs.numpy(), want_probs)


def test_generate_bounding_box_proposals_by_hand() -> None:
    scores = tf.constant([[[[0.2, 0.9]], [[0.8, 0.1]]]])  # [1, 2, 1, 2]
    deltas = tf.zeros([1, 2, 1, 8])
    anchors = tf.constant([[[0.0, 0.0, 20.0, 20.0, 0.0, 0.0, 30.0, 10.0]],
                           [[0.0, 0.0, 19.0, 20.0, 40.0, 40.0, 60.0, 60.0]]])
    info = tf.constant([[50.0, 50.0, 1.0, 0.0, 0.0]])
    rois, probs = tf.image.generate_bounding_box_proposals(
        scores, deltas, info, anchors, nms_threshold=0.5, min_size=5.0, post_nms_topn=4)
    # scores sorted: 0.9 (y 0-30, x 0-10), 0.8 (0-19, 0-20) kept (IoU 190/410),
    # 0.2 (0-20, 0-20) suppressed by the 0.8 box, 0.1 (40-60 clipped to 40-50) kept.
    np.testing.assert_allclose(rois.numpy()[0], [[0, 0, 30, 10], [0, 0, 19, 20],
                                                 [40, 40, 50, 50], [0, 0, 0, 0]])
    np.testing.assert_allclose(probs.numpy()[0], [0.9, 0.8, 0.1, 0.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="post_nms_topn"):
        tf.image.generate_bounding_box_proposals(scores, deltas, info, anchors,
                                                 post_nms_topn=0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="nms_threshold"):
        tf.image.generate_bounding_box_proposals(scores, deltas, info, anchors,
                                                 nms_threshold=1.5)
    with pytest.raises(tf.errors.OutOfRangeError, match="Box dimensions"):
        tf.image.generate_bounding_box_proposals(scores, deltas, info, anchors[..., :6])
    with pytest.raises(LookupError):
        with tf.GradientTape() as tape:
            tape.watch(scores)
            out = tf.image.generate_bounding_box_proposals(scores, deltas, info, anchors)
        tape.gradient(out.roi_probabilities, scores)
