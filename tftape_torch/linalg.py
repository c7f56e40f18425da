"""`tf.linalg`: matrix products, decompositions, solvers and norms.

>>> import tftape_torch as tf
>>> print(tf.linalg.trace(tf.eye(3)))
tf.Tensor(3.0, shape=(), dtype=float32)
"""

from __future__ import annotations

import types as _types

from tftape_torch._array_ops import eye
from tftape_torch._banded_ops import (
    banded_triangular_solve,
    tridiagonal_matmul,
    tridiagonal_solve,
)
from tftape_torch._conjugate_gradient import conjugate_gradient
from tftape_torch._diag_band_ops import set_diag
from tftape_torch._eig_ops import eig, eigh_tridiagonal, eigvals
from tftape_torch._linalg_ops import (
    adjoint,
    band_part,
    cholesky,
    cholesky_solve,
    det,
    diag,
    diag_part,
    eigh,
    eigvalsh,
    expm,
    inv,
    logdet,
    lstsq,
    matrix_rank,
    matrix_transpose,
    pinv,
    qr,
    slogdet,
    solve,
    svd,
    trace,
    triangular_solve,
)
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_basic import (
    LinearOperatorDiag,
    LinearOperatorFullMatrix,
    LinearOperatorLowerTriangular,
)
from tftape_torch._linear_operator_block import (
    LinearOperatorBlockDiag,
    LinearOperatorBlockLowerTriangular,
)
from tftape_torch._linear_operator_fft import (
    LinearOperatorCirculant,
    LinearOperatorCirculant2D,
    LinearOperatorCirculant3D,
    LinearOperatorToeplitz,
)
from tftape_torch._linear_operator_identity import (
    LinearOperatorIdentity,
    LinearOperatorScaledIdentity,
    LinearOperatorZeros,
)
from tftape_torch._linear_operator_kronecker import LinearOperatorKronecker
from tftape_torch._linear_operator_low_rank import LinearOperatorLowRankUpdate
from tftape_torch._linear_operator_orthogonal import (
    LinearOperatorHouseholder,
    LinearOperatorPermutation,
)
from tftape_torch._linear_operator_tridiag import LinearOperatorTridiag
from tftape_torch._linear_operator_wrappers import (
    LinearOperatorAdjoint,
    LinearOperatorComposition,
    LinearOperatorInversion,
)
from tftape_torch._lu_ops import lu, lu_matrix_inverse, lu_reconstruct, lu_solve
from tftape_torch._math_ops import matmul
from tftape_torch._matrix_functions import logm, sqrtm
from tftape_torch._norm_ops import global_norm, l2_normalize, norm, normalize
from tftape_torch._products import cross, matvec, tensordot
from tftape_torch._shape_ops import einsum
from tftape_torch._tensor_diag_ops import tensor_diag, tensor_diag_part

experimental = _types.SimpleNamespace(conjugate_gradient=conjugate_gradient)
experimental.__doc__ = "`tf.linalg.experimental`: `conjugate_gradient`."

__all__ = [
    "LinearOperator",
    "LinearOperatorAdjoint",
    "LinearOperatorBlockDiag",
    "LinearOperatorBlockLowerTriangular",
    "LinearOperatorCirculant",
    "LinearOperatorCirculant2D",
    "LinearOperatorCirculant3D",
    "LinearOperatorComposition",
    "LinearOperatorDiag",
    "LinearOperatorFullMatrix",
    "LinearOperatorHouseholder",
    "LinearOperatorIdentity",
    "LinearOperatorInversion",
    "LinearOperatorKronecker",
    "LinearOperatorLowRankUpdate",
    "LinearOperatorLowerTriangular",
    "LinearOperatorPermutation",
    "LinearOperatorScaledIdentity",
    "LinearOperatorToeplitz",
    "LinearOperatorTridiag",
    "LinearOperatorZeros",
    "adjoint",
    "band_part",
    "banded_triangular_solve",
    "cholesky",
    "cholesky_solve",
    "cross",
    "det",
    "diag",
    "diag_part",
    "eig",
    "eigh",
    "eigh_tridiagonal",
    "eigvals",
    "eigvalsh",
    "einsum",
    "experimental",
    "expm",
    "eye",
    "global_norm",
    "inv",
    "l2_normalize",
    "logdet",
    "logm",
    "lstsq",
    "lu",
    "lu_matrix_inverse",
    "lu_reconstruct",
    "lu_solve",
    "matmul",
    "matrix_rank",
    "matrix_transpose",
    "matvec",
    "norm",
    "normalize",
    "pinv",
    "qr",
    "set_diag",
    "slogdet",
    "solve",
    "sqrtm",
    "svd",
    "tensor_diag",
    "tensor_diag_part",
    "tensordot",
    "trace",
    "triangular_solve",
    "tridiagonal_matmul",
    "tridiagonal_solve",
]
