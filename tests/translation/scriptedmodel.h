#pragma once
// A deterministic stand-in for a translation model, for the pipeline's tests (issue 16: "a scripted
// deterministic model ... that deliberately drops, duplicates and reorders placeholders, answers in the
// wrong language, or repeats itself"). It "translates" English to German word by word from a small
// dictionary, keeping every <gN>/<xN/> token where it stands, and then misbehaves as its Fault says.
// It sees requests through ScriptedProfile, a profile whose prompt carries the request as is, so the
// tests do not depend on any real family's wording.
#include <QString>
#include <QStringList>
#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "translation/translator.h"

namespace lantern::test {

using namespace lantern::translation;

class ScriptedProfile : public Profile {
public:
    std::string_view id() const override { return "scripted"; }
    std::string_view displayName() const override { return "Scripted"; }
    Prompt buildPrompt(const TranslationRequest& request) const override {
        Prompt p;
        p.templateId = "scripted/1";
        p.messages.push_back({"user", request.rewrite == Rewrite::None ? request.text : request.current});
        last = request;
        requests.push_back(request);
        return p;
    }
    std::string cleanOutput(std::string_view raw, const TranslationRequest&) const override {
        std::string s(raw);
        for (std::string_view lead : {"Here is the translation: "})
            if (s.starts_with(lead))
                s.erase(0, lead.size());
        return s;
    }
    mutable TranslationRequest last;
    mutable std::vector<TranslationRequest> requests;
};

enum class Fault {
    None, DropToken, DuplicateToken, CrossTokens, WrongLanguage, WrongScript, Repeat, Echo, Chatter,
    ChatterUncleaned, Empty, Runaway, IgnoreGlossary, MangleTokens, Error,
};

struct ScriptedModel {
    Fault fault = Fault::None;
    bool fixOnStrict = false;  // behave on the strict retry
    int calls = 0;
    std::map<std::string, std::string> extra;  // more dictionary words
    const ScriptedProfile* profile = nullptr;

    static std::string germanWord(const std::string& lowerWord) {
        static const std::map<std::string, std::string> words{
            {"the", "die"}, {"server", "Server"}, {"could", "konnte"}, {"not", "nicht"}, {"open", "öffnen"},
            {"because", "weil"}, {"disk", "Festplatte"}, {"is", "ist"}, {"full", "voll"}, {"delete", "Löschen"},
            {"files", "Dateien"}, {"file", "Datei"}, {"from", "aus"}, {"folder", "Ordner"}, {"please", "bitte"},
            {"run", "führen"}, {"command", "Befehl"}, {"to", "zu"}, {"install", "installieren"}, {"all", "alle"},
            {"packages", "Pakete"}, {"and", "und"}, {"then", "dann"}, {"restart", "Neustart"}, {"your", "Ihren"},
            {"computer", "Rechner"}, {"settings", "Einstellungen"}, {"are", "sind"}, {"saved", "gespeichert"},
            {"automatically", "automatisch"}, {"when", "wenn"}, {"you", "Sie"}, {"close", "schließen"},
            {"window", "Fenster"}, {"this", "dieses"}, {"of", "von"}, {"copied", "kopiert"}, {"in", "in"},
            {"a", "ein"}, {"with", "mit"}, {"new", "neue"}, {"version", "Version"}, {"available", "verfügbar"},
            {"download", "herunterladen"}, {"it", "es"}, {"now", "jetzt"}, {"save", "Speichern"},
            {"changes", "Änderungen"}, {"before", "bevor"}, {"quitting", "Beenden"}, {"account", "Konto"},
            {"password", "Passwort"}, {"user", "Benutzer"}, {"for", "für"}, {"each", "jede"}, {"has", "hat"},
            {"own", "eigene"}, {"model", "Modell"}, {"runs", "läuft"}, {"on", "auf"}, {"machine", "Maschine"},
        };
        auto it = words.find(lowerWord);
        return it == words.end() ? std::string() : it->second;
    }

    std::string translateText(const std::string& text) const {
        // Word by word; tokens, spaces and punctuation kept in place.
        static const std::regex piece(R"(<\/?[gx]\d+\/?>|[A-Za-z]+|[^A-Za-z<]+|<)");
        std::string out;
        for (auto it = std::sregex_iterator(text.begin(), text.end(), piece); it != std::sregex_iterator(); ++it) {
            std::string w = it->str();
            if (std::isalpha(static_cast<unsigned char>(w[0]))) {
                std::string lower = w;
                std::ranges::transform(lower, lower.begin(), [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
                auto e = extra.find(lower);
                std::string g = e != extra.end() ? e->second : germanWord(lower);
                out += g.empty() ? w : g;
            } else {
                out += w;
            }
        }
        return out;
    }

    std::string answer(const TranslationRequest& r) const {
        std::string good = translateText(r.rewrite == Rewrite::None ? r.text : r.current);
        for (const PromptTerm& t : r.terms)  // the glossary says how: the scripted model obeys
            if (fault != Fault::IgnoreGlossary)
                good = std::regex_replace(good, std::regex(translateText(t.source)), t.target);
        if (r.rewrite == Rewrite::Shorter && good.size() > 8)
            good = good.substr(0, good.rfind(' '));
        if (r.seed != 0 && r.rewrite == Rewrite::None)
            good += " (" + std::to_string(r.seed % 3) + ")";
        if (fixOnStrict && r.strict)
            return good;
        switch (fault) {
        case Fault::None: case Fault::IgnoreGlossary: case Fault::Error: return good;
        case Fault::DropToken: return std::regex_replace(good, std::regex(R"(<x1/>)"), "");
        case Fault::DuplicateToken: return std::regex_replace(good, std::regex(R"(<x1/>)"), "<x1/> <x1/>");
        case Fault::CrossTokens: {  // </g1> moved before <g1>
            std::string s = std::regex_replace(good, std::regex(R"(</g1>)"), "");
            return std::regex_replace(s, std::regex(R"(<g1>)"), "</g1><g1>");
        }
        case Fault::WrongLanguage:
            return "Le serveur n'a pas pu ouvrir le fichier parce que le disque est plein, veuillez réessayer plus tard. " +
                   tokensOf(r.text);
        case Fault::WrongScript: return "Сервер не смог открыть файл " + tokensOf(r.text);
        case Fault::Repeat: return good + " voll voll voll voll voll voll voll voll voll voll";
        case Fault::Echo: return r.text;
        case Fault::Chatter: return "Here is the translation: " + good;
        case Fault::ChatterUncleaned: return "Sure! The translation is: " + good;
        case Fault::Empty: return "  ";
        case Fault::Runaway: {
            std::string s = good;
            for (int i = 0; i < 8; ++i)
                s += " Und außerdem gibt es noch viel mehr zu sagen über dieses Thema " + std::to_string(i) + ".";
            return s;
        }
        case Fault::MangleTokens:
            return std::regex_replace(good, std::regex(R"(<x(\d+)/>)"), "< x$1 / >");
        }
        return good;
    }

    static std::string tokensOf(const std::string& text) {
        static const std::regex token(R"(<\/?[gx]\d+\/?>)");
        std::string out;
        for (auto it = std::sregex_iterator(text.begin(), text.end(), token); it != std::sregex_iterator(); ++it)
            out += it->str();
        return out;
    }

    GenerateFn fn() {
        return [this](const Prompt&, const std::function<void(std::string_view)>& onText) -> Result<GenerateOutcome> {
            ++calls;
            if (fault == Fault::Error)
                return fail(Errc::DeviceLost, "The GPU was lost.");
            GenerateOutcome o;
            o.text = answer(profile->last);
            // Streamed in UTF-8-complete pieces of about 5 bytes, as the engine does.
            for (size_t at = 0; at < o.text.size();) {
                size_t end = std::min(o.text.size(), at + 5);
                while (end < o.text.size() && (static_cast<unsigned char>(o.text[end]) & 0xC0) == 0x80)
                    ++end;
                if (onText)
                    onText(std::string_view(o.text).substr(at, end - at));
                at = end;
            }
            o.generatedTokens = static_cast<uint32_t>(o.text.size() / 4 + 1);
            o.milliseconds = 1;
            return o;
        };
    }
};

}  // namespace lantern::test
