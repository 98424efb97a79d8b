#include "core/oauth/httprequestparser.h"

namespace EasyCrm::OAuth {

namespace {

// RFC 9110 §5.6.2 token characters.
bool isTchar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return false;
    for (char c : bytes) {
        if (!isTchar(c))
            return false;
    }
    return true;
}

// A request-target in origin-form: visible ASCII only, starting with '/' (RFC 9112 §3.2.1).
bool isOriginForm(QByteArrayView target)
{
    if (!target.startsWith('/'))
        return false;
    for (char c : target) {
        if (c < 0x21 || c > 0x7e)
            return false;
    }
    return true;
}

QByteArrayView withoutCarriageReturn(QByteArrayView line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}

QByteArrayView trimmedBlanks(QByteArrayView value)
{
    while (!value.isEmpty() && (value.front() == ' ' || value.front() == '\t'))
        value = value.sliced(1);
    while (!value.isEmpty() && (value.back() == ' ' || value.back() == '\t'))
        value.chop(1);
    return value;
}

// Where the head ends: the first empty line after the request line, as CRLF CRLF or, which
// RFC 9112 §2.2 allows a recipient to accept, LF LF. Returns the index past it, or -1.
qsizetype endOfHead(const QByteArray &buffer, qsizetype from)
{
    for (qsizetype i = buffer.indexOf('\n', from); i >= 0; i = buffer.indexOf('\n', i + 1)) {
        if (i + 1 < buffer.size() && buffer.at(i + 1) == '\n')
            return i + 2;
        if (i + 2 < buffer.size() && buffer.at(i + 1) == '\r' && buffer.at(i + 2) == '\n')
            return i + 3;
    }
    return -1;
}

} // namespace

HttpRequestParser::Status HttpRequestParser::feed(QByteArrayView bytes)
{
    if (m_status != Status::Incomplete)
        return m_status;
    m_buffer.append(bytes);
    m_status = parse();
    if (m_status != Status::Incomplete)
        m_buffer.clear();
    return m_status;
}

QByteArray HttpRequestParser::header(QByteArrayView name) const
{
    for (const auto &[key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

qsizetype HttpRequestParser::headerCount(QByteArrayView name) const
{
    qsizetype count = 0;
    for (const auto &header : m_headers)
        count += header.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return count;
}

HttpRequestParser::Status HttpRequestParser::parse()
{
    // RFC 9112 §2.2: an empty line before the request line is tolerated (old clients send
    // one after a POST body). More than a couple are not a request.
    qsizetype skipped = 0;
    while (m_buffer.startsWith('\n') || m_buffer.startsWith("\r\n")) {
        const qsizetype length = m_buffer.startsWith('\n') ? 1 : 2;
        m_buffer.remove(0, length);
        skipped += length;
    }
    if (skipped > 4 || !methodPrefixIsValid())
        return Status::BadRequest;

    const qsizetype lineEnd = m_buffer.indexOf('\n');
    if (lineEnd < 0)
        return m_buffer.size() > kMaxRequestLine ? Status::UriTooLong : Status::Incomplete;
    if (lineEnd > kMaxRequestLine)
        return Status::UriTooLong;

    const qsizetype headEnd = endOfHead(m_buffer, lineEnd);
    const qsizetype sectionSize = (headEnd < 0 ? m_buffer.size() : headEnd) - lineEnd - 1;
    if (sectionSize > kMaxHeaderSection)
        return Status::HeadersTooLarge;
    if (headEnd < 0)
        return Status::Incomplete;

    const QByteArrayView head(m_buffer.constData(), headEnd);
    if (const Status line = parseRequestLine(head.first(lineEnd)); line != Status::Complete)
        return line;
    return parseHeaderLines(head.sliced(lineEnd + 1));
}

// Rejects a peer that is not speaking HTTP (a TLS hello, a stray protocol) on its first bytes
// instead of waiting for a line that never comes.
bool HttpRequestParser::methodPrefixIsValid() const
{
    const qsizetype space = m_buffer.indexOf(' ');
    const QByteArrayView method =
        QByteArrayView(m_buffer).first(space < 0 ? m_buffer.size() : space);
    if (method.size() > kMaxMethod)
        return false;
    for (char c : method) {
        if (!isTchar(c))
            return false;
    }
    return space != 0;
}

HttpRequestParser::Status HttpRequestParser::parseRequestLine(QByteArrayView line)
{
    line = withoutCarriageReturn(line);
    const QList<QByteArray> parts = line.toByteArray().split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || !isOriginForm(parts.at(1)))
        return Status::BadRequest;
    if (parts.at(2) != "HTTP/1.1" && parts.at(2) != "HTTP/1.0")
        return Status::BadRequest;
    m_method = parts.at(0);
    m_target = parts.at(1);
    m_version = parts.at(2);
    return Status::Complete;
}

HttpRequestParser::Status HttpRequestParser::parseHeaderLines(QByteArrayView section)
{
    const QList<QByteArray> lines = section.toByteArray().split('\n');
    for (const QByteArray &rawLine : lines) {
        const QByteArrayView line = withoutCarriageReturn(rawLine);
        if (line.isEmpty())
            continue;
        // Obsolete line folding and stray CRs are refused (RFC 9112 §5.2, §2.2).
        if (line.front() == ' ' || line.front() == '\t' || line.contains('\r'))
            return Status::BadRequest;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon)))
            return Status::BadRequest;
        if (m_headers.size() == kMaxHeaderCount)
            return Status::HeadersTooLarge;
        m_headers.append(
            {line.first(colon).toByteArray(), trimmedBlanks(line.sliced(colon + 1)).toByteArray()});
    }
    return Status::Complete;
}

} // namespace EasyCrm::OAuth
