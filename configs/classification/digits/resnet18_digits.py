# The demo: ResNet-18 (small stem) on scikit-learn's digits, 8 epochs on 2 CPU cores.
_base_ = [
    '../../_base_/models/resnet18_small_cls.py',
    '../../_base_/datasets/digits.py',
    '../../_base_/schedules/sgd_cosine.py',
    '../../_base_/default_runtime.py',
]
total_epochs = 8
checkpoint_config = dict(interval=1, max_keep_ckpts=2)
log_config = dict(interval=5)
