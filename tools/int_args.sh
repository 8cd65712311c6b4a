# Sourced by dist_train.sh and slurm_train.sh: check_int NAME MIN stops the launch (exit 2) with
# one line when the variable NAME is not a whole number >= MIN (0 or 1), before bash arithmetic
# or srun/torchrun would trip over it with a message that does not name it.
check_int() {
    local value=${!1}
    if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$((10#$value))" -lt "$2" ]; then
        local what='a whole number'
        [ "$2" -ge 1 ] && what='a positive integer'
        echo "error: $1 must be $what, got '$value'." >&2
        exit 2
    fi
}
