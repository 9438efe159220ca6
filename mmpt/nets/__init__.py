"""Neural building blocks of the audio-visual pre-training model.

- :mod:`~mmpt.nets.masking`: random MAE token masks over padded batches, gather/scatter of visible tokens
- :mod:`~mmpt.nets.positional`: fixed sin-cos positional embeddings over 1-D/3-D token grids
- :mod:`~mmpt.nets.transformer`: pre-norm ViT blocks (used by the video encoder and the MAE decoder)
- :mod:`~mmpt.nets.video_vit`: tubelet embedding + space-time positional embedding + ViT (video encoder)
- :mod:`~mmpt.nets.masked_conformer`: masked (visible-only or zero-masked) encoding through espnet2's
  ``ConformerEncoder`` without changing its parameters
- :mod:`~mmpt.nets.mae_decoder`: the MAE decoder shared by both modalities
- :mod:`~mmpt.nets.pooling`: masked mean pooling
"""
