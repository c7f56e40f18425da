"""The operators the FFT diagonalises: `tf.linalg.LinearOperatorCirculant` (and its
block-circulant `2D` and doubly-nested `3D` forms), held as their spectrum, and
`tf.linalg.LinearOperatorToeplitz`, which embeds its matrix in a circulant twice its
size to multiply.

A circulant operator `C` with spectrum `H` acts as `C x = IFFT(H * FFT(x))` (along the
last one, two or three block dimensions); products and solves of two circulants of the
same kind multiply and divide their spectra. Results are cast to the operator's
`input_output_dtype` (complex64 unless given), dropping any imaginary part for a real
one, as TF does.

>>> import tftape_torch as tf
>>> c = tf.linalg.LinearOperatorCirculant(tf.constant([6.0, -2.0, 2.0]),
...                                       input_output_dtype=tf.float32)
>>> print(c.to_dense())
tf.Tensor(
[[2. 2. 2.]
 [2. 2. 2.]
 [2. 2. 2.]], shape=(3, 3), dtype=float32)
>>> t = tf.linalg.LinearOperatorToeplitz(col=[1.0, 2.0], row=[1.0, 3.0])
>>> print(t.to_dense())
tf.Tensor(
[[1. 3.]
 [2. 1.]], shape=(2, 2), dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch

from tftape_torch import debugging
from tftape_torch._array_ops import (
    cast,
    concat,
    convert_to_tensor,
    ones,
    reshape,
    transpose,
    zeros_like,
)
from tftape_torch._complex_ops import complex as make_complex
from tftape_torch._complex_ops import conj, imag, real
from tftape_torch._dtypes import as_dtype
from tftape_torch._elementwise_ops import floormod
from tftape_torch._fft_ops import fft, fft2d, fft3d, ifft, ifft2d, ifft3d
from tftape_torch._gather_ops import gather
from tftape_torch._linalg_ops import adjoint as matrix_adjoint
from tftape_torch._linear_operator import LinearOperator
from tftape_torch._linear_operator_util import (
    as_parameter,
    assert_no_entries_with_modulus_zero,
    assert_zero_imag_part,
    broadcast_matrix_batch_dims,
    commuting_positive_definite_hint,
    commuting_self_adjoint_hint,
    non_singular_hint,
)
from tftape_torch._math_ops import abs as abs_
from tftape_torch._math_ops import log, reduce_max, reduce_min, reduce_prod, reduce_sum
from tftape_torch._range_ops import range as range_
from tftape_torch._shape_ops import broadcast_static_shape, broadcast_to, reverse
from tftape_torch._tensor_shape import TensorShape

__all__ = [
    "LinearOperatorCirculant",
    "LinearOperatorCirculant2D",
    "LinearOperatorCirculant3D",
    "LinearOperatorToeplitz",
]

_FFTS: Dict[int, Callable[..., Any]] = {1: fft, 2: fft2d, 3: fft3d}
_IFFTS: Dict[int, Callable[..., Any]] = {1: ifft, 2: ifft2d, 3: ifft3d}


def _to_complex(x: Any) -> Any:
    """`x` as complex: complex128 from float64, complex64 from other real dtypes."""
    if x.dtype.is_complex:
        return x
    return cast(x, torch.complex128 if x.dtype == torch.float64 else torch.complex64)


def _rotate_last_to_front(x: Any) -> Any:
    rank = x.dim()
    return transpose(x, [rank - 1] + list(range(rank - 1)))


def _rotate_front_to_last(x: Any) -> Any:
    rank = x.dim()
    return transpose(x, list(range(1, rank)) + [0])


class _CirculantBase(LinearOperator):
    """A circulant operator nested `block_depth` levels deep (1, 2 or 3)."""

    _BLOCK_DEPTH = 1

    def __init__(self, spectrum: Any, input_output_dtype: Any = torch.complex64,
                 is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None, is_square: bool = True,
                 name: str = "LinearOperatorCirculant") -> None:
        parameters = dict(spectrum=spectrum, input_output_dtype=input_output_dtype,
                          is_non_singular=is_non_singular, is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._name = name
        self._block_depth = self._BLOCK_DEPTH
        self._spectrum = as_parameter(spectrum)
        if self._spectrum.dim() < self._block_depth:
            raise ValueError(f"Argument `spectrum` must have at least {self._block_depth} "
                             f"dimensions. Received: {self._spectrum}.")
        if not self._spectrum.dtype.is_complex:
            if is_self_adjoint is False:
                raise ValueError(
                    "A real spectrum always corresponds to a self-adjoint operator. Expected "
                    "argument `is_self_adjoint` to be True when `spectrum.dtype.is_complex` "
                    f"= True. Received: {is_self_adjoint}.")
            is_self_adjoint = True
        if is_square is False:
            raise ValueError("A [[nested] block] circulant operator is always square. "
                             f"Expected argument `is_square` to be True. Received: {is_square}.")
        super().__init__(dtype=as_dtype(input_output_dtype), is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=True,
                         parameters=parameters, name=name)

    @property
    def block_depth(self) -> int:
        """How deeply the circulant blocks nest (1, 2 or 3)."""
        return self._block_depth

    @property
    def spectrum(self) -> Any:
        """The spectrum the operator was built from."""
        return self._spectrum

    @property
    def block_shape(self) -> TensorShape:
        """The trailing `block_depth` dimensions of the spectrum."""
        return TensorShape(list(self.spectrum.shape)[-self.block_depth:])

    def block_shape_tensor(self) -> torch.Tensor:
        """`block_shape` as a 1-D `int32` tensor."""
        return convert_to_tensor(self.block_shape.as_list(), dtype=torch.int32)

    def _shape(self) -> TensorShape:
        dims = list(self._spectrum.shape)
        n = math.prod(dims[-self.block_depth:])
        return TensorShape(dims[:-self.block_depth] + [n, n])

    # -- The algebra of two circulants of one kind ---------------------------------

    def _same_kind(self, **kwargs: Any) -> LinearOperator:
        return type(self)(**kwargs)

    def _linop_adjoint(self) -> LinearOperator:
        spectrum = self.spectrum
        if spectrum.dtype.is_complex:
            spectrum = conj(spectrum)
        return self._same_kind(spectrum=spectrum, is_non_singular=self.is_non_singular,
                               is_self_adjoint=self.is_self_adjoint,
                               is_positive_definite=self.is_positive_definite, is_square=True)

    def _linop_inverse(self) -> LinearOperator:
        return self._same_kind(spectrum=1.0 / self.spectrum,
                               is_non_singular=self.is_non_singular,
                               is_self_adjoint=self.is_self_adjoint,
                               is_positive_definite=self.is_positive_definite,
                               is_square=True, input_output_dtype=self.dtype)

    def _combined(self, left: LinearOperator, right: LinearOperator, spectrum: Any
                  ) -> LinearOperator:
        return self._same_kind(
            spectrum=spectrum, is_non_singular=non_singular_hint(left, right),
            is_self_adjoint=commuting_self_adjoint_hint(left, right),
            is_positive_definite=commuting_positive_definite_hint(left, right),
            is_square=True)

    def _linop_matmul(self, left_operator: LinearOperator,
                      right_operator: LinearOperator) -> LinearOperator:
        if not (isinstance(right_operator, type(self))
                and isinstance(left_operator, type(right_operator))):
            return super()._linop_matmul(left_operator, right_operator)
        return self._combined(left_operator, right_operator,
                              left_operator.spectrum * right_operator.spectrum)

    def _linop_solve(self, left_operator: LinearOperator,
                     right_operator: LinearOperator) -> LinearOperator:
        if not isinstance(right_operator, type(self)):
            return super()._linop_solve(left_operator, right_operator)
        return self._combined(left_operator, right_operator,
                              right_operator.spectrum / left_operator.spectrum)  # type: ignore

    # -- Acting through the FFT -------------------------------------------------------

    def _vectorize_then_blockify(self, matrix: Any) -> Any:
        vec = _rotate_last_to_front(matrix)
        return reshape(vec, list(vec.shape)[:-1] + self.block_shape.as_list())

    def _unblockify(self, x: Any) -> Any:
        dims = list(x.shape)
        return reshape(x, dims[:-self.block_depth] + [math.prod(dims[-self.block_depth:])])

    def _unblockify_then_matricize(self, vec: Any) -> Any:
        return _rotate_front_to_last(self._unblockify(vec))

    def _fft(self, x: Any) -> Any:
        return _FFTS[self.block_depth](_to_complex(x))

    def _ifft(self, x: Any) -> Any:
        return _IFFTS[self.block_depth](_to_complex(x))

    def convolution_kernel(self, name: str = "convolution_kernel") -> Any:
        """The convolution kernel the spectrum is the FFT of, in the operator's dtype."""
        return cast(self._ifft(_to_complex(self.spectrum)), self.dtype)

    def assert_hermitian_spectrum(self, name: str = "assert_hermitian_spectrum") -> Any:
        """Checks that the spectrum is Hermitian (its convolution kernel real)."""
        # A NumPy scalar, as in TF: times the int32 dimension it becomes int32 zero,
        # and the comparison fails with TF's InvalidArgumentError.
        eps = np.finfo(torch.empty((), dtype=self.dtype.to_real()).numpy().dtype).eps
        max_err = eps * self.domain_dimension_tensor()
        return debugging.assert_less(abs_(imag(self.convolution_kernel())), max_err,
                                     message="Spectrum was not Hermitian")

    def _assert_non_singular(self) -> Any:
        return assert_no_entries_with_modulus_zero(
            self.spectrum, message="Singular operator:  Spectrum contained zero values.")

    def _assert_positive_definite(self) -> Any:
        return debugging.assert_positive(
            real(self.spectrum),
            message="Not positive definite:  Real part of spectrum was not all positive.")

    def _assert_self_adjoint(self) -> Any:
        return assert_zero_imag_part(
            self.spectrum,
            message="Not self-adjoint:  The spectrum contained non-zero imaginary part.")

    def _broadcast_batch_dims(self, x: Any, spectrum: Any) -> Any:
        spectrum = convert_to_tensor(spectrum)
        batch = list(spectrum.shape)[:-self.block_depth]
        spec_mat = reshape(spectrum, batch + [-1, 1])
        x, spec_mat = broadcast_matrix_batch_dims((x, spec_mat))
        spectrum = reshape(spec_mat, list(x.shape)[:-2] + self.block_shape.as_list())
        return x, spectrum

    def _cond(self) -> Any:
        magnitude = abs_(self._unblockify(self.spectrum))
        return reduce_max(magnitude, axis=-1) / reduce_min(magnitude, axis=-1)

    def _eigvals(self) -> Any:
        return convert_to_tensor(self._unblockify(self.spectrum))

    def _spectral_apply(self, x: Any, adjoint: bool, solve: bool) -> Any:
        spectrum = _to_complex(self.spectrum)
        if adjoint:
            spectrum = conj(spectrum)
        if not solve:
            x = cast(x, spectrum.dtype)
        x, spectrum = self._broadcast_batch_dims(x, spectrum)
        transformed = self._fft(self._vectorize_then_blockify(x))
        combined = transformed / spectrum if solve else spectrum * transformed
        return cast(self._unblockify_then_matricize(self._ifft(combined)), self.dtype)

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        x = matrix_adjoint(x) if adjoint_arg else x
        return self._spectral_apply(x, adjoint, solve=False)

    def _solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        return self._spectral_apply(rhs, adjoint, solve=True)

    def _block_axes(self) -> List[int]:
        return [-(i + 1) for i in range(self.block_depth)]

    def _determinant(self) -> Any:
        return cast(reduce_prod(self.spectrum, axis=self._block_axes()), self.dtype)

    def _log_abs_determinant(self) -> Any:
        value = reduce_sum(log(abs_(self.spectrum)), axis=self._block_axes())
        return cast(value, self.dtype)

    def _diag_part(self) -> Any:
        shape = list(self.shape[:-1])
        value = self.trace() / cast(self.domain_dimension, self.dtype)
        return value[..., None] * ones(shape, dtype=self.dtype)

    def _trace(self) -> Any:
        rank = self.spectrum.dim()
        axes = list(range(rank - self.block_depth, rank))
        re_value = reduce_sum(real(self.spectrum), axis=axes)
        if not self.dtype.is_complex:
            return cast(re_value, self.dtype)
        if self.is_self_adjoint:
            im_value = zeros_like(re_value)
        else:
            im_value = reduce_sum(imag(self.spectrum), axis=axes)
        return cast(make_complex(re_value, im_value), self.dtype)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"spectrum": self.block_depth}


class LinearOperatorCirculant(_CirculantBase):
    """`LinearOperator` acting like a circulant matrix, given by its spectrum
    (the FFT of its first column).

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorCirculant(tf.constant([4.0, 1.0, 1.0]),
    ...                                        input_output_dtype=tf.float32)
    >>> print(op.matvec([1.0, 0.0, 0.0]))
    tf.Tensor([2. 1. 1.], shape=(3,), dtype=float32)

    Args:
      spectrum: a tensor of shape `[B1, ..., Bb, N]`, float or complex.
      input_output_dtype: the operator's dtype (complex64 by default).
      is_non_singular, is_self_adjoint, is_positive_definite: hints.
      is_square: must be `True`.
      name: the operator's name.

    Raises:
      ValueError: for `is_square=False`, `is_self_adjoint=False` with a real spectrum,
        or a spectrum of too low a rank.
    """

    _BLOCK_DEPTH = 1


class LinearOperatorCirculant2D(_CirculantBase):
    """`LinearOperator` acting like a block circulant matrix with circulant blocks,
    given by its 2-D spectrum.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorCirculant2D(tf.ones([2, 2]),
    ...                                          input_output_dtype=tf.float32)
    >>> op.shape
    TensorShape([4, 4])

    Args:
      spectrum: a tensor of shape `[B1, ..., Bb, N0, N1]`.
      input_output_dtype, is_non_singular, is_self_adjoint, is_positive_definite,
        is_square, name: as for `LinearOperatorCirculant`.
    """

    _BLOCK_DEPTH = 2

    def __init__(self, spectrum: Any, input_output_dtype: Any = torch.complex64,
                 is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None, is_square: bool = True,
                 name: str = "LinearOperatorCirculant2D") -> None:
        super().__init__(spectrum, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


class LinearOperatorCirculant3D(_CirculantBase):
    """`LinearOperator` acting like a nested block circulant matrix, given by its 3-D
    spectrum.

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorCirculant3D(tf.ones([2, 2, 2]),
    ...                                          input_output_dtype=tf.float32)
    >>> op.shape
    TensorShape([8, 8])

    Args:
      spectrum: a tensor of shape `[B1, ..., Bb, N0, N1, N2]`.
      input_output_dtype, is_non_singular, is_self_adjoint, is_positive_definite,
        is_square, name: as for `LinearOperatorCirculant`.
    """

    _BLOCK_DEPTH = 3

    def __init__(self, spectrum: Any, input_output_dtype: Any = torch.complex64,
                 is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None, is_square: bool = True,
                 name: str = "LinearOperatorCirculant3D") -> None:
        super().__init__(spectrum, input_output_dtype, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)


def _toeplitz_complex(x: Any) -> Any:
    """Toeplitz's own complex cast: complex128 only from float64 or complex128."""
    wide = x.dtype in (torch.float64, torch.complex128)
    return cast(x, torch.complex128 if wide else torch.complex64)


class LinearOperatorToeplitz(LinearOperator):
    """`LinearOperator` acting like a [batch] square Toeplitz matrix: constant along
    each diagonal, given by its first column `col` and first row `row` (`row[0]` is
    ignored; the diagonal is `col[0]`).

    >>> import tftape_torch as tf
    >>> op = tf.linalg.LinearOperatorToeplitz(col=[1.0, 2.0, 3.0], row=[1.0, 4.0, 5.0])
    >>> print(op.matvec([1.0, 1.0, 1.0]))
    tf.Tensor([10.  7.  6.], shape=(3,), dtype=float32)

    Args:
      col: a tensor of shape `[B1, ..., Bb, N]`, the first column.
      row: a tensor of shape `[B1, ..., Bb, N]`, the first row.
      is_non_singular, is_self_adjoint, is_positive_definite, is_square: hints.
      name: the operator's name.

    Raises:
      ValueError: for `is_square=False`, scalars, or `row`/`col` of different sizes.
    """

    def __init__(self, col: Any, row: Any, is_non_singular: Optional[bool] = None,
                 is_self_adjoint: Optional[bool] = None,
                 is_positive_definite: Optional[bool] = None,
                 is_square: Optional[bool] = None,
                 name: str = "LinearOperatorToeplitz") -> None:
        parameters = dict(col=col, row=row, is_non_singular=is_non_singular,
                          is_self_adjoint=is_self_adjoint,
                          is_positive_definite=is_positive_definite, is_square=is_square,
                          name=name)
        self._row = as_parameter(row)
        self._col = as_parameter(col)
        for label, value in (("row", self._row), ("col", self._col)):
            if value.dim() < 1:
                raise ValueError(f"Argument {label} must have at least 1 dimension.  "
                                 f"Found: {value}")
        if self._row.shape[-1] != self._col.shape[-1]:
            raise ValueError(
                "Expected square matrix, got row and col with mismatched dimensions.")
        if is_square is False:
            raise ValueError("Only square Toeplitz operators currently supported.")
        super().__init__(dtype=self._row.dtype, is_non_singular=is_non_singular,
                         is_self_adjoint=is_self_adjoint,
                         is_positive_definite=is_positive_definite, is_square=True,
                         parameters=parameters, name=name)

    @property
    def col(self) -> Any:
        """The first column."""
        return self._col

    @property
    def row(self) -> Any:
        """The first row."""
        return self._row

    def _shape(self) -> TensorShape:
        v_shape = broadcast_static_shape(TensorShape(self.row.shape),
                                         TensorShape(self.col.shape))
        return TensorShape(list(v_shape) + [v_shape[-1]])

    def _assert_self_adjoint(self) -> Any:
        return debugging.assert_equal(
            self.row, self.col,
            message="row and col are not the same, and so this operator is not self-adjoint.")

    def _matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False) -> Any:
        x = matrix_adjoint(x) if adjoint_arg else x
        expanded_x = concat([x, zeros_like(x)], axis=-2)
        col = convert_to_tensor(self.col)
        row = convert_to_tensor(self.row)
        circulant_col = concat([col, zeros_like(col[..., 0:1]), reverse(row[..., 1:], [-1])],
                               axis=-1)
        circulant = LinearOperatorCirculant(fft(_toeplitz_complex(circulant_col)),
                                            input_output_dtype=row.dtype)
        result = circulant.matmul(expanded_x, adjoint=adjoint, adjoint_arg=False)
        return cast(result[..., :self.shape[-1], :], self.dtype)

    def _trace(self) -> Any:
        return cast(self.domain_dimension_tensor(), self.dtype) * self.col[..., 0]

    def _diag_part(self) -> Any:
        return self.col[..., 0:1] * ones([self.shape[-1]], self.dtype)

    def _to_dense(self) -> Any:
        row = convert_to_tensor(self.row)
        col = convert_to_tensor(self.col)
        total = list(broadcast_static_shape(TensorShape(row.shape), TensorShape(col.shape)))
        n = row.shape[-1]
        row = broadcast_to(row, total)
        col = broadcast_to(col, total)
        elements = concat([reverse(col, [-1]), row[..., 1:]], axis=-1)
        indices = floormod(range_(0, n) + range_(n - 1, -1, -1)[..., None], 2 * n - 1)
        return gather(elements, indices, axis=-1)

    @property
    def _experimental_parameter_ndims_to_matrix_ndims(self) -> Dict[str, Any]:
        return {"col": 1, "row": 1}
