"""Keras 3 models, losses and optimizers through `tf.GradientTape`: programs that run
unchanged under real TF (`import tensorflow as tf`, Keras on TF) and under
`import tftape_torch as tf` (Keras on torch). Each returns JSON-able observations (loss
values, every gradient with its type and dtype or `None`, variable paths, weights after
three optimizer steps, `optimizer.iterations`); `record_tape.py` stores TF's in
`golden_tape.json` and `tests/test_keras_tape.py` compares.

Weights come from seeded NumPy arrays (`set_weights`), data from seeded generators, so both
frameworks start from identical states. Picked from a sweep of 244 such programs, leaving
out the ones where Keras's own TF and torch backends differ (see the test module).
"""

from __future__ import annotations

from typing import Any, Callable, Dict

import numpy as np

PROGRAMS: Dict[str, Callable[[Any], Any]] = {}
P = PROGRAMS


def prog(name: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def deco(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        P[name] = fn
        return fn

    return deco


def dense_of(s: Any) -> Any:
    if type(s).__name__ == "IndexedSlices":
        z = np.zeros(tuple(int(d) for d in np.asarray(s.dense_shape)), np.float64)
        np.add.at(z, np.asarray(s.indices), np.asarray(s.values, np.float64))
        return z
    return np.asarray(s)


def g(x: Any) -> Any:
    """A gradient: type, dtype, shape and values."""
    if x is None:
        return None
    a = dense_of(x)
    return {
        "type": type(x).__name__,
        "dtype": str(np.asarray(x.values if type(x).__name__ == "IndexedSlices" else x).dtype),
        "shape": list(a.shape),
        "v": np.asarray(a, np.float64).tolist(),
    }


def v(x: Any) -> Any:
    if x is None:
        return None
    a = np.asarray(x)
    if a.dtype == object:
        return str(a)
    return {"dtype": str(a.dtype), "v": np.asarray(a, np.float64).tolist()}


def wnames(variables: Any) -> Any:
    return [w.name.split("/")[-1].split(":")[0] for w in variables]


def paths(variables: Any) -> Any:
    return [getattr(w, "path", w.name) for w in variables]


def seed_weights(model: Any, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    ws = []
    for w in model.weights:
        shape = tuple(w.shape)
        a = rng.standard_normal(shape) * 0.3
        if "variance" in w.path:
            a = np.abs(a) + 0.5
        ws.append(a.astype(np.dtype(str(np.asarray(w).dtype))))
    model.set_weights(ws)


def xdata(shape: Any, seed: int = 1) -> Any:
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def probe(
    tf: Any,
    model: Any,
    x: Any,
    training: bool = True,
    watch: bool = True,
    steps: int = 3,
    opt: Any = None,
) -> Any:
    xt = tf.constant(x)
    out: Dict[str, Any] = {}
    with tf.GradientTape(persistent=True) as tape:
        if watch:
            tape.watch(xt)
        y = model(xt, training=training)
        loss = tf.reduce_mean(tf.square(y))
        if model.losses:
            loss = loss + tf.add_n(model.losses)
    out["y"] = v(y)
    out["loss"] = v(loss)
    out["grads"] = [g(t) for t in tape.gradient(loss, model.trainable_variables)]
    out["nt_grads"] = [g(t) for t in tape.gradient(loss, model.non_trainable_variables)]
    if watch:
        out["gx"] = g(tape.gradient(loss, xt))
    out["paths"] = paths(model.trainable_variables)
    out["nt_paths"] = paths(model.non_trainable_variables)
    out["watched"] = wnames(tape.watched_variables())
    out["model_losses"] = [v(t) for t in model.losses]
    del tape
    if steps:
        opt = opt or tf.keras.optimizers.Adam(0.01)
        losses = []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                y = model(xt, training=training)
                loss = tf.reduce_mean(tf.square(y - 0.5))
                if model.losses:
                    loss = loss + tf.add_n(model.losses)
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables))
            losses.append(float(loss))
        out["train_losses"] = losses
        out["after"] = [v(w) for w in model.weights]
        out["iterations"] = int(opt.iterations.numpy())
    return out


def seq(tf: Any, in_shape: Any, *layers: Any) -> Any:
    m = tf.keras.Sequential([tf.keras.Input(in_shape), *layers])
    seed_weights(m)
    return m


# ---------------------------------------------------------------- layers
def layer_prog(
    name: str,
    in_shape: Any,
    make: Callable[[Any], Any],
    training: bool = True,
    int_input: Any = None,
    sgd: bool = False,
) -> None:
    def fn(tf: Any) -> Any:
        L = tf.keras.layers
        m = seq(tf, in_shape, *make(L))
        if int_input is not None:
            x = np.random.default_rng(1).integers(0, int_input, (4, *in_shape)).astype(np.int32)
        else:
            x = xdata((4, *in_shape))
        opt = tf.keras.optimizers.SGD(0.1) if sgd else None
        return probe(tf, m, x, training=training, watch=int_input is None, opt=opt)

    P["layer_" + name] = fn


layer_prog("dense", (5,), lambda L: [L.Dense(3, activation="relu"), L.Dense(2)])
layer_prog("conv1d", (7, 3), lambda L: [L.Conv1D(4, 3, padding="same"), L.Flatten(), L.Dense(2)])
layer_prog(
    "conv2d", (6, 6, 2), lambda L: [L.Conv2D(3, 3, activation="relu"), L.Flatten(), L.Dense(2)]
)
layer_prog("depthwise", (6, 6, 3), lambda L: [L.DepthwiseConv2D(3, depth_multiplier=2)])
layer_prog(
    "conv2d_transpose", (4, 4, 3), lambda L: [L.Conv2DTranspose(2, 3, strides=2, padding="same")]
)
# SGD: under Adam, the float32 noise in beta's gradient (exactly 0: a mean-centred output)
# becomes a full step, different in each framework.
layer_prog("bn_train", (5,), lambda L: [L.Dense(4), L.BatchNormalization(), L.Dense(2)], sgd=True)
layer_prog(
    "bn_infer", (5,), lambda L: [L.Dense(4), L.BatchNormalization(), L.Dense(2)], training=False
)
layer_prog("layernorm", (5,), lambda L: [L.Dense(4), L.LayerNormalization(), L.Dense(2)])
layer_prog("lstm_seq", (5, 3), lambda L: [L.LSTM(4, return_sequences=True)])
layer_prog("gru", (5, 3), lambda L: [L.GRU(4)])
layer_prog("simplernn", (5, 3), lambda L: [L.SimpleRNN(4)])
layer_prog("bidi_lstm", (5, 3), lambda L: [L.Bidirectional(L.LSTM(3))])
layer_prog("maxpool2d", (6, 6, 2), lambda L: [L.Conv2D(2, 1), L.MaxPooling2D()])
layer_prog(
    "flatten_reshape_permute",
    (4, 3),
    lambda L: [L.Dense(2), L.Permute((2, 1)), L.Reshape((8,)), L.Flatten(), L.Dense(2)],
)
layer_prog(
    "dropout_infer", (5,), lambda L: [L.Dense(4), L.Dropout(0.5), L.Dense(2)], training=False
)
layer_prog("prelu", (5,), lambda L: [L.Dense(4), L.PReLU(), L.Dense(1)])
layer_prog("time_distributed", (3, 4), lambda L: [L.TimeDistributed(L.Dense(2))])
layer_prog(
    "kernel_reg_l2",
    (5,),
    lambda L: [
        L.Dense(3, kernel_regularizer="l2"),
        L.Dense(2, bias_regularizer=L.__class__ and None),
    ],
)
layer_prog(
    "kernel_reg_l1l2",
    (5,),
    lambda L: [
        L.Dense(
            3,
            kernel_regularizer={"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}},
            activity_regularizer="l1",
        )
    ],
)
layer_prog(
    "activity_reg",
    (5,),
    lambda L: [L.Dense(3, activity_regularizer="l2"), L.ActivityRegularization(l1=0.1)],
)

for _act in ["gelu", "softmax", "log_softmax"]:
    layer_prog("act_" + _act, (5,), lambda L, a=_act: [L.Dense(4, activation=a)])


@prog("layer_mha")
def _mha(tf: Any) -> Any:
    inp = tf.keras.Input((4, 6))
    out = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)(inp, inp)
    m = tf.keras.Model(inp, out)
    seed_weights(m)
    # SGD: the key bias's gradient is float32 noise around 0, which Adam makes a step
    return probe(tf, m, xdata((2, 4, 6)), opt=tf.keras.optimizers.SGD(0.1))


@prog("layer_mha_cross_mask")
def _mha2(tf: Any) -> Any:
    q = tf.keras.Input((3, 4))
    k = tf.keras.Input((5, 4))
    mha = tf.keras.layers.MultiHeadAttention(num_heads=2, key_dim=2, value_dim=3)
    out, scores = mha(q, k, return_attention_scores=True)
    m = tf.keras.Model([q, k], [out, scores])
    seed_weights(m)
    qx, kx = tf.constant(xdata((2, 3, 4))), tf.constant(xdata((2, 5, 4), 2))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([qx, kx])
        o, s = m([qx, kx])
        loss = tf.reduce_sum(o**2)
    return {
        "o": v(o),
        "s": v(s),
        "grads": [g(t) for t in tape.gradient(loss, m.trainable_variables)],
        "gq": g(tape.gradient(loss, qx)),
        "gk": g(tape.gradient(loss, kx)),
        "gs": [g(t) for t in tape.gradient(s, m.trainable_variables)],
        "paths": paths(m.trainable_variables),
    }


@prog("layer_attention")
def _att(tf: Any) -> Any:
    q = tf.keras.Input((3, 4))
    vv = tf.keras.Input((5, 4))
    out = tf.keras.layers.Attention(use_scale=True)([q, vv])
    out2 = tf.keras.layers.AdditiveAttention()([q, vv])
    m = tf.keras.Model([q, vv], tf.keras.layers.Add()([out, out2]))
    seed_weights(m)
    qx, vx = tf.constant(xdata((2, 3, 4))), tf.constant(xdata((2, 5, 4), 2))
    with tf.GradientTape() as tape:
        tape.watch(vx)
        loss = tf.reduce_sum(m([qx, vx]) ** 2)
    return {
        "loss": v(loss),
        "grads": [g(t) for t in tape.gradient(loss, m.trainable_variables + [vx])],
    }


@prog("functional_merge")
def _merge(tf: Any) -> Any:
    L = tf.keras.layers
    inp = tf.keras.Input((5,))
    a = L.Dense(3, name="a")(inp)
    b = L.Dense(3, name="b")(inp)
    c = L.Concatenate()(
        [
            L.Add()([a, b]),
            L.Multiply()([a, b]),
            L.Subtract()([a, b]),
            L.Maximum()([a, b]),
            L.Average()([a, b]),
        ]
    )
    out = L.Dense(1, name="out")(c)
    m = tf.keras.Model(inp, out)
    seed_weights(m)
    return probe(tf, m, xdata((4, 5)))


# ------------------------------------------------------------ None gradients, structure
@prog("none_unused_layer")
def _unused(tf: Any) -> Any:
    class Net(tf.keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.a = tf.keras.layers.Dense(3)
            self.unused = tf.keras.layers.Dense(3)
            self.b = tf.keras.layers.Dense(1)

        def call(self, x: Any) -> Any:
            return self.b(self.a(x))

    net = Net()
    x = xdata((4, 5))
    net(x)
    net.unused.build((None, 5))
    seed_weights(net)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(net(x))
    grads = tape.gradient(loss, net.trainable_variables)
    opt = tf.keras.optimizers.SGD(0.1)
    res: Dict[str, Any] = {
        "grads": [g(t) for t in grads],
        "paths": paths(net.trainable_variables),
        "watched": wnames(tape.watched_variables()),
    }
    try:
        opt.apply_gradients(zip(grads, net.trainable_variables))
        res["applied"] = [v(w) for w in net.weights]
    except Exception as e:  # noqa: BLE001
        res["apply_error"] = type(e).__name__
    res["iterations"] = int(opt.iterations.numpy())
    return res


@prog("none_nontrainable_bn")
def _nt(tf: Any) -> Any:
    m = seq(tf, (4,), tf.keras.layers.BatchNormalization())
    x = tf.constant(xdata((6, 4)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(m(x, training=False) ** 2)
    return {
        "g": [g(t) for t in tape.gradient(loss, m.weights)],
        "paths": paths(m.weights),
        "watched": wnames(tape.watched_variables()),
    }


@prog("none_int_input")
def _intin(tf: Any) -> Any:
    m = seq(
        tf,
        (6,),
        tf.keras.layers.Embedding(10, 3),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(1),
    )
    x = tf.constant(np.arange(12).reshape(2, 6) % 10, dtype=tf.int32)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(m(x))
    gx, ge = tape.gradient(loss, [x, m.layers[0].embeddings])
    # TF's `ge` is an IndexedSlices (Keras on TF gathers); compared here as values
    return {"gx": g(gx), "ge": v(tf.convert_to_tensor(ge))}


@prog("none_frozen_layer_trainable_false")
def _frozen(tf: Any) -> Any:
    m = seq(tf, (5,), tf.keras.layers.Dense(3), tf.keras.layers.Dense(1))
    m.layers[0].trainable = False
    x = tf.constant(xdata((4, 5)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(m(x))
    grads = tape.gradient(loss, m.trainable_variables)
    gall = tape.gradient(loss, m.weights) if False else None
    return {
        "grads": [g(t) for t in grads],
        "n": len(m.trainable_variables),
        "gall": gall,
        "paths": paths(m.trainable_variables),
        "nt": paths(m.non_trainable_variables),
    }


@prog("none_add_weight_nontrainable")
def _addw(tf: Any) -> Any:
    class Lay(tf.keras.layers.Layer):
        def build(self, shape: Any) -> None:
            self.w = self.add_weight(shape=(shape[-1], 2), initializer="ones", name="w")
            self.c = self.add_weight(shape=(2,), initializer="ones", trainable=False, name="c")

        def call(self, x: Any) -> Any:
            return tf.matmul(x, self.w) * self.c

    lay = Lay()
    x = tf.constant(xdata((3, 4)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(lay(x))
    return {
        "g": [g(t) for t in tape.gradient(loss, [lay.w, lay.c])],
        "watched": wnames(tape.watched_variables()),
        "tv": paths(lay.trainable_variables),
        "ntv": paths(lay.non_trainable_variables),
    }


@prog("watch_false_value")
def _wf(tf: Any) -> Any:
    m = seq(tf, (5,), tf.keras.layers.Dense(3), tf.keras.layers.Dense(1))
    x = tf.constant(xdata((4, 5)))
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x)
        tape.watch(m.layers[1].kernel.value)
        loss = tf.reduce_sum(m(x))
    return {
        "g": [g(t) for t in tape.gradient(loss, m.trainable_variables + [x])],
        "watched": wnames(tape.watched_variables()),
    }


# ------------------------------------------------------------ tape features
@prog("saliency")
def _sal(tf: Any) -> Any:
    m = seq(
        tf,
        (6, 6, 1),
        tf.keras.layers.Conv2D(2, 3, activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(3),
    )
    x = tf.constant(xdata((2, 6, 6, 1)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = m(x, training=False)
        top = tf.reduce_max(logits, axis=1)
    s = tape.gradient(top, x)
    return {"s": g(s), "sal": v(tf.reduce_max(tf.abs(s), axis=-1))}


@prog("saliency_numpy_var")
def _sal2(tf: Any) -> Any:
    m = seq(tf, (5,), tf.keras.layers.Dense(3, activation="tanh"), tf.keras.layers.Dense(2))
    x = tf.Variable(xdata((3, 5)))
    with tf.GradientTape() as tape:
        y = m(x)[:, 1]
    return {"g": g(tape.gradient(y, x))}


@prog("intermediate_output")
def _inter(tf: Any) -> Any:
    L = tf.keras.layers
    inp = tf.keras.Input((5,))
    h = L.Dense(4, activation="relu", name="h")(inp)
    out = L.Dense(2, name="o")(h)
    m = tf.keras.Model(inp, out)
    seed_weights(m)
    sub = tf.keras.Model(m.inputs, [m.get_layer("h").output, m.output])
    x = tf.constant(xdata((3, 5)))
    with tf.GradientTape(persistent=True) as tape:
        hv, ov = sub(x)
        loss = tf.reduce_sum(ov**2)
    res = {"gh": g(tape.gradient(loss, hv)), "go": g(tape.gradient(loss, ov))}
    hv2 = m.get_layer("h")(x)
    res["g_unrelated"] = g(tape.gradient(loss, hv2))
    return res


@prog("intermediate_split")
def _split(tf: Any) -> Any:
    L = tf.keras.layers
    enc = seq(tf, (5,), L.Dense(4, activation="tanh"))
    dec = seq(tf, (4,), L.Dense(2))
    x = tf.constant(xdata((3, 5)))
    with tf.GradientTape(persistent=True) as tape:
        z = enc(x)
        tape.watch(z)
        y = dec(z)
        loss = tf.reduce_mean(y**2)
    return {
        "gz": g(tape.gradient(loss, z)),
        "genc": [g(t) for t in tape.gradient(loss, enc.trainable_variables)],
        "gzy": g(tape.gradient(y, z)),
    }


@prog("persistent_two_losses")
def _pers(tf: Any) -> Any:
    m = seq(tf, (5,), tf.keras.layers.Dense(3), tf.keras.layers.Dense(2))
    x = tf.constant(xdata((4, 5)))
    with tf.GradientTape(persistent=True) as tape:
        out = m(x)
        l1 = tf.reduce_mean(out**2)
        l2 = tf.reduce_sum(tf.abs(out[:, 0]))
    g1 = tape.gradient(l1, m.trainable_variables)
    g2 = tape.gradient(l2, m.trainable_variables)
    g12 = tape.gradient([l1, l2], m.trainable_variables)
    gd = tape.gradient({"a": l1}, {"k": m.layers[0].kernel, "b": [m.layers[1].bias]})
    return {
        "g1": [g(t) for t in g1],
        "g2": [g(t) for t in g2],
        "g12": [g(t) for t in g12],
        "gd": {"k": g(gd["k"]), "b": [g(gd["b"][0])]},
    }


@prog("jacobian_small")
def _jac(tf: Any) -> Any:
    m = seq(tf, (3,), tf.keras.layers.Dense(4, activation="tanh"), tf.keras.layers.Dense(2))
    x = tf.constant(xdata((2, 3)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = m(x)
    j = tape.jacobian(y, x)
    bj = tape.batch_jacobian(y, x)
    jk = tape.jacobian(y, m.layers[0].kernel)
    jv = tape.jacobian(y, m.trainable_variables)
    return {"j": g(j), "bj": g(bj), "jk": g(jk), "jv": [g(t) for t in jv]}


@prog("jacobian_conv_bn")
def _jac2(tf: Any) -> Any:
    L = tf.keras.layers
    m = seq(tf, (5, 2), L.Conv1D(2, 3), L.BatchNormalization(), L.Flatten())
    x = tf.constant(xdata((3, 5, 2)))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = m(x, training=False)
    return {
        "bj": g(tape.batch_jacobian(y, x)),
        "j_nt": g(tape.jacobian(y, m.layers[1].moving_mean)),
    }


@prog("jacobian_rnn")
def _jac3(tf: Any) -> Any:
    m = seq(tf, (3, 2), tf.keras.layers.GRU(2))
    x = tf.constant(xdata((2, 3, 2)))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = m(x)
    return {"bj": g(tape.batch_jacobian(y, x))}


@prog("jacobian_per_example_losses")
def _jac4(tf: Any) -> Any:
    """Per-example gradients as DP-SGD code takes them: the jacobian of 32 examples'
    sparse categorical and binary cross-entropy losses with respect to every trainable
    variable of a model with layer norm and GELU, swish and ELU layers."""
    L = tf.keras.layers
    m = seq(tf, (5,), L.Dense(6, activation="gelu"), L.LayerNormalization(),
            L.Dense(6, activation="swish"), L.Dense(4, activation="elu"), L.Dense(3))
    x = tf.constant(xdata((32, 5)))
    labels = tf.constant([i % 3 for i in range(32)])
    sparse = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None)
    binary = tf.keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)
    with tf.GradientTape(persistent=True) as tape:
        logits = m(x)
        losses = sparse(labels, logits)
        binary_losses = binary(tf.one_hot(labels, 3), logits)
    return {"sparse": [g(t) for t in tape.jacobian(losses, m.trainable_variables)],
            "binary": [g(t) for t in tape.jacobian(binary_losses, m.trainable_variables)]}


@prog("nested_tape_gradient_penalty")
def _gp(tf: Any) -> Any:
    m = seq(tf, (4,), tf.keras.layers.Dense(3, activation="softplus"), tf.keras.layers.Dense(1))
    x = tf.constant(xdata((5, 4)))
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = m(x)
        gx = inner.gradient(y, x)
        pen = tf.reduce_mean((tf.norm(gx, axis=1) - 1.0) ** 2)
    return {
        "gx": g(gx),
        "pen": v(pen),
        "gg": [g(t) for t in outer.gradient(pen, m.trainable_variables)],
    }


@prog("stop_gradient_target")
def _sg(tf: Any) -> Any:
    m = seq(tf, (4,), tf.keras.layers.Dense(2))
    t = seq(tf, (4,), tf.keras.layers.Dense(2))
    x = tf.constant(xdata((3, 4)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((m(x) - tf.stop_gradient(t(x))) ** 2)
    return {"g": [g(z) for z in tape.gradient(loss, m.trainable_variables + t.trainable_variables)]}


@prog("output_gradients")
def _og(tf: Any) -> Any:
    m = seq(tf, (4,), tf.keras.layers.Dense(2))
    x = tf.constant(xdata((3, 4)))
    with tf.GradientTape() as tape:
        y = m(x)
    return {
        "g": [
            g(z)
            for z in tape.gradient(
                y, m.trainable_variables, output_gradients=tf.constant(xdata((3, 2), 5))
            )
        ]
    }


# ------------------------------------------------------------ mixing TF ops
@prog("mix_mse_ops")
def _mix1(tf: Any) -> Any:
    m = seq(tf, (5,), tf.keras.layers.Dense(3, activation="relu"), tf.keras.layers.Dense(2))
    x, y = tf.constant(xdata((4, 5))), tf.constant(xdata((4, 2), 3))
    opt = tf.keras.optimizers.Adam(0.05)
    losses = []
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(m(x) - y))
        grads = tape.gradient(loss, m.trainable_variables)
        opt.apply_gradients(zip(grads, m.trainable_variables))
        losses.append(float(loss))
    return {
        "losses": losses,
        "grads": [g(t) for t in grads],
        "w": [v(w) for w in m.weights],
        "it": int(opt.iterations.numpy()),
    }


@prog("mix_softmax_xent")
def _mix2(tf: Any) -> Any:
    m = seq(tf, (5,), tf.keras.layers.Dense(4))
    x = tf.constant(xdata((4, 5)))
    labels = tf.one_hot([0, 2, 1, 3], 4)
    sl = tf.constant([0, 2, 1, 3])
    with tf.GradientTape(persistent=True) as tape:
        logits = m(x)
        l1 = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        l2 = tf.reduce_mean(
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=sl, logits=logits)
        )
        l3 = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))
        l4 = tf.add_n([tf.nn.l2_loss(w) for w in m.trainable_variables])
    return {
        "l": [v(a) for a in (l1, l2, l3, l4)],
        "g": [
            [g(t) for t in tape.gradient(loss, m.trainable_variables)] for loss in (l1, l2, l3, l4)
        ],
    }


@prog("mix_ops_on_keras_vars")
def _mix3(tf: Any) -> Any:
    layer = tf.keras.layers.Dense(3)
    layer.build((None, 4))
    seed_weights(layer)
    x = tf.constant(xdata((2, 4)))
    with tf.GradientTape(persistent=True) as tape:
        a = tf.matmul(x, layer.kernel) + layer.bias
        b = tf.reduce_sum(layer.kernel * 2.0) + tf.reduce_sum(tf.square(layer.bias))
        c = tf.reduce_sum(tf.concat([tf.reshape(layer.kernel, [-1]), layer.bias], 0))
        d = tf.reduce_sum(tf.gather(layer.kernel, [0, 2]))
        e = tf.norm(layer.kernel)
        f = tf.reduce_sum(tf.nn.relu(a)) + tf.reduce_sum(layer.kernel.value)
    return {
        k: [g(t) for t in tape.gradient(t_, [layer.kernel, layer.bias])]
        for k, t_ in dict(a=a, b=b, c=c, d=d, e=e, f=f).items()
    }


@prog("mix_custom_layer")
def _mix4(tf: Any) -> Any:
    class MyDense(tf.keras.layers.Layer):
        def __init__(self, units: int) -> None:
            super().__init__()
            self.units = units

        def build(self, shape: Any) -> None:
            self.w = self.add_weight(
                shape=(shape[-1], self.units), initializer="glorot_uniform", name="w"
            )
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

        def call(self, x: Any) -> Any:
            return tf.nn.relu(tf.matmul(x, self.w) + self.b)

    m = tf.keras.Sequential([tf.keras.Input((5,)), MyDense(4), MyDense(2)])
    seed_weights(m)
    return probe(tf, m, xdata((4, 5)))


@prog("mix_custom_layer_add_loss")
def _mix5(tf: Any) -> Any:
    class Lay(tf.keras.layers.Layer):
        def build(self, shape: Any) -> None:
            self.w = self.add_weight(
                shape=(shape[-1], 3),
                initializer="ones",
                name="w",
                regularizer=tf.keras.regularizers.L2(0.1),
            )

        def call(self, x: Any) -> Any:
            y = tf.matmul(x, self.w)
            self.add_loss(0.01 * tf.reduce_sum(tf.square(y)))
            return tf.math.tanh(y)

    m = tf.keras.Sequential([tf.keras.Input((4,)), Lay(), tf.keras.layers.Dense(1)])
    seed_weights(m)
    return probe(tf, m, xdata((3, 4)))


@prog("mix_tf_variable_in_layer")
def _mix6(tf: Any) -> Any:
    class Lay(tf.keras.layers.Layer):
        def __init__(self) -> None:
            super().__init__()
            self.s = tf.Variable(2.0, name="s")

        def build(self, shape: Any) -> None:
            self.w = self.add_weight(shape=(shape[-1], 2), initializer="ones", name="w")

        def call(self, x: Any) -> Any:
            return tf.matmul(x, self.w) * self.s

    lay = Lay()
    x = tf.constant(xdata((3, 4)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(lay(x))
    return {
        "n_tv": len(lay.trainable_variables),
        "n_w": len(lay.weights),
        "g": [g(t) for t in tape.gradient(loss, [lay.w, lay.s])],
        "watched": wnames(tape.watched_variables()),
    }


@prog("mix_tf_variable_and_keras_opt")
def _mix7(tf: Any) -> Any:
    m = seq(tf, (4,), tf.keras.layers.Dense(2))
    extra = tf.Variable([0.5, -0.5], name="extra")
    x = tf.constant(xdata((3, 4)))
    opt = tf.keras.optimizers.Adam(0.1)
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum((m(x) + extra) ** 2)
        vs = m.trainable_variables + [extra]
        grads = tape.gradient(loss, vs)
        opt.apply_gradients(zip(grads, vs))
    return {
        "extra": v(extra),
        "w": [v(w) for w in m.weights],
        "gt": [type(t).__name__ for t in grads],
        "it": int(opt.iterations.numpy()),
    }


@prog("mix_clip_global_norm")
def _mix8(tf: Any) -> Any:
    m = seq(tf, (5,), tf.keras.layers.Dense(3), tf.keras.layers.Dense(2))
    x = tf.constant(xdata((4, 5)) * 10)
    opt = tf.keras.optimizers.SGD(0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(m(x) ** 2)
    grads = tape.gradient(loss, m.trainable_variables)
    clipped, norm = tf.clip_by_global_norm(grads, 1.0)
    c2 = [tf.clip_by_norm(t, 0.5) for t in grads]
    opt.apply_gradients(zip(clipped, m.trainable_variables))
    return {
        "norm": v(norm),
        "clipped": [g(t) for t in clipped],
        "c2": [g(t) for t in c2],
        "w": [v(w) for w in m.weights],
    }


@prog("mix_tf_ops_in_call_subclass")
def _mix9(tf: Any) -> Any:
    class Net(tf.keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.d1 = tf.keras.layers.Dense(4)
            self.d2 = tf.keras.layers.Dense(3)

        def call(self, x: Any, training: bool = False) -> Any:
            h = tf.nn.leaky_relu(self.d1(x), alpha=0.1)
            h = tf.concat([h, tf.reduce_mean(h, axis=-1, keepdims=True)], -1)
            return tf.nn.log_softmax(self.d2(h))

    net = Net()
    x = xdata((4, 5))
    net(x)
    seed_weights(net)
    return probe(tf, net, x)


@prog("mix_loss_on_tf_tensors")
def _mix10(tf: Any) -> Any:
    logits = tf.Variable(xdata((4, 3)))
    labels = tf.constant([0, 1, 2, 1])
    with tf.GradientTape() as tape:
        loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)
    return {"loss": v(loss), "g": g(tape.gradient(loss, logits))}


# ------------------------------------------------------------ losses
_LOSSES = {
    "mse": ("MeanSquaredError", {}, "reg"),
    "mae": ("MeanAbsoluteError", {}, "reg"),
    "mape": ("MeanAbsolutePercentageError", {}, "reg"),
    "msle": ("MeanSquaredLogarithmicError", {}, "pos"),
    "huber": ("Huber", {"delta": 0.5}, "reg"),
    "logcosh": ("LogCosh", {}, "reg"),
    "bce": ("BinaryCrossentropy", {}, "prob"),
    "bce_logits": ("BinaryCrossentropy", {"from_logits": True}, "bin"),
    "bce_logits_ls": ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bin"),
    "bfce_logits": ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 2.0}, "bin"),
    "bfce_balanced": (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.3},
        "prob",
    ),
    "cce": ("CategoricalCrossentropy", {}, "softmax"),
    "cce_logits": ("CategoricalCrossentropy", {"from_logits": True}, "onehot"),
    "cce_logits_ls": (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "onehot",
    ),
    "cfce": ("CategoricalFocalCrossentropy", {"from_logits": True}, "onehot"),
    "scce": ("SparseCategoricalCrossentropy", {}, "sparse_prob"),
    "scce_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse"),
    "scce_ignore": (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": 1},
        "sparse",
    ),
    "kld": ("KLDivergence", {}, "softmax2"),
    "poisson": ("Poisson", {}, "pos"),
    "cosine": ("CosineSimilarity", {"axis": -1}, "reg"),
    "hinge": ("Hinge", {}, "bin"),
    "sqhinge": ("SquaredHinge", {}, "bin"),
    "cathinge": ("CategoricalHinge", {}, "onehot"),
    "tversky": ("Tversky", {}, "prob"),
    "dice": ("Dice", {}, "prob"),
}


def _loss_data(tf: Any, kind: str) -> Any:
    rng = np.random.default_rng(3)
    raw = rng.standard_normal((4, 3)).astype(np.float32)
    if kind == "reg":
        return raw + 0.2, tf.Variable(rng.standard_normal((4, 3)).astype(np.float32)), None
    if kind == "pos":
        return (
            np.abs(raw) + 0.1,
            tf.Variable(np.abs(rng.standard_normal((4, 3))).astype(np.float32) + 0.1),
            None,
        )
    if kind in ("bin", "prob"):
        y = (raw > 0).astype(np.float32)
        p = rng.standard_normal((4, 3)).astype(np.float32)
        return y, tf.Variable(p), ("sigmoid" if kind == "prob" else None)
    if kind in ("onehot", "softmax", "softmax2"):
        y = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
        if kind == "softmax2":
            y = np.exp(raw) / np.exp(raw).sum(-1, keepdims=True)
        return (
            y,
            tf.Variable(rng.standard_normal((4, 3)).astype(np.float32)),
            (None if kind == "onehot" else "softmax"),
        )
    if kind in ("sparse", "sparse_prob"):
        return (
            np.array([0, 2, 1, 1]),
            tf.Variable(rng.standard_normal((4, 3)).astype(np.float32)),
            (None if kind == "sparse" else "softmax"),
        )
    raise ValueError(kind)


def loss_prog(key: str, reduction: Any, weighted: bool) -> None:
    cls, kw, kind = _LOSSES[key]

    def fn(tf: Any) -> Any:
        y, pvar, post = _loss_data(tf, kind)
        kwargs = dict(kw)
        if reduction is not None:
            kwargs["reduction"] = reduction
        loss_fn = getattr(tf.keras.losses, cls)(**kwargs)
        sw = np.array([1.0, 0.5, 0.0, 2.0], np.float32) if weighted else None
        with tf.GradientTape() as tape:
            p = pvar
            if post == "sigmoid":
                p = tf.sigmoid(pvar)
            elif post == "softmax":
                p = tf.nn.softmax(pvar)
            loss = loss_fn(y, p, sample_weight=sw)
            total = tf.reduce_sum(loss)
        return {"loss": v(loss), "shape": list(loss.shape), "g": g(tape.gradient(total, pvar))}

    P[f"loss_{key}_{reduction}{'_w' if weighted else ''}"] = fn


for _key in ["mse", "bce_logits", "cce_logits", "scce_ignore", "kld"]:
    loss_prog(_key, None, False)
loss_prog("scce_logits", "none", True)


@prog("loss_functions_module")
def _lossfns(tf: Any) -> Any:
    y, pvar, _ = _loss_data(tf, "onehot")
    with tf.GradientTape(persistent=True) as tape:
        a = tf.keras.losses.categorical_crossentropy(y, pvar, from_logits=True)
        b = tf.keras.losses.mean_squared_error(y, pvar)
        c = tf.keras.losses.binary_crossentropy(y, tf.sigmoid(pvar))
        d = tf.keras.losses.sparse_categorical_crossentropy(
            np.array([0, 2, 1, 2]), pvar, from_logits=True
        )
        e = tf.keras.losses.huber(y, pvar)
    return {
        k: {"l": v(t), "g": g(tape.gradient(t, pvar))}
        for k, t in dict(a=a, b=b, c=c, d=d, e=e).items()
    }


# ------------------------------------------------------------ optimizers
def mlp(tf: Any) -> Any:
    return seq(tf, (6,), tf.keras.layers.Dense(5, activation="tanh"), tf.keras.layers.Dense(3))


def opt_prog(name: str, make: Callable[[Any], Any], steps: int = 3) -> None:
    def fn(tf: Any) -> Any:
        m = mlp(tf)
        x = tf.constant(xdata((8, 6)))
        y = tf.constant(np.arange(8) % 3)
        opt = make(tf)
        loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        losses, lrs = [], []
        for _ in range(steps):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, m(x, training=True))
            grads = tape.gradient(loss, m.trainable_variables)
            opt.apply_gradients(zip(grads, m.trainable_variables))
            losses.append(float(loss))
            lrs.append(float(np.asarray(opt.learning_rate)))
        return {
            "losses": losses,
            "lrs": lrs,
            "grads": [g(t) for t in grads],
            "w": [v(w) for w in m.weights],
            "it": int(opt.iterations.numpy()),
            "paths": paths(m.trainable_variables),
            "nvars": len(opt.variables),
        }

    P["opt_" + name] = fn


OPT = lambda tf: tf.keras.optimizers  # noqa: E731
opt_prog("sgd_nesterov", lambda tf: OPT(tf).SGD(0.1, momentum=0.9, nesterov=True))
opt_prog("adam_amsgrad", lambda tf: OPT(tf).Adam(0.01, amsgrad=True))
opt_prog("adamw", lambda tf: OPT(tf).AdamW(0.01, weight_decay=0.1))
opt_prog("rmsprop_mom_centered", lambda tf: OPT(tf).RMSprop(0.01, momentum=0.5, centered=True))
opt_prog("adagrad", lambda tf: OPT(tf).Adagrad(0.1))
opt_prog("nadam", lambda tf: OPT(tf).Nadam(0.01))
opt_prog("lion", lambda tf: OPT(tf).Lion(0.01))
opt_prog(
    "ftrl",
    lambda tf: OPT(tf).Ftrl(0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.01),
)
opt_prog("sgd_clipnorm", lambda tf: OPT(tf).SGD(0.1, clipnorm=0.1))
opt_prog("sgd_clipvalue", lambda tf: OPT(tf).SGD(0.1, clipvalue=0.01))
opt_prog("adam_global_clipnorm", lambda tf: OPT(tf).Adam(0.01, global_clipnorm=0.2))
opt_prog("sgd_weight_decay", lambda tf: OPT(tf).SGD(0.1, weight_decay=0.05))
opt_prog("adam_expdecay", lambda tf: OPT(tf).Adam(OPT(tf).schedules.ExponentialDecay(0.05, 1, 0.5)))
opt_prog(
    "sgd_piecewise",
    lambda tf: OPT(tf).SGD(OPT(tf).schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.05, 0.01])),
)
opt_prog(
    "adam_ema",
    lambda tf: OPT(tf).Adam(0.01, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2),
)
opt_prog("sgd_accum", lambda tf: OPT(tf).SGD(0.1, gradient_accumulation_steps=2), steps=4)
opt_prog(
    "adam_loss_scale", lambda tf: tf.keras.mixed_precision.LossScaleOptimizer(OPT(tf).Adam(0.01))
)


@prog("opt_str_get")
def _oget(tf: Any) -> Any:
    opt = tf.keras.optimizers.get("rmsprop")
    return {"cls": type(opt).__name__, "lr": float(np.asarray(opt.learning_rate))}


@prog("opt_lr_assign")
def _olr(tf: Any) -> Any:
    m = mlp(tf)
    x = tf.constant(xdata((8, 6)))
    opt = tf.keras.optimizers.SGD(0.1)
    out = []
    for i in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(m(x) ** 2)
        grads = tape.gradient(loss, m.trainable_variables)
        opt.apply_gradients(zip(grads, m.trainable_variables))
        opt.learning_rate = 0.1 / (i + 2)
        out.append(float(np.asarray(opt.learning_rate)))
    return {"lr": out, "w": [v(w) for w in m.weights], "it": int(opt.iterations.numpy())}


@prog("opt_minimize_like_apply_subset")
def _osub(tf: Any) -> Any:
    m = mlp(tf)
    x = tf.constant(xdata((8, 6)))
    opt = tf.keras.optimizers.Adam(0.05)
    for i in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(m(x) ** 2)
        vs = m.trainable_variables if i != 1 else m.layers[1].trainable_variables
        grads = tape.gradient(loss, vs)
        opt.apply_gradients(zip(grads, vs))
    return {"w": [v(w) for w in m.weights], "it": int(opt.iterations.numpy())}


@prog("opt_apply_alias")
def _oapply(tf: Any) -> Any:
    m = mlp(tf)
    x = tf.constant(xdata((8, 6)))
    opt = tf.keras.optimizers.SGD(0.1, momentum=0.5)
    for _ in range(2):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(m(x) ** 2)
        grads = tape.gradient(loss, m.trainable_variables)
        opt.apply(grads, m.trainable_variables)
    return {"w": [v(w) for w in m.weights], "it": int(opt.iterations.numpy())}


# ------------------------------------------------------------ tf.function train steps
def fn_prog(
    name: str,
    make_model: Callable[[Any], Any],
    make_opt: Callable[[Any], Any],
    in_shape: Any,
    int_input: Any = None,
    training: bool = True,
) -> None:
    def fn(tf: Any) -> Any:
        m = make_model(tf)
        if int_input:
            x = tf.constant(
                np.random.default_rng(1).integers(0, int_input, (4, *in_shape)).astype(np.int32)
            )
        else:
            x = tf.constant(xdata((4, *in_shape)))
        y = tf.constant(xdata((4, *m.output_shape[1:]), 7))
        opt = make_opt(tf)

        @tf.function
        def train_step(xb: Any, yb: Any) -> Any:
            with tf.GradientTape() as tape:
                pred = m(xb, training=training)
                loss = tf.reduce_mean(tf.square(pred - yb))
                if m.losses:
                    loss += tf.add_n(m.losses)
            grads = tape.gradient(loss, m.trainable_variables)
            opt.apply_gradients(zip(grads, m.trainable_variables))
            return loss, grads

        losses = []
        for _ in range(3):
            loss, grads = train_step(x, y)
            losses.append(float(loss))
        return {
            "losses": losses,
            "grads": [g(t) for t in grads],
            "w": [v(w) for w in m.weights],
            "it": int(opt.iterations.numpy()),
        }

    P["fn_" + name] = fn


L_ = lambda tf: tf.keras.layers  # noqa: E731
fn_prog(
    "mlp_adam",
    lambda tf: seq(tf, (5,), L_(tf).Dense(4, activation="relu"), L_(tf).Dense(2)),
    lambda tf: OPT(tf).Adam(0.01),
    (5,),
)
fn_prog(
    "bn_sgd",
    lambda tf: seq(tf, (5,), L_(tf).Dense(4), L_(tf).BatchNormalization(), L_(tf).Dense(2)),
    lambda tf: OPT(tf).SGD(0.1, momentum=0.9),
    (5,),
)
fn_prog(
    "lstm_rmsprop",
    lambda tf: seq(tf, (4, 3), L_(tf).LSTM(3)),
    lambda tf: OPT(tf).RMSprop(0.01),
    (4, 3),
)
fn_prog(
    "reg_clip",
    lambda tf: seq(tf, (5,), L_(tf).Dense(4, kernel_regularizer="l2"), L_(tf).Dense(2)),
    lambda tf: OPT(tf).Adam(0.01, global_clipnorm=0.1),
    (5,),
)


def _mha_model(tf: Any) -> Any:
    inp = tf.keras.Input((3, 4))
    m = tf.keras.Model(inp, tf.keras.layers.MultiHeadAttention(2, 2)(inp, inp))
    seed_weights(m)
    return m


@prog("fn_custom_layer")
def _fncustom(tf: Any) -> Any:
    class MyDense(tf.keras.layers.Layer):
        def build(self, shape: Any) -> None:
            self.w = self.add_weight(shape=(shape[-1], 2), initializer="ones", name="w")

        def call(self, x: Any) -> Any:
            return tf.nn.relu(tf.matmul(x, self.w))

    m = tf.keras.Sequential([tf.keras.Input((4,)), MyDense()])
    seed_weights(m)
    opt = tf.keras.optimizers.SGD(0.1)
    x = tf.constant(xdata((3, 4)))

    @tf.function
    def step(xb: Any) -> Any:
        with tf.GradientTape() as tape:
            tape.watch(xb)
            loss = tf.reduce_sum(m(xb) ** 2)
        gw, gx = tape.gradient(loss, [m.trainable_variables, xb])
        opt.apply_gradients(zip(gw, m.trainable_variables))
        return loss, gx

    res = [step(x) for _ in range(3)]
    return {"loss": [float(r[0]) for r in res], "gx": g(res[-1][1]), "w": [v(w) for w in m.weights]}


@prog("fn_saliency_jacobian")
def _fnjac(tf: Any) -> Any:
    m = seq(tf, (3,), tf.keras.layers.Dense(2, activation="tanh"))

    @tf.function
    def f(x: Any) -> Any:
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = m(x)
        return tape.gradient(tf.reduce_sum(y), x), tape.batch_jacobian(y, x)

    gx, bj = f(tf.constant(xdata((2, 3))))
    return {"gx": g(gx), "bj": g(bj)}


@prog("fn_none_unused")
def _fnnone(tf: Any) -> Any:
    a = seq(tf, (3,), tf.keras.layers.Dense(2))
    b = seq(tf, (3,), tf.keras.layers.Dense(2))

    @tf.function
    def f(x: Any) -> Any:
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(a(x))
        return tape.gradient(loss, a.trainable_variables + b.trainable_variables)

    gr = f(tf.constant(xdata((2, 3))))
    return [g(t) for t in gr]


# ------------------------------------------------------------ dtypes and misc
@prog("dtype_float64_model")
def _f64(tf: Any) -> Any:
    m = tf.keras.Sequential(
        [tf.keras.Input((3,), dtype="float64"), tf.keras.layers.Dense(2, dtype="float64")]
    )
    seed_weights(m)
    x = tf.constant(xdata((2, 3)).astype(np.float64))
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(m(x) ** 2)
    gr = tape.gradient(loss, m.trainable_variables + [x])
    opt = tf.keras.optimizers.Adam(0.1)
    opt.apply_gradients(zip(gr[:2], m.trainable_variables))
    return {"g": [g(t) for t in gr], "w": [v(w) for w in m.weights], "loss": v(loss)}


@prog("dtype_mixed_float16")
def _mp(tf: Any) -> Any:
    tf.keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        m = tf.keras.Sequential(
            [
                tf.keras.Input((3,)),
                tf.keras.layers.Dense(2),
                tf.keras.layers.Activation("linear", dtype="float32"),
            ]
        )
        seed_weights(m)
        x = tf.constant(xdata((2, 3)))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = m(x)
            loss = tf.reduce_sum(y**2)
        gr = tape.gradient(loss, m.trainable_variables + [x])
        return {
            "y_dtype": str(np.asarray(y).dtype),
            "g": [g(t) for t in gr],
            "vdtype": [str(np.asarray(w).dtype) for w in m.weights],
        }
    finally:
        tf.keras.mixed_precision.set_global_policy("float32")


@prog("keras_variable_direct")
def _kv(tf: Any) -> Any:
    w = tf.keras.Variable(np.array([1.0, 2.0], np.float32), name="w")
    nt = tf.keras.Variable(np.array([3.0], np.float32), trainable=False, name="nt")
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w * w) + tf.reduce_sum(nt * w[0])
    gw, gnt = tape.gradient(loss, [w, nt])
    opt = tf.keras.optimizers.SGD(0.25)
    opt.apply_gradients([(gw, w)])
    return {"gw": g(gw), "gnt": g(gnt), "w": v(w), "watched": wnames(tape.watched_variables())}


@prog("keras_ops_in_tape")
def _kops(tf: Any) -> Any:
    ops = tf.keras.ops
    x = tf.Variable(xdata((3, 4)))
    with tf.GradientTape() as tape:
        y = ops.sum(ops.tanh(ops.matmul(x, ops.transpose(x))) * ops.softmax(x[:, :3]))
    return {"y": v(y), "g": g(tape.gradient(y, x))}


@prog("model_call_numpy_in_tape")
def _mnp(tf: Any) -> Any:
    m = seq(tf, (4,), tf.keras.layers.Dense(2))
    x = xdata((3, 4))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(m(x))
    return {
        "g": [g(t) for t in tape.gradient(loss, m.trainable_variables)],
        "type": type(loss).__name__,
    }


@prog("model_vars_order_names")
def _order(tf: Any) -> Any:
    L = tf.keras.layers
    m = seq(
        tf,
        (4, 3),
        L.LSTM(3, return_sequences=True),
        L.LayerNormalization(),
        L.BatchNormalization(),
        L.GRU(2),
        L.Dense(1),
    )
    return {
        "tv": paths(m.trainable_variables),
        "ntv": paths(m.non_trainable_variables),
        "names": [w.name for w in m.trainable_variables],
        "tw": paths(m.trainable_weights),
        "shapes": [list(w.shape) for w in m.trainable_variables],
    }


@prog("train_on_batch_after_tape")
def _tob(tf: Any) -> Any:
    m = mlp(tf)
    m.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
    x = xdata((8, 6))
    y = xdata((8, 3), 2)
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((m(x) - y) ** 2)
    gr = tape.gradient(loss, m.trainable_variables)
    m.optimizer.apply_gradients(zip(gr, m.trainable_variables))
    l2 = m.train_on_batch(x, y)
    return {
        "loss": v(loss),
        "tob": float(np.asarray(l2)),
        "w": [v(w) for w in m.weights],
        "it": int(m.optimizer.iterations.numpy()),
    }


def run(fn: Callable[[Any], Any], tf: Any) -> Any:
    """`fn(tf)`, or the class and message of the exception it raised."""
    try:
        return fn(tf)
    except Exception as error:  # noqa: BLE001 - the class is the answer
        return {"raised": type(error).__name__, "message": str(error)[:300]}
