#!/usr/bin/python3
"""Writes a random Llama checkpoint of about 1 GiB (two float32 shards) for measuring what loading costs.

Run by hand, never in CI:

    /usr/bin/python3 tests/Gatekeeper.Torch.Tests/Reference/make_large_checkpoint.py /tmp/large-llama
    dotnet run --project src/Gatekeeper.Cli -c Release -- inspect /tmp/large-llama

`inspect` prints the load time and the process's peak resident memory.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_models import write_safetensors  # noqa: E402


def main(folder):
    config = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": 24000, "hidden_size": 1024,
              "intermediate_size": 4096, "num_hidden_layers": 14, "num_attention_heads": 16, "num_key_value_heads": 4,
              "max_position_embeddings": 2048, "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "hidden_act": "silu",
              "tie_word_embeddings": False, "torch_dtype": "float32"}
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    g = torch.Generator().manual_seed(1)
    e, kv, inner = config["hidden_size"], config["num_key_value_heads"] * e_per_head(config), config["intermediate_size"]
    shapes = {"model.embed_tokens.weight": (config["vocab_size"], e), "lm_head.weight": (config["vocab_size"], e), "model.norm.weight": (e,)}
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes.update({p + "input_layernorm.weight": (e,), p + "post_attention_layernorm.weight": (e,),
                       p + "self_attn.q_proj.weight": (e, e), p + "self_attn.k_proj.weight": (kv, e), p + "self_attn.v_proj.weight": (kv, e),
                       p + "self_attn.o_proj.weight": (e, e), p + "mlp.gate_proj.weight": (inner, e), p + "mlp.up_proj.weight": (inner, e),
                       p + "mlp.down_proj.weight": (e, inner)})
    names = sorted(shapes)
    halves = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map, total = {}, 0
    for s, part in enumerate(halves):
        file = f"model-{s + 1:05d}-of-00002.safetensors"
        tensors = {n: torch.randn(*shapes[n], generator=g) * 0.02 for n in part}
        write_safetensors(os.path.join(folder, file), tensors, "F32")
        for n in part:
            weight_map[n] = file
            total += tensors[n].numel() * 4
        del tensors
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    print(f"{folder}: {total / 2**30:.2f} GiB of float32 weights in 2 shards")


def e_per_head(config):
    return config["hidden_size"] // config["num_attention_heads"]


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/large-llama")
