#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QTcpServer>

class QTcpSocket;

// A provider endpoint on 127.0.0.1 for tests: records every request byte for byte and answers
// with what the test scripted, or never answers. Its request reading is its own, independent
// of the product's parser.
class FakeHttpServer final : public QObject
{
    Q_OBJECT

public:
    struct Request
    {
        QByteArray method;
        QByteArray target;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(const QByteArray &name) const;
    };

    explicit FakeHttpServer(QObject *parent = nullptr);

    bool listen();
    QUrl url(const QString &path) const;

    // The next answers; the last one repeats.
    void respond(int status, const QByteArray &body,
                 const QByteArray &contentType = "application/json");
    // Accept requests and never answer them.
    void stayMute() { m_mute = true; }

    const QList<Request> &requests() const { return m_requests; }
    int connectionCount() const { return m_connections; }

private:
    void accept();
    void answer(QTcpSocket *socket);

    QTcpServer m_server;
    QList<QByteArray> m_answers;
    QList<Request> m_requests;
    int m_connections = 0;
    bool m_mute = false;
};
