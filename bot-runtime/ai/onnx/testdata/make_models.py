"""Builds the small models the ONNX loader tests read (committed beside this file).

Regenerate with:  pip install onnx && python3 bot-runtime/ai/onnx/testdata/make_models.py

- mean-close-8.onnx: windows of exactly 8 candles, 2 features; outputs the mean
  of feature 0 over the window (a known answer for the tests), shaped [batch, 1].
- int-input.onnx: an int64 input, which a strategy cannot feed.
- two-outputs-4d.onnx: output shaped [batch, 2, 2, 1], which is not a probability.
"""

from pathlib import Path

import onnx
from onnx import TensorProto, helper

HERE = Path(__file__).parent


def const(name, data_type, dims, values):
    return helper.make_node("Constant", [], [name], value=helper.make_tensor(name + "_v", data_type, dims, values))


def save(name, nodes, inputs, outputs):
    graph = helper.make_graph(nodes, name, inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], producer_name="botcore-tests")
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, HERE / f"{name}.onnx")


save(
    "mean-close-8",
    [
        const("zero", TensorProto.INT64, [1], [0]),
        const("one", TensorProto.INT64, [1], [1]),
        const("feature_axis", TensorProto.INT64, [1], [2]),
        const("time_axis", TensorProto.INT64, [1], [1]),
        const("out_shape", TensorProto.INT64, [2], [-1, 1]),
        helper.make_node("Slice", ["x", "zero", "one", "feature_axis"], ["first"]),
        helper.make_node("ReduceMean", ["first", "time_axis"], ["mean"], keepdims=1),
        helper.make_node("Reshape", ["mean", "out_shape"], ["y"]),
    ],
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 8, 2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 1])],
)

save(
    "int-input",
    [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT)],
    [helper.make_tensor_value_info("x", TensorProto.INT64, ["batch", "window", "features"])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "window", "features"])],
)

save(
    "two-outputs-4d",
    [const("axes", TensorProto.INT64, [1], [3]), helper.make_node("Unsqueeze", ["x", "axes"], ["y"])],
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 2, 2])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2, 2, 1])],
)
