# DeepLabV3 (ASPP, rates 12 / 24 / 36, image pooling) on a dilated MobileNetV3-Large, from
# scratch, on the coloured-shapes masks (make them with
#   python tools/make_shapes_dataset.py --out data/shapes), with an FCN auxiliary head on
# features[4] (loss weight 0.5). The same data, schedule and evaluation as
# lraspp_mnv3_shapes.py (100 epochs, one torch thread). Measured (2 cores shared with the
# LR-ASPP run, then with the test suite): val/mIoU 0.39 (random init) -> 64.3 (epoch 40) -> 79.5
# (60) -> 89.1 (80) -> 90.76 at epoch 100, 15 min 27 s wall under that load.
_base_ = ['./lraspp_mnv3_shapes.py']
model = dict(
    decode_head=dict(_delete_=True, type='ASPPHead', in_channels=960, num_classes=4,
                     channels=128, in_index=1),
    auxiliary_head=dict(type='FCNHead', in_channels=40, num_classes=4, in_index=0),
    aux_loss_weight=0.5)
