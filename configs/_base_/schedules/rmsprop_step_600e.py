# torchvision's MobileNetV3 schedule: RMSprop (TensorFlow-like eps 0.0316, alpha 0.9, momentum
# 0.9), lr 0.064 for 1024 images a step, weight decay 1e-5 on every parameter, lr x 0.973 every
# 2 epochs, 600 epochs, no warm-up.
optimizer = dict(type='RMSprop', lr=0.064, alpha=0.9, eps=0.0316, momentum=0.9,
                 weight_decay=1e-5)
optimizer_config = dict(grad_clip=None, update_interval=1)
lr_config = dict(policy='step', step=2, gamma=0.973)
total_epochs = 600
