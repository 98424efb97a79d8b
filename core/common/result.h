#pragma once

#include "core/common/error.h"

#include <optional>
#include <utility>

namespace EasyCrm {

// A value or an Error, never both. Checked access: value() on an error is a programming
// error and asserts.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) { Q_ASSERT(m_error.isError()); }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    const T &value() const &
    {
        Q_ASSERT(ok());
        return *m_value;
    }
    T &value() &
    {
        Q_ASSERT(ok());
        return *m_value;
    }
    T &&value() &&
    {
        Q_ASSERT(ok());
        return std::move(*m_value);
    }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) { Q_ASSERT(m_error.isError()); }

    bool ok() const { return !m_error.isError(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
};

inline Error makeError(ErrorCode code, QString message, QString detail = {})
{
    Error error;
    error.code = code;
    error.message = std::move(message);
    error.detail = std::move(detail);
    return error;
}

} // namespace EasyCrm
