#include "inference/text/templateparser.h"

#include <cctype>
#include <charconv>

namespace lantern::text::tmpl {

namespace {

// Thrown inside the parser only; parseTemplate turns it into a Result.
struct SyntaxError {
    std::string message;
    int line;
    int column;
};

struct Token {
    enum class Type { Text, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Number, Op, End };
    Type type = Type::End;
    std::string value;
    int line = 1;
    int column = 1;
};

class Lexer {
public:
    explicit Lexer(std::string_view src) : m_src(src) {}

    std::vector<Token> run() {
        while (m_pos < m_src.size()) {
            const size_t open = findTag(m_pos);
            if (open == std::string_view::npos) {
                pushText(m_pos, m_src.size());
                break;
            }
            pushText(m_pos, open);
            const char kind = m_src[open + 1];
            const char marker = open + 2 < m_src.size() ? m_src[open + 2] : '\0';
            if (marker == '-') {
                rstripLastText();
            } else if (kind != '{' && marker != '+') {
                lstripBlock();
            }
            advanceTo(open + 2 + ((marker == '-' || marker == '+') ? 1 : 0));
            if (kind == '#') {
                comment();
            } else {
                tag(kind == '{');
            }
        }
        m_tokens.push_back({Token::Type::End, {}, m_line, m_col});
        return std::move(m_tokens);
    }

private:
    size_t findTag(size_t from) const {
        for (size_t p = m_src.find('{', from); p != std::string_view::npos; p = m_src.find('{', p + 1)) {
            if (p + 1 < m_src.size() && (m_src[p + 1] == '{' || m_src[p + 1] == '%' || m_src[p + 1] == '#')) {
                return p;
            }
        }
        return std::string_view::npos;
    }

    void advanceTo(size_t pos) {
        for (; m_pos < pos; ++m_pos) {
            if (m_src[m_pos] == '\n') {
                ++m_line;
                m_col = 1;
            } else {
                ++m_col;
            }
        }
    }

    void pushText(size_t from, size_t to) {
        std::string text(m_src.substr(from, to - from));
        if (m_lstripNext) {
            const size_t first = text.find_first_not_of(" \t\r\n");
            text.erase(0, first == std::string::npos ? text.size() : first);
            m_lstripNext = false;
        }
        Token t{Token::Type::Text, std::move(text), m_line, m_col};
        m_lastTextAtLineStart = from == 0 || m_src[from - 1] == '\n';
        advanceTo(to);
        m_tokens.push_back(std::move(t));
    }

    void rstripLastText() {
        if (!m_tokens.empty() && m_tokens.back().type == Token::Type::Text) {
            std::string& t = m_tokens.back().value;
            const size_t last = t.find_last_not_of(" \t\r\n");
            t.erase(last == std::string::npos ? 0 : last + 1);
        }
    }

    // lstrip_blocks: spaces and tabs between the start of a line and a block tag go away.
    void lstripBlock() {
        if (m_tokens.empty() || m_tokens.back().type != Token::Type::Text) {
            return;
        }
        std::string& t = m_tokens.back().value;
        const size_t nl = t.rfind('\n');
        const size_t lineStart = nl == std::string::npos ? 0 : nl + 1;
        if (nl == std::string::npos && !m_lastTextAtLineStart) {
            return;
        }
        if (t.find_first_not_of(" \t", lineStart) == std::string::npos) {
            t.erase(lineStart);
        }
    }

    // trim_blocks: the first newline after a block or comment tag goes away; "-" strips all whitespace.
    void afterTag(char marker, bool isBlock) {
        if (marker == '-') {
            m_lstripNext = true;
        } else if (isBlock && marker != '+' && m_pos < m_src.size() && m_src[m_pos] == '\n') {
            advanceTo(m_pos + 1);
        }
    }

    void comment() {
        const size_t end = m_src.find("#}", m_pos);
        if (end == std::string_view::npos) {
            throw SyntaxError{"unterminated comment", m_line, m_col};
        }
        const char marker = end > m_pos && (m_src[end - 1] == '-' || m_src[end - 1] == '+') ? m_src[end - 1] : '\0';
        advanceTo(end + 2);
        afterTag(marker, true);
    }

    void tag(bool isVar) {
        m_tokens.push_back({isVar ? Token::Type::VarBegin : Token::Type::BlockBegin, {}, m_line, m_col});
        const char closer = isVar ? '}' : '%';
        while (true) {
            while (m_pos < m_src.size() && std::isspace(static_cast<unsigned char>(m_src[m_pos]))) {
                advanceTo(m_pos + 1);
            }
            if (m_pos >= m_src.size()) {
                throw SyntaxError{"unterminated tag", m_line, m_col};
            }
            const std::string_view rest = m_src.substr(m_pos);
            char marker = '\0';
            size_t endLen = 0;
            if ((rest.starts_with("-") || rest.starts_with("+")) && rest.size() >= 3 && rest[1] == closer && rest[2] == '}') {
                marker = rest[0];
                endLen = 3;
            } else if (rest.size() >= 2 && rest[0] == closer && rest[1] == '}') {
                endLen = 2;
            }
            if (endLen) {
                m_tokens.push_back({isVar ? Token::Type::VarEnd : Token::Type::BlockEnd, {}, m_line, m_col});
                advanceTo(m_pos + endLen);
                afterTag(marker, !isVar);
                return;
            }
            m_tokens.push_back(lexToken(rest));
        }
    }

    Token lexToken(std::string_view rest) {
        Token t{Token::Type::Op, {}, m_line, m_col};
        const char c = rest[0];
        size_t len = 0;
        if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
            while (len < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[len])) || rest[len] == '_')) ++len;
            t.type = Token::Type::Name;
            t.value = rest.substr(0, len);
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            while (len < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[len])) || rest[len] == '.' || rest[len] == '_')) {
                if (rest[len] == '.' && (len + 1 >= rest.size() || !std::isdigit(static_cast<unsigned char>(rest[len + 1])))) break;
                ++len;
            }
            t.type = Token::Type::Number;
            t.value = rest.substr(0, len);
        } else if (c == '\'' || c == '"') {
            t.type = Token::Type::String;
            len = 1;
            while (len < rest.size() && rest[len] != c) {
                if (rest[len] == '\\' && len + 1 < rest.size()) {
                    const char e = rest[len + 1];
                    t.value += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
                    len += 2;
                } else {
                    t.value += rest[len++];
                }
            }
            if (len >= rest.size()) throw SyntaxError{"unterminated string", m_line, m_col};
            ++len;
        } else {
            static constexpr std::string_view kOps[] = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~",
                                                        "<",  ">",  "(",  ")",  "[",  "]",  "{", "}", ",", ".", ":", "|", "="};
            for (std::string_view op : kOps) {
                if (rest.starts_with(op)) {
                    len = op.size();
                    t.value = op;
                    break;
                }
            }
            if (!len) throw SyntaxError{std::string("unexpected character '") + c + "'", m_line, m_col};
        }
        advanceTo(m_pos + len);
        return t;
    }

    std::string_view m_src;
    size_t m_pos = 0;
    int m_line = 1;
    int m_col = 1;
    bool m_lstripNext = false;
    bool m_lastTextAtLineStart = true;
    std::vector<Token> m_tokens;
};


// How deep a template may nest: blocks inside blocks and parentheses, lists or unary operators inside each other
// (the parser recurses on each), and how tall one expression tree may grow ("a ~ b ~ c ..." chains, ".x.y.z"
// lookups; the interpreter recurses on each level). Real chat templates stay under ten; a hostile one that
// nests deeper is a syntax error instead of a stack overflow.
constexpr int kMaxNesting = 100;
constexpr int kMaxHeight = 256;

class Parser {
public:
    explicit Parser(std::vector<Token> tokens) : m_t(std::move(tokens)) {}

    Body parseAll() {
        std::string end;
        Body body = parseBody({}, end);
        if (!end.empty()) error("unexpected {% " + end + " %}");
        return body;
    }

private:
    const Token& peek(size_t ahead = 0) const { return m_t[std::min(m_i + ahead, m_t.size() - 1)]; }
    const Token& next() { return m_t[std::min(m_i++, m_t.size() - 1)]; }
    [[noreturn]] void error(const std::string& message) const {
        throw SyntaxError{message, peek().line, peek().column};
    }
    // One level of the parser's recursion, refused past kMaxNesting.
    struct Nested {
        explicit Nested(Parser& p) : parser(p) {
            if (++parser.m_nesting > kMaxNesting) {
                parser.error("the template nests more than " + std::to_string(kMaxNesting) + " levels deep");
            }
        }
        ~Nested() { --parser.m_nesting; }
        Nested(const Nested&) = delete;
        Nested& operator=(const Nested&) = delete;
        Parser& parser;
    };
    // Sets e's height from its children, refused past kMaxHeight.
    ExprPtr measured(ExprPtr e) const {
        int h = 0;
        for (const ExprPtr& c : e->children) {
            if (c) h = std::max(h, c->height);
        }
        for (const auto& kw : e->kwargs) {
            if (kw.second) h = std::max(h, kw.second->height);
        }
        e->height = h + 1;
        if (e->height > kMaxHeight) {
            error("an expression is more than " + std::to_string(kMaxHeight) + " levels deep");
        }
        return e;
    }
    bool isOp(std::string_view op, size_t ahead = 0) const {
        return peek(ahead).type == Token::Type::Op && peek(ahead).value == op;
    }
    bool isName(std::string_view name, size_t ahead = 0) const {
        return peek(ahead).type == Token::Type::Name && peek(ahead).value == name;
    }
    void expectOp(std::string_view op) {
        if (!isOp(op)) error("expected '" + std::string(op) + "'");
        ++m_i;
    }
    void expectName(std::string_view name) {
        if (!isName(name)) error("expected '" + std::string(name) + "'");
        ++m_i;
    }
    std::string name() {
        if (peek().type != Token::Type::Name) error("expected a name");
        return next().value;
    }
    void expectBlockEnd() {
        if (peek().type != Token::Type::BlockEnd) error("expected '%}'");
        ++m_i;
    }
    template <class T>
    std::unique_ptr<T> make(typename T::Kind kind) const {
        auto n = std::make_unique<T>();
        n->kind = kind;
        n->line = peek().line;
        n->column = peek().column;
        return n;
    }

    // Parses nodes until a block tag named in `ends` (left unconsumed after its name) or the end.
    Body parseBody(std::initializer_list<std::string_view> ends, std::string& endFound) {
        const Nested nested(*this);
        Body body;
        while (true) {
            const Token& t = peek();
            if (t.type == Token::Type::End) {
                if (ends.size()) error("missing {% " + std::string(*(ends.end() - 1)) + " %}");
                return body;
            }
            if (t.type == Token::Type::Text) {
                auto n = make<Node>(Node::Kind::Text);
                n->text = next().value;
                if (!n->text.empty()) body.push_back(std::move(n));
            } else if (t.type == Token::Type::VarBegin) {
                ++m_i;
                auto n = make<Node>(Node::Kind::Output);
                n->expr = parseExpr();
                if (peek().type != Token::Type::VarEnd) error("expected '}}'");
                ++m_i;
                body.push_back(std::move(n));
            } else if (t.type == Token::Type::BlockBegin) {
                const std::string& keyword = peek(1).value;
                for (std::string_view e : ends) {
                    if (keyword == e) {
                        m_i += 2;
                        endFound = keyword;
                        return body;
                    }
                }
                ++m_i;
                if (NodePtr n = parseStatement()) body.push_back(std::move(n));
            } else {
                error("unexpected token");
            }
        }
    }

    NodePtr parseStatement() {
        const std::string keyword = name();
        std::string end;
        if (keyword == "if") {
            auto n = make<Node>(Node::Kind::If);
            ExprPtr cond = parseExpr();
            while (true) {
                expectBlockEnd();
                Body b = parseBody({"elif", "else", "endif"}, end);
                n->branches.emplace_back(std::move(cond), std::move(b));
                if (end == "endif") break;
                cond = end == "elif" ? parseExpr() : nullptr;
                if (end == "else") {
                    expectBlockEnd();
                    n->branches.emplace_back(nullptr, parseBody({"endif"}, end));
                    break;
                }
            }
            expectBlockEnd();
            return n;
        }
        if (keyword == "for") {
            auto n = make<Node>(Node::Kind::For);
            n->targets.push_back(name());
            while (isOp(",")) {
                ++m_i;
                n->targets.push_back(name());
            }
            expectName("in");
            n->expr = parseOr();
            if (isName("if")) {
                ++m_i;
                n->filter = parseOr();
            }
            if (isName("recursive")) error("recursive loops are not supported");
            expectBlockEnd();
            n->body = parseBody({"else", "endfor"}, end);
            if (end == "else") {
                expectBlockEnd();
                n->elseBody = parseBody({"endfor"}, end);
            }
            expectBlockEnd();
            return n;
        }
        if (keyword == "set") {
            auto n = make<Node>(Node::Kind::Set);
            n->targets.push_back(name());
            if (isOp(".")) {
                ++m_i;
                n->attribute = name();
            }
            if (peek().type == Token::Type::BlockEnd) {
                ++m_i;
                n->kind = Node::Kind::SetBlock;
                n->body = parseBody({"endset"}, end);
                expectBlockEnd();
                return n;
            }
            expectOp("=");
            n->expr = parseExpr();
            expectBlockEnd();
            return n;
        }
        if (keyword == "macro") {
            auto n = make<Node>(Node::Kind::Macro);
            n->targets.push_back(name());
            expectOp("(");
            while (!isOp(")")) {
                std::string param = name();
                ExprPtr def;
                if (isOp("=")) {
                    ++m_i;
                    def = parseExpr();
                }
                n->params.emplace_back(std::move(param), std::move(def));
                if (!isOp(")")) expectOp(",");
            }
            ++m_i;
            expectBlockEnd();
            n->body = parseBody({"endmacro"}, end);
            expectBlockEnd();
            return n;
        }
        if (keyword == "break" || keyword == "continue") {
            auto n = make<Node>(keyword == "break" ? Node::Kind::Break : Node::Kind::Continue);
            expectBlockEnd();
            return n;
        }
        if (keyword == "generation" || keyword == "endgeneration") {  // training markers: no output
            expectBlockEnd();
            return nullptr;
        }
        m_i -= 1;
        error("unsupported tag '" + keyword + "'");
    }

    ExprPtr binary(std::string op, ExprPtr l, ExprPtr r) const {
        auto e = make<Expr>(Expr::Kind::Binary);
        e->name = std::move(op);
        e->children.push_back(std::move(l));
        e->children.push_back(std::move(r));
        return measured(std::move(e));
    }

    ExprPtr parseExpr() {
        const Nested nested(*this);
        ExprPtr value = parseOr();
        if (!isName("if")) return measured(std::move(value));
        ++m_i;
        auto e = make<Expr>(Expr::Kind::Cond);
        e->children.push_back(std::move(value));
        e->children.push_back(parseOr());
        if (isName("else")) {
            ++m_i;
            e->children.push_back(parseExpr());
        }
        return measured(std::move(e));
    }
    ExprPtr parseOr() {
        ExprPtr l = parseAnd();
        while (isName("or")) {
            ++m_i;
            l = binary("or", std::move(l), parseAnd());
        }
        return l;
    }
    ExprPtr parseAnd() {
        ExprPtr l = parseNot();
        while (isName("and")) {
            ++m_i;
            l = binary("and", std::move(l), parseNot());
        }
        return l;
    }
    ExprPtr parseNot() {
        if (!isName("not")) return parseCompare();
        const Nested nested(*this);
        auto e = make<Expr>(Expr::Kind::Unary);
        ++m_i;
        e->name = "not";
        e->children.push_back(parseNot());
        return measured(std::move(e));
    }
    ExprPtr parseCompare() {
        ExprPtr l = parseMath1();
        while (true) {
            if (peek().type == Token::Type::Op &&
                (isOp("==") || isOp("!=") || isOp("<") || isOp(">") || isOp("<=") || isOp(">="))) {
                std::string op = next().value;
                l = binary(op, std::move(l), parseMath1());
            } else if (isName("in")) {
                ++m_i;
                l = binary("in", std::move(l), parseMath1());
            } else if (isName("not") && isName("in", 1)) {
                m_i += 2;
                l = binary("not in", std::move(l), parseMath1());
            } else {
                return l;
            }
        }
    }
    ExprPtr parseMath1() {
        ExprPtr l = parseConcat();
        while (isOp("+") || isOp("-")) {
            std::string op = next().value;
            l = binary(op, std::move(l), parseConcat());
        }
        return l;
    }
    ExprPtr parseConcat() {
        ExprPtr l = parseMath2();
        while (isOp("~")) {
            ++m_i;
            l = binary("~", std::move(l), parseMath2());
        }
        return l;
    }
    ExprPtr parseMath2() {
        ExprPtr l = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            std::string op = next().value;
            l = binary(op, std::move(l), parsePow());
        }
        return l;
    }
    ExprPtr parsePow() {
        ExprPtr l = parseUnary(true);
        while (isOp("**")) {
            ++m_i;
            l = binary("**", std::move(l), parseUnary(true));
        }
        return l;
    }
    ExprPtr parseUnary(bool withFilter) {
        ExprPtr e;
        if (isOp("-") || isOp("+")) {
            const Nested nested(*this);
            e = make<Expr>(Expr::Kind::Unary);
            e->name = next().value;
            e->children.push_back(parseUnary(false));
        } else {
            e = parsePostfix(parsePrimary());
        }
        if (withFilter) e = parseFilters(std::move(e));
        return measured(std::move(e));
    }

    ExprPtr parsePrimary() {
        const Token& t = peek();
        auto e = make<Expr>(Expr::Kind::Literal);
        if (t.type == Token::Type::Name) {
            const std::string n = next().value;
            if (n == "true" || n == "True") e->value = Value(true);
            else if (n == "false" || n == "False") e->value = Value(false);
            else if (n == "none" || n == "None") e->value = Value::none();
            else {
                e->kind = Expr::Kind::Name;
                e->name = n;
            }
        } else if (t.type == Token::Type::String) {
            std::string s;
            while (peek().type == Token::Type::String) s += next().value;  // "a" "b" concatenates
            e->value = Value(std::move(s));
        } else if (t.type == Token::Type::Number) {
            std::string digits;
            for (char c : next().value) if (c != '_') digits += c;
            if (digits.find('.') != std::string::npos) {
                e->value = Value(std::stod(digits));
            } else {
                int64_t v = 0;
                std::from_chars(digits.data(), digits.data() + digits.size(), v);
                e->value = Value(v);
            }
        } else if (isOp("(")) {
            ++m_i;
            ExprPtr inner = parseExpr();
            if (isOp(",")) {  // a tuple: treated as a list
                e->kind = Expr::Kind::List;
                e->children.push_back(std::move(inner));
                while (isOp(",")) {
                    ++m_i;
                    if (isOp(")")) break;
                    e->children.push_back(parseExpr());
                }
                inner = std::move(e);
            }
            expectOp(")");
            return inner;
        } else if (isOp("[")) {
            ++m_i;
            e->kind = Expr::Kind::List;
            while (!isOp("]")) {
                e->children.push_back(parseExpr());
                if (!isOp("]")) expectOp(",");
            }
            ++m_i;
        } else if (isOp("{")) {
            ++m_i;
            e->kind = Expr::Kind::Dict;
            while (!isOp("}")) {
                e->children.push_back(parseExpr());
                expectOp(":");
                e->children.push_back(parseExpr());
                if (!isOp("}")) expectOp(",");
            }
            ++m_i;
        } else {
            error("expected an expression");
        }
        return e;
    }

    void parseCallArgs(Expr& e) {
        expectOp("(");
        while (!isOp(")")) {
            if (peek().type == Token::Type::Name && isOp("=", 1)) {
                std::string key = next().value;
                ++m_i;
                e.kwargs.emplace_back(std::move(key), parseExpr());
            } else {
                e.children.push_back(parseExpr());
            }
            if (!isOp(")")) expectOp(",");
        }
        ++m_i;
    }

    ExprPtr parsePostfix(ExprPtr e) {
        while (true) {
            if (isOp(".")) {
                ++m_i;
                auto a = make<Expr>(Expr::Kind::Attr);
                a->name = name();
                a->children.push_back(std::move(e));
                e = measured(std::move(a));
            } else if (isOp("[")) {
                ++m_i;
                auto s = make<Expr>(Expr::Kind::Index);
                s->children.push_back(std::move(e));
                ExprPtr parts[3];
                int part = 0;
                while (!isOp("]")) {
                    if (isOp(":")) {
                        ++m_i;
                        s->kind = Expr::Kind::Slice;
                        if (++part > 2) error("too many ':' in a slice");
                    } else {
                        parts[part] = parseExpr();
                    }
                }
                ++m_i;
                for (int i = 0; i < (s->kind == Expr::Kind::Slice ? 3 : 1); ++i) s->children.push_back(std::move(parts[i]));
                if (s->kind == Expr::Kind::Index && !s->children[1]) error("empty subscript");
                e = measured(std::move(s));
            } else if (isOp("(")) {
                auto c = make<Expr>(Expr::Kind::Call);
                c->children.push_back(std::move(e));
                parseCallArgs(*c);
                e = measured(std::move(c));
            } else {
                return e;
            }
        }
    }

    ExprPtr parseFilters(ExprPtr e) {
        while (true) {
            if (isOp("|")) {
                ++m_i;
                auto f = make<Expr>(Expr::Kind::Filter);
                f->name = name();
                f->children.push_back(std::move(e));
                if (isOp("(")) parseCallArgs(*f);
                e = measured(std::move(f));
            } else if (isName("is")) {
                ++m_i;
                auto t = make<Expr>(Expr::Kind::Test);
                if (isName("not")) {
                    ++m_i;
                    t->negate = true;
                }
                t->name = name();
                t->children.push_back(std::move(e));
                if (isOp("(")) {
                    parseCallArgs(*t);
                } else if (peek().type == Token::Type::String || peek().type == Token::Type::Number ||
                           isName("none") || isName("true") || isName("false")) {
                    t->children.push_back(parsePrimary());
                }
                e = measured(std::move(t));
            } else {
                return e;
            }
        }
    }

    std::vector<Token> m_t;
    size_t m_i = 0;
    int m_nesting = 0;
};

}  // namespace

Result<Body> parseTemplate(std::string_view source) {
    try {
        Parser parser(Lexer(source).run());
        return parser.parseAll();
    } catch (const SyntaxError& e) {
        return fail(Errc::TemplateError, "Chat template syntax error at line " + std::to_string(e.line) + ", column " +
                                             std::to_string(e.column) + ": " + e.message + ".");
    }
}

}  // namespace lantern::text::tmpl
