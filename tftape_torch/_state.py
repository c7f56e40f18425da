"""Per-thread state: the tape stack and everything else that is "current" on a thread.

TF keeps its tape stack per thread, and torch's grad mode is per thread too, so all
of tftape_torch's mutable state lives here, in one `threading.local`:

* the recording tapes (innermost last) and a token that changes whenever the set of
  recording tapes, or what they watch, changes (Variables cache a read per token);
* the active ForwardAccumulators (innermost last);
* read hooks (`hook(variable, value) -> value`, run on every Variable read) and
  gradient hooks (`hook(results)`, run on every list of gradients a tape computes),
  registered through `add_read_hook`/`add_gradient_hook`, which return a `Handle`;
* the `tf.device` stack, the `tf.name_scope` stack, the `tf.random` seed, and
  `tf.config.run_functions_eagerly`;
* the `tf.function` traces in progress (innermost last), which printing and NumPy
  reads consult: a traced tensor prints symbolically, as in TF's graphs.

Other modules read `THREAD`'s attributes on their hot paths; only the functions of
this module change them.

>>> from tftape_torch import _state
>>> _state.recording_tapes()
[]
>>> handle = _state.add_read_hook(lambda variable, value: value)
>>> len(_state.THREAD.read_hooks)
1
>>> handle.remove()
>>> _state.THREAD.read_hooks
()
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import torch

__all__ = [
    "THREAD",
    "Handle",
    "Snapshot",
    "add_gradient_hook",
    "add_read_hook",
    "adopted",
    "cached_generator",
    "current_name_scope",
    "forward_level",
    "pop_accumulator",
    "pop_device",
    "pop_strategy",
    "pop_name_scopes",
    "pop_trace",
    "push_accumulator",
    "push_device",
    "push_strategy",
    "push_name_scope",
    "push_tape",
    "push_trace",
    "random_seed",
    "random_state_kept",
    "recording_tapes",
    "remove_tape",
    "config_setting",
    "logical_device_configuration",
    "run_functions_eagerly",
    "set_config_setting",
    "set_random_seed",
    "set_logical_device_configuration",
    "set_run_functions_eagerly",
    "set_strategy",
    "snapshot",
    "tapes_changed",
    "tracing",
]

ReadHook = Callable[[Any, torch.Tensor], torch.Tensor]
GradientHook = Callable[[List[Optional[torch.Tensor]]], None]


class _ThreadState(threading.local):
    """What is current on one thread. Read freely; change only through this module."""

    def __init__(self) -> None:
        self.tapes: List[Any] = []
        # Replaced whenever the recording tapes (or what they watch) change.
        self.config: object = object()
        self.accumulators: List[Any] = []
        # Tuples, replaced on every change: a hook list being iterated never changes.
        self.read_hooks: Tuple[ReadHook, ...] = ()
        self.gradient_hooks: Tuple[GradientHook, ...] = ()
        self.devices: List[Optional[torch.device]] = []
        self.seed: Optional[int] = None
        self.generators: Dict[Tuple[str, Optional[int]], torch.Generator] = {}
        self.global_generator: Any = None  # `tf.random.get_global_generator()`'s
        self.run_eagerly = False
        # `tf.config.set_logical_device_configuration`'s, by physical device name.
        self.logical_devices: Dict[str, Tuple[Any, ...]] = {}
        # The other `tf.config` settings (visible GPUs, device policy, ...), by name.
        self.config_settings: Dict[str, Any] = {}
        self.name_scopes: List[str] = [""]
        self.traces: List[Any] = []
        # (strategy, in a replica): `strategy.scope()` pushes False, `strategy.run` True.
        self.strategies: List[Tuple[Any, bool]] = []
        self.set_strategy: Any = None  # `tf.distribute.experimental_set_strategy`'s
        # While `adopted` lends this thread another thread's state: that thread's id.
        self.owner: Optional[int] = None


#: The calling thread's state.
THREAD = _ThreadState()


# ---------------------------------------------------------------------------
# Tapes


def recording_tapes() -> List[Any]:
    """The tapes recording on this thread, innermost last (do not mutate)."""
    return THREAD.tapes


def push_tape(tape: Any) -> None:
    """`tape` starts recording on this thread."""
    THREAD.tapes.append(tape)
    THREAD.config = object()


def remove_tape(tape: Any) -> None:
    """`tape` stops recording on this thread (wherever it is in the stack)."""
    tapes = THREAD.tapes
    if tape in tapes:
        tapes.remove(tape)
    THREAD.config = object()


def tapes_changed() -> None:
    """What some recording tape watches changed: Variables must read afresh."""
    THREAD.config = object()


# ---------------------------------------------------------------------------
# Forward accumulators


def push_accumulator(accumulator: Any) -> None:
    """`accumulator` becomes the innermost active ForwardAccumulator of this thread."""
    THREAD.accumulators.append(accumulator)


def pop_accumulator(accumulator: Any) -> None:
    """`accumulator` is no longer active on this thread."""
    if accumulator in THREAD.accumulators:
        THREAD.accumulators.remove(accumulator)


def forward_level() -> Optional[int]:
    """The torch dual level of the innermost active ForwardAccumulator, if any."""
    accumulators = THREAD.accumulators
    return accumulators[-1].level if accumulators else None


# ---------------------------------------------------------------------------
# Hooks


class Handle:
    """Removes the hook it was returned for (as torch's `RemovableHandle` does)."""

    __slots__ = ("_hook", "_kind", "_thread")

    def __init__(self, kind: str, hook: Any) -> None:
        self._kind = kind
        self._hook = hook
        self._thread = THREAD

    def remove(self) -> None:
        """Unregister the hook; removing twice does nothing."""
        hooks = getattr(self._thread, self._kind)
        if self._hook in hooks:
            kept = list(hooks)
            kept.remove(self._hook)
            setattr(self._thread, self._kind, tuple(kept))

    def __enter__(self) -> Handle:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.remove()


def add_read_hook(hook: ReadHook) -> Handle:
    """Run `hook(variable, value) -> value` on every Variable read on this thread."""
    THREAD.read_hooks = THREAD.read_hooks + (hook,)
    return Handle("read_hooks", hook)


def add_gradient_hook(hook: GradientHook) -> Handle:
    """Run `hook(results)` on every list of gradients a tape computes on this thread."""
    THREAD.gradient_hooks = THREAD.gradient_hooks + (hook,)
    return Handle("gradient_hooks", hook)


# ---------------------------------------------------------------------------
# Carrying one thread's tapes to another (torch runs some backward code on device
# threads; custom_gradient's gradient function must see the caller's tapes there).


class Snapshot:
    """The tapes, read hooks and `tf.device` scopes of the thread that took it."""

    __slots__ = ("thread", "tapes", "read_hooks", "devices")

    def __init__(self) -> None:
        # Taken where `adopted` lends another thread's state (a gradient function
        # defining a custom gradient of its own, on a device thread): that thread's.
        self.thread = THREAD.owner if THREAD.owner is not None else threading.get_ident()
        self.tapes = THREAD.tapes
        self.read_hooks = THREAD.read_hooks
        self.devices = THREAD.devices


def snapshot() -> Snapshot:
    """This thread's tapes and `tf.device` scopes (the live lists) and read hooks."""
    return Snapshot()


@contextlib.contextmanager
def adopted(taken: Snapshot) -> Iterator[None]:
    """Run the block with the tapes, read hooks and `tf.device` scopes of the thread
    that took `taken` (a gradient function on CUDA runs on torch's device thread, yet
    its `tf.ones(...)` belongs where the caller's scope puts it).

    On the thread that took it, this does nothing.
    """
    if threading.get_ident() == taken.thread:
        yield
        return
    state = THREAD
    saved = state.tapes, state.read_hooks, state.devices, state.owner
    state.tapes, state.read_hooks, state.devices = taken.tapes, taken.read_hooks, taken.devices
    state.owner = taken.thread
    state.config = object()
    try:
        yield
    finally:
        state.tapes, state.read_hooks, state.devices, state.owner = saved
        state.config = object()


# ---------------------------------------------------------------------------
# tf.device, tf.random, tf.config


def push_device(device: Optional[torch.device]) -> None:
    """Enter a `tf.device` scope (`None`: a scope that leaves placement alone)."""
    THREAD.devices.append(device)


def pop_device() -> None:
    """Leave the innermost `tf.device` scope."""
    THREAD.devices.pop()


def push_strategy(strategy: Any, in_replica: bool) -> None:
    """Enter a distribution strategy's scope (`in_replica=False`) or one of its
    replicas (`strategy.run`, `in_replica=True`)."""
    THREAD.strategies.append((strategy, in_replica))


def pop_strategy() -> None:
    """Leave the innermost strategy scope or replica."""
    THREAD.strategies.pop()


def set_strategy(strategy: Any) -> None:
    """Make `strategy` current on this thread outside every scope (`None`: none)."""
    THREAD.set_strategy = strategy


def random_seed() -> Optional[int]:
    """The global `tf.random` seed of this thread."""
    return THREAD.seed


def set_random_seed(seed: Optional[int]) -> None:
    """Set the global `tf.random` seed of this thread; its generators start over."""
    THREAD.seed = seed
    THREAD.generators = {}


def cached_generator(
    key: Tuple[str, Optional[int]], make: Callable[[], torch.Generator]
) -> torch.Generator:
    """The generator of this thread stored under `key`, made by `make()` the first time."""
    generator = THREAD.generators.get(key)
    if generator is None:
        generator = THREAD.generators[key] = make()
    return generator


@contextlib.contextmanager
def random_state_kept() -> Iterator[None]:
    """After the block, torch's global generators and this thread's `tf.random`
    generators are as they were before it (draws made inside are undone)."""
    saved = {key: generator.get_state() for key, generator in THREAD.generators.items()}
    devices = list(range(torch.cuda.device_count())) if torch.cuda.is_initialized() else []
    try:
        with torch.random.fork_rng(devices=devices):
            yield
    finally:
        generators = THREAD.generators
        for key in list(generators):
            if key in saved:
                generators[key].set_state(saved[key])
            else:
                del generators[key]  # made inside: made afresh at its next use


def current_name_scope() -> str:
    """The `tf.name_scope` open now (`""` outside any, else ending in `/`)."""
    return THREAD.name_scopes[-1]


def push_name_scope(scope: str) -> int:
    """Open name scope `scope`; returns the depth to hand to `pop_name_scopes`."""
    THREAD.name_scopes.append(scope)
    return len(THREAD.name_scopes)


def pop_name_scopes(depth: int) -> None:
    """Close the scope opened at `depth` and any opened inside it."""
    del THREAD.name_scopes[depth - 1 :]


def run_functions_eagerly() -> bool:
    """Whether `tf.function`s run their Python eagerly on this thread."""
    return THREAD.run_eagerly


def set_run_functions_eagerly(value: bool) -> None:
    """Set `tf.config.run_functions_eagerly` for this thread."""
    THREAD.run_eagerly = value


def logical_device_configuration(physical: str) -> Optional[Tuple[Any, ...]]:
    """The logical devices configured for physical device `physical` (None: one)."""
    return THREAD.logical_devices.get(physical)


def set_logical_device_configuration(physical: str, logical: Optional[Tuple[Any, ...]]
                                     ) -> None:
    """Set `tf.config.set_logical_device_configuration` for this thread (None: one)."""
    configured = dict(THREAD.logical_devices)
    configured.pop(physical, None)
    if logical:
        configured[physical] = logical
    THREAD.logical_devices = configured


def config_setting(name: str, default: Any = None) -> Any:
    """The `tf.config` setting `name` on this thread (`default` while unset)."""
    return THREAD.config_settings.get(name, default)


def set_config_setting(name: str, value: Any) -> None:
    """Set the `tf.config` setting `name` for this thread."""
    settings = dict(THREAD.config_settings)
    settings[name] = value
    THREAD.config_settings = settings


# ---------------------------------------------------------------------------
# tf.function traces


def push_trace(trace: Any) -> None:
    """A `tf.function` trace starts on this thread (innermost last)."""
    THREAD.traces.append(trace)


def pop_trace(trace: Any) -> None:
    """The trace `trace` ended on this thread."""
    if trace in THREAD.traces:
        THREAD.traces.remove(trace)


def tracing() -> Optional[Any]:
    """The innermost `tf.function` trace in progress on this thread, if any."""
    traces = THREAD.traces
    return traces[-1] if traces else None
