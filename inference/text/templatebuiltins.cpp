#include "inference/text/templatebuiltins.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "base/platform.h"

namespace lantern::text::tmpl {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string replaceAll(const std::string& s, const std::string& from, const std::string& to, int64_t count = -1) {
    if (from.empty()) return s;
    std::string out;
    size_t pos = 0;
    for (int64_t n = 0; count < 0 || n < count; ++n) {
        const size_t hit = s.find(from, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos).append(to);
        pos = hit + from.size();
    }
    return out + s.substr(pos);
}

std::string argString(const CallArgs& args, size_t i, std::string_view name, std::string def = {}) {
    const Value* v = args.get(i, name);
    return v && !v->isNone() && !v->isUndefined() ? v->str() : def;
}

Value split(const std::string& s, const CallArgs& args) {
    const Value* sepArg = args.get(0, "sep");
    const Value* maxArg = args.get(1, "maxsplit");
    const int64_t maxSplit = maxArg ? maxArg->asInt() : -1;
    ValueList parts;
    if (!sepArg || sepArg->isNone()) {  // runs of whitespace, no empty parts
        size_t pos = 0;
        int64_t n = 0;
        while (true) {
            pos = s.find_first_not_of(" \t\n\r\f\v", pos);
            if (pos == std::string::npos) break;
            if (maxSplit >= 0 && n == maxSplit) {
                parts.emplace_back(pyStrip(s.substr(pos), " \t\n\r\f\v", false, true));
                break;
            }
            const size_t end = s.find_first_of(" \t\n\r\f\v", pos);
            parts.emplace_back(s.substr(pos, end == std::string::npos ? std::string::npos : end - pos));
            ++n;
            if (end == std::string::npos) break;
            pos = end;
        }
        return Value(std::move(parts));
    }
    const std::string sep = sepArg->str();
    if (sep.empty()) throw EvalError{"split() with an empty separator"};
    size_t pos = 0;
    for (int64_t n = 0; maxSplit < 0 || n < maxSplit; ++n) {
        const size_t hit = s.find(sep, pos);
        if (hit == std::string::npos) break;
        parts.emplace_back(s.substr(pos, hit - pos));
        pos = hit + sep.size();
    }
    parts.emplace_back(s.substr(pos));
    return Value(std::move(parts));
}

bool affix(const std::string& s, const Value& what, bool prefix) {
    auto one = [&](const std::string& a) {
        return prefix ? s.starts_with(a) : s.ends_with(a);
    };
    if (what.isList()) {
        return std::any_of(what.list().begin(), what.list().end(), [&](const Value& v) { return one(v.str()); });
    }
    return one(what.str());
}

std::optional<Value> stringMethod(const std::string& s, std::string_view name, const CallArgs& args) {
    const std::string ws = " \t\n\r\f\v";
    if (name == "strip" || name == "lstrip" || name == "rstrip") {
        const std::string chars = argString(args, 0, "chars", ws);
        return Value(pyStrip(s, chars, name != "rstrip", name != "lstrip"));
    }
    if (name == "split") return split(s, args);
    if (name == "startswith" || name == "endswith") {
        const Value* a = args.get(0, "prefix");
        if (!a) throw EvalError{std::string(name) + "() needs an argument"};
        return Value(affix(s, *a, name == "startswith"));
    }
    if (name == "replace") {
        const Value* count = args.get(2, "count");
        return Value(replaceAll(s, argString(args, 0, "old"), argString(args, 1, "new"), count ? count->asInt() : -1));
    }
    if (name == "upper") return Value(upper(s));
    if (name == "lower") return Value(lower(s));
    if (name == "title" || name == "capitalize") {
        std::string out = name == "capitalize" ? lower(s) : s;
        bool start = true;
        for (char& c : out) {
            const bool alpha = std::isalpha(static_cast<unsigned char>(c));
            if (alpha && start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            else if (alpha && name == "title") c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            start = name == "title" ? !alpha : false;
        }
        return Value(std::move(out));
    }
    if (name == "find") {
        const size_t at = s.find(argString(args, 0, "sub"));
        return Value(at == std::string::npos ? int64_t(-1) : static_cast<int64_t>(at));
    }
    if (name == "count") {
        const std::string sub = argString(args, 0, "sub");
        int64_t n = 0;
        for (size_t p = s.find(sub); !sub.empty() && p != std::string::npos; p = s.find(sub, p + sub.size())) ++n;
        return Value(n);
    }
    if (name == "join") {
        const Value* items = args.get(0, "iterable");
        std::string out;
        if (items && items->isList()) {
            for (size_t i = 0; i < items->list().size(); ++i) out += (i ? s : "") + items->list()[i].str();
        }
        return Value(std::move(out));
    }
    if (name == "isdigit" || name == "isalpha" || name == "isspace") {
        const auto pred = name == "isdigit" ? ::isdigit : name == "isalpha" ? ::isalpha : ::isspace;
        return Value(!s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return pred(static_cast<unsigned char>(c)) != 0; }));
    }
    return std::nullopt;
}

Value items(const Value& d) {
    ValueList out;
    if (d.isDict()) {
        for (const auto& [k, v] : d.dict().items) out.emplace_back(ValueList{Value(k), v});
    }
    return Value(std::move(out));
}

size_t length(const Value& v) {
    if (v.isString()) {  // characters, not bytes
        return static_cast<size_t>(std::count_if(v.asString().begin(), v.asString().end(),
                                                 [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
    }
    if (v.isList()) return v.list().size();
    if (v.isDict()) return v.dict().items.size();
    if (v.isUndefined()) return 0;
    throw EvalError{"this value has no length"};
}

ValueList selectAttr(const Value& seq, const CallArgs& args, bool reject) {
    if (!seq.isList()) return {};
    const std::string attr = argString(args, 0, "attribute");
    const std::string test = argString(args, 1, "test");
    CallArgs testArgs;
    for (size_t i = 2; i < args.positional.size(); ++i) testArgs.positional.push_back(args.positional[i]);
    ValueList out;
    for (const Value& item : seq.list()) {
        const Value* field = item.isDict() ? item.dict().find(attr) : nullptr;
        const Value v = field ? *field : Value();
        const bool pass = test.empty() ? v.truthy() : applyTest(test, v, testArgs);
        if (pass != reject) out.push_back(item);
    }
    return out;
}

// Filters over lists, strings and mappings (first, join, map, selectattr, ...); nullopt if none matches.
std::optional<Value> sequenceFilter(std::string_view name, const Value& v, const CallArgs& args) {
    if (name == "first" || name == "last") {
        if (v.isList()) {
            if (v.list().empty()) return {};
            return name == "first" ? v.list().front() : v.list().back();
        }
        if (v.isString() && !v.asString().empty()) return Value(std::string(1, name == "first" ? v.asString().front() : v.asString().back()));
        return {};
    }
    if (name == "join") {
        const std::string sep = argString(args, 0, "d");
        const std::string attr = argString(args, 1, "attribute");
        std::string out;
        if (v.isList()) {
            for (size_t i = 0; i < v.list().size(); ++i) {
                const Value& item = v.list()[i];
                const Value* field = !attr.empty() && item.isDict() ? item.dict().find(attr) : nullptr;
                out += (i ? sep : "") + (attr.empty() ? item.str() : field ? field->str() : "");
            }
        }
        return Value(std::move(out));
    }
    if (name == "replace") {
        const Value* count = args.get(2, "count");
        return Value(replaceAll(v.str(), argString(args, 0, "old"), argString(args, 1, "new"), count ? count->asInt() : -1));
    }
    if (name == "items") return items(v);
    if (name == "list") {
        if (v.isList()) return v;
        ValueList out;
        if (v.isString()) for (char c : v.asString()) out.emplace_back(std::string(1, c));
        if (v.isDict()) for (const auto& [k, _] : v.dict().items) out.emplace_back(k);
        return Value(std::move(out));
    }
    if (name == "reverse") {
        if (v.isString()) return Value(std::string(v.asString().rbegin(), v.asString().rend()));
        ValueList out = v.isList() ? v.list() : ValueList{};
        std::reverse(out.begin(), out.end());
        return Value(std::move(out));
    }
    if (name == "selectattr" || name == "rejectattr") return Value(selectAttr(v, args, name == "rejectattr"));
    if (name == "map") {
        const std::string attr = argString(args, 0, "attribute");
        ValueList out;
        if (v.isList()) {
            for (const Value& item : v.list()) {
                const Value* field = item.isDict() ? item.dict().find(attr) : nullptr;
                out.push_back(field ? *field : Value());
            }
        }
        return Value(std::move(out));
    }
    return std::nullopt;
}

}  // namespace

std::string pyStrip(std::string_view s, std::string_view chars, bool left, bool right) {
    size_t b = 0, e = s.size();
    if (left) while (b < e && chars.find(s[b]) != std::string_view::npos) ++b;
    if (right) while (e > b && chars.find(s[e - 1]) != std::string_view::npos) --e;
    return std::string(s.substr(b, e - b));
}

bool normalizeIndex(int64_t& i, size_t size) {
    if (i < 0) i += static_cast<int64_t>(size);
    return i >= 0 && i < static_cast<int64_t>(size);
}

std::optional<Value> callMethod(const Value& obj, std::string_view name, const CallArgs& args) {
    if (obj.isString()) return stringMethod(obj.asString(), name, args);
    if (obj.isDict() && !obj.isNamespace()) {
        if (name == "items") return items(obj);
        if (name == "keys" || name == "values") {
            ValueList out;
            for (const auto& [k, v] : obj.dict().items) out.push_back(name == "keys" ? Value(k) : v);
            return Value(std::move(out));
        }
        if (name == "get") {
            const Value* v = obj.dict().find(argString(args, 0, "key"));
            if (v) return *v;
            const Value* def = args.get(1, "default");
            return def ? *def : Value::none();
        }
    }
    return std::nullopt;
}

Value applyFilter(std::string_view name, const Value& v, const CallArgs& args) {
    if (name == "trim") return Value(pyStrip(v.str(), argString(args, 0, "chars", " \t\n\r\f\v"), true, true));
    if (name == "length" || name == "count") return Value(static_cast<int64_t>(length(v)));
    if (name == "upper") return Value(upper(v.str()));
    if (name == "lower") return Value(lower(v.str()));
    if (name == "string") return Value(v.str());
    if (name == "safe" || name == "e" || name == "escape") return v;  // no HTML escaping in chat templates
    if (name == "capitalize" || name == "title") return *stringMethod(v.str(), name, {});
    if (name == "tojson") {
        const Value* indent = args.get(0, "indent");
        const Value* ascii = args.get(1, "ensure_ascii");
        return Value(v.json(indent && indent->isNumber() ? static_cast<int>(indent->asInt()) : -1, ascii && ascii->truthy()));
    }
    if (name == "default" || name == "d") {
        const Value* def = args.get(0, "default_value");
        const Value* boolean = args.get(1, "boolean");
        const bool useDefault = v.isUndefined() || (boolean && boolean->truthy() && !v.truthy());
        return useDefault ? (def ? *def : Value(std::string())) : v;
    }
    if (auto r = sequenceFilter(name, v, args)) return *r;
    if (name == "int") return v.isString() ? Value(static_cast<int64_t>(std::strtoll(v.asString().c_str(), nullptr, 10))) : Value(v.asInt());
    if (name == "float") return v.isString() ? Value(std::atof(v.asString().c_str())) : Value(v.asFloat());
    if (name == "abs" && v.kind() == Value::Kind::Int && v.asInt() == INT64_MIN) throw EvalError{"integer overflow in abs"};
    if (name == "abs") return v.kind() == Value::Kind::Int ? Value(static_cast<int64_t>(std::llabs(v.asInt()))) : Value(std::fabs(v.asFloat()));
    if (name == "indent") {
        const Value* width = args.get(0, "width");
        const std::string pad(width ? static_cast<size_t>(width->asInt()) : 4, ' ');
        return Value(replaceAll(v.str(), "\n", "\n" + pad));
    }
    throw EvalError{"unknown filter '" + std::string(name) + "'"};
}

bool applyTest(std::string_view name, const Value& v, const CallArgs& args) {
    const Value* arg = args.get(0, "value");
    if (name == "defined") return !v.isUndefined();
    if (name == "undefined") return v.isUndefined();
    if (name == "none") return v.isNone();
    if (name == "string") return v.isString();
    if (name == "number") return v.isNumber();
    if (name == "integer") return v.kind() == Value::Kind::Int;
    if (name == "float") return v.kind() == Value::Kind::Float;
    if (name == "boolean") return v.kind() == Value::Kind::Bool;
    if (name == "true") return v.kind() == Value::Kind::Bool && v.asBool();
    if (name == "false") return v.kind() == Value::Kind::Bool && !v.asBool();
    if (name == "mapping") return v.isDict();
    if (name == "iterable") return v.isList() || v.isDict() || v.isString();
    if (name == "sequence") return v.isList() || v.isString() || v.isDict();
    if (name == "callable") return v.kind() == Value::Kind::Callable;
    if (name == "odd" || name == "even") return v.isNumber() && (v.asInt() % 2 != 0) == (name == "odd");
    if (name == "divisibleby") return arg && arg->asInt() != 0 && v.asInt() % arg->asInt() == 0;
    if (name == "eq" || name == "equalto" || name == "sameas") return arg && v == *arg;
    if (name == "ne") return arg && !(v == *arg);
    if (name == "lower") return v.isString() && v.asString() == lower(v.asString());
    if (name == "upper") return v.isString() && v.asString() == upper(v.asString());
    if (name == "in") {
        if (!arg) return false;
        if (arg->isString()) return arg->asString().find(v.str()) != std::string::npos;
        if (arg->isList()) return std::find(arg->list().begin(), arg->list().end(), v) != arg->list().end();
        if (arg->isDict()) return arg->dict().find(v.str()) != nullptr;
        return false;
    }
    throw EvalError{"unknown test '" + std::string(name) + "'"};
}

ValueDict builtinGlobals() {
    ValueDict g;
    g.set("range", Value::callable([](const CallArgs& a) -> Result<Value> {
        int64_t start = 0, stop = 0, step = 1;
        if (a.positional.size() == 1) stop = a.positional[0].asInt();
        else if (a.positional.size() >= 2) start = a.positional[0].asInt(), stop = a.positional[1].asInt();
        if (a.positional.size() >= 3) step = a.positional[2].asInt();
        if (step == 0) return fail(Errc::TemplateError, "range() step cannot be zero");
        ValueList out;
        for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
            if (out.size() >= 100000) return fail(Errc::TemplateError, "range() is too long");
            out.emplace_back(i);
        }
        return Value(std::move(out));
    }));
    g.set("namespace", Value::callable([](const CallArgs& a) -> Result<Value> {
        ValueDict attrs;
        for (const auto& [k, v] : a.named) attrs.set(k, v);
        return Value::namespaceObject(std::move(attrs));
    }));
    g.set("dict", Value::callable([](const CallArgs& a) -> Result<Value> {
        ValueDict d;
        for (const auto& [k, v] : a.named) d.set(k, v);
        return Value(std::move(d));
    }));
    g.set("raise_exception", Value::callable([](const CallArgs& a) -> Result<Value> {
        return fail(Errc::TemplateError, "the template refused the conversation: " + (a.positional.empty() ? std::string() : a.positional[0].str()));
    }));
    g.set("strftime_now", Value::callable([](const CallArgs& a) -> Result<Value> {
        const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        const std::tm tm = platform::localTime(now);
        char buf[128];
        const std::string fmt = a.positional.empty() ? "%Y-%m-%d" : a.positional[0].str();
        // The format comes from the template (e.g. "%d %b %Y"); strftime cannot write past buf.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        const size_t n = std::strftime(buf, sizeof buf, fmt.c_str(), &tm);
#pragma GCC diagnostic pop
        return Value(std::string(buf, n));
    }));
    return g;
}

}  // namespace lantern::text::tmpl
