# imagenet_torchvision.py with torchvision's `--auto-augment imagenet --random-erase 0.2` (its
# MobileNetV3 recipe): after the random-resized crop and flip, AutoAugment's ImageNet policy
# (bilinear, as the reference script passes its --interpolation) and random erasing with p 0.2,
# filled with the mean colour (what erasing with 0 after normalisation gives there).
_base_ = './imagenet_torchvision.py'
data = dict(train=dict(pipeline=[
    dict(type='LoadImage'),
    dict(type='RandomResizedCrop', size=224, interpolation='bilinear'),
    dict(type='RandomHorizontalFlip'),
    dict(type='AutoAugment', policy='imagenet', interpolation='bilinear'),
    dict(type='RandomErasing', prob=0.2),
    dict(type='PackInputs'),
]))
