"""``SegFolder``: a semantic-segmentation data source of images and index-PNG masks with the
same file stem (``images/a.jpg`` <-> ``masks/a.png``; 0..C-1 class ids, 255 = ignore)."""
import os
from collections.abc import Sequence
from typing import List, Optional, Union

from PIL import Image

from easycv_like.data.sources.class_names import describe_classes, read_class_names
from easycv_like.data.sources.image_folder import IMAGE_EXTENSIONS
from easycv_like.registry import DATA_SOURCES


def _select_split(names: List[str], split_file: str) -> List[str]:
    """The image file names whose stems ``split_file`` lists, in its order."""
    by_stem = {os.path.splitext(n)[0]: n for n in names}
    with open(split_file, encoding='utf-8') as f:
        stems = [line.strip() for line in f if line.strip()]
    missing = [s for s in stems if s not in by_stem]
    if missing:
        raise FileNotFoundError(f'SegFolder: {len(missing)} stems of {split_file!r} have no '
                                f'image, e.g. {missing[:3]}.')
    return [by_stem[s] for s in stems]


@DATA_SOURCES.register_module()
class SegFolder:
    """Every image of ``img_dir`` paired with ``mask_dir/<stem><mask_suffix>``.

    Args:
        img_dir: folder of images (files with an image extension, sorted by name).
        mask_dir: folder of index PNGs.
        classes: class names (a list or a text file, one a line); index i names class i.
        mask_suffix: mask file extension.
        split_file: optional text file of image stems, one a line (Pascal VOC's
            ``ImageSets/Segmentation/train.txt``): only these images, in the file's order.
            Default None: every image of ``img_dir``.

    Raises:
        FileNotFoundError: an image without its mask (naming both), an empty ``img_dir``, or a
            stem of ``split_file`` with no image in ``img_dir`` (naming the stem and the file).
        ValueError: two images of one stem (``a.jpg`` and ``a.png``), which one mask would label.
    """

    def __init__(self, img_dir: str, mask_dir: str,
                 classes: Union[Sequence[str], str, None] = None,
                 mask_suffix: str = '.png', split_file: Optional[str] = None) -> None:
        self.img_dir, self.mask_dir = str(img_dir), str(mask_dir)
        self.classes = read_class_names(classes)
        self.class_origin = None if classes is None else describe_classes(classes)
        names = sorted(f for f in os.listdir(self.img_dir)
                       if os.path.splitext(f)[1].lower() in IMAGE_EXTENSIONS)
        stems = {}
        for name in names:
            stems.setdefault(os.path.splitext(name)[0], []).append(name)
        shared = [group for group in stems.values() if len(group) > 1]
        if shared:
            raise ValueError(f'SegFolder: images {shared[0]} of {self.img_dir!r} share a stem, so '
                             f'one mask would label both ({len(shared)} such group(s)); keep one '
                             'image per mask.')
        if split_file is not None:
            names = _select_split(names, str(split_file))
        if not names:
            raise FileNotFoundError(f'SegFolder: no images in {self.img_dir!r}.')
        self._pairs = []
        for name in names:
            mask = os.path.join(self.mask_dir, os.path.splitext(name)[0] + mask_suffix)
            if not os.path.isfile(mask):
                raise FileNotFoundError(f'SegFolder: image {name!r} has no mask {mask!r}.')
            self._pairs.append((os.path.join(self.img_dir, name), mask))

    def image_size(self, index: int) -> tuple[int, int]:
        """(h, w) of image ``index``, from its mask's PNG header (no decoding)."""
        with Image.open(self._pairs[index][1]) as mask:
            width, height = mask.size
        return height, width

    def __len__(self) -> int:
        return len(self._pairs)

    def __getitem__(self, index: int) -> dict:
        img_path, mask_path = self._pairs[index]
        return {'img_path': img_path, 'seg_map_path': mask_path, 'img_id': index}
