"""`tf.linalg.eig`/`eigvals`: TF's `Eig` gradient and its JVP against central
differences of NumPy's eigendecomposition, on losses that depend neither on the
eigenvalues' order nor on the eigenvectors' phases (the values TF's and ours share;
`tftape_torch/_eig_ops.py`)."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pytest
import torch

import tftape_torch as tf


def _np_loss(a: np.ndarray) -> float:
    e, v = np.linalg.eig(a)
    rows = np.arange(1, a.shape[-1] + 1)[:, None]
    return float(np.sum(e.real**2 + 0.3 * e.imag) + np.sum(np.abs(v) ** 2 * rows))


def _tf_loss(a: torch.Tensor) -> torch.Tensor:
    e, v = tf.linalg.eig(a)
    rows = tf.cast(tf.range(1, a.shape[-1] + 1), tf.float64)[:, None]
    return tf.reduce_sum(tf.math.real(e) ** 2 + 0.3 * tf.math.imag(e)) + tf.reduce_sum(
        tf.abs(v) ** 2 * rows)


def _central_gradient(fn: Callable[[np.ndarray], float], a: np.ndarray) -> np.ndarray:
    """dL/dRe(a) + i dL/dIm(a) (the gradient TF and torch hand back for complex `a`)."""
    h = 1e-6
    grad = np.zeros(a.shape, dtype=a.dtype)
    for index in np.ndindex(*a.shape):
        step = np.zeros_like(a)
        step[index] = h
        grad[index] = (fn(a + step) - fn(a - step)) / (2 * h)
        if np.iscomplexobj(a):
            grad[index] += 1j * (fn(a + 1j * step) - fn(a - 1j * step)) / (2 * h)
    return grad


def _matrix(complex_: bool) -> np.ndarray:
    rng = np.random.default_rng(7)
    a = rng.standard_normal((4, 4))
    return a + 1j * rng.standard_normal((4, 4)) if complex_ else a


@pytest.mark.parametrize("complex_", [False, True])
def test_gradient_matches_central_differences(complex_: bool) -> None:
    a_np = _matrix(complex_)
    a = tf.constant(a_np)
    with tf.GradientTape() as tape:
        tape.watch(a)
        loss = _tf_loss(a)
    grad = tape.gradient(loss, a)
    assert grad.dtype == a.dtype and tuple(grad.shape) == (4, 4)
    np.testing.assert_allclose(grad.numpy(), _central_gradient(_np_loss, a_np), rtol=1e-5,
                               atol=1e-7)


@pytest.mark.parametrize("complex_", [False, True])
def test_forward_mode_matches_central_differences(complex_: bool) -> None:
    a_np = _matrix(complex_)
    tangent = np.cos(np.arange(16.0)).reshape(4, 4).astype(a_np.dtype)
    primal = tf.constant(a_np)
    with tf.autodiff.ForwardAccumulator(primal, tf.constant(tangent)) as acc:
        loss = _tf_loss(primal)
    h = 1e-6
    expected = (_np_loss(a_np + h * tangent) - _np_loss(a_np - h * tangent)) / (2 * h)
    np.testing.assert_allclose(float(acc.jvp(loss)), expected, rtol=1e-5)


def test_eigvals_gradient_is_eig_gradient_of_the_values() -> None:
    a = tf.constant(_matrix(False))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a)
        from_eigvals = tf.reduce_sum(tf.abs(tf.linalg.eigvals(a)) ** 3)
        from_eig = tf.reduce_sum(tf.abs(tf.linalg.eig(a)[0]) ** 3)
    np.testing.assert_allclose(tape.gradient(from_eigvals, a).numpy(),
                               tape.gradient(from_eig, a).numpy(), rtol=1e-12)


def test_phase_dependent_loss_gives_a_gradient_where_torch_refuses() -> None:
    a_np = _matrix(False) + np.diag([0.0, 0.0, 0.0, 3.0])
    a = tf.constant(a_np)
    with tf.GradientTape() as tape:
        tape.watch(a)
        e, v = tf.linalg.eig(a)
        loss = tf.reduce_sum(tf.math.imag(v))  # depends on the phases, as TF allows
    grad = tape.gradient(loss, a)
    assert np.all(np.isfinite(grad.numpy()))
    plain = torch.tensor(a_np, requires_grad=True)
    with pytest.raises(RuntimeError, match="ill-defined"):
        torch.linalg.eig(plain)[1].imag.sum().backward()


def test_values_and_dtypes() -> None:
    a = tf.reshape(tf.range(1.0, 19.0) ** 0.5, [2, 3, 3])
    e, v = tf.linalg.eig(a)
    assert type(e) is type(a) and type(v) is type(a)
    assert e.dtype == tf.complex64 and v.dtype == tf.complex64
    assert tuple(e.shape) == (2, 3) and tuple(v.shape) == (2, 3, 3)
    a_c = tf.cast(a, tf.complex64)
    np.testing.assert_allclose(tf.matmul(a_c, v).numpy(), (v * e[:, None, :]).numpy(),
                               atol=1e-4)
    np.testing.assert_allclose(tf.reduce_sum(tf.abs(v) ** 2, axis=-2).numpy(), 1.0, rtol=1e-5)
    assert tf.linalg.eigvals(tf.constant([[1.0]], tf.float64)).dtype == tf.complex128


def test_unconnected_and_unwatched() -> None:
    a, b = tf.constant(_matrix(False)), tf.constant(_matrix(False))
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        loss = tf.reduce_sum(tf.math.real(tf.linalg.eigvals(a)))
    grad_a, grad_b = tape.gradient(loss, [a, b])
    assert grad_b is None
    np.testing.assert_allclose(grad_a.numpy(), np.eye(4), atol=1e-10)  # d trace / dA
    e = tf.linalg.eigvals(a)  # no tape: no graph
    assert not e.requires_grad


def test_bad_input_leaves_no_state() -> None:
    with tf.GradientTape() as tape:
        x = tf.ones([2, 3])
        tape.watch(x)
        with pytest.raises(tf.errors.InvalidArgumentError, match="must be square"):
            tf.linalg.eig(x)
    assert not x.requires_grad
    with pytest.raises(AttributeError, match="'list' object has no attribute 'dtype'"):
        tf.linalg.eigvals([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(UnboundLocalError):
        tf.linalg.eig(tf.constant([[1, 2], [3, 4]]))


def test_eigh_tridiagonal_gradient_is_the_derivative() -> None:
    """d e_k / d alpha_j = v_jk^2 and d e_k / d beta_j = 2 v_jk v_(j+1)k (first-order
    perturbation theory), unlike TF's bisection (a known difference)."""
    alpha = tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64)
    beta = tf.constant([0.5, -0.7, 0.3], tf.float64)
    weights = tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch([alpha, beta])
        loss = tf.reduce_sum(tf.linalg.eigh_tridiagonal(alpha, beta) * weights)
    d_alpha, d_beta = tape.gradient(loss, [alpha, beta])
    _, v = tf.linalg.eigh_tridiagonal(alpha, beta, eigvals_only=False)
    v, w = v.numpy(), weights.numpy()
    np.testing.assert_allclose(d_alpha.numpy(), (v**2) @ w, rtol=1e-10)
    np.testing.assert_allclose(d_beta.numpy(), (2 * v[:-1] * v[1:]) @ w, rtol=1e-10)
