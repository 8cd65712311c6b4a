"""``auto_scale_lr``: the linear scaling rule (lr x real batch / base batch), applied by
mmengine's Runner (``Runner.scale_lr``) after the optimizer is built and before the schedulers
read their initial rates, so every parameter group's rate is scaled once and logged once."""
import logging
from typing import Optional

from mmengine.logging import print_log


def runner_auto_scale_lr(auto_scale_lr: Optional[dict], update_interval: int) -> Optional[dict]:
    """The Runner's ``auto_scale_lr`` argument for our ``auto_scale_lr`` config (validated).

    The real batch is the images of one optimizer step: world size x ``imgs_per_gpu`` x
    ``update_interval``. mmengine counts world size x its loader's batch size only, so with
    gradient accumulation it is handed ``base_batch_size / update_interval`` (the same ratio).
    """
    if not auto_scale_lr or not auto_scale_lr['enable']:
        return None
    base = auto_scale_lr['base_batch_size']
    if update_interval > 1:
        print_log(f'auto_scale_lr: the real batch counts optimizer_config.update_interval='
                  f'{update_interval} accumulation steps, so the base batch size {base} is '
                  f'compared with one step\'s loader batches as {base / update_interval:g}.',
                  logger='current', level=logging.INFO)
        return dict(enable=True, base_batch_size=base / update_interval)
    return dict(enable=True, base_batch_size=base)
