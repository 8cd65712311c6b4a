import numpy as np
import torch
from mmengine.dataset import default_collate
from torch.utils.data import DataLoader

from easycv_like.data.datasets import ClsDataset
from easycv_like.registry import DATASETS

from .test_cifar import _write_cifar10

TRAIN_PIPELINE = [
    dict(type='LoadImage'),
    dict(type='RandomResizedCrop', size=16),
    dict(type='RandomHorizontalFlip'),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, prob=0.8),
    dict(type='RandomGrayscale', prob=0.2),
    dict(type='GaussianBlur', prob=0.5),
    dict(type='PackInputs'),
]


def _dataset(list_file, **kwargs):
    return DATASETS.build(dict(type='ClsDataset', pipeline=TRAIN_PIPELINE,
                               data_source=dict(type='ImageList', list_file=str(list_file)),
                               **kwargs))


def test_item_matches_the_data_contract(image_list):
    dataset = _dataset(image_list)
    assert isinstance(dataset, ClsDataset) and len(dataset) == 6
    assert dataset.metainfo == {'classes': None}
    for i in range(len(dataset)):
        item = dataset[i]
        assert set(item) == {'inputs', 'data_samples'}
        assert item['inputs'].dtype == torch.uint8 and item['inputs'].shape == (3, 16, 16)
        assert item['data_samples'] == {'gt_label': i % 3, 'sample_idx': i,
                                        'img_path': str(image_list.parent / f'images/{i}.png')}


def test_in_memory_source_and_metainfo(tmp_path):
    _write_cifar10(tmp_path)
    dataset = ClsDataset(dict(type='Cifar', root=str(tmp_path), split='test'),
                         [dict(type='LoadImage'), dict(type='CenterCrop', size=8),
                          dict(type='PackInputs')])
    item = dataset[2]
    assert item['data_samples'] == {'gt_label': 7, 'sample_idx': 2, 'img_path': ''}
    assert (item['inputs'][:, 4, 4] == torch.tensor([2, 102, 202], dtype=torch.uint8)).all()
    assert dataset.metainfo == {'classes': [f'class{i}' for i in range(10)]}
    assert type(dataset.metainfo['classes'][0]) is str


def test_same_seed_epoch_index_gives_the_same_item_in_workers(image_list):
    dataset = _dataset(image_list, seed=3)
    dataset.set_epoch(2)
    expected = torch.stack([dataset[i]['inputs'] for i in range(len(dataset))])
    loader = DataLoader(dataset, batch_size=2, num_workers=2, collate_fn=default_collate)
    batches = list(loader)
    inputs = torch.cat([batch['inputs'] for batch in batches])
    assert inputs.shape == (6, 3, 16, 16) and inputs.dtype == torch.uint8
    assert torch.equal(inputs, expected)
    samples = batches[1]['data_samples']
    assert samples['sample_idx'].tolist() == [2, 3] and samples['gt_label'].tolist() == [2, 0]
    fresh = _dataset(image_list, seed=3)
    fresh.set_epoch(2)
    assert torch.equal(fresh[4]['inputs'], expected[4])


def test_epochs_and_seeds_change_the_augmentation(image_list):
    dataset = _dataset(image_list)
    epoch0 = [dataset[i]['inputs'] for i in range(6)]
    assert all(torch.equal(a, dataset[i]['inputs']) for i, a in enumerate(epoch0))
    dataset.set_epoch(1)
    assert dataset.epoch == 1
    assert not any(torch.equal(a, dataset[i]['inputs']) for i, a in enumerate(epoch0))
    dataset.set_epoch(0)
    assert torch.equal(dataset[0]['inputs'], epoch0[0])
    other_seed = _dataset(image_list, seed=1)
    assert not torch.equal(other_seed[0]['inputs'], epoch0[0])


def test_rng_is_the_documented_rule(image_list):
    dataset = _dataset(image_list, seed=4)
    dataset.set_epoch(7)
    seen = {}
    dataset.pipeline.transforms.insert(1, lambda results: seen.update(
        draw=results['rng'].random()) or results)
    dataset[5]
    assert seen['draw'] == np.random.default_rng([4, 7, 5]).random()
