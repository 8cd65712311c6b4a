# MobileNetV3-Small classifier for 224x224 ImageNet images: torchvision's layers and classifier
# (576 -> 1024 Linear, Hardswish, Dropout 0.2, 1024 -> 1000 Linear).
model = dict(
    type='Classification',
    backbone=dict(type='MobileNetV3', arch='small'),
    head=dict(type='MobileNetClsHead', in_channels=576, hidden_channels=1024, num_classes=1000,
              dropout=0.2, topk=(1, 5)),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
