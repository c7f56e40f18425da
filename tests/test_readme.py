"""The README's Python snippets run as written, and print what the README says.

Every ```python block runs in a fresh interpreter, except one preceded by an
`<!-- sketch: ... -->` comment (which says why it cannot run alone). A block followed
directly by a plain ``` block must print exactly that block.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys
from typing import List, NamedTuple, Optional

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(
    r"(?P<sketch><!-- sketch:[^\n]*-->\n)?```python\n(?P<code>.*?)```\n"
    r"(?:\n```\n(?P<output>.*?)```\n)?",
    re.S,
)


class Snippet(NamedTuple):
    line: int
    code: str
    output: Optional[str]


def _snippets() -> List[Snippet]:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in _BLOCK.finditer(text):
        if match.group("sketch"):
            continue
        line = text.count("\n", 0, match.start()) + 1
        found.append(Snippet(line, match.group("code"), match.group("output")))
    return found


def test_readme_has_runnable_snippets() -> None:
    assert len(_snippets()) >= 2


@pytest.mark.parametrize("snippet", _snippets(), ids=lambda s: f"line{s.line}")
def test_readme_snippet_runs(snippet: Snippet) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", snippet.code], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, f"README line {snippet.line} failed:\n{proc.stderr[-3000:]}"
    if snippet.output is not None:
        assert proc.stdout == snippet.output
