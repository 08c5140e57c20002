#include "service/library/sizeestimate.h"

#include "inference/models/shapeplan.h"

namespace lantern::service {

namespace {

struct Bits {
    const char* quant;
    double bits;        // the matrices'
    double outputBits;  // the output matrix's (llama.cpp's mixes give it Q6_K)
    // A K type packs 256 weights a block: a matrix whose rows are not a multiple of that gets llama.cpp's
    // fallback instead (Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0). 0: the type has no such limit.
    double fallbackBits;
    double outputFallbackBits;
};

constexpr double kQ8 = 8.5, kQ6K = 6.5625, kQ5_0 = 5.5, kQ5_1 = 6.0;

// Uniform types: the block's bytes over its weights (ggml's block layouts). Mixes: the average over a
// llama.cpp-quantized file's other matrices, fitted to the sizes the catalogue's sources state (see the header).
constexpr Bits kBits[] = {
    {"F32", 32.0, 32.0, 0, 0},         {"F16", 16.0, 16.0, 0, 0},       {"BF16", 16.0, 16.0, 0, 0},
    {"Q8_0", kQ8, kQ8, 0, 0},          {"Q6_K", kQ6K, kQ6K, kQ8, kQ8},  {"Q5_0", kQ5_0, kQ6K, kQ5_0, kQ8},
    {"Q5_1", kQ5_1, kQ6K, kQ5_1, kQ8}, {"Q4_0", 4.5, kQ6K, 4.5, kQ8},   {"Q4_1", 5.0, kQ6K, 5.0, kQ8},
    {"Q5_K_M", 5.70, kQ6K, kQ5_1, kQ8}, {"Q4_K_M", 4.85, kQ6K, kQ5_0, kQ8},
};

}  // namespace

static const Bits* bitsOf(const QString& quant) {
    for (const Bits& b : kBits) {
        if (quant.compare(QLatin1String(b.quant), Qt::CaseInsensitive) == 0) {
            return &b;
        }
    }
    return nullptr;
}

double bitsPerWeight(const QString& quant) {
    const Bits* b = bitsOf(quant);
    return b ? b->bits : 0;
}

qint64 estimateFileBytes(const ModelShape& shape, const QString& quant) {
    const Bits* bits = bitsOf(quant);
    if (!bits) {
        return -1;
    }
    ModelShape counts = shape;
    counts.fileBytes = 1;  // the config needs some size; the estimate does not depend on it
    const Result<models::ModelConfig> config = models::shapeConfig(counts);
    if (!config) {
        return -1;
    }
    double bitsTotal = 0;
    for (const models::ShapeTensor& t : models::shapeLayout(*config)) {
        const double elements = double(t.info.elements);
        if (t.f32) {
            bitsTotal += 32.0 * elements;
            continue;
        }
        const bool output =
            t.info.name == "output.weight" || (config->tiedOutput && t.info.name == "token_embd.weight");
        const bool blocked = t.info.ne[0] % 256 == 0;
        double b = output ? bits->outputBits : bits->bits;
        const double fallback = output ? bits->outputFallbackBits : bits->fallbackBits;
        if (!blocked && fallback > 0) {
            b = fallback;
        }
        bitsTotal += b * elements;
    }
    return qint64(bitsTotal / 8.0) + qint64(models::metadataBytesEstimate(*config));
}

}  // namespace lantern::service
