#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

namespace EasyCrm::Testing {

// A provider's token and profile endpoints on 127.0.0.1 that answer whatever the test
// scripted: any status and body, late, or never. What a real server will not produce is
// produced here. It keeps every request byte for byte and reads requests with its own code,
// independent of the product's parser.
class FakeProvider final : public QObject
{
    Q_OBJECT

public:
    struct Reply
    {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
        int delayMs = 0;     // answered from a timer, so the event loop keeps spinning
        bool silent = false; // the request is read and never answered
    };

    struct Request
    {
        QByteArray method;
        QByteArray target; // path and query, as sent
        QByteArray head;   // the request line and headers, as sent
        QByteArray body;
    };

    explicit FakeProvider(QObject *parent = nullptr);
    // Connections still open (a silent reply) close without calling back into a half-gone
    // provider.
    ~FakeProvider() override;

    [[nodiscard]] bool listen();
    // http://127.0.0.1:<port>, without a trailing slash: the issuer identifier.
    QUrl issuer() const;

    // The answer to every request for this path (without the query); 404 for paths without
    // a script.
    void script(const QByteArray &path, const Reply &reply);
    [[nodiscard]] QList<Request> requestsTo(const QByteArray &path) const;
    [[nodiscard]] int count(const QByteArray &path) const { return requestsTo(path).size(); }

signals:
    void requestReceived(const QByteArray &path);
    void answered(const QByteArray &path);

private:
    void accept();
    void read(QTcpSocket *socket);
    void answer(QTcpSocket *socket, const QByteArray &path, const Reply &reply);

    QTcpServer m_server;
    QHash<QByteArray, Reply> m_replies;
    QHash<QTcpSocket *, QByteArray> m_pending; // bytes of requests not yet complete
    QList<Request> m_requests;
};

} // namespace EasyCrm::Testing
