#pragma once

#include "core/common/error.h"
#include "core/common/providercatalogue.h"
#include "core/oauth/pkce.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QStringList>
#include <QUrl>

class QOAuth2AuthorizationCodeFlow;

namespace EasyCrm::OAuth {

class LoopbackReplyHandler;

// One authorization attempt. Each attempt has its own state and PKCE pair (makeState(),
// makePkce()); nothing is reused between attempts.
struct AuthorizationRequest
{
    ProviderDescriptor provider; // endpoints may be overridden by the caller
    QString clientId;
    QStringList scopes; // only the admin-enabled scopes; joined by provider.scopeSeparator
    QUrl redirectUri;   // empty: the handler's callback()
    QByteArray state;
    Pkce pkce;
};

// Builds the authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3) by driving Qt's
// QOAuth2AuthorizationCodeFlow, without inheriting what Qt 6.4.2 gets wrong:
//
//   start() ─► flow: authorization URL, client id, scope, setState(fresh state), grant()
//                 └─ modify parameters (RequestingAuthorization): PKCE challenge and method,
//                    extra parameters, client id renamed (TikTok client_key), our redirect
//                    URI, every value percent-encoded once ('+' as %2B)
//   flow emits authorizeWithBrowser(url) ─► URL checked against what was meant
//                                       ─► authorizeUrlReady(url) | failed(error)
//
// It opens no browser and never lets the flow request a token: the flow's token request
// percent-encodes the code twice. TokenClient does that step.
class AuthorizationStep final : public QObject
{
    Q_OBJECT

public:
    AuthorizationStep(AuthorizationRequest request, LoopbackReplyHandler *handler,
                      QObject *parent = nullptr);
    ~AuthorizationStep() override;

    // Emits authorizeUrlReady() or failed() before it returns. An attempt starts once; a
    // second call is ignored.
    void start();

    // The redirect URI the request carries; the token request must send the same one
    // (RFC 6749 §4.1.3).
    QUrl redirectUri() const;

    // The parameters of the authorization request, decoded, in the order they are meant.
    [[nodiscard]] QList<QPair<QString, QString>> parameters() const;

signals:
    void authorizeUrlReady(const QUrl &url);
    void failed(const EasyCrm::Error &error);

private:
    [[nodiscard]] Result<void> checkRequest() const;
    void configureFlow();
    void onAuthorizeWithBrowser(const QUrl &url);

    AuthorizationRequest m_request;
    QPointer<LoopbackReplyHandler> m_handler;
    QOAuth2AuthorizationCodeFlow *m_flow = nullptr;
    bool m_started = false;
};

} // namespace EasyCrm::OAuth
