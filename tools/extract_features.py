"""Pooled backbone features of a split, saved as features.npy / labels.npy:

    python tools/extract_features.py CONFIG CKPT [--split train|val] [--out DIR] [--l2norm]
        [--batch-size N] [--trust-checkpoint]
"""
from easycv_like.cli.parsers import extract_features_parser


def main() -> None:
    args = extract_features_parser().parse_args()
    from easycv_like.apis.extract_features import run  # after parsing: --help needs no torch
    run(args)


if __name__ == '__main__':
    main()
