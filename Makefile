# Two commands on a fresh machine: `make demo` and `make test` (each sets up .venv first).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# CUDA build of torch: it runs on CPU too, and torchvision's ops come with it (see docs/install.md).
TORCH := torch==2.14.1 torchvision==0.29.1
DEMO_DIR := work_dirs/digits_demo

.PHONY: install demo demo-ssl demo-det demo-seg test clean

install: $(VENV)/.installed

$(VENV)/.installed: setup.py requirements/runtime.txt requirements/tests.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e '.[test,dali]'
	touch $@

demo: install
	$(PY) tools/prepare_demo_data.py --out data/digits
	$(PY) tools/train.py configs/classification/digits/resnet18_digits.py --work_dir $(DEMO_DIR)
	$(PY) tools/predict.py $(DEMO_DIR)/latest.pth --list data/digits/val.txt --limit 8

# MoCo v2 on the same digits (about 13 minutes on 2 CPU cores); prints kNN before -> after.
demo-ssl: install
	$(PY) tools/prepare_demo_data.py --out data/digits
	$(PY) tools/train.py configs/ssl/demo/mocov2_digits.py --work_dir work_dirs/mocov2_digits

# YOLOX-nano on the coloured shapes (10-16 minutes on 2 CPU cores); prints COCO mAP50 before
# -> after and draws predictions on a few val images (PNG files in the work dir's predictions/).
DET_DIR := work_dirs/yolox_nano_shapes
DET_IMAGES := $(addprefix data/shapes/val/images/,val_00000.jpg val_00001.jpg val_00002.jpg val_00003.jpg)
demo-det: install
	$(PY) tools/make_shapes_dataset.py --out data/shapes
	$(PY) tools/train.py configs/detection/demo/yolox_nano_shapes.py --work_dir $(DET_DIR)
	$(PY) tools/predict.py $(DET_DIR)/latest.pth $(DET_IMAGES) --out-dir $(DET_DIR)/predictions

# LR-ASPP-MobileNetV3 on the coloured-shapes masks (2 CPU cores); prints mIoU before -> after
# and writes colour overlays of six validation images to $(SEG_DIR)/overlays.
SEG_DIR := work_dirs/lraspp_mnv3_shapes
SEG_VAL := $(foreach i,0 1 2 3 4 5,data/shapes/val/images/val_0000$(i).jpg)
demo-seg: install
	$(PY) tools/make_shapes_dataset.py --out data/shapes
	$(PY) tools/train.py configs/segmentation/demo/lraspp_mnv3_shapes.py --work_dir $(SEG_DIR)
	$(PY) tools/predict.py $(SEG_DIR)/latest.pth $(SEG_VAL) --out-dir $(SEG_DIR)/overlays

test: install
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) work_dirs data/digits data/shapes
