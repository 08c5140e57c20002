#include "inference/gguf/file.h"

#include <bit>
#include <cstring>
#include "base/strformat.h"

// The mapping is here, not in base/platform, because the GGUF fuzzer (tests/fuzz) compiles this file alone.
#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace lantern::gguf {

// The read-only mapping of a file; unmapped on destruction.
struct File::Mapping {
    const std::byte* data = nullptr;
    size_t size = 0;
#ifdef _WIN32
    HANDLE file = INVALID_HANDLE_VALUE;
    HANDLE map = nullptr;
    ~Mapping() {
        if (data) UnmapViewOfFile(data);
        if (map) CloseHandle(map);
        if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    }
#else
    ~Mapping() {
        if (data && size) {
            munmap(const_cast<std::byte*>(data), size);
        }
    }
#endif
};

namespace {

constexpr uint32_t kMaxDepth = 4;  // nesting of arrays in arrays

size_t fixedSize(ValueType t) {
    switch (t) {
    case ValueType::U8: case ValueType::I8: case ValueType::Bool: return 1;
    case ValueType::U16: case ValueType::I16: return 2;
    case ValueType::U32: case ValueType::I32: case ValueType::F32: return 4;
    case ValueType::U64: case ValueType::I64: case ValueType::F64: return 8;
    default: return 0;
    }
}

const char* valueTypeName(ValueType t) {
    static const char* names[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"};
    return uint32_t(t) < 13 ? names[uint32_t(t)] : "?";
}

template <class T>
T load(const std::byte* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

// A bounds-checked cursor over the file.
class Reader {
public:
    Reader(std::span<const std::byte> bytes, const std::string& name) : m_bytes(bytes), m_name(name) {}
    uint64_t pos() const { return m_pos; }
    uint64_t left() const { return m_bytes.size() - m_pos; }
    const std::byte* at(uint64_t p) const { return m_bytes.data() + p; }

    Result<void> need(uint64_t n, std::string_view what) const {
        if (n > left()) {
            return fail(Errc::GgufInvalid, lantern::format("{}: {} needs {} bytes at offset {}, but the file ends {} bytes later "
                                                       "(truncated or corrupt)", m_name, what, n, m_pos, left()));
        }
        return {};
    }
    template <class T>
    Result<T> read(std::string_view what) {
        if (auto r = need(sizeof(T), what); !r) {
            return std::unexpected(r.error());
        }
        T v = load<T>(at(m_pos));
        m_pos += sizeof(T);
        return v;
    }
    Result<std::string_view> string(std::string_view what) {
        auto len = read<uint64_t>(what);
        if (!len) {
            return std::unexpected(len.error());
        }
        if (auto r = need(*len, what); !r) {
            return std::unexpected(r.error());
        }
        std::string_view s(reinterpret_cast<const char*>(at(m_pos)), size_t(*len));
        m_pos += *len;
        return s;
    }
    Result<void> skip(uint64_t n, std::string_view what) {
        if (auto r = need(n, what); !r) {
            return r;
        }
        m_pos += n;
        return {};
    }

private:
    std::span<const std::byte> m_bytes;
    const std::string& m_name;
    uint64_t m_pos = 0;
};

}  // namespace

std::string_view ArrayView::str(size_t i) const {
    if (m_type != ValueType::String || !m_strings || i >= m_strings->size()) {
        return {};
    }
    const std::byte* p = m_base + (*m_strings)[i];
    return {reinterpret_cast<const char*>(p + 8), size_t(load<uint64_t>(p))};
}

float ArrayView::f32(size_t i) const {
    if (i >= m_count) return 0.f;
    if (m_type == ValueType::F32) return load<float>(m_data + 4 * i);
    if (m_type == ValueType::F64) return float(load<double>(m_data + 8 * i));
    return 0.f;
}

int32_t ArrayView::i32(size_t i) const {
    if (i >= m_count) return 0;
    switch (m_type) {
    case ValueType::I32: return load<int32_t>(m_data + 4 * i);
    case ValueType::U32: return int32_t(load<uint32_t>(m_data + 4 * i));
    case ValueType::I8: return load<int8_t>(m_data + i);
    case ValueType::U8: return load<uint8_t>(m_data + i);
    case ValueType::I16: return load<int16_t>(m_data + 2 * i);
    case ValueType::U16: return load<uint16_t>(m_data + 2 * i);
    case ValueType::I64: return int32_t(load<int64_t>(m_data + 8 * i));
    case ValueType::U64: return int32_t(load<uint64_t>(m_data + 8 * i));
    default: return 0;
    }
}

uint32_t ArrayView::u32(size_t i) const { return uint32_t(i32(i)); }

namespace {
// A file as messages name it: its file name, or the whole name given to fromMemory when that has none.
// As UTF-8 (path::string() throws on Windows for a name outside the ANSI code page).
std::string shownName(const std::filesystem::path& p) {
    const std::u8string name = p.filename().empty() ? p.u8string() : p.filename().u8string();
    return {name.begin(), name.end()};
}
}  // namespace

File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

Result<File> File::openPart(const std::filesystem::path& path) {
    File f;
    f.m_path = path;
    auto mapping = std::make_unique<Mapping>();
#ifdef _WIN32
    // FILE_SHARE_DELETE as on POSIX: the model may be renamed or deleted while it is mapped. Names are
    // printed as UTF-8 (path::string() would throw on a name outside the ANSI code page).
    const std::u8string u8 = path.u8string();
    const std::string shown(u8.begin(), u8.end());
    mapping->file = CreateFileW(path.c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, nullptr,
                                OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (mapping->file == INVALID_HANDLE_VALUE) {
        return fail(Errc::FileNotFound, lantern::format("{}: cannot open the file (Windows error {})", shown,
                                                        GetLastError()));
    }
    BY_HANDLE_FILE_INFORMATION info{};
    if (!GetFileInformationByHandle(mapping->file, &info) || (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
        return fail(Errc::FileRead, lantern::format("{}: not a regular file", shown));
    }
    mapping->size = size_t((uint64_t(info.nFileSizeHigh) << 32) | info.nFileSizeLow);
    if (mapping->size > 0) {  // Windows cannot map an empty file; POSIX gives an empty span for it too
        mapping->map = CreateFileMappingW(mapping->file, nullptr, PAGE_READONLY, 0, 0, nullptr);
        if (mapping->map) {
            mapping->data = static_cast<const std::byte*>(MapViewOfFile(mapping->map, FILE_MAP_READ, 0, 0, 0));
        }
        if (!mapping->data) {
            return fail(Errc::FileRead, lantern::format("{}: cannot map the file into memory (Windows error {})",
                                                        shown, GetLastError()));
        }
    }
#else
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return fail(Errc::FileNotFound, lantern::format("{}: cannot open the file ({})", path.string(), std::strerror(errno)));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return fail(Errc::FileRead, lantern::format("{}: not a regular file", path.string()));
    }
    mapping->size = size_t(st.st_size);
    if (mapping->size > 0) {
        void* p = mmap(nullptr, mapping->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            ::close(fd);
            return fail(Errc::FileRead, lantern::format("{}: cannot map the file into memory ({})", path.string(),
                                                    std::strerror(errno)));
        }
        mapping->data = static_cast<const std::byte*>(p);
    }
    ::close(fd);
#endif
    f.m_bytes = {mapping->data, mapping->size};
    f.m_parts.push_back({path, mapping->size});
    f.m_mappings.push_back(std::move(mapping));
    if (auto r = f.parse(); !r) {
        return std::unexpected(r.error());
    }
    return f;
}

Result<File> File::fromMemory(std::span<const std::byte> bytes, std::string name) {
    File f;
    f.m_path = std::move(name);
    f.m_bytes = bytes;
    f.m_parts.push_back({f.m_path, bytes.size()});
    if (auto r = f.parse(); !r) {
        return std::unexpected(r.error());
    }
    return f;
}

namespace {

// Skips one array's elements (nested arrays recursively), recording string offsets when asked.
Result<void> skipArray(Reader& r, ValueType type, uint64_t count, uint32_t depth, std::vector<uint64_t>* strings,
                       const std::string& what) {
    if (const size_t size = fixedSize(type)) {
        if (count > r.left() / size) {
            return fail(Errc::GgufInvalid, lantern::format("{}: array of {} {} values does not fit in the {} bytes left",
                                                       what, count, valueTypeName(type), r.left()));
        }
        return r.skip(count * size, what);
    }
    if (type == ValueType::String) {
        if (count > r.left() / 8) {
            return fail(Errc::GgufInvalid, lantern::format("{}: array of {} strings does not fit in the {} bytes left", what,
                                                       count, r.left()));
        }
        if (strings) {
            strings->reserve(size_t(count));
        }
        for (uint64_t i = 0; i < count; ++i) {
            const uint64_t at = r.pos();
            if (auto s = r.string(what); !s) {
                return std::unexpected(s.error());
            }
            if (strings) {
                strings->push_back(at);
            }
        }
        return {};
    }
    if (type == ValueType::Array) {
        if (depth >= kMaxDepth) {
            return fail(Errc::GgufUnsupported, lantern::format("{}: arrays nested deeper than {} levels", what, kMaxDepth));
        }
        if (count > r.left() / 12) {
            return fail(Errc::GgufInvalid, lantern::format("{}: array of {} arrays does not fit in the file", what, count));
        }
        for (uint64_t i = 0; i < count; ++i) {
            auto et = r.read<uint32_t>(what);
            auto n = r.read<uint64_t>(what);
            if (!et || !n) {
                return std::unexpected(!et ? et.error() : n.error());
            }
            if (*et > uint32_t(ValueType::F64)) {
                return fail(Errc::GgufInvalid, lantern::format("{}: unknown value type {} in a nested array", what, *et));
            }
            if (auto s = skipArray(r, ValueType(*et), *n, depth + 1, nullptr, what); !s) {
                return s;
            }
        }
        return {};
    }
    return fail(Errc::GgufInvalid, lantern::format("{}: unknown array element type {}", what, uint32_t(type)));
}

}  // namespace

Result<void> File::parse() {
    const std::string name = shownName(m_path);
    Reader r(m_bytes, name);
    auto magic = r.read<uint32_t>("the GGUF magic");
    if (!magic) {
        return fail(Errc::GgufInvalid, name + ": the file is too short to be a GGUF model (" +
                                           std::to_string(m_bytes.size()) + " bytes)");
    }
    if (*magic != 0x46554747u) {  // "GGUF" little-endian
        return fail(Errc::GgufInvalid, name + ": not a GGUF file (it does not start with \"GGUF\")");
    }
    auto version = r.read<uint32_t>("the version");
    if (!version) {
        return std::unexpected(version.error());
    }
    m_version = *version;
    if (m_version < 2 || m_version > 3) {
        return fail(Errc::GgufUnsupported, lantern::format("{}: GGUF version {} is not supported (Lantern reads versions 2 "
                                                       "and 3; convert the model again with a current converter)",
                                                       name, m_version));
    }
    auto nTensors = r.read<uint64_t>("the tensor count");
    auto nKv = r.read<uint64_t>("the metadata count");
    if (!nTensors || !nKv) {
        return std::unexpected(!nTensors ? nTensors.error() : nKv.error());
    }
    // Each key-value pair takes at least 12 bytes, each tensor info at least 28.
    if (*nKv > r.left() / 12 || *nTensors > r.left() / 28) {
        return fail(Errc::GgufInvalid, lantern::format("{}: header claims {} metadata entries and {} tensors, more than the "
                                                   "{} bytes of the file can hold", name, *nKv, *nTensors, m_bytes.size()));
    }
    m_kv.reserve(size_t(*nKv));
    for (uint64_t i = 0; i < *nKv; ++i) {
        auto key = r.string(lantern::format("metadata entry {}", i));
        if (!key) {
            return std::unexpected(key.error());
        }
        const std::string what = lantern::format("{}: metadata '{}'", name, *key);
        auto type = r.read<uint32_t>(what);
        if (!type) {
            return std::unexpected(type.error());
        }
        if (*type > uint32_t(ValueType::F64)) {
            return fail(Errc::GgufInvalid, lantern::format("{}: unknown value type {}", what, *type));
        }
        Value v;
        v.type = ValueType(*type);
        v.offset = r.pos();
        if (const size_t size = fixedSize(v.type)) {
            if (auto s = r.skip(size, what); !s) {
                return std::unexpected(s.error());
            }
        } else if (v.type == ValueType::String) {
            if (auto s = r.string(what); !s) {
                return std::unexpected(s.error());
            }
        } else {
            auto et = r.read<uint32_t>(what);
            auto n = r.read<uint64_t>(what);
            if (!et || !n) {
                return std::unexpected(!et ? et.error() : n.error());
            }
            if (*et > uint32_t(ValueType::F64)) {
                return fail(Errc::GgufInvalid, lantern::format("{}: unknown array element type {}", what, *et));
            }
            v.elementType = ValueType(*et);
            v.count = *n;
            v.offset = r.pos();
            if (auto s = skipArray(r, v.elementType, v.count, 1, &v.strings, what); !s) {
                return std::unexpected(s.error());
            }
        }
        m_kv.emplace_back(std::string(*key), std::move(v));
    }
    for (size_t i = 0; i < m_kv.size(); ++i) {
        if (!m_kvIndex.emplace(m_kv[i].first, i).second) {
            return fail(Errc::GgufInvalid, lantern::format("{}: metadata key '{}' appears twice", name, m_kv[i].first));
        }
    }
    if (const Value* a = find("general.alignment")) {
        const auto al = uint(("general.alignment"));
        if (!al || *al == 0 || !std::has_single_bit(*al) || *al > (1u << 20)) {
            return fail(Errc::GgufInvalid, lantern::format("{}: general.alignment must be a power of two, found {}", name,
                                                       al ? std::to_string(*al) : std::string(valueTypeName(a->type))));
        }
        m_alignment = uint32_t(*al);
    }

    m_tensors.reserve(size_t(*nTensors));
    for (uint64_t i = 0; i < *nTensors; ++i) {
        auto tname = r.string(lantern::format("tensor info {}", i));
        if (!tname) {
            return std::unexpected(tname.error());
        }
        TensorInfo t;
        t.name = std::string(*tname);
        const std::string what = lantern::format("{}: tensor '{}'", name, t.name);
        auto nd = r.read<uint32_t>(what);
        if (!nd) {
            return std::unexpected(nd.error());
        }
        if (*nd < 1 || *nd > 4) {
            return fail(Errc::GgufInvalid, lantern::format("{} has {} dimensions; expected 1 to 4", what, *nd));
        }
        t.nDims = *nd;
        for (uint32_t d = 0; d < t.nDims; ++d) {
            auto ne = r.read<uint64_t>(what);
            if (!ne) {
                return std::unexpected(ne.error());
            }
            t.ne[d] = *ne;
        }
        auto type = r.read<uint32_t>(what);
        auto offset = r.read<uint64_t>(what);
        if (!type || !offset) {
            return std::unexpected(!type ? type.error() : offset.error());
        }
        const auto traits = typeTraits(*type);
        if (!traits) {
            return fail(Errc::GgufInvalid, lantern::format("{} has the unknown type {}", what, *type));
        }
        t.type = GgmlType(*type);
        t.offset = *offset;  // relative for now
        uint64_t elements = 1;
        for (uint64_t ne : t.ne) {
            if (ne == 0 || elements > UINT64_MAX / ne || elements * ne > (1ull << 50)) {
                return fail(Errc::GgufInvalid, lantern::format("{} has an impossible shape [{}, {}, {}, {}]", what, t.ne[0],
                                                           t.ne[1], t.ne[2], t.ne[3]));
            }
            elements *= ne;
        }
        if (t.ne[0] % traits->blockElems != 0) {
            return fail(Errc::GgufInvalid, lantern::format("{}: a row of {} elements is not a whole number of {} blocks of {}",
                                                       what, t.ne[0], traits->name, traits->blockElems));
        }
        t.elements = elements;
        t.rowBytes = t.ne[0] / traits->blockElems * traits->blockBytes;
        t.rows = elements / t.ne[0];
        t.bytes = t.rowBytes * t.rows;
        m_tensors.push_back(std::move(t));
    }
    // Tensor data starts at the next multiple of the alignment.
    const uint64_t dataStart = (r.pos() + m_alignment - 1) / m_alignment * m_alignment;
    for (TensorInfo& t : m_tensors) {
        if (t.offset % m_alignment != 0) {
            return fail(Errc::GgufInvalid, lantern::format("{}: tensor '{}' data offset {} is not a multiple of the alignment {}",
                                                       name, t.name, t.offset, m_alignment));
        }
        if (t.offset > m_bytes.size() || dataStart > m_bytes.size() - t.offset ||
            t.bytes > m_bytes.size() - dataStart - t.offset) {
            return fail(Errc::GgufInvalid,
                        lantern::format("{}: tensor '{}' data [offset {}, {} bytes] ends past the end of the file ({} bytes); "
                                    "the file is truncated or corrupt", name, t.name, dataStart + t.offset, t.bytes,
                                    m_bytes.size()));
        }
        t.offset += dataStart;
        t.data = m_bytes.subspan(t.offset, t.bytes);
    }
    return indexTensors();
}

void File::adoptPart(File&& part) {
    const auto index = uint32_t(m_parts.size());
    m_parts.push_back(part.m_parts.front());
    for (auto& mapping : part.m_mappings) {
        m_mappings.push_back(std::move(mapping));
    }
    m_tensors.reserve(m_tensors.size() + part.m_tensors.size());
    for (TensorInfo& t : part.m_tensors) {
        t.part = index;
        m_tensors.push_back(std::move(t));  // data still points into the part's mapping, now ours
    }
}

Result<void> File::indexTensors() {
    // Rebuilt whole: the keys view the names in m_tensors, which move when the vector grows.
    m_tensorIndex.clear();
    m_tensorIndex.reserve(m_tensors.size());
    for (size_t i = 0; i < m_tensors.size(); ++i) {
        const auto [at, added] = m_tensorIndex.emplace(m_tensors[i].name, i);
        if (added) {
            continue;
        }
        const TensorInfo& first = m_tensors[at->second];
        const TensorInfo& again = m_tensors[i];
        const std::string here = shownName(m_parts[again.part].path);
        if (first.part == again.part) {
            return fail(Errc::GgufInvalid, lantern::format("{}: tensor '{}' appears twice", here, again.name));
        }
        return fail(Errc::GgufInvalid,
                    lantern::format("{}: tensor '{}' is also in {}; the parts of this split model do not belong "
                                    "together (download them again)",
                                    here, again.name, shownName(m_parts[first.part].path)));
    }
    return {};
}

uint64_t File::fileBytes() const {
    uint64_t total = 0;
    for (const FilePart& p : m_parts) {
        total += p.bytes;
    }
    return total;
}

const File::Value* File::find(std::string_view key) const {
    auto it = m_kvIndex.find(key);
    return it == m_kvIndex.end() ? nullptr : &m_kv[it->second].second;
}

std::vector<std::string_view> File::keys() const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : m_kv) {
        out.push_back(k);
    }
    return out;
}

std::optional<ValueType> File::typeOf(std::string_view key) const {
    const Value* v = find(key);
    return v ? std::optional(v->type) : std::nullopt;
}

std::optional<int64_t> File::sint(std::string_view key) const {
    const Value* v = find(key);
    if (!v) {
        return std::nullopt;
    }
    const std::byte* p = m_bytes.data() + v->offset;
    switch (v->type) {
    case ValueType::U8: return load<uint8_t>(p);
    case ValueType::I8: return load<int8_t>(p);
    case ValueType::U16: return load<uint16_t>(p);
    case ValueType::I16: return load<int16_t>(p);
    case ValueType::U32: return load<uint32_t>(p);
    case ValueType::I32: return load<int32_t>(p);
    case ValueType::I64: return load<int64_t>(p);
    case ValueType::U64: {
        const uint64_t u = load<uint64_t>(p);
        return u > uint64_t(INT64_MAX) ? std::nullopt : std::optional<int64_t>(int64_t(u));
    }
    default: return std::nullopt;
    }
}

std::optional<uint64_t> File::uint(std::string_view key) const {
    const Value* v = find(key);
    if (v && v->type == ValueType::U64) {
        return load<uint64_t>(m_bytes.data() + v->offset);
    }
    auto s = sint(key);
    return s && *s >= 0 ? std::optional<uint64_t>(uint64_t(*s)) : std::nullopt;
}

std::optional<uint32_t> File::u32(std::string_view key) const {
    auto u = uint(key);
    return u && *u <= UINT32_MAX ? std::optional<uint32_t>(uint32_t(*u)) : std::nullopt;
}

std::optional<float> File::f32(std::string_view key) const {
    const Value* v = find(key);
    if (!v) {
        return std::nullopt;
    }
    if (v->type == ValueType::F32) {
        return load<float>(m_bytes.data() + v->offset);
    }
    if (v->type == ValueType::F64) {
        return float(load<double>(m_bytes.data() + v->offset));
    }
    return std::nullopt;
}

std::optional<bool> File::boolean(std::string_view key) const {
    const Value* v = find(key);
    if (!v || v->type != ValueType::Bool) {
        return std::nullopt;
    }
    return load<uint8_t>(m_bytes.data() + v->offset) != 0;
}

std::optional<std::string_view> File::str(std::string_view key) const {
    const Value* v = find(key);
    if (!v || v->type != ValueType::String) {
        return std::nullopt;
    }
    const std::byte* p = m_bytes.data() + v->offset;
    return std::string_view(reinterpret_cast<const char*>(p + 8), size_t(load<uint64_t>(p)));
}

std::optional<ArrayView> File::array(std::string_view key) const {
    const Value* v = find(key);
    if (!v || v->type != ValueType::Array) {
        return std::nullopt;
    }
    ArrayView a;
    a.m_type = v->elementType;
    a.m_count = size_t(v->count);
    a.m_data = m_bytes.data() + v->offset;
    a.m_strings = &v->strings;
    a.m_base = m_bytes.data();
    return a;
}

Result<uint32_t> File::requireU32(std::string_view key) const {
    if (auto v = u32(key)) {
        return *v;
    }
    return fail(Errc::ModelInvalid, lantern::format("{}: metadata '{}' is missing or not an unsigned 32-bit number",
                                                m_path.filename().string(), key));
}

Result<float> File::requireF32(std::string_view key) const {
    if (auto v = f32(key)) {
        return *v;
    }
    return fail(Errc::ModelInvalid, lantern::format("{}: metadata '{}' is missing or not a number", m_path.filename().string(), key));
}

Result<std::string_view> File::requireStr(std::string_view key) const {
    if (auto v = str(key)) {
        return *v;
    }
    return fail(Errc::ModelInvalid, lantern::format("{}: metadata '{}' is missing or not a string", m_path.filename().string(), key));
}

std::string File::describe(std::string_view key) const {
    const Value* v = find(key);
    if (!v) {
        return "(absent)";
    }
    switch (v->type) {
    case ValueType::String: {
        std::string s(*str(key));
        if (s.size() > 60) {
            s = s.substr(0, 57) + "...";
        }
        for (char& c : s) {
            c = c == '\n' ? ' ' : c;
        }
        return "string \"" + s + "\"";
    }
    case ValueType::F32: case ValueType::F64: return lantern::format("{} {}", valueTypeName(v->type), *f32(key));
    case ValueType::Bool: return lantern::format("bool {}", *boolean(key));
    case ValueType::U64: return lantern::format("u64 {}", *uint(key));
    case ValueType::Array: {
        auto a = *array(key);
        std::string s = lantern::format("array[{}] of {}", a.size(), valueTypeName(a.elementType()));
        for (size_t i = 0; i < std::min<size_t>(a.size(), 3); ++i) {
            if (a.elementType() == ValueType::String) {
                s += lantern::format("{} \"{}\"", i ? "," : ":", a.str(i).substr(0, 20));
            } else if (a.elementType() == ValueType::F32 || a.elementType() == ValueType::F64) {
                s += lantern::format("{} {}", i ? "," : ":", a.f32(i));
            } else if (a.elementType() != ValueType::Array) {
                s += lantern::format("{} {}", i ? "," : ":", a.i32(i));
            }
        }
        return s + (a.size() > 3 ? ", ..." : "");
    }
    default: return lantern::format("{} {}", valueTypeName(v->type), *sint(key));
    }
}

const TensorInfo* File::tensor(std::string_view name) const {
    auto it = m_tensorIndex.find(name);
    return it == m_tensorIndex.end() ? nullptr : &m_tensors[it->second];
}

}  // namespace lantern::gguf
