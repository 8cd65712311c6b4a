"""ResNet backbone: shapes, torchvision weight compatibility, freezing, norm configs."""
import pytest
import torch
import torchvision
from torch import nn

from easycv_like.models.backbones import ResNet, load_torchvision_state_dict


@pytest.mark.parametrize('depth, widths', [(18, [64, 128, 256, 512]),
                                           (50, [256, 512, 1024, 2048])])
@pytest.mark.parametrize('stem, size, first_stride', [('default', 64, 4), ('small', 32, 1)])
def test_output_shapes(depth, widths, stem, size, first_stride):
    model = ResNet(depth, stem=stem, out_indices=(0, 1, 2, 3)).eval()
    assert model.out_channels == widths
    with torch.no_grad():
        feats = model(torch.randn(2, 3, size, size))
    assert isinstance(feats, tuple) and len(feats) == 4
    for i, (feat, width) in enumerate(zip(feats, widths)):
        side = size // (first_stride * 2**i)
        assert feat.shape == (2, width, side, side)


def test_out_indices_order_and_default():
    model = ResNet(18, stem='small', out_indices=(2, 0)).eval()
    assert model.out_channels == [256, 64]
    feats = model(torch.randn(1, 3, 32, 32))
    assert [f.shape[1] for f in feats] == [256, 64]
    assert len(ResNet(18)(torch.randn(1, 3, 64, 64))) == 1


@pytest.mark.parametrize('depth, factory', [(18, torchvision.models.resnet18),
                                            (50, torchvision.models.resnet50)])
def test_torchvision_state_dict_loads_strictly(depth, factory):
    reference = factory(weights=None).state_dict()
    model = ResNet(depth)
    result = load_torchvision_state_dict(model, reference)
    assert not result.missing_keys and not result.unexpected_keys
    ours = model.state_dict()
    assert set(ours) == {k for k in reference if not k.startswith('fc.')}
    assert torch.equal(ours['layer2.0.downsample.0.weight'],
                       reference['layer2.0.downsample.0.weight'])


def test_same_logits_as_torchvision():
    torch.manual_seed(0)
    reference = torchvision.models.resnet18(weights=None)
    for m in reference.modules():  # non-trivial BN statistics
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.1, 0.1)
    reference.eval()
    backbone = ResNet(18)
    load_torchvision_state_dict(backbone, reference.state_dict())
    fc = nn.Linear(512, 1000)
    fc.load_state_dict({'weight': reference.fc.weight, 'bias': reference.fc.bias})
    backbone.eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        ours = fc(backbone(x)[-1].mean(dim=(2, 3)))
        theirs = reference(x)
    torch.testing.assert_close(ours, theirs, atol=1e-5, rtol=0)


def test_frozen_stages_stay_frozen_after_train():
    model = ResNet(18, stem='small', frozen_stages=1)
    model.train()
    frozen = [model.conv1, model.bn1, model.layer1]
    for module in frozen:
        assert all(not p.requires_grad for p in module.parameters())
    assert not model.bn1.training
    assert all(not m.training for m in model.layer1.modules())
    assert all(p.requires_grad for p in model.layer2.parameters())
    assert model.layer2[0].bn1.training
    mean_before = model.bn1.running_mean.clone()
    model(torch.randn(2, 3, 32, 32))
    assert torch.equal(model.bn1.running_mean, mean_before)


def test_norm_eval_keeps_all_bn_in_eval():
    model = ResNet(18, norm_eval=True).train()
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert bns and all(not m.training for m in bns)
    assert model.layer4[0].conv1.weight.requires_grad


def test_zero_init_residual():
    model = ResNet(50, zero_init_residual=True)
    assert torch.count_nonzero(model.layer3[1].bn3.weight) == 0
    assert torch.count_nonzero(model.layer3[1].bn2.weight) > 0


def test_sync_bn_config_builds():
    model = ResNet(18, norm_cfg=dict(type='SyncBN'))
    assert isinstance(model.bn1, nn.SyncBatchNorm)
    assert isinstance(model.layer2[0].downsample[1], nn.SyncBatchNorm)
    assert 'layer2.0.downsample.1.running_var' in model.state_dict()


@pytest.mark.parametrize('kwargs', [dict(depth=20), dict(depth=18, stem='tiny'),
                                    dict(depth=18, out_indices=(4,)),
                                    dict(depth=18, frozen_stages=5)])
def test_bad_arguments_raise(kwargs):
    with pytest.raises((KeyError, ValueError)):
        ResNet(**kwargs)


def test_dilated_resnet50_matches_torchvision_at_output_stride_8():
    """FCN / DeepLabV3 backbone: torchvision's dilated ResNet-50 loads strictly, same outputs."""
    torch.manual_seed(0)
    reference = torchvision.models.resnet50(
        weights=None, replace_stride_with_dilation=[False, True, True]).eval()
    model = ResNet(50, out_indices=(0, 1, 2, 3),
                   replace_stride_with_dilation=(False, True, True)).eval()
    load_torchvision_state_dict(model, reference.state_dict())
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        feats = model(x)
        r = reference.maxpool(reference.relu(reference.bn1(reference.conv1(x))))
        expected = reference.layer4(reference.layer3(reference.layer2(reference.layer1(r))))
    assert [f.shape[-1] for f in feats] == [16, 8, 8, 8]  # output stride 8
    torch.testing.assert_close(feats[-1], expected, rtol=1e-5, atol=1e-5)
    assert model.layer4[1].conv2.dilation == (4, 4) and model.layer4[0].conv2.dilation == (2, 2)


def test_basic_block_resnet_refuses_dilation():
    with pytest.raises(ValueError, match='cannot be dilated'):
        ResNet(18, replace_stride_with_dilation=(False, False, True))
