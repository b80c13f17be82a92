# The PyTorch side of the training benchmark: the same network, optimiser, batch size and epochs as
# Orchard's side, on the same data file, on the CPU with one thread (torch.set_num_threads(1)).
# Timed from building the model to the end of the last epoch; importing torch and reading the
# file are not timed. Prints one line `BENCH_RESULT <json>`.
#
#   python3 torch_train.py <mlp|mlp-bn|cnn> DATA_F32 N D EPOCHS BATCH
# mlp-bn: batch norm after each hidden layer's linear (no bias) and before its ReLU, with Keras'
# defaults as Orchard builds it (eps 1e-3, moving averages at 0.99 = PyTorch momentum 0.01).
import json
import os
import resource
import sys
import time

# One thread means one: torch.set_num_threads(1) below limits PyTorch's own (OpenMP) threads, but
# Debian's torch and numpy multiply through OpenBLAS (libblas.so.3 → openblas-pthread), whose
# thread pool only reads these variables, before the library loads. Without them its linear
# layers ran on both CPUs (process CPU time above wall time).
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"

import numpy as np  # noqa: E402
import torch  # noqa: E402

kind, path = sys.argv[1], sys.argv[2]
n, d, epochs, batch = (int(v) for v in sys.argv[3:7])
torch.set_num_threads(1)
torch.set_num_interop_threads(1)
torch.manual_seed(42)

values = np.fromfile(path, dtype="<f4")
features = values[: n * d]
labels = values[n * d : n * d + n]


def build():
    if kind == "mlp-bn":
        return torch.nn.Sequential(
            torch.nn.Linear(d, 64, bias=False),
            torch.nn.BatchNorm1d(64, eps=1e-3, momentum=0.01),
            torch.nn.ReLU(),
            torch.nn.Linear(64, 64, bias=False),
            torch.nn.BatchNorm1d(64, eps=1e-3, momentum=0.01),
            torch.nn.ReLU(),
            torch.nn.Linear(64, 1),
        )
    if kind == "mlp":
        return torch.nn.Sequential(
            torch.nn.Linear(d, 64),
            torch.nn.ReLU(),
            torch.nn.Linear(64, 64),
            torch.nn.ReLU(),
            torch.nn.Linear(64, 1),
        )
    # 64×64×3 images, two conv blocks (3×3 same + ReLU + 2×2 max pool), dense 64, dropout 0.25.
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(32 * 16 * 16, 64),
        torch.nn.ReLU(),
        torch.nn.Dropout(0.25),
        torch.nn.Linear(64, 1),
    )


started = time.perf_counter()
cpu_started = time.process_time()
x = torch.from_numpy(features.copy())
if kind == "cnn":
    # The file is height × width × channels per image, as Orchard reads it; PyTorch wants NCHW.
    x = x.reshape(n, 64, 64, 3).permute(0, 3, 1, 2).contiguous()
else:
    x = x.reshape(n, d)
y = torch.from_numpy(labels.copy()).reshape(n, 1)
model = build()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.BCEWithLogitsLoss()
model.train()
epoch_seconds = []
last_loss = float("nan")
for epoch in range(epochs):
    epoch_started = time.perf_counter()
    order = torch.randperm(n)
    total = torch.zeros(())
    for start in range(0, n, batch):
        rows = order[start : start + batch]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[rows]), y[rows])
        loss.backward()
        optimizer.step()
        total += loss.detach() * len(rows)
    last_loss = float(total) / n
    epoch_seconds.append(time.perf_counter() - epoch_started)
seconds = time.perf_counter() - started
cpu_seconds = time.process_time() - cpu_started

print(
    "BENCH_RESULT "
    + json.dumps(
        {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "seconds": seconds,
            "samplesPerSecond": n * epochs / seconds,
            "cpuSeconds": cpu_seconds,
            "epochSamplesPerSecond": [n / s for s in epoch_seconds],
            "finalLoss": last_loss,
            # ru_maxrss is in KiB on Linux.
            "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
)
