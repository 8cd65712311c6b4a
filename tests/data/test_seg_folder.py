import cv2
import numpy as np
import pytest

from easycv_like.data.sources import SegFolder

from .image_files import random_image, write_image


def test_pairs_images_with_masks_by_stem(tmp_path):
    (tmp_path / 'masks').mkdir()
    for name, (h, w) in {'x': (8, 12), 'y': (10, 6)}.items():
        write_image(str(tmp_path / 'images' / f'{name}.jpg'), random_image(0, h, w))
        cv2.imwrite(str(tmp_path / 'masks' / f'{name}.png'), np.zeros((h, w), np.uint8))
    source = SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks'), classes=['bg', 'fg'])
    assert len(source) == 2 and source.classes == ['bg', 'fg']
    assert source[1]['img_path'].endswith('y.jpg') and source[1]['seg_map_path'].endswith('y.png')
    assert source[1]['img_id'] == 1 and source.image_size(1) == (10, 6)
    (tmp_path / 'masks' / 'y.png').unlink()
    with pytest.raises(FileNotFoundError, match="'y.jpg' has no mask"):
        SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks'))
