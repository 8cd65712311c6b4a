# BYOL (Grill et al. 2020, https://arxiv.org/abs/2006.07733): online ResNet-50 + projector
# 2048-4096-256 + predictor 256-4096-256 (Linear, BN, ReLU, Linear), target = momentum copy of
# encoder + projector. BN statistics over all devices: SyncBN.
model = dict(
    type='BYOL',
    backbone=dict(type='ResNet', depth=50, out_indices=(3,), norm_cfg=dict(type='SyncBN')),
    neck=dict(type='MLPNeck', in_channels=2048, hid_channels=4096, out_channels=256,
              num_layers=2, with_bias=True, with_bn=True, with_last_bn=False,
              with_avg_pool=True, norm_cfg=dict(type='SyncBN')),
    head=dict(type='LatentPredictHead', predictor=dict(
        type='MLPNeck', in_channels=256, hid_channels=4096, out_channels=256, num_layers=2,
        with_bias=True, with_bn=True, with_last_bn=False, with_avg_pool=False,
        norm_cfg=dict(type='SyncBN'))),
    momentum=0.99,
    data_preprocessor=dict(type='ClsDataPreprocessor'))
