"""KNNEvaluator: bank/query split by knn_role, accuracies equal a hand computation."""
import pytest
import torch

from easycv_like.errors import ConfigError
from easycv_like.registry import METRICS


def _process(evaluator, feats, labels, roles):
    data_batch = {'data_samples': {'knn_role': torch.tensor(roles)}}
    outputs = [dict(feature=torch.tensor(f), gt_label=y) for f, y in zip(feats, labels)]
    evaluator.process(data_batch, outputs)


def test_matches_hand_computation():
    evaluator = METRICS.build(dict(type='KNNEvaluator', k=2, temperature=0.5, topk=(1, 2)))
    # bank: classes 0, 0, 1; queries as in tests/evaluation/test_knn.py plus one near class 1
    _process(evaluator, [[1.0, 0.0], [0.8, 0.6]], [0, 0], [0, 0])
    _process(evaluator, [[0.0, 1.0], [0.6, 0.8]], [1, 1], [0, 1])
    _process(evaluator, [[1.0, 0.0], [0.1, 1.0]], [0, 0], [1, 1])
    metrics = evaluator.compute_metrics(evaluator.results)
    # query [0.6, 0.8] (label 1): class 0 exp(1.92) > class 1 exp(1.6) -> wrong at top-1
    # query [1, 0] (label 0): right; query [0.1, 1] (label 0): neighbours 2 (class 1), 1
    # (class 0): sim 0.995 vs 0.676 -> class 1 wins, wrong. Top-1 1/3, top-2 3/3.
    assert metrics == {'knn_top1': pytest.approx(100 / 3), 'knn_top2': pytest.approx(100.0)}


def test_errors():
    evaluator = METRICS.build(dict(type='KNNEvaluator'))
    with pytest.raises(KeyError, match='knn_role'):
        evaluator.process({'data_samples': {}}, [dict(feature=torch.zeros(2), gt_label=0)])
    _process(evaluator, [[1.0, 0.0]], [0], [0])
    with pytest.raises(ValueError, match='bank and query'):
        evaluator.compute_metrics(evaluator.results)


def test_k_above_the_number_of_classes_is_refused():
    evaluator = METRICS.build(dict(type='KNNEvaluator', k=1, topk=(1, 5)))
    _process(evaluator, [[1.0, 0.0], [0.0, 1.0], [1.0, 0.1]], [0, 1, 0], [0, 0, 1])
    with pytest.raises(ConfigError, match=r'KNNEvaluator topk=\(1, 5\): there are only 2 '):
        evaluator.compute_metrics(evaluator.results)
