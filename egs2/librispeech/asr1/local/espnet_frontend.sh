#!/usr/bin/env bash
# The ESPnet frontend route: ESPnet's own ASR (python -m espnet2.bin.asr_train, the plain espnet2 task, no
# mmpt task) trained on raw audio with the frozen mmpt encoder as its s3prl frontend (`frontend: s3prl`,
# `upstream: mmpt_local`), as ESPnet users put an SSL model under their own recipes. Run from
# egs2/librispeech/asr1:
#
#   local/espnet_frontend.sh --pretrained_encoder ../../lrs3/pt1/exp/pt_mae_cpu/packed
#
#   Stage 1: data preparation (local/data.sh, shared with run.sh) -> data/<set>, validated
#   Stage 2: raw-waveform dump of every set (ESPnet's feats_type raw) -> dump/raw/<set>
#   Stage 3: sentencepiece model + token list of the training text -> dump/raw/token_list/bpe_<mode><nbpe>
#   Stage 4: shape files (samples, tokens) of the training and validation sets -> exp/asr_stats_raw/
#   Stage 5: python -m espnet2.bin.asr_train --config <asr_config> with
#            --frontend_conf frontend_conf.path_or_url=<pack> -> exp/asr_<config>_<tokens>_<pack>
#   Stage 6: python -m espnet2.bin.asr_inference per test set -> <exp>/decode_<config>_<model>/<set>/text
#            (<config>: the inference config's name without its decode_ prefix)
#   Stage 7: WER scoring -> <exp>/decode_*/<set>/score_wer/result.txt and <exp>/RESULTS.md
#
# Nothing registers the upstream here: an installed mmpt puts mmpt_local on s3prl.hub in every process
# (mmpt-autoload.pth, mmpt/autoload.py). espnet2's trainer calls model.train() every epoch, frontend
# included; the mmpt upstream is built frozen, so its encoder stays in eval mode (no dropout, fixed
# batch-norm statistics) and freeze_param keeps its weights: the features are those of evaluation.
set -euo pipefail

. "$(dirname "$0")/../scripts/utils/options.sh"
stage_script_setup egs2/librispeech/asr1

stage=1
stop_stage=10000
nj=4
cmd_backend=${cmd_backend}
ngpu=0
num_nodes=1
local_data_opts=
train_set=train_clean_100
valid_set=dev_clean
test_sets="test_clean test_other"
dumpdir=dump
expdir=exp
nbpe=300
bpemode=unigram
pretrained_encoder=
asr_config=conf/tuning/train_asr_s3prl_frontend.yaml
asr_tag=
asr_exp=
asr_args=
inference_config=conf/tuning/decode_asr_s3prl_frontend.yaml
inference_model=valid.loss.ave.pth
inference_args=

help_message=$(cat <<EOF
Usage: $0 --pretrained_encoder <pack dir | espnet2 exp dir | model .pth> [options]

ESPnet's own ASR (espnet2.bin.asr_train) with the frozen mmpt encoder as its s3prl frontend.

Stages:
  1: data preparation (local/data.sh) -> data/<set>
  2: raw-waveform dump (python -m mmpt.bin.dump_raw) -> <dumpdir>/raw/<set>
  3: sentencepiece model + token list -> <dumpdir>/raw/token_list/bpe_<bpemode><nbpe>
  4: shape files (utt2num_samples, token counts) -> <expdir>/asr_stats_raw/{train,valid}
  5: training: python -m espnet2.bin.asr_train -> <asr_exp>
  6: decoding of the test sets: python -m espnet2.bin.asr_inference -> <asr_exp>/decode_*/<set>/text
  7: WER scoring -> <asr_exp>/RESULTS.md

Options:
  --stage, --stop_stage  stages to run (default: ${stage}, ${stop_stage})
  --nj                   parallel jobs of data preparation (default: ${nj})
  --ngpu                 GPUs per node for training and decoding (default: ${ngpu})
  --num_nodes            training nodes (default: ${num_nodes}); > 1 needs a Slurm allocation
  --local_data_opts      options for local/data.sh (default: "${local_data_opts}")
  --train_set, --valid_set, --test_sets   data sets (default: ${train_set}, ${valid_set}, "${test_sets}")
  --dumpdir, --expdir    where dumps and experiments go (default: ${dumpdir}, ${expdir})
  --nbpe, --bpemode      sentencepiece units (default: ${nbpe}, ${bpemode})
  --pretrained_encoder   the frozen encoder: path_or_url of the mmpt_local upstream (required from stage 5)
  --asr_config           espnet2 ASR config with frontend: s3prl (default: ${asr_config})
  --asr_tag, --asr_exp   experiment name / directory (default: <config>_<tokens>_<pretrained>)
  --asr_args             more espnet2.bin.asr_train options, e.g. "--max_epoch 5"
  --inference_config     espnet2.bin.asr_inference config (default: ${inference_config})
  --inference_model      model file of the experiment used for decoding (default: ${inference_model})
  --inference_args       more espnet2.bin.asr_inference options
EOF
)

parse_stage_options "$@"

collect_sets train_set valid_set test_sets
feats_dir=${dumpdir}/raw
stats_dir=${expdir}/asr_stats_raw
. scripts/utils/stages.sh

token_tag=bpe_${bpemode}${nbpe}
token_dir=${feats_dir}/token_list/${token_tag}
bpemodel=${token_dir}/bpe.model
token_list=${token_dir}/tokens.txt

if [ "${stop_stage}" -ge 5 ] && [ "${stage}" -le 7 ]; then
    if [ -z "${pretrained_encoder}" ]; then
        log "Error: --pretrained_encoder is required from stage 5 on (the upstream's path_or_url: a pack dir)"
        exit 2
    fi
    pretrained_name=$(pretrained_tag "${pretrained_encoder}")  # a clear error when it does not exist
    # absolute: the trained model's config.yaml rebuilds the frontend from it (decoding, mmpt-transcribe)
    pretrained_abs=$(cd "$(dirname "${pretrained_encoder}")" && pwd)/$(basename "${pretrained_encoder}")
    if [ -z "${asr_tag}" ]; then
        asr_tag=$(basename "${asr_config}" .yaml)_${token_tag}_${pretrained_name}
    fi
fi
asr_exp=${asr_exp:-${expdir}/asr_${asr_tag}}

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ]; then
    stage_data_prep "${local_data_opts}"
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    check_sets
    for dset in "${all_sets[@]}"; do
        log "Stage 2: raw waveforms of data/${dset} -> ${feats_dir}/${dset}"
        python -m mmpt.bin.dump_raw "data/${dset}" "${feats_dir}/${dset}"
    done
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    train_tokens 3 "${token_dir}" "${nbpe}" "${bpemode}" "${feats_dir}/${train_set}/text"
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    require_file "${bpemodel}" "run stage 3 first"
    pairs=()
    for split in train valid; do
        [ "${split}" = train ] && dset=${train_set} || dset=${valid_set}
        require_file "${feats_dir}/${dset}/utt2num_samples" "run stage 2 first"
        mkdir -p "${stats_dir}/${split}"
        cp "${feats_dir}/${dset}/utt2num_samples" "${stats_dir}/${split}/speech_shape"
        pairs+=(--pair "${feats_dir}/${dset}/text=${stats_dir}/${split}/text_shape.${token_tag}")
    done
    log "Stage 4: shape files of ${train_set} and ${valid_set} -> ${stats_dir}/{train,valid}"
    python -m mmpt.bin.tokens shapes --bpemodel "${bpemodel}" --token_list "${token_list}" "${pairs[@]}"
fi

if [ "${stage}" -le 5 ] && [ "${stop_stage}" -ge 5 ]; then
    require_file "${token_list}" "run stage 3 first"
    require_file "${stats_dir}/train/text_shape.${token_tag}" "run stage 4 first"
    require_file "${asr_config}" "give an existing --asr_config"
    mkdir -p "${asr_exp}"
    train_stamp=$({ pretrained_fingerprint "${pretrained_encoder}"; cat "${asr_config}" "${token_list}" \
        "${feats_dir}/${train_set}/wav.scp" "${feats_dir}/${valid_set}/wav.scp" \
        "${feats_dir}/${train_set}/text" "${feats_dir}/${valid_set}/text" ; } | sha256)
    # shellcheck disable=SC2086
    run_training 5 espnet2.bin.asr_train "${asr_exp}" "${train_stamp}" \
        --config "${asr_config}" \
        --frontend_conf "frontend_conf.path_or_url=${pretrained_abs}" \
        --output_dir "${asr_exp}" \
        --use_preprocessor true \
        --token_type bpe \
        --token_list "${token_list}" \
        --bpemodel "${bpemodel}" \
        --train_data_path_and_name_and_type "${feats_dir}/${train_set}/wav.scp,speech,sound" \
        --train_data_path_and_name_and_type "${feats_dir}/${train_set}/text,text,text" \
        --train_shape_file "${stats_dir}/train/speech_shape" \
        --train_shape_file "${stats_dir}/train/text_shape.${token_tag}" \
        --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/wav.scp,speech,sound" \
        --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/text,text,text" \
        --valid_shape_file "${stats_dir}/valid/speech_shape" \
        --valid_shape_file "${stats_dir}/valid/text_shape.${token_tag}" \
        ${asr_args}
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then
    require_file "${asr_exp}/config.yaml" "run stage 5 first"
    require_file "${inference_config}" "give an existing --inference_config"
    model_file=$(pick_model "${asr_exp}" "${inference_model}")
    decode_tag=$(basename "${inference_config}" .yaml)
    decode_dir=${asr_exp}/decode_${decode_tag#decode_}_$(basename "${model_file}" .pth)
    for dset in ${test_sets}; do
        require_file "${feats_dir}/${dset}/wav.scp" "run stage 2 first"
        out=${decode_dir}/${dset}
        log "Stage 6: decoding ${feats_dir}/${dset} with ${model_file} -> ${out}"
        mkdir -p "${out}"
        # shellcheck disable=SC2086
        if ! python -m espnet2.bin.asr_inference --config "${inference_config}" \
                --ngpu "$([ "${ngpu}" -gt 0 ] && echo 1 || echo 0)" \
                --asr_train_config "${asr_exp}/config.yaml" --asr_model_file "${model_file}" \
                --data_path_and_name_and_type "${feats_dir}/${dset}/wav.scp,speech,sound" \
                --output_dir "${out}/logdir" ${inference_args} > "${out}/decode.log" 2>&1; then
            log "Error: decoding failed; the last lines of ${out}/decode.log:"
            tail -n 30 "${out}/decode.log" >&2
            exit 1
        fi
        for f in text token score; do
            cp "${out}/logdir/1best_recog/${f}" "${out}/${f}"
        done
    done
fi

if [ "${stage}" -le 7 ] && [ "${stop_stage}" -ge 7 ]; then
    log "Stage 7: WER of ${test_sets} -> ${asr_exp}/RESULTS.md"
    python -m mmpt.bin.score --metric wer --exp_dir "${asr_exp}" --ref_dir "${feats_dir}" --sets "${test_sets}"
fi

log "Successfully finished. [elapsed=${SECONDS}s]"
