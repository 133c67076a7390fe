#include "config/Result.h"

namespace corral {

std::string Error::toString() const
{
    return context.empty() ? message : context + ": " + message;
}

}  // namespace corral
