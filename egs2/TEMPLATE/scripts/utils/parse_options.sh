#!/usr/bin/env bash
# Kaldi/ESPnet-style command-line options for recipe scripts.
#
# Source it AFTER defining the defaults of every option the script accepts:
#
#   stage=1
#   train_set=
#   help_message="Usage: $0 [options] <arg>"
#   . scripts/utils/parse_options.sh
#
# For each variable already defined in the caller, `--name value` and `--name=value` set it;
# hyphens in option names map to underscores (--stop-stage == --stop_stage). A variable whose
# default is true/false only accepts true or false. `--help`/`-h` prints $help_message and exits 0.
# An option whose variable is not defined is an error naming the option. Parsing stops at the
# first argument that does not start with `--` or after a lone `--`; the remaining arguments
# stay in "$@" for the caller.

__po_name=
__po_value=
while [ $# -gt 0 ]; do
    case "$1" in
        --help|-h)
            if [ -n "${help_message:-}" ]; then
                printf '%s\n' "${help_message}" >&2
            else
                echo "$0: no help message; read the top of $0 for its options." >&2
            fi
            exit 0
            ;;
        --)
            shift
            break
            ;;
        --*=*)
            __po_name=${1%%=*}
            __po_value=${1#*=}
            shift
            ;;
        --*)
            if [ $# -lt 2 ]; then
                echo "$0: option $1 needs a value (use $1 <value> or $1=<value>)" >&2
                exit 1
            fi
            __po_name=$1
            __po_value=$2
            shift 2
            ;;
        *)
            break
            ;;
    esac
    __po_name=${__po_name#--}
    __po_name=${__po_name//-/_}
    if ! [[ "${__po_name}" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
        echo "$0: invalid option name --${__po_name}" >&2
        exit 1
    fi
    if [ -z "${!__po_name+defined}" ]; then
        echo "$0: unknown option --${__po_name} (run $0 --help for the options)" >&2
        exit 1
    fi
    case "${!__po_name}" in
        true|false)
            if [ "${__po_value}" != true ] && [ "${__po_value}" != false ]; then
                echo "$0: option --${__po_name} takes true or false, got '${__po_value}'" >&2
                exit 1
            fi
            ;;
    esac
    printf -v "${__po_name}" '%s' "${__po_value}"
done
unset __po_name __po_value
true
