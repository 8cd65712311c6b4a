"""View recipes: an SSL algorithm's augmentation written once, compiled for either data path.

A recipe is a plain dict (a config can hold it) describing the views of every image::

    dict(crops=[dict(size=224, scale=(0.2, 1.0), num=2)],       # groups of random-resized crops
         color_jitter=dict(p=0.8, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1),
         grayscale=0.2, blur=dict(p=0.5, sigma=(0.1, 2.0)), solarize=0.0, flip=0.5)

:func:`cv2_view_args` turns it into ``MultiViewDataset``'s ``num_views`` / ``pipelines`` (our
registered cv2 transforms), :func:`dali_view_specs` into ``ViewSpec`` dicts for the DALI graph
(``data/dali/pipelines.py``), :func:`dali_multi_view_args` into ``DaliMultiViewDataset``'s
``num_views`` / ``view``. Both paths then crop, jitter, grey, blur, solarize and flip alike (the
flip commutes with the colour operators); ``tests/data/test_view_recipe_parity.py`` checks the
statistics of their outputs agree.
"""
import difflib
from typing import Optional

RECIPE_KEYS = ('crops', 'color_jitter', 'grayscale', 'blur', 'solarize', 'flip')
CROP_KEYS = ('size', 'scale', 'ratio', 'num')
JITTER_KEYS = ('p', 'brightness', 'contrast', 'saturation', 'hue')
BLUR_KEYS = ('p', 'sigma')
DEFAULT_RATIO = (3 / 4, 4 / 3)

#: MoCo v2 (Chen et al. 2020, https://arxiv.org/abs/2003.04297): two 224 crops of area 0.2-1,
#: jitter (0.4, 0.4, 0.4, 0.1) p 0.8, grayscale p 0.2, blur sigma 0.1-2 p 0.5, flip
MOCOV2_VIEWS = dict(crops=[dict(size=224, scale=(0.2, 1.0), num=2)],
                    color_jitter=dict(p=0.8, brightness=0.4, contrast=0.4, saturation=0.4,
                                      hue=0.1),
                    grayscale=0.2, blur=dict(p=0.5, sigma=(0.1, 2.0)), solarize=0.0, flip=0.5)


def _check_keys(cfg: dict, known: tuple, where: str) -> None:
    for key in cfg:
        if key not in known:
            close = difflib.get_close_matches(key, known, 1)
            hint = f' (did you mean {close[0]!r}?)' if close else ''
            raise KeyError(f'Unknown key {key!r} in {where}{hint}; valid: {known}.')


def _probability(value, where: str) -> float:
    if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f'{where} must be a probability in [0, 1], got {value!r}.')
    return float(value)


def _pair(value, where: str) -> tuple[float, float]:
    if len(value) != 2 or not 0 <= value[0] <= value[1]:
        raise ValueError(f'{where} must be an ordered pair (low, high), got {value!r}.')
    return float(value[0]), float(value[1])


def parse_recipe(recipe: dict) -> dict:
    """Validate ``recipe`` and return it complete (every key, defaults filled, tuples).

    Raises:
        KeyError: an unknown key (named, with the closest valid one) or no ``crops``.
        ValueError: a probability outside [0, 1], an unordered range, an empty crop group.
    """
    _check_keys(recipe, RECIPE_KEYS, 'the view recipe')
    if not recipe.get('crops'):
        raise KeyError("A view recipe needs 'crops', e.g. [dict(size=224, scale=(0.2, 1.0), "
                       'num=2)].')
    crops = []
    for i, crop in enumerate(recipe['crops']):
        where = f'crops[{i}]'
        _check_keys(crop, CROP_KEYS, where)
        if 'size' not in crop or int(crop.get('num', 1)) < 1:
            raise ValueError(f'{where} needs a size and num >= 1, got {crop}.')
        crops.append(dict(size=int(crop['size']), num=int(crop.get('num', 1)),
                          scale=_pair(crop.get('scale', (0.08, 1.0)), f'{where}.scale'),
                          ratio=_pair(crop.get('ratio', DEFAULT_RATIO), f'{where}.ratio')))
    jitter = recipe.get('color_jitter')
    if jitter:
        _check_keys(jitter, JITTER_KEYS, 'color_jitter')
        jitter = dict({k: 0.0 for k in JITTER_KEYS[1:]}, **jitter)
        jitter['p'] = _probability(jitter.get('p', 1.0), 'color_jitter.p')
    blur = recipe.get('blur')
    if blur:
        _check_keys(blur, BLUR_KEYS, 'blur')
        blur = dict(p=_probability(blur.get('p', 1.0), 'blur.p'),
                    sigma=_pair(blur.get('sigma', (0.1, 2.0)), 'blur.sigma'))
    return dict(crops=crops, color_jitter=jitter or None, blur=blur or None,
                grayscale=_probability(recipe.get('grayscale', 0.0), 'grayscale'),
                solarize=_probability(recipe.get('solarize', 0.0), 'solarize'),
                flip=_probability(recipe.get('flip', 0.5), 'flip'))


def _cv2_pipeline(crop: dict, recipe: dict) -> list[dict]:
    """The registered cv2 transforms of one crop group (a step with probability 0 is left out)."""
    pipeline = [dict(type='RandomResizedCrop', size=crop['size'], scale=crop['scale'])]
    if crop['ratio'] != DEFAULT_RATIO:
        pipeline[0]['ratio'] = crop['ratio']
    jitter = recipe['color_jitter']
    if jitter and jitter['p'] > 0:
        strengths = {k: jitter[k] for k in JITTER_KEYS[1:]}
        pipeline.append(dict(type='RandomAppliedTrans', prob=jitter['p'],
                             transforms=[dict(type='ColorJitter', **strengths)]))
    if recipe['grayscale'] > 0:
        pipeline.append(dict(type='RandomGrayscale', prob=recipe['grayscale']))
    blur = recipe['blur']
    if blur and blur['p'] > 0:
        pipeline.append(dict(type='GaussianBlur', sigma_min=blur['sigma'][0],
                             sigma_max=blur['sigma'][1], prob=blur['p']))
    if recipe['solarize'] > 0:
        pipeline.append(dict(type='Solarization', threshold=128, prob=recipe['solarize']))
    if recipe['flip'] > 0:
        pipeline.append(dict(type='RandomHorizontalFlip', prob=recipe['flip']))
    return pipeline


def cv2_view_args(recipe: dict) -> dict:
    """``MultiViewDataset`` arguments: ``dict(num_views=[n per group], pipelines=[...])``."""
    recipe = parse_recipe(recipe)
    return dict(num_views=[crop['num'] for crop in recipe['crops']],
                pipelines=[_cv2_pipeline(crop, recipe) for crop in recipe['crops']])


def _view_spec(crop: dict, recipe: dict) -> dict:
    """The ``ViewSpec`` fields of one crop group."""
    spec = dict(size=crop['size'], scale=crop['scale'], ratio=crop['ratio'],
                flip_prob=recipe['flip'], grayscale_prob=recipe['grayscale'],
                solarize_prob=recipe['solarize'])
    jitter: Optional[dict] = recipe['color_jitter']
    if jitter and jitter['p'] > 0:
        spec['jitter'] = dict({k: jitter[k] for k in JITTER_KEYS[1:]}, prob=jitter['p'])
    blur = recipe['blur']
    if blur and blur['p'] > 0:
        spec.update(blur_prob=blur['p'], blur_sigma=blur['sigma'])
    return spec


def dali_view_specs(recipe: dict) -> list[dict]:
    """One ``ViewSpec`` dict per output view, in the order of the cv2 views."""
    recipe = parse_recipe(recipe)
    return [_view_spec(crop, recipe) for crop in recipe['crops'] for _ in range(crop['num'])]


def dali_multi_view_args(recipe: dict) -> dict:
    """``DaliMultiViewDataset`` arguments ``dict(num_views, view)`` of a one-group recipe."""
    recipe = parse_recipe(recipe)
    if len(recipe['crops']) != 1:
        raise ValueError(f"DaliMultiViewDataset makes one size of view; this recipe has "
                         f"{len(recipe['crops'])} crop groups (use DaliMultiCropDataset).")
    return dict(num_views=recipe['crops'][0]['num'],
                view=_view_spec(recipe['crops'][0], recipe))
