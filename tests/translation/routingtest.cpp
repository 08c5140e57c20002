// The model routing table: first match wins, base languages match their variants, the settings text
// round-trips and its errors name the line.
#include <QtTest>

#include "translation/routing.h"

using namespace lantern::translation;

class RoutingTest : public QObject {
    Q_OBJECT
private slots:
    void firstMatchWins() {
        auto routes = parseRoutes("# Chinese with Hunyuan, everything else with TranslateGemma\n"
                                  "zh en /m/Hunyuan-MT-7B.gguf\n"
                                  "en zh /m/Hunyuan-MT-7B.gguf\n"
                                  "* * /m/with space/translategemma-4b.gguf   \n");
        QVERIFY(routes.has_value());
        QCOMPARE(routes->size(), size_t(3));
        QCOMPARE(*routeFor(*routes, "zh-Hant", "en"), std::string("/m/Hunyuan-MT-7B.gguf"));
        QCOMPARE(*routeFor(*routes, "en", "zh_CN"), std::string("/m/Hunyuan-MT-7B.gguf"));
        QCOMPARE(*routeFor(*routes, "de", "fr"), std::string("/m/with space/translategemma-4b.gguf"));
        QCOMPARE(*routeFor(*routes, "zhx", "en"), std::string("/m/with space/translategemma-4b.gguf"));  // not zh
        QVERIFY(!routeFor(std::vector<Route>{{"ja", "en", "x"}}, "ko", "en").has_value());
        QCOMPARE(*parseRoutes(printRoutes(*routes)), *routes);
    }
    void errorsNameTheLine() {
        auto bad = parseRoutes("zh en a.gguf\nde\n");
        QVERIFY(!bad);
        QVERIFY(bad.error().detail.find("line 2") != std::string::npos);
        bad = parseRoutes("zh en\n");
        QVERIFY(!bad && bad.error().detail.find("no model") != std::string::npos);
    }
};

namespace lantern::translation {
bool operator==(const Route& a, const Route& b) { return a.from == b.from && a.to == b.to && a.model == b.model; }
}  // namespace lantern::translation

QTEST_GUILESS_MAIN(RoutingTest)
#include "routingtest.moc"
