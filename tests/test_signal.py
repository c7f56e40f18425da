"""`tf.signal` beyond the conformance cases: jacobians through the transforms (batched
by vmap, checked against a row loop), `tf.function`, gradients TF refuses, the
`*fftnd` ops TF has no CPU kernel for (checked against `numpy.fft`), and plain torch
tensors under the core tape.

Values, dtypes, errors and gradients against TF are in
`tests/conformance/cases_signal.py`.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tftape_torch import GradientTape


def _signal(n: int = 12) -> np.ndarray:
    return np.sin(np.arange(n) * 0.7 + 0.2).astype(np.float32)


def test_stft_jacobian_matches_row_by_row_gradients() -> None:
    x = tf.constant(_signal())
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        power = tf.reshape(tf.abs(tf.signal.stft(x, 4, 2)) ** 2, [-1])
        entries = [power[i] for i in range(power.shape[0])]
    jacobian = tape.jacobian(power, x)
    rows = [tape.gradient(entry, x) for entry in entries]
    assert jacobian.shape == (power.shape[0], 12)
    np.testing.assert_allclose(jacobian.numpy(), np.stack([r.numpy() for r in rows]),
                               rtol=1e-5, atol=1e-6)


def test_batch_jacobian_of_dct_is_the_dct_matrix() -> None:
    x = tf.constant(np.stack([_signal(8), _signal(8) * 2]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.signal.dct(x, norm="ortho")
    jacobian = tape.batch_jacobian(y, x)
    matrix = tf.signal.dct(tf.eye(8), norm="ortho").numpy().T  # column k: dct of e_k
    assert jacobian.shape == (2, 8, 8)
    np.testing.assert_allclose(jacobian.numpy()[0], matrix, atol=1e-6)
    np.testing.assert_allclose(jacobian.numpy()[1], matrix, atol=1e-6)
    np.testing.assert_allclose(matrix @ matrix.T, np.eye(8), atol=1e-5)  # orthonormal


def test_function_traces_spectrogram_and_gradient() -> None:
    x = tf.constant(_signal(16))

    @tf.function
    def loss_and_grad(signal):
        with tf.GradientTape() as tape:
            tape.watch(signal)
            mel = tf.signal.linear_to_mel_weight_matrix(4, 5, 8000, 100.0, 4000.0)
            power = tf.abs(tf.signal.stft(signal, 8, 4)) ** 2
            loss = tf.reduce_sum(tf.matmul(power, mel))
        return loss, tape.gradient(loss, signal)

    loss, grad = loss_and_grad(x)
    eager_loss, eager_grad = loss_and_grad.python_function(x)
    np.testing.assert_allclose(loss.numpy(), eager_loss.numpy(), rtol=1e-6)
    np.testing.assert_allclose(grad.numpy(), eager_grad.numpy(), rtol=1e-5, atol=1e-6)
    assert grad.shape == (16,) and grad.dtype == tf.float32


@pytest.mark.parametrize("fft_length", [[4], [2]])
def test_rfft_of_a_cropped_input_refuses_a_gradient_as_tf(fft_length) -> None:
    x = tf.constant(_signal(5))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.math.real(tf.signal.rfft(x, fft_length))
    assert y.shape == (fft_length[0] // 2 + 1,)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tape.gradient(y, x)


def test_irfft_of_a_cropped_input_refuses_a_gradient_as_tf() -> None:
    z = tf.complex(tf.constant(_signal(4)), tf.constant(_signal(4)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        cropped = tf.signal.irfft(z, [5])  # keeps 3 of 4 values
        padded = tf.signal.irfft(z, [10])  # pads to 6
    with pytest.raises(tf.errors.InvalidArgumentError):
        tape.gradient(cropped, z)
    assert tape.gradient(padded, z).shape == (4,)


@pytest.mark.parametrize("op", ["rfft3d", "rfftnd", "fftnd"])
def test_ops_tf_has_no_gradient_for_raise_lookup_error(op) -> None:
    x = tf.constant(_signal(8).reshape(2, 2, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        source = x if op.startswith("r") else tf.complex(x, x)
        y = tf.math.real(getattr(tf.signal, op)(source))
    with pytest.raises(LookupError, match="gradient registry has no entry"):
        tape.gradient(y, x)


def test_fftnd_family_matches_numpy() -> None:
    values = np.sin(np.arange(24.0)).reshape(2, 3, 4).astype(np.float32)
    z = values + 1j * np.cos(values)
    got = tf.signal.fftnd(tf.constant(z.astype(np.complex64)), fft_length=[3, 6], axes=[1, 2],
                          norm="ortho")
    np.testing.assert_allclose(got.numpy(), np.fft.fftn(z, s=[3, 6], axes=[1, 2], norm="ortho"),
                               rtol=1e-5, atol=1e-5)
    assert got.dtype == tf.complex64
    back = tf.signal.ifftnd(got, fft_length=[3, 6], axes=[1, 2], norm="ortho")
    np.testing.assert_allclose(back.numpy()[..., :4], z, rtol=1e-5, atol=1e-5)
    real = tf.signal.rfftnd(tf.constant(values), axes=[0, 2])
    np.testing.assert_allclose(real.numpy(), np.fft.rfftn(values, axes=[0, 2]), rtol=1e-5,
                               atol=1e-5)
    restored = tf.signal.irfftnd(real, fft_length=[2, 4], axes=[0, 2])
    np.testing.assert_allclose(restored.numpy(), values, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="requires"):
        tf.signal.fftnd(tf.constant(values))
    with pytest.raises(ValueError, match="norm"):
        tf.signal.fftnd(tf.constant(z), norm="unitary")


def test_plain_torch_tensors_under_the_core_tape() -> None:
    x = torch.tensor(_signal(8), dtype=torch.float64)
    with GradientTape() as tape:
        tape.watch(x)
        y = (tf.signal.rfft(x).abs() ** 2).sum()
    grad = tape.gradient(y, x)
    # Parseval for rfft: sum |X_k|^2 = sum_k w_k ... differentiate the direct form.
    xr = x.clone().requires_grad_(True)
    (torch.fft.rfft(xr).abs() ** 2).sum().backward()
    assert grad.dtype == torch.float64
    np.testing.assert_allclose(grad.numpy(), xr.grad.numpy(), rtol=1e-12)
    assert not x.requires_grad  # the watch flip was undone


def test_frame_of_a_short_signal_has_no_frames_and_a_zero_gradient() -> None:
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        frames = tf.signal.frame(x, 3, 1)
    assert frames.shape == (0, 3)
    np.testing.assert_array_equal(tape.gradient(frames, x).numpy(), [0.0, 0.0])


def test_windows_follow_the_device_scope() -> None:
    with tf.device("/CPU:0"):
        window = tf.signal.hann_window(4)
    assert window.device.type == "cpu"
    with pytest.raises(ValueError, match="floating"):
        tf.signal.hann_window(4, dtype=tf.int32)
