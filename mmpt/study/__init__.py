"""The controlled study of egs2/librispeech/asr1/STUDY.md: its grid of arms, per-seed plan and workspaces."""
