# The YOLOX schedule (Megvii's yolox_base.py): 300 epochs of SGD (momentum 0.9, nesterov),
# lr 0.01 per 64 images (scaled to the real total batch by auto_scale_lr), weight decay 5e-4 on
# conv / linear weights only (none on norm layers or biases: mmengine's paramwise rule);
# 5 warm-up epochs (quadratic, per iteration), cosine to 0.05 x, constant for the last 15.
# The last 15 epochs (num_last_epochs, the one place for it: the engine fills it into the LR
# policy, ModeSwitchHook and data.train.no_mix_epochs) also train without mosaic / mix-up and
# with the L1 box loss (ModeSwitchHook switches the model's use_l1 at epoch 285, 0-based: exactly
# 15 epochs, where Megvii's trainer starts one early). Evaluated every 10 epochs and after each of
# the last 15; the best val/mAP is kept. EMA 0.9998 with the 1 - exp(-k / 2000) ramp: the average
# is what is evaluated, saved and served. Runtime defaults come with it (checkpoints, hooks).
_base_ = '../default_runtime.py'
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4,
                 paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0))
optimizer_config = dict(grad_clip=None)
auto_scale_lr = dict(base_batch_size=64)
lr_config = dict(policy='YOLOX', warmup='quadratic', warmup_by_epoch=True, warmup_iters=5,
                 warmup_ratio=0.0, min_lr_ratio=0.05, by_epoch=False)
total_epochs = 300
num_last_epochs = 15
ema = dict(type='ExpMomentumEMA', momentum=0.0002, gamma=2000)
eval_config = dict(interval=10, dynamic_intervals=[(-15, 1)], save_best='val/mAP')  # 286..300
checkpoint_config = dict(interval=10, max_keep_ckpts=3)
custom_hooks = [dict(type='ModeSwitchHook', switches=['use_l1'])]
