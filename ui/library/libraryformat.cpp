#include "ui/library/libraryformat.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

namespace lantern::ui::libraryformat {

namespace {
QString tr(const char* text, int n = -1) {
    return QCoreApplication::translate("LibraryFormat", text, nullptr, n);
}
}  // namespace

QString bytes(qint64 bytes) {
    return bytes < 0 ? QString() : QLocale().formattedDataSize(bytes, 1);
}

QString speed(double bytesPerSecond) {
    if (bytesPerSecond <= 0)
        return {};
    return tr("%1/s").arg(QLocale().formattedDataSize(qint64(bytesPerSecond), 1));
}

QString timeLeft(int seconds) {
    if (seconds < 0)
        return {};
    if (seconds < 60)
        return tr("Less than a minute left");
    if (seconds < 3600) {
        const int minutes = int(std::lround(seconds / 60.0));
        return tr("About %n minute(s) left", minutes);
    }
    const int hours = seconds / 3600;
    const int minutes = (seconds % 3600) / 60;
    return minutes == 0
               ? tr("About %n hour(s) left", hours)
               : tr("About %1 h %2 min left").arg(QLocale().toString(hours), QLocale().toString(minutes));
}

QString parameters(quint64 count) {
    if (count == 0)
        return {};
    const QLocale locale;
    if (count >= 1'000'000'000)
        return tr("%1B parameters").arg(locale.toString(double(count) / 1e9, 'f', 1));
    if (count >= 1'000'000)
        return tr("%1M parameters").arg(locale.toString(double(count) / 1e6, 'f', 0));
    return tr("%1K parameters").arg(locale.toString(double(count) / 1e3, 'f', 0));
}

QString relativeDate(const QDateTime& when, const QDateTime& now) {
    if (!when.isValid())
        return tr("Never");
    const QLocale locale;
    const qint64 days = when.date().daysTo(now.date());
    if (days == 0)
        return tr("Today, %1").arg(locale.toString(when.time(), QLocale::ShortFormat));
    if (days == 1)
        return tr("Yesterday");
    if (days > 1 && days < 7)
        return tr("%n day(s) ago", int(days));
    return locale.toString(when.date(), QLocale::ShortFormat);
}

}  // namespace lantern::ui::libraryformat
