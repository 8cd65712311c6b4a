# SwAV (Caron et al. 2020, https://arxiv.org/abs/2006.09882): ResNet-50, projection MLP
# 2048-2048-128 (BN, ReLU), 3000 prototypes, Sinkhorn epsilon 0.05 with 3 iterations, T 0.1,
# codes from the two 224 crops of 2 x 224 + 6 x 96. SyncBN as in the paper's code.
model = dict(
    type='SwAV',
    backbone=dict(type='ResNet', depth=50, out_indices=(3,), norm_cfg=dict(type='SyncBN')),
    neck=dict(type='MLPNeck', in_channels=2048, hid_channels=2048, out_channels=128,
              num_layers=2, with_bias=True, with_bn=True, with_last_bn=False,
              with_avg_pool=False, norm_cfg=dict(type='SyncBN')),
    head=dict(type='SwAVHead', feat_dim=128, num_prototypes=3000, epsilon=0.05,
              sinkhorn_iterations=3, temperature=0.1, crops_for_assign=(0, 1),
              num_crops=(2, 6), queue_length=0),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
