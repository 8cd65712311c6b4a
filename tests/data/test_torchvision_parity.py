"""The dense geometric transforms against torchvision.transforms.v2 (tv_tensors boxes / masks):
same pixels (within interpolation rounding), same boxes, same masks, same dropped boxes.

Random tiny images, boxes (some partly or fully outside the image) and seg maps holding 255;
every case is seeded. A box is xyxy in continuous pixel coordinates, as torchvision's.
"""
import numpy as np
import pytest
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

from easycv_like.data.transforms import (CenterCrop, Letterbox, Pad, RandomAffine,
                                         RandomHorizontalFlip, RandomResizedCrop, Resize)
from easycv_like.data.transforms.targets import crop_targets

SEEDS = range(6)


def _sample(seed, height=None, width=None, count=6):
    """Random image, integer boxes (some reaching outside), labels, ignore flags, seg map."""
    rng = np.random.default_rng(seed)
    height = height or int(rng.integers(9, 30))
    width = width or int(rng.integers(9, 30))
    x1 = rng.integers(-6, width, count)
    y1 = rng.integers(-6, height, count)
    boxes = np.stack([x1, y1, x1 + rng.integers(1, 12, count), y1 + rng.integers(1, 12, count)],
                     1).astype(np.float32)
    seg = rng.integers(0, 4, (height, width)).astype(np.uint8)
    seg[rng.random((height, width)) < 0.2] = 255
    return {'img': rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
            'img_shape': (height, width), 'ori_shape': (height, width), 'gt_bboxes': boxes,
            'gt_labels': rng.integers(0, 5, count), 'gt_ignore': rng.random(count) < 0.5,
            'gt_seg_map': seg, 'rng': np.random.default_rng(seed)}


def _tv(sample):
    """The sample as torchvision tensors (boxes clamped as a torchvision dataset gives them)."""
    height, width = sample['img'].shape[:2]
    boxes = tv_tensors.BoundingBoxes(torch.from_numpy(sample['gt_bboxes']), format='XYXY',
                                     canvas_size=(height, width))
    return {'image': tv_tensors.Image(torch.from_numpy(sample['img']).permute(2, 0, 1)),
            'boxes': F.clamp_bounding_boxes(boxes),
            'mask': tv_tensors.Mask(torch.from_numpy(sample['gt_seg_map'])),
            'labels': torch.from_numpy(sample['gt_labels']),
            'ignore': torch.from_numpy(sample['gt_ignore'])}


def _filled_255(op, mask, *args, **kwargs):
    """``op`` on a mask, with 255 (not torchvision's 0) where it leaves the mask."""
    return op(tv_tensors.Mask(mask.int() - 255), *args, **kwargs) + 255


def _nearest(mask, size):
    """torchvision's nearest resize of a mask (source index ``floor(i * in / out)``) in exact
    integer arithmetic: torch computes it in float32 and picks the row before at some exact
    multiples (11 * 26 / 22 -> 12, not 13), where OpenCV is exact."""
    rows = torch.arange(size[0]) * mask.shape[-2] // size[0]
    cols = torch.arange(size[1]) * mask.shape[-1] // size[1]
    return tv_tensors.Mask(mask[..., rows[:, None], cols[None, :]])


def _sanitized(tv):
    """torchvision's drop of boxes without area, with their labels and ignore flags (its
    ``min_size`` is at least 1: call it where boxes have integer corners)."""
    tv['labels'] = torch.stack([tv['labels'], tv['ignore'].long()], 1)
    out = v2.SanitizeBoundingBoxes(min_size=1, min_area=1)(tv)
    out['labels'], out['ignore'] = out['labels'][:, 0], out['labels'][:, 1].bool()
    return out


def _assert_targets(ours, ref, img_atol=0):
    image = ref['image'].permute(1, 2, 0).numpy().astype(int)
    assert ours['img'].shape == image.shape
    assert np.abs(ours['img'].astype(int) - image).max() <= img_atol
    np.testing.assert_allclose(ours['gt_bboxes'], ref['boxes'].numpy(), atol=1e-4)
    np.testing.assert_array_equal(ours['gt_labels'], ref['labels'].numpy())
    np.testing.assert_array_equal(ours['gt_ignore'], ref['ignore'].numpy())
    np.testing.assert_array_equal(ours['gt_seg_map'], ref['mask'].numpy())
    assert tuple(ours['img_shape']) == image.shape[:2]


def _clipped(sample):
    """The sample with boxes clamped and degenerate ones dropped, as a dataset hands it over."""
    height, width = sample['img'].shape[:2]
    crop_targets(sample, 0, 0, height, width)
    return sample


@pytest.mark.parametrize('seed', SEEDS)
def test_flip_matches_torchvision(seed):
    """x -> width - x for continuous coordinates: no off-by-one against torchvision."""
    sample = _clipped(_sample(seed))
    ref = _tv(sample)
    ref = dict(ref, **{k: F.horizontal_flip(ref[k]) for k in ('image', 'boxes', 'mask')})
    _assert_targets(RandomHorizontalFlip(prob=1.0)(sample), ref)


@pytest.mark.parametrize('seed', SEEDS)
def test_resize_matches_torchvision(seed):
    sample = _clipped(_sample(seed))
    rng = np.random.default_rng(100 + seed)
    size = [int(v) for v in rng.integers(5, 45, 2)]
    ref = _tv(sample)
    ref['image'] = F.resize(ref['image'], size, antialias=False)
    ref['boxes'], ref['mask'] = F.resize(ref['boxes'], size), _nearest(ref['mask'], size)
    _assert_targets(Resize(tuple(size))(sample), ref, img_atol=1)


@pytest.mark.parametrize('seed', SEEDS)
def test_shorter_side_resize_has_torchvision_size(seed):
    sample = _sample(seed)
    out = Resize(17)(sample)
    assert out['img'].shape[:2] == tuple(F.resize(_tv(sample)['image'], 17).shape[-2:])


@pytest.mark.parametrize('seed', SEEDS)
def test_center_crop_matches_torchvision(seed):
    """Boxes leaving the window are clipped, those without area dropped with their labels and
    ignore flags; the seg map is cut the same way (255 where the window leaves the image)."""
    sample = _clipped(_sample(seed))
    size = [int(v) for v in np.random.default_rng(200 + seed).integers(5, 40, 2)]
    height, width = sample['img'].shape[:2]
    pad_h, pad_w = max(size[0] - height, 0), max(size[1] - width, 0)
    ref = _tv(sample)
    ref = dict(ref, **{k: F.center_crop(ref[k], size) for k in ('image', 'boxes')})
    ref['mask'] = _filled_255(F.center_crop, ref['mask'], size)
    # torchvision pads the image (pad // 2 before) but shifts boxes by -round(-pad / 2), one
    # pixel more for an odd pad: the boxes' reference is the image's padding, then the crop.
    padded = F.pad(_tv(sample)['boxes'], [pad_w // 2, pad_h // 2, pad_w - pad_w // 2,
                                          pad_h - pad_h // 2])
    ref['boxes'] = F.center_crop(padded, size)
    _assert_targets(CenterCrop(tuple(size))(sample), _sanitized(ref))


@pytest.mark.parametrize('seed', SEEDS)
def test_random_resized_crop_matches_torchvision(seed):
    sample = _clipped(_sample(seed, 24, 28))
    transform = RandomResizedCrop((15, 19), scale=(0.2, 1.0))
    top, left, h, w = transform.crop_box(24, 28, np.random.default_rng(seed))
    ref = _tv(sample)
    ref['image'] = F.resized_crop(ref['image'], top, left, h, w, [15, 19], antialias=False)
    ref['boxes'] = F.crop(ref['boxes'], top, left, h, w)
    ref = _sanitized(ref)  # integer corners here; resized they may be thinner than 1 pixel
    ref['boxes'] = F.resize(ref['boxes'], [15, 19])
    ref['mask'] = _nearest(F.crop(ref['mask'], top, left, h, w), [15, 19])
    _assert_targets(transform(sample), ref, img_atol=1)


@pytest.mark.parametrize('seed', SEEDS)
@pytest.mark.parametrize('center', [False, True])
def test_letterbox_matches_torchvision_resize_and_pad(seed, center):
    """Resize keeping the aspect ratio, then pad with the fill (the seg map with 255)."""
    sample = _clipped(_sample(seed))
    out_h, out_w = 32, 40
    scale = min(out_h / sample['img'].shape[0], out_w / sample['img'].shape[1])
    new_h, new_w = (int(round(v * scale)) for v in sample['img'].shape[:2])
    top, left = ((out_h - new_h) // 2, (out_w - new_w) // 2) if center else (0, 0)
    padding = [left, top, out_w - new_w - left, out_h - new_h - top]
    ref = _tv(sample)
    ref['image'] = F.pad(F.resize(ref['image'], [new_h, new_w], antialias=False), padding,
                         fill=114)
    ref['boxes'] = F.pad(F.resize(ref['boxes'], [new_h, new_w]), padding)
    ref['mask'] = F.pad(_nearest(ref['mask'], [new_h, new_w]), padding, fill=255)
    out = Letterbox((out_h, out_w), center=center)(sample)
    _assert_targets(out, ref, img_atol=1)
    assert out['pad'] == {'offset': (left, top), 'shape': (out_h, out_w)}


@pytest.mark.parametrize('seed', SEEDS)
def test_pad_matches_torchvision(seed):
    sample = _clipped(_sample(seed))
    height, width = sample['img'].shape[:2]
    ref = _tv(sample)
    padding = [0, 0, -width % 16, -height % 16]
    ref['image'] = F.pad(ref['image'], padding, fill=7)
    ref['boxes'], ref['mask'] = F.pad(ref['boxes'], padding), F.pad(ref['mask'], padding, fill=255)
    _assert_targets(Pad(size_divisor=16, pad_value=7)(sample), ref)


class _Draws:
    """A stand-in generator returning chosen values from ``uniform`` in call order."""

    def __init__(self, values):
        self.values = list(values)

    def uniform(self, low=0.0, high=1.0):
        return self.values.pop(0)


@pytest.mark.parametrize('angle, scale, shift', [(0, 0.55, (0, 0)), (0, 1.45, (0.1, -0.05)),
                                                 (90, 1.0, (0, 0)), (-30, 0.7, (0.05, 0.1)),
                                                 (12, 1.2, (-0.1, 0))])
def test_affine_matches_torchvision(angle, scale, shift):
    """Rotation (counter-clockwise; torchvision's angle is the negative), scale and translation
    about the image centre: pixels, boxes and seg map exactly where torchvision puts them (no
    scale of exactly 0.5 / 1.5: every pixel centre would then fall on a seg-map pixel edge, where
    OpenCV's and torch's nearest neighbours break the tie differently)."""
    sample = _clipped(_sample(7, 22, 30))
    sample['rng'] = _Draws([angle, scale, 0.0, 0.0, *shift])  # rotate, scale, 2 shears, shift
    ref = _tv(sample)
    kwargs = dict(angle=-angle, translate=[shift[0] * 30, shift[1] * 22], scale=scale,
                  shear=[0.0, 0.0])
    out = RandomAffine(pad_value=0)(sample)
    image = F.affine(ref['image'], interpolation=v2.InterpolationMode.BILINEAR, **kwargs)
    assert np.abs(out['img'].astype(int) - image.permute(1, 2, 0).numpy()).max() <= 1
    boxes = F.clamp_bounding_boxes(F.affine(ref['boxes'], **kwargs))
    keep = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])  # RandomAffine's drop
    np.testing.assert_allclose(out['gt_bboxes'], boxes[keep].numpy(), atol=1e-3)
    np.testing.assert_array_equal(out['gt_labels'], ref['labels'][keep].numpy())
    np.testing.assert_array_equal(out['gt_ignore'], ref['ignore'][keep].numpy())
    mask = _filled_255(F.affine, ref['mask'], **kwargs).numpy()
    assert (out['gt_seg_map'] == mask).mean() > 0.95  # near-ties may differ (0.46-0.86 off)
