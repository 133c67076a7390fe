#include "train/JsonlWriter.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace corral {

JsonlWriter::~JsonlWriter()
{
    close();
}

void JsonlWriter::close()
{
    if (m_file)
        std::fclose(m_file);
    m_file = nullptr;
}

Status JsonlWriter::open(const std::string &path)
{
    close();
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

Status rewindJsonl(const std::string &path, int64_t step)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return okStatus();
    std::ostringstream kept;
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof())
            break;  // no newline: a partial line from a killed writer
        const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (record.is_discarded())
            continue;
        if (record.is_object() && record.contains("step") && record["step"].is_number()
            && record["step"].get<int64_t>() > step)
            continue;
        kept << line << '\n';
    }
    in.close();
    const std::string tmp = path + ".rewind";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << kept.str();
        out.flush();
        if (!out)
            return makeError(ErrorCode::Io, "cannot write", tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot replace: " + ec.message(), path);
    return okStatus();
}

double unixTime()
{
    using namespace std::chrono;
    return duration_cast<duration<double>>(system_clock::now().time_since_epoch()).count();
}

}  // namespace corral
