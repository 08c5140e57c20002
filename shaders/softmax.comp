#version 450
// x[r][c] = softmax_c(x[r][c] * scale), in place, one workgroup per row.
layout(local_size_x_id = 0) in;

layout(std430, binding = 0) buffer X { float x[]; };

layout(push_constant) uniform Params {
    uint rows;
    uint cols;
    float scale;
} p;

shared float red[gl_WorkGroupSize.x];

// Reduces red[] to red[0] with max (isMax) or +.
void reduce(uint tid, bool isMax) {
    barrier();
    for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
        if (tid < s) {
            red[tid] = isMax ? max(red[tid], red[tid + s]) : red[tid] + red[tid + s];
        }
        barrier();
    }
}

void main() {
    const uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
    if (row >= p.rows) {
        return;
    }
    const uint tid = gl_LocalInvocationID.x;
    const uint base = row * p.cols;
    float m = -3.4e38;
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        m = max(m, x[base + c] * p.scale);
    }
    red[tid] = m;
    reduce(tid, true);
    m = red[0];
    barrier();  // everyone has read red[0] before it is reused
    float sum = 0.0;
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        const float e = exp(x[base + c] * p.scale - m);
        x[base + c] = e;
        sum += e;
    }
    red[tid] = sum;
    reduce(tid, false);
    const float inv = 1.0 / red[0];
    for (uint c = tid; c < p.cols; c += gl_WorkGroupSize.x) {
        x[base + c] *= inv;
    }
}
