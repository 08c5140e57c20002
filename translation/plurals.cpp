#include "translation/plurals.h"

#include <unicode/locid.h>
#include <unicode/plurrule.h>
#include <unicode/strenum.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <memory>
#include <optional>

#include "base/strformat.h"

namespace lantern::translation::plurals {

namespace {

// Upper bound of the numbers tried for examples and for checking a header's rule.
constexpr uint64_t kExampleLimit = 1000;

struct TableRule {
    std::string_view languages;  // space-separated codes sharing the rule
    size_t forms;
    std::string_view expression;
};

// The conventional gettext rules: gettext's own table (msginit, the manual's "Plural forms") where it
// has the language, else the rule Weblate and Launchpad use, which follows CLDR for integers. Irish
// takes CLDR's five forms (as coreutils' ga.po does) instead of msginit's older three.
constexpr std::array kGettextRules{
    TableRule{"ja zh ko vi th id ms km lo my", 1, "0"},
    TableRule{"en de nl sv da nb nn no fi it es pt el bg hu tr az ka he et eo ca gl eu af sq kk ur ta te ml ne",
              2, "(n != 1)"},
    TableRule{"fr pt_BR fa hi bn", 2, "(n > 1)"},
    TableRule{"ru uk be sr hr bs", 3,
              "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"},
    TableRule{"pl", 3, "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"},
    TableRule{"cs sk", 3, "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2"},
    TableRule{"sl", 4, "(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3)"},
    TableRule{"ro", 3, "n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2"},
    TableRule{"lt", 3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2)"},
    TableRule{"lv", 3, "(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2)"},
    TableRule{"ga", 5, "n==1 ? 0 : n==2 ? 1 : (n>2 && n<7) ? 2 : (n>6 && n<11) ? 3 : 4"},
    TableRule{"ar", 6, "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)"},
    TableRule{"mk", 2, "(n%10==1 && n%100!=11 ? 0 : 1)"},
    TableRule{"is", 2, "(n%10!=1 || n%100==11)"},
};

// Qt Linguist's numerus table (qttools src/linguist/shared/numerus.cpp, the byte-coded rules lrelease
// compiles into .qm files), written as C expressions. Where Qt's gettext strings disagree with its own
// byte rules (Macedonian), the byte rules win: they are what QTranslator evaluates at run time.
constexpr std::array kQtRules{
    TableRule{"bi my zh dz fj gn hu id ja jv ko ms na om fa su tt th bo tr vi yo za", 1, "0"},
    TableRule{"ab aa af sq am as ay az ba eu bn bg ca kw co da nl en eo et fo fi fur fy gl ka de el kl gu ha "
              "he hi ia ie it kn ks kk km rw ky ku lo la ln lb mg ml mr mn ne nso nb no nn oc or ps pt pa qu "
              "rm rn sn sd si so st es sw ss sv tg ta te to ts tn tk ug ur uz vo wo xh yi zu",
              2, "n != 1"},
    TableRule{"hy br fr pt_BR fil tl ti wa", 2, "n > 1"},
    TableRule{"lv", 3, "n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2"},
    TableRule{"is", 2, "n%10==1 && n%100!=11 ? 0 : 1"},
    TableRule{"dv iu ik ga gv mi se sm sa", 3, "n==1 ? 0 : n==2 ? 1 : 2"},
    TableRule{"gd", 4, "n==1 || n==11 ? 0 : n==2 || n==12 ? 1 : n>=3 && n<=19 ? 2 : 3"},
    TableRule{"sk cs", 3, "n==1 ? 0 : n>=2 && n<=4 ? 1 : 2"},
    TableRule{"mk", 3, "n%10==1 ? 0 : n%10==2 ? 1 : 2"},
    TableRule{"lt", 3, "n%10==1 && n%100!=11 ? 0 : n%10!=0 && (n%100<10 || n%100>19) ? 1 : 2"},
    TableRule{"bs be hr ru sr uk", 3,
              "n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>19) ? 1 : 2"},
    TableRule{"pl", 3, "n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>19) ? 1 : 2"},
    TableRule{"ro", 3, "n==1 ? 0 : n==0 || (n%100>=1 && n%100<=19) ? 1 : 2"},
    TableRule{"sl", 4, "n%100==1 ? 0 : n%100==2 ? 1 : n%100>=3 && n%100<=4 ? 2 : 3"},
    TableRule{"mt", 4, "n==1 ? 0 : n==0 || (n%100>=1 && n%100<=10) ? 1 : n%100>=11 && n%100<=19 ? 2 : 3"},
    TableRule{"cy", 5, "n==0 ? 0 : n==1 ? 1 : n>=2 && n<=5 ? 2 : n==6 ? 3 : 4"},
    TableRule{"ar", 6, "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5"},
};

// "pt-BR", "pt_br", "sr@latin", "zh-Hans-CN" -> language "pt" and region "BR" (empty when absent).
struct Tag {
    std::string language;
    std::string region;
};
Tag splitTag(std::string_view tag) {
    tag = tag.substr(0, tag.find_first_of("@."));
    Tag out;
    size_t i = 0;
    int part = 0;
    while (i <= tag.size()) {
        const size_t j = std::min(tag.find_first_of("-_", i), tag.size());
        std::string piece(tag.substr(i, j - i));
        if (part == 0) {
            std::ranges::transform(piece, piece.begin(), [](unsigned char c) { return char(std::tolower(c)); });
            out.language = piece;
        } else if (piece.size() == 2 || (piece.size() == 3 && std::isdigit(static_cast<unsigned char>(piece[0])))) {
            std::ranges::transform(piece, piece.begin(), [](unsigned char c) { return char(std::toupper(c)); });
            out.region = piece;
            break;
        } else if (piece == "Hant" || piece == "hant") {
            out.region = "TW";  // traditional Chinese: the zh_TW conventions
        }
        ++part;
        i = j + 1;
    }
    return out;
}

bool listed(std::string_view list, std::string_view code) {
    size_t i = 0;
    while (i < list.size()) {
        const size_t j = std::min(list.find(' ', i), list.size());
        if (list.substr(i, j - i) == code)
            return true;
        i = j + 1;
    }
    return false;
}

template <size_t N>
const TableRule* lookup(const std::array<TableRule, N>& table, std::string_view language) {
    const Tag tag = splitTag(language);
    // The regional entry first (pt_BR), then the language (pt).
    for (const std::string& code : {tag.language + "_" + tag.region, tag.language}) {
        for (const TableRule& rule : table)
            if (listed(rule.languages, code))
                return &rule;
    }
    return nullptr;
}

// ---- The plural expression: a small C-expression evaluator (recursive descent, unsigned long arithmetic
// as gettext's own evaluator uses).

class Evaluator {
public:
    Evaluator(std::string_view text, uint64_t n) : m_text(text), m_n(n) {}

    Result<uint64_t> run() {
        Result<uint64_t> value = ternary();
        if (!value)
            return value;
        skipSpace();
        if (m_at != m_text.size())
            return error("an operator or the end of the expression");
        return value;
    }

private:
    using R = Result<uint64_t>;

    std::unexpected<Error> error(std::string_view expected) const {
        const std::string found = m_at < m_text.size() ? format("'{}'", m_text.substr(m_at, 8)) : "the end";
        return fail(Errc::FormatInvalid, format("plural expression \"{}\", column {}: expected {}, found {}",
                                                m_text, m_at + 1, expected, found));
    }
    void skipSpace() {
        while (m_at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_at])))
            ++m_at;
    }
    bool take(std::string_view op) {
        skipSpace();
        if (m_text.substr(m_at, op.size()) != op)
            return false;
        // "<" must not match the start of "<=", "!" not "!=", "=" alone is no operator of ours.
        if (op.size() == 1 && m_at + 1 < m_text.size() && m_text[m_at + 1] == '=' && op != "=")
            return false;
        if ((op == "|" || op == "&") && m_at + 1 < m_text.size() && m_text[m_at + 1] == op[0])
            return false;
        m_at += op.size();
        return true;
    }

    R ternary() {
        if (++m_depth > 200)
            return error("a shallower expression (over 200 levels of nesting)");
        R cond = logicalOr();
        if (cond && take("?")) {
            R yes = ternary();
            if (!yes)
                return yes;
            if (!take(":"))
                return error("':' of the conditional");
            R no = ternary();
            if (!no)
                return no;
            cond = *cond ? *yes : *no;
        }
        --m_depth;
        return cond;
    }
    R logicalOr() {
        R left = logicalAnd();
        while (left && take("||")) {
            R right = logicalAnd();
            if (!right)
                return right;
            left = uint64_t(*left || *right);
        }
        return left;
    }
    R logicalAnd() {
        R left = equality();
        while (left && take("&&")) {
            R right = equality();
            if (!right)
                return right;
            left = uint64_t(*left && *right);
        }
        return left;
    }
    R equality() {
        R left = relational();
        while (left) {
            const bool eq = take("==");
            if (!eq && !take("!="))
                break;
            R right = relational();
            if (!right)
                return right;
            left = uint64_t(eq ? *left == *right : *left != *right);
        }
        return left;
    }
    R relational() {
        R left = additive();
        while (left) {
            int op = take("<=") ? 0 : take(">=") ? 1 : take("<") ? 2 : take(">") ? 3 : -1;
            if (op < 0)
                break;
            R right = additive();
            if (!right)
                return right;
            const uint64_t a = *left, b = *right;
            left = uint64_t(op == 0 ? a <= b : op == 1 ? a >= b : op == 2 ? a < b : a > b);
        }
        return left;
    }
    R additive() {
        R left = multiplicative();
        while (left) {
            const bool plus = take("+");
            if (!plus && !take("-"))
                break;
            R right = multiplicative();
            if (!right)
                return right;
            left = plus ? *left + *right : *left - *right;
        }
        return left;
    }
    R multiplicative() {
        R left = unary();
        while (left) {
            const int op = take("*") ? 0 : take("/") ? 1 : take("%") ? 2 : -1;
            if (op < 0)
                break;
            const size_t at = m_at;
            R right = unary();
            if (!right)
                return right;
            if (op != 0 && *right == 0) {
                m_at = at;
                return fail(Errc::FormatInvalid,
                            format("plural expression \"{}\", column {}: division by zero for n = {}", m_text,
                                   at + 1, m_n));
            }
            left = op == 0 ? *left * *right : op == 1 ? *left / *right : *left % *right;
        }
        return left;
    }
    R unary() {
        if (take("!")) {
            R v = unary();
            return v ? R(uint64_t(!*v)) : v;
        }
        if (take("-")) {
            R v = unary();
            return v ? R(0 - *v) : v;
        }
        if (take("+"))
            return unary();
        return primary();
    }
    R primary() {
        skipSpace();
        if (take("(")) {
            R v = ternary();
            if (v && !take(")"))
                return error("')'");
            return v;
        }
        if (m_at < m_text.size() && m_text[m_at] == 'n' &&
            (m_at + 1 == m_text.size() || !std::isalnum(static_cast<unsigned char>(m_text[m_at + 1])))) {
            ++m_at;
            return m_n;
        }
        uint64_t value = 0;
        const char* begin = m_text.data() + m_at;
        const auto [end, ec] = std::from_chars(begin, m_text.data() + m_text.size(), value);
        if (ec != std::errc() || end == begin)
            return error("n, a number or '('");
        m_at += size_t(end - begin);
        return value;
    }

    std::string_view m_text;
    uint64_t m_n;
    size_t m_at = 0;
    int m_depth = 0;
};

// Per form, the smallest n in 0..kExampleLimit that selects it. A form no integer reaches keeps 0: a
// header may declare one (the rule is still usable), and 0 is the number prompts can always show.
Result<std::vector<uint64_t>> examplesFor(std::string_view expression, size_t forms) {
    std::vector<uint64_t> examples(forms, 0);
    std::vector<bool> seen(forms, false);
    for (uint64_t n = 0; n <= kExampleLimit; ++n) {
        Result<uint64_t> form = Evaluator(expression, n).run();
        if (!form)
            return std::unexpected(form.error());
        if (*form >= forms)
            return fail(Errc::FormatInvalid, format("plural expression \"{}\" gives form {} for n = {}, but "
                                                    "nplurals is {} (forms 0 to {})",
                                                    expression, *form, n, forms, forms - 1));
        if (!seen[*form]) {
            seen[*form] = true;
            examples[*form] = n;
        }
    }
    return examples;
}

Rule fromTable(const TableRule& entry) {
    Rule rule;
    rule.forms = entry.forms;
    rule.expression = std::string(entry.expression);
    // The table's rules are tested to evaluate for every n; a failure here would be a bad table entry.
    rule.examples = examplesFor(rule.expression, rule.forms).value_or(std::vector<uint64_t>(rule.forms, 1));
    return rule;
}

std::string trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';'))
        s.remove_suffix(1);
    return std::string(s);
}

}  // namespace

Rule gettextRule(std::string_view language) {
    static const TableRule kEnglish{"en", 2, "(n != 1)"};
    const TableRule* entry = lookup(kGettextRules, language);
    return fromTable(entry ? *entry : kEnglish);
}

Result<Rule> parsePluralForms(std::string_view header) {
    const size_t np = header.find("nplurals");
    const size_t pl = header.find("plural", np == std::string_view::npos ? 0 : np + 8);
    if (np == std::string_view::npos || pl == std::string_view::npos)
        return fail(Errc::FormatInvalid,
                    format("Plural-Forms \"{}\": expected \"nplurals=N; plural=EXPRESSION;\"", header));
    std::string_view count = header.substr(np + 8, pl - np - 8);
    const size_t eq = count.find('=');
    const std::string number = eq == std::string_view::npos ? std::string() : trim(count.substr(eq + 1));
    size_t forms = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), forms);
    if (number.empty() || ec != std::errc() || end != number.data() + number.size() || forms == 0 || forms > 100)
        return fail(Errc::FormatInvalid,
                    format("Plural-Forms \"{}\": nplurals must be a number from 1 to 100, found \"{}\"", header,
                           number));
    std::string_view rest = header.substr(pl + 6);
    const size_t eq2 = rest.find('=');
    if (eq2 == std::string_view::npos || !trim(rest.substr(0, eq2)).empty())
        return fail(Errc::FormatInvalid, format("Plural-Forms \"{}\": expected '=' after plural", header));
    rest = rest.substr(eq2 + 1);
    rest = rest.substr(0, rest.find(';'));
    Rule rule;
    rule.forms = forms;
    rule.expression = trim(rest);
    if (rule.expression.empty())
        return fail(Errc::FormatInvalid, format("Plural-Forms \"{}\": the plural expression is empty", header));
    Result<std::vector<uint64_t>> examples = examplesFor(rule.expression, forms);
    if (!examples)
        return std::unexpected(examples.error());
    rule.examples = std::move(*examples);
    return rule;
}

Result<size_t> evaluate(std::string_view expression, uint64_t n) {
    Result<uint64_t> v = Evaluator(expression, n).run();
    if (!v)
        return std::unexpected(v.error());
    return size_t(*v);
}

Rule qtNumerusRule(std::string_view language) {
    // Languages missing from Qt's table get English-style forms, as lrelease does.
    static const TableRule kEnglish{"en", 2, "n != 1"};
    const TableRule* entry = lookup(kQtRules, language);
    return fromTable(entry ? *entry : kEnglish);
}

std::vector<std::pair<std::string, uint64_t>> cldrCategories(std::string_view language) {
    // ICU carries CLDR's plurals.xml; its rules are the ones Android's resources and lint use.
    const Tag tag = splitTag(language);
    const std::string name = tag.region.empty() ? tag.language : tag.language + "_" + tag.region;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::PluralRules> rules(icu::PluralRules::forLocale(icu::Locale(name.c_str()), status));
    if (U_FAILURE(status) || !rules)
        return {{"one", 1}, {"other", 2}};
    std::unique_ptr<icu::StringEnumeration> keywords(rules->getKeywords(status));
    std::vector<std::string> present;
    if (keywords) {
        while (const char* k = keywords->next(nullptr, status))
            present.emplace_back(k);
    }
    std::vector<std::pair<std::string, uint64_t>> out;
    for (std::string_view category : {"zero", "one", "two", "few", "many", "other"}) {
        if (std::ranges::find(present, category) == present.end())
            continue;
        const icu::UnicodeString keyword(category.data(), int32_t(category.size()), icu::UnicodeString::kInvariant);
        std::optional<uint64_t> example;
        // Integers first (0..1000, then powers of ten: French "many" starts at a million).
        for (uint64_t n = 0; n <= kExampleLimit && !example; ++n)
            if (rules->select(int32_t(n)) == keyword)
                example = n;
        for (uint64_t n = 10000; n <= 1'000'000'000 && !example; n *= 10)
            if (rules->select(double(n)) == keyword)
                example = n;
        out.emplace_back(std::string(category), example.value_or(std::numeric_limits<uint64_t>::max()));
    }
    // A category only fractions take (Russian, Polish, Ukrainian "other": 1.5) has no integer to show; it
    // gets the "few" example, the form such languages' fractions are closest to in print.
    for (auto& [category, n] : out) {
        if (n != std::numeric_limits<uint64_t>::max())
            continue;
        const auto few = std::ranges::find_if(out, [](const auto& c) { return c.first == "few"; });
        n = few != out.end() ? few->second : 2;
    }
    return out;
}

}  // namespace lantern::translation::plurals
