#!/usr/bin/env bash
# Option handling shared by the stage scripts (asr1/asr.sh, st1/st.sh, pt1/pt.sh, superb1/superb.sh) and
# the recipes' local/*.sh. Source it, then:
#
#   stage_script_setup DIR      a stage script runs from a recipe directory DIR (holding path.sh and
#                               scripts/): stops with a message elsewhere; sources cmd.sh; starts the clock
#   general_option_defaults     the defaults of the options every stage script of a Kaldi-style pipeline
#                               takes (stage stop_stage nj cmd_backend dumpdir expdir ngpu num_nodes
#                               local_data_opts train_set valid_set); the script sets its own after it
#   general_options_help        their --help lines, with the defaults they have when it is called
#   parse_stage_options "$@"    logs the command line and records it for RESULTS.md (MMPT_RUN_COMMAND),
#                               parses the options (parse_options.sh), refuses positional arguments,
#                               sources path.sh and checks --cmd_backend
#   parse_local_options "$@"    the same for a local/*.sh: parses, refuses positional arguments, sources
#                               path.sh and db.sh
#   require_sets NAME...        each option NAME (train_set valid_set test_sets) is given; train_set and
#                               valid_set name one set
#   collect_sets NAME...        all_sets: the sets named by the options NAME, each once, in order
#
# The functions set the caller's (global) variables, as parse_options.sh does when sourced directly.

# shellcheck source=log.sh
. "$(dirname "${BASH_SOURCE[0]}")/log.sh"
__options_dir=$(dirname "${BASH_SOURCE[0]}")

stage_script_setup() {
    if [ ! -f ./path.sh ] || [ ! -d ./scripts ]; then
        echo "$0: run me from a recipe directory ($1, holding path.sh and scripts/)" >&2
        exit 1
    fi
    # shellcheck source=../../common/cmd.sh
    . ./cmd.sh
    SECONDS=0
}

general_option_defaults() {
    stage=1                 # first stage to run
    stop_stage=10000        # last stage to run
    nj=4                    # parallel jobs (processes, or Slurm jobs with cmd_backend=slurm)
    cmd_backend=${cmd_backend:-local}   # local | slurm (default from cmd.sh)
    dumpdir=dump            # features go to ${dumpdir}/<kind>/<set>
    expdir=exp              # experiments and statistics go here
    ngpu=0                  # GPUs per node for training and decoding (0: CPU)
    num_nodes=1             # nodes for training (> 1: inside a Slurm allocation, one srun task per node)
    local_data_opts=        # options passed to local/data.sh
    train_set=              # name of the training data directory (data/<train_set>)
    valid_set=              # name of the validation data directory
}

general_options_help() {
    cat <<HELP
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
HELP
}

# _parse_and_check "$@": parse_options.sh, then no positional argument may be left.
_parse_and_check() {
    # shellcheck source=parse_options.sh
    . "${__options_dir}/parse_options.sh"
    if [ $# -ne 0 ]; then
        log "Error: unexpected argument(s): $*"
        [ -n "${help_message:-}" ] && [ "${__options_help_on_error:-true}" = true ] && log "${help_message}"
        exit 2
    fi
}

parse_stage_options() {
    log "$0 $*"
    # the command line RESULTS.md reports (mmpt.report.environment)
    export MMPT_RUN_COMMAND="(cd $(pwd) && $0 $*)"
    _parse_and_check "$@"
    . ./path.sh
    case "${cmd_backend}" in
        local|slurm) export cmd_backend ;;
        *) log "Error: --cmd_backend must be local or slurm, got '${cmd_backend}'"; exit 2 ;;
    esac
}

parse_local_options() {
    __options_help_on_error=false _parse_and_check "$@"
    . ./path.sh
    . ./db.sh
}

require_sets() {
    local opt
    for opt in "$@"; do
        if [ -z "${!opt}" ]; then
            log "Error: --${opt} is required"
            exit 2
        fi
        if [ "${opt}" != test_sets ] && [[ "${!opt}" =~ [[:space:]] ]]; then
            log "Error: --${opt} takes one set name, got '${!opt}'"
            exit 2
        fi
    done
}

collect_sets() {
    local opt dset
    all_sets=()
    for opt in "$@"; do
        for dset in ${!opt}; do
            case " ${all_sets[*]:-} " in
                *" ${dset} "*) ;;
                *) all_sets+=("${dset}") ;;
            esac
        done
    done
}
