# COCO 2017 detection, the YOLOX training data (Megvii's yolox_base.py, written in our keys):
#   data/coco/annotations/instances_{train,val}2017.json, data/coco/{train,val}2017/*.jpg
# Training samples are mosaics (p 1.0) of 4 images, randomly rotated (+-10 deg), translated
# (+-0.1), scaled (0.1 - 2) and sheared (+-2 deg) back to 640 x 640, then mixed up (p 1.0, scale
# 0.5 - 1.5, flip 0.5) with another image; every sample then gets HSV jitter, a horizontal flip
# (p 0.5) and a top-left letterbox to 640 x 640 padded with 114. Mixing stops for the last
# `num_last_epochs` (a schedule sets it; the engine fills no_mix_epochs and max_epochs).
# Evaluation: letterbox to 640, COCO box AP through pycocotools.
# Workers ship RGB uint8; the model's DenseDataPreprocessor makes it BGR (configs/_base_/models).
_data_root = 'data/coco'
# The 80 categories in id order: label i is the i-th (as in Megvii's and torchvision's weights).
# The names must be categories of both annotation files; for another COCO-format data set, set
# classes to its names (or None: every category of the file) and model.head.num_classes.
_classes = [
    'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
    'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
    'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
    'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
    'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
    'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
    'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
    'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
    'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
    'teddy bear', 'hair drier', 'toothbrush']
_img_scale = (640, 640)
_collate = dict(type='pad_collate', size_divisor=32, pad_value=114)
_train_pipeline = [
    dict(type='RandomHSV', hue_delta=5, saturation_delta=30, value_delta=30),
    dict(type='RandomHorizontalFlip', prob=0.5),
    dict(type='Letterbox', size=_img_scale, pad_value=114),
    dict(type='FilterBoxes', min_size=1),
    dict(type='PackDetInputs'),
]
_val_pipeline = [
    dict(type='LoadImage'),
    dict(type='Letterbox', size=_img_scale, pad_value=114),
    dict(type='PackDetInputs'),
]
data = dict(
    imgs_per_gpu=8,
    workers_per_gpu=4,
    train=dict(
        type='MixedImagesDataset',
        data_source=dict(type='Coco',
                         ann_file=f'{_data_root}/annotations/instances_train2017.json',
                         img_root=f'{_data_root}/train2017', classes=_classes),
        mosaic=dict(img_scale=_img_scale, prob=1.0, pad_value=114),
        mosaic_pipeline=[dict(type='RandomAffine', max_rotate_degree=10.0,
                              max_translate_ratio=0.1, scaling_ratio_range=(0.1, 2.0),
                              max_shear_degree=2.0, border=(-320, -320), pad_value=114)],
        mixup=dict(img_scale=_img_scale, ratio_range=(0.5, 1.5), flip_prob=0.5, prob=1.0,
                   pad_value=114),
        pipeline=_train_pipeline,
        collate=_collate),
    val=dict(
        type='DetDataset',
        data_source=dict(type='Coco', ann_file=f'{_data_root}/annotations/instances_val2017.json',
                         img_root=f'{_data_root}/val2017', classes=_classes),
        pipeline=_val_pipeline,
        collate=_collate))
eval_pipelines = [dict(name='val', data='val', imgs_per_gpu=8,
                       evaluators=[dict(type='CocoDetectionEvaluator')])]
