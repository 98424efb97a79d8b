#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

namespace EasyCrm::OAuth {

// Reads the head of one HTTP/1.1 request (RFC 9112 §2-§5) as it arrives, in any number of
// pieces, within fixed limits. The body, if any, is ignored: the redirect is a GET.
class HttpRequestParser
{
public:
    enum class Status {
        Incomplete,
        Complete,
        BadRequest,     // 400: not an HTTP/1.x request head
        UriTooLong,     // 414: request line over kMaxRequestLine (RFC 9112 §3)
        HeadersTooLarge // 431: header section over its limits (RFC 6585 §5)
    };

    // A provider's redirect carries code, state, iss and sometimes scope: far below these.
    static constexpr qsizetype kMaxRequestLine = 8 * 1024;
    static constexpr qsizetype kMaxHeaderSection = 16 * 1024;
    static constexpr qsizetype kMaxHeaderCount = 64;
    static constexpr qsizetype kMaxMethod = 16;

    // Adds received bytes; once the status is no longer Incomplete, further bytes are ignored.
    Status feed(QByteArrayView bytes);
    Status status() const { return m_status; }

    const QByteArray &method() const { return m_method; }
    const QByteArray &target() const { return m_target; }
    const QByteArray &version() const { return m_version; }
    // The first value of a header, by case-insensitive name; empty when absent.
    QByteArray header(QByteArrayView name) const;
    qsizetype headerCount(QByteArrayView name) const;

private:
    Status parse();
    bool methodPrefixIsValid() const;
    Status parseRequestLine(QByteArrayView line);
    Status parseHeaderLines(QByteArrayView section);

    QByteArray m_buffer;
    Status m_status = Status::Incomplete;
    QByteArray m_method;
    QByteArray m_target;
    QByteArray m_version;
    QList<QPair<QByteArray, QByteArray>> m_headers;
};

} // namespace EasyCrm::OAuth
