"""Keras on TensorFlow trains one of the course's models on MNIST as the R deck does; bench/accuracy.ts runs it.

The models are keras_bench.py's (the R deck's layers). MLP: 30 epochs, batch 128, validation_split 0.2;
convnet: 5 epochs, batch 64. Both compiled with adam, categorical cross-entropy and accuracy, as the deck
compiles them. Pixels / 255, labels one-hot, read from MNIST's four IDX gzip files in the folder given.
Prints one JSON object: test accuracy and loss, the last epoch's training (and validation) accuracy, fit seconds.

Usage: python keras_accuracy.py mlp|convnet SEED MNIST_DIR [EPOCHS]
"""
import gzip
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402

from keras_bench import convnet, mlp  # noqa: E402

TRAINING = {
    "mlp": (mlp, (784,), dict(epochs=30, batch_size=128, validation_split=0.2)),
    "convnet": (convnet, (28, 28, 1), dict(epochs=5, batch_size=64)),
}


def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def mnist(folder, part, shape):
    prefix = "train" if part == "train" else "t10k"
    x = idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), 16).reshape((-1, *shape))
    y = idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), 8)
    return x.astype("float32") / 255, keras.utils.to_categorical(y, 10)


def main():
    name, seed, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    build, shape, fit_args = TRAINING[name]
    if len(sys.argv) > 4:
        fit_args = {**fit_args, "epochs": int(sys.argv[4])}
    x_train, y_train = mnist(folder, "train", shape)
    x_test, y_test = mnist(folder, "test", shape)
    keras.utils.set_random_seed(seed)
    model = build()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    t0 = time.perf_counter()
    history = model.fit(x_train, y_train, verbose=0, **fit_args)
    seconds = time.perf_counter() - t0
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    last = {k: v[-1] for k, v in history.history.items()}
    print(json.dumps({"accuracy": accuracy, "loss": loss, "seconds": seconds, "last_epoch": last}))


if __name__ == "__main__":
    main()
