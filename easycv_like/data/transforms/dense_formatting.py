"""``PackDetInputs`` / ``PackSegInputs``: turn a transformed dense sample into the dataset item
of the "Dense tasks" data contract (docs/contracts.md).

``{'inputs': C x H x W uint8 tensor, 'data_samples': dict}``; the dict holds plain geometry values
(``img_path``, ``sample_idx``, ``img_id``, ``ori_shape``, ``img_shape``, ``scale_factor``, ``pad``,
``flip``) and the targets present in the sample as tensors (``gt_bboxes`` float32 K x 4,
``gt_labels`` int64 K, ``gt_ignore`` bool K, ``gt_seg_map`` uint8 H x W). A sample without
targets (a predictor's image) is packed without them.
"""
import numpy as np
import torch
from mmcv.transforms import BaseTransform

from easycv_like.data.transforms.formatting import image_to_tensor
from easycv_like.registry import TRANSFORMS


def _name(results: dict) -> str:
    return repr(results.get('img_path') or f'sample {results.get("sample_idx")}')


def _pack_boxes(results: dict, out: dict) -> None:
    boxes = np.asarray(results['gt_bboxes'], dtype=np.float32)
    if boxes.size == 0:
        boxes = boxes.reshape(0, 4)
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f'gt_bboxes of {_name(results)} must be K x 4 xyxy, got {boxes.shape}.')
    count = len(boxes)
    labels = np.asarray(results.get('gt_labels', np.zeros(0)), dtype=np.int64).reshape(-1)
    ignore = results.get('gt_ignore')
    ignore = np.zeros(count, bool) if ignore is None else np.asarray(ignore, bool).reshape(-1)
    if len(labels) != count or len(ignore) != count:
        raise ValueError(f'{_name(results)} has {count} boxes but {len(labels)} gt_labels and '
                         f'{len(ignore)} gt_ignore flags.')
    out['gt_bboxes'] = torch.from_numpy(np.ascontiguousarray(boxes))
    out['gt_labels'] = torch.from_numpy(labels.copy())
    out['gt_ignore'] = torch.from_numpy(ignore.copy())


@TRANSFORMS.register_module()
class PackDetInputs(BaseTransform):
    """Pack a dense sample: image, geometry record and whatever targets it carries.

    Missing geometry keys get their neutral values (``scale_factor`` (1.0, 1.0), ``pad`` with
    zero offset and the image's shape, ``flip`` False, ``img_id`` -1).

    Raises:
        ValueError: boxes that are not K x 4, label / ignore counts that differ from the box
            count, or a seg map whose size differs from the image's.
    """

    def transform(self, results: dict) -> dict:
        img = results['img']
        shape = tuple(int(v) for v in img.shape[:2])
        pad = results.get('pad') or {'offset': (0, 0), 'shape': shape}
        sample = {'img_path': str(results.get('img_path') or ''),
                  'sample_idx': int(results.get('sample_idx', -1)),
                  'img_id': int(results.get('img_id', -1)),
                  'ori_shape': tuple(int(v) for v in results.get('ori_shape', shape)),
                  'img_shape': shape,
                  'scale_factor': tuple(float(v) for v in results.get('scale_factor',
                                                                      (1.0, 1.0))),
                  'pad': {'offset': tuple(float(v) for v in pad['offset']),
                          'shape': tuple(int(v) for v in pad['shape'])},
                  'flip': bool(results.get('flip', False))}
        if results.get('gt_bboxes') is not None:
            _pack_boxes(results, sample)
        if results.get('gt_seg_map') is not None:
            seg = np.asarray(results['gt_seg_map'])
            if seg.dtype != np.uint8 or seg.shape != shape:
                raise ValueError(f'gt_seg_map of {_name(results)} must be uint8 {shape}, got '
                                 f'{seg.dtype} {seg.shape}.')
            sample['gt_seg_map'] = torch.from_numpy(np.ascontiguousarray(seg))
        return {'inputs': image_to_tensor(img), 'data_samples': sample}


@TRANSFORMS.register_module()
class PackSegInputs(PackDetInputs):
    """``PackDetInputs`` for segmentation pipelines: the same item; a seg map is required when
    the sample came with one (``seg_map_path``), so a forgotten ``LoadSegMap`` is an error."""

    def transform(self, results: dict) -> dict:
        if results.get('seg_map_path') is not None and results.get('gt_seg_map') is None:
            raise ValueError(f'{_name(results)} has seg_map_path but no gt_seg_map: add '
                             'LoadSegMap after LoadImage.')
        return super().transform(results)
