#pragma once
// What `lantern-cli translate` did to each file: the --json report (every segment with its checks) and
// the closing figures on stderr (segments, flagged, tokens/s, segments/min, the pipeline's own overhead).
#include <string>
#include <vector>

#include "translation/job.h"

namespace lantern::cli {

struct FileReport {
    std::string path;          // "-" for stdin
    std::string output;        // "-" for stdout; empty when nothing was written
    std::string format;
    std::string sourceLanguage;
    std::string targetLanguage;
    std::string profile;
    std::string error;         // why the file was not written
    std::vector<translation::PlannedSegment> plan;
    translation::JobReport job;
};

struct RunFigures {
    size_t segments = 0, translated = 0, flagged = 0, reused = 0;
    uint64_t tokens = 0;
    double modelMs = 0, totalMs = 0;
};
RunFigures sum(const std::vector<FileReport>& files);

std::string jsonReport(const std::vector<FileReport>& files, const std::string& model);
std::string figuresLine(const RunFigures& f);

}  // namespace lantern::cli
