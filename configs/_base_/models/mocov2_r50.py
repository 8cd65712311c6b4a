# MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297): ResNet-50 query/key encoders,
# 2-layer MLP projection 2048-2048-128, 65536 negative keys, key-encoder momentum 0.999, T 0.2.
model = dict(
    type='MoCo',
    backbone=dict(type='ResNet', depth=50, out_indices=(3,)),
    neck=dict(type='MLPNeck', in_channels=2048, hid_channels=2048, out_channels=128,
              with_bias=True, with_bn=False, with_avg_pool=True),
    head=dict(type='ContrastiveHead', temperature=0.2),
    queue_len=65536,
    feat_dim=128,
    momentum=0.999,
    shuffle_bn=True,
    data_preprocessor=dict(type='ClsDataPreprocessor'))
