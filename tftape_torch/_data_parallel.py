"""Tape gradients of DDP and FSDP2 models, reduced the way `.backward()` reduces them.

`GradientTape.gradient` runs the autograd engine without accumulating into `.grad`
(what `torch.autograd.grad` does). `DistributedDataParallel` all-reduces from hooks
on the parameters' gradient accumulators, and FSDP2 (`fully_shard`) reduce-scatters
from hooks that read the unsharded parameters' `.grad`: neither fires on such a pass,
so each rank would silently keep its local gradients (DDP), or get `None` (FSDP2,
whose sharded parameters are not even in the graph). `backward` below is the one
engine call of the tape; when a pass reaches parameters of a DDP or FSDP2 model it
takes the path `.backward()` takes instead.

NOTE: [Data-parallel backward]
When the engine inputs of a tape's pass include parameters of a DDP module whose last
forward pass prepared a reduction (not under `no_sync()`), or sharded parameters of
an FSDP2 model, the pass runs with accumulation into `.grad` (`torch.autograd.backward`
with explicit `inputs`), so the hooks fire as gradients become ready and the buckets'
all-reduces (or the reduce-scatters) overlap the rest of the backward pass, exactly as
under `.backward()`. Around it, every `.grad` the pass writes is set aside and put back
afterwards: the tape returns the reduced gradients and leaves `.grad` as it found it.

* Every parameter the reducer waits for is an engine input, even those the caller did
  not ask for (they are computed, reduced and dropped): a collective needs every rank
  and every bucket, so a subset of the parameters cannot be reduced on its own.
* Other sources (inputs, activations, parameters of other modules) ride along in the
  same pass and are never reduced: leaves through their own `.grad` (set aside and
  restored too), non-leaf edges through a pre-hook on their node.
* `no_sync()`: DDP decides at forward time. A pass over a graph whose forward ran
  under `no_sync()` is an ordinary tape pass (local gradients, no communication), and
  its parameter gradients are also added to a per-model pending sum; the next reduced
  pass starts each `.grad` from that sum, so it returns the reduced gradient of all the
  accumulated micro-batches: what `.grad` holds after the same `.backward()` calls.
  FSDP2 keeps its own unreduced gradients under `set_requires_gradient_sync(False)`;
  the tape then returns `None` for its sharded parameters, as `.grad` stays unchanged.
* Where the reducer cannot take part it raises rather than return local gradients:
  a second reduced pass over one forward (a persistent tape asked twice: DDP reduces
  once per forward), `create_graph` (a tape inside a recording tape: reduced
  gradients are not differentiable) and batched passes (`jacobian`).
"""

from __future__ import annotations

import gc
import weakref
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

import torch
import torch.distributed as dist
from torch.autograd.graph import GradientEdge
from torch.nn.modules.module import register_module_module_registration_hook

from tftape_torch import _torch_internals as ti

__all__ = ["DATA_PARALLEL_ERROR", "active", "backward"]

DATA_PARALLEL_ERROR = (
    "Use a non-persistent tape around each forward pass, or compute local gradients "
    "and reduce them with tftape_torch.distribute.all_reduce_gradients (for DDP: run "
    "the forward pass under model.no_sync() to get local gradients)."
)

_DDP: Optional[type] = None
if dist.is_available():
    from torch.nn.parallel import DistributedDataParallel as _DDP


class _DDPState:
    """What the tape tracks about one DDP module."""

    __slots__ = ("model", "params", "forwards", "reduced_at", "prepared", "pending")

    def __init__(self, model: Any, forwards: int) -> None:
        self.model = weakref.ref(model)
        self.params: Optional[Dict[int, torch.Tensor]] = None  # id -> reduced parameter
        self.forwards = forwards  # grad-enabled forward passes seen
        self.reduced_at = 0  # `forwards` when the tape last reduced
        # Whether the last forward pass prepared DDP's reducer for a reduction; a DDP
        # caught in construction has run none.
        self.prepared = forwards > 0 and bool(model.require_forward_param_sync)
        self.pending: Dict[int, torch.Tensor] = {}  # no_sync() gradients not yet reduced

    def reduced_params(self) -> Dict[int, torch.Tensor]:
        if self.params is None:
            model = self.model()
            ignored = getattr(model, "parameters_to_ignore", ())
            self.params = {
                id(p): p
                for name, p in model.module.named_parameters()  # type: ignore[union-attr]
                if p.requires_grad and name not in ignored
            }
        return self.params


_STATES: weakref.WeakKeyDictionary[Any, _DDPState] = weakref.WeakKeyDictionary()
_SCANNED = [False]
#: [whether a DDP module was ever tracked]: until then the tape's engine call takes the
#: plain path without asking `_STATES` (whose `len()` is a Python call).
_TRACKED = [False]


def _count_forward(state: _DDPState, module: Any, args: Any, output: Any) -> None:
    if torch.is_grad_enabled():  # a no_grad forward neither builds a graph nor prepares
        state.forwards += 1
        state.prepared = bool(module.require_forward_param_sync)


def _track(model: Any, forwards: int) -> None:
    if model in _STATES:
        return
    state = _DDPState(model, forwards)
    _STATES[model] = state
    _TRACKED[0] = True
    model.register_forward_hook(lambda *a: _count_forward(state, *a))


def _on_module_registered(parent: Any, name: str, child: Any) -> None:
    # DDP.__init__ assigns `self.module`: every DDP made after `_scan_once` is seen here.
    if name == "module" and _DDP is not None and type(parent) is _DDP:
        _track(parent, forwards=0)


def _scan_once() -> None:
    """Starts tracking DDP modules, once a process group exists (once per process).

    Finds the DDP modules built so far with one garbage-collector scan, and registers
    torch's module-registration hook to see every DDP built later. Nothing is
    registered in a process that never initializes `torch.distributed`: importing this
    package changes no global torch state.
    """
    if _DDP is None or not dist.is_initialized():
        return
    _SCANNED[0] = True
    register_module_module_registration_hook(_on_module_registered)
    for obj in gc.get_objects():
        if type(obj) is _DDP and hasattr(obj, "module"):
            _track(obj, forwards=1)


def _raw_grad(tensor: torch.Tensor) -> Optional[torch.Tensor]:
    return ti.TensorBase.grad.__get__(tensor)


def _set_grad(tensor: torch.Tensor, grad: Optional[torch.Tensor]) -> None:
    ti.TensorBase.grad.__set__(tensor, grad)


def _leaf_of(item: Any) -> Optional[torch.Tensor]:
    """The leaf tensor an engine input accumulates into, or `None` for a graph edge."""
    if isinstance(item, torch.Tensor):
        leaf = item if ti.grad_fn_of(item) is None else None
    else:
        leaf = getattr(item.node, "variable", None)  # an AccumulateGrad node's leaf
    # A leaf a tape watched has its flag restored by now: the engine captures its
    # gradient at its edge (through a hook) but could not accumulate into it.
    if isinstance(leaf, torch.Tensor) and ti.requires_grad_of(leaf):
        return leaf
    return None


def active() -> bool:
    """Whether any DDP or FSDP2 state is known here (its parameters may need reducing)."""
    if not _SCANNED[0] and _DDP is not None and dist.is_initialized():
        _scan_once()
    return bool(_TRACKED[0] and _STATES) or ti.fsdp_states_exist()


def backward(
    outputs: Sequence[torch.Tensor],
    inputs: Sequence[Any],
    upstream: Sequence[torch.Tensor],
    retain_graph: bool,
    create_graph: bool,
    is_grads_batched: bool,
) -> Sequence[Optional[torch.Tensor]]:
    """The tape's engine call: `ti.engine_backward`, or the data-parallel pass.

    Returns one gradient per engine input, as `ti.engine_backward` does.
    """
    if not _SCANNED[0] and _DDP is not None and dist.is_initialized():
        _scan_once()
    if not (_TRACKED[0] and _STATES) and not ti.fsdp_states_exist():
        return ti.engine_backward(
            outputs, inputs, upstream, retain_graph, create_graph, is_grads_batched
        )
    leaves = [_leaf_of(item) for item in inputs]
    ddp_hits: Dict[int, Tuple[_DDPState, List[int]]] = {}
    for state in list(_STATES.values()):
        params = state.reduced_params()
        hits = [i for i, leaf in enumerate(leaves) if leaf is not None and id(leaf) in params]
        if hits:
            ddp_hits[id(state)] = (state, hits)
    fsdp_groups = _fsdp_groups_hit(leaves)
    reduce = [state for state, _ in ddp_hits.values() if state.prepared]
    if not reduce and not fsdp_groups:
        grads = ti.engine_backward(
            outputs, inputs, upstream, retain_graph, create_graph, is_grads_batched
        )
        for state, hits in ddp_hits.values():  # no_sync(): keep them for the next reduction
            for i in hits:
                _add_pending(state, leaves[i], grads[i])  # type: ignore[arg-type]
        return grads
    batched = is_grads_batched or ti.functorch_transforms_active()
    _check_reducible(reduce, bool(fsdp_groups), create_graph, batched)
    return _reduced_backward(
        outputs, inputs, leaves, upstream, retain_graph, reduce, fsdp_groups
    )


def _fsdp_groups_hit(
    leaves: Sequence[Optional[torch.Tensor]],
) -> List[List[Tuple[torch.Tensor, Optional[torch.Tensor]]]]:
    if not ti.fsdp_states_exist():
        return []
    ids = {id(leaf) for leaf in leaves if leaf is not None}
    return [
        pairs
        for pairs in ti.fsdp_param_groups()
        if any(id(sharded) in ids or id(unsharded) in ids for sharded, unsharded in pairs)
    ]


def _add_pending(state: _DDPState, param: torch.Tensor, grad: Optional[torch.Tensor]) -> None:
    if grad is None:
        return
    held = state.pending.get(id(param))
    if held is None:
        state.pending[id(param)] = grad.detach().clone()
    else:
        held.add_(grad.detach())


def _check_reducible(
    reduce: Sequence[_DDPState], fsdp: bool, create_graph: bool, is_grads_batched: bool
) -> None:
    what = "DistributedDataParallel" if reduce else "FSDP (fully_shard)"
    if create_graph:
        raise RuntimeError(
            f"GradientTape.gradient: the gradients of a {what} model's parameters are "
            "reduced across ranks by hooks of .backward(), and reduced gradients are not "
            "differentiable; this tape runs inside another recording tape (create_graph). "
            + DATA_PARALLEL_ERROR
        )
    if is_grads_batched:
        raise RuntimeError(
            f"GradientTape: jacobians with respect to a {what} model's parameters cannot "
            "be reduced across ranks. " + DATA_PARALLEL_ERROR
        )
    for state in reduce:
        if state.reduced_at == state.forwards:
            raise RuntimeError(
                "GradientTape.gradient: the gradients of this DistributedDataParallel "
                "model's parameters were already reduced for its last forward pass (DDP "
                "reduces once per forward pass; a persistent tape was asked twice, or two "
                "tapes recorded the same forward pass). " + DATA_PARALLEL_ERROR
            )


def _reduced_backward(
    outputs: Sequence[torch.Tensor],
    inputs: Sequence[Any],
    leaves: Sequence[Optional[torch.Tensor]],
    upstream: Sequence[torch.Tensor],
    retain_graph: bool,
    reduce: Sequence[_DDPState],
    fsdp_groups: Sequence[Sequence[Tuple[torch.Tensor, Optional[torch.Tensor]]]],
) -> List[Optional[torch.Tensor]]:
    """One accumulating pass that DDP's and FSDP's hooks reduce: NOTE above."""
    # A module FSDP keeps unsharded after forward (the root) holds the unsharded
    # parameter until the backward pass reshards it: either stands for the sharded one,
    # whose `.grad` FSDP's reduce-scatter fills.
    fsdp_sharded_of: Dict[int, torch.Tensor] = {}
    for pairs in fsdp_groups:
        for sharded, unsharded in pairs:
            fsdp_sharded_of[id(sharded)] = sharded
            if unsharded is not None:
                fsdp_sharded_of[id(unsharded)] = sharded
    pending: Dict[int, torch.Tensor] = {}
    clone_ids: Set[int] = set()
    for state in reduce:
        pending.update(state.pending)
        model = state.model()
        if getattr(model, "gradient_as_bucket_view", False):
            clone_ids.update(state.reduced_params())
    # The leaves to accumulate into, each once: the sources' own, every parameter the
    # reducers wait for, and the unsharded stand-ins of FSDP's sharded parameters.
    targets: Dict[int, torch.Tensor] = {}
    edges: List[Tuple[int, GradientEdge]] = []
    for i, leaf in enumerate(leaves):
        if leaf is None:
            item = inputs[i]
            edge = item if isinstance(item, GradientEdge) else ti_edge(item)
            edges.append((i, edge))
        elif id(leaf) not in fsdp_sharded_of:
            targets[id(leaf)] = leaf
    for state in reduce:
        for param in state.reduced_params().values():
            targets.setdefault(id(param), param)
    fsdp_unsharded = [
        unsharded
        for pairs in fsdp_groups
        for _, unsharded in pairs
        if unsharded is not None and unsharded.requires_grad
    ]
    fsdp_sharded = [sharded for pairs in fsdp_groups for sharded, _ in pairs]

    saved = [(t, _raw_grad(t)) for t in targets.values()]
    saved += [(t, _raw_grad(t)) for t in fsdp_sharded]
    captured: Dict[int, Optional[torch.Tensor]] = {}
    hooks = [edge.node.register_prehook(_capture(captured, i, edge.output_nr)) for i, edge in edges]
    results: List[Optional[torch.Tensor]] = [None] * len(inputs)
    try:
        for t in targets.values():
            _set_grad(t, pending.get(id(t)))
        for t in fsdp_sharded:
            _set_grad(t, None)
        engine_inputs: List[Any] = list(targets.values()) + fsdp_unsharded
        engine_inputs += [edge for _, edge in edges]
        torch.autograd.backward(
            list(outputs), list(upstream), retain_graph=retain_graph, inputs=engine_inputs
        )
        for i, leaf in enumerate(leaves):
            if leaf is None:
                results[i] = captured.get(i)
                continue
            grad = _raw_grad(fsdp_sharded_of.get(id(leaf), leaf))
            if grad is not None and id(leaf) in clone_ids:
                grad = grad.clone()  # a view of DDP's bucket, rewritten next step
            results[i] = grad
        for state in reduce:
            state.reduced_at = state.forwards
            state.pending = {}
    finally:
        for hook in hooks:
            hook.remove()
        for t, grad in saved:
            _set_grad(t, grad)
    return results


def _capture(captured: Dict[int, Optional[torch.Tensor]], index: int, output_nr: int) -> Any:
    def hook(grad_outputs: Tuple[Optional[torch.Tensor], ...]) -> None:
        captured[index] = grad_outputs[output_nr]

    return hook


def ti_edge(tensor: torch.Tensor) -> GradientEdge:
    return torch.autograd.graph.get_gradient_edge(tensor)
