"""`tf.image` color kernels and `tf.random` samplers at their edges, against
TensorFlow 2.21: NaN channels in `rgb_to_hsv` (Eigen's channel reductions, which skip
a NaN followed by a number), `adjust_saturation` (C++'s `std::max`/`std::min`, and its
double-precision hue constants) and `adjust_hue` (channels picked by comparisons, not
max/min); `rot90`'s int32 `k`; the Poisson samplers at rates where TF's kernel
answers without drawing (non-positive or infinite rates); and `tf.random.Generator`'s
state: an int64 variable that draws, `skip`, `binomial`, `make_seeds` and `split`
advance exactly as TF's do, with `reset*`, `from_state` and `from_key_counter` and
their checks.

Found by sweeping `tf.image` and `tf.random` against TF.
Answers live in `golden/cases_image_random_edges.json`.
"""

from __future__ import annotations

import numpy as np

from tests.conformance.harness import raises, tolerance

EXACT = {"rtol": 1e-7, "atol": 1e-30}

_NAN = np.nan


def _nan_pixels():
    """Every placement of NaN among three channels of distinct values, and infinities."""
    rows = []
    for nans in [(0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]:
        for values in [(0.2, 0.5, 0.9), (0.9, 0.2, 0.5), (0.5, 0.9, 0.2)]:
            rows.append([_NAN if i in nans else v for i, v in enumerate(values)])
    rows += [[np.inf, 0.1, 0.2], [-np.inf, 0.5, 0.5], [0.3, np.inf, -np.inf], [0.0, 0.0, 0.0]]
    return np.array(rows, np.float32).reshape(1, -1, 3)


@tolerance(**EXACT)
def case_rgb_to_hsv_nan_channels(tf):
    """A NaN channel made every HSV component NaN (torch's maximum propagates NaN);
    TF's reductions keep the channels after the last NaN, and its gradient follows."""
    x = tf.constant(_nan_pixels())
    with tf.GradientTape() as tape:
        tape.watch(x)
        hsv = tf.image.rgb_to_hsv(x)
        loss = tf.reduce_sum(hsv * tf.constant([[[1.0, -2.0, 0.5]]]))
    return {"hsv": hsv, "grad": tape.gradient(loss, x),
            "half": tf.image.rgb_to_hsv(tf.cast(x, tf.float16))}


@tolerance(**EXACT)
def case_adjust_saturation_nan_channels(tf):
    """A NaN channel gave NaN pixels where TF's kernel (C++ `std::max`/`std::min`,
    which pass over a NaN second argument) gives numbers."""
    x = tf.constant(_nan_pixels())
    return {str(s): tf.image.adjust_saturation(x, s) for s in (0.0, 0.5, 1.7)}


@tolerance(**EXACT)
def case_adjust_hue_nan_channels(tf):
    """TF's kernel picks the largest and smallest channel by comparisons, so a NaN
    channel is not always the maximum or minimum (torch's maximum/minimum made it so)."""
    x = tf.constant(_nan_pixels())
    return {str(d): tf.image.adjust_hue(x, d) for d in (0.0, 0.3, -0.8)}


@tolerance(**EXACT)
def case_adjust_saturation_double_hue_constants(tf):
    """TF's kernel adds the hue offsets 2/6 and 4/6 in double and rounds once; in
    float32 some pixels came out an ulp or more off (2.3e-7)."""
    rng = np.random.default_rng(1234)
    x = tf.constant(rng.uniform(-0.2, 1.2, (2, 40, 30, 3)).astype(np.float32))
    return {str(s): tf.image.adjust_saturation(x, s) for s in (0.4, 1.8, 3.0)}


def case_rot90_k_is_int32(tf):
    """TF converts `k` to an int32 scalar: an int64 or float tensor, a Python float or
    a non-scalar `k` raised nothing here."""
    image = tf.reshape(tf.range(6.0), [2, 3, 1])
    return {
        "int64_tensor": raises(lambda: tf.image.rot90(image, tf.constant(-1, tf.int64))),
        "float_tensor": raises(lambda: tf.image.rot90(image, tf.constant(1.0))),
        "python_float": raises(lambda: tf.image.rot90(image, 1.0)),
        "vector": raises(lambda: tf.image.rot90(image, [1])),
        "numpy_int64": tf.image.rot90(image, np.int64(3)),
        "numpy_float": tf.image.rot90(image, np.float32(1.0)),
        "bool": tf.image.rot90(image, True),
    }


_EDGE_RATES = [-1.0, -0.0, 0.0, -1e30, -np.inf, np.inf]


def case_stateless_poisson_edge_rates(tf):
    """TF draws 0 for a rate at or below 0 and inf (0 in an integer dtype) for an
    infinite one; torch's sampler raised on a negative rate."""
    return {dtype: tf.random.stateless_poisson([3, 6], (1, 2), lam=_EDGE_RATES,
                                               dtype=getattr(tf, dtype))
            for dtype in ("int32", "int64", "float16", "float32", "float64")}


def case_random_poisson_edge_rates(tf):
    """`tf.random.poisson` shares the sampler: no error for a negative rate."""
    return {dtype: tf.random.poisson([2], _EDGE_RATES, dtype=getattr(tf, dtype), seed=3)
            for dtype in ("int32", "float32")}


def _state(tf, g):
    return tf.identity(g.state)


def case_generator_state_advances(tf):
    """`Generator.state` (an int64 variable) was missing: each draw advances the
    counter by 256 per element, `skip(n)` as an `n`-element draw (wrapping in uint64,
    carrying into the high word), `binomial` by TF's reservation per batch member."""
    G = tf.random.Generator
    out = {}
    for seed in (0, 1, -5, 2**70 + 5):
        g = G.from_seed(seed)
        out[f"seed_{seed}"] = _state(tf, g)
        g.normal([2, 3])
        out[f"seed_{seed}_after_normal"] = _state(tf, g)
    g = G.from_seed(0)
    out["skip_returns"] = g.skip(3)
    out["after_skip"] = _state(tf, g)
    for name, delta in [("minus_one", -1), ("fraction", 2.5), ("tensor", tf.constant(2)),
                        ("wraps", 2**56 + 1)]:
        g = G.from_seed(0)
        g.skip(delta)
        out[f"skip_{name}"] = _state(tf, g)
    g = G.from_state([-1, -1, 7], "philox")
    g.skip(1)
    out["carry_wraps"] = _state(tf, g)
    for name, draw in [("uniform_int", lambda g: g.uniform([4], 0, 10, tf.int32)),
                       ("uniform_f64", lambda g: g.uniform([4], dtype=tf.float64)),
                       ("truncated", lambda g: g.truncated_normal([5])),
                       ("scalar", lambda g: g.normal([])),
                       ("empty", lambda g: g.normal([0])),
                       ("binomial", lambda g: g.binomial([3], 10.0, 0.5)),
                       ("binomial_batch", lambda g: g.binomial([5, 2, 3], [[10.0], [20.0]],
                                                               [0.5, 0.2, 0.1])),
                       ("binomial_empty", lambda g: g.binomial([0, 3], [1.0, 2.0, 3.0], 0.5)),
                       ("make_seeds", lambda g: g.make_seeds(3)),
                       ("split", lambda g: g.split(2))]:
        g = G.from_seed(0)
        draw(g)
        out[f"after_{name}"] = _state(tf, g)
    g = G.from_seed(1, "auto_select")
    g.normal([2])
    out["auto_select"] = _state(tf, g)
    return out


def case_generator_structure(tf):
    """The state variable's dtype, shape and trainability, `key`, `make_seeds`'s zero
    row, `split`'s zero counters, and binomial draws that need no randomness."""
    G = tf.random.Generator
    g = G.from_seed(3)
    seeds = G.from_seed(0).make_seeds(4)
    children = G.from_seed(0).split(3)
    return {
        "dtype": g.state.dtype, "shape": g.state.shape, "trainable": g.state.trainable,
        "algorithm": [G.from_seed(1).algorithm, G.from_seed(1, "threefry").algorithm],
        "key": G.from_seed([1, 2, 3]).key,
        "threefry_state": _state(tf, G.from_seed(4, "threefry")),
        "seeds_shape": seeds.shape, "seeds_dtype": seeds.dtype, "seeds_zero_row": seeds[1],
        "split_counters": [tf.identity(c.state[:2]) for c in children],
        "split_algorithm": [c.algorithm for c in G.from_seed(0, "auto_select").split(2)],
        "binomial_sure": G.from_seed(2).binomial([2, 3], [5.0, 8.0, 2.5], [0.0, 1.0, 1.0],
                                                 dtype=tf.float32),
        "binomial_dtype": G.from_seed(2).binomial([2], 10.0, 0.5, dtype=tf.int64).dtype,
    }


def case_generator_resets(tf):
    """`reset`, `reset_from_seed`, `reset_from_key_counter`, `from_state` (sharing a
    variable it is given), `from_key_counter` and copying, with TF's checks."""
    G = tf.random.Generator
    g = G.from_seed(3)
    held = g.state
    out = {}
    g.reset([9, 8, 7])
    out["reset"] = tf.identity(held)
    g.reset([2**64 - 1, 0, 2**63])
    out["reset_wraps"] = _state(tf, g)
    g.reset_from_seed([5, 6])
    out["reset_from_seed"] = _state(tf, g)
    g.reset_from_key_counter(5, [1, 2])
    out["reset_from_key_counter"] = _state(tf, g)
    out["from_key_counter"] = _state(tf, G.from_key_counter(5, [1], "threefry"))
    v = tf.Variable([1, 2, 3], dtype=tf.int64)
    out["from_state_shares"] = G.from_state(v, "philox").state is v
    original = G.from_seed(7)
    copy = G(copy_from=original)
    copy.skip(1)
    out["copy"] = [_state(tf, original), _state(tf, copy)]
    out["errors"] = {
        "reset_short": raises(lambda: g.reset([1, 2])),
        "reset_matrix": raises(lambda: g.reset([[1, 2, 3]])),
        "key_counter_short": raises(lambda: g.reset_from_key_counter(5, [1])),
        "key_not_scalar": raises(lambda: g.reset_from_key_counter([5], [1, 2])),
        "from_key_counter_long": raises(lambda: G.from_key_counter(5, [1, 2], "threefry")),
        "from_state_short": raises(lambda: G.from_state([4, 5], "philox")),
        "no_arguments": raises(lambda: G()),
        "copy_and_alg": raises(lambda: G(copy_from=original, alg=1)),
        "skip_vector": raises(lambda: G.from_seed(0).skip([1, 2])),
    }
    return out


def case_generator_errors(tf):
    """ThreeFry draws only under XLA in TF (UnimplementedError), binomial only with
    Philox and floating counts and probabilities of one dtype."""
    G = tf.random.Generator
    g = G.from_seed(1)
    threefry = G.from_seed(1, "threefry")
    return {
        "threefry_normal": raises(lambda: threefry.normal([2])),
        "threefry_skip": raises(lambda: threefry.skip(2)),
        "threefry_seeds": raises(lambda: threefry.make_seeds()),
        "threefry_binomial": raises(lambda: threefry.binomial([2], 10.0, 0.5)),
        "auto_binomial": raises(lambda: G.from_seed(1, 3).binomial([2], 10.0, 0.5)),
        "int_counts": raises(lambda: g.binomial([2], 10, 0.5)),
        "mixed_dtypes": raises(lambda: g.binomial([2], tf.constant(10.0, tf.float64), 0.5)),
        "bool_dtype": raises(lambda: g.binomial([2], 10.0, 0.5, dtype=tf.bool)),
        "shape_mismatch": raises(lambda: g.binomial([2], [10.0, 20.0, 30.0], 0.5)),
        "incompatible": raises(lambda: g.binomial([2, 3], [10.0, 20.0, 30.0], [0.5, 0.2])),
        "normal_int": raises(lambda: g.normal([2], dtype=tf.int32)),
        "uniform_bool": raises(lambda: g.uniform([2], dtype=tf.bool)),
        "state_after_errors": _state(tf, g),
    }


def case_stateless_ops_refuse_threefry(tf):
    """TF's non-XLA stateless kernels refuse ThreeFry's one-word counter
    (InvalidArgumentError); these ops drew numbers for it."""
    seed = (1, 2)

    def checks(alg):
        return {
            "uniform": raises(lambda: tf.random.stateless_uniform([3], seed, alg=alg)),
            "uniform_int": raises(lambda: tf.random.stateless_uniform([3], seed, 0, 5, tf.int32,
                                                                      alg=alg)),
            "normal": raises(lambda: tf.random.stateless_normal([3], seed, alg=alg)),
            "truncated": raises(lambda: tf.random.stateless_truncated_normal([3], seed,
                                                                              alg=alg)),
            "shuffle": raises(lambda: tf.random.experimental.stateless_shuffle(
                tf.range(4), seed, alg=alg)),
            "fold_in": raises(lambda: tf.random.fold_in(seed, 3, alg=alg)),
            "split": raises(lambda: tf.random.split(seed, 2, alg=alg)),
        }

    out = {str(alg): checks(alg) for alg in ("threefry", 2, tf.random.Algorithm.THREEFRY)}
    out["philox"] = tf.random.stateless_uniform([3], seed, alg="philox").shape
    return out


def case_stateless_binomial_integer_counts(tf):
    """TF registers `StatelessRandomBinomial` for floating counts and probabilities
    only (NotFoundError); integer counts drew numbers here."""
    return {
        "int32": raises(lambda: tf.random.stateless_binomial(
            [2, 3], (1, 2), counts=tf.constant([10, 20, 30]), probs=0.4)),
        "float": tf.random.stateless_binomial([2, 3], (1, 2), counts=[10.0, 20.0, 30.0],
                                              probs=0.4).shape,
        "python_counts": tf.random.stateless_binomial([3], (1, 2), counts=10, probs=1).dtype,
    }
