"""Audio-visual pre-training (MAE / CLR / MAE+CLR) with espnet2's trainer.

Single process (CPU or one GPU)::

    python -m mmpt.bin.av_pretrain_train --config conf/paper/mae.yaml --ngpu 1 \\
        --output_dir exp/pt_mae --normalize_conf stats_file=exp/pt_stats/train/feats_stats.npz \\
        --train_data_path_and_name_and_type dump/fbank/train/feats.scp,speech,kaldi_ark \\
        --train_data_path_and_name_and_type dump/video/train/video.scp,video,npy \\
        --train_shape_file exp/pt_stats/train/speech_shape \\
        --valid_data_path_and_name_and_type dump/fbank/valid/feats.scp,speech,kaldi_ark \\
        --valid_data_path_and_name_and_type dump/video/valid/video.scp,video,npy \\
        --valid_shape_file exp/pt_stats/valid/speech_shape

Several GPUs of one node: add ``--ngpu N --multiprocessing_distributed true`` (one process per GPU,
DDP). Through ``python -m espnet2.bin.launch --cmd <runner> --log <log> --ngpu N --num_nodes M -- <this
command>`` as ESPnet's recipes do: ``<runner>`` must be an executable (``shutil.which``) called as
``<runner> --gpu N <log> <command...>`` (Kaldi's ``run.pl`` interface) for one node, ``slurm.pl`` (srun)
or an mpirun-capable queue script for several; ``--host h1,h2`` runs over ssh instead.

Every option of espnet2's trainer works (``--resume``, ``--use_amp``, ``--keep_nbest_models``,
``--use_tensorboard``, ...); ``--print_config`` shows them all with the task's defaults. ``--resume true``
restarts from the last *finished* epoch (``checkpoint.pth`` is written at each epoch's end, atomically:
a run killed mid-epoch or while writing it redoes the interrupted epoch and ends with the same model).
"""
from __future__ import annotations

from typing import List, Optional

from mmpt.denormals import flush_denormals
from mmpt.tasks.av_pretrain import AVPretrainTask


def get_parser():
    """The argument parser (espnet2's, with the task's options)."""
    return AVPretrainTask.get_parser()


def main(cmd: Optional[List[str]] = None) -> None:
    """Parse ``cmd`` (default: sys.argv) and train."""
    flush_denormals()  # before torch starts its threads (mmpt.denormals)
    AVPretrainTask.main(cmd=cmd)


if __name__ == "__main__":
    main()
