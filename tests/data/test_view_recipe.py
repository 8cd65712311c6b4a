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


@pytest.mark.parametrize('recipe, error, match', [
    (dict(MOCOV2_VIEWS, grayscal=0.2), KeyError, r"'grayscal' in the view recipe \(did you "
     r"mean 'grayscale'"),
    (dict(MOCOV2_VIEWS, crops=[dict(size=8, scael=(0.2, 1))]), KeyError, r"'scael' in crops\[0\]"),
    (dict(MOCOV2_VIEWS, color_jitter=dict(p=0.8, brightnes=0.4)), KeyError, 'brightnes'),
    (dict(MOCOV2_VIEWS, blur=dict(p=1.5)), ValueError, r'blur.p must be a probability'),
    (dict(MOCOV2_VIEWS, crops=[dict(size=8, scale=(1.0, 0.2))]), ValueError, r'crops\[0\].scale'),
    (dict(flip=0.5), KeyError, "needs 'crops'"),
])
def test_bad_recipes_are_refused_by_name(recipe, error, match):
    with pytest.raises(error, match=match):
        parse_recipe(recipe)
