#include "tests/fuzz/ggufentry.h"

#include <span>
#include <string>

#include "inference/gguf/file.h"

namespace lantern::fuzz {

bool runGguf(const uint8_t* data, size_t size) {
    auto file = gguf::File::fromMemory(std::as_bytes(std::span(data, size)), "fuzz.gguf");
    if (!file) {
        // A rejected file must say why, naming the file.
        if (file.error().detail.find("fuzz.gguf") == std::string::npos) {
            __builtin_trap();
        }
        return false;
    }
    size_t sink = 0;
    for (std::string_view key : file->keys()) {
        sink += file->describe(key).size();
        sink += file->uint(key).value_or(0) + size_t(file->sint(key).value_or(0));
        sink += size_t(file->f32(key).value_or(0.f) != 0.f) + file->str(key).value_or("").size();
        sink += size_t(file->boolean(key).value_or(false));
        if (auto a = file->array(key)) {
            for (size_t i = 0; i < a->size() && i < 4096; ++i) {
                sink += a->str(i).size() + a->u32(i) + size_t(a->i32(i)) + size_t(a->f32(i) != 0.f);
            }
        }
    }
    for (const gguf::TensorInfo& t : file->tensors()) {
        if (file->tensor(t.name) != &t || t.data.size() != t.bytes) {
            __builtin_trap();  // lookups and data ranges must agree with the tensor list
        }
        for (size_t i = 0; i < t.data.size(); i += 4096) {
            sink += size_t(t.data[i]);  // every data page is inside the file
        }
    }
    sink += file->arch().size();
    asm volatile("" : : "r"(sink));  // keep the reads
    return true;
}

}  // namespace lantern::fuzz
