"""Evaluate a checkpoint on every eval_pipelines dataset: python tools/eval.py CONFIG CKPT."""
from easycv_like.cli.parsers import eval_parser


def main() -> None:
    args = eval_parser().parse_args()
    from easycv_like.apis.evaluate import run  # after parsing: --help needs no torch
    run(args)


if __name__ == '__main__':
    main()
