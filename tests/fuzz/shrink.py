"""Shrink a diverging program to a small one that diverges the same way.

Two stages, each keeping only changes after which the program still diverges with
the same `interpreter.signature`:

1. on the choice stream (`ReplayChoices`): delete runs of choices, then lower single
   choices towards 0, as hypothesis does;
2. on the rendered source: drop elements of the lists and dicts of `gradient` and
   `watch` calls and their `output_gradients`/`unconnected_gradients` arguments;
   delete statements (a line and its indented block), or unwrap a block (keep its
   body, drop its ``with``/``for``/``if`` line); the returned dict keeps only names
   still assigned.
"""

from __future__ import annotations

import re
from typing import Any, Callable, List, Optional, Sequence

from tests.fuzz import interpreter
from tests.fuzz.generator import Program, ReplayChoices, generate

__all__ = ["diverges_like", "shrink", "shrink_choices", "shrink_source"]

Predicate = Callable[[Program], bool]


def diverges_like(tf: Any, ours: Any, wanted: str) -> Predicate:
    """A predicate: does a program diverge with signature `wanted`?"""
    def check(program: Program) -> bool:
        try:
            compile(program.source, "<candidate>", "exec")
        except SyntaxError:
            return False
        expected, _, difference = interpreter.run_pair(program, tf, ours)
        if "NameError" in str(expected):  # a deletion left a dangling name behind
            return False
        return difference is not None and interpreter.signature(difference) == wanted

    return check


def shrink_choices(choices: Sequence[int], still_fails: Predicate, budget: int = 1500) -> List[int]:
    """Smallest choice list found (greedy) for which `still_fails` holds."""
    best = list(choices)
    tries = 0

    def attempt(candidate: List[int]) -> bool:
        nonlocal best, tries
        tries += 1
        program = generate(ReplayChoices(candidate))
        if still_fails(program):
            best = list(program.choices)  # what the replay actually used
            return True
        return False

    improved = True
    while improved and tries < budget:
        improved = False
        for size in (64, 16, 4, 2, 1):
            index = 0
            while index < len(best) and tries < budget:
                candidate = best[:index] + best[index + size:]
                if attempt(candidate):
                    improved = True
                else:
                    index += size
        for index in range(len(best)):
            if tries >= budget:
                break
            if best[index] == 0:
                continue
            for lower in (0, best[index] // 2, best[index] - 1):
                if lower < best[index] and index < len(best):
                    candidate = list(best)
                    candidate[index] = lower
                    if attempt(candidate):
                        improved = True
                        break
    return best


_ASSIGNED = re.compile(r"^\s*(\w+) = ", re.MULTILINE)
_RETURN = re.compile(r"^    return \{.*\}$", re.MULTILINE)


def _with_return(body: List[str]) -> str:
    text = "\n".join(body)
    names = []
    for name in _ASSIGNED.findall(text):
        if name not in names and not name.startswith("t"):
            names.append(name)
    returned = ", ".join(f"{name!r}: {name}" for name in names)
    return text + f"\n    return {{{returned}}}\n"


def _units(lines: List[str]) -> List[range]:
    """Each statement with its indented block, as a range of line indices."""
    units = []
    for start, line in enumerate(lines):
        if start < 2 or not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        end = start + 1
        while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
            end += 1
        units.append(range(start, end))
    return units


_INNERMOST = re.compile(r"\[([^\[\]{}()]*)\]|\{([^{}\[\]()]*)\}")


def _keyword_span(line: str, keyword: str) -> Optional[range]:
    """The span of ``, keyword=<value>`` in `line` (value up to the closing bracket)."""
    start = line.find(", " + keyword + "=")
    if start < 0:
        return None
    depth = 0
    for end in range(start + len(keyword) + 3, len(line)):
        char = line[end]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return range(start, end)
            depth -= 1
        elif char == "," and depth == 0:
            return range(start, end)
    return None


def _simpler_lines(line: str) -> List[str]:
    """Variants of one line with a keyword argument or a list/dict element less."""
    variants = []
    for keyword in ("output_gradients", "unconnected_gradients"):
        span = _keyword_span(line, keyword)
        if span is not None:
            variants.append(line[: span.start] + line[span.stop:])
    for match in _INNERMOST.finditer(line):
        body = match.group(1) if match.group(1) is not None else match.group(2)
        items = [item.strip() for item in body.split(",")]
        if len(items) < 2:
            if match.group(1) is not None and items[0]:
                variants.append(line[: match.start()] + items[0] + line[match.end():])
            continue
        opening, closing = ("[", "]") if match.group(1) is not None else ("{", "}")
        for drop in range(len(items)):
            kept = ", ".join(item for i, item in enumerate(items) if i != drop)
            variants.append(line[: match.start()] + opening + kept + closing + line[match.end():])
    return variants


def shrink_source(program: Program, still_fails: Predicate) -> Program:
    """Delete or unwrap statements of the rendered source while it still fails."""
    lines = _RETURN.sub("", program.source).rstrip("\n").split("\n")
    changed = True
    while changed:
        changed = False
        for index in range(2, len(lines)):
            if not any(word in lines[index] for word in (".gradient(", ".watch(")):
                continue
            for variant in _simpler_lines(lines[index]):
                candidate = lines[:index] + [variant] + lines[index + 1:]
                if still_fails(Program(_with_return(candidate), program.features)):
                    lines = candidate
                    changed = True
                    break
        for unit in reversed(_units(lines)):
            if unit.stop > len(lines):
                continue
            candidates = [lines[: unit.start] + lines[unit.stop:]]
            header = lines[unit.start]
            if len(unit) > 1 and header.rstrip().endswith(":"):
                body = [line[4:] for line in lines[unit.start + 1: unit.stop]]
                candidates.append(lines[: unit.start] + body + lines[unit.stop:])
            for candidate in candidates:
                trial = Program(_with_return(candidate), program.features)
                if still_fails(trial):
                    lines = candidate
                    changed = True
                    break
    return Program(_with_return(lines), program.features)


def shrink(program: Program, tf: Any, ours: Any, difference: str,
           budget: int = 1500) -> Optional[Program]:
    """A small program that diverges like `program` (which diverged with `difference`)."""
    still_fails = diverges_like(tf, ours, interpreter.signature(difference))
    current = program
    if program.choices:
        choices = shrink_choices(program.choices, still_fails, budget)
        candidate = generate(ReplayChoices(choices))
        if still_fails(candidate):
            current = candidate
    return shrink_source(current, still_fails)
