#!/usr/bin/env bash
# Shared ASR recipe stages. Run it from a recipe directory (egs2/<corpus>/asr1/) through its run.sh.
#
#   Stage 1: data preparation: local/data.sh of the recipe writes data/<set>; each set is validated
#   Stage 2: 80-dim Kaldi fbank of every set -> ${dumpdir}/fbank/<set>/feats.scp (+ ark)
#   Stage 3: global CMVN statistics of the training set -> ${expdir}/asr_stats_fbank/train/feats_stats.npz
#   Stage 4: sentencepiece model and token list of the training text -> ${token_listdir}/bpe_<mode><nbpe>/
#   Stage 5: shape files (token counts) of the training and validation texts
#   Stage 6: espnet2 ASR training (CTC), the encoder optionally from a pre-trained pack and frozen
#   Stage 7: decoding of the test sets (CTC greedy and/or beam search, one decode config each)
#   Stage 8: scoring (WER with per-utterance alignments) -> <asr_exp>/RESULTS.md
#   Stage 9: pack the trained encoder -> <asr_exp>/packed (the format every stage exchanges)
#
# Every stage is resumable: running it again skips the work that is already done.
set -euo pipefail

if [ ! -f ./path.sh ] || [ ! -d ./scripts ]; then
    echo "$0: run me from a recipe directory (egs2/<corpus>/asr1/, holding path.sh and scripts/)" >&2
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
dumpdir=dump            # features go to ${dumpdir}/fbank/<set>
expdir=exp              # experiments and statistics go here
ngpu=0                  # GPUs per node for training and decoding (0: CPU)
num_nodes=1             # nodes for training (> 1: inside a Slurm allocation, one srun task per node)

# Data preparation
local_data_opts=        # options passed to local/data.sh
train_set=              # name of the training data directory (data/<train_set>)
valid_set=              # name of the validation data directory
test_sets=              # names of the evaluation data directories, space separated

# Features
feats_type=fbank        # the only kind so far: Kaldi fbank
fbank_conf=conf/fbank.yaml   # fbank options (YAML)

# Tokens
token_type=bpe          # sentencepiece units (the only kind so far)
nbpe=5000               # vocabulary size (a soft limit: a small corpus gets what it supports)
bpemode=unigram         # unigram | bpe
token_listdir=data/token_list   # token models go to ${token_listdir}/bpe_<bpemode><nbpe>/

# Training
asr_config=conf/train_asr_ctc_frozen.yaml   # espnet2 ASR training config (encoder, head, CTC, optimiser)
asr_tag=                # experiment name (default: <config name>_<tokens>[_<pretrained>])
asr_exp=                # experiment directory (default: ${expdir}/asr_${asr_tag})
asr_args=               # more espnet2 training options, e.g. "--max_epoch 50 --batch_bins 4000000"
pretrained_encoder=     # pack / espnet2 experiment dir / .pth whose encoder starts the training ("" = none)
freeze_encoder=true     # keep the encoder frozen (and in eval mode); false fine-tunes it too

# Decoding and scoring
inference_configs="conf/decode_asr_greedy.yaml"   # one decoding per config, space separated
inference_model=valid.loss.ave.pth   # model file of the experiment used for decoding
inference_args=         # more options of python -m mmpt.bin.decode, e.g. "--num_threads 1"

help_message=$(cat <<EOF
Usage: $0 --train_set <set> --valid_set <set> --test_sets "<set> <set>" [options]

Stages:
  1: data preparation (local/data.sh), then validation of data/<set>
  2: fbank features of every set -> <dumpdir>/fbank/<set>/feats.scp
  3: global CMVN statistics of the training set -> <expdir>/asr_stats_fbank/train/feats_stats.npz
  4: sentencepiece model + token list -> <token_listdir>/bpe_<bpemode><nbpe>/{bpe.model,tokens.txt}
  5: token-count shape files of the training and validation texts
  6: ASR training (python -m mmpt.bin.asr_train) -> <asr_exp>
  7: decoding of the test sets, one per inference config -> <asr_exp>/decode_<config>_<model>/<set>/text
  8: WER scoring -> <asr_exp>/decode_*/<set>/score_wer/result.txt and <asr_exp>/RESULTS.md
  9: pack the trained encoder -> <asr_exp>/packed

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
  --test_sets       evaluation set names, space separated (required)
  --feats_type      feature type (default: ${feats_type})
  --fbank_conf      fbank configuration (default: ${fbank_conf})
  --nbpe            sentencepiece vocabulary size (default: ${nbpe})
  --bpemode         unigram or bpe (default: ${bpemode})
  --token_listdir   where token models go (default: ${token_listdir})
  --asr_config      training config (default: ${asr_config})
  --asr_tag         experiment name (default: <config>_<tokens>[_<pretrained>])
  --asr_exp         experiment directory (default: <expdir>/asr_<asr_tag>)
  --asr_args        more espnet2 training options (default: "${asr_args}")
  --pretrained_encoder  encoder to start from: a pack (model.pth, config.yaml, feats_stats.npz,
                    fbank.yaml), an espnet2 ASR/ST experiment dir, or a .pth beside its config.yaml
  --freeze_encoder  true or false (default: ${freeze_encoder})
  --inference_configs  decoding configs, space separated (default: "${inference_configs}")
  --inference_model model file of the experiment to decode with (default: ${inference_model})
  --inference_args  more options of python -m mmpt.bin.decode (default: "${inference_args}")
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
[ -z "${test_sets}" ] && { log "Error: --test_sets is required"; exit 2; }
for opt in train_set valid_set; do
    if [[ "${!opt}" =~ [[:space:]] ]]; then
        log "Error: --${opt} takes one set name, got '${!opt}'"
        exit 2
    fi
done
if [ "${feats_type}" != fbank ]; then
    log "Error: --feats_type ${feats_type} is not supported (only fbank)"
    exit 2
fi
if [ "${token_type}" != bpe ]; then
    log "Error: --token_type ${token_type} is not supported (only bpe: sentencepiece)"
    exit 2
fi

# Every set, each once, in order: training, validation, evaluation.
all_sets=()
for dset in ${train_set} ${valid_set} ${test_sets}; do
    case " ${all_sets[*]:-} " in
        *" ${dset} "*) ;;
        *) all_sets+=("${dset}") ;;
    esac
done

. scripts/utils/stages.sh

feats_dir=${dumpdir}/${feats_type}
stats_dir=${expdir}/asr_stats_${feats_type}
token_tag=bpe_${bpemode}${nbpe}
token_dir=${token_listdir}/${token_tag}
bpemodel=${token_dir}/bpe.model
token_list=${token_dir}/tokens.txt
if [ -z "${asr_tag}" ]; then
    asr_tag=$(basename "${asr_config}" .yaml)_${token_tag}
    [ -n "${pretrained_encoder}" ] && asr_tag+=_$(pretrained_tag "${pretrained_encoder}")
fi
asr_exp=${asr_exp:-${expdir}/asr_${asr_tag}}

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ]; then
    stage_data_prep "${local_data_opts}"
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    stage_fbank
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    stage_cmvn
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    train_tokens 4 "${token_dir}" "${nbpe}" "${bpemode}" "${feats_dir}/${train_set}/text"
fi

if [ "${stage}" -le 5 ] && [ "${stop_stage}" -ge 5 ]; then
    require_file "${bpemodel}" "run stage 4 first"
    for split in train valid; do
        [ "${split}" = train ] && dset=${train_set} || dset=${valid_set}
        text=${feats_dir}/${dset}/text
        shape=${stats_dir}/${split}/text_shape.${token_tag}
        require_file "${text}" "run stage 2 first"
        stamp=$(cat "${bpemodel}" "${token_list}" "${text}" | sha256)
        if [ -f "${shape}" ] && [ "$(cat "${shape}.stamp" 2>/dev/null)" = "${stamp}" ]; then
            log "Stage 5: ${shape} is up to date"
            continue
        fi
        log "Stage 5: token counts of ${text} -> ${shape}"
        rm -f "${shape}.stamp"
        python -m mmpt.bin.tokens shapes --bpemodel "${bpemodel}" --token_list "${token_list}" \
            --pair "${text}=${shape}"
        echo "${stamp}" > "${shape}.stamp"
    done
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then
    require_file "${token_list}" "run stage 4 first"
    require_file "${stats_dir}/train/text_shape.${token_tag}" "run stage 5 first"
    require_file "${asr_config}" "give an existing --asr_config"
    mkdir -p "${asr_exp}"
    log "Stage 6: training config ${asr_exp}/train.yaml from ${asr_config}" \
        "(pretrained encoder: ${pretrained_encoder:-none}, frozen: ${freeze_encoder})"
    python -m mmpt.bin.make_train_config --base "${asr_config}" --out "${asr_exp}/train.yaml" \
        --pretrained_encoder "${pretrained_encoder}" --freeze_encoder "${freeze_encoder}" \
        --stats_file "${stats_dir}/train/feats_stats.npz" --fbank_conf "${fbank_conf}"
    # The features and units travel with the model (mmpt-transcribe reads them beside config.yaml).
    cp "${fbank_conf}" "${asr_exp}/fbank.yaml"
    cp "${bpemodel}" "${asr_exp}/bpe.model"
    pretrained_sum=$(pretrained_fingerprint "${pretrained_encoder}")
    train_stamp=$({ [ -z "${pretrained_sum}" ] || echo "${pretrained_sum}"; cat "${asr_exp}/train.yaml" "${token_list}" \
        "${feats_dir}/${train_set}/feats.scp" "${feats_dir}/${valid_set}/feats.scp" \
        "${feats_dir}/${train_set}/text" "${feats_dir}/${valid_set}/text" ; } | sha256)
    # shellcheck disable=SC2086
    run_training 6 mmpt.bin.asr_train "${asr_exp}" "${train_stamp}" \
        --config "${asr_exp}/train.yaml" \
        --output_dir "${asr_exp}" \
        --use_preprocessor true \
        --token_type "${token_type}" \
        --token_list "${token_list}" \
        --bpemodel "${bpemodel}" \
        --train_data_path_and_name_and_type "${feats_dir}/${train_set}/feats.scp,speech,kaldi_ark" \
        --train_data_path_and_name_and_type "${feats_dir}/${train_set}/text,text,text" \
        --train_shape_file "${feats_dir}/${train_set}/feats_shape" \
        --train_shape_file "${stats_dir}/train/text_shape.${token_tag}" \
        --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/feats.scp,speech,kaldi_ark" \
        --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/text,text,text" \
        --valid_shape_file "${feats_dir}/${valid_set}/feats_shape" \
        --valid_shape_file "${stats_dir}/valid/text_shape.${token_tag}" \
        ${asr_args}
fi

if [ "${stage}" -le 7 ] && [ "${stop_stage}" -ge 7 ]; then
    require_file "${asr_exp}/config.yaml" "run stage 6 first"
    model_file=$(pick_model "${asr_exp}" "${inference_model}")
    model_tag=$(basename "${model_file}" .pth)
    decode_args=()
    for conf in ${inference_configs}; do
        require_file "${conf}" "give existing --inference_configs"
        decode_args+=(--decode_config "${conf}")
    done
    for dset in ${test_sets}; do
        require_file "${feats_dir}/${dset}/feats.scp" "run stage 2 first"
        decode_args+=(--set "${feats_dir}/${dset}/feats.scp=${asr_exp}/decode_{tag}_${model_tag}/${dset}")
    done
    log "Stage 7: decoding ${test_sets} with ${model_file} (${inference_configs})"
    # shellcheck disable=SC2086
    python -m mmpt.bin.decode --task asr --train_config "${asr_exp}/config.yaml" --model_file "${model_file}" \
        --ngpu "$([ "${ngpu}" -gt 0 ] && echo 1 || echo 0)" "${decode_args[@]}" ${inference_args}
fi

if [ "${stage}" -le 8 ] && [ "${stop_stage}" -ge 8 ]; then
    log "Stage 8: WER of ${test_sets} -> ${asr_exp}/RESULTS.md"
    python -m mmpt.bin.score --metric wer --exp_dir "${asr_exp}" --ref_dir "${feats_dir}" --sets "${test_sets}"
fi

if [ "${stage}" -le 9 ] && [ "${stop_stage}" -ge 9 ]; then
    require_file "${asr_exp}/config.yaml" "run stage 6 first"
    model_file=$(pick_model "${asr_exp}" "${inference_model}")
    log "Stage 9: packing the encoder of ${model_file} -> ${asr_exp}/packed"
    python -m mmpt.bin.pack_encoder --config "${asr_exp}/config.yaml" --model "${model_file}" \
        --fbank_conf "${fbank_conf}" --out "${asr_exp}/packed"
fi

log "Successfully finished. [elapsed=${SECONDS}s]"
