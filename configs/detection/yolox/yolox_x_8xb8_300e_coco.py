# YOLOX-x on COCO 2017 (exps/default/yolox_x.py): depth 1.33, width 1.25, 640 x 640, 99.1 M
# parameters, 51.1 val mAP (Megvii's figure). Everything else as YOLOX-s.
_base_ = './yolox_s_8xb8_300e_coco.py'
_deepen_factor, _widen_factor = 1.33, 1.25
model = dict(
    backbone=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    neck=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    head=dict(widen_factor=_widen_factor))
