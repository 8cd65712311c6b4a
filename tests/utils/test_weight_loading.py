"""``load_weights``: container unwrapping, prefixes, the key report, and the errors for missing
weights (unless ``exclude`` / ``min_match`` say so) and other shapes."""
import pytest
import torch
from torch import nn

from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import WeightLoadError, load_weights


def _net(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.Linear(3, 2))


def _assert_same(module, state):
    for key, value in module.state_dict().items():
        assert torch.equal(value, state[key]), key


def test_official_model_container_loads_everything(tmp_path):
    source = _net(1).state_dict()
    torch.save({'model': source, 'epoch': 3}, tmp_path / 'deit.pth')
    target = _net(0)
    report = load_weights(target, tmp_path / 'deit.pth')
    _assert_same(target, source)
    assert report.containers == ['model']
    assert report.complete and report.match_fraction == 1.0
    assert report.matched_params == 6 and len(report.matched) == 9  # + BN buffers


def test_prefix_naming_the_container_selects_it(tmp_path):
    source = _net(1).state_dict()
    torch.save({'model': source}, tmp_path / 'deit.pth')
    target = _net(0)
    load_weights(target, tmp_path / 'deit.pth', prefix='model.')
    _assert_same(target, source)


def test_ssl_prefix_is_reported_with_what_it_left_out(tmp_path):
    online, momentum = _net(1).state_dict(), _net(2).state_dict()
    state = {f'backbone.{k}': v for k, v in online.items()}
    state.update({f'momentum_backbone.{k}': v for k, v in momentum.items()})
    state['neck.fc.weight'] = torch.zeros(2, 2)
    torch.save({'state_dict': state, 'meta': {}}, tmp_path / 'ssl.pth')
    target = _net(0)
    report = load_weights(target, tmp_path / 'ssl.pth', prefix='backbone')
    _assert_same(target, online)
    assert report.left_out == {'momentum_backbone': 9, 'neck': 1}
    text = report.summary()
    assert "prefix 'backbone'" in text and 'momentum_backbone.* (9)' in text
    assert 'ssl.pth' in text and "'state_dict'" in text


def test_too_few_matches_fail_and_name_the_prefixes(tmp_path):
    state = {f'backbone.{k}': v for k, v in _net(1).state_dict().items()}
    torch.save({'state_dict': state}, tmp_path / 'ssl.pth')
    target = _net(0)
    before = {k: v.clone() for k, v in target.state_dict().items()}
    with pytest.raises(WeightLoadError, match=r'8 of the 8 weights .*ssl\.pth.*None was found') \
            as err:
        load_weights(target, tmp_path / 'ssl.pth')
    assert 'backbone.0.weight' in str(err.value)  # the unexpected names are listed
    assert "prefix='backbone.' would match 6 of the 6 parameters" in str(err.value)
    _assert_same(target, before)  # nothing was loaded
    with pytest.raises(WeightLoadError, match="starts with 'neck.'.*'backbone' \\(9\\)"):
        load_weights(target, tmp_path / 'ssl.pth', prefix='neck.')


def test_a_partial_load_is_an_error_unless_min_match_accepts_it(tmp_path):
    source = _net(1).state_dict()
    partial = {k: v for k, v in source.items() if k.startswith('2.')}
    target = _net(0)
    before = {k: v.clone() for k, v in target.state_dict().items()}
    with pytest.raises(WeightLoadError, match=r"(?s)6 of the 8 weights of Sequential are not "
                                              r"in partial\.pth \(with no prefix\): 0\.weight.*"
                                              r"25\.0% were found.*exclude=\['0\.', '1\.'\].*"
                                              r"min_match=0\.25"):
        load_weights(target, dict(state_dict=partial), source='partial.pth')
    _assert_same(target, before)  # nothing was loaded
    with pytest.raises(WeightLoadError, match=r'25\.0% were found \(min_match=0\.3\)'):
        load_weights(target, dict(state_dict=partial), source='partial.pth', min_match=0.3)
    report = load_weights(target, dict(state_dict=partial), source='partial.pth', min_match=0)
    assert torch.equal(target[2].weight, source['2.weight'])
    assert torch.equal(target[0].weight, before['0.weight'])
    assert report.matched_params == 2 and report.num_params == 6 and report.num_required == 8
    assert report.missing[:2] == ['0.weight', '0.bias']
    assert report.counters == ['1.num_batches_tracked']


def test_bn_statistics_are_required_but_not_the_step_counter():
    source = _net(1).state_dict()
    del source['1.num_batches_tracked']  # files saved before PyTorch 0.4.1 lack it
    target = _net(0)
    report = load_weights(target, dict(source), source='old.pth')
    assert report.missing == [] and report.match_fraction == 1.0
    assert report.counters == ['1.num_batches_tracked']
    del source['1.running_var']
    with pytest.raises(WeightLoadError, match=r"1 of the 8 weights .*: 1\.running_var\."):
        load_weights(target, source, source='old.pth')


def test_shape_mismatch_fails_unless_the_layer_is_excluded_by_name():
    source = _net(1).state_dict()
    source['2.weight'] = torch.ones(5, 3)
    target = _net(0)
    before = {k: v.clone() for k, v in target.state_dict().items()}
    with pytest.raises(WeightLoadError, match=r"2\.weight \(5, 3\) in file vs \(2, 3\) in "
                                              r"model.*exclude=\['2\.'\]"):
        load_weights(target, source, source='other.pth')
    _assert_same(target, before)  # nothing was loaded
    report = load_weights(target, source, source='other.pth', exclude=['2.'])
    assert report.excluded == {'2.': 2} and report.kept_init == ['2.weight', '2.bias']
    assert report.missing == [] and report.num_required == 6
    assert torch.equal(target[0].weight, source['0.weight'])
    assert torch.equal(target[2].weight, before['2.weight'])  # left at its initial value
    assert 'left out by exclude: 2.* (2)' in report.summary()
    with pytest.raises(WeightLoadError, match=r"exclude \['3\.'\] names no key of other\.pth nor"):
        load_weights(target, source, source='other.pth', exclude=['2.', '3.'])
    with pytest.raises(WeightLoadError, match='Strict load failed'):
        load_weights(target, source, source='other.pth', exclude=['2.'], strict=True)


def test_a_deeper_file_is_an_error_unless_its_extra_blocks_are_excluded():
    """A file with more blocks than the model (ResNet-101 for a ResNet-50) would load its first
    blocks silently; an unused key outside the block lists (a classifier) stays fine."""
    target = nn.Sequential(nn.Linear(3, 3), nn.Sequential(nn.Linear(3, 3), nn.Linear(3, 3)))
    deeper = nn.Sequential(nn.Linear(3, 3), nn.Sequential(*[nn.Linear(3, 3) for _ in range(3)]))
    source = {**deeper.state_dict(), 'fc.weight': torch.ones(2, 3)}
    before = {k: v.clone() for k, v in target.state_dict().items()}
    with pytest.raises(WeightLoadError, match=r"deep\.pth holds 2 tensor\(s\) of blocks that "
                                              r"Sequential does not have: 1\.2\.weight, "
                                              r"1\.2\.bias.*exclude=\['1\.2\.'\]"):
        load_weights(target, source, source='deep.pth')
    _assert_same(target, before)
    with pytest.raises(WeightLoadError) as err:  # evaluation, prediction: describe the network
        load_weights(target, source, source='deep.pth', strict=True)
    assert ('If the file is meant whole, the config must describe that deeper network (e.g. '
            'depth=101 for a ResNet-101 file).') in str(err.value).split('\n')[0]
    strict = load_weights(target, source, source='deep.pth', exclude=['1.2.', 'fc.'], strict=True)
    assert strict.complete  # a strict training load (init_cfg Pretrained) takes the exclude
    report = load_weights(target, source, source='deep.pth', exclude=['1.2.'])
    assert report.unexpected == ['fc.weight'] and report.missing == []
    assert torch.equal(target[1][1].weight, deeper[1][1].weight)


def test_ddp_module_prefix_and_teacher_container():
    teacher, student = _net(1).state_dict(), _net(2).state_dict()
    file = {'teacher': {f'module.{k}': v for k, v in teacher.items()}, 'student': student}
    target = _net(0)
    report = load_weights(target, file, source='dino.pth')
    _assert_same(target, teacher)
    assert report.containers == ['teacher', "'module.' prefix (DDP)"]
    load_weights(target, file, source='dino.pth', container='student')
    _assert_same(target, student)
    with pytest.raises(WeightLoadError, match="no container 'ema'.*teacher"):
        load_weights(target, file, source='dino.pth', container='ema')


def test_file_without_tensors_is_named():
    with pytest.raises(WeightLoadError, match=r"x\.pth holds no state dict.*'epoch'"):
        load_weights(_net(0), {'epoch': 3, 'args': 'abc'}, source='x.pth')


def test_pretrained_init_cfg_loads_an_official_file_and_fails_on_a_foreign_one(tmp_path):
    r18 = dict(type='ResNet', depth=18, stem='small')
    torch.manual_seed(1)
    source = MODELS.build(r18).state_dict()
    torch.save({'model': source}, tmp_path / 'official.pth')
    backbone = MODELS.build(dict(r18, init_cfg=dict(type='Pretrained',
                                                    checkpoint=str(tmp_path / 'official.pth'))))
    backbone.init_weights()
    _assert_same(backbone, source)
    torch.save({'model': _net(1).state_dict()}, tmp_path / 'foreign.pth')
    backbone = MODELS.build(dict(r18, init_cfg=dict(type='Pretrained',
                                                    checkpoint=str(tmp_path / 'foreign.pth'))))
    with pytest.raises(WeightLoadError, match='foreign.pth'):
        backbone.init_weights()
