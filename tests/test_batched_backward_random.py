"""Jacobians of random graphs: our own batching rules against independent references.

`test_batched_backward` checks each rule on graphs written for it; this module
composes the ops those rules cover at random (unary ops, broadcasting arithmetic,
reductions with and without kept dims, softmax, views, indexing, matrix products,
convolutions, 0-d tensors, one or two sources) and compares the tape's jacobian with
`torch.func.jacrev` on the same function, in float64 and float32. The TF-spelled
programs compare our rules with torch's own batching on the same tape (jacobian,
batch_jacobian and `parallel_iterations` chunks). Each program is checked to have
taken the rules' path often enough that the comparison means something.
Deterministic: a seed per program.
"""

from __future__ import annotations

import random
from typing import Any, Callable, List, Optional, Sequence, Tuple

import numpy as np
import pytest
import torch

import tftape_torch as tf
from tftape_torch import GradientTape
from tftape_torch import _tape as tape_module

Tensor = torch.Tensor


@pytest.fixture
def rule_passes(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """Counts the passes our rules ran (the tape's call of `_batched_backward.run`)."""
    taken = [0]
    own = tape_module.own_batched_backward

    def counted(*args: Any, **kwargs: Any) -> Any:
        result = own(*args, **kwargs)
        taken[0] += result is not None
        return result

    monkeypatch.setattr(tape_module, "own_batched_backward", counted)
    return taken


def _positive(t: Tensor) -> Tensor:
    return t.abs() + 0.5


_UNARY: List[Callable[[Tensor], Tensor]] = [
    torch.abs, torch.cos, torch.sin, torch.tanh, torch.sigmoid, torch.neg, torch.relu,
    torch.clone,
    lambda t: torch.exp(t * 0.3),
    lambda t: torch.expm1(t * 0.3),
    lambda t: torch.log1p(_positive(t)),
    lambda t: torch.log(_positive(t)),
    lambda t: torch.reciprocal(_positive(t)),
    lambda t: torch.rsqrt(_positive(t)),
    lambda t: torch.sqrt(_positive(t)),
    lambda t: torch.sgn(t) * t,
    lambda t: torch.sign(t) + t,
    lambda t: torch.ceil(t) + t,
    lambda t: torch.floor(t) * t,
    lambda t: torch.round(t) + t,
    lambda t: t**2,
    lambda t: t**3,
    lambda t: _positive(t) ** 1.5,
    lambda t: 1.0 - t,
    lambda t: t + 2.0,
    lambda t: t - 0.5,
    lambda t: t * 3.0,
    lambda t: t / 3.0,
    lambda t: torch.softmax(t, -1),
    lambda t: torch.log_softmax(t, -1),
    lambda t: torch.softmax(t, 0),
]


def _shape_op(rng: random.Random, t: Tensor) -> Tensor:
    d = t.dim()
    if d == 0:
        return rng.choice([t.unsqueeze(0), t.sum(0), torch.softmax(t, -1) * t, t.transpose(0, -1)])
    dim = rng.randrange(-d, d)
    keep = rng.random() < 0.5
    options: List[Callable[[], Tensor]] = [
        lambda: t.unsqueeze(rng.randrange(-d - 1, d + 1)),
        lambda: t.reshape(-1),
        lambda: t.reshape(2, -1) if t.numel() % 2 == 0 else t.reshape(1, -1),
        lambda: t.narrow(dim, 0, rng.randrange(1, t.shape[dim] + 1)),
        lambda: t[(slice(None),) * (dim % d) + (slice(None, None, 2),)],
        lambda: torch.index_select(
            t, dim, torch.tensor([rng.randrange(t.shape[dim]) for _ in range(rng.randrange(1, 5))])
        ),
        lambda: t.sum(dim, keepdim=keep),
        lambda: t.mean(dim, keepdim=keep),
        lambda: torch.amax(t, dim, keepdim=keep),
        lambda: torch.logsumexp(t, dim, keepdim=keep),
        lambda: t.unsqueeze(0).expand((3, *t.shape)),
        lambda: t.select(0, rng.randrange(t.shape[0])),
    ]
    if d >= 2:
        perm = list(range(d))
        rng.shuffle(perm)
        options += [lambda: t.transpose(rng.randrange(d), rng.randrange(d)), lambda: t.mT,
                    lambda: t.permute(perm), lambda: t.t() if d == 2 else t.transpose(0, 1)]
    if 1 in t.shape:
        options += [lambda: t.squeeze(), lambda: t.squeeze(list(t.shape).index(1))]
    return rng.choice(options)()


def _binary_op(rng: random.Random, a: Tensor, b: Tensor,
               param: Callable[..., Tensor]) -> Optional[Tensor]:
    kind = rng.choice(["add", "sub", "mul", "div", "where", "pow", "matmul", "addmm", "bmm",
                       "mv", "index_add", "param_mul", "param_add", "param_matmul", "conv",
                       "conv"])
    try:
        torch.broadcast_shapes(a.shape, b.shape)
        broadcasts = True
    except RuntimeError:
        broadcasts = False
    if broadcasts and kind in ("add", "sub", "mul", "div", "where", "pow"):
        return {
            "add": lambda: a + b * 0.5,
            "sub": lambda: a - b,
            "mul": lambda: a * b,
            "div": lambda: a / _positive(b),
            "where": lambda: torch.where(a > b, a, b * 2.0),
            "pow": lambda: _positive(a) ** (b * 0.1),
        }[kind]()
    inner = b.shape[-2 if b.dim() > 1 else -1] if b.dim() else None
    if kind == "matmul" and a.dim() and a.shape[-1] == inner:
        try:
            return torch.matmul(a, b)
        except RuntimeError:
            return None
    if kind == "addmm" and a.dim() == 2 and b.dim() == 2 and a.shape[1] == b.shape[0]:
        bias = param(a.shape[0], b.shape[1]) if rng.random() < 0.5 else param(b.shape[1])
        return torch.addmm(bias, a, b)
    if kind == "bmm" and a.dim() == 3 and b.dim() == 3 and a.shape[0] == b.shape[0] and (
            a.shape[2] == b.shape[1]):
        return torch.bmm(a, b)
    if kind == "mv" and a.dim() == 2 and b.dim() == 1 and a.shape[1] == b.shape[0]:
        return torch.mv(a, b)
    if kind == "index_add" and a.dim() and b.dim() == a.dim() and b.shape[1:] == a.shape[1:]:
        index = torch.tensor([rng.randrange(a.shape[0]) for _ in range(b.shape[0])])
        return torch.index_add(a, 0, index, b)
    if kind == "conv" and a.dim() in (2, 3, 4):
        if a.dim() == 2:  # one example of channels x length
            a = a.unsqueeze(0)
        spatial = a.dim() - 2
        kernel = [rng.randrange(1, 4) for _ in range(spatial)]
        stride, dilation = rng.choice([1, 1, 2]), rng.choice([1, 1, 2])
        padding = rng.randrange(0, 3)
        if any(a.shape[2 + i] + 2 * padding < dilation * (k - 1) + 1
               for i, k in enumerate(kernel)):
            return None
        conv = torch.nn.functional.conv1d if spatial == 1 else torch.nn.functional.conv2d
        out_channels = rng.randrange(1, 4)
        bias = param(out_channels) if rng.random() < 0.5 else None
        return conv(a, param(out_channels, a.shape[1], *kernel), bias, stride, padding,
                    dilation)
    if kind == "param_mul" and a.dim():
        return a * param(*a.shape[-rng.randrange(1, a.dim() + 1):])
    if kind == "param_add" and a.dim():
        return a + param(a.shape[-1])
    if kind == "param_matmul" and a.dim():
        w = param(a.shape[-1], rng.randrange(1, 5))
        if rng.random() < 0.5:
            return torch.matmul(a, w)
        return torch.matmul(w.mT, a.unsqueeze(-1)).squeeze(-1)
    return None


def _program(seed: int, dtype: torch.dtype) -> Tuple[List[Tensor], Callable[..., Tensor]]:
    """Random sources and a function of them, the same graph at every call."""
    rng = random.Random(seed)
    shapes = [tuple(rng.randrange(1, 5) for _ in range(rng.randrange(1, 4)))
              for _ in range(rng.randrange(1, 3))]
    steps = rng.randrange(2, 9)
    generator = torch.Generator().manual_seed(seed)
    sources = [torch.randn(shape, generator=generator, dtype=dtype) for shape in shapes]
    params: List[Tensor] = []

    def fn(*xs: Tensor) -> Tensor:
        choices = random.Random(seed + 1)
        used = [0]

        def param(*shape: int) -> Tensor:
            if used[0] == len(params):
                params.append(torch.randn(shape, generator=generator, dtype=dtype))
            used[0] += 1
            return params[used[0] - 1]

        values = list(xs)
        for _ in range(steps):
            kind = choices.random()
            value: Optional[Tensor]
            if kind < 0.4:
                value = choices.choice(_UNARY)(choices.choice(values))
            elif kind < 0.7:
                value = _shape_op(choices, choices.choice(values))
            else:
                value = _binary_op(choices, choices.choice(values), choices.choice(values), param)
                if value is None:
                    value = choices.choice(_UNARY)(choices.choice(values))
            values.append(value)
        return values[-1]

    return sources, fn


_CHUNKS, _PER_CHUNK = 10, 30


# float64 runs every chunk of programs, float32 a third of them
_JACREV_CASES = [(chunk, torch.float64) for chunk in range(_CHUNKS)] + [
    (chunk, torch.float32) for chunk in range(_CHUNKS // 3)]


@pytest.mark.parametrize("chunk, dtype", _JACREV_CASES,
                         ids=[f"{c}-{str(d)[6:]}" for c, d in _JACREV_CASES])
def test_random_graph_jacobians_match_jacrev(chunk: int, dtype: torch.dtype,
                                             rule_passes: List[int]) -> None:
    tol = 1e-9 if dtype == torch.float64 else 1e-4
    checked = 0
    for seed in range(chunk * _PER_CHUNK, (chunk + 1) * _PER_CHUNK):
        sources, fn = _program(seed, dtype)
        try:
            fn(*sources)
        except (RuntimeError, IndexError):
            continue  # an op the random shapes do not allow
        with GradientTape(persistent=True) as tape:
            for x in sources:
                tape.watch(x)
            y = fn(*sources)
        ours = tape.jacobian(y, sources)
        expected = torch.func.jacrev(fn, argnums=tuple(range(len(sources))))(*sources)
        for got, want in zip(ours, expected):
            if got is None:  # an unconnected source (TF's None); jacrev gives zeros
                assert not want.any(), f"seed {seed}: None for a connected source"
                continue
            assert got.shape == want.shape and got.dtype == want.dtype, f"seed {seed}"
            torch.testing.assert_close(got, want, rtol=tol, atol=tol, msg=f"seed {seed}")
        checked += 1
    assert checked >= _PER_CHUNK // 2
    assert rule_passes[0] >= checked // 4, "too few programs took our rules"


def _tf_step(choices: random.Random, v: Any, other: Any, param: Callable[..., Any]) -> Any:
    """One random TF op on `v` (and `other`, of `v`'s shape or 0-d)."""
    dims = [int(d) for d in v.shape]
    rank = len(dims)
    reduce = choices.choice([tf.reduce_sum, tf.reduce_mean, tf.reduce_max, tf.reduce_logsumexp])
    axis = choices.choice([None, choices.randrange(-rank, rank)]) if rank else None
    options: List[Callable[[], Any]] = [
        lambda: tf.tanh(v), lambda: tf.sigmoid(v), lambda: tf.exp(v * 0.3),
        lambda: tf.square(v), lambda: tf.sqrt(tf.abs(v) + 0.5),
        lambda: tf.math.log(tf.abs(v) + 0.5), lambda: tf.nn.relu(v) * v,
        lambda: 1.0 - v, lambda: v + other, lambda: v * other,
        lambda: v / (tf.abs(other) + 1.0), lambda: tf.maximum(v, 0.1) * v,
        lambda: tf.where(v > 0, v * v, -v), lambda: tf.reduce_sum(v) * v,
        lambda: reduce(v, axis=axis, keepdims=choices.random() < 0.4),
        lambda: tf.reshape(v, [-1]), lambda: tf.expand_dims(v, 0),
    ]
    if rank:
        w = param(dims[-1], choices.randrange(1, 5))
        index = [choices.randrange(dims[-1]) for _ in range(choices.randrange(1, 5))]
        options += [
            lambda: tf.nn.softmax(v, axis=-1), lambda: tf.nn.log_softmax(v, axis=-1),
            lambda: tf.einsum("...i,ij->...j", v, w),
            lambda: tf.linalg.matvec(tf.transpose(w), v) if rank == 1 else tf.matmul(v, w),
            lambda: tf.gather(v, index, axis=-1), lambda: v[choices.randrange(dims[0]):],
        ]
    if rank >= 2:
        options.append(lambda: tf.transpose(v))
    return choices.choice(options)()


def _tf_program(seed: int) -> Tuple[Any, Callable[[Any], Any]]:
    """A random TF-spelled program of one source (float32 or float64)."""
    rng = random.Random(seed)
    shape = [rng.randrange(1, 5) for _ in range(rng.randrange(1, 4))]
    dtype = rng.choice([tf.float32, tf.float64])
    steps = rng.randrange(2, 8)
    x = tf.constant(np.random.RandomState(seed).randn(*shape), dtype=dtype)
    weights = np.random.RandomState(seed + 3)
    params: List[Any] = []

    def fn(v0: Any) -> Any:
        choices = random.Random(seed + 1)
        used = [0]

        def param(*dims: int) -> Any:
            if used[0] == len(params):
                params.append(tf.constant(weights.randn(*dims), dtype=dtype))
            used[0] += 1
            return params[used[0] - 1]

        values = [v0]
        for _ in range(steps):
            v, other = choices.choice(values), choices.choice(values)
            if tuple(other.shape) != tuple(v.shape):
                other = tf.reduce_sum(other)
            values.append(_tf_step(choices, v, other, param))
        return values[-1]

    return x, fn


@pytest.mark.parametrize("chunk", range(4))
def test_random_tf_programs_agree_with_torch_batching(chunk: int, rule_passes: List[int],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    own = tape_module.own_batched_backward
    for seed in range(chunk * 50, (chunk + 1) * 50):
        x, fn = _tf_program(seed)
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = fn(x)
        batch = len(y.shape) >= 2 and len(x.shape) >= 2 and int(y.shape[0]) == int(x.shape[0])
        results: List[Sequence[Any]] = []
        for rules in (own, lambda *args, **kwargs: None):  # ours, then torch's batching
            monkeypatch.setattr(tape_module, "own_batched_backward", rules)
            results.append([
                tape.jacobian(y, x),
                tape.jacobian(y, x, parallel_iterations=2),
                tape.batch_jacobian(y, x) if batch else None,
            ])
        tol = 1e-9 if x.dtype == tf.float64 else 1e-5
        for got, want in zip(*results):
            assert (got is None) == (want is None), f"seed {seed}"
            if got is not None:
                assert got.dtype == want.dtype and got.shape == want.shape, f"seed {seed}"
                np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=tol, atol=tol,
                                           err_msg=f"seed {seed}")
    assert rule_passes[0] >= 20, "too few programs took our rules"
