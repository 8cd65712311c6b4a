# YOLOX-l on COCO 2017 (exps/default/yolox_l.py): depth 1.0, width 1.0, 640 x 640, 54.2 M
# parameters, 49.7 val mAP (Megvii's figure). Everything else as YOLOX-s.
_base_ = './yolox_s_8xb8_300e_coco.py'
_deepen_factor, _widen_factor = 1.0, 1.0
model = dict(
    backbone=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    neck=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    head=dict(widen_factor=_widen_factor))
