#pragma once

#include "core/common/result.h"
#include "core/oauth/httprequestparser.h"

#include <QAbstractOAuthReplyHandler>
#include <QByteArray>
#include <QHash>
#include <QMetaType>
#include <QString>
#include <QTcpServer>
#include <QTimer>

#include <chrono>
#include <functional>

class QTcpSocket;

namespace EasyCrm::OAuth {

// A successful authorization response (RFC 6749 §4.1.2), fully decoded.
struct AuthorizationResponse
{
    QByteArray code;
    QByteArray state;
    QString issuer; // RFC 9207 `iss`, empty when the provider did not send it
};

// An error authorization response (RFC 6749 §4.1.2.1), fully decoded.
struct AuthorizationErrorResponse
{
    QString error;
    QString description;
    QByteArray state;
    QString issuer;
};

// What the owner of the pending authorizations says of a returned state.
enum class StateVerdict { Accepted, Missing, Unknown, Expired, AlreadyUsed };

// "Accepted", "Missing", ... for logs and security records.
[[nodiscard]] QString stateVerdictName(StateVerdict verdict);

// The loopback redirect listener of a native app (RFC 8252 §7.3). It replaces Qt 6.4's
// QOAuthHttpServerReplyHandler, which listens on every interface, matches the path by prefix,
// answers 200 to anything and loses requests split across TCP segments.
//
//   browser ──GET /api/integrations/social/callback?code&state──► parse (limits, 400/414/431)
//      path exact? (404) ─ GET? (405) ─ Host ours? (400) ─ state validator ─┬─ rejected: 400,
//                                                                           │  stateRejected
//                                                                           └─ accepted: 200 page,
//                                         authorizationReceived | authorizationFailed, once
//   no accepted callback within the wait limit: closed, timedOut
//
// It never emits QAbstractOAuthReplyHandler::callbackReceived: that would make Qt's flow
// request the token itself, with the code percent-encoded twice.
class LoopbackReplyHandler final : public QAbstractOAuthReplyHandler
{
    Q_OBJECT

public:
    using StateValidator = std::function<StateVerdict(const QByteArray &state)>;

    explicit LoopbackReplyHandler(QObject *parent = nullptr);
    ~LoopbackReplyHandler() override;

    // Asked once for every callback that carries exactly one state. Without a validator
    // every state is Unknown: the listener fails closed.
    void setStateValidator(StateValidator validator);

    // How long the listener waits for the authorization response, counted from listen(), or
    // from now when it already listens; zero (the default) waits until close(). When it is
    // over the listener closes and emits timedOut(). An accepted callback ends the wait.
    void setWaitLimit(std::chrono::milliseconds limit);

    // Listens on 127.0.0.1 only; port 0 picks a free port. PortInUse when a fixed port is
    // taken, ListenFailed otherwise.
    [[nodiscard]] Result<void> listen(quint16 port = 0);
    // Stops listening, ends the wait and drops every open connection.
    void close();
    bool isListening() const;
    quint16 port() const;

    // http://127.0.0.1:<port>/api/integrations/social/callback
    QString callback() const override;
    static QString callbackPath();

public slots:
    // Token replies never come through here: the product's TokenClient reads them.
    void networkReplyFinished(QNetworkReply *reply) override;

signals:
    void authorizationReceived(const EasyCrm::OAuth::AuthorizationResponse &response);
    void authorizationFailed(const EasyCrm::OAuth::AuthorizationErrorResponse &response);
    void stateRejected(EasyCrm::OAuth::StateVerdict verdict, const QString &clientAddress);
    // The wait limit passed without an accepted callback; the listener is already closed.
    void timedOut();

private:
    struct Answer;

    void acceptConnections();
    void endWait();
    void watch(QTcpSocket *socket);
    void readFrom(QTcpSocket *socket);
    Answer answerTo(const HttpRequestParser &request, const QString &clientAddress);
    Answer answerCallback(const QByteArray &query, const QString &clientAddress);
    Answer completeAuthorization(const QMultiHash<QString, QByteArray> &parameters);
    static Answer page(int status, const QString &title, const QString &message);
    static Answer badRequest();
    static QString deniedMessage(const QString &error, const QString &description);
    void send(QTcpSocket *socket, const Answer &answer);
    void forget(QTcpSocket *socket);

    QTcpServer m_server;
    QTimer m_wait;
    StateValidator m_validator;
    // Connections whose request is still being read; answered ones close on their own.
    QHash<QTcpSocket *, HttpRequestParser> m_connections;
    bool m_completed = false;
};

} // namespace EasyCrm::OAuth

Q_DECLARE_METATYPE(EasyCrm::OAuth::AuthorizationResponse)
Q_DECLARE_METATYPE(EasyCrm::OAuth::AuthorizationErrorResponse)
Q_DECLARE_METATYPE(EasyCrm::OAuth::StateVerdict)
