"""`tf.linalg.LinearOperatorTridiag`: a [batch] square tridiagonal matrix, held as its
three diagonals in one of `tf.linalg.tridiagonal_solve`'s formats.

* `"compact"`: one tensor `[..., 3, N]`, rows superdiagonal, diagonal, subdiagonal
  (the superdiagonal's last entry and the subdiagonal's first are ignored);
* `"sequence"`: a list of three `[..., N]` tensors in the same order;
* `"matrix"`: the `[..., N, N]` matrix itself (entries off the three diagonals
  ignored).

Products and solves are `tf.linalg.tridiagonal_matmul` / `tridiagonal_solve`.

>>> import tftape_torch as tf
>>> op = tf.linalg.LinearOperatorTridiag(
...     [[1.0, 2.0, 0.0], [4.0, 5.0, 6.0], [0.0, 7.0, 8.0]])
>>> print(op.to_dense())
tf.Tensor(
[[4. 1. 0.]
 [7. 5. 2.]
 [0. 8. 6.]], shape=(3, 3), dtype=float32)
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from tftape_torch import debugging
from tftape_torch._array_ops import convert_to_tensor, stack
from tftape_torch._banded_ops import tridiagonal_matmul, tridiagonal_solve
from tftape_torch._complex_ops import conj
from tftape_torch._linalg_ops import adjoint as matrix_adjoint
from tftape_torch._linalg_ops import diag, diag_part
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_util import as_parameter, assert_zero_imag_part
from tftape_torch._shape_ops import broadcast_static_shape, broadcast_to, roll, unstack
from tftape_torch._tensor_shape import TensorShape

__all__ = ["LinearOperatorTridiag"]

_FORMATS = ("compact", "matrix", "sequence")


class LinearOperatorTridiag(LinearOperator):
    """`LinearOperator` acting like a [batch] square tridiagonal matrix.

    >>> import tftape_torch as tf
    >>> diagonals = [tf.constant([1.0, 1.0, 0.0]), tf.constant([2.0, 2.0, 2.0]),
    ...              tf.constant([0.0, 1.0, 1.0])]
    >>> op = tf.linalg.LinearOperatorTridiag(diagonals, diagonals_format="sequence")
    >>> print(op.matvec([1.0, 1.0, 1.0]))
    tf.Tensor([3. 4. 3.], shape=(3,), dtype=float32)

    Args:
      diagonals: the diagonals, in the layout `diagonals_format` names.
      diagonals_format: `"compact"` (default), `"sequence"` or `"matrix"`.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name.

    Raises:
      ValueError: for an unknown `diagonals_format`.
    """

    def __init__(self, diagonals: Any, diagonals_format: str = "compact",
                 is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorTridiag") -> None:
        parameters = dict(diagonals=diagonals, diagonals_format=diagonals_format,
                          is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        if diagonals_format not in _FORMATS:
            raise ValueError("Argument `diagonals_format` must be one of compact, matrix, or "
                             f"sequence. Received : {diagonals_format}.")
        if diagonals_format == "sequence":
            self._diagonals: Any = [as_parameter(d) for d in diagonals]
            dtype = self._diagonals[0].dtype
        else:
            self._diagonals = as_parameter(diagonals)
            dtype = self._diagonals.dtype
        self._diagonals_format = diagonals_format
        super().__init__(dtype=dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=is_square,
                         parameters=parameters, name=name)

    @property
    def diagonals(self) -> Any:
        """The diagonals the operator was built from."""
        return self._diagonals

    @property
    def diagonals_format(self) -> str:
        """The layout of `diagonals`."""
        return self._diagonals_format

    def _shape(self) -> TensorShape:
        if self.diagonals_format == "matrix":
            return TensorShape(self.diagonals.shape)
        if self.diagonals_format == "compact":
            dims = list(self.diagonals.shape)
            vector = dims[:-2] + dims[-1:]
        else:
            first, middle, last = (TensorShape(list(d.shape)[:-1]) for d in self.diagonals)
            batch = broadcast_static_shape(broadcast_static_shape(first, middle), last)
            vector = list(batch) + [self.diagonals[1].shape[-1]]
        return TensorShape(vector + vector[-1:])

    def _assert_self_adjoint(self) -> Any:
        diag_message = ("This tridiagonal operator contained non-zero imaginary values on "
                        "the diagonal.")
        off_message = ("This tridiagonal operator has non-conjugate subdiagonal and "
                       "superdiagonal.")
        if self.diagonals_format == "matrix":
            return debugging.assert_equal(self.diagonals, matrix_adjoint(self.diagonals),
                                          message="Matrix was not equal to its adjoint.")
        if self.diagonals_format == "compact":
            packed = convert_to_tensor(self.diagonals)
            superdiag, middle, subdiag = packed[..., 0, :], packed[..., 1, :], packed[..., 2, :]
        else:
            superdiag, middle, subdiag = self.diagonals
        assert_zero_imag_part(middle, message=diag_message)
        shifted = roll(subdiag, shift=-1, axis=-1)
        debugging.assert_equal(conj(shifted[..., :-1]), superdiag[..., :-1],
                               message=off_message)
        return None

    def _adjoint_diagonals(self, diagonals: Any) -> Any:
        if self.diagonals_format == "sequence":
            flipped: List[Any] = [conj(d) for d in reversed(diagonals)]
            flipped[0] = roll(flipped[0], shift=-1, axis=-1)
            flipped[2] = roll(flipped[2], shift=1, axis=-1)
            return flipped
        if self.diagonals_format == "matrix":
            return matrix_adjoint(diagonals)
        superdiag, middle, subdiag = unstack(conj(diagonals), num=3, axis=-2)
        return stack([roll(subdiag, shift=-1, axis=-1), middle,
                      roll(superdiag, shift=1, axis=-1)], axis=-2)

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        diagonals = self.diagonals
        if adjoint:
            diagonals = self._adjoint_diagonals(diagonals)
        x = matrix_adjoint(x) if adjoint_arg else x
        return tridiagonal_matmul(diagonals, x, diagonals_format=self.diagonals_format)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        diagonals = self.diagonals
        if adjoint:
            diagonals = self._adjoint_diagonals(diagonals)
        n = self.shape[-1]
        batch = list(broadcast_static_shape(self.batch_shape,
                                            TensorShape(list(rhs.shape)[:-2])))
        rhs = broadcast_to(rhs, batch + list(rhs.shape)[-2:])
        if self.diagonals_format == "matrix":
            diagonals = broadcast_to(diagonals, batch + [n, n])
        elif self.diagonals_format == "compact":
            diagonals = broadcast_to(diagonals, batch + [3, n])
        else:
            diagonals = [broadcast_to(d, batch + [n]) for d in diagonals]
        return tridiagonal_solve(diagonals, rhs, diagonals_format=self.diagonals_format,
                                 transpose_rhs=adjoint_arg, conjugate_rhs=adjoint_arg)

    def _diag_part(self) -> Any:
        if self.diagonals_format == "matrix":
            return diag_part(self.diagonals)
        if self.diagonals_format == "sequence":
            return broadcast_to(self.diagonals[1], self.shape.as_list()[:-1])
        return self.diagonals[..., 1, :]

    def _to_dense(self) -> Any:
        if self.diagonals_format == "matrix":
            return self.diagonals
        if self.diagonals_format == "compact":
            superdiag, maindiag, subdiag = unstack(self.diagonals, axis=-2)
        else:
            superdiag, maindiag, subdiag = (convert_to_tensor(d) for d in self.diagonals)
        # The superdiagonal is read from the left, the subdiagonal from the right.
        return (diag(superdiag[..., :-1], k=1) + diag(maindiag)
                + diag(subdiag[..., 1:], k=-1))

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"diagonals": [1, 1, 1] if self.diagonals_format == "sequence" else 2}
