"""as_topk: the one reading of an evaluator's ``topk`` argument."""
import pytest

from easycv_like.evaluation.topk_metric import as_topk
from easycv_like.registry import METRICS


@pytest.mark.parametrize('evaluator', ['KNNEvaluator', 'ClsEvaluator', 'RetrievalEvaluator'])
@pytest.mark.parametrize('topk', [0, (1, 0), ()])
def test_a_topk_without_positive_ks_is_refused_at_build(evaluator, topk):
    """Not later, in torch.topk at the first validation, after a training epoch."""
    with pytest.raises(ValueError, match=rf'{evaluator}: topk must be positive integers'):
        METRICS.build(dict(type=evaluator, topk=topk))


def test_an_int_topk_is_one_k():
    assert as_topk(3, 'X') == (3,)
    assert as_topk([1, 5], 'X') == (1, 5)
    assert METRICS.build(dict(type='KNNEvaluator', topk=3)).topk == (3,)
