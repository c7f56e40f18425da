"""`tf.math.special.dawsn`, `expint`, `fresnel_cos`, `fresnel_sin` and `spence`:
Dawson's integral, the exponential integral `Ei`, the Fresnel integrals and Spence's
function (the dilogarithm `Li2(1 - x)`), elementwise on float32 and float64 tensors.

The values are TF's kernels (Cephes' rational approximations, as Eigen-style code in
TF's `special_math_op_misc_impl.h`) written as torch ops: each branch of the
approximation runs on the whole tensor and `torch.where` picks, so the functions run
on any device without a host sync, in the tensor's own dtype, and give TF's answers
at the edges: `expint` is NaN for x < 0 and at +inf, -inf at 0; `spence` is NaN for
x < 0 and at +inf; `fresnel_*` are +-1/2 beyond |x| > 36974; `dawsn` is 0 at +-inf
(and, like TF, positive for x <= -1e9). TF has no half or bfloat16 kernel for them
(`NotFoundError`); integers and complex numbers are refused (`InvalidArgumentError`).

TF's CPU kernels run with subnormals flushed to zero: `1 / x` is flushed here as there
(so `expint` and `spence` are NaN for |x| > 1 / tiny, as at inf), and `spence` (and
float64 `expint`) see a subnormal input as zero. Other subnormal results are not
flushed (a difference below the smallest normal number). float32 `log`, `exp`, `sin`
and `cos` are rounded from float64, as close as torch gets to the C library's that
TF's kernels call: float64 agrees with TF to an ulp or three, float32 to three ulps.

The gradients are TF's registered ones, written with these same ops so that nested
tapes give TF's higher derivatives: d/dx dawsn(x) = 1 - 2 x dawsn(x),
d/dx expint(x) = exp(x) / x, d/dx fresnel_cos(x) = cos(pi x^2 / 2),
d/dx fresnel_sin(x) = sin(pi x^2 / 2) and d/dx spence(x) = log(x) / (1 - x), -1 at 1.

>>> import tftape_torch as tf
>>> print(tf.math.special.fresnel_sin(tf.constant([0.0, 1.0])))
tf.Tensor([0.         0.43825912], shape=(2,), dtype=float32)
>>> x = tf.constant([1.0, 2.0])
>>> with tf.GradientTape() as tape:
...     tape.watch(x)
...     y = tf.math.special.spence(x)
>>> print(tape.gradient(y, x))
tf.Tensor([-1.        -0.6931472], shape=(2,), dtype=float32)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Sequence, Tuple

import torch

from tftape_torch._dtypes import FLOATING
from tftape_torch._kernels import needs_grad, visible_to_modes, zero_for
from tftape_torch._op_call import as_tensor, call, disallowed
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import apply_function
from tftape_torch.errors import NotFoundError

__all__ = ["dawsn", "expint", "fresnel_cos", "fresnel_sin", "spence"]

Fn = Callable[[torch.Tensor], torch.Tensor]
Gradient = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


def _poly(x: torch.Tensor, coefficients: Sequence[float]) -> torch.Tensor:
    """Horner's rule, highest degree first, in `x`'s dtype (Eigen's `ppolevl`)."""
    p = x * coefficients[0] + coefficients[1]
    for c in coefficients[2:]:
        p = p * x + c
    return p


def _full(value: float, like: torch.Tensor) -> torch.Tensor:
    return torch.full((), value, dtype=like.dtype, device=like.device)


def _reciprocal(x: torch.Tensor) -> torch.Tensor:
    return torch.reciprocal(x)


def _libm(fn: Fn, x: torch.Tensor) -> torch.Tensor:
    """`fn(x)` as TF's scalar kernels get it from the C library: for float32 rounded
    from float64 (torch's float32 kernels are up to an ulp or two off; glibc's are
    almost always correctly rounded)."""
    if x.dtype == torch.float32 and x.device.type != "mps":  # (MPS has no float64)
        return fn(x.double()).float()
    return fn(x)


def _flushed(x: torch.Tensor) -> torch.Tensor:
    """`x` with subnormals flushed to (signed) zero, as TF's CPU kernels see them."""
    return torch.where(x.abs() < torch.finfo(x.dtype).tiny, x * 0, x)


def _flushed_reciprocal(x: torch.Tensor) -> torch.Tensor:
    """`1 / x`, a subnormal result flushed to (signed) zero: TF's CPU kernels run with
    denormals flushed, so `1 / x` is 0 for |x| > 1 / tiny (where `expint` and `spence`
    are then NaN, as at inf)."""
    return _flushed(torch.reciprocal(x))


# ---------------------------------------------------------------------------
# Dawson's integral

_DAWSN_AN = (
    1.13681498971755972054E-11, 8.49262267667473811108E-10, 1.94434204175553054283E-8,
    9.53151741254484363489E-7, 3.07828309874913200438E-6, 3.52513368520288738649E-4,
    -8.50149846724410912031E-4, 4.22618223005546594270E-2, -9.17480371773452345351E-2,
    9.99999999999999994612E-1,
)
_DAWSN_AD = (
    2.40372073066762605484E-11, 1.48864681368493396752E-9, 5.21265281010541664570E-8,
    1.27258478273186970203E-6, 2.32490249820789513991E-5, 3.25524741826057911661E-4,
    3.48805814657162590916E-3, 2.79448531198828973716E-2, 1.58874241960120565368E-1,
    5.74918629489320327824E-1, 1.00000000000000000539E0,
)
_DAWSN_BN = (
    5.08955156417900903354E-1, -2.44754418142697847934E-1, 9.41512335303534411857E-2,
    -2.18711255142039025206E-2, 3.66207612329569181322E-3, -4.23209114460388756528E-4,
    3.59641304793896631888E-5, -2.14640351719968974225E-6, 9.10010780076391431042E-8,
    -2.40274520828250956942E-9, 3.59233385440928410398E-11,
)
_DAWSN_BD = (
    1.0, -6.31839869873368190192E-1, 2.36706788228248691528E-1,
    -5.31806367003223277662E-2, 8.48041718586295374409E-3, -9.47996768486665330168E-4,
    7.81025592944552338085E-5, -4.55875153252442634831E-6, 1.89100358111421846170E-7,
    -4.91324691331920606875E-9, 7.18466403235734541950E-11,
)
_DAWSN_CN = (
    -5.90592860534773254987E-1, 6.29235242724368800674E-1, -1.72858975380388136411E-1,
    1.64837047825189632310E-2, -4.86827613020462700845E-4,
)
_DAWSN_CD = (
    1.0, -2.69820057197544900361E0, 1.73270799045947845857E0,
    -3.93708582281939493482E-1, 3.44278924041233391079E-2, -9.73655226040941223894E-4,
)


def _dawsn_tail(x: torch.Tensor, numerator: Sequence[float],
                denominator: Sequence[float]) -> torch.Tensor:
    """`(1/x + 1/x^3 N(1/x^2) / D(1/x^2)) / 2`, the form of both outer intervals."""
    inverse = _reciprocal(x)
    inverse2 = inverse * inverse
    z = _poly(inverse2, numerator) / (x * _poly(inverse2, denominator))
    return 0.5 * (inverse2 * z + inverse)


def _dawsn_value(x: torch.Tensor) -> torch.Tensor:
    ax = torch.abs(x)
    x2 = ax * ax
    near = (ax * _poly(x2, _DAWSN_AN)) / _poly(x2, _DAWSN_AD)
    far = torch.div(_full(0.5, x), x)  # one rounding (`0.5 / x` is `0.5 * (1 / x)`)
    y = torch.where(ax < 1.0e9, _dawsn_tail(ax, _DAWSN_CN, _DAWSN_CD), far)
    y = torch.where(ax < 6.25, _dawsn_tail(ax, _DAWSN_BN, _DAWSN_BD), y)
    y = torch.where(ax < 3.25, near, y)
    # TF negates for x < 0 after the `0.5 / x` branch too: positive below -1e9.
    return torch.where(x < 0, -y, y)


# ---------------------------------------------------------------------------
# The exponential integral Ei

_EXPINT_A = (
    -5.350447357812542947283E0, 2.185049168816613393830E2, -4.176572384826693777058E3,
    5.541176756393557601232E4, -3.313381331178144034309E5, 1.592627163384945414220E6,
)
_EXPINT_B = (
    1.0, -5.250547959112862969197E1, 1.259616186786790571525E3,
    -1.756549581973534652631E4, 1.493062117002725991967E5, -7.294949239640527645655E5,
    1.592627163384945429726E6,
)
_EULER = 0.5772156649015329

# `x exp(-x) Ei(x) - 1 = 1/x P(1/x) / Q(1/x)` on [2, 4), [4, 8), [8, 16), [16, 32),
# [32, 64) and [64, inf), with each interval's upper end.
_EXPINT_TAILS: Tuple[Tuple[float, Tuple[float, ...], Tuple[float, ...]], ...] = (
    (4.0, (
        1.981808503259689673238E-2, -1.271645625984917501326E0, -2.088160335681228318920E0,
        2.755544509187936721172E0, -4.409507048701600257171E-1, 4.665623805935891391017E-2,
        -1.545042679673485262580E-3, 7.059980605299617478514E-5,
    ), (
        1.0, 1.476498670914921440652E0, 5.629177174822436244827E-1,
        1.699017897879307263248E-1, 2.291647179034212017463E-2, 4.450150439728752875043E-3,
        1.727439612206521482874E-4, 3.953167195549672482304E-5,
    )),
    (8.0, (
        -1.373215375871208729803E0, -7.084559133740838761406E-1, 1.580806855547941010501E0,
        -2.601500427425622944234E-1, 2.994674694113713763365E-2,
        -1.038086040188744005513E-3, 4.371064420753005429514E-5, 2.141783679522602903795E-6,
    ), (
        1.0, 8.585231423622028380768E-1, 4.483285822873995129957E-1,
        7.687932158124475434091E-2, 2.449868241021887685904E-2, 8.832165941927796567926E-4,
        4.590952299511353531215E-4, -4.729848351866523044863E-6,
        2.665195537390710170105E-6,
    )),
    (16.0, (
        -2.106934601691916512584E0, 1.732733869664688041885E0, -2.423619178935841904839E-1,
        2.322724180937565842585E-2, 2.372880440493179832059E-4, -8.343219561192552752335E-5,
        1.363408795605250394881E-5, -3.655412321999253963714E-7,
        1.464941733975961318456E-8, 6.176407863710360207074E-10,
    ), (
        1.0, -2.298062239901678075778E-1, 1.105077041474037862347E-1,
        -1.566542966630792353556E-2, 2.761106850817352773874E-3,
        -2.089148012284048449115E-4, 1.708528938807675304186E-5,
        -4.459311796356686423199E-7, 1.394634930353847498145E-8,
        6.150865933977338354138E-10,
    )),
    (32.0, (
        -2.458119367674020323359E-1, -1.483382253322077687183E-1, 7.248291795735551591813E-2,
        -1.348315687380940523823E-2, 1.342775069788636972294E-3,
        -7.942465637159712264564E-5, 2.644179518984235952241E-6,
        -4.239473659313765177195E-8,
    ), (
        1.0, -1.044225908443871106315E-1, -2.676453128101402655055E-1,
        9.695000254621984627876E-2, -1.601745692712991078208E-2, 1.496414899205908021882E-3,
        -8.462452563778485013756E-5, 2.728938403476726394024E-6,
        -4.239462431819542051337E-8,
    )),
    (64.0, (
        1.212561118105456670844E-1, -5.823133179043894485122E-1, 2.348887314557016779211E-1,
        -3.040034318113248237280E-2, 1.510082146865190661777E-3,
        -2.523137095499571377122E-5,
    ), (
        1.0, -1.002252150365854016662E0, 2.928709694872224144953E-1,
        -3.337004338674007801307E-2, 1.560544881127388842819E-3,
        -2.523137093603234562648E-5,
    )),
    (math.inf, (
        -7.657847078286127362028E-1, 6.886192415566705051750E-1, -2.132598113545206124553E-1,
        3.346107552384193813594E-2, -3.076541477344756050249E-3, 1.747119316454907477380E-4,
        -6.103711682274170530369E-6, 1.218032765428652199087E-7,
        -1.086076102793290233007E-9,
    ), (
        1.0, -1.888802868662308731041E0, 1.066691687211408896850E0,
        -2.751915982306380647738E-1, 3.930852688233823569726E-2,
        -3.414684558602365085394E-3, 1.866844370703555398195E-4,
        -6.345146083130515357861E-6, 1.239754287483206878024E-7,
        -1.086076102793126632978E-9,
    )),
)


def _expint_value(x: torch.Tensor) -> torch.Tensor:
    if x.dtype == torch.float64:  # TF's float32 kernel sees subnormal inputs as such
        x = _flushed(x)
    # On [0, 2): Ei(x) = EUL + log(x) + x A(x) / B(x).
    near = (x * (_poly(x, _EXPINT_A) / _poly(x, _EXPINT_B)) + _EULER) + _libm(torch.log, x)
    w = _flushed_reciprocal(x)
    ex = _libm(torch.exp, x)
    # From the last interval down: the last one catches what the comparisons miss
    # (+inf and NaN, both NaN there).
    y = near
    for upper, numerator, denominator in reversed(_EXPINT_TAILS):
        tail = ex * w * (w * (_poly(w, numerator) / _poly(w, denominator)) + 1.0)
        y = tail if upper == math.inf else torch.where(x < upper, tail, y)
    y = torch.where(x < 2.0, near, y)
    return torch.where(x < 0, _full(math.nan, x), y)


# ---------------------------------------------------------------------------
# The Fresnel integrals

_FRESNEL_CN = (
    -4.98843114573573548651E-8, 9.50428062829859605134E-6, -6.45191435683965050962E-4,
    1.88843319396703850064E-2, -2.05525900955013891793E-1, 9.99999999999999998822E-1,
)
_FRESNEL_CD = (
    3.99982968972495980367E-12, 9.15439215774657478799E-10, 1.25001862479598821474E-7,
    1.22262789024179030997E-5, 8.68029542941784300606E-4, 4.12142090722199792936E-2,
    1.00000000000000000118E0,
)
_FRESNEL_SN = (
    -2.99181919401019853726E3, 7.08840045257738576863E5, -6.29741486205862506537E7,
    2.54890880573376359104E9, -4.42979518059697779103E10, 3.18016297876567817986E11,
)
_FRESNEL_SD = (
    1.0, 2.81376268889994315696E2, 4.55847810806532581675E4, 5.17343888770096400730E6,
    4.19320245898111231129E8, 2.24411795645340920940E10, 6.07366389490084639049E11,
)
_FRESNEL_FN = (
    4.21543555043677546506E-1, 1.43407919780758885261E-1, 1.15220955073585758835E-2,
    3.45017939782574027900E-4, 4.63613749287867322088E-6, 3.05568983790257605827E-8,
    1.02304514164907233465E-10, 1.72010743268161828879E-13, 1.34283276233062758925E-16,
    3.76329711269987889006E-20,
)
_FRESNEL_FD = (
    1.0, 7.51586398353378947175E-1, 1.16888925859191382142E-1, 6.44051526508858611005E-3,
    1.55934409164153020873E-4, 1.84627567348930545870E-6, 1.12699224763999035261E-8,
    3.60140029589371370404E-11, 5.88754533621578410010E-14, 4.52001434074129701496E-17,
    1.25443237090011264384E-20,
)
_FRESNEL_GN = (
    5.04442073643383265887E-1, 1.97102833525523411709E-1, 1.87648584092575249293E-2,
    6.84079380915393090172E-4, 1.15138826111884280931E-5, 9.82852443688422223854E-8,
    4.45344415861750144738E-10, 1.08268041139020870318E-12, 1.37555460633261799868E-15,
    8.36354435630677421531E-19, 1.86958710162783235106E-22,
)
_FRESNEL_GD = (
    1.0, 1.47495759925128324529E0, 3.37748989120019970451E-1, 2.53603741420338795122E-2,
    8.14679107184306179049E-4, 1.27545075667729118702E-5, 1.04314589657571990585E-7,
    4.60680728146520428211E-10, 1.10273215066240270757E-12, 1.38796531259578871258E-15,
    8.39158816283118707363E-19, 1.86958710162783236342E-22,
)


def _fresnel_value(x: torch.Tensor, sine: bool) -> torch.Tensor:
    ax = torch.abs(x)
    x2 = x * x
    x4 = x2 * x2
    if sine:
        near = ((ax * x2) * _poly(x4, _FRESNEL_SN)) / _poly(x4, _FRESNEL_SD)
    else:
        near = (ax * _poly(x4, _FRESNEL_CN)) / _poly(x4, _FRESNEL_CD)
    # The auxiliary functions f and g for large |x|.
    t = _reciprocal(x2 * math.pi)
    u = t * t
    f = 1.0 - u * (_poly(u, _FRESNEL_FN) / _poly(u, _FRESNEL_FD))
    g = (t * _poly(u, _FRESNEL_GN)) / _poly(u, _FRESNEL_GD)
    z = x2 * (math.pi / 2)
    c, s = _libm(torch.cos, z), _libm(torch.sin, z)
    scale = _reciprocal(ax * math.pi)
    if sine:
        far = 0.5 - (f * c + g * s) * scale
    else:
        far = 0.5 + (f * s - g * c) * scale
    y = torch.where(x2 < 2.5625, near, far)
    y = torch.where(ax > 36974.0, _full(0.5, x), y)
    return torch.where(x < 0, -y, y)


def _fresnel_cos_value(x: torch.Tensor) -> torch.Tensor:
    return _fresnel_value(x, sine=False)


def _fresnel_sin_value(x: torch.Tensor) -> torch.Tensor:
    return _fresnel_value(x, sine=True)


# ---------------------------------------------------------------------------
# Spence's function

_SPENCE_A = (
    4.65128586073990045278E-5, 7.31589045238094711071E-3, 1.33847639578309018650E-1,
    8.79691311754530315341E-1, 2.71149851196553469920E0, 4.25697156008121755724E0,
    3.29771340985225106936E0, 1.00000000000000000126E0,
)
_SPENCE_B = (
    6.90990488912553276999E-4, 2.54043763932544379113E-2, 2.82974860602568089943E-1,
    1.41172597751831069617E0, 3.63800533345137075418E0, 5.03278880143316990390E0,
    3.54771340985225096217E0, 9.99999999999999998740E-1,
)
_PI2_OVER_6 = math.pi * math.pi / 6.0


def _spence_value(x: torch.Tensor) -> torch.Tensor:
    x = _flushed(x)
    y = torch.where(x < 2.0, x, _flushed_reciprocal(x))
    w = torch.where(y < 0.5, -y, y - 1.0)
    w = torch.where(y > 1.5, _reciprocal(y) - 1.0, w)
    value = -w * (_poly(w, _SPENCE_A) / _poly(w, _SPENCE_B))
    z = _libm(torch.log, y)
    value = torch.where(y < 0.5, (-z * _libm(torch.log1p, -y) + _PI2_OVER_6) - value, value)
    value = torch.where(x > 1.5, (-0.5 * z) * z - value, value)
    value = torch.where(x == 1.0, _full(0.0, x), value)
    value = torch.where(x == 0.0, _full(_PI2_OVER_6, x), value)
    return torch.where(x < 0, _full(math.nan, x), value)


# ---------------------------------------------------------------------------
# Gradients and the ops


class _WithGradient(torch.autograd.Function):
    """`fn(x)` whose gradient is `gradient(grad, x, fn(x))` for an incoming `grad`."""

    @staticmethod
    def forward(x: torch.Tensor, fn: Any, gradient: Any) -> torch.Tensor:
        with _DisableSubclass():
            out: torch.Tensor = fn(x)
            return out

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: torch.Tensor) -> None:
        x, _, ctx.gradient = inputs
        ctx.save_for_backward(x, output)
        ctx.save_for_forward(x, output)
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad: Optional[torch.Tensor]
                 ) -> Tuple[Optional[torch.Tensor], None, None]:
        if grad is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None
        x, out = ctx.saved_tensors
        with _DisableSubclass():
            return ctx.gradient(grad, x, out), None, None

    @staticmethod
    def jvp(ctx: Any, tangent: Optional[torch.Tensor], *_: Any) -> torch.Tensor:
        x, out = ctx.saved_tensors
        with _DisableSubclass():
            result: torch.Tensor = ctx.gradient(zero_for(tangent, x), x, out)
            return result


@visible_to_modes
def _with_gradient(x: torch.Tensor, fn: Fn, gradient: Gradient) -> torch.Tensor:
    """`fn(x)`, with TF's registered gradient `gradient(grad, x, y)`; made of torch ops
    (these functions included), so that nested tapes differentiate it again."""
    if needs_grad(x):
        out: torch.Tensor = apply_function(_WithGradient, x, fn, gradient)
        return out
    with _DisableSubclass():
        return fn(x)


# TF's gradients (math_grad.py), operation for operation.

def _dawsn(x: torch.Tensor) -> torch.Tensor:
    return _with_gradient(x, _dawsn_value, lambda grad, x, y: grad * (1.0 - 2 * x * y))


def _expint(x: torch.Tensor) -> torch.Tensor:
    return _with_gradient(x, _expint_value, lambda grad, x, y: grad * torch.exp(x) / x)


def _fresnel_cos(x: torch.Tensor) -> torch.Tensor:
    return _with_gradient(x, _fresnel_cos_value,
                          lambda grad, x, y: grad * torch.cos((math.pi / 2) * torch.square(x)))


def _fresnel_sin(x: torch.Tensor) -> torch.Tensor:
    return _with_gradient(x, _fresnel_sin_value,
                          lambda grad, x, y: grad * torch.sin((math.pi / 2) * torch.square(x)))


def _spence_gradient(grad: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    partial = torch.where(x == 1.0, _full(-1.0, x), torch.log(x) / (1 - x))
    return grad * partial


def _spence(x: torch.Tensor) -> torch.Tensor:
    return _with_gradient(x, _spence_value, _spence_gradient)


_KERNEL_NAMES = {torch.float16: "DT_HALF", torch.bfloat16: "DT_BFLOAT16"}


def _special(op: str, kernel: Fn, name: str, doc: str) -> Callable[..., torch.Tensor]:
    """`tf.math.special.<name>`: TF op `op` computed by `kernel`, documented by `doc`
    (a summary, then an example), to which TF's arguments, result and errors are added."""
    def special(x: Any, name: Optional[str] = None) -> torch.Tensor:
        t = as_tensor(x)
        dtype = t.dtype
        if dtype not in FLOATING:
            raise disallowed(op, dtype, "bfloat16, half, float, double")
        if dtype in _KERNEL_NAMES:
            raise NotFoundError(
                None, None, f"Could not find device for node: {{{{node {op}}}}} = {op}"
                f"[T={_KERNEL_NAMES[dtype]}]\nAll kernels registered for op {op}:\n"
                "  device='CPU'; T in [DT_DOUBLE]\n  device='CPU'; T in [DT_FLOAT]\n"
                f" [Op:{op}]"
            )
        return call(op, kernel, (t,), t)

    special.__name__ = special.__qualname__ = name
    summary, example = doc.split("\n\n    >>>", 1)
    special.__doc__ = summary + """

    Args:
      x: A float32 or float64 `Tensor`.
      name: A name for the operation (ignored).

    Returns:
      A `Tensor` like `x`.

    >>>""" + example + """
    Raises:
      InvalidArgumentError: for an integer or complex `x`.
      NotFoundError: for half or bfloat16 (TF has no kernel for them).
    """
    return special


dawsn = _special("Dawsn", _dawsn, "dawsn", """Dawson's integral
    `exp(-x^2) * integral from 0 to x of exp(t^2) dt`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.dawsn(tf.constant([-1.0, 0.5, 2.0])))
    tf.Tensor([-0.5380795  0.4244364  0.3013404], shape=(3,), dtype=float32)
""")
expint = _special("Expint", _expint, "expint", """The exponential integral
    `Ei(x)`, the principal value of the integral from -inf to x of `exp(t) / t dt`,
    elementwise (NaN for x < 0, -inf at 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.expint(tf.constant([-1.0, 0.0, 1.0])))
    tf.Tensor([      nan      -inf 1.8951179], shape=(3,), dtype=float32)
""")
fresnel_cos = _special("FresnelCos", _fresnel_cos, "fresnel_cos", """The Fresnel cosine
    integral, the integral from 0 to x of `cos(pi t^2 / 2) dt`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.fresnel_cos(tf.constant([-0.5, 1.0])))
    tf.Tensor([-0.4923442  0.7798934], shape=(2,), dtype=float32)
""")
fresnel_sin = _special("FresnelSin", _fresnel_sin, "fresnel_sin", """The Fresnel sine
    integral, the integral from 0 to x of `sin(pi t^2 / 2) dt`, elementwise.

    >>> import tftape_torch as tf
    >>> print(tf.math.special.fresnel_sin(tf.constant([-0.5, 1.0])))
    tf.Tensor([-0.06473242  0.43825912], shape=(2,), dtype=float32)
""")
spence = _special("Spence", _spence, "spence", """Spence's function, the integral from
    1 to x of `log(t) / (1 - t) dt` (the dilogarithm `Li2(1 - x)`), elementwise (NaN
    for x < 0).

    >>> import tftape_torch as tf
    >>> print(tf.math.special.spence(tf.constant([0.0, 0.5, 2.0])))
    tf.Tensor([ 1.644934    0.58224034 -0.82246685], shape=(3,), dtype=float32)
""")
