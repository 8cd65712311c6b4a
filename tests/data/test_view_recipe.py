"""View recipes compile to the cv2 pipeline and to DALI view specs; bad recipes are named."""
import pytest

from easycv_like.data.dali.view_spec import MOCOV2_VIEW, ViewSpec
from easycv_like.data.datasets import MultiViewDataset
from easycv_like.data.view_recipe import (MOCOV2_VIEWS, cv2_view_args, dali_multi_view_args,
                                          dali_view_specs, parse_recipe)

MULTI_CROP = dict(crops=[dict(size=32, scale=(0.4, 1.0), num=2),
                         dict(size=16, scale=(0.05, 0.4), ratio=(0.5, 2.0), num=3)],
                  color_jitter=dict(p=0.5, brightness=0.2, hue=0.05), grayscale=0.0,
                  blur=None, solarize=0.3, flip=0.0)


def test_mocov2_recipe_compiles_to_the_published_cv2_pipeline():
    args = cv2_view_args(MOCOV2_VIEWS)
    assert args['num_views'] == [2]
    assert args['pipelines'] == [[
        dict(type='RandomResizedCrop', size=224, scale=(0.2, 1.0)),
        dict(type='RandomAppliedTrans', prob=0.8, transforms=[dict(
            type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)]),
        dict(type='RandomGrayscale', prob=0.2),
        dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=0.5),
        dict(type='RandomHorizontalFlip', prob=0.5)]]


def test_mocov2_recipe_compiles_to_the_dali_view():
    args = dali_multi_view_args(MOCOV2_VIEWS)
    assert args['num_views'] == 2
    spec = ViewSpec.from_dict(args['view'])
    assert spec == ViewSpec.from_dict(MOCOV2_VIEW)
    assert (spec.size, spec.scale, spec.grayscale_prob, spec.blur_prob, spec.flip_prob) == (
        224, (0.2, 1.0), 0.2, 0.5, 0.5)
    assert spec.jitter == dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, prob=0.8)


def test_multi_crop_groups_keep_order_and_options(image_list):
    specs = [ViewSpec.from_dict(s) for s in dali_view_specs(MULTI_CROP)]
    assert [s.size for s in specs] == [32, 32, 16, 16, 16]
    assert specs[2].ratio == (0.5, 2.0) and specs[0].solarize_prob == 0.3
    assert specs[0].blur_prob == 0.0 and specs[0].jitter['hue'] == 0.05
    args = cv2_view_args(MULTI_CROP)
    assert args['num_views'] == [2, 3]
    assert [t['type'] for t in args['pipelines'][1]] == ['RandomResizedCrop',
                                                         'RandomAppliedTrans', 'Solarization']
    assert args['pipelines'][1][0]['ratio'] == (0.5, 2.0)
    item = MultiViewDataset(dict(type='ImageList', list_file=str(image_list)), **args)[0]
    assert [tuple(v.shape) for v in item['inputs']] == [(3, 32, 32)] * 2 + [(3, 16, 16)] * 3
    with pytest.raises(ValueError, match='2 crop groups'):
        dali_multi_view_args(MULTI_CROP)


# DINO's views (Caron et al. 2021): asymmetric global crops, bicubic, eight local crops
DINO_LIKE = dict(
    crops=[dict(size=32, scale=(0.4, 1.0), num=2, interpolation='bicubic',
                views=[dict(blur=dict(p=1.0)), dict(blur=dict(p=0.1), solarize=0.2)]),
           dict(size=16, scale=(0.05, 0.4), num=8, interpolation='bicubic')],
    color_jitter=dict(p=0.8, brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1),
    grayscale=0.2, blur=dict(p=0.5, sigma=(0.1, 2.0)), flip=0.5)


def test_per_view_overrides_and_interpolation_compile_for_both_paths():
    args = cv2_view_args(DINO_LIKE)
    assert args['num_views'] == [1, 1, 8]
    first, second, local = args['pipelines']
    assert first[0] == dict(type='RandomResizedCrop', size=32, scale=(0.4, 1.0),
                            interpolation='bicubic')
    assert first[3] == dict(type='GaussianBlur', sigma_min=0.1, sigma_max=2.0, prob=1.0)
    assert second[3]['prob'] == 0.1 and second[4] == dict(type='Solarization', threshold=128,
                                                          prob=0.2)
    assert local[3]['prob'] == 0.5 and 'Solarization' not in [t['type'] for t in local]
    specs = [ViewSpec.from_dict(s) for s in dali_view_specs(DINO_LIKE)]
    assert [(s.size, s.blur_prob, s.solarize_prob) for s in specs[:3]] == [
        (32, 1.0, 0.0), (32, 0.1, 0.2), (16, 0.5, 0.0)]
    assert {s.interpolation for s in specs} == {'bicubic'} and len(specs) == 10


def test_byol_like_overrides_become_dali_view_overrides(tiny_digits):
    pytest.importorskip('nvidia.dali')
    import os.path as osp

    from easycv_like.data.dali import DALILoader, DaliMultiViewDataset
    recipe = dict(crops=[dict(size=12, scale=(0.3, 1.0), num=2, interpolation='bicubic',
                              views=[dict(blur=dict(p=1.0)), dict(solarize=1.0)])],
                  grayscale=0.2, flip=0.5)
    args = dali_multi_view_args(recipe)
    assert args['num_views'] == 2 and len(args['view_overrides']) == 2
    dataset = DaliMultiViewDataset(dict(type='ImageList', list_file=osp.join(
        tiny_digits, 'val_small.txt')), decoder_device='cpu', **args)
    first, second = dataset.view_specs()
    assert (first.blur_prob, first.solarize_prob) == (1.0, 0.0)
    assert (second.blur_prob, second.solarize_prob) == (0.0, 1.0)
    views = next(iter(DALILoader(dataset, batch_size=8, shuffle=False)))['inputs']
    assert [tuple(v.shape) for v in views] == [(8, 3, 12, 12)] * 2


@pytest.mark.parametrize('recipe, error, match', [
    (dict(MOCOV2_VIEWS, grayscal=0.2), KeyError, r"'grayscal' in the view recipe \(did you "
     r"mean 'grayscale'"),
    (dict(MOCOV2_VIEWS, crops=[dict(size=8, scael=(0.2, 1))]), KeyError, r"'scael' in crops\[0\]"),
    (dict(MOCOV2_VIEWS, color_jitter=dict(p=0.8, brightnes=0.4)), KeyError, 'brightnes'),
    (dict(MOCOV2_VIEWS, blur=dict(p=1.5)), ValueError, r'blur.p must be a probability'),
    (dict(MOCOV2_VIEWS, crops=[dict(size=8, scale=(1.0, 0.2))]), ValueError, r'crops\[0\].scale'),
    (dict(flip=0.5), KeyError, "needs 'crops'"),
    (dict(crops=[dict(size=8, num=1, views=[{}, {}])]), ValueError, 'at most num per-view'),
    (dict(crops=[dict(size=8, views=[dict(size=4)])]), KeyError, r"'size' in crops\[0\].views"),
    (dict(crops=[dict(size=8, interpolation='area')]), ValueError, 'interpolation must be'),
])
def test_bad_recipes_are_refused_by_name(recipe, error, match):
    with pytest.raises(error, match=match):
        parse_recipe(recipe)
