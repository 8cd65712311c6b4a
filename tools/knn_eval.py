"""Weighted kNN accuracy of features saved by tools/extract_features.py:

    python tools/knn_eval.py --train-features DIR1 --val-features DIR2 [--k 20] [--temperature 0.07]
"""
from easycv_like.cli.parsers import knn_eval_parser


def main() -> None:
    args = knn_eval_parser().parse_args()
    from easycv_like.apis.knn_eval import run  # after parsing: --help needs no torch
    run(args)


if __name__ == '__main__':
    main()
