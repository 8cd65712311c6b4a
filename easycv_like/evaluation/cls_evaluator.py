"""Top-k classification accuracy over a whole dataset, from Classification's predict dicts."""
from collections.abc import Sequence

import torch

from easycv_like.models.losses import check_topk, topk_accuracy
from easycv_like.registry import METRICS

from .topk_metric import TopkMetric, as_topk


@METRICS.register_module()
class ClsEvaluator(TopkMetric):
    """Top-k accuracy in percent, reported as ``{'top1': 97.5, 'top5': 99.9, ...}``.

    Reads the per-sample dicts of ``Classification.predict`` (``pred_score`` [K] and
    ``gt_label``); mmengine gathers them across ranks before ``compute_metrics``. A ``k``
    larger than the number of classes is refused (``ConfigError``: it would read 100%); ties
    follow ``torch.topk``. Keys carry no prefix by default: the engine's multi-dataset loop adds
    the dataset name.

    Args:
        topk: the values of ``k``. Default (1, 5).
        collect_device: device used to gather results across ranks, 'cpu' or 'gpu'.
            Default 'cpu'.
        prefix: prefix of the metric names ('prefix/top1'). Default None.
        collect_dir: shared directory for CPU collection. Default None (a temporary one).
    """

    default_prefix = None

    def __init__(self, topk: Sequence[int] = (1, 5), collect_device: str = 'cpu',
                 prefix: str | None = None, collect_dir: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        self.topk = as_topk(topk, 'ClsEvaluator')

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each sample's score vector (a CPU copy) and label."""
        for sample in data_samples:
            score = torch.as_tensor(sample['pred_score']).detach().float().cpu().clone()
            self.results.append({'pred_score': score, 'gt_label': int(sample['gt_label'])})

    def compute_metrics(self, results: list) -> dict[str, float]:
        """``{'top{k}': accuracy in percent}`` over every gathered sample."""
        if not results:
            raise ValueError('ClsEvaluator got no predictions: the evaluated dataset is empty')
        labels = torch.tensor([r['gt_label'] for r in results])  # N
        if (labels < 0).any():
            raise ValueError('ClsEvaluator needs ground-truth labels, but some samples have '
                             'gt_label -1 (unlabelled data)')
        scores = torch.stack([r['pred_score'] for r in results])  # N x K
        check_topk(self.topk, scores.shape[1], 'ClsEvaluator')
        accs = topk_accuracy(scores, labels, self.topk)
        return {f'top{k}': float(acc) for k, acc in zip(self.topk, accs)}
