#pragma once
// Engine and storage errors as sentences a person understands: what happened and what to do. The
// engine's own detail (already a sentence naming the file or tensor) follows as the explanation.
#include <QString>

#include "base/error.h"

namespace lantern::service {

// One translated sentence for the code: what happened and what to try.
QString errorAdvice(Errc code);
// The advice followed by the engine's detail, e.g. "Lantern does not support this model yet. Try another
// model file. (Lantern cannot load gemma.gguf yet: the model runtime is not built.)".
QString describeError(const Error& error);

}  // namespace lantern::service
