#!/usr/bin/env bash
# Shared ASR recipe stages. Run it from a recipe directory (egs2/<corpus>/asr1/) through its run.sh.
#
#   Stage 1: data preparation: local/data.sh of the recipe writes data/<set>; each set is validated
#   Stage 2: 80-dim Kaldi fbank of every set -> ${dumpdir}/fbank/<set>/feats.scp (+ ark)
#   Stage 3: global CMVN statistics of the training set -> ${expdir}/asr_stats_fbank/train/feats_stats.npz
#   Stage 4: sentencepiece model and token list of the training text -> ${token_listdir}/bpe_<mode><nbpe>/
#   Stage 5: shape files (token counts) of the training and validation texts
#   Stage 6: espnet2 ASR training (CTC), the encoder optionally from a pre-trained pack and frozen; a frozen
#            pack's outputs are computed once per utterance (${dumpdir}/encoded/) and the head trains on them
#   Stage 7: decoding of the test sets (CTC greedy and/or beam search, one decode config each), from the
#            cached encoder outputs when the head was trained on them
#   Stage 8: scoring (WER with per-utterance alignments) -> <asr_exp>/RESULTS.md
#   Stage 9: pack the trained encoder -> <asr_exp>/packed (the format every stage exchanges), its
#            batch-norm statistics re-estimated on the training audio (--pack_recompute_bn)
#
# Every stage is resumable: running it again skips the work that is already done.
set -euo pipefail

. "$(dirname "$0")/scripts/utils/options.sh"
stage_script_setup "egs2/<corpus>/asr1/"

# General options (stage, stop_stage, nj, cmd_backend, dumpdir, expdir, ngpu, num_nodes) and the data sets
# (local_data_opts, train_set, valid_set): scripts/utils/options.sh
general_option_defaults
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
conf_scale=cpu          # cpu | paper: paper trains with the paper-scale sibling <dir>/paper/<name> of the config
asr_tag=                # experiment name (default: <config name>_<tokens>[_<pretrained>])
asr_exp=                # experiment directory (default: ${expdir}/asr_${asr_tag})
asr_args=               # more espnet2 training options, e.g. "--max_epoch 50 --batch_bins 4000000"
pretrained_encoder=     # pack / espnet2 experiment dir / .pth whose encoder starts the training ("" = none)
freeze_encoder=true     # keep the encoder frozen (and in eval mode); false fine-tunes it too
cache_encoder=          # true: the frozen encoder's outputs are computed once per utterance and the head is
                        # trained (and decodes) on them; default: true with --freeze_encoder true, a
                        # --pretrained_encoder (a frozen random encoder: a pack of mmpt.bin.pack_encoder --random_init)
                        # and no SpecAugment in --asr_config
encoder_layers=last     # with --cache_encoder true: last (the encoder output, the paper's head) or all (a
                        # learnable softmax-weighted sum of the input layer's and every layer's output, SUPERB's)

# Decoding and scoring
inference_configs="conf/decode_asr_greedy.yaml"   # one decoding per config, space separated
inference_model=valid.loss.ave.pth   # model file of the experiment used for decoding
inference_args=         # more options of python -m mmpt.bin.decode, e.g. "--num_threads 1"

# Packing
pack_recompute_bn=true  # re-estimate the packed encoder's batch-norm statistics on the training fbank
pack_bn_utts=200        # training utterances used for it (spread over the set)

help_message=$(cat <<EOF
Usage: $0 --train_set <set> --valid_set <set> --test_sets "<set> <set>" [options]

Stages:
  1: data preparation (local/data.sh), then validation of data/<set>
  2: fbank features of every set -> <dumpdir>/fbank/<set>/feats.scp
  3: global CMVN statistics of the training set -> <expdir>/asr_stats_fbank/train/feats_stats.npz
  4: sentencepiece model + token list -> <token_listdir>/bpe_<bpemode><nbpe>/{bpe.model,tokens.txt}
  5: token-count shape files of the training and validation texts
  6: ASR training (python -m mmpt.bin.asr_train) -> <asr_exp>; with --cache_encoder true, first the frozen
     encoder's outputs of every set (python -m mmpt.bin.dump_encoded) -> <dumpdir>/encoded/<pack>_<layers>/<set>
  7: decoding of the test sets, one per inference config -> <asr_exp>/decode_<config>_<model>/<set>/text
  8: WER scoring -> <asr_exp>/decode_*/<set>/score_wer/result.txt and <asr_exp>/RESULTS.md
  9: pack the trained encoder -> <asr_exp>/packed (batch-norm statistics re-estimated on the training
     fbank with --pack_recompute_bn true, as the pre-training packs)

Options:
$(general_options_help)
  --test_sets       evaluation set names, space separated (required)
  --feats_type      feature type (default: ${feats_type})
  --fbank_conf      fbank configuration (default: ${fbank_conf})
  --nbpe            sentencepiece vocabulary size (default: ${nbpe})
  --bpemode         unigram or bpe (default: ${bpemode})
  --token_listdir   where token models go (default: ${token_listdir})
  --asr_config      training config (default: ${asr_config})
  --conf_scale      cpu or paper (default: ${conf_scale}); paper: the config's paper-scale sibling
                    <dir>/paper/<name>, e.g. conf/paper/train_asr_ctc_frozen.yaml
  --asr_tag         experiment name (default: <config>_<tokens>[_<pretrained>])
  --asr_exp         experiment directory (default: <expdir>/asr_<asr_tag>)
  --asr_args        more espnet2 training options (default: "${asr_args}")
  --pretrained_encoder  encoder to start from: a pack (model.pth, config.yaml, feats_stats.npz,
                    fbank.yaml), an espnet2 ASR/ST experiment dir, or a .pth beside its config.yaml
  --freeze_encoder  true or false (default: ${freeze_encoder})
  --cache_encoder   true: the frozen encoder's outputs are dumped once per utterance to
                    <dumpdir>/encoded/<pack fingerprint>_<layers>/<set> (stage 6) and the head trains and
                    decodes on them; false: the encoder runs at every step (default: true when the encoder is
                    frozen and given by --pretrained_encoder and --asr_config has no SpecAugment, else false)
  --encoder_layers  last or all (default: ${encoder_layers}); all (needs --cache_encoder true): the head's
                    input is a learnable weighted sum of every encoder layer (tag suffix _all_layers)
  --inference_configs  decoding configs, space separated (default: "${inference_configs}")
  --inference_model model file of the experiment to decode with (default: ${inference_model})
  --inference_args  more options of python -m mmpt.bin.decode (default: "${inference_args}")
  --pack_recompute_bn  true: re-estimate a trained (not frozen) encoder's batch-norm statistics on up to
                    --pack_bn_utts training utterances (default: ${pack_recompute_bn}, ${pack_bn_utts})
EOF
)

parse_stage_options "$@"

require_sets train_set valid_set test_sets
if [ "${feats_type}" != fbank ]; then
    log "Error: --feats_type ${feats_type} is not supported (only fbank)"
    exit 2
fi
if [ "${token_type}" != bpe ]; then
    log "Error: --token_type ${token_type} is not supported (only bpe: sentencepiece)"
    exit 2
fi
if [ -z "${cache_encoder}" ]; then
    cache_encoder=false
    if [ "${freeze_encoder}" = true ] && [ -n "${pretrained_encoder}" ] && [ -f "${asr_config}" ]; then
        cache_encoder=$(python -m mmpt.bin.make_train_config --base "${asr_config}" --out /dev/null --cacheable)
    fi
fi
case "${cache_encoder}" in
    true)
        if [ "${freeze_encoder}" != true ]; then
            log "Error: --cache_encoder true needs --freeze_encoder true (an encoder that trains changes its outputs)"
            exit 2
        fi
        if [ -z "${pretrained_encoder}" ]; then
            log "Error: --cache_encoder true needs --pretrained_encoder; for a frozen random encoder, pack one:"
            log "  python -m mmpt.bin.pack_encoder --config <pre-training config.yaml> --random_init <seed> --out <pack>"
            exit 2
        fi ;;
    false) ;;
    *) log "Error: --cache_encoder must be true or false, got '${cache_encoder}'"; exit 2 ;;
esac
case "${encoder_layers}" in
    last) ;;
    all)
        if [ "${cache_encoder}" != true ]; then
            log "Error: --encoder_layers all (a weighted sum of every layer) needs --cache_encoder true"
            exit 2
        fi ;;
    *) log "Error: --encoder_layers must be last or all, got '${encoder_layers}'"; exit 2 ;;
esac

# Every set, each once, in order: training, validation, evaluation.
collect_sets train_set valid_set test_sets

. scripts/utils/stages.sh

use_scaled_config asr_config
log "Training config: ${asr_config} (--conf_scale ${conf_scale})"

feats_dir=${dumpdir}/${feats_type}
stats_dir=${expdir}/asr_stats_${feats_type}
token_tag=bpe_${bpemode}${nbpe}
token_dir=${token_listdir}/${token_tag}
bpemodel=${token_dir}/bpe.model
token_list=${token_dir}/tokens.txt
if [ -z "${asr_tag}" ]; then
    asr_tag=$(basename "${asr_config}" .yaml)${scale_suffix}_${token_tag}
    [ -n "${pretrained_encoder}" ] && asr_tag+=_$(pretrained_tag "${pretrained_encoder}")
    [ "${encoder_layers}" = all ] && asr_tag+=_all_layers
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
    stage_text_shapes "${token_dir}" "${token_tag}" text text_shape
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ] && [ "${cache_encoder}" = true ]; then
    require_file "${token_list}" "run stage 4 first"
    require_file "${stats_dir}/train/text_shape.${token_tag}" "run stage 5 first"
    require_file "${asr_config}" "give an existing --asr_config"
    pretrained_tag "${pretrained_encoder}" > /dev/null  # a clear error when it does not exist
    feats_sets=()
    for dset in "${all_sets[@]}"; do
        require_file "${feats_dir}/${dset}/feats.scp" "run stage 2 first"
        feats_sets+=("${feats_dir}/${dset}")
    done
    log "Stage 6: outputs (layers: ${encoder_layers}) of the frozen encoder ${pretrained_encoder} for" \
        "${all_sets[*]} -> ${dumpdir}/encoded/<pack fingerprint>_${encoder_layers}/<set> (nj=${nj}, ${cmd_backend})"
    mkdir -p "${asr_exp}"
    # encoded_root: where the dump is; stage 7 decodes the test sets of the dump the head was trained on.
    python -m mmpt.bin.dump_encoded "${job_opts[@]}" --pretrained_encoder "${pretrained_encoder}" \
        --layers "${encoder_layers}" --out_root "${dumpdir}/encoded" --fbank_conf "${fbank_conf}" \
        --root_file "${asr_exp}/encoded_root" "${feats_sets[@]}"
    enc_root=$(cat "${asr_exp}/encoded_root")
    log "Stage 6: training config ${asr_exp}/train.yaml from ${asr_config} (the head on ${enc_root})"
    python -m mmpt.bin.make_train_config --base "${asr_config}" --out "${asr_exp}/train.yaml" --encoded_dir "${enc_root}"
    cp "${enc_root}/encoded.yaml" "${asr_exp}/encoded.yaml"
    cp "${fbank_conf}" "${asr_exp}/fbank.yaml"
    cp "${bpemodel}" "${asr_exp}/bpe.model"
    # The token counts of the utterances that were encoded (the dump may have excluded some).
    for split in train valid; do
        [ "${split}" = train ] && dset=${train_set} || dset=${valid_set}
        shape=${enc_root}/${dset}/text_shape.${token_tag}
        awk 'NR == FNR { keep[$1]; next } $1 in keep' "${enc_root}/${dset}/feats_shape" \
            "${stats_dir}/${split}/text_shape.${token_tag}" > "${shape}.tmp"
        mv "${shape}.tmp" "${shape}"
    done
    train_stamp=$({ pretrained_fingerprint "${pretrained_encoder}"; cat "${asr_exp}/train.yaml" "${token_list}" \
        "${enc_root}/${train_set}/feats.scp" "${enc_root}/${valid_set}/feats.scp" \
        "${enc_root}/${train_set}/.done" "${enc_root}/${valid_set}/.done" \
        "${enc_root}/${train_set}/text" "${enc_root}/${valid_set}/text" ; } | sha256)
    # shellcheck disable=SC2086
    run_training 6 mmpt.bin.asr_train "${asr_exp}" "${train_stamp}" \
        --config "${asr_exp}/train.yaml" \
        --output_dir "${asr_exp}" \
        --use_preprocessor true \
        --token_type "${token_type}" \
        --token_list "${token_list}" \
        --bpemodel "${bpemodel}" \
        --train_data_path_and_name_and_type "${enc_root}/${train_set}/feats.scp,speech,kaldi_ark" \
        --train_data_path_and_name_and_type "${enc_root}/${train_set}/text,text,text" \
        --train_shape_file "${enc_root}/${train_set}/feats_shape" \
        --train_shape_file "${enc_root}/${train_set}/text_shape.${token_tag}" \
        --valid_data_path_and_name_and_type "${enc_root}/${valid_set}/feats.scp,speech,kaldi_ark" \
        --valid_data_path_and_name_and_type "${enc_root}/${valid_set}/text,text,text" \
        --valid_shape_file "${enc_root}/${valid_set}/feats_shape" \
        --valid_shape_file "${enc_root}/${valid_set}/text_shape.${token_tag}" \
        ${asr_args}
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ] && [ "${cache_encoder}" = false ]; then
    require_file "${token_list}" "run stage 4 first"
    require_file "${stats_dir}/train/text_shape.${token_tag}" "run stage 5 first"
    require_file "${asr_config}" "give an existing --asr_config"
    mkdir -p "${asr_exp}"
    rm -f "${asr_exp}/encoded.yaml" "${asr_exp}/encoded_root"
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
    if [ "${cache_encoder}" = true ]; then
        hint="run stage 6 first (it dumps the frozen encoder's outputs)"
        require_file "${asr_exp}/encoded_root" "${hint}"
        stage_decode asr "${asr_exp}" "$(cat "${asr_exp}/encoded_root")" "${hint}" decoding
    else
        stage_decode asr "${asr_exp}" "${feats_dir}" "run stage 2 first" decoding
    fi
fi

if [ "${stage}" -le 8 ] && [ "${stop_stage}" -ge 8 ]; then
    log "Stage 8: WER of ${test_sets} -> ${asr_exp}/RESULTS.md"
    python -m mmpt.bin.score --metric wer --exp_dir "${asr_exp}" --ref_dir "${feats_dir}" --sets "${test_sets}"
fi

if [ "${stage}" -le 9 ] && [ "${stop_stage}" -ge 9 ] && [ "${cache_encoder}" = true ]; then
    log "Stage 9: nothing to pack: the encoder is the frozen ${pretrained_encoder} (the head saw its cached outputs)"
elif [ "${stage}" -le 9 ] && [ "${stop_stage}" -ge 9 ]; then
    pack_opts=()
    if [ "${pack_recompute_bn}" = true ] && [ "${freeze_encoder}" = true ]; then
        log "Stage 9: the encoder was frozen: its batch-norm statistics stay those of ${pretrained_encoder:-its init}"
    elif [ "${pack_recompute_bn}" = true ]; then
        require_file "${feats_dir}/${train_set}/feats.scp" "run stage 2 first (or --pack_recompute_bn false)"
        pack_opts+=(--recompute_bn_stats "${feats_dir}/${train_set}/feats.scp" --bn_utts "${pack_bn_utts}")
    fi
    stage_pack "${asr_exp}" "${pack_opts[@]}"
fi

log "Successfully finished. [elapsed=${SECONDS}s]"
