"""Record (or re-check) what TensorFlow prints for each section of the guide scripts.

Each guide in `runner.GUIDES` runs in its own subprocess with `import tensorflow as tf`
(`python -m tests.guides.runner <guide> --backend tensorflow`), section after section;
per section its output (stdout and stderr, addresses masked) and the class of an
escaping exception are stored in `tests/guides/golden/<guide>.json`, with the
TensorFlow version.

Usage, from the repository root (needs TensorFlow)::

    python -m tests.guides.record                 # (re-)record every guide
    python -m tests.guides.record basics tensor   # some guides
    python -m tests.guides.record --check [--report report.json]

`--check` compares live TensorFlow with the golden files (sections tagged `[random]`
by whether and what they raise only) and prints a JSON report
(`{"tensorflow_version": ..., "guides": {guide: {section: null | "difference"}}}`);
it exits 1 when something differs.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
from typing import Any, Dict, List, Optional

from tests.guides import runner

GOLDEN = runner.HERE / "golden"


def golden_path(guide: str) -> pathlib.Path:
    return GOLDEN / f"{guide}.json"


def load_golden(guide: str) -> Optional[Dict[str, Any]]:
    path = golden_path(guide)
    if not path.exists():
        return None
    data: Dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def tensorflow_version() -> str:
    proc = subprocess.run(
        [sys.executable, "-c", "import tensorflow as tf; print(tf.__version__)"],
        capture_output=True,
        text=True,
        env=dict(__import__("os").environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES=""),
        timeout=300,
    )
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "unknown"


def recorded(results: Dict[str, Any]) -> Dict[str, Any]:
    """What the golden file keeps of one section's result."""
    return {
        name: {"output": entry["output"], "error": entry["error"]}
        for name, entry in results.items()
    }


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("guides", nargs="*", choices=[[], *runner.GUIDES], default=[])
    parser.add_argument("--check", action="store_true", help="compare instead of recording")
    parser.add_argument("--report", help="also write the --check report to this file")
    args = parser.parse_args(argv)
    guides = args.guides or list(runner.GUIDES)
    version = tensorflow_version()
    report: Dict[str, Dict[str, Optional[str]]] = {}
    for guide in guides:
        live = runner.run_in_subprocess(guide, "tensorflow")
        if args.check:
            golden = load_golden(guide) or {"sections": {}}
            entries: Dict[str, Optional[str]] = {}
            for section in runner.sections_of(guide):
                want = golden["sections"].get(section.name)
                if want is None:
                    entries[section.name] = "no golden entry: re-record"
                    continue
                entries[section.name] = runner.compare(section, want, live[section.name])
            report[guide] = entries
        else:
            data = {"tensorflow_version": version, "sections": recorded(live)}
            golden_path(guide).write_text(
                json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
            )
            raised = sum(1 for e in live.values() if e["error"])
            print(
                f"recorded {guide}: {len(live)} sections, {raised} raise under TF", file=sys.stderr
            )
    if args.check:
        text = json.dumps({"tensorflow_version": version, "guides": report}, indent=1)
        print(text)
        if args.report:
            pathlib.Path(args.report).write_text(text, encoding="utf-8")
        return 1 if any(d is not None for g in report.values() for d in g.values()) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
