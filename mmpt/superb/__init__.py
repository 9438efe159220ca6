"""SUPERB with s3prl: the frozen mmpt encoder as s3prl upstream ``mmpt_upstream``.

* :mod:`~mmpt.superb.checkpoint` rebuild the audio encoder of any espnet2 checkpoint (safe loading)
* :mod:`~mmpt.superb.expert` ``UpstreamExpert``: waveforms -> hidden states at 640 samples per frame
* :mod:`~mmpt.superb.hubconf` the hub entry ``mmpt_upstream(ckpt, model_config=None, refresh=False)``
* :mod:`~mmpt.superb.compat` shims for the pinned stack (torchaudio >= 2.9 I/O, torch >= 2.6 loading)
* :mod:`~mmpt.superb.sox_effects` the sox effects s3prl's datasets apply, without libsox
* :mod:`~mmpt.superb.samplers` the DDP sampler wrapper s3prl's KS imports from catalyst
* :mod:`~mmpt.superb.libriphone` the PR (phone recognition) corpus the PyPI s3prl lacks
* :mod:`~mmpt.superb.launcher` ``mmpt-superb``: all of the above, then s3prl's ``run_downstream``
* ``configs/<downstream>/config.yaml`` SUPERB task configs for KS, IC, PR (``ctc``) and SD

Importing this package has no side effects (s3prl is not even imported); :func:`register` adds the
upstream to ``s3prl.hub``; :func:`mmpt.superb.launcher.install` does that and installs the shims.
"""
from __future__ import annotations

UPSTREAM_NAME = "mmpt_upstream"


def register() -> None:
    """Make ``s3prl.hub.mmpt_upstream`` available (what ``run_downstream -u mmpt_upstream`` looks up).

    The torchaudio shims go in first (only where this torchaudio lacks them): on torchaudio >= 2.9,
    ``import s3prl.hub`` itself fails without them (its byol_s upstream calls ``set_audio_backend`` and its
    mos_prediction upstream imports ``torchaudio.sox_effects`` at import).
    """
    from mmpt.superb.compat import install_torchaudio_shims

    install_torchaudio_shims()
    import s3prl.hub

    from mmpt.superb.hubconf import mmpt_upstream

    if getattr(s3prl.hub, UPSTREAM_NAME, None) is not mmpt_upstream:
        setattr(s3prl.hub, UPSTREAM_NAME, mmpt_upstream)


__all__ = ["UPSTREAM_NAME", "register"]
