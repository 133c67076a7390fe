#include "train/JsonlWriter.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace corral {

JsonlWriter::~JsonlWriter()
{
    close();
}

void JsonlWriter::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

Status JsonlWriter::open(const std::string &path)
{
    close();
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m_fd < 0)
        return osError(errno, "cannot open for appending", path);
    m_path = path;
    return okStatus();
}

Status JsonlWriter::write(const nlohmann::json &record)
{
    if (m_fd < 0)
        return makeError(ErrorCode::Io, "writer is not open");
    const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    struct stat before {};
    const bool sized = ::fstat(m_fd, &before) == 0;
    size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(m_fd, line.data() + written, line.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : ENOSPC;  // a write of 0 bytes: nothing more fits
            if (written > 0 && sized)
                (void)::ftruncate(m_fd, before.st_size);  // no half line for readers or the next record
            return osError(err, "cannot append a record", m_path);
        }
        written += static_cast<size_t>(n);
    }
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
    const std::string text = kept.str();
    std::FILE *out = std::fopen(tmp.c_str(), "wb");
    if (!out)
        return osError(errno, "cannot create", tmp);
    const bool wrote = std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
    const int err = errno;
    std::fclose(out);
    if (!wrote) {
        std::remove(tmp.c_str());
        return osError(err, "cannot write", tmp);
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
