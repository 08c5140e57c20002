#include "base/error.h"

namespace lantern {

const char* errcName(Errc code) {
    switch (code) {
    case Errc::FileNotFound: return "file-not-found";
    case Errc::FileRead: return "file-read";
    case Errc::GgufInvalid: return "gguf-invalid";
    case Errc::GgufUnsupported: return "gguf-unsupported";
    case Errc::ModelUnsupported: return "model-unsupported";
    case Errc::ModelInvalid: return "model-invalid";
    case Errc::NoDevice: return "no-device";
    case Errc::DeviceLost: return "device-lost";
    case Errc::EngineStopped: return "engine-stopped";
    case Errc::OutOfDeviceMemory: return "out-of-device-memory";
    case Errc::OutOfHostMemory: return "out-of-host-memory";
    case Errc::VulkanError: return "vulkan-error";
    case Errc::ShaderMissing: return "shader-missing";
    case Errc::TokenizerInvalid: return "tokenizer-invalid";
    case Errc::TemplateError: return "template-error";
    case Errc::ContextOverflow: return "context-overflow";
    case Errc::StorageError: return "storage-error";
    case Errc::StorageTooNew: return "storage-too-new";
    case Errc::DiskFull: return "disk-full";
    case Errc::FormatInvalid: return "format-invalid";
    case Errc::FormatUnsupported: return "format-unsupported";
    case Errc::ValidationFailed: return "validation-failed";
    case Errc::InvalidArgument: return "invalid-argument";
    case Errc::Cancelled: return "cancelled";
    case Errc::Internal: return "internal";
    }
    return "unknown";
}

}  // namespace lantern
