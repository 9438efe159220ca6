#!/usr/bin/env bash
# Shared ASR recipe stages. Run it from a recipe directory (egs2/<corpus>/asr1/) through its run.sh.
#
#   Stage 1: data preparation: local/data.sh of the recipe writes data/<set>; each set is validated
#   Stage 2: 80-dim Kaldi fbank of every set -> ${dumpdir}/fbank/<set>/feats.scp (+ ark)
#   Stage 3: global CMVN statistics of the training set -> ${expdir}/asr_stats_fbank/train/feats_stats.npz
#   Stages 4-13 are kept for token lists, training, decoding and scoring.
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

# Data preparation
local_data_opts=        # options passed to local/data.sh
train_set=              # name of the training data directory (data/<train_set>)
valid_set=              # name of the validation data directory
test_sets=              # names of the evaluation data directories, space separated

# Features
feats_type=fbank        # the only kind so far: Kaldi fbank
fbank_conf=conf/fbank.yaml   # fbank options (YAML)

help_message=$(cat <<EOF
Usage: $0 --train_set <set> --valid_set <set> --test_sets "<set> <set>" [options]

Stages:
  1: data preparation (local/data.sh), then validation of data/<set>
  2: fbank features of every set -> <dumpdir>/fbank/<set>/feats.scp
  3: global CMVN statistics of the training set -> <expdir>/asr_stats_fbank/train/feats_stats.npz

Options:
  --stage           first stage to run (default: ${stage})
  --stop_stage      last stage to run (default: ${stop_stage})
  --nj              number of parallel jobs (default: ${nj})
  --cmd_backend     local or slurm (default from cmd.sh: ${cmd_backend})
  --dumpdir         feature directory (default: ${dumpdir})
  --expdir          experiment directory (default: ${expdir})
  --local_data_opts options for local/data.sh (default: "${local_data_opts}")
  --train_set       training set name (required)
  --valid_set       validation set name (required)
  --test_sets       evaluation set names, space separated (required)
  --feats_type      feature type (default: ${feats_type})
  --fbank_conf      fbank configuration (default: ${fbank_conf})
EOF
)

log "$0 $*"
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

# Every set, each once, in order: training, validation, evaluation.
all_sets=()
for dset in ${train_set} ${valid_set} ${test_sets}; do
    case " ${all_sets[*]:-} " in
        *" ${dset} "*) ;;
        *) all_sets+=("${dset}") ;;
    esac
done

feats_dir=${dumpdir}/${feats_type}
stats_dir=${expdir}/asr_stats_${feats_type}

# Job options of the python runners: the backend and, on Slurm, the resources from cmd.sh.
job_opts=(--nj "${nj}" --backend "${cmd_backend}")
if [ "${cmd_backend}" = slurm ]; then
    job_opts+=(--slurm_time "${slurm_time}" --slurm_mem "${slurm_mem}" --slurm_extra "${slurm_extra}")
    [ -n "${slurm_partition}" ] && job_opts+=(--slurm_partition "${slurm_partition}")
    [ -n "${slurm_account}" ] && job_opts+=(--slurm_account "${slurm_account}")
    [ -n "${slurm_qos}" ] && job_opts+=(--slurm_qos "${slurm_qos}")
fi

# sha256 of stdin.
sha256() {
    if command -v sha256sum >/dev/null; then sha256sum | cut -d' ' -f1; else shasum -a 256 | cut -d' ' -f1; fi
}

# check_sets: every set needed by later stages must have a data directory.
check_sets() {
    local missing=() dset
    for dset in "${all_sets[@]}"; do
        [ -d "data/${dset}" ] || missing+=("data/${dset}")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "Error: missing data director$([ ${#missing[@]} -gt 1 ] && echo ies || echo y): ${missing[*]}"
        log "  run stage 1 (local/data.sh), or choose the sets that exist with --train_set/--valid_set/--test_sets"
        exit 1
    fi
}

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ]; then
    log "Stage 1: data preparation: local/data.sh ${local_data_opts}"
    if [ ! -x local/data.sh ]; then
        log "Error: local/data.sh is missing or not executable"
        exit 1
    fi
    # shellcheck disable=SC2086
    local/data.sh ${local_data_opts}
    check_sets
    for dset in "${all_sets[@]}"; do
        log "Stage 1: validating data/${dset}"
        if ! python -m mmpt.bin.datadir validate "data/${dset}"; then
            log "Error: data/${dset} is inconsistent (problems above); fix local/data.sh or run:"
            log "  python -m mmpt.bin.datadir fix data/${dset}"
            exit 1
        fi
    done
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    check_sets
    for dset in "${all_sets[@]}"; do
        log "Stage 2: fbank of data/${dset} -> ${feats_dir}/${dset} (nj=${nj}, ${cmd_backend})"
        python -m mmpt.bin.dump_fbank "${job_opts[@]}" --config "${fbank_conf}" "data/${dset}" "${feats_dir}/${dset}"
    done
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    scp=${feats_dir}/${train_set}/feats.scp
    if [ ! -f "${scp}" ]; then
        log "Error: ${scp} does not exist; run stage 2 first"
        exit 1
    fi
    stats=${stats_dir}/train/feats_stats.npz
    # The dump's .done marker changes whenever the features are recomputed (the scp alone may not).
    stamp=$({ cat "${scp}"; cat "${feats_dir}/${train_set}/.done" 2>/dev/null || true; } | sha256)
    if [ -f "${stats}" ] && [ "$(cat "${stats}.stamp" 2>/dev/null)" = "${stamp}" ]; then
        log "Stage 3: ${stats} is up to date"
    else
        log "Stage 3: global CMVN statistics of ${scp} -> ${stats}"
        rm -f "${stats}.stamp"
        python -m mmpt.bin.compute_cmvn --nj "${nj}" "${scp}" "${stats}"
        echo "${stamp}" > "${stats}.stamp"
    fi
fi

last_stage=3
if [ "${stop_stage}" -gt "${last_stage}" ]; then
    log "Stages after ${last_stage} (tokens, training, decoding, scoring) are not part of asr.sh yet."
fi
log "Successfully finished. [elapsed=${SECONDS}s]"
