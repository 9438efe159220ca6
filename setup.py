"""mmpt: multi-stage multi-modal pre-training for ASR, as an ESPnet-style recipe toolkit."""
from setuptools import find_packages, setup

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
    package_data={"mmpt": ["conf/*.yaml", "**/*.yaml"]},
    install_requires=install_requires,
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
