"""DistributedDataParallel that also works for CPU (gloo) processes."""
from mmengine.model import MMDistributedDataParallel

from ..registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class DeviceAgnosticDDP(MMDistributedDataParallel):
    """mmengine's DDP wrapper; drops ``device_ids`` when the module lives on the CPU.

    mmengine's Runner always passes ``device_ids=[LOCAL_RANK]``, which torch rejects for CPU
    modules, so multi-process CPU training (gloo) would fail without this.
    """

    def __init__(self, module, device_ids=None, **kwargs):
        if next(module.parameters()).device.type == 'cpu':
            device_ids = None
        super().__init__(module=module, device_ids=device_ids, **kwargs)
