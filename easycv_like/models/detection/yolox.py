"""YOLOX: the anchor-free one-stage detector (Ge et al., 2021, https://arxiv.org/abs/2107.08430)."""
import inspect
from typing import Dict, List, Optional, Tuple, Union

import torch
from torch import nn
from torchvision.ops import batched_nms

from ...errors import ConfigError, closest
from ...registry import MODELS
from ..selfsup.scheduled_values import ScheduledValuesMixin
from .base import BaseDetector, Detections
from .yolox_checkpoint import is_megvii_yolox, rename_megvii_yolox
from .yolox_grid import decode_boxes, flatten_levels, grid_priors

RAW_BGR = dict(type='DenseDataPreprocessor', mean=None, std=None, to_bgr=True)
HEAD_GIVEN_KEYS = ('num_classes', 'strides')


def training_targets(data_samples: List[dict]) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
    """Per-image ``gt_bboxes`` (G x 4 xyxy) and ``gt_labels`` (G) without the boxes whose
    ``gt_ignore`` is set: crowd / difficult boxes are never positives, and their area is
    background for the objectness loss, as in Megvii's and mmdet's YOLOX."""
    boxes, labels = [], []
    for i, sample in enumerate(data_samples):
        missing = [k for k in ('gt_bboxes', 'gt_labels') if k not in sample]
        if missing:
            raise KeyError(f'data_samples[{i}] has no {missing} (it has {sorted(sample)}); '
                           'YOLOX.loss needs the targets PackDetInputs packs.')
        bboxes, gt_labels = sample['gt_bboxes'], sample['gt_labels']
        if bboxes.dim() != 2 or bboxes.shape[1] != 4 or gt_labels.shape != bboxes.shape[:1]:
            raise ValueError(f'data_samples[{i}]: gt_bboxes must be G x 4 and gt_labels G, got '
                             f'{tuple(bboxes.shape)} and {tuple(gt_labels.shape)}.')
        keep = torch.ones_like(gt_labels, dtype=torch.bool)
        if sample.get('gt_ignore') is not None:
            ignore = sample['gt_ignore']
            if ignore.shape != gt_labels.shape:
                raise ValueError(f'data_samples[{i}]: gt_ignore has shape {tuple(ignore.shape)}, '
                                 f'gt_labels {tuple(gt_labels.shape)}.')
            keep = ~ignore.bool()
        boxes.append(bboxes[keep].float())
        labels.append(gt_labels[keep].long())
    return boxes, labels


def criterion_cfg(loss: dict, num_classes: int, strides: Tuple[int, ...]) -> dict:
    """The criterion config: ``loss`` (``type`` default ``'YOLOXCriterion'``) plus the head's
    ``num_classes`` and ``strides``; a key the criterion does not take is an error naming it and
    the closest argument."""
    given = [k for k in HEAD_GIVEN_KEYS if k in loss]
    if given:
        raise ValueError(f'YOLOX loss must not set {given}: they come from the head '
                         f'(head.num_classes={num_classes}, head.strides={strides}).')
    cfg = {'type': 'YOLOXCriterion', **loss, 'num_classes': num_classes, 'strides': strides}
    criterion = MODELS.get(cfg['type']) if isinstance(cfg['type'], str) else cfg['type']
    if criterion is None:
        return cfg  # MODELS.build names the unknown type and the closest names
    params = inspect.signature(criterion).parameters
    if any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return cfg
    for key in loss:
        if key != 'type' and key not in params:
            raise ValueError(f'YOLOX loss.{key} is not an argument of {criterion.__name__}'
                             f'{closest(key, params)}; it takes {sorted(params)}.')
    return cfg


def check_level_widths(backbone: nn.Module, neck: nn.Module, head: nn.Module) -> None:
    """Fail at build when a part's maps do not have the channels the next part takes (read from
    ``out_channels`` / ``input_channels`` where the parts have them), naming the keys to set."""
    links = (('model.backbone', backbone, 'model.neck', neck,
              'set model.neck.backbone_channels to the backbone\'s widths'),
             ('model.neck', neck, 'model.head', head,
              'set model.head.in_channels and widen_factor as the neck\'s'))
    for giver_key, giver, taker_key, taker, fix in links:
        gives = getattr(giver, 'out_channels', None)
        takes = getattr(taker, 'input_channels', None)
        if gives is not None and takes is not None and list(gives) != list(takes):
            raise ValueError(f'{giver_key} ({type(giver).__name__}) gives maps with '
                             f'{list(gives)} channels but {taker_key} ({type(taker).__name__}) '
                             f'takes {list(takes)}: {fix}.')


@MODELS.register_module()
class YOLOX(ScheduledValuesMixin, BaseDetector):
    """A backbone giving three maps (strides 8, 16, 32), PAFPN neck and decoupled head;
    SimOTA-assigned losses in training, decode + class-aware NMS in prediction.

    ``mode='tensor'`` returns the head's raw per-level maps (for export); ``predict`` scores
    every cell with objectness x its best class probability, keeps those ``>= score_thr``, runs
    ``torchvision.ops.batched_nms`` per image and keeps the best ``max_per_img``. The L1 box
    loss is switched on by setting ``use_l1`` (a declared scheduled value, stored as a buffer so
    checkpoints and resumes carry it). A Megvii YOLOX checkpoint loads by name
    (``yolox_checkpoint.py``).

    Args:
        backbone: backbone config (``CSPDarknet``; or e.g. a ``ResNet`` with
            ``out_indices=(1, 2, 3)`` and the neck's ``backbone_channels`` set to its widths).
        neck: neck config (``YOLOXPAFPN``); widths are checked against the backbone's and the
            head's at build.
        head: head config (``YOLOXHead``); its ``num_classes`` and ``strides`` also configure
            the loss.
        loss: extra keyword arguments of the criterion (``YOLOXCriterion``: ``iou_loss``,
            ``reg_weight``, ``center_radius``, ``candidate_topk``); ``type`` may name another
            registered criterion with the same call. Default: none.
        score_thr: lowest kept score at prediction. Default 0.01.
        nms_iou_thr: IoU above which a lower-scored box of the same class is suppressed.
            Default 0.65.
        max_per_img: most detections kept per image. Default 100.
        data_preprocessor: config/module. Default: unnormalised BGR (``mean=std=None``,
            ``to_bgr=True``), what Megvii's current weights expect.
        init_cfg: mmengine init config.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, loss: Optional[dict] = None,
                 score_thr: float = 0.01, nms_iou_thr: float = 0.65, max_per_img: int = 100,
                 data_preprocessor: Union[dict, nn.Module, None] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(data_preprocessor=dict(RAW_BGR) if data_preprocessor is None
                         else data_preprocessor, init_cfg=init_cfg)
        if not 0.0 <= score_thr <= 1.0:
            raise ConfigError(f'YOLOX score_thr must be in [0, 1], got {score_thr}')
        if not 0.0 < nms_iou_thr <= 1.0:
            raise ConfigError(f'YOLOX nms_iou_thr must be in (0, 1], got {nms_iou_thr}')
        if int(max_per_img) != max_per_img or max_per_img < 1:
            raise ConfigError(f'YOLOX max_per_img must be a positive integer, got {max_per_img}')
        self.backbone = MODELS.build(backbone)
        self.neck = MODELS.build(neck)
        self.head = MODELS.build(head)
        check_level_widths(self.backbone, self.neck, self.head)
        self.criterion = MODELS.build(criterion_cfg(dict(loss or {}), self.head.num_classes,
                                                    self.head.strides))
        self.score_thr = float(score_thr)
        self.nms_iou_thr = float(nms_iou_thr)
        self.max_per_img = int(max_per_img)
        self.register_buffer('l1_switch', torch.tensor(False))

    @property
    def use_l1(self) -> bool:
        """Whether the L1 box loss is on (the last, no-augmentation epochs)."""
        return bool(self.l1_switch)

    @use_l1.setter
    def use_l1(self, value: bool) -> None:
        if not isinstance(value, bool):
            raise TypeError(f'YOLOX.use_l1 takes a bool, got {type(value).__name__} {value!r}')
        self.l1_switch.fill_(value)

    def scheduled_values(self) -> Tuple[str, ...]:
        return ('use_l1',)

    def required_hooks(self) -> Dict[str, str]:
        """Hooks a training config must list (checked by engine/model_hooks.py)."""
        return {'ModeSwitchHook': "it switches use_l1 on for the last epochs: add "
                "dict(type='ModeSwitchHook') and set num_last_epochs=N at the top level, N=0 to "
                "never switch"}

    def head_outputs(self, inputs: torch.Tensor):
        """Images B x 3 x H x W -> ``(cls_scores, bbox_preds, objectnesses)``, per-level raw maps
        (B x C x H_l x W_l, B x 4 x H_l x W_l, B x 1 x H_l x W_l)."""
        return self.head(self.neck(self.backbone(inputs)))

    def loss(self, inputs: torch.Tensor, data_samples: List[dict]) -> Dict[str, torch.Tensor]:
        gt_bboxes, gt_labels = training_targets(data_samples)  # checked before the forward
        cls_scores, bbox_preds, objectnesses = self.head_outputs(inputs)
        return self.criterion(cls_scores, bbox_preds, objectnesses, gt_bboxes, gt_labels,
                              use_l1=self.use_l1)

    def predict_boxes(self, inputs: torch.Tensor, data_samples: List[dict]) -> List[Detections]:
        return self.boxes_from_outputs(*self.head_outputs(inputs))

    def boxes_from_outputs(self, cls_scores: List[torch.Tensor], bbox_preds: List[torch.Tensor],
                           objectnesses: List[torch.Tensor]) -> List[Detections]:
        """Raw per-level maps -> per image ``(bboxes K x 4 xyxy in input pixels, scores K,
        labels K)``, best score first."""
        priors = grid_priors([m.shape[-2:] for m in cls_scores], self.head.strides,
                             device=cls_scores[0].device)
        boxes = decode_boxes(flatten_levels(bbox_preds).float(), priors)  # B x N x 4
        objectness = flatten_levels(objectnesses).float().sigmoid()[..., 0]  # B x N
        class_prob, labels = flatten_levels(cls_scores).float().sigmoid().max(dim=-1)
        scores = objectness * class_prob  # B x N
        results = []
        for img_boxes, img_scores, img_labels in zip(boxes, scores, labels):
            keep = img_scores >= self.score_thr
            img_boxes, img_scores, img_labels = img_boxes[keep], img_scores[keep], img_labels[keep]
            kept = batched_nms(img_boxes, img_scores, img_labels,
                               self.nms_iou_thr)[:self.max_per_img]
            results.append((img_boxes[kept], img_scores[kept], img_labels[kept]))
        return results

    def adapt_checkpoint_state(self, state: Dict[str, torch.Tensor], prefix: str = '') -> None:
        """Rename a Megvii checkpoint's keys to ours (called by ``load_weights``). Its files
        carry no L1 switch: ours keeps its current value."""
        if is_megvii_yolox(state, prefix):
            rename_megvii_yolox(state, prefix)
            state.setdefault(f'{prefix}l1_switch', self.l1_switch.clone())
