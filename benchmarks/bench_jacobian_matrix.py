"""The jacobian matrix: many formulations x {jacobian, batch_jacobian, Hessian by nested
tapes} x sizes, ours against the fastest torch method, with peak memory.

Each row is one formulation, one mode and one size. Its variants, timed interleaved
round by round in one process (see ``benchmarks/_timing.py``; the table shows per-call
medians, and each ratio is the median over rounds of that round's ratio to the fastest
torch method, with a 95% interval: ``_timing.paired_ratio``):

* ``ours``: ``tftape_torch.GradientTape`` on plain torch tensors (the core API);
* ``ours tf``: the same formulation written with ``import tftape_torch as tf`` (every
  formulation but ``layer_norm_fused``, torch's fused op, which TF does not have);
* torch: every method torch offers for the same numbers, the fastest counts:
  ``func.jacrev`` / ``func.jacfwd`` on the function (``func.vmap`` of them per
  example for ``batch_jacobian``; ``func.hessian`` = ``jacfwd(jacrev)`` and
  ``jacrev(jacrev)`` for Hessians), and on the *recorded graph* (what a tape sees):
  ``autograd.grad(..., is_grads_batched=True)`` and ``func.vmap`` over
  ``autograd.grad`` with the batch dimension first or last (after
  ``autograd.grad(create_graph=True)`` for Hessians).

Every variant includes the forward pass and returns the full jacobian; all variants
of a row are checked against ``ours`` before timing. Peak memory: one call of each
variant under ``torch.profiler`` with ``profile_memory=True``, the highest running
sum of its CPU allocation/free events (bytes allocated beyond what existed when the
call started; on CUDA ``max_memory_allocated``). Rows ``jacobian pi=K`` pass
``parallel_iterations=K`` and compare with the chunked torch methods
(``jacrev(chunk_size=K)``, ``func.vmap`` over the graph in chunks of K).

On CUDA each row also calls ours' variants once under
``torch.cuda.set_sync_debug_mode("error")`` and notes any host-device synchronisation.

Run from the repository root (nice it on a shared machine)::

    python benchmarks/bench_jacobian_matrix.py                  # sizes 16 and 256, 1024 for some
    python benchmarks/bench_jacobian_matrix.py --only matmul_col,mlp --modes jacobian
    python benchmarks/bench_jacobian_matrix.py --quick          # size 16, 2 rounds: proves it runs
"""

from __future__ import annotations

import argparse
import math
import os
import pathlib
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import tftape_torch  # noqa: E402
from benchmarks._timing import PairedRatio, paired_ratio, time_interleaved  # noqa: E402
from benchmarks._workloads import hessian_by_nested_tapes  # noqa: E402
from tftape_torch import GradientTape  # noqa: E402

__all__ = ["FORMS", "main"]

Fn = Callable[[], Any]
LIMIT = 1.2  # ours / fastest torch method
MODES = ("jacobian", "batch_jacobian", "hessian")


# ---------------------------------------------------------------------- ops


class TorchOps:
    """The torch spelling of the few ops the formulations share."""

    matmul = staticmethod(torch.matmul)
    reshape = staticmethod(torch.reshape)
    tanh = staticmethod(torch.tanh)
    sin = staticmethod(torch.sin)
    exp = staticmethod(torch.exp)
    sqrt = staticmethod(torch.sqrt)

    @staticmethod
    def mT(x: Any) -> Any:
        return x.transpose(-1, -2)

    @staticmethod
    def softmax(x: Any) -> Any:
        return torch.softmax(x, -1)

    @staticmethod
    def reduce_sum(x: Any) -> Any:
        return torch.sum(x)

    @staticmethod
    def reduce_max(x: Any) -> Any:
        return torch.amax(x, -1)

    @staticmethod
    def reduce_mean(x: Any) -> Any:
        return torch.mean(x, -1, keepdim=True)

    @staticmethod
    def shape(x: Any) -> List[int]:
        return list(x.shape)


class TFOps:
    """The TF spelling (`tf` is the drop-in namespace, or real TensorFlow)."""

    def __init__(self, tf: Any) -> None:
        self.tf = tf
        self.matmul, self.reshape, self.tanh = tf.matmul, tf.reshape, tf.tanh
        self.sin, self.exp, self.sqrt = tf.sin, tf.exp, tf.sqrt

    def mT(self, x: Any) -> Any:
        rank = len(x.shape)
        return self.tf.transpose(x, list(range(rank - 2)) + [rank - 1, rank - 2])

    def softmax(self, x: Any) -> Any:
        return self.tf.nn.softmax(x, axis=-1)

    def reduce_sum(self, x: Any) -> Any:
        return self.tf.reduce_sum(x)

    def reduce_max(self, x: Any) -> Any:
        return self.tf.reduce_max(x, axis=-1)

    def reduce_mean(self, x: Any) -> Any:
        return self.tf.reduce_mean(x, axis=-1, keepdims=True)

    def shape(self, x: Any) -> List[int]:
        return [int(d) for d in x.shape]


# ---------------------------------------------------------------------- formulations
# Each takes `x` of shape [..., n] (one example [n], or a batch [B, n]) and returns
# [..., m]: the same code serves jacobian, batch_jacobian and the Hessian (of
# sum(f(x)**2)). `p` holds the parameters as the running framework's tensors.


def _lead(o: Any, x: Any) -> List[int]:
    return o.shape(x)[:-1]


def f_matmul_col(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """matmul(W, x as a column), reshaped back to a vector (as TF code writes it)."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    return o.tanh(o.reshape(o.matmul(p["w"], o.reshape(x, lead + [n, 1])), lead + [n]))


def f_matmul_col_t(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """matmul(W, x as a column), transposed to a row."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    return o.tanh(o.mT(o.matmul(p["w"], o.reshape(x, lead + [n, 1]))))


def f_matmul_row(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """matmul(x as a row, W), reshaped back to a vector."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    return o.tanh(o.reshape(o.matmul(o.reshape(x, lead + [1, n]), p["w"]), lead + [n]))


def f_matmul_row_t(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """matmul(x as a row, W), transposed to a column."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    return o.tanh(o.mT(o.matmul(o.reshape(x, lead + [1, n]), p["w"])))


def f_matvec(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """tf.linalg.matvec(W, x): torch.mv for one example, x @ W^T for a batch."""
    if o is not TorchOps:
        return o.tanh(o.tf.linalg.matvec(p["w"], x))
    return torch.tanh(torch.mv(p["w"], x) if x.dim() == 1 else x @ p["w"].t())


def f_einsum(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """einsum('ij,...j->...i', W, x)."""
    einsum = torch.einsum if o is TorchOps else o.tf.einsum
    return o.tanh(einsum("ij,...j->...i", p["w"], x))


def f_mlp(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """A two-layer MLP on rows: tanh(x W1 + b1) W2."""
    shape = o.shape(x)
    rows = o.reshape(x, [-1, shape[-1]])
    hidden = o.tanh(o.matmul(rows, p["w1"]) + p["b1"])
    return o.reshape(o.matmul(hidden, p["w2"]), shape)


def f_softmax(o: Any, p: Dict[str, Any], x: Any) -> Any:
    return o.softmax(x * 2.0)


def f_layer_norm(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """Layer norm written out op by op (mean, variance, sqrt), as TF code writes it."""
    mean = o.reduce_mean(x)
    centered = x - mean
    var = o.reduce_mean(centered * centered)
    return centered / o.sqrt(var + 1e-5) * p["gamma"] + p["beta"]


def f_layer_norm_fused(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """Layer norm by torch's fused `F.layer_norm` (TF has no such op: core API only)."""
    if o is not TorchOps:
        return None
    return F.layer_norm(x, x.shape[-1:], p["gamma"], p["beta"], 1e-5)


def f_conv1d(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """conv1d, 4 filters of width 3, 'same' padding, tanh (TF: channels last, then
    transposed to torch's channel-major order)."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    if o is TorchOps:
        y = F.conv1d(x.reshape(-1, 1, n), p["k1"], padding=1)
    else:
        tf = o.tf
        y = tf.nn.conv1d(tf.reshape(x, [-1, n, 1]), p["k1_tf"], stride=1, padding="SAME")
        y = tf.transpose(y, [0, 2, 1])
    return o.tanh(o.reshape(y, lead + [4 * n]))


def f_conv2d(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """conv2d of x as a square image, 4 filters 3x3, 'same' padding, tanh (TF: NHWC,
    then transposed to torch's channel-major order)."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    side = math.isqrt(n)
    if o is TorchOps:
        y = F.conv2d(x.reshape(-1, 1, side, side), p["k2"], padding=1)
    else:
        tf = o.tf
        y = tf.nn.conv2d(tf.reshape(x, [-1, side, side, 1]), p["k2_tf"], strides=1,
                         padding="SAME")
        y = tf.transpose(y, [0, 3, 1, 2])
    return o.tanh(o.reshape(y, lead + [4 * n]))


def f_gather(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """tf.gather(x, idx, axis=-1) * x: indexing with repeated and missing indices."""
    if o is TorchOps:
        return x[..., p["idx"]] * x
    return o.tf.gather(x, p["idx"], axis=-1) * x


def f_logsumexp(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """reduce_logsumexp over groups of 4."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    groups = o.reshape(x, lead + [n // 4, 4])
    if o is TorchOps:
        return torch.logsumexp(groups, -1)
    return o.tf.reduce_logsumexp(groups, axis=-1)


def f_reduce_max(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """reduce_max over groups of 4, times 2."""
    lead, n = _lead(o, x), o.shape(x)[-1]
    return o.reduce_max(o.reshape(x, lead + [n // 4, 4])) * 2.0


def f_elementwise(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """An elementwise chain: sin(x) * exp(-x^2 / 2) + tanh(x) * x."""
    return o.sin(x) * o.exp(x * x * -0.5) + o.tanh(x) * x


@dataclass
class Form:
    name: str
    fn: Callable[[Any, Dict[str, Any], Any], Any]
    large: bool = False  # also run at --large size
    square: bool = False  # n must be a square (conv2d)


FORMS: Dict[str, Form] = {
    form.name: form
    for form in (
        Form("matmul_col", f_matmul_col, large=True),
        Form("matmul_col_T", f_matmul_col_t),
        Form("matmul_row", f_matmul_row, large=True),
        Form("matmul_row_T", f_matmul_row_t),
        Form("matvec", f_matvec),
        Form("einsum", f_einsum),
        Form("mlp", f_mlp),
        Form("softmax", f_softmax, large=True),
        Form("layer_norm", f_layer_norm),
        Form("layer_norm_fused", f_layer_norm_fused),
        Form("conv1d", f_conv1d),
        Form("conv2d", f_conv2d, square=True),
        Form("gather", f_gather),
        Form("logsumexp", f_logsumexp),
        Form("reduce_max", f_reduce_max),
        Form("elementwise", f_elementwise, large=True),
    )
}


def _params(n: int) -> Dict[str, np.ndarray]:
    rng = np.random.default_rng(n)
    f32 = np.float32
    arrays = {
        "w": (rng.standard_normal((n, n)) / np.sqrt(n)).astype(f32),
        "w1": (rng.standard_normal((n, n)) / np.sqrt(n)).astype(f32),
        "b1": (rng.standard_normal(n) * 0.1).astype(f32),
        "w2": (rng.standard_normal((n, n)) / np.sqrt(n)).astype(f32),
        "gamma": (1.0 + 0.1 * rng.standard_normal(n)).astype(f32),
        "beta": (0.1 * rng.standard_normal(n)).astype(f32),
        "k1": (rng.standard_normal((4, 1, 3)) / 2).astype(f32),
        "k2": (rng.standard_normal((4, 1, 3, 3)) / 3).astype(f32),
        "idx": rng.integers(0, n, n),
    }
    # TF's filter layouts: [width, in, out] and [height, width, in, out].
    arrays["k1_tf"] = np.ascontiguousarray(arrays["k1"].transpose(2, 1, 0))
    arrays["k2_tf"] = np.ascontiguousarray(arrays["k2"].transpose(2, 3, 1, 0))
    return arrays


# ---------------------------------------------------------------------- variants


@dataclass
class Row:
    form: str
    mode: str
    size: str
    variants: Dict[str, Fn] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)


def _torch_params(arrays: Dict[str, np.ndarray], device: str) -> Dict[str, torch.Tensor]:
    return {k: torch.tensor(v, device=device) for k, v in arrays.items()}


def _tf_params(tf: Any, arrays: Dict[str, np.ndarray], device: str) -> Dict[str, Any]:
    out = {}
    for k, v in arrays.items():
        value = tf.constant(v)
        out[k] = value.to(device) if device != "cpu" else value
    return out


def _tf_probe(row: Row, spelled: Fn) -> Any:
    """The TF spelling's result (None: the formulation has none); a failure is noted."""
    try:
        return spelled()
    except Exception as error:  # noqa: BLE001 - an op the drop-in lacks or refuses
        row.notes.append(f"ours tf: {type(error).__name__}: {error}")
        return None


def _graph_rows(y: torch.Tensor, xg: torch.Tensor, seeds: torch.Tensor, how: str) -> torch.Tensor:
    """Rows of VJPs of `y` at `xg` for a batch of `seeds` (leading dimension)."""
    if how == "batched":
        return torch.autograd.grad(y, xg, seeds, is_grads_batched=True)[0]
    if how == "vmap":
        return torch.func.vmap(lambda v: torch.autograd.grad(y, xg, v, retain_graph=True)[0])(seeds)
    # batch dimension last
    last = seeds.movedim(0, -1).contiguous()
    return torch.func.vmap(
        lambda v: torch.autograd.grad(y, xg, v, retain_graph=True)[0], in_dims=-1
    )(last)


def _jacobian_row(form: Form, n: int, setup: Setup, chunk: Optional[int]) -> Row:
    arrays = _params(n)
    p = _torch_params(arrays, setup.device)
    x_np = np.sin(np.arange(n) * 0.37 + 0.1).astype(np.float32)
    x = torch.tensor(x_np, device=setup.device)
    f = lambda v: form.fn(TorchOps, p, v)  # noqa: E731
    m = f(x).numel()
    out_shape = tuple(f(x).shape) + (n,)
    row = Row(form.name, "jacobian" if chunk is None else f"jacobian pi={chunk}", str(n))
    pi = {} if chunk is None else {"parallel_iterations": chunk}

    def ours() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        return tape.jacobian(y, x, **pi)

    row.variants["ours"] = ours
    if setup.dropin is not None:
        tf = setup.dropin
        o = TFOps(tf)
        pt = _tf_params(tf, arrays, setup.device)
        xt = _tf_params(tf, {"x": x_np}, setup.device)["x"]
        probe = _tf_probe(row, lambda: form.fn(o, pt, xt))
        if probe is not None:

            def ours_tf() -> Any:
                with tf.GradientTape() as tape:
                    tape.watch(xt)
                    y = form.fn(o, pt, xt)
                return tape.jacobian(y, xt, **pi)

            row.variants["ours tf"] = ours_tf

    xg = x.clone().requires_grad_(True)
    y_shape = tuple(f(x).shape)
    device = setup.device

    def identity() -> torch.Tensor:  # made in every call, as ours makes its seeds
        return torch.eye(m, device=device).reshape((m,) + y_shape)

    if chunk is None:
        for how in ("batched", "vmap", "vmap last"):
            row.variants[f"graph:{how}"] = lambda how=how: _graph_rows(
                f(xg), xg, identity(), how
            ).reshape(out_shape)
        jacrev, jacfwd = torch.func.jacrev(f), torch.func.jacfwd(f)
        row.variants["jacrev"] = lambda: jacrev(x)
        row.variants["jacfwd"] = lambda: jacfwd(x)
    else:
        jacrev = torch.func.jacrev(f, chunk_size=chunk)
        row.variants[f"jacrev(chunk_size={chunk})"] = lambda: jacrev(x)

        def chunked() -> Any:
            y = f(xg)
            vjp = lambda v: torch.autograd.grad(y, xg, v, retain_graph=True)[0]  # noqa: E731
            mapped = torch.func.vmap(vjp)
            out = torch.empty((m, n), device=device)
            for i in range(0, m, chunk):
                k = min(chunk, m - i)
                seeds = torch.zeros((k, m), device=device)
                seeds.diagonal(offset=i).fill_(1)
                out[i : i + k] = mapped(seeds.reshape((k,) + y_shape)).reshape(k, n)
            return out.reshape(out_shape)

        row.variants[f"graph:vmap chunks of {chunk}"] = chunked
    return row


def _batch_row(form: Form, b: int, n: int, setup: Setup) -> Row:
    arrays = _params(n)
    p = _torch_params(arrays, setup.device)
    x_np = np.sin(np.arange(b * n) * 0.37 + 0.1).astype(np.float32).reshape(b, n)
    x = torch.tensor(x_np, device=setup.device)
    f = lambda v: form.fn(TorchOps, p, v)  # noqa: E731
    y_shape = tuple(f(x).shape)
    m = math.prod(y_shape[1:])
    row = Row(form.name, "batch_jacobian", f"{b}x{n}")

    def ours() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        return tape.batch_jacobian(y, x)

    row.variants["ours"] = ours
    if setup.dropin is not None:
        tf = setup.dropin
        o = TFOps(tf)
        pt = _tf_params(tf, arrays, setup.device)
        xt = _tf_params(tf, {"x": x_np}, setup.device)["x"]
        probe = _tf_probe(row, lambda: form.fn(o, pt, xt))
        if probe is not None:

            def ours_tf() -> Any:
                with tf.GradientTape() as tape:
                    tape.watch(xt)
                    y = form.fn(o, pt, xt)
                return tape.batch_jacobian(y, xt)

            row.variants["ours tf"] = ours_tf

    xg = x.clone().requires_grad_(True)
    device = setup.device

    def columns() -> torch.Tensor:
        # Seed j: one-hot in output column j of every example (m passes, not b*m).
        return torch.eye(m, device=device).unsqueeze(1).expand(m, b, m).reshape((m,) + y_shape)

    out_shape = y_shape + (n,)
    for how in ("batched", "vmap", "vmap last"):
        row.variants[f"graph:{how}"] = lambda how=how: (
            _graph_rows(f(xg), xg, columns(), how).transpose(0, 1).reshape(out_shape)
        )
    jacrev = torch.func.vmap(torch.func.jacrev(f))
    jacfwd = torch.func.vmap(torch.func.jacfwd(f))
    row.variants["vmap(jacrev)"] = lambda: jacrev(x)
    row.variants["vmap(jacfwd)"] = lambda: jacfwd(x)
    return row


def _hessian_row(
    name: str,
    scalar: Callable[[Any, Dict[str, Any], Any], Any],
    n: int,
    setup: Setup,
    arrays: Optional[Dict[str, np.ndarray]] = None,
) -> Row:
    arrays = arrays if arrays is not None else _params(n)
    p = _torch_params(arrays, setup.device)
    x_np = np.sin(np.arange(n) * 0.37 + 0.1).astype(np.float32)
    x = torch.tensor(x_np, device=setup.device)
    s = lambda v: scalar(TorchOps, p, v)  # noqa: E731
    row = Row(name, "hessian", str(n))

    def ours() -> Any:
        return hessian_by_nested_tapes(GradientTape, s, x)

    row.variants["ours"] = ours
    if setup.dropin is not None:
        tf = setup.dropin
        o = TFOps(tf)
        pt = _tf_params(tf, arrays, setup.device)
        xt = _tf_params(tf, {"x": x_np}, setup.device)["x"]
        probe = _tf_probe(row, lambda: scalar(o, pt, xt))
        if probe is not None:

            def ours_tf() -> Any:
                return hessian_by_nested_tapes(tf.GradientTape, lambda v: scalar(o, pt, v), xt)

            row.variants["ours tf"] = ours_tf

    xg = x.clone().requires_grad_(True)
    device = setup.device

    def first() -> torch.Tensor:
        return torch.autograd.grad(s(xg), xg, create_graph=True)[0]

    for how in ("batched", "vmap"):
        row.variants[f"graph:grad+{how}"] = lambda how=how: _graph_rows(
            first(), xg, torch.eye(n, device=device), how
        )
    hessian, jacrev2 = torch.func.hessian(s), torch.func.jacrev(torch.func.jacrev(s))
    row.variants["func.hessian"] = lambda: hessian(x)
    row.variants["jacrev(jacrev)"] = lambda: jacrev2(x)
    return row


def _squared_sum(form: Form) -> Callable[[Any, Dict[str, Any], Any], Any]:
    def scalar(o: Any, p: Dict[str, Any], x: Any) -> Any:
        y = form.fn(o, p, x)
        return None if y is None else o.reduce_sum(y * y)

    return scalar


def rosenbrock(o: Any, p: Dict[str, Any], x: Any) -> Any:
    """sum(100 (x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2): the issue's 64-d Hessian."""
    head, tail = x[:-1], x[1:]
    return o.reduce_sum(100.0 * (tail - head**2) ** 2 + (1.0 - head) ** 2)


# ---------------------------------------------------------------------- running


@dataclass
class Setup:
    device: str
    dropin: Any


def _numpy(value: Any) -> np.ndarray:
    with torch._C.DisableTorchFunctionSubclass():
        return value.detach().cpu().numpy()


def _check(row: Row) -> None:
    """Drop variants that fail or disagree with ours (noted); ours must run."""
    reference = _numpy(row.variants["ours"]())
    for label in list(row.variants):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = _numpy(row.variants[label]())
        except Exception as error:  # noqa: BLE001 - torch refusing a method is an answer
            row.notes.append(f"{label}: {type(error).__name__}")
            del row.variants[label]
            continue
        if got.shape != reference.shape or not np.allclose(got, reference, rtol=1e-3, atol=1e-4):
            detail = (
                f"shape {got.shape} vs {reference.shape}"
                if got.shape != reference.shape
                else f"max abs diff {np.max(np.abs(got - reference)):.3g}"
            )
            if label.startswith("ours"):
                raise AssertionError(
                    f"{row.form} {row.mode} {row.size}: {label} disagrees ({detail})"
                )
            row.notes.append(f"{label} disagrees ({detail}), dropped")
            del row.variants[label]


def _peak_bytes(fn: Fn, device: str) -> int:
    """Peak bytes allocated during one call, beyond what was live when it started."""
    if device.startswith("cuda"):
        torch.cuda.synchronize()
        base = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        fn()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - base
    from torch.profiler import ProfilerActivity, profile

    sys.stderr.flush()
    saved = os.dup(2)  # the profiler writes start/stop lines to fd 2
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
                fn()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    events = [e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"]
    current = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):
        current += event.nbytes()
        peak = max(peak, current)
    return peak


def _fmt_us(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:,.0f}" if us >= 100 else f"{us:.1f}"


def _fmt_bytes(value: int) -> str:
    if value < 2**20:
        return f"{value / 1024:,.0f} KiB"
    return f"{value / 2**20:,.1f} MiB"


def build_rows(args: argparse.Namespace, setup: Setup) -> List[Callable[[], Row]]:
    only = [name for name in args.only.split(",") if name]
    unknown = [name for name in only if name not in FORMS and name != "rosenbrock"]
    if unknown:
        raise SystemExit(f"unknown formulation(s): {', '.join(unknown)}")
    modes = [m for m in args.modes.split(",") if m]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    builders: List[Callable[[], Row]] = []
    for form in FORMS.values():
        if only and form.name not in only:
            continue
        form_sizes = list(sizes)
        if form.large and args.large and args.large not in form_sizes:
            form_sizes.append(args.large)
        for n in form_sizes:
            if form.square and math.isqrt(n) ** 2 != n:
                continue
            if "jacobian" in modes:
                builders.append(lambda form=form, n=n: _jacobian_row(form, n, setup, None))
            if "batch_jacobian" in modes and n <= args.max_batch_n:
                b = args.batch
                builders.append(lambda form=form, n=n, b=b: _batch_row(form, b, n, setup))
            if "hessian" in modes and n <= args.max_hessian_n:
                builders.append(
                    lambda form=form, n=n: _hessian_row(form.name, _squared_sum(form), n, setup)
                )
        if "jacobian" in modes and args.parallel_iterations and form.name in args.pi_forms:
            n = max(form_sizes)
            k = max(2, n // args.parallel_iterations)
            builders.append(lambda form=form, n=n, k=k: _jacobian_row(form, n, setup, k))
    if "hessian" in modes and (not only or "rosenbrock" in only):
        builders.append(lambda: _hessian_row("rosenbrock", rosenbrock, 64, setup, {}))
    return builders


def run_row(
    row: Row, args: argparse.Namespace, sync: Optional[Callable[[], None]]
) -> Dict[str, Any]:
    _check(row)
    if sync is not None:
        _note_syncs(row)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        timings = time_interleaved(
            row.variants,
            repeat=args.repeat,
            budget_s=args.budget_s,
            sync=sync,
            sample_s=args.sample_ms / 1000,
            warmup_s=args.warmup_s,
        )
        peaks = {label: _peak_bytes(fn, args.device) for label, fn in row.variants.items()}
    medians = {label: t.median for label, t in timings.items()}
    torch_labels = [label for label in medians if not label.startswith("ours")]
    best = min(torch_labels, key=medians.__getitem__)
    baseline = timings[best].samples
    result = {
        "row": row,
        "medians": medians,
        "peaks": peaks,
        "best": best,
        "ours/best": paired_ratio(timings["ours"].samples, baseline),
        "tf/best": (paired_ratio(timings["ours tf"].samples, baseline)
                    if "ours tf" in timings else None),
    }
    return result


def _note_syncs(row: Row) -> None:
    """Notes each of ours' variants that synchronises host and device (CUDA): one call
    under `torch.cuda.set_sync_debug_mode("error")`, which turns a sync into an error."""
    for label in ("ours", "ours tf"):
        fn = row.variants.get(label)
        if fn is None:
            continue
        torch.cuda.synchronize()
        torch.cuda.set_sync_debug_mode("error")
        try:
            fn()
        except RuntimeError as error:
            row.notes.append(f"{label} synchronises: {str(error).splitlines()[0][:80]}")
        finally:
            torch.cuda.set_sync_debug_mode(0)


def _side(ratio: PairedRatio) -> str:
    """Where a row stands against `LIMIT`: its whole interval within (`within`), above
    (`missed`), or the limit inside the interval (`noise`: this run cannot tell)."""
    if ratio.high <= LIMIT:
        return "within"
    return "missed" if ratio.low > LIMIT else "noise"


def _verdict(ratio: PairedRatio) -> str:
    text = f"{ratio.median:.2f} ({ratio.low:.2f}-{ratio.high:.2f})"
    return {"within": text, "missed": f"**{text}**", "noise": f"_{text}_"}[_side(ratio)]


def _tally(ratios: List[PairedRatio]) -> str:
    sides = [_side(ratio) for ratio in ratios]
    medians = sum(ratio.median <= LIMIT for ratio in ratios)
    return (f"{sides.count('within')}/{len(ratios)} within, {sides.count('noise')} "
            f"undecided, {sides.count('missed')} missed (medians {medians}/{len(ratios)})")


def _markdown(results: List[Dict[str, Any]]) -> str:
    lines = [
        "| formulation | mode | size | ours µs | ours tf µs | fastest torch µs (method) "
        "| ours/torch (95% interval) | tf/torch (95% interval) | peak ours | peak torch |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        row, med, peaks, best = r["row"], r["medians"], r["peaks"], r["best"]
        tf_us = _fmt_us(med["ours tf"]) if "ours tf" in med else "-"
        tf_ratio = "-" if r["tf/best"] is None else _verdict(r["tf/best"])
        lines.append(
            f"| {row.form} | {row.mode} | {row.size} | {_fmt_us(med['ours'])} | {tf_us} | "
            f"{_fmt_us(med[best])} ({best}) | {_verdict(r['ours/best'])} | {tf_ratio} | "
            f"{_fmt_bytes(peaks['ours'])} | {_fmt_bytes(peaks[best])} |"
        )
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--quick", action="store_true", help="size 16, 2 rounds: proves it runs")
    parser.add_argument(
        "--only", default="", help=f"comma-separated formulations ({', '.join(FORMS)}, rosenbrock)"
    )
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--sizes", default=None, help="vector sizes n (default 16,256)")
    parser.add_argument(
        "--large",
        type=int,
        default=None,
        help="extra size for the large formulations (default 1024)",
    )
    parser.add_argument("--batch", type=int, default=None, help="batch_jacobian batch (default 16)")
    parser.add_argument("--max-batch-n", type=int, default=256)
    parser.add_argument("--max-hessian-n", type=int, default=256)
    parser.add_argument(
        "--parallel-iterations",
        type=int,
        default=8,
        help="pi rows send n/K rows per pass (0: no pi rows)",
    )
    parser.add_argument("--pi-forms", default="matmul_col,elementwise,softmax")
    parser.add_argument("--repeat", type=int, default=None, help="timed rounds (default 30)")
    parser.add_argument("--budget-s", type=float, default=None, help="per row (default 20 s)")
    parser.add_argument(
        "--sample-ms", type=float, default=None, help="one timed batch (default 5 ms)"
    )
    parser.add_argument("--warmup-s", type=float, default=None)
    args = parser.parse_args(argv)
    quick = args.quick
    args.sizes = args.sizes or ("16" if quick else "16,256")
    args.large = (0 if quick else 1024) if args.large is None else args.large
    args.batch = args.batch or (4 if quick else 16)
    args.repeat = args.repeat or (2 if quick else 30)
    args.budget_s = args.budget_s or (0.2 if quick else 20.0)
    args.sample_ms = args.sample_ms or (0.5 if quick else 5.0)
    args.warmup_s = args.warmup_s if args.warmup_s is not None else (0.0 if quick else 0.1)
    args.pi_forms = [name for name in args.pi_forms.split(",") if name]

    torch.set_num_threads(args.threads)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("CUDA is not available", file=sys.stderr)
        return 2
    dropin = tftape_torch if hasattr(tftape_torch, "constant") else None
    setup = Setup(args.device, dropin)
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else None
    print(
        f"torch {torch.__version__} on {args.device} ({args.threads} thread(s)); per-call "
        f"medians over up to {args.repeat} interleaved rounds; ratios (medians of per-round "
        "ratios, 95% intervals) against the fastest torch method of the row; peak memory "
        "by torch.profiler (profile_memory) on CPU."
    )
    results, failed = [], 0
    for build in build_rows(args, setup):
        row = None
        try:
            row = build()
            result = run_row(row, args, sync)
        except Exception as error:  # noqa: BLE001 - one broken row must not hide the rest
            failed += 1
            where = "building a row" if row is None else f"{row.form} {row.mode} {row.size}"
            print(f"  ERROR in {where}: {type(error).__name__}: {error}", flush=True)
            continue
        results.append(result)
        status = f"{result['ours/best'].median:.2f}"
        if result["tf/best"] is not None:
            status += f" (tf {result['tf/best'].median:.2f})"
        print(
            f"  {row.form:<12} {row.mode:<16} {row.size:<7} ours/torch {status:<16} "
            f"fastest torch: {result['best']} ({_fmt_us(result['medians'][result['best']])} µs)"
            + (f"; notes: {'; '.join(row.notes)}" if row.notes else ""),
            flush=True,
        )
    print()
    print(_markdown(results))
    print()
    styled = [r["tf/best"] for r in results if r["tf/best"] is not None]
    print(
        f"within {LIMIT}x of the fastest torch method (the median of per-round ratios and "
        f"its 95% interval; bold: the whole interval above {LIMIT}, italic: {LIMIT} inside "
        f"it): core API {_tally([r['ours/best'] for r in results])}; tf-style "
        f"{_tally(styled)}" + (f"; {failed} row(s) failed (ERROR above)" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
