"""`tf.test.TestCase`: `unittest.TestCase` with TF's assertions on tensors and arrays.

TF's test suites subclass `tf.test.TestCase`; with `import tftape_torch as tf` they run
unchanged. What it adds to `unittest.TestCase`, as TF's does in eager mode:

* `setUp` seeds Python's `random`, NumPy's global generator and `tf.random` with
  TF's default graph seed (87654321), so each test starts from the same streams;
* `evaluate` turns tensors (nested in lists, tuples, dicts) into NumPy values;
* `assertAllClose` (nested structures, dicts and namedtuples too; `rtol` and
  `atol` of 1e-6), `assertAllCloseAccordingToType`, `assertAllEqual` (NaNs equal),
  their negations, `assertAllGreater`/`Less`/`GreaterEqual`/`LessEqual`,
  `assertAllInRange`, `assertAllInSet`, `assertNear`, `assertArrayNear`,
  `assertNDArrayNear`, `assertDTypeEqual`, `assertShapeEqual`, `assertStartsWith`,
  `assertRaisesOpError` and `assertRaisesWithPredicateMatch`, `assertItemsEqual`,
  `assertSameElements`, with TF's failure messages;
* `session()`/`cached_session()` yield what TF's yield in eager mode (a session
  whose `run` evaluates; one that refuses everything), and a method named
  `test_session` is skipped as a test, as in TF;
* `get_temp_dir` gives one temporary directory per test.

>>> import tftape_torch as tf
>>> class SquareTest(tf.test.TestCase):
...     def test_square(self):
...         self.assertAllClose(tf.square([1.0, 2.0]), [1.0, 4.0])
>>> import unittest
>>> unittest.TextTestRunner(stream=open(__import__("os").devnull, "w")).run(
...     unittest.defaultTestLoader.loadTestsFromTestCase(SquareTest)).wasSuccessful()
True
"""

from __future__ import annotations

import collections.abc
import contextlib
import itertools
import random as _python_random
import re
import tempfile
import unittest
from typing import Any, Callable, Iterator, List, Optional, Tuple, Union

import numpy as np
import torch

from tftape_torch import _structure
from tftape_torch import random as _tf_random
from tftape_torch._device import canonical_device_name
from tftape_torch._printing import numpy_value
from tftape_torch.errors import InvalidArgumentError, OpError

__all__ = ["TestCase"]

#: TF's `random_seed.DEFAULT_GRAPH_SEED`, which `TestCase.setUp` seeds every stream with.
DEFAULT_SEED = 87654321


def _where(condition: np.ndarray) -> Any:
    return np.asarray(condition).nonzero()


def _mismatched(a: np.ndarray, b: np.ndarray, bad: np.ndarray,
                word: str) -> Tuple[np.ndarray, np.ndarray, List[str]]:
    """The elements of `a` and `b` where `bad` holds (both whole for 0-d values), and
    TF's "not <word> where = ..." line."""
    if not a.ndim:
        return a, b, []
    return a[_where(bad)], b[_where(bad)], [f"not {word} where = {_where(bad)}"]


class FakeEagerSession:
    """What `cached_session()` yields in eager mode: `run(t)` is `evaluate(t)`."""

    def __init__(self, test_case: TestCase) -> None:
        self._test_case = test_case

    def run(self, fetches: Any, *args: Any, **kwargs: Any) -> Any:
        if kwargs.pop("feed_dict", {}):
            raise RuntimeError(
                "feed_dict is not supported when eager execution is enabled "
                "(in this case, sess.run(t) is shorthand for t.numpy()")
        if args or kwargs:
            raise RuntimeError(
                "Optional args are not supported when eager execution is enabled "
                "(in this case, sess.run(t) is shorthand for t.numpy()")
        return self._test_case.evaluate(fetches)


class _SessionRefused:
    """What `session()` yields in eager mode: every attribute is TF's error."""

    def __getattr__(self, attr: str) -> Any:
        raise AttributeError(
            "Trying to access properties or call methods on the result of "
            "self.session(), self.cached_session(), etc while eager execution "
            "is enabled. If you're porting this test case to TF 2.0, either "
            "adapt the test to work with eager execution or insert a call to "
            "tf.disable_eager_execution() in the main() function of this test "
            "file.")


class TestCase(unittest.TestCase):
    """A `unittest.TestCase` with TensorFlow's assertions (see the module docstring).

    >>> import tftape_torch as tf
    >>> case = tf.test.TestCase()
    >>> case.assertAllEqual(tf.constant([1, 2]), [1, 2])
    >>> case.evaluate({"x": tf.constant(2.0)})
    {'x': np.float32(2.0)}
    """

    _temp_dir: Optional[str] = None

    def setUp(self) -> None:
        super().setUp()
        _python_random.seed(DEFAULT_SEED)
        np.random.seed(DEFAULT_SEED)
        _tf_random.set_seed(DEFAULT_SEED)
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")

    # -- values -------------------------------------------------------------

    def evaluate(self, tensors: Any) -> Any:
        """`tensors` (a tensor, or a nested structure of them) as NumPy values."""
        return _structure.map_structure(_numpy_value, tensors)

    def _GetNdArray(self, a: Any) -> np.ndarray:  # noqa: N802 - TF's name
        if isinstance(a, torch.Tensor):
            a = _numpy_value(a)
        if isinstance(a, np.ndarray):
            return a
        try:
            return np.array(a)
        except ValueError as error:
            if "inhomogeneous shape" in str(error):
                return np.array(a, dtype=object)
            raise

    # -- sessions (eager: stand-ins) -------------------------------------------

    @contextlib.contextmanager
    def session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                force_gpu: bool = False) -> Iterator[Any]:
        """TF's graph session; in eager mode an object that refuses every use."""
        yield _SessionRefused()

    @contextlib.contextmanager
    def cached_session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                       force_gpu: bool = False) -> Iterator[Any]:
        """TF's cached graph session; in eager mode `run(t)` evaluates `t`."""
        yield FakeEagerSession(self)

    @contextlib.contextmanager
    def test_session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                     force_gpu: bool = False) -> Iterator[Any]:
        """Deprecated: use `cached_session`. As a test (its name), it is skipped."""
        if self.id().endswith(".test_session"):
            self.skipTest(
                "Tests that have the name \"test_session\" are automatically skipped "
                "by TensorFlow test fixture, as the name is reserved for creating "
                "sessions within tests. Please rename your test if you have a test "
                "with this name.")
        yield None

    def get_temp_dir(self) -> str:
        """One temporary directory for this test (the same on every call)."""
        if self._temp_dir is None:
            self._temp_dir = tempfile.mkdtemp(prefix=f"{self.id()}-")
        return self._temp_dir

    # -- closeness ------------------------------------------------------------

    def assertNear(self, f1: Any, f2: Any, err: float, msg: Optional[str] = None) -> None:  # noqa: N802
        """Asserts |f1 - f2| <= err."""
        f1, f2 = np.squeeze(f1), np.squeeze(f2)
        if f1 != f2:  # inf == inf
            diff = abs(float(f1) - float(f2))
            self.assertTrue(
                diff <= err,
                f"{f1:f} != {f2:f} +/- {err:f} (difference: {diff:g})"
                + (f" ({msg})" if msg is not None else ""))

    def assertArrayNear(self, farray1: Any, farray2: Any, err: float,  # noqa: N802
                        msg: Optional[str] = None) -> None:
        """Asserts that two lists of floats are elementwise within `err`."""
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1: Any, ndarray2: Any, err: float,  # noqa: N802
                          msg: Optional[str] = None) -> None:
        """Asserts that the norm of `ndarray1 - ndarray2` is below `err`."""
        self.assertTrue(np.linalg.norm(ndarray1 - ndarray2) < err, msg=msg)

    def _assertArrayLikeAllClose(self, a: Any, b: Any, rtol: float = 1e-6,  # noqa: N802
                                 atol: float = 1e-6, msg: Optional[str] = None) -> None:
        a, b = self._GetNdArray(a), self._GetNdArray(b)
        if a.shape != b.shape and (b.ndim <= 3 or b.size < 500):
            mismatch = f"Shape mismatch: expected {a.shape}, got {b.shape} with contents {b}."
        else:
            mismatch = f"Shape mismatch: expected {a.shape}, got {b.shape}."
        self.assertEqual(a.shape, b.shape, mismatch)
        if np.allclose(a, b, rtol=rtol, atol=atol):
            return
        far = np.logical_or(np.abs(a - b) > atol + rtol * np.abs(b), np.isnan(a) != np.isnan(b))
        x, y, where = _mismatched(a, b, far, "close")
        lines = [msg, *where]
        lines.append(f"not close lhs = {x}")
        lines.append(f"not close rhs = {y}")
        lines.append(f"not close dif = {np.abs(x - y)}")
        lines.append(f"not close tol = {atol + rtol * np.abs(y)}")
        lines.append(f"dtype = {a.dtype}, shape = {a.shape}")
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg="\n".join(
            str(line) for line in lines), equal_nan=True)

    def _assertAllCloseRecursive(self, a: Any, b: Any, rtol: float, atol: float,  # noqa: N802
                                 path: List[Any], msg: Optional[str]) -> None:
        where = "[" + "][".join(str(p) for p in path) + "]" if path else ""
        msg = msg or ""
        if hasattr(a, "_asdict"):
            a = a._asdict()
        if hasattr(b, "_asdict"):
            b = b._asdict()
        a_is_dict = isinstance(a, collections.abc.Mapping)
        if a_is_dict != isinstance(b, collections.abc.Mapping):
            raise ValueError(f"Can't compare dict to non-dict, a{where} vs b{where}. {msg}")
        mismatched = f"Mismatched value: a{where} is different from b{where}. {msg}"
        if a_is_dict:
            self.assertCountEqual(
                a.keys(), b.keys(),
                msg=f"mismatched keys: a{where} has keys {a.keys()}, but b{where} has keys "
                f"{b.keys()}. {msg}")
            for key in a:
                self._assertAllCloseRecursive(a[key], b[key], rtol, atol, path + [key], msg)
        elif isinstance(a, (list, tuple)):
            # As arrays first; item by item where the items are not one array.
            try:
                a_array, b_array = self._GetNdArray(a), self._GetNdArray(b)
                self._assertArrayLikeAllClose(a_array, b_array, rtol, atol, mismatched)
            except (ValueError, TypeError, NotImplementedError):
                if len(a) != len(b):
                    raise ValueError(
                        f"Mismatched length: a{where} has {len(a)} items, but b{where} has "
                        f"{len(b)} items. {msg}") from None
                for index, (a_item, b_item) in enumerate(zip(a, b)):
                    self._assertAllCloseRecursive(a_item, b_item, rtol, atol,
                                                  path + [str(index)], msg)
        else:
            try:
                self._assertArrayLikeAllClose(a, b, rtol, atol, mismatched)
            except TypeError as error:
                note = f"Error: a{where} has {type(a)}, but b{where} has {type(b)}. {msg}"
                error.args = (str(error.args[0]) + " : " + note,) + error.args[1:]
                raise

    def assertAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,  # noqa: N802
                       msg: Optional[str] = None) -> None:
        """Asserts that two structures of arrays or tensors are elementwise close
        (`|a - b| <= atol + rtol * |b|`, NumPy's rule).

        Raises:
          AssertionError: where values or shapes differ.
          ValueError: where only one of `a[p]` and `b[p]` is a dict, or lengths differ.
        """
        self._assertAllCloseRecursive(a, b, rtol, atol, [], msg)

    def assertAllCloseAccordingToType(  # noqa: N802
        self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,
        float_rtol: float = 1e-6, float_atol: float = 1e-6, half_rtol: float = 1e-3,
        half_atol: float = 1e-3, bfloat16_rtol: float = 1e-2, bfloat16_atol: float = 1e-2,
        msg: Optional[str] = None,
    ) -> None:
        """`assertAllClose` with the tolerances widened for float32, float16 and
        bfloat16 operands."""
        bfloat16 = isinstance(a, torch.Tensor) and a.dtype == torch.bfloat16 or (
            isinstance(b, torch.Tensor) and b.dtype == torch.bfloat16)
        a, b = self._GetNdArray(a), self._GetNdArray(b)
        if {a.dtype, b.dtype} & {np.dtype(np.float32), np.dtype(np.complex64)}:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if np.dtype(np.float16) in (a.dtype, b.dtype):
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if bfloat16:
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,  # noqa: N802
                          msg: Optional[str] = None) -> None:
        """Asserts that `a` and `b` are not close at some element."""
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol, msg=msg)
        except AssertionError:
            return
        raise AssertionError("The two values are close at all elements. %s" % (msg or ""))

    # -- equality ---------------------------------------------------------------

    def assertAllEqual(self, a: Any, b: Any, msg: Optional[str] = None) -> None:  # noqa: N802
        """Asserts that two arrays or tensors have the same shape and values (NaNs
        count as equal)."""
        msg = msg or ""
        a, b = self._GetNdArray(a), self._GetNdArray(b)
        if b.ndim <= 3 or b.size < 500:
            self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got {b.shape}."
                             f" Contents: {b!r}. \n{msg}.")
        else:
            self.assertEqual(a.shape, b.shape, f"Shape mismatch: expected {a.shape}, got {b.shape}."
                             f" {msg}")
        same = a == b
        if a.dtype.kind in "fc":
            same = np.logical_or(same, np.logical_and(np.isnan(a), np.isnan(b)))
        if np.all(same):
            return
        x, y, where = _mismatched(a, b, np.logical_not(same), "equal")
        lines = [msg, *where]
        lines.append(f"not equal lhs = {x!r}")
        lines.append(f"not equal rhs = {y!r}")
        np.testing.assert_array_equal(a, b, err_msg="\n".join(lines))

    def assertNotAllEqual(self, a: Any, b: Any, msg: Optional[str] = None) -> None:  # noqa: N802
        """Asserts that `a` and `b` differ at some element."""
        try:
            self.assertAllEqual(a, b)
        except AssertionError:
            return
        raise AssertionError("The two values are equal at all elements. %s" % (msg or ""))

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Asserts every element of `a` is greater than `comparison_target`."""
        self.assertGreater(np.min(self._GetNdArray(a)), comparison_target)

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Asserts every element of `a` is less than `comparison_target`."""
        self.assertLess(np.max(self._GetNdArray(a)), comparison_target)

    def assertAllGreaterEqual(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Asserts every element of `a` is at least `comparison_target`."""
        self.assertGreaterEqual(np.min(self._GetNdArray(a)), comparison_target)

    def assertAllLessEqual(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        """Asserts every element of `a` is at most `comparison_target`."""
        self.assertLessEqual(np.max(self._GetNdArray(a)), comparison_target)

    def assertAllInRange(self, target: Any, lower_bound: Any, upper_bound: Any,  # noqa: N802
                         open_lower_bound: bool = False, open_upper_bound: bool = False) -> None:
        """Asserts every element of `target` lies in the range (no NaNs).

        Raises:
          AssertionError: for a non-numeric dtype, NaNs, or elements outside.
        """
        target = self._GetNdArray(target)
        if not (np.issubdtype(target.dtype, np.floating)
                or np.issubdtype(target.dtype, np.integer)):
            raise AssertionError(
                f"The value of {target} does not have an ordered numeric type, instead it "
                f"has type: {target.dtype}")
        nans = _where(np.isnan(target))
        if np.size(nans):
            raise AssertionError(
                f"{len(nans[0])} of the {np.size(target)} element(s) are NaN. Subscripts(s) "
                "and value(s) of the NaN element(s):\n"
                + "\n".join(_subscripts(nans, target)))
        bounds = ("(" if open_lower_bound else "[") + str(lower_bound) + ", " + str(
            upper_bound) + (")" if open_upper_bound else "]")
        below = target <= lower_bound if open_lower_bound else target < lower_bound
        above = target >= upper_bound if open_upper_bound else target > upper_bound
        outside = _where(np.logical_or(below, above))
        if np.size(outside):
            raise AssertionError(
                f"{len(outside[0])} of the {np.size(target)} element(s) are outside the range "
                f"{bounds}. "
                + "Subscript(s) and value(s) of the offending elements:\n"
                + "\n".join(_subscripts(outside, target)))

    def assertAllInSet(self, target: Any, expected_set: Any) -> None:  # noqa: N802
        """Asserts every element of `target` is in `expected_set`."""
        target = self._GetNdArray(target)
        outside = np.setdiff1d(target.flatten(), list(expected_set))
        if np.size(outside):
            raise AssertionError(f"{np.size(outside)} unique element(s) are not in the set "
                                 f"{expected_set}: {outside}")

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:  # noqa: N802
        """Asserts `target`'s NumPy dtype is `expected_dtype`."""
        self.assertEqual(self._GetNdArray(target).dtype, expected_dtype)

    def assertShapeEqual(self, input_a: Any, input_b: Any,  # noqa: N802
                         msg: Optional[str] = None) -> None:
        """Asserts two arrays or tensors have the same shape.

        Raises:
          TypeError: for an argument that is not an array, a NumPy scalar or a tensor.
        """
        for name, value in (("input_a", input_a), ("input_b", input_b)):
            if not isinstance(value, (np.ndarray, np.generic, torch.Tensor)):
                raise TypeError(f"{name} must be a Numpy ndarray, Numpy scalar, or a Tensor."
                                f"Instead received {type(value)}")
        shapes = [list(v.shape) if isinstance(v, torch.Tensor) else v.shape
                  for v in (input_a, input_b)]
        self.assertAllEqual(shapes[0], shapes[1], msg=msg)

    def assertStartsWith(self, actual: str, expected_start: str,  # noqa: N802
                         msg: Optional[str] = None) -> None:
        """Asserts `actual.startswith(expected_start)`."""
        if not actual.startswith(expected_start):
            self.fail(f"{actual!r} does not start with {expected_start!r}"
                      + (f" : {msg!r}" if msg else ""))

    def assertDeviceEqual(self, device1: Any, device2: Any,  # noqa: N802
                          msg: Optional[str] = None) -> None:
        """Asserts two device names name the same device."""
        device1, device2 = canonical_device_name(device1), canonical_device_name(device2)
        self.assertEqual(device1, device2,
                         f"Devices {device1} and {device2} are not equal. {msg}")

    def assertItemsEqual(self, first: Any, second: Any,  # noqa: N802
                         msg: Optional[str] = None) -> None:
        """Asserts the two sequences hold the same items, in any order."""
        self.assertCountEqual(first, second, msg)

    def assertSameElements(self, expected_seq: Any, actual_seq: Any,  # noqa: N802
                           msg: Optional[str] = None) -> None:
        """Asserts the two sequences hold the same set of elements."""
        missing, unexpected = set(expected_seq) - set(actual_seq), set(actual_seq) - set(
            expected_seq)
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"Expected, but missing:\n  {sorted(missing, key=repr)!r}")
            if unexpected:
                parts.append(f"Unexpected, but present:\n  {sorted(unexpected, key=repr)!r}")
            self.fail("\n".join(parts) + (f" : {msg}" if msg else ""))

    # -- exceptions ---------------------------------------------------------------

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(  # noqa: N802
        self, exception_type: type, expected_err_re_or_predicate: Union[str, Callable[..., Any]]
    ) -> Iterator[None]:
        """A context that must raise `exception_type` whose message matches the regular
        expression (searched), or that the predicate accepts."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            pattern = expected_err_re_or_predicate

            def predicate(error: BaseException) -> Any:
                text = error.message if isinstance(error, OpError) else str(error)
                return re.search(pattern, text)

        try:
            yield
            self.fail(exception_type.__name__ + " not raised")
        except Exception as error:  # noqa: BLE001 - TF's check takes every exception
            if not isinstance(error, exception_type) or not predicate(error):
                raise AssertionError(
                    f"Exception of type {str(type(error))}: {str(error)}") from None

    def assertRaisesOpError(  # noqa: N802
        self, expected_err_re_or_predicate: Union[str, Callable[..., Any]]
    ) -> Any:
        """`assertRaisesWithPredicateMatch(tf.errors.OpError, ...)`."""
        return self.assertRaisesWithPredicateMatch(OpError, expected_err_re_or_predicate)

    def assertRaisesIncompatibleShapesError(  # noqa: N802
        self, exception_type: type = InvalidArgumentError
    ) -> Any:
        """A context that must raise a broadcasting error."""
        return self.assertRaisesWithPredicateMatch(
            exception_type, r"Incompatible shapes|Dimensions must be equal|"
            r"required broadcastable shapes")


def _numpy_value(value: Any) -> Any:
    """A tensor's NumPy value (a copy, as TF's `.numpy()`), a callable's result's; other
    values as they are."""
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        found = numpy_value(value)
        return found.copy() if isinstance(found, np.ndarray) else found
    if hasattr(value, "numpy") and callable(value.numpy):
        return value.numpy()
    if callable(value):
        return _structure.map_structure(_numpy_value, value())
    return value


def _subscripts(subscripts: Any, value: np.ndarray, limit: int = 10) -> List[str]:
    """The first `limit` subscripts of `value` with their elements, one per line."""
    if np.ndim(value) == 0:
        return ["  [0] : " + str(value)]
    rows = np.transpose(subscripts)
    lines = ["  " + str(row) + " : " + str(value[tuple(row)])
             for row in itertools.islice(rows, limit)]
    if len(rows) > limit:
        lines.append("  ...")
    return lines
