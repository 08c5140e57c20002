// lantern-cli translate: text from stdin to stdout, or files and folders to translated files beside them
// (or in --output-dir), through the translation pipeline (translation/job.h) on the engine. Every written
// file is validated first (msgfmt --check, lrelease, a re-parse) and replaced atomically; segments that
// fail their checks twice are flagged and left out (or written marked unfinished with --write-flagged).
// Exit status: 0 all translated, 3 some segments flagged for review, 1 an error, 130 interrupted.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/command.h"
#include "app/cli/translatereport.h"
#include "base/strformat.h"
#include "inference/engine.h"
#include "translation/enginegenerate.h"
#include "translation/formats/formats.h"
#include "translation/glossaryio.h"
#include "translation/job.h"
#include "translation/languages.h"

namespace lantern::cli {

namespace {

namespace fs = std::filesystem;
using namespace lantern::translation;

std::atomic<bool> g_cancel{false};
void onInterrupt(int) { g_cancel.store(true); }

const char* kUsage =
    "usage: lantern-cli translate --to LANG [FILE|FOLDER ...] [options]\n"
    "  Without files: translates stdin (plain text, or --format) to stdout.\n"
    "  --to LANG            target language (BCP 47: de, fr, pt-BR, zh-Hans, ja, ar, ...)\n"
    "  --from LANG          source language (default: auto-detect; a file that names its language wins)\n"
    "  -m, --model FILE     GGUF model (default: Lantern's default model)\n"
    "  --profile ID         prompt profile (hunyuan-mt, translategemma, seed-x, tower, qwen3, generic,\n"
    "                       base-completion; default: chosen from the model)\n"
    "  --format NAME        txt, markdown, html, srt, vtt, ts, po, xliff, json, android, docx, odt\n"
    "                       (default: from the file name and content)\n"
    "  -o, --output FILE    where to write (one input only); default NAME.LANG.EXT beside the source\n"
    "  --output-dir DIR     write every output under DIR, mirroring the inputs' folders\n"
    "  --glossary FILE      terms to enforce (.csv: source,target[,dnt,case_sensitive,note]; or .tbx)\n"
    "  --style TEXT         style / background for the model (not translated)\n"
    "  --formality formal|informal\n"
    "  --retranslate        translate units that already have a finished translation too\n"
    "  --final              mark translations finished (default: unfinished / fuzzy / needs review)\n"
    "  --write-flagged      write segments that failed their checks too (marked unfinished)\n"
    "  --no-split           one segment per paragraph instead of per sentence\n"
    "  --no-retry           no strict retry after a failed check\n"
    "  --json               a report of every segment and check on stdout\n"
    "  -c, --context N      context length;  --device NAME  Vulkan device;  -q, --quiet\n";

struct Settings {
    std::string model, device, from, to, format, output, outputDir, glossary, style, profile;
    uint32_t context = 0;
    Formality formality = Formality::Default;
    PlanOptions::Which which = PlanOptions::Which::NotFinal;
    bool final = false, writeFlagged = false, split = true, retry = true, json = false, quiet = false;
    std::vector<std::string> inputs;
};

std::optional<Settings> parse(std::span<char*> args) {
    Settings s;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string_view a = args[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= args.size()) {
                std::fprintf(stderr, "lantern-cli: %.*s needs a value\n%s", int(a.size()), a.data(), kUsage);
                return false;
            }
            out = args[++i];
            return true;
        };
        std::string v;
        bool ok = true;
        if (a == "--to") ok = value(s.to);
        else if (a == "--from") ok = value(s.from);
        else if (a == "-m" || a == "--model") ok = value(s.model);
        else if (a == "--device") ok = value(s.device);
        else if (a == "--profile") ok = value(s.profile);
        else if (a == "--format") ok = value(s.format);
        else if (a == "-o" || a == "--output") ok = value(s.output);
        else if (a == "--output-dir") ok = value(s.outputDir);
        else if (a == "--glossary") ok = value(s.glossary);
        else if (a == "--style") ok = value(s.style);
        else if (a == "-c" || a == "--context") {
            ok = value(v);
            s.context = ok ? uint32_t(std::strtoul(v.c_str(), nullptr, 10)) : 0;
        } else if (a == "--formality") {
            ok = value(v);
            if (ok && v == "formal") s.formality = Formality::Formal;
            else if (ok && v == "informal") s.formality = Formality::Informal;
            else if (ok) {
                std::fprintf(stderr, "lantern-cli: --formality is formal or informal, not '%s'\n", v.c_str());
                return std::nullopt;
            }
        }
        else if (a == "--retranslate") s.which = PlanOptions::Which::All;
        else if (a == "--final") s.final = true;
        else if (a == "--write-flagged") s.writeFlagged = true;
        else if (a == "--no-split") s.split = false;
        else if (a == "--no-retry") s.retry = false;
        else if (a == "--json") s.json = true;
        else if (a == "-q" || a == "--quiet") s.quiet = true;
        else if (a == "-h" || a == "--help") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (a.starts_with("-") && a != "-") {
            std::fprintf(stderr, "lantern-cli: unknown option %.*s\n%s", int(a.size()), a.data(), kUsage);
            return std::nullopt;
        } else {
            s.inputs.emplace_back(a);
        }
        if (!ok)
            return std::nullopt;
    }
    if (s.to.empty()) {
        std::fprintf(stderr, "lantern-cli: say which language to translate into: --to LANG\n%s", kUsage);
        return std::nullopt;
    }
    s.to = normalizeLanguage(s.to);
    if (s.from == "auto")
        s.from.clear();
    s.from = normalizeLanguage(s.from);
    return s;
}

std::string defaultModel() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    const char* home = std::getenv("HOME");
    const fs::path data = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : ".") / ".local" / "share";
    return (data / "lantern" / "models" / "gemma-3-270m-q4_k_m.gguf").string();
}

Result<std::string> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail(Errc::FileNotFound, format("Cannot read {}.", path.string()));
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Written next to the final name and renamed over it: a crash or a full disk never leaves half a file.
Result<void> writeAtomically(const fs::path& path, const std::string& bytes) {
    std::error_code ec;
    if (path.has_parent_path())
        fs::create_directories(path.parent_path(), ec);
    const fs::path tmp = path.string() + ".lantern-partial";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            fs::remove(tmp, ec);
            return fail(Errc::DiskFull, format("Cannot write {} (is the disk full?).", path.string()));
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return fail(Errc::FileRead, format("Cannot replace {}: {}.", path.string(), ec.message()));
    }
    return {};
}

fs::path outputFor(const Settings& s, const fs::path& input, const fs::path& root) {
    if (!s.output.empty())
        return s.output;
    if (!s.outputDir.empty()) {
        fs::path rel = root.empty() ? input.filename() : fs::relative(input, root);
        if (input.extension() == ".pot")
            rel.replace_extension(".po");
        return fs::path(s.outputDir) / rel;
    }
    return formats::translatedName(input, s.to);
}

std::string detectSource(const Document& doc) {
    std::string sample;
    for (const Unit& u : doc.units()) {
        if (!u.translatable)
            continue;
        sample += u.source;
        sample += '\n';
        if (sample.size() > 8192)
            break;
    }
    return detectLanguage(sample).code;
}

struct Input {
    fs::path path;   // empty = stdin
    fs::path root;   // the folder it was found in (for --output-dir), or empty
};

}  // namespace

int translateCommand(std::span<char*> args) {
    std::optional<Settings> parsed = parse(args);
    if (!parsed)
        return 2;
    Settings s = std::move(*parsed);
    if (s.model.empty())
        s.model = defaultModel();

    std::vector<Input> inputs;
    for (const std::string& in : s.inputs) {
        std::error_code ec;
        if (in == "-") {
            inputs.push_back({});
        } else if (fs::is_directory(in, ec)) {
            std::vector<fs::path> found;
            for (const auto& e : fs::recursive_directory_iterator(in, ec))
                if (e.is_regular_file() && e.path().string().find(".lantern-partial") == std::string::npos)
                    found.push_back(e.path());
            std::ranges::sort(found);
            for (const fs::path& p : found) {
                auto bytes = readFile(p);
                if (bytes && formats::detect(p, bytes->substr(0, 4096)))
                    inputs.push_back({p, in});
            }
        } else if (fs::exists(in, ec)) {
            inputs.push_back({in, {}});
        } else {
            std::fprintf(stderr, "lantern-cli: %s does not exist\n", in.c_str());
            return 1;
        }
    }
    if (inputs.empty() && s.inputs.empty())
        inputs.push_back({});
    if (inputs.empty()) {
        std::fprintf(stderr, "lantern-cli: no file Lantern can translate in %s\n", s.inputs.front().c_str());
        return 1;
    }
    if (!s.output.empty() && inputs.size() > 1) {
        std::fprintf(stderr, "lantern-cli: -o names one output; use --output-dir for %zu files\n", inputs.size());
        return 2;
    }
    std::string glossaryBytes;
    if (!s.glossary.empty()) {
        auto g = readFile(s.glossary);
        if (!g) {
            std::fprintf(stderr, "lantern-cli: %s\n", g.error().detail.c_str());
            return 1;
        }
        glossaryBytes = std::move(*g);
    }

    LoadOptions lo;
    lo.device = s.device;
    lo.contextLength = s.context ? s.context : 4096;
    lo.cancel = &g_cancel;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    auto model = Engine::load(s.model, lo);
    if (!model) {
        std::fprintf(stderr, "lantern-cli: %s\n", model.error().detail.c_str());
        return g_cancel ? 130 : 1;
    }
    auto session = (*model)->newSession();
    if (!session) {
        std::fprintf(stderr, "lantern-cli: not enough GPU memory for the context cache\n");
        return 1;
    }
    const ModelInfo& info = (*model)->info();
    const Profile* profile = s.profile.empty()
        ? &selectProfile({info.name, info.architecture, fs::path(s.model).filename().string(), info.basePrompt})
        : findProfile(s.profile);
    if (!profile) {
        std::fprintf(stderr, "lantern-cli: no prompt profile called '%s'\n", s.profile.c_str());
        return 2;
    }

    std::vector<FileReport> reports;
    bool anyError = false;
    for (const Input& input : inputs) {
        FileReport& r = reports.emplace_back();
        r.path = input.path.empty() ? "-" : input.path.string();
        r.targetLanguage = s.to;
        r.profile = std::string(profile->id());
        auto bytes = input.path.empty() ? Result<std::string>(std::string(std::istreambuf_iterator<char>(std::cin), {}))
                                        : readFile(input.path);
        Result<formats::Format> format = fail(Errc::FormatUnsupported, "");
        if (!s.format.empty()) {
            formats::Format f;
            format = formats::fromName(s.format, f) ? Result<formats::Format>(f)
                                                    : fail(Errc::FormatUnsupported, "Unknown --format " + s.format + ".");
        } else if (input.path.empty()) {
            format = formats::Format::PlainText;
        } else if (bytes) {
            format = formats::detect(input.path, *bytes);
        }
        Result<std::unique_ptr<Document>> doc = !bytes ? std::unexpected(bytes.error())
                                              : !format ? std::unexpected(format.error())
                                                        : formats::open(*bytes, *format);
        if (!doc) {
            r.error = doc.error().detail;
            std::fprintf(stderr, "lantern-cli: %s: %s\n", r.path.c_str(), r.error.c_str());
            anyError = true;
            continue;
        }
        r.format = std::string(formats::name(*format));
        r.sourceLanguage = !s.from.empty() ? s.from : normalizeLanguage((*doc)->sourceLanguage());
        if (r.sourceLanguage.empty())
            r.sourceLanguage = detectSource(**doc);

        TranslateSettings ts;
        ts.sourceLanguage = r.sourceLanguage;
        ts.targetLanguage = s.to;
        ts.style = s.style;
        ts.formality = s.formality;
        ts.retry = s.retry;
        ts.profile = profile;
        if (!glossaryBytes.empty()) {
            auto entries = fs::path(s.glossary).extension() == ".tbx" ? parseTbx(glossaryBytes, r.sourceLanguage, s.to)
                                                                       : parseGlossaryCsv(glossaryBytes);
            if (!entries) {
                std::fprintf(stderr, "lantern-cli: %s: %s\n", s.glossary.c_str(), entries.error().detail.c_str());
                return 1;
            }
            ts.glossary = std::move(*entries);
        }
        Translator translator(generateWith(*session, g_cancel), ts);
        PlanOptions po;
        po.splitSentences = s.split;
        po.which = s.which;
        po.targetLanguage = s.to;
        po.sourceLanguage = r.sourceLanguage;
        r.plan = planSegments(**doc, po);
        JobHooks hooks;
        if (!s.quiet)
            hooks.finished = [&](size_t i, const PlannedSegment&, const SegmentTarget&, const SegmentResult*) {
                std::fprintf(stderr, "\r%s: %zu/%zu segments", r.path.c_str(), i + 1, r.plan.size());
                if (i + 1 == r.plan.size())
                    std::fputc('\n', stderr);
            };
        r.job = runJob(r.plan, translator, hooks, g_cancel);
        if (!r.job.error.empty()) {
            r.error = r.job.error;
            std::fprintf(stderr, "\nlantern-cli: %s: %s\n", r.path.c_str(), r.error.c_str());
            anyError = true;
            break;
        }
        if (r.job.cancelled)
            break;
        const auto units = assemble(**doc, r.plan, r.job.targets, {s.writeFlagged, s.final});
        auto written = (*doc)->write(units, {s.to});
        if (written) {
            if (auto valid = (*doc)->validate(*written); !valid)
                written = std::unexpected(valid.error());
        }
        if (!written) {
            r.error = "not written: " + written.error().detail;
            std::fprintf(stderr, "lantern-cli: %s: %s\n", r.path.c_str(), r.error.c_str());
            anyError = true;
            continue;
        }
        if (input.path.empty() && s.output.empty()) {
            r.output = "-";
            if (!s.json)
                std::fwrite(written->data(), 1, written->size(), stdout);
            continue;
        }
        const fs::path out = outputFor(s, input.path, input.root);
        if (auto w = writeAtomically(out, *written); !w) {
            r.error = w.error().detail;
            std::fprintf(stderr, "lantern-cli: %s\n", r.error.c_str());
            anyError = true;
            continue;
        }
        r.output = out.string();
    }
    const RunFigures figures = sum(reports);
    if (s.json)
        std::fputs(jsonReport(reports, s.model).c_str(), stdout);
    if (!s.quiet)
        std::fprintf(stderr, "%s\n", figuresLine(figures).c_str());
    if (g_cancel)
        return 130;
    if (anyError)
        return 1;
    return figures.flagged ? 3 : 0;
}

namespace {
const Registrar kTranslate{{"translate", "translate text, documents and localization files (po, ts, md, ...)",
                            translateCommand}};
}  // namespace

}  // namespace lantern::cli
