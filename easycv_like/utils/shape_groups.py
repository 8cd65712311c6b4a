"""``group_by_shape``: the indices of items that share an input shape, so each group runs as one
batch at its own size and no item is padded up to another's (predictors before collating, dense
models before predicting)."""
from typing import Dict, Hashable, List, Sequence


def group_by_shape(shapes: Sequence[Hashable]) -> List[List[int]]:
    """Indices into ``shapes`` grouped by equal value, groups in order of first appearance and
    indices ascending within each: ``[(2, 2), (4, 4), (2, 2)]`` -> ``[[0, 2], [1]]``."""
    groups: Dict[Hashable, List[int]] = {}
    for i, shape in enumerate(shapes):
        groups.setdefault(shape, []).append(i)
    return list(groups.values())
