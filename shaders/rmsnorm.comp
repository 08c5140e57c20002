#version 450
// out[r][c] = x[r][c] / sqrt(mean_c(x[r]^2) + eps) * (w[c] if hasWeight): RMS normalisation, one
// workgroup per row. Also serves per-head norms (rows = tokens*heads, cols = head_dim, w of head_dim).
// Rows are `stride` floats apart in x and out (stride >= cols: normalising the first cols of wider rows, e.g.
// DeepSeek's compressed KV beside its rope part). out may alias x: every element is read and written by the
// same invocation.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer W { float w[]; };
layout(std430, binding = 2) writeonly buffer Out { float o[]; };

layout(push_constant) uniform Params {
    uint rows;
    uint cols;
    float eps;
    uint hasWeight;
    uint stride;
} p;

shared float partial[gl_WorkGroupSize.x];

void main() {
    const uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (row >= p.rows) {
        return;
    }
    const uint tid = gl_LocalInvocationID.x;
    const uint base = row * p.stride;
    float sum = 0.0;
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        const float v = x[base + c];
        sum += v * v;
    }
    partial[tid] = sum;
    barrier();
    for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
        if (tid < s) {
            partial[tid] += partial[tid + s];
        }
        barrier();
    }
    const float inv = inversesqrt(partial[0] / float(p.cols) + p.eps);
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        const float v = x[base + c] * inv;
        o[base + c] = p.hasWeight != 0u ? v * w[c] : v;
    }
}
