#include "core/oauth/tokenclient.h"

#include "core/common/secret.h"
#include "core/oauth/httpexchange.h"
#include "core/oauth/logging.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace EasyCrm::OAuth {

namespace {

QString translated(const char *text)
{
    return QCoreApplication::translate("EasyCrm::OAuth::TokenClient", text);
}

// application/x-www-form-urlencoded (RFC 6749 Appendix B): every name and value
// percent-encoded once, all but the unreserved characters.
QByteArray formBody(const QList<QPair<QString, QByteArray>> &fields)
{
    QByteArray body;
    for (const auto &[name, value] : fields) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(name) + '=' + value.toPercentEncoding();
    }
    return body;
}

// RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined.
QByteArray basicCredentials(const QString &clientId, const QByteArray &secret)
{
    QByteArray joined = QUrl::toPercentEncoding(clientId) + ':' + secret.toPercentEncoding();
    QByteArray header = "Basic " + joined.toBase64();
    wipe(joined);
    return header;
}

// expires_in: RFC 6749 §5.1 says a number; several providers send a numeric string.
Result<std::optional<qint64>> seconds(const QJsonValue &value, const QString &stage)
{
    if (value.isUndefined() || value.isNull())
        return std::optional<qint64>();
    bool ok = false;
    qint64 parsed = -1;
    if (value.isDouble()) {
        const double number = value.toDouble();
        ok = number >= 0 && number <= 1e15 && number == static_cast<double>(qint64(number));
        parsed = static_cast<qint64>(number);
    } else if (value.isString()) {
        parsed = value.toString().trimmed().toLongLong(&ok);
        ok = ok && parsed >= 0;
    }
    if (!ok) {
        return makeError(ErrorCode::MalformedResponse,
                         translated("The provider's answer could not be understood."),
                         QStringLiteral("%1: a lifetime is not a number of seconds").arg(stage));
    }
    return std::optional<qint64>(parsed);
}

QStringList scopesFrom(const QJsonValue &value, const QString &separators)
{
    QStringList scopes;
    if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            scopes << item.toString();
    } else {
        QString text = value.toString();
        for (const QChar separator : separators)
            text.replace(separator, QLatin1Char(' '));
        scopes = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }
    scopes.removeAll(QString());
    return scopes;
}

// Instagram wraps its answer: {"data": [{"access_token": ...}]} (or an object).
QJsonObject unwrapped(const QJsonObject &object, const QString &wrapper)
{
    if (wrapper.isEmpty() || !object.contains(wrapper))
        return object;
    const QJsonValue inner = object.value(wrapper);
    if (inner.isArray())
        return inner.toArray().first().toObject();
    return inner.toObject();
}

void readScopes(const QJsonObject &object, const TokenEndpoint &endpoint,
                const QStringList &requestedScopes, TokenResponse &tokens)
{
    // Instagram names the granted scopes `permissions`.
    QJsonValue scope = object.value(u"scope");
    if (scope.isUndefined() || scope.isNull())
        scope = object.value(u"permissions");
    tokens.grantedScopes = scopesFrom(scope, endpoint.responseScopeSeparators);
    // RFC 6749 §5.1: omitted means as requested. An empty string tells nothing more.
    if (tokens.grantedScopes.isEmpty()) {
        tokens.scopeOmitted = true;
        tokens.grantedScopes = requestedScopes;
    }
}

Result<void> readLifetimes(const QJsonObject &object, const QString &stage, TokenResponse &tokens)
{
    Result<std::optional<qint64>> expiresIn = seconds(object.value(u"expires_in"), stage);
    if (!expiresIn)
        return expiresIn.error();
    tokens.expiresInSeconds = expiresIn.value();
    // Secondary: a refresh lifetime that cannot be read is left unknown, not an error.
    for (const char *key : {"refresh_token_expires_in", "refresh_expires_in"}) {
        const Result<std::optional<qint64>> refreshIn =
            seconds(object.value(QLatin1String(key)), stage);
        if (refreshIn && refreshIn.value())
            tokens.refreshExpiresInSeconds = refreshIn.value();
    }
    return {};
}

Result<TokenResponse> parseTokens(const QJsonObject &answer, const TokenEndpoint &endpoint,
                                  const QStringList &requestedScopes, const QString &stage,
                                  const Redactor &redactor)
{
    const QJsonObject object = unwrapped(answer, endpoint.tokenResponseWrapper);
    // RFC 6749 §5.2 errors come with 400, but some providers answer them with 200.
    if (object.contains(u"error") || answer.contains(u"error")) {
        Error error =
            providerError(ErrorCode::ErrorResponse, object.contains(u"error") ? object : answer,
                          200, stage, redactor);
        error.httpStatus = 0;
        return error;
    }
    TokenResponse tokens;
    tokens.accessToken = object.value(u"access_token").toString().toUtf8();
    if (tokens.accessToken.isEmpty()) {
        return makeError(ErrorCode::MissingAccessToken,
                         translated("The provider did not return an access token."),
                         QStringLiteral("%1: no access_token in the answer").arg(stage));
    }
    tokens.refreshToken = object.value(u"refresh_token").toString().toUtf8();
    tokens.idToken = object.value(u"id_token").toString().toUtf8();
    tokens.tokenType = object.value(u"token_type").toString();
    if (Result<void> lifetimes = readLifetimes(object, stage, tokens); !lifetimes)
        return lifetimes.error();
    readScopes(object, endpoint, requestedScopes, tokens);
    return tokens;
}

} // namespace

TokenEndpoint tokenEndpointFor(const ProviderDescriptor &provider, const QUrl &url,
                               const QString &clientId, const QByteArray &clientSecret)
{
    TokenEndpoint endpoint;
    endpoint.url = url;
    endpoint.clientIdParameter = provider.clientIdParameter;
    endpoint.clientId = clientId;
    endpoint.clientSecret = clientSecret;
    endpoint.auth = provider.tokenEndpointAuth;
    endpoint.responseScopeSeparators = provider.responseScopeSeparators;
    endpoint.tokenResponseWrapper = provider.tokenResponseWrapper;
    return endpoint;
}

TokenEndpoint exchangeEndpointFor(const ProviderDescriptor &provider, const QString &clientId,
                                  const QByteArray &clientSecret)
{
    if (!provider.longLivedExchange)
        return {};
    TokenEndpoint endpoint =
        tokenEndpointFor(provider, provider.longLivedExchange->endpoint, clientId, clientSecret);
    // Graph reads the client from the parameters only, and its answers are not wrapped.
    endpoint.auth = TokenEndpointAuth::Body;
    endpoint.tokenResponseWrapper = provider.longLivedExchange->responseWrapper;
    return endpoint;
}

TokenClient::TokenClient(QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_nam(nam)
    , m_replies(this)
{}

TokenClient::~TokenClient()
{
    m_replies.abortAll();
}

void TokenClient::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
}

void TokenClient::exchangeCode(const TokenEndpoint &endpoint, const QByteArray &code,
                               const QUrl &redirectUri, const QByteArray &codeVerifier,
                               const QStringList &requestedScopes, Callback done)
{
    Fields fields{{QStringLiteral("grant_type"), "authorization_code"},
                  {QStringLiteral("code"), code},
                  {QStringLiteral("redirect_uri"), redirectUri.toEncoded()},
                  {QStringLiteral("code_verifier"), codeVerifier}};
    Redactor redactor;
    redactor.add(code);
    redactor.add(codeVerifier);
    requestTokens("token exchange", endpoint, std::move(fields), std::move(redactor),
                  requestedScopes, std::move(done), Delivery{});
}

void TokenClient::refresh(const TokenEndpoint &endpoint, const QByteArray &refreshToken,
                          const QStringList &requestedScopes, Callback done)
{
    Fields fields{{QStringLiteral("grant_type"), "refresh_token"},
                  {QStringLiteral("refresh_token"), refreshToken}};
    Redactor redactor;
    redactor.add(refreshToken);
    requestTokens("token refresh", endpoint, std::move(fields), std::move(redactor),
                  requestedScopes, std::move(done), Delivery{});
}

void TokenClient::extendAccessToken(const TokenEndpoint &endpoint,
                                    const LongLivedExchange &exchange,
                                    const QByteArray &accessToken,
                                    const QStringList &requestedScopes, Callback done)
{
    const Delivery delivery{exchange.method, exchange.sendsClientCredentials};
    // The catalogue refuses such an entry; a secret must not reach a URL whatever asks.
    if (delivery.method == HttpMethod::Get && delivery.identifiesClient &&
        !endpoint.clientSecret.isEmpty()) {
        const Error refused =
            makeError(ErrorCode::InvalidConfiguration,
                      translated("The provider's token exchange is not described safely."),
                      QStringLiteral("long-lived exchange: a GET would carry the client secret"));
        m_replies.later([done, refused] { done(refused); });
        return;
    }
    Fields fields{{QStringLiteral("grant_type"), exchange.grantType.toUtf8()},
                  {exchange.tokenParameter, accessToken}};
    Redactor redactor;
    redactor.add(accessToken);
    requestTokens("long-lived exchange", endpoint, std::move(fields), std::move(redactor),
                  requestedScopes, std::move(done), delivery);
}

void TokenClient::revoke(const TokenEndpoint &endpoint, const QByteArray &token,
                         bool isRefreshToken, RevokeCallback done)
{
    const QString stage = QStringLiteral("revocation");
    if (Result<void> usable = checkEndpoint(endpoint.url, stage); !usable) {
        m_replies.later([done, error = usable.error()] { done(error); });
        return;
    }
    Fields fields{{QStringLiteral("token"), token},
                  {QStringLiteral("token_type_hint"),
                   isRefreshToken ? QByteArray("refresh_token") : QByteArray("access_token")}};
    Redactor redactor;
    redactor.add(token);
    redactor.add(endpoint.clientSecret);
    m_replies.track(send(endpoint, std::move(fields), Delivery{}),
                    [stage, redactor, done = std::move(done)](QNetworkReply *reply) {
                        const Result<QJsonObject> answer = readJsonObject(reply, stage, redactor);
                        // RFC 7009 §2.2: the body of a 200 carries nothing to read.
                        const bool revoked =
                            answer.ok() || answer.error().code == ErrorCode::MalformedResponse;
                        qCInfo(lcToken) << "Revocation" << (revoked ? "done" : "failed");
                        done(revoked ? Result<void>() : Result<void>(answer.error()));
                    });
}

void TokenClient::requestTokens(const char *stageName, const TokenEndpoint &endpoint, Fields fields,
                                Redactor redactor, const QStringList &requestedScopes,
                                Callback done, Delivery delivery)
{
    const QString stage = QString::fromLatin1(stageName);
    if (Result<void> usable = checkEndpoint(endpoint.url, stage); !usable) {
        m_replies.later([done, error = usable.error()] { done(error); });
        return;
    }
    redactor.add(endpoint.clientSecret);
    qCDebug(lcToken).noquote() << stage << "to" << endpoint.url.host();
    m_replies.track(
        send(endpoint, std::move(fields), delivery),
        [stage, endpoint, requestedScopes, redactor, done = std::move(done)](QNetworkReply *reply) {
            Result<QJsonObject> answer = readJsonObject(reply, stage, redactor);
            if (!answer) {
                qCInfo(lcToken).noquote()
                    << stage << "failed:" << errorCodeName(answer.error().code);
                done(answer.error());
                return;
            }
            Result<TokenResponse> tokens =
                parseTokens(answer.value(), endpoint, requestedScopes, stage, redactor);
            qCInfo(lcToken).noquote()
                << stage
                << (tokens ? QStringLiteral("succeeded") : errorCodeName(tokens.error().code));
            done(std::move(tokens));
        });
}

QNetworkReply *TokenClient::send(const TokenEndpoint &endpoint, Fields fields, Delivery delivery)
{
    QByteArray authorization;
    const bool basic =
        endpoint.auth == TokenEndpointAuth::Basic && !endpoint.clientSecret.isEmpty();
    if (delivery.identifiesClient && basic) {
        authorization = basicCredentials(endpoint.clientId, endpoint.clientSecret);
    } else if (delivery.identifiesClient) {
        // RFC 6749 §2.3.1 (body) and §4.1.3 (public clients identify themselves).
        const QString idName = endpoint.clientIdParameter.isEmpty() ? QStringLiteral("client_id")
                                                                    : endpoint.clientIdParameter;
        fields.append({idName, endpoint.clientId.toUtf8()});
        if (!endpoint.clientSecret.isEmpty())
            fields.append({QStringLiteral("client_secret"), endpoint.clientSecret});
    }
    QNetworkReply *reply = delivery.method == HttpMethod::Get
                               ? get(endpoint.url, fields)
                               : post(endpoint.url, fields, authorization);
    for (auto &field : fields)
        wipe(field.second);
    wipe(authorization);
    return reply;
}

QNetworkReply *TokenClient::post(const QUrl &url, const Fields &fields,
                                 const QByteArray &authorization)
{
    QNetworkRequest request = jsonRequest(url, m_timeout);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArray("application/x-www-form-urlencoded"));
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    QByteArray body = formBody(fields);
    QNetworkReply *reply = m_nam->post(request, body);
    wipe(body);
    return reply;
}

// The fields join the endpoint's own query, each encoded exactly once. The URL then holds
// the token, so the log names the fields but shows no value other than the grant type.
QNetworkReply *TokenClient::get(const QUrl &url, const Fields &fields)
{
    QByteArray query = url.query(QUrl::FullyEncoded).toLatin1();
    QStringList shown;
    for (const auto &[name, value] : fields) {
        shown << name + u'=' +
                     (name == u"grant_type" ? QString::fromUtf8(value)
                                            : QStringLiteral("[redacted]"));
    }
    if (!query.isEmpty())
        query += '&';
    query += formBody(fields);
    QUrl target = url;
    target.setQuery(QString::fromLatin1(query), QUrl::StrictMode);
    wipe(query);
    qCDebug(lcToken).noquote() << "GET" << url.host() + url.path() << "with" << shown.join(u'&');
    return m_nam->get(jsonRequest(target, m_timeout));
}

} // namespace EasyCrm::OAuth
