"""RetrievalEvaluator: leave-one-out recall@k against hand-worked examples."""
import math

import pytest
import torch

from easycv_like.evaluation.retrieval_evaluator import retrieval_recall
from easycv_like.registry import METRICS


def _unit(degrees):
    return [math.cos(math.radians(degrees)), math.sin(math.radians(degrees))]


# Four directions (angles 0, 10, 30, 90 degrees); the last one is long, which cosine ignores.
# Neighbours by angle, nearest first, and the rank of the first same-label neighbour:
#   s0 (label 0): s1 (1), s2 (0), s3  -> first hit at rank 2
#   s1 (label 1): s0 (0), s2 (0), s3  -> rank 3
#   s2 (label 0): s1 (1), s0 (0), s3  -> rank 2
#   s3 (label 1): s2 (0), s1 (1), s0  -> rank 2
FEATURES = torch.tensor([_unit(0), _unit(10), _unit(30), [0.0, 5.0]])
LABELS = [0, 1, 0, 1]


def _evaluate(evaluator, features, labels, batch=3):
    samples = [{'feature': f, 'gt_label': y} for f, y in zip(features, labels)]
    for start in range(0, len(samples), batch):
        evaluator.process(None, samples[start:start + batch])
    return evaluator.evaluate(len(samples))


def test_hand_computed_recall_at_k():
    evaluator = METRICS.build(dict(type='RetrievalEvaluator', topk=(1, 2, 3)))
    metrics = _evaluate(evaluator, FEATURES, LABELS)
    assert metrics == {'recall@1': pytest.approx(0.0), 'recall@2': pytest.approx(75.0),
                       'recall@3': pytest.approx(100.0)}


def test_default_topk_larger_than_the_set_counts_every_other_sample():
    metrics = _evaluate(METRICS.build(dict(type='RetrievalEvaluator')), FEATURES, LABELS)
    assert metrics == {'recall@1': pytest.approx(0.0), 'recall@5': pytest.approx(100.0),
                       'recall@10': pytest.approx(100.0)}


def test_euclidean_differs_from_cosine_by_hand():
    # q0 and q1 point the same way (cosine neighbours) but q2 is the one close to q0 in space.
    feats = torch.tensor([[1.0, 0.0], [10.0, 0.5], [0.8, 0.6]])
    labels = torch.tensor([0, 1, 0])
    assert retrieval_recall(feats, labels, (1, 2), 'cosine') == {
        1: pytest.approx(0.0), 2: pytest.approx(200 / 3)}
    assert retrieval_recall(feats, labels, (1, 2), 'euclidean') == {
        1: pytest.approx(200 / 3), 2: pytest.approx(200 / 3)}


def test_chunked_queries_give_the_same_recall():
    g = torch.Generator().manual_seed(0)
    feats, labels = torch.randn(37, 8, generator=g), torch.randint(0, 4, (37,), generator=g)
    whole = retrieval_recall(feats, labels, (1, 3, 5), chunk=1024)
    assert retrieval_recall(feats, labels, (1, 3, 5), chunk=5) == whole


def test_a_query_never_retrieves_itself():
    feats = torch.eye(3)  # orthogonal: every other sample is equally far
    assert retrieval_recall(feats, torch.tensor([0, 1, 2]), (2,))[2] == 0.0


def test_needs_features_and_labels():
    evaluator = METRICS.build(dict(type='RetrievalEvaluator'))
    with pytest.raises(KeyError, match='feature'):
        evaluator.process(None, [{'pred_score': torch.ones(3), 'gt_label': 0}])
    with pytest.raises(ValueError, match='gt_label -1'):
        _evaluate(METRICS.build(dict(type='RetrievalEvaluator')), FEATURES, [0, -1, 0, 1])
    with pytest.raises(ValueError, match='metric'):
        METRICS.build(dict(type='RetrievalEvaluator', metric='hamming'))
