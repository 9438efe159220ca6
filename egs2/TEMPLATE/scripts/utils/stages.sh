#!/usr/bin/env bash
# Stage functions shared by the task scripts (asr1/asr.sh, st1/st.sh, pt1/pt.sh, superb1/superb.sh).
# Source it after the options are parsed (scripts/utils/options.sh) and path.sh; the functions read the
# caller's variables:
#
#   all_sets (array)  train_set  test_sets  nj  cmd_backend  slurm_*  feats_dir  stats_dir  fbank_conf
#   ngpu  num_nodes  dist_launcher  inference_configs  inference_model  inference_args
#
# Every function is resumable: work that is already done is skipped (fingerprints in *.stamp files).

# sha256 of stdin.
sha256() {
    if command -v sha256sum >/dev/null; then sha256sum | cut -d' ' -f1; else shasum -a 256 | cut -d' ' -f1; fi
}

# Job options of the python runners: the backend and, on Slurm, the resources from cmd.sh.
job_opts=(--nj "${nj}" --backend "${cmd_backend}")
if [ "${cmd_backend}" = slurm ]; then
    job_opts+=(--slurm_time "${slurm_time}" --slurm_mem "${slurm_mem}" --slurm_extra "${slurm_extra}")
    [ -n "${slurm_partition}" ] && job_opts+=(--slurm_partition "${slurm_partition}")
    [ -n "${slurm_account}" ] && job_opts+=(--slurm_account "${slurm_account}")
    [ -n "${slurm_qos}" ] && job_opts+=(--slurm_qos "${slurm_qos}")
fi

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

# stage_data_prep OPTS: local/data.sh OPTS, then validation of every set.
stage_data_prep() {
    local opts=$1 dset
    log "Stage 1: data preparation: local/data.sh ${opts}"
    if [ ! -x local/data.sh ]; then
        log "Error: local/data.sh is missing or not executable"
        exit 1
    fi
    # shellcheck disable=SC2086
    local/data.sh ${opts}
    check_sets
    for dset in "${all_sets[@]}"; do
        log "Stage 1: validating data/${dset}"
        if ! python -m mmpt.bin.datadir validate "data/${dset}"; then
            log "Error: data/${dset} is inconsistent (problems above); fix local/data.sh or run:"
            log "  python -m mmpt.bin.datadir fix data/${dset}"
            exit 1
        fi
    done
}

# stage_fbank: Kaldi fbank of every set -> ${feats_dir}/<set>.
stage_fbank() {
    local dset
    check_sets
    for dset in "${all_sets[@]}"; do
        log "Stage 2: fbank of data/${dset} -> ${feats_dir}/${dset} (nj=${nj}, ${cmd_backend})"
        python -m mmpt.bin.dump_fbank "${job_opts[@]}" --config "${fbank_conf}" "data/${dset}" "${feats_dir}/${dset}"
    done
}

# stage_cmvn [STAGE]: global CMVN statistics of the training set -> ${stats_dir}/train/feats_stats.npz
# (STAGE: the stage number the log names, default 3).
stage_cmvn() {
    local stage_no=${1:-3} scp=${feats_dir}/${train_set}/feats.scp stats=${stats_dir}/train/feats_stats.npz stamp
    require_file "${scp}" "run stage 2 first"
    # The dump's .done marker changes whenever the features are recomputed (the scp alone may not).
    stamp=$({ cat "${scp}"; cat "${feats_dir}/${train_set}/.done" 2>/dev/null || true; } | sha256)
    if [ -f "${stats}" ] && [ "$(cat "${stats}.stamp" 2>/dev/null)" = "${stamp}" ]; then
        log "Stage ${stage_no}: ${stats} is up to date"
    else
        log "Stage ${stage_no}: global CMVN statistics of ${scp} -> ${stats}"
        rm -f "${stats}.stamp"
        python -m mmpt.bin.compute_cmvn --nj "${nj}" "${scp}" "${stats}"
        echo "${stamp}" > "${stats}.stamp"
    fi
}

# scaled_config CONFIG SCALE: the training config of --conf_scale SCALE. cpu: CONFIG itself; paper: its
# paper-scale sibling <dir of CONFIG>/paper/<name of CONFIG> (CONFIG itself when it already lies in a
# paper/ directory). Exits naming the file when it does not exist.
scaled_config() {
    local config=$1 scale=$2 out
    case "${scale}" in
        cpu) out=${config} ;;
        paper)
            if [ "$(basename "$(dirname "${config}")")" = paper ]; then
                out=${config}
            else
                out=$(dirname "${config}")/paper/$(basename "${config}")
            fi ;;
        *) log "Error: --conf_scale must be cpu or paper, got '${scale}'"; exit 2 ;;
    esac
    if [ ! -f "${out}" ]; then
        log "Error: ${out} (the ${scale}-scale config of ${config}) does not exist"
        exit 1
    fi
    echo "${out}"
}

# use_scaled_config NAME: the training config option NAME (asr_config, st_config) becomes its config of
# --conf_scale (scaled_config); sets scale_suffix, the default experiment name's mark of the scale ("" or
# "_paper"). (The caller logs the config: the plan's tests read "(<task>.sh:<line>:main) Training config".)
use_scaled_config() {
    local config
    config=$(scaled_config "${!1}" "${conf_scale}")
    printf -v "$1" '%s' "${config}"
    scale_suffix=
    if [ "${conf_scale}" = paper ]; then scale_suffix=_paper; fi
}

# require_file FILE HINT: stop with the stage's hint when FILE is missing.
require_file() {
    if [ ! -f "$1" ]; then
        log "Error: $1 does not exist; $2"
        exit 1
    fi
}

# train_tokens STAGE OUT_DIR NBPE BPEMODE TEXT...: sentencepiece model + token list in OUT_DIR.
train_tokens() {
    local stage_no=$1 out=$2 n=$3 mode=$4 args=() t
    shift 4
    for t in "$@"; do
        require_file "${t}" "run stage 2 first"
        args+=(--text "${t}")
    done
    log "Stage ${stage_no}: ${mode} sentencepiece model (nbpe=${n}) on $* -> ${out}"
    python -m mmpt.bin.tokens train "${args[@]}" --nbpe "${n}" --bpemode "${mode}" --out_dir "${out}"
}

# pretrained_tag PATH: a short name for a pre-trained encoder: the experiment's name (the directory
# holding packed/ or the model file), prefixed with the corpus when it is <recipe>/exp/<name> of a recipe
# egs2/<corpus>/<task> (lrs3_pt_mae_cpu, must_c_st_...), so that packs of different corpora differ.
pretrained_tag() {
    if [ ! -e "$1" ]; then
        log "Error: --pretrained_encoder $1 does not exist (a pack, an espnet2 experiment dir or a .pth)"
        exit 1
    fi
    local p name corpus
    p=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
    [ -f "${p}" ] && p=$(dirname "${p}")
    p=${p%/}
    name=$(basename "${p}")
    if [ "${name}" = packed ]; then
        p=$(dirname "${p}")
        name=$(basename "${p}")
    fi
    if [ "$(basename "$(dirname "${p}")")" = exp ]; then
        corpus=$(basename "$(dirname "$(dirname "$(dirname "${p}")")")")
        name=${corpus}_${name}
    fi
    echo "${name}"
}

# run_training STAGE MODULE EXP_DIR STAMP_INPUT ARGS...: espnet2 training (python -m MODULE ARGS) into
# EXP_DIR, with --resume true (an interrupted run of the same inputs goes on from its last epoch; the
# outputs of a run with other inputs are moved to EXP_DIR/stale.<time>/ first). Skipped when
# EXP_DIR/.train.done holds the fingerprint of STAMP_INPUT and the training finished before.
# One process for --ngpu 0/1; --ngpu N > 1: espnet2 spawns one process per GPU
# (--multiprocessing_distributed true); --num_nodes M > 1: one srun task per node inside a Slurm
# allocation (--dist_launcher slurm, rendezvous through a file in EXP_DIR).
run_training() {
    local stage_no=$1 module=$2 exp=$3 stamp_input=$4
    shift 4
    local stamp done_file=${exp}/.train.done train_log=${exp}/train.log
    stamp=$(printf '%s\n' "${stamp_input}" "$@" | sha256)
    if [ -f "${done_file}" ] && [ "$(cat "${done_file}")" = "${stamp}" ]; then
        log "Stage ${stage_no}: ${exp} is trained (up to date; remove ${done_file} to run the training again)"
        return 0
    fi
    rm -f "${done_file}"
    # --resume continues checkpoint.pth: only right when that training had the same inputs. Otherwise its
    # outputs are moved aside and the training starts over (a changed config must not inherit old weights).
    local stamp_file=${exp}/.train.stamp f stale
    if [ -f "${exp}/checkpoint.pth" ] && [ "$(cat "${stamp_file}" 2>/dev/null)" != "${stamp}" ]; then
        stale=$(mktemp -d "${exp}/stale.$(date '+%Y%m%d%H%M%S').XXXX")  # unique: never overwrites an older one
        log "Stage ${stage_no}: ${exp} holds a training with other inputs (config, data or options):" \
            "moving its outputs to ${stale} and training from the start"
        for f in "${exp}"/*.pth "${exp}/train.log" "${exp}/images" "${exp}/tensorboard"; do
            if [ -e "${f}" ] || [ -L "${f}" ]; then mv "${f}" "${stale}/"; fi
        done
    fi
    mkdir -p "${exp}"
    echo "${stamp}" > "${stamp_file}"
    local launcher=() dist=(--ngpu "${ngpu}")
    if [ "${ngpu}" -gt 1 ] || [ "${num_nodes}" -gt 1 ]; then
        dist+=(--multiprocessing_distributed true)
    fi
    if [ "${num_nodes}" -gt 1 ]; then
        if [ -z "${SLURM_JOB_ID:-}" ]; then
            log "Error: --num_nodes ${num_nodes} runs one srun task per node: run this stage inside a Slurm"
            log "  allocation (salloc/sbatch --nodes ${num_nodes}); ${exp} must be on a shared file system"
            exit 1
        fi
        launcher=(srun --nodes "${num_nodes}" --ntasks "${num_nodes}" --ntasks-per-node 1 --export=ALL)
        dist+=(--dist_launcher slurm --dist_init_method "file://$(cd "${exp}" && pwd)/.dist_init.$$")
        [ "${ngpu}" -eq 0 ] && dist+=(--dist_backend gloo)
    fi
    mkdir -p "${exp}"
    {
        echo "# $(date '+%Y-%m-%dT%H:%M:%S') from $(pwd)"
        printf '%q ' "${launcher[@]}" python -m "${module}" "$@" "${dist[@]}" --resume true
        echo
    } >> "${exp}/train.cmd"
    log "Stage ${stage_no}: training ${exp} (python -m ${module}, ngpu=${ngpu}, num_nodes=${num_nodes}); log: ${train_log}"
    if ! "${launcher[@]}" python -m "${module}" "$@" "${dist[@]}" --resume true >> "${train_log}" 2>&1; then
        log "Error: training failed; the last lines of ${train_log}:"
        grep -v '^\[nltk_data\]' "${train_log}" | tail -n 40 >&2
        exit 1
    fi
    echo "${stamp}" > "${done_file}"
}

# pretrained_fingerprint PATH: the sha256 of the weights and statistics of the pre-trained encoder PATH
# (a pack, an espnet2 experiment dir or a .pth; nothing for ""), for the training fingerprints: a pack
# rewritten in place must retrain what was initialised from it.
pretrained_fingerprint() {
    [ -n "$1" ] || return 0
    python -m mmpt.bin.pretrained_info fingerprint "$1"
}

# pick_model EXP NAME: EXP/NAME when it exists, else the preferred model file of EXP.
pick_model() {
    local exp=$1 name=$2
    if [ -e "${exp}/${name}" ]; then
        echo "${exp}/${name}"
        return 0
    fi
    python -m mmpt.bin.pretrained_info model_file "${exp}"
}

# stage_decode TASK EXP FEATS_DIR HINT WHAT: stage 7, decoding of every test set in FEATS_DIR with the
# --inference_model of the experiment EXP, once per --inference_configs ->
# EXP/decode_<config>_<model>/<set>/ (python -m mmpt.bin.decode --task TASK). HINT: what to run when a
# test set's features are missing; WHAT: the log's verb.
stage_decode() {
    local task=$1 exp=$2 feats=$3 hint=$4 what=$5 model_file model_tag conf dset args=()
    require_file "${exp}/config.yaml" "run stage 6 first"
    model_file=$(pick_model "${exp}" "${inference_model}")
    model_tag=$(basename "${model_file}" .pth)
    for conf in ${inference_configs}; do
        require_file "${conf}" "give existing --inference_configs"
        args+=(--decode_config "${conf}")
    done
    for dset in ${test_sets}; do
        require_file "${feats}/${dset}/feats.scp" "${hint}"
        args+=(--set "${feats}/${dset}/feats.scp=${exp}/decode_{tag}_${model_tag}/${dset}")
    done
    log "Stage 7: ${what} ${test_sets} (${feats}) with ${model_file} (${inference_configs})"
    # shellcheck disable=SC2086
    python -m mmpt.bin.decode --task "${task}" --train_config "${exp}/config.yaml" --model_file "${model_file}" \
        --ngpu "$([ "${ngpu}" -gt 0 ] && echo 1 || echo 0)" "${args[@]}" ${inference_args}
}

# stage_pack EXP [OPTION...]: stage 9, the encoder of EXP's --inference_model packed -> EXP/packed
# (python -m mmpt.bin.pack_encoder with the recipe's fbank config and OPTIONs).
stage_pack() {
    local exp=$1 model_file
    shift
    require_file "${exp}/config.yaml" "run stage 6 first"
    model_file=$(pick_model "${exp}" "${inference_model}")
    log "Stage 9: packing the encoder of ${model_file} -> ${exp}/packed"
    python -m mmpt.bin.pack_encoder --config "${exp}/config.yaml" --model "${model_file}" \
        --fbank_conf "${fbank_conf}" --out "${exp}/packed" "$@"
}

# stage_text_shapes TOKEN_DIR TAG TEXT_NAME PREFIX: stage 5, the token counts of the training and validation
# texts ${feats_dir}/<set>/TEXT_NAME under the sentencepiece model of TOKEN_DIR ->
# ${stats_dir}/{train,valid}/PREFIX.TAG.
stage_text_shapes() {
    local dir=$1 tag=$2 name=$3 prefix=$4 split dset text shape stamp
    require_file "${dir}/bpe.model" "run stage 4 first"
    for split in train valid; do
        [ "${split}" = train ] && dset=${train_set} || dset=${valid_set}
        text=${feats_dir}/${dset}/${name}
        shape=${stats_dir}/${split}/${prefix}.${tag}
        require_file "${text}" "run stage 2 first"
        stamp=$(cat "${dir}/bpe.model" "${dir}/tokens.txt" "${text}" | sha256)
        if [ -f "${shape}" ] && [ "$(cat "${shape}.stamp" 2>/dev/null)" = "${stamp}" ]; then
            log "Stage 5: ${shape} is up to date"
            continue
        fi
        log "Stage 5: token counts of ${text} -> ${shape}"
        rm -f "${shape}.stamp"
        python -m mmpt.bin.tokens shapes --bpemodel "${dir}/bpe.model" --token_list "${dir}/tokens.txt" \
            --pair "${text}=${shape}"
        echo "${stamp}" > "${shape}.stamp"
    done
}
