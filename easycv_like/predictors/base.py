"""Rebuild a model from a checkpoint (or a config + someone's weights) and run its inference
pipeline on arrays."""
import inspect
import logging
import os
from typing import Any, Iterator, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate
from mmengine.logging import print_log

from ..config_path import entry
from ..data.sources.class_names import read_class_names
from ..engine.class_checks import check_num_classes, check_same_classes
from ..engine.config_schema import check_inference_config
from ..engine.eval_data import resolve_eval_data
from ..models.channels_last import to_channels_last
from ..registry import DATA_SOURCES, MODELS, TRANSFORMS
from ..utils.checkpoint import CheckpointLoadError, load_checkpoint_file
from ..utils.safe_build import build_from_stored_config, import_stored_custom_imports
from ..utils.shape_groups import group_by_shape
from ..utils.weight_loading import load_weights
from .model_task import check_model_task


def single_view_dataset(dataset: dict) -> dict:
    """The dataset config that holds the images: a ``KNNDataset``'s query set, else itself."""
    while 'query' in dataset and 'data_source' not in dataset:
        dataset = dataset['query']
    return dataset


def inference_dataset(cfg: Config) -> dict:
    """The dataset entry predictors follow: the first ``eval_pipelines`` entry (a
    ``KNNDataset``'s: its query set), else ``data.val``, else an empty dict."""
    pipelines = cfg.get('eval_pipelines') or []
    if pipelines:
        return dict(single_view_dataset(pipelines[0]['data']))
    return dict((cfg.get('data') or {}).get('val') or {})


def inference_pipeline(cfg: Config) -> list:
    """The inference dataset's pipeline, else just ``PackInputs``."""
    return list(inference_dataset(cfg).get('pipeline') or [dict(type='PackInputs')])


def declared_classes(cfg: Config) -> Optional[List[str]]:
    """The class names the inference dataset's data source declares: its ``classes`` (inline, or
    a class file / folder that exists here) or its type's default (``VocXml``'s 20), else None.
    A class file the config names but this machine lacks is a WARNING naming it: predictions
    then carry class indices without names."""
    source = inference_dataset(cfg).get('data_source') or {}
    classes = source.get('classes')
    if classes is None and isinstance(source.get('type'), str) and source['type'] in DATA_SOURCES:
        parameter = inspect.signature(DATA_SOURCES.get(source['type'])).parameters.get('classes')
        if parameter is not None and parameter.default is not inspect.Parameter.empty:
            classes = parameter.default
    if isinstance(classes, (str, os.PathLike)) and not os.path.exists(classes):
        print_log(f'The config names the class list {str(classes)!r}, which does not exist here '
                  f'(relative to {os.getcwd()}); predictions carry class indices without names.',
                  logger='current', level=logging.WARNING)
        return None
    if classes is None:
        return None
    return read_class_names(classes)


class Predictor:
    """Base of all predictors: checkpoint -> model in eval mode + pipeline.

    Without ``config``, the checkpoint's ``meta['config_dict']`` (plain data, written by every
    training run) says how to build the model; nothing in the file is executed. Its ``type``
    names must be classes registered in easycv_like's (or mmengine's) registries, never dotted
    import paths (``utils/safe_build.py``). Modules in its ``custom_imports`` are not imported
    unless ``trust_checkpoint=True``: import your own modules before building the predictor.

    With ``config`` (a config file or a ``Config``), the model and pipeline come from it and
    the checkpoint only gives weights: a file of another project (torchvision's, Megvii's YOLOX)
    loads by name through ``utils/weight_loading.py``, and must fit the model exactly.

    Args:
        checkpoint: a checkpoint written by easycv_like training, or a weight file.
        device: ``'cpu'``, ``'cuda'``, ``'cuda:1'``...
        trust_checkpoint: allow a file that needs arbitrary unpickling, and the imports its
            config names (warns; can run code).
        config: build from this config instead of the checkpoint's. Class names: the
            checkpoint's, else the config's (``declared_classes``); both must agree.
        channels_last: model and batches in channels-last memory format (often faster on
            CPUs: YOLOX 7-18 % in benchmarks/README.md); None: the config's ``channels_last``.
    """

    tasks: Tuple[str, ...] = ()  # the model tasks served (predictors/model_task.py); () any

    def __init__(self, checkpoint: str, device: str = 'cpu', trust_checkpoint: bool = False,
                 config: Union[str, Config, None] = None,
                 channels_last: Optional[bool] = None):
        ckpt = load_checkpoint_file(checkpoint, map_location='cpu', trust=trust_checkpoint)
        meta = (ckpt.get('meta') if isinstance(ckpt, dict) else None) or {}
        stored_classes = (meta.get('dataset_meta') or {}).get('classes')
        if config is None:
            if 'config_dict' not in meta:
                raise CheckpointLoadError(
                    f'{checkpoint} holds no config (meta.config_dict): it was not written by '
                    'easycv_like training, so the model cannot be rebuilt from it alone. Give '
                    'the config its weights fit: tools/predict.py WEIGHTS IMAGES --config CONFIG '
                    "(in Python: config='CONFIG').")
            self.cfg = Config(meta['config_dict'])
            import_stored_custom_imports(self.cfg, checkpoint, trust=trust_checkpoint)
            self._stored_in = str(checkpoint)
            self.classes = stored_classes
        else:
            self.cfg = resolve_eval_data(config if isinstance(config, Config)
                                         else Config.fromfile(config))
            check_inference_config(self.cfg, inference_dataset(self.cfg),
                                   'eval_pipelines[0].data' if self.cfg.get('eval_pipelines')
                                   else 'data.val')
            self._stored_in = None
            self.classes = self._agreed_classes(stored_classes, str(checkpoint), config)
        self.device = torch.device(device)
        with entry('model', self.cfg.model):
            self.model = self.build(MODELS, self.cfg.model, 'model')
        self.check_model(str(checkpoint) if config is None
                         else f'config {config}' if isinstance(config, str) else 'the config')
        load_weights(self.model, ckpt, strict=True, source=str(checkpoint))
        if channels_last is None:
            channels_last = bool(self.cfg.get('channels_last'))
        if channels_last:
            self.model = to_channels_last(self.model)
        self.model.to(self.device).eval()
        check_num_classes(self.model, self.classes,
                          f'the classes stored in {checkpoint}' if stored_classes
                          else 'the classes the config declares')
        self.pipeline = Compose([self.build(TRANSFORMS, t, 'pipeline')
                                 for t in self.pipeline_steps()])

    def check_model(self, source: str) -> None:
        """Refuse a model of a task this predictor does not serve (``tasks``; empty: any), before
        its weights load: a segmentor's checkpoint given to ``DetectionPredictor`` would
        otherwise fail inside ``predict`` with a ``KeyError``."""
        if self.tasks:
            check_model_task(type(self.model), self.tasks, type(self).__name__, source)

    def _agreed_classes(self, stored: Optional[list], checkpoint: str,
                        config: Union[str, Config]) -> Optional[List[str]]:
        declared = declared_classes(self.cfg)
        origin = f'config {config}' if isinstance(config, str) else 'the config'
        check_same_classes(stored, f'checkpoint {checkpoint}', declared, origin)
        return stored or declared

    def build(self, registry, cfg: dict, where: str) -> Any:
        """A component of the model's config; a checkpoint's stored config may name only
        registered types (no dotted import paths)."""
        if self._stored_in is None:
            return registry.build(cfg)
        return build_from_stored_config(registry, cfg, where, self._stored_in)

    def pipeline_steps(self) -> List[dict]:
        """The transforms each image goes through (the inference dataset's pipeline)."""
        return inference_pipeline(self.cfg)

    collate_fn = staticmethod(default_collate)  # dense predictors: the evaluation loader's

    def raw_sample(self, img: np.ndarray, index: int) -> dict:
        """What a data source would hand the pipeline for an in-memory image."""
        return dict(img=img, img_path='', gt_label=-1, sample_idx=index)

    def prepare(self, img: np.ndarray, index: int) -> dict:
        """One RGB uint8 HWC array through the pipeline, as the data loader would prepare it."""
        if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 3:
            raise ValueError(f'Image {index}: expected an RGB uint8 HWC numpy array, got '
                             f'{type(img).__name__} {getattr(img, "shape", "")}.')
        return self.pipeline(self.raw_sample(img, index))

    def collate(self, images: Sequence[np.ndarray]) -> dict:
        """RGB uint8 HWC arrays -> one batch, as the data loader would make it."""
        return self.collate_fn([self.prepare(img, i) for i, img in enumerate(images)])

    def alone_shape(self, item: dict) -> Optional[tuple]:
        """The input shape ``item`` gets when collated alone (padding included; None for
        multi-view items): images sharing it are batched together."""
        inputs = self.collate_fn([item]).get('inputs')
        return tuple(inputs.shape[1:]) if isinstance(inputs, torch.Tensor) else None

    def batches(self, images: Sequence[np.ndarray],
                batch_size: Optional[int] = 32) -> Iterator[Tuple[List[int], dict]]:
        """(indices into ``images``, preprocessed batch) for batches of at most ``batch_size``
        (None: all at once).

        Only images that collate alone to the same input shape share a batch (``alone_shape``),
        so each image gets the input it gets alone and the output does not depend on the batch:
        ``default_collate`` cannot stack images the pipeline leaves in different sizes (a
        ``Resize`` of the shorter side without a crop), and ``pad_collate`` would pad a small
        image up to the largest of its batch, which moves anything pooled over the whole input
        (LR-ASPP's and ASPP's image pooling) and the convolutions near its edges.
        """
        if batch_size is not None and (isinstance(batch_size, bool)
                                       or not isinstance(batch_size, int) or batch_size < 1):
            raise ValueError(f'batch_size must be a positive integer or None, got {batch_size!r}.')
        step = batch_size or len(images)
        for start in range(0, len(images), step):
            items = [self.prepare(img, start + i)
                     for i, img in enumerate(images[start:start + step])]
            for group in group_by_shape([self.alone_shape(item) for item in items]):
                batch = self.collate_fn([items[i] for i in group])
                yield [start + i for i in group], self.model.data_preprocessor(batch, False)

    @torch.no_grad()
    def forward(self, images: Sequence[np.ndarray], mode: str = 'predict',
                batch_size: Optional[int] = 32) -> list:
        """Run the model on images in batches; returns the outputs of ``mode``, one per image,
        in order."""
        outputs: list = [None] * len(images)
        for indices, batch in self.batches(images, batch_size):
            for i, out in zip(indices, self.model(**batch, mode=mode)):
                outputs[i] = out
        return outputs
