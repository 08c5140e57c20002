#version 450
// dst[r * dstStride + c] = src[r * srcStride + c] for r < rows, c < cols: moves a column block between
// row layouts (DeepSeek's rope part of each query head into the head's attention query).
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer Src { float src[]; };
layout(std430, binding = 1) writeonly buffer Dst { float dst[]; };

layout(push_constant) uniform Params {
    uint rows;
    uint cols;
    uint srcStride;
    uint dstStride;
} p;

void main() {
    const uint i = (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x +
                   gl_LocalInvocationID.x;
    if (i >= p.rows * p.cols) {
        return;
    }
    const uint r = i / p.cols, c = i % p.cols;
    dst[r * p.dstStride + c] = src[r * p.srcStride + c];
}
