import numpy as np, cv2, glob
from easycv_like.predictors import SegmentationPredictor, DetectionPredictor
p = SegmentationPredictor('wd/seg/latest.pth')
print(p.classes, p.pipeline)
paths = sorted(glob.glob('data/shapes/val/images/*.jpg'))
imgs = [cv2.cvtColor(cv2.imread(x), cv2.COLOR_BGR2RGB) for x in paths]
print([i.shape for i in imgs])
ra = p.predict(paths, batch_size=8)
rb = [p.predict(x)[0] for x in paths]
for a, b, im in zip(ra, rb, imgs):
    assert a['seg_map'].shape == im.shape[:2], (a['seg_map'].shape, im.shape)
    print((a['seg_map'] != b['seg_map']).mean(), a['seg_map'].dtype)
try:
    DetectionPredictor('wd/seg/latest.pth')
except Exception as e: print(type(e).__name__, e)
