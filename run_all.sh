#!/usr/bin/env bash
# The main job: install what is missing, write the embedded corpus, then run every recipe stage that exists.
#
#   ./run_all.sh                          # embedded corpus, preset mini, everything
#   ./run_all.sh --preset tiny            # the small corpus the tests use (minutes)
#   ./run_all.sh --stage 2 --stop_stage 2 # only the LibriSpeech data/feature stages
#   ./run_all.sh --db /data/corpora ...   # a directory with the REAL corpora in the embedded corpus's
#                                         # arrangement (<db>/librispeech/LibriSpeech, <db>/must_c/en-de, ...)
#
# Stages:
#   0  tools/install.sh (a no-op when up to date)
#   1  mmpt-synth: the embedded corpus in the real layouts under <db> (skipped with --synth false)
#   2  egs2/librispeech/asr1 stages 1-3: data prep, fbank dump, CMVN statistics
#   3  pre-training: egs2/lrs3/pt1, --pt_method (default mae), packed encoder
#   4  mid-training: egs2/must_c/st1, en-<--mid_lang> (default it) speech translation from the pack
#   5  fine-tuning: egs2/librispeech/asr1, CTC on the frozen encoder, three ways: the baseline (the same
#      model, encoder trained from scratch), pre-trained only, pre-trained + mid-trained
#   6  Table 1: WER on test-clean / test-other and the relative improvements -> exp/run_all/RESULTS.md
#   7  SUPERB (egs2/superb/superb1, KS / IC / PR / SD) on three frozen upstreams: no pre-training (the
#      pre-training encoder, randomly initialised), pre-trained only, pre-trained + mid-trained
#      -> exp/run_all/SUPERB.md (scores and relative improvements over no pre-training)
# Re-running reuses finished work: every step skips what it already did.
set -euo pipefail

log() { echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (run_all.sh:${BASH_LINENO[0]}) $*"; }

stage=0
stop_stage=100
preset=mini
seed=0
nj=$(nproc 2>/dev/null || echo 2)
synth=true
db=
pt_method=mae           # mae | clr | mae_clr
mid_lang=it             # de | it | nl
conf_scale=cpu          # cpu | paper (the paper's model sizes: for GPUs)
ngpu=0
pt_args=                # extra espnet2 options of each stage, e.g. "--max_epoch 5"
st_args="--max_epoch 10"
asr_args="--max_epoch 15"
superb_tasks="ks ic pr sd"
superb_args=            # extra s3prl overrides of every SUPERB task (",,"-separated)
help_message="Usage: $0 [--stage N] [--stop_stage M] [--preset tiny|mini|small] [--seed N] [--nj N] [--db DIR]
  [--synth true|false] [--pt_method mae|clr|mae_clr] [--mid_lang de|it|nl] [--conf_scale cpu|paper] [--ngpu N]
  [--pt_args ...] [--st_args ...] [--asr_args ...] [--superb_tasks \"ks ic pr sd\"] [--superb_args ...]"

main_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "${main_root}/egs2/TEMPLATE/scripts/utils/parse_options.sh"

db=${db:-${main_root}/db/embedded_${preset}_seed${seed}}
db=$(mkdir -p "${db}" && cd "${db}" && pwd)
python="${main_root}/tools/venv/bin/python"
export LIBRISPEECH="${db}/librispeech" MUSTC="${db}/must_c" LRS3="${db}/lrs3" VOXCELEB2="${db}/voxceleb2" \
    KINETICS600="${db}/kinetics600" SPEECH_COMMANDS="${db}/speech_commands" \
    FLUENT_SPEECH_COMMANDS="${db}/fluent_speech_commands" LIBRIMIX="${db}/librimix"

t_start=$(date +%s)
if [ "${stage}" -le 0 ] && [ "${stop_stage}" -ge 0 ]; then
    log "Stage 0: install (tools/install.sh)"
    bash "${main_root}/tools/install.sh"
fi

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ] && [ "${synth}" = true ]; then
    log "Stage 1: embedded corpus, preset ${preset}, seed ${seed} -> ${db}"
    "${python}" -m mmpt.bin.synth --out "${db}" --preset "${preset}" --seed "${seed}" --nj "${nj}"
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    log "Stage 2: LibriSpeech data prep, fbank dump and CMVN (egs2/librispeech/asr1 stages 1-3)"
    (cd "${main_root}/egs2/librispeech/asr1" && ./run.sh --stage 1 --stop_stage 3 --nj "${nj}")
fi

egs="${main_root}/egs2"
pt_pack="${egs}/lrs3/pt1/exp/pt_${pt_method}_${conf_scale}/packed"
st_tag="lrs3_${pt_method}_${mid_lang}"
st_pack="${egs}/must_c/st1/exp/st_${st_tag}/packed"
asr_exp="${egs}/librispeech/asr1/exp"
greedy=conf/decode_asr_greedy.yaml

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    log "Stage 3: ${pt_method} pre-training on LRS3 (egs2/lrs3/pt1) -> ${pt_pack}"
    (cd "${egs}/lrs3/pt1" && ./run.sh --nj "${nj}" --ngpu "${ngpu}" --pt_method "${pt_method}" \
        --conf_scale "${conf_scale}" --pt_args "${pt_args}")
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    log "Stage 4: en-${mid_lang} speech-translation mid-training (egs2/must_c/st1) -> ${st_pack}"
    (cd "${egs}/must_c/st1" && ./run.sh --nj "${nj}" --ngpu "${ngpu}" --tgt_lang "${mid_lang}" \
        --pretrained_encoder "${pt_pack}" --st_tag "${st_tag}" --st_args "${st_args}")
fi

if [ "${stage}" -le 5 ] && [ "${stop_stage}" -ge 5 ]; then
    cd_asr() { (cd "${egs}/librispeech/asr1" && ./run.sh --nj "${nj}" --ngpu "${ngpu}" \
        --inference_configs "${greedy}" --asr_args "${asr_args}" "$@"); }
    log "Stage 5a: CTC fine-tuning, baseline: no pre-training, encoder trained from scratch"
    cd_asr --asr_tag scratch --freeze_encoder false
    log "Stage 5b: CTC fine-tuning on the frozen pre-trained encoder"
    cd_asr --asr_tag "lrs3_${pt_method}" --pretrained_encoder "${pt_pack}"
    log "Stage 5c: CTC fine-tuning on the frozen pre-trained + mid-trained encoder"
    cd_asr --asr_tag "${st_tag}" --pretrained_encoder "${st_pack}"
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then
    log "Stage 6: Table 1 -> exp/run_all/RESULTS.md"
    "${python}" -m mmpt.report.asr_table --baseline "no pre-training" \
        --exp "no pre-training=${asr_exp}/asr_scratch" \
        --exp "${pt_method^^} (LRS3)=${asr_exp}/asr_lrs3_${pt_method}" \
        --exp "${pt_method^^} (LRS3) + ST en-${mid_lang}=${asr_exp}/asr_${st_tag}" \
        --sets test_clean test_other --decode decode_asr_greedy \
        --out "${main_root}/exp/run_all/RESULTS.md"
fi

if [ "${stage}" -le 7 ] && [ "${stop_stage}" -ge 7 ]; then
    random_pack="${egs}/lrs3/pt1/exp/random_init_${conf_scale}/packed"
    log "Stage 7: SUPERB (${superb_tasks}); the no-pre-training upstream -> ${random_pack}"
    "${python}" -m mmpt.bin.pack_encoder --config "$(dirname "${pt_pack}")/config.yaml" \
        --random_init "${seed}" --out "${random_pack}"
    superb() { (cd "${egs}/superb/superb1" && ./run.sh --tasks "${superb_tasks}" --conf_scale "${conf_scale}" \
        --nj "${nj}" --superb_args "${superb_args}" "$@"); }
    superb --stage 1 --stop_stage 1
    for pack in "${random_pack}" "${pt_pack}" "${st_pack}"; do
        log "Stage 7: SUPERB on ${pack}"
        superb --stage 2 --stop_stage 4 --upstream_ckpt "${pack}"
    done
    "${python}" -m mmpt.report.superb_table --expdir "${egs}/superb/superb1/exp" --tasks ${superb_tasks} \
        --baseline "no pre-training" --upstream "no pre-training=lrs3_random_init_${conf_scale}" \
        --upstream "${pt_method^^} (LRS3)=lrs3_pt_${pt_method}_${conf_scale}" \
        --upstream "${pt_method^^} (LRS3) + ST en-${mid_lang}=must_c_st_${st_tag}" \
        --out "${main_root}/exp/run_all/SUPERB.md"
fi

log "Finished in $(( $(date +%s) - t_start )) s"
