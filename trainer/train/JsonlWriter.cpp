#include "train/JsonlWriter.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace corral {

JsonlWriter::~JsonlWriter()
{
    if (m_file)
        std::fclose(m_file);
}

Status JsonlWriter::open(const std::string &path)
{
    m_file = std::fopen(path.c_str(), "ab");
    if (!m_file)
        return makeError(ErrorCode::Io, std::string("cannot open for appending: ") + std::strerror(errno), path);
    m_path = path;
    return okStatus();
}

Status JsonlWriter::write(const nlohmann::json &record)
{
    if (!m_file)
        return makeError(ErrorCode::Io, "writer is not open");
    // The whole line goes out in one fwrite, then a flush: a reader sees either nothing or a full line.
    const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size() || std::fflush(m_file) != 0)
        return makeError(ErrorCode::Io, std::string("write failed: ") + std::strerror(errno), m_path);
    return okStatus();
}

double unixTime()
{
    using namespace std::chrono;
    return duration_cast<duration<double>>(system_clock::now().time_since_epoch()).count();
}

}  // namespace corral
