# MAE (He et al. 2022): ViT-B/16 encoder on 25% of the patches + 8-block, 512-wide decoder.
model = dict(
    type='MAE',
    backbone=dict(type='VisionTransformer', img_size=224, patch_size=16, embed_dim=768, depth=12,
                  num_heads=12, pos_embed='sincos'),
    neck=dict(type='MAEDecoder', in_channels=768, img_size=224, patch_size=16, embed_dim=512,
              depth=8, num_heads=16),
    mask_ratio=0.75,
    head=dict(type='MAEHead', norm_pix=True),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
