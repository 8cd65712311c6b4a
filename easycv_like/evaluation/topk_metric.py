"""``TopkMetric``: the base of the evaluators that report top-k accuracies (``ClsEvaluator``,
``KNNEvaluator``).

A ``k`` above the number of classes would read 100% whatever the model (``check_topk``). The
engine hands each evaluator the evaluated dataset's meta (its ``classes``) when it builds the
validation loop, before training starts; the check runs then, so such a config stops before the
first step rather than after an epoch. Evaluators check again on the scores they compute, for
datasets whose meta names no classes.
"""
from typing import Optional

from mmengine.evaluator import BaseMetric

from easycv_like.models.losses import check_topk


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
