#!/usr/bin/python3
"""Reference logits for the model families Gatekeeper loads, from a plain-PyTorch forward.

Run by hand, never in CI, with Debian's python3-torch (apt-get install python3-torch):

    /usr/bin/python3 tests/Gatekeeper.Torch.Tests/Reference/reference_models.py

For each family it writes a tiny random-weight checkpoint in Hugging Face's layout under
Reference/Models/<name>/ (config.json, safetensors weights, sharded for one and BF16 for another)
and golden.json: the logits of every position of a fixed token sequence and a greedy
continuation of a fixed prompt. The forward passes below are written from the Hugging Face
modeling code's definitions (modeling_gpt2.py, modeling_llama.py, modeling_qwen2.py,
modeling_rope_utils.py) with explicit attention matrices, independently of the C# code, which
uses fused attention and a KV cache. The tests compare the two.
"""
import json
import math
import os
import shutil

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "Models")
VOCAB = 96
LOGIT_TOKENS = [3, 17, 42, 5, 88, 61, 9, 70, 33, 24, 50, 95, 1, 64]
PROMPT = [7, 19, 40, 2, 77, 13]
GREEDY_STEPS = 12


# ---- safetensors, written by hand (the format: u64 header length, JSON header, raw bytes) ----

def tensor_bytes(t, dtype):
    if dtype == "F32":
        return t.to(torch.float32).contiguous().numpy().tobytes()
    if dtype == "BF16":
        return t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()
    if dtype == "F16":
        return t.to(torch.float16).contiguous().numpy().tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors, dtype):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        data = tensor_bytes(tensors[name], dtype)
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def save(name, config, tensors, dtype="F32", shards=1):
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    names = sorted(tensors)
    if shards == 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), tensors, dtype)
        return folder
    weight_map, total = {}, 0
    for s in range(shards):
        part = names[s::shards]
        file = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        write_safetensors(os.path.join(folder, file), {n: tensors[n] for n in part}, dtype)
        for n in part:
            weight_map[n] = file
            total += len(tensor_bytes(tensors[n], dtype))
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    return folder


def stored(tensors, dtype):
    """The weights as the checkpoint holds them, read back to float32 (BF16 rounds)."""
    if dtype == "BF16":
        return {k: v.to(torch.bfloat16).to(torch.float32) for k, v in tensors.items()}
    return tensors


# ---- GPT-2 (modeling_gpt2.py) ----

def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gpt2_forward(cfg, w, ids):
    t, e, nh = len(ids), cfg["n_embd"], cfg["n_head"]
    hd = e // nh
    x = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(t)]
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    eps = cfg["layer_norm_epsilon"]
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        h = torch.nn.functional.layer_norm(x, (e,), w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]     # Conv1D: x @ W, W is (in, out)
        q, k, v = (z.view(t, nh, hd).transpose(0, 1) for z in qkv.split(e, dim=-1))
        att = q @ k.transpose(-1, -2) / math.sqrt(hd)
        if cfg.get("scale_attn_by_inverse_layer_idx", False):
            att = att / float(i + 1)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(0, 1).reshape(t, e)
        x = x + y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = torch.nn.functional.layer_norm(x, (e,), w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        x = x + gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = torch.nn.functional.layer_norm(x, (e,), w["ln_f.weight"], w["ln_f.bias"], eps)
    return x @ w["wte.weight"].T


def gpt2_weights(cfg, g):
    e, inner, n = cfg["n_embd"], 4 * cfg["n_embd"], cfg["n_positions"]
    w = {"wte.weight": rand(g, VOCAB, e), "wpe.weight": rand(g, n, e), "ln_f.weight": norm_weight(g, e), "ln_f.bias": rand(g, e, std=0.1)}
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        w.update({
            p + "ln_1.weight": norm_weight(g, e), p + "ln_1.bias": rand(g, e, std=0.1),
            p + "attn.c_attn.weight": rand(g, e, 3 * e), p + "attn.c_attn.bias": rand(g, 3 * e, std=0.1),
            p + "attn.c_proj.weight": rand(g, e, e), p + "attn.c_proj.bias": rand(g, e, std=0.1),
            p + "ln_2.weight": norm_weight(g, e), p + "ln_2.bias": rand(g, e, std=0.1),
            p + "mlp.c_fc.weight": rand(g, e, inner), p + "mlp.c_fc.bias": rand(g, inner, std=0.1),
            p + "mlp.c_proj.weight": rand(g, inner, e), p + "mlp.c_proj.bias": rand(g, e, std=0.1),
        })
    return w


# ---- Llama and Qwen2 (modeling_llama.py, modeling_qwen2.py, modeling_rope_utils.py) ----

def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def rope_inverse_frequencies(cfg):
    dim, base = head_dim(cfg), cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    scaling = cfg.get("rope_scaling") or {}
    kind = scaling.get("rope_type", scaling.get("type", "default"))
    if kind == "linear":
        inv = inv / scaling["factor"]
    elif kind == "llama3":
        factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    return inv


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def linear(w, prefix, x):
    y = x @ w[prefix + ".weight"].T
    return y + w[prefix + ".bias"] if prefix + ".bias" in w else y


def llama_forward(cfg, w, ids):
    t, nh, kvh, hd = len(ids), cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    eps = cfg["rms_norm_eps"]
    x = w["model.embed_tokens.weight"][ids]
    freqs = torch.outer(torch.arange(t).float(), rope_inverse_frequencies(cfg))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()                                            # (T, hd)
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool))
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(w, p + "self_attn.q_proj", h).view(t, nh, hd).transpose(0, 1)     # (H, T, hd)
        k = linear(w, p + "self_attn.k_proj", h).view(t, kvh, hd).transpose(0, 1)    # (KV, T, hd)
        v = linear(w, p + "self_attn.v_proj", h).view(t, kvh, hd).transpose(0, 1)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(nh // kvh, dim=0), v.repeat_interleave(nh // kvh, dim=0)
        att = (q @ k.transpose(-1, -2)) * hd ** -0.5
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1, dtype=torch.float32)
        y = (att @ v).transpose(0, 1).reshape(t, nh * hd)
        x = x + linear(w, p + "self_attn.o_proj", y)
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate, up = linear(w, p + "mlp.gate_proj", h), linear(w, p + "mlp.up_proj", h)
        x = x + linear(w, p + "mlp.down_proj", torch.nn.functional.silu(gate) * up)
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def llama_weights(cfg, g, qkv_bias=False, o_bias=False, mlp_bias=False):
    e, nh, kvh, hd, inner = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg), cfg["intermediate_size"]
    w = {"model.embed_tokens.weight": rand(g, VOCAB, e), "model.norm.weight": norm_weight(g, e)}
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = rand(g, VOCAB, e)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm_weight(g, e)
        w[p + "post_attention_layernorm.weight"] = norm_weight(g, e)
        for name, out, inp, bias in (("q_proj", nh * hd, e, qkv_bias), ("k_proj", kvh * hd, e, qkv_bias), ("v_proj", kvh * hd, e, qkv_bias), ("o_proj", e, nh * hd, o_bias)):
            w[p + f"self_attn.{name}.weight"] = rand(g, out, inp, std=2.5 * inp ** -0.5)
            if bias:
                w[p + f"self_attn.{name}.bias"] = rand(g, out, std=0.1)
        for name, out, inp in (("gate_proj", inner, e), ("up_proj", inner, e), ("down_proj", e, inner)):
            w[p + f"mlp.{name}.weight"] = rand(g, out, inp, std=2.5 * inp ** -0.5)
            if mlp_bias:
                w[p + f"mlp.{name}.bias"] = rand(g, out, std=0.1)
    return w


# ---- helpers ----

def rand(g, *shape, std=0.3):
    return torch.randn(*shape, generator=g) * std


def norm_weight(g, n):
    return 1.0 + 0.1 * torch.randn(n, generator=g)


def greedy(forward, cfg, w, prompt, steps):
    ids, margins = list(prompt), []
    for _ in range(steps):
        logits = forward(cfg, w, ids)[-1]
        top = torch.topk(logits, 2).values
        margins.append(float(top[0] - top[1]))
        ids.append(int(logits.argmax()))
    return ids[len(prompt):], min(margins)


def golden(name, forward, cfg, w, dtype="F32", shards=1):
    folder = save(name, cfg, w, dtype, shards)
    weights = stored(w, dtype)
    if forward is gpt2_forward:
        weights = {k: v for k, v in weights.items() if not k.endswith(".attn.bias")}
    with torch.no_grad():
        logits = forward(cfg, weights, LOGIT_TOKENS)
        tokens, margin = greedy(forward, cfg, weights, PROMPT, GREEDY_STEPS)
    assert margin > 1e-3, f"{name}: greedy top-2 margin {margin} is too small to compare implementations"
    result = {
        "family": cfg["model_type"], "dtype": dtype, "shards": shards,
        "logit_tokens": LOGIT_TOKENS, "logits": [[round(float(v), 6) for v in row] for row in logits],
        "prompt": PROMPT, "greedy": tokens, "greedy_min_margin": round(margin, 6),
        "reference": f"plain PyTorch {torch.__version__}, float32",
    }
    with open(os.path.join(folder, "golden.json"), "w") as f:
        json.dump(result, f)
    print(f"{name}: logits {tuple(logits.shape)}, |max| {float(logits.abs().max()):.3f}, greedy {tokens}, min margin {margin:.4f}")


def main():
    g = torch.Generator().manual_seed(20261201)

    gpt2 = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": VOCAB, "n_positions": 64, "n_ctx": 64,
            "n_embd": 32, "n_layer": 2, "n_head": 4, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
            "scale_attn_by_inverse_layer_idx": True, "tie_word_embeddings": True, "torch_dtype": "float32",
            "bos_token_id": 0, "eos_token_id": 0}
    w = gpt2_weights(gpt2, g)
    # Hugging Face's own GPT-2 files carry the causal-mask buffer beside the weights.
    for i in range(gpt2["n_layer"]):
        w[f"h.{i}.attn.bias"] = torch.tril(torch.ones(64, 64)).view(1, 1, 64, 64)
    golden("gpt2", gpt2_forward, gpt2, w)

    llama = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": VOCAB, "hidden_size": 32,
             "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 64, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu",
             "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                              "original_max_position_embeddings": 16},
             "attention_bias": False, "mlp_bias": False, "tie_word_embeddings": False, "torch_dtype": "float32",
             "bos_token_id": 1, "eos_token_id": 2}
    golden("llama3-gqa-sharded", llama_forward, llama, llama_weights(llama, g), shards=2)

    llama2 = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": VOCAB, "hidden_size": 32,
              "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 2, "head_dim": 24,
              "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 500.0, "hidden_act": "silu",
              "rope_scaling": {"type": "linear", "factor": 2.0},
              "attention_bias": True, "mlp_bias": True, "tie_word_embeddings": True, "torch_dtype": "bfloat16",
              "bos_token_id": 1, "eos_token_id": 2}
    golden("llama-linear-bf16", llama_forward, llama2, llama_weights(llama2, g, qkv_bias=True, o_bias=True, mlp_bias=True), dtype="BF16")

    qwen2 = {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "vocab_size": VOCAB, "hidden_size": 32,
             "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
             "max_position_embeddings": 64, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "hidden_act": "silu",
             "rope_scaling": None, "use_sliding_window": False, "sliding_window": 32, "max_window_layers": 2,
             "tie_word_embeddings": True, "torch_dtype": "float32", "bos_token_id": 3, "eos_token_id": 3}
    golden("qwen2", llama_forward, qwen2, llama_weights(qwen2, g, qkv_bias=True))


if __name__ == "__main__":
    main()
