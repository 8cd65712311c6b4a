"""kNN accuracy of self-supervised features, computed during training (the kNN monitor)."""
from collections.abc import Sequence
from typing import Optional

import torch

from easycv_like.models.losses import check_topk, topk_accuracy
from easycv_like.registry import METRICS

from .knn import weighted_knn
from .topk_metric import TopkMetric, as_topk


@METRICS.register_module()
class KNNEvaluator(TopkMetric):
    """Weighted kNN top-k accuracy in percent: ``{'knn_top1': ..., 'knn_top5': ...}``.

    Evaluated on a ``KNNDataset``: samples with ``data_samples['knn_role'] == 0`` form the
    labelled bank, those with role 1 are the queries classified by :func:`weighted_knn` (cosine
    similarity, ``k`` neighbours, votes ``exp(sim / T)``, as in DINO,
    https://arxiv.org/abs/2104.14294). Reads the ``feature``/``gt_label`` predict dicts of
    ``BaseSelfSupervisor``; mmengine gathers them across ranks before ``compute_metrics``.

    Args:
        k: neighbours per query. Default 20.
        temperature: T of the vote weights. Default 0.07.
        num_classes: number of classes; None means the largest label + 1. Default None.
        topk: the accuracies reported. Default (1, 5).
        collect_device: device used to gather results across ranks. Default 'cpu'.
        prefix: prefix of the metric names. Default None.
        collect_dir: shared directory for CPU collection. Default None.
    """

    default_prefix = None

    def __init__(self, k: int = 20, temperature: float = 0.07, num_classes: Optional[int] = None,
                 topk: Sequence[int] = (1, 5), collect_device: str = 'cpu',
                 prefix: Optional[str] = None, collect_dir: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix, collect_dir=collect_dir)
        self.k, self.temperature, self.num_classes = k, temperature, num_classes
        self.topk = as_topk(topk, 'KNNEvaluator')

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep each sample's feature, label and role (0 bank, 1 query)."""
        roles = (data_batch.get('data_samples') or {}).get('knn_role')
        if roles is None:
            raise KeyError("KNNEvaluator needs data_samples['knn_role']: evaluate it on a "
                           'KNNDataset(bank=..., query=...)')
        for sample, role in zip(data_samples, torch.as_tensor(roles).view(-1).tolist()):
            feature = torch.as_tensor(sample['feature']).detach().float().cpu().clone()
            self.results.append(dict(feature=feature, gt_label=int(sample['gt_label']),
                                     role=int(role)))

    def compute_metrics(self, results: list) -> dict:
        """``{'knn_top{k}': percent}`` of the queries, classified against the bank."""
        bank = [r for r in results if r['role'] == 0]
        query = [r for r in results if r['role'] == 1]
        if not bank or not query:
            raise ValueError(f'KNNEvaluator needs bank and query samples, got {len(bank)} and '
                             f'{len(query)}')
        bank_labels = torch.tensor([r['gt_label'] for r in bank])  # B
        query_labels = torch.tensor([r['gt_label'] for r in query])  # Q
        if (bank_labels < 0).any() or (query_labels < 0).any():
            raise ValueError('KNNEvaluator needs labels (gt_label >= 0) for bank and queries')
        num_classes = self.num_classes or int(max(bank_labels.max(), query_labels.max())) + 1
        check_topk(self.topk, num_classes, 'KNNEvaluator')
        scores = weighted_knn(torch.stack([r['feature'] for r in bank]), bank_labels,
                              torch.stack([r['feature'] for r in query]), self.k,
                              self.temperature, num_classes)  # Q x C
        accs = topk_accuracy(scores, query_labels, self.topk)
        return {f'knn_top{k}': float(acc) for k, acc in zip(self.topk, accs)}
