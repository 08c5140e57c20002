#pragma once
// A model not downloaded yet, from its published shape (ModelShape): the ModelConfig its GGUF file would give
// and the tensors that file would hold, so that planMemory plans it exactly as it plans a loaded file
// (Engine::planShapes). Names and element counts are the architecture's, as DenseModel::loadWeights loads
// them; bytes are estimates: the tensors llama.cpp keeps in f32 (norms, biases, the router) at 4 bytes an
// element, the metadata at an estimate from the vocabulary, and the rest of the file's size spread over the
// matrices by their element counts (one average weight type: the catalogue knows a quantization's file size,
// not its mix of types).
#include <cstdint>
#include <vector>

#include "base/error.h"
#include "inference/engine.h"
#include "inference/gguf/file.h"
#include "inference/models/config.h"

namespace lantern::models {

// The config of a shape: its architecture's flags and the shape's counts, defaults filled in as readConfig
// fills them. An architecture Lantern does not run, or a count missing or inconsistent, is an error.
Result<ModelConfig> shapeConfig(const ModelShape& shape);

// The tensors of a model of `config`, named as in its GGUF file; their bytes and the metadata estimate add up
// to fileBytes. Only name, nDims, ne, elements and bytes are set (the weight types are unknown).
Result<std::vector<gguf::TensorInfo>> shapeTensors(const ModelConfig& config, uint64_t fileBytes);

// The tensors of a model of `config` before any size is known: each one's name and element counts, and whether
// llama.cpp keeps it in f32 whatever the quantization (vectors, the MoE router). What a size estimate weighs.
struct ShapeTensor {
    gguf::TensorInfo info;  // bytes unset
    bool f32 = false;
};
std::vector<ShapeTensor> shapeLayout(const ModelConfig& config);

// The bytes of a GGUF file's metadata besides its tensors, estimated from the vocabulary that dominates it.
uint64_t metadataBytesEstimate(const ModelConfig& config);

}  // namespace lantern::models
