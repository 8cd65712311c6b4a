# ResNet-18 classifier with the 3x3 stride-1 stem for small (32x32) images.
model = dict(
    type='Classification',
    backbone=dict(type='ResNet', depth=18, stem='small', out_indices=(3,)),
    head=dict(type='ClsHead', in_channels=512, num_classes=10),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
