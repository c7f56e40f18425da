"""Linear-algebra functions given `tf.linalg.LinearOperator`s, against TensorFlow 2.21:
TF dispatches `adjoint`, `cholesky`, `det`, `diag_part`, `inv`, `logdet`, `matmul`
(either side), `matvec`, `solve` and `trace` to the operator's methods; and
`tf.linalg.experimental.conjugate_gradient` (plain, preconditioned, warm-started,
batched, its state and a tape gradient through its iterations).
Answers live in `golden/cases_linear_operator_dispatch.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises, tolerance

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _rhs(tf, shape, dtype=None, k=0.0):
    n = int(np.prod(shape))
    return tf.constant((np.sin(0.7 * np.arange(n) + k) + 0.25).reshape(shape), dtype or tf.float32)


_SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, -0.5], [0.5, -0.5, 2.0]])


def _operator(tf, dtype=None, matrix=None):
    return tf.linalg.LinearOperatorFullMatrix(
        tf.constant(_SPD if matrix is None else matrix, dtype or tf.float32),
        is_self_adjoint=True, is_positive_definite=True)


@tolerance(**TOL)
def case_linalg_functions_dispatch(tf):
    op, d = _operator(tf), tf.linalg.LinearOperatorDiag([2.0, 3.0, -1.0])
    x = _rhs(tf, [3, 3])
    return {
        "matvec": tf.linalg.matvec(op, [1.0, 1.0, 1.0]),
        "matvec_adjoint": tf.linalg.matvec(d, [1.0, 2.0, 3.0], adjoint_a=True),
        "matmul": [tf.linalg.matmul(op, x), tf.matmul(x, op), tf.matmul(x, op, adjoint_a=True),
                   tf.matmul(x, d, adjoint_b=True), tf.matmul(op, d).to_dense()],
        "det": tf.linalg.det(op),
        "inv": tf.linalg.inv(op).to_dense(),
        "logdet": tf.linalg.logdet(op),
        "solve": tf.linalg.solve(op, x, adjoint=True),
        "trace": tf.linalg.trace(op),
        "cholesky": tf.linalg.cholesky(op).to_dense(),
        "adjoint": tf.linalg.adjoint(op).to_dense(),
        "diag_part": tf.linalg.diag_part(op),
    }


def case_linalg_functions_dispatch_types(tf):
    op, d = _operator(tf), tf.linalg.LinearOperatorDiag([2.0, 3.0])
    x = tf.ones([3, 3])
    return {
        "inv": type(tf.linalg.inv(d)).__name__,
        "cholesky": type(tf.linalg.cholesky(op)).__name__,
        "adjoint": type(tf.linalg.adjoint(d)).__name__,
        "product": type(tf.matmul(d, d)).__name__,
        "transpose": raises(lambda: tf.matmul(op, x, transpose_a=True)),
        "sparse": raises(lambda: tf.matmul(op, x, a_is_sparse=True)),
        "matvec_transpose": raises(lambda: tf.linalg.matvec(op, [1.0, 1.0, 1.0],
                                                            transpose_a=True)),
        # TF dispatches matvec on its first argument only: this fails to convert.
        "matvec_operator_b": raises(lambda: tf.linalg.matvec(tf.eye(3), op)),
    }


@tolerance(**TOL)
def case_conjugate_gradient(tf):
    op = _operator(tf)
    rhs = _rhs(tf, [2, 3])
    precondition = tf.linalg.LinearOperatorDiag(tf.constant(1.0 / np.diag(_SPD), tf.float32))
    return {
        "batched": list(tf.linalg.experimental.conjugate_gradient(op, rhs)),
        "preconditioned": list(tf.linalg.experimental.conjugate_gradient(
            op, rhs[0], preconditioner=precondition, max_iter=1)),
        "warm": list(tf.linalg.experimental.conjugate_gradient(op, rhs[0], x=tf.ones([3]),
                                                               tol=1e-2)),
        "batched_operator": list(tf.linalg.experimental.conjugate_gradient(
            tf.linalg.LinearOperatorDiag(_rhs(tf, [2, 3]) + 2.0, is_self_adjoint=True,
                                         is_positive_definite=True), rhs[0])),
    }


def case_conjugate_gradient_errors(tf):
    return {
        "not_spd": raises(lambda: tf.linalg.experimental.conjugate_gradient(
            tf.linalg.LinearOperatorFullMatrix(tf.eye(2)), tf.ones([2]))),
        "fields": list(tf.linalg.experimental.conjugate_gradient(
            _operator(tf), tf.ones([3]))._fields),
    }


@tolerance(rtol=1e-9, atol=1e-12)
def case_conjugate_gradient_gradient(tf):
    a = tf.Variable(_SPD)
    rhs = _rhs(tf, [3], tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(rhs)
        op = tf.linalg.LinearOperatorFullMatrix(a, is_self_adjoint=True,
                                                is_positive_definite=True)
        y = tf.reduce_sum(tf.linalg.experimental.conjugate_gradient(op, rhs, tol=1e-12).x ** 2)
    return {"gradient": tape.gradient(y, [a, rhs])}
