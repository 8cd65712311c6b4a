# torchvision's segmentation schedule (references/segmentation): SGD momentum 0.9, lr 0.02 for
# batch 32, decayed per iteration by (1 - i / I) ** 0.9 over 30 epochs; the auxiliary head
# (when there is one) learns 10x faster.
optimizer = dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4,
                 paramwise_options=dict(custom_keys={'auxiliary_head': dict(lr_mult=10.0)}))
optimizer_config = dict(grad_clip=None)
lr_config = dict(policy='poly', power=0.9, min_lr=0.0, by_epoch=False)
total_epochs = 30
eval_config = dict(interval=5, save_best='val/mIoU', rule='greater')
