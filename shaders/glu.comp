#version 450
#extension GL_GOOGLE_include_directive : require
// out[i] = act(gate[i]) * up[i]: the gated feed-forward activation (GEGLU with tanh-approximated GELU
// for Gemma, SwiGLU with SiLU for Llama/Qwen). out may alias gate or up.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Gate { float g[]; };
layout(std430, binding = 1) readonly buffer Up { float u[]; };
layout(std430, binding = 2) writeonly buffer Out { float o[]; };

layout(push_constant) uniform Params { uint n; } p;

#include "activation.glsl"

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                   gl_LocalInvocationID.x;
    if (i >= p.n) {
        return;
    }
#if defined(ACT_GELU)
    o[i] = geluTanh(g[i]) * u[i];
#elif defined(ACT_SILU)
    o[i] = silu(g[i]) * u[i];
#else
#error "define ACT_GELU or ACT_SILU"
#endif
}
