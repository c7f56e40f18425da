"""`tf.math.special.dawsn`, `expint`, `fresnel_cos`, `fresnel_sin` and `spence`
against TensorFlow 2.21: values on grids through every branch of TF's Cephes
approximations (negative, small, medium and large arguments, the branch boundaries,
0, +-inf, NaN and the far tails) in float32 and float64, first and second
derivatives through nested tapes, a forward-mode derivative and the exception classes
for other dtypes. Answers live in `golden/cases_special_cephes.json`.

float64 agrees with TF to ~1e-15 relative (torch's and glibc's float64 `exp`/`log`
differ by an ulp); float32 to a few ulps. A second derivative loses its relative
accuracy near its own zeros (`expint`'' and `spence`'' near x = 1), hence the
absolute parts of the tolerances. Subnormal inputs are left out: TF's CPU kernels
flush them inconsistently (see `tftape_torch/_special_cephes.py`).
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises as _raises
from tests.conformance.harness import tolerance

NAMES = ("dawsn", "expint", "fresnel_cos", "fresnel_sin", "spence")

F32 = {"rtol": 1e-6, "atol": 1e-7}
F64 = {"rtol": 1e-13, "atol": 1e-200}
GRAD32 = {"rtol": 1e-5, "atol": 1e-5}
GRAD64 = {"rtol": 1e-13, "atol": 1e-13}

_EDGES = [
    0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 2.0, 0.5, 1.5, 1.6, 2.5625 ** 0.5,
    3.25, -3.25, 6.25, -6.25, 4.0, 8.0, 16.0, 32.0, 64.0, 36974.0, -36974.0, 36975.0,
    -36975.0, 1e5, 1e9, -1e9, 2e9, -2e9, 1e20, -1e20, 1e30, 3e38, 1e-3, 1e-7, -1e-7,
    1e-30,
]


def _grid(dtype, far=True):
    x = np.concatenate([
        np.linspace(-12.0, 0.0, 97),        # negative
        np.linspace(0.0, 2.0, 81),          # small (spence's and expint's first branch)
        np.linspace(2.0, 7.0, 81),          # medium (dawsn's and fresnel's switches)
        np.linspace(7.0, 90.0, 84),         # large (expint's tails, float32 overflow)
        np.geomspace(90.0, 1e12, 23) if far else [],
        _EDGES,
    ])
    return x.astype(dtype)


# Far arguments, 90 to 1e12, in float64 alone, where TF's own answers depend on the CPU
# it runs on (ours, on torch's kernels, agree with TF's on the same CPU):
# - `expint`'s exp(x) / x takes the rounding of TF's own `exp`: TF 2.21 gave
#   expint(257.55...) = 2.7860800821741976e+109 on an Intel Xeon and
#   2.7860800821735664e+109 on an AMD EPYC, 2.3e-13 apart;
# - the Fresnel integrals' tails are 1/2 plus a term in cos and sin of pi x^2 / 2, an
#   argument near 6e7 at x = 6035.9, whose rounding moves those terms by 1e-8 relative:
#   fresnel_sin(6035.9...) = 0.4999794398454431 on the Xeon, 0.4999794398407394 on the
#   EPYC, 9.4e-12 apart.
# Hence the looser relative tolerance.
FAR64 = {"rtol": 3e-11, "atol": 1e-200}


def _values(tf, dtype, far=True):
    x = tf.constant(_grid(np.float32 if dtype == tf.float32 else np.float64, far))
    return {name: getattr(tf.math.special, name)(x) for name in NAMES}


@tolerance(**F32)
def case_special_cephes_values_float32(tf):
    return _values(tf, tf.float32)


@tolerance(**F64)
def case_special_cephes_values_float64(tf):
    return _values(tf, tf.float64, far=False)


@tolerance(**FAR64)
def case_special_cephes_far_float64(tf):
    x = tf.constant(np.geomspace(90.0, 1e12, 23), tf.float64)
    return {name: getattr(tf.math.special, name)(x) for name in NAMES}


@tolerance(**F64)
def case_special_cephes_huge_float64(tf):
    x = tf.constant([1e100, 1e300, 1e307, 5e307, 1e308, -1e308, 1.7e308], tf.float64)
    return {name: getattr(tf.math.special, name)(x) for name in NAMES}


@tolerance(**F64)
def case_special_cephes_spence_near_one_float64(tf):
    x = tf.constant(np.concatenate([1.0 + np.linspace(-1e-3, 1e-3, 21),
                                    np.linspace(0.45, 0.55, 11),
                                    np.linspace(1.45, 1.55, 11),
                                    np.linspace(1.95, 2.05, 11)]), tf.float64)
    return tf.math.special.spence(x)


@tolerance(rtol=1e-6, atol=1e-6)
def case_special_cephes_python_and_shapes(tf):
    return {
        "python": tf.math.special.dawsn(1.5),
        "list": tf.math.special.fresnel_cos([0.25, 3.0]),
        "matrix": tf.math.special.spence(tf.reshape(tf.range(1.0, 7.0), [2, 3])),
        "scalar": tf.math.special.expint(tf.constant(3.0, tf.float64)),
        "empty": tf.math.special.fresnel_sin(tf.zeros([0, 2])),
        "named": tf.math.special.dawsn(tf.constant([2.0]), name="d"),
    }


def _grad_grid():
    return np.concatenate([
        np.linspace(-9.0, 9.0, 73), np.linspace(0.05, 2.0, 40), np.linspace(2.0, 70.0, 69),
        [0.0, 1.0, 2.0, 3.25, 6.25, 1e10, -1e10, 40000.0, np.inf, -np.inf, np.nan, 1e-5],
    ])


def _derivatives(tf, dtype):
    x = tf.constant(_grad_grid(), dtype)
    out = {}
    for name in NAMES:
        fn = getattr(tf.math.special, name)
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = fn(x)
            dy = inner.gradient(y, x)
        out[name] = {"dy": dy, "d2y": outer.gradient(dy, x)}
    return out


@tolerance(**GRAD32)
def case_special_cephes_derivatives_float32(tf):
    return _derivatives(tf, tf.float32)


@tolerance(**GRAD64)
def case_special_cephes_derivatives_float64(tf):
    return _derivatives(tf, tf.float64)


@tolerance(**GRAD64)
def case_special_cephes_third_derivative_float64(tf):
    x = tf.constant([-2.0, -0.3, 0.4, 1.3, 2.7, 5.0], tf.float64)
    xp = tf.constant([0.3, 0.9, 1.3, 2.7, 5.0, 12.0], tf.float64)
    out = {}
    for name in NAMES:
        arg = xp if name in ("expint", "spence") else x
        with tf.GradientTape() as t3:
            t3.watch(arg)
            with tf.GradientTape() as t2:
                t2.watch(arg)
                with tf.GradientTape() as t1:
                    t1.watch(arg)
                    y = getattr(tf.math.special, name)(arg)
                d1 = t1.gradient(y, arg)
            d2 = t2.gradient(d1, arg)
        out[name] = t3.gradient(d2, arg)
    return out


@tolerance(**GRAD64)
def case_special_cephes_gradient_chain_float64(tf):
    x = tf.constant([0.2, 0.8, 1.7, 3.5, 7.0], tf.float64)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.math.special.dawsn(x) * tf.math.special.spence(x)
                          + tf.math.special.expint(x * 0.5)
                          * tf.math.special.fresnel_cos(tf.sin(x)))
        z = tf.math.special.fresnel_sin(tf.math.special.fresnel_sin(x)) * 3.0
    return {"y": y, "dy": tape.gradient(y, x), "dz": tape.gradient(z, x)}


@tolerance(**GRAD64)
def case_special_cephes_forward_mode_float64(tf):
    x = tf.constant([0.3, 1.0, 2.5, 7.0], tf.float64)
    out = {}
    for name in NAMES:
        with tf.autodiff.ForwardAccumulator(x, tf.ones_like(x)) as acc:
            y = getattr(tf.math.special, name)(x)
        out[name] = acc.jvp(y)
    return out


def case_special_cephes_errors(tf):
    out = {}
    for name in NAMES:
        fn = getattr(tf.math.special, name)
        out[name] = {
            "int32": _raises(lambda fn=fn: fn(tf.constant([1, 2]))),
            "int64": _raises(lambda fn=fn: fn(tf.constant([1, 2], tf.int64))),
            "complex64": _raises(lambda fn=fn: fn(tf.constant([1 + 1j], tf.complex64))),
            "float16": _raises(lambda fn=fn: fn(tf.constant([1.0], tf.float16))),
            "bfloat16": _raises(lambda fn=fn: fn(tf.constant([1.0], tf.bfloat16))),
            "bool": _raises(lambda fn=fn: fn(tf.constant([True]))),
        }
    return out
