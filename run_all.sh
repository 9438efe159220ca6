#!/usr/bin/env bash
# The main job: install what is missing, write the embedded corpus, then run the paper's pipeline on it:
# pre-training -> mid-training -> frozen-encoder fine-tuning (with the no-pre-training baseline), Table 1,
# and SUPERB on the same encoders.
#
#   ./run_all.sh                          # embedded corpus, preset mini: MAE on LRS3, mid-training en-it
#   ./run_all.sh --preset tiny            # the small corpus the tests use (minutes)
#   ./run_all.sh --grid paper             # the paper's grid: {mae,clr,mae_clr} x {lrs3,voxceleb2,kinetics600}
#                                         # x {de,it,nl} (Table 1 and Figure 2; many hours on a CPU)
#   ./run_all.sh --pt_methods "mae clr" --pt_corpora "lrs3 kinetics600" --mid_langs "it nl"   # any sub-grid
#   ./run_all.sh --mid_tasks st           # mid-training by translation alone (the paper's objective)
#   ./run_all.sh --stage 2 --stop_stage 2 # only the LibriSpeech data/feature stages
#   ./run_all.sh --db /data/corpora ...   # a directory with the REAL corpora in the embedded corpus's
#                                         # arrangement (<db>/librispeech/LibriSpeech, <db>/must_c/en-de, ...)
#   ./run_all.sh --conf_scale paper --ngpu 4 --pt_args "--use_amp true"   # the paper's model sizes on GPUs
#
# Stages:
#   0  tools/install.sh (a no-op when up to date)
#   1  mmpt-synth: the embedded corpus in the real layouts under <db> (skipped with --synth false)
#   2  egs2/librispeech/asr1 stages 1-3: data prep, fbank dump, CMVN statistics
#   3  pre-training: egs2/<corpus>/pt1 for every corpus of --pt_corpora and method of --pt_methods, packed
#   4  mid-training: egs2/must_c/st1, en-<lang> speech translation from every pre-training pack, for every
#      language of --mid_langs and objective of --mid_tasks: st (translation alone, the paper) and st_ctc
#      (translation + CTC on the English source, asr_weight 0.3, as ESPnet's MuST-C ST recipes train)
#   5  fine-tuning: egs2/librispeech/asr1, CTC on the frozen encoder: the baseline (the same model, encoder
#      trained from scratch), every pre-trained encoder, every pre-trained + mid-trained encoder
#   6  Table 1: WER on test-clean / test-other and the relative improvements -> exp/run_all/RESULTS.md
#   7  SUPERB (egs2/superb/superb1, --superb_tasks) on the frozen encoders: no pre-training (the
#      pre-training encoder, randomly initialised), every pre-trained and pre-trained + mid-trained one
#   8  the SUPERB table: scores and relative improvements over no pre-training -> exp/run_all/SUPERB.md
# Re-running reuses finished work: every step skips what it already did, and an interrupted training
# resumes from its last epoch.
set -euo pipefail

log() { echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (run_all.sh:${BASH_LINENO[0]}) $*"; }

stage=0
stop_stage=100
preset=mini
seed=0
nj=$(nproc 2>/dev/null || echo 2)
synth=true
db=
grid=                   # paper: every method, pre-training corpus and mid-training language of the paper
pt_methods=mae          # any of mae clr mae_clr
pt_corpora=lrs3         # any of lrs3 voxceleb2 kinetics600
mid_langs=it            # any of de it nl
mid_tasks="st st_ctc"   # any of st (translation) st_ctc (translation + source-language CTC)
conf_scale=cpu          # cpu | paper (the paper's model sizes: for GPUs)
ngpu=0
pt_args=                # extra espnet2 options of every pre-training, e.g. "--max_epoch 5"
st_args=                # ... of every mid-training (default: the config's max_epoch, 30 at the cpu scale)
asr_args=               # ... of every fine-tuning (default: the config's max_epoch, 30 at the cpu scale)
superb_tasks="ks ic pr sd"
superb_args=            # extra s3prl overrides of every SUPERB task (",,"-separated)
help_message="Usage: $0 [--stage N] [--stop_stage M] [--preset tiny|mini|small] [--seed N] [--nj N] [--db DIR]
  [--synth true|false] [--grid paper] [--pt_methods \"mae clr mae_clr\"] [--pt_corpora \"lrs3 voxceleb2 kinetics600\"]
  [--mid_langs \"de it nl\"] [--mid_tasks \"st st_ctc\"] [--conf_scale cpu|paper] [--ngpu N] [--pt_args ...]
  [--st_args ...] [--asr_args ...] [--superb_tasks \"ks ic pr sd\"] [--superb_args ...]"

main_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "${main_root}/egs2/TEMPLATE/scripts/utils/parse_options.sh"

case "${grid}" in
    "") ;;
    paper) pt_methods="mae clr mae_clr"; pt_corpora="lrs3 voxceleb2 kinetics600"; mid_langs="de it nl"
           mid_tasks=st ;;
    *) log "Error: --grid must be paper (or empty), got '${grid}'"; exit 2 ;;
esac
# check_list NAME ALLOWED...: every word of ${NAME} is one of ALLOWED, and there is at least one.
check_list() {
    local name=$1 word
    shift
    [ -n "${!name// }" ] || { log "Error: --${name} is empty"; exit 2; }
    for word in ${!name}; do
        [[ " $* " == *" ${word} "* ]] || { log "Error: --${name}: '${word}' is not one of: $*"; exit 2; }
    done
}
check_list pt_methods mae clr mae_clr
check_list pt_corpora lrs3 voxceleb2 kinetics600
check_list mid_langs de it nl
check_list mid_tasks st st_ctc
case "${conf_scale}" in
    cpu|paper) ;;
    *) log "Error: --conf_scale must be cpu or paper, got '${conf_scale}'"; exit 2 ;;
esac

db=${db:-${main_root}/db/embedded_${preset}_seed${seed}}
db=$(mkdir -p "${db}" && cd "${db}" && pwd)
python="${main_root}/tools/venv/bin/python"
export LIBRISPEECH="${db}/librispeech" MUSTC="${db}/must_c" LRS3="${db}/lrs3" VOXCELEB2="${db}/voxceleb2" \
    KINETICS600="${db}/kinetics600" SPEECH_COMMANDS="${db}/speech_commands" \
    FLUENT_SPEECH_COMMANDS="${db}/fluent_speech_commands" LIBRIMIX="${db}/librimix"

egs="${main_root}/egs2"
asr_exp="${egs}/librispeech/asr1/exp"
greedy=conf/decode_asr_greedy.yaml
declare -A corpus_label=([lrs3]=LRS3 [voxceleb2]=VC2 [kinetics600]=K600)
# The names every stage agrees on (they are also the recipes' experiment names):
pt_pack() { echo "${egs}/$1/pt1/exp/pt_$2_${conf_scale}/packed"; }      # CORPUS METHOD
declare -A task_suffix=([st]="" [st_ctc]=_srcctc) task_label=([st]=ST [st_ctc]=ST+CTC)
st_tag() { echo "$1_$2_$3${task_suffix[$4]}"; }                         # CORPUS METHOD LANG TASK
st_pack() { echo "${egs}/must_c/st1/exp/st_$(st_tag "$@")/packed"; }    # CORPUS METHOD LANG TASK
pt_name() { echo "${2^^} (${corpus_label[$1]})"; }                       # CORPUS METHOD
st_name() { echo "$(pt_name "$1" "$2") + ${task_label[$4]} en-$3"; }    # CORPUS METHOD LANG TASK
# The st.sh options and the extra espnet2 training options of each mid-training objective.
declare -A task_st_opts=([st]="--use_src_text false" [st_ctc]="--use_src_text true")
declare -A task_train_opts=([st]="" [st_ctc]="--model_conf asr_weight=0.3 --model_conf mtlalpha=1.0")
first_corpus=${pt_corpora%% *}
random_pack="${egs}/${first_corpus}/pt1/exp/random_init_${conf_scale}/packed"

t_start=$(date +%s)
log "Grid: pre-training ${pt_methods} on ${pt_corpora}; mid-training (${mid_tasks}) en-{${mid_langs// /,}};" \
    "scale ${conf_scale}"
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
    (cd "${egs}/librispeech/asr1" && ./run.sh --stage 1 --stop_stage 3 --nj "${nj}")
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    for corpus in ${pt_corpora}; do
        for method in ${pt_methods}; do
            log "Stage 3: ${method} pre-training on ${corpus} (egs2/${corpus}/pt1) -> $(pt_pack "${corpus}" "${method}")"
            (cd "${egs}/${corpus}/pt1" && ./run.sh --nj "${nj}" --ngpu "${ngpu}" --pt_method "${method}" \
                --conf_scale "${conf_scale}" --pt_args "${pt_args}")
        done
    done
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    for corpus in ${pt_corpora}; do
        for method in ${pt_methods}; do
            for lang in ${mid_langs}; do
                for task in ${mid_tasks}; do
                    log "Stage 4: en-${lang} mid-training (${task}, egs2/must_c/st1) of" \
                        "$(pt_name "${corpus}" "${method}") -> $(st_pack "${corpus}" "${method}" "${lang}" "${task}")"
                    # shellcheck disable=SC2086
                    (cd "${egs}/must_c/st1" && ./run.sh --nj "${nj}" --ngpu "${ngpu}" --tgt_lang "${lang}" \
                        --pretrained_encoder "$(pt_pack "${corpus}" "${method}")" ${task_st_opts[${task}]} \
                        --st_tag "$(st_tag "${corpus}" "${method}" "${lang}" "${task}")" --conf_scale "${conf_scale}" \
                        --st_args "${task_train_opts[${task}]} ${st_args}")
                done
            done
        done
    done
fi

# The rows of Table 1 and of the SUPERB table: "name=ASR experiment" and "name=SUPERB upstream tag".
table_rows=("no pre-training=${asr_exp}/asr_scratch")
superb_rows=("no pre-training=${first_corpus}_random_init_${conf_scale}")
for corpus in ${pt_corpora}; do
    for method in ${pt_methods}; do
        table_rows+=("$(pt_name "${corpus}" "${method}")=${asr_exp}/asr_${corpus}_${method}")
        superb_rows+=("$(pt_name "${corpus}" "${method}")=${corpus}_pt_${method}_${conf_scale}")
        for lang in ${mid_langs}; do
            for task in ${mid_tasks}; do
                tag=$(st_tag "${corpus}" "${method}" "${lang}" "${task}")
                table_rows+=("$(st_name "${corpus}" "${method}" "${lang}" "${task}")=${asr_exp}/asr_${tag}")
                superb_rows+=("$(st_name "${corpus}" "${method}" "${lang}" "${task}")=must_c_st_${tag}")
            done
        done
    done
done

if [ "${stage}" -le 5 ] && [ "${stop_stage}" -ge 5 ]; then
    asr() { (cd "${egs}/librispeech/asr1" && ./run.sh --nj "${nj}" --ngpu "${ngpu}" --conf_scale "${conf_scale}" \
        --inference_configs "${greedy}" --asr_args "${asr_args}" "$@"); }
    log "Stage 5: CTC fine-tuning, baseline: no pre-training, encoder trained from scratch"
    asr --asr_tag scratch --freeze_encoder false
    for corpus in ${pt_corpora}; do
        for method in ${pt_methods}; do
            log "Stage 5: CTC fine-tuning on the frozen encoder of $(pt_name "${corpus}" "${method}")"
            asr --asr_tag "${corpus}_${method}" --pretrained_encoder "$(pt_pack "${corpus}" "${method}")"
            for lang in ${mid_langs}; do
                for task in ${mid_tasks}; do
                    log "Stage 5: CTC fine-tuning on the frozen encoder of" \
                        "$(st_name "${corpus}" "${method}" "${lang}" "${task}")"
                    asr --asr_tag "$(st_tag "${corpus}" "${method}" "${lang}" "${task}")" \
                        --pretrained_encoder "$(st_pack "${corpus}" "${method}" "${lang}" "${task}")"
                done
            done
        done
    done
fi

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then
    log "Stage 6: Table 1 -> exp/run_all/RESULTS.md"
    exp_args=()
    for row in "${table_rows[@]}"; do exp_args+=(--exp "${row}"); done
    "${python}" -m mmpt.report.asr_table --baseline "no pre-training" "${exp_args[@]}" \
        --sets test_clean test_other --decode decode_asr_greedy --out "${main_root}/exp/run_all/RESULTS.md"
fi

if [ "${stage}" -le 7 ] && [ "${stop_stage}" -ge 7 ]; then
    log "Stage 7: SUPERB (${superb_tasks}); the no-pre-training upstream -> ${random_pack}"
    "${python}" -m mmpt.bin.pack_encoder --config "$(dirname "$(pt_pack "${first_corpus}" "${pt_methods%% *}")")/config.yaml" \
        --random_init "${seed}" --out "${random_pack}"
    superb() { (cd "${egs}/superb/superb1" && ./run.sh --tasks "${superb_tasks}" --conf_scale "${conf_scale}" \
        --nj "${nj}" --superb_args "${superb_args}" "$@"); }
    superb --stage 1 --stop_stage 1
    packs=("${random_pack}")
    for corpus in ${pt_corpora}; do
        for method in ${pt_methods}; do
            packs+=("$(pt_pack "${corpus}" "${method}")")
            for lang in ${mid_langs}; do
                for task in ${mid_tasks}; do packs+=("$(st_pack "${corpus}" "${method}" "${lang}" "${task}")"); done
            done
        done
    done
    for pack in "${packs[@]}"; do
        log "Stage 7: SUPERB on ${pack}"
        superb --stage 2 --stop_stage 4 --upstream_ckpt "${pack}"
    done
fi

if [ "${stage}" -le 8 ] && [ "${stop_stage}" -ge 8 ]; then
    log "Stage 8: SUPERB table -> exp/run_all/SUPERB.md"
    up_args=()
    for row in "${superb_rows[@]}"; do up_args+=(--upstream "${row}"); done
    # shellcheck disable=SC2086
    "${python}" -m mmpt.report.superb_table --expdir "${egs}/superb/superb1/exp" --tasks ${superb_tasks} \
        --baseline "no pre-training" "${up_args[@]}" --out "${main_root}/exp/run_all/SUPERB.md"
fi

log "Finished in $(( $(date +%s) - t_start )) s"
