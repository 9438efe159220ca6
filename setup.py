"""mmpt: multi-stage multi-modal pre-training for ASR, as an ESPnet-style recipe toolkit."""
import os
import sys

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.develop import develop

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mmpt.autoload import PTH_NAME, write_pth  # noqa: E402  (standard library only)


class BuildPyWithPth(build_py):
    """build_py that also puts ``mmpt-autoload.pth`` at the top of the wheel (site-packages), so that an
    installed mmpt registers its s3prl upstreams in every process (see mmpt/autoload.py)."""

    def run(self):
        super().run()
        if not self.dry_run:
            os.makedirs(self.build_lib, exist_ok=True)
            write_pth(self.build_lib)

    def get_outputs(self, *args, **kwargs):
        return [*super().get_outputs(*args, **kwargs), os.path.join(self.build_lib, PTH_NAME)]


class DevelopWithPth(develop):
    """``pip install -e`` (setup.py develop): the same ``mmpt-autoload.pth`` in the install directory."""

    def run(self):
        super().run()
        if not self.dry_run and not self.uninstall:
            write_pth(self.install_dir)


# The stack that is known to install and import together on Python 3.11.
# torch/torchaudio are pinned here but installed first by tools/install.sh, from
# $MMPT_TORCH_SPEC, so that a GPU machine can choose another build.
install_requires = [
    "torch==2.8.0",
    "torchaudio==2.8.0",
    "espnet==202511",
    "kaldiio>=2.18.0",
    "sentencepiece==0.2.0",
    "jiwer>=4.0",
    "sacrebleu>=2.3",
    "pyyaml>=6.0",
    "av>=12.0",
    "soundfile>=0.12",
    "scipy>=1.10",
    "numpy>=1.24",
    "submitit>=1.5",
    "tqdm>=4.60",
    "matplotlib>=3.7",
    "tensorboard>=2.14",
]
extras_require = {
    "superb": [
        "s3prl==0.4.18",
        "huggingface_hub<1",
        "transformers<5",
        "tensorboardX",
        "pandas",
        "joblib",
        "editdistance",
        "h5py",
        "pyannote.metrics>=3.2",
    ],
    "dev": ["pytest>=7"],
}

setup(
    name="mmpt",
    version="0.1.0",
    description="Multi-stage multi-modal pre-training for ASR (ESPnet-style recipes)",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["mmpt", "mmpt.*"]),
    # data files read through importlib.resources: the configs and the lexicon tables of the embedded corpus
    package_data={"mmpt": ["conf/*.yaml", "**/*.yaml", "synth/lexicon_data/*.txt"]},
    install_requires=install_requires,
    cmdclass={"build_py": BuildPyWithPth, "develop": DevelopWithPth},
    extras_require=extras_require,
    entry_points={
        "console_scripts": [
            "mmpt-datadir=mmpt.bin.datadir:main",
            "mmpt-dump-fbank=mmpt.bin.dump_fbank:main",
            "mmpt-dump-video=mmpt.bin.dump_video:main",
            "mmpt-cmvn=mmpt.bin.compute_cmvn:main",
            "mmpt-synth=mmpt.bin.synth:main",
            "mmpt-check-install=mmpt.bin.check_install:main",
            "mmpt-transcribe=mmpt.bin.transcribe:main",
            "mmpt-superb=mmpt.bin.superb:main",
        ]
    },
)
