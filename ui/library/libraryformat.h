#pragma once
// How the model library says sizes, speeds, times left and dates, in the user's locale (QLocale()).
#include <QDateTime>
#include <QString>

namespace lantern::ui::libraryformat {

QString bytes(qint64 bytes);           // "4.9 GiB"; "" when negative (unknown)
QString speed(double bytesPerSecond);  // "12.3 MiB/s"; "" when 0
QString timeLeft(int seconds);         // "About 3 minutes left"; "" when unknown
QString parameters(quint64 count);     // "8.2B parameters"; "" when 0
// "Today, 14:32", "Yesterday", "3 days ago", else the locale's short date; "Never" when invalid.
QString relativeDate(const QDateTime& when, const QDateTime& now = QDateTime::currentDateTime());

}  // namespace lantern::ui::libraryformat
