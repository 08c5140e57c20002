#pragma once
// Errors of the engine: a code grouped by subsystem and a sentence of detail. No exception crosses the
// inference API; everything that can fail returns Result<T>.
#include <expected>
#include <string>
#include <utility>

namespace lantern {

enum class Errc : int {
    // 1xx: files and model formats
    FileNotFound = 100,
    FileRead = 101,
    GgufInvalid = 110,       // malformed or truncated GGUF
    GgufUnsupported = 111,   // well-formed but uses a version or type we do not handle
    ModelUnsupported = 120,  // architecture not supported
    ModelInvalid = 121,      // tensor missing, wrong shape or type
    // 2xx: Vulkan and devices
    NoDevice = 200,
    DeviceLost = 201,
    OutOfDeviceMemory = 202,
    OutOfHostMemory = 203,
    EngineStopped = 204,     // the engine process crashed, hung, was killed or lost its device; it is restarted
    VulkanError = 210,
    ShaderMissing = 211,
    // 3xx: text
    TokenizerInvalid = 300,
    TemplateError = 310,
    ContextOverflow = 320,
    // 4xx: storage
    StorageError = 400,
    StorageTooNew = 401,
    DiskFull = 402,
    // 5xx: documents and translation
    FormatInvalid = 500,      // a document that does not parse as its format (line, what was expected)
    FormatUnsupported = 501,  // a file type or format feature Lantern does not translate
    ValidationFailed = 502,   // a written document failed its validator (msgfmt, lrelease, re-parse)
    // 9xx: caller
    InvalidArgument = 900,
    Cancelled = 901,
    Internal = 999,
};

struct Error {
    Errc code = Errc::Internal;
    std::string detail;  // a complete sentence naming the file/field/tensor, what was expected and found
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Errc code, std::string detail) {
    return std::unexpected<Error>(Error{code, std::move(detail)});
}

// Short stable name of a code, for logs and the CLI ("gguf-invalid").
const char* errcName(Errc code);

}  // namespace lantern
