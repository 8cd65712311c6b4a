# SimCLR (Chen et al. 2020, https://arxiv.org/abs/2002.05709): ResNet-50 encoder, projection MLP
# 2048-2048-128 with BN (as in the paper's code), NT-Xent at temperature 0.1 over the global batch.
# BN statistics over the global batch ("global BN"): SyncBN in the encoder and the MLP.
model = dict(
    type='SimCLR',
    backbone=dict(type='ResNet', depth=50, out_indices=(3,), norm_cfg=dict(type='SyncBN')),
    neck=dict(type='MLPNeck', in_channels=2048, hid_channels=2048, out_channels=128,
              num_layers=2, with_bias=False, with_bn=True, with_last_bn=True,
              with_avg_pool=True, norm_cfg=dict(type='SyncBN')),
    head=dict(type='NTXentHead', temperature=0.1),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
