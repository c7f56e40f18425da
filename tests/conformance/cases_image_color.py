"""`tf.image`'s pixel-value ops against TensorFlow 2.21: values, dtypes, shapes, tape
gradients and exception classes.

`convert_image_dtype` (every integer/float pairing, saturate), `rgb_to_grayscale`,
`grayscale_to_rgb`, `per_image_standardization`, `adjust_brightness`,
`adjust_contrast`, `adjust_gamma`, `rgb_to_hsv`, `hsv_to_rgb`, `adjust_saturation`,
`adjust_hue`, `rgb_to_yuv`, `yuv_to_rgb`, `rgb_to_yiq`, `yiq_to_rgb`,
`image_gradients`, `sobel_edges`,
`total_variation`, `psnr` and `ssim`. Answers live in `golden/cases_image_color.json`.

Error-class checks sit in `case_*_errors` cases so that the value cases run in function
mode too. TF registers no gradient for `AdjustContrastv2`, `AdjustSaturation` and
`AdjustHue` (asking raises LookupError) and marks `HSVToRGB` not differentiable.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import tolerance
from tests.conformance.harness import weighted_sum as _mix


def _pixels(shape, k=0.0):
    """A deterministic float64 array of `shape` with values in (0, 1), no ties."""
    n = int(np.prod(shape))
    return (np.sin(0.91 * np.arange(n) + k + 0.3) * 0.45 + 0.5).reshape(shape)


# ---------------------------------------------------------------------------
# convert_image_dtype


def case_convert_int_to_int(tf):
    u8 = tf.constant([[[0, 1, 127, 128, 255]]], tf.uint8)
    i8 = tf.constant([[[-128, -1, 0, 1, 127]]], tf.int8)
    i16 = tf.constant([[[1000, -2000, 32767, -32768, 0]]], tf.int16)
    i32 = tf.constant([[[2147483647, -5, 70000, 0, 1]]], tf.int32)
    out = {}
    for name, x in (("u8", u8), ("i8", i8), ("i16", i16), ("i32", i32)):
        for dt in ("uint8", "int8", "int16", "int32", "int64"):
            key = f"{name}_{dt}"
            out[key] = tf.image.convert_image_dtype(x, dt)
            out[key + "_sat"] = tf.image.convert_image_dtype(x, dt, saturate=True)
    return out


def case_convert_int_float(tf):
    u8 = tf.constant([[[0, 1, 127, 128, 255]]], tf.uint8)
    i8 = tf.constant([[[-128, -1, 0, 1, 127]]], tf.int8)
    i32 = tf.constant([[[2147483647, -5, 70000, 0, 1]]], tf.int32)
    f = tf.constant([[[-0.5, 0.0, 0.25, 0.5, 0.999, 1.0, 1.5]]])
    f64 = tf.constant([[[-0.5, 0.0, 0.25, 0.5, 0.999, 1.0, 1.5]]], tf.float64)
    f16 = tf.constant([[[0.0, 0.25, 0.5, 1.0]]], tf.float16)
    out = {}
    for name, x in (("u8", u8), ("i8", i8), ("i32", i32)):
        for dt in ("float16", "float32", "float64"):
            out[f"{name}_{dt}"] = tf.image.convert_image_dtype(x, dt)
    for name, x in (("f", f), ("f64", f64), ("f16", f16)):
        for dt in ("uint8", "int8", "int16", "int32", "float16", "float64"):
            out[f"{name}_{dt}_sat"] = tf.image.convert_image_dtype(x, dt, saturate=True)
    for dt in ("uint8", "int16"):
        out[f"f_{dt}_plain"] = tf.image.convert_image_dtype(
            tf.constant([[[0.0, 0.25, 0.5, 0.999, 1.0]]]), dt)
    out["same"] = tf.image.convert_image_dtype(f, tf.float32)
    out["string_dtype"] = tf.image.convert_image_dtype(u8, "float32")
    out["list"] = tf.image.convert_image_dtype([[0.5, 1.0]], tf.uint8)
    return out


def case_convert_image_dtype_errors(tf):
    return {
        "bool_target": _raises(lambda: tf.image.convert_image_dtype(
            tf.constant([0.5]), tf.bool)),
        "bool_image": _raises(lambda: tf.image.convert_image_dtype(
            tf.constant([True]), tf.float32)),
        "complex_target": _raises(lambda: tf.image.convert_image_dtype(
            tf.constant([0.5]), tf.complex64)),
    }


def case_convert_image_dtype_grad(tf):
    x = tf.constant(_pixels([2, 2, 3]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = _mix(tf, tf.image.convert_image_dtype(x, tf.float64))
        b = tf.reduce_sum(tf.cast(tf.image.convert_image_dtype(x, tf.uint8), tf.float32))
    return {"a": a, "b": b, "ga": tape.gradient(a, x), "gb": tape.gradient(b, x)}


# ---------------------------------------------------------------------------
# Grayscale, standardization, brightness, contrast, gamma


def case_grayscale(tf):
    f = tf.constant(_pixels([2, 3, 3]), tf.float32)
    f64 = tf.constant(_pixels([1, 2, 2, 3]), tf.float64)
    u8 = tf.constant((_pixels([2, 2, 3]) * 255).astype(np.uint8))
    g = tf.constant(_pixels([2, 2, 1]), tf.float32)
    return {
        "f": tf.image.rgb_to_grayscale(f),
        "f64": tf.image.rgb_to_grayscale(f64),
        "u8": tf.image.rgb_to_grayscale(u8),
        "f16": tf.image.rgb_to_grayscale(tf.cast(f, tf.float16)),
        "rgb": tf.image.grayscale_to_rgb(g),
        "rgb_u8": tf.image.grayscale_to_rgb(tf.constant([[1], [2]], tf.uint8)),
        "rgb_4d": tf.image.grayscale_to_rgb(tf.reshape(g, [1, 2, 2, 1])),
    }


def case_grayscale_errors(tf):
    return {
        "rank1": _raises(lambda: tf.image.grayscale_to_rgb(tf.constant([1.0]))),
        "last_not_1": _raises(lambda: tf.image.grayscale_to_rgb(tf.zeros([2, 2, 2]))),
    }


def case_grayscale_grad(tf):
    x = tf.constant(_pixels([2, 2, 3]), tf.float32)
    g = tf.constant(_pixels([2, 2, 1]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, g])
        a = _mix(tf, tf.image.rgb_to_grayscale(x))
        b = _mix(tf, tf.image.grayscale_to_rgb(g))
    return {"a": a, "b": b, "ga": tape.gradient(a, x), "gb": tape.gradient(b, g)}


def case_per_image_standardization(tf):
    x = tf.constant(_pixels([2, 3, 2, 3]), tf.float32)
    return {
        "batch": tf.image.per_image_standardization(x),
        "single": tf.image.per_image_standardization(x[0]),
        "u8": tf.image.per_image_standardization(tf.constant([[[1], [200]]], tf.uint8)),
        "f64": tf.image.per_image_standardization(tf.cast(x[0], tf.float64)),
        "constant": tf.image.per_image_standardization(tf.fill([2, 2, 1], 3.0)),
    }


def case_per_image_standardization_errors(tf):
    return {
        "rank2": _raises(lambda: tf.image.per_image_standardization(tf.zeros([2, 2]))),
        "empty": _raises(lambda: tf.image.per_image_standardization(tf.zeros([2, 0, 3]))),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_per_image_standardization_grad(tf):
    x = tf.constant(_pixels([2, 3, 2, 2]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _mix(tf, tf.image.per_image_standardization(x))
    return {"y": y, "g": tape.gradient(y, x)}


def case_brightness_gamma(tf):
    f = tf.constant(_pixels([2, 2, 3]), tf.float32)
    u8 = tf.constant((_pixels([2, 2, 3]) * 255).astype(np.uint8))
    return {
        "f": tf.image.adjust_brightness(f, 0.2),
        "f_neg": tf.image.adjust_brightness(f, -0.7),
        "u8": tf.image.adjust_brightness(u8, 0.2),
        "u8_neg": tf.image.adjust_brightness(u8, -0.3),
        "f64": tf.image.adjust_brightness(tf.cast(f, tf.float64), 0.1),
        "f16": tf.image.adjust_brightness(tf.cast(f, tf.float16), 0.1),
        "i32": tf.image.adjust_brightness(tf.constant([[[100, 2000000000]]]), 0.25),
        "tensor_delta": tf.image.adjust_brightness(f, tf.constant(0.1, tf.float64)),
        "gamma": tf.image.adjust_gamma(f, 2.2),
        "gamma_gain": tf.image.adjust_gamma(f, 0.5, 1.5),
        "gamma_u8": tf.image.adjust_gamma(u8, 0.8, 1.3),
        "gamma_default": tf.image.adjust_gamma(f),
        "gamma_f64": tf.image.adjust_gamma(tf.cast(f, tf.float64), 2.0),
    }


def case_adjust_gamma_errors(tf):
    return {"negative": _raises(lambda: tf.image.adjust_gamma(tf.ones([1, 1, 1]), -1.0))}


def case_brightness_gamma_grad(tf):
    x = tf.constant(_pixels([2, 2, 3]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = _mix(tf, tf.image.adjust_brightness(x, 0.3))
        b = _mix(tf, tf.image.adjust_gamma(x, 2.5, 0.7))
    return {"a": a, "b": b, "ga": tape.gradient(a, x), "gb": tape.gradient(b, x)}


def case_adjust_contrast(tf):
    f = tf.constant(_pixels([2, 3, 2, 3]), tf.float32)
    u8 = tf.constant((_pixels([3, 2, 3]) * 255).astype(np.uint8))
    return {
        "f": tf.image.adjust_contrast(f, 1.7),
        "f_low": tf.image.adjust_contrast(f[0], 0.3),
        "u8": tf.image.adjust_contrast(u8, 2.5),
        "f64": tf.image.adjust_contrast(tf.cast(f, tf.float64), 1.5),
        "tensor_factor": tf.image.adjust_contrast(f, tf.constant(0.5)),
    }


def case_adjust_contrast_errors(tf):
    return {
        "rank2": _raises(lambda: tf.image.adjust_contrast(tf.zeros([2, 2]), 1.0)),
        "factor_vector": _raises(lambda: tf.image.adjust_contrast(
            tf.zeros([2, 2, 1]), [1.0, 2.0])),
    }


def case_adjust_contrast_grad(tf):
    x = tf.constant(_pixels([2, 2, 3]), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _mix(tf, tf.image.adjust_contrast(x, 1.5))
    return {"y": y, "g": _raises(lambda: tape.gradient(y, x))}


# ---------------------------------------------------------------------------
# HSV, saturation, hue, YUV


def _colors():
    base = _pixels([4, 5, 3])
    base[0, 0] = [0.2, 0.2, 0.2]
    base[0, 1] = [0.0, 0.0, 0.0]
    base[0, 2] = [1.0, 0.0, 0.0]
    base[0, 3] = [0.5, 0.5, 0.1]
    base[0, 4] = [0.1, 0.7, 0.7]
    return base


def case_rgb_hsv(tf):
    x = tf.constant(_colors(), tf.float32)
    hsv = tf.image.rgb_to_hsv(x)
    h = tf.constant(np.stack([np.linspace(0.0, 1.0, 12), _pixels([12]),
                              _pixels([12], 1.0)], -1), tf.float32)
    return {
        "hsv": hsv,
        "back": tf.image.hsv_to_rgb(hsv),
        "f64": tf.image.rgb_to_hsv(tf.cast(x, tf.float64)),
        "h_grid": tf.image.hsv_to_rgb(h),
        "h_grid64": tf.image.hsv_to_rgb(tf.cast(h, tf.float64)),
        "rank1": tf.image.rgb_to_hsv(tf.constant([0.3, 0.6, 0.1])),
    }


@tolerance(rtol=1e-3, atol=1e-3)
def case_rgb_hsv_half(tf):
    x = tf.constant(_colors(), tf.float16)
    return {"hsv": tf.image.rgb_to_hsv(x), "rgb": tf.image.hsv_to_rgb(x)}


def case_rgb_hsv_errors(tf):
    return {
        "channels": _raises(lambda: tf.image.rgb_to_hsv(tf.zeros([2, 2, 4]))),
        "channels_back": _raises(lambda: tf.image.hsv_to_rgb(tf.zeros([2, 2, 2]))),
        "int": _raises(lambda: tf.image.rgb_to_hsv(tf.zeros([2, 2, 3], tf.int32))),
        "scalar": _raises(lambda: tf.image.rgb_to_hsv(tf.constant(1.0))),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_rgb_hsv_grad(tf):
    x = tf.constant(_pixels([3, 4, 3]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        hsv = tf.image.rgb_to_hsv(x)
        a = _mix(tf, hsv)
        b = _mix(tf, tf.image.hsv_to_rgb(hsv))
    return {"a": a, "ga": tape.gradient(a, x), "gb": tape.gradient(b, x),
            "gb_hsv": tape.gradient(b, hsv)}


def case_adjust_saturation_hue(tf):
    x = tf.constant(_colors(), tf.float32)
    u8 = tf.constant((_colors() * 255).astype(np.uint8))
    out = {}
    for factor in (0.0, 0.4, 1.0, 2.5):
        out[f"sat_{factor}"] = tf.image.adjust_saturation(x, factor)
    for delta in (-1.0, -0.55, -0.1, 0.0, 0.2, 0.5, 0.9, 1.0):
        out[f"hue_{delta}"] = tf.image.adjust_hue(x, delta)
    out["sat_u8"] = tf.image.adjust_saturation(u8, 1.8)
    out["hue_u8"] = tf.image.adjust_hue(u8, 0.3)
    out["sat_f64"] = tf.image.adjust_saturation(tf.cast(x, tf.float64), 0.6)
    out["hue_f64"] = tf.image.adjust_hue(tf.cast(x, tf.float64), 0.35)
    out["hue_4d"] = tf.image.adjust_hue(tf.reshape(x, [2, 2, 5, 3]), -0.25)
    return out


def case_adjust_saturation_hue_errors(tf):
    return {
        "hue_delta": _raises(lambda: tf.image.adjust_hue(tf.zeros([2, 2, 3]), 1.5)),
        "hue_channels": _raises(lambda: tf.image.adjust_hue(tf.zeros([2, 2, 4]), 0.1)),
        "sat_channels": _raises(lambda: tf.image.adjust_saturation(tf.zeros([2, 2, 2]), 0.5)),
        "sat_rank": _raises(lambda: tf.image.adjust_saturation(tf.zeros([2, 3]), 0.5)),
    }


def case_adjust_saturation_hue_grad(tf):
    x = tf.constant(_pixels([2, 2, 3]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = _mix(tf, tf.image.adjust_saturation(x, 0.5))
        b = _mix(tf, tf.image.adjust_hue(x, 0.2))
    return {"a": a, "b": b, "ga": _raises(lambda: tape.gradient(a, x)),
            "gb": _raises(lambda: tape.gradient(b, x))}


def case_yuv(tf):
    x = tf.constant(_colors(), tf.float32)
    yuv = tf.image.rgb_to_yuv(x)
    return {
        "yuv": yuv,
        "back": tf.image.yuv_to_rgb(yuv),
        "f64": tf.image.rgb_to_yuv(tf.cast(x, tf.float64)),
        "batch": tf.image.yuv_to_rgb(tf.reshape(x, [2, 2, 5, 3])),
        "yiq": tf.image.rgb_to_yiq(x),
        "yiq_back": tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(x)),
        "yiq_f64": tf.image.yiq_to_rgb(tf.cast(x, tf.float64)),
    }


def case_yuv_grad(tf):
    x = tf.constant(_pixels([2, 2, 3]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = _mix(tf, tf.image.rgb_to_yuv(x))
        b = _mix(tf, tf.image.yuv_to_rgb(x))
        c = _mix(tf, tf.image.rgb_to_yiq(x)) + _mix(tf, tf.image.yiq_to_rgb(x), 2.0)
    return {"ga": tape.gradient(a, x), "gb": tape.gradient(b, x), "gc": tape.gradient(c, x)}


# ---------------------------------------------------------------------------
# Image gradients, Sobel, total variation, PSNR, SSIM


def case_image_gradients_sobel(tf):
    x = tf.constant(_pixels([2, 4, 5, 2]), tf.float32)
    dy, dx = tf.image.image_gradients(x)
    return {
        "dy": dy,
        "dx": dx,
        "int": tf.image.image_gradients(tf.reshape(tf.range(12), [1, 3, 4, 1])),
        "sobel": tf.image.sobel_edges(x),
        "sobel64": tf.image.sobel_edges(tf.cast(x[:1], tf.float64)),
        "tv3": tf.image.total_variation(x[0]),
        "tv4": tf.image.total_variation(x),
        "tv_int": tf.image.total_variation(tf.reshape(tf.range(12), [1, 3, 4, 1])),
    }


def case_image_gradients_errors(tf):
    return {
        "grad_rank3": _raises(lambda: tf.image.image_gradients(tf.zeros([2, 2, 1]))),
        "tv_rank2": _raises(lambda: tf.image.total_variation(tf.zeros([2, 2]))),
        "tv_rank5": _raises(lambda: tf.image.total_variation(tf.zeros([1, 1, 2, 2, 1]))),
    }


def case_image_gradients_sobel_grad(tf):
    x = tf.constant(_pixels([1, 4, 5, 2]), tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        dy, dx = tf.image.image_gradients(x)
        a = _mix(tf, dy) + _mix(tf, dx, 2.0)
        b = _mix(tf, tf.image.sobel_edges(x))
        c = tf.reduce_sum(tf.image.total_variation(x))
    return {"ga": tape.gradient(a, x), "gb": tape.gradient(b, x), "gc": tape.gradient(c, x)}


def case_psnr(tf):
    a = tf.constant(_pixels([2, 4, 4, 3]), tf.float32)
    b = tf.constant(_pixels([2, 4, 4, 3], 0.2), tf.float32)
    a8 = tf.image.convert_image_dtype(a, tf.uint8)
    b8 = tf.image.convert_image_dtype(b, tf.uint8)
    return {
        "f": tf.image.psnr(a, b, 1.0),
        "single": tf.image.psnr(a[0], b[0], 1.0),
        "u8": tf.image.psnr(a8, b8, 255),
        "f64": tf.image.psnr(tf.cast(a, tf.float64), tf.cast(b, tf.float64), 2.0),
        "same": tf.image.psnr(a, a, 1.0),
        "broadcast": tf.image.psnr(a[:1], b, 1.0),
    }


def case_psnr_errors(tf):
    return {
        "shape": _raises(lambda: tf.image.psnr(tf.zeros([2, 2, 3]), tf.zeros([2, 3, 3]), 1.0)),
    }


def case_psnr_grad(tf):
    a = tf.constant(_pixels([1, 3, 3, 2]), tf.float32)
    b = tf.constant(_pixels([1, 3, 3, 2], 0.5), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(tf.image.psnr(a, b, 1.0))
    return {"y": y, "g": tape.gradient(y, [a, b])}


@tolerance(rtol=1e-4, atol=1e-5)
def case_ssim(tf):
    a = tf.constant(_pixels([2, 12, 13, 3]), tf.float32)
    b = tf.constant(_pixels([2, 12, 13, 3], 0.4), tf.float32)
    a8 = tf.image.convert_image_dtype(a, tf.uint8)
    b8 = tf.image.convert_image_dtype(b, tf.uint8)
    return {
        "f": tf.image.ssim(a, b, 1.0),
        "u8": tf.image.ssim(a8, b8, 255),
        "small_filter": tf.image.ssim(a[0], b[0], 1.0, filter_size=5, filter_sigma=0.8,
                                      k1=0.02, k2=0.05),
        "index_map": tf.image.ssim(a, b, 1.0, filter_size=7, return_index_map=True),
        "same": tf.image.ssim(a, a, 1.0),
    }


def case_ssim_errors(tf):
    return {
        "small": _raises(lambda: tf.image.ssim(tf.zeros([5, 5, 1]), tf.zeros([5, 5, 1]), 1.0)),
        "shape": _raises(lambda: tf.image.ssim(tf.zeros([12, 12, 1]), tf.zeros([12, 13, 1]),
                                               1.0)),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_ssim_grad(tf):
    a = tf.constant(_pixels([1, 7, 8, 2]), tf.float32)
    b = tf.constant(_pixels([1, 7, 8, 2], 0.5), tf.float32)
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(tf.image.ssim(a, b, 1.0, filter_size=5))
    return {"y": y, "g": tape.gradient(y, [a, b])}


# ---------------------------------------------------------------------------
# Edge cases: dtypes without kernels, out-of-range pixels, non-tensor inputs


def case_edge_values(tf):
    x = _pixels([4, 5, 3])
    y = np.ascontiguousarray(x[::-1])
    i8 = (x * 100).astype(np.int8)
    return {
        "gray_i8": tf.image.rgb_to_grayscale(tf.constant(i8)),
        "gray_rank1": tf.image.rgb_to_grayscale(tf.constant([0.2, 0.3, 0.4])),
        "bright_i8": tf.image.adjust_brightness(tf.constant(i8), 0.5),
        "bright_i8_neg": tf.image.adjust_brightness(tf.constant(i8 - 50), -0.5),
        "gamma_tensor": tf.image.adjust_gamma(tf.constant(x, tf.float32), tf.constant(2.0),
                                              tf.constant(0.5)),
        "gamma_0": tf.image.adjust_gamma(tf.constant(x, tf.float32), 0),
        "gamma_int": tf.image.adjust_gamma(tf.constant(x, tf.float32), 2),
        "contrast_int": tf.image.adjust_contrast(tf.constant((x * 100).astype(np.int32)), 1.5),
        "sat_neg": tf.image.adjust_saturation(tf.constant(x, tf.float32), -0.5),
        "hue_out": tf.image.adjust_hue(tf.constant(x * 2 - 0.5, tf.float32), 0.3),
        "hue_tensor_delta": tf.image.adjust_hue(tf.constant(x, tf.float32), tf.constant(0.3)),
        "sat_out": tf.image.adjust_saturation(tf.constant(x * 2 - 0.5, tf.float32), 0.7),
        "hsv_out": tf.image.rgb_to_hsv(tf.constant(x * 2 - 0.5, tf.float32)),
        "rgb_out": tf.image.hsv_to_rgb(tf.constant(x * 3 - 1, tf.float32)),
        "std_f16": tf.image.per_image_standardization(tf.constant(x, tf.float16)),
        "psnr_int_max": tf.image.psnr(tf.constant(x, tf.float32), tf.constant(y, tf.float32), 1),
        "psnr_i16": tf.image.psnr(tf.constant((x * 1000).astype(np.int16)),
                                  tf.constant((y * 1000).astype(np.int16)), 32767),
        "cid_bf16": tf.image.convert_image_dtype(tf.constant([0.5, 1.0], tf.bfloat16), tf.uint8),
        "cid_i64": tf.image.convert_image_dtype(tf.constant([2**62, -1], tf.int64), tf.float32),
        "cid_i64_u8": tf.image.convert_image_dtype(
            tf.constant([2**62, -1, 2**63 - 1], tf.int64), tf.uint8),
        "cid_sat_neg": tf.image.convert_image_dtype(tf.constant([-5, 100], tf.int8), tf.uint8,
                                                    saturate=True),
        "cid_neg": tf.image.convert_image_dtype(tf.constant([-5, 100], tf.int8), tf.uint8),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_edge_ssim(tf):
    x = np.tile(_pixels([4, 5, 3]), (3, 3, 1))
    y = np.ascontiguousarray(x[::-1])
    return {
        "f64": tf.image.ssim(tf.constant(x, tf.float64), tf.constant(y, tf.float64), 1.0),
        "map_5d": tf.image.ssim(tf.constant(x[None, None]), tf.constant(y[None]), 1.0,
                                filter_size=5, return_index_map=True),
    }


def case_edge_errors(tf):
    x = _pixels([4, 5, 3])
    return {
        "contrast_f16": _raises(lambda: tf.image.adjust_contrast(tf.constant(x, tf.float16), 1.5)),
        "hue_f16": _raises(lambda: tf.image.adjust_hue(tf.constant(x, tf.float16), 0.3)),
        "sat_f16": _raises(lambda: tf.image.adjust_saturation(tf.constant(x, tf.float16), 1.3)),
        "sobel_int": _raises(lambda: tf.image.sobel_edges(
            tf.constant((x * 10).astype(np.int32)[None]))),
        "tv_list": _raises(lambda: tf.image.total_variation(x.tolist())),
        "gradients_list": _raises(lambda: tf.image.image_gradients(x[None].tolist())),
        "sobel_numpy": _raises(lambda: tf.image.sobel_edges(x[None])),
        "yuv_channels": _raises(lambda: tf.image.rgb_to_yuv(tf.zeros([2, 2, 4]))),
        "yuv_int": _raises(lambda: tf.image.rgb_to_yuv(tf.zeros([2, 2, 3], tf.int32))),
        "yiq_channels": _raises(lambda: tf.image.yiq_to_rgb(tf.zeros([2, 2, 2]))),
        "gray_channels": _raises(lambda: tf.image.rgb_to_grayscale(tf.zeros([2, 2, 4]))),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_edge_grads(tf):
    ties = tf.constant(_colors(), tf.float32)
    x = tf.Variable(_pixels([2, 3, 3]), dtype=tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(ties)
        a = _mix(tf, tf.image.rgb_to_hsv(ties))
        b = _mix(tf, tf.image.per_image_standardization(x))
        c = _mix(tf, tf.image.rgb_to_grayscale(x))
        d = _mix(tf, tf.image.adjust_brightness(x, 0.1)) + _mix(tf, tf.image.rgb_to_yuv(x))
        e = tf.reduce_sum(tf.image.psnr(x, tf.zeros([2, 3, 3], tf.float64), 1.0))
    return {"ga": tape.gradient(a, ties), "gb": tape.gradient(b, x), "gc": tape.gradient(c, x),
            "gd": tape.gradient(d, x), "ge": tape.gradient(e, x)}


@tolerance(rtol=2e-2, atol=2e-2)
def case_edge_low_precision(tf):
    x = _pixels([4, 5, 3])
    tile = np.tile(x, (3, 3, 1))
    out = {}
    for dt in ("bfloat16", "float16"):
        out[f"hsv_{dt}"] = tf.image.rgb_to_hsv(tf.constant(x, dt))
        out[f"rgb_{dt}"] = tf.image.hsv_to_rgb(tf.constant(x, dt))
        out[f"gray_{dt}"] = tf.image.rgb_to_grayscale(tf.constant(x, dt))
        out[f"sobel_{dt}"] = tf.image.sobel_edges(tf.constant(x[None], dt))
        out[f"yuv_{dt}"] = tf.image.rgb_to_yuv(tf.constant(x, dt))
        out[f"bright_{dt}"] = tf.image.adjust_brightness(tf.constant(x, dt), 0.2)
        out[f"gamma_{dt}"] = tf.image.adjust_gamma(tf.constant(x, dt), 1.5)
        out[f"psnr_{dt}"] = tf.image.psnr(tf.constant(x, dt), tf.constant(x * 0.9, dt), 1.0)
        out[f"ssim_{dt}"] = tf.image.ssim(tf.constant(tile, dt), tf.constant(tile * 0.9, dt), 1.0)
        out[f"tv_{dt}"] = tf.image.total_variation(tf.constant(x, dt))
        out[f"std_{dt}"] = tf.image.per_image_standardization(tf.constant(x, dt))
    out["contrast_bf16"] = tf.image.adjust_contrast(tf.constant(x, "bfloat16"), 1.5)
    out["hue_bf16"] = tf.image.adjust_hue(tf.constant(x, "bfloat16"), 0.5)
    out["hue_list"] = tf.image.adjust_hue([[[10, 20, 30]]], 0.5)
    out["psnr_numpy"] = tf.image.psnr(x, x * 0.8, 1.0)
    return out


def case_edge_errors_more(tf):
    return {
        "gamma_negative_tensor": _raises(lambda: tf.image.adjust_gamma(
            tf.ones([1, 1, 1]), tf.constant(-1.0))),
        "gray_to_rgb_list": _raises(lambda: tf.image.grayscale_to_rgb([[1.0]])),
        "psnr_list": _raises(lambda: tf.image.psnr([[[0.0]]], [[[0.0]]], 1.0)),
        "psnr_rank2": _raises(lambda: tf.image.psnr(tf.zeros([2, 2]), tf.zeros([2, 2]), 1.0)),
        "ssim_rank2": _raises(lambda: tf.image.ssim(tf.zeros([12, 12]), tf.zeros([12, 12]), 1.0)),
        "ssim_batch": _raises(lambda: tf.image.ssim(tf.zeros([2, 12, 12, 1]),
                                                    tf.zeros([3, 12, 12, 1]), 1.0)),
        "gray_scalar": _raises(lambda: tf.image.rgb_to_grayscale(tf.constant(1.0))),
    }


@tolerance(rtol=1e-4, atol=1e-5)
def case_rgb_to_hsv_second_order(tf):
    x = tf.constant(_pixels([2, 2, 3]), tf.float32)
    w = tf.constant(np.cos(np.arange(12) * 0.37).reshape(2, 2, 3) + 1.5, tf.float32)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.image.rgb_to_hsv(x) * w)
        g = inner.gradient(y, x)
        z = tf.reduce_sum(g * w)
    return {"g": g, "gg": outer.gradient(z, x)}
