import os

import pytest

from easycv_like.data.sources import ImageFolder

from .image_files import random_image, write_image


def test_classes_sorted_and_labels(tmp_path):
    for rel in ('zebra/b.png', 'zebra/a.jpg', 'ant/sub/c.PNG', 'ant/x.bmp', 'moth/z.webp'):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b'')  # listing never opens the files
    (tmp_path / 'ant' / 'notes.txt').write_text('not an image')
    (tmp_path / 'stray.png').write_bytes(b'')  # not in a class folder
    source = ImageFolder(str(tmp_path))
    assert source.classes == ['ant', 'moth', 'zebra']
    got = [(os.path.relpath(source[i]['img_path'], tmp_path), source[i]['gt_label'])
           for i in range(len(source))]
    assert got == [('ant/x.bmp', 0), ('ant/sub/c.PNG', 0), ('moth/z.webp', 1),
                   ('zebra/a.jpg', 2), ('zebra/b.png', 2)]


def test_extensions_and_empty_root(tmp_path):
    write_image(str(tmp_path / 'a' / '1.png'), random_image(0, 4, 4))
    write_image(str(tmp_path / 'b' / '2.jpg'), random_image(0, 4, 4))
    assert len(ImageFolder(str(tmp_path), extensions=('.jpg',))) == 1
    with pytest.raises(FileNotFoundError, match='No image'):
        ImageFolder(str(tmp_path), extensions=('.tif',))
