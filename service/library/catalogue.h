#pragma once
// The curated model catalogue shipped with the app (catalogue.json, compiled in as the Qt resource
// ":/lantern/library/catalogue.json"; schema: catalogue.schema.json, checked by a test with check-jsonschema).
// Every value in it comes from a public source named in the entry's "sources" (model cards, the hub's file
// lists, config.json): nothing is guessed. Sizes a source states only roughly are "approxBytes" (the hub's
// exact size and SHA-256 are read at download time); a value no source gives is absent, never invented.
// And whether each entry fits this machine, from the engine's own memory plan (Engine::planShapes) before
// anything is downloaded.
#include <QHash>
#include <QString>
#include <QStringList>

#include <vector>

#include "inference/engine.h"

namespace lantern::service {

struct CatalogueQuant {
    QString quant;          // "Q4_K_M"
    QStringList files;      // paths in the repository; a split set's parts in order
    qint64 approxBytes = -1;  // all files together, as the source states it (rounded); -1 when not stated
    // When no source states the size: the estimate from the entry's shape (sizeestimate.h); -1 when none.
    qint64 estimatedBytes = -1;
};

struct CatalogueEntry {
    QString id;             // stable, lower case: "qwen3-8b"
    QString name;           // "Qwen3 8B"
    QString family;         // "Qwen3", "DeepSeek-R1", "GLM-4", "Kimi", "Gemma 3", "Llama 3", "Hunyuan-MT", ...
    QString kind;           // "chat", "reasoning", "translation" or "base"
    QString repo;           // the GGUF repository on the hub: "Qwen/Qwen3-8B-GGUF"
    QString revision;       // "main" unless pinned
    QString baseRepo;       // the original weights' repository (where the shape comes from)
    QString licence;        // SPDX id or the licence's name ("apache-2.0", "qwen", "gemma", "llama3.1", "mit")
    QString licenceUrl;
    QStringList languages;  // ISO 639-1 codes the model card names; ["multilingual"] when it names none
    QString summary;        // what it is good at, one or two sentences for people
    QString parameters;     // as the card states it: "8.2B", "30.5B total, 3.3B active"
    bool thinking = false;  // has a thinking switch or always reasons
    QString recommendedQuant;
    QStringList sources;    // URLs every fact above was taken from
    // false for a model the engine cannot run yet (an architecture it lacks): listed so people find it, with
    // the reason, but never planned or offered for download.
    bool supported = true;
    QString unsupportedReason;  // required when supported is false: a sentence for people
    bool hasShape = false;  // shape known from the model's config.json (a named source)
    ModelShape shape;       // fileBytes left 0: planCatalogue fills it per quantization
    std::vector<CatalogueQuant> quants;
};

struct Catalogue {
    std::vector<CatalogueEntry> entries;
    QString error;          // "" when parsed; else what is wrong, naming the entry and the field (the entries
                            // parsed so far are dropped)

    static Catalogue builtIn();                 // the resource
    // Strict: an unknown field, a value of the wrong type or range, a duplicate id or quantization, or a
    // recommendedQuant that is not listed is an error (a typo in a curated file would otherwise drop a fact).
    static Catalogue parse(const QByteArray& json);
    const CatalogueEntry* find(const QString& id) const;
};

// Whether an entry's quantization fits this machine, for the library's badges.
struct CatalogueFit {
    QString id;
    QString quant;
    // "fits", "offloaded" (experts in system memory), "too-big", "unknown" (no shape or no size, or a shape the
    // engine cannot lay out) or "unsupported" (the entry's supported is false; text is its unsupportedReason)
    QString state;
    QString text;           // one line with the numbers (the engine's plan summary or its refusal), or why not
    QString deviceName;
    qint64 deviceBytes = 0;
    bool estimated = false;  // planned with CatalogueQuant::estimatedBytes (the text says so)
};

// Plans every entry × quantization with one device query (Engine::planShapes, the options' device and context;
// the file size is approxBytes or else the estimate, or `exactBytes` for "id/quant" keys when known from the hub). Blocking (opens no
// device, but may enumerate Vulkan devices): call from a worker thread.
std::vector<CatalogueFit> planCatalogue(const Catalogue& catalogue, const LoadOptions& options,
                                        const QHash<QString, qint64>& exactBytes = {});

}  // namespace lantern::service
