"""`tf.nn.isotonic_regression` on random rows: the fit is monotone, keeps each row's
sum, is its own fit, and beats nearby monotone sequences in squared error (the
properties that define it); the gradient averages over segments (TF's)."""

from __future__ import annotations

import numpy as np
import pytest

import tftape_torch as tf


@pytest.mark.parametrize("decreasing", [True, False])
def test_fit_properties(decreasing: bool) -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((40, 12))
    out, segments = tf.nn.isotonic_regression(tf.constant(x), decreasing=decreasing)
    fit = out.numpy()
    steps = np.diff(fit, axis=1)
    assert np.all(steps <= 1e-12) if decreasing else np.all(steps >= -1e-12)
    np.testing.assert_allclose(fit.sum(axis=1), x.sum(axis=1), rtol=1e-12, atol=1e-12)
    again = tf.nn.isotonic_regression(out, decreasing=decreasing)[0].numpy()
    np.testing.assert_allclose(again, fit, rtol=1e-12)
    best = np.sum((fit - x) ** 2, axis=1)
    for _ in range(20):  # monotone perturbations of the fit are never closer
        bumped = np.sort(fit + 0.05 * rng.standard_normal(fit.shape), axis=1)
        bumped = bumped[:, ::-1] if decreasing else bumped
        assert np.all(np.sum((bumped - x) ** 2, axis=1) >= best - 1e-12)
    seg = segments.numpy()
    assert seg.dtype == np.int32 and np.all(np.diff(seg, axis=1) >= 0) and np.all(seg[:, 0] == 0)


def test_gradient_is_the_segment_mean() -> None:
    x = tf.constant([[4.0, 1.0, 3.0, 2.0, 0.5]])
    upstream = tf.constant([[1.0, 2.0, 3.0, 4.0, 5.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, segments = tf.nn.isotonic_regression(x)
        loss = tf.reduce_sum(out * upstream)
    grad = tape.gradient(loss, x).numpy()[0]
    seg = segments.numpy()[0]
    for s in set(seg.tolist()):
        members = seg == s
        np.testing.assert_allclose(grad[members], upstream.numpy()[0][members].mean())
