"""Dense tasks end to end on the shapes data: pad_collate batches, multi-scale training, the
detector / segmentor bases, the evaluators, and predictors that agree with the evaluation."""
import importlib.util
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from PIL import Image

from easycv_like import train
from easycv_like.evaluation import CocoDetectionEvaluator, SegmentationEvaluator
from easycv_like.predictors import DetectionPredictor, SegmentationPredictor

from easycv_like.models.batch_resize import BatchResize

from ..models.dense_test_models import TRAINING_SIZES

TOOL = osp.join(osp.dirname(__file__), '..', '..', 'tools', 'make_shapes_dataset.py')
CONFIG = '''
_root = {root!r}
_collate = dict(type='pad_collate', size_divisor=32, pad_value=114)
def _set(split, pipeline, kind='DetDataset'):
    source = (dict(type='Coco', ann_file=f'{{_root}}/{{split}}/annotations.json',
                   img_root=f'{{_root}}/{{split}}/images') if kind == 'DetDataset' else
              dict(type='SegFolder', img_dir=f'{{_root}}/{{split}}/images',
                   mask_dir=f'{{_root}}/{{split}}/masks', classes=f'{{_root}}/seg_classes.txt'))
    return dict(type=kind, data_source=source, pipeline=pipeline, collate=_collate)
_train = [dict(type='LoadImage'), {load_seg}dict(type='RandomHorizontalFlip'),
          dict(type='Letterbox', size=96), dict(type='{pack}')]
_val = [dict(type='LoadImage'), {load_seg}{val_geometry}, dict(type='{pack}')]
model = dict(type='{model}', threshold=150.0, data_preprocessor=dict(
    type='DenseDataPreprocessor', mean=None, std=None,
    batch_resize=dict(sizes=[64, 128, 160], interval=1, seed=5)))
data = dict(imgs_per_gpu=4, workers_per_gpu=0, train=_set('train', _train, '{dataset}'))
eval_pipelines = [dict(name='val', data=_set('val', _val, '{dataset}'),
                       evaluators=[dict(type='{evaluator}')])]
optimizer = dict(type='SGD', lr=0.01)
total_iters = 4
checkpoint_config = dict(interval=4)
log_config = dict(interval=1)
eval_config = dict(interval=4)
ema = dict(momentum=0.1)
'''


@pytest.fixture(scope='module')
def shapes(tmp_path_factory):
    root = tmp_path_factory.mktemp('shapes')
    spec = importlib.util.spec_from_file_location('make_shapes_dataset', TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.main(['--out', str(root), '--num-train', '8', '--num-val', '4'])
    return root


def _run(tmp_path, root, **kinds):
    path = tmp_path / 'cfg.py'
    path.write_text(CONFIG.format(root=str(root), **kinds))
    return train(str(path), work_dir=str(tmp_path / 'work'))


def _val_images(root):
    folder = osp.join(root, 'val', 'images')
    names = sorted(os.listdir(folder))
    return names, [cv2.cvtColor(cv2.imread(osp.join(folder, n)), cv2.COLOR_BGR2RGB)
                   for n in names]


def test_detection_eval_equals_the_predictor_on_original_images(tmp_path, shapes):
    TRAINING_SIZES.clear()
    result = _run(tmp_path, shapes, model='BrightBoxDetector', dataset='DetDataset',
                  pack='PackDetInputs', evaluator='CocoDetectionEvaluator', load_seg='',
                  val_geometry="dict(type='Letterbox', size=96, center=True)")
    assert 'val/mAP' in result['metrics']
    drawn = BatchResize(sizes=[64, 128, 160], interval=1, seed=5)
    assert TRAINING_SIZES == [drawn.size_at(it) for it in range(4)]  # multi-scale, by iteration
    assert len(set(TRAINING_SIZES)) > 1
    predictor = DetectionPredictor(result['checkpoint'])
    evaluator = CocoDetectionEvaluator(ann_file=str(shapes / 'val' / 'annotations.json'))
    evaluator.dataset_meta = dict(classes=predictor.classes, cat_ids=[1, 2, 3])
    names, images = _val_images(shapes)
    with open(shapes / 'val' / 'annotations.json') as f:
        ids = {img['file_name']: img['id'] for img in json.load(f)['images']}
    detections = predictor.predict(images)
    assert any(len(d['bboxes']) for d in detections)
    for name, img, det in zip(names, images, detections):
        h, w = img.shape[:2]
        assert (det['bboxes'][:, 2] <= w).all() and (det['bboxes'][:, 3] <= h).all()
        evaluator.process(None, [dict(img_id=ids[name], bboxes=det['bboxes'],
                                      scores=det['scores'], labels=det['labels'])])
    expected = evaluator.compute_metrics(evaluator.results)
    assert result['metrics']['val/mAP'] == pytest.approx(expected['mAP'])
    assert result['metrics']['val/AR100'] == pytest.approx(expected['AR100'])


def test_segmentation_eval_equals_the_predictor_on_original_masks(tmp_path, shapes):
    result = _run(tmp_path, shapes, model='BrightPixelSegmentor', dataset='SegDataset',
                  pack='PackSegInputs', evaluator='SegmentationEvaluator',
                  load_seg="dict(type='LoadSegMap'), ",
                  # seg maps are evaluated at their own size: flip and pad, never rescale
                  val_geometry="dict(type='RandomHorizontalFlip', prob=1.0), "
                               "dict(type='Pad', size_divisor=32)")
    predictor = SegmentationPredictor(result['checkpoint'])
    evaluator = SegmentationEvaluator(num_classes=len(predictor.classes))
    names, images = _val_images(shapes)
    for i, (name, out) in enumerate(zip(names, predictor.predict(images))):
        stem = osp.splitext(name)[0]
        gt = np.array(Image.open(osp.join(shapes, 'val', 'masks', stem + '.png')))
        assert out['seg_map'].shape == gt.shape
        evaluator.process(None, [dict(pred_seg_map=out['seg_map'], gt_seg_map=gt,
                                      sample_idx=i)])
    expected = evaluator.compute_metrics(evaluator.results)
    assert result['metrics']['val/mIoU'] == pytest.approx(expected['mIoU'], nan_ok=True)
    assert result['metrics']['val/aAcc'] == pytest.approx(expected['aAcc'])


def _bright_rect_split(folder, miss: set) -> None:
    """Five 64 x 64 PNGs, each with one red rectangle, and a COCO json boxing it (category 2,
    label 1, as ``BrightBoxDetector`` predicts), except for the images in ``miss``, whose box is
    elsewhere: a mAP strictly between 0 and 100 that a doubly counted image would change."""
    os.makedirs(folder / 'images')
    images, anns = [], []
    for i in range(5):
        img = np.zeros((64, 64, 3), np.uint8)
        x, y = 4 + 7 * i, 30 - 5 * i
        img[y:y + 20, x:x + 24, 0] = 255
        cv2.imwrite(str(folder / 'images' / f'{i}.png'), img[:, :, ::-1])
        box = [x, y, 24, 20] if i not in miss else [40 - x, 40 - y, 20, 20]
        images.append(dict(id=i + 1, file_name=f'{i}.png', width=64, height=64))
        anns.append(dict(id=i + 1, image_id=i + 1, category_id=2, bbox=box, area=480,
                         iscrowd=0))
    categories = [dict(id=c, name=n) for c, n in ((1, 'circle'), (2, 'square'), (3, 'x'))]
    with open(folder / 'annotations.json', 'w') as f:
        json.dump(dict(images=images, annotations=anns, categories=categories), f)


@pytest.mark.parametrize('kind', ['det', 'seg'])
def test_two_process_evaluation_equals_one_process(tmp_path_factory, kind):
    """tools/eval.py under torchrun with 2 gloo ranks on 5 images (one rank gets a padded
    repeat) gives the single process's COCO / mIoU figures: repeats count once."""
    import subprocess
    import sys

    from easycv_like.apis.evaluate import evaluate

    from ..conftest import REPO
    from ..gloo_ranks import free_port
    root = tmp_path_factory.mktemp(f'eval_{kind}')
    det = kind == 'det'
    if det:
        _bright_rect_split(root / 'train', miss=set())
        _bright_rect_split(root / 'val', miss={1, 4})
    else:
        spec = importlib.util.spec_from_file_location('make_shapes_dataset', TOOL)
        tool = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tool)
        tool.main(['--out', str(root), '--num-train', '4', '--num-val', '5'])
    kinds = dict(model='BrightBoxDetector', dataset='DetDataset', pack='PackDetInputs',
                 evaluator='CocoDetectionEvaluator', load_seg='',
                 val_geometry="dict(type='Letterbox', size=96, center=True)") if det else dict(
        model='BrightPixelSegmentor', dataset='SegDataset', pack='PackSegInputs',
        evaluator='SegmentationEvaluator', load_seg="dict(type='LoadSegMap'), ",
        val_geometry="dict(type='Pad', size_divisor=32)")
    config = root / 'cfg.py'
    config.write_text(CONFIG.format(root=str(root), **kinds)
                      + "custom_imports = dict(imports=['tests.models.dense_test_models'])\n")
    result = train(str(config), work_dir=str(root / 'work'))
    alone = evaluate(str(config), result['checkpoint'], work_dir=str(root / 'eval1'))
    out = root / 'metrics.json'
    run = subprocess.run([sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node=2',
                          f'--master_port={free_port()}', osp.join(REPO, 'tools', 'eval.py'),
                          str(config), result['checkpoint'], '--launcher', 'pytorch',
                          '--work_dir', str(root / 'eval2'), '--out', str(out)],
                         cwd=REPO, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1'))
    assert run.returncode == 0, run.stderr[-3000:]
    with open(out) as f:
        together = json.load(f)
    assert run.stdout.count('"val/') == len(together)  # printed once, by rank 0
    key = 'val/mAP50' if det else 'val/mIoU'
    assert 0 < alone[key] < 100
    assert together == pytest.approx(alone, nan_ok=True)
