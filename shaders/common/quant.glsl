// Decoders for GGUF weight blocks, read from a buffer of 32-bit words named `wq` that the including
// shader declares. Words (not 8/16-bit storage) so the same code runs on devices without
// storageBuffer8BitAccess, and so ranges that start inside a row still load 4 bytes at a time.
//
// Every offset here is in BYTES from the start of the bound range. Block starts are even for every
// type (all block sizes are even), so 16-bit fields are never split across words.
//
// The quantized types expose one entry point:
//   vec4 wDecode4(uint blk, uint unit, uint q)
// which returns elements [unit*32 + q*4, +4) of the block starting at byte `blk` (unit < BLOCK_ELEMS/32,
// q < 8). Everything is "32-element units" so matvec/matmul/get_rows share one loop shape.
// and, for matvec, the dot product of a whole unit with 32 activations held in xv[8], xh = the sums of
// xv[0..3] and xv[4..7]:
//   float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh)
// which reads each scale once per unit (offsets like "- 8" are folded into xh).
// Plain types (F32/F16/BF16) instead expose float wElem(uint rowByte, uint col).
//
// Layouts and formulas follow the GGUF specification (ggml-common.h / gguf-py quants.py).

#ifndef LANTERN_QUANT_GLSL
#define LANTERN_QUANT_GLSL

uint rd8(uint b) { return (wq[b >> 2] >> ((b & 3u) * 8u)) & 0xFFu; }
// b must be even.
uint rd16(uint b) { return (wq[b >> 2] >> ((b & 2u) * 8u)) & 0xFFFFu; }
// Four bytes starting at an even offset, little-endian. Branch-free (a select): divergent branches
// are expensive on CPU drivers, and both words lie inside the bytes asked for.
uint rd32(uint b) {
    const uint w = b >> 2;
    const uint lo = wq[w];
    const uint hi = wq[w + ((b >> 1) & 1u)];
    return (b & 2u) == 0u ? lo : (lo >> 16) | (hi << 16);
}
float rdHalf(uint b) { return unpackHalf2x16(rd16(b)).x; }

// The four bytes of a word as unsigned / signed values.
vec4 bytesU(uint v) { return vec4(uvec4(v, v >> 8, v >> 16, v >> 24) & 0xFFu); }
vec4 bytesS(uint v) { return vec4(ivec4(int(v) << 24, int(v) << 16, int(v) << 8, int(v)) >> 24); }

// The non-linear 4-bit code book of IQ4_NL / IQ4_XS: -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38,
// 53, 69, 89, 113, as signed bytes four to a word. iq4Values(v) looks up the four codes in the bytes of v
// (each < 16) with selects and shifts: an indexed constant array is a per-lane gather on CPU drivers
// (lavapipe ran IQ4_NL at 6% of its copy bandwidth with one).
vec4 iq4Values(uint v) {
    const uvec4 i = uvec4(v, v >> 8, v >> 16, v >> 24) & 15u;
    const bvec4 b4 = notEqual(i & 4u, uvec4(0u));
    const uvec4 w = mix(mix(uvec4(0xBFAD9881u), uvec4(0xF6EADDCFu), b4), mix(uvec4(0x26190D01u), uvec4(0x71594535u), b4),
                        notEqual(i & 8u, uvec4(0u)));
    return vec4(ivec4(w << (24u - 8u * (i & 3u))) >> 24);
}

#if defined(WTYPE_F32) || defined(WTYPE_F16) || defined(WTYPE_BF16)
#define WTYPE_PLAIN 1
#if defined(WTYPE_F32)
#define ELEM_BYTES 4u
float wElem(uint rowByte, uint col) { return uintBitsToFloat(wq[(rowByte >> 2) + col]); }
#elif defined(WTYPE_F16)
#define ELEM_BYTES 2u
float wElem(uint rowByte, uint col) { return rdHalf(rowByte + col * 2u); }
#else
#define ELEM_BYTES 2u
float wElem(uint rowByte, uint col) { return uintBitsToFloat(rd16(rowByte + col * 2u) << 16); }
#endif

#else  // block-quantized types

#if defined(WTYPE_Q4_0) || defined(WTYPE_IQ4_NL)
#define BLOCK_ELEMS 32u
#define BLOCK_BYTES 18u
vec4 wDecode4(uint blk, uint unit, uint q) {
    // Elements 0..15 are the low nibbles of qs[0..15], 16..31 the high nibbles.
    const uint v = (rd32(blk + 2u + 4u * (q & 3u)) >> (4u * (q >> 2))) & 0x0F0F0F0Fu;
    const float d = rdHalf(blk);
#ifdef WTYPE_IQ4_NL
    return d * iq4Values(v);
#else
    return d * (bytesU(v) - 8.0);
#endif
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    // Five aligned words cover the 18-byte block, which starts at either half of a word: the scale and the
    // four words of quants are assembled by funnel shifts (rd32 would load two words per quant word).
    const uint w0 = blk >> 2;
    uint w[5];
    for (uint i = 0u; i < 5u; ++i) {
        w[i] = wq[w0 + i];
    }
    const bool odd = (blk & 2u) != 0u;
    float s = 0.0;
    for (uint i = 0u; i < 4u; ++i) {
        const uint v = odd ? w[i + 1u] : (w[i] >> 16) | (w[i + 1u] << 16);
        const uint lo = v & 0x0F0F0F0Fu, hi = (v >> 4) & 0x0F0F0F0Fu;
#ifdef WTYPE_IQ4_NL
        s += dot(iq4Values(lo), xv[i]) + dot(iq4Values(hi), xv[i + 4u]);
#else
        s += dot(bytesU(lo), xv[i]) + dot(bytesU(hi), xv[i + 4u]);
#endif
    }
    const float d = unpackHalf2x16(odd ? w[0] >> 16 : w[0]).x;
#ifdef WTYPE_IQ4_NL
    return d * s;
#else
    return d * (s - 8.0 * (xh.x + xh.y));
#endif
}

#elif defined(WTYPE_Q4_1)
#define BLOCK_ELEMS 32u
#define BLOCK_BYTES 20u
vec4 wDecode4(uint blk, uint unit, uint q) {
    const uint v = (rd32(blk + 4u + 4u * (q & 3u)) >> (4u * (q >> 2))) & 0x0F0F0F0Fu;
    const vec2 dm = unpackHalf2x16(wq[blk >> 2]);  // blk is a multiple of 4 (20-byte blocks)
    return dm.x * bytesU(v) + dm.y;
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    float s = 0.0;
    for (uint i = 0u; i < 4u; ++i) {
        const uint w = wq[(blk + 4u + 4u * i) >> 2];
        s += dot(bytesU(w & 0x0F0F0F0Fu), xv[i]) + dot(bytesU((w >> 4) & 0x0F0F0F0Fu), xv[i + 4u]);
    }
    const vec2 dm = unpackHalf2x16(wq[blk >> 2]);
    return dm.x * s + dm.y * (xh.x + xh.y);
}

#elif defined(WTYPE_Q5_0) || defined(WTYPE_Q5_1)
#define BLOCK_ELEMS 32u
#ifdef WTYPE_Q5_0
#define BLOCK_BYTES 22u
#define Q5_HEAD 2u
#else
#define BLOCK_BYTES 24u
#define Q5_HEAD 4u
#endif
vec4 wDecode4(uint blk, uint unit, uint q) {
    // qh holds bit 4 of element e at bit e; qs as in Q4_0.
    const uint qh = rd32(blk + Q5_HEAD);
    const uint lo = (rd32(blk + Q5_HEAD + 4u + 4u * (q & 3u)) >> (4u * (q >> 2))) & 0x0F0F0F0Fu;
    const uint hb = (qh >> (4u * q)) & 15u;
    const uint hi = ((hb & 1u) | ((hb & 2u) << 7) | ((hb & 4u) << 14) | ((hb & 8u) << 21)) << 4;
    const vec4 v = bytesU(lo | hi);
#ifdef WTYPE_Q5_0
    return rdHalf(blk) * (v - 16.0);
#else
    const vec2 dm = unpackHalf2x16(wq[blk >> 2]);  // 24-byte blocks: word aligned
    return dm.x * v + dm.y;
#endif
}
// Sum over the unit of the 5-bit codes times x: `lo` holds qs (4 words), qh the high bits.
float q5Dot(uint qs[4], uint qh, vec4 xv[8]) {
    float s = 0.0;
    for (uint i = 0u; i < 4u; ++i) {
        for (uint half_ = 0u; half_ < 2u; ++half_) {
            const uint q = i + 4u * half_;
            const uint hb = (qh >> (4u * q)) & 15u;
            const uint hi = ((hb & 1u) | ((hb & 2u) << 7) | ((hb & 4u) << 14) | ((hb & 8u) << 21)) << 4;
            s += dot(bytesU(((qs[i] >> (4u * half_)) & 0x0F0F0F0Fu) | hi), xv[q]);
        }
    }
    return s;
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    // Six aligned words cover the block; Q5_0 blocks (22 bytes) start at either half of a word, so
    // its fields are assembled by funnel shifts instead of one unaligned read per field.
    const uint w0 = blk >> 2;
    uint w[6];
    for (uint i = 0u; i < 6u; ++i) {
        w[i] = wq[w0 + i];
    }
#ifdef WTYPE_Q5_0
    const bool odd = (blk & 2u) != 0u;
    const float d = unpackHalf2x16(odd ? w[0] >> 16 : w[0]).x;
    const uint qh = odd ? w[1] : (w[0] >> 16) | (w[1] << 16);
    uint qs[4];
    for (uint i = 0u; i < 4u; ++i) {
        qs[i] = odd ? w[2u + i] : (w[1u + i] >> 16) | (w[2u + i] << 16);
    }
    return d * (q5Dot(qs, qh, xv) - 16.0 * (xh.x + xh.y));
#else
    const uint qs[4] = uint[4](w[2], w[3], w[4], w[5]);
    const vec2 dm = unpackHalf2x16(w[0]);
    return dm.x * q5Dot(qs, w[1], xv) + dm.y * (xh.x + xh.y);
#endif
}

#elif defined(WTYPE_Q8_0)
#define BLOCK_ELEMS 32u
#define BLOCK_BYTES 34u
vec4 wDecode4(uint blk, uint unit, uint q) { return rdHalf(blk) * bytesS(rd32(blk + 2u + 4u * q)); }
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    // Block starts alternate between word-aligned and half-word-aligned; qs then start at byte 2 or 0
    // of a word, so each 4-byte group is assembled from two word loads by a funnel shift.
    const uint w0 = blk >> 2;
    const uint sh = (blk & 2u) * 8u;  // 0 or 16
    uint prev = wq[w0];
    const float d = unpackHalf2x16(prev >> sh).x;
    float s = 0.0;
    for (uint q = 0u; q < 8u; ++q) {
        const uint next = wq[w0 + 1u + q];
        // bytes 2+4q .. 5+4q of the block
        const uint v = sh == 0u ? (prev >> 16) | (next << 16) : next;
        s += dot(bytesS(v), xv[q]);
        prev = next;
    }
    return d * s;
}

#elif defined(WTYPE_Q2_K)
#define BLOCK_ELEMS 256u
#define BLOCK_BYTES 84u
// scales[16] @0 (low nibble scale, high nibble min), qs[64] @16, d @80, dmin @82.
vec4 wDecode4(uint blk, uint unit, uint q) {
    const uint h = unit >> 2, j = unit & 3u;
    const uint sc = rd8(blk + 8u * h + 2u * j + (q >> 2));
    const vec2 dm = unpackHalf2x16(wq[(blk + 80u) >> 2]);
    const uint v = (rd32(blk + 16u + 32u * h + 4u * q) >> (2u * j)) & 0x03030303u;
    return dm.x * float(sc & 15u) * bytesU(v) - dm.y * float(sc >> 4);
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    const uint h = unit >> 2, j = unit & 3u;
    const uint sc2 = rd16(blk + 8u * h + 2u * j);  // the unit's two 16-element scale bytes
    const vec2 dm = unpackHalf2x16(wq[(blk + 80u) >> 2]);
    vec2 s = vec2(0.0);
    for (uint q = 0u; q < 8u; ++q) {
        const float d = dot(bytesU((wq[(blk + 16u + 32u * h + 4u * q) >> 2] >> (2u * j)) & 0x03030303u), xv[q]);
        if (q < 4u) { s.x += d; } else { s.y += d; }
    }
    const vec2 sc = vec2(sc2 & 15u, (sc2 >> 8) & 15u), mn = vec2((sc2 >> 4) & 15u, sc2 >> 12);
    return dm.x * dot(sc, s) - dm.y * dot(mn, xh);
}

#elif defined(WTYPE_Q3_K)
#define BLOCK_ELEMS 256u
#define BLOCK_BYTES 110u
// hmask[32] @0, qs[64] @32, scales[12] @96 (16 packed 6-bit values), d @108.
vec4 wDecode4(uint blk, uint unit, uint q) {
    const uint h = unit >> 2, j = unit & 3u;
    const uint is = 8u * h + 2u * j + (q >> 2);
    const uint lo = (rd8(blk + 96u + (is & 7u)) >> (4u * (is >> 3))) & 15u;
    const uint hi = (rd8(blk + 104u + (is & 3u)) >> (2u * (is >> 2))) & 3u;
    const float dl = rdHalf(blk + 108u) * (float(lo | (hi << 4)) - 32.0);
    const vec4 ql = bytesU((rd32(blk + 32u + 32u * h + 4u * q) >> (2u * j)) & 0x03030303u);
    // A clear mask bit means "subtract 4".
    const vec4 hm = bytesU((rd32(blk + 4u * q) >> unit) & 0x01010101u);
    return dl * (ql - 4.0 + 4.0 * hm);
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    const uint h = unit >> 2, j = unit & 3u;
    vec2 s = vec2(0.0), dl;
    for (uint k = 0u; k < 2u; ++k) {
        const uint is = 8u * h + 2u * j + k;
        const uint lo = (rd8(blk + 96u + (is & 7u)) >> (4u * (is >> 3))) & 15u;
        const uint hi = (rd8(blk + 104u + (is & 3u)) >> (2u * (is >> 2))) & 3u;
        dl[k] = float(lo | (hi << 4)) - 32.0;
    }
    // 110-byte blocks start at 2 mod 4 every other block: the 32 bytes of quants and of the high-bit mask are
    // read as 9 aligned words each and joined pairwise (rd32 would load two words for every four bytes).
    const bool odd = (blk & 2u) != 0u;
    const uint qw = (blk + 32u + 32u * h) >> 2, hw = blk >> 2;
    uint qa = wq[qw], ha = wq[hw];
    for (uint q = 0u; q < 8u; ++q) {
        const uint qb = wq[qw + q + 1u], hb = wq[hw + q + 1u];  // inside the block (scales follow the quants)
        const uint qv = odd ? (qa >> 16) | (qb << 16) : qa, hv = odd ? (ha >> 16) | (hb << 16) : ha;
        qa = qb;
        ha = hb;
        // low 2 bits | the mask bit as 4, per byte, then one conversion
        const float d = dot(bytesU(((qv >> (2u * j)) & 0x03030303u) | (((hv >> unit) & 0x01010101u) << 2)), xv[q]);
        if (q < 4u) { s.x += d; } else { s.y += d; }
    }
    return rdHalf(blk + 108u) * dot(dl, s - 4.0 * xh);
}

#elif defined(WTYPE_Q4_K) || defined(WTYPE_Q5_K)
#define BLOCK_ELEMS 256u
#ifdef WTYPE_Q4_K
#define BLOCK_BYTES 144u
#define QK_QS 16u
#else
#define BLOCK_BYTES 176u
#define QK_QS 48u
#endif
// d, dmin @0; scales[12] @4 (8 packed 6-bit scale/min pairs); [Q5_K: qh[32] @16]; qs[128].
vec2 scaleMinK4(uint sb, uint j) {
    // Both forms are computed and one selected: no divergent branch.
    // j < 4: scale = q[j] & 63, min = q[j+4] & 63; j >= 4: the low 4 bits come from q[j+4], the high
    // 2 bits from the top of q[j-4] (scale) and q[j] (min).
    const uint a = rd8(sb + j), b = rd8(sb + j + 4u), c = rd8(sb + ((j + 4u) & 7u));
    const vec2 low = vec2(a & 63u, b & 63u);
    const vec2 high = vec2((b & 15u) | ((c >> 6) << 4), (b >> 4) | ((a >> 6) << 4));
    return j < 4u ? low : high;
}
vec4 wDecode4(uint blk, uint unit, uint q) {
    const vec2 dm = unpackHalf2x16(wq[blk >> 2]);  // 144/176-byte blocks: word aligned
    const vec2 sm = scaleMinK4(blk + 4u, unit);
    vec4 v = bytesU((wq[(blk + QK_QS + 32u * (unit >> 1) + 4u * q) >> 2] >> (4u * (unit & 1u))) & 0x0F0F0F0Fu);
#ifdef WTYPE_Q5_K
    v += 16.0 * bytesU((wq[(blk + 16u + 4u * q) >> 2] >> unit) & 0x01010101u);
#endif
    return dm.x * sm.x * v - dm.y * sm.y;
}
// Units 2m and 2m+1 share their quant words (low and high nibbles; Q5_K: bits 2m and 2m+1 of the same high-bit
// words), so matvec takes them in pairs: each word loaded once for 8 weights (UNIT_PAIRS).
#define UNIT_PAIRS 1
#define PAIR_STRIDE 1u  // a pair is units (pairFirstUnit(i), + PAIR_STRIDE)
uint pairFirstUnit(uint i) { return 2u * i; }
float wDotPair(uint blk, uint m, vec4 xa[8], vec4 xb[8], vec2 ha, vec2 hb) {
    const vec2 dm = unpackHalf2x16(wq[blk >> 2]);
    const vec2 sa = scaleMinK4(blk + 4u, 2u * m), sb = scaleMinK4(blk + 4u, 2u * m + 1u);
    const uint qs = (blk + QK_QS + 32u * m) >> 2;
    float s0 = 0.0, s1 = 0.0;
    for (uint q = 0u; q < 8u; ++q) {
        const uint w = wq[qs + q];
        vec4 v0 = bytesU(w & 0x0F0F0F0Fu), v1 = bytesU((w >> 4) & 0x0F0F0F0Fu);
#ifdef WTYPE_Q5_K
        const uint h = wq[((blk + 16u) >> 2) + q] >> (2u * m);
        v0 += 16.0 * bytesU(h & 0x01010101u);
        v1 += 16.0 * bytesU((h >> 1) & 0x01010101u);
#endif
        s0 += dot(v0, xa[q]);
        s1 += dot(v1, xb[q]);
    }
    return dm.x * (sa.x * s0 + sb.x * s1) - dm.y * (sa.y * (ha.x + ha.y) + sb.y * (hb.x + hb.y));
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    const vec2 dm = unpackHalf2x16(wq[blk >> 2]);
    const vec2 sm = scaleMinK4(blk + 4u, unit);
    const uint qs = (blk + QK_QS + 32u * (unit >> 1)) >> 2, shift = 4u * (unit & 1u);
    float s = 0.0;
    for (uint q = 0u; q < 8u; ++q) {
        vec4 v = bytesU((wq[qs + q] >> shift) & 0x0F0F0F0Fu);
#ifdef WTYPE_Q5_K
        v += 16.0 * bytesU((wq[((blk + 16u) >> 2) + q] >> unit) & 0x01010101u);
#endif
        s += dot(v, xv[q]);
    }
    return dm.x * sm.x * s - dm.y * sm.y * (xh.x + xh.y);
}

#elif defined(WTYPE_Q6_K)
#define BLOCK_ELEMS 256u
#define BLOCK_BYTES 210u
// ql[128] @0, qh[64] @128, scales[16] int8 @192, d @208.
vec4 wDecode4(uint blk, uint unit, uint q) {
    const uint h = unit >> 2, k = unit & 3u;
    const uint lo = (rd32(blk + 64u * h + 32u * (k & 1u) + 4u * q) >> (4u * (k >> 1))) & 0x0F0F0F0Fu;
    const uint hi = (rd32(blk + 128u + 32u * h + 4u * q) >> (2u * k)) & 0x03030303u;
    const int sc = bitfieldExtract(int(rd8(blk + 192u + 8u * h + 2u * k + (q >> 2))), 0, 8);
    return rdHalf(blk + 208u) * float(sc) * (bytesU(lo | (hi << 4)) - 32.0);
}
// The 8 words of 32 bytes starting at an even byte offset: 8 loads when word-aligned, else 9 loads
// joined by funnel shifts (Q6_K blocks are 210 bytes, so every other block starts mid-word).
// Always 9 loads and a select (no branch), which keeps everything in registers on CPU drivers.
// The 9th word lies inside the block for every use below.
void load8(uint b, out uint v[8]) {
    const uint w0 = b >> 2;
    const uint sh = (b & 2u) * 8u;  // 0 or 16
    uint prev = wq[w0];
    for (uint i = 0u; i < 8u; ++i) {
        const uint next = wq[w0 + 1u + i];
        v[i] = sh == 0u ? prev : (prev >> 16) | (next << 16);
        prev = next;
    }
}
// Units 4h+k and 4h+k+2 (k < 2) share their ql words (low and high nibbles) and their qh words (bits 2k and
// 2k+4): taken as a pair, each word is loaded once (UNIT_PAIRS).
#define UNIT_PAIRS 1
#define PAIR_STRIDE 2u
uint pairFirstUnit(uint i) { return 4u * (i >> 1) + (i & 1u); }
float wDotPair(uint blk, uint i, vec4 xa[8], vec4 xb[8], vec2 ha, vec2 hb) {
    const uint h = i >> 1, k = i & 1u;
    const uint scA = rd16(blk + 192u + 8u * h + 2u * k), scB = rd16(blk + 196u + 8u * h + 2u * k);
    const vec2 sa = vec2(ivec2(int(scA << 24), int(scA << 16)) >> 24), sb = vec2(ivec2(int(scB << 24), int(scB << 16)) >> 24);
    uint ql[8], qh[8];
    load8(blk + 64u * h + 32u * k, ql);
    load8(blk + 128u + 32u * h, qh);
    vec2 s0 = vec2(0.0), s1 = vec2(0.0);
    for (uint q = 0u; q < 8u; ++q) {
        const uint hv = qh[q] >> (2u * k);
        const float d0 = dot(bytesU((ql[q] & 0x0F0F0F0Fu) | ((hv & 0x03030303u) << 4)), xa[q]);
        const float d1 = dot(bytesU(((ql[q] >> 4) & 0x0F0F0F0Fu) | (((hv >> 4) & 0x03030303u) << 4)), xb[q]);
        if (q < 4u) { s0.x += d0; s1.x += d1; } else { s0.y += d0; s1.y += d1; }
    }
    return rdHalf(blk + 208u) * (dot(sa, s0 - 32.0 * ha) + dot(sb, s1 - 32.0 * hb));
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    const uint h = unit >> 2, k = unit & 3u;
    const uint sc2 = rd16(blk + 192u + 8u * h + 2u * k);  // the unit's two int8 scales
    const vec2 sc = vec2(ivec2(int(sc2 << 24), int(sc2 << 16)) >> 24);
    uint ql[8], qh[8];
    load8(blk + 64u * h + 32u * (k & 1u), ql);
    load8(blk + 128u + 32u * h, qh);
    vec2 s = vec2(0.0);
    for (uint q = 0u; q < 8u; ++q) {
        const uint lo = (ql[q] >> (4u * (k >> 1))) & 0x0F0F0F0Fu;
        const uint hi = (qh[q] >> (2u * k)) & 0x03030303u;
        const float d = dot(bytesU(lo | (hi << 4)), xv[q]);
        if (q < 4u) { s.x += d; } else { s.y += d; }
    }
    return rdHalf(blk + 208u) * dot(sc, s - 32.0 * xh);
}

#elif defined(WTYPE_IQ4_XS)
#define BLOCK_ELEMS 256u
#define BLOCK_BYTES 136u
// d @0, scales_h u16 @2, scales_l[4] @4, qs[128] @8; sub-block `unit` uses qs[16*unit .. +16].
vec4 wDecode4(uint blk, uint unit, uint q) {
    const uint ls = ((rd8(blk + 4u + (unit >> 1)) >> (4u * (unit & 1u))) & 15u) |
                    (((rd16(blk + 2u) >> (2u * unit)) & 3u) << 4);
    const float dl = rdHalf(blk) * (float(ls) - 32.0);
    const uint v = (wq[(blk + 8u + 16u * unit + 4u * (q & 3u)) >> 2] >> (4u * (q >> 2))) & 0x0F0F0F0Fu;
    return dl * iq4Values(v);
}
float wDotUnit(uint blk, uint unit, vec4 xv[8], vec2 xh) {
    const uint ls = ((rd8(blk + 4u + (unit >> 1)) >> (4u * (unit & 1u))) & 15u) |
                    (((rd16(blk + 2u) >> (2u * unit)) & 3u) << 4);
    float s = 0.0;
    for (uint i = 0u; i < 4u; ++i) {  // word i: elements 4i.. in its low nibbles, 16 + 4i.. in its high ones
        const uint w = wq[(blk + 8u + 16u * unit + 4u * i) >> 2];
        s += dot(iq4Values(w & 0x0F0F0F0Fu), xv[i]) + dot(iq4Values((w >> 4) & 0x0F0F0F0Fu), xv[i + 4u]);
    }
    return rdHalf(blk) * (float(ls) - 32.0) * s;
}

#else
#error "no WTYPE_* defined"
#endif

#define UNITS_PER_BLOCK (BLOCK_ELEMS / 32u)
// Byte offset of the 32-element unit `u` (counted along the row) relative to the row start.
uint unitBlockByte(uint rowByte, uint u) { return rowByte + (u / UNITS_PER_BLOCK) * BLOCK_BYTES; }

#endif  // plain / quantized

#endif  // LANTERN_QUANT_GLSL
