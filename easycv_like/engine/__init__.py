"""Config -> mmengine Runner, plus our loops, hooks, optimizers and schedulers."""
from . import hooks, optimizers, schedulers  # noqa: F401  (register their classes)
from .build_runner import apply_overrides, build_runner, check_schema
from .loops import MultiDatasetValLoop
from .train_loops import ResumableEpochBasedTrainLoop, ResumableIterBasedTrainLoop
from .model_wrapper import DeviceAgnosticDDP

__all__ = ['DeviceAgnosticDDP', 'MultiDatasetValLoop', 'ResumableEpochBasedTrainLoop',
           'ResumableIterBasedTrainLoop', 'apply_overrides', 'build_runner', 'check_schema']
