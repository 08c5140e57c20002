#include "ui/chat/costlens.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSettings>

#include <algorithm>

namespace lantern::ui {

namespace {
const QString kPricesKey = QStringLiteral("costLens/prices");
const QString kReferenceKey = QStringLiteral("costLens/reference");

QJsonArray toJson(const std::vector<CostLens::Price>& prices) {
    QJsonArray out;
    for (const auto& p : prices)
        out.append(QJsonObject{{QStringLiteral("name"), p.name},
                               {QStringLiteral("input"), p.input},
                               {QStringLiteral("output"), p.output}});
    return out;
}

std::vector<CostLens::Price> fromJson(const QJsonArray& array) {
    std::vector<CostLens::Price> out;
    for (const QJsonValue& v : array) {
        const QJsonObject o = v.toObject();
        CostLens::Price p{o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("input")).toDouble(-1),
                          o.value(QStringLiteral("output")).toDouble(-1)};
        if (!p.name.isEmpty() && p.input >= 0 && p.output >= 0)
            out.push_back(p);
    }
    return out;
}
}  // namespace

std::vector<CostLens::Price> CostLens::shipped(QString* readOn, QString* reference) {
    QFile file(QStringLiteral(":/lantern/cloudprices.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QJsonObject doc = QJsonDocument::fromJson(file.readAll()).object();
    if (readOn)
        *readOn = doc.value(QStringLiteral("read")).toString();
    if (reference)
        *reference = doc.value(QStringLiteral("default")).toString();
    return fromJson(doc.value(QStringLiteral("prices")).toArray());
}

CostLens::CostLens(QObject* parent) : QObject(parent) {
    QString shippedReference;
    m_prices = shipped(&m_readOn, &shippedReference);
    QSettings settings;
    const QByteArray stored = settings.value(kPricesKey).toByteArray();
    if (!stored.isEmpty()) {
        auto edited = fromJson(QJsonDocument::fromJson(stored).array());
        if (!edited.empty()) {
            m_prices = std::move(edited);
            m_edited = true;
        }
    }
    m_reference = settings.value(kReferenceKey, shippedReference).toString();
}

QVariantList CostLens::priceList() const {
    QVariantList out;
    for (const auto& p : m_prices)
        out.append(QVariantMap{{QStringLiteral("name"), p.name},
                               {QStringLiteral("input"), p.input},
                               {QStringLiteral("output"), p.output}});
    return out;
}

void CostLens::setReference(const QString& name) {
    if (name == m_reference)
        return;
    m_reference = name;
    QSettings().setValue(kReferenceKey, name);
    emit changed();
}

bool CostLens::setPrice(int row, double input, double output) {
    if (row < 0 || size_t(row) >= m_prices.size() || !(input >= 0) || !(output >= 0))
        return false;
    Price& p = m_prices[size_t(row)];
    if (p.input == input && p.output == output)
        return true;
    p.input = input;
    p.output = output;
    m_edited = true;
    save();
    emit changed();
    return true;
}

void CostLens::resetPrices() {
    QString reference;
    m_prices = shipped(&m_readOn, &reference);
    m_edited = false;
    QSettings().remove(kPricesKey);
    emit changed();
}

void CostLens::save() {
    QSettings().setValue(kPricesKey, QJsonDocument(toJson(m_prices)).toJson(QJsonDocument::Compact));
}

double CostLens::cost(qint64 promptTokens, qint64 generatedTokens) const {
    for (const auto& p : m_prices)
        if (p.name == m_reference)
            return (double(promptTokens) * p.input + double(generatedTokens) * p.output) / 1e6;
    if (m_prices.empty())
        return 0;
    const Price& p = m_prices.front();  // the reference was renamed away: the first row stands in
    return (double(promptTokens) * p.input + double(generatedTokens) * p.output) / 1e6;
}

QString CostLens::money(double usd) const {
    const QLocale locale;
    if (usd <= 0)
        return tr("$%1").arg(locale.toString(0));
    if (usd < 0.0001)
        return tr("< $%1").arg(locale.toString(0.0001, 'f', 4));
    const int decimals = usd < 0.01 ? 4 : usd < 1 ? 3 : 2;
    return tr("$%1").arg(locale.toString(usd, 'f', decimals));
}

QString CostLens::localSentence(qint64 promptTokens, qint64 generatedTokens) const {
    const qint64 tokens = promptTokens + generatedTokens;
    if (tokens <= 0)
        return {};
    if (cost(promptTokens, generatedTokens) < 0.0001)
        return tr("%1 tokens on this computer, under %2 saved")
            .arg(QLocale().toString(tokens), tr("$%1").arg(QLocale().toString(0.0001, 'f', 4)));
    return tr("%1 tokens on this computer ≈ %2 saved")
        .arg(QLocale().toString(tokens), money(cost(promptTokens, generatedTokens)));
}

QString CostLens::basis() const {
    QString name = m_reference;
    if (std::none_of(m_prices.begin(), m_prices.end(), [&](const Price& p) { return p.name == name; }))
        name = m_prices.empty() ? QString() : m_prices.front().name;
    return m_edited ? tr("at your %1 prices").arg(name) : tr("at %1 prices read %2").arg(name, m_readOn);
}

}  // namespace lantern::ui
