#include "translation/formats/ziparchive.h"

#include <zip.h>

#include <memory>

#include "base/strformat.h"

namespace lantern::translation::formats::zip {

namespace {

constexpr zip_uint64_t kMaxEntry = 256ull << 20;

struct Closer {
    void operator()(zip_t* z) const { zip_discard(z); }
};
using Handle = std::unique_ptr<zip_t, Closer>;

std::string zipMessage(zip_error_t& error) {
    std::string m = zip_error_strerror(&error);
    zip_error_fini(&error);
    return m;
}

// Opens the archive over `bytes` (not copied: they must outlive the handle). `source` receives the
// libzip source, kept alive after zip_close when `keep` is set (replace() reads the new archive from it).
Result<Handle> open(std::string_view bytes, std::string_view what, zip_source_t** source = nullptr) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (!src)
        return fail(Errc::Internal, format("{}: {}", what, zipMessage(error)));
    zip_t* z = zip_open_from_source(src, ZIP_CHECKCONS, &error);
    if (!z) {
        zip_source_free(src);
        return fail(Errc::FormatInvalid,
                    format("not a readable {} file (a zip archive): {}", what, zipMessage(error)));
    }
    zip_error_fini(&error);
    if (source) {
        zip_source_keep(src);
        *source = src;
    }
    return Handle(z);
}

}  // namespace

Result<Archive> list(std::string_view bytes, std::string_view what) {
    auto z = open(bytes, what);
    if (!z)
        return std::unexpected(z.error());
    Archive a;
    const zip_int64_t n = zip_get_num_entries(z->get(), 0);
    for (zip_int64_t i = 0; i < n; ++i)
        if (const char* name = zip_get_name(z->get(), zip_uint64_t(i), ZIP_FL_ENC_GUESS))
            a.names.emplace_back(name);
    return a;
}

Result<std::string> read(std::string_view bytes, std::string_view name, std::string_view what) {
    auto z = open(bytes, what);
    if (!z)
        return std::unexpected(z.error());
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(z->get(), std::string(name).c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
        return fail(Errc::FormatInvalid,
                    format("the {} file has no {} (not a {} document?)", what, name, what));
    if (st.size > kMaxEntry)
        return fail(Errc::FormatInvalid,
                    format("{} in the {} file unpacks to {} bytes: refused", name, what, st.size));
    zip_file_t* f = zip_fopen(z->get(), std::string(name).c_str(), 0);
    if (!f)
        return fail(Errc::FormatInvalid,
                    format("{} in the {} file cannot be opened: {}", name, what, zip_strerror(z->get())));
    std::string out(size_t(st.size), '\0');
    const zip_int64_t got = zip_fread(f, out.data(), st.size);
    const std::string err = got < 0 ? zip_file_strerror(f) : "";
    zip_fclose(f);
    if (got < 0 || zip_uint64_t(got) != st.size)
        return fail(Errc::FormatInvalid,
                    format("{} in the {} file is damaged: {}", name, what, got < 0 ? err : "short read"));
    return out;
}

Result<std::string> replace(std::string_view bytes, const std::map<std::string, std::string>& parts,
                            std::string_view what) {
    // libzip writes the new archive into the buffer source it was opened from.
    zip_source_t* src = nullptr;
    auto z = open(bytes, what, &src);
    if (!z)
        return std::unexpected(z.error());
    std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(src, &zip_source_free);
    for (const auto& [name, content] : parts) {
        const zip_int64_t index = zip_name_locate(z->get(), name.c_str(), 0);
        zip_source_t* data = zip_source_buffer(z->get(), content.data(), content.size(), 0);
        if (index < 0 || !data ||
            zip_file_replace(z->get(), zip_uint64_t(index), data, ZIP_FL_ENC_UTF_8) != 0) {
            if (data)
                zip_source_free(data);
            return fail(Errc::Internal,
                        format("cannot replace {} in the {} file: {}", name, what, zip_strerror(z->get())));
        }
        zip_set_file_compression(z->get(), zip_uint64_t(index), ZIP_CM_DEFLATE, 9);
    }
    if (zip_close(z->get()) != 0)
        return fail(Errc::Internal, format("cannot write the {} file: {}", what, zip_strerror(z->get())));
    (void)z.value().release();  // closed: zip_close freed it
    std::string out;
    if (zip_source_open(src) != 0)
        return fail(Errc::Internal, format("cannot read the written {} file back", what));
    zip_source_seek(src, 0, SEEK_END);
    const zip_int64_t size = zip_source_tell(src);
    zip_source_seek(src, 0, SEEK_SET);
    out.resize(size_t(std::max<zip_int64_t>(size, 0)));
    const zip_int64_t got = size > 0 ? zip_source_read(src, out.data(), zip_uint64_t(size)) : 0;
    zip_source_close(src);
    if (got != size)
        return fail(Errc::Internal, format("cannot read the written {} file back", what));
    return out;
}

}  // namespace lantern::translation::formats::zip
