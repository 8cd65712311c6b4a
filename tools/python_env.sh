# Sourced by dist_train.sh and slurm_train.sh: sets PYTHON to the interpreter of the environment
# easycv_like was installed into, not whatever `python` comes first on PATH. In order:
#   $PYTHON (explicit), the repository's .venv (what `make install` creates), the active
#   virtualenv ($VIRTUAL_ENV), the active conda environment ($CONDA_PREFIX), then python3.
# The choice must import torch and easycv_like; otherwise the launch stops and says so.
find_python() {
    local repo=$1 candidate
    if [ -n "${PYTHON:-}" ]; then
        command -v "$PYTHON" || { echo "PYTHON=$PYTHON is not an executable interpreter." >&2; return 1; }
        return 0
    fi
    for candidate in "$repo/.venv/bin/python" "${VIRTUAL_ENV:+$VIRTUAL_ENV/bin/python}" \
            "${CONDA_PREFIX:+$CONDA_PREFIX/bin/python}"; do
        if [ -n "$candidate" ] && [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    command -v python3 || command -v python || { echo "No python interpreter found; set PYTHON." >&2; return 1; }
}

check_python() {
    if ! PYTHONPATH="$2${PYTHONPATH:+:$PYTHONPATH}" "$1" -c 'import torch, easycv_like' 2>/dev/null; then
        echo "$1 cannot import torch and easycv_like: set PYTHON=/path/to/your/env/bin/python" \
             "(the environment where you ran pip install -e .)." >&2
        return 1
    fi
}
