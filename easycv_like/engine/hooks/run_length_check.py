"""Refuse a hook schedule that starts or ends after the run: the config would promise a phase
(SwAV's queue, unfrozen prototypes) that training never reaches."""
from ...errors import ConfigError


def check_within_run(hook: str, key: str, at_iter: int, runner, meaning: str) -> None:
    """Raise when ``at_iter`` (0-based iteration of ``hook``'s ``key``) is not before the run's
    last iteration ``runner.max_iters``; ``meaning`` says what would then never happen."""
    if at_iter >= runner.max_iters:
        raise ConfigError(
            f'custom_hooks {hook}: {key} reaches iteration {at_iter}, but the run has only '
            f'{runner.max_iters} iterations, so {meaning}. Lower {key} in the custom_hooks '
            f"entry type='{hook}' or train longer (total_epochs / total_iters).")
