#include "config/Result.h"

#include <cerrno>
#include <cstring>

namespace corral {

std::string Error::toString() const
{
    return context.empty() ? message : context + ": " + message;
}

Error osError(int errnum, const std::string &what, const std::string &path)
{
    const bool full = errnum == ENOSPC || errnum == EDQUOT || errnum == EFBIG;
    return makeError(full ? ErrorCode::NoSpace : ErrorCode::Io, what + ": " + std::strerror(errnum), path);
}

}  // namespace corral
