"""How `tf.data` calls user functions and declares element specs, where TF's data
guide showed ours differing (answers from TF 2.21, run on the same code)."""

from __future__ import annotations

import numpy as np
import pytest

import tftape_torch as tf


def test_reduce_passes_a_tuple_element_whole() -> None:
    ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [10, 20, 30]))
    # TF: 66, and TypeError for a three-argument function (map unpacks, reduce not).
    assert int(ds.reduce(0, lambda state, element: state + element[0] + element[1])) == 66
    with pytest.raises(TypeError):
        ds.reduce(0, lambda state, a, b: state + a + b)


def test_from_generator_declares_output_shapes() -> None:
    def pairs():
        yield np.zeros(8, np.float32), 1

    def rows():
        yield np.zeros(8, np.float32)

    D = tf.data.Dataset
    assert repr(D.from_generator(pairs, output_types=(tf.float32, tf.int32),
                                 output_shapes=((None,), ())).element_spec) == (
        "(TensorSpec(shape=(None,), dtype=tf.float32, name=None), "
        "TensorSpec(shape=(), dtype=tf.int32, name=None))")
    assert repr(D.from_generator(pairs, output_types=(tf.float32, tf.int32)).element_spec) == (
        "(TensorSpec(shape=<unknown>, dtype=tf.float32, name=None), "
        "TensorSpec(shape=<unknown>, dtype=tf.int32, name=None))")
    assert repr(D.from_generator(rows, output_types=tf.float32,
                                 output_shapes=tf.TensorShape([None])).element_spec) == (
        "TensorSpec(shape=(None,), dtype=tf.float32, name=None)")
    assert repr(D.from_generator(rows, output_types=tf.float32,
                                 output_shapes=[8]).element_spec) == (
        "TensorSpec(shape=(8,), dtype=tf.float32, name=None)")
    calls = []

    def counted():
        calls.append(1)
        yield np.zeros(2, np.float32)

    spec = D.from_generator(counted, output_types=tf.float32, output_shapes=[2]).element_spec
    assert spec.shape == (2,)
    assert calls == []  # a declared spec runs no generator


def test_eager_set_shape_checks_compatibility() -> None:
    t = tf.constant([1.0, 2.0])
    assert t.set_shape([2]) is None
    t.set_shape([None])
    t.set_shape(None)
    assert t.shape == (2,)
    for shape, shown in (([3], "(3,)"), ([2, 1], "(2, 1)"),
                         (tf.TensorShape([None, None]), "(None, None)")):
        with pytest.raises(ValueError) as caught:
            t.set_shape(shape)
        # TF 2.21's message.
        assert str(caught.value) == (
            f"Tensor's shape (2,) is not compatible with supplied shape {shown}.")


def test_from_generator_checks_shapes_it_declares() -> None:
    def grows():
        yield np.zeros(2, np.float32)
        yield np.zeros(3, np.float32)

    D = tf.data.Dataset
    for declared in (dict(output_types=tf.float32, output_shapes=[2]),
                     dict(output_signature=tf.TensorSpec([2], tf.float32))):
        it = iter(D.from_generator(grows, **declared))
        assert next(it).shape == (2,)
        # TF 2.21: InvalidArgumentError carrying this TypeError message.
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=r"yielded an element of shape \(3,\) where an element of "
                                 r"shape \(2,\) was expected"):
            next(it)
    for undeclared in (dict(output_types=tf.float32),
                       dict(output_signature=tf.TensorSpec(None, tf.float32))):
        assert [x.shape for x in D.from_generator(grows, **undeclared)] == [(2,), (3,)]

    def matrix():
        yield np.zeros([2, 2], np.float32), 1

    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\(2, 2\).*\(None,\)"):
        list(D.from_generator(matrix, output_signature=(tf.TensorSpec([None], tf.float32),
                                                        tf.TensorSpec([], tf.int32))))
    ok = D.from_generator(matrix, output_signature=(tf.TensorSpec([None, 2], tf.float32),
                                                    tf.TensorSpec([], tf.int32)))
    assert len(list(ok)) == 1
