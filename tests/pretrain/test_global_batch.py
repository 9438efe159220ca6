"""CLR over the global batch: two DistributedDataParallel processes (gloo, CPU) holding 3 + 2 clips give
the loss and the gradients of one process holding the 5 clips (mmpt.pretrain.global_batch)."""
from __future__ import annotations

from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mmpt.pretrain.global_batch import data_parallel_world_size, gather_rows
from tests.pretrain.test_av_model import _model

SLICES = (slice(0, 3), slice(3, 5))  # unequal shards: the gather pads and unpads


def _global_batch() -> dict:
    g = torch.Generator().manual_seed(7)
    b = 5
    return dict(speech=torch.randn(b, 120, 80, generator=g), speech_lengths=torch.full((b,), 120),
                video=torch.randint(0, 256, (b, 4, 32, 32, 3), generator=g, dtype=torch.uint8),
                video_lengths=torch.full((b,), 4))


def _loss_and_grads(model, batch) -> tuple:
    loss, stats, _ = model(**batch)
    loss.backward()
    module = model.module if hasattr(model, "module") else model
    grads = {n: p.grad.detach().clone() for n, p in module.named_parameters() if p.grad is not None}
    return loss.detach(), stats["clr_acc"].detach(), grads


def _rank(rank: int, init: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=init, rank=rank, world_size=2)
    try:
        torch.set_num_threads(1)
        batch = {k: v[SLICES[rank]] for k, v in _global_batch().items()}
        for across in (True, False):
            model = _model("clr", clr_across_ranks=across, learnable_temperature=True, clr_form="infonce").eval()
            ddp = torch.nn.parallel.DistributedDataParallel(model)
            loss, acc, grads = _loss_and_grads(ddp, batch)  # DDP averages the gradients over the ranks
            torch.save({"loss": loss, "acc": acc, "grads": grads}, Path(out) / f"rank{rank}_{int(across)}.pt")
    finally:
        dist.destroy_process_group()


def _run_two_ranks(tmp_path: Path) -> dict:
    mp.start_processes(_rank, args=(f"file://{tmp_path}/init", str(tmp_path)), nprocs=2, join=True,
                       start_method="spawn")
    return {across: [torch.load(tmp_path / f"rank{r}_{int(across)}.pt") for r in range(2)] for across in (True, False)}


def test_two_ranks_equal_one_process_on_the_global_batch(tmp_path: Path):
    torch.set_num_threads(1)
    ref_loss, ref_acc, ref_grads = _loss_and_grads(
        _model("clr", learnable_temperature=True, clr_form="infonce").eval(), _global_batch())
    runs = _run_two_ranks(tmp_path)
    for r in runs[True]:
        assert torch.allclose(r["loss"], ref_loss, rtol=1e-5, atol=1e-6)
        assert torch.allclose(r["acc"], ref_acc)
        assert r["grads"].keys() == ref_grads.keys()
        for name, g in ref_grads.items():
            assert torch.allclose(r["grads"][name], g, rtol=1e-4, atol=1e-6), name
    assert "clr.logit_scale" in ref_grads and "audio_proj.weight" in ref_grads

    # Without the gather each rank contrasts its own clips only: another loss (the test can fail).
    local = runs[False]
    assert not torch.allclose(local[0]["loss"], ref_loss, rtol=1e-3)


def test_gather_rows_is_the_identity_without_distributed_training():
    assert data_parallel_world_size() == 1
    x = torch.randn(3, 4, requires_grad=True)
    assert gather_rows(x) is x
