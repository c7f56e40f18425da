"""`tf.math.igamma`'s gradient in `a` (TF's `IgammaGradA`, ported) against central
differences of the float64 values, over both of its algorithms."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tftape_torch as tf


def _finite_difference(a: np.ndarray, x: np.ndarray, upper: bool) -> np.ndarray:
    fn = torch.special.gammaincc if upper else torch.special.gammainc
    h = 1e-6 * np.maximum(a, 1.0)
    at, xt, ht = (torch.tensor(v, dtype=torch.float64) for v in (a, x, h))
    return ((fn(at + ht, xt) - fn(at - ht, xt)) / (2 * ht)).numpy()


@pytest.mark.parametrize("upper", [False, True])
def test_gradient_in_a_matches_central_differences(upper: bool) -> None:
    rng = np.random.default_rng(3)
    a = np.exp(rng.uniform(-2.0, 4.0, 400))
    x = a * np.exp(rng.uniform(-1.5, 1.5, 400))  # both sides of x = a: series and fraction
    av = tf.Variable(a)
    with tf.GradientTape() as tape:
        y = (tf.math.igammac if upper else tf.math.igamma)(av, x)
    ours = tape.gradient(y, av).numpy()
    expected = _finite_difference(a, x, upper)
    np.testing.assert_allclose(ours, expected, rtol=1e-6, atol=1e-9)


def test_jacobian_in_a_is_diagonal() -> None:
    a, x = tf.constant([0.5, 3.0, 20.0], tf.float64), tf.constant([1.0, 2.0, 30.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(a)
        y = tf.math.igamma(a, x)
    j = tape.jacobian(y, a).numpy()
    np.testing.assert_allclose(np.diag(j), _finite_difference(a.numpy(), x.numpy(), False),
                               rtol=1e-6)
    assert np.count_nonzero(j - np.diag(np.diag(j))) == 0
