import os

import pytest

from easycv_like.data.sources import ImageList
from easycv_like.registry import DATA_SOURCES


def test_labels_missing_labels_and_spaces(tmp_path):
    (tmp_path / 'list.txt').write_text(
        'a/cat.jpg 1\n\nb/dog 2.png 0\nno_label.png\nmy photo.jpg\n  padded.png\t2  \nneg.png -1\n')
    source = ImageList(str(tmp_path / 'list.txt'))
    samples = [source[i] for i in range(len(source))]
    root = str(tmp_path)
    assert [(os.path.relpath(s['img_path'], root), s['gt_label']) for s in samples] == [
        ('a/cat.jpg', 1), ('b/dog 2.png', 0), ('no_label.png', -1), ('my photo.jpg', -1),
        ('padded.png', 2), ('neg.png', -1)]
    assert source.classes is None


def test_root_and_classes_file(tmp_path):
    (tmp_path / 'list.txt').write_text('x.png 1\n')
    (tmp_path / 'classes.txt').write_text('cat\ndog\n\n')
    source = DATA_SOURCES.build(dict(type='ImageList', list_file=str(tmp_path / 'list.txt'),
                                     root='/data/imgs', classes=str(tmp_path / 'classes.txt')))
    assert source[0] == {'img_path': '/data/imgs/x.png', 'gt_label': 1}
    assert source.classes == ['cat', 'dog']
    assert ImageList(str(tmp_path / 'list.txt'), classes=('a', 'b')).classes == ['a', 'b']


def test_class_names_as_labels_with_a_class_list(tmp_path):
    (tmp_path / 'list.txt').write_text('shoe/1.jpg shoe\nhat/2.jpg 0\nmy hat.jpg\nhat/3 x.jpg hat\n')
    source = ImageList(str(tmp_path / 'list.txt'), classes=['hat', 'shoe'])
    assert [(os.path.relpath(source[i]['img_path'], str(tmp_path)), source[i]['gt_label'])
            for i in range(len(source))] == [('shoe/1.jpg', 1), ('hat/2.jpg', 0),
                                             ('my hat.jpg', -1), ('hat/3 x.jpg', 0)]
    unnamed = ImageList(str(tmp_path / 'list.txt'))  # without classes a name stays in the path
    assert unnamed[0]['img_path'].endswith('shoe/1.jpg shoe') and unnamed[0]['gt_label'] == -1


@pytest.mark.parametrize('bad_line, why', [
    ('b.png 2.5', 'not an integer'),
    ('b.png -3', 'out of range'),
    ('b.png 7', 'out of range (-1..2)'),
])
def test_malformed_line_names_file_and_line(tmp_path, bad_line, why):
    list_file = tmp_path / 'list.txt'
    list_file.write_text(f'a.png 0\n\n{bad_line}\n')
    with pytest.raises(ValueError) as info:
        ImageList(str(list_file), classes=['a', 'b', 'c'])
    assert f'{list_file}:3' in str(info.value)
    assert why in str(info.value)
