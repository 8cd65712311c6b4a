# ImageNet-1k train list, two views per image with the MoCo v2 augmentation: random-resized crop
# 224 (scale 0.2-1), colour jitter (0.4, 0.4, 0.4, 0.1) with p 0.8, grayscale p 0.2, Gaussian blur
# (sigma 0.1-2) p 0.5, horizontal flip. Labels are not used for pre-training.
# The views are written once, as the recipe MOCOV2_VIEWS of easycv_like/data/view_recipe.py, and
# compiled here to the cv2 pipeline (configs/ssl/mocov2_r50_dali_tfrecord.py compiles the same
# recipe for DALI). To change the augmentation, edit _views (a recipe dict, docs/data.md).
# Helper names start with '_' so the schema check (unknown top-level keys) skips them.
_base_ = []  # none; written first so mmengine reads this file as a plain config despite the import
from easycv_like.data.view_recipe import MOCOV2_VIEWS as _views, cv2_view_args as _cv2_views

_data_root = 'data/imagenet'
data = dict(
    imgs_per_gpu=32,
    workers_per_gpu=4,
    drop_last=True,
    train=dict(
        type='MultiViewDataset',
        data_source=dict(type='ImageList', list_file=f'{_data_root}/train.txt'),
        **_cv2_views(_views)))
