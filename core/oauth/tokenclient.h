#pragma once

#include "core/common/providercatalogue.h"
#include "core/common/result.h"
#include "core/oauth/httpexchange.h"
#include "core/oauth/replytracker.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <functional>
#include <optional>

class QNetworkAccessManager;

namespace EasyCrm::OAuth {

// Where and how to reach a provider's token (or revocation) endpoint.
struct TokenEndpoint
{
    QUrl url;
    QString clientIdParameter = QStringLiteral("client_id"); // TikTok: client_key
    QString clientId;
    QByteArray clientSecret; // empty for a public client
    TokenEndpointAuth auth = TokenEndpointAuth::Body;
    // Any of these characters separates scopes in the answer (LinkedIn: ", ").
    QString responseScopeSeparators = QStringLiteral(" ");
    // The member the answer is wrapped in (Instagram: "data"), empty when not wrapped.
    QString tokenResponseWrapper;
};

// The endpoint as the catalogue describes it, at `url` (the token or the revocation endpoint).
[[nodiscard]] TokenEndpoint tokenEndpointFor(const ProviderDescriptor &provider, const QUrl &url,
                                             const QString &clientId,
                                             const QByteArray &clientSecret = {});

// Where a provider without refresh tokens extends its access tokens: the catalogue's
// longLivedExchange endpoint and answer wrapper, the client id and secret always in the body.
// The url is empty when the provider has no such exchange.
[[nodiscard]] TokenEndpoint exchangeEndpointFor(const ProviderDescriptor &provider,
                                                const QString &clientId,
                                                const QByteArray &clientSecret = {});

// A successful token response (RFC 6749 §5.1).
struct TokenResponse
{
    QByteArray accessToken;
    QByteArray refreshToken; // empty when not issued (Google's refreshes keep the old one)
    QByteArray idToken;
    QString tokenType;
    std::optional<qint64> expiresInSeconds; // a number or a numeric string
    // refresh_token_expires_in (LinkedIn) or refresh_expires_in (TikTok), when sent.
    std::optional<qint64> refreshExpiresInSeconds;
    QStringList grantedScopes;
    // RFC 6749 §5.1: an omitted scope means the requested scope was granted; grantedScopes
    // then holds the requested scopes.
    bool scopeOmitted = false;
};

// The product's token client (RFC 6749 §4.1.3, §6; RFC 7009). Every value of the form body is
// percent-encoded exactly once, unlike Qt 6.4's flow, which sends a code "4/abc" as
// code=4%252Fabc. Every failure is a typed Error (HttpError, ErrorResponse, MalformedResponse,
// MissingAccessToken, Timeout, NetworkError) that never carries a token, code or secret.
//
// Each callback runs exactly once, from the event loop, never after the client is destroyed:
// destroying it aborts what is under way.
class TokenClient final : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(Result<TokenResponse>)>;
    using RevokeCallback = std::function<void(Result<void>)>;

    static constexpr std::chrono::milliseconds kDefaultTimeout{15000};

    explicit TokenClient(QNetworkAccessManager *nam, QObject *parent = nullptr);
    ~TokenClient() override;

    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_timeout; }

    // RFC 6749 §4.1.3 with the PKCE verifier (RFC 7636 §4.5). redirectUri must be the one
    // sent in the authorization request. requestedScopes stand for an omitted scope.
    void exchangeCode(const TokenEndpoint &endpoint, const QByteArray &code,
                      const QUrl &redirectUri, const QByteArray &codeVerifier,
                      const QStringList &requestedScopes, Callback done);

    // RFC 6749 §6. A failure leaves nothing behind: the next refresh starts afresh.
    void refresh(const TokenEndpoint &endpoint, const QByteArray &refreshToken,
                 const QStringList &requestedScopes, Callback done);

    // Extends a still valid access token where the provider issues no refresh token, as
    // `exchange` describes it (Facebook: POST fb_exchange_token with the client credentials;
    // Instagram: GET ig_refresh_token). `endpoint` comes from exchangeEndpointFor(). A GET
    // carries the token in its query, so every URL logged has it redacted, and it never
    // carries the client secret. The answer is read like a refresh's.
    void extendAccessToken(const TokenEndpoint &endpoint, const LongLivedExchange &exchange,
                           const QByteArray &accessToken, const QStringList &requestedScopes,
                           Callback done);

    // RFC 7009 §2.1, with the token_type_hint refresh_token or access_token; endpoint.url is
    // the revocation endpoint. An unknown or already invalid token is success (§2.2).
    void revoke(const TokenEndpoint &endpoint, const QByteArray &token, bool isRefreshToken,
                RevokeCallback done);

private:
    using Fields = QList<QPair<QString, QByteArray>>;

    // How a request reaches the endpoint: the method, and whether the client identifies
    // itself (RFC 6749 §2.3.1, §4.1.3; Instagram's refresh carries only the token).
    struct Delivery
    {
        HttpMethod method = HttpMethod::Post;
        bool identifiesClient = true;
    };

    void requestTokens(const char *stage, const TokenEndpoint &endpoint, Fields fields,
                       Redactor redactor, const QStringList &requestedScopes, Callback done,
                       Delivery delivery);
    [[nodiscard]] QNetworkReply *send(const TokenEndpoint &endpoint, Fields fields,
                                      Delivery delivery);
    [[nodiscard]] QNetworkReply *post(const QUrl &url, const Fields &fields,
                                      const QByteArray &authorization);
    [[nodiscard]] QNetworkReply *get(const QUrl &url, const Fields &fields);

    QNetworkAccessManager *m_nam;
    std::chrono::milliseconds m_timeout = kDefaultTimeout;
    ReplyTracker m_replies;
};

} // namespace EasyCrm::OAuth
