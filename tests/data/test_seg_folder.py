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


def test_split_file_selects_and_orders_images(tmp_path):
    (tmp_path / 'masks').mkdir()
    for name in ('a', 'b', 'c'):
        write_image(str(tmp_path / 'images' / f'{name}.jpg'), random_image(0, 4, 4))
    for name in ('b', 'c'):  # 'a' has no mask, like most of VOC's JPEGImages
        cv2.imwrite(str(tmp_path / 'masks' / f'{name}.png'), np.zeros((4, 4), np.uint8))
    split = tmp_path / 'train.txt'
    split.write_text('c\nb\n')
    source = SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks'), split_file=str(split))
    assert len(source) == 2
    assert [source[i]['img_path'][-5:] for i in range(2)] == ['c.jpg', 'b.jpg']
    split.write_text('c\nzz\n')
    with pytest.raises(FileNotFoundError, match=r"1 stems of .*train.txt.* have no image.*'zz'"):
        SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks'), split_file=str(split))


def test_class_origin_names_the_class_file(tmp_path):
    (tmp_path / 'masks').mkdir()
    write_image(str(tmp_path / 'images' / 'x.jpg'), random_image(0, 4, 4))
    cv2.imwrite(str(tmp_path / 'masks' / 'x.png'), np.zeros((4, 4), np.uint8))
    (tmp_path / 'classes.txt').write_text('bg\nfg\n')
    source = SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks'),
                       classes=str(tmp_path / 'classes.txt'))
    assert source.class_origin == f"the file {str(tmp_path / 'classes.txt')!r}"
    assert SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks')).class_origin is None


def test_two_images_of_one_stem_are_an_error_naming_them(tmp_path):
    """a.jpg and a.png (a converted copy, an overlay) were both trained with masks/a.png."""
    (tmp_path / 'masks').mkdir()
    for name in ('a.jpg', 'a.png', 'b.jpg'):
        write_image(str(tmp_path / 'images' / name), random_image(0, 8, 8))
    for stem in ('a', 'b'):
        cv2.imwrite(str(tmp_path / 'masks' / f'{stem}.png'), np.zeros((8, 8), np.uint8))
    with pytest.raises(ValueError, match=r"images \['a.jpg', 'a.png'\] .* share a stem"):
        SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks'))
    (tmp_path / 'images' / 'a.png').unlink()
    assert len(SegFolder(str(tmp_path / 'images'), str(tmp_path / 'masks'))) == 2
