"""`tf.signal`: Fourier transforms, framing, windows, spectrograms, DCTs and MFCCs.

>>> import tftape_torch as tf
>>> x = tf.constant([1.0, 2.0, 3.0, 4.0])
>>> print(tf.signal.irfft(tf.signal.rfft(x)))
tf.Tensor([1. 2. 3. 4.], shape=(4,), dtype=float32)
"""

from __future__ import annotations

from tftape_torch._fft_ops import (
    fft,
    fft2d,
    fft3d,
    fftnd,
    fftshift,
    ifft,
    ifft2d,
    ifft3d,
    ifftnd,
    ifftshift,
    irfft,
    irfft2d,
    irfft3d,
    irfftnd,
    rfft,
    rfft2d,
    rfft3d,
    rfftnd,
)
from tftape_torch._spectral_ops import (
    dct,
    frame,
    idct,
    inverse_mdct,
    inverse_stft,
    inverse_stft_window_fn,
    linear_to_mel_weight_matrix,
    mdct,
    mfccs_from_log_mel_spectrograms,
    overlap_and_add,
    stft,
)
from tftape_torch._window_ops import (
    hamming_window,
    hann_window,
    kaiser_bessel_derived_window,
    kaiser_window,
    vorbis_window,
)

__all__ = [
    "dct", "fft", "fft2d", "fft3d", "fftnd", "fftshift", "frame", "hamming_window",
    "hann_window", "idct", "ifft", "ifft2d", "ifft3d", "ifftnd", "ifftshift",
    "inverse_mdct", "inverse_stft", "inverse_stft_window_fn", "irfft", "irfft2d",
    "irfft3d", "irfftnd", "kaiser_bessel_derived_window", "kaiser_window",
    "linear_to_mel_weight_matrix", "mdct", "mfccs_from_log_mel_spectrograms",
    "overlap_and_add", "rfft", "rfft2d", "rfft3d", "rfftnd", "stft", "vorbis_window",
]
