#!/usr/bin/env bash
# Shared speech-translation (mid-training) stages. Run it from a recipe directory (egs2/<corpus>/st1/)
# through its run.sh.
#
#   Stage 1: data preparation: local/data.sh writes data/<set> (text = target, text.<src_case>.<src_lang>
#            = source); each set is validated
#   Stage 2: 80-dim Kaldi fbank of every set -> ${dumpdir}/fbank/<set>/feats.scp (+ ark and the texts)
#   Stage 3: global CMVN statistics of the training set -> ${expdir}/st_stats_fbank/train/feats_stats.npz
#   Stage 4: sentencepiece models and token lists of the target and source training texts
#   Stage 5: shape files (token counts) of the training and validation texts
#   Stage 6: espnet2 ST training (python -m mmpt.bin.st_train), the encoder optionally from a pack
#   Stage 7: beam-search translation of the test sets
#   Stage 8: BLEU (sacrebleu) -> <st_exp>/decode_*/<set>/score_bleu/result.txt and <st_exp>/RESULTS.md
#   Stage 9: pack the mid-trained encoder -> <st_exp>/packed (input of the ASR recipes' --pretrained_encoder)
#
# Every stage is resumable: running it again skips the work that is already done.
set -euo pipefail

. "$(dirname "$0")/scripts/utils/options.sh"
stage_script_setup "egs2/<corpus>/st1/"

# General options (stage, stop_stage, nj, cmd_backend, dumpdir, expdir, ngpu, num_nodes) and the data sets
# (local_data_opts, train_set, valid_set): scripts/utils/options.sh
general_option_defaults
test_sets=              # names of the evaluation data directories, space separated
src_lang=en             # source language
tgt_lang=de             # target language
src_case=lc.rm          # source text: data/<set>/text.<src_case>.<src_lang>
tgt_case=tc             # target text (data/<set>/text is text.<tgt_case>.<tgt_lang>)

# Features
feats_type=fbank        # the only kind so far: Kaldi fbank
fbank_conf=conf/fbank.yaml   # fbank options (YAML)

# Tokens
tgt_nbpe=8000           # target vocabulary size (soft limit)
src_nbpe=8000           # source vocabulary size (soft limit)
tgt_bpemode=unigram     # unigram | bpe
src_bpemode=unigram
token_listdir=data/token_list   # token models go to ${token_listdir}/{tgt,src}_bpe_<mode><nbpe>[_<lang>]/
use_src_text=false      # true: also train on the source text (configs with model_conf.asr_weight > 0)

# Training
st_config=conf/train_st.yaml   # espnet2 ST training config (encoder, Transformer decoder, optimiser)
conf_scale=cpu          # cpu | paper: paper trains with the paper-scale sibling <dir>/paper/<name> of the config
st_tag=                 # experiment name (default: <config name>_<src>-<tgt>_<tokens>[_<pretrained>])
st_exp=                 # experiment directory (default: ${expdir}/st_${st_tag})
st_args=                # more espnet2 training options, e.g. "--max_epoch 50"
pretrained_encoder=     # pack / espnet2 experiment dir / .pth whose encoder starts the training ("" = none)
freeze_encoder=false    # mid-training trains the encoder: keep false (true freezes it, in eval mode)

# Decoding and scoring
inference_configs="conf/decode_st.yaml"   # one decoding per config, space separated
inference_model=valid.acc.ave.pth   # model file of the experiment used for decoding
inference_args=         # more options of python -m mmpt.bin.decode, e.g. "--beam_size 2"

help_message=$(cat <<EOF
Usage: $0 --train_set <set> --valid_set <set> --test_sets "<set> <set>" --tgt_lang <lang> [options]

Stages:
  1: data preparation (local/data.sh), then validation of data/<set>
  2: fbank features of every set -> <dumpdir>/fbank/<set>/feats.scp
  3: global CMVN statistics of the training set -> <expdir>/st_stats_fbank/train/feats_stats.npz
  4: sentencepiece models + token lists of the target (text) and source (text.<src_case>.<src_lang>)
  5: token-count shape files of the training and validation texts
  6: ST training (python -m mmpt.bin.st_train) -> <st_exp>
  7: translation of the test sets, one per inference config -> <st_exp>/decode_<config>_<model>/<set>/text
  8: BLEU -> <st_exp>/decode_*/<set>/score_bleu/result.txt and <st_exp>/RESULTS.md
  9: pack the trained encoder -> <st_exp>/packed

Options:
$(general_options_help)
  --test_sets       evaluation set names, space separated (required)
  --src_lang        source language (default: ${src_lang})
  --tgt_lang        target language (default: ${tgt_lang})
  --src_case        source text variant (default: ${src_case})
  --tgt_case        target text variant (default: ${tgt_case})
  --fbank_conf      fbank configuration (default: ${fbank_conf})
  --tgt_nbpe        target vocabulary size (default: ${tgt_nbpe})
  --src_nbpe        source vocabulary size (default: ${src_nbpe})
  --tgt_bpemode     unigram or bpe (default: ${tgt_bpemode})
  --src_bpemode     unigram or bpe (default: ${src_bpemode})
  --token_listdir   where token models go (default: ${token_listdir})
  --use_src_text    true: feed the source text too (asr_weight > 0) (default: ${use_src_text})
  --st_config       training config (default: ${st_config})
  --conf_scale      cpu or paper (default: ${conf_scale}); paper: the config's paper-scale sibling
                    <dir>/paper/<name>, e.g. conf/paper/train_st.yaml
  --st_tag          experiment name
  --st_exp          experiment directory (default: <expdir>/st_<st_tag>)
  --st_args         more espnet2 training options (default: "${st_args}")
  --pretrained_encoder  encoder to start from: a pack (model.pth, config.yaml, feats_stats.npz,
                    fbank.yaml), an espnet2 experiment dir, or a .pth beside its config.yaml
  --freeze_encoder  true or false (default: ${freeze_encoder})
  --inference_configs  decoding configs, space separated (default: "${inference_configs}")
  --inference_model model file of the experiment to decode with (default: ${inference_model})
  --inference_args  more options of python -m mmpt.bin.decode (default: "${inference_args}")
EOF
)

parse_stage_options "$@"

require_sets train_set valid_set test_sets
if [ "${feats_type}" != fbank ]; then
    log "Error: --feats_type ${feats_type} is not supported (only fbank)"
    exit 2
fi

# Every set, each once, in order: training, validation, evaluation.
collect_sets train_set valid_set test_sets

. scripts/utils/stages.sh

use_scaled_config st_config
log "Training config: ${st_config} (--conf_scale ${conf_scale})"

feats_dir=${dumpdir}/${feats_type}
stats_dir=${expdir}/st_stats_${feats_type}
src_text_name=text.${src_case}.${src_lang}
tgt_text_name=text               # = text.${tgt_case}.${tgt_lang}, written by local/data.sh
tgt_token_tag=tgt_bpe_${tgt_bpemode}${tgt_nbpe}_${tgt_lang}
src_token_tag=src_bpe_${src_bpemode}${src_nbpe}_${src_lang}
tgt_token_dir=${token_listdir}/${tgt_token_tag}
src_token_dir=${token_listdir}/${src_token_tag}
if [ -z "${st_tag}" ]; then
    st_tag=$(basename "${st_config}" .yaml)${scale_suffix}_${src_lang}-${tgt_lang}_${tgt_token_tag#tgt_}
    [ -n "${pretrained_encoder}" ] && st_tag+=_$(pretrained_tag "${pretrained_encoder}")
fi
st_exp=${st_exp:-${expdir}/st_${st_tag}}

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ]; then
    stage_data_prep "${local_data_opts}"
    for dset in "${all_sets[@]}"; do
        for name in "${tgt_text_name}" "${src_text_name}"; do
            require_file "data/${dset}/${name}" "local/data.sh must write the target (text) and source texts"
        done
    done
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    stage_fbank
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    stage_cmvn
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    train_tokens 4 "${tgt_token_dir}" "${tgt_nbpe}" "${tgt_bpemode}" "${feats_dir}/${train_set}/${tgt_text_name}"
    train_tokens 4 "${src_token_dir}" "${src_nbpe}" "${src_bpemode}" "${feats_dir}/${train_set}/${src_text_name}"
fi

if [ "${stage}" -le 5 ] && [ "${stop_stage}" -ge 5 ]; then
    stage_text_shapes "${tgt_token_dir}" "${tgt_token_tag}" "${tgt_text_name}" text_shape
    if [ "${use_src_text}" = true ]; then
        stage_text_shapes "${src_token_dir}" "${src_token_tag}" "${src_text_name}" src_text_shape
    fi
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then
    require_file "${tgt_token_dir}/tokens.txt" "run stage 4 first"
    require_file "${stats_dir}/train/text_shape.${tgt_token_tag}" "run stage 5 first"
    require_file "${st_config}" "give an existing --st_config"
    mkdir -p "${st_exp}"
    log "Stage 6: training config ${st_exp}/train.yaml from ${st_config}" \
        "(pretrained encoder: ${pretrained_encoder:-none}, frozen: ${freeze_encoder})"
    python -m mmpt.bin.make_train_config --base "${st_config}" --out "${st_exp}/train.yaml" \
        --pretrained_encoder "${pretrained_encoder}" --freeze_encoder "${freeze_encoder}" \
        --stats_file "${stats_dir}/train/feats_stats.npz" --fbank_conf "${fbank_conf}"
    cp "${fbank_conf}" "${st_exp}/fbank.yaml"
    cp "${tgt_token_dir}/bpe.model" "${st_exp}/bpe.model"
    data_opts=(
        --train_data_path_and_name_and_type "${feats_dir}/${train_set}/feats.scp,speech,kaldi_ark"
        --train_data_path_and_name_and_type "${feats_dir}/${train_set}/${tgt_text_name},text,text"
        --train_shape_file "${feats_dir}/${train_set}/feats_shape"
        --train_shape_file "${stats_dir}/train/text_shape.${tgt_token_tag}"
        --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/feats.scp,speech,kaldi_ark"
        --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/${tgt_text_name},text,text"
        --valid_shape_file "${feats_dir}/${valid_set}/feats_shape"
        --valid_shape_file "${stats_dir}/valid/text_shape.${tgt_token_tag}"
    )
    # espnet2's ST model always takes the source token list; the source text is read only when used.
    require_file "${src_token_dir}/tokens.txt" "run stage 4 first"
    cp "${src_token_dir}/bpe.model" "${st_exp}/src_bpe.model"
    data_opts+=(
        --src_token_type bpe
        --src_token_list "${src_token_dir}/tokens.txt"
        --src_bpemodel "${src_token_dir}/bpe.model"
    )
    if [ "${ngpu}" -gt 1 ] || [ "${num_nodes}" -gt 1 ]; then
        data_opts+=(--unused_parameters true)   # the source CTC layer is idle with asr_weight 0
    fi
    if [ "${use_src_text}" = true ]; then
        require_file "${stats_dir}/train/src_text_shape.${src_token_tag}" "run stage 5 first"
        data_opts+=(
            --train_data_path_and_name_and_type "${feats_dir}/${train_set}/${src_text_name},src_text,text"
            --train_shape_file "${stats_dir}/train/src_text_shape.${src_token_tag}"
            --valid_data_path_and_name_and_type "${feats_dir}/${valid_set}/${src_text_name},src_text,text"
            --valid_shape_file "${stats_dir}/valid/src_text_shape.${src_token_tag}"
        )
    fi
    pretrained_sum=$(pretrained_fingerprint "${pretrained_encoder}")
    train_stamp=$({ [ -z "${pretrained_sum}" ] || echo "${pretrained_sum}"; cat "${st_exp}/train.yaml" "${tgt_token_dir}/tokens.txt" \
        "${feats_dir}/${train_set}/feats.scp" "${feats_dir}/${valid_set}/feats.scp" \
        "${feats_dir}/${train_set}/${tgt_text_name}" "${feats_dir}/${valid_set}/${tgt_text_name}" ; } | sha256)
    # shellcheck disable=SC2086
    run_training 6 mmpt.bin.st_train "${st_exp}" "${train_stamp}" \
        --config "${st_exp}/train.yaml" \
        --output_dir "${st_exp}" \
        --use_preprocessor true \
        --token_type bpe \
        --token_list "${tgt_token_dir}/tokens.txt" \
        --bpemodel "${tgt_token_dir}/bpe.model" \
        "${data_opts[@]}" \
        ${st_args}
fi

if [ "${stage}" -le 7 ] && [ "${stop_stage}" -ge 7 ]; then
    stage_decode st "${st_exp}" "${feats_dir}" "run stage 2 first" translating
fi

if [ "${stage}" -le 8 ] && [ "${stop_stage}" -ge 8 ]; then
    log "Stage 8: BLEU of ${test_sets} -> ${st_exp}/RESULTS.md"
    python -m mmpt.bin.score --metric bleu --exp_dir "${st_exp}" --ref_dir "${feats_dir}" --sets "${test_sets}" \
        --ref_name "${tgt_text_name}"
fi

if [ "${stage}" -le 9 ] && [ "${stop_stage}" -ge 9 ]; then
    stage_pack "${st_exp}"
fi

log "Successfully finished. [elapsed=${SECONDS}s]"
