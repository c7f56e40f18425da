"""TF's matrix functions: `tf.linalg.sqrtm` (also `tf.matrix_square_root`) and
`tf.linalg.logm`.

`sqrtm` is the principal square root, computed (in float64 or complex128) from the
eigendecomposition `A = V diag(w) V^-1` as `V diag(sqrt(w)) V^-1`, or, where `V` is ill-conditioned
(a defective matrix, such as a Jordan block), by the Denman-Beavers iteration. TF's
kernel (Eigen's Schur method) gives the same matrix up to rounding, except on
singular defective matrices (neither method here takes them; TF gives NaN or inf
for some, a root for others). As in TF, a real matrix with a negative real
eigenvalue, or with a repeated zero eigenvalue, gives NaN.

Its gradient is TF's: with `R = sqrtm(A)`, the Sylvester equation
`R dR + dR R = dA` solved through the Kronecker sum `I (x) R^T + R (x) I`
(O(M^6) per matrix, as TF's); the backward pass reads `R` itself, so nested tapes
give TF's higher derivatives. Complex gradients are TF's too (no conjugate).

`logm` is the principal logarithm of complex matrices (TF has no real kernel), from
the same eigendecomposition, `V diag(log(w)) V^-1`, or, where `V` is ill-conditioned,
by inverse scaling and squaring (Higham, Functions of Matrices, 11.5): square roots
until the matrix is near the identity, then a Gauss-Legendre quadrature of
`log(I + X)`. As in TF, it has no gradient (a tape asking for one raises
`LookupError`).

>>> import tftape_torch as tf
>>> print(tf.linalg.sqrtm(tf.constant([[4.0, 0.0], [0.0, 9.0]])))
tf.Tensor(
[[2. 0.]
 [0. 3.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Optional, Tuple

import numpy as np
import torch

from tftape_torch._kernels import needs_grad, visible_to_modes
from tftape_torch._op_call import as_tensor, call, disallowed
from tftape_torch._recorded_ops import unregistered_gradient
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import apply_function
from tftape_torch.errors import InvalidArgumentError, NotFoundError

__all__ = ["logm", "sqrtm"]

_ALLOWED = (torch.float32, torch.float64, torch.complex64, torch.complex128)
_OP = "MatrixSquareRoot"


def _sqrtm_value(a: torch.Tensor) -> torch.Tensor:
    """The principal square root of each matrix of `a` (see the module docstring)."""
    if a.shape[-1] == 0:
        return a.clone()
    work = a.to(torch.complex128 if a.is_complex() else torch.float64)
    w, v = torch.linalg.eig(work)  # real input: real eigenvalues have imag exactly 0
    s = torch.sqrt(w)
    root = torch.linalg.solve_ex(v, v * s.unsqueeze(-2), left=False)[0]  # V diag(s) V^-1
    # Defective (or nearly) matrices: the eigenvectors do not span; iterate instead.
    defective = torch.linalg.cond(v) > 1e8
    root = torch.where(defective[..., None, None], _denman_beavers(work).to(root.dtype), root)
    if a.is_complex():
        return root.to(a.dtype)
    scale = w.abs().amax(-1, keepdim=True)
    tiny = a.shape[-1] * torch.finfo(torch.float64).eps * scale
    negative = (w.imag == 0) & (w.real < -tiny)
    zeros = (w.abs() <= tiny).sum(-1, keepdim=True) >= 2
    bad = (negative.any(-1, keepdim=True) | zeros).unsqueeze(-1)
    nan = torch.full((), float("nan"), dtype=torch.float64, device=a.device)
    return torch.where(bad, nan, root.real).to(a.dtype)


def _denman_beavers(a: torch.Tensor, steps: int = 40) -> torch.Tensor:
    """The principal square root by the scaled product-form Denman-Beavers iteration
    (Higham, Functions of Matrices, (6.29)): for nonsingular, also defective, `a`."""
    m = a.shape[-1]
    eye = torch.eye(m, dtype=a.dtype, device=a.device)
    prod, root = a, a
    for _ in range(steps):
        inverse = torch.linalg.inv_ex(prod)[0]
        mu = torch.linalg.det(prod).abs() ** (-1.0 / (2 * m))
        mu = mu[..., None, None].to(a.dtype)
        root = 0.5 * mu * root @ (eye + inverse / (mu * mu))
        prod = 0.5 * (eye + 0.5 * (mu * mu * prod + inverse / (mu * mu)))
    return root


def _sylvester(root: torch.Tensor, rhs: torch.Tensor) -> torch.Tensor:
    """`X` with `root @ X + X @ root = rhs`, through the Kronecker sum (TF's way)."""
    m = root.shape[-1]
    eye = torch.eye(m, dtype=root.dtype, device=root.device)
    size = (*root.shape[:-2], m * m, m * m)
    # Row-major vec: vec(R X) = (R (x) I) vec(X), vec(X R) = (I (x) R^T) vec(X).
    kron_left = (root[..., :, None, :, None] * eye[:, None, :]).reshape(size)
    kron_right = (eye[:, None, :, None] * root.mT[..., None, :, None, :]).reshape(size)
    vec = torch.linalg.solve(kron_left + kron_right, rhs.reshape(*rhs.shape[:-2], m * m, 1))
    return vec.reshape(rhs.shape)


class _Sqrtm(torch.autograd.Function):
    """`sqrtm` with TF's `MatrixSquareRoot` gradient (a differentiable backward)."""

    @staticmethod
    def forward(a: torch.Tensor) -> torch.Tensor:
        with _DisableSubclass():
            return _sqrtm_value(a)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        ctx.save_for_backward(output)
        ctx.save_for_forward(output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None
        (root,) = ctx.saved_tensors
        with _DisableSubclass():
            # TF: solve (I (x) R^T + R (x) I) vec(dR^T) = vec(grad^T), return dR.
            return _sylvester(root, grad.mT).mT

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor) -> torch.Tensor:
        (root,) = ctx.saved_tensors
        with _DisableSubclass():
            return _sylvester(root, tangent)


@visible_to_modes
def _sqrtm(a: torch.Tensor) -> torch.Tensor:
    if needs_grad(a):
        return apply_function(_Sqrtm, a)
    with _DisableSubclass():
        return _sqrtm_value(a)


def _error(message: str) -> InvalidArgumentError:
    return InvalidArgumentError(None, None, f"{message} [Op:{_OP}]")


def sqrtm(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The principal square root of each innermost square matrix of `input`.

    For a real matrix this is the real root whose eigenvalues have positive real
    parts; a real matrix with a negative real eigenvalue gives NaN, as in TF.
    Singular defective matrices are not supported: see the module docstring.

    >>> import tftape_torch as tf
    >>> print(tf.linalg.sqrtm(tf.constant([[0.0, -1.0], [1.0, 0.0]])))
    tf.Tensor(
    [[ 0.70710677 -0.70710677]
     [ 0.70710677  0.70710677]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for rank < 2, non-square matrices, or a dtype other than
        float32/64 or complex64/128.
      NotFoundError: for float16 (TF registers no kernel for it).
    """
    x = as_tensor(input)
    if x.dtype == torch.float16:
        raise NotFoundError(None, None, f"Could not find device for node: {_OP} [Op:{_OP}]")
    if x.dtype not in _ALLOWED:
        raise disallowed(_OP, x.dtype, "double, float, half, complex64, complex128")
    if x.dim() < 2:
        raise _error(f"Input tensor 0 must have rank >= 2, got {x.dim()}")
    if x.shape[-1] != x.shape[-2]:
        raise _error("Input matrix must be square.")
    return call(_OP, _sqrtm, (x,), x)


# ---------------------------------------------------------------------------
# logm

_LOG_OP = "MatrixLogarithm"
# Gauss-Legendre nodes and weights on [0, 1] for log(I + X) = int_0^1 X (I + t X)^-1 dt.
_LEGENDRE_NODES, _LEGENDRE_WEIGHTS = np.polynomial.legendre.leggauss(16)  # on [-1, 1]
_NODES, _WEIGHTS = 0.5 * (_LEGENDRE_NODES + 1.0), 0.5 * _LEGENDRE_WEIGHTS


def _log_near_identity(x: torch.Tensor) -> torch.Tensor:
    """log(I + x) for `x` of norm below about 1/4, by the quadrature above."""
    eye = torch.eye(x.shape[-1], dtype=x.dtype, device=x.device)
    total = torch.zeros_like(x)
    for node, weight in zip(_NODES.tolist(), _WEIGHTS.tolist()):
        total = total + weight * torch.linalg.solve(eye + node * x, x)
    return total


def _log_by_square_roots(a: torch.Tensor) -> torch.Tensor:
    """The principal logarithm by inverse scaling and squaring (any nonsingular `a`)."""
    eye = torch.eye(a.shape[-1], dtype=a.dtype, device=a.device)
    root, halvings = a, 0
    while halvings < 60 and float(torch.linalg.matrix_norm(root - eye, 1).amax()) > 0.25:
        root, halvings = _denman_beavers(root), halvings + 1
    return _log_near_identity(root - eye) * float(2**halvings)


def _logm_value(a: torch.Tensor) -> torch.Tensor:
    if a.shape[-1] == 0:
        return a.clone()
    work = a.to(torch.complex128)
    w, v = torch.linalg.eig(work)
    log = torch.linalg.solve_ex(v, v * torch.log(w).unsqueeze(-2), left=False)[0]
    defective = torch.linalg.cond(v) > 1e8
    if bool(defective.any()):  # no gradient path: a host read is fine here
        log = torch.where(defective[..., None, None], _log_by_square_roots(work), log)
    return log.to(a.dtype)


def _logm(a: torch.Tensor) -> torch.Tensor:
    with _DisableSubclass():
        return _logm_value(a)


def logm(input: Any, name: Optional[str] = None) -> torch.Tensor:
    """The principal logarithm of each innermost square complex matrix of `input`.

    >>> import tftape_torch as tf
    >>> a = tf.complex(tf.constant([[1.0, 1.0], [0.0, 1.0]]), tf.zeros([2, 2]))
    >>> print(tf.math.real(tf.linalg.logm(a)))
    tf.Tensor(
    [[0. 1.]
     [0. 0.]], shape=(2, 2), dtype=float32)

    Raises:
      InvalidArgumentError: for a dtype other than complex64/128 (TF's kernel has no
        real one), rank < 2 or non-square matrices.
      LookupError: when a tape asks for its gradient (TF registers none).
    """
    x = as_tensor(input)
    if x.dtype not in (torch.complex64, torch.complex128):
        raise disallowed(_LOG_OP, x.dtype, "complex64, complex128")
    if x.dim() < 2:
        raise InvalidArgumentError(
            None, None, f"Input tensor 0 must have rank >= 2, got {x.dim()} [Op:{_LOG_OP}]")
    if x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(None, None, f"Input matrix must be square. [Op:{_LOG_OP}]")
    return call(_LOG_OP, unregistered_gradient(_LOG_OP, _logm), (x,), x)
