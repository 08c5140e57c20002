// Norms, element-wise ops and softmax on f32 activations; prepareCommon for every non-weight pipeline.
#include "inference/ops/dispatch.h"

namespace lantern::ops {
namespace {

// Mirror the push constants of rmsnorm.comp, binary.comp, scale.comp, glu.comp, softmax.comp.
struct RmsNormPush {
    uint32_t rows;
    uint32_t cols;
    float eps;
    uint32_t hasWeight;
    uint32_t stride;
};
static_assert(sizeof(RmsNormPush) == 20);
struct BinaryPush {
    uint32_t n;
    uint32_t nb;
};
static_assert(sizeof(BinaryPush) == 8);
struct ScalePush {
    uint32_t n;
    float s;
};
static_assert(sizeof(ScalePush) == 8);
struct CopyPush {
    uint32_t n;
};
static_assert(sizeof(CopyPush) == 4);
struct CopyRowsPush {
    uint32_t rows, cols, srcStride, dstStride;
};
static_assert(sizeof(CopyRowsPush) == 16);
struct GluPush {
    uint32_t n;
};
static_assert(sizeof(GluPush) == 4);
struct SoftmaxPush {
    uint32_t rows;
    uint32_t cols;
    float scale;
};
static_assert(sizeof(SoftmaxPush) == 12);

constexpr uint32_t kRowWorkgroup = 128;   // one workgroup per row (norm, softmax)
constexpr uint32_t kFlatWorkgroup = 256;  // one invocation per element

Result<void> flat(gpu::Context& ctx, gpu::Recorder& rec, std::string_view shader,
                  std::initializer_list<gpu::Binding> bindings, std::span<const std::byte> push, uint32_t n,
                  std::string_view label) {
    for (const gpu::Binding& b : bindings) {
        if (b.range.buffer == nullptr) {
            return fail(Errc::InvalidArgument, detail::cat(label, ": ", shader, " is missing a buffer"));
        }
    }
    if (n == 0) {
        return {};
    }
    auto pipe = detail::pipeline(ctx, shader, static_cast<uint32_t>(bindings.size()),
                                 static_cast<uint32_t>(push.size()), {kFlatWorkgroup});
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const detail::Grid g = detail::gridFor(detail::ceilDiv(n, kFlatWorkgroup));
    rec.dispatch(**pipe, bindings, push, g.x, g.y, 1, label);
    return {};
}

Result<void> binary(gpu::Context& ctx, gpu::Recorder& rec, std::string_view shader, gpu::BufferRange a,
                    gpu::BufferRange b, gpu::BufferRange out, uint32_t n, uint32_t nb, std::string_view label) {
    if (nb == 0) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": broadcast length is 0"));
    }
    const BinaryPush push{n, nb};
    return flat(ctx, rec, shader, {{a, false}, {b, false}, {out, true}}, detail::bytesOf(push), n, label);
}

}  // namespace

Result<void> rmsnorm(gpu::Context& ctx, gpu::Recorder& rec, const RmsNormArgs& args, std::string_view label) {
    if (args.x.buffer == nullptr || args.out.buffer == nullptr || args.cols == 0 ||
        (args.stride != 0 && args.stride < args.cols)) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": rmsnorm needs x, out, cols > 0 and stride >= cols"));
    }
    auto pipe = detail::pipeline(ctx, "rmsnorm_f32", 3, sizeof(RmsNormPush), {kRowWorkgroup});
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const bool hasWeight = args.weight.buffer != nullptr;
    const RmsNormPush push{args.rows, args.cols, args.eps, hasWeight ? 1u : 0u, args.stride ? args.stride : args.cols};
    // Without a weight, x is bound in its place: the shader never reads it.
    const gpu::BufferRange w = hasWeight ? args.weight : args.x;
    const detail::Grid g = detail::gridFor(args.rows);
    rec.dispatch(**pipe, {{args.x, false}, {w, false}, {args.out, true}}, detail::bytesOf(push), g.x, g.y, 1,
                 label);
    return {};
}

Result<void> add(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange a, gpu::BufferRange b,
                 gpu::BufferRange out, uint32_t n, uint32_t nb, std::string_view label) {
    return binary(ctx, rec, "binary_add_f32", a, b, out, n, nb, label);
}

Result<void> mul(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange a, gpu::BufferRange b,
                 gpu::BufferRange out, uint32_t n, uint32_t nb, std::string_view label) {
    return binary(ctx, rec, "binary_mul_f32", a, b, out, n, nb, label);
}

Result<void> scale(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange a, gpu::BufferRange out, uint32_t n,
                   float s, std::string_view label) {
    const ScalePush push{n, s};
    return flat(ctx, rec, "scale_f32", {{a, false}, {out, true}}, detail::bytesOf(push), n, label);
}

Result<void> geglu(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange gate, gpu::BufferRange up,
                   gpu::BufferRange out, uint32_t n, std::string_view label) {
    const GluPush push{n};
    return flat(ctx, rec, "geglu_f32", {{gate, false}, {up, false}, {out, true}}, detail::bytesOf(push), n, label);
}

Result<void> swiglu(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange gate, gpu::BufferRange up,
                    gpu::BufferRange out, uint32_t n, std::string_view label) {
    const GluPush push{n};
    return flat(ctx, rec, "swiglu_f32", {{gate, false}, {up, false}, {out, true}}, detail::bytesOf(push), n,
                label);
}

Result<void> softmax(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange x, uint32_t rows, uint32_t cols,
                     float scale, std::string_view label) {
    if (x.buffer == nullptr || cols == 0) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": softmax needs x and cols > 0"));
    }
    auto pipe = detail::pipeline(ctx, "softmax_f32", 1, sizeof(SoftmaxPush), {kRowWorkgroup});
    if (!pipe) {
        return std::unexpected(pipe.error());
    }
    const SoftmaxPush push{rows, cols, scale};
    const detail::Grid g = detail::gridFor(rows);
    rec.dispatch(**pipe, {{x, true}}, detail::bytesOf(push), g.x, g.y, 1, label);
    return {};
}

Result<void> prepareCommon(gpu::Context& ctx) {
    struct Desc {
        std::string_view name;
        uint32_t bindings;
        uint32_t push;
        uint32_t workgroup;
    };
    const Desc descs[] = {
        {"rmsnorm_f32", 3, sizeof(RmsNormPush), kRowWorkgroup},
        {"binary_add_f32", 3, sizeof(BinaryPush), kFlatWorkgroup},
        {"binary_mul_f32", 3, sizeof(BinaryPush), kFlatWorkgroup},
        {"scale_f32", 2, sizeof(ScalePush), kFlatWorkgroup},
        {"geglu_f32", 3, sizeof(GluPush), kFlatWorkgroup},
        {"swiglu_f32", 3, sizeof(GluPush), kFlatWorkgroup},
        {"softmax_f32", 1, sizeof(SoftmaxPush), kRowWorkgroup},
        {"copyrows_f32", 2, sizeof(CopyRowsPush), kFlatWorkgroup},
    };
    for (const Desc& d : descs) {
        auto p = detail::pipeline(ctx, d.name, d.bindings, d.push, {d.workgroup});
        if (!p) {
            return std::unexpected(p.error());
        }
    }
    if (auto r = detail::prepareRope(ctx); !r) {
        return r;
    }
    return detail::prepareAttention(ctx);
}

Result<void> copy(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange src, gpu::BufferRange dst, uint64_t bytes,
                  std::string_view label) {
    if (bytes % 16 != 0 || bytes / 16 > UINT32_MAX) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": copy takes a multiple of 16 bytes, got ", bytes));
    }
    const CopyPush push{uint32_t(bytes / 16)};
    return flat(ctx, rec, "copy_u128", {{src, false}, {dst, true}}, detail::bytesOf(push), push.n, label);
}

Result<void> copyRows(gpu::Context& ctx, gpu::Recorder& rec, gpu::BufferRange src, gpu::BufferRange dst,
                      uint32_t rows, uint32_t cols, uint32_t srcStride, uint32_t dstStride, std::string_view label) {
    if (srcStride < cols || dstStride < cols || uint64_t(rows) * cols > UINT32_MAX) {
        return fail(Errc::InvalidArgument, detail::cat(label, ": copyRows needs strides >= cols (", cols, ")"));
    }
    const CopyRowsPush push{rows, cols, srcStride, dstStride};
    return flat(ctx, rec, "copyrows_f32", {{src, false}, {dst, true}}, detail::bytesOf(push), rows * cols, label);
}

}  // namespace lantern::ops
