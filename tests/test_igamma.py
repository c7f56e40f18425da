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


def test_betainc_against_the_integral_by_symmetry_and_closed_forms() -> None:
    # I_x(1, 1) = x; I_x(a, 1) = x**a; I_x(1, b) = 1 - (1 - x)**b; I_x(a, b) = 1 - I_{1-x}(b, a).
    x = np.linspace(0.01, 0.99, 50)
    a = np.linspace(0.2, 40.0, 50)
    np.testing.assert_allclose(tf.math.betainc(np.ones(50), np.ones(50), x).numpy(), x,
                               rtol=1e-12)
    np.testing.assert_allclose(tf.math.betainc(a, np.ones(50), x).numpy(), x**a, rtol=1e-10)
    np.testing.assert_allclose(tf.math.betainc(np.ones(50), a, x).numpy(), 1 - (1 - x)**a,
                               rtol=1e-10)
    b = np.linspace(60.0, 0.5, 50)
    forward = tf.math.betainc(a, b, x).numpy()
    mirrored = 1 - tf.math.betainc(b, a, 1 - x).numpy()
    np.testing.assert_allclose(forward, mirrored, rtol=1e-9, atol=1e-13)


def test_betainc_gradient_is_the_density_and_none_for_the_parameters() -> None:
    a, b = tf.constant([2.0, 0.5], tf.float64), tf.constant([3.0, 4.0], tf.float64)
    x = tf.constant([0.3, 0.6], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([a, b, x])
        y = tf.math.betainc(a, b, x)
    da, db, dx = tape.gradient(y, [a, b, x])
    assert da is None and db is None
    h = 1e-6
    expected = (tf.math.betainc(a, b, x + h) - tf.math.betainc(a, b, x - h)) / (2 * h)
    np.testing.assert_allclose(dx.numpy(), expected.numpy(), rtol=1e-7)
    acc_x = tf.constant([0.3, 0.6], tf.float64)
    with tf.autodiff.ForwardAccumulator(acc_x, tf.ones_like(acc_x)) as acc:
        z = tf.math.betainc(a, b, acc_x)
    np.testing.assert_allclose(acc.jvp(z).numpy(), dx.numpy(), rtol=1e-12)


def test_gradient_in_x_alone_never_runs_the_series_for_a(monkeypatch: pytest.MonkeyPatch) -> None:
    from tftape_torch import _incomplete_ops

    def refuse(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        raise AssertionError("d/da computed for a gradient in x only")

    monkeypatch.setattr(_incomplete_ops, "_grad_a", refuse)
    a, x = tf.constant([2.0, 5.0]), tf.constant([1.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.igammac(a, x)
    expected = -np.exp(-x.numpy() + (a.numpy() - 1) * np.log(x.numpy())
                       - np.array([0.0, np.log(24.0)]))  # -x**(a-1) e**-x / Gamma(a)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), expected, rtol=1e-6)
