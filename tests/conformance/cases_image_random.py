"""`tf.image`'s random augmentations against TensorFlow 2.21.

Neither generator here is TF's Philox stream, so a seed picks other coins and deltas
than TF's; each case answers with what holds for every draw: the output is the image
or its flip (per image for a batch), a brightness shift is one delta within
`max_delta`, contrast keeps each channel's mean, hue and saturation leave a gray image
alone, a crop is a window of the input, stateless ops repeat for a seed, and shapes,
dtypes, gradients and argument errors. Answers live in `golden/cases_image_random.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises


def _image(tf, shape, dtype="float32"):
    n = int(np.prod(shape))
    return tf.cast(tf.reshape(tf.range(n), shape), dtype)


def _dtype(tf, y):
    """The dtype as an empty tensor of it (the harness records a tensor's dtype)."""
    return tf.zeros([0], y.dtype)


def _same(tf, a, b):
    return bool(tf.reduce_all(tf.equal(a, b)))


def _flip_answers(tf, op, flip, stateless):
    kw = (lambda k: {"seed": (k, 7)}) if stateless else (lambda k: {})
    x3 = _image(tf, [3, 4, 2])
    x4 = _image(tf, [5, 3, 4, 1], "uint8")
    out = {"shape3": [], "shape4": [], "dtype4": [], "ok3": [], "ok4": []}
    for k in range(6):
        y3 = op(x3, **kw(k))
        out["ok3"].append(_same(tf, y3, x3) or _same(tf, y3, flip(x3)))
        y4 = op(x4, **kw(k))
        flipped = flip(x4)
        out["ok4"].append(all(_same(tf, y4[i], x4[i]) or _same(tf, y4[i], flipped[i])
                              for i in range(5)))
        out["shape3"].append(list(y3.shape))
        out["shape4"].append(list(y4.shape))
        out["dtype4"].append(_dtype(tf, y4))
    return out


def case_random_flip_left_right(tf):
    return _flip_answers(tf, tf.image.random_flip_left_right, tf.image.flip_left_right, False)


def case_random_flip_up_down(tf):
    return _flip_answers(tf, tf.image.random_flip_up_down, tf.image.flip_up_down, False)


def case_stateless_random_flip_left_right(tf):
    return _flip_answers(tf, tf.image.stateless_random_flip_left_right,
                         tf.image.flip_left_right, True)


def case_stateless_random_flip_up_down(tf):
    return _flip_answers(tf, tf.image.stateless_random_flip_up_down,
                         tf.image.flip_up_down, True)


def case_stateless_ops_repeat_for_a_seed(tf):
    x = _image(tf, [2, 3, 4, 3]) / 24.0
    ops = {
        "flip_lr": lambda s: tf.image.stateless_random_flip_left_right(x, s),
        "flip_ud": lambda s: tf.image.stateless_random_flip_up_down(x, s),
        "brightness": lambda s: tf.image.stateless_random_brightness(x, 0.3, s),
        "contrast": lambda s: tf.image.stateless_random_contrast(x, 0.2, 1.8, s),
        "hue": lambda s: tf.image.stateless_random_hue(x, 0.4, s),
        "saturation": lambda s: tf.image.stateless_random_saturation(x, 0.2, 1.8, s),
        "crop": lambda s: tf.image.stateless_random_crop(x, [2, 2, 2, 3], s),
    }
    return {name: _same(tf, op((3, 4)), op((3, 4))) for name, op in ops.items()}


def case_random_brightness(tf):
    x = _image(tf, [2, 3, 3]) / 18.0
    out = {}
    for name, op in (("stateful", lambda: tf.image.random_brightness(x, 0.25)),
                     ("stateless", lambda: tf.image.stateless_random_brightness(
                         x, 0.25, (1, 2)))):
        y = op()
        shift = y - x
        out[name] = {
            "one_delta": bool(tf.reduce_max(shift) - tf.reduce_min(shift) < 1e-6),
            "within": bool(tf.reduce_max(tf.abs(shift)) <= 0.25 + 1e-6),
            "dtype": _dtype(tf, y),
        }
    out["zero_delta"] = tf.image.random_brightness(x, 0.0)
    u8 = tf.image.random_brightness(_image(tf, [2, 2, 3], "uint8"), 0.1)
    out["uint8"] = [_dtype(tf, u8), list(u8.shape)]
    return out


def case_random_contrast_keeps_channel_means(tf):
    x = _image(tf, [2, 3, 4, 3]) / 72.0
    out = {}
    for name, y in (("stateful", tf.image.random_contrast(x, 0.3, 1.7)),
                    ("stateless", tf.image.stateless_random_contrast(x, 0.3, 1.7, (5, 6)))):
        out[name] = {"means": tf.reduce_mean(y, axis=[1, 2]), "dtype": _dtype(tf, y),
                     "shape": list(y.shape)}
    return out


def case_random_hue_and_saturation_leave_gray_alone(tf):
    gray = tf.tile(_image(tf, [2, 3, 1]) / 6.0, [1, 1, 3])
    return {
        "hue": tf.image.random_hue(gray, 0.5),
        "hue_stateless": tf.image.stateless_random_hue(gray, 0.3, (1, 1)),
        "saturation": tf.image.random_saturation(gray, 0.1, 3.0),
        "saturation_stateless": tf.image.stateless_random_saturation(gray, 0.1, 3.0, (2, 2)),
    }


def case_random_crop_is_a_window(tf):
    x = _image(tf, [4, 5, 3], "int32")
    out = {"ok": [], "shape": []}
    for k in range(6):
        y = (tf.image.random_crop(x, [2, 3, 2]) if k % 2
             else tf.image.stateless_random_crop(x, [2, 3, 2], seed=(k, 1)))
        first = int(y[0, 0, 0])
        top, left, channel = first // 15, (first % 15) // 3, first % 3
        window = x[top:top + 2, left:left + 3, channel:channel + 2]
        out["ok"].append(_same(tf, y, window))
        out["shape"].append(list(y.shape))
    out["whole"] = tf.image.random_crop(x, [4, 5, 3])
    out["dtype"] = _dtype(tf, y)
    return out


def case_random_augmentation_gradients(tf):
    x = tf.Variable(_image(tf, [2, 3, 4, 3]) / 72.0)
    with tf.GradientTape(persistent=True) as tape:
        flipped = tf.reduce_sum(tf.image.random_flip_left_right(x) * 2.0)
        flipped3 = tf.reduce_sum(tf.image.stateless_random_flip_up_down(x[0], (1, 2)))
        bright = tf.reduce_sum(tf.image.random_brightness(x, 0.2))
        crop = tf.reduce_sum(tf.image.random_crop(x, [1, 2, 2, 3]))
    return {
        "flip": tape.gradient(flipped, x),
        "flip3": tape.gradient(flipped3, x),
        "brightness": tape.gradient(bright, x),
        "crop_total": tf.reduce_sum(tape.gradient(crop, x)),
        "crop_shape": tf.shape(tape.gradient(crop, x)),
    }


def case_random_contrast_has_no_gradient(tf):
    x = tf.Variable(tf.ones([2, 2, 3]))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.image.random_contrast(x, 0.5, 1.5))
    return _raises(lambda: tape.gradient(y, x))


def case_random_augmentation_errors(tf):
    img = tf.ones([2, 2, 3])
    return {
        "flip_2d": _raises(lambda: tf.image.random_flip_left_right(tf.ones([3, 4]))),
        "flip_5d": _raises(lambda: tf.image.random_flip_up_down(tf.ones([1, 2, 3, 4, 1]))),
        "flip_bad_seed": _raises(
            lambda: tf.image.stateless_random_flip_left_right(img, seed=(1,))),
        "brightness_negative": _raises(lambda: tf.image.random_brightness(img, -1.0)),
        "contrast_empty": _raises(lambda: tf.image.random_contrast(img, 0.5, 0.5)),
        "contrast_negative": _raises(lambda: tf.image.stateless_random_contrast(
            img, -0.5, 0.5, (1, 2))),
        "hue_large": _raises(lambda: tf.image.random_hue(img, 0.6)),
        "hue_negative": _raises(lambda: tf.image.stateless_random_hue(img, -0.1, (1, 2))),
        "saturation_empty": _raises(lambda: tf.image.random_saturation(img, 1.0, 0.5)),
        "saturation_negative": _raises(lambda: tf.image.random_saturation(img, -1.0, 0.5)),
        "crop_too_big": _raises(lambda: tf.image.random_crop(tf.ones([4, 4, 3]), [5, 2, 3])),
        "crop_rank": _raises(lambda: tf.image.random_crop(tf.ones([4, 4, 3]), [2, 2])),
        "crop_bad_seed": _raises(
            lambda: tf.image.stateless_random_crop(tf.ones([4, 4, 3]), [2, 2, 3], (1,))),
    }


def case_random_crop_too_big_message(tf):
    try:
        tf.image.random_crop(tf.ones([4, 4, 3]), [5, 2, 3])
    except Exception as error:  # noqa: BLE001 - the message is the answer
        return str(error.message)
    return "returned"
