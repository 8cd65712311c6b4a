"""Stop before the first step when the classifier's size differs from the training data's."""
from mmengine.hooks import Hook

from ...registry import HOOKS
from ..class_checks import check_num_classes, dataset_classes


@HOOKS.register_module()
class ClassCountCheckHook(Hook):
    """Compare the class heads' ``num_classes`` (``head``; a segmentor's ``decode_head`` and
    ``auxiliary_head``) with the training dataset's class count.

    Without it, a head with fewer outputs than classes fails deep in the loss with an index
    error, and one with more trains silently on outputs no label uses (a segmentor then failed
    only at its first evaluation, epochs later).
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        classes, origin = dataset_classes(runner.train_dataloader.dataset)
        check_num_classes(runner.model, classes, f'data.train: {origin}')
