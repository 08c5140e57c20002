#include "ui/chat/codehighlighter.h"

#include <QCryptographicHash>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#ifdef LANTERN_HAVE_KF6_SYNTAX
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/HtmlHighlighter>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/Theme>
#include <QBuffer>
#include <QFile>
#include <QPointer>
#include <QTemporaryFile>
#include <QThreadPool>
#endif

namespace lantern::ui {

namespace {
// Themes chosen to sit calmly on the code block backgrounds of ui/components/Theme.qml.
QString themeFor(bool dark) { return dark ? QStringLiteral("GitHub Dark") : QStringLiteral("GitHub Light"); }

#ifdef LANTERN_HAVE_KF6_SYNTAX
QString highlightInProcess(const QString& syntax, const QString& theme, const QString& code) {
    thread_local KSyntaxHighlighting::Repository repository;
    const auto definition = repository.definitionForName(syntax);
    if (!definition.isValid())
        return {};
    QTemporaryFile out;
    if (!out.open())
        return {};
    KSyntaxHighlighting::HtmlHighlighter highlighter;
    highlighter.setDefinition(definition);
    highlighter.setTheme(repository.theme(theme));
    highlighter.setOutputFile(out.fileName());
    QByteArray bytes = code.toUtf8();
    QBuffer input(&bytes);
    input.open(QIODevice::ReadOnly);
    highlighter.highlightData(&input);
    QFile result(out.fileName());
    if (!result.open(QIODevice::ReadOnly))
        return {};
    return CodeHighlighter::extractPre(QString::fromUtf8(result.readAll()));
}
#endif
}  // namespace

CodeHighlighter::CodeHighlighter(QObject* parent) : QObject(parent) {}

QString CodeHighlighter::notice() const {
    if (m_available)
        return {};
#ifdef Q_OS_LINUX
    return tr("Code is shown without colours because the highlighter \"%1\" is not installed. On Debian and "
              "Ubuntu, install the package libkf5syntaxhighlighting-tools and start Lantern again.")
        .arg(m_program);
#else
    return tr("Code is shown without colours: this build of Lantern has no syntax highlighter.");
#endif
}

void CodeHighlighter::setProgram(const QString& program) {
    m_program = program;
    m_programChecked = false;
    if (!m_available) {
        m_available = true;
        emit availableChanged();
    }
#ifndef LANTERN_HAVE_KF6_SYNTAX
    m_programChecked = true;
    if (QStandardPaths::findExecutable(m_program).isEmpty())
        markUnavailable();
#endif
}

void CodeHighlighter::markUnavailable() {
    if (!m_available)
        return;
    m_available = false;
    // What waits would fail the same way: leave it plain and stop asking.
    m_queue.clear();
    m_pending.clear();
    emit availableChanged();
}

CodeHighlighter::~CodeHighlighter() {
    if (m_process) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(1000);
    }
}

QString CodeHighlighter::syntaxName(const QString& fenceLanguage) {
    static const QHash<QString, QString> names = {
        {QStringLiteral("c"), QStringLiteral("C")},           {QStringLiteral("h"), QStringLiteral("C")},
        {QStringLiteral("cpp"), QStringLiteral("C++")},       {QStringLiteral("c++"), QStringLiteral("C++")},
        {QStringLiteral("cc"), QStringLiteral("C++")},        {QStringLiteral("hpp"), QStringLiteral("C++")},
        {QStringLiteral("cxx"), QStringLiteral("C++")},       {QStringLiteral("cs"), QStringLiteral("C#")},
        {QStringLiteral("csharp"), QStringLiteral("C#")},     {QStringLiteral("py"), QStringLiteral("Python")},
        {QStringLiteral("python"), QStringLiteral("Python")}, {QStringLiteral("js"), QStringLiteral("JavaScript")},
        {QStringLiteral("javascript"), QStringLiteral("JavaScript")},
        {QStringLiteral("jsx"), QStringLiteral("JavaScript React (JSX)")},
        {QStringLiteral("ts"), QStringLiteral("TypeScript")}, {QStringLiteral("typescript"), QStringLiteral("TypeScript")},
        {QStringLiteral("sh"), QStringLiteral("Bash")},       {QStringLiteral("bash"), QStringLiteral("Bash")},
        {QStringLiteral("shell"), QStringLiteral("Bash")},    {QStringLiteral("zsh"), QStringLiteral("Zsh")},
        {QStringLiteral("rs"), QStringLiteral("Rust")},       {QStringLiteral("rust"), QStringLiteral("Rust")},
        {QStringLiteral("go"), QStringLiteral("Go")},         {QStringLiteral("java"), QStringLiteral("Java")},
        {QStringLiteral("kt"), QStringLiteral("Kotlin")},     {QStringLiteral("kotlin"), QStringLiteral("Kotlin")},
        {QStringLiteral("json"), QStringLiteral("JSON")},     {QStringLiteral("yaml"), QStringLiteral("YAML")},
        {QStringLiteral("yml"), QStringLiteral("YAML")},      {QStringLiteral("toml"), QStringLiteral("TOML")},
        {QStringLiteral("html"), QStringLiteral("HTML")},     {QStringLiteral("xml"), QStringLiteral("XML")},
        {QStringLiteral("css"), QStringLiteral("CSS")},       {QStringLiteral("sql"), QStringLiteral("SQL")},
        {QStringLiteral("qml"), QStringLiteral("QML")},       {QStringLiteral("cmake"), QStringLiteral("CMake")},
        {QStringLiteral("md"), QStringLiteral("Markdown")},   {QStringLiteral("markdown"), QStringLiteral("Markdown")},
        {QStringLiteral("rb"), QStringLiteral("Ruby")},       {QStringLiteral("ruby"), QStringLiteral("Ruby")},
        {QStringLiteral("php"), QStringLiteral("PHP (HTML)")}, {QStringLiteral("lua"), QStringLiteral("Lua")},
        {QStringLiteral("swift"), QStringLiteral("Swift")},   {QStringLiteral("glsl"), QStringLiteral("GLSL")},
        {QStringLiteral("diff"), QStringLiteral("Diff")},     {QStringLiteral("makefile"), QStringLiteral("Makefile")},
        {QStringLiteral("dockerfile"), QStringLiteral("Dockerfile")}, {QStringLiteral("ini"), QStringLiteral("INI Files")},
    };
    const QString key = fenceLanguage.trimmed().toLower();
    return names.value(key);
}

QString CodeHighlighter::extractPre(const QString& page) {
    static const QRegularExpression pre(QStringLiteral("<pre>\\n?(.*)</pre>"),
                                        QRegularExpression::DotMatchesEverythingOption);
    const auto match = pre.match(page);
    if (!match.hasMatch())
        return {};
    QString inner = match.captured(1);
    if (inner.endsWith(QLatin1Char('\n')))
        inner.chop(1);
    return QStringLiteral("<pre>") + inner + QStringLiteral("</pre>");
}

QString CodeHighlighter::html(const QString& language, const QString& code, bool dark) {
    const QString syntax = syntaxName(language);
    if (syntax.isEmpty() || code.isEmpty() || !m_available)
        return {};
#ifndef LANTERN_HAVE_KF6_SYNTAX
    if (!m_programChecked) {
        // Once, before the first process: a missing tool must not cost a failed start per block.
        m_programChecked = true;
        if (QStandardPaths::findExecutable(m_program).isEmpty()) {
            markUnavailable();
            return {};
        }
    }
#endif
    const QString theme = themeFor(dark);
    const QByteArray hash = QCryptographicHash::hash(code.toUtf8(), QCryptographicHash::Sha1).toHex();
    const QString key = syntax + QLatin1Char('|') + theme + QLatin1Char('|') + QString::fromLatin1(hash);
    if (const QString* cached = m_cache.object(key))
        return *cached;
    if (!m_pending.contains(key)) {
        m_pending.insert(key);
        m_queue.enqueue({key, syntax, theme, code});
        startNext();
    }
    return {};
}

void CodeHighlighter::finish(const QString& key, const QString& html) {
    m_pending.remove(key);
    m_cache.insert(key, new QString(html));
    ++m_jobsRun;
    ++m_revision;
    emit highlighted(key);
    emit revisionChanged();
}

#ifdef LANTERN_HAVE_KF6_SYNTAX
void CodeHighlighter::startNext() {
    while (!m_queue.isEmpty()) {
        const Job job = m_queue.dequeue();
        QPointer<CodeHighlighter> self(this);
        QThreadPool::globalInstance()->start([self, job] {
            const QString result = highlightInProcess(job.syntax, job.theme, job.code);
            QMetaObject::invokeMethod(
                qApp, [self, key = job.key, result] { if (self) self->finish(key, result); }, Qt::QueuedConnection);
        });
    }
}
#else
void CodeHighlighter::startNext() {
    // One process at a time: each costs ~20 ms of CPU, and a long answer may hold a dozen blocks.
    if (m_busy || m_queue.isEmpty())
        return;
    const Job job = m_queue.dequeue();
    m_busy = true;
    if (!m_process) {
        m_process = new QProcess(this);
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
    }
    QProcess* process = m_process;
    process->disconnect(this);
    const auto done = [this, process, key = job.key] {
        QString html;
        if (process->exitStatus() == QProcess::NormalExit && process->exitCode() == 0)
            html = extractPre(QString::fromUtf8(process->readAllStandardOutput()));
        process->readAllStandardError();
        m_busy = false;
        finish(key, html);
        startNext();
    };
    connect(process, &QProcess::finished, this, done);
    connect(process, &QProcess::errorOccurred, this, [this, done](QProcess::ProcessError error) {
        // A tool that cannot start never reaches finished(): this block stays plain, and so do the rest.
        if (error == QProcess::FailedToStart) {
            markUnavailable();
            done();
        }
    });
    process->start(m_program, {QStringLiteral("--stdin"), QStringLiteral("-s"), job.syntax, QStringLiteral("-t"),
                               job.theme, QStringLiteral("-f"), QStringLiteral("html")});
    process->write(job.code.toUtf8());
    process->closeWriteChannel();
}
#endif

}  // namespace lantern::ui
