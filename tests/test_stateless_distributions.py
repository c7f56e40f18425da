"""`tf.random.stateless_gamma`, `stateless_poisson`, `stateless_binomial` and
`stateless_parameterized_truncated_normal`: their draws (torch's) follow the
distributions, repeat for a seed, and their gradients are TF's (implicit
reparameterization), checked against the mathematics rather than TF's draws."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tftape_torch as tf


def test_gamma_gradient_is_the_implicit_derivative() -> None:
    """d x / d alpha = -(d P(alpha, x) / d alpha) / p(x; alpha), P the regularized lower
    incomplete gamma function (whose gradient in `a` is TF's, ported)."""
    alpha = tf.constant([0.7, 2.5, 9.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(alpha)
        x = tf.random.stateless_gamma([5, 3], seed=[4, 2], alpha=alpha, dtype=tf.float64)
    grad = tape.gradient(x, alpha).numpy()
    a = tf.broadcast_to(alpha, [5, 3])
    with tf.GradientTape() as tape:
        tape.watch(a)
        cdf = tf.math.igamma(a, tf.stop_gradient(x))
    d_cdf = tape.gradient(cdf, a)
    density = tf.exp((a - 1) * tf.math.log(x) - x - tf.math.lgamma(a))
    expected = tf.reduce_sum(-d_cdf / density, axis=0).numpy()
    np.testing.assert_allclose(grad, expected, rtol=1e-6)


def test_gamma_beta_scales_and_repeats() -> None:
    a = tf.random.stateless_gamma([20000], seed=[1, 1], alpha=3.0, beta=2.0, dtype=tf.float64)
    b = tf.random.stateless_gamma([20000], seed=[1, 1], alpha=3.0, beta=2.0, dtype=tf.float64)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert abs(float(tf.reduce_mean(a)) - 1.5) < 0.03  # mean alpha / beta
    assert tf.random.stateless_gamma([2], [1, 2], alpha=2.0, dtype=tf.float16).dtype == tf.float16


def test_poisson_and_binomial_moments_and_no_gradient() -> None:
    lam = tf.constant([0.5, 4.0])
    with tf.GradientTape() as tape:
        tape.watch(lam)
        draws = tf.random.stateless_poisson([20000, 2], seed=[3, 1], lam=lam, dtype=tf.float32)
    assert tape.gradient(draws, lam) is None
    np.testing.assert_allclose(tf.reduce_mean(draws, axis=0).numpy(), [0.5, 4.0], rtol=0.04)
    counts = tf.constant([10.0, 40.0])
    draws = tf.random.stateless_binomial([20000, 2], [5, 6], counts=counts, probs=[0.3, 0.5])
    assert draws.dtype == tf.int32
    mean = tf.reduce_mean(tf.cast(draws, tf.float64), axis=0).numpy()
    np.testing.assert_allclose(mean, [3.0, 20.0], rtol=0.02)
    assert int(tf.reduce_max(draws[:, 0])) <= 10


def test_truncated_normal_bound_gradients_match_differences_at_a_fixed_seed() -> None:
    """With the seed fixed, a sample is a smooth function of the bounds: TF's `dminval`
    and `dmaxval` are its derivatives (its `dmean` = 1 and `dstddev` = the standardized
    sample hold the bounds' standardized values fixed instead)."""
    seed, shape = [7, 3], [6]
    mean, std = tf.constant(0.3, tf.float64), tf.constant(1.2, tf.float64)

    def draw(low: float, high: float):
        return tf.random.stateless_parameterized_truncated_normal(
            shape, seed, mean, std, tf.constant(low, tf.float64), tf.constant(high, tf.float64))

    low, high = tf.constant(-0.8, tf.float64), tf.constant(1.5, tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([low, high, mean, std])
        x = tf.random.stateless_parameterized_truncated_normal(shape, seed, mean, std, low, high)
        total = tf.reduce_sum(x)
    h = 1e-6
    d_low = (tf.reduce_sum(draw(-0.8 + h, 1.5)) - tf.reduce_sum(draw(-0.8 - h, 1.5))) / (2 * h)
    d_high = (tf.reduce_sum(draw(-0.8, 1.5 + h)) - tf.reduce_sum(draw(-0.8, 1.5 - h))) / (2 * h)
    np.testing.assert_allclose(float(tape.gradient(total, low)), float(d_low), rtol=1e-5)
    np.testing.assert_allclose(float(tape.gradient(total, high)), float(d_high), rtol=1e-5)
    assert float(tape.gradient(total, mean)) == pytest.approx(6.0)
    np.testing.assert_allclose(float(tape.gradient(total, std)),
                               float(tf.reduce_sum((x - mean) / std)), rtol=1e-12)
    assert bool(tf.reduce_all((x >= -0.8) & (x <= 1.5)))


def test_shape_must_end_with_the_parameters_shape() -> None:
    with pytest.raises(tf.errors.InvalidArgumentError, match="end with broadcasted shape"):
        tf.random.stateless_gamma([4, 3], [1, 2], alpha=[0.5, 1.5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="seed must have shape"):
        tf.random.stateless_poisson([2], [1, 2, 3], lam=1.0)


def _truncated_normal_cdf(x: float, low: float, high: float) -> float:
    """The standard normal truncated to [low, high], by survival functions (exact in
    the upper tail; the lower one mirrors it)."""
    if high <= 0:
        return 1.0 - _truncated_normal_cdf(-x, -high, -low)
    survival = lambda v: 0.5 * math.erfc(v / math.sqrt(2.0))  # noqa: E731
    return (survival(low) - survival(x)) / (survival(low) - survival(high))


@pytest.mark.parametrize("low, high", [
    (10.0, 11.0), (-11.0, -10.0), (8.0, math.inf), (-math.inf, -8.0), (8.0, 9.0),
    (30.0, 31.0), (5.0, 5.2), (4.9, 5.1), (-2.0, 2.0), (-3.0, math.inf), (0.0, 1.0),
])
def test_truncated_normal_follows_its_distribution_far_into_the_tails(
        low: float, high: float) -> None:
    # The inverse-CDF sampler put every draw on [10, 11] on a bound (ndtr is 1 there in
    # float64) and some on [8, inf] at inf: a Kolmogorov-Smirnov test against the exact
    # truncated CDF (critical value 1.95 / sqrt(n) at the 0.1% level) catches both.
    n = 4000
    x = tf.random.stateless_parameterized_truncated_normal(
        [n], seed=[5, 6], means=0.0, stddevs=1.0, minvals=low, maxvals=high)
    values = np.sort(x.numpy().astype(np.float64))
    assert np.isfinite(values).all() and (values >= low).all() and (values <= high).all()
    cdf = np.array([_truncated_normal_cdf(v, low, high) for v in values])
    steps = np.arange(1, n + 1) / n
    statistic = max(np.max(steps - cdf), np.max(cdf - (steps - 1.0 / n)))
    assert statistic < 1.95 / math.sqrt(n)


def test_truncated_normal_mean_and_deviation_shift_and_scale_the_tail() -> None:
    x = tf.random.stateless_parameterized_truncated_normal(
        [2000], seed=[1, 1], means=3.0, stddevs=0.5, minvals=8.0, maxvals=9.0)
    z = (x.numpy().astype(np.float64) - 3.0) / 0.5  # standardized: [10, 12]
    # The mean of the standard normal truncated to [10, 12] is (phi(10) - phi(12)) /
    # (S(10) - S(12)), about 10.098.
    phi = lambda v: math.exp(-v * v / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    survival = lambda v: 0.5 * math.erfc(v / math.sqrt(2.0))  # noqa: E731
    mean = (phi(10.0) - phi(12.0)) / (survival(10.0) - survival(12.0))
    assert abs(z.mean() - mean) < 5 * z.std() / math.sqrt(z.size)
