"""The espnet2 ``AbsTask`` subclasses mmpt trains with.

* :mod:`~mmpt.tasks.asr` espnet2's ASR task with frozen modules in eval mode and the mmpt heads
* :mod:`~mmpt.tasks.st` espnet2's ST task with safe loading and atomic checkpoints
* :mod:`~mmpt.tasks.av_pretrain` audio-visual pre-training (what ESPnet itself lacks)
"""
