"""Rebuild a model from a checkpoint alone and run its inference pipeline on arrays."""
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate

from ..engine.class_checks import check_num_classes
from ..registry import MODELS, TRANSFORMS
from ..utils.checkpoint import CheckpointLoadError, load_checkpoint_file
from ..utils.safe_build import build_from_stored_config, import_stored_custom_imports
from ..utils.weight_loading import load_weights


def single_view_dataset(dataset: dict) -> dict:
    """The dataset config that holds the images: a ``KNNDataset``'s query set, else itself."""
    while 'query' in dataset and 'data_source' not in dataset:
        dataset = dataset['query']
    return dataset


def inference_pipeline(cfg: Config) -> list:
    """The first evaluation dataset's pipeline (a ``KNNDataset``'s: its query set's), else
    ``data.val``'s, else just ``PackInputs``."""
    pipelines = cfg.get('eval_pipelines') or []
    if pipelines:
        return list(single_view_dataset(pipelines[0]['data'])['pipeline'])
    if cfg.get('data', {}).get('val'):
        return list(cfg.data.val.pipeline)
    return [dict(type='PackInputs')]


class Predictor:
    """Base of all predictors: checkpoint -> model in eval mode + pipeline.

    The checkpoint's ``meta['config_dict']`` (plain data, written by every training run) says how
    to build the model; nothing in the file is executed. Its ``type`` names must be classes
    registered in easycv_like's (or mmengine's) registries, never dotted import paths
    (``utils/safe_build.py``). Modules in its ``custom_imports`` are not imported unless
    ``trust_checkpoint=True``: import your own modules before building the predictor instead.

    Args:
        checkpoint: a checkpoint written by easycv_like training.
        device: ``'cpu'``, ``'cuda'``, ``'cuda:1'``...
        trust_checkpoint: allow a file that needs arbitrary unpickling, and the imports its
            config names (warns; can run code).
    """

    def __init__(self, checkpoint: str, device: str = 'cpu', trust_checkpoint: bool = False):
        ckpt = load_checkpoint_file(checkpoint, map_location='cpu', trust=trust_checkpoint)
        meta = ckpt.get('meta') or {}
        if 'config_dict' not in meta:
            raise CheckpointLoadError(
                f'{checkpoint} holds no config (meta.config_dict); it was not written by '
                'easycv_like training, so the model cannot be rebuilt from it alone.')
        self.cfg = Config(meta['config_dict'])
        import_stored_custom_imports(self.cfg, checkpoint, trust=trust_checkpoint)
        self.device = torch.device(device)
        self.model = build_from_stored_config(MODELS, self.cfg.model, 'model', checkpoint)
        load_weights(self.model, ckpt, strict=True, source=str(checkpoint))
        self.model.to(self.device).eval()
        self.classes = (meta.get('dataset_meta') or {}).get('classes')
        check_num_classes(self.model, self.classes, f'the classes stored in {checkpoint}')
        self.pipeline = Compose([build_from_stored_config(TRANSFORMS, t, 'pipeline', checkpoint)
                                 for t in inference_pipeline(self.cfg)])

    collate_fn = staticmethod(default_collate)  # dense predictors: the evaluation loader's

    def raw_sample(self, img: np.ndarray, index: int) -> dict:
        """What a data source would hand the pipeline for an in-memory image."""
        return dict(img=img, img_path='', gt_label=-1, sample_idx=index)

    def collate(self, images: Sequence[np.ndarray]) -> dict:
        """RGB uint8 HWC arrays -> one batch, as the data loader would make it."""
        items: List[dict] = []
        for i, img in enumerate(images):
            if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3:
                raise ValueError(f'Image {i}: expected an RGB uint8 HWC numpy array, got '
                                 f'{type(img).__name__} {getattr(img, "shape", "")}.')
            items.append(self.pipeline(self.raw_sample(img, i)))
        return self.collate_fn(items)

    @torch.no_grad()
    def forward(self, images: Sequence[np.ndarray], mode: str = 'predict',
                batch_size: Optional[int] = 32):
        """Run the model on images in batches; returns the concatenated outputs of ``mode``."""
        outputs = []
        for start in range(0, len(images), batch_size or len(images)):
            batch = self.model.data_preprocessor(
                self.collate(images[start:start + (batch_size or len(images))]), False)
            outputs.extend(self.model(**batch, mode=mode))
        return outputs
