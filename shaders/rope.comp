#version 450
// Rotary position embedding, in place on x = [nTokens][nHeads][headDim] (tokens nTokenStride floats
// apart). Dimension pair i (< nRot/2) of a token at position pos turns by
//   theta_i = pos * freqScale * freqBase^(-2i/nRot) / freqFactor[i]
// With YaRN (extFactor != 0) the angle blends that interpolated angle with the unscaled one,
//   ramp_i  = extFactor * (1 - clamp((i - corrLow) / max(0.001, corrHigh - corrLow), 0, 1))
//   theta_i = (1 - ramp_i) * interpolated + ramp_i * unscaled,
// so the fast-turning low pairs keep their trained angles and the slow ones are interpolated; the rotated
// pair is multiplied by mscale (YaRN's attention temperature; 1 otherwise).
// Pairs are (2i, 2i+1) in normal mode (Llama) and (i, i + nRot/2) in NeoX mode (Gemma, Qwen).
// Dimensions >= nRot are left alone. One invocation per pair.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Pos { int positions[]; };
layout(std430, binding = 2) readonly buffer Freq { float freqFactors[]; };

layout(push_constant) uniform Params {
    uint nTokens;
    uint nHeads;
    uint headDim;
    uint nRot;           // rotated dimensions (<= headDim, even)
    uint tokenStride;    // floats between tokens
    uint neox;           // 1: NeoX pairing
    uint usePositions;   // 1: position of token t = positions[t]; 0: pos0 + t
    uint pos0;
    float freqBase;
    float freqScale;
    uint hasFreqFactors;
    float extFactor;
    float corrLow;
    float corrHigh;
    float mscale;
} p;

void main() {
    const uint half_ = p.nRot / 2u;
    const uint idx = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                     gl_LocalInvocationID.x;
    if (idx >= p.nTokens * p.nHeads * half_) {
        return;
    }
    const uint i = idx % half_;
    const uint head = (idx / half_) % p.nHeads;
    const uint t = idx / (half_ * p.nHeads);
    const float pos = p.usePositions != 0u ? float(positions[t]) : float(p.pos0 + t);
    float unscaled = pos * pow(p.freqBase, -2.0 * float(i) / float(p.nRot));
    if (p.hasFreqFactors != 0u) {
        unscaled /= freqFactors[i];
    }
    float theta = p.freqScale * unscaled;
    if (p.extFactor != 0.0) {
        const float y = (float(i) - p.corrLow) / max(0.001, p.corrHigh - p.corrLow);
        const float ramp = (1.0 - clamp(y, 0.0, 1.0)) * p.extFactor;
        theta = theta * (1.0 - ramp) + unscaled * ramp;
    }
    const uint base = t * p.tokenStride + head * p.headDim;
    const uint i0 = base + (p.neox != 0u ? i : 2u * i);
    const uint i1 = i0 + (p.neox != 0u ? half_ : 1u);
    const float c = cos(theta) * p.mscale, s = sin(theta) * p.mscale;
    const float a = x[i0], b = x[i1];
    x[i0] = a * c - b * s;
    x[i1] = a * s + b * c;
}
