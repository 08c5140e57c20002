// The pre-tokenizer expressions: all compile under PCRE2 (UTF + UCP), words always rebuild the input,
// unknown names are refused. Their exact splits are covered by the tokenizer tests against llama.cpp.
#include <QtTest>

#include "inference/text/pretokenizer.h"

using lantern::text::PreTokenizer;

class PreTokenizerTest : public QObject {
    Q_OBJECT
private slots:
    void everyKnownNameCompilesAndRebuildsText() {
        const std::string text = "Hello,  world! It's 2024-11-22: 12345 apples\n\n\t 你好世界 مرحبا 😀 x\xff\xfe y   ";
        for (const char* name : {"default", "llama3", "llama-bpe", "qwen2", "qwen35", "gpt-2", "starcoder", "falcon",
                                 "deepseek-llm", "deepseek-coder", "deepseek-v3", "glm4", "chatglm-bpe", "olmo"}) {
            QVERIFY2(PreTokenizer::known(name), name);
            auto pre = PreTokenizer::create(name);
            QVERIFY2(pre.has_value(), pre ? name : pre.error().detail.c_str());
            std::string joined;
            size_t words = 0;
            for (std::string_view w : pre->split(text)) {
                QVERIFY(!w.empty());
                joined += w;
                ++words;
            }
            QCOMPARE(joined, text);
            QVERIFY2(words > 10, name);
        }
    }

    void unknownNameIsAnError() {
        QVERIFY(!PreTokenizer::known("no-such-pre"));
        QVERIFY(!PreTokenizer::create("no-such-pre").has_value());
    }
};

QTEST_MAIN(PreTokenizerTest)
#include "pretokenizertest.moc"
