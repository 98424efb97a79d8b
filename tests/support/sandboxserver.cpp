#include "tests/support/sandboxserver.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QStandardPaths>
#include <QTimer>
#include <QUrlQuery>

namespace EasyCrm::Testing {

QString sandboxDirectory()
{
    return QStringLiteral(EASYCRM_SANDBOX_DIR);
}

QString nodeExecutable()
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    return node.isEmpty() ? QStringLiteral("node") : node;
}

SandboxServer::~SandboxServer()
{
    stop();
}

bool SandboxServer::start(const QStringList &extraArguments)
{
    m_process.setProgram(nodeExecutable());
    m_process.setArguments(QStringList{sandboxDirectory() + u"/server.mjs"_qs,
                                       QStringLiteral("--port"), QStringLiteral("0")}
                           + extraArguments);
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.start();
    if (!m_process.waitForStarted(10000)) {
        m_error = QStringLiteral("node could not be started: ") + m_process.errorString();
        return false;
    }
    // The ready line comes once the server listens; waitForReadyRead wakes on output, it
    // does not sleep a fixed time.
    while (!m_process.canReadLine()) {
        if (!m_process.waitForReadyRead(20000)) {
            m_error = QStringLiteral("the sandbox did not become ready: ")
                      + QString::fromUtf8(m_process.readAllStandardError());
            return false;
        }
    }
    const QJsonObject ready = QJsonDocument::fromJson(m_process.readLine()).object();
    m_issuer = QUrl(ready.value(u"issuer").toString(), QUrl::StrictMode);
    if (!ready.value(u"ready").toBool() || !m_issuer.isValid()) {
        m_error = QStringLiteral("unexpected ready line from the sandbox");
        return false;
    }
    return true;
}

void SandboxServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
}

QByteArray SandboxServer::diagnostics()
{
    m_stderr += m_process.readAllStandardError();
    return m_stderr;
}

std::pair<int, QByteArray> SandboxServer::send(const QByteArray &method, const QString &path,
                                               const QByteArray &contentType,
                                               const QByteArray &body)
{
    QNetworkAccessManager network;
    QUrl url = m_issuer;
    url.setPath(path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QString::fromLatin1(contentType));
    request.setTransferTimeout(10000);
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray answer = reply->readAll();
    reply->deleteLater();
    return {status, answer};
}

QJsonObject SandboxServer::call(const QByteArray &method, const QString &path,
                                const QJsonObject &body)
{
    const auto [status, answer] =
        send(method, path, "application/json",
             method == "GET" ? QByteArray() : QJsonDocument(body).toJson());
    if (status != 200)
        return QJsonObject{{QStringLiteral("failed"), true}};
    QJsonObject object = QJsonDocument::fromJson(answer).object();
    object.insert(QStringLiteral("failed"), false);
    return object;
}

QJsonObject SandboxServer::lastExchange()
{
    return call("GET", QStringLiteral("/__sandbox/last-exchange"));
}

int SandboxServer::refreshStatus(const QString &refreshToken)
{
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("refresh_token"));
    form.addQueryItem(QStringLiteral("refresh_token"), refreshToken);
    form.addQueryItem(QStringLiteral("client_id"), clientId());
    form.addQueryItem(QStringLiteral("client_secret"), QString::fromLatin1(clientSecret()));
    return send("POST", QStringLiteral("/token"), "application/x-www-form-urlencoded",
                form.toString(QUrl::FullyEncoded).toUtf8())
        .first;
}

bool SandboxServer::nextInteraction(const QString &login, const QString &decision)
{
    return !call("POST", QStringLiteral("/__sandbox/next-interaction"),
                 {{QStringLiteral("login"), login}, {QStringLiteral("decision"), decision}})
                .value(u"failed")
                .toBool();
}

bool SandboxServer::revokeGrants(const QString &login)
{
    return !call("POST", QStringLiteral("/__sandbox/revoke-grants"),
                 {{QStringLiteral("login"), login}})
                .value(u"failed")
                .toBool();
}

bool SandboxServer::configure(const QJsonObject &settings)
{
    const QJsonObject answer = call("POST", QStringLiteral("/__sandbox/config"), settings);
    for (auto it = settings.begin(); it != settings.end(); ++it) {
        if (answer.value(it.key()) != it.value())
            return false;
    }
    return true;
}

QJsonObject SandboxServer::stats()
{
    return call("GET", QStringLiteral("/__sandbox/stats"));
}

bool SandboxServer::resetStats()
{
    return !call("POST", QStringLiteral("/__sandbox/reset-stats")).value(u"failed").toBool();
}

} // namespace EasyCrm::Testing
