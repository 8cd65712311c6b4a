"""Data sources: where raw samples come from (a list file, a folder tree, CIFAR batches)."""
from easycv_like.data.sources.cifar import Cifar
from easycv_like.data.sources.class_names import read_class_names
from easycv_like.data.sources.coco import Coco
from easycv_like.data.sources.seg_folder import SegFolder
from easycv_like.data.sources.voc import VocXml
from easycv_like.data.sources.image_folder import ImageFolder
from easycv_like.data.sources.image_list import ImageList
from easycv_like.data.sources.tfrecord import TFRecord

__all__ = ['Cifar', 'ImageFolder', 'ImageList', 'read_class_names',
           'TFRecord', 'Coco', 'SegFolder', 'VocXml']
