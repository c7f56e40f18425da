"""Every private torch symbol the package uses works on the installed torch.

`tftape_torch._torch_internals` is the one module that touches torch's underscored
APIs; each test here exercises one of them, so a torch upgrade that breaks one fails
by name instead of somewhere deep in a gradient.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import torch
from torch.autograd.graph import get_gradient_edge
from torch.overrides import TorchFunctionMode

from tftape_torch import _torch_internals as ti


def test_installed_torch_is_a_verified_release() -> None:
    assert ti.VERIFIED_TORCH[0] <= ti.TORCH_VERSION <= ti.VERIFIED_TORCH[-1]


def test_sequence_numbers_count_nodes_per_thread() -> None:
    x = torch.ones(2, requires_grad=True)
    before = ti.next_sequence_nr()
    y = x * 2
    assert ti.node_sequence_nr(y.grad_fn) == before
    assert ti.next_sequence_nr() == before + 1
    accumulator = get_gradient_edge(x).node
    assert ti.node_sequence_nr(accumulator) == ti.LEAF_SEQUENCE_NR
    seen = []
    worker = threading.Thread(target=lambda: seen.append(ti.next_sequence_nr()))
    worker.start()
    worker.join()
    assert seen == [0]  # a fresh thread has a counter of its own


def test_engine_backward_matches_autograd_grad() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    (grad,) = ti.engine_backward([y], [x], [torch.ones(())], True, False, False)
    assert torch.equal(grad, torch.tensor([2.0, 4.0]))
    z = torch.ones(3, requires_grad=True)
    assert ti.engine_backward([y], [z], [torch.ones(())], True, False, False)[0] is None


def test_vmap_level_batches_a_backward_pass() -> None:
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    seeds = torch.eye(3)
    with ti.vmap_level(3) as level:
        (grad,) = torch.autograd.grad(y, x, ti.add_batch_dim(seeds, 0, level), retain_graph=True)
        rows = ti.remove_batch_dim(grad, level, 3, 0)
    assert torch.equal(rows, torch.diag(torch.tensor([2.0, 4.0, 6.0])))


def test_dual_tensors_carry_tangents() -> None:
    import torch.autograd.forward_ad as fwAD

    with fwAD.dual_level():
        level = 0
        dual = ti.make_dual(torch.tensor(3.0), torch.tensor(1.0), level)
        assert torch.equal(ti.tangent_of(dual * dual, level), torch.tensor(6.0))
        assert ti.tangent_of(torch.tensor(1.0), level) is None


def test_below_autograd_is_false_in_user_code() -> None:
    assert ti.below_autograd() is False


def test_finding_gradient_edge_sees_torchs_lookup() -> None:
    seen = []

    class Spy(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            if func is torch.Tensor.view_as:
                seen.append(ti.finding_gradient_edge(1))
            return func(*args, **(kwargs or {}))

    x = torch.ones(2, requires_grad=True)
    with Spy():
        get_gradient_edge(x)
        x.view_as(x)
    assert seen == [True, False]


def test_raw_descriptors_skip_subclass_properties() -> None:
    class Loud(torch.Tensor):
        @property
        def requires_grad(self) -> bool:  # type: ignore[override]
            raise AssertionError("property reached")

    x = torch.ones(2).as_subclass(Loud)
    assert ti.requires_grad_of(x) is False
    assert ti.grad_fn_of(x) is None
    assert ti.dtype_of(x) is torch.float32
    assert ti.is_leaf_of(x) and ti.output_nr_of(x) == 0
    ti.set_requires_grad(x, True)
    assert ti.requires_grad_of(x) is True
    plain = torch.zeros(2)
    ti.set_data(plain, torch.ones(3))
    assert plain.shape == (3,)
    base = torch.ones(4)
    assert ti.is_view(base[1:]) and not ti.is_view(base)
    assert torch.Tensor.grad.__get__ in ti.unwrapped_getters  # type: ignore[attr-defined]


def test_make_subclass_shares_storage_without_history() -> None:
    class Sub(torch.Tensor):
        pass

    value = torch.ones(2)
    made = ti.make_subclass(Sub, value, False)
    assert type(made) is Sub and made.data_ptr() == value.data_ptr()
    assert not made.requires_grad


def test_refcount_tells_a_fresh_object() -> None:
    def fresh() -> bool:
        out = torch.ones(1)
        return ti.refcount(out) == 2

    assert fresh()


def test_dispatch_switches() -> None:
    calls = []

    class Sub(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            calls.append(func)
            return super().__torch_function__(func, types, args, kwargs or {})

    x = torch.ones(1).as_subclass(Sub)
    with ti.DisableTorchFunctionSubclass():
        x + 1
    assert calls == []
    with ti.DisableTorchFunction():
        x + 1
    assert calls == []
    assert ti.torch_function_mode_enabled() is False
    with TorchFunctionMode():
        assert ti.torch_function_mode_enabled() is True


@pytest.mark.parametrize(
    "message, vmap",
    [
        ("vmap: We do not support batching operators that can output dynamic shape", True),
        ("Batching rule not implemented for aten::foo", True),
        ("Trying to backward through the graph a second time", False),
    ],
)
def test_error_texts(message: str, vmap: bool) -> None:
    error = RuntimeError(message)
    assert ti.is_vmap_error(error) is vmap
    assert ti.is_freed_graph_error(error) is (not vmap)


def test_freed_graph_error_text_is_torchs() -> None:
    x = torch.ones(1, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError) as caught:
        y.backward()
    assert ti.is_freed_graph_error(caught.value)
    assert not ti.is_modified_in_place_error(caught.value)


def test_modified_in_place_error_text_is_torchs() -> None:
    x = torch.ones(2, requires_grad=True)
    base = x * 1.0
    y = torch.sin(base)
    base.add_(1.0)
    with pytest.raises(RuntimeError) as caught:
        y.sum().backward()
    assert ti.is_modified_in_place_error(caught.value)
    assert not ti.is_freed_graph_error(caught.value)


def test_vmap_error_text_is_torchs() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2

    class NoBatch(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):  # type: ignore[no-untyped-def]
            return t.clone()

        @staticmethod
        def backward(ctx, g):  # type: ignore[no-untyped-def]
            return g * float(g.sum().item())

    z = NoBatch.apply(y)
    with pytest.raises(RuntimeError) as caught:
        with ti.vmap_level(2) as level:
            torch.autograd.grad(z, x, ti.add_batch_dim(torch.eye(2), 0, level))
    assert ti.is_vmap_error(caught.value)


def test_dispatch_mode_sees_forward_and_backward_ops() -> None:
    seen = []

    class Recorder(ti.TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            seen.append(func.__name__)
            return func(*args, **(kwargs or {}))

    x = torch.tensor(3.0, requires_grad=True)
    with Recorder():
        (grad,) = torch.autograd.grad(torch.sin(x), x)
    assert float(grad) == pytest.approx(float(torch.cos(torch.tensor(3.0))))
    assert "sin.default" in seen and "cos.default" in seen


def test_functorch_transforms_active_inside_a_vmap_level() -> None:
    assert not ti.functorch_transforms_active()
    with ti.vmap_level(2):
        assert ti.functorch_transforms_active()
    assert not ti.functorch_transforms_active()


def test_fsdp_param_groups_pair_sharded_and_unsharded_parameters() -> None:
    import torch.distributed as dist

    if not dist.is_available():
        pytest.skip("no torch.distributed")
    if dist.is_initialized():
        pytest.skip("another test left a default process group initialized")
    from torch.distributed.fsdp import fully_shard

    dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
    try:
        model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Linear(4, 1))
        fully_shard(model[0])
        fully_shard(model)
        assert ti.fsdp_states_exist()
        model(torch.ones(2, 3)).sum().backward()  # lazy init: one root context
        (pairs,) = ti.fsdp_param_groups()
        assert {id(sharded) for sharded, _ in pairs} == {id(p) for p in model.parameters()}
        for sharded, unsharded in pairs:
            assert unsharded is not None and unsharded.shape == sharded.shape
            assert sharded.grad is not None
        del model, pairs, sharded, unsharded
        import gc

        gc.collect()
        assert not ti.fsdp_states_exist()
    finally:
        dist.destroy_process_group()

def test_node_output_dims_reads_the_forward_output_shape() -> None:
    w = torch.randn(3, 3, requires_grad=True)
    x = torch.randn(3, 1)
    assert ti.node_output_dims((w @ x).grad_fn) == (3, 1)
    assert ti.node_output_dims((x.t() @ w.t()).grad_fn) == (1, 3)
    assert ti.node_output_dims(w.sum().grad_fn) == ()  # a scalar output
    assert ti.node_output_dims(object()) is None


def test_apply_function_runs_a_function_without_signature_binding() -> None:
    class Square(torch.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x: torch.Tensor) -> torch.Tensor:
            return x * x

        @staticmethod
        def setup_context(ctx: Any, inputs: Any, output: Any) -> None:
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx: Any, grad: torch.Tensor) -> torch.Tensor:
            (x,) = ctx.saved_tensors
            return 2 * x * grad

    x = torch.tensor([3.0], requires_grad=True)
    y = ti.apply_function(Square, x)
    assert type(y.grad_fn).__name__ == "SquareBackward"
    assert torch.autograd.grad(y.sum(), x)[0].tolist() == [6.0]
    # Under a functorch transform it defers to `apply`, which functorch needs.
    batched = torch.func.vmap(lambda v: ti.apply_function(Square, v))(torch.tensor([1.0, 2.0]))
    assert batched.tolist() == [1.0, 4.0]


class _Tagged(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, tag: str, x: torch.Tensor, k: float) -> torch.Tensor:
        return x * k

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> Any:
        return None, grad * 3.0, None


def test_call_node_runs_torchs_nodes_and_python_functions_outside_the_engine() -> None:
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = torch.tensor([3.0, 4.0], requires_grad=True)
    # torch's own node: one result per input edge.
    got = ti.call_node((x * y).grad_fn, [torch.ones(2)])
    assert [g.tolist() for g in got] == [[3.0, 4.0], [1.0, 2.0]]
    # Several outputs, one of them without a gradient.
    first, _ = torch.unbind(torch.stack([x, y]))
    assert ti.node_output_count(first.grad_fn) == 2
    (stacked,) = ti.call_node(first.grad_fn, [torch.ones(2), None])
    assert stacked.tolist() == [[1.0, 1.0], [0.0, 0.0]]
    # A Python Function: the results of its non-tensor arguments are dropped.
    got = ti.call_node(_Tagged.apply("tag", x, 2.0).grad_fn, [torch.ones(2)])
    assert len(got) == 1 and got[0].tolist() == [3.0, 3.0]
