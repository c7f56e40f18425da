"""`tf.image`'s box ops and MS-SSIM against TensorFlow 2.21: `draw_bounding_boxes`
(default and given colors, 1/3/4 channels, float32 and float16, boxes partly or wholly
outside the image, inverted boxes), `extract_glimpse` (every `centered`/`normalized`
combination, windows inside, across and outside the image, `noise='zero'` exactly;
`'uniform'`/`'gaussian'`: what holds for every draw), `ssim_multiscale` (values and
tape gradients), `stateless_sample_distorted_bounding_box` (TF's crop for each seed,
bit for bit), `sample_distorted_bounding_box` (shapes, dtypes and constraints), and the
argument errors (class and message) and missing gradients.

`generate_bounding_box_proposals` has only a GPU kernel in TF (NotFoundError on CPU),
so its values are checked in `tests/test_image_sampling.py`, not here.
Answers live in `golden/cases_image_boxes.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import tolerance


def _error(fn):
    """Class and first message line (without TF's `{{function_node ...}}` prefix and
    `[Op:...] name: ` tail) of what `fn()` raises, else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        text = str(e).split("\n")[0].split("}} ")[-1].removesuffix(" name: ")
        return f"{type(e).__name__}: {text.split(' [Op:')[0]}"
    return "returned"


def _image(shape, seed=0):
    return np.random.RandomState(seed).uniform(0.1, 0.9, shape).astype(np.float32)


_BOXES = np.array([[[0.1, 0.2, 0.6, 0.7], [-0.2, 0.3, 0.5, 1.4], [0.5, 0.5, 0.5, 0.9],
                    [0.8, 0.1, 0.2, 0.6], [1.2, 0.0, 1.5, 1.0], [-0.5, -0.5, 2.0, 2.0],
                    [0.0, 0.0, 1.0, 1.0], [0.3, 0.3, 0.35, 0.35], [0.0, 0.9, 0.4, 0.95],
                    [0.25, -1.0, 0.75, 0.05], [0.6, 0.6, 0.99, 0.99], [0.4, 0.1, 0.9, 0.3]],
                   [[0.0, 0.0, 0.5, 0.5], [0.2, 0.2, 0.8, 0.8], [0.9, 0.9, 1.0, 1.0],
                    [0.0, 0.0, 0.0, 0.0], [0.1, 0.6, 0.3, 0.2], [0.5, 0.0, 1.0, 0.5],
                    [0.33, 0.33, 0.66, 0.66], [-0.1, 0.4, 1.1, 0.6], [0.7, 0.2, 0.8, 0.9],
                    [0.05, 0.05, 0.95, 0.95], [0.45, 0.45, 0.55, 0.55],
                    [0.0, 0.5, 1.0, 1.0]]], np.float32)


def case_draw_bounding_boxes_default_colors(tf):
    boxes = tf.constant(_BOXES)
    return {f"depth_{d}": tf.image.draw_bounding_boxes(tf.constant(_image([2, 9, 11, d])),
                                                       boxes, None)
            for d in (1, 3, 4)}


def case_draw_bounding_boxes_colors(tf):
    boxes = tf.constant(_BOXES)
    colors = tf.constant([[0.2, 0.4, 0.6, 0.8], [1.0, 0.0, 0.5, 0.25], [0.1, 0.9, 0.3, 0.7]])
    x3 = tf.constant(_image([2, 9, 11, 3]))
    return {
        "given": tf.image.draw_bounding_boxes(x3, boxes, colors),
        "extra_columns": tf.image.draw_bounding_boxes(tf.constant(_image([2, 7, 6, 1])),
                                                      boxes, colors),
        "empty_colors": tf.image.draw_bounding_boxes(x3, boxes, tf.zeros([0, 3])),
        "list_colors": tf.image.draw_bounding_boxes(x3, boxes, [[1, 0, 0]]),
        "half": tf.image.draw_bounding_boxes(tf.cast(x3, tf.float16), boxes, colors),
        "half_default": tf.image.draw_bounding_boxes(tf.cast(x3, tf.float16), boxes, None),
        "one_pixel": tf.image.draw_bounding_boxes([[[[0.5]]]], [[[0.0, 0.0, 1.0, 1.0]]],
                                                  None),
        "no_boxes": tf.image.draw_bounding_boxes(x3, tf.zeros([2, 0, 4]), colors),
    }


def case_draw_bounding_boxes_errors(tf):
    x, b = tf.constant(_image([1, 5, 5, 3])), tf.constant(_BOXES[:1, :2])
    d = tf.image.draw_bounding_boxes
    checks = {
        "uint8": lambda: d(tf.cast(x * 255, tf.uint8), b, None),
        "double": lambda: d(tf.cast(x, tf.float64), b, [[1.0, 0.0, 0.0]]),
        "image_rank": lambda: d(x[0], b, None),
        "boxes_rank": lambda: d(x, b[0], None),
        "batch": lambda: d(tf.zeros([2, 5, 5, 3]), b, None),
        "depth": lambda: d(tf.zeros([1, 5, 5, 2]), b, None),
        "box_size": lambda: d(x, b[..., :3], None),
        "colors_columns": lambda: d(x, b, [[1.0, 0.0]]),
        "colors_rank": lambda: d(x, b, [1.0, 0.0, 0.0]),
        "half_boxes": lambda: d(x, tf.cast(b, tf.float16), None),
        "double_colors": lambda: d(x, b, tf.constant([[1.0, 0.0, 0.0]], tf.float64)),
    }
    return {key: _error(fn) for key, fn in checks.items()}


def case_draw_bounding_boxes_gradients(tf):
    x, b = tf.constant(_image([1, 5, 5, 3])), tf.constant(_BOXES[:1, :2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, b])
        v1 = tf.image.draw_bounding_boxes(x, b, None)
        v2 = tf.image.draw_bounding_boxes(x, b, [[1.0, 0.0, 0.0]])
    return {"default": tape.gradient(v1, [x, b]),
            "colors": _error(lambda: tape.gradient(v2, [x, b]))}


_OFFSETS = [[0.0, 0.0], [0.9, -0.7], [-1.0, 1.0], [0.3, 0.45], [2.5, 0.1], [-0.6, -3.0]]
_PIXEL_OFFSETS = [[1.0, 2.0], [-2.6, 3.4], [6.0, -1.0], [0.0, 0.0], [-20.0, 4.0],
                  [4.7, 7.9]]


def case_extract_glimpse_zero_noise(tf):
    x = tf.constant(_image([6, 7, 9, 2]))
    out = {}
    for centered in (True, False):
        for normalized in (True, False):
            offsets = _OFFSETS if normalized else _PIXEL_OFFSETS
            if normalized and not centered:
                offsets = [[abs(a) / 2, abs(b) / 2] for a, b in offsets]
            for size in ((3, 4), (7, 9), (10, 12), (1, 1)):
                key = f"c{int(centered)}_n{int(normalized)}_{size[0]}x{size[1]}"
                out[key] = tf.image.extract_glimpse(x, size, offsets, centered=centered,
                                                    normalized=normalized, noise="zero")
    out["empty"] = tf.image.extract_glimpse(x, [0, 3], _OFFSETS, noise="zero")
    out["tensor_args"] = tf.image.extract_glimpse(x, tf.constant([2, 5]),
                                                  tf.constant(_OFFSETS), noise="zero")
    return out


def case_extract_glimpse_noise(tf):
    """Uniform noise lies in the image's range; Gaussian noise in each channel's; the
    part inside the image is the image."""
    x = tf.constant(_image([3, 5, 6, 2]) * np.array([1.0, 4.0], np.float32))
    offsets = [[0.9, 0.9], [-0.95, 0.0], [0.0, 0.0]]
    exact = tf.image.extract_glimpse(x, [4, 4], offsets, noise="zero")
    inside = tf.image.extract_glimpse(tf.ones_like(x), [4, 4], offsets, noise="zero")
    out = {}
    for noise in ("uniform", "gaussian"):
        y = tf.image.extract_glimpse(x, [4, 4], offsets, noise=noise)
        out[f"{noise}_shape"] = list(y.shape)
        out[f"{noise}_dtype"] = tf.zeros([0], y.dtype)
        out[f"{noise}_inside"] = bool(tf.reduce_all(tf.where(inside > 0, y, exact) == exact))
        if noise == "uniform":
            lo = tf.reduce_min(x, [1, 2, 3], keepdims=True)
            hi = tf.reduce_max(x, [1, 2, 3], keepdims=True)
        else:
            lo = tf.reduce_min(x, [1, 2], keepdims=True)
            hi = tf.reduce_max(x, [1, 2], keepdims=True)
        out[f"{noise}_in_range"] = bool(tf.reduce_all((y >= lo) & (y <= hi)))
    return out


def case_extract_glimpse_errors(tf):
    x = tf.constant(_image([2, 5, 6, 3]))
    g = tf.image.extract_glimpse
    two = [[0.0, 0.0], [1.0, 1.0]]
    checks = {
        "input_rank": lambda: g(x[0], [3, 3], [[0.0, 0.0]], noise="zero"),
        "size_shape": lambda: g(x, [3, 3, 1], two, noise="zero"),
        "offsets_rank": lambda: g(x, [3, 3], [0.0, 0.0], noise="zero"),
        "offsets_batch": lambda: g(x, [3, 3], [[0.0, 0.0]], noise="zero"),
        "offsets_columns": lambda: g(x, [3, 3], [[0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]),
        "noise": lambda: g(x, [3, 3], two, noise="bad"),
        "negative": lambda: g(x, [-3, 3], two, noise="zero"),
        "double": lambda: g(tf.cast(x, tf.float64), [3, 3], two, noise="zero"),
        "int64_size": lambda: g(x, tf.constant([3, 3], tf.int64), two, noise="zero"),
        "int_offsets": lambda: g(x, [3, 3], tf.constant([[0, 0], [1, 1]]), noise="zero"),
    }
    out = {key: _error(fn) for key, fn in checks.items()}
    # the double input's message holds the tensor's repr: keep its first words
    out["double"] = out["double"].split(" for Tensor")[0]
    out["int64_size"] = out["int64_size"].split(" for Tensor")[0]
    out["int_offsets"] = out["int_offsets"].split(" for Tensor")[0]
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = g(x, [3, 3], two, noise="zero")
    out["gradient"] = _error(lambda: tape.gradient(y, x))
    return out


def _ssim_images(seed, shape):
    r = np.random.RandomState(seed)
    a = r.uniform(0.0, 1.0, shape).astype(np.float32)
    b = np.clip(a + r.normal(0.0, 0.1, shape), 0.0, 1.0).astype(np.float32)
    return a, b


@tolerance(rtol=2e-4, atol=1e-5)
def case_ssim_multiscale(tf):
    a, b = _ssim_images(0, [2, 48, 52, 3])
    ua, ub = (tf.cast(tf.constant(v) * 255.0, tf.uint8) for v in (a, b))
    return {
        "small_filter": tf.image.ssim_multiscale(a, b, 1.0, filter_size=3),
        "three_scales": tf.image.ssim_multiscale(a, b, 1.0, power_factors=(0.2, 0.3, 0.5),
                                                 filter_size=5, filter_sigma=1.0),
        "uint8": tf.image.ssim_multiscale(ua, ub, 255, filter_size=3),
        "broadcast": tf.image.ssim_multiscale(a[:1], b, 1.0, power_factors=(0.5, 0.5),
                                              filter_size=7, k1=0.02, k2=0.05),
        "single_image": tf.image.ssim_multiscale(a[0], b[0], 1.0, power_factors=[1.0]),
        "identical": tf.image.ssim_multiscale(a, a, 1.0, filter_size=3),
    }


@tolerance(rtol=2e-3, atol=1e-5)
def case_ssim_multiscale_gradient(tf):
    a, b = (tf.constant(v) for v in _ssim_images(1, [2, 24, 28, 2]))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        y = tf.image.ssim_multiscale(a, b, 1.0, power_factors=(0.3, 0.7), filter_size=5)
        z = tf.image.ssim_multiscale(a, b, 1.0, power_factors=(0.2, 0.3, 0.5), filter_size=3)
    return {"two_scales": tape.gradient(y, [a, b]), "three_scales": tape.gradient(z, [a, b])}


def case_ssim_multiscale_errors(tf):
    a = tf.zeros([2, 16, 16, 1])
    m = tf.image.ssim_multiscale
    checks = {
        "too_small": lambda: m(a, a, 1.0),
        "too_small_later": lambda: m(a, a, 1.0, filter_size=5),
        "rank": lambda: m(a[0, 0], a[0, 0], 1.0),
        "shapes": lambda: m(a, a[:, :8], 1.0),
        "batch": lambda: m(tf.zeros([3, 16, 16, 1]), a, 1.0),
        "no_scales": lambda: m(a, a, 1.0, power_factors=[], filter_size=3),
    }
    return {key: _error(fn) for key, fn in checks.items()}


def case_ssim_errors(tf):
    """`tf.image.ssim`'s checks: the same as MS-SSIM's first scale (TF's assertion
    message, with the image's shape and the filter size)."""
    a = tf.zeros([2, 6, 9, 1])
    s = tf.image.ssim
    checks = {
        "too_small": lambda: s(a, a, 1.0),
        "too_small_map": lambda: s(a, a, 1.0, filter_size=7, return_index_map=True),
        "fits": lambda: s(a, a, 1.0, filter_size=6),
        "rank": lambda: s(a[0, 0], a[0, 0], 1.0),
        "shapes": lambda: s(a, a[:, :4], 1.0),
        "batch": lambda: s(tf.zeros([3, 6, 9, 1]), a, 1.0, filter_size=3),
    }
    return {key: _error(fn) for key, fn in checks.items()}


def _sampling_inputs(k):
    r = np.random.RandomState(100 + k)
    height, width = (int(v) for v in r.randint(1, 300, 2))
    n = int(r.randint(0, 4))
    lo = r.uniform(0.0, 0.7, (1, n, 2))
    hi = np.minimum(lo + r.uniform(0.0, 0.6, (1, n, 2)), 1.0)
    boxes = np.concatenate([lo, hi], -1).astype(np.float32)
    kwargs = {
        "min_object_covered": float(r.choice([0.0, 0.1, 0.5, 0.9])),
        "aspect_ratio_range": sorted(float(v) for v in r.uniform(0.2, 3.0, 2)),
        "area_range": sorted(float(v) for v in r.uniform(0.01, 1.0, 2)),
        "max_attempts": int(r.choice([1, 5, 100])),
        "use_image_if_no_bounding_boxes": True,
    }
    seed = [int(v) for v in r.randint(-2**31, 2**31 - 1, 2)]
    return [height, width, 3], boxes, seed, kwargs


def case_stateless_sample_distorted_bounding_box(tf):
    out = {}
    for k in range(40):
        size, boxes, seed, kwargs = _sampling_inputs(k)
        out[f"draw_{k}"] = list(tf.image.stateless_sample_distorted_bounding_box(
            size, tf.constant(boxes), seed, **kwargs))
    box = tf.constant([[[0.1, 0.2, 0.7, 0.9]]])
    out["defaults"] = list(tf.image.stateless_sample_distorted_bounding_box(
        [40, 60, 3], box, (1, 2)))
    out["int64_seed_uint8_size"] = list(tf.image.stateless_sample_distorted_bounding_box(
        tf.constant([40, 60, 3], tf.uint8), box, tf.constant([7, -3], tf.int64)))
    out["int64_size"] = list(tf.image.stateless_sample_distorted_bounding_box(
        tf.constant([400, 600, 3], tf.int64), box, (5, 6), area_range=(0.5, 0.6)))
    out["fallback"] = list(tf.image.stateless_sample_distorted_bounding_box(
        [40, 60, 3], box, (1, 2), area_range=(0.01, 0.02), min_object_covered=0.9))
    out["tensor_covered"] = list(tf.image.stateless_sample_distorted_bounding_box(
        [40, 60, 3], box, (3, 2), min_object_covered=tf.constant(0.5)))
    return out


def case_sample_distorted_bounding_box_constraints(tf):
    """The stateful op's crops are other than TF's: check what holds for every draw."""
    box = tf.constant([[[0.2, 0.1, 0.7, 0.6]]])
    out = {"ok": [], "dtypes": [], "shapes": []}
    for k in range(20):
        begin, size, bbox = tf.image.sample_distorted_bounding_box(
            [50, 80, 3], box, seed=k + 1, min_object_covered=0.3,
            aspect_ratio_range=(0.5, 2.0), area_range=(0.1, 0.9))
        b, s = begin.numpy().tolist(), size.numpy().tolist()
        area = s[0] * s[1]
        ratio = s[1] / max(s[0], 1)
        whole = b == [0, 0, 0] and s == [50, 80, -1]
        out["ok"].append(bool(whole or (
            b[2] == 0 and s[2] == -1 and b[0] + s[0] <= 50 and b[1] + s[1] <= 80
            and 0.1 * 4000 - 1e-3 <= area <= 0.9 * 4000 + 1e-3 and 0.4 <= ratio <= 2.2)))
        expected = np.array([b[0] / 50, b[1] / 80, (b[0] + s[0]) / 50, (b[1] + s[1]) / 80],
                            np.float32)
        out["ok"].append(bool(np.allclose(bbox.numpy().reshape(-1), expected)))
        out["dtypes"].append([tf.zeros([0], t.dtype) for t in (begin, size, bbox)])
        out["shapes"].append([list(t.shape) for t in (begin, size, bbox)])
    begin, size, _ = tf.image.sample_distorted_bounding_box(
        tf.constant([30, 20, 1], tf.int16), box, seed=3, area_range=(0.01, 0.02),
        min_object_covered=0.95)
    out["fallback"] = [begin, size]
    return out


def case_sample_distorted_bounding_box_errors(tf):
    b = tf.constant([[[0.1, 0.1, 0.8, 0.8]]])
    s = tf.image.stateless_sample_distorted_bounding_box
    checks = {
        "bool_size": lambda: s(tf.constant([True, True, False]), b, (1, 2)),
        "float_size": lambda: s(tf.constant([10.0, 10, 3]), b, (1, 2)),
        "size_length": lambda: s([10, 10], b, (1, 2)),
        "size_rank": lambda: s([[10, 10, 3]], b, (1, 2)),
        "boxes_rank": lambda: s([10, 10, 3], b[0], (1, 2)),
        "boxes_columns": lambda: s([10, 10, 3], b[..., :3], (1, 2)),
        "seed_shape": lambda: s([10, 10, 3], b, (1, 2, 3)),
        "seed_dtype": lambda: s([10, 10, 3], b, tf.constant([1.0, 2.0])),
        "covered_negative": lambda: s([10, 10, 3], b, (1, 2), min_object_covered=-0.1),
        "covered_rank": lambda: s([10, 10, 3], b, (1, 2), min_object_covered=[0.1]),
        "ratio_length": lambda: s([10, 10, 3], b, (1, 2), aspect_ratio_range=[1.0]),
        "ratio_zero": lambda: s([10, 10, 3], b, (1, 2), aspect_ratio_range=[0.0, 1.0]),
        "area_zero": lambda: s([10, 10, 3], b, (1, 2), area_range=[0.0, 1.0]),
        "area_above_one": lambda: s([10, 10, 3], b, (1, 2), area_range=[0.5, 1.5]),
        "area_length": lambda: s([10, 10, 3], b, (1, 2), area_range=[0.5]),
        "attempts": lambda: s([10, 10, 3], b, (1, 2), max_attempts=0),
        "box_range": lambda: s([10, 10, 3], b + 0.3, (1, 2)),
        "no_boxes": lambda: s([10, 10, 3], tf.zeros([1, 0, 4]), (1, 2)),
        "negative_height": lambda: s([-1, 10, 3], b, (1, 2)),
        "huge_width": lambda: s([10, 2**31 - 1, 3], b, (1, 2)),
        "stateful_area": lambda: tf.image.sample_distorted_bounding_box(
            [10, 10, 3], b, seed=5, area_range=[0.5, 1.5]),
        "stateful_covered": lambda: tf.image.sample_distorted_bounding_box(
            [10, 10, 3], b, seed=5, min_object_covered=-1.0),
    }
    out = {key: _error(fn) for key, fn in checks.items()}
    with tf.GradientTape() as tape:
        tape.watch(b)
        _, _, bbox = s([10, 10, 3], b, (1, 2))
    out["stateless_gradient"] = _error(lambda: tape.gradient(bbox, b))
    return out
