#include "inference/text/templatevalue.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "inference/text/utf8.h"

namespace lantern::text {

const Value* ValueDict::find(std::string_view key) const {
    for (const auto& [k, v] : items) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

void ValueDict::set(std::string key, Value v) {
    for (auto& [k, old] : items) {
        if (k == key) {
            old = std::move(v);
            return;
        }
    }
    items.emplace_back(std::move(key), std::move(v));
}

const Value* CallArgs::get(size_t index, std::string_view name) const {
    for (const auto& [k, v] : named) {
        if (k == name) {
            return &v;
        }
    }
    return index < positional.size() ? &positional[index] : nullptr;
}

Value Value::none() {
    Value v;
    v.m_kind = Kind::None;
    return v;
}
Value::Value(bool b) : m_kind(Kind::Bool), m_bool(b) {}
Value::Value(int64_t v) : m_kind(Kind::Int), m_int(v) {}
Value::Value(double v) : m_kind(Kind::Float), m_float(v) {}
Value::Value(std::string s) : m_kind(Kind::String), m_string(std::move(s)) {}
Value::Value(ValueList list) : m_kind(Kind::List), m_list(std::make_shared<ValueList>(std::move(list))) {}
Value::Value(ValueDict dict) : m_kind(Kind::Dict), m_dict(std::make_shared<ValueDict>(std::move(dict))) {}

Value Value::callable(Builtin fn) {
    Value v;
    v.m_kind = Kind::Callable;
    v.m_fn = std::make_shared<Builtin>(std::move(fn));
    return v;
}

Value Value::namespaceObject(ValueDict attrs) {
    Value v(std::move(attrs));
    v.m_namespace = true;
    return v;
}

bool Value::truthy() const {
    switch (m_kind) {
    case Kind::Undefined:
    case Kind::None: return false;
    case Kind::Bool: return m_bool;
    case Kind::Int: return m_int != 0;
    case Kind::Float: return m_float != 0.0;
    case Kind::String: return !m_string.empty();
    case Kind::List: return !m_list->empty();
    case Kind::Dict: return m_namespace || !m_dict->items.empty();
    case Kind::Callable: return true;
    }
    return false;
}

namespace {

// Python's float repr: the shortest text that reads back to the same double, always with a '.' or
// an exponent ("1.0", "0.1", "1e+16").
std::string floatRepr(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, end);
    const size_t e = s.find('e');
    if (e != std::string::npos) {
        // to_chars writes "1e+16", Python too; but Python uses the exponent form only from 1e16 up or
        // below 1e-4, which to_chars' shortest form also follows closely enough for chat templates.
        return s;
    }
    if (s.find('.') == std::string::npos) {
        s += ".0";
    }
    return s;
}

void appendJsonString(std::string& out, std::string_view s, bool ensureAscii) {
    out += '"';
    for (size_t pos = 0; pos < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[pos]);
        char buf[16];
        switch (c) {
        case '"': out += "\\\""; ++pos; continue;
        case '\\': out += "\\\\"; ++pos; continue;
        case '\n': out += "\\n"; ++pos; continue;
        case '\r': out += "\\r"; ++pos; continue;
        case '\t': out += "\\t"; ++pos; continue;
        case '\b': out += "\\b"; ++pos; continue;
        case '\f': out += "\\f"; ++pos; continue;
        default: break;
        }
        if (c < 0x20) {
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
            ++pos;
        } else if (c < 0x80 || !ensureAscii) {
            out += static_cast<char>(c);
            ++pos;
        } else {
            uint32_t cp = utf8Decode(s, pos);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                std::snprintf(buf, sizeof buf, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
            } else {
                std::snprintf(buf, sizeof buf, "\\u%04x", cp);
            }
            out += buf;
        }
    }
    out += '"';
}

std::string pyQuote(const std::string& s) {
    // Python prefers single quotes unless the string contains one and no double quote.
    const bool useDouble = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    const char q = useDouble ? '"' : '\'';
    std::string out(1, q);
    for (char c : s) {
        if (c == q || c == '\\') out += '\\', out += c;
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else out += c;
    }
    out += q;
    return out;
}

void appendJson(std::string& out, const Value& v, int indent, int level, bool ensureAscii,
                std::string_view itemSep, std::string_view keySep) {
    auto newline = [&](int lvl) {
        if (indent >= 0) {
            out += '\n';
            out.append(static_cast<size_t>(indent * lvl), ' ');
        }
    };
    switch (v.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
    case Value::Kind::Callable: out += "null"; return;
    case Value::Kind::Bool: out += v.asBool() ? "true" : "false"; return;
    case Value::Kind::Int: out += std::to_string(v.asInt()); return;
    case Value::Kind::Float: {
        const double d = v.asFloat();
        out += std::isnan(d) ? "NaN" : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity") : floatRepr(d);
        return;
    }
    case Value::Kind::String: appendJsonString(out, v.asString(), ensureAscii); return;
    case Value::Kind::List: {
        if (v.list().empty()) {
            out += "[]";
            return;
        }
        out += '[';
        bool first = true;
        for (const Value& item : v.list()) {
            if (!first) out += itemSep;
            first = false;
            newline(level + 1);
            appendJson(out, item, indent, level + 1, ensureAscii, itemSep, keySep);
        }
        newline(level);
        out += ']';
        return;
    }
    case Value::Kind::Dict: {
        if (v.dict().items.empty()) {
            out += "{}";
            return;
        }
        out += '{';
        bool first = true;
        for (const auto& [k, item] : v.dict().items) {
            if (!first) out += itemSep;
            first = false;
            newline(level + 1);
            appendJsonString(out, k, ensureAscii);
            out += keySep;
            appendJson(out, item, indent, level + 1, ensureAscii, itemSep, keySep);
        }
        newline(level);
        out += '}';
        return;
    }
    }
}

}  // namespace

std::string Value::str() const {
    switch (m_kind) {
    case Kind::Undefined: return {};
    case Kind::None: return "None";
    case Kind::Bool: return m_bool ? "True" : "False";
    case Kind::Int: return std::to_string(m_int);
    case Kind::Float: return floatRepr(m_float);
    case Kind::String: return m_string;
    default: return repr();
    }
}

std::string Value::repr() const {
    switch (m_kind) {
    case Kind::String: return pyQuote(m_string);
    case Kind::List: {
        std::string out = "[";
        for (size_t i = 0; i < m_list->size(); ++i) {
            out += (i ? ", " : "") + (*m_list)[i].repr();
        }
        return out + "]";
    }
    case Kind::Dict: {
        std::string out = "{";
        bool first = true;
        for (const auto& [k, v] : m_dict->items) {
            out += (first ? "" : ", ") + pyQuote(k) + ": " + v.repr();
            first = false;
        }
        return out + "}";
    }
    case Kind::Callable: return "<function>";
    default: return str();
    }
}

std::string Value::json(int indent, bool ensureAscii, std::string_view itemSep, std::string_view keySep) const {
    if (itemSep.empty()) {
        itemSep = indent >= 0 ? "," : ", ";  // json.dumps' defaults
    }
    std::string out;
    appendJson(out, *this, indent, 0, ensureAscii, itemSep, keySep);
    return out;
}

bool Value::operator==(const Value& o) const {
    if (isNumber() && o.isNumber()) {
        return m_kind == Kind::Int && o.m_kind == Kind::Int ? m_int == o.m_int : asFloat() == o.asFloat();
    }
    if (m_kind == Kind::Bool && o.isNumber()) return Value(static_cast<int64_t>(m_bool)) == o;
    if (isNumber() && o.m_kind == Kind::Bool) return o == *this;
    if (m_kind != o.m_kind) return false;
    switch (m_kind) {
    case Kind::Undefined:
    case Kind::None: return true;
    case Kind::Bool: return m_bool == o.m_bool;
    case Kind::String: return m_string == o.m_string;
    case Kind::List: return *m_list == *o.m_list;
    case Kind::Dict: {
        if (m_dict->items.size() != o.m_dict->items.size()) return false;
        for (const auto& [k, v] : m_dict->items) {
            const Value* other = o.m_dict->find(k);
            if (!other || !(*other == v)) return false;
        }
        return true;
    }
    case Kind::Callable: return m_fn == o.m_fn;
    default: return false;
    }
}

}  // namespace lantern::text
