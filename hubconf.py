"""torch.hub entry points of the mmpt checkout: ``torch.hub.load(<repo dir>, "mmpt_local", <ckpt>, source="local")``.

``<ckpt>``: an espnet2 model file beside its config.yaml, a pack directory or an espnet2 exp directory; the
result is :class:`mmpt.superb.expert.UpstreamExpert` (s3prl's upstream interface).
"""
dependencies = ["torch", "espnet2", "yaml"]

from mmpt.superb.hubconf import mmpt_local, mmpt_upstream  # noqa: E402,F401
