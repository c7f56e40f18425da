"""The per-guide table: how much of each TF guide runs and prints what TF prints.

    python -m tests.guides.report               # markdown table + top missing names
    python -m tests.guides.report --draft-known # also: draft known-differences lines
                                                # for differing sections not yet listed

Runs every guide under tftape_torch (one subprocess each) and compares each section
with the golden file recorded under TensorFlow (`tests/guides/record.py`). Columns:
sections in the script; sections that run under TF (no exception); of those, how many
raise under tftape_torch; how many print exactly what TF prints (sections that raise
under TF count as exact when tftape_torch raises the same class); and that last count
as a share of all sections.
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from typing import Any, Dict, List, Optional, Tuple

from tests.guides import record, runner

KNOWN_FILE = runner.HERE / "known_differences.md"
_ENTRY = re.compile(r"^- `([A-Za-z0-9_]+)::([A-Za-z0-9_-]+)`: (.+)$")
_MISSING = re.compile(r"module '(tftape_torch[\w.]*)' has no attribute '(\w+)'")
OUT_OF_SCOPE = ("saved_model", "strings", "ragged", "sparse", "string", "io")


def known_differences() -> Dict[Tuple[str, str], str]:
    """`(guide, section) -> reason` from `known_differences.md`."""
    known: Dict[Tuple[str, str], str] = {}
    for line in KNOWN_FILE.read_text(encoding="utf-8").splitlines():
        match = _ENTRY.match(line.strip())
        if match:
            known[(match.group(1), match.group(2))] = match.group(3)
    return known


def missing_name(entry: Dict[str, Any]) -> Optional[str]:
    """`tf.X` when the section raised for a name tftape_torch lacks."""
    if not entry.get("error"):
        return None
    message = entry.get("message", "")
    match = _MISSING.search(message)
    if match:
        return "tf" + match.group(1)[len("tftape_torch") :] + "." + match.group(2)
    if "has no string tensors" in message:
        return "tf.string (string tensors)"
    match = re.search(r"'(\w+)' object has no attribute '(\w+)'", message)
    if match and entry["error"] == "AttributeError":
        return f"{match.group(1)}.{match.group(2)}"
    return None


def evaluate(guide: str, ours: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """Per section: TF's outcome, ours, and the difference (None when identical)."""
    golden = record.load_golden(guide)
    if golden is None:
        raise RuntimeError(f"no golden file for {guide}: run `python -m tests.guides.record`")
    if ours is None:
        ours = runner.run_in_subprocess(guide, "tftape_torch")
    rows = []
    for section in runner.sections_of(guide):
        want = golden["sections"].get(section.name)
        got = ours[section.name]
        rows.append(
            {
                "section": section.name,
                "tf_error": None if want is None else want["error"],
                "ours": got,
                "difference": "no golden entry"
                if want is None
                else runner.compare(section, want, got),
            }
        )
    return rows


def draft_reason(guide: str, row: Dict[str, Any], rows: List[Dict[str, Any]]) -> str:
    name = missing_name(row["ours"])
    if name is not None:
        top = name.split(".")[1] if name.startswith("tf.") else ""
        if top == "keras":
            return "needs tf.keras (issue 14)"
        if top in OUT_OF_SCOPE or name.startswith("tf.string"):
            return f"out of scope: {name} (issue 13 item 5)"
        return f"missing {name}"
    if row["ours"].get("error") == "NameError":
        return "uses what an earlier section failed to define"
    return "TODO: " + (row["difference"] or "").splitlines()[0][:200]


def _row(guide: str, total: int, tf_runs: int, raises: int, exact: int, out: int,
         exact_runs: int) -> str:
    """One table row; the last column counts only sections that run under TF."""
    in_scope = tf_runs - out
    return (
        f"| {guide} | {total} | {tf_runs} | {raises} | {exact} "
        f"| {100 * exact / max(total, 1):.0f}% | {out} "
        f"| {exact_runs}/{in_scope} = {100 * exact_runs / max(in_scope, 1):.0f}% |"
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("guides", nargs="*", default=[])
    parser.add_argument("--draft-known", action="store_true")
    args = parser.parse_args(argv)
    guides = args.guides or list(runner.GUIDES)
    known = known_differences()
    missing_counts: collections.Counter[str] = collections.Counter()
    cascades = 0
    lines = [
        "| guide | sections | run under TF | raise under tftape_torch | print what TF prints "
        "| % of all | out of scope | % of in scope |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    totals = [0, 0, 0, 0, 0, 0]
    drafts: List[str] = []
    unexpected: List[str] = []
    for guide in guides:
        rows = evaluate(guide)
        total = len(rows)
        tf_runs = sum(1 for r in rows if r["tf_error"] is None)
        raises = sum(1 for r in rows if r["tf_error"] is None and r["ours"]["error"])
        exact = sum(1 for r in rows if r["difference"] is None)
        exact_runs = sum(1 for r in rows if r["difference"] is None and r["tf_error"] is None)
        out_of_scope = sum(
            1
            for r in rows
            if r["tf_error"] is None
            and known.get((guide, r["section"]), "").startswith("out of scope")
        )
        for r in rows:
            if r["difference"] is not None and r["tf_error"] is None and r["ours"]["error"]:
                name = missing_name(r["ours"])
                if name:
                    missing_counts[name] += 1
                elif r["ours"]["error"] == "NameError":
                    cascades += 1
            key = (guide, r["section"])
            if r["difference"] is not None and key not in known:
                drafts.append(f"- `{guide}::{r['section']}`: {draft_reason(guide, r, rows)}")
            if r["difference"] is None and key in known:
                unexpected.append(f"{guide}::{r['section']} now passes: remove it from the list")
        for i, v in enumerate((total, tf_runs, raises, exact, out_of_scope, exact_runs)):
            totals[i] += v
        lines.append(_row(guide, total, tf_runs, raises, exact, out_of_scope, exact_runs))
    lines.append(_row("**all**", *totals))
    print("\n".join(lines))
    print(
        "\nNames tftape_torch lacks, by sections that raise on them directly "
        f"(another {cascades} raise NameError on what those failed to define):\n"
    )
    for name, count in missing_counts.most_common():
        print(f"- `{name}`: {count}")
    if unexpected:
        print("\n" + "\n".join(unexpected))
    if args.draft_known and drafts:
        print("\nDraft known-differences lines:\n")
        print("\n".join(drafts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
