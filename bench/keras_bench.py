"""Keras on TensorFlow, the R course's own stack, timed like bench/train-epoch.ts times deepdeck.

The same two models (bench/course_models.ts), the same optimizer, loss, batch sizes and sample counts;
random data of MNIST's shape; model.fit samples/s after a one-batch warm-up (median of three), and
model.predict with its default arguments on 10,000 samples. Prints one JSON object on stdout.

Usage: python keras_bench.py '{"MLP 256-128-10": 5120, "convnet 32-64-64": 1280}' [repeats]
       python keras_bench.py --serve   (bench/keras-pairs.ts: one JSON line in, {"model", "samples"}, one
                                        train rate out, so Keras and deepdeck alternate under the same load)
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402


def mlp():
    return keras.Sequential([
        keras.Input((784,)),
        layers.Dense(256, activation="relu"),
        layers.Dropout(0.4),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(10, activation="softmax"),
    ])


def convnet():
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


SPECS = {
    "MLP 256-128-10": (mlp, (784,), 128),
    "convnet 32-64-64": (convnet, (28, 28, 1), 64),
}


def measure(build, shape, batch, n):
    model = build()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(0)
    x = rng.random((n, *shape), dtype=np.float32)
    y = keras.utils.to_categorical(rng.integers(0, 10, n), 10)
    model.fit(x[:batch], y[:batch], epochs=1, batch_size=batch, verbose=0)
    t0 = time.perf_counter()
    model.fit(x, y, epochs=1, batch_size=batch, verbose=0)
    return n / (time.perf_counter() - t0)


def measure_predict(build, shape, n=10000):
    model = build()
    x = np.random.default_rng(1).random((n, *shape), dtype=np.float32)
    model.predict(x[:32], verbose=0)
    t0 = time.perf_counter()
    model.predict(x, verbose=0)
    return n / (time.perf_counter() - t0)


def serve():
    print(json.dumps({"keras": keras.__version__}), flush=True)
    for line in sys.stdin:
        ask = json.loads(line)
        build, shape, batch = SPECS[ask["model"]]
        print(json.dumps({"train": measure(build, shape, batch, ask["samples"])}), flush=True)


def main():
    if sys.argv[1] == "--serve":
        return serve()
    samples = json.loads(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import tensorflow as tf

    out = {"keras": keras.__version__, "tensorflow": tf.__version__,
           "threads": [tf.config.threading.get_intra_op_parallelism_threads(),
                       tf.config.threading.get_inter_op_parallelism_threads()],
           "models": {}}
    for name, n in samples.items():
        build, shape, batch = SPECS[name]
        runs = sorted(measure(build, shape, batch, n) for _ in range(repeats))
        out["models"][name] = {"train": runs[len(runs) // 2], "predict": measure_predict(build, shape)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
