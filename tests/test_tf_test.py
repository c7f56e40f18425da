"""`tf.test`: `TestCase`'s assertions, sessions and seeding, and `compute_gradient`.

Expected values are TF 2.21's (run with `import tensorflow as tf` on the same calls)
or follow from the mathematics stated beside them.
"""

from __future__ import annotations

import collections
import io
import unittest
from typing import Any, Callable

import numpy as np
import pytest

import tftape_torch as tf


def outcome(check: Callable[[tf.test.TestCase], Any]) -> str:
    """The class of what `check(case)` raised ('ok' if nothing)."""
    case = tf.test.TestCase()
    try:
        check(case)
    except BaseException as error:  # noqa: BLE001 - the class is the answer
        return type(error).__name__
    return "ok"


@pytest.mark.parametrize(
    "check, expected",
    [
        (lambda c: c.assertAllClose([1.0, 2.0], tf.constant([1.0, 2.0])), "ok"),
        (lambda c: c.assertAllClose({"a": (1.0, [2.0])}, {"a": (tf.constant(1.0), [2.0000001])}),
         "ok"),
        (lambda c: c.assertAllClose([1.0], [1.1]), "AssertionError"),
        (lambda c: c.assertAllClose({"a": 1}, [1]), "ValueError"),
        (lambda c: c.assertAllClose([1, 2], [1, 2, 3]), "AssertionError"),
        (lambda c: c.assertAllClose([tf.ones([2]), tf.ones([3])], [np.ones(2), np.ones(3)]),
         "ok"),
        (lambda c: c.assertAllClose([np.ones(2), np.ones(3)], [np.ones(2), np.ones(2)]),
         "AssertionError"),
        (lambda c: c.assertAllClose(collections.namedtuple("P", "x y")(1.0, 2.0),
                                    {"x": 1.0, "y": 2.0}), "ok"),
        (lambda c: c.assertAllEqual([1, 2], [1, 3]), "AssertionError"),
        (lambda c: c.assertAllEqual([np.nan, 1.0], tf.constant([np.nan, 1.0])), "ok"),
        (lambda c: c.assertAllEqual(tf.constant([[1, 2]]), [1, 2]), "AssertionError"),
        (lambda c: c.assertNotAllClose([1.0], [1.0]), "AssertionError"),
        (lambda c: c.assertNotAllClose([1.0], [2.0]), "ok"),
        (lambda c: c.assertNotAllEqual([1], [1]), "AssertionError"),
        (lambda c: c.assertAllInRange(tf.constant([1.0, 5.0]), 0, 2), "AssertionError"),
        (lambda c: c.assertAllInRange(tf.constant([1.0, 2.0]), 1, 2), "ok"),
        (lambda c: c.assertAllInRange([1.0, 2.0], 1, 2, open_upper_bound=True), "AssertionError"),
        (lambda c: c.assertAllInRange([np.nan], 0, 1), "AssertionError"),
        (lambda c: c.assertAllInSet([1, 4], [1, 2]), "AssertionError"),
        (lambda c: c.assertNear(1.0, 1.2, 0.1), "AssertionError"),
        (lambda c: c.assertArrayNear([1.0, 2.0], [1.05, 2.0], 0.1), "ok"),
        (lambda c: c.assertDTypeEqual(tf.constant([1]), np.float32), "AssertionError"),
        (lambda c: c.assertDTypeEqual(tf.constant([1.0]), np.float32), "ok"),
        (lambda c: c.assertShapeEqual(np.ones(2), tf.ones(3)), "AssertionError"),
        (lambda c: c.assertShapeEqual([1], np.ones(1)), "TypeError"),
        (lambda c: c.assertAllGreater(tf.constant([1, 2]), 1), "AssertionError"),
        (lambda c: c.assertAllLessEqual(tf.constant([1, 2]), 2), "ok"),
        (lambda c: c.assertAllCloseAccordingToType(np.float16(1.0), np.float16(1.002)), "ok"),
        (lambda c: c.assertAllCloseAccordingToType(np.float16(1.0), np.float16(1.003)),
         "AssertionError"),
        (lambda c: c.assertAllCloseAccordingToType(np.float16(1.0), np.float16(1.0005)), "ok"),
        (lambda c: c.assertItemsEqual([1, 2], [2, 1]), "ok"),
        (lambda c: c.assertSameElements([1, 2, 2], [2, 1]), "ok"),
        (lambda c: c.assertSameElements([1, 3], [2, 1]), "AssertionError"),
        (lambda c: c.assertStartsWith("abc", "b"), "AssertionError"),
        (lambda c: c.assertDeviceEqual("/GPU:0", "/device:gpu:0"), "ok"),
    ],
)
def test_assertions_pass_and_fail_as_in_tf(check: Any, expected: str) -> None:
    assert outcome(check) == expected


def test_failure_messages_are_tfs() -> None:
    case = tf.test.TestCase()
    with pytest.raises(AssertionError) as info:
        case.assertAllInRange(tf.constant([1.0, 5.0]), 0, 2)
    assert str(info.value) == (
        "1 of the 2 element(s) are outside the range [0, 2]. Subscript(s) and value(s) of the "
        "offending elements:\n  [1] : 5.0")
    with pytest.raises(AssertionError) as info:
        case.assertAllInSet([1, 4], [1, 2])
    assert str(info.value) == "1 unique element(s) are not in the set [1, 2]: [4]"
    with pytest.raises(AssertionError) as info:
        case.assertAllClose([1.0], [1.1])
    assert "not close lhs = [1.]" in str(info.value)
    assert "not close rhs = [1.1]" in str(info.value)
    with pytest.raises(AssertionError, match=r"1.000000 != 1.200000 \+/- 0.100000"):
        case.assertNear(1.0, 1.2, 0.1)


def test_op_errors_match_their_message() -> None:
    case = tf.test.TestCase()
    with case.assertRaisesOpError("Incompatible shapes: \\[2\\] vs. \\[3\\]"):
        tf.ones([2]) + tf.ones([3])
    with case.assertRaisesIncompatibleShapesError():
        tf.ones([2, 3]) * tf.ones([3, 2])
    with pytest.raises(AssertionError, match="Exception of type"):
        with case.assertRaisesOpError("xyz"):
            tf.ones([2]) + tf.ones([3])
    with pytest.raises(AssertionError, match="OpError not raised"):
        with case.assertRaisesOpError("xyz"):
            pass


def test_evaluate_and_eager_sessions() -> None:
    case = tf.test.TestCase()
    value = case.evaluate({"x": tf.constant([1, 2]), "y": [tf.constant(1.0), None]})
    assert isinstance(value["x"], np.ndarray) and value["x"].tolist() == [1, 2]
    assert value["y"][0] == np.float32(1.0) and value["y"][1] is None
    assert case.evaluate(lambda: tf.constant(3.0)) == 3.0
    with case.cached_session() as session:
        assert type(session).__name__ == "FakeEagerSession"
        assert session.run(tf.constant([2.0])).tolist() == [2.0]
        with pytest.raises(RuntimeError, match="feed_dict is not supported"):
            session.run(tf.constant(1.0), feed_dict={1: 2})
    with case.session() as session:
        with pytest.raises(AttributeError, match="while eager execution is enabled"):
            session.run(tf.constant(1.0))
    assert case.get_temp_dir() == case.get_temp_dir()


def test_set_up_seeds_the_streams_and_test_session_is_skipped() -> None:
    seen = {}

    class Seeded(tf.test.TestCase):
        def test_draws(self) -> None:
            seen["numpy"] = np.random.rand()
            seen["tf"] = float(tf.random.uniform([]))

    result = unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Seeded))
    assert result.wasSuccessful()
    # TF runs `test_draws` and its own `test_session`, which it skips.
    assert (result.testsRun, len(result.skipped)) == (2, 1)
    assert seen["numpy"] == 0.18463433217903202  # np.random.seed(87654321), as TF's setUp
    first = seen["tf"]
    unittest.TextTestRunner(stream=io.StringIO()).run(
        unittest.defaultTestLoader.loadTestsFromTestCase(Seeded))
    assert seen["tf"] == first  # tf.random.set_seed(87654321) before each test


def test_compute_gradient_matches_tf() -> None:
    theoretical, numeric = tf.test.compute_gradient(lambda x: x * x, [1.0])
    assert theoretical[0].dtype == np.float32 and theoretical[0].tolist() == [[2.0]]
    assert numeric[0].tolist() == [[2.0]]
    # TF 2.21: d(x @ y)/dx and d(x @ y)/dy for x = ones, y = [[0, 1], [2, 3]], float64.
    theoretical, numeric = tf.test.compute_gradient(
        lambda x, y: tf.matmul(x, y), [np.ones((2, 2)), np.arange(4.0).reshape(2, 2)])
    dx = [[0, 2, 0, 0], [1, 3, 0, 0], [0, 0, 0, 2], [0, 0, 1, 3]]
    dy = [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1]]
    for got in (theoretical, numeric):
        assert [j.dtype for j in got] == [np.float64, np.float64]
        np.testing.assert_allclose(got[0], dx, atol=1e-12)
        np.testing.assert_allclose(got[1], dy, atol=1e-12)
    # Complex: real(x * x) at 1 + 2i, as reals (re, im): [2 re, -2 im] = [2, -4] (TF too).
    theoretical, numeric = tf.test.compute_gradient(
        lambda x: tf.math.real(x * x), [tf.constant([1 + 2j], tf.complex64)])
    assert theoretical[0].dtype == np.float32
    np.testing.assert_allclose(theoretical[0], [[2.0, -4.0]])
    np.testing.assert_allclose(numeric[0], [[2.0, -4.0]])
    theoretical, numeric = tf.test.compute_gradient(lambda x: x * x, [tf.constant([1.0, 2.0])],
                                                    delta=0.5)
    assert theoretical[0].tolist() == numeric[0].tolist() == [[2.0, 0.0], [0.0, 4.0]]


def test_compute_gradient_of_an_unused_argument_is_zero() -> None:
    theoretical, numeric = tf.test.compute_gradient(lambda x, y: x * 2.0, [1.0, 5.0])
    assert theoretical[1].tolist() == numeric[1].tolist() == [[0.0]]
    assert theoretical[0].tolist() == [[2.0]]


def test_compute_gradient_errors() -> None:
    with pytest.raises(ValueError, match="must be a list or tuple"):
        tf.test.compute_gradient(lambda x: x, 1.0)
    with pytest.raises(AssertionError,
                       match="Cannot compute gradient for unsupported type int32 of argument 0"):
        tf.test.compute_gradient(lambda x: x, [tf.constant([1])])


def test_compute_gradient_checks_a_custom_gradient() -> None:
    @tf.custom_gradient
    def wrong_square(x: Any) -> Any:
        return x * x, lambda dy: dy * x  # should be 2 x
    theoretical, numeric = tf.test.compute_gradient(wrong_square, [tf.constant([3.0])])
    assert theoretical[0].tolist() == [[3.0]]
    np.testing.assert_allclose(numeric[0], [[6.0]], rtol=1e-3)


def test_build_queries() -> None:
    import torch

    assert tf.test.is_built_with_cuda() == (torch.version.cuda is not None)
    assert tf.test.is_gpu_available() == torch.cuda.is_available()
    assert tf.test.gpu_device_name() == ("/device:GPU:0" if torch.cuda.is_available() else "")
    assert tf.test.is_built_with_xla() is True
