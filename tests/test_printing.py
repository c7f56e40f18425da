"""Printing that the conformance cases cannot record: where `tf.print` writes (TF
writes at the C level, so TF's answers here come from running TF in a subprocess and
capturing its file descriptors: see the sweep in the cases_printing docstring), and
`Dimension`'s rules (TF's `tensor_shape.Dimension`)."""

from __future__ import annotations

import sys

import pytest

import tftape_torch as tf


def test_tf_print_goes_to_stderr_by_default_and_to_stdout_when_asked(
        capsys: pytest.CaptureFixture[str]) -> None:
    tf.print("x:", tf.constant([1.0, 2.5]), tf.constant(1 / 3))
    tf.print({"b": 1, "a": tf.range(10)}, output_stream=sys.stdout)
    out, err = capsys.readouterr()
    assert err == "x: [1 2.5] 0.333333343\n"
    assert out == "{'a': [0 1 2 ... 7 8 9], 'b': 1}\n"


def test_tf_print_in_function_prints_at_every_call(capsys: pytest.CaptureFixture[str]) -> None:
    @tf.function
    def f(x: tf.Tensor) -> tf.Tensor:
        print("trace")
        tf.print("call", x, output_stream=sys.stdout)
        return x + 1

    f(tf.constant(1))
    f(tf.constant(2))
    assert capsys.readouterr().out == "trace\ncall 1\ncall 2\n"


def test_tf_print_refuses_other_streams_and_keywords() -> None:
    import io

    with pytest.raises(ValueError, match="Unsupported output stream"):
        tf.print("x", output_stream=io.StringIO())
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        tf.print("x", stream=sys.stdout)


def test_dimension_rules() -> None:
    known, unknown = tf.TensorShape([3, None]).dims  # type: ignore[misc]
    assert (repr(known), str(known), repr(unknown), str(unknown)) == (
        "Dimension(3)", "3", "Dimension(None)", "?")
    assert known == 3 and known != 4
    assert (unknown == 3) is None and (unknown < 2) is None and (known > 2) is True
    assert repr(known * 2) == "Dimension(6)" and repr(unknown + 1) == "Dimension(None)"
    assert repr(10 - known) == "Dimension(7)" and int(known) == 3
    assert [0, 1, 2, 3][known] == 3
    assert repr(unknown.merge_with(5)) == "Dimension(5)"
    with pytest.raises(ValueError):
        known.merge_with(4)
    with pytest.raises(TypeError):
        hash(known)  # TF's Dimension defines `__eq__` and no `__hash__`
    with pytest.raises(ValueError):
        type(known)(-1)
