#!/usr/bin/python3
"""Writes PyTorch reference results for the attention core's tests.

Run with Debian's PyTorch (python3-torch): `npm run fixtures`. Writes
  tests/fixtures/torch_attention.json  (for the JS tests)
  tests/fixtures/torch_attention.inc   (the same cases as C++ initialisers, for the Catch2 suite)

Scaled dot-product attention is written out with torch ops in float64; multi-head attention is
torch.nn.MultiheadAttention (an independent implementation: packed in_proj, its own masks and head split),
with our [in][out] weights transposed into its [out][in] layout. Inputs are float32 values; torch computes
in float64. No fully masked rows: torch returns NaN there, where this project returns zeros (tested apart).
"""
import json
import math
import pathlib

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures"
torch.manual_seed(20261125)


def f32(*shape, scale=1.0):
    return (torch.rand(*shape, dtype=torch.float32) * 2 - 1) * scale


def key_mask(m, masked):
    """1 = attend; the first key always stays visible so no causal row is fully masked."""
    if not masked:
        return None
    mask = (torch.rand(m) > 0.3).to(torch.uint8)
    mask[0] = 1
    return mask


def sdpa_case(name, n, m, dk, dv, causal=False, masked=False, scale=None, magnitude=1.0):
    q, k, v = f32(n, dk, scale=magnitude), f32(m, dk, scale=magnitude), f32(m, dv)
    mask = key_mask(m, masked)
    s = (q.double() @ k.double().T) * (scale if scale is not None else 1 / math.sqrt(dk))
    hidden = torch.zeros(n, m, dtype=torch.bool)
    if causal:
        hidden |= torch.ones(n, m, dtype=torch.bool).triu(1)
    if mask is not None:
        hidden |= (mask == 0)[None, :]
    weights = torch.softmax(s.masked_fill(hidden, float("-inf")), dim=-1)
    output = weights @ v.double()
    return dict(name=name, n=n, m=m, dk=dk, dv=dv, causal=causal, scale=scale,
                q=q, k=k, v=v, keyMask=mask, weights=weights, output=output)


def mha_case(name, n, m, d_model, heads, cross=False, causal=False, masked=False, biased=True):
    x = f32(n, d_model)
    context = f32(m, d_model) if cross else None
    w = 1 / math.sqrt(d_model)
    wq, wk, wv, wo = (f32(d_model, d_model, scale=w) for _ in range(4))  # [in][out]
    bq, bk, bv, bo = (f32(d_model, scale=0.5) if biased else None for _ in range(4))
    mask = key_mask(m, masked)

    mha = torch.nn.MultiheadAttention(d_model, heads, bias=biased, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([wq.T, wk.T, wv.T]).double())  # torch stores [out][in]
        mha.out_proj.weight.copy_(wo.T.double())
        if biased:
            mha.in_proj_bias.copy_(torch.cat([bq, bk, bv]).double())
            mha.out_proj.bias.copy_(bo.double())
    source = (context if cross else x).double()[None]
    attn_mask = torch.ones(n, m, dtype=torch.bool).triu(1) if causal else None  # True = not allowed
    padding = (mask == 0)[None] if mask is not None else None                  # True = ignore
    with torch.no_grad():
        output, weights = mha(x.double()[None], source, source, key_padding_mask=padding, attn_mask=attn_mask,
                              need_weights=True, average_attn_weights=False)
    return dict(name=name, n=n, m=m, dModel=d_model, heads=heads, causal=causal,
                x=x, context=context, wq=wq, wk=wk, wv=wv, wo=wo, bq=bq, bk=bk, bv=bv, bo=bo,
                keyMask=mask, weights=weights[0], output=output[0])


SDPA = [
    sdpa_case("two tokens", 2, 2, 2, 2),
    sdpa_case("odd sizes", 5, 7, 3, 5),
    sdpa_case("causal square", 9, 9, 17, 4, causal=True),
    sdpa_case("causal with more keys than queries", 3, 8, 5, 3, causal=True),
    sdpa_case("causal with more queries than keys", 8, 3, 5, 3, causal=True),
    sdpa_case("padding mask", 6, 17, 16, 15, masked=True),
    sdpa_case("causal and padding", 16, 16, 8, 8, causal=True, masked=True),
    sdpa_case("custom scale", 4, 5, 7, 3, scale=0.2),
    sdpa_case("large logits", 7, 7, 4, 4, magnitude=30.0),
    sdpa_case("one query one key", 1, 1, 1, 1),
]
MHA = [
    mha_case("one head", 5, 5, 8, 1),
    mha_case("two heads causal", 7, 7, 6, 2, causal=True),
    mha_case("four heads cross-attention with mask", 3, 9, 16, 4, cross=True, masked=True),
    mha_case("twelve heads", 6, 6, 24, 12, masked=True),
    mha_case("twelve heads cross causal", 5, 4, 24, 12, cross=True, causal=True),
    mha_case("no biases", 4, 4, 12, 3, biased=False),
]


def plain(case):
    def convert(value):
        if isinstance(value, torch.Tensor):
            return [float(x) for x in value.flatten().float().tolist()]
        return value
    return {key: convert(value) for key, value in case.items()}


def cpp_float(x):
    text = f"{x:.9g}"  # 9 significant digits round-trip a float32 exactly
    return text + ("f" if any(c in text for c in ".e") else ".f")


def cpp_floats(values):
    return "{}" if values is None else "{" + ", ".join(cpp_float(x) for x in values) + "}"


def cpp_bytes(values):
    return "{}" if values is None else "{" + ", ".join(str(int(x)) for x in values) + "}"


def main():
    header = f"PyTorch {torch.__version__}, tools/make_fixtures.py"
    sdpa = [plain(c) for c in SDPA]
    mha = [plain(c) for c in MHA]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "torch_attention.json").write_text(json.dumps(
        {"generator": header, "scaledDotProductAttention": sdpa, "multiHeadAttention": mha}) + "\n")

    lines = [f"// Generated by {header}. Do not edit; run `npm run fixtures`.",
             "// Included by tests/cpp/test_torch_fixtures.cpp inside its case tables.",
             "#ifdef TORCH_SDPA_CASES"]
    for c in sdpa:
        scale = "NAN" if c["scale"] is None else cpp_float(c["scale"])
        lines.append(f'{{"{c["name"]}", {c["n"]}, {c["m"]}, {c["dk"]}, {c["dv"]}, {str(c["causal"]).lower()}, {scale},\n'
                     f' {cpp_floats(c["q"])},\n {cpp_floats(c["k"])},\n {cpp_floats(c["v"])},\n'
                     f' {cpp_bytes(c["keyMask"])},\n {cpp_floats(c["weights"])},\n {cpp_floats(c["output"])}}},')
    lines += ["#endif", "#ifdef TORCH_MHA_CASES"]
    for c in mha:
        arrays = ",\n ".join(cpp_floats(c[k]) for k in ["x", "context", "wq", "wk", "wv", "wo", "bq", "bk", "bv", "bo"])
        lines.append(f'{{"{c["name"]}", {c["n"]}, {c["m"]}, {c["dModel"]}, {c["heads"]}, {str(c["causal"]).lower()},\n'
                     f' {arrays},\n {cpp_bytes(c["keyMask"])},\n {cpp_floats(c["weights"])},\n {cpp_floats(c["output"])}}},')
    lines.append("#endif")
    (OUT / "torch_attention.inc").write_text("\n".join(lines) + "\n")
    print(f"wrote {len(sdpa)} attention and {len(mha)} multi-head cases to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
