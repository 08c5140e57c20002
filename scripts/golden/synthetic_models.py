#!/usr/bin/env python3
"""Synthetic GGUF models (random weights, small shapes) of the dense families Lantern runs, and llama.cpp's
logits for them: the independent reference for architectures and quant types no small real model covers.

Usage: synthetic_models.py OUT_DIR [FAMILY...]
For each family in (llama, qwen2, qwen3, llama3 = llama with rope_freqs, qwen3-yarn = qwen3 with YaRN rope
scaling, f16 and q8_0 only, qwen3moe = Qwen3-MoE shaped with 8 experts, 2 per token, deepseek2-lite = DeepSeek-V2-Lite shaped (multi-head
latent attention with plain Q, a leading dense layer, softmax routing, shared experts, YaRN), deepseek3 = DeepSeek-V3
shaped (low-rank Q, sigmoid routing with a selection bias, group-limited top-k, routed scaling factor); default: all) writes an f32 model with gguf-py,
quantizes it with llama.cpp's own llama_model_quantize to OUT_DIR/tiny-<family>-{f16,q4_0,q8_0,q4_k_m}.gguf and, per file,
<file>.golden (same layout as llamacpp_logits.py: prompt ids, last logits, greedy ids, margins).
Deterministic (fixed seeds)."""
import ctypes
import os
import struct
import sys

import numpy as np
import gguf
import llama_cpp
from llama_cpp import Llama

N_EMBD, N_FF, N_HEAD, N_HEAD_KV, N_LAYER, N_VOCAB, CTX = 256, 512, 4, 2, 2, 512, 256
HEAD = N_EMBD // N_HEAD
N_EXPERT, N_EXPERT_USED, N_FF_EXP = 8, 2, 256
# DeepSeek-V2/V3 (arch deepseek2) in the absorbed MLA layout llama.cpp converts to: per head a no-rope part of
# DS_NOPE and a rope part of DS_ROPE (shared by all heads on the key side), keys and values compressed to DS_KV_LORA.
DS_NOPE, DS_ROPE, DS_V, DS_KV_LORA, DS_Q_LORA, DS_LAYERS, DS_FF_EXP = 64, 32, 64, 128, 96, 3, 256
DS_LEADING_DENSE = 1
DS_EXPERTS = {"deepseek2-lite": (8, 2, 2), "deepseek3": (16, 3, 1)}  # experts, used per token, shared
PROMPT = [1, 17, 300, 42, 511, 260, 99, 5]
N_GREEDY = 12


def vocab():
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)]
    types = [2, 3, 3] + [6] * 256
    rng = np.random.default_rng(7)
    letters = "abcdefghijklmnopqrstuvwxyz"
    while len(tokens) < N_VOCAB:
        w = "\u2581" + "".join(rng.choice(list(letters), size=int(rng.integers(2, 7))))
        if w not in tokens:
            tokens.append(w)
            types.append(1)
    scores = [0.0] * 259 + [-float(i) for i in range(N_VOCAB - 259)]
    return tokens, scores, types


def write_deepseek2(path, family, seed):
    # deepseek2-lite: DeepSeek-V2-Lite's graph. Plain Q projection, softmax routing over 8 experts (2 used, not
    # renormalised), 2 shared experts, YaRN (factor 4 over 64 positions) with DeepSeek's attention-scale multiplier.
    # deepseek3: DeepSeek-V3/R1/Kimi K2's graph. Low-rank Q with its norm, sigmoid routing over 16 experts in 4
    # groups (best 2 groups by the sum of their top 2, then 3 experts), a selection-only bias, renormalised weights
    # times a routed scaling factor of 2.5, 1 shared expert. Both: the first DS_LEADING_DENSE layers are dense.
    v3 = family == "deepseek3"
    n_expert, n_used, n_shared = DS_EXPERTS[family]
    rng = np.random.default_rng(seed)
    w = gguf.GGUFWriter(path, "deepseek2")
    w.add_name(f"tiny-{family}")
    w.add_block_count(DS_LAYERS)
    w.add_context_length(CTX)
    w.add_embedding_length(N_EMBD)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(1)
    w.add_key_length(DS_KV_LORA + DS_ROPE)
    w.add_value_length(DS_KV_LORA)
    w.add_key_length_mla(DS_NOPE + DS_ROPE)
    w.add_value_length_mla(DS_V)
    w.add_rope_dimension_count(DS_ROPE)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(10000.0)
    w.add_file_type(0)
    w.add_q_lora_rank(DS_Q_LORA if v3 else 0)
    w.add_kv_lora_rank(DS_KV_LORA)
    w.add_leading_dense_block_count(DS_LEADING_DENSE)
    w.add_expert_count(n_expert)
    w.add_expert_used_count(n_used)
    w.add_expert_shared_count(n_shared)
    w.add_expert_feed_forward_length(DS_FF_EXP)
    w.add_expert_weights_scale(2.5 if v3 else 1.0)
    w.add_expert_weights_norm(v3)
    w.add_expert_gating_func(gguf.ExpertGatingFuncType.SIGMOID if v3 else gguf.ExpertGatingFuncType.SOFTMAX)
    if v3:
        w.add_expert_group_count(4)
        w.add_expert_group_used_count(2)
    else:
        w.add_rope_scaling_type(gguf.RopeScalingType.YARN)
        w.add_rope_scaling_factor(4.0)
        w.add_rope_scaling_orig_ctx_len(64)
        w.add_rope_scaling_yarn_log_mul(0.1 * 0.707)  # convert_hf_to_gguf writes 0.1 * mscale_all_dim
    add_vocab(w)

    mat, norm = weight_makers(rng)

    def stack(n, rows, cols):
        return np.stack([mat(rows, cols) for _ in range(n)])

    w.add_tensor("token_embd.weight", mat(N_VOCAB, N_EMBD, 1.0))
    for il in range(DS_LAYERS):
        p = f"blk.{il}."
        w.add_tensor(p + "attn_norm.weight", norm(N_EMBD))
        if v3:
            w.add_tensor(p + "attn_q_a.weight", mat(DS_Q_LORA, N_EMBD))
            w.add_tensor(p + "attn_q_a_norm.weight", norm(DS_Q_LORA))
            w.add_tensor(p + "attn_q_b.weight", mat(N_HEAD * (DS_NOPE + DS_ROPE), DS_Q_LORA))
        else:
            w.add_tensor(p + "attn_q.weight", mat(N_HEAD * (DS_NOPE + DS_ROPE), N_EMBD))
        w.add_tensor(p + "attn_kv_a_mqa.weight", mat(DS_KV_LORA + DS_ROPE, N_EMBD))
        w.add_tensor(p + "attn_kv_a_norm.weight", norm(DS_KV_LORA))
        w.add_tensor(p + "attn_k_b.weight", stack(N_HEAD, DS_KV_LORA, DS_NOPE))  # ne [nope, kv_lora, n_head]
        w.add_tensor(p + "attn_v_b.weight", stack(N_HEAD, DS_V, DS_KV_LORA))     # ne [kv_lora, v, n_head]
        w.add_tensor(p + "attn_output.weight", mat(N_EMBD, N_HEAD * DS_V))
        w.add_tensor(p + "ffn_norm.weight", norm(N_EMBD))
        if il < DS_LEADING_DENSE:
            w.add_tensor(p + "ffn_gate.weight", mat(N_FF, N_EMBD))
            w.add_tensor(p + "ffn_up.weight", mat(N_FF, N_EMBD))
            w.add_tensor(p + "ffn_down.weight", mat(N_EMBD, N_FF))
            continue
        w.add_tensor(p + "ffn_gate_inp.weight", mat(n_expert, N_EMBD, 4.0 / np.sqrt(N_EMBD)))
        if v3:
            w.add_tensor(p + "exp_probs_b.bias", (0.5 * rng.standard_normal(n_expert)).astype(np.float32))
        w.add_tensor(p + "ffn_gate_exps.weight", stack(n_expert, DS_FF_EXP, N_EMBD))
        w.add_tensor(p + "ffn_up_exps.weight", stack(n_expert, DS_FF_EXP, N_EMBD))
        w.add_tensor(p + "ffn_down_exps.weight", stack(n_expert, N_EMBD, DS_FF_EXP))
        w.add_tensor(p + "ffn_gate_shexp.weight", mat(n_shared * DS_FF_EXP, N_EMBD))
        w.add_tensor(p + "ffn_up_shexp.weight", mat(n_shared * DS_FF_EXP, N_EMBD))
        w.add_tensor(p + "ffn_down_shexp.weight", mat(N_EMBD, n_shared * DS_FF_EXP))
    w.add_tensor("output_norm.weight", norm(N_EMBD))
    w.add_tensor("output.weight", mat(N_VOCAB, N_EMBD))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def weight_makers(rng):
    """Random matrices (Gaussian, scaled by 1/sqrt(cols) unless given) and RMSNorm weights (around 1) from rng."""
    def mat(rows, cols, scale=None):
        s = scale if scale is not None else 1.0 / np.sqrt(cols)
        return (rng.standard_normal((rows, cols)) * s).astype(np.float32)

    def norm(n):
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    return mat, norm


def add_vocab(w):
    tokens, scores, types = vocab()
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)


def write_f32(path, family, seed):
    if family.startswith("deepseek"):
        return write_deepseek2(path, family, seed)
    # family "llama3" is a llama-architecture file with a rope_freqs tensor (Llama 3.1's rope scaling in GGUF
    # form). Its divisors are random in [1, 8] for every dimension, so that leaving them out changes the
    # logits measurably even at the few positions of the test prompt.
    # family "qwen3-yarn" is a qwen3 file extended with YaRN (factor 4 over an original context of 64, so
    # that both YaRN's ramp and its attention temperature change the logits at the test positions).
    # family "qwen3moe" is Qwen3-MoE shaped: qwen3 attention, every FFN a mixture of N_EXPERT experts of
    # which N_EXPERT_USED run per token (softmax routing, renormalised top-k).
    arch = {"llama3": "llama", "qwen3-yarn": "qwen3"}.get(family, family)
    rng = np.random.default_rng(seed)
    w = gguf.GGUFWriter(path, arch)
    w.add_name(f"tiny-{family}")
    w.add_block_count(N_LAYER)
    w.add_context_length(CTX)
    w.add_embedding_length(N_EMBD)
    w.add_feed_forward_length(N_FF)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_rope_freq_base(10000.0 if arch == "llama" else 1000000.0)
    w.add_file_type(0)
    if arch == "qwen3moe":
        w.add_expert_count(N_EXPERT)
        w.add_expert_used_count(N_EXPERT_USED)
        w.add_expert_feed_forward_length(N_FF_EXP)
    if family == "qwen3-yarn":
        w.add_rope_scaling_type(gguf.RopeScalingType.YARN)
        w.add_rope_scaling_factor(4.0)
        w.add_rope_scaling_orig_ctx_len(64)
    add_vocab(w)

    mat, norm = weight_makers(rng)

    w.add_tensor("token_embd.weight", mat(N_VOCAB, N_EMBD, 1.0))
    for il in range(N_LAYER):
        p = f"blk.{il}."
        w.add_tensor(p + "attn_norm.weight", norm(N_EMBD))
        w.add_tensor(p + "attn_q.weight", mat(N_HEAD * HEAD, N_EMBD))
        w.add_tensor(p + "attn_k.weight", mat(N_HEAD_KV * HEAD, N_EMBD))
        w.add_tensor(p + "attn_v.weight", mat(N_HEAD_KV * HEAD, N_EMBD))
        if arch == "qwen2":
            w.add_tensor(p + "attn_q.bias", (0.1 * rng.standard_normal(N_HEAD * HEAD)).astype(np.float32))
            w.add_tensor(p + "attn_k.bias", (0.1 * rng.standard_normal(N_HEAD_KV * HEAD)).astype(np.float32))
            w.add_tensor(p + "attn_v.bias", (0.1 * rng.standard_normal(N_HEAD_KV * HEAD)).astype(np.float32))
        if arch in ("qwen3", "qwen3moe"):
            w.add_tensor(p + "attn_q_norm.weight", norm(HEAD))
            w.add_tensor(p + "attn_k_norm.weight", norm(HEAD))
        w.add_tensor(p + "attn_output.weight", mat(N_EMBD, N_HEAD * HEAD))
        w.add_tensor(p + "ffn_norm.weight", norm(N_EMBD))
        if arch == "qwen3moe":
            # The router gets a larger scale so that expert choices are decisive, not near-ties.
            w.add_tensor(p + "ffn_gate_inp.weight", mat(N_EXPERT, N_EMBD, 4.0 / np.sqrt(N_EMBD)))
            experts = lambda rows, cols: np.stack([mat(rows, cols) for _ in range(N_EXPERT)])
            w.add_tensor(p + "ffn_gate_exps.weight", experts(N_FF_EXP, N_EMBD))
            w.add_tensor(p + "ffn_up_exps.weight", experts(N_FF_EXP, N_EMBD))
            w.add_tensor(p + "ffn_down_exps.weight", experts(N_EMBD, N_FF_EXP))
        else:
            w.add_tensor(p + "ffn_gate.weight", mat(N_FF, N_EMBD))
            w.add_tensor(p + "ffn_up.weight", mat(N_FF, N_EMBD))
            w.add_tensor(p + "ffn_down.weight", mat(N_EMBD, N_FF))
    w.add_tensor("output_norm.weight", norm(N_EMBD))
    if family == "llama3":
        w.add_tensor("rope_freqs.weight", rng.uniform(1.0, 8.0, HEAD // 2).astype(np.float32))
    if arch != "qwen2":  # qwen2 file: tied embeddings
        w.add_tensor("output.weight", mat(N_VOCAB, N_EMBD))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def quantize(src, dst, ftype):
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = ftype
    params.nthread = 2
    rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params))
    if rc != 0:
        raise RuntimeError(f"quantize {src} -> {dst} failed: {rc}")


def golden(path):
    llm = Llama(model_path=path, n_ctx=CTX, logits_all=True, verbose=False, n_threads=2)
    llm.eval(PROMPT)
    last = np.array(llm.scores[len(PROMPT) - 1], dtype=np.float32)
    greedy, margins, logits = [], [], last.copy()
    for _ in range(N_GREEDY):
        order = np.argsort(-logits)
        greedy.append(int(order[0]))
        margins.append(float(logits[order[0]] - logits[order[1]]))
        llm.eval([int(order[0])])
        logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
    with open(path + ".golden", "wb") as f:
        f.write(struct.pack("<4I", 0x444C474C, len(PROMPT), len(last), N_GREEDY))
        f.write(np.array(PROMPT, dtype="<i4").tobytes())
        f.write(last.astype("<f4").tobytes())
        f.write(np.array(greedy, dtype="<i4").tobytes())
        f.write(np.array(margins, dtype="<f4").tobytes())
    print(os.path.basename(path), "greedy", greedy, "min margin", round(min(margins), 3))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # llama.cpp file types: 1 = F16, 2 = Q4_0, 7 = Q8_0, 15 = Q4_K_M.
    ftypes = {"f16": 1, "q4_0": 2, "q8_0": 7, "q4_k_m": 15}
    families = ["llama", "qwen2", "qwen3", "llama3", "qwen3-yarn", "qwen3moe", "deepseek2-lite", "deepseek3"]
    wanted = sys.argv[2:] or families
    for seed, family in enumerate(families):
        if family not in wanted:
            continue
        f32 = os.path.join(out, f"tiny-{family}-f32.gguf")
        write_f32(f32, family, 100 + seed)
        for name, ftype in ftypes.items():
            if family in ("qwen3-yarn", "qwen3moe", "deepseek2-lite", "deepseek3") and name == "q4_0":
                continue
            if family == "qwen3-yarn" and name not in ("f16", "q8_0"):
                continue
            path = os.path.join(out, f"tiny-{family}-{name}.gguf")
            quantize(f32, path, ftype)
            golden(path)
        os.remove(f32)  # only an intermediate: the f32 path is covered by the operator tests


if __name__ == "__main__":
    main()
