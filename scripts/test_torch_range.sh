#!/usr/bin/env bash
# Run the test suite on each end of the declared torch range, each in a fresh
# virtual environment (several GB for a CUDA build of torch: not part of .ci/run).
#
#   bash scripts/test_torch_range.sh            # torch 2.13.0 and 2.14.1
#   bash scripts/test_torch_range.sh 2.14.1     # one version
set -euo pipefail
cd "$(dirname "$0")/.."
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(2.13.0 2.14.1)
for version in "${versions[@]}"; do
    venv="$(mktemp -d)/venv-torch-$version"
    python -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "torch==$version"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check ".[test,oracle]"
    echo "== torch $version"
    (export TFTAPE_REQUIRE_ORACLE=1 TFTAPE_REQUIRE_INSTALLED=1; "$venv/bin/pytest" -q -p no:cacheprovider)
    rm -rf "$venv"
done
