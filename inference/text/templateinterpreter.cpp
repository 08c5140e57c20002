#include "inference/text/templateinterpreter.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "inference/text/templatebuiltins.h"

namespace lantern::text::tmpl {

namespace {

// Carries the template position of a failure up to render().
struct PositionedError {
    std::string message;
    int line;
    int column;
};

enum class Flow { Normal, Break, Continue };

class Interpreter {
public:
    Interpreter(const ValueDict& variables, const Limits& limits) : m_limits(limits) {
        m_scopes.emplace_back();
        for (auto& [k, v] : builtinGlobals().items) m_scopes.back()[k] = v;
        for (const auto& [k, v] : variables.items) m_scopes.back()[k] = v;
    }

    std::string run(const Body& body) {
        std::string out;
        exec(body, out);
        return out;
    }

private:
    using Scope = std::unordered_map<std::string, Value>;

    void step(int line, int column) {
        if (++m_steps > m_limits.maxSteps) {
            throw PositionedError{"the template ran longer than " + std::to_string(m_limits.maxSteps) + " steps", line, column};
        }
    }

    Value lookup(const std::string& name) const {
        for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
            auto found = it->find(name);
            if (found != it->end()) return found->second;
        }
        return {};
    }

    void append(std::string& out, std::string_view s, const Node& n) {
        out.append(s);
        if (out.size() > m_limits.maxOutput) {
            throw PositionedError{"the rendered text is larger than " + std::to_string(m_limits.maxOutput) + " bytes", n.line, n.column};
        }
    }

    Flow exec(const Body& body, std::string& out) {
        for (const NodePtr& n : body) {
            const Flow f = execNode(*n, out);
            if (f != Flow::Normal) return f;
        }
        return Flow::Normal;
    }

    Flow execNode(const Node& n, std::string& out) {
        step(n.line, n.column);
        switch (n.kind) {
        case Node::Kind::Text: append(out, n.text, n); return Flow::Normal;
        case Node::Kind::Output: append(out, eval(*n.expr).str(), n); return Flow::Normal;
        case Node::Kind::If:
            for (const auto& [cond, body] : n.branches) {
                if (!cond || eval(*cond).truthy()) return exec(body, out);
            }
            return Flow::Normal;
        case Node::Kind::For: return execFor(n, out);
        case Node::Kind::Set: {
            Value v = eval(*n.expr);
            if (n.attribute.empty()) {
                m_scopes.back()[n.targets[0]] = std::move(v);
            } else {
                Value target = lookup(n.targets[0]);
                if (!target.isNamespace()) throw PositionedError{"'" + n.targets[0] + "' is not a namespace", n.line, n.column};
                target.dict().set(n.attribute, std::move(v));
            }
            return Flow::Normal;
        }
        case Node::Kind::SetBlock: {
            std::string captured;
            exec(n.body, captured);
            m_scopes.back()[n.targets[0]] = Value(std::move(captured));
            return Flow::Normal;
        }
        case Node::Kind::Macro: defineMacro(n); return Flow::Normal;
        case Node::Kind::Break: return Flow::Break;
        case Node::Kind::Continue: return Flow::Continue;
        }
        return Flow::Normal;
    }

    static ValueList iterate(const Value& v) {
        if (v.isList()) return v.list();
        if (v.isDict()) {
            ValueList keys;
            for (const auto& [k, _] : v.dict().items) keys.emplace_back(k);
            return keys;
        }
        if (v.isString()) {  // characters (UTF-8 sequences kept whole)
            ValueList chars;
            const std::string& s = v.asString();
            for (size_t i = 0; i < s.size();) {
                size_t len = 1;
                const auto lead = static_cast<unsigned char>(s[i]);
                if (lead >= 0xF0) len = 4; else if (lead >= 0xE0) len = 3; else if (lead >= 0xC0) len = 2;
                chars.emplace_back(s.substr(i, len));
                i += len;
            }
            return chars;
        }
        if (v.isUndefined() || v.isNone()) return {};
        throw EvalError{"cannot iterate over this value"};
    }

    void bindTargets(const Node& n, Scope& scope, const Value& item) {
        if (n.targets.size() == 1) {
            scope[n.targets[0]] = item;
            return;
        }
        if (!item.isList() || item.list().size() != n.targets.size()) {
            throw PositionedError{"cannot unpack the loop item into " + std::to_string(n.targets.size()) + " names", n.line, n.column};
        }
        for (size_t i = 0; i < n.targets.size(); ++i) scope[n.targets[i]] = item.list()[i];
    }

    Flow execFor(const Node& n, std::string& out) {
        ValueList items;
        try {
            items = iterate(eval(*n.expr));
        } catch (const EvalError& e) {
            throw PositionedError{e.message, n.line, n.column};
        }
        if (n.filter) {  // {% for x in xs if cond %}: the filter decides loop.length too
            ValueList kept;
            for (const Value& item : items) {
                m_scopes.emplace_back();
                bindTargets(n, m_scopes.back(), item);
                const bool keep = eval(*n.filter).truthy();
                m_scopes.pop_back();
                if (keep) kept.push_back(item);
            }
            items = std::move(kept);
        }
        if (items.empty()) {
            return exec(n.elseBody, out);
        }
        const auto length = static_cast<int64_t>(items.size());
        for (int64_t i = 0; i < length; ++i) {
            ValueDict loop;
            loop.set("index", Value(i + 1));
            loop.set("index0", Value(i));
            loop.set("revindex", Value(length - i));
            loop.set("revindex0", Value(length - i - 1));
            loop.set("first", Value(i == 0));
            loop.set("last", Value(i == length - 1));
            loop.set("length", Value(length));
            loop.set("previtem", i > 0 ? items[static_cast<size_t>(i - 1)] : Value());
            loop.set("nextitem", i + 1 < length ? items[static_cast<size_t>(i + 1)] : Value());
            m_scopes.emplace_back();
            m_scopes.back()["loop"] = Value(std::move(loop));
            bindTargets(n, m_scopes.back(), items[static_cast<size_t>(i)]);
            const Flow f = exec(n.body, out);
            m_scopes.pop_back();
            if (f == Flow::Break) break;
        }
        return Flow::Normal;
    }

    void defineMacro(const Node& n) {
        const Node* macro = &n;
        m_scopes.back()[n.targets[0]] = Value::callable([this, macro](const CallArgs& args) -> Result<Value> {
            if (++m_depth > m_limits.maxDepth) {
                throw PositionedError{"macros nest deeper than " + std::to_string(m_limits.maxDepth), macro->line, macro->column};
            }
            Scope scope;
            for (size_t i = 0; i < macro->params.size(); ++i) {
                const auto& [name, def] = macro->params[i];
                if (const Value* v = args.get(i, name)) scope[name] = *v;
                else scope[name] = def ? eval(*def) : Value();
            }
            m_scopes.push_back(std::move(scope));
            std::string out;
            exec(macro->body, out);
            m_scopes.pop_back();
            --m_depth;
            return Value(std::move(out));
        });
    }

    CallArgs evalArgs(const Expr& e, size_t firstChild) {
        CallArgs args;
        for (size_t i = firstChild; i < e.children.size(); ++i) args.positional.push_back(eval(*e.children[i]));
        for (const auto& [k, v] : e.kwargs) args.named.emplace_back(k, eval(*v));
        return args;
    }

    Value eval(const Expr& e) {
        step(e.line, e.column);
        // Nested evaluations of all macro calls together: each macro's expressions are bounded by the parser,
        // but a recursive macro multiplies them; past this the template fails instead of overflowing the stack.
        constexpr int kMaxEvalDepth = 400;
        if (m_evalDepth >= kMaxEvalDepth) {
            throw PositionedError{"the template's expressions nest more than " + std::to_string(kMaxEvalDepth) +
                                      " levels deep (with its macro calls)",
                                  e.line, e.column};
        }
        ++m_evalDepth;
        struct Leave {
            int& depth;
            ~Leave() { --depth; }
        } leave{m_evalDepth};
        try {
            return evalInner(e);
        } catch (const EvalError& err) {
            throw PositionedError{err.message, e.line, e.column};
        }
    }

    Value evalInner(const Expr& e) {
        switch (e.kind) {
        case Expr::Kind::Literal: return e.value;
        case Expr::Kind::Name: return lookup(e.name);
        case Expr::Kind::List: {
            ValueList l;
            for (const auto& c : e.children) l.push_back(eval(*c));
            return Value(std::move(l));
        }
        case Expr::Kind::Dict: {
            ValueDict d;
            for (size_t i = 0; i + 1 < e.children.size(); i += 2) d.set(eval(*e.children[i]).str(), eval(*e.children[i + 1]));
            return Value(std::move(d));
        }
        case Expr::Kind::Attr: return member(eval(*e.children[0]), Value(e.name));
        case Expr::Kind::Index: return member(eval(*e.children[0]), eval(*e.children[1]));
        case Expr::Kind::Slice: return slice(e);
        case Expr::Kind::Call: return checkedSize(call(e));
        case Expr::Kind::Filter: return checkedSize(applyFilter(e.name, eval(*e.children[0]), evalArgs(e, 1)));
        case Expr::Kind::Test: {
            const Value subject = e.name == "defined" || e.name == "undefined" ? evalLenient(*e.children[0]) : eval(*e.children[0]);
            return Value(applyTest(e.name, subject, evalArgs(e, 1)) != e.negate);
        }
        case Expr::Kind::Unary: {
            const Value v = eval(*e.children[0]);
            if (e.name == "not") return Value(!v.truthy());
            if (!v.isNumber()) throw EvalError{"unary " + e.name + " needs a number"};
            if (e.name == "+") return v;
            if (v.kind() == Value::Kind::Int && v.asInt() == INT64_MIN) throw EvalError{"integer overflow in -"};
            return v.kind() == Value::Kind::Int ? Value(-v.asInt()) : Value(-v.asFloat());
        }
        case Expr::Kind::Binary: return binaryOp(e);
        case Expr::Kind::Cond:
            if (eval(*e.children[1]).truthy()) return eval(*e.children[0]);
            return e.children.size() > 2 ? eval(*e.children[2]) : Value();
        }
        return {};
    }

    // `x is defined` must not fail when x's parent is undefined: evaluate with errors as undefined.
    Value evalLenient(const Expr& e) {
        try {
            return eval(e);
        } catch (const PositionedError&) {
            return {};
        }
    }

    static Value member(const Value& obj, const Value& key) {
        if (obj.isDict()) {
            const Value* v = obj.dict().find(key.str());
            return v ? *v : Value();
        }
        if ((obj.isList() || obj.isString()) && key.isNumber()) {
            int64_t i = key.asInt();
            const size_t size = obj.isList() ? obj.list().size() : obj.asString().size();
            if (!normalizeIndex(i, size)) throw EvalError{"index " + key.str() + " is out of range"};
            return obj.isList() ? obj.list()[static_cast<size_t>(i)] : Value(obj.asString().substr(static_cast<size_t>(i), 1));
        }
        return {};  // unknown attribute: undefined, as Jinja
    }

    Value slice(const Expr& e) {
        const Value obj = eval(*e.children[0]);
        auto part = [&](size_t i) -> std::optional<int64_t> {
            if (!e.children[i]) return std::nullopt;
            const Value v = eval(*e.children[i]);
            if (v.isNone()) return std::nullopt;
            return v.asInt();
        };
        const std::optional<int64_t> start = part(1), stop = part(2), stepOpt = part(3);
        const int64_t stride = stepOpt.value_or(1);
        if (stride == 0) throw EvalError{"slice step cannot be zero"};
        const bool isString = obj.isString();
        if (!isString && !obj.isList()) throw EvalError{"only lists and strings can be sliced"};
        const auto n = static_cast<int64_t>(isString ? obj.asString().size() : obj.list().size());
        auto clamp = [&](std::optional<int64_t> v, int64_t def) {
            if (!v) return def;
            int64_t x = *v < 0 ? *v + n : *v;
            return stride > 0 ? std::clamp<int64_t>(x, 0, n) : std::clamp<int64_t>(x, -1, n - 1);
        };
        const int64_t from = clamp(start, stride > 0 ? 0 : n - 1);
        const int64_t to = clamp(stop, stride > 0 ? n : -1);
        std::string s;
        ValueList l;
        for (int64_t i = from; stride > 0 ? i < to : i > to; i += stride) {
            if (isString) s += obj.asString()[static_cast<size_t>(i)];
            else l.push_back(obj.list()[static_cast<size_t>(i)]);
        }
        return isString ? Value(std::move(s)) : Value(std::move(l));
    }

    Value call(const Expr& e) {
        const Expr& callee = *e.children[0];
        CallArgs args = evalArgs(e, 1);
        if (callee.kind == Expr::Kind::Attr) {  // a method: s.strip(), d.items(), ...
            const Value obj = eval(*callee.children[0]);
            if (auto r = callMethod(obj, callee.name, args)) return *r;
            const Value fn = member(obj, Value(callee.name));
            if (fn.kind() != Value::Kind::Callable) throw EvalError{"unknown method '" + callee.name + "'"};
            return invoke(fn, args);
        }
        const Value fn = eval(callee);
        if (fn.kind() != Value::Kind::Callable) {
            throw EvalError{callee.kind == Expr::Kind::Name ? "'" + callee.name + "' is not a function" : "not a function"};
        }
        return invoke(fn, args);
    }

    static Value invoke(const Value& fn, const CallArgs& args) {
        Result<Value> r = fn.function()(args);
        if (!r) throw EvalError{r.error().detail};
        return std::move(*r);
    }

    // A string built by the template (~, +, *) is bounded like the output: doubling a string in a loop ends
    // with an error, not with the memory exhausted.
    std::string bounded(std::string s) const {
        if (s.size() > m_limits.maxOutput) {
            throw EvalError{"a string the template builds is larger than " + std::to_string(m_limits.maxOutput) + " bytes"};
        }
        return s;
    }

    // The same bound on what a filter or a call returns (tojson of tojson of ... grows without end).
    Value checkedSize(Value v) const {
        if (v.isString()) {
            if (v.asString().size() > m_limits.maxOutput) {
                throw EvalError{"a string the template builds is larger than " + std::to_string(m_limits.maxOutput) + " bytes"};
            }
        } else if (v.isList() && v.list().size() > m_limits.maxOutput / 16) {
            throw EvalError{"a list grows past " + std::to_string(m_limits.maxOutput / 16) + " items"};
        }
        return v;
    }

    Value binaryOp(const Expr& e) {
        const std::string& op = e.name;
        const Value l = eval(*e.children[0]);
        if (op == "and") return l.truthy() ? eval(*e.children[1]) : l;
        if (op == "or") return l.truthy() ? l : eval(*e.children[1]);
        const Value r = eval(*e.children[1]);
        if (op == "==") return Value(l == r);
        if (op == "!=") return Value(!(l == r));
        if (op == "~") return Value(bounded(l.str() + r.str()));
        if (op == "in" || op == "not in") {
            bool found = false;
            if (r.isString()) found = r.asString().find(l.str()) != std::string::npos;
            else if (r.isList()) found = std::find(r.list().begin(), r.list().end(), l) != r.list().end();
            else if (r.isDict()) found = r.dict().find(l.str()) != nullptr;
            else if (!r.isUndefined() && !r.isNone()) throw EvalError{"'in' needs a string, list or mapping"};
            return Value(found != (op == "not in"));
        }
        if (op == "<" || op == ">" || op == "<=" || op == ">=") {
            int c = 0;
            if (l.isNumber() && r.isNumber()) c = l.asFloat() < r.asFloat() ? -1 : l.asFloat() > r.asFloat() ? 1 : 0;
            else if (l.isString() && r.isString()) c = l.asString().compare(r.asString());
            else throw EvalError{"cannot compare these values with " + op};
            return Value(op == "<" ? c < 0 : op == ">" ? c > 0 : op == "<=" ? c <= 0 : c >= 0);
        }
        if (op == "+") {
            if (l.isString() && r.isString()) return Value(bounded(l.asString() + r.asString()));
            if (l.isList() && r.isList()) {
                if (l.list().size() + r.list().size() > m_limits.maxOutput / 16) {
                    throw EvalError{"a list grows past " + std::to_string(m_limits.maxOutput / 16) + " items"};
                }
                ValueList joined = l.list();
                joined.insert(joined.end(), r.list().begin(), r.list().end());
                return Value(std::move(joined));
            }
        }
        if (op == "*" && l.isString() && r.kind() == Value::Kind::Int) {
            std::string s;
            for (int64_t i = 0; i < r.asInt() && s.size() <= m_limits.maxOutput; ++i) s += l.asString();
            return Value(bounded(std::move(s)));
        }
        return arithmetic(op, l, r);
    }

    static Value arithmetic(const std::string& op, const Value& l, const Value& r) {
        const bool numbers = (l.isNumber() || l.kind() == Value::Kind::Bool) && (r.isNumber() || r.kind() == Value::Kind::Bool);
        if (!numbers) throw EvalError{"unsupported operand types for " + op};
        const auto num = [](const Value& v) { return v.kind() == Value::Kind::Bool ? Value(static_cast<int64_t>(v.asBool())) : v; };
        const Value a = num(l), b = num(r);
        const bool ints = a.kind() == Value::Kind::Int && b.kind() == Value::Kind::Int;
        if (op == "/") {
            if (b.asFloat() == 0) throw EvalError{"division by zero"};
            return Value(a.asFloat() / b.asFloat());
        }
        if (op == "//" || op == "%") {
            if (b.asFloat() == 0) throw EvalError{"division by zero"};
            if (ints) {
                const int64_t x = a.asInt(), y = b.asInt();
                if (x == INT64_MIN && y == -1) throw EvalError{"integer overflow in " + op};
                int64_t q = x / y;
                if ((x % y != 0) && ((x < 0) != (y < 0))) --q;  // Python floors
                return op == "//" ? Value(q) : Value(x - q * y);
            }
            const double q = std::floor(a.asFloat() / b.asFloat());
            return op == "//" ? Value(q) : Value(a.asFloat() - q * b.asFloat());
        }
        if (op == "**") {
            if (ints && b.asInt() >= 0) {
                const double p = std::pow(a.asFloat(), b.asFloat());
                if (!(p >= -9.2e18 && p <= 9.2e18)) throw EvalError{"integer overflow in **"};
                return Value(static_cast<int64_t>(p));
            }
            return Value(std::pow(a.asFloat(), b.asFloat()));
        }
        if (ints) {
            // Python's integers do not overflow; these do, and say so instead of wrapping (undefined in C++).
            int64_t v = 0;
            bool overflow = false;
            if (op == "+") overflow = __builtin_add_overflow(a.asInt(), b.asInt(), &v);
            else if (op == "-") overflow = __builtin_sub_overflow(a.asInt(), b.asInt(), &v);
            else if (op == "*") overflow = __builtin_mul_overflow(a.asInt(), b.asInt(), &v);
            if (overflow) throw EvalError{"integer overflow in " + op};
            if (op == "+" || op == "-" || op == "*") return Value(v);
        }
        if (op == "+") return Value(a.asFloat() + b.asFloat());
        if (op == "-") return Value(a.asFloat() - b.asFloat());
        if (op == "*") return Value(a.asFloat() * b.asFloat());
        throw EvalError{"unknown operator " + op};
    }

    const Limits& m_limits;
    std::vector<Scope> m_scopes;
    uint64_t m_steps = 0;
    int m_depth = 0;
    int m_evalDepth = 0;
};

}  // namespace

Result<std::string> render(const Body& tree, const ValueDict& variables, const Limits& limits) {
    Interpreter interpreter(variables, limits);
    try {
        return interpreter.run(tree);
    } catch (const PositionedError& e) {
        return fail(Errc::TemplateError, "Chat template error at line " + std::to_string(e.line) + ", column " +
                                             std::to_string(e.column) + ": " + e.message + ".");
    } catch (const EvalError& e) {
        return fail(Errc::TemplateError, "Chat template error: " + e.message + ".");
    }
}

}  // namespace lantern::text::tmpl
