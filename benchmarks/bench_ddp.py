"""Time per data-parallel training step: tape + DDP, `.backward()` + DDP, tape +
`all_reduce_gradients`, on 2 ranks in one run (gloo on CPU, NCCL with 2 CUDA GPUs).

Every rank builds the same MLP (``--layers`` Linear layers, 2 parameter tensors each;
the defaults give 24 tensors and 10M parameters) three times, one per mode, and
trains each with SGD + momentum on its own shard of the batch:

* ``tape + DDP``: ``DistributedDataParallel`` model, ``tape.gradient(loss,
  model.parameters())``, the returned gradients handed to the optimizer;
* ``backward + DDP``: the same with ``loss.backward()``;
* ``tape + all_reduce_gradients``: plain model, tape gradients reduced after the
  backward pass (``check_structure=False``, as its docs advise in a hot loop).

The modes are interleaved: each round runs ``--steps`` steps of every mode, in an order
shuffled per round (the same on every rank); a step's time is the slowest rank's.
Medians over rounds, and each mode's ratio to ``backward + DDP``.

    python benchmarks/bench_ddp.py                # 2 ranks, defaults
    python benchmarks/bench_ddp.py --quick        # seconds: a small model
"""

from __future__ import annotations

import argparse
import os
import pathlib
import random
import socket
import statistics
import sys
import time
from datetime import timedelta
from typing import Any, Callable, Dict, List

_ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # run from a fresh clone without installing
    sys.path.insert(0, str(_ROOT))

import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
import torch.multiprocessing as mp  # noqa: E402

MODES = ("tape + DDP", "backward + DDP", "tape + all_reduce_gradients")
WORLD = 2


def parse_args(argv: Any = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=12, help="Linear layers")
    parser.add_argument("--width", type=int, default=950, help="hidden width")
    parser.add_argument("--batch", type=int, default=64, help="global batch size")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    parser.add_argument("--steps", type=int, default=5, help="timed steps per mode and round")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per rank")
    parser.add_argument("--quick", action="store_true", help="small model, 3 rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.layers, args.width, args.rounds, args.steps = 5, 64, 3, 2
    return args


def _model(args: argparse.Namespace, device: torch.device) -> torch.nn.Module:
    torch.manual_seed(0)
    layers: List[torch.nn.Module] = []
    for i in range(args.layers):
        last = i == args.layers - 1
        layers.append(torch.nn.Linear(args.width, 10 if last else args.width))
        if not last:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).to(device)


def _worker(rank: int, port: int, args: argparse.Namespace, out: Dict[str, Any]) -> None:
    from torch.nn.parallel import DistributedDataParallel as DDP

    from tftape_torch import GradientTape
    from tftape_torch.distribute import all_reduce_gradients

    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    torch.set_num_threads(args.threads)
    cuda = torch.cuda.device_count() >= WORLD
    device = torch.device("cuda", rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    dist.init_process_group(
        "nccl" if cuda else "gloo", rank=rank, world_size=WORLD, timeout=timedelta(minutes=5)
    )
    try:
        models = {
            MODES[0]: DDP(_model(args, device)),
            MODES[1]: DDP(_model(args, device)),
            MODES[2]: _model(args, device),
        }
        opts = {m: torch.optim.SGD(models[m].parameters(), lr=1e-3, momentum=0.9) for m in MODES}
        gen = torch.Generator().manual_seed(rank)
        local = args.batch // WORLD
        x = torch.randn(local, args.width, generator=gen).to(device)
        y = torch.randint(0, 10, (local,), generator=gen).to(device)
        loss_fn = torch.nn.functional.cross_entropy

        def tape_ddp() -> None:
            model, opt = models[MODES[0]], opts[MODES[0]]
            with GradientTape() as tape:
                loss = loss_fn(model(x), y)
            grads = tape.gradient(loss, model.parameters())
            for p, g in zip(model.parameters(), grads):
                p.grad = g
            opt.step()
            opt.zero_grad(set_to_none=True)

        def backward_ddp() -> None:
            model, opt = models[MODES[1]], opts[MODES[1]]
            loss_fn(model(x), y).backward()
            opt.step()
            opt.zero_grad(set_to_none=True)

        def tape_all_reduce() -> None:
            model, opt = models[MODES[2]], opts[MODES[2]]
            params = list(model.parameters())
            with GradientTape() as tape:
                loss = loss_fn(model(x), y)
            grads = all_reduce_gradients(tape.gradient(loss, params), check_structure=False)
            for p, g in zip(params, grads):
                p.grad = g
            opt.step()
            opt.zero_grad(set_to_none=True)

        steps: Dict[str, Callable[[], None]] = dict(
            zip(MODES, (tape_ddp, backward_ddp, tape_all_reduce))
        )

        def timed(fn: Callable[[], None]) -> float:
            if cuda:
                torch.cuda.synchronize()
            dist.barrier()
            start = time.perf_counter()
            for _ in range(args.steps):
                fn()
            if cuda:
                torch.cuda.synchronize()
            elapsed = torch.tensor([(time.perf_counter() - start) / args.steps], device=device)
            dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)  # the slowest rank sets the pace
            return float(elapsed.item())

        for fn in steps.values():  # warm-up (DDP rebuilds its buckets after step 1)
            fn()
            fn()
        times: Dict[str, List[float]] = {m: [] for m in MODES}
        order = list(MODES)
        shuffle = random.Random(0)
        for _ in range(args.rounds):
            shuffle.shuffle(order)  # the same order on every rank
            for mode in order:
                times[mode].append(timed(steps[mode]))
        params = [list(models[m].parameters()) for m in MODES]
        same = all(
            torch.allclose(a, b, rtol=1e-4, atol=1e-6) for a, b in zip(params[0], params[1])
        )
        if rank == 0:
            out["times"] = times
            out["tensors"] = len(params[1])
            out["parameters"] = sum(p.numel() for p in params[1])
            out["backend"] = dist.get_backend()
            out["tape_matches_backward"] = same
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: Any = None) -> Dict[str, Any]:
    args = parse_args(argv)
    with mp.Manager() as manager:
        out = manager.dict()
        mp.spawn(_worker, args=(_free_port(), args, out), nprocs=WORLD)
        result = dict(out)
    times = result["times"]
    base = statistics.median(times[MODES[1]])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{WORLD} ranks, {result['backend']}; MLP with {result['tensors']} parameter tensors, "
        f"{result['parameters'] / 1e6:.1f}M parameters; batch {args.batch}; "
        f"{args.rounds} rounds x {args.steps} steps; load average {load:.1f}"
    )
    print(f"  {'mode':<30} {'ms/step':>9} {'IQR':>7} {'vs backward + DDP':>18}")
    for mode in MODES:
        med = statistics.median(times[mode])
        q = statistics.quantiles(times[mode], n=4) if len(times[mode]) >= 4 else [med, med, med]
        print(f"  {mode:<30} {med * 1e3:9.1f} {(q[2] - q[0]) * 1e3:7.1f} {med / base:17.3f}x")
    print(f"tape + DDP trained exactly like backward + DDP: {result['tape_matches_backward']}")
    result["ratios"] = {m: statistics.median(times[m]) / base for m in MODES}
    return result


if __name__ == "__main__":
    main()
