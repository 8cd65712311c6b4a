#!/usr/bin/env bash
# Distributed training with torchrun: bash tools/dist_train.sh CONFIG NUM_PROCS [train.py args]
# Multi-node: NNODES, NODE_RANK, MASTER_ADDR and PORT environment variables.
# MAX_RESTARTS=N restarts a failed worker group N times; it resumes from the work dir.
set -euo pipefail
CONFIG=$1
NPROC=$2
shift 2
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
MAX_RESTARTS=${MAX_RESTARTS:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python}
export PYTHONPATH="$HERE/..${PYTHONPATH:+:$PYTHONPATH}"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
EXTRA=()
if [ "$MAX_RESTARTS" -gt 0 ]; then EXTRA=(--resume auto); fi
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" --node_rank="$NODE_RANK" --master_addr="$MASTER_ADDR" \
    --master_port="$PORT" --nproc_per_node="$NPROC" --max_restarts="$MAX_RESTARTS" \
    "$HERE/train.py" "$CONFIG" --launcher pytorch "${EXTRA[@]}" "$@"
