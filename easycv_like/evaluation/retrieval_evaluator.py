"""Recall@k of image retrieval (deep metric learning), leave-one-out over the evaluated set."""
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric

from easycv_like.registry import METRICS

from .topk_metric import as_topk

METRIC_KINDS = ('cosine', 'euclidean')


def retrieval_recall(features: torch.Tensor, labels: torch.Tensor, topk: Sequence[int],
                     metric: str = 'cosine', chunk: int = 1024) -> dict[int, float]:
    """Recall@k in percent: the share of queries with a same-label sample in their top ``k``.

    Every sample is a query against all the others (itself excluded); neighbours are ranked by
    cosine similarity or by Euclidean distance. Ties follow ``torch.topk``.

    Args:
        features: N x D.
        labels: N integer labels.
        topk: the values of ``k``; a ``k`` above N - 1 counts as N - 1.
        metric: ``'cosine'`` or ``'euclidean'``.
        chunk: queries compared at once (bounds memory to chunk x N).
    """
    feats = features.float()
    if metric == 'cosine':
        feats = F.normalize(feats, dim=1)
    num = len(feats)
    max_k = min(max(topk), num - 1)
    hits = {k: 0 for k in topk}
    for start in range(0, num, chunk):
        query = feats[start:start + chunk]  # Q x D
        if metric == 'cosine':
            score = query @ feats.T  # Q x N, larger is closer
        else:
            score = -torch.cdist(query, feats)  # Q x N
        rows = torch.arange(len(query))
        score[rows, rows + start] = float('-inf')  # leave the query out
        neighbours = score.topk(max_k, dim=1).indices  # Q x max_k
        same = labels[neighbours] == labels[start:start + chunk, None]  # Q x max_k
        for k in topk:
            hits[k] += int(same[:, :min(k, max_k)].any(dim=1).sum())
    return {k: 100.0 * hits[k] / num for k in topk}


@METRICS.register_module()
class RetrievalEvaluator(BaseMetric):
    """Recall@k of image retrieval, reported as ``{'recall@1': 81.2, 'recall@5': ...}``.

    The standard recall@k of deep metric learning (e.g. on CUB-200, Cars-196, SOP): each sample
    of the evaluated set queries all the *other* samples (leave-one-out) and is a hit when any of
    its ``k`` nearest neighbours has its label. It reads the ``feature`` and ``gt_label`` of
    predict dicts, so it needs a model whose predict gives a ``feature``: the self-supervised
    algorithms do (``BaseSelfSupervisor``); ``Classification`` does not (it predicts scores).

    Args:
        topk: the values of ``k``. Default (1, 5, 10).
        metric: ``'cosine'`` (similarity of L2-normalised features) or ``'euclidean'``.
            Default 'cosine'.
        collect_device: device used to gather results across ranks. Default 'cpu'.
        prefix: prefix of the metric names. Default None.
        collect_dir: shared directory for CPU collection. Default None.
    """

    default_prefix = None

    def __init__(self, topk: Sequence[int] = (1, 5, 10), metric: str = 'cosine',
                 collect_device: str = 'cpu', prefix: str | None = None,
                 collect_dir: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        if metric not in METRIC_KINDS:
            raise ValueError(f'metric must be one of {METRIC_KINDS}, got {metric!r}')
        self.topk = as_topk(topk, 'RetrievalEvaluator')
        self.metric = metric

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each sample's feature (a CPU copy) and label."""
        for sample in data_samples:
            if 'feature' not in sample:
                raise KeyError("RetrievalEvaluator needs predict dicts with a 'feature' "
                               f"(self-supervised models); got keys {sorted(sample)}")
            feature = torch.as_tensor(sample['feature']).detach().float().cpu().clone()
            self.results.append({'feature': feature, 'gt_label': int(sample['gt_label'])})

    def compute_metrics(self, results: list) -> dict[str, float]:
        """``{'recall@{k}': percent}`` over every gathered sample."""
        if len(results) < 2:
            raise ValueError('RetrievalEvaluator needs at least 2 samples (each query is '
                             f'compared with the others), got {len(results)}')
        labels = torch.tensor([r['gt_label'] for r in results])  # N
        if (labels < 0).any():
            raise ValueError('RetrievalEvaluator needs ground-truth labels, but some samples '
                             'have gt_label -1 (unlabelled data)')
        features = torch.stack([r['feature'] for r in results])  # N x D
        recall = retrieval_recall(features, labels, self.topk, self.metric)
        return {f'recall@{k}': value for k, value in recall.items()}
