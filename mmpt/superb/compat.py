"""Compatibility shims that let s3prl 0.4.18's runner and SUPERB datasets run on the pinned stack.

Each shim is installed only where the stack needs it, and says so in the log:

* torchaudio >= 2.9 removed ``torchaudio.sox_effects`` (KS reads files through it) and turned
  ``torchaudio.load`` (IC, PR) into an alias of ``load_with_torchcodec``, which needs the separate
  ``torchcodec`` package; it also removed ``set_audio_backend``, which ``run_downstream.main`` calls.
  -> :mod:`mmpt.superb.sox_effects`, a soundfile-based :func:`load` and a no-op ``set_audio_backend``.
  torchaudio 2.8 still has ``sox_effects`` but needs ``libsox.so`` at run time: when it cannot load, the
  same stand-in is used.
* torch >= 2.6 ``torch.load`` defaults to ``weights_only=True``, which refuses s3prl's own experiment
  checkpoints (``states-*.ckpt`` / ``dev-best.ckpt`` hold an ``argparse.Namespace`` and the config) when
  resuming (``-e``), evaluating (``-e``) or initialising (``-i``). -> inside ``s3prl.run_downstream`` and
  ``s3prl.downstream.runner`` only, ``torch`` is replaced by a proxy whose ``load`` goes through
  :func:`mmpt.pack.load.load_trusted_checkpoint`: still ``weights_only=True``, with exactly the extra
  types s3prl's runner stores allowed (``argparse.Namespace``). Any path can be given to ``-e``, so a
  file holding other pickled objects is refused (:class:`~mmpt.pack.load.ModelFileError`), never
  unpickled. The upstream checkpoint goes through :mod:`mmpt.pack.encoder` (plain state dicts).
* the PyPI s3prl lacks the ``s3prl.downstream.ctc.corpus`` package that PR's ``ctc`` downstream imports.
  -> :mod:`mmpt.superb.libriphone` registered as ``s3prl.downstream.ctc.corpus.libriphone``.
* KS's expert imports ``catalyst.data.sampler.DistributedSamplerWrapper``; the catalyst pip installs today
  (21.5) fails to import on Python >= 3.10. -> when catalyst does not import,
  :class:`mmpt.superb.samplers.DistributedSamplerWrapper` under that name.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import re
import sys
import types
import warnings
from typing import Any, BinaryIO, List, Optional, Tuple, Union

import numpy as np
import soundfile as sf
import torch

from mmpt.data.errors import AudioReadError

logger = logging.getLogger(__name__)

# modules of s3prl that torch.load only s3prl's own experiment checkpoints
S3PRL_CHECKPOINT_LOADERS = ("s3prl.run_downstream", "s3prl.downstream.runner")
CTC_CORPUS = "s3prl.downstream.ctc.corpus"
CATALYST_SAMPLER = "catalyst.data.sampler"


def version_tuple(version: str) -> Tuple[int, int]:
    """(major, minor) of a version string such as ``2.8.0+cu128``."""
    match = re.match(r"(\d+)\.(\d+)", version)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


# ---------------------------------------------------------------------------------------------- torchaudio
def sox_effects_usable() -> bool:
    """True when ``torchaudio.sox_effects`` imports and its libsox loads."""
    try:
        sox_effects = importlib.import_module("torchaudio.sox_effects")
    except ImportError:
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sox_effects.effect_names()
    except Exception:  # libsox missing: OSError / RuntimeError / ImportError depending on the version
        return False
    return True


def load_needs_shim() -> bool:
    """True when ``torchaudio.load`` is missing, or is torchaudio >= 2.9's torchcodec alias without torchcodec."""
    import torchaudio

    if getattr(torchaudio, "load", None) is None:
        return True
    if getattr(torchaudio.load, "__module__", "") == __name__:
        return False
    return version_tuple(torchaudio.__version__) >= (2, 9) and importlib.util.find_spec("torchcodec") is None


def load(
    uri: Union[str, "os.PathLike[str]", BinaryIO],
    frame_offset: int = 0,
    num_frames: int = -1,
    normalize: bool = True,
    channels_first: bool = True,
    format: Optional[str] = None,
    buffer_size: int = 4096,
    backend: Optional[str] = None,
) -> Tuple[torch.Tensor, int]:
    """``torchaudio.load`` with soundfile (wav, flac, ogg, ...).

    Returns:
        (waveform [C, T] (or [T, C]), sample rate): float32 in [-1, 1] with ``normalize``, else the
        file's integer samples (int16 / int32) where it has them.
    Raises:
        AudioReadError naming the file.
    """
    where = uri if isinstance(uri, (str, os.PathLike)) else "<file object>"
    stop = None if num_frames is None or num_frames < 0 else frame_offset + num_frames
    try:
        dtype = "float32"
        if not normalize:
            subtype = sf.info(uri).subtype if isinstance(uri, (str, os.PathLike)) else ""
            dtype = {"PCM_16": "int16", "PCM_24": "int32", "PCM_32": "int32"}.get(subtype, "float32")
        data, sample_rate = sf.read(uri, start=frame_offset, stop=stop, dtype=dtype, always_2d=True, format=format)
    except (sf.LibsndfileError, RuntimeError, OSError, TypeError) as exc:
        raise AudioReadError(where, f"cannot read audio: {exc}") from None
    wav = torch.from_numpy(np.ascontiguousarray(data.T if channels_first else data))
    return wav, int(sample_rate)


def _set_audio_backend(backend: Optional[str]) -> None:
    """No-op: torchaudio >= 2.9 has no backends to choose (``run_downstream.main`` still calls this)."""


def install_torchaudio_shims() -> List[str]:
    """Install whatever of ``sox_effects``, ``load``, ``set_audio_backend`` this torchaudio lacks.

    Returns:
        the names installed (empty when torchaudio has them all and they work).
    """
    import torchaudio

    import mmpt.superb.sox_effects as sox_effects  # not "from mmpt.superb import": the package imports this module

    installed = []
    if sys.modules.get("torchaudio.sox_effects") is not sox_effects and not sox_effects_usable():
        sys.modules["torchaudio.sox_effects"] = sox_effects
        torchaudio.sox_effects = sox_effects
        # a module that already did `from torchaudio.sox_effects import apply_effects_file`
        ks = sys.modules.get("s3prl.downstream.speech_commands.dataset")
        if ks is not None:
            ks.apply_effects_file = sox_effects.apply_effects_file
        installed.append("sox_effects")
    if load_needs_shim():
        torchaudio.load = load
        installed.append("load")
    if getattr(torchaudio, "set_audio_backend", None) is None:
        torchaudio.set_audio_backend = _set_audio_backend
        installed.append("set_audio_backend")
    if installed:
        logger.info(
            "torchaudio %s: using mmpt's stand-ins for torchaudio.%s", torchaudio.__version__, ", ".join(installed)
        )
    return installed


# -------------------------------------------------------------------------------------------- torch.load
class TrustedCheckpointTorch(types.ModuleType):
    """``torch`` as seen by s3prl's runner modules: the same module, except that ``load`` reads s3prl
    runner checkpoints with :func:`mmpt.pack.load.load_trusted_checkpoint` (``weights_only=True`` plus
    the allow-listed ``argparse.Namespace``) whatever ``weights_only`` the caller asks for."""

    def __init__(self) -> None:
        super().__init__("torch", "torch, with allow-listed weights_only loading of s3prl runner checkpoints")

    def __getattr__(self, name: str) -> Any:
        return getattr(torch, name)

    @staticmethod
    def load(f: Any, *args: Any, **kwargs: Any) -> Any:
        from mmpt.pack.load import load_trusted_checkpoint

        if not isinstance(f, (str, os.PathLike)):
            raise TypeError("s3prl checkpoints are loaded from a path")
        map_location = kwargs.get("map_location", args[0] if args else None)
        logger.info("loading s3prl runner checkpoint %s (weights_only=True, allow-list: argparse.Namespace)", f)
        state = load_trusted_checkpoint(f)
        if map_location not in (None, "cpu"):
            state = _to_device(state, map_location)
        return state


def _to_device(obj: Any, device: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: _to_device(v, device) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_device(v, device) for v in obj)
    return obj


def trust_s3prl_checkpoints(modules: Tuple[str, ...] = S3PRL_CHECKPOINT_LOADERS) -> bool:
    """Let s3prl's runner load its own checkpoints on torch >= 2.6, safely (allow-listed types only).
    Installed on every torch (older ones would unpickle anything by default). Returns True."""
    for name in modules:
        module = importlib.import_module(name)
        if not isinstance(module.torch, TrustedCheckpointTorch):
            module.torch = TrustedCheckpointTorch()
    return True


# -------------------------------------------------------------------------------------------- ctc corpus
def install_ctc_corpus() -> bool:
    """Provide ``s3prl.downstream.ctc.corpus.libriphone`` when the installed s3prl lacks it.

    Returns:
        True when mmpt's :mod:`~mmpt.superb.libriphone` was installed, False when s3prl has its own.
    """
    name = f"{CTC_CORPUS}.libriphone"
    module = sys.modules.get(name)
    if module is not None:
        return module.__name__ == "mmpt.superb.libriphone"
    try:
        importlib.import_module(name)
        return False
    except ImportError:
        pass
    import mmpt.superb.libriphone as libriphone  # not "from mmpt.superb import": the package imports this module

    ctc = importlib.import_module("s3prl.downstream.ctc")
    package = sys.modules.get(CTC_CORPUS)
    if package is None:
        package = types.ModuleType(CTC_CORPUS, "mmpt stand-in for s3prl's ctc corpus package")
        package.__path__ = []  # a package, so that `from .corpus.libriphone import ...` resolves
        sys.modules[CTC_CORPUS] = package
        ctc.corpus = package
    sys.modules[name] = libriphone
    package.libriphone = libriphone
    logger.info("s3prl lacks %s: using mmpt.superb.libriphone", name)
    return True


# ------------------------------------------------------------------------------------------------ catalyst
def install_catalyst_sampler() -> bool:
    """Provide ``catalyst.data.sampler.DistributedSamplerWrapper`` when catalyst does not import.

    Returns:
        True when mmpt's stand-in was installed, False when catalyst works (or the stand-in is there).
    """
    import mmpt.superb.samplers as samplers  # not "from mmpt.superb import": the package imports this module

    if getattr(sys.modules.get(CATALYST_SAMPLER), "DistributedSamplerWrapper", None) is not None:
        return False
    try:
        _ = importlib.import_module(CATALYST_SAMPLER).DistributedSamplerWrapper  # AttributeError when absent
        return False
    except Exception as exc:  # ImportError, or AttributeError from catalyst 21.5 on Python >= 3.10
        reason = f"{type(exc).__name__}: {exc}"
    for name in [m for m in sys.modules if m == "catalyst" or m.startswith("catalyst.")]:
        del sys.modules[name]  # what the failed import left half-initialised
    parents = {}
    for name in ("catalyst", "catalyst.data"):
        module = types.ModuleType(name, "mmpt stand-in: catalyst does not import here")
        module.__path__ = []
        sys.modules[name] = parents[name] = module
    sampler = types.ModuleType(CATALYST_SAMPLER, "mmpt stand-in: DistributedSamplerWrapper only")
    sampler.DistributedSamplerWrapper = samplers.DistributedSamplerWrapper
    sys.modules[CATALYST_SAMPLER] = sampler
    parents["catalyst"].data = parents["catalyst.data"]
    parents["catalyst.data"].sampler = sampler
    logger.info("catalyst does not import (%s): using mmpt.superb.samplers.DistributedSamplerWrapper", reason)
    return True
