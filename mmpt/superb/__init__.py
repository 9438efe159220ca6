"""SUPERB with s3prl: the frozen mmpt encoder as s3prl upstream ``mmpt_upstream``.

* the audio encoder of the checkpoint is rebuilt by :mod:`mmpt.pack.encoder` (safe loading)
* :mod:`~mmpt.superb.expert` ``UpstreamExpert``: waveforms -> hidden states at 640 samples per frame
* :mod:`~mmpt.superb.hubconf` the hub entry ``mmpt_upstream(ckpt, model_config=None, refresh=False)``
* :mod:`~mmpt.superb.compat` shims for the pinned stack (torchaudio >= 2.9 I/O, torch >= 2.6 loading)
* :mod:`~mmpt.superb.sox_effects` the sox effects s3prl's datasets apply, without libsox
* :mod:`~mmpt.superb.samplers` the DDP sampler wrapper s3prl's KS imports from catalyst
* :mod:`~mmpt.superb.libriphone` the PR (phone recognition) corpus the PyPI s3prl lacks
* :mod:`~mmpt.superb.launcher` ``mmpt-superb``: all of the above, then s3prl's ``run_downstream``
* ``configs/<downstream>/config.yaml`` SUPERB task configs for KS, IC, PR (``ctc``) and SD

Importing this package has no side effects (s3prl is not even imported). An installed mmpt registers
``mmpt_upstream`` and ``mmpt_local`` on ``s3prl.hub`` when s3prl imports it (:mod:`mmpt.autoload`);
:func:`register` does it by hand; :func:`mmpt.superb.launcher.install` does that and installs the shims.
"""
from __future__ import annotations

from typing import Any

UPSTREAM_NAME = "mmpt_upstream"
# s3prl's convention for an entry that needs a local checkpoint (`path_or_url` / -k): the `_local` suffix,
# which `s3prl.hub.options(only_registered_ckpt=True)` leaves out
LOCAL_NAME = "mmpt_local"
UPSTREAM_NAMES = (UPSTREAM_NAME, LOCAL_NAME)


def register(hub: Any = None) -> None:
    """Put ``mmpt_upstream`` and ``mmpt_local`` on ``s3prl.hub`` (what ``-u`` / ``S3PRLUpstream`` look up).

    An installed mmpt does this by itself when ``s3prl.hub`` is imported (:mod:`mmpt.autoload`); calling it
    is needed only where that hook is off (``MMPT_AUTOLOAD=0``, or mmpt used from a source tree that was not
    installed). ``hub`` is the ``s3prl.hub`` module when the hook calls it while that module is being
    imported.

    The torchaudio shims go in first (only where this torchaudio lacks them): on torchaudio >= 2.9,
    ``import s3prl.hub`` itself fails without them (its byol_s upstream calls ``set_audio_backend`` and its
    mos_prediction upstream imports ``torchaudio.sox_effects`` at import).
    """
    if hub is None:
        from mmpt.superb.compat import install_torchaudio_shims

        install_torchaudio_shims()
        import s3prl.hub as hub

    from mmpt.superb import hubconf

    for name in UPSTREAM_NAMES:
        entry = getattr(hubconf, name)
        if getattr(hub, name, None) is not entry:
            setattr(hub, name, entry)


__all__ = ["LOCAL_NAME", "UPSTREAM_NAME", "UPSTREAM_NAMES", "register"]
