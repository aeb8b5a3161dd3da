#!/usr/bin/env python3
"""Convert the MediaPipe models facetalk uses from .tflite to .onnx, once, at dev time.

facetalk runs MediaPipe's face detector, face mesh (with attention: refined lips, eyes and irises)
and selfie segmentation under onnxruntime (`facetalk.face.mesh`), so that mediapipe itself, which
pins numpy<2, protobuf<5 and OpenCV 4.11, is not needed at run time. This script reads the .tflite
files shipped inside the mediapipe 0.10.21 wheel (Apache-2.0) and writes .onnx files with the same
inputs, outputs and weights. It is a small hand-written converter for the ops these five models use
(no TensorFlow): tf2onnx cannot convert MediaPipe's custom ops (Convolution2DTransposeBias in the
segmenter; Landmarks2TransformMatrix, TransformTensorBilinear and TransformLandmarks in the
attention mesh), which are written here from their C++ definitions in
mediapipe/util/tflite/operations/.

Tools (dev time only, in a separate venv; the runtime never imports them):

    python3 -m venv /tmp/convert-venv
    /tmp/convert-venv/bin/pip install tflite==2.18.0 flatbuffers==25.12.19 onnx==1.23.2 numpy==2.4.6
    /tmp/convert-venv/bin/python scripts/convert_mediapipe_models.py --mediapipe-dir \
        .venv/lib/python3.11/site-packages/mediapipe/modules --out src/facetalk/data/models

Layout: TFLite is NHWC, ONNX convolutions are NCHW. Every rank-4 activation is kept NCHW inside
the ONNX graph; the graph's inputs and outputs keep the TFLite (NHWC) shapes, and the few
layout-sensitive ops (reshape, strided slice, custom ops) see NHWC through explicit transposes.
Weights stored as float16 (DEQUANTIZE) or sparse (DENSIFY) are expanded to float32 constants.
The output is deterministic (same input files and tool versions give byte-identical .onnx files).
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
import tflite
from flatbuffers import flexbuffers
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
# (tflite path under mediapipe/modules, onnx file name)
MODELS = (
    ("face_detection/face_detection_short_range.tflite", "face_detection_short_range.onnx"),
    ("face_detection/face_detection_full_range_sparse.tflite", "face_detection_full_range.onnx"),
    ("face_landmark/face_landmark_with_attention.tflite", "face_landmark_with_attention.onnx"),
    ("selfie_segmentation/selfie_segmentation.tflite", "selfie_segmentation.onnx"),
)
# The tool versions the committed .onnx files were made with (see the module docstring).
TOOLS = {"tflite": "2.18.0", "onnx": "1.23.2", "numpy": "2.4.6"}
# The .tflite files of the mediapipe==0.10.21 wheel (manylinux x86_64, cp311).
SOURCE_SHA256 = {
    "face_detection/face_detection_short_range.tflite":
        "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    "face_detection/face_detection_full_range_sparse.tflite":
        "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1",
    "face_landmark/face_landmark_with_attention.tflite":
        "e06a804e0144f9929eda782122916b35d60c697c3c9344013ca2bbe76a6ce2b4",
    "selfie_segmentation/selfie_segmentation.tflite":
        "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
}
TO_NCHW = (0, 3, 1, 2)
TO_NHWC = (0, 2, 3, 1)
NHWC_AXIS_TO_NCHW = (0, 2, 3, 1)  # NHWC axis i is NCHW axis NHWC_AXIS_TO_NCHW[i]
_OPS = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
_NP_TYPES = {tflite.TensorType.FLOAT32: np.float32, tflite.TensorType.FLOAT16: np.float16,
             tflite.TensorType.INT32: np.int32, tflite.TensorType.INT64: np.int64,
             tflite.TensorType.UINT8: np.uint8, tflite.TensorType.INT8: np.int8}


@dataclass
class Graph:
    """The ONNX graph under construction. `names[i]` is the ONNX name holding TFLite tensor i;
    `nchw` the TFLite tensors whose ONNX value is a transposed (NCHW) rank-4 activation;
    `consts` TFLite tensors known at conversion time (weights, shapes)."""

    model: tflite.Model
    sub: tflite.SubGraph
    nodes: list = field(default_factory=list)
    inits: list = field(default_factory=list)
    names: dict = field(default_factory=dict)
    nchw: set = field(default_factory=set)
    consts: dict = field(default_factory=dict)
    counter: int = 0

    def fresh(self, hint: str) -> str:
        self.counter += 1
        return f"{hint}__{self.counter}"

    def node(self, op: str, inputs: list[str], *, hint: str = "t", **attrs) -> str:
        out = self.fresh(hint)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def const(self, value: np.ndarray, hint: str = "c") -> str:
        name = self.fresh(hint)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def shape(self, idx: int) -> tuple[int, ...]:
        return tuple(int(d) for d in self.sub.Tensors(idx).ShapeAsNumpy())

    def value(self, idx: int) -> str:
        """ONNX name of TFLite tensor idx, in the graph's internal layout (NCHW for activations)."""
        if idx not in self.names:
            arr = self.consts[idx]
            self.names[idx] = self.const(arr.astype(np.float32) if arr.dtype == np.float16 else arr, "w")
        return self.names[idx]

    def nhwc(self, idx: int) -> str:
        """ONNX name of TFLite tensor idx in TFLite's own (NHWC) layout."""
        name = self.value(idx)
        return self.node("Transpose", [name], perm=TO_NHWC) if idx in self.nchw else name

    def set_output(self, idx: int, name: str, *, layout_nchw: bool) -> None:
        self.names[idx] = name
        if layout_nchw:
            self.nchw.add(idx)


def tensor_data(model: tflite.Model, tensor: tflite.Tensor) -> np.ndarray | None:
    buf = model.Buffers(tensor.Buffer())
    if buf is None or buf.DataLength() == 0:
        return None
    raw = buf.DataAsNumpy().tobytes()
    dtype = _NP_TYPES[tensor.Type()]
    if tensor.Sparsity() is not None:
        return np.frombuffer(raw, dtype)  # values only; DENSIFY expands them
    return np.frombuffer(raw, dtype).reshape(tuple(tensor.ShapeAsNumpy())).copy()


def densify(tensor: tflite.Tensor, values: np.ndarray) -> np.ndarray:
    """Expand a TFLite sparse tensor (dense leading dims, CSR last dims; no blocks) to dense."""
    sp = tensor.Sparsity()
    shape = tuple(int(d) for d in tensor.ShapeAsNumpy())
    if sp.BlockMapLength() or list(sp.TraversalOrderAsNumpy()) != list(range(len(shape))):
        raise NotImplementedError("block-sparse or reordered tensors")
    dense = np.zeros(shape, values.dtype).reshape(-1)
    positions = np.zeros(1, np.int64)  # flat offsets of the prefix traversed so far
    value_at = None
    for d in range(sp.DimMetadataLength()):
        meta = sp.DimMetadata(d)
        if meta.Format() == tflite.DimensionType.DENSE:
            positions = (positions[:, None] * shape[d] + np.arange(shape[d])[None, :]).reshape(-1)
            continue
        segments = _index_vector(meta.ArraySegments(), meta.ArraySegmentsType())
        indices = _index_vector(meta.ArrayIndices(), meta.ArrayIndicesType())
        counts = np.diff(segments)
        positions = np.repeat(positions, counts) * shape[d] + indices
        value_at = np.arange(len(indices))
    dense[positions] = values if value_at is None else values[value_at]
    return dense.reshape(shape)


def _index_vector(table, kind: int) -> np.ndarray:
    vec = {1: tflite.Int32Vector, 2: tflite.Uint16Vector, 3: tflite.Uint8Vector}[kind]()
    vec.Init(table.Bytes, table.Pos)
    return vec.ValuesAsNumpy().astype(np.int64)


def options(op: tflite.Operator, cls):
    table = op.BuiltinOptions()
    opts = cls()
    opts.Init(table.Bytes, table.Pos)
    return opts


def activation(g: Graph, name: str, fused: int) -> str:
    if fused == tflite.ActivationFunctionType.NONE:
        return name
    if fused == tflite.ActivationFunctionType.RELU:
        return g.node("Relu", [name])
    if fused == tflite.ActivationFunctionType.RELU6:
        return g.node("Clip", [name, g.const(np.float32(0)), g.const(np.float32(6))])
    raise NotImplementedError(f"fused activation {fused}")


def conv_pads(g: Graph, in_idx: int, out_idx: int, kernel_hw: tuple[int, int], stride_hw: tuple[int, int],
              dilation_hw: tuple[int, int], same: bool) -> list[int]:
    """Explicit ONNX pads [top, left, bottom, right] reproducing TFLite SAME/VALID padding."""
    if not same:
        return [0, 0, 0, 0]
    _, ih, iw, _ = g.shape(in_idx)
    _, oh, ow, _ = g.shape(out_idx)
    pads = []
    for i, o, k, s, d in ((ih, oh, *[kernel_hw[0], stride_hw[0], dilation_hw[0]]),
                          (iw, ow, *[kernel_hw[1], stride_hw[1], dilation_hw[1]])):
        total = max((o - 1) * s + (k - 1) * d + 1 - i, 0)
        pads.append((total // 2, total - total // 2))
    return [pads[0][0], pads[1][0], pads[0][1], pads[1][1]]


def op_conv(g: Graph, op, ins, outs, *, depthwise: bool) -> None:
    cls = tflite.DepthwiseConv2DOptions if depthwise else tflite.Conv2DOptions
    o = options(op, cls)
    weight = g.consts[ins[1]].astype(np.float32)  # OHWI (conv) or 1HWC (depthwise)
    if depthwise:
        weight = weight.transpose(3, 0, 1, 2)  # -> (C*mult, 1, kh, kw)
        group = g.shape(ins[0])[3]
    else:
        weight = weight.transpose(0, 3, 1, 2)  # -> OIHW
        group = 1
    kernel = weight.shape[2:]
    stride = (o.StrideH(), o.StrideW())
    dilation = (o.DilationHFactor(), o.DilationWFactor())
    pads = conv_pads(g, ins[0], outs[0], kernel, stride, dilation, o.Padding() == tflite.Padding.SAME)
    inputs = [g.value(ins[0]), g.const(weight, "w")]
    if len(ins) > 2 and ins[2] >= 0:
        inputs.append(g.value(ins[2]))
    y = g.node("Conv", inputs, kernel_shape=list(kernel), strides=list(stride), dilations=list(dilation),
               pads=pads, group=group)
    g.set_output(outs[0], activation(g, y, o.FusedActivationFunction()), layout_nchw=True)


def op_pool(g: Graph, op, ins, outs, *, kind: str) -> None:
    o = options(op, tflite.Pool2DOptions)
    kernel, stride = (o.FilterHeight(), o.FilterWidth()), (o.StrideH(), o.StrideW())
    pads = conv_pads(g, ins[0], outs[0], kernel, stride, (1, 1), o.Padding() == tflite.Padding.SAME)
    # TFLite averages over the valid (unpadded) pixels only.
    extra = {"count_include_pad": 0} if kind == "AveragePool" else {}
    y = g.node(kind, [g.value(ins[0])], kernel_shape=list(kernel), strides=list(stride), pads=pads, **extra)
    g.set_output(outs[0], activation(g, y, o.FusedActivationFunction()), layout_nchw=True)


def broadcast_operand(g: Graph, idx: int, other_nchw: bool) -> str:
    """An ADD/MUL/PRELU operand, moved into NCHW broadcasting when the other side is NCHW."""
    if idx in g.nchw or idx not in g.consts or not other_nchw:
        return g.value(idx)
    arr = g.consts[idx].astype(np.float32)
    if arr.ndim == 4:
        arr = arr.transpose(TO_NCHW)
    elif arr.ndim in (1, 3) and arr.size > 1:
        arr = arr.reshape(-1, 1, 1)  # per-channel (C,) or (1, 1, C) -> (C, 1, 1)
    return g.const(arr, "w")


def op_binary(g: Graph, op, ins, outs, *, kind: str) -> None:
    any_nchw = any(i in g.nchw for i in ins)
    a, b = (broadcast_operand(g, i, any_nchw) for i in ins)
    cls = tflite.AddOptions if kind == "Add" else tflite.MulOptions
    fused = options(op, cls).FusedActivationFunction() if op.BuiltinOptions() is not None else 0
    g.set_output(outs[0], activation(g, g.node(kind, [a, b]), fused), layout_nchw=any_nchw)


def op_prelu(g: Graph, op, ins, outs) -> None:
    x_nchw = ins[0] in g.nchw
    g.set_output(outs[0], g.node("PRelu", [g.value(ins[0]), broadcast_operand(g, ins[1], x_nchw)]),
                 layout_nchw=x_nchw)


def op_unary(g: Graph, op, ins, outs, *, kind: str) -> None:
    g.set_output(outs[0], g.node(kind, [g.value(ins[0])]), layout_nchw=ins[0] in g.nchw)


def op_pad(g: Graph, op, ins, outs) -> None:
    pads = g.consts[ins[1]].astype(np.int64)  # (rank, 2) before/after
    if ins[0] in g.nchw:
        pads = pads[list(TO_NCHW)]
    onnx_pads = np.concatenate([pads[:, 0], pads[:, 1]])
    g.set_output(outs[0], g.node("Pad", [g.value(ins[0]), g.const(onnx_pads)]), layout_nchw=ins[0] in g.nchw)


def op_reshape(g: Graph, op, ins, outs) -> None:
    shape = np.array(g.shape(outs[0]), np.int64)
    y = g.node("Reshape", [g.nhwc(ins[0]), g.const(shape)])
    to_nchw(g, outs[0], y)


def to_nchw(g: Graph, idx: int, nhwc_name: str) -> None:
    """Record an op's NHWC result, transposed to NCHW when it is a rank-4 activation."""
    if len(g.shape(idx)) == 4:
        g.set_output(idx, g.node("Transpose", [nhwc_name], perm=TO_NCHW), layout_nchw=True)
    else:
        g.set_output(idx, nhwc_name, layout_nchw=False)


def op_concat(g: Graph, op, ins, outs) -> None:
    o = options(op, tflite.ConcatenationOptions)
    nchw = all(i in g.nchw for i in ins)
    axis = o.Axis() % len(g.shape(outs[0]))
    names = [g.value(i) if nchw else g.nhwc(i) for i in ins]
    y = g.node("Concat", names, axis=NHWC_AXIS_TO_NCHW[axis] if nchw else axis)
    if nchw:
        g.set_output(outs[0], activation(g, y, o.FusedActivationFunction()), layout_nchw=True)
    else:
        to_nchw(g, outs[0], activation(g, y, o.FusedActivationFunction()))


def op_resize_bilinear(g: Graph, op, ins, outs) -> None:
    o = options(op, tflite.ResizeBilinearOptions)
    mode = "align_corners" if o.AlignCorners() else "half_pixel" if o.HalfPixelCenters() else "asymmetric"
    n, h, w, c = g.shape(outs[0])
    y = g.node("Resize", [g.value(ins[0]), "", "", g.const(np.array([n, c, h, w], np.int64))], mode="linear",
               coordinate_transformation_mode=mode)
    g.set_output(outs[0], y, layout_nchw=True)


def op_depth_to_space(g: Graph, op, ins, outs) -> None:
    o = options(op, tflite.DepthToSpaceOptions)
    # TFLite's NHWC depth-to-space orders channels as ONNX's "DCR" mode does.
    g.set_output(outs[0], g.node("DepthToSpace", [g.value(ins[0])], blocksize=o.BlockSize(), mode="DCR"),
                 layout_nchw=True)


def op_strided_slice(g: Graph, op, ins, outs) -> None:
    o = options(op, tflite.StridedSliceOptions)
    if o.BeginMask() or o.EndMask() or o.EllipsisMask() or o.NewAxisMask() or o.ShrinkAxisMask():
        raise NotImplementedError("strided slice masks")
    begin, end, strides = (g.consts[i].astype(np.int64) for i in ins[1:4])
    y = g.node("Slice", [g.nhwc(ins[0]), g.const(begin), g.const(end), g.const(np.arange(len(begin), dtype=np.int64)),
                         g.const(strides)])
    to_nchw(g, outs[0], y)


def op_transpose_conv_bias(g: Graph, op, ins, outs) -> None:
    """MediaPipe's Convolution2DTransposeBias: a transposed convolution plus bias, SAME padding.
    Its options are TfLiteTransposeConvParams {padding, stride_w, stride_h} as raw int32s."""
    _, stride_w, stride_h = np.frombuffer(op.CustomOptionsAsNumpy().tobytes(), np.int32)[:3]
    weight = g.consts[ins[1]].astype(np.float32).transpose(3, 0, 1, 2)  # OHWI -> (I, O, kh, kw)
    kh, kw = weight.shape[2:]
    # Output = input * stride; the padding that gives it, split as TFLite splits SAME padding.
    th, tw = kh - stride_h, kw - stride_w
    pads = [th // 2, tw // 2, th - th // 2, tw - tw // 2]
    y = g.node("ConvTranspose", [g.value(ins[0]), g.const(weight, "w"), g.value(ins[2])],
               kernel_shape=[int(kh), int(kw)], strides=[int(stride_h), int(stride_w)], pads=pads)
    g.set_output(outs[0], y, layout_nchw=True)


def _take(g: Graph, x: str, axis: int, start: int, stop: int) -> str:
    return g.node("Slice", [x, g.const(np.array([start], np.int64)), g.const(np.array([stop], np.int64)),
                            g.const(np.array([axis], np.int64))])


def op_landmarks_to_matrix(g: Graph, op, ins, outs) -> None:
    """MediaPipe's Landmarks2TransformMatrix v2 (landmarks_to_transform_matrix.cc): the (1, 4, 4)
    matrix mapping a rotated, scaled output_width x output_height crop to landmark space; the crop
    box is the landmark subset's extent after rotating left->right onto target_rotation_radians."""
    o = flexbuffers.Loads(op.CustomOptionsAsNumpy().tobytes())
    if o["target_rotation_radians"] != 0.0:
        raise NotImplementedError("target rotation")
    lm = g.value(ins[0])  # (1, N, 3)
    f = lambda v: g.const(np.array([v], np.float32))  # noqa: E731 (a scalar constant)
    left = g.node("Gather", [lm, g.const(np.array([o["left_rotation_idx"]], np.int64))], axis=1)
    right = g.node("Gather", [lm, g.const(np.array([o["right_rotation_idx"]], np.int64))], axis=1)
    d = g.node("Sub", [right, left])  # (1, 1, 3)
    dx, dy = _take(g, d, 2, 0, 1), _take(g, d, 2, 1, 2)
    norm = g.node("Sqrt", [g.node("Add", [g.node("Mul", [dx, dx]), g.node("Mul", [dy, dy])])])
    # rotation r = -atan2(dy, dx): cos r = dx / |d|, sin r = -dy / |d|
    c = g.node("Div", [dx, norm])
    s = g.node("Neg", [g.node("Div", [dy, norm])])
    pts = g.node("Gather", [lm, g.const(np.array(o["subset_idxs"], np.int64))], axis=1)  # (1, K, 3)
    px, py = _take(g, pts, 2, 0, 1), _take(g, pts, 2, 1, 2)
    rx = g.node("Sub", [g.node("Mul", [c, px]), g.node("Mul", [s, py])])
    ry = g.node("Add", [g.node("Mul", [s, px]), g.node("Mul", [c, py])])
    lo_x, hi_x = (g.node(k, [rx], axes=[1], keepdims=1) for k in ("ReduceMin", "ReduceMax"))
    lo_y, hi_y = (g.node(k, [ry], axes=[1], keepdims=1) for k in ("ReduceMin", "ReduceMax"))
    mx = g.node("Mul", [g.node("Add", [lo_x, hi_x]), f(0.5)])
    my = g.node("Mul", [g.node("Add", [lo_y, hi_y]), f(0.5)])
    cx = g.node("Add", [g.node("Mul", [c, mx]), g.node("Mul", [s, my])])
    cy = g.node("Sub", [g.node("Mul", [c, my]), g.node("Mul", [s, mx])])
    sx = g.node("Mul", [g.node("Sub", [hi_x, lo_x]), f(o["scale_x"] / o["output_width"])])
    sy = g.node("Mul", [g.node("Sub", [hi_y, lo_y]), f(o["scale_y"] / o["output_height"])])
    a00, a01 = g.node("Mul", [c, sx]), g.node("Mul", [s, sy])
    a10, a11 = g.node("Neg", [g.node("Mul", [s, sx])]), g.node("Mul", [c, sy])
    hw, hh = f(-o["output_width"] / 2.0), f(-o["output_height"] / 2.0)
    tx = g.node("Add", [cx, g.node("Add", [g.node("Mul", [a00, hw]), g.node("Mul", [a01, hh])])])
    ty = g.node("Add", [cy, g.node("Add", [g.node("Mul", [a10, hw]), g.node("Mul", [a11, hh])])])
    zero, one = f(0.0), f(1.0)
    flat = [g.node("Reshape", [v, g.const(np.array([1], np.int64))]) for v in
            (a00, a01, zero, tx, a10, a11, zero, ty, zero, zero, one, zero, zero, zero, zero, one)]
    m = g.node("Reshape", [g.node("Concat", flat, axis=0), g.const(np.array([1, 4, 4], np.int64))])
    g.set_output(outs[0], m, layout_nchw=False)


def op_transform_tensor(g: Graph, op, ins, outs) -> None:
    """MediaPipe's TransformTensorBilinear v2: out[y, x] = bilinear sample of the input at
    M @ (x + 0.5, y + 0.5) - 0.5, zero outside the input; here a GridSample with a validity mask."""
    _, ih, iw, _ = g.shape(ins[0])
    _, oh, ow, _ = g.shape(outs[0])
    m = g.node("Reshape", [g.value(ins[1]), g.const(np.array([16], np.int64))])
    ys, xs = np.meshgrid(np.arange(oh, dtype=np.float32) + 0.5, np.arange(ow, dtype=np.float32) + 0.5,
                         indexing="ij")

    def coord(row: int) -> str:  # M[row] @ (x + 0.5, y + 0.5, 0, 1) - 0.5, (oh, ow)
        a, b, t = (_take(g, m, 0, row * 4 + k, row * 4 + k + 1) for k in (0, 1, 3))
        xy = g.node("Add", [g.node("Mul", [a, g.const(xs)]), g.node("Mul", [b, g.const(ys)])])
        return g.node("Sub", [g.node("Add", [xy, t]), g.const(np.float32(0.5))])

    tx, ty = coord(0), coord(1)
    inside = [g.node("GreaterOrEqual", [tx, g.const(np.float32(0))]),
              g.node("LessOrEqual", [tx, g.const(np.float32(iw - 1))]),
              g.node("GreaterOrEqual", [ty, g.const(np.float32(0))]),
              g.node("LessOrEqual", [ty, g.const(np.float32(ih - 1))])]
    mask = g.node("And", [g.node("And", inside[:2]), g.node("And", inside[2:])])
    mask = g.node("Reshape", [g.node("Cast", [mask], to=TensorProto.FLOAT), g.const(np.array([1, 1, oh, ow], np.int64))])
    gx = g.node("Sub", [g.node("Mul", [tx, g.const(np.float32(2.0 / (iw - 1)))]), g.const(np.float32(1))])
    gy = g.node("Sub", [g.node("Mul", [ty, g.const(np.float32(2.0 / (ih - 1)))]), g.const(np.float32(1))])
    grid = g.node("Concat", [g.node("Reshape", [v, g.const(np.array([1, oh, ow, 1], np.int64))]) for v in (gx, gy)],
                  axis=3)
    sampled = g.node("GridSample", [g.value(ins[0]), grid], align_corners=1, mode="bilinear", padding_mode="zeros")
    g.set_output(outs[0], g.node("Mul", [sampled, mask]), layout_nchw=True)


def op_transform_landmarks(g: Graph, op, ins, outs) -> None:
    """MediaPipe's TransformLandmarks v2: (x, y) -> M[:2, :2] @ (x, y) + M[:2, 3]; z kept."""
    lm, m = g.value(ins[0]), g.value(ins[1])  # (1, N, D), (1, 4, 4)
    dims = g.shape(ins[0])[-1]
    rot = g.node("Transpose", [_take(g, _take(g, m, 1, 0, 2), 2, 0, 2)], perm=[0, 2, 1])
    shift = g.node("Reshape", [_take(g, _take(g, m, 1, 0, 2), 2, 3, 4), g.const(np.array([1, 1, 2], np.int64))])
    xy = g.node("Add", [g.node("MatMul", [_take(g, lm, 2, 0, 2), rot]), shift])
    out = xy if dims == 2 else g.node("Concat", [xy, _take(g, lm, 2, 2, dims)], axis=2)
    g.set_output(outs[0], out, layout_nchw=False)


BUILTINS = {
    "CONV_2D": lambda g, op, i, o: op_conv(g, op, i, o, depthwise=False),
    "DEPTHWISE_CONV_2D": lambda g, op, i, o: op_conv(g, op, i, o, depthwise=True),
    "MAX_POOL_2D": lambda g, op, i, o: op_pool(g, op, i, o, kind="MaxPool"),
    "AVERAGE_POOL_2D": lambda g, op, i, o: op_pool(g, op, i, o, kind="AveragePool"),
    "ADD": lambda g, op, i, o: op_binary(g, op, i, o, kind="Add"),
    "MUL": lambda g, op, i, o: op_binary(g, op, i, o, kind="Mul"),
    "PRELU": op_prelu,
    "RELU": lambda g, op, i, o: op_unary(g, op, i, o, kind="Relu"),
    "HARD_SWISH": lambda g, op, i, o: op_unary(g, op, i, o, kind="HardSwish"),
    "LOGISTIC": lambda g, op, i, o: op_unary(g, op, i, o, kind="Sigmoid"),
    "PAD": op_pad,
    "RESHAPE": op_reshape,
    "CONCATENATION": op_concat,
    "RESIZE_BILINEAR": op_resize_bilinear,
    "DEPTH_TO_SPACE": op_depth_to_space,
    "STRIDED_SLICE": op_strided_slice,
}
CUSTOM = {
    "Convolution2DTransposeBias": op_transpose_conv_bias,
    "Landmarks2TransformMatrix": op_landmarks_to_matrix,
    "TransformTensorBilinear": op_transform_tensor,
    "TransformLandmarks": op_transform_landmarks,
}


def op_name(model: tflite.Model, op: tflite.Operator) -> tuple[str, bool]:
    code = model.OperatorCodes(op.OpcodeIndex())
    builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
    if _OPS[builtin] == "CUSTOM":
        return code.CustomCode().decode(), True
    return _OPS[builtin], False


def convert(tflite_path: Path, doc: str) -> onnx.ModelProto:
    model = tflite.Model.GetRootAsModel(tflite_path.read_bytes(), 0)
    sub = model.Subgraphs(0)
    g = Graph(model, sub)
    for i in range(sub.TensorsLength()):
        data = tensor_data(model, sub.Tensors(i))
        if data is not None:
            g.consts[i] = data
    inputs, outputs = [], []
    for k in range(sub.InputsLength()):
        idx = sub.Inputs(k)
        name = sub.Tensors(idx).Name().decode()
        inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(g.shape(idx))))
        if len(g.shape(idx)) == 4:
            g.set_output(idx, g.node("Transpose", [name], perm=TO_NCHW), layout_nchw=True)
        else:
            g.set_output(idx, name, layout_nchw=False)
    for k in range(sub.OperatorsLength()):
        convert_op(g, sub.Operators(k))
    for k in range(sub.OutputsLength()):
        idx = sub.Outputs(k)
        name = sub.Tensors(idx).Name().decode()
        g.nodes.append(helper.make_node("Identity", [g.nhwc(idx)], [name], name=name))
        outputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(g.shape(idx))))
    graph = helper.make_graph(g.nodes, tflite_path.stem, inputs, outputs, g.inits)
    out = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="facetalk",
                            doc_string=doc)
    out.ir_version = 8  # readable by onnxruntime >= 1.10
    onnx.checker.check_model(out, full_check=True)
    return out


def convert_op(g: Graph, op: tflite.Operator) -> None:
    name, custom = op_name(g.model, op)
    ins = [int(i) for i in op.InputsAsNumpy()] if op.InputsLength() else []
    outs = [int(i) for i in op.OutputsAsNumpy()]
    if name == "DENSIFY":
        g.consts[outs[0]] = densify(g.sub.Tensors(ins[0]), g.consts[ins[0]])
    elif name == "DEQUANTIZE":  # float16 weights -> float32 constants
        g.consts[outs[0]] = g.consts[ins[0]].astype(np.float32)
    elif custom:
        CUSTOM[name](g, op, ins, outs)
    else:
        BUILTINS[name](g, op, ins, outs)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mediapipe-dir", type=Path, required=True, help="site-packages/mediapipe/modules")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    used = {"tflite": tflite.__version__, "onnx": onnx.__version__, "numpy": np.__version__}
    if used != TOOLS:
        print(f"warning: tools {used} differ from the pinned {TOOLS}; the .onnx files may differ byte-wise")
    args.out.mkdir(parents=True, exist_ok=True)
    versions = ", ".join(f"{k} {v}" for k, v in used.items())
    for rel, onnx_name in MODELS:
        src = args.mediapipe_dir / rel
        if sha256(src) != SOURCE_SHA256[rel]:
            raise SystemExit(f"{src}: not the file of the mediapipe 0.10.21 wheel (sha256 {sha256(src)})")
        doc = (f"Converted from mediapipe 0.10.21 modules/{rel} (sha256 {sha256(src)}), Apache-2.0, "
               f"by facetalk scripts/convert_mediapipe_models.py ({versions}).")
        dst = args.out / onnx_name
        onnx.save(convert(src, doc), dst)
        print(f"{rel}\n  tflite sha256 {sha256(src)}\n  -> {dst} ({dst.stat().st_size} bytes) sha256 {sha256(dst)}")

if __name__ == "__main__":
    main()
