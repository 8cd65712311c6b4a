"""A shard set's class list (the converter's ``classes.txt``) travels with it: the readers use it,
refuse another one, and the converter never lets one split's list relabel another's shards."""
import pytest

import convert_to_tfrecord
from easycv_like.data.sources import TFRecord
from easycv_like.engine.class_checks import dataset_classes
from easycv_like.errors import ClassMismatchError

from ..image_files import random_image, write_image


def _folder(root, classes, seed=0) -> str:
    for label, name in enumerate(classes):
        write_image(str(root / name / f'{name}.png'), random_image(seed + label))
    return str(root)


def _convert(src, out, *extra) -> None:
    convert_to_tfrecord.main(['--src-type', 'ImageFolder', '--src', src, '--out', str(out),
                              *extra])


def test_reader_takes_the_stored_class_list_and_refuses_another(tmp_path):
    _convert(_folder(tmp_path / 'train', ['mug', 'shoe', 'tote']), tmp_path / 'tf')
    _convert(_folder(tmp_path / 'val', ['shoe', 'tote']), tmp_path / 'tf_val', '--prefix', 'val')
    val = TFRecord(str(tmp_path / 'tf_val' / 'val-*.tfrecord'))
    assert val.classes == ['shoe', 'tote']  # was None: the check against train's list skipped
    assert [val[i]['gt_label'] for i in range(2)] == [0, 1]
    assert dataset_classes(type('D', (), {'metainfo': {'classes': val.classes},
                                          'data_source': val})())[1] == (
        f"the file {str(tmp_path / 'tf_val' / 'classes.txt')!r}")
    with pytest.raises(ClassMismatchError) as err:  # labels 0, 1 would be read as mug, shoe
        TFRecord(str(tmp_path / 'tf_val' / 'val-*.tfrecord'),
                 classes=str(tmp_path / 'tf' / 'classes.txt'))
    assert "only in classes=: ['mug']" in str(err.value) and '--classes' in str(err.value)
    same = TFRecord(str(tmp_path / 'tf' / 'train-*.tfrecord'), classes=['mug', 'shoe', 'tote'])
    assert same.classes == ['mug', 'shoe', 'tote']


def test_converter_keeps_the_list_other_splits_share(tmp_path, capsys):
    train = _folder(tmp_path / 'train', ['mug', 'shoe', 'tote'])
    val = _folder(tmp_path / 'val', ['shoe', 'tote'], seed=5)
    _convert(train, tmp_path / 'tf')
    for extra in ([], ['--force']):  # --force replaces val shards, never train's class list
        with pytest.raises(SystemExit):
            _convert(val, tmp_path / 'tf', '--prefix', 'val', *extra)
        assert "holds the class list of the ['train'] shards" in capsys.readouterr().err
        assert (tmp_path / 'tf' / 'classes.txt').read_text() == 'mug\nshoe\ntote\n'
    _convert(val, tmp_path / 'tf', '--prefix', 'val', '--classes', train)
    records = TFRecord(str(tmp_path / 'tf' / 'val-*.tfrecord'))
    assert records.classes == ['mug', 'shoe', 'tote']
    assert [records[i]['gt_label'] for i in range(2)] == [1, 2]


def test_forced_conversion_without_names_drops_the_stale_list(tmp_path):
    _convert(_folder(tmp_path / 'tree', ['cat', 'dog']), tmp_path / 'tf')
    (tmp_path / 'list.txt').write_text('tree/dog/dog.png 7\ntree/cat/cat.png 3\n')
    convert_to_tfrecord.main(['--src-type', 'ImageList', '--src', str(tmp_path / 'list.txt'),
                              '--out', str(tmp_path / 'tf'), '--force'])
    assert not (tmp_path / 'tf' / 'classes.txt').exists()
    records = TFRecord(str(tmp_path / 'tf' / 'train-*.tfrecord'))
    assert records.classes is None and records[0]['gt_label'] == 7
