#pragma once

#include "core/common/result.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace EasyCrm {

enum class TokenEndpointAuth { Body, Basic };
enum class PkceChallengeEncoding { S256, S256Hex };
enum class RefreshTokenBehaviour { None, Fixed, Rotating };
enum class RedirectPortRule { Any, Fixed };
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
    bool longLivedExchange = false;
    bool perInstanceRegistration = false;
    RedirectPortRule redirectPort = RedirectPortRule::Any;
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
