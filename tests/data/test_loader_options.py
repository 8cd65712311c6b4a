import pytest

from easycv_like.data.collate import pad_collate
from easycv_like.data.loader_options import pop_loader_options, use_batch_sampler
from easycv_like.data.stack_collate import stack_collate


def test_pops_collate_and_batch_sampler_from_the_dataset_entry():
    dataset = dict(type='DetDataset', collate=dict(type='pad_collate', pad_value=114),
                   batch_sampler=dict(type='AspectRatioBatchSampler'))
    collate, batch_sampler = pop_loader_options(dataset)
    assert dataset == dict(type='DetDataset')
    assert collate == dict(type=pad_collate, pad_value=114)
    assert batch_sampler == dict(type='easycv_like.AspectRatioBatchSampler')
    loader = use_batch_sampler(dict(batch_size=2, drop_last=True), batch_sampler)
    assert 'drop_last' not in loader and loader['batch_sampler']['drop_last'] is True


def test_defaults_and_errors():
    assert pop_loader_options(dict(type='ClsDataset')) == (dict(type=stack_collate), None)
    assert use_batch_sampler(dict(drop_last=True), None) == dict(drop_last=True)
    with pytest.raises(KeyError, match="did you mean 'pad_collate'"):
        pop_loader_options(dict(collate=dict(type='pad_colate')))
    with pytest.raises(KeyError, match="needs a 'type'"):
        pop_loader_options(dict(collate=dict(size_divisor=32)))
