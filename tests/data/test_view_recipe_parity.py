"""One recipe, two data paths: the cv2 pipeline and DALI (CPU mode) make views with the same
statistics on the same images (crop area and aspect, colour shifts, grayscale and blur rates).

Each check draws 400 views a path (100 copies of one image x 2 views x 2 epochs). Tolerances
are about 3.5 standard errors of the difference of two such samples, or wider where the two
libraries implement an operator differently on purpose (DALI applies the jitter in one fixed
order and rotates hue in another colour space): stated next to each assertion.
"""
import cv2
import numpy as np
import pytest

pytest.importorskip('nvidia.dali')

from easycv_like.data.dali import DALILoader, DaliMultiViewDataset  # noqa: E402
from easycv_like.data.datasets import MultiViewDataset  # noqa: E402
from easycv_like.data.view_recipe import cv2_view_args, dali_multi_view_args  # noqa: E402

COPIES, EPOCHS = 100, 2


def _views(tmp_path, name: str, image: np.ndarray, recipe: dict) -> tuple:
    """(cv2 views, DALI views) of ``COPIES`` copies of ``image``: two V x H x W x 3 float arrays."""
    cv2.imwrite(str(tmp_path / f'{name}.png'), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    (tmp_path / f'{name}.txt').write_text(f'{name}.png 0\n' * COPIES)
    source = dict(type='ImageList', list_file=str(tmp_path / f'{name}.txt'))
    torch_views, dali_views = [], []
    dataset = MultiViewDataset(source, **cv2_view_args(recipe))
    loader = DALILoader(DaliMultiViewDataset(source, decoder_device='cpu',
                                             **dali_multi_view_args(recipe)),
                        batch_size=COPIES, shuffle=False, num_threads=1)
    for epoch in range(EPOCHS):
        dataset.set_epoch(epoch)
        torch_views += [v.numpy() for i in range(COPIES) for v in dataset[i]['inputs']]
        loader.sampler.set_epoch(epoch)
        dali_views += [v.numpy() for batch in loader for views in batch['inputs'] for v in views]
    stack = lambda views: np.stack(views).transpose(0, 2, 3, 1).astype(float)  # noqa: E731
    return stack(torch_views), stack(dali_views)


def test_crop_area_and_aspect_distributions_agree(tmp_path):
    """A 64 x 48 image whose red level is x and green level is y: a view's red and green ranges
    are its crop's width and height (interpolation reaches pixel centres: x 16 / 15)."""
    height, width, size = 48, 64, 16
    image = np.zeros((height, width, 3), np.uint8)
    image[..., 0] = np.round(np.linspace(0, 255, width))[None]
    image[..., 1] = np.round(np.linspace(0, 255, height))[:, None]
    recipe = dict(crops=[dict(size=size, scale=(0.2, 1.0), num=2)], flip=0.0)
    stats = []
    for views in _views(tmp_path, 'ramp', image, recipe):
        extent = (views.max((1, 2)) - views.min((1, 2))) / 255 * size / (size - 1)
        w, h = extent[:, 0], extent[:, 1]
        area, log_aspect = w * h, np.log(w * width / (h * height))
        assert 0.15 <= area.min() and area.max() <= 1.05  # inside scale=(0.2, 1), rounding
        stats.append((area.mean(), area.std(), log_aspect.mean(), log_aspect.std()))
    (area, area_sd, aspect, aspect_sd), (d_area, d_area_sd, d_aspect, d_aspect_sd) = stats
    assert area == pytest.approx(0.6 - 0.07, abs=0.06)  # uniform in [0.2, 1] less rejected tries
    assert abs(area - d_area) <= 0.05 and abs(area_sd - d_area_sd) <= 0.04
    assert abs(aspect - d_aspect) <= 0.05 and abs(aspect_sd - d_aspect_sd) <= 0.04


def test_colour_jitter_and_grayscale_statistics_agree(tmp_path):
    """A flat orange image: crop and blur leave it flat, so each view's mean colour shows the
    jitter (brightness, saturation), whether it was greyed, and whether it was left alone."""
    colour = np.array([160, 110, 70], np.uint8)
    image = np.broadcast_to(colour, (16, 16, 3)).copy()
    recipe = dict(crops=[dict(size=8, scale=(0.2, 1.0), num=2)], grayscale=0.2,
                  color_jitter=dict(p=0.8, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1),
                  blur=dict(p=0.5, sigma=(0.1, 2.0)), flip=0.5)
    stats = []
    for views in _views(tmp_path, 'flat', image, recipe):
        mean = views.mean((1, 2))  # V x 3
        luma = mean @ np.array([0.299, 0.587, 0.114])
        spread = mean.max(1) - mean.min(1)
        saturation = spread / np.maximum(mean.max(1), 1)
        stats.append(dict(luma=luma.mean(), luma_sd=luma.std(), saturation=saturation.mean(),
                          grey=(spread <= 1.5).mean(),
                          untouched=(np.abs(mean - colour).max(1) < 1).mean()))
    cv, dali = stats
    assert abs(cv['luma'] - dali['luma']) <= 6  # of 255 levels; a path's own spread is ~27
    assert dali['luma_sd'] == pytest.approx(cv['luma_sd'], rel=0.3)  # contrast differs (above)
    assert abs(cv['saturation'] - dali['saturation']) <= 0.05
    for rates in cv, dali:
        assert rates['grey'] == pytest.approx(0.2, abs=0.07)  # grayscale p 0.2
        assert rates['untouched'] == pytest.approx(0.2 * 0.8, abs=0.07)  # no jitter, no grey
    assert abs(cv['grey'] - dali['grey']) <= 0.08
    assert abs(cv['untouched'] - dali['untouched']) <= 0.08


def test_blur_rates_agree(tmp_path):
    """Noise cropped whole (scale 1, ratio 1, same size): only the blur changes a view."""
    noise = np.random.default_rng(0).integers(0, 256, (16, 16, 3)).astype(np.uint8)
    recipe = dict(crops=[dict(size=16, scale=(1.0, 1.0), ratio=(1.0, 1.0), num=2)],
                  blur=dict(p=0.5, sigma=(0.1, 2.0)), flip=0.0)
    rates = []
    for views in _views(tmp_path, 'noise', noise, recipe):
        untouched = (np.abs(views - noise).max((1, 2, 3)) < 1).mean()
        smoothed = (views.std((1, 2, 3)) < 0.8 * noise.std()).mean()
        rates.append((untouched, smoothed))
    (untouched, smoothed), (d_untouched, d_smoothed) = rates
    # sigma < ~0.3 leaves uint8 noise unchanged, so a little over 1 - p stays untouched
    assert 0.45 <= untouched <= 0.62 and 0.45 <= d_untouched <= 0.62
    assert abs(untouched - d_untouched) <= 0.08 and abs(smoothed - d_smoothed) <= 0.08
