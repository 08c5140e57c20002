#version 450
// The mixture's output: out[t][i] (+)= sum over slots j of weights[t*used + j] * y[(t*used + j) * width + i],
// the router-weighted sum of the experts' down projections, added to the residual stream when accumulate.
layout(local_size_x = 128) in;

layout(std430, binding = 0) readonly buffer Y { float y[]; };            // [nTokens * used][width]
layout(std430, binding = 1) readonly buffer Weights { float weights[]; };  // [nTokens][used]
layout(std430, binding = 2) buffer Out { float outv[]; };                // [nTokens][width]

layout(push_constant) uniform Params {
    uint nTokens;
    uint width;
    uint used;
    uint accumulate;
} p;

void main() {
    const uint idx = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                     gl_LocalInvocationID.x;
    if (idx >= p.nTokens * p.width) {
        return;
    }
    const uint t = idx / p.width, i = idx % p.width;
    float s = 0.0;
    for (uint j = 0u; j < p.used; ++j) {
        s += weights[t * p.used + j] * y[(t * p.used + j) * p.width + i];
    }
    outv[idx] = s + (p.accumulate != 0u ? outv[idx] : 0.0);
}
