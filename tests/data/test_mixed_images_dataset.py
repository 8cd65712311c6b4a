import pytest
import torch

from easycv_like.registry import DATASETS

from .dense_samples import RectSource

PIPELINE = [dict(type='RandomHSV'), dict(type='RandomHorizontalFlip'),
            dict(type='Letterbox', size=(48, 64)), dict(type='FilterBoxes', min_size=2),
            dict(type='PackDetInputs')]


def _dataset(**kwargs):
    cfg = dict(type='MixedImagesDataset', data_source=RectSource(with_seg=False),
               pipeline=PIPELINE, mosaic=dict(img_scale=(48, 64)),
               mosaic_pipeline=[dict(type='RandomAffine', border=(-24, -32))],
               mixup=dict(img_scale=(48, 64)), max_epochs=10, no_mix_epochs=3, seed=7)
    return DATASETS.build(dict(cfg, **kwargs))


def _same(a, b):
    return (torch.equal(a['inputs'], b['inputs'])
            and torch.equal(a['data_samples']['gt_bboxes'], b['data_samples']['gt_bboxes']))


def test_items_and_partners_are_identical_after_a_resume(monkeypatch):
    first = _dataset()
    first.set_epoch(2)
    chosen = []
    original = type(first).partners
    monkeypatch.setattr(type(first), 'partners',
                        lambda self, n, rng: chosen.append(original(self, n, rng)) or chosen[-1])
    items = [first[i] for i in range(4)]
    seen, chosen[:] = list(chosen), []
    resumed = _dataset()  # a new process: only (seed, epoch, index) carry over
    resumed.set_epoch(2)
    assert all(_same(resumed[i], items[i]) for i in range(4)) and chosen == seen
    assert len(seen) == 8  # 3 mosaic partners + 1 mix-up partner per item
    item = items[0]
    assert item['inputs'].shape == (3, 48, 64)
    assert item['data_samples']['gt_bboxes'].shape[1] == 4
    resumed.set_epoch(3)
    assert not all(_same(resumed[i], items[i]) for i in range(4))


def test_mixing_stops_for_the_last_epochs_even_after_a_resume(monkeypatch):
    dataset = _dataset()
    assert dataset.mixing
    dataset.set_epoch(6)
    assert dataset.mixing
    dataset.set_epoch(7)
    assert not dataset.mixing
    resumed = _dataset()
    resumed.set_epoch(9)  # resumed past the switch: still off
    assert not resumed.mixing
    monkeypatch.setattr(type(resumed), 'partners', lambda *a: pytest.fail('mixed'))
    item = resumed[0]
    boxes = item['data_samples']['gt_bboxes']
    assert len(boxes) <= 1  # only the sample's own rectangle


def test_empty_images_and_bad_settings():
    dataset = _dataset(data_source=RectSource(count=5, with_seg=False))
    for index in range(5):
        boxes = dataset[index]['data_samples']['gt_bboxes']
        assert boxes.dtype == torch.float32 and boxes.shape[1] == 4
    with pytest.raises(ValueError, match='no_mix_epochs needs max_epochs'):
        _dataset(max_epochs=None)
    with pytest.raises(TypeError, match='bogus'):
        _dataset(mosaic=dict(img_scale=32, bogus=1))



def test_each_image_is_loaded_once_per_sample_even_when_drawn_twice(monkeypatch):
    dataset = _dataset(data_source=RectSource(count=2, with_seg=False))  # partners repeat
    original = type(dataset).load
    loads = []
    monkeypatch.setattr(type(dataset), 'load',
                        lambda self, i, rng: loads.append(i) or original(self, i, rng))
    for index in range(2):
        loads.clear()
        item = dataset[index]  # the sample, 3 mosaic partners and 1 mix-up partner: 5 draws
        assert sorted(loads) == [0, 1]  # two images, each decoded once
        assert item['data_samples']['gt_bboxes'].shape[0] >= 2  # the copies were all mixed in
