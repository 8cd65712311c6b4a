"""ClsEvaluator: top-k percentages against hand-counted examples."""
import pytest
import torch

from easycv_like.errors import ConfigError
from easycv_like.registry import METRICS

# six samples, five classes; the label's rank (1 = best) is given per row
SCORES = torch.tensor([
    [0.50, 0.20, 0.10, 0.10, 0.10],  # label 0: rank 1
    [0.10, 0.60, 0.10, 0.10, 0.10],  # label 1: rank 1
    [0.05, 0.10, 0.70, 0.10, 0.05],  # label 2: rank 1
    [0.40, 0.30, 0.15, 0.10, 0.05],  # label 1: rank 2
    [0.30, 0.25, 0.20, 0.15, 0.10],  # label 3: rank 4
    [0.10, 0.20, 0.30, 0.35, 0.05],  # label 4: rank 5
])
LABELS = [0, 1, 2, 1, 3, 4]


def _samples(scores=SCORES, labels=LABELS):
    return [{'pred_score': s, 'pred_label': int(s.argmax()), 'gt_label': g}
            for s, g in zip(scores, labels)]


def _evaluate(evaluator, samples, batch=4):
    for start in range(0, len(samples), batch):
        evaluator.process(None, samples[start:start + batch])
    return evaluator.evaluate(len(samples))


def test_top1_top5():
    metrics = _evaluate(METRICS.build(dict(type='ClsEvaluator')), _samples())
    assert metrics == {'top1': pytest.approx(50.0), 'top5': pytest.approx(100.0)}


def test_intermediate_k_values():
    evaluator = METRICS.build(dict(type='ClsEvaluator', topk=(1, 2, 3, 4)))
    metrics = _evaluate(evaluator, _samples())
    assert metrics['top2'] == pytest.approx(400 / 6)
    assert metrics['top3'] == pytest.approx(400 / 6)
    assert metrics['top4'] == pytest.approx(500 / 6)


def test_k_above_the_number_of_classes_is_refused():
    """top-5 of 3 classes was reported as 100% whatever the model (docs/own_data.md: topk must
    not exceed the number of classes)."""
    scores = torch.tensor([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]])
    evaluator = METRICS.build(dict(type='ClsEvaluator', topk=(1, 5)))
    with pytest.raises(ConfigError, match=r'ClsEvaluator topk=\(1, 5\): there are only 3 '
                                          r'classes.*e\.g\. topk=\(1, 2\)'):
        _evaluate(evaluator, _samples(scores, [2, 0]))
    evaluator = METRICS.build(dict(type='ClsEvaluator', topk=(1, 3)))
    assert _evaluate(evaluator, _samples(scores, [2, 0])) == {'top1': pytest.approx(50.0),
                                                              'top3': pytest.approx(100.0)}


def test_prefix_and_results_reset():
    evaluator = METRICS.build(dict(type='ClsEvaluator', topk=(1,), prefix='val'))
    assert _evaluate(evaluator, _samples()) == {'val/top1': pytest.approx(50.0)}
    assert evaluator.results == []


def test_unlabelled_samples_raise():
    evaluator = METRICS.build(dict(type='ClsEvaluator'))
    evaluator.process(None, _samples(SCORES[:2], [0, -1]))
    with pytest.raises(ValueError, match='gt_label'):
        evaluator.compute_metrics(evaluator.results)
