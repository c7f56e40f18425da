"""The `tf.linalg.LinearOperator`s made of blocks or factors against TensorFlow 2.21:
`Kronecker`, `BlockDiag`, `LowRankUpdate` and `BlockLowerTriangular`: values, dtypes,
batch shapes and broadcasting, the operator types the algebra returns, hints, names,
errors (class and TF's message) and tape gradients.
Answers live in `golden/cases_linear_operator_blocks.json`.

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


def _cls(fn):
    """The exception class `fn()` raises, else `"returned"`."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
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
    """The operator types (and names) that products, inverses, adjoints and solves give."""
    derived = {
        "matmul": op @ op,
        "inverse": op.inverse(),
        "adjoint": op.adjoint(),
        "solve": op.solve(op),
    }
    return {k: [type(v).__name__, v.name] for k, v in derived.items()}


def _rhs(tf, shape, dtype=None, k=0.0):
    n = int(np.prod(shape))
    return tf.constant((np.sin(0.7 * np.arange(n) + k) + 0.25).reshape(shape), dtype or tf.float32)


def _crhs(tf, shape, k=0.0):
    return tf.complex(_rhs(tf, shape, tf.float64, k), _rhs(tf, shape, tf.float64, k + 1.0))


def _full(tf, rows, k=0.0, dtype=None, **hints):
    """A well-conditioned square (or [batch]) full matrix operator."""
    shape = list(rows) if isinstance(rows, (list, tuple)) else [rows, rows]
    n = shape[-1]
    m = _rhs(tf, shape, dtype, k) * 0.3 + tf.eye(n, dtype=dtype or tf.float32) * 2.0
    return tf.linalg.LinearOperatorFullMatrix(m, **hints)


def _spd(tf, n, k=0.0, dtype=None):
    a = _rhs(tf, [n, n], dtype, k) * 0.5
    m = tf.matmul(a, a, transpose_b=True) + tf.eye(n, dtype=dtype or tf.float32)
    return tf.linalg.LinearOperatorFullMatrix(m, is_self_adjoint=True,
                                              is_positive_definite=True)


def _values(tf, op, x):
    """Everything an operator computes from a right-hand side `x` and itself."""
    xh = tf.linalg.adjoint(x)
    return {
        "dense": op.to_dense(),
        "matmul": [op.matmul(x), op.matmul(x, adjoint=True), op.matmul(xh, adjoint_arg=True),
                   op.matmul(xh, adjoint=True, adjoint_arg=True), op @ x],
        "matvec": [op.matvec(x[..., 0]), op.matvec(x[..., 0], adjoint=True)],
        "solve": [op.solve(x), op.solve(x, adjoint=True), op.solve(xh, adjoint_arg=True),
                  op.solve(xh, adjoint=True, adjoint_arg=True)],
        "solvevec": [op.solvevec(x[..., 1]), op.solvevec(x[..., 1], adjoint=True)],
        "det": op.determinant(),
        "logdet": op.log_abs_determinant(),
        "diag_part": op.diag_part(),
        "trace": op.trace(),
        "inverse": op.inverse().to_dense(),
        "adjoint": op.adjoint().to_dense(),
        "square": (op @ op).to_dense(),
        "solve_op": op.solve(op).to_dense(),
        "add": op.add_to_tensor(op.to_dense()),
        "shape_tensor": op.shape_tensor(),
    }


# ---------------------------------------------------------------------------
# Kronecker


def _kron(tf, dtype=None):
    return tf.linalg.LinearOperatorKronecker([_full(tf, 2, dtype=dtype), _full(tf, 3, 1.0, dtype)])


def case_kronecker_describe(tf):
    full = tf.linalg.LinearOperatorFullMatrix
    pd = tf.linalg.LinearOperatorKronecker([_spd(tf, 2), tf.linalg.LinearOperatorDiag(
        [1.0, 2.0], is_positive_definite=True)])
    wide = tf.linalg.LinearOperatorKronecker([full(tf.ones([2, 3])), full(tf.ones([3, 4]))])
    batch = tf.linalg.LinearOperatorKronecker(
        [full(tf.ones([2, 1, 2, 2])), full(tf.ones([3, 2, 2])), _full(tf, 2)], name="kb")
    return {
        "ops": [_desc(_kron(tf)), _desc(pd), _desc(wide), _desc(batch)],
        "algebra": _algebra(_kron(tf)),
        "pd_algebra": _algebra(pd),
        "cholesky": [_desc(pd.cholesky())] + [_desc(o) for o in pd.cholesky().operators],
        "inverse_factors": [_desc(o) for o in _kron(tf).inverse().operators],
        "adjoint_factors": [_desc(o) for o in _kron(tf).adjoint().operators],
        "mixed": [type(tf.linalg.LinearOperatorDiag(tf.ones([6])) @ _kron(tf)).__name__,
                  type(_kron(tf) @ tf.linalg.LinearOperatorIdentity(6)).__name__],
        "operators": [o.name for o in batch.operators],
        "parameters": sorted(batch.parameters),
        "complex": _desc(_kron(tf, tf.complex128)),
    }


def case_kronecker_errors(tf):
    full = tf.linalg.LinearOperatorFullMatrix
    kron = tf.linalg.LinearOperatorKronecker
    sa = _spd(tf, 2)
    pd_diag = tf.linalg.LinearOperatorDiag([1.0, 2.0], is_positive_definite=True)
    wide = kron([full(tf.ones([2, 3])), full(tf.ones([3, 4]))])
    odd = kron([full(tf.ones([2, 3])), full(tf.ones([3, 2]))])
    return {
        "dtype": _err(lambda: kron([_full(tf, 2), _full(tf, 2, dtype=tf.float64)])),
        "empty": _err(lambda: kron([])),
        "not_iterable": _cls(lambda: kron(_full(tf, 2))),
        "batch": _err(lambda: kron([full(tf.ones([2, 2, 2])), full(tf.ones([3, 2, 2]))]).shape),
        "non_singular": _err(lambda: kron([_full(tf, 2, is_non_singular=True), pd_diag],
                                          is_non_singular=False)),
        "self_adjoint": _err(lambda: kron([sa, pd_diag], is_self_adjoint=False)),
        "pd": _err(lambda: kron([sa, pd_diag], is_positive_definite=False)),
        "cholesky": _err(lambda: _kron(tf).cholesky()),
        "eigvals": _err(lambda: _kron(tf).eigvals()),
        "matmul_dims": _err(lambda: _kron(tf).matmul(tf.ones([4, 1]))),
        "matmul_dtype": _err(lambda: _kron(tf).matmul(tf.ones([6, 1], tf.float64))),
        "solve_dims": _err(lambda: _kron(tf).solvevec(tf.ones([5]))),
        "operator_dims": _err(lambda: _kron(tf).matmul(_full(tf, 2))),
        "wide_det": _err(lambda: wide.determinant()),
        "wide_solve": _err(lambda: wide.solve(tf.ones([6, 1]))),
        "wide_inverse": _err(lambda: kron([full(tf.ones([2, 3])), full(tf.ones([3, 4]))],
                                          is_square=False).inverse()),
        "wide_assert": _err(lambda: wide.assert_non_singular()),
        "wide_assert_sa": _err(lambda: wide.assert_self_adjoint()),
        "odd_diag": _err(lambda: odd.diag_part()),
        "odd_assert": _err(lambda: odd.assert_non_singular()),
        "assert_pd": _err(lambda: _kron(tf).assert_positive_definite()),
        "asserts": [_err(lambda: _kron(tf).assert_non_singular()),
                    _err(lambda: kron([sa, pd_diag]).assert_self_adjoint())],
    }


@tolerance(**TOL)
def case_kronecker_values(tf):
    op = _kron(tf)
    return _values(tf, op, _rhs(tf, [6, 2]))


@tolerance(**TOL)
def case_kronecker_three_factor_values(tf):
    op = tf.linalg.LinearOperatorKronecker(
        [_full(tf, 2), tf.linalg.LinearOperatorDiag([1.0, -2.0, 3.0]), _full(tf, 2, 2.0)])
    return _values(tf, op, _rhs(tf, [12, 3]))


@tolerance(**TOL)
def case_kronecker_spd_values(tf):
    op = tf.linalg.LinearOperatorKronecker([_spd(tf, 2), tf.linalg.LinearOperatorDiag(
        [1.0, 2.0, 0.5], is_positive_definite=True)])
    return {
        **_values(tf, op, _rhs(tf, [6, 2])),
        "eigvals": op.eigvals(),
        "cholesky": op.cholesky().to_dense(),
        "cond": op.cond(),
    }


@tolerance(**TOL)
def case_kronecker_wide_values(tf):
    full = tf.linalg.LinearOperatorFullMatrix
    op = tf.linalg.LinearOperatorKronecker([full(_rhs(tf, [2, 3])), full(_rhs(tf, [3, 4], k=1.0))])
    x = _rhs(tf, [12, 2], k=2.0)
    y = _rhs(tf, [6, 2], k=3.0)
    return {
        "dense": op.to_dense(),
        "matmul": [op.matmul(x), op.matmul(y, adjoint=True),
                   op.matmul(tf.transpose(x), adjoint_arg=True)],
        "matvec": op.matvec(x[:, 0]),
        "diag_part": op.diag_part(),
        "trace": op.trace(),
    }


@tolerance(**TOL)
def case_kronecker_batch_values(tf):
    op = tf.linalg.LinearOperatorKronecker(
        [_full(tf, [2, 2, 2]), _full(tf, 3, 1.0), _full(tf, [1, 2, 2], 2.0)])
    x = _rhs(tf, [12, 2], k=3.0)
    bx = _rhs(tf, [3, 1, 12, 2], k=4.0)
    return {
        **_values(tf, op, x),
        "broadcast_matmul": op.matmul(bx),
        "broadcast_solve": op.solve(bx, adjoint=True),
    }


@tolerance(**TOL)
def case_kronecker_complex_values(tf):
    a = tf.linalg.LinearOperatorFullMatrix(_crhs(tf, [2, 2]) + 2.0)
    b = tf.linalg.LinearOperatorDiag(_crhs(tf, [2, 3], k=1.0) + 1.0)
    op = tf.linalg.LinearOperatorKronecker([a, b])
    return _values(tf, op, _crhs(tf, [6, 2], k=2.0))


@tolerance(**TOL)
def case_kronecker_gradient(tf):
    m = tf.Variable(_rhs(tf, [2, 2]) * 0.3 + tf.eye(2) * 2.0)
    d = tf.Variable([1.0, 2.0, -3.0])
    x = _rhs(tf, [6, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        op = tf.linalg.LinearOperatorKronecker(
            [tf.linalg.LinearOperatorFullMatrix(m), tf.linalg.LinearOperatorDiag(d)])
        y1 = tf.reduce_sum(op.matmul(x) * _rhs(tf, [6, 2], k=1.0))
        y2 = tf.reduce_sum(op.solve(x, adjoint=True) * _rhs(tf, [6, 2], k=2.0))
        y3 = op.log_abs_determinant()
        y4 = op.determinant()
        y5 = tf.reduce_sum(op.to_dense() * _rhs(tf, [6, 6], k=3.0))
        y6 = op.trace() + tf.reduce_sum(op.diag_part() * _rhs(tf, [6], k=4.0))
    return {
        "matmul": tape.gradient(y1, [m, d, x]),
        "solve": tape.gradient(y2, [m, d, x]),
        "logdet": tape.gradient(y3, [m, d]),
        "det": tape.gradient(y4, [m, d]),
        "dense": tape.gradient(y5, [m, d]),
        "diag": tape.gradient(y6, [m, d]),
    }


# ---------------------------------------------------------------------------
# BlockDiag


def _block_diag(tf, dtype=None):
    return tf.linalg.LinearOperatorBlockDiag(
        [_full(tf, 2, dtype=dtype), tf.linalg.LinearOperatorDiag(
            tf.constant([1.0, -2.0, 3.0], dtype or tf.float32))])


def case_block_diag_describe(tf):
    full = tf.linalg.LinearOperatorFullMatrix
    diag = tf.linalg.LinearOperatorDiag
    bd = tf.linalg.LinearOperatorBlockDiag
    op = _block_diag(tf)
    pd = bd([_spd(tf, 2), diag([1.0, 2.0], is_positive_definite=True)])
    wide = bd([full(tf.ones([2, 3])), diag([1.0, 2.0, 3.0])])
    batch = bd([_full(tf, [2, 1, 2, 2]), _full(tf, [3, 3, 3], 1.0)], name="bb")
    return {
        "ops": [_desc(op), _desc(pd), _desc(wide), _desc(batch),
                _desc(bd([diag([1.0, 2.0]), full(tf.ones([2, 3]))], is_square=False)),
                _desc(_block_diag(tf, tf.complex64))],
        "algebra": _algebra(op),
        "pd_algebra": _algebra(pd),
        "square_blocks": [type(o).__name__ for o in (op @ op).operators],
        "solve_blocks": [type(o).__name__ for o in op.solve(op).operators],
        "cholesky": [_desc(pd.cholesky())] + [_desc(o) for o in pd.cholesky().operators],
        "adjoint_blocks": [_desc(o) for o in op.H.operators],
        "mixed": [type(diag(tf.ones([5])) @ op).__name__,
                  type(op @ diag(tf.ones([5]))).__name__,
                  type(tf.linalg.LinearOperatorIdentity(5) @ op).__name__,
                  type(op.solve(tf.linalg.LinearOperatorIdentity(5))).__name__],
        "matmul_adjoint": _desc(op.matmul(op, adjoint=True, adjoint_arg=True)),
        "slice": _desc(batch[1]),
        "parameters": sorted(op.parameters),
        "operators": [o.name for o in op.operators],
    }


def case_block_diag_errors(tf):
    full = tf.linalg.LinearOperatorFullMatrix
    diag = tf.linalg.LinearOperatorDiag
    bd = tf.linalg.LinearOperatorBlockDiag
    op = _block_diag(tf)
    pd = [_spd(tf, 2), diag([1.0, 2.0], is_positive_definite=True)]
    wide = bd([full(tf.ones([2, 3])), diag([1.0, 2.0, 3.0])])
    return {
        "dtype": _err(lambda: bd([_full(tf, 2), _full(tf, 2, dtype=tf.float64)])),
        "empty": _err(lambda: bd([])),
        "not_iterable": _cls(lambda: bd(_full(tf, 2))),
        "batch": _err(lambda: bd([full(tf.ones([2, 2, 2])), full(tf.ones([3, 2, 2]))]).shape),
        "non_singular": _err(lambda: bd(pd, is_non_singular=False)),
        "self_adjoint": _err(lambda: bd(pd, is_self_adjoint=False)),
        "pd": _err(lambda: bd(pd, is_positive_definite=False)),
        "not_square_hint": _err(lambda: bd([_full(tf, 2)], is_square=False).is_square),
        "cholesky": _err(lambda: op.cholesky()),
        "eigvals": _err(lambda: op.eigvals()),
        "matmul_dims": _err(lambda: op.matmul(tf.ones([4, 1]))),
        "matmul_dtype": _err(lambda: op.matmul(tf.ones([5, 1], tf.float64))),
        "matvec_dims": _err(lambda: op.matvec(tf.ones([4]))),
        "solve_dims": _err(lambda: op.solve(tf.ones([4, 2]))),
        "solvevec_dims": _err(lambda: op.solvevec(tf.ones([6]))),
        "block_dims": _err(lambda: op.matvec([tf.ones([3]), tf.ones([2])])),
        "block_dtype": _err(lambda: op.matvec([tf.ones([2], tf.float64), tf.ones([3])])),
        "block_mismatch": _err(lambda: op.matvec([[1.0, 1.0], [1.0, 1.0]])),
        "block_tuple": _err(lambda: op.matmul((tf.ones([2, 1]), tf.ones([3, 1])))),
        "block_solve_dims": _err(lambda: op.solvevec([tf.ones([3]), tf.ones([2])])),
        "operator_dims": _err(lambda: op.matmul(bd([_full(tf, 2)]))),
        "operator_blocks": _err(lambda: op.matmul(bd([diag([1.0, 2.0, 3.0]), _full(tf, 2)]))),
        "operator_count": _err(lambda: op.matmul(bd([diag([1.0, 2.0]), _full(tf, 2, 1.0),
                                                     diag([1.0])]))),
        "solve_blocks": _err(lambda: op.solve(bd([diag([1.0, 2.0, 3.0]), _full(tf, 2)]))),
        "solve_count": _err(lambda: op.solve(bd([diag([1.0, 2.0]), _full(tf, 2, 1.0),
                                                 diag([1.0])]))),
        "solve_operator_dims": _err(lambda: op.solve(full(tf.ones([4, 4])))),
        "wide_diag": _err(lambda: wide.diag_part()),
        "wide_trace": _err(lambda: wide.trace()),
        "wide_eigvals": _err(lambda: bd([full(tf.ones([2, 3])), diag([1.0, 2.0])],
                                        is_self_adjoint=True).eigvals()),
        "wide_solve": _err(lambda: bd([full(tf.ones([2, 3])), diag([1.0])],
                                      is_square=False).solve(tf.ones([3, 1]))),
        "singular_solve": _err(lambda: bd([full(tf.ones([2, 2]), is_non_singular=False)])
                               .solve(tf.ones([2, 1]))),
        "assert_pd": _err(lambda: op.assert_positive_definite()),
        "asserts": [_err(lambda: bd(pd).assert_non_singular()),
                    _err(lambda: bd(pd).assert_self_adjoint()),
                    _err(lambda: bd(pd).assert_positive_definite())],
        "assert_not_pd": _err(lambda: bd([diag([1.0, -2.0])]).assert_positive_definite()),
    }


@tolerance(**TOL)
def case_block_diag_values(tf):
    op = _block_diag(tf)
    return {
        **_values(tf, op, _rhs(tf, [5, 2])),
        "sliced_cols": op.matmul(_rhs(tf, [5, 3], k=1.0)[:, 1:]),
    }


@tolerance(**TOL)
def case_block_diag_blockwise_values(tf):
    op = _block_diag(tf)
    x = [_rhs(tf, [2, 2]), _rhs(tf, [3, 2], k=1.0)]
    v = [_rhs(tf, [2], k=2.0), _rhs(tf, [3], k=3.0)]
    xh = [tf.transpose(p) for p in x]
    return {
        "matmul": [op.matmul(x), op.matmul(x, adjoint=True), op.matmul(xh, adjoint_arg=True)],
        "matvec": [op.matvec(v), op.matvec(v, adjoint=True),
                   op.matvec([[1.0, 2.0], [3.0, 4.0, 5.0]]),
                   op.matvec([[1.0, 2.0, 3.0, 4.0, 5.0], [1.0, 1.0, 1.0, 1.0, 1.0]])],
        "solve": [op.solve(x), op.solve(x, adjoint=True), op.solve(xh, adjoint_arg=True)],
        "solvevec": [op.solvevec(v), op.solvevec(v, adjoint=True)],
    }


@tolerance(**TOL)
def case_block_diag_spd_values(tf):
    op = tf.linalg.LinearOperatorBlockDiag([_spd(tf, 2), _spd(tf, 3, 1.0)])
    return {
        **_values(tf, op, _rhs(tf, [5, 2])),
        "eigvals": op.eigvals(),
        "cholesky": op.cholesky().to_dense(),
        "cond": op.cond(),
    }


@tolerance(**TOL)
def case_block_diag_wide_values(tf):
    full = tf.linalg.LinearOperatorFullMatrix
    op = tf.linalg.LinearOperatorBlockDiag([full(_rhs(tf, [2, 3])), full(_rhs(tf, [1, 2], k=1.0))],
                                           is_square=False)
    x = _rhs(tf, [5, 2], k=2.0)
    return {
        "dense": op.to_dense(),
        "matmul": [op.matmul(x), op.matmul(_rhs(tf, [3, 2], k=3.0), adjoint=True),
                   op.matmul(tf.transpose(x), adjoint_arg=True)],
        "matvec": op.matvec(x[:, 0]),
    }


@tolerance(**TOL)
def case_block_diag_batch_values(tf):
    op = tf.linalg.LinearOperatorBlockDiag(
        [_full(tf, [2, 1, 2, 2]), _full(tf, [3, 3, 3], 1.0), tf.linalg.LinearOperatorDiag(
            _rhs(tf, [1, 2], k=2.0) + 2.0)])
    x = _rhs(tf, [7, 2], k=3.0)
    return {
        **_values(tf, op, x),
        "broadcast_matmul": op.matmul(_rhs(tf, [4, 2, 3, 7, 2], k=4.0)),
        "broadcast_solve": op.solve(_rhs(tf, [2, 1, 7, 1], k=5.0), adjoint=True),
        "slice": op[1].to_dense(),
        "slice2": op[:, 1:].to_dense(),
    }


@tolerance(**TOL)
def case_block_diag_complex_values(tf):
    a = tf.linalg.LinearOperatorFullMatrix(_crhs(tf, [2, 2]) + 2.0)
    b = tf.linalg.LinearOperatorDiag(_crhs(tf, [3], k=1.0) + 1.0)
    op = tf.linalg.LinearOperatorBlockDiag([a, b])
    return _values(tf, op, _crhs(tf, [5, 2], k=2.0))


@tolerance(**TOL)
def case_block_diag_gradient(tf):
    m = tf.Variable(_rhs(tf, [2, 2]) * 0.3 + tf.eye(2) * 2.0)
    d = tf.Variable([1.0, 2.0, -3.0])
    x = _rhs(tf, [5, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        op = tf.linalg.LinearOperatorBlockDiag(
            [tf.linalg.LinearOperatorFullMatrix(m), tf.linalg.LinearOperatorDiag(d)])
        y1 = tf.reduce_sum(op.matmul(x) * _rhs(tf, [5, 2], k=1.0))
        y2 = tf.reduce_sum(op.solve(x, adjoint=True) * _rhs(tf, [5, 2], k=2.0))
        y3 = op.log_abs_determinant()
        y4 = op.determinant()
        y5 = tf.reduce_sum(op.to_dense() * _rhs(tf, [5, 5], k=3.0))
        y6 = op.trace() + tf.reduce_sum(op.diag_part() * _rhs(tf, [5], k=4.0))
        y7 = tf.reduce_sum(op.solvevec([x[:2, 0], x[2:, 1]])[1])
    return {
        "matmul": tape.gradient(y1, [m, d, x]),
        "solve": tape.gradient(y2, [m, d, x]),
        "logdet": tape.gradient(y3, [m, d]),
        "det": tape.gradient(y4, [m, d]),
        "dense": tape.gradient(y5, [m, d]),
        "diag": tape.gradient(y6, [m, d]),
        "blockwise": tape.gradient(y7, [m, d, x]),
    }


# ---------------------------------------------------------------------------
# LowRankUpdate


def _low_rank(tf, **kwargs):
    base = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0], is_positive_definite=True)
    u = tf.constant([[1.0, 0.0], [0.5, 1.0], [0.0, 2.0]])
    return tf.linalg.LinearOperatorLowRankUpdate(base, u, **kwargs)


def _general_low_rank(tf, dtype=None):
    """Non-symmetric: a full base, a `v` of its own and a signed diagonal update."""
    base = _full(tf, 3, dtype=dtype)
    return tf.linalg.LinearOperatorLowRankUpdate(
        base, _rhs(tf, [3, 2], dtype, 1.0),
        diag_update=tf.constant([1.5, -0.5], dtype or tf.float32),
        v=_rhs(tf, [3, 2], dtype, 2.0) * 0.5)


def case_low_rank_update_describe(tf):
    lru = tf.linalg.LinearOperatorLowRankUpdate
    sa = _low_rank(tf)
    op = _general_low_rank(tf)
    pos = _low_rank(tf, diag_update=[2.0, 3.0], is_diag_update_positive=True)
    return {
        "ops": [_desc(sa), _desc(op), _desc(pos),
                _desc(_low_rank(tf, diag_update=[1.0, -1.0])),
                _desc(_low_rank(tf, v=tf.ones([3, 2]), name="lr")),
                _desc(lru(_full(tf, 3), tf.ones([3, 2]))),
                _desc(lru(tf.linalg.LinearOperatorFullMatrix(tf.ones([4, 3])),
                          tf.ones([3, 2]))),
                _desc(lru(_full(tf, [2, 1, 3, 3]), tf.ones([4, 3, 2]),
                          diag_update=tf.ones([1, 2])))],
        "algebra": _algebra(sa),
        "general_algebra": _algebra(op),
        "cholesky": _desc(sa.cholesky()),
        "adjoint_is_self": sa.H is sa,
        "fields": [sa.is_diag_update_positive, type(sa.diag_operator).__name__,
                   _desc(sa.diag_operator), sa.diag_update is None, sa.v is sa.u,
                   pos.is_diag_update_positive, _desc(pos.diag_operator),
                   op.base_operator.name, op.is_diag_update_positive],
        "parameters": sorted(sa.parameters),
        "complex": [_desc(_general_low_rank(tf, tf.complex64)),
                    _desc(lru(tf.linalg.LinearOperatorDiag(
                        tf.constant([1.0, 2.0], tf.complex64), is_positive_definite=True,
                        is_self_adjoint=True), tf.ones([2, 1], tf.complex64)))],
        "slice": _desc(lru(_full(tf, [2, 3, 3]), tf.ones([3, 2]))[1]),
    }


def case_low_rank_update_errors(tf):
    lru = tf.linalg.LinearOperatorLowRankUpdate
    base = tf.linalg.LinearOperatorDiag([1.0, 2.0, 3.0], is_positive_definite=True)
    u = tf.ones([3, 2])
    return {
        "diag_positive": _err(lambda: lru(base, u, is_diag_update_positive=False)),
        "self_adjoint": _err(lambda: lru(base, u, is_self_adjoint=False)),
        "pd": _err(lambda: lru(base, u, is_positive_definite=False)),
        "non_singular": _err(lambda: lru(base, u, is_non_singular=False)),
        "u_rows": _err(lambda: lru(base, tf.ones([4, 2]))),
        "diag_size": _err(lambda: lru(base, u, diag_update=[1.0, 2.0, 3.0])),
        "v_shape": _err(lambda: lru(base, u, v=tf.ones([3, 3]))),
        "diag_batch": _err(lambda: lru(base, tf.ones([2, 3, 2]), diag_update=tf.ones([3, 2]))),
        "uv_batch": _err(lambda: lru(base, tf.ones([2, 3, 2]), v=tf.ones([3, 3, 2]))),
        "wide_base": _err(lambda: lru(tf.linalg.LinearOperatorFullMatrix(tf.ones([3, 4])), u)),
        "singular_base": _err(lambda: lru(tf.linalg.LinearOperatorFullMatrix(
            tf.eye(3), is_non_singular=False), u).solve(tf.ones([3, 1]))),
        "u_dtype": _cls(lambda: lru(base, tf.ones([3, 2], tf.float64)).to_dense()),
        "matmul_dims": _err(lambda: _low_rank(tf).matmul(tf.ones([4, 1]))),
        "matmul_dtype": _err(lambda: _low_rank(tf).matvec(tf.ones([3], tf.float64))),
        "solve_dims": _err(lambda: _low_rank(tf).solve(tf.ones([2, 1]))),
        "eigvals": _err(lambda: _general_low_rank(tf).eigvals()),
        "cholesky": _err(lambda: _general_low_rank(tf).cholesky()),
        "assert_self_adjoint": _err(lambda: _low_rank(tf).assert_self_adjoint()),
    }


@tolerance(**TOL)
def case_low_rank_update_values(tf):
    op = _low_rank(tf)
    return {
        **_values(tf, op, _rhs(tf, [3, 2])),
        "eigvals": op.eigvals(),
        "cholesky": op.cholesky().to_dense(),
        "cond": op.cond(),
    }


@tolerance(**TOL)
def case_low_rank_update_diag_values(tf):
    pos = _low_rank(tf, diag_update=[2.0, 3.0], is_diag_update_positive=True)
    signed = _low_rank(tf, diag_update=[2.0, -0.25])
    x = _rhs(tf, [3, 2])
    return {"positive": _values(tf, pos, x), "signed": _values(tf, signed, x)}


@tolerance(**TOL)
def case_low_rank_update_general_values(tf):
    return _values(tf, _general_low_rank(tf), _rhs(tf, [3, 2], k=3.0))


@tolerance(**TOL)
def case_low_rank_update_batch_values(tf):
    op = tf.linalg.LinearOperatorLowRankUpdate(
        _full(tf, [2, 1, 3, 3]), _rhs(tf, [4, 3, 2], k=1.0) * 0.5,
        diag_update=_rhs(tf, [1, 2], k=2.0) + 1.0)
    spd = tf.linalg.LinearOperatorLowRankUpdate(
        tf.linalg.LinearOperatorDiag(_rhs(tf, [2, 3], k=3.0) + 2.0, is_positive_definite=True),
        _rhs(tf, [3, 1], k=4.0))
    return {
        "general": _values(tf, op, _rhs(tf, [3, 2], k=3.0)),
        "spd": _values(tf, spd, _rhs(tf, [3, 2], k=5.0)),
        "broadcast": op.matmul(_rhs(tf, [5, 1, 1, 3, 2])),
        "slice": op[1, 2:].to_dense(),
    }


@tolerance(**TOL)
def case_low_rank_update_complex_values(tf):
    base = tf.linalg.LinearOperatorFullMatrix(_crhs(tf, [3, 3]) * 0.3 + 2.0 * tf.eye(
        3, dtype=tf.complex128))
    op = tf.linalg.LinearOperatorLowRankUpdate(base, _crhs(tf, [3, 2], k=1.0),
                                               diag_update=_crhs(tf, [2], k=2.0),
                                               v=_crhs(tf, [3, 2], k=3.0) * 0.5)
    herm = tf.linalg.LinearOperatorLowRankUpdate(
        tf.linalg.LinearOperatorDiag(tf.constant([1.0, 2.0, 3.0], tf.complex128),
                                     is_positive_definite=True, is_self_adjoint=True),
        _crhs(tf, [3, 1], k=4.0))
    x = _crhs(tf, [3, 2], k=5.0)
    return {"general": _values(tf, op, x), "hermitian": _values(tf, herm, x)}


@tolerance(**TOL)
def case_low_rank_update_gradient(tf):
    d = tf.Variable([1.0, 2.0, 3.0])
    u = tf.Variable([[1.0, 0.0], [0.5, 1.0], [0.0, 2.0]])
    s = tf.Variable([2.0, -0.25])
    x = _rhs(tf, [3, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        base = tf.linalg.LinearOperatorDiag(d, is_positive_definite=True)
        chol = tf.linalg.LinearOperatorLowRankUpdate(base, u)
        op = tf.linalg.LinearOperatorLowRankUpdate(base, u, diag_update=s)
        y1 = tf.reduce_sum(op.matmul(x) * _rhs(tf, [3, 2], k=1.0))
        y2 = tf.reduce_sum(op.solve(x, adjoint=True) * _rhs(tf, [3, 2], k=2.0))
        y3 = chol.log_abs_determinant()
        y4 = op.determinant()
        y5 = tf.reduce_sum(chol.solve(x) * _rhs(tf, [3, 2], k=3.0))
        y6 = tf.reduce_sum(op.diag_part() * _rhs(tf, [3], k=4.0))
    return {
        "matmul": tape.gradient(y1, [d, u, s, x]),
        "solve": tape.gradient(y2, [d, u, s, x]),
        "logdet": tape.gradient(y3, [d, u]),
        "det": tape.gradient(y4, [d, u, s]),
        "chol_solve": tape.gradient(y5, [d, u, x]),
        "diag": tape.gradient(y6, [d, u, s]),
    }


# ---------------------------------------------------------------------------
# BlockLowerTriangular


def _blt(tf, dtype=None):
    full = tf.linalg.LinearOperatorFullMatrix
    return tf.linalg.LinearOperatorBlockLowerTriangular(
        [[_full(tf, 2, dtype=dtype)],
         [full(_rhs(tf, [3, 2], dtype, 1.0)), tf.linalg.LinearOperatorDiag(
             tf.constant([1.0, -2.0, 3.0], dtype or tf.float32))]])


def _blt3(tf):
    """Three block rows of the five addable classes (the inverse's sums use each)."""
    diag = tf.linalg.LinearOperatorDiag
    tril = tf.linalg.LinearOperatorLowerTriangular([[2.0, 0.0], [1.0, 3.0]])
    return tf.linalg.LinearOperatorBlockLowerTriangular(
        [[diag([1.0, 2.0])],
         [tril, tf.linalg.LinearOperatorScaledIdentity(2, 3.0)],
         [tf.linalg.LinearOperatorFullMatrix(_rhs(tf, [2, 2])), diag([2.0, 4.0]), tril]])


def case_block_lower_triangular_describe(tf):
    diag = tf.linalg.LinearOperatorDiag
    blt = tf.linalg.LinearOperatorBlockLowerTriangular
    op = _blt(tf)
    identity = tf.linalg.LinearOperatorIdentity(2)
    identity_rows = blt([[diag([1.0, 2.0])], [diag([1.0, 1.0]), identity],
                         [identity, diag([1.0, 2.0]), diag([2.0, 2.0])]])
    batch = blt([[_full(tf, [2, 1, 2, 2])], [_full(tf, [3, 2, 2], 1.0), _full(tf, 2, 2.0)]],
                name="bb")
    return {
        "ops": [_desc(op), _desc(_blt3(tf)), _desc(batch), _desc(_blt(tf, tf.complex64)),
                _desc(blt([[diag([1.0, 2.0], is_non_singular=True)]])),
                _desc(blt([[_full(tf, 2, is_non_singular=False)]]))],
        "algebra": _algebra(op),
        "inverse_blocks": [[_desc(o) for o in row] for row in op.inverse().operators],
        "inverse3_blocks": [[_desc(o) for o in row] for row in _blt3(tf).inverse().operators],
        "identity_inverse": [[_desc(o) for o in row] for row in identity_rows.inverse().operators],
        "slice": _desc(batch[1]),
        "slice_blocks": [[_desc(o) for o in row] for row in batch[1:, 0].operators],
        "parameters": sorted(op.parameters),
        "operators": [[o.name for o in row] for row in op.operators],
    }


def case_block_lower_triangular_errors(tf):
    full = tf.linalg.LinearOperatorFullMatrix
    diag = tf.linalg.LinearOperatorDiag
    blt = tf.linalg.LinearOperatorBlockLowerTriangular
    a = _full(tf, 2)
    op = _blt(tf)
    return {
        "row_length": _err(lambda: blt([[a], [a]])),
        "range": _err(lambda: blt([[a], [a, full(tf.ones([3, 3]))]])),
        "domain": _err(lambda: blt([[a], [full(tf.ones([2, 3])), full(tf.ones([2, 2]))]])),
        "dtype": re.sub(r" at 0x[0-9a-f]+", "", _err(lambda: blt(
            [[a], [a, _full(tf, 2, dtype=tf.float64)]]))),
        "empty": _err(lambda: blt([])),
        "empty_row": _cls(lambda: blt([[a], []])),
        "not_iterable": _cls(lambda: blt([a])),
        "singular_hint": _err(lambda: blt([[full(tf.ones([2, 2]), is_non_singular=False)]],
                                          is_non_singular=True)),
        "non_singular_hint": _err(lambda: blt([[diag([1.0, 2.0], is_non_singular=True)]],
                                              is_non_singular=False)),
        "not_square_hint": _err(lambda: blt([[a]], is_square=False)),
        "wide_diagonal": _err(lambda: blt([[full(tf.ones([2, 3]))]])),
        "batch": _err(lambda: blt([[full(tf.ones([2, 2, 2]))], [full(tf.ones([3, 2, 2])),
                                                                 a]]).shape),
        "operator_dims": _err(lambda: op.matmul(full(tf.ones([3, 3])))),
        "solve_operator_dims": _err(lambda: op.solve(full(tf.ones([3, 3])))),
        "matmul_dims": _err(lambda: op.matmul(tf.ones([4, 1]))),
        "matmul_dtype": _err(lambda: op.matmul(tf.ones([5, 1], tf.float64))),
        "matvec_dims": _err(lambda: op.matvec(tf.ones([4]))),
        "solve_dims": _err(lambda: op.solve(tf.ones([4, 2]))),
        "block_dims": _err(lambda: op.matvec([tf.ones([3]), tf.ones([2])])),
        "block_tuple": _err(lambda: op.solvevec((tf.ones([2]), tf.ones([3])))),
        "block_mismatch": _err(lambda: op.matvec([[1.0, 1.0], [1.0, 1.0]])),
        "singular_solve": _err(lambda: blt([[full(tf.ones([2, 2]), is_non_singular=False)]])
                               .solve(tf.ones([2, 1]))),
        "eigvals": _err(lambda: op.eigvals()),
        "cholesky": _err(lambda: op.cholesky()),
        "asserts": [_err(lambda: _blt3(tf).assert_non_singular()),
                    _err(lambda: blt([[diag([1.0, 0.0])]]).assert_non_singular())],
    }


@tolerance(**TOL)
def case_block_lower_triangular_values(tf):
    op = _blt(tf)
    return _values(tf, op, _rhs(tf, [5, 2]))


@tolerance(**TOL)
def case_block_lower_triangular_three_values(tf):
    op = _blt3(tf)
    return _values(tf, op, _rhs(tf, [6, 3], k=1.0))


@tolerance(**TOL)
def case_block_lower_triangular_blockwise_values(tf):
    op = _blt3(tf)
    x = [_rhs(tf, [2, 2], k=float(i)) for i in range(3)]
    v = [_rhs(tf, [2], k=float(i) + 3.0) for i in range(3)]
    xh = [tf.transpose(p) for p in x]
    return {
        "matmul": [op.matmul(list(x)), op.matmul(list(x), adjoint=True),
                   op.matmul(list(xh), adjoint_arg=True)],
        "matvec": [op.matvec(list(v)), op.matvec(list(v), adjoint=True)],
        "solve": [op.solve(list(x)), op.solve(list(x), adjoint=True),
                  op.solve(list(xh), adjoint_arg=True),
                  op.solve(list(xh), adjoint=True, adjoint_arg=True)],
        "solvevec": [op.solvevec(list(v)), op.solvevec(list(v), adjoint=True)],
    }


@tolerance(**TOL)
def case_block_lower_triangular_spd_values(tf):
    op = tf.linalg.LinearOperatorBlockLowerTriangular(
        [[_spd(tf, 2)], [tf.linalg.LinearOperatorFullMatrix(_rhs(tf, [3, 2])), _spd(tf, 3, 1.0)]])
    return {
        "det": op.determinant(),
        "logdet": op.log_abs_determinant(),
        "dense": op.to_dense(),
        "solve": op.solve(_rhs(tf, [5, 2], k=2.0), adjoint=True),
        "inverse": op.inverse().to_dense(),
    }


@tolerance(**TOL)
def case_block_lower_triangular_batch_values(tf):
    op = tf.linalg.LinearOperatorBlockLowerTriangular(
        [[_full(tf, [2, 1, 2, 2])],
         [tf.linalg.LinearOperatorFullMatrix(_rhs(tf, [3, 3, 2], k=1.0)), _full(tf, 3, 2.0)]])
    x = _rhs(tf, [5, 2], k=3.0)
    return {
        **_values(tf, op, x),
        "broadcast_matmul": op.matmul(_rhs(tf, [4, 2, 3, 5, 2], k=4.0)),
        "broadcast_solve": op.solve(_rhs(tf, [2, 1, 5, 1], k=5.0), adjoint=True),
        "slice": op[1].to_dense(),
        "slice2": op[:, 1:].to_dense(),
    }


@tolerance(**TOL)
def case_block_lower_triangular_complex_values(tf):
    op = tf.linalg.LinearOperatorBlockLowerTriangular(
        [[tf.linalg.LinearOperatorFullMatrix(_crhs(tf, [2, 2]) + 2.0)],
         [tf.linalg.LinearOperatorFullMatrix(_crhs(tf, [3, 2], k=1.0)),
          tf.linalg.LinearOperatorDiag(_crhs(tf, [3], k=2.0) + 1.0)]])
    return _values(tf, op, _crhs(tf, [5, 2], k=3.0))


@tolerance(**TOL)
def case_block_lower_triangular_gradient(tf):
    m = tf.Variable(_rhs(tf, [2, 2]) * 0.3 + tf.eye(2) * 2.0)
    b = tf.Variable(_rhs(tf, [3, 2], k=1.0))
    d = tf.Variable([1.0, 2.0, -3.0])
    x = _rhs(tf, [5, 2])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        op = tf.linalg.LinearOperatorBlockLowerTriangular(
            [[tf.linalg.LinearOperatorFullMatrix(m)],
             [tf.linalg.LinearOperatorFullMatrix(b), tf.linalg.LinearOperatorDiag(d)]])
        y1 = tf.reduce_sum(op.matmul(x, adjoint=True) * _rhs(tf, [5, 2], k=1.0))
        y2 = tf.reduce_sum(op.solve(x) * _rhs(tf, [5, 2], k=2.0))
        y3 = op.log_abs_determinant()
        y4 = op.determinant()
        y5 = tf.reduce_sum(op.inverse().to_dense() * _rhs(tf, [5, 5], k=3.0))
        y6 = tf.reduce_sum(op.solve(x, adjoint=True) * _rhs(tf, [5, 2], k=4.0))
    return {
        "matmul": tape.gradient(y1, [m, b, d, x]),
        "solve": tape.gradient(y2, [m, b, d, x]),
        "logdet": tape.gradient(y3, [m, d]),
        "det": tape.gradient(y4, [m, d]),
        "inverse": tape.gradient(y5, [m, b, d]),
        "solve_adjoint": tape.gradient(y6, [m, b, d, x]),
    }
