"""Builds momentum.onnx, the example model of examples/bots/onnx-paper.yaml.

The model reads a window of candle features shaped [batch, window, features]
(float32; feature 0 must be the close) and outputs, shaped [batch, 1], the
probability that the price goes up: sigmoid(200 * (last close / mean close - 1)).
A close above the window's mean reads as upward momentum. It is a worked example
of the model contract in docs/strategies.md, not a forecast anyone should trade.

Regenerate with:  pip install onnx && python3 examples/models/momentum.py
"""

from pathlib import Path

import onnx
from onnx import TensorProto, helper

STEEPNESS = 200.0

features = helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "window", "features"])
probability = helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["batch", 1])


def const(name, data_type, dims, values):
    return helper.make_node(
        "Constant", [], [name], value=helper.make_tensor(name + "_value", data_type, dims, values)
    )


nodes = [
    const("zero", TensorProto.INT64, [1], [0]),
    const("one", TensorProto.INT64, [1], [1]),
    const("minus_one", TensorProto.INT64, [1], [-1]),
    const("last_axis", TensorProto.INT64, [1], [2]),
    const("time_axis", TensorProto.INT64, [1], [1]),
    const("end", TensorProto.INT64, [1], [2**62]),
    const("unit", TensorProto.FLOAT, [], [1.0]),
    const("steepness", TensorProto.FLOAT, [], [STEEPNESS]),
    const("out_shape", TensorProto.INT64, [2], [-1, 1]),
    # close: [batch, window, 1]
    helper.make_node("Slice", ["features", "zero", "one", "last_axis"], ["close"]),
    helper.make_node("ReduceMean", ["close", "time_axis"], ["mean"], keepdims=1),
    helper.make_node("Slice", ["close", "minus_one", "end", "time_axis"], ["last"]),
    helper.make_node("Div", ["last", "mean"], ["ratio"]),
    helper.make_node("Sub", ["ratio", "unit"], ["excess"]),
    helper.make_node("Mul", ["excess", "steepness"], ["logit"]),
    helper.make_node("Sigmoid", ["logit"], ["p"]),
    helper.make_node("Reshape", ["p", "out_shape"], ["probability"]),
]

graph = helper.make_graph(nodes, "momentum", [features], [probability])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="botcore-examples")
model.ir_version = 8
onnx.checker.check_model(model, full_check=True)
onnx.save(model, Path(__file__).with_name("momentum.onnx"))
