import pytest

from easycv_like.data.datasets import DetDataset
from easycv_like.data.samplers import AspectRatioBatchSampler, EpochIndexSampler

from .dense_samples import RectSource


def _sampler(count=10, batch_size=3, **kwargs):
    dataset = DetDataset(RectSource(count=count), [dict(type='PackDetInputs')])
    return AspectRatioBatchSampler(EpochIndexSampler(dataset, seed=3), batch_size, **kwargs)


@pytest.mark.parametrize('count, batch_size, drop_last', [(10, 3, False), (10, 3, True),
                                                         (11, 4, False), (7, 2, True)])
def test_every_index_once_and_full_batches_share_a_group(count, batch_size, drop_last):
    sampler = _sampler(count, batch_size, drop_last=drop_last)
    for epoch in range(3):
        sampler.set_epoch(epoch)
        batches = list(sampler)
        assert len(batches) == len(sampler)
        flat = [i for batch in batches for i in batch]
        assert len(flat) == len(set(flat))
        if not drop_last:
            assert sorted(flat) == list(range(count))
        grouped = [b for b in batches if len({int(sampler.groups[i]) for i in b}) == 1]
        assert len(batches) - len(grouped) <= 1  # only the leftover batch may mix groups
        assert all(len(b) == batch_size for b in batches[:-1])


def test_groups_follow_the_aspect_ratio():
    sampler = _sampler()
    # RectSource image i is (40 + 4i) x (90 - 5i): landscape up to i = 5, portrait after
    assert sampler.groups.tolist() == [1] * 6 + [0] * 4


def test_skip_resumes_exactly_by_batches():
    sampler = _sampler(count=11, batch_size=2)
    sampler.set_epoch(4)
    full = list(sampler)
    other = _sampler(count=11, batch_size=2)
    other.set_epoch(4)
    other.skip(3)
    assert list(other) == full[3:]
    assert list(other) == full  # the skip applies to one pass only
    sampler.set_epoch(5)
    assert list(sampler) != full


def test_needs_aspect_ratios():
    with pytest.raises(TypeError, match='aspect_ratio'):
        AspectRatioBatchSampler(EpochIndexSampler(list(range(4)), seed=0), 2)
