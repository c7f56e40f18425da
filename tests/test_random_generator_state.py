"""`tf.random.Generator`'s state (an int64 variable) decides its draws: a saved state
reset repeats them, `skip(n)` lands where an `n`-element draw does, a shared variable
or a copy gives the same stream, and an assignment to `state` repositions the
generator. The numbers are torch's (TF's streams are not reproduced), so the tests
compare draws with draws; the state values asserted come from TF's rules (a counter
advance of 256 per element), which `cases_image_random_edges` checks against TF."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
import torch

import tftape_torch as tf

G = tf.random.Generator


def _same(a, b) -> None:
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_reset_to_a_saved_state_repeats_the_draws() -> None:
    g = G.from_seed(11)
    g.normal([2])
    saved = g.state.numpy()
    draws = [g.normal([3]), g.uniform([2, 2]), g.uniform([4], 0, 9, tf.int64),
             g.truncated_normal([5]), g.uniform_full_int([2]), g.make_seeds(2),
             g.binomial([4], 10.0, 0.3)]
    g.reset(saved)
    again = [g.normal([3]), g.uniform([2, 2]), g.uniform([4], 0, 9, tf.int64),
             g.truncated_normal([5]), g.uniform_full_int([2]), g.make_seeds(2),
             g.binomial([4], 10.0, 0.3)]
    for a, b in zip(draws, again):
        assert a.dtype == b.dtype and a.shape == b.shape
        _same(a, b)


def test_skip_lands_where_a_draw_of_that_many_elements_does() -> None:
    drawn = G.from_seed(4)
    drawn.normal([2, 3])
    skipped = G.from_seed(4)
    before = skipped.skip(6)
    _same(before, [4, 0, 0])
    _same(skipped.state, drawn.state)
    _same(skipped.normal([5]), drawn.normal([5]))


def test_the_first_draw_depends_only_on_the_state() -> None:
    a = G.from_seed(9)
    b = G.from_state(a.state.numpy(), "philox")
    c = G(copy_from=a)
    first = a.uniform([4])
    _same(b.uniform([4]), first)
    _same(c.uniform([4]), first)
    assert not bool(tf.reduce_all(a.uniform([4]) == first))  # the state moved on


def test_auto_select_draws_the_philox_stream() -> None:
    _same(G.from_seed(2, "auto_select").normal([3]), G.from_seed(2, "philox").normal([3]))


def test_a_shared_variable_is_one_state() -> None:
    v = tf.Variable([0, 0, 42], dtype=tf.int64)
    a = G.from_state(v, "philox")
    b = G.from_state(v, "philox")
    assert a.state is v and b.state is v
    x = a.normal([2])
    _same(v, [512, 0, 42])
    y = b.normal([2])  # continues from a's draw
    assert not bool(tf.reduce_all(x == y))
    v.assign([0, 0, 42])
    _same(a.normal([2]), x)


def test_assigning_the_state_repositions_the_generator() -> None:
    g = G.from_seed(1)
    first = g.uniform([3])
    g.state.assign([1, 0, 0])
    _same(g.uniform([3]), first)


def test_reset_from_seed_and_key_counter_match_the_constructors() -> None:
    g = G.from_seed(3)
    g.normal([4])
    g.reset_from_seed(8)
    _same(g.normal([2]), G.from_seed(8).normal([2]))
    g.reset_from_key_counter(5, [7, 0])
    _same(g.normal([2]), G.from_key_counter(5, [7, 0], "philox").normal([2]))
    _same(G.from_key_counter(5, [7, 0], "philox").state, [7, 0, 5])


def test_split_children_start_at_counter_zero_with_drawn_keys() -> None:
    parent = G.from_seed(6)
    keys = G.from_seed(6).uniform_full_int([3], tf.int64)
    children = parent.split(3)
    _same(parent.state, [6 + 3 * 256, 0, 0])
    for child, key in zip(children, keys.numpy()):
        _same(child.state, [0, 0, key])
        assert child.algorithm == parent.algorithm
    _same(children[0].normal([2]), G.from_state([0, 0, keys.numpy()[0]], 1).normal([2]))


def test_make_seeds_are_full_int64_keys_over_zeros() -> None:
    seeds = G.from_seed(6).make_seeds(3)
    assert seeds.dtype == tf.int64 and seeds.shape == (2, 3)
    _same(seeds[0], G.from_seed(6).uniform_full_int([3], tf.int64))
    _same(seeds[1], [0, 0, 0])


def test_binomial_edges_need_no_randomness() -> None:
    g = G.from_seed(2)
    out = g.binomial([3, 4], [6.0, 6.0, 2.5, -1.0], [1.0, 0.0, 1.5, 0.5], dtype=tf.float64)
    assert out.dtype == tf.float64
    _same(out, np.tile([6.0, 0.0, 2.5, 0.0], (3, 1)))
    draws = g.binomial([500], 10.0, 0.3)
    assert draws.dtype == tf.int32
    assert 0 <= int(tf.reduce_min(draws)) and int(tf.reduce_max(draws)) <= 10


def test_binomial_with_a_nan_count_returns() -> None:
    # TF's sampler never returns for a NaN count; here it draws NaN (0 as an integer).
    out = tf.random.stateless_binomial([2], (1, 2), [np.nan, 3.0], 0.5, output_dtype=tf.float32)
    assert np.isnan(out.numpy()[0]) and 0 <= out.numpy()[1] <= 3
    out = G.from_seed(1).binomial([2], [np.nan, 3.0], 0.5)
    assert out.numpy()[0] == 0


def test_poisson_with_a_nan_rate_returns() -> None:
    # TF's sampler never returns for a NaN rate; here it draws NaN (0 as an integer).
    out = tf.random.stateless_poisson([2], (1, 2), lam=[np.nan, 2.0], dtype=tf.float32)
    assert np.isnan(out.numpy()[0])
    _same(tf.random.stateless_poisson([1], (1, 2), lam=[np.nan]), [0])


def test_checkpoint_keeps_the_state_variable(tmp_path: pathlib.Path) -> None:
    g = G.from_seed(1)
    g.normal([3])
    path = tf.train.Checkpoint(g=g).save(str(tmp_path / "g"))
    _same(tf.train.load_variable(path, "g/_state_var/.ATTRIBUTES/VARIABLE_VALUE"),
          [3 * 256 + 1, 0, 0])
    after = g.normal([2])
    tf.train.Checkpoint(g=g).restore(path).assert_consumed()
    _same(g.normal([2]), after)


def test_errors() -> None:
    with pytest.raises(AssertionError):
        G()
    with pytest.raises(AssertionError):
        G(copy_from=G.from_seed(1), state=[1, 2, 3])
    with pytest.raises(ValueError, match=r"Shapes \(2,\) and \[3\] are incompatible"):
        G.from_seed(1).reset([1, 2])
    with pytest.raises(ValueError, match=r"Shapes \(1,\) and \[\] are incompatible"):
        G.from_seed(1).reset_from_key_counter([5], [1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="must have shape"):
        G.from_seed(1).skip([1, 2])
    with pytest.raises(tf.errors.UnimplementedError, match="ThreeFry"):
        G.from_seed(1, "threefry").uniform([2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unsupported algorithm id: 2"):
        G.from_seed(1, "threefry").binomial([2], 10.0, 0.5)


def test_failed_draws_leave_the_state_alone() -> None:
    g = G.from_seed(1)
    for bad in (lambda: g.normal([2], dtype=tf.int32), lambda: g.uniform([2], dtype=tf.bool),
                lambda: g.binomial([2], 10, 0.5), lambda: g.binomial([2], [1.0, 2.0, 3.0], 0.5),
                lambda: g.uniform([2], minval=None, maxval=3, dtype=tf.int32)):
        with pytest.raises((TypeError, ValueError, tf.errors.InvalidArgumentError)):
            bad()
    _same(g.state, [1, 0, 0])


def test_determinism_refuses_non_deterministic_states() -> None:
    benchmark = torch.backends.cudnn.benchmark
    tf.config.experimental.enable_op_determinism()
    try:
        with pytest.raises(RuntimeError, match="determinism is enabled"):
            G.from_non_deterministic_state()
    finally:
        torch.use_deterministic_algorithms(False)
        torch.backends.cudnn.benchmark = benchmark
    assert G.from_non_deterministic_state().state.shape == (3,)
    assert G.from_non_deterministic_state("threefry").state.shape == (2,)
