#!/usr/bin/env bash
# The CUDA checks, for a machine with an NVIDIA GPU and a CUDA build of torch (CI has
# no GPU, so .ci/run cannot make them). Each step's output is printed and saved:
#
#   OUTDIR/env.txt           torch, CUDA and the GPU
#   OUTDIR/tests_cuda.txt    the suite's CUDA parametrisations (pytest -k cuda)
#   OUTDIR/bench_cuda.txt    benchmarks/run.py --device cuda: timings, memory, and the
#                            check that no gradient path synchronises host and device
#   OUTDIR/matrix_cuda.txt   the jacobian matrix on CUDA, sizes 16 and 256
#   OUTDIR/matrix_cuda_large.txt   its 1024 and parallel_iterations rows
#
#   bash scripts/test_cuda.sh [OUTDIR]        # OUTDIR defaults to ./cuda-results
#
# Runs from the source tree (PYTHONPATH), so the GPU machine's own torch is used.
# Each step has a time limit (seconds, STEP_LIMITS="tests bench matrix large") so
# that a slow step cannot eat the others; the exit status is 1 if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-cuda-results}"
mkdir -p "$out"
read -r t_tests t_bench t_matrix t_large <<<"${STEP_LIMITS:-150 70 330 60}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
python=${PYTHON:-python3}
status=0

step() {
    local name=$1 limit=$2
    shift 2
    echo "== $name (limit ${limit}s): $*"
    local started=$SECONDS
    timeout "$limit" "$@" 2>&1 | tee "$out/$name.txt"
    local rc=${PIPESTATUS[0]}
    echo "== $name: exit $rc after $((SECONDS - started))s" | tee -a "$out/$name.txt"
    [ "$rc" = 0 ] || status=1
}

step env 60 "$python" -c '
import torch
print("torch", torch.__version__, "CUDA", torch.version.cuda)
print("GPU", torch.cuda.get_device_name() if torch.cuda.is_available() else "none")
import tftape_torch
print("tftape_torch", tftape_torch.__version__, "from", tftape_torch.__file__)
'
step tests_cuda "$t_tests" "$python" -m pytest -q -k cuda -n 8 -p no:cacheprovider \
    -W "ignore:tftape_torch was verified:UserWarning"
step bench_cuda "$t_bench" "$python" benchmarks/run.py --device cuda --no-tf \
    --repeat 40 --budget-s 2 --memory-iterations 1000
# Calls take 0.4-3 ms of host launches on a GPU; batches of ~20 ms over 15 rounds
# settle the host's jitter (batches of 5 ms over 10 rounds moved rows by +-25%).
step matrix_cuda "$t_matrix" "$python" benchmarks/bench_jacobian_matrix.py --device cuda \
    --large 0 --parallel-iterations 0 --repeat 15 --budget-s 3 --sample-ms 20
step matrix_cuda_large "$t_large" "$python" benchmarks/bench_jacobian_matrix.py --device cuda \
    --only matmul_col,matmul_row,softmax,elementwise --sizes 1024 --modes jacobian \
    --repeat 10 --budget-s 1 --sample-ms 5
exit $status
