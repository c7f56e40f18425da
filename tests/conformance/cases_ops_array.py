"""Array and linear-algebra ops: `tf.linalg`, einsum, meshgrid, arg-extrema, gathers and
scatters, one_hot, tile/split/unstack/pad/reverse, sorting, masks, `tf.IndexedSlices`.

Each op is checked for values, dtypes and shapes, gradients through a tape (ties and
kinks included where the op has them) and the exception class of bad input. Answers
live in `golden/cases_ops_array.json`, recorded from TensorFlow 2.21 by `record.py`.

Decompositions whose vectors are defined only up to sign (eigh, svd, qr) are checked
through sign-free quantities (reconstructions, squares, absolute values).
"""

from __future__ import annotations

import numpy as np

M = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]  # symmetric positive definite
A = [[1.0, 2.0, 0.0], [3.0, -1.0, 4.0]]


def _grad(tf, fn, *values):
    """`fn(*xs)` and the gradient of its sum with respect to each watched input."""
    xs = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        y = fn(*xs)
    grads = tape.gradient(y, xs)
    return {"y": y, "grads": grads}


# ---------------------------------------------------------------------------
# tf.linalg: products


def case_linalg_matmul(tf):
    return _grad(tf, lambda a, b: tf.linalg.matmul(a, b, transpose_b=True), A, A)


def case_linalg_matvec(tf):
    return _grad(tf, tf.linalg.matvec, A, [1.0, 2.0, 3.0])


def case_linalg_matvec_transpose(tf):
    return _grad(tf, lambda a, b: tf.linalg.matvec(a, b, transpose_a=True), A, [1.0, -1.0])


def case_linalg_matvec_bad_shape(tf):
    return tf.linalg.matvec(tf.constant(A), tf.constant([1.0, 2.0]))


def case_linalg_einsum_matmul(tf):
    return _grad(tf, lambda a, b: tf.linalg.einsum("ij,kj->ik", a, b), A, A)


def case_einsum_trace_and_outer(tf):
    x = tf.constant(M)
    v = tf.constant([1.0, 2.0])
    return {
        "trace": tf.einsum("ii", x),
        "diag": tf.einsum("ii->i", x),
        "outer": tf.einsum("i,j->ij", v, v),
        "sum": tf.einsum("ij->", x),
        "transpose": tf.einsum("ij->ji", tf.constant(A)),
        "batch": tf.einsum("bij,bjk->bik", tf.ones((2, 2, 3)), tf.ones((2, 3, 1))),
    }


def case_einsum_gradient(tf):
    return _grad(tf, lambda a, b: tf.einsum("ij,jk->ik", a, b) ** 2, A, M)


def case_einsum_int(tf):
    return tf.einsum("ij,jk->ik", tf.constant([[1, 2]]), tf.constant([[3], [4]]))


def case_einsum_wrong_input_count(tf):
    return tf.einsum("ij,jk->ik", tf.constant(A))


def case_einsum_dimension_mismatch(tf):
    return tf.einsum("ij,jk->ik", tf.constant(A), tf.ones((2, 2)))


def case_einsum_dtype_mismatch(tf):
    return tf.einsum("ij,jk->ik", tf.constant(A), tf.ones((3, 2), tf.float64))


def case_tensordot_axes(tf):
    a = tf.constant(A)
    return {
        "int": tf.tensordot(a, tf.ones((3, 2)), 1),
        "zero": tf.tensordot(tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0, 5.0]), 0),
        "lists": tf.tensordot(a, a, [[1], [1]]),
        "pair": tf.tensordot(a, a, [0, 0]),
        "linalg": tf.linalg.tensordot(a, a, axes=2),
    }


def case_tensordot_gradient(tf):
    return _grad(tf, lambda a, b: tf.tensordot(a, b, [[1], [0]]), A, M)


def case_linalg_cross(tf):
    return _grad(tf, tf.linalg.cross, [[1.0, 2.0, 3.0]], [[0.5, -1.0, 2.0]])


def case_linalg_cross_bad_dim(tf):
    return tf.linalg.cross(tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))


# ---------------------------------------------------------------------------
# tf.linalg: shapes of matrices


def case_transpose_conjugate(tf):
    """`conjugate=True` conjugates complex values (and is a plain transpose for real)."""
    x = tf.constant([[1 + 2j, 3 - 1j, 0.5j], [-2 + 0j, 1j, 4 - 4j]])
    weights = tf.constant([[1 + 1j, 2 + 0j], [3 - 1j, 4j], [0.5 + 0j, -1j]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.transpose(x, conjugate=True)
        loss = tf.reduce_sum(tf.math.real(y * weights))
    return {
        "y": y,
        "perm": tf.transpose(x, perm=[1, 0], conjugate=True),
        "real": tf.transpose(tf.constant(A), conjugate=True),
        "grad": tape.gradient(loss, x),
    }


_ZM = [[2.3 + 0.4j, -0.5 + 1.0j, 0.1 - 0.3j], [0.7 - 1.2j, 1.6 + 0.2j, -0.8 + 0.5j],
       [0.3 + 0.9j, -1.1 - 0.4j, 2.2 - 0.6j]]


def case_linalg_complex_det_slogdet(tf):
    """Complex determinants: TF's gradients do not conjugate the determinant, its
    log-determinant is complex (the sign's gradient ignored: zeros)."""
    z = tf.constant(_ZM)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(z)
        d = tf.linalg.det(z)
        sign, log_abs = tf.linalg.slogdet(z)
        det_loss = tf.math.real(d * (1 + 0.5j))
        log_loss = tf.math.real(log_abs * (2 - 1j))
        sign_loss = tf.math.real(sign * (1 + 0.5j))
    tangent = tf.constant([[1.0 + 0.5j, 0j, -1j], [0.3 + 0j, 1j, 0.2 - 0.1j], [0j, 1.0 + 0j, 0.5j]])
    with tf.autodiff.ForwardAccumulator(z, tangent) as acc:
        d2 = tf.linalg.det(z)
        log2 = tf.linalg.slogdet(z)[1]
    return {"det": d, "sign": sign, "log_abs": log_abs,
            "grad_det": tape.gradient(det_loss, z), "grad_log": tape.gradient(log_loss, z),
            "grad_sign": tape.gradient(sign_loss, z),
            "jvp_det": acc.jvp(d2), "jvp_log": acc.jvp(log2)}


def case_pad_complex(tf):
    z = tf.constant([[1 + 2j, 3 - 1j]])
    with tf.GradientTape() as tape:
        tape.watch(z)
        padded = tf.pad(z, [[1, 0], [0, 2]])
        loss = tf.reduce_sum(tf.math.real(padded * (1 + 1j)))
    return {"zeros": padded, "constant": tf.pad(z, [[0, 0], [1, 1]], constant_values=2 - 1j),
            "reflect": tf.pad(z, [[0, 0], [1, 1]], mode="REFLECT"),
            "grad": tape.gradient(loss, z)}


def case_linalg_adjoint_and_transpose(tf):
    a = tf.constant(A)
    return {
        "adjoint": tf.linalg.adjoint(a),
        "transpose": tf.linalg.matrix_transpose(tf.ones((2, 3, 4))).shape,
    }


def case_linalg_diag(tf):
    return {
        "plain": tf.linalg.diag([1.0, 2.0]),
        "k1": tf.linalg.diag([1.0, 2.0], k=1),
        "k-1": tf.linalg.diag([1.0, 2.0], k=-1),
        "batch": tf.linalg.diag([[1, 2], [3, 4]]),
        "padded": tf.linalg.diag([1.0, 2.0], padding_value=9.0),
        "rows": tf.linalg.diag([1.0, 2.0], num_rows=3),
        "k1_cols": tf.linalg.diag([1.0, 2.0], k=1, num_cols=4),
    }


def case_linalg_diag_inconsistent_size(tf):
    return tf.linalg.diag([1.0, 2.0], num_rows=3, num_cols=3)


def case_linalg_diag_gradient(tf):
    w = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    return _grad(tf, lambda d: tf.linalg.diag(d) * w, [5.0, 6.0])


def case_linalg_diag_part_and_trace(tf):
    return {
        "diag_part": _grad(tf, tf.linalg.diag_part, M),
        "k1": tf.linalg.diag_part(tf.constant(M), k=1),
        "trace": _grad(tf, tf.linalg.trace, M),
        "trace_int": tf.linalg.trace(tf.constant([[1, 2], [3, 4]])),
        "trace_batch": tf.linalg.trace(tf.ones((2, 3, 3))),
    }


def case_linalg_band_part(tf):
    x = tf.reshape(tf.range(16.0), (4, 4))
    return {
        "upper": tf.linalg.band_part(x, 0, -1),
        "lower": tf.linalg.band_part(x, -1, 0),
        "tridiag": tf.linalg.band_part(x, 1, 1),
        "diag": tf.linalg.band_part(x, 0, 0),
        "grad": _grad(tf, lambda m: tf.linalg.band_part(m, 1, 0), M),
    }


def case_linalg_band_part_too_wide(tf):
    return tf.linalg.band_part(tf.ones((3, 3)), 4, 0)


def case_linalg_eye(tf):
    return tf.linalg.eye(2, 3, dtype=tf.float64)


# ---------------------------------------------------------------------------
# tf.linalg: solvers and decompositions


def case_linalg_solve(tf):
    return _grad(tf, tf.linalg.solve, M, [[1.0], [2.0], [3.0]])


def case_linalg_solve_adjoint(tf):
    return _grad(tf, lambda a, b: tf.linalg.solve(a, b, adjoint=True),
                 [[2.0, 1.0], [0.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]])


def case_linalg_solve_singular(tf):
    return tf.linalg.solve(tf.zeros((2, 2)), tf.ones((2, 1)))


def case_linalg_solve_int(tf):
    return tf.linalg.solve(tf.constant([[1, 0], [0, 1]]), tf.constant([[1], [1]]))


def case_linalg_inv(tf):
    return _grad(tf, tf.linalg.inv, M)


def case_linalg_inv_adjoint_batch(tf):
    x = tf.constant([[[2.0, 1.0], [0.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    return tf.linalg.inv(x, adjoint=True)


def case_linalg_inv_singular(tf):
    return tf.linalg.inv(tf.zeros((2, 2)))


def case_linalg_inv_not_square(tf):
    return tf.linalg.inv(tf.constant(A))


def case_linalg_det(tf):
    return _grad(tf, tf.linalg.det, M)


def case_linalg_det_batch_float64(tf):
    x = tf.constant([[[2.0, 1.0], [0.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]], tf.float64)
    return _grad(tf, tf.linalg.det, x)


def case_linalg_det_not_square(tf):
    return tf.linalg.det(tf.ones((2, 3)))


def case_linalg_det_rank1(tf):
    return tf.linalg.det(tf.ones((3,)))


def case_linalg_slogdet(tf):
    x = tf.constant([[-2.0, 1.0], [0.5, 3.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        sign, logabs = tf.linalg.slogdet(x)
    return {"sign": sign, "logabs": logabs, "grad": tape.gradient(logabs, x),
            "fields": list(tf.linalg.slogdet(x)._fields)}


def case_linalg_logdet(tf):
    return _grad(tf, tf.linalg.logdet, M)


def case_linalg_cholesky(tf):
    return _grad(tf, tf.linalg.cholesky, M)


def case_linalg_cholesky_reads_lower_triangle(tf):
    x = tf.constant([[4.0, 100.0], [2.0, 5.0]])
    return tf.linalg.cholesky(x)


def case_linalg_cholesky_gradient_weighted(tf):
    w = tf.constant([[1.0, 0.0, 0.0], [2.0, -1.0, 0.0], [0.5, 3.0, 1.5]])
    return _grad(tf, lambda m: tf.linalg.cholesky(m) * w, M)


def case_linalg_cholesky_not_pd_does_not_raise(tf):
    return tf.linalg.cholesky(-tf.eye(2)).shape


def case_linalg_eigh_values(tf):
    return _grad(tf, lambda m: tf.linalg.eigh(m)[0], M)


def case_linalg_eigh_vectors_sign_free(tf):
    x = tf.constant(M)
    with tf.GradientTape() as tape:
        tape.watch(x)
        e, v = tf.linalg.eigh(x)
        y = tf.reduce_sum(v * v * tf.constant([[1.0, 2.0, 3.0]]))
    rebuilt = tf.matmul(v * e, v, transpose_b=True)
    return {"e": e, "abs_v": tf.abs(v), "rebuilt": rebuilt, "grad": tape.gradient(y, x)}


def case_linalg_eigh_reads_lower_triangle(tf):
    x = tf.constant([[2.0, 50.0], [1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        e = tf.linalg.eigvalsh(x)
        y = e * tf.constant([1.0, 3.0])
    return {"e": e, "eigh": tf.linalg.eigh(x)[0], "grad": tape.gradient(y, x)}


def case_linalg_eigvalsh(tf):
    return _grad(tf, lambda m: tf.linalg.eigvalsh(m) ** 2, M)


def case_linalg_svd_values(tf):
    return _grad(tf, lambda a: tf.linalg.svd(a, compute_uv=False), A)


def case_linalg_svd_vectors_sign_free(tf):
    x = tf.constant(A)
    with tf.GradientTape() as tape:
        tape.watch(x)
        s, u, v = tf.linalg.svd(x)
        y = tf.reduce_sum(u * u * tf.constant([[1.0, 2.0]])) + tf.reduce_sum(s)
    rebuilt = tf.matmul(u * s, v, adjoint_b=True)
    return {
        "s": s,
        "shapes": [u.shape, v.shape],
        "abs_u": tf.abs(u),
        "abs_v": tf.abs(v),
        "rebuilt": rebuilt,
        "grad": tape.gradient(y, x),
    }


def case_linalg_svd_full_matrices_shapes(tf):
    s, u, v = tf.linalg.svd(tf.ones((4, 2)), full_matrices=True)
    return [s.shape, u.shape, v.shape]


def case_linalg_qr(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        q, r = tf.linalg.qr(x)
        y = tf.reduce_sum(r * r) + tf.reduce_sum(q * q * tf.constant([[1.0, 2.0]]))
    return {
        "abs_q": tf.abs(q),
        "abs_r": tf.abs(r),
        "rebuilt": tf.matmul(q, r),
        "grad": tape.gradient(y, x),
        "fields": list(tf.linalg.qr(x)._fields),
    }


def case_linalg_qr_full_shapes(tf):
    q, r = tf.linalg.qr(tf.ones((3, 2)), full_matrices=True)
    return [q.shape, r.shape]


def case_linalg_triangular_solve(tf):
    low = [[2.0, 0.0], [1.0, 3.0]]
    return {
        "lower": _grad(tf, tf.linalg.triangular_solve, low, [[1.0], [2.0]]),
        "upper": _grad(tf, lambda a, b: tf.linalg.triangular_solve(a, b, lower=False),
                       [[2.0, 1.0], [5.0, 3.0]], [[1.0], [2.0]]),
        "adjoint": _grad(tf, lambda a, b: tf.linalg.triangular_solve(a, b, adjoint=True),
                         [[2.0, 7.0], [1.0, 3.0]], [[1.0], [2.0]]),
    }


def case_linalg_lstsq(tf):
    a = [[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]
    b = [[1.0], [2.0], [2.0]]
    return {
        "over": _grad(tf, tf.linalg.lstsq, a, b),
        "under": _grad(tf, tf.linalg.lstsq, [[1.0, 2.0, 0.5]], [[3.0]]),
        "l2": tf.linalg.lstsq(tf.constant(a), tf.constant(b), l2_regularizer=0.5),
    }


# ---------------------------------------------------------------------------
# Norms


def case_norm_default(tf):
    return _grad(tf, tf.norm, A)


def case_norm_orders_and_axes(tf):
    x = tf.constant([[3.0, -4.0], [1.0, 2.0]])
    return {
        "axis0": tf.norm(x, axis=0),
        "axis1_keep": tf.norm(x, axis=1, keepdims=True),
        "ord1": tf.norm(x, ord=1, axis=1),
        "inf": tf.norm(x, ord=np.inf, axis=-1),
        "p3": tf.norm(x, ord=3),
        "fro": tf.norm(x, ord="fro", axis=[0, 1]),
        "m1": tf.norm(x, ord=1, axis=[0, 1]),
        "minf": tf.norm(x, ord=np.inf, axis=[0, 1]),
        "m2": tf.norm(x, ord=2, axis=[0, 1]),
        "m2_keep": tf.norm(x, ord=2, axis=[-2, -1], keepdims=True),
        "vector2_of_matrix": tf.norm(x, ord=2),
        "linalg": tf.linalg.norm(x),
    }


def case_norm_gradient_at_zero_is_nan(tf):
    return _grad(tf, tf.norm, [0.0, 0.0])


def case_norm_gradient_kinks_and_ties(tf):
    x = [[1.0, -3.0, 0.0], [3.0, 2.0, -1.0]]
    return {
        "l1": _grad(tf, lambda t: tf.norm(t, ord=1), x),
        "inf_tie": _grad(tf, lambda t: tf.norm(t, ord=np.inf), x),
        "m1": _grad(tf, lambda t: tf.norm(t, ord=1, axis=[0, 1]), x),
        "minf": _grad(tf, lambda t: tf.norm(t, ord=np.inf, axis=[0, 1]), x),
        "m2": _grad(tf, lambda t: tf.norm(t, ord=2, axis=[0, 1]), x),
        "p3": _grad(tf, lambda t: tf.norm(t, ord=3, axis=1), x),
    }


def case_norm_bad_ord(tf):
    return tf.norm(tf.constant(A), ord="nuc")


def case_norm_bad_matrix_ord(tf):
    return tf.norm(tf.constant(A), ord=3, axis=[0, 1])


def case_norm_bad_axis(tf):
    return tf.norm(tf.constant(A), axis=[0, 0])


def case_l2_normalize(tf):
    x = [[3.0, 4.0], [0.0, 0.0]]
    return {
        "all": _grad(tf, tf.math.l2_normalize, x),
        "axis1": _grad(tf, lambda t: tf.nn.l2_normalize(t, axis=1), x),
        "linalg": tf.linalg.l2_normalize(tf.constant(x), axis=0),
    }


# ---------------------------------------------------------------------------
# Arg-extrema


def case_argmax_argmin(tf):
    x = tf.constant([[1.0, 5.0, 5.0], [7.0, 0.0, 7.0]])
    return {
        "max0": tf.argmax(x),
        "max1": tf.argmax(x, axis=1),
        "min1": tf.argmin(x, axis=-1),
        "int32": tf.argmax(x, axis=1, output_type=tf.int32),
        "math": tf.math.argmin(x, 0),
        "bool": tf.argmax([False, True, True]),
        "ints": tf.argmin(tf.constant([3, 1, 1])),
    }


def case_argmax_no_gradient(tf):
    x = tf.constant([1.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.argmax(x)
    return tape.gradient(y, x)


def case_argmax_scalar(tf):
    return tf.argmax(tf.constant(3.0))


def case_argmax_empty_axis(tf):
    return tf.argmax(tf.zeros((0, 2)))


def case_argmin_axis_out_of_range(tf):
    return tf.argmin(tf.ones((2, 2)), axis=2)


# ---------------------------------------------------------------------------
# Gathers and scatters


def case_gather_axis0_values_and_indexed_slices(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, [[0, 2], [2, 2]])
    g = tape.gradient(y, x)
    return {
        "y": y,
        "type": type(g).__name__,
        "values": g.values,
        "indices": g.indices,
        "dense_shape": g.dense_shape,
        "dense": tf.convert_to_tensor(g),
        "shape": g.shape,
        "dtype": g.dtype,
        "str_head": str(g).split("(")[0],
    }


def case_gather_variable_indexed_slices(tf):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.gather(v, tf.constant([1, 1], tf.int64)) * tf.constant([[1.0], [2.0]])
    g = tape.gradient(y, v)
    return {"type": type(g).__name__, "values": g.values, "indices": g.indices,
            "dense_shape": g.dense_shape, "dense": tf.convert_to_tensor(g)}


def case_gather_int16_indices(tf):
    """int16 indices (TF's third index dtype): rows, another axis, batch_dims, and the
    slices of the gradient keep the indices' dtype."""
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    rows = tf.constant([2, 0, 2], tf.int16)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, rows) * 2.0
    g = tape.gradient(y, x)
    return {
        "y": y,
        "type": type(g).__name__,
        "indices": g.indices,
        "dense": tf.convert_to_tensor(g),
        "axis1": tf.gather(x, tf.constant([[1], [0]], tf.int16), axis=1),
        "batch_dims": tf.gather(x, tf.constant([[2], [0], [1]], tf.int16), axis=1, batch_dims=1),
    }


def case_gather_int16_index_out_of_range(tf):
    return tf.gather(tf.constant([1.0, 2.0]), tf.constant([0, 2], tf.int16))


def _empty_gather(tf, shape, indices, axis, batch_dims=0):
    x = tf.zeros(shape)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, tf.constant(indices, tf.int32), axis=axis, batch_dims=batch_dims)
    return {"y": y, "grad": tape.gradient(y, x)}


def case_gather_nothing_gathered_checks_no_index(tf):
    """An empty outer or inner part: nothing is gathered, and TF checks no index."""
    return {
        "outer": _empty_gather(tf, [0, 4], [7], 1),
        "inner": _empty_gather(tf, [2, 3, 0], [[5]], 1),
        "outer_matrix": _empty_gather(tf, [0, 3], [[5, 1]], 1),
        "batch": _empty_gather(tf, [2, 0, 3], [[1], [0]], 2, 1),
    }


def case_gather_empty_axis_still_checked(tf):
    # Something to gather from an empty axis: TF's range error.
    return tf.gather(tf.zeros([2, 0]), tf.constant([3]), axis=1)


def case_dynamic_partition_and_stitch(tf):
    """Partition rows (and a 2-D partition of entries), stitch them back with a
    repeated index (the later value wins; TF's gradient reaches both) and a row no
    index names (0); the stitch's JVP sums a repeated index's tangents."""
    data = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    a, b = tf.constant([1.0, 2.0, 3.0]), tf.constant([[10.0], [20.0]])
    indices = [tf.constant([0, 2, 4]), tf.constant([[2], [1]])]
    with tf.GradientTape() as tape:
        tape.watch([data, a, b])
        parts = tf.dynamic_partition(data, tf.constant([1, 0, 1, 2]), 3)
        merged = tf.dynamic_stitch(indices, [a, b])
        loss = (tf.reduce_sum(parts[0] * 2.0) + tf.reduce_sum(parts[1] * [[1.0, 2.0], [3.0, 4.0]])
                + tf.reduce_sum(merged * [1.0, 2.0, 3.0, 4.0, 5.0]))
    with tf.autodiff.ForwardAccumulator([a, b], [tf.constant([1.0, 0.5, 2.0]),
                                                 tf.constant([[3.0], [-1.0]])]) as acc:
        stitched = tf.dynamic_stitch(indices, [a, b])
    return {
        "parts": parts,
        "entries": tf.dynamic_partition(tf.constant([[1, 2], [3, 4]]),
                                        tf.constant([[0, 1], [1, 1]]), 2),
        "merged": merged,
        "grads": tape.gradient(loss, [data, a, b]),
        "jvp": acc.jvp(stitched),
    }


def case_dynamic_partition_out_of_range(tf):
    return tf.dynamic_partition(tf.constant([1.0, 2.0]), tf.constant([0, 3]), 2)


def case_gather_indexed_slices_str(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, [2, 0])
    return str(tape.gradient(y, x))


def case_gather_mixed_with_dense_use_is_dense(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.gather(x, [1]) * x)
    g = tape.gradient(y, x)
    return {"type": type(g).__name__, "g": g}


def case_gather_other_axis_is_dense(tf):
    x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, [2, 0, 2], axis=1)
    g = tape.gradient(y, x)
    return {"y": y, "type": type(g).__name__, "g": g}


def case_gather_negative_axis_zero_is_dense(tf):
    """TF's gather gradient is `IndexedSlices` only where the axis it was given is 0
    itself (a constant, an int or a NumPy int): -1 of a vector and -2 of a matrix name
    the same rows and give a dense gradient, eagerly, as a tensor axis and in a
    function."""
    v = tf.constant([1.0, 2.0, 3.0])
    m = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    out = {}
    for label, x, axis in (("v_neg", v, -1), ("v_zero", v, 0), ("m_neg", m, -2),
                           ("m_neg_tensor", m, tf.constant(-2)),
                           ("m_zero_tensor", m, tf.constant(0, tf.int64)),
                           ("m_neg_numpy", m, np.int32(-2))):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.gather(x, [2, 0, 2], axis=axis) * 2.0
        g = tape.gradient(y, x)
        out[label] = {"type": type(g).__name__, "dense": tf.convert_to_tensor(g)}

    @tf.function
    def in_function(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.gather(x, [1, 1], axis=-2)
        return tape.gradient(y, x)

    out["function"] = in_function(m)
    return out


def case_gather_batch_dims(tf):
    x = tf.reshape(tf.range(24.0), (2, 3, 4))
    idx = tf.constant([[0, 3], [2, 2]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, idx, axis=2, batch_dims=1)
        z = tf.gather(x, tf.constant([[1], [0]]), batch_dims=1)
    return {"y": y, "z": z, "g": tf.convert_to_tensor(tape.gradient([y, z], x))}


def case_gather_int_and_negative_axis(tf):
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    return {"neg": tf.gather(x, [1], axis=-1), "scalar": tf.gather(x, 1)}


def case_gather_out_of_range(tf):
    return tf.gather(tf.constant([1.0, 2.0, 3.0]), [3])


def case_gather_negative_index(tf):
    return tf.gather(tf.constant([1.0, 2.0, 3.0]), [-1])


def case_gather_float_indices(tf):
    return tf.gather(tf.constant([1.0, 2.0]), tf.constant([0.0]))


def case_indexed_slices_constructed(tf):
    s = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([2, 2]),
                         tf.constant([3, 2]))
    return {
        "dense": tf.convert_to_tensor(s),
        "str": str(s),
        "neg": tf.convert_to_tensor(-s),
        "op": tf.reduce_sum(tf.convert_to_tensor(s) * 2.0),
        "str_no_shape": str(tf.IndexedSlices(tf.constant([1.0]), tf.constant([0]))),
    }


def case_row_gather_gradient_through_views(tf):
    """A gather's gradient reaching its source through a view of another layout is
    dense and laid out as the source: through a transpose of a square matrix (ours
    handed back the untransposed rows as slices: [[1, 2, 3], 0, 0] where TF has the
    column [1, 2, 3]) and through `tf.complex` (ours: complex64 slices for a float32
    source)."""
    x = tf.reshape(tf.range(9.0), [3, 3])
    re = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    im = tf.constant([[0.5, -1.0], [2.0, 1.0], [0.0, 3.0]])
    w = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, re, im])
        through_transpose = tf.reduce_sum(tf.gather(tf.transpose(x), [0]) * w)
        through_identity = tf.reduce_sum(tf.gather(tf.identity(x), [0]) * w)
        rows = tf.gather(tf.complex(re, im), [0, 2])
        through_complex = tf.reduce_sum(tf.math.real(rows * tf.math.conj(rows)))
    grads = {
        "transpose": tape.gradient(through_transpose, x),
        "identity": tape.gradient(through_identity, x),
        "complex_real": tape.gradient(through_complex, re),
        "complex_imag": tape.gradient(through_complex, im),
    }
    return {**grads, "types": [type(g).__name__ for g in grads.values()]}


def case_embedding_style_gradient(tf):
    table = tf.Variable([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    ids = tf.constant([2, 0, 2])
    with tf.GradientTape() as tape:
        emb = tf.gather(table, ids)
        loss = tf.reduce_sum(emb * emb)
    g = tape.gradient(loss, table)
    return {"type": type(g).__name__, "values": g.values, "indices": g.indices,
            "dense": tf.convert_to_tensor(g)}


def case_gather_nd(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    return {
        "points": _grad(tf, lambda t: tf.gather_nd(t, [[1, 0], [0, 1], [1, 0]]), x),
        "rows": tf.gather_nd(x, [[1], [0]]),
        "batch": tf.gather_nd(tf.reshape(tf.range(8), (2, 2, 2)), [[1], [0]], batch_dims=1),
        "type": type(_grad(tf, lambda t: tf.gather_nd(t, [[1]]), x)["grads"][0]).__name__,
    }


def case_gather_nd_out_of_range(tf):
    return tf.gather_nd(tf.ones((3, 2)), [[5, 0]])


def case_scatter_nd(tf):
    return {
        "dup": _grad(tf, lambda u: tf.scatter_nd([[1], [3], [1]], u, [4]), [1.0, 2.0, 3.0]),
        "rows": tf.scatter_nd([[0], [2]], tf.constant([[1, 2], [3, 4]]), tf.constant([3, 2])),
        "points": tf.scatter_nd([[0, 1], [1, 0]], [5.0, 6.0], [2, 2]),
    }


def case_scatter_nd_out_of_range(tf):
    return tf.scatter_nd([[5]], [1.0], [3])


def case_boolean_mask(tf):
    x = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    r = _grad(tf, lambda t: tf.boolean_mask(t, [True, False, True]), x)
    return {
        "rows": r,
        "type": type(r["grads"][0]).__name__,
        "2d": tf.boolean_mask(tf.constant(x), [[True, False], [False, True], [True, True]]),
        "axis1": tf.boolean_mask(tf.constant(x), [False, True], axis=1),
        "none": tf.boolean_mask(tf.constant(x), [False, False, False]),
    }


def case_boolean_mask_bad_shape(tf):
    return tf.boolean_mask(tf.ones((3, 2)), [True, False])


def case_boolean_mask_scalar_mask(tf):
    return tf.boolean_mask(tf.ones((3,)), True)


# ---------------------------------------------------------------------------
# Making and rearranging tensors


def case_one_hot(tf):
    return {
        "plain": tf.one_hot([0, 2, -1, 3], 3),
        "on_off": tf.one_hot([1, 0], 2, on_value=5, off_value=-1),
        "axis0": tf.one_hot([0, 1, 2], 4, axis=0),
        "dtype": tf.one_hot([[0], [1]], 2, dtype=tf.int64),
        "float64": tf.one_hot([1], 2, on_value=tf.constant(2.0, tf.float64)),
    }


def case_one_hot_mismatched_on_off(tf):
    return tf.one_hot([0, 1], 3, on_value=1, off_value=0.0)


def case_one_hot_float_indices(tf):
    return tf.one_hot(tf.constant([0.0, 1.0]), 3)


def case_meshgrid(tf):
    X, Y = tf.meshgrid([1, 2, 3], [4, 5])
    i, j = tf.meshgrid([1, 2, 3], [4, 5], indexing="ij")
    three = tf.meshgrid([1.0, 2.0], [3.0], [4.0, 5.0, 6.0])
    return {"X": X, "Y": Y, "I": i, "J": j, "three": [t.shape for t in three]}


def case_meshgrid_gradient(tf):
    def fn(a, b):
        x, y = tf.meshgrid(a, b)
        return x * y

    return _grad(tf, fn, [1.0, 2.0, 3.0], [4.0, 5.0])


def case_meshgrid_mixed_dtypes(tf):
    return tf.meshgrid([1, 2], [3.0, 4.0])


def case_meshgrid_bad_indexing(tf):
    return tf.meshgrid([1, 2], [3, 4], indexing="xx")


def case_broadcast_to(tf):
    return {
        "rows": tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3]),
        "grad": _grad(tf, lambda t: tf.broadcast_to(t, (2, 3)) * tf.constant([[1.0], [2.0]]),
                      [[1.0], [2.0]]),
        "tensor_shape": tf.broadcast_to(1.0, tf.constant([2])),
    }


def case_broadcast_to_incompatible(tf):
    return tf.broadcast_to(tf.ones((3, 2)), [2, 3])


def case_tile(tf):
    return {
        "int": tf.tile(tf.constant([[1, 2]]), [2, 3]),
        "grad": _grad(tf, lambda t: tf.tile(t, [3]) * tf.range(6.0), [1.0, 2.0]),
        "zero": tf.tile(tf.constant([1.0]), [0]),
    }


def case_tile_bad_multiples(tf):
    return tf.tile(tf.ones((2, 2)), [2])


def case_split(tf):
    x = tf.reshape(tf.range(12.0), (3, 4))
    parts = tf.split(x, 2, axis=1)
    sizes = tf.split(x, [1, -1, 2], axis=1)
    return {"even": parts, "sizes": sizes, "type": type(parts).__name__,
            "grad": _grad(tf, lambda t: tf.split(t, [1, 2])[1] * 2.0, [1.0, 2.0, 3.0])}


def case_split_uneven(tf):
    return tf.split(tf.ones((5,)), 2)


def case_split_bad_sizes(tf):
    return tf.split(tf.ones((5,)), [1, 1])


def case_unstack(tf):
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    return {
        "axis0": tf.unstack(x),
        "axis1": tf.unstack(x, axis=1),
        "neg": tf.unstack(x, axis=-1),
        "grad": _grad(tf, lambda t: tf.unstack(t)[1] * 3.0, [[1.0, 2.0], [3.0, 4.0]]),
    }


def case_unstack_bad_axis(tf):
    return tf.unstack(tf.ones((2, 2)), axis=2)


def case_pad_modes(tf):
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    p = [[1, 1], [2, 2]]
    return {
        "constant": tf.pad(x, p),
        "value": tf.pad(x, p, constant_values=9),
        "reflect": tf.pad(x, p, "REFLECT"),
        "symmetric": tf.pad(x, p, "SYMMETRIC"),
        "lower_case": tf.pad(x, [[0, 1], [1, 0]], mode="reflect"),
    }


def case_pad_gradients(tf):
    x = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    w = tf.reshape(tf.range(1.0, 1.0 + 4 * 7), (4, 7))
    return {
        mode: _grad(tf, lambda t, m=mode: tf.pad(t, [[1, 1], [2, 2]], m) * w, x)
        for mode in ("CONSTANT", "REFLECT", "SYMMETRIC")
    }


def case_pad_reflect_too_large(tf):
    return tf.pad(tf.ones((3, 2)), [[3, 0], [0, 0]], "REFLECT")


def case_pad_bad_paddings(tf):
    return tf.pad(tf.ones((3, 2)), [[1, 0]])


def case_pad_bad_mode(tf):
    return tf.pad(tf.ones((3,)), [[1, 0]], "WRAP")


def case_reverse(tf):
    x = tf.constant([[1, 2, 3], [4, 5, 6]])
    return {
        "axis1": tf.reverse(x, [1]),
        "both": tf.reverse(x, [0, -1]),
        "grad": _grad(tf, lambda t: tf.reverse(t, [0]) * tf.range(3.0), [1.0, 2.0, 3.0]),
    }


def case_reverse_duplicate_axis(tf):
    return tf.reverse(tf.ones((2, 2)), [0, 0])


def case_reverse_axis_out_of_range(tf):
    return tf.reverse(tf.ones((2, 2)), [2])


def case_sort_and_argsort(tf):
    x = tf.constant([[3.0, 1.0, 2.0, 1.0], [0.0, -1.0, 5.0, 5.0]])
    return {
        "asc": tf.sort(x),
        "desc": tf.sort(x, direction="DESCENDING"),
        "axis0": tf.sort(x, axis=0),
        "argsort": tf.argsort(x),
        "argsort_desc": tf.argsort(x, direction="DESCENDING"),
        "argsort_stable": tf.argsort(x, stable=True),
        "ints": tf.sort(tf.constant([3, 1, 2])),
    }


def case_sort_gradient_with_ties(tf):
    return {
        "asc": _grad(tf, lambda t: tf.sort(t) * tf.range(1.0, 5.0), [3.0, 1.0, 3.0, 2.0]),
        "desc": _grad(tf, lambda t: tf.sort(t, direction="DESCENDING") * tf.range(1.0, 5.0),
                      [3.0, 1.0, 3.0, 2.0]),
    }


def case_sort_bad_direction(tf):
    return tf.sort(tf.constant([1.0]), direction="UP")


def case_sequence_mask(tf):
    return {
        "bool": tf.sequence_mask([1, 3, 0], 4),
        "float": tf.sequence_mask([1, 2], 3, dtype=tf.float32),
        "default_len": tf.sequence_mask(tf.constant([2, 1])),
        "2d": tf.sequence_mask([[1], [2]], 2),
    }


def case_zeros_ones_extra_args(tf):
    return {
        "int_shape": tf.zeros(3),
        "dtype_positional": tf.ones([2], tf.int32),
        "dtype_string": tf.zeros((2,), "int64"),
        "tensor_shape": tf.ones(tf.constant([2, 1])),
        "shape_of": tf.zeros(tf.shape(tf.ones((1, 2)))),
        "reshape_minus_one": tf.reshape(tf.range(6), [-1, 3]),
        "reshape_flat": tf.reshape(tf.ones((2, 3)), [-1]),
        "rank": tf.rank(tf.ones((2, 3, 4))),
        "newaxis": tf.ones((2,))[:, tf.newaxis].shape,
    }


def case_reshape_two_unknown(tf):
    return tf.reshape(tf.range(6), [-1, -1])


def case_indexed_slices_passed_to_ops(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, [1, 1])
    g = tape.gradient(y, x)
    return {"sum": tf.reduce_sum(g), "mul": tf.multiply(g, 2.0), "shape": tf.shape(g)}


def case_two_gathers_aggregate_slices(tf):
    x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.gather(x, [0]) * 2.0 + tf.gather(x, [1])
    g = tape.gradient(y, x)
    return {"type": type(g).__name__, "dense": tf.convert_to_tensor(g)}


def case_gather_nested_tapes(tf):
    x = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.gather(x, [2, 0, 2]) ** 3)
        g = tape_dense = tf.convert_to_tensor(inner.gradient(y, x))
    return {"g": tape_dense, "gg": outer.gradient(g, x)}


# ---------------------------------------------------------------------------
# roll, repeat, slice, tensor_scatter_nd_*, embedding_lookup, unique, searchsorted,
# global_norm, normalize, truncatediv/mod, realdiv, scalar_mul, ensure_shape...


def _raised_class(fn):
    """The class name of what `fn()` raises, or its result."""
    try:
        return {"result": fn()}
    except Exception as e:  # noqa: BLE001 - the class is the answer
        return {"error": type(e).__name__}


def _with_grad(tf, fn, value):
    with tf.GradientTape() as tape:
        tape.watch(value)
        y = fn(value)
    return {"y": y, "grad": tape.gradient(y, value)}


_BLOCK = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def case_more_roll(tf):
    x = tf.constant(_BLOCK)
    weights = tf.constant([1.0, 2.0, 3.0])
    return {
        "grad": _with_grad(tf, lambda v: tf.roll(v, shift=1, axis=1) * weights, x),
        "two_axes": tf.roll(x, shift=[1, -1], axis=[0, 1]),
        "negative_axis": tf.roll(x, shift=2, axis=-1),
        "ints": tf.roll(tf.constant([1, 2, 3, 4]), 2, 0),
        "bad_axis": _raised_class(lambda: tf.roll(x, shift=1, axis=2)),
    }


def case_more_repeat(tf):
    x = tf.constant(_BLOCK)
    return {
        "grad": _with_grad(tf, lambda v: tf.repeat(v, 2, axis=1) * 2.0, x),
        "counts": _with_grad(tf, lambda v: tf.repeat(v, [1, 2], axis=0), x),
        "flat": tf.repeat(x, 2),
        "bad": _raised_class(lambda: tf.repeat(x, [1, 2, 3], axis=0)),
    }


def case_more_slice(tf):
    x = tf.constant(_BLOCK)
    return {
        "grad": _with_grad(tf, lambda v: tf.slice(v, [0, 1], [2, -1]) * 3.0, x),
        "row": tf.slice(x, [1, 0], [1, 3]),
        "too_big": _raised_class(lambda: tf.slice(x, [0, 1], [3, 1])),
        "rank": _raised_class(lambda: tf.slice(x, [0], [1])),
    }


def case_more_tensor_scatter(tf):
    x = tf.constant(_BLOCK)
    updates = tf.constant([9.0, 8.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, updates])
        replaced = tf.tensor_scatter_nd_update(x, [[0, 1], [1, 2]], updates) * 3.0
        added = tf.tensor_scatter_nd_add(x, [[0], [0]], tf.constant([[1.0] * 3, [2.0] * 3]))
    return {
        "replaced": replaced, "replaced_grads": tape.gradient(replaced, [x, updates]),
        "added": added, "added_grad": tape.gradient(added, x),
        "sub": tf.tensor_scatter_nd_sub(x, [[1, 0]], [1.0]),
        "max": tf.tensor_scatter_nd_max(x, [[1, 0], [0, 2]], [10.0, 0.0]),
        "min": tf.tensor_scatter_nd_min(x, [[1, 0], [0, 2]], [-1.0, 9.0]),
        "ints": tf.tensor_scatter_nd_add(tf.constant([1, 2, 3]), [[0], [0]], [5, 5]),
        "out_of_range": _raised_class(lambda: tf.tensor_scatter_nd_update(x, [[5, 0]], [1.0])),
        "bad_updates": _raised_class(lambda: tf.tensor_scatter_nd_update(x, [[0, 0]], [1.0, 2.0])),
    }


def case_more_embedding_lookup(tf):
    table = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        rows = tf.nn.embedding_lookup(table, [2, 0, 2])
        loss = tf.reduce_sum(rows * rows)
    grad = tape.gradient(loss, table)
    return {
        "rows": rows, "grad_type": type(grad).__name__,
        "grad_values": grad.values, "grad_indices": grad.indices,
        "grad_dense": tf.convert_to_tensor(grad),
        "nested": tf.nn.embedding_lookup(table, [[0, 1], [2, 2]]),
        "max_norm": tf.nn.embedding_lookup(table, [2, 0], max_norm=3.0),
        "list_of_one": tf.nn.embedding_lookup([table], [1]),
        "out_of_range": _raised_class(lambda: tf.nn.embedding_lookup(table, [3])),
    }


def case_more_unique_searchsorted(tf):
    y, idx = tf.unique(tf.constant([3, 1, 3, 2, 1]))
    fy, fidx = tf.unique(tf.constant([2.5, -1.0, 2.5]), out_idx=tf.int64)
    x = tf.constant([1.0, 1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        values = tf.unique(x).y * 2.0
    return {
        "y": y, "idx": idx, "floats": fy, "idx64": fidx,
        "grad": _raised_class(lambda: tape.gradient(values, x)),
        "matrix": _raised_class(lambda: tf.unique(tf.constant([[1, 2]]))),
        "left": tf.searchsorted(tf.constant([[1.0, 3.0, 5.0]]), tf.constant([[2.0, 5.0]])),
        "right": tf.searchsorted(tf.constant([1.0, 3.0, 5.0]), tf.constant([3.0]), side="right"),
        "int64": tf.searchsorted(tf.constant([1, 3]), tf.constant([2]), out_type=tf.int64),
        "bad_side": _raised_class(lambda: tf.searchsorted(tf.constant([1.0]), tf.constant([1.0]),
                                                          side="middle")),
    }


def case_more_norms(tf):
    x = tf.constant(_BLOCK)
    v = tf.constant([3.0, 4.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([x, v])
        total = tf.linalg.global_norm([x, None, v])
        unit, size = tf.linalg.normalize(x, axis=1)
    return {
        "global": total, "global_grads": tape.gradient(total, [x, v]),
        "unit": unit, "size": size, "unit_grad": tape.gradient(unit, x),
        "whole": tf.linalg.normalize(v),
        "not_a_list": _raised_class(lambda: tf.linalg.global_norm(x)),
    }


def case_more_arithmetic(tf):
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        quotient = tf.realdiv(x, 3.0)
        scaled = tf.scalar_mul(3.0, x)
        checked = tf.ensure_shape(x, [2]) * 2.0
        remainder = tf.truncatemod(x, 1.5)
    return {
        "realdiv": quotient, "realdiv_grad": tape.gradient(quotient, x),
        "realdiv_python": tf.realdiv(7.0, 2.0),
        "realdiv_int": _raised_class(lambda: tf.realdiv(tf.constant([7]), tf.constant([2]))),
        "scalar_mul": scaled, "scalar_mul_grad": tape.gradient(scaled, x),
        "scalar_mul_int": tf.scalar_mul(2, x),
        "scalar_mul_bad": _raised_class(lambda: tf.scalar_mul(x, x)),
        "ensure": checked, "ensure_grad": tape.gradient(checked, x),
        "ensure_none": tf.ensure_shape(x, None),
        "ensure_bad": _raised_class(lambda: tf.ensure_shape(x, [1, 2])),
        "truncatediv": tf.truncatediv(tf.constant([7, -7]), 2),
        "truncatediv_float": tf.truncatediv(tf.constant([7.0, -7.0]), tf.constant([2.0, 2.0])),
        "truncatemod": tf.truncatemod(tf.constant([7, -7]), tf.constant([2, 2])),
        "truncatemod_float": remainder,
        "truncatemod_grad": _raised_class(lambda: tape.gradient(remainder, x)),
        "truncatediv_zero": _raised_class(lambda: tf.truncatediv(tf.constant([7]),
                                                                 tf.constant([0]))),
        "static": tf.get_static_value(tf.constant([1, 2])),
        "static_python": tf.get_static_value([1, 2]),
        "static_variable": tf.get_static_value(tf.Variable(1.0)),
        "no_op": tf.no_op(), "group": tf.group(x, x),
    }


def case_more_control_dependencies(tf):
    x = tf.Variable(1.0)
    with tf.control_dependencies([x.assign(2.0)]):
        y = x * 3.0
    return y


# ---------------------------------------------------------------------------
# Bad input: TF's exception classes (found by sweeping common ops over bad arguments)


def case_bad_input_confusion_matrix(tf):
    """Labels or predictions negative or out of `num_classes` raise TF's
    `InvalidArgumentError` (were `IndexError`, or a silently dropped prediction);
    mismatched lengths `InvalidArgumentError` and mismatched weights `ValueError`
    (were torch's `RuntimeError`)."""
    cm = tf.math.confusion_matrix
    return {
        "negative_labels": _raised_class(lambda: cm([-1, 0], [0, 0])),
        "negative_predictions": _raised_class(lambda: cm([0, 1], [0, -1])),
        "labels_out_of_bound": _raised_class(lambda: cm([0, 5], [0, 0], num_classes=3)),
        "predictions_out_of_bound": _raised_class(lambda: cm([0, 1], [0, 5], num_classes=3)),
        "lengths": _raised_class(lambda: cm([0, 1, 2], [0, 1])),
        "weights": _raised_class(lambda: cm([0, 1], [0, 1], weights=[1.0])),
        "ok": cm([0, 1, 1], [0, 1, 0], num_classes=3, weights=[1.0, 2.0, 3.0],
                 dtype=tf.float32),
    }


def case_bad_input_shape_arguments(tf):
    """A float or nested `shape`/`dims`/`multiples` raises TF's `InvalidArgumentError`
    (were accepted, or `TypeError` from `int()`); a non-scalar `fill` value too."""
    x = tf.range(6)
    return {
        "reshape_float": _raised_class(lambda: tf.reshape(x, [2.0, 3.0])),
        "reshape_float_tensor": _raised_class(lambda: tf.reshape(x, tf.constant([2.0, 3.0]))),
        "reshape_nested": _raised_class(lambda: tf.reshape(x, [[2, 3]])),
        "reshape_ok": tf.reshape(x, [np.int64(2), tf.constant(3)]),
        "fill_nested": _raised_class(lambda: tf.fill([[2]], 1.0)),
        "fill_float_dims": _raised_class(lambda: tf.fill([2.0], 1.0)),
        "fill_vector_value": _raised_class(lambda: tf.fill([2], [1.0, 2.0])),
        "tile_float": _raised_class(lambda: tf.tile(tf.zeros([2]), [2.0])),
    }


def case_bad_input_array_ops(tf):
    """TF's classes for `concat([])`, `stack`'s axis, `unstack`'s `num`, a
    multi-valued `expand_dims` axis, `range` of bool/complex, a negative or float
    `eye` size, a scalar `gather`, `repeat`'s axis and an `einsum` output label."""
    z = tf.zeros([2, 3])
    return {
        "concat_empty": _raised_class(lambda: tf.concat([], 0)),
        "stack_axis": _raised_class(lambda: tf.stack([tf.zeros([2]), tf.zeros([2])], axis=3)),
        "stack_axis_negative": _raised_class(
            lambda: tf.stack([tf.zeros([2]), tf.zeros([2])], axis=-3)),
        "stack_python_axis": _raised_class(lambda: tf.stack([[1, 2], [3, 4]], axis=3)),
        "unstack_num": _raised_class(lambda: tf.unstack(z, num=3)),
        "unstack_num_axis": _raised_class(lambda: tf.unstack(z, num=2, axis=1)),
        "expand_dims_two": _raised_class(lambda: tf.expand_dims(z, np.array([0, 1]))),
        "expand_dims_one_list": tf.expand_dims(z, [1]),
        "expand_dims_one_tensor": tf.expand_dims(z, tf.constant([2])),
        "range_bool": _raised_class(lambda: tf.range(5, dtype=tf.bool)),
        "range_complex": _raised_class(lambda: tf.range(5, dtype=tf.complex64)),
        "eye_negative": _raised_class(lambda: tf.eye(-1)),
        "eye_negative_columns": _raised_class(lambda: tf.eye(2, -1)),
        "eye_float": _raised_class(lambda: tf.eye(2.5)),
        "gather_scalar": _raised_class(lambda: tf.gather(tf.constant(1.0), [0])),
        "repeat_axis": _raised_class(lambda: tf.repeat(tf.zeros([3]), 2, axis=1)),
        "einsum_output_label": _raised_class(lambda: tf.einsum("ij->ijk", z)),
    }


def case_bad_input_math_ops(tf):
    """TF's classes for `sort`/`argsort` of bool or along a missing axis, `top_k` with a
    float `k`, `trace` and `matrix_rank` below rank 2, and `cast` to `None`."""
    return {
        "sort_bool": _raised_class(lambda: tf.sort(tf.constant([True, False]))),
        "sort_bool_descending": _raised_class(
            lambda: tf.sort(tf.constant([True, False]), direction="DESCENDING")),
        "argsort_bool": _raised_class(lambda: tf.argsort(tf.constant([True, False]))),
        "sort_axis": _raised_class(lambda: tf.sort(tf.zeros([3]), axis=1)),
        "argsort_axis": _raised_class(lambda: tf.argsort(tf.zeros([3, 2]), axis=-3)),
        "top_k_float": _raised_class(lambda: tf.math.top_k(tf.zeros([3]), k=1.0)),
        "top_k_float_tensor": _raised_class(
            lambda: tf.math.top_k(tf.zeros([3]), k=tf.constant(1.0))),
        "trace_vector": _raised_class(lambda: tf.linalg.trace(tf.zeros([3]))),
        "matrix_rank_vector": _raised_class(lambda: tf.linalg.matrix_rank(tf.zeros([3]))),
        "cast_none": _raised_class(lambda: tf.cast(tf.zeros([2]), None)),
        "image_resize_negative": _raised_class(
            lambda: tf.image.resize(tf.zeros([4, 4, 1]), [-2, 2])),
    }


def case_bad_input_float_shapes_and_axes(tf):
    """Float or string shapes and axes: TF's TypeError where its wrapper converts to
    int32 (`zeros`, `ones`, a Python float axis), the kernel's InvalidArgumentError for
    a float or string list or tensor, and for a nested shape."""
    x = tf.ones([2, 3])

    def error(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - the class is the answer
            return type(e).__name__
        return "returned"

    return {
        "zeros_float_list": error(lambda: tf.zeros([2.0, 3])),
        "zeros_float": error(lambda: tf.zeros(2.0)),
        "ones_float_list": error(lambda: tf.ones([2.0])),
        "zeros_string": error(lambda: tf.zeros("ab")),
        "zeros_float_tensor": error(lambda: tf.zeros(tf.constant([2.0]))),
        "uniform_float_list": error(lambda: tf.random.uniform([2.0])),
        "normal_nested": error(lambda: tf.random.normal([[2]])),
        "broadcast_to_float_list": error(lambda: tf.broadcast_to(x, [2.0, 3])),
        "reduce_sum_float_axis": error(lambda: tf.reduce_sum(x, axis=0.0)),
        "reduce_sum_float_list_axis": error(lambda: tf.reduce_sum(x, axis=[0.0])),
        "reduce_sum_float_tensor_axis": error(lambda: tf.reduce_sum(x, axis=tf.constant(0.0))),
        "reduce_sum_string_axis": error(lambda: tf.reduce_sum(x, axis="a")),
        "reduce_max_float_axis": error(lambda: tf.reduce_max(x, axis=1.5)),
        "concat_float_axis": error(lambda: tf.concat([x, x], axis=0.0)),
        "concat_string_axis": error(lambda: tf.concat([x, x], axis="a")),
        "reduce_sum_int_tensor_axis": tf.reduce_sum(x, axis=tf.constant(1)),
        "zeros_int_tensor": tf.zeros(tf.constant([2, 1])),
    }


def case_boolean_mask_of_a_non_bool_mask(tf):
    """TF's mask is converted without a dtype: its nonzero entries select."""
    x = tf.constant([1.0, 2.0, 3.0])
    return [tf.boolean_mask(x, [1, 0, 1]), tf.boolean_mask(x, tf.constant([1, 0, 2]))]


def case_bincount_of_floats(tf):
    """TF casts a non-integer `arr` to int32 (truncating) before counting."""
    return [tf.math.bincount([1.0, 2.0, 2.0]), tf.math.bincount(tf.constant([1.0, 2.0, 2.7])),
            tf.math.bincount(tf.constant([True, False, True]))]
