"""Figures recomputed outside the training run, to compare with the metrics a run reports."""
import os.path as osp

import cv2
import torch
from mmengine.config import Config

from easycv_like.apis.extract_features import build_model_from
from easycv_like.utils.checkpoint import load_checkpoint_file


@torch.no_grad()
def classifier_top1(checkpoint: str, list_file: str) -> float:
    """Top-1 (percent) of the checkpoint's classifier on an ImageList file (``path label``
    lines, paths relative to the list's folder), the images fed as they are (no resize)."""
    cfg = Config(load_checkpoint_file(checkpoint)['meta']['config_dict'])
    model = build_model_from(cfg, checkpoint, 'cpu').eval()
    root = osp.dirname(list_file)
    items = [line.split() for line in open(list_file) if line.strip()]
    images = [cv2.cvtColor(cv2.imread(osp.join(root, path)), cv2.COLOR_BGR2RGB)
              for path, _ in items]
    inputs = torch.stack([torch.from_numpy(im).permute(2, 0, 1) for im in images])  # N x 3 x H x W
    batch = model.data_preprocessor(dict(inputs=inputs), False)
    predictions = model(batch['inputs'], mode='predict')
    hits = sum(int(p['pred_score'].argmax()) == int(label)
               for p, (_, label) in zip(predictions, items))
    return 100.0 * hits / len(items)
