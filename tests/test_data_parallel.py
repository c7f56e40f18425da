"""Tape gradients of DDP and FSDP2 models on a real 2-rank gloo group.

One test run starts two worker processes (this file, run as a script) on loopback.
Each scenario trains two copies of the same model side by side on the same data, one
with `tape.gradient` and one with `.backward()`, and saves both gradients of every
step; the tests compare them, and the ranks' parameters, after the run. The refused
cases save the error messages.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest
import torch
import torch.distributed as dist

WORLD = 2
STEPS = 3


def _mlp(frozen: bool = False) -> torch.nn.Module:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.Tanh(),
        torch.nn.Linear(8, 1),
    )
    if frozen:
        model[0].requires_grad_(False)
    return model


class _Branchy(torch.nn.Module):
    """An MLP, optionally with a parameter no loss uses and a branch only rank 0 uses."""

    def __init__(self, frozen: bool = False, unused: bool = False, branch: bool = False):
        super().__init__()
        self.net = _mlp(frozen)
        if unused:
            self.unused = torch.nn.Parameter(torch.ones(3))
        if branch:
            self.branch = torch.nn.Linear(6, 1)

    def forward(self, x: torch.Tensor, use_branch: bool) -> torch.Tensor:
        out = self.net(x)
        if hasattr(self, "branch") and use_branch:
            out = out + self.branch(x)
        return out


class _RunsEveryModule(_Branchy):
    """`_Branchy` for FSDP2: every rank runs the branch and drops its output.

    What FSDP2 itself (torch 2.13, `.backward()` too) cannot do: a sharded module that
    runs on some ranks only (its forward all-gather is a collective: the group breaks),
    or one whose output reaches the loss on some ranks only (a rank with no gradient
    in a parameter group skips that group's reduce-scatter: the others hang). What it
    can do: a parameter, or a whole sharded module, that reaches the loss on no rank.
    """

    def forward(self, x: torch.Tensor, use_branch: bool) -> torch.Tensor:
        out = self.net(x)
        if hasattr(self, "branch"):
            self.branch(x)  # runs (all-gathers), never reaches the loss
        return out


def _batch(step: int, rank: int) -> Any:
    gen = torch.Generator().manual_seed(100 * step + rank)
    return torch.randn(8, 6, generator=gen), torch.randn(8, 1, generator=gen)


def _loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (out - y).pow(2).mean()


def _clone(grads: Any) -> List[Optional[torch.Tensor]]:
    out = []
    for g in grads:
        if g is not None and hasattr(g, "to_local"):
            g = g.to_local()
        out.append(None if g is None else g.detach().clone())
    return out


def _flat_params(model: torch.nn.Module) -> torch.Tensor:
    parts = []
    for p in model.parameters():
        p = p.full_tensor() if hasattr(p, "full_tensor") else p
        parts.append(p.detach().reshape(-1))
    return torch.cat(parts)


def _ddp_pair(rank: int, **kwargs: Any) -> Dict[str, Any]:
    """Trains a tape model and a `.backward()` model side by side under DDP."""
    from torch.nn.parallel import DistributedDataParallel as DDP

    from tftape_torch import GradientTape

    find_unused = kwargs.pop("find_unused_parameters", False)
    accumulate = kwargs.pop("accumulate", 1)
    bucket_view = kwargs.pop("gradient_as_bucket_view", False)
    subset = kwargs.pop("subset", False)
    models = [
        DDP(_Branchy(**kwargs), find_unused_parameters=find_unused,
            gradient_as_bucket_view=bucket_view)
        for _ in range(2)
    ]
    opts = [torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9) for m in models]
    tape_model, ref_model = models
    pairs = []
    returned = []
    for step in range(STEPS):
        grads: Any = None
        for micro in range(accumulate):
            x, y = _batch(step * accumulate + micro, rank)
            use_branch = rank == 0
            last = micro == accumulate - 1
            ctx = contextlib.nullcontext() if last else ref_model.no_sync()
            with ctx:
                _loss(ref_model(x, use_branch), y).backward()
            ctx = contextlib.nullcontext() if last else tape_model.no_sync()
            with ctx:
                with GradientTape() as tape:
                    loss = _loss(tape_model(x, use_branch), y)
                sources = list(tape_model.parameters())
                grads = tape.gradient(loss, sources[-2:] if subset else sources)
        assert all(p.grad is None for p in tape_model.parameters())  # `.grad` untouched
        ref = [p.grad for p in ref_model.parameters()]
        if subset:
            ref = ref[-2:]
        pairs.append((_clone(grads), _clone(ref)))
        returned.append((grads, _clone(grads)))
        params = list(tape_model.parameters())
        for p, g in zip(params[-2:] if subset else params, grads):
            p.grad = g
        if subset:  # both models train the last layer only
            for p in list(ref_model.parameters())[:-2]:
                p.grad = None
        for opt in opts:
            opt.step()
            opt.zero_grad(set_to_none=True)
    return {
        "pairs": pairs,
        "params": [_flat_params(m) for m in models],
        # gradients returned earlier were not rewritten by later steps
        "stable": all(
            (a is None and b is None) or torch.equal(a.detach(), b)
            for grads, kept in returned for a, b in zip(grads, kept)
        ),
    }


def _ddp_sources(rank: int) -> Dict[str, Any]:
    """Inputs and activations ride along unreduced; parameters come back reduced."""
    from torch.nn.parallel import DistributedDataParallel as DDP

    from tftape_torch import GradientTape

    model = DDP(_mlp())
    ref = _mlp()
    x, y = _batch(7, rank)
    with GradientTape() as tape:
        tape.watch(x)
        hidden = model.module[0](x)
        loss = _loss(model.module[1:](hidden), y)
    # Not through DDP's forward: nothing is prepared, gradients stay local as with
    # `.backward()`.
    local = tape.gradient(loss, [x, hidden, *model.parameters()])
    with GradientTape() as tape:
        tape.watch(x)
        loss = _loss(model(x), y)
    xs = x.detach().clone().requires_grad_(True)
    want_x = torch.autograd.grad(_loss(ref(xs), y), xs)[0]
    grads = tape.gradient(loss, {"x": x, "params": list(model.parameters())})
    return {
        "x": (_clone([grads["x"]])[0], want_x),
        "x_grad_untouched": x.grad is None,
        "local_params": _clone(local[2:]),
        "local_hidden_shape": tuple(local[1].shape),
        "reduced_params": _clone(grads["params"]),
    }


def _expect_error(fn: Callable[[], Any]) -> Optional[str]:
    try:
        fn()
    except RuntimeError as e:
        return str(e)
    return None


def _ddp_refused(rank: int) -> Dict[str, Any]:
    from torch.nn.parallel import DistributedDataParallel as DDP

    from tftape_torch import GradientTape

    res: Dict[str, Any] = {}
    x, y = _batch(0, rank)
    model = DDP(_mlp())
    with GradientTape(persistent=True) as tape:
        loss = _loss(model(x), y)
    first = tape.gradient(loss, model.parameters())
    res["persistent_first"] = all(g is not None for g in first)
    res["persistent_twice"] = _expect_error(lambda: tape.gradient(loss, model.parameters()))
    # The next step is fine.
    with GradientTape() as tape:
        loss = _loss(model(x), y)
    res["after_refusal"] = all(g is not None for g in tape.gradient(loss, model.parameters()))

    def nested() -> Any:
        with GradientTape():  # an outer tape records: create_graph
            with GradientTape() as inner:
                loss = _loss(model(x), y)
            return inner.gradient(loss, model.parameters())

    res["nested"] = _expect_error(nested)
    model = DDP(_mlp())  # the refused pass left the last one's reducer waiting

    def jacobian() -> Any:
        with GradientTape() as tape:
            out = model(x)
        return tape.jacobian(out, list(model.parameters()))

    res["jacobian"] = _expect_error(jacobian)
    return res


def _fsdp_model(frozen: str = "", unused: bool = False) -> torch.nn.Module:
    """An FSDP2 model: each Linear of the MLP sharded on its own, then the root.

    `frozen`: "module" freezes the first Linear (a group with no trainable parameter),
    "mixed" the second Linear's bias (a group with both). `unused`: a parameter no loss
    uses (in the root's group) and a sharded branch that runs but reaches no loss.
    """
    from torch.distributed.fsdp import fully_shard

    model = _RunsEveryModule(frozen=frozen == "module", unused=unused, branch=unused)
    if frozen == "mixed":
        model.net[2].bias.requires_grad_(False)
    fully_shard(model.net[0])
    fully_shard(model.net[2])
    if unused:
        fully_shard(model.branch)
    fully_shard(model)
    return model


def _fsdp_pair(rank: int, accumulate: int = 1, **kwargs: Any) -> Dict[str, Any]:
    from tftape_torch import GradientTape

    models = [_fsdp_model(**kwargs) for _ in range(2)]
    tape_model, ref_model = models
    opts = [
        torch.optim.Adam([p for p in m.parameters() if p.requires_grad], lr=0.01)
        for m in models
    ]
    pairs, no_sync = [], []
    for step in range(STEPS):
        grads: Any = None
        for micro in range(accumulate):
            last = micro == accumulate - 1
            for m in models:
                m.set_requires_gradient_sync(last)
            x, y = _batch(step * accumulate + micro, rank)
            use_branch = rank == 0
            _loss(ref_model(x, use_branch), y).backward()
            with GradientTape() as tape:
                loss = _loss(tape_model(x, use_branch), y)
            grads = tape.gradient(loss, tape_model.parameters())
            if not last:
                no_sync.append(all(g is None for g in grads))
        assert all(p.grad is None for p in tape_model.parameters())
        pairs.append((_clone(grads), _clone(p.grad for p in ref_model.parameters())))
        res_types = {type(g).__name__ for g in grads if g is not None}
        for p, g in zip(tape_model.parameters(), grads):
            p.grad = g
        for opt in opts:
            opt.step()
            opt.zero_grad(set_to_none=True)
    return {
        "pairs": pairs,
        "types": sorted(res_types),
        "params": [_flat_params(m) for m in models],
        "no_sync_none": no_sync,
    }


def _worker(rank: int, port: int, out: str) -> None:
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=WORLD, timeout=timedelta(seconds=60))
    try:
        res = {
            "ddp": _ddp_pair(rank),
            "ddp_accumulate": _ddp_pair(rank, accumulate=3),
            "ddp_frozen": _ddp_pair(rank, frozen=True),
            "ddp_unused": _ddp_pair(rank, unused=True, branch=True, find_unused_parameters=True),
            "ddp_bucket_view": _ddp_pair(rank, gradient_as_bucket_view=True, accumulate=2),
            "ddp_subset": _ddp_pair(rank, subset=True),
            "ddp_sources": _ddp_sources(rank),
            "ddp_refused": _ddp_refused(rank),
            "fsdp": _fsdp_pair(rank),
            "fsdp_accumulate": _fsdp_pair(rank, accumulate=2),
            "fsdp_frozen": _fsdp_pair(rank, frozen="module"),
            "fsdp_frozen_mixed": _fsdp_pair(rank, frozen="mixed", accumulate=2),
            "fsdp_unused": _fsdp_pair(rank, unused=True),
        }
        torch.save(res, out)
        dist.barrier()  # both ranks are done with every collective
    except BaseException:
        dist.destroy_process_group()
        raise
    # As in test_distribute.py: skip gloo's thread teardown, which can abort
    # (SIGABRT) during interpreter finalisation on a loaded machine.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


# ---------------------------------------------------------------------------
# Tests.


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def ranks() -> List[Dict[str, Any]]:
    """Runs the two workers once and returns what each rank saved."""
    env = dict(os.environ)  # the workers import the installed package only
    env.pop("RANK", None)
    env.pop("WORLD_SIZE", None)
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        outs = [os.path.join(tmp, f"rank{r}.pt") for r in range(WORLD)]
        logs = [os.path.join(tmp, f"rank{r}.log") for r in range(WORLD)]
        procs = []
        try:
            for r in range(WORLD):
                with open(logs[r], "wb") as log:
                    procs.append(
                        subprocess.Popen(
                            [sys.executable, __file__, str(r), str(port), outs[r]],
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                        )
                    )
            deadline = time.monotonic() + 180
            for p in procs:
                p.wait(timeout=max(1.0, deadline - time.monotonic()))
        finally:
            for p in procs:  # only on failure or timeout: never leave a worker behind
                if p.poll() is None:
                    p.kill()
                    p.wait()
        for r, p in enumerate(procs):
            assert p.returncode == 0, f"rank {r} failed:\n{Path(logs[r]).read_text()}"
        return [torch.load(o, weights_only=False) for o in outs]


def _assert_pairs_equal(pairs: Any, expect_none: int = 0) -> None:
    nones = 0
    assert len(pairs) == STEPS
    for tape_grads, ref_grads in pairs:
        assert len(tape_grads) == len(ref_grads)
        for got, want in zip(tape_grads, ref_grads):
            if want is None:
                assert got is None
                nones += 1
            else:
                torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
    assert nones == expect_none * STEPS


def _assert_trained_alike(ranks: Any, key: str) -> None:
    tape0, ref0 = ranks[0][key]["params"]
    tape1, ref1 = ranks[1][key]["params"]
    assert torch.equal(tape0, tape1)  # identical across ranks
    torch.testing.assert_close(tape0, ref0, rtol=1e-5, atol=1e-6)  # as .backward() trains
    torch.testing.assert_close(tape1, ref1, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "key, nones",
    [("ddp", 0), ("ddp_accumulate", 0), ("ddp_frozen", 2), ("ddp_unused", 1),
     ("ddp_bucket_view", 0), ("ddp_subset", 0)],
)
def test_ddp_tape_gradients_equal_backward(ranks: Any, key: str, nones: int) -> None:
    for res in ranks:
        _assert_pairs_equal(res[key]["pairs"], expect_none=nones)
    _assert_trained_alike(ranks, key)


def test_ddp_gradients_are_reduced(ranks: Any) -> None:
    # Different data on each rank, the same (reduced) gradients on both.
    for a, b in zip(ranks[0]["ddp"]["pairs"][0][0], ranks[1]["ddp"]["pairs"][0][0]):
        assert torch.equal(a, b)


def test_locally_unused_branch_is_reduced(ranks: Any) -> None:
    # `branch` runs on rank 0 only: rank 1 still gets the reduced gradient, as with
    # `.backward()` (checked by the parametrized test); here: it is not None.
    for res in ranks:
        tape_grads, _ = res["ddp_unused"]["pairs"][0]
        assert tape_grads[-1] is not None and tape_grads[-2] is not None


def test_returned_gradients_are_not_rewritten_by_later_steps(ranks: Any) -> None:
    for res in ranks:
        assert res["ddp_bucket_view"]["stable"]
        assert res["ddp"]["stable"]


def test_non_parameter_sources_are_not_reduced(ranks: Any) -> None:
    for res in ranks:
        got, want = res["ddp_sources"]["x"]
        torch.testing.assert_close(got, want)  # this rank's own input gradient
        assert res["ddp_sources"]["x_grad_untouched"]
        assert res["ddp_sources"]["local_hidden_shape"] == (8, 8)
    # Bypassing DDP's forward (model.module) gives local gradients, as .backward() does.
    local0, local1 = (r["ddp_sources"]["local_params"] for r in ranks)
    assert not torch.equal(local0[0], local1[0])
    red0, red1 = (r["ddp_sources"]["reduced_params"] for r in ranks)
    for a, b in zip(red0, red1):
        assert torch.equal(a, b)


def test_refused_cases_name_all_reduce_gradients(ranks: Any) -> None:
    for res in ranks:
        refused = res["ddp_refused"]
        assert refused["persistent_first"] and refused["after_refusal"]
        for case in ("persistent_twice", "nested", "jacobian"):
            assert refused[case] is not None, case
            assert "all_reduce_gradients" in refused[case], case
        assert "already reduced" in refused["persistent_twice"]
        assert "create_graph" in refused["nested"]


@pytest.mark.parametrize(
    "key, nones",
    [("fsdp", 0), ("fsdp_accumulate", 0), ("fsdp_frozen", 2), ("fsdp_frozen_mixed", 1),
     ("fsdp_unused", 3)],
)
def test_fsdp_tape_gradients_equal_backward(ranks: Any, key: str, nones: int) -> None:
    for res in ranks:
        assert res[key]["types"] == ["DTensor"]
        _assert_pairs_equal(res[key]["pairs"], expect_none=nones)
    _assert_trained_alike(ranks, key)


def test_fsdp_no_sync_steps_return_none(ranks: Any) -> None:
    for res in ranks:
        assert res["fsdp_accumulate"]["no_sync_none"] == [True] * STEPS


def test_without_a_process_group_nothing_changes() -> None:
    from tftape_torch import GradientTape

    model = _mlp()
    x, y = _batch(0, 0)
    with GradientTape() as tape:
        loss = _loss(model(x), y)
    grads = tape.gradient(loss, model.parameters())
    assert all(g is not None for g in grads) and all(p.grad is None for p in model.parameters())


if __name__ == "__main__":
    _worker(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
