#include "fakehttpserver.h"

#include <QTcpSocket>
#include <QUrl>

#include <optional>

namespace {

// Returns the request once its head and Content-Length body are all in `buffer`.
std::optional<FakeHttpServer::Request> takeRequest(QByteArray &buffer)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    FakeHttpServer::Request request;
    const QList<QByteArray> lines = buffer.first(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        request.headers.append(
            {lines.at(i).first(colon).trimmed(), lines.at(i).sliced(colon + 1).trimmed()});
    }
    const qsizetype length = request.header("Content-Length").toLongLong();
    if (buffer.size() < headEnd + 4 + length)
        return std::nullopt;
    request.body = buffer.sliced(headEnd + 4, length);
    buffer.remove(0, headEnd + 4 + length);
    return request;
}

} // namespace

QByteArray FakeHttpServer::Request::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

FakeHttpServer::FakeHttpServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FakeHttpServer::accept);
}

bool FakeHttpServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost);
}

QUrl FakeHttpServer::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
}

void FakeHttpServer::respond(int status, const QByteArray &body, const QByteArray &contentType)
{
    m_answers.append("HTTP/1.1 " + QByteArray::number(status) + " Scripted\r\nContent-Type: " +
                     contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) +
                     "\r\nConnection: close\r\n\r\n" + body);
}

void FakeHttpServer::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        ++m_connections;
        auto *buffer = new QByteArray;
        connect(socket, &QObject::destroyed, this, [buffer] { delete buffer; });
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            if (std::optional<Request> request = takeRequest(*buffer)) {
                m_requests.append(*request);
                answer(socket);
            }
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void FakeHttpServer::answer(QTcpSocket *socket)
{
    if (m_mute)
        return;
    const QByteArray response = m_answers.size() > 1 ? m_answers.takeFirst() : m_answers.value(0);
    socket->write(response);
    socket->disconnectFromHost();
}
