"""Double-precision Bessel functions of integer order 0 and 1, as TF computes them:
`j0`, `j1` (first kind) and `y0`, `y1` (second kind), elementwise on float64 tensors.

TF's float64 kernels are Eigen's `generic_j0/j1/y0/y1`, ports of Cephes' `j0.c` and
`j1.c`; torch's own float64 `torch.special.bessel_*` are only float32-accurate in
places (1e-8 absolute at x = 5). These functions are the same algorithms written as
torch ops, so `tf.math.special.bessel_j0` (and the others) use them for float64:

* |x| <= 5: a rational function of z = x^2. For `j0` and `j1` the zeros of the
  function in that interval are factored out, (z - r1^2)(z - r2^2) R(z) (times x for
  `j1`), and `j0` is 1 - z / 4 for |x| < 1e-5; `y0` and `y1` add their log terms to a
  rational function, y0 = R(z) + (2 / pi) log(x) j0(x) and
  y1 = x R(z) + (2 / pi) (j1(x) log(x) - 1 / x).
* |x| > 5: Hankel's asymptotic expansion, sqrt(2 / (pi x)) (P cos(x - k pi / 4)
  - (5 / x) Q sin(x - k pi / 4)) (k = 1 for order 0, 3 for order 1; sin and cos trade
  places for `y0`, `y1`) with P and Q rational functions of 25 / x^2.

Every branch runs on the whole tensor and `torch.where` picks, so there is no host
sync and they run on any device with float64. Each step rounds as TF's does (Horner's
rule, no fused multiply-add, correctly rounded division and square root), so they agree
with TF to an ulp or two, to 1e-16 absolute: torch's `sin`, `cos` and `log` differ from
the C library's by an ulp about once in a thousand, a few ulps of the result near the
functions' zeros (up to ~20 there). The edges are TF's: `j0`, `j1`, `y0` and `y1` are
NaN at +inf and NaN, `j0`, `j1` NaN at -inf; `y0` and `y1` are -inf for x <= 0 (at 0
too, and at -inf). `j1` is odd (-0 at -0). TF's CPU kernels see subnormal inputs as
zero (`j1` is then 0 and `y0`, `y1` -inf), and so do these.

These are the values only; `tftape_torch._math_special` gives them TF's gradients.

>>> import torch
>>> print(j0(torch.tensor([0.0, 1.0, 10.0], dtype=torch.float64)))
tensor([ 1.0000,  0.7652, -0.2459], dtype=torch.float64)
"""

from __future__ import annotations

from typing import Sequence, Tuple

import torch

__all__ = ["j0", "j1", "y0", "y1"]

# Coefficients, highest degree first, of Cephes' (and Eigen's) rational functions.

# Hankel expansion, order 0: P(s) = _P0_NUM(s) / _P0_DEN(s), Q(s) likewise, s = 25/x^2.
_P0_NUM = (
    7.96936729297347051624E-4, 8.28352392107440799803E-2, 1.23953371646414299388E0,
    5.44725003058768775090E0, 8.74716500199817011941E0, 5.30324038235394892183E0,
    9.99999999999999997821E-1,
)
_P0_DEN = (
    9.24408810558863637013E-4, 8.56288474354474431428E-2, 1.25352743901058953537E0,
    5.47097740330417105182E0, 8.76190883237069594232E0, 5.30605288235394617618E0,
    1.00000000000000000218E0,
)
_Q0_NUM = (
    -1.13663838898469149931E-2, -1.28252718670509318512E0, -1.95539544257735972385E1,
    -9.32060152123768231369E1, -1.77681167980488050595E2, -1.47077505154951170175E2,
    -5.14105326766599330220E1, -6.05014350600728481186E0,
)
_Q0_DEN = (
    1.0, 6.43178256118178023184E1, 8.56430025976980587198E2, 3.88240183605401609683E3,
    7.24046774195652478189E3, 5.93072701187316984827E3, 2.06209331660327847417E3,
    2.42005740240291393179E2,
)

# Hankel expansion, order 1.
_P1_NUM = (
    7.62125616208173112003E-4, 7.31397056940917570436E-2, 1.12719608129684925192E0,
    5.11207951146807644818E0, 8.42404590141772420927E0, 5.21451598682361504063E0,
    1.00000000000000000254E0,
)
_P1_DEN = (
    5.71323128072548699714E-4, 6.88455908754495404082E-2, 1.10514232634061696926E0,
    5.07386386128601488557E0, 8.39985554327604159757E0, 5.20982848682361821619E0,
    9.99999999999999997461E-1,
)
_Q1_NUM = (
    5.10862594750176621635E-2, 4.98213872951233449420E0, 7.58238284132545283818E1,
    3.66779609360150777800E2, 7.10856304998926107277E2, 5.97489612400613639965E2,
    2.11688757100572135698E2, 2.52070205858023719784E1,
)
_Q1_DEN = (
    1.0, 7.42373277035675149943E1, 1.05644886038262816351E3, 4.98641058337653607651E3,
    9.56231892404756170795E3, 7.99704160447350683650E3, 2.82619278517639096600E3,
    3.36093607810698293419E2,
)

# j0 on [0, 5]: (z - _J0_ZERO1) (z - _J0_ZERO2) _J0_NUM(z) / _J0_DEN(z), z = x^2; the
# constants are the squares of j0's first two zeros.
_J0_NUM = (
    -4.79443220978201773821E9, 1.95617491946556577543E12, -2.49248344360967716204E14,
    9.70862251047306323952E15,
)
_J0_DEN = (
    1.0, 4.99563147152651017219E2, 1.73785401676374683123E5, 4.84409658339962045305E7,
    1.11855537045356834862E10, 2.11277520115489217587E12, 3.10518229857422583814E14,
    3.18121955943204943306E16, 1.71086294081043136091E18,
)
_J0_ZERO1 = 5.78318596294678452118E0
_J0_ZERO2 = 3.04712623436620863991E1

# j1 on [0, 5]: x (z - _J1_ZERO1) (z - _J1_ZERO2) _J1_NUM(z) / _J1_DEN(z).
_J1_NUM = (
    -8.99971225705559398224E8, 4.52228297998194034323E11, -7.27494245221818276015E13,
    3.68295732863852883286E15,
)
_J1_DEN = (
    1.0, 6.20836478118054335476E2, 2.56987256757748830383E5, 8.35146791431949253037E7,
    2.21511595479792499675E10, 4.74914122079991414898E12, 7.84369607876235854894E14,
    8.95222336184627338078E16, 5.32278620332680085395E18,
)
_J1_ZERO1 = 1.46819706421238932572E1
_J1_ZERO2 = 4.92184563216946036703E1

# y0 on (0, 5]: _Y0_NUM(z) / _Y0_DEN(z) + (2 / pi) log(x) j0(x).
_Y0_NUM = (
    1.55924367855235737965E4, -1.46639295903971606143E7, 5.43526477051876500413E9,
    -9.82136065717911466409E11, 8.75906394395366999549E13, -3.46628303384729719441E15,
    4.42733268572569800351E16, -1.84950800436986690637E16,
)
_Y0_DEN = (
    1.0, 1.04128353664259848412E3, 6.26107330137134956842E5, 2.68919633393814121987E8,
    8.64002487103935000337E10, 2.02979612750105546709E13, 3.17157752842975028269E15,
    2.50596256172653059228E17,
)

# y1 on (0, 5]: x _Y1_NUM(z) / _Y1_DEN(z) + (2 / pi) (j1(x) log(x) - 1 / x).
_Y1_NUM = (
    1.26320474790178026440E9, -6.47355876379160291031E11, 1.14509511541823727583E14,
    -8.12770255501325109621E15, 2.02439475713594898196E17, -7.78877196265950026825E17,
)
_Y1_DEN = (
    1.0, 5.94301592346128195359E2, 2.35564092943068577943E5, 7.34811944459721705660E7,
    1.87601316108706159478E10, 3.88231277496238566008E12, 6.20557727146953693363E14,
    6.87141087355300489866E16, 3.97270608116560655612E18,
)

_SQRT_2_OVER_PI = 7.9788456080286535587989E-1
_TWO_OVER_PI = 0.636619772367581343075535
_PI_OVER_4 = 0.7853981633974483096
_THREE_PI_OVER_4 = 2.35619449019234492885
_BOUNDARY = 5.0  # the rational approximations up to here, Hankel's expansion beyond


def _horner(z: torch.Tensor, coefficients: Sequence[float]) -> torch.Tensor:
    """The polynomial with `coefficients` (highest degree first) at `z`, by Horner's
    rule with a separate multiply and add per step (Eigen's `ppolevl`)."""
    p = z * coefficients[0] + coefficients[1]
    for c in coefficients[2:]:
        p = p * z + c
    return p


def _ratio(z: torch.Tensor, numerator: Sequence[float],
           denominator: Sequence[float]) -> torch.Tensor:
    return _horner(z, numerator) / _horner(z, denominator)


def _full(value: float, like: torch.Tensor) -> torch.Tensor:
    return torch.full((), value, dtype=like.dtype, device=like.device)


def _over(numerator: float, x: torch.Tensor) -> torch.Tensor:
    """`numerator / x`, one correctly rounded division (torch computes `float / tensor`
    as `reciprocal(tensor) * float`, two roundings)."""
    return torch.div(_full(numerator, x), x)


def _sqrt(y: torch.Tensor) -> torch.Tensor:
    """The correctly rounded square root, as the C library's (torch's float64 `sqrt` on
    CPU is off by an ulp about once in 80): torch's, corrected by one Newton step whose
    residual `y - s^2` is exact (Dekker's product, no fused multiply-add)."""
    s = torch.sqrt(y)
    split = s * 134217729.0  # 2^27 + 1: s = high + low, each half the bits
    high = split - (split - s)
    low = s - high
    square = s * s
    square_error = ((high * high - square) + (high * low) * 2.0) + low * low
    fixed = s + torch.div((y - square) - square_error, s + s)
    return torch.where(torch.isfinite(fixed), fixed, s)  # s at 0, inf and NaN


def _flushed(x: torch.Tensor) -> torch.Tensor:
    """`x` with subnormals flushed to (signed) zero: TF's CPU kernels see them as zero."""
    return torch.where(torch.abs(x) < torch.finfo(x.dtype).tiny, x * 0, x)


def _hankel(y: torch.Tensor, order: int) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(P, Q, sqrt(2 / (pi y))) of Hankel's expansion of order `order` at y."""
    s = _over(25.0, y * y)
    if order == 0:
        p = _ratio(s, _P0_NUM, _P0_DEN)
        q = _ratio(s, _Q0_NUM, _Q0_DEN)
    else:
        p = _ratio(s, _P1_NUM, _P1_DEN)
        q = _ratio(s, _Q1_NUM, _Q1_DEN)
    return p, q, _SQRT_2_OVER_PI * torch.reciprocal(_sqrt(y))


def _first_kind_far(y: torch.Tensor, order: int) -> torch.Tensor:
    """j0 (order 0) or |j1| (order 1) at y = |x| > 5 by Hankel's expansion."""
    p, q, scale = _hankel(y, order)
    phase = y - (_PI_OVER_4 if order == 0 else _THREE_PI_OVER_4)
    return (p * torch.cos(phase) - _over(5.0, y) * (q * torch.sin(phase))) * scale


def _second_kind_far(x: torch.Tensor, order: int) -> torch.Tensor:
    """y0 (order 0) or y1 (order 1) at x > 5 by Hankel's expansion."""
    p, q, scale = _hankel(x, order)
    phase = x - (_PI_OVER_4 if order == 0 else _THREE_PI_OVER_4)
    return (p * torch.sin(phase) + _over(5.0, x) * (q * torch.cos(phase))) * scale


def j0(x: torch.Tensor) -> torch.Tensor:
    """The Bessel function of the first kind of order 0 of a float64 tensor,
    elementwise, as TF's kernel computes it (Cephes' `j0`). NaN at +-inf and NaN.

    Args:
      x: a float64 tensor.

    Returns:
      A tensor like `x`.

    >>> import torch
    >>> print(j0(torch.tensor([0.5, 5.0], dtype=torch.float64)).tolist())
    [0.938469807240813, -0.1775967713143383]
    """
    return _j0(_flushed(x))


def _j0(x: torch.Tensor) -> torch.Tensor:
    y = torch.abs(x)
    return torch.where(y <= _BOUNDARY, _j0_near(y, y * y), _first_kind_far(y, 0))


def _j0_near(y: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """j0 at y = |x| <= 5, z = y^2: 1 - z / 4 below 1e-5, else the rational function."""
    near = ((z - _J0_ZERO1) * (z - _J0_ZERO2)) * _ratio(z, _J0_NUM, _J0_DEN)
    return torch.where(y < 1e-5, z * -0.25 + 1.0, near)


def j1(x: torch.Tensor) -> torch.Tensor:
    """The Bessel function of the first kind of order 1 of a float64 tensor,
    elementwise, as TF's kernel computes it (Cephes' `j1`, made odd for x < -5).
    NaN at +-inf and NaN.

    Args:
      x: a float64 tensor.

    Returns:
      A tensor like `x`.

    >>> import torch
    >>> print(j1(torch.tensor([-1.0, 8.0], dtype=torch.float64)).tolist())
    [-0.44005058574493355, 0.23463634685391463]
    """
    return _j1(_flushed(x))


def _j1(x: torch.Tensor) -> torch.Tensor:
    y = torch.abs(x)
    far = _first_kind_far(y, 1)
    far = torch.where(x < 0, -far, far)
    return torch.where(y <= _BOUNDARY, _j1_near(x, x * x), far)


def _j1_near(x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """j1 at |x| <= 5, z = x^2: the rational function, its two zeros factored out."""
    return ((_ratio(z, _J1_NUM, _J1_DEN) * x) * (z - _J1_ZERO1)) * (z - _J1_ZERO2)


def y0(x: torch.Tensor) -> torch.Tensor:
    """The Bessel function of the second kind of order 0 of a float64 tensor,
    elementwise, as TF's kernel computes it (Cephes' `y0`): -inf for x <= 0, NaN at
    +inf and NaN.

    Args:
      x: a float64 tensor.

    Returns:
      A tensor like `x`.

    >>> import torch
    >>> print(y0(torch.tensor([-1.0, 1.0], dtype=torch.float64)).tolist())
    [-inf, 0.08825696421567697]
    """
    x = _flushed(x)
    z = x * x
    near = (_TWO_OVER_PI * torch.log(x)) * _j0_near(x, z) + _ratio(z, _Y0_NUM, _Y0_DEN)
    near = torch.where(x <= 0, _full(-float("inf"), x), near)
    return torch.where(x <= _BOUNDARY, near, _second_kind_far(x, 0))


def y1(x: torch.Tensor) -> torch.Tensor:
    """The Bessel function of the second kind of order 1 of a float64 tensor,
    elementwise, as TF's kernel computes it (Cephes' `y1`): -inf for x <= 0, NaN at
    +inf and NaN.

    Args:
      x: a float64 tensor.

    Returns:
      A tensor like `x`.

    >>> import torch
    >>> print(y1(torch.tensor([0.0, 2.0], dtype=torch.float64)).tolist())
    [-inf, -0.10703243154093756]
    """
    x = _flushed(x)
    z = x * x
    log_term = _TWO_OVER_PI * (_j1_near(x, z) * torch.log(x) + _over(-1.0, x))
    near = _ratio(z, _Y1_NUM, _Y1_DEN) * x + log_term
    near = torch.where(x <= 0, _full(-float("inf"), x), near)
    return torch.where(x <= _BOUNDARY, near, _second_kind_far(x, 1))
