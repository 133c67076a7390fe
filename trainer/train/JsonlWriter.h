#pragma once
// Appends one JSON object per line, each in one write(2), so a reader tailing the file sees
// whole lines as soon as they are written (metrics.jsonl, events.jsonl). A write that fails
// part way (a full disk) is cut off again, so the file never keeps half a record.
#include "config/Result.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace corral {

class JsonlWriter {
public:
    JsonlWriter() = default;
    ~JsonlWriter();
    JsonlWriter(const JsonlWriter &) = delete;
    JsonlWriter &operator=(const JsonlWriter &) = delete;

    Status open(const std::string &path);  // appends if the file exists; closes what was open
    void close();
    Status write(const nlohmann::json &record);
    bool isOpen() const { return m_fd >= 0; }

private:
    int m_fd = -1;
    std::string m_path;
};

double unixTime();

// For a resume at `step`: keeps the records whose "step" is ≤ step (and lines without one),
// drops the rest and any partial last line, and replaces the file atomically (a new inode,
// which tells tailers to read it again from the start). A missing file is fine.
Status rewindJsonl(const std::string &path, int64_t step);  // seconds since the epoch, with sub-second precision

}  // namespace corral
