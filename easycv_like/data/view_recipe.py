"""View recipes: an SSL algorithm's augmentation written once, compiled for either data path.

A recipe is a plain dict (a config can hold it) describing the views of every image::

    dict(crops=[dict(size=224, scale=(0.2, 1.0), num=2)],       # groups of random-resized crops
         color_jitter=dict(p=0.8, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1),
         grayscale=0.2, blur=dict(p=0.5, sigma=(0.1, 2.0)), solarize=0.0, flip=0.5)

A crop group may also set ``interpolation`` and override photometric keys, and its ``views``
list overrides them again for its first views (asymmetric BYOL / DINO views).
:func:`cv2_view_args` turns it into ``MultiViewDataset``'s ``num_views`` / ``pipelines`` (our
registered cv2 transforms), :func:`dali_view_specs` into ``ViewSpec`` dicts for the DALI graph
(``data/dali/pipelines.py``), :func:`dali_multi_view_args` into ``DaliMultiViewDataset``'s
``num_views`` / ``view``. Both paths then crop, jitter, grey, blur, solarize and flip alike (the
flip commutes with the colour operators); ``tests/data/test_view_recipe_parity.py`` checks the
statistics of their outputs agree.
"""
from typing import Optional

from ..errors import closest

PHOTOMETRIC_KEYS = ('color_jitter', 'grayscale', 'blur', 'solarize', 'flip')
RECIPE_KEYS = ('crops',) + PHOTOMETRIC_KEYS
CROP_KEYS = ('size', 'scale', 'ratio', 'num', 'interpolation', 'views') + PHOTOMETRIC_KEYS
JITTER_KEYS = ('p', 'brightness', 'contrast', 'saturation', 'hue')
BLUR_KEYS = ('p', 'sigma')
INTERPOLATIONS = ('bilinear', 'bicubic')
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
            raise KeyError(f'Unknown key {key!r} in {where}{closest(key, known)}; valid: {known}.')


def _probability(value, where: str) -> float:
    if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f'{where} must be a probability in [0, 1], got {value!r}.')
    return float(value)


def _pair(value, where: str) -> tuple[float, float]:
    if len(value) != 2 or not 0 <= value[0] <= value[1]:
        raise ValueError(f'{where} must be an ordered pair (low, high), got {value!r}.')
    return float(value[0]), float(value[1])


def _photometric(cfg: dict, base: dict, where: str) -> dict:
    """``base`` updated by the photometric keys of ``cfg`` (validated, defaults filled)."""
    out = dict(base)
    if 'color_jitter' in cfg:
        jitter = cfg['color_jitter']
        if jitter:
            _check_keys(jitter, JITTER_KEYS, f'{where}color_jitter')
            jitter = dict({k: 0.0 for k in JITTER_KEYS[1:]}, **jitter)
            jitter['p'] = _probability(jitter.get('p', 1.0), f'{where}color_jitter.p')
        out['color_jitter'] = jitter or None
    if 'blur' in cfg:
        blur = cfg['blur']
        if blur:
            _check_keys(blur, BLUR_KEYS, f'{where}blur')
            blur = dict(p=_probability(blur.get('p', 1.0), f'{where}blur.p'),
                        sigma=_pair(blur.get('sigma', (0.1, 2.0)), f'{where}blur.sigma'))
        out['blur'] = blur or None
    for key in ('grayscale', 'solarize', 'flip'):
        if key in cfg:
            out[key] = _probability(cfg[key], f'{where}{key}')
    return out


def parse_recipe(recipe: dict) -> list[dict]:
    """Validate ``recipe``; return its crop groups, each complete: ``size, scale, ratio,
    interpolation`` and ``views``, one full photometric dict per view of the group.

    A crop group may override the recipe's photometric keys, and its ``views`` list may override
    them again for its first views (BYOL's and DINO's asymmetric views).

    Raises:
        KeyError: an unknown key (named, with the closest valid one) or no ``crops``.
        ValueError: a probability outside [0, 1], an unordered range, an empty crop group,
            more per-view overrides than views, an unknown interpolation.
    """
    _check_keys(recipe, RECIPE_KEYS, 'the view recipe')
    if not recipe.get('crops'):
        raise KeyError("A view recipe needs 'crops', e.g. [dict(size=224, scale=(0.2, 1.0), "
                       'num=2)].')
    defaults = dict(color_jitter=None, grayscale=0.0, blur=None, solarize=0.0, flip=0.5)
    common = _photometric(recipe, defaults, '')
    groups = []
    for i, crop in enumerate(recipe['crops']):
        where = f'crops[{i}]'
        _check_keys(crop, CROP_KEYS, where)
        num, overrides = int(crop.get('num', 1)), list(crop.get('views') or [])
        if 'size' not in crop or num < 1 or len(overrides) > num:
            raise ValueError(f'{where} needs a size, num >= 1 and at most num per-view '
                             f'overrides, got {crop}.')
        if crop.get('interpolation', 'bilinear') not in INTERPOLATIONS:
            raise ValueError(f"{where}.interpolation must be one of {INTERPOLATIONS}, got "
                             f"{crop['interpolation']!r}.")
        base = _photometric(crop, common, f'{where}.')
        views = []
        for j, view in enumerate(overrides):
            _check_keys(view, PHOTOMETRIC_KEYS, f'{where}.views[{j}]')
            views.append(_photometric(view, base, f'{where}.views[{j}].'))
        groups.append(dict(size=int(crop['size']),
                           scale=_pair(crop.get('scale', (0.08, 1.0)), f'{where}.scale'),
                           ratio=_pair(crop.get('ratio', DEFAULT_RATIO), f'{where}.ratio'),
                           interpolation=crop.get('interpolation', 'bilinear'),
                           views=views + [base] * (num - len(views))))
    return groups


def _cv2_pipeline(crop: dict, view: dict) -> list[dict]:
    """The registered cv2 transforms of one view (a step with probability 0 is left out)."""
    pipeline = [dict(type='RandomResizedCrop', size=crop['size'], scale=crop['scale'])]
    if crop['ratio'] != DEFAULT_RATIO:
        pipeline[0]['ratio'] = crop['ratio']
    if crop['interpolation'] != 'bilinear':
        pipeline[0]['interpolation'] = crop['interpolation']
    jitter = view['color_jitter']
    if jitter and jitter['p'] > 0:
        strengths = {k: jitter[k] for k in JITTER_KEYS[1:]}
        pipeline.append(dict(type='RandomAppliedTrans', prob=jitter['p'],
                             transforms=[dict(type='ColorJitter', **strengths)]))
    if view['grayscale'] > 0:
        pipeline.append(dict(type='RandomGrayscale', prob=view['grayscale']))
    blur = view['blur']
    if blur and blur['p'] > 0:
        pipeline.append(dict(type='GaussianBlur', sigma_min=blur['sigma'][0],
                             sigma_max=blur['sigma'][1], prob=blur['p']))
    if view['solarize'] > 0:
        pipeline.append(dict(type='Solarization', threshold=128, prob=view['solarize']))
    if view['flip'] > 0:
        pipeline.append(dict(type='RandomHorizontalFlip', prob=view['flip']))
    return pipeline


def cv2_view_args(recipe: dict) -> dict:
    """``MultiViewDataset`` arguments ``dict(num_views, pipelines)``: consecutive views with
    the same augmentation share one pipeline (``num_views=[2]``; DINO: ``[1, 1, 8]``)."""
    num_views, pipelines = [], []
    for crop in parse_recipe(recipe):
        for view in crop['views']:
            pipeline = _cv2_pipeline(crop, view)
            if pipelines and pipelines[-1] == pipeline:
                num_views[-1] += 1
            else:
                num_views.append(1)
                pipelines.append(pipeline)
    return dict(num_views=num_views, pipelines=pipelines)


def _view_spec(crop: dict, view: dict) -> dict:
    """The ``ViewSpec`` fields of one view."""
    spec = dict(size=crop['size'], scale=crop['scale'], ratio=crop['ratio'],
                interpolation=crop['interpolation'], flip_prob=view['flip'],
                grayscale_prob=view['grayscale'], solarize_prob=view['solarize'])
    jitter: Optional[dict] = view['color_jitter']
    if jitter and jitter['p'] > 0:
        spec['jitter'] = dict({k: jitter[k] for k in JITTER_KEYS[1:]}, prob=jitter['p'])
    blur = view['blur']
    if blur and blur['p'] > 0:
        spec.update(blur_prob=blur['p'], blur_sigma=blur['sigma'])
    return spec


def dali_view_specs(recipe: dict) -> list[dict]:
    """One ``ViewSpec`` dict per output view, in the order of the cv2 views."""
    return [_view_spec(crop, view) for crop in parse_recipe(recipe) for view in crop['views']]


def dali_multi_view_args(recipe: dict) -> dict:
    """``DaliMultiViewDataset`` arguments ``dict(num_views, view[, view_overrides])`` of a
    one-group recipe (per-view overrides become ``view_overrides``, full specs)."""
    groups = parse_recipe(recipe)
    if len(groups) != 1:
        raise ValueError(f'DaliMultiViewDataset makes one size of view; this recipe has '
                         f'{len(groups)} crop groups (use DaliMultiCropDataset).')
    crop = groups[0]
    specs = [_view_spec(crop, view) for view in crop['views']]
    args = dict(num_views=len(specs), view=specs[-1])
    overridden = len(recipe['crops'][0].get('views') or [])
    if overridden:
        args['view_overrides'] = specs[:overridden]
    return args
