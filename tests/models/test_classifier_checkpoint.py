"""Classifier files of other projects load by name into our ``Classification`` configs and give
the same logits: torchvision's ResNets (timm's use the same names), mmpretrain / mmcls files, and
timm-named ViT files; a file for another number of classes is an error until its classifier is
left out by name."""
import numpy as np
import pytest
import torch
import torchvision
from mmengine.config import Config

from easycv_like.models.classifier_checkpoint import is_bare_classifier
from easycv_like.predictors import ClassificationPredictor
from easycv_like.registry import MODELS
from easycv_like.utils.weight_loading import WeightLoadError, load_weights

from ..conftest import REPO

RESNET50_CLS = f'{REPO}/configs/_base_/models/resnet50_cls.py'
MEAN, STD = torch.tensor([123.675, 116.28, 103.53]), torch.tensor([58.395, 57.12, 57.375])


def _classifier(depth=50, num_classes=1000):
    """Our ``resnet50_cls.py`` model (ResNet-18 with depth=18)."""
    model = Config.fromfile(RESNET50_CLS).model
    model.backbone.depth = depth
    model.head.update(in_channels=2048 if depth == 50 else 512, num_classes=num_classes,
                      topk=(1,))  # the base's (1, 5) needs 5 classes
    return MODELS.build(model).eval()


def _torchvision(depth, seed=0):
    torch.manual_seed(seed)
    net = getattr(torchvision.models, f'resnet{depth}')(weights=None).eval()
    with torch.no_grad():  # non-trivial BN statistics and a spread of logits
        for module in net.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
        net.fc.weight.normal_(0, 0.05)
    return net


@pytest.mark.parametrize('depth', [18, 50])
def test_torchvision_resnet_classifier_loads_whole_and_gives_its_logits(tmp_path, depth):
    theirs = _torchvision(depth)
    torch.save(theirs.state_dict(), tmp_path / 'tv.pth')  # torchvision's published layout
    ours = _classifier(depth)
    report = load_weights(ours, tmp_path / 'tv.pth', strict=True)
    assert report.complete and report.matched_params == report.num_params
    assert torch.equal(ours.head.fc.weight, theirs.fc.weight)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(ours(x, mode='tensor'), theirs(x), atol=1e-4, rtol=1e-4)


def test_mmcls_resnet50_checkpoint_loads_whole_and_gives_the_same_logits(tmp_path):
    theirs = _torchvision(50, seed=1)
    state = {f'backbone.{k}': v for k, v in theirs.state_dict().items() if not k.startswith('fc.')}
    state.update({'head.fc.weight': theirs.fc.weight, 'head.fc.bias': theirs.fc.bias})
    torch.save({'meta': {'mmcls_version': '0.25.0'}, 'state_dict': state}, tmp_path / 'mm.pth')
    ours = _classifier(50)
    report = load_weights(ours, tmp_path / 'mm.pth', strict=True)
    assert report.containers == ['state_dict'] and report.matched_params == 161
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(ours(x, mode='tensor'), theirs(x), atol=1e-4, rtol=1e-4)


def test_predictor_with_our_config_scores_as_torchvision(tmp_path):
    import cv2
    theirs = _torchvision(18)
    torch.save(theirs.state_dict(), tmp_path / 'resnet18.pth')
    (tmp_path / 'classes.txt').write_text('\n'.join(f'c{i}' for i in range(1000)) + '\n')
    config = tmp_path / 'r18.py'
    config.write_text(f"""
_base_ = {RESNET50_CLS!r}
model = dict(backbone=dict(depth=18), head=dict(in_channels=512))
data = dict(val=dict(type='ClsDataset', pipeline=[dict(type='LoadImage'), dict(type='PackInputs')],
                     data_source=dict(type='ImageList', list_file='unused.txt',
                                      classes={str(tmp_path / 'classes.txt')!r})))
""")
    image = np.random.default_rng(0).integers(0, 256, (48, 64, 3), np.uint8)
    cv2.imwrite(str(tmp_path / 'x.png'), image[..., ::-1])  # RGB array -> BGR file
    result, = ClassificationPredictor(str(tmp_path / 'resnet18.pth'),
                                      config=str(config)).predict([str(tmp_path / 'x.png')])
    x = ((torch.from_numpy(image).float() - MEAN) / STD).permute(2, 0, 1)[None]
    with torch.no_grad():
        expected = torch.softmax(theirs(x), 1)[0]
    torch.testing.assert_close(torch.tensor(result['scores']), expected, atol=1e-5, rtol=1e-4)
    assert result['class'] == int(expected.argmax()) and expected.max() < 0.9
    assert result['class_name'] == f'c{result["class"]}'


def test_another_number_of_classes_is_an_error_until_the_fc_is_excluded(tmp_path):
    theirs = _torchvision(18)
    torch.save(theirs.state_dict(), tmp_path / 'tv.pth')
    ours = _classifier(18, num_classes=3)
    fc_before = ours.head.fc.weight.clone()
    with pytest.raises(WeightLoadError, match=r"classifier has 1000 classes, the model's "
                                              r"head\.num_classes is 3.*exclude=\['head\.fc\.'\]"):
        load_weights(ours, tmp_path / 'tv.pth')
    with pytest.raises(WeightLoadError) as err:  # evaluation, prediction: nothing to exclude
        load_weights(ours, tmp_path / 'tv.pth', strict=True)
    assert ("The checkpoint was trained for 1000 classes, the config's model.head.num_classes is "
            '3: evaluate or predict with a config (and data) of 1000 classes.') in str(err.value)
    assert 'exclude' not in str(err.value).split('\n')[0]
    report = load_weights(ours, tmp_path / 'tv.pth', exclude=['head.fc.'])
    assert report.excluded == {'head.fc.': 2} and report.kept_init == ['head.fc.weight',
                                                                        'head.fc.bias']
    assert not report.missing
    assert torch.equal(ours.head.fc.weight, fc_before)
    assert torch.equal(ours.backbone.layer4[1].conv2.weight, theirs.layer4[1].conv2.weight)


def test_only_backbone_names_are_taken_for_a_bare_classifier():
    names = {'conv1.weight', 'layer1.0.conv1.weight'}
    tensor = torch.zeros(1)
    assert is_bare_classifier({'conv1.weight': tensor, 'fc.weight': tensor}, names)
    assert not is_bare_classifier({'backbone.conv1.weight': tensor, 'fc.weight': tensor}, names)
    assert not is_bare_classifier({'encoder_q.conv1.weight': tensor}, names)  # MoCo, no prefix
    assert not is_bare_classifier({'fc.weight': tensor}, names)  # a head alone
