"""Feature extraction and dumps.

* :mod:`~mmpt.features.fbank` Kaldi fbank options (``conf/fbank.yaml``) and ``compute_fbank``
* :mod:`~mmpt.features.ark` Kaldi ark/scp I/O, the only user of ``kaldiio``
* :mod:`~mmpt.features.npy_scp` one ``.npy`` per item (video clips) behind an scp
* :mod:`~mmpt.features.cmvn` global CMVN statistics (ESPnet ``feats_stats.npz``)
* :mod:`~mmpt.features.jobs` N resumable jobs, local processes or Slurm (submitit)
* :mod:`~mmpt.features.dumpdir` the dump-dir mechanics shared by the two dumps
* :mod:`~mmpt.features.fbank_dump` ``dump_fbank`` and :mod:`~mmpt.features.video_dump` ``dump_video``
"""
