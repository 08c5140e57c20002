#include "ui/settings/appsettings.h"

#include <algorithm>
#include <array>

#include <QFileInfo>
#include <QGuiApplication>
#include <QJSEngine>
#include <QPalette>
#include <QRandomGenerator>
#include <QQmlEngine>

#include "storage/storagepaths.h"

namespace lantern::ui {

namespace {
const QString kPresets[] = {QStringLiteral("precise"), QStringLiteral("balanced"), QStringLiteral("creative")};
}

AppSettings::AppSettings(QObject* parent) : QObject(parent) {
    m_theme = m_settings.value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    m_fontSize = m_settings.value(QStringLiteral("ui/fontSize"), 14).toInt();
    m_systemPrompt = m_settings.value(QStringLiteral("chat/systemPrompt")).toString();
    m_contextSize = m_settings.value(QStringLiteral("model/contextSize"), 4096).toInt();
    m_maxAnswerTokens = std::max(0, m_settings.value(QStringLiteral("model/maxAnswerTokens"), 1024).toInt());
    m_modelFolder = m_settings.value(QStringLiteral("model/folder"), storage::modelsDir()).toString();
    m_modelPath = m_settings.value(QStringLiteral("model/path")).toString();
    m_device = m_settings.value(QStringLiteral("model/device")).toString();
    m_serverEnabled = m_settings.value(QStringLiteral("server/enabled"), false).toBool();
    m_serverPort = std::clamp(m_settings.value(QStringLiteral("server/port"), kDefaultServerPort).toInt(), 1, 65535);
    m_serverAllowNetwork = m_settings.value(QStringLiteral("server/allowNetwork"), false).toBool();
    // TODO(issue 18): keep the key in the system keychain (QtKeychain) rather than in the settings file.
    m_serverApiKey = m_settings.value(QStringLiteral("server/apiKey")).toString();
}

AppSettings* AppSettings::instance() {
    static AppSettings* shared = [] {
        auto* s = new AppSettings(qApp);
        QJSEngine::setObjectOwnership(s, QJSEngine::CppOwnership);
        return s;
    }();
    return shared;
}

AppSettings* AppSettings::create(QQmlEngine*, QJSEngine*) { return instance(); }

void AppSettings::setTheme(const QString& theme) {
    if (theme == m_theme)
        return;
    m_theme = theme;
    m_settings.setValue(QStringLiteral("ui/theme"), theme);
    emit themeChanged();
}

bool AppSettings::dark() const {
    if (m_theme == QLatin1String("dark"))
        return true;
    if (m_theme == QLatin1String("light"))
        return false;
    // Qt 6.4 has no colour-scheme hint; a dark system palette has a dark window colour.
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

void AppSettings::setFontSize(int size) {
    size = std::clamp(size, 10, 24);
    if (size == m_fontSize)
        return;
    m_fontSize = size;
    m_settings.setValue(QStringLiteral("ui/fontSize"), size);
    emit fontSizeChanged();
}

void AppSettings::setSystemPrompt(const QString& prompt) {
    if (prompt == m_systemPrompt)
        return;
    m_systemPrompt = prompt;
    m_settings.setValue(QStringLiteral("chat/systemPrompt"), prompt);
    emit systemPromptChanged();
}

void AppSettings::setMaxAnswerTokens(int tokens) {
    tokens = std::max(0, tokens);
    if (tokens == m_maxAnswerTokens)
        return;
    m_maxAnswerTokens = tokens;
    m_settings.setValue(QStringLiteral("model/maxAnswerTokens"), tokens);
    emit maxAnswerTokensChanged();
}

void AppSettings::setContextSize(int tokens) {
    tokens = std::clamp(tokens, 0, 131072);
    if (tokens == m_contextSize)
        return;
    m_contextSize = tokens;
    m_settings.setValue(QStringLiteral("model/contextSize"), tokens);
    emit contextSizeChanged();
}

QString AppSettings::presetKey() const {
    const QString model = m_modelPath.isEmpty() ? QStringLiteral("default") : QFileInfo(m_modelPath).fileName();
    return QStringLiteral("sampling/") + model;
}

QString AppSettings::samplingPreset() const {
    return m_settings.value(presetKey(), QStringLiteral("balanced")).toString();
}

void AppSettings::setSamplingPreset(const QString& preset) {
    if (preset == samplingPreset() || std::find(std::begin(kPresets), std::end(kPresets), preset) == std::end(kPresets))
        return;
    m_settings.setValue(presetKey(), preset);
    emit samplingPresetChanged();
}

void AppSettings::setModelFolder(const QString& folder) {
    if (folder == m_modelFolder)
        return;
    m_modelFolder = folder;
    m_settings.setValue(QStringLiteral("model/folder"), folder);
    emit modelFolderChanged();
}

void AppSettings::setModelPath(const QString& path) {
    if (path == m_modelPath)
        return;
    m_modelPath = path;
    m_settings.setValue(QStringLiteral("model/path"), path);
    emit modelPathChanged();
    emit samplingPresetChanged();  // presets are per model
}

void AppSettings::setDevice(const QString& device) {
    if (device == m_device)
        return;
    m_device = device;
    m_settings.setValue(QStringLiteral("model/device"), device);
    emit deviceChanged();
}

void AppSettings::setServerEnabled(bool enabled) {
    if (enabled == m_serverEnabled)
        return;
    m_serverEnabled = enabled;
    m_settings.setValue(QStringLiteral("server/enabled"), enabled);
    emit serverChanged();
}

void AppSettings::setServerPort(int port) {
    port = std::clamp(port, 1, 65535);
    if (port == m_serverPort)
        return;
    m_serverPort = port;
    m_settings.setValue(QStringLiteral("server/port"), port);
    emit serverChanged();
}

void AppSettings::setServerAllowNetwork(bool allow) {
    if (allow == m_serverAllowNetwork)
        return;
    m_serverAllowNetwork = allow;
    m_settings.setValue(QStringLiteral("server/allowNetwork"), allow);
    emit serverChanged();
}

void AppSettings::setServerApiKey(const QString& key) {
    const QString trimmed = key.trimmed();
    if (trimmed == m_serverApiKey)
        return;
    m_serverApiKey = trimmed;
    // TODO(issue 18): the system keychain (QtKeychain) instead; until then the key is as safe as this file.
    m_settings.setValue(QStringLiteral("server/apiKey"), trimmed);
    emit serverChanged();
}

QString AppSettings::generateServerApiKey() {
    std::array<quint32, 8> words;  // 256 bits from the system's secure source
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    const QByteArray bytes(reinterpret_cast<const char*>(words.data()), qsizetype(sizeof words));
    const QString key = QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    setServerApiKey(key);
    return key;
}

SamplingParams AppSettings::presetParams(const QString& preset) {
    SamplingParams p;  // "balanced": the engine's defaults
    if (preset == QLatin1String("precise")) {
        p.temperature = 0.2f;
        p.topK = 20;
        p.topP = 0.9f;
        p.repeatPenalty = 1.05f;
    } else if (preset == QLatin1String("creative")) {
        p.temperature = 1.0f;
        p.topK = 64;
        p.topP = 0.95f;
        p.minP = 0.02f;
    }
    return p;
}

GenerateOptions AppSettings::generateOptions() const {
    GenerateOptions options;
    options.sampling = presetParams(samplingPreset());
    options.maxTokens = m_maxAnswerTokens > 0 ? m_maxAnswerTokens : -1;
    return options;
}

}  // namespace lantern::ui
