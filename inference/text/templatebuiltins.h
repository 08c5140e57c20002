#pragma once
// Filters (x | trim), tests (x is defined), methods (s.strip()) and global functions (range,
// namespace, raise_exception) of the chat template interpreter. Internal to inference/text.
#include <optional>
#include <string>
#include <string_view>

#include "inference/text/templatevalue.h"

namespace lantern::text::tmpl {

// Thrown by builtins and caught by the interpreter, which adds the template position.
struct EvalError {
    std::string message;
};

// Calls a filter; `subject` is the value left of '|'. Unknown filters throw EvalError.
Value applyFilter(std::string_view name, const Value& subject, const CallArgs& args);
// Evaluates a test; `subject` is the value left of 'is'.
bool applyTest(std::string_view name, const Value& subject, const CallArgs& args);
// obj.name(...) for the string, list and dict methods templates use; nullopt when none matches.
std::optional<Value> callMethod(const Value& obj, std::string_view name, const CallArgs& args);
// The global functions every template sees (range, namespace, raise_exception, strftime_now, dict).
ValueDict builtinGlobals();

// Python-style helpers the interpreter shares.
std::string pyStrip(std::string_view s, std::string_view chars, bool left, bool right);
// Negative indices count from the end; returns false when out of range.
bool normalizeIndex(int64_t& i, size_t size);

}  // namespace lantern::text::tmpl
