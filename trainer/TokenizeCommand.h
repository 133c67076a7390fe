#pragma once
// `corral-train tokenize`: the tokenizer from the command line. Part of the CLI (main.cpp).
#include <iosfwd>
#include <string>
#include <vector>

namespace corral {

extern const char *const kTokenizeUsage;

// args: what follows `tokenize`. Returns the exit code.
int runTokenizeCommand(const std::vector<std::string> &args, std::istream &in, std::ostream &out, std::ostream &err);

}  // namespace corral
