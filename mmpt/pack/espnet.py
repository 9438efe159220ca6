"""espnet2 models and trainings with mmpt's safe loading (:mod:`mmpt.pack.load`).

* :func:`build_model` stands in for espnet2's ``Task.build_model_from_file``, which unpickles the model
  file (``weights_only=False``) and loads it non-strictly: the model is built from its training config and
  the weights are loaded with ``weights_only=True`` and strict keys.
* :func:`install_training_shims` is called by mmpt's training entry points (``mmpt.bin.asr_train``,
  ``mmpt.bin.st_train``, ``mmpt.bin.av_pretrain_train``):

  - ``--init_param FILE:...`` (espnet2's ``load_pretrained_model``, ``weights_only=False``) reads FILE
    with :func:`mmpt.pack.load.load_state_dict`;
  - the trainer writes ``checkpoint.pth`` (and ``<N>epoch.pth``) atomically: a temporary file, then
    ``os.replace``. espnet2 calls ``torch.save`` on the final name, so a job killed while writing left a
    torn ``checkpoint.pth`` that ``--resume`` could not read; now the previous epoch's stays intact
    and the interrupted epoch is redone;
  - the loss curves (``images/*.png``) are drawn every ``MMPT_PLOT_INTERVAL`` epochs (default 10) and at
    the end of the training instead of after every epoch (:func:`interval_plot_reporter`).
"""
from __future__ import annotations

import argparse
import os
import types
from pathlib import Path
from typing import Any, Optional, Tuple, Union

import torch

from mmpt.denormals import flush_denormals
from mmpt.pack.load import ModelFileError, load_config, load_into, load_state_dict

PathLike = Union[str, Path]


def build_model(task: Any, config_path: PathLike, model_file: PathLike, device: str = "cpu") -> Tuple[Any, Any]:
    """(model, train args) of an espnet2 ``task`` (e.g. ``ASRTask``): ``task.build_model`` on the training
    config, then the weights of ``model_file`` loaded safely and strictly. Raises ModelFileError."""
    config = load_config(config_path)
    args = argparse.Namespace(**config)
    try:
        model = task.build_model(args)
    except Exception as exc:  # espnet2 raises many kinds for a config it cannot build
        raise ModelFileError(config_path, f"cannot build the {task.__name__} model of this config: "
                             f"{type(exc).__name__}: {exc}") from None
    state = load_state_dict(model_file)
    load_into(model, state, model_file, what=f"the {type(model).__name__} of {config_path}")
    model.to(device)
    return model, args


def load_model_weights(model: torch.nn.Module, model_file: PathLike, config_path: PathLike) -> None:
    """Load ``model_file`` safely and strictly into a model espnet2 built without weights."""
    state = load_state_dict(model_file)
    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    load_into(model, state, model_file, what=f"the {type(model).__name__} of {config_path}")
    model.to(device)


# ------------------------------------------------------------------------------------ training shims
class _SafeInitTorch(types.ModuleType):
    """``torch`` for espnet2's ``load_pretrained_model``: ``load`` is mmpt's safe state-dict loader."""

    def __init__(self) -> None:
        super().__init__("torch", "torch, with --init_param files read by mmpt.pack.load")

    def __getattr__(self, name: str) -> Any:
        return getattr(torch, name)

    @staticmethod
    def load(f: Any, map_location: Any = None, **kwargs: Any) -> Any:
        state = load_state_dict(f, what="--init_param model file")
        if map_location not in (None, "cpu"):
            state = {k: v.to(map_location) for k, v in state.items()}
        return state


def atomic_save(obj: Any, f: Any, *args: Any, **kwargs: Any) -> None:
    """``torch.save`` that never leaves a partly written file under the final name."""
    if not isinstance(f, (str, os.PathLike)):
        torch.save(obj, f, *args, **kwargs)
        return
    path = Path(f)
    tmp = path.with_name(f".{path.name}.tmp.{os.getpid()}")
    try:
        torch.save(obj, tmp, *args, **kwargs)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class _AtomicSaveTorch(types.ModuleType):
    """``torch`` for espnet2's trainer: ``save`` is :func:`atomic_save`."""

    def __init__(self) -> None:
        super().__init__("torch", "torch, with atomic torch.save")

    def __getattr__(self, name: str) -> Any:
        return getattr(torch, name)

    save = staticmethod(atomic_save)


def plot_interval() -> int:
    """Epochs between two drawings of espnet2's ``images/*.png`` (``MMPT_PLOT_INTERVAL``, default 10)."""
    value = os.environ.get("MMPT_PLOT_INTERVAL", "10")
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"MMPT_PLOT_INTERVAL must be a positive integer, got {value!r}")
    return int(value)


def interval_plot_reporter():
    """espnet2's ``Reporter`` whose per-epoch ``matplotlib_plot`` draws every :func:`plot_interval` epochs and
    at ``max_epoch`` only; :meth:`finish` draws the last epoch of a training that stopped early. Drawing the
    curves takes ~1 s an epoch, as long as an epoch of a small CTC head on cached encoder outputs."""
    from espnet2.train.reporter import Reporter

    class IntervalPlotReporter(Reporter):
        max_epoch = 0
        last: Optional["IntervalPlotReporter"] = None

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._plot_dir: Optional[Path] = None
            self._plotted = -1
            IntervalPlotReporter.last = self

        def matplotlib_plot(self, output_dir: Union[str, Path]) -> None:
            self._plot_dir = Path(output_dir)
            epoch = self.get_epoch()
            if epoch % plot_interval() == 0 or epoch >= self.max_epoch:
                super().matplotlib_plot(output_dir)
                self._plotted = epoch

        def finish(self) -> None:
            if self._plot_dir is not None and self._plotted != self.get_epoch():
                super().matplotlib_plot(self._plot_dir)
                self._plotted = self.get_epoch()

    return IntervalPlotReporter


def install_training_shims() -> None:
    """Safe ``--init_param`` loading, atomic checkpoints and curves drawn every few epochs in espnet2's
    training (idempotent)."""
    import espnet2.torch_utils.load_pretrained_model as lpm
    import espnet2.train.trainer as trainer

    if not isinstance(lpm.torch, _SafeInitTorch):
        lpm.torch = _SafeInitTorch()
    if not isinstance(trainer.torch, _AtomicSaveTorch):
        trainer.torch = _AtomicSaveTorch()
    if not hasattr(trainer.Reporter, "finish"):
        trainer.Reporter = interval_plot_reporter()


class SafeTrainingTask:
    """Mixin for espnet2 tasks (``class T(SafeTrainingTask, ASRTask)``): every training process, the
    ones espnet2 spawns per GPU included, runs with :func:`install_training_shims`."""

    @classmethod
    def main_worker(cls, args: argparse.Namespace) -> None:
        flush_denormals()  # a process espnet2 spawns per GPU starts here
        install_training_shims()
        import espnet2.train.trainer as trainer

        plot_interval()  # a bad MMPT_PLOT_INTERVAL fails here, not after the first epoch
        trainer.Reporter.max_epoch = int(getattr(args, "max_epoch", 0) or 0)
        trainer.Reporter.last = None
        super().main_worker(args)  # type: ignore[misc]
        if trainer.Reporter.last is not None:  # a training that stopped before max_epoch: its last curves
            trainer.Reporter.last.finish()
