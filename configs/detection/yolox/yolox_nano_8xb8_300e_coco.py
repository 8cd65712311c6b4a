# YOLOX-nano on COCO 2017 (exps/default/yolox_nano.py): depth 0.33, width 0.25 with depthwise
# convolutions, 416 x 416, 0.91 M parameters, 25.8 val mAP (Megvii's figure). As YOLOX-tiny
# (416, mosaic scale 0.5 - 1.5, no mix-up, sides 320 - 640) with mosaic in half the samples.
_base_ = './yolox_tiny_8xb8_300e_coco.py'
_deepen_factor, _widen_factor = 0.33, 0.25
model = dict(
    backbone=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor, depthwise=True),
    neck=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor, depthwise=True),
    head=dict(widen_factor=_widen_factor, depthwise=True))
data = dict(train=dict(mosaic=dict(prob=0.5)))
