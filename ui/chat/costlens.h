#pragma once
// The cost lens (issue 18): what the tokens run on this computer would have cost at a cloud API's public
// prices, per message and per conversation. The table ships as a resource (ui/chat/cloudprices.json: a few
// public per-million-token prices and the date they were read); the user can edit prices and pick the
// reference model, both kept in QSettings under "costLens/". Tokens sent to a remote endpoint are counted
// apart and never called "saved".
#include <QObject>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace lantern::ui {

class CostLens : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Use ChatController.cost")
    // [{name, input, output}] in USD per million tokens.
    Q_PROPERTY(QVariantList prices READ priceList NOTIFY changed)
    // The row whose prices the lens uses.
    Q_PROPERTY(QString reference READ reference WRITE setReference NOTIFY changed)
    // When the shipped prices were read (yyyy-MM-dd), and whether the user changed any.
    Q_PROPERTY(QString readOn READ readOn NOTIFY changed)
    Q_PROPERTY(bool edited READ edited NOTIFY changed)
public:
    struct Price {
        QString name;
        double input = 0;   // USD per million prompt tokens
        double output = 0;  // USD per million generated tokens
    };

    explicit CostLens(QObject* parent = nullptr);

    QVariantList priceList() const;
    QString reference() const { return m_reference; }
    void setReference(const QString& name);
    QString readOn() const { return m_readOn; }
    bool edited() const { return m_edited; }

    // Negative prices are refused (false).
    Q_INVOKABLE bool setPrice(int row, double input, double output);
    Q_INVOKABLE void resetPrices();

    // USD at the reference's prices.
    double cost(qint64 promptTokens, qint64 generatedTokens) const;
    // "$0.0004", "$0.004", "< $0.0001", "$1.25".
    Q_INVOKABLE QString money(double usd) const;
    // "1,240 tokens on this computer ≈ $0.004 saved" ("" when tokens == 0).
    QString localSentence(qint64 promptTokens, qint64 generatedTokens) const;
    // "at GPT-4o mini prices read 2026-12-07"
    QString basis() const;

signals:
    void changed();

private:
    static std::vector<Price> shipped(QString* readOn, QString* reference);
    void save();

    std::vector<Price> m_prices;
    QString m_reference;
    QString m_readOn;
    bool m_edited = false;
};

}  // namespace lantern::ui
