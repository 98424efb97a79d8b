#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

namespace EasyCrm::Testing {

// A token endpoint on 127.0.0.1 that answers what the test scripted, or holds requests until
// the test releases them — so a test can act while a refresh is in flight. It reads requests
// with its own code, independent of the product's.
class FakeTokenEndpoint final : public QObject
{
    Q_OBJECT

public:
    struct Reply
    {
        int status = 200;
        QByteArray body;
    };
    struct Request
    {
        QByteArray method;
        QByteArray target; // path and query, as sent
        QByteArray body;
    };

    explicit FakeTokenEndpoint(QObject *parent = nullptr);

    [[nodiscard]] bool listen();
    QUrl issuer() const;

    // Every request gets this answer from now on.
    void setReply(const Reply &reply) { m_reply = reply; }
    // Held requests wait for release(); the ones already held are not answered by this.
    void setHolding(bool hold) { m_holding = hold; }
    int heldCount() const { return int(m_held.size()); }
    // Answers every held request with the current reply.
    void release();

    // Bodies of the requests received so far (form-encoded), in order.
    const QList<QByteArray> &bodies() const { return m_bodies; }
    // The requests received so far, in order.
    const QList<Request> &requests() const { return m_requests; }

signals:
    void requestReceived();

private:
    void read(QTcpSocket *socket);
    void answer(QTcpSocket *socket);

    QTcpServer m_server;
    Reply m_reply;
    bool m_holding = false;
    QList<QPointer<QTcpSocket>> m_held;
    QList<QByteArray> m_bodies;
    QList<Request> m_requests;
};

// A token response as the sandbox would send it.
[[nodiscard]] QByteArray tokenJson(const QByteArray &access, const QByteArray &refresh,
                                   int expiresIn = 3600);
[[nodiscard]] QByteArray errorJson(const QByteArray &error);
// A Graph API error object, as Facebook and Instagram answer: {"error": {"message", "type",
// "code"}}.
[[nodiscard]] QByteArray graphErrorJson(int code, const QByteArray &type = "OAuthException",
                                        const QByteArray &message = "Error validating token");

} // namespace EasyCrm::Testing
