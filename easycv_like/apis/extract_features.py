"""``extract_features()``: pooled backbone features of a whole split, for offline evaluation.

The dataset of a split is its config's data source (``data.train`` / ``data.val``, else for
``val`` the first ``eval_pipelines`` dataset: a ``KNNDataset``'s query set) read through the
*inference pipeline*: the pipeline of ``eval_pipelines[0]``, else ``data.val``'s (the one
predictors use). Both splits are therefore deterministic and single-view, whatever the
training pipeline is: a self-supervised config's multi-view augmentation of ``data.train`` is
replaced, and so is a classifier's random crop. This is the protocol of offline kNN / linear
evaluation (train images seen as at test time), and it makes every row equal to
``FeatureExtractor``'s on the same image.
"""
import argparse
import os
import os.path as osp
from typing import Dict, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.config import Config
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from ..engine.eval_data import resolve_eval_data
from ..cli.parsers import FEATURE_SPLITS, extract_features_parser
from ..config_path import entry
from ..data.stack_collate import stack_collate
from ..engine.config_schema import section
from ..models.classification import Classification
from ..predictors.base import inference_dataset, inference_pipeline, single_view_dataset
from ..predictors.feature_extractor import pooled_features
from ..predictors.model_task import FEATURE_TASKS, check_model_task
from ..registry import DATASETS, MODELS
from ..utils.weight_loading import WeightLoadError, load_weights
from .cli_errors import UsageError, check_device, user_errors_end_the_run
from .config import load_config

SPLITS = FEATURE_SPLITS


def feature_dataset_cfg(cfg: Config, split: str) -> dict:
    """The ``ClsDataset`` config that feature extraction reads for ``split`` (see module doc)."""
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    data = cfg.get('data') or {}
    named = data.get(split)
    if named is None and split == 'val' and cfg.get('eval_pipelines'):
        named = single_view_dataset(cfg.eval_pipelines[0]['data'])
    if not named or 'data_source' not in named:
        raise UsageError(
            f'The config has no data.{split} with a data_source to extract features from '
            '(DALI datasets read their own files and are not supported here).')
    if not inference_dataset(cfg).get('pipeline'):  # nothing would load the image files
        raise UsageError(
            'The config has no inference pipeline to read the images with: no eval_pipelines '
            'and no data.val with a pipeline (a pre-training config such as '
            'configs/ssl/simclr_r50.py has only its multi-view training views). Add, in a '
            "config that inherits it, data.val=dict(type='ClsDataset', data_source=..., "
            "pipeline=[dict(type='LoadImage'), dict(type='Resize', size=S), "
            "dict(type='CenterCrop', size=S), dict(type='PackInputs')]) (docs/ssl.md).")
    return dict(type='ClsDataset', data_source=named['data_source'],
                pipeline=inference_pipeline(cfg))


def build_model_from(cfg: Config, checkpoint: str, device: Union[str, torch.device],
                     trust_checkpoint: bool = False,
                     backbone_prefix: Optional[str] = None) -> torch.nn.Module:
    """``cfg.model`` with the weights of ``checkpoint`` (strict, with a key report), in eval mode
    on ``device``. With ``backbone_prefix`` the file holds only a backbone (another project's
    pre-training), under that prefix ('' for none): every backbone weight must be found in it,
    its other keys (a projection head) are reported and left out, and a classifier's neck (which
    the file cannot fill) is dropped, so the features are the backbone's."""
    with entry('model', cfg.model):
        model = MODELS.build(cfg.model)
    check_model_task(type(model), FEATURE_TASKS, 'feature extraction',
                     f'config {cfg.filename}' if cfg.filename else 'the config')
    if backbone_prefix is None:
        try:
            load_weights(model, checkpoint, strict=True, trust=trust_checkpoint)
        except WeightLoadError as err:
            raise WeightLoadError(f'{err}\nA file that holds only a backbone (another project\'s '
                                  'pre-training) loads with --backbone-prefix [PREFIX] '
                                  '(backbone_prefix=).') from None
    else:
        load_weights(model.backbone, checkpoint, prefix=backbone_prefix or None,
                     trust=trust_checkpoint)
        if isinstance(model, Classification) and model.neck is not None:  # in its features
            print_log(f'backbone_prefix: the untrained {type(model.neck).__name__} of the config '
                      'is left out; the features are the backbone\'s.', logger='current')
            model.neck = None
    return model.to(device).eval()


def save_features(out_dir: str, features: np.ndarray, labels: np.ndarray) -> None:
    """Write ``features.npy`` (float32 N x D) and ``labels.npy`` (int64 N) into ``out_dir``."""
    os.makedirs(out_dir, exist_ok=True)
    np.save(osp.join(out_dir, 'features.npy'), features.astype(np.float32))
    np.save(osp.join(out_dir, 'labels.npy'), labels.astype(np.int64))


def load_features(folder: str) -> Dict[str, np.ndarray]:
    """Read what :func:`save_features` wrote: ``dict(features=N x D, labels=N)``."""
    features = np.load(osp.join(folder, 'features.npy'))
    labels = np.load(osp.join(folder, 'labels.npy'))
    if features.ndim != 2 or labels.shape != (len(features),):
        raise UsageError(f'{folder}: features {features.shape} and labels {labels.shape} do not '
                         'match (expected N x D and N).')
    return dict(features=features.astype(np.float32), labels=labels.astype(np.int64))


@torch.no_grad()
def extract_features(config: Union[str, Config], checkpoint: str, split: str = 'train',
                     out_dir: Optional[str] = None, l2norm: bool = False,
                     batch_size: Optional[int] = None, trust_checkpoint: bool = False,
                     device: Optional[str] = None,
                     backbone_prefix: Optional[str] = None) -> Dict[str, np.ndarray]:
    """Features and labels of every sample of ``split``, in dataset order.

    Args:
        config: config file (or a loaded Config) that describes the model and the data.
        checkpoint: weights of that model (loaded with ``weights_only=True``).
        split: ``'train'`` or ``'val'``.
        out_dir: also write ``features.npy`` / ``labels.npy`` there. Default None.
        l2norm: L2-normalise every feature row. Default False.
        batch_size: images per forward pass. Default ``data.imgs_per_gpu``.
        trust_checkpoint: allow a checkpoint that needs arbitrary unpickling (can run code).
        device: default ``'cuda'`` when available, else ``'cpu'``.
        backbone_prefix: the checkpoint holds only the backbone, under this prefix ('' for a
            bare backbone file such as DINO's, ``'encoder_q.'`` for MoCo's release). Default
            None: the checkpoint holds the whole model of the config.

    Returns:
        ``dict(features=float32 N x D, labels=int64 N)`` (-1 for unlabelled samples).
    """
    cfg = resolve_eval_data(load_config(config) if isinstance(config, str) else config)
    device = device or ('cuda' if torch.cuda.is_available() else 'cpu')
    model = build_model_from(cfg, checkpoint, device, trust_checkpoint, backbone_prefix)
    data = section(cfg, 'data')  # with the schema's defaults
    dataset = DATASETS.build(feature_dataset_cfg(cfg, split))
    if len(dataset) == 0:
        raise UsageError(f'The {split} dataset is empty: no features to extract.')
    loader = DataLoader(dataset, batch_size=batch_size or data['imgs_per_gpu'], shuffle=False,
                        num_workers=data['workers_per_gpu'], collate_fn=stack_collate)
    rows, labels = [], []
    for batch in loader:
        labels.append(torch.as_tensor(batch['data_samples']['gt_label']).view(-1))
        batch = model.data_preprocessor(batch, False)
        rows.append(pooled_features(model, batch['inputs'], l2norm))  # B x D
    result = dict(features=torch.cat(rows).numpy().astype(np.float32),
                  labels=torch.cat(labels).numpy().astype(np.int64))
    if out_dir:
        save_features(out_dir, result['features'], result['labels'])
    return result


def run(args: argparse.Namespace) -> Dict[str, np.ndarray]:
    """Extract as ``args`` (parsed by ``extract_features_parser``) say."""
    with user_errors_end_the_run('extract_features.py'):
        check_device(args.device)
        result = extract_features(args.config, args.checkpoint, args.split, args.out,
                                  args.l2norm, args.batch_size, args.trust_checkpoint,
                                  args.device, args.backbone_prefix)
    where = f' -> {args.out}' if args.out else ''
    print(f'{args.split}: {len(result["features"])} features of dimension '
          f'{result["features"].shape[1]}{where}')
    return result


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, np.ndarray]:
    return run(extract_features_parser().parse_args(argv))
