"""The geometry record (``scale_factor``, ``pad`` offset, ``flip``) maps targets back to the
original image exactly, whatever the order of resizes, crops, pads and flips: boxes through
``boxes_to_original`` (detectors' predictions), seg maps through ``map_to_original``."""
import numpy as np
import pytest
import torch

from easycv_like.models.detection import boxes_to_original
from easycv_like.models.detection.base import sample_geometry
from easycv_like.models.segmentation import map_to_original
from easycv_like.registry import TRANSFORMS

FLIP = dict(type='RandomHorizontalFlip', prob=1.0)
PIPELINES = {
    'letterbox': [dict(type='Letterbox', size=(64, 96))],
    'flip_letterbox_centred': [FLIP, dict(type='Letterbox', size=(61, 97), center=True)],
    'letterbox_centred_flip': [dict(type='Letterbox', size=(61, 97), center=True), FLIP],
    'pad_flip': [dict(type='Pad', size_divisor=32), FLIP],
    'flip_pad_flip': [FLIP, dict(type='Pad', size=(50, 71)), FLIP],
    'resize_flip_pad': [dict(type='Resize', size=(20, 70)), FLIP,
                        dict(type='Pad', size_divisor=32)],
    'zoom_out_resize': [dict(type='ZoomOut', prob=1.0), dict(type='Resize', size=(40, 40))],
    'pad_resize_flip': [dict(type='Pad', size=(45, 60)), dict(type='Resize', size=(33, 91)), FLIP],
    'centre_crop_larger': [dict(type='CenterCrop', size=(60, 71))],
    'flip_centre_crop_larger': [FLIP, dict(type='CenterCrop', size=(61, 70)),
                                dict(type='Resize', size=(30, 35))],
    'random_crop_larger': [dict(type='RandomCrop', size=(60, 70)), FLIP],
    'resize_shorter_side_pad': [dict(type='Resize', size=30), dict(type='Pad', size_divisor=32)],
}
NO_RESCALE = ('pad_flip', 'flip_pad_flip', 'centre_crop_larger', 'random_crop_larger')


def _sample(seed, height=37, width=53):
    rng = np.random.default_rng(seed)
    x1, y1 = rng.uniform(0, width - 10, 5), rng.uniform(0, height - 10, 5)
    boxes = np.stack([x1, y1, x1 + rng.uniform(2, 9, 5), y1 + rng.uniform(2, 9, 5)], 1)
    seg = rng.integers(0, 3, (height, width)).astype(np.uint8)
    seg[:, :3] = 255
    return {'img': rng.integers(0, 256, (height, width, 3), dtype=np.uint8), 'img_path': 'x',
            'ori_shape': (height, width), 'img_shape': (height, width),
            'gt_bboxes': boxes.astype(np.float32), 'gt_labels': np.arange(5),
            'gt_ignore': np.arange(5) % 2 == 0, 'gt_seg_map': seg,
            'rng': np.random.default_rng(seed)}


def _packed(pipeline, sample):
    """The packed item's data sample and its geometry record (what the detector reads)."""
    for cfg in pipeline + [dict(type='PackDetInputs')]:
        sample = TRANSFORMS.build(cfg)(sample)
    data = dict(sample['data_samples'], inputs=sample['inputs'])
    return data, sample_geometry(data, sample['inputs'].shape[-2:])


@pytest.mark.parametrize('name', PIPELINES)
@pytest.mark.parametrize('seed', range(3))
def test_boxes_map_back_onto_the_original_boxes(name, seed):
    """A prediction equal to a transformed ground-truth box lands on the original box."""
    sample = _sample(seed)
    original = sample['gt_bboxes'].copy()
    data, geometry = _packed(PIPELINES[name], sample)
    assert data['gt_labels'].tolist() == list(range(5))
    back = boxes_to_original(data['gt_bboxes'], geometry).numpy()
    np.testing.assert_allclose(back, original, atol=1e-4)


@pytest.mark.parametrize('name', NO_RESCALE)
def test_seg_maps_map_back_exactly(name):
    """Without rescaling, the seg map mapped back (padding cut, flip undone) is the original."""
    sample = _sample(0)
    original = sample['gt_seg_map'].copy()
    data, geometry = _packed(PIPELINES[name], sample)
    back = map_to_original(data['gt_seg_map'][None], geometry, 'nearest')[0]
    np.testing.assert_array_equal(back.numpy(), original)


def test_flip_after_letterbox_moves_the_offset_to_the_other_side():
    data, geometry = _packed([dict(type='Letterbox', size=(40, 80)), FLIP], _sample(1, 40, 50))
    assert data['pad'] == {'offset': (30.0, 0.0), 'shape': (40, 80)} and geometry['flip']
    assert (data['gt_seg_map'][:, :30] == 255).all() and data['inputs'][:, :, :30].eq(114).all()
    assert boxes_to_original(torch.tensor([[30.0, 0, 80, 40]]), geometry).tolist() == [
        [0.0, 0.0, 50.0, 40.0]]
