"""`tftape_torch.distribute.all_reduce_gradients` on a real 2-rank gloo group.

One test run starts two worker processes (this file, run as a script) on loopback;
they exercise every multi-rank case in sequence and save what they saw, and the
tests below compare it with single-process gradients of the full batch computed
here. The in-process tests need no process group at all, or a one-rank group on an
in-memory store.
"""

from __future__ import annotations

import collections
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import torch
import torch.distributed as dist

from tftape_torch import GradientTape
from tftape_torch._tensor import EagerTensor
from tftape_torch.distribute import _plan_buckets, all_reduce_gradients

ROOT = Path(__file__).resolve().parents[1]
WORLD = 2
BATCH = 16
LAYERS = 5  # 5 Linear layers: 10 parameter tensors
Pair = collections.namedtuple("Pair", ["weight", "bias"])


# ---------------------------------------------------------------------------
# Shared by the workers and the single-process reference.


def _make_model() -> torch.nn.Module:
    torch.manual_seed(0)
    layers: List[torch.nn.Module] = []
    width = 6
    for i in range(LAYERS):
        layers.append(torch.nn.Linear(width, 8 if i < LAYERS - 1 else 1))
        width = 8
        if i < LAYERS - 1:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    model.unused = torch.nn.Parameter(torch.ones(3))  # never touched by the loss
    return model


def _data() -> Any:
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(BATCH, 6, generator=gen)
    y = torch.randn(BATCH, 1, generator=gen)
    return x, y


def _shard(rank: int) -> Any:
    x, y = _data()
    per = BATCH // WORLD
    return x[rank * per : (rank + 1) * per], y[rank * per : (rank + 1) * per]


def _loss(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (model(x) - y).pow(2).mean()


def _sources(model: torch.nn.Module) -> List[torch.nn.Parameter]:
    # The 10 Linear tensors, then `unused` (model.parameters() would list it first).
    named = dict(model.named_parameters())
    unused = named.pop("unused")
    return [*named.values(), unused]


def _sgd_step(
    model: torch.nn.Module, grads: List[Optional[torch.Tensor]]
) -> List[torch.Tensor]:
    params = _sources(model)
    opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
    for p, g in zip(params, grads):
        p.grad = g
    opt.step()
    return [p.detach().clone() for p in params]


def _count_all_reduces(fn: Any) -> int:
    """How many `all_reduce` collectives `fn()` issues, as the dispatcher sees them.

    (A dispatch mode rather than `torch.profiler`, whose threads can abort the
    interpreter at exit on torch 2.13.)
    """
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


# ---------------------------------------------------------------------------
# The worker: `python tests/test_distribute.py RANK PORT OUT`.


def _expect_value_error(fn: Any) -> Optional[str]:
    try:
        fn()
    except ValueError as e:
        return str(e)
    return None


def _worker(rank: int, port: int, out: str) -> None:
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo", rank=rank, world_size=WORLD, timeout=timedelta(seconds=30)
    )
    try:
        res: Dict[str, Any] = {}
        model = _make_model()
        x, y = _shard(rank)
        with GradientTape() as tape:
            loss = _loss(model, x, y)
        grads = tape.gradient(loss, _sources(model))
        local = [g.clone() if g is not None else None for g in grads]

        res["mean"] = all_reduce_gradients(grads)
        res["inputs_unchanged"] = all(
            a is b if a is None or b is None else torch.equal(a, b)
            for a, b in zip(grads, local)
        )
        res["sum"] = all_reduce_gradients(grads, op="SUM")
        res["per_tensor"] = all_reduce_gradients(grads, bucket_cap_mb=0)
        nested = all_reduce_gradients(
            {"first": Pair(grads[0], grads[1]), "rest": tuple(grads[2:])}
        )
        # Saved as plain types: the worker's `Pair` lives in its `__main__`.
        res["dict_types"] = (
            type(nested).__name__,
            type(nested["first"]) is Pair,
            type(nested["rest"]).__name__,
        )
        res["dict"] = {"first": list(nested["first"]), "rest": list(nested["rest"])}
        eager = all_reduce_gradients([grads[0].as_subclass(EagerTensor)])[0]
        res["eager_type"] = type(eager).__name__
        res["params_after"] = _sgd_step(model, res["mean"])

        dense = [g for g in grads if g is not None]
        res["count_bucketed"] = _count_all_reduces(lambda: all_reduce_gradients(grads))
        res["count_per_tensor"] = _count_all_reduces(
            lambda: all_reduce_gradients(grads, bucket_cap_mb=0)
        )
        res["count_unchecked"] = _count_all_reduces(
            lambda: all_reduce_gradients(grads, check_structure=False)
        )
        res["plan_default"] = len(_plan_buckets(dense, 25 * 1024 * 1024))

        # Ranks disagree: every rank must get the same ValueError, and no hang.
        mine = list(grads)
        if rank == 1:
            mine[3] = None
        res["err_none"] = _expect_value_error(lambda: all_reduce_gradients(mine))
        mine = list(grads)
        if rank == 1:
            mine[0] = mine[0].reshape(-1)
        res["err_shape"] = _expect_value_error(lambda: all_reduce_gradients(mine))
        mine = list(grads) if rank == 0 else list(grads[:-2])
        res["err_count"] = _expect_value_error(lambda: all_reduce_gradients(mine))
        res["err_container"] = _expect_value_error(
            lambda: all_reduce_gradients(list(grads) if rank == 0 else tuple(grads))
        )
        # The group is still usable after a reported mismatch.
        res["after_error"] = all_reduce_gradients(
            [torch.full((2,), float(rank))], op="sum"
        )[0]

        # Sparse COO gradient (e.g. nn.Embedding(sparse=True)): reduced natively by gloo.
        sparse = torch.sparse_coo_tensor(
            torch.tensor([[rank, 3]]), torch.tensor([1.0, 2.0 + rank]), (5,)
        )
        res["sparse"] = all_reduce_gradients({"emb": sparse, "other": None})
        torch.save(res, out)
        dist.barrier()  # both ranks are done with every collective
    except BaseException:
        dist.destroy_process_group()
        raise
    # Leave without tearing down gloo's worker threads: on a loaded machine their
    # destructors can race interpreter finalisation and abort ("terminate called
    # without an active exception", SIGABRT) after all the work is saved.
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
                            env=env,
                            stdout=log,
                            stderr=subprocess.STDOUT,
                        )
                    )
            deadline = time.monotonic() + 120
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


@pytest.fixture(scope="module")
def reference() -> Dict[str, Any]:
    """Single-process gradients of the full batch, and the parameters after one step."""
    model = _make_model()
    x, y = _data()
    with GradientTape() as tape:
        loss = _loss(model, x, y)
    grads = tape.gradient(loss, _sources(model))
    return {"grads": grads, "params_after": _sgd_step(model, grads)}


def _assert_close(got: Optional[torch.Tensor], want: Optional[torch.Tensor]) -> None:
    if want is None:
        assert got is None
        return
    assert got is not None
    assert got.dtype == want.dtype and got.shape == want.shape
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)


def test_mean_equals_full_batch_gradients(ranks: Any, reference: Any) -> None:
    assert len(reference["grads"]) == 11
    assert reference["grads"][-1] is None  # `unused`
    for res in ranks:
        assert isinstance(res["mean"], list) and len(res["mean"]) == 11
        for got, want in zip(res["mean"], reference["grads"]):
            _assert_close(got, want)
        assert res["inputs_unchanged"]


def test_sum_is_world_size_times_mean(ranks: Any, reference: Any) -> None:
    for res in ranks:
        for got, want in zip(res["sum"], reference["grads"]):
            _assert_close(got, None if want is None else want * WORLD)


def test_per_tensor_buckets_give_the_same_result(ranks: Any) -> None:
    for res in ranks:
        for a, b in zip(res["per_tensor"], res["mean"]):
            assert (a is None and b is None) or torch.equal(a, b)


def test_nested_structure_is_kept(ranks: Any, reference: Any) -> None:
    want = reference["grads"]
    for res in ranks:
        got = res["dict"]
        assert res["dict_types"] == ("dict", True, "tuple")
        _assert_close(got["first"][0], want[0])
        _assert_close(got["first"][1], want[1])
        for g, w in zip(got["rest"], want[2:]):
            _assert_close(g, w)


def test_eager_tensor_stays_eager(ranks: Any) -> None:
    assert all(res["eager_type"] == EagerTensor.__name__ for res in ranks)


def test_optimizer_step_leaves_identical_parameters(ranks: Any, reference: Any) -> None:
    first, second = ranks[0]["params_after"], ranks[1]["params_after"]
    assert len(first) == 11
    for a, b in zip(first, second):
        assert torch.equal(a, b)
    for a, want in zip(first, reference["params_after"]):
        _assert_close(a, want)


def test_collectives_are_bucketed(ranks: Any) -> None:
    for res in ranks:
        assert res["plan_default"] == 1
        # One all_reduce per bucket, plus one for the structure check.
        assert res["count_bucketed"] == 1 + 1
        assert res["count_unchecked"] == 1
        assert res["count_per_tensor"] == 10 + 1


def test_structure_mismatch_raises_value_error_on_every_rank(ranks: Any) -> None:
    for res in ranks:
        assert "gradient 3" in res["err_none"] and "None" in res["err_none"]
        assert "float32[8, 6]" in res["err_shape"] and "float32[48]" in res["err_shape"]
        assert "number of gradients" in res["err_count"]
        assert "rank 0 has 11, rank 1 has 9" in res["err_count"]
        assert "structure" in res["err_container"]
        torch.testing.assert_close(res["after_error"], torch.tensor([1.0, 1.0]))


def test_sparse_gradient(ranks: Any) -> None:
    want = torch.tensor([1.0, 1.0, 0.0, 5.0, 0.0]) / WORLD
    for res in ranks:
        assert res["sparse"]["other"] is None
        emb = res["sparse"]["emb"]
        assert emb.layout == torch.sparse_coo
        torch.testing.assert_close(emb.to_dense(), want)


def test_uninitialized_group_raises_runtime_error() -> None:
    if dist.is_initialized():
        pytest.skip("another test left a default process group initialized")
    with pytest.raises(RuntimeError, match=r"torch\.distributed\.init_process_group"):
        all_reduce_gradients([torch.ones(2)])


@pytest.mark.parametrize("op", ["max", "avg", None, 1])
def test_bad_op_raises_value_error(op: Any) -> None:
    with pytest.raises(ValueError, match="op must be one of"):
        all_reduce_gradients([torch.ones(2)], op=op)


def test_bad_bucket_cap_raises_value_error() -> None:
    with pytest.raises(ValueError, match="bucket_cap_mb"):
        all_reduce_gradients([torch.ones(2)], bucket_cap_mb=-1)


@pytest.fixture
def one_rank_group() -> Any:
    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        yield
    finally:
        dist.destroy_process_group()


def test_one_rank_group_returns_gradients_unchanged(one_rank_group: Any) -> None:
    g = torch.ones(2)
    out = all_reduce_gradients({"a": g, "b": None})
    assert out["a"] is g and out["b"] is None


def test_non_tensor_leaf_raises_type_error(one_rank_group: Any) -> None:
    with pytest.raises(TypeError, match="position 1"):
        all_reduce_gradients([torch.ones(2), 3.0])


def test_plan_buckets_by_size_dtype_and_device() -> None:
    f32 = [torch.zeros(256) for _ in range(10)]  # 1 KiB each
    assert _plan_buckets(f32, 25 * 1024 * 1024) == [list(range(10))]
    assert _plan_buckets(f32, 0) == [[i] for i in range(10)]
    assert _plan_buckets(f32, 3 * 1024) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    # A tensor above the cap gets a bucket of its own.
    assert _plan_buckets(
        [torch.zeros(10), torch.zeros(1000), torch.zeros(10)], 100
    ) == [
        [0],
        [1],
        [2],
    ]
    mixed = [torch.zeros(4), torch.zeros(4, dtype=torch.float64), torch.zeros(4)]
    assert _plan_buckets(mixed, 1 << 20) == [[0, 2], [1]]
    assert _plan_buckets([], 1 << 20) == []


def test_docstring_examples() -> None:
    # The example makes (and destroys) its own one-rank group.
    import doctest

    from tftape_torch import distribute

    if dist.is_initialized():
        pytest.skip("another test left a default process group initialized")
    results = doctest.testmod(distribute, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert results.attempted > 0 and results.failed == 0
    assert not dist.is_initialized()


if __name__ == "__main__":
    _worker(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
