#version 450
// Runtime test only: fills a storage range with a hash of each word's index in the WHOLE buffer, so the
// host can tell which range wrote which bytes (tests/inference/vulkan). 2-D grid: big ranges need more
// workgroups than maxComputeWorkGroupCount[0] allows.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) writeonly buffer Out { uint o[]; };

layout(push_constant) uniform Params {
    uint n;      // words in this range
    uint base;   // index of the range's first word in the whole buffer
} p;

void main() {
    const uint group = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    const uint i = group * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
    if (i < p.n) {
        const uint x = p.base + i;
        o[i] = (x * 2654435761u) ^ 0x9e3779b9u;
    }
}
