"""`tf.distribute`: TF's strategies with one replica (`get_strategy`,
`OneDeviceStrategy`, `MirroredStrategy`, `ReduceOp`, the replica context; see
`_strategy`), and tape gradients across processes: bucketed all-reduce on
`torch.distributed`.

A tape over a `DistributedDataParallel` or FSDP2 (`fully_shard`) model already
returns gradients reduced by DDP's or FSDP's own hooks, overlapped with the backward
pass (`_data_parallel`). `all_reduce_gradients` is for everything else: a model no
such wrapper holds, gradients of non-parameter tensors, higher-order or re-read
gradients. It is the tape user's counterpart of what a TF distribution strategy
does before `apply_gradients`: it averages (or sums) a nested structure of
gradients across the ranks of a process group with ordinary `torch.distributed`
collectives, after the backward pass.

Design constraints:

- Bucketed like DDP: dense tensors that share a dtype and a device are copied into
  flat buffers of at most `bucket_cap_mb` MiB, one `all_reduce` per buffer, all in
  flight at once (`async_op=True`), so a model costs a few collectives rather than
  one per parameter.
- No host synchronisation on the CUDA/NCCL path other than the optional structure
  check (see `check_structure`).
- Inputs are never modified; `None` stays `None`; results keep dtype, device and
  shape and are not differentiable (like DDP's reduced `.grad`).
"""

from __future__ import annotations

import hashlib
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.distributed as dist

from tftape_torch._strategy import (
    CrossDeviceOps,
    HierarchicalCopyAllReduce,
    InputContext,
    MirroredStrategy,
    NcclAllReduce,
    OneDeviceStrategy,
    ReduceOp,
    ReductionToOneDevice,
    ReplicaContext,
    Strategy,
    StrategyExtended,
    experimental_set_strategy,
    get_replica_context,
    get_strategy,
    has_strategy,
    in_cross_replica_context,
)
from tftape_torch._structure import flatten, pack_like
from tftape_torch._tensor import EagerTensor

__all__ = [
    "all_reduce_gradients",
    "CrossDeviceOps",
    "experimental_set_strategy",
    "get_replica_context",
    "get_strategy",
    "has_strategy",
    "HierarchicalCopyAllReduce",
    "in_cross_replica_context",
    "InputContext",
    "MirroredStrategy",
    "NcclAllReduce",
    "OneDeviceStrategy",
    "ReduceOp",
    "ReductionToOneDevice",
    "ReplicaContext",
    "Strategy",
    "StrategyExtended",
]

_MIB = 1024 * 1024
_OPS = ("mean", "sum")


def all_reduce_gradients(
    grads: Any,
    op: str = "mean",
    group: Optional[Any] = None,
    *,
    bucket_cap_mb: float = 25.0,
    check_structure: bool = True,
) -> Any:
    """Averages or sums a nested structure of gradients across all ranks of `group`.

    Use it between `GradientTape.gradient` and the optimizer step of a
    data-parallel training loop: every rank computes gradients on its own shard of
    the batch, and after the call every rank holds the same reduced gradients.

    >>> import torch, torch.distributed as dist
    >>> from tftape_torch import GradientTape
    >>> from tftape_torch.distribute import all_reduce_gradients
    >>> # torchrun sets the environment; a one-process group for the example:
    >>> dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    >>> model = torch.nn.Linear(3, 1)
    >>> with GradientTape() as tape:
    ...     loss = model(torch.ones(4, 3)).pow(2).mean()
    >>> grads = tape.gradient(loss, list(model.parameters()))
    >>> reduced = all_reduce_gradients(grads)
    >>> [tuple(g.shape) for g in reduced]
    [(1, 3), (1,)]
    >>> dist.destroy_process_group()

    Under `torchrun --nproc_per_node=2` the same code averages the two ranks'
    gradients; see `examples/train_data_parallel.py`.

    Dense tensors that share a dtype and a device are copied into flat buckets of at
    most `bucket_cap_mb` MiB and each bucket is reduced with one `all_reduce`, all
    buckets in flight at once; a tensor larger than the cap gets a bucket of its own,
    so `bucket_cap_mb=0` means one collective per tensor. Sparse COO tensors are
    reduced one by one (natively on gloo, densified on other backends). With
    `op="mean"` the sum is divided by the group size on the tensors' device
    (`ReduceOp.AVG` on NCCL), without a host synchronisation.

    Args:
      grads: A tensor, `None`, or a nested structure (list, tuple, dict, namedtuple)
        of them, e.g. the result of `tape.gradient(loss, sources)`. Every rank must
        pass the same structure, with the same shapes and dtypes and `None` in the
        same places (use `unconnected_gradients="zero"` if some ranks may not touch a
        parameter).
      op: `"mean"` (default) or `"sum"`, case-insensitive, as in
        `tf.distribute.ReduceOp`.
      group: The `torch.distributed` process group; `None` means the default
        (world) group. On a rank that is not a member of `group` the call does
        nothing and returns `grads`, as torch's collectives do.
      bucket_cap_mb: Largest bucket in MiB (default 25, DDP's default).
      check_structure: If `True` (default), first compare a 64-bit digest of every
        rank's structure signature (container layout, and dtype, shape, layout and
        device type of every leaf, or `None`) with one two-element `all_reduce`, and
        raise `ValueError` on every rank if they differ instead of hanging or
        silently mixing mismatched tensors. It costs one tiny collective and, on
        CUDA, one host synchronisation per call; pass `False` in a hot loop once the
        structure is known to agree.

    Returns:
      The structure of `grads` with each tensor replaced by its reduced value (a new
      tensor of the same dtype, device and shape; an `EagerTensor` stays one) and
      `None` left as `None`. On a one-rank group the input tensors come back as they
      are.

    Raises:
      RuntimeError: If `torch.distributed` is unavailable or no process group has
        been initialised (call `torch.distributed.init_process_group` first).
      ValueError: If `op` or `bucket_cap_mb` is invalid, or (with
        `check_structure=True`) the ranks disagree on the structure.
      TypeError: If a leaf is neither a tensor nor `None`.
    """
    op_name = _check_op(op)
    if (
        isinstance(bucket_cap_mb, bool)
        or not isinstance(bucket_cap_mb, (int, float))
        or not bucket_cap_mb >= 0
    ):
        raise ValueError(
            f"all_reduce_gradients: bucket_cap_mb must be a number >= 0, got {bucket_cap_mb!r}."
        )
    _check_initialized()
    if dist.get_rank(group) < 0:  # this rank is not a member of `group`
        return grads
    world_size = dist.get_world_size(group)

    flat = flatten(grads)
    if world_size > 1 and check_structure:
        _check_same_signature(_signature(grads, flat), flat, group)
    for index, leaf in enumerate(flat):
        if leaf is not None and not isinstance(leaf, torch.Tensor):
            raise TypeError(
                "all_reduce_gradients: every gradient must be a torch.Tensor or None, "
                f"got {type(leaf).__name__} at position {index} of the flattened structure."
            )
    if world_size == 1:
        return grads

    reduced: List[Optional[torch.Tensor]] = [None] * len(flat)
    with torch.no_grad():
        dense = [
            i for i, t in enumerate(flat) if t is not None and t.layout == torch.strided
        ]
        sparse = [
            i for i, t in enumerate(flat) if t is not None and t.layout != torch.strided
        ]
        tensors = [_plain(flat[i]) for i in dense]
        pending = []
        for bucket in _plan_buckets(tensors, int(bucket_cap_mb * _MIB)):
            members = [tensors[j] for j in bucket]
            buffer = torch.cat([t.reshape(-1) for t in members])
            work, divide = _all_reduce(buffer, op_name, world_size, group)
            pending.append((bucket, members, buffer, work, divide))
        for index in sparse:
            reduced[index] = _reduce_sparse(
                _plain(flat[index]), op_name, world_size, group
            )
        for bucket, members, buffer, work, divide in pending:
            work.wait()
            if divide:
                buffer.div_(world_size)
            pieces = buffer.split([t.numel() for t in members])
            for j, tensor, piece in zip(bucket, members, pieces):
                reduced[dense[j]] = piece.view(tensor.shape)
    out = [
        _rewrap(result, original) if result is not None else None
        for result, original in zip(reduced, flat)
    ]
    return pack_like(grads, out)


def _check_op(op: Any) -> str:
    name = op.lower() if isinstance(op, str) else None
    if name not in _OPS:
        raise ValueError(
            f"all_reduce_gradients: op must be one of 'mean' or 'sum', got {op!r}."
        )
    return name


def _check_initialized() -> None:
    if not dist.is_available():
        raise RuntimeError(
            "all_reduce_gradients: this build of torch has no torch.distributed support."
        )
    if not dist.is_initialized():
        raise RuntimeError(
            "all_reduce_gradients: the default process group is not initialized; call "
            "torch.distributed.init_process_group(backend=...) first (torchrun sets "
            "MASTER_ADDR, MASTER_PORT, RANK and WORLD_SIZE for it)."
        )


def _plain(tensor: torch.Tensor) -> torch.Tensor:
    """`tensor` detached, as a plain `torch.Tensor` (no subclass dispatch)."""
    tensor = tensor.detach()
    if type(tensor) is not torch.Tensor:
        tensor = tensor.as_subclass(torch.Tensor)
    return tensor


def _rewrap(result: torch.Tensor, original: torch.Tensor) -> torch.Tensor:
    if isinstance(original, EagerTensor):
        return result.as_subclass(EagerTensor)
    return result


def _plan_buckets(tensors: Sequence[torch.Tensor], cap_bytes: int) -> List[List[int]]:
    """Groups tensor indices into buckets to reduce with one collective each.

    Tensors are grouped by (dtype, device) in order of first appearance; within a
    group they are packed in order until the next one would push the bucket past
    `cap_bytes`. A tensor larger than the cap gets a bucket of its own, so a cap of
    0 gives one bucket per tensor. The plan depends only on the tensors' dtypes,
    devices and sizes, so ranks that agree on those agree on the plan.

    >>> f32 = [torch.zeros(4), torch.zeros(4), torch.zeros(4, dtype=torch.float64)]
    >>> _plan_buckets(f32, cap_bytes=32)
    [[0, 1], [2]]
    >>> _plan_buckets(f32, cap_bytes=0)
    [[0], [1], [2]]
    """
    groups: Dict[Tuple[torch.dtype, torch.device], List[List[int]]] = {}
    sizes: Dict[Tuple[torch.dtype, torch.device], int] = {}
    for index, tensor in enumerate(tensors):
        key = (tensor.dtype, tensor.device)
        nbytes = tensor.numel() * tensor.element_size()
        buckets = groups.setdefault(key, [])
        if buckets and sizes[key] + nbytes <= cap_bytes:
            buckets[-1].append(index)
            sizes[key] += nbytes
        else:
            buckets.append([index])
            sizes[key] = nbytes
    return [bucket for buckets in groups.values() for bucket in buckets]


def _backend_for(device: torch.device, group: Optional[Any]) -> str:
    """The backend serving `device` in `group` ("gloo", "nccl", ...)."""
    config = str(dist.get_backend_config(group))  # e.g. "cpu:gloo,cuda:nccl"
    for entry in config.split(","):
        kind, _, name = entry.partition(":")
        if name and kind.strip() == device.type:
            return name.strip()
    return str(dist.get_backend(group))


def _all_reduce(
    buffer: torch.Tensor, op_name: str, world_size: int, group: Optional[Any]
) -> Tuple[Any, bool]:
    """Starts an all-reduce of `buffer`; returns the work and whether to divide after."""
    if (
        op_name == "mean"
        and buffer.is_cuda
        and _backend_for(buffer.device, group) == "nccl"
    ):
        return dist.all_reduce(
            buffer, op=dist.ReduceOp.AVG, group=group, async_op=True
        ), False
    work = dist.all_reduce(buffer, op=dist.ReduceOp.SUM, group=group, async_op=True)
    return work, op_name == "mean"


def _reduce_sparse(
    tensor: torch.Tensor, op_name: str, world_size: int, group: Optional[Any]
) -> torch.Tensor:
    if tensor.layout != torch.sparse_coo:
        raise TypeError(
            "all_reduce_gradients: only dense (strided) and sparse COO gradients are "
            f"supported, got layout {tensor.layout}."
        )
    if _backend_for(tensor.device, group) == "gloo":
        result = tensor.coalesce().clone()
        dist.all_reduce(result, op=dist.ReduceOp.SUM, group=group)
    else:  # NCCL and others have no sparse all-reduce: reduce the dense value.
        dense = tensor.to_dense()
        dist.all_reduce(dense, op=dist.ReduceOp.SUM, group=group)
        result = dense.to_sparse(tensor.sparse_dim())
    return result / world_size if op_name == "mean" else result


# NOTE: [Structure check]
# A mismatch between ranks is a programming error that collectives do not report:
# different bucket sizes hang or fail inside the backend, equal sizes silently add
# unrelated tensors. Each rank hashes its signature to 62 bits and all-reduces
# [h, -h] with MAX, which yields [max h, -min h]: every rank learns in one tiny
# collective whether all digests agree. Only on a mismatch (identical on every rank,
# so every rank takes the same path) is the full signature all-gathered to name the
# first difference.


def _leaf_signature(leaf: Any) -> Optional[Tuple[str, ...]]:
    if leaf is None:
        return None
    if not isinstance(leaf, torch.Tensor):
        return ("not a tensor", type(leaf).__name__)
    dtype = str(leaf.dtype).replace("torch.", "")
    layout = (
        "" if leaf.layout == torch.strided else f" {leaf.layout}".replace("torch.", "")
    )
    return (f"{dtype}{list(leaf.shape)}{layout} on {leaf.device.type}",)


def _signature(grads: Any, flat: Sequence[Any]) -> Tuple[str, List[Any]]:
    skeleton = repr(pack_like(grads, ["*"] * len(flat)))
    return skeleton, [_leaf_signature(leaf) for leaf in flat]


def _check_same_signature(
    signature: Tuple[str, List[Any]], flat: Sequence[Any], group: Optional[Any]
) -> None:
    digest = hashlib.blake2b(repr(signature).encode(), digest_size=8).digest()
    value = int.from_bytes(digest, "little") >> 2  # 62 bits: -value cannot overflow
    device = _comm_device(flat, group)
    both = torch.tensor([value, -value], dtype=torch.int64, device=device)
    dist.all_reduce(both, op=dist.ReduceOp.MAX, group=group)
    high, neg_low = both.tolist()
    if high == -neg_low:
        return
    gathered: List[Any] = [None] * dist.get_world_size(group)
    dist.all_gather_object(gathered, signature, group=group)
    raise ValueError(_describe_mismatch(gathered))


def _comm_device(flat: Sequence[Any], group: Optional[Any]) -> torch.device:
    for leaf in flat:
        if isinstance(leaf, torch.Tensor):
            return leaf.device
    if _backend_for(torch.device("cpu"), group) == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _describe_mismatch(signatures: Sequence[Tuple[str, List[Any]]]) -> str:
    hint = (
        " Every rank must pass the same structure, with the same shapes and dtypes and "
        "None in the same places; if some ranks may not use a parameter, ask the tape "
        'for zeros (unconnected_gradients="zero").'
    )

    def show(leaf: Any) -> str:
        return "None" if leaf is None else leaf[0] if len(leaf) == 1 else f"a {leaf[1]}"

    first_skeleton, first_leaves = signatures[0]
    for rank, (skeleton, leaves) in enumerate(signatures[1:], start=1):
        if len(leaves) != len(first_leaves):
            return (
                "all_reduce_gradients: ranks disagree on the number of gradients: rank 0 "
                f"has {len(first_leaves)}, rank {rank} has {len(leaves)}." + hint
            )
        for index, (a, b) in enumerate(zip(first_leaves, leaves)):
            if a != b:
                return (
                    f"all_reduce_gradients: ranks disagree on gradient {index} of the "
                    f"flattened structure: rank 0 has {show(a)}, rank {rank} has {show(b)}."
                    + hint
                )
        if skeleton != first_skeleton:
            return (
                "all_reduce_gradients: ranks disagree on the structure of the gradients: "
                f"rank 0 has {first_skeleton}, rank {rank} has {skeleton}." + hint
            )
    return (
        "all_reduce_gradients: ranks disagree on the structure of the gradients." + hint
    )
