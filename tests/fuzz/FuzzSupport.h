#pragma once
// What the fuzz targets share: an invariant check that stops the run with a message (libFuzzer
// then saves the input as a crash artifact), and inputs in named parts, so a seed that drives
// several readers at once stays a text file a person can write:
//
//   --- trainer_state step-00000010
//   {"format": 1, "step": 10}
//   --- best
//   {"step": 10}
//
// A part runs from its "--- NAME [ARG]" line to the next one; text before the first is part "".
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace corral::fuzz {

// Control bytes other than newline and tab shown as \xNN, so a message shows them all.
inline std::string printable(const std::string &text)
{
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out;
}

[[noreturn]] inline void fail(const char *file, int line, const char *condition, const std::string &detail)
{
    std::fprintf(stderr, "\n%s:%d: invariant failed: %s\n%s\n", file, line, condition, printable(detail).c_str());
    std::fflush(stderr);
    std::abort();
}

#define FUZZ_CHECK(condition, detail)                                  \
    do {                                                               \
        if (!(condition))                                              \
            ::corral::fuzz::fail(__FILE__, __LINE__, #condition, (detail)); \
    } while (false)

struct Part {
    std::string name;
    std::string argument;  // the rest of the "---" line after the name
    std::string text;
};

inline std::vector<Part> splitParts(std::string_view input)
{
    std::vector<Part> parts(1);
    size_t start = 0;
    while (start <= input.size()) {
        size_t end = input.find('\n', start);
        const bool last = end == std::string_view::npos;
        if (last)
            end = input.size();
        const std::string_view line = input.substr(start, end - start);
        if (line.substr(0, 4) == "--- ") {
            Part part;
            const std::string_view rest = line.substr(4);
            const size_t space = rest.find(' ');
            part.name = std::string(rest.substr(0, space));
            if (space != std::string_view::npos)
                part.argument = std::string(rest.substr(space + 1));
            parts.push_back(std::move(part));
        } else {
            parts.back().text.append(line);
            if (!last)
                parts.back().text += '\n';
        }
        if (last)
            break;
        start = end + 1;
    }
    return parts;
}

inline std::string_view asText(const uint8_t *data, size_t size)
{
    return {reinterpret_cast<const char *>(data), size};
}

}  // namespace corral::fuzz
