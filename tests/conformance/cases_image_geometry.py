"""`tf.image`'s geometric ops against TensorFlow 2.21: `resize` (every method, with and
without antialias, 3-D and 4-D, int and float inputs, `preserve_aspect_ratio`),
`flip_left_right`, `flip_up_down`, `rot90`, `transpose`, `central_crop`,
`crop_to_bounding_box`, `pad_to_bounding_box`, `resize_with_crop_or_pad`: values,
dtypes, shapes, tape gradients and exception classes. Answers live in
`golden/cases_image_geometry.json`.

Error-class checks sit in `case_*_errors` cases (their strings keep them out of
function mode) so that the value cases run there too.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import sin_array as _real
from tests.conformance.harness import tolerance
from tests.conformance.harness import weighted_sum as _mix

RESIZE_TOL = {"rtol": 1e-5, "atol": 5e-6}
METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian",
           "mitchellcubic"]
SIZES = [(4, 5, 3, 7), (6, 7, 11, 3), (9, 8, 3, 3), (3, 9, 7, 2), (1, 1, 3, 2), (5, 5, 5, 5),
         (10, 13, 4, 29)]


# ---------------------------------------------------------------------------
# resize values


def _resize_all(tf, antialias):
    out = {}
    for h, w, nh, nw in SIZES:
        x = tf.constant(_real([2, h, w, 2]), tf.float32)
        for method in METHODS:
            key = f"{method}_{h}x{w}_to_{nh}x{nw}"
            out[key] = tf.image.resize(x, [nh, nw], method=method, antialias=antialias)
    return out


@tolerance(**RESIZE_TOL)
def case_resize_methods(tf):
    return _resize_all(tf, False)


@tolerance(**RESIZE_TOL)
def case_resize_methods_antialias(tf):
    return _resize_all(tf, True)


@tolerance(**RESIZE_TOL)
def case_resize_dtypes(tf):
    out = {}
    base = np.arange(2 * 4 * 5 * 1).reshape([2, 4, 5, 1]) % 13
    for dtype in ("uint8", "int32", "float16", "float64", "int64"):
        x = tf.constant(base, getattr(tf, dtype))
        for method in ("bilinear", "nearest", "bicubic", "area"):
            out[f"{dtype}_{method}"] = tf.image.resize(x, [3, 7], method=method)
    return out


@tolerance(**RESIZE_TOL)
def case_resize_3d_and_options(tf):
    x = tf.constant(_real([6, 4, 3]), tf.float32)
    return {
        "bilinear_3d": tf.image.resize(x, [3, 5]),
        "nearest_3d": tf.image.resize(x, [9, 2], method="nearest"),
        "enum_method": tf.image.resize(x, [5, 5], method=tf.image.ResizeMethod.BICUBIC),
        "aspect_up": tf.image.resize(x, [12, 12], preserve_aspect_ratio=True),
        "aspect_down": tf.image.resize(x, [3, 30], preserve_aspect_ratio=True),
        "same_size": tf.image.resize(x, [6, 4]),
        "size_tensor": tf.image.resize(x, tf.constant([2, 3])),
        "size_tuple": tf.image.resize(x, (4, 2), method="area"),
        "empty_batch": tf.image.resize(tf.zeros([0, 3, 3, 2]), [5, 4]),
    }


def case_resize_errors(tf):
    x = tf.ones([4, 4, 1])
    return {
        "rank2": _raises(lambda: tf.image.resize(tf.ones([4, 4]), [2, 2])),
        "rank5": _raises(lambda: tf.image.resize(tf.ones([1, 1, 4, 4, 1]), [2, 2])),
        "size_one": _raises(lambda: tf.image.resize(x, [3])),
        "size_three": _raises(lambda: tf.image.resize(x, [3, 3, 3])),
        "size_float": _raises(lambda: tf.image.resize(x, [2.5, 3])),
        "size_str": _raises(lambda: tf.image.resize(x, "ab")),
        "size_zero": _raises(lambda: tf.image.resize(x, [0, 3])),
        "size_negative": _raises(lambda: tf.image.resize(x, [-1, 3], method="nearest")),
        "size_zero_bicubic": _raises(lambda: tf.image.resize(x, [2, 0], method="bicubic")),
        "size_zero_area": _raises(lambda: tf.image.resize(x, [2, 0], method="area")),
        "size_zero_lanczos": _raises(lambda: tf.image.resize(x, [2, 0], method="lanczos3")),
        "empty_image": _raises(lambda: tf.image.resize(tf.ones([1, 0, 4, 1]), [2, 2])),
        "zero_channels": _raises(lambda: tf.image.resize(tf.zeros([1, 3, 3, 0]), [2, 4])),
        "zero_channels_nearest": _raises(
            lambda: tf.image.resize(tf.zeros([3, 3, 0]), [2, 4], method="nearest")),
        "bad_method": _raises(lambda: tf.image.resize(x, [2, 2], method="foo")),
    }


# ---------------------------------------------------------------------------
# resize gradients


@tolerance(rtol=1e-4, atol=1e-5)
def case_resize_gradients(tf):
    x = tf.constant(_real([2, 5, 4, 2]), tf.float32)
    grads = {}
    for method in ("bilinear", "nearest", "bicubic", "lanczos3", "mitchellcubic"):
        for antialias in (False, True):
            for size in ([3, 7], [9, 2]):
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    y = _mix(tf, tf.image.resize(x, size, method=method, antialias=antialias))
                key = f"{method}_{antialias}_{size[0]}x{size[1]}"
                grads[key] = tape.gradient(y, x)
    return grads


@tolerance(rtol=1e-4, atol=1e-5)
def case_resize_gradient_3d_float64(tf):
    x = tf.constant(_real([5, 4, 1]))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = _mix(tf, tf.image.resize(x, [3, 7]))
        b = _mix(tf, tf.image.resize(x, [8, 3], method="bicubic"))
    return {"bilinear": tape.gradient(a, x), "bicubic": tape.gradient(b, x)}


def case_resize_area_gradient_errors(tf):
    x = tf.constant(_real([1, 5, 4, 1]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.image.resize(x, [3, 3], method="area"))
    return {"area": _raises(lambda: tape.gradient(y, x))}


# ---------------------------------------------------------------------------
# flips, rotations, transposes


def case_flips_and_rotations(tf):
    x3 = tf.reshape(tf.range(2 * 3 * 2), [2, 3, 2])
    x4 = tf.constant(_real([2, 3, 4, 1]), tf.float32)
    out = {
        "lr3": tf.image.flip_left_right(x3),
        "lr4": tf.image.flip_left_right(x4),
        "ud3": tf.image.flip_up_down(x3),
        "ud4": tf.image.flip_up_down(x4),
        "t3": tf.image.transpose(x3),
        "t4": tf.image.transpose(x4),
        "rot_tensor_k": tf.image.rot90(x3, tf.constant(3)),
    }
    for k in range(-2, 6):
        out[f"rot3_{k}"] = tf.image.rot90(x3, k)
        out[f"rot4_{k}"] = tf.image.rot90(x4, k)
    return out


def case_flips_and_rotations_gradient(tf):
    x = tf.constant(_real([2, 3, 4, 2]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ys = {
            "lr": _mix(tf, tf.image.flip_left_right(x)),
            "ud": _mix(tf, tf.image.flip_up_down(x[0])),
            "t": _mix(tf, tf.image.transpose(x)),
            "rot1": _sin_mix(tf, tf.image.rot90(x)),
        }
    return {k: tape.gradient(y, x) for k, y in ys.items()}


def _sin_mix(tf, y):
    """A scalar depending on every entry of `y`, needing no static shape (in a
    function TF leaves `rot90`'s height and width unknown)."""
    return tf.reduce_sum(tf.sin(y) * y)


def case_rot90_gradient(tf):
    x = tf.constant(_real([2, 3, 4, 2]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ys = {f"rot3d_{k}": _sin_mix(tf, tf.image.rot90(x[1], k)) for k in range(4)}
        ys.update({f"rot4d_{k}": _sin_mix(tf, tf.image.rot90(x, k)) for k in range(4)})
    return {k: tape.gradient(y, x) for k, y in ys.items()}


def case_flips_and_rotations_errors(tf):
    return {
        "lr_rank2": _raises(lambda: tf.image.flip_left_right(tf.ones([2, 2]))),
        "ud_rank5": _raises(lambda: tf.image.flip_up_down(tf.ones([1, 2, 2, 2, 1]))),
        "lr_empty": _raises(lambda: tf.image.flip_left_right(tf.ones([2, 0, 1]))),
        "rot_rank2": _raises(lambda: tf.image.rot90(tf.ones([2, 2]))),
        "rot_rank5": _raises(lambda: tf.image.rot90(tf.ones([1, 1, 2, 2, 1]))),
        "t_rank2": _raises(lambda: tf.image.transpose(tf.ones([2, 2]))),
        "t_rank5": _raises(lambda: tf.image.transpose(tf.ones([1, 1, 2, 2, 1]))),
    }


# ---------------------------------------------------------------------------
# crops and pads


def case_crops_and_pads(tf):
    x3 = tf.reshape(tf.range(5 * 6 * 2), [5, 6, 2])
    x4 = tf.constant(_real([2, 7, 5, 1]), tf.float32)
    out = {
        "crop3": tf.image.crop_to_bounding_box(x3, 1, 2, 3, 4),
        "crop4": tf.image.crop_to_bounding_box(x4, 0, 1, 7, 2),
        "crop_full": tf.image.crop_to_bounding_box(x3, 0, 0, 5, 6),
        "crop_tensor_args": tf.image.crop_to_bounding_box(
            x3, tf.constant(1), tf.constant(1), tf.constant(2), tf.constant(2)),
        "pad3": tf.image.pad_to_bounding_box(x3, 1, 2, 7, 9),
        "pad4": tf.image.pad_to_bounding_box(x4, 0, 3, 8, 8),
        "pad_none": tf.image.pad_to_bounding_box(x3, 0, 0, 5, 6),
        "crop_or_pad_down": tf.image.resize_with_crop_or_pad(x3, 2, 3),
        "crop_or_pad_up": tf.image.resize_with_crop_or_pad(x3, 8, 9),
        "crop_or_pad_mixed": tf.image.resize_with_crop_or_pad(x4, 4, 8),
        "crop_or_pad_same": tf.image.resize_with_crop_or_pad(x4, 7, 5),
    }
    for fraction in (1.0, 0.9, 0.5, 0.33, 0.1):
        out[f"central3_{fraction}"] = tf.image.central_crop(x3, fraction)
        out[f"central4_{fraction}"] = tf.image.central_crop(x4, fraction)
    return out


@tolerance(**RESIZE_TOL)
def case_resize_with_pad(tf):
    x3 = tf.constant(_real([5, 7, 2]), tf.float32)
    x4 = tf.constant(np.arange(2 * 6 * 3).reshape([2, 6, 3, 1]) % 7, tf.int32)
    out = {}
    for th, tw in ((5, 7), (10, 10), (3, 9), (8, 2), (2, 2), (6, 13)):
        out[f"b3_{th}x{tw}"] = tf.image.resize_with_pad(x3, th, tw)
        out[f"n4_{th}x{tw}"] = tf.image.resize_with_pad(x4, th, tw, method="nearest")
        out[f"c4_{th}x{tw}"] = tf.image.resize_with_pad(x4, th, tw, method="bicubic",
                                                         antialias=True)
    with tf.GradientTape() as tape:
        tape.watch(x3)
        y = _mix(tf, tf.image.resize_with_pad(x3, 9, 4))
    out["grad"] = tape.gradient(y, x3)
    return out


def case_resize_with_pad_errors(tf):
    x = tf.ones([4, 5, 1])
    return {
        "rank2": _raises(lambda: tf.image.resize_with_pad(tf.ones([4, 4]), 2, 2)),
        "zero_height": _raises(lambda: tf.image.resize_with_pad(x, 0, 2)),
        "negative_width": _raises(lambda: tf.image.resize_with_pad(x, 2, -2)),
        "empty": _raises(lambda: tf.image.resize_with_pad(tf.ones([0, 4, 1]), 2, 2)),
        "resized_to_nothing": _raises(lambda: tf.image.resize_with_pad(x, 1, 1)),
    }


def case_crops_and_pads_gradient(tf):
    x = tf.constant(_real([2, 7, 5, 2]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ys = {
            "central": _mix(tf, tf.image.central_crop(x, 0.5)),
            "crop": _mix(tf, tf.image.crop_to_bounding_box(x[0], 1, 2, 3, 2)),
            "pad": _mix(tf, tf.image.pad_to_bounding_box(x, 1, 0, 9, 8)),
            "crop_or_pad": _mix(tf, tf.image.resize_with_crop_or_pad(x, 4, 9)),
        }
    return {k: tape.gradient(y, x) for k, y in ys.items()}


def case_crops_and_pads_errors(tf):
    x = tf.ones([4, 5, 1])
    return {
        "central_zero": _raises(lambda: tf.image.central_crop(x, 0.0)),
        "central_big": _raises(lambda: tf.image.central_crop(x, 1.5)),
        "central_rank2": _raises(lambda: tf.image.central_crop(tf.ones([4, 4]), 0.5)),
        "central_rank5": _raises(lambda: tf.image.central_crop(tf.ones([1, 1, 4, 4, 1]), 0.5)),
        "crop_rank2": _raises(lambda: tf.image.crop_to_bounding_box(tf.ones([4, 4]), 0, 0, 1, 1)),
        "crop_negative_offset": _raises(lambda: tf.image.crop_to_bounding_box(x, -1, 0, 1, 1)),
        "crop_zero_target": _raises(lambda: tf.image.crop_to_bounding_box(x, 0, 0, 0, 1)),
        "crop_too_big": _raises(lambda: tf.image.crop_to_bounding_box(x, 1, 0, 4, 1)),
        "crop_too_wide": _raises(lambda: tf.image.crop_to_bounding_box(x, 0, 3, 1, 3)),
        "pad_rank5": _raises(lambda: tf.image.pad_to_bounding_box(tf.ones([1, 1, 4, 4, 1]), 0, 0,
                                                                  5, 5)),
        "pad_negative_offset": _raises(lambda: tf.image.pad_to_bounding_box(x, 0, -1, 6, 6)),
        "pad_too_small": _raises(lambda: tf.image.pad_to_bounding_box(x, 1, 0, 4, 6)),
        "crop_or_pad_zero": _raises(lambda: tf.image.resize_with_crop_or_pad(x, 0, 3)),
        "crop_or_pad_rank2": _raises(lambda: tf.image.resize_with_crop_or_pad(tf.ones([4, 4]),
                                                                              2, 2)),
    }


# ---------------------------------------------------------------------------
# crop_and_resize

BOXES = [[0.0, 0.0, 1.0, 1.0], [0.1, 0.2, 0.7, 0.9], [0.8, 0.9, 0.2, 0.1],
         [-0.3, 0.25, 1.4, 0.6], [0.5, 0.5, 0.5, 0.5], [0.33, -0.2, 0.34, 1.2]]


def case_crop_and_resize(tf):
    x = tf.constant(_real([2, 5, 6, 2]), tf.float32)
    boxes = tf.constant(BOXES, tf.float32)
    index = tf.constant([0, 1, 1, 0, 1, 0])
    out = {}
    for method in ("bilinear", "nearest"):
        for size in ([3, 4], [1, 1], [1, 5], [7, 2]):
            key = f"{method}_{size[0]}x{size[1]}"
            out[key] = tf.image.crop_and_resize(x, boxes, index, size, method=method)
        out[f"{method}_fill"] = tf.image.crop_and_resize(
            x, boxes, index, [4, 4], method=method, extrapolation_value=-2.5)
    out["int_image"] = tf.image.crop_and_resize(
        tf.constant(np.arange(30).reshape([1, 5, 6, 1]), tf.int32), BOXES[:2], [0, 0], [3, 3])
    out["no_boxes"] = tf.image.crop_and_resize(x, tf.zeros([0, 4]), tf.zeros([0], tf.int32),
                                               [2, 3])
    return out


@tolerance(rtol=1e-4, atol=1e-5)
def case_crop_and_resize_gradient(tf):
    x = tf.constant(_real([2, 5, 6, 2]), tf.float32)
    boxes = tf.constant(BOXES, tf.float32)
    index = tf.constant([0, 1, 1, 0, 1, 0])
    out = {}
    for method in ("bilinear", "nearest"):
        for size in ([3, 4], [1, 1], [7, 2]):
            with tf.GradientTape() as tape:
                tape.watch([x, boxes])
                y = _mix(tf, tf.image.crop_and_resize(x, boxes, index, size, method=method))
            gx, gb = tape.gradient(y, [x, boxes])
            out[f"{method}_{size[0]}x{size[1]}_image"] = gx
            out[f"{method}_{size[0]}x{size[1]}_boxes"] = gb
    return out


def case_crop_and_resize_errors(tf):
    x = tf.ones([2, 4, 4, 1])
    b = tf.constant([[0.0, 0.0, 1.0, 1.0]])
    i = tf.constant([0])
    return {
        "rank3": _raises(lambda: tf.image.crop_and_resize(tf.ones([4, 4, 1]), b, i, [2, 2])),
        "box_columns": _raises(lambda: tf.image.crop_and_resize(x, [[0.0, 0.0, 1.0]], i, [2, 2])),
        "index_shape": _raises(lambda: tf.image.crop_and_resize(x, b, [0, 1], [2, 2])),
        "crop_zero": _raises(lambda: tf.image.crop_and_resize(x, b, i, [0, 2])),
        "crop_three": _raises(lambda: tf.image.crop_and_resize(x, b, i, [2, 2, 2])),
        "index_high": _raises(lambda: tf.image.crop_and_resize(x, b, [2], [2, 2])),
        "index_negative": _raises(lambda: tf.image.crop_and_resize(x, b, [-1], [2, 2])),
        "method": _raises(lambda: tf.image.crop_and_resize(x, b, i, [2, 2], method="bicubic")),
        "boxes_float64": _raises(lambda: tf.image.crop_and_resize(
            x, tf.constant([[0.0, 0.0, 1.0, 1.0]], tf.float64), i, [2, 2])),
        "index_int64": _raises(lambda: tf.image.crop_and_resize(
            x, b, tf.constant([0], tf.int64), [2, 2])),
    }


# ---------------------------------------------------------------------------
# extract_patches

PATCH_CONFIGS = [
    ([1, 2, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1]),
    ([1, 3, 2, 1], [1, 2, 3, 1], [1, 1, 1, 1]),
    ([1, 2, 3, 1], [1, 1, 2, 1], [1, 2, 1, 1]),
    ([1, 1, 1, 1], [1, 3, 3, 1], [1, 1, 1, 1]),
    ([1, 4, 4, 1], [1, 2, 2, 1], [1, 2, 2, 1]),
    ([1, 5, 2, 1], [1, 1, 1, 1], [1, 1, 1, 1]),
]


def case_extract_patches(tf):
    x = tf.constant(_real([2, 7, 6, 3]), tf.float32)
    xi = tf.reshape(tf.range(5 * 4), [1, 5, 4, 1])
    out = {}
    for i, (sizes, strides, rates) in enumerate(PATCH_CONFIGS):
        for padding in ("VALID", "SAME"):
            out[f"f{i}_{padding}"] = tf.image.extract_patches(x, sizes, strides, rates, padding)
            out[f"i{i}_{padding}"] = tf.image.extract_patches(xi, sizes, strides, rates, padding)
    return out


def case_extract_patches_gradient(tf):
    x = tf.constant(_real([2, 7, 6, 2]), tf.float32)
    out = {}
    for i, (sizes, strides, rates) in enumerate(PATCH_CONFIGS[:5]):
        for padding in ("VALID", "SAME"):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = _mix(tf, tf.image.extract_patches(x, sizes, strides, rates, padding))
            out[f"c{i}_{padding}"] = tape.gradient(y, x)
    return out


def case_extract_patches_errors(tf):
    x = tf.ones([1, 5, 5, 2])
    one = [1, 1, 1, 1]
    return {
        "rank3": _raises(lambda: tf.image.extract_patches(tf.ones([4, 4, 1]), [1, 2, 2, 1], one,
                                                          one, "VALID")),
        "sizes_length": _raises(lambda: tf.image.extract_patches(x, [2, 2], one, one, "VALID")),
        "sizes_batch": _raises(lambda: tf.image.extract_patches(x, [2, 2, 2, 1], one, one,
                                                                "VALID")),
        "strides_batch": _raises(lambda: tf.image.extract_patches(x, [1, 2, 2, 1],
                                                                  [2, 1, 1, 1], one, "VALID")),
        "rates_channels": _raises(lambda: tf.image.extract_patches(x, [1, 2, 2, 1], one,
                                                                   [1, 1, 1, 2], "VALID")),
        "zero_size": _raises(lambda: tf.image.extract_patches(x, [1, 0, 2, 1], one, one,
                                                              "VALID")),
        "zero_stride": _raises(lambda: tf.image.extract_patches(x, [1, 2, 2, 1], [1, 0, 1, 1],
                                                                one, "VALID")),
        "padding": _raises(lambda: tf.image.extract_patches(x, [1, 2, 2, 1], one, one, "FULL")),
        "negative_output": _raises(lambda: tf.image.extract_patches(x, [1, 8, 2, 1], one, one,
                                                                    "VALID")),
        "negative_output_dilated": _raises(lambda: tf.image.extract_patches(
            x, [1, 3, 2, 1], one, [1, 3, 1, 1], "VALID")),
        "padding_lower": _raises(lambda: tf.image.extract_patches(x, [1, 2, 2, 1], one, one,
                                                                  "valid")),
    }
