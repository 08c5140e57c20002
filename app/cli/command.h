#pragma once
// lantern-cli sub-commands. Each lives in its own file and registers itself with a static Registrar.
#include <functional>
#include <span>
#include <string_view>
#include <vector>

namespace lantern::cli {

struct Command {
    std::string_view name;
    std::string_view summary;  // one line for `lantern-cli help`
    std::function<int(std::span<char*> args)> run;  // args exclude the program and command names
};

std::vector<Command>& registry();

struct Registrar {
    explicit Registrar(Command c) { registry().push_back(std::move(c)); }
};

}  // namespace lantern::cli
