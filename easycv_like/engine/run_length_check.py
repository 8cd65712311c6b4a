"""Refuse a schedule that starts or ends after the run: the config would promise a phase (the
base learning rate after a warm-up, DINO's final teacher temperature, SwAV's queue) that training
never reaches. One check for the schedulers and the hooks."""
from ..errors import ConfigError

TRAIN_LONGER = 'or train longer (total_epochs / total_iters)'


def check_within_run(key: str, at_iter: int, max_iters: int, meaning: str, fix: str) -> None:
    """Raise when ``at_iter`` (the 0-based iteration where ``key``'s phase begins) is not before
    the run's last iteration: ``max_iters`` iterations, numbered 0 to ``max_iters - 1``.
    ``meaning`` says what would then never happen, ``fix`` how to change the config."""
    if at_iter >= max_iters:
        raise ConfigError(f'{key} reaches iteration {at_iter}, but the run has only {max_iters} '
                          f'iterations, so {meaning}. {fix} {TRAIN_LONGER}.')


def check_hook_within_run(hook: str, key: str, at_iter: int, runner, meaning: str) -> None:
    """:func:`check_within_run` for the argument ``key`` of the custom hook ``hook``."""
    check_within_run(f'custom_hooks {hook}: {key}', at_iter, runner.max_iters, meaning,
                     f"Lower {key} in the custom_hooks entry type='{hook}'")
