"""What a drop-in op costs over its torch spelling: TF code's common ops, one by one.

Each op runs two ways, timed interleaved in one process (medians of per-call times,
and the median of the per-round ratios with its 95% interval, `_timing.paired_ratio`):

* ``tf``: the TF call through ``import tftape_torch as tf`` on drop-in tensors;
* ``torch``: the same computation spelled in torch on plain tensors (the layout
  changes a channels-last TF op needs included, so both compute the same numbers,
  which are checked before timing).

Three modes: ``forward``, the op alone inside a recording tape that watches its inputs
(what every op of a TF training step pays); ``step``, a fresh tape around the op
and the gradient of the sum of its result (the op's backward and the tape's own cost
too; torch: ``autograd.grad``); and ``eager``, the op with no tape at all (inference,
preprocessing, a `tf.data` map function), where a reshape, transpose or slice returns
an alias of its input instead of a torch view (`_tensor.own_leaf`). Small inputs
([8, 16] matrices, [2, 8, 8, 3] images): the fixed cost per call, which is what a
drop-in layer adds. Run from the repository root::

    python benchmarks/bench_dropin_ops.py                 # every op, both modes
    python benchmarks/bench_dropin_ops.py --quick         # few rounds: proves it runs
    python benchmarks/bench_dropin_ops.py --only clip_by_value,maximum --modes forward
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import tftape_torch as tf  # noqa: E402
from benchmarks._timing import paired_ratio, time_interleaved  # noqa: E402

__all__ = ["OPS", "main"]

MODES = ("forward", "step", "eager")


@dataclass
class Inputs:
    """The op inputs, each as a drop-in tensor (`t`) and a plain one (`p`)."""

    t: Dict[str, Any]
    p: Dict[str, torch.Tensor]


def _inputs() -> Inputs:
    rng = np.random.default_rng(0)
    arrays = {
        "x": rng.standard_normal((8, 16)),
        "w": rng.standard_normal((16, 16)),
        "b": rng.standard_normal(16),
        "img": rng.standard_normal((2, 8, 8, 3)),
        "seq": rng.standard_normal((2, 16, 3)),
        "k2": rng.standard_normal((3, 3, 3, 4)),
        "k1": rng.standard_normal((3, 3, 4)),
    }
    t = {key: tf.constant(value.astype(np.float32)) for key, value in arrays.items()}
    p = {key: torch.tensor(value.astype(np.float32)) for key, value in arrays.items()}
    labels = rng.integers(0, 16, size=8)
    t["labels"], p["labels"] = tf.constant(labels.astype(np.int32)), torch.tensor(labels)
    p["k2"] = p["k2"].permute(3, 2, 0, 1).contiguous()  # torch's [out, in, h, w]
    p["k1"] = p["k1"].permute(2, 1, 0).contiguous()
    return Inputs(t, p)


@dataclass
class Op:
    """One op: its TF call and its torch spelling on the same inputs; `sources` are
    the float inputs a tape watches (and a step differentiates for)."""

    name: str
    tf_call: Callable[[Dict[str, Any]], Any]
    torch_call: Callable[[Dict[str, torch.Tensor]], Any]
    sources: Sequence[str] = ("x",)
    random: bool = False  # different draws: values not compared


def _nhwc(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    return fn(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


OPS: List[Op] = [
    Op("add", lambda t: t["x"] + t["x"], lambda p: p["x"] + p["x"]),
    Op("multiply_number", lambda t: t["x"] * 2.0, lambda p: p["x"] * 2.0),
    Op("tanh", lambda t: tf.tanh(t["x"]), lambda p: torch.tanh(p["x"])),
    Op("relu", lambda t: tf.nn.relu(t["x"]), lambda p: torch.relu(p["x"])),
    Op("sigmoid", lambda t: tf.sigmoid(t["x"]), lambda p: torch.sigmoid(p["x"])),
    Op("square", lambda t: tf.square(t["x"]), lambda p: p["x"] * p["x"]),
    Op("pow_number", lambda t: tf.pow(t["x"], 2.0), lambda p: p["x"] ** 2),
    Op("operator_pow", lambda t: t["x"] ** 2, lambda p: p["x"] ** 2),
    Op("sqrt", lambda t: tf.sqrt(t["w"] * t["w"] + 1.0),
       lambda p: torch.sqrt(p["w"] * p["w"] + 1.0), ("w",)),
    Op("maximum_number", lambda t: tf.maximum(t["x"], 0.5),
       lambda p: torch.clamp_min(p["x"], 0.5)),
    Op("maximum_tensors", lambda t: tf.maximum(t["x"], t["x"] * 0.5),
       lambda p: torch.maximum(p["x"], p["x"] * 0.5)),
    Op("clip_by_value", lambda t: tf.clip_by_value(t["x"], -1.0, 1.0),
       lambda p: torch.clamp(p["x"], -1.0, 1.0)),
    Op("where", lambda t: tf.where(t["x"] > 0, t["x"], 0.0),
       lambda p: torch.where(p["x"] > 0, p["x"], 0.0)),
    Op("matmul", lambda t: tf.matmul(t["x"], t["w"]), lambda p: p["x"] @ p["w"], ("x", "w")),
    Op("bias_add", lambda t: tf.nn.bias_add(t["x"], t["b"]), lambda p: p["x"] + p["b"],
       ("x", "b")),
    Op("reshape", lambda t: tf.reshape(t["x"], [16, 8]), lambda p: p["x"].reshape(16, 8)),
    Op("transpose", lambda t: tf.transpose(t["x"]), lambda p: p["x"].t()),
    Op("slice", lambda t: t["x"][:, 1:5], lambda p: p["x"][:, 1:5]),
    Op("concat", lambda t: tf.concat([t["x"], t["x"]], axis=1),
       lambda p: torch.cat([p["x"], p["x"]], 1)),
    Op("stack", lambda t: tf.stack([t["x"], t["x"]]), lambda p: torch.stack([p["x"], p["x"]])),
    Op("expand_dims", lambda t: tf.expand_dims(t["x"], 0), lambda p: p["x"].unsqueeze(0)),
    Op("gather_rows", lambda t: tf.gather(t["w"], t["labels"]), lambda p: p["w"][p["labels"]],
       ("w",)),
    Op("reduce_sum", lambda t: tf.reduce_sum(t["x"], axis=1), lambda p: p["x"].sum(1)),
    Op("reduce_mean", lambda t: tf.reduce_mean(t["x"]), lambda p: p["x"].mean()),
    Op("reduce_max", lambda t: tf.reduce_max(t["x"], axis=1), lambda p: p["x"].amax(1)),
    Op("softmax", lambda t: tf.nn.softmax(t["x"]), lambda p: torch.softmax(p["x"], -1)),
    Op("log_softmax", lambda t: tf.nn.log_softmax(t["x"]),
       lambda p: torch.log_softmax(p["x"], -1)),
    Op("sparse_softmax_xent",
       lambda t: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t["labels"],
                                                                logits=t["x"]),
       lambda p: F.cross_entropy(p["x"], p["labels"], reduction="none")),
    Op("moments", lambda t: tf.nn.moments(t["x"], axes=[0])[1],
       lambda p: p["x"].var(0, unbiased=False)),
    Op("l2_normalize", lambda t: tf.math.l2_normalize(t["x"], axis=1),
       lambda p: F.normalize(p["x"], dim=1)),
    Op("norm", lambda t: tf.norm(t["x"]), lambda p: torch.linalg.vector_norm(p["x"])),
    Op("conv2d", lambda t: tf.nn.conv2d(t["img"], t["k2"], 1, "SAME"),
       lambda p: _nhwc(lambda v: F.conv2d(v, p["k2"], padding=1), p["img"]), ("img",)),
    Op("conv1d", lambda t: tf.nn.conv1d(t["seq"], t["k1"], 1, "SAME"),
       lambda p: F.conv1d(p["seq"].permute(0, 2, 1), p["k1"], padding=1).permute(0, 2, 1),
       ("seq",)),
    Op("max_pool2d", lambda t: tf.nn.max_pool2d(t["img"], 2, 2, "VALID"),
       lambda p: _nhwc(lambda v: F.max_pool2d(v, 2, 2), p["img"]), ("img",)),
    Op("avg_pool2d", lambda t: tf.nn.avg_pool2d(t["img"], 2, 2, "VALID"),
       lambda p: _nhwc(lambda v: F.avg_pool2d(v, 2, 2), p["img"]), ("img",)),
    Op("dropout", lambda t: tf.nn.dropout(t["x"], 0.5), lambda p: F.dropout(p["x"], 0.5),
       random=True),
    Op("argmax", lambda t: tf.argmax(t["x"], axis=1), lambda p: p["x"].argmax(1), ()),
    Op("one_hot", lambda t: tf.one_hot(t["labels"], 16),
       lambda p: F.one_hot(p["labels"], 16).float(), ()),
    Op("cast", lambda t: tf.cast(t["x"], tf.float64), lambda p: p["x"].double()),
    Op("range", lambda t: tf.range(16), lambda p: torch.arange(16, dtype=torch.int32), ()),
]


def _numpy(value: Any) -> np.ndarray:
    with torch._C.DisableTorchFunctionSubclass():
        return value.detach().cpu().numpy()


def _check(op: Op, inputs: Inputs) -> None:
    if op.random:
        return
    got, want = _numpy(op.tf_call(inputs.t)), _numpy(op.torch_call(inputs.p))
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-5, atol=1e-6):
        raise AssertionError(f"{op.name}: the tf and torch spellings disagree")


def _variants(op: Op, mode: str, inputs: Inputs) -> Dict[str, Callable[[], Any]]:
    t, p = inputs.t, inputs.p
    if mode != "step":
        return {"tf": lambda: op.tf_call(t), "torch": lambda: op.torch_call(p)}
    sources_t = [t[key] for key in op.sources]
    leaves = {key: value.clone().requires_grad_(key in op.sources) for key, value in p.items()}
    sources_p = [leaves[key] for key in op.sources]

    def tf_step() -> Any:
        with tf.GradientTape() as tape:
            tape.watch(sources_t)
            total = tf.reduce_sum(op.tf_call(t))
        return tape.gradient(total, sources_t)

    def torch_step() -> Any:
        return torch.autograd.grad(op.torch_call(leaves).sum(), sources_p)

    return {"tf": tf_step, "torch": torch_step}


def _timed(op: Op, mode: str, inputs: Inputs, repeat: int, budget_s: float) -> Dict[str, Any]:
    variants = _variants(op, mode, inputs)
    if mode == "forward":
        # Under a recording tape that watches the op's inputs, as inside a TF step.
        with tf.GradientTape() as tape:
            tape.watch([inputs.t[key] for key in op.sources])
            leaves = [inputs.p[key].requires_grad_() for key in op.sources]
            try:
                timings = time_interleaved(variants, repeat=repeat, budget_s=budget_s)
            finally:
                for leaf in leaves:
                    leaf.requires_grad_(False)
    else:
        timings = time_interleaved(variants, repeat=repeat, budget_s=budget_s)
    ours, base = timings["tf"], timings["torch"]
    return {"tf": ours.median, "torch": base.median,
            "ratio": paired_ratio(ours.samples, base.samples)}


def run(names: Sequence[str], modes: Sequence[str], repeat: int, budget_s: float) -> str:
    inputs = _inputs()
    chosen = [op for op in OPS if not names or op.name in names]
    lines = [
        f"Drop-in ops against their torch spelling: torch {torch.__version__}, 1 thread, "
        f"{repeat} rounds, load average {os.getloadavg()[0]:.2f}",
        "",
        "| op | mode | tf µs | torch µs | over µs | tf/torch (95% interval) |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for op in chosen:
        _check(op, inputs)
        for mode in modes:
            if mode == "step" and not op.sources:
                continue  # integer results: nothing to differentiate
            row = _timed(op, mode, inputs, repeat, budget_s)
            ratio = row["ratio"]
            lines.append(
                f"| {op.name} | {mode} | {row['tf'] * 1e6:.1f} | {row['torch'] * 1e6:.1f} | "
                f"{(row['tf'] - row['torch']) * 1e6:.1f} | "
                f"{ratio.median:.2f} ({ratio.low:.2f}-{ratio.high:.2f}) |")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds: proves it runs")
    parser.add_argument("--only", default="", help="comma-separated op names")
    parser.add_argument("--modes", default=",".join(MODES), help="forward,step,eager")
    parser.add_argument("--repeat", type=int, default=None, help="rounds (default 30)")
    parser.add_argument("--budget-s", type=float, default=None,
                        help="seconds per op and mode (default 3)")
    args = parser.parse_args(argv)
    names = [name for name in args.only.split(",") if name]
    unknown = sorted(set(names) - {op.name for op in OPS})
    if unknown:
        parser.error(f"unknown op(s): {', '.join(unknown)}")
    modes = [mode for mode in args.modes.split(",") if mode]
    if set(modes) - set(MODES):
        parser.error(f"modes are {', '.join(MODES)}")
    torch.set_num_threads(1)
    repeat = args.repeat or (3 if args.quick else 30)
    budget = args.budget_s or (0.2 if args.quick else 3.0)
    print(run(names, modes, repeat, budget))
    return 0


if __name__ == "__main__":
    sys.exit(main())
