# MoBY (Xie et al. 2021): DeiT-small/16 online encoder + 2-layer projector + 2-layer predictor,
# momentum target encoder + projector, two 4096-key queues, temperature 0.2.
model = dict(
    type='MoBY',
    backbone=dict(type='VisionTransformer', img_size=224, patch_size=16, embed_dim=384, depth=12,
                  num_heads=6, drop_path_rate=0.1, output='cls'),
    neck=dict(type='MLPNeck', in_channels=384, hid_channels=4096, out_channels=256,
              num_layers=2, with_bias=True, with_bn=True, with_avg_pool=False),
    head=dict(type='MoBYHead', temperature=0.2,
              predictor=dict(type='MLPNeck', in_channels=256, hid_channels=4096,
                             out_channels=256, num_layers=2, with_bias=True, with_bn=True,
                             with_avg_pool=False)),
    queue_len=4096,
    feat_dim=256,
    momentum=0.99,
    momentum_end=1.0,
    data_preprocessor=dict(type='ClsDataPreprocessor'))
