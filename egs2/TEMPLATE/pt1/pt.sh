#!/usr/bin/env bash
# Shared audio-visual pre-training stages (paper section 3.1: MAE, CLR, MAE+CLR). Run it from a recipe
# directory (egs2/<corpus>/pt1/) through its run.sh.
#
#   Stage 1: data preparation: local/data.sh of the recipe writes data/<set>; each set is validated
#   Stage 2: 80-dim Kaldi fbank of every set (the audio track of the clips) -> ${dumpdir}/fbank/<set>
#   Stage 3: video frames of every set (re-timed to --video_fps, resized) -> ${dumpdir}/video/<set>
#   Stage 4: global CMVN statistics of the training set and the shape files of the clips that have both
#            modalities -> ${expdir}/pt_stats_fbank/{train,valid}/
#   Stage 5: espnet2 training of the AV pre-training model (python -m mmpt.bin.av_pretrain_train)
#   Stage 6: pack the audio encoder -> <pt_exp>/packed (the format the ST and ASR recipes read)
#
# Every stage is resumable: running it again skips the work that is already done.
set -euo pipefail

if [ ! -f ./path.sh ] || [ ! -d ./scripts ]; then
    echo "$0: run me from a recipe directory (egs2/<corpus>/pt1/, holding path.sh and scripts/)" >&2
    exit 1
fi
. scripts/utils/log.sh
. ./cmd.sh

SECONDS=0

# General options
stage=1                 # first stage to run
stop_stage=10000        # last stage to run
nj=4                    # parallel jobs (processes, or Slurm jobs with cmd_backend=slurm)
cmd_backend=${cmd_backend}   # local | slurm (default from cmd.sh)
dumpdir=dump            # features go to ${dumpdir}/fbank/<set> and ${dumpdir}/video/<set>
expdir=exp              # experiments and statistics go here
ngpu=0                  # GPUs per node for training (0: CPU)
num_nodes=1             # nodes for training (> 1: inside a Slurm allocation, one srun task per node)

# Data preparation
local_data_opts=        # options passed to local/data.sh
train_set=              # name of the training data directory (data/<train_set>)
valid_set=              # name of the validation data directory

# Features
fbank_conf=conf/fbank.yaml   # fbank options (YAML)
video_fps=25            # frame rate of the dumped clips (the preprocessor reads it too)
video_size=             # dumped frame size: N (shorter side, aspect kept) or HxW; default: the config's
                        # video_encoder_conf.image_size as the shorter side
video_dump_opts=        # more options of python -m mmpt.bin.dump_video

# Training
pt_method=mae           # mae | clr | mae_clr (paper Eq. 1, Eq. 2-3, Eq. 4)
conf_scale=cpu          # cpu | paper: the config is conf/<conf_scale>/<pt_method>.yaml
pt_config=              # training config (default: conf/<conf_scale>/<pt_method>.yaml)
pt_tag=                 # experiment name suffix (default: <conf_scale>; with --pt_config: the config's file
                        # name, or its directory's for conf/<scale>/<pt_method>.yaml)
pt_exp=                 # experiment directory (default: ${expdir}/pt_<pt_method>_<pt_tag>)
pt_args=                # more espnet2 training options, e.g. "--max_epoch 50 --use_amp true"
num_workers=            # DataLoader workers (default: the config's num_workers)

# Packing
pt_model=valid.loss.ave.pth   # model file of the experiment to pack (falls back to the best one present)
pack_encoder_only=false # true: the pack keeps only the encoder.* and normalize.* tensors

help_message=$(cat <<EOF
Usage: $0 --train_set <set> --valid_set <set> [options]

Stages:
  1: data preparation (local/data.sh), then validation of data/<set>
  2: fbank features of every set -> <dumpdir>/fbank/<set>/feats.scp
  3: video frames of every set -> <dumpdir>/video/<set>/video.scp (one uint8 .npy [T, H, W, 3] per clip)
  4: CMVN statistics -> <expdir>/pt_stats_fbank/train/feats_stats.npz; shape files of the clips with
     both modalities -> <expdir>/pt_stats_fbank/{train,valid}/{speech_shape,video_shape}
  5: pre-training (python -m mmpt.bin.av_pretrain_train) -> <pt_exp>
  6: pack the audio encoder -> <pt_exp>/packed

Options:
  --stage           first stage to run (default: ${stage})
  --stop_stage      last stage to run (default: ${stop_stage})
  --nj              number of parallel jobs (default: ${nj})
  --cmd_backend     local or slurm (default from cmd.sh: ${cmd_backend})
  --dumpdir         feature directory (default: ${dumpdir})
  --expdir          experiment directory (default: ${expdir})
  --ngpu            GPUs per node (default: ${ngpu}); > 1: one training process per GPU
  --num_nodes       training nodes (default: ${num_nodes}); > 1 needs a Slurm allocation
  --local_data_opts options for local/data.sh (default: "${local_data_opts}")
  --train_set       training set name (required)
  --valid_set       validation set name (required)
  --fbank_conf      fbank configuration (default: ${fbank_conf})
  --video_fps       frame rate of the dumped clips (default: ${video_fps})
  --video_size      dumped frame size, N or HxW (default: the config's image_size, shorter side)
  --video_dump_opts more options of python -m mmpt.bin.dump_video (default: "${video_dump_opts}")
  --pt_method       mae, clr or mae_clr (default: ${pt_method})
  --conf_scale      cpu or paper (default: ${conf_scale})
  --pt_config       training config (default: conf/<conf_scale>/<pt_method>.yaml)
  --pt_tag          experiment name suffix (default: <conf_scale>; with --pt_config: its file name, or
                    its directory's name for conf/<dir>/<pt_method>.yaml)
  --pt_exp          experiment directory (default: <expdir>/pt_<pt_method>_<pt_tag>)
  --pt_args         more espnet2 training options (default: "${pt_args}")
  --num_workers     DataLoader workers (default: the config's)
  --pt_model        model file to pack (default: ${pt_model})
  --pack_encoder_only  true: pack only the encoder and normalisation tensors (default: ${pack_encoder_only})
EOF
)

log "$0 $*"
# the command line RESULTS.md reports (mmpt.report.environment)
export MMPT_RUN_COMMAND="(cd $(pwd) && $0 $*)"
. scripts/utils/parse_options.sh

if [ $# -ne 0 ]; then
    log "Error: unexpected argument(s): $*"
    log "${help_message}"
    exit 2
fi

. ./path.sh
case "${cmd_backend}" in
    local|slurm) export cmd_backend ;;
    *) log "Error: --cmd_backend must be local or slurm, got '${cmd_backend}'"; exit 2 ;;
esac

[ -z "${train_set}" ] && { log "Error: --train_set is required"; exit 2; }
[ -z "${valid_set}" ] && { log "Error: --valid_set is required"; exit 2; }
for opt in train_set valid_set; do
    if [[ "${!opt}" =~ [[:space:]] ]]; then
        log "Error: --${opt} takes one set name, got '${!opt}'"
        exit 2
    fi
done
case "${pt_method}" in
    mae|clr|mae_clr) ;;
    *) log "Error: --pt_method must be mae, clr or mae_clr, got '${pt_method}'"; exit 2 ;;
esac
case "${conf_scale}" in
    cpu|paper) ;;
    *) log "Error: --conf_scale must be cpu or paper, got '${conf_scale}'"; exit 2 ;;
esac
if ! [[ "${video_fps}" =~ ^[0-9]+([.][0-9]+)?$ ]] || [ "${video_fps}" = 0 ]; then
    log "Error: --video_fps must be a positive number, got '${video_fps}'"
    exit 2
fi
if [ -n "${num_workers}" ] && ! [[ "${num_workers}" =~ ^[0-9]+$ ]]; then
    log "Error: --num_workers must be a non-negative integer, got '${num_workers}'"
    exit 2
fi

# The training and validation sets, each once.
all_sets=("${train_set}")
[ "${valid_set}" != "${train_set}" ] && all_sets+=("${valid_set}")

. scripts/utils/stages.sh

feats_dir=${dumpdir}/fbank
video_dir=${dumpdir}/video
stats_dir=${expdir}/pt_stats_fbank
if [ -z "${pt_config}" ]; then
    pt_config=conf/${conf_scale}/${pt_method}.yaml
    pt_tag=${pt_tag:-${conf_scale}}
elif [ -z "${pt_tag}" ]; then
    # conf/<scale>/<method>.yaml -> <scale>; any other config -> its file name
    pt_tag=$(basename "${pt_config}" .yaml)
    [ "${pt_tag}" = "${pt_method}" ] && pt_tag=$(basename "$(dirname "${pt_config}")")
fi
pt_exp=${pt_exp:-${expdir}/pt_${pt_method}_${pt_tag}}

# config_info: "<model_conf.pt_method> <video_encoder_conf.image_size>" of ${pt_config}, checked against
# --pt_method (a config of another method would silently train something else).
config_info() {
    require_file "${pt_config}" "give an existing --pt_config (or --conf_scale cpu|paper)"
    local info
    if ! info=$(python - "${pt_config}" <<'PY'
import sys
import yaml
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = yaml.safe_load(f) or {}
except (OSError, yaml.YAMLError) as exc:
    sys.exit(f"{sys.argv[1]}: not a readable yaml file ({exc})")
method = (cfg.get("model_conf") or {}).get("pt_method", "mae")
size = (cfg.get("video_encoder_conf") or {}).get("image_size", 224)
print(method, size)
PY
    ); then
        log "Error: cannot read ${pt_config}"
        exit 1
    fi
    read -r config_method config_image_size <<< "${info}"
    if [ "${config_method}" != "${pt_method}" ]; then
        log "Error: ${pt_config} trains model_conf.pt_method=${config_method}, not --pt_method ${pt_method};"
        log "  choose the matching --pt_method or another --pt_config"
        exit 2
    fi
}

# data_stamp SET: fingerprint of the dumps of SET (their .done markers change whenever they are redone).
data_stamp() {
    local f
    for f in "${feats_dir}/$1/feats.scp" "${feats_dir}/$1/.done" "${video_dir}/$1/video.scp" "${video_dir}/$1/.done"; do
        require_file "${f}" "run stages 2 and 3 first"
        cat "${f}"
    done
}

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ]; then
    stage_data_prep "${local_data_opts}"
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    # The audio is decoded from the clips' containers (wav.scp holds the mp4 paths).
    stage_fbank
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    check_sets
    if [ -z "${video_size}" ]; then
        config_info
        video_size=${config_image_size}
    fi
    for dset in "${all_sets[@]}"; do
        log "Stage 3: video of data/${dset} at ${video_fps} fps, size ${video_size} -> ${video_dir}/${dset}" \
            "(nj=${nj}, ${cmd_backend})"
        # shellcheck disable=SC2086
        python -m mmpt.bin.dump_video "${job_opts[@]}" --fps "${video_fps}" --size "${video_size}" \
            ${video_dump_opts} "data/${dset}" "${video_dir}/${dset}"
    done
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    scp=${feats_dir}/${train_set}/feats.scp
    stats=${stats_dir}/train/feats_stats.npz
    require_file "${scp}" "run stage 2 first"
    stamp=$({ cat "${scp}"; cat "${feats_dir}/${train_set}/.done" 2>/dev/null || true; } | sha256)
    if [ -f "${stats}" ] && [ "$(cat "${stats}.stamp" 2>/dev/null)" = "${stamp}" ]; then
        log "Stage 4: ${stats} is up to date"
    else
        log "Stage 4: global CMVN statistics of ${scp} -> ${stats}"
        rm -f "${stats}.stamp"
        python -m mmpt.bin.compute_cmvn --nj "${nj}" "${scp}" "${stats}"
        echo "${stamp}" > "${stats}.stamp"
    fi
    # espnet2's dataset reads every data file for every key of the shape file: the shapes list only the
    # clips present in both dumps (one dump may have excluded a clip the other kept).
    for split in train valid; do
        [ "${split}" = train ] && dset=${train_set} || dset=${valid_set}
        for f in "${feats_dir}/${dset}/feats_shape" "${video_dir}/${dset}/video_shape"; do
            require_file "${f}" "run stages 2 and 3 first"
        done
        log "Stage 4: shape files of ${dset} (clips with audio and video) -> ${stats_dir}/${split}/"
        python - "${feats_dir}/${dset}/feats_shape" "${video_dir}/${dset}/video_shape" "${stats_dir}/${split}" <<'PY'
import logging
import sys
from pathlib import Path

from mmpt.data.datadir import read_kv

logging.basicConfig(level=logging.INFO, format="%(levelname)s pt.sh: %(message)s")
speech_file, video_file, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
speech, video = read_kv(speech_file), read_kv(video_file)
both = sorted(set(speech) & set(video))
for name, table, other in (("speech", speech, video_file), ("video", video, speech_file)):
    alone = sorted(set(table) - set(both))
    if alone:
        logging.warning("%d clip(s) of %s are not in %s and are left out of training, e.g. %s",
                        len(alone), speech_file if name == "speech" else video_file, other, alone[0])
if not both:
    sys.exit(f"Error: {speech_file} and {video_file} have no utterance in common")
out.mkdir(parents=True, exist_ok=True)
written = []
for name, table in (("speech_shape", speech), ("video_shape", video)):
    content = "".join(f"{k} {table[k]}\n" for k in both)
    path = out / name
    if not path.is_file() or path.read_text(encoding="utf-8") != content:
        tmp = path.with_name(name + ".tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(path)
        written.append(name)
state = f"written: {' '.join(written)}" if written else "up to date"
print(f"{out}: {len(both)} clips with audio and video ({state})")
PY
    done
fi

if [ "${stage}" -le 5 ] && [ "${stop_stage}" -ge 5 ]; then
    config_info
    require_file "${stats_dir}/train/feats_stats.npz" "run stage 4 first"
    for split in train valid; do
        for f in speech_shape video_shape; do
            require_file "${stats_dir}/${split}/${f}" "run stage 4 first"
        done
    done
    mkdir -p "${pt_exp}"
    # The features travel with the model (the pack and the downstream recipes check them).
    cp "${fbank_conf}" "${pt_exp}/fbank.yaml"
    train_stamp=$({
        cat "${pt_config}" "${fbank_conf}" "${stats_dir}/train/feats_stats.npz"
        cat "${stats_dir}"/{train,valid}/{speech_shape,video_shape}
        data_stamp "${train_set}"
        data_stamp "${valid_set}"
    } | sha256)
    extra=()
    [ -n "${num_workers}" ] && extra+=(--num_workers "${num_workers}")
    log "Stage 5: ${pt_method} pre-training with ${pt_config} on ${train_set} (valid: ${valid_set}) -> ${pt_exp}"
    # shellcheck disable=SC2086
    run_training 5 mmpt.bin.av_pretrain_train "${pt_exp}" "${train_stamp}" \
        --config "${pt_config}" \
        --output_dir "${pt_exp}" \
        --normalize global_mvn \
        --normalize_conf "stats_file=${stats_dir}/train/feats_stats.npz" \
        --preprocessor_conf "video_fps=${video_fps}" \
        --train_data_path_and_name_and_type "${feats_dir}/${train_set}/feats.scp,speech,kaldi_ark" \
        --train_data_path_and_name_and_type "${video_dir}/${train_set}/video.scp,video,npy" \
        --train_shape_file "${stats_dir}/train/speech_shape" \
        --train_shape_file "${stats_dir}/train/video_shape" \
        --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/feats.scp,speech,kaldi_ark" \
        --valid_data_path_and_name_and_type "${video_dir}/${valid_set}/video.scp,video,npy" \
        --valid_shape_file "${stats_dir}/valid/speech_shape" \
        --valid_shape_file "${stats_dir}/valid/video_shape" \
        "${extra[@]}" \
        ${pt_args}
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then
    require_file "${pt_exp}/config.yaml" "run stage 5 first"
    model_file=$(pick_model "${pt_exp}" "${pt_model}")
    pack_opts=()
    [ "${pack_encoder_only}" = true ] && pack_opts+=(--encoder_only)
    log "Stage 6: packing the audio encoder of ${model_file} -> ${pt_exp}/packed"
    python -m mmpt.bin.pack_encoder --config "${pt_exp}/config.yaml" --model "${model_file}" \
        --fbank_conf "${fbank_conf}" --out "${pt_exp}/packed" "${pack_opts[@]}"
fi

log "Successfully finished. [elapsed=${SECONDS}s]"
