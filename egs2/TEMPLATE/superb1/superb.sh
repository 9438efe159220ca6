#!/usr/bin/env bash
# Shared SUPERB stages: s3prl downstream tasks on the frozen mmpt encoder (mmpt-superb, upstream mmpt_upstream).
# Run it from a recipe directory (egs2/<corpus>/superb1/) through its run.sh.
#
#   Stage 1: data preparation: local/data.sh --tasks "<tasks>" writes, per task, what s3prl reads
#            (KS: data/ks/s3prl/, IC: data/ic/s3prl/, PR: data/pr/{csv,lexicon.txt,phones.txt},
#            SD: data/sd/{train,dev,test}); the Kaldi data directories are validated
#   Stage 2: training of each task's downstream head on the frozen upstream -> <expdir>/<tag>/<task>/
#   Stage 3: evaluation of the best (or last) checkpoint on the test split -> <expdir>/<tag>/<task>/evaluate_test/
#   Stage 4: scoring (KS/IC accuracy, PR PER, SD DER) -> result.json per task and <expdir>/RESULTS.md
#
# Every stage is resumable: a finished training or evaluation whose inputs did not change is skipped, and an
# interrupted training goes on from its last s3prl checkpoint (states-<step>.ckpt).
set -euo pipefail

. "$(dirname "$0")/scripts/utils/options.sh"
stage_script_setup "egs2/<corpus>/superb1/"

# General options
stage=1                 # first stage to run
stop_stage=10000        # last stage to run
tasks="ks ic pr sd"     # SUPERB tasks to run, among ks ic pr sd
nj=4                    # parallel jobs of the data preparation
datadir=data            # data preparation output
expdir=exp              # experiments go to <expdir>/<upstream_tag>/<task>
local_data_opts=        # options passed to local/data.sh

# Upstream
upstream_ckpt=          # the encoder's checkpoint: a .pth beside its config.yaml (espnet2 ASR/ST/pre-training),
                        # a pack directory (model.pth, config.yaml, ...) or an espnet2 experiment directory
upstream_tag=           # experiment name (default: the checkpoint's experiment, as asr.sh names it)

# Training and evaluation
conf_scale=auto         # paper: SUPERB hyper-parameters; cpu: short runs for the embedded corpus on a CPU;
                        # auto: paper on a GPU with corpora of >= auto_min_items training items, else cpu
auto_min_items=1000     # --conf_scale auto: fewer training items than this in any task -> cpu configs
confdir=conf            # configs are <confdir>/<conf_scale>/<task>.yaml
ks_config=              # override the config of one task (a file)
ic_config=
pr_config=
sd_config=
superb_args=            # more s3prl overrides for every task, ",,"-separated, e.g. "config.runner.total_steps=500"
ks_args=                # more s3prl overrides for one task
ic_args=
pr_args=
sd_args=
ngpu=                   # 0: CPU, 1: one GPU (default: 1 when CUDA is available, else 0)
device=                 # alias of --ngpu: cpu (= --ngpu 0) | cuda or cuda:N (= --ngpu 1)
num_threads=1           # CPU threads of each s3prl process (OMP_NUM_THREADS)
evaluate_ckpt=best      # best: the checkpoint best on dev (the last one if none was saved); last: the last one

# Scoring
sd_collar=0.0           # SD: seconds not scored on each side of reference boundaries (md-eval -c)

help_message=$(cat <<EOF
Usage: $0 --upstream_ckpt <model .pth | pack dir | espnet2 exp dir> [options]

Stages:
  1: data preparation (local/data.sh --tasks "<tasks>"), validation of the Kaldi data directories
  2: training of the downstream heads (mmpt-superb -m train) -> <expdir>/<tag>/<task>/
  3: evaluation on the test split (mmpt-superb -m evaluate) -> <expdir>/<tag>/<task>/evaluate_test/
  4: scoring -> <expdir>/<tag>/<task>/evaluate_test/result.{json,txt}, <expdir>/RESULTS.md

Options:
  --stage            first stage to run (default: ${stage})
  --stop_stage       last stage to run (default: ${stop_stage})
  --tasks            tasks among ks ic pr sd (default: "${tasks}")
  --nj               parallel jobs of the data preparation (default: ${nj})
  --datadir          data directory (default: ${datadir})
  --expdir           experiment directory (default: ${expdir})
  --local_data_opts  options for local/data.sh (default: "${local_data_opts}")
  --upstream_ckpt    the upstream checkpoint (required for stages 2-3; stage 4 needs it or --upstream_tag)
  --upstream_tag     experiment name (default: the checkpoint's experiment directory name)
  --conf_scale       paper, cpu or auto (default: ${conf_scale}): configs <confdir>/<conf_scale>/<task>.yaml;
                     auto picks paper on a GPU when every task has >= --auto_min_items training items, else
                     cpu (the paper configs' batch sizes, workers and 200k steps suit neither a CPU nor a
                     small corpus), and says which and why
  --auto_min_items   see --conf_scale auto (default: ${auto_min_items})
  --confdir          configuration directory (default: ${confdir})
  --ks_config, --ic_config, --pr_config, --sd_config   a config file for one task
  --superb_args      s3prl -o overrides for every task, e.g. "config.runner.total_steps=500,,config.optimizer.lr=1e-3"
  --ks_args, --ic_args, --pr_args, --sd_args   s3prl -o overrides for one task
  --ngpu             0 (CPU) or 1 (one GPU; s3prl's runner trains on one device here) (default: 1 when CUDA
                     is available, else 0)
  --device           alias of --ngpu: cpu, cuda or cuda:N (one GPU)
  --num_threads      CPU threads of each s3prl process (default: ${num_threads}; s3prl's heads run many small
                     ops, which more threads slow down on a small or shared CPU: raise it on an idle many-core one)
  --evaluate_ckpt    best or last (default: ${evaluate_ckpt})
  --sd_collar        SD scoring collar in seconds, each side (default: ${sd_collar})
EOF
)

parse_stage_options "$@"
. scripts/utils/stages.sh

for task in ${tasks}; do
    case "${task}" in
        ks|ic|pr|sd) ;;
        *) log "Error: unknown task '${task}' in --tasks; choose among ks ic pr sd"; exit 2 ;;
    esac
done
case "${conf_scale}" in
    paper|cpu|auto) ;;
    *) log "Error: --conf_scale must be paper, cpu or auto, got '${conf_scale}'"; exit 2 ;;
esac
case "${evaluate_ckpt}" in
    best|last) ;;
    *) log "Error: --evaluate_ckpt must be best or last, got '${evaluate_ckpt}'"; exit 2 ;;
esac
if ! [[ "${num_threads}" =~ ^[1-9][0-9]*$ ]]; then
    log "Error: --num_threads must be a positive integer, got '${num_threads}'"
    exit 2
fi
if [ -n "${device}" ] && [ "${device}" != cpu ] && [[ ! "${device}" =~ ^cuda(:[0-9]+)?$ ]]; then
    log "Error: --device must be cpu or cuda, got '${device}'"
    exit 2
fi
if [ -n "${ngpu}" ] && ! [[ "${ngpu}" =~ ^[0-9]+$ ]]; then
    log "Error: --ngpu must be 0 or 1, got '${ngpu}'"
    exit 2
fi
if [ -n "${ngpu}" ] && [ "${ngpu}" -gt 1 ]; then
    log "Error: --ngpu ${ngpu}: this recipe runs s3prl's runner on one device; use --ngpu 1 (or 0 for the CPU)"
    exit 2
fi
# --device is the alias: they must agree when both are given; the device s3prl gets follows from them
if [ -n "${device}" ] && [ -n "${ngpu}" ] && { [ "${device}" = cpu ] && [ "${ngpu}" != 0 ] || [ "${device}" != cpu ] && [ "${ngpu}" = 0 ]; }; then
    log "Error: --device ${device} and --ngpu ${ngpu} disagree (--device is an alias: give one of them)"
    exit 2
fi
if [ -z "${ngpu}" ]; then
    if [ -n "${device}" ]; then
        [ "${device}" = cpu ] && ngpu=0 || ngpu=1
    else
        ngpu=$(python -c 'import torch; print(min(1, torch.cuda.device_count()))' 2>/dev/null || echo 0)
    fi
fi
if [ -z "${device}" ]; then
    [ "${ngpu}" = 0 ] && device=cpu || device=cuda
fi

# s3prl downstream of each task
declare -A downstream=([ks]=speech_commands [ic]=fluent_commands [pr]=ctc [sd]=diarization)
# the checkpoint s3prl saves when the dev score improves
declare -A best_ckpt=([ks]=dev-best.ckpt [ic]=dev-best.ckpt [pr]=dev-best.ckpt [sd]=best-states-dev.ckpt)

# Upstream checkpoint: an absolute model file (s3prl keeps the path in its checkpoints).
if [ -n "${upstream_ckpt}" ]; then
    if [ -d "${upstream_ckpt}" ]; then
        upstream_ckpt=$(pick_model "${upstream_ckpt}" model.pth)
    fi
    if [ ! -f "${upstream_ckpt}" ]; then
        log "Error: --upstream_ckpt ${upstream_ckpt} does not exist"
        exit 1
    fi
    upstream_ckpt=$(cd "$(dirname "${upstream_ckpt}")" && pwd)/$(basename "${upstream_ckpt}")
    [ -z "${upstream_tag}" ] && upstream_tag=$(pretrained_tag "${upstream_ckpt}")
elif [ "${stop_stage}" -ge 2 ] && [ "${stage}" -le 3 ]; then
    log "Error: --upstream_ckpt is required for stages 2 and 3 (a model .pth, a pack or an espnet2 exp dir)"
    exit 2
fi

mkdir -p "${datadir}"
data_abs=$(cd "${datadir}" && pwd)

# task_config TASK: the config file of TASK.
task_config() {
    local var=${1}_config
    if [ -n "${!var}" ]; then
        echo "${!var}"
    else
        echo "${confdir}/${conf_scale}/${1}.yaml"
    fi
}

# data_overrides TASK: s3prl -o overrides pointing TASK at the prepared data (absolute paths).
data_overrides() {
    local e=config.downstream_expert d=${data_abs}
    case "$1" in
        ks) echo "${e}.datarc.speech_commands_root=${d}/ks/s3prl/speech_commands_v0.01,,${e}.datarc.speech_commands_test_root=${d}/ks/s3prl/speech_commands_test_set_v0.01" ;;
        ic) echo "${e}.datarc.file_path=${d}/ic/s3prl" ;;
        pr) echo "${e}.corpus.csv_dir=${d}/pr/csv,,${e}.corpus.lexicon=['${d}/pr/lexicon.txt'],,${e}.text.vocab_file=${d}/pr/phones.txt" ;;
        sd) echo "${e}.loaderrc.train_dir=${d}/sd/train,,${e}.loaderrc.dev_dir=${d}/sd/dev,,${e}.loaderrc.test_dir=${d}/sd/test" ;;
    esac
}

# task_overrides TASK: the data overrides, then --superb_args, then --<task>_args.
task_overrides() {
    local var=${1}_args out
    out=$(data_overrides "$1")
    [ -n "${superb_args}" ] && out+=",,${superb_args}"
    [ -n "${!var}" ] && out+=",,${!var}"
    echo "${out}"
}

# data_inputs TASK: the files s3prl reads for TASK (missing ones make stage 2 stop).
data_inputs() {
    case "$1" in
        ks) echo "${datadir}/ks/s3prl/speech_commands_v0.01/validation_list.txt" ;;
        ic) echo "${datadir}/ic/s3prl/data/train_data.csv ${datadir}/ic/s3prl/data/valid_data.csv ${datadir}/ic/s3prl/data/test_data.csv" ;;
        pr) echo "${datadir}/pr/csv/train.csv ${datadir}/pr/csv/dev.csv ${datadir}/pr/csv/test.csv ${datadir}/pr/lexicon.txt ${datadir}/pr/phones.txt" ;;
        sd) echo "${datadir}/sd/train/wav.scp ${datadir}/sd/dev/wav.scp ${datadir}/sd/test/wav.scp ${datadir}/sd/test/rttm" ;;
    esac
}

# data_fingerprint TASK: what the data of TASK looks like (file lists and tables), for the done markers.
data_fingerprint() {
    case "$1" in
        ks) (cd "${datadir}/ks/s3prl" && find . -type l -printf '%p %l\n' | LC_ALL=C sort) ;;
        ic) cat "${datadir}"/ic/s3prl/data/*_data.csv ;;
        pr) cat "${datadir}"/pr/csv/*.csv "${datadir}/pr/lexicon.txt" "${datadir}/pr/phones.txt" ;;
        sd) cat "${datadir}"/sd/{train,dev,test}/{wav.scp,segments,utt2spk} ;;
    esac
}

# superb_cmd ARGS...: mmpt-superb with the recipe's device choice.
superb_cmd() {
    OMP_NUM_THREADS=${num_threads} MKL_NUM_THREADS=${num_threads} python -m mmpt.bin.superb "$@" --device "${device}"
}

# last_states DIR: the states-<step>.ckpt of DIR with the highest step ("" when none).
last_states() {
    local f best="" best_step=-1 step
    for f in "$1"/states-*.ckpt; do
        [ -e "${f}" ] || continue
        step=${f##*/states-}
        step=${step%.ckpt}
        if [[ "${step}" =~ ^[0-9]+$ ]] && [ "${step}" -gt "${best_step}" ]; then
            best=${f}
            best_step=${step}
        fi
    done
    echo "${best}"
}

if [ "${stage}" -le 1 ] && [ "${stop_stage}" -ge 1 ]; then
    log "Stage 1: data preparation: local/data.sh --tasks \"${tasks}\" --datadir ${datadir} --nj ${nj} ${local_data_opts}"
    if [ ! -x local/data.sh ]; then
        log "Error: local/data.sh is missing or not executable"
        exit 1
    fi
    # shellcheck disable=SC2086
    local/data.sh --tasks "${tasks}" --datadir "${datadir}" --nj "${nj}" ${local_data_opts}
    for task in ${tasks}; do
        case "${task}" in
            ks) sets="train valid test" ;;
            ic) sets="train valid test" ;;
            pr) sets=$(find "${datadir}/pr" -mindepth 1 -maxdepth 1 -type d ! -name csv -printf '%f\n' | LC_ALL=C sort) ;;
            sd) sets="train dev test" ;;
        esac
        for dset in ${sets}; do
            log "Stage 1: validating ${datadir}/${task}/${dset}"
            if ! python -m mmpt.bin.datadir validate "${datadir}/${task}/${dset}"; then
                log "Error: ${datadir}/${task}/${dset} is inconsistent (problems above); fix the corpus or local/data.sh"
                exit 1
            fi
        done
        for f in $(data_inputs "${task}"); do
            require_file "${f}" "local/data.sh did not write it"
        done
    done
fi

# train_items TASK: items of the largest data directory of TASK (its training set), 0 before stage 1.
train_items() {
    local f n max=0
    for f in "${datadir}/$1"/*/wav.scp; do
        [ -f "${f}" ] || continue
        n=$(wc -l < "${f}")
        [ "${n}" -gt "${max}" ] && max=${n}
    done
    echo "${max}"
}

# --conf_scale auto: the paper configs on a GPU with corpora big enough for them, else the CPU configs.
if [ "${conf_scale}" = auto ] && [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 2 ]; then
    conf_scale=paper
    reason="a GPU and at least ${auto_min_items} training items in every task"
    if [ "${ngpu}" = 0 ]; then
        conf_scale=cpu
        reason="no GPU (--ngpu 0)"
    else
        for task in ${tasks}; do
            n=$(train_items "${task}")
            if [ "${n}" -lt "${auto_min_items}" ]; then
                conf_scale=cpu
                reason="${task^^} has ${n} training items (< --auto_min_items ${auto_min_items}): a small corpus"
                break
            fi
        done
    fi
    log "--conf_scale auto: using the ${conf_scale} configs (${confdir}/${conf_scale}/) because of ${reason}; " \
        "give --conf_scale paper or cpu to choose"
fi

if [ "${stage}" -le 2 ] && [ "${stop_stage}" -ge 2 ]; then
    for task in ${tasks}; do
        task_exp=${expdir}/${upstream_tag}/${task}
        config=$(task_config "${task}")
        require_file "${config}" "give an existing --${task}_config or --conf_scale"
        for f in $(data_inputs "${task}"); do
            require_file "${f}" "run stage 1 first"
        done
        overrides=$(task_overrides "${task}")
        stamp=$({ echo "${upstream_ckpt}"; stat -L -c '%s %Y' "${upstream_ckpt}"; cat "${config}";
                  echo "${overrides}"; data_fingerprint "${task}"; } | sha256)
        if [ -f "${task_exp}/.train.done" ] && [ "$(cat "${task_exp}/.train.done")" = "${stamp}" ]; then
            log "Stage 2: ${task_exp} is trained (up to date; remove ${task_exp}/.train.done to train again)"
            continue
        fi
        if [ -d "${task_exp}" ] && [ "$(cat "${task_exp}/.train.stamp" 2>/dev/null)" != "${stamp}" ] \
                && [ -n "$(ls -A "${task_exp}" 2>/dev/null)" ]; then
            old=${task_exp}.old.$(date '+%Y%m%d%H%M%S')
            log "Stage 2: the inputs of ${task_exp} changed (upstream, config, overrides or data): moving it to ${old}"
            mv "${task_exp}" "${old}"
        fi
        mkdir -p "${task_exp}"
        echo "${stamp}" > "${task_exp}/.train.stamp"
        echo "${upstream_ckpt}" > "${task_exp}/upstream"
        resume=$(last_states "${task_exp}")
        log "Stage 2: training ${task^^} (${downstream[${task}]}, ${config}) on ${upstream_ckpt}" \
            "${resume:+(resuming from ${resume}) }-> ${task_exp}; log: ${task_exp}/train.log"
        {
            echo "# $(date '+%Y-%m-%dT%H:%M:%S') from $(pwd)"
            printf '%q ' OMP_NUM_THREADS="${num_threads}" python -m mmpt.bin.superb -m train -a -u mmpt_upstream -k "${upstream_ckpt}" \
                -d "${downstream[${task}]}" -c "${config}" -p "${task_exp}" -o "${overrides}" --device "${device}"
            echo
        } >> "${task_exp}/train.cmd"
        if ! superb_cmd -m train -a -u mmpt_upstream -k "${upstream_ckpt}" -d "${downstream[${task}]}" \
                -c "${config}" -p "${task_exp}" -o "${overrides}" >> "${task_exp}/train.log" 2>&1; then
            log "Error: training ${task^^} failed; the last lines of ${task_exp}/train.log:"
            grep -v -e '^\[nltk_data\]' -e 'it/s\]$' -e 's/it\]$' "${task_exp}/train.log" | tail -n 40 >&2
            exit 1
        fi
        if [ -z "$(last_states "${task_exp}")" ]; then
            log "Error: training ${task^^} wrote no states-*.ckpt into ${task_exp} (see ${task_exp}/train.log)"
            exit 1
        fi
        echo "${stamp}" > "${task_exp}/.train.done"
    done
fi

if [ "${stage}" -le 3 ] && [ "${stop_stage}" -ge 3 ]; then
    for task in ${tasks}; do
        task_exp=${expdir}/${upstream_tag}/${task}
        eval_dir=${task_exp}/evaluate_test
        require_file "${task_exp}/.train.done" "run stage 2 first"
        ckpt=
        if [ "${evaluate_ckpt}" = best ]; then
            if [ -f "${task_exp}/${best_ckpt[${task}]}" ]; then
                ckpt=${task_exp}/${best_ckpt[${task}]}
            else
                log "Stage 3: no ${best_ckpt[${task}]} in ${task_exp} (the dev score never improved): evaluating the last checkpoint"
            fi
        fi
        [ -z "${ckpt}" ] && ckpt=$(last_states "${task_exp}")
        require_file "${ckpt}" "run stage 2 first"
        overrides=$(task_overrides "${task}")
        stamp=$({ echo "${ckpt}"; stat -c '%s %Y' "${ckpt}"; echo "${overrides}"; data_fingerprint "${task}"; } | sha256)
        if [ -f "${eval_dir}/.done" ] && [ "$(cat "${eval_dir}/.done")" = "${stamp}" ]; then
            log "Stage 3: ${eval_dir} is up to date"
            continue
        fi
        rm -rf "${eval_dir}"
        mkdir -p "${eval_dir}"
        eval_abs=$(cd "${eval_dir}" && pwd)
        log "Stage 3: evaluating ${ckpt} on the ${task^^} test split -> ${eval_dir}; log: ${eval_dir}/evaluate.log"
        # The outputs (predictions, log.log) go to their own directory (args.expdir), not over the training's.
        if ! superb_cmd -m evaluate -e "${ckpt}" -t test -o "args.expdir=${eval_abs},,${overrides}" \
                > "${eval_dir}/evaluate.log" 2>&1; then
            log "Error: evaluating ${task^^} failed; the last lines of ${eval_dir}/evaluate.log:"
            grep -v -e 'it/s\]$' -e 's/it\]$' "${eval_dir}/evaluate.log" | tail -n 40 >&2
            exit 1
        fi
        echo "${ckpt}" > "${eval_dir}/checkpoint"
        echo "${stamp}" > "${eval_dir}/.done"
    done
fi

if [ "${stage}" -le 4 ] && [ "${stop_stage}" -ge 4 ]; then
    if [ -z "${upstream_tag}" ]; then
        log "Error: stage 4 needs --upstream_ckpt or --upstream_tag"
        exit 2
    fi
    for task in ${tasks}; do
        eval_dir=${expdir}/${upstream_tag}/${task}/evaluate_test
        require_file "${eval_dir}/.done" "run stage 3 first"
        score_args=(--task "${task}" --eval_dir "${eval_dir}" --checkpoint "$(cat "${eval_dir}/checkpoint")"
                    --upstream "$(cat "${expdir}/${upstream_tag}/${task}/upstream" 2>/dev/null || echo "${upstream_ckpt}")")
        [ "${task}" = sd ] && score_args+=(--data_dir "${datadir}/sd/test" --collar "${sd_collar}")
        log "Stage 4: scoring ${task^^} -> ${eval_dir}/result.txt"
        python -m mmpt.bin.superb_results score "${score_args[@]}"
    done
    log "Stage 4: ${expdir}/RESULTS.md"
    python -m mmpt.bin.superb_results table --expdir "${expdir}" --out "${expdir}/RESULTS.md" > /dev/null
    cat "${expdir}/RESULTS.md" >&2
fi

log "Successfully finished. [elapsed=${SECONDS}s]"
