"""``DaliMultiViewDataset``: N augmented views of every image (MoCo v2, SimCLR, BYOL) via DALI."""
from collections.abc import Sequence
from typing import Optional

from easycv_like.data.dali.base_dataset import DaliBaseDataset
from easycv_like.data.dali.view_spec import MOCOV2_VIEW, ViewSpec
from easycv_like.registry import DATASETS


@DATASETS.register_module()
class DaliMultiViewDataset(DaliBaseDataset):
    """``num_views`` independently augmented views; ``inputs`` is a list of N x 3 x H x W uint8.

    The default view is MoCo v2's (RandomResizedCrop 224 scale (0.2, 1), ColorJitter(0.4, 0.4,
    0.4, 0.1) p 0.8, grayscale p 0.2, blur sigma (0.1, 2) p 0.5, flip), the same recipe as the
    cv2 pipeline of ``configs/_base_/datasets/imagenet_mocov2.py``. BYOL's asymmetric views:
    ``view_overrides=[dict(blur_prob=1.0), dict(blur_prob=0.1, solarize_prob=0.2)]``.

    Args:
        source: see ``DaliBaseDataset``.
        num_views: views per image.
        view: ``ViewSpec`` fields shared by every view (default MoCo v2's).
        view_overrides: per-view updates of ``view`` (the i-th dict updates view i).
        **kwargs: decode and seed options of ``DaliBaseDataset``.
    """

    def __init__(self, source: dict, num_views: int = 2, view: Optional[dict] = None,
                 view_overrides: Sequence[dict] = (), **kwargs) -> None:
        super().__init__(source, **kwargs)
        if num_views < 1 or len(view_overrides) > num_views:
            raise ValueError(f'num_views must be >= 1 and >= len(view_overrides), got '
                             f'{num_views} and {len(view_overrides)}.')
        base = dict(MOCOV2_VIEW if view is None else view)
        overrides = list(view_overrides) + [{}] * (num_views - len(view_overrides))
        self.views = [ViewSpec.from_dict({**base, **extra}) for extra in overrides]

    def view_specs(self) -> list[ViewSpec]:
        return list(self.views)
