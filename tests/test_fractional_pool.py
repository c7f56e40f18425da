"""`tf.nn.fractional_max_pool`/`fractional_avg_pool` with random pooling sequences
(torch's draws): the sequences have TF's steps, the values are the pooled windows
the sequences bound, the gradient reaches each window's first maximum, and seeds
repeat. Divisible ratios, whose sequence is fixed, are checked against TF in
`cases_ops_extra`."""

from __future__ import annotations

import numpy as np
import pytest

import tftape_torch as tf


def _windows(seq: np.ndarray, size: int, overlapping: bool):
    for start, stop in zip(seq[:-1], seq[1:]):
        yield start, min(stop if overlapping else stop - 1, size - 1) + 1


@pytest.mark.parametrize("pseudo_random", [False, True])
@pytest.mark.parametrize("overlapping", [False, True])
def test_values_and_gradient_follow_the_sequences(pseudo_random: bool,
                                                  overlapping: bool) -> None:
    data = np.random.default_rng(3).standard_normal((2, 11, 13, 3)).astype(np.float32)
    x = tf.constant(data)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        out, rows, cols = tf.nn.fractional_max_pool(x, [1.0, 1.44, 1.73, 1.0], pseudo_random,
                                                    overlapping, seed=9)
        avg = tf.nn.fractional_avg_pool(x, [1.0, 1.44, 1.73, 1.0], pseudo_random, overlapping,
                                        seed=9)
        loss = tf.reduce_sum(out)
    rows, cols = rows.numpy(), cols.numpy()
    assert rows[0] == 0 and rows[-1] == 11 and cols[0] == 0 and cols[-1] == 13
    assert set(np.diff(rows)) <= {1, 2} and set(np.diff(cols)) <= {1, 2}
    assert tuple(out.shape) == (2, len(rows) - 1, len(cols) - 1, 3) == (2, 7, 7, 3)
    avg_rows, avg_cols = avg.row_pooling_sequence.numpy(), avg.col_pooling_sequence.numpy()
    for i, (r0, r1) in enumerate(_windows(avg_rows, 11, overlapping)):
        for j, (c0, c1) in enumerate(_windows(avg_cols, 13, overlapping)):
            np.testing.assert_allclose(avg.output.numpy()[:, i, j],
                                       data[:, r0:r1, c0:c1, :].mean(axis=(1, 2)), atol=1e-6)
    expected_grad = np.zeros_like(data)
    for i, (r0, r1) in enumerate(_windows(rows, 11, overlapping)):
        for j, (c0, c1) in enumerate(_windows(cols, 13, overlapping)):
            window = data[:, r0:r1, c0:c1, :]
            np.testing.assert_allclose(out.numpy()[:, i, j], window.max(axis=(1, 2)))
            flat = window.reshape(2, -1, 3)
            first = flat.argmax(axis=1)  # row-major: the first maximum
            for b in range(2):
                for c in range(3):
                    r, cc = divmod(int(first[b, c]), c1 - c0)
                    expected_grad[b, r0 + r, c0 + cc, c] += 1.0
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(), expected_grad)


def test_seeds_repeat_and_fresh_draws_vary() -> None:
    x = tf.ones([1, 50, 50, 1])
    tf.random.set_seed(4)
    first = tf.nn.fractional_max_pool(x, [1.0, 1.5, 1.5, 1.0], seed=2).row_pooling_sequence
    tf.random.set_seed(4)
    again = tf.nn.fractional_max_pool(x, [1.0, 1.5, 1.5, 1.0], seed=2).row_pooling_sequence
    tf.random.set_seed(None)
    np.testing.assert_array_equal(first.numpy(), again.numpy())
    draws = {tuple(tf.nn.fractional_max_pool(x, 1.5).row_pooling_sequence.numpy().tolist())
             for _ in range(5)}
    assert len(draws) > 1
