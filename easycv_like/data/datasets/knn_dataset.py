"""``KNNDataset``: a labelled bank and a query set as one evaluation dataset (the kNN monitor)."""
from typing import Any, Union

from torch.utils.data import Dataset

from easycv_like.registry import DATASETS


@DATASETS.register_module()
class KNNDataset(Dataset):
    """Items ``0 .. len(bank) - 1`` are the bank's, the rest the queries'.

    Each item's ``data_samples`` gets ``knn_role``: 0 for a bank sample, 1 for a query;
    ``KNNEvaluator`` classifies the queries by their nearest bank samples. Both datasets should
    use a deterministic (evaluation) pipeline.

    Args:
        bank: DATASETS config (or dataset) of the labelled reference set, e.g. the train list.
        query: DATASETS config (or dataset) of the samples to classify, e.g. the val list.
    """

    def __init__(self, bank: Union[dict, Any], query: Union[dict, Any]) -> None:
        self.bank = DATASETS.build(bank) if isinstance(bank, dict) else bank
        self.query = DATASETS.build(query) if isinstance(query, dict) else query

    @property
    def metainfo(self) -> dict:
        return getattr(self.bank, 'metainfo', {})

    def __len__(self) -> int:
        return len(self.bank) + len(self.query)

    def set_epoch(self, epoch: int) -> None:
        for part in (self.bank, self.query):
            if hasattr(part, 'set_epoch'):
                part.set_epoch(epoch)

    def __getitem__(self, index: int) -> dict:
        index = int(index) + (len(self) if int(index) < 0 else 0)
        role = int(index >= len(self.bank))
        item = self.query[index - len(self.bank)] if role else self.bank[index]
        item['data_samples'] = dict(item['data_samples'], knn_role=role)
        return item
