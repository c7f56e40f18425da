"""Data-parallel training with a GradientTape, `all_reduce_gradients` and `torch.optim`.

Every rank builds the same model (same seed), takes its own shard of each global
batch, computes gradients with a tape, averages them across ranks with
`tftape_torch.distribute.all_reduce_gradients`, and applies them with an ordinary
torch optimizer, so the ranks' parameters stay identical. (Wrapping the model in
DDP instead would make `tape.gradient` return DDP's reduced gradients directly, with
the communication overlapped; see the README's data-parallel section.)

Run on 2 CPU processes (gloo):

    torchrun --nproc_per_node=2 examples/train_data_parallel.py

or on one GPU per rank (NCCL): the same command on a machine with CUDA GPUs. Run
as `python examples/train_data_parallel.py` it trains in a single process (a
one-rank group, so there is nothing to reduce).

After training it measures, in the same run, the time per step and the number of
`all_reduce` collectives per step with bucketed reduction (the default, 25 MiB
buckets) and with one collective per tensor (`bucket_cap_mb=0`).
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time
from typing import Any, Callable, Dict, List

import torch
import torch.distributed as dist

from tftape_torch import GradientTape
from tftape_torch.distribute import all_reduce_gradients

MODES: Dict[str, Dict[str, Any]] = {
    "bucketed (25 MiB)": {},
    "bucketed, no structure check": {"check_structure": False},
    "one collective per tensor": {"bucket_cap_mb": 0},
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=60, help="training steps")
    parser.add_argument(
        "--measure-steps", type=int, default=40, help="timed steps per mode"
    )
    parser.add_argument("--batch", type=int, default=256, help="global batch size")
    parser.add_argument(
        "--width", type=int, default=256, help="hidden width of the MLP"
    )
    parser.add_argument(
        "--layers", type=int, default=5, help="Linear layers (2 tensors each)"
    )
    parser.add_argument(
        "--cpu", action="store_true", help="stay on CPU even if CUDA is there"
    )
    return parser.parse_args()


def setup(args: argparse.Namespace) -> torch.device:
    """Joins the torchrun group, or makes a one-process group when run alone."""
    use_cuda = torch.cuda.is_available() and not args.cpu
    backend = "nccl" if use_cuda else "gloo"
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # launched by torchrun
        dist.init_process_group(backend)
    else:
        dist.init_process_group(backend, store=dist.HashStore(), rank=0, world_size=1)
    if use_cuda:
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        torch.cuda.set_device(device)
        return device
    return torch.device("cpu")


def make_model(args: argparse.Namespace, device: torch.device) -> torch.nn.Module:
    torch.manual_seed(0)  # the same initial parameters on every rank
    layers: List[torch.nn.Module] = []
    width_in = 32
    for i in range(args.layers):
        last = i == args.layers - 1
        layers.append(torch.nn.Linear(width_in, 10 if last else args.width))
        if not last:
            layers.append(torch.nn.ReLU())
        width_in = args.width
    return torch.nn.Sequential(*layers).to(device)


def global_batch(args: argparse.Namespace, step: int, device: torch.device) -> Any:
    """The step's global batch, the same on every rank: inputs and teacher labels."""
    gen = torch.Generator().manual_seed(1000 + step)
    x = torch.randn(args.batch, 32, generator=gen)
    teacher = torch.randn(32, 10, generator=torch.Generator().manual_seed(7))
    y = (x @ teacher).argmax(dim=1)
    return x.to(device), y.to(device)


def shard(batch: Any, rank: int, world: int) -> Any:
    return tuple(t[rank::world] for t in batch)


def train_step(
    model: torch.nn.Module,
    opt: torch.optim.Optimizer,
    batch: Any,
    reduce_kwargs: Dict[str, Any],
) -> torch.Tensor:
    x, y = batch
    params = list(model.parameters())
    with GradientTape() as tape:
        loss = torch.nn.functional.cross_entropy(model(x), y)
    grads = tape.gradient(loss, params)
    grads = all_reduce_gradients(grads, **reduce_kwargs)
    for p, g in zip(params, grads):
        p.grad = g
    opt.step()
    return loss.detach()


def count_all_reduces(fn: Callable[[], Any]) -> int:
    """The number of `all_reduce` collectives `fn()` issues (measurement only)."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class Count(TorchDispatchMode):
        calls = 0

        def __torch_dispatch__(
            self, func: Any, types: Any, args: Any = (), kwargs: Any = None
        ) -> Any:
            if func is torch.ops.c10d.allreduce_.default:
                Count.calls += 1
            return func(*args, **(kwargs or {}))

    with Count():
        fn()
    return Count.calls


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    dist.barrier()


def main(args: argparse.Namespace) -> None:
    device = setup(args)
    rank, world = dist.get_rank(), dist.get_world_size()
    model = make_model(args, device)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    n_tensors = len(list(model.parameters()))
    n_params = sum(p.numel() for p in model.parameters())
    if rank == 0:
        print(
            f"world size {world}, backend {dist.get_backend()}, device {device.type}; "
            f"MLP with {n_tensors} parameter tensors ({n_params} parameters, "
            f"{n_params * 4 / 2**20:.2f} MiB of float32 gradients)"
        )

    step = 0
    for step in range(args.steps):
        loss = train_step(
            model, opt, shard(global_batch(args, step, device), rank, world), {}
        )
        if step % 10 == 0 or step == args.steps - 1:
            dist.all_reduce(loss)  # for printing only: the mean loss over ranks
            if rank == 0:
                print(f"step {step:3d}  loss {loss.item() / world:.4f}")

    # Measurement: the same training loop in each reduction mode in turn, several
    # rounds; and all_reduce_gradients alone on one step's gradients.
    params = list(model.parameters())
    x, y = shard(global_batch(args, step, device), rank, world)
    with GradientTape() as tape:
        loss = torch.nn.functional.cross_entropy(model(x), y)
    sample_grads = tape.gradient(loss, params)
    step_times: Dict[str, List[float]] = {mode: [] for mode in MODES}
    reduce_times: Dict[str, List[float]] = {mode: [] for mode in MODES}
    counts: Dict[str, int] = {}
    rounds, per_round = 4, max(1, args.measure_steps // 4)
    for mode, kwargs in MODES.items():
        counts[mode] = count_all_reduces(
            functools.partial(all_reduce_gradients, sample_grads, **kwargs)
        )

    def train_on(batches: List[Any], kwargs: Dict[str, Any], i: int) -> None:
        train_step(model, opt, batches[i + 1], kwargs)

    def reduce_only(kwargs: Dict[str, Any], i: int) -> None:
        all_reduce_gradients(sample_grads, **kwargs)

    def timed(fn: Callable[[int], Any]) -> float:
        fn(-1)  # warm-up
        synchronize(device)
        start = time.perf_counter()
        for i in range(per_round):
            fn(i)
        synchronize(device)
        elapsed = torch.tensor(
            [(time.perf_counter() - start) / per_round], device=device
        )
        dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)  # the slowest rank sets the pace
        return elapsed.item()

    for _ in range(rounds):
        for mode, kwargs in MODES.items():
            batches = [
                shard(global_batch(args, step + i, device), rank, world)
                for i in range(per_round + 1)
            ]
            step_times[mode].append(timed(functools.partial(train_on, batches, kwargs)))
            step += per_round + 1
            reduce_times[mode].append(timed(functools.partial(reduce_only, kwargs)))

    # The ranks trained in lock step: their parameters must be identical.
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    rank0 = flat.clone()
    dist.broadcast(rank0, src=0)
    same = torch.tensor([int(torch.equal(flat, rank0))], device=device)
    dist.all_reduce(same, op=dist.ReduceOp.MIN)
    identical = bool(same.item())
    if rank == 0:
        print(f"parameters identical on all ranks: {identical}")
        if world == 1:
            print(
                "(one process: nothing to reduce; launch with "
                "`torchrun --nproc_per_node=2` to train on 2 ranks)"
            )
        print(
            f"per training step, {n_tensors} gradient tensors "
            f"(median of {rounds} rounds of {per_round} steps, slowest rank):"
        )
        print(
            f"  {'mode':<30} {'all_reduce calls':>16} {'ms/step':>9}"
            f" {'ms in all_reduce_gradients':>27}"
        )
        for mode in MODES:
            step_ms = statistics.median(step_times[mode]) * 1e3
            reduce_ms = statistics.median(reduce_times[mode]) * 1e3
            print(f"  {mode:<30} {counts[mode]:16d} {step_ms:9.2f} {reduce_ms:27.2f}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main(parse_args())
