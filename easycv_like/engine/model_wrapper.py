"""DistributedDataParallel that also works for CPU (gloo) processes and keeps batch-norm
statistics identical on every rank."""
from mmengine.model import MMDistributedDataParallel

from ..registry import MODEL_WRAPPERS
from .norm_statistics import average_running_statistics


@MODEL_WRAPPERS.register_module()
class DeviceAgnosticDDP(MMDistributedDataParallel):
    """mmengine's DDP wrapper; drops ``device_ids`` when the module lives on the CPU, and
    averages the norm layers' running statistics over the ranks after every training step.

    mmengine's Runner always passes ``device_ids=[LOCAL_RANK]``, which torch rejects for CPU
    modules, so multi-process CPU training (gloo) would fail without this. Without the averaging
    each rank's statistics would follow its own batches (see ``norm_statistics.py``).
    """

    def __init__(self, module, device_ids=None, **kwargs):
        if next(module.parameters()).device.type == 'cpu':
            device_ids = None
        super().__init__(module=module, device_ids=device_ids, **kwargs)

    def train_step(self, data, optim_wrapper):
        """mmengine's step, then the running statistics averaged over the ranks."""
        log_vars = super().train_step(data, optim_wrapper)
        average_running_statistics(self.module, self.process_group)
        return log_vars
