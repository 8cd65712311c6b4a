"""Switch a model into its last-epochs mode (YOLOX: the L1 box loss on, while the training data
stops mixing images) at exactly epoch ``max_epochs - num_last_epochs``."""
import logging
from typing import Any, Sequence

import torch
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop

from ...errors import ConfigError, closest
from ...registry import HOOKS


def check_model_switches(model: torch.nn.Module, names: Sequence[str]) -> None:
    """Raise ``ConfigError`` for the first of ``names`` that ``model`` does not list in
    ``scheduled_values()`` (``ScheduledValuesMixin``): a misspelt name, or the hook put on a
    model without the switch, named with what the model declares."""
    declared = tuple(model.scheduled_values()) if hasattr(model, 'scheduled_values') else ()
    for name in names:
        if name not in declared:
            raise ConfigError(
                f'ModeSwitchHook.switches={list(names)!r}: {type(model).__name__} declares no '
                f'switch {name!r}{closest(name, declared)}; it declares {list(declared)} '
                '(scheduled_values()).')


def set_model_switch(model: torch.nn.Module, name: str, value: bool) -> None:
    """Set the switch ``name`` through ``set_scheduled_value``, once ``model`` is known to
    declare it (:func:`check_model_switches`)."""
    check_model_switches(model, (name,))
    model.set_scheduled_value(name, bool(value))


@HOOKS.register_module()
class ModeSwitchHook(Hook):
    """Before every training epoch set each of ``switches`` to ``epoch >= max_epochs -
    num_last_epochs``: off before, on for exactly the last ``num_last_epochs`` epochs (YOLOX:
    15, with ``use_l1``; Megvii's trainer starts one epoch early, which is a bug we do not copy).

    The value is a function of the epoch only, so a run resumed before or after the switch is in
    the same mode as an uninterrupted one. A training set that mixes images
    (``MixedImagesDataset``) must stop mixing at the same epoch: a different ``max_epochs`` or
    ``no_mix_epochs`` is an error at the start of training, naming both. In a training config
    the top-level ``num_last_epochs`` fills both (``engine/last_epochs.py``).

    Args:
        num_last_epochs: how many final epochs run in the switched mode. Default 15.
        switches: dotted names of the model's boolean switches. Default ``('use_l1',)``.
    """

    priority = 'NORMAL'

    def __init__(self, num_last_epochs: int = 15, switches: Sequence[str] = ('use_l1',)) -> None:
        if isinstance(num_last_epochs, bool) or not isinstance(num_last_epochs, int) \
                or num_last_epochs < 0:
            raise ConfigError(f'ModeSwitchHook.num_last_epochs must be an int >= 0, got '
                              f'{num_last_epochs!r}.')
        if isinstance(switches, str) or not switches:
            raise ConfigError(f'ModeSwitchHook.switches must be a non-empty list of names, got '
                              f'{switches!r}.')
        self.num_last_epochs = num_last_epochs
        self.switches = tuple(switches)
        self.epoch_based = True

    def switch_epoch(self, max_epochs: int) -> int:
        """The first epoch (0-based) in the switched mode."""
        return max(max_epochs - self.num_last_epochs, 0)

    def before_run(self, runner) -> None:
        """Check the switches against the model before anything loads or trains."""
        check_model_switches(self._model(runner), self.switches)

    @staticmethod
    def _model(runner) -> torch.nn.Module:
        return runner.model.module if is_model_wrapper(runner.model) else runner.model

    def before_train(self, runner) -> None:
        self.epoch_based = isinstance(runner.train_loop, EpochBasedTrainLoop)
        if not self.epoch_based:
            if self.num_last_epochs:
                raise ConfigError(f'ModeSwitchHook.num_last_epochs={self.num_last_epochs} counts '
                                  'epochs: train with total_epochs, not total_iters (or set '
                                  'num_last_epochs=0: never switch).')
            return
        dataset: Any = runner.train_dataloader.dataset
        if hasattr(dataset, 'no_mix_epochs'):
            stops = (dataset.max_epochs - dataset.no_mix_epochs
                     if dataset.max_epochs is not None else None)
            if stops != self.switch_epoch(runner.max_epochs):
                raise ConfigError(
                    f'ModeSwitchHook switches at epoch {self.switch_epoch(runner.max_epochs)} '
                    f'(total_epochs={runner.max_epochs}, num_last_epochs='
                    f'{self.num_last_epochs}) but the training data stops mixing at epoch '
                    f'{stops} (data.train.max_epochs={dataset.max_epochs}, no_mix_epochs='
                    f'{dataset.no_mix_epochs}); make them agree (a config sets both with '
                    'the top-level num_last_epochs).')

    def before_train_epoch(self, runner) -> None:
        if not self.epoch_based:
            return
        model = self._model(runner)
        on = runner.epoch >= self.switch_epoch(runner.max_epochs)
        for name in self.switches:
            set_model_switch(model, name, on)
        if on and runner.epoch == self.switch_epoch(runner.max_epochs):
            print_log(f'Epoch {runner.epoch}: the last {self.num_last_epochs} epochs begin; '
                      f'{", ".join(self.switches)} switched on.', logger='current',
                      level=logging.INFO)
