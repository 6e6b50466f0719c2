#!/usr/bin/python3
"""Small ONNX models for the lf-runtime tests: gen_onnx.py KIND OUT.onnx [SEED]."""
import sys
import torch
import torch.nn as nn

kind, out = sys.argv[1], sys.argv[2]
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
torch.manual_seed(seed)


class Mix(nn.Module):
    """fc, tanh, sigmoid, relu, leaky relu, add/mul, concat, reduce."""
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 8)
        self.b = nn.Linear(8, 6)
        self.c = nn.Linear(12, 3)

    def forward(self, x):
        h = torch.tanh(self.a(x))
        g = self.b(h)
        u = torch.sigmoid(g) * 2.0 - 0.5
        v = torch.nn.functional.leaky_relu(g, 0.1) + torch.relu(g)
        z = torch.cat([u, v], dim=1)
        return self.c(z) + z.sum(dim=1, keepdim=True) * 0.1


if kind == "mlp":      # 2 inputs -> 1 output, tanh hidden layer
    m = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    x = torch.zeros(1, 2)
elif kind == "rtdemo":  # the VM scenario's model: mlp, output bound sum|w2| = 6
    # (Q3.28 out) so that tuned models still fit the pinned output format
    m = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    with torch.no_grad():
        m[2].weight.mul_(6.0 / m[2].weight.abs().sum())
        m[2].bias.zero_()
    x = torch.zeros(1, 2)
elif kind == "mlp3":   # 3 -> 2, relu + sigmoid
    m = nn.Sequential(nn.Linear(3, 12), nn.ReLU(), nn.Linear(12, 8), nn.Sigmoid(), nn.Linear(8, 2))
    x = torch.zeros(1, 3)
elif kind == "softmax":  # 4 -> 3 probabilities
    m = nn.Sequential(nn.Linear(4, 10), nn.Tanh(), nn.Linear(10, 3), nn.Softmax(dim=1))
    x = torch.zeros(1, 4)
elif kind == "mix":
    m = Mix()
    x = torch.zeros(1, 4)
else:
    sys.exit("unknown kind " + kind)
m.eval()
torch.onnx.export(m, x, out, input_names=["x"], output_names=["y"], opset_version=13)
