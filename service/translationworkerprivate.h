#pragma once
// TranslationWorker's state, shared by its two source files (text view, jobs).
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

#include "service/translationworker.h"
#include "translation/document.h"
#include "translation/job.h"
#include "translation/translator.h"

namespace lantern::service {

QString qs(std::string_view s);
std::string ss(const QString& s);
QStringList problemsOf(const std::vector<translation::Check>& checks);
QString checksJson(const std::vector<translation::Check>& checks);
std::vector<translation::Check> checksFromJson(const QString& json);
QString optionsJson(const TranslateOptions& o);
TranslateOptions optionsFromJson(const QString& json);

struct TranslationWorker::Text {
    quint64 request = 0;
    TranslateOptions options;
    QString sourceLanguage;
    std::unique_ptr<translation::Document> document;
    std::vector<translation::PlannedSegment> plan;
    std::vector<translation::SegmentTarget> targets;
    std::unique_ptr<translation::Translator> translator;
};

struct TranslationWorker::ActiveJob {
    qint64 id = 0;
    TranslateOptions options;
    QString sourceLanguage;
    QString outputPath;
    QString modelFingerprint;
    std::unique_ptr<translation::Document> document;
    std::vector<translation::PlannedSegment> plan;
    std::vector<translation::SegmentTarget> targets;
    std::vector<qint64> segmentIds;
    std::unique_ptr<translation::Translator> translator;
    int done = 0, flagged = 0;
};

}  // namespace lantern::service
