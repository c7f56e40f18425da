"""`tf.keras` `fit`, `evaluate` and `predict` on this package's `tf.data` datasets
(TF's data guide trains a Keras model on a `tf.data.Dataset`; before, Keras refused
ours with "Unrecognized data type"). Steps per epoch follow from the dataset's
cardinality as in TF's `TFDatasetAdapter` (TF 2.21 reports `steps: 63` for 2000
examples in batches of 32, as does `math.ceil(2000 / 32)`)."""

from __future__ import annotations

import importlib.util
import math
import warnings

import numpy as np
import pytest

import tftape_torch as tf

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                reason="needs Keras 3 (the keras extra)")


def _data(n: int = 100) -> tuple:
    rng = np.random.default_rng(0)
    return rng.random((n, 4), dtype=np.float32), rng.integers(0, 3, n)


def _model() -> object:
    model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_fit_evaluate_predict_take_a_dataset() -> None:
    x, y = _data()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's shuffle warning, as for TF's datasets
        history = model.fit(ds, epochs=2, verbose=0)
    assert history.params == {"verbose": 0, "epochs": 2, "steps": math.ceil(100 / 32)}
    assert sorted(history.history) == ["accuracy", "loss"]
    assert len(history.history["loss"]) == 2
    loss, accuracy = model.evaluate(ds, verbose=0)
    # The same model on the same arrays gives the same numbers.
    array_loss, array_accuracy = model.evaluate(x, y, batch_size=32, verbose=0)
    assert loss == pytest.approx(array_loss, rel=1e-6)
    assert accuracy == pytest.approx(array_accuracy)
    assert model.predict(ds.map(lambda a, b: a), verbose=0).shape == (100, 3)
    np.testing.assert_allclose(model.predict(ds, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_infinite_dataset_needs_steps_and_class_weight_weighs() -> None:
    x, y = _data()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    model = _model()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(ds.repeat(), epochs=1, steps_per_epoch=5, verbose=0)
        assert history.params["steps"] == 5
        weighted = model.fit(ds, epochs=1, verbose=0, class_weight={0: 2.0, 1: 0.5, 2: 1.0},
                             validation_data=ds)
    assert sorted(weighted.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]


def test_dataset_arguments_keras_refuses() -> None:
    x, y = _data(8)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    model = _model()
    with pytest.raises(ValueError, match="tf.data.Dataset"):
        model.fit(ds, y=y, verbose=0)
    with pytest.warns(UserWarning, match="shuffle=True"):
        model.fit(ds, epochs=1, verbose=0, shuffle=True)
