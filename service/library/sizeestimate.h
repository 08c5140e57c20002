#pragma once
// A GGUF file's size before any source states it: the model's published shape (its tensors, as
// models::shapeTensors lays them out) times the bits per weight of the quantization. Exact for the uniform
// types (Q8_0 is 34 bytes per 32 weights in every matrix; F16 two bytes), an average for llama.cpp's mixes
// (Q4_K_M puts some matrices in Q6_K), checked against every size the catalogue's sources do state
// (cataloguetest::estimatesMatchStatedSizes). Shown as an estimate, never as the file's size.
#include <QString>

#include "inference/engine.h"

namespace lantern::service {

// Bits per weight of a quantization's matrices, averaged over llama.cpp's mix; 0 for a label without one.
double bitsPerWeight(const QString& quant);

// The file's estimated bytes; -1 when the quantization has no figure or the shape cannot be laid out.
qint64 estimateFileBytes(const ModelShape& shape, const QString& quant);

}  // namespace lantern::service
