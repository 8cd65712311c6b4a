# YOLOX-s on COCO 2017, Megvii's published recipe (exps/default/yolox_s.py): depth 0.33, width
# 0.50, 640 x 640, 9.0 M parameters, 40.5 val mAP (Megvii's figure, batch 128). 8 GPUs x 8
# images; the learning rate follows the real total batch (auto_scale_lr, 0.01 per 64).
# Input is unnormalised BGR, as Megvii's weights expect (configs/_base_/models/yolox.py).
_base_ = [
    '../../_base_/models/yolox.py',
    '../../_base_/datasets/coco_detection.py',
    '../../_base_/schedules/yolox_300e.py',
]
_deepen_factor, _widen_factor = 0.33, 0.50
model = dict(
    backbone=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    neck=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    head=dict(widen_factor=_widen_factor))
