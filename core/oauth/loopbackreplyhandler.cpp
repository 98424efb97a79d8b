#include "core/oauth/loopbackreplyhandler.h"

#include "core/oauth/logging.h"

#include <QTcpSocket>
#include <QTimer>

#include <chrono>

namespace EasyCrm::OAuth {

namespace {

using namespace std::chrono_literals;

constexpr QByteArrayView kCallbackPath = "/api/integrations/social/callback";
// A browser opens a few speculative connections; more than this is not a browser.
constexpr qsizetype kMaxConnections = 16;
// A connection that has not sent a whole request head by then is dropped.
constexpr auto kIdleTimeout = 10s;
constexpr qsizetype kMaxDescriptionInPage = 300;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Error";
    }
}

// application/x-www-form-urlencoded, as RFC 6749 Appendix B prescribes for the redirect
// query: '+' is a space, then percent-decoding.
QByteArray formDecode(QByteArray bytes)
{
    bytes.replace('+', ' ');
    return QByteArray::fromPercentEncoding(bytes);
}

QMultiHash<QString, QByteArray> decodeQuery(const QByteArray &query)
{
    QMultiHash<QString, QByteArray> parameters;
    for (const QByteArray &pair : query.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        const QByteArray key = equals < 0 ? pair : pair.first(equals);
        const QByteArray value = equals < 0 ? QByteArray() : pair.sliced(equals + 1);
        parameters.insert(QString::fromUtf8(formDecode(key)), formDecode(value));
    }
    return parameters;
}

QString text(const QMultiHash<QString, QByteArray> &parameters, const QString &key)
{
    return QString::fromUtf8(parameters.value(key));
}

} // namespace

struct LoopbackReplyHandler::Answer
{
    int status = 200;
    QString title;
    QString message;
    QByteArray extraHeaders;
    // Emitted once the answer is on its way, so a receiver may close the handler at once.
    std::function<void()> notify;
};

LoopbackReplyHandler::Answer LoopbackReplyHandler::page(int status, const QString &title,
                                                        const QString &message)
{
    Answer answer;
    answer.status = status;
    answer.title = title;
    answer.message = message;
    return answer;
}

LoopbackReplyHandler::Answer LoopbackReplyHandler::badRequest()
{
    return page(400, tr("Bad request"), tr("This is not a request EasyCRM expects."));
}

QString stateVerdictName(StateVerdict verdict)
{
    switch (verdict) {
    case StateVerdict::Accepted:
        return QStringLiteral("Accepted");
    case StateVerdict::Missing:
        return QStringLiteral("Missing");
    case StateVerdict::Unknown:
        return QStringLiteral("Unknown");
    case StateVerdict::Expired:
        return QStringLiteral("Expired");
    case StateVerdict::AlreadyUsed:
        return QStringLiteral("AlreadyUsed");
    }
    return QStringLiteral("Unknown");
}

LoopbackReplyHandler::LoopbackReplyHandler(QObject *parent)
    : QAbstractOAuthReplyHandler(parent)
{
    m_server.setMaxPendingConnections(kMaxConnections);
    connect(&m_server, &QTcpServer::newConnection, this, &LoopbackReplyHandler::acceptConnections);
    m_wait.setSingleShot(true);
    connect(&m_wait, &QTimer::timeout, this, &LoopbackReplyHandler::endWait);
}

LoopbackReplyHandler::~LoopbackReplyHandler()
{
    close();
}

void LoopbackReplyHandler::setStateValidator(StateValidator validator)
{
    m_validator = std::move(validator);
}

void LoopbackReplyHandler::setWaitLimit(std::chrono::milliseconds limit)
{
    m_wait.setInterval(limit);
    if (limit > 0ms && isListening() && !m_completed)
        m_wait.start();
    else
        m_wait.stop();
}

Result<void> LoopbackReplyHandler::listen(quint16 port)
{
    close();
    m_completed = false;
    // RFC 8252 §7.3 and §8.3: the loopback IP literal, never every interface.
    if (m_server.listen(QHostAddress::LocalHost, port)) {
        qCInfo(lcLoopback) << "Listening for the authorization redirect on port"
                           << m_server.serverPort();
        if (m_wait.intervalAsDuration() > 0ms)
            m_wait.start();
        return {};
    }
    const QString reason = m_server.errorString();
    qCWarning(lcLoopback) << "Cannot listen on port" << port << ":" << reason;
    if (m_server.serverError() == QAbstractSocket::AddressInUseError) {
        return makeError(ErrorCode::PortInUse,
                         tr("Port %1 on this computer is already used by another program. "
                            "Close that program, or ask your administrator to register "
                            "another port.")
                             .arg(port),
                         reason);
    }
    return makeError(ErrorCode::ListenFailed,
                     tr("EasyCRM cannot receive the answer from the browser on this computer."),
                     reason);
}

void LoopbackReplyHandler::close()
{
    m_wait.stop();
    const bool wasListening = m_server.isListening();
    m_server.close();
    const QList<QTcpSocket *> open = m_connections.keys();
    m_connections.clear();
    for (QTcpSocket *socket : open)
        socket->abort();
    if (wasListening)
        qCInfo(lcLoopback) << "Stopped listening; dropped" << open.size() << "open connections";
}

bool LoopbackReplyHandler::isListening() const
{
    return m_server.isListening();
}

quint16 LoopbackReplyHandler::port() const
{
    return m_server.serverPort();
}

QString LoopbackReplyHandler::callback() const
{
    return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(callbackPath());
}

QString LoopbackReplyHandler::callbackPath()
{
    return QString::fromLatin1(kCallbackPath);
}

void LoopbackReplyHandler::networkReplyFinished(QNetworkReply *reply)
{
    Q_UNUSED(reply)
    qCWarning(lcLoopback) << "A token reply was routed to the loopback listener and ignored";
}

// Nobody came back in time. RFC 8252 §8.3: the port is open only while a response is expected.
void LoopbackReplyHandler::endWait()
{
    qCInfo(lcLoopback) << "No authorization response within the wait limit";
    close();
    emit timedOut();
}

void LoopbackReplyHandler::acceptConnections()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_connections.size() >= kMaxConnections) {
            qCWarning(lcLoopback) << "Too many open connections; dropping a new one";
            socket->abort();
            socket->deleteLater();
            continue;
        }
        watch(socket);
    }
}

void LoopbackReplyHandler::watch(QTcpSocket *socket)
{
    m_connections.insert(socket, HttpRequestParser());
    auto *idle = new QTimer(socket);
    idle->setSingleShot(true);
    connect(idle, &QTimer::timeout, socket, &QTcpSocket::abort);
    idle->start(kIdleTimeout);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] { forget(socket); });
}

void LoopbackReplyHandler::readFrom(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end()) {
        // Already answered: whatever else arrives is read and dropped, so that closing does
        // not reset the connection before the browser has read the answer.
        socket->readAll();
        return;
    }
    using Status = HttpRequestParser::Status;
    switch (it->feed(socket->readAll())) {
    case Status::Incomplete:
        return;
    case Status::BadRequest:
        send(socket, badRequest());
        return;
    case Status::UriTooLong:
        send(socket, page(414, tr("Request too long"), tr("The address is too long.")));
        return;
    case Status::HeadersTooLarge:
        send(socket, page(431, tr("Request too large"), tr("The request is too large.")));
        return;
    case Status::Complete:
        // Taken out first: the state validator runs foreign code that may close the handler.
        const HttpRequestParser request = m_connections.take(socket);
        send(socket, answerTo(request, socket->peerAddress().toString()));
        return;
    }
}

LoopbackReplyHandler::Answer LoopbackReplyHandler::answerTo(const HttpRequestParser &request,
                                                            const QString &clientAddress)
{
    const QByteArray &target = request.target();
    const qsizetype question = target.indexOf('?');
    const QByteArrayView path =
        QByteArrayView(target).first(question < 0 ? target.size() : question);
    // Exact path (RFC 8252 §7.3); browsers also ask for /favicon.ico.
    if (path != kCallbackPath) {
        qCDebug(lcLoopback) << "Answered 404 to a request for another path";
        return page(404, tr("Not found"), tr("There is nothing here."));
    }
    if (request.method() != "GET") {
        qCDebug(lcLoopback) << "Answered 405 to a" << request.method() << "request";
        Answer answer = page(405, tr("Method not allowed"), tr("Only GET is answered here."));
        answer.extraHeaders = "Allow: GET\r\n";
        return answer;
    }
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1. Naming another host means the browser
    // was led here by a rebound DNS name, not by the provider's redirect.
    const QByteArray expectedHost = "127.0.0.1:" + QByteArray::number(port());
    const qsizetype hosts = request.headerCount("Host");
    const bool http10 = request.version() == "HTTP/1.0";
    if ((hosts == 0 && !http10) || hosts > 1 ||
        (hosts == 1 && request.header("Host").compare(expectedHost, Qt::CaseInsensitive))) {
        qCWarning(lcLoopback) << "Answered 400 to a callback with an unexpected Host";
        return badRequest();
    }
    return answerCallback(question < 0 ? QByteArray() : target.sliced(question + 1), clientAddress);
}

LoopbackReplyHandler::Answer LoopbackReplyHandler::answerCallback(const QByteArray &query,
                                                                  const QString &clientAddress)
{
    const QMultiHash<QString, QByteArray> parameters = decodeQuery(query);
    // RFC 6749 §3.1: a parameter is never sent twice; which of two codes would be the one?
    for (const char *key : {"code", "error", "error_description", "iss"}) {
        if (parameters.count(QString::fromLatin1(key)) > 1) {
            qCWarning(lcLoopback) << "Answered 400 to a callback repeating" << key;
            return badRequest();
        }
    }
    const QList<QByteArray> states = parameters.values(QStringLiteral("state"));
    StateVerdict verdict = StateVerdict::Missing;
    if (states.size() == 1 && !states.first().isEmpty())
        verdict = m_validator ? m_validator(states.first()) : StateVerdict::Unknown;
    // Only one authorization per listening session, whatever the validator says.
    if (verdict == StateVerdict::Accepted && m_completed)
        verdict = StateVerdict::AlreadyUsed;
    if (verdict == StateVerdict::Accepted)
        return completeAuthorization(parameters);

    qCWarning(lcLoopback) << "Rejected a callback; state" << stateVerdictName(verdict);
    Answer answer =
        page(400, tr("Sign-in link not valid"),
             tr("This sign-in response does not belong to a connection EasyCRM is "
                "waiting for, or it has expired. Return to EasyCRM and connect again."));
    answer.notify = [this, verdict, clientAddress] {
        emit stateRejected(verdict, clientAddress);
    };
    return answer;
}

LoopbackReplyHandler::Answer
LoopbackReplyHandler::completeAuthorization(const QMultiHash<QString, QByteArray> &parameters)
{
    m_completed = true;
    m_wait.stop();
    const QByteArray state = parameters.value(QStringLiteral("state"));
    const QString issuer = text(parameters, QStringLiteral("iss"));
    const QByteArray code = parameters.value(QStringLiteral("code"));
    const QString error = text(parameters, QStringLiteral("error"));
    if (error.isEmpty() && !code.isEmpty()) {
        qCInfo(lcLoopback) << "Received an authorization response";
        Answer answer = page(200, tr("Authorization received"),
                             tr("EasyCRM received the authorization. You can close this tab and "
                                "return to EasyCRM."));
        answer.notify = [this, response = AuthorizationResponse{code, state, issuer}] {
            emit authorizationReceived(response);
        };
        return answer;
    }
    AuthorizationErrorResponse response{
        error, text(parameters, QStringLiteral("error_description")), state, issuer};
    // Neither a code nor an error (RFC 6749 §4.1.2): a malformed response.
    const bool malformed = error.isEmpty();
    if (malformed)
        response = {QStringLiteral("invalid_request"), QString(), state, issuer};
    qCInfo(lcLoopback) << "Received an authorization error response";
    Answer answer = page(malformed ? 400 : 200, tr("Not authorized"),
                         deniedMessage(response.error, response.description));
    answer.notify = [this, response] {
        emit authorizationFailed(response);
    };
    return answer;
}

QString LoopbackReplyHandler::deniedMessage(const QString &error, const QString &description)
{
    if (error == u"access_denied") {
        return tr("Social connection was not authorized. The required scopes are needed for "
                  "listening and engagement. You can close this tab and return to EasyCRM.");
    }
    if (description.isEmpty()) {
        //: %1 is the provider's error code, as the provider sent it.
        return tr("The provider did not authorize the connection (%1). You can close this tab "
                  "and return to EasyCRM.")
            .arg(error.left(64));
    }
    //: %1 is the provider's error code, %2 its description; both come from the provider.
    return tr("The provider did not authorize the connection (%1: %2). You can close this tab "
              "and return to EasyCRM.")
        .arg(error.left(64), description.left(kMaxDescriptionInPage));
}

void LoopbackReplyHandler::send(QTcpSocket *socket, const Answer &answer)
{
    m_connections.remove(socket);
    // Every text is escaped here, so provider text never becomes markup.
    const QByteArray body = QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                           "<title>%1</title></head>\n<body><h1>%1</h1>\n"
                                           "<p>%2</p></body></html>\n")
                                .arg(answer.title.toHtmlEscaped(), answer.message.toHtmlEscaped())
                                .toUtf8();
    QByteArray head = "HTTP/1.1 " + QByteArray::number(answer.status) + ' ' +
                      reasonPhrase(answer.status) + "\r\n";
    head += "Content-Type: text/html; charset=utf-8\r\n"
            "Content-Length: " +
            QByteArray::number(body.size()) +
            "\r\n"
            "Cache-Control: no-store\r\n"
            // The page's address holds the code: it must not leak as a referrer.
            "Referrer-Policy: no-referrer\r\n"
            "X-Content-Type-Options: nosniff\r\n"
            "Content-Security-Policy: default-src 'none'\r\n"
            "Connection: close\r\n" +
            answer.extraHeaders + "\r\n";
    socket->write(head + body);
    socket->flush();
    socket->disconnectFromHost();
    qCDebug(lcLoopback) << "Answered" << answer.status;
    if (answer.notify)
        answer.notify();
}

void LoopbackReplyHandler::forget(QTcpSocket *socket)
{
    m_connections.remove(socket);
    socket->deleteLater();
}

} // namespace EasyCrm::OAuth
