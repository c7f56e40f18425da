"""Drop-in results that torch computes as views: new tensors, as TF's, with their values.

A reshape, transpose or slice of a tensor without grad comes back as a plain alias of
the same storage (`_tensor.own_leaf`), so watching the original later does not pull
the result into the graph. Conjugate and negative views keep their meaning: an alias
of the storage alone would drop the bit (and return the unconjugated values).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import tftape_torch as tf

VALUES = np.array([[1 + 2j, 3 - 1j, 0.5j], [-2 + 0j, 1j, 4 - 4j]])


def test_conjugating_views_keep_their_values() -> None:
    x = tf.constant(VALUES)
    expected = np.conj(VALUES)
    np.testing.assert_array_equal(tf.transpose(x, conjugate=True).numpy(), expected.T)
    np.testing.assert_array_equal(x.conj().numpy(), expected)
    np.testing.assert_array_equal(torch.conj(x).numpy(), expected)
    np.testing.assert_array_equal(tf.math.conj(x).numpy(), expected)
    # `imag` of a conjugate view is a negative view.
    np.testing.assert_array_equal(x.conj().imag.numpy(), -VALUES.imag)
    np.testing.assert_array_equal(torch.conj(x).real.numpy(), VALUES.real)


def test_conjugate_transpose_gradient_is_the_conjugate() -> None:
    # TF's gradient of a real loss L is dL/d(re x) + i dL/d(im x).
    x = tf.constant(VALUES)
    w = tf.constant(np.array([[1 + 1j, 2], [3 - 1j, 4j], [0.5, -1j]]))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.math.real(tf.transpose(x, conjugate=True) * w))
    grad = tape.gradient(loss, x)
    # real(conj(x)^T w) = re(x)^T re(w) + im(x)^T im(w), elementwise: the gradient is w^T.
    np.testing.assert_allclose(grad.numpy(), w.numpy().T, rtol=0, atol=1e-12)


def test_view_of_a_constant_is_a_tensor_of_its_own() -> None:
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    y = tf.reshape(x, [2, 2])
    t = tf.transpose(y)
    with tf.GradientTape() as tape:
        tape.watch(x)
        z = tf.reduce_sum(y * t)  # y and t were computed before x was watched
    assert tape.gradient(z, x) is None
    assert not y.requires_grad and not t.requires_grad
    np.testing.assert_array_equal(t.numpy(), [[1.0, 3.0], [2.0, 4.0]])
    assert y.data_ptr() == x.data_ptr()  # an alias, not a copy


def test_in_place_write_to_the_base_of_a_saved_alias_is_caught() -> None:
    # The alias shares its base's version counter, as a torch view does: a later
    # in-place write to the base (torch code may make one) invalidates the saved
    # value, and autograd says so instead of differentiating with the new values.
    base = torch.tensor([1.0, 2.0, 3.0, 4.0])
    y = tf.reshape(base, [2, 2])
    assert not y._is_view() and y.data_ptr() == base.data_ptr()
    w = tf.constant([[1.0, 1.0], [1.0, 1.0]])
    with tf.GradientTape() as tape:
        tape.watch(w)
        z = tf.reduce_sum(y * w)  # saves y for w's gradient
    base.add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        tape.gradient(z, w)
    assert not w.requires_grad and not tf.constant(1.0).requires_grad
