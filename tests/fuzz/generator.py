"""Random GradientTape programs, as data, rendered to TensorFlow-style Python source.

A program is built from a stream of integer choices (`Choices`): the same choices give
the same program. Three streams exist:

* `RandomChoices(seed)`: a `random.Random` stream that remembers what it drew, used
  by the long run (`python -m tests.fuzz.run_long`);
* `ReplayChoices(values)`: replays a recorded list (out-of-range values are clamped,
  an exhausted list answers the lowest value), used to shrink a divergence;
* `HypothesisChoices(data)`: draws from hypothesis, which then shrinks failures.

`generate(choices)` returns a `Program`; `Program.source` is a complete function
`program(tf, attempt, leaf, try_stop)` in TensorFlow style that returns a dict of
everything worth comparing (op outputs, Variables, gradient results, exceptions).
The source is what a failing case prints, so a divergence can be pasted and rerun.

Design constraints:

* every op is shape-valid by construction: all tensors of a program have shapes that
  broadcast to one base shape, so any two of them combine;
* values stay bounded (no exp of large values, divisions by ``square(b) + 1``, square
  roots of ``square(a) + 1`` or ``abs(a) + 0.25``), so float32 round-off stays small
  and NaN/inf only appear where the semantics, not the rounding, put them;
* constants come from a small set of values, with repeats and zeros, so ties of
  `maximum`/`minimum`/`reduce_max` and the kink of `abs` at 0 occur often;
* calls that may legitimately fail (`gradient`, `reset`/`stop_recording` on a tape
  that is not recording, ...) run through `attempt`, which returns the exception, so
  the program carries on and the exception class is compared.
"""

from __future__ import annotations

import dataclasses
import math
import random
from typing import Any, Dict, List, Optional, Sequence, Tuple

__all__ = [
    "Choices",
    "HypothesisChoices",
    "Program",
    "RandomChoices",
    "ReplayChoices",
    "generate",
]

Shape = Tuple[int, ...]

# Base shapes: every tensor of a program broadcasts to its base shape.
BASE_SHAPES: Tuple[Shape, ...] = ((), (3,), (2, 2), (3, 3), (2, 3), (2,), (2, 2), (3, 3))
# Constant entries: repeats and zeros make ties and kinks likely.
VALUES = (-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)
# Imaginary parts of complex constants.
IMAGINARY = (-1.0, -0.5, 0.0, 0.5, 1.0)
MAX_BOUND = 1e4
# Whether to watch tensors that an op recorded by the same tape already used (a known
# difference, see known_differences.md); the long run can turn it on to re-check.
WATCH_AFTER_USE = False
# Whether an op on another thread may use results of ops made under a tape (a known
# difference, see known_differences.md: "Another thread's op on a tape's result").
THREAD_ON_TAPE_RESULTS = False
# Whether a tape is also asked for `jacobian`/`batch_jacobian`, and ops our batching
# rules cover (softmax, logsumexp, gather, transpose, a 1-D convolution, sparse and
# dense softmax cross-entropy; cumsum, which they do not) join
# the mix (drawn only when on, so the default programs, which CI's seed pins, stay as
# they were).
JACOBIANS = False


# --------------------------------------------------------------------------- choices


class Choices:
    """A stream of integer choices; subclasses say where they come from."""

    def integer(self, lo: int, hi: int) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def pick(self, items: Sequence[Any]) -> Any:
        return items[self.integer(0, len(items) - 1)]

    def chance(self, percent: int) -> bool:
        return self.integer(0, 99) < percent

    def weighted(self, weights: Dict[str, int]) -> str:
        total = sum(weights.values())
        roll = self.integer(0, total - 1)
        for key, weight in weights.items():
            if roll < weight:
                return key
            roll -= weight
        raise AssertionError("unreachable")


class RandomChoices(Choices):
    """Choices from `random.Random(seed)`; `drawn` keeps them for replay."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)
        self.drawn: List[int] = []

    def integer(self, lo: int, hi: int) -> int:
        value = self._random.randint(lo, hi)
        self.drawn.append(value - lo)
        return value


class ReplayChoices(Choices):
    """Replays offsets recorded by `RandomChoices.drawn` (clamped; 0 when exhausted)."""

    def __init__(self, values: Sequence[int]) -> None:
        self._values = list(values)
        self._position = 0
        self.drawn: List[int] = []

    def integer(self, lo: int, hi: int) -> int:
        offset = self._values[self._position] if self._position < len(self._values) else 0
        self._position += 1
        value = min(max(lo + offset, lo), hi)
        self.drawn.append(value - lo)
        return value


class HypothesisChoices(Choices):
    """Choices drawn from a hypothesis `data` object (so hypothesis can shrink them)."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self._data = data
        self._integers = st.integers
        self._cache: Dict[Tuple[int, int], Any] = {}

    def integer(self, lo: int, hi: int) -> int:
        strategy = self._cache.get((lo, hi))
        if strategy is None:
            strategy = self._cache[(lo, hi)] = self._integers(lo, hi)
        return int(self._data.draw(strategy))


# --------------------------------------------------------------------------- model


@dataclasses.dataclass
class Value:
    """A name in the program that holds a tensor (or a Variable)."""

    name: str
    shape: Shape
    bound: float  # a crude bound on |entries|
    kind: str  # "const", "var", "int", "op", "pick"
    tapes: Tuple[str, ...] = ()  # tapes lexically open when it was made
    deps: frozenset = frozenset()  # names of the values it was computed from
    used_under: set = dataclasses.field(default_factory=set)  # tapes open when it was used


@dataclasses.dataclass
class Tape:
    name: str
    persistent: bool
    watch_accessed: bool
    open: bool = False
    watched: set = dataclasses.field(default_factory=set)
    # A non-persistent tape whose gradient was taken inside its own block: TF drops
    # its internal tape, so watch/reset/stop_recording on it raise odd errors.
    spent_inside: bool = False


@dataclasses.dataclass
class Program:
    """A generated program: its source and a short summary of what it exercises."""

    source: str
    features: Tuple[str, ...]
    shapes: Dict[str, Shape] = dataclasses.field(default_factory=dict)  # tracked shapes
    choices: Tuple[int, ...] = ()

    def __str__(self) -> str:
        return self.source


def _in_family(shape: Shape, base: Shape) -> bool:
    """Whether `shape` broadcasts to `base` (right-aligned)."""
    if len(shape) > len(base):
        return False
    offset = len(base) - len(shape)
    return all(dim in (1, base[offset + i]) for i, dim in enumerate(shape))


def _broadcast(a: Shape, b: Shape) -> Shape:
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + a
    b = (1,) * (rank - len(b)) + b
    return tuple(max(x, y) for x, y in zip(a, b))


def _family(base: Shape) -> List[Shape]:
    shapes: List[Shape] = [()]
    for rank in range(1, len(base) + 1):
        tail = base[len(base) - rank:]
        combos: List[Shape] = [()]
        for dim in tail:
            options = {1, dim}
            combos = [c + (d,) for c in combos for d in sorted(options)]
        shapes.extend(combos)
    return shapes


def _numel(shape: Shape) -> int:
    return int(math.prod(shape)) if shape else 1


# --------------------------------------------------------------------------- generator


class _Generator:
    def __init__(self, choices: Choices) -> None:
        self.c = choices
        self.lines: List[str] = []
        self.indent = 1
        self.values: List[Value] = []
        self.tapes: Dict[str, Tape] = {}
        self.open_tapes: List[str] = []
        self.counter = 0
        self.ops = 0
        self.grads = 0
        self.results: List[str] = []
        self.features: set = set()
        self.used: List[Value] = []  # operands of the op being generated
        self.dtype = "float64" if self.c.chance(15) else "float32"
        self.complex = self.c.chance(8)
        if self.complex:  # TF's complex gradient convention: conjugated
            self.dtype = "complex128" if self.dtype == "float64" else "complex64"
            self.features.add(self.dtype)
        self.base: Shape = self.c.pick(BASE_SHAPES)
        self.family = _family(self.base)
        self.max_ops = self.c.integer(4, 22)
        self.max_grads = self.c.integer(1, 6)

    # ------------------------------------------------------------ output helpers

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def add_value(self, name: str, shape: Shape, bound: float, kind: str,
                  deps: Optional[frozenset] = None) -> Value:
        if deps is None:
            deps = frozenset()
            for used in self.used:
                deps = deps | used.deps | {used.name}
                used.used_under.update(self.open_tapes)
        value = Value(name, shape, min(bound, MAX_BOUND), kind, tuple(self.open_tapes), deps)
        self.values.append(value)
        if kind in ("op", "pick", "var", "const", "int"):
            self.results.append(name)
        return value

    def literal(self, shape: Shape) -> str:
        if not shape:
            if self.complex:
                return repr(complex(self.c.pick(VALUES), self.c.pick(IMAGINARY)))
            return repr(self.c.pick(VALUES))
        return "[" + ", ".join(self.literal(shape[1:]) for _ in range(shape[0])) + "]"

    def off_tape(self, used: List[Value]) -> bool:
        """Whether `used` and everything they derive from were made with no tape open."""
        if THREAD_ON_TAPE_RESULTS:
            return True
        made = {v.name: v for v in self.values}
        names = set()
        for value in used:
            names |= value.deps | {value.name}
        return all(not made[name].tapes for name in names if name in made)

    def real(self, text: str) -> str:
        """`text`'s real part in a complex program (for comparisons), else `text`."""
        return f"tf.math.real({text})" if self.complex else text

    def floats(self) -> List[Value]:
        return [v for v in self.values if v.kind != "int"]

    # ------------------------------------------------------------ program

    def program(self) -> Program:
        self.emit_inits()
        self.block(depth=0, budget=self.c.integer(3, 10))
        # Make sure every tape was asked for a gradient at least once.
        for tape in list(self.tapes.values()):
            if self.c.chance(60):
                self.gradient(tape)
        returned = ", ".join(f"{name!r}: {name}" for name in self.results)
        body = "\n".join(self.lines)
        dt = self.dtype
        source = (
            "def program(tf, attempt, leaf, try_stop):\n"
            f"    # base shape {self.base}, dtype {dt}\n"
            f"{body}\n"
            f"    return {{{returned}}}\n"
        )
        shapes = {v.name: v.shape for v in self.values}
        return Program(source, tuple(sorted(self.features)), shapes)

    def emit_inits(self) -> None:
        dt = f"tf.{self.dtype}"
        for _ in range(self.c.integer(1, 3)):
            shape = self.c.pick(self.family)
            name = self.fresh("c")
            self.emit(f"{name} = tf.constant({self.literal(shape)}, dtype={dt})")
            self.add_value(name, shape, 2.0, "const")
        for _ in range(self.c.integer(0, 3)):
            shape = self.c.pick(self.family)
            name = self.fresh("v")
            trainable = self.c.chance(75)
            if not trainable:
                self.features.add("untrainable-variable")
            self.emit(
                f"{name} = tf.Variable({self.literal(shape)}, dtype={dt}, trainable={trainable})"
            )
            self.add_value(name, shape, 2.0, "var")
        if not self.complex and self.c.chance(15):
            name = self.fresh("k")
            shape = self.c.pick(self.family)
            ints = self.literal(shape).replace(".0", "").replace(".5", "")
            self.emit(f"{name} = tf.constant({ints}, dtype=tf.int32)")
            self.add_value(name, shape, 2.0, "int")
            self.features.add("int-tensor")

    def block(self, depth: int, budget: int) -> None:
        """A sequence of statements; at least one line is emitted."""
        start = len(self.lines)
        tries = 0
        while budget > 0 or len(self.lines) == start:
            budget -= 1
            tries += 1
            if tries > 50:
                self.emit("pass")
                break
            self.statement(depth)

    def statement(self, depth: int) -> None:
        inside = bool(self.live_tapes())
        weights = {"op": 10, "control": 2}
        if self.ops < self.max_ops and depth < 3:
            weights["tape"] = 6 if depth == 0 else 3
        if inside:
            weights["watch"] = 4
            weights["stop"] = 1
            weights["reset"] = 1
        if self.tapes:
            weights["gradient"] = 3
            weights["reenter"] = 1
            weights["misuse"] = 1
        if any(v.kind == "var" for v in self.values):
            weights["assign"] = 1
        if self.ops < self.max_ops:
            weights["forward"] = 1
        if self.ops >= self.max_ops:
            weights["op"] = 1
        kind = self.c.weighted(weights)
        if kind == "op":
            self.op()
        elif kind == "control":
            self.control()
        elif kind == "tape":
            self.tape(depth)
        elif kind == "watch":
            self.watch(self.tapes[self.c.pick(self.live_tapes())])
        elif kind == "stop":
            self.stop_recording(depth)
        elif kind == "reset":
            self.reset()
        elif kind == "gradient":
            self.gradient(self.tapes[self.c.pick(sorted(self.tapes))])
        elif kind == "reenter":
            self.reenter(depth)
        elif kind == "misuse":
            self.misuse()
        elif kind == "assign":
            self.assign()
        elif kind == "forward":
            self.forward()

    def forward(self) -> None:
        """A ForwardAccumulator around one op (inside tapes or not): its jvp."""
        primal = self.c.pick(self.floats())
        if primal.kind == "int":
            return
        self.features.add("forward" + ("-under-tape" if self.live_tapes() else ""))
        name = self.fresh("acc")
        tangent = f"tf.ones_like({primal.name})" if self.complex or self.c.chance(60) else \
            f"tf.fill(tf.shape({primal.name}), tf.constant(-0.5, dtype=tf.{self.dtype}))"
        self.emit(f"with tf.autodiff.ForwardAccumulator({primal.name}, {tangent}) as {name}:")
        self.indent += 1
        self.op()
        self.indent -= 1
        result = self.values[-1].name
        jvp = self.fresh("j")
        self.emit(f"{jvp} = attempt(lambda: {name}.jvp({result}))")
        self.results.append(jvp)
    # ------------------------------------------------------------ tapes

    def tape(self, depth: int) -> None:
        name = self.fresh("t")
        persistent = self.c.chance(40)
        watch_accessed = self.c.chance(80)
        tape = self.tapes[name] = Tape(name, persistent, watch_accessed)
        args = []
        if persistent or self.c.chance(20):
            args.append(f"persistent={persistent}")
        if not watch_accessed or self.c.chance(10):
            args.append(f"watch_accessed_variables={watch_accessed}")
            self.features.add("watch_accessed_variables")
        self.features.add("persistent" if persistent else "non-persistent")
        if depth:
            self.features.add(f"nested-{depth + 1}")
        self.emit(f"with tf.GradientTape({', '.join(args)}) as {name}:")
        self.enter(tape, depth)
        if self.c.chance(50):
            self.gradient(tape)  # after the block (inside the outer one, if any)

    def enter(self, tape: Tape, depth: int) -> None:
        self.indent += 1
        tape.open = True
        tape.spent_inside = False
        self.open_tapes.append(tape.name)
        if self.c.chance(80):
            self.watch(tape)
        self.block(depth + 1, self.c.integer(1, 6))
        if self.c.chance(30) and not tape.spent_inside:
            self.gradient(tape)  # inside its own context
            self.features.add("gradient-inside-context")
            if self.c.chance(40):
                self.op()
        self.open_tapes.remove(tape.name)
        tape.open = False
        self.indent -= 1

    def reenter(self, depth: int) -> None:
        closed = [t for t in sorted(self.tapes) if not self.tapes[t].open]
        if not closed or depth >= 3:
            self.op()
            return
        tape = self.tapes[self.c.pick(closed)]
        self.features.add("reenter")
        self.emit(f"with {tape.name}:")
        self.enter(tape, depth)

    def watch(self, tape: Tape) -> None:
        # A tensor already used by an op this tape recorded is not watched: see
        # "watch after use" in known_differences.md. Variables are fine.
        candidates = [v for v in self.values
                      if WATCH_AFTER_USE or v.kind == "var" or tape.name not in v.used_under]
        if not candidates:
            return
        count = self.c.integer(1, 3)
        picked = [self.c.pick(candidates) for _ in range(count)]
        tape.watched.update(v.name for v in picked)
        if any(v.kind == "int" for v in picked):
            self.features.add("watch-int")
        form = self.c.integer(0, 3)
        if count == 1 and form < 2:
            self.emit(f"{tape.name}.watch({picked[0].name})")
        elif form == 3:
            self.features.add("watch-dict")
            items = ", ".join(f"'k{i}': {v.name}" for i, v in enumerate(picked))
            self.emit(f"{tape.name}.watch({{{items}}})")
        else:
            self.emit(f"{tape.name}.watch([{', '.join(v.name for v in picked)}])")

    def live_tapes(self) -> List[str]:
        """Open tapes that may still be watched, reset or paused."""
        return [t for t in self.open_tapes if not self.tapes[t].spent_inside]

    def stop_recording(self, depth: int) -> None:
        tape = self.c.pick(self.live_tapes())
        self.features.add("stop_recording")
        self.emit(f"with {tape}.stop_recording():")
        self.indent += 1
        saved = list(self.open_tapes)
        self.open_tapes.remove(tape)
        for _ in range(self.c.integer(1, 3)):
            if self.c.chance(15) and self.live_tapes():
                self.watch(self.tapes[self.c.pick(self.live_tapes())])
            else:
                self.op()
        self.open_tapes = saved
        self.indent -= 1

    def reset(self) -> None:
        tape = self.c.pick(self.live_tapes())
        self.features.add("reset")
        self.emit(f"{tape}.reset()")

    def misuse(self) -> None:
        """Calls that TF may reject; their outcome (None or an exception) is compared."""
        name = self.fresh("e")
        tape = self.c.pick(sorted(self.tapes))
        kind = self.c.integer(0, 3)
        if kind == 0:
            self.emit(f"{name} = attempt(lambda: {tape}.reset())")
        elif kind == 1:
            self.emit(f"{name} = try_stop({tape})")
        elif kind == 2:
            ghost = self.fresh("t")
            self.emit(f"{ghost} = tf.GradientTape()")
            target = self.c.pick(self.floats()).name
            self.emit(f"{name} = attempt(lambda: {ghost}.gradient({target}, {target}))")
        else:
            self.emit(f"{name} = attempt(lambda: {tape}.watched_variables())")
        self.features.add("misuse")
        self.results.append(name)

    # ------------------------------------------------------------ gradients

    def structure(
        self, items: List[Value], prefix: str
    ) -> Tuple[str, List[Tuple[Value, Tuple[Any, ...]]]]:
        """Render `items` as a single value, a list, a dict or a nested mix.

        Returns the source text and (value, path) pairs in tf.nest order.
        """
        form = self.c.integer(0, 5) if len(items) > 1 else self.c.integer(0, 2)
        if len(items) == 1 and form == 0:
            return items[0].name, [(items[0], ())]
        if form in (1, 2, 3) or len(items) == 1:
            text = "[" + ", ".join(v.name for v in items) + "]"
            return text, [(v, (i,)) for i, v in enumerate(items)]
        if form == 4:
            self.features.add(f"{prefix}-dict")
            keys = [f"k{i}" for i in range(len(items))]
            text = "{" + ", ".join(f"'{k}': {v.name}" for k, v in zip(keys, items)) + "}"
            return text, [(v, (k,)) for k, v in zip(keys, items)]
        self.features.add(f"{prefix}-nested")
        head, rest = items[0], items[1:]
        inner = "{" + ", ".join(f"'k{i}': {v.name}" for i, v in enumerate(rest)) + "}"
        pairs = [(head, (0,))] + [(v, (1, f"k{i}")) for i, v in enumerate(rest)]
        return f"[{head.name}, {inner}]", pairs

    def gradient(self, tape: Tape) -> None:
        if self.grads >= self.max_grads:
            return
        floats = self.floats()
        if not floats:
            return
        self.grads += 1
        mine = [v for v in floats if tape.name in v.tapes and v.kind in ("op", "pick")]
        targets: List[Value] = []
        for _ in range(self.c.integer(1, 3)):
            pool = mine if mine and self.c.chance(80) else floats
            targets.append(self.c.pick(pool))
        sources: List[Value] = []
        ancestry: frozenset = frozenset()
        for target in targets:
            ancestry = ancestry | target.deps | {target.name}
        related = [v for v in self.values if v.name in ancestry]
        connected = [v for v in related if v.name in tape.watched or v.kind == "var"]
        for _ in range(self.c.integer(1, 3)):
            roll = self.c.integer(0, 9)
            pool = (connected if roll < 6 else related if roll < 8 else []) or self.values
            sources.append(self.c.pick(pool))
        target_text, target_pairs = self.structure(targets, "target")
        source_text, source_pairs = self.structure(sources, "source")
        args = [target_text, source_text]
        if self.c.chance(20):
            self.features.add("output_gradients")
            # No `None` entries: TF mishandles them (see known_differences.md).
            seeds = [f"tf.constant({self.literal(value.shape)}, dtype=tf.{self.dtype})"
                     for value, _ in target_pairs]
            if len(target_pairs) == 1 and not target_text.startswith(("[", "{")):
                args.append(f"output_gradients={seeds[0]}")
            else:
                args.append(f"output_gradients=[{', '.join(seeds)}]")
        if self.c.chance(30):
            self.features.add("unconnected")
            args.append("unconnected_gradients=" + self.c.pick(
                ("'zero'", "'none'", "tf.UnconnectedGradients.ZERO", "tf.UnconnectedGradients.NONE")
            ))
        if self.c.chance(10):
            self.failed_call(tape, target_text, source_text, targets[0], sources[0])
        if JACOBIANS and self.c.chance(50):
            self.jacobian(tape, targets[0], sources, source_text, source_pairs, args[2:])
            return
        name = self.fresh("g")
        if tape.open and not tape.persistent:
            tape.spent_inside = True
        self.emit(f"{name} = attempt(lambda: {tape.name}.gradient({', '.join(args)}))")
        self.results.append(name)
        # Use one of the gradients in later ops (higher-order derivatives).
        deps: frozenset = frozenset()
        for target in targets:
            deps = deps | target.deps | {target.name}
        self.feed_later(source_pairs, 60, 100.0, deps,
                        lambda value, path: f"leaf({name}, {path!r}, {value.name})")

    def feed_later(self, pairs: List[Tuple[Value, Tuple[Any, ...]]], percent: int,
                   bound: float, deps: frozenset, leaf_text: Any) -> None:
        """Maybe make one source's entry of a result (`leaf_text(value, path)`, which
        falls back to the source itself) a value later ops use."""
        usable = [(v, p) for v, p in pairs if v.kind != "int"]
        if usable and self.c.chance(percent):
            value, path = self.c.pick(usable)
            pick = self.fresh("p")
            self.emit(f"{pick} = {leaf_text(value, path)}")
            self.add_value(pick, value.shape, bound, "pick", deps | {value.name} | value.deps)

    def jacobian(self, tape: Tape, target: Value, sources: List[Value], source_text: str,
                 source_pairs: List[Tuple[Value, Tuple[Any, ...]]], options: List[str]) -> None:
        """`jacobian(target, sources)` or, where the shapes allow, `batch_jacobian`; its
        result summed over the target's entries may feed later ops (a Hessian when a
        tape outside records)."""
        options = [o for o in options if o.startswith("unconnected")]
        if tape.persistent and not self.live_tapes() and self.c.chance(30):
            # TF's tiled pfor fails on a non-persistent tape and on an unconnected
            # source's None, and a tape recording it sees its loop (known_differences.md,
            # "`parallel_iterations`").
            options = ["unconnected_gradients='zero'",
                       f"parallel_iterations={self.c.pick((2, 3, 5))}"]
        if (tape.persistent and all(v.kind != "int" for v in sources)
                and self.c.chance(20)):
            options.append("experimental_use_pfor=False")
        batched = [v for v in sources if len(v.shape) >= 2 and v.kind != "int"]
        rank = len(target.shape)
        if (batched and rank >= 2 and self.c.chance(40)
                and any(v.shape[0] == target.shape[0] for v in batched)):
            self.features.add("batch_jacobian")
            source = self.c.pick([v for v in batched if v.shape[0] == target.shape[0]])
            source_text, source_pairs = source.name, [(source, ())]
            call, axes = "batch_jacobian", list(range(1, rank))
        else:
            self.features.add("jacobian")
            call, axes = "jacobian", list(range(rank))
        name = self.fresh("j")
        if tape.open and not tape.persistent:
            tape.spent_inside = True
        args = ", ".join([target.name, source_text] + options)
        self.emit(f"{name} = attempt(lambda: {tape.name}.{call}({args}))")
        self.results.append(name)

        def summed(value: Value, path: Tuple[Any, ...]) -> str:
            entry = name + "".join(f"[{key!r}]" for key in path)
            return (f"leaf(attempt(lambda: tf.reduce_sum({entry}, axis={axes})), (), "
                    f"{value.name})")

        self.feed_later(source_pairs, 50, 1000.0, target.deps | {target.name}, summed)

    def failed_call(self, tape: Tape, target_text: str, source_text: str,
                    target: Value, source: Value) -> None:
        """A call TF rejects before it uses the tape: the correct call after it works."""
        self.features.add("failed-then-correct")
        form = self.c.integer(0, 3)
        call = (
            f"{tape.name}.gradient({target_text}, 'x')",
            f"{tape.name}.gradient({target_text}, [{source.name}, None])",
            f"{tape.name}.gradient('y', {source_text})",
            f"{tape.name}.jacobian({target.name}, {source.name}, parallel_iterations=0)",
        )[form]
        name = self.fresh("e")
        self.emit(f"{name} = attempt(lambda: {call})")
        self.results.append(name)

    # ------------------------------------------------------------ ops

    def operand(self, max_bound: float = MAX_BOUND) -> Value:
        floats = [v for v in self.floats() if v.bound <= max_bound] or self.floats()
        recent = floats[-4:]
        value = self.c.pick(recent) if self.c.chance(50) else self.c.pick(floats)
        self.used.append(value)
        return value

    def op(self) -> None:
        self.ops += 1
        self.used = []
        a = self.operand()
        kinds = {
            "unary": 8, "binary": 10, "scalar": 3, "reduce": 4, "matmul": 2,
            "reshape": 2, "where": 2, "pack": 2, "index": 2,
        }
        if JACOBIANS and not self.complex:
            kinds["nn"] = 4  # ops our own batching rules cover, and one they do not
        kind = self.c.weighted(kinds)
        name = self.fresh("a")
        if kind == "unary":
            expr, bound = self.unary(a)
            shape = a.shape
        elif kind == "binary":
            b = a if self.c.chance(15) else self.operand()
            expr, bound = self.binary(a, b)
            shape = _broadcast(a.shape, b.shape)
        elif kind == "scalar":
            scalar = self.c.pick((0.5, 2.0, 1.0, -1.0, 3.0))
            form = self.c.integer(0, 3)
            expr = (f"{a.name} * {scalar}", f"{scalar} - {a.name}", f"{a.name} + {scalar}",
                    f"{a.name} / {scalar}")[form]
            bound = a.bound * 3.0 + 3.0
            shape = a.shape
        elif kind == "reduce":
            expr, shape, bound = self.reduce(a)
        elif kind == "matmul":
            found = self.matmul(a)
            if found is None:
                expr, bound = self.unary(a)
                shape = a.shape
            else:
                expr, shape, bound = found
        elif kind == "reshape":
            same = [s for s in self.family if _numel(s) == _numel(a.shape)]
            target = self.c.pick(same)
            self.features.add("reshape")
            expr = f"tf.reshape({a.name}, {list(target)})"
            shape, bound = target, a.bound
        elif kind == "pack":
            expr, shape, bound = self.pack(a)
        elif kind == "index":
            expr, shape, bound = self.index(a)
        elif kind == "nn":
            expr, shape, bound = self.nn(a)
        else:
            expr, shape, bound = self.where(a)
        if self.open_tapes and self.c.chance(5) and self.off_tape(self.used + [a]):
            # Run on another thread: the tapes of this one do not record it.
            self.features.add("thread")
            self.emit(f"{name} = in_thread(lambda: {expr})")
            saved, self.open_tapes = self.open_tapes, []
            self.add_value(name, shape, bound, "op")
            self.open_tapes = saved
            return
        self.emit(f"{name} = {expr}")
        self.add_value(name, shape, bound, "op")

    def nn(self, a: Value) -> Tuple[str, Shape, float]:
        """Softmax, log-softmax, logsumexp, gathers (along an axis, per row by
        `batch_dims=1`, `gather_nd` of (row, column) pairs), transpose, cumsum, a 1-D
        convolution and sparse and dense softmax cross-entropy along the last axis
        (`--jacobians`)."""
        options = ["cumsum"]
        if a.shape:  # (TF's softmax of a 0-d tensor raises)
            options += ["softmax", "log_softmax", "logsumexp", "gather", "conv1d",
                        "sparse_xent", "xent"]
        if len(a.shape) == 2 and _in_family(a.shape[::-1], self.base):
            options.append("transpose")
        op = self.c.pick(options)
        self.features.add(op)
        n, last = a.name, (a.shape[-1] if a.shape else 1)
        if op == "softmax":
            return f"tf.nn.softmax({n})", a.shape, 1.0
        if op == "log_softmax":
            return f"tf.nn.log_softmax({n})", a.shape, 2.0 * a.bound + math.log(last) + 1.0
        if op == "cumsum":
            if not a.shape:
                return f"tf.math.cumsum(tf.reshape({n}, [1]))[0]", a.shape, a.bound
            axis = self.c.integer(-len(a.shape), len(a.shape) - 1)
            return (f"tf.math.cumsum({n}, axis={axis})", a.shape,
                    a.bound * a.shape[axis])
        if op == "logsumexp":
            axis = self.c.integer(-len(a.shape), len(a.shape) - 1)
            dropped = tuple(d for i, d in enumerate(a.shape) if i != axis % len(a.shape))
            bound = a.bound + math.log(_numel(a.shape)) + 1.0
            if _in_family(dropped, self.base) and self.c.chance(50):
                return f"tf.reduce_logsumexp({n}, axis={axis})", dropped, bound
            kept = tuple(1 if i == axis % len(a.shape) else d for i, d in enumerate(a.shape))
            return f"tf.reduce_logsumexp({n}, axis={axis}, keepdims=True)", kept, bound
        if op == "conv1d":
            # Filters of 1-3 taps, "SAME" (an even width pads one side more), the
            # input's dtype; the rows of the last axis are the examples.
            taps = [self.c.pick((0.5, -1.0, 2.0, 0.25)) for _ in range(self.c.integer(1, 3))]
            filters = f"tf.constant({taps}, shape=[{len(taps)}, 1, 1], dtype={n}.dtype)"
            return (f"tf.reshape(tf.nn.conv1d(tf.reshape({n}, [-1, {last}, 1]), {filters}, 1, "
                    f"'SAME'), {list(a.shape)})", a.shape, a.bound * sum(abs(t) for t in taps))
        if op in ("sparse_xent", "xent"):
            # One loss per row of the last axis, kept as a size-1 last axis; the dense
            # labels are a softmax of the logits themselves (TF differentiates both).
            bound = 2.0 * a.bound + math.log(last) + 1.0
            if op == "sparse_xent":
                labels = self.classes(a.shape[:-1], last)
                loss = f"tf.nn.sparse_softmax_cross_entropy_with_logits({labels}, {n})"
            else:
                loss = f"tf.nn.softmax_cross_entropy_with_logits(tf.nn.softmax({n} * 0.5), {n})"
            return f"tf.expand_dims({loss}, -1)", a.shape[:-1] + (1,), bound
        if op == "gather":
            form = self.c.integer(0, 2) if len(a.shape) >= 2 else 0
            if form == 1:
                # Each row's own gather (a per-example pick: `batch_dims=1`).
                self.features.add("gather-batch")
                rows, size = a.shape[0], a.shape[1]
                indices = [[self.c.integer(0, size - 1) for _ in range(size)]
                           for _ in range(rows)]
                return f"tf.gather({n}, {indices}, axis=1, batch_dims=1)", a.shape, a.bound
            if form == 2:
                # (row, column) pairs (advanced indexing); rows in order or not.
                self.features.add("gather-nd")
                rows, size = a.shape[0], a.shape[1]
                in_order = self.c.chance(50)
                pairs = [[[r if in_order else self.c.integer(0, rows - 1),
                           self.c.integer(0, size - 1)] for _ in range(size)]
                         for r in range(rows)]
                return f"tf.gather_nd({n}, {pairs})", a.shape, a.bound
            axis = self.c.integer(-len(a.shape), len(a.shape) - 1)  # (negative: dense in TF)
            size = a.shape[axis]
            indices = [self.c.integer(0, size - 1) for _ in range(size)]
            return f"tf.gather({n}, {indices}, axis={axis})", a.shape, a.bound
        return f"tf.transpose({n})", a.shape[::-1], a.bound

    def classes(self, shape: Shape, count: int) -> Any:
        """Nested lists of class ids below `count`, of `shape` (an int for `()`)."""
        if not shape:
            return self.c.integer(0, count - 1)
        return [self.classes(shape[1:], count) for _ in range(shape[0])]

    def pack(self, a: Value) -> Tuple[str, Shape, float]:
        """Python lists of tensors and Variables, which TF packs into one tensor."""
        same = [v for v in self.floats() if v.shape == a.shape]
        b = self.c.pick(same)
        self.used.append(b)
        form = self.c.integer(0, 2)
        self.features.add(("pack-reduce_sum", "pack-add_n", "pack-stack-max")[form])
        if any(v.kind == "var" for v in (a, b)):
            self.features.add("pack-variable")
        items = f"[{a.name}, {b.name}]"
        bound = a.bound + b.bound
        if form == 0:
            return f"tf.reduce_sum({items}, axis=0)", a.shape, bound
        if form == 1:
            return f"tf.add_n({items})", a.shape, bound
        reduce = "reduce_sum" if self.complex else "reduce_max"
        return f"tf.{reduce}(tf.stack({items}), axis=0)", a.shape, bound

    def index(self, a: Value) -> Tuple[str, Shape, float]:
        """TF's `__getitem__`: reversed and strided slices, ellipsis, newaxis, ints."""
        if not a.shape:
            self.features.add("index-newaxis")
            return f"{a.name}[tf.newaxis][0]", a.shape, a.bound
        form = self.c.integer(0, 5)
        self.features.add(("index-reverse", "index-ellipsis-reverse", "index-int",
                           "index-last-slice", "index-newaxis", "index-stride")[form])
        n = a.name
        if form == 0:
            return f"{n}[::-1]", a.shape, a.bound
        if form == 1:
            return f"{n}[..., ::-1]", a.shape, a.bound
        if form == 2:
            return f"{n}[{self.c.integer(-a.shape[0], a.shape[0] - 1)}]", a.shape[1:], a.bound
        if form == 3:
            return f"{n}[-1:]", (1,) + a.shape[1:], a.bound
        if form == 4:
            return f"{n}[tf.newaxis, ...][0]", a.shape, a.bound
        strided = ((a.shape[0] + 1) // 2,) + a.shape[1:]
        if not _in_family(strided, self.base):
            return f"{n}[::-1]", a.shape, a.bound
        return f"{n}[::-2][::-1]", strided, a.bound

    def unary(self, a: Value) -> Tuple[str, float]:
        options = ["square", "sqrt_sq", "sqrt_abs", "sin", "cos", "tanh", "sigmoid", "abs",
                   "neg", "relu", "identity", "stop_gradient", "pow2", "math_sigmoid",
                   "max_number", "min_number", "clip_numbers", "pow_number"]
        if a.bound <= 3.0:
            options.append("exp")
        if self.complex:  # holomorphic ops without poles, kinks, branch cuts, real results
            options = [o for o in options if o not in (
                "sqrt_sq", "sqrt_abs", "abs", "relu", "sigmoid", "math_sigmoid", "tanh",
                "max_number", "min_number", "clip_numbers", "pow_number")]
            if a.bound > 3.0:  # |sin(x + iy)| grows as exp(|y|)
                options = [o for o in options if o not in ("sin", "cos")]
        op = self.c.pick(options)
        self.features.add(op)
        n = a.name
        if op == "square":
            return f"tf.square({n})", a.bound ** 2
        if op == "sqrt_sq":
            return f"tf.sqrt(tf.square({n}) + 1.0)", a.bound + 1.0
        if op == "sqrt_abs":
            return f"tf.sqrt(tf.abs({n}) + 0.25)", a.bound + 1.0
        if op in ("sin", "cos") and self.complex:
            return f"tf.{op}({n})", math.exp(a.bound)
        if op in ("sin", "cos", "tanh", "sigmoid"):
            return f"tf.{op}({n})", 1.0
        if op == "math_sigmoid":
            return f"tf.math.sigmoid({n})", 1.0
        if op == "abs":
            return f"tf.abs({n})", a.bound
        if op == "neg":
            return f"-{n}", a.bound
        if op == "relu":
            return f"tf.nn.relu({n})", a.bound
        if op == "identity":
            return f"tf.identity({n})", a.bound
        if op == "stop_gradient":
            return f"tf.stop_gradient({n})", a.bound
        if op == "pow2":
            return f"{n} ** 2", a.bound ** 2
        if op in ("max_number", "min_number"):  # a Python number: ties with VALUES
            number = self.c.pick(VALUES)
            return f"tf.{op[:3]}imum({n}, {number!r})", max(a.bound, abs(number))
        if op == "clip_numbers":  # bounds in either order (TF's result: the lower one)
            low, high = self.c.pick(VALUES), self.c.pick(VALUES)
            return f"tf.clip_by_value({n}, {low!r}, {high!r})", max(abs(low), abs(high))
        if op == "pow_number":
            exponent = self.c.pick((2.0, 3, 1, 0.5) if a.bound <= 10.0 else (2.0, 1, 0.5))
            if exponent == 0.5:
                return f"tf.pow(tf.abs({n}) + 0.25, 0.5)", math.sqrt(a.bound + 0.25)
            return f"tf.pow({n}, {exponent!r})", max(a.bound, 1.0) ** exponent
        return f"tf.exp({n})", math.exp(a.bound)

    def binary(self, a: Value, b: Value) -> Tuple[str, float]:
        options = ["add", "subtract"] if self.complex else [
            "add", "subtract", "divide", "maximum", "minimum"]
        if a.bound * b.bound <= MAX_BOUND:
            options.append("multiply")
        op = self.c.pick(options)
        self.features.add(op)
        if a is b:
            self.features.add("same-operand")
        operator = self.c.chance(40)
        x, y = a.name, b.name
        if op == "add":
            return (f"{x} + {y}" if operator else f"tf.add({x}, {y})"), a.bound + b.bound
        if op == "subtract":
            return (f"{x} - {y}" if operator else f"tf.subtract({x}, {y})"), a.bound + b.bound
        if op == "multiply":
            return (f"{x} * {y}" if operator else f"tf.multiply({x}, {y})"), a.bound * b.bound
        if op == "divide":
            denominator = f"(tf.square({y}) + 1.0)"
            text = f"{x} / {denominator}" if operator else f"tf.divide({x}, {denominator})"
            return text, a.bound
        return f"tf.{op}({x}, {y})", max(a.bound, b.bound)

    def reduce(self, a: Value) -> Tuple[str, Shape, float]:
        op = self.c.pick(("reduce_sum", "reduce_mean") if self.complex else
                         ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min"))
        self.features.add(op)
        n = _numel(a.shape)
        bound = a.bound * n if op == "reduce_sum" else a.bound
        if not a.shape or self.c.chance(35):
            return f"tf.{op}({a.name})", (), bound
        axis = self.c.integer(-len(a.shape), len(a.shape) - 1)
        positive = axis % len(a.shape)
        keep = self.c.chance(50)
        kept = tuple(1 if i == positive else d for i, d in enumerate(a.shape))
        dropped = tuple(d for i, d in enumerate(a.shape) if i != positive)
        if not keep and _in_family(dropped, self.base):
            return f"tf.{op}({a.name}, axis={axis})", dropped, bound
        return f"tf.{op}({a.name}, axis={axis}, keepdims=True)", kept, bound

    def matmul(self, a: Value) -> Optional[Tuple[str, Shape, float]]:
        if len(a.shape) != 2:
            return None
        partners = [v for v in self.floats() if len(v.shape) == 2 and v.shape[0] == a.shape[1]
                    and _in_family((a.shape[0], v.shape[1]), self.base)]
        if not partners:
            return None
        b = self.c.pick(partners)
        self.used.append(b)
        if a.bound * b.bound * a.shape[1] > MAX_BOUND:
            return None
        self.features.add("matmul")
        text = f"tf.matmul({a.name}, {b.name})" if self.c.chance(70) else f"{a.name} @ {b.name}"
        return text, (a.shape[0], b.shape[1]), a.bound * b.bound * a.shape[1]

    def where(self, a: Value) -> Tuple[str, Shape, float]:
        b = self.operand()
        self.features.add("where")
        form = self.c.integer(0, 2)
        real = self.real
        if form == 0:
            condition = f"{real(a.name)} > {real(b.name)}"
            cshape = _broadcast(a.shape, b.shape)
        elif form == 1:
            condition = f"{real(a.name)} > 0.0"
            cshape = a.shape
        else:
            c = self.operand()
            condition = f"{real(c.name)} >= 0.5"
            cshape = c.shape
        oshape: Shape = ()
        if self.c.chance(25):
            other, obound = "0.0", 0.0
        else:
            other, oshape, obound = b.name, b.shape, b.bound
        shape = _broadcast(_broadcast(cshape, a.shape), oshape)
        if self.c.chance(50):
            return f"tf.where({condition}, {a.name}, {other})", shape, max(a.bound, obound)
        return f"tf.where({condition}, {other}, {a.name})", shape, max(a.bound, obound)

    def control(self) -> None:
        self.used = []
        a = self.operand()
        name = self.fresh("a")
        if self.c.chance(50):
            self.features.add("python-if")
            threshold = self.c.pick((0.0, 1.0, -1.0))
            self.emit(f"if {self.real(f'tf.reduce_sum({a.name})')}.numpy() > {threshold}:")
            b = self.operand()
            then, bound1 = self.binary(a, b)
            if self.c.chance(50) and _broadcast(a.shape, b.shape) == a.shape:
                otherwise, bound2 = self.unary(a)
            else:
                otherwise, bound2 = self.binary(b, a)
            self.indent += 1
            self.emit(f"{name} = {then}")
            self.indent -= 1
            self.emit("else:")
            self.indent += 1
            self.emit(f"{name} = {otherwise}")
            self.indent -= 1
            self.add_value(name, _broadcast(a.shape, b.shape), max(bound1, bound2), "op")
            return
        self.features.add("python-loop")
        b = self.operand(max_bound=1.5)
        count = self.c.integer(1, 3)
        bounded = ("add", "multiply") if self.complex else ("add", "multiply", "sin", "tanh")
        op = self.c.pick(bounded)
        self.emit(f"{name} = {a.name}")
        self.emit(f"for _ in range({count}):")
        self.indent += 1
        if op == "add":
            self.emit(f"{name} = {name} + {b.name}")
            bound = a.bound + count * b.bound
        elif op == "multiply":
            self.emit(f"{name} = tf.multiply({name}, {b.name})")
            bound = a.bound * max(1.0, b.bound) ** count
        else:
            self.emit(f"{name} = tf.{op}({name} * {b.name})")
            bound = 1.0
        self.indent -= 1
        self.add_value(name, _broadcast(a.shape, b.shape), bound, "op")

    def assign(self) -> None:
        variables = [v for v in self.values if v.kind == "var"]
        var = self.c.pick(variables)
        self.features.add("assign")
        kind = self.c.integer(0, 2)
        literal = f"tf.constant({self.literal(var.shape)}, dtype=tf.{self.dtype})"
        if kind == 0:
            self.emit(f"{var.name}.assign_add({literal})")
            var.bound += 2.0
        elif kind == 1:
            self.emit(f"{var.name}.assign_sub({literal})")
            var.bound += 2.0
        else:
            same = [v for v in self.floats() if v.shape == var.shape and v.bound <= 10.0]
            value = self.c.pick(same).name if same and self.c.chance(60) else literal
            self.emit(f"{var.name}.assign({value})")
            var.bound = 10.0


def generate(choices: Choices) -> Program:
    """Build one program from `choices`."""
    generator = _Generator(choices)
    program = generator.program()
    drawn = getattr(choices, "drawn", None)
    if drawn is not None:
        program.choices = tuple(drawn)
    return program
