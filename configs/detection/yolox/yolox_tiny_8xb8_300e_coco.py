# YOLOX-tiny on COCO 2017 (exps/default/yolox_tiny.py): depth 0.33, width 0.375, 416 x 416,
# 5.06 M parameters, 32.8 val mAP (Megvii's figure). Smaller model, milder augmentation than s:
# mosaic scale 0.5 - 1.5, no mix-up; multi-scale sides 320 - 640 (Megvii's random_size (10, 20)
# for tiny / nano, not 416 +- 5 x 32). Input is unnormalised BGR (configs/_base_/models/yolox.py).
_base_ = './yolox_s_8xb8_300e_coco.py'
_deepen_factor, _widen_factor = 0.33, 0.375
_img_scale = (416, 416)
model = dict(
    backbone=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    neck=dict(deepen_factor=_deepen_factor, widen_factor=_widen_factor),
    head=dict(widen_factor=_widen_factor),
    data_preprocessor=dict(batch_resize=dict(size_range=(320, 640))))
data = dict(
    train=dict(
        mosaic=dict(img_scale=_img_scale),
        mosaic_pipeline=[dict(type='RandomAffine', max_rotate_degree=10.0,
                              max_translate_ratio=0.1, scaling_ratio_range=(0.5, 1.5),
                              max_shear_degree=2.0, border=(-208, -208), pad_value=114)],
        mixup=None,
        pipeline=[
            dict(type='RandomHSV', hue_delta=5, saturation_delta=30, value_delta=30),
            dict(type='RandomHorizontalFlip', prob=0.5),
            dict(type='Letterbox', size=_img_scale, pad_value=114),
            dict(type='FilterBoxes', min_size=1),
            dict(type='PackDetInputs'),
        ]),
    val=dict(pipeline=[
        dict(type='LoadImage'),
        dict(type='Letterbox', size=_img_scale, pad_value=114),
        dict(type='PackDetInputs'),
    ]))
