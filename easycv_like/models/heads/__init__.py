"""Heads: map backbone/neck features to task outputs and losses."""
from .cls_head import ClsHead
from .contrastive_head import ContrastiveHead
from .dino_head import DINOHead
from .latent_predict_head import LatentPredictHead
from .mae_head import MAEHead
from .mobilenet_cls_head import MobileNetClsHead, torchvision_mobilenet_to_classification
from .moby_head import MoBYHead
from .nt_xent_head import NTXentHead
from .swav_head import SwAVHead

__all__ = ['ClsHead', 'ContrastiveHead', 'DINOHead', 'LatentPredictHead', 'MAEHead', 'MoBYHead',
           'MobileNetClsHead', 'NTXentHead', 'SwAVHead', 'torchvision_mobilenet_to_classification']
