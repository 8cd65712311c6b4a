#!/usr/bin/env bash
# SLURM: bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py args]
# GPUS (total, default 8), GPUS_PER_NODE (default 8, or GPUS when fewer), CPUS_PER_TASK
# (default 5), SRUN_ARGS.
# The job requeues on preemption and resumes from the work dir (--resume auto).
set -euo pipefail
usage() {
    cat <<'USAGE'
Usage: bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py arguments...]

Runs tools/train.py --launcher slurm --resume auto through srun --requeue (one task per GPU).
  PARTITION   SLURM partition
  JOB_NAME    job name
  CONFIG      config file, e.g. configs/ssl/mocov2_r50.py
Environment: GPUS (8, in total), GPUS_PER_NODE (8, or GPUS when fewer), CPUS_PER_TASK (5),
  SRUN_ARGS (extra srun options),
  PYTHON (default: the repository's .venv, else the active virtualenv/conda environment).
Example: GPUS=16 bash tools/slurm_train.sh gpu mocov2 configs/ssl/mocov2_r50.py
USAGE
}
if [ $# -ge 1 ] && { [ "$1" = "-h" ] || [ "$1" = "--help" ]; }; then usage; exit 0; fi
if [ $# -lt 3 ]; then
    usage >&2; echo "error: PARTITION, JOB_NAME and CONFIG are required." >&2; exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
shift 3
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=int_args.sh
source "$HERE/int_args.sh"
GPUS=${GPUS:-8}
check_int GPUS 1
GPUS_PER_NODE=${GPUS_PER_NODE:-$(( 10#$GPUS < 8 ? 10#$GPUS : 8 ))}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
check_int GPUS_PER_NODE 1
check_int CPUS_PER_TASK 1
SRUN_ARGS=${SRUN_ARGS:-}
# shellcheck source=python_env.sh
source "$HERE/python_env.sh"
PYTHON=$(find_python "$HERE/..")
check_python "$PYTHON" "$HERE/.."
export PYTHONPATH="$HERE/..${PYTHONPATH:+:$PYTHONPATH}"
srun -p "$PARTITION" --job-name="$JOB_NAME" --gres=gpu:"$GPUS_PER_NODE" \
    --ntasks="$GPUS" --ntasks-per-node="$GPUS_PER_NODE" --cpus-per-task="$CPUS_PER_TASK" \
    --kill-on-bad-exit=1 --requeue $SRUN_ARGS \
    "$PYTHON" -u "$HERE/train.py" "$CONFIG" --launcher slurm --resume auto "$@"
