"""Config files: _base_ inheritance, _delete_, --cfg-options."""
from easycv_like.apis.config import load_config


def test_base_inheritance_delete_and_cfg_options(tmp_path):
    (tmp_path / 'base.py').write_text(
        "optimizer = dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)\n"
        "model = dict(type='Classification', head=dict(num_classes=1000, in_channels=512))\n"
        "total_epochs = 100\n")
    (tmp_path / 'leaf.py').write_text(
        "_base_ = './base.py'\n"
        "optimizer = dict(_delete_=True, type='AdamW', lr=1e-3)\n"
        "model = dict(head=dict(num_classes=10))\n")
    cfg = load_config(str(tmp_path / 'leaf.py'),
                      {'total_epochs': 5, 'model.head.in_channels': 2048})
    assert cfg.optimizer == dict(type='AdamW', lr=1e-3)  # momentum etc. deleted
    assert cfg.model.head == dict(num_classes=10, in_channels=2048)  # merged, then overridden
    assert cfg.model.type == 'Classification'
    assert cfg.total_epochs == 5
