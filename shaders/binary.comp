#version 450
// out[i] = a[i] (+ or *) b[i % nb] for i < n: residual adds, biases and scales broadcast over rows
// (nb = row length), and plain element-wise products (nb = n). out may alias a.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) writeonly buffer Out { float o[]; };

layout(push_constant) uniform Params {
    uint n;
    uint nb;
} p;

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                   gl_LocalInvocationID.x;
    if (i >= p.n) {
        return;
    }
#if defined(OP_ADD)
    o[i] = a[i] + b[i % p.nb];
#elif defined(OP_MUL)
    o[i] = a[i] * b[i % p.nb];
#else
#error "define OP_ADD or OP_MUL"
#endif
}
