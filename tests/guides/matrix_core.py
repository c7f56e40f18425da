# ruff: noqa  (notebook-style guide code, kept close to the guide's cells)
"""Matrix approximation with Core APIs (tensorflow/docs
site/en/guide/core/matrix_core.ipynb), in our own words.

The guide downloads a photograph; a synthetic 96x128 RGB image (smooth gradients, a
disc and stripes, as uint8, so it has the photo's type) stands in for it. The
matplotlib figures are left out; what they draw is summarized instead: norms of
approximation errors and energy shares, printed to four decimals (a plot's
resolution: TF's SVD is Eigen's and torch's is LAPACK's, which agree to rounding).
`tf.random.uniform` values print by shape and dtype only.
"""

# %% setup
import numpy as np

import tftape_torch as tf

from tests.guides.show import show, show_random

# %% svd-random-matrix
A = tf.random.uniform(shape=[40, 30])
s, U, V = tf.linalg.svd(A)
S = tf.linalg.diag(s)
V_T = tf.transpose(V)
A_svd = U @ S @ V_T
print(s.shape, U.shape, V.shape, S.shape)
print("sorted singular values:", bool(tf.reduce_all(s[:-1] >= s[1:])))
print("reconstruction error below 1e-4:", float(tf.reduce_max(tf.abs(A - A_svd))) < 1e-4)

# %% svd-einsum
A_svd = tf.einsum('s,us,vs -> uv', s, U, V)
print('\nReconstructed Matrix, A_svd', end=' ')
show_random(A_svd)
print("einsum agrees:", float(tf.reduce_max(tf.abs(A - A_svd))) < 1e-4)

# %% rank-r-helpers
def rank_r_approx(s, U, V, r, verbose=False):
    # the r largest singular values and their vectors (any leading batch axes)
    s_r, U_r, V_r = s[..., :r], U[..., :, :r], V[..., :, :r]
    A_r = tf.einsum('...s,...us,...vs->...uv', s_r, U_r, V_r)
    A_r_size = tf.size(U_r) + tf.size(s_r) + tf.size(V_r)
    if verbose:
        print(f"Approximation Size: {A_r_size}")
    return A_r, A_r_size


def summarize_approx(A, A_r, s, r):
    # What the guide's three panels show: A, A_r and |A - A_r| on one color scale.
    # A is random: print what holds for any A (the error is the norm of the
    # singular values left out, Eckart-Young).
    error = tf.norm(A - A_r)
    print("A_r", A_r.shape, "error is the tail of s:",
          abs(float(error) - float(tf.norm(s[r:]))) < 1e-4)

# %% original-size
print(f"Original Size of A: {tf.size(A)}")
s, U, V = tf.linalg.svd(A)

# %% rank-15
A_15, A_15_size = rank_r_approx(s, U, V, 15, verbose=True)
summarize_approx(A, A_15, s, 15)

# %% rank-3
A_3, A_3_size = rank_r_approx(s, U, V, 3, verbose=True)
summarize_approx(A, A_3, s, 3)

# %% image
rows, cols = np.mgrid[0:96, 0:128]
disc = ((rows - 40) ** 2 + (cols - 70) ** 2 < 25 ** 2)
stripes = (cols // 8) % 2
I = np.stack([
    120 + 100 * np.sin(rows / 15.0) * np.cos(cols / 23.0),
    60 + 150 * disc + 30 * stripes,
    200 - rows - 40 * stripes,
], axis=-1).clip(0, 255).astype(np.uint8)
print("Input Image Shape:", I.shape, I.dtype)  # a NumPy array, as imread gives

# %% compress-image-fn
def compress_image(I, r, verbose=False):
    I_size = tf.size(I)
    print(f"Original size of image: {I_size}")
    I = tf.convert_to_tensor(I) / 255
    I_batched = tf.transpose(I, [2, 0, 1])  # channels first
    s, U, V = tf.linalg.svd(I_batched)
    I_r, I_r_size = rank_r_approx(s, U, V, r)
    I_r = tf.transpose(I_r, [1, 2, 0])  # channels last again
    I_r_prop = (I_r_size / I_size)
    if verbose:
        print(f"Number of singular values used in compression: {r}")
        print(f"Compressed image size: {I_r_size}")
        print(f"Proportion of original size: {I_r_prop:.3f}")
        shown = tf.clip_by_value(I_r, 0., 1.)
        err = tf.clip_by_value(0.5 + abs(I - I_r), 0., 1.)
        print(shown.dtype == I.dtype, shown.shape, f"mean error image: {float(tf.reduce_mean(err)):.4f}")
    return I_r, I_r_prop

# %% compress-100
I_100, I_100_prop = compress_image(I, 60, verbose=True)

# %% compress-50
I_50, I_50_prop = compress_image(I, 30, verbose=True)

# %% compress-10
I_10, I_10_prop = compress_image(I, 10, verbose=True)

# %% compression-factors
# The guide plots these three proportions against the rank.
show(I_100_prop)
print([round(float(p), 4) for p in (I_100_prop, I_50_prop, I_10_prop)])

# %% compress-with-factor
def compress_image_with_factor(I, compression_factor, verbose=False):
    m, n, o = I.shape
    r = int((compression_factor * m * n) / (m + n + 1))
    I_r, I_r_prop = compress_image(I, r, verbose=verbose)
    return I_r

I_r_img = compress_image_with_factor(I, 0.15, verbose=True)

# %% energy
def energy_curve(I):
    # The RGB-averaged share of energy held by the first r singular values.
    I = tf.convert_to_tensor(I) / 255
    I_batched = tf.transpose(I, [2, 0, 1])
    s, U, V = tf.linalg.svd(I_batched)
    props_rgb = tf.map_fn(lambda x: tf.cumsum(x) / tf.reduce_sum(x), s)
    return tf.reduce_mean(props_rgb, axis=0)

curve = energy_curve(I)
print(curve.shape, curve.dtype == tf.float32)
print([round(float(v), 3) for v in (curve[0], curve[9], curve[49], curve[-1])])

# %% compress-with-energy
def compress_image_with_energy(I, energy_factor, verbose=False):
    I_rescaled = tf.convert_to_tensor(I) / 255
    I_batched = tf.transpose(I_rescaled, [2, 0, 1])
    s, U, V = tf.linalg.svd(I_batched)
    props_rgb = tf.map_fn(lambda x: tf.cumsum(x) / tf.reduce_sum(x), s)
    props_rgb_mean = tf.reduce_mean(props_rgb, axis=0)
    # the rank whose energy share is closest to the one asked for
    r = tf.argmin(tf.abs(props_rgb_mean - energy_factor)) + 1
    actual_ef = props_rgb_mean[r]
    I_r, I_r_prop = compress_image(I, r, verbose=verbose)
    print(f"Proportion of energy captured by the first {r} singular values: {actual_ef:.3f}")
    return I_r

I_r_img = compress_image_with_energy(I, 0.75, verbose=True)
