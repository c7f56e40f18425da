"""The package under test is the installed one, and its metadata is consistent.

CI installs `tftape_torch` as a wheel (not editable) and sets `TFTAPE_REQUIRE_INSTALLED=1`:
then the tests must be running against that wheel, so a module or data file missing
from the package fails the suite instead of being found in the source tree.
"""

from __future__ import annotations

import importlib.metadata
import os
import pathlib

import tftape_torch

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_version_matches_the_distribution() -> None:
    assert tftape_torch.__version__ == importlib.metadata.version("tftape_torch")


def test_package_ships_its_type_marker() -> None:
    assert (pathlib.Path(tftape_torch.__file__).parent / "py.typed").is_file()


def test_suite_runs_against_the_installed_package() -> None:
    if os.environ.get("TFTAPE_REQUIRE_INSTALLED") != "1":
        return  # a developer's editable install is the source tree, by design
    package_dir = pathlib.Path(tftape_torch.__file__).resolve().parent
    assert ROOT not in package_dir.parents, (
        f"tests imported tftape_torch from the source tree ({package_dir}), not the "
        "installed wheel: run `pytest`, not `python -m pytest`, from the repository root"
    )
    source_modules = {p.name for p in (ROOT / "tftape_torch").glob("*.py")}
    installed_modules = {p.name for p in package_dir.glob("*.py")}
    assert source_modules == installed_modules
