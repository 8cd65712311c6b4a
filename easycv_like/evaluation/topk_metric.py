"""``TopkMetric``: the base of the evaluators that report top-k accuracies (``ClsEvaluator``,
``KNNEvaluator``), and :func:`as_topk`, the one reading of a ``topk`` argument (also used by
``RetrievalEvaluator``'s recall@k).

A ``k`` above the number of classes would read 100% whatever the model (``check_topk``). The
engine hands each evaluator the evaluated dataset's meta (its ``classes``) when it builds the
validation loop, before training starts; the check runs then, so such a config stops before the
first step rather than after an epoch. Evaluators check again on the scores they compute, for
datasets whose meta names no classes.
"""
from collections.abc import Sequence
from typing import Optional, Union

from mmengine.evaluator import BaseMetric

from easycv_like.models.losses import check_topk


def as_topk(topk: Union[int, Sequence[int]], owner: str) -> tuple:
    """``topk`` as a tuple (an int is one ``k``); ``ValueError`` naming ``owner`` unless it holds
    at least one ``k`` and every ``k`` is >= 1 (``torch.topk`` would fail, or report nothing)."""
    topk = (topk,) if isinstance(topk, int) else tuple(topk)
    if not topk or any(k < 1 for k in topk):
        raise ValueError(f'{owner}: topk must be positive integers, got {topk}')
    return topk


class TopkMetric(BaseMetric):
    """A ``BaseMetric`` with a ``topk`` tuple that must fit the dataset's classes."""

    topk: tuple = (1,)

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: Optional[dict]) -> None:
        self._dataset_meta = dataset_meta
        classes = (dataset_meta or {}).get('classes')
        if classes:
            check_topk(self.topk, len(classes), type(self).__name__)
