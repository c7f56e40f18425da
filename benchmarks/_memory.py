"""Memory: peak and retained memory per workload, activation memory released by a
non-persistent ``gradient()``, and no growth over many tape iterations.

On the CPU torch has no allocator statistics, so three readings are combined:

* bytes held by the autograd graph, exactly: a ``saved_tensors_hooks`` pack hook
  keeps a weak reference to every tensor the graph saves; live ones are counted
  (each storage once);
* bytes allocated through glibc malloc (``mallinfo2``: in use, not cached), which
  is where torch's CPU tensors live;
* RSS and its peak (``VmHWM``, reset through ``/proc/self/clear_refs``).

On CUDA, ``torch.cuda.memory_allocated`` / ``max_memory_allocated`` are exact.
"""

from __future__ import annotations

import argparse
import gc
import weakref
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import torch

from benchmarks import _machine, _workloads
from tftape_torch import GradientTape

__all__ = ["run", "SavedTensorMeter"]

MiB = 2**20


def _mib(value: Optional[int]) -> str:
    return "n/a" if value is None else f"{value / MiB:,.1f}"


def _size(value: Optional[int]) -> str:
    """Bytes in KiB below 1 MiB, MiB above."""
    if value is None:
        return "n/a"
    if abs(value) < MiB:
        return f"{value / 1024:,.0f} KiB"
    return f"{value / MiB:,.1f} MiB"


class SavedTensorMeter:
    """Counts the tensors (and bytes) the autograd graph currently keeps saved."""

    def __init__(self, sample: Optional[Callable[[], Optional[int]]] = None) -> None:
        self._refs: List[weakref.ref[torch.Tensor]] = []
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)
        self._sample = sample
        self.peak: Optional[int] = None  # highest `sample()` seen at a pack

    def _pack(self, tensor: torch.Tensor) -> torch.Tensor:
        # A detached alias: same storage, and no reference cycle through grad_fn.
        with torch._C.DisableTorchFunctionSubclass():
            packed = torch.Tensor.detach(tensor)
        self._refs.append(weakref.ref(packed))
        if self._sample is not None:
            value = self._sample()
            if value is not None and (self.peak is None or value > self.peak):
                self.peak = value
        return packed

    @staticmethod
    def _unpack(packed: torch.Tensor) -> torch.Tensor:
        return packed

    def __enter__(self) -> SavedTensorMeter:
        self._hooks.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._hooks.__exit__(*exc)

    def live(self) -> Tuple[int, int]:
        """(number of saved tensors alive, bytes of their distinct storages)."""
        alive = [t for t in (ref() for ref in self._refs) if t is not None]
        storages: Dict[int, int] = {}
        for tensor in alive:
            storage = tensor.untyped_storage()
            storages[storage.data_ptr()] = storage.nbytes()
        return len(alive), sum(storages.values())


class _Probe:
    """Memory readings in one place: malloc / RSS on CPU, the allocator on CUDA."""

    def __init__(self, device: str) -> None:
        self.cuda = device != "cpu"

    def settle(self) -> None:
        gc.collect()
        if self.cuda:
            torch.cuda.synchronize()

    def current(self) -> Optional[int]:
        self.settle()
        if self.cuda:
            return torch.cuda.memory_allocated()
        return _machine.malloc_in_use()

    def reset_peak(self) -> None:
        self.settle()
        if self.cuda:
            torch.cuda.reset_peak_memory_stats()
        else:
            _machine.reset_peak_rss()
        self._rss0 = _machine.rss_bytes()

    def peak_over_start(self) -> Optional[int]:
        """Peak minus the reading at `reset_peak`."""
        if self.cuda:
            torch.cuda.synchronize()
            return torch.cuda.max_memory_allocated() - self._start_cuda
        peak = _machine.peak_rss_bytes()
        return None if peak is None else peak - self._rss0

    def start(self) -> None:
        self.reset_peak()
        self._start_cuda = torch.cuda.memory_allocated() if self.cuda else 0


# ---------------------------------------------------------------------- per workload


def per_workload(ctx: _workloads.Context, workloads: List[_workloads.Workload]) -> None:
    probe = _Probe(ctx.device)
    if probe.cuda:
        how = ("peak = torch.cuda.max_memory_allocated over the call; retained = "
               "memory_allocated after the call and its result are gone")
    else:
        how = ("peak = most malloc'd bytes seen while the forward pass saves activations "
               "or at the end of the call; retained = malloc in use after the call and its "
               "result are gone; both over the reading before the call")
    print(f"-- peak and retained memory per call ({how})")
    header = ["workload", "variant", "peak", "retained", "graph saved after the call"]
    lines = []
    for workload in workloads:
        variants = workload.variants(ctx)
        raw = [name for name in variants if name.startswith("torch:")][:1]
        names = [n for n in ("tf-style", "core") if n in variants] + raw
        if "TF" in variants and not probe.cuda:
            names.append("TF")
        for name in names:
            fn = variants[name]
            for _ in range(3):  # warm caches, lazy initialisation, allocator pools
                fn()
            before = probe.current()
            probe.start()
            sample = None if probe.cuda else _machine.malloc_in_use
            with SavedTensorMeter(sample) as meter:
                result = fn()
                saved = meter.live()
            if probe.cuda:
                peak = probe.peak_over_start()
            else:
                end = _machine.malloc_in_use()
                highest = max(v for v in (meter.peak, end) if v is not None) if end else None
                peak = None if highest is None or before is None else highest - before
                if name == "TF":
                    peak = None  # TF's forward saves no torch tensors: no samples
            del result
            after = probe.current()
            retained = None if before is None or after is None else after - before
            lines.append([workload.name, name, _size(peak), _size(retained),
                          "n/a" if name == "TF" else f"{saved[0]} tensors, {_size(saved[1])}"])
        del variants
    _grid(header, lines)
    print("   graph saved = tensors still saved by the autograd graph when the call "
          "returns (0 = all activation memory given back)")


# ---------------------------------------------------------------------- release at gradient()


def _activations(ctx: _workloads.Context, n: int) -> List[Tuple[str, Callable[[], Any]]]:
    """Scenarios: forward with 8 saved activations of n floats, then a gradient.

    Each returns a generator that yields after the forward pass (loss alive) and
    after `gradient()` (loss still alive), so memory can be read at both points.
    """
    array = np.random.default_rng(7).standard_normal(n).astype(np.float32)
    depth = 8

    def core(persistent: bool) -> Callable[[], Any]:
        def scenario() -> Any:
            x = ctx.torch_tensor(array)
            with GradientTape(persistent=persistent) as tape:
                tape.watch(x)
                h = x
                for _ in range(depth):
                    h = torch.sin(h)
                loss = torch.sum(h)
                del h
            yield
            grad = tape.gradient(loss, x)
            del grad
            yield
            del tape
            yield
        return scenario

    def raw() -> Any:
        x = ctx.torch_tensor(array, requires_grad=True)
        h = x
        for _ in range(depth):
            h = torch.sin(h)
        loss = torch.sum(h)
        del h
        yield
        grad = torch.autograd.grad(loss, x)[0]
        del grad
        yield
        yield

    def style(tf: Any, persistent: bool) -> Callable[[], Any]:
        def scenario() -> Any:
            x = ctx.tf_constant(tf, array)
            with tf.GradientTape(persistent=persistent) as tape:
                tape.watch(x)
                h = x
                for _ in range(depth):
                    h = tf.sin(h)
                loss = tf.reduce_sum(h)
                del h
            yield
            grad = tape.gradient(loss, x)
            del grad
            yield
            del tape
            yield
        return scenario

    out = [("core, non-persistent", core(False)), ("core, persistent", core(True)),
           ("raw torch autograd.grad", raw)]
    if ctx.dropin is not None:
        out.insert(1, ("tf-style, non-persistent", style(ctx.dropin, False)))
    if ctx.tf is not None and ctx.device == "cpu":
        out.append(("TF eager, non-persistent", style(ctx.tf, False)))
        out.append(("TF eager, persistent", style(ctx.tf, True)))
    return out


def release_at_gradient(ctx: _workloads.Context) -> bool:
    n = ctx.scale(4_000_000, 100_000)
    probe = _Probe(ctx.device)
    what = "CUDA allocated" if probe.cuda else "malloc in use"
    print(f"-- activation memory at gradient(): sin applied 8 times to {n:,} floats "
          f"({n * 4 / MiB:.1f} MiB each), `loss` kept alive throughout")
    header = ["scenario", f"{what}: fwd / grad() / del tape", "RSS: fwd / grad() / del tape",
              "graph saved: fwd -> grad()", "released at gradient()"]
    lines = []
    ok = True
    for label, scenario in _activations(ctx, n):
        base, rss0 = probe.current(), _machine.rss_bytes()
        readings = []
        with SavedTensorMeter() as meter:
            steps = scenario()
            saved = []
            for _ in range(3):
                next(steps)
                readings.append((probe.current(), _machine.rss_bytes()))
                saved.append(meter.live())
        steps.close()
        alloc = [None if v is None or base is None else v - base for v, _ in readings]
        rss = [r - rss0 for _, r in readings]
        # TF's own allocator is not glibc's: judge it by RSS.
        judged: List[Optional[int]] = list(rss) if "TF" in label else alloc
        first, second = judged[0], judged[1]
        released = first is not None and second is not None and 0 < first and second < first / 4
        visible = first is not None and first > n * 4  # saw more than the input itself
        if "non-persistent" in label and "TF" not in label:
            ok = ok and released and saved[1][0] == 0
        lines.append([label, " / ".join(_size(v) for v in alloc),
                      " / ".join(_size(v) for v in rss),
                      "n/a" if "TF" in label else f"{saved[0][0]} -> {saved[1][0]} tensors",
                      "yes" if released else ("no" if visible else "not visible")])
    _grid(header, lines)
    print("   over the reading before the forward pass; a non-persistent tape must give its "
          "activations back at gradient(); a persistent one keeps them while `loss` (which "
          "holds the graph in torch) lives, even after `del tape`. TF's CPU "
          "allocator reuses pooled memory that neither malloc statistics nor RSS see "
          "(\"not visible\").")
    print(f"   => non-persistent tapes release activation memory at gradient(): "
          f"{'yes' if ok else 'NO'}")
    return ok


# ---------------------------------------------------------------------- no growth


def _live_tensors() -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, torch.Tensor))


def _live_tapes() -> int:
    return sum(1 for obj in gc.get_objects() if isinstance(obj, GradientTape))


def _snapshot(probe: _Probe) -> Dict[str, Optional[int]]:
    gc.collect()
    return {
        "tensors": _live_tensors(),
        "tapes": _live_tapes(),
        "objects": len(gc.get_objects()),
        "bytes": probe.current(),
        "rss": _machine.rss_bytes(),
        "state": _tape_state_size(),
    }


def _tape_state_size() -> int:
    """Entries in the tapes' bookkeeping: this thread's state and the flip records."""
    from tftape_torch import _flips, _state

    size = 0
    containers = list(vars(_state.THREAD).values()) + [_flips.FLIPS]
    for value in containers:
        if isinstance(value, (list, tuple, dict, set)):
            size += len(value)
    # (entries of graphs that died go in batches: count the live ones)
    return size + sum(1 for sentinel in _flips.FLIPPED_BEFORE.values() if sentinel() is not None)


def no_growth(ctx: _workloads.Context, workloads: List[_workloads.Workload],
              iterations: int) -> bool:
    probe = _Probe(ctx.device)
    names = [w for w in workloads if w.name in (
        "seed_chain", "nested_2nd", "mlp_small", "mlp_step", "persistent_10", "hessian")]
    print(f"-- no growth over {iterations:,} tape iterations (after 100 warm-up "
          "iterations; live objects counted by the garbage collector)")
    header = ["loop", "Δ tensors", "Δ tapes", "Δ gc objects", "Δ MiB in use", "Δ RSS MiB",
              "Δ tape state", "grows?"]
    lines = []
    ok = True
    for workload in names:
        variants = workload.variants(ctx)
        for name in [n for n in ("tf-style", "core") if n in variants]:
            fn = variants[name]
            count = iterations if workload.name != "hessian" else max(1, iterations // 10)
            for _ in range(100):
                fn()
            start = _snapshot(probe)
            for _ in range(count):
                fn()
            end = _snapshot(probe)
            d: Dict[str, Optional[int]] = {}
            for key, before in start.items():
                after = end[key]
                d[key] = None if before is None or after is None else after - before
            grows = (d["tensors"] != 0 or d["tapes"] != 0 or d["state"] != 0
                     or (d["objects"] or 0) > 50 or (d["bytes"] or 0) > 4 * MiB)
            ok = ok and not grows
            lines.append([f"{workload.name} {name} x{count:,}", str(d["tensors"]),
                          str(d["tapes"]), str(d["objects"]), _mib(d["bytes"]),
                          _mib(d["rss"]), str(d["state"]), "YES" if grows else "no"])
        del variants
    _grid(header, lines)
    print(f"   => no growth: {'yes' if ok else 'NO'}")
    return ok


# ---------------------------------------------------------------------- entry


def _grid(header: List[str], lines: List[List[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines)]
    for index, line in enumerate([header] + lines):
        print("   " + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                for i, (c, w) in enumerate(zip(line, widths))))
        if index == 0:
            print("   " + "  ".join("-" * w for w in widths))


def run(args: argparse.Namespace, ctx: _workloads.Context,
        workloads: List[_workloads.Workload]) -> bool:
    print("== memory")
    per_workload(ctx, workloads)
    print()
    released = release_at_gradient(ctx)
    print()
    steady = no_growth(ctx, workloads, args.memory_iterations)
    print()
    return released and steady
