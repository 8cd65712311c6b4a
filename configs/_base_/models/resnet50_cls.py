# ResNet-50 classifier for 224x224 ImageNet images (1000 classes).
model = dict(
    type='Classification',
    backbone=dict(type='ResNet', depth=50, out_indices=(3,)),
    head=dict(type='ClsHead', in_channels=2048, num_classes=1000, topk=(1, 5)),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
