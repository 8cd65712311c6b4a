"""``DaliMultiCropDataset``: global and local crops of every image (SwAV, DINO) via DALI."""
from collections.abc import Sequence
from typing import Optional

from easycv_like.data.dali.base_dataset import DaliBaseDataset
from easycv_like.data.dali.view_spec import MOCOV2_VIEW, ViewSpec
from easycv_like.registry import DATASETS


@DATASETS.register_module()
class DaliMultiCropDataset(DaliBaseDataset):
    """``num_global`` large crops then ``num_local`` small ones; ``inputs`` is a list of views.

    Multi-crop (Caron et al. 2020, https://arxiv.org/abs/2006.09882): global crops of
    ``global_size`` with area in ``global_scale``, local crops of ``local_size`` with area in
    ``local_scale``, all with the photometric augmentation of ``view``. DINO's asymmetric global
    crops: ``global_overrides=[dict(blur_prob=1.0), dict(blur_prob=0.1, solarize_prob=0.2)]``.

    Args:
        source: see ``DaliBaseDataset``.
        num_global: global crops per image.
        global_size: side of a global crop.
        global_scale: area range of a global crop.
        num_local: local crops per image.
        local_size: side of a local crop.
        local_scale: area range of a local crop.
        view: photometric ``ViewSpec`` fields shared by all crops (default MoCo v2's jitter,
            grayscale, blur and flip).
        global_overrides: per-global-crop updates of ``view``.
        local_overrides: updates of ``view`` for every local crop.
        **kwargs: decode and seed options of ``DaliBaseDataset``.
    """

    def __init__(self, source: dict, num_global: int = 2, global_size: int = 224,
                 global_scale: Sequence[float] = (0.14, 1.0), num_local: int = 6,
                 local_size: int = 96, local_scale: Sequence[float] = (0.05, 0.14),
                 view: Optional[dict] = None, global_overrides: Sequence[dict] = (),
                 local_overrides: Optional[dict] = None, **kwargs) -> None:
        super().__init__(source, **kwargs)
        if num_global < 1 or num_local < 0 or len(global_overrides) > num_global:
            raise ValueError(f'Need num_global >= max(1, len(global_overrides)) and '
                             f'num_local >= 0, got {num_global}, {num_local}.')
        base = dict(MOCOV2_VIEW if view is None else view)
        extras = list(global_overrides) + [{}] * (num_global - len(global_overrides))
        self.views = [ViewSpec.from_dict({**base, 'size': global_size, 'scale': global_scale,
                                          **extra}) for extra in extras]
        local = ViewSpec.from_dict({**base, 'size': local_size, 'scale': local_scale,
                                    **(local_overrides or {})})
        self.views += [local] * num_local

    def view_specs(self) -> list[ViewSpec]:
        return list(self.views)
