"""ASR fine-tuning on a (frozen) pre-trained encoder with espnet2: pre-trained encoder packs, the training
config, frozen modules kept in eval mode, CTC heads, decoding and transcription."""
