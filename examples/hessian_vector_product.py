"""Hessian-vector products two ways, timed against building the full Hessian.

A Hessian-vector product `H v` (the curvature of a loss along a direction `v`) is what
second-order optimizers, influence functions and sharpness measures need. It costs a
small multiple of one gradient, while the full Hessian costs one backward pass per
parameter and `n**2` memory. This script computes `H v` for a small two-layer model:

1. forward-over-backward: a `tf.autodiff.ForwardAccumulator` around a
   `tf.GradientTape`; the accumulator pushes `v` through the gradient computation;
2. backward-over-backward: nested tapes; the outer tape differentiates `g . v`,
   where `g` is the gradient the inner tape computed;
3. the full Hessian from nested tapes and `jacobian`, then a matrix-vector product;

checks that they agree, and prints the time of each. Both HVPs beat the full Hessian
by a margin that grows with the model. On CPU, torch's forward mode goes through
Python decompositions for the derivatives of backward ops, so forward-over-backward
is usually the slower of the two here; its advantage is memory (no second graph).

Run: python examples/hessian_vector_product.py [--size small|medium|large]
                                               [--repeats N] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import tftape_torch as tf

SIZES = {
    # inputs, hidden units, batch
    "small": (4, 8, 16),
    "medium": (16, 32, 64),
    "large": (32, 64, 256),
}


def make_problem(n_in, n_hidden, batch):
    """A two-layer tanh network, its data and a direction `v` per variable."""
    tf.random.set_seed(0)
    x = tf.random.normal([batch, n_in])
    y = tf.random.normal([batch, 1])
    variables = [
        tf.Variable(tf.random.normal([n_in, n_hidden]) / np.sqrt(n_in), name="w1"),
        tf.Variable(tf.zeros([n_hidden]), name="b1"),
        tf.Variable(tf.random.normal([n_hidden, 1]) / np.sqrt(n_hidden), name="w2"),
        tf.Variable(tf.zeros([1]), name="b2"),
    ]
    vectors = [tf.random.normal(v.shape) for v in variables]

    def loss_fn():
        w1, b1, w2, b2 = variables
        hidden = tf.tanh(tf.matmul(x, w1) + b1)
        return tf.reduce_mean((tf.matmul(hidden, w2) + b2 - y) ** 2)

    return loss_fn, variables, vectors


def hvp_forward_over_backward(loss_fn, variables, vectors):
    with tf.autodiff.ForwardAccumulator(variables, vectors) as acc:
        with tf.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, variables)
    return acc.jvp(grads)


def hvp_backward_over_backward(loss_fn, variables, vectors):
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn()
        grads = inner.gradient(loss, variables)
        dot = tf.reduce_sum(tf.stack([tf.reduce_sum(g * v) for g, v in zip(grads, vectors)]))
    return outer.gradient(dot, variables)


def full_hessian(loss_fn, variables):
    """The `n x n` Hessian over all variables, flattened in order."""
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn()
        grads = inner.gradient(loss, variables)
        flat_grad = tf.concat([tf.reshape(g, [-1]) for g in grads], axis=0)
    blocks = outer.jacobian(flat_grad, variables)
    n = int(flat_grad.shape[0])
    return tf.concat([tf.reshape(block, [n, -1]) for block in blocks], axis=1)


def hvp_from_full_hessian(loss_fn, variables, vectors):
    hessian = full_hessian(loss_fn, variables)
    flat_v = tf.concat([tf.reshape(v, [-1]) for v in vectors], axis=0)
    return tf.reshape(tf.matmul(hessian, tf.reshape(flat_v, [-1, 1])), [-1])


def flatten(tensors):
    return np.concatenate([np.reshape(t.numpy(), [-1]) for t in tensors])


def timings_ms(fn, repeats):
    """Median and best wall time of `fn` over `repeats` runs, after two warm-up runs."""
    fn()  # the first forward-mode call also loads torch's forward-AD decompositions
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000.0 * statistics.median(times), 1000.0 * min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    args = parser.parse_args(argv)
    with tf.device("/GPU:0" if args.device == "cuda" else "/CPU:0"):
        run(args.size, args.repeats)


def run(size, repeats):
    n_in, n_hidden, batch = SIZES[size]
    loss_fn, variables, vectors = make_problem(n_in, n_hidden, batch)
    n_params = sum(int(np.prod(v.shape)) for v in variables)
    print(f"model: {n_in} -> {n_hidden} (tanh) -> 1, batch {batch}: {n_params} parameters")

    fob = flatten(hvp_forward_over_backward(loss_fn, variables, vectors))
    bob = flatten(hvp_backward_over_backward(loss_fn, variables, vectors))
    full = hvp_from_full_hessian(loss_fn, variables, vectors).numpy()
    scale = max(float(np.max(np.abs(full))), 1e-6)
    tolerance = 1e-4 * scale
    fob_bob = float(np.max(np.abs(fob - bob)))
    fob_full = float(np.max(np.abs(fob - full)))
    bob_full = float(np.max(np.abs(bob - full)))
    if fob_bob > tolerance or fob_full > tolerance or bob_full > tolerance:
        raise SystemExit(
            f"Hessian-vector products disagree: |fob - bob| = {fob_bob:.3g}, "
            f"|fob - full| = {fob_full:.3g}, |bob - full| = {bob_full:.3g} (scale {scale:.3g})"
        )
    print("forward-over-backward and backward-over-backward agree "
          f"(max |difference| {fob_bob:.2g})")
    print("both agree with the full Hessian times v "
          f"(max |difference| {max(fob_full, bob_full):.2g})")

    timings = {
        "forward-over-backward HVP": timings_ms(
            lambda: hvp_forward_over_backward(loss_fn, variables, vectors), repeats
        ),
        "backward-over-backward HVP": timings_ms(
            lambda: hvp_backward_over_backward(loss_fn, variables, vectors), repeats
        ),
        "full Hessian (nested tapes + jacobian), then H @ v": timings_ms(
            lambda: hvp_from_full_hessian(loss_fn, variables, vectors), repeats
        ),
    }
    reference = timings["full Hessian (nested tapes + jacobian), then H @ v"][0]
    print(f"wall time over {repeats} runs (median / best):")
    for name, (median, best) in timings.items():
        print(
            f"  {name:<51} {median:9.3f} / {best:9.3f} ms"
            f"  (median {reference / median:7.1f}x the full Hessian's speed)"
        )


if __name__ == "__main__":
    main()
