#version 450
// dst[i] = src[i] for i < n 16-byte words: a plain copy, the practical memory-bandwidth roofline that
// `lantern-cli bench-ops` measures the matvec shaders against.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Src { uvec4 src[]; };
layout(std430, binding = 1) writeonly buffer Dst { uvec4 dst[]; };

layout(push_constant) uniform Params {
    uint n;  // 16-byte words
} p;

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                   gl_LocalInvocationID.x;
    if (i < p.n) {
        dst[i] = src[i];
    }
}
