# SGD with momentum, linear warm-up then cosine decay to zero.
optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True)
optimizer_config = dict(grad_clip=None, update_interval=1)
lr_config = dict(policy='CosineAnnealing', min_lr=0.0, warmup='linear', warmup_iters=50,
                 warmup_ratio=0.1)
total_epochs = 100
