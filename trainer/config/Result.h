#pragma once
// Errors are values at module boundaries: Result<T> holds either a T or an Error
// whose message says what was wrong and whose context says where (field, file:line, host).
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace corral {

// NoSpace: a write failed because the disk or the quota is full (ENOSPC, EDQUOT, EFBIG);
// freeing space and running again helps, which no other I/O error promises.
enum class ErrorCode { InvalidArgument, NotFound, Io, Parse, Validation, Runtime, NoSpace };

struct Error {
    ErrorCode code = ErrorCode::Runtime;
    std::string message;
    std::string context;  // "run.yaml:12", "lora.rank", a path or a host; may be empty

    // "context: message", or the message alone when there is no context.
    std::string toString() const;
};

struct Unit {};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Error error) : m_value(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_value); }
    T &value() & { return std::get<T>(m_value); }
    T &&value() && { return std::get<T>(std::move(m_value)); }
    const Error &error() const { return std::get<Error>(m_value); }

private:
    std::variant<T, Error> m_value;
};

using Status = Result<Unit>;
inline Status okStatus() { return Unit{}; }

inline Error makeError(ErrorCode code, std::string message, std::string context = {})
{
    return Error{code, std::move(message), std::move(context)};
}

// A failed system call on `path`: "what: strerror(errnum)", ErrorCode::NoSpace for a full
// disk or quota, else ErrorCode::Io. Pass errno as it was right after the call.
Error osError(int errnum, const std::string &what, const std::string &path);

}  // namespace corral
