"""Layer-wise learning-rate decay for fine-tuning ViTs (BEiT, https://arxiv.org/abs/2106.08254;
used by MAE fine-tuning, https://arxiv.org/abs/2111.06377)."""
from typing import List, Optional

from torch import nn

from ...errors import ConfigError
from ...registry import OPTIM_WRAPPER_CONSTRUCTORS
from .trainable_params_optim_wrapper_constructor import TrainableParamsOptimWrapperConstructor


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(TrainableParamsOptimWrapperConstructor):
    """mmengine's default constructor (frozen parameters logged once), then every learning rate
    scaled by its layer's depth.

    A parameter of the backbone with layer id ``i`` (``model.backbone.layer_id(name)``, ids
    ``0 .. num_layers - 1``: embeddings, blocks, what follows them) gets
    ``lr * layer_decay ** (num_layers - 1 - i)``; parameters outside the backbone (the head)
    keep ``lr``. The other ``paramwise_cfg`` options (``norm_decay_mult``, ``custom_keys``...)
    work as in mmengine and combine with the scale. Each group also records ``lr_scale``.

    Config: ``optimizer=dict(type='AdamW', lr=..., constructor='LayerDecayOptimWrapperConstructor',
    paramwise_options=dict(layer_decay=0.65, ...))``.

    Args:
        optim_wrapper_cfg: the optimizer wrapper config (with ``optimizer``).
        paramwise_cfg: mmengine paramwise options plus ``layer_decay`` (required, in (0, 1]).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: Optional[dict] = None) -> None:
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        if 'layer_decay' not in self.paramwise_cfg:
            raise ConfigError('LayerDecayOptimWrapperConstructor needs '
                              'paramwise_options.layer_decay')
        self.layer_decay = float(self.paramwise_cfg['layer_decay'])
        if not 0.0 < self.layer_decay <= 1.0:
            raise ConfigError(f'paramwise_options.layer_decay must be in (0, 1], got '
                              f'{self.layer_decay}')

    def add_params(self, params: List[dict], module: nn.Module, prefix: str = '',
                   is_dcn_module=None) -> None:
        super().add_params(params, module, prefix, is_dcn_module)
        if prefix:  # only the outermost call (the whole model) rescales, once
            return
        backbone = getattr(module, 'backbone', None)
        if backbone is None or not hasattr(backbone, 'layer_id'):
            raise ConfigError('layer-wise lr decay needs model.backbone.layer_id(name), e.g. '
                              'VisionTransformer')
        names = {id(p): name for name, p in module.named_parameters()}
        last = backbone.num_layers - 1
        for group in params:
            name = names[id(group['params'][0])]
            layer = (backbone.layer_id(name[len('backbone.'):])
                     if name.startswith('backbone.') else last)
            group['lr_scale'] = self.layer_decay ** (last - layer)
            group['lr'] = group.get('lr', self.base_lr) * group['lr_scale']
