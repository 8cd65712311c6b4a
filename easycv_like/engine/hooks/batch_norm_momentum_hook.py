"""Set the running-statistics momentum of every batch-norm layer before training.

torchvision's MobileNets build their BN layers with momentum 0.01, tuned for long ImageNet runs
from pretrained weights. Trained from scratch for a few hundred iterations, such running
statistics still remember the first iterations' activations, so evaluation (which uses them)
is far worse than training; a larger momentum lets them follow the weights.
"""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch.nn.modules.batchnorm import _BatchNorm

from ...registry import HOOKS


@HOOKS.register_module()
class BatchNormMomentumHook(Hook):
    """Before training, set ``momentum`` on every BN layer of the model.

    Args:
        momentum: weight of the newest batch in the running mean / variance, in (0, 1].
            Default 0.1 (PyTorch's default).
    """

    priority = 'VERY_HIGH'

    def __init__(self, momentum: float = 0.1) -> None:
        if not 0.0 < momentum <= 1.0:
            raise ValueError(f'BatchNormMomentumHook momentum must be in (0, 1], got {momentum}.')
        self.momentum = momentum

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        layers = [m for m in model.modules() if isinstance(m, _BatchNorm)]
        if not layers:
            raise ValueError(f'BatchNormMomentumHook: {type(model).__name__} has no batch-norm '
                             'layer; remove the hook from custom_hooks.')
        for layer in layers:
            layer.momentum = self.momentum
