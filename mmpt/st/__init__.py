"""Speech translation (mid-training) helpers around espnet2's ST task."""
