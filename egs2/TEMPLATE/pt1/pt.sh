#!/usr/bin/env bash
# Shared audio-visual pre-training stages (paper section 3.1: MAE, CLR, MAE+CLR). Run it from a recipe
# directory (egs2/<corpus>/pt1/) through its run.sh.
#
#   Stage 1: data preparation: local/data.sh of the recipe writes data/<set>; each set is validated
#   Stage 2: 80-dim Kaldi fbank of every set (the audio track of the clips) -> ${dumpdir}/fbank/<set>
#   Stage 3: video of every set (re-timed to --video_fps, resized) -> ${dumpdir}/video/<set>: the compressed
#            clip store (short-GOP H.264 of the first 10 s; --video_format npy: raw uint8 frames)
#   Stage 4: global CMVN statistics of the training set and the shape files of the clips that have both
#            modalities -> ${expdir}/pt_stats_fbank/{train,valid}/
#   Stage 5: espnet2 training of the AV pre-training model (python -m mmpt.bin.av_pretrain_train)
#   Stage 6: pack the audio encoder -> <pt_exp>/packed (the format the ST and ASR recipes read), its
#            batch-norm statistics re-estimated on unmasked training audio (--pt_recompute_bn)
#
# Every stage is resumable: running it again skips the work that is already done.
#
# Audio alone (--audio_only true, MAE only): data/<set> needs no video.scp, stage 3 is skipped and the
# model trains on the fbank alone (the video encoder and the decoder's video parts stay frozen).
# Continued pre-training (--init_exp <pre-training experiment or its full pack>): every module starts from
# that model, and its feature statistics are kept (not this recipe's): e.g. the domain control of the
# mid-training, MAE continued on the MuST-C audio (egs2/must_c/pt1).
set -euo pipefail

. "$(dirname "$0")/scripts/utils/options.sh"
stage_script_setup "egs2/<corpus>/pt1/"

# General options (stage, stop_stage, nj, cmd_backend, dumpdir, expdir, ngpu, num_nodes) and the data sets
# (local_data_opts, train_set, valid_set): scripts/utils/options.sh. Features go to ${dumpdir}/fbank/<set>
# and ${dumpdir}/video/<set>.
general_option_defaults

# Features
fbank_conf=conf/fbank.yaml   # fbank options (YAML)
video_fps=25            # frame rate of the dumped clips (the preprocessor reads it too)
video_size=             # dumped frame size: N (shorter side, aspect kept) or HxW; default: the config's
                        # video_encoder_conf.image_size as the shorter side
video_format=h264       # h264: the compressed clip store, windows decoded on the fly | npy: raw uint8 frames
video_dump_opts=        # more options of python -m mmpt.bin.dump_video (e.g. "--crf 20 --max_seconds 10")

# Training
pt_method=mae           # mae | clr | mae_clr (paper Eq. 1, Eq. 2-3, Eq. 4): the objective the config names
                        # (a registered class of mmpt.tasks.av_pretrain objective_choices)
conf_scale=cpu          # cpu | paper: the config is conf/<conf_scale>/<pt_method>.yaml
pt_config=              # training config (default: conf/<conf_scale>/<pt_method>.yaml)
pt_tag=                 # experiment name suffix (default: <conf_scale>; with --pt_config: the config's file
                        # name, or its directory's for conf/<scale>/<pt_method>.yaml)
pt_exp=                 # experiment directory (default: ${expdir}/pt_<pt_method>_<pt_tag>)
pt_args=                # more espnet2 training options, e.g. "--max_epoch 50 --use_amp true"
audio_only=false        # true: no video (no stage 3, no video.scp needed); --pt_method mae only
init_exp=               # continue the pre-training of this experiment (or full pack): all its weights,
                        # its feature statistics; the architecture of --pt_config must be its own
num_workers=            # DataLoader workers (default: the config's num_workers)

# Packing
pt_model=valid.loss.ave.pth   # model file of the experiment to pack (falls back to the best one present)
pack_encoder_only=false # true: the pack keeps only the encoder.* and normalize.* tensors
pt_recompute_bn=true    # re-estimate the encoder's batch-norm statistics on unmasked training audio
                        # (the masked pre-training polluted them with mask tokens; mmpt.asr.bn_stats)
pt_bn_utts=200          # training utterances used for it (spread over the set)

help_message=$(cat <<EOF
Usage: $0 --train_set <set> --valid_set <set> [options]

Stages:
  1: data preparation (local/data.sh), then validation of data/<set>
  2: fbank features of every set -> <dumpdir>/fbank/<set>/feats.scp
  3: video of every set -> <dumpdir>/video/<set>/video.scp: one short-GOP H.264 .mp4 per clip (first 10 s),
     or with --video_format npy one uint8 .npy [T, H, W, 3]; unusable clips listed in excluded.txt
  4: CMVN statistics -> <expdir>/pt_stats_fbank/train/feats_stats.npz; shape files of the clips with
     both modalities -> <expdir>/pt_stats_fbank/{train,valid}/{speech_shape,video_shape}
  5: pre-training (python -m mmpt.bin.av_pretrain_train) -> <pt_exp>
  6: pack the audio encoder -> <pt_exp>/packed (batch-norm statistics re-estimated on unmasked
     training audio with --pt_recompute_bn true)

Options:
$(general_options_help)
  --fbank_conf      fbank configuration (default: ${fbank_conf})
  --video_fps       frame rate of the dumped clips (default: ${video_fps})
  --video_size      dumped frame size, N or HxW (default: the config's image_size, shorter side)
  --video_format    h264 (compressed store) or npy (raw frames) (default: ${video_format})
  --video_dump_opts more options of python -m mmpt.bin.dump_video (default: "${video_dump_opts}")
  --pt_method       the pre-training objective: mae, clr, mae_clr or any other registered one with a
                    config conf/<conf_scale>/<pt_method>.yaml (default: ${pt_method})
  --conf_scale      cpu or paper (default: ${conf_scale})
  --pt_config       training config (default: conf/<conf_scale>/<pt_method>.yaml)
  --pt_tag          experiment name suffix (default: <conf_scale>; with --pt_config: its file name, or
                    its directory's name for conf/<dir>/<pt_method>.yaml)
  --pt_exp          experiment directory (default: <expdir>/pt_<pt_method>_<pt_tag>)
  --pt_args         more espnet2 training options (default: "${pt_args}")
  --num_workers     DataLoader workers (default: the config's)
  --audio_only      true: audio alone, no video (default: ${audio_only}); MAE only
  --init_exp        pre-training experiment directory (or a pack with the full model) whose model starts
                    the training and whose feature statistics are used (default: none)
  --pt_model        model file to pack (default: ${pt_model})
  --pack_encoder_only  true: pack only the encoder and normalisation tensors (default: ${pack_encoder_only})
  --pt_recompute_bn true: re-estimate the packed encoder's batch-norm statistics on unmasked utterances
                    of the training fbank (default: ${pt_recompute_bn})
  --pt_bn_utts      training utterances used for it (default: ${pt_bn_utts})
EOF
)

parse_stage_options "$@"

require_sets train_set valid_set
case "${pt_recompute_bn}" in
    true|false) ;;
    *) log "Error: --pt_recompute_bn must be true or false, got '${pt_recompute_bn}'"; exit 2 ;;
esac
if ! [[ "${pt_bn_utts}" =~ ^[0-9]+$ ]] || [ "${pt_bn_utts}" -eq 0 ]; then
    log "Error: --pt_bn_utts must be a positive integer, got '${pt_bn_utts}'"
    exit 2
fi
case "${audio_only}" in
    true) [ "${pt_method}" = mae ] || { log "Error: --audio_only true needs --pt_method mae (CLR pairs audio with video)"; exit 2; } ;;
    false) ;;
    *) log "Error: --audio_only must be true or false, got '${audio_only}'"; exit 2 ;;
esac
case "${conf_scale}" in
    cpu|paper) ;;
    *) log "Error: --conf_scale must be cpu or paper, got '${conf_scale}'"; exit 2 ;;
esac
# An objective is a registered class plus its config: without --pt_config, conf/<scale>/<pt_method>.yaml.
if ! [[ "${pt_method}" =~ ^[a-z0-9_]+$ ]] || { [ -z "${pt_config}" ] && [ ! -f "conf/${conf_scale}/${pt_method}.yaml" ]; }; then
    known=$(cd "conf/${conf_scale}" 2>/dev/null && ls -- *.yaml 2>/dev/null | sed 's/\.yaml$//' | paste -sd' ' -) || true
    log "Error: --pt_method must name an objective with a config conf/${conf_scale}/<pt_method>.yaml" \
        "(here: ${known:-none}), got '${pt_method}'"
    exit 2
fi
if ! [[ "${video_fps}" =~ ^[0-9]+([.][0-9]+)?$ ]] || [ "${video_fps}" = 0 ]; then
    log "Error: --video_fps must be a positive number, got '${video_fps}'"
    exit 2
fi
case "${video_format}" in
    h264) video_type=video_clip ;;
    npy) video_type=npy ;;
    *) log "Error: --video_format must be h264 or npy, got '${video_format}'"; exit 2 ;;
esac
if [ -n "${num_workers}" ] && ! [[ "${num_workers}" =~ ^[0-9]+$ ]]; then
    log "Error: --num_workers must be a non-negative integer, got '${num_workers}'"
    exit 2
fi

# The training and validation sets, each once.
collect_sets train_set valid_set

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
log "Training config: ${pt_config} (--conf_scale ${conf_scale})"

# config_info: "<objective> <video_encoder_conf.image_size>" of ${pt_config} (objective, or its older name
# model_conf.pt_method), checked against --pt_method (a config of another method would silently train
# something else).
config_info() {
    require_file "${pt_config}" "give an existing --pt_config (or --conf_scale cpu|paper)"
    local info
    if ! info=$(python -m mmpt.bin.pt_config info "${pt_config}"); then
        log "Error: cannot read ${pt_config}"
        exit 1
    fi
    read -r config_method config_image_size <<< "${info}"
    if [ "${config_method}" != "${pt_method}" ]; then
        log "Error: ${pt_config} trains the objective ${config_method}, not --pt_method ${pt_method};"
        log "  choose the matching --pt_method or another --pt_config"
        exit 2
    fi
}

# data_stamp SET: fingerprint of the dumps of SET (their .done markers change whenever they are redone).
data_stamp() {
    local f files=("${feats_dir}/$1/feats.scp" "${feats_dir}/$1/.done")
    [ "${audio_only}" = true ] || files+=("${video_dir}/$1/video.scp" "${video_dir}/$1/.done")
    for f in "${files[@]}"; do
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

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ] && [ "${audio_only}" = true ]; then
    log "Stage 3: skipped (--audio_only true: no video)"
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ] && [ "${audio_only}" = false ]; then
    check_sets
    if [ -z "${video_size}" ]; then
        config_info
        video_size=${config_image_size}
    fi
    for dset in "${all_sets[@]}"; do
        log "Stage 3: video of data/${dset} at ${video_fps} fps, size ${video_size}, ${video_format}" \
            "-> ${video_dir}/${dset} (nj=${nj}, ${cmd_backend})"
        # shellcheck disable=SC2086
        python -m mmpt.bin.dump_video "${job_opts[@]}" --fps "${video_fps}" --size "${video_size}" \
            --format "${video_format}" ${video_dump_opts} "data/${dset}" "${video_dir}/${dset}"
    done
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    stage_cmvn 4
    # espnet2's dataset reads every data file for every key of the shape file: the shapes list only the
    # clips present in both dumps (one dump may have excluded a clip the other kept).
    for split in train valid; do
        [ "${split}" = train ] && dset=${train_set} || dset=${valid_set}
        video_shape=${video_dir}/${dset}/video_shape
        [ "${audio_only}" = true ] && video_shape=
        for f in "${feats_dir}/${dset}/feats_shape" ${video_shape}; do
            require_file "${f}" "run stages 2 and 3 first"
        done
        log "Stage 4: shape files of ${dset} (clips with audio${video_shape:+ and video}) -> ${stats_dir}/${split}/"
        python -m mmpt.bin.av_shapes "${feats_dir}/${dset}/feats_shape" "${video_shape}" "${stats_dir}/${split}"
    done
fi

if [ "${stage}" -le 5 ] && [ "${stop_stage}" -ge 5 ]; then
    config_info
    require_file "${stats_dir}/train/feats_stats.npz" "run stage 4 first"
    names=(speech)
    [ "${audio_only}" = true ] || names+=(video)
    for split in train valid; do
        for name in "${names[@]}"; do
            require_file "${stats_dir}/${split}/${name}_shape" "run stage 4 first"
        done
    done
    stats_file=${stats_dir}/train/feats_stats.npz
    init_opts=()
    init_sum=
    if [ -n "${init_exp}" ]; then
        require_file "${init_exp}/config.yaml" "give a pre-training experiment directory (or full pack) as --init_exp"
        init_model=$(pick_model "${init_exp}" "${pt_model}")
        # The architecture must be --pt_config's, the fbank the recipe's; the statistics are the init's.
        if ! stats_file=$(python -m mmpt.bin.pt_config check_init "${init_exp}/config.yaml" "${init_model}" \
                "${pt_config}" "${fbank_conf}"); then
            log "Error: cannot continue the pre-training of ${init_exp} (reason above)"
            exit 1
        fi
        init_opts=(--init_param "${init_model}")
        init_sum=$(cat "${init_model}" "${stats_file}" | sha256)
        log "Stage 5: continuing ${init_model} (every module), with its feature statistics ${stats_file}"
    fi
    data_opts=()
    for split in train valid; do
        [ "${split}" = train ] && dset=${train_set} || dset=${valid_set}
        data_opts+=(--${split}_data_path_and_name_and_type "${feats_dir}/${dset}/feats.scp,speech,kaldi_ark"
                    --${split}_shape_file "${stats_dir}/${split}/speech_shape")
        if [ "${audio_only}" = false ]; then
            data_opts+=(--${split}_data_path_and_name_and_type "${video_dir}/${dset}/video.scp,video,${video_type}"
                        --${split}_shape_file "${stats_dir}/${split}/video_shape")
        fi
    done
    if [ "${audio_only}" = true ]; then
        # no video: the video parts would only see zero gradients (and weight decay); they stay as they are
        data_opts+=(--freeze_param video_encoder mae_decoder.in_proj.video mae_decoder.out_proj.video
                    mae_decoder.mask_token.video)
    fi
    mkdir -p "${pt_exp}"
    # The features travel with the model (the pack and the downstream recipes check them).
    cp "${fbank_conf}" "${pt_exp}/fbank.yaml"
    train_stamp=$({
        cat "${pt_config}" "${fbank_conf}" "${stats_file}"
        for name in "${names[@]}"; do cat "${stats_dir}"/{train,valid}/"${name}_shape"; done
        [ -z "${init_sum}" ] || echo "${init_sum}"
        data_stamp "${train_set}"
        data_stamp "${valid_set}"
    } | sha256)
    extra=()
    [ -n "${num_workers}" ] && extra+=(--num_workers "${num_workers}")
    log "Stage 5: ${pt_method} pre-training with ${pt_config} on ${train_set} (valid: ${valid_set})" \
        "$([ "${audio_only}" = true ] && echo "(audio alone) ")-> ${pt_exp}"
    # shellcheck disable=SC2086
    run_training 5 mmpt.bin.av_pretrain_train "${pt_exp}" "${train_stamp}" \
        --config "${pt_config}" \
        --output_dir "${pt_exp}" \
        --normalize global_mvn \
        --normalize_conf "stats_file=${stats_file}" \
        --preprocessor_conf "video_fps=${video_fps}" \
        "${data_opts[@]}" \
        "${init_opts[@]}" \
        "${extra[@]}" \
        ${pt_args}
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then
    require_file "${pt_exp}/config.yaml" "run stage 5 first"
    model_file=$(pick_model "${pt_exp}" "${pt_model}")
    pack_opts=()
    [ "${pack_encoder_only}" = true ] && pack_opts+=(--encoder_only)
    if [ "${pt_recompute_bn}" = true ]; then
        require_file "${feats_dir}/${train_set}/feats.scp" "run stage 2 first (or --pt_recompute_bn false)"
        pack_opts+=(--recompute_bn_stats "${feats_dir}/${train_set}/feats.scp" --bn_utts "${pt_bn_utts}")
        log "Stage 6: the batch-norm statistics are re-estimated on up to ${pt_bn_utts} unmasked utterances" \
            "of ${feats_dir}/${train_set}"
    fi
    log "Stage 6: packing the audio encoder of ${model_file} -> ${pt_exp}/packed"
    python -m mmpt.bin.pack_encoder --config "${pt_exp}/config.yaml" --model "${model_file}" \
        --fbank_conf "${fbank_conf}" --out "${pt_exp}/packed" "${pack_opts[@]}"
fi

log "Successfully finished. [elapsed=${SECONDS}s]"
