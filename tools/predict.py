"""Classify, detect or segment images with a checkpoint alone.

    python tools/predict.py CKPT img1.png img2.jpg some_folder/ [--topk 3] [--json out.json]
    python tools/predict.py CKPT --list data/digits/val.txt --limit 8   (also prints the truth)
    python tools/predict.py DET_OR_SEG_CKPT images/ --out-dir predictions   (annotated PNGs)
    python tools/predict.py WEIGHTS images/ --config CONFIG   (another project's weights, e.g.
        Megvii's yolox_s.pth with configs/detection/yolox/yolox_s_8xb8_300e_coco.py)
"""
import sys
from typing import Optional, Sequence

from easycv_like.cli.parsers import predict_parser


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = predict_parser()
    args = parser.parse_args(argv)
    from easycv_like.apis.predict import run_reporting_errors  # after parsing: no torch for --help
    run_reporting_errors(parser, args)


if __name__ == '__main__':
    sys.exit(main())
