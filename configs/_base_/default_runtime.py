# Runtime defaults shared by every config: logging, checkpoints, seeds, distributed backend.
checkpoint_config = dict(interval=1, max_keep_ckpts=3)
log_config = dict(
    interval=10,
    hooks=[dict(type='TextLoggerHook'), dict(type='TensorboardLoggerHook')])
dist_params = dict(backend='nccl', timeout=1800)
cudnn_benchmark = False
seed = 0
deterministic = False
custom_hooks = []
load_from = None
resume_from = None
