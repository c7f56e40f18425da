"""The structured `tf.linalg.LinearOperator`s against TensorFlow 2.21: `Circulant`
(1-D, 2-D and 3-D), `Toeplitz`, `Permutation`, `Householder` and `Tridiag` (its three
diagonal formats): values, dtypes, batch shapes, the operator types the algebra returns,
hints, names, errors (class and TF's message) and tape gradients.
Answers live in `golden/cases_linear_operator_structured.json`.

Cases that describe operators return strings, which keep them out of function mode;
the `*_values` and `*_gradient` cases return tensors only, so they run under
`tf.function` too.
"""

from __future__ import annotations

import re

import numpy as np

from tests.conformance.harness import tolerance

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _err(fn):
    """`"<class>: <message>"` for what `fn()` raises (first line, without TF's
    `{{function_node ...}}` prefix and ` name: ...` suffix), else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        line = str(e).split("\n")[0]
        line = re.sub(r"^\{\{function_node [^}]*\}\} ", "", line)
        line = re.sub(r" name: .*$| name: $", "", line)
        return f"{type(e).__name__}: {line}"
    return "returned"


def _desc(op):
    return {
        "type": type(op).__name__,
        "name": op.name,
        "shape": op.shape,
        "batch_shape": op.batch_shape,
        "dtype": op.dtype,
        "hints": [op.is_non_singular, op.is_self_adjoint, op.is_positive_definite,
                  op.is_square],
    }


def _algebra(op):
    """The operator types that products, inverses, adjoints and solves give."""
    return {
        "matmul": type(op @ op).__name__,
        "inverse": type(op.inverse()).__name__,
        "adjoint": type(op.adjoint()).__name__,
        "solve": type(op.solve(op)).__name__,
    }


def _rhs(tf, shape, dtype=None, k=0.0):
    n = int(np.prod(shape))
    return tf.constant((np.sin(0.7 * np.arange(n) + k) + 0.25).reshape(shape), dtype or tf.float32)


def _crhs(tf, shape, k=0.0):
    return tf.complex(_rhs(tf, shape, tf.float64, k), _rhs(tf, shape, tf.float64, k + 1.0))


def _values(op, x):
    """Everything an operator computes from a right-hand side `x` and itself."""
    return {
        "dense": op.to_dense(),
        "matmul": [op.matmul(x), op.matmul(x, adjoint=True)],
        "matvec": op.matvec(x[..., 0]),
        "solve": [op.solve(x), op.solve(x, adjoint=True)],
        "solvevec": op.solvevec(x[..., 1]),
        "det": op.determinant(),
        "logdet": op.log_abs_determinant(),
        "diag_part": op.diag_part(),
        "trace": op.trace(),
        "inverse": op.inverse().to_dense(),
        "adjoint": op.adjoint().to_dense(),
        "square": (op @ op).to_dense(),
    }


# ---------------------------------------------------------------------------
# Circulant


def _circulant(tf):
    return tf.linalg.LinearOperatorCirculant(tf.constant([6.0, -2.0, 2.0, 1.0]),
                                             input_output_dtype=tf.float32)


def case_circulant_describe(tf):
    c = _circulant(tf)
    c2 = tf.linalg.LinearOperatorCirculant2D(tf.ones([2, 2, 3], tf.complex64))
    c3 = tf.linalg.LinearOperatorCirculant3D(tf.ones([2, 2, 2], tf.complex128),
                                             is_self_adjoint=True, name="c3")
    return {
        "ops": [_desc(c), _desc(c2), _desc(c3)],
        "algebra": _algebra(c),
        "block_depth": [c.block_depth, c2.block_depth, c3.block_depth],
        "block_shape": [c.block_shape, c2.block_shape, c3.block_shape],
        "block_shape_tensor": [c.block_shape_tensor(), c2.block_shape_tensor()],
        "hermitian_hints": [tf.linalg.LinearOperatorCirculant(
            tf.constant([1.0, 2.0, 3.0]), is_self_adjoint=True,
            is_positive_definite=True).is_non_singular],
    }


@tolerance(**TOL)
def case_circulant_values(tf):
    c = _circulant(tf)
    return {
        **_values(c, _rhs(tf, [4, 2])),
        "spectrum": c.spectrum,
        "kernel": c.convolution_kernel(),
        "eigvals": c.eigvals(),
        "cond": c.cond(),
    }


@tolerance(**TOL)
def case_circulant_complex_batch_values(tf):
    spectrum = tf.complex(_rhs(tf, [2, 4], tf.float64) + 2.0, _rhs(tf, [2, 4], tf.float64, 1.0))
    return _values(tf.linalg.LinearOperatorCirculant(spectrum), _crhs(tf, [4, 3]))


@tolerance(**TOL)
def case_circulant_nd_values(tf):
    c2 = tf.linalg.LinearOperatorCirculant2D(
        tf.cast(tf.constant([[4.0, 1.0, 1.0], [2.0, 3.0, 2.0]]), tf.complex64),
        input_output_dtype=tf.complex64)
    c3 = tf.linalg.LinearOperatorCirculant3D(tf.cast(_rhs(tf, [2, 2, 2]) + 2.0, tf.complex64))
    return {
        "2d": _values(c2, tf.cast(_rhs(tf, [6, 2]), tf.complex64)),
        "3d": _values(c3, tf.cast(_rhs(tf, [8, 2]), tf.complex64)),
    }


def case_circulant_errors(tf):
    def real(spectrum):
        return tf.linalg.LinearOperatorCirculant(tf.constant(spectrum),
                                                 input_output_dtype=tf.float32)

    return {
        "int_spectrum": _err(lambda: tf.linalg.LinearOperatorCirculant(tf.constant([1, 2, 3]))),
        "not_square": _err(lambda: tf.linalg.LinearOperatorCirculant(
            tf.constant([1.0, 2.0]), is_square=False)),
        "scalar": _err(lambda: tf.linalg.LinearOperatorCirculant(tf.constant(1.0))),
        "2d_of_vector": _err(lambda: tf.linalg.LinearOperatorCirculant2D(tf.constant([1.0, 2.0]))),
        "rhs": _err(lambda: real([1.0, 2.0]).matmul(tf.ones([3, 1]))),
        # TF's own check multiplies a NumPy eps by an int32 dimension: always an error.
        "hermitian": _err(lambda: real([1.0, 2.0]).assert_hermitian_spectrum()),
        "singular": _err(lambda: real([1.0, 0.0]).assert_non_singular()),
        "non_singular": _err(lambda: real([1.0, 2.0]).assert_non_singular()),
        "not_pd": _err(lambda: real([1.0, -2.0]).assert_positive_definite()),
    }


@tolerance(**TOL)
def case_circulant_gradient(tf):
    v = tf.Variable([6.0, -2.0, 2.0, 1.0])
    x = _rhs(tf, [4, 2])
    with tf.GradientTape(persistent=True) as tape:
        c = tf.linalg.LinearOperatorCirculant(tf.cast(v, tf.complex64),
                                              input_output_dtype=tf.float32)
        solve = tf.reduce_sum(c.solve(x) * _rhs(tf, [4, 2], k=1.0))
        logdet = c.log_abs_determinant()
        dense = tf.reduce_sum(c.to_dense() * _rhs(tf, [4, 4], k=2.0))
    return {
        "solve": tape.gradient(solve, v),
        "logdet": tape.gradient(logdet, v),
        "dense": tape.gradient(dense, v),
    }


# ---------------------------------------------------------------------------
# Toeplitz


def _toeplitz(tf):
    return tf.linalg.LinearOperatorToeplitz(tf.constant([3.0, 2.0, 1.0]),
                                            tf.constant([3.0, 4.0, -5.0]))


def case_toeplitz_describe(tf):
    op = _toeplitz(tf)
    batch = tf.linalg.LinearOperatorToeplitz(tf.ones([2, 3]), tf.ones([3]), name="tb")
    return {"ops": [_desc(op), _desc(batch)], "algebra": _algebra(op)}


@tolerance(**TOL)
def case_toeplitz_values(tf):
    op = _toeplitz(tf)
    return {**_values(op, _rhs(tf, [3, 2])), "col": op.col, "row": op.row}


@tolerance(**TOL)
def case_toeplitz_complex_batch_values(tf):
    op = tf.linalg.LinearOperatorToeplitz(_crhs(tf, [2, 3]) + 2.0, _crhs(tf, [2, 3], k=2.0) + 2.0)
    return _values(op, _crhs(tf, [3, 2], k=3.0))


def case_toeplitz_errors(tf):
    return {
        "ranks": _err(lambda: tf.linalg.LinearOperatorToeplitz(
            tf.ones([2, 3]), tf.ones([3])).to_dense()),
        "rhs": _err(lambda: _toeplitz(tf).matmul(tf.ones([4, 1]))),
        "not_square": _err(lambda: tf.linalg.LinearOperatorToeplitz(
            tf.ones([3]), tf.ones([3]), is_square=False)),
    }


@tolerance(**TOL)
def case_toeplitz_gradient(tf):
    col, row = tf.Variable([3.0, 1.0, 0.5]), tf.Variable([3.0, -1.0, 0.25])
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        op = tf.linalg.LinearOperatorToeplitz(col, row)
        y = tf.reduce_sum(op.matmul(x) * _rhs(tf, [3, 2], k=1.0))
        z = tf.reduce_sum(op.solve(x) * _rhs(tf, [3, 2], k=1.0))
    return {"matmul": tape.gradient(y, [col, row]), "solve": tape.gradient(z, [col, row])}


# ---------------------------------------------------------------------------
# Permutation and Householder


def case_permutation_describe(tf):
    p = tf.linalg.LinearOperatorPermutation([1, 2, 0])
    batch = tf.linalg.LinearOperatorPermutation([[1, 0, 2], [2, 0, 1]], dtype=tf.float64)
    return {
        "ops": [_desc(p), _desc(batch)],
        "algebra": _algebra(p),
        "errors": {
            "float_perm": _err(lambda: tf.linalg.LinearOperatorPermutation([1.0, 0.0])),
            "scalar": _err(lambda: tf.linalg.LinearOperatorPermutation(1)),
            "not_square": _err(lambda: tf.linalg.LinearOperatorPermutation(
                [0, 1], is_square=False)),
            "singular": _err(lambda: tf.linalg.LinearOperatorPermutation(
                [0, 1], is_non_singular=False)),
            "rhs": _err(lambda: tf.linalg.LinearOperatorPermutation([0, 1]).matmul(
                tf.ones([3, 1]))),
        },
    }


def case_permutation_values(tf):
    p = tf.linalg.LinearOperatorPermutation([1, 2, 0])
    batch = tf.linalg.LinearOperatorPermutation([[1, 0, 2], [2, 0, 1]], dtype=tf.float64)
    return {
        "single": _values(p, _rhs(tf, [3, 2])),
        "batch": _values(batch, _rhs(tf, [3, 2], tf.float64)),
        "perm": p.perm,
        "slice": batch[1].to_dense(),
    }


def case_householder_describe(tf):
    h = tf.linalg.LinearOperatorHouseholder([1.0, 2.0, -1.0])
    return {
        "ops": [_desc(h), _desc(tf.linalg.LinearOperatorHouseholder(
            tf.ones([2, 3], tf.complex128), name="hc"))],
        "algebra": _algebra(h),
        "errors": {
            "scalar": _err(lambda: tf.linalg.LinearOperatorHouseholder(1.0)),
            "not_self_adjoint": _err(lambda: tf.linalg.LinearOperatorHouseholder(
                [1.0, 0.0], is_self_adjoint=False)),
            "pd": _err(lambda: tf.linalg.LinearOperatorHouseholder(
                [1.0, 0.0], is_positive_definite=True)),
            "int": _err(lambda: tf.linalg.LinearOperatorHouseholder([1, 0])),
            "cholesky": _err(lambda: tf.linalg.LinearOperatorHouseholder([1.0, 0.0]).cholesky()),
            "assert_pd": _err(lambda: tf.linalg.LinearOperatorHouseholder(
                [1.0, 0.0]).assert_positive_definite()),
            "not_square": _err(lambda: tf.linalg.LinearOperatorHouseholder(
                [1.0, 0.0], is_square=False)),
        },
    }


@tolerance(**TOL)
def case_householder_values(tf):
    h = tf.linalg.LinearOperatorHouseholder([1.0, 2.0, -1.0])
    hc = tf.linalg.LinearOperatorHouseholder(_crhs(tf, [2, 3]))
    return {
        "real": {**_values(h, _rhs(tf, [3, 2])), "axis": h.reflection_axis,
                 "eigvals": h.eigvals(), "cond": h.cond()},
        "complex": _values(hc, _crhs(tf, [3, 2], k=1.0)),
    }


@tolerance(**TOL)
def case_orthogonal_gradient(tf):
    v = tf.Variable([1.0, 2.0, -1.0])
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = tf.linalg.LinearOperatorHouseholder(v)
        p = tf.linalg.LinearOperatorPermutation([2, 0, 1])
        y = tf.reduce_sum(h.matmul(x) * _rhs(tf, [3, 2], k=1.0))
        z = tf.reduce_sum(p.solve(h.solve(x)) * _rhs(tf, [3, 2], k=2.0))
    return {"householder": tape.gradient(y, [v, x]), "chain": tape.gradient(z, [v, x])}


# ---------------------------------------------------------------------------
# Tridiag


def _tridiags(tf):
    """The same kind of operator in each of TF's three formats."""
    return {
        "compact": tf.linalg.LinearOperatorTridiag(_rhs(tf, [3, 3]) + 2.0),
        "sequence": tf.linalg.LinearOperatorTridiag(
            [_rhs(tf, [3]), _rhs(tf, [3], k=1.0) + 2.0, _rhs(tf, [3], k=2.0)],
            diagonals_format="sequence"),
        "matrix": tf.linalg.LinearOperatorTridiag(_rhs(tf, [3, 3]) + tf.eye(3) * 2.0,
                                                  diagonals_format="matrix"),
    }


def case_tridiag_describe(tf):
    ops = _tridiags(tf)
    return {
        "ops": {k: _desc(op) for k, op in ops.items()},
        "formats": [op.diagonals_format for op in ops.values()],
        "algebra": {k: _algebra(op) for k, op in ops.items()},
        "errors": {
            "format": _err(lambda: tf.linalg.LinearOperatorTridiag(
                tf.ones([3, 3]), diagonals_format="foo")),
            "two_diagonals": _err(lambda: tf.linalg.LinearOperatorTridiag(
                [tf.ones([3])] * 2, diagonals_format="sequence")),
            "not_square": _err(lambda: tf.linalg.LinearOperatorTridiag(
                tf.ones([3, 3]), is_square=False)),
            "pd_not_sa": _err(lambda: tf.linalg.LinearOperatorTridiag(
                tf.ones([3, 3]), is_positive_definite=True, is_self_adjoint=False)),
            "rhs": _err(lambda: tf.linalg.LinearOperatorTridiag(tf.ones([3, 3])).matmul(
                tf.ones([4, 1]))),
            "batch_rhs_rank": _err(lambda: tf.linalg.LinearOperatorTridiag(
                tf.ones([2, 3, 4])).matmul(tf.ones([4, 2]))),
        },
    }


@tolerance(**TOL)
def case_tridiag_values(tf):
    x = _rhs(tf, [3, 2])
    return {k: _values(op, x) for k, op in _tridiags(tf).items()}


@tolerance(**TOL)
def case_tridiag_complex_batch_values(tf):
    op = tf.linalg.LinearOperatorTridiag(_crhs(tf, [2, 3, 4]) + 2.0)
    x = _crhs(tf, [2, 4, 2], k=1.0)
    return _values(op, x)


@tolerance(**TOL)
def case_tridiag_gradient(tf):
    v = tf.Variable(_rhs(tf, [3, 3]) + 2.0)
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        op = tf.linalg.LinearOperatorTridiag(v)
        y = tf.reduce_sum(op.matmul(x) * _rhs(tf, [3, 2], k=1.0))
        z = tf.reduce_sum(op.solve(x) * _rhs(tf, [3, 2], k=1.0))
        w = tf.reduce_sum(op.to_dense() * _rhs(tf, [3, 3], k=2.0))
    return {"matmul": tape.gradient(y, v), "solve": tape.gradient(z, v),
            "dense": tape.gradient(w, v)}
