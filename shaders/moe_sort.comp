#version 450
// Groups a batch's (token, slot) pairs by the expert routed to them, for the mixture-of-experts prefill
// (matmul.comp with EXPERTS). One workgroup:
//   sorted[0]                        the number of tiles
//   sorted[1 + 3 i .. 3 + 3 i]       tile i: expert, its first pair (index into the sorted pairs), pairs (<= tileTokens)
//   sorted[pairsOffset + k]          pair indices z = token * used + slot, grouped by expert (ascending
//                                    expert, ascending z inside an expert: the same order every run)
layout(local_size_x = 256) in;

layout(std430, binding = 0) readonly buffer Ids { uint ids[]; };  // [nPairs] from moe_route.comp
layout(std430, binding = 1) buffer Sorted { uint sorted[]; };

layout(push_constant) uniform Params {
    uint nPairs;
    uint nExpert;     // <= 512
    uint tileTokens;  // pairs per tile
    uint pairsOffset; // 1 + 3 * (the most tiles there can be)
} p;

shared uint count[512];
shared uint pairStart[512];
shared uint tileStart[512];

void main() {
    const uint tid = gl_LocalInvocationID.x;
    for (uint e = tid; e < p.nExpert; e += 256u) {
        count[e] = 0u;
    }
    barrier();
    for (uint z = tid; z < p.nPairs; z += 256u) {
        const uint e = ids[z];
        if (e < p.nExpert) {
            atomicAdd(count[e], 1u);  // counts do not depend on the order of the additions
        }
    }
    barrier();
    if (tid == 0u) {  // exclusive prefix sums of pairs and tiles (at most 512 experts)
        uint pairs = 0u, tiles = 0u;
        for (uint e = 0u; e < p.nExpert; ++e) {
            pairStart[e] = pairs;
            tileStart[e] = tiles;
            pairs += count[e];
            tiles += (count[e] + p.tileTokens - 1u) / p.tileTokens;
        }
        sorted[0] = tiles;
    }
    barrier();
    for (uint e = tid; e < p.nExpert; e += 256u) {
        // Stable: each expert's pairs in ascending order of z.
        uint k = pairStart[e];
        for (uint z = 0u; z < p.nPairs; ++z) {
            if (ids[z] == e) {
                sorted[p.pairsOffset + k] = z;
                ++k;
            }
        }
        const uint c = count[e];
        for (uint i = 0u; i * p.tileTokens < c; ++i) {
            const uint t = tileStart[e] + i;
            sorted[1u + 3u * t] = e;
            sorted[2u + 3u * t] = pairStart[e] + i * p.tileTokens;
            sorted[3u + 3u * t] = min(p.tileTokens, c - i * p.tileTokens);
        }
    }
}
