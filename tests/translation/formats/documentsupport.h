#pragma once
// What the document-format tests share: reading their files, a reversible stand-in for a translation
// (the text upper-cased, the inlines' bytes kept where the pipeline would put them back), and the checks
// every reader must pass on truncated input.
#include <QtTest>
#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/testenv.h"
#include "translation/document.h"

namespace lantern::test::documents {

using translation::Document;
using translation::Inline;
using translation::Unit;
using translation::UnitTranslation;

inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        qFatal("cannot read %s", path.string().c_str());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string dataFile(const char* name) {
    return readFile(dataDir() / "translation" / "documents" / name);
}

inline QString q(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

// ASCII letters upper-cased; other bytes (UTF-8 included) kept.
inline std::string upper(std::string_view s) {
    std::string out(s);
    std::ranges::transform(out, out.begin(), [](char c) { return char(std::toupper(static_cast<unsigned char>(c))); });
    return out;
}

// `transform` applied to the text between the unit's inlines; the inlines' bytes stay and are reported
// as targetInlines (origin = their index), as the pipeline's restore() would.
template <class F>
UnitTranslation translateText(const Unit& u, size_t index, F transform) {
    UnitTranslation t;
    t.unit = index;
    std::string target;
    std::vector<Inline> placed;
    size_t at = 0;
    for (size_t k = 0; k < u.inlines.size(); ++k) {
        const Inline& in = u.inlines[k];
        target += transform(std::string_view(u.source).substr(at, in.begin - at));
        Inline p = in;
        p.begin = target.size();
        target += u.source.substr(in.begin, in.end - in.begin);
        p.end = target.size();
        p.origin = int(k);
        placed.push_back(p);
        at = in.end;
    }
    target += transform(std::string_view(u.source).substr(at));
    t.targets = {target};
    t.targetInlines = {placed};
    return t;
}

// Every translatable unit upper-cased.
inline std::vector<UnitTranslation> upperAll(const Document& doc) {
    std::vector<UnitTranslation> out;
    for (size_t i = 0; i < doc.units().size(); ++i)
        if (doc.units()[i].translatable)
            out.push_back(translateText(doc.units()[i], i, [](std::string_view s) { return upper(s); }));
    return out;
}

// The unit's source with each inline's bytes kept and the text between them transformed.
template <class F>
std::string transformedSource(const Unit& u, F transform) {
    return translateText(u, 0, transform).targets.front();
}

// Every prefix of `bytes` (every `step` bytes, and the last 16 one by one) either opens, and then writes
// back byte for byte, or fails with FormatInvalid and a sentence. Nothing crashes or throws.
template <class Open>
void checkTruncations(const std::string& bytes, Open open, size_t step = 1) {
    size_t opened = 0;
    size_t refused = 0;
    for (size_t n = 0; n <= bytes.size(); n += (n + 16 >= bytes.size() ? 1 : step)) {
        const std::string prefix = bytes.substr(0, n);
        auto doc = open(prefix);
        if (!doc) {
            QCOMPARE(int(doc.error().code), int(Errc::FormatInvalid));
            QVERIFY2(doc.error().detail.size() > 10, doc.error().detail.c_str());
            ++refused;
            continue;
        }
        ++opened;
        auto again = (*doc)->write({}, {});
        QVERIFY(again);
        if (*again != prefix)
            QFAIL(qPrintable(QString("a %1-byte prefix does not write back byte for byte").arg(n)));
    }
    qInfo("truncations: %zu opened and written back identically, %zu refused with FormatInvalid", opened, refused);
}

}  // namespace lantern::test::documents
