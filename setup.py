"""Install easycv_like: pip install -e .[test] (see README for the torch wheel to use)."""
import os.path as osp
import re

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def requirements(name):
    with open(osp.join(HERE, 'requirements', f'{name}.txt')) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith('#')]


def version():
    with open(osp.join(HERE, 'easycv_like', '__init__.py')) as f:
        return re.search(r"__version__ = '([^']+)'", f.read()).group(1)


setup(
    name='easycv_like',
    version=version(),
    description='PyTorch toolbox for self-supervised pre-training, classification and more',
    long_description=open(osp.join(HERE, 'README.md')).read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['easycv_like', 'easycv_like.*']),
    python_requires='>=3.9',
    install_requires=requirements('runtime'),
    extras_require={'test': requirements('tests'), 'dali': requirements('dali')},
    entry_points={'console_scripts': [
        'easycv-train=easycv_like.apis.train_cli:main',
        'easycv-eval=easycv_like.apis.evaluate:main',
    ]},
    license='Apache-2.0',
)
