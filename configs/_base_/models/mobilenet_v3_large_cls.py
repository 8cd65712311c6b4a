# MobileNetV3-Large classifier for 224x224 ImageNet images: torchvision's layers and classifier
# (960 -> 1280 Linear, Hardswish, Dropout 0.2, 1280 -> 1000 Linear).
model = dict(
    type='Classification',
    backbone=dict(type='MobileNetV3', arch='large'),
    head=dict(type='MobileNetClsHead', in_channels=960, hidden_channels=1280, num_classes=1000,
              dropout=0.2, topk=(1, 5)),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
