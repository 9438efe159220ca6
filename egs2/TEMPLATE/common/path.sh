# Environment of every mmpt recipe: source it from the recipe directory (egs2/<corpus>/<task>/).
# It puts the mmpt virtualenv (<repo>/tools/venv) first on PATH and mmpt on PYTHONPATH.
# MMPT_ROOT overrides where the mmpt checkout is (default: three levels above the recipe).
MAIN_ROOT=${MMPT_ROOT:-$(cd "${PWD}/../../.." && pwd)}
if [ ! -d "${MAIN_ROOT}/mmpt" ]; then
    echo "path.sh: no mmpt checkout at ${MAIN_ROOT}: run recipes from egs2/<corpus>/<task>/ or set MMPT_ROOT" >&2
    return 1 2>/dev/null || exit 1
fi
if [ ! -x "${MAIN_ROOT}/tools/venv/bin/python" ]; then
    echo "path.sh: the mmpt virtualenv ${MAIN_ROOT}/tools/venv is missing. Install it with:" >&2
    echo "    bash ${MAIN_ROOT}/tools/install.sh" >&2
    return 1 2>/dev/null || exit 1
fi
export MAIN_ROOT
export VIRTUAL_ENV="${MAIN_ROOT}/tools/venv"
export PATH="${VIRTUAL_ENV}/bin:${PATH}"
export PYTHONPATH="${MAIN_ROOT}${PYTHONPATH:+:${PYTHONPATH}}"
export PYTHONIOENCODING=UTF-8
# Byte-order sorting everywhere, as Kaldi data directories require.
export LC_ALL=C
