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
   and fails naming the config key and the path instead of a traceback from inside a dataset;
5. caps every ``num_workers`` of the downstream config at the number of CPUs this process may use;
6. checks, before training, that every loader the runner will use (the training split and the
   ``runner.eval_dataloaders``) yields at least one batch, and fails with the task, the number of items,
   the batch size and ``drop_last`` otherwise: s3prl's runner would loop forever over empty epochs;
7. answers ``--help`` without importing s3prl (s3prl's options are read from its source), in well under
   2 s instead of the ~12 s that importing ``s3prl.hub`` takes.
"""
from __future__ import annotations

import argparse
import ast
import importlib.util
import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from mmpt.data.errors import DataError
from mmpt.denormals import flush_denormals

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


def cpu_count() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def cap_num_workers(config: Dict[str, Any], limit: Optional[int] = None, where: str = "config") -> List[str]:
    """Lower every ``num_workers`` in ``config`` (nested, in place) to ``limit`` (default: :func:`cpu_count`).

    Returns:
        ``key: old -> new`` for every value changed.
    """
    limit = cpu_count() if limit is None else limit
    changed = []

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "num_workers" and isinstance(value, int) and value > limit:
                    node[key] = limit
                    changed.append(f"{prefix}{key}: {value} -> {limit}")
                else:
                    walk(value, f"{prefix}{key}.")

    walk(config, "")
    for line in changed:
        logger.info("%s: %s (the CPUs this process may use)", where, line)
    return changed


class EmptyLoaderError(DataError):
    """A loader that yields no batch: s3prl's runner would loop forever over empty epochs."""


def loader_facts(loader: Any) -> Tuple[Optional[int], Optional[int], Optional[bool], Optional[int]]:
    """(items, batch size, drop_last, batches) of a DataLoader; None where the loader does not tell."""
    items = None
    for source in (getattr(loader, "sampler", None), getattr(loader, "dataset", None)):
        try:
            items = len(source)
            break
        except TypeError:
            continue
    batch_sampler = getattr(loader, "batch_sampler", None)
    batch_size = getattr(loader, "batch_size", None)
    if batch_size is None:
        batch_size = getattr(batch_sampler, "batch_size", None)
    drop_last = getattr(loader, "drop_last", None)
    if drop_last is None or batch_sampler is not None and hasattr(batch_sampler, "drop_last"):
        drop_last = getattr(batch_sampler, "drop_last", drop_last)
    try:
        batches = len(loader)
    except TypeError:  # an IterableDataset without __len__
        batches = None
    return items, batch_size, drop_last, batches


def check_loaders(expert: Any, splits: Sequence[str], task: str, source: str = "<config>") -> Dict[str, int]:
    """Batches per split of a downstream expert's loaders; EmptyLoaderError when one yields none.

    Args:
        expert: s3prl's downstream expert (``get_dataloader(split)``).
        splits: the splits the runner will iterate (training split first).
        task: name for the message (``KS (speech_commands)``).
        source: the config, for the message.
    """
    counts = {}
    for split in splits:
        try:
            loader = expert.get_dataloader(split, epoch=0)
        except TypeError as exc:
            if "epoch" not in str(exc):
                raise
            loader = expert.get_dataloader(split)
        items, batch_size, drop_last, batches = loader_facts(loader)
        if batches is None:
            logger.info("%s %s loader: length unknown (iterable dataset), not checked", task, split)
            continue
        if batches == 0:
            raise EmptyLoaderError(
                source,
                f"{task}: the {split} loader yields no batch ({items} items, batch size {batch_size}, "
                f"drop_last={drop_last}); s3prl's runner would loop forever. Lower the batch size "
                f"(config.downstream_expert...batch_size with -o, or the recipe's --conf_scale cpu) or use "
                f"more data",
            )
        counts[split] = batches
        logger.info("%s %s loader: %s items, batch size %s, drop_last=%s: %d batches",
                    task, split, items, batch_size, drop_last, batches)
    return counts


def _checked_train(train: Callable) -> Callable:
    """Wrap s3prl's ``Runner.train`` with :func:`check_loaders` first."""

    def checked(runner: Any) -> Any:
        downstream = getattr(runner.args, "downstream", "?")
        task = f"{TASKS[downstream]} ({downstream})" if downstream in TASKS else str(downstream)
        source = getattr(runner.args, "config", None) or getattr(runner.args, "past_exp", None) or "<config>"
        splits = [runner.config["runner"].get("train_dataloader", "train")]
        splits += [s for s in runner.config["runner"].get("eval_dataloaders", []) or [] if s not in splits]
        check_loaders(runner.downstream.model, splits, task, source)
        return train(runner)

    checked.__wrapped__ = train
    return checked


def _checked(get_args: Callable[[], Tuple[Any, Dict[str, Any], List[str]]]) -> Callable:
    """Wrap s3prl's ``get_downstream_args`` with :func:`data_path_problems`."""

    def get_downstream_args():
        args, config, backup_files = get_args()
        source = getattr(args, "config", None) or getattr(args, "init_ckpt", None) or "<config>"
        cap_num_workers(config.get("downstream_expert", {}), where=f"{source}: downstream_expert")
        if args.mode in ("train", "evaluate"):
            problems = data_path_problems(args.downstream, config)
            if problems:
                lines = "; ".join(f"config.{key}: {msg}" for key, msg in problems)
                raise DataError(
                    source,
                    f"{TASKS.get(args.downstream, args.downstream)} data not found: {lines} "
                    "(set them in the config or with -o \"config.<key>=<path>\")",
                )
        return args, config, backup_files

    get_downstream_args.__wrapped__ = get_args
    return get_downstream_args


HELP_PREAMBLE = """mmpt-superb: s3prl's run_downstream with the upstreams `mmpt_upstream` / `mmpt_local`
(-u mmpt_upstream -k <espnet2 model.pth | pack dir | exp dir>, its config.yaml and fbank.yaml beside it, or
-g <config.yaml>).
Without -c, the SUPERB configs shipped in {config_dir} are used for -d speech_commands (KS), fluent_commands
(IC), ctc (PR), diarization (SD); set their data paths with -o "config.downstream_expert....=<path>".
s3prl's options follow.
"""


class _HubNames:
    """Stands for ``s3prl.hub`` in s3prl's argument parser: ``dir()`` gives the entry names."""

    def __init__(self, names: Sequence[str]):
        self._names = list(names)

    def __dir__(self) -> List[str]:
        return self._names


def _public_functions(path: Path) -> List[str]:
    """Top-level public function names of a Python file (what ``from <it> import *`` exports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in tree.body:  # an explicit __all__ wins
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            try:
                return [str(n) for n in ast.literal_eval(node.value)]
            except ValueError:
                break
    return [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]


def s3prl_parser() -> argparse.ArgumentParser:
    """s3prl's ``run_downstream`` argument parser, built from its source without importing s3prl.

    The statements of ``get_downstream_args`` up to ``parser.parse_args()`` run with ``argparse`` and a
    stand-in for ``s3prl.hub`` whose names come from the modules ``s3prl/hub.py`` star-imports.
    Raises whatever goes wrong (another s3prl layout): the caller falls back to importing s3prl.
    """
    spec = importlib.util.find_spec("s3prl")  # a top-level package: found, not imported
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("s3prl is not installed")
    root = Path(list(spec.submodule_search_locations)[0])
    source = root / "run_downstream.py"
    tree = ast.parse(source.read_text(encoding="utf-8"), str(source))
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "get_downstream_args")
    body = []
    for stmt in func.body:
        if "parse_args" in ast.unparse(stmt):
            break
        body.append(stmt)
    names = set(UPSTREAM_NAMES_FOR_HELP)
    for node in ast.parse((root / "hub.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("s3prl."):
            module_path = root.parent.joinpath(*node.module.split(".")).with_suffix(".py")
            star = any(a.name == "*" for a in node.names)
            names.update(_public_functions(module_path) if star else [a.asname or a.name for a in node.names])
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
    namespace: Dict[str, Any] = {"argparse": argparse, "hub": _HubNames(sorted(names))}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(source), "exec"), namespace)
    parser = namespace["parser"]
    parser.prog = "mmpt-superb"
    return parser


UPSTREAM_NAMES_FOR_HELP = ("mmpt_local", "mmpt_upstream")


def print_help() -> None:
    """mmpt's preamble and s3prl's options, without importing s3prl (falls back to importing it)."""
    print(HELP_PREAMBLE.format(config_dir=CONFIG_DIR), flush=True)
    try:
        parser = s3prl_parser()
    except Exception as exc:  # another s3prl version: its own --help, the slow way
        logger.debug("s3prl's parser from source failed (%s: %s); importing s3prl", type(exc).__name__, exc)
        install()
        from s3prl import run_downstream

        saved = sys.argv
        sys.argv = ["mmpt-superb", "--help"]
        try:
            run_downstream.get_downstream_args()
        except SystemExit:
            pass
        finally:
            sys.argv = saved
        return
    parser.print_help()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run s3prl's ``run_downstream.main`` on ``argv`` (default ``sys.argv[1:]``); returns the exit status."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a in ("-h", "--help") for a in argv):
        print_help()
        return 0
    flush_denormals()
    install()
    from s3prl import run_downstream
    from s3prl.downstream.runner import Runner

    argv = prepare_argv(argv)
    original = getattr(run_downstream.get_downstream_args, "__wrapped__", run_downstream.get_downstream_args)
    original_train = getattr(Runner.train, "__wrapped__", Runner.train)
    run_downstream.get_downstream_args = _checked(original)
    Runner.train = _checked_train(original_train)
    saved = sys.argv
    sys.argv = ["mmpt-superb", *argv]
    try:
        run_downstream.main()
    except DataError as exc:
        logger.error("%s", exc)
        return 1
    except SystemExit as exc:  # argparse: usage errors
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = saved
        run_downstream.get_downstream_args = original
        Runner.train = original_train
    return 0
