#pragma once

#include "core/common/providercatalogue.h"
#include "core/service/providersettings.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace EasyCrm::OAuth {
class ReplyTracker;
}

namespace EasyCrm {

// DESIGN §8 and RFC 6749 §3.1: a provider address is absolute https, without a fragment or
// credentials; plain http only on this computer (127.0.0.1, localhost: the Sandbox).
[[nodiscard]] bool isAcceptableProviderAddress(const QUrl &url);

// "Test configuration": what can be checked of a provider's settings without a person signing
// in. Nothing of the app's registration is sent: no client id, no client secret, no cookie.
//
//   start(provider) ─► GET each endpoint ─────────────────────┐ in parallel, each request
//                   ─► oidc: GET <issuer>/.well-known/         │ with its own timeout; any
//                        openid-configuration (OIDC Discovery) │ HTTP answer is "reachable"
//                                                               ▼
//   finished(checks) once every request has answered or failed; the rows keep a fixed order
class ProviderConfigCheck final : public QObject
{
    Q_OBJECT

public:
    ProviderConfigCheck(QNetworkAccessManager *network, std::chrono::milliseconds timeout,
                        QObject *parent = nullptr);
    ~ProviderConfigCheck() override;
    Q_DISABLE_COPY_MOVE(ProviderConfigCheck)

    // `provider` with the admin's endpoint and issuer overrides applied. Once per object.
    void start(const ProviderDescriptor &provider);
    [[nodiscard]] bool isRunning() const { return m_pending > 0; }
    [[nodiscard]] const QList<ConfigCheck> &checks() const { return m_checks; }

signals:
    void finished(const QList<EasyCrm::ConfigCheck> &checks);

private:
    // How an endpoint is asked: the authorization and profile endpoints take a GET; the token
    // and revocation endpoints take only POST (RFC 6749 §3.2, RFC 7009 §2.1), where a GET may
    // meet a 404 from a server that routes by method.
    enum class Probe { Get, EmptyPost };
    void addEndpointCheck(const QString &title, const QUrl &url, ProviderField field,
                          Probe probe = Probe::Get);
    void addDiscoveryCheck();
    void onEndpointAnswer(qsizetype row, QNetworkReply *reply);
    void onDiscoveryAnswer(qsizetype row, QNetworkReply *reply);
    void compareDiscovery(const QJsonObject &document);
    [[nodiscard]] ConfigCheck issuerCheck(const QJsonObject &document) const;
    [[nodiscard]] ConfigCheck endpointsCheck(const QJsonObject &document) const;
    [[nodiscard]] QNetworkReply *get(const QUrl &url);
    [[nodiscard]] QNetworkReply *postEmptyForm(const QUrl &url);
    [[nodiscard]] QString unreachable(QNetworkReply *reply) const;
    void settle(qsizetype row, CheckVerdict verdict, const QString &text);
    void requestDone();

    QNetworkAccessManager *m_network;
    std::chrono::milliseconds m_timeout;
    std::unique_ptr<OAuth::ReplyTracker> m_replies;
    ProviderDescriptor m_provider;
    QList<ConfigCheck> m_checks;
    int m_pending = 0;
};

} // namespace EasyCrm
