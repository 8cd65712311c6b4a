# DINO (Caron et al. 2021): DeiT-small/16 student and momentum teacher; the paper's projection
# head (3-layer MLP, weight-normalised last layer of 65536 logits) is the neck, the loss with its
# temperatures and centre the head.
model = dict(
    type='DINO',
    backbone=dict(type='VisionTransformer', img_size=224, patch_size=16, embed_dim=384, depth=12,
                  num_heads=6, drop_path_rate=0.1, output='cls'),
    neck=dict(type='DINONeck', in_channels=384, out_channels=65536, hid_channels=2048,
              bottleneck_channels=256, num_layers=3, norm_last_layer=True),
    head=dict(type='DINOHead', out_channels=65536, student_temp=0.1, teacher_temp=0.04,
              center_momentum=0.9),
    momentum=0.996,
    momentum_end=1.0,
    num_global_crops=2,
    data_preprocessor=dict(type='ClsDataPreprocessor'))
