"""Keras programs that run unchanged under real TF (`import tensorflow as tf`) and under
`import tftape_torch as tf`; each returns JSON-able answers that `record.py` stores for
TF and `tests/test_keras.py` compares.

Every program builds its weights from one NumPy generator (`set_weights`) and its data
from another, so both frameworks start from identical states.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any, Callable, Dict, List

import numpy as np

PROGRAMS: Dict[str, Callable[[Any], Any]] = {}


def program(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    PROGRAMS[fn.__name__] = fn
    return fn


def arr(value: Any) -> Any:
    if value is None:
        return None
    return np.asarray(value, dtype=np.float64).tolist()


def run(fn: Callable[[Any], Any], tf: Any) -> Any:
    """`fn(tf)`, or the class of the exception it raised."""
    try:
        return fn(tf)
    except Exception as error:  # noqa: BLE001 - the class is the answer
        return {"raised": type(error).__name__, "message": str(error)[:300]}


def names(variables: Any) -> List[str]:
    """Variable names without scopes or `:0` (TF's tape lists the tf.Variables inside
    Keras variables, `dense/kernel:0`; Keras variables are named `kernel`)."""
    return [v.name.split("/")[-1].split(":")[0] for v in variables]


def seeded_weights(model: Any, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    model.set_weights([
        (rng.standard_normal(w.shape) * 0.3).astype(np.float32) for w in model.get_weights()
    ])


def data(n: int = 64, features: int = 8, classes: int = 4, seed: int = 1) -> Any:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype(np.float32)
    y = rng.integers(0, classes, n).astype(np.int64)
    return x, y


def mlp(tf: Any, hidden: int = 16, classes: int = 4, features: int = 8) -> Any:
    model = tf.keras.Sequential([
        tf.keras.Input((features,)),
        tf.keras.layers.Dense(hidden, activation="relu"),
        tf.keras.layers.Dense(classes),
    ])
    seeded_weights(model)
    return model


def training_loop(tf: Any, optimizer: Any) -> Any:
    model = mlp(tf)
    x, y = data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    losses = []
    for _ in range(3):
        for xb, yb in dataset:
            with tf.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            losses.append(float(loss))
    return {"losses": losses, "weights": [arr(w) for w in model.get_weights()],
            "grad_types": sorted({type(g).__name__ for g in grads})}


@program
def loop_sgd(tf: Any) -> Any:
    return training_loop(tf, tf.keras.optimizers.SGD(0.1, momentum=0.9))


@program
def loop_adam(tf: Any) -> Any:
    return training_loop(tf, tf.keras.optimizers.Adam(1e-2))


@program
def loop_in_function(tf: Any) -> Any:
    """The training step under `tf.function`: the optimizer's slots, built on the first
    call, are state that later calls read and update."""
    model = mlp(tf)
    x, y = data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = tf.keras.optimizers.Adam(1e-2)
    v = tf.Variable([1.0, -2.0])

    @tf.function
    def step(xb: Any, yb: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = loss_fn(yb, model(xb, training=True)) + tf.reduce_sum(v * v)
        variables = model.trainable_variables + [v]
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    losses = [float(step(xb, yb)) for _ in range(3) for xb, yb in dataset]
    return {"losses": losses, "weights": [arr(w) for w in model.get_weights()],
            "v": arr(v), "iterations": int(optimizer.iterations.numpy())}


@program
def optimizers_all(tf: Any) -> Any:
    """Every Keras optimizer, one step on a model and on a tf.Variable."""
    out = {}
    for name in ["SGD", "RMSprop", "Adam", "AdamW", "Adadelta", "Adagrad", "Adamax",
                 "Nadam", "Ftrl", "Lion", "Lamb"]:
        model = mlp(tf)
        x, y = data(16)
        v = tf.Variable([1.0, -2.0, 3.0])
        opt = getattr(tf.keras.optimizers, name)(0.05)
        for _ in range(2):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(
                    y, model(x), from_logits=True)) + tf.reduce_sum(v * v)
            variables = model.trainable_variables + [v]
            grads = tape.gradient(loss, variables)
            opt.apply_gradients(zip(grads, variables))
        out[name] = {"loss": float(loss), "v": arr(v), "w0": arr(model.get_weights()[0][0])}
    return out


@program
def sources_and_watching(tf: Any) -> Any:
    layer = tf.keras.layers.Dense(3)
    layer.build((None, 2))
    layer.set_weights([np.array([[1., 2., 3.], [4., 5., 6.]], np.float32),
                       np.array([0.5, -0.5, 1.], np.float32)])
    x = tf.constant([[1.0, 2.0], [3.0, -1.0]])
    out: Dict[str, Any] = {}
    with tf.GradientTape(persistent=True) as tape:
        y = tf.reduce_sum(layer(x) ** 2)
    out["single"] = arr(tape.gradient(y, layer.kernel))
    out["list"] = [arr(g) for g in tape.gradient(y, layer.trainable_variables)]
    nested = tape.gradient(y, {"b": layer.bias, "k": [layer.kernel, (layer.bias,)]})
    out["nested"] = {"b": arr(nested["b"]), "k0": arr(nested["k"][0]),
                     "k1": arr(nested["k"][1][0])}
    out["watched"] = names(tape.watched_variables())
    out["types"] = type(tape.gradient(y, layer.bias)).__name__
    return out


@program
def frozen_layer(tf: Any) -> Any:
    model = mlp(tf)
    model.layers[0].trainable = False
    x, y = data(8)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.keras.losses.sparse_categorical_crossentropy(
            y, model(x), from_logits=True))
    grads = tape.gradient(loss, model.layers[0].weights + model.layers[1].weights)
    out = {"grads": [arr(g) for g in grads], "n_trainable": len(model.trainable_variables),
           "watched": names(tape.watched_variables())}
    with tf.GradientTape() as tape:
        tape.watch(model.layers[0].kernel.value)  # TF's tapes watch a Keras variable's value
        loss = tf.reduce_mean(model(x))
    out["watched_frozen"] = arr(tape.gradient(loss, model.layers[0].kernel))
    return out


@program
def no_accessed(tf: Any) -> Any:
    model = mlp(tf)
    x, _ = data(8)
    kernel, bias = model.layers[1].kernel, model.layers[1].bias
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(kernel.value)
        loss = tf.reduce_sum(model(x))
    grads = tape.gradient(loss, [kernel, bias, model.layers[0].kernel])
    return {"grads": [arr(g) for g in grads],
            "watched": names(tape.watched_variables())}


@program
def recording_windows(tf: Any) -> Any:
    layer = tf.keras.layers.Dense(2)
    layer.build((None, 2))
    layer.set_weights([np.eye(2, dtype=np.float32) * 2, np.ones(2, np.float32)])
    x = tf.constant([[1.0, 2.0]])
    before = layer(x)
    out: Dict[str, Any] = {}
    with tf.GradientTape(persistent=True) as tape:
        y1 = tf.reduce_sum(before * 3.0)
        with tape.stop_recording():
            y2 = tf.reduce_sum(layer(x))
        y3 = tf.reduce_sum(layer(x) * 2.0)
    out["before"] = arr(tape.gradient(y1, layer.kernel))
    out["stopped"] = arr(tape.gradient(y2, layer.kernel))
    out["inside"] = arr(tape.gradient(y3, layer.kernel))
    with tf.GradientTape() as tape:
        y4 = tf.reduce_sum(layer(x))
        tape.reset()
        y5 = tf.reduce_sum(layer(x) * 5.0)
    out["reset"] = [arr(g) for g in tape.gradient([y4, y5], [layer.kernel, layer.bias])]
    out["after_reset_watched"] = names(tape.watched_variables())
    return out


@program
def nested_tapes(tf: Any) -> Any:
    layer = tf.keras.layers.Dense(1, activation="tanh")
    layer.build((None, 3))
    layer.set_weights([np.array([[0.3], [-0.2], [0.5]], np.float32),
                       np.array([0.1], np.float32)])
    x = tf.constant([[1.0, 2.0, -1.0]])
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = tf.reduce_sum(layer(x))
        g = inner.gradient(y, layer.kernel)
        gsum = tf.reduce_sum(g * g)
    return {"g": arr(g), "gg": [arr(t) for t in outer.gradient(gsum, layer.trainable_variables)]}


@program
def jacobians(tf: Any) -> Any:
    layer = tf.keras.layers.Dense(2, activation="sigmoid")
    x = tf.constant([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])
    layer.build((None, 3))
    layer.set_weights([np.arange(6, dtype=np.float32).reshape(3, 2) / 10,
                       np.array([0.1, -0.1], np.float32)])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = layer(x)
    j = tape.jacobian(y, layer.kernel)
    bj = tape.batch_jacobian(y, x)
    return {"j": arr(j), "j_shape": list(j.shape), "bj": arr(bj), "bj_shape": list(bj.shape),
            "j_type": type(j).__name__}


@program
def hessian(tf: Any) -> Any:
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2, activation="tanh"),
                                 tf.keras.layers.Dense(1)])
    seeded_weights(model, 3)
    x = tf.constant(np.random.default_rng(4).standard_normal((5, 3)).astype(np.float32))
    y = tf.constant(np.random.default_rng(5).standard_normal((5, 1)).astype(np.float32))
    kernel = model.layers[0].kernel
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            loss = tf.reduce_mean((model(x) - y) ** 2)
        g = t1.gradient(loss, kernel)
    h = t2.jacobian(g, kernel)
    return {"h": arr(h), "shape": list(h.shape)}


@program
def fit_evaluate_predict(tf: Any) -> Any:
    model = mlp(tf)
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1), metrics=["accuracy"],
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = data()
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    result = model.evaluate(x, y, batch_size=16, verbose=0)
    pred = model.predict(x[:4], verbose=0)
    return {"loss": history.history["loss"], "eval": arr(result), "pred": arr(pred),
            "pred_type": type(pred).__name__}


@program
def fit_on_tf_tensors(tf: Any) -> Any:
    """`fit`/`evaluate`/`predict` on `tf.Tensor`s (Keras slices batches by index lists)."""
    model = mlp(tf)
    model.compile(optimizer=tf.keras.optimizers.SGD(0.1),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x, y = data()
    x, y = tf.constant(x), tf.constant(y)
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    result = model.evaluate(x, y, batch_size=16, verbose=0)
    pred = model.predict(x[:4], verbose=0)
    return {"loss": history.history["loss"], "eval": arr(result), "pred": arr(pred)}


@program
def model_apis(tf: Any) -> Any:
    inputs = tf.keras.Input((4,))
    hidden = tf.keras.layers.Dense(3, activation="relu")(inputs)
    outputs = tf.keras.layers.Dense(2)(hidden)
    functional = tf.keras.Model(inputs, outputs)
    seeded_weights(functional, 7)

    class Scale(tf.keras.layers.Layer):
        def build(self, input_shape: Any) -> None:
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones",
                                         name="scale")

        def call(self, x: Any) -> Any:
            return x * self.scale

    class Net(tf.keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.dense = tf.keras.layers.Dense(2)
            self.scale = Scale()

        def call(self, x: Any) -> Any:
            return self.scale(self.dense(x))

    net = Net()
    x = np.random.default_rng(8).standard_normal((3, 4)).astype(np.float32)
    net(x)
    seeded_weights(net, 9)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(net(x) ** 2) + tf.reduce_sum(functional(x))
    grads = tape.gradient(loss, net.trainable_variables + functional.trainable_variables)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        functional.summary()
    params = [line for line in buffer.getvalue().splitlines() if "params" in line.lower()]
    weights = functional.get_weights()
    functional.set_weights([w * 2 for w in weights])
    out = functional(x)
    return {"grads": [arr(g) for g in grads], "n_vars": len(net.trainable_variables),
            "summary_params": params, "doubled": arr(out), "out_str": str(out)[:10],
            "names": names(tape.watched_variables())}


@program
def layers_in_module(tf: Any) -> Any:
    class Wrapper(tf.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dense = tf.keras.layers.Dense(2)
            self.w = tf.Variable(tf.ones([2]), name="w")

        def __call__(self, x: Any) -> Any:
            return self.dense(x) * self.w

    module = Wrapper()
    x = tf.constant([[1.0, 2.0]])
    module(x)
    module.dense.set_weights([np.ones((2, 2), np.float32), np.zeros(2, np.float32)])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(module(x))
    variables = [module.dense.kernel, module.dense.bias, module.w]
    return {"n_trainable": len(module.trainable_variables),
            "grads": [arr(g) for g in tape.gradient(y, variables)],
            "watched": names(tape.watched_variables())}


@program
def errors_in_layers(tf: Any) -> Any:
    class Bad(tf.keras.layers.Layer):
        def call(self, x: Any) -> Any:
            return x + tf.constant(1, dtype=tf.int32)

    try:
        Bad()(tf.constant([1.0]))
    except tf.errors.InvalidArgumentError as error:
        return {"class": type(error).__name__, "keras_note": "Bad.call()" in str(error)}
    except Exception as error:  # noqa: BLE001 - the class is the answer
        return {"class": type(error).__name__}
    return {"class": None}


@program
def variable_value(tf: Any) -> Any:
    v = tf.Variable([1.0, 2.0])
    return {"value": str(v.value()), "repr_start": repr(v.value)[:44]}


@program
def outputs_print(tf: Any) -> Any:
    layer = tf.keras.layers.Dense(2, kernel_initializer="ones")
    return {"str": str(layer(np.ones((1, 3), np.float32))),
            "type_is_tensor": tf.is_tensor(layer(np.ones((1, 3), np.float32)))}


@program
def loss_and_metric_outputs_print(tf: Any) -> Any:
    """Losses called on NumPy values and metrics' results are TF's tensors."""
    mean = tf.keras.metrics.Mean()
    mean(np.float32(3.0))
    mean(np.float32(4.0))
    accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
    called = accuracy(np.array([1, 0]), np.array([[0.1, 0.9], [0.2, 0.8]], np.float32))
    loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        np.array([1]), np.array([[0.5, 1.5]], np.float32))
    mse = tf.keras.losses.MeanSquaredError()(np.ones(3, np.float32), np.zeros(3, np.float32))

    class Squares(tf.keras.metrics.Metric):  # a subclass defined after tf.keras loaded
        def __init__(self) -> None:
            super().__init__(name="squares")
            self.total = self.add_weight(name="total", initializer="zeros")

        def update_state(self, values: Any) -> None:
            self.total.assign_add(tf.reduce_sum(tf.square(values)))

        def result(self) -> Any:
            return self.total

    squares = Squares()
    squares.update_state(np.array([1.0, 2.0], np.float32))
    return {
        "mean": str(mean.result()),
        "accuracy_call": str(called),
        "accuracy_result": str(accuracy.result()),
        "sparse_cce": str(loss),
        "mse": str(mse),
        "subclass": str(squares.result()),
        "is_tensor": [bool(tf.is_tensor(mean.result())), bool(tf.is_tensor(loss))],
        "formatted": f"{mean.result():0.2f} {accuracy.result() * 100:0.2f}",
    }
