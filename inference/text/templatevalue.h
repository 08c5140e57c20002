#pragma once
// The values a chat template computes with: Python-like (None, bool, int, float, str, list, dict
// keeping insertion order, callables), because templates are written against Python's Jinja and
// print values the way Python does ("True", "None", "['a', 'b']").
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace lantern::text {

class Value;
using ValueList = std::vector<Value>;

struct ValueDict {
    std::vector<std::pair<std::string, Value>> items;  // insertion order, like Python 3.7+ dicts
    const Value* find(std::string_view key) const;
    void set(std::string key, Value v);
};

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;
    const Value* get(size_t index, std::string_view name) const;  // positional index or keyword
};
using Builtin = std::function<Result<Value>(const CallArgs&)>;

class Value {
public:
    enum class Kind : uint8_t { Undefined, None, Bool, Int, Float, String, List, Dict, Callable };

    Value() = default;  // undefined
    static Value none();
    Value(bool b);
    Value(int v) : Value(static_cast<int64_t>(v)) {}
    Value(int64_t v);
    Value(double v);
    Value(std::string s);
    Value(const char* s) : Value(std::string(s)) {}
    Value(ValueList list);
    Value(ValueDict dict);
    static Value callable(Builtin fn);
    static Value namespaceObject(ValueDict attrs);  // namespace(): a dict whose attributes can be set

    Kind kind() const { return m_kind; }
    bool isUndefined() const { return m_kind == Kind::Undefined; }
    bool isNone() const { return m_kind == Kind::None; }
    bool isString() const { return m_kind == Kind::String; }
    bool isNumber() const { return m_kind == Kind::Int || m_kind == Kind::Float; }
    bool isList() const { return m_kind == Kind::List; }
    bool isDict() const { return m_kind == Kind::Dict; }
    bool isNamespace() const { return m_kind == Kind::Dict && m_namespace; }

    bool asBool() const { return m_bool; }
    // A float outside int64's range (inf, 1e300) saturates and NaN gives 0: converting them is undefined in C++.
    int64_t asInt() const {
        if (m_kind != Kind::Float) return m_int;
        if (!(m_float == m_float)) return 0;
        if (m_float >= 9.2e18) return INT64_MAX;
        if (m_float <= -9.2e18) return INT64_MIN;
        return static_cast<int64_t>(m_float);
    }
    double asFloat() const { return m_kind == Kind::Int ? static_cast<double>(m_int) : m_float; }
    const std::string& asString() const { return m_string; }
    // Lists and dicts are shared, like Python references (namespace attributes change in place).
    const ValueList& list() const { return *m_list; }
    ValueList& list() { return *m_list; }
    const ValueDict& dict() const { return *m_dict; }
    ValueDict& dict() { return *m_dict; }
    const Builtin& function() const { return *m_fn; }

    bool truthy() const;
    // Python's str(): what {{ value }} prints ("" for undefined).
    std::string str() const;
    // Python's repr(), used inside containers: strings quoted.
    std::string repr() const;
    // json.dumps(value, ensure_ascii, indent, separators) as Hugging Face's tojson filter calls it.
    std::string json(int indent = -1, bool ensureAscii = false, std::string_view itemSep = "",
                     std::string_view keySep = ": ") const;
    bool operator==(const Value& o) const;

private:
    Kind m_kind = Kind::Undefined;
    bool m_bool = false;
    bool m_namespace = false;
    int64_t m_int = 0;
    double m_float = 0;
    std::string m_string;
    std::shared_ptr<ValueList> m_list;
    std::shared_ptr<ValueDict> m_dict;
    std::shared_ptr<Builtin> m_fn;
};

}  // namespace lantern::text
