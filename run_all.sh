#!/usr/bin/env bash
# The main job: the controlled study of egs2/librispeech/asr1/STUDY.md on the embedded corpus. For every
# seed: the corpus, pre-training, mid-training, the controls, frozen-encoder fine-tuning of every arm on
# low-resource labelled subsets, SUPERB; then one report over the seeds with CIs, p-values and figures.
#
#   ./run_all.sh                          # one seed of the study (seed 1, preset study)
#   ./run_all.sh --seeds "1 2 3 4 5"      # the study (its confirmatory seeds); finished seeds are reused
#   ./run_all.sh --seeds 1 --jobs 2       # two steps at a time, one thread each (the models are small)
#   ./run_all.sh --preset tiny --label_sets 20s --head_epochs 20s=2 ...   # the tiny corpus of the tests
#   ./run_all.sh --grid paper             # the paper's grid: {mae,clr,mae_clr} x {lrs3,voxceleb2,kinetics600}
#                                         # x {de,it,nl} (many hours on a CPU)
#   ./run_all.sh --pt_methods "mae clr mae_clr" --pt_corpora "lrs3 kinetics600" --mid_langs "it nl"
#   ./run_all.sh --stage 6 --stop_stage 6 # only the report, from what the seeds have scored
#   ./run_all.sh --db /data/corpora --synth false ...   # REAL corpora in the embedded corpus's arrangement
#   ./run_all.sh --conf_scale paper --ngpu 4 --pt_args "--use_amp true"   # the paper's model sizes on GPUs
#
# Stages:
#   0  tools/install.sh (a no-op when up to date)
#   1  mmpt-synth: the embedded corpus of each seed under db/embedded_<preset>_seed<N> (skipped: --synth false)
#   2  LibriSpeech data, fbank, CMVN; the nested labelled subsets (--label_sets) of the seed
#   3  pre-training (--pt_corpora x --pt_methods), BN statistics re-estimated, packed; the random encoder;
#      the positive control (CTC on the pre-training corpus's transcripts)
#   4  mid-training (--mid_langs x --mid_tasks; + ST+CTC as the labelled extra arm); the domain control
#      (continued MAE on the MuST-C audio)
#   5  CTC fine-tuning of every arm on every labelled subset (frozen encoders: cached encoder outputs;
#      last-layer head, and the weighted-sum head on the first subset); the no-pre-training arm
#   6  the report over the seeds -> exp/run_all/RESULTS.md, figure3.png
#   7  SUPERB (--superb_tasks) on the random, the first pre-trained and its mid-trained encoder
#   8  the report again, with SUPERB and figure2.png
# Each seed works in exp/run_all/seed<N>/ (links to the recipes, its own data/dump/exp). Re-running reuses
# finished work: every step skips what it already did, and an interrupted training resumes.
set -euo pipefail

log() { echo -e "$(date '+%Y-%m-%dT%H:%M:%S') (run_all.sh:${BASH_LINENO[0]}) $*"; }

stage=0
stop_stage=100
preset=study
seeds=1                 # the study's confirmatory seeds are 1-5 (STUDY.md); 0 is the development seed
seed=                   # alias of --seeds with one seed
nj=$(nproc 2>/dev/null || echo 2)
jobs=1                  # steps of a seed run at the same time, each with nproc/jobs threads (2 on a 2-core box)
synth=true
db=                     # default: db/embedded_<preset>_seed<N>, one per seed
grid=                   # paper: every method, pre-training corpus and mid-training language of the paper
pt_methods="mae clr"    # any of mae clr mae_clr
pt_corpora=lrs3         # any of lrs3 voxceleb2 kinetics600
mid_langs=it            # any of de it nl
mid_tasks=st            # any of st (translation, the paper) st_ctc (translation + source-language CTC)
extra_st_ctc=true       # the labelled extra arm: the first method + ST+CTC on the first language
controls="positive domain"   # positive: supervised CTC encoder; domain: continued MAE on MuST-C audio
label_sets="10min 1h"   # nested labelled subsets of train-clean-100; the first is the primary one
head_epochs="10min=60 1h=20"
pt_epochs=8
st_epochs=8
conf_scale=cpu          # cpu | paper (the paper's model sizes: for GPUs)
ngpu=0
pt_args=                # extra espnet2 options of every pre-training
st_args=                # ... of every mid-training
asr_args=               # ... of every fine-tuning
superb_tasks="ks ic pr sd"
superb_args=            # extra s3prl overrides of every SUPERB task (",,"-separated)
n_resamples=10000       # bootstrap and permutation resamples of the report
help_message="Usage: $0 [--stage N] [--stop_stage M] [--preset tiny|mini|study|small] [--seeds \"1 2 3 4 5\"]
  [--nj N] [--jobs N] [--db DIR] [--synth true|false] [--grid paper] [--pt_methods \"mae clr mae_clr\"]
  [--pt_corpora \"lrs3 voxceleb2 kinetics600\"] [--mid_langs \"de it nl\"] [--mid_tasks \"st st_ctc\"]
  [--extra_st_ctc true|false] [--controls \"positive domain\"] [--label_sets \"10min 1h\"]
  [--head_epochs \"10min=60 1h=20\"] [--pt_epochs N] [--st_epochs N] [--conf_scale cpu|paper] [--ngpu N]
  [--pt_args ...] [--st_args ...] [--asr_args ...] [--superb_tasks \"ks ic pr sd\"] [--superb_args ...]"

main_root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command_line="./run_all.sh $*"
. "${main_root}/egs2/TEMPLATE/scripts/utils/parse_options.sh"
[ -n "${seed}" ] && seeds=${seed}

case "${grid}" in
    "") ;;
    paper) pt_methods="mae clr mae_clr"; pt_corpora="lrs3 voxceleb2 kinetics600"; mid_langs="de it nl"
           mid_tasks=st ;;
    *) log "Error: --grid must be paper (or empty), got '${grid}'"; exit 2 ;;
esac
for s in ${seeds}; do
    [[ "${s}" =~ ^[0-9]+$ ]] || { log "Error: --seeds takes non-negative integers, got '${s}'"; exit 2; }
done
[ -n "${seeds// }" ] || { log "Error: --seeds is empty"; exit 2; }

python="${main_root}/tools/venv/bin/python"
exp_root="${main_root}/exp/run_all"
grid_opts=(--pt_corpora "${pt_corpora}" --pt_methods "${pt_methods}" --mid_langs "${mid_langs}"
           --mid_tasks "${mid_tasks}" --controls "${controls}" --label_sets "${label_sets}"
           --conf_scale "${conf_scale}" --extra_st_ctc "${extra_st_ctc}")
study_opts=("${grid_opts[@]}" --pt_epochs "${pt_epochs}" --st_epochs "${st_epochs}" --head_epochs "${head_epochs}"
            --nj "${nj}" --jobs "${jobs}" --ngpu "${ngpu}" --pt_args "${pt_args}" --st_args "${st_args}"
            --asr_args "${asr_args}"
            --superb_tasks "${superb_tasks}" --superb_args "${superb_args}" --exp_root "${exp_root}")

t_start=$(date +%s)
log "Study: seeds ${seeds}, preset ${preset}; pre-training ${pt_methods} on ${pt_corpora}; mid-training" \
    "(${mid_tasks}) en-{${mid_langs// /,}}; controls: ${controls:-none}; labelled subsets: ${label_sets};" \
    "scale ${conf_scale}"
if [ "${stage}" -le 0 ] && [ "${stop_stage}" -ge 0 ]; then
    log "Stage 0: install (tools/install.sh)"
    bash "${main_root}/tools/install.sh"
fi
if [ ! -x "${python}" ]; then
    log "Error: ${python} is missing: run stage 0 (bash tools/install.sh)"
    exit 1
fi
# Grid and option errors before any work.
"${python}" -m mmpt.bin.study plan --seed 0 "${study_opts[@]}" > /dev/null

# report: the study report over every seed (stages 6 and 8).
report() {
    log "Stage $1: the report over seeds ${seeds} -> ${exp_root}/RESULTS.md"
    "${python}" -m mmpt.report.study_report --exp_root "${exp_root}" --seeds "${seeds}" "${grid_opts[@]}" \
        --superb_tasks "${superb_tasks}" --n_resamples "${n_resamples}" --command "${command_line}" \
        --out "${exp_root}/RESULTS.md"
}

for s in ${seeds}; do
    seed_db=${db:-${main_root}/db/embedded_${preset}_seed${s}}
    seed_db=$(mkdir -p "${seed_db}" && cd "${seed_db}" && pwd)
    export LIBRISPEECH="${seed_db}/librispeech" MUSTC="${seed_db}/must_c" LRS3="${seed_db}/lrs3" \
        VOXCELEB2="${seed_db}/voxceleb2" KINETICS600="${seed_db}/kinetics600" \
        SPEECH_COMMANDS="${seed_db}/speech_commands" FLUENT_SPEECH_COMMANDS="${seed_db}/fluent_speech_commands" \
        LIBRIMIX="${seed_db}/librimix"
    if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ] && [ "${synth}" = true ]; then
        log "Stage 1: embedded corpus, preset ${preset}, seed ${s} -> ${seed_db}"
        "${python}" -m mmpt.bin.synth --out "${seed_db}" --preset "${preset}" --seed "${s}" --nj "${nj}"
    fi
    # stage 6 (the report) has no step of its own: one call runs 2-5 and 7, so that with --jobs SUPERB can
    # overlap the fine-tunings
    from=$(( stage > 2 ? stage : 2 )); to=$(( stop_stage < 7 ? stop_stage : 7 ))
    if [ "${from}" -le "${to}" ]; then
        log "Stages ${from}-${to} of seed ${s} (exp/run_all/seed${s}; plan: python -m mmpt.bin.study plan --seed ${s})"
        "${python}" -m mmpt.bin.study run --seed "${s}" --stage "${from}" --stop_stage "${to}" "${study_opts[@]}"
    fi
done

if [ "${stage}" -le 6 ] && [ "${stop_stage}" -ge 6 ]; then report 6; fi
if [ "${stage}" -le 8 ] && [ "${stop_stage}" -ge 8 ]; then report 8; fi

log "Finished in $(( $(date +%s) - t_start )) s"
