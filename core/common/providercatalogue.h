#pragma once

#include "core/common/result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace EasyCrm {

enum class TokenEndpointAuth { Body, Basic };
enum class PkceChallengeEncoding { S256, S256Hex };
enum class RefreshTokenBehaviour { None, Fixed, Rotating };
enum class RedirectPortRule { Any, Fixed };
enum class HttpMethod { Get, Post };
// OpenID Connect providers publish a discovery document at their issuer; plain OAuth 2.0 ones
// do not.
enum class ProviderProtocol { OAuth2, Oidc };

// Where in the profile JSON the identity lives, as dotted paths ("data.user.open_id").
struct ProfileMapping
{
    QString idPath;
    QString handlePath;
    QString displayNamePath;
};

// How a provider without OAuth refresh tokens extends a still valid access token (Facebook's
// fb_exchange_token, Instagram's ig_refresh_token): one request carrying the current token,
// answered like a token endpoint. An expired token cannot be extended.
struct LongLivedExchange
{
    QUrl endpoint;
    HttpMethod method = HttpMethod::Post;
    QString grantType;      // the grant_type value
    QString tokenParameter; // the parameter that carries the current access token
    // client_id and client_secret go along. Never with GET: the secret would be in the URL.
    bool sendsClientCredentials = false;
    // The member the answer is wrapped in, empty when not wrapped.
    QString responseWrapper;
};

// What the product knows of one provider, read from resources/providers.json.
struct ProviderDescriptor
{
    QString key;
    QString displayName;
    QUrl authorizeEndpoint;
    QUrl tokenEndpoint;
    QUrl revocationEndpoint;
    QUrl profileEndpoint;
    QString issuer;
    ProviderProtocol protocol = ProviderProtocol::OAuth2;
    QString clientIdParameter = QStringLiteral("client_id");
    QString scopeSeparator = QStringLiteral(" ");
    // Any of these characters separates scopes in token responses.
    QString responseScopeSeparators = QStringLiteral(" ");
    QStringList defaultScopes;
    QStringList optionalScopes;
    QStringList approvalOnlyScopes;
    QMap<QString, QString> extraAuthorizeParameters;
    QString tokenResponseWrapper;
    ProfileMapping profile;
    TokenEndpointAuth tokenEndpointAuth = TokenEndpointAuth::Body;
    PkceChallengeEncoding pkceChallenge = PkceChallengeEncoding::S256;
    RefreshTokenBehaviour refreshTokens = RefreshTokenBehaviour::None;
    bool refreshResponseOmitsRefreshToken = false;
    // Only for providers without refresh tokens (refreshTokens None).
    std::optional<LongLivedExchange> longLivedExchange;
    bool perInstanceRegistration = false;
    RedirectPortRule redirectPort = RedirectPortRule::Any;
    // How long before the access token expires it is renewed; where nothing renews it, how
    // long the connection is shown as expiring first.
    int refreshLeadSeconds = 0;
    bool sendsIssuer = false;
};

class ProviderCatalogue
{
public:
    // The catalogue compiled into the product.
    [[nodiscard]] static const ProviderCatalogue &builtIn();
    [[nodiscard]] static Result<ProviderCatalogue> fromJson(const QByteArray &json);

    const QList<ProviderDescriptor> &providers() const { return m_providers; }
    [[nodiscard]] const ProviderDescriptor *find(const QString &key) const;

private:
    QList<ProviderDescriptor> m_providers;
};

} // namespace EasyCrm
