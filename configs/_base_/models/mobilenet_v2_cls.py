# MobileNetV2 classifier for 224x224 ImageNet images: torchvision's layers and classifier
# (Dropout 0.2, 1280 -> 1000 Linear).
model = dict(
    type='Classification',
    backbone=dict(type='MobileNetV2'),
    head=dict(type='MobileNetClsHead', in_channels=1280, num_classes=1000, dropout=0.2,
              topk=(1, 5)),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
