"""``knn_eval()``: offline weighted-kNN accuracy of features written by ``extract_features``.

The training features are the memory bank, the validation features the queries; the vote is
``weighted_knn``, the same function the ``KNNEvaluator`` monitor uses during training.
"""
import argparse
from typing import Dict, Optional, Sequence

import torch

from ..cli.parsers import knn_eval_parser
from ..evaluation.knn import weighted_knn
from ..models.losses import topk_accuracy
from .cli_errors import UsageError, user_errors_end_the_run
from .extract_features import load_features


def knn_eval(train_features: str, val_features: str, k: int = 20,
             temperature: float = 0.07) -> Dict[str, float]:
    """Top-1/top-5 accuracy (percent) of weighted kNN from the train bank to the val queries;
    top-5 is None with fewer than 5 classes (it would be 100% whatever the features).

    ``weighted_knn`` L2-normalises the features (cosine similarity), so extracting with or
    without ``--l2norm`` gives the same result.

    Args:
        train_features: folder with the bank's ``features.npy`` and ``labels.npy``.
        val_features: folder with the queries' ``features.npy`` and ``labels.npy``.
        k: neighbours that vote, 1 to the number of training features. Default 20.
        temperature: votes weigh ``exp(similarity / temperature)``; positive. Default 0.07.
    """
    bank, query = load_features(train_features), load_features(val_features)
    if bank['features'].shape[1] != query['features'].shape[1]:
        raise UsageError(f'Feature dimensions differ: train {bank["features"].shape[1]}, '
                         f'val {query["features"].shape[1]}.')
    bank_labels = torch.from_numpy(bank['labels'])
    query_labels = torch.from_numpy(query['labels'])
    if (bank_labels < 0).any() or (query_labels < 0).any():
        raise UsageError('kNN evaluation needs labels, but some samples have label -1.')
    if not 1 <= k <= len(bank['features']):
        raise UsageError(f'k={k}: choose 1 to {len(bank["features"])}, the number of training '
                         'features.')
    if not temperature > 0:
        raise UsageError(f'temperature={temperature}: it must be positive.')
    num_classes = int(max(bank_labels.max(), query_labels.max())) + 1
    scores = weighted_knn(torch.from_numpy(bank['features']), bank_labels,
                          torch.from_numpy(query['features']), k, temperature,
                          num_classes)  # Q x num_classes
    top1, top5 = topk_accuracy(scores, query_labels, (1, 5))
    # top-5 of fewer than 5 classes is 100% whatever the features: not reported
    return dict(top1=float(top1), top5=float(top5) if num_classes >= 5 else None)


def run(args: argparse.Namespace) -> Dict[str, float]:
    """Evaluate as ``args`` (parsed by ``knn_eval_parser``) say; prints top-1/top-5."""
    with user_errors_end_the_run('knn_eval.py', with_config=False):
        metrics = knn_eval(args.train_features, args.val_features, args.k, args.temperature)
    top5 = 'n/a (fewer than 5 classes)' if metrics['top5'] is None else f'{metrics["top5"]:.2f}'
    print(f'kNN (k={args.k}, T={args.temperature}): top1 {metrics["top1"]:.2f}  top5 {top5}')
    return metrics


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, float]:
    return run(knn_eval_parser().parse_args(argv))
