"""``DaliClsDataset``: image classification through DALI (training crops or evaluation crops)."""
from collections.abc import Sequence
from typing import Optional

from easycv_like.data.dali.base_dataset import DaliBaseDataset
from easycv_like.data.dali.view_spec import ViewSpec
from easycv_like.registry import DATASETS


@DATASETS.register_module()
class DaliClsDataset(DaliBaseDataset):
    """One view per image, ``inputs`` N x 3 x size x size uint8.

    Training (``test_mode=False``): random-resized crop + horizontal flip (the ImageNet recipe).
    Evaluation: resize the shorter side to ``resize_size`` and take the centre crop.

    Args:
        source: see ``DaliBaseDataset``.
        size: output side.
        scale: random-resized-crop area range (training).
        ratio: random-resized-crop aspect ratio range (training).
        flip_prob: horizontal flip probability (training).
        resize_size: shorter side before the centre crop (evaluation); default size / 0.875.
        test_mode: evaluation crops instead of training crops.
        **kwargs: decode and seed options of ``DaliBaseDataset``.
    """

    multi_view = False

    def __init__(self, source: dict, size: int = 224, scale: Sequence[float] = (0.08, 1.0),
                 ratio: Sequence[float] = (3 / 4, 4 / 3), flip_prob: float = 0.5,
                 resize_size: Optional[int] = None, test_mode: bool = False, **kwargs) -> None:
        super().__init__(source, **kwargs)
        if test_mode:
            self.view = ViewSpec(size=size, scale=None, resize_size=resize_size, flip_prob=0.0)
        else:
            self.view = ViewSpec.from_dict(dict(size=size, scale=scale, ratio=ratio,
                                                flip_prob=flip_prob))

    def view_specs(self) -> list[ViewSpec]:
        return [self.view]
