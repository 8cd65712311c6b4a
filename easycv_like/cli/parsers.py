"""The argument parsers of ``tools/*.py``: plain ``argparse``, no torch or mmengine imports.

Each tool parses its arguments first and imports the heavy modules only afterwards, so
``--help`` and usage errors answer at once. ``--cfg-options`` values stay ``key=value`` strings
here; ``easycv_like.apis.config.cfg_options_dict`` turns them into a dict (mmengine's parsing).
"""
import argparse
import os

FEATURE_SPLITS = ('train', 'val')
LAUNCHERS = ('none', 'pytorch', 'slurm')
# tools/predict.py's defaults; its flags default to None so that a flag given for the wrong task
# (--topk for a detector, --out-dir for a classifier) can be refused, not silently ignored
PREDICT_TOPK, PREDICT_SCORE_THR = 1, 0.3


# train flags of mmengine / mmdet / EasyCV tools that are config keys or another command here;
# {value}: the number typed after the flag, else N
FOREIGN_TRAIN_FLAGS = {
    '--seed': 'the seed is a config key: --cfg-options seed={value}',
    '--deterministic': 'it is a config key: --cfg-options deterministic=True',
    '--gpus': 'train.py runs one process; for {value} GPUs run bash tools/dist_train.sh CONFIG '
              '{value} (in Python: easycv_like.train(CONFIG, gpus={value}))',
    '--amp': 'mixed precision is --fp16',
}


class ForeignFlagParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` that answers a flag users bring from other toolboxes (``foreign``:
    flag -> what to type here) with one line naming the equivalent, not only argparse's
    'unrecognized arguments'."""

    def __init__(self, *args, foreign: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.foreign = foreign

    def parse_args(self, args=None, namespace=None):
        parsed, extras = self.parse_known_args(args, namespace)
        for index, token in enumerate(extras):
            flag, _, value = token.partition('=')
            if flag in self.foreign:
                following = extras[index + 1] if index + 1 < len(extras) else ''
                value = value or (following if following.isdigit() else 'N')
                hint = self.foreign[flag].format(value=value)
                self.exit(2, f'{self.prog}: error: {flag} is not an option of {self.prog}: '
                             f'{hint}.\n')
        if extras:
            self.error(f'unrecognized arguments: {" ".join(extras)}')
        return parsed


def positive_int(text: str) -> int:
    """argparse ``type``: an int >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f'must be a positive integer, got {value}')
    return value


def non_negative_int(text: str) -> int:
    """argparse ``type``: an int >= 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f'must be 0 or more, got {value}')
    return value


def out_folder(text: str) -> str:
    """argparse ``type``: a folder to write into; refused when the path is an existing file."""
    if os.path.exists(text) and not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f'{text!r} is a file, not a folder')
    return text


def positive_float(text: str) -> float:
    value = float(text)
    if not value > 0 or value == float('inf'):
        raise argparse.ArgumentTypeError(f'must be a positive number, got {text}')
    return value


def _trust_checkpoint(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--trust-checkpoint', action='store_true',
                        help='allow checkpoints that need arbitrary unpickling (can run code)')


def _cfg_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--cfg-options', '--cfg_options', nargs='+', action='extend',
                        metavar='KEY=VALUE', help='override config keys: a.b=1 c="x"')


def _launcher(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0,
                        help=argparse.SUPPRESS)


def train_parser() -> argparse.ArgumentParser:
    """``tools/train.py`` (also what torchrun starts in every process)."""
    parser = ForeignFlagParser(prog='train.py', foreign=FOREIGN_TRAIN_FLAGS,
                               description='Train a model from an easycv_like config.')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work_dir', '--work-dir', help='output folder')
    parser.add_argument('--fp16', action='store_true',
                        help='mixed precision (CUDA AMP; without CUDA bfloat16 autocast on CPUs '
                             'with native bfloat16, else float32 with a warning)')
    parser.add_argument('--resume', nargs='?', const='auto', default=None,
                        help="'auto' (newest checkpoint of the work dir) or a checkpoint path")
    parser.add_argument('--load_from', '--load-from',
                        help='initial weights, no optimizer state; every weight of the model must '
                             'be in the file unless load_cfg.exclude / load_cfg.min_match say '
                             'otherwise (docs/config.md, Weight loads)')
    _trust_checkpoint(parser)
    _cfg_options(parser)
    _launcher(parser)
    return parser


def eval_parser() -> argparse.ArgumentParser:
    """``tools/eval.py``."""
    parser = argparse.ArgumentParser(description='Evaluate a checkpoint on eval_pipelines.')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--work_dir', '--work-dir', help='where logs go')
    parser.add_argument('--out', help='write the metrics to this JSON file')
    _trust_checkpoint(parser)
    _cfg_options(parser)
    _launcher(parser)
    return parser


def extract_features_parser() -> argparse.ArgumentParser:
    """``tools/extract_features.py``."""
    parser = argparse.ArgumentParser(description='Extract pooled backbone features of a split.')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--split', choices=FEATURE_SPLITS, default='train')
    parser.add_argument('--out', help='folder for features.npy and labels.npy')
    parser.add_argument('--l2norm', action='store_true', help='L2-normalise every feature')
    parser.add_argument('--batch-size', type=positive_int, help='default: data.imgs_per_gpu')
    parser.add_argument('--device', help="default: 'cuda' when available, else 'cpu'")
    parser.add_argument('--backbone-prefix', nargs='?', const='', metavar='PREFIX',
                        help="the checkpoint holds only a backbone, under PREFIX (none if "
                             "omitted): another project's pre-training, e.g. 'encoder_q.' for "
                             "MoCo's release, nothing for DINO's")
    _trust_checkpoint(parser)
    return parser


def knn_eval_parser() -> argparse.ArgumentParser:
    """``tools/knn_eval.py``."""
    parser = argparse.ArgumentParser(description='Weighted kNN accuracy of extracted features.')
    parser.add_argument('--train-features', required=True,
                        help='folder with features.npy and labels.npy (the memory bank)')
    parser.add_argument('--val-features', required=True,
                        help='folder with features.npy and labels.npy (the queries)')
    parser.add_argument('--k', type=positive_int, default=20,
                        help='neighbours that vote, at most the training features (default 20)')
    parser.add_argument('--temperature', type=positive_float, default=0.07,
                        help='votes weigh exp(similarity / temperature) (default 0.07)')
    return parser


def predict_parser() -> argparse.ArgumentParser:
    """``tools/predict.py``."""
    parser = argparse.ArgumentParser(
        description='Classify, detect or segment images with a checkpoint alone (or a config '
                    'and a weight file).',
        epilog='IMAGES may be image files or folders (every image in them, recursively). '
               'A self-supervised checkpoint has no classifier: use tools/extract_features.py.')
    parser.add_argument('checkpoint', help='a checkpoint written by easycv_like training (or, '
                        'with --config, any weight file that fits the config\'s model)')
    parser.add_argument('images', nargs='*', help='image files and/or folders of images')
    parser.add_argument('--config', help='build the model and pipeline from this config, not '
                        "the checkpoint's (e.g. Megvii's yolox_s.pth with "
                        'configs/detection/yolox/yolox_s_8xb8_300e_coco.py)')
    parser.add_argument('--list', help='image list file (`path label` lines, relative to it)')
    parser.add_argument('--limit', type=positive_int,
                        help='read only the first N lines of --list (default: every line)')
    parser.add_argument('--topk', type=positive_int,
                        help=f'classification: print the K most likely classes of each image '
                             f'(default {PREDICT_TOPK})')
    parser.add_argument('--json', metavar='OUT',
                        help="write the predictions as JSON to OUT "
                             "('-': print JSON instead of text)")
    parser.add_argument('--batch-size', type=positive_int, default=32)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--channels-last', action='store_true', default=None,
                        help="model and batches in channels-last memory format (often faster "
                             "on CPUs; default: the config's channels_last)")
    parser.add_argument('--out-dir', help='detection / segmentation: write an annotated copy '
                        'of every image (boxes drawn, masks overlaid) into this folder (default: '
                        'none written)')
    parser.add_argument('--score-thr', type=float,
                        help=f'detection: lowest score drawn and reported '
                             f'(default {PREDICT_SCORE_THR})')
    _trust_checkpoint(parser)
    return parser
