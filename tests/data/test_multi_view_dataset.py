"""MultiViewDataset: view counts and sizes, one decode per sample, determinism, collation."""
import pytest
import torch
from mmengine.dataset import default_collate

from easycv_like.data.transforms import LoadImage
from easycv_like.registry import DATASETS

_BIG = [dict(type='RandomResizedCrop', size=12, scale=(0.2, 1.0)),
        dict(type='RandomHorizontalFlip')]
_SMALL = [dict(type='RandomResizedCrop', size=6, scale=(0.05, 0.4))]


def _dataset(image_list, **kwargs):
    cfg = dict(type='MultiViewDataset', num_views=[2, 3], pipelines=[_BIG, _SMALL],
               data_source=dict(type='ImageList', list_file=str(image_list)))
    return DATASETS.build(dict(cfg, **kwargs))


def test_views_counts_sizes_and_samples(image_list):
    item = _dataset(image_list)[4]
    views = item['inputs']
    assert [tuple(v.shape) for v in views] == [(3, 12, 12)] * 2 + [(3, 6, 6)] * 3
    assert all(v.dtype == torch.uint8 for v in views)
    assert item['data_samples'] == {'gt_label': 1, 'sample_idx': 4,
                                    'img_path': str(image_list.parent / 'images' / '4.png')}
    assert not torch.equal(views[0], views[1]) and not torch.equal(views[2], views[3])


def test_deterministic_per_seed_epoch_and_index(image_list):
    a, b = _dataset(image_list), _dataset(image_list)
    same = [torch.equal(x, y) for x, y in zip(a[2]['inputs'], b[2]['inputs'])]
    assert all(same)
    other_seed = _dataset(image_list, seed=1)[2]['inputs']
    assert not torch.equal(a[2]['inputs'][0], other_seed[0])
    b.set_epoch(1)
    assert not torch.equal(a[2]['inputs'][0], b[2]['inputs'][0])
    assert not torch.equal(a[2]['inputs'][0], a[3]['inputs'][0])


def test_image_is_decoded_once(image_list):
    calls = []

    def counting_load(results):
        calls.append(results['sample_idx'])
        return LoadImage()(results)

    dataset = _dataset(image_list, load_pipeline=[counting_load])
    assert len(dataset[0]['inputs']) == 5 and calls == [0]


def test_int_num_views_and_collation(image_list):
    dataset = _dataset(image_list, num_views=2, pipelines=[_BIG])
    batch = default_collate([dataset[i] for i in range(3)])
    assert len(batch['inputs']) == 2 and batch['inputs'][1].shape == (3, 3, 12, 12)
    assert batch['data_samples']['sample_idx'].tolist() == [0, 1, 2]


def test_bad_arguments(image_list):
    with pytest.raises(ValueError, match='one positive view count per pipeline'):
        _dataset(image_list, num_views=[2])
    with pytest.raises(ValueError, match='remove PackInputs'):
        _dataset(image_list, num_views=[2], pipelines=[_BIG + [dict(type='PackInputs')]])
