# Where the parallel jobs of a recipe run (feature dumping; later training and decoding). Edit the values
# for your site, or override them from the environment, e.g.  cmd_backend=slurm slurm_partition=cpu ./run.sh
#
#   local: --nj processes on this machine
#   slurm: --nj Slurm jobs (a job array) submitted through submitit, with the resources below
cmd_backend=${cmd_backend:-local}
slurm_partition=${slurm_partition:-}   # sbatch --partition (empty: the cluster's default)
slurm_time=${slurm_time:-60}           # minutes per job
slurm_mem=${slurm_mem:-4}              # GB per job
slurm_account=${slurm_account:-}       # sbatch --account (empty: none)
slurm_qos=${slurm_qos:-}               # sbatch --qos (empty: none)
slurm_extra=${slurm_extra:-"{}"}       # other sbatch options as JSON, e.g. '{"constraint": "avx2"}'

case "${cmd_backend}" in
    local|slurm) ;;
    *) echo "cmd.sh: cmd_backend must be local or slurm, got '${cmd_backend}'" >&2; return 1 2>/dev/null || exit 1 ;;
esac
export cmd_backend slurm_partition slurm_time slurm_mem slurm_account slurm_qos slurm_extra

