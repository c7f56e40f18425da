"""Every private torch symbol tftape_torch uses, in one place, behind version guards.

This is the bottom layer of the package: it imports nothing from tftape_torch. Each
name below wraps one underscored torch API (or one piece of torch's implementation
we rely on), with the reason we need it and the torch source it relies on. The
guards check the installed torch against the versions each use was verified on
(`VERIFIED_TORCH`); `tests/test_torch_internals.py` exercises every one of them on
the installed torch, so an upgrade that breaks one fails there first, by name.

>>> from tftape_torch import _torch_internals as ti
>>> ti.next_sequence_nr() >= 0
True
"""

from __future__ import annotations

import re
import sys
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import torch
import torch.autograd.graph

__all__ = [
    "LEAF_SEQUENCE_NR",
    "TORCH_VERSION",
    "VERIFIED_TORCH",
    "DisableTorchFunction",
    "DisableTorchFunctionSubclass",
    "TensorBase",
    "TorchDispatchMode",
    "add_batch_dim",
    "apply_function",
    "below_autograd",
    "call_node",
    "current_graph_task_id",
    "device_of",
    "dtype_of",
    "engine_backward",
    "fsdp_param_groups",
    "fsdp_states_exist",
    "functorch_transforms_active",
    "gradient_edge_of",
    "finding_gradient_edge",
    "grad_fn_of",
    "is_cpu_of",
    "is_freed_graph_error",
    "is_modified_in_place_error",
    "is_leaf_of",
    "is_view",
    "is_zerotensor",
    "is_vmap_error",
    "make_dual",
    "make_subclass",
    "node_input_meta",
    "node_output_count",
    "node_sequence_nr",
    "next_sequence_nr",
    "node_output_dims",
    "node_output_rank",
    "output_nr_of",
    "refcount",
    "remove_batch_dim",
    "requires_grad_of",
    "saved",
    "set_data",
    "set_requires_grad",
    "tangent_of",
    "torch_function_enabled",
    "torch_function_mode_enabled",
    "unwrapped_getters",
    "vmap_level",
]


def _version(text: str) -> Tuple[int, int]:
    major, minor = text.split("+")[0].split(".")[:2]
    return int(major), int(minor)


#: (major, minor) of the installed torch.
TORCH_VERSION = _version(torch.__version__)
#: The torch releases every symbol below was checked on (the test suite runs there).
VERIFIED_TORCH = ((2, 13), (2, 14))

if not VERIFIED_TORCH[0] <= TORCH_VERSION <= VERIFIED_TORCH[-1]:  # pragma: no cover
    warnings.warn(
        f"tftape_torch was verified on torch {VERIFIED_TORCH[0][0]}.{VERIFIED_TORCH[0][1]} to "
        f"{VERIFIED_TORCH[-1][0]}.{VERIFIED_TORCH[-1][1]}, not {torch.__version__}; its "
        "private-API uses are listed in tftape_torch/_torch_internals.py.",
        stacklevel=2,
    )


def _require(owner: Any, name: str, why: str) -> Any:
    """`owner.name`, or an ImportError that says which torch internal went missing."""
    try:
        return getattr(owner, name)
    except AttributeError:  # pragma: no cover - only on an unverified torch
        raise ImportError(
            f"tftape_torch needs {getattr(owner, '__name__', owner)}.{name} ({why}), which "
            f"torch {torch.__version__} lacks; supported: torch "
            f"{VERIFIED_TORCH[0][0]}.{VERIFIED_TORCH[0][1]}-"
            f"{VERIFIED_TORCH[-1][0]}.{VERIFIED_TORCH[-1][1]}"
        ) from None


# ---------------------------------------------------------------------------
# Torch-function dispatch switches (torch/csrc/autograd/python_torch_functions;
# documented in torch/overrides.py but exported only from torch._C).

#: Runs torch functions without any subclass `__torch_function__` (modes still run).
DisableTorchFunctionSubclass = _require(
    torch._C, "DisableTorchFunctionSubclass", "subclass-free fast paths"
)
#: Runs torch functions without subclasses *and* modes.
DisableTorchFunction = _require(torch._C, "DisableTorchFunction", "mode-free graph lookups")
#: The C base of `torch.Tensor`: its descriptors read attributes without a subclass's
#: properties in the way.
TensorBase = _require(torch._C, "TensorBase", "raw attribute descriptors")

_mode_enabled = _require(
    torch._C, "_is_torch_function_mode_enabled", "routing autograd.Function ops to modes"
)


#: Whether subclass `__torch_function__`s run now (False inside
#: `DisableTorchFunctionSubclass`): drop-in tensors index the TF way only then, so
#: the package's own code, which runs with them off, keeps torch's indexing.
torch_function_enabled: Callable[[], bool] = _require(
    torch._C, "_is_torch_function_enabled", "TF indexing only where torch functions run"
)


def torch_function_mode_enabled() -> bool:
    """Whether a torch-function mode (a ForwardAccumulator's) is active on this thread."""
    return bool(_mode_enabled())


# Raw attribute reads and writes (torch/csrc/autograd/python_variable.cpp): a tensor
# subclass's property or `__torch_function__` is skipped.
requires_grad_of: Callable[[torch.Tensor], bool] = TensorBase.requires_grad.__get__
grad_fn_of: Callable[[torch.Tensor], Any] = TensorBase.grad_fn.__get__
dtype_of: Callable[[torch.Tensor], torch.dtype] = TensorBase.dtype.__get__
device_of: Callable[[torch.Tensor], torch.device] = TensorBase.device.__get__
is_leaf_of: Callable[[torch.Tensor], bool] = TensorBase.is_leaf.__get__
output_nr_of: Callable[[torch.Tensor], int] = TensorBase.output_nr.__get__
is_cpu_of: Callable[[torch.Tensor], bool] = TensorBase.is_cpu.__get__
set_requires_grad: Callable[[torch.Tensor, bool], None] = TensorBase.requires_grad.__set__
#: The version counter of a tensor's storage (`Tensor._version`), bumped by every
#: in-place write: it tells a tensor the autograd engine accumulated into in place.
version_of: Callable[[torch.Tensor], int] = _require(
    TensorBase, "_version", "custom_gradient's raw gradients"
).__get__
#: `tensor.data = value` without recording (what `torch.optim` does to parameters).
set_data: Callable[[torch.Tensor, torch.Tensor], None] = torch.Tensor.data.__set__  # type: ignore[attr-defined]
#: Getters that hand back a tensor stored elsewhere (`._base`, `.grad`): a subclass
#: must not re-type their results.
unwrapped_getters = frozenset(
    {TensorBase._base.__get__, TensorBase.grad.__get__, TensorBase._grad.__get__}
)
#: Whether a tensor is a view of another tensor's storage (`Tensor._is_view`; the
#: method itself, read on every drop-in op's result).
is_view: Callable[[torch.Tensor], bool] = _require(
    TensorBase, "_is_view", "plain aliases of views"
)
#: Whether a tensor is an `_efficientzerotensor` (`Tensor._is_zerotensor`): some of
#: torch's backward formulas (`sgn`'s, so `abs`'s second derivative) return one, and the
#: engine hands it out as a gradient. It refuses in-place ops and `.numpy()`, and a 0-d
#: one plus a Python float is float64 (torch 2.13).
is_zerotensor: Callable[[torch.Tensor], bool] = _require(
    TensorBase, "_is_zerotensor", "ordinary zero gradients"
)


#: `torch.Tensor._make_subclass(cls, data, requires_grad)`: a subclass instance sharing
#: `data`'s storage, with no autograd history (how `nn.Parameter` is built).
make_subclass: Callable[[type, torch.Tensor, bool], Any] = _require(
    torch.Tensor, "_make_subclass", "Variables sharing storage"
)


#: CPython's reference count (`sys.getrefcount`, which counts its own argument too):
#: `refcount(out) == 2` inside a function means only its local `out` holds the
#: object, so an op result can be re-typed in place instead of wrapped (NOTE: [Fresh
#: results] in `_tensor`). Called directly at each site: a helper would add a reference.
refcount: Callable[[Any], int] = sys.getrefcount


# ---------------------------------------------------------------------------
# Autograd sequence numbers (torch/csrc/autograd/function.h: `sequence_nr_` is a
# thread-local counter bumped for every Node created; AccumulateGrad nodes carry
# UINT64_MAX). NOTE: [Recording windows] in `_tape` explains how tapes use them.

#: `next_sequence_nr()`: the number the next autograd node created on this thread
#: will get (torch's own function, called directly: tapes call it several times a step).
next_sequence_nr: Callable[[], int] = _require(
    torch._C._autograd, "_get_sequence_nr", "recording windows"
)
#: The sequence number of every gradient accumulator (a leaf's node).
LEAF_SEQUENCE_NR = 2**64 - 1


def node_sequence_nr(node: Any) -> int:
    """The sequence number of autograd node `node` (`Node._sequence_nr()`)."""
    return int(node._sequence_nr())


#: The id of the backward pass the calling thread is running, -1 outside one
#: (torch/csrc/autograd/init.cpp; also on the engine's CUDA device threads, where
#: torch runs the backward of CUDA tensors for the thread that asked for it).
current_graph_task_id: Callable[[], int] = _require(
    torch._C, "_current_graph_task_id", "gradient passes on device threads"
)


# ---------------------------------------------------------------------------
# The engine entry `torch.autograd.grad` itself calls (torch/autograd/graph.py,
# `_engine_run_backward`, positional arguments as of torch 2.13/2.14): skipping
# `grad`'s argument normalisation saves ~2 us per call on tiny graphs.

_engine_run_backward = getattr(torch.autograd.graph, "_engine_run_backward", None)


def engine_backward(
    outputs: Sequence[torch.Tensor],
    inputs: Sequence[Any],
    upstream: Sequence[torch.Tensor],
    retain_graph: bool,
    create_graph: bool,
    is_grads_batched: bool,
) -> Sequence[Optional[torch.Tensor]]:
    """One reverse pass over `outputs`, gradients captured at `inputs` (edges or leaves).

    `upstream` holds one seed per output (never `None`); unused inputs give `None`.
    """
    if _engine_run_backward is None:  # pragma: no cover - only on an unverified torch
        return torch.autograd.grad(
            outputs, inputs, upstream, retain_graph=retain_graph, create_graph=create_graph,
            allow_unused=True, is_grads_batched=is_grads_batched, materialize_grads=False,
        )
    if is_grads_batched:
        return _legacy_batched_backward(outputs, inputs, upstream, retain_graph, create_graph)
    return _engine_run_backward(
        tuple(outputs), tuple(upstream), retain_graph, create_graph, tuple(inputs), True,
        accumulate_grad=False,
    )


# `is_grads_batched` as `torch.autograd.grad` runs it (torch/_vmap_internals.py `_vmap`:
# the legacy batching rules, one vmap-mode level around the engine call), without
# `_vmap`'s per-call argument flattening and checks (~50 us, half a small jacobian).
_legacy_increment_nesting = _require(
    torch._C, "_vmapmode_increment_nesting", "legacy batched backward passes")
_legacy_decrement_nesting = _require(
    torch._C, "_vmapmode_decrement_nesting", "legacy batched backward passes")
_legacy_add_batch_dim = _require(torch, "_add_batch_dim", "legacy batched backward passes")
_legacy_remove_batch_dim = _require(torch, "_remove_batch_dim", "legacy batched backward passes")


def _legacy_batched_backward(
    outputs: Sequence[torch.Tensor],
    inputs: Sequence[Any],
    upstream: Sequence[torch.Tensor],
    retain_graph: bool,
    create_graph: bool,
) -> Sequence[Optional[torch.Tensor]]:
    assert _engine_run_backward is not None
    size = upstream[0].shape[0]
    level = _legacy_increment_nesting()
    try:
        seeds = tuple(_legacy_add_batch_dim(seed, 0, level) for seed in upstream)
        grads = _engine_run_backward(
            tuple(outputs), seeds, retain_graph, create_graph, tuple(inputs), True,
            accumulate_grad=False,
        )
        return [None if grad is None else _legacy_remove_batch_dim(grad, level, size, 0)
                for grad in grads]
    finally:
        _legacy_decrement_nesting()


# ---------------------------------------------------------------------------
# FSDP2 (`torch.distributed.fsdp.fully_shard`, torch/distributed/fsdp/_fully_shard,
# torch 2.13/2.14). `fully_shard` keeps each module's state in the global weak map
# `torch.distributed._composable_state._module_state_mapping`; an `FSDPState` holds
# `_fsdp_param_groups`, each with `fsdp_params` (`FSDPParam`: the registered, sharded
# DTensor `sharded_param` and the `_unsharded_param` leaf the forward pass used), and
# the root's `_state_ctx.all_states`. A tape needs them because autograd's graph
# reaches only the unsharded parameters: `tape.gradient(loss, model.parameters())`
# must run the backward pass into those, so that FSDP's post-backward hooks
# reduce-scatter into the sharded `.grad`s (NOTE: [Data-parallel backward] in
# `_data_parallel`). Read only when FSDP is already imported: importing it here
# would pull in torch._dynamo.

_COMPOSABLE_STATE = "torch.distributed._composable_state"
_FSDP_STATE = "torch.distributed.fsdp._fully_shard._fsdp_state"


def fsdp_states_exist() -> bool:
    """Whether any module of this process has been `fully_shard`ed (and still lives)."""
    module = sys.modules.get(_COMPOSABLE_STATE)
    return module is not None and len(module._module_state_mapping) > 0


def fsdp_param_groups() -> List[List[Tuple[torch.Tensor, Optional[torch.Tensor]]]]:
    """For every FSDP2 root context, its `(sharded_param, unsharded_param)` pairs.

    A context is the set of states one root's lazy init gathered (or a lone state not
    yet initialised); `unsharded_param` is `None` before the first forward pass.
    """
    composable = sys.modules.get(_COMPOSABLE_STATE)
    fsdp_state = sys.modules.get(_FSDP_STATE)
    if composable is None or fsdp_state is None:
        return []
    state_type = fsdp_state.FSDPState
    contexts: Dict[int, List[Any]] = {}
    for ref in list(composable._module_state_mapping.values()):
        state = ref()
        if not isinstance(state, state_type):
            continue
        members = state._state_ctx.all_states or [state]
        contexts.setdefault(id(state._state_ctx), members)
    groups = []
    for members in contexts.values():
        pairs: List[Tuple[torch.Tensor, Optional[torch.Tensor]]] = []
        seen = set()
        for state in members:
            for param_group in state._fsdp_param_groups:
                for fsdp_param in param_group.fsdp_params:
                    if id(fsdp_param) in seen:
                        continue
                    seen.add(id(fsdp_param))
                    pairs.append(
                        (fsdp_param.sharded_param, getattr(fsdp_param, "_unsharded_param", None))
                    )
        groups.append(pairs)
    return groups


# ---------------------------------------------------------------------------
# functorch's vmap levels (torch/_functorch/vmap.py `_vmap` uses exactly these):
# batching a backward pass over a recorded graph, which `torch.func.vmap` cannot do
# because the graph was built outside the vmapped function.

from torch._C import _functorch as _ft  # noqa: E402

_increment_nesting = _require(_ft, "_vmap_increment_nesting", "batched backward passes")
_decrement_nesting = _require(_ft, "_vmap_decrement_nesting", "batched backward passes")
_add_batch_dim = _require(_ft, "_add_batch_dim", "batched backward passes")
_remove_batch_dim = _require(_ft, "_remove_batch_dim", "batched backward passes")


_transforms_active = _require(
    torch._C, "_are_functorch_transforms_active", "refusing batched data-parallel passes"
)


# torch.autograd.Function.apply binds its arguments to `forward`'s signature with
# `inspect.signature` at every call when `setup_context` is defined (about 25 us, more
# than a small op). Our Functions take only positional tensors and define no defaults,
# so that binding changes nothing: outside functorch transforms `apply_function` does
# what Function.apply does next (torch/autograd/function.py: unwrap dead functorch
# wrappers, then the C++ `_FunctionBase.apply`); inside one it calls `apply` itself.
_unwrap_dead_wrappers = _require(
    __import__("torch._functorch.utils", fromlist=["utils"]), "unwrap_dead_wrappers",
    "autograd.Function calls without per-call signature binding")


def apply_function(function: Any, *args: Any) -> Any:
    """`function.apply(*args)` for an `autograd.Function` whose `forward` takes
    exactly `args`, positionally, without torch's per-call signature binding."""
    if _transforms_active():
        return function.apply(*args)
    return super(torch.autograd.Function, function).apply(*_unwrap_dead_wrappers(args))


def functorch_transforms_active() -> bool:
    """Whether this pass runs under a vmap level (a jacobian's batched backward pass)."""
    return bool(_transforms_active())


class vmap_level:
    """A functorch vmap level of `size`, entered and left as a context manager.

    >>> import torch
    >>> with vmap_level(3) as level:
    ...     batched = add_batch_dim(torch.arange(3.0), 0, level)
    ...     remove_batch_dim(batched * 2, level, 3, 0)
    tensor([0., 2., 4.])
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.level = -1

    def __enter__(self) -> int:
        self.level = int(_increment_nesting(self.size, "error"))
        return self.level

    def __exit__(self, *exc_info: Any) -> None:
        _decrement_nesting()


def add_batch_dim(tensor: torch.Tensor, dim: int, level: int) -> torch.Tensor:
    """`tensor` as a batched tensor of `level`, batched along `dim`."""
    return _add_batch_dim(tensor, dim, level)


def remove_batch_dim(tensor: torch.Tensor, level: int, size: int, dim: int) -> torch.Tensor:
    """The plain tensor behind a batched tensor of `level`, batch dimension at `dim`."""
    return _remove_batch_dim(tensor, level, size, dim)


# The shape of what a graph node's forward op returned: `Node._input_metadata` (the
# metadata the engine checks incoming gradients against; torch/csrc/autograd/
# python_cpp_function.cpp, torch 2.13/2.14). A jacobian picks its seeds' layout
# from it: a matrix product whose output is a column batches badly with the batch
# dimension first (NOTE [Which vmap] in _jacobian_plan.py).


def node_output_dims(node: Any) -> Optional[Tuple[int, ...]]:
    """The shape of the first output of `node`'s forward op (None if unknown)."""
    try:
        shape = node._input_metadata[0].shape
    except (AttributeError, IndexError, TypeError, RuntimeError):
        return None
    return tuple(int(d) for d in shape)


def node_output_rank(node: Any) -> Optional[int]:
    """The number of dimensions of the first output of `node`'s forward op (a leaf's
    for its `AccumulateGrad`; None if unknown): `node_output_dims`' length, cheaper."""
    try:
        return len(node._input_metadata[0].shape)
    except (AttributeError, IndexError, TypeError, RuntimeError):
        return None


# What a backward node keeps for its formula: the `_saved_<name>` properties torch
# generates for every node of derivatives.yaml (torch/csrc/autograd/generated/
# python_functions.cpp, torch 2.13/2.14), and the dtype and shape of each input the
# engine checks gradients against (`_input_metadata`). `_batched_backward` runs a
# jacobian's backward passes from them (NOTE [Own batching rules] there).


def saved(node: Any, name: str) -> Any:
    """What `node` saved as `name` (`self`, `other`, `result`, `dim`...).

    torch hands saved integers out as unsigned 64-bit values (a `dim` of -1 reads
    2**64 - 1); they come back signed here, in tuples too. A saved tensor of a
    subclass comes back as a plain tensor on the same graph (the drop-in's tensors
    have their own Python operators).
    """
    value = getattr(node, "_saved_" + name)
    kind = type(value)
    if kind is torch.Tensor or value is None:
        return value
    if isinstance(value, torch.Tensor):
        return value.as_subclass(torch.Tensor)
    if kind is int:
        return value - _TWO_64 if value >= _TWO_63 else value
    if kind is tuple:
        return tuple(item - _TWO_64 if type(item) is int and item >= _TWO_63 else item
                     for item in value)
    return value


_TWO_63, _TWO_64 = 2**63, 2**64


def node_output_count(node: Any) -> int:
    """How many outputs `node`'s forward op returned (gradients the node takes)."""
    return len(node._input_metadata)


def node_input_meta(node: Any, index: int) -> Tuple[Tuple[int, ...], torch.dtype]:
    """The shape and dtype of input `index` of `node` (the engine's check)."""
    meta = node._input_metadata[index]
    return tuple(meta.shape), meta.dtype


# Running one graph node outside the engine (`_recorded_pass`): torch's own nodes are
# callable with the gradients of their forward op's outputs (`THPCppFunction_call`,
# torch/csrc/autograd/python_cpp_function.cpp: `None` for an undefined gradient, the
# results for every input edge); a Python Function's node has `apply`, which returns
# one result per argument of its `forward`, tensors or not (torch 2.13/2.14).
_BackwardCFunction = _require(torch.autograd.function, "BackwardCFunction",
                              "running recorded nodes one by one")


def call_node(
    node: Any, grads: Sequence[Optional[torch.Tensor]]
) -> Sequence[Optional[torch.Tensor]]:
    """What graph node `node` gives each of its input edges (`next_functions`, in
    order) for `grads`, one per output of its forward op (None: no gradient), as the
    engine runs it, before the engine's checks of the results."""
    if not isinstance(node, _BackwardCFunction):
        results = node(*grads)
        return (results,) if results is None or isinstance(results, torch.Tensor) else results
    # The engine hands a Python backward zeros for a missing gradient and keeps the
    # results of the arguments that take one (`needs_input_grad`): the node's edges
    # that lead somewhere, in order.
    filled = []
    for index, grad in enumerate(grads):
        if grad is None:
            meta = node._input_metadata[index]
            grad = torch.zeros(tuple(meta.shape), dtype=meta.dtype, device=meta.device)
        filled.append(grad)
    results = node.apply(*filled)
    if not isinstance(results, tuple):
        results = (results,)
    taken = iter([result for result, wanted in zip(results, node.needs_input_grad) if wanted])
    return [None if child is None else next(taken, None) for child, _ in node.next_functions]


def gradient_edge_of(item: Any) -> Tuple[Optional[Any], int]:
    """The (node, input number) a gradient edge or a leaf tensor's gradient enters;
    (None, 0) for a tensor that takes no gradient."""
    if isinstance(item, torch.Tensor):
        if not item.requires_grad:
            return None, 0
        item = torch.autograd.graph.get_gradient_edge(item)
    return item.node, item.output_nr


# What torch says when it cannot batch an op of a backward pass (functorch's and
# `_vmap_internals`' messages, torch 2.13/2.14), when a freed graph is re-run, and when
# a node's saved tensor was written in place after it was saved.
_VMAP_ERROR = re.compile(r"vmap|[Bb]atching rule|BatchedTensor|batched tensor|doesn't have storage")
_GRAPH_FREED = "backward through the graph a second time"
_MODIFIED_IN_PLACE = "modified by an inplace operation"


def is_vmap_error(error: BaseException) -> bool:
    """Whether `error` is torch refusing to batch an op (not a user error)."""
    return bool(_VMAP_ERROR.search(str(error)))


def is_freed_graph_error(error: BaseException) -> bool:
    """Whether `error` is torch refusing to backward through a freed graph."""
    return _GRAPH_FREED in str(error)


def is_modified_in_place_error(error: BaseException) -> bool:
    """Whether `error` is torch refusing a node whose saved tensor was written in place."""
    return _MODIFIED_IN_PLACE in str(error)


# ---------------------------------------------------------------------------
# Forward-mode AD (torch/autograd/forward_ad.py wraps these with argument checks that
# refuse tensor subclasses and require an entered level; we call them directly).

_make_dual = _require(torch, "_make_dual", "ForwardAccumulator")
_unpack_dual = _require(torch, "_unpack_dual", "ForwardAccumulator")


def make_dual(primal: torch.Tensor, tangent: torch.Tensor, level: int) -> torch.Tensor:
    """A dual tensor of `level` with value `primal` and tangent `tangent`.

    torch gives the tangent the primal's layout, copying it when it has another: a
    primal whose elements share memory (an expanded tensor, such as the gradient of a
    sum) cannot hold that copy, so the dual is made on a contiguous copy of it
    (differentiable, same values).
    """
    with DisableTorchFunctionSubclass():
        for size, stride in zip(primal.shape, primal.stride()):
            if stride == 0 and size > 1:
                primal = primal.contiguous()
                break
    return _make_dual(primal, tangent, level=level)


def tangent_of(tensor: torch.Tensor, level: int) -> Optional[torch.Tensor]:
    """The tangent `tensor` carries at `level`, or `None`."""
    return _unpack_dual(tensor, level=level).tangent


_excluded = _require(torch._C, "_dispatch_tls_is_dispatch_key_excluded", "forward-mode modes")
_AD_INPLACE_OR_VIEW = torch._C.DispatchKey.ADInplaceOrView


def below_autograd() -> bool:
    """Whether this call runs beneath autograd (inside an op's formula or a backward pass).

    torch excludes the ADInplaceOrView key while it runs an op's Python decomposition
    or forward-AD formula: what a torch-function mode sees then is torch's internals,
    not the user's ops.
    """
    return bool(_excluded(_AD_INPLACE_OR_VIEW))


# `torch.autograd.graph.get_gradient_edge` finds a leaf's accumulator with
# `t.view_as(t)` from its helper `_get_grad_fn_or_grad_acc` (torch 2.13/2.14).
_EDGE_FINDERS = frozenset({"_get_grad_fn_or_grad_acc", "get_gradient_edge"})
_GRAPH_FILE = torch.autograd.graph.__file__


def finding_gradient_edge(depth: int) -> bool:
    """Whether the frame `depth` levels above the caller is torch looking up an edge."""
    caller = sys._getframe(depth + 1).f_code
    return caller.co_name in _EDGE_FINDERS and caller.co_filename == _GRAPH_FILE


# ---------------------------------------------------------------------------
# Dispatcher-level tracing (torch/utils/_python_dispatch.py, torch 2.13/2.14): a
# `tf.function` trace sees every ATen op its Python runs, backward passes of tapes
# included (the autograd engine carries the mode to the ops it runs), and records
# them into an fx graph. `make_fx` is built on the same class.

#: The base class of Python dispatch modes (`__torch_dispatch__` sees ATen ops).
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402
