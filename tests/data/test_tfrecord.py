"""The CPU TFRecord data source, alone and under the datasets."""
import os.path as osp
import shutil

import pytest
import torch

from easycv_like.data.errors import BadSampleError
from easycv_like.data.sources import TFRecord
from easycv_like.data.tfrecord import read_index
from easycv_like.registry import DATASETS


def test_under_cls_dataset(digits_tfrecord):
    dataset = DATASETS.build(dict(
        type='ClsDataset',
        data_source=dict(type='TFRecord', shards=osp.join(digits_tfrecord, 'val-*.tfrecord'),
                         classes=osp.join(digits_tfrecord, 'classes.txt')),
        pipeline=[dict(type='LoadImage'), dict(type='RandomResizedCrop', size=12),
                  dict(type='PackInputs')]))
    item = dataset[5]
    assert len(dataset) == 60 and dataset.metainfo['classes'][3] == '3'
    assert item['inputs'].shape == (3, 12, 12) and item['inputs'].dtype == torch.uint8
    assert item['data_samples']['sample_idx'] == 5
    assert item['data_samples']['img_path'].startswith('images/')
    assert torch.equal(dataset[5]['inputs'], item['inputs'])  # seeded per (seed, epoch, index)


def test_under_multi_view_dataset(digits_tfrecord):
    if 'MultiViewDataset' not in DATASETS:
        pytest.skip('MultiViewDataset is not in this checkout yet')
    dataset = DATASETS.build(dict(
        type='MultiViewDataset', num_views=2,
        data_source=dict(type='TFRecord', shards=osp.join(digits_tfrecord, 'val-*.tfrecord')),
        pipelines=[[dict(type='RandomResizedCrop', size=12)]]))
    views = dataset[0]['inputs']
    assert len(views) == 2 and views[0].shape == (3, 12, 12)


def test_corrupt_record_names_file_record_and_offset(digits_tfrecord, tmp_path):
    shard = str(tmp_path / 'val.tfrecord')
    index_file = osp.join(digits_tfrecord, 'val-00000-of-00001.idx')
    shutil.copy(osp.join(digits_tfrecord, 'val-00000-of-00001.tfrecord'), shard)
    index = read_index(index_file)
    offset = int(index[7, 0])
    data = bytearray(open(shard, 'rb').read())
    data[offset + 40] ^= 0x5A
    open(shard, 'wb').write(bytes(data))
    source = TFRecord([shard], index_files=[index_file])
    assert source[6]['img'].shape == (16, 16, 3)
    with pytest.raises(BadSampleError, match=rf"{shard}' record 7 \(byte offset {offset}\)"):
        source[7]


def test_cut_shard_is_refused_at_start_with_its_index_and_scanned_without(digits_tfrecord,
                                                                         tmp_path):
    shard = str(tmp_path / 'val.tfrecord')
    index_file = osp.join(digits_tfrecord, 'val-00000-of-00001.idx')
    index = read_index(index_file)
    data = open(osp.join(digits_tfrecord, 'val-00000-of-00001.tfrecord'), 'rb').read()
    open(shard, 'wb').write(data[:int(index[-1, 0]) + 20])  # an interrupted copy
    with pytest.raises(ValueError, match=rf"{index_file}' does not describe shard '{shard}'.*"
                       rf"end at byte {len(data)} but the shard has {int(index[-1, 0]) + 20}"):
        TFRecord([shard], index_files=[index_file])
    unindexed = TFRecord([shard])  # no index: the scan finds the cut, the rest is readable
    assert len(unindexed) == 60 and unindexed[58]['img'].shape == (16, 16, 3)
    with pytest.raises(BadSampleError, match=rf"byte offset {int(index[-1, 0])}.*truncated"):
        unindexed[len(unindexed) - 1]


def _unindexed_copy(digits_tfrecord, tmp_path, flip_at):
    """The val shard without its index, one bit flipped at record 7 + ``flip_at``."""
    shard = str(tmp_path / 'val.tfrecord')
    index = read_index(osp.join(digits_tfrecord, 'val-00000-of-00001.idx'))
    data = bytearray(open(osp.join(digits_tfrecord, 'val-00000-of-00001.tfrecord'), 'rb').read())
    data[int(index[7, 0]) + flip_at] ^= 0x04
    open(shard, 'wb').write(bytes(data))
    return shard, int(index[7, 0])


def test_flipped_payload_bit_without_index_is_one_bad_record(digits_tfrecord, tmp_path):
    shard, offset = _unindexed_copy(digits_tfrecord, tmp_path, flip_at=40)
    dataset = DATASETS.build(dict(type='ClsDataset', max_bad_samples=1,
                                  data_source=dict(type='TFRecord', shards=shard),
                                  pipeline=[dict(type='LoadImage'), dict(type='PackInputs')]))
    assert len(dataset) == 60
    with pytest.raises(BadSampleError,
                       match=rf"record 7 \(byte offset {offset}\): the payload CRC"):
        dataset.data_source[7]
    assert dataset[8]['data_samples']['sample_idx'] == 8  # records after it read normally
    assert dataset[7]['data_samples']['sample_idx'] == 8  # replaced by the next one
    assert list(dataset.bad_files) == [f'{shard}@{offset}']


def test_flipped_length_bit_without_index_names_the_real_offset(digits_tfrecord, tmp_path,
                                                                 mmengine_warnings):
    shard, offset = _unindexed_copy(digits_tfrecord, tmp_path, flip_at=1)  # in the length
    source = TFRecord(shard)
    assert len(source) == 8  # records 0-6, then the damage as one bad item
    assert source[6]['img'].shape == (16, 16, 3)
    with pytest.raises(BadSampleError, match=rf"byte offset {offset}: the length CRC") as err:
        source[7]
    assert err.value.paths == (f'{shard}@{offset}',)
    assert any(f'byte offset {offset}' in r.getMessage() for r in mmengine_warnings)



def test_shard_without_index_is_scanned_with_a_warning(digits_tfrecord, tmp_path,
                                                      mmengine_warnings):
    shard = str(tmp_path / 'val.tfrecord')
    shutil.copy(osp.join(digits_tfrecord, 'val-00000-of-00001.tfrecord'), shard)
    source = TFRecord(shard)
    indexed = TFRecord(osp.join(digits_tfrecord, 'val-00000-of-00001.tfrecord'))
    assert len(source) == len(indexed) == 60
    assert (source[59]['img'] == indexed[59]['img']).all()
    assert any('has no .idx index' in r.getMessage() for r in mmengine_warnings)
