"""DALILoader over the DALI datasets, on CPU-only DALI pipelines (tiny digits, seconds)."""
import os.path as osp
import shutil

import pytest
import torch

pytest.importorskip('nvidia.dali')

from easycv_like.data.dali import (DALILoader, DaliClsDataset, DaliMultiCropDataset,  # noqa: E402
                                   DaliMultiViewDataset)
from easycv_like.data.dali import loader as loader_module  # noqa: E402
from easycv_like.data.sources import ImageFolder, ImageList  # noqa: E402
from easycv_like.data.tfrecord import read_index  # noqa: E402
from easycv_like.errors import ClassMismatchError, ConfigError  # noqa: E402

from ..image_files import random_image, write_image  # noqa: E402

SMALL_VIEW = dict(size=12, scale=(0.2, 1.0), grayscale_prob=0.2, blur_prob=0.5,
                  jitter=dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, prob=0.8))


def _sources(tiny_digits, digits_tfrecord, split='train'):
    classes = osp.join(tiny_digits, 'classes.txt')
    return [dict(type='tfrecord', shards=osp.join(digits_tfrecord, f'{split}-*.tfrecord'),
                 classes=classes),
            dict(type='file_list', list_file=osp.join(tiny_digits, f'{split}_small.txt'),
                 classes=classes)]


def _drain(loader) -> list:
    return list(loader)


@pytest.mark.parametrize('kind', [0, 1], ids=['tfrecord', 'file_list'])
def test_eval_batches_keep_order_labels_and_types(tiny_digits, digits_tfrecord, kind):
    source = _sources(tiny_digits, digits_tfrecord, 'val')[kind]
    dataset = DaliClsDataset(source, size=12, test_mode=True, decoder_device='cpu')
    loader = DALILoader(dataset, batch_size=16, shuffle=False, num_threads=1)
    batches = _drain(loader)
    assert len(loader) == len(batches) == 4 and len(dataset) == 60
    assert [len(b['data_samples']['gt_label']) for b in batches] == [16, 16, 16, 12]
    first = batches[0]
    assert first['inputs'].shape == (16, 3, 12, 12) and first['inputs'].dtype == torch.uint8
    assert first['data_samples']['gt_label'].dtype == torch.long
    expected = ImageList(osp.join(tiny_digits, 'val_small.txt'))
    labels = torch.cat([b['data_samples']['gt_label'] for b in batches]).tolist()
    order = torch.cat([b['data_samples']['sample_idx'] for b in batches]).tolist()
    paths = sum((b['data_samples']['img_path'] for b in batches), [])
    assert order == list(range(60))
    assert labels == [expected[i]['gt_label'] for i in range(60)]
    assert [osp.basename(p) for p in paths] == [
        osp.basename(expected[i]['img_path']) for i in range(60)]
    assert dataset.metainfo == {'classes': [str(d) for d in range(10)]}


def test_views_differ_and_multi_crop_sizes(tiny_digits, digits_tfrecord):
    source = _sources(tiny_digits, digits_tfrecord)[0]
    views = next(iter(DALILoader(DaliMultiViewDataset(source, view=SMALL_VIEW), 32)))['inputs']
    assert len(views) == 2 and views[0].shape == views[1].shape == (32, 3, 12, 12)
    assert (views[0] != views[1]).flatten(1).any(dim=1).all()  # every sample: two crops
    crops = DaliMultiCropDataset(source, global_size=12, local_size=6, num_local=3,
                                 global_overrides=[dict(blur_prob=1.0),
                                                   dict(solarize_prob=0.2)])
    inputs = next(iter(DALILoader(crops, 8)))['inputs']
    assert [tuple(v.shape) for v in inputs] == [(8, 3, 12, 12)] * 2 + [(8, 3, 6, 6)] * 3


@pytest.mark.parametrize('drop_last', [False, True])
def test_two_ranks_read_disjoint_complete_shards(tiny_digits, digits_tfrecord, monkeypatch,
                                                 drop_last):
    for source in _sources(tiny_digits, digits_tfrecord, 'val'):
        dataset = DaliMultiViewDataset(source, view=SMALL_VIEW, seed=1)
        seen = []
        for rank in (0, 1):
            monkeypatch.setattr(loader_module, 'get_dist_info', lambda r=rank: (r, 2))
            loader = DALILoader(dataset, batch_size=8, shuffle=True, drop_last=drop_last)
            batches = _drain(loader)
            assert len(batches) == len(loader) == (3 if drop_last else 4)  # ceil(60 / 2) = 30
            seen.append([i for b in batches for i in b['data_samples']['sample_idx'].tolist()])
        if drop_last:
            assert len(seen[0]) == len(seen[1]) == 24 and not set(seen[0]) & set(seen[1])
        else:
            assert sorted(seen[0] + seen[1]) == list(range(60))


@pytest.mark.parametrize('world_size,batch_size', [(2, 6), (3, 5)])
def test_uneven_shards_drop_last_length_is_what_every_rank_yields(tiny_digits, monkeypatch,
                                                                  world_size, batch_size):
    """59 images: shards of 29 / 30 (or 19 / 20 / 20); DALI's drop policy stops every rank after
    the smallest shard's full batches, and ``len()`` (epoch length, schedules, resume) says so."""
    with open(osp.join(tiny_digits, 'val_small.txt')) as f:
        lines = f.readlines()[:59]
    list_file = osp.join(tiny_digits, 'val_59.txt')  # paths are relative to the list's folder
    with open(list_file, 'w') as f:
        f.writelines(lines)
    source = dict(type='file_list', list_file=list_file,
                  classes=osp.join(tiny_digits, 'classes.txt'))
    dataset = DaliClsDataset(source, size=8, decoder_device='cpu')
    for rank in range(world_size):
        monkeypatch.setattr(loader_module, 'get_dist_info', lambda r=rank: (r, world_size))
        loader = DALILoader(dataset, batch_size=batch_size, shuffle=True, drop_last=True,
                            num_threads=1)
        assert len(_drain(loader)) == len(loader) == 59 // world_size // batch_size


def test_epochs_are_functions_of_seed_and_epoch(tiny_digits, digits_tfrecord):
    source = _sources(tiny_digits, digits_tfrecord)[1]

    def epoch(seed, number):
        loader = DALILoader(DaliMultiViewDataset(source, view=SMALL_VIEW, seed=seed), 40)
        loader.sampler.set_epoch(number)
        return _drain(loader)

    first, again, other = epoch(0, 1), epoch(0, 1), epoch(0, 2)
    for a, b in zip(first, again):
        assert torch.equal(a['inputs'][0], b['inputs'][0])
        assert torch.equal(a['data_samples']['sample_idx'], b['data_samples']['sample_idx'])
    assert not torch.equal(first[0]['data_samples']['sample_idx'],
                           other[0]['data_samples']['sample_idx'])


def test_state_dict_resumes_mid_epoch_exactly(tiny_digits, digits_tfrecord):
    source = _sources(tiny_digits, digits_tfrecord)[0]
    make = lambda: DALILoader(DaliMultiViewDataset(  # noqa: E731
        source, view=SMALL_VIEW, enable_checkpointing=True), 16)
    loader = make()
    loader.sampler.set_epoch(3)
    batches = iter(loader)
    next(batches)
    state = loader.state_dict()
    rest = list(batches)
    resumed = make()
    resumed.load_state_dict(state)
    replay = list(resumed)
    assert len(replay) == len(rest) == len(loader) - 1 and resumed.sampler.epoch == 3
    for a, b in zip(rest, replay):
        assert torch.equal(a['inputs'][1], b['inputs'][1])
        assert torch.equal(a['data_samples']['gt_label'], b['data_samples']['gt_label'])


def test_truncated_tfrecord_is_refused_at_start_naming_the_file(digits_tfrecord, tmp_path):
    shard = str(tmp_path / 'val-00000-of-00001.tfrecord')
    original = osp.join(digits_tfrecord, 'val-00000-of-00001')
    shutil.copy(original + '.idx', str(tmp_path))
    cut = int(read_index(original + '.idx')[-1, 0]) + 20
    open(shard, 'wb').write(open(original + '.tfrecord', 'rb').read()[:cut])
    with pytest.raises(ValueError, match=rf"does not describe shard '{shard}'.*the shard has "
                       rf"{cut} bytes"):  # DALI itself would only fail on reading it
        DaliClsDataset(dict(type='tfrecord', shards=shard), size=12, test_mode=True)
    shutil.copy(original + '.tfrecord', shard)  # the set is now incomplete: 2 of 3 shards
    for name in ('train-00000-of-00003', 'train-00002-of-00003'):
        for ext in ('.tfrecord', '.idx'):
            shutil.copy(osp.join(digits_tfrecord, name + ext), str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"1 of 3 shards are missing.*train-00001-of-00003"):
        DaliClsDataset(dict(type='tfrecord', shards=str(tmp_path / 'train-*.tfrecord')), size=12)


def test_mixed_falls_back_to_cpu_without_cuda(tiny_digits, digits_tfrecord, mmengine_warnings):
    if torch.cuda.is_available():
        pytest.skip('CUDA present: mixed decoding is used')
    dataset = DaliClsDataset(_sources(tiny_digits, digits_tfrecord)[0], decoder_device='mixed')
    assert dataset.decoder_device == 'cpu' and dataset.augment_device == 'cpu'
    assert any("decoder_device='mixed' needs CUDA" in r.getMessage() for r in mmengine_warnings)
    with pytest.raises(ValueError, match='decoder_device'):
        DaliClsDataset(_sources(tiny_digits, digits_tfrecord)[0], decoder_device='gpu')


def test_skip_resumes_a_pass_at_the_next_batch(tiny_digits, digits_tfrecord):
    source = _sources(tiny_digits, digits_tfrecord)[1]
    loader = DALILoader(DaliMultiViewDataset(source, view=SMALL_VIEW), 16)
    loader.sampler.set_epoch(2)
    full = _drain(loader)
    loader.sampler.skip(3 * 16)
    resumed = _drain(loader)
    assert len(resumed) == len(full) - 3 and len(_drain(loader)) == len(full)  # one pass only
    for a, b in zip(full[3:], resumed):
        assert torch.equal(a['inputs'][0], b['inputs'][0])
        assert torch.equal(a['data_samples']['sample_idx'], b['data_samples']['sample_idx'])


def test_tfrecord_source_takes_the_stored_class_list(tiny_digits, digits_tfrecord, tmp_path):
    names = [str(d) for d in range(10)]
    shards = osp.join(digits_tfrecord, 'val-*.tfrecord')
    assert DaliClsDataset(dict(type='TFRecord', shards=shards), size=12,
                          decoder_device='cpu').metainfo == {'classes': names}
    with pytest.raises(ClassMismatchError, match=r"classes.txt'.*only in classes=: \['ten'\]"):
        DaliClsDataset(dict(type='TFRecord', shards=shards, classes=names[1:] + ['ten']),
                       size=12, decoder_device='cpu')


def test_image_folder_source_reads_the_cpu_sources_files_and_labels(tmp_path):
    for label, name in enumerate(('mug', 'shoe')):
        for i in range(3):
            write_image(str(tmp_path / 'photos' / name / 'sub dir' / f'{i}.JPG'),
                        random_image(3 * label + i))
    cpu = ImageFolder(str(tmp_path / 'photos'))
    dataset = DaliClsDataset(dict(type='ImageFolder', root=str(tmp_path / 'photos')), size=8,
                             test_mode=True, decoder_device='cpu')
    batch = next(iter(DALILoader(dataset, 6, shuffle=False, num_threads=1)))
    assert batch['data_samples']['img_path'] == [cpu[i]['img_path'] for i in range(6)]
    assert batch['data_samples']['gt_label'].tolist() == [0, 0, 0, 1, 1, 1]
    assert dataset.metainfo == {'classes': ['mug', 'shoe']}
    with pytest.raises(ConfigError, match=r"'ImageFolder' takes no argument \['list_file'\]"):
        DaliClsDataset(dict(type='folder', list_file='x.txt'), size=8, decoder_device='cpu')


def test_a_file_dali_cannot_decode_is_named(tmp_path):
    lines = []
    for i in range(9):
        write_image(str(tmp_path / f'{i}.jpg'), random_image(i))
        lines.append(f'{i}.jpg 0\n')
    (tmp_path / '4.jpg').write_text('<html>not found</html>')  # DALI: "nvImageCodec failure"
    (tmp_path / 'list.txt').write_text(''.join(lines))
    dataset = DaliClsDataset(dict(type='ImageList', list_file=str(tmp_path / 'list.txt')),
                             size=8, decoder_device='cpu')
    with pytest.raises(RuntimeError, match=r"of epoch 3: Bad image file '.*4\.jpg': not a "
                                           r"decodable image .*Fix or remove these files"):
        loader = DALILoader(dataset, 2, shuffle=True, num_threads=1)
        loader.sampler.set_epoch(3)
        _drain(loader)
