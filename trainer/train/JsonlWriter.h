#pragma once
// Appends one JSON object per line and flushes each record, so a reader tailing the file
// sees whole lines as soon as they are written (metrics.jsonl, events.jsonl).
#include "config/Result.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdio>
#include <string>

namespace corral {

class JsonlWriter {
public:
    JsonlWriter() = default;
    ~JsonlWriter();
    JsonlWriter(const JsonlWriter &) = delete;
    JsonlWriter &operator=(const JsonlWriter &) = delete;

    Status open(const std::string &path);  // appends if the file exists
    Status write(const nlohmann::json &record);
    bool isOpen() const { return m_file != nullptr; }

private:
    std::FILE *m_file = nullptr;
    std::string m_path;
};

double unixTime();  // seconds since the epoch, with sub-second precision

}  // namespace corral
