#include "tests/lifecycle/faketokenendpoint.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace EasyCrm::Testing {

FakeTokenEndpoint::FakeTokenEndpoint(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        }
    });
}

bool FakeTokenEndpoint::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl FakeTokenEndpoint::issuer() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
}

void FakeTokenEndpoint::read(QTcpSocket *socket)
{
    // Buffer in a property until the head and Content-Length bytes of body are in.
    QByteArray data = socket->property("buffer").toByteArray() + socket->readAll();
    socket->setProperty("buffer", data);
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;
    qsizetype length = 0;
    for (const QByteArray &line : data.left(headEnd).split('\n')) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (data.size() < headEnd + 4 + length)
        return;
    const QList<QByteArray> requestLine = data.left(data.indexOf("\r\n")).split(' ');
    m_bodies.append(data.mid(headEnd + 4, length));
    m_requests.append({requestLine.value(0), requestLine.value(1), m_bodies.last()});
    emit requestReceived();
    if (m_holding)
        m_held.append(socket);
    else
        answer(socket);
}

void FakeTokenEndpoint::answer(QTcpSocket *socket)
{
    const QByteArray head = "HTTP/1.1 " + QByteArray::number(m_reply.status) +
                            " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
                            QByteArray::number(m_reply.body.size()) +
                            "\r\nConnection: close\r\n\r\n";
    socket->write(head + m_reply.body);
    socket->disconnectFromHost();
}

void FakeTokenEndpoint::release()
{
    const auto held = std::exchange(m_held, {});
    for (const QPointer<QTcpSocket> &socket : held) {
        if (socket)
            answer(socket);
    }
}

QByteArray tokenJson(const QByteArray &access, const QByteArray &refresh, int expiresIn)
{
    QJsonObject object{{QStringLiteral("access_token"), QString::fromLatin1(access)},
                       {QStringLiteral("token_type"), QStringLiteral("Bearer")},
                       {QStringLiteral("expires_in"), expiresIn}};
    if (!refresh.isNull())
        object.insert(QStringLiteral("refresh_token"), QString::fromLatin1(refresh));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray errorJson(const QByteArray &error)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), QString::fromLatin1(error)}})
        .toJson(QJsonDocument::Compact);
}

QByteArray graphErrorJson(int code, const QByteArray &type, const QByteArray &message)
{
    const QJsonObject error{{QStringLiteral("message"), QString::fromLatin1(message)},
                            {QStringLiteral("type"), QString::fromLatin1(type)},
                            {QStringLiteral("code"), code},
                            {QStringLiteral("fbtrace_id"), QStringLiteral("AbCdEf")}};
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}})
        .toJson(QJsonDocument::Compact);
}

} // namespace EasyCrm::Testing
