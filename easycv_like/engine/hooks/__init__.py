"""Runner hooks, one job each."""
from .checkpoint_hook import CheckpointHook
from .initial_eval_hook import InitialEvalHook
from .plain_state_hook import PlainStateHook

__all__ = ['CheckpointHook', 'InitialEvalHook', 'PlainStateHook']
