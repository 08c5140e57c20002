#include "app/cli/translatereport.h"

#include <cstdio>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace lantern::cli {

using namespace lantern::translation;

RunFigures sum(const std::vector<FileReport>& files) {
    RunFigures f;
    for (const FileReport& r : files) {
        f.segments += r.plan.size();
        f.translated += r.job.translated;
        f.flagged += r.job.flagged;
        f.reused += r.job.reused;
        f.tokens += r.job.generatedTokens;
        f.modelMs += r.job.modelMilliseconds;
        f.totalMs += r.job.totalMilliseconds;
    }
    return f;
}

std::string figuresLine(const RunFigures& f) {
    const size_t done = f.translated + f.flagged;
    const double overhead = done ? (f.totalMs - f.modelMs) / double(done) : 0;
    char line[512];
    std::snprintf(line, sizeof line,
                  "%zu segments: %zu translated, %zu flagged for review, %zu reused; %llu tokens in %.1f s of model "
                  "time (%.1f tok/s), %.1f segments/min; pipeline overhead %.2f ms per segment",
                  f.segments, f.translated, f.flagged, f.reused, static_cast<unsigned long long>(f.tokens),
                  f.modelMs / 1000.0, f.modelMs > 0 ? double(f.tokens) / (f.modelMs / 1000.0) : 0.0,
                  f.totalMs > 0 ? double(done) / (f.totalMs / 60000.0) : 0.0, overhead);
    return line;
}

std::string jsonReport(const std::vector<FileReport>& files, const std::string& model) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    auto str = [&](const char* key, const std::string& value) {
        w.Key(key);
        w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    };
    w.StartObject();
    str("model", model);
    w.Key("files");
    w.StartArray();
    for (const FileReport& r : files) {
        w.StartObject();
        str("path", r.path);
        str("output", r.output);
        str("format", r.format);
        str("sourceLanguage", r.sourceLanguage);
        str("targetLanguage", r.targetLanguage);
        str("profile", r.profile);
        if (!r.error.empty())
            str("error", r.error);
        w.Key("translated"); w.Uint64(r.job.translated);
        w.Key("flagged"); w.Uint64(r.job.flagged);
        w.Key("reused"); w.Uint64(r.job.reused);
        w.Key("generatedTokens"); w.Uint64(r.job.generatedTokens);
        w.Key("modelMs"); w.Double(r.job.modelMilliseconds);
        w.Key("totalMs"); w.Double(r.job.totalMilliseconds);
        w.Key("cancelled"); w.Bool(r.job.cancelled);
        w.Key("segments");
        w.StartArray();
        for (size_t i = 0; i < r.plan.size(); ++i) {
            const PlannedSegment& seg = r.plan[i];
            w.StartObject();
            w.Key("unit"); w.Uint64(seg.unit);
            w.Key("form"); w.Uint64(seg.form);
            w.Key("part"); w.Uint64(seg.part);
            str("source", seg.source.text);
            if (i < r.job.targets.size()) {
                const SegmentTarget& t = r.job.targets[i];
                str("status", std::string(statusName(t.status)));
                str("target", t.target);
                if (i < r.job.results.size()) {
                    w.Key("attempts"); w.Int(r.job.results[i].attempts);
                    str("template", r.job.results[i].templateId);
                }
                w.Key("checks");
                w.StartArray();
                for (const Check& c : t.checks) {
                    w.StartObject();
                    str("id", c.id);
                    w.Key("passed"); w.Bool(c.passed);
                    if (!c.passed)
                        str("detail", c.detail);
                    w.EndObject();
                }
                w.EndArray();
            }
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace lantern::cli
