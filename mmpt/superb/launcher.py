"""``mmpt-superb``: s3prl's ``run_downstream`` with ``mmpt_upstream`` registered and the stack shimmed.

    mmpt-superb -m train -u mmpt_upstream -k exp/pt/valid.loss.ave.pth -d speech_commands -p exp/superb/ks \\
        -o "config.downstream_expert.datarc.speech_commands_root=/data/speech_commands_v0.01,,..."
    mmpt-superb -m evaluate -e exp/superb/ks/dev-best.ckpt

Every option is s3prl's (``mmpt-superb --help``); on top of it, this launcher

1. registers ``mmpt_upstream`` on ``s3prl.hub`` and installs :mod:`mmpt.superb.compat`'s shims
   (:func:`install`; also done when :mod:`mmpt.bin.superb` is imported, so DataLoader workers started with
   ``spawn``, which re-import the main module, get them too);
2. gives ``-c`` a default for the tasks mmpt ships configs for (the PyPI s3prl has no ``config.yaml``):
   ``mmpt/superb/configs/<downstream>/config.yaml`` for ``speech_commands`` (KS), ``fluent_commands``
   (IC), ``ctc`` (PR) and ``diarization`` (SD); their data paths are placeholders, to be set with ``-o``
   or in a copy of the config;
3. adds ``--device cpu`` when no ``--device`` is given and CUDA is not available;
4. checks, once s3prl has read the config (and ``-o``), that the data paths of those four tasks exist,
   and fails naming the config key and the path instead of a traceback from inside a dataset.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from mmpt.data.errors import DataError

logger = logging.getLogger(__name__)

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
# s3prl downstream name -> SUPERB task
TASKS: Dict[str, str] = {"speech_commands": "KS", "fluent_commands": "IC", "ctc": "PR", "diarization": "SD"}

# what s3prl's diarization KaldiData reads from each data dir
SD_FILES = ("wav.scp", "reco2dur", "segments", "utt2spk", "spk2utt")


def install() -> None:
    """Register ``mmpt_upstream`` on ``s3prl.hub`` and install the shims this stack needs (idempotent)."""
    from mmpt.superb import compat, register

    register()  # torchaudio shims first, then s3prl.hub
    compat.trust_s3prl_checkpoints()
    compat.install_ctc_corpus()
    compat.install_catalyst_sampler()


def packaged_config(downstream: str) -> Optional[Path]:
    """mmpt's SUPERB config for an s3prl downstream, or None."""
    path = CONFIG_DIR / downstream / "config.yaml"
    return path if path.is_file() else None


def _option_value(argv: Sequence[str], *names: str) -> Optional[str]:
    """The value of the last ``-x V`` / ``--xx V`` / ``--xx=V`` among ``names`` in ``argv``."""
    value = None
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                value = argv[i + 1]
            elif name.startswith("--") and arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
                value = arg[len(name) :]  # -dspeech_commands
    return value


def prepare_argv(argv: Sequence[str], cuda_available: Optional[bool] = None) -> List[str]:
    """s3prl's command line with mmpt's defaults added (``-c`` for shipped tasks, ``--device cpu``)."""
    argv = list(argv)
    if any(a in ("-h", "--help") for a in argv):
        return argv
    # with -e the config comes from the checkpoint; with -a it does only when the expdir has checkpoints,
    # so -c is still needed there for a first run
    resuming = _option_value(argv, "-e", "--past_exp") is not None
    downstream = _option_value(argv, "-d", "--downstream")
    if downstream and _option_value(argv, "-c", "--config") is None and not resuming:
        config = packaged_config(downstream)
        if config is not None:
            logger.info("using mmpt's %s config %s", TASKS.get(downstream, downstream), config)
            argv += ["-c", str(config)]
    if _option_value(argv, "--device") is None:
        if cuda_available is None:
            import torch

            cuda_available = torch.cuda.is_available()
        if not cuda_available:
            logger.info("CUDA is not available: running s3prl with --device cpu")
            argv += ["--device", "cpu"]
    return argv


def _get(config: Mapping[str, Any], dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _require(config: Mapping[str, Any], key: str, kind: str, *children: str) -> List[Tuple[str, str]]:
    """Problems (config key, message) for a path in the config that does not exist."""
    value = _get(config, key)
    if value is None:
        return [(key, "not set")]
    values = value if isinstance(value, (list, tuple)) else [value]
    problems = []
    for v in values:
        path = Path(str(v))
        if kind == "dir" and not path.is_dir():
            problems.append((key, f"directory not found: {path}"))
        elif kind == "file" and not path.is_file():
            problems.append((key, f"file not found: {path}"))
        else:
            for child in children:
                if not (path / child).exists():
                    problems.append((key, f"{path / child} not found"))
    return problems


def data_path_problems(downstream: str, config: Mapping[str, Any]) -> List[Tuple[str, str]]:
    """(config key, problem) for every missing data path of a shipped SUPERB task; [] for other tasks."""
    expert = "downstream_expert"
    if downstream == "speech_commands":
        root = f"{expert}.datarc.speech_commands_root"
        return _require(config, root, "dir", "validation_list.txt", "testing_list.txt") + _require(
            config, f"{expert}.datarc.speech_commands_test_root", "dir"
        )
    if downstream == "fluent_commands":
        return _require(
            config,
            f"{expert}.datarc.file_path",
            "dir",
            "data/train_data.csv",
            "data/valid_data.csv",
            "data/test_data.csv",
        )
    if downstream == "ctc":
        problems = _require(config, f"{expert}.text.vocab_file", "file")
        corpus = _get(config, f"{expert}.corpus") or {}
        if str(corpus.get("name", "")).lower() == "libriphone":
            splits = [str(corpus.get(s)) for s in ("train", "dev", "test") if corpus.get(s)]
            problems += _require(config, f"{expert}.corpus.csv_dir", "dir", *splits)
            problems += _require(config, f"{expert}.corpus.lexicon", "file")
        return problems
    if downstream == "diarization":
        problems = []
        for split in ("train_dir", "dev_dir", "test_dir"):
            problems += _require(config, f"{expert}.loaderrc.{split}", "dir", *SD_FILES)
        return problems
    return []


def _checked(get_args: Callable[[], Tuple[Any, Dict[str, Any], List[str]]]) -> Callable:
    """Wrap s3prl's ``get_downstream_args`` with :func:`data_path_problems`."""

    def get_downstream_args():
        args, config, backup_files = get_args()
        if args.mode in ("train", "evaluate"):
            problems = data_path_problems(args.downstream, config)
            if problems:
                source = getattr(args, "config", None) or getattr(args, "init_ckpt", None) or "<config>"
                lines = "; ".join(f"config.{key}: {msg}" for key, msg in problems)
                raise DataError(
                    source,
                    f"{TASKS.get(args.downstream, args.downstream)} data not found: {lines} "
                    "(set them in the config or with -o \"config.<key>=<path>\")",
                )
        return args, config, backup_files

    get_downstream_args.__wrapped__ = get_args
    return get_downstream_args


HELP_PREAMBLE = """mmpt-superb: s3prl's run_downstream with the upstream `mmpt_upstream` (-u mmpt_upstream -k <espnet2
model.pth>, its config.yaml and fbank.yaml beside it, or -g <config.yaml>). Without -c, the SUPERB configs
shipped in {config_dir} are used for -d speech_commands (KS), fluent_commands (IC), ctc (PR),
diarization (SD); set their data paths with -o "config.downstream_expert....=<path>".
s3prl's options follow.
"""


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run s3prl's ``run_downstream.main`` on ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    install()
    from s3prl import run_downstream

    if any(a in ("-h", "--help") for a in argv):
        print(HELP_PREAMBLE.format(config_dir=CONFIG_DIR), flush=True)
    argv = prepare_argv(argv)
    original = getattr(run_downstream.get_downstream_args, "__wrapped__", run_downstream.get_downstream_args)
    run_downstream.get_downstream_args = _checked(original)
    saved = sys.argv
    sys.argv = ["mmpt-superb", *argv]
    try:
        run_downstream.main()
    except DataError as exc:
        logger.error("%s", exc)
        return 1
    except SystemExit as exc:  # argparse: --help, usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
        run_downstream.get_downstream_args = original
    return 0
