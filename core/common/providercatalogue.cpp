#include "core/common/providercatalogue.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

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
    p.longLivedExchange = o.value(u"longLivedExchange").toBool();
    p.perInstanceRegistration = o.value(u"perInstanceRegistration").toBool();
    p.redirectPort = o.value(u"redirect").toObject().value(u"port").toString() == u"fixed"
                         ? RedirectPortRule::Fixed
                         : RedirectPortRule::Any;
    p.refreshLeadSeconds = o.value(u"refreshLeadSeconds").toInt();
    p.sendsIssuer = o.value(u"sendsIssuer").toBool();
    return p;
}

} // namespace

Result<ProviderCatalogue> ProviderCatalogue::fromJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject()) {
        return makeError(ErrorCode::MalformedResponse,
                         QCoreApplication::translate("ProviderCatalogue",
                                                     "The provider catalogue cannot be read."),
                         parseError.errorString());
    }
    ProviderCatalogue catalogue;
    for (const QJsonValue &value : doc.object().value(u"providers").toArray()) {
        ProviderDescriptor provider = parseProvider(value.toObject());
        if (provider.key.isEmpty() || !provider.authorizeEndpoint.isValid()) {
            return makeError(ErrorCode::MalformedResponse,
                             QCoreApplication::translate("ProviderCatalogue",
                                                         "The provider catalogue cannot be read."),
                             QStringLiteral("provider entry without key or authorize endpoint"));
        }
        catalogue.m_providers.append(std::move(provider));
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
