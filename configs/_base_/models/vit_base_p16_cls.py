# ViT-B/16 classifier for fine-tuning (MAE recipe): mean-pooled patch tokens, final LayerNorm
# after the pooling, linear head.
model = dict(
    type='Classification',
    backbone=dict(type='VisionTransformer', img_size=224, patch_size=16, embed_dim=768, depth=12,
                  num_heads=12, drop_path_rate=0.1, output='avg'),
    head=dict(type='ClsHead', in_channels=768, num_classes=1000, with_avg_pool=False,
              label_smoothing=0.1),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
