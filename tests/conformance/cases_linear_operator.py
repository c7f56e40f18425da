"""`tf.linalg.LinearOperator` and its basic family against TensorFlow 2.21: the base
class's shapes, hints and dense defaults, `LinearOperatorFullMatrix`, `Diag`,
`LowerTriangular`, `Identity`, `ScaledIdentity`, `Zeros`, `Adjoint`, `Inversion` and
`Composition`: values, dtypes, batch shapes, the operator types the algebra returns
(`type(x).__name__`), hints, names, errors (class and TF's message) and tape gradients.
Answers live in `golden/cases_linear_operator.json`.

Cases that describe operators (type names, names, messages) return strings, which keep
them out of function mode; the `*_values` and `*_gradient` cases return tensors only,
so they run under `tf.function` too.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import capture_warnings, tolerance

TOL = {"rtol": 1e-4, "atol": 1e-5}


def _err(fn):
    """`"<class>: <message>"` for what `fn()` raises, else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and message are the answer
        return f"{type(e).__name__}: {e}"
    return "returned"


def _cls(fn):
    """The exception class `fn()` raises, else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
    return "returned"


def _hints(op):
    return [op.is_non_singular, op.is_self_adjoint, op.is_positive_definite, op.is_square]


def _desc(op):
    """What describes an operator: its class, name, shape, batch shape, dtype, hints."""
    return {
        "type": type(op).__name__,
        "name": op.name,
        "shape": op.shape,
        "batch_shape": op.batch_shape,
        "dtype": op.dtype,
        "hints": _hints(op),
        "rank": op.tensor_rank,
        "range": op.shape[-2],
        "domain": op.shape[-1],
    }


def _m(tf, dtype=None):
    """A well-conditioned 3x3 matrix."""
    return tf.constant([[4.0, 1.0, -2.0], [0.5, 3.0, 1.0], [1.0, -1.0, 5.0]], dtype or tf.float32)


def _spd(tf, dtype=None):
    """A symmetric positive definite 3x3 matrix."""
    return tf.constant([[4.0, 1.0, 0.5], [1.0, 3.0, -0.5], [0.5, -0.5, 2.0]],
                       dtype or tf.float32)


def _rhs(tf, shape, dtype=None, k=0.0):
    n = int(np.prod(shape))
    return tf.constant((np.sin(0.7 * np.arange(n) + k) + 0.25).reshape(shape), dtype or tf.float32)


def _weights(tf, shape, dtype, k=1.0):
    n = int(np.prod(shape))
    return tf.constant((np.cos(0.37 * np.arange(n) + k) + 1.5).reshape(shape), dtype)


# ---------------------------------------------------------------------------
# The base class through LinearOperatorFullMatrix


def case_full_matrix_describe(tf):
    op = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    batch = tf.linalg.LinearOperatorFullMatrix(tf.ones([2, 3, 3, 4]), name="wide")
    return {
        "op": _desc(op),
        "batch": _desc(batch),
        "shape_tensor": [op.shape_tensor(), batch.shape_tensor()],
        "batch_shape_tensor": [op.batch_shape_tensor(), batch.batch_shape_tensor()],
        "rank_tensor": batch.tensor_rank_tensor(),
        "dims": [batch.range_dimension_tensor(), batch.domain_dimension_tensor()],
        "parameters": sorted(op.parameters),
        "name_param": op.parameters["name"],
        "matrix_is_input": [op.matrix is op.parameters["matrix"],
                            type(op.matrix).__name__ == type(_m(tf)).__name__],
        "isinstance": isinstance(op, tf.linalg.LinearOperator),
        "module": isinstance(op, tf.Module),
    }


def case_full_matrix_hints(tf):
    m = _m(tf)
    mk = tf.linalg.LinearOperatorFullMatrix
    return {
        "pd": _hints(mk(m, is_positive_definite=True)),
        "sa": _hints(mk(m, is_self_adjoint=True)),
        "ns": _hints(mk(m, is_non_singular=True)),
        "sq_false_wide": _hints(mk(tf.ones([2, 3]), is_square=False)),
        "wide": _hints(mk(tf.ones([2, 3]))),
        "pd_not_ns": _err(lambda: mk(m, is_positive_definite=True, is_non_singular=False)),
        "ns_not_sq": _err(lambda: mk(m, is_non_singular=True, is_square=False)),
        "sa_not_sq": _err(lambda: mk(m, is_self_adjoint=True, is_square=False)),
        "sq_false_but_square": _err(lambda: mk(m, is_square=False).is_square),
        "sq_true_but_wide": mk(tf.ones([2, 3]), is_square=True).is_square,
    }


def case_full_matrix_errors(tf):
    op = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    wide = tf.linalg.LinearOperatorFullMatrix(tf.ones([2, 3]))
    return {
        "int_matrix": _err(lambda: tf.linalg.LinearOperatorFullMatrix([[1, 2], [3, 4]])),
        "rank1": _err(lambda: tf.linalg.LinearOperatorFullMatrix([1.0, 2.0])),
        "matmul_dims": _err(lambda: op.matmul(tf.ones([2, 2]))),
        "matmul_adjoint_arg_dims": _err(lambda: op.matmul(tf.ones([3, 2]), adjoint_arg=True)),
        "matmul_dtype": _err(lambda: op.matmul(tf.ones([3, 1], tf.float64))),
        "matmul_int_list": _err(lambda: op.matmul([[1], [2], [3]])),
        "matvec_dims": _err(lambda: op.matvec(tf.ones([2]))),
        "matvec_dtype": _cls(lambda: op.matvec(tf.ones([3], tf.float64))),
        "solve_dims": _err(lambda: op.solve(tf.ones([2, 1]))),
        "solvevec_dims": _err(lambda: op.solvevec(tf.ones([4]))),
        "wide_solve": _err(lambda: wide.solve(tf.ones([2, 1]))),
        "wide_det": _err(lambda: wide.determinant()),
        "wide_logdet": _err(lambda: wide.log_abs_determinant()),
        "wide_inverse": _err(lambda: tf.linalg.LinearOperatorFullMatrix(
            tf.ones([2, 3]), is_square=False).inverse()),
        "singular_inverse": _err(lambda: tf.linalg.LinearOperatorFullMatrix(
            _m(tf), is_non_singular=False).inverse()),
        "singular_solve": _err(lambda: tf.linalg.LinearOperatorFullMatrix(
            _m(tf), is_non_singular=False).solve(tf.ones([3, 1]))),
        "cholesky": _err(lambda: op.cholesky()),
        "eigvals": _err(lambda: op.eigvals()),
        "add_dtype": _cls(lambda: op.add_to_tensor(tf.ones([3, 3], tf.float64))),
        "assert_pd_not_sa": _err(lambda: op.assert_positive_definite()),
        "operator_dims": _err(lambda: op.matmul(wide)),
        "operator_solve_dims": _err(lambda: op.solve(wide)),
        "rank1_matmul": _cls(lambda: op.matmul(tf.ones([3]))),
    }


@tolerance(**TOL)
def case_full_matrix_values(tf):
    op = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    x = _rhs(tf, [3, 2])
    xt = _rhs(tf, [2, 3], k=1.0)
    v = _rhs(tf, [3], k=2.0)
    return {
        "matmul": [op.matmul(x), op.matmul(x, adjoint=True), op.matmul(xt, adjoint_arg=True),
                   op.matmul(xt, adjoint=True, adjoint_arg=True), op @ x],
        "matvec": [op.matvec(v), op.matvec(v, adjoint=True)],
        "solve": [op.solve(x), op.solve(x, adjoint=True), op.solve(xt, adjoint_arg=True),
                  op.solve(xt, adjoint=True, adjoint_arg=True)],
        "solvevec": [op.solvevec(v), op.solvevec(v, adjoint=True)],
        "dense": op.to_dense(),
        "diag_part": op.diag_part(),
        "trace": op.trace(),
        "det": op.determinant(),
        "logdet": op.log_abs_determinant(),
        "add": op.add_to_tensor(x[:, :1] * tf.ones([1, 3])),
        "cond": op.cond(),
        "list_input": op.matvec([1.0, 2.0, 3.0]),
    }


@tolerance(**TOL)
def case_full_matrix_spd_values(tf):
    op = tf.linalg.LinearOperatorFullMatrix(_spd(tf), is_self_adjoint=True,
                                            is_positive_definite=True)
    x = _rhs(tf, [3, 2])
    return {
        "solve": [op.solve(x), op.solve(tf.transpose(x), adjoint_arg=True)],
        "det": op.determinant(),
        "logdet": op.log_abs_determinant(),
        "cholesky": op.cholesky().to_dense(),
        "eigvals": op.eigvals(),
        "cond": op.cond(),
        "inverse": op.inverse().to_dense(),
    }


def case_full_matrix_derived_types(tf):
    op = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    spd = tf.linalg.LinearOperatorFullMatrix(_spd(tf), is_self_adjoint=True,
                                             is_positive_definite=True)
    return {
        "adjoint": _desc(op.adjoint()),
        "H": _desc(op.H),
        "sa_adjoint_is_self": spd.H is spd,
        "inverse": _desc(op.inverse()),
        "spd_inverse": _desc(spd.inverse()),
        "cholesky": _desc(spd.cholesky()),
        "matmul": _desc(op @ op),
        "matmul_adjoint": _desc(op.matmul(op, adjoint=True)),
        "matmul_adjoint_arg": _desc(op.matmul(spd, adjoint_arg=True)),
        "solve": _desc(op.solve(spd)),
        "solve_parts": [type(o).__name__ for o in op.solve(spd).operators],
        "spd_spd": _desc(spd @ spd),
        "adjoint_of_adjoint": op.H.H is op,
        "inverse_of_inverse": op.inverse().inverse() is op,
        "solve_identity": _desc(op.solve(tf.linalg.LinearOperatorIdentity(3))),
        "inverse_solve": _desc(op.inverse().solve(spd)),
    }


def case_full_matrix_warnings(tf):
    op = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    spd = tf.linalg.LinearOperatorFullMatrix(_spd(tf), is_self_adjoint=True,
                                             is_positive_definite=True)
    with capture_warnings() as caught:
        op.determinant()
        op.log_abs_determinant()
        op.solve(tf.ones([3, 1]))
        op.trace()
        spd.determinant()
        op.assert_non_singular()
        spd.assert_positive_definite()
    return caught


def case_full_matrix_asserts(tf):
    op = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    singular = tf.linalg.LinearOperatorFullMatrix([[1.0, 2.0], [2.0, 4.0]])
    spd = tf.linalg.LinearOperatorFullMatrix(_spd(tf), is_self_adjoint=True)
    not_pd = tf.linalg.LinearOperatorFullMatrix([[1.0, 2.0], [2.0, 1.0]], is_self_adjoint=True)
    return {
        "non_singular": op.assert_non_singular(),
        "singular": _cls(lambda: singular.assert_non_singular()),
        "pd": spd.assert_positive_definite(),
        "not_pd": _cls(lambda: not_pd.assert_positive_definite()),
        "self_adjoint": spd.assert_self_adjoint(),
        "not_self_adjoint": _cls(lambda: op.assert_self_adjoint()),
    }


@tolerance(**TOL)
def case_full_matrix_batch_values(tf):
    m = tf.stack([_m(tf), 2.0 * _m(tf) + tf.eye(3)])
    op = tf.linalg.LinearOperatorFullMatrix(m)
    x = _rhs(tf, [4, 1, 3, 2])
    return {
        "matmul_broadcast": op.matmul(x),
        "matmul_unbatched_x": op.matmul(x[0, 0]),
        "solve_broadcast": op.solve(x),
        "solve_unbatched_x": op.solve(x[0, 0]),
        "solvevec": op.solvevec(x[:, :, :, 0]),
        "det": op.determinant(),
        "logdet": op.log_abs_determinant(),
        "trace": op.trace(),
        "diag_part": op.diag_part(),
        "composition": (op @ op).to_dense(),
        "inverse_matvec": op.inverse().matvec(x[0, 0, :, 0]),
    }


@tolerance(**TOL)
def case_full_matrix_complex_values(tf):
    m = tf.complex(_m(tf, tf.float64), tf.reverse(_m(tf, tf.float64), [0]) * 0.3)
    op = tf.linalg.LinearOperatorFullMatrix(m)
    x = tf.complex(_rhs(tf, [3, 2], tf.float64), _rhs(tf, [3, 2], tf.float64, 1.0))
    return {
        "matmul": [op.matmul(x), op.matmul(x, adjoint=True)],
        "solve": [op.solve(x), op.solve(x, adjoint=True)],
        "adjoint_dense": op.H.to_dense(),
        "det": op.determinant(),
        "adjoint_det": op.H.determinant(),
        "logdet": op.log_abs_determinant(),
        "trace": [op.trace(), op.H.trace()],
    }


@tolerance(**TOL)
def case_full_matrix_gradient(tf):
    v = tf.Variable(_m(tf))
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        op = tf.linalg.LinearOperatorFullMatrix(v)
        y1 = tf.reduce_sum(op.matmul(x) * _weights(tf, [3, 2], tf.float32))
        y2 = tf.reduce_sum(op.solve(x, adjoint=True) * _weights(tf, [3, 2], tf.float32, 2.0))
        y3 = op.log_abs_determinant()
        y4 = op.determinant()
        y5 = tf.reduce_sum(op.inverse().matvec(x[:, 0]))
    return {
        "matmul": tape.gradient(y1, [v, x]),
        "solve": tape.gradient(y2, [v, x]),
        "logdet": tape.gradient(y3, v),
        "det": tape.gradient(y4, v),
        "inverse": tape.gradient(y5, [v, x]),
        "variables": op.trainable_variables,
    }


# ---------------------------------------------------------------------------
# Diag


def case_diag_describe(tf):
    d = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0])
    c = tf.linalg.LinearOperatorDiag(tf.complex([1.0, 2.0], [0.5, -1.0]))
    b = tf.linalg.LinearOperatorDiag(tf.ones([2, 3]), is_positive_definite=True)
    return {
        "real": _desc(d),
        "complex": _desc(c),
        "batch": _desc(b),
        "int": _desc(tf.linalg.LinearOperatorDiag([1, 2])),
        "real_not_sa": _err(lambda: tf.linalg.LinearOperatorDiag([1.0], is_self_adjoint=False)),
        "not_square": _err(lambda: tf.linalg.LinearOperatorDiag([1.0], is_square=False)),
        "scalar": _err(lambda: tf.linalg.LinearOperatorDiag(1.0)),
        "complex_not_sa": _hints(tf.linalg.LinearOperatorDiag(
            tf.complex([1.0], [1.0]), is_self_adjoint=False)),
    }


def case_diag_algebra_types(tf):
    d = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0], is_positive_definite=True)
    e = tf.linalg.LinearOperatorDiag([2.0, -1.0, 0.5])
    s = tf.linalg.LinearOperatorScaledIdentity(3, 2.0)
    t = tf.linalg.LinearOperatorLowerTriangular(_m(tf))
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    i = tf.linalg.LinearOperatorIdentity(3)
    c = tf.linalg.LinearOperatorDiag(tf.complex([1.0, 2.0], [0.5, -1.0]))
    return {
        "diag_diag": _desc(d @ e),
        "diag_scaled": _desc(d @ s),
        "diag_tril": _desc(d @ t),
        "diag_full": _desc(d @ f),
        "diag_identity": _desc(d @ i),
        "identity_diag": _desc(i @ d),
        "solve_diag": _desc(d.solve(e)),
        "solve_scaled": _desc(d.solve(s)),
        "solve_tril": _desc(d.solve(t)),
        "solve_full": _desc(d.solve(f)),
        "inverse": _desc(d.inverse()),
        "adjoint": d.adjoint() is d,
        "complex_adjoint": _desc(c.H),
        "cholesky": _desc(d.cholesky()),
        "tril_diag": _desc(t @ d),
        "full_diag": _desc(f @ d),
        "scaled_diag": _desc(s @ d),
    }


@tolerance(**TOL)
def case_diag_values(tf):
    d = tf.linalg.LinearOperatorDiag([1.0, 2.0, -3.0])
    e = tf.linalg.LinearOperatorDiag([2.0, -1.0, 0.5])
    t = tf.linalg.LinearOperatorLowerTriangular(_m(tf))
    x = _rhs(tf, [3, 2])
    return {
        "matmul": [d.matmul(x), d.matmul(tf.transpose(x), adjoint_arg=True)],
        "matvec": d.matvec(x[:, 0]),
        "solve": [d.solve(x), d.solve(tf.transpose(x), adjoint=True, adjoint_arg=True)],
        "solvevec": d.solvevec(x[:, 1]),
        "dense": d.to_dense(),
        "diag_part": d.diag_part(),
        "trace": d.trace(),
        "det": d.determinant(),
        "logdet": d.log_abs_determinant(),
        "add": d.add_to_tensor(_m(tf)),
        "eigvals": d.eigvals(),
        "cond": d.cond(),
        "products": [(d @ e).to_dense(), (d @ t).to_dense(), d.solve(e).to_dense(),
                     d.solve(t).to_dense(), d.inverse().to_dense(), (t @ d).to_dense()],
    }


@tolerance(**TOL)
def case_diag_batch_complex_values(tf):
    b = tf.linalg.LinearOperatorDiag(_rhs(tf, [2, 3]))
    x = _rhs(tf, [4, 1, 3, 2], k=1.0)
    c = tf.linalg.LinearOperatorDiag(tf.complex(_rhs(tf, [3], tf.float64),
                                                _rhs(tf, [3], tf.float64, 2.0)))
    xc = tf.complex(_rhs(tf, [3, 2], tf.float64), _rhs(tf, [3, 2], tf.float64, 1.0))
    return {
        "batch_matmul": b.matmul(x),
        "batch_solve": b.solve(x),
        "batch_det": b.determinant(),
        "batch_dense": b.to_dense(),
        "complex_matmul": [c.matmul(xc), c.matmul(xc, adjoint=True)],
        "complex_solve": c.solve(xc, adjoint=True),
        "complex_logdet": c.log_abs_determinant(),
        "complex_det": c.determinant(),
        "complex_adjoint": c.H.diag,
        "complex_matvec": c.matvec(xc[:, 0], adjoint=True),
        "cholesky": tf.linalg.LinearOperatorDiag(
            [4.0, 9.0], is_positive_definite=True).cholesky().diag,
    }


def case_diag_asserts(tf):
    return {
        "ok": tf.linalg.LinearOperatorDiag([1.0, -2.0]).assert_non_singular(),
        "zero": _err(lambda: tf.linalg.LinearOperatorDiag(
            [1.0, 0.0]).assert_non_singular()),
        "pd": tf.linalg.LinearOperatorDiag([1.0, 2.0]).assert_positive_definite(),
        "not_pd": _cls(lambda: tf.linalg.LinearOperatorDiag(
            [1.0, -2.0]).assert_positive_definite()),
        "not_pd_complex": _cls(lambda: tf.linalg.LinearOperatorDiag(
            tf.complex([1.0, -2.0], [1.0, 1.0])).assert_positive_definite()),
        "sa": tf.linalg.LinearOperatorDiag([1.0, 2.0]).assert_self_adjoint(),
        "sa_complex_real": tf.linalg.LinearOperatorDiag(
            tf.complex([1.0, 2.0], [0.0, 0.0])).assert_self_adjoint(),
        "not_sa": _cls(lambda: tf.linalg.LinearOperatorDiag(
            tf.complex([1.0, 2.0], [0.0, 1.0])).assert_self_adjoint()),
    }


@tolerance(**TOL)
def case_diag_gradient(tf):
    v = tf.Variable([1.5, -2.0, 3.0])
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        d = tf.linalg.LinearOperatorDiag(v)
        y1 = tf.reduce_sum(d.solve(x) * _weights(tf, [3, 2], tf.float32))
        y2 = d.log_abs_determinant()
        y3 = d.determinant()
        y4 = tf.reduce_sum((d @ d).to_dense() * _weights(tf, [3, 3], tf.float32))
        y5 = d.trace()
    return {
        "solve": tape.gradient(y1, [v, x]),
        "logdet": tape.gradient(y2, v),
        "det": tape.gradient(y3, v),
        "square": tape.gradient(y4, v),
        "trace": tape.gradient(y5, v),
    }


# ---------------------------------------------------------------------------
# LowerTriangular


def case_lower_triangular_describe(tf):
    t = tf.linalg.LinearOperatorLowerTriangular(_m(tf))
    return {
        "op": _desc(t),
        "batch": _desc(tf.linalg.LinearOperatorLowerTriangular(tf.ones([2, 3, 3]))),
        "not_square": _err(lambda: tf.linalg.LinearOperatorLowerTriangular(
            _m(tf), is_square=False)),
        "rank1": _err(lambda: tf.linalg.LinearOperatorLowerTriangular([1.0, 2.0])),
        "inverse": _desc(t.inverse()),
        "adjoint": _desc(t.H),
        "tril_tril": _desc(t @ t),
        "solve": _desc(t.solve(t)),
        "assert_zero_diag": _err(lambda: tf.linalg.LinearOperatorLowerTriangular(
            [[1.0, 0.0], [1.0, 0.0]]).assert_non_singular()),
        "assert_ok": t.assert_non_singular(),
    }


@tolerance(**TOL)
def case_lower_triangular_values(tf):
    t = tf.linalg.LinearOperatorLowerTriangular(_m(tf))
    x = _rhs(tf, [3, 2])
    return {
        "dense": t.to_dense(),
        "tril": t.tril,
        "matmul": [t.matmul(x), t.matmul(x, adjoint=True),
                   t.matmul(tf.transpose(x), adjoint_arg=True)],
        "solve": [t.solve(x), t.solve(x, adjoint=True),
                  t.solve(tf.transpose(x), adjoint_arg=True)],
        "matvec": t.matvec(x[:, 0]),
        "solvevec": t.solvevec(x[:, 0], adjoint=True),
        "det": t.determinant(),
        "logdet": t.log_abs_determinant(),
        "eigvals_via_diag": t.diag_part(),
        "trace": t.trace(),
        "inverse": t.inverse().to_dense(),
        "batch_solve": tf.linalg.LinearOperatorLowerTriangular(
            tf.stack([_m(tf), _m(tf) + tf.eye(3)])).solve(x),
    }


@tolerance(**TOL)
def case_lower_triangular_gradient(tf):
    m = _m(tf)
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([m, x])
        t = tf.linalg.LinearOperatorLowerTriangular(m)
        y1 = tf.reduce_sum(t.solve(x) * _weights(tf, [3, 2], tf.float32))
        y2 = tf.reduce_sum(t.matmul(x, adjoint=True) * _weights(tf, [3, 2], tf.float32, 2.0))
        y3 = t.log_abs_determinant()
    return {
        "solve": tape.gradient(y1, [m, x]),
        "matmul": tape.gradient(y2, [m, x]),
        "logdet": tape.gradient(y3, m),
    }


# ---------------------------------------------------------------------------
# Identity, ScaledIdentity, Zeros


def case_identity_describe(tf):
    mk = tf.linalg.LinearOperatorIdentity
    i = mk(3)
    b = mk(2, batch_shape=[2, 1], dtype=tf.float64)
    return {
        "op": _desc(i),
        "batch": _desc(b),
        "adjoint": i.H is i,
        "inverse": i.inverse() is i,
        "cholesky": _desc(i.cholesky()),
        "parameters": sorted(i.parameters),
        "errors": [
            _err(lambda: mk(2.0)), _err(lambda: mk([2])), _err(lambda: mk(-1)),
            _err(lambda: mk(2, batch_shape=2)), _err(lambda: mk(2, batch_shape=[-1, 2])),
            _err(lambda: mk(2, batch_shape=[2.0])), _cls(lambda: mk(tf.Variable(2))),
            _err(lambda: mk(2, is_self_adjoint=False)), _err(lambda: mk(2, is_square=False)),
            _err(lambda: mk(2, is_non_singular=False)),
            _err(lambda: mk(2, is_positive_definite=False)),
        ],
        "tensor_num_rows": _desc(mk(tf.constant(4))),
    }


def case_identity_algebra_types(tf):
    i = tf.linalg.LinearOperatorIdentity(3)
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    d = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0])
    return {
        "identity_full": (i @ f) is f,
        "full_identity": (f @ i) is f,
        "identity_identity": (i @ i) is i,
        "identity_solve_full": i.solve(f) is f,
        "full_solve_identity": _desc(f.solve(i)),
        "diag_solve_identity": _desc(d.solve(i)),
        "identity_matmul_adjoint": (i.matmul(f, adjoint_arg=True)).name,
    }


@tolerance(**TOL)
def case_identity_values(tf):
    i = tf.linalg.LinearOperatorIdentity(3)
    b = tf.linalg.LinearOperatorIdentity(3, batch_shape=[2])
    x = _rhs(tf, [3, 2])
    return {
        "matmul": [i.matmul(x), i.matmul(tf.transpose(x), adjoint_arg=True)],
        "batch_matmul": b.matmul(x),
        "batch_matmul_batched_x": b.matmul(_rhs(tf, [2, 3, 2])),
        "solve": [i.solve(x), b.solve(x)],
        "matvec": b.matvec(x[:, 0]),
        "dense": [i.to_dense(), b.to_dense()],
        "det": [i.determinant(), b.determinant()],
        "logdet": [i.log_abs_determinant(), b.log_abs_determinant()],
        "trace": [i.trace(), b.trace()],
        "diag_part": b.diag_part(),
        "add": i.add_to_tensor(_m(tf)),
        "eigvals": b.eigvals(),
        "cond": b.cond(),
        "shape_tensor": b.shape_tensor(),
        "float64": tf.linalg.LinearOperatorIdentity(2, dtype=tf.float64).to_dense(),
    }


def case_scaled_identity_describe(tf):
    mk = tf.linalg.LinearOperatorScaledIdentity
    s = mk(3, 2.0)
    c = mk(2, tf.complex(1.0, 2.0))
    b = mk(2, [1.0, 2.0, 3.0], is_positive_definite=True)
    return {
        "op": _desc(s),
        "complex": _desc(c),
        "batch": _desc(b),
        "adjoint": s.H is s,
        "complex_adjoint": _desc(c.H),
        "inverse": _desc(s.inverse()),
        "cholesky": _desc(b.cholesky()),
        "scaled_scaled": _desc(s @ mk(3, 3.0)),
        "scaled_diag": _desc(s @ tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0])),
        "scaled_full": _desc(s @ tf.linalg.LinearOperatorFullMatrix(_m(tf))),
        "scaled_identity": (s @ tf.linalg.LinearOperatorIdentity(3)) is s,
        "solve_scaled": _desc(s.solve(mk(3, 4.0))),
        "solve_diag": _desc(s.solve(tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0]))),
        "errors": [_err(lambda: mk(2, 1.0, is_square=None)),
                   _err(lambda: mk(2, 1.0, is_self_adjoint=False)),
                   _err(lambda: mk(2.5, 1.0))],
    }


@tolerance(**TOL)
def case_scaled_identity_values(tf):
    s = tf.linalg.LinearOperatorScaledIdentity(3, -2.0)
    b = tf.linalg.LinearOperatorScaledIdentity(3, [0.5, 2.0])
    c = tf.linalg.LinearOperatorScaledIdentity(2, tf.complex(1.0, 2.0))
    x = _rhs(tf, [3, 2])
    xc = tf.complex(_rhs(tf, [2, 2]), _rhs(tf, [2, 2], k=1.0))
    return {
        "matmul": [s.matmul(x), s.matmul(tf.transpose(x), adjoint_arg=True), b.matmul(x)],
        "solve": [s.solve(x), b.solve(x)],
        "matvec": b.matvec(x[:, 0]),
        "dense": b.to_dense(),
        "det": [s.determinant(), b.determinant()],
        "logdet": [s.log_abs_determinant(), b.log_abs_determinant()],
        "trace": [s.trace(), b.trace()],
        "diag_part": b.diag_part(),
        "add": [s.add_to_tensor(_m(tf)), b.add_to_tensor(tf.ones([2, 3, 3]))],
        "eigvals": b.eigvals(),
        "cond": [b.cond(), tf.linalg.LinearOperatorScaledIdentity(2, [0.0, 1.0]).cond()],
        "complex": [c.matmul(xc), c.matmul(xc, adjoint=True), c.solve(xc, adjoint=True),
                    c.determinant(), c.log_abs_determinant(), c.H.multiplier],
        "products": [(s @ b).multiplier, s.solve(b).multiplier, s.inverse().multiplier,
                     (s @ tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0])).diag],
    }


def case_scaled_identity_asserts(tf):
    mk = tf.linalg.LinearOperatorScaledIdentity
    return {
        "ok": mk(2, 3.0).assert_non_singular(),
        "singular": _cls(lambda: mk(2, 0.0).assert_non_singular()),
        "pd": mk(2, 3.0).assert_positive_definite(),
        "not_pd": _cls(lambda: mk(2, -3.0).assert_positive_definite()),
        "sa": mk(2, 3.0).assert_self_adjoint(),
        "not_sa": _cls(lambda: mk(2, tf.complex(1.0, 1.0)).assert_self_adjoint()),
    }


@tolerance(**TOL)
def case_scaled_identity_gradient(tf):
    m = tf.Variable([1.5, -2.0])
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        s = tf.linalg.LinearOperatorScaledIdentity(3, m)
        y1 = s.determinant()
        y2 = s.log_abs_determinant()
        y3 = tf.reduce_sum(s.solve(x) * _weights(tf, [2, 3, 2], tf.float32))
        y4 = s.trace()
    return {
        "det": tape.gradient(y1, m),
        "logdet": tape.gradient(y2, m),
        "solve": tape.gradient(y3, m),
        "trace": tape.gradient(y4, m),
    }


def case_zeros_describe(tf):
    mk = tf.linalg.LinearOperatorZeros
    z = mk(3)
    w = mk(2, 3, is_square=False, is_self_adjoint=False)
    b = mk(2, batch_shape=[2])
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    return {
        "op": _desc(z),
        "wide": _desc(w),
        "batch": _desc(b),
        "adjoint": z.H is z,
        "wide_adjoint": _desc(w.H),
        "zeros_full": (z @ f) is z,
        "full_zeros": (f @ z) is z,
        "wide_matmul": _err(lambda: w @ tf.linalg.LinearOperatorFullMatrix(tf.ones([3, 3]))),
        "errors": [
            _err(lambda: mk(2, 3)), _err(lambda: mk(2, 3, is_square=False)),
            _err(lambda: mk(2, is_non_singular=True)),
            _err(lambda: mk(2, is_positive_definite=True)),
            _err(lambda: mk(2, is_self_adjoint=False)),
            _err(lambda: mk(2.0)), _err(lambda: mk(2, 3.0, is_square=False,
                                                  is_self_adjoint=False)),
            _err(lambda: mk(2, -3, is_square=False, is_self_adjoint=False)),
            _err(lambda: z.inverse()), _err(lambda: z.solve(tf.ones([3, 1]))),
            _err(lambda: z.assert_non_singular()), _err(lambda: z.assert_positive_definite()),
        ],
        "sa": z.assert_self_adjoint(),
    }


@tolerance(**TOL)
def case_zeros_values(tf):
    z = tf.linalg.LinearOperatorZeros(3)
    w = tf.linalg.LinearOperatorZeros(2, 3, is_square=False, is_self_adjoint=False)
    b = tf.linalg.LinearOperatorZeros(3, batch_shape=[2], dtype=tf.float64)
    x = _rhs(tf, [3, 2])
    return {
        "matmul": [z.matmul(x), z.matmul(tf.ones([4, 3]), adjoint_arg=True),
                   w.matmul(x), w.matmul(tf.ones([2, 5]), adjoint=True),
                   w.matmul(tf.ones([5, 3]), adjoint_arg=True)],
        "batch_matmul": b.matmul(tf.ones([3, 2], tf.float64)),
        "matvec": w.matvec(x[:, 0]),
        "dense": [z.to_dense(), w.to_dense(), b.to_dense()],
        "det": [z.determinant(), b.determinant()],
        "logdet": z.log_abs_determinant(),
        "trace": [z.trace(), b.trace()],
        "diag_part": [w.diag_part(), b.diag_part()],
        "add": [z.add_to_tensor(_m(tf)), b.add_to_tensor(tf.ones([3, 3], tf.float64))],
        "eigvals": b.eigvals(),
    }


# ---------------------------------------------------------------------------
# Adjoint, Inversion, Composition


def case_adjoint_describe(tf):
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf), is_non_singular=True)
    w = tf.linalg.LinearOperatorFullMatrix(tf.ones([2, 3]))
    mk = tf.linalg.LinearOperatorAdjoint
    return {
        "op": _desc(mk(f)),
        "named": mk(f, name="my_adj").name,
        "wide": _desc(mk(w)),
        "hinted": _desc(mk(f, is_self_adjoint=False, is_positive_definite=None)),
        "adjoint_back": mk(f).H is f,
        "operator": mk(f).operator is f,
        "clash": _err(lambda: mk(f, is_non_singular=False)),
        "clash_square": _err(lambda: mk(tf.linalg.LinearOperatorFullMatrix(
            _m(tf), is_square=True), is_square=False)),
        "inverse": _desc(mk(f).inverse()),
        "parameters": sorted(mk(f).parameters),
    }


@tolerance(**TOL)
def case_adjoint_values(tf):
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    a = tf.linalg.LinearOperatorAdjoint(f)
    w = tf.linalg.LinearOperatorAdjoint(tf.linalg.LinearOperatorFullMatrix(_rhs(tf, [2, 3])))
    x = _rhs(tf, [3, 2])
    return {
        "dense": a.to_dense(),
        "matmul": [a.matmul(x), a.matmul(x, adjoint=True)],
        "matvec": [a.matvec(x[:, 0]), a.matvec(x[:, 0], adjoint=True)],
        "solve": [a.solve(x), a.solve(x, adjoint=True)],
        "solvevec": a.solvevec(x[:, 1]),
        "det": a.determinant(),
        "logdet": a.log_abs_determinant(),
        "trace": a.trace(),
        "add": a.add_to_tensor(_m(tf)),
        "wide_dense": w.to_dense(),
        "wide_matmul": w.matmul(_rhs(tf, [2, 2])),
        "cond": a.cond(),
    }


def case_inversion_describe(tf):
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    mk = tf.linalg.LinearOperatorInversion
    spd = tf.linalg.LinearOperatorFullMatrix(_spd(tf), is_self_adjoint=True,
                                             is_positive_definite=True)
    return {
        "op": _desc(mk(f)),
        "spd": _desc(mk(spd)),
        "named": mk(f, name="inv").name,
        "inverse_back": mk(f).inverse() is f,
        "solve": _desc(mk(f).solve(f)),
        "solve_adjoint": _desc(mk(f).solve(f, adjoint=True)),
        "singular": _err(lambda: mk(tf.linalg.LinearOperatorFullMatrix(
            _m(tf), is_non_singular=False))),
        "singular_hint": _err(lambda: mk(f, is_non_singular=False)),
        "not_square": _err(lambda: mk(tf.linalg.LinearOperatorFullMatrix(tf.ones([2, 3])))),
        "clash": _err(lambda: mk(spd, is_self_adjoint=False)),
    }


@tolerance(**TOL)
def case_inversion_values(tf):
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    inv = tf.linalg.LinearOperatorInversion(f)
    d = tf.linalg.LinearOperatorInversion(tf.linalg.LinearOperatorDiag([2.0, 4.0, -1.0]))
    x = _rhs(tf, [3, 2])
    return {
        "dense": inv.to_dense(),
        "matmul": [inv.matmul(x), inv.matmul(x, adjoint=True)],
        "solve": [inv.solve(x), inv.solve(tf.transpose(x), adjoint_arg=True)],
        "det": inv.determinant(),
        "logdet": inv.log_abs_determinant(),
        "diag_dense": d.to_dense(),
        "diag_eigvals": d.eigvals(),
        "diag_det": d.determinant(),
        "diag_trace": d.trace(),
        "solve_op": inv.solve(f).to_dense(),
    }


def case_composition_describe(tf):
    mk = tf.linalg.LinearOperatorComposition
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf), is_non_singular=True)
    w = tf.linalg.LinearOperatorFullMatrix(tf.ones([3, 2]))
    d = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0])
    lt = tf.linalg.LinearOperatorLowerTriangular(_m(tf), is_non_singular=True)
    ltp = tf.linalg.LinearOperatorLowerTriangular(_m(tf), is_positive_definite=True)
    dn = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0], is_non_singular=True)
    return {
        "op": _desc(mk([f, d])),
        "one": _desc(mk([d])),
        "wide": _desc(mk([f, w])),
        "named": mk([f, d], name="fd").name,
        "aat": _desc(mk([f, f.H])),
        "aat_ns": _desc(mk([lt, lt.H])),
        "batch": _desc(mk([tf.linalg.LinearOperatorDiag(tf.ones([2, 1, 3])),
                           tf.linalg.LinearOperatorDiag(tf.ones([4, 3]))])),
        "operators": [o is p for o, p in zip(mk([f, d]).operators, [f, d])],
        "tuple_input": _desc(mk((f, d))),
        "cholesky_llt": _desc(mk([lt, lt.H]).cholesky()),
        "cholesky_llt_pd": mk([ltp, ltp.H]).cholesky() is ltp,
        "cholesky_dense": _err(lambda: mk([f, d]).cholesky()),
        "errors": [
            _err(lambda: mk([])),
            _err(lambda: mk([f, tf.linalg.LinearOperatorDiag(tf.ones([3], tf.float64))])),
            _cls(lambda: mk(f)),
            _err(lambda: mk([f, f.H], is_self_adjoint=False)),
            _err(lambda: mk([f, f.H], is_square=False)),
            _err(lambda: mk([dn, dn], is_non_singular=False)),
            _err(lambda: mk([f, tf.linalg.LinearOperatorFullMatrix(tf.ones([2, 2]))]).shape),
            _err(lambda: mk([tf.linalg.LinearOperatorDiag(tf.ones([2, 3])),
                             tf.linalg.LinearOperatorDiag(tf.ones([3, 3]))]).shape),
        ],
    }


@tolerance(**TOL)
def case_composition_values(tf):
    f = tf.linalg.LinearOperatorFullMatrix(_m(tf))
    d = tf.linalg.LinearOperatorDiag([1.0, 2.0, -3.0])
    lt = tf.linalg.LinearOperatorLowerTriangular(_spd(tf))
    c = tf.linalg.LinearOperatorComposition([f, d, lt])
    x = _rhs(tf, [3, 2])
    signed = tf.linalg.LinearOperatorLowerTriangular(
        [[2.0, 0.0, 0.0], [1.0, -3.0, 0.0], [0.5, 1.0, 1.5]], is_non_singular=True)
    llt = tf.linalg.LinearOperatorComposition([signed, signed.H])
    return {
        "dense": c.to_dense(),
        "matmul": [c.matmul(x), c.matmul(x, adjoint=True),
                   c.matmul(tf.transpose(x), adjoint_arg=True)],
        "matvec": c.matvec(x[:, 0]),
        "solve": [c.solve(x), c.solve(x, adjoint=True),
                  c.solve(tf.transpose(x), adjoint_arg=True)],
        "det": c.determinant(),
        "logdet": c.log_abs_determinant(),
        "trace": c.trace(),
        "diag_part": c.diag_part(),
        "llt_cholesky": llt.cholesky().to_dense(),
        "batch": tf.linalg.LinearOperatorComposition([
            tf.linalg.LinearOperatorDiag(_rhs(tf, [2, 1, 3])),
            tf.linalg.LinearOperatorDiag(_rhs(tf, [4, 3], k=1.0))]).to_dense(),
        "wide": tf.linalg.LinearOperatorComposition([
            tf.linalg.LinearOperatorFullMatrix(_rhs(tf, [2, 3])),
            tf.linalg.LinearOperatorFullMatrix(_rhs(tf, [3, 4], k=1.0))]).to_dense(),
    }


@tolerance(**TOL)
def case_composition_gradient(tf):
    m = _m(tf)
    dv = tf.Variable([1.0, 2.0, -3.0])
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([m, x])
        c = tf.linalg.LinearOperatorFullMatrix(m) @ tf.linalg.LinearOperatorDiag(dv)
        y1 = tf.reduce_sum(c.matmul(x) * _weights(tf, [3, 2], tf.float32))
        y2 = tf.reduce_sum(c.solve(x) * _weights(tf, [3, 2], tf.float32, 2.0))
        y3 = c.log_abs_determinant()
    return {
        "matmul": tape.gradient(y1, [m, dv, x]),
        "solve": tape.gradient(y2, [m, dv, x]),
        "logdet": tape.gradient(y3, [m, dv]),
    }


# ---------------------------------------------------------------------------
# Slicing, subclasses, Variables


def case_batch_slicing(tf):
    f = tf.linalg.LinearOperatorFullMatrix(_rhs(tf, [2, 3, 2, 2]))
    d = tf.linalg.LinearOperatorDiag(_rhs(tf, [1, 3, 2]))
    i = tf.linalg.LinearOperatorIdentity(2, batch_shape=[4, 2])
    s = tf.linalg.LinearOperatorScaledIdentity(2, [1.0, 2.0, 3.0])
    c = tf.linalg.LinearOperatorComposition([f, d])
    return {
        "full": [f[1].shape, f[1].to_dense(), f[:, 0].shape, f[..., 1:].shape,
                 f[1, 2].to_dense()],
        "full_type": type(f[0]).__name__,
        "diag": [d[0].shape, d[:, 1:].diag],
        "identity": [i[1:].shape, i[0].shape],
        "scaled": [s[1:].shape, s[1:].multiplier],
        "composition": [c[1].shape, c[1].to_dense()],
        "ellipsis": f[...].shape,
    }


def case_subclass_defaults(tf):
    class Doubling(tf.linalg.LinearOperator):
        def __init__(self, n):
            self._n = n
            super().__init__(dtype=tf.float32, is_square=True, name="Doubling")

        def _shape(self):
            return tf.TensorShape([self._n, self._n])

        def _matmul(self, x, adjoint=False, adjoint_arg=False):
            if adjoint_arg:
                x = tf.linalg.adjoint(x)
            return 2.0 * x

    op = Doubling(3)
    with capture_warnings() as caught:
        out = {
            "dense": op.to_dense(),
            "det": op.determinant(),
            "logdet": op.log_abs_determinant(),
            "solve": op.solve(tf.ones([3, 1])),
            "solvevec": op.solvevec(tf.ones([3])),
            "diag_part": op.diag_part(),
            "trace": op.trace(),
            "matvec": op.matvec(tf.ones([3])),
            "add": op.add_to_tensor(tf.ones([3, 3])),
            "cond": op.cond(),
            "inverse": type(op.inverse()).__name__,
            "shape": op.shape,
            "hints": _hints(op),
        }
    out["warnings"] = caught
    return out


def case_abstract_base(tf):
    class NoShape(tf.linalg.LinearOperator):
        def __init__(self):
            super().__init__(dtype=tf.float32)

    class ShapeOnly(tf.linalg.LinearOperator):
        def __init__(self):
            super().__init__(dtype=tf.float32)

        def _shape(self):
            return tf.TensorShape([2, 2])

    return {
        "no_shape": _err(NoShape),
        "shape_only": _err(ShapeOnly),
        "base": _cls(lambda: tf.linalg.LinearOperator(tf.float32)),
    }


@tolerance(**TOL)
def case_variables_values(tf):
    v = tf.Variable(_m(tf))
    d = tf.Variable([1.0, 2.0, 3.0])
    f = tf.linalg.LinearOperatorFullMatrix(v)
    g = tf.linalg.LinearOperatorDiag(d)
    before = f.matvec([1.0, 1.0, 1.0])
    v.assign(2.0 * v)
    d.assign_add([1.0, 1.0, 1.0])
    return {
        "before": before,
        "after": f.matvec([1.0, 1.0, 1.0]),
        "diag_after": g.to_dense(),
        "dense_is_variable": f.to_dense(),
        "composition_variables": (f @ g).trainable_variables,
        "diag_variables": g.variables,
    }
