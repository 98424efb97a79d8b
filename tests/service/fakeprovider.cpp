#include "tests/service/fakeprovider.h"

#include <QTcpSocket>
#include <QTimer>

namespace EasyCrm::Testing {

namespace {

// The body length a request announces; 0 without a Content-Length header.
qsizetype contentLength(const QByteArray &head)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().toLower() == "content-length")
            return line.sliced(colon + 1).trimmed().toLongLong();
    }
    return 0;
}

QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

} // namespace

FakeProvider::FakeProvider(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FakeProvider::accept);
}

FakeProvider::~FakeProvider()
{
    // The sockets are the server's children and outlive this object's other members.
    const auto sockets = m_server.findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets)
        disconnect(socket, nullptr, this, nullptr);
}

bool FakeProvider::listen()
{
    return m_server.listen(QHostAddress::LocalHost);
}

QUrl FakeProvider::issuer() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_server.serverPort());
    return url;
}

void FakeProvider::script(const QByteArray &path, const Reply &reply)
{
    m_replies.insert(path, reply);
}

QList<FakeProvider::Request> FakeProvider::requestsTo(const QByteArray &path) const
{
    QList<Request> matching;
    for (const Request &request : m_requests) {
        if (request.target.split('?').first() == path)
            matching.append(request);
    }
    return matching;
}

void FakeProvider::accept()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        m_pending.insert(socket, QByteArray());
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_pending.remove(socket);
            socket->deleteLater();
        });
    }
}

void FakeProvider::read(QTcpSocket *socket)
{
    auto it = m_pending.find(socket);
    if (it == m_pending.end()) {
        socket->readAll();
        return;
    }
    it->append(socket->readAll());
    const qsizetype headEnd = it->indexOf("\r\n\r\n");
    if (headEnd < 0)
        return;
    const QByteArray head = it->first(headEnd);
    const qsizetype bodyStart = headEnd + 4;
    if (it->size() - bodyStart < contentLength(head))
        return;

    Request request;
    const QList<QByteArray> requestLine = head.first(head.indexOf("\r\n")).split(' ');
    request.method = requestLine.value(0);
    request.target = requestLine.value(1);
    request.head = head;
    request.body = it->sliced(bodyStart);
    m_pending.erase(it);
    m_requests.append(request);
    const QByteArray path = request.target.split('?').first();
    emit requestReceived(path);

    const Reply reply = m_replies.value(path, Reply{404, QByteArray("{}")});
    if (reply.silent)
        return;
    if (reply.delayMs <= 0) {
        answer(socket, path, reply);
        return;
    }
    // The socket is the context: a client that gave up takes the pending answer with it.
    QTimer::singleShot(reply.delayMs, socket,
                       [this, socket, path, reply] { answer(socket, path, reply); });
}

void FakeProvider::answer(QTcpSocket *socket, const QByteArray &path, const Reply &reply)
{
    QByteArray response =
        "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reason(reply.status) + "\r\n";
    response += "Content-Type: " + reply.contentType + "\r\n";
    response += "Content-Length: " + QByteArray::number(reply.body.size()) + "\r\n";
    response += "Connection: close\r\n\r\n" + reply.body;
    socket->write(response);
    socket->disconnectFromHost();
    emit answered(path);
}

} // namespace EasyCrm::Testing
