"""Links and file references in the documentation stay inside the repository and exist."""
import glob
import os.path as osp
import re

import pytest

from ..conftest import REPO

PAGES = sorted(['README.md', 'benchmarks/README.md'] +
               [osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'docs', '*.md'))])


def _read(page):
    with open(osp.join(REPO, page), encoding='utf-8') as f:
        return f.read()


@pytest.mark.parametrize('page', PAGES)
def test_markdown_links_point_to_files_in_the_repository(page):
    for target in re.findall(r'\]\(([^)#\s]+)(?:#[^)]*)?\)', _read(page)):
        if re.match(r'[a-z]+://', target):
            continue
        path = osp.normpath(osp.join(REPO, osp.dirname(page), target))
        assert path.startswith(REPO + osp.sep), f'{page}: {target} leaves the repository'
        assert osp.exists(path), f'{page}: {target} does not exist'


@pytest.mark.parametrize('page', PAGES + ['Makefile'])
def test_no_reference_outside_the_repository_or_to_missing_docs(page):
    text = _read(page)
    assert '../shared/' not in text, f'{page} refers outside the repository'
    for doc in set(re.findall(r'\bdocs/[a-z_]+\.md', text)):
        assert osp.isfile(osp.join(REPO, doc)), f'{page} mentions missing {doc}'
