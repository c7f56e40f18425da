"""`tf.linalg` banded ops against TensorFlow 2.21: `tridiagonal_solve` (its three
formats, transposed/conjugated right-hand sides, pivoting), `tridiagonal_matmul` and
`banded_triangular_solve`: values, dtypes, shapes, tape gradients (first and second
order, jacobians) and exception classes. Answers live in `golden/cases_linalg_extra.json`.

Error-class checks sit in `case_*_errors` cases (their strings keep them out of
function mode) so that the value cases run there too. TF's gradient of a complex
`tridiagonal_solve` is not the conjugate gradient (`tftape_torch/_banded_ops.py`,
NOTE: [Complex tridiagonal gradients]): `case_tridiagonal_solve_complex_gradient`
pins it, to second order.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import tolerance

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _compact(tf, dtype=None):
    """A well-conditioned [3, 4] compact tridiagonal matrix (padding entries set)."""
    return tf.constant([[1.0, 2.0, 3.0, 9.0], [4.0, 5.0, 6.0, 7.0], [9.0, 1.0, 2.0, 3.0]],
                       dtype or tf.float32)


def _weights(tf, shape, dtype, k=1.0):
    n = int(np.prod(shape))
    return tf.constant((np.cos(0.37 * np.arange(n) + k) + 1.5).reshape(shape), dtype)


# ---------------------------------------------------------------------------
# tridiagonal_solve


@tolerance(**TOL)
def case_tridiagonal_solve_compact(tf):
    d = _compact(tf)
    b = tf.constant([1.0, 2.0, 3.0, 4.0])
    rhs = tf.reshape(tf.range(8.0), [4, 2])
    return {
        "vector": tf.linalg.tridiagonal_solve(d, b),
        "matrix": tf.linalg.tridiagonal_solve(d, rhs),
        "no_pivoting": tf.linalg.tridiagonal_solve(d, b, partial_pivoting=False),
        "perturb": tf.linalg.tridiagonal_solve(d, b, perturb_singular=True),
        "transpose": tf.linalg.tridiagonal_solve(d, tf.transpose(rhs), transpose_rhs=True),
        "vector_transpose_ignored": tf.linalg.tridiagonal_solve(d, b, transpose_rhs=True),
        "float64": tf.linalg.tridiagonal_solve(_compact(tf, tf.float64),
                                               tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64)),
    }


@tolerance(**TOL)
def case_tridiagonal_solve_formats(tf):
    b = tf.constant([[1.0], [2.0], [3.0], [4.0]])
    sup = tf.constant([1.0, 2.0, 3.0])
    diag = tf.constant([4.0, 5.0, 6.0, 7.0])
    sub = tf.constant([1.0, 2.0, 3.0])
    full_sup = tf.constant([1.0, 2.0, 3.0, 100.0])
    full_sub = tf.constant([-100.0, 1.0, 2.0, 3.0])
    matrix = tf.constant([[4.0, 1.0, 50.0, 50.0], [1.0, 5.0, 2.0, 50.0],
                          [50.0, 2.0, 6.0, 3.0], [50.0, 50.0, 3.0, 7.0]])
    return {
        "sequence_short": tf.linalg.tridiagonal_solve((sup, diag, sub), b,
                                                      diagonals_format="sequence"),
        "sequence_full": tf.linalg.tridiagonal_solve([full_sup, diag, full_sub], b,
                                                     diagonals_format="sequence"),
        "matrix": tf.linalg.tridiagonal_solve(matrix, b, diagonals_format="matrix"),
        "matrix_vector": tf.linalg.tridiagonal_solve(matrix, b[:, 0],
                                                     diagonals_format="matrix"),
    }


@tolerance(**TOL)
def case_tridiagonal_solve_batch_complex(tf):
    d = tf.stack([_compact(tf), 2.0 * _compact(tf) + 1.0])
    b = tf.reshape(tf.range(16.0), [2, 4, 2])
    dc = tf.complex(_compact(tf), tf.reverse(_compact(tf), [1]) * 0.5)
    bc = tf.complex(tf.constant([1.0, 2.0, 3.0, 4.0]), tf.constant([0.5, -1.0, 0.0, 2.0]))
    rhs_c = tf.complex(tf.reshape(tf.range(8.0), [2, 4]), tf.ones([2, 4]))
    return {
        "batch": tf.linalg.tridiagonal_solve(d, b),
        "complex": tf.linalg.tridiagonal_solve(dc, bc),
        "complex_conjugate": tf.linalg.tridiagonal_solve(dc, bc, conjugate_rhs=True),
        "complex_adjoint_rhs": tf.linalg.tridiagonal_solve(
            dc, rhs_c, transpose_rhs=True, conjugate_rhs=True),
        "complex_conj_matrix": tf.linalg.tridiagonal_solve(
            dc, tf.transpose(rhs_c), conjugate_rhs=True),
    }


def case_tridiagonal_solve_edge(tf):
    singular = tf.constant([[1.0, 2.0, 0.0], [1.0, 2.0, 0.0], [0.0, 1.0, 1.0]])
    zero_pivot = tf.constant([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]])
    rhs = tf.constant([1.0, 2.0, 3.0])
    return {
        "singular": tf.linalg.tridiagonal_solve(singular, rhs, diagonals_format="matrix"),
        "zero_matrix": tf.linalg.tridiagonal_solve(tf.zeros([3, 3]), rhs),
        "zero_pivot_pivoting": tf.linalg.tridiagonal_solve(zero_pivot, rhs),
        "zero_pivot_no_pivoting": tf.linalg.tridiagonal_solve(zero_pivot, rhs,
                                                              partial_pivoting=False),
        "one_by_one": tf.linalg.tridiagonal_solve(tf.constant([[0.0], [2.0], [0.0]]),
                                                  tf.constant([3.0])),
        "empty_m": tf.linalg.tridiagonal_solve(tf.zeros([3, 0]), tf.zeros([0])),
        "empty_k": tf.linalg.tridiagonal_solve(_compact(tf), tf.zeros([4, 0])),
    }


def case_tridiagonal_solve_errors(tf):
    d = _compact(tf)
    b = tf.constant([1.0, 2.0, 3.0, 4.0])
    seq = (tf.constant([1.0, 2.0, 3.0]), tf.constant([4.0, 5.0, 6.0, 7.0]),
           tf.constant([1.0, 2.0, 3.0]))
    return {
        "int": _raises(lambda: tf.linalg.tridiagonal_solve(
            tf.constant([[1, 2], [3, 4], [5, 6]]), tf.constant([1, 2]))),
        "float16": _raises(lambda: tf.linalg.tridiagonal_solve(
            tf.ones([3, 2], tf.float16), tf.ones([2], tf.float16))),
        "dtype_mismatch": _raises(lambda: tf.linalg.tridiagonal_solve(
            d, tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64))),
        "list_diagonals": _raises(lambda: tf.linalg.tridiagonal_solve(
            [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], tf.constant([1.0, 2.0]))),
        "two_diagonals": _raises(lambda: tf.linalg.tridiagonal_solve(tf.ones([2, 4]), b)),
        "rank1_diagonals": _raises(lambda: tf.linalg.tridiagonal_solve(tf.ones([4]), b)),
        "size_mismatch": _raises(lambda: tf.linalg.tridiagonal_solve(d, tf.ones([3]))),
        "size_mismatch_matrix": _raises(lambda: tf.linalg.tridiagonal_solve(
            d, tf.ones([3, 2]))),
        "size_mismatch_transposed": _raises(lambda: tf.linalg.tridiagonal_solve(
            d, tf.ones([4, 3]), transpose_rhs=True)),
        "rhs_rank": _raises(lambda: tf.linalg.tridiagonal_solve(d, tf.ones([2, 2, 4, 1]))),
        "batch_mismatch": _raises(lambda: tf.linalg.tridiagonal_solve(
            tf.ones([2, 3, 4]), tf.ones([3, 4, 1]))),
        "no_broadcast": _raises(lambda: tf.linalg.tridiagonal_solve(
            tf.ones([1, 3, 4]), tf.ones([3, 4, 1]))),
        "bad_format": _raises(lambda: tf.linalg.tridiagonal_solve(
            d, b, diagonals_format="banded")),
        "perturb_without_pivoting": _raises(lambda: tf.linalg.tridiagonal_solve(
            d, b, partial_pivoting=False, perturb_singular=True)),
        "sequence_of_two": _raises(lambda: tf.linalg.tridiagonal_solve(
            seq[:2], b, diagonals_format="sequence")),
        "sequence_bad_length": _raises(lambda: tf.linalg.tridiagonal_solve(
            (tf.constant([1.0, 2.0]),) + seq[1:], b, diagonals_format="sequence")),
        "sequence_batch_mismatch": _raises(lambda: tf.linalg.tridiagonal_solve(
            (tf.ones([2, 3]),) + seq[1:], b, diagonals_format="sequence")),
        "sequence_lists": _raises(lambda: tf.linalg.tridiagonal_solve(
            ([1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [1.0, 2.0, 3.0]), b,
            diagonals_format="sequence")),
        "matrix_not_square": _raises(lambda: tf.linalg.tridiagonal_solve(
            tf.ones([3, 4]), b, diagonals_format="matrix")),
    }


@tolerance(**TOL)
def case_tridiagonal_solve_gradient(tf):
    d = _compact(tf)
    rhs = tf.reshape(tf.range(1.0, 9.0), [4, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([d, rhs])
        x = tf.linalg.tridiagonal_solve(d, rhs)
        y = tf.reduce_sum(x * _weights(tf, [4, 2], tf.float32))
        xv = tf.linalg.tridiagonal_solve(d, rhs[:, 0], partial_pivoting=False)
        yv = tf.reduce_sum(xv * _weights(tf, [4], tf.float32, 2.0))
        xt = tf.linalg.tridiagonal_solve(d, tf.transpose(rhs), transpose_rhs=True)
        yt = tf.reduce_sum(xt * xt)
    return {
        "x": x,
        "grad": tape.gradient(y, [d, rhs]),
        "grad_vector": tape.gradient(yv, [d, rhs]),
        "grad_transposed": tape.gradient(yt, [d, rhs]),
    }


@tolerance(**TOL)
def case_tridiagonal_solve_gradient_formats(tf):
    sup = tf.constant([1.0, 2.0, 3.0])
    diag = tf.constant([4.0, 5.0, 6.0, 7.0])
    sub = tf.constant([1.0, 2.0, 3.0])
    matrix = tf.constant([[4.0, 1.0, 50.0, 50.0], [1.0, 5.0, 2.0, 50.0],
                          [50.0, 2.0, 6.0, 3.0], [50.0, 50.0, 3.0, 7.0]])
    b = tf.constant([1.0, -2.0, 3.0, 0.5])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([sup, diag, sub, matrix, b])
        ys = tf.reduce_sum(tf.linalg.tridiagonal_solve(
            (sup, diag, sub), b, diagonals_format="sequence") ** 2)
        ym = tf.reduce_sum(tf.linalg.tridiagonal_solve(
            matrix, b, diagonals_format="matrix") ** 2)
    return {
        "sequence": tape.gradient(ys, [sup, diag, sub, b]),
        "matrix": tape.gradient(ym, [matrix, b]),
    }


@tolerance(**TOL)
def case_tridiagonal_solve_complex_gradient(tf):
    d = tf.complex(_compact(tf, tf.float64), tf.reverse(_compact(tf, tf.float64), [1]) * 0.5)
    b = tf.complex(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]], tf.float64),
                   tf.constant([[0.5, -1.0], [0.0, 2.0], [1.0, 1.0], [-2.0, 0.0]], tf.float64))
    w = tf.complex(_weights(tf, [4, 2], tf.float64), _weights(tf, [4, 2], tf.float64, 3.0))
    with tf.GradientTape(persistent=True) as outer:
        outer.watch([d, b])
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([d, b])
            y = tf.reduce_sum(tf.linalg.tridiagonal_solve(d, b) * w)
            yv = tf.reduce_sum(tf.linalg.tridiagonal_solve(
                d, b[:, 0], partial_pivoting=False, conjugate_rhs=True) * w[:, 1])
            yt = tf.reduce_sum(tf.linalg.tridiagonal_solve(
                d, tf.transpose(b), transpose_rhs=True, conjugate_rhs=True) * w)
        g = tape.gradient(y, d)
        second = tf.reduce_sum(g * tf.math.conj(g))
    return {
        "grad": tape.gradient(y, [d, b]),
        "grad_vector": tape.gradient(yv, [d, b]),
        "grad_adjoint_rhs": tape.gradient(yt, [d, b]),
        "second_order": outer.gradient(second, [d, b]),
    }


@tolerance(**TOL)
def case_tridiagonal_solve_hessian(tf):
    d = _compact(tf, tf.float64)
    b = tf.constant([1.0, 2.0, 3.0, 4.0], tf.float64)
    with tf.GradientTape() as outer:
        outer.watch([d, b])
        with tf.GradientTape() as inner:
            inner.watch([d, b])
            y = tf.reduce_sum(tf.linalg.tridiagonal_solve(d, b) ** 2)
        g = inner.gradient(y, d)
    hess_d, cross_b = outer.jacobian(g, [d, b])
    return {"grad": g, "hessian": hess_d, "cross": cross_b}


@tolerance(**TOL)
def case_tridiagonal_solve_jacobian(tf):
    d = _compact(tf)
    b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([d, b])
        x = tf.linalg.tridiagonal_solve(d, b)
    return {"d": tape.jacobian(x, d), "b": tape.jacobian(x, b)}


# ---------------------------------------------------------------------------
# tridiagonal_matmul


def case_tridiagonal_matmul_values(tf):
    d = _compact(tf)
    rhs = tf.reshape(tf.range(8.0), [4, 2])
    seq = (tf.constant([1.0, 2.0, 3.0, 9.0]), tf.constant([4.0, 5.0, 6.0, 7.0]),
           tf.constant([9.0, 2.0, 3.0, 4.0]))
    matrix = tf.constant([[4.0, 1.0, 50.0], [1.0, 5.0, 2.0], [50.0, 2.0, 6.0]])
    return {
        "compact": tf.linalg.tridiagonal_matmul(d, rhs),
        "sequence": tf.linalg.tridiagonal_matmul(seq, tf.ones([4, 1]),
                                                 diagonals_format="sequence"),
        "sequence_lists": tf.linalg.tridiagonal_matmul(
            ([1.0, 2.0, 0.0], [3.0, 4.0, 5.0], [0.0, 6.0, 7.0]), tf.ones([3, 2]),
            diagonals_format="sequence"),
        "matrix": tf.linalg.tridiagonal_matmul(matrix, tf.eye(3), diagonals_format="matrix"),
        "batch": tf.linalg.tridiagonal_matmul(tf.stack([d, -d]), tf.ones([2, 4, 3])),
        "float64": tf.linalg.tridiagonal_matmul(_compact(tf, tf.float64),
                                                tf.ones([4, 1], tf.float64)),
        "complex": tf.linalg.tridiagonal_matmul(
            tf.complex(d, -d), tf.complex(rhs, tf.ones([4, 2]))),
        "one_row": tf.linalg.tridiagonal_matmul(tf.constant([[1.0], [2.0], [3.0]]),
                                                tf.constant([[5.0, 6.0]])),
    }


def case_tridiagonal_matmul_errors(tf):
    d = _compact(tf)
    return {
        "vector_rhs": _raises(lambda: tf.linalg.tridiagonal_matmul(d, tf.range(4.0))),
        "int": _raises(lambda: tf.linalg.tridiagonal_matmul(
            tf.ones([3, 4], tf.int32), tf.ones([4, 2], tf.int32))),
        "float16": _raises(lambda: tf.linalg.tridiagonal_matmul(
            tf.ones([3, 4], tf.float16), tf.ones([4, 2], tf.float16))),
        "dtype_mismatch": _raises(lambda: tf.linalg.tridiagonal_matmul(
            d, tf.ones([4, 2], tf.float64))),
        "size_mismatch": _raises(lambda: tf.linalg.tridiagonal_matmul(d, tf.ones([3, 2]))),
        "list_compact": _raises(lambda: tf.linalg.tridiagonal_matmul(
            [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [[1.0], [2.0]])),
        "no_broadcast": _raises(lambda: tf.linalg.tridiagonal_matmul(
            tf.ones([3, 4]), tf.ones([2, 4, 2]))),
        "batch_mismatch": _raises(lambda: tf.linalg.tridiagonal_matmul(
            tf.ones([2, 3, 4]), tf.ones([3, 4, 2]))),
        "sequence_short": _raises(lambda: tf.linalg.tridiagonal_matmul(
            (tf.ones([3]), tf.ones([4]), tf.ones([3])), tf.ones([4, 1]),
            diagonals_format="sequence")),
        "bad_format": _raises(lambda: tf.linalg.tridiagonal_matmul(
            d, tf.ones([4, 1]), diagonals_format="x")),
        "matrix_not_square": _raises(lambda: tf.linalg.tridiagonal_matmul(
            tf.ones([3, 4]), tf.ones([4, 1]), diagonals_format="matrix")),
    }


def case_tridiagonal_matmul_gradient(tf):
    d = _compact(tf)
    rhs = tf.reshape(tf.range(1.0, 9.0), [4, 2])
    dc = tf.complex(d, tf.reverse(d, [1]))
    rc = tf.complex(rhs, -rhs)
    seq = [tf.constant([1.0, 2.0, 3.0]), tf.constant([4.0, 5.0, 6.0]),
           tf.constant([7.0, 8.0, 9.0])]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([d, rhs, dc, rc] + seq)
        y = tf.reduce_sum(tf.linalg.tridiagonal_matmul(d, rhs) * _weights(tf, [4, 2],
                                                                          tf.float32))
        yc = tf.reduce_sum(tf.linalg.tridiagonal_matmul(dc, rc)
                           * tf.complex(_weights(tf, [4, 2], tf.float32), tf.ones([4, 2])))
        ys = tf.reduce_sum(tf.linalg.tridiagonal_matmul(seq, tf.ones([3, 2]),
                                                        diagonals_format="sequence") ** 2)
    return {
        "grad": tape.gradient(y, [d, rhs]),
        "complex": tape.gradient(yc, [dc, rc]),
        "sequence": tape.gradient(ys, seq),
    }


def case_tridiagonal_matmul_jacobian(tf):
    d = _compact(tf)
    b = tf.constant([[1.0], [2.0], [3.0], [4.0]])
    with tf.GradientTape() as outer:
        outer.watch(d)
        with tf.GradientTape() as inner:
            inner.watch([d, b])
            x = tf.linalg.tridiagonal_matmul(d, b)
            y = tf.reduce_sum(x * x)
        g = inner.gradient(y, d)
    with tf.GradientTape() as tape:
        tape.watch(d)
        x = tf.linalg.tridiagonal_matmul(d, b)
    return {"jacobian": tape.jacobian(x, d), "hessian": outer.jacobian(g, d)}


# ---------------------------------------------------------------------------
# banded_triangular_solve


def case_banded_triangular_solve_values(tf):
    lower = tf.constant([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]])
    lower_padded = tf.constant([[2.0, 3.0, 4.0], [10000.0, 2.0, 3.0]])
    upper = tf.constant([[2.0, 3.0, 4.0, 5.0], [-1.0, -2.0, -3.0, -4.0]])
    rhs = tf.constant([[1.0], [2.0], [3.0]])
    return {
        "lower": tf.linalg.banded_triangular_solve(lower, rhs),
        "lower_padding_ignored": tf.linalg.banded_triangular_solve(lower_padded, rhs),
        "lower_adjoint": tf.linalg.banded_triangular_solve(lower, rhs, adjoint=True),
        "upper": tf.linalg.banded_triangular_solve(upper, tf.ones([4, 2]), lower=False),
        "upper_adjoint": tf.linalg.banded_triangular_solve(
            upper, tf.ones([4, 1]), lower=False, adjoint=True),
        "lists": tf.linalg.banded_triangular_solve([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]],
                                                   [[1.0], [1.0], [1.0]]),
        "diagonal_only": tf.linalg.banded_triangular_solve(tf.constant([[2.0, 4.0]]),
                                                           tf.ones([2, 1])),
        "broadcast": tf.linalg.banded_triangular_solve(
            tf.ones([2, 1, 2, 3]) + tf.reshape(tf.range(2.0), [2, 1, 1, 1]),
            tf.ones([3, 3, 1])),
        "float64": tf.linalg.banded_triangular_solve(
            tf.constant([[2.0, 3.0], [1.0, 1.0]], tf.float64), tf.ones([2, 1], tf.float64)),
        "complex_adjoint": tf.linalg.banded_triangular_solve(
            tf.complex(lower, tf.constant([[1.0, 0.0, 0.0], [1.0, 0.0, 1.0]])),
            tf.complex(rhs, -rhs), adjoint=True),
    }


def case_banded_triangular_solve_more_bands_than_rows(tf):
    # Eager TF ignores the extra bands; its graph shape function raises ValueError.
    return tf.linalg.banded_triangular_solve(tf.ones([4, 3]), tf.ones([3, 1]))


def case_banded_triangular_solve_errors(tf):
    lower = tf.constant([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]])
    return {
        "vector_rhs": _raises(lambda: tf.linalg.banded_triangular_solve(lower, tf.ones([3]))),
        "rank1_bands": _raises(lambda: tf.linalg.banded_triangular_solve(
            tf.ones([3]), tf.ones([3, 1]))),
        "int": _raises(lambda: tf.linalg.banded_triangular_solve(
            tf.ones([2, 3], tf.int32), tf.ones([3, 1], tf.int32))),
        "float16": _raises(lambda: tf.linalg.banded_triangular_solve(
            tf.ones([2, 3], tf.float16), tf.ones([3, 1], tf.float16))),
        "dtype_mismatch": _raises(lambda: tf.linalg.banded_triangular_solve(
            lower, tf.ones([3, 1], tf.float64))),
        "size_mismatch": _raises(lambda: tf.linalg.banded_triangular_solve(
            lower, tf.ones([4, 1]))),
        "batch_mismatch": _raises(lambda: tf.linalg.banded_triangular_solve(
            tf.ones([2, 2, 3]), tf.ones([3, 3, 1]))),
        "zero_on_diagonal": _raises(lambda: tf.linalg.banded_triangular_solve(
            tf.constant([[0.0, 1.0, 1.0]]), tf.ones([3, 1]))),
        "zero_on_diagonal_upper": _raises(lambda: tf.linalg.banded_triangular_solve(
            tf.constant([[1.0, 1.0, 1.0], [1.0, 0.0, 1.0]]), tf.ones([3, 1]), lower=False)),
        "no_bands": _raises(lambda: tf.linalg.banded_triangular_solve(
            tf.zeros([0, 3]), tf.ones([3, 1]))),
    }


@tolerance(**TOL)
def case_banded_triangular_solve_gradient(tf):
    bands = tf.constant([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]])
    b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    w = tf.constant([[1.0, 2.0], [3.0, -1.0], [0.5, 2.0]])
    bc = tf.complex(bands, tf.constant([[1.0, 0.0, 3.0], [1.0, 2.0, 1.0]]))
    rc = tf.complex(b[:, :1], tf.constant([[0.0], [1.0], [0.0]]))
    batch_bands = tf.ones([2, 1, 2, 3]) + tf.reshape(tf.range(2.0), [2, 1, 1, 1])
    batch_b = tf.reshape(tf.range(1.0, 10.0), [3, 3, 1])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([bands, b, bc, rc, batch_bands, batch_b])
        outs = {}
        for lower in (True, False):
            for adjoint in (False, True):
                x = tf.linalg.banded_triangular_solve(bands, b, lower=lower, adjoint=adjoint)
                outs[f"{lower}_{adjoint}"] = tf.reduce_sum(x * w)
        yc = tf.reduce_sum(tf.linalg.banded_triangular_solve(bc, rc)
                           * tf.complex(w[:, :1], w[:, 1:]))
        yb = tf.reduce_sum(tf.linalg.banded_triangular_solve(batch_bands, batch_b) ** 2)
    grads = {key: tape.gradient(y, [bands, b]) for key, y in outs.items()}
    grads["complex"] = tape.gradient(yc, [bc, rc])
    grads["broadcast"] = tape.gradient(yb, [batch_bands, batch_b])
    return grads


@tolerance(**TOL)
def case_banded_triangular_solve_hessian(tf):
    bands = tf.constant([[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]], tf.float64)
    b = tf.constant([[1.0], [-2.0], [0.5]], tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(bands)
        with tf.GradientTape() as inner:
            inner.watch(bands)
            y = tf.reduce_sum(tf.linalg.banded_triangular_solve(bands, b, lower=False) ** 2)
        g = inner.gradient(y, bands)
    return {"grad": g, "hessian": outer.jacobian(g, bands)}


# ---------------------------------------------------------------------------
# sqrtm (tf.matrix_square_root)


@tolerance(**TOL)
def case_sqrtm_values(tf):
    return {
        "spd": tf.linalg.sqrtm(tf.constant([[4.0, 1.0], [1.0, 3.0]])),
        "nonsymmetric": tf.linalg.sqrtm(
            tf.constant([[4.0, 1.0, 0.5], [2.0, 3.0, 0.0], [0.0, 1.0, 5.0]])),
        "rotation": tf.linalg.sqrtm(tf.constant([[0.0, -1.0], [1.0, 0.0]])),
        "singular_rank1": tf.linalg.sqrtm(tf.constant([[1.0, 1.0], [1.0, 1.0]])),
        "negative_eigenvalue": tf.linalg.sqrtm(tf.constant([[-1.0, 0.0], [0.0, 4.0]])),
        "zero": tf.linalg.sqrtm(tf.zeros([2, 2])),
        "jordan": tf.linalg.sqrtm(tf.constant([[1.0, 1.0], [0.0, 1.0]])),
        "jordan3": tf.linalg.sqrtm(
            tf.constant([[2.0, 1.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 2.0]], tf.float64)),
        "batch_float64": tf.linalg.sqrtm(tf.constant(
            [[[2.0, 0.5], [0.5, 1.0]], [[9.0, 0.0], [1.0, 4.0]]], tf.float64)),
        "empty": tf.linalg.sqrtm(tf.zeros([0, 0])),
        "list": tf.linalg.sqrtm([[4.0, 0.0], [0.0, 9.0]]),
        "complex": tf.linalg.sqrtm(tf.complex(tf.constant([[1.0, 2.0], [0.0, 4.0]]),
                                              tf.constant([[1.0, 0.0], [0.0, 0.0]]))),
        "alias": tf.matrix_square_root(tf.constant([[4.0, 0.0], [0.0, 9.0]])),
    }


def case_sqrtm_errors(tf):
    return {
        "int": _raises(lambda: tf.linalg.sqrtm(tf.constant([[1, 2], [3, 4]]))),
        "float16": _raises(lambda: tf.linalg.sqrtm(tf.ones([2, 2], tf.float16))),
        "not_square": _raises(lambda: tf.linalg.sqrtm(tf.ones([2, 3]))),
        "rank1": _raises(lambda: tf.linalg.sqrtm(tf.ones([3]))),
        "alias_is_sqrtm": tf.matrix_square_root is tf.linalg.sqrtm,
    }


@tolerance(**TOL)
def case_sqrtm_gradient(tf):
    a = tf.constant([[4.0, 1.0, 0.5], [2.0, 3.0, 0.0], [0.0, 1.0, 5.0]])
    batch = tf.constant([[[2.0, 0.5], [0.5, 1.0]], [[9.0, 0.0], [1.0, 4.0]]], tf.float64)
    w = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, batch])
        y = tf.reduce_sum(tf.linalg.sqrtm(a) * w)
        yb = tf.reduce_sum(tf.linalg.sqrtm(batch) ** 2)
    return {"grad": tape.gradient(y, a), "batch": tape.gradient(yb, batch)}


@tolerance(**TOL)
def case_sqrtm_hessian(tf):
    a = tf.constant([[4.0, 1.0], [0.5, 3.0]], tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            y = tf.reduce_sum(tf.linalg.sqrtm(a) * tf.constant([[1.0, 2.0], [3.0, 4.0]],
                                                                tf.float64))
        g = inner.gradient(y, a)
    with tf.GradientTape() as tape:
        tape.watch(a)
        r = tf.linalg.sqrtm(a)
    return {"grad": g, "hessian": outer.jacobian(g, a), "jacobian": tape.jacobian(r, a)}


@tolerance(**TOL)
def case_forward_mode(tf):
    d = _compact(tf, tf.float64)
    b = tf.constant([[1.0], [2.0], [3.0], [4.0]], tf.float64)
    bands = tf.constant([[2.0, 3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0]], tf.float64)
    a = tf.constant([[4.0, 1.0], [0.5, 3.0]], tf.float64)
    tangents = (tf.ones_like(d) * 0.5, tf.ones_like(b), tf.ones_like(bands),
                tf.constant([[1.0, 2.0], [3.0, 4.0]], tf.float64))
    with tf.autodiff.ForwardAccumulator((d, b, bands, a), tangents) as acc:
        outs = {
            "solve": tf.linalg.tridiagonal_solve(d, b),
            "matmul": tf.linalg.tridiagonal_matmul(d, b),
            "banded": tf.linalg.banded_triangular_solve(bands, b, lower=True),
            "sqrtm": tf.linalg.sqrtm(a),
        }
    return {key: acc.jvp(value) for key, value in outs.items()}


# ---------------------------------------------------------------------------
# eig / eigvals. The eigenvalues' order and the eigenvectors' phases are not TF's
# (tftape_torch/_eig_ops.py): every answer here is one that does not depend on
# them (sorted parts, residuals, moduli, symmetric functions and their gradients).

_GENERAL = [[1.0, 2.0, 0.5, -1.0], [0.3, -1.5, 2.0, 0.7], [-2.0, 0.4, 0.9, 1.1],
            [0.6, -0.8, 1.3, -0.2]]
_COMPLEX_RE = [[1.0, 0.5, -0.3], [0.2, -1.0, 0.8], [0.7, 0.1, 0.4]]
_COMPLEX_IM = [[0.4, -0.6, 0.1], [0.9, 0.3, -0.2], [-0.5, 0.2, 1.2]]


def _eig_summary(tf, a):
    """Order- and phase-free facts about `eig(a)`."""
    e, v = tf.linalg.eig(a)
    re, im = tf.math.real(e), tf.math.imag(e)
    av = tf.matmul(tf.cast(a, e.dtype), v)
    residual = tf.reduce_max(tf.abs(av - v * e[..., None, :]), axis=[-2, -1])
    rows = tf.cast(tf.range(1, a.shape[-1] + 1), re.dtype)
    return {
        "shapes": [e.shape.as_list(), v.shape.as_list()],
        "real_sorted": tf.sort(re, axis=-1),
        "imag_sorted": tf.sort(im, axis=-1),
        "sum": tf.reduce_sum(e, axis=-1),
        "product": tf.reduce_prod(e, axis=-1),
        "residual_small": residual < 1e-4,
        "unit_columns": tf.reduce_sum(tf.abs(v) ** 2, axis=-2),
        "row_weighted_moduli": tf.reduce_sum(tf.abs(v) ** 2 * rows[:, None], axis=[-2, -1]),
        "eigvals_sum": tf.reduce_sum(tf.linalg.eigvals(a), axis=-1),
    }


@tolerance(**TOL)
def case_eig_values(tf):
    return {
        "float32": _eig_summary(tf, tf.constant(_GENERAL)),
        "float64": _eig_summary(tf, tf.constant(_GENERAL, tf.float64)),
        "complex64": _eig_summary(tf, tf.complex(tf.constant(_COMPLEX_RE),
                                                 tf.constant(_COMPLEX_IM))),
        "rotation": _eig_summary(tf, tf.constant([[0.0, -1.0], [1.0, 0.0]])),
        "batch": _eig_summary(tf, tf.reshape(tf.range(1.0, 19.0) ** 0.5, [2, 3, 3])),
        "triangular": tf.linalg.eigvals(tf.constant([[2.0, 1.0], [0.0, 3.0]], tf.float64)),
        "numpy": tf.linalg.eigvals(np.array([[2.0, 0.0], [0.0, 5.0]], np.float32)),
        "empty": [t.shape.as_list() for t in tf.linalg.eig(tf.zeros([0, 0]))],
        "top_level": tf.eig is tf.linalg.eig and tf.eigvals is tf.linalg.eigvals,
    }


def case_eig_errors(tf):
    return {
        "list": _raises(lambda: tf.linalg.eig([[1.0, 2.0], [3.0, 4.0]])),
        "int": _raises(lambda: tf.linalg.eig(tf.constant([[1, 2], [3, 4]]))),
        "float16": _raises(lambda: tf.linalg.eig(tf.ones([2, 2], tf.float16))),
        "not_square": _raises(lambda: tf.linalg.eig(tf.ones([2, 3]))),
        "rank1": _raises(lambda: tf.linalg.eig(tf.ones([3]))),
        "eigvals_list": _raises(lambda: tf.linalg.eigvals([[1.0, 2.0], [3.0, 4.0]])),
        "eigvals_not_square": _raises(lambda: tf.linalg.eigvals(tf.ones([2, 3]))),
    }


def _eig_losses(tf, a):
    """Losses symmetric in the eigenpairs and blind to the eigenvectors' phases."""
    e, v = tf.linalg.eig(a)
    rows = tf.cast(tf.range(1, a.shape[-1] + 1), tf.math.real(e).dtype)
    return {
        "values": tf.reduce_sum(tf.math.real(e) ** 2 + 0.3 * tf.math.imag(e)),
        "vectors": tf.reduce_sum(tf.abs(v) ** 2 * rows[:, None]),
        "eigvals": tf.reduce_sum(tf.abs(tf.linalg.eigvals(a)) ** 3),
    }


@tolerance(**TOL)
def case_eig_gradient(tf):
    out = {}
    for label, a in (("float32", tf.constant(_GENERAL)),
                     ("float64", tf.constant(_GENERAL, tf.float64)),
                     ("complex128", tf.complex(tf.constant(_COMPLEX_RE, tf.float64),
                                               tf.constant(_COMPLEX_IM, tf.float64)))):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(a)
            losses = _eig_losses(tf, a)
        out[label] = {key: tape.gradient(loss, a) for key, loss in losses.items()}
    return out


@tolerance(**TOL)
def case_eig_hessian(tf):
    a = tf.constant(_GENERAL, tf.float64)
    with tf.GradientTape() as outer:
        outer.watch(a)
        with tf.GradientTape() as inner:
            inner.watch(a)
            losses = _eig_losses(tf, a)
            y = losses["values"] + losses["vectors"]
        g = inner.gradient(y, a)
    with tf.GradientTape() as tape:
        tape.watch(a)
        s = tf.reduce_sum(tf.abs(tf.linalg.eigvals(a)) ** 2)
    return {"grad": g, "hessian": outer.jacobian(g, a), "jacobian": tape.jacobian(s, a)}


@tolerance(**TOL)
def case_eig_forward_mode(tf):
    a = tf.constant(_GENERAL, tf.float64)
    c = tf.complex(tf.constant(_COMPLEX_RE, tf.float64), tf.constant(_COMPLEX_IM, tf.float64))
    tangents = (tf.reshape(tf.cos(tf.range(16.0, dtype=tf.float64)), [4, 4]),
                tf.complex(tf.ones([3, 3], tf.float64), tf.reshape(tf.range(9.0, dtype=tf.float64),
                                                                  [3, 3])))
    with tf.autodiff.ForwardAccumulator((a, c), tangents) as acc:
        ra, rc = _eig_losses(tf, a), _eig_losses(tf, c)
    return {"real": {k: acc.jvp(v) for k, v in ra.items()},
            "complex": {k: acc.jvp(v) for k, v in rc.items()}}


def case_eig_order_and_phases(tf):
    """The raw decompositions: their order and phases are LAPACK's, not Eigen's."""
    return {
        "order": tf.linalg.eigvals(tf.constant([[2.0, -3.0, -2.0], [-2.0, -2.0, 2.0],
                                                [3.0, 1.0, -3.0]])),
        "phases": tf.linalg.eig(tf.constant([[-3.0, -1.0, 0.0], [1.0, 0.0, -2.0],
                                             [-2.0, 1.0, 2.0]]))[1],
    }


# ---------------------------------------------------------------------------
# tensor_diag / tensor_diag_part


def case_tensor_diag_values(tf):
    grid = tf.reshape(tf.range(16.0), [2, 2, 2, 2])
    return {
        "vector": tf.linalg.tensor_diag([1.0, 2.0, 3.0]),
        "matrix_int": tf.linalg.tensor_diag(tf.constant([[1, 2], [3, 4]])),
        "float64": tf.linalg.tensor_diag(tf.constant([0.5, -1.0], tf.float64)),
        "complex": tf.linalg.tensor_diag(tf.complex([1.0, 2.0], [3.0, -1.0])),
        "empty": tf.linalg.tensor_diag(tf.zeros([0])),
        "part_matrix": tf.linalg.tensor_diag_part(tf.reshape(tf.range(9.0), [3, 3])),
        "part_rank4": tf.linalg.tensor_diag_part(grid),
        "part_scalar": tf.linalg.tensor_diag_part(tf.constant(3.0)),
        "round_trip": tf.linalg.tensor_diag_part(tf.linalg.tensor_diag(
            tf.constant([[1, 2, 3], [4, 5, 6]], tf.int64))),
    }


def case_tensor_diag_errors(tf):
    return {
        "scalar": _raises(lambda: tf.linalg.tensor_diag(3.0)),
        "bool": _raises(lambda: tf.linalg.tensor_diag([True, False])),
        "part_odd_rank": _raises(lambda: tf.linalg.tensor_diag_part(tf.ones([2, 2, 2]))),
        "part_mismatch": _raises(lambda: tf.linalg.tensor_diag_part(tf.ones([2, 3]))),
        "part_bool": _raises(lambda: tf.linalg.tensor_diag_part(tf.ones([2, 2], tf.bool))),
    }


@tolerance(**TOL)
def case_tensor_diag_gradient(tf):
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    d = tf.constant([[1.0, -2.0], [0.5, 3.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, d])
        part = tf.linalg.tensor_diag_part(a) * tf.constant([3.0, 5.0])
        full = tf.linalg.tensor_diag(d) * tf.reshape(tf.range(16.0), [2, 2, 2, 2])
        loss = tf.reduce_sum(part) + tf.reduce_sum(full ** 2)
    return {"a": tape.gradient(loss, a), "d": tape.gradient(loss, d),
            "jacobian": tape.jacobian(tf.linalg.tensor_diag(d), d)}


# ---------------------------------------------------------------------------
# logm


def _complex(tf, re, im=None, dtype=None):
    dtype = dtype or tf.float32
    re = tf.constant(re, dtype)
    return tf.complex(re, tf.zeros_like(re) if im is None else tf.constant(im, dtype))


@tolerance(**TOL)
def case_logm_values(tf):
    return {
        "general": tf.linalg.logm(_complex(tf, _COMPLEX_RE, _COMPLEX_IM, tf.float64)),
        "complex64": tf.linalg.logm(_complex(tf, _COMPLEX_RE, _COMPLEX_IM)),
        "jordan": tf.linalg.logm(_complex(tf, [[2.0, 2.0, 0.0], [0.0, 2.0, 2.0],
                                               [0.0, 0.0, 2.0]], dtype=tf.float64)),
        "rotation": tf.linalg.logm(_complex(tf, [[0.0, -1.0], [1.0, 0.0]])),
        "negative": tf.linalg.logm(_complex(tf, [[-1.0, 0.0], [0.0, 4.0]])),
        "batch": tf.linalg.logm(_complex(tf, [[[2.0, 1.0], [0.0, 3.0]],
                                              [[1.0, 0.5], [0.5, 1.0]]])),
        "empty": tf.linalg.logm(_complex(tf, tf.zeros([0, 0]))),
    }


def case_logm_errors(tf):
    c = _complex(tf, [[2.0, 1.0], [0.0, 3.0]])
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = tf.reduce_sum(tf.abs(tf.linalg.logm(c)))
    return {
        "float": _raises(lambda: tf.linalg.logm(tf.eye(2))),
        "rank1": _raises(lambda: tf.linalg.logm(_complex(tf, [1.0, 2.0]))),
        "not_square": _raises(lambda: tf.linalg.logm(_complex(tf, tf.ones([2, 3])))),
        "gradient": _raises(lambda: tape.gradient(y, c)),
    }


# ---------------------------------------------------------------------------
# eigh_tridiagonal


@tolerance(**TOL)
def case_eigh_tridiagonal_values(tf):
    a, b = tf.constant([1.0, 2.0, 3.0, 4.0]), tf.constant([0.5, -0.7, 0.3])
    values, vectors = tf.linalg.eigh_tridiagonal(a, b, eigvals_only=False)
    dense = tf.linalg.diag(a) + tf.linalg.diag(b, k=-1) + tf.linalg.diag(b, k=1)
    return {
        "values": tf.linalg.eigh_tridiagonal(a, b),
        "with_vectors": values,
        "vectors_squared": vectors * vectors,  # each column up to its sign
        "residual_small": tf.reduce_max(tf.abs(tf.matmul(dense, vectors) - vectors * values))
        < 1e-5,
        "select_v": tf.linalg.eigh_tridiagonal(a, b, select="v", select_range=[1.5, 3.5]),
        "select_i": tf.linalg.eigh_tridiagonal(a, b, select="i", select_range=[1, 2]),
        "select_i_vectors": tf.linalg.eigh_tridiagonal(
            a, b, eigvals_only=False, select="i", select_range=[0, 1])[1] ** 2,
        "float64": tf.linalg.eigh_tridiagonal(tf.constant([1.0, 2.0], tf.float64),
                                              tf.constant([0.1], tf.float64)),
        "complex": tf.linalg.eigh_tridiagonal(tf.constant([1.0, 2.0], tf.complex64),
                                              tf.constant([1j], tf.complex64)),
        "one": tf.linalg.eigh_tridiagonal(tf.constant([5.0]), tf.zeros([0])),
    }


def case_eigh_tridiagonal_errors(tf):
    return {
        "int": _raises(lambda: tf.linalg.eigh_tridiagonal(tf.constant([1, 2]), tf.constant([1]))),
        "lengths": _raises(lambda: tf.linalg.eigh_tridiagonal(tf.ones([4]), tf.ones([2]))),
    }


def case_eigh_tridiagonal_gradient(tf):
    a, b = tf.constant([1.0, 2.0, 3.0, 4.0]), tf.constant([0.5, 0.5, 0.5])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        loss = tf.reduce_sum(tf.linalg.eigh_tridiagonal(a, b) * [1.0, 2.0, 3.0, 4.0])
    return tape.gradient(loss, [a, b])


# ---------------------------------------------------------------------------
# Bands of diagonals: tf.linalg.diag / diag_part / set_diag with k = (lo, hi)


def _band_error(fn):
    """Class and first message line (without TF's `{{function_node ...}}` prefix and
    its `[Op:...] name: ` tail) of what `fn()` raises, else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        text = str(e).split("\n")[0].split("}} ")[-1].removesuffix(" name: ")
        return f"{type(e).__name__}: {text.split(' [Op:')[0]}"
    return "returned"


@tolerance(rtol=1e-6, atol=1e-6)
def case_diag_bands(tf):
    x = tf.constant(np.arange(1, 13, dtype=np.float32).reshape(3, 4))
    band = tf.constant(np.arange(1, 13, dtype=np.float32).reshape(2, 2, 3))
    two = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    out = {
        "diag": tf.linalg.diag(band, k=(-1, 0)),
        "diag_padding": tf.linalg.diag(two, k=(0, 1), padding_value=9.0),
        "diag_cols": tf.linalg.diag(two, k=(0, 1), num_cols=5),
        "diag_rows": tf.linalg.diag(two, k=(-1, 0), num_rows=4),
        "diag_tensor_k": tf.linalg.diag(two, k=tf.constant([1, 2])),
        "diag_single": tf.linalg.diag(tf.constant([1.0, 2.0]), k=(1, 1)),
        "part_single": tf.linalg.diag_part(x, k=(1, 1)),
        "set_band": tf.linalg.set_diag(x, tf.ones([2, 3]), k=(-1, 0)),
    }
    for align in ("RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT"):
        out[f"diag_{align}"] = tf.linalg.diag(
            tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 0.0]]), k=(-1, 0), align=align)
        out[f"part_{align}"] = tf.linalg.diag_part(x, k=(-2, 1), align=align,
                                                   padding_value=-1.0)
        out[f"wide_{align}"] = tf.linalg.diag_part(tf.transpose(x), k=(-1, 2), align=align)
    return out


@tolerance(rtol=1e-6, atol=1e-6)
def case_diag_bands_gradient(tf):
    band = tf.Variable(np.arange(1, 7, dtype=np.float32).reshape(2, 3))
    x = tf.Variable(np.arange(1, 13, dtype=np.float32).reshape(3, 4))
    with tf.GradientTape(persistent=True) as tape:
        dense = tf.linalg.diag(band, k=(0, 1), num_rows=3, num_cols=4, padding_value=0.5)
        y = tf.reduce_sum(dense * _weights(tf, [3, 4], tf.float32))
        part = tf.linalg.diag_part(x, k=(-1, 2), align="LEFT_RIGHT")
        z = tf.reduce_sum(part * _weights(tf, [4, 3], tf.float32, 2.0))
    return {"dense": dense, "diag": tape.gradient(y, band), "part": part,
            "diag_part": tape.gradient(z, x)}


def case_diag_bands_errors(tf):
    x = tf.ones([3, 4])
    return {
        "count": _band_error(lambda: tf.linalg.diag(tf.ones([3, 2]), k=(0, 1))),
        "order": _band_error(lambda: tf.linalg.diag(tf.ones([2, 2]), k=(1, 0))),
        "three": _band_error(lambda: tf.linalg.diag(tf.ones([2, 2]), k=(0, 1, 2))),
        "size": _band_error(lambda: tf.linalg.diag(
            tf.ones([2, 2]), k=(0, 1), num_rows=7, num_cols=7)),
        "align": _band_error(lambda: tf.linalg.diag(tf.ones([2, 2]), k=(0, 1), align="X")),
        "part_lower": _band_error(lambda: tf.linalg.diag_part(x, k=(-3, 1))),
        "part_upper": _band_error(lambda: tf.linalg.diag_part(x, k=(0, 4))),
        "part_order": _band_error(lambda: tf.linalg.diag_part(x, k=(1, 0))),
        "part_rank": _band_error(lambda: tf.linalg.diag_part(tf.ones([3]), k=(0, 1))),
        "set_upper": _band_error(lambda: tf.linalg.set_diag(x, tf.ones([2, 3]), k=(0, 4))),
    }


def case_cholesky_of_matrices_not_positive_definite(tf):
    """TF's CPU Cholesky fills the lower triangle with NaN where the factorization
    fails (ours gave the partial factor's numbers: [1, 3, -10, ...]), so `logdet` is NaN
    (ours -inf, or finite for an indefinite matrix) and the fast `lstsq` of a singular
    matrix is NaN (ours inf); the positive definite matrix of the batch is untouched.
    (Only the lower triangle is compared: TF leaves its upper triangle unspecified.)"""
    out = {}
    for name, m in (("indefinite", [[1.0, 2.0, 0.0], [3.0, -1.0, 2.0], [0.5, 0.0, 1.0]]),
                    ("singular", [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])):
        a = tf.constant(np.array([m, 2.0 * np.eye(3)]), tf.float64)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(a)
            lower = tf.linalg.band_part(tf.linalg.cholesky(a), -1, 0)
            logdet = tf.linalg.logdet(a)
            solved = tf.linalg.lstsq(a, tf.ones([2, 3, 1], tf.float64))
        out[name] = {
            "cholesky": lower, "logdet": logdet, "lstsq": solved,
            "cholesky_grad": tape.gradient(lower, a),
            "logdet_grad": tape.gradient(logdet, a),
            "lstsq_grad": tape.gradient(solved, a),
        }
    return out


def case_svd_of_matrices_with_nan_or_inf(tf):
    """TF's SVD fails for a matrix with a NaN or an infinity alone and fills its
    singular values and vectors with NaN (gradient NaN); ours refused the whole batch
    (InvalidArgumentError from torch's solver), also in the spectral norm, `pinv` and
    `matrix_rank` (TF: 0 for such a matrix, its NaN singular values compare false)."""
    a = tf.constant([[[1.0, np.nan], [0.0, 1.0]], [[3.0, 0.0], [0.0, 4.0]],
                     [[np.inf, 1.0], [2.0, 1.0]]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(a)
        s, u, v = tf.linalg.svd(a)
        values = tf.linalg.svd(a, compute_uv=False)
        spectral = tf.norm(a, ord=2, axis=[-2, -1])
        inverse = tf.linalg.pinv(a)
    return {"s": s, "abs_u": tf.abs(u), "abs_v": tf.abs(v), "values": values,
            "spectral": spectral, "grad_s": tape.gradient(s, a),
            "grad_values": tape.gradient(values, a), "grad_spectral": tape.gradient(spectral, a),
            "pinv": inverse, "grad_pinv": tape.gradient(inverse, a),
            "rank": tf.linalg.matrix_rank(a), "rank_tol": tf.linalg.matrix_rank(a, tol=3.5)}
