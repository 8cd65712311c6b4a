# The MobileNetV3-Small demo: scikit-learn's digits (make them with
#   python tools/prepare_demo_data.py --out data/digits) at 32x32, 10 epochs on 2 CPU cores.
# Trained from scratch with the ResNet-18 demo's SGD + cosine schedule. Measured: val top-1
# 10.3 (epoch 1) -> 61.9 (3) -> 94.2 (5) -> 98.1 (7); about 1 minute an epoch on a 2-core CPU
# shared with other jobs. The BN momentum is 0.1 instead of torchvision's 0.01: over a few
# hundred steps, running statistics that slow lag the weights and the evaluated model stays at
# chance (a plain-PyTorch check of this model: 12 % after 8 epochs at 0.01, 97 % after 5 at 0.1).
_base_ = [
    '../../_base_/datasets/digits.py',
    '../../_base_/schedules/sgd_cosine.py',
    '../../_base_/default_runtime.py',
]
model = dict(
    type='Classification',
    backbone=dict(type='MobileNetV3', arch='small',
                  norm_cfg=dict(type='BN', eps=0.001, momentum=0.1)),
    head=dict(type='MobileNetClsHead', in_channels=576, hidden_channels=1024, num_classes=10,
              dropout=0.2),
    data_preprocessor=dict(type='ClsDataPreprocessor'))
total_epochs = 10
checkpoint_config = dict(interval=1, max_keep_ckpts=2)
log_config = dict(interval=5)
