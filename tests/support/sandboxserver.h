#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace EasyCrm::Testing {

// The real sandbox OAuth server (sandbox/server.mjs) on a free loopback port, for one test.
class SandboxServer
{
public:
    SandboxServer() = default;
    ~SandboxServer();
    Q_DISABLE_COPY_MOVE(SandboxServer)

    // Starts it and waits for its ready line; false with errorString() on failure.
    [[nodiscard]] bool start(const QStringList &extraArguments = {});
    void stop();
    QString errorString() const { return m_error; }

    QUrl issuer() const { return m_issuer; }
    QString clientId() const { return QStringLiteral("easycrm-desktop"); }
    QByteArray clientSecret() const { return QByteArrayLiteral("sandbox-secret"); }

    // The test-control API (sandbox/README.md). Each call waits for the answer.
    [[nodiscard]] bool nextInteraction(const QString &login, const QString &decision);
    [[nodiscard]] bool revokeGrants(const QString &login);
    // POST /__sandbox/config: lifetimes and refresh-token rotation for tokens issued from now.
    [[nodiscard]] bool configure(const QJsonObject &settings);
    [[nodiscard]] QJsonObject stats();
    [[nodiscard]] bool resetStats();
    // What the sandbox saw of the last authorization and code exchange: state, code,
    // codeVerifier, accessToken, refreshToken.
    [[nodiscard]] QJsonObject lastExchange();
    // The HTTP status the token endpoint answers to a refresh with this refresh token.
    [[nodiscard]] int refreshStatus(const QString &refreshToken);
    // Everything the server wrote to stderr so far (its diagnostics).
    QByteArray diagnostics();

private:
    [[nodiscard]] QJsonObject call(const QByteArray &method, const QString &path,
                                   const QJsonObject &body = {});
    // Sends one request and waits for its answer: {status, body}.
    [[nodiscard]] std::pair<int, QByteArray> send(const QByteArray &method, const QString &path,
                                                  const QByteArray &contentType,
                                                  const QByteArray &body);

    QProcess m_process;
    QUrl m_issuer;
    QString m_error;
    QByteArray m_stderr;
};

// Where the scripted browser and the sandbox live.
QString sandboxDirectory();
QString nodeExecutable();

} // namespace EasyCrm::Testing
