"""Runner hooks, one job each."""
from .checkpoint_hook import CheckpointHook
from .class_count_check_hook import ClassCountCheckHook
from .dino_teacher_temp_hook import DINOTeacherTempHook
from .ema_hook import EMAHook
from .epoch_length_check_hook import EpochLengthCheckHook
from .initial_eval_hook import InitialEvalHook
from .momentum_update_hook import MomentumUpdateHook
from .plain_state_hook import PlainStateHook
from .preemption_hook import PreemptionHook
from .rng_state_hook import RNGStateHook
from .swav_prototype_freeze_hook import SwAVPrototypeFreezeHook
from .swav_queue_hook import SwAVQueueHook
from .weight_decay_schedule_hook import WeightDecayScheduleHook
from .weight_load_hook import WeightLoadHook

__all__ = ['CheckpointHook', 'ClassCountCheckHook', 'DINOTeacherTempHook', 'EMAHook',
           'EpochLengthCheckHook', 'InitialEvalHook', 'MomentumUpdateHook', 'PlainStateHook',
           'PreemptionHook', 'RNGStateHook', 'SwAVPrototypeFreezeHook', 'SwAVQueueHook',
           'WeightDecayScheduleHook', 'WeightLoadHook']
