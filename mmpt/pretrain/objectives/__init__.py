"""Pre-training objectives: :class:`AbsPretrainObjective` and its registered subclasses.

The registry is ``objective_choices`` in :mod:`mmpt.tasks.av_pretrain` (``--objective mae|clr|mae_clr``).

- :mod:`~mmpt.pretrain.objectives.abs_objective`: the abstract class and :class:`ObjectiveOutput`
- :mod:`~mmpt.pretrain.objectives.mae`: Eq. 1
- :mod:`~mmpt.pretrain.objectives.clr`: Eq. 2-3
- :mod:`~mmpt.pretrain.objectives.mae_clr`: Eq. 4
"""
