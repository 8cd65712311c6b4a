# YOLOX-m on COCO 2017 (exps/default/yolox_m.py): depth 0.67, width 0.75, 640 x 640, 25.3 M
# parameters, 46.9 val mAP (Megvii's figure). Everything else as YOLOX-s.
_base_ = './yolox_s_8xb8_300e_coco.py'
_deepen_factor, _widen_factor = 0.67, 0.75
model = dict(
    backbone=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    neck=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    head=dict(widen_factor=_widen_factor))
