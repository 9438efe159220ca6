"""Audio-visual pre-training (paper section 3.1): the espnet2 model, MAE and CLR losses, data augmentation.

- :mod:`~mmpt.pretrain.mae_targets`: what the MAE reconstructs (stacked fbank frames, video tubelets)
- :mod:`~mmpt.pretrain.mae_loss`: Eq. 1
- :mod:`~mmpt.pretrain.clr_loss`: Eq. 2-3 (and the symmetric InfoNCE variant)
- :mod:`~mmpt.pretrain.objectives`: the objectives (MAE, CLR, MAE+CLR: Eq. 4) as registered classes
- :mod:`~mmpt.pretrain.av_model`: :class:`AVPretrainModel` (an ``AbsESPnetModel``: the networks and loss terms)
- :mod:`~mmpt.pretrain.av_preprocessor`: per-clip temporal sampling and augmentation in the data loader
"""
