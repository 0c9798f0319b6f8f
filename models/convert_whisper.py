"""Converts a Whisper model from CTranslate2's `model.bin` into whisper.cpp's ggml file.

Usage: convert_whisper.py CT2_MODEL_BIN ASSETS_DIR OUT_FILE

CTranslate2 stores the same weights as the original checkpoint, fused differently: the
self-attention's query, key and value are one matrix, the cross-attention's key and value
another, and the key has a bias of zeros that the original does not have. This script splits
them back, renames every tensor to the names whisper.cpp loads, and writes the ggml layout
(f16 matrices; 1-D tensors, convolution biases and positional embeddings in f32), with the mel
filters and the token vocabulary from the `openai-whisper` source package's assets.
The output depends only on the inputs: its sha256 is pinned in models/manifest.toml.
"""

import base64
import struct
import sys

import numpy as np

DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(path):
    """Returns the named arrays of a CTranslate2 model file (binary format 6)."""
    with open(path, "rb") as f:
        data = f.read()
    pos = 0

    def take(fmt):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def text():
        nonlocal pos
        (length,) = take("H")
        raw = data[pos : pos + length]
        pos += length
        return raw.rstrip(b"\0").decode()

    (version,) = take("I")
    if version != 6:
        sys.exit(f"{path}: CTranslate2 binary version {version}, expected 6")
    spec = text()
    if spec != "WhisperSpec":
        sys.exit(f"{path}: model spec {spec}, expected WhisperSpec")
    take("I")  # spec revision
    (count,) = take("I")
    arrays = {}
    for _ in range(count):
        name = text()
        (rank,) = take("B")
        dims = take("I" * rank)
        (dtype,) = take("B")
        (size,) = take("I")
        raw = data[pos : pos + size]
        pos += size
        arrays[name] = np.frombuffer(raw, dtype=DTYPES[dtype]).reshape(dims)
    (aliases,) = take("I")
    for _ in range(aliases):
        alias = text()
        arrays[alias] = arrays[text()]
    return arrays


def whisper_tensors(ct2, layers_enc, layers_dec, state):
    """Yields (whisper.cpp name, array) in the order the original converter writes them."""
    yield "encoder.positional_embedding", ct2["encoder/position_encodings/encodings"]
    yield "encoder.conv1.weight", ct2["encoder/conv1/weight"]
    yield "encoder.conv1.bias", ct2["encoder/conv1/bias"].reshape(-1, 1)
    yield "encoder.conv2.weight", ct2["encoder/conv2/weight"]
    yield "encoder.conv2.bias", ct2["encoder/conv2/bias"].reshape(-1, 1)

    def block(prefix, src, cross):
        yield f"{prefix}.attn_ln.weight", ct2[f"{src}/self_attention/layer_norm/gamma"]
        yield f"{prefix}.attn_ln.bias", ct2[f"{src}/self_attention/layer_norm/beta"]
        qkv = ct2[f"{src}/self_attention/linear_0/weight"]
        qkv_bias = ct2[f"{src}/self_attention/linear_0/bias"]
        yield f"{prefix}.attn.query.weight", qkv[:state]
        yield f"{prefix}.attn.query.bias", qkv_bias[:state]
        yield f"{prefix}.attn.key.weight", qkv[state : 2 * state]
        yield f"{prefix}.attn.value.weight", qkv[2 * state :]
        yield f"{prefix}.attn.value.bias", qkv_bias[2 * state :]
        yield f"{prefix}.attn.out.weight", ct2[f"{src}/self_attention/linear_1/weight"]
        yield f"{prefix}.attn.out.bias", ct2[f"{src}/self_attention/linear_1/bias"]
        if cross:
            yield f"{prefix}.cross_attn_ln.weight", ct2[f"{src}/attention/layer_norm/gamma"]
            yield f"{prefix}.cross_attn_ln.bias", ct2[f"{src}/attention/layer_norm/beta"]
            yield f"{prefix}.cross_attn.query.weight", ct2[f"{src}/attention/linear_0/weight"]
            yield f"{prefix}.cross_attn.query.bias", ct2[f"{src}/attention/linear_0/bias"]
            kv = ct2[f"{src}/attention/linear_1/weight"]
            kv_bias = ct2[f"{src}/attention/linear_1/bias"]
            yield f"{prefix}.cross_attn.key.weight", kv[:state]
            yield f"{prefix}.cross_attn.value.weight", kv[state:]
            yield f"{prefix}.cross_attn.value.bias", kv_bias[state:]
            yield f"{prefix}.cross_attn.out.weight", ct2[f"{src}/attention/linear_2/weight"]
            yield f"{prefix}.cross_attn.out.bias", ct2[f"{src}/attention/linear_2/bias"]
        yield f"{prefix}.mlp_ln.weight", ct2[f"{src}/ffn/layer_norm/gamma"]
        yield f"{prefix}.mlp_ln.bias", ct2[f"{src}/ffn/layer_norm/beta"]
        yield f"{prefix}.mlp.0.weight", ct2[f"{src}/ffn/linear_0/weight"]
        yield f"{prefix}.mlp.0.bias", ct2[f"{src}/ffn/linear_0/bias"]
        yield f"{prefix}.mlp.2.weight", ct2[f"{src}/ffn/linear_1/weight"]
        yield f"{prefix}.mlp.2.bias", ct2[f"{src}/ffn/linear_1/bias"]

    for i in range(layers_enc):
        yield from block(f"encoder.blocks.{i}", f"encoder/layer_{i}", cross=False)
    yield "encoder.ln_post.weight", ct2["encoder/layer_norm/gamma"]
    yield "encoder.ln_post.bias", ct2["encoder/layer_norm/beta"]
    yield "decoder.positional_embedding", ct2["decoder/position_encodings/encodings"]
    yield "decoder.token_embedding.weight", ct2["decoder/embeddings/weight"]
    for i in range(layers_dec):
        yield from block(f"decoder.blocks.{i}", f"decoder/layer_{i}", cross=True)
    yield "decoder.ln.weight", ct2["decoder/layer_norm/gamma"]
    yield "decoder.ln.bias", ct2["decoder/layer_norm/beta"]


F32_NAMES = {
    "encoder.conv1.bias",
    "encoder.conv2.bias",
    "encoder.positional_embedding",
    "decoder.positional_embedding",
}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_bin, assets, out = sys.argv[1:]
    ct2 = read_ct2(model_bin)
    layers_enc = sum(1 for k in ct2 if k.startswith("encoder/layer_") and k.endswith("ffn/linear_0/weight"))
    layers_dec = sum(1 for k in ct2 if k.startswith("decoder/layer_") and k.endswith("ffn/linear_0/weight"))
    n_vocab, state = ct2["decoder/embeddings/weight"].shape
    audio_ctx = ct2["encoder/position_encodings/encodings"].shape[0]
    text_ctx = ct2["decoder/position_encodings/encodings"].shape[0]
    n_mels = ct2["encoder/conv1/weight"].shape[1]
    heads_enc = int(ct2["encoder/num_heads"])
    heads_dec = int(ct2["decoder/num_heads"])
    multilingual = n_vocab >= 51865
    vocabulary = "multilingual.tiktoken" if multilingual else "gpt2.tiktoken"
    if n_vocab not in (51864, 51865, 51866):
        sys.exit(f"{model_bin}: unexpected vocabulary size {n_vocab}")

    filters = np.load(f"{assets}/mel_filters.npz")[f"mel_{n_mels}"].astype(np.float32)
    tokens = []
    with open(f"{assets}/{vocabulary}", "rb") as f:
        for line in f:
            if line.strip():
                tokens.append(base64.b64decode(line.split()[0]))

    with open(out, "wb") as f:
        f.write(struct.pack("<i", 0x67676D6C))
        for value in (n_vocab, audio_ctx, state, heads_enc, layers_enc, text_ctx, state, heads_dec, layers_dec, n_mels, 1):
            f.write(struct.pack("<i", value))
        f.write(struct.pack("<ii", *filters.shape))
        f.write(filters.tobytes())
        f.write(struct.pack("<i", len(tokens)))
        for token in tokens:
            f.write(struct.pack("<i", len(token)))
            f.write(token)
        for name, array in whisper_tensors(ct2, layers_enc, layers_dec, state):
            if array.ndim < 2 or name in F32_NAMES:
                array, ftype = array.astype(np.float32), 0
            else:
                array, ftype = array.astype(np.float16), 1
            encoded = name.encode()
            f.write(struct.pack("<iii", array.ndim, len(encoded), ftype))
            for dim in reversed(array.shape):
                f.write(struct.pack("<i", dim))
            f.write(encoded)
            f.write(np.ascontiguousarray(array).tobytes())


if __name__ == "__main__":
    main()
