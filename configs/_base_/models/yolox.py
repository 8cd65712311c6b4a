# YOLOX (Ge et al. 2021, https://arxiv.org/abs/2107.08430) at depth / width 1.0 (YOLOX-l), 80
# COCO classes: CSPDarknet + PAFPN + decoupled head, SimOTA, IoU x 5 + objectness + class BCE
# (+ L1 in the last epochs); BN eps 1e-3, momentum 0.03. Leaf configs set the depth / width.
# Input: UNNORMALISED BGR pixels 0-255 (mean=std=None, to_bgr=True), as Megvii's current weights
# expect. Multi-scale training: the batch is resized every 10 iterations to a square side drawn
# in 640 +- 5 x 32 px, the same draw on every rank and after a resume.
# Test: score = objectness x class probability >= 0.01, NMS IoU 0.65, at most 100 boxes.
_deepen_factor = 1.0
_widen_factor = 1.0
model = dict(
    type='YOLOX',
    backbone=dict(type='CSPDarknet', deepen_factor=_deepen_factor, widen_factor=_widen_factor,
                  out_indices=(2, 3, 4), depthwise=False, act='silu'),
    neck=dict(type='YOLOXPAFPN', deepen_factor=_deepen_factor, widen_factor=_widen_factor,
              in_channels=(256, 512, 1024), depthwise=False, act='silu'),
    head=dict(type='YOLOXHead', num_classes=80, widen_factor=_widen_factor,
              in_channels=(256, 512, 1024), feat_channels=256, strides=(8, 16, 32),
              depthwise=False, act='silu'),
    score_thr=0.01,
    nms_iou_thr=0.65,
    max_per_img=100,
    data_preprocessor=dict(type='DenseDataPreprocessor', mean=None, std=None, to_bgr=True,
                           batch_resize=dict(size_range=(480, 800), size_divisor=32,
                                             interval=10)))
