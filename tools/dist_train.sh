#!/usr/bin/env bash
# Distributed training with torchrun: bash tools/dist_train.sh CONFIG NUM_PROCS [train.py args]
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR and PORT environment variables.
# MAX_RESTARTS=N restarts a failed worker group N times; it resumes from the work dir.
set -euo pipefail
usage() {
    cat <<'USAGE'
Usage: bash tools/dist_train.sh CONFIG NUM_PROCS [train.py arguments...]

Starts NUM_PROCS training processes per node with torchrun (tools/train.py --launcher pytorch).
  CONFIG      config file, e.g. configs/ssl/mocov2_r50.py
  NUM_PROCS   processes per node (one per GPU; gloo processes on a CPU-only machine)
Environment: NNODES (1), NODE_RANK (0), MASTER_ADDR (127.0.0.1), PORT (29500),
  MAX_RESTARTS (0; > 0 restarts a failed worker group, resuming with --resume auto),
  PYTHON (default: the repository's .venv, else the active virtualenv/conda environment).
Example: bash tools/dist_train.sh configs/ssl/mocov2_r50.py 8 --work_dir work_dirs/mocov2
USAGE
}
if [ $# -ge 1 ] && { [ "$1" = "-h" ] || [ "$1" = "--help" ]; }; then usage; exit 0; fi
if [ $# -lt 2 ]; then usage >&2; echo "error: CONFIG and NUM_PROCS are required." >&2; exit 2; fi
CONFIG=$1
NPROC=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=int_args.sh
source "$HERE/int_args.sh"
NUM_PROCS=$NPROC check_int NUM_PROCS 1
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
MAX_RESTARTS=${MAX_RESTARTS:-0}
check_int NNODES 1
check_int NODE_RANK 0
check_int PORT 1
check_int MAX_RESTARTS 0
# shellcheck source=python_env.sh
source "$HERE/python_env.sh"
PYTHON=$(find_python "$HERE/..")
check_python "$PYTHON" "$HERE/.."
export PYTHONPATH="$HERE/..${PYTHONPATH:+:$PYTHONPATH}"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
EXTRA=()
if [ "$MAX_RESTARTS" -gt 0 ]; then EXTRA=(--resume auto); fi
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --master_port="$PORT" --nproc_per_node="$NPROC" --max_restarts="$MAX_RESTARTS" \
    "$HERE/train.py" "$CONFIG" --launcher pytorch "${EXTRA[@]}" "$@"
