"""`tf.image`'s random augmentations: their draws have TF's distributions (the
conformance cases check what holds for every draw)."""

from __future__ import annotations

import pytest

import tftape_torch as tf


def _image(shape, dtype=tf.float32):
    n = 1
    for d in shape:
        n *= d
    return tf.cast(tf.reshape(tf.range(n), shape), dtype)


def test_stateless_flip_is_a_fair_coin_per_image() -> None:
    x = _image([64, 1, 2, 1])  # each image [a, b]: flipped is [b, a]
    flipped = 0
    for k in range(10):
        y = tf.image.stateless_random_flip_left_right(x, seed=(k, 3))
        coins = (y[:, 0, 0, 0] > x[:, 0, 0, 0]).numpy()
        assert 0 < coins.sum() < 64  # one coin per image (all equal: p = 2**-63)
        flipped += int(coins.sum())
    assert 0.4 < flipped / 640 < 0.6  # Binomial(640, 1/2): sd 0.02


def test_stateless_flip_of_one_image_follows_its_seed() -> None:
    x = _image([2, 1, 1])  # [[0], [1]] upside down is [[1], [0]]
    seen = {bool(tf.image.stateless_random_flip_up_down(x, (k, 0))[0, 0, 0] == 1.0)
            for k in range(40)}
    assert seen == {True, False}


def test_stateful_ops_repeat_after_set_seed() -> None:
    x = _image([8, 2, 3, 3]) / 48.0
    tf.random.set_seed(11)
    a = [tf.image.random_flip_left_right(x), tf.image.random_brightness(x, 0.3, seed=2),
         tf.image.random_crop(x, [4, 2, 2, 3])]
    tf.random.set_seed(11)
    b = [tf.image.random_flip_left_right(x), tf.image.random_brightness(x, 0.3, seed=2),
         tf.image.random_crop(x, [4, 2, 2, 3])]
    for u, v in zip(a, b):
        assert bool(tf.reduce_all(u == v))


def test_brightness_deltas_cover_the_range() -> None:
    x = tf.zeros([1, 1, 1])
    deltas = [float(tf.image.stateless_random_brightness(x, 0.25, (k, 1))[0, 0, 0])
              for k in range(200)]
    assert all(-0.25 <= d < 0.25 for d in deltas)
    assert min(deltas) < -0.2 and max(deltas) > 0.2  # uniform: P(miss) = 0.9**200 each


def test_contrast_factor_in_range() -> None:
    x = tf.constant([[[0.0], [1.0]]])  # mean 0.5: output 0.5 -/+ factor / 2
    for k in range(50):
        y = tf.image.stateless_random_contrast(x, 0.2, 1.8, (k, 2))
        factor = float(y[0, 1, 0] - y[0, 0, 0])
        assert 0.2 - 1e-6 <= factor < 1.8 + 1e-6


def test_crop_offsets_cover_every_position() -> None:
    x = _image([4, 4, 1])
    corners = {int(tf.image.stateless_random_crop(x, [2, 2, 1], (k, 5))[0, 0, 0])
               for k in range(300)}
    assert corners == {0, 1, 2, 4, 5, 6, 8, 9, 10}  # offsets 0..2 on each axis


def test_crop_of_an_integer_size_tensor_and_errors() -> None:
    x = _image([3, 3, 2], tf.int32)
    y = tf.image.random_crop(x, tf.constant([2, 3, 2]))
    assert y.dtype == tf.int32 and tuple(y.shape) == (2, 3, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need value.shape >= size"):
        tf.image.random_crop(x, [4, 3, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"shapes: \[3\] vs. \[2\]"):
        tf.image.random_crop(x, [2, 2])


@pytest.mark.parametrize("op, args, message", [
    (tf.image.random_brightness, (-0.1,), "max_delta must be non-negative."),
    (tf.image.random_hue, (0.51,), "max_delta must be <= 0.5."),
    (tf.image.random_contrast, (1.0, 1.0), "upper must be > lower."),
    (tf.image.random_saturation, (-0.1, 1.0), "lower must be non-negative."),
])
def test_argument_errors(op, args, message) -> None:
    with pytest.raises(ValueError, match=message):
        op(tf.ones([2, 2, 3]), *args)
