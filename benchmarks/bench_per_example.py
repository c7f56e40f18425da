"""Jacobians of a batch's per-example outputs with respect to shared weights.

`tape.jacobian(per_example_losses, model.trainable_variables)` is how TF code takes
per-example gradients (DP-SGD, an empirical Fisher, influence scores, a network's
tangent kernel). Its rows start one-hot at one example's output and stay in that
example's slice until they reach a weight, where each row's gradient is its own
example's contribution: carried per example (NOTE [Per-example rows] in
`tftape_torch/_batched_examples.py`), a row's weight gradient is one outer product,
where carried as rows it is a matrix product over the whole batch.

Each workload runs, interleaved in one process (medians of per-call times, and the
median of per-round ratios with its 95% interval, `_timing.paired_ratio`):

* ``ours``: `GradientTape.jacobian` on plain tensors and `nn.Parameter`s;
* ``ours tf``: the TF spelling through ``import tftape_torch as tf`` (Variables);
* ``ours rows``: ``ours`` with the rows carried as rows (the pass before this);
* ``jacrev``: `torch.func.jacrev` of the batch's function;
* ``vmap(jacrev)``: `torch.func.vmap` over the examples of `jacrev` of one example's
  function (the per-example method a torch user writes by hand);
* ``graph:batched``: `autograd.grad(is_grads_batched=True)` over the recorded graph.

Ratios are against the fastest torch method. Workloads: a two-layer MLP's
per-example squared losses (``losses``: `x @ W + b`; ``losses_linear``: `F.linear`,
torch's `addmm`), logits of ten classes per example (``logits``), a batch whose
examples interact (``centered``: the batch mean subtracted, which the rows must carry
as rows from there on), a small CNN's per-example losses (``cnn_losses``: 4
filters 3x3 over 8x8 images, then a dense layer; TF-style: NHWC `tf.nn.conv2d`; and
``pooled_cnn_losses``, with ReLU and 2x2 max pooling after the convolution), and a
sequence model's (``sequence_losses``: a dense layer on 16 steps of 32 values per
example, `x @ W` of a 3-D `x`, averaged over the steps, then a dense layer), a
classifier's (``classifier_losses``: the MLP's ten logits per example into sparse
softmax cross-entropy, `tf.nn.sparse_softmax_cross_entropy_with_logits`, torch's
`cross_entropy`), the same losses written as the log-probability picked at each label
(``picked_losses``: `-log_softmax(logits).gather(1, labels[:, None])`, TF's
`-tf.gather(tf.nn.log_softmax(logits), labels, batch_dims=1)`), and an attention
classifier's (``attention_losses``: 8 ids per
example looked up in a 50x32 embedding table, one head of self-attention, the mean
over the steps, ten logits, sparse softmax cross-entropy; the jacobian is with
respect to the table too; torch's spelling `F.embedding`). Run from the repository
root::

    python benchmarks/bench_per_example.py             # every workload and size
    python benchmarks/bench_per_example.py --quick     # small sizes, few rounds
"""

from __future__ import annotations

import argparse
import math
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import tftape_torch as tf  # noqa: E402
from benchmarks._timing import paired_ratio, time_interleaved  # noqa: E402
from tftape_torch import GradientTape, _batched_backward  # noqa: E402

__all__ = ["WORKLOADS", "main"]

TORCH_METHODS = ("jacrev", "vmap(jacrev)", "graph:batched")


@dataclass
class Workload:
    """A batch of `batch` examples of `inputs` values through `hidden` units to
    `outputs` values each (`squared`: one squared loss per example instead)."""

    name: str
    batch: int
    inputs: int
    hidden: int
    outputs: int
    squared: bool = False
    linear: bool = False
    centered: bool = False
    image: int = 0  # a convolution first (4 filters 3x3 over `image`x`image` inputs)
    pool: bool = False  # then ReLU and 2x2 max pooling
    steps: int = 0  # a sequence of `steps` vectors per example, averaged after the layer
    classes: bool = False  # `outputs` logits into sparse softmax cross-entropy losses
    picked: bool = False  # those losses as the log-probability picked at each label
    attention: bool = False  # `steps` ids per example, embedded, one head of attention

    @property
    def target(self) -> str:
        return str(self.batch) if self.squared or self.classes else f"{self.batch}x{self.outputs}"


WORKLOADS: Dict[str, Callable[[bool], List[Workload]]] = {
    "losses": lambda quick: [Workload("losses", b, 64, 64, 1, squared=True)
                             for b in ((8, 64) if quick else (16, 64, 256))],
    "losses_linear": lambda quick: [Workload("losses_linear", b, 64, 64, 1, squared=True,
                                             linear=True)
                                    for b in ((64,) if quick else (64, 256))],
    "logits": lambda quick: [Workload("logits", b, 32, 64, 10)
                             for b in ((16,) if quick else (32, 128))],
    "centered": lambda quick: [Workload("centered", b, 32, 64, 4, centered=True)
                               for b in ((16,) if quick else (64,))],
    "pooled_cnn_losses": lambda quick: [Workload("pooled_cnn_losses", b, 64, 4 * 16, 1,
                                                 squared=True, image=8, pool=True)
                                        for b in ((8,) if quick else (64, 256))],
    "cnn_losses": lambda quick: [Workload("cnn_losses", b, 64, 4 * 64, 1, squared=True,
                                          image=8)
                                 for b in ((8,) if quick else (64, 256))],
    "sequence_losses": lambda quick: [Workload("sequence_losses", b, 32, 64, 1, squared=True,
                                               steps=16)
                                      for b in ((8,) if quick else (64, 256))],
    "classifier_losses": lambda quick: [Workload("classifier_losses", b, 64, 64, 10,
                                                 classes=True)
                                        for b in ((8,) if quick else (64, 256))],
    "picked_losses": lambda quick: [Workload("picked_losses", b, 64, 64, 10, classes=True,
                                             picked=True)
                                    for b in ((8,) if quick else (64, 256))],
    "attention_losses": lambda quick: [Workload("attention_losses", b, 50, 32, 10, classes=True,
                                                steps=8, attention=True)
                                       for b in ((8,) if quick else (64, 256))],
}


def _arrays(w: Workload) -> Dict[str, np.ndarray]:
    rng = np.random.default_rng(w.batch)
    f32 = np.float32
    if w.attention:  # `inputs` ids, `hidden` wide; the parameters: table, Wq, Wk, Wv, Wo
        scale = 1 / math.sqrt(w.hidden)
        arrays = {"ids": rng.integers(0, w.inputs, (w.batch, w.steps)).astype(np.int32),
                  "t": rng.integers(0, w.outputs, w.batch).astype(np.int32),
                  "table": rng.standard_normal((w.inputs, w.hidden)).astype(f32)}
        for name in ("wq", "wk", "wv"):
            arrays[name] = (rng.standard_normal((w.hidden, w.hidden)) * scale).astype(f32)
        arrays["wo"] = (rng.standard_normal((w.hidden, w.outputs)) * scale).astype(f32)
        return arrays
    first = (4, 1, 3, 3) if w.image else (w.inputs, w.hidden)  # (filters: OIHW)
    return {
        "x": rng.standard_normal((w.batch, w.steps, w.inputs) if w.steps
                                 else (w.batch, w.inputs)).astype(f32),
        "t": (rng.integers(0, w.outputs, w.batch).astype(np.int32) if w.classes
              else rng.standard_normal((w.batch, w.outputs)).astype(f32)),
        "w1": (rng.standard_normal(first) / math.sqrt(first[1])).astype(f32),
        "b1": (rng.standard_normal(first[0] if w.image else w.hidden) * 0.1).astype(f32),
        "w2": (rng.standard_normal((w.hidden, w.outputs)) / math.sqrt(w.hidden)).astype(f32),
    }


def _torch_fn(w: Workload, x: torch.Tensor, t: torch.Tensor) -> Callable[..., torch.Tensor]:
    def fn(w1: torch.Tensor, b1: torch.Tensor, w2: torch.Tensor,
           x: torch.Tensor = x, t: torch.Tensor = t) -> torch.Tensor:
        if w.image:  # NCHW
            images = x.reshape(-1, 1, w.image, w.image)
            hidden = F.conv2d(images, w1, b1, padding=1)
            if w.pool:
                hidden = F.max_pool2d(torch.relu(hidden), 2)
            hidden = hidden.flatten(1)
        else:
            hidden = F.linear(x, w1.t(), b1) if w.linear else x @ w1 + b1
        if w.steps:  # (a 3-D `x @ W`: the sequence folded into the rows of one `mm`)
            y = torch.tanh(hidden).mean(1) @ w2
        else:
            y = torch.tanh(hidden) @ w2
        if w.centered:
            y = y - y.mean(0)
        if w.squared:
            y = ((y - t) ** 2).reshape(-1)
        if w.classes and w.picked:
            y = -torch.log_softmax(y, 1).gather(1, t.long()[:, None])[:, 0]
        elif w.classes:
            y = F.cross_entropy(y, t.long(), reduction="none")
        return y

    return fn


def _attention_fn(w: Workload, ids: torch.Tensor, t: torch.Tensor
                  ) -> Callable[..., torch.Tensor]:
    def fn(table: torch.Tensor, wq: torch.Tensor, wk: torch.Tensor, wv: torch.Tensor,
           wo: torch.Tensor, ids: torch.Tensor = ids, t: torch.Tensor = t) -> torch.Tensor:
        x = F.embedding(ids.long(), table)
        scores = (x @ wq) @ (x @ wk).mT / math.sqrt(w.hidden)
        logits = (torch.softmax(scores, -1) @ (x @ wv)).mean(-2) @ wo
        return F.cross_entropy(logits, t.long(), reduction="none")

    return fn


def _variants(w: Workload) -> Dict[str, Callable[[], Any]]:
    if w.attention:
        return _attention_variants(w)
    a = _arrays(w)
    x, t = torch.tensor(a["x"]), torch.tensor(a["t"])
    params = [torch.nn.Parameter(torch.tensor(a[k])) for k in ("w1", "b1", "w2")]
    fn = _torch_fn(w, x, t)

    def ours() -> Any:
        with GradientTape() as tape:
            y = fn(*params)
        return tape.jacobian(y, params)

    variables = [tf.Variable(a[k]) for k in ("w1", "b1", "w2")]
    if w.image:  # the filters in TF's HWIO, the image NHWC, flattened as torch's NCHW
        variables[0] = tf.Variable(a["w1"].transpose(2, 3, 1, 0))
    xt, tt = tf.constant(a["x"]), tf.constant(a["t"])

    def ours_tf() -> Any:
        with tf.GradientTape() as tape:
            if w.image:
                images = tf.reshape(xt, [-1, w.image, w.image, 1])
                hidden = tf.nn.conv2d(images, variables[0], 1, "SAME") + variables[1]
                if w.pool:
                    hidden = tf.nn.max_pool2d(tf.nn.relu(hidden), 2, 2, "VALID")
                hidden = tf.reshape(tf.transpose(hidden, [0, 3, 1, 2]), [w.batch, -1])
            else:
                hidden = tf.matmul(xt, variables[0]) + variables[1]
            if w.steps:
                y = tf.matmul(tf.reduce_mean(tf.tanh(hidden), axis=1), variables[2])
            else:
                y = tf.matmul(tf.tanh(hidden), variables[2])
            if w.centered:
                y = y - tf.reduce_mean(y, axis=0)
            if w.squared:
                y = tf.reshape((y - tt) ** 2, [-1])
            if w.classes and w.picked:
                y = -tf.gather(tf.nn.log_softmax(y), tt, batch_dims=1)
            elif w.classes:
                y = tf.nn.sparse_softmax_cross_entropy_with_logits(tt, y)
        return tape.jacobian(y, variables)

    return _with_torch_methods(fn, params, ours, ours_tf, None if w.centered else (x, t))


def _attention_variants(w: Workload) -> Dict[str, Callable[[], Any]]:
    a = _arrays(w)
    names = ("table", "wq", "wk", "wv", "wo")
    ids, t = torch.tensor(a["ids"]), torch.tensor(a["t"])
    params = [torch.nn.Parameter(torch.tensor(a[k])) for k in names]
    fn = _attention_fn(w, ids, t)

    def ours() -> Any:
        with GradientTape() as tape:
            y = fn(*params)
        return tape.jacobian(y, params)

    variables = [tf.Variable(a[k]) for k in names]
    ids_tf, t_tf = tf.constant(a["ids"]), tf.constant(a["t"])

    def ours_tf() -> Any:
        table, wq, wk, wv, wo = variables
        with tf.GradientTape() as tape:
            x = tf.gather(table, ids_tf)
            scores = tf.matmul(tf.matmul(x, wq), tf.matmul(x, wk), transpose_b=True)
            attended = tf.matmul(tf.nn.softmax(scores / math.sqrt(w.hidden)), tf.matmul(x, wv))
            logits = tf.matmul(tf.reduce_mean(attended, axis=1), wo)
            y = tf.nn.sparse_softmax_cross_entropy_with_logits(t_tf, logits)
        return tape.jacobian(y, variables)

    return _with_torch_methods(fn, params, ours, ours_tf, (ids, t))


def _with_torch_methods(fn: Callable[..., torch.Tensor], params: List[torch.nn.Parameter],
                        ours: Callable[[], Any], ours_tf: Callable[[], Any],
                        examples: Any) -> Dict[str, Callable[[], Any]]:
    """`ours`, `ours tf`, `ours rows` and the torch methods on `fn` of `params`; the
    per-example `vmap(jacrev)` over `examples` (inputs, targets), where given."""
    plain = [p.detach() for p in params]

    def ours_rows() -> Any:  # (the pass's choice switched off for this call)
        choice = _batched_backward.examples_in  # type: ignore[attr-defined]
        _batched_backward.examples_in = lambda *args: False  # type: ignore[attr-defined]
        try:
            return ours()
        finally:
            _batched_backward.examples_in = choice  # type: ignore[attr-defined]

    argnums = tuple(range(len(params)))
    jacrev = torch.func.jacrev(fn, argnums=argnums)

    def graph_batched() -> Any:
        y = fn(*params)
        seeds = torch.eye(y.numel()).reshape((y.numel(), *y.shape))
        return torch.autograd.grad(y, params, seeds, is_grads_batched=True)

    variants: Dict[str, Callable[[], Any]] = {
        "ours": ours, "ours tf": ours_tf, "ours rows": ours_rows,
        "jacrev": lambda: jacrev(*plain),
        "graph:batched": graph_batched,
    }
    if examples is not None:  # (examples that interact have no per-example function)
        def one(x1: torch.Tensor, t1: torch.Tensor, *ws: torch.Tensor) -> torch.Tensor:
            return fn(*ws, x1.unsqueeze(0), t1.unsqueeze(0))[0]

        per_example = torch.func.vmap(
            torch.func.jacrev(one, argnums=tuple(a + 2 for a in argnums)),
            in_dims=(0, 0) + (None,) * len(params))
        variants["vmap(jacrev)"] = lambda: per_example(*examples, *plain)
    return variants


def _check(w: Workload, variants: Dict[str, Callable[[], Any]]) -> None:
    """Every variant gives the jacobian `jacrev` gives (float32 tolerance)."""
    want = [j.detach().numpy() for j in variants["jacrev"]()]
    for name, call in variants.items():
        got = call()
        for index, (g, expected) in enumerate(zip(got, want)):
            g = g.detach().numpy() if isinstance(g, torch.Tensor) else np.asarray(g)
            if name == "ours tf" and w.image and index == 0:  # HWIO filters: as OIHW
                g = g.transpose((0, 4, 3, 1, 2))
            g = g.reshape(expected.shape)
            if not np.allclose(g, expected, rtol=1e-4, atol=1e-5):
                raise AssertionError(f"{w.name} batch {w.batch}: {name} differs from "
                                     f"jacrev for weight {index}")


def _row(w: Workload, repeat: int, budget_s: float) -> str:
    variants = _variants(w)
    _check(w, variants)
    timings = time_interleaved(variants, repeat=repeat, budget_s=budget_s)
    torch_names = [name for name in TORCH_METHODS if name in timings]
    best = min(torch_names, key=lambda name: timings[name].median)
    cells = []
    for name in ("ours", "ours tf", "ours rows"):
        ratio = paired_ratio(timings[name].samples, timings[best].samples)
        cells.append(f"{timings[name].median * 1e6:,.0f} ({ratio.median:.2f}, "
                     f"{ratio.low:.2f}-{ratio.high:.2f})")
    rows_over_ours = paired_ratio(timings["ours rows"].samples, timings["ours"].samples)
    torch_cells = [f"{timings[name].median * 1e6:,.0f}" if name in timings else "-"
                   for name in TORCH_METHODS]
    return (f"| {w.name} | {w.target} | {' | '.join(cells)} | {' | '.join(torch_cells)} | "
            f"{best} | {rows_over_ours.median:.2f} |")


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few rounds")
    parser.add_argument("--only", default="", help=f"comma-separated ({', '.join(WORKLOADS)})")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--budget-s", type=float, default=8.0)
    args = parser.parse_args(list(argv))
    names = [n for n in args.only.split(",") if n] or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(WORKLOADS)}")
    torch.set_num_threads(1)
    repeat, budget = (3, 1.0) if args.quick else (args.repeat, args.budget_s)
    print(f"torch {torch.__version__} on cpu (1 thread); per-call medians in µs over up to "
          f"{repeat} interleaved rounds; (ratio to the fastest torch method, 95% interval)")
    print("| workload | target | ours | ours tf | ours rows | jacrev | vmap(jacrev) | "
          "graph:batched | fastest torch | rows/ours |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    for name in names:
        for workload in WORKLOADS[name](args.quick):
            print(_row(workload, repeat, budget), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
