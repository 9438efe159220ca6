"""What mmpt does in every Python process of an environment it is installed in (``mmpt-autoload.pth``).

Installing mmpt (``pip install .`` or the ``pip install -e`` of ``tools/install.sh``) puts
``mmpt-autoload.pth`` into site-packages; ``site`` runs its one line at interpreter start, which calls
:func:`install`. That adds an import hook (a ``sys.meta_path`` finder) and nothing else: importing this
module needs only the standard library, and the hook acts only when one of the modules of :data:`HOOKS` is
imported for the first time, so a process that never imports s3prl, espnet or torchaudio pays a dict lookup
per import. Because it comes from ``site``, it is there in every process: DataLoader workers (fork or
spawn), espnet2's multiprocessing launcher, ``torch.hub``, a plain ``python -c``.

What the hook does, once per process, when the module is imported:

* ``s3prl`` (before it runs): the torchaudio stand-ins s3prl 0.4.18 needs on torchaudio >= 2.9
  (:func:`mmpt.superb.compat.install_torchaudio_shims`; nothing where torchaudio has what s3prl uses);
* ``s3prl.hub`` (after it ran): the upstreams ``mmpt_upstream`` and ``mmpt_local`` on it
  (:func:`mmpt.superb.register`), so ``s3prl.hub.mmpt_local``, ``S3PRLUpstream("mmpt_local", path_or_url=...)``
  and espnet2's ``frontend: s3prl`` find them without any call;
* ``torchaudio`` (after it ran): filters for its known deprecation warnings (:data:`QUIET_WARNINGS`),
  which s3prl's datasets would otherwise repeat in every DataLoader worker of every epoch;
* ``espnet.nets.pytorch_backend.transformer.attention``: its "Failed to import Flash Attention" print
  goes to this module's logger (debug) instead of stdout;
* ``g2p_en.g2p`` (imported by s3prl.hub and espnet2 through ``espnet2.text.phoneme_tokenizer``): its
  nltk data downloads at import run quietly (their errors go to the debug log); they are skipped altogether
  with ``MMPT_NLTK_DOWNLOAD=0``, in which case g2p_en raises nltk's LookupError when first used without
  its data.

``MMPT_AUTOLOAD=0`` in the environment turns all of it off (the ``.pth`` line then does nothing).
"""
from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import io
import logging
import os
import sys
import warnings
from typing import Any, Callable, Dict, Optional, Sequence, Tuple

logger = logging.getLogger(__name__)

PTH_NAME = "mmpt-autoload.pth"
# One line, run by `site` at interpreter start: nothing when MMPT_AUTOLOAD=0 or mmpt is gone (uninstalled).
PTH_LINE = (
    "import os, importlib.util; os.environ.get('MMPT_AUTOLOAD', '1') != '0' "
    "and importlib.util.find_spec('mmpt') is not None and __import__('mmpt.autoload').autoload.install()\n"
)

# (message regex, category) of torchaudio 2.8 deprecation warnings that s3prl's code paths raise.
QUIET_WARNINGS: Tuple[Tuple[str, type], ...] = (
    (r"torchaudio\._backend\.set_audio_backend has been deprecated", UserWarning),
    (r"torchaudio\._backend\.get_audio_backend has been deprecated", UserWarning),
    (r"In 2\.9, this function's implementation will be changed to use torchaudio\.load_with_torchcodec", UserWarning),
    (r"torchaudio\.sox_effects\.sox_effects\.\w+ has been deprecated", UserWarning),
    (r"torchaudio\._backend\.\w+ has been deprecated", UserWarning),
    (r"torchaudio\.load_with_torchcodec", UserWarning),
    (r"StreamingMediaDecoder has been deprecated", UserWarning),
)


def _log_debug_output(name: str, text: str) -> None:
    text = text.strip()
    if text:
        logger.debug("%s printed at import: %s", name, text)


# ------------------------------------------------------------------------------------------------ actions
def _before_s3prl(module: Any) -> None:
    from mmpt.superb.compat import install_torchaudio_shims

    install_torchaudio_shims()


def _after_s3prl_hub(module: Any) -> None:
    from mmpt.superb import register

    register(module)


def quiet_torchaudio_warnings(module: Any = None) -> None:
    """Ignore :data:`QUIET_WARNINGS` in this process (idempotent)."""
    for message, category in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)


@contextlib.contextmanager
def _stdout_to_debug(name: str):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        yield
    _log_debug_output(name, buffer.getvalue())


@contextlib.contextmanager
def _quiet_nltk_download(name: str):
    """``nltk.download`` without its ``[nltk_data]`` error lines (or not at all: MMPT_NLTK_DOWNLOAD=0)."""
    try:
        import nltk
    except ImportError:
        yield
        return
    original = nltk.download
    skip = os.environ.get("MMPT_NLTK_DOWNLOAD", "1") == "0"

    def download(info_or_id: Any = None, *args: Any, **kwargs: Any) -> bool:
        if skip:
            logger.debug("%s: nltk download of %s skipped (MMPT_NLTK_DOWNLOAD=0)", name, info_or_id)
            return False
        errors = io.StringIO()
        kwargs.update(quiet=True, print_error_to=errors, raise_on_error=False)
        with contextlib.redirect_stdout(errors):
            ok = original(info_or_id, *args, **kwargs)
        if not ok:
            logger.debug("%s: nltk could not download %s: %s", name, info_or_id, " ".join(errors.getvalue().split()))
        return ok

    nltk.download = download
    try:
        yield
    finally:
        nltk.download = original


Action = Tuple[Optional[Callable[[Any], None]], Optional[Callable[[Any], None]], Optional[Callable[[str], Any]]]
# module -> (before its code runs, after it ran, context manager around it)
HOOKS: Dict[str, Action] = {
    "s3prl": (_before_s3prl, None, None),
    "s3prl.hub": (None, _after_s3prl_hub, None),
    "torchaudio": (None, quiet_torchaudio_warnings, None),
    "espnet.nets.pytorch_backend.transformer.attention": (None, None, _stdout_to_debug),
    "g2p_en.g2p": (None, None, _quiet_nltk_download),
}


def _safely(what: str, func: Callable[[Any], None], module: Any) -> None:
    """Run a hook action; a failure is logged, never raised into the user's import."""
    try:
        func(module)
    except Exception as exc:  # the import itself must go on
        logger.warning("mmpt autoload: %s of %s failed: %s: %s", what, module.__name__, type(exc).__name__, exc)


class _HookedLoader(importlib.abc.Loader):
    """The module's own loader, with the actions of :data:`HOOKS` around ``exec_module``."""

    def __init__(self, loader: importlib.abc.Loader, name: str):
        self._loader = loader
        self._name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: Any) -> None:
        # from here on the module carries its real loader (pkgutil, importlib.resources, reload)
        module.__loader__ = self._loader
        if getattr(module, "__spec__", None) is not None:
            module.__spec__.loader = self._loader
        before, after, around = HOOKS[self._name]
        if before is not None:
            _safely("preparing the import", before, module)
        with around(self._name) if around is not None else contextlib.nullcontext():
            self._loader.exec_module(module)
        if after is not None:
            _safely("completing the import", after, module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class AutoloadFinder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the loader the other finders return for a module of :data:`HOOKS`."""

    def find_spec(self, fullname: str, path: Optional[Sequence[str]] = None, target: Any = None):
        if fullname not in HOOKS:
            return None
        for finder in sys.meta_path:
            if finder is self or isinstance(finder, AutoloadFinder):
                continue
            find_spec = getattr(finder, "find_spec", None)
            if find_spec is None:
                continue
            spec = find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _HookedLoader(spec.loader, fullname)
                return spec
        return None


def installed() -> bool:
    """True when this process has the hook."""
    return any(isinstance(f, AutoloadFinder) for f in sys.meta_path)


def install() -> bool:
    """Add the import hook (idempotent); act at once for hooked modules this process already imported.

    Returns:
        True when the hook was added now, False when it was there already.
    """
    if installed():
        return False
    sys.meta_path.insert(0, AutoloadFinder())
    for name, (_, after, _) in HOOKS.items():
        module = sys.modules.get(name)
        if module is not None and after is not None:
            _safely("completing the import", after, module)
    return True


def write_pth(site_dir: str) -> str:
    """Write :data:`PTH_NAME` into ``site_dir`` (a site-packages directory); returns its path."""
    path = os.path.join(site_dir, PTH_NAME)
    with open(path, "w", encoding="utf-8") as f:
        f.write(PTH_LINE)
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m mmpt.autoload [--write-pth]``: say whether the hook is active; write the .pth file into
    this interpreter's site-packages with ``--write-pth`` (what ``setup.py`` does at install)."""
    import sysconfig

    argv = list(sys.argv[1:] if argv is None else argv)
    site_dir = sysconfig.get_paths()["purelib"]
    if "--write-pth" in argv:
        print(write_pth(site_dir))
    pth = os.path.join(site_dir, PTH_NAME)
    print(f"{pth}: {'present' if os.path.isfile(pth) else 'missing'}; hook active in this process: {installed()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
