"""torchvision's MobileNet classifiers as a head: V3's Linear -> Hardswish -> Dropout -> Linear,
V2's Dropout -> Linear, after the global average pool; plus the key mapping that loads a
torchvision MobileNet classification ``state_dict`` into our ``Classification`` model."""
from collections.abc import Mapping, Sequence

import torch
from torch import nn

from easycv_like.errors import ConfigError
from easycv_like.registry import MODELS

from ..backbones.global_pool import global_pool
from .cls_head import ClsHead


@MODELS.register_module()
class MobileNetClsHead(ClsHead):
    """Pool, optional hidden Linear + Hardswish, Dropout, then the class Linear (``fc``).

    With ``hidden_channels`` this is MobileNetV3's classifier (``pre_logits`` = Linear(in, hidden),
    Hardswish, Dropout); without it MobileNetV2's (``pre_logits`` = Dropout). ``fc`` and the
    loss are ``ClsHead``'s. Paper: https://arxiv.org/abs/1905.02244 (section 5.1).

    Args:
        in_channels: channels of the backbone's last feature map (960 MNv3-L, 576 MNv3-S, 1280
            MNv2 at width 1).
        num_classes: number of classes.
        hidden_channels: width of the hidden layer (the backbone's ``classifier_channels``:
            1280 MNv3-L, 1024 MNv3-S); None for no hidden layer (MNv2). Default None.
        dropout: dropout probability before ``fc``. Default 0.2 (torchvision's).
        label_smoothing: smoothing of the cross-entropy target. Default 0.0.
        topk: ``k`` values of the training accuracies logged as ``acc_top{k}``, each at most
            ``num_classes`` (``ClsHead``). Default (1,).
        init_cfg: mmengine init config. Default None (Linear weights normal std 0.01, bias 0,
            as torchvision).
    """

    def __init__(self, in_channels: int, num_classes: int, hidden_channels: int | None = None,
                 dropout: float = 0.2, label_smoothing: float = 0.0,
                 topk: Sequence[int] = (1,), init_cfg: dict | None = None):
        if not 0.0 <= dropout < 1.0:
            raise ConfigError(f'MobileNetClsHead dropout must be in [0, 1), got {dropout}')
        if hidden_channels is not None and hidden_channels <= 0:
            raise ConfigError(f'MobileNetClsHead hidden_channels must be positive or None, '
                              f'got {hidden_channels}')
        super().__init__(hidden_channels or in_channels, num_classes, with_avg_pool=True,
                         label_smoothing=label_smoothing, topk=topk, init_cfg=init_cfg)
        self.in_channels = in_channels
        self.hidden_channels = hidden_channels
        layers: list[nn.Module] = []
        if hidden_channels is not None:
            hidden = nn.Linear(in_channels, hidden_channels)
            nn.init.normal_(hidden.weight, mean=0.0, std=0.01)
            nn.init.zeros_(hidden.bias)
            layers += [hidden, nn.Hardswish()]
        self.pre_logits = nn.Sequential(*layers, nn.Dropout(dropout))

    def forward(self, feats: Sequence[torch.Tensor]) -> torch.Tensor:
        """Logits N x num_classes from the last element of ``feats``."""
        x = global_pool(feats[-1])  # N x in_channels
        return self.fc(self.pre_logits(x))  # N x hidden (or in) -> N x num_classes


def is_torchvision_mobilenet(state: Mapping[str, torch.Tensor], prefix: str = '') -> bool:
    """Whether ``state`` holds a torchvision MobileNet classifier at ``prefix`` (``features.*``
    and ``classifier.*``, no ``backbone.*``)."""
    starts = {k[len(prefix):].split('.', 1)[0] for k in state if k.startswith(prefix)}
    return {'features', 'classifier'} <= starts and 'backbone' not in starts


def torchvision_mobilenet_to_classification(state_dict: Mapping[str, torch.Tensor],
                                            prefix: str = '') -> dict[str, torch.Tensor]:
    """Rename a torchvision MobileNetV2 / V3 classification ``state_dict`` for ``Classification``
    with a MobileNet backbone and ``MobileNetClsHead``: ``features.*`` -> ``backbone.features.*``,
    V3 ``classifier.0`` / ``classifier.3`` -> ``head.pre_logits.0`` / ``head.fc``, V2
    ``classifier.1`` -> ``head.fc``. Only keys under ``prefix`` are renamed (the prefix stays);
    another key there is an error naming it, keys outside ``prefix`` are kept as they are."""
    names = [k[len(prefix):] for k in state_dict if k.startswith(prefix)]
    v3 = any(k.startswith('classifier.3.') for k in names)
    classifier = ({'classifier.0.': 'head.pre_logits.0.', 'classifier.3.': 'head.fc.'} if v3
                  else {'classifier.1.': 'head.fc.'})
    renames = {'features.': 'backbone.features.', **classifier}
    mapped, unknown = {}, []
    for key, value in state_dict.items():
        if not key.startswith(prefix):
            mapped[key] = value
            continue
        name = key[len(prefix):]
        source = next((s for s in renames if name.startswith(s)), None)
        if source is None:
            unknown.append(key)
        else:
            mapped[prefix + renames[source] + name[len(source):]] = value
    if unknown:
        raise KeyError(f'Not a torchvision MobileNet{"V3" if v3 else "V2"} classification '
                       f'state dict: no mapping for {unknown[:5]} (known prefixes: '
                       f'{sorted(renames)})')
    return mapped
