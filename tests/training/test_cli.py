import argparse

from training.cli import add_training_args


def test_the_shared_training_options_parse_with_the_scripts_default_epochs():
    """add_training_args puts the same options on every training script's parser, its epochs default its own."""
    ap = argparse.ArgumentParser()
    add_training_args(ap, epochs=16)
    args = ap.parse_args([])
    assert (args.corpus, args.epochs, args.crop, args.batch, args.lr, args.threads, args.seed) == (
        "out/lip_corpus", 16, 256, 32, 2e-3, 1, 0)
    args = ap.parse_args(["--epochs", "3", "--seed", "7", "--corpus", "c"])
    assert (args.epochs, args.seed, args.corpus) == (3, 7, "c")


def test_the_tongue_tip_script_takes_the_shared_options(monkeypatch):
    """train_tongue_tip's own parser (torch-free) takes the shared options beside its own."""
    from training import train_tongue_tip

    monkeypatch.setattr("sys.argv", ["train_tongue_tip.py", "--evaluate", "x.onnx", "--epochs", "5", "--threads", "2"])
    args = train_tongue_tip._args()
    assert (args.evaluate, args.epochs, args.threads, args.batch) == ("x.onnx", 5, 2, 32)
