"""Pre-training objectives as registered classes: the registry, the losses of Eq. 1-4, a toy objective."""
from __future__ import annotations

from typing import Dict, Optional

import pytest
import torch
import torch.nn.functional as F
import yaml
from espnet2.train.class_choices import ClassChoices

from mmpt.nets.masked_conformer import encode_audio
from mmpt.nets.pooling import masked_mean
from mmpt.pretrain.clr_loss import paper_contrastive_loss
from mmpt.pretrain.mae_targets import audio_frame_targets, video_patch_targets
from mmpt.pretrain.objectives.abs_objective import AbsPretrainObjective, ObjectiveOutput
from mmpt.pretrain.objectives.clr import CLRObjective
from mmpt.pretrain.objectives.config_name import objective_of
from mmpt.pretrain.objectives.mae import MAEObjective
from mmpt.pretrain.objectives.mae_clr import MAECLRObjective
from mmpt.tasks.av_pretrain import AVPretrainTask, objective_choices
from tests.pretrain.test_av_model import _batch, _model
from tests.tasks.conftest import CPU_CONF


def test_every_registered_objective_is_an_abs_pretrain_objective():
    assert objective_choices.classes == {"mae": MAEObjective, "clr": CLRObjective, "mae_clr": MAECLRObjective}
    for cls in objective_choices.classes.values():
        assert issubclass(cls, AbsPretrainObjective)
    assert objective_choices.base_type is AbsPretrainObjective
    with pytest.raises(ValueError, match="must be AbsPretrainObjective"):  # the registry refuses other classes
        ClassChoices("objective", dict(mse=torch.nn.MSELoss), type_check=AbsPretrainObjective)
    with pytest.raises(TypeError):  # abstract: forward is required
        AbsPretrainObjective()
    assert MAEObjective().stat_keys() == ("loss", "loss_mae", "loss_mae_audio", "loss_mae_video")
    assert CLRObjective().stat_keys() == ("loss", "loss_clr", "clr_acc")
    assert MAECLRObjective().stat_keys() == MAEObjective().stat_keys() + ("loss_clr", "clr_acc")


def _masked_mse(pred, target, selected):
    return ((pred - target) ** 2).mean(-1)[selected].mean()


def _reference(model, batch, method: str, seed: int) -> Dict[str, Optional[float]]:
    """The losses written out from Eq. 1-4 with the model's networks (the pre-class code's computation, in
    its random-draw order: audio mask, video mask)."""
    torch.manual_seed(seed)
    feats, lengths = model._audio(batch["speech"], batch["speech_lengths"])
    video, pixels, has = model._video(batch["video"], batch["video_lengths"])
    out: Dict[str, Optional[float]] = {}
    mae = clr = None
    if method in ("mae", "mae_clr"):  # Eq. 1: masked tokens, per-value squared error, audio + video
        enc = encode_audio(model.encoder, feats, lengths, model.mask_ratio, False)
        pred = model.mae_decoder("audio", enc.out, (enc.valid.size(1),), valid=enc.valid)
        target = audio_frame_targets(feats, enc.valid.size(1), enc.factor)
        audio_term = _masked_mse(pred, target, enc.mask.masked)
        v_out, v_mask, grid = model.video_encoder.forward_masked(video, model.mask_ratio, True)
        pred = model.mae_decoder("video", v_out, grid, mask=v_mask)
        pe = model.video_encoder.patch_embed
        target = video_patch_targets(pixels, pe.patch_size, pe.tubelet_size, "patch", model.video_mean, model.video_std)
        video_term = _masked_mse(pred, target, v_mask.masked & has[:, None])
        mae = audio_term + video_term
        out.update(loss_mae=mae, loss_mae_audio=audio_term, loss_mae_video=video_term)
    if method in ("clr", "mae_clr"):  # Eq. 2-3 on the unmasked inputs, the positive out of the denominator
        enc = encode_audio(model.encoder, feats, lengths)
        a = F.normalize(model.audio_proj(masked_mean(enc.out, enc.out_valid)), dim=-1)
        v = F.normalize(model.video_proj(model.video_encoder.forward_frames(video).mean(dim=1)), dim=-1)
        clr = paper_contrastive_loss(a @ v.t())
        out["loss_clr"] = clr
    out["loss"] = (mae + clr) / 2 if method == "mae_clr" else (mae if method == "mae" else clr)  # Eq. 4
    return {k: float(v) for k, v in out.items()}


@pytest.mark.parametrize("method", ["mae", "clr", "mae_clr"])
def test_objectives_give_the_losses_of_eq1_to_eq4(method):
    model = _model(method).eval()  # eval: no dropout, the same numbers in both computations
    batch = _batch()
    with torch.no_grad():
        expected = _reference(model, batch, method, seed=5)
        torch.manual_seed(5)
        _, stats, _ = model(**batch)
    assert set(expected) <= set(stats)
    for key, value in expected.items():
        assert stats[key].item() == pytest.approx(value, rel=1e-5, abs=1e-6), key


class WeightedAudioMAE(AbsPretrainObjective):
    """A toy objective: ``weight`` times the audio term of Eq. 1 (the video MAE path still runs)."""

    uses_mae = True

    def __init__(self, weight: float = 1.0):
        super().__init__()
        self.weight = weight

    def forward(self, model, audio, video) -> ObjectiveOutput:
        mae = model.mae_terms(audio, video)
        term = mae.values["loss_mae_audio"]
        return ObjectiveOutput(None if term is None else self.weight * term, dict(mae.values), mae.skipped)


def test_a_new_objective_is_one_class_and_one_config(tmp_path, monkeypatch):
    monkeypatch.setitem(objective_choices.classes, "weighted_audio_mae", WeightedAudioMAE)
    config = yaml.safe_load((CPU_CONF / "mae.yaml").read_text())
    del config["model_conf"]["pt_method"]
    config.update(objective="weighted_audio_mae", objective_conf={"weight": 3.0})
    config["video_encoder_conf"]["image_size"] = 32
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(config))

    args = AVPretrainTask.get_parser().parse_args(["--config", str(tmp_path / "toy.yaml")])
    model = AVPretrainTask.build_model(args)
    assert isinstance(model.objective, WeightedAudioMAE) and model.objective.weight == 3.0
    assert args.objective == "weighted_audio_mae" and args.model_conf["pt_method"] == "weighted_audio_mae"
    g = torch.Generator().manual_seed(0)
    loss, stats, _ = model(speech=torch.randn(2, 120, 80, generator=g), speech_lengths=torch.tensor([120, 90]),
                           video=torch.randint(0, 256, (2, 16, 32, 32, 3), generator=g, dtype=torch.uint8),
                           video_lengths=torch.tensor([16, 16]))
    assert loss.item() == pytest.approx(3.0 * stats["loss_mae_audio"].item(), rel=1e-6)
    assert tuple(stats) == MAEObjective().stat_keys()


@pytest.mark.parametrize("method", ["mae", "clr", "mae_clr"])
def test_configs_naming_model_conf_pt_method_still_build_their_objective(method):
    """The existing recipe configs (and the config.yaml of packs written before) name the objective
    ``model_conf.pt_method``; the state-dict keys do not depend on the objective class."""
    args = AVPretrainTask.get_parser().parse_args(
        ["--config", str(CPU_CONF / f"{method}.yaml"), "--video_encoder_conf", "image_size=32"])
    assert args.objective is None and args.model_conf["pt_method"] == method
    model = AVPretrainTask.build_model(args)
    assert type(model.objective) is objective_choices.get_class(method) and args.objective == method
    top = {key.split(".")[0] for key in model.state_dict()}
    heads = {"mae": {"mae_decoder"}, "clr": {"audio_proj", "video_proj"},
             "mae_clr": {"mae_decoder", "audio_proj", "video_proj"}}[method]
    assert top == {"encoder", "video_encoder"} | heads


def test_objective_and_pt_method_must_agree():
    assert objective_of({}) == "mae"
    assert objective_of({"model_conf": {"pt_method": "clr"}}) == "clr"
    assert objective_of({"objective": "mae_clr", "model_conf": {"pt_method": "mae_clr"}}) == "mae_clr"
    args = AVPretrainTask.get_parser().parse_args(["--config", str(CPU_CONF / "clr.yaml"), "--objective", "mae"])
    with pytest.raises(ValueError, match="objective 'mae' and model_conf.pt_method 'clr' disagree"):
        AVPretrainTask.build_model(args)
    args = AVPretrainTask.get_parser().parse_args(["--config", str(CPU_CONF / "mae.yaml")])
    args.model_conf = {**args.model_conf, "pt_method": "byol"}  # an unregistered name
    with pytest.raises(ValueError, match="--objective must be one of"):
        AVPretrainTask.build_model(args)


def test_a_pre_training_exp_of_the_older_config_loads_through_the_pack_loader(tmp_path):
    """An experiment written before the objectives were classes: its config.yaml names the objective only as
    ``model_conf.pt_method``; mmpt.pack's safe loader rebuilds the model and loads the weights strictly."""
    from mmpt.pack.espnet import build_model

    args = AVPretrainTask.get_parser().parse_args(
        ["--config", str(CPU_CONF / "mae_clr.yaml"), "--video_encoder_conf", "image_size=32"])
    config = {k: v for k, v in vars(args).items() if k not in ("objective", "objective_conf", "config")}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))  # what espnet2 wrote, less the new keys
    trained = AVPretrainTask.build_model(args)
    torch.save(trained.state_dict(), tmp_path / "valid.loss.ave.pth")
    model, args = build_model(AVPretrainTask, tmp_path / "config.yaml", tmp_path / "valid.loss.ave.pth")
    assert isinstance(model.objective, MAECLRObjective) and args.objective == "mae_clr"
    for key, value in trained.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key
