#version 450
// out[i] = a[i] * s for i < n (e.g. Gemma's embedding scale by sqrt(n_embd)). out may alias a.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) writeonly buffer Out { float o[]; };

layout(push_constant) uniform Params {
    uint n;
    float s;
} p;

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                   gl_LocalInvocationID.x;
    if (i < p.n) {
        o[i] = a[i] * p.s;
    }
}
