#include "core/common/providercatalogue.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace EasyCrm {

namespace {

QStringList toStringList(const QJsonValue &value)
{
    QStringList list;
    for (const QJsonValue &item : value.toArray())
        list << item.toString();
    return list;
}

QUrl toUrl(const QJsonValue &value)
{
    return QUrl(value.toString(), QUrl::StrictMode);
}

ProviderDescriptor parseProvider(const QJsonObject &o)
{
    ProviderDescriptor p;
    p.key = o.value(u"key").toString();
    p.displayName = o.value(u"displayName").toString();
    p.authorizeEndpoint = toUrl(o.value(u"authorizeEndpoint"));
    p.tokenEndpoint = toUrl(o.value(u"tokenEndpoint"));
    p.revocationEndpoint = toUrl(o.value(u"revocationEndpoint"));
    p.profileEndpoint = toUrl(o.value(u"profileEndpoint"));
    p.issuer = o.value(u"issuer").toString();
    p.protocol = o.value(u"protocol").toString() == u"oidc" ? ProviderProtocol::Oidc
                                                            : ProviderProtocol::OAuth2;
    p.clientIdParameter = o.value(u"clientIdParameter").toString(p.clientIdParameter);
    p.scopeSeparator = o.value(u"scopeSeparator").toString(p.scopeSeparator);
    p.responseScopeSeparators =
        o.value(u"responseScopeSeparators").toString(p.responseScopeSeparators);
    p.defaultScopes = toStringList(o.value(u"defaultScopes"));
    p.optionalScopes = toStringList(o.value(u"optionalScopes"));
    p.approvalOnlyScopes = toStringList(o.value(u"approvalOnlyScopes"));
    const QJsonObject extra = o.value(u"extraAuthorizeParameters").toObject();
    for (auto it = extra.begin(); it != extra.end(); ++it)
        p.extraAuthorizeParameters.insert(it.key(), it.value().toString());
    p.tokenResponseWrapper = o.value(u"tokenResponseWrapper").toString();
    const QJsonObject profile = o.value(u"profile").toObject();
    p.profile = {profile.value(u"id").toString(), profile.value(u"handle").toString(),
                 profile.value(u"displayName").toString()};
    p.tokenEndpointAuth = o.value(u"tokenEndpointAuth").toString() == u"basic"
                              ? TokenEndpointAuth::Basic
                              : TokenEndpointAuth::Body;
    p.pkceChallenge = o.value(u"pkceChallenge").toString() == u"S256-hex"
                          ? PkceChallengeEncoding::S256Hex
                          : PkceChallengeEncoding::S256;
    const QString refresh = o.value(u"refreshTokens").toString();
    p.refreshTokens = refresh == u"rotating" ? RefreshTokenBehaviour::Rotating
                      : refresh == u"fixed"  ? RefreshTokenBehaviour::Fixed
                                             : RefreshTokenBehaviour::None;
    p.refreshResponseOmitsRefreshToken = o.value(u"refreshResponseOmitsRefreshToken").toBool();
    p.perInstanceRegistration = o.value(u"perInstanceRegistration").toBool();
    p.redirectPort = o.value(u"redirect").toObject().value(u"port").toString() == u"fixed"
                         ? RedirectPortRule::Fixed
                         : RedirectPortRule::Any;
    p.refreshLeadSeconds = o.value(u"refreshLeadSeconds").toInt();
    p.sendsIssuer = o.value(u"sendsIssuer").toBool();
    return p;
}

Error unreadable(const QString &detail)
{
    return makeError(
        ErrorCode::MalformedResponse,
        QCoreApplication::translate("ProviderCatalogue", "The provider catalogue cannot be read."),
        detail);
}

// The exchange carries a live access token (and maybe the client secret): https only, or
// plain http to this computer (a test's endpoint), like every other token request.
bool isSecureEndpoint(const QUrl &url)
{
    static const QRegularExpression loopbackV4(QStringLiteral("^127(\\.[0-9]{1,3}){3}$"));
    const QString host = url.host();
    const bool loopback =
        host == u"localhost" || host == u"::1" || loopbackV4.match(host).hasMatch();
    return url.isValid() && !host.isEmpty() &&
           (url.scheme() == u"https" || (url.scheme() == u"http" && loopback));
}

// "longLivedExchange": {"endpoint", "method" GET|POST, "grantType", "tokenParameter",
// "sendsClientCredentials", "responseWrapper"}; absent when the provider has none.
Result<std::optional<LongLivedExchange>> parseExchange(const QJsonObject &provider)
{
    const QJsonValue value = provider.value(u"longLivedExchange");
    if (value.isUndefined() || value.isNull())
        return std::optional<LongLivedExchange>();
    const QString where = provider.value(u"key").toString() + QStringLiteral(".longLivedExchange");
    if (!value.isObject())
        return unreadable(where + QStringLiteral(" is not an object"));
    const QJsonObject o = value.toObject();
    LongLivedExchange exchange;
    exchange.endpoint = toUrl(o.value(u"endpoint"));
    const QString method = o.value(u"method").toString();
    exchange.method = method == u"GET" ? HttpMethod::Get : HttpMethod::Post;
    exchange.grantType = o.value(u"grantType").toString();
    exchange.tokenParameter = o.value(u"tokenParameter").toString();
    exchange.sendsClientCredentials = o.value(u"sendsClientCredentials").toBool();
    exchange.responseWrapper = o.value(u"responseWrapper").toString();
    if (!isSecureEndpoint(exchange.endpoint))
        return unreadable(where + QStringLiteral(".endpoint is not an https URL"));
    if (method != u"GET" && method != u"POST")
        return unreadable(where + QStringLiteral(".method is neither GET nor POST"));
    if (exchange.grantType.isEmpty() || exchange.tokenParameter.isEmpty())
        return unreadable(where + QStringLiteral(" lacks grantType or tokenParameter"));
    if (exchange.method == HttpMethod::Get && exchange.sendsClientCredentials)
        return unreadable(where + QStringLiteral(" would send the client secret in a URL"));
    return std::optional<LongLivedExchange>(exchange);
}

Result<ProviderDescriptor> readProvider(const QJsonObject &o)
{
    ProviderDescriptor provider = parseProvider(o);
    if (provider.key.isEmpty() || !provider.authorizeEndpoint.isValid())
        return unreadable(QStringLiteral("provider entry without key or authorize endpoint"));
    Result<std::optional<LongLivedExchange>> exchange = parseExchange(o);
    if (!exchange)
        return exchange.error();
    // Refresh tokens renew the connection already; a second way would only compete.
    if (exchange.value() && provider.refreshTokens != RefreshTokenBehaviour::None)
        return unreadable(provider.key +
                          QStringLiteral(": a long-lived exchange needs refreshTokens none"));
    provider.longLivedExchange = exchange.value();
    return provider;
}

} // namespace

Result<ProviderCatalogue> ProviderCatalogue::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return unreadable(parseError.errorString());
    ProviderCatalogue catalogue;
    for (const QJsonValue &value : doc.object().value(u"providers").toArray()) {
        Result<ProviderDescriptor> provider = readProvider(value.toObject());
        if (!provider)
            return provider.error();
        catalogue.m_providers.append(std::move(provider).value());
    }
    return catalogue;
}

const ProviderCatalogue &ProviderCatalogue::builtIn()
{
    static const ProviderCatalogue catalogue = [] {
        QFile file(QStringLiteral(":/easycrm/providers.json"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("The built-in provider catalogue is missing from the resources");
        Result<ProviderCatalogue> parsed = fromJson(file.readAll());
        if (!parsed)
            qFatal("The built-in provider catalogue is malformed");
        return std::move(parsed).value();
    }();
    return catalogue;
}

const ProviderDescriptor *ProviderCatalogue::find(const QString &key) const
{
    for (const ProviderDescriptor &provider : m_providers) {
        if (provider.key == key)
            return &provider;
    }
    return nullptr;
}

} // namespace EasyCrm
