// File::open for single files and split sets (split.h); the parsing of one file is file.cpp's.
#include "inference/gguf/split.h"

#include <cstdio>
#include <system_error>

#include "base/strformat.h"
#include "inference/gguf/file.h"

namespace lantern::gguf {

namespace {

constexpr size_t kSuffixLength = 20;  // "-00001-of-00003.gguf"

// As UTF-8 (path::string() throws on Windows for a name outside the ANSI code page).
std::string shown(const std::filesystem::path& p) {
    const std::u8string name = p.filename().u8string();
    return {name.begin(), name.end()};
}

// "-00002-of-00003.gguf" for part 1 (0-based) of 3.
std::string splitSuffix(uint32_t no, uint32_t count) {
    char s[32];
    std::snprintf(s, sizeof s, "-%05u-of-%05u.gguf", no + 1, count);
    return s;
}

// A split key with the type gguf-split writes (llama.cpp reads them typed and refuses any other), or nullopt.
Result<std::optional<int64_t>> splitKey(const File& f, const char* key, ValueType type) {
    const auto t = f.typeOf(key);
    if (!t) {
        return std::optional<int64_t>{};
    }
    if (*t != type) {
        return fail(
            Errc::GgufInvalid,
            lantern::format("{}: metadata '{}' is {}, not the {} that llama.cpp's gguf-split writes",
                            shown(f.path()), key, f.describe(key), type == ValueType::U16 ? "u16" : "i32"));
    }
    return f.sint(key);
}

// What a set's first part says about the set, checked against every other part.
struct SetFacts {
    std::string firstName;
    uint32_t count = 0;
    int64_t tensors = 0;
    std::string_view arch;
};

// Part `no` of the set: it says it is that part, of a set of the same size and tensor count, of the same
// model.
Result<void> checkPart(const File& part, uint32_t no, const SetFacts& set) {
    const std::string name = shown(part.path());
    auto partNo = splitKey(part, kSplitNo, ValueType::U16);
    auto count = splitKey(part, kSplitCount, ValueType::U16);
    auto tensors = splitKey(part, kSplitTensorsCount, ValueType::I32);
    for (const auto* r : {&partNo, &count, &tensors}) {
        if (!*r) {
            return std::unexpected(r->error());
        }
    }
    if (!*partNo || !*count) {
        return fail(Errc::GgufInvalid,
                    lantern::format("{}: this file has no split.no or split.count, so it is not a "
                                    "part of the split model {}; download that part again",
                                    name, set.firstName));
    }
    if (**count != set.count) {
        return fail(
            Errc::GgufInvalid,
            lantern::format("{}: split.count says the model has {} parts, but {} says {}; the parts come "
                            "from different downloads (download them again)",
                            name, **count, set.firstName, set.count));
    }
    if (**partNo != no) {
        return fail(Errc::GgufInvalid,
                    lantern::format("{}: split.no says this is part {}, but its name says part {}; "
                                    "the parts were renamed (give them back their names)",
                                    name, **partNo + 1, no + 1));
    }
    if (*tensors && **tensors != set.tensors) {
        return fail(Errc::GgufInvalid,
                    lantern::format(
                        "{}: split.tensors.count says the model has {} tensors, but {} says {}; this part "
                        "belongs to another model (download it again)",
                        name, **tensors, set.firstName, set.tensors));
    }
    // Parts after the first carry no model metadata when gguf-split wrote them; one that does must agree.
    if (const auto arch = part.str("general.architecture"); no > 0 && arch && *arch != set.arch) {
        return fail(Errc::GgufInvalid,
                    lantern::format("{}: this part belongs to a {} model, but {} to a {} model", name, *arch,
                                    set.firstName, set.arch));
    }
    return {};
}

}  // namespace

std::optional<SplitName> parseSplitName(const std::filesystem::path& path) {
    const auto& n = path.native();
    if (n.size() <= kSuffixLength) {
        return std::nullopt;
    }
    const size_t at = n.size() - kSuffixLength;
    const auto digits = [&](size_t from) -> std::optional<uint32_t> {
        uint32_t v = 0;
        for (size_t i = from; i < from + 5; ++i) {
            if (n[i] < '0' || n[i] > '9') {
                return std::nullopt;
            }
            v = v * 10 + uint32_t(n[i] - '0');
        }
        return v;
    };
    const auto literal = [&](size_t from, std::string_view text) {
        for (size_t i = 0; i < text.size(); ++i) {
            if (n[from + i] != typename std::filesystem::path::value_type(text[i])) {
                return false;
            }
        }
        return true;
    };
    const auto no = digits(at + 1), count = digits(at + 10);
    if (!literal(at, "-") || !literal(at + 6, "-of-") || !literal(at + 15, ".gguf") || !no || !count ||
        *no == 0 || *no > *count) {
        return std::nullopt;
    }
    return SplitName{std::filesystem::path(n.substr(0, at)), *no - 1, *count};
}

std::filesystem::path splitPath(const std::filesystem::path& prefix, uint32_t no, uint32_t count) {
    std::filesystem::path p = prefix;
    p += splitSuffix(no, count);
    return p;
}

namespace {

// The set the part opened from `path` belongs to, its name checked against its split keys; nullopt for a
// single file (gguf-split gives a model that needs no splitting split.count 1).
Result<std::optional<SplitName>> setOf(const File& part, const std::filesystem::path& path) {
    auto count = splitKey(part, kSplitCount, ValueType::U16);
    if (!count) {
        return std::unexpected(count.error());
    }
    if (!*count || **count <= 1) {
        return std::optional<SplitName>{};
    }
    const std::string name = shown(path);
    const auto n = uint32_t(**count);
    auto no = splitKey(part, kSplitNo, ValueType::U16);
    if (!no) {
        return std::unexpected(no.error());
    }
    if (!*no || **no >= n) {
        return fail(Errc::GgufInvalid,
                    lantern::format("{}: split.count says this is one of {} parts, but split.no is {}", name,
                                    n, *no ? std::to_string(**no) : std::string("missing")));
    }
    const auto split = parseSplitName(path);
    if (!split) {
        return fail(
            Errc::GgufInvalid,
            lantern::format("{} is part {} of a model split in {} parts, but its name does not end in "
                            "\"{}\", so Lantern cannot find the other parts; give the parts back the names "
                            "the split tool gave them",
                            name, **no + 1, n, splitSuffix(uint32_t(**no), n)));
    }
    if (split->no != **no || split->count != n) {
        return fail(Errc::GgufInvalid,
                    lantern::format("{}: its name says part {} of {}, but its metadata says part {} "
                                    "of {}; the file was renamed or belongs to another model",
                                    name, split->no + 1, split->count, **no + 1, n));
    }
    return split;
}

}  // namespace

Result<File> File::open(const std::filesystem::path& path) {
    auto given = openPart(path);
    if (!given) {
        return given;
    }
    auto located = setOf(*given, path);
    if (!located) {
        return std::unexpected(located.error());
    }
    if (!*located) {
        return given;
    }
    const SplitName& split = **located;
    const uint32_t n = split.count;
    const std::string name = shown(path);
    // The first part holds the metadata: the set is read from it, whichever part was named.
    const auto missing = [&](uint32_t part) {
        const std::filesystem::path p = splitPath(split.prefix, part, n);
        std::error_code ec;
        return std::filesystem::exists(p, ec)
                   ? std::optional<Error>{}
                   : std::optional<Error>{
                         Error{Errc::FileNotFound,
                               lantern::format("{}: part {} of {} of this model, {}, is missing; "
                                               "download it into the same folder as the others",
                                               name, part + 1, n, shown(p))}};
    };
    if (split.no != 0) {
        if (auto e = missing(0)) {
            return std::unexpected(*e);
        }
        given = openPart(splitPath(split.prefix, 0, n));
        if (!given) {
            return given;
        }
    }
    File first = std::move(*given);
    auto tensors = splitKey(first, kSplitTensorsCount, ValueType::I32);
    if (!tensors) {
        return std::unexpected(tensors.error());
    }
    const SetFacts set{shown(first.path()), n, tensors->value_or(-1), first.arch()};
    if (!*tensors) {
        return fail(Errc::GgufInvalid,
                    lantern::format("{}: split.tensors.count is missing from the first part of "
                                    "this split model",
                                    set.firstName));
    }
    if (auto r = checkPart(first, 0, set); !r) {
        return std::unexpected(r.error());
    }
    for (uint32_t i = 1; i < n; ++i) {
        if (auto e = missing(i)) {
            return std::unexpected(*e);
        }
        auto part = openPart(splitPath(split.prefix, i, n));
        if (!part) {
            return part;
        }
        if (auto r = checkPart(*part, i, set); !r) {
            return std::unexpected(r.error());
        }
        first.adoptPart(std::move(*part));
    }
    if (auto r = first.indexTensors(); !r) {
        return std::unexpected(r.error());
    }
    if (int64_t(first.tensors().size()) != set.tensors) {
        return fail(Errc::GgufInvalid,
                    lantern::format(
                        "{}: the {} parts hold {} tensors, but split.tensors.count says {}; a part is from "
                        "another model or damaged (download the parts again)",
                        set.firstName, n, first.tensors().size(), set.tensors));
    }
    return first;
}

}  // namespace lantern::gguf
