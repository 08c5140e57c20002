// Chat templates of real models rendered by our interpreter against Python jinja2's rendering of the
// same template and conversation (scripts/golden/text_templates.py, Hugging Face's settings).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <random>

#include "inference/text/chattemplate.h"
#include "tests/support/testenv.h"

using namespace lantern;
using namespace lantern::text;

namespace {

QString templatesDir() { return QString::fromStdString((test::dataDir() / "text/templates").string()); }

std::string readFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(path));
    return f.readAll().toStdString();
}

RenderOptions optionsOf(const QJsonObject& c) {
    RenderOptions o;
    o.addGenerationPrompt = c["add_generation_prompt"].toBool();
    const QJsonObject vars = c["vars"].toObject();
    for (auto it = vars.begin(); it != vars.end(); ++it) {
        const std::string key = it.key().toStdString();
        if (key == "bos_token") o.bosToken = it.value().toString().toStdString();
        else if (key == "eos_token") o.eosToken = it.value().toString().toStdString();
        else if (key == "enable_thinking") o.enableThinking = it.value().toBool();
        else o.extra.set(key, Value(it.value().toString().toStdString()));
    }
    return o;
}

std::vector<ChatTurn> turnsOf(const QJsonObject& c) {
    std::vector<ChatTurn> turns;
    for (const QJsonValue& m : c["messages"].toArray()) {
        turns.push_back({m["role"].toString().toStdString(), m["content"].toString().toStdString()});
    }
    return turns;
}

// Renders every golden case of one template; returns how many were compared.
int checkTemplate(const ChatTemplate& t, const QString& expectedFile) {
    const QJsonArray cases = QJsonDocument::fromJson(QByteArray::fromStdString(readFile(expectedFile))).array();
    int n = 0;
    for (const QJsonValue& v : cases) {
        const QJsonObject c = v.toObject();
        const auto out = t.render(turnsOf(c), optionsOf(c));
        if (c.contains("error")) {
            if (out || out.error().code != Errc::TemplateError) {
                qWarning("%s: case %d should be refused", qPrintable(expectedFile), n);
                return -1;
            }
        } else {
            if (!out) {
                qWarning("%s: case %d: %s", qPrintable(expectedFile), n, out.error().detail.c_str());
                return -1;
            }
            const std::string expected = c["expected"].toString().toStdString();
            if (*out != expected) {
                qWarning("%s: case %d differs\n--- got ---\n%s\n--- expected ---\n%s", qPrintable(expectedFile), n,
                         out->c_str(), expected.c_str());
                return -1;
            }
        }
        ++n;
    }
    return n;
}

Result<std::string> renderSource(std::string_view source, tmpl::Limits limits = {}) {
    auto t = ChatTemplate::parse(source, limits);
    if (!t) return std::unexpected(t.error());
    return t->render({{"user", "hi"}}, {});
}

}  // namespace

class ChatTemplateTest : public QObject {
    Q_OBJECT
private slots:
    void realTemplatesMatchJinja2_data() {
        QTest::addColumn<QString>("name");
        for (const char* n : {"qwen2.5", "qwen3", "llama3.1", "llama3.2", "gemma3", "deepseek-r1", "glm4.6"}) {
            QTest::newRow(n) << QString(n);
        }
    }
    void realTemplatesMatchJinja2() {
        QFETCH(QString, name);
        auto t = ChatTemplate::parse(readFile(templatesDir() + "/" + name + ".jinja"));
        QVERIFY2(t.has_value(), t ? "" : t.error().detail.c_str());
        const int n = checkTemplate(*t, templatesDir() + "/" + name + ".expected.json");
        QVERIFY(n >= 12);
    }

    void qwen3ThinkingSwitch() {
        auto t = ChatTemplate::parse(readFile(templatesDir() + "/qwen3.jinja"));
        QVERIFY(t && t->hasThinkingSwitch());
        RenderOptions off;
        off.enableThinking = false;
        const auto noThink = t->render({{"user", "hi"}}, off);
        QVERIFY(noThink && noThink->ends_with("<|im_start|>assistant\n<think>\n\n</think>\n\n"));
        const auto think = t->render({{"user", "hi"}}, {});
        QVERIFY(think && think->ends_with("<|im_start|>assistant\n"));
    }

    // The built-in Gemma template (for GGUFs without one) renders exactly like Google's template.
    void builtinGemmaEqualsOfficial() {
        auto builtin = ChatTemplate::forModel("", "gemma3");
        QVERIFY(builtin.has_value());
        QVERIFY(checkTemplate(*builtin, templatesDir() + "/gemma3.expected.json") >= 12);
        auto own = ChatTemplate::forModel("{{ 'custom' }}", "gemma3");
        QVERIFY(own && own->render({}, {}).value_or("") == "custom");
    }

    void syntaxErrorsHaveLineAndColumn() {
        auto t = ChatTemplate::parse("line one\n{% if x %}\n  {{ x + }}\n{% endif %}");
        QVERIFY(!t);
        QCOMPARE(t.error().code, Errc::TemplateError);
        QVERIFY2(t.error().detail.find("line 3") != std::string::npos, t.error().detail.c_str());
        auto unclosed = ChatTemplate::parse("{% for m in messages %}{{ m }}");
        QVERIFY(!unclosed && unclosed.error().detail.find("endfor") != std::string::npos);
        auto raised = renderSource("{{ raise_exception('no system role') }}");
        QVERIFY(!raised && raised.error().detail.find("no system role") != std::string::npos);
    }

    void sandboxLimits() {
        tmpl::Limits small;
        small.maxSteps = 100000;
        auto slow = renderSource("{% for i in range(1000) %}{% for j in range(1000) %}{{ j }}{% endfor %}{% endfor %}", small);
        QVERIFY(!slow && slow.error().code == Errc::TemplateError);
        small.maxSteps = 10'000'000;
        small.maxOutput = 1000;
        auto big = renderSource("{{ 'x' * 5000 }}{% for i in range(100) %}{{ 'y' * 100 }}{% endfor %}", small);
        QVERIFY(!big && big.error().detail.find("larger") != std::string::npos);
        auto deep = renderSource("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        QVERIFY(!deep && deep.error().detail.find("nest") != std::string::npos);
    }

    // Damaged templates (random edits of the real ones) fail with an error, never crash or hang.
    void damagedTemplatesFailCleanly() {
        std::mt19937 rng(20261122);
        const std::string alphabet = "{}%#-+|()[]'\" .:,=~!<>0123456789abcxyz\n";
        int parsed = 0, rendered = 0, total = 0;
        for (const char* n : {"qwen3", "llama3.1", "gemma3", "glm4.6", "deepseek-r1"}) {
            const std::string source = readFile(templatesDir() + "/" + n + ".jinja");
            for (int i = 0; i < 150; ++i, ++total) {
                std::string s = source;
                for (int edits = 1 + int(rng() % 4); edits > 0; --edits) {
                    const size_t at = rng() % s.size();
                    switch (rng() % 3) {
                    case 0: s.erase(at, 1 + rng() % 8); break;
                    case 1: s.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
                    default: s[at] = alphabet[rng() % alphabet.size()]; break;
                    }
                }
                tmpl::Limits limits;
                limits.maxSteps = 200000;
                auto t = ChatTemplate::parse(s, limits);
                if (!t) {
                    QCOMPARE(t.error().code, Errc::TemplateError);
                    continue;
                }
                ++parsed;
                auto out = t->render({{"system", "s"}, {"user", "u"}, {"assistant", "a"}, {"user", "v"}}, {});
                if (out) ++rendered;
                else QCOMPARE(out.error().code, Errc::TemplateError);
            }
        }
        qInfo("%d damaged templates: %d parsed, %d rendered", total, parsed, rendered);
    }

    // Expressions outside the real templates, each against the value Python's jinja2 gives.
    void expressions_data() {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("expected");
        QTest::newRow("slice-reverse") << "{{ [1,2,3][::-1] }}|{{ 'abc'[1:] }}" << "[3, 2, 1]|bc";
        QTest::newRow("filters") << "{{ ' a '|trim|upper }}{{ [1,2]|length }}{{ none|default('d') }}" << "A2None";
        QTest::newRow("join-replace") << "{{ ['a','b']|join('-')|replace('-', '+') }}" << "a+b";
        QTest::newRow("tojson") << "{{ {'a': [1, 2.5, true, none], 'b': 'é\"'}|tojson }}" << "{\"a\": [1, 2.5, true, null], \"b\": \"é\\\"\"}";
        QTest::newRow("tojson-indent") << "{{ {'a': 1}|tojson(indent=2) }}" << "{\n  \"a\": 1\n}";
        QTest::newRow("namespace") << "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}" << "3";
        QTest::newRow("scope") << "{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}" << "1";
        QTest::newRow("loop") << "{% for i in 'ab' %}{{ loop.index }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{% endfor %}" << "1TrueFalse22FalseTrue2";
        QTest::newRow("tests") << "{{ x is defined }}{{ none is none }}{{ 'a' is string }}{{ {} is mapping }}{{ 3 is odd }}" << "FalseTrueTrueTrueTrue";
        QTest::newRow("methods") << "{{ ' x\n'.strip() }}{{ 'a,b'.split(',') }}{{ 'abc'.startswith('a') }}{{ 'xxa'.lstrip('x') }}" << "x['a', 'b']Truea";
        QTest::newRow("ops") << "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 2 ** 10 }} {{ 1 / 2 }} {{ 'a' ~ 1 }} {{ 'b' in 'abc' }}" << "3 -4 1 1024 0.5 a1 True";
        QTest::newRow("cond") << "{{ 'y' if 1 > 2 else 'n' }}{{ 'z' if false }}" << "n";
        QTest::newRow("selectattr") << "{{ [{'r': 'a', 'k': 1}, {'r': 'b'}]|selectattr('k')|map(attribute='r')|list }}" << "['a']";
        QTest::newRow("items") << "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }};{% endfor %}" << "a=1;b=2;";
        QTest::newRow("whitespace") << "a  {%- if true -%}  b  {%- endif %}\n  {% if true %}\nc\n  {% endif %}\nd" << "abc\nd";
        QTest::newRow("break") << "{% for i in range(5) %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}" << "01";
        QTest::newRow("set-block") << "{% set s %}x{{ 1 + 1 }}{% endset %}{{ s }}" << "x2";
    }
    void expressions() {
        QFETCH(QString, source);
        QFETCH(QString, expected);
        const auto out = renderSource(source.toStdString());
        QVERIFY2(out.has_value(), out ? "" : out.error().detail.c_str());
        QCOMPARE(QString::fromStdString(*out), expected);
    }
};

QTEST_MAIN(ChatTemplateTest)
#include "chattemplatetest.moc"
