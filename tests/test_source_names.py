"""One source vocabulary: the CPU sources' registered names, used by DALI and the converter."""
import inspect
import os.path as osp
import sys

import pytest

from easycv_like.registry import DATA_SOURCES
from easycv_like.source_names import (CONVERTIBLE_SOURCES, DALI_SOURCES, FORMER_NAMES,
                                      source_name)

from .conftest import REPO


def test_every_name_is_a_registered_data_source():
    for name in CONVERTIBLE_SOURCES + DALI_SOURCES + tuple(FORMER_NAMES.values()):
        assert DATA_SOURCES.get(name) is not None, name


def test_former_spellings_map_and_unknown_names_name_the_closest():
    assert source_name('tfrecord', DALI_SOURCES) == 'TFRecord'
    assert source_name('list', CONVERTIBLE_SOURCES) == 'ImageList'
    assert source_name('ImageFolder', CONVERTIBLE_SOURCES) == 'ImageFolder'
    with pytest.raises(ValueError, match=r"'TFRecords' \(did you mean 'TFRecord'\?\)"):
        source_name('TFRecords', DALI_SOURCES)
    assert source_name('folder', DALI_SOURCES) == 'ImageFolder'  # a product folder, as is
    with pytest.raises(ValueError, match=r"'Cifar'.*choose one of \('TFRecord', "):
        source_name('Cifar', DALI_SOURCES)


def test_dali_readers_take_the_cpu_sources_names_and_arguments():
    pytest.importorskip('nvidia.dali')
    from easycv_like.data.dali.readers import READERS
    assert set(READERS) == set(DALI_SOURCES)
    for name, reader in READERS.items():
        cpu = set(inspect.signature(DATA_SOURCES.get(name)).parameters)
        assert set(inspect.signature(reader).parameters) <= cpu, name


def test_converter_offers_the_registered_names(tmp_path, tiny_digits, capsys):
    sys.path.insert(0, osp.join(REPO, 'tools'))
    import convert_to_tfrecord
    assert convert_to_tfrecord.SOURCE_TYPES == CONVERTIBLE_SOURCES
    paths = convert_to_tfrecord.main(['--src-type', 'ImageList', '--src',
                                      osp.join(tiny_digits, 'val_small.txt'),
                                      '--out', str(tmp_path), '--prefix', 'val'])
    assert len(paths) == 1 and osp.getsize(paths[0]) > 0
    with pytest.raises(SystemExit):
        convert_to_tfrecord.parse_args(['--src-type', 'TFRecord', '--src', 'x', '--out', 'y'])
    assert "choose from 'ImageList', 'ImageFolder', 'Cifar'" in capsys.readouterr().err


def test_cpu_sources_take_the_former_spellings_too(digits_tfrecord):
    from easycv_like.data.sources import TFRecord
    shards = osp.join(digits_tfrecord, 'val-*.tfrecord')
    built = DATA_SOURCES.build(dict(type='tfrecord', shards=shards))  # was the pip 'tfrecord'
    assert isinstance(built, TFRecord) and len(built) == 60  # module: "not callable"
    with pytest.raises(KeyError, match="Unknown type 'json' in the 'data source' registry"):
        DATA_SOURCES.get('json')  # a module mmengine would import by that name
