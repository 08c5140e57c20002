#pragma once
// Parses the Jinja subset of chat templates into a tree. Whitespace follows Hugging Face's chat
// template environment: trim_blocks and lstrip_blocks on, plus the explicit {%- -%} {{- -}} markers.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "inference/text/templatevalue.h"

namespace lantern::text::tmpl {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    enum class Kind {
        Literal,   // value
        Name,      // name
        List,      // children
        Dict,      // kwargs: key expressions are in children (pairs: key, value)
        Attr,      // children[0].name
        Index,     // children[0][children[1]]
        Slice,     // children[0][children[1]:children[2]:children[3]] (null = absent)
        Call,      // children[0](children[1..], kwargs)
        Filter,    // children[0] | name(children[1..], kwargs)
        Test,      // children[0] is [not] name(children[1..])
        Unary,     // op children[0]  ("-", "+", "not")
        Binary,    // children[0] op children[1]
        Cond,      // children[0] if children[1] else children[2] (optional)
    };
    Kind kind = Kind::Literal;
    Value value;
    std::string name;  // name, attribute, filter, test or operator
    bool negate = false;
    std::vector<ExprPtr> children;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    int line = 0;
    int height = 1;    // levels of this tree (bounded by the parser, so evaluating and freeing it cannot overflow the stack)
    int column = 0;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

struct Node {
    enum class Kind { Text, Output, If, For, Set, SetBlock, Macro, Break, Continue };
    Kind kind = Kind::Text;
    std::string text;                                  // Text
    ExprPtr expr;                                      // Output, Set value, For iterable
    std::vector<std::pair<ExprPtr, Body>> branches;    // If: (condition or null for else, body)
    std::vector<std::string> targets;                  // For variables; Set/SetBlock/Macro name
    std::string attribute;                             // Set ns.attribute = ...
    ExprPtr filter;                                    // For ... if filter
    Body body;                                         // For, SetBlock, Macro
    Body elseBody;                                     // For ... else
    std::vector<std::pair<std::string, ExprPtr>> params;  // Macro parameters and defaults
    int line = 0;
    int column = 0;
};

// The tree of a whole template, or Errc::TemplateError with "line L, column C: ...".
Result<Body> parseTemplate(std::string_view source);

}  // namespace lantern::text::tmpl
