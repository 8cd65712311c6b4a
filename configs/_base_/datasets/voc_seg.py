# Pascal VOC 2012 semantic segmentation in the VOC layout:
#   data/VOCdevkit/VOC2012/JPEGImages/<id>.jpg, SegmentationClass/<id>.png (palette PNGs:
#   0 background, 1..20 the classes, 255 the object boundaries = ignore) and
#   ImageSets/Segmentation/{train,val}.txt (the ids of each split). An augmented train set
#   (SBD 'trainaug') fits too: its masks in another folder, its ids in another split file.
# 21 classes at 520 px, as torchvision's reference recipe (references/segmentation, the
# COCO-VOC subset behind its published mIoU): train images rescaled by 0.5..2.0 around 520 px,
# flipped, cropped to 480 (padding labelled 255); evaluation on the shorter side resized to 520.
# torchvision draws the shorter side in [260, 1040]; RandomResize fits the image in a
# 520 x 520 box times the ratio (its longer side), so the scales are close, not equal.
_data_root = 'data/VOCdevkit/VOC2012'
_classes = ['background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat',
            'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant',
            'sheep', 'sofa', 'train', 'tvmonitor']
_collate = dict(type='pad_collate', size_divisor=32, pad_value=0, seg_pad_value=255)
_train_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadSegMap'),
    dict(type='RandomResize', scale=(520, 520), ratio_range=(0.5, 2.0)),
    dict(type='RandomHorizontalFlip'),
    dict(type='RandomCrop', size=480),
    dict(type='PackSegInputs'),
]
_val_pipeline = [
    dict(type='LoadImage'),
    dict(type='LoadSegMap'),
    dict(type='Resize', size=520),
    dict(type='PackSegInputs'),
]


def _split(name, pipeline):
    return dict(type='SegDataset', pipeline=pipeline, collate=_collate,
                data_source=dict(type='SegFolder', img_dir=f'{_data_root}/JPEGImages',
                                 mask_dir=f'{_data_root}/SegmentationClass',
                                 split_file=f'{_data_root}/ImageSets/Segmentation/{name}.txt',
                                 classes=_classes))


data = dict(
    imgs_per_gpu=4,  # torchvision: 4 per GPU on 8 GPUs (batch 32)
    workers_per_gpu=4,
    drop_last=True,
    train=_split('train', _train_pipeline),
    val=_split('val', _val_pipeline))
eval_pipelines = [dict(name='val', data='val', imgs_per_gpu=1,
                       evaluators=[dict(type='SegmentationEvaluator')])]
