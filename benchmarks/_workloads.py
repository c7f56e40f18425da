"""The SPEC §4 workloads, each written up to four ways.

* ``tf-style``: TF code run through the drop-in namespace (``import tftape_torch as
  tf``), with its tensors and Variables. The very same function also runs on real
  TensorFlow (``TF``): only the module passed as ``tf`` differs.
* ``core``: ``tftape_torch.GradientTape`` on plain torch tensors / ``nn.Module``.
* ``torch``: hand-written raw torch, the best it can do (leaves that always require
  grad, ``torch.autograd.grad`` with exactly the flags needed, ``torch.func`` where
  it is faster). A workload may offer several raw versions; the fastest counts.

Every variant returns its result (gradients), and the runner checks that all
variants agree before it times them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import torch

from tftape_torch import GradientTape

__all__ = ["Context", "Workload", "WORKLOADS", "hessian_by_nested_tapes",
           "nested_second_derivative"]

Fn = Callable[[], Any]


@dataclass
class Context:
    """What a workload needs to build its variants."""

    device: str
    quick: bool
    dropin: Any = None  # the drop-in namespace (tftape_torch), when it has `constant`
    tf: Any = None  # real TensorFlow, when importable and wanted

    def scale(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    # TF-style constructors: the same array becomes a constant / Variable of
    # whichever module runs the code, on the benchmark's device.
    def tf_constant(self, module: Any, array: np.ndarray) -> Any:
        value = module.constant(array)
        if module is self.dropin and self.device != "cpu":
            value = value.to(self.device)
        return value

    def tf_variable(self, module: Any, array: np.ndarray) -> Any:
        if module is self.dropin and self.device != "cpu":
            return module.Variable(self.tf_constant(module, array))
        return module.Variable(array)

    def torch_tensor(self, array: np.ndarray, requires_grad: bool = False) -> torch.Tensor:
        return torch.tensor(array, device=self.device, requires_grad=requires_grad)


@dataclass
class Workload:
    """One benchmark: how to build its variants, and which targets apply."""

    name: str
    description: str
    tiny: bool  # tiny scalar workload: target ours/torch <= 1.5 instead of 1.10
    small_op: bool  # small-op workload: target TF/ours >= 5
    build_tf_style: Optional[Callable[[Context, Any], Optional[Fn]]]
    build_core: Callable[[Context], Optional[Fn]]
    build_torch: Callable[[Context], Dict[str, Fn]]

    def variants(self, ctx: Context) -> Dict[str, Fn]:
        """name -> zero-argument callable; raw torch variants are `torch:<how>`."""
        out: Dict[str, Fn] = {}
        if ctx.dropin is not None and self.build_tf_style is not None:
            fn = self.build_tf_style(ctx, ctx.dropin)
            if fn is not None:
                out["tf-style"] = fn
        fn = self.build_core(ctx)
        if fn is not None:
            out["core"] = fn
        for how, raw in self.build_torch(ctx).items():
            out["torch:" + how] = raw
        if ctx.tf is not None and self.build_tf_style is not None:
            fn = self.build_tf_style(ctx, ctx.tf)
            if fn is not None:
                out["TF"] = fn
        return out


def _rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def _f32(array: Any) -> np.ndarray:
    return np.asarray(array, dtype=np.float32)


def _has_jacobian() -> bool:
    return hasattr(GradientTape, "jacobian") and hasattr(GradientTape, "batch_jacobian")


# ------------------------------------------------------------------ seed chain


def _seed_tf(ctx: Context, tf: Any) -> Fn:
    x = ctx.tf_constant(tf, _f32(3.0))

    def step() -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            z = y * y
        return tape.gradient(z, x)

    return step


def _seed_core(ctx: Context) -> Fn:
    x = ctx.torch_tensor(_f32(3.0))

    def step() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = x * x
            z = y * y
        return tape.gradient(z, x)

    return step


def _seed_torch(ctx: Context) -> Dict[str, Fn]:
    x = ctx.torch_tensor(_f32(3.0), requires_grad=True)

    def step() -> Any:
        y = x * x
        z = y * y
        return torch.autograd.grad(z, x)[0]

    return {"autograd.grad": step}


# ------------------------------------------------------------------ nested second derivative


def _nested_tf(ctx: Context, tf: Any) -> Fn:
    x = ctx.tf_constant(tf, _f32(1.0))

    def step() -> Any:
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = x * x * x
            dy_dx = inner.gradient(y, x)
        return outer.gradient(dy_dx, x)

    return step


def nested_second_derivative(x: torch.Tensor) -> Fn:
    """d2(x^3)/dx2 by two nested tapes, both watching `x` (as a Hessian takes them)."""

    def step() -> Any:
        with GradientTape() as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                y = x * x * x
            dy_dx = inner.gradient(y, x)
        return outer.gradient(dy_dx, x)

    return step


def hessian_by_nested_tapes(tape: Callable[[], Any], scalar: Callable[[Any], Any], x: Any) -> Any:
    """The Hessian of `scalar` at `x` as TF code takes it: the jacobian, by an outer
    tape, of an inner tape's gradient (`tape` is `GradientTape` or `tf.GradientTape`)."""
    with tape() as outer:
        outer.watch(x)
        with tape() as inner:
            inner.watch(x)
            y = scalar(x)
        g = inner.gradient(y, x)
    return outer.jacobian(g, x)


def _nested_core(ctx: Context) -> Fn:
    return nested_second_derivative(ctx.torch_tensor(_f32(1.0)))


def _nested_torch(ctx: Context) -> Dict[str, Fn]:
    x = ctx.torch_tensor(_f32(1.0), requires_grad=True)

    def step() -> Any:
        y = x * x * x
        (dy_dx,) = torch.autograd.grad(y, x, create_graph=True)
        return torch.autograd.grad(dy_dx, x)[0]

    return {"autograd.grad": step}


# ------------------------------------------------------------------ MLP training step

_LR = 0.01
# (batch, inputs, hidden, outputs): an MNIST-sized step (matmul-bound) and a small
# one where per-op overhead dominates.
MLP_LARGE = (64, 784, 128, 10)
MLP_SMALL = (32, 16, 32, 1)


def _mlp_arrays(sizes: Tuple[int, int, int, int]) -> Dict[str, np.ndarray]:
    batch, inputs, hidden, outputs = sizes
    rng = _rng(1)
    return {
        "x": _f32(rng.standard_normal((batch, inputs))),
        "y": _f32(rng.standard_normal((batch, outputs))),
        "w1": _f32(rng.standard_normal((inputs, hidden)) / np.sqrt(inputs)),
        "b1": _f32(np.zeros(hidden)),
        "w2": _f32(rng.standard_normal((hidden, outputs)) / np.sqrt(hidden)),
        "b2": _f32(np.zeros(outputs)),
    }


def _mlp_tf(sizes: Tuple[int, int, int, int]) -> Callable[[Context, Any], Fn]:
    def build(ctx: Context, tf: Any) -> Fn:
        a = _mlp_arrays(sizes)
        x, y = ctx.tf_constant(tf, a["x"]), ctx.tf_constant(tf, a["y"])
        params = [ctx.tf_variable(tf, a[k]) for k in ("w1", "b1", "w2", "b2")]
        w1, b1, w2, b2 = params

        def step() -> Any:
            with tf.GradientTape() as tape:
                hidden = tf.nn.relu(tf.matmul(x, w1) + b1)
                logits = tf.matmul(hidden, w2) + b2
                loss = tf.reduce_mean(tf.square(logits - y))
            grads = tape.gradient(loss, params)
            for param, grad in zip(params, grads):
                param.assign_sub(_LR * grad)
            return loss

        return step

    return build


class _MLP(torch.nn.Module):
    def __init__(self, a: Dict[str, np.ndarray], device: str) -> None:
        super().__init__()
        (inputs, hidden), outputs = a["w1"].shape, a["w2"].shape[1]
        self.fc1 = torch.nn.Linear(inputs, hidden)
        self.fc2 = torch.nn.Linear(hidden, outputs)
        with torch.no_grad():  # same numbers as the TF-style variables
            self.fc1.weight.copy_(torch.from_numpy(a["w1"].T))
            self.fc1.bias.copy_(torch.from_numpy(a["b1"]))
            self.fc2.weight.copy_(torch.from_numpy(a["w2"].T))
            self.fc2.bias.copy_(torch.from_numpy(a["b2"]))
        self.to(device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(torch.relu(self.fc1(x)))


def _mlp_setup(ctx: Context, sizes: Tuple[int, int, int, int]) -> Any:
    a = _mlp_arrays(sizes)
    model = _MLP(a, ctx.device)
    return model, list(model.parameters()), ctx.torch_tensor(a["x"]), ctx.torch_tensor(a["y"])


def _sgd(params: List[torch.Tensor], grads: List[torch.Tensor]) -> None:
    with torch.no_grad():
        torch._foreach_add_(params, grads, alpha=-_LR)


def _mlp_core(sizes: Tuple[int, int, int, int]) -> Callable[[Context], Fn]:
    def build(ctx: Context) -> Fn:
        model, params, x, y = _mlp_setup(ctx, sizes)

        def step() -> Any:
            with GradientTape() as tape:
                loss = torch.mean(torch.square(model(x) - y))
            _sgd(params, tape.gradient(loss, params))
            return loss

        return step

    return build


def _mlp_torch(sizes: Tuple[int, int, int, int]) -> Callable[[Context], Dict[str, Fn]]:
    def build(ctx: Context) -> Dict[str, Fn]:
        model, params, x, y = _mlp_setup(ctx, sizes)

        def step() -> Any:
            loss = torch.mean(torch.square(model(x) - y))
            _sgd(params, list(torch.autograd.grad(loss, params)))
            return loss

        return {"autograd.grad": step}

    return build


# ------------------------------------------------------------------ jacobian 256x256

_JAC_N = 256


def _jac_arrays() -> Dict[str, np.ndarray]:
    rng = _rng(2)
    return {"x": _f32(rng.standard_normal((1, _JAC_N))),
            "w": _f32(rng.standard_normal((_JAC_N, _JAC_N)) / np.sqrt(_JAC_N))}


def _jac_tf(ctx: Context, tf: Any) -> Optional[Fn]:
    if tf is ctx.dropin and not _has_jacobian():
        return None
    a = _jac_arrays()
    x, w = ctx.tf_constant(tf, a["x"]), ctx.tf_constant(tf, a["w"])

    def step() -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.tanh(tf.matmul(x, w))
        return tape.jacobian(y, x)  # (1, 256, 1, 256)

    return step


def _jac_core(ctx: Context) -> Optional[Fn]:
    if not _has_jacobian():
        return None
    a = _jac_arrays()
    x, w = ctx.torch_tensor(a["x"]), ctx.torch_tensor(a["w"])

    def step() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = torch.tanh(x @ w)
        return tape.jacobian(y, x)

    return step


def _jac_torch(ctx: Context) -> Dict[str, Fn]:
    a = _jac_arrays()
    x, w = ctx.torch_tensor(a["x"], requires_grad=True), ctx.torch_tensor(a["w"])

    def batched_vjp() -> Any:
        y = torch.tanh(x @ w)
        seeds = torch.eye(_JAC_N, device=ctx.device).reshape(_JAC_N, 1, _JAC_N)
        (rows,) = torch.autograd.grad(y, x, seeds, is_grads_batched=True)
        return rows.reshape(1, _JAC_N, 1, _JAC_N)

    x_plain = x.detach()
    jacrev = torch.func.jacrev(lambda v: torch.tanh(v @ w))

    def func_jacrev() -> Any:
        return jacrev(x_plain)

    return {"autograd.grad(is_grads_batched)": batched_vjp, "func.jacrev": func_jacrev}


# ------------------------------------------------------------------ batch_jacobian 64x32x32

_BJ_B, _BJ_N = 64, 32


def _bj_arrays() -> Dict[str, np.ndarray]:
    rng = _rng(3)
    return {"x": _f32(rng.standard_normal((_BJ_B, _BJ_N))),
            "w": _f32(rng.standard_normal((_BJ_N, _BJ_N)) / np.sqrt(_BJ_N))}


def _bj_tf(ctx: Context, tf: Any) -> Optional[Fn]:
    if tf is ctx.dropin and not _has_jacobian():
        return None
    a = _bj_arrays()
    x, w = ctx.tf_constant(tf, a["x"]), ctx.tf_constant(tf, a["w"])

    def step() -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.tanh(tf.matmul(x, w))
        return tape.batch_jacobian(y, x)  # (64, 32, 32)

    return step


def _bj_core(ctx: Context) -> Optional[Fn]:
    if not _has_jacobian():
        return None
    a = _bj_arrays()
    x, w = ctx.torch_tensor(a["x"]), ctx.torch_tensor(a["w"])

    def step() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            y = torch.tanh(x @ w)
        return tape.batch_jacobian(y, x)

    return step


def _bj_torch(ctx: Context) -> Dict[str, Fn]:
    a = _bj_arrays()
    x, w = ctx.torch_tensor(a["x"], requires_grad=True), ctx.torch_tensor(a["w"])

    def batched_vjp() -> Any:
        y = torch.tanh(x @ w)
        # Seed m: one-hot in output column m for every example at once.
        seeds = torch.eye(_BJ_N, device=ctx.device).unsqueeze(1).expand(_BJ_N, _BJ_B, _BJ_N)
        (rows,) = torch.autograd.grad(y, x, seeds, is_grads_batched=True)  # (m, b, n)
        return rows.transpose(0, 1)

    x_plain = x.detach()
    per_example = torch.func.vmap(torch.func.jacrev(lambda v: torch.tanh(v @ w)))

    def vmap_jacrev() -> Any:
        return per_example(x_plain)

    return {"autograd.grad(is_grads_batched)": batched_vjp, "func.vmap(jacrev)": vmap_jacrev}


# ------------------------------------------------------------------ Hessian by nested tapes 64x64

_H_N = 64


def _hess_arrays() -> Dict[str, np.ndarray]:
    rng = _rng(4)
    return {"x": _f32(rng.standard_normal(_H_N)),
            "w": _f32(rng.standard_normal((_H_N, _H_N)) / np.sqrt(_H_N))}


def _hess_tf(ctx: Context, tf: Any) -> Optional[Fn]:
    if tf is ctx.dropin and not _has_jacobian():
        return None
    a = _hess_arrays()
    x, w = ctx.tf_constant(tf, a["x"]), ctx.tf_constant(tf, a["w"])

    def step() -> Any:
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(tf.tanh(tf.matmul(tf.reshape(x, [1, _H_N]), w)))
            g = inner.gradient(y, x)
        return outer.jacobian(g, x)  # (64, 64)

    return step


def _hess_core(ctx: Context) -> Optional[Fn]:
    if not _has_jacobian():
        return None
    a = _hess_arrays()
    x, w = ctx.torch_tensor(a["x"]), ctx.torch_tensor(a["w"])

    def step() -> Any:
        with GradientTape() as outer:
            outer.watch(x)
            with GradientTape() as inner:
                inner.watch(x)
                y = torch.sum(torch.tanh(x.reshape(1, _H_N) @ w))
            g = inner.gradient(y, x)
        return outer.jacobian(g, x)

    return step


def _hess_torch(ctx: Context) -> Dict[str, Fn]:
    a = _hess_arrays()
    x, w = ctx.torch_tensor(a["x"], requires_grad=True), ctx.torch_tensor(a["w"])

    def nested_grad() -> Any:
        y = torch.sum(torch.tanh(x.reshape(1, _H_N) @ w))
        (g,) = torch.autograd.grad(y, x, create_graph=True)
        seeds = torch.eye(_H_N, device=ctx.device)
        return torch.autograd.grad(g, x, seeds, is_grads_batched=True)[0]

    def f(v: torch.Tensor) -> torch.Tensor:
        return torch.sum(torch.tanh(v.reshape(1, _H_N) @ w))

    x_plain = x.detach()
    hessian = torch.func.hessian(f)
    jacrev2 = torch.func.jacrev(torch.func.jacrev(f))

    return {
        "autograd.grad(create_graph)+batched": nested_grad,
        "func.hessian": lambda: hessian(x_plain),
        "func.jacrev(jacrev)": lambda: jacrev2(x_plain),
    }


# ------------------------------------------------------------------ persistent tape, 10 gradients

_P_N, _P_CALLS = 1000, 10


def _persistent_tf(ctx: Context, tf: Any) -> Fn:
    x = ctx.tf_constant(tf, _f32(_rng(5).standard_normal(_P_N)))

    def step() -> Any:
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            h = x
            targets = []
            for _ in range(_P_CALLS):
                h = tf.sin(h) * 1.5
                targets.append(tf.reduce_sum(h))
        grads = [tape.gradient(t, x) for t in targets]
        del tape
        return grads

    return step


def _persistent_core(ctx: Context) -> Fn:
    x = ctx.torch_tensor(_f32(_rng(5).standard_normal(_P_N)))

    def step() -> Any:
        with GradientTape(persistent=True) as tape:
            tape.watch(x)
            h = x
            targets = []
            for _ in range(_P_CALLS):
                h = torch.sin(h) * 1.5
                targets.append(torch.sum(h))
        grads = [tape.gradient(t, x) for t in targets]
        del tape
        return grads

    return step


def _persistent_torch(ctx: Context) -> Dict[str, Fn]:
    x = ctx.torch_tensor(_f32(_rng(5).standard_normal(_P_N)), requires_grad=True)

    def step() -> Any:
        h = x
        targets = []
        for _ in range(_P_CALLS):
            h = torch.sin(h) * 1.5
            targets.append(torch.sum(h))
        last = len(targets) - 1
        return [torch.autograd.grad(t, x, retain_graph=i < last)[0]
                for i, t in enumerate(targets)]

    return {"autograd.grad(retain_graph)": step}


# ------------------------------------------------------------------ large elementwise chain

_CHAIN_OPS = 50


def _chain_size(ctx: Context) -> int:
    return ctx.scale(1_000_000, 10_000)


def _chain_tf(ctx: Context, tf: Any) -> Fn:
    x = ctx.tf_constant(tf, _f32(_rng(6).standard_normal(_chain_size(ctx))))

    def step() -> Any:
        with tf.GradientTape() as tape:
            tape.watch(x)
            h = x
            for i in range(_CHAIN_OPS // 2):
                h = tf.sin(h) if i % 2 == 0 else tf.tanh(h)
                h = h * 1.01 + 0.1
            loss = tf.reduce_sum(h)
        return tape.gradient(loss, x)

    return step


def _chain_body(x: torch.Tensor) -> torch.Tensor:
    h = x
    for i in range(_CHAIN_OPS // 2):
        h = torch.sin(h) if i % 2 == 0 else torch.tanh(h)
        h = h * 1.01 + 0.1
    return torch.sum(h)


def _chain_core(ctx: Context) -> Fn:
    x = ctx.torch_tensor(_f32(_rng(6).standard_normal(_chain_size(ctx))))

    def step() -> Any:
        with GradientTape() as tape:
            tape.watch(x)
            loss = _chain_body(x)
        return tape.gradient(loss, x)

    return step


def _chain_torch(ctx: Context) -> Dict[str, Fn]:
    x = ctx.torch_tensor(_f32(_rng(6).standard_normal(_chain_size(ctx))), requires_grad=True)

    def step() -> Any:
        return torch.autograd.grad(_chain_body(x), x)[0]

    return {"autograd.grad": step}


# ------------------------------------------------------------------ registry

WORKLOADS: List[Workload] = [
    Workload("seed_chain", "watch; y=x*x; z=y*y; gradient (scalar)", True, True,
             _seed_tf, _seed_core, _seed_torch),
    Workload("nested_2nd", "d2/dx2 x^3 by nested tapes (scalar)", True, True,
             _nested_tf, _nested_core, _nested_torch),
    Workload("mlp_small", "MLP 32x16-32-1: forward+gradient+SGD update", False, True,
             _mlp_tf(MLP_SMALL), _mlp_core(MLP_SMALL), _mlp_torch(MLP_SMALL)),
    Workload("mlp_step", "MLP 64x784-128-10: forward+gradient+SGD update", False, False,
             _mlp_tf(MLP_LARGE), _mlp_core(MLP_LARGE), _mlp_torch(MLP_LARGE)),
    Workload("persistent_10", "persistent tape, 10 gradient calls (n=1000)", False, True,
             _persistent_tf, _persistent_core, _persistent_torch),
    Workload("jacobian", "jacobian of tanh(x@W), 256x256", False, False,
             _jac_tf, _jac_core, _jac_torch),
    Workload("batch_jacobian", "batch_jacobian of tanh(x@W), 64x32x32", False, False,
             _bj_tf, _bj_core, _bj_torch),
    Workload("hessian", "Hessian by nested tapes, 64x64", False, False,
             _hess_tf, _hess_core, _hess_torch),
    Workload("elementwise_50", "50 elementwise ops on 1M floats + gradient", False, False,
             _chain_tf, _chain_core, _chain_torch),
]
